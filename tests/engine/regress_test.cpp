// GNU Go's regression suites: the .tst reader and runner against a real GNU
// Go, and loadsgf of the suites' positions checked against GNU Go's board.

#include "engine/regress.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "engine/gtp.h"
#include "game/go.h"
#include "game/registry.h"
#include "game/shell.h"
#include "game/user_error.h"
#include "net/network.h"

namespace descent::engine {
namespace {

namespace fs = std::filesystem;

std::string GnuGo() { return game::FindGnuGo(); }

TEST(Regress, ReadsCommandsTestsAndTheirMarks) {
  const auto suite = ParseRegressSuite(
      "# a comment\n"
      "loadsgf games/a.sgf 4\n"
      "10 reg_genmove black\n"
      "#? [E5|E6|e3]\n"
      "\n"
      "20 reg_genmove white\r\n"
      "#? [!D5]*\n"
      "30 unconditional_status S15\n"
      "#? [undecided\n"
      "40 owl_attack C3\n");
  ASSERT_EQ(suite.size(), 5u);
  EXPECT_FALSE(suite[0].id);
  EXPECT_EQ(suite[0].command, "loadsgf games/a.sgf 4");
  EXPECT_EQ(suite[1].line, 3);
  EXPECT_EQ(*suite[1].id, 10);
  EXPECT_EQ(suite[1].command, "reg_genmove black");
  EXPECT_EQ(*suite[1].pattern, "E5|E6|e3");
  EXPECT_FALSE(suite[1].negate);
  EXPECT_FALSE(suite[1].expect_failure);
  EXPECT_EQ(*suite[2].pattern, "D5");
  EXPECT_TRUE(suite[2].negate);
  EXPECT_TRUE(suite[2].expect_failure);
  EXPECT_EQ(*suite[3].pattern, "undecided");  // no "]": the rest of the line
  EXPECT_FALSE(suite[4].pattern);              // numbered, no expected answer: not a test

  EXPECT_TRUE(RegressMatches(suite[1], "E3"));  // case ignored
  EXPECT_TRUE(RegressMatches(suite[1], "e6"));
  EXPECT_FALSE(RegressMatches(suite[1], "E55"));  // the whole answer
  EXPECT_FALSE(RegressMatches(suite[1], "PASS"));
  EXPECT_FALSE(RegressMatches(suite[2], "D5"));
  EXPECT_TRUE(RegressMatches(suite[2], "C5"));
  RegressCommand bad = suite[1];
  bad.pattern = "E5|(";
  EXPECT_THROW(RegressMatches(bad, "E5"), game::UserError);
  EXPECT_THROW(ParseRegressSuite("#? [E5]\n"), game::UserError);
  EXPECT_THROW(ParseRegressSuite("loadsgf x.sgf\n#? [E5]\n"), game::UserError);
}

// Against a real GNU Go: passes, failures, expected failures, unknown
// commands and a failed set-up each counted as such.
TEST(Regress, RunsASuiteAgainstGnuGo) {
  const std::string gnugo = GnuGo();
  if (gnugo.empty()) GTEST_SKIP() << "gnugo is not installed (scripts/test installs it)";
  const auto suite = ParseRegressSuite(
      "boardsize 5\nclear_board\nplay black C3\nplay white B2\n"
      "10 list_stones black\n#? [C3]\n"
      "20 list_stones white\n#? [C3]\n"           // fails: white is at B2
      "30 list_stones white\n#? [!C3]*\n"         // passes, though a failure was expected
      "40 list_stones black\n#? [B2]*\n"          // fails, as expected
      "50 descent_no_such_command\n#? [x]\n"      // skipped: unknown
      "loadsgf no/such/file.sgf\n"
      "60 reg_genmove black\n#? [.*]\n"           // skipped: the set-up failed
      "boardsize 5\n"
      "70 list_stones white\n#? [B2|C3]\n");     // boardsize cleared the board: fails
  GtpClient client(gnugo + " --mode gtp");
  const auto results = RunRegressSuite(client, suite);
  ASSERT_EQ(results.size(), 7u);
  const std::vector<RegressOutcome> expected = {
      RegressOutcome::kPassed,         RegressOutcome::kFailed,  RegressOutcome::kUnexpectedPass,
      RegressOutcome::kExpectedFailure, RegressOutcome::kSkipped, RegressOutcome::kSkipped,
      RegressOutcome::kFailed};
  RegressCounts counts;
  for (size_t i = 0; i < results.size(); ++i) {
    EXPECT_EQ(results[i].outcome, expected[i]) << results[i].test.command << " -> " << results[i].answer;
    counts.Add(results[i].outcome);
  }
  EXPECT_EQ(results[1].answer, "B2");
  EXPECT_EQ(results[4].answer, "unknown command");
  EXPECT_NE(results[5].answer.find("loadsgf no/such/file.sgf"), std::string::npos) << results[5].answer;
  EXPECT_EQ(counts.Run(), 5);
  EXPECT_EQ(counts.Passes(), 2);
  EXPECT_EQ(counts.skipped, 2);
}

// Every position GNU Go's regression suites load (each file whole, and at
// each move number a suite asks for): Descent's loadsgf gives the same
// stones and the same side to move as GNU Go's. The suites are GPL data
// kept outside the project (../shared/data/gnugo-regression).
TEST(Regress, LoadsgfSetsUpTheSamePositionsAsGnuGo) {
  const std::string gnugo = GnuGo();
  if (gnugo.empty()) GTEST_SKIP() << "gnugo is not installed (scripts/test installs it)";
  const fs::path data = DESCENT_GNUGO_REGRESSION;
  if (!fs::is_directory(data)) GTEST_SKIP() << data << " is not here (GNU Go's suites live outside the project)";

  std::set<std::pair<std::string, int>> positions;  // (file, move number or 0)
  for (const auto& e : fs::recursive_directory_iterator(data)) {
    if (e.path().extension() == ".sgf") positions.insert({fs::relative(e.path(), data).string(), 0});
    if (e.path().extension() != ".tst") continue;
    std::ifstream in(e.path());
    const std::regex load(R"(^\s*loadsgf\s+(\S+)(?:\s+(\d+))?\s*$)");
    for (std::string line; std::getline(in, line);) {
      std::smatch m;
      if (std::regex_match(line, m, load) && fs::exists(data / m[1].str())) {
        positions.insert({m[1].str(), m[2].matched ? std::stoi(m[2].str()) : 0});
      }
    }
  }
  ASSERT_GT(positions.size(), 300u);

  std::map<int, std::shared_ptr<const net::Network>> nets;
  const auto net_for = [&nets](const game::Game& g) {
    auto& n = nets[g.BoardWidth()];
    if (!n) n = net::Network::Random(net::DefaultNetConfig(*game::MakeGame("go:" + std::to_string(g.BoardWidth())), 1, 8), 1);
    return n;
  };
  Engine engine(net_for(*game::MakeGame("go:9")), EngineParams{});
  GtpParams params{.visits = 1};
  params.network_for = net_for;
  GtpServer server(engine, params);
  GtpClient reference("cd '" + data.string() + "' && exec " + gnugo + " --mode gtp");

  int compared = 0, gnugo_refused = 0;
  const fs::path cwd = fs::current_path();
  fs::current_path(data);  // the suites' paths are relative to their folder
  for (const auto& [file, move] : positions) {
    const std::string command = "loadsgf " + file + (move > 0 ? " " + std::to_string(move) : "");
    const GtpReply expected = reference.Send(command);
    if (!expected.ok) {
      ++gnugo_refused;
      continue;
    }
    bool quit = false;
    const std::string reply = server.Handle(command, &quit);
    ASSERT_EQ(reply, "= " + expected.text + "\n\n") << command;
    const auto& g = engine.game();
    const auto& s = static_cast<const game::GoState&>(engine.state());
    for (const char* colour : {"black", "white"}) {
      std::istringstream words(reference.Send(std::string("list_stones ") + colour).text);
      std::set<std::string> want, have;
      for (std::string w; words >> w;) want.insert(w);
      const auto stone = std::string(colour) == "black" ? game::GoState::kBlack : game::GoState::kWhite;
      for (game::Move m = 0; m < g.BoardWidth() * g.BoardHeight(); ++m) {
        if (s.AtMove(m) == stone) have.insert(g.MoveToText(m));
      }
      EXPECT_EQ(have, want) << command << ": " << colour << " stones";
    }
    ++compared;
  }
  fs::current_path(cwd);
  std::printf("%d positions set up alike; GNU Go refused %d\n", compared, gnugo_refused);
  EXPECT_GT(compared, 300);
}

}  // namespace
}  // namespace descent::engine
