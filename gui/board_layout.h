#pragma once
// Where things go on the screen, without drawing: the board fitted into a
// rectangle, points and cells to pixels and back, and what stands where.
// Plain geometry, so tests can find a stone's pixel in a screenshot.

#include <vector>

#include "game/game.h"

namespace descent::gui {

struct Rect {
  float x = 0, y = 0, w = 0, h = 0;
  bool Contains(float px, float py) const { return px >= x && py >= y && px < x + w && py < y + h; }
};
struct Pixel {
  float x = 0, y = 0;
};

enum class BoardKind { kGo, kConnectFour, kTicTacToe };

class BoardLayout {
 public:
  // Fits the board of `game` into `area`, square cells, centred, with room
  // for coordinates around a Go board.
  BoardLayout(const game::Game& game, Rect area);

  BoardKind kind() const { return kind_; }
  int columns() const { return columns_; }
  int rows() const { return rows_; }
  // Distance between neighbouring points (Go) or cell size (others).
  float cell() const { return cell_; }
  // The board itself (wood, rack or grid area).
  Rect board() const { return board_; }
  // Centre of the point or cell at (column, row), row 0 at the top.
  Pixel CellCenter(int column, int row) const;
  // The move a click at (x, y) means: Go a point, Connect Four a column,
  // tic-tac-toe a cell; kNoMove outside the board.
  game::Move MoveAt(float x, float y) const;
  // Where the piece of `move` lands or stands in `state` before it is
  // played (Connect Four: the lowest free cell of the column).
  Pixel MoveCenter(const game::State& state, game::Move move) const;

 private:
  BoardKind kind_;
  int columns_, rows_;
  float cell_ = 0;
  Rect board_;
  Pixel origin_;  // centre of (0, 0)
};

// The board's place in a window of `width` x `height` output pixels, beside
// the side panel: the window and tests use the same geometry.
Rect PanelRect(int width, int height);
BoardLayout WindowBoardLayout(const game::Game& game, int width, int height);

// What stands on each cell (row 0 at the top, columns_ x rows_): -1 empty,
// else the player. Go reads the board (captures), the others replay moves.
std::vector<int> Occupancy(const game::State& state, BoardKind kind);

// Go: for each empty point, the player whose stones alone border its region
// (its area territory), else -1; stones get -1 too.
std::vector<int> GoTerritory(const game::State& state);

}  // namespace descent::gui
