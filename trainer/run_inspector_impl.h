#pragma once
// The run inspector's implementation, shared by run_inspector.cpp (games,
// networks, the request dispatch, the caches) and run_inspector_datasets.cpp
// (the dataset views). Internal to trainer/.

#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "game/game.h"
#include "game/game_variants.h"
#include "net/network.h"
#include "net/position_eval.h"
#include "trainer/run_inspector.h"
#include "trainer/store.h"

namespace descent::trainer {

class RunInspector::Impl {
 public:
  using Json = nlohmann::json;
  using Query = std::map<std::string, std::string>;
  // game::UserError when the store names no game this build knows.
  Impl(const Store& store, std::string run_dir, InspectParams params);

  InspectReply Get(const std::string& path, const Query& q);

 private:
  struct CachedEvals {
    std::string network;  // hash
    std::vector<net::PositionEval> evals;  // one per move of the game
  };

  // Step 1 of every game view: the positions before each move, and after
  // the last.
  std::vector<std::unique_ptr<game::State>> Replay(const selfplay::GameRecord& record) const;

  std::optional<NetworkRow> NetworkRowByHash(const std::string& hash) const;

  std::shared_ptr<const net::Network> LoadNetwork(const NetworkRow& row);

  // The evaluations of every position before a move of `game` by the
  // network that played it; null when that network is not in the run (a
  // remote worker's game played by a network since removed, say).
  std::shared_ptr<const CachedEvals> GameEvals(const StoredGame& game);

  // Evaluation games are viewed as stored games whose id is negative (the
  // caches key on it) and which have no targets.
  static StoredGame FromEvalGame(const EvalGame& e);

  static bool WantsEvalGames(const Query& q);

  // The game named by query parameter `name` (required), self-play or, with
  // kind=eval, evaluation (then also in `eval_game`).
  StoredGame GameFor(const Query& q, const std::string& name, std::optional<EvalGame>* eval_game) const;

  StoredGame GameOrError(int64_t id) const;

  NetworkRow NetworkByIdOrError(int64_t id) const;

  // Samples per dataset request: the window, capped so one request stays
  // bounded in time.
  int64_t DatasetSamples(const Query& q, int64_t parts = 1) const;

  Json Run() const;

  Json Metrics(const Query& q) const;

  Json SelfPlay(const Query& q) const;

  Json Games(const Query& q) const;

  Json GameView(const Query& q);

  // Go: who owns each point at the end (Black's view: +1, -1, 0), as the
  // ownership target is made; none for a resigned or unfinished game.
  std::optional<std::vector<int>> FinalOwnership(const StoredGame& g, const game::State& last) const;

  // One position of a dataset view.
  struct Sample {
    const StoredGame* game;
    int move_number;
    const selfplay::PolicyTarget* target;
    const net::PositionEval* eval;
    game::Player mover;
    float outcome;  // the mover's final result
    const game::Game* board;  // the record's own game (a mixed run's smaller board)
  };

  // Every recorded target position of `games`, with its evaluation. Games
  // whose network is not in the run are left out.
  std::vector<Sample> Samples(const std::vector<StoredGame>& games, std::vector<std::shared_ptr<const CachedEvals>>* keep);

  Json Surprise(const Query& q);

  Json Calibration(const Query& q);

  // Go with ownership heads: the target positions whose predicted
  // ownership is furthest from the final one.
  Json OwnershipView(const Query& q);

  Json SolverView(const Query& q);

  Json Networks() const;

  Json Compare(const Query& q);

  const Store& store_;
  const std::string run_dir_;
  const InspectParams params_;
  std::unique_ptr<game::Game> game_;
  // Stored Go games may each have their own komi (self-play's komi_spread):
  // they are replayed with it.
  std::unique_ptr<game::GameVariants> variants_;

  std::mutex mutex_;  // guards the caches below
  std::deque<std::pair<std::string, std::shared_ptr<const net::Network>>> networks_;
  std::map<int64_t, std::shared_ptr<const CachedEvals>> evals_;
  std::deque<int64_t> eval_order_;
  int64_t cached_positions_ = 0;
};

}  // namespace descent::trainer
