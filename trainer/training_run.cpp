#include "trainer/training_run.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <sstream>
#include <thread>
#include <tuple>

#include <nlohmann/json.hpp>

#include "game/game_variants.h"
#include "game/go.h"
#include "game/registry.h"
#include "game/user_error.h"
#include "net/encoder.h"
#include "net/net_config.h"
#include "net/network.h"
#include "selfplay/search_recipe.h"
#include "selfplay/trainer_client.h"
#include "selfplay/worker.h"
#include "trainer/evaluation.h"
#include "trainer/gtp_player.h"
#include "trainer/replay_buffer.h"
#include "trainer/run_inspector.h"
#include "trainer/run_log.h"
#include "trainer/store.h"
#include "trainer/trainer.h"

namespace descent::trainer {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

class TrainingRun::Impl {
 public:
  Impl(TrainingRun& owner, const TrainRunParams& params, const std::string& resolved_config, TrainRunOutput output);
  TrainRunSummary Run(const std::atomic<bool>* stop);

  std::optional<NetworkOffer> NewestNetwork();
  std::optional<int64_t> NetworkGeneration(const std::string& hash);
  StoreOutcome StoreGames(const std::vector<selfplay::GameRecord>& games);
  std::string SelfPlayJson();
  std::string StatusJson();
  int port() const { return port_.load(); }

 private:
  // A network to evaluate: the published snapshot itself, not its file.
  struct EvalJob {
    std::shared_ptr<const net::Network> network;
    std::string path;
    int64_t step = 0;
  };

  void Message(const std::string& line);
  void StartServer();
  std::shared_ptr<net::Network> LoadLatestGoodNetwork();
  std::shared_ptr<net::Network> LoadInit();
  void RestoreLadder();
  void Publish();
  void StoreFinishedGames();
  void Calibrate();
  void EvalLoop();
  void Evaluate(const EvalJob& job);
  void ReportProgress(bool final);

  TrainingRun& owner_;
  TrainRunParams p_;
  TrainRunOutput out_;
  std::unique_ptr<game::Game> game_;
  fs::path run_;
  // A new run's --init network, loaded and checked before the run directory
  // is made (a refused one leaves nothing behind).
  std::shared_ptr<net::Network> init_;
  bool init_reshaped_ = false;  // deepened or given a new value head: its optimizer state does not fit
  std::unique_ptr<Store> store_;
  std::unique_ptr<Trainer> trainer_;
  std::unique_ptr<ReplayBuffer> replay_;
  std::unique_ptr<selfplay::SelfPlayWorker> worker_;
  std::string latest_hash_;
  int64_t published_step_ = 0;
  Clock::time_point evals_rate_since_;
  int64_t last_publish_evals_ = -1;  // -1: no network published by this process yet
  std::shared_ptr<const net::Network> first_;
  LadderRung ladder_;  // the newest rated network: the next one plays it (eval thread only)
  float resign_threshold_ = -2.0f;
  Losses losses_;
  float loss_count_ = 0;

  std::mutex finished_mutex_;
  std::vector<selfplay::GameRecord> finished_;
  // Games remote workers sent, already in the store; the training loop
  // moves them into the replay window.
  std::vector<selfplay::GameRecord> remote_stored_;
  std::unique_ptr<RunInspector> inspector_;  // the run page's data; outlives server_
  std::unique_ptr<TrainerServer> server_;
  std::atomic<int> port_{0};
  // Copies for the server threads' status answers.
  std::atomic<int64_t> status_step_{0}, status_games_{0}, status_samples_{0};
  std::atomic<float> status_resign_threshold_{-2.0f};
  std::mutex last_eval_mutex_;
  std::string last_eval_ = "none yet";

  std::mutex eval_mutex_;
  std::condition_variable eval_cv_;
  std::deque<EvalJob> eval_queue_;
  std::atomic<bool> stop_eval_{false};

