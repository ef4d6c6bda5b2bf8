#include "selfplay/spool.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>

#include "game/user_error.h"

namespace descent::selfplay {

namespace fs = std::filesystem;

namespace {

constexpr const char* kSuffix = ".game.json";

bool IsGameFile(const fs::path& p) {
  const std::string name = p.filename().string();
  return name.size() > std::string(kSuffix).size() && name.substr(name.size() - std::string(kSuffix).size()) == kSuffix;
}

// Writes, flushes to the disk, then renames: the file is whole or absent.
void WriteDurably(const fs::path& path, const std::string& text) {
  const fs::path tmp = path.string() + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) throw game::UserError("cannot write " + tmp.string());
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n <= 0) {
      ::close(fd);
      throw game::UserError("cannot write " + tmp.string() + " (disk full?)");
    }
    done += static_cast<size_t>(n);
  }
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!synced) throw game::UserError("cannot flush " + tmp.string());
  fs::rename(tmp, path);
}

}  // namespace

GameSpool::GameSpool(const fs::path& dir, int64_t max_games) : dir_(dir), max_games_(max_games) {
  std::error_code error;
  fs::create_directories(dir_ / "rejected", error);
  if (error) throw game::UserError("cannot create spool directory " + dir_.string() + ": " + error.message());
  for (const auto& entry : fs::directory_iterator(dir_)) {
    if (entry.path().extension() == ".tmp") fs::remove(entry.path());  // a write cut short: not a game
    if (IsGameFile(entry.path())) ++count_;
  }
  // Continue the numbering after what is there, from the clock: names sort
  // in finishing order across restarts.
  sequence_ = static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch()).count());
}

bool GameSpool::Add(const std::string& uuid, const std::string& json) {
  std::lock_guard lock(mutex_);
  if (count_ >= max_games_) return false;
  char name[96];
  std::snprintf(name, sizeof name, "%020llu-", static_cast<unsigned long long>(sequence_++));
  WriteDurably(dir_ / (name + uuid.substr(0, 40) + kSuffix), json);
  ++count_;
  return true;
}

int64_t GameSpool::Count() const {
  std::lock_guard lock(mutex_);
  return count_;
}

std::vector<SpooledGame> GameSpool::Oldest(int n) const {
  std::vector<fs::path> paths;
  {
    std::lock_guard lock(mutex_);
    for (const auto& entry : fs::directory_iterator(dir_)) {
      if (IsGameFile(entry.path())) paths.push_back(entry.path());
    }
  }
  std::sort(paths.begin(), paths.end());
  if (static_cast<int>(paths.size()) > n) paths.resize(static_cast<size_t>(n));
  std::vector<SpooledGame> games;
  for (const fs::path& p : paths) {
    std::ifstream in(p);
    std::stringstream text;
    text << in.rdbuf();
    if (in) games.push_back({p, text.str()});
  }
  return games;
}

void GameSpool::Acknowledge(const std::vector<SpooledGame>& games, const std::vector<std::string>& stale_uuids) {
  std::lock_guard lock(mutex_);
  const std::set<std::string> stale(stale_uuids.begin(), stale_uuids.end());
  std::string delivered, refused;
  for (const SpooledGame& g : games) {
    // <sequence>-<uuid>.game.json
    const std::string name = g.path.filename().string();
    const size_t dash = name.find('-');
    const std::string uuid = name.substr(dash + 1, name.size() - dash - 1 - std::string(kSuffix).size());
    (stale.count(uuid) ? refused : delivered) += uuid + "\n";
  }
  if (!delivered.empty()) std::ofstream(dir_ / "acknowledged.log", std::ios::app) << delivered;
  if (!refused.empty()) std::ofstream(dir_ / "stale.log", std::ios::app) << refused;
  for (const SpooledGame& g : games) {
    if (fs::remove(g.path)) --count_;
  }
}

void GameSpool::Reject(const std::vector<SpooledGame>& games) {
  std::lock_guard lock(mutex_);
  for (const SpooledGame& g : games) {
    std::error_code error;
    fs::rename(g.path, dir_ / "rejected" / g.path.filename(), error);
    if (!error) --count_;
  }
}

}  // namespace descent::selfplay
