#include "net/eval_cache.h"

#include <cstring>

namespace descent::net {

EvalCache::EvalCache(size_t entries, int policy_size)
    : policy_size_(policy_size), keys_(entries, 0), values_(entries), scores_(entries), priors_(entries * policy_size) {}

bool EvalCache::LookupMoves(uint64_t key, const int* moves, int num_moves, float* priors, float* value,
                            float* score) const {
  if (keys_.empty()) return false;
  const size_t slot = key % keys_.size();
  float sum = 0;
  {
    std::lock_guard lock(stripes_[slot % kStripes]);
    if (keys_[slot] != key + 1) {
      misses_.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    const float* stored = &priors_[slot * policy_size_];
    for (int k = 0; k < num_moves; ++k) sum += priors[k] = stored[moves[k]];
    *value = values_[slot];
    if (score != nullptr) *score = scores_[slot];
  }
  for (int k = 0; k < num_moves; ++k) priors[k] = sum > 0 ? priors[k] / sum : 1.0f / static_cast<float>(num_moves);
  hits_.fetch_add(1, std::memory_order_relaxed);
  return true;
}

void EvalCache::Insert(uint64_t key, const float* priors, float value, float score) {
  if (keys_.empty()) return;
  const size_t slot = key % keys_.size();
  std::lock_guard lock(stripes_[slot % kStripes]);
  keys_[slot] = key + 1;
  values_[slot] = value;
  scores_[slot] = score;
  std::memcpy(&priors_[slot * policy_size_], priors, sizeof(float) * policy_size_);
}

}  // namespace descent::net
