#pragma once
// The trainer's HTTP/1.1 server (Boost.Beast on Asio) for self-play workers
// on this or other machines; the protocol is in selfplay/protocol.h.
//
// It owns its threads: construction binds and starts serving, destruction
// stops. Requests are checked here (token, sizes, JSON, every game replayed
// against the rules, the network's age) before the backend sees them; a bad
// request gets a 4xx and changes nothing, and the server goes on serving.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "game/game.h"
#include "selfplay/game_record.h"

namespace descent::trainer {

struct ServerParams {
  std::string host = "127.0.0.1";
  int port = 0;  // 0: any free port (see TrainerServer::port())
  std::string token;  // required: the server refuses to start without one
  // A POST larger than this gets 413. A batch of 64 9x9 games with every
  // target is ~2 MB of JSON; 19x19 about 4x that. 32 MB leaves room and
  // bounds what one request can make the server hold.
  size_t max_body_bytes = 32u << 20;
  size_t max_header_bytes = 8u << 10;  // more gets 431
  // Connections beyond this are answered 503 and closed.
  int max_connections = 64;
  // Connections from one client address beyond this are answered 503 and
  // closed, so a handful of slow clients cannot take all max_connections
  // slots (measured: ~70 stalled connections locked workers out for ~30 s).
  // A worker holds one connection at a time; 8 leaves room for several
  // workers behind one NAT address.
  int max_connections_per_address = 8;
  // A request's headers must arrive within header_timeout_seconds of the
  // previous request (or of connecting), and its body within
  // io_timeout_seconds more: slow or stalled clients are dropped. Headers
  // are under 1 KB from a worker; a 32 MB body on a slow link needs longer.
  double header_timeout_seconds = 10;
  double io_timeout_seconds = 30;
  int threads = 2;
  // Games played by a network more than this many generations older than
  // the newest are refused (counted as "stale", not stored): their targets
  // teach what an old network thought, and a worker only falls that far
  // behind when it was cut off for a while (workers poll every few
  // seconds). 20 generations are 4,000 training steps with the default
  // publish interval, about 15 s in a tic-tac-toe run that publishes every
  // second.
  int max_network_lag = 20;
  // Go: a game may have a komi this far from the run's (self-play's
  // komi_spread; selfplay::MaxKomiOffset); 0: the run's komi only.
  float max_komi_offset = 0;
  // Smaller Go boards the run also plays, comma-separated
  // (SelfPlayParams::mixed_board): workers' games on them are accepted too.
  // "": none.
  std::string mixed_board;
};

// "HOST:PORT" (port 0..65535) as given to --listen; game::UserError names
// what is wrong.
std::pair<std::string, int> ParseListenAddress(const std::string& listen);

struct NetworkOffer {
  int64_t id = 0;  // generation: 1, 2, ...
  std::string hash;
  std::string path;  // the weights file
};

struct StoreOutcome {
  int stored = 0, duplicates = 0;
};

// What the server needs from the training run. Called from server threads,
// concurrently: implementations must be thread-safe.
class ServerBackend {
 public:
  virtual ~ServerBackend() = default;
  virtual std::optional<NetworkOffer> NewestNetwork() = 0;
  // The generation of the network with this content hash; nullopt: unknown.
  virtual std::optional<int64_t> NetworkGeneration(const std::string& hash) = 0;
  // Stores valid games; returns once they are committed (acknowledged).
  virtual StoreOutcome StoreGames(const std::vector<selfplay::GameRecord>& games) = 0;
  // JSON objects: the self-play settings, and the run's status (the server
  // adds its per-worker counts to the latter).
  virtual std::string SelfPlayJson() = 0;
  virtual std::string StatusJson() = 0;
};

// The query string of a request target ("/api/game?id=3&x=a%20b"): name ->
// URL-decoded value (the last of repeated names; a malformed %-escape stays
// as it is).
std::map<std::string, std::string> ParseQuery(std::string_view target);

struct InspectReply {
  int status = 200;  // HTTP status: 200, or 4xx/5xx with {"error": ...}
  std::string body;  // JSON
};

struct PageFile {
  std::string_view content_type;
  std::string_view text;
};

// What the server needs to serve the run page (read-only): its files and
// the JSON behind it (trainer/run_inspector.h implements it). Called from
// server threads, concurrently: implementations must be thread-safe.
class RunPageSource {
 public:
  virtual ~RunPageSource() = default;
  // A file of the page by name ("inspect.html" for /run, NAME for
  // /static/NAME); nullopt when there is none.
  virtual std::optional<PageFile> File(std::string_view name) const = 0;
  // The JSON of GET `path` ("/api/...") with its query parameters.
  virtual InspectReply Get(const std::string& path, const std::map<std::string, std::string>& query) = 0;
};

class TrainerServer {
 public:
  // Binds host:port and starts serving. Throws game::UserError when the
  // address cannot be bound or the token is empty. With `inspector`, it
  // also serves the run page (/run, /static/..., /api/...; read-only; the
  // data behind the token unless the address is a loopback one). The
  // backend and inspector must outlive the server.
  TrainerServer(const game::Game& game, ServerBackend& backend, const ServerParams& params,
                RunPageSource* inspector = nullptr);
  // The run page only (descent inspect): no worker endpoints.
  TrainerServer(const game::Game& game, RunPageSource& inspector, const ServerParams& params);
  ~TrainerServer();
  TrainerServer(const TrainerServer&) = delete;
  TrainerServer& operator=(const TrainerServer&) = delete;

  int port() const;
  // Workers seen so far: name, games stored, last contact (unix time).
  struct WorkerInfo {
    std::string name;
    int64_t games = 0, duplicates = 0, stale = 0, requests = 0;
    double last_contact = 0;
  };
  std::vector<WorkerInfo> Workers() const;

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace descent::trainer
