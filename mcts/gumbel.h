#pragma once
// Gumbel AlphaZero's root (Danihelka et al., ICLR 2022, "Policy improvement
// by planning with Gumbel"; DeepMind's mctx is the reference): the root's
// candidates are the top `considered` moves by Gumbel noise + log prior
// (sampling without replacement), sequential halving spreads the
// simulations over them, the move played is the best survivor by
// g + logit + sigma(q), and the training target is the improved policy
// softmax(logit + sigma(completed q)). Below the root the search stays PUCT
// (mctx uses its own deterministic rule there; PUCT keeps our batched
// drivers and solver unchanged). Pure functions plus a small state object;
// Search (mcts/search.h) drives it.

#include <cstdint>
#include <random>
#include <vector>

namespace descent::mcts {

struct GumbelParams {
  // Root candidates (m). 16 is the paper's choice for Go at 16-200
  // simulations (mctx's max_num_considered_actions default).
  int considered = 16;
  // sigma(q) = (c_visit + max visits) * c_scale * q, q rescaled to [0, 1]
  // (the paper's and mctx's defaults, 50 and 0.1).
  float c_visit = 50.0f;
  float c_scale = 0.1f;
};

// For simulation k (0-based, the root's own evaluation not counted), the
// visit count a root candidate must have to be chosen: sequential halving
// as mctx's get_sequence_of_considered_visits lays it out (each phase gives
// every surviving candidate the same visits, then halves the candidates).
std::vector<int> ConsideredVisitSequence(int max_considered, int simulations);

// A root child as the Gumbel rules see it.
struct RootChild {
  float log_prior = 0;  // log of the (noise-free) prior
  int visits = 0;       // completed and in flight
  float q = 0;          // mean value for the player to move at the root (visited children)
};

// sigma(completed q) of each child: visited children keep their q, the
// others get the mixed value of the root's net value and the visited
// children's prior-weighted q (mctx qtransform_completed_by_mix_value);
// rescaled to [0, 1] over the children, then scaled.
std::vector<float> TransformedCompletedQ(const std::vector<RootChild>& children, float root_net_value,
                                         const GumbelParams& params);
// softmax(log_prior + sigma(completed q)): sums to one.
std::vector<float> ImprovedPolicy(const std::vector<RootChild>& children, float root_net_value,
                                  const GumbelParams& params);

class GumbelRoot {
 public:
  // Plans `simulations` root simulations; `noise`: draw Gumbel noise (self-
  // play) or none (deterministic play); `seed` draws it.
  void Start(const GumbelParams& params, int simulations, bool noise, uint64_t seed);
  void Clear() { active_ = false; }
  bool active() const { return active_; }

  // The child (index into `children`) the next root simulation must enter.
  int NextChild(const std::vector<RootChild>& children, float root_net_value);
  // The move to play: among the children visited most, the best by
  // g + log prior + sigma(q).
  int BestChild(const std::vector<RootChild>& children, float root_net_value) const;

 private:
  void Draw(int num_children);
  float Score(const std::vector<RootChild>& children, const std::vector<float>& sigma, int i) const;

  GumbelParams params_;
  bool active_ = false;
  bool noise_ = true;
  int simulations_ = 0;
  int next_ = 0;  // root simulations chosen so far
  uint64_t seed_ = 0;
  std::vector<float> gumbel_;   // per child, drawn when the root has children
  std::vector<int> sequence_;   // ConsideredVisitSequence for this root
};

}  // namespace descent::mcts
