#include "mcts/tree.h"

namespace descent::mcts {

void Tree::Reset() {
  nodes_.clear();
  nodes_.emplace_back();
}

uint32_t Tree::AllocateChildren(int n) {
  const uint32_t first = static_cast<uint32_t>(nodes_.size());
  nodes_.resize(nodes_.size() + n);
  return first;
}

void Tree::PromoteChild(uint32_t child) {
  // Breadth-first copy: each node's children are still contiguous in the copy.
  spare_.clear();
  spare_.push_back(nodes_[child]);
  queue_.clear();
  queue_.push_back(child);
  for (size_t i = 0; i < queue_.size(); ++i) {
    const Node& old = nodes_[queue_[i]];
    Node& copy = spare_[i];
    if (old.num_children == 0) continue;
    copy.first_child = static_cast<uint32_t>(spare_.size());
    for (uint32_t c = 0; c < old.num_children; ++c) {
      spare_.push_back(nodes_[old.first_child + c]);
      queue_.push_back(old.first_child + c);
    }
  }
  spare_[0].move = game::kNoMove;
  nodes_.swap(spare_);
}

}  // namespace descent::mcts
