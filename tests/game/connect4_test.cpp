#include "game/connect4.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "game/connect4_solver.h"
#include "game/move_list.h"
#include "game/pons.h"
#include "game/user_error.h"

namespace descent::game {
namespace {

const std::string kData = std::string(DESCENT_TEST_DATA) + "/connect4/";

// The solver's exact score must equal Pons' on every line of the file.
void ExpectAgreesWithPons(const std::string& file) {
  const std::vector<PonsPosition> positions = ReadPonsFile(kData + file);
  ASSERT_EQ(positions.size(), 1000u);
  Connect4Game g;
  Connect4Solver solver;
  int mismatches = 0;
  for (const PonsPosition& p : positions) {
    Connect4State s(g);
    PlayPonsMoves(p.moves, &s);
    const int score = solver.Solve(s.Bits());
    if (score != p.score) {
      ++mismatches;
      ADD_FAILURE() << file << ": " << p.moves << " file " << p.score << " solver " << score;
    }
  }
  EXPECT_EQ(mismatches, 0);
}

TEST(Connect4Solver, AgreesWithPonsEndGames) { ExpectAgreesWithPons("Test_L3_R1"); }
TEST(Connect4Solver, AgreesWithPonsMiddleGames) { ExpectAgreesWithPons("Test_L2_R1"); }

TEST(Connect4Solver, MoveScoresAgreeWithThePositionScore) {
  const std::vector<PonsPosition> positions = ReadPonsFile(kData + "Test_L2_R1");
  Connect4Game g;
  Connect4Solver solver;
  for (size_t i = 0; i < 50; ++i) {
    Connect4State s(g);
    PlayPonsMoves(positions[i].moves, &s);
    const auto scores = solver.ScoreMoves(s.Bits());
    EXPECT_EQ(*std::max_element(scores.begin(), scores.end()), positions[i].score) << positions[i].moves;
  }
}

TEST(Connect4Solver, WeakMoveScoresAreTheSignsOfTheExactOnes) {
  const std::vector<PonsPosition> positions = ReadPonsFile(kData + "Test_L2_R1");
  Connect4Game g;
  Connect4Solver solver;
  const auto sign = [](int v) { return v == Connect4Solver::kIllegal ? v : (v > 0) - (v < 0); };
  int losing = 0, winning = 0;
  for (size_t i = 0; i < 40; ++i) {
    Connect4State s(g);
    PlayPonsMoves(positions[i].moves, &s);
    const auto exact = solver.ScoreMoves(s.Bits());
    for (int m = 0; m < 7; ++m) {
      if (exact[m] == Connect4Solver::kIllegal) continue;
      const int weak = solver.ScoreMoveWeak(s.Bits(), m);
      EXPECT_EQ(weak, sign(exact[m])) << positions[i].moves << " column " << m;
      losing += weak == -1, winning += weak == 1;
    }
  }
  EXPECT_GT(losing, 0);
  EXPECT_GT(winning, 0);
}

TEST(Connect4Solver, WeakSolveGivesTheSign) {
  const std::vector<PonsPosition> positions = ReadPonsFile(kData + "Test_L1_R1");
  Connect4Game g;
  Connect4Solver solver;
  for (size_t i = 0; i < 30; ++i) {
    Connect4State s(g);
    PlayPonsMoves(positions[i].moves, &s);
    const int sign = (positions[i].score > 0) - (positions[i].score < 0);
    EXPECT_EQ(solver.SolveWeak(s.Bits()), sign) << positions[i].moves;
  }
}

TEST(Connect4, WinsInAllFourDirections) {
  Connect4Game g;
  // vertical, horizontal, rising diagonal, falling diagonal; X wins each.
  for (const char* moves : {"1212121", "1122334", "12234334544", "76654554344"}) {
    Connect4State s(g);
    PlayMoveList(moves, &s);
    EXPECT_TRUE(s.IsTerminal()) << moves;
    EXPECT_EQ(s.Winner(), 0) << moves;
    EXPECT_EQ(s.Outcome(0), 1.0f);
    std::vector<Move> legal;
    s.LegalMoves(&legal);
    EXPECT_TRUE(legal.empty());
  }
  Connect4State second(g);
  PlayMoveList("71212121", &second);
  EXPECT_EQ(second.Winner(), 1);
}

TEST(Connect4, FullBoardWithoutFourIsADraw) {
  Connect4Game g;
  std::mt19937_64 rng(1);
  std::vector<Move> legal;
  for (int attempt = 0; attempt < 100000; ++attempt) {
    Connect4State s(g);
    while (!s.IsTerminal()) {
      s.LegalMoves(&legal);
      s.Play(legal[rng() % legal.size()]);
    }
    if (s.Winner() >= 0) continue;
    EXPECT_EQ(s.MoveNumber(), 42);
    EXPECT_EQ(s.Outcome(0), 0.0f);
    EXPECT_EQ(s.Outcome(1), 0.0f);
    EXPECT_EQ(s.ToText().find('.'), std::string::npos);
    return;
  }
  FAIL() << "no drawn random game found";
}

TEST(Connect4, FullColumnAndBadTextRefused) {
  Connect4Game g;
  Connect4State s(g);
  PlayMoveList("111222", &s);
  EXPECT_FALSE(s.IsTerminal());
  PlayMoveList("a a a", &s);  // column a is now full
  EXPECT_FALSE(s.IsLegal(0));
  EXPECT_THROW(s.PlayChecked(0), UserError);
  EXPECT_THROW(g.ParseMove("h"), UserError);
  EXPECT_THROW(g.ParseMove("8"), UserError);
  EXPECT_THROW(PlayPonsMoves("9", &s), UserError);
  EXPECT_EQ(g.ParseMove("D"), 3);
}

TEST(Connect4, TextShowsBottomRowLast) {
  Connect4Game g;
  Connect4State s(g);
  PlayMoveList("4 4 5", &s);
  EXPECT_EQ(s.ToText(), ".......\n.......\n.......\n.......\n...O...\n...XX..\n");
}

}  // namespace
}  // namespace descent::game
