#include "game/tictactoe.h"

#include <cctype>

#include "game/hash.h"
#include "game/symmetry.h"
#include "game/user_error.h"

namespace descent::game {
namespace {

constexpr uint16_t kLines[8] = {0007, 0070, 0700, 0111, 0222, 0444, 0421, 0124};

// splitmix64 finaliser: spreads a small key over 64 bits.


}  // namespace

bool HasThreeInARow(uint16_t mask) {
  for (uint16_t line : kLines) {
    if ((mask & line) == line) return true;
  }
  return false;
}

int TicTacToeGame::NumSymmetries() const { return kDihedralSymmetries; }

Move TicTacToeGame::TransformMove(Move move, int sym) const {
  int x = move % 3, y = move / 3;
  TransformPoint(sym, 3, &x, &y);
  return y * 3 + x;
}

int TicTacToeGame::InverseSymmetry(int sym) const { return InverseDihedral(sym); }

std::string TicTacToeGame::MoveToText(Move move) const {
  if (move < 0 || move >= 9) return "invalid";
  return std::string{static_cast<char>('a' + move % 3), static_cast<char>('3' - move / 3)};
}

Move TicTacToeGame::ParseMove(std::string_view text) const {
  if (text.size() == 2) {
    const int col = std::tolower(static_cast<unsigned char>(text[0])) - 'a';
    const int row = text[1] - '1';
    if (col >= 0 && col < 3 && row >= 0 && row < 3) return (2 - row) * 3 + col;
  }
  throw UserError("'" + std::string(text) + "' is not a tic-tac-toe cell (a1..c3)");
}

std::unique_ptr<State> TicTacToeGame::NewInitialState() const {
  return std::make_unique<TicTacToeState>(*this);
}

std::unique_ptr<State> TicTacToeState::Clone() const {
  return std::make_unique<TicTacToeState>(*this);
}

void TicTacToeState::CopyFrom(const State& other) {
  *this = static_cast<const TicTacToeState&>(other);
}

std::vector<Move> TicTacToeState::MoveHistory() const {
  return std::vector<Move>(history_.begin(), history_.begin() + num_moves_);
}

float TicTacToeState::Outcome(Player player) const {
  if (winner_ < 0) return 0.0f;
  return winner_ == player ? 1.0f : -1.0f;
}

bool TicTacToeState::IsLegal(Move move) const {
  return move >= 0 && move < 9 && !IsTerminal() && !(((stones_[0] | stones_[1]) >> move) & 1);
}

void TicTacToeState::LegalMoves(std::vector<Move>* out) const {
  out->clear();
  if (IsTerminal()) return;
  const uint16_t occupied = stones_[0] | stones_[1];
  for (int m = 0; m < 9; ++m) {
    if (!((occupied >> m) & 1)) out->push_back(m);
  }
}

void TicTacToeState::Play(Move move) {
  const Player p = ToMove();
  stones_[p] |= static_cast<uint16_t>(1u << move);
  history_[num_moves_++] = static_cast<int8_t>(move);
  if (HasThreeInARow(stones_[p])) winner_ = static_cast<int8_t>(p);
}

uint64_t TicTacToeState::Hash() const {
  // The two masks determine the side to move, so they are the whole key.
  return MixBits((static_cast<uint64_t>(stones_[1]) << 9) | stones_[0]);
}

std::string TicTacToeState::ToText() const {
  std::string text;
  for (int cell = 0; cell < 9; ++cell) {
    const char c = (stones_[0] >> cell) & 1 ? 'X' : (stones_[1] >> cell) & 1 ? 'O' : '.';
    text += c;
    if (cell % 3 == 2) text += '\n';
  }
  return text;
}

std::unique_ptr<State> TicTacToeState::Transformed(int sym) const {
  auto out = std::make_unique<TicTacToeState>(*game_);
  for (int i = 0; i < num_moves_; ++i) out->Play(game_->TransformMove(history_[i], sym));
  return out;
}

}  // namespace descent::game
