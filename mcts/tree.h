#pragma once
// Node storage for one search tree: a flat array, children of a node stored
// contiguously, addressed by index. Grows only when a search needs more nodes
// than any before; Reset and tree reuse keep the capacity, so a warmed-up
// tree allocates nothing. Not thread-safe: the owner serialises access.

#include <cstdint>
#include <vector>

#include "game/game.h"

namespace descent::mcts {

struct Node {
  enum Kind : uint8_t { kLeaf, kPending, kExpanded, kTerminal };

  float prior = 0;
  // Sum of backed-up results from the view of the player who played `move`
  // (the player to move at the parent), so the parent maximises value_sum/visits.
  float value_sum = 0;
  int32_t visits = 0;
  int32_t virtual_loss = 0;  // visits started through this node, not yet backed up
  uint32_t first_child = 0;  // index of the first child; 0 = none (0 is the root)
  uint16_t num_children = 0;
  Kind kind = kLeaf;  // kPending: being evaluated; kTerminal: game over here, or every move loses at once
  // The game-theoretic result for the player who played `move`, once the
  // search has proved it from finished games below (MCTS-solver):
  // +1 win, 0 draw, -1 loss; kUnproven until then.
  static constexpr int8_t kUnproven = -128;
  int8_t proven = kUnproven;
  game::Move move = game::kNoMove;
  float terminal_value = 0;  // kTerminal: the exact result, same view as value_sum
  // Sum of backed-up final scores (points), same view as value_sum; 0 unless
  // the evaluator gives scores.
  float score_sum = 0;

  float Q() const { return visits > 0 ? value_sum / static_cast<float>(visits) : 0.0f; }
  float ScoreMean() const { return visits > 0 ? score_sum / static_cast<float>(visits) : 0.0f; }
  bool Proven() const { return proven != kUnproven; }
};

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
  // Appends `n` fresh nodes and returns the index of the first. Invalidates
  // references to nodes (indices stay valid).
  uint32_t AllocateChildren(int n);
  // Tree reuse: the subtree under `child` (a child of the root) becomes the
  // whole tree, `child` its root. Nodes are copied into a spare buffer, which
  // then swaps with the live one.
  void PromoteChild(uint32_t child);
  size_t size() const { return nodes_.size(); }

 private:
  std::vector<Node> nodes_;
  std::vector<Node> spare_;
  std::vector<uint32_t> queue_;
};

}  // namespace descent::mcts
