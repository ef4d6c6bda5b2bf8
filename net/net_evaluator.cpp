#include "net/net_evaluator.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "game/hash.h"
#include "game/registry.h"

namespace descent::net {
namespace {



// Per-thread buffers, reused between calls: no allocation once warm.
struct Scratch {
  std::vector<float> input, logits, values, scores, dense, priors;
  std::vector<int> misses;
  std::vector<uint64_t> keys;
};

}  // namespace

void MaskedSoftmax(const Encoder& encoder, const game::State& state, const float* logits, const game::Move* legal,
                   int num_legal, int sym, float* priors) {
  const game::Game& game = state.game();
  const auto logit = [&](game::Move m) { return logits[encoder.FrameMove(state, game.TransformMove(m, sym))]; };
  float top = -1e30f;
  for (int i = 0; i < num_legal; ++i) top = std::max(top, logit(legal[i]));
  float sum = 0;
  for (int i = 0; i < num_legal; ++i) sum += priors[i] = std::exp(logit(legal[i]) - top);
  for (int i = 0; i < num_legal; ++i) priors[i] /= sum;
}

std::unique_ptr<game::Game> FrameGame(const NetConfig& network, const game::Game& game) {
  return network.height == game.BoardHeight() ? nullptr : game::MakeGame(network.game_spec);
}

NetEvaluator::NetEvaluator(const game::Game& game, InferenceServer& server, const NetEvaluatorParams& params)
    : game_(game),
      frame_game_(server.network() ? FrameGame(server.network()->config(), game) : nullptr),
      server_(server),
      params_(params),
      encoder_(Encoder::ForGame(frame_game_ ? *frame_game_ : game,
                                server.network() ? server.network()->config().encoding : "")),
      cache_(params.cache_entries, game.NumMoves()) {
  if (frame_game_) server.network()->CheckFits(game);  // a smaller board needs a board mask
}

int NetEvaluator::SymmetryFor(uint64_t key) const {
  if (!params_.random_symmetry) return 0;
  return static_cast<int>(game::MixBits(key ^ params_.seed) % static_cast<uint64_t>(game_.NumSymmetries()));
}

uint64_t NetEvaluator::KeyFor(const game::State& state) const {
  const uint64_t generation = game::MixBits(generation_.load() + 0x51ed270b27a1c3f5ULL);
  return encoder_->CacheKey(state) ^ generation;
}

bool NetEvaluator::FromCache(uint64_t key, const mcts::EvalRequest& r) const {
  return cache_.LookupMoves(key, r.legal, r.num_legal, r.priors, r.value, params_.scores ? r.score : nullptr);
}

bool NetEvaluator::EvaluateAtOnce(const mcts::EvalRequest& request) { return FromCache(KeyFor(*request.state), request); }

void NetEvaluator::Evaluate(std::span<const mcts::EvalRequest> batch) {
  thread_local Scratch s;
  const int policy_size = (frame_game_ ? *frame_game_ : game_).NumMoves();
  const int input_size = encoder_->InputSize();
  const int views = params_.average_symmetries ? game_.NumSymmetries() : 1;

  // Step 1: answer from the cache where possible.
  s.misses.clear();
  s.keys.resize(batch.size());
  s.dense.resize(game_.NumMoves());
  for (size_t i = 0; i < batch.size(); ++i) {
    s.keys[i] = KeyFor(*batch[i].state);
    if (batch[i].asked_at_once || !FromCache(s.keys[i], batch[i])) s.misses.push_back(static_cast<int>(i));
  }
  if (s.misses.empty()) return;

  // Step 2: encode the rest, one view each (or all symmetries), and run them.
  const size_t rows = s.misses.size() * views;
  s.input.resize(rows * input_size);
  s.logits.resize(rows * policy_size);
  s.values.resize(rows);
  s.scores.resize(rows);
  for (size_t j = 0; j < s.misses.size(); ++j) {
    const int i = s.misses[j];
    for (int v = 0; v < views; ++v) {
      const int sym = views > 1 ? v : SymmetryFor(s.keys[i]);
      encoder_->Encode(*batch[i].state, sym, &s.input[(j * views + v) * input_size]);
    }
  }
  server_.Evaluate(s.input.data(), static_cast<int>(rows), s.logits.data(), s.values.data(),
                   params_.scores ? s.scores.data() : nullptr);

  // Step 3: priors over legal moves (mapped back through the symmetry),
  // averaged over views; fill the cache.
  for (size_t j = 0; j < s.misses.size(); ++j) {
    const int i = s.misses[j];
    const mcts::EvalRequest& r = batch[i];
    s.priors.resize(r.num_legal);
    std::fill(r.priors, r.priors + r.num_legal, 0.0f);
    float value = 0, score = 0;
    for (int v = 0; v < views; ++v) {
      const int sym = views > 1 ? v : SymmetryFor(s.keys[i]);
      MaskedSoftmax(*encoder_, *r.state, &s.logits[(j * views + v) * policy_size], r.legal, r.num_legal, sym,
                    s.priors.data());
      for (int k = 0; k < r.num_legal; ++k) r.priors[k] += s.priors[k] / views;
      value += s.values[j * views + v] / views;
      if (params_.scores) score += s.scores[j * views + v] / views;
    }
    *r.value = value;
    if (params_.scores && r.score != nullptr) *r.score = score;
    std::fill(s.dense.begin(), s.dense.end(), 0.0f);
    for (int k = 0; k < r.num_legal; ++k) s.dense[r.legal[k]] = r.priors[k];
    cache_.Insert(s.keys[i], s.dense.data(), value, score);
  }
}

}  // namespace descent::net
