#include "mcts/search.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <numeric>
#include <stdexcept>
#include <set>

#include "game/connect4.h"
#include "game/connect4_solver.h"
#include "game/go.h"
#include "game/move_list.h"
#include "game/pons.h"
#include "game/tictactoe.h"
#include "game/tictactoe_solver.h"
#include "mcts/game_search.h"
#include "mcts/stand_in_evaluators.h"

namespace descent::mcts {
namespace {

using game::Move;

// Every node: no virtual loss left; an expanded node's visits are its own
// evaluation plus its children's visits.
void ExpectConsistentTree(const Tree& tree, uint32_t index = Tree::kRoot) {
  const Node& node = tree.node(index);
  EXPECT_EQ(node.virtual_loss, 0) << "node " << index;
  if (node.kind != Node::kExpanded) return;
  int child_visits = 0;
  for (uint32_t c = 0; c < node.num_edges; ++c) {
    const Edge& edge = tree.edge(node, c);
    // A node exists only for a move the search has visited.
    EXPECT_EQ(tree.child(edge).visits, edge.child != 0 ? tree.node(edge.child).visits : 0);
    child_visits += tree.child(edge).visits;
    if (edge.child != 0) ExpectConsistentTree(tree, edge.child);
  }
  // A proved node below the root is scored without descending further.
  if (node.Proven() && index != Tree::kRoot) {
    EXPECT_GE(node.visits, 1 + child_visits) << "node " << index;
  } else {
    EXPECT_EQ(node.visits, 1 + child_visits) << "node " << index;
  }
}

Move BestMove(const game::Game& g, const game::State& s, Evaluator& e, int visits, SearchParams params = {}) {
  GameSearch gs(g, e, params);
  gs.search().SetRoot(s);
  gs.Run({.visits = visits});
  std::mt19937_64 rng(1);
  return gs.search().PickMove(0, rng);
}

// Every distinct non-terminal tic-tac-toe position, in depth-first order.
std::vector<std::unique_ptr<game::State>> ReachableTicTacToePositions(const game::Game& g) {
  std::vector<std::unique_ptr<game::State>> frontier, positions;
  frontier.push_back(g.NewInitialState());
  std::set<uint64_t> seen;
  std::vector<Move> legal;
  while (!frontier.empty()) {
    auto s = std::move(frontier.back());
    frontier.pop_back();
    if (s->IsTerminal() || !seen.insert(s->Hash()).second) continue;
    s->LegalMoves(&legal);
    for (Move m : legal) {
      auto next = s->Clone();
      next->Play(m);
      frontier.push_back(std::move(next));
    }
    positions.push_back(std::move(s));
  }
  return positions;
}

TEST(Search, TicTacToeFindsEveryForcedWin) {
  // Every reachable position where the mover wins by force (in 1 or in 3):
  // search with random rollouts must pick a winning move.
  game::TicTacToeGame g;
  game::TicTacToeSolver solver;
  RolloutEvaluator rollouts(7, 4);
  int checked = 0;
  for (const auto& s : ReachableTicTacToePositions(g)) {
    const auto& t = static_cast<const game::TicTacToeState&>(*s);
    if (solver.Value(t) == 1 && checked < 60) {
      ++checked;
      const Move m = BestMove(g, *s, rollouts, 400);
      EXPECT_EQ(solver.ScoreMoves(t)[m], 1) << s->ToText() << "chose " << g.MoveToText(m);
    }
  }
  EXPECT_EQ(checked, 60);
}

TEST(Search, Connect4FindsMateInOneAndInThree) {
  // Mate in 3: Pons' end-game positions whose mover wins with their next
  // stone but one. Mate in 1: positions one move on (after a move that does
  // not win) where the new mover can win at once.
  game::Connect4Game g;
  game::Connect4Solver solver;
  RolloutEvaluator rollouts(3, 2);
  std::vector<game::Connect4State> mate1, mate3;
  for (const auto& p : game::ReadPonsFile(std::string(DESCENT_TEST_DATA) + "/connect4/Test_L3_R1")) {
    game::Connect4State s(g);
    game::PlayPonsMoves(p.moves, &s);
    const int fastest = (43 - s.MoveNumber()) / 2;
    if (p.score > 0 && p.score == fastest - 1 && !s.Bits().CanWinNext() && mate3.size() < 10) mate3.push_back(s);
    for (Move m = 0; m < 7 && mate1.size() < 10; ++m) {
      if (!s.IsLegal(m) || s.Bits().IsWinningMove(m)) continue;
      game::Connect4State next = s;
      next.Play(m);
      if (next.Bits().CanWinNext()) mate1.push_back(next);
    }
  }
  ASSERT_EQ(mate1.size(), 10u);
  ASSERT_EQ(mate3.size(), 10u);
  for (const auto* set : {&mate1, &mate3}) {
    for (const game::Connect4State& s : *set) {
      const Move m = BestMove(g, s, rollouts, 1500);
      EXPECT_GT(solver.ScoreMoves(s.Bits())[m], 0) << s.ToText() << "chose " << g.MoveToText(m);
    }
  }
}

TEST(Search, ProvesTicTacToeValuesExactly) {
  // MCTS-solver: from reachable positions 3 to 6 moves in, searching with
  // random rollouts until the root is proved must prove the solver's value,
  // and the move it then picks must keep that value.
  game::TicTacToeGame g;
  game::TicTacToeSolver solver;
  RolloutEvaluator rollouts(5, 1);
  // A sample: every 7th position 3 to 6 moves in.
  std::vector<std::unique_ptr<game::State>> positions;
  int index = 0;
  for (auto& s : ReachableTicTacToePositions(g)) {
    if (s->MoveNumber() >= 3 && s->MoveNumber() <= 6 && index++ % 7 == 0) positions.push_back(std::move(s));
  }
  ASSERT_GT(positions.size(), 40u);
  std::mt19937_64 rng(3);
  int values[3] = {0, 0, 0}, unproved = 0;
  for (const auto& s : positions) {
    const auto& t = static_cast<const game::TicTacToeState&>(*s);
    GameSearch gs(g, rollouts, {});
    gs.search().SetRoot(*s);
    int visits = 0;
    while (!gs.search().tree().root().Proven() && visits < 100000) gs.Run({.visits = visits += 200});
    // A draw is proved only once every reply is, which PUCT does not hurry
    // (a proved draw keeps its visits): most roots are, not all.
    if (!gs.search().tree().root().Proven()) {
      ++unproved;
      continue;
    }
    const int value = solver.Value(t);
    ++values[value + 1];
    EXPECT_EQ(-gs.search().tree().root().proven, value) << s->ToText();
    ExpectConsistentTree(gs.search().tree());
    const Move m = gs.search().PickMove(0.0f, rng);
    EXPECT_EQ(solver.ScoreMoves(t)[m], value) << s->ToText() << "chose " << g.MoveToText(m);
  }
  EXPECT_LE(unproved, static_cast<int>(positions.size()) / 5);
  // The proved sample holds wins, draws and losses for the mover.
  EXPECT_GT(values[0], 0);
  EXPECT_GT(values[1], 0);
  EXPECT_GT(values[2], 0);
}

TEST(Search, ProvedWinIsPlayed) {
  // Connect Four positions where the mover wins at once: the winning child
  // is proved and takes the visits, so the best move is the win and a
  // temperature-1 draw almost always plays it; without proofs the same
  // draws miss it more often.
  game::Connect4Game g;
  RolloutEvaluator rollouts(3, 1);
  int tried = 0, missed_with = 0, missed_without = 0;
  for (const auto& p : game::ReadPonsFile(std::string(DESCENT_TEST_DATA) + "/connect4/Test_L3_R1")) {
    game::Connect4State before(g);
    game::PlayPonsMoves(p.moves, &before);
    Move quiet = 0;  // a move that does not win, after which the opponent can
    while (quiet < 7 && (!before.IsLegal(quiet) || before.Bits().IsWinningMove(quiet))) ++quiet;
    if (quiet == 7 || tried >= 10) continue;
    game::Connect4State s = before;
    s.Play(quiet);
    if (!s.Bits().CanWinNext()) continue;
    ++tried;
    for (const bool prove : {true, false}) {
      SearchParams params;
      params.prove_results = prove;
      params.prune_losing_moves = false;  // it alone would leave only the winning moves
      GameSearch gs(g, rollouts, params);
      gs.search().SetRoot(s);
      gs.Run({.visits = 100});
      std::mt19937_64 rng(tried);
      if (prove) {
        const Move best = gs.search().PickMove(0.0f, rng);
        EXPECT_TRUE(s.Bits().IsWinningMove(best)) << s.ToText() << "chose " << g.MoveToText(best);
      }
      for (int draw = 0; draw < 20; ++draw) {
        const Move m = gs.search().PickMove(1.0f, rng);
        (prove ? missed_with : missed_without) += !s.Bits().IsWinningMove(m);
      }
      if (prove) {
        EXPECT_EQ(gs.search().tree().root().proven, -1);  // the mover at the root wins
      }
    }
  }
  EXPECT_EQ(tried, 10);
  EXPECT_LT(missed_with, missed_without);
}

TEST(Search, PolicyTemperatureFlattensPriors) {
  // Priors are the net's raised to 1/T and renormalised: 81:1:...:1 at T = 2
  // becomes 9:1:...:1.
  game::TicTacToeGame g;
  ScriptedEvaluator net({81, 1, 1, 1, 1, 1, 1, 1, 1});
  for (const float t : {1.0f, 2.0f}) {
    SearchParams params;
    params.policy_temperature = t;
    GameSearch gs(g, net, params);
    gs.search().SetRoot(*g.NewInitialState());
    gs.Run({.visits = 10});
    const auto stats = gs.search().RootStats();
    const float total = t == 1.0f ? 89.0f : 17.0f;
    EXPECT_NEAR(stats[0].prior, (t == 1.0f ? 81.0f : 9.0f) / total, 1e-5f);
    for (size_t i = 1; i < stats.size(); ++i) EXPECT_NEAR(stats[i].prior, 1.0f / total, 1e-5f);
  }
}

TEST(Search, PruningWithFlatterPriorsFindsARefutationTheNetRatesBelowOnePercent) {
  // From a Connect Four match our net lost: O's reply e (d1 e1 e2 e3 d2 d3
  // b1 d4 b2, then O e4) loses to X c1, which threatens a1 and c2 at once.
  // A net that rates c at 0.16% (as ours did), e at 99.4%, and calls every
  // position even. Without pruning, 400 visits do not refute e, at T = 1 or
  // 2. With prune_losing_moves the node after X c1 is lost on expansion, so
  // one visit to c proves e lost: T = 2 gives c that visit, while at T = 1
  // its 0.16% keeps it unvisited and O still plays e.
  game::Connect4Game g;
  game::Connect4State s(g);
  for (const char* m : {"d", "e", "e", "e", "d", "d", "b", "d", "b"}) s.Play(g.ParseMove(m));
  game::Connect4Solver solver;
  ScriptedEvaluator net({0.1f, 0.1f, 0.16f, 0.1f, 99.5f, 0.1f, 0.1f});
  struct Case {
    bool prune;
    float temperature;
    bool keeps_the_win;
  };
  for (const Case& c : {Case{false, 1.0f, false}, Case{false, 2.0f, false}, Case{true, 1.0f, false}, Case{true, 2.0f, true}}) {
    SearchParams params;
    params.prune_losing_moves = c.prune;
    params.policy_temperature = c.temperature;
    const Move m = BestMove(g, s, net, 400, params);
    const int score = solver.ScoreMoves(s.Bits())[m];
    EXPECT_EQ(score > 0, c.keeps_the_win) << "prune " << c.prune << " T " << c.temperature << " chose " << g.MoveToText(m);
  }
}

TEST(Search, PruningKeepsExactlyTheMovesThatDoNotLoseAtOnce) {
  // Connect Four, Pons' end-game positions and every position one move on:
  // every move it drops lets the opponent win next (or passes up a win of
  // one's own), every move it keeps does neither, and it is empty exactly
  // when every legal move loses at once.
  game::Connect4Game g;
  std::vector<game::Connect4State> positions;
  std::vector<Move> legal, kept;
  for (const auto& p : game::ReadPonsFile(std::string(DESCENT_TEST_DATA) + "/connect4/Test_L3_R1")) {
    if (positions.size() > 2000) break;
    game::Connect4State s(g);
    game::PlayPonsMoves(p.moves, &s);
    positions.push_back(s);
    s.LegalMoves(&legal);
    for (Move m : legal) {
      game::Connect4State next = s;
      next.Play(m);
      if (!next.IsTerminal()) positions.push_back(next);
    }
  }
  int pruned = 0, lost = 0;
  for (const game::Connect4State& s : positions) {
    s.LegalMoves(&legal);
    s.MovesNotLosingAtOnce(&kept);
    const bool can_win = s.Bits().CanWinNext();
    for (Move m : legal) {
      game::Connect4State next = s;
      next.Play(m);
      const bool wins = next.IsTerminal() && next.Winner() >= 0;
      const bool loses_at_once = !next.IsTerminal() && next.Bits().CanWinNext();
      const bool expected = can_win ? wins : !loses_at_once;
      EXPECT_EQ(std::count(kept.begin(), kept.end(), m) == 1, expected) << s.ToText() << g.MoveToText(m);
    }
    pruned += kept.size() < legal.size();
    lost += kept.empty();
  }
  EXPECT_GT(pruned, 100);
  EXPECT_GT(lost, 10);
}

TEST(Search, GoCapturesToWinTheLibertyRace) {
  // A capturing race decided at C1, the last liberty of Black's three stones
  // (A2-C2), of White's two (A1, B1) and of the white wall. Black to move
  // captures all eight white stones there; anything else and White captures
  // at C1 and lives.
  game::GoGame g({.size = 5, .komi = 0.5f});
  auto s = game::GoState::FromText(g,
                                    ".X.X.\n"
                                    "XXXXX\n"
                                    "OOOOX\n"
                                    "XXXOX\n"
                                    "OO.OX\n",
                                    0);
  RolloutEvaluator rollouts(5, 4);
  EXPECT_EQ(g.MoveToText(BestMove(g, *s, rollouts, 800)), "C1");
}

TEST(Search, NeverPicksAnIllegalMove) {
  // A scripted net that loves the ko retake (illegal) and the occupied
  // points: the search only ever sees legal moves.
  game::GoGame g({.size = 4});
  auto s = game::GoState::FromText(g, ".XO.\nXO.O\n.XO.\n....\n", 0);
  s->PlayChecked(g.ParseMove("C3"));  // Black takes the ko; B3 is now illegal for White
  std::vector<float> weights(g.NumMoves(), 1.0f);
  weights[g.ParseMove("B3")] = 1e6f;
  weights[g.ParseMove("B4")] = 1e6f;
  ScriptedEvaluator scripted(weights);
  GameSearch gs(g, scripted, {});
  gs.search().SetRoot(*s);
  gs.Run({.visits = 300});
  for (const MoveStats& m : gs.search().RootStats()) EXPECT_TRUE(s->IsLegal(m.move)) << g.MoveToText(m.move);
  std::mt19937_64 rng(3);
  for (int i = 0; i < 50; ++i) EXPECT_TRUE(s->IsLegal(gs.search().PickMove(1.0f, rng)));
}

TEST(Search, VirtualLossIsRemovedAndVisitsAddUp) {
  game::GoGame g({.size = 5});
  RolloutEvaluator rollouts(11);
  SearchParams params;
  params.leaves_per_batch = 8;
  params.batches_in_flight = 3;
  GameSearch gs(g, rollouts, params);
  auto s = g.NewInitialState();
  gs.search().SetRoot(*s);
  std::mt19937_64 rng(5);
  gs.search().AddRootNoise(rng);
  const SearchInfo info = gs.Run({.visits = 600});
  EXPECT_GE(info.root_visits, 600);
  EXPECT_EQ(gs.search().InFlight(), 0);
  ExpectConsistentTree(gs.search().tree());
  const auto stats = gs.search().RootStats();
  const float prior_sum = std::accumulate(stats.begin(), stats.end(), 0.0f,
                                          [](float a, const MoveStats& m) { return a + m.prior; });
  EXPECT_NEAR(prior_sum, 1.0f, 1e-4f);  // noise keeps the priors a distribution
}

TEST(Search, TreeReuseKeepsTheChosenSubtree) {
  game::Connect4Game g;
  RolloutEvaluator rollouts(13);
  GameSearch gs(g, rollouts, {});
  auto s = g.NewInitialState();
  gs.search().SetRoot(*s);
  gs.Run({.visits = 500});
  std::mt19937_64 rng(1);
  const Move best = gs.search().PickMove(0, rng);
  int child_visits = 0;
  for (const MoveStats& m : gs.search().RootStats()) {
    if (m.move == best) child_visits = m.visits;
  }
  gs.search().AdvanceRoot(best);
  EXPECT_EQ(gs.search().RootVisits(), child_visits);
  ExpectConsistentTree(gs.search().tree());
  s->Play(best);
  EXPECT_EQ(gs.search().RootState().Hash(), s->Hash());
  gs.Run({.visits = 800});  // reused visits count toward the budget
  EXPECT_GE(gs.search().RootVisits(), 800);
  ExpectConsistentTree(gs.search().tree());
}

// Rollouts behind a fake clock: every net call takes exactly `tick`, and
// the call numbered `stop_after` sets `stop`, the one numbered `fail_at`
// throws. Time limits and stops are then checked by counts, not the wall.
class TickingEvaluator final : public Evaluator {
 public:
  explicit TickingEvaluator(std::chrono::milliseconds tick) : rollouts_(3), tick_(tick) {}
  void Evaluate(std::span<const EvalRequest> batch) override {
    const int call = ++calls_;
    if (call == fail_at_) throw std::runtime_error("the net call failed");
    rollouts_.Evaluate(batch);
    nanos_ += std::chrono::nanoseconds(tick_).count();
    if (call == stop_after_) stop_ = true;
  }
  GameSearch::ClockFn Clock() {
    return [this] { return std::chrono::steady_clock::time_point(std::chrono::nanoseconds(nanos_.load())); };
  }
  RolloutEvaluator rollouts_;
  std::chrono::milliseconds tick_;
  std::atomic<int64_t> nanos_{0};  // the fake clock
  std::atomic<int> calls_{0};
  int stop_after_ = -1, fail_at_ = -1;
  std::atomic<bool> stop_{false};
};

SearchParams Sequential() {
  SearchParams p;
  p.leaves_per_batch = 1;
  p.batches_in_flight = 1;
  return p;
}

// Nodes exist only for the moves the search visited; edges for every move
// of an expanded node. Tree reuse keeps exactly the chosen move's subtree.
TEST(Search, NodesAreCreatedOnTheirFirstVisitAndReuseKeepsOnlyTheSubtree) {
  game::GoGame g({.size = 9});
  RolloutEvaluator rollouts(3);
  GameSearch gs(g, rollouts, Sequential());
  gs.search().SetRoot(*g.NewInitialState());
  gs.Run({.visits = 300});
  const Tree& tree = gs.search().tree();
  ASSERT_EQ(gs.search().RootVisits(), 300);
  // One evaluation per visit, one node per visit at most (a finished game
  // or a proved node may be visited again without a new node).
  EXPECT_LE(tree.size(), 300u);
  size_t expanded_edges = 0;
  int visited_children = 0;
  for (uint32_t i = 0; i < tree.size(); ++i) {
    EXPECT_GT(tree.node(i).visits, 0) << "node " << i;  // nothing created and left unvisited
    if (tree.node(i).kind == Node::kExpanded) expanded_edges += tree.node(i).num_edges;
  }
  EXPECT_EQ(tree.edges(), expanded_edges);
  EXPECT_GT(tree.edges(), 10 * tree.size());  // 82 moves per expansion, a few searched
  const Node& root = tree.root();
  for (uint32_t c = 0; c < root.num_edges; ++c) visited_children += tree.edge(root, c).child != 0;
  EXPECT_GT(visited_children, 1);
  EXPECT_LT(visited_children, root.num_edges);

  // The subtree's node count, walked before the move.
  std::mt19937_64 rng(1);
  const Move best = gs.search().PickMove(0, rng);
  uint32_t kept_root = 0;
  for (uint32_t c = 0; c < root.num_edges; ++c) {
    if (tree.edge(root, c).move == best) kept_root = tree.edge(root, c).child;
  }
  ASSERT_NE(kept_root, 0u);
  std::vector<uint32_t> stack{kept_root};
  size_t subtree = 0;
  while (!stack.empty()) {
    const Node& n = tree.node(stack.back());
    stack.pop_back();
    ++subtree;
    for (uint32_t c = 0; c < n.num_edges; ++c) {
      if (tree.edge(n, c).child != 0) stack.push_back(tree.edge(n, c).child);
    }
  }
  const int kept_visits = tree.node(kept_root).visits;
  gs.search().AdvanceRoot(best);
  EXPECT_EQ(gs.search().tree().size(), subtree);
  EXPECT_EQ(gs.search().RootVisits(), kept_visits);
  ExpectConsistentTree(gs.search().tree());
  gs.Run({.visits = 400});
  EXPECT_EQ(gs.search().RootVisits(), 400);
  ExpectConsistentTree(gs.search().tree());
}

TEST(GameSearch, TimeBudgetEndsTheSearchOnItsClock) {
  game::GoGame g({.size = 9});
  TickingEvaluator net(std::chrono::milliseconds(10));
  GameSearch gs(g, net, Sequential());
  gs.SetClock(net.Clock());
  gs.search().SetRoot(*g.NewInitialState());
  // 0.2 s at 10 ms a call: the root's call and 19 more see the budget open.
  const SearchInfo timed = gs.Run({.visits = 1 << 30, .seconds = 0.2});
  EXPECT_EQ(timed.root_visits, 20);
  EXPECT_EQ(net.calls_.load(), 20);
  EXPECT_NEAR(timed.seconds, 0.2, 1e-9);
}

TEST(GameSearch, StopEndsTheSearchAfterTheCallThatSetIt) {
  game::GoGame g({.size = 9});
  TickingEvaluator net(std::chrono::milliseconds(1));
  net.stop_after_ = 7;
  GameSearch gs(g, net, Sequential());
  gs.search().SetRoot(*g.NewInitialState());
  const SearchInfo info = gs.Run({.visits = 1 << 30}, &net.stop_);
  EXPECT_EQ(info.new_visits, 7);
  // Already stopped: nothing more, the expanded root keeps its move.
  const SearchInfo again = gs.Run({.visits = 1 << 30}, &net.stop_);
  EXPECT_EQ(again.new_visits, 0);
  std::mt19937_64 rng(1);
  EXPECT_NE(gs.search().PickMove(0, rng), game::kNoMove);
}

TEST(GameSearch, AStopOrAnExpiredClockStillExpandsTheRoot) {
  game::GoGame g({.size = 9});
  TickingEvaluator net(std::chrono::milliseconds(1000));
  GameSearch gs(g, net, Sequential());
  gs.SetClock(net.Clock());
  gs.search().SetRoot(*g.NewInitialState());
  std::atomic<bool> stop{true};
  // A NaN-sized or spent clock and a stop before the first call: the root
  // is still expanded, so there is a move to play (never a resignation by
  // an empty search).
  const SearchInfo info = gs.Run({.visits = 1 << 30, .seconds = 1e-9}, &stop);
  EXPECT_EQ(info.root_visits, 1);
  EXPECT_TRUE(gs.search().RootExpanded());
}

TEST(GameSearch, AFailedNetCallReachesTheCallerAndLeavesTheTreeUsable) {
  game::GoGame g({.size = 9});
  TickingEvaluator net(std::chrono::milliseconds(1));
  net.fail_at_ = 40;
  SearchParams p;
  p.leaves_per_batch = 4;
  p.batches_in_flight = 3;
  GameSearch gs(g, net, p);
  gs.search().SetRoot(*g.NewInitialState());
  EXPECT_THROW(gs.Run({.visits = 100000}), std::runtime_error);
  EXPECT_EQ(gs.search().InFlight(), 0);  // the failed batch's leaves were cancelled
  ExpectConsistentTree(gs.search().tree());
  // The same tree searches on once the net works again.
  const int before = gs.search().RootVisits();
  const SearchInfo info = gs.Run({.visits = before + 50});
  EXPECT_EQ(info.root_visits, before + 50);
  ExpectConsistentTree(gs.search().tree());
}

TEST(GameSearch, AProvedRootStopsTheSearchAtOnce) {
  // X to move wins at once (c1 completes the row): proved once the search
  // first tries c1 (a few hundred rollout visits here), long before the
  // budget; without the stop it would spend all 100,000 visits.
  game::TicTacToeGame g;
  auto s = g.NewInitialState();
  for (const char* m : {"a1", "a2", "b1", "b2"}) s->Play(g.ParseMove(m));
  RolloutEvaluator rollouts(5);
  GameSearch gs(g, rollouts, Sequential());
  gs.search().SetRoot(*s);
  const SearchInfo info = gs.Run({.visits = 100000});
  EXPECT_TRUE(gs.search().RootProven());
  EXPECT_LT(info.root_visits, 1000);
  std::mt19937_64 rng(1);
  EXPECT_EQ(g.MoveToText(gs.search().PickMove(0, rng)), "c1");
  // The visits before the proof went to other moves too; the target by
  // proofs gives the proved win every share.
  const Move win = g.ParseMove("c1");
  const std::vector<float> plain = gs.search().VisitDistribution(), proved = gs.search().VisitDistribution(true);
  EXPECT_LT(plain[win], 0.99f);
  EXPECT_FLOAT_EQ(proved[win], 1.0f);
  EXPECT_FLOAT_EQ(std::accumulate(proved.begin(), proved.end(), 0.0f), 1.0f);
}

TEST(Search, ProvedTargetsGiveAProvedLossNoShare) {
  // X to move must block at c2 (O holds a2 and b2); every other move loses to
  // O's c2, which the search proves, while c2 itself draws. By proofs the
  // losing moves' earlier visits leave the target: c2 takes it all.
  game::TicTacToeGame g;
  auto s = g.NewInitialState();
  for (const char* m : {"a1", "a2", "c3", "b2"}) s->Play(g.ParseMove(m));
  const Move block = g.ParseMove("c2");
  RolloutEvaluator rollouts(5, 1);
  GameSearch gs(g, rollouts, {.prune_losing_moves = false});
  gs.search().SetRoot(*s);
  const auto all_others_proved = [&] {
    const Tree& t = gs.search().tree();
    if (t.root().num_edges != 5) return false;  // not expanded yet
    for (uint32_t c = 0; c < t.root().num_edges; ++c) {
      const Edge& e = t.edge(t.root(), c);
      if (e.move != block && t.child(e).proven != -1) return false;
    }
    return true;
  };
  int visits = 0;
  while (!all_others_proved() && visits < 20000) gs.Run({.visits = visits += 200});
  ASSERT_TRUE(all_others_proved());
  const std::vector<float> plain = gs.search().VisitDistribution(), proved = gs.search().VisitDistribution(true);
  EXPECT_LT(plain[block], 1.0f);  // the losing moves had visits before their proofs
  EXPECT_FLOAT_EQ(proved[block], 1.0f);
  EXPECT_FLOAT_EQ(std::accumulate(proved.begin(), proved.end(), 0.0f), 1.0f);
}

// Scores are backed up beside values with the same sign flips: an evaluator
// whose score is 10 x its value, and finished games scored 10 x their
// outcome, give every root move a mean score of exactly 10 x its mean value.
class ScoringEvaluator final : public Evaluator {
 public:
  void Evaluate(std::span<const EvalRequest> batch) override {
    for (const EvalRequest& r : batch) {
      for (int k = 0; k < r.num_legal; ++k) r.priors[k] = 1.0f / r.num_legal;
      // Any deterministic value: the hash spreads it over [-0.9, 0.9].
      *r.value = static_cast<float>(r.state->Hash() % 1000) / 555.0f - 0.9f;
      if (r.score) *r.score = 10 * *r.value;
    }
  }
};

TEST(Search, ScoresAreBackedUpBesideValues) {
  game::TicTacToeGame g;
  ScoringEvaluator e;
  for (const bool prove : {false, true}) {
    GameSearch gs(g, e, {.prove_results = prove});
    gs.search().SetTerminalScore([](const game::State& s) { return 10 * s.Outcome(s.ToMove()); });
    auto s = g.NewInitialState();
    s->Play(4);
    s->Play(0);
    gs.search().SetRoot(*s);
    gs.Run({.visits = 400});
    int visited = 0;
    for (const MoveStats& m : gs.search().RootStats()) {
      if (m.visits == 0) continue;
      ++visited;
      // A proved child is revisited as its proof, its score as it stood.
      if (!prove) {
        EXPECT_NEAR(m.score, 10 * m.q, 1e-3) << "move " << m.move;
      }
      EXPECT_LE(std::abs(m.score), 10.0f + 1e-3f);
    }
    EXPECT_GT(visited, 3);
    if (!prove) {
      EXPECT_NEAR(gs.search().RootScore(), 10 * gs.search().RootValue(), 1e-3);
    }
  }
  // Without scores from the evaluator or the game, every score is 0.
  ScriptedEvaluator plain({});
  GameSearch gs(g, plain, {});
  gs.search().SetRoot(*g.NewInitialState());
  gs.Run({.visits = 200});
  for (const MoveStats& m : gs.search().RootStats()) EXPECT_EQ(m.score, 0.0f);
}

// Score utility: every position is worth the same (value 0, uniform
// priors), and the first player's final score is a function of the moves
// played. Only the score term can tell moves apart.
class MoveScoreEvaluator final : public Evaluator {
 public:
  using ScoreFn = std::function<float(const std::vector<Move>&)>;
  explicit MoveScoreEvaluator(ScoreFn first_player_score) : first_player_score_(std::move(first_player_score)) {}
  void Evaluate(std::span<const EvalRequest> batch) override {
    for (const EvalRequest& r : batch) {
      for (int k = 0; k < r.num_legal; ++k) r.priors[k] = 1.0f / r.num_legal;
      *r.value = 0;
      if (!r.score || !first_player_score_) continue;
      const float first = first_player_score_(r.state->MoveHistory());
      *r.score = r.state->ToMove() == 0 ? first : -first;
    }
  }

