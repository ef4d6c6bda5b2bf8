#include "net/resnet.h"

namespace descent::net {
namespace {
torch::nn::Conv2dOptions Conv(int in, int out, int k) { return torch::nn::Conv2dOptions(in, out, k).padding(k / 2).bias(false); }
}  // namespace

torch::Tensor GlobalPool(const torch::Tensor& x, const torch::Tensor& mask) {
  if (!mask.defined()) return torch::cat({x.mean({2, 3}), x.amax({2, 3})}, 1);
  const auto points = mask.sum({2, 3}).clamp_min(1.0);  // [batch, 1]
  return torch::cat({x.sum({2, 3}) / points, x.amax({2, 3})}, 1);
}

torch::Tensor BoardMask(const torch::Tensor& input) { return input.narrow(1, input.size(1) - 1, 1); }

ResidualBlockImpl::ResidualBlockImpl(int c, bool pooling_bias)
    : conv1(register_module("conv1", torch::nn::Conv2d(Conv(c, c, 3)))),
      conv2(register_module("conv2", torch::nn::Conv2d(Conv(c, c, 3)))),
      bn1(register_module("bn1", torch::nn::BatchNorm2d(c))),
      bn2(register_module("bn2", torch::nn::BatchNorm2d(c))) {
  if (pooling_bias) pool_fc = register_module("pool_fc", torch::nn::Linear(2 * c, c));
}

torch::Tensor ResidualBlockImpl::forward(const torch::Tensor& x, const torch::Tensor& mask) {
  auto y = torch::relu(bn1(conv1(x)));
  if (mask.defined()) y = y * mask;
  if (pool_fc) y = y + pool_fc(GlobalPool(y, mask)).unsqueeze(2).unsqueeze(3);
  if (mask.defined() && pool_fc) y = y * mask;
  y = torch::relu(bn2(conv2(y)) + x);
  return mask.defined() ? y * mask : y;
}

ResNetImpl::ResNetImpl(const NetConfig& c) : config(c) {
  const int area = c.height * c.width;
  input_conv = register_module("input_conv", torch::nn::Conv2d(Conv(c.input_planes, c.channels, 3)));
  input_bn = register_module("input_bn", torch::nn::BatchNorm2d(c.channels));
  blocks = register_module("blocks", torch::nn::ModuleList());
  for (int i = 0; i < c.blocks; ++i) blocks->push_back(ResidualBlock(c.channels, HasPoolingBias(c, i)));
  policy_conv = register_module("policy_conv", torch::nn::Conv2d(Conv(c.channels, 2, 1)));
  policy_bn = register_module("policy_bn", torch::nn::BatchNorm2d(2));
  policy_fc = register_module("policy_fc", torch::nn::Linear(2 * area, c.policy_size));
  value_conv = register_module("value_conv", torch::nn::Conv2d(Conv(c.channels, 1, 1)));
  value_bn = register_module("value_bn", torch::nn::BatchNorm2d(1));
  value_fc1 = register_module("value_fc1",
                              torch::nn::Linear(area + (c.global_pooling ? 2 * c.channels : 0), c.value_hidden));
  value_fc2 = register_module("value_fc2", torch::nn::Linear(c.value_hidden, c.wdl_value ? 3 : 1));
  if (c.aux_heads) {
    ownership_conv = register_module("ownership_conv",
                                     torch::nn::Conv2d(torch::nn::Conv2dOptions(c.channels, 1, 1).bias(true)));
    score_fc = register_module("score_fc", torch::nn::Linear(c.value_hidden, 1));
  }
  if (c.opponent_policy) {
    opponent_conv = register_module("opponent_conv", torch::nn::Conv2d(Conv(c.channels, 2, 1)));
    opponent_bn = register_module("opponent_bn", torch::nn::BatchNorm2d(2));
    opponent_fc = register_module("opponent_fc", torch::nn::Linear(2 * area, c.policy_size));
  }
}

NetOutputs ResNetImpl::forward(const torch::Tensor& x) {
  // Off-board points (mixed board sizes) are zeroed after every layer.
  const torch::Tensor mask = config.board_mask ? BoardMask(x) : torch::Tensor();
  const auto masked = [&](const torch::Tensor& t) { return mask.defined() ? t * mask : t; };
  auto h = masked(torch::relu(input_bn(input_conv(x))));
  for (const auto& block : *blocks) h = block->as<ResidualBlock>()->forward(h, mask);
  NetOutputs out;
  out.policy = policy_fc(masked(torch::relu(policy_bn(policy_conv(h)))).flatten(1));
  auto v = masked(torch::relu(value_bn(value_conv(h)))).flatten(1);
  if (config.global_pooling) v = torch::cat({v, GlobalPool(h, mask)}, 1);
  const auto hidden = torch::relu(value_fc1(v));
  if (config.wdl_value) {
    out.wdl = value_fc2(hidden);
    const auto p = torch::softmax(out.wdl, 1);
    out.value = p.select(1, 0) - p.select(1, 2);
  } else {
    out.value = torch::tanh(value_fc2(hidden)).squeeze(1);
  }
  if (config.aux_heads) {
    out.ownership = ownership_conv(h).flatten(1);
    out.score = score_fc(hidden).squeeze(1);
  }
  if (config.opponent_policy) {
    out.opponent_policy = opponent_fc(masked(torch::relu(opponent_bn(opponent_conv(h)))).flatten(1));
  }
  return out;
}

}  // namespace descent::net
