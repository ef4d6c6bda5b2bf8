#pragma once
// A network: the ResNet's weights plus what they are for. Plain types only;
// LibTorch stays inside network.cpp.

#include <cstdint>
#include <memory>
#include <string>

#include "game/game.h"
#include "net/net_config.h"

namespace descent::net {

struct NetworkInfo {
  int64_t training_step = 0;
  std::string parent;        // content hash of the network it was trained from
  std::string content_hash;  // identity of these weights (set by Save and Load)
  // Self-play behind these weights along their whole lineage (across runs
  // continued with train --init): games played and net evaluations made
  // (those of remote workers are not counted).
  int64_t selfplay_games = 0;
  int64_t selfplay_evals = 0;
};

class Network {
 public:
  ~Network();

  // Fresh weights (PyTorch's default initialisation) from `seed`.
  // `device` is "cpu" or "cuda"; UserError when CUDA is asked for and absent.
  static std::unique_ptr<Network> Random(const NetConfig& config, uint64_t seed, const std::string& device = "cpu");
  // Reads a weights file. UserError, naming the file and the reason, for a
  // missing, truncated or corrupt file, missing metadata, or tensors that do
  // not match the architecture the metadata states.
  static std::unique_ptr<Network> Load(const std::string& path, const std::string& device = "cpu");
  // UserError unless `device` is "cpu", or "cuda" with a CUDA device present:
  // commands check --device before they start work.
  static void CheckDevice(const std::string& device);
  // UserError unless this network was made for `game`: the same game and
  // board size and input encoding (komi and the move cap may differ), naming
  // both sides of the mismatch. A network with a board mask also fits Go on
  // any smaller board.
  void CheckFits(const game::Game& game) const;

  // An independent copy in memory (same device): weights, batch-norm
  // statistics, lineage, and a content hash computed from the copied tensors
  // (the one Save would write). The copy's inference weights are fresh; the
  // original may go on training while the copy serves searches.
  std::unique_ptr<Network> Clone() const;

  // A deeper copy: the same network with residual blocks appended to the
  // tower up to `blocks` in all (same channels and heads). Each new block
  // starts as the identity (its second batch norm's scale and shift are 0,
  // the zero-init residual of Goyal et al. 2017), so the copy computes
  // exactly what the original does and training grows the new blocks from
  // there. Lineage (step, self-play totals) carries over; the parent is the
  // original. Refuses `blocks` not above the original's.
  std::unique_ptr<Network> Deepen(int blocks) const;

  // The same network with a win/draw/loss value head (NetConfig::wdl_value)
  // in place of its scalar one: the win logit is the scalar head's logit x,
  // the loss logit -x, the draw logit the constant `draw_logit`, so the value
  // P(win) - P(loss) is tanh(x) less what the draw's share takes (none as
  // `draw_logit` goes to minus infinity; at x = 0 the draw gets
  // 1 / (1 + 2 exp(-draw_logit))). Everything else is copied. Lineage
  // carries over; the parent is the original. Refuses a network whose head
  // is win/draw/loss already.
  std::unique_ptr<Network> WithWdlValue(float draw_logit) const;

  // The same network with a board mask (NetConfig::board_mask), so it also
  // plays and trains on smaller boards in its frame. It computes exactly
  // what the original does on full-size boards. Lineage carries over; the
  // parent is the original. Refuses a network that has one.
  std::unique_ptr<Network> WithBoardMask() const;

  // Writes a self-describing weights file (atomic replace); returns and
  // records its content hash.
  std::string Save(const std::string& path);

  const NetConfig& config() const;
  const NetworkInfo& info() const;
  void SetLineage(int64_t training_step, const std::string& parent);
  void SetSelfPlayTotals(int64_t games, int64_t evals);

  // Runs `batch` encoded positions (batch x InputSize floats) and writes
  // batch x policy_size logits and batch values (tanh, side to move).
  // Thread-safe: concurrent calls share the read-only weights. Uses the
  // calling thread's LibTorch thread count (SetThreadsForThisThread).
  // With `ownership` (batch x board points) and `score` (batch), a network
  // with aux heads also writes the mover's expected ownership of each point
  // in [-1, 1] and expected final score in points (area score with komi).
  void Forward(const float* input, int batch, float* policy_logits, float* values, float* ownership = nullptr,
               float* score = nullptr) const;
  // The same outputs from the training module in eval mode (batch norms not
  // folded, the framework's default layout): the reference Forward's faster
  // path is checked against. Not thread-safe; for tests and checks.
  void ForwardReference(const float* input, int batch, float* policy_logits, float* values,
                        float* ownership = nullptr, float* score = nullptr) const;

  // How many threads LibTorch uses for operations run by the calling thread.
  static void SetThreadsForThisThread(int threads);
  // The practical fp32 arithmetic peak (GFLOP/s) of `threads` single-
  // threaded workers running at once, as the inference server runs them:
  // each worker's best of a BLAS matrix multiply and a dense 3x3
  // convolution, summed. Benches compare against it. Blocks ~1 s.
  static double MeasurePeakGflops(int threads);

  struct Impl;  // public so trainer/ can reach the module through net/network_impl.h
  Impl& impl() { return *impl_; }

 private:
  explicit Network(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace descent::net
