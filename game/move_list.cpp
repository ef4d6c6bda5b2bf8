#include "game/move_list.h"

#include <cctype>
#include <string>

#include "game/user_error.h"

namespace descent::game {

std::vector<Move> ParseMoveList(const Game& game, std::string_view text) {
  std::vector<Move> moves;
  std::string token;
  const auto flush = [&] {
    if (token.empty()) return;
    // Connect Four moves are single characters, so "4453" is four moves.
    const bool one_char_moves = game.Traits().one_char_moves;
    if (one_char_moves && token.size() > 1) {
      for (char c : token) moves.push_back(game.ParseMove(std::string_view(&c, 1)));
    } else {
      moves.push_back(game.ParseMove(token));
    }
    token.clear();
  };
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c)) || c == ',') {
      flush();
    } else {
      token += c;
    }
  }
  flush();
  return moves;
}

void PlayMoveList(std::string_view text, State* state) {
  const std::vector<Move> moves = ParseMoveList(state->game(), text);
  for (size_t i = 0; i < moves.size(); ++i) {
    try {
      state->PlayChecked(moves[i]);
    } catch (const UserError& e) {
      throw UserError("move " + std::to_string(i + 1) + ": " + e.what());
    }
  }
}

}  // namespace descent::game
