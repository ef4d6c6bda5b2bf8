#include "game/go.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>

#include "game/hash.h"
#include "game/symmetry.h"
#include "game/user_error.h"

namespace descent::game {
namespace {

constexpr char kColumnLetters[] = "ABCDEFGHJKLMNOPQRST";  // GTP skips I

// The splitmix64 generator: successive states are MixBits of a counter.
uint64_t SplitMix(uint64_t* s) {
  const uint64_t z = MixBits(*s);
  *s += 0x9e3779b97f4a7c15ULL;
  return z;
}

// Zobrist keys: one per (board index, colour), fixed seed so hashes are the
// same in every process (stores and caches may keep them).
struct Zobrist {
  static constexpr int kPoints = (kMaxGoSize + 2) * (kMaxGoSize + 2);
  std::array<std::array<uint64_t, 3>, kPoints> stone{};
  uint64_t white_to_move;
  uint64_t one_pass;
  Zobrist() {
    uint64_t s = 0x5eed'd05c'e47ULL;
    for (auto& point : stone) {
      point[1] = SplitMix(&s);
      point[2] = SplitMix(&s);
    }
    white_to_move = SplitMix(&s);
    one_pass = SplitMix(&s);
  }
};
const Zobrist kZobrist;

std::string FormatKomi(float komi) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", static_cast<double>(komi));
  return buf;
}

}  // namespace

// ---- GoGame ------------------------------------------------------------

GoGame::GoGame(GoParams params) : size_(params.size), komi_(params.komi), max_moves_(params.max_moves) {
  if (size_ < kMinGoSize || size_ > kMaxGoSize) {
    throw UserError("Go board size " + std::to_string(size_) + " is not supported (2..19)");
  }
  if (!std::isfinite(komi_) || std::fabs(komi_) > 1000.0f || std::round(komi_ * 2) != komi_ * 2) {
    throw UserError("komi " + FormatKomi(komi_) + " is not a multiple of 0.5 in -1000..1000");
  }
  if (max_moves_ < 0) throw UserError("Go max_moves must be >= 0 (0 = 2 * size * size)");
  if (max_moves_ == 0) max_moves_ = 2 * size_ * size_;
}

std::string GoGame::Spec() const {
  std::string spec = "go:" + std::to_string(size_) + ":komi=" + FormatKomi(komi_);
  if (max_moves_ != 2 * size_ * size_) spec += ":max_moves=" + std::to_string(max_moves_);
  return spec;
}

int GoGame::NumSymmetries() const { return kDihedralSymmetries; }

Move GoGame::TransformMove(Move move, int sym) const {
  if (move == PassMove()) return move;
  int x = move % size_, y = move / size_;
  TransformPoint(sym, size_, &x, &y);
  return y * size_ + x;
}

int GoGame::InverseSymmetry(int sym) const { return InverseDihedral(sym); }

std::string GoGame::MoveToText(Move move) const {
  if (move == PassMove()) return "pass";
  if (move < 0 || move > PassMove()) return "invalid";
  return kColumnLetters[move % size_] + std::to_string(size_ - move / size_);
}

Move GoGame::ParseMove(std::string_view text) const {
  std::string t(text);
  for (char& c : t) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (t == "PASS") return PassMove();
  const auto fail = [&] {
    return UserError("'" + std::string(text) + "' is not a vertex of a " + std::to_string(size_) + "x" +
                     std::to_string(size_) + " board");
  };
  if (t.size() < 2 || t.size() > 3) throw fail();
  const char* letter = std::find(kColumnLetters, kColumnLetters + size_, t[0]);
  if (letter == kColumnLetters + size_) throw fail();
  int row = 0;
  for (size_t i = 1; i < t.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(t[i]))) throw fail();
    row = row * 10 + (t[i] - '0');
  }
  if (t[1] == '0' || row < 1 || row > size_) throw fail();
  return (size_ - row) * size_ + static_cast<int>(letter - kColumnLetters);
}

