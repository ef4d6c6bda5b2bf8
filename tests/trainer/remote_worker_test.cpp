// The remote self-play worker (selfplay/remote_worker) against the real
// trainer server in front of a fake run: delivery, backoff, the spool bound
// and smaller batches when the server finds one too big.
#include "selfplay/remote_worker.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "game/registry.h"
#include "net/net_config.h"
#include "net/network.h"
#include "trainer/server.h"

namespace descent::trainer {
namespace {

namespace fs = std::filesystem;

// A run that offers one tiny tic-tac-toe network and counts what it is sent;
// `fail` makes every upload fail (the server answers 500).
class FakeRun final : public ServerBackend {
 public:
  // `board_mask`: a network that also plays smaller Go boards.
  explicit FakeRun(const fs::path& dir, const std::string& spec = "tictactoe", bool board_mask = false)
      : weights_(dir / ("net-" + spec.substr(0, 4) + ".safetensors")) {
    const auto g = game::MakeGame(spec);
    net::NetConfig c = net::DefaultNetConfig(*g, 1, 8);
    c.board_mask = board_mask ? 1 : 0;
    hash_ = net::Network::Random(c, 2)->Save(weights_.string());
  }
  std::optional<NetworkOffer> NewestNetwork() override { return NetworkOffer{1, hash_, weights_.string()}; }
  std::optional<int64_t> NetworkGeneration(const std::string& hash) override {
    return hash == hash_ ? std::optional<int64_t>(1) : std::nullopt;
  }
  StoreOutcome StoreGames(const std::vector<selfplay::GameRecord>& games) override {
    std::lock_guard lock(mutex_);
    ++attempts_;
    if (fail_) throw std::runtime_error("the store is down");
    StoreOutcome out;
    for (const auto& g : games) {
      if (uuids_.insert(g.uuid).second) {
        ++out.stored;
        records_.push_back(g);
      } else {
        ++out.duplicates;
      }
    }
    return out;
  }
  std::string SelfPlayJson() override {
    std::lock_guard lock(mutex_);
    return settings_;
  }
  std::string StatusJson() override { return "{}"; }

  int attempts() {
    std::lock_guard lock(mutex_);
    return attempts_;
  }
  size_t stored() {
    std::lock_guard lock(mutex_);
    return uuids_.size();
  }

  std::mutex mutex_;
  std::string settings_ = R"({"game":"tictactoe","games":8,"full_visits":8,"fast_visits":4,"full_fraction":1,)"
                          R"("temperature_moves":9,"resign_threshold":-2})";
  bool fail_ = false;
  int attempts_ = 0;
  std::set<std::string> uuids_;
  std::vector<selfplay::GameRecord> records_;

 private:
  fs::path weights_;
  std::string hash_;
};

class RemoteWorkerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("descent_worker_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    run_ = std::make_unique<FakeRun>(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<TrainerServer> Serve(size_t max_body_bytes = ServerParams{}.max_body_bytes) {
    ServerParams p;
    p.token = "secret";
    p.max_body_bytes = max_body_bytes;
    return std::make_unique<TrainerServer>(*game_, *run_, p);
  }
  selfplay::RemoteWorkerParams Worker(int port) {
    selfplay::RemoteWorkerParams p;
    p.server = "http://127.0.0.1:" + std::to_string(port);
    p.token = "secret";
    p.spool = (dir_ / "spool").string();
    p.threads = 1;
    p.upload_seconds = 0;  // upload whatever waits, every round
    p.poll_seconds = 0.2;
    p.seed = 5;
    return p;
  }
  // Runs the worker until `done` (checked every 20 ms) or 120 s.
  // A worker plays for `run` through a server with `params` until 12 games
  // are stored; the specs of the stored games (each checked on arrival).
  std::set<std::string> SpecsOfTwelveGames(const game::Game& game, FakeRun& run, const ServerParams& params) {
    TrainerServer server(game, run, params);
    RunUntil(Worker(server.port()), [&] { return run.stored() >= 12; });
    std::lock_guard lock(run.mutex_);
    EXPECT_GE(run.records_.size(), 12u);
    std::set<std::string> specs;
    for (const auto& r : run.records_) specs.insert(r.game_spec);
    return specs;
  }

  selfplay::RemoteWorkerSummary RunUntil(const selfplay::RemoteWorkerParams& p, const std::function<bool()>& done,
                                         std::vector<std::string>* messages = nullptr) {
    std::atomic<bool> stop{false};
    std::mutex mutex;
    selfplay::RemoteWorkerOutput out;
    out.message = [&](const std::string& line) {
      std::lock_guard lock(mutex);
      if (messages) messages->push_back(line);
    };
    std::thread watcher([&] {
      const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(120);
      while (!done() && std::chrono::steady_clock::now() < give_up) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      stop = true;
    });
    selfplay::RemoteWorker worker(p, out);
    const auto summary = worker.Run(&stop);
    watcher.join();
    return summary;
  }

