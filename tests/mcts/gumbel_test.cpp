// Gumbel AlphaZero's root (mcts/gumbel): the sequential-halving schedule,
// the completed-Q improved policy on hand-computed numbers, a search that
// spends exactly its budget and picks by the paper's rule, and forced wins
// found with 16 simulations.
#include "mcts/gumbel.h"

#include <gtest/gtest.h>

#include <cmath>

#include "game/connect4.h"
#include "game/tictactoe.h"
#include "mcts/search.h"
#include "mcts/stand_in_evaluators.h"

namespace descent::mcts {
namespace {

// Runs `simulations` Gumbel simulations, one leaf at a time.
void RunGumbel(Search& search, Evaluator& evaluator, int simulations, bool noise, uint64_t seed) {
  std::mt19937_64 rng(seed);
  search.StartGumbel({}, simulations, noise, rng);
  Leaf leaf;
  while (search.RootVisits() < simulations + 1 && !search.RootProven()) {
    search.SelectLeaf(&leaf);
    if (leaf.kind == Leaf::kNeedsEval) {
      EvalRequest r = leaf.Request();
      evaluator.Evaluate({&r, 1});
    }
    ASSERT_NE(leaf.kind, Leaf::kCollision);
    search.Complete(leaf);
  }
}

SearchParams NoShortcuts() {
  SearchParams p;
  p.prove_results = false;  // the Gumbel rules alone must find what matters
  p.prune_losing_moves = false;
  return p;
}

TEST(Gumbel, SequentialHalvingScheduleAsInMctx) {
  // 4 candidates, 8 simulations: one round for all four, then two for the
  // best two.
  EXPECT_EQ(ConsideredVisitSequence(4, 8), (std::vector<int>{0, 0, 0, 0, 1, 1, 2, 2}));
  const std::vector<int> s = ConsideredVisitSequence(16, 32);
  ASSERT_EQ(s.size(), 32u);
  EXPECT_EQ(std::count(s.begin(), s.begin() + 16, 0), 16);  // every candidate once first
  EXPECT_EQ(ConsideredVisitSequence(1, 3), (std::vector<int>{0, 1, 2}));
}

TEST(Gumbel, ImprovedPolicyFromCompletedQ) {
  // Priors 0.5 / 0.3 / 0.2; the first two visited (2 and 1 visits, q 0.5 and
  // -0.5), the third not; the net's root value 0.1.
  const std::vector<RootChild> children = {{std::log(0.5f), 2, 0.5f}, {std::log(0.3f), 1, -0.5f}, {std::log(0.2f), 0, 0}};
  // Mixed value: (0.1 + 3 * (0.5*0.5 + 0.3*-0.5) / 0.8) / 4 = 0.11875;
  // rescaled over [-0.5, 0.5] -> 1, 0, 0.61875; times (50 + 2) * 0.1 = 5.2.
  const std::vector<float> sigma = TransformedCompletedQ(children, 0.1f, {});
  EXPECT_NEAR(sigma[0], 5.2f, 1e-4);
  EXPECT_NEAR(sigma[1], 0.0f, 1e-4);
  EXPECT_NEAR(sigma[2], 0.61875f * 5.2f, 1e-4);
  const std::vector<float> pi = ImprovedPolicy(children, 0.1f, {});
  const double a = 0.5 * std::exp(5.2), b = 0.3, c = 0.2 * std::exp(0.61875 * 5.2), sum = a + b + c;
  EXPECT_NEAR(pi[0], a / sum, 1e-5);
  EXPECT_NEAR(pi[1], b / sum, 1e-5);
  EXPECT_NEAR(pi[2], c / sum, 1e-5);
  EXPECT_NEAR(pi[0] + pi[1] + pi[2], 1.0, 1e-6);
}

TEST(Gumbel, SpendsExactlyItsBudgetAndPicksByThePapersRule) {
  game::Connect4Game g;
  RolloutEvaluator rollouts(5);
  for (int simulations : {7, 16, 32, 50}) {
    Search search(g, NoShortcuts());
    search.SetRoot(*g.NewInitialState());
    RunGumbel(search, rollouts, simulations, false, 1);
    int visits = 0, max_visits = 0;
    std::vector<RootChild> children;
    for (const MoveStats& m : search.RootStats()) {
      visits += m.visits;
      max_visits = std::max(max_visits, m.visits);
      children.push_back({std::log(m.prior), m.visits, m.q});
    }
    EXPECT_EQ(visits, simulations);
    // Without noise: the most visited child with the best log prior + sigma(q).
    const std::vector<float> sigma = TransformedCompletedQ(children, search.RootValue(), {});
    int best = -1;
    for (int i = 0; i < static_cast<int>(children.size()); ++i) {
      if (children[i].visits != max_visits) continue;
      if (best < 0 || children[i].log_prior + sigma[i] > children[best].log_prior + sigma[best]) best = i;
    }
    EXPECT_EQ(search.GumbelMove(), search.RootStats()[best].move) << simulations << " simulations";
    const std::vector<float> pi = search.ImprovedPolicy();
    double total = 0;
    for (float p : pi) total += p;
    EXPECT_NEAR(total, 1.0, 1e-5);
  }
}

// How often (of 20 seeds) a 16-simulation Gumbel search plays `win` after
// `moves`; without noise the search is deterministic (all or none).
int TimesFound(const game::Game& g, const std::vector<const char*>& moves, const char* win, bool noise) {
  // Values from 32 random playouts each (a net's values are less noisy than
  // one playout; with one, a lucky playout ties a losing move with the win).
  RolloutEvaluator rollouts(2, 32);
  int found = 0;
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    auto s = g.NewInitialState();
    for (const char* m : moves) s->Play(g.ParseMove(m));
    Search search(g, NoShortcuts());
    search.SetRoot(*s);
    RunGumbel(search, rollouts, 16, noise, seed);
    found += search.GumbelMove() == g.ParseMove(win);
  }
  return found;
}

TEST(Gumbel, FindsForcedWinsWith16Simulations) {
  // Tic-tac-toe: X (to move) completes the top row at C1. Connect Four: the
  // mover completes the bottom row in column d (and loses to the threat in
  // column g otherwise).
  game::TicTacToeGame ttt;
  game::Connect4Game c4;
  EXPECT_EQ(TimesFound(ttt, {"a1", "a2", "b1", "b2"}, "c1", false), 20);
  EXPECT_EQ(TimesFound(c4, {"a", "g", "b", "g", "c", "g"}, "d", false), 20);
  // With Gumbel noise the choice is a sample (that is how self-play
  // explores), but the win dominates it: 19 and 17 of 20 measured; a
  // uniform pick would find it 4 and 3 times.
  EXPECT_GE(TimesFound(ttt, {"a1", "a2", "b1", "b2"}, "c1", true), 15);
  EXPECT_GE(TimesFound(c4, {"a", "g", "b", "g", "c", "g"}, "d", true), 14);
}

}  // namespace
}  // namespace descent::mcts
