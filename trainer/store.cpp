#include "trainer/store.h"

#include <sqlite3.h>

#include <algorithm>
#include <limits>
#include <chrono>
#include <stdexcept>

#include "game/user_error.h"

namespace descent::trainer {
namespace {

using game::UserError;

// A prepared statement that finalises itself.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) {
      throw UserError(std::string("store: ") + sqlite3_errmsg(db) + " in: " + sql);
    }
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement& Bind(int i, int64_t v) { return Check(sqlite3_bind_int64(stmt_, i, v)); }
  Statement& Bind(int i, double v) { return Check(sqlite3_bind_double(stmt_, i, v)); }
  Statement& Bind(int i, const std::string& v) {
    return Check(sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT));
  }
  // True while rows come; throws on errors.
  bool Step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw UserError(std::string("store: ") + sqlite3_errmsg(db_));
  }
  int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  double Double(int col) const { return sqlite3_column_double(stmt_, col); }
  std::string Text(int col) const {
    const auto* p = sqlite3_column_text(stmt_, col);
    return p ? std::string(reinterpret_cast<const char*>(p), sqlite3_column_bytes(stmt_, col)) : std::string();
  }
  void Reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

 private:
  Statement& Check(int rc) {
    if (rc != SQLITE_OK) throw UserError(std::string("store: ") + sqlite3_errmsg(db_));
    return *this;
  }
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

double Now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

constexpr char kSchema[] = R"sql(
CREATE TABLE IF NOT EXISTS games (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE,
  network TEXT NOT NULL,
  created REAL NOT NULL,
  moves INTEGER NOT NULL,
  samples INTEGER NOT NULL,
  result REAL NOT NULL,
  resigned INTEGER NOT NULL,
  resign_allowed INTEGER NOT NULL,
  non_loser_min_value REAL NOT NULL,
  record TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS networks (
  id INTEGER PRIMARY KEY,
  hash TEXT NOT NULL UNIQUE,
  parent TEXT NOT NULL,
  step INTEGER NOT NULL,
  path TEXT NOT NULL,
  created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS metrics (
  id INTEGER PRIMARY KEY,
  step INTEGER NOT NULL,
  time REAL NOT NULL,
  key TEXT NOT NULL,
  value REAL NOT NULL,
  extra TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS metrics_key ON metrics(key);
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS eval_games (
  id INTEGER PRIMARY KEY,
  step INTEGER NOT NULL,
  network TEXT NOT NULL,
  key TEXT NOT NULL,
  game INTEGER NOT NULL,
  net_side INTEGER NOT NULL,
  moves TEXT NOT NULL,
  net_result REAL NOT NULL,
  created REAL NOT NULL
);
)sql";

}  // namespace

Store::Store(const std::string& path) : path_(path) {
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                      nullptr) != SQLITE_OK) {
    const std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    throw UserError("cannot open store '" + path + "': " + why);
  }
  sqlite3_busy_timeout(db_, 10000);
  try {
    // WAL keeps readers and the writer apart; FULL sync makes a commit
    // durable before AddGames returns.
    Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;");
    Exec(kSchema);
  } catch (const UserError& e) {
    sqlite3_close(db_);
    throw UserError("store '" + path + "' is not usable: " + e.what());
  }
}

Store::~Store() { sqlite3_close(db_); }

void Store::Exec(const std::string& sql) const {
  char* error = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    const std::string why = error ? error : "unknown error";
    sqlite3_free(error);
    throw UserError("store: " + why);
  }
}

