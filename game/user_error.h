#pragma once
#include <stdexcept>
#include <string>
#include <string_view>

namespace descent::game {

// The one error type for things a user can cause: a bad game spec, an illegal
// or malformed move, a malformed SGF file, a bad option. The message names the
// offending input. Subcommands catch it at their boundary, print the message
// on one line and exit non-zero; servers answer it as an error and keep going.
class UserError : public std::runtime_error {
 public:
  explicit UserError(const std::string& message) : std::runtime_error(message) {}
};

// Outside text as it may appear in a message: at most `max` bytes, control
// characters and bytes outside ASCII written as \xNN (a newline or a
// terminal escape sequence in a file must not reach the user's terminal),
// and "..." when cut.
inline std::string Quoted(std::string_view text, size_t max = 40) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < text.size() && i < max; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  if (text.size() > max) out += "...";
  return out;
}

}  // namespace descent::game
