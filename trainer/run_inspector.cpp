#include "trainer/run_inspector.h"

#include <algorithm>
#include <deque>
#include <filesystem>
#include <mutex>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "game/go.h"
#include "game/registry.h"
#include "game/user_error.h"
#include "net/network.h"
#include "net/position_eval.h"
#include "trainer/inspect_json.h"
#include "trainer/run_inspector_impl.h"
#include "trainer/web_assets.h"

namespace descent::trainer {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using game::Move;
using Query = std::map<std::string, std::string>;

}  // namespace

RunInspector::Impl::Impl(const Store& store, std::string run_dir, InspectParams params)
    : store_(store), run_dir_(std::move(run_dir)), params_(params) {
  const auto spec = store_.GetState("game");
  if (!spec) throw game::UserError("the store names no game: not a Descent run, or one that never started");
  game_ = game::MakeGame(*spec);
  variants_ = std::make_unique<game::GameVariants>(*game_, game::GameVariants::AnyKomi(*game_));
  if (dynamic_cast<const game::GoGame*>(game_.get())) variants_->AcceptAnySmallerBoard();  // mixed board sizes
}

InspectReply RunInspector::Impl::Get(const std::string& path, const Query& q) {
  try {
    Json body;
    if (path == "/api/run") body = Run();
    else if (path == "/api/metrics") body = Metrics(q);
    else if (path == "/api/selfplay") body = SelfPlay(q);
    else if (path == "/api/games") body = Games(q);
    else if (path == "/api/game") body = GameView(q);
    else if (path == "/api/surprise") body = Surprise(q);
    else if (path == "/api/calibration") body = Calibration(q);
    else if (path == "/api/solver") body = SolverView(q);
    else if (path == "/api/ownership") body = OwnershipView(q);
    else if (path == "/api/networks") body = Networks();
    else if (path == "/api/compare") body = Compare(q);
    else throw HttpError(404, "no such endpoint: " + path);
    return {200, body.dump()};
  } catch (const HttpError& e) {
    return {e.status, Json{{"error", e.what()}}.dump()};
  } catch (const game::UserError& e) {
    // A weights file or a record that cannot be read: the run's data, not
    // the request, is at fault.
    return {500, Json{{"error", e.what()}}.dump()};
  }
}

std::vector<std::unique_ptr<game::State>> RunInspector::Impl::Replay(const selfplay::GameRecord& record) const {
  std::vector<std::unique_ptr<game::State>> states;
  // Evaluation games name no spec: they are at the run's komi.
  const game::Game& game = record.game_spec.empty() ? *game_ : variants_->ForSpec(record.game_spec);
  states.push_back(game.NewInitialState());
  for (Move m : record.moves) {
    auto next = states.back()->Clone();
    next->Play(m);
    states.push_back(std::move(next));
  }
  return states;
}

std::optional<NetworkRow> RunInspector::Impl::NetworkRowByHash(const std::string& hash) const {
  for (const NetworkRow& row : store_.Networks()) {
    if (row.hash == hash) return row;
  }
  return std::nullopt;
}

std::shared_ptr<const net::Network> RunInspector::Impl::LoadNetwork(const NetworkRow& row) {
  {
    std::lock_guard lock(mutex_);
    for (const auto& [hash, network] : networks_) {
      if (hash == row.hash) return network;
    }
  }
  const fs::path path = fs::path(run_dir_) / row.path;
  std::shared_ptr<const net::Network> network = net::Network::Load(path.string());
  network->CheckFits(*game_);
  std::lock_guard lock(mutex_);
  networks_.emplace_back(row.hash, network);
  while (static_cast<int>(networks_.size()) > params_.cached_networks) networks_.pop_front();
  return network;
}

std::shared_ptr<const RunInspector::Impl::CachedEvals> RunInspector::Impl::GameEvals(const StoredGame& game) {
  {
    std::lock_guard lock(mutex_);
    const auto it = evals_.find(game.id);
    if (it != evals_.end()) return it->second;
  }
  const auto row = NetworkRowByHash(game.network);
  if (!row) return nullptr;
  const auto network = LoadNetwork(*row);
  const auto states = Replay(game.record);
  std::vector<const game::State*> positions;
  for (size_t i = 0; i + 1 < states.size(); ++i) positions.push_back(states[i].get());
  net::Network::SetThreadsForThisThread(1);
  auto cached = std::make_shared<CachedEvals>();
  cached->network = game.network;
  // The record's own game (a mixed run's smaller board, another komi).
  cached->evals = net::EvaluatePositions(*network, states.front()->game(), positions);
  std::lock_guard lock(mutex_);
  evals_[game.id] = cached;
  eval_order_.push_back(game.id);
  cached_positions_ += static_cast<int64_t>(positions.size());
  while (cached_positions_ > params_.cached_positions && eval_order_.size() > 1) {
    const auto old = evals_.find(eval_order_.front());
    cached_positions_ -= static_cast<int64_t>(old->second->evals.size());
    evals_.erase(old);
    eval_order_.pop_front();
  }
  return cached;
}

