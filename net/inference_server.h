#pragma once
// Owns a network and runs positions from many searchers as batches.
// Searchers call Evaluate (blocking); worker threads take everything queued
// (up to max_batch positions) as one net call. No LibTorch types here.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "net/network.h"

namespace descent::net {

struct InferenceParams {
  // Positions per net call at most. 256 is past the knee of batched
  // throughput on CPU (measured by `descent bench`); bigger only adds latency.
  int max_batch = 256;
  // Worker threads, each running its own batches, and LibTorch threads per
  // worker. One single-threaded worker per core measured faster than one
  // worker with a thread per core at the batch sizes search produces.
  int threads = 2;
  int torch_threads_per_worker = 1;
  // How long a worker holding a partial batch waits for more positions.
  // 0: take what is queued; batches fill naturally while others run.
  int gather_wait_us = 0;
};

struct InferenceStats {
  uint64_t batches = 0;
  uint64_t positions = 0;
  double busy_seconds = 0;  // summed over workers, inside Forward
};

class InferenceServer {
 public:
  // A net call: `batch` inputs in, batch x policy_size logits and batch values out.
  using ForwardFn = std::function<void(const float* input, int batch, float* policy_logits, float* values)>;

  InferenceServer(std::shared_ptr<const Network> network, const InferenceParams& params);
  // Batches for an arbitrary net call (a stand-in in tests, an exported
  // model): the same queueing, splitting and error handling. network() is
  // then null and SwapNetwork replaces the function by the network's.
  InferenceServer(int input_size, int policy_size, ForwardFn forward, const InferenceParams& params);
  ~InferenceServer();  // finishes queued work, stops the workers

  // Evaluates `n` encoded positions; blocks until outputs are written.
  // Thread-safe. Outputs: n x policy_size logits, n values. A request
  // bigger than max_batch is split over several net calls. When a net call
  // holding any of its positions throws, Evaluate rethrows that exception
  // (once every piece has come back; the outputs are then unspecified) and
  // the server keeps serving other requests.
  // With `scores` (n floats), a network with a score head also writes each
  // position's expected final score for the side to move (points); other
  // networks and ForwardFn calls write 0 there.
  void Evaluate(const float* input, int n, float* policy_logits, float* values, float* scores = nullptr);
  // New batches use `network` (same game and encoding); running ones finish
  // with the old one. game::UserError, changing nothing, for a network of
  // another input or policy size (a board-masked network of a larger board).
  void SwapNetwork(std::shared_ptr<const Network> network);
  std::shared_ptr<const Network> network() const;
  InferenceStats Stats() const;

 private:
  struct Request;
  void Worker();

  InferenceParams params_;
  int input_size_;
  int policy_size_;
  mutable std::mutex mutex_;
  std::condition_variable work_;
  std::deque<Request*> queue_;
  std::shared_ptr<const Network> network_;
  ForwardFn forward_;  // used when network_ is null
  bool stopping_ = false;
  std::vector<std::thread> workers_;
  std::atomic<uint64_t> batches_{0}, positions_{0}, busy_nanos_{0};
};

}  // namespace descent::net
