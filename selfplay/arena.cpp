#include "selfplay/arena.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <mutex>
#include <thread>

#include "game/connect4.h"
#include "game/connect4_solver.h"
#include "game/opening.h"
#include "game/tictactoe.h"
#include "game/tictactoe_solver.h"
#include "mcts/game_search.h"
#include "mcts/stand_in_evaluators.h"
#include "net/inference_server.h"
#include "net/net_evaluator.h"

namespace descent::selfplay {
namespace {

class Random final : public Player {
 public:
  std::string Name() const override { return "random"; }
  game::Move Choose(const game::State& state, std::mt19937_64& rng) override {
    state.LegalMoves(&legal_);
    return legal_[rng() % legal_.size()];
  }

 private:
  std::vector<game::Move> legal_;
};

class Rollout final : public Player {
 public:
  Rollout(const game::Game& game, int visits, uint64_t seed)
      : visits_(visits), evaluator_(seed), search_(game, evaluator_, SingleBatch()) {}
  std::string Name() const override { return "mcts" + std::to_string(visits_); }
  game::Move Choose(const game::State& state, std::mt19937_64& rng) override {
    search_.search().SetRoot(state);
    search_.Run({.visits = visits_});
    return search_.search().PickMove(0, rng);
  }

 private:
  static mcts::SearchParams SingleBatch() {
    mcts::SearchParams p;
    p.batches_in_flight = 1;
    // The baseline stays plain MCTS with random rollouts (and MCTS-solver,
    // as in every figure measured against it): no rule-based pruning.
    p.prune_losing_moves = false;
    return p;
  }
  int visits_;
  mcts::RolloutEvaluator evaluator_;
  mcts::GameSearch search_;
};

class Solver final : public Player {
 public:
  explicit Solver(const game::Game& game) : connect4_(dynamic_cast<const game::Connect4Game*>(&game) != nullptr) {}
  std::string Name() const override { return "solver"; }
  game::Move Choose(const game::State& state, std::mt19937_64& rng) override {
    std::vector<game::Move> best;
    if (connect4_) {
      const auto scores = c4_.ScoreMoves(static_cast<const game::Connect4State&>(state).Bits());
      const int top = *std::max_element(scores.begin(), scores.end());
      for (int m = 0; m < 7; ++m) {
        if (scores[m] == top) best.push_back(m);
      }
    } else {
      best = ttt_.OptimalMoves(static_cast<const game::TicTacToeState&>(state));
    }
    return best[rng() % best.size()];
  }

 private:
  bool connect4_;
  game::TicTacToeSolver ttt_;
  game::Connect4Solver c4_;
};

// A network with its inference server: one per NetPlayer, or shared by
// every player a NetPlayerFactory makes (concurrent games batch together).
struct ServedNetwork {
  // `scores`: the net's final-score estimates too (the search's score utility).
  ServedNetwork(std::shared_ptr<const net::Network> network, int threads, int max_batch, bool scores)
      : server(std::move(network), {.max_batch = max_batch, .threads = threads, .torch_threads_per_worker = 1}),
        scores(scores) {}
  net::InferenceServer server;
  bool scores;
};

// Evaluation cache slots of one player, which plays one game: a 9x9 game of
// 60 moves at 400 visits evaluates at most 24,000 positions. Each game has
// its own cache, so what a search finds in it (cache hits are answered at
// once, changing the order the tree grows in) never depends on the games
// played beside it: a match plays the same games at any concurrency.
constexpr size_t kGameCacheEntries = size_t{1} << 15;

class Net final : public Player {
 public:
  Net(const game::Game& game, std::shared_ptr<ServedNetwork> served, int visits, std::string name,
      mcts::SearchParams params)
      : visits_(visits),
        name_(std::move(name)),
        served_(std::move(served)),
        evaluator_(game, served_->server, {.cache_entries = kGameCacheEntries, .scores = served_->scores}),
        search_(game, evaluator_, OneBatch(params)) {}
  std::string Name() const override { return name_; }
  game::Move Choose(const game::State& state, std::mt19937_64& rng) override {
    if (visits_ > 0) {
      search_.search().SetRoot(state);
      search_.Run({.visits = visits_});
      return search_.search().PickMove(0, rng);
    }
    // The net alone: its most likely legal move.
    state.LegalMoves(&legal_);
    priors_.resize(legal_.size());
    float value = 0;
    mcts::EvalRequest r{&state, legal_.data(), static_cast<int>(legal_.size()), priors_.data(), &value};
    evaluator_.Evaluate({&r, 1});
    return legal_[std::max_element(priors_.begin(), priors_.end()) - priors_.begin()];
  }

