// descent train: self-play, training and evaluation in one process, in a
// run directory that survives restarts and kill -9.

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "app/command.h"
#include "app/console.h"
#include "app/evaluation.h"
#include "app/run_log.h"
#include "game/registry.h"
#include "game/user_error.h"
#include "net/net_config.h"
#include "net/network.h"
#include "selfplay/trainer_client.h"
#include "selfplay/worker.h"
#include "trainer/replay_buffer.h"
#include "trainer/server.h"
#include "trainer/store.h"
#include "trainer/trainer.h"

namespace descent::app {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// Every option; 0 (or a negative number) means "the game's default".
struct TrainOptions {
  std::string game = "tictactoe";
  std::string run;
  int blocks = 0, channels = 0;
  int games = 0, full_visits = 0, fast_visits = 0;
  float full_fraction = 0;
  int temperature_moves = -1;
  int window = 0, batch = 0;
  float lr = 0;
  int lr_drop_steps = 0;
  float reuse = 0;
  int min_samples = 0;
  int publish_every = 0;
  int eval_every = -1;
  int eval_games = 0;
  int eval_visits = 0;
  int eval_rollout_visits = 0;
  float resign_false_rate = 0.05f;
  // Never resign at a value above this: the net would still give itself
  // better than a 1-in-4 chance, which no calibration should overrule.
  float resign_max_threshold = -0.5f;
  double minutes = 0;
  int max_steps = 0;
  int threads = 2;
  uint64_t seed = 1;
  // Serving remote workers (selfplay/protocol.h).
  std::string listen;  // HOST:PORT; empty: no server
  std::string token, token_file;
  bool local_selfplay = true;
  int max_network_lag = trainer::ServerParams{}.max_network_lag;
};

// Defaults per game: sizes that learn in minutes (tic-tac-toe) to hours (Go)
// on two cores.
void ApplyDefaults(const game::Game& g, TrainOptions* o) {
  const bool ttt = g.Name() == "tictactoe", c4 = g.Name() == "connect4";
  const auto set = [](auto* field, auto value) {
    if (*field <= 0) *field = value;
  };
  set(&o->games, ttt ? 32 : 64);
  // Tic-tac-toe: every move a full 100-visit search (the cache makes them
  // cheap there; measured: 99% optimal net-alone moves after ~1 minute,
  // against 98.9% after 5 minutes with the general 25% / 64-visit setting).
  set(&o->full_visits, ttt ? 100 : 200);
  set(&o->fast_visits, ttt ? 16 : 40);
  set(&o->full_fraction, ttt ? 1.0f : 0.25f);
  // Moves played in proportion to visits. Tic-tac-toe: the whole game, so
  // self-play reaches the odd positions the 99% target also counts; others:
  // the opening (Connect Four 8 moves, 9x9 Go 16).
  if (o->temperature_moves < 0) o->temperature_moves = ttt ? 9 : std::max(8, g.MaxGameLength() / 10);
  set(&o->window, ttt ? 20000 : c4 ? 200000 : 250000);
  set(&o->batch, ttt ? 64 : 256);
  set(&o->lr, 0.02f);
  set(&o->lr_drop_steps, ttt ? 10000 : 0);
  // Each sample is trained on at most `reuse` times on average: more makes
  // the net overfit the newest games (KataGo keeps this near 4). Connect
  // Four on two cores is starved of games (~5 games/s, ~30 samples/s) while
  // a 256-sample step of its 5x64 net is cheap, so it trains each sample
  // twice as often as Go does.
  set(&o->reuse, ttt || c4 ? 8.0f : 4.0f);
  set(&o->min_samples, ttt ? 500 : 5000);
  set(&o->publish_every, ttt ? 50 : 200);
  // Evaluation shares the cores with self-play. A 9x9 evaluation at 40
  // games and 200 visits is ~1.5 million network calls (over 10 minutes
  // here, while self-play starves); Go gets 20 games at 64 visits.
  const bool go = g.Name() == "go";
  set(&o->eval_games, go ? 20 : 40);
  // Evaluation shares the cores too: Connect Four publishes a network every
  // ~3 minutes at reuse 8, and evaluating each one would take a quarter of
  // the machine, so every second one is evaluated.
  if (o->eval_every < 0) o->eval_every = c4 ? 2 : 1;
  set(&o->eval_visits, ttt ? 64 : go ? 64 : 200);
  // The pure-MCTS referee's random rollouts per move. Go playouts are long
  // (~100 moves on 9x9, with capture and superko checks): at 400 rollouts a
  // 9x9 run's first evaluation had not finished after 26 minutes, while
  // self-play starved beside it. 64 keep a Go evaluation to minutes.
  set(&o->eval_rollout_visits, g.Name() == "go" ? 64 : 400);
}

struct Progress {
  trainer::Losses losses;
  float loss_count = 0;
  std::string last_eval = "none yet";
  std::mutex mutex;  // last_eval
};

class TrainRun final : public trainer::ServerBackend {
 public:
  TrainRun(const TrainOptions& o, const std::string& resolved_config);
  int Run();

