#pragma once
// Exact tic-tac-toe: every reachable position solved once by minimax.

#include <vector>

#include "game/tictactoe.h"

namespace descent::game {

class TicTacToeSolver {
 public:
  // Solves every position reachable from the empty board (about 5,500), in
  // well under a millisecond. Afterwards the solver is read-only and may be
  // shared between threads.
  TicTacToeSolver();

  // Game-theoretic value for the side to move: +1 win, 0 draw, -1 loss.
  // For a terminal position, the result for the side that would move.
  int Value(const TicTacToeState& state) const;
  // Value for the mover of each move, indexed by move; -2 for illegal moves.
  std::vector<int> ScoreMoves(const TicTacToeState& state) const;
  // The legal moves that keep the best value.
  std::vector<Move> OptimalMoves(const TicTacToeState& state) const;

  // Positions reachable from the empty board by legal play, terminal ones
  // and the empty board included (5,478).
  int NumReachablePositions() const { return num_reachable_; }

 private:
  int Solve(uint16_t x, uint16_t o, int to_move);
  static int Key(uint16_t x, uint16_t o);

  std::vector<signed char> value_;  // by Key(); 2 = not reachable/unsolved
  int num_reachable_ = 0;
};

}  // namespace descent::game
