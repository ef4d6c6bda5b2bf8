#pragma once
// Go games that differ from a run's game only in komi, for self-play with a
// randomised komi (KataGo): each game of a run may have its own komi, so the
// network learns what komi does to the value and the score instead of one
// fixed balance. A variant is made on first use and kept while this object
// lives, so states may point at it. Thread-safe.

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "game/game.h"

namespace descent::game {

class KomiVariants {
 public:
  // `max_offset`: the largest |komi - base komi| accepted (0: the base game
  // only). Throws UserError if max_offset > 0 and `base` is not Go, or if
  // max_offset is negative or not finite. `base` must outlive this object.
  KomiVariants(const Game& base, float max_offset);

  // The max_offset that accepts every komi Go allows (-1000..1000): for
  // replaying stored games, which were checked when they were stored. 0 for
  // a game without komi.
  static float AnyKomi(const Game& base);

  const Game& Base() const { return base_; }
  float MaxOffset() const { return max_offset_; }

  // The base game with komi `komi` (the base itself at its own komi).
  // Throws UserError if the komi is out of range or not a half point.
  const Game& WithKomi(float komi);
  // The game `spec` names when it is the base game or one of its variants in
  // range; throws UserError saying why not otherwise.
  const Game& ForSpec(const std::string& spec);

 private:
  const Game& base_;
  float max_offset_;
  std::mutex mutex_;
  std::map<float, std::unique_ptr<Game>> variants_;
};

}  // namespace descent::game
