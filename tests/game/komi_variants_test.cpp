// Go games that differ from a run's game only in komi (game/komi_variants):
// self-play with a randomised komi plays them, the trainer checks and
// replays them.
#include "game/komi_variants.h"

#include <gtest/gtest.h>

#include "game/go.h"
#include "game/registry.h"
#include "game/tictactoe.h"
#include "game/user_error.h"

namespace descent::game {
namespace {

TEST(KomiVariants, AVariantIsTheBaseGameWithAnotherKomi) {
  GoGame base({9, 7.0f, 0});
  KomiVariants variants(base, 6);
  EXPECT_EQ(&variants.WithKomi(7.0f), &base);
  const Game& other = variants.WithKomi(4.5f);
  EXPECT_EQ(other.Spec(), "go:9:komi=4.5");
  EXPECT_EQ(other.MaxGameLength(), base.MaxGameLength());
  EXPECT_EQ(&variants.WithKomi(4.5f), &other);  // made once, kept
  // A state of the variant scores with its komi.
  auto state = other.NewInitialState();
  EXPECT_FLOAT_EQ(static_cast<const GoState&>(*state).ScoreForBlack(), -4.5f);
  EXPECT_EQ(&state->game(), &other);
  EXPECT_THROW(variants.WithKomi(13.5f), UserError);  // more than 6 away
  EXPECT_THROW(variants.WithKomi(7.25f), UserError);  // not a half point
}

TEST(KomiVariants, ForSpecAcceptsOnlyTheBaseAndItsVariantsInRange) {
  GoGame base({9, 7.0f, 100});
  KomiVariants variants(base, 3);
  EXPECT_EQ(&variants.ForSpec(base.Spec()), &base);
  EXPECT_EQ(variants.ForSpec("go:9:komi=5:max_moves=100").Spec(), "go:9:komi=5:max_moves=100");
  for (const char* bad : {"go:9:komi=5", "go:7:komi=7:max_moves=100", "go:9:komi=11:max_moves=100", "tictactoe",
                          "chess", ""}) {
    EXPECT_THROW(variants.ForSpec(bad), UserError) << bad;
  }
  // With no range only the base game itself.
  KomiVariants fixed(base, 0);
  EXPECT_THROW(fixed.ForSpec("go:9:komi=6.5:max_moves=100"), UserError);
  try {
    fixed.ForSpec("go:9:komi=6.5:max_moves=100");
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("is not go:9:komi=7:max_moves=100"), std::string::npos) << e.what();
  }
}

TEST(KomiVariants, GamesWithoutKomiHaveNoVariants) {
  TicTacToeGame ttt;
  EXPECT_THROW(KomiVariants(ttt, 1), UserError);
  KomiVariants none(ttt, KomiVariants::AnyKomi(ttt));
  EXPECT_EQ(&none.ForSpec("tictactoe"), &ttt);
  EXPECT_THROW(none.ForSpec("go:9"), UserError);
  EXPECT_THROW(KomiVariants(GoGame({9, 7.0f, 0}), -1), UserError);
}

}  // namespace
}  // namespace descent::game
