#include "game/game_variants.h"

#include <cmath>
#include <cstdio>

#include "game/go.h"
#include "game/registry.h"
#include "game/user_error.h"

namespace descent::game {
namespace {

std::string Points(float komi) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", static_cast<double>(komi));
  return buf;
}

}  // namespace

GameVariants::GameVariants(const Game& base, float max_offset) : base_(base), max_offset_(max_offset) {
  if (!std::isfinite(max_offset) || max_offset < 0) {
    throw UserError("the komi range " + Points(max_offset) + " must be a finite number >= 0");
  }
  if (max_offset > 0 && !dynamic_cast<const GoGame*>(&base)) {
    throw UserError("komi randomisation is for Go; " + base.Spec() + " has no komi");
  }
  boards_.push_back(&base_);
}

float GameVariants::AnyKomi(const Game& base) { return dynamic_cast<const GoGame*>(&base) ? 2000.0f : 0.0f; }

const Game& GameVariants::Keep(std::unique_ptr<Game> game) {
  auto& kept = kept_[game->Spec()];
  if (!kept) kept = std::move(game);
  return *kept;
}

const Game& GameVariants::AddBoard(const std::string& board) {
  const auto* base = dynamic_cast<const GoGame*>(&base_);
  std::unique_ptr<Game> named = MakeGame(board);  // UserError for a malformed spec
  const auto* go = dynamic_cast<const GoGame*>(named.get());
  if (!base || !go) throw UserError("mixed board sizes are for Go: " + board + " with " + base_.Spec());
  if (go->Size() >= base->Size()) {
    throw UserError("the mixed board " + board + " must be smaller than the run's " + base_.Spec() +
                    " (a network's board is the largest it plays)");
  }
  std::lock_guard lock(mutex_);
  for (const Game* known : boards_) {
    if (static_cast<const GoGame*>(known)->Size() == go->Size()) {
      throw UserError("two mixed boards of size " + std::to_string(go->Size()));
    }
  }
  const Game& kept = Keep(std::move(named));
  boards_.push_back(&kept);
  return kept;
}

std::vector<const Game*> GameVariants::AddBoards(const std::string& list) {
  std::vector<const Game*> added;
  if (list.empty()) return added;
  for (const std::string& board : Split(list, ',')) {
    const size_t first = board.find_first_not_of(' ');
    if (first == std::string::npos) {
      throw UserError("an empty board in the list '" + list + "' (boards are separated by single commas)");
    }
    added.push_back(&AddBoard(board.substr(first, board.find_last_not_of(' ') - first + 1)));
  }
  return added;
}

void GameVariants::AcceptAnySmallerBoard() {
  if (!dynamic_cast<const GoGame*>(&base_)) throw UserError("mixed board sizes are for Go, not " + base_.Spec());
  any_smaller_board_ = true;
}

const Game& GameVariants::WithKomi(float komi) { return WithKomi(base_, komi); }

const Game& GameVariants::WithKomi(const Game& board, float komi) {
  const auto* go = dynamic_cast<const GoGame*>(&board);
  if (!go) throw UserError(board.Spec() + " has no komi");
  if (komi == go->Komi()) return board;
  if (!(std::fabs(komi - go->Komi()) <= max_offset_)) {
    throw UserError("komi " + Points(komi) + " is more than " + Points(max_offset_) + " from the run's komi " +
                    Points(go->Komi()));
  }
  // GoGame checks the komi (a half point in range).
  auto variant = std::make_unique<GoGame>(GoParams{go->Size(), komi, go->MaxGameLength()});
  std::lock_guard lock(mutex_);
  return Keep(std::move(variant));
}

const Game& GameVariants::ForSpec(const std::string& spec) {
  if (spec == base_.Spec()) return base_;
  const auto* base = dynamic_cast<const GoGame*>(&base_);
  const auto refuse = [&]() {
    std::string accepted = base_.Spec();
    {
      std::lock_guard lock(mutex_);
      for (size_t i = 1; i < boards_.size(); ++i) accepted += " or " + boards_[i]->Spec();
    }
    if (max_offset_ > 0) accepted += " (or with a komi within " + Points(max_offset_) + " of it)";
    if (any_smaller_board_) accepted += " or Go on a smaller board";
    return UserError("'" + spec + "' is not " + accepted);
  };
  if (!base) throw refuse();
  std::unique_ptr<Game> named;
  try {
    named = MakeGame(spec);
  } catch (const UserError&) {
    throw refuse();
  }
  const auto* go = dynamic_cast<const GoGame*>(named.get());
  if (!go) throw refuse();
  const GoGame* board = nullptr;
  {
    std::lock_guard lock(mutex_);
    for (const Game* known : boards_) {
      const auto* g = static_cast<const GoGame*>(known);
      if (g->Size() == go->Size()) board = g;
    }
  }
  if (board) {
    if (spec == board->Spec()) return *board;
    if (max_offset_ == 0 || go->MaxGameLength() != board->MaxGameLength()) throw refuse();
    return WithKomi(*board, go->Komi());
  }
  if (!any_smaller_board_ || go->Size() >= base->Size()) throw refuse();
  std::lock_guard lock(mutex_);
  return Keep(std::move(named));
}

}  // namespace descent::game
