// The match referee: real matches between Descent, GNU Go and misbehaving
// engines (shell scripts), records that load back, and the statistics.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/match.h"
#include "game/go.h"
#include "game/registry.h"
#include "game/shell.h"
#include "game/sgf.h"
#include "game/user_error.h"
#include "net/network.h"

namespace descent::engine {
namespace {

namespace fs = std::filesystem;

std::string GnuGo() { return game::FindGnuGo(); }

fs::path TempDir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("descent-match-" + name + "-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A GTP engine in a few lines of shell: answers every command with an empty
// success, and genmove with `genmove_action` (shell code that prints the
// answer, or misbehaves).
std::string ScriptEngine(const fs::path& dir, const std::string& name, const std::string& genmove_action) {
  const fs::path path = dir / (name + ".sh");
  std::ofstream(path) << "while read -r cmd rest; do case \"$cmd\" in\n"
                      << "  genmove) " << genmove_action << " ;;\n"
                      << "  name) printf '= " << name << "\\n\\n' ;;\n"
                      << "  quit) printf '=\\n\\n'; exit 0 ;;\n"
                      << "  *) printf '=\\n\\n' ;;\n"
                      << "esac; done\n";
  return "sh " + path.string();
}

TEST(MatchStats, IntervalEloAndSprt) {
  game::MatchScore even{10, 0, 10};
  EXPECT_DOUBLE_EQ(even.Score(), 0.5);
  EXPECT_EQ(even.Elo(), 0.0);
  const auto [lo, hi] = even.Interval95();
  EXPECT_NEAR(lo, 0.299, 0.002);
  EXPECT_NEAR(hi, 0.701, 0.002);
  EXPECT_NEAR(game::MatchScore({3, 0, 1}).Elo(), 190.8, 0.1);  // 75%: +191 Elo

  const game::SprtParams sprt{0, 50, 0.05, 0.05};
  EXPECT_EQ(game::Sprt({2, 0, 0}, sprt).decision, game::SprtDecision::kContinue);
  EXPECT_EQ(game::Sprt({30, 0, 0}, sprt).decision, game::SprtDecision::kAcceptH1);
  EXPECT_EQ(game::Sprt({200, 0, 200}, sprt).decision, game::SprtDecision::kAcceptH0);
  EXPECT_EQ(game::Sprt({25, 0, 20}, sprt).decision, game::SprtDecision::kContinue);
}

// The issue's CI match: Descent (a small random network) against GNU Go at
// level 1 on 5x5, scored by GNU Go as referee, SGF written and read back.
TEST(Match, DescentAgainstGnuGoWritesSgfThatLoadsBack) {
  if (GnuGo().empty()) GTEST_SKIP() << "gnugo is not installed (scripts/test installs it)";
  const fs::path dir = TempDir("gnugo");
  auto game = game::MakeGame("go:5:komi=2.5");
  net::NetConfig config = net::DefaultNetConfig(*game, 1, 16);
  net::Network::Random(config, 3)->Save((dir / "net.safetensors").string());

  MatchParams params;
  params.first_command = std::string(DESCENT_BINARY) + " gtp --visits 16 --threads 1 --random-moves 4 --net " +
                         (dir / "net.safetensors").string() + " 2>/dev/null";
  params.second_command = GnuGo() + " --mode gtp --level 1 --chinese-rules --capture-all-dead";
  params.referee_command = GnuGo() + " --mode gtp --chinese-rules";
  params.game_spec = game->Spec();
  params.games = 2;
  params.record_dir = (dir / "games").string();
  const MatchSummary m = RunMatch(params);

  ASSERT_EQ(m.total.games(), 2);
  EXPECT_EQ(m.first_as_black.games(), 1);
  EXPECT_EQ(m.first_as_white.games(), 1);
  EXPECT_EQ(m.first_name, "Descent 0.1.0");
  EXPECT_EQ(m.second_name, "GNU Go 3.8");
  const auto& go = dynamic_cast<const game::GoGame&>(*game);
  for (const MatchGame& g : m.games) {
    SCOPED_TRACE(g.record_path);
    EXPECT_TRUE(g.reason.find("crashed") == std::string::npos && g.reason.find("illegal") == std::string::npos)
        << g.reason;
    const game::SgfRecord record = game::ParseSgf(ReadFile(g.record_path));
    EXPECT_EQ(record.size, 5);
    EXPECT_EQ(record.result, g.result);
    EXPECT_EQ(static_cast<int>(record.moves.size()), g.moves);
    EXPECT_EQ(g.first_is_black ? record.black_name : record.white_name, "Descent 0.1.0");
    const auto replayed = game::ReplaySgf(go, record);  // every move legal
    if (!g.referee_result.empty()) {
      EXPECT_EQ(g.area_result, game::ResultText(*replayed));
    }
  }
}

TEST(Match, MisbehavingEnginesLoseWithTheReasonAndTheMatchGoesOn) {
  const fs::path dir = TempDir("faults");
  const std::string passer = ScriptEngine(dir, "passer", "printf '= pass\\n\\n'");
  struct Case {
    std::string name, action, reason, how;
  };
  const Case cases[] = {
      {"illegal", "printf '= Z9\\n\\n'", "illegal move 'z9'", "+F"},
      {"crasher", "exit 3", "crashed or hung", "+F"},
      {"hanger", "sleep 30", "crashed or hung", "+F"},
      {"refuser", "printf '? no\\n\\n'", "refused genmove", "+F"},
      {"resigner", "printf '= resign\\n\\n'", "resigned", "+R"},
      {"slow", "sleep 2; printf '= pass\\n\\n'", "for a move", "+T"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    MatchParams params;
    params.first_command = ScriptEngine(dir, c.name, c.action);
    params.second_command = passer;
    params.game_spec = "go:5:komi=0.5";
    params.games = 2;
    params.hang_seconds = 1;
    if (c.name == "slow") params.move_seconds = 1, params.time_grace = 0.5, params.hang_seconds = 5;
    const MatchSummary m = RunMatch(params);
    ASSERT_EQ(m.total.games(), 2);  // the second game was played too
    EXPECT_EQ(m.total.losses, 2);
    for (const MatchGame& g : m.games) {
      EXPECT_NE(g.reason.find(c.reason), std::string::npos) << g.reason;
      EXPECT_EQ(g.result, std::string(g.first_is_black ? "W" : "B") + c.how);
    }
  }
}

TEST(Match, TwoPassersScoreTheEmptyBoardByKomiAndSprtStops) {
  const fs::path dir = TempDir("passers");
  const std::string passer = ScriptEngine(dir, "passer", "printf '= pass\\n\\n'");
  MatchParams params;
  params.first_command = passer;
  params.second_command = passer;
  params.game_spec = "go:5:komi=0.5";
  params.games = 100;
  params.parallel = 2;
  params.sprt = game::SprtParams{0, 100, 0.05, 0.05};
  const MatchSummary m = RunMatch(params);
  // White wins every game by komi, so the first engine wins exactly its
  // games as White: a 50% score, which the SPRT tells from +100 Elo early.
  EXPECT_TRUE(m.stopped_by_sprt);
  EXPECT_LT(m.total.games(), 100);
  EXPECT_EQ(m.first_as_black.wins, 0);
  EXPECT_EQ(m.first_as_white.losses, 0);
  ASSERT_TRUE(m.sprt.has_value());
  EXPECT_EQ(m.sprt->decision, game::SprtDecision::kAcceptH0);
  for (const MatchGame& g : m.games) EXPECT_EQ(g.result, "W+0.5");
}

TEST(Match, ConnectFourBetweenTwoDescentsWritesMoveLists) {
  const fs::path dir = TempDir("c4");
  auto game = game::MakeGame("connect4");
  net::Network::Random(net::DefaultNetConfig(*game, 1, 16), 5)->Save((dir / "net.safetensors").string());
  const std::string descent = std::string(DESCENT_BINARY) + " gtp --visits 8 --threads 1 --no-resign --net " +
                              (dir / "net.safetensors").string() + " 2>/dev/null";
  MatchParams params;
  params.first_command = descent + " --random-moves 6 --seed 1";
  params.second_command = descent + " --random-moves 6 --seed 2";
  params.game_spec = "connect4";
  params.games = 2;
  params.parallel = 2;
  params.record_dir = (dir / "games").string();
  const MatchSummary m = RunMatch(params);
  ASSERT_EQ(m.total.games(), 2);
  for (const MatchGame& g : m.games) {
    const std::string text = ReadFile(g.record_path);
    EXPECT_NE(text.find("result: " + g.result), std::string::npos) << text;
    EXPECT_EQ(g.reason, "played out");
    // Replay the move list: it must be a legal, finished game.
    const std::string moves = text.substr(text.find("moves:") + 6);
    std::istringstream in(moves);
    auto state = game->NewInitialState();
    for (std::string m; in >> m;) state->PlayChecked(game->ParseMove(m));
    EXPECT_TRUE(state->IsTerminal());
    EXPECT_EQ(state->MoveNumber(), g.moves);
  }
}

TEST(Match, BadParametersAreRefused) {
  MatchParams params;
  params.first_command = params.second_command = "true";
  params.game_spec = "chess";
  EXPECT_THROW(RunMatch(params), game::UserError);
  params.game_spec = "connect4";
  params.referee_command = "gnugo --mode gtp";
  EXPECT_THROW(RunMatch(params), game::UserError);
  // An engine that does not start (a typo) stops the match at once.
  params.referee_command.clear();
  params.first_command = "/nonexistent/engine --gtp";
  try {
    RunMatch(params);
    ADD_FAILURE() << "a match started with an engine that does not exist";
  } catch (const game::UserError& e) {
    EXPECT_NE(std::string(e.what()).find("the first engine does not speak GTP"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace descent::engine
