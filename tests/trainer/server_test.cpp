// The trainer's HTTP server with a real store behind it and the worker's
// real client in front, plus raw sockets for what no client should send.

#include "trainer/server.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <filesystem>
#include <fstream>
#include <thread>
#include <utility>

#include <boost/asio.hpp>
#include <nlohmann/json.hpp>

#include "game/registry.h"
#include "selfplay/trainer_client.h"
#include "trainer/store.h"
#include "tests/trainer/raw_http.h"

namespace descent::trainer {
namespace {

namespace fs = std::filesystem;
using tcp = boost::asio::ip::tcp;

constexpr const char* kToken = "s3cret-token";

selfplay::GameRecord Game(const std::string& uuid, const std::string& network = "net-new") {
  selfplay::GameRecord r;
  r.uuid = uuid;
  r.game_spec = "tictactoe";
  r.network = network;
  r.moves = {4, 0, 8, 2, 1, 7, 6, 3, 5};  // a full drawn game
  r.targets.push_back({0, {{4, 0.75f}, {0, 0.25f}}});
  r.result = 0;
  return r;
}

// The run's side, as descent train implements it: a real store.
class StoreBackend final : public ServerBackend {
 public:
  explicit StoreBackend(const fs::path& dir) : store_((dir / "store.sqlite").string()), weights_(dir / "net.bin") {
    std::ofstream(weights_, std::ios::binary) << std::string("weights-bytes\0\x01\x02", 16);
  }
  std::optional<NetworkOffer> NewestNetwork() override { return NetworkOffer{30, "net-new", weights_.string()}; }
  std::optional<int64_t> NetworkGeneration(const std::string& hash) override {
    if (hash == "net-new") return 30;
    if (hash == "net-recent") return 25;
    if (hash == "net-ancient") return 1;
    return std::nullopt;
  }
  StoreOutcome StoreGames(const std::vector<selfplay::GameRecord>& games) override {
    const int stored = store_.AddGames(games);
    return {stored, static_cast<int>(games.size()) - stored};
  }
  std::string SelfPlayJson() override { return "{\"game\":\"tictactoe\"}"; }
  // As the run's: its directory and the network's file are private.
  std::string StatusJson() override {
    return "{\"games\":" + std::to_string(store_.GameCount()) + ",\"run\":\"/secret/run/dir\",\"network\":{\"id\":30," +
           "\"file\":\"/secret/run/dir/nets/30.safetensors\"}}";
  }
  Store& store() { return store_; }
  std::string weights() const {
    std::ifstream in(weights_, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

 private:
  Store store_;
  fs::path weights_;
};

// Sends raw bytes, optionally half-closes, and returns all the server says.
std::string Post(const std::string& body, const std::string& extra_headers = "") {
  return "POST /v1/games HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + std::string(kToken) +
         "\r\nContent-Type: application/json\r\n" + extra_headers + "Content-Length: " + std::to_string(body.size()) +
         "\r\n\r\n" + body;
}

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("descent_server_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    game_ = game::MakeGame("tictactoe");
    backend_ = std::make_unique<StoreBackend>(dir_);
    server_ = std::make_unique<TrainerServer>(*game_, *backend_, Params());
  }
  // Bounds loose enough for tests that open connection after connection: a
  // closed connection's slot is given back when the server's session ends,
  // a moment after the client saw the close (longer under ThreadSanitizer).
  static ServerParams Params() {
    ServerParams params;
    params.token = kToken;
    params.max_body_bytes = 64 << 10;
    params.max_connections = 16;
    params.max_connections_per_address = 8;
    params.header_timeout_seconds = 1;
    params.io_timeout_seconds = 1;
    return params;
  }
  void TearDown() override {
    server_.reset();
    backend_.reset();
    fs::remove_all(dir_);
  }
  std::string Url() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }
  selfplay::TrainerClient Client(const std::string& token = kToken) { return {Url(), token, "test-worker", 5}; }
  // The server still answers, and the store holds `games` games.
  void ExpectServingWith(int64_t games) {
    EXPECT_NE(Client().GetJson("/v1/status").find("\"games\": " + std::to_string(games)), std::string::npos);
    EXPECT_EQ(backend_->store().GameCount(), games);
  }

