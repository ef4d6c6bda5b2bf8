#include "game/sgf.h"

#include <gtest/gtest.h>

#include <random>

#include "game/user_error.h"

namespace descent::game {
namespace {

// A random legal game on `game`, ending with two passes or at the cap.
std::unique_ptr<GoState> RandomGame(const GoGame& game, uint64_t seed, bool handicap) {
  auto s = std::make_unique<GoState>(game);
  if (handicap) {
    s->AddSetupStone(game.ParseMove("C3"), 0);
    s->AddSetupStone(game.ParseMove("G7"), 0);
    s->FinishSetup(1);
  }
  std::mt19937_64 rng(seed);
  std::vector<Move> legal;
  while (!s->IsTerminal()) {
    s->LegalMoves(&legal);
    s->Play(legal[rng() % legal.size()]);
  }
  return s;
}

TEST(Sgf, RoundTripKeepsMovesResultAndComments) {
  for (bool handicap : {false, true}) {
    GoGame g({.size = 9, .komi = 6.5f});
    auto played = RandomGame(g, 7, handicap);
    SgfRecord record = RecordOf(*played);
    record.comment = "root [with] brackets \\ and a backslash";
    record.moves[3].comment = "a comment on move 4";
    record.black_name = "descent";
    const std::string text = WriteSgf(record);

    const SgfRecord read = ParseSgf(text);
    EXPECT_EQ(read.size, 9);
    EXPECT_EQ(read.komi, 6.5f);
    EXPECT_EQ(read.result, ResultText(*played));
    EXPECT_EQ(read.comment, record.comment);
    EXPECT_EQ(read.black_name, "descent");
    EXPECT_EQ(read.moves[3].comment, "a comment on move 4");
    EXPECT_EQ(read.setup, played->SetupStones());
    auto replayed = ReplaySgf(g, read);
    EXPECT_EQ(replayed->MoveHistory(), played->MoveHistory());
    EXPECT_EQ(replayed->ToText(), played->ToText());
    EXPECT_TRUE(replayed->IsTerminal());
    EXPECT_EQ(ResultText(*replayed), ResultText(*played));
  }
}

TEST(Sgf, ReadsCommonFilesFromOtherPrograms) {
  // Whitespace, unknown properties, a variation (dropped), tt as pass.
  const char* text = R"((;GM[1]FF[4]SZ[5]KM[0.5]RU[Chinese]PB[gnugo]
    ;B[cc]C[centre];W[bb]
    (;B[dd];W[tt])
    (;B[aa])))";
  SgfRecord r = ParseSgf(text);
  ASSERT_EQ(r.moves.size(), 4u);
  EXPECT_EQ(r.moves[0].comment, "centre");
  EXPECT_EQ(r.black_name, "gnugo");
  GoGame g({.size = 5, .komi = 0.5f});
  auto s = ReplaySgf(g, r);
  EXPECT_EQ(s->MoveHistory().back(), g.PassMove());
  EXPECT_EQ(s->ToText(), ".....\n.O...\n..X..\n...X.\n.....\n");
}

TEST(Sgf, MalformedFilesAreRefusedWithAMessage) {
  const std::pair<const char*, const char*> cases[] = {
      {"", "expected '('"},
      {"(;SZ[9];B[ee]", "expected ')'"},
      {"(;SZ[9];B[ee)", "closing ']'"},
      {"(;SZ[9]B)", "has no value"},
      {"(;GM[3]SZ[8])", "is not Go"},
      {"(;SZ[25])", "not supported"},
      {"(;SZ[19:13])", "square boards only"},
      {"(;SZ[9];B[zz])", "off the 9x9 board"},
      {"(;SZ[9]KM[abc])", "not a number"},
      {"(;SZ[9];b[ee])", "upper case"},
      {"(;SZ[9];B[ee];W[ee])", nullptr},  // parses; replay says illegal
  };
  GoGame g({.size = 9});
  for (const auto& [text, message] : cases) {
    try {
      const SgfRecord r = ParseSgf(text);
      ASSERT_EQ(message, nullptr) << "accepted: " << text;
      EXPECT_THROW(ReplaySgf(g, r), UserError) << text;
    } catch (const UserError& e) {
      ASSERT_NE(message, nullptr) << text << ": " << e.what();
      EXPECT_NE(std::string(e.what()).find(message), std::string::npos) << text << ": " << e.what();
    }
  }
}

TEST(Sgf, MovesOutOfTurnReplayForTheirColour) {
  GoGame g({.size = 9});
  const auto s = ReplaySgf(g, ParseSgf("(;SZ[9];B[ee];B[ff])"));
  EXPECT_EQ(s->AtMove(g.ParseMove("e5")), GoState::kBlack);
  EXPECT_EQ(s->AtMove(g.ParseMove("f4")), GoState::kBlack);
  EXPECT_EQ(s->ToMove(), 1);
  EXPECT_NE(WriteSgf(RecordOf(*s)).find(";B[ee]\n;B[ff]"), std::string::npos);
}

