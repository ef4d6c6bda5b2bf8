#pragma once
// Raw HTTP for server tests: bytes in, the whole reply out (what no real
// client would send, too).

#include <string>

#include <boost/asio.hpp>

namespace descent::trainer {

// Sends `bytes` to 127.0.0.1:`port` and reads until the server closes (with
// `half_close`, after shutting down the sending side).
inline std::string Raw(int port, const std::string& bytes, bool half_close = true) {
  using tcp = boost::asio::ip::tcp;
  boost::asio::io_context ioc;
  tcp::socket socket(ioc);
  socket.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)));
  boost::asio::write(socket, boost::asio::buffer(bytes));
  if (half_close) socket.shutdown(tcp::socket::shutdown_send);
  std::string reply;
  char chunk[4096];
  boost::system::error_code ec;
  for (size_t n; (n = socket.read_some(boost::asio::buffer(chunk), ec)) > 0 || !ec;) reply.append(chunk, n);
  return reply;
}

// The status code of a raw reply; 0 when there is none.
inline int StatusOf(const std::string& reply) { return reply.size() > 12 ? std::stoi(reply.substr(9, 3)) : 0; }

}  // namespace descent::trainer
