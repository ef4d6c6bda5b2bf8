#include "trainer/server.h"

#include <atomic>
#include <chrono>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>
#include <utility>  // before Boost 1.74 Asio, which needs std::exchange under C++20

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "game/game_variants.h"
#include "game/user_error.h"
#include "selfplay/protocol.h"
#include "net/bounded_json.h"

namespace descent::trainer {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace protocol = selfplay::protocol;
using tcp = asio::ip::tcp;
using Json = nlohmann::json;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;
using game::UserError;

namespace {

double UnixNow() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

Response Reply(http::status status, std::string body, std::string_view type = "application/json") {
  Response res{status, 11};
  res.set(http::field::server, "descent");
  res.set(http::field::content_type, std::string(type));
  res.body() = std::move(body);
  return res;
}

// The message may quote what the client sent (a bad UUID, a parser's view of
// the body): bytes that are not UTF-8 are replaced, so the reply can always
// be encoded and a bad body gets its 4xx, not a 500.
Response ErrorReply(http::status status, const std::string& why) {
  return Reply(status, Json{{"error", why}}.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n");
}

// Compares without stopping at the first difference, so the time taken
// does not tell an attacker how much of a guessed token was right.
bool SameSecret(std::string_view a, std::string_view b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i % std::max<size_t>(1, b.size())]);
  return diff == 0;
}

// A worker's self-chosen name, as it may appear in JSON and HTML.
std::string WorkerName(std::string_view raw) {
  std::string name;
  for (char c : raw.substr(0, 64)) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == ':' || c == '@') name += c;
  }
  return name.empty() ? "anonymous" : name;
}

