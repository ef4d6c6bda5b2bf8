#pragma once
// The search's options (mcts::SearchParams), declared once for every
// subcommand that searches: train, selfplay, eval, gtp (and match through
// it), gui. Names, ranges and help here; defaults and their reasons in
// mcts/params.h.

#include "game/options.h"
#include "mcts/params.h"

namespace descent::mcts {

inline const game::OptionTable<SearchParams>& SearchOptions() {
  static const game::OptionTable<SearchParams> table = [] {
    game::OptionTable<SearchParams> t;
    t.Add("c-puct", &SearchParams::c_puct, "PUCT exploration constant", 0.01, 100.0)
        .Add("fpu-reduction", &SearchParams::fpu_reduction,
             "first-play urgency: an unvisited move is valued at the parent's value minus this x sqrt(visited prior)",
             -2.0, 2.0)
        .Add("policy-temperature", &SearchParams::policy_temperature, "softmax temperature of the network's priors",
             0.1, 10.0)
        .Add("dirichlet-alpha-total", &SearchParams::dirichlet_alpha_total,
             "root noise: Dirichlet alpha x legal moves (self-play)", 0.001, 1000.0)
        .Add("noise-fraction", &SearchParams::noise_fraction, "root noise: weight of the noise in the priors", 0.0, 1.0)
        .Add("leaves", &SearchParams::leaves_per_batch, "one-game search: leaves per net call", 1, 256)
        .Add("batches-in-flight", &SearchParams::batches_in_flight, "one-game search: net calls in flight at once", 1, 16)
        .Add("leaves-per-game", &SearchParams::leaves_per_game, "self-play: leaves per game per net call", 1, 64)
        .Add("prove", &SearchParams::prove_results, "MCTS-solver: carry proved results up the tree (true/false)")
        .Add("prune", &SearchParams::prune_losing_moves,
             "search only moves that do not lose at once (Connect Four; true/false)")
        .Add("score-utility", &SearchParams::score_utility_weight,
             "weight of the final score beside the value in move selection (Go networks with a score head; 0: off)",
             0.0, 2.0)
        .Add("score-utility-scale", &SearchParams::score_utility_scale,
             "score utility: points, in units of sqrt(board points), that are worth half the weight", 0.01, 100.0);
    return t;
  }();
  return table;
}

}  // namespace descent::mcts
