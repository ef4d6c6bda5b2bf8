#pragma once
// The engine facade that GTP (and later the GUI) drive: one game at a time,
// moves and undo, thinking with a visit or time budget that another thread
// can stop, and analysis of the candidate moves while it thinks.

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "game/game.h"
#include "mcts/game_search.h"
#include "net/inference_server.h"
#include "net/net_evaluator.h"
#include "net/network.h"

namespace descent::engine {

// The search settings, as the facade's users (gui/) see them.
using SearchParams = mcts::SearchParams;

struct EngineParams {
  mcts::SearchParams search;
  net::InferenceParams inference;
  // Resign when the side to move's value is below this after a search
  // (-0.95: the net gives itself under 2.5%). Off with allow_resign = false.
  float resign_threshold = -0.95f;
  bool allow_resign = true;
  // The first `random_moves` moves of a game are drawn in proportion to
  // their visits instead of taking the most visited: a deterministic engine
  // otherwise plays the same game over and over in a match. 0: never.
  int random_moves = 0;
  uint64_t seed = 1;  // of those draws
  // Where networks loaded by file (FromFile, SwapNetwork) run: "cpu" or "cuda".
  std::string device = "cpu";
  // Analysis lists every root move, unvisited ones with visits 0 (their
  // priors make the GUI's policy heat map); GTP analysis lists visited ones.
  bool analysis_with_unvisited = false;
};

// One candidate move of the root, as analysis shows it.
struct CandidateMove {
  game::Move move = game::kNoMove;
  int visits = 0;
  float winrate = 0;  // for the side to move, 0..1
  float prior = 0;
  float lcb = 0;      // a lower confidence bound of the winrate
  // Mean final score for the side to move (points, area with komi) over the
  // move's visits: the network's score head at the leaves, the game's score
  // at finished ones. Meaningful when Engine::HasScoreHeads().
  float score = 0;
  std::vector<game::Move> pv;
};

struct ThinkResult {
  game::Move move = game::kNoMove;  // kNoMove: resign
  int visits = 0;
  float winrate = 0;
  double seconds = 0;
};

class Engine {
 public:
  // The network decides the game family; NewGame picks size and options.
  Engine(std::shared_ptr<const net::Network> network, const EngineParams& params);
  ~Engine();
  // Loads the weights file at `path`; throws game::UserError when it does
  // not load.
  static std::unique_ptr<Engine> FromFile(const std::string& path, const EngineParams& params);

  // Plays on with another network (the same game and size; the current game
  // is kept, the search tree starts afresh). Throws game::UserError when the
  // file does not load or does not fit; nothing changes then.
  void SwapNetwork(const std::string& path);
  const net::Network& network() const { return *network_; }

  // Starts a new game; throws game::UserError when the network does not fit
  // `spec` (another game or board size), leaving the current game as it was.
  void NewGame(const std::string& spec);
  // Starts a new game of `spec` with another network (another board size:
  // GTP boardsize without --net); throws game::UserError when it does not
  // fit `spec`, leaving everything as it was.
  void NewGame(const std::string& spec, std::shared_ptr<const net::Network> network);
  const game::Game& game() const { return *game_; }
  const game::State& state() const { return *state_; }
  const std::vector<game::Move>& moves() const { return moves_; }

  // Go only, before the first move: Black's handicap stones; White moves
  // next. Throws game::UserError otherwise (nothing changes then).
  void SetHandicap(const std::vector<game::Move>& points);
  // Go: set-up stones of either colour (SGF AB/AW) on the empty board, and
  // who moves first. Throws game::UserError (nothing changes) if a move was
  // played, stones were set up already, or a point is bad or repeated.
  void SetSetup(const std::vector<std::pair<game::Move, game::Player>>& stones, game::Player first_to_move);
  // Go: the same game (set-up, moves, turn) under another spec (komi).
  void Respec(const std::string& spec);

  // Plays a move for the side to move; throws game::UserError if illegal.
  void Play(game::Move move);
  // Go: plays a move for `colour` even when it is not that colour's turn
  // (GTP allows it); throws game::UserError if illegal for that colour, or
  // out of turn in another game.
  void PlayAs(game::Player colour, game::Move move);
  // Go: makes `colour` the side to move without a move (GTP genmove for the
  // other colour); undone with the next Undo. Throws game::UserError in
  // other games.
  void SetTurn(game::Player colour);
  // Takes back the last move; false when there is none.
  bool Undo();

  // Searches the current position until `limits` or a stop; blocks.
  // `on_analysis` (optional) is called about every `interval` seconds from
  // the search thread. Stops when `*stop` becomes true; without `stop`, when
  // Stop() is called after Think began. Returns the move (not played).
  using AnalysisFn = std::function<void(const std::vector<CandidateMove>&, int visits)>;
  ThinkResult Think(const mcts::SearchLimits& limits, AnalysisFn on_analysis = nullptr, double interval = 1.0,
                    const std::atomic<bool>* stop = nullptr);
  // Thread-safe: makes a running Think (without its own flag) return soon.
  void Stop() { stop_ = true; }
  // Candidate moves of the last search, most visited first (unvisited ones,
  // when listed, by prior).
  std::vector<CandidateMove> Candidates() const;
  // Whether analysis lists unvisited moves too (EngineParams).
  void SetAnalysisWithUnvisited(bool on) { params_.analysis_with_unvisited = on; }
  // Moves the next searches leave out or keep to (GTP avoid/allow); the
  // tree restarts when they change. Empty: every legal move.
  void SetMoveFilters(std::vector<mcts::MoveFilter> filters);

  // The network's own view of the current position (no search), for
  // networks with ownership and score heads: the side to move's expected
  // ownership of every point (row-major from the top left, in [-1, 1]) and
  // final score in points. nullopt for networks without those heads.
  struct PositionEstimate {
    std::vector<float> ownership;
    float score = 0;
  };
  std::optional<PositionEstimate> Estimate() const;
  bool HasScoreHeads() const;

 private:
  void Rebuild();
  // A fresh search over the current game (with the finished-game score for Go).
  void MakeSearch();
  std::vector<CandidateMove> CandidatesOf(const mcts::Search& search) const;

  std::shared_ptr<const net::Network> network_;
  EngineParams params_;
  std::unique_ptr<game::Game> game_;
  std::unique_ptr<game::State> state_;
  std::vector<game::Move> moves_;
  std::vector<game::Player> colours_;  // who played each of moves_
  // SetTurn's colour, when it changed the turn after the last move.
  std::optional<game::Player> turn_;
  std::vector<std::pair<game::Move, game::Player>> setup_;
  game::Player first_to_move_ = 0;
  std::unique_ptr<net::InferenceServer> server_;
  std::unique_ptr<net::NetEvaluator> evaluator_;
  std::unique_ptr<mcts::GameSearch> search_;
  std::atomic<bool> stop_{false};
  std::mt19937_64 rng_;
};

}  // namespace descent::engine
