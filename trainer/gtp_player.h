#pragma once
// Outside GTP engines (GNU Go, another Descent, any engine that speaks GTP)
// as players of the evaluation library's matches (selfplay/arena.h), so a
// network plays them with its searches batched across many games at once.

#include <string>

#include "game/game.h"
#include "selfplay/arena.h"

namespace descent::trainer {

struct GtpPlayerParams {
  // Shell command that starts the engine (`sh -c`), e.g.
  // "gnugo --mode gtp --level 1 --chinese-rules".
  std::string command;
  // Seconds per move sent to the engine as `time_settings 0 S 1`; 0 sends
  // no clock (the engine uses its own budget, GNU Go its --level).
  double move_seconds = 0;
  // An answer later than this means the engine hangs: the match stops with
  // an error naming it. 60 s is far above any engine's move at the levels
  // evaluation uses (GNU Go level 10 on 9x9: well under a second).
  double hang_seconds = 60;
};

// One engine process per game (started when the game starts, ended with
// it): games in flight never share an engine's board. Choose keeps the
// engine's board in step with the game's moves (`play`, or `clear_board`
// and a replay when the history differs), asks `genmove`, and returns
// selfplay::kResign when the engine resigns. Throws game::UserError when
// the engine cannot start, dies, hangs, refuses a legal move or plays an
// illegal one: evaluation must not count a broken engine's games.
selfplay::PlayerFactory GtpPlayerFactory(const game::Game& game, const GtpPlayerParams& params);

// Checks once that `command` starts and speaks GTP; returns its name and
// version ("GNU Go 3.8"). Throws game::UserError otherwise.
std::string GtpEngineName(const std::string& command, double hang_seconds = 60);

// Go: scores finished games with a referee engine's `final_score` (GNU Go
// with --chinese-rules knows dead stones; area scoring alone counts them
// as alive), one referee process per call. For selfplay::MatchParams::score.
// A referee that fails is an error (game::UserError), not a silent area score.
decltype(selfplay::MatchParams::score) GtpRefereeScore(const game::Game& game, const std::string& command,
                                                       double hang_seconds = 60);

}  // namespace descent::trainer