std::string HtmlEscape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// URL decoding: %XX and '+'; a malformed escape stays as it is.
std::string UrlDecode(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%' && i + 2 < text.size() && HexDigit(text[i + 1]) >= 0 && HexDigit(text[i + 2]) >= 0) {
      out += static_cast<char>(HexDigit(text[i + 1]) * 16 + HexDigit(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::string ScalarText(const Json& value) { return value.is_string() ? value.get<std::string>() : value.dump(); }

}  // namespace

class TrainerServer::Impl {
 public:
  Impl(const game::Game& game, ServerBackend* backend, RunPageSource* inspector, const ServerParams& params);
  ~Impl();

  void Accept();
  Response Handle(const Request& req);
  std::vector<WorkerInfo> Workers() const;

  const ServerParams params_;
  std::atomic<int> connections_{0};
  int port_ = 0;
  // Declared before ioc_, so they outlive it: sessions still queued in the
  // io_context are destroyed with it and unregister here (a use after free
  // at shutdown otherwise; found by tests/fuzz/fuzz_http).
  std::mutex addresses_mutex_;
  std::map<std::string, int> per_address_;

  // Connections per client address, so a few slow clients on one address
  // cannot take every slot. Open returns false when the address has too many.
  bool OpenFrom(const std::string& address);
  void CloseFrom(const std::string& address);

 private:
  Response Games(const Request& req, const std::string& worker);
  Response Network(const Request& req);
  Json Status() const;
  Response RunPage(const Request& req, const std::string& path, const std::string& target);
  std::string Page() const;
  WorkerInfo& Note(const std::string& worker);

  const game::Game& game_;
  game::GameVariants variants_;  // the komi and board a worker's game may have
  ServerBackend* backend_;     // null: the run page only (descent inspect)
  RunPageSource* inspector_;   // null: no run page
  bool loopback_ = false;      // listening on a loopback address
  asio::io_context ioc_;
  tcp::acceptor acceptor_;
  std::vector<std::thread> threads_;
  mutable std::mutex workers_mutex_;

 public:
  // The run page's /api/ requests, computed one at a time off the I/O
  // threads; null without a run page. Stopped before the io_context goes.
  std::unique_ptr<asio::thread_pool> page_pool_;

 private:
  std::map<std::string, WorkerInfo> workers_;
};

namespace {

// One connection: reads requests one after another (keep-alive), each under
// the size limits and the timeout, and answers each.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, TrainerServer::Impl& server) : stream_(std::move(socket)), server_(server) {
    ++server_.connections_;
    beast::error_code ec;
    const tcp::endpoint peer = stream_.socket().remote_endpoint(ec);
    address_ = ec ? std::string("unknown") : peer.address().to_string();
    counted_ = server_.OpenFrom(address_);
  }
  ~Session() {
    --server_.connections_;
    if (counted_) server_.CloseFrom(address_);
  }

  void Start() {
    if (!counted_) {
      Send(ErrorReply(http::status::service_unavailable, "too many connections from " + address_ + "; try again later"),
           true);
      return;
    }
    if (server_.connections_ > server_.params_.max_connections) {
      Send(ErrorReply(http::status::service_unavailable, "too many connections; try again later"), true);
      return;
    }
    Read();
  }

 private:
  static std::chrono::steady_clock::duration Duration(double seconds) {
    return std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(seconds));
  }
  std::chrono::steady_clock::duration Timeout() const { return Duration(server_.params_.io_timeout_seconds); }

  // The headers must arrive within header_timeout_seconds of the previous
  // request (or of connecting), the body within io_timeout_seconds more.
  void Read() {
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(server_.params_.max_header_bytes));
    parser_->body_limit(server_.params_.max_body_bytes);
    stream_.expires_after(Duration(server_.params_.header_timeout_seconds));
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&Session::OnHeader, shared_from_this()));
  }

  void OnHeader(beast::error_code ec, size_t bytes) {
    if (ec || parser_->is_done()) return OnRead(ec, bytes);
    stream_.expires_after(Timeout());
    http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&Session::OnRead, shared_from_this()));
  }

  void OnRead(beast::error_code ec, size_t) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::operation_aborted ||
        ec == asio::error::connection_reset) {
      return Close();
    }
    if (ec == http::error::body_limit) {
      return Send(ErrorReply(http::status::payload_too_large,
                             "body larger than " + std::to_string(server_.params_.max_body_bytes) + " bytes"),
                  true);
    }
    if (ec == http::error::header_limit) {
      return Send(ErrorReply(http::status::request_header_fields_too_large, "headers too large"), true);
    }
    if (ec) return Send(ErrorReply(http::status::bad_request, "malformed or truncated request: " + ec.message()), true);
    Request req = parser_->release();
    const bool close = !req.keep_alive();
    const std::string_view target(req.target().data(), req.target().size());
    if (server_.page_pool_ && target.rfind("/api/", 0) == 0) {
      // The run page's data may take seconds to compute: off the I/O threads,
      // so workers' uploads are not held up behind it.
      asio::post(*server_.page_pool_, [self = shared_from_this(), req = std::move(req), close] {
        Response res = self->Answer(req);
        asio::post(self->stream_.get_executor(),
                   [self, res = std::move(res), close]() mutable { self->Send(std::move(res), close); });
      });
      return;
    }
    Send(Answer(req), close);
  }

  Response Answer(const Request& req) {
    try {
      return server_.Handle(req);
    } catch (const std::exception& e) {
      return ErrorReply(http::status::internal_server_error, e.what());
    }
  }

  void Send(Response res, bool close) {
    res.keep_alive(!close);
    res.prepare_payload();
    auto message = std::make_shared<Response>(std::move(res));
    stream_.expires_after(Timeout());
    http::async_write(stream_, *message, [self = shared_from_this(), message, close](beast::error_code ec, size_t) {
      if (ec) return self->Close();
      if (close) return self->Drain();
      self->Read();
    });
  }

  // After an error answer: stop sending, then read and drop what the client
  // still sends (briefly), so that closing does not reset the connection
  // before the client has read the answer.
  void Drain() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(std::chrono::seconds(2));
    stream_.async_read_some(asio::buffer(drain_), [self = shared_from_this()](beast::error_code ec, size_t) {
      if (!ec) self->Drain();
    });
  }

  void Close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  }

  beast::tcp_stream stream_;
  TrainerServer::Impl& server_;
  std::string address_;
  bool counted_ = false;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  char drain_[4096];
};

}  // namespace

