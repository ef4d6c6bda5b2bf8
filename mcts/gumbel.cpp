#include "mcts/gumbel.h"

#include <algorithm>
#include <cmath>

namespace descent::mcts {

std::vector<int> ConsideredVisitSequence(int max_considered, int simulations) {
  std::vector<int> sequence;
  if (simulations <= 0) return sequence;
  if (max_considered <= 1) {
    for (int k = 0; k < simulations; ++k) sequence.push_back(k);
    return sequence;
  }
  const int log2max = static_cast<int>(std::ceil(std::log2(static_cast<double>(max_considered))));
  std::vector<int> visits(max_considered, 0);
  int considered = max_considered;
  while (static_cast<int>(sequence.size()) < simulations) {
    const int extra = std::max(1, simulations / (log2max * considered));
    for (int e = 0; e < extra; ++e) {
      sequence.insert(sequence.end(), visits.begin(), visits.begin() + considered);
      for (int i = 0; i < considered; ++i) ++visits[i];
    }
    considered = std::max(2, considered / 2);
  }
  sequence.resize(simulations);
  return sequence;
}

std::vector<float> TransformedCompletedQ(const std::vector<RootChild>& children, float root_net_value,
                                         const GumbelParams& params) {
  const size_t n = children.size();
  // The mixed value: the net's value, with the visited children's q weighed
  // by their (renormalised) priors as if visited sum_visits times.
  double visits = 0, visited_prior = 0, weighted_q = 0;
  int max_visits = 0;
  for (const RootChild& c : children) {
    max_visits = std::max(max_visits, c.visits);
    if (c.visits <= 0) continue;
    visits += c.visits;
    const double p = std::exp(static_cast<double>(c.log_prior));
    visited_prior += p;
    weighted_q += p * c.q;
  }
  double mixed = root_net_value;
  if (visited_prior > 0) mixed = (root_net_value + visits * weighted_q / visited_prior) / (1 + visits);
  std::vector<float> q(n);
  for (size_t i = 0; i < n; ++i) q[i] = children[i].visits > 0 ? children[i].q : static_cast<float>(mixed);
  const auto [lo, hi] = std::minmax_element(q.begin(), q.end());
  const float low = n ? *lo : 0, range = n ? *hi - *lo : 0;
  const float scale = (params.c_visit + static_cast<float>(max_visits)) * params.c_scale;
  for (float& v : q) v = scale * (range > 1e-8f ? (v - low) / range : 0.5f);
  return q;
}

std::vector<float> ImprovedPolicy(const std::vector<RootChild>& children, float root_net_value,
                                  const GumbelParams& params) {
  const std::vector<float> sigma = TransformedCompletedQ(children, root_net_value, params);
  std::vector<float> logits(children.size());
  for (size_t i = 0; i < children.size(); ++i) logits[i] = children[i].log_prior + sigma[i];
  const float top = logits.empty() ? 0 : *std::max_element(logits.begin(), logits.end());
  double sum = 0;
  for (float& l : logits) sum += (l = std::exp(l - top));
  for (float& l : logits) l = static_cast<float>(l / sum);
  return logits;
}

void GumbelRoot::Start(const GumbelParams& params, int simulations, bool noise, uint64_t seed) {
  params_ = params;
  active_ = true;
  noise_ = noise;
  simulations_ = simulations;
  next_ = 0;
  seed_ = seed;
  gumbel_.clear();
  sequence_.clear();
}

void GumbelRoot::Draw(int num_children) {
  gumbel_.assign(num_children, 0.0f);
  if (noise_) {
    std::mt19937_64 rng(seed_);
    std::uniform_real_distribution<double> uniform(1e-12, 1.0);
    for (float& g : gumbel_) g = static_cast<float>(-std::log(-std::log(uniform(rng))));
  }
  sequence_ = ConsideredVisitSequence(std::min(params_.considered, num_children), simulations_);
}

float GumbelRoot::Score(const std::vector<RootChild>& children, const std::vector<float>& sigma, int i) const {
  return gumbel_[i] + children[i].log_prior + sigma[i];
}

int GumbelRoot::NextChild(const std::vector<RootChild>& children, float root_net_value) {
  const int n = static_cast<int>(children.size());
  if (static_cast<int>(gumbel_.size()) != n) Draw(n);
  const std::vector<float> sigma = TransformedCompletedQ(children, root_net_value, params_);
  // Past the planned simulations (a driver asked for more): keep to the
  // survivors, the most visited.
  int target = 0;
  if (next_ < static_cast<int>(sequence_.size())) {
    target = sequence_[next_];
  } else {
    for (const RootChild& c : children) target = std::max(target, c.visits);
  }
  ++next_;
  int best = -1;
  for (int i = 0; i < n; ++i) {
    if (children[i].visits != target) continue;
    if (best < 0 || Score(children, sigma, i) > Score(children, sigma, best)) best = i;
  }
  if (best >= 0) return best;
  // No child at the target count (visits in flight from elsewhere): the
  // least visited of the best-scored.
  best = 0;
  for (int i = 1; i < n; ++i) {
    if (std::make_pair(-children[i].visits, Score(children, sigma, i)) >
        std::make_pair(-children[best].visits, Score(children, sigma, best))) {
      best = i;
    }
  }
  return best;
}

int GumbelRoot::BestChild(const std::vector<RootChild>& children, float root_net_value) const {
  const int n = static_cast<int>(children.size());
  if (n == 0) return -1;
  std::vector<float> gumbel = gumbel_;
  gumbel.resize(n, 0.0f);
  const std::vector<float> sigma = TransformedCompletedQ(children, root_net_value, params_);
  int max_visits = 0;
  for (const RootChild& c : children) max_visits = std::max(max_visits, c.visits);
  int best = -1;
  float best_score = 0;
  for (int i = 0; i < n; ++i) {
    if (children[i].visits != max_visits) continue;
    const float score = gumbel[i] + children[i].log_prior + sigma[i];
    if (best < 0 || score > best_score) best = i, best_score = score;
  }
  return best;
}

}  // namespace descent::mcts
