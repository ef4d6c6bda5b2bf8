#pragma once
// Talks GTP to another engine running as a child process (GNU Go, another
// Descent): starts it with `sh -c COMMAND`, sends commands, reads responses.

#include <string>
#include <sys/types.h>
#include <vector>

#include "game/game.h"

namespace descent::engine {

struct GtpReply {
  bool ok = false;    // '=' (true) or '?' (false)
  std::string text;   // without the status character and the blank line
};

class GtpClient {
 public:
  // Starts `command`; throws game::UserError if it cannot be started.
  explicit GtpClient(const std::string& command);
  ~GtpClient();  // sends quit, then ends the process
  GtpClient(const GtpClient&) = delete;
  GtpClient& operator=(const GtpClient&) = delete;

  // Sends one command and waits up to `timeout_seconds` for its response.
  // Throws game::UserError if the engine dies, hangs or answers garbage.
  GtpReply Send(const std::string& command, double timeout_seconds = 60);

 private:
  std::string ReadLine(double timeout_seconds);

  pid_t pid_ = -1;
  int to_child_ = -1;
  int from_child_ = -1;
  std::string buffer_;
  std::string command_;
};

// The commands that set an engine up for a new game of `game`: boardsize,
// clear_board and (Go) komi. Shared by the match referee and evaluation.
std::vector<std::string> NewGameCommands(const game::Game& game);

// "b" for the first player (Black), "w" for the second.
inline const char* GtpColor(game::Player p) { return p == 0 ? "b" : "w"; }

}  // namespace descent::engine
