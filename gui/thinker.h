#pragma once
// Runs the engine's search on a worker thread so the window stays
// responsive, and keeps the latest analysis for the window to draw.
//
// While busy() the engine belongs to the worker thread: the GUI thread must
// not call the engine until the result is taken or Cancel() returned.

#include <atomic>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "engine/engine.h"

namespace descent::gui {

class Thinker {
 public:
  explicit Thinker(engine::Engine& engine) : engine_(engine) {}
  ~Thinker() { Cancel(); }

  // Starts a search of the engine's position; returns at once.
  void Start(const mcts::SearchLimits& limits);
  bool busy() const { return thread_.joinable(); }
  // The search's result once it has finished (then the thread is joined and
  // the engine is the caller's again); nullopt while it runs or when idle.
  std::optional<engine::ThinkResult> TakeResult();
  // Stops a running search and waits for it; its result is dropped.
  void Cancel();

  struct Analysis {
    std::vector<engine::CandidateMove> candidates;  // every root move, most visited first
    int visits = 0;
  };
  // The latest analysis (thread-safe copy).
  Analysis Latest() const;
  void ClearAnalysis();

 private:
  engine::Engine& engine_;
  std::thread thread_;
  std::atomic<bool> done_{false}, stop_{false};
  engine::ThinkResult result_;
  mutable std::mutex mutex_;
  Analysis analysis_;
};

}  // namespace descent::gui