  // trainer::ServerBackend, for remote workers (called from server threads).
  std::optional<trainer::NetworkOffer> NewestNetwork() override;
  std::optional<int64_t> NetworkGeneration(const std::string& hash) override;
  trainer::StoreOutcome StoreGames(const std::vector<selfplay::GameRecord>& games) override;
  std::string SelfPlayJson() override;
  std::string StatusJson() override;

 private:
  void StartServer();
  std::shared_ptr<net::Network> LoadLatestGoodNetwork();
  void Publish();
  void StoreFinishedGames();
  void Calibrate();
  void EvalLoop();
  void PrintProgress(bool final);

  TrainOptions o_;
  std::unique_ptr<game::Game> game_;
  fs::path run_;
  std::unique_ptr<trainer::Store> store_;
  std::unique_ptr<trainer::Trainer> trainer_;
  std::unique_ptr<trainer::ReplayBuffer> replay_;
  std::unique_ptr<selfplay::SelfPlayWorker> worker_;
  std::string latest_hash_;
  int64_t published_step_ = 0;
  std::shared_ptr<const net::Network> first_;
  LadderRung ladder_;  // the newest rated network: the next one plays it (eval thread only)
  float resign_threshold_ = -2.0f;

  std::mutex finished_mutex_;
  std::vector<selfplay::GameRecord> finished_;
  // Games remote workers sent, already in the store; the training loop
  // moves them into the replay window.
  std::vector<selfplay::GameRecord> remote_stored_;
  std::unique_ptr<trainer::TrainerServer> server_;
  // Copies for the server threads' status answers.
  std::atomic<int64_t> status_step_{0}, status_games_{0}, status_samples_{0};
  std::atomic<float> status_resign_threshold_{-2.0f};

  std::mutex eval_mutex_;
  std::condition_variable eval_cv_;
  std::deque<std::pair<std::string, int64_t>> eval_queue_;  // (weights path, step)
  std::atomic<bool> stop_{false};

