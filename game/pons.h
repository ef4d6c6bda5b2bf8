#pragma once
// Pascal Pons' scored Connect Four positions (../shared/data/connect4/):
// one "<moves> <score>" per line, moves as column digits 1..7, score exact
// for the side to move.

#include <string>
#include <vector>

namespace descent::game {

struct PonsPosition {
  std::string moves;
  int score = 0;
};

// Reads a whole file. Throws UserError naming the file and line when it
// cannot be opened or a line is malformed.
std::vector<PonsPosition> ReadPonsFile(const std::string& path);

}  // namespace descent::game
