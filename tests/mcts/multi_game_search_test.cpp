#include "mcts/multi_game_search.h"

#include <gtest/gtest.h>

#include <mutex>
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

TEST(MultiGameSearch, StopsWhenAsked) {
  game::Connect4Game g;
  RolloutEvaluator rollouts(2);
  MultiGameSearch driver(g, rollouts, {}, 8, 2, 5);
  CountingHooks hooks(g, 8, 1000000, 32);
  std::atomic<bool> stop{false};
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    stop = true;
  });
  driver.Run(hooks, &stop);
  stopper.join();
  EXPECT_GT(hooks.moves_.load(), 0);
}

}  // namespace
}  // namespace descent::mcts
