#pragma once
// Connect Four 7x6 as two bitboards, after Pascal Pons' solver
// (http://blog.gamesolver.org). Bit col * 7 + row holds the cell in column
// col (0 = left) and row row (0 = bottom); each column has one spare bit on
// top so that shifts never carry into the next column.

#include <cstdint>

namespace descent::game {

struct Connect4Bits {
  static constexpr int kWidth = 7;
  static constexpr int kHeight = 6;
  static constexpr int kCells = kWidth * kHeight;

  static constexpr uint64_t BottomMask(int col) { return uint64_t{1} << (col * (kHeight + 1)); }
  static constexpr uint64_t TopMask(int col) { return uint64_t{1} << (kHeight - 1 + col * (kHeight + 1)); }
  static constexpr uint64_t ColumnMask(int col) {
    return ((uint64_t{1} << kHeight) - 1) << (col * (kHeight + 1));
  }
  // One bit at the bottom of every column, and every playable cell.
  static constexpr uint64_t kBottom = 0b0000001'0000001'0000001'0000001'0000001'0000001'0000001ULL;
  static constexpr uint64_t kBoard = kBottom * ((uint64_t{1} << kHeight) - 1);

  uint64_t current = 0;  // stones of the side to move
  uint64_t mask = 0;     // all stones
  int moves = 0;         // stones on the board

  bool CanPlay(int col) const { return (mask & TopMask(col)) == 0; }
  // Drops a stone of the side to move into `col`. Precondition: CanPlay(col).
  void Play(int col) { PlayBit((mask + BottomMask(col)) & ColumnMask(col)); }
  // Plays the single-bit move `move` (a cell from Possible()).
  void PlayBit(uint64_t move) {
    current ^= mask;
    mask |= move;
    ++moves;
  }
  // Unique key of the position (side to move included, by stone parity).
  uint64_t Key() const { return current + mask; }
  // Cells where a stone can be dropped now.
  uint64_t Possible() const { return (mask + kBottom) & kBoard; }
  // True if the side to move wins by playing `col`.
  // Cells where the side to move wins by playing now.
  uint64_t WinningMoves() const { return WinningCells(current, mask) & Possible(); }
  bool IsWinningMove(int col) const { return WinningMoves() & ColumnMask(col); }
  bool CanWinNext() const { return WinningMoves() != 0; }

  // Moves that do not let the opponent win at once; 0 if every move loses.
  uint64_t NonLosingMoves() const {
    uint64_t possible = Possible();
    const uint64_t opponent_win = WinningCells(current ^ mask, mask);
    const uint64_t forced = possible & opponent_win;
    if (forced) {
      if (forced & (forced - 1)) return 0;  // two threats: cannot block both
      possible = forced;
    }
    return possible & ~(opponent_win >> 1);  // never play just below their win
  }
  // Move-ordering score: how many winning cells `move` would give the mover.
  int MoveScore(uint64_t move) const { return __builtin_popcountll(WinningCells(current | move, mask)); }

  // Empty cells that would complete four for the stones `position`.
  static uint64_t WinningCells(uint64_t position, uint64_t mask) {
    // vertical
    uint64_t r = (position << 1) & (position << 2) & (position << 3);
    r |= LineCells(position, kHeight + 1);  // horizontal
    r |= LineCells(position, kHeight);      // diagonal, rising to the left
    r |= LineCells(position, kHeight + 2);  // diagonal, rising to the right
    return r & (kBoard ^ mask);
  }
  // True if `position` holds four in a row in any direction.
  static bool HasFour(uint64_t position) {
    for (int shift : {1, kHeight, kHeight + 1, kHeight + 2}) {
      const uint64_t m = position & (position >> shift);
      if (m & (m >> (2 * shift))) return true;
    }
    return false;
  }

 private:
  static uint64_t LineCells(uint64_t p, int s) {
    uint64_t r = 0;
    uint64_t q = (p << s) & (p << 2 * s);
    r |= q & (p << 3 * s);
    r |= q & (p >> s);
    q = (p >> s) & (p >> 2 * s);
    r |= q & (p << s);
    r |= q & (p >> 3 * s);
    return r;
  }
};

}  // namespace descent::game