TrainerServer::Impl::Impl(const game::Game& game, ServerBackend* backend, RunPageSource* inspector,
                          const ServerParams& params)
    : params_(params),
      game_(game),
      variants_(game, params.max_komi_offset),
      backend_(backend), inspector_(inspector), ioc_(std::max(1, params.threads)), acceptor_(ioc_) {
  variants_.AddBoards(params.mixed_board);
  if (params.token.empty()) throw UserError("the server needs a token (--token or --token-file)");
  const std::string where = params.host + ":" + std::to_string(params.port);
  beast::error_code ec;
  const asio::ip::address address = asio::ip::make_address(params.host, ec);
  if (ec) throw UserError("'" + params.host + "' is not an IP address to listen on");
  loopback_ = address.is_loopback();
  const tcp::endpoint endpoint(address, static_cast<unsigned short>(params.port));
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) throw UserError("cannot listen on " + where + ": " + ec.message());
  port_ = acceptor_.local_endpoint().port();
  if (inspector_) page_pool_ = std::make_unique<asio::thread_pool>(1);
  Accept();
  for (int i = 0; i < std::max(1, params.threads); ++i) threads_.emplace_back([this] { ioc_.run(); });
}

TrainerServer::Impl::~Impl() {
  if (page_pool_) {
    page_pool_->stop();
    page_pool_->join();
  }
  ioc_.stop();
  for (std::thread& t : threads_) t.join();
}

bool TrainerServer::Impl::OpenFrom(const std::string& address) {
  std::lock_guard lock(addresses_mutex_);
  int& open = per_address_[address];
  if (open >= params_.max_connections_per_address) {
    if (open == 0) per_address_.erase(address);
    return false;
  }
  ++open;
  return true;
}

void TrainerServer::Impl::CloseFrom(const std::string& address) {
  std::lock_guard lock(addresses_mutex_);
  const auto it = per_address_.find(address);
  if (it != per_address_.end() && --it->second <= 0) per_address_.erase(it);
}

void TrainerServer::Impl::Accept() {
  acceptor_.async_accept(asio::make_strand(ioc_), [this](beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted) return;
    if (!ec) std::make_shared<Session>(std::move(socket), *this)->Start();
    Accept();
  });
}

TrainerServer::WorkerInfo& TrainerServer::Impl::Note(const std::string& worker) {
  WorkerInfo& info = workers_[worker];
  info.name = worker;
  info.requests += 1;
  info.last_contact = UnixNow();
  return info;
}

std::vector<TrainerServer::WorkerInfo> TrainerServer::Impl::Workers() const {
  std::lock_guard lock(workers_mutex_);
  std::vector<WorkerInfo> out;
  for (const auto& [name, info] : workers_) out.push_back(info);
  return out;
}

