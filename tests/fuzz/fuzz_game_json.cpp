// libFuzzer target: an uploaded game as the trainer reads it (the JSON of
// one game in POST /v1/games), parsed with the nesting bound, then checked
// against the rules by replaying it. Bad input must end in a caught error.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "game/registry.h"
#include "game/user_error.h"
#include "net/bounded_json.h"
#include "selfplay/game_record.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace descent;
  static const std::unique_ptr<game::Game> games[] = {game::MakeGame("tictactoe"), game::MakeGame("connect4"),
                                                     game::MakeGame("go:5:komi=0.5")};
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    (void)net::ParseBoundedJson(text);
  } catch (const nlohmann::json::exception&) {
  }
  try {
    const selfplay::GameRecord record = selfplay::ParseGameRecord(text);
    for (const auto& g : games) {
      try {
        selfplay::ValidateGameRecord(*g, record);
        (void)selfplay::ToJson(record);
      } catch (const game::UserError&) {
      }
    }
  } catch (const game::UserError&) {
  }
  return 0;
}
