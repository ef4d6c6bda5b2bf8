#pragma once
// The worker's side of the trainer link (selfplay/protocol.h): HTTP/1.1
// over Boost.Beast, one connection per request, every step under a timeout.
// Not thread-safe: one client per thread.

#include <optional>
#include <string>
#include <vector>

#include "game/user_error.h"

namespace descent::selfplay {

// The trainer could not be reached or failed (connection refused, timeout,
// 5xx): worth retrying later.
struct TransientError : game::UserError {
  using game::UserError::UserError;
};
// The trainer refused the request itself (4xx): retrying the same request
// cannot help. `status` is the HTTP status.
struct RefusedError : game::UserError {
  RefusedError(int status, const std::string& what) : game::UserError(what), status(status) {}
  int status;
};

struct DownloadedNetwork {
  int64_t id = 0;
  std::string hash;
  std::string game_spec;
  std::string bytes;  // the weights file
};

struct UploadAck {
  int stored = 0, duplicates = 0, stale = 0;
  std::vector<std::string> stale_uuids;  // refused as stale: not stored
};

// The first line of a token file (trainer's RUN/token, a worker's
// --token-file), trailing whitespace dropped. Throws game::UserError when
// the file cannot be read or holds no token.
std::string ReadTokenFile(const std::string& path);

class TrainerClient {
 public:
  // `url`: http://HOST:PORT (a path prefix is allowed, for proxies). Throws
  // game::UserError for a URL it cannot use.
  TrainerClient(const std::string& url, const std::string& token, const std::string& worker_name,
                double timeout_seconds = 30);

  // The newest network, or nullopt when it is still `known_hash`.
  std::optional<DownloadedNetwork> FetchNetwork(const std::string& known_hash);
  // Sends finished games (each a JSON game record); returns once the trainer
  // has committed them.
  UploadAck UploadGames(const std::vector<std::string>& game_json);
  // GET of a JSON path (/v1/selfplay, /v1/status): the body.
  std::string GetJson(const std::string& path);

  const std::string& url() const { return url_; }

 private:
  struct Response {
    int status = 0;
    std::string body;
    std::string etag, network_id, game;
  };
  Response Exchange(const std::string& method, const std::string& path, const std::string& body,
                    const std::string& if_none_match);

  std::string url_, host_, port_, prefix_;
  std::string token_, worker_;
  double timeout_seconds_;
};

}  // namespace descent::selfplay
