#include <cstdio>

#include "app/command.h"
#include "game/registry.h"

namespace descent::app {

RunFn DeclareGames(CLI::App* sub) {
  sub->description("List the games Descent knows, with their options.\n"
                   "A game is named by a spec: NAME[:OPTION...], e.g. go:9:komi=7.");
  return [] {
    std::printf("%-10s %-60s %s\n", "game", "options", "example");
    for (const auto& g : game::KnownGames()) {
      std::printf("%-10s %-60s %s\n", g.name.c_str(), g.options.c_str(), g.example.c_str());
    }
    return 0;
  };
}

}  // namespace descent::app
