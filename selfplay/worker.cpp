#include "selfplay/worker.h"

#include "mcts/multi_game_search.h"

namespace descent::selfplay {

SelfPlayWorker::SelfPlayWorker(const game::Game& game, std::shared_ptr<const net::Network> network,
                               const WorkerParams& params, SelfPlay::Sink sink)
    : game_(game),
      params_(params),
      server_(std::move(network), params.inference),
      // Scores only for the search's score utility (the head costs a little).
      evaluator_(game, server_, {.scores = params.search.score_utility_weight > 0, .seed = params.seed}),
      sink_(std::move(sink)),
      self_play_(game, params.self_play, params.games, params.seed,
                 [this](GameRecord&& record) {
                   games_.fetch_add(1);
                   const uint64_t now = server_.Stats().positions;
                   const uint64_t before = evals_at_last_game_.exchange(now);
                   record.evals = now > before ? static_cast<int64_t>(now - before) : 0;
                   sink_(std::move(record));
                 },
                 [this] { return CurrentNetwork(); }) {}

std::string SelfPlayWorker::CurrentNetwork() const { return server_.network()->info().content_hash; }

void SelfPlayWorker::SetNetwork(std::shared_ptr<const net::Network> network) {
  server_.SwapNetwork(std::move(network));
  evaluator_.NetworkChanged();
}

void SelfPlayWorker::Run(const std::atomic<bool>& stop) {
  mcts::MultiGameSearch driver(game_, evaluator_, params_.search, params_.games, params_.groups, params_.seed);
  {
    std::lock_guard lock(driver_mutex_);
    driver_ = &driver;
  }
  driver.Run(self_play_, &stop);
  std::lock_guard lock(driver_mutex_);
  visits_before_ += driver.Visits();
  driver_ = nullptr;
}

WorkerStats SelfPlayWorker::Stats() const {
  std::lock_guard lock(driver_mutex_);
  return {games_.load(), server_.Stats().positions, visits_before_ + (driver_ ? driver_->Visits() : 0)};
}

}  // namespace descent::selfplay
