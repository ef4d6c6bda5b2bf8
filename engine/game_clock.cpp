#include "engine/game_clock.h"

#include <algorithm>
#include <cmath>

#include "game/user_error.h"

namespace descent::engine {
namespace {

void CheckSeconds(double s, const char* what) {
  if (!std::isfinite(s) || s < 0 || s > GameClock::kMaxSeconds) {
    throw game::UserError(std::string("syntax error (") + what + " must be 0.." +
                          std::to_string(static_cast<long>(GameClock::kMaxSeconds)) + " seconds)");
  }
}

void CheckStones(int n) {
  if (n < 0 || n > GameClock::kMaxStones) throw game::UserError("syntax error (stones must be 0..100000)");
}

}  // namespace

void GameClock::Set(double main_time, double byo_time, int byo_stones) {
  CheckSeconds(main_time, "main time");
  CheckSeconds(byo_time, "byo-yomi time");
  CheckStones(byo_stones);
  if (main_time == 0 && byo_time > 0 && byo_stones == 0) throw game::UserError("syntax error (byo-yomi without stones)");
  main_time_ = main_time, byo_time_ = byo_time, byo_stones_ = byo_stones;
  time_left_[0] = time_left_[1] = main_time > 0 ? main_time : byo_time;
  stones_left_[0] = stones_left_[1] = main_time > 0 ? 0 : byo_stones;
  if (main_time == 0 && byo_time == 0) main_time_ = -1;  // no time limit
}

void GameClock::SetLeft(int colour, double seconds, int stones) {
  CheckSeconds(seconds, "time left");
  CheckStones(stones);
  time_left_[colour] = seconds;
  stones_left_[colour] = stones;
}

double GameClock::Budget(int colour, double moves_expected) const {
  const double left = time_left_[colour];
  double budget;
  if (stones_left_[colour] > 0) {  // byo-yomi: this period's time over its stones
    budget = left / stones_left_[colour];
  } else {
    budget = left / std::max<double>(params_.min_moves_left, moves_expected);
    // With byo-yomi to come, main time may go faster: a move never gets less
    // than a byo-yomi move will.
    if (byo_time_ > 0 && byo_stones_ > 0) budget = std::max(budget, byo_time_ / byo_stones_);
  }
  return std::max(params_.min_seconds, budget * (1 - params_.reserve_fraction) - params_.overhead_seconds);
}

void GameClock::Charge(int colour, double seconds) {
  if (!active()) return;
  time_left_[colour] -= seconds;
  if (stones_left_[colour] > 0) {  // in byo-yomi: a period's stones played renew it
    if (--stones_left_[colour] == 0) {
      time_left_[colour] = byo_time_;
      stones_left_[colour] = byo_stones_;
    }
  } else if (time_left_[colour] <= 0 && byo_stones_ > 0) {  // main time over: byo-yomi starts
    time_left_[colour] += byo_time_;
    stones_left_[colour] = byo_stones_;
  }
  time_left_[colour] = std::max(0.0, time_left_[colour]);
}

}  // namespace descent::engine
