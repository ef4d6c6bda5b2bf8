#pragma once
// Turns a position into the network's input planes (float, planes x height x
// width, row-major), seen through a board symmetry.
//
// Go ("go-v2", the default for new networks; 22 planes, all from the view
// of the side to move), with KataGo's cheap features (Wu 2019, table 2:
// its input features were worth 1.55x compute):
//   0..7   the mover's stones now, 1, ..., 7 moves ago (AlphaGo Zero)
//   8..15  the opponent's stones, same times
//   16..18 stones (either colour) whose group has 1, 2, 3 or more liberties
//   19     empty points the mover may not play (ko, superko, suicide)
//   20     komi from the mover's view, / 15 (everywhere)
//   21     ones on the board (zero padding marks the edge)
// "go-v1" (18 planes; the networks trained before go-v2): planes 0..15 as
// above, 16 ones if Black is to move, 17 ones.
// Connect Four and tic-tac-toe ("board-v1", 3 planes): the mover's pieces,
// the opponent's pieces, ones.

#include <cstdint>
#include <memory>
#include <string>

#include "game/game.h"

namespace descent::net {

class Encoder {
 public:
  virtual ~Encoder() = default;
  // The encoder named `name` for `game` ("": the newest for the game, the
  // one new networks use); the game must outlive it. Throws
  // game::UserError for a name this build does not know for the game.
  static std::unique_ptr<Encoder> ForGame(const game::Game& game, const std::string& name = "");

  virtual std::string Name() const = 0;
  virtual int NumPlanes() const = 0;
  int Height() const { return game_->BoardHeight(); }
  int Width() const { return game_->BoardWidth(); }
  int InputSize() const { return NumPlanes() * Height() * Width(); }

  // Writes InputSize() floats for `state` seen through symmetry `sym`: the
  // piece on point p appears at TransformMove(p, sym). Thread-safe.
  virtual void Encode(const game::State& state, int sym, float* out) const = 0;
  // Go with a board mask (NetConfig::board_mask): an encoder for a frame
  // game (the network's board) also encodes states of smaller Go boards,
  // placed in the frame's top-left corner; off-board points are zero in
  // every plane, the on-board plane included. FrameMove maps such a state's
  // move index to the frame's (the network's policy index); the identity
  // for a state of the frame game itself. Encode throws game::UserError for
  // a board larger than the frame.
  virtual game::Move FrameMove(const game::State& /*state*/, game::Move move) const { return move; }
  // Key of everything Encode reads (for Go the last 8 boards, not just the
  // current one): equal keys give equal inputs.
  virtual uint64_t CacheKey(const game::State& state) const = 0;

 protected:
  explicit Encoder(const game::Game& game) : game_(&game) {}
  const game::Game* game_;
};

}  // namespace descent::net
