#include "mcts/multi_game_search.h"

#include <gtest/gtest.h>

#include <mutex>
#include <stdexcept>
#include <thread>

#include "game/connect4.h"
#include "game/tictactoe.h"
#include "mcts/stand_in_evaluators.h"

namespace descent::mcts {
namespace {

// Plays `games_per_slot` games in every slot with a fixed visit budget and
// checks every move it is asked to choose.
class CountingHooks : public SelfPlayHooks {
 public:
  CountingHooks(const game::Game& g, int slots, int games_per_slot, int visits)
      : game_(g), started_(slots, 0), games_per_slot_(games_per_slot), visits_(visits) {}

  std::unique_ptr<game::State> StartGame(int slot) override {
    if (started_[slot] == games_per_slot_) return nullptr;
    ++started_[slot];
    return game_.NewInitialState();
  }
  MovePlan PlanMove(int, const game::State&) override { return {visits_, noise_}; }
  game::Move ChooseMove(int, const Search& search, std::mt19937_64& rng) override {
    EXPECT_GE(search.RootVisits(), visits_);
    EXPECT_EQ(search.InFlight(), 0);
    // Proportional to visits for the first move (every first move of
    // tic-tac-toe draws), then the best.
    const float temperature = search.RootState().MoveNumber() < 1 ? 1.0f : 0.0f;
    const game::Move m = search.PickMove(temperature, rng);
    EXPECT_TRUE(search.RootState().IsLegal(m));
    moves_.fetch_add(1);
    return m;
  }
  void EndGame(int, const game::State& final_state) override {
    EXPECT_TRUE(final_state.IsTerminal());
    std::lock_guard lock(mutex_);
    ++finished_;
    results_[static_cast<int>(final_state.Outcome(0)) + 1]++;
  }

  const game::Game& game_;
  std::vector<int> started_;
  int games_per_slot_;
  int visits_;
  bool noise_ = true;
  std::atomic<int> moves_{0};
  std::mutex mutex_;
  int finished_ = 0;
  int results_[3] = {0, 0, 0};  // first player lost, drew, won
};

TEST(MultiGameSearch, PlaysEveryGameToTheEndInEverySlot) {
  game::TicTacToeGame g;
  RolloutEvaluator rollouts(1, 2);
  SearchParams params;
  MultiGameSearch driver(g, rollouts, params, 16, 2, 99);
  CountingHooks hooks(g, 16, 3, 200);
  hooks.noise_ = false;
  const MultiSearchStats stats = driver.Run(hooks);
  EXPECT_EQ(hooks.finished_, 48);
  EXPECT_GE(stats.visits, static_cast<uint64_t>(hooks.moves_.load()));
  EXPECT_GT(stats.batches, 0u);
  // One leaf per tree per batch: a batch never holds more than the games.
  EXPECT_LE(stats.evaluations, stats.batches * 16);
  // Tic-tac-toe searched with 200 visits is strong: 38..48 of 48 games
  // drawn in repeated runs; random play draws about 13% (6 of 48).
  EXPECT_GE(hooks.results_[1], 30);
}

// Rollouts that set `stop` at call `stop_after` and throw at call `fail_at`.
class CountingEvaluator final : public Evaluator {
 public:
  void Evaluate(std::span<const EvalRequest> batch) override {
    const int call = ++calls_;
    if (call == fail_at_) throw std::runtime_error("the net call failed");
    rollouts_.Evaluate(batch);
    if (call == stop_after_) stop_ = true;
  }
  RolloutEvaluator rollouts_{2};
  std::atomic<int> calls_{0};
  int stop_after_ = -1, fail_at_ = -1;
  std::atomic<bool> stop_{false};
};

TEST(MultiGameSearch, StopEndsEveryGroupWithinARound) {
  game::Connect4Game g;
  CountingEvaluator net;
  net.stop_after_ = 30;
  MultiGameSearch driver(g, net, {}, 8, 2, 5);
  CountingHooks hooks(g, 8, 1000000, 8);
  driver.Run(hooks, &net.stop_);
  // Each group sees the stop at its next round: at most one more call each.
  EXPECT_GE(net.calls_.load(), 30);
  EXPECT_LE(net.calls_.load(), 32);
  EXPECT_GT(hooks.moves_.load(), 0);  // 30 rounds of 8-visit searches played moves
}

TEST(MultiGameSearch, AFailedNetCallStopsTheRunAndReachesTheCaller) {
  game::Connect4Game g;
  CountingEvaluator net;
  net.fail_at_ = 20;
  MultiGameSearch driver(g, net, {}, 8, 2, 5);
  CountingHooks hooks(g, 8, 1000000, 8);
  // Every slot has a million games to play: Run returns only because the
  // failure stopped the other group too.
  EXPECT_THROW(driver.Run(hooks), std::runtime_error);
}

}  // namespace
}  // namespace descent::mcts
