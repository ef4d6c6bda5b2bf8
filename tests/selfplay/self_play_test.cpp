// Self-play hooks (selfplay/self_play) on the real driver: Gumbel self-play
// records a target (the improved policy) for every move and plays whole games.
#include "selfplay/self_play.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>

#include "game/tictactoe.h"
#include "mcts/multi_game_search.h"
#include "mcts/stand_in_evaluators.h"

namespace descent::selfplay {
namespace {

TEST(SelfPlay, GumbelRecordsTheImprovedPolicyForEveryMove) {
  game::TicTacToeGame g;
  SelfPlayParams params;
  params.gumbel_simulations = 8;
  std::mutex mutex;
  std::atomic<bool> stop{false};
  std::vector<GameRecord> games;
  SelfPlay hooks(g, params, 4, 3, [&](GameRecord&& r) {
    std::lock_guard lock(mutex);
    games.push_back(std::move(r));
    if (games.size() >= 12) stop = true;
  }, [] { return std::string("net"); });
  mcts::RolloutEvaluator rollouts(1, 4);
  mcts::MultiGameSearch driver(g, rollouts, {}, 4, 1, 9);
  driver.Run(hooks, &stop);
  ASSERT_GE(games.size(), 12u);
  for (const GameRecord& r : games) {
    EXPECT_EQ(r.targets.size(), r.moves.size());  // every move searched and recorded
    for (const PolicyTarget& t : r.targets) {
      float sum = 0;
      for (const auto& [move, share] : t.visits) sum += share;
      EXPECT_NEAR(sum, 1.0f, 1e-4);
      EXPECT_GE(t.visits.size(), 1u);
    }
    EXPECT_NO_THROW(ValidateGameRecord(g, r));
  }
}

}  // namespace
}  // namespace descent::selfplay
