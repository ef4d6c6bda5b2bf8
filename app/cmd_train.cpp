// descent train: self-play, training and evaluation in one process, in a
// run directory that survives restarts and kill -9. The run itself is
// trainer::TrainingRun; this file reads options and prints.

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "app/command.h"
#include "app/console.h"
#include "app/options_cli.h"
#include "game/registry.h"
#include "game/user_error.h"
#include "trainer/training_run.h"

namespace descent::app {

// Reads a config file into the options not given on the command line nor
// by an earlier file (CLI11 2.1 reads config files only for the top-level
// command). Names are the long option names; an unknown name or a bad value
// is refused, naming it; an empty value (`blocks=""`) leaves the game's
// default; names in `skip` are ignored.
void ReadConfigFile(CLI::App* sub, const std::string& path, const std::vector<std::string>& skip = {}) {
  const CLI::Option* config = sub->get_option("--config");
  std::vector<CLI::ConfigItem> items;
  try {
    items = CLI::ConfigINI().from_file(path);
  } catch (const CLI::Error& e) {
    throw game::UserError("config file '" + path + "': " + e.what());
  }
  for (const CLI::ConfigItem& item : items) {
    if (item.name == "++" || item.name == "--") continue;  // a section opens or closes
    if (std::find(skip.begin(), skip.end(), item.name) != skip.end()) continue;
    const bool ours = item.parents.empty() || (item.parents.size() == 1 && item.parents[0] == sub->get_name());
    CLI::Option* opt = ours ? sub->get_option_no_throw("--" + item.name) : nullptr;
    if (!opt || !opt->get_configurable() || opt == config) {
      throw game::UserError("config file '" + path + "': unknown option '" + item.fullname() + "'");
    }
    if (opt->count() > 0) continue;  // the command line wins (--NAME, or --no-NAME for a bool)
    if (const CLI::Option* no = sub->get_option_no_throw("--no-" + item.name); no && no->count() > 0) continue;
    if (std::all_of(item.inputs.begin(), item.inputs.end(), [](const std::string& v) { return v.empty(); })) continue;
    try {
      for (const std::string& value : item.inputs) opt->add_result(value);
      opt->run_callback();
    } catch (const CLI::Error& e) {
      throw game::UserError("config file '" + path + "': " + item.name + ": " + e.what());
    }
  }
}

RunFn DeclareTrain(CLI::App* sub) {
  auto o = std::make_shared<trainer::TrainRunParams>();
  sub->description(
      "Train a network by self-play: games are played, stored in RUN/store.sqlite, trained on, and each new\n"
      "network is published to RUN/nets and evaluated in the background. Start it again on the same --run to\n"
      "resume (after Ctrl-C or a crash). Options may come from a file (--config FILE, INI/TOML, same names).\n"
      "0 means the game's default.");
  sub->set_config("--config", "", "read options from this file");
  BindOptions(sub, trainer::TrainRunOptions(), o.get(), "");
  // Not written to RUN/config.ini (readable by others): a secret stays in RUN/token.
  sub->get_option("--token")->configurable(false);
  return [o, sub] {
    if (const CLI::Option* config = sub->get_option("--config"); config->count() > 0) {
      ReadConfigFile(sub, config->as<std::string>());
    }
    if (o->run.empty()) throw game::UserError("--run is required (on the command line or as run= in --config)");
    // Resuming: the run's own resolved options fill in what neither the
    // command line nor --config gave, so `descent train --run DIR` goes on
    // with the game, net, schedule and evaluation settings it started with
    // (a learning-rate drop is not lost on resume). The time limit is per
    // session; the run directory is where it is now; the device is this
    // machine's (a run started on a GPU goes on here on the CPU).
    if (const auto ini = std::filesystem::path(o->run) / "config.ini"; std::filesystem::exists(ini)) {
      ReadConfigFile(sub, ini.string(), {"minutes", "run", "device"});
    }
    // RUN/config.ini holds the values the run uses, the game's defaults
    // filled in, so the file says what ran and `--config` reproduces it:
    // the resolved values become the options' shown defaults.
    trainer::TrainRunParams shown = *o;
    trainer::ResolveDefaults(*game::MakeGame(o->game), &shown);
    CLI::App scratch;
    BindOptions(&scratch, trainer::TrainRunOptions(), &shown, "");
    for (const auto& option : trainer::TrainRunOptions().options()) {
      CLI::Option* ours = sub->get_option("--" + option.name);
      if (ours->count() == 0) ours->default_str(scratch.get_option("--" + option.name)->get_default_str());
    }
    const bool tty = isatty(fileno(stdout));
    trainer::TrainRunOutput output;
    output.status = [tty](const std::string& line, bool final) { PrintStatusLine(line, tty, final); };
    // Not at a terminal the progress line comes every 30 s and each
    // evaluation in full; at one the line is rewritten every second.
    output.status_seconds = tty ? 1.0 : 30.0;
    output.message = [tty](const std::string& line) {
      const bool eval = line.rfind("eval step ", 0) == 0;
      if (eval && tty) return;
      if (tty) std::printf("\r\033[K");
      std::printf("%s\n", line.c_str());
      std::fflush(stdout);
    };
    trainer::TrainingRun run(*o, sub->config_to_str(true, true), output);
    run.Run(&StopOnInterrupt());
    return 0;
  };
}

}  // namespace descent::app
