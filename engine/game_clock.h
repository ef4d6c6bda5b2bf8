#pragma once
// A GTP game clock (time_settings / time_left): main time, then Canadian
// byo-yomi (`byo_stones` stones in each `byo_time` period), and the budget
// for the next move. Pure bookkeeping: the caller measures the seconds a
// move took and charges them, so tests drive it with simulated time. Values
// a controller sends are checked here: negative, non-finite or absurd
// times are refused (they would make a search run forever).

namespace descent::engine {

struct ClockParams {
  // Main time is spread over the moves still expected of us; never fewer
  // than `min_moves_left`, so the clock lasts past the expected end.
  int min_moves_left = 10;
  // Never spent: 10% of each budget plus `overhead_seconds` for the answer's
  // way back to the controller.
  double reserve_fraction = 0.1;
  double overhead_seconds = 0.05;
  // The shortest search: the root is expanded even when the clock is spent.
  double min_seconds = 0.01;
};

class GameClock {
 public:
  explicit GameClock(const ClockParams& params = {}) : params_(params) {}

  // The longest time setting taken: ten days. Longer (up to 1e308, inf) is
  // refused rather than searched for.
  static constexpr double kMaxSeconds = 864000;
  static constexpr int kMaxStones = 100000;

  // time_settings: UserError ("syntax error ...") for a value out of range.
  // 0 0 0 (or main 0 with no byo-yomi) means no clock.
  void Set(double main_time, double byo_time, int byo_stones);
  // time_left: what the controller says remains for `colour` (stones > 0:
  // in byo-yomi with that many stones left in the period).
  void SetLeft(int colour, double seconds, int stones);
  bool active() const { return main_time_ >= 0; }

  // Seconds for `colour`'s next move when `moves_expected` more of its moves
  // are expected before the end of the game (main time only).
  double Budget(int colour, double moves_expected) const;
  // `colour`'s move took `seconds`.
  void Charge(int colour, double seconds);

  double time_left(int colour) const { return time_left_[colour]; }
  int stones_left(int colour) const { return stones_left_[colour]; }

 private:
  ClockParams params_;
  double main_time_ = -1, byo_time_ = 0;  // main_time_ < 0: no clock
  int byo_stones_ = 0;
  double time_left_[2] = {0, 0};
  int stones_left_[2] = {0, 0};
};

}  // namespace descent::engine
