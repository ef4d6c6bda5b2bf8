#include "engine/gtp.h"

#include <gtest/gtest.h>

#include <ext/stdio_filebuf.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>
#include <random>

#include "game/go.h"
#include "game/registry.h"
#include "game/user_error.h"
#include "net/network.h"

namespace descent::engine {
namespace {

std::shared_ptr<const net::Network> SmallNet(const std::string& spec) {
  auto g = game::MakeGame(spec);
  return net::Network::Random(net::DefaultNetConfig(*g, 1, 8), 1);
}

class GtpTest : public ::testing::Test {
 protected:
  void Start(const std::string& spec) {
    engine_ = std::make_unique<Engine>(SmallNet(spec), EngineParams{});
    server_ = std::make_unique<GtpServer>(*engine_, GtpParams{.visits = 16});
  }
  std::string Send(const std::string& line) {
    bool quit = false;
    return server_->Handle(line, &quit);
  }
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<GtpServer> server_;
};

// The clock: with 1.5 s of sudden death and no time_left from the
// controller, the engine keeps its own account and a whole game's thinking
// stays inside the time (the rule a real clock enforces), and byo-yomi
// moves stay inside their period.
// The clock's arithmetic is tested on simulated time (game_clock_test);
// here, that GTP feeds it and that a spent or hostile clock never costs a move.
TEST_F(GtpTest, TimeSettingsReachTheClockAndBadOnesChangeNothing) {
  Start("go:5:komi=0.5");
  EXPECT_EQ(Send("time_settings 0.001 0 0"), "=\n\n");  // spent at once: still a real move
  for (int move = 0; move < 6; ++move) {
    const std::string reply = Send(std::string("genmove ") + (move % 2 ? "w" : "b"));
    EXPECT_EQ(reply.substr(0, 2), "= ") << reply;
    EXPECT_EQ(reply.find("resign"), std::string::npos) << reply;
  }
  for (const char* bad : {"time_settings 1e308 0 0", "time_settings inf 0 0", "time_settings 0 1e308 1",
                          "time_settings nan 0 0", "time_settings 99999999999 nan 0.5", "time_left b 1e300 0",
                          "time_settings 5 x 1", "time_left q 5 0"}) {
    EXPECT_EQ(Send(bad).substr(0, 2), "? ") << bad;
  }
  EXPECT_EQ(Send("time_settings 0 0 0"), "=\n\n");  // no clock: visits decide again
  EXPECT_EQ(Send("genmove b").substr(0, 2), "= ");
}

TEST_F(GtpTest, ScriptedSessionOn9x9) {
  Start("go:9:komi=7");
  EXPECT_EQ(Send("protocol_version"), "= 2\n\n");
  EXPECT_EQ(Send("1 name"), "=1 Descent\n\n");
  EXPECT_EQ(Send("version"), "= 0.1.0\n\n");
  EXPECT_EQ(Send("known_command genmove"), "= true\n\n");
  EXPECT_EQ(Send("known_command fly"), "= false\n\n");
  EXPECT_NE(Send("list_commands").find("\nfinal_score\n"), std::string::npos);
  EXPECT_EQ(Send("boardsize 9"), "=\n\n");
  EXPECT_EQ(Send("clear_board"), "=\n\n");
  EXPECT_EQ(Send("komi 6.5"), "=\n\n");
  EXPECT_EQ(Send("play black E5"), "=\n\n");
  EXPECT_EQ(Send("play w E5"), "? illegal move\n\n");
  EXPECT_EQ(Send("play w D5"), "=\n\n");
  EXPECT_EQ(Send("showboard"), "=\n.........\n.........\n.........\n.........\n...OX....\n.........\n.........\n.........\n.........\n\n");
  const std::string move = Send("genmove b");
  ASSERT_EQ(move.substr(0, 2), "= ");
  EXPECT_EQ(engine_->moves().size(), 3u);
  EXPECT_EQ(Send("reg_genmove w").substr(0, 2), "= ");
  EXPECT_EQ(engine_->moves().size(), 3u);  // reg_genmove does not play
  EXPECT_EQ(Send("undo"), "=\n\n");
  EXPECT_EQ(Send("undo"), "=\n\n");
  EXPECT_EQ(Send("undo"), "=\n\n");
  EXPECT_EQ(Send("undo"), "? cannot undo\n\n");
  EXPECT_EQ(Send("final_score"), "= W+6.5\n\n");
  EXPECT_EQ(Send("play b A1"), "=\n\n");
  EXPECT_EQ(Send("play b B1"), "=\n\n");  // twice in a row: no pass inserted
  EXPECT_EQ(engine_->moves().size(), 2u);
  EXPECT_EQ(Send("time_settings 30 0 0"), "=\n\n");
  EXPECT_EQ(Send("time_left w 30 0"), "=\n\n");
  EXPECT_EQ(Send("time_settings x 0 0").rfind("? syntax error", 0), 0u);
  EXPECT_NE(Send("printsgf").find("SZ[9]KM[6.5]"), std::string::npos);
  EXPECT_EQ(Send("boardsize 19"), "? unacceptable size (the network is for go:9:komi=7, not go:19:komi=6.5)\n\n");
  EXPECT_EQ(Send("boardsize 9"), "=\n\n");  // still serving, 9x9 still possible
}

TEST_F(GtpTest, ScriptedSessionOn19x19) {
  Start("go:19:komi=7.5");
  EXPECT_EQ(Send("boardsize 19"), "=\n\n");
  EXPECT_EQ(Send("play b Q16"), "=\n\n");
  EXPECT_EQ(Send("play w T19"), "=\n\n");
  EXPECT_EQ(Send("play b I5"), "? 'I5' is not a vertex of a 19x19 board\n\n");
  EXPECT_EQ(Send("play b A20"), "? 'A20' is not a vertex of a 19x19 board\n\n");
  EXPECT_EQ(Send("play b pass"), "=\n\n");
  EXPECT_EQ(Send("play w pass"), "=\n\n");
  EXPECT_EQ(Send("genmove b"), "= pass\n\n");  // the game is over
  EXPECT_EQ(Send("final_score"), "= W+7.5\n\n");  // B: 1 stone; W: 1 stone; the rest touches both
  EXPECT_EQ(Send("boardsize 9"),
            "? unacceptable size (the network is for go:19:komi=7.5, not go:9:komi=7.5 (a smaller board needs a network "
            "with a board mask: train with --mixed-board))\n\n");
}

// descent gtp without --net: boardsize and loadsgf switch to the network of
// the size asked; a size without one is refused with the sizes there are,
// and the game goes on as it was.
TEST_F(GtpTest, BoardsizeSwitchesToTheNetworkOfThatSize) {
  const auto net7 = SmallNet("go:7:komi=9");
  const auto net9 = SmallNet("go:9:komi=7");
  engine_ = std::make_unique<Engine>(net9, EngineParams{});
  GtpParams params{.visits = 16};
  params.network_for = [net7, net9](const game::Game& g) -> std::shared_ptr<const net::Network> {
    if (g.BoardWidth() == 7) return net7;
    if (g.BoardWidth() == 9) return net9;
    throw game::UserError("no network for that size (it has go:7, go:9)");
  };
  server_ = std::make_unique<GtpServer>(*engine_, params);
  EXPECT_EQ(Send("play b E5"), "=\n\n");
  EXPECT_EQ(Send("boardsize 19"), "? unacceptable size (no network for that size (it has go:7, go:9))\n\n");
  EXPECT_EQ(engine_->game().BoardWidth(), 9);
  EXPECT_EQ(engine_->moves().size(), 1u);  // a refused boardsize changes nothing
  EXPECT_EQ(Send("boardsize 7"), "=\n\n");
  EXPECT_EQ(&engine_->network(), net7.get());
  EXPECT_EQ(Send("komi 9"), "=\n\n");
  EXPECT_EQ(Send("play b D4"), "=\n\n");
  const std::string move = Send("genmove w");
  ASSERT_EQ(move.substr(0, 2), "= ") << move;
  EXPECT_EQ(engine_->moves().size(), 2u);
  const std::string sgf = ::testing::TempDir() + "/nine.sgf";
  std::ofstream(sgf) << "(;GM[1]FF[4]SZ[9]KM[7];B[ee];W[cc])";
  EXPECT_EQ(Send("loadsgf " + sgf), "= black\n\n");  // back to the 9x9 network's size
  EXPECT_EQ(&engine_->network(), net9.get());
  EXPECT_EQ(engine_->moves().size(), 2u);
  EXPECT_EQ(Send("genmove b").substr(0, 2), "= ");
}

TEST_F(GtpTest, OneMaskedNetworkPlaysEveryBoardSizeUpToItsOwn) {
  // A 9x9 network with a board mask (mixed board sizes) keeps playing when
  // the client asks for 7x7 or 5x5; larger boards need another network.
  const auto g9 = game::MakeGame("go:9:komi=7");
  net::NetConfig c = net::DefaultNetConfig(*g9, 1, 16);
  c.board_mask = 1;
  std::shared_ptr<const net::Network> masked = net::Network::Random(c, 3);
  engine_ = std::make_unique<Engine>(masked, EngineParams{});
  server_ = std::make_unique<GtpServer>(*engine_, GtpParams{.visits = 16});
  for (int size : {7, 5, 9}) {
    EXPECT_EQ(Send("boardsize " + std::to_string(size)), "=\n\n");
    EXPECT_EQ(engine_->game().BoardWidth(), size);
    EXPECT_EQ(&engine_->network(), masked.get());
    for (const char* colour : {"b", "w", "b"}) {
      const std::string move = Send(std::string("genmove ") + colour);
      ASSERT_EQ(move.substr(0, 2), "= ") << move;
      const std::string vertex = move.substr(2, move.find('\n') - 2);
      if (vertex != "resign") EXPECT_NO_THROW(engine_->game().ParseMove(vertex)) << vertex << " on " << size;
    }
    // The ownership estimate covers the board's own points.
    const auto estimate = engine_->Estimate();
    ASSERT_TRUE(estimate);
    EXPECT_EQ(estimate->ownership.size(), static_cast<size_t>(size * size));
  }
  EXPECT_EQ(Send("boardsize 11").substr(0, 2), "? ");
  EXPECT_EQ(engine_->game().BoardWidth(), 9);
}

TEST_F(GtpTest, HandicapStatusTimeAndSgf) {
  Start("go:9:komi=7");
  EXPECT_EQ(Send("fixed_handicap 4"), "= C3 G7 C7 G3\n\n");
  EXPECT_EQ(Send("fixed_handicap 2"), "? board not empty\n\n");
  EXPECT_EQ(Send("genmove w").substr(0, 2), "= ");  // White moves after handicap
  EXPECT_EQ(Send("clear_board"), "=\n\n");
  EXPECT_EQ(Send("fixed_handicap 10"), "? invalid handicap\n\n");
  EXPECT_EQ(Send("place_free_handicap 9"), "= C3 G7 C7 G3 C5 G5 E3 E7 E5\n\n");
  EXPECT_EQ(Send("clear_board"), "=\n\n");
  EXPECT_EQ(Send("set_free_handicap A1 A1"), "? bad vertex list (setup stone on an occupied point A1)\n\n");
  EXPECT_EQ(Send("set_free_handicap A1 B2"), "=\n\n");
  EXPECT_EQ(Send("play w E5"), "=\n\n");
  EXPECT_EQ(Send("komi 0.5"), "=\n\n");  // keeps handicap and moves
  EXPECT_EQ(Send("final_status_list alive"), "= E5 B2 A1\n\n");
  EXPECT_EQ(Send("final_status_list dead"), "=\n\n");
  EXPECT_EQ(Send("final_status_list sleepy"), "? syntax error\n\n");
  EXPECT_EQ(Send("kgs-time_settings canadian 60 30 5"), "=\n\n");
  EXPECT_EQ(Send("kgs-time_settings byoyomi 60 10 3"), "=\n\n");
  EXPECT_EQ(Send("kgs-time_settings none"), "=\n\n");
  EXPECT_EQ(Send("kgs-time_settings sometimes"), "? syntax error\n\n");

  // printsgf, then loadsgf of that file, gives back the same position.
  const std::string sgf = Send("printsgf");
  const std::string board = Send("showboard");
  const std::string path = ::testing::TempDir() + "gtp_test.sgf";
  { std::ofstream(path) << sgf.substr(2); }
  EXPECT_EQ(Send("clear_board"), "=\n\n");
  EXPECT_EQ(Send("loadsgf " + path), "= black\n\n");
  EXPECT_EQ(Send("showboard"), board);
  EXPECT_EQ(Send("loadsgf " + path + " 1"), "= white\n\n");  // before move 1: handicap only
  EXPECT_EQ(Send("loadsgf /no/such/file.sgf"), "? cannot load file\n\n");
  // Devices and directories are not files to read to the end.
  EXPECT_EQ(Send("loadsgf /dev/zero"), "? cannot load file\n\n");
  EXPECT_EQ(Send("loadsgf /dev/urandom"), "? cannot load file\n\n");
  EXPECT_EQ(Send("loadsgf /tmp"), "? cannot load file\n\n");
  { std::ofstream(path) << "(;SZ[9];B[ee];W[ee])"; }
  const std::string before = Send("showboard");
  EXPECT_EQ(Send("loadsgf " + path), "? SGF move 2 (W E5) is illegal\n\n");
  EXPECT_EQ(Send("showboard"), before);  // a refused file changes nothing
}

// Sabaki's edit mode and GTP v2: a colour may move twice in a row; undo
// takes back exactly the stones played; genmove plays for the colour asked.
TEST_F(GtpTest, SameColourTwiceUndoAndGenmoveForTheOtherColour) {
  Start("go:5:komi=0.5");
  const auto board = [&] { return Send("showboard"); };
  const std::string empty = board();
  EXPECT_EQ(Send("play B C3"), "=\n\n");
  EXPECT_EQ(Send("play B D3"), "=\n\n");  // no pass inserted
  EXPECT_EQ(Send("undo"), "=\n\n");
  EXPECT_EQ(Send("undo"), "=\n\n");
  EXPECT_EQ(board(), empty);  // both stones gone
  EXPECT_EQ(Send("undo"), "? cannot undo\n\n");
  EXPECT_EQ(Send("play B C4"), "=\n\n");
  EXPECT_EQ(Send("play B pass"), "=\n\n");
  EXPECT_EQ(Send("play B D4"), "=\n\n");  // not "illegal move" after a pass
  const std::string sgf = Send("printsgf");
  EXPECT_EQ(sgf.rfind("= (;GM[1]FF[4]CA[UTF-8]AP[descent]SZ[5]KM[0.5]RU[Chinese]DT[", 0), 0u) << sgf;
  EXPECT_EQ(sgf.substr(sgf.size() - 23), "]\n;B[cb]\n;B[]\n;B[db])\n\n") << sgf;
  // genmove for White while Black... is to move after B's D4 White is to
  // move; ask Black: Black moves, no White pass appears in the record.
  const std::string reply = Send("genmove b");
  ASSERT_EQ(reply.substr(0, 2), "= ") << reply;
  EXPECT_EQ(Send("printsgf").find(";W[]"), std::string::npos);
  // An empty board and a pass by Black: White's genmove is a real game move,
  // never a resignation (the game is not over).
  EXPECT_EQ(Send("clear_board"), "=\n\n");
  EXPECT_EQ(Send("play b pass"), "=\n\n");
  EXPECT_EQ(Send("genmove b").find("resign"), std::string::npos);
  // Set-up stones of both colours, no PL: Black to move; a refused file
  // leaves the game as it was.
  const std::string path = testing::TempDir() + "setup.sgf";
  std::ofstream(path) << "(;GM[1]SZ[5]KM[0.5]AB[aa][bb]AW[cc])";
  EXPECT_EQ(Send("loadsgf " + path), "= black\n\n");
  const std::string loaded = board();
  std::ofstream(path) << "(;GM[1]SZ[5]KM[0.5]AB[aa];W[aa])";  // W on a black stone
  EXPECT_EQ(Send("loadsgf " + path).substr(0, 2), "? ");
  EXPECT_EQ(board(), loaded);
  // After both sides pass, a controller may play on (GNU Go and Sabaki do).
  EXPECT_EQ(Send("clear_board"), "=\n\n");
  EXPECT_EQ(Send("play b pass"), "=\n\n");
  EXPECT_EQ(Send("play w pass"), "=\n\n");
  EXPECT_EQ(Send("play b C3"), "=\n\n");
  EXPECT_EQ(Send("play b C3"), "? illegal move\n\n");  // occupied: nothing changes
  // GNU Go's restricted_genmove: a move among those listed, not played.
  EXPECT_EQ(Send("restricted_genmove w C3 A1"), "= A1\n\n");  // C3 is taken
  EXPECT_EQ(Send("restricted_genmove w C3"), "= PASS\n\n");
  const std::string restricted = Send("restricted_genmove w B2 D4");
  EXPECT_TRUE(restricted == "= B2\n\n" || restricted == "= D4\n\n") << restricted;
  EXPECT_EQ(Send("restricted_genmove w"), "? restricted_genmove takes a color and the vertices to choose from\n\n");
  const std::string resumed = Send("genmove w");
  EXPECT_EQ(resumed.substr(0, 2), "= ") << resumed;
  EXPECT_EQ(resumed.find("resign"), std::string::npos) << resumed;
}

TEST_F(GtpTest, AnalysisStreamsUntilTheNextCommand) {
  Start("go:9:komi=7");
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  __gnu_cxx::stdio_filebuf<char> buffer(fds[0], std::ios::in);
  std::istream in(&buffer);
  std::ostringstream out;
  std::thread writer([fd = fds[1]] {
    const auto send = [fd](const std::string& s) { ASSERT_EQ(write(fd, s.data(), s.size()), static_cast<ssize_t>(s.size())); };
    send("lz-analyze b 5\n");
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    send("kata-analyze 5\n");
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    send("2 lz-genmove_analyze b 5\nname\nquit\n");
    close(fd);
  });
  server_->Serve(in, out);
  writer.join();
  const std::string text = out.str();
  // "=", info lines in Leela Zero's format, the blank line that ends them...
  ASSERT_EQ(text.substr(0, 2), "=\n");
  const size_t lz = text.find("info move ");
  ASSERT_NE(lz, std::string::npos) << text;
  EXPECT_NE(text.find(" visits ", lz), std::string::npos);
  EXPECT_NE(text.find(" winrate ", lz), std::string::npos);
  EXPECT_NE(text.find(" pv ", lz), std::string::npos);
  const size_t end_lz = text.find("\n\n=\n");
  ASSERT_NE(end_lz, std::string::npos) << text;
  // ...then KataGo's format (winrate between 0 and 1)...
  const size_t kata = text.find("info move ", end_lz);
  ASSERT_NE(kata, std::string::npos);
  const size_t w = text.find(" winrate 0.", kata);
  EXPECT_NE(w, std::string::npos) << text.substr(kata, 200);
  // ...and genmove with analysis: a move played, then the next command.
  EXPECT_NE(text.find("=2\n"), std::string::npos);
  EXPECT_NE(text.find("\nplay "), std::string::npos);
  const std::string tail = "= Descent\n\n=\n\n";  // name, then quit
  EXPECT_EQ(text.substr(text.size() - tail.size()), tail);
  EXPECT_EQ(engine_->moves().size(), 1u);
}

// Runs a GTP session through Serve, one line at a time with `pause_ms`
// between them (analysis streams meanwhile); returns everything written.
std::string Session(GtpServer& server, const std::vector<std::string>& lines, int pause_ms) {
  int fds[2];
  EXPECT_EQ(pipe(fds), 0);
  __gnu_cxx::stdio_filebuf<char> buffer(fds[0], std::ios::in);
  std::istream in(&buffer);
  std::ostringstream out;
  std::thread writer([fd = fds[1], &lines, pause_ms] {
    for (const std::string& line : lines) {
      const std::string s = line + "\n";
      EXPECT_EQ(write(fd, s.data(), s.size()), static_cast<ssize_t>(s.size()));
      std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms));
    }
    close(fd);
  });
  server.Serve(in, out);
  writer.join();
  return out.str();
}

