#pragma once
// Go on a square board of 2x2 .. 19x19: captures, no suicide, positional
// superko, pass, the game ends after two passes in a row (or at the move cap),
// Tromp-Taylor area scoring with komi.
//
// A point (x, y) has x = column from the left and y = row from the TOP, both
// from 0; its move index is y * size + x, and pass is size * size. GTP text
// names columns A..T without I and rows 1..size from the bottom ("D4").

#include <array>
#include <cstdint>
#include <utility>

#include "game/game.h"

namespace descent::game {

inline constexpr int kMinGoSize = 2;
inline constexpr int kMaxGoSize = 19;

struct GoParams {
  int size = 19;
  // Komi added to White's area. 7.5 is the usual area-scoring komi for 19x19;
  // specs choose their own (go:9:komi=7 makes draws possible).
  float komi = 7.5f;
  // Move cap (passes included); 0 picks 2 * size * size, which real games
  // never reach but which stops random or degenerate self-play games.
  int max_moves = 0;
};

class GoGame final : public Game {
 public:
  // Throws UserError when a parameter is out of range.
  explicit GoGame(GoParams params);

  std::string Name() const override { return "go"; }
  std::string Spec() const override;
  int BoardWidth() const override { return size_; }
  int BoardHeight() const override { return size_; }
  int NumMoves() const override { return size_ * size_ + 1; }
  int MaxGameLength() const override { return max_moves_; }
  GameTraits Traits() const override;
  int NumSymmetries() const override;
  Move TransformMove(Move move, int sym) const override;
  int InverseSymmetry(int sym) const override;
  std::string MoveToText(Move move) const override;
  Move ParseMove(std::string_view text) const override;
  std::unique_ptr<State> NewInitialState() const override;

  int Size() const { return size_; }
  float Komi() const { return komi_; }
  Move PassMove() const { return size_ * size_; }

 private:
  int size_;
  float komi_;
  int max_moves_;
};

class GoState final : public State {
 public:
  // Colours on the board.
  enum Colour : uint8_t { kEmpty = 0, kBlack = 1, kWhite = 2, kEdge = 3 };
  static constexpr Colour ColourOf(Player p) { return p == 0 ? kBlack : kWhite; }

  explicit GoState(const GoGame& game);

  // A position from ASCII rows (top first; 'X' black, 'O' white, '.' empty;
  // spaces ignored) with `to_move` to play. Throws UserError on a malformed
  // board or a group without liberties.
  static std::unique_ptr<GoState> FromText(const GoGame& game, std::string_view rows, Player to_move);

  const Game& game() const override { return *game_; }
  std::unique_ptr<State> Clone() const override;
  void CopyFrom(const State& other) override;
  Player ToMove() const override { return to_move_; }
  int MoveNumber() const override { return static_cast<int>(moves_.size()); }
  std::vector<Move> MoveHistory() const override { return moves_; }
  bool IsTerminal() const override;
  float Outcome(Player player) const override;
  std::optional<float> FinalScore() const override {
    const float black = ScoreForBlack();
    return ToMove() == 0 ? black : -black;
  }
  bool IsLegal(Move move) const override;
  void LegalMoves(std::vector<Move>* out) const override;
  void Play(Move move) override;
  uint64_t Hash() const override;
  std::string ToText() const override;
  std::unique_ptr<State> Transformed(int sym) const override;

  // Setup before the first move (handicap, SGF AB/AW, test fixtures). Throws
  // UserError if moves were played or the point is taken.
  void AddSetupStone(Move point, Player colour);
  // Ends setup: checks that every group has a liberty (UserError if not) and
  // sets who moves first (White after handicap stones).
  void FinishSetup(Player first_to_move);
  const std::vector<std::pair<Move, Player>>& SetupStones() const { return setup_; }

  // Out of turn, as GTP and SGF allow (GTP's play: "consecutive moves of the
  // same color are not considered illegal"; Sabaki's edit mode sends them):
  // `move` played by `colour`, then the other colour is to move. A pass
  // before it does not count towards the two that end the game. Throws
  // UserError if the move is illegal for that colour.
  void PlayAs(Player colour, Move move);
  // The side to move becomes `colour` with no move played (SGF PL, GTP
  // genmove for the other colour).
  void SetToMove(Player colour);
  // Whether `move` is legal for `colour` (whoever is to move).
  bool IsLegalFor(Player colour, Move move) const;
  // The colour that played move `i` (0-based).
  Player MoveColour(int i) const { return colours_[i]; }
  Player FirstToMove() const { return first_to_move_; }

  Colour At(int x, int y) const { return static_cast<Colour>(board_[Index(x, y)]); }
  // Boards kept for network inputs: back = 0 is now, 1 the position before
  // the last move (a pass repeats the board), up to kKeptBoards - 1. Points
  // before the start of the game read as empty.
  static constexpr int kKeptBoards = 8;
  Colour AtPast(int back, int x, int y) const;
  // Hash() combined with the boards of the last `depth` (<= kKeptBoards)
  // positions: the key for anything that depends on the recent history.
  uint64_t HistoryHash(int depth) const;
  Colour AtMove(Move m) const { return At(m % size_, m / size_); }
  int ConsecutivePasses() const { return passes_; }
  // Tromp-Taylor area: stones plus empty regions that reach only that colour.
  std::pair<int, int> Area() const;  // {black, white}
  // Who owns each point by that rule: `out[y * size + x]` is +1 (Black's
  // stone or region), -1 (White's) or 0 (a region reaching both, or none).
  void AreaOwnership(int8_t* out) const;
  // Black's area minus White's area minus komi.
  float ScoreForBlack() const;

 private:
  static constexpr int kStride = kMaxGoSize + 2;
  static constexpr int kPoints = kStride * kStride;
  struct Effect;  // what placing a stone would do; defined in go.cpp

  int Index(int x, int y) const { return (y + 1) * stride_ + x + 1; }
  int IndexOfMove(Move m) const { return Index(m % size_, m / size_); }
  bool Analyze(int point, Colour colour, bool check_superko, Effect* effect) const;
  using Marks = std::array<uint32_t, kPoints>;
  bool GroupHasLibertyBesides(int stone, int except, Marks* marks, uint32_t stamp, int* stones, int* count) const;
  // A Bloom filter of position_history_ (one bit per position hash): a
  // candidate position whose bit is clear cannot repeat one, so legality
  // scans the history only for the few whose bit is set. 2,048 bits keep
  // false hits near 5% after 100 moves and the copy small.
  static constexpr int kHistoryFilterWords = 32;
  void NoteInHistory(uint64_t hash);
  bool MayBeInHistory(uint64_t hash) const {
    const uint64_t bit = hash >> 53;  // the top 11 bits: 0..2047
    return (history_filter_[bit >> 6] >> (bit & 63)) & 1;
  }

  const GoGame* game_;
  int size_;
  int stride_;
  std::array<uint8_t, kPoints> board_;
  Player to_move_ = 0;
  Player first_to_move_ = 0;
  int passes_ = 0;
  uint64_t position_hash_ = 0;          // the stones only (for superko)
  std::vector<uint64_t> position_history_;  // every board position so far
  std::array<uint64_t, kHistoryFilterWords> history_filter_{};
  std::vector<Move> moves_;
  std::vector<Player> colours_;  // who played each of moves_
  std::vector<std::pair<Move, Player>> setup_;
  // Ring of earlier boards and their hashes; slot (move number - back) % 7.
  std::array<std::array<uint8_t, kPoints>, kKeptBoards - 1> past_boards_{};
  std::array<uint64_t, kKeptBoards - 1> past_hashes_{};
};

}  // namespace descent::game
