#pragma once
// Search parameters, with the reason for each default.

namespace descent::mcts {

struct SearchParams {
  // PUCT exploration constant. AlphaZero's c(s) is 1.25 at low visit counts;
  // 1.5 explores a little more, which our small nets (noisier priors) need.
  float c_puct = 1.5f;
  // First-play urgency: an unvisited child is valued at the parent's value
  // minus this times sqrt(prior mass already visited) (Leela Zero's rule;
  // 0.25 is its default). It focuses search on moves the net likes.
  float fpu_reduction = 0.25f;
  // Policy softmax temperature: priors are raised to 1/T and renormalised
  // when a node is expanded (Leela Chess Zero's PolicySoftmaxTemp). T > 1
  // reaches moves the net rates below 1% sooner but spends visits on bad
  // ones: in Connect Four (400 visits, 200 games against 1,000-rollout MCTS)
  // T = 2 scored 0.875 against 0.928 at T = 1, so 1 keeps the net's priors.
  float policy_temperature = 1.0f;
  // Dirichlet noise at the root: alpha = total / legal moves (KataGo's
  // scaling, 10.83 total: alpha 0.03 on an empty 19x19 board as in AlphaGo
  // Zero), mixed in with weight noise_fraction (AlphaZero: 0.25).
  float dirichlet_alpha_total = 10.83f;
  float noise_fraction = 0.25f;
  // One-game driver: leaves gathered (apart by virtual loss) per net call, and
  // how many such batches are in flight at once. 8 leaves keep the net's
  // batched throughput while staying close to sequential search; two batches
  // in flight keep both cores of an inference server busy.
  int leaves_per_batch = 8;
  int batches_in_flight = 2;
  // Self-play driver: leaves per tree per net call. One keeps each game's
  // search identical to sequential search; more gives bigger batches when
  // there are few games.
  int leaves_per_game = 1;
  // MCTS-solver: results proved by finished games below a node (a move that
  // wins at once, a position whose every move loses) propagate up the tree;
  // a proved node is scored exactly instead of being searched again, a proved
  // win is always chosen and a proved loss avoided. Costs nothing where
  // games end late (Go); in Connect Four it turns short forced lines from
  // averages into certainties, and such searches need fewer net calls.
  bool prove_results = true;
  // Expand a node with only the moves that do not lose at once
  // (State::MovesNotLosingAtOnce: in Connect Four, take a win, block a
  // threat, never play under one), and score a position where every move
  // loses at once as lost without a net call. Exact, so it only saves search
  // for what matters: when a refutation makes a double threat, one visit to
  // it proves it (the node after it is lost on expansion). Connect Four, 400
  // visits, 200 games against 1,000-rollout MCTS: 0.928 with, 0.880 without.
  // The root keeps every legal move when all lose. No effect where a game
  // has no such test (Go, tic-tac-toe).
  bool prune_losing_moves = true;
  // Score utility (after KataGo's): in selection a move is worth its mean
  // value plus score_utility_weight x (2/pi) atan((s - c) / scale), where s
  // is its mean final score in points, c the root's score estimate when the
  // search began (so the term asks "better or worse than expected", not
  // "winning by how much") and scale = score_utility_scale x sqrt(board
  // points): a lead of one scale over the expectation is worth half the
  // weight. It keeps the search choosing between moves by points where the
  // value no longer separates them (a decided game; 7x7 at komi 9, a draw
  // with perfect play). Needs scores: Go networks with a score head, and
  // finished games (State::FinalScore). 0 (off) by measurement
  // (docs/techniques.md): at 0.3 the shipped nets scored the same against
  // GNU Go level 10 (7x7 0.875 against 0.879 over 120 games; 9x9 0.856
  // against 0.825 over 80), and 7x7 self-play with it trained a net 119 Elo
  // weaker at a fixed budget. KataGo plays with 0.3 (dynamic) + 0.1
  // (static); its scale we follow loosely.
  float score_utility_weight = 0.0f;
  float score_utility_scale = 0.5f;
};

}  // namespace descent::mcts
