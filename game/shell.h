#pragma once
// Outside programs run through /bin/sh (GNU Go, Leela Zero, GTP engines
// given as command lines): quoting an argument, finding GNU Go.

#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

namespace descent::game {

// `s` as one /bin/sh word, whatever it holds.
inline std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// GNU Go's path: the first `gnugo` on PATH, else in Debian's /usr/games
// (often not on PATH) or /usr/local/games; "" when there is none.
inline std::string FindGnuGo() {
  std::string dirs = std::getenv("PATH") ? std::getenv("PATH") : "";
  dirs += ":/usr/games:/usr/local/games";
  size_t start = 0;
  while (start <= dirs.size()) {
    const size_t end = std::min(dirs.find(':', start), dirs.size());
    const std::filesystem::path candidate = std::filesystem::path(dirs.substr(start, end - start)) / "gnugo";
    std::error_code ec;
    if (end > start && std::filesystem::is_regular_file(candidate, ec)) return candidate.string();
    start = end + 1;
  }
  return "";
}

}  // namespace descent::game
