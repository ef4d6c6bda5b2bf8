#include "game/registry.h"

#include <cstdlib>

#include "game/connect4.h"
#include "game/go.h"
#include "game/tictactoe.h"
#include "game/user_error.h"

namespace descent::game {
namespace {

double ParseNumber(const std::string& text, std::string_view spec, const std::string& key) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0') {
    throw UserError("game spec '" + std::string(spec) + "': " + key + " '" + text + "' is not a number");
  }
  return v;
}

int ParseInt(const std::string& text, std::string_view spec, const std::string& key) {
  const double v = ParseNumber(text, spec, key);
  if (v != static_cast<int>(v)) {
    throw UserError("game spec '" + std::string(spec) + "': " + key + " '" + text + "' is not a whole number");
  }
  return static_cast<int>(v);
}

std::unique_ptr<Game> MakeGo(const std::vector<std::string>& parts, std::string_view spec) {
  GoParams params;
  for (size_t i = 1; i < parts.size(); ++i) {
    const std::string& part = parts[i];
    const size_t eq = part.find('=');
    const std::string key = eq == std::string::npos ? "size" : part.substr(0, eq);
    const std::string value = eq == std::string::npos ? part : part.substr(eq + 1);
    if (key == "size") {
      params.size = ParseInt(value, spec, key);
    } else if (key == "komi") {
      params.komi = static_cast<float>(ParseNumber(value, spec, key));
    } else if (key == "max_moves") {
      params.max_moves = ParseInt(value, spec, key);
    } else {
      throw UserError("game spec '" + std::string(spec) + "': unknown Go option '" + key +
                      "' (size, komi, max_moves)");
    }
  }
  try {
    return std::make_unique<GoGame>(params);
  } catch (const UserError& e) {
    throw UserError("game spec '" + std::string(spec) + "': " + e.what());
  }
}

}  // namespace

std::vector<std::string> Split(std::string_view s, char sep) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (;;) {
    const size_t end = s.find(sep, start);
    parts.emplace_back(s.substr(start, end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

std::unique_ptr<Game> MakeGame(std::string_view spec) {
  const std::vector<std::string> parts = Split(spec, ':');
  const std::string& name = parts[0];
  if (name == "go") return MakeGo(parts, spec);
  if (name == "connect4" || name == "tictactoe") {
    if (parts.size() > 1) throw UserError("game spec '" + std::string(spec) + "': " + name + " takes no options");
    if (name == "connect4") return std::make_unique<Connect4Game>();
    return std::make_unique<TicTacToeGame>();
  }
  std::string known;
  for (const GameHelp& g : KnownGames()) known += (known.empty() ? "" : ", ") + g.name;
  throw UserError("unknown game '" + std::string(spec) + "' (known: " + known + ")");
}

std::vector<GameHelp> KnownGames() {
  return {
      {"tictactoe", "none", "tictactoe"},
      {"connect4", "none (7 columns x 6 rows)", "connect4"},
      {"go", "size 2..19 (default 19), komi (default 7.5), max_moves (default 2*size*size)", "go:9:komi=7"},
  };
}

}  // namespace descent::game