  std::unique_ptr<RunLog> log_;  // RUN/train.log
  Clock::time_point last_logged_{};
  Clock::time_point start_ = Clock::now();
  int64_t games_at_start_ = 0;
  // Lineage totals: the games and net evaluations behind the network the
  // run started from (train --init), and the evaluations this run made
  // before the current process (RUN state, written at each publish).
  int64_t lineage_games_ = 0, lineage_evals_ = 0, evals_before_ = 0;
  // Net evaluations of the remote workers' games this run stored (each
  // record says its own; RUN state, written at each publish).
  int64_t remote_evals_ = 0;
  int64_t lineage_steps_ = 0;  // the --init network's training step (the reuse bound counts from it)
  int64_t games_stored_ = 0;  // in the store (kept here: COUNT(*) is a scan)
  int64_t samples_stored_ = 0;
  uint64_t positions_at_last_print_ = 0, visits_at_last_print_ = 0;
  // Seconds between the two newest networks this process published (0: fewer).
  double network_seconds_ = 0;
  std::optional<Clock::time_point> last_publish_time_;
  Clock::time_point last_print_ = Clock::now();
};

TrainingRun::Impl::Impl(TrainingRun& owner, const TrainRunParams& params, const std::string& resolved_config,
                        TrainRunOutput output)
    : owner_(owner), p_(params), out_(std::move(output)) {
  if (p_.run.empty()) throw game::UserError("a training run needs a run directory");
  game_ = game::MakeGame(p_.game);
  ResolveDefaults(*game_, &p_);
  net::Network::CheckDevice(p_.device);  // before the run directory is touched
  if (!p_.eval_gtp_referee.empty() && !dynamic_cast<const game::GoGame*>(game_.get())) {
    throw game::UserError("--eval-gtp-referee scores Go games; " + game_->Spec() + " is not Go");
  }
  if (p_.self_play.komi_spread > 0 && !dynamic_cast<const game::GoGame*>(game_.get())) {
    throw game::UserError("--komi-spread varies Go's komi; " + game_->Spec() + " has none");
  }
  if (!p_.self_play.mixed_board.empty()) {
    // A malformed or impossible board fails now, with the option's name.
    try {
      game::GameVariants(*game_, 0).AddBoards(p_.self_play.mixed_board);
    } catch (const game::UserError& e) {
      throw game::UserError(std::string("--mixed-board: ") + e.what());
    }
  }
  if (!p_.eval_gtp.empty()) GtpEngineName(p_.eval_gtp);  // a mistyped engine fails now, not at the first evaluation
  run_ = p_.run;
  if (!p_.init.empty() && !fs::exists(run_ / "store.sqlite")) init_ = LoadInit();
  fs::create_directories(run_ / "nets");
  log_ = std::make_unique<RunLog>(run_ / "train.log");
  store_ = std::make_unique<Store>((run_ / "store.sqlite").string());
  if (auto stored = store_->GetState("game"); stored && *stored != game_->Spec()) {
    throw game::UserError("run '" + p_.run + "' trains " + *stored + ", not " + game_->Spec());
  }
  store_->SetState("game", game_->Spec());
  if (!resolved_config.empty()) std::ofstream(run_ / "config.ini") << resolved_config;
}

void TrainingRun::Impl::Message(const std::string& line) {
  if (out_.message) out_.message(line);
}

// The newest network whose file loads and fits; refused ones are reported.
std::shared_ptr<net::Network> TrainingRun::Impl::LoadLatestGoodNetwork() {
  const auto rows = store_->Networks();
  for (auto it = rows.rbegin(); it != rows.rend(); ++it) {
    try {
      std::shared_ptr<net::Network> net = net::Network::Load((run_ / it->path).string(), p_.device);
      net->CheckFits(*game_);
      if (net->info().content_hash != it->hash) throw game::UserError("its content is not the network the store recorded");
      return net;
    } catch (const game::UserError& e) {
      const std::string line =
          "network " + std::to_string(it->id) + " refused: " + e.what() + "; trying an earlier one";
      Message(line);
      log_->Warn(line);
    }
  }
  return nullptr;
}

// Publishing: the trainer's weights as an independent network, written to
// RUN/nets (with the optimizer beside it) for the record, resumes and remote
// workers, and handed in memory to self-play and evaluation.
void TrainingRun::Impl::Publish() {
  char name[64];
  std::snprintf(name, sizeof name, "nets/step-%08lld.safetensors", static_cast<long long>(trainer_->step()));
  const std::string path = (run_ / name).string();
  const std::string parent = latest_hash_;
  std::unique_ptr<net::Network> snapshot = trainer_->Snapshot(parent);
  const int64_t evals = evals_before_ + static_cast<int64_t>(worker_->Stats().positions);
  snapshot->SetSelfPlayTotals(lineage_games_ + games_stored_, lineage_evals_ + evals + remote_evals_);
  store_->SetState("selfplay.evals", std::to_string(evals));
  store_->SetState("selfplay.remote_evals", std::to_string(remote_evals_));
  // Local self-play's net evaluations per second since the last network (the
  // run page's speed chart; remote workers' evaluations are not counted).
  const auto now = Clock::now();
  const double seconds = std::chrono::duration<double>(now - evals_rate_since_).count();
  if (last_publish_evals_ >= 0 && seconds > 0) {
    store_->AddMetric({trainer_->step(), 0, "speed.evals_per_second",
                       static_cast<double>(evals - last_publish_evals_) / seconds, ""});
  }
  evals_rate_since_ = now;
  last_publish_evals_ = evals;
  latest_hash_ = snapshot->Save(path);
  trainer_->SaveOptimizer(path);
  std::shared_ptr<const net::Network> network = std::move(snapshot);
  // The file and its optimizer are on disk before the store names them: a
  // crash in between leaves an unlisted file, never a listed missing one.
  store_->AddNetwork({0, latest_hash_, parent, trainer_->step(), name, 0});
  if (loss_count_ > 0) {
    store_->AddMetric({trainer_->step(), 0, "loss.policy", losses_.policy / loss_count_, ""});
    store_->AddMetric({trainer_->step(), 0, "loss.value", losses_.value / loss_count_, ""});
    if (losses_.ownership > 0) {
      store_->AddMetric({trainer_->step(), 0, "loss.ownership", losses_.ownership / loss_count_, ""});
      store_->AddMetric({trainer_->step(), 0, "loss.score", losses_.score / loss_count_, ""});
    }
    if (losses_.opponent > 0) {
      store_->AddMetric({trainer_->step(), 0, "loss.opponent", losses_.opponent / loss_count_, ""});
    }
  }
  losses_ = {};
  loss_count_ = 0;
  published_step_ = trainer_->step();
  if (last_publish_time_) network_seconds_ = std::chrono::duration<double>(Clock::now() - *last_publish_time_).count();
  last_publish_time_ = Clock::now();
  const size_t networks = store_->Networks().size();
  log_->Info("network " + std::to_string(networks) + " published: step " + std::to_string(trainer_->step()) + ", " +
             name + ", " + latest_hash_.substr(0, 12));
  if (!first_) first_ = network;
  worker_->SetNetwork(network);
  Calibrate();
  if (p_.eval_every > 0 && networks % p_.eval_every == 0) {
    std::lock_guard lock(eval_mutex_);
    eval_queue_.clear();  // only the newest matters when evaluation falls behind
    eval_queue_.push_back({network, path, trainer_->step()});
    eval_cv_.notify_one();
  }
}

// Resign threshold: the value below which at most `resign_false_rate` of
// played-out games' non-losers ever fell (AlphaGo Zero's calibration: a
// resignation is false when the resigner would not have lost).
void TrainingRun::Impl::Calibrate() {
  std::vector<float> values = store_->RecentNonLoserMinValues(500);
  if (values.size() < 20) return;
  std::sort(values.begin(), values.end());
  const size_t k = static_cast<size_t>(p_.resign_false_rate * values.size());
  resign_threshold_ = std::clamp(values[k] - 0.01f, -1.0f, p_.resign_max_threshold);
  worker_->SetResignThreshold(resign_threshold_);
  status_resign_threshold_ = resign_threshold_;
  const double false_rate = static_cast<double>(std::lower_bound(values.begin(), values.end(), resign_threshold_) -
                                                values.begin()) / values.size();
  store_->AddMetric({trainer_->step(), 0, "resign.threshold", resign_threshold_, ""});
  store_->AddMetric({trainer_->step(), 0, "resign.false_rate", false_rate, ""});
  store_->SetState("resign_threshold", std::to_string(resign_threshold_));
  char line[160];
  std::snprintf(line, sizeof line, "resign threshold %.3f: %.1f%% of %zu played-out games' non-losers fell below it",
                resign_threshold_, 100 * false_rate, values.size());
  log_->Info(line);
}

void TrainingRun::Impl::StoreFinishedGames() {
  std::vector<selfplay::GameRecord> games, remote;
  {
    std::lock_guard lock(finished_mutex_);
    games.swap(finished_);
    remote.swap(remote_stored_);
  }
  for (const auto& g : remote) remote_evals_ += g.evals;  // (local self-play is counted by its worker)
  if (!games.empty()) {
    std::vector<bool> is_new;
    store_->AddGames(games, &is_new);  // acknowledged once this returns
    for (size_t i = 0; i < games.size(); ++i) {
      if (is_new[i]) remote.push_back(std::move(games[i]));
    }
  }
  for (auto& g : remote) {  // every game here is new in the store
    games_stored_ += 1;
    samples_stored_ += static_cast<int64_t>(g.targets.size());
    replay_->Add(std::move(g));
  }
  status_games_ = games_stored_;
  status_samples_ = samples_stored_;
}

std::optional<NetworkOffer> TrainingRun::Impl::NewestNetwork() {
  const auto row = store_->LatestNetwork();
  if (!row) return std::nullopt;
  return NetworkOffer{row->id, row->hash, (run_ / row->path).string()};
}

std::optional<int64_t> TrainingRun::Impl::NetworkGeneration(const std::string& hash) {
  for (const auto& row : store_->Networks()) {
    if (row.hash == hash) return row.id;
  }
  return std::nullopt;
}

StoreOutcome TrainingRun::Impl::StoreGames(const std::vector<selfplay::GameRecord>& games) {
  std::vector<bool> is_new;
  const int stored = games.empty() ? 0 : store_->AddGames(games, &is_new);  // committed when this returns
  std::lock_guard lock(finished_mutex_);
  for (size_t i = 0; i < games.size(); ++i) {
    if (is_new[i]) remote_stored_.push_back(games[i]);
  }
  return {stored, static_cast<int>(games.size()) - stored};
}

std::string TrainingRun::Impl::SelfPlayJson() {
  return nlohmann::json{{"game", game_->Spec()},
                        {"games", p_.games},
                        {"full_visits", p_.self_play.full_visits},
                        {"fast_visits", p_.self_play.fast_visits},
                        {"full_fraction", p_.self_play.full_fraction},
                        {"temperature_moves", p_.self_play.temperature_moves},
                        {"fresh_full_search", p_.self_play.fresh_full_search},
                        {"gumbel_simulations", p_.self_play.gumbel_simulations},
                        {"gumbel_considered", p_.self_play.gumbel_considered},
                        {"proved_targets", p_.self_play.proved_targets},
                        {"komi_spread", p_.self_play.komi_spread},
                        {"resign_playout_fraction", p_.self_play.resign_playout_fraction},
                        {"random_opening_fraction", p_.self_play.random_opening_fraction},
                        {"random_opening_moves", p_.self_play.random_opening_moves},
                        {"mixed_board", p_.self_play.mixed_board},
                        {"mixed_board_fraction", p_.self_play.mixed_board_fraction},
                        {"search", selfplay::SearchRecipeJson(p_.search)},
                        {"resign_threshold", status_resign_threshold_.load()}}
      .dump();
}

std::string TrainingRun::Impl::StatusJson() {
  nlohmann::json status{{"run", fs::absolute(run_).string()},
                        {"game", game_->Spec()},
                        {"step", status_step_.load()},
                        {"games", status_games_.load()},
                        {"samples", status_samples_.load()},
                        {"uptime_seconds", std::round(std::chrono::duration<double>(Clock::now() - start_).count())},
                        {"resign_threshold", status_resign_threshold_.load()}};
  if (const auto row = store_->LatestNetwork()) {
    status["network"] = {{"id", row->id}, {"hash", row->hash}, {"step", row->step}, {"file", row->path}};
  }
  std::lock_guard lock(last_eval_mutex_);
  status["evaluation"] = last_eval_;
  return status.dump();
}

// --listen: serve remote workers; the token comes from --token, a token
// file, or is made up and written to RUN/token for the workers to read.
void TrainingRun::Impl::StartServer() {
  if (p_.listen.empty()) return;
  ServerParams params;
  std::tie(params.host, params.port) = ParseListenAddress(p_.listen);
  params.max_network_lag = p_.max_network_lag;
  params.max_komi_offset = selfplay::MaxKomiOffset(p_.self_play);
  params.mixed_board = p_.self_play.mixed_board;
  params.token = p_.token;
  if (params.token.empty() && !p_.token_file.empty()) params.token = selfplay::ReadTokenFile(p_.token_file);
  if (params.token.empty()) {
    const fs::path path = run_ / "token";
    if (fs::exists(path)) {
      params.token = selfplay::ReadTokenFile(path.string());
    } else {
      params.token = selfplay::NewUuid();
      std::ofstream(path) << params.token << "\n";
      fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write);
    }
    Message("workers' token: in " + path.string());
  }
  InspectParams inspect;
  inspect.window = p_.window;
  inspector_ = std::make_unique<RunInspector>(*store_, run_.string(), inspect);
  server_ = std::make_unique<TrainerServer>(*game_, owner_, params, inspector_.get());
  port_ = server_->port();
  const std::string url = "http://" + params.host + ":" + std::to_string(server_->port());
  Message("serving workers on " + url + " (status page at /; the run page at " + url + "/run" +
          (params.host == "127.0.0.1" || params.host == "::1" ? "" : "?token=TOKEN") + ")");
}

