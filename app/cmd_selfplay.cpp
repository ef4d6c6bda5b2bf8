// descent selfplay: a self-play worker for a remote trainer (descent train
// --listen). Needs only this binary: the game, the settings and the network
// come from the trainer; finished games wait in a local spool until the
// trainer has committed them.

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "app/command.h"
#include "app/console.h"
#include "app/options_cli.h"
#include "mcts/search_options.h"
#include "game/registry.h"
#include "game/user_error.h"
#include "net/network.h"
#include "selfplay/protocol.h"
#include "selfplay/spool.h"
#include "selfplay/trainer_client.h"
#include "selfplay/worker.h"

namespace descent::app {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct WorkerOptions {
  std::string server, token, token_file, spool = "descent-spool", name;
  int games = 0;  // 0: what the trainer suggests
  int threads = 2;
  // Games per upload: big enough that a request's overhead does not matter,
  // small enough that a batch is far below the server's body limit (64
  // 9x9 games are ~2 MB of the 32 MB the server takes).
  int batch_games = 64;
  // Upload at least this often while games wait, so the trainer sees games
  // soon even from a slow worker.
  double upload_seconds = 5;
  // How often to ask for a newer network: an unchanged one costs a 304.
  double poll_seconds = 2;
  // Games kept on disk while the trainer is away: ~5 KB each for 9x9 Go,
  // so the default bounds the spool at ~100 MB.
  int64_t max_spool_games = 20000;
  double max_backoff_seconds = 60;
  double timeout_seconds = 30;
  double minutes = 0;
  uint64_t seed = 0;
  mcts::SearchParams search;
};

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

void SleepUnlessInterrupted(double seconds) {
  const auto until = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  while (!Interrupted() && Clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(50));
}

class Worker {
 public:
  explicit Worker(const WorkerOptions& o);
  int Run();

 private:
  void WaitForTrainer();
  std::shared_ptr<net::Network> InstallNetwork(const selfplay::DownloadedNetwork& downloaded);
  void ApplySettings(const std::string& json);
  void Upload();
  void PollNetwork();
  void PausePlayIfFull();
  void PrintProgress(bool final);

  WorkerOptions o_;
  selfplay::TrainerClient client_;
  selfplay::GameSpool spool_;
  std::unique_ptr<game::Game> game_;
  std::unique_ptr<selfplay::SelfPlayWorker> worker_;
  selfplay::SelfPlayParams self_play_;
  int suggested_games_ = 64;
  float resign_threshold_ = -2.0f;
  std::shared_ptr<net::Network> first_network_;
  int64_t network_id_ = 0;
  std::string network_hash_;

  std::atomic<bool> stop_play_{false};
  std::thread play_;
  bool playing_ = false;
  std::atomic<int64_t> dropped_{0};

