#pragma once
// Go Text Protocol v2 over any stream pair, driving an Engine. Connect Four
// and tic-tac-toe use the same protocol (vertices a..g and a1..c3).
// Malformed input gets a '?' response and the server keeps serving.

#include <functional>
#include <iosfwd>
#include <memory>
#include <atomic>
#include <mutex>
#include <thread>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "engine/game_clock.h"

namespace descent::engine {

struct GtpParams {
  int visits = 800;            // per genmove, when no clock is set
  size_t max_line = 4096;      // longer lines are refused
  // Main time is spread over the moves we expect still to play: Go games
  // last about `go_length_per_point` x board area moves (0.7: pro 19x19
  // games average ~250 moves), other games their longest length. In
  // byo-yomi a period's time goes to its stones (engine/game_clock.h).
  double go_length_per_point = 0.7;
  ClockParams clock{};
  // Where boardsize and loadsgf find a network for a board size the
  // engine's network does not fit (descent gtp without --net: the shipped
  // networks). Returns one that fits the game, or throws game::UserError
  // saying which sizes it has. Unset: only the engine's network's size.
  std::function<std::shared_ptr<const net::Network>(const game::Game&)> network_for;
};

class GtpServer {
 public:
  GtpServer(Engine& engine, const GtpParams& params);
  ~GtpServer();
  // Reads commands until `quit` or end of input. Returns 0. Analysis
  // commands (lz-analyze, kata-analyze) stream "info" lines on `out` until
  // the next command arrives.
  int Serve(std::istream& in, std::ostream& out);
  // One command line (without newline); returns the full response
  // ("= ...\n\n" or "? ...\n\n"), or "" for a line that is blank or only a
  // comment. Sets *quit on `quit`.
  std::string Handle(const std::string& line, bool* quit);

 private:
  // The command table: one handler per GTP command (aliases share one).
  struct Handler {
    const char* name;
    std::string (GtpServer::*run)(const std::vector<std::string>& args);
  };
  static const std::vector<Handler>& Handlers();
  std::string Dispatch(const std::string& command, const std::vector<std::string>& args, bool* quit);
  // UserError unless `args` holds exactly n words.
  void ExpectArgs(const std::vector<std::string>& args, size_t n) const;
  std::string CmdProtocolVersion(const std::vector<std::string>& args);
  std::string CmdName(const std::vector<std::string>& args);
  std::string CmdVersion(const std::vector<std::string>& args);
  std::string CmdKnownCommand(const std::vector<std::string>& args);
  std::string CmdListCommands(const std::vector<std::string>& args);
  std::string CmdQuit(const std::vector<std::string>& args);
  std::string CmdBoardsize(const std::vector<std::string>& args);
  std::string CmdClearBoard(const std::vector<std::string>& args);
  std::string CmdKomi(const std::vector<std::string>& args);
  std::string CmdPlay(const std::vector<std::string>& args);
  std::string CmdGenmove(const std::vector<std::string>& args);
  std::string CmdLzAnalyze(const std::vector<std::string>& args);
  std::string CmdRegGenmove(const std::vector<std::string>& args);
  std::string CmdRestrictedGenmove(const std::vector<std::string>& args);
  std::string CmdUndo(const std::vector<std::string>& args);
  std::string CmdShowboard(const std::vector<std::string>& args);
  std::string CmdFinalScore(const std::vector<std::string>& args);
  std::string CmdTimeSettings(const std::vector<std::string>& args);
  std::string CmdTimeLeft(const std::vector<std::string>& args);
  std::string CmdFixedHandicap(const std::vector<std::string>& args);
  std::string CmdSetFreeHandicap(const std::vector<std::string>& args);
  std::string CmdFinalStatusList(const std::vector<std::string>& args);
  std::string CmdLoadsgf(const std::vector<std::string>& args);
  std::string CmdKgsTimeSettings(const std::vector<std::string>& args);
  std::string CmdPrintsgf(const std::vector<std::string>& args);
  game::Player ParseColour(const std::string& text) const;
  void AlignTurn(game::Player colour);
  mcts::SearchLimits MoveLimits(game::Player colour) const;
  std::string GenMove(const std::vector<std::string>& args, bool play);
  // genmove (play) or reg_genmove for `colour`, the search kept to `filters`.
  std::string GenMove(game::Player colour, bool play, std::vector<mcts::MoveFilter> filters);
  // The arguments of the analysis commands (Leela Zero's lz-analyze and
  // KataGo's GTP extensions): [colour] [interval] then key-value pairs.
  struct AnalyzeArgs {
    game::Player colour = 0;
    double interval = 1.0;  // seconds between info lines
    int min_moves = 0, max_moves = 1 << 30;
    std::vector<mcts::MoveFilter> filters;  // avoid / allow
    bool ownership = false, root_info = false;  // kata-analyze
  };
  AnalyzeArgs ParseAnalyzeArgs(const std::vector<std::string>& args, bool kata) const;
  // lz-analyze / kata-analyze / lz-genmove_analyze / kata-genmove_analyze.
  std::string Analyze(const std::string& command, const std::vector<std::string>& args, const std::string& id);
  // One line of analysis: an "info ..." section per candidate, then (kata)
  // rootInfo and ownership sections when asked.
  std::string InfoLine(const std::vector<CandidateMove>& moves, const AnalyzeArgs& a, bool kata, int root_visits) const;
  void StopAnalysis();
  // A new game of `spec`, with a network from params_.network_for when the
  // engine's does not fit it; throws game::UserError (nothing changes).
  void StartGame(const std::string& spec);

  Engine& engine_;
  GtpParams params_;
  float komi_ = 7.5f;
  // Our own clock (time_settings / time_left): a controller need not send
  // time_left after every move.
  GameClock clock_;
  // Streaming analysis: the output it writes to, and its thread.
  std::ostream* out_ = nullptr;
  std::string pending_id_;  // id of the command being dispatched
  std::string command_;     // its name, as sent
  bool quit_ = false;       // set by quit
  std::mutex out_mutex_;
  std::thread analysis_;
  std::atomic<bool> analysis_stop_{false};
};

}  // namespace descent::engine