// The Elo ladder's top rung, kept across restarts in the store's state.
void TrainingRun::Impl::RestoreLadder() {
  ladder_ = {first_, 0, "the first network"};
  const auto saved = store_->GetState("ladder");
  if (!saved) return;
  std::istringstream in(*saved);
  double elo = 0;
  long long step = 0;
  std::string path;
  if (in >> elo >> step >> std::ws && std::getline(in, path)) {
    try {
      ladder_ = {net::Network::Load(path, p_.device), elo, "step " + std::to_string(step)};
    } catch (const game::UserError&) {  // the file went away: the ladder restarts at the first network
    }
  }
}

void TrainingRun::Impl::EvalLoop() {
  for (;;) {
    EvalJob job;
    {
      std::unique_lock lock(eval_mutex_);
      eval_cv_.wait(lock, [&] { return stop_eval_ || !eval_queue_.empty(); });
      if (stop_eval_) return;
      job = std::move(eval_queue_.front());
      eval_queue_.pop_front();
    }
    // A failed evaluation (an outside engine that died or played an illegal
    // move) is reported and skipped: training goes on, and the next
    // network's evaluation tries again.
    try {
      Evaluate(job);
    } catch (const std::exception& e) {
      const std::string text = "eval step " + std::to_string(job.step) + " failed: " + e.what();
      log_->Warn(text);
      Message(text);
    }
  }
}

