// descent eval: a network against the outside referees, or another network.

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "app/command.h"
#include "app/options_cli.h"
#include "mcts/search_options.h"
#include "trainer/evaluation.h"
#include "trainer/gtp_player.h"
#include "game/registry.h"
#include "game/user_error.h"
#include "selfplay/arena.h"
#include "app/run_dir.h"

namespace descent::app {
namespace {

using trainer::EvalParams;
using trainer::EvalLine;
using trainer::LadderRung;
using trainer::EvaluateNetwork;

struct EvalOptions {
  std::string net, run, vs, gtp, referee, games_log, game;
  double move_seconds = 0;
  int games = 40;
  int visits = 100;
  int rollout_visits = 400;
  int pons_positions = 200;
  int solver_positions = EvalParams{}.solver_positions;
  mcts::SearchParams search;  // the network's: --leaves, --c-puct, --fpu-reduction, --policy-temperature, --no-prune
  uint64_t seed = 1;
  int concurrency = selfplay::MatchParams{}.concurrency;
  int threads = 2;  // inference threads per network
  std::string device = "cpu";
};

// The network against a GTP engine through the evaluation library: its
// searches batched across the games in flight, one engine process a game.
int EvaluateAgainstGtp(const EvalOptions& o, std::shared_ptr<const net::Network> network, const game::Game& game,
                       const decltype(EvalParams::on_game)& games_log) {
  const std::string name = trainer::GtpEngineName(o.gtp);
  selfplay::MatchParams match;
  match.games = o.games;
  match.seed = o.seed;
  match.opening_moves = selfplay::DefaultOpeningMoves(game);
  match.concurrency = o.concurrency;
  if (!o.referee.empty()) match.score = trainer::GtpRefereeScore(game, o.referee);
  game::MatchScore as[2];
  int done = 0;
  match.on_game = [&](int i, game::Player side, const std::vector<game::Move>& moves, float r) {
    if (games_log) games_log("eval.gtp", i, side, moves, r);
    (r > 0 ? as[side].wins : r < 0 ? as[side].losses : as[side].draws)++;
    std::printf("game %d/%d: the net as %s %s in %zu moves\n", ++done, o.games, game.Traits().player_names[side].c_str(),
                r > 0 ? "won" : r < 0 ? "lost" : "drew", moves.size());
    std::fflush(stdout);
  };
  std::printf("vs %s (%s): %d games, the net at %d visits, %d at once\n", name.c_str(), o.gtp.c_str(), o.games, o.visits,
              o.concurrency);
  std::fflush(stdout);
  const selfplay::MatchResult r = selfplay::PlayMatch(
      game, selfplay::NetPlayerFactory(game, network, o.visits, "net", o.search, o.threads),
      trainer::GtpPlayerFactory(game, {.command = o.gtp, .move_seconds = o.move_seconds}), match);
  const auto [lo, hi] = r.Interval95();
  std::printf("vs %s: score %.3f [%.3f, %.3f] (+%d =%d -%d), Elo %+.0f; as %s +%d =%d -%d, as %s +%d =%d -%d\n",
              name.c_str(), r.Score(), lo, hi, r.wins, r.draws, r.losses, r.Elo(),
              game.Traits().player_names[0].c_str(), as[0].wins, as[0].draws, as[0].losses,
              game.Traits().player_names[1].c_str(), as[1].wins, as[1].draws, as[1].losses);
  return 0;
}

int Evaluate(const EvalOptions& o) {
  std::string path = o.net;
  std::string first_path;
  if (!o.run.empty()) {
    const auto store = OpenRunStore(o.run);
    if (path.empty()) path = NewestNetworkPath(o.run, *store);
    first_path = FirstNetworkPath(o.run, *store);
  }
  if (path.empty()) throw game::UserError("give --net FILE or --run DIR");
  std::shared_ptr<const net::Network> network = net::Network::Load(path, o.device);
  auto game = game::MakeGame(o.game.empty() ? network->config().game_spec : o.game);
  if (!o.game.empty()) {
    try {
      network->CheckFits(*game);
    } catch (const game::UserError& e) {
      throw game::UserError("--game " + o.game + ": " + e.what());
    }
  }
  const net::NetworkInfo& info = network->info();
  const net::NetConfig& config = network->config();
  char lineage[160] = "self-play behind it not recorded (saved before lineage counts)";
  if (info.selfplay_games > 0) {
    std::snprintf(lineage, sizeof lineage, "%lld self-play games and %.3g net evaluations behind it",
                  static_cast<long long>(info.selfplay_games), static_cast<double>(info.selfplay_evals));
  }
  std::printf("%s: %s, %d blocks x %d channels, %s%s%s%s%s%s, step %lld, %s, parent %s\n", path.c_str(),
              game->Spec().c_str(), config.blocks, config.channels, config.encoding.c_str(),
              config.aux_heads ? ", ownership and score heads" : "", config.global_pooling ? ", global pooling" : "",
              config.wdl_value ? ", win/draw/loss value" : "", config.opponent_policy ? ", opponent-reply head" : "",
              config.board_mask ? ", board mask (plays smaller boards)" : "",
              static_cast<long long>(info.training_step), lineage, info.parent.empty() ? "none" : info.parent.c_str());
  // --games-log: one line per match game, flushed so a long evaluation can
  // be read while it runs.
  std::ofstream log;
  decltype(EvalParams::on_game) games_log;
  if (!o.games_log.empty()) {
    log.open(o.games_log);
    if (!log) throw game::UserError("cannot write --games-log " + o.games_log);
    log << "# opponent\tgame\tnet_side\tresult\tmoves\n";
    games_log = [&](const std::string& key, int i, game::Player side, const std::vector<game::Move>& moves, float r) {
      log << key << '\t' << i << '\t' << (side == 0 ? "first" : "second") << '\t'
          << (r > 0 ? "win" : r < 0 ? "loss" : "draw") << '\t';
      for (size_t k = 0; k < moves.size(); ++k) log << (k ? " " : "") << game->MoveToText(moves[k]);
      log << std::endl;
    };
  }
  if (!o.gtp.empty()) return EvaluateAgainstGtp(o, network, *game, games_log);
  if (!o.vs.empty()) {
    std::shared_ptr<const net::Network> other = net::Network::Load(o.vs, o.device);
    other->CheckFits(*game);
    selfplay::MatchParams match;
    match.games = o.games;
    match.seed = o.seed;
    match.opening_moves = selfplay::DefaultOpeningMoves(*game);
    match.concurrency = o.concurrency;
    if (games_log) {
      match.on_game = [&](int i, game::Player side, const std::vector<game::Move>& moves, float r) {
        games_log("eval.vs", i, side, moves, r);
      };
    }
    const selfplay::MatchResult r = selfplay::PlayMatch(
        *game, selfplay::NetPlayerFactory(*game, network, o.visits, "net", o.search, o.threads),
        selfplay::NetPlayerFactory(*game, other, o.visits, "other", o.search, o.threads), match);
    const auto [lo, hi] = r.Interval95();
    std::printf("vs %s: score %.3f [%.3f, %.3f] (+%d =%d -%d), Elo %+.0f\n", o.vs.c_str(), r.Score(), lo, hi, r.wins,
                r.draws, r.losses, r.Elo());
    return 0;
  }
  std::shared_ptr<const net::Network> first;
  if (!first_path.empty()) first = net::Network::Load(first_path, o.device);
  EvalParams params;
  params.games = o.games;
  params.visits = o.visits;
  params.rollout_visits = o.rollout_visits;
  params.pons_positions = o.pons_positions;
  params.solver_positions = o.solver_positions;
  params.search = o.search;
  params.concurrency = o.concurrency;
  params.inference_threads = o.threads;
  params.on_line = [](const EvalLine& line) {
    if (line.text.empty()) return;
    std::printf("%s\n", line.text.c_str());
    std::fflush(stdout);  // evaluations are long: show each result as it comes
  };
  const LadderRung rung{first, 0, "the first network"};
  params.on_game = games_log;
  EvaluateNetwork(*game, network, first ? &rung : nullptr, params, o.seed);
  return 0;
}

}  // namespace

RunFn DeclareEval(CLI::App* sub) {
  auto o = std::make_shared<EvalOptions>();
  sub->description("Evaluate a network: scores with 95% intervals against random play, MCTS with random rollouts,\n"
                   "the exact solver (tic-tac-toe), the run's first network (Elo), and solver mistake rates\n"
                   "(Connect Four: Pons positions). With --vs, a match against another network; with --gtp,\n"
                   "against a GTP engine such as GNU Go.");
  sub->add_option("--net", o->net, "weights file (default: the newest network of --run)");
  sub->add_option("--run", o->run, "run directory");
  sub->add_option("--vs", o->vs, "play this network instead of the referees");
  sub->add_option("--game", o->game,
                  "the game to play (default: the network's own); a network with a board mask also plays Go on a\n"
                  "smaller board, e.g. go:7:komi=9");
  sub->add_option("--gtp", o->gtp,
                  "play this GTP engine instead (e.g. \"/usr/games/gnugo --mode gtp --level 1 --chinese-rules\"),\n"
                  "one process per game, --concurrency games at once; each pair of games opens with the same\n"
                  "random plies, colours swapped");
  sub->add_option("--referee", o->referee, "with --gtp on Go: a GTP engine whose final_score decides finished games");
  sub->add_option("--move-seconds", o->move_seconds, "with --gtp: the engine's seconds per move (0: its own budget)")
      ->check(CLI::Range(0.0, 3600.0));
  sub->add_option("--games", o->games, "games per opponent")->check(CLI::Range(1, 100000))->capture_default_str();
  sub->add_option("--visits", o->visits, "the network's visits per move (0: the net alone)")->check(CLI::Range(0, 1000000))->capture_default_str();
  sub->add_option("--rollout-visits", o->rollout_visits, "visits of the rollout MCTS opponent")->check(CLI::Range(1, 1000000))->capture_default_str();
  sub->add_option("--pons-positions", o->pons_positions, "Connect Four positions per Pons file")->check(CLI::Range(1, 1000))->capture_default_str();
  BindOptions(sub, mcts::SearchOptions(), &o->search, "Search (the network's)");
  sub->add_option("--solver-positions", o->solver_positions,
                  "Connect Four: Test_L2_R1 positions played out against the solver (0: none)")
      ->check(CLI::Range(0, 1000))
      ->capture_default_str();
  sub->add_option("--seed", o->seed, "random seed")->capture_default_str();
  sub->add_option("--concurrency", o->concurrency, "match games played at once (their net calls batched together)")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  sub->add_option("--threads", o->threads, "inference threads per network")->check(CLI::Range(1, 64))->capture_default_str();
  sub->add_option("--device", o->device, "where the networks run: cpu, or cuda (a CUDA LibTorch build)")
      ->capture_default_str();
  sub->add_option("--games-log", o->games_log,
                  "write every match game here (referees, --vs or --gtp), one line each: opponent, game, the net's side, result, "
                  "moves");
  return [o] { return Evaluate(*o); };
}

}  // namespace descent::app
