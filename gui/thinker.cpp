#include "gui/thinker.h"

namespace descent::gui {

// How often the search reports its candidates while it runs: often enough
// to look live, rarely enough to cost nothing measurable.
constexpr double kAnalysisIntervalSeconds = 0.1;

void Thinker::Start(const mcts::SearchLimits& limits) {
  Cancel();
  done_ = false;
  stop_ = false;
  thread_ = std::thread([this, limits] {
    result_ = engine_.Think(
        limits,
        [this](const std::vector<engine::CandidateMove>& candidates, int visits) {
          std::lock_guard lock(mutex_);
          analysis_.candidates = candidates;
          analysis_.visits = visits;
        },
        kAnalysisIntervalSeconds, &stop_);
    {
      std::lock_guard lock(mutex_);  // the final candidates too
      analysis_.candidates = engine_.Candidates();
      analysis_.visits = result_.visits;
    }
    done_ = true;
  });
}

std::optional<engine::ThinkResult> Thinker::TakeResult() {
  if (!thread_.joinable() || !done_) return std::nullopt;
  thread_.join();
  return result_;
}

void Thinker::Cancel() {
  if (!thread_.joinable()) return;
  stop_ = true;
  thread_.join();
}

Thinker::Analysis Thinker::Latest() const {
  std::lock_guard lock(mutex_);
  return analysis_;
}

void Thinker::ClearAnalysis() {
  std::lock_guard lock(mutex_);
  analysis_ = {};
}

}  // namespace descent::gui
