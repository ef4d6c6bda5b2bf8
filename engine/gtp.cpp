#include "engine/gtp.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <iostream>
#include <sstream>

#include "game/go.h"
#include "game/registry.h"
#include "game/sgf.h"
#include "game/user_error.h"

namespace descent::engine {
namespace {

using game::UserError;

const char* const kCommands[] = {
    "protocol_version", "name",        "version",      "known_command", "list_commands", "quit",
    "boardsize",        "clear_board", "komi",         "play",          "genmove",       "reg_genmove",
    "undo",             "showboard",   "final_score",  "time_settings", "time_left",     "printsgf",
};

bool IsGo(const game::Game& g) { return g.Name() == "go"; }

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

GtpServer::GtpServer(Engine& engine, const GtpParams& params) : engine_(engine), params_(params) {
  if (auto* go = dynamic_cast<const game::GoGame*>(&engine_.game())) komi_ = go->Komi();
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
  engine_.Play(static_cast<const game::GoGame&>(engine_.game()).PassMove());
}

mcts::SearchLimits GtpServer::MoveLimits(game::Player colour) const {
  mcts::SearchLimits limits{params_.visits, 0.0};
  if (main_time_ < 0) return limits;
  limits.visits = 1 << 30;  // the clock decides
  const double left = time_left_[colour];
  double budget;
  if (stones_left_[colour] > 0) {  // byo-yomi: this period's time over its stones
    budget = left / stones_left_[colour];
  } else {
    budget = left / params_.moves_left_estimate;
    if (byo_time_ > 0 && byo_stones_ > 0) budget = std::max(budget, byo_time_ / byo_stones_);
  }
  // Keep a reserve for the protocol and the move's transport.
  limits.seconds = std::max(0.05, budget * (1 - params_.reserve_fraction) - 0.05);
  return limits;
}

std::string GtpServer::GenMove(const std::vector<std::string>& args, bool play) {
  if (args.size() != 1) throw UserError("genmove takes one argument: a color");
  const game::Player colour = ParseColour(args[0]);
  if (engine_.state().IsTerminal()) return "pass";
  AlignTurn(colour);
  const ThinkResult r = engine_.Think(MoveLimits(colour));
  if (r.move == game::kNoMove) return "resign";
  const std::string text = engine_.game().MoveToText(r.move);
  if (play) engine_.Play(r.move);
  return text;
}

std::string GtpServer::Dispatch(const std::string& cmd, const std::vector<std::string>& args, bool* quit) {
  const game::Game& g = engine_.game();
  const auto expect = [&](size_t n) {
    if (args.size() != n) throw UserError(cmd + " takes " + std::to_string(n) + " argument" + (n == 1 ? "" : "s"));
  };
  if (cmd == "protocol_version") return "2";
  if (cmd == "name") return "Descent";
  if (cmd == "version") return "0.1.0";
  if (cmd == "known_command") {
    expect(1);
    return std::find(std::begin(kCommands), std::end(kCommands), args[0]) != std::end(kCommands) ? "true" : "false";
  }
  if (cmd == "list_commands") {
    std::string out;
    for (const char* c : kCommands) {
      if (!out.empty()) out += '\n';
      out += c;
    }
    return out;
  }
  if (cmd == "quit") {
    *quit = true;
    return "";
  }
  if (cmd == "boardsize") {
    expect(1);
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
      engine_.NewGame("go:" + std::to_string(size) + ":komi=" + FormatFloat(komi_));
    } catch (const UserError& e) {
      throw UserError(std::string("unacceptable size (") + e.what() + ")");
    }
    return "";
  }
  if (cmd == "clear_board") {
    engine_.NewGame(g.Spec());
    return "";
  }
  if (cmd == "komi") {
    expect(1);
    float komi = 0;
    try {
      size_t used = 0;
      komi = std::stof(args[0], &used);
      if (used != args[0].size()) throw std::invalid_argument("komi");
    } catch (const std::exception&) {
      throw UserError("syntax error");
    }
    if (!IsGo(g)) return "";  // no komi in these games: accepted, ignored
    const std::vector<game::Move> moves = engine_.moves();
    engine_.NewGame("go:" + std::to_string(g.BoardWidth()) + ":komi=" + FormatFloat(komi));
    komi_ = komi;
    for (game::Move m : moves) engine_.Play(m);
    return "";
  }
  if (cmd == "play") {
    expect(2);
    const game::Player colour = ParseColour(args[0]);
    const game::Move move = engine_.game().ParseMove(args[1]);
    if (engine_.state().IsTerminal()) throw UserError("illegal move");
    const std::vector<game::Move> before = engine_.moves();
    AlignTurn(colour);
    if (!engine_.state().IsLegal(move)) {
      // Take back an inserted pass: a refused command changes nothing.
      while (engine_.moves().size() > before.size()) engine_.Undo();
      throw UserError("illegal move");
    }
    engine_.Play(move);
    return "";
  }
  if (cmd == "genmove") return GenMove(args, true);
  if (cmd == "reg_genmove") return GenMove(args, false);
  if (cmd == "undo") {
    expect(0);
    if (!engine_.Undo()) throw UserError("cannot undo");
    return "";
  }
  if (cmd == "showboard") {
    std::string board(1, '\n');
    board += engine_.state().ToText();
    return board;
  }
  if (cmd == "final_score") {
    if (!IsGo(g)) {
      if (!engine_.state().IsTerminal()) throw UserError("the game is not over");
      const float r = engine_.state().Outcome(0);
      return r > 0 ? "B+" : r < 0 ? "W+" : "0";
    }
    return game::ResultText(static_cast<const game::GoState&>(engine_.state()));
  }
  if (cmd == "time_settings") {
    expect(3);
    try {
      main_time_ = std::stod(args[0]);
      byo_time_ = std::stod(args[1]);
      byo_stones_ = std::stoi(args[2]);
    } catch (const std::exception&) {
      throw UserError("syntax error");
    }
    if (main_time_ < 0 || byo_time_ < 0 || byo_stones_ < 0) throw UserError("syntax error");
    if (main_time_ == 0 && byo_time_ > 0 && byo_stones_ == 0) throw UserError("syntax error");
    time_left_[0] = time_left_[1] = main_time_ > 0 ? main_time_ : byo_time_;
    stones_left_[0] = stones_left_[1] = main_time_ > 0 ? 0 : byo_stones_;
    if (main_time_ == 0 && byo_time_ == 0) main_time_ = -1;  // no time limit
    return "";
  }
  if (cmd == "time_left") {
    expect(3);
    const game::Player colour = ParseColour(args[0]);
    try {
      time_left_[colour] = std::stod(args[1]);
      stones_left_[colour] = std::stoi(args[2]);
    } catch (const std::exception&) {
      throw UserError("syntax error");
    }
    return "";
  }
  if (cmd == "printsgf") {
    if (!IsGo(g)) throw UserError("printsgf is for Go");
    return game::WriteSgf(game::RecordOf(static_cast<const game::GoState&>(engine_.state())));
  }
  throw UserError("unknown command");
}

std::string GtpServer::Handle(const std::string& raw, bool* quit) {
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
  try {
    return Response('=', id, Dispatch(command, tokens, quit));
  } catch (const UserError& e) {
    return Response('?', id, e.what());
  }
}

int GtpServer::Serve(std::istream& in, std::ostream& out) {
  bool quit = false;
  for (std::string line; !quit && std::getline(in, line);) {
    const std::string response = Handle(line, &quit);
    if (response.empty()) continue;
    out << response << std::flush;
  }
  return 0;
}

}  // namespace descent::engine
