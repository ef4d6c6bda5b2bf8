// descent: one binary, one subcommand per file in app/.

#include <malloc.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <map>
#include <string>

#include "app/command.h"
#include "game/user_error.h"

namespace descent::app {
namespace {

// Every subcommand, in the order --help lists them.
constexpr Command kCommands[] = {
    {"train", "Train a network by self-play (the main job); resumes an existing run", DeclareTrain},
    {"selfplay", "A self-play worker for a remote trainer (descent train --listen)", DeclareSelfPlay},
    {"eval", "Evaluate a network against random, rollout MCTS, the solver, or another network", DeclareEval},
    {"report", "Write plots (SVG + HTML) of a training run", DeclareReport},
    {"inspect", "Serve the live run page of a run: charts, game browser, surprise, calibration", DeclareInspect},
    {"status", "Print what a run directory holds", DeclareStatus},
    {"play", "Play against a network in the terminal", DeclarePlay},
#ifdef DESCENT_HAVE_GUI
    {"gui", "Play a network in a window (SDL2): Go, Connect Four, tic-tac-toe", DeclareGui},
#endif
    {"gtp", "Speak GTP v2 on stdin/stdout (GNU Go, Sabaki, GoGui)", DeclareGtp},
    {"match", "Referee a match between two GTP engines (Descent, GNU Go, ...)", DeclareMatch},
    {"regress", "Run GNU Go's regression suites against Descent and GNU Go; print pass rates", DeclareRegress},
    {"games", "List the games and their options", DeclareGames},
    {"solve", "Solve a tic-tac-toe or Connect Four position exactly; check the solver", DeclareSolve},
    {"playout", "Play random legal games and print the final position and score", DeclarePlayout},
    {"sgf", "Read a Go SGF file, replay it and print the final position and score", DeclareSgf},
    {"bench", "Measure net and search speed; print a deterministic search signature", DeclareBench},
};

// glibc's allocator gives every block above its mmap threshold (128 KiB at
// first) its own mapping and hands freed heap tops back to the kernel past
// the trim threshold; LibTorch allocates a batch's activations (megabytes)
// afresh for every net call and training step, so each one came back as
// new zeroed pages: 2.4 million page faults and 9 of 89 CPU-seconds in the
// kernel for 200 steps of 7x7 training (docs/bench.md). Keeping blocks up
// to kMmapThreshold in the heap and trimming only past kTrimThreshold
// reuses them: 48 thousand page faults, 1.3 s in the kernel, the same peak
// memory (306 MB against 309 MB). 32 MiB is the largest threshold glibc
// takes; the trim threshold bounds the freed memory a process keeps.
// GLIBC_TUNABLES, when set, is the user's choice and wins.
constexpr int kMmapThreshold = 32 << 20;
constexpr int kTrimThreshold = 256 << 20;
void TuneAllocator() {
  if (std::getenv("GLIBC_TUNABLES")) return;
  mallopt(M_MMAP_THRESHOLD, kMmapThreshold);
  mallopt(M_TRIM_THRESHOLD, kTrimThreshold);
}

int Main(int argc, char** argv) {
  TuneAllocator();
  CLI::App app{"Descent: self-play game learning (AlphaGo Zero style) for Go, Connect Four and tic-tac-toe.\n"
               "Run 'descent SUBCOMMAND --help' for the options of one subcommand."};
  app.name("descent");
  app.require_subcommand(1);
  app.set_version_flag("--version", "descent 0.1.0");
  std::map<std::string, RunFn> run;
  for (const Command& c : kCommands) run[c.name] = c.declare(app.add_subcommand(c.name, c.summary));

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  const std::string name = app.get_subcommands().front()->get_name();
  try {
    return run.at(name)();
  } catch (const game::UserError& e) {
    std::fprintf(stderr, "descent %s: error: %s\n", name.c_str(), e.what());
    return 2;
  }
}

}  // namespace
}  // namespace descent::app

int main(int argc, char** argv) {
  try {
    return descent::app::Main(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "descent: internal error: %s\n", e.what());
    return 3;
  }
}
