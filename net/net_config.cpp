#include "net/net_config.h"

#include "net/encoder.h"

namespace descent::net {

NetConfig DefaultNetConfig(const game::Game& game, int blocks, int channels, const std::string& encoding) {
  NetConfig c;
  c.game_spec = game.Spec();
  const auto encoder = Encoder::ForGame(game, encoding);
  c.encoding = encoder->Name();
  c.input_planes = encoder->NumPlanes();
  c.height = game.BoardHeight();
  c.width = game.BoardWidth();
  c.policy_size = game.NumMoves();
  const game::GameTraits traits = game.Traits();  // sizes and why: game/traits.h and each game's Traits()
  c.blocks = traits.net_blocks, c.channels = traits.net_channels;
  if (blocks > 0) c.blocks = blocks;
  if (channels > 0) c.channels = channels;
  // AlphaGo Zero's value head uses 256 hidden units for 256 channels; we keep
  // the same ratio to the trunk.
  c.value_hidden = c.channels;
  // Go learns from ownership and score; the other games' results say little
  // beyond the value (no territory).
  const bool go = traits.has_pass;
  c.aux_heads = go ? 1 : 0;
  c.global_pooling = go ? 1 : 0;
  return c;
}

double FlopsPerEvaluation(const NetConfig& c) {
  const double area = static_cast<double>(c.height) * c.width;
  const double conv3 = 2.0 * area * 9;
  double flops = conv3 * c.input_planes * c.channels;  // input convolution
  flops += 2.0 * c.blocks * conv3 * c.channels * c.channels;
  flops += 2.0 * area * c.channels * 2 + 2.0 * 2 * area * c.policy_size;          // policy head
  const double value_inputs = area + (c.global_pooling ? 2.0 * c.channels : 0.0);
  flops += 2.0 * area * c.channels + 2.0 * value_inputs * c.value_hidden +
           2.0 * c.value_hidden * (c.wdl_value ? 3 : 1);  // value head
  for (int i = 0; i < c.blocks; ++i) {
    if (HasPoolingBias(c, i)) flops += 2.0 * 2 * c.channels * c.channels;  // pooled bias
  }
  if (c.aux_heads) flops += 2.0 * area * c.channels + 2.0 * c.value_hidden;  // ownership and score
  return flops;
}

}  // namespace descent::net
