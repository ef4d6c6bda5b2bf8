#include "mcts/game_search.h"

#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>


namespace descent::mcts {

using Clock = std::chrono::steady_clock;

// Leaves one worker scores without the net (finished games, cache hits)
// before it looks at the clock again: each is a tree walk and a lookup, far
// cheaper than a net call, so 256 keep the clock and the stop flag read
// often.
constexpr int kScoredLeavesPerRound = 256;

struct GameSearch::RunState {
  std::mutex mutex;                 // guards the tree and the fields below
  std::condition_variable changed;  // a batch completed
  Clock::time_point start;
  Clock::time_point next_progress;
  int start_visits = 0;
  bool done = false;
  std::exception_ptr error;  // the first evaluator failure; Run rethrows it
};

GameSearch::GameSearch(const game::Game& game, Evaluator& evaluator, const SearchParams& params)
    : evaluator_(evaluator), params_(params), search_(game, params) {
  leaves_.resize(std::max(1, params.batches_in_flight));
  requests_.resize(leaves_.size());
  for (auto& l : leaves_) l.resize(std::max(1, params.leaves_per_batch));
}

SearchInfo GameSearch::Run(const SearchLimits& limits, const std::atomic<bool>* stop) {
  RunState run;
  run.start = now_();
  run.next_progress = run.start;
  run.start_visits = search_.RootVisits();
  run_ = &run;
  if (!search_.RootState().IsTerminal()) {
    // Worker 0 runs here, the others on plain threads: they block on the
    // evaluator, which a TBB task must not do (it could hold up another
    // task group's work nested inside its wait).
    std::vector<std::thread> others;
    for (int w = 1; w < static_cast<int>(leaves_.size()); ++w) {
      others.emplace_back([this, w, &limits, stop] { Worker(w, limits, stop); });
    }
    Worker(0, limits, stop);
    for (auto& t : others) t.join();
  }
  run_ = nullptr;
  if (run.error) std::rethrow_exception(run.error);
  SearchInfo info;
  info.root_visits = search_.RootVisits();
  info.new_visits = info.root_visits - run.start_visits;
  info.seconds = std::chrono::duration<double>(now_() - run.start).count();
  return info;
}

void GameSearch::Worker(int index, const SearchLimits& limits, const std::atomic<bool>* stop) {
  RunState& run = *run_;
  std::vector<Leaf>& leaves = leaves_[index];
  std::vector<EvalRequest>& requests = requests_[index];
  std::unique_lock lock(run.mutex);
  for (;;) {
    // Step 1: decide whether to go on.
    const Clock::time_point now = now_();
    const double elapsed = std::chrono::duration<double>(now - run.start).count();
    // The root must be expanded before anything stops the search: a search
    // with no expanded root has no move to give. A proved root stops it at
    // once: more visits cannot change a proved result.
    const bool expanded = search_.RootExpanded();
    if ((expanded && ((stop && stop->load()) || (limits.seconds > 0 && elapsed >= limits.seconds))) ||
        search_.RootVisits() >= limits.visits || (expanded && search_.RootProven())) {
      run.done = true;
    }
    if (run.done) break;

    // Step 2: gather leaves; terminal ones and cache hits are scored at once.
    requests.clear();
    int n = 0, scored = 0;
    bool collided = false;
    while (n < static_cast<int>(leaves.size()) && search_.RootVisits() + search_.InFlight() < limits.visits) {
      Leaf& leaf = leaves[n];
      search_.SelectLeaf(&leaf);
      if (leaf.kind == Leaf::kTerminal) {
        search_.Complete(leaf);
        // A tree whose every line ends in a finished game (late tic-tac-toe)
        // gives only terminal leaves: go back to step 1 now and then, so the
        // clock, the stop flag and progress reports are not starved.
        if (++scored >= kScoredLeavesPerRound) break;
        continue;
      }
      if (leaf.kind == Leaf::kCollision) {
        search_.Cancel(leaf);
        collided = true;
        break;
      }
      EvalRequest request = leaf.Request();
      if (evaluator_.EvaluateAtOnce(request)) {
        // A cache hit: backed up now, under the lock, like a finished game.
        search_.Complete(leaf);
        if (++scored >= kScoredLeavesPerRound) break;
        continue;
      }
      request.asked_at_once = true;
      requests.push_back(request);
      ++n;
    }
    if (n == 0) {
      if (scored > 0) {
        Report(run);
        continue;
      }
      // Everything reachable is in flight elsewhere, or the budget is spoken
      // for: wait for another batch to land.
      if (search_.InFlight() == 0 && !collided) continue;
      run.changed.wait_for(lock, std::chrono::milliseconds(5));
      continue;
    }

    // Step 3: evaluate without the lock, so other workers walk the tree.
    lock.unlock();
    try {
      evaluator_.Evaluate(requests);
    } catch (...) {
      // The leaves go back (their virtual loss removed), the other workers
      // stop, and Run rethrows the error to its caller.
      lock.lock();
      for (int i = 0; i < n; ++i) search_.Cancel(leaves[i]);
      if (!run.error) run.error = std::current_exception();
      run.done = true;
      break;
    }
    lock.lock();

    // Step 4: expand and back up.
    for (int i = 0; i < n; ++i) search_.Complete(leaves[i]);
    run.changed.notify_all();
    Report(run);
  }
  run.changed.notify_all();
}

// Calls the progress callback when its interval has passed; under the lock.
void GameSearch::Report(RunState& run) {
  if (!progress_ || now_() < run.next_progress) return;
  // Nothing to show until a root move has a visit; then report at once
  // (a short search should not end before its first report).
  if (search_.RootVisits() < 2) return;
  run.next_progress =
      now_() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(progress_interval_));
  SearchInfo info;
  info.root_visits = search_.RootVisits();
  info.new_visits = info.root_visits - run.start_visits;
  info.seconds = std::chrono::duration<double>(now_() - run.start).count();
  progress_(search_, info);
}

}  // namespace descent::mcts
