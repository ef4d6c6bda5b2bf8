#pragma once
// Connect Four, 7 columns x 6 rows. A move is a column 0..6; its text is a
// letter "a".."g" (as a GTP vertex); digits "1".."7" are accepted too, as in
// Pascal Pons' position files.

#include <array>

#include "game/connect4_bits.h"
#include "game/game.h"

namespace descent::game {

class Connect4Game final : public Game {
 public:
  std::string Name() const override { return "connect4"; }
  std::string Spec() const override { return "connect4"; }
  int BoardWidth() const override { return Connect4Bits::kWidth; }
  int BoardHeight() const override { return Connect4Bits::kHeight; }
  int NumMoves() const override { return Connect4Bits::kWidth; }
  int MaxGameLength() const override { return Connect4Bits::kCells; }
  GameTraits Traits() const override;
  int NumSymmetries() const override { return 2; }
  Move TransformMove(Move move, int sym) const override { return sym ? Connect4Bits::kWidth - 1 - move : move; }
  int InverseSymmetry(int sym) const override { return sym; }
  std::string MoveToText(Move move) const override;
  Move ParseMove(std::string_view text) const override;
  std::unique_ptr<State> NewInitialState() const override;
};

class Connect4State final : public State {
 public:
  explicit Connect4State(const Connect4Game& game) : game_(&game) {}

  const Game& game() const override { return *game_; }
  std::unique_ptr<State> Clone() const override;
  void CopyFrom(const State& other) override;
  Player ToMove() const override { return bits_.moves & 1; }
  int MoveNumber() const override { return bits_.moves; }
  std::vector<Move> MoveHistory() const override;
  bool IsTerminal() const override { return winner_ >= 0 || bits_.moves == Connect4Bits::kCells; }
  float Outcome(Player player) const override;
  bool IsLegal(Move move) const override;
  void LegalMoves(std::vector<Move>* out) const override;
  void MovesNotLosingAtOnce(std::vector<Move>* out) const override;
  void Play(Move move) override;
  uint64_t Hash() const override;
  std::string ToText() const override;
  std::unique_ptr<State> Transformed(int sym) const override;

  const Connect4Bits& Bits() const { return bits_; }
  // The player with four in a row, or -1.
  int Winner() const { return winner_; }
  // 'X' (first player), 'O' or '.' at column `col`, row `row` (0 = bottom).
  char CellAt(int col, int row) const;

 private:
  const Connect4Game* game_;
  Connect4Bits bits_;
  std::array<int8_t, Connect4Bits::kCells> history_{};
  int8_t winner_ = -1;
};

// Plays Pons-style move digits ("4453...", columns 1..7) from the empty board.
// Throws UserError naming the offending character or move.
void PlayPonsMoves(std::string_view digits, Connect4State* state);

}  // namespace descent::game
