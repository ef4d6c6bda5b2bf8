#pragma once
// The one-game driver (GTP, GUI, analysis, evaluation matches): several
// leaves of one tree per batch, kept apart by virtual loss, and several
// batches in flight at once (the calling thread plus batches_in_flight - 1
// plain threads, never TBB tasks: they block on the evaluator) so a batching
// evaluator stays busy.

#include <atomic>
#include <chrono>
#include <functional>
#include <vector>

#include "mcts/evaluator.h"
#include "mcts/search.h"

namespace descent::mcts {

struct SearchLimits {
  int visits = 800;      // stop when the root has this many visits (reused ones count)
  double seconds = 0.0;  // and/or after this long; 0 = no time limit
};

struct SearchInfo {
  int root_visits = 0;
  int new_visits = 0;  // completed during this Run
  double seconds = 0;
};

class GameSearch {
 public:
  // `evaluator` must outlive this object.
  GameSearch(const game::Game& game, Evaluator& evaluator, const SearchParams& params);

  // The tree: set the root, advance it, read results. Only between Runs.
  Search& search() { return search_; }
  const Search& search() const { return search_; }

  // Called about every `interval` seconds during a Run, from a search thread,
  // with the tree locked: read it, do not keep references.
  using ProgressFn = std::function<void(const Search&, const SearchInfo&)>;
  void SetProgress(ProgressFn fn, double interval) {
    progress_ = std::move(fn);
    progress_interval_ = interval;
  }

  // The clock time limits are measured on (steady_clock by default); tests
  // inject one. Only between Runs.
  using ClockFn = std::function<std::chrono::steady_clock::time_point()>;
  void SetClock(ClockFn now) { now_ = std::move(now); }

  // Searches until a limit is reached, `stop` becomes true (checked between
  // batches) or the root's result is proved. Blocks. The root is always
  // expanded first (a time limit or stop cannot leave it without a move),
  // unless `limits.visits` is 0. Returns at once when the root position is
  // terminal. When the evaluator throws, the leaves in flight are cancelled
  // (the tree stays usable) and Run rethrows the exception.
  SearchInfo Run(const SearchLimits& limits, const std::atomic<bool>* stop = nullptr);

 private:
  struct RunState;
  void Worker(int index, const SearchLimits& limits, const std::atomic<bool>* stop);
  void Report(RunState& run);

  Evaluator& evaluator_;
  SearchParams params_;
  Search search_;
  ProgressFn progress_;
  ClockFn now_ = [] { return std::chrono::steady_clock::now(); };
  double progress_interval_ = 0;
  // Per worker: leaves and requests, reused between batches.
  std::vector<std::vector<Leaf>> leaves_;
  std::vector<std::vector<EvalRequest>> requests_;
  RunState* run_ = nullptr;  // valid during Run
};

}  // namespace descent::mcts
