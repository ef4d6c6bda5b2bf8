#pragma once
// The LibTorch module. Internal to net/ and trainer/ (it pulls in torch
// headers); everything else uses net/network.h.

#include <torch/torch.h>

#include "net/net_config.h"

namespace descent::net {

// Channel means and maxima over the board: [batch, c, h, w] -> [batch, 2c].
// With `mask` ([batch, 1, h, w], 1 on the board, 0 off it; undefined: the
// whole frame), means are over the board's points; `x` must be >= 0 and
// zero off the board (masked ReLU outputs), so the maxima need no mask.
torch::Tensor GlobalPool(const torch::Tensor& x, const torch::Tensor& mask = {});

// The board mask of a batch of inputs [batch, planes, h, w]: the last
// plane (ones on the board in every encoding), [batch, 1, h, w].
torch::Tensor BoardMask(const torch::Tensor& input);

struct ResidualBlockImpl : torch::nn::Module {
  // With `pooling_bias`, the first convolution's output gets a per-channel
  // bias computed from its own global pool (KataGo's global pooling block).
  ResidualBlockImpl(int channels, bool pooling_bias);
  // `mask`: the board mask, or undefined (no masking).
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& mask = {});
  torch::nn::Conv2d conv1{nullptr}, conv2{nullptr};
  torch::nn::BatchNorm2d bn1{nullptr}, bn2{nullptr};
  torch::nn::Linear pool_fc{nullptr};  // null without a pooling bias
};
TORCH_MODULE(ResidualBlock);

// Everything a forward pass gives; ownership and score are undefined
// tensors without aux heads.
struct NetOutputs {
  torch::Tensor policy;     // logits [batch, moves]
  torch::Tensor value;      // [batch] in [-1, 1], for the side to move (tanh, or P(win) - P(loss))
  torch::Tensor wdl;        // logits [batch, 3] (win, draw, loss), wdl_value networks only
  torch::Tensor ownership;  // logits [batch, h*w]: tanh(z) is the mover's expected ownership
  torch::Tensor score;      // [batch]: the mover's final score / (h*w)
  torch::Tensor opponent_policy;  // logits [batch, moves] of the opponent's reply, opponent_policy networks only
};

// Input convolution, residual tower, policy head (logits over every move)
// and value head (tanh, for the side to move). Convolutions have no bias:
// batch norm follows each one.
struct ResNetImpl : torch::nn::Module {
  explicit ResNetImpl(const NetConfig& config);
  // x: [batch, planes, height, width]
  NetOutputs forward(const torch::Tensor& x);

  NetConfig config;
  torch::nn::Conv2d input_conv{nullptr};
  torch::nn::BatchNorm2d input_bn{nullptr};
  torch::nn::ModuleList blocks;
  torch::nn::Conv2d policy_conv{nullptr}, value_conv{nullptr};
  torch::nn::BatchNorm2d policy_bn{nullptr}, value_bn{nullptr};
  torch::nn::Linear policy_fc{nullptr}, value_fc1{nullptr}, value_fc2{nullptr};
  torch::nn::Conv2d ownership_conv{nullptr};  // aux heads only
  torch::nn::Linear score_fc{nullptr};        // aux heads only
  // The opponent-reply head (opponent_policy networks only): shaped like the
  // policy head, used by training only.
  torch::nn::Conv2d opponent_conv{nullptr};
  torch::nn::BatchNorm2d opponent_bn{nullptr};
  torch::nn::Linear opponent_fc{nullptr};
};
TORCH_MODULE(ResNet);

}  // namespace descent::net
