#include "selfplay/arena.h"

#include <gtest/gtest.h>

#include <set>
#include <stdexcept>

#include "game/registry.h"
#include "net/net_config.h"

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

TEST(Arena, RandomOpeningsNeverPassInGo) {
  // On 3x3 a pass is one of ten legal moves at the start: twenty two-ply
  // openings drawn from every legal move pass somewhere almost surely.
  auto g = game::MakeGame("go:3:komi=0");
  const game::Move pass = 9;
  Lowest a, b;
  int games = 0;
  std::set<std::vector<game::Move>> openings;
  PlayMatch(*g, a, b, 40, 5, nullptr, 2, [&](int, game::Player, const std::vector<game::Move>& moves, float) {
    ++games;
    ASSERT_GE(moves.size(), 2u);
    EXPECT_NE(moves[0], pass);
    EXPECT_NE(moves[1], pass);
    openings.insert({moves[0], moves[1]});
  });
  EXPECT_EQ(games, 40);
  EXPECT_GE(openings.size(), 10u);  // still random: twenty pairs, mostly distinct
}

TEST(Arena, EachGameIsReportedWithMovesThatReplayToItsResult) {
  auto g = game::MakeGame("tictactoe");
  auto a = RandomPlayer();
  Lowest b;
  int seen = 0, wins = 0, draws = 0, losses = 0;
  const auto on_game = [&](int i, game::Player a_side, const std::vector<game::Move>& moves, float a_result) {
    EXPECT_EQ(i, seen++);
    EXPECT_EQ(a_side, i % 2 == 0 ? 0 : 1);
    auto state = g->NewInitialState();
    for (game::Move m : moves) state->PlayChecked(m);
    ASSERT_TRUE(state->IsTerminal());
    EXPECT_EQ(state->Outcome(a_side), a_result);
    (a_result > 0 ? wins : a_result < 0 ? losses : draws)++;
  };
  const MatchResult r = PlayMatch(*g, *a, b, 30, 11, nullptr, 1, on_game);
  EXPECT_EQ(seen, 30);
  EXPECT_EQ(r.wins, wins);
  EXPECT_EQ(r.draws, draws);
  EXPECT_EQ(r.losses, losses);
  EXPECT_GT(r.wins, 0);  // random beats "lowest move" sometimes: the results are not all one kind
}

TEST(Arena, TheRolloutSeedDecidesTheGamesAgainstADeterministicPlayer) {
  auto g = game::MakeGame("connect4");
  const auto games = [&](uint64_t seed) {
    Lowest a;
    auto b = RolloutPlayer(*g, 50, seed);
    std::vector<std::vector<game::Move>> out;
    PlayMatch(*g, a, *b, 2, 1, nullptr, 0,
              [&](int, game::Player, const std::vector<game::Move>& moves, float) { out.push_back(moves); });
    return out;
  };
  EXPECT_EQ(games(5), games(5));
  EXPECT_NE(games(5), games(6));
}

TEST(Arena, ConcurrentMatchPlaysTheSameGamesAsOneAtATime) {
  auto g = game::MakeGame("connect4");
  const auto net = std::shared_ptr<const net::Network>(net::Network::Random(net::DefaultNetConfig(*g, 1, 8), 4));
  const auto play = [&](int concurrency) {
    MatchParams p;
    p.games = 12;
    p.seed = 9;
    p.opening_moves = 2;
    p.concurrency = concurrency;
    std::vector<std::string> games(p.games);
    int calls = 0;
    p.on_game = [&](int i, game::Player side, const std::vector<game::Move>& moves, float r) {
      ++calls;  // one at a time: no lock needed
      games[i] = std::to_string(side) + ":" + std::to_string(r) + ":";
      for (game::Move m : moves) games[i] += g->MoveToText(m) + " ";
    };
    const MatchResult r = PlayMatch(*g, NetPlayerFactory(*g, net, 16, "net"), RolloutPlayerFactory(*g, 50, 3), p);
    EXPECT_EQ(calls, 12);
    EXPECT_EQ(r.games(), 12);
    return games;
  };
  EXPECT_EQ(play(1), play(8));
}

TEST(Arena, AFailingPlayerStopsTheConcurrentMatchWithItsError) {
  auto g = game::MakeGame("tictactoe");
  class Failing final : public Player {
   public:
    std::string Name() const override { return "failing"; }
    game::Move Choose(const game::State&, std::mt19937_64&) override { throw std::runtime_error("net call failed"); }
  };
  MatchParams p;
  p.games = 1000;
  p.concurrency = 4;
  EXPECT_THROW(PlayMatch(*g, RandomPlayerFactory(), [](int) { return std::make_unique<Failing>(); }, p),
               std::runtime_error);
}

}  // namespace
}  // namespace descent::selfplay