void TrainingRun::Impl::Evaluate(const EvalJob& job) {
  EvalParams params;
  params.games = p_.eval_games;
  params.visits = p_.eval_visits;
  params.rollout_visits = p_.eval_rollout_visits;
  params.concurrency = p_.eval_concurrency;
  params.gtp = p_.eval_gtp;
  params.gtp_referee = p_.eval_gtp_referee;
  params.search = p_.search;
  params.cancel = &stop_eval_;
  // The match games, kept for the run page's game browser.
  std::mutex games_mutex;
  std::vector<EvalGame> games;
  params.on_game = [&](const std::string& key, int i, game::Player side, const std::vector<game::Move>& moves,
                       float result) {
    std::lock_guard lock(games_mutex);
    games.push_back({0, job.step, job.network->info().content_hash, key, i, side, moves, result, 0});
  };
  const auto lines = EvaluateNetwork(*game_, job.network, &ladder_, params, p_.seed + job.step);
  if (stop_eval_) return;  // stopped midway: the partial results are not stored
  store_->AddEvalGames(games);
  for (const EvalLine& line : lines) {
    if (line.key != "eval.elo") continue;
    // This network is the ladder's new top rung, kept across restarts.
    ladder_ = {job.network, line.value, "step " + std::to_string(job.step)};
    store_->SetState("ladder", std::to_string(line.value) + " " + std::to_string(job.step) + " " + job.path);
  }
  std::string summary;
  for (const EvalLine& line : lines) {
    store_->AddMetric({job.step, 0, line.key, line.value, line.extra});
    if (line.key == "eval.random" || line.key == "eval.optimal_policy" || line.key == "eval.elo" ||
        line.key == "eval.mcts" || line.key == "eval.gtp" || line.key.rfind("eval.mistakes.", 0) == 0) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%s%s %.3g", summary.empty() ? "" : ", ", line.key.substr(5).c_str(), line.value);
      summary += buf;
    }
  }
  for (const EvalLine& line : lines) {
    if (line.text.empty()) continue;
    const std::string text = "eval step " + std::to_string(job.step) + ": " + line.text;
    log_->Info(text);
    Message(text);
  }
  std::lock_guard lock(last_eval_mutex_);
  last_eval_ = "step " + std::to_string(job.step) + ": " + summary;
}

