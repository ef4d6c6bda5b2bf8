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

Losses Trainer::Step(const float* input, const float* policy, const float* value, int batch) {
  auto& impl = network_->impl();
  auto& model = impl.model;
  const net::NetConfig& c = network_->config();
  model->train();
  for (auto& group : impl_->optimizer.param_groups()) {
    static_cast<torch::optim::SGDOptions&>(group.options()).lr(LearningRate());
  }
  const auto x = torch::from_blob(const_cast<float*>(input), {batch, c.input_planes, c.height, c.width}).to(impl.device);
  const auto pi = torch::from_blob(const_cast<float*>(policy), {batch, c.policy_size}).to(impl.device);
  const auto z = torch::from_blob(const_cast<float*>(value), {batch}).to(impl.device);
  impl_->optimizer.zero_grad();
  auto [logits, v] = model->forward(x);
  const auto policy_loss = -(pi * torch::log_softmax(logits, 1)).sum(1).mean();
  const auto value_loss = torch::mse_loss(v, z);
  (policy_loss + value_loss).backward();
  impl_->optimizer.step();
  ++step_;
  return {policy_loss.item<float>(), value_loss.item<float>()};
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
    torch::load(impl_->optimizer, weights_path + ".optimizer");
    return true;
  } catch (const c10::Error&) {
    return false;
  }
}

}  // namespace descent::trainer
