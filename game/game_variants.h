#pragma once
// Go games that differ from a run's game in komi, or in board size, for
// self-play with a randomised komi (KataGo) and with mixed board sizes:
// each game of a run may have its own komi, so the network learns what komi
// does to the value and the score instead of one fixed balance, and a run
// with a board-masked network may also play a smaller board. A variant is
// made on first use and kept while this object lives, so states may point
// at it. Thread-safe.

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "game/game.h"

namespace descent::game {

class GameVariants {
 public:
  // `max_offset`: the largest |komi - base komi| accepted (0: the base game
  // only). Throws UserError if max_offset > 0 and `base` is not Go, or if
  // max_offset is negative or not finite. `base` must outlive this object.
  GameVariants(const Game& base, float max_offset);

  // The max_offset that accepts every komi Go allows (-1000..1000): for
  // replaying stored games, which were checked when they were stored. 0 for
  // a game without komi.
  static float AnyKomi(const Game& base);

  const Game& Base() const { return base_; }
  float MaxOffset() const { return max_offset_; }

  // Also accepts `board` (a Go game on a smaller board than the base, e.g.
  // go:7:komi=9 in a go:9 run) and it with a komi within MaxOffset() of its
  // own. Throws UserError for a spec that is not such a game. Returns the
  // board's game, kept here.
  const Game& AddBoard(const std::string& board);
  // Every board of a comma-separated list ("go:7:komi=9,go:5:komi=4"), each
  // as AddBoard, in the list's order; "" adds none. Throws UserError for an
  // empty entry or any board AddBoard refuses.
  std::vector<const Game*> AddBoards(const std::string& list);
  // Accepts Go on every smaller board with any komi (replaying stored games
  // of a mixed run; they were checked when stored). Needs a Go base.
  void AcceptAnySmallerBoard();

  // The base game with komi `komi` (the base itself at its own komi).
  // Throws UserError if the komi is out of range or not a half point.
  const Game& WithKomi(float komi);
  // The same for `board`: the base or a game AddBoard returned.
  const Game& WithKomi(const Game& board, float komi);
  // The game `spec` names when it is the base game or one of its variants in
  // range; throws UserError saying why not otherwise.
  const Game& ForSpec(const std::string& spec);

 private:
  const Game& Keep(std::unique_ptr<Game> game);  // under mutex_

  const Game& base_;
  float max_offset_;
  bool any_smaller_board_ = false;
  std::mutex mutex_;
  std::vector<const Game*> boards_;                    // base_ first, then AddBoard's
  std::map<std::string, std::unique_ptr<Game>> kept_;  // by spec
};

}  // namespace descent::game