int Store::AddGames(const std::vector<selfplay::GameRecord>& games, std::vector<bool>* is_new) {
  std::lock_guard lock(mutex_);
  if (is_new) is_new->assign(games.size(), false);
  Exec("BEGIN IMMEDIATE");
  int added = 0;
  try {
    Statement insert(db_,
                     "INSERT OR IGNORE INTO games (uuid, network, created, moves, samples, result, resigned, "
                     "resign_allowed, non_loser_min_value, record) VALUES (?,?,?,?,?,?,?,?,?,?)");
    for (const auto& g : games) {
      insert.Bind(1, g.uuid).Bind(2, g.network).Bind(3, Now()).Bind(4, static_cast<int64_t>(g.moves.size()));
      insert.Bind(5, static_cast<int64_t>(g.targets.size())).Bind(6, static_cast<double>(g.result));
      insert.Bind(7, static_cast<int64_t>(g.resigned)).Bind(8, static_cast<int64_t>(g.resign_allowed));
      insert.Bind(9, static_cast<double>(g.non_loser_min_value)).Bind(10, selfplay::ToJson(g));
      insert.Step();
      const int changed = sqlite3_changes(db_);
      if (is_new && changed) (*is_new)[static_cast<size_t>(&g - games.data())] = true;
      added += changed;
      insert.Reset();
    }
    Exec("COMMIT");
  } catch (...) {
    Exec("ROLLBACK");
    throw;
  }
  return added;
}

int64_t Store::GameCount() const {
  std::lock_guard lock(mutex_);
  Statement s(db_, "SELECT COUNT(*) FROM games");
  s.Step();
  return s.Int(0);
}

int64_t Store::SampleCount() const {
  std::lock_guard lock(mutex_);
  Statement s(db_, "SELECT COALESCE(SUM(samples), 0) FROM games");
  s.Step();
  return s.Int(0);
}

std::vector<selfplay::GameRecord> Store::RecentGames(int64_t samples) const {
  std::lock_guard lock(mutex_);
  Statement s(db_, "SELECT record, samples FROM games ORDER BY id DESC");
  std::vector<selfplay::GameRecord> games;
  int64_t total = 0;
  while (total < samples && s.Step()) {
    games.push_back(selfplay::ParseGameRecord(s.Text(0)));
    total += s.Int(1);
  }
  std::reverse(games.begin(), games.end());
  return games;
}

namespace {

constexpr const char* kGameColumns = "id, uuid, network, created, moves, samples, result, resigned";

StoredGame GameColumns(Statement& s) {
  StoredGame g;
  g.id = s.Int(0);
  g.uuid = s.Text(1);
  g.network = s.Text(2);
  g.created = s.Double(3);
  g.moves = s.Int(4);
  g.samples = s.Int(5);
  g.result = static_cast<float>(s.Double(6));
  g.resigned = s.Int(7) != 0;
  return g;
}

}  // namespace

std::vector<StoredGame> Store::GameSummaries(int64_t offset, int64_t limit) const {
  std::lock_guard lock(mutex_);
  Statement s(db_, (std::string("SELECT ") + kGameColumns + " FROM games ORDER BY id LIMIT ? OFFSET ?").c_str());
  s.Bind(1, limit).Bind(2, offset);
  std::vector<StoredGame> games;
  while (s.Step()) games.push_back(GameColumns(s));
  return games;
}

std::optional<StoredGame> Store::GameById(int64_t id) const {
  std::lock_guard lock(mutex_);
  Statement s(db_, (std::string("SELECT ") + kGameColumns + ", record FROM games WHERE id = ?").c_str());
  s.Bind(1, id);
  if (!s.Step()) return std::nullopt;
  StoredGame g = GameColumns(s);
  g.record = selfplay::ParseGameRecord(s.Text(8));
  return g;
}

std::vector<StoredGame> Store::GamesHoldingSamples(int64_t samples, int64_t before_id) const {
  std::lock_guard lock(mutex_);
  Statement s(db_, (std::string("SELECT ") + kGameColumns + ", record FROM games WHERE id < ? ORDER BY id DESC").c_str());
  s.Bind(1, before_id > 0 ? before_id : std::numeric_limits<int64_t>::max());
  std::vector<StoredGame> games;
  int64_t total = 0;
  while (total < samples && s.Step()) {
    games.push_back(GameColumns(s));
    games.back().record = selfplay::ParseGameRecord(s.Text(8));
    total += games.back().samples;
  }
  std::reverse(games.begin(), games.end());
  return games;
}

