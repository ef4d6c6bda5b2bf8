#pragma once
// The shape of a network: which game and input encoding it serves, and its
// size. Plain types; weights files store every field.

#include <string>

#include "game/game.h"

namespace descent::net {

struct NetConfig {
  std::string game_spec;  // Game::Spec() of the game it plays
  std::string encoding;   // Encoder::Name() of its input planes
  int input_planes = 0;
  int height = 0;
  int width = 0;
  int policy_size = 0;  // Game::NumMoves()
  int blocks = 0;       // residual blocks
  int channels = 0;     // convolution channels
  int value_hidden = 0; // width of the value head's hidden layer
  // KataGo's auxiliary heads (Go): the final ownership of every point and
  // the final score, trained beside policy and value (Wu 2019, table 2:
  // 1.65x compute without them). 0 in networks from before them.
  int aux_heads = 0;
  // KataGo's global pooling: channel means and maxima of the trunk feed a
  // bias into every third residual block and the value head's inputs
  // (Wu 2019: 1.60x). 0 in networks from before it.
  int global_pooling = 0;
  // A win/draw/loss value head: three logits instead of one tanh, trained
  // by cross-entropy; the value is P(win) - P(loss). For games with draws
  // (Connect Four, Go at integer komi) a single number cannot tell a sure
  // draw from an even fight. 0 in networks from before it (and the
  // default until measured, docs/techniques.md).
  int wdl_value = 0;
  // KataGo's opponent-reply head: a second policy head, trained to predict
  // the move the opponent played next (Wu 2019, table 2: 1.30x compute
  // without it). It only shapes the trunk during training: searches never
  // evaluate it. 0 in networks from before it (and the default until
  // measured, docs/techniques.md).
  int opponent_policy = 0;
  // Mixed board sizes (Go): a network whose frame is height x width also
  // plays smaller boards, placed in the frame's top-left corner (KataGo's
  // layout). The last input plane marks the points on the board; every
  // trunk activation is multiplied by it (off-board points stay zero, as the
  // convolutions' padding is), global pooling averages over the board's
  // points only, and the heads see zeros off the board. On a full-size board
  // the mask is all ones and changes nothing. 0 in networks from before it.
  int board_mask = 0;
};

// Residual block `index` takes a global-pooling bias (every third block,
// starting with the third, as KataGo spaces its pooling blocks).
inline bool HasPoolingBias(const NetConfig& c, int index) { return c.global_pooling && index % 3 == 2; }

// Defaults per game (blocks x channels): tic-tac-toe 2x32, Connect Four 5x64,
// Go up to 7x7 6x64, 8x8 and 9x9 6x32, larger Go 10x128. 0 keeps the default.
NetConfig DefaultNetConfig(const game::Game& game, int blocks = 0, int channels = 0, const std::string& encoding = "");

// Multiply-adds x 2 of one evaluation (convolutions and dense layers; batch
// norm, ReLU and softmax are negligible).
double FlopsPerEvaluation(const NetConfig& config);

}  // namespace descent::net
