// libFuzzer target: bytes sent to the trainer's HTTP server (Boost.Beast) on
// a real socket: request line, headers, token, body, uploaded games. The
// server must answer every request with a well-formed HTTP status (or close
// the connection) and go on serving.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <utility>  // before Boost 1.74 Asio, which needs std::exchange under C++20

#include <boost/asio.hpp>

#include "game/registry.h"
#include "trainer/server.h"

namespace {

using namespace descent;
using tcp = boost::asio::ip::tcp;

// The run behind the server: one network, games kept in memory.
class MemoryRun final : public trainer::ServerBackend {
 public:
  std::optional<trainer::NetworkOffer> NewestNetwork() override {
    return trainer::NetworkOffer{30, "net-new", "/nonexistent/descent-fuzz-net"};
  }
  std::optional<int64_t> NetworkGeneration(const std::string& hash) override {
    if (hash == "net-new") return 30;
    if (hash == "net-old") return 1;
    return std::nullopt;
  }
  trainer::StoreOutcome StoreGames(const std::vector<selfplay::GameRecord>& games) override {
    std::lock_guard lock(mutex_);
    trainer::StoreOutcome out;
    for (const auto& g : games) (uuids_.insert(g.uuid).second ? out.stored : out.duplicates)++;
    if (uuids_.size() > 10000) uuids_.clear();  // bounded memory over a long run
    return out;
  }
  std::string SelfPlayJson() override { return "{\"game\":\"tictactoe\"}"; }
  std::string StatusJson() override { return "{\"games\":1,\"run\":\"/secret\"}"; }

 private:
  std::mutex mutex_;
  std::set<std::string> uuids_;
};

std::unique_ptr<game::Game> game_;
std::unique_ptr<MemoryRun> run_;
std::unique_ptr<trainer::TrainerServer> server_;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  game_ = game::MakeGame("tictactoe");
  run_ = std::make_unique<MemoryRun>();
  trainer::ServerParams params;
  params.token = "fuzz-token";  // seeds carry it, so the fuzzer reaches past the 401
  params.max_body_bytes = 1 << 20;
  params.header_timeout_seconds = 2;
  params.io_timeout_seconds = 2;
  server_ = std::make_unique<trainer::TrainerServer>(*game_, *run_, params);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  boost::asio::io_context ioc;
  tcp::socket socket(ioc);
  const tcp::endpoint server(boost::asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(server_->port()));
  boost::system::error_code ec;
  // libFuzzer's timeout alarm (SIGALRM) can interrupt a blocking connect
  // (EINTR): start again on a fresh socket. Any other failure means the
  // server stopped accepting, a finding.
  for (int tries = 0; tries < 100; ++tries) {
    socket.close(ec);
    socket.connect(server, ec);
    if (ec != boost::asio::error::interrupted) break;
  }
  if (ec) std::abort();
  boost::asio::write(socket, boost::asio::buffer(data, size), ec);
  socket.shutdown(tcp::socket::shutdown_send, ec);
  std::string reply;
  char chunk[4096];
  for (size_t n; (n = socket.read_some(boost::asio::buffer(chunk), ec)) > 0 || !ec;) reply.append(chunk, n);
  // Nothing, or HTTP/1.1 responses (several, for pipelined requests).
  if (!reply.empty() && reply.rfind("HTTP/1.1 ", 0) != 0) std::abort();
  return 0;
}