StoredGame RunInspector::Impl::FromEvalGame(const EvalGame& e) {
  StoredGame g;
  g.id = -e.id;
  g.network = e.network;
  g.created = e.created;
  g.moves = static_cast<int64_t>(e.moves.size());
  g.result = e.net_side == 0 ? e.net_result : -e.net_result;
  g.record.network = e.network;
  g.record.moves = e.moves;
  g.record.result = g.result;
  return g;
}

bool RunInspector::Impl::WantsEvalGames(const Query& q) {
  const auto kind = q.find("kind");
  if (kind == q.end() || kind->second == "selfplay") return false;
  if (kind->second == "eval") return true;
  throw HttpError(400, "parameter kind must be selfplay or eval, not '" + game::Quoted(kind->second) + "'");
}

StoredGame RunInspector::Impl::GameFor(const Query& q, const std::string& name, std::optional<EvalGame>* eval_game) const {
  RequireParam(q, name);
  const int64_t id = IntParam(q, name, 0, 1, INT64_MAX);
  if (!WantsEvalGames(q)) return GameOrError(id);
  *eval_game = store_.EvalGameById(id);
  if (!*eval_game) throw HttpError(404, "no evaluation game " + std::to_string(id));
  return FromEvalGame(**eval_game);
}

StoredGame RunInspector::Impl::GameOrError(int64_t id) const {
  auto game = store_.GameById(id);
  if (!game) throw HttpError(404, "no game " + std::to_string(id));
  return std::move(*game);
}

NetworkRow RunInspector::Impl::NetworkByIdOrError(int64_t id) const {
  for (const NetworkRow& row : store_.Networks()) {
    if (row.id == id) return row;
  }
  throw HttpError(404, "no network " + std::to_string(id));
}

int64_t RunInspector::Impl::DatasetSamples(const Query& q, int64_t parts) const {
  const int64_t cap = std::max<int64_t>(1, params_.max_positions / parts);
  return IntParam(q, "samples", std::min(params_.window, cap), 1, cap);
}

Json RunInspector::Impl::Run() const {
  const auto newest = store_.LatestNetwork();
  Json out = {{"game", game_->Name()},
              {"spec", game_->Spec()},
              {"games", store_.GameCount()},
              {"samples", store_.SampleCount()},
              {"networks", store_.Networks().size()},
              {"window", params_.window},
              {"max_positions", params_.max_positions},
              {"layout", BoardLayout(*game_)}};
  if (newest) out["newest_network"] = {{"id", newest->id}, {"hash", newest->hash}, {"step", newest->step}};
  return out;
}

Json RunInspector::Impl::Metrics(const Query& q) const {
  const std::string prefix = q.count("prefix") ? q.at("prefix") : "";
  Json rows = Json::array();
  for (const MetricRow& r : store_.Metrics(prefix)) rows.push_back(MetricJson(r));
  return {{"metrics", rows}};
}

Json RunInspector::Impl::SelfPlay(const Query& q) const {
  const int64_t bucket = IntParam(q, "bucket_seconds", 60, 1, 86400);
  const int64_t games = store_.GameCount();
  // About 40 blocks of at least 20 games: a readable line whose shares are
  // not all noise.
  const int64_t block = IntParam(q, "block_games", std::max<int64_t>(20, (games + 39) / 40), 1, 1 << 30);
  Json rate = Json::array(), outcomes = Json::array();
  for (const auto& [t, n] : store_.GamesOverTime(static_cast<double>(bucket))) rate.push_back({{"t", t}, {"games", n}});
  for (const OutcomeBlock& b : store_.OutcomesOverGames(block)) {
    outcomes.push_back({{"first_game", b.first_game}, {"games", b.games}, {"first_player_wins", b.first_player_wins},
                        {"draws", b.draws}, {"second_player_wins", b.second_player_wins},
                        {"resigned", b.resigned}, {"mean_moves", b.mean_moves}});
  }
  return {{"bucket_seconds", bucket}, {"games_per_bucket", rate}, {"block_games", block}, {"outcomes", outcomes}};
}

Json RunInspector::Impl::Games(const Query& q) const {
  const bool eval = WantsEvalGames(q);
  const int64_t total = eval ? store_.EvalGameCount() : store_.GameCount();
  const int64_t limit = IntParam(q, "limit", 100, 1, 1000);
  const int64_t offset = IntParam(q, "offset", std::max<int64_t>(0, total - limit), 0, std::max<int64_t>(0, total));
  Json games = Json::array();
  if (eval) {
    for (const EvalGame& g : store_.EvalGames(offset, limit)) games.push_back(EvalGameSummaryJson(g));
  } else {
    for (const StoredGame& g : store_.GameSummaries(offset, limit)) games.push_back(GameSummaryJson(g));
  }
  return {{"kind", eval ? "eval" : "selfplay"}, {"total", total}, {"offset", offset}, {"games", games}};
}

