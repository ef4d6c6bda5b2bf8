// descent match: a referee between two GTP engines (Descent itself, GNU Go,
// any other), with a results table, records per game and an optional SPRT.

#include <cstdio>

#include "app/command.h"
#include "app/console.h"
#include "app/match_table.h"
#include "engine/match.h"
#include "game/registry.h"
#include "game/user_error.h"

namespace descent::app {
namespace {

struct MatchOptions {
  engine::MatchParams params;
  std::string game = "go:9";
  std::optional<float> komi;
  std::vector<double> sprt;  // elo0 elo1
  double sprt_alpha = 0.05, sprt_beta = 0.05;
};

int RunMatchCommand(MatchOptions& o) {
  std::string spec = o.game;
  if (o.komi) {
    if (spec.rfind("go", 0) != 0) throw game::UserError("--komi is for Go only");
    char text[32];
    std::snprintf(text, sizeof text, ":komi=%g", *o.komi);
    spec += text;
  }
  o.params.game_spec = game::MakeGame(spec)->Spec();
  if (o.sprt.size() == 2) {
    if (o.sprt[1] <= o.sprt[0]) throw game::UserError("--sprt ELO0 ELO1 needs ELO1 > ELO0");
    o.params.sprt = game::SprtParams{o.sprt[0], o.sprt[1], o.sprt_alpha, o.sprt_beta};
  }
  std::printf("match: %s, %d games, %d at a time%s\n", o.params.game_spec.c_str(), o.params.games, o.params.parallel,
              o.params.record_dir.empty() ? "" : (", records in " + o.params.record_dir).c_str());
  std::fflush(stdout);
  const std::atomic<bool>& interrupted = StopOnInterrupt();
  const auto on_game = [&](const engine::MatchGame& g, const engine::MatchSummary& m) {
    PrintGameLine(g, m, "first engine", o.params.games);
  };
  const engine::MatchSummary summary = engine::RunMatch(o.params, on_game, &interrupted);
  if (Interrupted()) std::printf("interrupted: the table holds the finished games\n");
  PrintSummary(summary);
  return Interrupted() ? 130 : 0;
}

}  // namespace

RunFn DeclareMatch(CLI::App* sub) {
  auto o = std::make_shared<MatchOptions>();
  engine::MatchParams& p = o->params;
  sub->description(
      "Referee a match between two GTP engines; colours alternate, the first engine plays Black in odd-numbered games.\n"
      "Example: descent match --black \"descent gtp --net n.safetensors\" \\\n"
      "           --white \"gnugo --mode gtp --level 1 --chinese-rules --capture-all-dead\" --game go:7 --komi 9 --games 20");
  sub->add_option("--black,--first", p.first_command, "command of the first engine (Black in game 1)")->required();
  sub->add_option("--white,--second", p.second_command, "command of the second engine (White in game 1)")->required();
  sub->add_option("--game", o->game, "game spec: go:9, connect4, tictactoe, ...")->capture_default_str();
  sub->add_option("--komi", o->komi, "Go komi (overrides the spec's)");
  sub->add_option("--games", p.games, "games to play")->check(CLI::Range(1, 1000000))->capture_default_str();
  sub->add_option("--parallel", p.parallel, "games at once (each with its own engine processes)")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  sub->add_option("--move-seconds", p.move_seconds, "seconds per move for both (time_settings 0 S 1); 0: engines decide")
      ->check(CLI::Range(0.0, 86400.0))
      ->capture_default_str();
  sub->add_option("--time-grace", p.time_grace, "seconds over --move-seconds before a move loses on time")
      ->check(CLI::Range(0.0, 3600.0))
      ->capture_default_str();
  sub->add_option("--hang-seconds", p.hang_seconds, "an answer later than this loses the game (0: 10 x move-seconds + 60)")
      ->check(CLI::Range(0.0, 86400.0))
      ->capture_default_str();
  sub->add_option("--referee", p.referee_command,
                  "Go: a GTP engine whose final_score decides finished games, e.g.\n"
                  "\"/usr/games/gnugo --mode gtp --chinese-rules\"");
  sub->add_option("--sgf-dir,--records", p.record_dir, "write each game's record here (SGF for Go)");
  sub->add_option("--sprt", o->sprt, "ELO0 ELO1: stop early when the SPRT decides")->expected(2);
  sub->add_option("--sprt-alpha", o->sprt_alpha, "SPRT false positive rate")->check(CLI::Range(0.001, 0.5))->capture_default_str();
  sub->add_option("--sprt-beta", o->sprt_beta, "SPRT false negative rate")->check(CLI::Range(0.001, 0.5))->capture_default_str();
  return [o] { return RunMatchCommand(*o); };
}

}  // namespace descent::app
