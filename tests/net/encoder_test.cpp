// Go's input features (net/encoder, "go-v2"): liberties, points the mover
// may not play, komi from the mover's view; and the older encoding still
// serving the networks trained with it.
#include "net/encoder.h"

#include <gtest/gtest.h>

#include "game/go.h"
#include "game/registry.h"
#include "game/user_error.h"
#include "net/net_config.h"
#include "net/net_evaluator.h"
#include "net/network.h"

namespace descent::net {
namespace {

constexpr int kArea = 25;
int Cell(int x, int y) { return y * 5 + x; }  // y = 0 is the top row

TEST(Encoder, GoV2MarksLibertiesKoAndKomi) {
  const game::GoGame g({.size = 5, .komi = 7.5f});
  // White's stone at B4 (x 1, y 1) is in atari; Black takes it at C4 and
  // stands in atari itself, and White may not take back at once (ko).
  auto s = game::GoState::FromText(g,
                                   ". X O . .\n"
                                   "X O . O .\n"
                                   ". X O . .\n"
                                   ". . . . .\n"
                                   ". . . . .",
                                   0);
  s->Play(Cell(2, 1));
  const auto enc = Encoder::ForGame(g);
  ASSERT_EQ(enc->Name(), "go-v2");
  ASSERT_EQ(enc->NumPlanes(), 22);
  std::vector<float> x(enc->InputSize());
  enc->Encode(*s, 0, x.data());
  const auto at = [&](int plane, int px, int py) { return x[plane * kArea + Cell(px, py)]; };
  // White to move: plane 0 holds White's stones, 8 Black's.
  EXPECT_EQ(at(0, 2, 0), 1.0f);
  EXPECT_EQ(at(8, 2, 1), 1.0f);
  EXPECT_EQ(at(8, 1, 1), 0.0f);  // captured
  // Liberties (from the board above after the capture).
  EXPECT_EQ(at(16, 2, 1), 1.0f);  // Black C4: only B4 is free
  EXPECT_EQ(at(17, 2, 1) + at(18, 2, 1), 0.0f);
  EXPECT_EQ(at(16, 2, 0), 1.0f);  // White C5: only D5
  EXPECT_EQ(at(17, 1, 0), 1.0f);  // Black B5: A5 and B4
  EXPECT_EQ(at(17, 2, 2), 1.0f);  // White C3: D3 and C2
  EXPECT_EQ(at(18, 0, 1), 1.0f);  // Black A4: A5, A3 and B4
  EXPECT_EQ(at(18, 3, 1), 1.0f);  // White D4: D5, E4 and D3
  EXPECT_EQ(at(16, 3, 3) + at(17, 3, 3) + at(18, 3, 3), 0.0f);  // an empty point
  // Ko: White may not retake at B4; other empty points are open.
  EXPECT_EQ(at(19, 1, 1), 1.0f);
  EXPECT_EQ(at(19, 4, 4), 0.0f);
  // Komi from the mover's (White's) view, everywhere; ones on the board.
  EXPECT_FLOAT_EQ(at(20, 3, 3), 7.5f / 15);
  EXPECT_EQ(at(21, 4, 4), 1.0f);
  // Black to move sees komi against it.
  s->Play(Cell(4, 4));
  enc->Encode(*s, 0, x.data());
  EXPECT_FLOAT_EQ(at(20, 0, 0), -7.5f / 15);
  EXPECT_EQ(at(19, 1, 1), 0.0f);  // (Black may fill B4)
}

TEST(Encoder, GoV2ReadsTheKomiOfTheStatesOwnGame) {
  // Self-play with komi_spread plays variants of the run's game; one encoder
  // (the run's) encodes them all, each with its own komi.
  const game::GoGame run({.size = 5, .komi = 0.5f});
  const game::GoGame variant({.size = 5, .komi = 3.5f});
  auto a = run.NewInitialState(), b = variant.NewInitialState();
  for (auto* s : {a.get(), b.get()}) s->Play(Cell(2, 2));  // White to move
  const auto enc = Encoder::ForGame(run);
  std::vector<float> x(enc->InputSize()), y(enc->InputSize());
  enc->Encode(*a, 0, x.data());
  enc->Encode(*b, 0, y.data());
  EXPECT_FLOAT_EQ(x[20 * kArea], 0.5f / 15);
  EXPECT_FLOAT_EQ(y[20 * kArea], 3.5f / 15);
  // Everything else is the same position.
  x[20 * kArea] = y[20 * kArea];
  for (int i = 0; i < kArea; ++i) x[20 * kArea + i] = y[20 * kArea + i];
  EXPECT_EQ(x, y);
  // So the evaluation cache must not answer one with the other; go-v1 does
  // not see the komi and may.
  EXPECT_NE(enc->CacheKey(*a), enc->CacheKey(*b));
  const auto v1 = Encoder::ForGame(run, "go-v1");
  EXPECT_EQ(v1->CacheKey(*a), v1->CacheKey(*b));
}

TEST(Encoder, GoV2PlanesFollowTheSymmetry) {
  const auto g = game::MakeGame("go:5:komi=7");
  auto s = g->NewInitialState();
  for (const char* m : {"B2", "C3", "B3", "D4", "C2"}) s->Play(g->ParseMove(m));
  const auto enc = Encoder::ForGame(*g);
  std::vector<float> direct(enc->InputSize()), moved(enc->InputSize());
  for (int sym = 0; sym < g->NumSymmetries(); ++sym) {
    enc->Encode(*s, sym, direct.data());
    enc->Encode(*s->Transformed(sym), 0, moved.data());
    EXPECT_EQ(direct, moved) << "symmetry " << sym;
  }
}

TEST(Encoder, NetworksKeepTheEncodingTheyWereTrainedWith) {
  const auto g = game::MakeGame("go:5:komi=7");
  EXPECT_EQ(Encoder::ForGame(*g, "go-v1")->NumPlanes(), 18);
  EXPECT_THROW(Encoder::ForGame(*g, "go-v9"), game::UserError);
  EXPECT_THROW(Encoder::ForGame(*game::MakeGame("connect4"), "go-v2"), game::UserError);
  // A go-v1 network (as nets/go9 was until 2026-12-02) still fits and evaluates.
  std::shared_ptr<const Network> old = Network::Random(DefaultNetConfig(*g, 1, 8, "go-v1"), 1);
  EXPECT_NO_THROW(old->CheckFits(*g));
  InferenceServer server(old, {});
  NetEvaluator evaluator(*g, server, {});
  auto s = g->NewInitialState();
  std::vector<game::Move> legal;
  s->LegalMoves(&legal);
  std::vector<float> priors(legal.size());
  float value = 0;
  mcts::EvalRequest r{s.get(), legal.data(), static_cast<int>(legal.size()), priors.data(), &value};
  evaluator.Evaluate({&r, 1});
  float sum = 0;
  for (float p : priors) sum += p;
  EXPECT_NEAR(sum, 1.0f, 1e-4);
}

}  // namespace
}  // namespace descent::net

