#include "game/pons.h"

#include <fstream>
#include <sstream>

#include "game/user_error.h"

namespace descent::game {

std::vector<PonsPosition> ReadPonsFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw UserError("cannot open Connect Four position file '" + path + "'");
  std::vector<PonsPosition> positions;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (line.empty()) continue;
    std::istringstream fields(line);
    PonsPosition p;
    std::string rest;
    if (!(fields >> p.moves >> p.score) || (fields >> rest) ||
        p.moves.find_first_not_of("1234567") != std::string::npos) {
      throw UserError(path + ":" + std::to_string(number) + ": expected '<column digits 1-7> <score>', got '" + line + "'");
    }
    positions.push_back(std::move(p));
  }
  return positions;
}

}  // namespace descent::game
