#include "trainer/training_run.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <fstream>
#include <mutex>
#include <set>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "game/registry.h"
#include "game/user_error.h"
#include "net/network.h"
#include "net/net_config.h"
#include "trainer/store.h"
#include "trainer/trainer.h"

namespace descent::trainer {
namespace {

namespace fs = std::filesystem;

// A tiny tic-tac-toe run: networks every 5 steps, a few hundred games a
// second; stopped by step counts, never by the clock.
TrainRunParams Tiny(const fs::path& dir) {
  TrainRunParams p;
  p.game = "tictactoe";
  p.run = dir.string();
  p.blocks = 1, p.channels = 8;
  p.games = 8, p.self_play.full_visits = 16, p.self_play.fast_visits = 8;
  p.min_samples = 32, p.batch = 16, p.publish_every = 5;
  p.eval_every = 0;
  p.threads = 1;
  return p;
}

class TrainingRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("descent_run_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Runs to `max_steps` (0: until `stop_when` returns true for a message);
  // returns the summary and collects the messages.
  TrainRunSummary RunTo(TrainRunParams p, int max_steps,
                        std::function<bool(const std::string&)> stop_when = nullptr) {
    p.max_steps = max_steps;
    std::atomic<bool> stop{false};
    TrainRunOutput out;
    out.message = [&](const std::string& line) {
      std::lock_guard lock(mutex_);
      messages_.push_back(line);
      if (stop_when && stop_when(line)) stop = true;
    };
    TrainingRun run(p, "", out);
    return run.Run(&stop);
  }
  bool Said(const std::string& text) {
    std::lock_guard lock(mutex_);
    for (const auto& m : messages_) {
      if (m.find(text) != std::string::npos) return true;
    }
    return false;
  }

  fs::path dir_;
  std::mutex mutex_;
  std::vector<std::string> messages_;
};

TEST_F(TrainingRunTest, TellsWorkersItsSearchOptions) {
  TrainRunParams p = Tiny(dir_);
  p.search.c_puct = 2.25f;
  p.search.prove_results = false;
  TrainingRun run(p, "");
  const auto settings = nlohmann::json::parse(run.SelfPlayJson());
  EXPECT_EQ(settings.at("search").at("c-puct"), 2.25);
  EXPECT_EQ(settings.at("search").at("prove"), false);
  EXPECT_EQ(settings.at("search").at("noise-fraction"), mcts::SearchParams{}.noise_fraction);
}

TEST_F(TrainingRunTest, PublishesNetworksWithLineage) {
  const TrainRunSummary s = RunTo(Tiny(dir_), 20);
  EXPECT_EQ(s.step, 20);
  Store store((dir_ / "store.sqlite").string());
  const auto rows = store.Networks();
  ASSERT_EQ(rows.size(), 5u);  // the random start, then steps 5, 10, 15, 20
  std::string parent;
  int64_t step = -1;
  for (const auto& row : rows) {
    EXPECT_EQ(row.parent, parent) << "network " << row.id;
    EXPECT_GT(row.step, step);
    // The file is what the store says, lineage included.
    const auto net = net::Network::Load((dir_ / row.path).string());
    EXPECT_EQ(net->info().content_hash, row.hash);
    EXPECT_EQ(net->info().parent, parent);
    EXPECT_EQ(net->info().training_step, row.step);
    EXPECT_TRUE(fs::exists(dir_ / (row.path + ".optimizer"))) << row.path;
    parent = row.hash;
    step = row.step;
  }
  EXPECT_EQ(s.games, store.GameCount());
  EXPECT_GT(s.games, 0);
}

TEST_F(TrainingRunTest, NeverTrainsPastTheReuseBound) {
  TrainRunParams p = Tiny(dir_);
  p.reuse = 0.5f;  // every sample seen half a time on average: training waits for games
  const TrainRunSummary s = RunTo(p, 30);
  Store store((dir_ / "store.sqlite").string());
  // Steps x batch <= samples x reuse, counting only what was stored.
  EXPECT_LE(s.step * p.batch, static_cast<int64_t>(store.SampleCount() * p.reuse));
  EXPECT_EQ(s.step, 30);
}

TEST_F(TrainingRunTest, ResumesWhereItStoppedAfterACrashAtEachStage) {
  RunTo(Tiny(dir_), 15);
  int64_t games = 0;
  std::vector<NetworkRow> rows;
  {
    Store s((dir_ / "store.sqlite").string());
    games = s.GameCount();
    rows = s.Networks();
  }
  ASSERT_EQ(rows.back().step, 15);

  // A crash after the weights were written but before the store named them:
  // an unlisted file is ignored.
  fs::copy_file(dir_ / rows.back().path, dir_ / "nets/step-00000099.safetensors");
  // A crash before the optimizer state was written: fresh momentum, same step.
  fs::remove(dir_ / (rows.back().path + ".optimizer"));
  messages_.clear();
  RunTo(Tiny(dir_), 20);
  EXPECT_TRUE(Said("resuming tictactoe in " + dir_.string() + ": " + std::to_string(games) + " games"));
  EXPECT_TRUE(Said(", step 15,"));
  {
    Store s((dir_ / "store.sqlite").string());
    EXPECT_GE(s.GameCount(), games);  // nothing acknowledged is lost
    games = s.GameCount();
    rows = s.Networks();
  }
  ASSERT_EQ(rows.back().step, 20);

  // The newest listed file torn (a crash mid-write by something else, a
  // disk error): refused by name, the run goes on from the one before.
  const fs::path newest = dir_ / rows.back().path;
  fs::resize_file(newest, 1000);
  messages_.clear();
  RunTo(Tiny(dir_), 25);
  EXPECT_TRUE(Said("refused: weights file"));
  EXPECT_TRUE(Said(", step " + std::to_string(rows[rows.size() - 2].step) + ","));
  Store s((dir_ / "store.sqlite").string());
  EXPECT_GE(s.GameCount(), games);
}

TEST_F(TrainingRunTest, RefusesAForeignNetworkAndAnotherGamesRun) {
  RunTo(Tiny(dir_), 10);
  // A Connect Four network in place of the newest tic-tac-toe one.
  const fs::path other = dir_.string() + "_c4";
  fs::remove_all(other);
  fs::create_directories(other);
  const auto c4 = game::MakeGame("connect4");
  net::Network::Random(net::DefaultNetConfig(*c4, 1, 8), 1)->Save((other / "c4.safetensors").string());
  std::vector<NetworkRow> rows;
  {
    Store s((dir_ / "store.sqlite").string());
    rows = s.Networks();
  }
  fs::copy_file(other / "c4.safetensors", dir_ / rows.back().path, fs::copy_options::overwrite_existing);
  messages_.clear();
  RunTo(Tiny(dir_), 12);
  EXPECT_TRUE(Said("refused: the network is for connect4, not tictactoe"));
  EXPECT_TRUE(Said(", step " + std::to_string(rows[rows.size() - 2].step) + ","));

  // The run directory itself belongs to tic-tac-toe.
  TrainRunParams p = Tiny(dir_);
  p.game = "connect4";
  EXPECT_THROW(TrainingRun(p, ""), game::UserError);
  fs::remove_all(other);
}

// --device is checked before anything is written: an unknown name, or CUDA
// on a LibTorch without a CUDA device, is refused with its reason and no run
// directory appears. (With a device present the run would start: CI has none.)
TEST_F(TrainingRunTest, RefusesADeviceItDoesNotHaveBeforeTouchingTheRun) {
  TrainRunParams p = Tiny(dir_);
  const auto expect_refused = [&](const std::string& device, const std::string& reason) {
    p.device = device;
    try {
      TrainingRun run(p, "");
      ADD_FAILURE() << "device '" << device << "' accepted";
    } catch (const game::UserError& e) {
      EXPECT_NE(std::string(e.what()).find(reason), std::string::npos) << e.what();
    }
    EXPECT_FALSE(fs::exists(dir_));
  };
  expect_refused("tpu", "unknown device 'tpu' (cpu or cuda)");
  bool cuda = true;
  try {
    net::Network::CheckDevice("cuda");
  } catch (const game::UserError&) {
    cuda = false;
  }
  if (!cuda) expect_refused("cuda", "no CUDA device");
  p.device = "cpu";
  RunTo(p, 5);
  EXPECT_TRUE(fs::exists(dir_ / "store.sqlite"));
}

TEST_F(TrainingRunTest, ContinuesFromAnInitNetworkWithItsLineage) {
  const TrainRunSummary first = RunTo(Tiny(dir_), 10);
  Store first_store((dir_ / "store.sqlite").string());
  const NetworkRow parent = first_store.Networks().back();
  const fs::path init = dir_ / parent.path;
  const auto parent_net = net::Network::Load(init.string());
  // The games stored when it was published (more finished after).
  EXPECT_GT(parent_net->info().selfplay_games, 0);
  EXPECT_LE(parent_net->info().selfplay_games, first.games);
  EXPECT_GT(parent_net->info().selfplay_evals, 0);

  const fs::path second_dir = dir_.string() + "_next";
  fs::remove_all(second_dir);
  TrainRunParams p = Tiny(second_dir);
  p.init = init.string();
  p.blocks = 0, p.channels = 0;  // the init network's size is used whatever the defaults
  const TrainRunSummary second = RunTo(p, 20);
  EXPECT_TRUE(Said("continuing from " + init.string() + " (step 10"));
  EXPECT_TRUE(Said("with the optimizer state saved beside it"));
  Store store((second_dir / "store.sqlite").string());
  const auto rows = store.Networks();
  ASSERT_GE(rows.size(), 2u);
  EXPECT_EQ(rows.front().parent, parent.hash);  // the new run's first network descends from the init
  EXPECT_EQ(rows.front().step, 10);
  EXPECT_EQ(rows.back().step, 20);
  const auto last = net::Network::Load((second_dir / rows.back().path).string());
  EXPECT_EQ(last->config().channels, 8);
  EXPECT_GT(last->info().selfplay_games, parent_net->info().selfplay_games);
  EXPECT_LE(last->info().selfplay_games, parent_net->info().selfplay_games + second.games);
  EXPECT_GT(last->info().selfplay_evals, parent_net->info().selfplay_evals);

  // A network of another game is refused by name, before anything runs.
  const fs::path c4_path = dir_.string() + "_c4.safetensors";
  net::Network::Random(net::DefaultNetConfig(*game::MakeGame("connect4"), 1, 8), 1)->Save(c4_path.string());
  TrainRunParams foreign = Tiny(dir_.string() + "_foreign");
  foreign.init = c4_path.string();
  try {
    RunTo(foreign, 5);
    ADD_FAILURE() << "a Connect Four network started a tic-tac-toe run";
  } catch (const game::UserError& e) {
    EXPECT_NE(std::string(e.what()).find("--init " + c4_path.string() + ": the network is for connect4, not tictactoe"),
              std::string::npos)
        << e.what();
  }
  EXPECT_FALSE(fs::exists(foreign.run)) << "a refused --init left a run directory";
  fs::remove_all(second_dir);
  fs::remove_all(dir_.string() + "_foreign");
  fs::remove(c4_path);
}

TEST_F(TrainingRunTest, AnInitNetworkCanBeDeepenedButNotOtherwiseReshaped) {
  RunTo(Tiny(dir_), 10);
  const fs::path init = dir_ / Store((dir_ / "store.sqlite").string()).Networks().back().path;

  // Continues `init` in a new run to `steps` as `change` asks; returns the
  // run's newest network.
  const auto continue_init = [&](const std::string& suffix, const std::function<void(TrainRunParams&)>& change,
                                 int steps) {
    const fs::path run = dir_.string() + suffix;
    fs::remove_all(run);
    TrainRunParams p = Tiny(run);
    p.init = init.string();
    change(p);
    RunTo(p, steps);
    const auto rows = Store((run / "store.sqlite").string()).Networks();
    EXPECT_GE(rows.size(), 2u);
    if (rows.empty()) throw std::runtime_error("run " + run.string() + " published no network");
    std::shared_ptr<net::Network> last = net::Network::Load((run / rows.back().path).string());
    fs::remove_all(run);
    return last;
  };

  // --blocks above the file's: the run continues a deeper copy, new
  // blocks starting as identities, and a fresh optimizer.
  const auto deeper = continue_init("_deeper", [](TrainRunParams& p) { p.blocks = 3, p.channels = 0; }, 20);
  EXPECT_TRUE(Said("deepened from 1 to 3 blocks: the new blocks start as identities"));
  EXPECT_FALSE(Said("with the optimizer state saved beside it"));
  EXPECT_EQ(deeper->config().blocks, 3);
  EXPECT_EQ(deeper->info().training_step, 20);

  // --wdl-value with a scalar-head file: the run continues a copy with a
  // win/draw/loss head made from it, and a fresh optimizer.
  ASSERT_EQ(net::Network::Load(init.string())->config().wdl_value, 0);
  const auto wdl = continue_init("_wdl", [](TrainRunParams& p) { p.wdl_value = true; }, 15);
  EXPECT_TRUE(Said("its scalar value head turned into a win/draw/loss head"));
  EXPECT_FALSE(Said("with the optimizer state saved beside it"));
  EXPECT_EQ(wdl->config().wdl_value, 1);
  EXPECT_EQ(wdl->info().training_step, 15);

  // Fewer blocks or other channels: refused by name before anything runs.
  const auto expect_refused = [&](int blocks, int channels, const std::string& message) {
    TrainRunParams q = Tiny(dir_.string() + "_reshaped");
    q.init = init.string();
    q.blocks = blocks, q.channels = channels;
    try {
      RunTo(q, 15);
      ADD_FAILURE() << "reshaped to " << blocks << " x " << channels;
    } catch (const game::UserError& e) {
      EXPECT_NE(std::string(e.what()).find(message), std::string::npos) << e.what();
    }
    EXPECT_FALSE(fs::exists(q.run)) << "a refused --init left a run directory";
    fs::remove_all(dir_.string() + "_reshaped");
  };
  expect_refused(0, 16, "has 8 channels; --channels 16 cannot change them");
  // (a 1-block file cannot lose blocks; deepen it first, then try)
  TrainRunParams two = Tiny(dir_.string() + "_two");
  fs::remove_all(two.run);
  two.init = init.string();
  two.blocks = 2, two.channels = 0;
  RunTo(two, 12);
  const fs::path two_path = fs::path(two.run) / Store((fs::path(two.run) / "store.sqlite").string()).Networks().back().path;
  TrainRunParams fewer = Tiny(dir_.string() + "_fewer");
  fs::remove_all(fewer.run);
  fewer.init = two_path.string();
  fewer.blocks = 1, fewer.channels = 0;
  try {
    RunTo(fewer, 15);
    ADD_FAILURE() << "a 2-block network continued with 1 block";
  } catch (const game::UserError& e) {
    EXPECT_NE(std::string(e.what()).find("has 2 blocks; --blocks 1 would drop some"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(fewer.run)) << "a refused --init left a run directory";
  fs::remove_all(two.run);
  fs::remove_all(fewer.run);
}

TEST_F(TrainingRunTest, MixedBoardSizesTrainOneMaskedNetworkOnBoth) {
  // A tiny 5x5 run, then its network continued with 4x4 games mixed in.
  TrainRunParams p = Tiny(dir_);
  p.game = "go:5:komi=0.5";
  p.self_play.gumbel_simulations = 4, p.self_play.gumbel_considered = 4;
  RunTo(p, 5);
  const fs::path init = dir_ / Store((dir_ / "store.sqlite").string()).Networks().back().path;
  ASSERT_EQ(net::Network::Load(init.string())->config().board_mask, 0);

  TrainRunParams mixed = p;
  mixed.run = dir_.string() + "_mixed";
  fs::remove_all(mixed.run);
  mixed.init = init.string();
  mixed.self_play.mixed_board = "go:4:komi=1.5";
  {
    TrainingRun run(mixed, "");
    const auto settings = nlohmann::json::parse(run.SelfPlayJson());  // workers play it too
    EXPECT_EQ(settings.at("mixed_board"), "go:4:komi=1.5");
    EXPECT_EQ(settings.at("mixed_board_fraction"), 0.5);
  }
  RunTo(mixed, 15);
  EXPECT_TRUE(Said("with a board mask added, to play go:4:komi=1.5 too"));
  {
    Store store((fs::path(mixed.run) / "store.sqlite").string());
    const auto last = net::Network::Load((fs::path(mixed.run) / store.Networks().back().path).string());
    EXPECT_EQ(last->config().board_mask, 1);
    EXPECT_EQ(last->config().game_spec, "go:5:komi=0.5");
    EXPECT_EQ(last->info().training_step, 15);
  }
  // Both boards are played and stored. The 4x4 games are shorter and end
  // first, so a slow build (TSan) can reach step 15 before any 5x5 game has
  // ended: the run is resumed, a few steps at a time, until both are stored.
  const auto stored_specs = [&] {
    std::set<std::string> specs;
    Store now((fs::path(mixed.run) / "store.sqlite").string());
    for (const auto& g : now.RecentGames(1000000)) specs.insert(g.game_spec);
    return specs;
  };
  std::set<std::string> specs = stored_specs();
  for (int to = 25; specs.size() < 2 && to <= 95; to += 10) {
    RunTo(mixed, to);
    specs = stored_specs();
  }
  EXPECT_EQ(specs, (std::set<std::string>{"go:5:komi=0.5", "go:4:komi=1.5"}));
  fs::remove_all(mixed.run);

  // A board that is not a smaller Go board is refused before the run starts.
  for (const char* bad : {"go:7", "connect4", "go:5:komi=3", "go:4:komi=0.3"}) {
    TrainRunParams q = p;
    q.run = dir_.string() + "_bad";
    q.self_play.mixed_board = bad;
    try {
      RunTo(q, 5);
      ADD_FAILURE() << "--mixed-board " << bad << " accepted";
    } catch (const game::UserError& e) {
      EXPECT_NE(std::string(e.what()).find("--mixed-board"), std::string::npos) << e.what();
    }
    EXPECT_FALSE(fs::exists(q.run)) << bad;
  }
}

TEST_F(TrainingRunTest, EvaluatesEveryNthNetworkOnly) {
  TrainRunParams p = Tiny(dir_);
  p.eval_every = 2;
  p.eval_games = 2;
  p.eval_visits = 2;
  p.eval_rollout_visits = 2;
  int evaluations = 0;
  // Until three evaluations have finished (their first line is the score
  // against random play).
  RunTo(p, 0, [&](const std::string& line) {
    return line.find("vs random") != std::string::npos && ++evaluations == 3;
  });
  Store store((dir_ / "store.sqlite").string());
  const auto rows = store.Networks();
  std::set<int64_t> evaluable;  // steps of the 2nd, 4th, ... networks
  for (size_t i = 1; i < rows.size(); i += 2) evaluable.insert(rows[i].step);
  const auto evaluated = store.Metrics("eval.random");
  EXPECT_GE(evaluated.size(), 2u);  // the third may be cut short by the stop
  for (const auto& m : evaluated) {
    EXPECT_TRUE(evaluable.count(m.step)) << "step " << m.step << " was evaluated";
  }
}

TEST(TrainRunOptions, ResolveDefaultsComesFromTheGamesTraits) {
  for (const char* spec : {"tictactoe", "connect4", "go:9"}) {
    const auto g = game::MakeGame(spec);
    TrainRunParams p;
    ResolveDefaults(*g, &p);
    const game::GameTraits t = g->Traits();
    EXPECT_EQ(p.self_play.temperature_moves, t.temperature_moves) << spec;
    EXPECT_EQ(p.self_play.full_visits, t.full_visits) << spec;
    EXPECT_EQ(p.blocks, t.net_blocks) << spec;
    EXPECT_EQ(p.eval_every, t.eval_every) << spec;
    EXPECT_EQ(p.self_play.gumbel_simulations, t.gumbel_simulations) << spec;
    EXPECT_EQ(p.self_play.proved_targets, t.proved_targets ? 1 : 0) << spec;
    // Given values win.
    TrainRunParams q;
    q.self_play.temperature_moves = 0;  // 0 is a value here: never by visits
    q.self_play.full_visits = 7;
    q.self_play.proved_targets = 0;
    ResolveDefaults(*g, &q);
    EXPECT_EQ(q.self_play.temperature_moves, 0);
    EXPECT_EQ(q.self_play.full_visits, 7);
    EXPECT_EQ(q.self_play.proved_targets, 0);
  }
  // Go self-plays with Gumbel search, the others with PUCT (as measured).
  TrainRunParams go, c4;
  ResolveDefaults(*game::MakeGame("go:7"), &go);
  ResolveDefaults(*game::MakeGame("connect4"), &c4);
  EXPECT_EQ(go.self_play.gumbel_simulations, 32);
  EXPECT_EQ(c4.self_play.gumbel_simulations, 0);
  // Policy targets by proofs: on for tic-tac-toe, where they paid; Connect
  // Four measured even and Go unmeasured keep plain visit shares.
  TrainRunParams ttt;
  ResolveDefaults(*game::MakeGame("tictactoe"), &ttt);
  EXPECT_EQ(ttt.self_play.proved_targets, 1);
  EXPECT_EQ(c4.self_play.proved_targets, 0);
  EXPECT_EQ(go.self_play.proved_targets, 0);
  // Every search option is a train option under the same name.
  for (const char* name : {"c-puct", "fpu-reduction", "prune", "leaves"}) {
    EXPECT_NE(TrainRunOptions().Find(name), nullptr) << name;
  }
}

TEST(Trainer, ASnapshotIsIndependentOfFurtherTraining) {
  const auto g = game::MakeGame("tictactoe");
  const net::NetConfig config = net::DefaultNetConfig(*g, 1, 8);
  Trainer trainer(net::Network::Random(config, 3), {.batch_size = 4}, 0);
  const int in_size = config.input_planes * config.height * config.width;
  std::vector<float> input(4 * in_size, 1.0f), policy(4 * config.policy_size, 0.0f), value(4, 1.0f);
  for (int i = 0; i < 4; ++i) policy[i * config.policy_size + i] = 1;
  const auto before = trainer.Snapshot("");
  std::vector<float> p0(config.policy_size), p1(config.policy_size), p2(config.policy_size);
  float v0, v1, v2;
  before->Forward(input.data(), 1, p0.data(), &v0);
  for (int i = 0; i < 20; ++i) trainer.Step({.size = 4, .input = input.data(), .policy = policy.data(), .value = value.data()});
  before->Forward(input.data(), 1, p1.data(), &v1);
  EXPECT_EQ(p0, p1);  // untouched by the training that followed
  EXPECT_EQ(v0, v1);
  const auto after = trainer.Snapshot(before->info().content_hash);
  after->Forward(input.data(), 1, p2.data(), &v2);
  EXPECT_NE(p0, p2);  // the new snapshot serves the trained weights
  EXPECT_EQ(after->info().training_step, 20);
  EXPECT_EQ(after->info().parent, before->info().content_hash);
  EXPECT_NE(after->info().content_hash, before->info().content_hash);
  // The hash in memory is the one the file gets.
  const auto path = fs::temp_directory_path() / ("descent_snapshot_" + std::to_string(::getpid()) + ".safetensors");
  std::unique_ptr<net::Network> copy = after->Clone();
  EXPECT_EQ(copy->Save(path.string()), after->info().content_hash);
  fs::remove(path);
}

}  // namespace
}  // namespace descent::trainer
