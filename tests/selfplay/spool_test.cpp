// The worker's spool of finished games: what survives, and the audit logs
// an upload's answer leaves behind.
#include "selfplay/spool.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace descent::selfplay {
namespace {

namespace fs = std::filesystem;

std::string Read(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(GameSpool, StaleGamesAreLoggedApartFromDeliveredOnes) {
  const fs::path dir = fs::temp_directory_path() / ("descent_spool_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  {
    GameSpool spool(dir, 10);
    ASSERT_TRUE(spool.Add("uuid-a", "{}"));
    ASSERT_TRUE(spool.Add("uuid-b", "{}"));
    ASSERT_TRUE(spool.Add("uuid-c", "{}"));
    const auto games = spool.Oldest(10);
    ASSERT_EQ(games.size(), 3u);
    // The trainer stored a and c, and refused b as stale.
    spool.Acknowledge(games, {"uuid-b"});
    EXPECT_EQ(spool.Count(), 0);
  }
  EXPECT_EQ(Read(dir / "acknowledged.log"), "uuid-a\nuuid-c\n");
  EXPECT_EQ(Read(dir / "stale.log"), "uuid-b\n");
  {
    GameSpool reopened(dir, 10);  // nothing left to upload
    EXPECT_EQ(reopened.Count(), 0);
  }
  fs::remove_all(dir);
}

TEST(GameSpool, KeepsGamesUntilAcknowledgedAndBoundsItsSize) {
  const fs::path dir = fs::temp_directory_path() / ("descent_spool_bound_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  {
    GameSpool spool(dir, 2);
    EXPECT_TRUE(spool.Add("one", "{\"n\":1}"));
    EXPECT_TRUE(spool.Add("two", "{\"n\":2}"));
    EXPECT_FALSE(spool.Add("three", "{\"n\":3}"));
    EXPECT_TRUE(spool.Full());
  }
  GameSpool reopened(dir, 2);  // a restart picks them up, oldest first
  const auto games = reopened.Oldest(1);
  ASSERT_EQ(games.size(), 1u);
  EXPECT_EQ(games[0].json, "{\"n\":1}");
  EXPECT_FALSE(fs::exists(dir / "acknowledged.log"));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace descent::selfplay
