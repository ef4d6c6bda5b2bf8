#include "trainer/trainer.h"

#include <cmath>
#include <cstdio>

#include "game/user_error.h"
#include "net/network_impl.h"

namespace descent::trainer {

struct Trainer::Impl {
  explicit Impl(net::ResNet& model, const TrainParams& p)
      : optimizer(model->parameters(),
                  torch::optim::SGDOptions(p.learning_rate).momentum(p.momentum).weight_decay(p.weight_decay)) {}
  torch::optim::SGD optimizer;
};

Trainer::Trainer(std::unique_ptr<net::Network> network, const TrainParams& params, int64_t step)
    : network_(std::move(network)), params_(params), step_(step) {
  impl_ = std::make_unique<Impl>(network_->impl().model, params_);
}

Trainer::~Trainer() = default;

float Trainer::LearningRate() const {
  float lr = params_.learning_rate;
  if (params_.warmup_steps > 0) lr *= std::min(1.0f, static_cast<float>(step_ + 1) / params_.warmup_steps);
  if (params_.lr_drop_steps > 0) lr *= std::pow(0.1f, static_cast<float>(step_ / params_.lr_drop_steps));
  return lr;
}

Losses Trainer::Step(const TrainBatch& b) {
  auto& impl = network_->impl();
  auto& model = impl.model;
  const net::NetConfig& c = network_->config();
  const bool aux = c.aux_heads != 0;
  if (aux && (!b.ownership || !b.score || !b.aux_weight)) {
    throw game::UserError("the network has ownership and score heads: the batch needs their targets");
  }
  if (c.opponent_policy && (!b.opponent_policy || !b.opponent_weight)) {
    throw game::UserError("the network has an opponent-reply head: the batch needs its targets");
  }
  model->train();
  for (auto& group : impl_->optimizer.param_groups()) {
    static_cast<torch::optim::SGDOptions&>(group.options()).lr(LearningRate());
  }
  const auto blob = [&](const float* data, std::vector<int64_t> shape) {
    return torch::from_blob(const_cast<float*>(data), shape).to(impl.device);
  };
  const int64_t n = b.size, area = static_cast<int64_t>(c.height) * c.width;
  const auto x = blob(b.input, {n, c.input_planes, c.height, c.width});
  const auto pi = blob(b.policy, {n, c.policy_size});
  const auto z = blob(b.value, {n});
  impl_->optimizer.zero_grad();
  const net::NetOutputs out = model->forward(x);
  const auto policy_loss = -(pi * torch::log_softmax(out.policy, 1)).sum(1).mean();
  // Reported as the squared error of the value either way; a win/draw/loss
  // head trains on the cross-entropy to the target distribution whose mean
  // is z: (max(z, 0), 1 - |z|, max(-z, 0)) (a result is one-hot).
  const auto value_loss = torch::mse_loss(out.value, z);
  auto loss = policy_loss;
  if (c.wdl_value) {
    const auto target = torch::stack({z.clamp_min(0), 1 - z.abs(), (-z).clamp_min(0)}, 1);
    loss = loss - (target * torch::log_softmax(out.wdl, 1)).sum(1).mean();
  } else {
    loss = loss + value_loss;
  }
  Losses losses;
  if (aux) {
    const auto weight = blob(b.aux_weight, {n});
    const auto denominator = weight.sum().clamp_min(1.0);
    // tanh(z) = 2 sigmoid(2z) - 1: a cross-entropy on (1 + ownership) / 2.
    const auto own_target = (blob(b.ownership, {n, area}) + 1) * 0.5;
    const auto own_points =
        torch::binary_cross_entropy_with_logits(2 * out.ownership, own_target, {}, {}, at::Reduction::None);
    // Mixed board sizes: the mean over the board's own points (off-board
    // points have no owner, and the head's output there is only its bias).
    const auto board = c.board_mask ? net::BoardMask(x).flatten(1) : torch::Tensor();
    const auto own_per_sample =
        c.board_mask ? (own_points * board).sum(1) / board.sum(1).clamp_min(1.0) : own_points.mean(1);
    const auto ownership_loss = (own_per_sample * weight).sum() / denominator;
    const auto score_per_sample = torch::smooth_l1_loss(out.score, blob(b.score, {n}), at::Reduction::None);
    const auto score_loss = (score_per_sample * weight).sum() / denominator;
    loss = loss + params_.ownership_weight * ownership_loss + params_.score_weight * score_loss;
    losses.ownership = ownership_loss.item<float>();
    losses.score = score_loss.item<float>();
  }
  if (c.opponent_policy) {
    const auto weight = blob(b.opponent_weight, {n});
    const auto per_sample = -(blob(b.opponent_policy, {n, c.policy_size}) * torch::log_softmax(out.opponent_policy, 1)).sum(1);
    const auto opponent_loss = (per_sample * weight).sum() / weight.sum().clamp_min(1.0);
    loss = loss + params_.opponent_policy_weight * opponent_loss;
    losses.opponent = opponent_loss.item<float>();
  }
  loss.backward();
  impl_->optimizer.step();
  ++step_;
  losses.policy = policy_loss.item<float>();
  losses.value = value_loss.item<float>();
  return losses;
}

std::unique_ptr<net::Network> Trainer::Snapshot(const std::string& parent) {
  network_->SetLineage(step_, parent);
  return network_->Clone();
}

void Trainer::SaveOptimizer(const std::string& weights_path) {
  const std::string optimizer_path = weights_path + ".optimizer";
  try {
    torch::save(impl_->optimizer, optimizer_path + ".tmp");
  } catch (const c10::Error& e) {
    throw game::UserError("cannot write optimizer state '" + optimizer_path + "': " + e.what_without_backtrace());
  }
  if (std::rename((optimizer_path + ".tmp").c_str(), optimizer_path.c_str()) != 0) {
    throw game::UserError("cannot write optimizer state '" + optimizer_path + "'");
  }
}

bool Trainer::LoadOptimizer(const std::string& weights_path) {
  try {
    // Its momentum buffers onto the network's device (saved from any device).
    torch::load(impl_->optimizer, weights_path + ".optimizer", network_->impl().device);
    return true;
  } catch (const c10::Error&) {
    return false;
  }
}

}  // namespace descent::trainer
