#include "engine/gtp_client.h"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstring>

#include "game/go.h"
#include "game/user_error.h"

namespace descent::engine {

using game::UserError;

GtpClient::GtpClient(const std::string& command) : command_(command) {
  int in[2], out[2];
  if (pipe(in) != 0 || pipe(out) != 0) throw UserError("cannot create pipes for '" + command + "'");
  pid_ = fork();
  if (pid_ < 0) throw UserError("cannot start '" + command + "'");
  if (pid_ == 0) {
    // Its own process group, so that ending it also ends what `sh -c`
    // started (a hung engine's children must not outlive the match).
    setpgid(0, 0);
    dup2(in[0], 0);
    dup2(out[1], 1);
    close(in[0]), close(in[1]), close(out[0]), close(out[1]);
    execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  setpgid(pid_, pid_);  // also here: whichever runs first
  close(in[0]);
  close(out[1]);
  to_child_ = in[1];
  from_child_ = out[0];
  signal(SIGPIPE, SIG_IGN);  // a dead engine must not kill us
}

GtpClient::~GtpClient() {
  if (to_child_ >= 0) {
    const char quit[] = "quit\n";
    (void)!write(to_child_, quit, sizeof quit - 1);
    close(to_child_);
  }
  // Give it a moment to leave on its own, then insist.
  for (int i = 0; i < 50 && waitpid(pid_, nullptr, WNOHANG) == 0; ++i) usleep(10000);
  const bool running = waitpid(pid_, nullptr, WNOHANG) == 0;
  kill(-pid_, SIGKILL);  // the group: also what the engine left behind
  if (running) waitpid(pid_, nullptr, 0);
  if (from_child_ >= 0) close(from_child_);
}

std::string GtpClient::ReadLine(double timeout_seconds) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_seconds);
  for (;;) {
    const size_t newline = buffer_.find('\n');
    if (newline != std::string::npos) {
      std::string line = buffer_.substr(0, newline);
      buffer_.erase(0, newline + 1);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      return line;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) throw UserError("'" + command_ + "' did not answer in time");
    pollfd p{from_child_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    char chunk[4096];
    const ssize_t n = read(from_child_, chunk, sizeof chunk);
    if (n <= 0) throw UserError("'" + command_ + "' ended");
    buffer_.append(chunk, static_cast<size_t>(n));
  }
}

GtpReply GtpClient::Send(const std::string& command, double timeout_seconds) {
  const std::string line = command + "\n";
  if (write(to_child_, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
    throw UserError("'" + command_ + "' does not accept input");
  }
  std::string first;
  do first = ReadLine(timeout_seconds);
  while (first.empty());
  if (first[0] != '=' && first[0] != '?') throw UserError("'" + command_ + "' answered '" + first + "' to " + command);
  GtpReply reply;
  reply.ok = first[0] == '=';
  size_t start = 1;
  while (start < first.size() && std::isdigit(static_cast<unsigned char>(first[start]))) ++start;  // id
  reply.text = first.substr(std::min(first.size(), start + 1));
  for (std::string next = ReadLine(timeout_seconds); !next.empty(); next = ReadLine(timeout_seconds)) {
    reply.text += "\n" + next;
  }
  return reply;
}

std::vector<std::string> NewGameCommands(const game::Game& game) {
  std::vector<std::string> commands = {"boardsize " + std::to_string(game.BoardWidth()), "clear_board"};
  if (const auto* go = dynamic_cast<const game::GoGame*>(&game)) {
    char komi[32];
    std::snprintf(komi, sizeof komi, "komi %g", go->Komi());
    commands.push_back(komi);
  }
  return commands;
}

}  // namespace descent::engine
