#pragma once
// The replay window: the newest games, holding at least `window` training
// samples, from which training batches are drawn uniformly. Positions are
// rebuilt by replaying the moves, and each is seen through a random board
// symmetry (augmentation). Not thread-safe.

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <random>

#include "game/game.h"
#include "game/game_variants.h"
#include "net/encoder.h"
#include "selfplay/game_record.h"

namespace descent::trainer {

// KataGo's auxiliary targets of a sampled position (Go), from the view of
// the side to move; a game ended by resignation has none (weight 0).
struct AuxTargets {
  float* ownership = nullptr;  // count x (height * width): +1 the mover's, -1 the opponent's, 0 neither
  float* score = nullptr;      // count: the mover's final area score (komi counted) / (height * width)
  float* weight = nullptr;     // count: 1 where the game was played out, else 0
  // The opponent's reply (any game; null: not wanted): one-hot at the move
  // played next, seen through the sample's symmetry, with weight 0 (and an
  // all-zero row) where the game ended after the sampled move.
  float* opponent_policy = nullptr;  // count x NumMoves
  float* opponent_weight = nullptr;  // count
};

class ReplayBuffer {
 public:
  // `value_q_weight` (0..1): a sample's value target is (1 - w) x the
  // game's result + w x the search's root value where the record kept it
  // (the result alone where it did not).
  ReplayBuffer(const game::Game& game, int64_t window, const std::string& encoding = "", float value_q_weight = 0);

  // Adds a game; drops the oldest games while the rest still fill the window.
  // A Go game may have a komi of its own (self-play's komi_spread): it is
  // replayed, scored and encoded with that komi. Throws game::UserError for
  // a game of another kind (the store holds only checked games).
  void Add(selfplay::GameRecord game);
  int64_t size() const { return samples_; }

  // Writes `count` random samples: inputs (count x InputSize), dense policy
  // targets (count x NumMoves) and value targets for the side to move, and
  // with `aux` the auxiliary targets it points to (ownership and score: Go,
  // weight 0 elsewhere), seen through the same symmetry as the inputs.
  void SampleBatch(int count, std::mt19937_64& rng, float* input, float* policy, float* value,
                   const AuxTargets* aux = nullptr) const;

 private:
  const game::Game& game_;
  int64_t window_;
  float value_q_weight_;
  std::unique_ptr<net::Encoder> encoder_;
  game::GameVariants variants_;  // Go: any komi and any smaller board, as stored
  // The start position of each game variant met (game_ and its komi
  // variants), so a sample's replay copies one instead of allocating.
  std::map<const game::Game*, std::unique_ptr<game::State>> initial_;
  // The final position's area ownership (Black's view) and Black's score,
  // for Go games played out to the end; empty ownership otherwise.
  struct FinalPosition {
    std::vector<int8_t> ownership;
    float black_score = 0;
  };
  FinalPosition Final(const game::Game& variant, const selfplay::GameRecord& game) const;

  std::deque<selfplay::GameRecord> games_;
  std::deque<const game::State*> initials_;  // each game's start position (in initial_)
  std::deque<FinalPosition> finals_;
  std::deque<int64_t> first_sample_;  // running sample index of each game's first target
  int64_t samples_ = 0;
  int64_t dropped_ = 0;  // samples of games already dropped
};

}  // namespace descent::trainer