void TrainingRun::Impl::ReportProgress(bool final) {
  const double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
  const double since = std::chrono::duration<double>(Clock::now() - last_print_).count();
  // One clock for both: the line is shown every status_seconds (at most every
  // kLogSeconds) and logged at the first showing kLogSeconds after the last
  // log, half an interval early rather than one late. Two clocks drifted
  // apart and showed a second line milliseconds after the first, its rates
  // taken over no time (0 evals/s).
  constexpr double kLogSeconds = 30;
  const double interval = std::min(out_.status_seconds, kLogSeconds);
  if (!final && since < interval) return;
  const bool log_due =
      final || std::chrono::duration<double>(Clock::now() - last_logged_).count() >= kLogSeconds - interval / 2;
  const selfplay::WorkerStats w = worker_->Stats();
  const int64_t games = games_stored_;
  const double rate = (games - games_at_start_) / std::max(1.0, elapsed);
  const double evals_rate = (w.positions - positions_at_last_print_) / std::max(1e-3, since);
  const double visits_rate = (w.visits - visits_at_last_print_) / std::max(1e-3, since);
  positions_at_last_print_ = w.positions;
  visits_at_last_print_ = w.visits;
  last_print_ = Clock::now();
  char per_network[32] = "";
  if (network_seconds_ >= 90) {
    std::snprintf(per_network, sizeof per_network, " (%.1f min each)", network_seconds_ / 60);
  } else if (network_seconds_ > 0) {
    std::snprintf(per_network, sizeof per_network, " (%.1f s each)", network_seconds_);
  }
  std::string eval;
  {
    std::lock_guard lock(last_eval_mutex_);
    eval = last_eval_;
  }
  if (server_) {
    const double now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    int active = 0;
    for (const auto& worker : server_->Workers()) active += now - worker.last_contact < 60;
    eval += " | workers " + std::to_string(active);
  }
  // Policy/value losses, ownership/score for a network with aux heads, and
  // the opponent-reply loss ("opp") for a network with that head.
  char aux_losses[64] = "";
  if (loss_count_ && losses_.ownership > 0) {
    std::snprintf(aux_losses, sizeof aux_losses, "/%.3f/%.3f", losses_.ownership / loss_count_,
                  losses_.score / loss_count_);
  }
  if (loss_count_ && losses_.opponent > 0) {
    const size_t used = std::strlen(aux_losses);
    std::snprintf(aux_losses + used, sizeof aux_losses - used, " opp %.3f", losses_.opponent / loss_count_);
  }
  char line[560];
  std::snprintf(line, sizeof line,
                "[%02d:%02d] games %lld (%.1f/s) samples %lld step %lld loss %.3f/%.3f%s net %zu%s visits/s %.0f "
                "evals/s %.0f | eval %s",
                static_cast<int>(elapsed) / 60, static_cast<int>(elapsed) % 60, static_cast<long long>(games), rate,
                static_cast<long long>(replay_->size()), static_cast<long long>(trainer_->step()),
                loss_count_ ? losses_.policy / loss_count_ : 0.0f, loss_count_ ? losses_.value / loss_count_ : 0.0f,
                aux_losses, store_->Networks().size(), per_network, visits_rate, evals_rate, eval.c_str());
  if (out_.status) out_.status(line, final);
  if (log_due) {
    log_->Info(line);
    last_logged_ = Clock::now();
  }
}

