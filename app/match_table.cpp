#include "app/match_table.h"

#include <cstdio>

namespace descent::app {

namespace {

std::string Percent(double x) {
  char text[16];
  std::snprintf(text, sizeof text, "%.1f%%", 100 * x);
  return text;
}

void PrintRow(const char* label, const game::MatchScore& s) {
  std::printf("  %-16s %6d %6d %6d %7d   %s\n", label, s.games(), s.wins, s.draws, s.losses,
              s.games() ? Percent(s.Score()).c_str() : "-");
}

}  // namespace

void PrintSummary(const engine::MatchSummary& m) {
  const game::MatchScore& t = m.total;
  std::printf("\nfirst:  %s\nsecond: %s\n\n", m.first_name.c_str(), m.second_name.c_str());
  std::printf("  %-16s %6s %6s %6s %7s   %s\n", "first engine", "games", "wins", "draws", "losses", "score");
  PrintRow("as Black", m.first_as_black);
  PrintRow("as White", m.first_as_white);
  PrintRow("total", t);
  if (t.games() == 0) return;
  const int black_wins = m.first_as_black.wins + m.first_as_white.losses;
  const int white_wins = m.first_as_white.wins + m.first_as_black.losses;
  const auto [lo, hi] = t.Interval95();
  const auto [elo_lo, elo_hi] = t.EloInterval95();
  std::printf("\nBlack won %d, White won %d of %d games\n", black_wins, white_wins, t.games());
  std::printf("first engine's score %s, 95%% interval [%s, %s]\n", Percent(t.Score()).c_str(), Percent(lo).c_str(),
              Percent(hi).c_str());
  std::printf("Elo difference %+.0f, 95%% interval [%+.0f, %+.0f]\n", t.Elo(), elo_lo, elo_hi);
  if (m.sprt) {
    const char* decision = m.sprt->decision == game::SprtDecision::kAcceptH1   ? "H1 accepted"
                           : m.sprt->decision == game::SprtDecision::kAcceptH0 ? "H0 accepted"
                                                                                : "undecided";
    std::printf("SPRT: LLR %.2f in [%.2f, %.2f]: %s%s\n", m.sprt->llr, m.sprt->lower, m.sprt->upper, decision,
                m.stopped_by_sprt ? " (match stopped early)" : "");
  }
  int with_referee = 0;
  for (const engine::MatchGame& g : m.games) with_referee += !g.referee_result.empty();
  if (with_referee) {
    std::printf("referee scored %d games; it named another winner than the area score in %d\n", with_referee,
                m.referee_disagreements);
  }
  std::printf("longest move: first %.2f s, second %.2f s\n", m.first_longest_move, m.second_longest_move);
}

void PrintGameLine(const engine::MatchGame& g, const engine::MatchSummary& m, const char* first, int games) {
  std::printf("game %d/%d: %s %s, %s (%s), %d moves; %s's score %.1f/%d\n", g.index + 1, games, first,
              g.first_is_black ? "Black" : "White", g.result.c_str(), g.reason.c_str(), g.moves, first,
              m.total.wins + 0.5 * m.total.draws, m.total.games());
  if (g.referee_disagrees) {
    std::printf("  referee %s disagrees with the area score %s\n", g.referee_result.c_str(), g.area_result.c_str());
  }
  std::fflush(stdout);
}

}  // namespace descent::app
