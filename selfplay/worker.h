#pragma once
// A self-play worker: an inference server, the self-play driver and the
// SelfPlay hooks, playing until stopped and handing each finished game to a
// sink, with the net evaluations made since the game before it. The network
// can be swapped while it runs.

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include "game/game.h"
#include "mcts/params.h"
#include "net/inference_server.h"
#include "net/net_evaluator.h"
#include "net/network.h"
#include "selfplay/self_play.h"

namespace descent::mcts {
class MultiGameSearch;
}

namespace descent::selfplay {

struct WorkerParams {
  // Concurrent games, and groups of them with a batch each in flight. 64
  // games in 2 groups give batches of ~32, the best raw batch size measured
  // for 9x9 nets (descent bench); small games need fewer.
  int games = 64;
  int groups = 2;
  net::InferenceParams inference;
  mcts::SearchParams search;
  SelfPlayParams self_play;
  uint64_t seed = 1;
};

struct WorkerStats {
  uint64_t games = 0;
  uint64_t positions = 0;  // net evaluations
  uint64_t visits = 0;     // search visits (cache hits and finished games included)
};

class SelfPlayWorker {
 public:
  SelfPlayWorker(const game::Game& game, std::shared_ptr<const net::Network> network, const WorkerParams& params,
                 SelfPlay::Sink sink);
  // Plays until `stop` is set; games in progress are dropped. Blocks.
  void Run(const std::atomic<bool>& stop);
  // Thread-safe: later batches use `network`, and new games record it.
  void SetNetwork(std::shared_ptr<const net::Network> network);
  void SetResignThreshold(float threshold) { self_play_.SetResignThreshold(threshold); }
  WorkerStats Stats() const;

 private:
  std::string CurrentNetwork() const;

  const game::Game& game_;
  WorkerParams params_;
  net::InferenceServer server_;
  net::NetEvaluator evaluator_;
  std::atomic<uint64_t> games_{0};
  // The server's net evaluations when the last game finished: each record
  // carries the evaluations since (GameRecord::evals).
  std::atomic<uint64_t> evals_at_last_game_{0};
  mutable std::mutex driver_mutex_;  // guards the two below
  const mcts::MultiGameSearch* driver_ = nullptr;  // the running one
  uint64_t visits_before_ = 0;                     // of drivers that have finished
  SelfPlay::Sink sink_;
  SelfPlay self_play_;
};

}  // namespace descent::selfplay
