#pragma once
// What search needs from a network: priors over the legal moves and a value.
// The tree knows nothing else about the net.

#include <span>

#include "game/game.h"

namespace descent::mcts {

// One position to evaluate. The caller owns every pointer; they stay valid
// until Evaluate returns.
struct EvalRequest {
  const game::State* state = nullptr;  // not terminal
  const game::Move* legal = nullptr;   // its legal moves, in increasing order
  int num_legal = 0;
  float* priors = nullptr;  // out: one prior per legal move, summing to 1
  float* value = nullptr;   // out: expected result for the side to move, in [-1, 1]
  // out, optional: the expected final score for the side to move, in points
  // (Go, networks with a score head, evaluators asked for it); evaluators
  // that do not know it leave it as it is (Leaf sets 0).
  float* score = nullptr;
  // The driver asked EvaluateAtOnce just before and got false: the
  // evaluator need not look in its cache again.
  bool asked_at_once = false;
};

class Evaluator {
 public:
  virtual ~Evaluator() = default;
  // Evaluates every request and returns when all outputs are written.
  // Thread-safe: several search threads may call it at once with their own
  // requests (a batching evaluator merges them into one net call).
  virtual void Evaluate(std::span<const EvalRequest> batch) = 0;
  // Answers one request at once, and returns true, when its result is at
  // hand without a network call (a cache hit); otherwise returns false and
  // writes nothing. The drivers ask before they queue a leaf, so a hit is
  // backed up at once instead of waiting for a batch it adds nothing to
  // (lc0's FETCHED_IMMEDIATELY). Thread-safe, like Evaluate.
  virtual bool EvaluateAtOnce(const EvalRequest& /*request*/) { return false; }
};

}  // namespace descent::mcts
