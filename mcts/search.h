#pragma once
// PUCT search over one tree: select a leaf (virtual loss on the path), expand
// it with (priors over legal moves, value), back up. Evaluation is the
// driver's business (GameSearch, MultiGameSearch); this class only walks and
// updates the tree. Not thread-safe: drivers serialise access to one Search.

#include <functional>
#include <memory>
#include <random>
#include <vector>

#include "game/game.h"
#include "mcts/evaluator.h"
#include "mcts/gumbel.h"
#include "mcts/params.h"
#include "mcts/tree.h"

namespace descent::mcts {

// A leaf in flight: the path from the root, the position there, and buffers
// for its evaluation. Drivers keep Leaf objects and reuse them, so after
// warm-up selecting a leaf allocates nothing.
struct Leaf {
  enum Kind { kNeedsEval, kTerminal, kCollision };
  Kind kind = kNeedsEval;
  std::vector<uint32_t> path;  // node indices, root first
  std::unique_ptr<game::State> state;
  std::vector<game::Move> legal;
  std::vector<float> priors;
  float value = 0;  // for the side to move at `state`
  float score = 0;  // expected final score for the side to move at `state` (points), where known

  // A request for an Evaluator, pointing into this leaf.
  EvalRequest Request() {
    return {state.get(), legal.data(), static_cast<int>(legal.size()), priors.data(), &value, &score};
  }
};

// One root move's statistics, for move choice, analysis and training targets.
struct MoveStats {
  game::Move move = game::kNoMove;
  int visits = 0;
  float q = 0;      // mean result for the player to move at the root
  float prior = 0;  // prior after root noise
  // Mean final score for the player to move at the root, in points, over
  // the move's visits (0 unless the evaluator gives scores: Go networks
  // with a score head, and finished games the score function knows).
  float score = 0;
};

// Restricts the moves the search considers for one colour near the root
// (GTP analysis's avoid/allow): at nodes fewer than `until_depth` plies below
// the root where `colour` is to move, `moves` are left out (avoid) or are the
// only ones searched (allow). A filter that would leave no move is ignored.
struct MoveFilter {
  game::Player colour = 0;
  bool allow = false;
  int until_depth = 1;
  std::vector<game::Move> moves;
};

class Search {
 public:
  Search(const game::Game& game, const SearchParams& params);

  // Starts a new tree at `state` (copied).
  void SetRoot(const game::State& state);
  // Plays `move` at the root; keeps the subtree below it when there is one.
  // Precondition: no leaf in flight; `move` legal at the root.
  void AdvanceRoot(game::Move move);
  const game::State& RootState() const { return *root_state_; }

  // The final score of a finished game for the side to move there, in
  // points; backed up beside the value, so MoveStats::score averages it with
  // the evaluator's scores. Default: State::FinalScore (Go: area score with
  // komi), 0 for games without scores.
  void SetTerminalScore(std::function<float(const game::State&)> score) { terminal_score_ = std::move(score); }
  // Mean final score for the player to move at the root (points).
  float RootScore() const { return -tree_.root().ScoreMean(); }

  // Move filters for the searches that follow; the tree restarts at the
  // root when they change (a reused tree would hold filtered-out moves).
  void SetMoveFilters(std::vector<MoveFilter> filters);

  // Adds Dirichlet noise to the root priors now, or when the root is
  // expanded if it is not yet.
  void AddRootNoise(std::mt19937_64& rng);

  // Gumbel AlphaZero at the root (mcts/gumbel.h) for the next search:
  // starts a fresh tree at the current root, and the root's next
  // `simulations` selections follow sequential halving over the top
  // candidates (with Gumbel noise drawn from `rng` when `noise`). Ends with
  // SetRoot or AdvanceRoot.
  void StartGumbel(const GumbelParams& params, int simulations, bool noise, std::mt19937_64& rng);
  bool GumbelActive() const { return gumbel_.active(); }
  // After a Gumbel search: the move to play, and the improved policy over
  // all NumMoves() moves (the training target; sums to one).
  game::Move GumbelMove() const;
  std::vector<float> ImprovedPolicy() const;

