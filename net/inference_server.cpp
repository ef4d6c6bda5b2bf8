#include "net/inference_server.h"

#include <chrono>
#include <cstring>
#include <exception>
#include <string>

#include "game/user_error.h"

namespace descent::net {

struct InferenceServer::Request {
  Request(const float* input, int n, float* policy, float* values, float* scores)
      : input(input), n(n), policy(policy), values(values), scores(scores) {}
  const float* input;
  int n;
  float* policy;
  float* values;
  float* scores;  // optional
  int taken = 0;  // positions handed to workers so far
  int done = 0;   // positions finished
  std::exception_ptr error;  // the first failure of a net call holding a piece of this request
  std::condition_variable finished;
};

InferenceServer::InferenceServer(std::shared_ptr<const Network> network, const InferenceParams& params)
    : params_(params), network_(std::move(network)) {
  const NetConfig& c = network_->config();
  input_size_ = c.input_planes * c.height * c.width;
  policy_size_ = c.policy_size;
  for (int i = 0; i < std::max(1, params_.threads); ++i) workers_.emplace_back([this] { Worker(); });
}

InferenceServer::InferenceServer(int input_size, int policy_size, ForwardFn forward, const InferenceParams& params)
    : params_(params), input_size_(input_size), policy_size_(policy_size), forward_(std::move(forward)) {
  for (int i = 0; i < std::max(1, params_.threads); ++i) workers_.emplace_back([this] { Worker(); });
}

InferenceServer::~InferenceServer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  work_.notify_all();
  for (auto& w : workers_) w.join();
}

void InferenceServer::Evaluate(const float* input, int n, float* policy_logits, float* values, float* scores) {
  if (n <= 0) return;
  Request request(input, n, policy_logits, values, scores);
  std::unique_lock lock(mutex_);
  queue_.push_back(&request);
  work_.notify_one();
  request.finished.wait(lock, [&] { return request.done == request.n; });
  if (request.error) std::rethrow_exception(request.error);
}

void InferenceServer::SwapNetwork(std::shared_ptr<const Network> network) {
  // Callers' buffers are sized for this server's inputs and outputs (a
  // board-masked network may fit a game and still have a larger board).
  const NetConfig& c = network->config();
  if (c.input_planes * c.height * c.width != input_size_ || c.policy_size != policy_size_) {
    throw game::UserError("the network's inputs or moves (" + std::to_string(c.input_planes) + " planes of " +
                          std::to_string(c.height) + "x" + std::to_string(c.width) + ", " +
                          std::to_string(c.policy_size) + " moves) differ from the one it would replace");
  }
  std::lock_guard lock(mutex_);
  network_ = std::move(network);
}

std::shared_ptr<const Network> InferenceServer::network() const {
  std::lock_guard lock(mutex_);
  return network_;
}

InferenceStats InferenceServer::Stats() const {
  return {batches_.load(), positions_.load(), static_cast<double>(busy_nanos_.load()) * 1e-9};
}

void InferenceServer::Worker() {
  Network::SetThreadsForThisThread(params_.torch_threads_per_worker);
  const int max_batch = std::max(1, params_.max_batch);
  std::vector<float> input(static_cast<size_t>(max_batch) * input_size_);
  std::vector<float> policy(static_cast<size_t>(max_batch) * policy_size_);
  std::vector<float> values(max_batch);
  std::vector<float> scores(max_batch);
  // Pieces of requests in this batch: (request, first position, count).
  struct Piece {
    Request* request;
    int first;
    int count;
  };
  std::vector<Piece> pieces;
  std::unique_lock lock(mutex_);
  for (;;) {
    work_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and nothing left to do

    // Step 1: take queued positions, splitting a request bigger than a batch.
    pieces.clear();
    int total = 0;
    const auto take = [&] {
      while (!queue_.empty() && total < max_batch) {
        Request* r = queue_.front();
        const int count = std::min(r->n - r->taken, max_batch - total);
        pieces.push_back({r, r->taken, count});
        r->taken += count;
        total += count;
        if (r->taken == r->n) queue_.pop_front();
      }
    };
    take();
    if (total < max_batch && params_.gather_wait_us > 0) {
      work_.wait_for(lock, std::chrono::microseconds(params_.gather_wait_us));
      take();
    }
    if (!queue_.empty()) work_.notify_one();  // more for another worker
    const std::shared_ptr<const Network> network = network_;
    const ForwardFn& forward = forward_;  // set once at construction
    lock.unlock();

    // Step 2: one net call. A single piece is used in place.
    bool want_scores = false;
    for (const Piece& p : pieces) want_scores = want_scores || p.request->scores != nullptr;
    const bool has_scores = want_scores && network && network->config().aux_heads;
    const float* batch_input = input.data();
    if (pieces.size() == 1) {
      batch_input = pieces[0].request->input + static_cast<size_t>(pieces[0].first) * input_size_;
    } else {
      size_t offset = 0;
      for (const Piece& p : pieces) {
        std::memcpy(input.data() + offset, p.request->input + static_cast<size_t>(p.first) * input_size_,
                    sizeof(float) * p.count * input_size_);
        offset += static_cast<size_t>(p.count) * input_size_;
      }
    }
    // A failure (a LibTorch error, out of memory) goes to every request with
    // a piece in this batch: their callers rethrow it; this worker goes on.
    std::exception_ptr error;
    const auto start = std::chrono::steady_clock::now();
    try {
      if (network) {
        network->Forward(batch_input, total, policy.data(), values.data(), nullptr, has_scores ? scores.data() : nullptr);
      } else {
        forward(batch_input, total, policy.data(), values.data());
      }
    } catch (...) {
      error = std::current_exception();
    }
    busy_nanos_ += std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start).count();
    batches_ += 1;
    positions_ += total;

    // Step 3: hand results back.
    size_t at = 0;
    for (const Piece& p : pieces) {
      if (error) break;
      std::memcpy(p.request->policy + static_cast<size_t>(p.first) * policy_size_,
                  policy.data() + at * policy_size_, sizeof(float) * p.count * policy_size_);
      std::memcpy(p.request->values + p.first, values.data() + at, sizeof(float) * p.count);
      if (p.request->scores != nullptr) {
        if (has_scores) {
          std::memcpy(p.request->scores + p.first, scores.data() + at, sizeof(float) * p.count);
        } else {
          std::fill(p.request->scores + p.first, p.request->scores + p.first + p.count, 0.0f);
        }
      }
      at += p.count;
    }
    lock.lock();
    for (const Piece& p : pieces) {
      if (error && !p.request->error) p.request->error = error;
      p.request->done += p.count;
      if (p.request->done == p.request->n) p.request->finished.notify_all();
    }
  }
}

}  // namespace descent::net
