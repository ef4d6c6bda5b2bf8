#include "selfplay/remote_worker.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include <nlohmann/json.hpp>

#include "game/registry.h"
#include "game/user_error.h"
#include "net/network.h"
#include "selfplay/protocol.h"
#include "selfplay/search_recipe.h"
#include "selfplay/spool.h"
#include "selfplay/trainer_client.h"
#include "selfplay/worker.h"
#include "net/bounded_json.h"

namespace descent::selfplay {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

std::string DefaultName() {
  char host[256] = "worker";
  gethostname(host, sizeof host - 1);
  return std::string(host) + "-" + std::to_string(getpid());
}

}  // namespace

class RemoteWorker::Impl {
 public:
  Impl(const RemoteWorkerParams& params, RemoteWorkerOutput output)
      : p_(params),
        out_(std::move(output)),
        client_(params.server, params.token, params.name.empty() ? DefaultName() : params.name, params.timeout_seconds),
        spool_(params.spool, params.max_spool_games) {
    net::Network::CheckDevice(p_.device);  // refused before the trainer is contacted
  }
  RemoteWorkerSummary Run(const std::atomic<bool>* stop);

 private:
  bool Stopped() const { return stop_ && stop_->load(); }
  void SleepUnlessStopped(double seconds) const;
  void Message(const std::string& line) const {
    if (out_.message) out_.message(line);
  }
  void Warning(const std::string& line) const {
    if (out_.warning) out_.warning(line);
  }
  void WaitForTrainer();
  std::shared_ptr<net::Network> InstallNetwork(const DownloadedNetwork& downloaded);
  void ApplySettings(const std::string& json);
  void Upload();
  void PollNetwork();
  void PausePlayIfFull();
  void StopPlaying();
  void ReportProgress(bool final);

  RemoteWorkerParams p_;
  RemoteWorkerOutput out_;
  const std::atomic<bool>* stop_ = nullptr;
  TrainerClient client_;
  GameSpool spool_;
  std::unique_ptr<game::Game> game_;
  std::unique_ptr<SelfPlayWorker> worker_;
  SelfPlayParams self_play_;
  // The search the games are played with: the trainer's options where it
  // sends them (selfplay/search_recipe.h), else this worker's own.
  mcts::SearchParams search_ = p_.search;
  int suggested_games_ = 64;
  float resign_threshold_ = -2.0f;
  std::shared_ptr<net::Network> first_network_;
  int64_t network_id_ = 0;
  std::string network_hash_;

  std::atomic<bool> stop_play_{false};
  std::thread play_;
  bool playing_ = false;
  std::exception_ptr play_error_;  // written by the play thread; read after joining it
  std::atomic<bool> play_failed_{false};
  std::atomic<int64_t> dropped_{0};

  int64_t uploaded_ = 0, duplicates_ = 0, stale_ = 0, rejected_ = 0;
  double backoff_ = 1;
  Clock::time_point next_upload_try_ = Clock::now(), last_upload_ = Clock::now(), last_poll_ = Clock::now();
  std::string link_ = "connected";
  Clock::time_point start_ = Clock::now(), last_print_ = Clock::now();
  uint64_t positions_at_last_print_ = 0, visits_at_last_print_ = 0;
};

void RemoteWorker::Impl::SleepUnlessStopped(double seconds) const {
  const auto until = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  while (!Stopped() && Clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(20));
}

// Step 1: the trainer's network and settings, however long it takes.
void RemoteWorker::Impl::WaitForTrainer() {
  for (;;) {
    try {
      const auto downloaded = client_.FetchNetwork("");
      ApplySettings(client_.GetJson(protocol::kSelfPlayPath));
      if (!downloaded) throw TransientError("the trainer has no network yet");
      first_network_ = InstallNetwork(*downloaded);
      backoff_ = 1;
      return;
    } catch (const RefusedError& e) {
      if (e.status == 401 || e.status == 403) throw game::UserError(e.what());
      char line[512];
      std::snprintf(line, sizeof line, "trainer not ready (%s); retrying in %.0f s", e.what(), backoff_);
      Message(line);
    } catch (const TransientError& e) {
      char line[512];
      std::snprintf(line, sizeof line, "waiting for the trainer: %s; retrying in %.0f s", e.what(), backoff_);
      Message(line);
    }
    SleepUnlessStopped(backoff_);
    backoff_ = std::min(p_.max_backoff_seconds, backoff_ * 2);
    if (Stopped()) throw game::UserError("stopped while waiting for the trainer");
  }
}