  fs::path dir_;
  std::unique_ptr<game::Game> game_;
  std::unique_ptr<StoreBackend> backend_;
  std::unique_ptr<TrainerServer> server_;
};

TEST_F(ServerTest, GamesAreStoredOnceAndNetworksServed) {
  auto client = Client();
  const auto ack = client.UploadGames({selfplay::ToJson(Game("g1")), selfplay::ToJson(Game("g2"))});
  EXPECT_EQ(ack.stored, 2);
  const auto retry = client.UploadGames({selfplay::ToJson(Game("g2")), selfplay::ToJson(Game("g3"))});
  EXPECT_EQ(retry.stored, 1);
  EXPECT_EQ(retry.duplicates, 1);
  // Too old a network: refused as stale, not stored; within the lag: kept.
  const auto stale = client.UploadGames({selfplay::ToJson(Game("g4", "net-ancient")), selfplay::ToJson(Game("g5", "net-recent"))});
  EXPECT_EQ(stale.stored, 1);
  EXPECT_EQ(stale.stale, 1);
  EXPECT_EQ(stale.stale_uuids, std::vector<std::string>{"g4"});
  ExpectServingWith(4);

  const auto net = client.FetchNetwork("");
  ASSERT_TRUE(net.has_value());
  EXPECT_EQ(net->id, 30);
  EXPECT_EQ(net->hash, "net-new");
  EXPECT_EQ(net->game_spec, "tictactoe");
  EXPECT_EQ(net->bytes, backend_->weights());
  EXPECT_FALSE(client.FetchNetwork("net-new").has_value());  // 304: nothing new
  EXPECT_EQ(client.GetJson("/v1/selfplay"), "{\"game\":\"tictactoe\"}");
  const std::string status = client.GetJson("/v1/status");
  EXPECT_NE(status.find("\"name\": \"test-worker\""), std::string::npos) << status;
  EXPECT_NE(status.find("/secret/run/dir"), std::string::npos) << status;
  // The page needs no token: a scoreboard without paths or worker names.
  const std::string page = Raw(server_->port(), "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(StatusOf(page), 200);
  EXPECT_EQ(page.find("test-worker"), std::string::npos) << page;
  EXPECT_EQ(page.find("/secret"), std::string::npos) << page;
  EXPECT_NE(page.find("<th>games delivered</th><td>4</td>"), std::string::npos) << page;
}

TEST_F(ServerTest, MissingOrWrongTokenIsRefusedAndNothingStored) {
  const std::string body = "{\"games\":[" + selfplay::ToJson(Game("t1")) + "]}";
  const std::string no_token = "POST /v1/games HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(body.size()) +
                               "\r\n\r\n" + body;
  EXPECT_EQ(StatusOf(Raw(server_->port(), no_token)), 401);
  auto wrong = Client("guess");
  try {
    wrong.UploadGames({selfplay::ToJson(Game("t1"))});
    ADD_FAILURE() << "a wrong token was accepted";
  } catch (const selfplay::RefusedError& e) {
    EXPECT_EQ(e.status, 401);
  }
  EXPECT_THROW(wrong.FetchNetwork(""), selfplay::RefusedError);
  ExpectServingWith(0);
}

TEST_F(ServerTest, BadRequestsGetTheirStatusAndChangeNothing) {
  const int port = server_->port();
  const std::string good = "{\"games\":[" + selfplay::ToJson(Game("b1")) + "]}";
  // Truncated: the body stops short of Content-Length and the client hangs up.
  std::string truncated = Post(good);
  truncated.resize(truncated.size() - 40);
  EXPECT_EQ(StatusOf(Raw(port, truncated)), 400);
  // Over the body limit.
  const std::string huge = "{\"games\":[\"" + std::string(100 << 10, 'x') + "\"]}";
  EXPECT_EQ(StatusOf(Raw(port, Post(huge))), 413);
  // Garbage instead of HTTP, and an overlong header.
  EXPECT_EQ(StatusOf(Raw(port, std::string("\x16\x03\x01garbage\r\n\r\n", 15))), 400);
  EXPECT_EQ(StatusOf(Raw(port, Post(good, "X-Pad: " + std::string(20000, 'p') + "\r\n"))), 431);
  // Well-formed HTTP, bad content.
  EXPECT_EQ(StatusOf(Raw(port, Post("not json"))), 400);
  // Bytes that are not UTF-8: 400 with a reply that is valid JSON (the
  // error quotes what it read), not a 500 from encoding the reply.
  const std::string latin1 = Raw(port, Post("{\"games\":[\"caf\xe9 \xff\xfe\"]}"));
  EXPECT_EQ(StatusOf(latin1), 400) << latin1;
  EXPECT_TRUE(nlohmann::json::accept(latin1.substr(latin1.find("\r\n\r\n") + 4))) << latin1;
  // Nested 30,000 deep (under the 64 KiB test limit; the real one, 32 MiB,
  // allows far deeper): refused, not a crash.
  EXPECT_EQ(StatusOf(Raw(port, Post("{\"games\": " + std::string(30000, '[') + std::string(30000, ']') + "}"))), 400);
  EXPECT_EQ(StatusOf(Raw(port, Post("{\"games\": 3}"))), 400);
  selfplay::GameRecord other_game = Game("b2");
  other_game.game_spec = "connect4";
  selfplay::GameRecord illegal = Game("b3");
  illegal.moves[3] = 4;  // on an occupied cell
  selfplay::GameRecord wrong_result = Game("b4");
  wrong_result.result = 1;
  selfplay::GameRecord unknown_net = Game("b5", "net-from-elsewhere");
  for (const auto* bad : {&other_game, &illegal, &wrong_result, &unknown_net}) {
    // One bad game spoils its batch: the good one beside it is not stored.
    const std::string body = "{\"games\":[" + selfplay::ToJson(Game("b6")) + "," + selfplay::ToJson(*bad) + "]}";
    EXPECT_EQ(StatusOf(Raw(port, Post(body))), 422) << bad->uuid;
  }
  EXPECT_EQ(StatusOf(Raw(port, "GET /v1/games HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer s3cret-token\r\n\r\n")), 405);
  EXPECT_EQ(StatusOf(Raw(port, "GET /nothing HTTP/1.1\r\nHost: x\r\n\r\n")), 404);
  ExpectServingWith(0);
  EXPECT_EQ(StatusOf(Raw(port, Post(good))), 200);
  ExpectServingWith(1);
}

TEST_F(ServerTest, SlowClientsAreDroppedAndConnectionsBounded) {
  ServerParams params = Params();
  params.max_connections = 4;
  params.max_connections_per_address = 2;
  server_.reset();
  server_ = std::make_unique<TrainerServer>(*game_, *backend_, params);
  const int port = server_->port();
  boost::asio::io_context ioc;
  const tcp::endpoint endpoint(boost::asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port));
  // A client that starts a request and stalls is cut off after the timeout.
  tcp::socket slow(ioc);
  slow.connect(endpoint);
  boost::asio::write(slow, boost::asio::buffer(std::string("GET /v1/status HTTP/1.1\r\nHo")));
  char byte;
  boost::system::error_code ec;
  const auto start = std::chrono::steady_clock::now();
  slow.read_some(boost::asio::buffer(&byte, 1), ec);
  EXPECT_TRUE(ec == boost::asio::error::eof || ec == boost::asio::error::connection_reset) << ec.message();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));  // not left hanging

