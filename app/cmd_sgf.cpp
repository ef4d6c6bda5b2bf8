// descent sgf: replay a Go game record with full rule checks.

#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "app/command.h"
#include "game/go.h"
#include "game/sgf.h"
#include "game/user_error.h"

namespace descent::app {

RunFn DeclareSgf(CLI::App* sub) {
  auto file = std::make_shared<std::string>();
  auto komi = std::make_shared<float>(7.5f);
  sub->description("Read a Go SGF file, replay its main line with every rule checked, and print the final\n"
                   "position, the Tromp-Taylor area score and the result (and the file's RE for comparison).");
  sub->add_option("file", *file, "SGF file")->required();
  sub->add_option("--komi", *komi, "komi when the file has no KM")->capture_default_str();
  return [file, komi] {
    std::ifstream in(*file, std::ios::binary);
    if (!in) throw game::UserError("cannot open SGF file '" + *file + "'");
    std::ostringstream text;
    text << in.rdbuf();
    game::SgfRecord record;
    std::unique_ptr<game::GoState> state;
    try {
      record = game::ParseSgf(text.str());
      game::GoGame go({.size = record.size, .komi = record.komi.value_or(*komi)});
      state = game::ReplaySgf(go, record);
      const auto [black, white] = state->Area();
      std::printf("%s", state->ToText().c_str());
      std::printf("%s: %zu moves; area black %d, white %d, komi %g -> %s; file says RE[%s]\n", go.Spec().c_str(),
                  record.moves.size(), black, white, static_cast<double>(go.Komi()), game::ResultText(*state).c_str(),
                  record.result.c_str());
    } catch (const game::UserError& e) {
      throw game::UserError(*file + ": " + e.what());
    }
    return 0;
  };
}

}  // namespace descent::app