  Progress progress_;
  std::unique_ptr<RunLog> log_;  // RUN/train.log
  Clock::time_point last_logged_{};
  Clock::time_point start_ = Clock::now();
  int64_t games_at_start_ = 0;
  int64_t games_stored_ = 0;    // in the store (kept here: COUNT(*) is a scan)
  int64_t samples_stored_ = 0;
  uint64_t positions_at_last_print_ = 0, visits_at_last_print_ = 0;
  // Seconds between the two newest networks this process published (0: fewer).
  double network_seconds_ = 0;
  std::optional<Clock::time_point> last_publish_time_;
  Clock::time_point last_print_ = Clock::now();
  bool tty_ = isatty(fileno(stdout));
};

TrainRun::TrainRun(const TrainOptions& o, const std::string& resolved_config) : o_(o) {
  game_ = game::MakeGame(o.game);
  ApplyDefaults(*game_, &o_);
  run_ = o.run;
  fs::create_directories(run_ / "nets");
  log_ = std::make_unique<RunLog>(run_ / "train.log");
  store_ = std::make_unique<trainer::Store>((run_ / "store.sqlite").string());
  if (auto stored = store_->GetState("game"); stored && *stored != game_->Spec()) {
    throw game::UserError("run '" + o.run + "' trains " + *stored + ", not " + game_->Spec());
  }
  store_->SetState("game", game_->Spec());
  std::ofstream(run_ / "config.ini") << resolved_config;
}

// The newest network whose file loads and fits; refused ones are reported.
std::shared_ptr<net::Network> TrainRun::LoadLatestGoodNetwork() {
  const auto rows = store_->Networks();
  for (auto it = rows.rbegin(); it != rows.rend(); ++it) {
    try {
      std::shared_ptr<net::Network> net = net::Network::Load((run_ / it->path).string());
      net->CheckFits(*game_);
      if (net->info().content_hash != it->hash) throw game::UserError("its content is not the network the store recorded");
      return net;
    } catch (const game::UserError& e) {
      const std::string line =
          "network " + std::to_string(it->id) + " refused: " + e.what() + "; trying an earlier one";
      std::fprintf(stderr, "descent train: %s\n", line.c_str());
      log_->Warn(line);
    }
  }
  return nullptr;
}

void TrainRun::Publish() {
  char name[64];
  std::snprintf(name, sizeof name, "nets/step-%08lld.safetensors", static_cast<long long>(trainer_->step()));
  const std::string path = (run_ / name).string();
  const std::string parent = latest_hash_;
  latest_hash_ = trainer_->Save(path, parent);
  store_->AddNetwork({0, latest_hash_, parent, trainer_->step(), name, 0});
  if (progress_.loss_count > 0) {
    store_->AddMetric({trainer_->step(), 0, "loss.policy", progress_.losses.policy / progress_.loss_count, ""});
    store_->AddMetric({trainer_->step(), 0, "loss.value", progress_.losses.value / progress_.loss_count, ""});
  }
  progress_.losses = {};
  progress_.loss_count = 0;
  published_step_ = trainer_->step();
  if (last_publish_time_) network_seconds_ = std::chrono::duration<double>(Clock::now() - *last_publish_time_).count();
  last_publish_time_ = Clock::now();
  log_->Info("network " + std::to_string(store_->Networks().size()) + " published: step " +
             std::to_string(trainer_->step()) + ", " + name + ", " + latest_hash_.substr(0, 12));
  worker_->SetNetwork(net::Network::Load(path));
  Calibrate();
  const auto networks = store_->Networks().size();
  if (o_.eval_every > 0 && networks % o_.eval_every == 0) {
    std::lock_guard lock(eval_mutex_);
    eval_queue_.clear();  // only the newest matters when evaluation falls behind
    eval_queue_.emplace_back(path, trainer_->step());
    eval_cv_.notify_one();
  }
}

// Resign threshold: the value below which at most `resign_false_rate` of
// played-out games' non-losers ever fell (AlphaGo Zero's calibration: a
// resignation is false when the resigner would not have lost).
void TrainRun::Calibrate() {
  std::vector<float> values = store_->RecentNonLoserMinValues(500);
  if (values.size() < 20) return;
  std::sort(values.begin(), values.end());
  const size_t k = static_cast<size_t>(o_.resign_false_rate * values.size());
  resign_threshold_ = std::clamp(values[k] - 0.01f, -1.0f, o_.resign_max_threshold);
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

void TrainRun::StoreFinishedGames() {
  std::vector<selfplay::GameRecord> games, remote;
  {
    std::lock_guard lock(finished_mutex_);
    games.swap(finished_);
    remote.swap(remote_stored_);
  }
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

std::optional<trainer::NetworkOffer> TrainRun::NewestNetwork() {
  const auto row = store_->LatestNetwork();
  if (!row) return std::nullopt;
  return trainer::NetworkOffer{row->id, row->hash, (run_ / row->path).string()};
}

std::optional<int64_t> TrainRun::NetworkGeneration(const std::string& hash) {
  for (const auto& row : store_->Networks()) {
    if (row.hash == hash) return row.id;
  }
  return std::nullopt;
}

trainer::StoreOutcome TrainRun::StoreGames(const std::vector<selfplay::GameRecord>& games) {
  std::vector<bool> is_new;
  const int stored = games.empty() ? 0 : store_->AddGames(games, &is_new);  // committed when this returns
  std::lock_guard lock(finished_mutex_);
  for (size_t i = 0; i < games.size(); ++i) {
    if (is_new[i]) remote_stored_.push_back(games[i]);
  }
  return {stored, static_cast<int>(games.size()) - stored};
}

std::string TrainRun::SelfPlayJson() {
  return nlohmann::json{{"game", game_->Spec()},
                        {"games", o_.games},
                        {"full_visits", o_.full_visits},
                        {"fast_visits", o_.fast_visits},
                        {"full_fraction", o_.full_fraction},
                        {"temperature_moves", o_.temperature_moves},
                        {"resign_threshold", status_resign_threshold_.load()}}
      .dump();
}

std::string TrainRun::StatusJson() {
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
  std::lock_guard lock(progress_.mutex);
  status["evaluation"] = progress_.last_eval;
  return status.dump();
}

// --listen: serve remote workers; the token comes from --token, a token
// file, or is made up and written to RUN/token for the workers to read.
void TrainRun::StartServer() {
  if (o_.listen.empty()) return;
  trainer::ServerParams params;
  const size_t colon = o_.listen.rfind(':');
  if (colon == std::string::npos) throw game::UserError("--listen wants HOST:PORT, not '" + o_.listen + "'");
  params.host = o_.listen.substr(0, colon);
  try {
    params.port = std::stoi(o_.listen.substr(colon + 1));
  } catch (const std::exception&) {
    throw game::UserError("--listen wants HOST:PORT, not '" + o_.listen + "'");
  }
  if (params.port < 0 || params.port > 65535) throw game::UserError("--listen port must be 0..65535");
  params.max_network_lag = o_.max_network_lag;
  params.token = o_.token;
  if (params.token.empty() && !o_.token_file.empty()) params.token = selfplay::ReadTokenFile(o_.token_file);
  if (params.token.empty()) {
    const fs::path path = run_ / "token";
    if (fs::exists(path)) {
      params.token = selfplay::ReadTokenFile(path.string());
    } else {
      params.token = selfplay::NewUuid();
      std::ofstream(path) << params.token << "\n";
      fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write);
    }
    std::printf("workers' token: in %s\n", path.c_str());
  }
  server_ = std::make_unique<trainer::TrainerServer>(*game_, *this, params);
  std::printf("serving workers on http://%s:%d (status page at /)\n", params.host.c_str(), server_->port());
  std::fflush(stdout);
}

void TrainRun::EvalLoop() {
  EvalParams params;
  params.games = o_.eval_games;
  params.visits = o_.eval_visits;
  params.rollout_visits = o_.eval_rollout_visits;
  params.cancel = &stop_;
  for (;;) {
    std::pair<std::string, int64_t> job;
    {
      std::unique_lock lock(eval_mutex_);
      eval_cv_.wait(lock, [&] { return stop_ || !eval_queue_.empty(); });
      if (stop_) return;
      job = eval_queue_.front();
      eval_queue_.pop_front();
    }
    std::shared_ptr<const net::Network> net = net::Network::Load(job.first);
    const auto lines = EvaluateNetwork(*game_, net, &ladder_, params, o_.seed + job.second);
    if (stop_) return;  // stopped midway: the partial results are not stored
    for (const EvalLine& line : lines) {
      if (line.key != "eval.elo") continue;
      // This network is the ladder's new top rung, kept across restarts.
      ladder_ = {net, line.value, "step " + std::to_string(job.second)};
      store_->SetState("ladder", std::to_string(line.value) + " " + std::to_string(job.second) + " " + job.first);
    }
    std::string summary;
    for (const EvalLine& line : lines) {
      store_->AddMetric({job.second, 0, line.key, line.value, line.extra});
      if (line.key == "eval.random" || line.key == "eval.optimal_policy" || line.key == "eval.elo" ||
          line.key == "eval.mcts" || line.key.rfind("eval.mistakes.", 0) == 0) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%s%s %.3g", summary.empty() ? "" : ", ", line.key.substr(5).c_str(), line.value);
        summary += buf;
      }
    }
    for (const EvalLine& line : lines) {
      if (line.text.empty()) continue;
      const std::string text = "eval step " + std::to_string(job.second) + ": " + line.text;
      log_->Info(text);
      if (!tty_) std::printf("%s\n", text.c_str());
    }
    std::fflush(stdout);
    std::lock_guard lock(progress_.mutex);
    progress_.last_eval = "step " + std::to_string(job.second) + ": " + summary;
  }
}

void TrainRun::PrintProgress(bool final) {
  const double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
  const double since = std::chrono::duration<double>(Clock::now() - last_print_).count();
  if (!final && since < (tty_ ? 1.0 : 30.0)) return;
  const selfplay::WorkerStats w = worker_->Stats();
  const int64_t games = games_stored_;
  const double rate = (games - games_at_start_) / std::max(1.0, elapsed);
  const uint64_t positions = w.positions;
  const double evals_rate = (positions - positions_at_last_print_) / std::max(1e-3, since);
  const double visits_rate = (w.visits - visits_at_last_print_) / std::max(1e-3, since);
  positions_at_last_print_ = positions;
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
    std::lock_guard lock(progress_.mutex);
    eval = progress_.last_eval;
  }
  if (server_) {
    const double now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    int active = 0;
    for (const auto& w : server_->Workers()) active += now - w.last_contact < 60;
    eval += " | workers " + std::to_string(active);
  }
  char line[512];
  std::snprintf(line, sizeof line,
                "[%02d:%02d] games %lld (%.1f/s) samples %lld step %lld loss %.3f/%.3f net %zu%s visits/s %.0f "
                "evals/s %.0f | eval %s",
                static_cast<int>(elapsed) / 60, static_cast<int>(elapsed) % 60, static_cast<long long>(games), rate,
                static_cast<long long>(replay_->size()), static_cast<long long>(trainer_->step()),
                progress_.loss_count ? progress_.losses.policy / progress_.loss_count : 0.0f,
                progress_.loss_count ? progress_.losses.value / progress_.loss_count : 0.0f, store_->Networks().size(),
                per_network, visits_rate, evals_rate, eval.c_str());
  PrintStatusLine(line, tty_, final);
  if (final || Clock::now() - last_logged_ >= std::chrono::seconds(30)) {
    log_->Info(line);
    last_logged_ = Clock::now();
  }
}

