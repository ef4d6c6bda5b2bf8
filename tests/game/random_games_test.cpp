// Random legal games on every game: rule invariants hold after every move,
// and board symmetries map legal moves to legal moves.

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "game/go.h"
#include "game/registry.h"

namespace descent::game {
namespace {

std::vector<Move> Legal(const State& s) {
  std::vector<Move> legal;
  s.LegalMoves(&legal);
  return legal;
}

// Every symmetry maps the legal moves of `s` onto those of the transformed
// state, and the inverse symmetry brings the board back.
void ExpectSymmetriesPreserveLegality(const State& s) {
  const Game& g = s.game();
  const std::vector<Move> legal = Legal(s);
  for (int sym = 0; sym < g.NumSymmetries(); ++sym) {
    auto t = s.Transformed(sym);
    std::vector<Move> mapped;
    for (Move m : legal) mapped.push_back(g.TransformMove(m, sym));
    std::sort(mapped.begin(), mapped.end());
    ASSERT_EQ(Legal(*t), mapped) << g.Spec() << " symmetry " << sym << "\n" << s.ToText();
    EXPECT_EQ(t->Transformed(g.InverseSymmetry(sym))->ToText(), s.ToText());
    EXPECT_EQ(t->ToMove(), s.ToMove());
  }
}

// Go invariants: the incremental hash equals a fresh one, and every group on
// the board has a liberty (FromText refuses a board where one has none).
void ExpectGoInvariants(const GoState& s) {
  const auto& g = static_cast<const GoGame&>(s.game());
  auto fresh = GoState::FromText(g, s.ToText(), s.ToMove());
  if (s.ConsecutivePasses() == 0) {
    EXPECT_EQ(fresh->Hash(), s.Hash());
  }
}

void PlayRandomGames(const std::string& spec, int games, int symmetry_every) {
  auto g = MakeGame(spec);
  std::mt19937_64 rng(42);
  for (int i = 0; i < games; ++i) {
    auto s = g->NewInitialState();
    auto scratch = g->NewInitialState();
    int plies = 0;
    while (!s->IsTerminal()) {
      const std::vector<Move> legal = Legal(*s);
      ASSERT_FALSE(legal.empty());
      for (Move m : legal) ASSERT_TRUE(s->IsLegal(m));
      const Move m = legal[rng() % legal.size()];
      s->Play(m);
      ++plies;
      ASSERT_LE(plies, g->MaxGameLength());
      if (auto* go = dynamic_cast<const GoState*>(s.get())) ExpectGoInvariants(*go);
      if (plies % symmetry_every == 0) ExpectSymmetriesPreserveLegality(*s);
      scratch->CopyFrom(*s);  // the copy a searcher makes must be identical
      ASSERT_EQ(scratch->Hash(), s->Hash());
      ASSERT_EQ(scratch->ToText(), s->ToText());
    }
    EXPECT_TRUE(Legal(*s).empty());
    EXPECT_EQ(s->Outcome(0), -s->Outcome(1));
  }
}

TEST(RandomGames, TicTacToe) { PlayRandomGames("tictactoe", 200, 1); }
TEST(RandomGames, Connect4) { PlayRandomGames("connect4", 100, 3); }
TEST(RandomGames, Go5x5) { PlayRandomGames("go:5", 300, 5); }
TEST(RandomGames, Go9x9) { PlayRandomGames("go:9", 60, 20); }
TEST(RandomGames, Go19x19) { PlayRandomGames("go:19", 6, 150); }

}  // namespace
}  // namespace descent::game