Response TrainerServer::Impl::Handle(const Request& req) {
  const std::string target(req.target().data(), req.target().size());
  const std::string path = target.substr(0, target.find('?'));
  if (path == "/run" || path.rfind("/api/", 0) == 0 || path.rfind("/static/", 0) == 0) {
    return RunPage(req, path, target);
  }
  if (!backend_) {
    if (path == "/") {
      Response res = Reply(http::status::found, "", "text/plain");
      res.set(http::field::location, "/run");
      return res;
    }
    return ErrorReply(http::status::not_found, "no such path: " + path + " (this server serves the run page, /run)");
  }
  if (path == "/") {
    if (req.method() != http::verb::get) return ErrorReply(http::status::method_not_allowed, "GET only");
    return Reply(http::status::ok, Page(), "text/html; charset=utf-8");
  }
  if (path != protocol::kNetworkPath && path != protocol::kGamesPath && path != protocol::kSelfPlayPath &&
      path != protocol::kStatusPath) {
    return ErrorReply(http::status::not_found, "no such path: " + path);
  }
  const std::string auth(req[http::field::authorization]);
  if (auth.rfind("Bearer ", 0) != 0 || !SameSecret(std::string_view(auth).substr(7), params_.token)) {
    Response res = ErrorReply(http::status::unauthorized, auth.empty() ? "a bearer token is needed" : "wrong token");
    res.set(http::field::www_authenticate, "Bearer realm=\"descent\"");
    return res;
  }
  const std::string worker = WorkerName(std::string(req[protocol::kWorkerHeader]));
  {
    std::lock_guard lock(workers_mutex_);
    Note(worker);
  }
  const bool post = path == protocol::kGamesPath;
  if (req.method() != (post ? http::verb::post : http::verb::get)) {
    return ErrorReply(http::status::method_not_allowed, post ? "POST only" : "GET only");
  }
  if (post) return Games(req, worker);
  if (path == protocol::kNetworkPath) return Network(req);
  if (path == protocol::kSelfPlayPath) return Reply(http::status::ok, backend_->SelfPlayJson());
  return Reply(http::status::ok, Status().dump(2) + "\n");
}

// The run page (/run), its scripts (/static/...) and the JSON behind it
// (/api/...). Read-only. The page and scripts hold no data and are served to
// anyone; the data needs the token (a bearer header or ?token=) unless the
// server listens on a loopback address only.
Response TrainerServer::Impl::RunPage(const Request& req, const std::string& path, const std::string& target) {
  if (!inspector_) return ErrorReply(http::status::not_found, "this server has no run page");
  if (req.method() != http::verb::get) return ErrorReply(http::status::method_not_allowed, "GET only");
  if (path == "/run" || path.rfind("/static/", 0) == 0) {
    const auto file = inspector_->File(path == "/run" ? "inspect.html" : std::string_view(path).substr(8));
    if (!file) return ErrorReply(http::status::not_found, "no such file: " + path);
    Response res = Reply(http::status::ok, std::string(file->text), file->content_type);
    res.set(http::field::cache_control, "no-cache");
    return res;
  }
  const auto query = ParseQuery(target);
  if (!loopback_) {
    const std::string auth(req[http::field::authorization]);
    const auto token = query.find("token");
    const bool ok = (auth.rfind("Bearer ", 0) == 0 && SameSecret(std::string_view(auth).substr(7), params_.token)) ||
                    (token != query.end() && SameSecret(token->second, params_.token));
    if (!ok) {
      Response res = ErrorReply(http::status::unauthorized, "the run's data needs its token (Authorization: Bearer, or ?token=)");
      res.set(http::field::www_authenticate, "Bearer realm=\"descent\"");
      return res;
    }
  }
  const InspectReply reply = inspector_->Get(path, query);
  Response res = Reply(static_cast<http::status>(reply.status), reply.body + "\n");
  res.set(http::field::cache_control, "no-store");
  return res;
}