int TrainRun::Run() {
  // Step 1: the network to continue from (or a fresh one), the replay window.
  std::shared_ptr<net::Network> current = LoadLatestGoodNetwork();
  const bool resumed = current != nullptr;
  if (!current) {
    if (!store_->Networks().empty()) throw game::UserError("no network of run '" + o_.run + "' loads; see above");
    current = net::Network::Random(net::DefaultNetConfig(*game_, o_.blocks, o_.channels), o_.seed);
  }
  int64_t step = current->info().training_step;
  published_step_ = step;  // a resumed run's next network comes publish_every steps on
  const auto rows = store_->Networks();
  if (!rows.empty()) first_ = net::Network::Load((run_ / rows.front().path).string());
  // The trainer takes its own copy of the weights.
  const std::string tmp = (run_ / "nets/.resume.safetensors").string();
  current->Save(tmp);
  std::unique_ptr<net::Network> training = net::Network::Load(tmp);
  fs::remove(tmp);
  training->SetLineage(step, current->info().parent);
  latest_hash_ = current->info().content_hash;
  trainer_ = std::make_unique<trainer::Trainer>(
      std::move(training),
      trainer::TrainParams{.batch_size = o_.batch, .learning_rate = o_.lr, .lr_drop_steps = o_.lr_drop_steps}, step);
  // Optimizer state saved beside the network actually resumed (an earlier
  // one when the newest was refused).
  for (const auto& row : rows) {
    if (resumed && row.hash == latest_hash_) trainer_->LoadOptimizer((run_ / row.path).string());
  }
  replay_ = std::make_unique<trainer::ReplayBuffer>(*game_, o_.window);
  for (auto& g : store_->RecentGames(o_.window)) replay_->Add(std::move(g));
  games_at_start_ = games_stored_ = store_->GameCount();
  samples_stored_ = store_->SampleCount();

  selfplay::WorkerParams wp;
  wp.games = o_.games;
  wp.inference.threads = o_.threads;
  wp.self_play.full_visits = o_.full_visits;
  wp.self_play.fast_visits = o_.fast_visits;
  wp.self_play.full_fraction = o_.full_fraction;
  wp.self_play.temperature_moves = o_.temperature_moves;
  wp.seed = o_.seed + static_cast<uint64_t>(games_at_start_);
  worker_ = std::make_unique<selfplay::SelfPlayWorker>(*game_, current, wp, [this](selfplay::GameRecord&& g) {
    std::lock_guard lock(finished_mutex_);
    finished_.push_back(std::move(g));
  });
  if (auto t = store_->GetState("resign_threshold")) worker_->SetResignThreshold(resign_threshold_ = std::stof(*t));
  status_resign_threshold_ = resign_threshold_;
  status_step_ = step;
  status_games_ = games_stored_;
  status_samples_ = samples_stored_;
  if (rows.empty()) {
    Publish();  // network 1: the random start, anchor of the Elo ladder
    first_ = net::Network::Load((run_ / store_->Networks().front().path).string());
  }
  char started[512];
  std::snprintf(started, sizeof started, "%s %s in %s: %lld games and %lld samples stored, step %lld, net %d blocks x %d channels",
                resumed ? "resuming" : "starting", game_->Spec().c_str(), o_.run.c_str(),
                static_cast<long long>(games_at_start_), static_cast<long long>(samples_stored_),
                static_cast<long long>(step), current->config().blocks, current->config().channels);
  std::printf("%s\n", started);
  std::fflush(stdout);
  log_->Info(started);

  // Step 2: self-play and evaluation in the background; training here.
  StopOnInterrupt();
  StartServer();
  std::atomic<bool> stop_selfplay{false};
  std::thread selfplay([&] {
    if (o_.local_selfplay) worker_->Run(stop_selfplay);
  });
  ladder_ = {first_, 0, "the first network"};
  if (const auto saved = store_->GetState("ladder")) {
    std::istringstream in(*saved);
    double elo = 0;
    long long step = 0;
    std::string path;
    if (in >> elo >> step >> std::ws && std::getline(in, path)) {
      try {
        ladder_ = {net::Network::Load(path), elo, "step " + std::to_string(step)};
      } catch (const game::UserError&) {  // the file went away: the ladder restarts at the first network
      }
    }
  }
  std::thread evaluator([this] { EvalLoop(); });
  std::mt19937_64 rng(o_.seed ^ static_cast<uint64_t>(step));
  const int input_size = net::Encoder::ForGame(*game_)->InputSize();
  std::vector<float> input(static_cast<size_t>(o_.batch) * input_size), policy(static_cast<size_t>(o_.batch) * game_->NumMoves()),
      value(o_.batch);
  for (;;) {
    StoreFinishedGames();
    const double minutes = std::chrono::duration<double>(Clock::now() - start_).count() / 60;
    if (Interrupted() || (o_.minutes > 0 && minutes >= o_.minutes) || (o_.max_steps > 0 && trainer_->step() >= o_.max_steps)) break;
    // Train while the reuse bound allows: steps x batch <= samples x reuse.
    const int64_t allowed = static_cast<int64_t>(samples_stored_ * o_.reuse / o_.batch);
    if (replay_->size() >= o_.min_samples && trainer_->step() < allowed) {
      replay_->SampleBatch(o_.batch, rng, input.data(), policy.data(), value.data());
      const trainer::Losses l = trainer_->Step(input.data(), policy.data(), value.data(), o_.batch);
      progress_.losses.policy += l.policy;
      progress_.losses.value += l.value;
      progress_.loss_count += 1;
      status_step_ = trainer_->step();
      if (trainer_->step() - published_step_ >= o_.publish_every) Publish();
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    PrintProgress(false);
  }

  // Step 3: stop cleanly: keep every finished game, checkpoint, report.
  stop_selfplay = true;
  selfplay.join();
  server_.reset();  // answers in flight finish first; later uploads wait for the restart
  StoreFinishedGames();
  if (trainer_->step() > published_step_) Publish();
  {
    std::lock_guard lock(eval_mutex_);
    stop_ = true;
  }
  eval_cv_.notify_all();
  evaluator.join();
  PrintProgress(true);
  const auto last = store_->LatestNetwork();
  const std::string stopped =
      "stopped at step " + std::to_string(trainer_->step()) + "; newest network: " + (run_ / last->path).string();
  std::printf("%s\n", stopped.c_str());
  log_->Info(stopped);
  return 0;
}

}  // namespace

