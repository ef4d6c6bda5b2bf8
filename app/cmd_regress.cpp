// descent regress: GNU Go's regression suites (.tst) against Descent and
// GNU Go (or any GTP engines), side by side: a benchmark of strength, not a
// test of the build.

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <sstream>

#include "app/command.h"
#include "game/shell.h"
#include "engine/regress.h"
#include "game/user_error.h"

namespace descent::app {
namespace {

namespace fs = std::filesystem;

struct RegressOptions {
  std::vector<std::string> suites;
  std::vector<std::string> engines;  // GTP commands; default: Descent and GNU Go
  std::string net;
  int visits = 400;
  int threads = 2;
  std::string gnugo;  // default: GNU Go where it is installed
  bool no_gnugo = false;
  double timeout = 120;
  bool verbose = false;
};

// A move test asks for a move (the strength the suites measure); the rest
// ask GNU Go's own reading functions, which other engines do not have.
bool IsMoveTest(const std::string& command) {
  const std::string name = command.substr(0, command.find(' '));
  return name == "reg_genmove" || name == "restricted_genmove" || name == "gg_genmove" || name == "genmove";
}

struct EngineRun {
  std::string name;
  std::string command;
  engine::RegressCounts all, moves;
};

std::string Rate(const engine::RegressCounts& c) {
  char text[96];
  std::snprintf(text, sizeof text, "%4d of %4d (%5.1f%%)", c.Passes(), c.Run(), c.Run() ? 100.0 * c.Passes() / c.Run() : 0.0);
  return text;
}

int RunRegress(RegressOptions& o) {
  std::vector<fs::path> files;
  for (const std::string& s : o.suites) {
    if (fs::is_directory(s)) {
      std::vector<fs::path> in_dir;
      for (const auto& e : fs::directory_iterator(s)) {
        if (e.path().extension() == ".tst") in_dir.push_back(e.path());
      }
      std::sort(in_dir.begin(), in_dir.end());
      files.insert(files.end(), in_dir.begin(), in_dir.end());
    } else if (fs::is_regular_file(s)) {
      files.emplace_back(s);
    } else {
      throw game::UserError("no such suite: " + game::Quoted(s, 200));
    }
  }
  if (files.empty()) throw game::UserError("no .tst files given");

  std::vector<EngineRun> runs;
  if (o.engines.empty()) {
    std::string self = fs::read_symlink("/proc/self/exe").string();
    std::string descent = game::ShellQuote(self) + " gtp --no-resign --visits " + std::to_string(o.visits) + " --threads " +
                          std::to_string(o.threads);
    if (!o.net.empty()) descent += " --net " + game::ShellQuote(fs::absolute(o.net).string());
    runs.push_back({"descent", descent, {}, {}});
    if (!o.no_gnugo) {
      const std::string found = game::FindGnuGo();
      if (!o.gnugo.empty()) {
        runs.push_back({"gnugo", o.gnugo, {}, {}});
      } else if (!found.empty()) {
        runs.push_back({"gnugo", found + " --mode gtp", {}, {}});
      } else {
        std::printf("GNU Go is not installed (apt-get install gnugo): Descent alone\n");
      }
    }
  } else {
    for (const std::string& e : o.engines) runs.push_back({e.substr(0, e.find(' ')), e, {}, {}});
  }
  for (const EngineRun& r : runs) std::printf("%-8s %s\n", r.name.c_str(), r.command.c_str());

  // Tests every engine ran (not skipped by any): the fair comparison.
  std::vector<engine::RegressCounts> common(runs.size()), common_moves(runs.size());
  engine::RegressParams params{.timeout_seconds = o.timeout};
  for (const fs::path& file : files) {
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    std::vector<engine::RegressCommand> suite;
    try {
      suite = engine::ParseRegressSuite(text.str());
    } catch (const game::UserError& e) {
      throw game::UserError(file.string() + ": " + e.what());
    }
    // Each engine in its own process, started in the suite's folder (the
    // loadsgf paths are relative to it), the engines side by side.
    const std::string dir = fs::absolute(file).parent_path().string();
    std::vector<std::future<std::vector<engine::RegressResult>>> futures;
    for (const EngineRun& r : runs) {
      futures.push_back(std::async(std::launch::async, [&, command = r.command] {
        engine::GtpClient client("cd " + game::ShellQuote(dir) + " && exec " + command);
        return engine::RunRegressSuite(client, suite, params);
      }));
    }
    std::vector<std::vector<engine::RegressResult>> results;
    for (auto& f : futures) results.push_back(f.get());
    std::printf("%-22s", file.filename().string().c_str());
    for (size_t e = 0; e < runs.size(); ++e) {
      engine::RegressCounts c;
      for (const engine::RegressResult& r : results[e]) {
        c.Add(r.outcome);
        runs[e].all.Add(r.outcome);
        if (IsMoveTest(r.test.command)) runs[e].moves.Add(r.outcome);
        if (o.verbose) {
          std::printf("\n  %s %s:%d %d %s -> %s, expected [%s%s]%s", runs[e].name.c_str(), file.filename().c_str(),
                      r.test.line, *r.test.id, r.test.command.c_str(), r.answer.c_str(), r.test.negate ? "!" : "",
                      r.test.pattern->c_str(), r.test.expect_failure ? "*" : "");
          std::printf(": %s", engine::OutcomeName(r.outcome));
        }
      }
      std::printf("%s  %s %3d of %3d passed, %3d skipped", o.verbose ? "\n " : "", runs[e].name.c_str(), c.Passes(),
                  c.Run(), c.skipped);
    }
    std::printf("\n");
    for (size_t e = 0; e < runs.size(); ++e) {
      for (const engine::RegressResult& r : results[e]) {
        if (r.answer.rfind("the engine stopped answering", 0) == 0) {
          std::printf("  %s: %s\n", runs[e].name.c_str(), r.answer.c_str());
          break;
        }
      }
    }
    std::fflush(stdout);
    // results[e][i] is the same test for every engine.
    for (size_t i = 0; i < results[0].size(); ++i) {
      bool all_ran = true;
      for (const auto& r : results) all_ran = all_ran && r[i].outcome != engine::RegressOutcome::kSkipped;
      if (!all_ran) continue;
      for (size_t e = 0; e < runs.size(); ++e) {
        common[e].Add(results[e][i].outcome);
        if (IsMoveTest(results[e][i].test.command)) common_moves[e].Add(results[e][i].outcome);
      }
    }
  }
  std::printf("\n%-8s  %-24s %-24s %-24s %s\n", "engine", "all tests run", "move tests run", "move tests all ran",
              "tests all ran");
  for (size_t e = 0; e < runs.size(); ++e) {
    std::printf("%-8s  %-24s %-24s %-24s %s\n", runs[e].name.c_str(), Rate(runs[e].all).c_str(),
                Rate(runs[e].moves).c_str(), Rate(common_moves[e]).c_str(), Rate(common[e]).c_str());
  }
  std::printf("(skipped: a command the engine does not know, or a position it cannot set up, such as a board size "
              "without a network)\n");
  return 0;
}

}  // namespace

RunFn DeclareRegress(CLI::App* sub) {
  auto o = std::make_shared<RegressOptions>();
  sub->description(
      "Run GNU Go's regression suites (.tst files, or folders of them) against Descent and GNU Go side by side\n"
      "and print each engine's pass rate. Example:\n"
      "  descent regress ../shared/data/gnugo-regression/9x9.tst --visits 400");
  sub->add_option("suites", o->suites, ".tst files or folders holding them")->required();
  sub->add_option("--engine", o->engines,
                  "a GTP engine's command (repeat for several); default: Descent (the shipped networks, or --net) "
                  "and GNU Go");
  sub->add_option("--net", o->net, "Descent's weights file (default: the shipped network of each board size)");
  sub->add_option("--visits", o->visits, "Descent's visits per move")->check(CLI::Range(1, 10000000))->capture_default_str();
  sub->add_option("--threads", o->threads, "Descent's inference workers")->check(CLI::Range(1, 64))->capture_default_str();
  sub->add_option("--gnugo", o->gnugo, "GNU Go's command (default: gnugo --mode gtp, found on PATH or in /usr/games)");
  sub->add_flag("--no-gnugo", o->no_gnugo, "Descent alone");
  sub->add_option("--timeout", o->timeout, "seconds an engine may take per command")
      ->check(CLI::Range(0.1, 86400.0))
      ->capture_default_str();
  sub->add_flag("--verbose", o->verbose, "every test's answer");
  return [o] { return RunRegress(*o); };
}

}  // namespace descent::app
