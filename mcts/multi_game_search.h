#pragma once
// The self-play driver: many games at once, one tree each. Every round it
// selects one leaf (or a few) from every tree in parallel (TBB), evaluates
// them all in one batch, and expands and backs up in parallel. Games are
// split into groups that run as separate TBB tasks, so one group walks its
// trees while another's batch is in the net. Each group runs on its own
// plain thread (it blocks on the evaluator); the tree walks inside a round
// are TBB parallel loops.

#include <atomic>
#include <cstdint>
#include <memory>
#include <random>
#include <vector>

#include "mcts/evaluator.h"
#include "mcts/search.h"

namespace descent::mcts {

struct MovePlan {
  int visits = 100;        // search until the root has this many visits
  bool add_noise = false;  // Dirichlet noise at the root
  // Search from an empty tree, not the subtree the last move left: the
  // visit shares (a training target) then come from this search alone,
  // every visit made with the noise in place (KataGo keeps reused trees
  // for its cheap, unrecorded searches only).
  bool fresh_tree = false;
  // > 0: a Gumbel AlphaZero search of this many simulations at the root
  // (mcts/gumbel.h; a fresh tree, Gumbel noise, no Dirichlet noise);
  // `visits` is then simulations + 1 (the root's own evaluation).
  int gumbel_simulations = 0;
  int gumbel_considered = 16;
};

// What the owner of the games decides. Called from TBB threads, concurrently
// for different slots and never concurrently for the same slot.
class SelfPlayHooks {
 public:
  virtual ~SelfPlayHooks() = default;
  // A game starts in `slot`: its first position, or nullptr to retire the slot.
  virtual std::unique_ptr<game::State> StartGame(int slot) = 0;
  // Before each move's search.
  virtual MovePlan PlanMove(int slot, const game::State& state) = 0;
  // After it: the move to play, or kNoMove to end the game here (resignation).
  virtual game::Move ChooseMove(int slot, const Search& search, std::mt19937_64& rng) = 0;
  // The game in `slot` is over: terminal, or ended by ChooseMove.
  virtual void EndGame(int slot, const game::State& final_state) = 0;
};

struct MultiSearchStats {
  uint64_t visits = 0;        // completed leaf visits, terminal ones included
  uint64_t evaluations = 0;   // positions sent to the evaluator in batches
  uint64_t answered_at_once = 0;  // leaves the evaluator answered before batching (cache hits)
  uint64_t batches = 0;
  double seconds_in_evaluator = 0;  // summed over groups
  double seconds = 0;               // wall time of Run
};

class MultiGameSearch {
 public:
  // `evaluator` must outlive this object. `groups` >= 1 batches in flight.
  MultiGameSearch(const game::Game& game, Evaluator& evaluator, const SearchParams& params, int num_games,
                  int groups, uint64_t seed);
  ~MultiGameSearch();

  // Plays until every slot has retired or `stop` becomes true. Blocks.
  // Games in progress when stopped are dropped (EndGame is not called).
  // When the evaluator (or a hook) throws, every group stops, the leaves in
  // flight are cancelled and Run rethrows the first exception.
  MultiSearchStats Run(SelfPlayHooks& hooks, const std::atomic<bool>* stop = nullptr);
  // Completed visits since construction; thread-safe, for progress lines.
  uint64_t Visits() const { return visits_.load(std::memory_order_relaxed); }

 private:
  struct Slot;
  void RunGroup(int group, SelfPlayHooks& hooks, const std::atomic<bool>* stop);
  void StartNextGame(Slot& slot, SelfPlayHooks& hooks);
  // Prepares the root for the move's search as its plan says.
  void BeginSearch(Slot& slot);
  void GatherLeaves(Slot& slot);
  void FinishRound(Slot& slot, SelfPlayHooks& hooks);

  Evaluator& evaluator_;
  SearchParams params_;
  int groups_;
  std::vector<std::unique_ptr<Slot>> slots_;
  std::atomic<uint64_t> visits_{0};
  std::atomic<uint64_t> evaluations_{0};
  std::atomic<uint64_t> answered_at_once_{0};
  std::atomic<uint64_t> batches_{0};
  std::atomic<uint64_t> evaluator_nanos_{0};
  std::atomic<bool> failed_{false};  // a group failed during Run: the others stop
};

}  // namespace descent::mcts