int64_t Store::GamesStoredBefore(double time) const {
  std::lock_guard lock(mutex_);
  Statement s(db_, "SELECT COUNT(*) FROM games WHERE created < ?");
  s.Bind(1, time);
  s.Step();
  return s.Int(0);
}

std::vector<float> Store::RecentNonLoserMinValues(int limit) const {
  std::lock_guard lock(mutex_);
  Statement s(db_,
              "SELECT non_loser_min_value FROM games WHERE resign_allowed = 0 ORDER BY id DESC LIMIT ?");
  s.Bind(1, static_cast<int64_t>(limit));
  std::vector<float> values;
  while (s.Step()) values.push_back(static_cast<float>(s.Double(0)));
  return values;
}

std::vector<std::pair<double, int64_t>> Store::GamesOverTime(double bucket_seconds) const {
  std::lock_guard lock(mutex_);
  Statement s(db_,
              "SELECT CAST((created - (SELECT MIN(created) FROM games)) / ? AS INTEGER) AS b, COUNT(*) FROM games "
              "GROUP BY b ORDER BY b");
  s.Bind(1, bucket_seconds);
  std::vector<std::pair<double, int64_t>> rows;
  while (s.Step()) rows.emplace_back(static_cast<double>(s.Int(0)) * bucket_seconds, s.Int(1));
  return rows;
}

std::vector<OutcomeBlock> Store::OutcomesOverGames(int64_t block_games) const {
  if (block_games < 1) throw std::invalid_argument("OutcomesOverGames: block_games < 1");
  std::lock_guard lock(mutex_);
  Statement s(db_,
              "SELECT b, COUNT(*), SUM(result > 0), SUM(result = 0), SUM(result < 0), SUM(resigned), AVG(moves) FROM "
              "(SELECT (ROW_NUMBER() OVER (ORDER BY id) - 1) / ? AS b, result, resigned, moves FROM games) "
              "GROUP BY b ORDER BY b");
  s.Bind(1, block_games);
  std::vector<OutcomeBlock> rows;
  while (s.Step()) {
    rows.push_back({s.Int(0) * block_games, s.Int(1), s.Int(2), s.Int(3), s.Int(4), s.Int(5), s.Double(6)});
  }
  return rows;
}

void Store::AddNetwork(const NetworkRow& row) {
  std::lock_guard lock(mutex_);
  Statement s(db_, "INSERT OR IGNORE INTO networks (hash, parent, step, path, created) VALUES (?,?,?,?,?)");
  s.Bind(1, row.hash).Bind(2, row.parent).Bind(3, row.step).Bind(4, row.path).Bind(5, row.created ? row.created : Now());
  s.Step();
}

std::vector<NetworkRow> Store::Networks() const {
  std::lock_guard lock(mutex_);
  Statement s(db_, "SELECT id, hash, parent, step, path, created FROM networks ORDER BY id");
  std::vector<NetworkRow> rows;
  while (s.Step()) rows.push_back({s.Int(0), s.Text(1), s.Text(2), s.Int(3), s.Text(4), s.Double(5)});
  return rows;
}

std::optional<NetworkRow> Store::LatestNetwork() const {
  auto rows = Networks();
  if (rows.empty()) return std::nullopt;
  return rows.back();
}

namespace {

std::string MovesText(const std::vector<game::Move>& moves) {
  std::string text;
  for (game::Move m : moves) text += (text.empty() ? "" : " ") + std::to_string(m);
  return text;
}

std::vector<game::Move> ParseMovesText(const std::string& text) {
  std::vector<game::Move> moves;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    moves.push_back(static_cast<game::Move>(std::stoi(text.substr(start, end - start))));
    start = end + 1;
  }
  return moves;
}

constexpr const char* kEvalGameColumns = "id, step, network, key, game, net_side, moves, net_result, created";

