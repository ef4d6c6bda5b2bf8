#include "game/tictactoe.h"

#include <gtest/gtest.h>

#include "game/move_list.h"
#include "game/tictactoe_solver.h"
#include "game/user_error.h"

namespace descent::game {
namespace {

TEST(TicTacToe, SolverReachesAll5478PositionsAndTheEmptyBoardIsADraw) {
  TicTacToeSolver solver;
  EXPECT_EQ(solver.NumReachablePositions(), 5478);
  TicTacToeGame g;
  TicTacToeState empty(g);
  EXPECT_EQ(solver.Value(empty), 0);
  EXPECT_EQ(solver.OptimalMoves(empty).size(), 9u);  // every first move draws
}

TEST(TicTacToe, SolverFindsTheWinAndTheOnlyDefence) {
  TicTacToeSolver solver;
  TicTacToeGame g;
  TicTacToeState s(g);
  PlayMoveList("a1 b1 a2 b2", &s);  // X to move: a3 wins at once, b3 only draws
  EXPECT_EQ(solver.Value(s), 1);
  EXPECT_EQ(solver.OptimalMoves(s), std::vector<Move>({g.ParseMove("a3")}));
  EXPECT_EQ(solver.ScoreMoves(s)[g.ParseMove("b3")], 0);
  EXPECT_EQ(solver.ScoreMoves(s)[g.ParseMove("c1")], -1);
  TicTacToeState corner(g);
  PlayMoveList("a1", &corner);  // O must take the centre
  EXPECT_EQ(solver.OptimalMoves(corner), std::vector<Move>({g.ParseMove("b2")}));
}

TEST(TicTacToe, WinsInRowsColumnsAndDiagonals) {
  TicTacToeGame g;
  for (const char* moves : {"a1 a2 b1 b2 c1", "a1 b1 a2 b2 a3", "a1 b1 b2 c1 c3", "c1 a1 b2 b1 a3"}) {
    TicTacToeState s(g);
    PlayMoveList(moves, &s);
    EXPECT_TRUE(s.IsTerminal()) << moves;
    EXPECT_EQ(s.Outcome(0), 1.0f) << moves;
    EXPECT_EQ(s.Outcome(1), -1.0f) << moves;
  }
  TicTacToeState draw(g);
  PlayMoveList("b2 a1 a2 c2 b1 b3 a3 c1 c3", &draw);
  EXPECT_TRUE(draw.IsTerminal());
  EXPECT_EQ(draw.Outcome(0), 0.0f);
  TicTacToeState over(g);
  PlayMoveList("a1 a2 b1 b2 c1", &over);
  EXPECT_THROW(over.PlayChecked(g.ParseMove("c3")), UserError);
  EXPECT_THROW(PlayMoveList("a1 a1", &over), UserError);
  EXPECT_THROW(g.ParseMove("d1"), UserError);
}

}  // namespace
}  // namespace descent::game
