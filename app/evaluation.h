#pragma once
// Evaluating a network against outside referees; shared by `train`
// (periodically, in the background) and `eval`.

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "game/game.h"
#include "net/network.h"

namespace descent::app {

struct EvalParams {
  int games = 40;          // per opponent
  int visits = 100;        // the network's search per move
  int rollout_visits = 400;  // the pure-MCTS opponent's visits (random rollouts)
  int pons_positions = 200;  // Connect Four positions per Pons file
  std::string pons_dir;      // Pons files; "" = the copy in tests/data
  // Set from another thread to abandon the evaluation; EvaluateNetwork then
  // returns early and its lines must not be stored.
  const std::atomic<bool>* cancel = nullptr;
  // Called with each result as soon as it is measured (optional).
  std::function<void(const struct EvalLine&)> on_line;
};

struct EvalLine {
  std::string key;  // metric name, e.g. "eval.random"
  double value = 0;
  std::string extra;  // JSON details (interval, W/D/L)
  std::string text;   // one line for people
};

// Plays and measures; `first` (may be null) anchors the Elo ladder.
std::vector<EvalLine> EvaluateNetwork(const game::Game& game, std::shared_ptr<const net::Network> network,
                                      std::shared_ptr<const net::Network> first, const EvalParams& params,
                                      uint64_t seed);

// Tic-tac-toe: the share of the 4,520 non-terminal reachable positions where
// the network's top policy move is optimal.
double TicTacToeOptimalPolicyRate(const game::Game& game, std::shared_ptr<const net::Network> network);

}  // namespace descent::app
