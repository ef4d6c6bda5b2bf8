#pragma once
// Per-game defaults and facts, in one table per game (each Game's Traits()),
// so that no layer above game/ asks a game its name to decide a number.
// The numbers are the defaults `descent train`, self-play, evaluation and the
// search use when the user gives none; each states why it is what it is.

#include <string>

namespace descent::game {

struct GameTraits {
  // --- Presentation -------------------------------------------------------
  std::string title;              // "Tic-tac-toe", "Connect Four", "Go 9x9"
  std::string player_names[2];    // the first and second player: "Black", "White"
  bool has_pass = false;          // a pass move exists (Go)
  bool has_exact_solver = false;  // game/ holds an exact solver for it
  // Moves are written one character each ("4453"), not space-separated.
  bool one_char_moves = false;
  // How a board is drawn and clicked: stones on the lines' intersections
  // (Go), discs dropped into columns (Connect Four), marks in cells.
  enum class BoardStyle { kIntersections, kColumns, kCells };
  BoardStyle board_style = BoardStyle::kCells;

  // --- Network (net::DefaultNetConfig) -------------------------------------
  int net_blocks = 6;
  int net_channels = 64;

  // --- Self-play -----------------------------------------------------------
  int selfplay_games = 64;       // concurrent games
  int full_visits = 200;         // playout cap randomisation: full searches
  int fast_visits = 40;          // ... and fast ones
  float full_fraction = 0.25f;   // share of moves searched fully
  int temperature_moves = 8;     // moves played in proportion to visits
  // Gumbel AlphaZero self-play's simulations per move; 0: PUCT with
  // playout-cap randomisation (selfplay/self_play.h). On for Go, where it
  // paid; Connect Four measured even (two seeds, 0.503 over 800) and
  // tic-tac-toe not measured, so they keep PUCT (docs/techniques.md).
  int gumbel_simulations = 0;
  // PUCT self-play's policy targets follow the search's proofs
  // (mcts::Search::VisitDistribution's by_proofs). On where it paid
  // (tic-tac-toe); Connect Four measured even, Go not measured, so they
  // keep plain visit shares (docs/techniques.md).
  bool proved_targets = false;

  // --- Training ------------------------------------------------------------
  int window = 250000;       // replay window in samples
  int batch = 256;           // samples per training step
  float learning_rate = 0.02f;
  int lr_drop_steps = 0;     // 0: no drop
  float reuse = 4.0f;        // times each sample is trained on, on average, at most
  int min_samples = 5000;    // samples stored before training starts
  int publish_every = 200;   // training steps between networks

  // --- Evaluation during training -----------------------------------------
  int eval_every = 1;             // evaluate every Nth network
  int eval_games = 40;            // games per opponent
  int eval_visits = 200;          // the network's visits per move
  int eval_rollout_visits = 400;  // the random-rollout MCTS referee's visits
  int eval_opening_moves = 2;     // random opening moves before a match game
};

}  // namespace descent::game