 private:
  static mcts::SearchParams OneBatch(mcts::SearchParams p) {
    p.batches_in_flight = 1;
    return p;
  }
  int visits_;
  std::string name_;
  std::shared_ptr<ServedNetwork> served_;
  net::NetEvaluator evaluator_;
  mcts::GameSearch search_;
  std::vector<game::Move> legal_;
  std::vector<float> priors_;
};

// One game of a match: its opening (shared by the pair 2k, 2k+1, colours
// swapped) and its own random draws, both from the seed and its index.
// Returns false when cancelled midway.
bool PlayOneGame(const game::Game& game, Player& a, Player& b, int index, uint64_t seed, int opening_moves,
                 const std::atomic<bool>* cancel, std::vector<game::Move>* moves, float* a_result,
                 game::Player* a_side, const decltype(MatchParams::score)& score = {}) {
  *a_side = index % 2 == 0 ? 0 : 1;
  auto state = game.NewInitialState();
  std::mt19937_64 opening_rng(seed ^ (0x9e3779b97f4a7c15ULL * static_cast<uint64_t>(index / 2 + 1)));
  game::PlayRandomOpening(state.get(), opening_moves, opening_rng);
  if (state->IsTerminal()) state = game.NewInitialState();  // (not in these games; played from the start then)
  std::mt19937_64 rng(seed * 0x2545f4914f6cdd1dULL + static_cast<uint64_t>(index));
  while (!state->IsTerminal()) {
    if (cancel && cancel->load()) return false;
    Player& mover = state->ToMove() == *a_side ? a : b;
    const game::Move move = mover.Choose(*state, rng);
    if (move == kResign) {
      *a_result = &mover == &a ? -1.0f : 1.0f;
      *moves = state->MoveHistory();
      return true;
    }
    state->Play(move);
  }
  *a_result = score ? score(*state, *a_side) : state->Outcome(*a_side);
  *moves = state->MoveHistory();
  return true;
}

}  // namespace

std::unique_ptr<Player> RandomPlayer() { return std::make_unique<Random>(); }
std::unique_ptr<Player> RolloutPlayer(const game::Game& game, int visits, uint64_t seed) {
  return std::make_unique<Rollout>(game, visits, seed);
}
std::unique_ptr<Player> SolverPlayer(const game::Game& game) {
  if (!game.Traits().has_exact_solver) return nullptr;
  return std::make_unique<Solver>(game);
}
std::unique_ptr<Player> NetPlayer(const game::Game& game, std::shared_ptr<const net::Network> network, int visits,
                                  const std::string& name, mcts::SearchParams search) {
  auto served = std::make_shared<ServedNetwork>(std::move(network), 1, 64, search.score_utility_weight > 0);
  return std::make_unique<Net>(game, std::move(served), visits, name, search);
}

PlayerFactory RandomPlayerFactory() {
  return [](int) { return RandomPlayer(); };
}

PlayerFactory RolloutPlayerFactory(const game::Game& game, int visits, uint64_t seed) {
  return [&game, visits, seed](int index) {
    return RolloutPlayer(game, visits, seed * 1000003 + static_cast<uint64_t>(index));
  };
}

PlayerFactory SolverPlayerFactory(const game::Game& game) {
  if (!game.Traits().has_exact_solver) return nullptr;
  return [&game](int) { return SolverPlayer(game); };
}

PlayerFactory NetPlayerFactory(const game::Game& game, std::shared_ptr<const net::Network> network, int visits,
                               const std::string& name, mcts::SearchParams search, int inference_threads) {
  // 256 positions per net call at most: past the knee of batched throughput
  // on CPU (net::InferenceParams).
  auto served = std::make_shared<ServedNetwork>(std::move(network), std::max(1, inference_threads), 256,
                                                search.score_utility_weight > 0);
  return [&game, served, visits, name, search](int) {
    return std::make_unique<Net>(game, served, visits, name, search);
  };
}

int DefaultOpeningMoves(const game::Game& game) { return game.Traits().eval_opening_moves; }

MatchResult PlayMatch(const game::Game& game, Player& a, Player& b, int games, uint64_t seed,
                      const std::atomic<bool>* cancel, int opening_moves, const OnGameFn& on_game) {
  MatchResult result;
  std::vector<game::Move> moves;
  for (int i = 0; i < games; ++i) {
    float r = 0;
    game::Player a_side = 0;
    if (!PlayOneGame(game, a, b, i, seed, opening_moves, cancel, &moves, &r, &a_side)) return result;
    if (on_game) on_game(i, a_side, moves, r);
    (r > 0 ? result.wins : r < 0 ? result.losses : result.draws)++;
  }
  return result;
}

MatchResult PlayMatch(const game::Game& game, const PlayerFactory& a, const PlayerFactory& b,
                      const MatchParams& params) {
  MatchResult result;
  std::mutex mutex;  // result, on_game, error
  std::exception_ptr error;
  std::atomic<int> next{0};
  std::atomic<bool> failed{false};
  const auto play = [&] {
    std::vector<game::Move> moves;
    for (int i; !failed && (i = next.fetch_add(1)) < params.games;) {
      try {
        const std::unique_ptr<Player> pa = a(i), pb = b(i);
        float r = 0;
        game::Player a_side = 0;
        if (!PlayOneGame(game, *pa, *pb, i, params.seed, params.opening_moves, params.cancel, &moves, &r, &a_side,
                         params.score)) {
          return;
        }
        std::lock_guard lock(mutex);
        if (params.on_game) params.on_game(i, a_side, moves, r);
        (r > 0 ? result.wins : r < 0 ? result.losses : result.draws)++;
      } catch (...) {
        std::lock_guard lock(mutex);
        if (!error) error = std::current_exception();
        failed = true;
      }
    }
  };
  const int threads = std::clamp(params.concurrency, 1, std::max(1, params.games));
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(play);
  play();
  for (auto& t : pool) t.join();
  if (error) std::rethrow_exception(error);
  return result;
}

}  // namespace descent::selfplay
