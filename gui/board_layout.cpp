#include "gui/board_layout.h"

#include <algorithm>
#include <cmath>

#include "game/go.h"

namespace descent::gui {

BoardLayout::BoardLayout(const game::Game& game, Rect area) {
  switch (game.Traits().board_style) {
    case game::GameTraits::BoardStyle::kIntersections: kind_ = BoardKind::kGo; break;
    case game::GameTraits::BoardStyle::kColumns: kind_ = BoardKind::kConnectFour; break;
    case game::GameTraits::BoardStyle::kCells: kind_ = BoardKind::kTicTacToe; break;
  }
  columns_ = game.BoardWidth();
  rows_ = game.BoardHeight();
  // Go: points sit on the lines, with a margin of 1.2 cells for the
  // coordinates; the others: cells, with a quarter-cell frame.
  const float margin = kind_ == BoardKind::kGo ? 1.2f : 0.25f;
  const float span_x = (kind_ == BoardKind::kGo ? columns_ - 1 : columns_) + 2 * margin;
  const float span_y = (kind_ == BoardKind::kGo ? rows_ - 1 : rows_) + 2 * margin;
  cell_ = std::max(1.0f, std::min(area.w / span_x, area.h / span_y));
  board_ = {area.x + (area.w - span_x * cell_) / 2, area.y + (area.h - span_y * cell_) / 2, span_x * cell_, span_y * cell_};
  const float first = kind_ == BoardKind::kGo ? margin * cell_ : (margin + 0.5f) * cell_;
  origin_ = {board_.x + first, board_.y + first};
}

Pixel BoardLayout::CellCenter(int column, int row) const {
  return {origin_.x + column * cell_, origin_.y + row * cell_};
}

game::Move BoardLayout::MoveAt(float x, float y) const {
  const int column = static_cast<int>(std::lround((x - origin_.x) / cell_));
  const int row = static_cast<int>(std::lround((y - origin_.y) / cell_));
  const bool inside_x = column >= 0 && column < columns_ && std::fabs(x - CellCenter(column, 0).x) <= cell_ / 2;
  const bool inside_y = row >= 0 && row < rows_ && std::fabs(y - CellCenter(0, row).y) <= cell_ / 2;
  if (!inside_x) return game::kNoMove;
  if (kind_ == BoardKind::kConnectFour) return board_.Contains(x, y) ? column : game::kNoMove;  // any height
  if (!inside_y) return game::kNoMove;
  return row * columns_ + column;  // Go and tic-tac-toe number points row by row from the top
}

Pixel BoardLayout::MoveCenter(const game::State& state, game::Move move) const {
  if (kind_ != BoardKind::kConnectFour) return CellCenter(move % columns_, move / columns_);
  const std::vector<int> cells = Occupancy(state, kind_);
  int row = rows_ - 1;
  while (row > 0 && cells[static_cast<size_t>(row * columns_ + move)] >= 0) --row;
  return CellCenter(move, row);
}

Rect PanelRect(int width, int height) {
  const float w = std::clamp(width * 0.3f, 260.0f, 460.0f);
  return {width - w, 0, w, static_cast<float>(height)};
}

BoardLayout WindowBoardLayout(const game::Game& game, int width, int height) {
  const Rect panel = PanelRect(width, height);
  const float margin = std::max(8.0f, height * 0.02f);
  return BoardLayout(game, {margin, margin, panel.x - 2 * margin, height - 2 * margin});
}

std::vector<int> Occupancy(const game::State& state, BoardKind kind) {
  const game::Game& g = state.game();
  const int columns = g.BoardWidth(), rows = g.BoardHeight();
  std::vector<int> cells(static_cast<size_t>(columns * rows), -1);
  if (kind == BoardKind::kGo) {
    const auto& go = static_cast<const game::GoState&>(state);
    for (int y = 0; y < rows; ++y) {
      for (int x = 0; x < columns; ++x) {
        const auto c = go.At(x, y);
        if (c == game::GoState::kBlack) cells[static_cast<size_t>(y * columns + x)] = 0;
        if (c == game::GoState::kWhite) cells[static_cast<size_t>(y * columns + x)] = 1;
      }
    }
    return cells;
  }
  const std::vector<game::Move> moves = state.MoveHistory();
  std::vector<int> height(static_cast<size_t>(columns), 0);
  for (size_t i = 0; i < moves.size(); ++i) {
    const int player = static_cast<int>(i % 2);
    if (kind == BoardKind::kConnectFour) {
      const int column = moves[i];
      const int row = rows - 1 - height[static_cast<size_t>(column)]++;
      cells[static_cast<size_t>(row * columns + column)] = player;
    } else {
      cells[static_cast<size_t>(moves[i])] = player;
    }
  }
  return cells;
}

std::vector<int> GoTerritory(const game::State& state) {
  const int n = state.game().BoardWidth();
  const std::vector<int> cells = Occupancy(state, BoardKind::kGo);
  std::vector<int> owner(cells.size(), -1);
  std::vector<bool> seen(cells.size(), false);
  for (size_t start = 0; start < cells.size(); ++start) {
    if (cells[start] >= 0 || seen[start]) continue;
    // Flood the empty region; note which colours border it.
    std::vector<size_t> region, stack{start};
    bool borders[2] = {false, false};
    seen[start] = true;
    while (!stack.empty()) {
      const size_t p = stack.back();
      stack.pop_back();
      region.push_back(p);
      const int x = static_cast<int>(p) % n, y = static_cast<int>(p) / n;
      for (auto [dx, dy] : {std::pair{1, 0}, {-1, 0}, {0, 1}, {0, -1}}) {
        const int nx = x + dx, ny = y + dy;
        if (nx < 0 || ny < 0 || nx >= n || ny >= n) continue;
        const size_t q = static_cast<size_t>(ny * n + nx);
        if (cells[q] >= 0) {
          borders[cells[q]] = true;
        } else if (!seen[q]) {
          seen[q] = true;
          stack.push_back(q);
        }
      }
    }
    const int who = borders[0] && !borders[1] ? 0 : borders[1] && !borders[0] ? 1 : -1;
    for (size_t p : region) owner[p] = who;
  }
  return owner;
}

}  // namespace descent::gui