  // Walks from the root to a leaf by PUCT, adding virtual loss on the path.
  // kNeedsEval: evaluate leaf->Request(), then Complete(). kTerminal: the
  // result is known; Complete() at once. kCollision: the leaf is already
  // being evaluated; Cancel() it.
  void SelectLeaf(Leaf* leaf);
  // Expands the leaf (kNeedsEval) with its priors and backs up its value,
  // removing the virtual loss.
  void Complete(const Leaf& leaf);
  // Removes the virtual loss of a leaf that will not be completed; a
  // kNeedsEval leaf's node can be selected and evaluated again.
  void Cancel(const Leaf& leaf);

  // Completed visits of the root (the root's own evaluation included).
  int RootVisits() const { return tree_.root().visits; }
  // Leaves selected and not yet completed or cancelled.
  int InFlight() const { return tree_.root().virtual_loss; }
  bool RootExpanded() const { return tree_.root().kind == Node::kExpanded; }
  // The root's result is proved (prove_results): more visits cannot change it.
  bool RootProven() const { return tree_.root().Proven(); }
  // Mean result for the player to move at the root.
  float RootValue() const { return -tree_.root().Q(); }

  // Root children, in move order.
  std::vector<MoveStats> RootStats() const;
  // Visit shares over all NumMoves() moves (the training target). With
  // `by_proofs` (and prove_results) the proved results decide first: where
  // a move is a proved win only the proved wins share the target, otherwise
  // proved losses get none (unless every move is one). A search stops at a
  // proved root, so its visits were spread before the proof came, losing
  // moves' included.
  std::vector<float> VisitDistribution(bool by_proofs = false) const;
  // The most visited move (ties: higher prior) when temperature <= 0, else a
  // move drawn with probability proportional to visits^(1/temperature). With
  // prove_results the most visited move gives way to a proved win, and a
  // proved loss is chosen only when every move loses; draws by temperature
  // follow visits alone.
  game::Move PickMove(float temperature, std::mt19937_64& rng) const;
  // Principal variation from the root following the most visited children.
  std::vector<game::Move> PrincipalVariation(int max_length) const;
  // Same, below the root's child for `move`.
  std::vector<game::Move> PrincipalVariationAfter(game::Move move, int max_length) const;

  const Tree& tree() const { return tree_; }

 private:
  // The edge PUCT picks below node `parent` (an index into the tree's
  // edges). `centre`: the root's score estimate from the view of the player
  // to move at `parent` (score utility).
  uint32_t SelectChild(uint32_t parent, float centre) const;
  // The score utility of a mean final score `score` against `centre`, both
  // for the same player (SearchParams::score_utility_weight).
  float ScoreUtility(float score, float centre) const;
  void Expand(uint32_t node, const Leaf& leaf);
  void Backup(const std::vector<uint32_t>& path, float leaf_value, float leaf_score);
  // Marks the ancestors of a proved leaf proved where its result decides them.
  void PropagateProof(const std::vector<uint32_t>& path);
  void ApplyPendingNoise();
  // The root's children as the Gumbel rules see them (into gumbel_children_).
  const std::vector<RootChild>& GumbelChildren() const;
  // The moves a node at `state` is expanded with: the legal moves, or with
  // prune_losing_moves those that do not lose at once. Below the root an
  // empty list means every move loses at once.
  void ChildMoves(const game::State& state, int depth, std::vector<game::Move>* out) const;
  void ApplyFilters(const game::State& state, int depth, std::vector<game::Move>* moves) const;
  // Appends to `pv` the most visited line below node `index`.
  void ExtendVariation(uint32_t index, int max_length, std::vector<game::Move>* pv) const;

  const game::Game& game_;
  SearchParams params_;
  Tree tree_;
  std::unique_ptr<game::State> root_state_;
  std::vector<float> pending_noise_;  // drawn, waiting for the root's expansion
  std::gamma_distribution<float> gamma_;
  GumbelRoot gumbel_;
  GumbelParams gumbel_params_;
  float root_net_value_ = 0;  // the net's value of the root (side to move), from its expansion
  mutable std::vector<RootChild> gumbel_children_;
  std::vector<MoveFilter> filters_;
  std::function<float(const game::State&)> terminal_score_;
  // Score utility: the root's score estimate for its side to move, set when
  // a search's root is first evaluated (or kept from the reused subtree),
  // and the atan's scale in points.
  float score_centre_ = 0;
  float score_scale_ = 1;
};

}  // namespace descent::mcts
