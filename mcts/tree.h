#pragma once
// Storage for one search tree, laid out as lc0 does: an expanded node holds
// a contiguous run of compact edges (move, prior, and the index of the
// child's node), and a child's node is created only when the search first
// visits it. A 9x9 Go expansion writes 82 edges of 12 bytes; nodes (28
// bytes) exist only for the moves searched. Both live in flat arrays
// addressed by index; a warmed-up tree allocates nothing (Reset and tree
// reuse keep the capacity). Not thread-safe: the owner serialises access.

#include <cstdint>
#include <vector>

#include "game/game.h"

namespace descent::mcts {

struct Node {
  enum Kind : uint8_t { kLeaf, kPending, kExpanded, kTerminal };

  // Sum of backed-up results from the view of the player who moved into
  // this node (the player to move at the parent), so the parent maximises
  // value_sum/visits.
  float value_sum = 0;
  // Sum of backed-up final scores (points), same view as value_sum; 0 unless
  // the evaluator gives scores.
  float score_sum = 0;
  int32_t visits = 0;
  int32_t virtual_loss = 0;  // visits started through this node, not yet backed up
  uint32_t first_edge = 0;   // index of the first of its edges (kExpanded)
  float terminal_value = 0;  // kTerminal: the exact result, same view as value_sum
  uint16_t num_edges = 0;
  Kind kind = kLeaf;  // kPending: being evaluated; kTerminal: game over here, or every move loses at once
  // The game-theoretic result for the player who moved into this node, once
  // the search has proved it from finished games below (MCTS-solver): +1
  // win, 0 draw, -1 loss; kUnproven until then.
  static constexpr int8_t kUnproven = -128;
  int8_t proven = kUnproven;

  float Q() const { return visits > 0 ? value_sum / static_cast<float>(visits) : 0.0f; }
  float ScoreMean() const { return visits > 0 ? score_sum / static_cast<float>(visits) : 0.0f; }
  bool Proven() const { return proven != kUnproven; }
};

// One move from an expanded node.
struct Edge {
  float prior = 0;
  game::Move move = game::kNoMove;
  uint32_t child = 0;  // its node; 0 = not visited yet (0 is the root, never a child)
};

// The sizes the layout is chosen for (mcts/README.md, docs/bench.md).
static_assert(sizeof(Node) == 28 && sizeof(Edge) == 12);

class Tree {
 public:
  static constexpr uint32_t kRoot = 0;

  Tree() { Reset(); }
  // Leaves only a fresh root.
  void Reset();
  Node& node(uint32_t i) { return nodes_[i]; }
  const Node& node(uint32_t i) const { return nodes_[i]; }
  Node& root() { return nodes_[kRoot]; }
  const Node& root() const { return nodes_[kRoot]; }
  Edge& edge(uint32_t i) { return edges_[i]; }
  const Edge& edge(uint32_t i) const { return edges_[i]; }
  // The `c`-th edge of `n`.
  Edge& edge(const Node& n, uint32_t c) { return edges_[n.first_edge + c]; }
  const Edge& edge(const Node& n, uint32_t c) const { return edges_[n.first_edge + c]; }
  // The node an edge leads to: a fresh, unvisited node's statistics (all
  // zero, unproven) until the search has visited it.
  const Node& child(const Edge& e) const { return e.child != 0 ? nodes_[e.child] : kUnvisited; }
  // Appends `n` fresh edges and returns the index of the first.
  uint32_t AllocateEdges(int n);
  // The node of edge `e`, created on first use. Invalidates references to
  // nodes and edges (indices stay valid).
  uint32_t ChildNode(uint32_t e);
  // Tree reuse: the subtree under the root's `c`-th edge becomes the whole
  // tree, its node the root (a fresh root if never visited). Nodes and
  // edges are copied into spare buffers, which then swap with the live ones.
  void PromoteChild(uint32_t c);
  size_t size() const { return nodes_.size(); }
  size_t edges() const { return edges_.size(); }

 private:
  static const Node kUnvisited;
  std::vector<Node> nodes_;
  std::vector<Edge> edges_;
  std::vector<Node> spare_nodes_;
  std::vector<Edge> spare_edges_;
  std::vector<uint32_t> queue_;
};

}  // namespace descent::mcts