  int64_t uploaded_ = 0, duplicates_ = 0, stale_ = 0, rejected_ = 0;
  double backoff_ = 1;
  Clock::time_point next_upload_try_ = Clock::now(), last_upload_ = Clock::now(), last_poll_ = Clock::now();
  std::string link_ = "connected";
  Clock::time_point start_ = Clock::now(), last_print_ = Clock::now();
  uint64_t positions_at_last_print_ = 0, visits_at_last_print_ = 0;
  bool tty_ = isatty(fileno(stdout));
};

std::string DefaultName() {
  char host[256] = "worker";
  gethostname(host, sizeof host - 1);
  return std::string(host) + "-" + std::to_string(getpid());
}

std::string TokenOf(const WorkerOptions& o) {
  if (!o.token.empty()) return o.token;
  if (o.token_file.empty()) throw game::UserError("give --token or --token-file (the trainer's RUN/token)");
  return selfplay::ReadTokenFile(o.token_file);
}

Worker::Worker(const WorkerOptions& o)
    : o_(o),
      client_(o.server, TokenOf(o), o.name.empty() ? DefaultName() : o.name, o.timeout_seconds),
      spool_(o.spool, o.max_spool_games) {}

// Step 1: the trainer's network and settings, however long it takes.
void Worker::WaitForTrainer() {
  for (;;) {
    try {
      const auto downloaded = client_.FetchNetwork("");
      ApplySettings(client_.GetJson(selfplay::protocol::kSelfPlayPath));
      first_network_ = InstallNetwork(*downloaded);
      backoff_ = 1;
      return;
    } catch (const selfplay::RefusedError& e) {
      if (e.status == 401 || e.status == 403) throw game::UserError(e.what());
      std::printf("trainer not ready (%s); retrying in %.0f s\n", e.what(), backoff_);
    } catch (const selfplay::TransientError& e) {
      std::printf("waiting for the trainer: %s; retrying in %.0f s\n", e.what(), backoff_);
    }
    std::fflush(stdout);
    SleepUnlessInterrupted(backoff_);
    backoff_ = std::min(o_.max_backoff_seconds, backoff_ * 2);
    if (Interrupted()) throw game::UserError("interrupted while waiting for the trainer");
  }
}

void Worker::ApplySettings(const std::string& json) {
  try {
    const nlohmann::json j = nlohmann::json::parse(json);
    const std::string spec = j.at("game").get<std::string>();
    if (!game_) game_ = game::MakeGame(spec);
    if (game_->Spec() != spec) throw game::UserError("the trainer switched games (" + spec + ")");
    self_play_.full_visits = j.at("full_visits").get<int>();
    self_play_.fast_visits = j.at("fast_visits").get<int>();
    self_play_.full_fraction = j.at("full_fraction").get<float>();
    self_play_.temperature_moves = j.at("temperature_moves").get<int>();
    suggested_games_ = j.at("games").get<int>();
    resign_threshold_ = j.at("resign_threshold").get<float>();
  } catch (const nlohmann::json::exception& e) {
    throw selfplay::TransientError(std::string("the trainer's self-play settings are malformed: ") + e.what());
  }
  if (worker_) worker_->SetResignThreshold(resign_threshold_);
}

// Writes the weights beside the spool (whole or not at all), loads them and
// checks they fit the game.
std::shared_ptr<net::Network> Worker::InstallNetwork(const selfplay::DownloadedNetwork& downloaded) {
  const fs::path path = fs::path(o_.spool) / "network.safetensors", tmp = path.string() + ".download";
  std::ofstream(tmp, std::ios::binary) << downloaded.bytes;
  fs::rename(tmp, path);
  std::shared_ptr<net::Network> network = net::Network::Load(path.string());
  network->CheckFits(*game_);
  network_id_ = downloaded.id;
  network_hash_ = downloaded.hash;
  return network;
}

void Worker::PollNetwork() {
  if (Seconds(Clock::now() - last_poll_) < o_.poll_seconds) return;
  last_poll_ = Clock::now();
  try {
    const auto downloaded = client_.FetchNetwork(network_hash_);
    if (!downloaded) return;
    worker_->SetNetwork(InstallNetwork(*downloaded));
    ApplySettings(client_.GetJson(selfplay::protocol::kSelfPlayPath));
    if (!tty_) std::printf("switched to network %lld\n", static_cast<long long>(network_id_));
  } catch (const selfplay::TransientError& e) {
    link_ = std::string("trainer unreachable: ") + e.what();
  } catch (const game::UserError& e) {  // a refused request or a bad file: keep the current network
    std::fprintf(stderr, "descent selfplay: keeping network %lld: %s\n", static_cast<long long>(network_id_), e.what());
  }
}

// Sends the oldest spooled games; on failure waits longer before the next
// try (exponential backoff), keeping the games.
void Worker::Upload() {
  const int64_t waiting = spool_.Count();
  if (waiting == 0 || Clock::now() < next_upload_try_) return;
  if (waiting < o_.batch_games && Seconds(Clock::now() - last_upload_) < o_.upload_seconds) return;
  const std::vector<selfplay::SpooledGame> batch = spool_.Oldest(o_.batch_games);
  std::vector<std::string> json;
  for (const auto& g : batch) json.push_back(g.json);
  try {
    const selfplay::UploadAck ack = client_.UploadGames(json);
    spool_.Acknowledge(batch);  // committed by the trainer: safe to forget
    uploaded_ += ack.stored;
    duplicates_ += ack.duplicates;
    stale_ += ack.stale;
    backoff_ = 1;
    link_ = "connected";
    last_upload_ = Clock::now();
  } catch (const selfplay::RefusedError& e) {
    if (e.status == 401 || e.status == 403) throw game::UserError(e.what());
    if (e.status == 413 && o_.batch_games > 1) {
      o_.batch_games /= 2;  // too big for the server's limit: smaller batches
      return;
    }
    spool_.Reject(batch);  // the same request would be refused again
    rejected_ += static_cast<int64_t>(batch.size());
    std::fprintf(stderr, "descent selfplay: %zu games refused, kept in %s/rejected: %s\n", batch.size(),
                 o_.spool.c_str(), e.what());
  } catch (const selfplay::TransientError& e) {
    link_ = std::string("trainer unreachable: ") + e.what();
    next_upload_try_ = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(backoff_));
    backoff_ = std::min(o_.max_backoff_seconds, backoff_ * 2);
  }
}

