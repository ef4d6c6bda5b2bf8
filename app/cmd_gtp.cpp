// descent gtp: the engine over GTP v2 on stdin/stdout (for GoGui, Sabaki,
// gogui-twogtp, descent match).

#include <iostream>

#include "app/command.h"
#include "app/options_cli.h"
#include "app/shipped_nets.h"
#include "game/registry.h"
#include "mcts/search_options.h"
#include "engine/gtp.h"
#include "net/network.h"

namespace descent::app {

RunFn DeclareGtp(CLI::App* sub) {
  struct Options {
    std::string net;
    std::string nets;
    std::string game = "go:9";
    int visits = 800;
    int threads = 2;
    std::string device = "cpu";
    bool no_resign = false;
    float resign_threshold = -0.95f;
    int random_moves = 0;
    uint64_t seed = 1;
    mcts::SearchParams search;
  };
  auto o = std::make_shared<Options>();
  sub->description("Speak GTP v2 on stdin/stdout with a network: play Go against GNU Go or inside Sabaki/GoGui/Lizzie;\n"
                   "Connect Four (vertices a..g) and tic-tac-toe (a1..c3) too. Analysis: lz-analyze, kata-analyze\n"
                   "(scoreMean/scoreLead per move, ownership and rootInfo with networks that have ownership and score\n"
                   "heads, as nets/go7 has; no scoreStdev: Descent predicts no spread of the score),\n"
                   "lz-genmove_analyze, kata-genmove_analyze (docs/gtp.md).");
  sub->add_option("--net", o->net, "weights file (default: the shipped network for the board size asked, from --nets)");
  sub->add_option("--nets", o->nets, "folder of networks used without --net (default: $DESCENT_NETS, else " +
                                          DefaultNetsDir() + ")");
  sub->add_option("--game", o->game, "without --net: the game (and board size) to start with; boardsize and loadsgf "
                                     "switch to the network of their size")
      ->capture_default_str();
  sub->add_option("--visits", o->visits, "visits per move when no clock is set")->check(CLI::Range(1, 10000000))->capture_default_str();
  sub->add_option("--threads", o->threads, "inference workers")->check(CLI::Range(1, 64))->capture_default_str();
  sub->add_option("--device", o->device, "where the network runs: cpu, or cuda (a CUDA LibTorch build)")
      ->capture_default_str();
  sub->add_flag("--no-resign", o->no_resign, "never resign");
  sub->add_option("--resign-threshold", o->resign_threshold, "resign below this value for the side to move")->check(CLI::Range(-1.0, 0.0))->capture_default_str();
  sub->add_option("--random-moves", o->random_moves,
                  "draw the first N moves of a game in proportion to visits (variety in matches)")
      ->check(CLI::Range(0, 1000))
      ->capture_default_str();
  sub->add_option("--seed", o->seed, "seed of those draws")->capture_default_str();
  BindOptions(sub, mcts::SearchOptions(), &o->search, "Search");
  return [o] {
    engine::EngineParams params;
    params.inference.threads = o->threads;
    params.search = o->search;
    params.allow_resign = !o->no_resign;
    params.resign_threshold = o->resign_threshold;
    params.random_moves = o->random_moves;
    params.seed = o->seed;
    params.device = o->device;
    engine::GtpParams gtp{.visits = o->visits};
    if (!o->net.empty()) {
      engine::Engine engine(net::Network::Load(o->net, o->device), params);
      engine::GtpServer server(engine, gtp);
      return server.Serve(std::cin, std::cout);
    }
    // No --net: the shipped networks, one per game and board size. Only
    // stderr may carry notes: stdout is the protocol.
    std::vector<std::string> warnings;
    auto shipped = std::make_shared<ShippedNetworks>(o->nets.empty() ? DefaultNetsDir() : o->nets, &warnings, o->device);
    for (const std::string& w : warnings) std::cerr << "descent gtp: " << w << "\n";
    const auto start = game::MakeGame(o->game);
    std::cerr << "descent gtp: playing " << start->Spec() << " with " << shipped->PathFor(*start)
              << " (networks there: " << shipped->Describe() << ")" << "\n";
    engine::Engine engine(shipped->For(*start), params);
    engine.NewGame(start->Spec());
    gtp.network_for = [shipped](const game::Game& g) { return shipped->For(g); };
    engine::GtpServer server(engine, gtp);
    return server.Serve(std::cin, std::cout);
  };
}

}  // namespace descent::app
