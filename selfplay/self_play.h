#pragma once
// Self-play as training wants it, as hooks for the self-play driver
// (mcts::MultiGameSearch): playout cap randomisation, root noise on full
// searches, a temperature for the opening, resignation, and a GameRecord
// per finished game.

#include <atomic>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "game/game.h"
#include "game/game_variants.h"
#include "game/options.h"
#include "mcts/multi_game_search.h"
#include "selfplay/game_record.h"

namespace descent::selfplay {

struct SelfPlayParams {
  // Playout cap randomisation (KataGo, Wu 2019): a `full_fraction` share of
  // moves get `full_visits` and become training targets; the rest get
  // `fast_visits`, are not trained on, and move the game along cheaply.
  // 0: the game's default (GameTraits: 9x9 Go 200 / 40 / 25%).
  int full_visits = 0;
  int fast_visits = 0;
  float full_fraction = 0;
  // Moves played in proportion to visits at the start of each game, for
  // variety; afterwards the most visited move. -1: the game's default
  // (GameTraits::temperature_moves: tic-tac-toe 9, Connect Four 8, 9x9 Go 16).
  int temperature_moves = -1;
  // Each full search starts from a fresh tree with noise from its first
  // visit (mcts::MovePlan::fresh_tree); off: it continues the tree the last
  // move left, and its visit shares mix visits made before the noise.
  bool fresh_full_search = true;
  // > 0: every move is a Gumbel AlphaZero search of this many simulations
  // (mcts/gumbel.h) instead of PUCT with playout-cap randomisation: the
  // move is the Gumbel choice, every move a training target (the improved
  // policy). The paper improves the policy with 16-32 simulations on 9x9
  // Go, where PUCT at so few visits does not.
  // -1: the game's default (GameTraits::gumbel_simulations: Go 32, the
  // others 0).
  int gumbel_simulations = -1;
  int gumbel_considered = 16;
  // PUCT full searches' policy targets follow the search's proofs: only the
  // proved wins where there is one, never a proved loss where another move
  // holds (mcts::Search::VisitDistribution). A search stops once its root
  // is proved, so the plain visit shares keep the visits made before the
  // proof, losing moves' included. 1 on, 0 off; -1: the game's default
  // (GameTraits::proved_targets: tic-tac-toe on, where plain shares cost
  // net-alone accuracy; Connect Four off, measured even; Go off, unmeasured).
  int proved_targets = -1;
  // Go: each game's komi is the game's komi plus a normal offset with this
  // standard deviation in points, rounded to a half point (so about half
  // the games can be drawn) and kept within 3 standard deviations
  // (MaxKomiOffset); the record names its komi in its game spec. KataGo
  // randomises komi so the value and score heads learn what komi is worth
  // rather than one fixed balance. 0 (the default): every game at the
  // game's komi; a spread of 2 cost 131 Elo on 7x7 at a fixed budget
  // (docs/techniques.md).
  float komi_spread = 0;
  // This share of games starts from a random opening: 1 to
  // random_opening_moves uniformly random legal moves (never a Go pass),
  // kept in the record as moves without training targets. Positions the
  // network's own choices would not reach, for variety beyond search
  // noise (the "games from random openings"). 0 (off): a quarter
  // of 7x7 games from 1-4 random moves trained a net 96 Elo weaker at a
  // fixed budget; on Connect Four half the games from 1-12 moves measured
  // Elo +28 (0.540 over 400) and fewer Pons mistakes, one seed, continuing
  // a trained network: off until a second seed agrees (docs/techniques.md).
  float random_opening_fraction = 0;
  // 4: the 7x7 measurement's setting; the Connect Four one used 12, toward
  // Pons' middle-game positions (14-28 moves played).
  int random_opening_moves = 4;
  // Mixed board sizes (Go; the issue's "mixed board sizes in one run with
  // one network"): this share of games is played on `mixed_board`,
  // smaller Go boards with their own komi, comma-separated (e.g.
  // "go:7:komi=9" or "go:7:komi=9,go:5:komi=4" in a go:9 run; the share is
  // split evenly among them), by the same network, which then needs a board
  // mask (net::NetConfig::board_mask; `descent train` adds it). The komi
  // spread applies around each board's komi. "" (the default): the run's
  // board only.
  std::string mixed_board;
  float mixed_board_fraction = 0.5f;
  // Resign when the mover's root value falls below the threshold (set and
  // recalibrated by the trainer). This share of games never resigns, so the
  // false-resign rate can be measured (AlphaGo Zero: 10%); 1: no game
  // resigns. Connect Four resigns from move 10-15 once its network sees
  // the first player's win, yet playing every game out was even at a fixed
  // budget (0.499 over 400 games, Pons Test_L2_R2 6.5% against 6.8%;
  // docs/techniques.md), so 10% stays for every game.
  float resign_playout_fraction = 0.1f;
  // Never resign before this share of the game's maximum length.
  float resign_min_progress = 0.1f;
};

// Fills every field left at "the game's default" from game.Traits().
void ResolveDefaults(const game::Game& game, SelfPlayParams* params);

// The largest komi offset self-play with these parameters draws (a
// multiple of 0.5; 0 when komi_spread is 0).
float MaxKomiOffset(const SelfPlayParams& params);

// The self-play options, declared once (`descent train` includes them).
const game::OptionTable<SelfPlayParams>& SelfPlayOptions();

class SelfPlay final : public mcts::SelfPlayHooks {
 public:
  // `sink` receives every finished game (called from search threads).
  // `network` names the network playing now (its content hash).
  using Sink = std::function<void(GameRecord&&)>;
  SelfPlay(const game::Game& game, const SelfPlayParams& params, int slots, uint64_t seed, Sink sink,
           std::function<std::string()> network);

  // Thread-safe. Resignation is off until a threshold is set (-1 = never).
  void SetResignThreshold(float threshold) { resign_threshold_ = threshold; }
  // Stop starting new games (games in progress finish).
  void StopStarting() { stop_starting_ = true; }

  std::unique_ptr<game::State> StartGame(int slot) override;
  mcts::MovePlan PlanMove(int slot, const game::State& state) override;
  game::Move ChooseMove(int slot, const mcts::Search& search, std::mt19937_64& rng) override;
  void EndGame(int slot, const game::State& final_state) override;

 private:
  struct Slot {
    GameRecord record;
    bool full = false;
    float min_value[2] = {1, 1};
    std::mt19937_64 rng;
  };

  const game::Game& game_;
  SelfPlayParams params_;  // resolved: no "game's default" left
  game::GameVariants variants_;      // the games' komi (komi_spread) and mixed boards
  std::vector<const game::Game*> mixed_boards_;  // in variants_; empty without any
  Sink sink_;
  std::function<std::string()> network_;
  std::vector<Slot> slots_;
  std::atomic<float> resign_threshold_{-2.0f};
  std::atomic<bool> stop_starting_{false};
};

}  // namespace descent::selfplay
