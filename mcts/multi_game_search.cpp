#include "mcts/multi_game_search.h"

#include <chrono>
#include <exception>
#include <mutex>
#include <thread>

#include <tbb/parallel_for.h>

namespace descent::mcts {

using Clock = std::chrono::steady_clock;

struct MultiGameSearch::Slot {
  Slot(const game::Game& game, const SearchParams& params, int index, uint64_t seed)
      : index(index), search(game, params), rng(seed), leaves(std::max(1, params.leaves_per_game)) {}
  int index;
  Search search;
  std::mt19937_64 rng;
  MovePlan plan;
  bool active = false;
  std::vector<Leaf> leaves;
  int pending = 0;  // leaves[0..pending) await evaluation
};

MultiGameSearch::MultiGameSearch(const game::Game& game, Evaluator& evaluator, const SearchParams& params,
                                 int num_games, int groups, uint64_t seed)
    : evaluator_(evaluator), params_(params), groups_(std::max(1, std::min(groups, num_games))) {
  std::seed_seq seq{seed};
  std::vector<uint64_t> seeds(num_games);
  seq.generate(seeds.begin(), seeds.end());
  for (int i = 0; i < num_games; ++i) slots_.push_back(std::make_unique<Slot>(game, params, i, seeds[i] ^ seed));
}

MultiGameSearch::~MultiGameSearch() = default;

void MultiGameSearch::StartNextGame(Slot& slot, SelfPlayHooks& hooks) {
  std::unique_ptr<game::State> start = hooks.StartGame(slot.index);
  slot.active = start != nullptr && !start->IsTerminal();
  if (!slot.active) return;
  slot.search.SetRoot(*start);
  slot.plan = hooks.PlanMove(slot.index, *start);
  BeginSearch(slot);
}

void MultiGameSearch::BeginSearch(Slot& slot) {
  Search& s = slot.search;
  const MovePlan& plan = slot.plan;
  if (plan.gumbel_simulations > 0) {
    s.StartGumbel({.considered = plan.gumbel_considered}, plan.gumbel_simulations, true, slot.rng);
    return;
  }
  if (plan.fresh_tree) {
    const std::unique_ptr<game::State> position = s.RootState().Clone();
    s.SetRoot(*position);
  }
  if (plan.add_noise) s.AddRootNoise(slot.rng);
}

void MultiGameSearch::GatherLeaves(Slot& slot) {
  slot.pending = 0;
  Search& s = slot.search;
  while (slot.pending < static_cast<int>(slot.leaves.size()) && s.RootVisits() + s.InFlight() < slot.plan.visits &&
         !s.RootProven()) {
    Leaf& leaf = slot.leaves[slot.pending];
    s.SelectLeaf(&leaf);
    if (leaf.kind == Leaf::kTerminal) {
      s.Complete(leaf);
      visits_.fetch_add(1, std::memory_order_relaxed);
    } else if (leaf.kind == Leaf::kNeedsEval && evaluator_.EvaluateAtOnce(leaf.Request())) {
      // Known already (a cache hit): backed up now, and the slot keeps
      // gathering, so its share of the batch is a leaf that needs the net.
      s.Complete(leaf);
      visits_.fetch_add(1, std::memory_order_relaxed);
      answered_at_once_.fetch_add(1, std::memory_order_relaxed);
    } else if (leaf.kind == Leaf::kCollision) {
      s.Cancel(leaf);
      break;
    } else {
      ++slot.pending;
    }
  }
}

void MultiGameSearch::FinishRound(Slot& slot, SelfPlayHooks& hooks) {
  Search& s = slot.search;
  for (int i = 0; i < slot.pending; ++i) s.Complete(slot.leaves[i]);
  visits_.fetch_add(slot.pending, std::memory_order_relaxed);
  slot.pending = 0;
  // Done at the visit budget, or at once when the root is proved (more
  // visits cannot change a solved position's value or its best move).
  if ((s.RootVisits() < slot.plan.visits && !s.RootProven()) || !s.RootExpanded()) return;

  // The move's search is done: play, then plan the next one.
  const game::Move move = hooks.ChooseMove(slot.index, s, slot.rng);
  if (move != game::kNoMove) s.AdvanceRoot(move);
  if (move == game::kNoMove || s.RootState().IsTerminal()) {
    hooks.EndGame(slot.index, s.RootState());
    StartNextGame(slot, hooks);
    return;
  }
  slot.plan = hooks.PlanMove(slot.index, s.RootState());
  BeginSearch(slot);
}

void MultiGameSearch::RunGroup(int group, SelfPlayHooks& hooks, const std::atomic<bool>* stop) {
  std::vector<Slot*> mine;
  for (size_t i = group; i < slots_.size(); i += groups_) mine.push_back(slots_[i].get());
  for (Slot* slot : mine) StartNextGame(*slot, hooks);
  std::vector<EvalRequest> requests;
  for (;;) {
    if ((stop && stop->load()) || failed_.load()) return;
    // Step 1: one leaf (or a few) from every active tree, in parallel.
    tbb::parallel_for(size_t{0}, mine.size(), [&](size_t i) {
      if (mine[i]->active) GatherLeaves(*mine[i]);
    });
    // Step 2: one batch for the whole group.
    requests.clear();
    bool any_active = false;
    for (Slot* slot : mine) {
      any_active |= slot->active;
      for (int i = 0; i < slot->pending; ++i) {
        requests.push_back(slot->leaves[i].Request());
        requests.back().asked_at_once = true;  // GatherLeaves asked for every pending leaf
      }
    }
    if (!any_active) return;
    if (!requests.empty()) {
      const Clock::time_point start = Clock::now();
      try {
        evaluator_.Evaluate(requests);
      } catch (...) {
        // The leaves go back (virtual loss removed); Run rethrows.
        for (Slot* slot : mine) {
          for (int i = 0; i < slot->pending; ++i) slot->search.Cancel(slot->leaves[i]);
          slot->pending = 0;
        }
        throw;
      }
      evaluator_nanos_.fetch_add(std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count(),
                                 std::memory_order_relaxed);
      evaluations_.fetch_add(requests.size(), std::memory_order_relaxed);
      batches_.fetch_add(1, std::memory_order_relaxed);
    }
    // Step 3: expand, back up, and move on where a search is complete.
    tbb::parallel_for(size_t{0}, mine.size(), [&](size_t i) {
      if (mine[i]->active) FinishRound(*mine[i], hooks);
    });
  }
}

MultiSearchStats MultiGameSearch::Run(SelfPlayHooks& hooks, const std::atomic<bool>* stop) {
  const Clock::time_point start = Clock::now();
  const uint64_t visits0 = visits_, evals0 = evaluations_, batches0 = batches_, nanos0 = evaluator_nanos_,
                 at_once0 = answered_at_once_;
  // One plain thread per group: a group blocks on the evaluator, which a
  // TBB task must not do (oneTBB may run another group's task nested inside
  // a waiting parallel_for). The tree walks inside a group are TBB loops.
  failed_ = false;
  std::exception_ptr error;
  std::mutex error_mutex;
  std::vector<std::thread> threads;
  for (int g = 0; g < groups_; ++g) {
    threads.emplace_back([this, g, &hooks, stop, &error, &error_mutex] {
      try {
        RunGroup(g, hooks, stop);
      } catch (...) {
        std::lock_guard lock(error_mutex);
        if (!error) error = std::current_exception();
        failed_ = true;  // the other groups stop at their next round
      }
    });
  }
  for (auto& t : threads) t.join();
  if (error) std::rethrow_exception(error);
  MultiSearchStats stats;
  stats.visits = visits_ - visits0;
  stats.evaluations = evaluations_ - evals0;
  stats.answered_at_once = answered_at_once_ - at_once0;
  stats.batches = batches_ - batches0;
  stats.seconds_in_evaluator = static_cast<double>(evaluator_nanos_ - nanos0) * 1e-9;
  stats.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return stats;
}

}  // namespace descent::mcts
