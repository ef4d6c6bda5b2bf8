#pragma once
// Tic-tac-toe on 3x3. Cells are numbered 0..8 row by row from the top left;
// their text is GTP-like: column letter a..c, row number 1..3 from the bottom.

#include <array>
#include <cstdint>

#include "game/game.h"

namespace descent::game {

class TicTacToeGame final : public Game {
 public:
  std::string Name() const override { return "tictactoe"; }
  std::string Spec() const override { return "tictactoe"; }
  int BoardWidth() const override { return 3; }
  int BoardHeight() const override { return 3; }
  int NumMoves() const override { return 9; }
  int MaxGameLength() const override { return 9; }
  GameTraits Traits() const override;
  int NumSymmetries() const override;
  Move TransformMove(Move move, int sym) const override;
  int InverseSymmetry(int sym) const override;
  std::string MoveToText(Move move) const override;
  Move ParseMove(std::string_view text) const override;
  std::unique_ptr<State> NewInitialState() const override;
};

// A position as two 9-bit masks; copying it is a few bytes.
class TicTacToeState final : public State {
 public:
  explicit TicTacToeState(const TicTacToeGame& game) : game_(&game) {}

  const Game& game() const override { return *game_; }
  std::unique_ptr<State> Clone() const override;
  void CopyFrom(const State& other) override;
  Player ToMove() const override { return num_moves_ & 1; }
  int MoveNumber() const override { return num_moves_; }
  std::vector<Move> MoveHistory() const override;
  bool IsTerminal() const override { return winner_ >= 0 || num_moves_ == 9; }
  float Outcome(Player player) const override;
  bool IsLegal(Move move) const override;
  void LegalMoves(std::vector<Move>* out) const override;
  void Play(Move move) override;
  uint64_t Hash() const override;
  std::string ToText() const override;
  std::unique_ptr<State> Transformed(int sym) const override;

  // Stones of `player` as a bit mask over cells 0..8.
  uint16_t Stones(Player player) const { return stones_[player]; }
  // The player with three in a row, or -1.
  int Winner() const { return winner_; }

 private:
  const TicTacToeGame* game_;
  std::array<uint16_t, 2> stones_{0, 0};
  std::array<int8_t, 9> history_{};
  int8_t num_moves_ = 0;
  int8_t winner_ = -1;
};

// True if the 9-bit mask holds a complete row, column or diagonal.
bool HasThreeInARow(uint16_t mask);

}  // namespace descent::game
