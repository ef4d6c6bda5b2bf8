#pragma once
// Network's insides, for net/ and trainer/ only (pulls in LibTorch).

#include <vector>

#include <torch/torch.h>

#include "net/network.h"
#include "net/resnet.h"
#include "net/winograd.h"

namespace descent::net {

// A convolution with its batch norm folded in (inference only).
struct FoldedConv {
  torch::Tensor weight, bias;
  int64_t padding = 0;
};

struct Network::Impl {
  Impl(const NetConfig& config, torch::Device device) : model(config), device(device) { model->to(device); }
  // Recomputes the folded inference weights from the module (after loading
  // or training). Puts the module in eval mode.
  void RefreshInference();

  ResNet model;
  torch::Device device;
  NetworkInfo info;
  // Inference weights: batch norm folded into convolutions.
  FoldedConv input;
  std::vector<std::pair<FoldedConv, FoldedConv>> blocks;
  // Each block's global-pooling bias layer (undefined tensors where none).
  std::vector<std::pair<torch::Tensor, torch::Tensor>> pool;
  FoldedConv policy, value;
  // The residual tower's convolutions for net/winograd.h, two per block, on
  // a CPU that runs it and where the channels fit; else empty.
  std::vector<Winograd3x3> winograd;
};

// Parameters and running statistics by name, as stored in weights files
// (num_batches_tracked is training bookkeeping and is not stored).
std::vector<std::pair<std::string, torch::Tensor>> NamedTensors(ResNet& model);

}  // namespace descent::net
