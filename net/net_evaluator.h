#pragma once
// The network as a search evaluator: cache lookup, input encoding under a
// board symmetry, batched inference, illegal moves masked before the softmax.

#include <atomic>
#include <cstdint>
#include <memory>

#include "mcts/evaluator.h"
#include "net/encoder.h"
#include "net/eval_cache.h"
#include "net/inference_server.h"

namespace descent::net {

struct NetEvaluatorParams {
  // A board symmetry per position, so the net's own asymmetries average out
  // over the search (AlphaGo Zero). The symmetry is a hash of the position,
  // which keeps search deterministic for a given seed.
  bool random_symmetry = true;
  // Evaluate every symmetry and average: stronger per evaluation, costs
  // NumSymmetries() net evaluations each.
  bool average_symmetries = false;
  // Cache slots; each holds policy_size + 1 floats (9x9 Go: 65,536 slots
  // take 22 MB). Repeated positions (transpositions, tree reuse across
  // games in self-play) then cost no net call.
  size_t cache_entries = 1 << 16;
  // Ask the network for its final-score estimate too (requests with a score
  // pointer; networks with a score head), for analysis (GTP kata-analyze)
  // and the search's score utility. Off otherwise: the head costs a little.
  bool scores = false;
  uint64_t seed = 0;
};

// Thread-safe; `game` and `server` must outlive it. `game` is the game
// played; a network with a board mask may have a larger board (its frame):
// positions are then encoded into the frame and its policy read back.
class NetEvaluator final : public mcts::Evaluator {
 public:
  NetEvaluator(const game::Game& game, InferenceServer& server, const NetEvaluatorParams& params);
  void Evaluate(std::span<const mcts::EvalRequest> batch) override;
  // A cache hit, answered from the cache alone.
  bool EvaluateAtOnce(const mcts::EvalRequest& request) override;
  const EvalCache& cache() const { return cache_; }
  // The server's network changed: cached results of the old one stop
  // matching (keys include a generation number). Thread-safe.
  void NetworkChanged() { generation_.fetch_add(1); }
  const Encoder& encoder() const { return *encoder_; }

 private:
  int SymmetryFor(uint64_t key) const;
  // The cache key of a position under the current network.
  uint64_t KeyFor(const game::State& state) const;
  // Answers `r` from the cache under `key`; false if absent.
  bool FromCache(uint64_t key, const mcts::EvalRequest& r) const;

  const game::Game& game_;
  std::unique_ptr<game::Game> frame_game_;  // the network's board where larger than game_'s
  InferenceServer& server_;
  NetEvaluatorParams params_;
  std::unique_ptr<Encoder> encoder_;
  EvalCache cache_;
  std::atomic<uint64_t> generation_{0};
};

// The network's own game where its board (its frame) is larger than
// `game`'s (a network with a board mask playing a smaller board): encoders
// for the network are made for it. Null where the boards are the same.
std::unique_ptr<game::Game> FrameGame(const NetConfig& network, const game::Game& game);

// Softmax over the logits of the legal moves only, read through symmetry
// `sym` (the net saw the board transformed) and the encoder's frame (a
// smaller board in a larger network): priors[i] for legal[i] of `state`.
void MaskedSoftmax(const Encoder& encoder, const game::State& state, const float* logits, const game::Move* legal,
                   int num_legal, int sym, float* priors);

}  // namespace descent::net