// Reads a config file into the options not given on the command line nor
// by an earlier file (CLI11 2.1 reads config files only for the top-level
// command). Names are the long option names; an unknown name or a bad value
// is refused, naming it; an empty value (`blocks=""`) leaves the game's
// default; names in `skip` are ignored.
void ReadConfigFile(CLI::App* sub, const std::string& path, const std::vector<std::string>& skip = {}) {
  const CLI::Option* config = sub->get_option("--config");
  std::vector<CLI::ConfigItem> items;
  try {
    items = CLI::ConfigINI().from_file(path);
  } catch (const CLI::Error& e) {
    throw game::UserError("config file '" + path + "': " + e.what());
  }
  for (const CLI::ConfigItem& item : items) {
    if (item.name == "++" || item.name == "--") continue;  // a section opens or closes
    if (std::find(skip.begin(), skip.end(), item.name) != skip.end()) continue;
    const bool ours = item.parents.empty() || (item.parents.size() == 1 && item.parents[0] == sub->get_name());
    CLI::Option* opt = ours ? sub->get_option_no_throw("--" + item.name) : nullptr;
    if (!opt || !opt->get_configurable() || opt == config) {
      throw game::UserError("config file '" + path + "': unknown option '" + item.fullname() + "'");
    }
    if (opt->count() > 0) continue;  // the command line wins
    if (std::all_of(item.inputs.begin(), item.inputs.end(), [](const std::string& v) { return v.empty(); })) continue;
    try {
      for (const std::string& value : item.inputs) opt->add_result(value);
      opt->run_callback();
    } catch (const CLI::Error& e) {
      throw game::UserError("config file '" + path + "': " + item.name + ": " + e.what());
    }
  }
}