std::unique_ptr<State> GoGame::NewInitialState() const { return std::make_unique<GoState>(*this); }

// ---- GoState -----------------------------------------------------------

// What placing a stone would do. Lives on the stack: no allocation per move.
struct GoState::Effect {
  uint64_t hash = 0;  // position hash after the move
  int num_captured = 0;
  std::array<int16_t, kMaxGoSize * kMaxGoSize> captured;
};

GoState::GoState(const GoGame& game) : game_(&game), size_(game.Size()), stride_(game.Size() + 2) {
  board_.fill(kEdge);
  for (int y = 0; y < size_; ++y) {
    for (int x = 0; x < size_; ++x) board_[Index(x, y)] = kEmpty;
  }
  position_history_.reserve(64);
  position_history_.push_back(position_hash_);
  NoteInHistory(position_hash_);
}

void GoState::NoteInHistory(uint64_t hash) {
  const uint64_t bit = hash >> 53;
  history_filter_[bit >> 6] |= uint64_t{1} << (bit & 63);
}

std::unique_ptr<GoState> GoState::FromText(const GoGame& game, std::string_view rows, Player to_move) {
  auto state = std::make_unique<GoState>(game);
  const int n = game.Size();
  int x = 0, y = 0;
  for (char c : rows) {
    if (c == ' ' || c == '\t' || c == '\r') continue;
    if (c == '\n') {
      if (x == 0) continue;  // blank line
      if (x != n) throw UserError("board row " + std::to_string(y + 1) + " has " + std::to_string(x) + " points, not " + std::to_string(n));
      x = 0;
      ++y;
      continue;
    }
    if (c != '.' && c != 'X' && c != 'O' && c != '+') throw UserError(std::string("unexpected board character '") + c + "'");
    if (y >= n || x >= n) throw UserError("board text is larger than " + std::to_string(n) + "x" + std::to_string(n));
    if (c == 'X' || c == 'O') state->AddSetupStone(y * n + x, c == 'X' ? 0 : 1);
    ++x;
  }
  if (x != 0) {
    if (x != n) throw UserError("last board row has " + std::to_string(x) + " points, not " + std::to_string(n));
    ++y;
  }
  if (y != n) throw UserError("board text has " + std::to_string(y) + " rows, not " + std::to_string(n));
  state->FinishSetup(to_move);
  return state;
}

std::unique_ptr<State> GoState::Clone() const { return std::make_unique<GoState>(*this); }

void GoState::CopyFrom(const State& other) { *this = static_cast<const GoState&>(other); }

bool GoState::IsTerminal() const { return passes_ >= 2 || MoveNumber() >= game_->MaxGameLength(); }

float GoState::Outcome(Player player) const {
  const float score = ScoreForBlack();
  const float black = score > 0 ? 1.0f : score < 0 ? -1.0f : 0.0f;
  return player == 0 ? black : -black;
}

// Floods the group holding `stone`, marking its stones with `stamp`. Returns
// true as soon as it finds an empty neighbour other than `except` (the flood
// stops early, so the marks then cover only part of the group: each flood
// needs a stamp of its own). Otherwise the whole group is listed in
// stones[0..*count) and the result is false.
bool GoState::GroupHasLibertyBesides(int stone, int except, Marks* marks, uint32_t stamp, int* stones,
                                     int* count) const {
  const uint8_t colour = board_[stone];
  const int offsets[4] = {1, -1, stride_, -stride_};
  int n = 0;
  stones[n++] = stone;
  (*marks)[stone] = stamp;
  for (int i = 0; i < n; ++i) {
    for (int d : offsets) {
      const int q = stones[i] + d;
      const uint8_t c = board_[q];
      if (c == kEmpty) {
        if (q != except) return true;
      } else if (c == colour && (*marks)[q] != stamp) {
        (*marks)[q] = stamp;
        stones[n++] = q;
      }
    }
  }
  *count = n;
  return false;
}

