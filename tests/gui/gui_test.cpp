// The GUI under Xvfb: a scripted game against a small network on each of
// the three games; the resulting record must be a legal game that followed
// the clicks, and the screenshot must show each piece where the record
// says it stands (pixel colours at the computed centres).

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "game/go.h"
#include "game/registry.h"
#include "game/sgf.h"
#include "gui/board_layout.h"
#include "gui/png.h"
#include "net/network.h"

namespace descent::gui {
namespace {

namespace fs = std::filesystem;

constexpr int kWidth = 900, kHeight = 600;

bool HaveXvfb() { return std::system("command -v xvfb-run > /dev/null 2>&1") == 0; }

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

struct GuiRun {
  int status = -1;
  std::unique_ptr<game::Game> game;  // outlives final_state, which refers to it
  std::unique_ptr<game::State> final_state;
  RgbImage screenshot;
  std::string log;
};

// Plays `clicks` (each followed by waiting for the engine), then `tail`,
// takes a screenshot with the mouse off the board and saves the record.
GuiRun Play(const std::string& spec, const std::vector<std::string>& clicks, const std::string& tail) {
  const fs::path dir = fs::temp_directory_path() / ("descent-gui-" + std::to_string(getpid()) + "-" + spec.substr(0, 4));
  fs::remove_all(dir);
  fs::create_directories(dir);
  auto game = game::MakeGame(spec);
  net::Network::Random(net::DefaultNetConfig(*game, 1, 16), 7)->Save((dir / "net.safetensors").string());
  std::ofstream script(dir / "script.txt");
  script << "wait\n";
  for (const std::string& c : clicks) script << "click " << c << "\nwait\n";
  script << tail << "hover 2 2\nkey F1\nkey Escape\nscreenshot " << (dir / "shot.png").string() << "\n"
         << "save " << (dir / (game->Name() == "go" ? "game.sgf" : "game.txt")).string() << "\nquit\n";
  script.close();
  const std::string command = "xvfb-run -a -s '-screen 0 1280x800x24' " + std::string(DESCENT_BINARY) +
                              " gui --net " + (dir / "net.safetensors").string() +
                              " --visits 16 --threads 1 --width " + std::to_string(kWidth) + " --height " +
                              std::to_string(kHeight) + " --script " + (dir / "script.txt").string() + " > " +
                              (dir / "log.txt").string() + " 2>&1";
  GuiRun run;
  run.game = std::move(game);
  const game::Game* g = run.game.get();
  run.status = std::system(command.c_str());
  run.log = ReadFile(dir / "log.txt");
  if (g->Name() == "go") {
    const game::SgfRecord record = game::ParseSgf(ReadFile(dir / "game.sgf"));
    run.final_state = game::ReplaySgf(static_cast<const game::GoGame&>(*g), record);
  } else {
    const std::string text = ReadFile(dir / "game.txt");
    std::istringstream moves(text.substr(text.find("moves:") + 6));
    run.final_state = g->NewInitialState();
    for (std::string m; moves >> m;) run.final_state->PlayChecked(g->ParseMove(m));
  }
  run.screenshot = ReadPng((dir / "shot.png").string());
  fs::remove_all(dir);
  return run;
}

bool Near(std::array<int, 3> pixel, std::array<int, 3> want, int tolerance = 40) {
  for (int i = 0; i < 3; ++i) {
    if (std::abs(pixel[i] - want[i]) > tolerance) return false;
  }
  return true;
}

// The human (first player) clicked `clicks` in order, skipping refused
// ones: its moves in the record are a subsequence of the clicks.
void ExpectHumanMovesFollowClicks(const game::State& final_state, const std::vector<std::string>& clicks) {
  const game::Game& g = final_state.game();
  const std::vector<game::Move> moves = final_state.MoveHistory();
  size_t next = 0;
  for (size_t i = 0; i < moves.size(); i += 2) {
    while (next < clicks.size() && g.ParseMove(clicks[next]) != moves[i]) ++next;
    ASSERT_LT(next, clicks.size()) << "move " << i + 1 << " (" << g.MoveToText(moves[i]) << ") was not clicked";
    ++next;
  }
}

// The script ran, the game is over, and the person's moves were clicks.
void ExpectFinishedByClicks(const GuiRun& run, const std::vector<std::string>& clicks) {
  ASSERT_EQ(run.status, 0) << run.log;
  ASSERT_TRUE(run.final_state->IsTerminal());
  ExpectHumanMovesFollowClicks(*run.final_state, clicks);
}

// Where the window drew the board in the screenshot.
BoardLayout ScreenshotLayout(const GuiRun& run) {
  return WindowBoardLayout(run.final_state->game(), run.screenshot.width, run.screenshot.height);
}

class GuiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!HaveXvfb()) GTEST_SKIP() << "xvfb-run is not installed (scripts/test installs xvfb)";
  }
};

TEST_F(GuiTest, TicTacToeGameToTheEnd) {
  const std::vector<std::string> clicks = {"b2", "a1", "a3", "c1", "c3", "b1", "b3", "a2", "c2"};
  const GuiRun run = Play("tictactoe", clicks, "expect-over\n");
  ASSERT_NO_FATAL_FAILURE(ExpectFinishedByClicks(run, clicks));
  const BoardLayout layout = ScreenshotLayout(run);
  const std::vector<int> cells = Occupancy(*run.final_state, BoardKind::kTicTacToe);
  for (int m = 0; m < 9; ++m) {
    const Pixel c = layout.CellCenter(m % 3, m / 3);
    SCOPED_TRACE(m);
    if (cells[m] == 0) {  // X: its two strokes cross at the centre
      EXPECT_TRUE(Near(run.screenshot.At(c.x, c.y), {42, 111, 214}));
    } else if (cells[m] == 1) {  // O: a ring of radius 0.3 cells, empty inside
      EXPECT_TRUE(Near(run.screenshot.At(c.x + 0.3f * layout.cell(), c.y), {214, 69, 42}));
      EXPECT_TRUE(Near(run.screenshot.At(c.x, c.y), {238, 238, 232}));
    } else {
      EXPECT_TRUE(Near(run.screenshot.At(c.x, c.y), {238, 238, 232}));
    }
  }
}

