#include "selfplay/self_play.h"

#include <algorithm>
#include <cmath>

#include "game/go.h"
#include "game/opening.h"

namespace descent::selfplay {

SelfPlay::SelfPlay(const game::Game& game, const SelfPlayParams& params, int slots, uint64_t seed, Sink sink,
                   std::function<std::string()> network)
    : game_(game),
      params_(params),
      variants_(game, MaxKomiOffset(params)),
      sink_(std::move(sink)),
      network_(std::move(network)),
      slots_(slots) {
  ResolveDefaults(game, &params_);
  mixed_boards_ = variants_.AddBoards(params_.mixed_board);
  for (int i = 0; i < slots; ++i) slots_[i].rng.seed(seed * 1000003 + i);
}

void ResolveDefaults(const game::Game& game, SelfPlayParams* p) {
  const game::GameTraits t = game.Traits();
  if (p->full_visits <= 0) p->full_visits = t.full_visits;
  if (p->fast_visits <= 0) p->fast_visits = t.fast_visits;
  if (p->full_fraction <= 0) p->full_fraction = t.full_fraction;
  if (p->temperature_moves < 0) p->temperature_moves = t.temperature_moves;
  if (p->gumbel_simulations < 0) p->gumbel_simulations = t.gumbel_simulations;
  if (p->proved_targets < 0) p->proved_targets = t.proved_targets ? 1 : 0;
}

float MaxKomiOffset(const SelfPlayParams& params) {
  return std::floor(3.0f * std::max(0.0f, params.komi_spread) * 2.0f) / 2.0f;
}

const game::OptionTable<SelfPlayParams>& SelfPlayOptions() {
  using P = SelfPlayParams;
  static const game::OptionTable<P> table = [] {
    game::OptionTable<P> t;
    t.Add("full-visits", &P::full_visits, "visits of full searches (training targets; 0: the game's default)", 0,
          100000)
        .Add("fast-visits", &P::fast_visits, "visits of fast searches (0: the game's default)", 0, 100000)
        .Add("full-fraction", &P::full_fraction, "share of moves searched fully (0: the game's default)", 0.0, 1.0)
        .Add("temperature-moves", &P::temperature_moves,
             "moves chosen in proportion to visits (-1: the game's default)", -1, 100000)
        .Add("fresh-full-search", &P::fresh_full_search,
             "full searches start from a fresh tree (unbiased targets) instead of the reused one")
        .Add("gumbel-simulations", &P::gumbel_simulations,
             "Gumbel AlphaZero self-play with this many simulations a move (0: PUCT with playout caps; -1: the "
             "game's default)",
             -1, 100000)
        .Add("gumbel-considered", &P::gumbel_considered, "Gumbel: root candidates (sequential halving)", 2, 1000)
        .Add("proved-targets", &P::proved_targets,
             "PUCT policy targets follow the search's proofs: proved wins only, no proved losses (1 on, 0 off, -1: "
             "the game's default)",
             -1, 1)
        .Add("komi-spread", &P::komi_spread,
             "Go: each game's komi varies around the game's by a normal offset of this standard deviation in "
             "points, rounded to a half point (0: off)",
             0.0, 50.0)
        .Add("resign-playout-fraction", &P::resign_playout_fraction,
             "share of self-play games that never resign, played out to calibrate the threshold (1: none resigns)",
             0.0, 1.0)
        .Add("random-opening-fraction", &P::random_opening_fraction,
             "share of games that start from a random opening (untrained random moves)", 0.0, 1.0)
        .Add("random-opening-moves", &P::random_opening_moves,
             "a random opening is 1 to this many uniformly random moves", 1, 1000)
        .Add("mixed-board", &P::mixed_board,
             "Go: also play these smaller boards in the run, with the same network, comma-separated (e.g. "
             "go:7:komi=9, or go:7:komi=9,go:5:komi=4, in a go:9 run; \"\": off)")
        .Add("mixed-board-fraction", &P::mixed_board_fraction,
             "share of games played on the --mixed-board boards, split evenly among them", 0.0, 1.0);
    return t;
  }();
  return table;
}

std::unique_ptr<game::State> SelfPlay::StartGame(int slot) {
  if (stop_starting_) return nullptr;
  Slot& s = slots_[slot];
  s.record = GameRecord{};
  s.record.uuid = NewUuid();
  const game::Game* game = &game_;
  if (!mixed_boards_.empty() && std::uniform_real_distribution<float>(0, 1)(s.rng) < params_.mixed_board_fraction) {
    game = mixed_boards_[std::uniform_int_distribution<size_t>(0, mixed_boards_.size() - 1)(s.rng)];
  }
  if (params_.komi_spread > 0) {
    const float offset = std::round(2.0f * std::normal_distribution<float>(0, params_.komi_spread)(s.rng)) / 2.0f;
    const float max_offset = variants_.MaxOffset();
    const float komi = static_cast<const game::GoGame&>(*game).Komi() + std::clamp(offset, -max_offset, max_offset);
    game = &variants_.WithKomi(*game, komi);
  }
  s.record.game_spec = game->Spec();
  s.record.network = network_();
  s.record.resign_allowed = std::uniform_real_distribution<float>(0, 1)(s.rng) >= params_.resign_playout_fraction;
  s.min_value[0] = s.min_value[1] = 1;
  auto state = game->NewInitialState();
  if (params_.random_opening_fraction > 0 &&
      std::uniform_real_distribution<float>(0, 1)(s.rng) < params_.random_opening_fraction) {
    const int moves = std::uniform_int_distribution<int>(1, std::max(1, params_.random_opening_moves))(s.rng);
    game::PlayRandomOpening(state.get(), moves, s.rng);
    // (A random opening that ends the game would be a game without a move
    // to learn from: start from the empty board instead.)
    if (state->IsTerminal()) state = game->NewInitialState();
    s.record.moves = state->MoveHistory();
  }
  return state;
}

mcts::MovePlan SelfPlay::PlanMove(int slot, const game::State&) {
  Slot& s = slots_[slot];
  if (params_.gumbel_simulations > 0) {
    s.full = true;
    mcts::MovePlan plan;
    plan.visits = params_.gumbel_simulations + 1;
    plan.gumbel_simulations = params_.gumbel_simulations;
    plan.gumbel_considered = params_.gumbel_considered;
    return plan;
  }
  s.full = std::uniform_real_distribution<float>(0, 1)(s.rng) < params_.full_fraction;
  // Noise only where the search becomes a target: cheap searches should play
  // their best move.
  return {s.full ? params_.full_visits : params_.fast_visits, s.full, s.full && params_.fresh_full_search};
}

game::Move SelfPlay::ChooseMove(int slot, const mcts::Search& search, std::mt19937_64& rng) {
  Slot& s = slots_[slot];
  const game::State& state = search.RootState();
  const game::Player mover = state.ToMove();
  const float value = search.RootValue();
  s.min_value[mover] = std::min(s.min_value[mover], value);
  const float threshold = resign_threshold_;
  if (s.record.resign_allowed && value < threshold &&
      state.MoveNumber() >= params_.resign_min_progress * state.game().MaxGameLength()) {
    return game::kNoMove;  // resign
  }
  const bool gumbel = search.GumbelActive();
  if (s.full) {
    PolicyTarget target;
    target.move_number = state.MoveNumber();
    target.root_value = std::clamp(value, -1.0f, 1.0f);
    const std::vector<float> dist =
        gumbel ? search.ImprovedPolicy() : search.VisitDistribution(params_.proved_targets > 0);
    // The improved policy gives every legal move some mass: shares below
    // kMinTargetShare are dropped (and the rest renormalised) so a stored
    // 9x9 target stays a few entries, not 82.
    constexpr float kMinTargetShare = 1e-3f;
    float kept = 0;
    for (game::Move m = 0; m < static_cast<int>(dist.size()); ++m) {
      if (dist[m] > (gumbel ? kMinTargetShare : 0.0f)) target.visits.emplace_back(m, dist[m]), kept += dist[m];
    }
    for (auto& entry : target.visits) entry.second /= kept;
    if (!target.visits.empty()) s.record.targets.push_back(std::move(target));
  }
  const float temperature = state.MoveNumber() < params_.temperature_moves ? 1.0f : 0.0f;
  // Gumbel: the noise already samples the move (without replacement among
  // the candidates); no temperature on top.
  const game::Move move = gumbel ? search.GumbelMove() : search.PickMove(temperature, rng);
  s.record.moves.push_back(move);
  return move;
}

void SelfPlay::EndGame(int slot, const game::State& final_state) {
  Slot& s = slots_[slot];
  if (final_state.IsTerminal()) {
    s.record.result = final_state.Outcome(0);
  } else {  // the side to move resigned
    s.record.resigned = true;
    s.record.result = final_state.ToMove() == 0 ? -1.0f : 1.0f;
  }
  s.record.non_loser_min_value = s.record.result > 0   ? s.min_value[0]
                                 : s.record.result < 0 ? s.min_value[1]
                                                       : std::min(s.min_value[0], s.min_value[1]);
  sink_(std::move(s.record));
}

}  // namespace descent::selfplay
