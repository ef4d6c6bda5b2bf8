#include "game/sgf.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "game/user_error.h"

namespace descent::game {
namespace {

struct Property {
  std::string id;
  std::vector<std::string> values;
};
using Node = std::vector<Property>;

// A recursive-descent reader of the SGF grammar that keeps the main line.
class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {}

  std::vector<Node> MainLine() {
    SkipSpace();
    if (AtEnd() || text_[pos_] != '(') Fail("expected '(' to start a game tree");
    std::vector<Node> line;
    GameTree(&line, true);
    return line;
  }

 private:
  [[noreturn]] void Fail(const std::string& why) const {
    throw UserError("malformed SGF at byte " + std::to_string(pos_) + ": " + why);
  }
  bool AtEnd() const { return pos_ >= text_.size(); }
  void SkipSpace() {
    while (!AtEnd() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }

  // "(" Node+ GameTree* ")"; nodes go to `line` only on the main line.
  void GameTree(std::vector<Node>* line, bool main) {
    if (++depth_ > kMaxDepth) Fail("variations nested too deeply");
    ++pos_;  // '('
    SkipSpace();
    if (AtEnd() || text_[pos_] != ';') Fail("expected ';' to start a node");
    while (!AtEnd() && text_[pos_] == ';') {
      ++pos_;
      Node node = Properties();
      if (main) line->push_back(std::move(node));
      SkipSpace();
    }
    bool first_child = true;
    while (!AtEnd() && text_[pos_] == '(') {
      GameTree(line, main && first_child);
      first_child = false;
      SkipSpace();
    }
    if (AtEnd() || text_[pos_] != ')') Fail("expected ')' to close a game tree");
    ++pos_;
    --depth_;
  }

  Node Properties() {
    Node node;
    for (;;) {
      SkipSpace();
      if (AtEnd() || !std::isalpha(static_cast<unsigned char>(text_[pos_]))) return node;
      // Old SGF (FF[1]-FF[3]) names may mix in lower-case letters, which
      // readers ignore: "AddBlack" is AB, "KoMi" is KM (as GNU Go reads them).
      Property prop;
      std::string written;
      while (!AtEnd() && std::isalpha(static_cast<unsigned char>(text_[pos_]))) {
        if (written.size() < kMaxName) written += text_[pos_];
        if (std::isupper(static_cast<unsigned char>(text_[pos_]))) prop.id += text_[pos_];
        ++pos_;
      }
      if (prop.id.empty()) Fail("property name '" + Quoted(written) + "' has no upper case letter");
      SkipSpace();
      if (AtEnd() || text_[pos_] != '[') Fail("property " + Quoted(prop.id) + " has no value");
      while (!AtEnd() && text_[pos_] == '[') {
        prop.values.push_back(Value());
        SkipSpace();
      }
      node.push_back(std::move(prop));
    }
  }

  std::string Value() {
    const size_t start = pos_++;
    std::string value;
    while (!AtEnd() && text_[pos_] != ']') {
      if (text_[pos_] == '\\') {
        ++pos_;
        if (AtEnd()) break;
        if (text_[pos_] == '\n') {  // soft line break
          ++pos_;
          continue;
        }
      }
      value += text_[pos_++];
    }
    if (AtEnd()) {
      pos_ = start;
      Fail("value is missing its closing ']'");
    }
    ++pos_;
    return value;
  }

  static constexpr int kMaxDepth = 1000;
  static constexpr size_t kMaxName = 40;  // of a property name, as quoted in messages
  std::string_view text_;
  size_t pos_ = 0;
  int depth_ = 0;
};

Move ParsePoint(const std::string& v, int size) {
  if (v.empty() || (v == "tt" && size <= 19)) return size * size;  // pass
  if (v.size() != 2) throw UserError("SGF point '" + Quoted(v) + "' is not two letters");
  const int x = v[0] - 'a', y = v[1] - 'a';
  if (x < 0 || x >= size || y < 0 || y >= size) {
    throw UserError("SGF point '" + Quoted(v) + "' is off the " + std::to_string(size) + "x" + std::to_string(size) +
                    " board");
  }
  return y * size + x;
}

// The points of a set-up property's values: single points, and FF[4]
// compressed rectangles "aa:cc" (corners, either order).
std::vector<Move> ParsePointList(const Property& p, int size) {
  std::vector<Move> points;
  for (const std::string& v : p.values) {
    const size_t colon = v.find(':');
    const Move a = ParsePoint(v.substr(0, colon), size);
    const Move b = colon == std::string::npos ? a : ParsePoint(v.substr(colon + 1), size);
    if (a == size * size || b == size * size) {
      throw UserError("SGF setup " + p.id + "[" + Quoted(v) + "] is not a point or a rectangle of points");
    }
    for (int y = std::min(a / size, b / size); y <= std::max(a / size, b / size); ++y) {
      for (int x = std::min(a % size, b % size); x <= std::max(a % size, b % size); ++x) points.push_back(y * size + x);
    }
  }
  return points;
}

std::string PointText(Move m, int size) {
  if (m == size * size) return "";
  return std::string{static_cast<char>('a' + m % size), static_cast<char>('a' + m / size)};
}

std::string Escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == ']' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

std::string FormatNumber(float v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", static_cast<double>(v));
  return buf;
}

// Today's date as SGF's DT wants it (YYYY-MM-DD, local time).
std::string Today() {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  char text[16];
  std::strftime(text, sizeof text, "%Y-%m-%d", &local);
  return text;
}

const std::string& Single(const Property& p) {
  if (p.values.size() != 1) throw UserError("SGF property " + Quoted(p.id) + " needs exactly one value");
  return p.values[0];
}

// Text that only informs (names, result, rules, date, comments): old files
// repeat it (GNU Go's suites hold PW[White][White]); the first value counts.
const std::string& Text(const Property& p) {
  static const std::string kEmpty;
  return p.values.empty() ? kEmpty : p.values[0];
}

}  // namespace

SgfRecord ParseSgf(std::string_view text) {
  const std::vector<Node> line = Reader(text).MainLine();
  SgfRecord record;
  // The size decides how points read, so find it first.
  for (const Property& p : line.front()) {
    if (p.id == "GM" && Single(p) != "1") throw UserError("SGF game type GM[" + Quoted(Single(p)) + "] is not Go (GM[1])");
    if (p.id == "SZ") {
      const std::string& v = Single(p);
      char* end = nullptr;
      const long size = std::strtol(v.c_str(), &end, 10);
      if (v.empty() || *end != '\0') {
        throw UserError("SGF board size SZ[" + Quoted(v) + "] is not one number (square boards only)");
      }
      if (size < kMinGoSize || size > kMaxGoSize) throw UserError("SGF board size " + Quoted(v) + " is not supported (2..19)");
      record.size = static_cast<int>(size);
    }
  }
  for (size_t i = 0; i < line.size(); ++i) {
    for (const Property& p : line[i]) {
      if (p.id == "KM") {
        char* end = nullptr;
        const float komi = std::strtof(Single(p).c_str(), &end);
        if (Single(p).empty() || *end != '\0' || !std::isfinite(komi)) {
          throw UserError("SGF komi KM[" + Quoted(Single(p)) + "] is not a number");
        }
        record.komi = komi;
      } else if (p.id == "RE") {
        record.result = Text(p);
      } else if (p.id == "PB") {
        record.black_name = Text(p);
      } else if (p.id == "PW") {
        record.white_name = Text(p);
      } else if (p.id == "PL") {
        const std::string& v = Single(p);
        // Old files (GNU Go's regression suites among them) write 1 and 2.
        if (v != "B" && v != "W" && v != "b" && v != "w" && v != "1" && v != "2") {
          throw UserError("SGF PL[" + Quoted(v) + "] must be B or W");
        }
        record.first_to_move = (v == "B" || v == "b" || v == "1") ? 0 : 1;
      } else if (p.id == "RU") {
        record.rules = Text(p);
      } else if (p.id == "DT") {
        record.date = Text(p);
      } else if (p.id == "AB" || p.id == "AW" || p.id == "AE") {
        if (!record.moves.empty()) throw UserError("SGF setup stones (" + p.id + ") after moves are not supported");
        // A later set-up property replaces what an earlier one put on a
        // point; AE only clears.
        for (const Move m : ParsePointList(p, record.size)) {
          std::erase_if(record.setup, [m](const auto& stone) { return stone.first == m; });
          if (p.id != "AE") record.setup.emplace_back(m, p.id == "AB" ? 0 : 1);
        }
      } else if (p.id == "B" || p.id == "W") {
        record.moves.push_back({p.id == "B" ? 0 : 1, ParsePoint(Single(p), record.size), ""});
      } else if (p.id == "C") {
        if (i == 0) {
          record.comment = Text(p);
        } else if (!record.moves.empty()) {
          record.moves.back().comment = Text(p);
        }
      }
    }
  }
  return record;
}

std::string WriteSgf(const SgfRecord& r) {
  std::string out = "(;GM[1]FF[4]CA[UTF-8]AP[descent]";
  const auto property = [&out](const char* id, const std::string& value) {
    out += id;
    out += '[';
    out += Escape(value);
    out += ']';
  };
  property("SZ", std::to_string(r.size));
  if (r.komi) property("KM", FormatNumber(*r.komi));
  if (!r.black_name.empty()) property("PB", r.black_name);
  if (!r.white_name.empty()) property("PW", r.white_name);
  if (!r.rules.empty()) property("RU", r.rules);
  if (!r.date.empty()) property("DT", r.date);
  if (!r.result.empty()) property("RE", r.result);
  if (!r.comment.empty()) property("C", r.comment);
  for (Player colour : {0, 1}) {
    bool first = true;
    for (const auto& [m, p] : r.setup) {
      if (p != colour) continue;
      if (first) out += colour == 0 ? "AB" : "AW";
      first = false;
      out += '[';
      out += PointText(m, r.size);
      out += ']';
    }
  }
  if (r.first_to_move) property("PL", *r.first_to_move == 0 ? "B" : "W");
  for (const SgfMove& m : r.moves) {
    out += "\n;";
    property(m.player == 0 ? "B" : "W", PointText(m.move, r.size));
    if (!m.comment.empty()) property("C", m.comment);
  }
  out += ")\n";
  return out;
}

std::unique_ptr<GoState> ReplaySgf(const GoGame& game, const SgfRecord& record) {
  if (record.size != game.Size()) {
    throw UserError("SGF board size " + std::to_string(record.size) + " does not match " + game.Spec());
  }
  auto state = std::make_unique<GoState>(game);
  for (const auto& [m, p] : record.setup) state->AddSetupStone(m, p);
  Player first = 0;
  if (record.first_to_move) {
    first = *record.first_to_move;
  } else if (!record.moves.empty()) {
    first = record.moves.front().player;
  }  // set-up stones without PL: Black moves first (as GNU Go and Sabaki read them)
  state->FinishSetup(first);
  for (size_t i = 0; i < record.moves.size(); ++i) {
    const SgfMove& m = record.moves[i];
    const std::string where = "SGF move " + std::to_string(i + 1) + " (" + (m.player == 0 ? "B " : "W ") +
                              game.MoveToText(m.move) + ")";
    // Moves out of turn are legal SGF (edited games, GTP sessions that
    // played two stones of a colour in a row).
    // After two passes a record may go on (GNU Go's own records do): PlayAs
    // resumes the game. The move cap still ends it.
    if (state->MoveNumber() >= game.MaxGameLength()) throw UserError(where + " comes after the game ended");
    try {
      state->PlayAs(m.player, m.move);  // changes nothing when it throws
    } catch (const UserError&) {
      throw UserError(where + " is illegal");
    }
  }
  return state;
}

std::string ResultText(const GoState& state) {
  const float score = state.ScoreForBlack();
  if (score == 0) return "0";
  return (score > 0 ? "B+" : "W+") + FormatNumber(std::fabs(score));
}

SgfRecord RecordOf(const GoState& state) {
  const auto& game = static_cast<const GoGame&>(state.game());
  SgfRecord r;
  r.size = game.Size();
  r.komi = game.Komi();
  r.rules = kRules;
  r.date = Today();
  r.setup = state.SetupStones();
  if (!r.setup.empty()) r.first_to_move = state.FirstToMove();
  const std::vector<Move> moves = state.MoveHistory();
  for (size_t i = 0; i < moves.size(); ++i) r.moves.push_back({state.MoveColour(static_cast<int>(i)), moves[i], ""});
  if (state.IsTerminal()) r.result = ResultText(state);
  return r;
}

}  // namespace descent::game
