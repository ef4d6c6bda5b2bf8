#pragma once
// Reading a training run directory from the commands that inspect one.

#include <memory>
#include <string>

#include "trainer/store.h"

namespace descent::app {

// The run's store; game::UserError when `run` is not a run directory.
std::unique_ptr<trainer::Store> OpenRunStore(const std::string& run);
// The weights file of the run's newest network (UserError if it has none).
std::string NewestNetworkPath(const std::string& run, const trainer::Store& store);
// The first network's file, the anchor of the run's Elo ladder.
std::string FirstNetworkPath(const std::string& run, const trainer::Store& store);

}  // namespace descent::app
