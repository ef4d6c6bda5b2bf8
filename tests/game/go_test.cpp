// Go rules from ASCII boards (top row first; X black, O white).

#include "game/go.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <set>
#include <vector>

#include "game/tictactoe.h"
#include "game/user_error.h"

namespace descent::game {
namespace {

constexpr Player kBlack = 0;
constexpr Player kWhite = 1;

std::string Rows(std::initializer_list<const char*> rows) {
  std::string s;
  for (const char* r : rows) s += std::string(r) + "\n";
  return s;
}

void PlayText(GoState* state, const char* vertex) { state->PlayChecked(state->game().ParseMove(vertex)); }
bool LegalText(const GoState& state, const char* vertex) { return state.IsLegal(state.game().ParseMove(vertex)); }
int CountStones(const GoState& s, char c) {
  const std::string t = s.ToText();
  return static_cast<int>(std::count(t.begin(), t.end(), c));
}

TEST(GoRules, SingleStoneCapture) {
  GoGame g({.size = 5});
  auto s = GoState::FromText(g, Rows({".....", "..O..", ".OXO.", ".....", "....."}), kWhite);
  PlayText(s.get(), "C2");
  EXPECT_EQ(s->ToText(), Rows({".....", "..O..", ".O.O.", "..O..", "....."}));
}

TEST(GoRules, GroupCapture) {
  GoGame g({.size = 5});
  auto s = GoState::FromText(g, Rows({".....", ".OO..", "OXXO.", ".O...", "....."}), kWhite);
  PlayText(s.get(), "C2");
  EXPECT_EQ(s->ToText(), Rows({".....", ".OO..", "O..O.", ".OO..", "....."}));
}

TEST(GoRules, Snapback) {
  GoGame g({.size = 5});
  auto s = GoState::FromText(g, Rows({".....", ".....", "XXXX.", "OOOX.", "..OX."}), kBlack);
  PlayText(s.get(), "A1");  // throw-in
  PlayText(s.get(), "B1");  // White captures the one stone...
  EXPECT_EQ(s->ToText(), Rows({".....", ".....", "XXXX.", "OOOX.", ".OOX."}));
  ASSERT_TRUE(LegalText(*s, "A1"));  // ...and Black takes five back: not a ko
  PlayText(s.get(), "A1");
  EXPECT_EQ(s->ToText(), Rows({".....", ".....", "XXXX.", "...X.", "X..X."}));
}

TEST(GoRules, SuicideRefused) {
  GoGame g({.size = 5});
  auto single = GoState::FromText(g, Rows({".O...", "O....", ".....", ".....", "....."}), kBlack);
  EXPECT_FALSE(LegalText(*single, "A5"));
  EXPECT_THROW(PlayText(single.get(), "A5"), UserError);
  EXPECT_TRUE(LegalText(*single, "B4"));

  // Filling the last liberty of one's own two-stone group.
  auto group = GoState::FromText(g, Rows({"XO...", ".O...", "OO...", ".....", "....."}), kBlack);
  EXPECT_FALSE(LegalText(*group, "A4"));

  // Looks like suicide, but it captures, so it is legal.
  auto capture = GoState::FromText(g, Rows({".OX..", "OX...", "X....", ".....", "....."}), kBlack);
  ASSERT_TRUE(LegalText(*capture, "A5"));
  PlayText(capture.get(), "A5");
  EXPECT_EQ(capture->ToText(), Rows({"X.X..", ".X...", "X....", ".....", "....."}));
}

TEST(GoRules, SimpleKoRetakeRefusedUntilAMoveElsewhere) {
  GoGame g({.size = 4});
  auto s = GoState::FromText(g, Rows({".XO.", "XO.O", ".XO.", "...."}), kBlack);
  PlayText(s.get(), "C3");  // Black takes the ko
  EXPECT_EQ(s->ToText(), Rows({".XO.", "X.XO", ".XO.", "...."}));
  EXPECT_FALSE(LegalText(*s, "B3"));  // immediate retake repeats the position
  PlayText(s.get(), "D1");            // ko threat elsewhere
  PlayText(s.get(), "A1");
  EXPECT_TRUE(LegalText(*s, "B3"));
}

TEST(GoRules, PositionalSuperkoCycleRefused) {
  // Two kos. W takes A, B passes, W takes B, B retakes A (a new position),
  // W passes; now B retaking B would recreate the starting position, which
  // the simple ko rule allows but positional superko forbids.
  GoGame g({.size = 7});
  const std::string start = Rows({".OX....", "OX.X...", ".OX....", ".......", "....OX.", "...OX.X", "....OX."});
  auto s = GoState::FromText(g, start, kWhite);
  for (const char* v : {"C6", "pass", "F2", "B6", "pass"}) PlayText(s.get(), v);
  EXPECT_FALSE(LegalText(*s, "E2"));
  // The same board without the history: E2 is an ordinary capture.
  auto fresh = GoState::FromText(g, s->ToText(), kBlack);
  EXPECT_TRUE(LegalText(*fresh, "E2"));
  fresh->Play(g.ParseMove("E2"));
  EXPECT_EQ(fresh->ToText(), start);
}

TEST(GoScoring, TerritoryAndKomi) {
  const std::string board = Rows({".OX..", ".OX..", ".OX..", ".OX..", ".OX.."});
  GoGame half({.size = 5, .komi = 5.5f});
  auto s = GoState::FromText(half, board, kBlack);
  EXPECT_EQ(s->Area(), std::make_pair(15, 10));
  EXPECT_FLOAT_EQ(s->ScoreForBlack(), -0.5f);
  GoGame five({.size = 5, .komi = 5.0f});
  EXPECT_FLOAT_EQ(GoState::FromText(five, board, kBlack)->ScoreForBlack(), 0.0f);
  GoGame four({.size = 5, .komi = 4.0f});
  EXPECT_FLOAT_EQ(GoState::FromText(four, board, kBlack)->ScoreForBlack(), 1.0f);
}

TEST(GoScoring, SekiLibertiesBelongToNobody) {
  // The white wall and the three black stones on the left share the two
  // liberties A5 and A1; whoever fills one first is captured.
  GoGame g({.size = 5, .komi = 0.0f});
  const std::string board = Rows({".OX..", "XOX..", "XOX..", "XOX..", ".OX.."});
  auto s = GoState::FromText(g, board, kBlack);
  EXPECT_EQ(s->Area(), std::make_pair(18, 5));  // A5 and A1 count for neither

  auto black_first = s->Clone();
  PlayText(static_cast<GoState*>(black_first.get()), "A5");
  PlayText(static_cast<GoState*>(black_first.get()), "A1");
  EXPECT_EQ(CountStones(static_cast<GoState&>(*black_first), 'X'), 5);  // lost four stones

  auto white_first = GoState::FromText(g, board, kWhite);
  PlayText(white_first.get(), "A5");
  PlayText(white_first.get(), "A1");
  EXPECT_EQ(CountStones(*white_first, 'O'), 0);  // lost six stones
}

TEST(GoRules, TwoPassesEndTheGame) {
  GoGame g({.size = 9, .komi = 7.0f});
  auto s = g.NewInitialState();
  s->Play(g.PassMove());
  EXPECT_FALSE(s->IsTerminal());
  s->Play(g.ParseMove("E5"));
  s->Play(g.PassMove());
  EXPECT_FALSE(s->IsTerminal());
  s->Play(g.PassMove());
  EXPECT_TRUE(s->IsTerminal());
  std::vector<Move> legal;
  s->LegalMoves(&legal);
  EXPECT_TRUE(legal.empty());
  // White's lone stone owns the whole board.
  EXPECT_FLOAT_EQ(static_cast<GoState&>(*s).ScoreForBlack(), -81.0f - 7.0f);
  EXPECT_EQ(s->Outcome(1), 1.0f);
  EXPECT_EQ(s->Outcome(0), -1.0f);
  // The score for the side to move (Black, after White's pass), which the
  // search backs up beside the result.
  ASSERT_TRUE(s->FinalScore().has_value());
  EXPECT_FLOAT_EQ(*s->FinalScore(), -81.0f - 7.0f);
  // With White to move at the end, the sign turns: Black's lone stone owns
  // the board.
  auto t = g.NewInitialState();
  t->Play(g.ParseMove("A1"));
  t->Play(g.PassMove());
  t->Play(g.PassMove());
  ASSERT_TRUE(t->IsTerminal());
  EXPECT_EQ(t->ToMove(), 1);
  EXPECT_FLOAT_EQ(*t->FinalScore(), -(81.0f - 7.0f));
  // Games without scores say so.
  game::TicTacToeGame ttt;
  auto x = ttt.NewInitialState();
  for (const Move m : {0, 3, 1, 4, 2}) x->Play(m);
  ASSERT_TRUE(x->IsTerminal());
  EXPECT_FALSE(x->FinalScore().has_value());
}

TEST(GoRules, MoveCapEndsTheGame) {
  GoGame g({.size = 3, .max_moves = 4});
  auto s = g.NewInitialState();
  for (const char* v : {"A1", "C3", "A3", "C1"}) {
    EXPECT_FALSE(s->IsTerminal());
    s->PlayChecked(g.ParseMove(v));
  }
  EXPECT_TRUE(s->IsTerminal());
}

TEST(GoText, GtpVertices) {
  GoGame g({.size = 19});
  EXPECT_EQ(g.ParseMove("A1"), 18 * 19);
  EXPECT_EQ(g.ParseMove("t19"), 18);
  EXPECT_EQ(g.ParseMove("J10"), 9 * 19 + 8);
  EXPECT_EQ(g.ParseMove("PASS"), g.PassMove());
  for (const char* bad : {"I5", "A20", "A0", "Z1", "A", "", "A1x", "A01", "-1"}) {
    EXPECT_THROW(g.ParseMove(bad), UserError) << bad;
  }
  for (Move m = 0; m < g.NumMoves(); ++m) EXPECT_EQ(g.ParseMove(g.MoveToText(m)), m);
  GoGame small({.size = 5});
  EXPECT_THROW(small.ParseMove("F1"), UserError);
  EXPECT_EQ(small.MoveToText(small.ParseMove("e5")), "E5");
}

TEST(GoRules, SetupRefusesStonesWithoutLiberties) {
  GoGame g({.size = 3});
  EXPECT_THROW(GoState::FromText(g, Rows({"XO.", "O..", "..."}), kBlack), UserError);
  EXPECT_THROW(GoState::FromText(g, Rows({"...", "..."}), kBlack), UserError);
  EXPECT_THROW(GoState::FromText(g, Rows({"..x", "...", "..."}), kBlack), UserError);
}

TEST(GoRules, BoardSizesOutsideTwoToNineteenRefused) {
  EXPECT_THROW(GoGame({.size = 1}), UserError);
  EXPECT_THROW(GoGame({.size = 20}), UserError);
  EXPECT_THROW(GoGame({.size = 9, .komi = 0.3f}), UserError);
  GoGame tiny({.size = 2});
  auto s = tiny.NewInitialState();
  std::vector<Move> legal;
  s->LegalMoves(&legal);
  EXPECT_EQ(legal.size(), 5u);
}

}  // namespace
}  // namespace descent::game