  fs::path dir_;
  std::unique_ptr<game::Game> game_ = game::MakeGame("tictactoe");  // outlives the servers
  std::unique_ptr<FakeRun> run_;
};

TEST_F(RemoteWorkerTest, DeliversEveryFinishedGameExactlyOnce) {
  auto server = Serve();
  const auto s = RunUntil(Worker(server->port()), [&] { return run_->stored() >= 40; });
  EXPECT_EQ(s.spooled, 0);  // the last games went on the way out
  EXPECT_EQ(static_cast<int64_t>(run_->stored()), s.uploaded);
  EXPECT_EQ(s.duplicates, 0);
  EXPECT_EQ(s.games, static_cast<uint64_t>(s.uploaded + s.dropped));
  // Each game says the net evaluations made since the one before it: summed,
  // the worker's self-play less its unfinished games (a few of 8 running,
  // against 40 finished), which the trainer adds to its networks' lineage.
  int64_t evals = 0;
  {
    std::lock_guard lock(run_->mutex_);
    for (const auto& r : run_->records_) evals += r.evals;
  }
  EXPECT_GT(evals, 0);
  EXPECT_LE(evals, static_cast<int64_t>(s.evals));
  EXPECT_GE(evals, static_cast<int64_t>(s.evals) / 2);
}

TEST_F(RemoteWorkerTest, BacksOffWhileUploadsFail) {
  auto server = Serve();
  run_->fail_ = true;
  // Retries wait 1 s, then 2 s: by 3.5 s after the first attempt at most
  // three uploads were tried (without backoff one every round, ~30).
  std::optional<std::chrono::steady_clock::time_point> first;
  int attempts_at_stop = 0;
  RunUntil(Worker(server->port()), [&] {
    const int attempts = run_->attempts();
    if (attempts > 0 && !first) first = std::chrono::steady_clock::now();
    if (!first || std::chrono::steady_clock::now() - *first < std::chrono::milliseconds(3500)) return false;
    attempts_at_stop = attempts;
    return true;
  });
  EXPECT_GE(attempts_at_stop, 2);
  EXPECT_LE(attempts_at_stop, 3);
}

TEST_F(RemoteWorkerTest, AFullSpoolPausesSelfPlayAndDropsNothingStored) {
  auto server = Serve();
  run_->fail_ = true;
  selfplay::RemoteWorkerParams p = Worker(server->port());
  p.max_spool_games = 12;
  p.max_backoff_seconds = 0.2;
  std::vector<std::string> messages;
  const auto s = RunUntil(p, [&] { return run_->attempts() >= 8; }, &messages);
  EXPECT_LE(s.spooled, 12);
  bool paused = false;
  for (const auto& m : messages) paused |= m.find("spool full (12 games") != std::string::npos;
  EXPECT_TRUE(paused);
  // Then the trainer comes back: everything in the spool is delivered.
  run_->fail_ = false;
  p.max_spool_games = 1000;
  const auto later = RunUntil(p, [&] { return run_->stored() >= 20; });
  EXPECT_EQ(later.spooled, 0);
  EXPECT_GE(run_->stored(), static_cast<size_t>(s.spooled));
}

TEST_F(RemoteWorkerTest, PlaysTheTrainersSearchRecipe) {
  // Gumbel self-play (a target at every move) where the worker's own default
  // for tic-tac-toe is PUCT; full searches on 1% of moves would leave most
  // games without any target.
  {
    std::lock_guard lock(run_->mutex_);
    run_->settings_ = R"({"game":"tictactoe","games":8,"full_visits":8,"fast_visits":4,"full_fraction":0.01,)"
                      R"("temperature_moves":9,"fresh_full_search":true,"gumbel_simulations":8,)"
                      R"("gumbel_considered":4,"komi_spread":0,"resign_threshold":-2})";
  }
  auto server = Serve();
  RunUntil(Worker(server->port()), [&] { return run_->stored() >= 20; });
  std::lock_guard lock(run_->mutex_);
  ASSERT_GE(run_->records_.size(), 20u);
  for (const auto& r : run_->records_) EXPECT_EQ(r.targets.size(), r.moves.size()) << r.uuid;
}

TEST_F(RemoteWorkerTest, SearchesWithTheTrainersSearchOptionsAndSaysWhereTheyDifferFromItsOwn) {
  {
    std::lock_guard lock(run_->mutex_);
    run_->settings_.insert(run_->settings_.size() - 1, R"(,"search":{"c-puct":2.5,"noise-fraction":0.25})");
  }
  auto server = Serve();
  std::vector<std::string> messages;
  RunUntil(Worker(server->port()), [&] { return run_->stored() >= 4; }, &messages);
  bool said = false;
  for (const auto& m : messages) {
    // c-puct differs from the worker's default (1.5); noise-fraction does not.
    said |= m.find("searching with the trainer's options: c-puct 2.5 (this worker's: 1.5)") != std::string::npos &&
            m.find("noise-fraction") == std::string::npos;
  }
  EXPECT_TRUE(said);
  // An out-of-range option: the settings are malformed and nothing is played.
  {
    std::lock_guard lock(run_->mutex_);
    const size_t at = run_->settings_.find("2.5");
    run_->settings_.replace(at, 3, "500");
  }
  std::atomic<bool> malformed{false}, stop{false};
  selfplay::RemoteWorkerOutput out;
  out.message = [&](const std::string& line) {
    if (line.find("malformed") != std::string::npos && line.find("c-puct") != std::string::npos) malformed = true;
  };
  const size_t stored = run_->stored();
  std::thread watcher([&] {
    for (int i = 0; i < 1500 && !malformed; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    stop = true;
  });
  try {
    selfplay::RemoteWorker worker(Worker(server->port()), out);
    worker.Run(&stop);
  } catch (const std::exception&) {
  }
  stop = true;
  watcher.join();
  EXPECT_TRUE(malformed);
  EXPECT_EQ(run_->stored(), stored);
}

TEST_F(RemoteWorkerTest, PlaysEachGameAtTheKomiTheTrainersSpreadDraws) {
  const auto go = game::MakeGame("go:5:komi=0.5");
  FakeRun run(dir_, go->Spec());
  run.settings_ = R"({"game":"go:5:komi=0.5","games":8,"full_visits":8,"fast_visits":4,"full_fraction":1,)"
                  R"("temperature_moves":5,"gumbel_simulations":4,"gumbel_considered":4,"komi_spread":2,)"
                  R"("resign_threshold":-2})";
  ServerParams p;
  p.token = "secret";
  p.max_komi_offset = 6;  // selfplay::MaxKomiOffset at spread 2
  EXPECT_GE(SpecsOfTwelveGames(*go, run, p).size(), 3u);
}

TEST_F(RemoteWorkerTest, PlaysTheTrainersMixedBoardAndTheServerTakesItsGames) {
  const auto go = game::MakeGame("go:5:komi=0.5");
  FakeRun run(dir_, go->Spec(), true);
  run.settings_ = R"({"game":"go:5:komi=0.5","games":8,"full_visits":8,"fast_visits":4,"full_fraction":1,)"
                  R"("temperature_moves":5,"gumbel_simulations":4,"gumbel_considered":4,)"
                  R"("mixed_board":"go:4:komi=1.5","mixed_board_fraction":0.5,"resign_threshold":-2})";
  ServerParams p;
  p.token = "secret";
  p.mixed_board = "go:4:komi=1.5";
  EXPECT_EQ(SpecsOfTwelveGames(*go, run, p), (std::set<std::string>{"go:5:komi=0.5", "go:4:komi=1.5"}));
}

TEST_F(RemoteWorkerTest, SettingsOutOfRangeAreRefusedAndNothingIsPlayed) {
  auto server = Serve();
  selfplay::RemoteWorkerParams p = Worker(server->port());
  {
    std::lock_guard lock(run_->mutex_);
    run_->settings_.insert(run_->settings_.size() - 1,
                           R"(,"gumbel_simulations":0,"komi_spread":0,"resign_playout_fraction":0.1,)"
                           R"("random_opening_fraction":0,"proved_targets":0,)"
                           R"("random_opening_moves":4)");
  }
  for (const char* bad : {R"("full_visits":1e300)", R"("full_visits":-3)", R"("full_fraction":1e300)",
                          R"("games":"8")", R"("resign_threshold":null)", R"("gumbel_simulations":-7)",
                          R"("komi_spread":1e9)", R"("resign_playout_fraction":-1)",
                          R"("random_opening_fraction":2)", R"("proved_targets":2)",
                          R"("random_opening_moves":0)"}) {
    std::string settings = run_->settings_;
    const std::string key = std::string(bad).substr(0, std::string(bad).find(':') + 1);
    const size_t at = settings.find(key);
    settings.replace(at, settings.find_first_of(",}", at) - at, bad);
    {
      std::lock_guard lock(run_->mutex_);
      run_->settings_ = settings;
    }
    // Runs until the worker says why it cannot play (or 30 s).
    std::atomic<bool> said{false}, stop{false};
    selfplay::RemoteWorkerOutput out;
    out.message = [&](const std::string& line) {
      if (line.find("self-play settings are malformed") != std::string::npos) said = true;
    };
    std::thread watcher([&] {
      for (int i = 0; i < 1500 && !said; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
      stop = true;
    });
    std::string error;
    try {
      selfplay::RemoteWorker worker(p, out);
      worker.Run(&stop);
    } catch (const std::exception& e) {
      error = e.what();
    }
    stop = true;
    watcher.join();
    // Said as a message (the worker retries), or as the error it ends with.
    EXPECT_TRUE(said || error.find("malformed") != std::string::npos) << bad << ": " << error;
    EXPECT_EQ(run_->stored(), 0u) << bad;
  }
}

TEST_F(RemoteWorkerTest, HalvesItsBatchWhenTheServerFindsItTooBig) {
  // A server that takes about four tic-tac-toe games per request.
  auto server = Serve(4000);
  selfplay::RemoteWorkerParams p = Worker(server->port());
  p.batch_games = 64;
  const auto s = RunUntil(p, [&] { return run_->stored() >= 30; });
  EXPECT_LT(s.batch_games, 64);
  EXPECT_GE(run_->stored(), 30u);
  EXPECT_EQ(s.rejected, 0);
}

}  // namespace
}  // namespace descent::trainer
