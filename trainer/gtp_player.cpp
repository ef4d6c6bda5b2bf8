#include "trainer/gtp_player.h"

#include <algorithm>
#include <cctype>
#include <memory>
#include <vector>

#include "engine/gtp_client.h"
#include "game/user_error.h"

namespace descent::trainer {
namespace {

using game::UserError;

std::string Trimmed(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

std::string Lowered(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Sends `command`; a '?' answer is an error naming the engine and command.
std::string Require(engine::GtpClient& client, const std::string& engine, const std::string& command, double hang) {
  const engine::GtpReply reply = client.Send(command, hang);
  if (!reply.ok) throw UserError(engine + " refused '" + command + "': " + reply.text);
  return reply.text;
}

class GtpPlayer final : public selfplay::Player {
 public:
  GtpPlayer(const game::Game& game, const GtpPlayerParams& params) : game_(game), params_(params) {}
  std::string Name() const override { return params_.command; }

  game::Move Choose(const game::State& state, std::mt19937_64&) override {
    if (!client_) Start();
    Sync(state.MoveHistory());
    const game::Player mover = state.ToMove();
    const std::string command = std::string("genmove ") + engine::GtpColor(mover);
    const std::string text = Lowered(Trimmed(Require(*client_, params_.command, command, params_.hang_seconds)));
    if (text == "resign") return selfplay::kResign;
    game::Move move = game::kNoMove;
    try {
      move = game_.ParseMove(text);
    } catch (const UserError&) {
    }
    if (move == game::kNoMove || !state.IsLegal(move)) {
      throw UserError(params_.command + " played an illegal move '" + text + "' after " +
                      std::to_string(state.MoveNumber()) + " moves");
    }
    sent_.push_back(move);  // the engine has played it on its board
    return move;
  }

 private:
  void Start() {
    client_ = std::make_unique<engine::GtpClient>(params_.command);
    NewGame();
    if (params_.move_seconds > 0) {
      const int seconds = std::max(1, static_cast<int>(params_.move_seconds + 0.5));
      Require(*client_, params_.command, "time_settings 0 " + std::to_string(seconds) + " 1", params_.hang_seconds);
    }
  }

  void NewGame() {
    for (const std::string& c : engine::NewGameCommands(game_)) Require(*client_, params_.command, c, params_.hang_seconds);
    sent_.clear();
  }

  // Brings the engine's board to `history`: the moves since the last call
  // (the opponent's, or the opening's), or the whole game again when the
  // engine's record is not a prefix of it.
  void Sync(const std::vector<game::Move>& history) {
    if (sent_.size() > history.size() || !std::equal(sent_.begin(), sent_.end(), history.begin())) NewGame();
    for (size_t i = sent_.size(); i < history.size(); ++i) {
      const std::string command = std::string("play ") + engine::GtpColor(static_cast<game::Player>(i % 2)) + " " +
                                  game_.MoveToText(history[i]);
      Require(*client_, params_.command, command, params_.hang_seconds);
      sent_.push_back(history[i]);
    }
  }

  const game::Game& game_;
  GtpPlayerParams params_;
  std::unique_ptr<engine::GtpClient> client_;
  std::vector<game::Move> sent_;  // the moves on the engine's board
};

}  // namespace

selfplay::PlayerFactory GtpPlayerFactory(const game::Game& game, const GtpPlayerParams& params) {
  return [&game, params](int) { return std::make_unique<GtpPlayer>(game, params); };
}

std::string GtpEngineName(const std::string& command, double hang_seconds) {
  try {
    engine::GtpClient client(command);
    std::string name = Trimmed(Require(client, command, "name", hang_seconds));
    const engine::GtpReply version = client.Send("version", hang_seconds);
    if (version.ok && !Trimmed(version.text).empty()) name += " " + Trimmed(version.text);
    return name;
  } catch (const UserError& e) {
    throw UserError("'" + command + "' does not speak GTP: " + e.what());
  }
}

decltype(selfplay::MatchParams::score) GtpRefereeScore(const game::Game& game, const std::string& command,
                                                       double hang_seconds) {
  return [&game, command, hang_seconds](const game::State& final_state, game::Player side) -> float {
    engine::GtpClient referee(command);
    for (const std::string& c : engine::NewGameCommands(game)) Require(referee, command, c, hang_seconds);
    const std::vector<game::Move> moves = final_state.MoveHistory();
    for (size_t i = 0; i < moves.size(); ++i) {
      Require(referee, command,
              std::string("play ") + engine::GtpColor(static_cast<game::Player>(i % 2)) + " " + game.MoveToText(moves[i]),
              hang_seconds);
    }
    const std::string result = Trimmed(Require(referee, command, "final_score", hang_seconds));
    // "B+3.5", "W+0.5", "0": the winner's letter decides.
    if (result == "0" || Lowered(result) == "draw") return 0.0f;
    if (result.size() >= 2 && result[1] == '+' && (result[0] == 'B' || result[0] == 'b')) return side == 0 ? 1.0f : -1.0f;
    if (result.size() >= 2 && result[1] == '+' && (result[0] == 'W' || result[0] == 'w')) return side == 1 ? 1.0f : -1.0f;
    throw UserError("the referee '" + command + "' answered final_score with '" + result + "'");
  };
}

}  // namespace descent::trainer
