#include "mcts/search.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <tuple>

namespace descent::mcts {

Search::Search(const game::Game& game, const SearchParams& params)
    : game_(game),
      params_(params),
      root_state_(game.NewInitialState()),
      terminal_score_([](const game::State& s) { return s.FinalScore().value_or(0.0f); }),
      score_scale_(params.score_utility_scale *
                   std::sqrt(static_cast<float>(std::max(1, game.BoardWidth() * game.BoardHeight())))) {}

float Search::ScoreUtility(float score, float centre) const {
  constexpr float kTwoOverPi = 0.636619772f;
  return params_.score_utility_weight * kTwoOverPi * std::atan((score - centre) / score_scale_);
}

void Search::SetRoot(const game::State& state) {
  root_state_->CopyFrom(state);
  tree_.Reset();
  pending_noise_.clear();
  gumbel_.Clear();
}

void Search::StartGumbel(const GumbelParams& params, int simulations, bool noise, std::mt19937_64& rng) {
  tree_.Reset();
  pending_noise_.clear();
  gumbel_params_ = params;
  gumbel_.Start(params, simulations, noise, rng());
}

const std::vector<RootChild>& Search::GumbelChildren() const {
  const Node& root = tree_.root();
  gumbel_children_.resize(root.num_edges);
  for (uint32_t c = 0; c < root.num_edges; ++c) {
    const Edge& edge = tree_.edge(root, c);
    const Node& child = tree_.child(edge);
    float q = child.Q();
    if (params_.score_utility_weight > 0 && child.visits > 0) q += ScoreUtility(child.ScoreMean(), score_centre_);
    gumbel_children_[c] = {std::log(std::max(edge.prior, 1e-30f)), child.visits + child.virtual_loss, q};
  }
  return gumbel_children_;
}

game::Move Search::GumbelMove() const {
  const Node& root = tree_.root();
  // A proved win is played whatever the schedule says.
  if (params_.prove_results) {
    for (uint32_t c = 0; c < root.num_edges; ++c) {
      const Node& child = tree_.child(tree_.edge(root, c));
      if (child.Proven() && child.proven > 0) return tree_.edge(root, c).move;
    }
  }
  const int best = gumbel_.BestChild(GumbelChildren(), root_net_value_);
  return best < 0 ? game::kNoMove : tree_.edge(root, best).move;
}

std::vector<float> Search::ImprovedPolicy() const {
  std::vector<float> dense(game_.NumMoves(), 0.0f);
  const Node& root = tree_.root();
  const std::vector<float> policy = mcts::ImprovedPolicy(GumbelChildren(), root_net_value_, gumbel_params_);
  for (uint32_t c = 0; c < root.num_edges; ++c) dense[tree_.edge(root, c).move] = policy[c];
  return dense;
}

void Search::AdvanceRoot(game::Move move) {
  assert(InFlight() == 0);
  root_state_->Play(move);
  pending_noise_.clear();
  gumbel_.Clear();
  const Node& root = tree_.root();
  for (uint32_t c = 0; c < root.num_edges; ++c) {
    if (tree_.edge(root, c).move == move) {
      tree_.PromoteChild(c);
      // A node scored lost without expansion becomes a root to search.
      if (tree_.root().kind == Node::kTerminal && !root_state_->IsTerminal()) tree_.Reset();
      if (tree_.root().visits > 0) score_centre_ = RootScore();
      return;
    }
  }
  tree_.Reset();
}

void Search::AddRootNoise(std::mt19937_64& rng) {
  std::vector<game::Move> legal;
  ChildMoves(*root_state_, 0, &legal);
  if (legal.empty()) return;
  const float alpha = params_.dirichlet_alpha_total / static_cast<float>(legal.size());
  gamma_ = std::gamma_distribution<float>(alpha, 1.0f);
  pending_noise_.resize(legal.size());
  float sum = 0;
  for (float& x : pending_noise_) sum += (x = gamma_(rng));
  if (sum <= 0) {  // every draw underflowed: fall back to uniform noise
    std::fill(pending_noise_.begin(), pending_noise_.end(), 1.0f);
    sum = static_cast<float>(pending_noise_.size());
  }
  for (float& x : pending_noise_) x /= sum;
  ApplyPendingNoise();
}

void Search::ApplyPendingNoise() {
  Node& root = tree_.root();
  if (pending_noise_.empty() || root.kind != Node::kExpanded) return;
  // The root's children are ChildMoves in increasing order, as is the noise.
  assert(pending_noise_.size() == root.num_edges);
  const float eps = params_.noise_fraction;
  for (uint32_t c = 0; c < root.num_edges; ++c) {
    Edge& edge = tree_.edge(root, c);
    edge.prior = (1 - eps) * edge.prior + eps * pending_noise_[c];
  }
  pending_noise_.clear();
}

uint32_t Search::SelectChild(uint32_t parent_index, float centre) const {
  const Node& parent = tree_.node(parent_index);
  const int parent_visits = parent.visits + parent.virtual_loss;
  const float sqrt_visits = std::sqrt(static_cast<float>(std::max(parent_visits, 1)));
  // Parent value from the view of the player choosing here.
  const float parent_q = parent.visits > 0 ? -parent.Q() : 0.0f;
  float visited_mass = 0;
  for (uint32_t c = 0; c < parent.num_edges; ++c) {
    const Edge& edge = tree_.edge(parent, c);
    const Node& child = tree_.child(edge);
    if (child.visits + child.virtual_loss > 0) visited_mass += edge.prior;
  }
  const bool score_utility = params_.score_utility_weight > 0;
  // The parent's utility (value, and score with score utility) from the
  // chooser's view, less the reduction.
  float fpu = parent_q - params_.fpu_reduction * std::sqrt(visited_mass);
  if (score_utility && parent.visits > 0) fpu += ScoreUtility(-parent.ScoreMean(), centre);
  uint32_t best = parent.first_edge;
  float best_score = -1e30f;
  for (uint32_t c = 0; c < parent.num_edges; ++c) {
    const uint32_t index = parent.first_edge + c;
    const Edge& edge = tree_.edge(index);
    const Node& child = tree_.child(edge);
    const int n = child.visits + child.virtual_loss;
    float score;
    if (params_.prove_results && child.Proven()) {
      if (child.proven > 0) return index;  // a proved win: nothing else matters
      // A proved loss only when every move loses; a proved draw is worth
      // exactly 0.
      score = child.proven < 0 ? -1e29f : params_.c_puct * edge.prior * sqrt_visits / static_cast<float>(1 + n);
    } else {
      // Each visit in flight counts as a loss, steering other leaves elsewhere.
      float q = n > 0 ? (child.value_sum - static_cast<float>(child.virtual_loss)) / static_cast<float>(n) : fpu;
      if (score_utility && child.visits > 0) q += ScoreUtility(child.ScoreMean(), centre);
      score = q + params_.c_puct * edge.prior * sqrt_visits / static_cast<float>(1 + n);
    }
    if (score > best_score) {
      best_score = score;
      best = index;
    }
  }
  return best;
}

void Search::SelectLeaf(Leaf* leaf) {
  if (!leaf->state) leaf->state = root_state_->Clone();
  leaf->state->CopyFrom(*root_state_);
  leaf->path.clear();
  leaf->score = 0;
  uint32_t index = Tree::kRoot;
  float centre = score_centre_;  // for the player to move at `index`
  for (;;) {
    leaf->path.push_back(index);
    Node& node = tree_.node(index);
    ++node.virtual_loss;
    if (node.kind != Node::kExpanded) break;
    if (params_.prove_results && node.Proven() && index != Tree::kRoot) {
      // Proved below: scored exactly, like a finished game.
      leaf->kind = Leaf::kTerminal;
      leaf->value = -static_cast<float>(node.proven);
      leaf->score = -node.ScoreMean();  // the score stays where the search put it
      return;
    }
    const uint32_t edge = index == Tree::kRoot && gumbel_.active() && !node.Proven()
                              ? node.first_edge + gumbel_.NextChild(GumbelChildren(), root_net_value_)
                              : SelectChild(index, centre);
    centre = -centre;
    leaf->state->Play(tree_.edge(edge).move);
    index = tree_.ChildNode(edge);  // created on its first visit
  }
  Node& node = tree_.node(index);
  switch (node.kind) {
    case Node::kPending:
      leaf->kind = Leaf::kCollision;
      return;
    case Node::kTerminal:
      leaf->kind = Leaf::kTerminal;
      leaf->value = -node.terminal_value;  // back to the view of the side to move
      leaf->score = leaf->state->IsTerminal() ? terminal_score_(*leaf->state) : -node.ScoreMean();
      return;
    default:
      break;
  }
  if (leaf->state->IsTerminal()) {
    const game::Player mover = leaf->state->ToMove();
    node.kind = Node::kTerminal;
    leaf->value = leaf->state->Outcome(mover);
    leaf->score = terminal_score_(*leaf->state);
    node.terminal_value = -leaf->value;
    if (params_.prove_results) node.proven = static_cast<int8_t>((node.terminal_value > 0) - (node.terminal_value < 0));
    leaf->kind = Leaf::kTerminal;
    return;
  }
  ChildMoves(*leaf->state, static_cast<int>(leaf->path.size()) - 1, &leaf->legal);
  if (leaf->legal.empty()) {
    // Every move loses at once: scored as the lost game it is.
    node.kind = Node::kTerminal;
    leaf->value = -1;
    node.terminal_value = 1;
    if (params_.prove_results) node.proven = 1;
    leaf->kind = Leaf::kTerminal;
    return;
  }
  node.kind = Node::kPending;
  leaf->priors.resize(leaf->legal.size());
  leaf->kind = Leaf::kNeedsEval;
}

void Search::ChildMoves(const game::State& state, int depth, std::vector<game::Move>* out) const {
  if (params_.prune_losing_moves) {
    state.MovesNotLosingAtOnce(out);
    if (!out->empty() || depth > 0) return ApplyFilters(state, depth, out);
  }
  state.LegalMoves(out);
  ApplyFilters(state, depth, out);
}

void Search::ApplyFilters(const game::State& state, int depth, std::vector<game::Move>* moves) const {
  for (const MoveFilter& f : filters_) {
    if (depth >= f.until_depth || state.ToMove() != f.colour) continue;
    std::vector<game::Move> kept;
    for (const game::Move m : *moves) {
      const bool listed = std::find(f.moves.begin(), f.moves.end(), m) != f.moves.end();
      if (listed == f.allow) kept.push_back(m);
    }
    if (!kept.empty()) moves->swap(kept);
  }
}

void Search::SetMoveFilters(std::vector<MoveFilter> filters) {
  const auto same = [](const MoveFilter& a, const MoveFilter& b) {
    return a.colour == b.colour && a.allow == b.allow && a.until_depth == b.until_depth && a.moves == b.moves;
  };
  if (std::equal(filters.begin(), filters.end(), filters_.begin(), filters_.end(), same)) return;
  filters_ = std::move(filters);
  tree_.Reset();  // the same root, searched afresh
  pending_noise_.clear();
  gumbel_.Clear();
}

void Search::Expand(uint32_t index, const Leaf& leaf) {
  const int n = static_cast<int>(leaf.legal.size());
  const uint32_t first = tree_.AllocateEdges(n);
  const float inverse_temperature = 1.0f / params_.policy_temperature;
  float sum = 0;
  for (int i = 0; i < n; ++i) {
    Edge& edge = tree_.edge(first + i);
    edge.move = leaf.legal[i];
    edge.prior = inverse_temperature == 1.0f ? leaf.priors[i] : std::pow(leaf.priors[i], inverse_temperature);
    sum += edge.prior;
  }
  if (inverse_temperature != 1.0f && sum > 0) {
    for (int i = 0; i < n; ++i) tree_.edge(first + i).prior /= sum;
  }
  Node& node = tree_.node(index);
  node.first_edge = first;
  node.num_edges = static_cast<uint16_t>(n);
  node.kind = Node::kExpanded;
  if (index == Tree::kRoot) ApplyPendingNoise();
}

void Search::Backup(const std::vector<uint32_t>& path, float leaf_value, float leaf_score) {
  // leaf_value is for the side to move at the leaf; a node stores results
  // for the player who moved into it, so the sign flips at every level.
  float value = -leaf_value, score = -leaf_score;
  for (size_t i = path.size(); i-- > 0;) {
    Node& node = tree_.node(path[i]);
    node.value_sum += value;
    node.score_sum += score;
    ++node.visits;
    --node.virtual_loss;
    value = -value;
    score = -score;
  }
}

void Search::Complete(const Leaf& leaf) {
  if (leaf.kind == Leaf::kNeedsEval) Expand(leaf.path.back(), leaf);
  if (leaf.path.size() == 1) {
    root_net_value_ = leaf.value;
    score_centre_ = leaf.score;
  }
  Backup(leaf.path, leaf.value, leaf.score);
  if (leaf.kind == Leaf::kTerminal && params_.prove_results) PropagateProof(leaf.path);
}

void Search::PropagateProof(const std::vector<uint32_t>& path) {
  // path.back() is proved; its ancestors may now be. A node's result is the
  // best of its children's for the player choosing there: a proved win among
  // them decides it at once, otherwise it needs every child proved.
  for (size_t i = path.size() - 1; i-- > 0;) {
    Node& node = tree_.node(path[i]);
    if (node.Proven()) return;
    int best = -2;
    bool all = true;
    for (uint32_t c = 0; c < node.num_edges; ++c) {
      const Node& child = tree_.child(tree_.edge(node, c));
      if (child.Proven()) {
        best = std::max(best, static_cast<int>(child.proven));
      } else {
        all = false;
      }
    }
    if (best == 1 || (all && best > -2)) {
      node.proven = static_cast<int8_t>(-best);
    } else {
      return;
    }
  }
}

void Search::Cancel(const Leaf& leaf) {
  for (uint32_t index : leaf.path) --tree_.node(index).virtual_loss;
  // A leaf that was waiting for its evaluation is a plain leaf again (a
  // collision's node belongs to the leaf that is being evaluated).
  if (leaf.kind == Leaf::kNeedsEval) tree_.node(leaf.path.back()).kind = Node::kLeaf;
}

std::vector<MoveStats> Search::RootStats() const {
  std::vector<MoveStats> stats;
  const Node& root = tree_.root();
  for (uint32_t c = 0; c < root.num_edges; ++c) {
    const Edge& edge = tree_.edge(root, c);
    const Node& child = tree_.child(edge);
    stats.push_back({edge.move, child.visits, child.Q(), edge.prior, child.ScoreMean()});
  }
  return stats;
}

std::vector<float> Search::VisitDistribution(bool by_proofs) const {
  std::vector<float> dist(game_.NumMoves(), 0.0f);
  const Node& root = tree_.root();
  by_proofs = by_proofs && params_.prove_results;
  bool some_win = false, all_lose = true;
  for (uint32_t c = 0; by_proofs && c < root.num_edges; ++c) {
    const Node& child = tree_.child(tree_.edge(root, c));
    some_win = some_win || (child.Proven() && child.proven > 0);
    all_lose = all_lose && child.Proven() && child.proven < 0;
  }
  const auto kept = [&](const Node& n) {
    if (!by_proofs) return true;
    if (some_win) return n.Proven() && n.proven > 0;
    return all_lose || !n.Proven() || n.proven >= 0;
  };
  float total = 0;
  for (uint32_t c = 0; c < root.num_edges; ++c) {
    const Node& child = tree_.child(tree_.edge(root, c));
    if (kept(child)) total += static_cast<float>(child.visits);
  }
  // Every kept move unvisited (a proved move always has a visit, so only
  // unproved ones, when the search ended before reaching them): the plain
  // visit shares.
  if (total == 0) return by_proofs ? VisitDistribution(false) : dist;
  for (uint32_t c = 0; c < root.num_edges; ++c) {
    const Edge& edge = tree_.edge(root, c);
    const Node& child = tree_.child(edge);
    if (kept(child)) dist[edge.move] = static_cast<float>(child.visits) / total;
  }
  return dist;
}

game::Move Search::PickMove(float temperature, std::mt19937_64& rng) const {
  const Node& root = tree_.root();
  if (root.num_edges == 0) return game::kNoMove;
  // Proved wins first, proved losses last, then visits, then prior.
  const auto rank = [&](const Node& n) { return !params_.prove_results || !n.Proven() || n.proven == 0 ? 1 : n.proven + 1; };
  const auto key = [&](const Edge& e) {
    const Node& n = tree_.child(e);
    return std::make_tuple(rank(n), n.visits, e.prior);
  };
  uint32_t best = 0;
  for (uint32_t c = 1; c < root.num_edges; ++c) {
    if (key(tree_.edge(root, c)) > key(tree_.edge(root, best))) best = c;
  }
  const Edge& top = tree_.edge(root, best);
  if (temperature <= 0 || tree_.child(top).visits == 0) return top.move;
  // Drawn by visits alone, proofs or not: self-play's exploratory moves
  // include the odd blunder, so training sees the positions after one too
  // (tic-tac-toe's net-alone accuracy over all 4,520 positions fell from
  // 99% to 97% when proved losses were never drawn).
  std::vector<double> weights(root.num_edges);
  for (uint32_t c = 0; c < root.num_edges; ++c) {
    weights[c] = std::pow(static_cast<double>(tree_.child(tree_.edge(root, c)).visits), 1.0 / temperature);
  }
  std::discrete_distribution<uint32_t> pick(weights.begin(), weights.end());
  return tree_.edge(root, pick(rng)).move;
}

void Search::ExtendVariation(uint32_t index, int max_length, std::vector<game::Move>* pv) const {
  while (static_cast<int>(pv->size()) < max_length) {
    const Node& node = tree_.node(index);
    if (node.num_edges == 0) return;
    uint32_t best = 0;
    for (uint32_t c = 1; c < node.num_edges; ++c) {
      if (tree_.child(tree_.edge(node, c)).visits > tree_.child(tree_.edge(node, best)).visits) best = c;
    }
    const Edge& edge = tree_.edge(node, best);
    if (tree_.child(edge).visits == 0) return;
    pv->push_back(edge.move);
    index = edge.child;
  }
}

std::vector<game::Move> Search::PrincipalVariation(int max_length) const {
  std::vector<game::Move> pv;
  ExtendVariation(Tree::kRoot, max_length, &pv);
  return pv;
}

std::vector<game::Move> Search::PrincipalVariationAfter(game::Move move, int max_length) const {
  const Node& root = tree_.root();
  for (uint32_t c = 0; c < root.num_edges; ++c) {
    const Edge& edge = tree_.edge(root, c);
    if (edge.move != move) continue;
    std::vector<game::Move> pv{move};
    if (edge.child != 0) ExtendVariation(edge.child, max_length, &pv);
    return pv;
  }
  return {};
}

}  // namespace descent::mcts
