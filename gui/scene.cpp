// Drawing one frame of the window: board, pieces, the network's thinking,
// the side panel and the help overlay.

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "game/go.h"
#include "gui/window.h"

namespace descent::gui {

namespace {

// Colours: a wooden Go board, a blue Connect Four rack, a light
// tic-tac-toe sheet on a dark slate background.
constexpr Colour kBackground{43, 47, 54};
constexpr Colour kPanelText{230, 232, 236};
constexpr Colour kDimText{160, 166, 176};
constexpr Colour kWood{220, 179, 92};
constexpr Colour kGridLine{60, 42, 16};
constexpr Colour kBlackStone{20, 20, 20};
constexpr Colour kWhiteStone{242, 242, 242};
constexpr Colour kRack{31, 79, 191};
constexpr Colour kRed{216, 58, 58};
constexpr Colour kYellow{242, 195, 24};
constexpr Colour kSheet{238, 238, 232};
constexpr Colour kCross{42, 111, 214};
constexpr Colour kNought{214, 69, 42};
constexpr Colour kCandidate{40, 140, 255};
constexpr Colour kButton{66, 72, 84};
constexpr Colour kButtonHover{86, 96, 112};

Colour WithAlpha(Colour c, float alpha) {
  c.a = static_cast<uint8_t>(std::clamp(alpha, 0.0f, 1.0f) * 255);
  return c;
}

// Go star points: 3-3 on small boards, 4-4 from 13x13, with the centre
// and the sides' midpoints on boards of odd size from 9x9 (the usual set).
std::vector<std::pair<int, int>> StarPoints(int n) {
  if (n < 7) return {};
  const int e = n >= 13 ? 3 : 2, m = n / 2;
  std::vector<std::pair<int, int>> points = {{e, e}, {e, n - 1 - e}, {n - 1 - e, e}, {n - 1 - e, n - 1 - e}};
  if (n % 2 == 1) points.push_back({m, m});
  if (n % 2 == 1 && n >= 19) {
    for (auto p : {std::pair{e, m}, {m, e}, {n - 1 - e, m}, {m, n - 1 - e}}) points.push_back(p);
  }
  return points;
}

std::string Percent(float x) {
  char text[16];
  std::snprintf(text, sizeof text, "%.0f%%", 100 * x);
  return text;
}

}  // namespace

Rect Window::PanelRect() const { return gui::PanelRect(width_, height_); }

BoardLayout Window::Layout() const { return WindowBoardLayout(engine_->game(), width_, height_); }

void Window::Draw() {
  painter_->Clear(kBackground);
  const BoardLayout layout = Layout();
  const Thinker::Analysis analysis = thinker_->Latest();
  DrawBoard(layout);
  DrawThinking(layout, analysis);
  DrawPanel(PanelRect(), analysis);
  if (show_help_) DrawHelp();
}

void Window::DrawPiece(const BoardLayout& layout, Pixel at, int player, float alpha, const std::string& label) {
  const float r = layout.cell() * (layout.kind() == BoardKind::kGo ? 0.47f : 0.40f);
  switch (layout.kind()) {
    case BoardKind::kGo:
      if (player == 0) {
        painter_->Disc(at.x, at.y, r, WithAlpha(kBlackStone, alpha), 0.25f);
      } else {
        painter_->Disc(at.x, at.y, r, WithAlpha(kWhiteStone, alpha), 0.0f);
        painter_->Ring(at.x, at.y, r - 0.5f, std::max(1.0f, r / 14), WithAlpha(Colour{90, 90, 90}, alpha));
      }
      break;
    case BoardKind::kConnectFour:
      painter_->Disc(at.x, at.y, r, WithAlpha(player == 0 ? kRed : kYellow, alpha), 0.2f);
      break;
    case BoardKind::kTicTacToe: {
      const float t = std::max(2.0f, layout.cell() * 0.08f), d = r * 0.75f;
      if (player == 0) {
        painter_->Line(at.x - d, at.y - d, at.x + d, at.y + d, t, WithAlpha(kCross, alpha));
        painter_->Line(at.x - d, at.y + d, at.x + d, at.y - d, t, WithAlpha(kCross, alpha));
      } else {
        painter_->Ring(at.x, at.y, d, t, WithAlpha(kNought, alpha));
      }
      break;
    }
  }
  if (!label.empty()) {
    const bool dark = layout.kind() == BoardKind::kGo && player == 0;
    painter_->Text(label, at.x, at.y, static_cast<int>(r * 0.9f), dark ? Colour{255, 255, 255} : Colour{0, 0, 0},
                   Align::kCentre);
  }
}

void Window::DrawBoard(const BoardLayout& layout) {
  switch (layout.kind()) {
    case BoardKind::kGo: DrawGo(layout); break;
    case BoardKind::kConnectFour: DrawConnectFour(layout); break;
    case BoardKind::kTicTacToe: DrawTicTacToe(layout); break;
  }
}

void Window::DrawGo(const BoardLayout& layout) {
  const Rect b = layout.board();
  const int n = layout.columns();
  const float cell = layout.cell(), line = std::max(1.0f, cell / 28);
  painter_->FillRect(b.x, b.y, b.w, b.h, kWood);
  const Pixel first = layout.CellCenter(0, 0), last = layout.CellCenter(n - 1, n - 1);
  for (int i = 0; i < n; ++i) {
    const Pixel p = layout.CellCenter(i, i);
    const float t = i == 0 || i == n - 1 ? line * 2 : line;
    painter_->Line(first.x - t / 2, p.y, last.x + t / 2, p.y, t, kGridLine);
    painter_->Line(p.x, first.y, p.x, last.y, t, kGridLine);
  }
  for (auto [x, y] : StarPoints(n)) {
    const Pixel p = layout.CellCenter(x, y);
    painter_->Disc(p.x, p.y, std::max(2.0f, cell * 0.09f), kGridLine);
  }
  // Coordinates: letters without I, numbers from the bottom.
  const int size = std::max(8, static_cast<int>(cell * 0.36f));
  for (int i = 0; i < n; ++i) {
    const std::string letter = engine_->game().MoveToText(i).substr(0, 1);
    const Pixel top = layout.CellCenter(i, 0), bottom = layout.CellCenter(i, n - 1);
    painter_->Text(letter, top.x, top.y - cell * 0.75f, size, kGridLine, Align::kCentre);
    painter_->Text(letter, bottom.x, bottom.y + cell * 0.75f, size, kGridLine, Align::kCentre);
    const Pixel left = layout.CellCenter(0, i), right = layout.CellCenter(n - 1, i);
    const std::string number = std::to_string(n - i);
    painter_->Text(number, left.x - cell * 0.75f, left.y, size, kGridLine, Align::kCentre);
    painter_->Text(number, right.x + cell * 0.75f, right.y, size, kGridLine, Align::kCentre);
  }
  const std::vector<int> cells = Occupancy(*view_, BoardKind::kGo);
  for (int y = 0; y < n; ++y) {
    for (int x = 0; x < n; ++x) {
      const int who = cells[static_cast<size_t>(y * n + x)];
      if (who >= 0) DrawPiece(layout, layout.CellCenter(x, y), who, 1.0f);
    }
  }
  // The last move, marked; at the end, each side's area territory.
  const std::vector<game::Move> moves = view_->MoveHistory();
  if (!moves.empty() && moves.back() < n * n) {
    const Pixel p = layout.CellCenter(moves.back() % n, moves.back() / n);
    const int who = cells[static_cast<size_t>(moves.back())];
    painter_->Ring(p.x, p.y, cell * 0.22f, std::max(1.5f, cell / 18), who == 0 ? kWhiteStone : kBlackStone);
  }
  if (game_over_) {
    const std::vector<int> territory = GoTerritory(*view_);
    for (int y = 0; y < n; ++y) {
      for (int x = 0; x < n; ++x) {
        const int who = territory[static_cast<size_t>(y * n + x)];
        if (who < 0) continue;
        const Pixel p = layout.CellCenter(x, y);
        const float s = cell * 0.3f;
        painter_->FillRect(p.x - s / 2, p.y - s / 2, s, s, who == 0 ? kBlackStone : kWhiteStone);
      }
    }
  }
}

void Window::DrawConnectFour(const BoardLayout& layout) {
  const Rect b = layout.board();
  painter_->FillRect(b.x, b.y, b.w, b.h, kRack);
  const std::vector<int> cells = Occupancy(*view_, BoardKind::kConnectFour);
  for (int row = 0; row < layout.rows(); ++row) {
    for (int col = 0; col < layout.columns(); ++col) {
      const Pixel p = layout.CellCenter(col, row);
      const int who = cells[static_cast<size_t>(row * layout.columns() + col)];
      if (who < 0) {
        painter_->Disc(p.x, p.y, layout.cell() * 0.40f, kBackground);
      } else {
        DrawPiece(layout, p, who, 1.0f);
      }
    }
  }
  const std::vector<game::Move> moves = view_->MoveHistory();
  if (!moves.empty()) {  // the last piece: its cell is the column's highest taken
    int row = 0;
    while (cells[static_cast<size_t>(row * layout.columns() + moves.back())] < 0) ++row;
    const Pixel p = layout.CellCenter(moves.back(), row);
    painter_->Ring(p.x, p.y, layout.cell() * 0.18f, std::max(1.5f, layout.cell() / 20), Colour{255, 255, 255, 200});
  }
}

void Window::DrawTicTacToe(const BoardLayout& layout) {
  const Rect b = layout.board();
  painter_->FillRect(b.x, b.y, b.w, b.h, kSheet);
  const float cell = layout.cell(), t = std::max(2.0f, cell * 0.04f);
  const Pixel c00 = layout.CellCenter(0, 0);
  const float left = c00.x - cell / 2, top = c00.y - cell / 2;
  for (int i = 1; i < 3; ++i) {
    painter_->Line(left + i * cell, top + cell * 0.05f, left + i * cell, top + 3 * cell - cell * 0.05f, t, kGridLine);
    painter_->Line(left + cell * 0.05f, top + i * cell, left + 3 * cell - cell * 0.05f, top + i * cell, t, kGridLine);
  }
  const std::vector<int> cells = Occupancy(*view_, BoardKind::kTicTacToe);
  for (int m = 0; m < 9; ++m) {
    if (cells[static_cast<size_t>(m)] >= 0) DrawPiece(layout, layout.CellCenter(m % 3, m / 3), cells[static_cast<size_t>(m)], 1.0f);
  }
}

// The heat map of the network's priors, the top candidates with their
// visit share, the principal variation of the candidate under the mouse,
// and the person's hover preview.
void Window::DrawThinking(const BoardLayout& layout, const Thinker::Analysis& analysis) {
  const float cell = layout.cell();
  const bool on_board_moves = layout.kind() != BoardKind::kConnectFour;
  const auto centre = [&](game::Move m) { return layout.MoveCenter(*view_, m); };
  const auto real_move = [&](game::Move m) { return m >= 0 && m < layout.columns() * (on_board_moves ? layout.rows() : 1); };
  if (show_heatmap_ && !game_over_) {
    float top = 0;
    for (const auto& c : analysis.candidates) top = std::max(top, c.prior);
    for (const auto& c : analysis.candidates) {
      // Linear in the prior, so a flat policy looks flat; faint moves
      // (under 5% of the favourite) are left out.
      if (!real_move(c.move) || top <= 0 || c.prior < 0.05f * top) continue;
      const Pixel p = centre(c.move);
      painter_->Disc(p.x, p.y, cell * 0.44f, Colour{255, 90, 0, static_cast<uint8_t>(170 * c.prior / top)});
    }
  }
  std::vector<engine::CandidateMove> visited;
  for (const auto& c : analysis.candidates) {
    if (c.visits > 0) visited.push_back(c);
  }
  const int total = std::max(1, analysis.visits);
  // Top candidates with at least 1% of the visits; the one under the mouse
  // shows its principal variation instead.
  std::vector<const engine::CandidateMove*> shown;
  const engine::CandidateMove* hovered = nullptr;
  for (size_t i = 0; i < std::min<size_t>(5, visited.size()); ++i) {
    const auto& c = visited[i];
    if (!real_move(c.move) || c.visits * 100 < total) continue;
    shown.push_back(&c);
    const Pixel p = centre(c.move);
    if (mouse_ && std::hypot(mouse_->x - p.x, mouse_->y - p.y) < cell * 0.45f) hovered = &c;
  }
  if (hovered && layout.kind() != BoardKind::kConnectFour) {
    // The principal variation: the candidate, then the expected replies.
    auto state = view_->Clone();
    std::vector<game::Move> line = {hovered->move};
    line.insert(line.end(), hovered->pv.begin(), hovered->pv.end());
    for (size_t i = 0; i < line.size() && !state->IsTerminal() && state->IsLegal(line[i]); ++i) {
      if (real_move(line[i])) DrawPiece(layout, centre(line[i]), state->ToMove(), 0.8f, std::to_string(i + 1));
      state->Play(line[i]);
    }
    return;
  }
  for (size_t i = 0; i < shown.size(); ++i) {
    const Pixel p = centre(shown[i]->move);
    painter_->Disc(p.x, p.y, cell * 0.3f, WithAlpha(kCandidate, i == 0 ? 0.95f : 0.7f));
    painter_->Text(Percent(static_cast<float>(shown[i]->visits) / total), p.x, p.y,
                   std::max(8, static_cast<int>(cell * 0.22f)), Colour{255, 255, 255}, Align::kCentre);
  }
  if (mouse_ && !game_over_ && !thinker_->busy() && view_->ToMove() == human_) {
    const game::Move m = layout.MoveAt(mouse_->x, mouse_->y);
    if (m != game::kNoMove && view_->IsLegal(m)) DrawPiece(layout, centre(m), human_, 0.45f);
  }
}

void Window::DrawPanel(const Rect& panel, const Thinker::Analysis& analysis) {
  const game::Game& g = engine_->game();
  painter_->FillRect(panel.x, panel.y, panel.w, panel.h, Colour{33, 36, 42});
  const float pad = panel.w * 0.06f, x = panel.x + pad, w = panel.w - 2 * pad;
  const int big = std::max(14, static_cast<int>(height_ / 30)), small = std::max(11, static_cast<int>(height_ / 46));
  float y = pad + big / 2.0f;
  const std::string title = g.Traits().title;
  painter_->Text("Descent: " + title, x, y, big, kPanelText);
  y += big * 1.3f;
  if (const auto* go = dynamic_cast<const game::GoGame*>(&g)) {
    char komi[48];
    std::snprintf(komi, sizeof komi, "komi %g, area scoring", go->Komi());
    painter_->Text(komi, x, y, small, kDimText);
    y += small * 1.5f;
  }
  painter_->Text("You: " + PlayerName(g, human_), x, y, small, kPanelText);
  y += small * 1.4f;
  const auto& info = engine_->network().info();
  painter_->Text("Net: step " + std::to_string(info.training_step) + ", " + info.content_hash.substr(0, 8), x, y, small,
                 kDimText);
  y += small * 2.0f;

  // Whose turn, or the result.
  std::string status;
  if (game_over_) {
    status = result_;
  } else if (thinker_->busy()) {
    status = "Descent is thinking... " + std::to_string(analysis.visits) + " visits";
  } else {
    status = view_->ToMove() == human_ ? "Your move" : "Descent to move";
  }
  painter_->Text(status, x, y, small, kPanelText);
  y += small * 2.0f;

  // Win probability: the network's view, as a bar.
  const float you = 1 - engine_winrate_;
  const float bar_h = small * 1.6f;
  painter_->FillRect(x, y, w * you, bar_h, Colour{90, 200, 120});
  painter_->FillRect(x + w * you, y, w * (1 - you), bar_h, Colour{220, 90, 90});
  painter_->Text("You " + Percent(you), x + 6, y + bar_h / 2, small, Colour{0, 0, 0});
  painter_->Text("Descent " + Percent(engine_winrate_), x + w - 6, y + bar_h / 2, small, Colour{0, 0, 0}, Align::kRight);
  y += bar_h + small * 1.5f;

  // The top candidates.
  painter_->Text("Candidates: visits, win chance", x, y, small, kDimText);
  y += small * 1.5f;
  int shown = 0;
  const int total = std::max(1, analysis.visits);
  for (const auto& c : analysis.candidates) {
    if (c.visits == 0 || shown == 5) continue;
    char line[96];
    std::snprintf(line, sizeof line, "%d. %-5s %5s   win %s", ++shown, g.MoveToText(c.move).c_str(),
                  Percent(static_cast<float>(c.visits) / total).c_str(), Percent(c.winrate).c_str());
    painter_->Text(line, x, y, small, kPanelText);
    y += small * 1.35f;
  }
  if (shown == 0) {
    painter_->Text(thinker_->busy() ? "..." : "(shown while Descent thinks)", x, y, small, kDimText);
    y += small * 1.35f;
  }
  y += small;

  // Buttons, two per row.
  const float bw = (w - pad / 2) / 2, bh = small * 2.2f;
  size_t slot = 0;
  for (Button& b : buttons_) {
    if (b.key == SDLK_p && !g.Traits().has_pass) {  // no passing outside Go
      b.rect = {};
      continue;
    }
    const size_t i = slot++;
    b.rect = {x + (i % 2) * (bw + pad / 2), y + (i / 2) * (bh + pad / 3), bw, bh};
    const bool hover = mouse_ && b.rect.Contains(mouse_->x, mouse_->y);
    painter_->FillRect(b.rect.x, b.rect.y, b.rect.w, b.rect.h, hover ? kButtonHover : kButton);
    painter_->Text(b.label + " (" + b.key_hint + ")", b.rect.x + b.rect.w / 2, b.rect.y + bh / 2, small, kPanelText,
                   Align::kCentre);
  }
  y += ((slot + 1) / 2) * (bh + pad / 3) + small;
  // The latest message, fading after a while.
  const double age = std::chrono::duration<double>(std::chrono::steady_clock::now() - message_time_).count();
  if (!message_.empty() && age < 12) {
    painter_->Text(message_, x, y, small, WithAlpha(Colour{255, 220, 120}, static_cast<float>(std::min(1.0, 12 - age))));
  }
}

void Window::DrawHelp() {
  painter_->FillRect(0, 0, static_cast<float>(width_), static_cast<float>(height_), Colour{0, 0, 0, 190});
  const int size = std::max(13, height_ / 36);
  const char* intro[] = {"Click a point (Go), a column (Connect Four) or a cell to move.",
                         "Hover a blue candidate to see the line Descent expects."};
  const std::pair<const char*, const char*> keys[] = {{"N", "new game (picks up a newer network of the run)"},
                                                      {"U", "undo your last move (and Descent's reply)"},
                                                      {"P", "pass (Go)"},
                                                      {"R", "resign"},
                                                      {"W", "swap sides"},
                                                      {"H", "policy heat map on/off"},
                                                      {"S", "save the game (SGF for Go)"},
                                                      {"F1", "this help"},
                                                      {"Esc", "quit"}};
  const float left = width_ * 0.12f;
  float y = height_ * 0.16f;
  for (const char* line : intro) {
    painter_->Text(line, left, y, size, kPanelText);
    y += size * 1.6f;
  }
  y += size;
  for (const auto& [key, what] : keys) {
    painter_->Text(key, left, y, size, Colour{255, 220, 120});
    painter_->Text(what, left + size * 3.5f, y, size, kPanelText);
    y += size * 1.6f;
  }
  y += size;
  painter_->Text("Any key or click closes this help.", left, y, size, kDimText);
}

}  // namespace descent::gui
