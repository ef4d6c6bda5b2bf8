#pragma once
// The LibTorch module. Internal to net/ and trainer/ (it pulls in torch
// headers); everything else uses net/network.h.

#include <torch/torch.h>

#include "net/net_config.h"

namespace descent::net {

struct ResidualBlockImpl : torch::nn::Module {
  explicit ResidualBlockImpl(int channels);
  torch::Tensor forward(const torch::Tensor& x);
  torch::nn::Conv2d conv1{nullptr}, conv2{nullptr};
  torch::nn::BatchNorm2d bn1{nullptr}, bn2{nullptr};
};
TORCH_MODULE(ResidualBlock);

// Input convolution, residual tower, policy head (logits over every move)
// and value head (tanh, for the side to move). Convolutions have no bias:
// batch norm follows each one.
struct ResNetImpl : torch::nn::Module {
  explicit ResNetImpl(const NetConfig& config);
  // x: [batch, planes, height, width] -> {policy logits [batch, moves], value [batch]}
  std::pair<torch::Tensor, torch::Tensor> forward(const torch::Tensor& x);

  NetConfig config;
  torch::nn::Conv2d input_conv{nullptr};
  torch::nn::BatchNorm2d input_bn{nullptr};
  torch::nn::ModuleList blocks;
  torch::nn::Conv2d policy_conv{nullptr}, value_conv{nullptr};
  torch::nn::BatchNorm2d policy_bn{nullptr}, value_bn{nullptr};
  torch::nn::Linear policy_fc{nullptr}, value_fc1{nullptr}, value_fc2{nullptr};
};
TORCH_MODULE(ResNet);

}  // namespace descent::net
