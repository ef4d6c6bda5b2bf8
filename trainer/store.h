#pragma once
// The run's durable store: SQLite in WAL mode with full sync, so a game is
// on disk when AddGames returns (it is then "acknowledged"), and a crash at
// any moment loses nothing acknowledged. Games are keyed by UUID: storing
// the same game twice is a no-op. Thread-safe (one connection, a mutex).

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "selfplay/game_record.h"

struct sqlite3;

namespace descent::trainer {

struct NetworkRow {
  int64_t id = 0;      // 1, 2, ... in publication order
  std::string hash;    // content hash
  std::string parent;  // parent's hash ("" for the first)
  int64_t step = 0;    // training step
  std::string path;    // weights file, relative to the run directory
  double created = 0;  // unix time
};

// Self-play results over a block of consecutive games (in storage order).
struct OutcomeBlock {
  int64_t first_game = 0;  // 0-based index of the block's first game
  int64_t games = 0;
  int64_t first_player_wins = 0;
  int64_t draws = 0;
  int64_t second_player_wins = 0;
  int64_t resigned = 0;
  double mean_moves = 0;
};

// A stored game with its row's columns (the run page lists and browses
// them). `record` is filled only where the call says so.
struct StoredGame {
  int64_t id = 0;  // 1, 2, ... in storage order
  std::string uuid, network;
  double created = 0;
  int64_t moves = 0, samples = 0;
  float result = 0;  // for the first player
  bool resigned = false;
  selfplay::GameRecord record;
};

// A game of an evaluation match: the evaluated network against a baseline.
struct EvalGame {
  int64_t id = 0;       // 1, 2, ... in storage order (set by the store)
  int64_t step = 0;     // the evaluated network's training step
  std::string network;  // its content hash
  std::string key;      // the match's metric, e.g. "eval.mcts", "eval.gtp"
  int game = 0;         // index within the match
  int net_side = 0;     // the side the network played (0 moves first)
  std::vector<game::Move> moves;
  float net_result = 0;  // for the network: +1 win, 0 draw, -1 loss
  double created = 0;    // unix time (set by the store)
};

struct MetricRow {
  int64_t step = 0;
  double time = 0;
  std::string key;
  double value = 0;
  std::string extra;  // JSON, e.g. an interval
};

class Store {
 public:
  // Opens or creates the store. Throws game::UserError when the file cannot
  // be opened or is not a Descent store.
  explicit Store(const std::string& path);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Stores the games in one transaction; returns how many were new (a
  // retried game is recognised by its UUID and not stored again). With
  // `is_new`, also which of them were new.
  int AddGames(const std::vector<selfplay::GameRecord>& games, std::vector<bool>* is_new = nullptr);
  int64_t GameCount() const;
  int64_t SampleCount() const;  // policy targets over all games
  // The newest games holding at least `samples` targets in all, oldest first.
  std::vector<selfplay::GameRecord> RecentGames(int64_t samples) const;
  // Game summaries (no records) in storage order: `limit` of them from the
  // 0-based position `offset`.
  std::vector<StoredGame> GameSummaries(int64_t offset, int64_t limit) const;
  // One game with its record; nullopt when no game has this id.
  std::optional<StoredGame> GameById(int64_t id) const;
  // With records: the newest games stored before game id `before_id` that
  // hold at least `samples` targets in all, oldest first (a training window;
  // before_id 0: before none, the newest games).
  std::vector<StoredGame> GamesHoldingSamples(int64_t samples, int64_t before_id = 0) const;
  // How many games were stored before unix time `time`.
  int64_t GamesStoredBefore(double time) const;
  // The newest `limit` played-out games (resignation disabled): the lowest
  // value a player who did not lose saw in each. For resign calibration.
  std::vector<float> RecentNonLoserMinValues(int limit) const;

  // Games stored per `bucket_seconds` since the first game: (bucket start in
  // seconds since the first game, games).
  std::vector<std::pair<double, int64_t>> GamesOverTime(double bucket_seconds) const;
  // Results of the stored games in blocks of `block_games` (the last block
  // may hold fewer).
  std::vector<OutcomeBlock> OutcomesOverGames(int64_t block_games) const;

  void AddNetwork(const NetworkRow& row);
  std::optional<NetworkRow> LatestNetwork() const;
  std::vector<NetworkRow> Networks() const;

  // Evaluation games, one transaction (the run page browses them).
  void AddEvalGames(const std::vector<EvalGame>& games);
  int64_t EvalGameCount() const;
  // In storage order: `limit` from the 0-based position `offset`, moves
  // included.
  std::vector<EvalGame> EvalGames(int64_t offset, int64_t limit) const;
  std::optional<EvalGame> EvalGameById(int64_t id) const;

  void AddMetric(const MetricRow& row);
  std::vector<MetricRow> Metrics(const std::string& key_prefix = "") const;

  // Small key/value state (training counters).
  void SetState(const std::string& key, const std::string& value);
  std::optional<std::string> GetState(const std::string& key) const;

 private:
  void Exec(const std::string& sql) const;

  sqlite3* db_ = nullptr;
  std::string path_;
  mutable std::mutex mutex_;
};

}  // namespace descent::trainer
