#pragma once
// A self-play worker for a remote trainer (`descent train --listen`): it
// fetches the trainer's network and settings, plays games, keeps each
// finished game in a local spool until the trainer has committed it, uploads
// in batches (halving a batch the server finds too big), backs off
// exponentially while the trainer is away, pauses self-play while the spool
// is full, and switches networks as the trainer publishes them.
// `descent selfplay` only reads options and runs it; tests drive it with a
// real trainer server in front of a fake run.
//
// Threads: Run() uploads and polls on the calling thread; self-play runs on
// a thread of its own, started and joined inside Run().

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "mcts/params.h"

namespace descent::selfplay {

struct RemoteWorkerParams {
  std::string server;  // http://HOST:PORT
  std::string token;   // the trainer's bearer token
  std::string name;    // in the trainer's status (empty: HOST-PID)
  std::string spool = "descent-spool";
  int games = 0;  // concurrent games; 0: what the trainer suggests
  int threads = 2;  // inference workers
  std::string device = "cpu";  // where the downloaded networks run: "cpu" or "cuda"
  // Games per upload: big enough that a request's overhead does not matter,
  // small enough that a batch is far below the server's body limit (64
  // 9x9 games are ~2 MB of the 32 MB the server takes).
  int batch_games = 64;
  // Upload at least this often while games wait, so the trainer sees games
  // soon even from a slow worker.
  double upload_seconds = 5;
  // How often to ask for a newer network: an unchanged one costs a 304.
  double poll_seconds = 2;
  // Games kept on disk while the trainer is away: ~5 KB each for 9x9 Go,
  // so the default bounds the spool at ~100 MB.
  int64_t max_spool_games = 20000;
  // Retries wait 1 s, 2 s, 4 s, ... up to this.
  double max_backoff_seconds = 60;
  double timeout_seconds = 30;  // per HTTP exchange
  double minutes = 0;           // stop after this long (0: when stopped)
  uint64_t seed = 0;            // 0: a random one (workers must not all play the same games)
  mcts::SearchParams search;
};

// Where the worker reports; all optional.
struct RemoteWorkerOutput {
  std::function<void(const std::string& line, bool final)> status;  // every status_seconds
  double status_seconds = 1.0;
  std::function<void(const std::string& line)> message;  // events: waiting, playing, paused, switched
  std::function<void(const std::string& line)> warning;  // refused games, a network kept
};

struct RemoteWorkerSummary {
  uint64_t games = 0;  // finished here
  uint64_t evals = 0;  // net evaluations made here
  int64_t uploaded = 0, duplicates = 0, stale = 0, rejected = 0;
  int64_t dropped = 0;  // finished while the spool was full
  int64_t spooled = 0;  // still waiting in the spool
  int batch_games = 0;  // the upload batch size it ended with
};

class RemoteWorker {
 public:
  // UserError for a spool that cannot be made or a malformed server URL.
  RemoteWorker(const RemoteWorkerParams& params, RemoteWorkerOutput output = {});
  ~RemoteWorker();
  // Waits for the trainer (with backoff), then plays and uploads until
  // `stop` (may be null) or the time limit; then tries, for up to a minute,
  // to hand over what is finished. UserError when the trainer refuses the
  // token. Blocks. Call once.
  RemoteWorkerSummary Run(const std::atomic<bool>* stop = nullptr);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace descent::selfplay
