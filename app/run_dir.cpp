#include "app/run_dir.h"

#include <filesystem>

#include "game/user_error.h"

namespace descent::app {

namespace fs = std::filesystem;

std::unique_ptr<trainer::Store> OpenRunStore(const std::string& run) {
  const fs::path path = fs::path(run) / "store.sqlite";
  if (!fs::exists(path)) throw game::UserError("'" + run + "' is not a run directory (no store.sqlite)");
  return std::make_unique<trainer::Store>(path.string());
}

std::string NewestNetworkPath(const std::string& run, const trainer::Store& store) {
  const auto latest = store.LatestNetwork();
  if (!latest) throw game::UserError("run '" + run + "' has no network yet");
  return (fs::path(run) / latest->path).string();
}

std::string FirstNetworkPath(const std::string& run, const trainer::Store& store) {
  const auto networks = store.Networks();
  if (networks.empty()) throw game::UserError("run '" + run + "' has no network yet");
  return (fs::path(run) / networks.front().path).string();
}

}  // namespace descent::app
