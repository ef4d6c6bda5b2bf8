#include "selfplay/trainer_client.h"

#include <cctype>
#include <chrono>
#include <fstream>
#include <utility>  // before Boost 1.74 Asio, which needs std::exchange under C++20

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "selfplay/protocol.h"
#include "net/bounded_json.h"

namespace descent::selfplay {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

std::string ReadTokenFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw game::UserError("cannot read a token from " + path);
  std::string token;
  std::getline(in, token);
  while (!token.empty() && std::isspace(static_cast<unsigned char>(token.back()))) token.pop_back();
  if (token.empty()) throw game::UserError("token file " + path + " is empty");
  return token;
}

TrainerClient::TrainerClient(const std::string& url, const std::string& token, const std::string& worker_name,
                             double timeout_seconds)
    : url_(url), token_(token), worker_(worker_name), timeout_seconds_(timeout_seconds) {
  const std::string scheme = "http://";
  if (url.rfind(scheme, 0) != 0) {
    throw game::UserError("server URL '" + url + "' must start with http:// (put TLS in a proxy; see README)");
  }
  std::string rest = url.substr(scheme.size());
  const size_t slash = rest.find('/');
  if (slash != std::string::npos) {
    prefix_ = rest.substr(slash);
    while (!prefix_.empty() && prefix_.back() == '/') prefix_.pop_back();
    rest = rest.substr(0, slash);
  }
  const size_t colon = rest.rfind(':');
  host_ = colon == std::string::npos ? rest : rest.substr(0, colon);
  port_ = colon == std::string::npos ? "80" : rest.substr(colon + 1);
  if (host_.empty() || port_.empty() || port_.find_first_not_of("0123456789") != std::string::npos) {
    throw game::UserError("server URL '" + url + "' is not http://HOST:PORT");
  }
  if (token.empty()) throw game::UserError("a token is needed (--token or --token-file)");
}

// One request on a fresh connection, every step under the timeout: async
// operations on a private io_context, run to completion here.
TrainerClient::Response TrainerClient::Exchange(const std::string& method, const std::string& path,
                                                const std::string& body, const std::string& if_none_match) {
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  const auto timeout = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double>(timeout_seconds_));
  http::request<http::string_body> req{method == "POST" ? http::verb::post : http::verb::get, prefix_ + path, 11};
  req.set(http::field::host, host_);
  req.set(http::field::user_agent, "descent-selfplay");
  req.set(http::field::authorization, "Bearer " + token_);
  req.set(protocol::kWorkerHeader, worker_);
  if (!if_none_match.empty()) req.set(http::field::if_none_match, if_none_match);
  if (method == "POST") {
    req.set(http::field::content_type, "application/json");
    req.body() = body;
  }
  req.prepare_payload();

  beast::error_code error;
  http::response_parser<http::string_body> parser;
  parser.body_limit(1u << 30);  // weights files: the trainer is trusted with our memory
  beast::flat_buffer buffer;
  tcp::resolver resolver(ioc);
  const auto fail = [&](beast::error_code ec) { error = ec; };
  resolver.async_resolve(host_, port_, [&](beast::error_code ec, tcp::resolver::results_type results) {
    if (ec) return fail(ec);
    stream.expires_after(timeout);
    stream.async_connect(results, [&](beast::error_code ec, const tcp::endpoint&) {
      if (ec) return fail(ec);
      stream.expires_after(timeout);
      http::async_write(stream, req, [&](beast::error_code ec, size_t) {
        if (ec) return fail(ec);
        stream.expires_after(timeout);
        http::async_read(stream, buffer, parser, [&](beast::error_code ec, size_t) {
          if (ec) return fail(ec);
        });
      });
    });
  });
  ioc.run();
  if (error) throw TransientError("trainer " + url_ + ": " + error.message());
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);

  const auto& res = parser.get();
  Response out;
  out.status = static_cast<int>(res.result_int());
  out.body = res.body();
  out.etag = std::string(res[http::field::etag]);
  out.network_id = std::string(res[protocol::kNetworkIdHeader]);
  out.game = std::string(res[protocol::kGameHeader]);
  if (out.status >= 500) throw TransientError("trainer " + url_ + " answered " + std::to_string(out.status) + ": " + out.body);
  if (out.status >= 400) {
    std::string why = out.body;
    try {
      why = net::ParseBoundedJson(out.body).at("error").get<std::string>();
    } catch (const nlohmann::json::exception&) {
    }
    throw RefusedError(out.status, "trainer " + url_ + " refused " + method + " " + path + " (" +
                                       std::to_string(out.status) + "): " + why);
  }
  return out;
}

std::optional<DownloadedNetwork> TrainerClient::FetchNetwork(const std::string& known_hash) {
  const Response res = Exchange("GET", protocol::kNetworkPath, "", known_hash.empty() ? "" : "\"" + known_hash + "\"");
  if (res.status == 304) return std::nullopt;
  DownloadedNetwork net;
  net.hash = res.etag.size() >= 2 ? res.etag.substr(1, res.etag.size() - 2) : res.etag;
  try {
    net.id = std::stoll(res.network_id);
  } catch (const std::exception&) {
    throw TransientError("trainer " + url_ + " sent a network without its id");
  }
  net.game_spec = res.game;
  net.bytes = res.body;
  return net;
}

UploadAck TrainerClient::UploadGames(const std::vector<std::string>& game_json) {
  std::string body = "{\"games\":[";
  for (size_t i = 0; i < game_json.size(); ++i) {
    if (i) body += ',';
    body += game_json[i];
  }
  body += "]}";
  const Response res = Exchange("POST", protocol::kGamesPath, body, "");
  try {
    const nlohmann::json j = net::ParseBoundedJson(res.body);
    const auto count = [&](const char* key) { return static_cast<int>(net::BoundedInt(j.at(key), 0, 1 << 30)); };
    UploadAck ack{count("stored"), count("duplicates"), count("stale"), {}};
    if (j.contains("stale_uuids")) ack.stale_uuids = j.at("stale_uuids").get<std::vector<std::string>>();
    return ack;
  } catch (const nlohmann::json::exception& e) {
    throw TransientError("trainer " + url_ + " answered an upload with '" + res.body + "'");
  }
}

std::string TrainerClient::GetJson(const std::string& path) { return Exchange("GET", path, "", "").body; }

}  // namespace descent::selfplay