// A scalar value head turned into a win/draw/loss one (--wdl-value with an
// --init network that has none) gives the draw this constant logit: 6% of
// the mass where the scalar head said 0, about the share of draws in the
// Connect Four continuations' self-play (7-8%), so the converted network's
// values are the original's shrunk by at most 6% and the draw logit starts
// near where training would take it.
constexpr float kWdlInitDrawLogit = -2.0f;

// The --init network, checked against the game and the asked shape,
// deepened when --blocks asks for more blocks than it has, given a
// win/draw/loss value head when --wdl-value asks for one.
std::shared_ptr<net::Network> TrainingRun::Impl::LoadInit() {
  std::shared_ptr<net::Network> init;
  try {
    init = net::Network::Load(p_.init, p_.device);
    init->CheckFits(*game_);
  } catch (const game::UserError& e) {
    throw game::UserError("--init " + p_.init + ": " + e.what());
  }
  // --blocks / --channels with --init: only a deeper tower is possible (new
  // blocks start as identities); anything else is refused.
  const net::NetConfig have = init->config();
  if (p_.channels > 0 && p_.channels != have.channels) {
    throw game::UserError("--init " + p_.init + " has " + std::to_string(have.channels) + " channels; --channels " +
                          std::to_string(p_.channels) + " cannot change them (leave --channels out)");
  }
  if (p_.blocks > 0 && p_.blocks < have.blocks) {
    throw game::UserError("--init " + p_.init + " has " + std::to_string(have.blocks) + " blocks; --blocks " +
                          std::to_string(p_.blocks) + " would drop some (a continuation can only add blocks)");
  }
  Message("continuing from " + p_.init + " (step " + std::to_string(init->info().training_step) + ", " +
          std::to_string(init->info().selfplay_games) + " self-play games behind it)");
  if (!p_.self_play.mixed_board.empty() && !have.board_mask) {
    // Exactly the same network on its own board; the optimizer state fits.
    init = init->WithBoardMask();
    Message("with a board mask added, to play " + p_.self_play.mixed_board + " too");
  }
  if (p_.wdl_value && !have.wdl_value) {
    init = init->WithWdlValue(kWdlInitDrawLogit);
    init_reshaped_ = true;
    char text[160];
    std::snprintf(text, sizeof text,
                  "its scalar value head turned into a win/draw/loss head (draw logit %.1f): the optimizer starts afresh",
                  kWdlInitDrawLogit);
    Message(text);
  }
  if (p_.blocks > have.blocks) {
    init = init->Deepen(p_.blocks);
    init_reshaped_ = true;
    Message("deepened from " + std::to_string(have.blocks) + " to " + std::to_string(p_.blocks) +
            " blocks: the new blocks start as identities, the optimizer starts afresh");
  }
  return init;
}

