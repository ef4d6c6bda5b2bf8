#include "game/connect4.h"

#include <cctype>

#include "game/hash.h"
#include "game/user_error.h"

namespace descent::game {

std::string Connect4Game::MoveToText(Move move) const {
  if (move < 0 || move >= Connect4Bits::kWidth) return "invalid";
  return std::string(1, static_cast<char>('a' + move));
}

Move Connect4Game::ParseMove(std::string_view text) const {
  if (text.size() == 1) {
    const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
    if (c >= 'a' && c < 'a' + Connect4Bits::kWidth) return c - 'a';
    if (c >= '1' && c < '1' + Connect4Bits::kWidth) return c - '1';
  }
  throw UserError("'" + std::string(text) + "' is not a Connect Four column (a..g or 1..7)");
}

std::unique_ptr<State> Connect4Game::NewInitialState() const { return std::make_unique<Connect4State>(*this); }

std::unique_ptr<State> Connect4State::Clone() const { return std::make_unique<Connect4State>(*this); }

void Connect4State::CopyFrom(const State& other) { *this = static_cast<const Connect4State&>(other); }

std::vector<Move> Connect4State::MoveHistory() const {
  return std::vector<Move>(history_.begin(), history_.begin() + bits_.moves);
}

float Connect4State::Outcome(Player player) const {
  if (winner_ < 0) return 0.0f;
  return winner_ == player ? 1.0f : -1.0f;
}

bool Connect4State::IsLegal(Move move) const {
  return move >= 0 && move < Connect4Bits::kWidth && !IsTerminal() && bits_.CanPlay(move);
}

void Connect4State::LegalMoves(std::vector<Move>* out) const {
  out->clear();
  if (IsTerminal()) return;
  for (int c = 0; c < Connect4Bits::kWidth; ++c) {
    if (bits_.CanPlay(c)) out->push_back(c);
  }
}

void Connect4State::MovesNotLosingAtOnce(std::vector<Move>* out) const {
  out->clear();
  if (IsTerminal()) return;
  const uint64_t wins = bits_.WinningMoves();
  const uint64_t moves = wins ? wins : bits_.NonLosingMoves();
  for (int c = 0; c < Connect4Bits::kWidth; ++c) {
    if (moves & Connect4Bits::ColumnMask(c)) out->push_back(c);
  }
}

void Connect4State::Play(Move move) {
  const Player mover = ToMove();
  history_[bits_.moves] = static_cast<int8_t>(move);
  bits_.Play(move);
  // After Play, the mover's stones are current ^ mask.
  if (Connect4Bits::HasFour(bits_.current ^ bits_.mask)) winner_ = static_cast<int8_t>(mover);
}

uint64_t Connect4State::Hash() const { return MixBits(bits_.Key()); }

char Connect4State::CellAt(int col, int row) const {
  const uint64_t bit = uint64_t{1} << (col * (Connect4Bits::kHeight + 1) + row);
  if (!(bits_.mask & bit)) return '.';
  const bool is_current = bits_.current & bit;
  // `current` holds the stones of the side to move.
  const Player owner = is_current ? ToMove() : Opponent(ToMove());
  return owner == 0 ? 'X' : 'O';
}

std::string Connect4State::ToText() const {
  std::string text;
  for (int row = Connect4Bits::kHeight - 1; row >= 0; --row) {
    for (int col = 0; col < Connect4Bits::kWidth; ++col) text += CellAt(col, row);
    text += '\n';
  }
  return text;
}

std::unique_ptr<State> Connect4State::Transformed(int sym) const {
  auto out = std::make_unique<Connect4State>(*game_);
  for (int i = 0; i < bits_.moves; ++i) out->Play(game_->TransformMove(history_[i], sym));
  return out;
}

void PlayPonsMoves(std::string_view digits, Connect4State* state) {
  for (size_t i = 0; i < digits.size(); ++i) {
    const char c = digits[i];
    if (c < '1' || c > '7') {
      throw UserError("bad Connect Four move '" + std::string(1, c) + "' at position " + std::to_string(i + 1) +
                      " of '" + std::string(digits) + "'");
    }
    const Move col = c - '1';
    if (!state->IsLegal(col)) {
      throw UserError("move " + std::to_string(i + 1) + " ('" + std::string(1, c) + "') of '" + std::string(digits) +
                      "' is not legal (column full or game over)");
    }
    state->Play(col);
  }
}

GameTraits Connect4Game::Traits() const {
  GameTraits t;
  t.title = "Connect Four";
  t.player_names[0] = "Red", t.player_names[1] = "Yellow";
  t.has_exact_solver = true;
  t.one_char_moves = true;
  t.board_style = GameTraits::BoardStyle::kColumns;
  t.net_blocks = 5, t.net_channels = 64;
  // The opening (8 moves) in proportion to visits, for variety.
  t.temperature_moves = 8;
  t.window = 200000;
  // Two cores starve Connect Four of games (~5 games/s, ~30 samples/s)
  // while a 256-sample step of its 5x64 net is cheap, so it trains each
  // sample twice as often as Go does (KataGo keeps this near 4).
  t.reuse = 8.0f;
  // A network is published every ~3 minutes at reuse 8, and evaluating each
  // one would take a quarter of the machine: every second one is evaluated.
  t.eval_every = 2;
  t.eval_visits = 200, t.eval_rollout_visits = 400;
  return t;
}

}  // namespace descent::game
