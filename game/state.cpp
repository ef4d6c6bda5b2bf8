#include "game/game.h"

#include "game/user_error.h"

namespace descent::game {

void State::PlayChecked(Move move) {
  const Game& g = game();
  if (move < 0 || move >= g.NumMoves()) {
    throw UserError("move " + std::to_string(move) + " is outside " + g.Spec());
  }
  if (IsTerminal()) {
    throw UserError("the game is over; " + g.MoveToText(move) + " cannot be played");
  }
  if (!IsLegal(move)) {
    throw UserError("illegal move " + g.MoveToText(move) + " in " + g.Spec());
  }
  Play(move);
}

}  // namespace descent::game
