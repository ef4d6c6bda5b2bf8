#pragma once
// Random openings: match pairs start from them (both games of a pair share
// one), and a share of self-play games does (variety beyond what search
// noise gives).

#include <random>

#include "game/game.h"

namespace descent::game {

// Plays up to `moves` uniformly random legal moves on `state`, stopping
// early if the game ends. A Go pass is drawn again when anything else is
// legal: a random pass gives a whole move away (on 7x7 one opening pair in
// 25 held one), and two would end the game before it starts.
void PlayRandomOpening(State* state, int moves, std::mt19937_64& rng);

}  // namespace descent::game