RunFn DeclareTrain(CLI::App* sub) {
  auto o = std::make_shared<TrainOptions>();
  sub->description(
      "Train a network by self-play: games are played, stored in RUN/store.sqlite, trained on, and each new\n"
      "network is published to RUN/nets and evaluated in the background. Start it again on the same --run to\n"
      "resume (after Ctrl-C or a crash). Options may come from a file (--config FILE, INI/TOML, same names).\n"
      "0 means the game's default.");
  sub->set_config("--config", "", "read options from this file");
  sub->add_option("--game", o->game, "game spec: tictactoe, connect4, go:9:komi=7, ...")->capture_default_str();
  // Required, but it may come from --config: checked after the file is read.
  sub->add_option("--run", o->run, "run directory (created, or resumed)");
  sub->add_option("--blocks", o->blocks, "residual blocks")->check(CLI::Range(0, 64));
  sub->add_option("--channels", o->channels, "channels")->check(CLI::Range(0, 512));
  sub->add_option("--games", o->games, "concurrent self-play games")->check(CLI::Range(0, 4096));
  sub->add_option("--full-visits", o->full_visits, "visits of full searches (training targets)")->check(CLI::Range(0, 100000));
  sub->add_option("--fast-visits", o->fast_visits, "visits of fast searches")->check(CLI::Range(0, 100000));
  sub->add_option("--full-fraction", o->full_fraction, "share of moves searched fully")->check(CLI::Range(0.0, 1.0));
  sub->add_option("--temperature-moves", o->temperature_moves, "moves chosen in proportion to visits (-1: the game's default)")->check(CLI::Range(-1, 100000));
  sub->add_option("--window", o->window, "replay window in samples")->check(CLI::Range(0, 100000000));
  sub->add_option("--batch", o->batch, "training batch size")->check(CLI::Range(0, 65536));
  sub->add_option("--lr", o->lr, "learning rate")->check(CLI::Range(0.0, 10.0));
  sub->add_option("--lr-drop-steps", o->lr_drop_steps, "divide the learning rate by 10 every N steps (0: never)")->check(CLI::NonNegativeNumber);
  sub->add_option("--reuse", o->reuse, "times each sample is trained on, on average, at most")->check(CLI::Range(0.0, 1000.0));
  sub->add_option("--min-samples", o->min_samples, "samples before training starts")->check(CLI::NonNegativeNumber);
  sub->add_option("--publish-every", o->publish_every, "training steps between networks")->check(CLI::NonNegativeNumber);
  sub->add_option("--eval-every", o->eval_every, "evaluate every Nth network (0: never; default 2 for connect4, else 1)")->check(CLI::NonNegativeNumber);
  sub->add_option("--eval-games", o->eval_games, "games per evaluation opponent")->check(CLI::NonNegativeNumber);
  sub->add_option("--eval-visits", o->eval_visits, "the network's visits per move in evaluation")->check(CLI::NonNegativeNumber);
  sub->add_option("--eval-rollout-visits", o->eval_rollout_visits, "visits of the random-rollout MCTS referee in evaluation")
      ->check(CLI::NonNegativeNumber);
  sub->add_option("--resign-false-rate", o->resign_false_rate, "accepted share of wrong resignations")->check(CLI::Range(0.0, 0.5))->capture_default_str();
  sub->add_option("--resign-max-threshold", o->resign_max_threshold, "never resign above this value")->check(CLI::Range(-1.0, 1.0))->capture_default_str();
  sub->add_option("--minutes", o->minutes, "stop after this long (0: until Ctrl-C)")->check(CLI::NonNegativeNumber);
  sub->add_option("--max-steps", o->max_steps, "stop at this training step (0: no limit)")->check(CLI::NonNegativeNumber);
  sub->add_option("--threads", o->threads, "inference workers")->check(CLI::Range(1, 64))->capture_default_str();
  sub->add_option("--seed", o->seed, "random seed")->capture_default_str();
  sub->add_option("--listen", o->listen, "serve self-play workers on HOST:PORT (e.g. 0.0.0.0:8470)");
  // Not written to RUN/config.ini (readable by others): a secret stays in RUN/token.
  sub->add_option("--token", o->token, "workers' bearer token (default: RUN/token, made up if missing)")->configurable(false);
  sub->add_option("--token-file", o->token_file, "read the workers' token from this file");
  sub->add_option("--local-selfplay", o->local_selfplay, "play self-play games in this process too")->capture_default_str();
  sub->add_option("--max-network-lag", o->max_network_lag, "refuse workers' games of networks this many generations old")
      ->check(CLI::Range(0, 1000000))
      ->capture_default_str();
  return [o, sub] {
    if (const CLI::Option* config = sub->get_option("--config"); config->count() > 0) {
      ReadConfigFile(sub, config->as<std::string>());
    }
    if (o->run.empty()) throw game::UserError("--run is required (on the command line or as run= in --config)");
    // Resuming: the run's own resolved options fill in what neither the
    // command line nor --config gave, so `descent train --run DIR` goes on
    // with the game, net, schedule and evaluation settings it started with
    // (a learning-rate drop is not lost on resume). The time limit is per
    // session; the run directory is where it is now.
    if (const auto ini = std::filesystem::path(o->run) / "config.ini"; std::filesystem::exists(ini)) {
      ReadConfigFile(sub, ini.string(), {"minutes", "run"});
    }
    // RUN/config.ini holds the values the run uses, the game's defaults
    // filled in, so the file says what ran and `--config` reproduces it.
    {
      const auto game = game::MakeGame(o->game);
      TrainOptions r = *o;
      ApplyDefaults(*game, &r);
      const net::NetConfig net = net::DefaultNetConfig(*game, r.blocks, r.channels);
      const auto resolved = [&](const char* name, const auto& value) { sub->get_option(name)->default_val(value); };
      resolved("--blocks", net.blocks), resolved("--channels", net.channels), resolved("--games", r.games);
      resolved("--full-visits", r.full_visits), resolved("--fast-visits", r.fast_visits);
      resolved("--full-fraction", r.full_fraction), resolved("--temperature-moves", r.temperature_moves);
      resolved("--window", r.window), resolved("--batch", r.batch), resolved("--lr", r.lr);
      resolved("--lr-drop-steps", r.lr_drop_steps), resolved("--reuse", r.reuse), resolved("--min-samples", r.min_samples);
      resolved("--publish-every", r.publish_every), resolved("--eval-every", r.eval_every);
      resolved("--eval-games", r.eval_games), resolved("--eval-visits", r.eval_visits);
      resolved("--eval-rollout-visits", r.eval_rollout_visits);
    }
    TrainRun run(*o, sub->config_to_str(true, true));
    return run.Run();
  };
}

}  // namespace descent::app
