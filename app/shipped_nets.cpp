#include "app/shipped_nets.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "game/user_error.h"

namespace descent::app {

namespace fs = std::filesystem;

std::string DefaultNetsDir() {
  if (const char* env = std::getenv("DESCENT_NETS"); env != nullptr && *env != '\0') return env;
  return std::string(DESCENT_SOURCE_DIR) + "/nets";
}

ShippedNetworks::ShippedNetworks(const std::string& dir, std::vector<std::string>* warnings, const std::string& device)
    : dir_(dir) {
  net::Network::CheckDevice(device);  // a missing CUDA device is not a per-file warning
  std::error_code error;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir, error)) {
    if (entry.path().extension() == ".safetensors") files.push_back(entry.path());
  }
  if (error) throw game::UserError("cannot read the networks folder " + dir + ": " + error.message());
  std::sort(files.begin(), files.end());
  for (const fs::path& file : files) {
    try {
      entries_.push_back({file.string(), net::Network::Load(file.string(), device)});
    } catch (const game::UserError& e) {
      if (warnings != nullptr) warnings->push_back(file.string() + " left out: " + e.what());
    }
  }
  if (entries_.empty()) throw game::UserError("no network loads from " + dir + " (give one with --net)");
}

const ShippedNetworks::Entry* ShippedNetworks::Find(const game::Game& game) const {
  for (const Entry& e : entries_) {
    try {
      e.network->CheckFits(game);
      return &e;
    } catch (const game::UserError&) {
    }
  }
  return nullptr;
}

std::shared_ptr<const net::Network> ShippedNetworks::For(const game::Game& game) const {
  const Entry* e = Find(game);
  if (e == nullptr) {
    const std::string spec = game.Spec();
    throw game::UserError("no network for " + spec.substr(0, spec.find(":komi")) + " in " + dir_ + " (it has " +
                          Describe() + "; give one with --net)");
  }
  return e->network;
}

std::string ShippedNetworks::PathFor(const game::Game& game) const {
  const Entry* e = Find(game);
  return e == nullptr ? "" : e->path;
}

std::string ShippedNetworks::Describe() const {
  std::string out;
  for (const Entry& e : entries_) {
    const std::string& spec = e.network->config().game_spec;
    out += (out.empty() ? "" : ", ") + spec.substr(0, spec.find(":komi"));
  }
  return out;
}

}  // namespace descent::app
