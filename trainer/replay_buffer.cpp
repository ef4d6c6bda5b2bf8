#include "trainer/replay_buffer.h"

#include <algorithm>

#include "game/go.h"

namespace descent::trainer {

ReplayBuffer::ReplayBuffer(const game::Game& game, int64_t window, const std::string& encoding,
                           float value_q_weight)
    : game_(game),
      window_(window),
      value_q_weight_(value_q_weight),
      encoder_(net::Encoder::ForGame(game, encoding)),
      variants_(game, game::GameVariants::AnyKomi(game)) {
  // Stored games were checked against the run's boards when they arrived.
  if (dynamic_cast<const game::GoGame*>(&game)) variants_.AcceptAnySmallerBoard();
}

void ReplayBuffer::Add(selfplay::GameRecord game) {
  if (game.targets.empty()) return;
  const game::Game& variant = variants_.ForSpec(game.game_spec);
  auto& initial = initial_[&variant];
  if (!initial) initial = variant.NewInitialState();
  first_sample_.push_back(dropped_ + samples_);
  samples_ += static_cast<int64_t>(game.targets.size());
  finals_.push_back(Final(variant, game));
  initials_.push_back(initial.get());
  games_.push_back(std::move(game));
  while (!games_.empty() && samples_ - static_cast<int64_t>(games_.front().targets.size()) >= window_) {
    const int64_t n = static_cast<int64_t>(games_.front().targets.size());
    samples_ -= n;
    dropped_ += n;
    games_.pop_front();
    finals_.pop_front();
    initials_.pop_front();
    first_sample_.pop_front();
  }
}

ReplayBuffer::FinalPosition ReplayBuffer::Final(const game::Game& variant, const selfplay::GameRecord& game) const {
  FinalPosition final_position;
  if (game.resigned || !dynamic_cast<const game::GoGame*>(&variant)) return final_position;
  auto state = variant.NewInitialState();
  for (game::Move m : game.moves) {
    if (state->IsTerminal() || !state->IsLegal(m)) return final_position;  // (stored games are checked; be safe)
    state->Play(m);
  }
  if (!state->IsTerminal()) return final_position;
  const auto& go = static_cast<const game::GoState&>(*state);
  final_position.ownership.resize(static_cast<size_t>(variant.BoardWidth()) * variant.BoardHeight());
  go.AreaOwnership(final_position.ownership.data());
  final_position.black_score = go.ScoreForBlack();  // with the game's komi
  return final_position;
}

void ReplayBuffer::SampleBatch(int count, std::mt19937_64& rng, float* input, float* policy, float* value,
                               const AuxTargets* aux) const {
  const int input_size = encoder_->InputSize();
  const int moves = game_.NumMoves();
  std::uniform_int_distribution<int64_t> pick(0, samples_ - 1);
  std::uniform_int_distribution<int> pick_sym(0, game_.NumSymmetries() - 1);
  // Positions are rebuilt in one reused state: no allocation per sample.
  auto state = game_.NewInitialState();
  for (int b = 0; b < count; ++b) {
    // Find the game holding the chosen sample (games are in sample order).
    const int64_t index = dropped_ + pick(rng);
    const size_t g = std::upper_bound(first_sample_.begin(), first_sample_.end(), index) - first_sample_.begin() - 1;
    const selfplay::GameRecord& game = games_[g];
    const selfplay::PolicyTarget& target = game.targets[index - first_sample_[g]];
    state->CopyFrom(*initials_[g]);  // the game's own komi
    for (int i = 0; i < target.move_number; ++i) state->Play(game.moves[i]);
    const int sym = pick_sym(rng);
    encoder_->Encode(*state, sym, input + static_cast<size_t>(b) * input_size);
    float* p = policy + static_cast<size_t>(b) * moves;
    std::fill(p, p + moves, 0.0f);
    // Moves through the sample's symmetry on its own board, then into the
    // network's frame (a mixed run's smaller board sits in its corner).
    const game::Game& board = state->game();
    const auto to_frame = [&](game::Move m) { return encoder_->FrameMove(*state, board.TransformMove(m, sym)); };
    for (const auto& [m, share] : target.visits) p[to_frame(m)] = share;
    value[b] = state->ToMove() == 0 ? game.result : -game.result;
    if (target.root_value) value[b] = (1 - value_q_weight_) * value[b] + value_q_weight_ * *target.root_value;
    if (aux && aux->opponent_policy) {
      float* reply = aux->opponent_policy + static_cast<size_t>(b) * moves;
      std::fill(reply, reply + moves, 0.0f);
      const size_t next = static_cast<size_t>(target.move_number) + 1;
      aux->opponent_weight[b] = next < game.moves.size() ? 1.0f : 0.0f;
      if (next < game.moves.size()) reply[to_frame(game.moves[next])] = 1.0f;
    }
    if (aux && aux->ownership) {
      const int area = game_.BoardWidth() * game_.BoardHeight();
      const FinalPosition& final_position = finals_[g];
      float* own = aux->ownership + static_cast<size_t>(b) * area;
      const float sign = state->ToMove() == 0 ? 1.0f : -1.0f;
      aux->weight[b] = final_position.ownership.empty() ? 0.0f : 1.0f;
      aux->score[b] = sign * final_position.black_score / static_cast<float>(area);
      std::fill(own, own + area, 0.0f);
      for (int p = 0; p < static_cast<int>(final_position.ownership.size()); ++p) {
        own[to_frame(p)] = sign * final_position.ownership[p];
      }
    }
  }
}

}  // namespace descent::trainer
