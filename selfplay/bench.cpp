#include "selfplay/bench.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <random>
#include <thread>
#include <vector>

#include "game/registry.h"
#include "mcts/game_search.h"
#include "mcts/multi_game_search.h"
#include "mcts/stand_in_evaluators.h"
#include "net/inference_server.h"
#include "net/net_evaluator.h"
#include "net/network.h"
#include "net/winograd.h"

namespace descent::selfplay {
namespace {

using Clock = std::chrono::steady_clock;


double Seconds(Clock::time_point since) { return std::chrono::duration<double>(Clock::now() - since).count(); }

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

// Resident memory now (MB), from /proc/self/statm.
double ResidentMb() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) / 1048576.0;
}

double PeakMb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

// Raw evaluations/s at one batch size through an inference server with
// `workers` workers of `torch_threads` threads, fed by `workers` callers.
// Median of 5 timed rounds.
double RawEvalsPerSecond(std::shared_ptr<net::Network> network, int batch, int workers, int torch_threads) {
  net::InferenceServer server(network, {.max_batch = batch, .threads = workers, .torch_threads_per_worker = torch_threads});
  const net::NetConfig& c = network->config();
  const size_t in = static_cast<size_t>(c.input_planes) * c.height * c.width;
  std::vector<std::vector<float>> inputs(workers, std::vector<float>(in * batch, 1.0f));
  std::vector<std::vector<float>> policy(workers, std::vector<float>(static_cast<size_t>(c.policy_size) * batch));
  std::vector<std::vector<float>> values(workers, std::vector<float>(batch));
  const auto round = [&](int calls) {
    std::vector<std::thread> callers;
    for (int w = 0; w < workers; ++w) {
      callers.emplace_back([&, w] {
        for (int i = 0; i < calls; ++i) server.Evaluate(inputs[w].data(), batch, policy[w].data(), values[w].data());
      });
    }
    for (auto& t : callers) t.join();
  };
  round(2);  // warm-up
  // Size a round to about 0.3 s.
  const Clock::time_point probe = Clock::now();
  round(1);
  const int calls = std::max(1, static_cast<int>(0.3 / std::max(1e-6, Seconds(probe))));
  std::vector<double> rates;
  for (int r = 0; r < 5; ++r) {
    const Clock::time_point start = Clock::now();
    round(calls);
    rates.push_back(static_cast<double>(calls) * batch * workers / Seconds(start));
  }
  return Median(rates);
}

// Self-play as in training: endless games, noise, temperature for the
// first moves, a fixed visit budget per move.
class BenchHooks : public mcts::SelfPlayHooks {
 public:
  BenchHooks(const game::Game& g, int visits) : game_(g), visits_(visits) {}
  std::unique_ptr<game::State> StartGame(int) override { return game_.NewInitialState(); }
  mcts::MovePlan PlanMove(int, const game::State&) override { return {visits_, true}; }
  game::Move ChooseMove(int, const mcts::Search& search, std::mt19937_64& rng) override {
    moves_.fetch_add(1, std::memory_order_relaxed);
    return search.PickMove(search.RootState().MoveNumber() < 8 ? 1.0f : 0.0f, rng);
  }
  void EndGame(int, const game::State&) override { games_.fetch_add(1, std::memory_order_relaxed); }
  std::atomic<uint64_t> moves_{0}, games_{0};

 private:
  const game::Game& game_;
  int visits_;
};

// Searches fixed positions (the start, and positions 6 and 20 random moves
// in) with one worker and one batch in flight, so the result is
// deterministic; prints the visit counts and a hash of them.
uint64_t SearchSignature(const char* label, const game::Game& g, mcts::Evaluator& evaluator, uint64_t seed,
                         std::FILE* out) {
  mcts::SearchParams params;
  params.batches_in_flight = 1;
  std::mt19937_64 rng(seed);
  std::vector<game::Move> legal;
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (int moves : {0, 6, 20}) {
    auto s = g.NewInitialState();
    for (int i = 0; i < moves && !s->IsTerminal(); ++i) {
      s->LegalMoves(&legal);
      s->Play(legal[rng() % legal.size()]);
    }
    if (s->IsTerminal()) continue;
    mcts::GameSearch search(g, evaluator, params);
    search.search().SetRoot(*s);
    search.Run({.visits = 400});
    auto stats = search.search().RootStats();
    for (const auto& m : stats) hash = (hash ^ (static_cast<uint64_t>(m.move) << 32 ^ m.visits)) * 0x100000001b3ULL;
    std::stable_sort(stats.begin(), stats.end(), [](const auto& a, const auto& b) { return a.visits > b.visits; });
    std::mt19937_64 pick(seed);
    std::fprintf(out, "%s, position after %d moves: best %s, visits", label, s->MoveNumber(),
                g.MoveToText(search.search().PickMove(0, pick)).c_str());
    for (size_t k = 0; k < std::min<size_t>(5, stats.size()); ++k) {
      std::fprintf(out, " %s:%d", g.MoveToText(stats[k].move).c_str(), stats[k].visits);
    }
    std::fprintf(out, "\n");
  }
  std::fprintf(out, "signature (%s): %016llx\n", label, static_cast<unsigned long long>(hash));
  return hash;
}

