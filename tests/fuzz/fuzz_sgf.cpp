// libFuzzer target: SGF text as loadsgf and `descent sgf` read it. Any input
// must parse and replay, or be refused with game::UserError.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "game/go.h"
#include "game/sgf.h"
#include "game/user_error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace descent::game;
  try {
    const SgfRecord record = ParseSgf(std::string_view(reinterpret_cast<const char*>(data), size));
    GoGame game({.size = record.size, .komi = record.komi.value_or(7.5f)});
    const auto state = ReplaySgf(game, record);
    (void)WriteSgf(RecordOf(*state));  // what printsgf writes back
  } catch (const UserError&) {
  }
  return 0;
}