std::vector<std::string> Words(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

// Checks one analysis line by the rules of KataGo's GTP extension document:
// "info" sections of key-value pairs ending in a pv, every move legal, the
// pv legal from the position; `kata`: winrate, prior, lcb as floats in
// [0, 1], utility in [-1, 1]; else integers in [0, 10000]. Returns the
// candidate moves in order, and (kata) the ownership values.
struct ParsedLine {
  std::vector<std::string> moves;
  std::vector<double> ownership;
  bool root_info = false;
  int visited = 0;      // moves with visits > 0
  int score_leads = 0;  // moves with a scoreLead
};
ParsedLine ParseInfoLine(const std::string& line, bool kata, const game::State& position) {
  ParsedLine parsed;
  const std::vector<std::string> w = Words(line);
  const game::Game& g = position.game();
  size_t i = 0;
  EXPECT_FALSE(w.empty());
  while (i < w.size()) {
    if (w[i] == "ownership") {
      for (++i; i < w.size() && w[i] != "info" && w[i] != "rootInfo"; ++i) parsed.ownership.push_back(std::stod(w[i]));
      continue;
    }
    if (w[i] == "rootInfo") {
      parsed.root_info = true;
      for (++i; i + 1 < w.size() && w[i] != "info" && w[i] != "ownership"; i += 2) {
        const double v = std::stod(w[i + 1]);
        if (w[i] == "winrate") {
          EXPECT_TRUE(v >= 0 && v <= 1) << line;
        }
        if (w[i] == "scoreLead") {
          EXPECT_TRUE(std::abs(v) <= 2 * g.NumMoves()) << line;
        }
      }
      continue;
    }
    EXPECT_EQ(w[i], "info") << line;
    if (w[i] != "info") return parsed;
    ++i;
    std::string move;
    while (i < w.size() && w[i] != "pv") {
      const std::string& key = w[i];
      EXPECT_LT(i + 1, w.size()) << line;
      if (i + 1 >= w.size()) return parsed;
      const std::string& value = w[i + 1];
      if (key == "move") {
        move = value;
      } else if (key == "visits" || key == "order") {
        EXPECT_GE(std::stoi(value), 0) << line;
        if (key == "visits" && std::stoi(value) > 0) ++parsed.visited;
      } else if (key == "winrate" || key == "prior" || key == "lcb") {
        const double v = std::stod(value);
        if (kata) {
          EXPECT_TRUE(v >= 0 && v <= 1) << key << " " << value;
        } else {
          EXPECT_EQ(value.find('.'), std::string::npos) << key << " " << value;
          EXPECT_TRUE(v >= 0 && v <= 10000) << key << " " << value;
        }
      } else if (key == "scoreMean" || key == "scoreLead" || key == "scoreSelfplay") {
        // KataGo's score fields: points for the colour asked, at most the board's area plus komi.
        EXPECT_TRUE(kata) << line;
        EXPECT_TRUE(std::abs(std::stod(value)) <= 2 * g.NumMoves()) << key << " " << value;
        if (key == "scoreLead") ++parsed.score_leads;
      } else if (key == "utility" || key == "utilityLcb") {
        EXPECT_TRUE(kata) << line;
        const double v = std::stod(value);
        EXPECT_TRUE(v >= -1 && v <= 1) << key << " " << value;
      } else {
        ADD_FAILURE() << "unknown field " << key << " in " << line;
      }
      i += 2;
    }
    EXPECT_LT(i, w.size()) << "no pv in " << line;
    ++i;  // "pv"
    auto replay = position.Clone();
    bool first = true;
    for (; i < w.size() && w[i] != "info" && w[i] != "ownership" && w[i] != "rootInfo"; ++i) {
      const game::Move m = g.ParseMove(w[i]);
      EXPECT_TRUE(!replay->IsTerminal() && replay->IsLegal(m)) << "pv move " << w[i] << " illegal in " << line;
      if (first) {
        EXPECT_EQ(w[i], move) << "the pv starts with the move";
      }
      first = false;
      if (replay->IsTerminal() || !replay->IsLegal(m)) break;
      replay->Play(m);
    }
    parsed.moves.push_back(move);
  }
  return parsed;
}

// The analysis commands as Sabaki and Lizzie send them: the colour asked,
// interval/minmoves/maxmoves keywords, avoid and allow, ownership and
// rootInfo, a reply to a bad command after (never inside) the info stream,
// a blank line that stops analysis, and kata-genmove_analyze.
TEST_F(GtpTest, AnalysisCommandsFollowTheClientsRules) {
  Start("go:9:komi=7");
  ASSERT_EQ(Send("play b e5"), "=\n\n");
  auto position = engine_->state().Clone();  // white to move
  const std::string text = Session(*server_,
                                   {"lz-analyze w interval 5 avoid w d5,f5,pass 1 maxmoves 3", "12345",
                                    "kata-analyze w interval 5 ownership true rootInfo true minmoves 5", "",
                                    "lz-analyze b 5", "20 kata-genmove_analyze w 5 allow w c3,g7 1", "quit"},
                                   700);
  // Responses end with a blank line; info lines belong to the one before.
  std::vector<std::string> responses;
  for (size_t start = 0, end; (end = text.find("\n\n", start)) != std::string::npos; start = end + 2) {
    responses.push_back(text.substr(start, end - start));
  }
  ASSERT_EQ(responses.size(), 6u) << text;
  const auto lines_of = [](const std::string& response) {
    std::vector<std::string> lines;
    std::istringstream in(response);
    for (std::string l; std::getline(in, l);) lines.push_back(l);
    return lines;
  };
  // 1: lz-analyze for White, d5/f5/pass avoided, at most 3 moves a line.
  auto lines = lines_of(responses[0]);
  ASSERT_GE(lines.size(), 2u) << responses[0];
  EXPECT_EQ(lines[0], "=");
  for (size_t k = 1; k < lines.size(); ++k) {
    const ParsedLine p = ParseInfoLine(lines[k], false, *position);
    EXPECT_LE(p.moves.size(), 3u);
    for (const std::string& m : p.moves) EXPECT_TRUE(m != "D5" && m != "F5" && m != "pass") << lines[k];
  }
  // 2: the bare number's error comes after the blank line that ended analysis.
  EXPECT_EQ(responses[1], "?12345 missing command");
  // 3: kata-analyze: float fields, 5 moves at least, rootInfo, 81 ownership values.
  lines = lines_of(responses[2]);
  ASSERT_GE(lines.size(), 2u) << responses[2];
  for (size_t k = 1; k < lines.size(); ++k) {
    const ParsedLine p = ParseInfoLine(lines[k], true, *position);
    EXPECT_GE(p.moves.size(), 5u);
    EXPECT_EQ(p.score_leads, p.visited) << lines[k];  // every visited move: the network has a score head
    EXPECT_GE(p.visited, 1) << lines[k];
    EXPECT_TRUE(p.root_info);
    ASSERT_EQ(p.ownership.size(), 81u);
    for (double o : p.ownership) EXPECT_TRUE(o >= -1 && o <= 1);
  }
  // 4: the blank line stopped it; lz-analyze b turned the move to Black.
  lines = lines_of(responses[3]);
  ASSERT_GE(lines.size(), 2u) << responses[3];
  static_cast<game::GoState&>(*position).SetToMove(0);  // Black to move on the same board, no pass
  for (size_t k = 1; k < lines.size(); ++k) (void)ParseInfoLine(lines[k], false, *position);
  // 5: kata-genmove_analyze for White, kept to c3 and g7.
  lines = lines_of(responses[4]);
  ASSERT_GE(lines.size(), 2u) << responses[4];
  EXPECT_EQ(lines[0], "=20");
  EXPECT_TRUE(lines.back() == "play C3" || lines.back() == "play G7") << lines.back();
  EXPECT_EQ(responses[5], "=");  // quit
  EXPECT_EQ(engine_->moves().size(), 2u);
}

TEST_F(GtpTest, MalformedInputGetsAnErrorAndServingGoesOn) {
  Start("go:9:komi=7");
  EXPECT_EQ(Send(""), "");
  EXPECT_EQ(Send("   # only a comment"), "");
  EXPECT_EQ(Send("fly away"), "? unknown command\n\n");
  EXPECT_EQ(Send("12 fly"), "?12 unknown command\n\n");
  EXPECT_EQ(Send("12"), "?12 missing command\n\n");
  EXPECT_EQ(Send("play"), "? play takes 2 arguments\n\n");
  EXPECT_EQ(Send("play b"), "? play takes 2 arguments\n\n");
  EXPECT_EQ(Send("play purple E5"), "? invalid color 'purple'\n\n");
  EXPECT_EQ(Send("boardsize nine"), "? boardsize needs a number\n\n");
  EXPECT_EQ(Send("komi lots"), "? syntax error\n\n");
  EXPECT_EQ(Send(std::string(5000, 'x')), "? line too long\n\n");
  EXPECT_EQ(Send("pro\ttocol_version"), "? unknown command\n\n");
  EXPECT_EQ(Send("protocol_version\r"), "= 2\n\n");
  EXPECT_EQ(Send("name"), "= Descent\n\n");
}

TEST_F(GtpTest, ConnectFourAndTicTacToeOverTheSameProtocol) {
  Start("connect4");
  EXPECT_EQ(Send("boardsize 7"), "=\n\n");
  EXPECT_EQ(Send("boardsize 9"), "? unacceptable size\n\n");
  EXPECT_EQ(Send("play b d"), "=\n\n");
  EXPECT_EQ(Send("play b d"), "? it is not that player's turn\n\n");
  EXPECT_EQ(Send("play w h"), "? 'h' is not a Connect Four column (a..g or 1..7)\n\n");
  EXPECT_EQ(Send("genmove w").substr(0, 2), "= ");
  Start("tictactoe");
  EXPECT_EQ(Send("play b b2"), "=\n\n");
  EXPECT_EQ(Send("play w b2"), "? illegal move\n\n");
  EXPECT_EQ(Send("final_score"), "? the game is not over\n\n");
}

TEST_F(GtpTest, FuzzedCommandStreamsNeverCrashOrHang) {
  // Random tokens, mutated valid commands, garbage bytes: every line gets a
  // response (or none, for blank/comment lines) and the server keeps going.
  Start("go:5:komi=0.5");
  const std::vector<std::string> valid = {"play b C3", "play w pass", "genmove b", "genmove w", "undo",
                                          "boardsize 5", "clear_board", "komi 3", "showboard", "final_score",
                                          "time_left b 1 0", "reg_genmove b", "printsgf", "known_command play",
                                          "fixed_handicap 2", "set_free_handicap A1 B2", "final_status_list dead",
                                          "loadsgf /nonexistent", "kgs-time_settings canadian 1 1 1"};
  std::mt19937_64 rng(42);
  for (int i = 0; i < 3000; ++i) {
    std::string line = valid[rng() % valid.size()];
    switch (rng() % 4) {
      case 0:  // mutate characters
        for (int k = 0; k < 3; ++k) line[rng() % line.size()] = static_cast<char>(rng() % 256);
        break;
      case 1:  // random bytes
        line.assign(rng() % 40, ' ');
        for (char& c : line) c = static_cast<char>(rng() % 256);
        break;
      case 2:  // random vertex
        line = std::string("play ") + (rng() % 2 ? "b " : "w ") + static_cast<char>('A' + rng() % 26) +
               std::to_string(rng() % 30);
        break;
      default:
        break;
    }
    bool quit = false;
    const std::string response = server_->Handle(line, &quit);
    if (!response.empty()) {
      ASSERT_TRUE(response[0] == '=' || response[0] == '?') << line;
      ASSERT_EQ(response.substr(response.size() - 2), "\n\n") << line;
    }
  }
  bool quit = false;
  EXPECT_EQ(server_->Handle("name", &quit), "= Descent\n\n");
  server_->Handle("quit", &quit);
  EXPECT_TRUE(quit);
}

}  // namespace
}  // namespace descent::engine
