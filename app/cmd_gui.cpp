// descent gui: play a network in an SDL2 window.

#include <cstdlib>

#include "app/command.h"
#include "app/options_cli.h"
#include "mcts/search_options.h"
#include "app/run_dir.h"
#include "game/registry.h"
#include "game/user_error.h"
#include "gui/gui_app.h"

namespace descent::app {

RunFn DeclareGui(CLI::App* sub) {
  struct Options {
    gui::GuiParams params;
    std::string run, net, colour = "black";
    int size = 0;
    std::optional<float> komi;
  };
  auto o = std::make_shared<Options>();
  sub->description("Play a network in a window: Go, Connect Four or tic-tac-toe, with its thinking shown live.\n"
                   "With --run, the run's newest network, picked up again at each new game.");
  sub->add_option("--run", o->run, "a training run: play its newest network");
  sub->add_option("--net", o->net, "a weights file to play");
  sub->add_option("--colour,--color", o->colour, "your side: black (moves first: Black, Red, X) or white")
      ->check(CLI::IsMember({"black", "white", "first", "second"}))
      ->capture_default_str();
  sub->add_option("--visits", o->params.visits, "the network's visits per move")->check(CLI::Range(1, 10000000))->capture_default_str();
  sub->add_option("--seconds", o->params.seconds, "seconds per move instead of visits")->check(CLI::Range(0.0, 3600.0));
  sub->add_option("--size", o->size, "Go board size (default: the network's)")->check(CLI::Range(2, 19));
  sub->add_option("--komi", o->komi, "Go komi (default: the network's game)");
  sub->add_option("--threads", o->params.threads, "inference workers")->check(CLI::Range(1, 64))->capture_default_str();
  BindOptions(sub, mcts::SearchOptions(), &o->params.search, "Search");
  sub->add_option("--sgf-dir", o->params.sgf_dir, "where S saves games")->capture_default_str();
  sub->add_option("--script", o->params.script, "play a script of clicks and keys (for tests), then quit");
  sub->add_option("--width", o->params.width, "window width")->check(CLI::Range(320, 10000))->capture_default_str();
  sub->add_option("--height", o->params.height, "window height")->check(CLI::Range(240, 10000))->capture_default_str();
  sub->add_option("--font", o->params.font, "a TrueType font file")->capture_default_str();
  return [o] {
    gui::GuiParams params = o->params;
    if (!o->run.empty()) {
      const std::string run = o->run;
      const auto store = OpenRunStore(run);
      params.network_path = NewestNetworkPath(run, *store);  // says so when the run has none yet
      params.newest_network = [run] { return NewestNetworkPath(run, *OpenRunStore(run)); };
    } else if (!o->net.empty()) {
      params.network_path = o->net;
    } else {
      throw game::UserError("give --run DIR (a training run) or --net FILE");
    }
    params.human = o->colour == "black" || o->colour == "first" ? 0 : 1;
    params.go_size = o->size;
    params.komi = o->komi;
    return gui::RunGui(params);
  };
}

}  // namespace descent::app
