#include "engine/gtp.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

#include "game/go.h"
#include "game/registry.h"
#include "game/sgf.h"
#include "game/user_error.h"

namespace descent::engine {
namespace {

using game::UserError;

// A whole word as a number, or a syntax error (the clock checks the range).
double ParseNumber(const std::string& word) {
  try {
    size_t used = 0;
    const double v = std::stod(word, &used);
    if (used == word.size()) return v;
  } catch (const std::exception&) {
  }
  throw UserError("syntax error ('" + word.substr(0, 40) + "' is not a number)");
}

int ParseCount(const std::string& word) {
  try {
    size_t used = 0;
    const long v = std::stol(word, &used);
    if (used == word.size() && v >= 0 && v <= 1000000000) return static_cast<int>(v);
  } catch (const std::exception&) {
  }
  throw UserError("syntax error ('" + word.substr(0, 40) + "' is not a count)");
}


// The GTP specification's fixed handicap points: corners on the 3-3 points
// (boards under 13) or 4-4 points, then the sides and the centre; boards of
// even size, or under 9, have no centre or side points beyond 4 stones.
std::vector<game::Move> FixedHandicap(const game::GoGame& g, int stones) {
  const int n = g.Size();
  const int max = n < 7 ? 0 : (n % 2 == 0 || n < 9) ? 4 : 9;
  if (stones < 2 || stones > max) throw game::UserError("invalid handicap");
  const int e = n < 13 ? 2 : 3, far = n - 1 - e, mid = n / 2;
  // (x, y) with y counted from the top, as Move indices are.
  const auto at = [n](int x, int y) { return y * n + x; };
  const game::Move ll = at(e, far), ur = at(far, e), ul = at(e, e), lr = at(far, far);
  const game::Move ml = at(e, mid), mr = at(far, mid), mt = at(mid, e), mb = at(mid, far), c = at(mid, mid);
  switch (stones) {
    case 2: return {ll, ur};
    case 3: return {ll, ur, ul};
    case 4: return {ll, ur, ul, lr};
    case 5: return {ll, ur, ul, lr, c};
    case 6: return {ll, ur, ul, lr, ml, mr};
    case 7: return {ll, ur, ul, lr, ml, mr, c};
    case 8: return {ll, ur, ul, lr, ml, mr, mb, mt};
    default: return {ll, ur, ul, lr, ml, mr, mb, mt, c};
  }
}

bool IsGo(const game::Game& g) { return dynamic_cast<const game::GoGame*>(&g) != nullptr; }

// Dispatch result of commands that wrote their own response.
const char kStreamed[] = "\x01streamed";

void AppendWord(std::string* out, const std::string& word) {
  if (!out->empty()) *out += ' ';
  *out += word;
}

// "=id text\n\n" or "?id text\n\n"; text that starts with a newline (a
// board) follows the id directly.
std::string Response(char status, const std::string& id, const std::string& text) {
  std::string out(1, status);
  out += id;
  if (!text.empty() && text[0] != '\n') out += ' ';
  out += text;
  if (text.empty() || text.back() != '\n') out += '\n';
  out += '\n';
  return out;
}

std::string FormatFloat(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

}  // namespace

GtpServer::GtpServer(Engine& engine, const GtpParams& params)
    : engine_(engine), params_(params), clock_(params.clock) {
  if (auto* go = dynamic_cast<const game::GoGame*>(&engine_.game())) komi_ = go->Komi();
}

GtpServer::~GtpServer() { StopAnalysis(); }

void GtpServer::StopAnalysis() {
  if (!analysis_.joinable()) return;
  analysis_stop_ = true;
  analysis_.join();
  std::lock_guard lock(out_mutex_);
  *out_ << "\n" << std::flush;  // the blank line that ends the response
}

GtpServer::AnalyzeArgs GtpServer::ParseAnalyzeArgs(const std::vector<std::string>& args, bool kata) const {
  AnalyzeArgs a;
  a.colour = engine_.state().ToMove();
  const auto is_number = [](const std::string& w) { return !w.empty() && std::isdigit(static_cast<unsigned char>(w[0])); };
  const auto interval = [](const std::string& w) { return std::max(0.01, ParseNumber(w) / 100.0); };
  size_t next = 0;
  if (next < args.size() && !is_number(args[next]) && args[next] != "interval" && args[next] != "minmoves" &&
      args[next] != "maxmoves" && args[next] != "avoid" && args[next] != "allow" && args[next] != "ownership" &&
      args[next] != "rootInfo") {
    a.colour = ParseColour(args[next++]);
  }
  if (next < args.size() && is_number(args[next])) a.interval = interval(args[next++]);
  const auto value = [&](const std::string& key) -> const std::string& {
    if (next >= args.size()) throw UserError("syntax error (" + key + " needs a value)");
    return args[next++];
  };
  const auto flag = [&](const std::string& key) {
    const std::string& v = value(key);
    if (v != "true" && v != "false") throw UserError("syntax error (" + key + " is true or false)");
    return v == "true";
  };
  while (next < args.size()) {
    const std::string key = args[next++];
    if (key == "interval") {
      a.interval = interval(value(key));
    } else if (key == "minmoves") {
      a.min_moves = ParseCount(value(key));
    } else if (key == "maxmoves") {
      a.max_moves = ParseCount(value(key));
    } else if (key == "avoid" || key == "allow") {
      // avoid|allow COLOUR VERTEX[,VERTEX...] UNTIL_DEPTH
      mcts::MoveFilter f;
      f.allow = key == "allow";
      f.colour = ParseColour(value(key));
      std::stringstream list(value(key));
      for (std::string vertex; std::getline(list, vertex, ',');) {
        if (vertex.empty()) continue;
        try {
          f.moves.push_back(engine_.game().ParseMove(vertex));
        } catch (const UserError&) {
          throw UserError("syntax error (" + key + ": '" + game::Quoted(vertex) + "' is not a vertex)");
        }
      }
      f.until_depth = ParseCount(value(key));
      if (f.until_depth < 1) throw UserError("syntax error (" + key + " needs a depth of at least 1)");
      a.filters.push_back(std::move(f));
    } else if (kata && key == "ownership") {
      a.ownership = flag(key);
    } else if (kata && key == "rootInfo") {
      a.root_info = flag(key);
    } else {
      throw UserError("syntax error (unknown analysis option '" + game::Quoted(key) + "')");
    }
  }
  if ((a.ownership || a.root_info) && !engine_.HasScoreHeads()) {
    throw UserError("this network has no ownership and score heads (ownership and rootInfo need them)");
  }
  return a;
}

// Leela Zero's format (winrate, prior, lcb in 1/10000) or KataGo's (floats
// in 0..1, utility in -1..1). With a network that has a score head, kata
// lines carry each move's mean final score over its visits (scoreMean,
// scoreLead, scoreSelfplay: one number, Descent predicts no spread, so no
// scoreStdev); rootInfo and ownership are the network's view of the
// position itself.
std::string GtpServer::InfoLine(const std::vector<CandidateMove>& moves, const AnalyzeArgs& a, bool kata,
                                int root_visits) const {
  std::string line;
  char buf[384];
  int shown = 0;
  const bool with_scores = engine_.HasScoreHeads();
  for (size_t k = 0; k < moves.size() && shown < a.max_moves; ++k) {
    const CandidateMove& c = moves[k];
    if (c.visits == 0 && shown >= a.min_moves) break;  // unvisited moves come last
    if (kata) {
      char score[128] = "";
      if (with_scores && c.visits > 0) {
        std::snprintf(score, sizeof score, " scoreMean %.4f scoreLead %.4f scoreSelfplay %.4f", c.score, c.score, c.score);
      }
      std::snprintf(buf, sizeof buf,
                    "info move %s visits %d utility %.6f winrate %.6f%s prior %.6f lcb %.6f utilityLcb %.6f order %d pv",
                    engine_.game().MoveToText(c.move).c_str(), c.visits, 2 * c.winrate - 1, c.winrate, score, c.prior,
                    c.lcb, 2 * c.lcb - 1, shown);
    } else {
      std::snprintf(buf, sizeof buf, "info move %s visits %d winrate %d prior %d lcb %d order %d pv",
                    engine_.game().MoveToText(c.move).c_str(), c.visits, static_cast<int>(std::lround(c.winrate * 10000)),
                    static_cast<int>(std::lround(c.prior * 10000)), static_cast<int>(std::lround(c.lcb * 10000)), shown);
    }
    AppendWord(&line, buf);
    if (c.pv.empty()) {
      AppendWord(&line, engine_.game().MoveToText(c.move));
    } else {
      for (game::Move m : c.pv) AppendWord(&line, engine_.game().MoveToText(m));
    }
    ++shown;
  }
  if (line.empty() || !kata || (!a.ownership && !a.root_info)) return line;
  const std::optional<Engine::PositionEstimate> estimate = engine_.Estimate();
  if (!estimate) return line;
  if (a.root_info) {
    const float winrate = moves.empty() || moves[0].visits == 0 ? 0.5f : moves[0].winrate;
    std::snprintf(buf, sizeof buf, "rootInfo visits %d utility %.6f winrate %.6f scoreLead %.4f scoreSelfplay %.4f",
                  root_visits, 2 * winrate - 1, winrate, estimate->score, estimate->score);
    AppendWord(&line, buf);
  }
  if (a.ownership) {
    AppendWord(&line, "ownership");
    for (const float o : estimate->ownership) {
      std::snprintf(buf, sizeof buf, "%.4f", o);
      AppendWord(&line, buf);
    }
  }
  return line;
}

std::string GtpServer::Analyze(const std::string& cmd, const std::vector<std::string>& args, const std::string& id) {
  if (!out_) throw UserError(cmd + " needs a streaming connection");
  const bool kata = cmd.rfind("kata-", 0) == 0;
  const AnalyzeArgs a = ParseAnalyzeArgs(args, kata);
  const auto stream = [this, a, kata](const std::vector<CandidateMove>& moves, int root_visits) {
    const std::string line = InfoLine(moves, a, kata, root_visits);
    if (line.empty()) return;
    std::lock_guard lock(out_mutex_);
    *out_ << line << "\n" << std::flush;
  };
  const auto write = [this](const std::string& text) {
    std::lock_guard lock(out_mutex_);
    *out_ << text << std::flush;
  };
  // The analysis is for the colour asked: when it is not the side to move,
  // the turn changes as for genmove (no pass is inserted).
  if (!engine_.state().IsTerminal()) AlignTurn(a.colour);
  engine_.SetMoveFilters(a.filters);
  engine_.SetAnalysisWithUnvisited(a.min_moves > 0);
  if (cmd == "lz-genmove_analyze" || cmd == "kata-genmove_analyze") {
    // Synchronous: info lines while thinking, then the move it plays.
    write("=" + id + "\n");
    std::string move = "pass";
    if (!engine_.state().IsTerminal()) {
      const ThinkResult r = engine_.Think(MoveLimits(a.colour), stream, a.interval);
      move = r.move == game::kNoMove ? "resign" : engine_.game().MoveToText(r.move);
      if (r.move != game::kNoMove) engine_.Play(r.move);
    }
    engine_.SetMoveFilters({});
    write("play " + move + "\n\n");
    return kStreamed;
  }
  write("=" + id + "\n");
  if (engine_.state().IsTerminal()) {
    write("\n");
    return kStreamed;
  }
  // Until the next command or a blank line: StopAnalysis ends it with the
  // blank line that ends the response.
  analysis_stop_ = false;
  analysis_ = std::thread(
      [this, stream, interval = a.interval] { engine_.Think({1 << 30, 0.0}, stream, interval, &analysis_stop_); });
  return kStreamed;
}

game::Player GtpServer::ParseColour(const std::string& text) const {
  std::string t = text;
  for (char& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (t == "b" || t == "black") return 0;
  if (t == "w" || t == "white") return 1;
  throw UserError("invalid color '" + text + "'");
}

// GTP lets a colour move twice; Go gets a pass for the other side, the
// other games (strictly alternating) refuse.
void GtpServer::AlignTurn(game::Player colour) {
  if (engine_.state().ToMove() == colour) return;
  if (!IsGo(engine_.game())) throw UserError("it is not that player's turn");
  engine_.SetTurn(colour);  // the turn changes; no pass is inserted
}

mcts::SearchLimits GtpServer::MoveLimits(game::Player colour) const {
  mcts::SearchLimits limits{params_.visits, 0.0};
  if (!clock_.active()) return limits;
  limits.visits = 1 << 30;  // the clock decides
  const game::Game& g = engine_.game();
  const double expected_length =
      IsGo(g) ? params_.go_length_per_point * g.BoardWidth() * g.BoardHeight() : g.MaxGameLength();
  limits.seconds = clock_.Budget(colour, (expected_length - engine_.state().MoveNumber()) / 2);
  return limits;
}

std::string GtpServer::GenMove(const std::vector<std::string>& args, bool play) {
  if (args.size() != 1) throw UserError("genmove takes one argument: a color");
  return GenMove(ParseColour(args[0]), play, {});
}

std::string GtpServer::GenMove(game::Player colour, bool play, std::vector<mcts::MoveFilter> filters) {
  if (engine_.state().IsTerminal()) return "pass";
  AlignTurn(colour);
  // An analysis's avoid/allow do not bind moves played; restricted_genmove's
  // own filter binds only its move.
  engine_.SetMoveFilters(std::move(filters));
  const auto start = std::chrono::steady_clock::now();
  ThinkResult r;
  try {
    r = engine_.Think(MoveLimits(colour));
  } catch (...) {
    engine_.SetMoveFilters({});
    throw;
  }
  engine_.SetMoveFilters({});
  clock_.Charge(colour, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  if (r.move == game::kNoMove) return "resign";
  const std::string text = engine_.game().MoveToText(r.move);
  if (play) engine_.Play(r.move);
  return text;
}

std::string GtpServer::CmdProtocolVersion(const std::vector<std::string>& /*args*/) {
  return "2";
}

std::string GtpServer::CmdName(const std::vector<std::string>& /*args*/) {
  return "Descent";
}

std::string GtpServer::CmdVersion(const std::vector<std::string>& /*args*/) {
  return "0.1.0";
}

std::string GtpServer::CmdKnownCommand(const std::vector<std::string>& args) {
  ExpectArgs(args, 1);
  for (const Handler& h : Handlers()) {
    if (args[0] == h.name) return "true";
  }
  return "false";
}

std::string GtpServer::CmdListCommands(const std::vector<std::string>& /*args*/) {
  std::string out;
  for (const Handler& h : Handlers()) {
    if (!out.empty()) out += '\n';
    out += h.name;
  }
  return out;
}

std::string GtpServer::CmdQuit(const std::vector<std::string>& /*args*/) {
  quit_ = true;
  return "";
}

std::string GtpServer::CmdBoardsize(const std::vector<std::string>& args) {
  const game::Game& g = engine_.game();
  ExpectArgs(args, 1);
  int size = 0;
  try {
    size = std::stoi(args[0]);
  } catch (const std::exception&) {
    throw UserError("boardsize needs a number");
  }
  if (!IsGo(g)) {
    if (size != g.BoardWidth()) throw UserError("unacceptable size");
    engine_.NewGame(g.Spec());
    return "";
  }
  try {
    StartGame("go:" + std::to_string(size) + ":komi=" + FormatFloat(komi_));
  } catch (const UserError& e) {
    throw UserError(std::string("unacceptable size (") + e.what() + ")");
  }
  return "";
}

void GtpServer::StartGame(const std::string& spec) {
  try {
    engine_.NewGame(spec);
  } catch (const UserError&) {
    if (!params_.network_for) throw;
    engine_.NewGame(spec, params_.network_for(*game::MakeGame(spec)));
  }
}

std::string GtpServer::CmdClearBoard(const std::vector<std::string>& /*args*/) {
  const game::Game& g = engine_.game();
  engine_.NewGame(g.Spec());
  return "";
}

std::string GtpServer::CmdKomi(const std::vector<std::string>& args) {
  const game::Game& g = engine_.game();
  ExpectArgs(args, 1);
  float komi = 0;
  try {
    size_t used = 0;
    komi = std::stof(args[0], &used);
    if (used != args[0].size()) throw std::invalid_argument("komi");
  } catch (const std::exception&) {
    throw UserError("syntax error");
  }
  if (!IsGo(g)) return "";  // no komi in these games: accepted, ignored
  engine_.Respec("go:" + std::to_string(g.BoardWidth()) + ":komi=" + FormatFloat(komi));
  komi_ = komi;
  return "";
}

std::string GtpServer::CmdPlay(const std::vector<std::string>& args) {
  ExpectArgs(args, 2);
  const game::Player colour = ParseColour(args[0]);
  const game::Move move = engine_.game().ParseMove(args[1]);
  const bool go = IsGo(engine_.game());
  if (engine_.state().IsTerminal() && !go) throw UserError("illegal move");
  if (colour == engine_.state().ToMove() && !engine_.state().IsTerminal()) {
    if (!engine_.state().IsLegal(move)) throw UserError("illegal move");
    engine_.Play(move);
    return "";
  }
  // Out of turn (GTP: "consecutive moves of the same color are not
  // considered illegal"): Go plays it for that colour, no pass inserted, so
  // undo takes back this very stone. After both sides passed, a move plays
  // on (as GNU Go and Sabaki allow).
  if (!go) throw UserError("it is not that player's turn");
  try {
    engine_.PlayAs(colour, move);  // changes nothing when it throws
  } catch (const UserError&) {
    throw UserError("illegal move");
  }
  return "";
}

std::string GtpServer::CmdGenmove(const std::vector<std::string>& args) {
  return GenMove(args, true);
}

std::string GtpServer::CmdLzAnalyze(const std::vector<std::string>& args) {
  return Analyze(command_, args, pending_id_);
}

std::string GtpServer::CmdRegGenmove(const std::vector<std::string>& args) {
  return GenMove(args, false);
}

// GNU Go's extension (its regression suites use it): the move it would
// play for `colour` among the vertices listed; not played. PASS when none
// of them is legal.
std::string GtpServer::CmdRestrictedGenmove(const std::vector<std::string>& args) {
  if (args.size() < 2) throw UserError("restricted_genmove takes a color and the vertices to choose from");
  if (!IsGo(engine_.game())) throw UserError("restricted_genmove is for Go");
  const game::Player colour = ParseColour(args[0]);
  const auto& go = static_cast<const game::GoState&>(engine_.state());
  mcts::MoveFilter allow{.colour = colour, .allow = true, .until_depth = 1, .moves = {}};
  for (size_t i = 1; i < args.size(); ++i) {
    const game::Move m = engine_.game().ParseMove(args[i]);
    if (go.IsLegalFor(colour, m)) allow.moves.push_back(m);
  }
  if (allow.moves.empty()) return "PASS";
  return GenMove(colour, false, {allow});
}

std::string GtpServer::CmdUndo(const std::vector<std::string>& args) {
  ExpectArgs(args, 0);
  if (!engine_.Undo()) throw UserError("cannot undo");
  return "";
}

std::string GtpServer::CmdShowboard(const std::vector<std::string>& /*args*/) {
  std::string board(1, '\n');
  board += engine_.state().ToText();
  return board;
}

std::string GtpServer::CmdFinalScore(const std::vector<std::string>& /*args*/) {
  const game::Game& g = engine_.game();
  if (!IsGo(g)) {
    if (!engine_.state().IsTerminal()) throw UserError("the game is not over");
    const float r = engine_.state().Outcome(0);
    return r > 0 ? "B+" : r < 0 ? "W+" : "0";
  }
  return game::ResultText(static_cast<const game::GoState&>(engine_.state()));
}

std::string GtpServer::CmdTimeSettings(const std::vector<std::string>& args) {
  ExpectArgs(args, 3);
  clock_.Set(ParseNumber(args[0]), ParseNumber(args[1]), ParseCount(args[2]));
  return "";
}

std::string GtpServer::CmdTimeLeft(const std::vector<std::string>& args) {
  ExpectArgs(args, 3);
  const game::Player colour = ParseColour(args[0]);
  clock_.SetLeft(colour, ParseNumber(args[1]), ParseCount(args[2]));
  return "";
}

std::string GtpServer::CmdFixedHandicap(const std::vector<std::string>& args) {
  const game::Game& g = engine_.game();
  ExpectArgs(args, 1);
  if (!IsGo(g)) throw UserError("handicap stones are for Go");
  int stones = 0;
  try {
    stones = std::stoi(args[0]);
  } catch (const std::exception&) {
    throw UserError("invalid handicap");
  }
  // Free placement uses the same points: the standard ones are good.
  const std::vector<game::Move> points = FixedHandicap(static_cast<const game::GoGame&>(g), stones);
  engine_.SetHandicap(points);
  std::string out;
  for (game::Move m : points) AppendWord(&out, g.MoveToText(m));
  return out;
}

std::string GtpServer::CmdSetFreeHandicap(const std::vector<std::string>& args) {
  const game::Game& g = engine_.game();
  if (!IsGo(g)) throw UserError("handicap stones are for Go");
  if (args.size() < 2) throw UserError("invalid handicap");
  std::vector<game::Move> points;
  for (const std::string& v : args) {
    const game::Move m = g.ParseMove(v);
    if (m == static_cast<const game::GoGame&>(g).PassMove()) throw UserError("bad vertex list");
    points.push_back(m);
  }
  try {
    engine_.SetHandicap(points);
  } catch (const UserError& e) {
    throw UserError(std::string("bad vertex list (") + e.what() + ")");
  }
  return "";
}

std::string GtpServer::CmdFinalStatusList(const std::vector<std::string>& args) {
  const game::Game& g = engine_.game();
  ExpectArgs(args, 1);
  if (!IsGo(g)) throw UserError("final_status_list is for Go");
  // Area scoring of the board as it stands (Tromp-Taylor): every stone on
  // the board counts as alive; none is dead or in seki.
  if (args[0] == "dead" || args[0] == "seki") return "";
  if (args[0] != "alive") throw UserError("syntax error");
  const auto& s = static_cast<const game::GoState&>(engine_.state());
  std::string out;
  for (game::Move m = 0; m < g.BoardWidth() * g.BoardHeight(); ++m) {
    if (s.AtMove(m) != game::GoState::kEmpty) AppendWord(&out, g.MoveToText(m));
  }
  return out;
}

std::string GtpServer::CmdLoadsgf(const std::vector<std::string>& args) {
  const game::Game& g = engine_.game();
  if (args.empty() || args.size() > 2) throw UserError("loadsgf takes a file and an optional move number");
  if (!IsGo(g)) throw UserError("loadsgf is for Go");
  // Only regular files, and not huge ones: /dev/zero would be read until
  // memory ran out, a FIFO or /dev/urandom would never end. The largest SGF
  // a game needs is a few kilobytes (a 19x19 record with comments, tens).
  constexpr std::uintmax_t kMaxSgfBytes = 1 << 20;
  std::error_code error;
  const auto status = std::filesystem::status(args[0], error);
  if (error || !std::filesystem::is_regular_file(status)) throw UserError("cannot load file");
  if (std::filesystem::file_size(args[0], error) > kMaxSgfBytes || error) throw UserError("cannot load file (over 1 MiB)");
  std::ifstream in(args[0], std::ios::binary);
  if (!in) throw UserError("cannot load file");
  std::string content(kMaxSgfBytes + 1, '\0');
  in.read(content.data(), static_cast<std::streamsize>(content.size()));
  content.resize(static_cast<size_t>(in.gcount()));
  if (content.size() > kMaxSgfBytes) throw UserError("cannot load file (over 1 MiB)");
  std::ostringstream text;
  text << content;
  const game::SgfRecord record = game::ParseSgf(text.str());
  size_t limit = record.moves.size();
  if (args.size() == 2) {
    try {
      limit = std::min(limit, static_cast<size_t>(std::max(1, std::stoi(args[1])) - 1));
    } catch (const std::exception&) {
      throw UserError("syntax error");
    }
  }
  const float komi = record.komi.value_or(komi_);
  const std::string spec = "go:" + std::to_string(record.size) + ":komi=" + FormatFloat(komi);
  // Check everything on a scratch game first: a refused file changes nothing.
  game::GoGame scratch_game({.size = record.size, .komi = komi});
  game::SgfRecord prefix = record;
  prefix.moves.resize(limit);
  game::ReplaySgf(scratch_game, prefix);
  StartGame(spec);
  komi_ = komi;
  // Who moves first: PL, else the first move's colour, else Black (GNU Go
  // and Sabaki read set-up stones without PL so); the scratch replay above
  // follows the same rule.
  const game::Player first = record.first_to_move ? *record.first_to_move
                             : record.moves.empty() ? 0
                                                    : record.moves.front().player;
  if (!record.setup.empty()) engine_.SetSetup(record.setup, first);
  for (size_t i = 0; i < limit; ++i) engine_.PlayAs(record.moves[i].player, record.moves[i].move);
  // Stopped before move N: N's colour is to move. Nothing played: `first`.
  if (limit < record.moves.size()) {
    engine_.SetTurn(record.moves[limit].player);
  } else if (limit == 0) {
    engine_.SetTurn(first);
  }
  return engine_.state().ToMove() == 0 ? "black" : "white";
}

std::string GtpServer::CmdKgsTimeSettings(const std::vector<std::string>& args) {
  if (args.empty()) throw UserError("syntax error");
  // none | absolute MAIN | byoyomi MAIN PERIOD PERIODS | canadian MAIN TIME STONES.
  // Byo-yomi periods are kept as one period per move.
  const std::string& kind = args[0];
  std::vector<std::string> rest(args.begin() + 1, args.end());
  if (kind == "none" && rest.empty()) return CmdTimeSettings({"0", "0", "0"});
  if (kind == "absolute" && rest.size() == 1) return CmdTimeSettings({rest[0], "0", "0"});
  if (kind == "byoyomi" && rest.size() == 3) return CmdTimeSettings({rest[0], rest[1], "1"});
  if (kind == "canadian" && rest.size() == 3) return CmdTimeSettings({rest[0], rest[1], rest[2]});
  throw UserError("syntax error");
}

std::string GtpServer::CmdPrintsgf(const std::vector<std::string>& /*args*/) {
  const game::Game& g = engine_.game();
  if (!IsGo(g)) throw UserError("printsgf is for Go");
  return game::WriteSgf(game::RecordOf(static_cast<const game::GoState&>(engine_.state())));
}

// Every command, once: the name a controller sends and its handler. known_command
// and list_commands read this table.
const std::vector<GtpServer::Handler>& GtpServer::Handlers() {
  static const std::vector<Handler> handlers = {
      {"protocol_version", &GtpServer::CmdProtocolVersion},
      {"name", &GtpServer::CmdName},
      {"version", &GtpServer::CmdVersion},
      {"known_command", &GtpServer::CmdKnownCommand},
      {"list_commands", &GtpServer::CmdListCommands},
      {"quit", &GtpServer::CmdQuit},
      {"boardsize", &GtpServer::CmdBoardsize},
      {"clear_board", &GtpServer::CmdClearBoard},
      {"komi", &GtpServer::CmdKomi},
      {"play", &GtpServer::CmdPlay},
      {"genmove", &GtpServer::CmdGenmove},
      {"lz-analyze", &GtpServer::CmdLzAnalyze},
      {"kata-analyze", &GtpServer::CmdLzAnalyze},
      {"lz-genmove_analyze", &GtpServer::CmdLzAnalyze},
      {"kata-genmove_analyze", &GtpServer::CmdLzAnalyze},
      {"reg_genmove", &GtpServer::CmdRegGenmove},
      {"restricted_genmove", &GtpServer::CmdRestrictedGenmove},
      {"undo", &GtpServer::CmdUndo},
      {"showboard", &GtpServer::CmdShowboard},
      {"final_score", &GtpServer::CmdFinalScore},
      {"time_settings", &GtpServer::CmdTimeSettings},
      {"time_left", &GtpServer::CmdTimeLeft},
      {"fixed_handicap", &GtpServer::CmdFixedHandicap},
      {"place_free_handicap", &GtpServer::CmdFixedHandicap},
      {"set_free_handicap", &GtpServer::CmdSetFreeHandicap},
      {"final_status_list", &GtpServer::CmdFinalStatusList},
      {"loadsgf", &GtpServer::CmdLoadsgf},
      {"kgs-time_settings", &GtpServer::CmdKgsTimeSettings},
      {"printsgf", &GtpServer::CmdPrintsgf},
  };
  return handlers;
}

void GtpServer::ExpectArgs(const std::vector<std::string>& args, size_t n) const {
  if (args.size() != n) throw UserError(command_ + " takes " + std::to_string(n) + " argument" + (n == 1 ? "" : "s"));
}

std::string GtpServer::Dispatch(const std::string& cmd, const std::vector<std::string>& args, bool* quit) {
  for (const Handler& h : Handlers()) {
    if (cmd != h.name) continue;
    command_ = cmd;
    quit_ = false;
    std::string out = (this->*h.run)(args);
    *quit = quit_;
    return out;
  }
  throw UserError("unknown command");
}

std::string GtpServer::Handle(const std::string& raw, bool* quit) {
  // Any line ends a running analysis, a blank one too (KataGo's rule), and
  // before any answer, so no reply lands inside the info stream.
  StopAnalysis();
  // Preprocess as GTP says: drop control characters but tab and newline,
  // tabs become spaces, '#' starts a comment.
  if (raw.size() > params_.max_line) return "? line too long\n\n";
  std::string line;
  for (char c : raw) {
    if (c == '#') break;
    if (c == '\t') c = ' ';
    if (static_cast<unsigned char>(c) < 32 || c == 127) continue;
    line += c;
  }
  std::istringstream words(line);
  std::vector<std::string> tokens;
  for (std::string w; words >> w;) tokens.push_back(w);
  if (tokens.empty()) return "";
  std::string id;
  if (std::all_of(tokens[0].begin(), tokens[0].end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
    id = tokens[0];
    tokens.erase(tokens.begin());
    if (tokens.empty()) return Response('?', id, "missing command");
  }
  const std::string command = tokens[0];
  tokens.erase(tokens.begin());
  pending_id_ = id;
  try {
    std::string out = Dispatch(command, tokens, quit);
    if (out == kStreamed) return "";
    return Response('=', id, out);
  } catch (const UserError& e) {
    return Response('?', id, e.what());
  }
}

int GtpServer::Serve(std::istream& in, std::ostream& out) {
  out_ = &out;
  bool quit = false;
  for (std::string line; !quit && std::getline(in, line);) {
    const std::string response = Handle(line, &quit);
    if (response.empty()) continue;
    std::lock_guard lock(out_mutex_);
    out << response << std::flush;
  }
  StopAnalysis();
  out_ = nullptr;
  return 0;
}

}  // namespace descent::engine
