#include "selfplay/arena.h"

#include <gtest/gtest.h>

#include <set>

#include "game/registry.h"

namespace descent::selfplay {
namespace {

// A deterministic player that records every game's moves: the lowest legal
// move, always.
class Lowest final : public Player {
 public:
  std::string Name() const override { return "lowest"; }
  game::Move Choose(const game::State& state, std::mt19937_64&) override {
    state.LegalMoves(&legal_);
    return legal_.front();
  }

 private:
  std::vector<game::Move> legal_;
};

// The distinct positions a match's games pass through two plies after the
// opening: one per distinct game, near enough.
std::set<std::string> DistinctGames(const game::Game& g, int games, int opening_moves) {
  class Noting final : public Player {
   public:
    explicit Noting(std::set<std::string>* seen, int ply) : seen_(seen), ply_(ply) {}
    std::string Name() const override { return "noting"; }
    game::Move Choose(const game::State& state, std::mt19937_64& rng) override {
      if (state.MoveNumber() == ply_ || state.MoveNumber() == ply_ + 1) seen_->insert(state.ToText());
      return lowest_.Choose(state, rng);
    }

   private:
    std::set<std::string>* seen_;
    int ply_;
    Lowest lowest_;
  };
  std::set<std::string> seen;
  Noting a(&seen, opening_moves + 2);
  Lowest b;
  PlayMatch(g, a, b, games, 7, nullptr, opening_moves);
  return seen;
}

TEST(Arena, RandomOpeningsGiveDeterministicPlayersDistinctFairGames) {
  auto g = game::MakeGame("connect4");
  // Without an opening, two deterministic players replay one game per colour.
  EXPECT_EQ(DistinctGames(*g, 20, 0).size(), 2u);
  // With two random plies, the pairs differ.
  EXPECT_GE(DistinctGames(*g, 20, 2).size(), 12u);

  // Each pair shares its opening with colours swapped: a player against
  // itself scores exactly half.
  Lowest a, b;
  const MatchResult r = PlayMatch(*g, a, b, 20, 3, nullptr, 2);
  EXPECT_EQ(r.wins + r.draws + r.losses, 20);
  EXPECT_EQ(r.wins, r.losses);
}

}  // namespace
}  // namespace descent::selfplay
