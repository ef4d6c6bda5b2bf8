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
};

// Defaults per game (blocks x channels): tic-tac-toe 2x32, Connect Four 5x64,
// Go up to 7x7 6x64, 8x8 and 9x9 6x32, larger Go 10x128. 0 keeps the default.
NetConfig DefaultNetConfig(const game::Game& game, int blocks = 0, int channels = 0, const std::string& encoding = "");

// Multiply-adds x 2 of one evaluation (convolutions and dense layers; batch
// norm, ReLU and softmax are negligible).
double FlopsPerEvaluation(const NetConfig& config);

}  // namespace descent::net