Json RunInspector::Impl::GameView(const Query& q) {
  const bool eval = WantsEvalGames(q);
  std::optional<EvalGame> eval_game;
  const StoredGame g = GameFor(q, "id", &eval_game);
  const auto states = Replay(g.record);
  const auto evals = GameEvals(g);
  std::map<int, const selfplay::PolicyTarget*> targets;
  for (const auto& t : g.record.targets) targets[t.move_number] = &t;
  Json positions = Json::array();
  const game::Player first = states.front()->ToMove();
  for (size_t i = 0; i < states.size(); ++i) {
    const game::State& s = *states[i];
    Json p = PositionJson(s, OutcomeFor(g.record.result, first, s.ToMove()));
    if (i < g.record.moves.size()) {
      p["played"] = g.record.moves[i];
      const auto t = targets.find(static_cast<int>(i));
      if (t != targets.end()) p["target"] = TargetJson(*t->second);
      if (evals) {
        AddEval(&p, evals->evals[i]);
        if (t != targets.end()) p["surprise"] = net::PolicySurprise(evals->evals[i].priors, t->second->visits);
      }
    }
    positions.push_back(std::move(p));
  }
  Json out = eval ? EvalGameSummaryJson(*eval_game) : GameSummaryJson(g);
  const auto row = NetworkRowByHash(g.network);
  if (row) out["network_id"] = row->id;
  out["evaluated"] = evals != nullptr;
  if (const auto own = FinalOwnership(g, *states.back())) out["final_ownership"] = *own;
  out["layout"] = BoardLayout(states.front()->game());  // the game's own board (mixed board sizes)
  out["positions"] = std::move(positions);
  return out;
}

Json RunInspector::Impl::Networks() const {
  std::map<int64_t, Json> strength;  // step -> {key: metric}
  for (const MetricRow& r : store_.Metrics("eval.")) strength[r.step][r.key] = MetricJson(r);
  std::map<std::string, int64_t> ids;
  Json out = Json::array();
  for (const NetworkRow& row : store_.Networks()) {
    ids[row.hash] = row.id;
    Json n = {{"id", row.id}, {"hash", row.hash}, {"parent", row.parent}, {"step", row.step},
              {"created", row.created}, {"games_before", store_.GamesStoredBefore(row.created)}};
    n["parent_id"] = ids.count(row.parent) ? Json(ids[row.parent]) : Json(nullptr);
    const auto s = strength.find(row.step);
    n["strength"] = s == strength.end() ? Json::object() : s->second;
    out.push_back(std::move(n));
  }
  return {{"networks", out}};
}

Json RunInspector::Impl::Compare(const Query& q) {
  for (const char* name : {"game", "move", "a", "b"}) RequireParam(q, name);
  std::optional<EvalGame> eval_game;
  const StoredGame g = GameFor(q, "game", &eval_game);
  const int move = static_cast<int>(IntParam(q, "move", 0, 0, static_cast<int64_t>(g.record.moves.size())));
  const auto states = Replay(g.record);
  const game::State& s = *states[static_cast<size_t>(move)];
  if (s.IsTerminal()) throw HttpError(400, "position " + std::to_string(move) + " is the end of the game");
  Json out = PositionJson(s, OutcomeFor(g.record.result, states.front()->ToMove(), s.ToMove()));
  out["layout"] = BoardLayout(s.game());
  for (const auto& t : g.record.targets) {
    if (t.move_number == move) out["target"] = TargetJson(t);
  }
  net::Network::SetThreadsForThisThread(1);
  for (const char* side : {"a", "b"}) {
    const NetworkRow row = NetworkByIdOrError(IntParam(q, side, 0, 1, INT64_MAX));
    const auto network = LoadNetwork(row);
    const auto e = net::EvaluatePositions(*network, s.game(), {&s});
    Json n = {{"id", row.id}, {"hash", row.hash}, {"step", row.step}};
    AddEval(&n, e[0]);
    out[side] = std::move(n);
  }
  return out;
}

RunInspector::RunInspector(const Store& store, std::string run_dir, InspectParams params)
    : impl_(std::make_unique<Impl>(store, std::move(run_dir), params)) {}
RunInspector::~RunInspector() = default;

std::optional<PageFile> RunInspector::File(std::string_view name) const {
  const WebAsset* asset = FindWebAsset(name);
  if (!asset) return std::nullopt;
  return PageFile{asset->content_type, asset->text};
}

InspectReply RunInspector::Get(const std::string& path, const std::map<std::string, std::string>& query) {
  return impl_->Get(path, query);
}

}  // namespace descent::trainer
