#include "engine/game_clock.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "game/user_error.h"

namespace descent::engine {
namespace {

// Plays `moves` of our moves on simulated time: each takes its whole budget
// plus the answer's way back (`latency`), as a search stopped by its clock
// does. Returns the most that any stretch the controller times (main time,
// or one byo-yomi period) was overspent by (<= 0: never).
double WorstOverspend(double main_time, double byo_time, int byo_stones, int moves, double moves_expected,
                      double latency) {
  ClockParams params;
  GameClock clock(params);
  clock.Set(main_time, byo_time, byo_stones);
  double worst = -1e9;
  // The controller's view: main time, then periods of byo_time for byo_stones moves.
  double main_left = main_time, period_left = byo_time;
  int period_stones = byo_stones;
  bool in_byo = main_time == 0;
  for (int m = 0; m < moves; ++m) {
    const double budget = clock.Budget(0, std::max(1.0, moves_expected - m));
    EXPECT_TRUE(std::isfinite(budget));
    EXPECT_GE(budget, params.min_seconds);
    const double spent = budget + latency;
    clock.Charge(0, spent);
    if (!in_byo) {
      main_left -= spent;
      if (main_left < 0) {
        if (byo_stones == 0) {
          worst = std::max(worst, -main_left);
          break;
        }
        in_byo = true;  // the overflow of the last main-time move counts against byo-yomi too
        period_left = byo_time + main_left;
        period_stones = byo_stones;
        worst = std::max(worst, -period_left);
      }
    } else {
      period_left -= spent;
      worst = std::max(worst, -period_left);
      if (--period_stones == 0) period_left = byo_time, period_stones = byo_stones;
    }
  }
  return worst;
}

TEST(GameClock, AbsoluteTimeLastsTheWholeGame) {
  // Without byo-yomi every move, however short, costs its answer's latency,
  // so a game that runs long enough past its expected length must lose on
  // time; the clock keeps a tenth of what is left each move and searches
  // 0.01 s once that is spent. A local controller (2 ms a reply):
  // 1.5 s for a 5x5 game (~17 of our moves expected), 24 played.
  EXPECT_LE(WorstOverspend(1.5, 0, 0, 24, 17, 0.002), 0);
  // 10 minutes for 9x9, a long game of 80 of our moves, 50 ms a reply.
  EXPECT_LE(WorstOverspend(600, 0, 0, 80, 28, 0.05), 0);
}

TEST(GameClock, ByoYomiPeriodsAreNeverOverspent) {
  EXPECT_LE(WorstOverspend(0, 1, 4, 40, 20, 0.05), 0);    // 1 s for every 4 moves
  EXPECT_LE(WorstOverspend(0, 30, 1, 40, 20, 0.05), 0);   // Japanese-style 30 s a move
  EXPECT_LE(WorstOverspend(5, 10, 5, 100, 30, 0.05), 0);  // main time, then 10 s / 5 moves
}

TEST(GameClock, TheFirstMoveOfAbsoluteTimeGetsItsShare) {
  GameClock clock;
  clock.Set(60, 0, 0);
  // 60 s over 30 expected moves, less the reserve: 2 x 0.9 - 0.05.
  EXPECT_NEAR(clock.Budget(0, 30), 1.75, 1e-9);
  // Never spread over fewer than 10 moves.
  EXPECT_NEAR(clock.Budget(0, 2), 6 * 0.9 - 0.05, 1e-9);
  clock.Charge(0, 20);
  EXPECT_NEAR(clock.time_left(0), 40, 1e-9);
  EXPECT_NEAR(clock.time_left(1), 60, 1e-9);
}

TEST(GameClock, HostileSettingsAreRefusedAndChangeNothing) {
  GameClock clock;
  clock.Set(30, 0, 0);
  const double inf = std::numeric_limits<double>::infinity(), nan = std::nan("");
  for (const auto& [main, byo, stones] : std::vector<std::tuple<double, double, int>>{
           {1e308, 0, 0}, {inf, 0, 0}, {0, 1e308, 1}, {nan, 0, 0}, {99999999999.0, nan, 0}, {-1, 0, 0}, {0, 5, 0},
           {0, 1, -3}}) {
    EXPECT_THROW(clock.Set(main, byo, stones), game::UserError) << main << " " << byo << " " << stones;
  }
  EXPECT_THROW(clock.SetLeft(0, 1e300, 0), game::UserError);
  EXPECT_THROW(clock.SetLeft(1, nan, 0), game::UserError);
  EXPECT_TRUE(clock.active());
  EXPECT_NEAR(clock.time_left(0), 30, 1e-9);
  EXPECT_NEAR(clock.time_left(1), 30, 1e-9);
  clock.Set(0, 0, 0);
  EXPECT_FALSE(clock.active());
}

}  // namespace
}  // namespace descent::engine
