#pragma once
// A finished self-play game as the trainer stores it: the moves (positions
// are rebuilt by replaying them), the search targets of the fully searched
// moves, the result, and what resign calibration needs.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "game/game.h"

namespace descent::selfplay {

struct PolicyTarget {
  int move_number = 0;  // the position before MoveHistory()[move_number]
  std::vector<std::pair<game::Move, float>> visits;  // visit shares, summing to 1
  // The search's root value for the side to move (-1..1), for value targets
  // that mix it with the result (training's --value-q-weight); absent in
  // records from before it was kept.
  std::optional<float> root_value = std::nullopt;
};

struct GameRecord {
  std::string uuid;       // unique; retried uploads are recognised by it
  std::string game_spec;  // Game::Spec()
  std::string network;    // content hash of the network that played it
  std::vector<game::Move> moves;
  std::vector<PolicyTarget> targets;  // full searches only (playout cap randomisation)
  float result = 0;          // for the first player: +1 win, 0 draw, -1 loss
  bool resigned = false;     // ended by resignation
  bool resign_allowed = true;  // false: played out to calibrate the threshold
  // Lowest root value (own view) seen by a player who did not lose: the
  // winner, or both players of a draw. In a played-out game, a threshold
  // above it would have made a wrong resignation.
  float non_loser_min_value = 1;
  // Net evaluations its producer made since the game before it finished (0:
  // not counted, as in records from before this was kept). Summed over a
  // worker's games it is that worker's self-play compute, less the games
  // still unfinished: the trainer adds remote workers' games to its
  // networks' lineage totals by it.
  int64_t evals = 0;
};

// JSON text, for the store and for the wire. ParseGameRecord throws
// game::UserError on malformed text.
std::string ToJson(const GameRecord& record);
GameRecord ParseGameRecord(const std::string& json);

// Checks a record against its game: every move legal in turn, targets on
// legal moves of their positions, the result matching a finished game.
// Throws game::UserError naming the first problem.
void ValidateGameRecord(const game::Game& game, const GameRecord& record);

// A random version-4 UUID.
std::string NewUuid();

}  // namespace descent::selfplay
