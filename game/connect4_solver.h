#pragma once
// Exact Connect Four solver after Pascal Pons (http://blog.gamesolver.org):
// negamax with alpha-beta, null-window iterative narrowing, a transposition
// table of upper bounds, and move ordering by threats created (centre first
// on ties). Scores follow Pons: a win is 22 minus the number of stones the
// winner has played at the end, a loss its negative, a draw 0.

#include <array>
#include <cstdint>
#include <vector>

#include "game/connect4.h"

namespace descent::game {

struct Connect4SolverParams {
  // Transposition-table entries. A prime, so that storing only the low 32
  // bits of the 49-bit key stays exact (Chinese remainder theorem, as Pons
  // does); 8,388,593 entries take 40 MB and keep the table hit rate high on
  // opening positions.
  uint32_t table_size = 8388593;
};

// Not thread-safe: one solver per thread (each owns its table).
class Connect4Solver {
 public:
  explicit Connect4Solver(Connect4SolverParams params = {});

  // Exact score for the side to move. Precondition: the game is not over.
  int Solve(const Connect4Bits& position);
  // Only the sign: +1 win, 0 draw, -1 loss; much faster for openings.
  int SolveWeak(const Connect4Bits& position);
  // Exact score, for the mover, of every legal column; kIllegal for full ones.
  std::array<int, Connect4Bits::kWidth> ScoreMoves(const Connect4Bits& position);
  // Only the sign, +1 / 0 / -1, of the score of one column for the mover:
  // what a mistake count needs. Precondition: the column is not full. Fast
  // for good moves; proving a bad move's loss can take far longer (seconds
  // on some middle-game positions), so score only the move that was played.
  int ScoreMoveWeak(const Connect4Bits& position, int column);

  static constexpr int kIllegal = -1000;
  // Search nodes since construction or the last ResetStats().
  uint64_t NodeCount() const { return node_count_; }
  void ResetStats() { node_count_ = 0; }

 private:
  int SolveWindow(const Connect4Bits& position, int min, int max);
  int Negamax(const Connect4Bits& position, int alpha, int beta);

  static constexpr int kMinScore = -Connect4Bits::kCells / 2 + 3;

  std::vector<uint32_t> keys_;
  std::vector<uint8_t> values_;  // upper bound - kMinScore + 1; 0 = empty
  uint64_t node_count_ = 0;
};

}  // namespace descent::game