bool GoState::Analyze(int point, Colour colour, bool check_superko, Effect* effect) const {
  if (board_[point] != kEmpty) return false;
  const Colour enemy = colour == kBlack ? kWhite : kBlack;
  // Marks stamped afresh for each flood instead of cleared for each call
  // (LegalMoves analyses every point: clearing cost more than the floods).
  thread_local Marks marks{};
  thread_local uint32_t stamp = 0;
  if (stamp > 0xffffff00u) {
    marks.fill(0);
    stamp = 0;
  }
  const uint32_t captured = ++stamp;  // marks stones already counted as captured
  std::array<int, kMaxGoSize * kMaxGoSize> group;
  bool has_liberty = false;
  effect->hash = position_hash_ ^ kZobrist.stone[point][colour];
  effect->num_captured = 0;
  for (int d : {1, -1, stride_, -stride_}) {
    const int q = point + d;
    const uint8_t c = board_[q];
    int count;
    if (c == kEmpty) {
      has_liberty = true;
    } else if (c == colour) {
      // A friendly group with another liberty keeps the new stone alive.
      if (!has_liberty && GroupHasLibertyBesides(q, point, &marks, ++stamp, group.data(), &count)) has_liberty = true;
    } else if (c == enemy && marks[q] != captured &&
               !GroupHasLibertyBesides(q, point, &marks, ++stamp, group.data(), &count)) {
      has_liberty = true;  // a capture frees points
      for (int i = 0; i < count; ++i) {
        marks[group[i]] = captured;
        effect->hash ^= kZobrist.stone[group[i]][enemy];
        effect->captured[effect->num_captured++] = static_cast<int16_t>(group[i]);
      }
    }
  }
  if (!has_liberty) return false;  // suicide
  if (check_superko && MayBeInHistory(effect->hash) &&
      std::find(position_history_.begin(), position_history_.end(), effect->hash) != position_history_.end()) {
    return false;  // positional superko
  }
  return true;
}

bool GoState::IsLegal(Move move) const {
  if (move < 0 || move > game_->PassMove() || IsTerminal()) return false;
  if (move == game_->PassMove()) return true;
  Effect effect;
  return Analyze(IndexOfMove(move), ColourOf(to_move_), true, &effect);
}

void GoState::LegalMoves(std::vector<Move>* out) const {
  out->clear();
  if (IsTerminal()) return;
  Effect effect;
  const Colour colour = ColourOf(to_move_);
  for (Move m = 0; m < size_ * size_; ++m) {
    if (Analyze(IndexOfMove(m), colour, true, &effect)) out->push_back(m);
  }
  out->push_back(game_->PassMove());
}

void GoState::Play(Move move) {
  const size_t slot = moves_.size() % past_boards_.size();
  past_boards_[slot] = board_;
  past_hashes_[slot] = position_hash_;
  moves_.push_back(move);
  colours_.push_back(to_move_);
  if (move == game_->PassMove()) {
    ++passes_;
  } else {
    Effect effect;
    const int point = IndexOfMove(move);
    const Colour colour = ColourOf(to_move_);
    Analyze(point, colour, false, &effect);
    board_[point] = colour;
    for (int i = 0; i < effect.num_captured; ++i) board_[effect.captured[i]] = kEmpty;
    position_hash_ = effect.hash;
    position_history_.push_back(position_hash_);
    NoteInHistory(position_hash_);
    passes_ = 0;
  }
  to_move_ = Opponent(to_move_);
}

uint64_t GoState::Hash() const {
  uint64_t h = position_hash_ ^ (static_cast<uint64_t>(size_) * 0x9e3779b97f4a7c15ULL);
  if (to_move_ == 1) h ^= kZobrist.white_to_move;
  if (passes_ > 0) h ^= kZobrist.one_pass;
  return h;
}

