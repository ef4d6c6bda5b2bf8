// Go games that differ from a run's game in komi or board size
// (game/game_variants): self-play with a randomised komi or mixed board
// sizes plays them, the trainer checks and replays them.
#include "game/game_variants.h"

#include <gtest/gtest.h>

#include "game/go.h"
#include "game/registry.h"
#include "game/tictactoe.h"
#include "game/user_error.h"

namespace descent::game {
namespace {

TEST(GameVariants, AVariantIsTheBaseGameWithAnotherKomi) {
  GoGame base({9, 7.0f, 0});
  GameVariants variants(base, 6);
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

TEST(GameVariants, ForSpecAcceptsOnlyTheBaseAndItsVariantsInRange) {
  GoGame base({9, 7.0f, 100});
  GameVariants variants(base, 3);
  EXPECT_EQ(&variants.ForSpec(base.Spec()), &base);
  EXPECT_EQ(variants.ForSpec("go:9:komi=5:max_moves=100").Spec(), "go:9:komi=5:max_moves=100");
  for (const char* bad : {"go:9:komi=5", "go:7:komi=7:max_moves=100", "go:9:komi=11:max_moves=100", "tictactoe",
                          "chess", ""}) {
    EXPECT_THROW(variants.ForSpec(bad), UserError) << bad;
  }
  // With no range only the base game itself.
  GameVariants fixed(base, 0);
  EXPECT_THROW(fixed.ForSpec("go:9:komi=6.5:max_moves=100"), UserError);
  try {
    fixed.ForSpec("go:9:komi=6.5:max_moves=100");
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("is not go:9:komi=7:max_moves=100"), std::string::npos) << e.what();
  }
}

TEST(GameVariants, GamesWithoutKomiHaveNoVariants) {
  TicTacToeGame ttt;
  EXPECT_THROW(GameVariants(ttt, 1), UserError);
  GameVariants none(ttt, GameVariants::AnyKomi(ttt));
  EXPECT_EQ(&none.ForSpec("tictactoe"), &ttt);
  EXPECT_THROW(none.ForSpec("go:9"), UserError);
  EXPECT_THROW(GameVariants(GoGame({9, 7.0f, 0}), -1), UserError);
}

TEST(GameVariants, AMixedBoardIsAcceptedWithItsOwnKomiRange) {
  GoGame base({9, 7.0f, 0});
  GameVariants variants(base, 2);
  const Game& small = variants.AddBoard("go:7:komi=9");
  EXPECT_EQ(small.Spec(), "go:7:komi=9");
  EXPECT_EQ(&variants.ForSpec("go:7:komi=9"), &small);
  // Its komi varies around its own komi, not the run's.
  EXPECT_EQ(variants.WithKomi(small, 10.5f).Spec(), "go:7:komi=10.5");
  EXPECT_EQ(&variants.ForSpec("go:7:komi=10.5"), &variants.WithKomi(small, 10.5f));
  // 2 away is the limit: 7 is in, 6.5 is not.
  EXPECT_EQ(variants.ForSpec("go:7:komi=7").Spec(), "go:7:komi=7");
  EXPECT_THROW(variants.ForSpec("go:7:komi=6.5"), UserError);
  // Sizes not added are refused, and the message names what is accepted.
  try {
    variants.ForSpec("go:5:komi=9");
    ADD_FAILURE() << "go:5 accepted";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("go:9:komi=7 or go:7:komi=9"), std::string::npos) << e.what();
  }
  // A mixed board must be a smaller Go board, once.
  for (const char* bad : {"go:9:komi=5", "go:11", "tictactoe", "go:7:komi=8", "nonsense"}) {
    EXPECT_THROW(variants.AddBoard(bad), UserError) << bad;
  }
  TicTacToeGame ttt;
  GameVariants no_go(ttt, 0);
  EXPECT_THROW(no_go.AddBoard("go:7"), UserError);
  EXPECT_THROW(no_go.AcceptAnySmallerBoard(), UserError);
}

TEST(GameVariants, ABoardListAddsEachBoardInOrder) {
  GoGame base({9, 7.0f, 0});
  GameVariants variants(base, 0);
  EXPECT_TRUE(variants.AddBoards("").empty());
  const std::vector<const Game*> added = variants.AddBoards("go:7:komi=9, go:5:komi=4");
  ASSERT_EQ(added.size(), 2u);
  EXPECT_EQ(added[0]->Spec(), "go:7:komi=9");
  EXPECT_EQ(added[1]->Spec(), "go:5:komi=4");
  EXPECT_EQ(&variants.ForSpec("go:5:komi=4"), added[1]);
  EXPECT_EQ(&variants.ForSpec("go:7:komi=9"), added[0]);
  EXPECT_THROW(variants.ForSpec("go:6:komi=4"), UserError);
  // Empty entries, a size twice, and any board AddBoard refuses.
  for (const char* bad : {",", "go:7:komi=9,", ",go:7:komi=9", "go:7:komi=9,,go:5", " ", "go:7,go:7:komi=5",
                          "go:7,go:9", "go:7,tictactoe"}) {
    GameVariants fresh(base, 0);
    EXPECT_THROW(fresh.AddBoards(bad), UserError) << bad;
  }
  try {
    GameVariants(base, 0).AddBoards("go:7:komi=9,,go:5");
    ADD_FAILURE() << "an empty entry accepted";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("empty board"), std::string::npos) << e.what();
  }
}

TEST(GameVariants, ReplayingAcceptsEverySmallerBoard) {
  GoGame base({9, 7.0f, 0});
  GameVariants variants(base, GameVariants::AnyKomi(base));
  EXPECT_THROW(variants.ForSpec("go:7:komi=9"), UserError);
  variants.AcceptAnySmallerBoard();
  EXPECT_EQ(variants.ForSpec("go:7:komi=9").Spec(), "go:7:komi=9");
  EXPECT_EQ(&variants.ForSpec("go:5:komi=3.5"), &variants.ForSpec("go:5:komi=3.5"));  // kept once
  EXPECT_THROW(variants.ForSpec("go:13"), UserError);
}

}  // namespace
}  // namespace descent::game
