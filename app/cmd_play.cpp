// descent play: a person against a network, in the terminal.

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <random>

#include "app/command.h"
#include "game/registry.h"
#include "game/user_error.h"
#include "selfplay/arena.h"
#include "app/run_dir.h"

namespace descent::app {

RunFn DeclarePlay(CLI::App* sub) {
  struct Options {
    std::string net, run, side = "first";
    int visits = 200;
  };
  auto o = std::make_shared<Options>();
  sub->description("Play against a network in the terminal: type moves in the game's notation (tic-tac-toe a1..c3,\n"
                   "Connect Four a..g, Go D4 or pass); 'quit' ends.");
  sub->add_option("--net", o->net, "weights file (default: the newest network of --run)");
  sub->add_option("--run", o->run, "run directory");
  sub->add_option("--side", o->side, "your side: first or second")->check(CLI::IsMember({"first", "second"}))->capture_default_str();
  sub->add_option("--visits", o->visits, "the network's visits per move (0: the net alone)")->check(CLI::Range(0, 1000000))->capture_default_str();
  return [o] {
    std::string path = o->net;
    if (path.empty() && !o->run.empty()) path = NewestNetworkPath(o->run, *OpenRunStore(o->run));
    if (path.empty()) throw game::UserError("give --net FILE or --run DIR");
    std::shared_ptr<const net::Network> network = net::Network::Load(path);
    auto g = game::MakeGame(network->config().game_spec);
    auto engine = selfplay::NetPlayer(*g, network, o->visits, "net");
    const game::Player human = o->side == "first" ? 0 : 1;
    auto state = g->NewInitialState();
    std::mt19937_64 rng(std::random_device{}());
    std::printf("%s, you play %s ('X' moves first)\n", g->Spec().c_str(), human == 0 ? "X" : "O");
    while (!state->IsTerminal()) {
      std::printf("\n%s", state->ToText().c_str());
      if (state->ToMove() != human) {
        const game::Move m = engine->Choose(*state, rng);
        std::printf("net plays %s\n", g->MoveToText(m).c_str());
        state->Play(m);
        continue;
      }
      std::printf("your move: ");
      std::fflush(stdout);
      std::string text;
      if (!(std::cin >> text) || text == "quit") return 0;
      try {
        state->PlayChecked(g->ParseMove(text));
      } catch (const game::UserError& e) {
        std::printf("%s\n", e.what());
      }
    }
    const float r = state->Outcome(human);
    std::printf("\n%s%s\n", state->ToText().c_str(), r > 0 ? "you win" : r < 0 ? "the net wins" : "draw");
    return 0;
  };
}

}  // namespace descent::app