void RemoteWorker::Impl::ApplySettings(const std::string& json) {
  try {
    const nlohmann::json j = net::ParseBoundedJson(json);
    const std::string spec = j.at("game").get<std::string>();
    if (!game_) game_ = game::MakeGame(spec);
    if (game_->Spec() != spec) throw game::UserError("the trainer switched games (" + spec + ")");
    // The ranges descent train accepts for these options; resign -2: never.
    self_play_.full_visits = static_cast<int>(net::BoundedInt(j.at("full_visits"), 1, 100000));
    self_play_.fast_visits = static_cast<int>(net::BoundedInt(j.at("fast_visits"), 0, 100000));
    self_play_.full_fraction = static_cast<float>(net::BoundedNumber(j.at("full_fraction"), 0, 1));
    self_play_.temperature_moves = static_cast<int>(net::BoundedInt(j.at("temperature_moves"), -1, 100000));
    // The search recipe (a trainer from before these were sent leaves the
    // worker's defaults, which were that trainer's defaults too).
    if (j.contains("fresh_full_search")) self_play_.fresh_full_search = j.at("fresh_full_search").get<bool>();
    if (j.contains("gumbel_simulations")) {
      self_play_.gumbel_simulations = static_cast<int>(net::BoundedInt(j.at("gumbel_simulations"), -1, 100000));
    }
    if (j.contains("gumbel_considered")) {
      self_play_.gumbel_considered = static_cast<int>(net::BoundedInt(j.at("gumbel_considered"), 2, 1000));
    }
    if (j.contains("proved_targets")) {
      self_play_.proved_targets = static_cast<int>(net::BoundedInt(j.at("proved_targets"), -1, 1));
    }
    if (j.contains("komi_spread")) {
      self_play_.komi_spread = static_cast<float>(net::BoundedNumber(j.at("komi_spread"), 0, 50));
    }
    if (j.contains("resign_playout_fraction")) {
      self_play_.resign_playout_fraction =
          static_cast<float>(net::BoundedNumber(j.at("resign_playout_fraction"), 0, 1));
    }
    if (j.contains("random_opening_fraction")) {
      self_play_.random_opening_fraction =
          static_cast<float>(net::BoundedNumber(j.at("random_opening_fraction"), 0, 1));
    }
    if (j.contains("random_opening_moves")) {
      self_play_.random_opening_moves = static_cast<int>(net::BoundedInt(j.at("random_opening_moves"), 1, 1000));
    }
    if (j.contains("mixed_board")) {
      // Checked where self-play starts (a smaller Go board than the run's).
      self_play_.mixed_board = j.at("mixed_board").get<std::string>();
      if (self_play_.mixed_board.size() > 1000) {
        throw game::UserError("the trainer's mixed boards are not a list of game specs");
      }
    }
    if (j.contains("mixed_board_fraction")) {
      self_play_.mixed_board_fraction = static_cast<float>(net::BoundedNumber(j.at("mixed_board_fraction"), 0, 1));
    }
    if (j.contains("search")) ApplySearchRecipe(j.at("search"), &search_);
    suggested_games_ = static_cast<int>(net::BoundedInt(j.at("games"), 1, 4096));
    resign_threshold_ = static_cast<float>(net::BoundedNumber(j.at("resign_threshold"), -2, 1));
  } catch (const nlohmann::json::exception& e) {
    throw TransientError(std::string("the trainer's self-play settings are malformed: ") + e.what());
  }
  if (worker_) worker_->SetResignThreshold(resign_threshold_);
}

