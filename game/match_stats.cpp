#include "game/match_stats.h"

#include <algorithm>
#include <cmath>

namespace descent::game {

namespace {

double ScoreOfElo(double elo) { return 1.0 / (1.0 + std::pow(10.0, -elo / 400.0)); }

// The per-game score variance never counts as lower than this: after a few
// games that were all won (variance 0) the LLR would otherwise be infinite.
// 0.05 is a fifth of the variance of a coin flip.
constexpr double kMinScoreVariance = 0.05;

}  // namespace

std::pair<double, double> MatchScore::Interval95() const {
  const double n = games();
  if (n == 0) return {0, 1};
  const double p = Score(), z = 1.96, z2 = z * z;
  const double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const double half = z * std::sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n);
  return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

double EloOfScore(double score) {
  const double s = std::clamp(score, 1e-3, 1 - 1e-3);
  return std::clamp(-400.0 * std::log10(1.0 / s - 1.0), -800.0, 800.0) + 0.0;  // + 0.0: no "-0"
}

double MatchScore::Elo() const { return EloOfScore(Score()); }

std::pair<double, double> MatchScore::EloInterval95() const {
  const auto [lo, hi] = Interval95();
  return {EloOfScore(lo), EloOfScore(hi)};
}

SprtState Sprt(const MatchScore& score, const SprtParams& params) {
  SprtState state;
  state.lower = std::log(params.beta / (1 - params.alpha));
  state.upper = std::log((1 - params.beta) / params.alpha);
  const double n = score.games();
  if (n == 0) return state;
  const double mean = score.Score();
  const double mean_of_squares = (score.wins + 0.25 * score.draws) / n;
  const double variance = std::max(kMinScoreVariance, mean_of_squares - mean * mean);
  const double s0 = ScoreOfElo(params.elo0), s1 = ScoreOfElo(params.elo1);
  state.llr = n * (s1 - s0) * (2 * mean - s0 - s1) / (2 * variance);
  if (state.llr >= state.upper) state.decision = SprtDecision::kAcceptH1;
  if (state.llr <= state.lower) state.decision = SprtDecision::kAcceptH0;
  return state;
}

}  // namespace descent::game