namespace descent::game {
namespace {

TEST(GoHistory, PastBoardsAndHistoryHash) {
  GoGame g({.size = 5});
  auto s = std::make_unique<GoState>(g);
  for (const char* v : {"A1", "B1", "pass", "C3"}) s->PlayChecked(g.ParseMove(v));
  EXPECT_EQ(s->AtPast(0, 2, 2), GoState::kWhite);  // C3 now
  EXPECT_EQ(s->AtPast(1, 2, 2), GoState::kEmpty);  // not before it
  EXPECT_EQ(s->AtPast(1, 1, 4), GoState::kWhite);  // B1 one move back (after the pass)
  EXPECT_EQ(s->AtPast(2, 1, 4), GoState::kWhite);  // the pass repeated the board
  EXPECT_EQ(s->AtPast(3, 1, 4), GoState::kEmpty);
  EXPECT_EQ(s->AtPast(4, 0, 4), GoState::kEmpty);  // the empty start
  EXPECT_EQ(s->AtPast(7, 0, 4), GoState::kEmpty);  // before the start

  // Same board and side to move, different recent history.
  auto a = std::make_unique<GoState>(g);
  auto b = std::make_unique<GoState>(g);
  for (const char* v : {"A1", "B1", "C1", "D1"}) a->PlayChecked(g.ParseMove(v));
  for (const char* v : {"C1", "D1", "A1", "B1"}) b->PlayChecked(g.ParseMove(v));
  EXPECT_EQ(a->Hash(), b->Hash());
  EXPECT_NE(a->HistoryHash(8), b->HistoryHash(8));
  EXPECT_EQ(a->HistoryHash(1), a->Hash());
}

// Legality from first principles on the text board, for checking the
// engine's bookkeeping (stamped marks, the history filter): the point is
// empty; enemy groups left without a liberty are removed; the new stone's
// group keeps a liberty; the board that results was never seen before.
struct ReferenceRules {
  int n;
  bool HasLiberty(const std::vector<std::string>& b, int x, int y) const {
    const char c = b[y][x];
    std::vector<std::pair<int, int>> stack{{x, y}};
    std::set<std::pair<int, int>> seen{{x, y}};
    while (!stack.empty()) {
      const auto [px, py] = stack.back();
      stack.pop_back();
      for (auto [dx, dy] : {std::pair{1, 0}, {-1, 0}, {0, 1}, {0, -1}}) {
        const int qx = px + dx, qy = py + dy;
        if (qx < 0 || qy < 0 || qx >= n || qy >= n) continue;
        if (b[qy][qx] == '.') return true;
        if (b[qy][qx] == c && seen.insert({qx, qy}).second) stack.push_back({qx, qy});
      }
    }
    return false;
  }
  void RemoveGroup(std::vector<std::string>* b, int x, int y) const {
    const char c = (*b)[y][x];
    std::vector<std::pair<int, int>> stack{{x, y}};
    (*b)[y][x] = '.';
    while (!stack.empty()) {
      const auto [px, py] = stack.back();
      stack.pop_back();
      for (auto [dx, dy] : {std::pair{1, 0}, {-1, 0}, {0, 1}, {0, -1}}) {
        const int qx = px + dx, qy = py + dy;
        if (qx < 0 || qy < 0 || qx >= n || qy >= n || (*b)[qy][qx] != c) continue;
        (*b)[qy][qx] = '.';
        stack.push_back({qx, qy});
      }
    }
  }
  // 0 legal, 1 occupied or suicide, 2 refused by positional superko.
  int Judge(std::vector<std::string> b, int x, int y, char me, const std::set<std::vector<std::string>>& history) const {
    if (b[y][x] != '.') return 1;
    b[y][x] = me;
    const char enemy = me == 'X' ? 'O' : 'X';
    for (auto [dx, dy] : {std::pair{1, 0}, {-1, 0}, {0, 1}, {0, -1}}) {
      const int qx = x + dx, qy = y + dy;
      if (qx < 0 || qy < 0 || qx >= n || qy >= n) continue;
      if (b[qy][qx] == enemy && !HasLiberty(b, qx, qy)) RemoveGroup(&b, qx, qy);
    }
    if (!HasLiberty(b, x, y)) return 1;
    return history.count(b) ? 2 : 0;
  }
};

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> rows;
  size_t start = 0;
  while (start < text.size()) {
    const size_t end = text.find('\n', start);
    rows.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return rows;
}

TEST(GoRules, LegalMovesAgreeWithFirstPrinciplesOnRandomGames) {
  std::mt19937_64 rng(7);
  for (const auto& [size, games] : {std::pair{5, 300}, {9, 40}, {19, 4}}) {
    GoGame g({.size = size, .max_moves = size * size * 3});
    const ReferenceRules rules{size};
    int positions = 0, superko_refusals = 0;
    for (int game = 0; game < games; ++game) {
      auto s = std::make_unique<GoState>(g);
      std::set<std::vector<std::string>> history{Lines(s->ToText())};
      std::vector<Move> legal;
      while (!s->IsTerminal()) {
        s->LegalMoves(&legal);
        const std::vector<std::string> board = Lines(s->ToText());
        const char me = s->ToMove() == 0 ? 'X' : 'O';
        std::vector<Move> expected;
        for (Move m = 0; m < size * size; ++m) {
          const int verdict = rules.Judge(board, m % size, m / size, me, history);
          if (verdict == 0) expected.push_back(m);
          superko_refusals += verdict == 2;
        }
        expected.push_back(g.PassMove());
        ASSERT_EQ(legal, expected) << size << "x" << size << " game " << game << " move " << s->MoveNumber() << "\n"
                                   << s->ToText();
        ++positions;
        // Passes only now and then, so games run long and capture a lot.
        Move m = legal[rng() % legal.size()];
        if (m == g.PassMove() && legal.size() > 1 && rng() % 8 != 0) m = legal[rng() % (legal.size() - 1)];
        s->Play(m);
        history.insert(Lines(s->ToText()));
      }
    }
    std::printf("%dx%d: %d positions agree, %d moves refused by superko\n", size, size, positions, superko_refusals);
    if (size == 5) EXPECT_GT(superko_refusals, 0) << "no superko case was exercised";
  }
}

}  // namespace
}  // namespace descent::game
