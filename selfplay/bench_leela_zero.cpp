// descent bench --vs-leela-zero: Descent's one-game search against Leela
// Zero 0.17's (--cpu-only --benchmark) on the same 19x19 position with
// networks of the same shape, alternating, so the ratio is measured in one
// run on the same machine state.

#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <vector>

#include "game/registry.h"
#include "game/shell.h"
#include "game/user_error.h"
#include "mcts/game_search.h"
#include "net/inference_server.h"
#include "net/net_evaluator.h"
#include "net/network.h"
#include "selfplay/bench.h"

namespace descent::selfplay {
namespace {

double MedianOf(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
}


// One `leelaz --benchmark` search; its playouts per second.
double LeelaZeroVisitsPerSecond(const LeelaZeroParams& p, const std::string& weights) {
  const std::string command = game::ShellQuote(p.leelaz) + " --cpu-only --benchmark --noponder -t " + std::to_string(p.threads) +
                              " -v " + std::to_string(p.visits) + " -w " + game::ShellQuote(weights) + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) throw game::UserError("cannot start " + p.leelaz);
  std::string output;
  char buffer[4096];
  while (size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  const int status = pclose(pipe);
  // "801 visits, 284396 nodes, 800 playouts, 34 n/s": n/s is playouts per second.
  const std::regex summary(R"((\d+) visits, (\d+) nodes, (\d+) playouts, (\d+) n/s)");
  std::smatch m;
  std::string last;
  for (auto it = std::sregex_iterator(output.begin(), output.end(), summary); it != std::sregex_iterator(); ++it) {
    last = (*it)[4].str();
  }
  if (status != 0 || last.empty()) {
    throw game::UserError("leelaz did not finish its benchmark (status " + std::to_string(status) + "): " +
                          output.substr(output.size() > 600 ? output.size() - 600 : 0));
  }
  return std::stod(last);
}

}  // namespace

void WriteLeelaZeroWeights(const std::string& path, int blocks, int channels, uint64_t seed) {
  constexpr int kPlanes = 18, kPoints = 361, kValueHidden = 256;
  std::ofstream f(path);
  if (!f) throw game::UserError("cannot write " + path);
  std::mt19937_64 rng(seed);
  const auto weights = [&](long count, int fan_in) {
    std::normal_distribution<float> normal(0.0f, std::sqrt(2.0f / static_cast<float>(fan_in)));
    char text[32];
    for (long i = 0; i < count; ++i) {
      std::snprintf(text, sizeof text, i ? " %.4g" : "%.4g", normal(rng));
      f << text;
    }
    f << '\n';
  };
  const auto constant = [&](int count, const char* value) {
    for (int i = 0; i < count; ++i) f << (i ? " " : "") << value;
    f << '\n';
  };
  // A convolution: weights, biases; then its batch norm: means, variances.
  const auto conv = [&](int out, int in, int k) {
    weights(static_cast<long>(out) * in * k * k, in * k * k);
    constant(out, "0");
    constant(out, "0");
    constant(out, "1");
  };
  f << "1\n";
  conv(channels, kPlanes, 3);
  for (int b = 0; b < 2 * blocks; ++b) conv(channels, channels, 3);
  conv(2, channels, 1);  // policy head
  weights(static_cast<long>(kPoints + 1) * 2 * kPoints, 2 * kPoints);
  constant(kPoints + 1, "0");
  conv(1, channels, 1);  // value head
  weights(static_cast<long>(kValueHidden) * kPoints, kPoints);
  constant(kValueHidden, "0");
  weights(kValueHidden, kValueHidden);
  constant(1, "0");
  if (!f.flush()) throw game::UserError("cannot write " + path);
}

void RunLeelaZeroSideBySide(const LeelaZeroParams& p, std::FILE* out) {
  if (access(p.leelaz.c_str(), X_OK) != 0) {
    throw game::UserError(p.leelaz + " is not here (apt-get install leela-zero; --leelaz PATH)");
  }
  const std::string weights =
      (std::filesystem::temp_directory_path() / ("descent-lz-" + std::to_string(getpid()) + ".txt")).string();
  WriteLeelaZeroWeights(weights, p.blocks, p.channels, p.seed);
  auto g = game::MakeGame("go:19:komi=7.5");
  const net::NetConfig config = net::DefaultNetConfig(*g, p.blocks, p.channels);
  std::shared_ptr<net::Network> network = net::Network::Random(config, p.seed, "cpu");
  std::fprintf(out,
               "side by side on the empty 19x19 board, %d blocks x %d channels, random weights, %d visits per search, "
               "%d threads each\n  Leela Zero: %s --cpu-only --benchmark -t %d -v %d (18 input planes)\n"
               "  Descent: the one-game driver (%d input planes, %.0f MFLOP per evaluation)\n",
               p.blocks, p.channels, p.visits, p.threads, p.leelaz.c_str(), p.threads, p.visits, config.input_planes,
               net::FlopsPerEvaluation(config) / 1e6);
  std::vector<double> lz, ours, ratios;
  try {
    net::InferenceServer server(network, {.threads = p.threads, .torch_threads_per_worker = 1});
    net::NetEvaluator evaluator(*g, server, {.cache_entries = 0, .seed = p.seed});
    mcts::GameSearch search(*g, evaluator, {});
    const auto empty = g->NewInitialState();
    search.search().SetRoot(*empty);
    search.Run({.visits = 64});  // warm-up: LibTorch's first calls allocate
    for (int round = 1; round <= p.rounds; ++round) {
      lz.push_back(LeelaZeroVisitsPerSecond(p, weights));
      search.search().SetRoot(*empty);  // a fresh tree, as Leela Zero's benchmark starts with
      const mcts::SearchInfo info = search.Run({.visits = p.visits});
      ours.push_back(info.new_visits / info.seconds);
      ratios.push_back(ours.back() / lz.back());
      std::fprintf(out, "round %d: Leela Zero %.0f visits/s, Descent %.0f visits/s, ratio %.2f\n", round, lz.back(),
                   ours.back(), ratios.back());
      std::fflush(out);
    }
  } catch (...) {
    std::filesystem::remove(weights);
    throw;
  }
  std::filesystem::remove(weights);
  std::fprintf(out, "median: Leela Zero %.0f visits/s, Descent %.0f visits/s; median ratio Descent/Leela Zero %.2f\n",
               MedianOf(lz), MedianOf(ours), MedianOf(ratios));
}

}  // namespace descent::selfplay
