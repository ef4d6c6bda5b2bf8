#pragma once
// The run inspector's building blocks: query parameters checked strictly,
// and the JSON shapes of boards, positions, targets, games and metrics that
// every endpoint shares (docs/inspect.md). Internal to trainer/.

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "game/game.h"
#include "net/position_eval.h"
#include "trainer/store.h"

namespace descent::trainer {

// A request the inspector refuses: an HTTP status (4xx) and why.
struct HttpError : std::runtime_error {
  HttpError(int status, const std::string& why) : std::runtime_error(why), status(status) {}
  int status;
};

// HttpError 400 unless the query has parameter `name`.
void RequireParam(const std::map<std::string, std::string>& query, const std::string& name);
// The integer parameter `name`, `fallback` when absent. HttpError 400 for
// anything but a decimal integer in [lo, hi].
int64_t IntParam(const std::map<std::string, std::string>& query, const std::string& name, int64_t fallback,
                 int64_t lo, int64_t hi);

// How to draw the game's board: {"kind", "width", "height", "cells"}, where
// cells[move] is [row, column] (row 0 at the top), [-1, column] for a
// Connect Four column, or null (Go's pass).
nlohmann::json BoardLayout(const game::Game& game);

// A position: rows of 'X' (first player), 'O' and '.', top row first; the
// side to move; whether the game is over; and `outcome`, the final result
// for the side to move.
nlohmann::json PositionJson(const game::State& state, float outcome);
// The result for `mover` of a game whose first player (`first`) got `result`.
float OutcomeFor(float result, game::Player first, game::Player mover);

// [[move, share], ...], most visited first.
nlohmann::json TargetJson(const selfplay::PolicyTarget& target);
// Adds the network's priors (one per move), value, and ownership and score
// where it has them, rounded to 4 decimals.
void AddEval(nlohmann::json* out, const net::PositionEval& eval);

nlohmann::json GameSummaryJson(const StoredGame& game);
// An evaluation game: {"id", "kind": "eval", "key", "step", "network",
// "net_side", "net_result", "result" (first player), "moves", "created"}.
nlohmann::json EvalGameSummaryJson(const EvalGame& game);
// {"step", "time", "key", "value", "text"?, "lo"?, "hi"?, ...}: the metric's
// JSON extra merged in.
nlohmann::json MetricJson(const MetricRow& row);
// {"first_game", "last_game", "games", "samples"} of a window's games.
nlohmann::json WindowJson(const std::vector<StoredGame>& games);

game::Move TopMove(const std::vector<std::pair<game::Move, float>>& target);
float TopShare(const std::vector<std::pair<game::Move, float>>& target);
game::Move ArgMax(const std::vector<float>& priors);

// A reliability diagram of (predicted, actual) pairs, both in [0, 1]: `bins`
// equal-width bins of the prediction, each {"lo", "hi", "n",
// "mean_predicted", "mean_actual"}, with the Brier score and the expected
// calibration error (bin-weighted |predicted - actual|) of them all.
nlohmann::json ReliabilityJson(const std::vector<std::pair<double, double>>& pairs, int bins);

}  // namespace descent::trainer
