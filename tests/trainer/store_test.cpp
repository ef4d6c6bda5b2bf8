#include "trainer/store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <tuple>
#include <unistd.h>

#include "trainer/replay_buffer.h"
#include "game/registry.h"
#include "game/user_error.h"

namespace descent::trainer {
namespace {

selfplay::GameRecord Game(const std::string& uuid, int targets, float result) {
  selfplay::GameRecord r;
  r.uuid = uuid;
  r.game_spec = "tictactoe";
  r.network = "net";
  r.moves = {4, 0, 8, 2, 1, 7, 6, 3, 5};  // a full drawn game
  for (int i = 0; i < targets; ++i) r.targets.push_back({i, {{r.moves[i], 1.0f}}});
  r.result = result;
  return r;
}

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (std::filesystem::temp_directory_path() / ("descent_store_" + std::to_string(::getpid()) + ".sqlite")).string();
    std::filesystem::remove(path_);
  }
  void TearDown() override {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + suffix);
  }
  std::string path_;
};

TEST_F(StoreTest, GamesAreStoredOnceAndSurviveReopening) {
  {
    Store store(path_);
    EXPECT_EQ(store.AddGames({Game("a", 3, 0), Game("b", 2, 0)}), 2);
    EXPECT_EQ(store.AddGames({Game("b", 2, 0), Game("c", 4, 0)}), 1);  // "b" is a retry
    store.AddNetwork({0, "h1", "", 0, "nets/1", 0});
    store.AddNetwork({0, "h2", "h1", 100, "nets/2", 0});
    store.AddMetric({100, 0, "eval.random", 0.9, "{\"lo\":0.8}"});
    store.SetState("game", "tictactoe");
  }
  Store store(path_);
  EXPECT_EQ(store.GameCount(), 3);
  EXPECT_EQ(store.SampleCount(), 9);
  const auto recent = store.RecentGames(5);  // newest games holding >= 5 samples
  ASSERT_EQ(recent.size(), 2u);
  EXPECT_EQ(recent[0].uuid, "b");
  EXPECT_EQ(recent[1].uuid, "c");
  EXPECT_EQ(store.LatestNetwork()->parent, "h1");
  EXPECT_EQ(store.Networks().size(), 2u);
  EXPECT_EQ(store.Metrics("eval.")[0].extra, "{\"lo\":0.8}");
  EXPECT_EQ(store.GetState("game"), "tictactoe");
  EXPECT_FALSE(store.GetState("nothing").has_value());
}

TEST_F(StoreTest, OutcomesAreCountedInBlocksOfGamesInStorageOrder) {
  Store store(path_);
  std::vector<selfplay::GameRecord> games;
  const float results[] = {1, 1, 0, -1, 0, 1, -1};
  for (int i = 0; i < 7; ++i) {
    games.push_back(Game(std::to_string(i), 1, results[i]));
    games.back().resigned = i == 0 || i == 6;
  }
  games[3].moves.resize(5);  // a shorter game
  store.AddGames(games);
  const auto blocks = store.OutcomesOverGames(3);
  // first game, games, first-player wins, draws, second-player wins,
  // resigned, mean moves; the last block holds the rest.
  const std::vector<std::tuple<int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, double>> expected = {
      {0, 3, 2, 1, 0, 1, 9.0}, {3, 3, 1, 1, 1, 0, (5 + 9 + 9) / 3.0}, {6, 1, 0, 0, 1, 1, 9.0}};
  ASSERT_EQ(blocks.size(), expected.size());
  for (size_t i = 0; i < blocks.size(); ++i) {
    const OutcomeBlock& b = blocks[i];
    EXPECT_EQ(std::make_tuple(b.first_game, b.games, b.first_player_wins, b.draws, b.second_player_wins, b.resigned,
                              b.mean_moves),
              expected[i])
        << "block " << i;
  }
  EXPECT_EQ(store.OutcomesOverGames(100).size(), 1u);
}

TEST_F(StoreTest, NotAStoreIsRefused) {
  { std::ofstream(path_) << "this is not a database, just text that goes on for a while........"; }
  EXPECT_THROW(Store store(path_), game::UserError);
}

TEST(ReplayBuffer, KeepsTheNewestWindowAndTargetsFromTheMoversView) {
  auto g = game::MakeGame("tictactoe");
  ReplayBuffer buffer(*g, 10);
  for (int i = 0; i < 5; ++i) buffer.Add(Game(std::to_string(i), 4, 1.0f));
  EXPECT_EQ(buffer.size(), 12);  // the newest games that still fill 10 samples
  std::mt19937_64 rng(1);
  const int n = 64;
  std::vector<float> input(n * 27), policy(n * 9), value(n);
  buffer.SampleBatch(n, rng, input.data(), policy.data(), value.data());
  for (int b = 0; b < n; ++b) {
    float sum = 0, stones = 0;
    for (int k = 0; k < 9; ++k) sum += policy[b * 9 + k];
    for (int k = 0; k < 18; ++k) stones += input[b * 27 + k];
    EXPECT_FLOAT_EQ(sum, 1.0f);
    // X (the first player) won: +1 when X is to move (an even number of stones).
    EXPECT_EQ(value[b], static_cast<int>(stones) % 2 == 0 ? 1.0f : -1.0f);
  }
}

}  // namespace
}  // namespace descent::trainer
