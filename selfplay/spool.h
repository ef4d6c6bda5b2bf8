#pragma once
// A worker's finished games on local disk until the trainer acknowledges
// them: one file per game, written to a temporary name, flushed to disk and
// renamed, so a kill -9 leaves only whole games. Thread-safe.

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

namespace descent::selfplay {

struct SpooledGame {
  std::filesystem::path path;
  std::string json;
};

class GameSpool {
 public:
  // Creates `dir` (and dir/rejected) when missing; picks up games a previous
  // run left there. Throws game::UserError when it cannot.
  GameSpool(const std::filesystem::path& dir, int64_t max_games);

  // Stores a game; false (nothing stored) when the spool holds max_games.
  bool Add(const std::string& uuid, const std::string& json);
  int64_t Count() const;
  bool Full() const { return Count() >= max_games_; }
  int64_t max_games() const { return max_games_; }
  // Up to `n` games, oldest first.
  std::vector<SpooledGame> Oldest(int n) const;
  // After the trainer answered an upload of them: the UUIDs of the games it
  // holds now are appended to dir/acknowledged.log (an audit trail: what
  // this worker delivered), those it refused as stale (`stale_uuids`, played
  // by a network too old) to dir/stale.log, then the files are deleted. A
  // crash between the two only repeats a UUID.
  void Acknowledge(const std::vector<SpooledGame>& games, const std::vector<std::string>& stale_uuids = {});
  // After the trainer refused them for good: kept in dir/rejected for a
  // person to look at, out of the upload queue.
  void Reject(const std::vector<SpooledGame>& games);

 private:
  std::filesystem::path dir_;
  int64_t max_games_;
  mutable std::mutex mutex_;
  int64_t count_ = 0;
  uint64_t sequence_ = 0;  // file names sort in the order games finished
};

}  // namespace descent::selfplay
