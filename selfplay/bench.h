#pragma once
// How fast the net and the search run on this machine (descent bench): raw
// batched evaluations/s against the measured peak (matmul or 3x3 conv), the self-play and
// one-game drivers' visits/s, time outside the net, memory; and a
// deterministic signature of search behaviour (visit counts for fixed
// positions; tests/CMakeLists.txt pins the rollout one).

#include <cstdint>
#include <cstdio>
#include <string>

namespace descent::selfplay {

struct BenchParams {
  std::string game = "go:9:komi=7";
  std::string device = "cpu";
  int blocks = 0;
  int channels = 0;
  uint64_t seed = 1;
  double seconds = 10;
  int games = 64;
  int visits = 100;
  int one_game_visits = 800;
  int threads = 2;
  bool signature_only = false;
  // Nominal fp32 peak per core, for comparison with the measured one: an
  // AMD Zen 3 core with AVX2/FMA at 2.45 GHz (16 FLOP/cycle x 2 units).
  double nominal_core_gflops = 78.0;
};

// Descent against Leela Zero side by side (descent bench --vs-leela-zero):
// a random network of the same shape for each (Leela Zero's text weights
// format, version 1, 18 input planes), one search of `visits` visits from
// the empty 19x19 board, `rounds` times alternating, 2 threads each. Prints
// each round's visits/s and the ratio, then the medians. Throws
// game::UserError when `leelaz` cannot be run or its output is not read.
struct LeelaZeroParams {
  std::string leelaz = "/usr/games/leelaz";  // Debian's leela-zero package
  int blocks = 6;
  int channels = 96;
  int visits = 1600;  // a search long enough that start-up is a small part
  int rounds = 3;
  int threads = 2;
  uint64_t seed = 1;
};
void RunLeelaZeroSideBySide(const LeelaZeroParams& params, std::FILE* out);

// Writes a random network of `blocks` x `channels` for 19x19 in Leela
// Zero's text weights format (version 1): He-scaled normal weights, zero
// biases and means, unit variances.
void WriteLeelaZeroWeights(const std::string& path, int blocks, int channels, uint64_t seed);

// Runs the measurements (about 2 x `seconds` for the drivers, plus the raw
// rounds) and prints them to `out` as it goes. Blocks. Throws
// game::UserError for a bad game spec or device.
void RunBench(const BenchParams& params, std::FILE* out);

}  // namespace descent::selfplay
