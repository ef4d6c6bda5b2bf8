#include "mcts/stand_in_evaluators.h"

#include <random>

namespace descent::mcts {

void RolloutEvaluator::Evaluate(std::span<const EvalRequest> batch) {
  std::mt19937_64 rng(seed_ + 0x9e3779b97f4a7c15ULL * calls_.fetch_add(1));
  std::vector<game::Move> legal;
  for (const EvalRequest& r : batch) {
    const float uniform = 1.0f / static_cast<float>(r.num_legal);
    for (int i = 0; i < r.num_legal; ++i) r.priors[i] = uniform;
    const game::Player mover = r.state->ToMove();
    auto scratch = r.state->Clone();
    float total = 0;
    for (int k = 0; k < rollouts_; ++k) {
      scratch->CopyFrom(*r.state);
      while (!scratch->IsTerminal()) {
        scratch->LegalMoves(&legal);
        scratch->Play(legal[rng() % legal.size()]);
      }
      total += scratch->Outcome(mover);
    }
    *r.value = total / static_cast<float>(rollouts_);
  }
}

void ScriptedEvaluator::Evaluate(std::span<const EvalRequest> batch) {
  for (const EvalRequest& r : batch) {
    float sum = 0;
    for (int i = 0; i < r.num_legal; ++i) {
      const game::Move m = r.legal[i];
      r.priors[i] = m < static_cast<int>(weights_.size()) ? weights_[m] : 1.0f;
      sum += r.priors[i];
    }
    for (int i = 0; i < r.num_legal; ++i) r.priors[i] /= sum;
    *r.value = value_fn_ ? value_fn_(*r.state) : 0.0f;
    ++calls_;
  }
}

}  // namespace descent::mcts
