#pragma once
// The results table of a GTP match, for descent match and descent eval.

#include "engine/match.h"

namespace descent::app {

// Prints names, wins by colour, the score with its 95% interval, the Elo
// difference, the SPRT state and referee disagreements to stdout.
void PrintSummary(const engine::MatchSummary& summary);

}  // namespace descent::app
