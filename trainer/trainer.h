#pragma once
// Gradient descent on a network: SGD with momentum and weight decay, a
// learning-rate schedule, cross-entropy to the search's visit shares plus
// squared error to the game result. Plain header; LibTorch stays in the .cpp.

#include <cstdint>
#include <memory>
#include <string>

#include "net/network.h"

namespace descent::trainer {

struct TrainParams {
  int batch_size = 256;
  // SGD as in AlphaGo Zero: momentum 0.9, L2 1e-4; a short linear warm-up
  // keeps early batch-norm statistics from blowing up; the rate drops by 10x
  // every lr_drop_steps (0: never).
  float learning_rate = 0.02f;
  float momentum = 0.9f;
  float weight_decay = 1e-4f;
  int warmup_steps = 100;
  int lr_drop_steps = 0;
  // Weights of the auxiliary losses (networks with aux heads). KataGo
  // (Wu 2019) weighs ownership at 1.5 per board (its per-point cross-entropy
  // summed and divided by the area, as here); the score, in points / area,
  // under a Huber loss, at 0.5 keeps its gradient below the value's (the
  // score is the larger and noisier number early on).
  float ownership_weight = 1.5f;
  float score_weight = 0.5f;
  // Weight of the opponent-reply policy loss (opponent_policy networks):
  // KataGo's 0.15, small beside the policy's 1 because the reply is a
  // single played move, a noisier target than a search's visit shares.
  float opponent_policy_weight = 0.15f;
};

struct Losses {
  float policy = 0;     // cross-entropy to the visit shares
  float value = 0;      // mean squared error to the result
  float ownership = 0;  // per-point cross-entropy to the final ownership (aux heads)
  float score = 0;      // Huber loss to the final score / area (aux heads)
  float opponent = 0;   // cross-entropy to the opponent's reply (opponent_policy networks)
};

// One training batch; the aux pointers are needed for networks with aux
// heads (trainer/replay_buffer.h's AuxTargets) and ignored otherwise.
struct TrainBatch {
  int size = 0;
  const float* input = nullptr;   // size x planes x height x width
  const float* policy = nullptr;  // size x moves
  const float* value = nullptr;   // size
  const float* ownership = nullptr;  // size x height*width
  const float* score = nullptr;      // size
  const float* aux_weight = nullptr; // size: 0 leaves a sample out of the aux losses
  const float* opponent_policy = nullptr;  // size x moves (opponent_policy networks)
  const float* opponent_weight = nullptr;  // size: 0 where the game has no reply
};

class Trainer {
 public:
  // Trains `network` in place (it becomes the trainer's). `step` continues a
  // resumed run.
  Trainer(std::unique_ptr<net::Network> network, const TrainParams& params, int64_t step);
  ~Trainer();

  // One step on a batch. Throws game::UserError when the network has aux
  // or opponent-reply heads and the batch lacks their targets.
  Losses Step(const TrainBatch& batch);
  int64_t step() const { return step_; }
  float LearningRate() const;

  // The weights as they are now, as an independent network for searches
  // (fresh inference weights, content hash set), with lineage: this step,
  // trained from `parent`. Training goes on without touching it.
  std::unique_ptr<net::Network> Snapshot(const std::string& parent);
  // Writes the optimizer state beside a weights file ("<weights>.optimizer"),
  // atomically.
  void SaveOptimizer(const std::string& weights_path);
  // Restores optimizer state saved with these weights; false if absent or
  // unreadable (training then continues with fresh momentum).
  bool LoadOptimizer(const std::string& weights_path);

 private:
  struct Impl;
  std::unique_ptr<net::Network> network_;
  TrainParams params_;
  int64_t step_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace descent::trainer
