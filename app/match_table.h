#pragma once
// The results table of a GTP match, for descent match and descent eval.

#include "engine/match.h"

namespace descent::app {

// Prints names, wins by colour, the score with its 95% interval, the Elo
// difference, the SPRT state and referee disagreements to stdout.
void PrintSummary(const engine::MatchSummary& summary);
// One line per finished game, as it finishes: `first` names the first
// engine ("first engine", "net"); `games` is the match's length.
void PrintGameLine(const engine::MatchGame& game, const engine::MatchSummary& summary, const char* first, int games);

}  // namespace descent::app
