#pragma once
// The trainer's search options as its workers receive them (the "search"
// object of GET /v1/selfplay, selfplay/protocol.h): every option of
// mcts::SearchOptions() by its command-line name, e.g. {"c-puct": 1.5,
// "prove": true, ...}. A worker searches with the trainer's values, so a
// run's training targets come from one search recipe whatever the worker's
// own command line says.

#include <nlohmann/json.hpp>

#include "mcts/params.h"

namespace descent::selfplay {

nlohmann::json SearchRecipeJson(const mcts::SearchParams& params);

// Sets every option named in `recipe` (a JSON object) on `params`, each
// checked against the option's type and range; a name this build does not
// know (a newer trainer's) is left alone. Throws nlohmann::json::exception
// naming the option when a value is of the wrong type or out of range, and
// then changes nothing.
void ApplySearchRecipe(const nlohmann::json& recipe, mcts::SearchParams* params);

}  // namespace descent::selfplay
