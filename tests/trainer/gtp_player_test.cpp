// Outside GTP engines as players of evaluation matches (trainer/gtp_player):
// a scripted engine that records what it is told, and GNU Go itself.
#include "trainer/gtp_player.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "game/registry.h"
#include "game/user_error.h"

namespace descent::trainer {
namespace {

namespace fs = std::filesystem;

// A GTP engine in sh: logs every command to `log`, answers `genmove` with
// `move` and everything else with an empty success.
std::string ScriptedEngine(const fs::path& dir, const std::string& name, const std::string& move) {
  const fs::path script = dir / (name + ".sh"), log = dir / (name + ".log");
  std::ofstream(script) << "while read -r line; do\n"
                           "  echo \"$line\" >> '" << log.string() << "'\n"
                           "  case \"$line\" in\n"
                           "    genmove*) printf '= " << move << "\\n\\n' ;;\n"
                           "    name) printf '= scripted\\n\\n' ;;\n"
                           "    quit) printf '=\\n\\n'; exit 0 ;;\n"
                           "    *) printf '=\\n\\n' ;;\n"
                           "  esac\n"
                           "done\n";
  return "sh '" + script.string() + "'";
}

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class GtpPlayerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("gtp_player_test_" + std::to_string(getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(GtpPlayerTest, KeepsTheEnginesBoardInStepWithTheGame) {
  const auto g = game::MakeGame("go:5:komi=2.5");
  const std::string command = ScriptedEngine(dir_, "e", "pass");
  auto player = GtpPlayerFactory(*g, {.command = command})(0);
  std::mt19937_64 rng(1);
  auto state = g->NewInitialState();
  state->Play(g->ParseMove("c3"));
  EXPECT_EQ(player->Choose(*state, rng), g->ParseMove("pass"));  // White passes
  state->Play(g->ParseMove("pass"));
  state->Play(g->ParseMove("b2"));  // Black's move: only that one is sent
  player->Choose(*state, rng);
  // A different game (not a continuation): the board is set up again.
  auto other = g->NewInitialState();
  other->Play(g->ParseMove("a1"));
  player->Choose(*other, rng);
  player.reset();
  EXPECT_EQ(ReadAll(dir_ / "e.log"),
            "boardsize 5\nclear_board\nkomi 2.5\nplay b C3\ngenmove w\nplay b B2\ngenmove w\n"
            "boardsize 5\nclear_board\nkomi 2.5\nplay b A1\ngenmove w\nquit\n");
}

TEST_F(GtpPlayerTest, AResigningEngineLosesTheGame) {
  const auto g = game::MakeGame("go:5:komi=2.5");
  selfplay::MatchParams p;
  p.games = 4;
  p.concurrency = 2;
  const selfplay::MatchResult r = selfplay::PlayMatch(*g, selfplay::RandomPlayerFactory(),
                                                      GtpPlayerFactory(*g, {.command = ScriptedEngine(dir_, "r", "resign")}), p);
  EXPECT_EQ(r.wins, 4);
}

TEST_F(GtpPlayerTest, AnIllegalMoveOrADeadEngineIsAnError) {
  const auto g = game::MakeGame("go:5:komi=2.5");
  selfplay::MatchParams p;
  p.games = 2;
  p.opening_moves = 0;
  // Every genmove answers C3: illegal once C3 is taken.
  EXPECT_THROW(selfplay::PlayMatch(*g, selfplay::RandomPlayerFactory(),
                                   GtpPlayerFactory(*g, {.command = ScriptedEngine(dir_, "i", "C3")}), p),
               game::UserError);
  EXPECT_THROW(selfplay::PlayMatch(*g, selfplay::RandomPlayerFactory(), GtpPlayerFactory(*g, {.command = "exit 3"}), p),
               game::UserError);
  EXPECT_THROW(GtpEngineName("exit 3"), game::UserError);
  EXPECT_EQ(GtpEngineName(ScriptedEngine(dir_, "n", "pass")), "scripted");
}

const char* kGnuGo = "/usr/games/gnugo";

TEST_F(GtpPlayerTest, GnuGoBeatsRandomPlayAndRefereesTheScore) {
  if (access(kGnuGo, X_OK) != 0) GTEST_SKIP() << "GNU Go is not installed";
  const auto g = game::MakeGame("go:7:komi=9");
  selfplay::MatchParams p;
  p.games = 4;
  p.concurrency = 4;
  std::atomic<int> scored{0};
  const auto referee = GtpRefereeScore(*g, std::string(kGnuGo) + " --mode gtp --chinese-rules");
  p.score = [&](const game::State& s, game::Player side) {
    ++scored;
    return referee(s, side);
  };
  const selfplay::MatchResult r = selfplay::PlayMatch(
      *g, GtpPlayerFactory(*g, {.command = std::string(kGnuGo) + " --mode gtp --level 1 --chinese-rules"}),
      selfplay::RandomPlayerFactory(), p);
  EXPECT_EQ(r.wins, 4);
  EXPECT_EQ(scored, 4);  // every game played out (GNU Go does not resign a won game), each refereed
}

}  // namespace
}  // namespace descent::trainer