namespace descent::net {
namespace {

// Mixed board sizes: a 9x9 encoder places a 7x7 board in its top-left
// corner, every plane as the 7x7 encoder writes it (through any symmetry,
// applied on the small board) and zeros elsewhere, the on-board plane
// included; moves map to the frame's points.
TEST(Encoder, ASmallerGoBoardSitsInTheFramesTopLeftCorner) {
  const game::GoGame g9({.size = 9, .komi = 7.0f});
  const game::GoGame g7({.size = 7, .komi = 9.0f});
  for (const char* encoding : {"go-v2", "go-v1"}) {
    const auto frame = Encoder::ForGame(g9, encoding), small = Encoder::ForGame(g7, encoding);
    auto s = g7.NewInitialState();
    const game::Move moves[] = {8, 9, 16, 10, 2, 15, 24, 17, 49, 30};  // a few stones, a capture race, a pass
    for (game::Move m : moves) {
      if (s->IsLegal(m)) s->Play(m);
    }
    ASSERT_GE(s->MoveNumber(), 8);
    std::vector<float> f(frame->InputSize()), x(small->InputSize());
    for (int sym = 0; sym < 8; ++sym) {
      frame->Encode(*s, sym, f.data());
      small->Encode(*s, sym, x.data());
      for (int plane = 0; plane < frame->NumPlanes(); ++plane) {
        for (int y = 0; y < 9; ++y) {
          for (int px = 0; px < 9; ++px) {
            const float want = y < 7 && px < 7 ? x[plane * 49 + y * 7 + px] : 0.0f;
            ASSERT_EQ(f[plane * 81 + y * 9 + px], want) << encoding << " sym " << sym << " plane " << plane;
          }
        }
      }
    }
    // The on-board plane marks exactly the 7x7 corner.
    const int last = frame->NumPlanes() - 1;
    EXPECT_EQ(f[last * 81 + 6 * 9 + 6], 1.0f);
    EXPECT_EQ(f[last * 81 + 6 * 9 + 7], 0.0f);
    // Moves: (x, y) -> y * 9 + x, the pass to the frame's pass; the frame's
    // own states map to themselves.
    EXPECT_EQ(frame->FrameMove(*s, 0), 0);
    EXPECT_EQ(frame->FrameMove(*s, 8), 10);    // B6: x 1, y 1
    EXPECT_EQ(frame->FrameMove(*s, 48), 60);   // x 6, y 6
    EXPECT_EQ(frame->FrameMove(*s, 49), 81);   // pass
    auto own = g9.NewInitialState();
    EXPECT_EQ(frame->FrameMove(*own, 48), 48);
    EXPECT_EQ(frame->FrameMove(*own, 81), 81);
    // Keys: the two boards' empty positions differ.
    EXPECT_NE(frame->CacheKey(*g7.NewInitialState()), frame->CacheKey(*own));
    // A board larger than the frame is refused.
    const game::GoGame g11({.size = 11});
    EXPECT_THROW(frame->Encode(*g11.NewInitialState(), 0, f.data()), game::UserError);
  }
}

}  // namespace
}  // namespace descent::net
