#pragma once
// A bounded, thread-safe cache of evaluations keyed by Encoder::CacheKey:
// priors over all moves and the value. Direct-mapped (a new entry replaces
// whatever shared its slot), with striped locks so searchers rarely wait.

#include <atomic>
#include <cstdint>
#include <mutex>
#include <vector>

namespace descent::net {

class EvalCache {
 public:
  // `entries` slots of `policy_size` priors each; 0 entries disables it.
  EvalCache(size_t entries, int policy_size);

  // A hit: only the priors of the `num_legal` moves
  // listed (indices into the policy), renormalised to sum to one (uniform
  // if they held no mass), with value and score; nothing dense is copied.
  // False, with the outputs untouched, if absent.
  bool LookupMoves(uint64_t key, const int* moves, int num_moves, float* priors, float* value,
                   float* score = nullptr) const;
  void Insert(uint64_t key, const float* priors, float value, float score = 0);

  uint64_t hits() const { return hits_; }
  uint64_t misses() const { return misses_; }
  size_t entries() const { return keys_.size(); }

 private:
  static constexpr size_t kStripes = 64;
  int policy_size_;
  std::vector<uint64_t> keys_;  // key + 1; 0 = empty
  std::vector<float> values_;
  std::vector<float> scores_;
  std::vector<float> priors_;
  mutable std::mutex stripes_[kStripes];
  mutable std::atomic<uint64_t> hits_{0}, misses_{0};
};

}  // namespace descent::net
