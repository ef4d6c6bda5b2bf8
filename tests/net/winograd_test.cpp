#include "net/winograd.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace descent::net {
namespace {

// relu(conv3x3(x, padding 1) + bias [+ residual]) in double precision, the
// plain way, all NHWC.
std::vector<double> Direct(const std::vector<float>& x, const std::vector<float>& weight, const std::vector<float>& bias,
                           const std::vector<float>* residual, int batch, int height, int width, int in, int out) {
  std::vector<double> y(static_cast<size_t>(batch) * height * width * out);
  for (int b = 0; b < batch; ++b) {
    for (int r = 0; r < height; ++r) {
      for (int c = 0; c < width; ++c) {
        for (int o = 0; o < out; ++o) {
          double sum = bias[o];
          for (int dr = -1; dr <= 1; ++dr) {
            for (int dc = -1; dc <= 1; ++dc) {
              const int rr = r + dr, cc = c + dc;
              if (rr < 0 || rr >= height || cc < 0 || cc >= width) continue;
              const float* px = &x[((static_cast<size_t>(b) * height + rr) * width + cc) * in];
              const float* w = &weight[static_cast<size_t>(o) * in * 9 + (dr + 1) * 3 + (dc + 1)];
              for (int i = 0; i < in; ++i) sum += static_cast<double>(px[i]) * w[static_cast<size_t>(i) * 9];
            }
          }
          const size_t at = ((static_cast<size_t>(b) * height + r) * width + c) * out + o;
          if (residual) sum += (*residual)[at];
          y[at] = std::max(sum, 0.0);
        }
      }
    }
  }
  return y;
}

std::vector<float> Random(size_t n, std::mt19937& rng, float scale) {
  std::normal_distribution<float> normal(0.f, scale);
  std::vector<float> v(n);
  for (float& f : v) f = normal(rng);
  return v;
}

struct Case {
  int batch, height, width, in, out;
  bool residual;
};

void ExpectEqualsDirect(const Case& k, uint32_t seed) {
  std::mt19937 rng(seed);
  const size_t points = static_cast<size_t>(k.batch) * k.height * k.width;
  const auto x = Random(points * k.in, rng, 1.f);
  const auto weight = Random(static_cast<size_t>(k.out) * k.in * 9, rng, 1.f / std::sqrt(9.f * k.in));
  const auto bias = Random(k.out, rng, 0.1f);
  const auto residual = Random(points * k.out, rng, 1.f);
  const Winograd3x3 conv(weight.data(), bias.data(), k.out, k.in);
  // The output starts as garbage: every point must be written.
  std::vector<float> y(points * k.out, std::nanf(""));
  conv.Run(x.data(), k.batch, k.height, k.width, k.residual ? residual.data() : nullptr, y.data());
  const auto want = Direct(x, weight, bias, k.residual ? &residual : nullptr, k.batch, k.height, k.width, k.in, k.out);
  const std::string shape = std::to_string(k.batch) + "x" + std::to_string(k.height) + "x" + std::to_string(k.width) +
                            " " + std::to_string(k.in) + "->" + std::to_string(k.out) +
                            (k.residual ? " +residual" : "");
  double worst = 0, positive = 0;
  for (size_t i = 0; i < y.size(); ++i) {
    ASSERT_FALSE(std::isnan(y[i])) << shape << " point " << i << " not written";
    worst = std::max(worst, std::abs(y[i] - want[i]));
    positive += want[i] > 0;
  }
  EXPECT_LT(worst, 2e-5 * std::sqrt(static_cast<double>(k.in))) << shape;
  // Not a comparison of zeros: most outputs are past the ReLU.
  EXPECT_GT(positive, 0.2 * static_cast<double>(y.size())) << shape;
}

TEST(Winograd3x3, EqualsTheDirectConvolutionToFloatRounding) {
  if (!Winograd3x3::Supported()) GTEST_SKIP() << "this CPU has no AVX-512F; LibTorch's convolutions run instead";
  // Boards that are whole tiles (9x9, 3x3) and ones that are not (7x7, 19x19,
  // 5x4, 1x1); batches of one, of fewer tiles than a kernel call, and of
  // more than a block of tiles; channel counts of one and several vectors,
  // in != out.
  const std::vector<Case> cases = {
      {1, 9, 9, 32, 32, false}, {64, 9, 9, 32, 32, true},  {3, 7, 7, 16, 16, true},  {2, 19, 19, 48, 48, true},
      {5, 5, 4, 16, 32, false}, {7, 1, 1, 32, 16, true},   {13, 3, 3, 64, 64, false}, {1, 9, 9, 96, 96, true},
      {40, 9, 9, 16, 16, true}, {2, 13, 11, 32, 48, false},
  };
  uint32_t seed = 1;
  for (const Case& k : cases) ExpectEqualsDirect(k, seed++);
}

TEST(Winograd3x3, ABoardsResultDoesNotDependOnTheOthersInItsBatch) {
  if (!Winograd3x3::Supported()) GTEST_SKIP() << "this CPU has no AVX-512F";
  std::mt19937 rng(7);
  const int batch = 50, side = 9, ch = 32, plane = side * side * ch;
  const auto x = Random(static_cast<size_t>(batch) * plane, rng, 1.f);
  const auto weight = Random(static_cast<size_t>(ch) * ch * 9, rng, 0.06f);
  const auto bias = Random(ch, rng, 0.1f);
  const Winograd3x3 conv(weight.data(), bias.data(), ch, ch);
  std::vector<float> all(x.size()), one(plane);
  conv.Run(x.data(), batch, side, side, nullptr, all.data());
  for (int b : {0, 17, 49}) {
    conv.Run(x.data() + static_cast<size_t>(b) * plane, 1, side, side, nullptr, one.data());
    EXPECT_TRUE(std::equal(one.begin(), one.end(), all.begin() + static_cast<size_t>(b) * plane)) << "board " << b;
  }
}

TEST(Winograd3x3, ANaNInTheInputReachesTheOutputAsLibTorchsReLUKeepsIt) {
  if (!Winograd3x3::Supported()) GTEST_SKIP() << "this CPU has no AVX-512F";
  // Broken weights (a negative batch-norm variance) make NaNs; the load
  // probe finds them only if the tower does not clamp them to 0.
  std::mt19937 rng(3);
  const int side = 9, ch = 16;
  auto x = Random(static_cast<size_t>(side) * side * ch, rng, 1.f);
  x[(4 * side + 4) * ch + 5] = std::nanf("");  // the centre point, channel 5
  const auto weight = Random(static_cast<size_t>(ch) * ch * 9, rng, 0.1f);
  const auto bias = Random(ch, rng, 0.1f);
  const Winograd3x3 conv(weight.data(), bias.data(), ch, ch);
  std::vector<float> y(x.size());
  conv.Run(x.data(), 1, side, side, nullptr, y.data());
  EXPECT_TRUE(std::isnan(y[(4 * side + 4) * ch + 0]));
  EXPECT_TRUE(std::isnan(y[(3 * side + 5) * ch + 7]));  // a neighbour
}

TEST(Winograd3x3, ChannelCountsItCannotTakeAreRefused) {
  EXPECT_TRUE(Winograd3x3::Fits(32, 32));
  EXPECT_TRUE(Winograd3x3::Fits(16, 1024));
  EXPECT_FALSE(Winograd3x3::Fits(24, 24));
  EXPECT_FALSE(Winograd3x3::Fits(32, 8));
  EXPECT_FALSE(Winograd3x3::Fits(2048, 2048));
  const std::vector<float> w(24 * 24 * 9), b(24);
  EXPECT_THROW(Winograd3x3(w.data(), b.data(), 24, 24), std::invalid_argument);
}

}  // namespace
}  // namespace descent::net