TrainRunSummary TrainingRun::Impl::Run(const std::atomic<bool>* stop) {
  // Step 1: the network to continue from (or a fresh one), the replay window.
  std::shared_ptr<net::Network> current = LoadLatestGoodNetwork();
  const bool resumed = current != nullptr;
  if (!current && !p_.init.empty()) {
    if (!store_->Networks().empty()) throw game::UserError("no network of run '" + p_.run + "' loads; see above");
    if (!init_) init_ = LoadInit();  // (a run directory made earlier without networks)
    current = init_;
    store_->SetState("lineage.init", p_.init);
    store_->SetState("lineage.games", std::to_string(current->info().selfplay_games));
    store_->SetState("lineage.evals", std::to_string(current->info().selfplay_evals));
    store_->SetState("lineage.steps", std::to_string(current->info().training_step));
  }
  if (const auto v = store_->GetState("lineage.games")) lineage_games_ = std::stoll(*v);
  if (const auto v = store_->GetState("lineage.evals")) lineage_evals_ = std::stoll(*v);
  if (const auto v = store_->GetState("lineage.steps")) lineage_steps_ = std::stoll(*v);
  if (const auto v = store_->GetState("selfplay.evals")) evals_before_ = std::stoll(*v);
  if (const auto v = store_->GetState("selfplay.remote_evals")) remote_evals_ = std::stoll(*v);
  const bool from_init = current && store_->Networks().empty();
  if (!current) {
    if (!store_->Networks().empty()) throw game::UserError("no network of run '" + p_.run + "' loads; see above");
    net::NetConfig config = net::DefaultNetConfig(*game_, p_.blocks, p_.channels, p_.encoding);
    if (!p_.aux_heads) config.aux_heads = 0;
    if (!p_.global_pooling) config.global_pooling = 0;
    config.wdl_value = p_.wdl_value ? 1 : 0;
    config.opponent_policy = p_.opponent_policy ? 1 : 0;
    config.board_mask = p_.self_play.mixed_board.empty() ? 0 : 1;
    current = net::Network::Random(config, p_.seed, p_.device);
  }
  if (resumed && !p_.self_play.mixed_board.empty() && !current->config().board_mask) {
    // A run continued with --mixed-board: the same network, with a mask.
    current = current->WithBoardMask();
    Message("with a board mask added to the run's network, to play " + p_.self_play.mixed_board + " too");
  }
  const int64_t step = current->info().training_step;
  published_step_ = step;  // a resumed run's next network comes publish_every steps on
  const auto rows = store_->Networks();
  if (!rows.empty()) first_ = net::Network::Load((run_ / rows.front().path).string(), p_.device);
  latest_hash_ = current->info().content_hash;
  // The trainer trains its own copy; `current` keeps serving self-play.
  trainer_ = std::make_unique<Trainer>(current->Clone(),
                                       TrainParams{.batch_size = p_.batch,
                                                   .learning_rate = p_.lr,
                                                   .lr_drop_steps = p_.lr_drop_steps,
                                                   .ownership_weight = p_.ownership_weight,
                                                   .score_weight = p_.score_weight,
                                                   .opponent_policy_weight = p_.opponent_policy_weight},
                                       step);
  // Optimizer state saved beside the network actually resumed (an earlier
  // one when the newest was refused).
  for (const auto& row : rows) {
    if (resumed && row.hash == latest_hash_) trainer_->LoadOptimizer((run_ / row.path).string());
  }
  if (from_init && !init_reshaped_ && trainer_->LoadOptimizer(p_.init)) Message("with the optimizer state saved beside it");
  replay_ = std::make_unique<ReplayBuffer>(*game_, p_.window, current->config().encoding, p_.value_q_weight);
  for (auto& g : store_->RecentGames(p_.window)) replay_->Add(std::move(g));
  games_at_start_ = games_stored_ = store_->GameCount();
  samples_stored_ = store_->SampleCount();

  selfplay::WorkerParams wp;
  wp.games = p_.games;
  wp.inference.threads = p_.threads;
  wp.search = p_.search;
  wp.self_play = p_.self_play;
  wp.seed = p_.seed + static_cast<uint64_t>(games_at_start_);
  worker_ = std::make_unique<selfplay::SelfPlayWorker>(*game_, current, wp, [this](selfplay::GameRecord&& g) {
    std::lock_guard lock(finished_mutex_);
    finished_.push_back(std::move(g));
  });
  if (auto t = store_->GetState("resign_threshold")) worker_->SetResignThreshold(resign_threshold_ = std::stof(*t));
  status_resign_threshold_ = resign_threshold_;
  status_step_ = step;
  status_games_ = games_stored_;
  status_samples_ = samples_stored_;
  if (rows.empty()) Publish();  // network 1: the random start, anchor of the Elo ladder
  char started[512];
  std::snprintf(started, sizeof started, "%s %s in %s: %lld games and %lld samples stored, step %lld, net %d blocks x %d channels",
                resumed ? "resuming" : "starting", game_->Spec().c_str(), p_.run.c_str(),
                static_cast<long long>(games_at_start_), static_cast<long long>(samples_stored_),
                static_cast<long long>(step), current->config().blocks, current->config().channels);
  Message(started);
  log_->Info(started);

  // Step 2: self-play, evaluation and the server on their own threads;
  // training here. An error on the self-play thread stops the run and is
  // rethrown here.
  StartServer();
  std::atomic<bool> stop_selfplay{false};
  std::exception_ptr selfplay_error;  // written by the self-play thread before it sets selfplay_failed
  std::atomic<bool> selfplay_failed{false};
  std::thread selfplay([&] {
    if (!p_.local_selfplay) return;
    try {
      worker_->Run(stop_selfplay);
    } catch (...) {
      selfplay_error = std::current_exception();
      selfplay_failed = true;
    }
  });
  RestoreLadder();
  std::thread evaluator([this] { EvalLoop(); });
  std::mt19937_64 rng(p_.seed ^ static_cast<uint64_t>(step));
  const int input_size = net::Encoder::ForGame(*game_, current->config().encoding)->InputSize();
  std::vector<float> input(static_cast<size_t>(p_.batch) * input_size),
      policy(static_cast<size_t>(p_.batch) * game_->NumMoves()), value(p_.batch);
  const bool aux_heads = current->config().aux_heads != 0;
  const size_t area = static_cast<size_t>(game_->BoardWidth()) * game_->BoardHeight();
  const bool opponent_head = current->config().opponent_policy != 0;
  std::vector<float> ownership(aux_heads ? p_.batch * area : 0), score(p_.batch), aux_weight(p_.batch);
  std::vector<float> reply(opponent_head ? static_cast<size_t>(p_.batch) * game_->NumMoves() : 0),
      reply_weight(p_.batch);
  const AuxTargets aux{aux_heads ? ownership.data() : nullptr, score.data(), aux_weight.data(),
                       opponent_head ? reply.data() : nullptr, reply_weight.data()};
  std::exception_ptr error;
  try {
    for (;;) {
      StoreFinishedGames();
      const double minutes = std::chrono::duration<double>(Clock::now() - start_).count() / 60;
      if ((stop && stop->load()) || (p_.minutes > 0 && minutes >= p_.minutes) ||
          (p_.max_steps > 0 && trainer_->step() >= p_.max_steps)) {
        break;
      }
      if (selfplay_failed) break;  // the error is read after the join below
      // Train while the reuse bound allows: steps x batch <= samples x reuse.
      // A run continued from --init counts from the step it started at.
      const int64_t allowed = lineage_steps_ + static_cast<int64_t>(samples_stored_ * p_.reuse / p_.batch);
      if (replay_->size() >= p_.min_samples && trainer_->step() < allowed) {
        replay_->SampleBatch(p_.batch, rng, input.data(), policy.data(), value.data(),
                             aux_heads || opponent_head ? &aux : nullptr);
        const Losses l = trainer_->Step({.size = p_.batch,
                                         .input = input.data(),
                                         .policy = policy.data(),
                                         .value = value.data(),
                                         .ownership = aux_heads ? ownership.data() : nullptr,
                                         .score = score.data(),
                                         .aux_weight = aux_weight.data(),
                                         .opponent_policy = opponent_head ? reply.data() : nullptr,
                                         .opponent_weight = reply_weight.data()});
        losses_.policy += l.policy;
        losses_.value += l.value;
        losses_.ownership += l.ownership;
        losses_.score += l.score;
        losses_.opponent += l.opponent;
        loss_count_ += 1;
        status_step_ = trainer_->step();
        if (trainer_->step() - published_step_ >= p_.publish_every) Publish();
      } else {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      ReportProgress(false);
    }
  } catch (...) {
    error = std::current_exception();
  }

  // Step 3: stop cleanly: keep every finished game, checkpoint, report.
  stop_selfplay = true;
  selfplay.join();
  server_.reset();  // answers in flight finish first; later uploads wait for the restart
  {
    std::lock_guard lock(eval_mutex_);
    stop_eval_ = true;
  }
  eval_cv_.notify_all();
  evaluator.join();
  if (!error) error = selfplay_error;
  StoreFinishedGames();
  if (error) std::rethrow_exception(error);  // what is stored stays; the last network is the newest published
  if (trainer_->step() > published_step_) Publish();
  ReportProgress(true);
  const auto last = store_->LatestNetwork();
  const std::string newest = (run_ / last->path).string();
  const std::string stopped = "stopped at step " + std::to_string(trainer_->step()) + "; newest network: " + newest;
  Message(stopped);
  log_->Info(stopped);
  return {trainer_->step(), games_stored_, static_cast<int>(store_->Networks().size()), newest};
}

TrainingRun::TrainingRun(const TrainRunParams& params, const std::string& resolved_config, TrainRunOutput output)
    : impl_(std::make_unique<Impl>(*this, params, resolved_config, std::move(output))) {}
TrainingRun::~TrainingRun() = default;
TrainRunSummary TrainingRun::Run(const std::atomic<bool>* stop) { return impl_->Run(stop); }
std::optional<NetworkOffer> TrainingRun::NewestNetwork() { return impl_->NewestNetwork(); }
std::optional<int64_t> TrainingRun::NetworkGeneration(const std::string& hash) { return impl_->NetworkGeneration(hash); }
StoreOutcome TrainingRun::StoreGames(const std::vector<selfplay::GameRecord>& games) { return impl_->StoreGames(games); }
std::string TrainingRun::SelfPlayJson() { return impl_->SelfPlayJson(); }
std::string TrainingRun::StatusJson() { return impl_->StatusJson(); }
int TrainingRun::port() const { return impl_->port(); }

}  // namespace descent::trainer
