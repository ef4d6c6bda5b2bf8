#include "net/inference_server.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

#include "net/eval_cache.h"

namespace descent::net {
namespace {

constexpr int kInput = 4, kPolicy = 3;

// A stand-in net call: value = 2 x the first input, logits = first input + j.
// Records the biggest batch it was given; throws on a first input of -1.
struct FakeNet {
  void operator()(const float* input, int batch, float* policy, float* values) {
    int seen = biggest.load();
    while (batch > seen && !biggest.compare_exchange_weak(seen, batch)) {
    }
    for (int i = 0; i < batch; ++i) {
      const float x = input[i * kInput];
      if (x == -1) throw std::runtime_error("poisoned position");
      values[i] = 2 * x;
      for (int j = 0; j < kPolicy; ++j) policy[i * kPolicy + j] = x + j;
    }
  }
  std::atomic<int> biggest{0};
};

std::vector<float> Inputs(int n, float first) {
  std::vector<float> in(static_cast<size_t>(n) * kInput, 0.5f);
  for (int i = 0; i < n; ++i) in[i * kInput] = first + i;
  return in;
}

TEST(InferenceServer, SplitsARequestBiggerThanABatch) {
  FakeNet net;
  InferenceServer server(kInput, kPolicy, std::ref(net), {.max_batch = 3, .threads = 2});
  const auto in = Inputs(10, 1);
  std::vector<float> policy(10 * kPolicy), values(10);
  server.Evaluate(in.data(), 10, policy.data(), values.data());
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(values[i], 2 * (1 + i));
    for (int j = 0; j < kPolicy; ++j) EXPECT_EQ(policy[i * kPolicy + j], 1 + i + j);
  }
  EXPECT_LE(net.biggest.load(), 3);
  EXPECT_GE(server.Stats().batches, 4u);
  EXPECT_EQ(server.Stats().positions, 10u);
}

TEST(InferenceServer, ConcurrentRequestsGetTheirOwnResults) {
  FakeNet net;
  InferenceServer server(kInput, kPolicy, std::ref(net), {.max_batch = 16, .threads = 2});
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 50; ++round) {
        const int n = 1 + (t + round) % 7;
        const float first = 1000.0f * t + 10.0f * round;
        const auto in = Inputs(n, first);
        std::vector<float> policy(n * kPolicy), values(n);
        server.Evaluate(in.data(), n, policy.data(), values.data());
        for (int i = 0; i < n; ++i) wrong += values[i] != 2 * (first + i);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_LE(net.biggest.load(), 16);
}

TEST(InferenceServer, AnErrorInTheNetCallReachesTheCallerAndTheServerGoesOn) {
  FakeNet net;
  InferenceServer server(kInput, kPolicy, std::ref(net), {.max_batch = 4, .threads = 2});
  auto in = Inputs(9, 1);
  in[6 * kInput] = -1;  // the seventh position poisons its batch
  std::vector<float> policy(9 * kPolicy), values(9);
  try {
    server.Evaluate(in.data(), 9, policy.data(), values.data());
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "poisoned position");
  }
  const auto good = Inputs(5, 3);
  server.Evaluate(good.data(), 5, policy.data(), values.data());
  EXPECT_EQ(values[4], 14);
}

TEST(EvalCache, HoldsAtMostItsSlotsAndAnswersExactly) {
  EvalCache cache(8, kPolicy);
  const float priors[kPolicy] = {0.5f, 0.25f, 0.25f};
  for (uint64_t key = 0; key < 100; ++key) cache.Insert(key, priors, static_cast<float>(key));
  EXPECT_EQ(cache.entries(), 8u);
  int found = 0;
  const int all[kPolicy] = {0, 1, 2};
  for (uint64_t key = 0; key < 100; ++key) {
    float out[kPolicy], value;
    if (!cache.LookupMoves(key, all, kPolicy, out, &value)) continue;
    ++found;
    EXPECT_EQ(value, static_cast<float>(key));  // never another key's result
    EXPECT_EQ(out[0], 0.5f);
  }
  EXPECT_EQ(found, 8);  // the newest key of each slot
  float out[kPolicy], value;
  EvalCache off(0, kPolicy);
  off.Insert(1, priors, 1);
  EXPECT_FALSE(off.LookupMoves(1, all, kPolicy, out, &value));
}

TEST(EvalCache, AnswersTheListedMovesRenormalisedAndLeavesAMissUntouched) {
  EvalCache cache(8, kPolicy);
  const float priors[kPolicy] = {0.5f, 0.25f, 0.25f};
  cache.Insert(3, priors, -0.5f, 2.5f);
  const int moves[2] = {0, 2};  // a subset: renormalised over it
  float out[2] = {-1, -1}, value = 9, score = 9;
  ASSERT_TRUE(cache.LookupMoves(3, moves, 2, out, &value, &score));
  EXPECT_FLOAT_EQ(out[0], 2.0f / 3.0f);
  EXPECT_FLOAT_EQ(out[1], 1.0f / 3.0f);
  EXPECT_EQ(value, -0.5f);
  EXPECT_EQ(score, 2.5f);
  const float none[kPolicy] = {0, 0, 1};
  cache.Insert(4, none, 0.25f);
  ASSERT_TRUE(cache.LookupMoves(4, moves + 0, 1, out, &value));  // no mass on the listed move: uniform
  EXPECT_EQ(out[0], 1.0f);
  out[0] = out[1] = value = score = 7;
  EXPECT_FALSE(cache.LookupMoves(5, moves, 2, out, &value, &score));
  EXPECT_EQ(out[0], 7);
  EXPECT_EQ(out[1], 7);
  EXPECT_EQ(value, 7);
  EXPECT_EQ(score, 7);
  EXPECT_EQ(cache.hits(), 2u);
  EXPECT_EQ(cache.misses(), 1u);
}

}  // namespace
}  // namespace descent::net
