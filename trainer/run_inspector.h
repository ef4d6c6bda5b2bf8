#pragma once
// The run as a dataset a person can look into: the JSON behind the run page
// (docs/inspect.md documents every endpoint). Read-only: it reads the store
// and the run's weights files and changes neither, so it serves a running
// run (beside the trainer, or from another process: the store is SQLite in
// WAL mode) as well as a finished one.
//
// Positions are evaluated by the network that played their game (the
// prior the search started from), with the identity symmetry; results are
// cached per game, so stepping through a game or re-reading a view costs
// no second evaluation.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <optional>
#include <string_view>

#include "trainer/server.h"
#include "trainer/store.h"

namespace descent::trainer {

struct InspectParams {
  // The replay window in samples (the training run's --window): the
  // default extent of the dataset views.
  int64_t window = 250000;
  // Positions one dataset request (surprise, calibration, solver) may
  // evaluate at most: bounds its time. 20,027 positions of a 7x7 run
  // (4 x 32 network) took 4.4 s here; a tic-tac-toe window fits whole.
  int64_t max_positions = 20000;
  // Positions whose evaluations stay cached (a 9x9 position's priors and
  // ownership are ~650 bytes: 200,000 take ~130 MB).
  int64_t cached_positions = 200000;
  // Weights files kept loaded.
  int cached_networks = 4;
};

class RunInspector final : public RunPageSource {
 public:
  // `store` must outlive the inspector; `run_dir` is where the store's
  // network paths are relative to. Throws game::UserError when the store
  // names no game this build knows.
  RunInspector(const Store& store, std::string run_dir, InspectParams params = {});
  ~RunInspector() override;
  RunInspector(const RunInspector&) = delete;
  RunInspector& operator=(const RunInspector&) = delete;

  // Answers GET `path` ("/api/run", "/api/game", ...) with its query
  // parameters. Blocks while positions are evaluated. Thread-safe. Bad
  // parameters, unknown ids and unknown paths get a 4xx reply, never an
  // exception.
  InspectReply Get(const std::string& path, const std::map<std::string, std::string>& query) override;
  // The page's files, compiled in (trainer/web_assets.h).
  std::optional<PageFile> File(std::string_view name) const override;

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace descent::trainer
