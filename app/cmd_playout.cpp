// descent playout: random legal games, a quick look at the rules at work.

#include <cstdio>
#include <fstream>
#include <memory>
#include <random>
#include <string>

#include "app/command.h"
#include "game/go.h"
#include "game/registry.h"
#include "game/sgf.h"
#include "game/user_error.h"

namespace descent::app {
namespace {

struct PlayoutOptions {
  std::string game = "go:9";
  int games = 1;
  uint64_t seed = 1;
  std::string sgf;
};

}  // namespace

RunFn DeclarePlayout(CLI::App* sub) {
  auto o = std::make_shared<PlayoutOptions>();
  sub->description("Play random legal games (uniform over legal moves, pass included for Go) and print the\n"
                   "last game's final position and result, plus a summary over all games.");
  sub->add_option("--game", o->game, "game spec, e.g. go:9, go:19:komi=6.5, connect4")->capture_default_str();
  sub->add_option("--games", o->games, "number of games")->check(CLI::Range(1, 1000000))->capture_default_str();
  sub->add_option("--seed", o->seed, "random seed")->capture_default_str();
  sub->add_option("--sgf", o->sgf, "write the last game to this SGF file (Go only)");
  return [o] {
    auto g = game::MakeGame(o->game);
    if (!o->sgf.empty() && !dynamic_cast<const game::GoGame*>(g.get())) throw game::UserError("--sgf is for Go games only");
    std::mt19937_64 rng(o->seed);
    std::vector<game::Move> legal;
    int wins[2] = {0, 0};
    long total_moves = 0;
    std::unique_ptr<game::State> state;
    for (int i = 0; i < o->games; ++i) {
      state = g->NewInitialState();
      while (!state->IsTerminal()) {
        state->LegalMoves(&legal);
        state->Play(legal[std::uniform_int_distribution<size_t>(0, legal.size() - 1)(rng)]);
      }
      total_moves += state->MoveNumber();
      if (state->Outcome(0) > 0) ++wins[0];
      if (state->Outcome(1) > 0) ++wins[1];
    }
    std::printf("%s", state->ToText().c_str());
    if (auto* go = dynamic_cast<const game::GoState*>(state.get())) {
      const auto [black, white] = go->Area();
      std::printf("area: black %d, white %d, komi %g -> %s after %d moves\n", black, white,
                  static_cast<double>(static_cast<const game::GoGame&>(*g).Komi()), game::ResultText(*go).c_str(),
                  go->MoveNumber());
      if (!o->sgf.empty()) {
        std::ofstream out(o->sgf);
        out << game::WriteSgf(game::RecordOf(*go));
        if (!out) throw game::UserError("cannot write SGF file '" + o->sgf + "'");
      }
    }
    std::printf("%d games of %s: first player won %d, second %d, drawn %d; mean length %.1f moves\n", o->games,
                g->Spec().c_str(), wins[0], wins[1], o->games - wins[0] - wins[1],
                static_cast<double>(total_moves) / o->games);
    return 0;
  };
}

}  // namespace descent::app