std::string GoState::ToText() const {
  std::string text;
  for (int y = 0; y < size_; ++y) {
    for (int x = 0; x < size_; ++x) {
      const uint8_t c = board_[Index(x, y)];
      text += c == kBlack ? 'X' : c == kWhite ? 'O' : '.';
    }
    text += '\n';
  }
  return text;
}

std::unique_ptr<State> GoState::Transformed(int sym) const {
  auto out = std::make_unique<GoState>(*game_);
  for (const auto& [m, p] : setup_) out->AddSetupStone(game_->TransformMove(m, sym), p);
  out->FinishSetup(first_to_move_);
  for (size_t i = 0; i < moves_.size(); ++i) {
    const Move m = game_->TransformMove(moves_[i], sym);
    if (colours_[i] == out->to_move_) {
      out->Play(m);
    } else {
      out->PlayAs(colours_[i], m);
    }
  }
  if (out->to_move_ != to_move_) out->SetToMove(to_move_);
  return out;
}

void GoState::SetToMove(Player colour) {
  if (colour == to_move_) return;
  to_move_ = colour;
  passes_ = 0;  // a pass and a change of turn are not two passes in a row
}

bool GoState::IsLegalFor(Player colour, Move move) const {
  if (colour == to_move_) return IsLegal(move);
  GoState other = *this;
  other.SetToMove(colour);
  return other.IsLegal(move);
}

void GoState::PlayAs(Player colour, Move move) {
  // A move given after both sides passed (an SGF record that goes on, a GTP
  // controller that plays on, as GNU Go and Sabaki allow) resumes the game;
  // a further pass keeps it ended.
  const int passes = passes_;
  if (passes_ >= 2 && MoveNumber() < game_->MaxGameLength()) passes_ = move == game_->PassMove() ? 1 : 0;
  if (!IsLegalFor(colour, move)) {
    passes_ = passes;
    throw UserError("illegal move");
  }
  SetToMove(colour);
  Play(move);
}

GoState::Colour GoState::AtPast(int back, int x, int y) const {
  if (back == 0) return At(x, y);
  const int number = MoveNumber() - back;
  if (number < 0) return kEmpty;
  return static_cast<Colour>(past_boards_[number % past_boards_.size()][Index(x, y)]);
}

uint64_t GoState::HistoryHash(int depth) const {
  uint64_t h = Hash();
  for (int back = 1; back < depth && back <= MoveNumber(); ++back) {
    const uint64_t past = past_hashes_[(MoveNumber() - back) % past_hashes_.size()];
    h ^= (past + back) * 0x9e3779b97f4a7c15ULL;  // position-dependent mix
    h = (h ^ (h >> 29)) * 0xbf58476d1ce4e5b9ULL;
  }
  return h;
}

void GoState::AddSetupStone(Move point, Player colour) {
  if (!moves_.empty()) throw UserError("setup stones must come before the first move");
  if (point < 0 || point >= size_ * size_) throw UserError("setup stone off the board");
  const int index = IndexOfMove(point);
  if (board_[index] != kEmpty) throw UserError("setup stone on an occupied point " + game_->MoveToText(point));
  board_[index] = ColourOf(colour);
  position_hash_ ^= kZobrist.stone[index][ColourOf(colour)];
  position_history_.assign(1, position_hash_);
  history_filter_.fill(0);
  NoteInHistory(position_hash_);
  setup_.emplace_back(point, colour);
}

void GoState::FinishSetup(Player first_to_move) {
  if (!moves_.empty()) throw UserError("setup must end before the first move");
  Marks marks{};
  uint32_t stamp = 0;
  std::array<int, kMaxGoSize * kMaxGoSize> group;
  for (const auto& [m, colour] : setup_) {
    int count;
    if (!GroupHasLibertyBesides(IndexOfMove(m), -1, &marks, ++stamp, group.data(), &count)) {
      throw UserError("setup stone at " + game_->MoveToText(m) + " is in a group without liberties");
    }
  }
  first_to_move_ = to_move_ = first_to_move;
}

