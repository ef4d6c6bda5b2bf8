#pragma once
// The interface every game implements. Search, networks, GTP and the GUI see
// games only through Game (the rules and fixed facts) and State (a position).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "game/traits.h"

namespace descent::game {

// A move is an index into the game's move space: 0 <= move < Game::NumMoves().
// The policy head of a network has exactly NumMoves() outputs.
using Move = int;
inline constexpr Move kNoMove = -1;

// Players in turn order: 0 moves first (Black in Go, X, the first Connect Four
// player), 1 moves second.
using Player = int;
inline constexpr int kNumPlayers = 2;
inline constexpr Player Opponent(Player p) { return 1 - p; }

class State;

// The rules and fixed facts of one game with its options (board size, komi).
// Immutable after construction, so safe to share between threads.
class Game {
 public:
  virtual ~Game() = default;

  // Short name: "go", "connect4", "tictactoe".
  virtual std::string Name() const = 0;
  // Canonical spec with every option, e.g. "go:9:komi=7"; MakeGame(Spec())
  // builds an equal game. Weights files and stores record this string.
  virtual std::string Spec() const = 0;

  virtual int BoardWidth() const = 0;
  virtual int BoardHeight() const = 0;
  // Size of the move space (policy size). Go: every point plus pass.
  virtual int NumMoves() const = 0;
  // Upper bound on the number of moves in one game (Go: the move cap).
  // Defaults and facts for this game (game/traits.h).
  virtual GameTraits Traits() const = 0;
  virtual int MaxGameLength() const = 0;

  // Board symmetries: 8 (dihedral group) for square boards, 2 (mirror) for
  // Connect Four. Symmetry 0 is the identity.
  virtual int NumSymmetries() const = 0;
  // The image of `move` under symmetry `sym`; pass maps to pass.
  virtual Move TransformMove(Move move, int sym) const = 0;
  // The symmetry that undoes `sym`.
  virtual int InverseSymmetry(int sym) const = 0;

  // Move text: Go GTP vertices ("D4", no I column, "pass"), Connect Four
  // columns "a".."g", tic-tac-toe cells "a1".."c3".
  virtual std::string MoveToText(Move move) const = 0;
  // Parses move text (case-insensitive); throws UserError naming the text
  // when it is not a move of this game. Legality is the State's business.
  virtual Move ParseMove(std::string_view text) const = 0;

  virtual std::unique_ptr<State> NewInitialState() const = 0;
};

// One position plus whatever history its rules need. Const methods may be
// called from many threads at once; Play and CopyFrom need exclusive access.
// A State refers to its Game, which must outlive it.
class State {
 public:
  virtual ~State() = default;

  virtual const Game& game() const = 0;
  // A copy on the heap (one allocation).
  virtual std::unique_ptr<State> Clone() const = 0;
  // Overwrites this state with `other`, which must come from the same Game.
  // Reuses this state's buffers: once warmed up it does not allocate, which
  // is how search threads reset a scratch state for every simulation.
  virtual void CopyFrom(const State& other) = 0;

  virtual Player ToMove() const = 0;
  // Moves played since the initial position (passes count).
  virtual int MoveNumber() const = 0;
  // The moves played since the initial position, in order.
  virtual std::vector<Move> MoveHistory() const = 0;

  virtual bool IsTerminal() const = 0;
  // +1 if `player` won, -1 if they lost, 0 for a draw. Only when IsTerminal().
  virtual float Outcome(Player player) const = 0;
  // The final score of a finished game for the side to move, in points,
  // where the game keeps a score beside the result (Go: area score with
  // komi); nullopt for games that do not. Only when IsTerminal().
  virtual std::optional<float> FinalScore() const { return std::nullopt; }

  virtual bool IsLegal(Move move) const = 0;
  // Clears `out` and fills it with the legal moves in increasing order; empty
  // exactly when the state is terminal.
  virtual void LegalMoves(std::vector<Move>* out) const = 0;
  // Clears `out` and fills it, in increasing order, with the legal moves
  // that do not lose at once: only the winning ones when the mover can win
  // with this move; otherwise those after which the opponent cannot win with
  // theirs. Empty when every move loses at once (or the state is terminal).
  // Exact, never a guess. Games without a cheap test give every legal move.
  virtual void MovesNotLosingAtOnce(std::vector<Move>* out) const { LegalMoves(out); }
  // Plays a legal move. Precondition: IsLegal(move); not re-checked here,
  // because search calls it in its hot loop. Use PlayChecked for user input.
  virtual void Play(Move move) = 0;
  // Plays `move` or throws UserError saying why it is not legal here.
  void PlayChecked(Move move);

  // A 64-bit hash of everything that decides the rest of the game as far as
  // a network sees it: the board, the side to move and rule state such as
  // consecutive passes. (Go: the superko history is not part of it.)
  virtual uint64_t Hash() const = 0;

  // Compact board text for tests and logs: one line per row, top row first,
  // '.' empty, 'X' first player, 'O' second player.
  virtual std::string ToText() const = 0;

  // The same game seen through board symmetry `sym`: setup and every move
  // transformed, so legal moves map to legal moves.
  virtual std::unique_ptr<State> Transformed(int sym) const = 0;
};

}  // namespace descent::game
