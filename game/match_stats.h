#pragma once
// Statistics of a match between two players: score with a 95% interval, the
// Elo difference it implies, and a sequential probability ratio test (SPRT)
// that can stop a match as soon as the result is clear.

#include <utility>

namespace descent::game {

// Wins, draws and losses of the first player named.
struct MatchScore {
  int wins = 0, draws = 0, losses = 0;
  int games() const { return wins + draws + losses; }
  double Score() const { return games() ? (wins + 0.5 * draws) / games() : 0; }
  // 95% interval of the score (Wilson, draws as half points).
  std::pair<double, double> Interval95() const;
  // Elo difference implied by the score, clamped to +-800.
  double Elo() const;
  // The Elo difference at each end of Interval95().
  std::pair<double, double> EloInterval95() const;
};

// Elo difference of an expected score, clamped to +-800.
double EloOfScore(double score);

// H0: the first player is elo0 stronger; H1: elo1 stronger (elo1 > elo0).
// alpha: chance of accepting H1 when H0 holds; beta: the reverse.
struct SprtParams {
  double elo0 = 0, elo1 = 30;
  double alpha = 0.05, beta = 0.05;
};

enum class SprtDecision { kContinue, kAcceptH0, kAcceptH1 };

struct SprtState {
  double llr = 0, lower = 0, upper = 0;
  SprtDecision decision = SprtDecision::kContinue;
};

// The generalised SPRT with the normal approximation of the per-game score
// (as Fishtest uses): LLR = n (s1 - s0) (2 mean - s0 - s1) / (2 var).
SprtState Sprt(const MatchScore& score, const SprtParams& params);

}  // namespace descent::game