// Writes the weights beside the spool (whole or not at all), loads them and
// checks they fit the game.
std::shared_ptr<net::Network> RemoteWorker::Impl::InstallNetwork(const DownloadedNetwork& downloaded) {
  const fs::path path = fs::path(p_.spool) / "network.safetensors", tmp = path.string() + ".download";
  {
    std::ofstream file(tmp, std::ios::binary);
    file << downloaded.bytes;
    if (!file.flush()) throw game::UserError("cannot write " + tmp.string());
  }
  fs::rename(tmp, path);
  std::shared_ptr<net::Network> network = net::Network::Load(path.string(), p_.device);
  network->CheckFits(*game_);
  network_id_ = downloaded.id;
  network_hash_ = downloaded.hash;
  return network;
}

void RemoteWorker::Impl::PollNetwork() {
  if (Seconds(Clock::now() - last_poll_) < p_.poll_seconds) return;
  last_poll_ = Clock::now();
  try {
    const auto downloaded = client_.FetchNetwork(network_hash_);
    if (!downloaded) return;
    worker_->SetNetwork(InstallNetwork(*downloaded));
    ApplySettings(client_.GetJson(protocol::kSelfPlayPath));
    Message("switched to network " + std::to_string(network_id_));
  } catch (const TransientError& e) {
    link_ = std::string("trainer unreachable: ") + e.what();
  } catch (const game::UserError& e) {  // a refused request or a bad file: keep the current network
    Warning("keeping network " + std::to_string(network_id_) + ": " + e.what());
  }
}

// Sends the oldest spooled games; on failure waits longer before the next
// try (exponential backoff), keeping the games.
void RemoteWorker::Impl::Upload() {
  const int64_t waiting = spool_.Count();
  if (waiting == 0 || Clock::now() < next_upload_try_) return;
  if (waiting < p_.batch_games && Seconds(Clock::now() - last_upload_) < p_.upload_seconds) return;
  const std::vector<SpooledGame> batch = spool_.Oldest(p_.batch_games);
  std::vector<std::string> json;
  for (const auto& g : batch) json.push_back(g.json);
  try {
    const UploadAck ack = client_.UploadGames(json);
    spool_.Acknowledge(batch, ack.stale_uuids);  // answered by the trainer: safe to forget
    uploaded_ += ack.stored;
    duplicates_ += ack.duplicates;
    stale_ += ack.stale;
    backoff_ = 1;
    link_ = "connected";
    last_upload_ = Clock::now();
  } catch (const RefusedError& e) {
    if (e.status == 401 || e.status == 403) throw game::UserError(e.what());
    if (e.status == 413 && p_.batch_games > 1) {
      p_.batch_games /= 2;  // too big for the server's limit: smaller batches
      return;
    }
    spool_.Reject(batch);  // the same request would be refused again
    rejected_ += static_cast<int64_t>(batch.size());
    Warning(std::to_string(batch.size()) + " games refused, kept in " + p_.spool + "/rejected: " + e.what());
  } catch (const TransientError& e) {
    link_ = std::string("trainer unreachable: ") + e.what();
    next_upload_try_ = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(backoff_));
    backoff_ = std::min(p_.max_backoff_seconds, backoff_ * 2);
  }
}

void RemoteWorker::Impl::StopPlaying() {
  if (!playing_) return;
  stop_play_ = true;
  play_.join();
  playing_ = false;
}

// A full spool pauses self-play (games in progress are dropped) until
// uploads have made room for half of it again.
void RemoteWorker::Impl::PausePlayIfFull() {
  if (playing_ && spool_.Full()) {
    StopPlaying();
    Message("spool full (" + std::to_string(spool_.Count()) + " games in " + p_.spool +
            "): self-play paused until the trainer takes games");
  } else if (!playing_ && !Stopped() && spool_.Count() <= spool_.max_games() / 2) {
    stop_play_ = false;
    play_ = std::thread([this] {
      try {
        worker_->Run(stop_play_);
      } catch (...) {
        play_error_ = std::current_exception();
        play_failed_ = true;
      }
    });
    playing_ = true;
  }
}