// Two signatures: with the random-rollout evaluator (integer and search
// arithmetic only: the same on every x86-64 build) and with the random net
// (also depends on the BLAS kernels of this CPU).
void Signature(const game::Game& g, std::shared_ptr<net::Network> network, uint64_t seed, std::FILE* out) {
  mcts::RolloutEvaluator rollouts(seed);
  SearchSignature("rollouts", g, rollouts, seed, out);
  net::InferenceServer server(network, {.max_batch = 64, .threads = 1, .torch_threads_per_worker = 1});
  net::NetEvaluator evaluator(g, server, {.cache_entries = 0, .seed = seed});
  SearchSignature("net", g, evaluator, seed, out);
}

}  // namespace

void RunBench(const BenchParams& o, std::FILE* out) {
  auto g = game::MakeGame(o.game);
  const net::NetConfig config = net::DefaultNetConfig(*g, o.blocks, o.channels);
  std::shared_ptr<net::Network> network = net::Network::Random(config, o.seed, o.device);
  const double flops = net::FlopsPerEvaluation(config);
  std::fprintf(out, "bench: %s, net %d blocks x %d channels, %d input planes, random weights (seed %llu)\n",
              g->Spec().c_str(), config.blocks, config.channels, config.input_planes,
              static_cast<unsigned long long>(o.seed));
  std::fprintf(out, "net: %.2f MFLOP per evaluation (direct convolution)\n", flops / 1e6);
  if (o.device == "cpu") {
    const bool winograd = net::Winograd3x3::Enabled() && net::Winograd3x3::Supported() &&
                          net::Winograd3x3::Fits(config.channels, config.channels);
    std::fprintf(out, "tower convolutions: %s\n",
                 winograd ? "Winograd F(3x3,3x3), AVX-512 (FLOP figures below count the direct convolution's)"
                 : !net::Winograd3x3::Enabled() ? "LibTorch (--winograd false)"
                 : !net::Winograd3x3::Supported() ? "LibTorch (this CPU has no AVX-512F for Winograd)"
                                                   : "LibTorch (channels not a multiple of 16 for Winograd)");
  }
  if (o.signature_only) {
    Signature(*g, network, o.seed, out);
    return;
  }
  const int cores = static_cast<int>(std::thread::hardware_concurrency());
  const double peak1 = net::Network::MeasurePeakGflops(1);
  const double peak = net::Network::MeasurePeakGflops(o.threads);
  std::fprintf(out, "machine: %d cores; measured fp32 peak (the faster of a matmul and a 3x3 conv, single-threaded workers at once) %.0f GFLOP/s with 1 worker, %.0f with %d; nominal %.0f x %d = %.0f\n",
              cores, peak1, peak, o.threads, o.nominal_core_gflops, o.threads, o.nominal_core_gflops * o.threads);

  // Raw batched throughput.
  double best_raw = 0;
  std::fprintf(out, "\n%-6s %22s %22s\n", "batch", "evals/s (2 workers x1)", "evals/s (1 worker x2)");
  for (int batch : {1, 8, 32, 128, 256}) {
    const double split = RawEvalsPerSecond(network, batch, o.threads, 1);
    const double shared = RawEvalsPerSecond(network, batch, 1, o.threads);
    best_raw = std::max({best_raw, split, shared});
    std::fprintf(out, "%-6d %22.0f %22.0f\n", batch, split, shared);
  }
  std::fprintf(out, "best raw: %.0f evals/s = %.1f GFLOP/s = %.0f%% of measured peak, %.0f%% of nominal peak\n", best_raw,
              best_raw * flops / 1e9, 100 * best_raw * flops / 1e9 / peak,
              100 * best_raw * flops / 1e9 / (o.nominal_core_gflops * o.threads));

  // Self-play driver.
  {
    net::InferenceServer server(network, {.threads = o.threads, .torch_threads_per_worker = 1});
    net::NetEvaluator evaluator(*g, server, {.seed = o.seed});
    mcts::MultiGameSearch driver(*g, evaluator, {}, o.games, 2, o.seed);
    BenchHooks hooks(*g, o.visits);
    std::atomic<bool> stop{false};
    std::vector<double> window_rates, rss;
    std::thread sampler([&] {
      uint64_t last = 0;
      for (int tick = 0; tick < static_cast<int>(o.seconds); ++tick) {
        std::this_thread::sleep_for(std::chrono::seconds(1));
        const uint64_t positions = server.Stats().positions;
        if (tick > 0) window_rates.push_back(static_cast<double>(positions - last));
        rss.push_back(ResidentMb());
        last = positions;
      }
      stop = true;
    });
    const mcts::MultiSearchStats stats = driver.Run(hooks, &stop);
    sampler.join();
    const net::InferenceStats inf = server.Stats();
    const double outside = 1.0 - inf.busy_seconds / (stats.seconds * o.threads);
    std::fprintf(out, "\nself-play driver (%d games, %d visits/move, 2 groups): %.0f visits/s, %.0f net evals/s (median of 1 s windows %.0f), "
                "cache hits %.0f%% (%.0f%% of visits answered at once, without a batch), %llu moves, %llu games\n",
                o.games, o.visits, stats.visits / stats.seconds, inf.positions / stats.seconds, Median(window_rates),
                100.0 * evaluator.cache().hits() / std::max<uint64_t>(1, evaluator.cache().hits() + evaluator.cache().misses()),
                100.0 * stats.answered_at_once / std::max<uint64_t>(1, stats.visits),
                static_cast<unsigned long long>(hooks.moves_), static_cast<unsigned long long>(hooks.games_));
    std::fprintf(out, "self-play: visits/s = %.0f%% of best raw evals/s; net evals/s = %.0f%%; time outside the net %.0f%%; mean batch %.1f\n",
                100 * stats.visits / stats.seconds / best_raw, 100 * inf.positions / stats.seconds / best_raw, 100 * outside,
                static_cast<double>(inf.positions) / std::max<uint64_t>(1, inf.batches));
    // Trees and LibTorch's allocator warm up over the first games' moves;
    // after that, resident memory should stay flat.
    if (rss.size() >= 4) {
      std::fprintf(out, "memory: resident %.0f MB at %d s, %.0f MB at %zu s, %.0f MB at the end (%zu s)\n", rss[1], 2,
                  rss[rss.size() / 2], rss.size() / 2 + 1, rss.back(), rss.size());
    }
  }

  // One-game driver: repeated fresh searches from positions along a game.
  {
    net::InferenceServer server(network, {.threads = o.threads, .torch_threads_per_worker = 1});
    net::NetEvaluator evaluator(*g, server, {.cache_entries = 0, .seed = o.seed});
    mcts::GameSearch search(*g, evaluator, {});
    auto state = g->NewInitialState();
    std::mt19937_64 rng(o.seed);
    std::vector<double> rates;
    const Clock::time_point start = Clock::now();
    while (Seconds(start) < o.seconds) {
      if (state->IsTerminal()) state = g->NewInitialState();
      search.search().SetRoot(*state);
      const mcts::SearchInfo info = search.Run({.visits = o.one_game_visits});
      rates.push_back(info.new_visits / info.seconds);
      state->Play(search.search().PickMove(0, rng));
    }
    const net::InferenceStats inf = server.Stats();
    std::fprintf(out, "\none-game driver (%d visits/search, 8 leaves x 2 batches in flight, no cache): median %.0f visits/s over %zu searches "
                "= %.0f%% of best raw evals/s; mean batch %.1f\n",
                o.one_game_visits, Median(rates), rates.size(), 100 * Median(rates) / best_raw,
                static_cast<double>(inf.positions) / std::max<uint64_t>(1, inf.batches));
  }
  std::fprintf(out, "peak memory: %.0f MB\n\n", PeakMb());
  Signature(*g, network, o.seed, out);
}

}  // namespace descent::selfplay
