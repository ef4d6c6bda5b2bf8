#include "mcts/multi_game_search.h"

#include <gtest/gtest.h>

#include <map>
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
    EXPECT_TRUE(search.RootVisits() >= visits_ || search.RootProven());
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

// One slot, one group: the visits each move's search made, read from the
// driver's counter between moves.
class FreshTreeHooks : public SelfPlayHooks {
 public:
  FreshTreeHooks(const game::Game& g, bool fresh, int visits) : game_(g), fresh_(fresh), visits_(visits) {}
  std::unique_ptr<game::State> StartGame(int) override {
    if (games_ == 4) return nullptr;
    ++games_;
    return game_.NewInitialState();
  }
  MovePlan PlanMove(int, const game::State&) override { return {visits_, true, fresh_}; }
  game::Move ChooseMove(int, const Search& search, std::mt19937_64& rng) override {
    const uint64_t now = driver_->Visits();
    if (!search.RootProven()) {
      new_visits_.push_back(static_cast<int>(now - last_));
      root_visits_.push_back(search.RootVisits());
    }
    last_ = now;
    return search.PickMove(0, rng);
  }
  void EndGame(int, const game::State&) override {}

  const game::Game& game_;
  bool fresh_;
  int visits_;
  int games_ = 0;
  MultiGameSearch* driver_ = nullptr;
  uint64_t last_ = 0;
  std::vector<int> new_visits_, root_visits_;
};

TEST(MultiGameSearch, AFreshTreeSearchMakesEveryVisitOfItsTarget) {
  game::Connect4Game g;
  for (const bool fresh : {true, false}) {
    RolloutEvaluator rollouts(3);
    MultiGameSearch driver(g, rollouts, {}, 1, 1, 7);
    FreshTreeHooks hooks(g, fresh, 200);
    hooks.driver_ = &driver;
    driver.Run(hooks);
    ASSERT_GT(hooks.new_visits_.size(), 20u);
    long made = 0;
    for (size_t i = 0; i < hooks.new_visits_.size(); ++i) {
      made += hooks.new_visits_[i];
      // A fresh tree's root holds this search's visits and no others.
      if (fresh) {
        EXPECT_EQ(hooks.root_visits_[i], hooks.new_visits_[i]) << "move " << i;
      }
    }
    const double per_move = static_cast<double>(made) / hooks.new_visits_.size();
    if (fresh) {
      EXPECT_GE(per_move, 199);
    } else {
      EXPECT_LT(per_move, 180);  // the reused subtree's visits were counted before
    }
  }
}

// Tic-tac-toe with X (to move) able to win at once on the top row.
class WinAtOnceHooks : public SelfPlayHooks {
 public:
  explicit WinAtOnceHooks(const game::Game& g) : game_(g) {}
  std::unique_ptr<game::State> StartGame(int) override {
    if (started_) return nullptr;
    started_ = true;
    auto s = game_.NewInitialState();
    for (const char* m : {"a1", "a2", "b1", "b2"}) s->Play(game_.ParseMove(m));
    return s;
  }
  MovePlan PlanMove(int, const game::State&) override { return {1000000, false}; }
  game::Move ChooseMove(int, const Search& search, std::mt19937_64& rng) override {
    root_visits_ = search.RootVisits();
    proven_ = search.RootProven();
    return search.PickMove(0, rng);
  }
  void EndGame(int, const game::State& final_state) override { x_won_ = final_state.Outcome(0) > 0; }

  const game::Game& game_;
  bool started_ = false, proven_ = false, x_won_ = false;
  int root_visits_ = 0;
};

TEST(MultiGameSearch, AProvedRootEndsTheSearchAtOnce) {
  game::TicTacToeGame g;
  RolloutEvaluator rollouts(1);
  MultiGameSearch driver(g, rollouts, {}, 1, 1, 3);
  WinAtOnceHooks hooks(g);
  driver.Run(hooks);
  EXPECT_TRUE(hooks.proven_);
  EXPECT_LT(hooks.root_visits_, 100);  // not the million asked for
  EXPECT_TRUE(hooks.x_won_);
}

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

// The same scripted net (its value a function of the position alone), with a
// memo of every position it has evaluated that it offers at once when asked.
class MemoEvaluator final : public Evaluator {
 public:
  explicit MemoEvaluator(bool answer_at_once) : answer_at_once_(answer_at_once) {}
  void Evaluate(std::span<const EvalRequest> batch) override {
    net_.Evaluate(batch);
    std::lock_guard lock(mutex_);
    for (const EvalRequest& r : batch) {
      memo_[r.state->Hash()] = {std::vector<float>(r.priors, r.priors + r.num_legal), *r.value};
    }
  }
  bool EvaluateAtOnce(const EvalRequest& r) override {
    if (!answer_at_once_) return false;
    std::lock_guard lock(mutex_);
    const auto it = memo_.find(r.state->Hash());
    if (it == memo_.end()) return false;
    std::copy(it->second.first.begin(), it->second.first.end(), r.priors);
    *r.value = it->second.second;
    return true;
  }
  uint64_t NetCalls() const { return net_.Calls(); }

 private:
  bool answer_at_once_;
  ScriptedEvaluator net_{{}, [](const game::State& s) { return static_cast<float>(s.Hash() % 2001) / 1000.0f - 1.0f; }};
  std::mutex mutex_;
  std::map<uint64_t, std::pair<std::vector<float>, float>> memo_;
};

// Records every move each slot plays.
class RecordingHooks : public SelfPlayHooks {
 public:
  RecordingHooks(const game::Game& g, int slots) : game_(g), started_(slots, 0), moves_(slots) {}
  std::unique_ptr<game::State> StartGame(int slot) override {
    if (started_[slot] == 2) return nullptr;
    ++started_[slot];
    return game_.NewInitialState();
  }
  MovePlan PlanMove(int, const game::State&) override { return {64, true}; }
  game::Move ChooseMove(int slot, const Search& search, std::mt19937_64& rng) override {
    const game::Move m = search.PickMove(search.RootState().MoveNumber() < 4 ? 1.0f : 0.0f, rng);
    moves_[slot].push_back(m);
    return m;
  }
  void EndGame(int, const game::State&) override {}
  const game::Game& game_;
  std::vector<int> started_;
  std::vector<std::vector<game::Move>> moves_;
};

TEST(MultiGameSearch, ALeafAnsweredAtOnceIsBackedUpWithoutABatch) {
  game::Connect4Game g;
  constexpr int kSlots = 8;
  MemoEvaluator plain(false), memo(true);
  MultiGameSearch plain_driver(g, plain, {}, kSlots, 1, 5), memo_driver(g, memo, {}, kSlots, 1, 5);
  RecordingHooks plain_hooks(g, kSlots), memo_hooks(g, kSlots);
  const MultiSearchStats a = plain_driver.Run(plain_hooks);
  const MultiSearchStats b = memo_driver.Run(memo_hooks);
  // One leaf per game at a time either way, so every tree grows leaf by leaf
  // in the same order: the same games, visit for visit.
  EXPECT_EQ(plain_hooks.moves_, memo_hooks.moves_);
  EXPECT_EQ(a.visits, b.visits);
  EXPECT_EQ(a.answered_at_once, 0u);
  // Positions seen before never reach a batch, and the net sees fewer.
  EXPECT_GT(b.answered_at_once, 0u);
  EXPECT_EQ(b.evaluations + b.answered_at_once, a.evaluations);
  EXPECT_EQ(memo.NetCalls(), b.evaluations);
  EXPECT_LT(b.batches, a.batches);
}

}  // namespace
}  // namespace descent::mcts