// A full spool pauses self-play (games in progress are dropped) until
// uploads have made room for half of it again.
void Worker::PausePlayIfFull() {
  if (playing_ && spool_.Full()) {
    stop_play_ = true;
    play_.join();
    playing_ = false;
    std::printf("\nspool full (%lld games in %s): self-play paused until the trainer takes games\n",
                static_cast<long long>(spool_.Count()), o_.spool.c_str());
    std::fflush(stdout);
  } else if (!playing_ && !Interrupted() && spool_.Count() <= spool_.max_games() / 2) {
    stop_play_ = false;
    play_ = std::thread([this] { worker_->Run(stop_play_); });
    playing_ = true;
  }
}

void Worker::PrintProgress(bool final) {
  const double since = Seconds(Clock::now() - last_print_);
  if (!final && since < (tty_ ? 1.0 : 30.0)) return;
  const double elapsed = Seconds(Clock::now() - start_);
  const selfplay::WorkerStats stats = worker_->Stats();
  const double evals = (stats.positions - positions_at_last_print_) / std::max(1e-3, since);
  const double visits = (stats.visits - visits_at_last_print_) / std::max(1e-3, since);
  positions_at_last_print_ = stats.positions;
  visits_at_last_print_ = stats.visits;
  last_print_ = Clock::now();
  char line[512];
  std::snprintf(line, sizeof line,
                "[%02d:%02d] games %llu (%.2f/s) uploaded %lld (dup %lld, stale %lld, refused %lld) spool %lld "
                "net %lld visits/s %.0f evals/s %.0f | %s",
                static_cast<int>(elapsed) / 60, static_cast<int>(elapsed) % 60,
                static_cast<unsigned long long>(stats.games), stats.games / std::max(1.0, elapsed),
                static_cast<long long>(uploaded_), static_cast<long long>(duplicates_), static_cast<long long>(stale_),
                static_cast<long long>(rejected_), static_cast<long long>(spool_.Count()),
                static_cast<long long>(network_id_), visits, evals, link_.c_str());
  PrintStatusLine(line, tty_, final);
}

