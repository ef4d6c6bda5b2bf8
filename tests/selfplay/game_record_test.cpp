#include "selfplay/game_record.h"

#include <gtest/gtest.h>

#include "game/move_list.h"
#include "game/registry.h"
#include "game/user_error.h"

namespace descent::selfplay {
namespace {

GameRecord TicTacToeWin() {
  auto g = game::MakeGame("tictactoe");
  GameRecord r;
  r.uuid = NewUuid();
  r.game_spec = "tictactoe";
  r.network = "abc";
  r.moves = game::ParseMoveList(*g, "a1 a2 b1 b2 c1");
  r.targets = {{0, {{4, 0.75f}, {0, 0.25f}}}, {2, {{7, 1.0f}}}};  // b2/a3, then b1
  r.result = 1;
  return r;
}

TEST(GameRecord, JsonRoundTrip) {
  const GameRecord r = TicTacToeWin();
  const GameRecord back = ParseGameRecord(ToJson(r));
  EXPECT_EQ(back.uuid, r.uuid);
  EXPECT_EQ(back.moves, r.moves);
  ASSERT_EQ(back.targets.size(), 2u);
  EXPECT_EQ(back.targets[0].visits, r.targets[0].visits);
  EXPECT_EQ(back.result, 1);
  EXPECT_THROW(ParseGameRecord("{\"uuid\": 3}"), game::UserError);
  EXPECT_THROW(ParseGameRecord("not json"), game::UserError);
}

TEST(GameRecord, ValidationRefusesWhatCannotHaveHappened) {
  auto g = game::MakeGame("tictactoe");
  ValidateGameRecord(*g, TicTacToeWin());
  GameRecord illegal = TicTacToeWin();
  illegal.moves[1] = illegal.moves[0];
  EXPECT_THROW(ValidateGameRecord(*g, illegal), game::UserError);
  GameRecord wrong_result = TicTacToeWin();
  wrong_result.result = -1;
  EXPECT_THROW(ValidateGameRecord(*g, wrong_result), game::UserError);
  GameRecord unfinished = TicTacToeWin();
  unfinished.moves.pop_back();
  EXPECT_THROW(ValidateGameRecord(*g, unfinished), game::UserError);
  unfinished.resigned = true;  // a resigned game may stop early
  ValidateGameRecord(*g, unfinished);
  GameRecord bad_target = TicTacToeWin();
  bad_target.targets[1].visits = {{6, 1.0f}};  // a1 is taken before move 3
  EXPECT_THROW(ValidateGameRecord(*g, bad_target), game::UserError);
  EXPECT_THROW(ValidateGameRecord(*game::MakeGame("connect4"), TicTacToeWin()), game::UserError);
  EXPECT_NE(NewUuid(), NewUuid());
}

}  // namespace
}  // namespace descent::selfplay
