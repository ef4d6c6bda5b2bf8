#pragma once
// SGF (FF[4], and older files' mixed-case property names) for Go: board
// size, komi, rules, date, result, players, setup stones (AB/AW/AE, single
// points or compressed rectangles), the main line of moves, and comments. Variations
// other than the main line are read past and dropped.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "game/go.h"

namespace descent::game {

struct SgfMove {
  Player player = 0;
  Move move = kNoMove;  // pass is size * size
  std::string comment;
};

struct SgfRecord {
  int size = 19;
  std::optional<float> komi;  // absent when the file has no KM
  std::string result;         // RE, e.g. "B+3.5", "W+R", "0"
  std::string black_name, white_name;
  std::string comment;        // the root node's C
  std::string rules;          // RU
  std::string date;           // DT, e.g. "2026-12-01"
  std::vector<std::pair<Move, Player>> setup;  // AB / AW (AE clears), one per point
  std::optional<Player> first_to_move;         // PL
  std::vector<SgfMove> moves;
};

// Parses SGF text. Throws UserError with the byte offset and the reason for
// malformed text, a non-Go game, a board size outside 2..19 or a bad point.
SgfRecord ParseSgf(std::string_view text);
// Writes a record as one SGF game tree.
std::string WriteSgf(const SgfRecord& record);

// Plays a record out on a fresh state of `game` (whose size must match),
// checking every move. Throws UserError naming the first bad move.
std::unique_ptr<GoState> ReplaySgf(const GoGame& game, const SgfRecord& record);
// RU of the files Descent writes: area scoring, positional superko, no
// suicide (GoGame's rules) are what SGF readers know as Chinese rules.
inline constexpr const char* kRules = "Chinese";
// The record of a state: size, komi, rules, today's date, setup, moves, and
// RE when it is over.
SgfRecord RecordOf(const GoState& state);
// SGF result text of a finished game: "B+2.5", "W+0.5", "0" for a draw.
std::string ResultText(const GoState& state);

}  // namespace descent::game
