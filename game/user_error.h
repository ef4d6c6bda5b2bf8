#pragma once
#include <stdexcept>
#include <string>

namespace descent::game {

// The one error type for things a user can cause: a bad game spec, an illegal
// or malformed move, a malformed SGF file, a bad option. The message names the
// offending input. Subcommands catch it at their boundary, print the message
// on one line and exit non-zero; servers answer it as an error and keep going.
class UserError : public std::runtime_error {
 public:
  explicit UserError(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace descent::game
