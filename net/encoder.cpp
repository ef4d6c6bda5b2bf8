#include "net/encoder.h"

#include <algorithm>

#include "game/connect4.h"
#include "game/go.h"
#include "game/symmetry.h"
#include "game/tictactoe.h"
#include "game/user_error.h"

namespace descent::net {
namespace {

class GoEncoder final : public Encoder {
 public:
  explicit GoEncoder(const game::GoGame& game) : Encoder(game), size_(game.Size()) {}
  std::string Name() const override { return "go-v1"; }
  int NumPlanes() const override { return 2 * game::GoState::kKeptBoards + 2; }

  void Encode(const game::State& state, int sym, float* out) const override {
    const auto& s = static_cast<const game::GoState&>(state);
    const int area = size_ * size_;
    const int history = game::GoState::kKeptBoards;
    std::fill(out, out + NumPlanes() * area, 0.0f);
    const game::GoState::Colour mine = game::GoState::ColourOf(s.ToMove());
    const int back_limit = std::min(history - 1, s.MoveNumber());
    for (int y = 0; y < size_; ++y) {
      for (int x = 0; x < size_; ++x) {
        int tx = x, ty = y;
        game::TransformPoint(sym, size_, &tx, &ty);
        const int cell = ty * size_ + tx;
        for (int back = 0; back <= back_limit; ++back) {
          const game::GoState::Colour c = s.AtPast(back, x, y);
          if (c == game::GoState::kEmpty) continue;
          out[(c == mine ? back : history + back) * area + cell] = 1.0f;
        }
        if (s.ToMove() == 0) out[2 * history * area + cell] = 1.0f;
        out[(2 * history + 1) * area + cell] = 1.0f;
      }
    }
  }

  uint64_t CacheKey(const game::State& state) const override {
    return static_cast<const game::GoState&>(state).HistoryHash(game::GoState::kKeptBoards);
  }

 private:
  int size_;
};

// Connect Four and tic-tac-toe: pieces from the mover's view, plus ones.
class BoardEncoder final : public Encoder {
 public:
  explicit BoardEncoder(const game::Game& game) : Encoder(game) {}
  std::string Name() const override { return "board-v1"; }
  int NumPlanes() const override { return 3; }

  void Encode(const game::State& state, int sym, float* out) const override {
    const int w = Width(), h = Height(), area = w * h;
    std::fill(out, out + 2 * area, 0.0f);
    std::fill(out + 2 * area, out + 3 * area, 1.0f);
    const char mine = state.ToMove() == 0 ? 'X' : 'O';
    const bool mirror_only = game_->NumSymmetries() == 2;
    const auto* c4 = dynamic_cast<const game::Connect4State*>(&state);
    const auto* ttt = dynamic_cast<const game::TicTacToeState*>(&state);
    // 'X', 'O' or '.' at column x, row y from the top.
    const auto cell = [&](int x, int y) {
      if (c4) return c4->CellAt(x, h - 1 - y);
      const int bit = y * w + x;
      return (ttt->Stones(0) >> bit) & 1 ? 'X' : (ttt->Stones(1) >> bit) & 1 ? 'O' : '.';
    };
    for (int y = 0; y < h; ++y) {
      for (int x = 0; x < w; ++x) {
        const char c = cell(x, y);
        if (c == '.') continue;
        int tx = x, ty = y;
        if (mirror_only) {
          if (sym) tx = w - 1 - x;
        } else {
          game::TransformPoint(sym, w, &tx, &ty);
        }
        out[(c == mine ? 0 : 1) * area + ty * w + tx] = 1.0f;
      }
    }
  }

  uint64_t CacheKey(const game::State& state) const override { return state.Hash(); }
};

}  // namespace

std::unique_ptr<Encoder> Encoder::ForGame(const game::Game& game) {
  if (auto* go = dynamic_cast<const game::GoGame*>(&game)) return std::make_unique<GoEncoder>(*go);
  if (dynamic_cast<const game::Connect4Game*>(&game) || dynamic_cast<const game::TicTacToeGame*>(&game)) {
    return std::make_unique<BoardEncoder>(game);
  }
  throw game::UserError("no input encoding for " + game.Spec());
}

}  // namespace descent::net
