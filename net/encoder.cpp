#include "net/encoder.h"

#include <algorithm>
#include <array>

#include "game/connect4.h"
#include "game/go.h"
#include "game/hash.h"
#include "game/symmetry.h"
#include "game/tictactoe.h"
#include "game/user_error.h"

namespace descent::net {
namespace {

// The stone history planes shared by both Go encodings: 0..7 the mover's
// stones, 8..15 the opponent's. The board (size x size) sits in the top-left
// corner of a frame x frame plane.
void EncodeStoneHistory(const game::GoState& s, int size, int frame, int sym, float* out) {
  const int area = frame * frame;
  const int history = game::GoState::kKeptBoards;
  const game::GoState::Colour mine = game::GoState::ColourOf(s.ToMove());
  const int back_limit = std::min(history - 1, s.MoveNumber());
  for (int y = 0; y < size; ++y) {
    for (int x = 0; x < size; ++x) {
      int tx = x, ty = y;
      game::TransformPoint(sym, size, &tx, &ty);
      const int cell = ty * frame + tx;
      for (int back = 0; back <= back_limit; ++back) {
        const game::GoState::Colour c = s.AtPast(back, x, y);
        if (c == game::GoState::kEmpty) continue;
        out[(c == mine ? back : history + back) * area + cell] = 1.0f;
      }
    }
  }
}

// The board size of a Go state, checked against the encoder's frame.
int BoardSizeIn(const game::GoState& s, int frame) {
  const int size = static_cast<const game::GoGame&>(s.game()).Size();
  if (size > frame) {
    throw game::UserError("a " + std::to_string(size) + "x" + std::to_string(size) + " board does not fit a " +
                          std::to_string(frame) + "x" + std::to_string(frame) + " network");
  }
  return size;
}

class GoEncoder final : public Encoder {
 public:
  GoEncoder(const game::GoGame& game, int version) : Encoder(game), frame_(game.Size()), version_(version) {}
  std::string Name() const override { return version_ == 1 ? "go-v1" : "go-v2"; }
  int NumPlanes() const override { return 2 * game::GoState::kKeptBoards + (version_ == 1 ? 2 : 6); }

  game::Move FrameMove(const game::State& state, game::Move move) const override {
    const int size = static_cast<const game::GoGame&>(state.game()).Size();
    if (size == frame_) return move;
    if (move == size * size) return frame_ * frame_;  // pass
    return (move / size) * frame_ + move % size;
  }

  void Encode(const game::State& state, int sym, float* out) const override {
    const auto& s = static_cast<const game::GoState&>(state);
    const int size = BoardSizeIn(s, frame_);
    const int area = frame_ * frame_;
    const int base = 2 * game::GoState::kKeptBoards;
    std::fill(out, out + NumPlanes() * area, 0.0f);
    EncodeStoneHistory(s, size, frame_, sym, out);
    const auto cell_of = [&](int x, int y) {
      game::TransformPoint(sym, size, &x, &y);
      return y * frame_ + x;
    };
    if (version_ == 1) {
      const float black_to_move = s.ToMove() == 0 ? 1.0f : 0.0f;
      for (int y = 0; y < size; ++y) {
        for (int x = 0; x < size; ++x) {
          out[base * area + y * frame_ + x] = black_to_move;
          out[(base + 1) * area + y * frame_ + x] = 1.0f;
        }
      }
      return;
    }
    // Liberties of every group: one flood fill per group, on the stack (the
    // encoder runs for every position sent to the net).
    const int points = size * size;
    constexpr int kMaxPoints = game::kMaxGoSize * game::kMaxGoSize;
    std::array<int, kMaxPoints> group, liberties_of, liberty_seen, stack;
    std::fill(group.begin(), group.begin() + points, -1);
    std::fill(liberty_seen.begin(), liberty_seen.begin() + points, -1);
    for (int start = 0; start < points; ++start) {
      const game::GoState::Colour c = s.AtMove(start);
      if (c == game::GoState::kEmpty || group[start] >= 0) continue;
      int liberties = 0, top = 0;
      stack[top++] = start;
      group[start] = start;
      while (top > 0) {
        const int p = stack[--top];
        const int px = p % size, py = p / size;
        const int nx[4] = {px - 1, px + 1, px, px}, ny[4] = {py, py, py - 1, py + 1};
        for (int k = 0; k < 4; ++k) {
          if (nx[k] < 0 || ny[k] < 0 || nx[k] >= size || ny[k] >= size) continue;
          const int q = ny[k] * size + nx[k];
          const game::GoState::Colour qc = s.AtMove(q);
          if (qc == game::GoState::kEmpty) {
            if (liberty_seen[q] != start) liberty_seen[q] = start, ++liberties;
          } else if (qc == c && group[q] < 0) {
            group[q] = start;
            stack[top++] = q;
          }
        }
      }
      liberties_of[start] = liberties;
    }
    // The state's own game: self-play may vary the komi from game to game
    // (selfplay::SelfPlayParams::komi_spread).
    const float komi = static_cast<const game::GoGame&>(s.game()).Komi();
    const float mover_komi = (s.ToMove() == 1 ? komi : -komi) / 15.0f;
    const bool playing = !s.IsTerminal();
    for (int y = 0; y < size; ++y) {
      for (int x = 0; x < size; ++x) {
        const int p = y * size + x, cell = cell_of(x, y);
        if (s.AtMove(p) != game::GoState::kEmpty) {
          out[(base + std::min(liberties_of[group[p]], 3) - 1) * area + cell] = 1.0f;
        } else if (playing && !s.IsLegal(p)) {
          out[(base + 3) * area + cell] = 1.0f;
        }
        out[(base + 4) * area + cell] = mover_komi;
        out[(base + 5) * area + cell] = 1.0f;
      }
    }
  }

  uint64_t CacheKey(const game::State& state) const override {
    const uint64_t history = static_cast<const game::GoState&>(state).HistoryHash(game::GoState::kKeptBoards);
    const auto& go = static_cast<const game::GoGame&>(state.game());
    // A smaller board in the frame: its positions get keys of their own.
    const uint64_t size_key = go.Size() == frame_ ? 0 : game::MixBits(static_cast<uint64_t>(go.Size()) + 0x73697a65ULL);
    if (version_ < 2) return history ^ size_key;  // go-v1 does not see the komi
    // go-v2 sees the komi: positions under another komi get other keys.
    const uint64_t komi_key = static_cast<uint64_t>(static_cast<int64_t>(go.Komi() * 2.0f)) + 0x6b6f6d69ULL;
    return history ^ game::MixBits(komi_key) ^ size_key;
  }

 private:
  int frame_;  // the network's board; a smaller one sits in its top-left corner
  int version_;
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

std::unique_ptr<Encoder> Encoder::ForGame(const game::Game& game, const std::string& name) {
  if (auto* go = dynamic_cast<const game::GoGame*>(&game)) {
    if (name.empty() || name == "go-v2") return std::make_unique<GoEncoder>(*go, 2);
    if (name == "go-v1") return std::make_unique<GoEncoder>(*go, 1);
    throw game::UserError("no input encoding '" + name + "' for " + game.Spec() + " (known: go-v2, go-v1)");
  }
  if (dynamic_cast<const game::Connect4Game*>(&game) || dynamic_cast<const game::TicTacToeGame*>(&game)) {
    if (name.empty() || name == "board-v1") return std::make_unique<BoardEncoder>(game);
    throw game::UserError("no input encoding '" + name + "' for " + game.Spec() + " (known: board-v1)");
  }
  throw game::UserError("no input encoding for " + game.Spec());
}

}  // namespace descent::net