Response TrainerServer::Impl::Network(const Request& req) {
  const std::optional<NetworkOffer> offer = backend_->NewestNetwork();
  if (!offer) return ErrorReply(http::status::service_unavailable, "no network published yet");
  const std::string etag = "\"" + offer->hash + "\"";
  if (req[http::field::if_none_match] == etag) {
    Response res{http::status::not_modified, 11};
    res.set(http::field::etag, etag);
    return res;
  }
  std::ifstream in(offer->path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  if (!in) return ErrorReply(http::status::service_unavailable, "the newest network cannot be read now");
  Response res = Reply(http::status::ok, bytes.str(), "application/octet-stream");
  res.set(http::field::etag, etag);
  res.set(protocol::kNetworkIdHeader, std::to_string(offer->id));
  res.set(protocol::kNetworkHashHeader, offer->hash);
  res.set(protocol::kGameHeader, game_.Spec());
  return res;
}

Response TrainerServer::Impl::Games(const Request& req, const std::string& worker) {
  Json body;
  try {
    body = net::ParseBoundedJson(req.body());
  } catch (const Json::exception& e) {
    return ErrorReply(http::status::bad_request, std::string("the body is not JSON: ") + e.what());
  }
  if (!body.is_object() || !body.contains("games") || !body["games"].is_array()) {
    return ErrorReply(http::status::bad_request, "the body must be {\"games\": [...]}");
  }
  // Every game checked before any is stored: a bad batch stores nothing.
  std::vector<selfplay::GameRecord> games;
  const std::optional<NetworkOffer> newest = backend_->NewestNetwork();
  Json stale_uuids = Json::array();
  std::map<std::string, std::optional<int64_t>> generations;
  for (const Json& item : body["games"]) {
    selfplay::GameRecord record;
    try {
      record = selfplay::ParseGameRecord(item.dump());
      const game::Game* variant = nullptr;
      try {
        variant = &variants_.ForSpec(record.game_spec);
      } catch (const UserError& e) {
        throw UserError("game " + record.uuid + ": " + e.what());
      }
      selfplay::ValidateGameRecord(*variant, record);
    } catch (const UserError& e) {
      return ErrorReply(http::status::unprocessable_entity, e.what());
    }
    auto known = generations.find(record.network);  // one lookup per network, not per game
    if (known == generations.end()) known = generations.emplace(record.network, backend_->NetworkGeneration(record.network)).first;
    const std::optional<int64_t> generation = known->second;
    if (!generation) {
      return ErrorReply(http::status::unprocessable_entity,
                        "game " + record.uuid + " was played by network '" + record.network + "', unknown to this run");
    }
    if (newest && newest->id - *generation > params_.max_network_lag) {
      stale_uuids.push_back(record.uuid);
      continue;
    }
    games.push_back(std::move(record));
  }
  StoreOutcome outcome;
  try {
    outcome = backend_->StoreGames(games);
  } catch (const UserError& e) {
    return ErrorReply(http::status::service_unavailable, std::string("not stored: ") + e.what());
  }
  {
    std::lock_guard lock(workers_mutex_);
    WorkerInfo& info = workers_[worker];  // noted when the request came in
    info.games += outcome.stored;
    info.duplicates += outcome.duplicates;
    info.stale += static_cast<int64_t>(stale_uuids.size());
  }
  // Stale games are named, so the worker logs them apart from the games the
  // store now holds.
  return Reply(http::status::ok, Json{{"stored", outcome.stored},
                                      {"duplicates", outcome.duplicates},
                                      {"stale", stale_uuids.size()},
                                      {"stale_uuids", stale_uuids}}
                                     .dump(-1, ' ', false, Json::error_handler_t::replace) +
                                     "\n");
}

Json TrainerServer::Impl::Status() const {
  Json status;
  try {
    status = Json::parse(backend_->StatusJson());
  } catch (const Json::exception&) {
    status = Json::object();
  }
  const double now = UnixNow();
  Json workers = Json::array();
  for (const WorkerInfo& w : Workers()) {
    workers.push_back({{"name", w.name},
                       {"games", w.games},
                       {"duplicates", w.duplicates},
                       {"stale", w.stale},
                       {"requests", w.requests},
                       {"seconds_since_contact", std::round(now - w.last_contact)}});
  }
  status["workers"] = workers;
  status["connections"] = connections_.load();
  return status;
}

// The page anyone who can reach the port may see, without the token: a
// public scoreboard of the run (game, step, counts, the newest network's id,
// step and hash, the last evaluation, how many workers deliver). What could
// help an attacker stays behind the token (GET /v1/status): the server's
// file paths and the workers' names.
std::string TrainerServer::Impl::Page() const {
  const Json status = Status();
  static const std::set<std::string> kPublic = {"game",    "step",           "games",   "samples",
                                                "network", "uptime_seconds", "resign_threshold", "evaluation"};
  static const std::set<std::string> kPrivateFields = {"file", "path", "run"};
  std::string html =
      "<!doctype html><html><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"10\">"
      "<title>Descent trainer</title><style>body{font-family:sans-serif;margin:2em}td,th{padding:2px 12px;"
      "text-align:left}th{background:#eee}</style></head><body><h1>Descent trainer</h1><table>";
  auto text = [](const Json& value) { return HtmlEscape(ScalarText(value)); };
  for (const auto& [key, value] : status.items()) {
    if (!kPublic.count(key) || value.is_array() || value.is_object()) continue;
    html += "<tr><th>" + HtmlEscape(key) + "</th><td>" + text(value) + "</td></tr>";
  }
  html += "</table>";
  for (const auto& [key, value] : status.items()) {
    if (!kPublic.count(key) || !value.is_object()) continue;
    html += "<h2>" + HtmlEscape(key) + "</h2><table>";
    for (const auto& [k, v] : value.items()) {
      if (kPrivateFields.count(k)) continue;
      html += "<tr><th>" + HtmlEscape(k) + "</th><td>" + text(v) + "</td></tr>";
    }
    html += "</table>";
  }
  int64_t delivered = 0, recent = 0;
  for (const Json& w : status["workers"]) {
    delivered += w["games"].get<int64_t>();
    if (w["seconds_since_contact"].get<double>() < 300) ++recent;
  }
  html += "<h2>workers</h2><table><tr><th>workers</th><td>" + std::to_string(status["workers"].size()) +
          "</td></tr><tr><th>in contact in the last 5 minutes</th><td>" + std::to_string(recent) +
          "</td></tr><tr><th>games delivered</th><td>" + std::to_string(delivered) + "</td></tr></table>";
  html += "<p>Names, paths and per-worker counts: <code>GET /v1/status</code> with the bearer token.</p></body></html>\n";
  return html;
}

std::map<std::string, std::string> ParseQuery(std::string_view target) {
  std::map<std::string, std::string> query;
  const size_t q = target.find('?');
  if (q == std::string::npos) return query;
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    const size_t amp = rest.find('&');
    const std::string_view item = rest.substr(0, amp);
    const size_t eq = item.find('=');
    if (!item.empty()) query[UrlDecode(item.substr(0, eq))] = eq == std::string_view::npos ? "" : UrlDecode(item.substr(eq + 1));
    if (amp == std::string_view::npos) break;
    rest = rest.substr(amp + 1);
  }
  return query;
}

std::pair<std::string, int> ParseListenAddress(const std::string& listen) {
  const size_t colon = listen.rfind(':');
  if (colon != std::string::npos) {
    try {
      size_t used = 0;
      const std::string port = listen.substr(colon + 1);
      const int number = std::stoi(port, &used);
      if (used == port.size() && number >= 0 && number <= 65535) return {listen.substr(0, colon), number};
    } catch (const std::exception&) {
    }
  }
  throw UserError("--listen wants HOST:PORT with a port in 0..65535, not '" + game::Quoted(listen) + "'");
}

TrainerServer::TrainerServer(const game::Game& game, ServerBackend& backend, const ServerParams& params,
                             RunPageSource* inspector)
    : impl_(std::make_unique<Impl>(game, &backend, inspector, params)) {}
TrainerServer::TrainerServer(const game::Game& game, RunPageSource& inspector, const ServerParams& params)
    : impl_(std::make_unique<Impl>(game, nullptr, &inspector, params)) {}
TrainerServer::~TrainerServer() = default;
int TrainerServer::port() const { return impl_->port_; }
std::vector<TrainerServer::WorkerInfo> TrainerServer::Workers() const { return impl_->Workers(); }

}  // namespace descent::trainer
