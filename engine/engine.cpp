#include "engine/engine.h"

#include <algorithm>
#include <cmath>

#include "game/go.h"
#include "game/registry.h"
#include "game/user_error.h"

namespace descent::engine {

Engine::Engine(std::shared_ptr<const net::Network> network, const EngineParams& params)
    : network_(std::move(network)), params_(params), rng_(params.seed) {
  server_ = std::make_unique<net::InferenceServer>(network_, params_.inference);
  NewGame(network_->config().game_spec);
}

Engine::~Engine() = default;

std::unique_ptr<Engine> Engine::FromFile(const std::string& path, const EngineParams& params) {
  return std::make_unique<Engine>(net::Network::Load(path), params);
}

void Engine::SwapNetwork(const std::string& path) {
  std::shared_ptr<const net::Network> network = net::Network::Load(path);
  network->CheckFits(*game_);
  network_ = std::move(network);
  server_->SwapNetwork(network_);
  evaluator_->NetworkChanged();
  search_ = std::make_unique<mcts::GameSearch>(*game_, *evaluator_, params_.search);
  search_->search().SetRoot(*state_);
}

void Engine::NewGame(const std::string& spec) {
  auto game = game::MakeGame(spec);
  network_->CheckFits(*game);  // throws before anything changes
  game_ = std::move(game);
  state_ = game_->NewInitialState();
  moves_.clear();
  handicap_.clear();
  evaluator_ = std::make_unique<net::NetEvaluator>(*game_, *server_, net::NetEvaluatorParams{});
  search_ = std::make_unique<mcts::GameSearch>(*game_, *evaluator_, params_.search);
  search_->search().SetRoot(*state_);
}

void Engine::Play(game::Move move) {
  state_->PlayChecked(move);
  moves_.push_back(move);
  search_->search().AdvanceRoot(move);  // keeps the subtree: tree reuse
}

bool Engine::Undo() {
  if (moves_.empty()) return false;
  moves_.pop_back();
  Rebuild();
  return true;
}

void Engine::SetHandicap(const std::vector<game::Move>& points) {
  const auto* go = dynamic_cast<const game::GoGame*>(game_.get());
  if (!go) throw game::UserError("handicap stones are for Go");
  if (!moves_.empty() || !handicap_.empty()) throw game::UserError("board not empty");
  auto state = std::make_unique<game::GoState>(*go);
  for (game::Move m : points) state->AddSetupStone(m, 0);  // throws on a repeated or bad point
  state->FinishSetup(1);
  handicap_ = points;
  state_ = std::move(state);
  search_->search().SetRoot(*state_);
}

void Engine::Rebuild() {
  if (auto* go = dynamic_cast<const game::GoGame*>(game_.get()); go && !handicap_.empty()) {
    auto state = std::make_unique<game::GoState>(*go);
    for (game::Move m : handicap_) state->AddSetupStone(m, 0);
    state->FinishSetup(1);
    state_ = std::move(state);
  } else {
    state_ = game_->NewInitialState();
  }
  for (game::Move m : moves_) state_->Play(m);
  search_->search().SetRoot(*state_);
}

std::vector<CandidateMove> Engine::CandidatesOf(const mcts::Search& search) const {
  std::vector<CandidateMove> out;
  for (const mcts::MoveStats& m : search.RootStats()) {
    if (m.visits == 0 && !params_.analysis_with_unvisited) continue;
    CandidateMove c;
    c.move = m.move;
    c.visits = m.visits;
    c.winrate = (m.q + 1) / 2;
    c.prior = m.prior;
    // Normal approximation with the results' spread bounded by 1: a cheap,
    // conservative bound for ordering (Leela Zero shows the same idea).
    c.lcb = m.visits ? std::max(0.0f, c.winrate - 1.96f * 0.5f / std::sqrt(static_cast<float>(m.visits))) : 0.0f;
    if (m.visits) c.pv = search.PrincipalVariationAfter(m.move, 10);
    out.push_back(std::move(c));
  }
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.visits > b.visits; });
  return out;
}

std::vector<CandidateMove> Engine::Candidates() const { return CandidatesOf(search_->search()); }

ThinkResult Engine::Think(const mcts::SearchLimits& limits, AnalysisFn on_analysis, double interval,
                          const std::atomic<bool>* stop) {
  ThinkResult result;
  if (state_->IsTerminal()) return result;
  if (!stop) {
    stop_ = false;
    stop = &stop_;
  }
  if (on_analysis) {
    search_->SetProgress(
        [this, &on_analysis](const mcts::Search& s, const mcts::SearchInfo& info) {
          on_analysis(CandidatesOf(s), info.root_visits);
        },
        interval);
  } else {
    search_->SetProgress(nullptr, 0);
  }
  const mcts::SearchInfo info = search_->Run(limits, stop);
  search_->SetProgress(nullptr, 0);
  const float temperature = static_cast<int>(moves_.size()) < params_.random_moves ? 1.0f : 0.0f;
  result.move = search_->search().PickMove(temperature, rng_);
  result.visits = info.root_visits;
  result.seconds = info.seconds;
  result.winrate = (search_->search().RootValue() + 1) / 2;
  if (params_.allow_resign && search_->search().RootValue() < params_.resign_threshold) result.move = game::kNoMove;
  return result;
}

}  // namespace descent::engine
