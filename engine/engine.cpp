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
  return std::make_unique<Engine>(net::Network::Load(path, params.device), params);
}

void Engine::SwapNetwork(const std::string& path) {
  std::shared_ptr<const net::Network> network = net::Network::Load(path, params_.device);
  network->CheckFits(*game_);
  server_->SwapNetwork(network);  // throws, changing nothing, for another board or input size
  network_ = std::move(network);
  evaluator_->NetworkChanged();
  MakeSearch();
  search_->search().SetRoot(*state_);
}

void Engine::NewGame(const std::string& spec) {
  auto game = game::MakeGame(spec);
  network_->CheckFits(*game);  // throws before anything changes
  game_ = std::move(game);
  state_ = game_->NewInitialState();
  moves_.clear();
  colours_.clear();
  turn_.reset();
  setup_.clear();
  first_to_move_ = 0;
  // Scores too: analysis shows each move's mean final score (networks with a
  // score head; the server skips the head for the others).
  evaluator_ = std::make_unique<net::NetEvaluator>(*game_, *server_, net::NetEvaluatorParams{.scores = true});
  MakeSearch();
  search_->search().SetRoot(*state_);
}

void Engine::NewGame(const std::string& spec, std::shared_ptr<const net::Network> network) {
  network->CheckFits(*game::MakeGame(spec));  // throws before anything changes
  // The inference server's buffers are sized for one network's inputs and
  // outputs: another board size needs a server of its own.
  search_.reset();
  evaluator_.reset();
  server_ = std::make_unique<net::InferenceServer>(network, params_.inference);
  network_ = std::move(network);
  NewGame(spec);
}

void Engine::Play(game::Move move) {
  const game::Player colour = state_->ToMove();
  state_->PlayChecked(move);
  moves_.push_back(move);
  colours_.push_back(colour);
  // Keeps the subtree (tree reuse), unless the tree was searched for the
  // other colour (SetTurn).
  if (turn_) {
    search_->search().SetRoot(*state_);
  } else {
    search_->search().AdvanceRoot(move);
  }
  turn_.reset();
}

void Engine::PlayAs(game::Player colour, game::Move move) {
  auto* go = dynamic_cast<game::GoState*>(state_.get());
  // Go after both sides passed: GoState::PlayAs resumes the game.
  if (colour == state_->ToMove() && (!go || !state_->IsTerminal())) return Play(move);
  if (!go) throw game::UserError("it is not that player's turn");
  go->PlayAs(colour, move);
  moves_.push_back(move);
  colours_.push_back(colour);
  turn_.reset();
  search_->search().SetRoot(*state_);
}

void Engine::SetTurn(game::Player colour) {
  if (colour == state_->ToMove()) return;
  auto* go = dynamic_cast<game::GoState*>(state_.get());
  if (!go) throw game::UserError("it is not that player's turn");
  go->SetToMove(colour);
  turn_ = colour;
  search_->search().SetRoot(*state_);
}

bool Engine::Undo() {
  if (moves_.empty()) return false;
  moves_.pop_back();
  colours_.pop_back();
  turn_.reset();  // a turn given after the last move goes with it
  Rebuild();
  return true;
}

void Engine::SetHandicap(const std::vector<game::Move>& points) {
  std::vector<std::pair<game::Move, game::Player>> stones;
  for (game::Move m : points) stones.emplace_back(m, 0);
  SetSetup(stones, 1);  // White moves first after handicap stones
}

void Engine::SetSetup(const std::vector<std::pair<game::Move, game::Player>>& stones, game::Player first_to_move) {
  const auto* go = dynamic_cast<const game::GoGame*>(game_.get());
  if (!go) throw game::UserError("set-up stones are for Go");
  if (!moves_.empty() || !setup_.empty()) throw game::UserError("board not empty");
  auto state = std::make_unique<game::GoState>(*go);
  for (const auto& [m, colour] : stones) state->AddSetupStone(m, colour);  // throws on a repeated or bad point
  state->FinishSetup(first_to_move);
  setup_ = stones;
  first_to_move_ = first_to_move;
  turn_.reset();
  state_ = std::move(state);
  search_->search().SetRoot(*state_);
}

void Engine::Respec(const std::string& spec) {
  const auto setup = setup_;
  const auto moves = moves_;
  const auto colours = colours_;
  const auto turn = turn_;
  const game::Player first = first_to_move_;
  NewGame(spec);
  setup_ = setup, first_to_move_ = first, moves_ = moves, colours_ = colours, turn_ = turn;
  Rebuild();
}

void Engine::Rebuild() {
  if (auto* go = dynamic_cast<const game::GoGame*>(game_.get()); go && !setup_.empty()) {
    auto state = std::make_unique<game::GoState>(*go);
    for (const auto& [m, colour] : setup_) state->AddSetupStone(m, colour);
    state->FinishSetup(first_to_move_);
    state_ = std::move(state);
  } else {
    state_ = game_->NewInitialState();
  }
  auto* go = dynamic_cast<game::GoState*>(state_.get());
  for (size_t i = 0; i < moves_.size(); ++i) {
    if (go && colours_[i] != state_->ToMove()) {
      go->PlayAs(colours_[i], moves_[i]);
    } else {
      state_->Play(moves_[i]);
    }
  }
  if (go && turn_) go->SetToMove(*turn_);
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
    c.score = m.score;
    // Normal approximation with the results' spread bounded by 1: a cheap,
    // conservative bound for ordering (Leela Zero shows the same idea).
    c.lcb = m.visits ? std::max(0.0f, c.winrate - 1.96f * 0.5f / std::sqrt(static_cast<float>(m.visits))) : 0.0f;
    if (m.visits) c.pv = search.PrincipalVariationAfter(m.move, 10);
    out.push_back(std::move(c));
  }
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.visits != b.visits ? a.visits > b.visits : (a.visits == 0 && a.prior > b.prior);
  });
  return out;
}

std::vector<CandidateMove> Engine::Candidates() const { return CandidatesOf(search_->search()); }

void Engine::SetMoveFilters(std::vector<mcts::MoveFilter> filters) { search_->search().SetMoveFilters(std::move(filters)); }

void Engine::MakeSearch() {
  // A finished Go game's score (area with komi) comes from State::FinalScore.
  search_ = std::make_unique<mcts::GameSearch>(*game_, *evaluator_, params_.search);
}

bool Engine::HasScoreHeads() const { return network_->config().aux_heads; }

std::optional<Engine::PositionEstimate> Engine::Estimate() const {
  if (!HasScoreHeads() || state_->IsTerminal()) return std::nullopt;
  const net::NetConfig& c = network_->config();
  std::vector<float> input(static_cast<size_t>(c.input_planes) * c.height * c.width);
  evaluator_->encoder().Encode(*state_, 0, input.data());  // symmetry 0: the board as it stands
  std::vector<float> logits(static_cast<size_t>(c.policy_size));
  float value = 0;
  PositionEstimate estimate;
  std::vector<float> frame_ownership(static_cast<size_t>(c.height) * c.width);
  network_->Forward(input.data(), 1, logits.data(), &value, frame_ownership.data(), &estimate.score);
  // A smaller board sits in the corner of a network's larger frame.
  const int points = game_->BoardWidth() * game_->BoardHeight();
  estimate.ownership.resize(points);
  for (int p = 0; p < points; ++p) estimate.ownership[p] = frame_ownership[evaluator_->encoder().FrameMove(*state_, p)];
  return estimate;
}

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