  // Idle clients on one address hold at most max_connections_per_address
  // (2) slots: the next from there is answered 503, others are served.
  std::vector<tcp::socket> idle;
  auto connect_from = [&](const char* address) {
    tcp::socket& s = idle.emplace_back(ioc);
    s.open(tcp::v4());
    s.bind(tcp::endpoint(boost::asio::ip::make_address(address), 0));
    s.connect(endpoint);
    return &s;
  };
  for (int i = 0; i < 2; ++i) connect_from("127.0.0.2");
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  tcp::socket* third = connect_from("127.0.0.2");
  boost::asio::write(*third, boost::asio::buffer(std::string("GET / HTTP/1.1\r\nHost: x\r\n\r\n")));
  std::string refused(200, '\0');
  refused.resize(third->read_some(boost::asio::buffer(refused), ec));
  EXPECT_EQ(StatusOf(refused), 503);
  EXPECT_NE(refused.find("too many connections from 127.0.0.2"), std::string::npos) << refused;
  ExpectServingWith(0);
  // Beyond max_connections (4) in all, a connection is answered 503.
  idle.clear();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  for (const char* address : {"127.0.0.2", "127.0.0.2", "127.0.0.3", "127.0.0.3"}) connect_from(address);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(StatusOf(Raw(port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")), 503);
  idle.clear();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  ExpectServingWith(0);
}

// A run page whose data takes until the test releases it.
class SlowPages final : public RunPageSource {
 public:
  std::optional<PageFile> File(std::string_view) const override { return std::nullopt; }
  InspectReply Get(const std::string&, const std::map<std::string, std::string>&) override {
    std::unique_lock lock(mutex_);
    waiting_ = true;
    cv_.notify_all();
    cv_.wait(lock, [&] { return released_; });
    waiting_ = false;
    return {200, "{\"slow\": true}"};
  }
  void WaitUntilAsked() {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [&] { return waiting_; });
  }
  bool Waiting() {
    std::lock_guard lock(mutex_);
    return waiting_;
  }
  void Release() {
    std::lock_guard lock(mutex_);
    released_ = true;
    cv_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool waiting_ = false, released_ = false;
};

TEST_F(ServerTest, SlowRunPageRequestsDoNotHoldUpWorkers) {
  SlowPages pages;
  ServerParams params = Params();
  params.threads = 1;  // one I/O thread: a request computed on it would block every other
  params.io_timeout_seconds = 30;
  TrainerServer server(*game_, *backend_, params, &pages);
  const std::string get = "GET /api/slow HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  std::string slow_reply;
  std::thread slow([&] { slow_reply = Raw(server.port(), get); });
  pages.WaitUntilAsked();
  // Released once the worker's request is answered, or after 10 s whatever
  // happens, so a server that blocks fails the check below instead of
  // hanging the test.
  std::atomic<bool> answered{false};
  std::thread release([&] {
    for (int i = 0; i < 100 && !answered; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    pages.Release();
  });
  const std::string status = Raw(server.port(), "GET /v1/status HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                                                    std::string(kToken) + "\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(StatusOf(status), 200);
  EXPECT_TRUE(pages.Waiting()) << "the worker's request waited for the run page's";
  answered = true;
  release.join();
  slow.join();
  EXPECT_EQ(StatusOf(slow_reply), 200);
  EXPECT_NE(slow_reply.find("\"slow\": true"), std::string::npos);
}

TEST(ServerSetup, RefusesToStartWithoutTokenOrOnABadAddress) {
  const auto game = game::MakeGame("tictactoe");
  const fs::path dir = fs::temp_directory_path() / ("descent_server_setup_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  StoreBackend backend(dir);
  EXPECT_THROW(TrainerServer(*game, backend, ServerParams{}), game::UserError);
  ServerParams params;
  params.token = kToken;
  params.host = "not-an-address";
  EXPECT_THROW(TrainerServer(*game, backend, params), game::UserError);
  EXPECT_THROW(selfplay::TrainerClient("https://x:1", kToken, "w"), game::UserError);
  EXPECT_THROW(selfplay::TrainerClient("http://x:port", kToken, "w"), game::UserError);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace descent::trainer