 private:
  ScoreFn first_player_score_;
};

// Visits of the children of `index`, by move (tic-tac-toe).
std::vector<int> ChildVisits(const Tree& tree, uint32_t index) {
  std::vector<int> visits(9, 0);
  const Node& node = tree.node(index);
  for (uint32_t c = 0; c < node.num_edges; ++c) {
    const Edge& edge = tree.edge(node, c);
    visits[edge.move] = tree.child(edge).visits;
  }
  return visits;
}

TEST(Search, ScoreUtilitySteersVisitsToTheBetterScore) {
  game::TicTacToeGame g;
  // The first player scores the index of their first move (0-8); the root's
  // own estimate, the centre, is 4.
  MoveScoreEvaluator e([](const std::vector<Move>& h) { return h.empty() ? 4.0f : static_cast<float>(h[0]); });
  // One leaf at a time: with batches in flight the split between moves 7 and
  // 8 (utilities close together) varies from run to run, and under a
  // sanitizer's timing move 7 came out ahead.
  SearchParams on = Sequential();
  on.prove_results = false;
  on.score_utility_weight = 0.5f;
  GameSearch with(g, e, on);
  with.search().SetRoot(*g.NewInitialState());
  with.Run({.visits = 300});
  const std::vector<int> v = ChildVisits(with.search().tree(), Tree::kRoot);
  // The best move gets the most visits, the worst the fewest.
  EXPECT_EQ(std::max_element(v.begin(), v.end()) - v.begin(), 8);
  EXPECT_EQ(std::min_element(v.begin(), v.end()) - v.begin(), 0);
  EXPECT_GT(v[8], 2 * v[0]);
  std::mt19937_64 rng(1);
  EXPECT_EQ(with.search().PickMove(0, rng), 8);
  // Finished games (none score in tic-tac-toe) aside, the mean scores are
  // exact here.
  for (const MoveStats& m : with.search().RootStats()) EXPECT_NEAR(m.score, m.move, 0.5) << m.move;
  ExpectConsistentTree(with.search().tree());

  // Off (weight 0), the scores change nothing: the same visits as a search
  // that never sees a score.
  // (One leaf at a time: batches in flight make visit counts vary from run
  // to run by a visit or two.)
  SearchParams off = Sequential();
  off.prove_results = false;
  GameSearch scored(g, e, off);
  MoveScoreEvaluator no_scores(nullptr);
  GameSearch blind(g, no_scores, off);
  scored.search().SetRoot(*g.NewInitialState());
  scored.Run({.visits = 300});
  blind.search().SetRoot(*g.NewInitialState());
  blind.Run({.visits = 300});
  EXPECT_EQ(ChildVisits(scored.search().tree(), Tree::kRoot), ChildVisits(blind.search().tree(), Tree::kRoot));
}

TEST(Search, ScoreUtilityTurnsTheCentreEachPly) {
  // The first player's score is 40 less the second player's first move: a
  // ply below the root the second player wants their highest move. The
  // centre there must be the root's estimate from their side (-40); from
  // the wrong side (+40) every reply would be worth the same, pinned at
  // the far end of the atan.
  game::TicTacToeGame g;
  MoveScoreEvaluator e([](const std::vector<Move>& h) { return 40.0f - (h.size() > 1 ? h[1] : 0); });
  SearchParams on = Sequential();  // the same visits every run
  on.prove_results = false;
  on.score_utility_weight = 0.5f;
  GameSearch gs(g, e, on);
  gs.search().SetRoot(*g.NewInitialState());
  gs.Run({.visits = 400});
  const Tree& tree = gs.search().tree();
  const Node& root = tree.node(Tree::kRoot);
  int high = 0, low = 0;
  for (uint32_t c = 0; c < root.num_edges; ++c) {
    const Edge& edge = tree.edge(root, c);
    if (edge.child == 0) continue;
    const std::vector<int> v = ChildVisits(tree, edge.child);
    high += v[edge.move == 8 ? 7 : 8];  // the second player's best reply
    low += v[edge.move == 0 ? 1 : 0];   // ... and worst
  }
  EXPECT_GT(high, 2 * low) << high << " " << low;
}

}  // namespace
}  // namespace descent::mcts
