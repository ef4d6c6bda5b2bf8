#pragma once
// The network alone on whole positions, for inspection (the run page, the
// side-by-side of two networks): every legal move's prior, the value, and
// the aux heads' ownership and score where the network has them. No
// search, no cache, the identity symmetry (what the net sees is the board
// as shown).

#include <vector>

#include "game/game.h"
#include "net/network.h"

namespace descent::net {

struct PositionEval {
  std::vector<float> priors;  // Game::NumMoves() entries; 0 on illegal moves
  float value = 0;            // side to move, [-1, 1]
  bool has_aux = false;       // the network has ownership and score heads
  std::vector<float> ownership;  // board points, the mover's view, [-1, 1]
  float score = 0;               // the mover's expected final score (points)
};

// Evaluates `states` (none terminal) in batches of `batch`. Blocks; thread-
// safe (Network::Forward is). Throws game::UserError when the network was
// not made for the states' game.
std::vector<PositionEval> EvaluatePositions(const Network& network, const game::Game& game,
                                            const std::vector<const game::State*>& states, int batch = 64);

// KL(target || prior) in nats: how much the search's visit shares
// (`target`, move -> share) differ from the net's priors. Priors are floored
// at 1e-6 so a target on a move the net all but ruled out stays finite.
double PolicySurprise(const std::vector<float>& priors, const std::vector<std::pair<game::Move, float>>& target);

}  // namespace descent::net
