// Descent's Go rules against GNU Go, move by move: legality of every point
// in random games, and the final area score.

#include <gtest/gtest.h>

#include <cstdlib>
#include <random>

#include "engine/gtp_client.h"
#include "game/go.h"
#include "game/shell.h"
#include "game/sgf.h"

namespace descent::engine {
namespace {

// Debian puts gnugo in /usr/games, which is not always on PATH.
std::string GnuGo() { return game::FindGnuGo(); }

// A point whose every neighbour is the mover's stone or the edge: filling it
// would be a random player's suicide of its own eye, so the playout skips it
// (games then end with every dead stone captured).
bool IsOwnEye(const game::GoState& s, game::Move m) {
  const int n = static_cast<const game::GoGame&>(s.game()).Size();
  const int x = m % n, y = m / n;
  const auto mine = game::GoState::ColourOf(s.ToMove());
  for (auto [dx, dy] : {std::pair{1, 0}, {-1, 0}, {0, 1}, {0, -1}}) {
    const int nx = x + dx, ny = y + dy;
    if (nx < 0 || ny < 0 || nx >= n || ny >= n) continue;
    if (s.At(nx, ny) != mine) return false;
  }
  return true;
}

TEST(GnuGoCrossCheck, RandomGamesAgreeOnLegalityAndScore) {
  if (GnuGo().empty()) GTEST_SKIP() << "gnugo is not installed (scripts/test installs it)";
  std::mt19937_64 rng(7);
  int games = 0, scored = 0, superko_only = 0;
  for (int size : {5, 7}) {
    for (int round = 0; round < 4; ++round) {
      game::GoGame g({.size = size, .komi = 0.5f});
      GtpClient gnugo(GnuGo() + " --mode gtp --chinese-rules --level 1");
      ASSERT_TRUE(gnugo.Send("boardsize " + std::to_string(size)).ok);
      ASSERT_TRUE(gnugo.Send("clear_board").ok);
      ASSERT_TRUE(gnugo.Send("komi 0.5").ok);
      game::GoState s(g);
      std::vector<game::Move> candidates;
      while (!s.IsTerminal()) {
        const std::string colour = s.ToMove() == 0 ? "black" : "white";
        candidates.clear();
        for (game::Move m = 0; m < size * size; ++m) {
          const bool ours = s.IsLegal(m);
          const bool theirs = gnugo.Send("is_legal " + colour + " " + g.MoveToText(m)).text == "1";
          if (ours != theirs) {
            // GNU Go checks simple ko only; we forbid any repetition
            // (positional superko). Any other difference is a bug.
            auto fresh = game::GoState::FromText(g, s.ToText(), s.ToMove());
            const bool superko = !ours && theirs && fresh->IsLegal(m);
            ASSERT_TRUE(superko) << g.MoveToText(m) << " for " << colour << ": descent " << ours << ", gnugo "
                                 << theirs << "\n" << s.ToText();
            ++superko_only;
          }
          if (ours && !IsOwnEye(s, m)) candidates.push_back(m);
        }
        const game::Move move = candidates.empty() ? g.PassMove() : candidates[rng() % candidates.size()];
        ASSERT_TRUE(gnugo.Send("play " + colour + " " + g.MoveToText(move)).ok) << g.MoveToText(move);
        s.Play(move);
      }
      ++games;
      // With every dead stone captured, GNU Go's Chinese count is the area score.
      if (!gnugo.Send("final_status_list dead").text.empty()) continue;
      ++scored;
      EXPECT_EQ(gnugo.Send("final_score").text, game::ResultText(s)) << s.ToText();
    }
  }
  EXPECT_EQ(games, 8);
  EXPECT_GE(scored, 6);  // nearly every game ends with nothing left to capture
  RecordProperty("superko_differences", superko_only);
  RecordProperty("scored_games", scored);
}

}  // namespace
}  // namespace descent::engine
