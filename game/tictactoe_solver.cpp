#include "game/tictactoe_solver.h"

#include <algorithm>

namespace descent::game {
namespace {
constexpr signed char kUnsolved = 2;
constexpr int kNumCodes = 19683;  // 3^9 board codes
}  // namespace

int TicTacToeSolver::Key(uint16_t x, uint16_t o) {
  int key = 0;
  for (int cell = 8; cell >= 0; --cell) key = key * 3 + ((x >> cell) & 1) + 2 * ((o >> cell) & 1);
  return key;
}

TicTacToeSolver::TicTacToeSolver() : value_(kNumCodes, kUnsolved) { Solve(0, 0, 0); }

int TicTacToeSolver::Solve(uint16_t x, uint16_t o, int to_move) {
  const int key = Key(x, o);
  if (value_[key] != kUnsolved) return value_[key];
  ++num_reachable_;
  int best;
  if (HasThreeInARow(x) || HasThreeInARow(o)) {
    best = -1;  // the player who just moved completed a line
  } else if ((x | o) == 0x1ff) {
    best = 0;
  } else {
    best = -1;
    for (int cell = 0; cell < 9; ++cell) {
      if (((x | o) >> cell) & 1) continue;
      const uint16_t bit = static_cast<uint16_t>(1u << cell);
      const int v = to_move == 0 ? -Solve(x | bit, o, 1) : -Solve(x, o | bit, 0);
      best = std::max(best, v);
    }
  }
  value_[key] = static_cast<signed char>(best);
  return best;
}

int TicTacToeSolver::Value(const TicTacToeState& state) const {
  return value_[Key(state.Stones(0), state.Stones(1))];
}

std::vector<int> TicTacToeSolver::ScoreMoves(const TicTacToeState& state) const {
  std::vector<int> scores(9, -2);
  std::vector<Move> legal;
  state.LegalMoves(&legal);
  for (Move m : legal) {
    TicTacToeState next = state;
    next.Play(m);
    scores[m] = -Value(next);
  }
  return scores;
}

std::vector<Move> TicTacToeSolver::OptimalMoves(const TicTacToeState& state) const {
  std::vector<Move> legal, best;
  state.LegalMoves(&legal);
  const std::vector<int> scores = ScoreMoves(state);
  int best_score = -2;
  for (Move m : legal) best_score = std::max(best_score, scores[m]);
  for (Move m : legal) {
    if (scores[m] == best_score) best.push_back(m);
  }
  return best;
}

}  // namespace descent::game
