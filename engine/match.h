#pragma once
// A referee for matches between two GTP engines (in the spirit of
// gogui-twogtp): any game Descent knows, colours alternating, games in
// parallel, an optional per-move clock, area scoring with an optional
// referee engine (GNU Go's final_score) for dead stones, an SGF (Go) or a
// move list (other games) per game, and an optional SPRT to stop early.
//
// A crashed, hung, illegal-moving or setup-refusing engine loses that game
// with the reason recorded; it is restarted for the next game.

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "game/game.h"
#include "game/match_stats.h"

namespace descent::engine {

struct MatchParams {
  // Shell commands that start the engines. The first plays Black in even
  // games (game 0, 2, ...) and White in odd ones; scores are the first's.
  std::string first_command, second_command;
  std::string game_spec = "go:9:komi=7";  // komi comes from the spec
  int games = 2;
  // Games at once; each holds its own pair of engine processes.
  int parallel = 1;
  // Seconds per move, sent as `time_settings 0 S 1` (byo-yomi of S seconds
  // for every move). 0 sends no clock: each engine uses its own budget.
  double move_seconds = 0;
  // A move later than move_seconds + time_grace loses on time: the grace
  // covers process start-up and pipe latency on a busy machine.
  double time_grace = 2.0;
  // A move (or any other answer) later than this means the engine hangs:
  // it loses and is killed. 0 picks 10 * move_seconds + 60.
  double hang_seconds = 0;
  // Go only: a GTP engine that scores finished games with `final_score`
  // (e.g. "gnugo --mode gtp --chinese-rules"); empty: area score only.
  std::string referee_command;
  // Where each game's record goes (created); empty: nowhere.
  std::string record_dir;
  std::optional<game::SprtParams> sprt;
};

struct MatchGame {
  int index = 0;
  bool first_is_black = true;
  int moves = 0;
  // 0: Black won, 1: White won, -1: a draw; from the board or a forfeit.
  int winner = -1;
  std::string result;          // SGF style: "B+3.5", "W+R", "B+Time", "0"
  std::string reason;          // how it ended, in words
  std::string area_result;     // Go: Descent's area score of the final board
  std::string referee_result;  // Go with a referee: its final_score
  bool referee_disagrees = false;  // the two above name different winners
  std::string record_path;
  double longest_move_seconds[2] = {0, 0};  // by colour, genmove to answer
  // The first engine's points from this game (1, 0.5, 0).
  double FirstScore() const;
};

struct MatchSummary {
  std::string first_name, second_name;  // from GTP name + version
  game::MatchScore total;                   // the first engine's
  game::MatchScore first_as_black, first_as_white;
  int referee_disagreements = 0;
  // The longest any genmove took each engine: how close to the clock it got.
  double first_longest_move = 0, second_longest_move = 0;
  std::optional<game::SprtState> sprt;  // the last SPRT state, when asked
  bool stopped_by_sprt = false;
  std::vector<MatchGame> games;  // in the order they finished
};

// Plays the match; blocks. `on_game` (optional) is called after each game,
// under a lock, from the thread that played it. Stops between moves when
// `*cancel` becomes true (unfinished games are not counted). Throws
// game::UserError for a bad spec or a record directory it cannot create.
MatchSummary RunMatch(const MatchParams& params,
                      const std::function<void(const MatchGame&, const MatchSummary&)>& on_game = nullptr,
                      const std::atomic<bool>* cancel = nullptr);

}  // namespace descent::engine
