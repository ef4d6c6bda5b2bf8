#pragma once
// Finds a game by its spec: "tictactoe", "connect4", "go" (19x19), "go:9",
// "go:9:komi=7", "go:13:komi=6.5:max_moves=400".

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "game/game.h"

namespace descent::game {

// Builds the game named by `spec`. Throws UserError naming the spec and what
// is wrong with it (unknown game, unknown option, bad value).
std::unique_ptr<Game> MakeGame(std::string_view spec);

// `s` cut at every `sep`, empty parts kept ("a,,b" -> "a", "", "b"; "" -> "").
std::vector<std::string> Split(std::string_view s, char sep);

struct GameHelp {
  std::string name;
  std::string options;
  std::string example;
};
// The games MakeGame knows, for --help texts.
std::vector<GameHelp> KnownGames();

}  // namespace descent::game
