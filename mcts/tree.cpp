#include "mcts/tree.h"

namespace descent::mcts {

const Node Tree::kUnvisited{};

void Tree::Reset() {
  nodes_.clear();
  nodes_.emplace_back();
  edges_.clear();
}

uint32_t Tree::AllocateEdges(int n) {
  const uint32_t first = static_cast<uint32_t>(edges_.size());
  edges_.resize(edges_.size() + n);
  return first;
}

uint32_t Tree::ChildNode(uint32_t e) {
  if (edges_[e].child == 0) {
    edges_[e].child = static_cast<uint32_t>(nodes_.size());
    nodes_.emplace_back();
  }
  return edges_[e].child;
}

void Tree::PromoteChild(uint32_t c) {
  const uint32_t child = edges_[nodes_[kRoot].first_edge + c].child;
  if (child == 0) {
    Reset();
    return;
  }
  // Breadth-first copy of the visited nodes; each node's edges stay
  // contiguous, and edges point at the copies.
  spare_nodes_.clear();
  spare_edges_.clear();
  spare_nodes_.push_back(nodes_[child]);
  queue_.clear();
  queue_.push_back(child);
  for (size_t i = 0; i < queue_.size(); ++i) {
    const Node& old = nodes_[queue_[i]];
    if (old.num_edges == 0) continue;
    const uint32_t first = static_cast<uint32_t>(spare_edges_.size());
    spare_nodes_[i].first_edge = first;
    for (uint32_t k = 0; k < old.num_edges; ++k) {
      Edge e = edges_[old.first_edge + k];
      if (e.child != 0) {
        queue_.push_back(e.child);
        spare_nodes_.push_back(nodes_[e.child]);
        e.child = static_cast<uint32_t>(spare_nodes_.size() - 1);
      }
      spare_edges_.push_back(e);
    }
  }
  nodes_.swap(spare_nodes_);
  edges_.swap(spare_edges_);
}

}  // namespace descent::mcts
