#include "net/resnet.h"

namespace descent::net {
namespace {
torch::nn::Conv2dOptions Conv(int in, int out, int k) { return torch::nn::Conv2dOptions(in, out, k).padding(k / 2).bias(false); }
}  // namespace

ResidualBlockImpl::ResidualBlockImpl(int c)
    : conv1(register_module("conv1", torch::nn::Conv2d(Conv(c, c, 3)))),
      conv2(register_module("conv2", torch::nn::Conv2d(Conv(c, c, 3)))),
      bn1(register_module("bn1", torch::nn::BatchNorm2d(c))),
      bn2(register_module("bn2", torch::nn::BatchNorm2d(c))) {}

torch::Tensor ResidualBlockImpl::forward(const torch::Tensor& x) {
  auto y = torch::relu(bn1(conv1(x)));
  y = bn2(conv2(y));
  return torch::relu(y + x);
}

ResNetImpl::ResNetImpl(const NetConfig& c) : config(c) {
  const int area = c.height * c.width;
  input_conv = register_module("input_conv", torch::nn::Conv2d(Conv(c.input_planes, c.channels, 3)));
  input_bn = register_module("input_bn", torch::nn::BatchNorm2d(c.channels));
  blocks = register_module("blocks", torch::nn::ModuleList());
  for (int i = 0; i < c.blocks; ++i) blocks->push_back(ResidualBlock(c.channels));
  policy_conv = register_module("policy_conv", torch::nn::Conv2d(Conv(c.channels, 2, 1)));
  policy_bn = register_module("policy_bn", torch::nn::BatchNorm2d(2));
  policy_fc = register_module("policy_fc", torch::nn::Linear(2 * area, c.policy_size));
  value_conv = register_module("value_conv", torch::nn::Conv2d(Conv(c.channels, 1, 1)));
  value_bn = register_module("value_bn", torch::nn::BatchNorm2d(1));
  value_fc1 = register_module("value_fc1", torch::nn::Linear(area, c.value_hidden));
  value_fc2 = register_module("value_fc2", torch::nn::Linear(c.value_hidden, 1));
}

std::pair<torch::Tensor, torch::Tensor> ResNetImpl::forward(const torch::Tensor& x) {
  auto h = torch::relu(input_bn(input_conv(x)));
  for (const auto& block : *blocks) h = block->as<ResidualBlock>()->forward(h);
  auto p = torch::relu(policy_bn(policy_conv(h))).flatten(1);
  auto v = torch::relu(value_bn(value_conv(h))).flatten(1);
  v = torch::tanh(value_fc2(torch::relu(value_fc1(v)))).squeeze(1);
  return {policy_fc(p), v};
}

}  // namespace descent::net
