#include "game/registry.h"

#include <gtest/gtest.h>

#include "game/move_list.h"
#include "game/user_error.h"

namespace descent::game {
namespace {

TEST(Registry, FindsGamesBySpecAndRoundTripsTheSpec) {
  EXPECT_EQ(MakeGame("go:9")->Spec(), "go:9:komi=7.5");
  EXPECT_EQ(MakeGame("go")->BoardWidth(), 19);
  EXPECT_EQ(MakeGame("go:13:komi=6.5")->NumMoves(), 13 * 13 + 1);
  EXPECT_EQ(MakeGame("go:size=7:komi=9:max_moves=50")->Spec(), "go:7:komi=9:max_moves=50");
  EXPECT_EQ(MakeGame("connect4")->NumMoves(), 7);
  EXPECT_EQ(MakeGame("tictactoe")->NumSymmetries(), 8);
  for (const char* spec : {"go:9:komi=-3.5", "go:2", "connect4", "tictactoe"}) {
    EXPECT_EQ(MakeGame(MakeGame(spec)->Spec())->Spec(), MakeGame(spec)->Spec());
  }
}

TEST(Registry, RefusesBadSpecsWithTheReason) {
  const std::pair<const char*, const char*> cases[] = {
      {"chess", "unknown game 'chess'"},    {"go:1", "not supported"},
      {"go:20", "not supported"},           {"go:nine", "is not a number"},
      {"go:9.5", "not a whole number"},     {"go:9:handicap=2", "unknown Go option 'handicap'"},
      {"go:9:komi=0.3", "multiple of 0.5"}, {"connect4:8", "takes no options"},
      {"", "unknown game"},
  };
  for (const auto& [spec, message] : cases) {
    try {
      MakeGame(spec);
      ADD_FAILURE() << "accepted " << spec;
    } catch (const UserError& e) {
      EXPECT_NE(std::string(e.what()).find(message), std::string::npos) << spec << ": " << e.what();
    }
  }
}

TEST(MoveList, ParsesEachGamesNotation) {
  auto go = MakeGame("go:9");
  EXPECT_EQ(ParseMoveList(*go, "E5, d4  pass").size(), 3u);
  auto c4 = MakeGame("connect4");
  EXPECT_EQ(ParseMoveList(*c4, "4453"), std::vector<Move>({3, 3, 4, 2}));
  EXPECT_EQ(ParseMoveList(*c4, "d d e c"), std::vector<Move>({3, 3, 4, 2}));
  try {
    auto s = go->NewInitialState();
    PlayMoveList("E5 E5", s.get());
    FAIL();
  } catch (const UserError& e) {
    EXPECT_STREQ(e.what(), "move 2: illegal move E5 in go:9:komi=7.5");
  }
}

}  // namespace
}  // namespace descent::game
