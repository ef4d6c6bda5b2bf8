// Self-play hooks (selfplay/self_play) on the real driver: Gumbel self-play
// records a target (the improved policy) for every move and plays whole games.
#include "selfplay/self_play.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <map>
#include <mutex>
#include <set>

#include "game/go.h"
#include "game/game_variants.h"
#include "game/registry.h"
#include "game/tictactoe.h"
#include "game/user_error.h"
#include "mcts/multi_game_search.h"
#include "mcts/stand_in_evaluators.h"

namespace descent::selfplay {
namespace {

// Self-play with rollouts instead of a network until `count` games are
// recorded (4 games at once, one thread), resigning below `resign_threshold`.
std::vector<GameRecord> PlayGames(const game::Game& g, const SelfPlayParams& params, uint64_t seed, size_t count,
                                  float resign_threshold = -2) {
  std::mutex mutex;
  std::atomic<bool> stop{false};
  std::vector<GameRecord> games;
  SelfPlay hooks(g, params, 4, seed, [&](GameRecord&& r) {
    std::lock_guard lock(mutex);
    games.push_back(std::move(r));
    if (games.size() >= count) stop = true;
  }, [] { return std::string("net"); });
  hooks.SetResignThreshold(resign_threshold);
  mcts::RolloutEvaluator rollouts(1, 4);
  mcts::MultiGameSearch driver(g, rollouts, {}, 4, 1, 9);
  driver.Run(hooks, &stop);
  return games;
}

TEST(SelfPlay, GumbelRecordsTheImprovedPolicyForEveryMove) {
  game::TicTacToeGame g;
  SelfPlayParams params;
  params.gumbel_simulations = 8;
  const std::vector<GameRecord> games = PlayGames(g, params, 3, 12);
  ASSERT_GE(games.size(), 12u);
  // The root value kept with each target is the mover's: higher for the
  // eventual winner's positions than for the loser's.
  double winner_sum = 0, loser_sum = 0;
  int winner_n = 0, loser_n = 0;
  for (const GameRecord& r : games) {
    EXPECT_EQ(r.targets.size(), r.moves.size());  // every move searched and recorded
    for (const PolicyTarget& t : r.targets) {
      ASSERT_TRUE(t.root_value);
      EXPECT_LE(std::fabs(*t.root_value), 1.0f);
      if (r.result != 0) {
        const bool winner = (t.move_number % 2 == 0) == (r.result > 0);
        (winner ? winner_sum : loser_sum) += *t.root_value;
        ++(winner ? winner_n : loser_n);
      }
      float sum = 0;
      for (const auto& [move, share] : t.visits) sum += share;
      EXPECT_NEAR(sum, 1.0f, 1e-4);
      EXPECT_GE(t.visits.size(), 1u);
    }
    EXPECT_NO_THROW(ValidateGameRecord(g, r));
  }
  ASSERT_GT(winner_n, 0);
  ASSERT_GT(loser_n, 0);
  EXPECT_GT(winner_sum / winner_n, loser_sum / loser_n);
}

TEST(SelfPlay, KomiSpreadGivesEachGameAKomiOfItsOwn) {
  game::GoGame g({5, 0.5f, 0});
  SelfPlayParams params;
  params.gumbel_simulations = 4;
  params.gumbel_considered = 4;
  params.komi_spread = 2;
  EXPECT_EQ(MaxKomiOffset(params), 6.0f);
  const std::vector<GameRecord> games = PlayGames(g, params, 7, 16);
  ASSERT_GE(games.size(), 16u);
  game::GameVariants variants(g, MaxKomiOffset(params));
  std::set<float> komis;
  for (const GameRecord& r : games) {
    const auto& variant = static_cast<const game::GoGame&>(variants.ForSpec(r.game_spec));  // throws if out of range
    komis.insert(variant.Komi());
    // Played, and so scored, under its own komi.
    EXPECT_NO_THROW(ValidateGameRecord(variant, r)) << r.game_spec;
  }
  // 16 draws from a normal of spread 2 rounded to half points: one komi
  // throughout has probability far below 1e-9.
  EXPECT_GE(komis.size(), 4u);
  // Without a spread every game is at the game's komi.
  SelfPlayParams fixed = params;
  fixed.komi_spread = 0;
  SelfPlay plain(g, fixed, 1, 7, [](GameRecord&&) {}, [] { return std::string("net"); });
  for (int i = 0; i < 5; ++i) EXPECT_EQ(&plain.StartGame(0)->game(), &g);
}

TEST(SelfPlay, AMixedBoardIsPlayedInItsShareOfGames) {
  game::GoGame g({5, 0.5f, 0});
  SelfPlayParams params;
  params.gumbel_simulations = 4;
  params.gumbel_considered = 4;
  params.mixed_board = "go:4:komi=1.5";
  params.mixed_board_fraction = 0.5f;
  params.komi_spread = 1;  // around each board's own komi
  const std::vector<GameRecord> games = PlayGames(g, params, 11, 24);
  ASSERT_GE(games.size(), 24u);
  game::GameVariants variants(g, MaxKomiOffset(params));
  variants.AddBoard(params.mixed_board);
  int small = 0;
  for (const GameRecord& r : games) {
    const auto& variant = static_cast<const game::GoGame&>(variants.ForSpec(r.game_spec));  // throws if not either
    small += variant.Size() == 4;
    EXPECT_LE(std::fabs(variant.Komi() - (variant.Size() == 4 ? 1.5f : 0.5f)), MaxKomiOffset(params)) << r.game_spec;
    EXPECT_NO_THROW(ValidateGameRecord(variant, r)) << r.game_spec;
  }
  // 24 games at a half share: both boards, all but certainly (2 x 2^-24 otherwise).
  EXPECT_GT(small, 0);
  EXPECT_LT(small, static_cast<int>(games.size()));
  // Every game on it at share 1; a board that is not smaller Go is refused.
  params.mixed_board_fraction = 1;
  params.komi_spread = 0;
  SelfPlay all(g, params, 1, 7, [](GameRecord&&) {}, [] { return std::string("net"); });
  for (int i = 0; i < 5; ++i) EXPECT_EQ(all.StartGame(0)->game().Spec(), "go:4:komi=1.5");
  for (const char* bad : {"go:5:komi=3", "go:9", "tictactoe", "go:4:komi=0.3"}) {
    params.mixed_board = bad;
    EXPECT_THROW(SelfPlay(g, params, 1, 1, [](GameRecord&&) {}, [] { return std::string("net"); }), game::UserError)
        << bad;
  }
}

TEST(SelfPlay, SeveralMixedBoardsShareTheirFractionEvenly) {
  game::GoGame g({6, 0.5f, 0});
  SelfPlayParams params;
  params.mixed_board = "go:5:komi=2.5,go:4:komi=1.5";
  params.mixed_board_fraction = 1;  // every game on one of the two
  std::map<std::string, int> boards;
  SelfPlay all(g, params, 1, 7, [](GameRecord&&) {}, [] { return std::string("net"); });
  for (int i = 0; i < 40; ++i) ++boards[all.StartGame(0)->game().Spec()];
  // Both, none on the run's own board (40 fair draws: one board throughout
  // has probability 2 x 2^-40).
  ASSERT_EQ(boards.size(), 2u);
  EXPECT_GT(boards["go:5:komi=2.5"], 0);
  EXPECT_GT(boards["go:4:komi=1.5"], 0);
  // A list with an empty entry or a board that is not smaller Go is refused.
  for (const char* bad : {"go:5:komi=2.5,", "go:5:komi=2.5,go:6", "go:4,go:4:komi=2"}) {
    params.mixed_board = bad;
    EXPECT_THROW(SelfPlay(g, params, 1, 1, [](GameRecord&&) {}, [] { return std::string("net"); }), game::UserError)
        << bad;
  }
}

TEST(SelfPlay, TheResignPlayoutFractionDecidesWhichGamesMayResign) {
  game::TicTacToeGame g;
  SelfPlayParams params;
  params.full_visits = 8, params.fast_visits = 4;
  // A threshold above every value: a game allowed to resign resigns at its
  // first move past the minimum progress.
  for (const float fraction : {0.0f, 1.0f}) {
    params.resign_playout_fraction = fraction;
    const std::vector<GameRecord> games = PlayGames(g, params, 5, 16, 2.0f);
    ASSERT_GE(games.size(), 16u);
    for (const GameRecord& r : games) {
      EXPECT_EQ(r.resign_allowed, fraction == 0) << fraction;
      EXPECT_EQ(r.resigned, fraction == 0) << fraction;
    }
  }
}

TEST(SelfPlay, KomiSpreadIsRefusedForGamesWithoutKomi) {
  game::TicTacToeGame g;
  SelfPlayParams params;
  params.komi_spread = 1;
  EXPECT_THROW(SelfPlay(g, params, 1, 1, [](GameRecord&&) {}, [] { return std::string("net"); }), game::UserError);
}

TEST(SelfPlay, RandomOpeningsAreRecordedWithoutTargets) {
  game::GoGame g({5, 0.5f, 0});
  SelfPlayParams params;
  params.gumbel_simulations = 4;
  params.gumbel_considered = 4;
  params.random_opening_fraction = 0.5f;
  params.random_opening_moves = 3;
  const std::vector<GameRecord> games = PlayGames(g, params, 11, 24);
  ASSERT_GE(games.size(), 24u);
  int opened = 0;
  std::set<std::vector<game::Move>> openings;
  for (const GameRecord& r : games) {
    EXPECT_NO_THROW(ValidateGameRecord(g, r));
    // Gumbel searches every move it plays: the moves before the first
    // target are the random opening (0 to 3 of them), never a pass.
    ASSERT_FALSE(r.targets.empty());
    const int first = r.targets.front().move_number;
    EXPECT_LE(first, 3);
    EXPECT_EQ(r.targets.size(), r.moves.size() - first);
    for (int k = 0; k < first; ++k) EXPECT_NE(r.moves[k], g.PassMove());
    if (first > 0) {
      ++opened;
      openings.insert({r.moves.begin(), r.moves.begin() + first});
    }
  }
  // About half of 24 games (fewer than 4 or more than 20 has probability
  // below 1e-3), from different openings.
  EXPECT_GE(opened, 4);
  EXPECT_LE(opened, 20);
  EXPECT_GE(openings.size(), 3u);
  // Off, no game has one.
  SelfPlayParams off = params;
  off.random_opening_fraction = 0;
  SelfPlay plain(g, off, 1, 7, [](GameRecord&&) {}, [] { return std::string("net"); });
  for (int i = 0; i < 5; ++i) EXPECT_EQ(plain.StartGame(0)->MoveNumber(), 0);
}

}  // namespace
}  // namespace descent::selfplay
