#include "selfplay/arena.h"

#include <algorithm>
#include <cmath>

#include "game/connect4.h"
#include "game/connect4_solver.h"
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

class Net final : public Player {
 public:
  Net(const game::Game& game, std::shared_ptr<const net::Network> network, int visits, std::string name,
      mcts::SearchParams params)
      : game_(game),
        visits_(visits),
        name_(std::move(name)),
        server_(std::move(network), {.max_batch = 64, .threads = 1, .torch_threads_per_worker = 1}),
        evaluator_(game, server_, {}),
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
  const game::Game& game_;
  int visits_;
  std::string name_;
  net::InferenceServer server_;
  net::NetEvaluator evaluator_;
  mcts::GameSearch search_;
  std::vector<game::Move> legal_;
  std::vector<float> priors_;
};

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
  return std::make_unique<Net>(game, std::move(network), visits, name, search);
}

int DefaultOpeningMoves(const game::Game& game) { return game.Traits().eval_opening_moves; }

MatchResult PlayMatch(const game::Game& game, Player& a, Player& b, int games, uint64_t seed,
                      const std::atomic<bool>* cancel, int opening_moves, const OnGameFn& on_game) {
  MatchResult result;
  std::mt19937_64 rng(seed);
  std::vector<game::Move> opening, legal;
  for (int i = 0; i < games; ++i) {
    const game::Player a_side = i % 2 == 0 ? 0 : 1;
    auto state = game.NewInitialState();
    if (i % 2 == 0) {  // a new pair: a new opening
      opening.clear();
      std::mt19937_64 opening_rng(seed ^ (0x9e3779b97f4a7c15ULL * static_cast<uint64_t>(i / 2 + 1)));
      for (int k = 0; k < opening_moves && !state->IsTerminal(); ++k) {
        state->LegalMoves(&legal);
        opening.push_back(legal[opening_rng() % legal.size()]);
        state->Play(opening.back());
      }
      if (state->IsTerminal()) opening.clear();  // (not in these games; played from the start then)
      state = game.NewInitialState();
    }
    for (game::Move m : opening) state->Play(m);
    while (!state->IsTerminal()) {
      if (cancel && cancel->load()) return result;
      Player& mover = state->ToMove() == a_side ? a : b;
      state->Play(mover.Choose(*state, rng));
    }
    const float r = state->Outcome(a_side);
    if (on_game) on_game(i, a_side, state->MoveHistory(), r);
    (r > 0 ? result.wins : r < 0 ? result.losses : result.draws)++;
  }
  return result;
}

}  // namespace descent::selfplay
