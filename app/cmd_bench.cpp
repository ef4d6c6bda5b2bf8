// descent bench: how fast the net and the search run on this machine, and a
// deterministic signature of search behaviour (selfplay/bench.h).

#include <cstdio>

#include "app/command.h"
#include "net/winograd.h"
#include "selfplay/bench.h"

namespace descent::app {

RunFn DeclareBench(CLI::App* sub) {
  auto o = std::make_shared<selfplay::BenchParams>();
  auto lz = std::make_shared<selfplay::LeelaZeroParams>();
  auto vs_lz = std::make_shared<bool>(false);
  auto winograd = std::make_shared<bool>(true);
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
  sub->add_option("--winograd", *winograd,
                  "the residual tower's 3x3 convolutions by Winograd F(3x3,3x3) where the CPU has AVX-512 and the "
                  "channels are a multiple of 16 (false: LibTorch's convolutions, for a side by side)")
      ->capture_default_str();
  sub->add_flag("--signature-only", o->signature_only, "print only the deterministic signature");
  sub->add_flag("--vs-leela-zero", *vs_lz,
                "instead: Descent's one-game search against Leela Zero's (Debian's leela-zero) on 19x19, random "
                "networks of the same shape (--blocks, --channels; default 6 x 96), --one-game-visits per search, "
                "alternating --rounds times; prints the ratio of visits/s");
  sub->add_option("--leelaz", lz->leelaz, "Leela Zero's binary")->capture_default_str();
  sub->add_option("--rounds", lz->rounds, "rounds of the side by side")->check(CLI::Range(1, 100))->capture_default_str();
  return [o, lz, vs_lz, winograd] {
    net::Winograd3x3::SetEnabled(*winograd);
    if (*vs_lz) {
      if (o->blocks > 0) lz->blocks = o->blocks;
      if (o->channels > 0) lz->channels = o->channels;
      lz->visits = o->one_game_visits;
      lz->threads = o->threads;
      lz->seed = o->seed;
      selfplay::RunLeelaZeroSideBySide(*lz, stdout);
      return 0;
    }
    selfplay::RunBench(*o, stdout);
    return 0;
  };
}

}  // namespace descent::app
