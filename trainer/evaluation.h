#pragma once
// Evaluating a network against outside referees; shared by `train`
// (periodically, in the background) and `eval`.

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "game/game.h"
#include "mcts/params.h"
#include "net/network.h"
#include "selfplay/arena.h"

namespace descent::trainer {

struct EvalParams {
  int games = 40;          // per opponent
  int visits = 100;        // the network's search per move
  int rollout_visits = 400;  // the pure-MCTS opponent's visits (random rollouts)
  // Games of a match played at once (selfplay::MatchParams), and the
  // inference threads serving the network's games. One thread: during
  // training evaluation shares the cores with self-play.
  int concurrency = selfplay::MatchParams{}.concurrency;
  int inference_threads = 1;
  // The network's search (leaves per net call, PUCT constant, ...).
  mcts::SearchParams search;
  int pons_positions = 200;  // Connect Four positions per Pons file
  std::string pons_dir;      // Pons files; "" = the copy in tests/data
  // Connect Four: Test_L2_R1 positions the network plays out against the
  // solver (0: none).
  int solver_positions = 100;
  // A GTP engine the network also plays ("eval.gtp"; empty: none), and for
  // Go a referee engine whose final_score decides finished games
  // (trainer/gtp_player.h).
  std::string gtp, gtp_referee;
  // Set from another thread to abandon the evaluation; EvaluateNetwork then
  // returns early and its lines must not be stored.
  const std::atomic<bool>* cancel = nullptr;
  // Called with each result as soon as it is measured (optional).
  std::function<void(const struct EvalLine&)> on_line;
  // Called with each finished match game (optional): the metric it counts
  // towards ("eval.mcts"), the game's index, the side the network played,
  // the moves and the network's result.
  std::function<void(const std::string& key, int game, game::Player net_side, const std::vector<game::Move>& moves,
                     float net_result)>
      on_game;
};

struct EvalLine {
  std::string key;  // metric name, e.g. "eval.random"
  double value = 0;
  std::string extra;  // JSON details (interval, W/D/L)
  std::string text;   // one line for people
};

// A rung of a run's Elo ladder: a network already rated. The first network
// is rated 0; each evaluated network plays the rung below it, and its Elo is
// that rung's plus the difference the match implies (one match is clamped
// at +-800; the ladder is not).
struct LadderRung {
  std::shared_ptr<const net::Network> network;
  double elo = 0;
  std::string name;  // for people: "the first network", "step 400"
};

// Plays and measures; `rung` (may be null) is where the network joins the
// Elo ladder ("eval.elo" is then its ladder Elo).
std::vector<EvalLine> EvaluateNetwork(const game::Game& game, std::shared_ptr<const net::Network> network,
                                      const LadderRung* rung, const EvalParams& params, uint64_t seed);

// Tic-tac-toe: the share of the 4,520 non-terminal reachable positions where
// the network's top policy move is optimal.
double TicTacToeOptimalPolicyRate(const game::Game& game, std::shared_ptr<const net::Network> network);

}  // namespace descent::trainer
