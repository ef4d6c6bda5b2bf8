#include "engine/match.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <thread>

#include "engine/gtp_client.h"
#include "game/go.h"
#include "game/registry.h"
#include "game/sgf.h"
#include "game/user_error.h"

namespace descent::engine {

using game::Player;
using game::UserError;

double MatchGame::FirstScore() const {
  if (winner < 0) return 0.5;
  const Player first = first_is_black ? 0 : 1;
  return winner == first ? 1.0 : 0.0;
}

namespace {

std::string ColorWord(Player p) { return GtpColor(p); }
std::string ColorName(Player p) { return p == 0 ? "Black" : "White"; }
char ColorLetter(Player p) { return p == 0 ? 'B' : 'W'; }

std::string Trimmed(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  size_t start = 0;
  while (start < s.size() && std::isspace(static_cast<unsigned char>(s[start]))) ++start;
  return s.substr(start);
}

std::string Lowered(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// "B+3.5" / "W+R" / "0" -> 0, 1, -1 (draw); throws UserError otherwise.
int WinnerOfResult(const std::string& text) {
  const std::string t = Trimmed(text);
  if (t == "0" || t == "Draw" || t == "draw") return -1;
  if (t.size() >= 2 && t[1] == '+' && (t[0] == 'B' || t[0] == 'b')) return 0;
  if (t.size() >= 2 && t[1] == '+' && (t[0] == 'W' || t[0] == 'w')) return 1;
  throw UserError("'" + t + "' is not a game result");
}

// One engine process of a game slot, started on first use and again after
// it crashed or hung.
class Seat {
 public:
  Seat(std::string command, double hang_seconds) : command_(std::move(command)), hang_seconds_(hang_seconds) {}
  GtpClient& client() {
    if (!client_) client_ = std::make_unique<GtpClient>(command_);
    return *client_;
  }
  // Sends a command; throws UserError (after killing the process) when the
  // engine dies or hangs, so that the next game starts it afresh.
  GtpReply Send(const std::string& command) {
    try {
      return client().Send(command, hang_seconds_);
    } catch (const UserError&) {
      client_.reset();
      throw;
    }
  }
  // Like Send, but a '?' answer is an error too.
  std::string Require(const std::string& command) {
    GtpReply reply = Send(command);
    if (!reply.ok) throw UserError("refused '" + command + "': " + reply.text);
    return reply.text;
  }

 private:
  std::string command_;
  double hang_seconds_;
  std::unique_ptr<GtpClient> client_;
};

// A forfeit ends the game at once: `loser` loses, SGF result suffix `how`.
struct Forfeit {
  Player loser;
  std::string how;  // "R", "T", "F"
  std::string reason;
};

class Referee {
 public:
  Referee(const MatchParams& params, const game::Game& game, MatchSummary* summary, std::mutex* mutex)
      : params_(params), game_(game), summary_(summary), mutex_(mutex) {
    go_ = dynamic_cast<const game::GoGame*>(&game);
  }

  // Plays game `index` with the two seats; `stop` ends it between moves
  // (then the returned game is incomplete: nullopt).
  std::optional<MatchGame> Play(int index, Seat& first, Seat& second, Seat* scorer,
                                const std::function<bool()>& stop) {
    MatchGame result;
    result.index = index;
    result.first_is_black = index % 2 == 0;
    Seat* seats[2] = {result.first_is_black ? &first : &second, result.first_is_black ? &second : &first};
    auto state = game_.NewInitialState();
    std::optional<Forfeit> forfeit;

    // Setup: a seat that cannot start or refuses the game loses it.
    for (Player p : {0, 1}) {
      try {
        SetUp(*seats[p]);
        NoteName(*seats[p], seats[p] == &first);
      } catch (const UserError& e) {
        forfeit = Forfeit{p, "F", ColorName(p) + " engine failed at setup: " + e.what()};
        break;
      }
    }

    while (!forfeit && !state->IsTerminal()) {
      if (stop()) return std::nullopt;
      const Player mover = state->ToMove(), other = 1 - mover;
      const auto start = std::chrono::steady_clock::now();
      GtpReply reply;
      try {
        reply = seats[mover]->Send("genmove " + ColorWord(mover));
      } catch (const UserError& e) {
        forfeit = Forfeit{mover, "F", ColorName(mover) + " engine crashed or hung: " + e.what()};
        break;
      }
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      result.longest_move_seconds[mover] = std::max(result.longest_move_seconds[mover], seconds);
      const std::string text = Lowered(Trimmed(reply.text));
      if (!reply.ok) {
        forfeit = Forfeit{mover, "F", ColorName(mover) + " engine refused genmove: " + reply.text};
        break;
      }
      if (text == "resign") {
        forfeit = Forfeit{mover, "R", ColorName(mover) + " resigned"};
        break;
      }
      if (params_.move_seconds > 0 && seconds > params_.move_seconds + params_.time_grace) {
        forfeit = Forfeit{mover, "T", ColorName(mover) + " took " + std::to_string(seconds) + " s for a move"};
        break;
      }
      game::Move move = game::kNoMove;
      try {
        move = game_.ParseMove(text);
      } catch (const UserError&) {
      }
      if (move == game::kNoMove || !state->IsLegal(move)) {
        forfeit = Forfeit{mover, "F", ColorName(mover) + " played an illegal move '" + text + "'"};
        break;
      }
      state->Play(move);
      if (state->IsTerminal()) break;  // the other engine need not hear the last move
      try {
        seats[other]->Require("play " + ColorWord(mover) + " " + game_.MoveToText(move));
      } catch (const UserError& e) {
        forfeit = Forfeit{other, "F", ColorName(other) + " engine failed on a legal move: " + e.what()};
        break;
      }
    }

    result.moves = state->MoveNumber();
    if (forfeit) {
      result.winner = 1 - forfeit->loser;
      result.result = std::string(1, ColorLetter(result.winner)) + "+" + forfeit->how;
      result.reason = forfeit->reason;
    } else {
      ScoreFinal(*state, scorer, &result);
    }
    WriteRecord(*state, &result);
    return result;
  }

 private:
  void SetUp(Seat& seat) {
    for (const std::string& command : NewGameCommands(game_)) seat.Require(command);
    if (params_.move_seconds > 0) {
      const int seconds = std::max(1, static_cast<int>(params_.move_seconds + 0.5));
      seat.Require("time_settings 0 " + std::to_string(seconds) + " 1");
    }
  }

  void NoteName(Seat& seat, bool is_first) {
    std::string& name = is_first ? summary_->first_name : summary_->second_name;
    {
      std::lock_guard<std::mutex> lock(*mutex_);
      if (!name.empty()) return;
    }
    std::string text = Trimmed(seat.Require("name"));
    const GtpReply version = seat.Send("version");
    const std::string version_text = Trimmed(version.text);
    if (version.ok && !version_text.empty()) text += " " + version_text;
    std::lock_guard<std::mutex> lock(*mutex_);
    name = text;
  }

  // A finished game: the rules' result (Go: area score), and for Go with a
  // scorer its final_score too, which decides (it knows dead stones).
  void ScoreFinal(const game::State& state, Seat* scorer, MatchGame* result) {
    if (!go_) {
      const float outcome = state.Outcome(0);
      result->winner = outcome > 0 ? 0 : outcome < 0 ? 1 : -1;
      result->result = result->winner < 0 ? "0" : std::string(1, ColorLetter(result->winner)) + "+";
      result->reason = "played out";
      return;
    }
    const auto& go_state = dynamic_cast<const game::GoState&>(state);
    result->area_result = game::ResultText(go_state);
    result->result = result->area_result;
    result->winner = WinnerOfResult(result->area_result);
    result->reason = go_state.ConsecutivePasses() >= 2 ? "both passed" : "move limit reached";
    if (!scorer) return;
    try {
      for (const std::string& command : NewGameCommands(game_)) scorer->Require(command);
      const std::vector<game::Move> moves = state.MoveHistory();
      for (size_t i = 0; i < moves.size(); ++i) {
        scorer->Require("play " + ColorWord(static_cast<Player>(i % 2)) + " " + game_.MoveToText(moves[i]));
      }
      result->referee_result = Trimmed(scorer->Require("final_score"));
      const int referee_winner = WinnerOfResult(result->referee_result);
      result->referee_disagrees = referee_winner != result->winner;
      result->winner = referee_winner;
      result->result = result->referee_result;
      result->reason += ", scored by the referee";
    } catch (const UserError& e) {
      result->reason += std::string(", referee failed (") + e.what() + "), area score used";
    }
  }

  void WriteRecord(const game::State& state, MatchGame* result) {
    if (params_.record_dir.empty()) return;
    std::string black, white;
    {
      std::lock_guard<std::mutex> lock(*mutex_);
      black = result->first_is_black ? summary_->first_name : summary_->second_name;
      white = result->first_is_black ? summary_->second_name : summary_->first_name;
    }
    char name[64];
    std::snprintf(name, sizeof name, "game-%04d.%s", result->index + 1, go_ ? "sgf" : "txt");
    const std::filesystem::path path = std::filesystem::path(params_.record_dir) / name;
    std::string text;
    if (go_) {
      game::SgfRecord record = game::RecordOf(dynamic_cast<const game::GoState&>(state));
      record.result = result->result;
      record.black_name = black;
      record.white_name = white;
      record.comment = result->reason;
      if (!result->area_result.empty()) record.comment += "; area score " + result->area_result;
      if (!result->referee_result.empty()) record.comment += "; referee " + result->referee_result;
      text = game::WriteSgf(record);
    } else {
      text = "game: " + game_.Spec() + "\nblack: " + black + "\nwhite: " + white + "\nresult: " + result->result +
             "\nreason: " + result->reason + "\nmoves:";
      for (game::Move m : state.MoveHistory()) {
        text += ' ';
        text += game_.MoveToText(m);
      }
      text += "\n";
    }
    std::ofstream out(path);
    out << text;
    if (!out) throw UserError("cannot write " + path.string());
    result->record_path = path.string();
  }

  const MatchParams& params_;
  const game::Game& game_;
  const game::GoGame* go_ = nullptr;
  MatchSummary* summary_;
  std::mutex* mutex_;
};

}  // namespace

MatchSummary RunMatch(const MatchParams& params, const std::function<void(const MatchGame&, const MatchSummary&)>& on_game,
                      const std::atomic<bool>* cancel) {
  const std::unique_ptr<game::Game> game = game::MakeGame(params.game_spec);
  if (params.games < 1) throw UserError("a match needs at least one game");
  if (params.parallel < 1) throw UserError("--parallel must be at least 1");
  if (params.first_command.empty() || params.second_command.empty()) throw UserError("both engine commands are needed");
  if (!params.referee_command.empty() && !dynamic_cast<const game::GoGame*>(game.get())) {
    throw UserError("a scoring referee is for Go only");
  }
  if (!params.record_dir.empty()) {
    std::error_code error;
    std::filesystem::create_directories(params.record_dir, error);
    if (error) throw UserError("cannot create " + params.record_dir + ": " + error.message());
  }
  const double hang = params.hang_seconds > 0 ? params.hang_seconds : 10 * params.move_seconds + 60;

  // Each engine must start and answer once before the match: a mistyped
  // command is an error, not a match of forfeits.
  for (const auto& [which, command] : {std::pair{"first", params.first_command}, {"second", params.second_command}}) {
    try {
      Seat probe(command, hang);
      probe.Require("protocol_version");
    } catch (const UserError& e) {
      throw UserError(std::string("the ") + which + " engine does not speak GTP: " + e.what());
    }
  }

  MatchSummary summary;
  std::mutex mutex;
  std::atomic<int> next{0};
  std::atomic<bool> sprt_stop{false};
  const auto stop = [&] { return sprt_stop.load() || (cancel && cancel->load()); };
  std::string error;  // a failure of the referee itself (e.g. disk full)

  const auto slot = [&] {
    Seat first(params.first_command, hang), second(params.second_command, hang);
    std::unique_ptr<Seat> scorer;
    if (!params.referee_command.empty()) scorer = std::make_unique<Seat>(params.referee_command, hang);
    Referee referee(params, *game, &summary, &mutex);
    for (int index = next++; index < params.games && !stop(); index = next++) {
      std::optional<MatchGame> played;
      try {
        played = referee.Play(index, first, second, scorer.get(), stop);
      } catch (const UserError& e) {
        std::lock_guard<std::mutex> lock(mutex);
        error = e.what();
        sprt_stop = true;
        return;
      }
      if (!played) return;
      std::lock_guard<std::mutex> lock(mutex);
      const double points = played->FirstScore();
      game::MatchScore& by_colour = played->first_is_black ? summary.first_as_black : summary.first_as_white;
      for (game::MatchScore* s : {&summary.total, &by_colour}) {
        (points == 1 ? s->wins : points == 0 ? s->losses : s->draws) += 1;
      }
      summary.referee_disagreements += played->referee_disagrees;
      const Player first_colour = played->first_is_black ? 0 : 1;
      summary.first_longest_move = std::max(summary.first_longest_move, played->longest_move_seconds[first_colour]);
      summary.second_longest_move =
          std::max(summary.second_longest_move, played->longest_move_seconds[1 - first_colour]);
      summary.games.push_back(*played);
      // A game that was in flight in another slot when the SPRT decided
      // still counts, but the decision stands: recomputed with that game,
      // the test could fall back to "continue" in a summary that says the
      // SPRT stopped the match.
      if (params.sprt && !summary.stopped_by_sprt) {
        summary.sprt = game::Sprt(summary.total, *params.sprt);
        if (summary.sprt->decision != game::SprtDecision::kContinue) {
          summary.stopped_by_sprt = true;
          sprt_stop = true;
        }
      }
      if (on_game) on_game(summary.games.back(), summary);
    }
  };

  std::vector<std::thread> threads;
  for (int i = 1; i < std::min(params.parallel, params.games); ++i) threads.emplace_back(slot);
  slot();
  for (std::thread& t : threads) t.join();
  if (!error.empty()) throw UserError(error);
  return summary;
}

}  // namespace descent::engine
