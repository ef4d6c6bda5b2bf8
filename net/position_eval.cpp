#include "net/position_eval.h"

#include <algorithm>
#include <cmath>

#include "net/encoder.h"
#include "net/net_evaluator.h"

namespace descent::net {

std::vector<PositionEval> EvaluatePositions(const Network& network, const game::Game& game,
                                            const std::vector<const game::State*>& states, int batch) {
  network.CheckFits(game);
  // A network with a board mask may have a larger board (its frame) than
  // the game: positions go into its frame and its outputs come back.
  const std::unique_ptr<game::Game> frame = FrameGame(network.config(), game);
  const auto encoder = Encoder::ForGame(frame ? *frame : game, network.config().encoding);
  const int policy_size = network.config().policy_size;
  const int input_size = encoder->InputSize();
  const int points = game.BoardWidth() * game.BoardHeight();
  const int frame_points = network.config().height * network.config().width;
  const bool aux = network.config().aux_heads != 0;
  std::vector<PositionEval> out(states.size());
  std::vector<float> input, logits, values, ownership, scores, priors;
  std::vector<game::Move> legal;
  for (size_t first = 0; first < states.size(); first += static_cast<size_t>(batch)) {
    const int n = static_cast<int>(std::min<size_t>(static_cast<size_t>(batch), states.size() - first));
    input.assign(static_cast<size_t>(n) * input_size, 0.0f);
    for (int i = 0; i < n; ++i) encoder->Encode(*states[first + i], 0, &input[static_cast<size_t>(i) * input_size]);
    logits.resize(static_cast<size_t>(n) * policy_size);
    values.resize(n);
    ownership.resize(aux ? static_cast<size_t>(n) * frame_points : 0);
    scores.resize(aux ? n : 0);
    network.Forward(input.data(), n, logits.data(), values.data(), aux ? ownership.data() : nullptr,
                    aux ? scores.data() : nullptr);
    for (int i = 0; i < n; ++i) {
      PositionEval& e = out[first + i];
      states[first + i]->LegalMoves(&legal);
      priors.resize(legal.size());
      MaskedSoftmax(*encoder, *states[first + i], &logits[static_cast<size_t>(i) * policy_size], legal.data(),
                    static_cast<int>(legal.size()), 0, priors.data());
      e.priors.assign(game.NumMoves(), 0.0f);
      for (size_t k = 0; k < legal.size(); ++k) e.priors[legal[k]] = priors[k];
      e.value = values[i];
      e.has_aux = aux;
      if (aux) {
        e.ownership.resize(points);
        for (int p = 0; p < points; ++p) {
          e.ownership[p] = ownership[static_cast<size_t>(i) * frame_points + encoder->FrameMove(*states[first + i], p)];
        }
        e.score = scores[i];
      }
    }
  }
  return out;
}

double PolicySurprise(const std::vector<float>& priors, const std::vector<std::pair<game::Move, float>>& target) {
  constexpr double kPriorFloor = 1e-6;
  double kl = 0;
  for (const auto& [move, share] : target) {
    if (share <= 0) continue;
    const double prior = move >= 0 && static_cast<size_t>(move) < priors.size() ? priors[move] : 0.0;
    kl += share * std::log(share / std::max(prior, kPriorFloor));
  }
  return std::max(0.0, kl);
}

}  // namespace descent::net