void RemoteWorker::Impl::ReportProgress(bool final) {
  const double since = Seconds(Clock::now() - last_print_);
  if (!final && since < out_.status_seconds) return;
  const double elapsed = Seconds(Clock::now() - start_);
  const WorkerStats stats = worker_->Stats();
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
  if (out_.status) out_.status(line, final);
}

RemoteWorkerSummary RemoteWorker::Impl::Run(const std::atomic<bool>* stop) {
  stop_ = stop;
  Message("worker for " + client_.url() + ", spool " + p_.spool + " (" + std::to_string(spool_.Count()) +
          " games waiting from before)");
  WaitForTrainer();
  WorkerParams params;
  params.games = p_.games > 0 ? p_.games : suggested_games_;
  params.inference.threads = p_.threads;
  params.self_play = self_play_;
  params.search = search_;
  {
    // Say where the trainer's search options override this worker's own.
    const nlohmann::json own = SearchRecipeJson(p_.search), used = SearchRecipeJson(search_);
    std::string differ;
    for (const auto& [name, value] : used.items()) {
      if (own.contains(name) && own.at(name) != value) {
        differ += (differ.empty() ? "" : ", ") + name + " " + value.dump() + " (this worker's: " + own.at(name).dump() + ")";
      }
    }
    if (!differ.empty()) Message("searching with the trainer's options: " + differ);
  }
  params.seed = p_.seed ? p_.seed : std::random_device{}();
  worker_ = std::make_unique<SelfPlayWorker>(*game_, first_network_, params, [this](GameRecord&& g) {
    if (!spool_.Add(g.uuid, ToJson(g))) dropped_ += 1;
  });
  worker_->SetResignThreshold(resign_threshold_);
  Message("playing " + game_->Spec() + " with network " + std::to_string(network_id_) + ", " +
          std::to_string(params.games) + " games at a time");

  // Step 2: self-play in the background; uploads and network polls here.
  std::exception_ptr error;
  try {
    while (!Stopped() && !play_failed_ && (p_.minutes <= 0 || Seconds(Clock::now() - start_) < p_.minutes * 60)) {
      PausePlayIfFull();
      // Full batches go at once, one after another, for up to a second: the
      // spool drains as fast as the trainer commits.
      const auto upload_until = Clock::now() + std::chrono::seconds(1);
      for (int64_t before = -1; spool_.Count() != before && Clock::now() < upload_until;) {
        before = spool_.Count();
        Upload();
      }
      PollNetwork();
      ReportProgress(false);
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  } catch (...) {
    error = std::current_exception();
  }

  // Step 3: stop playing, try once more to hand over what is finished.
  StopPlaying();
  if (!error) error = play_error_;
  if (error) std::rethrow_exception(error);  // finished games stay in the spool for the next worker
  // Bounded: a trainer that is away does not keep a stopping worker.
  const auto give_up = Clock::now() + std::chrono::seconds(60);
  for (int64_t before = -1; spool_.Count() > 0 && spool_.Count() != before && Clock::now() < give_up;) {
    before = spool_.Count();
    next_upload_try_ = Clock::now();
    last_upload_ = Clock::now() - std::chrono::hours(1);
    Upload();
  }
  ReportProgress(true);
  RemoteWorkerSummary summary;
  const WorkerStats stats = worker_->Stats();
  summary.games = stats.games, summary.evals = stats.positions;
  summary.uploaded = uploaded_, summary.duplicates = duplicates_, summary.stale = stale_, summary.rejected = rejected_;
  summary.dropped = dropped_;
  summary.spooled = spool_.Count();
  summary.batch_games = p_.batch_games;
  return summary;
}

RemoteWorker::RemoteWorker(const RemoteWorkerParams& params, RemoteWorkerOutput output)
    : impl_(std::make_unique<Impl>(params, std::move(output))) {}
RemoteWorker::~RemoteWorker() = default;
RemoteWorkerSummary RemoteWorker::Run(const std::atomic<bool>* stop) { return impl_->Run(stop); }

}  // namespace descent::selfplay