TEST_F(GuiTest, ConnectFourGameToTheEnd) {
  std::vector<std::string> clicks;
  for (int round = 0; round < 6; ++round) {
    for (const char* column : {"d", "c", "e", "b", "f", "a", "g"}) clicks.push_back(column);
  }
  const GuiRun run = Play("connect4", clicks, "expect-over\n");
  ASSERT_NO_FATAL_FAILURE(ExpectFinishedByClicks(run, clicks));
  const BoardLayout layout = ScreenshotLayout(run);
  const std::vector<int> cells = Occupancy(*run.final_state, BoardKind::kConnectFour);
  for (int row = 0; row < 6; ++row) {
    for (int col = 0; col < 7; ++col) {
      // Off centre: the last piece carries a ring marker at its centre.
      const Pixel c = layout.CellCenter(col, row);
      const auto pixel = run.screenshot.At(c.x + 0.3f * layout.cell(), c.y);
      const int who = cells[row * 7 + col];
      SCOPED_TRACE(std::to_string(col) + "," + std::to_string(row));
      EXPECT_TRUE(Near(pixel, who == 0 ? std::array{216, 58, 58} : who == 1 ? std::array{242, 195, 24} : std::array{43, 47, 54},
                       60));
    }
  }
}

TEST_F(GuiTest, GoGameWithPassesEndsScoredAndMarked) {
  std::vector<std::string> clicks = {"c3", "b2", "d4", "b4", "d2", "c2", "c4", "b3", "d3"};
  std::string tail;
  for (int i = 0; i < 30; ++i) tail += "key p\nwait\n";  // pass until the game ends (the move cap at the latest)
  tail += "expect-over\n";
  const GuiRun run = Play("go:5:komi=0.5", clicks, tail);
  ASSERT_EQ(run.status, 0) << run.log;
  ASSERT_TRUE(run.final_state->IsTerminal());
  const BoardLayout layout = ScreenshotLayout(run);
  const std::vector<int> cells = Occupancy(*run.final_state, BoardKind::kGo);
  const std::vector<int> territory = GoTerritory(*run.final_state);
  int stones = 0;
  for (int y = 0; y < 5; ++y) {
    for (int x = 0; x < 5; ++x) {
      const Pixel c = layout.CellCenter(x, y);
      // Between the centre (last-move ring, territory mark) and the edge.
      const auto pixel = run.screenshot.At(c.x - 0.3f * layout.cell(), c.y + 0.05f * layout.cell());
      const int who = cells[y * 5 + x];
      SCOPED_TRACE(std::to_string(x) + "," + std::to_string(y));
      if (who == 0) {
        EXPECT_LT(pixel[0] + pixel[1] + pixel[2], 3 * 90);
      } else if (who == 1) {
        EXPECT_GT(pixel[0] + pixel[1] + pixel[2], 3 * 200);
      } else {
        EXPECT_TRUE(Near(pixel, {220, 179, 92}));  // the wood shows between the marks
      }
      if (who < 0 && territory[y * 5 + x] >= 0) {  // a territory square at the centre
        const auto centre = run.screenshot.At(c.x, c.y);
        EXPECT_TRUE(Near(centre, territory[y * 5 + x] == 0 ? std::array{20, 20, 20} : std::array{242, 242, 242}));
      }
      stones += who >= 0;
    }
  }
  EXPECT_GT(stones, 0);
}

TEST(Gui, ClearMessagesInsteadOfCrashes) {
  const std::string descent = DESCENT_BINARY;
  const auto output = [&](const std::string& args, const std::string& env = "") {
    const std::string log = (fs::temp_directory_path() / ("descent-gui-msg-" + std::to_string(getpid()))).string();
    const int status = std::system((env + " " + descent + " gui " + args + " > " + log + " 2>&1").c_str());
    const std::string text = ReadFile(log);
    fs::remove(log);
    return std::make_pair(status, text);
  };
  const fs::path dir = fs::temp_directory_path() / ("descent-gui-bad-" + std::to_string(getpid()));
  fs::create_directories(dir);
  auto game = game::MakeGame("go:5");
  net::Network::Random(net::DefaultNetConfig(*game, 1, 8), 1)->Save((dir / "go5.safetensors").string());
  auto [status, text] = output("--net " + (dir / "go5.safetensors").string(), "env -u DISPLAY -u WAYLAND_DISPLAY -u SDL_VIDEODRIVER");
  EXPECT_NE(status, 0);
  EXPECT_NE(text.find("is there a display?"), std::string::npos) << text;
  std::tie(status, text) = output("--net " + (dir / "go5.safetensors").string() + " --size 9");
  EXPECT_NE(status, 0);
  EXPECT_NE(text.find("go:9"), std::string::npos) << text;  // the net is for 5x5
  std::tie(status, text) = output("--net " + (dir / "missing.safetensors").string());
  EXPECT_NE(status, 0);
  EXPECT_NE(text.find("missing.safetensors"), std::string::npos) << text;
  fs::create_directories(dir / "emptyrun");
  std::tie(status, text) = output("--run " + (dir / "emptyrun").string());
  EXPECT_NE(status, 0);
  EXPECT_NE(text.find("error"), std::string::npos) << text;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace descent::gui
