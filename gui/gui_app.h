#pragma once
// The SDL2 window where a person plays a network: Go, Connect Four or
// tic-tac-toe, with the network's thinking shown live (win probability,
// candidate moves, policy heat map, principal variation on hover).
//
// Drives the engine facade only. Scripted mode (--script) feeds the same
// event handling with injected mouse and key events, for tests under Xvfb.

#include <functional>
#include <optional>
#include <string>

#include "engine/engine.h"

namespace descent::gui {

struct GuiParams {
  // The network file to start with; `newest_network` (optional) is asked
  // between games for a newer file (a training run's newest).
  std::string network_path;
  std::function<std::string()> newest_network;
  // Go: board size and komi (0 / nullopt: the network's own game's).
  int go_size = 0;
  std::optional<float> komi;
  int human = 0;          // the person's side: 0 moves first (Black, X, red)
  int visits = 400;       // the network's visits per move...
  double seconds = 0;     // ...or seconds per move when > 0
  int threads = 2;        // inference workers
  engine::SearchParams search;  // the network's search
  std::string sgf_dir = ".";
  std::string script;     // a file of scripted actions; "" for a person
  int width = 1100, height = 760;
  std::string font = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
};

// Opens the window and runs until it is closed (or the script ends).
// Returns the exit status. Throws game::UserError with a clear message
// when there is no display, the font or network is missing, or the network
// does not fit the game.
int RunGui(const GuiParams& params);

}  // namespace descent::gui
