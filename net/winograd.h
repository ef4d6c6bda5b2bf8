#pragma once
// The residual tower's 3x3 convolutions by Winograd's minimal filtering
// F(3x3, 3x3) (Lavin and Gray 2016, "Fast Algorithms for Convolutional
// Neural Networks"), as Leela Zero's and KataGo's CPU backends do with
// F(2x2) and F(4x4) tiles: each 3x3 output tile is 25 products per channel
// pair in place of 81, so a 9x9 board (nine tiles, none wasted) costs 31% of
// the direct convolution's multiplies. The 25 products are 25 small matrix
// multiplies over blocks of tiles, by an AVX-512 kernel; the transforms are
// exact-coefficient additions (interpolation points 0, 1, -1, 2 and
// infinity). Results equal LibTorch's direct convolution to float rounding
// (tests/net/winograd_test.cpp). No LibTorch here: raw float arrays in the
// channels-last (NHWC) layout.

#include <vector>

namespace descent::net {

class Winograd3x3 {
 public:
  // Whether this CPU has what the kernel needs (AVX-512F). Elsewhere the
  // caller keeps LibTorch's convolution.
  static bool Supported();
  // Channel counts the kernel takes: multiples of 16 up to kMaxChannels.
  static constexpr int kMaxChannels = 1024;
  static bool Fits(int in_channels, int out_channels);
  // Process-wide switch (default on), read by every Network::Forward: off
  // runs LibTorch's convolutions, for side-by-side benchmarks
  // (`descent bench --winograd false`) and checks.
  static void SetEnabled(bool enabled);
  static bool Enabled();

  // weight: [out][in][3][3] (row-major, as LibTorch stores a Conv2d's
  // weight), bias: [out]. Precondition: Fits(in, out).
  Winograd3x3(const float* weight, const float* bias, int out_channels, int in_channels);

  // out = relu(conv3x3(x, padding 1) + bias [+ residual]), all NHWC:
  // x [batch][height][width][in], residual (may be null) and out
  // [batch][height][width][out]. out must not overlap x or residual.
  // Single-threaded; concurrent calls from several threads are safe (each
  // thread has its own scratch). Precondition: Supported().
  void Run(const float* x, int batch, int height, int width, const float* residual, float* out) const;

  int in_channels() const { return in_; }
  int out_channels() const { return out_; }

 private:
  int in_ = 0, out_ = 0;
  std::vector<float> u_;  // transformed weights: [25][in][out]
  std::vector<float> bias_;
};

}  // namespace descent::net