TEST(Sgf, ReplayNamesTheBadMove) {
  GoGame g({.size = 9});
  try {
    ReplaySgf(g, ParseSgf("(;SZ[9];B[ee];W[ee])"));
    FAIL() << "accepted an illegal move";
  } catch (const UserError& e) {
    EXPECT_STREQ(e.what(), "SGF move 2 (W E5) is illegal");
  }
  EXPECT_THROW(ReplaySgf(GoGame({.size = 13}), ParseSgf("(;SZ[9])")), UserError);
}

}  // namespace
}  // namespace descent::game

namespace descent::game {
namespace {

TEST(Sgf, OldMixedCaseNamesCompressedListsAndAE) {
  // FF[3]-style names ("AddBlack" is AB), a rectangle "aa:bb", AE clearing a
  // set-up stone, and a later AW replacing an AB on the same point.
  const SgfRecord r = ParseSgf("(;GaMe[1]SiZe[5]KoMi[0.5]AddBlack[aa:bb][ee]AE[ab]AW[ee]PL[W])");
  EXPECT_EQ(r.size, 5);
  ASSERT_TRUE(r.komi.has_value());
  EXPECT_FLOAT_EQ(*r.komi, 0.5f);
  GoGame g({.size = 5, .komi = 0.5f});
  const auto s = ReplaySgf(g, r);
  EXPECT_EQ(s->ToText(), "XX...\n.X...\n.....\n.....\n....O\n");
  EXPECT_EQ(s->ToMove(), 1);
  EXPECT_THROW(ParseSgf("(;SZ[5]AB[aa:zz])"), UserError);
  EXPECT_THROW(ParseSgf("(;SZ[5]AB[aa:])"), UserError);
  EXPECT_THROW(ParseSgf("(;SZ[5];B[aa];AE[aa])"), UserError);
}

// What GNU Go's regression suites hold and GNU Go reads: PL[1]/PL[2],
// repeated text values, and a record that goes on after two passes.
TEST(Sgf, OldPlayerNumbersRepeatedTextAndPlayAfterTwoPasses) {
  const SgfRecord r = ParseSgf("(;SZ[5]PW[White][White]PB[Black]PL[2]AB[cc];W[bb];B[];W[];B[];W[dd];B[])");
  EXPECT_EQ(r.white_name, "White");
  ASSERT_TRUE(r.first_to_move.has_value());
  EXPECT_EQ(*r.first_to_move, 1);
  GoGame g({.size = 5, .komi = 0.5f});
  const auto s = ReplaySgf(g, r);
  EXPECT_EQ(s->ToText(), ".....\n.O...\n..X..\n...O.\n.....\n");
  EXPECT_FALSE(s->IsTerminal());  // the last stone resumed the game; one pass since
  EXPECT_EQ(s->ToMove(), 1);
  EXPECT_EQ(ParseSgf("(;SZ[5]PL[1])").first_to_move.value(), 0);
  EXPECT_THROW(ParseSgf("(;SZ[5]PL[3])"), UserError);
  // The move cap still ends a game: nothing after it.
  GoGame capped({.size = 5, .komi = 0.5f, .max_moves = 2});
  EXPECT_THROW(ReplaySgf(capped, ParseSgf("(;SZ[5];B[aa];W[bb];B[cc])")), UserError);
}

TEST(Sgf, WrittenFilesCarryRulesAndDate) {
  GoGame g({.size = 5, .komi = 0.5f});
  GoState s(g);
  s.Play(g.ParseMove("c3"));
  const std::string text = WriteSgf(RecordOf(s));
  EXPECT_NE(text.find("RU[Chinese]"), std::string::npos) << text;
  const size_t dt = text.find("DT[");
  ASSERT_NE(dt, std::string::npos) << text;
  EXPECT_EQ(text[dt + 7], '-');  // DT[YYYY-MM-DD]
  EXPECT_EQ(text[dt + 13], ']');
  const SgfRecord back = ParseSgf(text);
  EXPECT_EQ(back.rules, "Chinese");
  EXPECT_EQ(back.date, text.substr(dt + 3, 10));
}

TEST(Sgf, MessagesQuoteControlCharactersFromTheFile) {
  for (const char* text : {"(;GM[1]SZ[9];B[a\nb\x1b[31mRED])", "(;SZ[9]KM[\x1b[2J])", "(;SZ[9]PL[\x9b" "2J])"}) {
    try {
      (void)ParseSgf(text);
      ADD_FAILURE() << "accepted";
    } catch (const UserError& e) {
      const std::string message = e.what();
      for (const char c : message) {
        const auto u = static_cast<unsigned char>(c);
        EXPECT_TRUE(u >= 0x20 && u < 0x7f) << "raw byte " << int(u) << " in: " << message;
      }
      EXPECT_TRUE(message.find("\\x1b") != std::string::npos || message.find("\\x9b") != std::string::npos) << message;
    }
  }
}

}  // namespace
}  // namespace descent::game