int Worker::Run() {
  StopOnInterrupt();
  std::printf("worker for %s, spool %s (%lld games waiting from before)\n", client_.url().c_str(), o_.spool.c_str(),
              static_cast<long long>(spool_.Count()));
  std::fflush(stdout);
  WaitForTrainer();
  selfplay::WorkerParams params;
  params.games = o_.games > 0 ? o_.games : suggested_games_;
  params.inference.threads = o_.threads;
  params.self_play = self_play_;
  params.search = o_.search;
  params.seed = o_.seed ? o_.seed : std::random_device{}();  // workers must not all play the same games
  worker_ = std::make_unique<selfplay::SelfPlayWorker>(*game_, first_network_, params, [this](selfplay::GameRecord&& g) {
    if (!spool_.Add(g.uuid, selfplay::ToJson(g))) dropped_ += 1;
  });
  worker_->SetResignThreshold(resign_threshold_);
  std::printf("playing %s with network %lld, %d games at a time\n", game_->Spec().c_str(),
              static_cast<long long>(network_id_), params.games);
  std::fflush(stdout);

  // Step 2: self-play in the background; uploads and network polls here.
  while (!Interrupted() && (o_.minutes <= 0 || Seconds(Clock::now() - start_) < o_.minutes * 60)) {
    PausePlayIfFull();
    // Full batches go at once, one after another, for up to a second: the
    // spool drains as fast as the trainer commits.
    const auto upload_until = Clock::now() + std::chrono::seconds(1);
    for (int64_t before = -1; spool_.Count() != before && Clock::now() < upload_until;) {
      before = spool_.Count();
      Upload();
    }
    PollNetwork();
    PrintProgress(false);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }

  // Step 3: stop playing, try once more to hand over what is finished.
  if (playing_) {
    stop_play_ = true;
    play_.join();
  }
  // Bounded: a trainer that is away does not keep a stopping worker.
  const auto give_up = Clock::now() + std::chrono::seconds(60);
  for (int64_t before = -1; spool_.Count() > 0 && spool_.Count() != before && Clock::now() < give_up;) {
    before = spool_.Count();
    next_upload_try_ = Clock::now();
    last_upload_ = Clock::now() - std::chrono::hours(1);
    Upload();
  }
  PrintProgress(true);
  std::printf("finished %llu games; stored by the trainer %lld, duplicates %lld, stale %lld, refused %lld; "
              "waiting in the spool %lld\n",
              static_cast<unsigned long long>(worker_->Stats().games), static_cast<long long>(uploaded_),
              static_cast<long long>(duplicates_), static_cast<long long>(stale_), static_cast<long long>(rejected_),
              static_cast<long long>(spool_.Count()));
  if (dropped_ > 0) std::printf("%lld games dropped: the spool was full\n", static_cast<long long>(dropped_.load()));
  if (spool_.Count() > 0) {
    std::printf("%lld games wait in %s; the next worker started there sends them\n",
                static_cast<long long>(spool_.Count()), o_.spool.c_str());
  }
  return 0;
}

}  // namespace

RunFn DeclareSelfPlay(CLI::App* sub) {
  auto o = std::make_shared<WorkerOptions>();
  sub->description(
      "A self-play worker for a trainer started with 'descent train --listen HOST:PORT': downloads the newest\n"
      "network, plays games, uploads them, switches networks as they come. Finished games wait in --spool until\n"
      "the trainer has stored them, so the trainer may go away and come back.");
  sub->add_option("--server", o->server, "the trainer's URL, http://HOST:PORT")->required();
  sub->add_option("--token", o->token, "bearer token (the trainer's RUN/token)");
  sub->add_option("--token-file", o->token_file, "read the token from this file");
  sub->add_option("--spool", o->spool, "directory for games not yet acknowledged")->capture_default_str();
  sub->add_option("--name", o->name, "this worker's name in the trainer's status (default HOST-PID)");
  sub->add_option("--games", o->games, "concurrent games (0: the trainer's setting)")->check(CLI::Range(0, 4096));
  sub->add_option("--threads", o->threads, "inference workers")->check(CLI::Range(1, 64))->capture_default_str();
  sub->add_option("--batch-games", o->batch_games, "games per upload")->check(CLI::Range(1, 10000))->capture_default_str();
  sub->add_option("--upload-seconds", o->upload_seconds, "upload at least this often while games wait")
      ->check(CLI::Range(0.0, 3600.0))
      ->capture_default_str();
  sub->add_option("--poll-seconds", o->poll_seconds, "ask for a newer network this often")
      ->check(CLI::Range(0.1, 3600.0))
      ->capture_default_str();
  sub->add_option("--max-spool-games", o->max_spool_games, "games kept on disk at most; self-play pauses at the bound")
      ->check(CLI::Range(1, 100000000))
      ->capture_default_str();
  sub->add_option("--max-backoff", o->max_backoff_seconds, "longest wait between retries, seconds")
      ->check(CLI::Range(0.1, 3600.0))
      ->capture_default_str();
  sub->add_option("--minutes", o->minutes, "stop after this long (0: until Ctrl-C)")->check(CLI::NonNegativeNumber);
  sub->add_option("--seed", o->seed, "random seed (0: a random one)");
  BindOptions(sub, mcts::SearchOptions(), &o->search, "Search");
  return [o] {
    Worker worker(*o);
    return worker.Run();
  };
}

}  // namespace descent::app
