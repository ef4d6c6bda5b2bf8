#include "game/connect4_solver.h"

#include <algorithm>

namespace descent::game {
namespace {

constexpr int kW = Connect4Bits::kWidth;
constexpr int kCells = Connect4Bits::kCells;
// Centre columns first: they take part in the most lines.
constexpr int kColumnOrder[kW] = {3, 2, 4, 1, 5, 0, 6};

// Up to 7 moves sorted by score; the best comes out first, and among equal
// scores the one added last (the most central, given the order of adding).
class MoveSorter {
 public:
  void Add(uint64_t move, int score) {
    int pos = size_++;
    for (; pos && entries_[pos - 1].score > score; --pos) entries_[pos] = entries_[pos - 1];
    entries_[pos] = {move, score};
  }
  uint64_t Next() { return size_ ? entries_[--size_].move : 0; }

 private:
  struct Entry {
    uint64_t move;
    int score;
  };
  std::array<Entry, kW> entries_{};
  int size_ = 0;
};

}  // namespace

Connect4Solver::Connect4Solver(Connect4SolverParams params)
    : keys_(params.table_size, 0), values_(params.table_size, 0) {}

int Connect4Solver::Negamax(const Connect4Bits& p, int alpha, int beta) {
  ++node_count_;
  // Invariant: the side to move cannot win at once (checked by the caller).
  const uint64_t possible = p.NonLosingMoves();
  if (possible == 0) return -(kCells - p.moves) / 2;  // the opponent wins next
  if (p.moves >= kCells - 2) return 0;                // nobody can win any more

  const int min = -(kCells - 2 - p.moves) / 2;  // the opponent cannot win next
  if (alpha < min) {
    alpha = min;
    if (alpha >= beta) return alpha;
  }
  int max = (kCells - 1 - p.moves) / 2;  // we cannot win next
  const uint64_t key = p.Key();
  const size_t slot = key % keys_.size();
  if (values_[slot] && keys_[slot] == static_cast<uint32_t>(key)) max = values_[slot] + kMinScore - 1;
  if (beta > max) {
    beta = max;
    if (alpha >= beta) return beta;
  }

  MoveSorter moves;
  for (int i = kW - 1; i >= 0; --i) {
    if (const uint64_t move = possible & Connect4Bits::ColumnMask(kColumnOrder[i])) moves.Add(move, p.MoveScore(move));
  }
  while (const uint64_t move = moves.Next()) {
    Connect4Bits next = p;
    next.PlayBit(move);
    const int score = -Negamax(next, -beta, -alpha);
    if (score >= beta) return score;
    if (score > alpha) alpha = score;
  }
  keys_[slot] = static_cast<uint32_t>(key);
  values_[slot] = static_cast<uint8_t>(alpha - kMinScore + 1);
  return alpha;
}

int Connect4Solver::SolveWindow(const Connect4Bits& p, int min, int max) {
  if (p.CanWinNext()) return (kCells + 1 - p.moves) / 2;
  // Narrow [min, max] with null-window searches, probing near 0 first
  // because most positions are close to a draw.
  while (min < max) {
    int med = min + (max - min) / 2;
    if (med <= 0 && min / 2 < med) {
      med = min / 2;
    } else if (med >= 0 && max / 2 > med) {
      med = max / 2;
    }
    const int r = Negamax(p, med, med + 1);
    if (r <= med) {
      max = r;
    } else {
      min = r;
    }
  }
  return min;
}

int Connect4Solver::Solve(const Connect4Bits& p) {
  return SolveWindow(p, -(kCells - p.moves) / 2, (kCells + 1 - p.moves) / 2);
}

int Connect4Solver::SolveWeak(const Connect4Bits& p) {
  const int score = SolveWindow(p, -1, 1);
  return (score > 0) - (score < 0);
}

std::array<int, Connect4Bits::kWidth> Connect4Solver::ScoreMoves(const Connect4Bits& p) {
  std::array<int, kW> scores;
  scores.fill(kIllegal);
  for (int col = 0; col < kW; ++col) {
    if (!p.CanPlay(col)) continue;
    if (p.IsWinningMove(col)) {
      scores[col] = (kCells + 1 - p.moves) / 2;
      continue;
    }
    Connect4Bits next = p;
    next.Play(col);
    scores[col] = next.moves == kCells ? 0 : -Solve(next);
  }
  return scores;
}

int Connect4Solver::ScoreMoveWeak(const Connect4Bits& p, int col) {
  if (p.IsWinningMove(col)) return 1;
  Connect4Bits next = p;
  next.Play(col);
  return next.moves == kCells ? 0 : -SolveWeak(next);
}

}  // namespace descent::game
