#pragma once
// The networks shipped in nets/ (or another folder of weights files): what
// `descent gtp` plays with when no --net is given, one per game and size.

#include <memory>
#include <string>
#include <vector>

#include "game/game.h"
#include "net/network.h"

namespace descent::app {

// The folder of shipped networks: $DESCENT_NETS when set, else the source
// tree's nets/ this binary was built from.
std::string DefaultNetsDir();

class ShippedNetworks {
 public:
  // Loads every *.safetensors in `dir` (sorted by name). Files that do not
  // load are reported on `warnings` (one line each) and left out; throws
  // game::UserError when none loads.
  ShippedNetworks(const std::string& dir, std::vector<std::string>* warnings, const std::string& device = "cpu");

  // The network for `game` (its game and board size; komi may differ).
  // Throws game::UserError naming the ones there are when none fits.
  std::shared_ptr<const net::Network> For(const game::Game& game) const;
  // Its file, for messages.
  std::string PathFor(const game::Game& game) const;
  // "go:7, go:9, connect4" (the networks' games without komi).
  std::string Describe() const;

 private:
  struct Entry {
    std::string path;
    std::shared_ptr<const net::Network> network;
  };
  const Entry* Find(const game::Game& game) const;
  std::string dir_;
  std::vector<Entry> entries_;
};

}  // namespace descent::app
