#include "game/opening.h"

#include <vector>

#include "game/go.h"

namespace descent::game {

void PlayRandomOpening(State* state, int moves, std::mt19937_64& rng) {
  const auto* go = dynamic_cast<const GoGame*>(&state->game());
  const Move pass = go ? go->PassMove() : kNoMove;
  std::vector<Move> legal;
  for (int k = 0; k < moves && !state->IsTerminal(); ++k) {
    state->LegalMoves(&legal);
    Move move;
    do {
      move = legal[rng() % legal.size()];
    } while (move == pass && legal.size() > 1);
    state->Play(move);
  }
}

}  // namespace descent::game
