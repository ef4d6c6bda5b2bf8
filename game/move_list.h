#pragma once
// Move lists as a user types them: "d4 c3 pass", "a1,b2", or for Connect
// Four also Pons-style digit strings "4453".

#include <string_view>
#include <vector>

#include "game/game.h"

namespace descent::game {

// Parses a whitespace- or comma-separated move list. Throws UserError naming
// the first token that is not a move of `game`.
std::vector<Move> ParseMoveList(const Game& game, std::string_view text);
// Parses and plays the list on `state`; throws UserError naming the first
// illegal move (the state then holds the moves before it).
void PlayMoveList(std::string_view text, State* state);

}  // namespace descent::game
