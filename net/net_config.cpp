#include "net/net_config.h"

#include "net/encoder.h"

namespace descent::net {

NetConfig DefaultNetConfig(const game::Game& game, int blocks, int channels) {
  NetConfig c;
  c.game_spec = game.Spec();
  const auto encoder = Encoder::ForGame(game);
  c.encoding = encoder->Name();
  c.input_planes = encoder->NumPlanes();
  c.height = game.BoardHeight();
  c.width = game.BoardWidth();
  c.policy_size = game.NumMoves();
  if (game.Name() == "tictactoe") {
    c.blocks = 2, c.channels = 32;
  } else if (game.Name() == "connect4") {
    c.blocks = 5, c.channels = 64;
  } else if (game.BoardWidth() <= 7) {
    c.blocks = 6, c.channels = 64;
  } else if (game.BoardWidth() <= 9) {
    // Half the channels of 7x7: 9x9 has 1.65 times the points and longer
    // games, and on two cores 6x64 self-played 0.3 games/s and
    // published 3 networks in 37 minutes with no measurable progress; 6x32
    // (2.5x the visits/s) published 12 in an hour and rose ~960 Elo (README).
    c.blocks = 6, c.channels = 32;
  } else {
    c.blocks = 10, c.channels = 128;
  }
  if (blocks > 0) c.blocks = blocks;
  if (channels > 0) c.channels = channels;
  // AlphaGo Zero's value head uses 256 hidden units for 256 channels; we keep
  // the same ratio to the trunk.
  c.value_hidden = c.channels;
  return c;
}

double FlopsPerEvaluation(const NetConfig& c) {
  const double area = static_cast<double>(c.height) * c.width;
  const double conv3 = 2.0 * area * 9;
  double flops = conv3 * c.input_planes * c.channels;  // input convolution
  flops += 2.0 * c.blocks * conv3 * c.channels * c.channels;
  flops += 2.0 * area * c.channels * 2 + 2.0 * 2 * area * c.policy_size;          // policy head
  flops += 2.0 * area * c.channels + 2.0 * area * c.value_hidden + 2.0 * c.value_hidden;  // value head
  return flops;
}

}  // namespace descent::net
