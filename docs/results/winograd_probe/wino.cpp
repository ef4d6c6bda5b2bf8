// Micro-benchmark: Winograd F(2x2,3x3) over OpenBLAS sgemm against LibTorch's conv2d (oneDNN), one thread.
#include <torch/torch.h>
#include <cblas.h>
#include <chrono>
#include <cstdio>
#include <vector>
#include <algorithm>
using Clock = std::chrono::steady_clock;

double gemm_s = 0;
struct Wino {
  int C, K, H, W, th, tw;  // tiles th x tw
  std::vector<float> U;    // [16][C][K]
  std::vector<float> V, M; // [16][P][C], [16][P][K]
  Wino(const float* w, int C_, int K_, int H_, int W_) : C(C_), K(K_), H(H_), W(W_) {
    th = (H + 1) / 2; tw = (W + 1) / 2;
    U.assign(16 * C * K, 0);
    const float G[4][3] = {{1, 0, 0}, {.5f, .5f, .5f}, {.5f, -.5f, .5f}, {0, 0, 1}};
    for (int k = 0; k < K; ++k)
      for (int c = 0; c < C; ++c) {
        const float* g = w + (k * C + c) * 9;
        float t[4][3];
        for (int i = 0; i < 4; ++i)
          for (int j = 0; j < 3; ++j) t[i][j] = G[i][0] * g[0 * 3 + j] + G[i][1] * g[1 * 3 + j] + G[i][2] * g[2 * 3 + j];
        for (int i = 0; i < 4; ++i)
          for (int j = 0; j < 4; ++j) U[((i * 4 + j) * C + c) * K + k] = t[i][0] * G[j][0] + t[i][1] * G[j][1] + t[i][2] * G[j][2];
      }
  }
  void Run(const float* x, int N, const float* bias, float* y) {
    const int P = N * th * tw;
    V.resize(16 * P * C); M.resize(16 * P * K);
    for (int n = 0; n < N; ++n)
      for (int c = 0; c < C; ++c) {
        const float* xc = x + (n * C + c) * H * W;
        for (int ti = 0; ti < th; ++ti)
          for (int tj = 0; tj < tw; ++tj) {
            float d[4][4];
            for (int i = 0; i < 4; ++i)
              for (int j = 0; j < 4; ++j) {
                int r = 2 * ti - 1 + i, s = 2 * tj - 1 + j;
                d[i][j] = (r >= 0 && r < H && s >= 0 && s < W) ? xc[r * W + s] : 0.f;
              }
            float t[4][4];
            for (int j = 0; j < 4; ++j) {
              t[0][j] = d[0][j] - d[2][j]; t[1][j] = d[1][j] + d[2][j];
              t[2][j] = d[2][j] - d[1][j]; t[3][j] = d[1][j] - d[3][j];
            }
            const int p = (n * th + ti) * tw + tj;
            for (int i = 0; i < 4; ++i) {
              float v0 = t[i][0] - t[i][2], v1 = t[i][1] + t[i][2], v2 = t[i][2] - t[i][1], v3 = t[i][1] - t[i][3];
              V[((i * 4 + 0) * P + p) * C + c] = v0; V[((i * 4 + 1) * P + p) * C + c] = v1;
              V[((i * 4 + 2) * P + p) * C + c] = v2; V[((i * 4 + 3) * P + p) * C + c] = v3;
            }
          }
      }
    auto g0 = Clock::now();
    for (int e = 0; e < 16; ++e)
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, P, K, C, 1.f, &V[e * P * C], C, &U[e * C * K], K, 0.f,
                  &M[e * P * K], K);
    gemm_s += std::chrono::duration<double>(Clock::now() - g0).count();
    for (int n = 0; n < N; ++n)
      for (int ti = 0; ti < th; ++ti)
        for (int tj = 0; tj < tw; ++tj) {
          const int p = (n * th + ti) * tw + tj;
          for (int k = 0; k < K; ++k) {
            float m[4][4];
            for (int e = 0; e < 16; ++e) m[e / 4][e % 4] = M[(e * P + p) * K + k];
            float t[2][4];
            for (int j = 0; j < 4; ++j) { t[0][j] = m[0][j] + m[1][j] + m[2][j]; t[1][j] = m[1][j] - m[2][j] - m[3][j]; }
            float o[2][2];
            for (int i = 0; i < 2; ++i) { o[i][0] = t[i][0] + t[i][1] + t[i][2]; o[i][1] = t[i][1] - t[i][2] - t[i][3]; }
            float* yk = y + (n * K + k) * H * W;
            for (int i = 0; i < 2; ++i)
              for (int j = 0; j < 2; ++j) {
                int r = 2 * ti + i, s = 2 * tj + j;
                if (r < H && s < W) yk[r * W + s] = o[i][j] + bias[k];
              }
          }
        }
  }
};

int main(int argc, char** argv) {
  torch::set_num_threads(1);
  int N = argc > 1 ? atoi(argv[1]) : 64, C = argc > 2 ? atoi(argv[2]) : 32, S = argc > 3 ? atoi(argv[3]) : 9;
  auto x = torch::randn({N, C, S, S}), w = torch::randn({C, C, 3, 3}) * 0.1, b = torch::randn({C});
  c10::InferenceMode g;
  auto ref = torch::conv2d(x, w, b, 1, 1);
  Wino wn(w.contiguous().data_ptr<float>(), C, C, S, S);
  std::vector<float> y(N * C * S * S);
  wn.Run(x.data_ptr<float>(), N, b.data_ptr<float>(), y.data());
  auto yt = torch::from_blob(y.data(), {N, C, S, S});
  printf("max abs diff %.3g (ref max %.3g)\n", (yt - ref).abs().max().item<float>(), ref.abs().max().item<float>());
  gemm_s = 0;
  for (int round = 0; round < 3; ++round) {
    int reps = 200;
    auto t0 = Clock::now();
    for (int r = 0; r < reps; ++r) (void)torch::conv2d(x, w, b, 1, 1);
    auto t1 = Clock::now();
    for (int r = 0; r < reps; ++r) wn.Run(x.data_ptr<float>(), N, b.data_ptr<float>(), y.data());
    auto t2 = Clock::now();
    double a = std::chrono::duration<double>(t1 - t0).count() / reps, bb = std::chrono::duration<double>(t2 - t1).count() / reps;
    double flops = 2.0 * N * C * C * 9 * S * S;
    printf("gemm part %.3f ms; ", gemm_s / reps * 1e3); gemm_s = 0;
    printf("torch %.3f ms (%.0f GFLOP/s direct)  winograd %.3f ms (%.0f direct-equivalent GFLOP/s)  ratio %.2f\n", a * 1e3,
           flops / a / 1e9, bb * 1e3, flops / bb / 1e9, a / bb);
  }
}
