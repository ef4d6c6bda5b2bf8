#pragma once
// Opponents and matches for evaluation: random play, pure MCTS with random
// rollouts, exact solvers, and networks with or without search.

#include <atomic>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "game/game.h"
#include "game/match_stats.h"
#include "mcts/params.h"
#include "net/network.h"

namespace descent::selfplay {

// What Choose returns to give the game up (outside engines resign; the
// players here never do).
inline constexpr game::Move kResign = -2;

class Player {
 public:
  virtual ~Player() = default;
  virtual std::string Name() const = 0;
  // A legal move for the non-terminal `state`, or kResign.
  virtual game::Move Choose(const game::State& state, std::mt19937_64& rng) = 0;
};

std::unique_ptr<Player> RandomPlayer();
// MCTS with uniform priors and one random rollout per visit; `seed` seeds the
// rollouts (the player is otherwise deterministic, so two matches with one
// seed against a deterministic opponent replay the same games).
std::unique_ptr<Player> RolloutPlayer(const game::Game& game, int visits, uint64_t seed = 12345);
// Perfect play (a random choice among the best moves): tic-tac-toe, and
// Connect Four positions late enough to solve quickly. nullptr for others.
std::unique_ptr<Player> SolverPlayer(const game::Game& game);
// A network: its top policy move when visits == 0, else the most visited
// move of a search with that many visits and these parameters (one batch
// in flight; `search.leaves_per_batch` leaves per net call, 1 being
// sequential search, the strongest per visit and the slowest). Owns its
// inference server.
std::unique_ptr<Player> NetPlayer(const game::Game& game, std::shared_ptr<const net::Network> network, int visits,
                                  const std::string& name, mcts::SearchParams search = {});

// Wins, draws and losses of the first player named.
using MatchResult = game::MatchScore;

// `games` games, colours alternating, `a` first in even games. Stops early
// (between moves) when `*cancel` becomes true; the result then holds the
// games finished so far. With `opening_moves` > 0 each pair of games (2k,
// 2k+1) starts from the same `opening_moves` uniformly random plies, colours
// swapped: two deterministic players (networks searching without noise)
// otherwise replay one game per colour, and the match measures nothing more
// than two games would.
// `on_game` (optional) sees each finished game: its index, the side `a`
// played, the moves from the empty board (opening included) and a's result.
using OnGameFn = std::function<void(int game, game::Player a_side, const std::vector<game::Move>& moves, float a_result)>;
MatchResult PlayMatch(const game::Game& game, Player& a, Player& b, int games, uint64_t seed,
                      const std::atomic<bool>* cancel = nullptr, int opening_moves = 0, const OnGameFn& on_game = {});

// Many games at once. A factory makes a fresh player for each game (called
// with the game's index, from the thread that plays it); the players of one
// NetPlayerFactory share its inference server, so the leaves of every game
// in flight are batched into common net calls, as in self-play.
using PlayerFactory = std::function<std::unique_ptr<Player>(int game)>;
PlayerFactory RandomPlayerFactory();
// Each game's rollouts are seeded by `seed` and the game's index.
PlayerFactory RolloutPlayerFactory(const game::Game& game, int visits, uint64_t seed = 12345);
// nullptr where SolverPlayer has none.
PlayerFactory SolverPlayerFactory(const game::Game& game);
// `inference_threads` serve every game of the match.
PlayerFactory NetPlayerFactory(const game::Game& game, std::shared_ptr<const net::Network> network, int visits,
                               const std::string& name, mcts::SearchParams search = {}, int inference_threads = 1);

struct MatchParams {
  int games = 40;
  uint64_t seed = 1;
  const std::atomic<bool>* cancel = nullptr;
  int opening_moves = 0;
  // Games in flight at once, each on its own plain thread (they block on
  // the net); 1 plays one game after another. Measured with 16 (descent
  // eval, nets/connect4, 400 visits against 1,000 rollouts, 80 games):
  // 42.4 s one at a time, 16.0 s at 16 with 2 inference threads.
  int concurrency = 16;
  OnGameFn on_game;  // called from the playing threads, one at a time
  // Scores a game played out to the end for the player on `side`: 1, 0 or
  // -1 (optional; default: the rules' Outcome). Go against a classical
  // engine passes with dead stones on the board, which area scoring counts
  // as alive: a referee engine's final_score knows them. Called from the
  // playing threads, several at once.
  std::function<float(const game::State& final_state, game::Player side)> score;
};

// As PlayMatch above, `concurrency` games at a time. A game's moves depend
// only on the seed and its index (its players and random draws are its
// own), so a match gives the same games however the threads interleave.
MatchResult PlayMatch(const game::Game& game, const PlayerFactory& a, const PlayerFactory& b,
                      const MatchParams& params);

// Random plies for matches between deterministic players: 2 in Connect Four
// (49 openings), 1 in tic-tac-toe (9), 2 in Go.
int DefaultOpeningMoves(const game::Game& game);

}  // namespace descent::selfplay
