#pragma once
// A training run: self-play (local, and remote workers through the HTTP
// server), the durable store, gradient descent from the replay window,
// publishing each new network (handed to self-play and evaluation in
// memory, written to RUN/nets for the record and for workers), resignation
// calibration, the reuse bound, evaluation in the background with the Elo
// ladder, and resuming after a crash. `descent train` only reads options and
// starts it; tests drive it directly.
//
// Threads: Run() trains on the calling thread; self-play, evaluation and the
// server each own their threads, started and joined inside Run().

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "game/game.h"
#include "game/options.h"
#include "mcts/params.h"
#include "selfplay/self_play.h"
#include "trainer/server.h"
#include "trainer/trainer.h"

namespace descent::trainer {

// Every option of a run. A count of 0 (or -1 where 0 is meaningful) means
// "the game's default" (game/traits.h), filled in by ResolveDefaults.
struct TrainRunParams {
  std::string game = "tictactoe";
  std::string run;  // the run directory (created, or resumed)
  int blocks = 0, channels = 0;
  // Self-play (playout cap randomisation, selfplay/self_play.h).
  int games = 0;
  selfplay::SelfPlayParams self_play;
  mcts::SearchParams search;
  // Training.
  // Input encoding of a new run's network ("": the game's newest,
  // net/encoder.h); a resumed run keeps its network's.
  std::string encoding;
  // A new run starts from this network (and its optimizer state when saved
  // beside it) instead of random weights: its size, encoding and heads,
  // its step count and lineage (trainer continues where it stopped).
  // Ignored when the run already has networks (it resumes its own).
  std::string init;
  // A new Go run's network gets KataGo's ownership and score heads and
  // global pooling (net/net_config.h); off: the plain AlphaZero net, for
  // measuring what they bring. A resumed run keeps its network's.
  bool aux_heads = true;
  bool global_pooling = true;
  // A new network's value head predicts win/draw/loss (net/net_config.h);
  // an --init network with a scalar head gets one made from it
  // (net::Network::WithWdlValue).
  bool wdl_value = false;
  // A new network gets the opponent-reply head (net/net_config.h).
  bool opponent_policy = false;
  // Weights of the aux losses (trainer/trainer.h says why these values).
  float ownership_weight = TrainParams{}.ownership_weight;
  float score_weight = TrainParams{}.score_weight;
  float opponent_policy_weight = TrainParams{}.opponent_policy_weight;
  // A sample's value target mixes the game's result with the search's root
  // value at that move: (1 - w) z + w q. The result alone is unbiased but
  // noisy (one game decides every position of it; with draws late in a
  // Connect Four run it says little); the root value is what the search
  // believed. 0 keeps AlphaZero's target: on 7x7 Go at a fixed budget
  // w = 0.5 measured 45 Elo weaker, within its interval (docs/techniques.md).
  float value_q_weight = 0;
  int window = 0, batch = 0;
  float lr = 0;
  int lr_drop_steps = 0;
  float reuse = 0;
  int min_samples = 0;
  int publish_every = 0;
  // Evaluation (-1: the game's default; 0: never).
  int eval_every = -1;
  int eval_games = 0;
  int eval_visits = 0;
  int eval_rollout_visits = 0;
  // Match games evaluated at once. Evaluation shares the two cores with
  // self-play: at 16 (descent eval's default) the concurrent rollout
  // referees took the whole machine while each evaluation ran, and a
  // 20-minute Connect Four run self-played 7,979 games against 9,162 with
  // one game at a time. 2 keeps evaluation near one core, its two games'
  // leaves still batched together.
  int eval_concurrency = 2;
  // A GTP engine every evaluation also plays (e.g. "gnugo --mode gtp
  // --level 1 --chinese-rules"), and a Go referee for its finished games;
  // empty: none.
  std::string eval_gtp, eval_gtp_referee;
  // Resignation: the threshold is calibrated so that at most this share of
  // played-out games' non-losers fell below it (AlphaGo Zero: 5%).
  float resign_false_rate = 0.05f;
  // Never resign at a value above this: the net would still give itself
  // better than a 1-in-4 chance, which no calibration should overrule.
  float resign_max_threshold = -0.5f;
  // Limits (0: none).
  double minutes = 0;
  int max_steps = 0;
  int threads = 2;  // inference workers
  // Where the networks run, for self-play, training and evaluation: "cpu" or
  // "cuda" (a LibTorch built with CUDA and a device present).
  std::string device = "cpu";
  uint64_t seed = 1;
  // Serving remote workers (selfplay/protocol.h).
  std::string listen;  // HOST:PORT; empty: no server
  std::string token, token_file;
  bool local_selfplay = true;
  int max_network_lag = ServerParams{}.max_network_lag;
};

// The options `descent train` takes, declared once (names, help, ranges);
// the search's own options are included under their usual names.
const game::OptionTable<TrainRunParams>& TrainRunOptions();

// Fills every field left at "the game's default" from game.Traits().
void ResolveDefaults(const game::Game& game, TrainRunParams* params);

// Where a run reports to people. Both optional; called from the thread
// that calls Run() (status) or from the evaluation thread (message).
struct TrainRunOutput {
  // The one-line progress summary, every status_seconds (final: once at the end).
  std::function<void(const std::string& line, bool final)> status;
  double status_seconds = 1.0;
  // Events worth a line of their own: start, the server's address, each
  // evaluation result, refused files.
  std::function<void(const std::string& line)> message;
};

struct TrainRunSummary {
  int64_t step = 0;
  int64_t games = 0;       // in the store
  int networks = 0;        // published (all sessions)
  std::string newest;      // path of the newest network
};

class TrainingRun final : public ServerBackend {
 public:
  // Opens (or creates) the run directory and its store and writes
  // `resolved_config` to RUN/config.ini. UserError when the run trains
  // another game or cannot be opened. `params` is resolved here.
  TrainingRun(const TrainRunParams& params, const std::string& resolved_config, TrainRunOutput output = {});
  ~TrainingRun() override;

  // Plays, trains and publishes until `stop` is set (may be null), the time
  // limit or the step limit. Resumes from the newest network that loads
  // (refusing corrupt or foreign ones by name). On return every finished
  // game is stored and the newest weights are published. Blocks. Call once.
  TrainRunSummary Run(const std::atomic<bool>* stop = nullptr);

  // ServerBackend, for remote workers (called from server threads).
  std::optional<NetworkOffer> NewestNetwork() override;
  std::optional<int64_t> NetworkGeneration(const std::string& hash) override;
  StoreOutcome StoreGames(const std::vector<selfplay::GameRecord>& games) override;
  std::string SelfPlayJson() override;
  std::string StatusJson() override;

  // The server's port once Run has started it (0: none).
  int port() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace descent::trainer
