// descent solve: exact play for tic-tac-toe and Connect Four.

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <unistd.h>

#include "app/command.h"
#include "game/connect4.h"
#include "game/connect4_solver.h"
#include "game/move_list.h"
#include "game/pons.h"
#include "game/registry.h"
#include "game/tictactoe.h"
#include "game/tictactoe_solver.h"
#include "game/user_error.h"

namespace descent::app {
namespace {

struct SolveOptions {
  std::string game = "tictactoe";
  std::string moves;
  bool play = false;
  std::string pons_file;
  int limit = 0;
};

// Scores every legal move of `state` for the side to move (solver units:
// tic-tac-toe -1/0/+1, Connect Four Pons scores). Illegal moves: kIllegal.
constexpr int kIllegal = game::Connect4Solver::kIllegal;

struct Solvers {
  std::unique_ptr<game::TicTacToeSolver> tictactoe;
  std::unique_ptr<game::Connect4Solver> connect4;

  std::vector<int> ScoreMoves(const game::State& state) {
    std::vector<int> scores(state.game().NumMoves(), kIllegal);
    if (auto* t = dynamic_cast<const game::TicTacToeState*>(&state)) {
      std::vector<game::Move> legal;
      state.LegalMoves(&legal);
      const std::vector<int> all = tictactoe->ScoreMoves(*t);
      for (game::Move m : legal) scores[m] = all[m];
    } else {
      const auto all = connect4->ScoreMoves(static_cast<const game::Connect4State&>(state).Bits());
      scores.assign(all.begin(), all.end());
    }
    return scores;
  }
};

const char* PlayerMark(game::Player p) { return p == 0 ? "X" : "O"; }

// Prints the board and every move's score; returns the best move (the first
// best in move order).
game::Move ShowScores(const game::State& state, Solvers* solvers) {
  std::printf("%s", state.ToText().c_str());
  if (state.IsTerminal()) {
    const float r = state.Outcome(0);
    std::printf("game over: %s\n", r > 0 ? "X wins" : r < 0 ? "O wins" : "draw");
    return game::kNoMove;
  }
  const std::vector<int> scores = solvers->ScoreMoves(state);
  game::Move best = game::kNoMove;
  std::printf("%s to move; move scores (win > 0, draw 0, loss < 0):", PlayerMark(state.ToMove()));
  for (game::Move m = 0; m < static_cast<int>(scores.size()); ++m) {
    if (scores[m] == kIllegal) continue;
    std::printf(" %s:%d", state.game().MoveToText(m).c_str(), scores[m]);
    if (best == game::kNoMove || scores[m] > scores[best]) best = m;
  }
  std::printf("\nbest: %s\n\n", state.game().MoveToText(best).c_str());
  return best;
}

int CheckPons(const SolveOptions& o, Solvers* solvers) {
  const std::vector<game::PonsPosition> positions = game::ReadPonsFile(o.pons_file);
  const size_t n = o.limit > 0 ? std::min<size_t>(o.limit, positions.size()) : positions.size();
  const bool tty = isatty(fileno(stderr));
  game::Connect4Game c4;
  int mismatches = 0;
  double total_s = 0;
  uint64_t nodes = 0;
  for (size_t i = 0; i < n; ++i) {
    game::Connect4State state(c4);
    game::PlayPonsMoves(positions[i].moves, &state);
    solvers->connect4->ResetStats();
    const auto start = std::chrono::steady_clock::now();
    const int score = solvers->connect4->Solve(state.Bits());
    total_s += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    nodes += solvers->connect4->NodeCount();
    if (score != positions[i].score) {
      ++mismatches;
      std::printf("MISMATCH line %zu: %s file %d solver %d\n", i + 1, positions[i].moves.c_str(), positions[i].score,
                  score);
    }
    if (tty && (i + 1) % 50 == 0) std::fprintf(stderr, "\r%zu/%zu positions, %.1f s", i + 1, n, total_s);
  }
  if (tty) std::fprintf(stderr, "\r\033[K");
  std::printf("%s: %zu positions, %d mismatches, mean %.3f ms, total %.2f s, mean %.0f nodes\n", o.pons_file.c_str(), n,
              mismatches, 1000.0 * total_s / n, total_s, static_cast<double>(nodes) / n);
  return mismatches == 0 ? 0 : 1;
}

}  // namespace

RunFn DeclareSolve(CLI::App* sub) {
  auto o = std::make_shared<SolveOptions>();
  sub->description(
      "Solve a position exactly and print the score of every legal move.\n"
      "Examples:\n"
      "  descent solve --play                          perfect tic-tac-toe from the empty board\n"
      "  descent solve --game connect4 --moves 4453    score the Connect Four moves after 4 4 5 3\n"
      "  descent solve --game connect4 --pons ../shared/data/connect4/Test_L2_R1\n"
      "                                                check the solver against Pons' scores");
  sub->add_option("--game", o->game, "tictactoe or connect4")->capture_default_str();
  sub->add_option("--moves", o->moves, "moves from the empty board: 'b2 a1' or, for connect4, '4453' / 'd d e c'");
  sub->add_flag("--play", o->play, "play the game out with perfect moves from the position, printing each board");
  sub->add_option("--pons", o->pons_file, "check every line of a Pons position file; print mismatches and timings");
  sub->add_option("--limit", o->limit, "with --pons: only the first N positions")->check(CLI::NonNegativeNumber);
  return [o] {
    auto g = game::MakeGame(o->game);
    Solvers solvers;
    if (dynamic_cast<const game::TicTacToeGame*>(g.get())) {
      solvers.tictactoe = std::make_unique<game::TicTacToeSolver>();
    } else if (dynamic_cast<const game::Connect4Game*>(g.get())) {
      solvers.connect4 = std::make_unique<game::Connect4Solver>();
    } else {
      throw game::UserError("no exact solver for " + g->Spec() + " (tictactoe and connect4 have one)");
    }
    if (!o->pons_file.empty()) {
      if (!solvers.connect4) throw game::UserError("--pons needs --game connect4");
      return CheckPons(*o, &solvers);
    }
    auto state = g->NewInitialState();
    game::PlayMoveList(o->moves, state.get());
    game::Move best = ShowScores(*state, &solvers);
    while (o->play && best != game::kNoMove) {
      std::printf("%s plays %s\n", PlayerMark(state->ToMove()), g->MoveToText(best).c_str());
      state->Play(best);
      best = ShowScores(*state, &solvers);
    }
    return 0;
  };
}

}  // namespace descent::app
