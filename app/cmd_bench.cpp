// descent bench: how fast the net and the search run on this machine, and a
// deterministic signature of search behaviour (selfplay/bench.h).

#include <cstdio>

#include "app/command.h"
#include "selfplay/bench.h"

namespace descent::app {

RunFn DeclareBench(CLI::App* sub) {
  auto o = std::make_shared<selfplay::BenchParams>();
  sub->description("Measure net and search speed on this machine and print a deterministic search signature.\n"
                   "Figures: raw evals/s at batch 1..256, FLOPs vs the measured peak, self-play and one-game\n"
                   "visits/s, time outside the net, memory; then visit counts for fixed positions (--seed).");
  sub->add_option("--game", o->game, "game spec")->capture_default_str();
  sub->add_option("--device", o->device, "cpu or cuda")->capture_default_str();
  sub->add_option("--blocks", o->blocks, "residual blocks (0: the game's default)")->check(CLI::Range(0, 100));
  sub->add_option("--channels", o->channels, "channels (0: the game's default)")->check(CLI::Range(0, 1024));
  sub->add_option("--seed", o->seed, "seed for the random weights and the signature")->capture_default_str();
  sub->add_option("--seconds", o->seconds, "seconds per search measurement")->check(CLI::Range(1.0, 3600.0))->capture_default_str();
  sub->add_option("--games", o->games, "concurrent self-play games")->check(CLI::Range(1, 4096))->capture_default_str();
  sub->add_option("--visits", o->visits, "self-play visits per move")->check(CLI::Range(2, 100000))->capture_default_str();
  sub->add_option("--one-game-visits", o->one_game_visits, "one-game visits per search")->check(CLI::Range(2, 1000000))->capture_default_str();
  sub->add_option("--threads", o->threads, "inference workers (one LibTorch thread each)")->check(CLI::Range(1, 256))->capture_default_str();
  sub->add_flag("--signature-only", o->signature_only, "print only the deterministic signature");
  return [o] {
    selfplay::RunBench(*o, stdout);
    return 0;
  };
}

}  // namespace descent::app