EvalGame EvalGameColumns(Statement& s) {
  EvalGame g;
  g.id = s.Int(0);
  g.step = s.Int(1);
  g.network = s.Text(2);
  g.key = s.Text(3);
  g.game = static_cast<int>(s.Int(4));
  g.net_side = static_cast<int>(s.Int(5));
  g.moves = ParseMovesText(s.Text(6));
  g.net_result = static_cast<float>(s.Double(7));
  g.created = s.Double(8);
  return g;
}

}  // namespace

void Store::AddEvalGames(const std::vector<EvalGame>& games) {
  std::lock_guard lock(mutex_);
  Exec("BEGIN IMMEDIATE");
  try {
    for (const EvalGame& g : games) {
      Statement s(db_, "INSERT INTO eval_games (step, network, key, game, net_side, moves, net_result, created) "
                       "VALUES (?,?,?,?,?,?,?,?)");
      s.Bind(1, g.step).Bind(2, g.network).Bind(3, g.key).Bind(4, static_cast<int64_t>(g.game));
      s.Bind(5, static_cast<int64_t>(g.net_side)).Bind(6, MovesText(g.moves)).Bind(7, static_cast<double>(g.net_result));
      s.Bind(8, g.created ? g.created : Now());
      s.Step();
    }
    Exec("COMMIT");
  } catch (...) {
    Exec("ROLLBACK");
    throw;
  }
}

int64_t Store::EvalGameCount() const {
  std::lock_guard lock(mutex_);
  Statement s(db_, "SELECT COUNT(*) FROM eval_games");
  s.Step();
  return s.Int(0);
}

std::vector<EvalGame> Store::EvalGames(int64_t offset, int64_t limit) const {
  std::lock_guard lock(mutex_);
  Statement s(db_, (std::string("SELECT ") + kEvalGameColumns + " FROM eval_games ORDER BY id LIMIT ? OFFSET ?").c_str());
  s.Bind(1, limit).Bind(2, offset);
  std::vector<EvalGame> games;
  while (s.Step()) games.push_back(EvalGameColumns(s));
  return games;
}

std::optional<EvalGame> Store::EvalGameById(int64_t id) const {
  std::lock_guard lock(mutex_);
  Statement s(db_, (std::string("SELECT ") + kEvalGameColumns + " FROM eval_games WHERE id = ?").c_str());
  s.Bind(1, id);
  if (!s.Step()) return std::nullopt;
  return EvalGameColumns(s);
}

void Store::AddMetric(const MetricRow& row) {
  std::lock_guard lock(mutex_);
  Statement s(db_, "INSERT INTO metrics (step, time, key, value, extra) VALUES (?,?,?,?,?)");
  s.Bind(1, row.step).Bind(2, row.time ? row.time : Now()).Bind(3, row.key).Bind(4, row.value).Bind(5, row.extra);
  s.Step();
}

std::vector<MetricRow> Store::Metrics(const std::string& key_prefix) const {
  std::lock_guard lock(mutex_);
  Statement s(db_, "SELECT step, time, key, value, extra FROM metrics WHERE substr(key, 1, ?) = ? ORDER BY id");
  s.Bind(1, static_cast<int64_t>(key_prefix.size())).Bind(2, key_prefix);
  std::vector<MetricRow> rows;
  while (s.Step()) rows.push_back({s.Int(0), s.Double(1), s.Text(2), s.Double(3), s.Text(4)});
  return rows;
}

void Store::SetState(const std::string& key, const std::string& value) {
  std::lock_guard lock(mutex_);
  Statement s(db_, "INSERT INTO state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value");
  s.Bind(1, key).Bind(2, value);
  s.Step();
}

std::optional<std::string> Store::GetState(const std::string& key) const {
  std::lock_guard lock(mutex_);
  Statement s(db_, "SELECT value FROM state WHERE key = ?");
  s.Bind(1, key);
  if (!s.Step()) return std::nullopt;
  return s.Text(0);
}

}  // namespace descent::trainer
