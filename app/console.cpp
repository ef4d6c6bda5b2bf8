#include "app/console.h"

#include <csignal>
#include <cstdio>

namespace descent::app {
namespace {

std::atomic<bool> g_interrupted{false};
extern "C" void OnInterrupt(int) { g_interrupted = true; }

}  // namespace

const std::atomic<bool>& StopOnInterrupt() {
  std::signal(SIGINT, OnInterrupt);
  std::signal(SIGTERM, OnInterrupt);
  return g_interrupted;
}

bool Interrupted() { return g_interrupted.load(); }

void PrintStatusLine(const std::string& line, bool tty, bool final) {
  if (tty) {
    std::printf("\r\033[K%.*s", 200, line.c_str());  // one terminal row
    if (final) std::printf("\n");
  } else {
    std::printf("%s\n", line.c_str());
  }
  std::fflush(stdout);
}

}  // namespace descent::app
