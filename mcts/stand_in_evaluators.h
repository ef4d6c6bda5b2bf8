#pragma once
// Real evaluators that need no network, for tests, baselines and benches.

#include <atomic>
#include <cstdint>
#include <functional>
#include <vector>

#include "mcts/evaluator.h"

namespace descent::mcts {

// Uniform priors; the value is the mean result of `rollouts` uniformly random
// playouts from the position (pure MCTS when used with search). Thread-safe.
// Deterministic for a given seed when calls come one at a time.
class RolloutEvaluator final : public Evaluator {
 public:
  explicit RolloutEvaluator(uint64_t seed, int rollouts = 1) : seed_(seed), rollouts_(rollouts) {}
  void Evaluate(std::span<const EvalRequest> batch) override;

 private:
  uint64_t seed_;
  int rollouts_;
  std::atomic<uint64_t> calls_{0};
};

// Fixed priors and values from the caller: priors proportional to
// weights[move] (moves missing from the list weigh 1), the value from
// `value_fn` (or 0). Thread-safe if value_fn is.
class ScriptedEvaluator final : public Evaluator {
 public:
  using ValueFn = std::function<float(const game::State&)>;
  ScriptedEvaluator(std::vector<float> weights, ValueFn value_fn = nullptr)
      : weights_(std::move(weights)), value_fn_(std::move(value_fn)) {}
  void Evaluate(std::span<const EvalRequest> batch) override;
  // How many positions it has evaluated.
  uint64_t Calls() const { return calls_; }

 private:
  std::vector<float> weights_;
  ValueFn value_fn_;
  std::atomic<uint64_t> calls_{0};
};

}  // namespace descent::mcts