void GoState::AreaOwnership(int8_t* out) const {
  const auto owner = [](uint8_t colour) -> int8_t { return colour == kBlack ? 1 : colour == kWhite ? -1 : 0; };
  std::array<uint8_t, kPoints> seen{};
  std::array<int, kMaxGoSize * kMaxGoSize> region;
  for (int y = 0; y < size_; ++y) {
    for (int x = 0; x < size_; ++x) {
      const int p = Index(x, y);
      if (board_[p] != kEmpty) {
        out[y * size_ + x] = owner(board_[p]);
        continue;
      }
      if (seen[p]) continue;
      // Flood the empty region and note which colours it reaches.
      int n = 0;
      bool reaches[3] = {false, false, false};
      region[n++] = p;
      seen[p] = 1;
      for (int i = 0; i < n; ++i) {
        for (int d : {1, -1, stride_, -stride_}) {
          const int q = region[i] + d;
          const uint8_t c = board_[q];
          if (c == kEmpty && !seen[q]) {
            seen[q] = 1;
            region[n++] = q;
          } else if (c == kBlack || c == kWhite) {
            reaches[c] = true;
          }
        }
      }
      const int8_t o = reaches[kBlack] == reaches[kWhite] ? 0 : reaches[kBlack] ? 1 : -1;
      for (int i = 0; i < n; ++i) {
        const int q = region[i];
        out[(q / stride_ - 1) * size_ + q % stride_ - 1] = o;
      }
    }
  }
}

std::pair<int, int> GoState::Area() const {
  std::array<int8_t, kMaxGoSize * kMaxGoSize> owner;
  AreaOwnership(owner.data());
  int black = 0, white = 0;
  for (int p = 0; p < size_ * size_; ++p) {
    black += owner[p] > 0;
    white += owner[p] < 0;
  }
  return {black, white};
}

float GoState::ScoreForBlack() const {
  const auto [black, white] = Area();
  return static_cast<float>(black - white) - game_->Komi();
}

GameTraits GoGame::Traits() const {
  GameTraits t;
  t.title = "Go " + std::to_string(size_) + "x" + std::to_string(size_);
  t.player_names[0] = "Black", t.player_names[1] = "White";
  t.has_pass = true;
  t.board_style = GameTraits::BoardStyle::kIntersections;
  if (size_ <= 7) {
    t.net_blocks = 6, t.net_channels = 64;
  } else if (size_ <= 9) {
    // Half the channels of 7x7: 9x9 has 1.65 times the points and longer
    // games, and on two cores 6x64 self-played 0.3 games/s and published 3
    // networks in 37 minutes with no measurable progress; 6x32 (2.5x the
    // visits/s) published 12 in an hour and rose ~960 Elo (README).
    t.net_blocks = 6, t.net_channels = 32;
  } else {
    t.net_blocks = 10, t.net_channels = 128;
  }
  // The opening in proportion to visits: a tenth of the move cap, at least 8
  // (9x9 Go: 16).
  t.temperature_moves = std::max(8, MaxGameLength() / 10);
  t.window = 250000, t.reuse = 4.0f;
  // Gumbel self-play at 32 simulations: side by side for 25 minutes on 7x7
  // (docs/techniques.md) its network beat the PUCT recipe's 94-0 (6 draws)
  // and scored 0.81 against GNU Go level 1, the PUCT one's 0.54.
  t.gumbel_simulations = 32;
  // Evaluation shares the cores with self-play. A 9x9 evaluation at 40 games
  // and 200 visits is ~1.5 million network calls (over 10 minutes here,
  // while self-play starves): Go gets 20 games at 64 visits.
  t.eval_games = 20, t.eval_visits = 64;
  // Go playouts are long (~100 moves on 9x9, with capture and superko
  // checks): at 400 rollouts a 9x9 run's first evaluation had not finished
  // after 26 minutes; 64 keep a Go evaluation to minutes.
  t.eval_rollout_visits = 64;
  return t;
}

}  // namespace descent::game
