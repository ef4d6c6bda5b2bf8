// KataGo's auxiliary targets end to end: the replay buffer's ownership and
// score targets from played-out Go games, and a network with aux heads and
// global pooling that learns them (trainer/trainer, trainer/replay_buffer).
#include "trainer/trainer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <set>

#include "game/go.h"
#include "game/registry.h"
#include "game/user_error.h"
#include "net/encoder.h"
#include "net/net_config.h"
#include "trainer/replay_buffer.h"

namespace descent::trainer {
namespace {

// Random play to the end (passing only when nothing else is legal, so
// the final boards have stones and regions of both colours).
selfplay::GameRecord RandomGame(const game::Game& g, std::mt19937_64& rng, int index) {
  selfplay::GameRecord r;
  r.uuid = "g" + std::to_string(index);
  r.game_spec = g.Spec();
  auto s = g.NewInitialState();
  std::vector<game::Move> legal;
  const game::Move pass = g.NumMoves() - 1;
  while (!s->IsTerminal()) {
    s->LegalMoves(&legal);
    if (legal.size() > 1 && s->MoveNumber() < 40) legal.erase(std::remove(legal.begin(), legal.end(), pass), legal.end());
    const game::Move m = legal[rng() % legal.size()];
    r.targets.push_back({s->MoveNumber(), {{m, 1.0f}}});
    r.moves.push_back(m);
    s->Play(m);
  }
  r.result = s->Outcome(0);
  return r;
}

struct Batch {
  explicit Batch(const net::NetConfig& c, int n)
      : size(n),
        area(c.height * c.width),
        input(static_cast<size_t>(n) * c.input_planes * area),
        policy(static_cast<size_t>(n) * c.policy_size),
        value(n),
        ownership(static_cast<size_t>(n) * area),
        score(n),
        weight(n) {}
  TrainBatch View() const {
    return {size, input.data(), policy.data(), value.data(), ownership.data(), score.data(), weight.data()};
  }
  AuxTargets Aux() { return {ownership.data(), score.data(), weight.data()}; }
  // Fills the batch (aux targets included) from `buffer`.
  void SampleFrom(const ReplayBuffer& buffer, std::mt19937_64& rng) {
    AuxTargets aux = Aux();
    buffer.SampleBatch(size, rng, input.data(), policy.data(), value.data(), &aux);
  }
  int size, area;
  std::vector<float> input, policy, value, ownership, score, weight;
};

TEST(AuxTargets, OwnershipAndScoreOfTheFinalBoardFromTheMoversView) {
  const auto g = game::MakeGame("go:5:komi=2.5");
  const net::NetConfig c = net::DefaultNetConfig(*g, 1, 8);
  ReplayBuffer buffer(*g, 100000);
  std::mt19937_64 rng(4);
  for (int i = 0; i < 20; ++i) buffer.Add(RandomGame(*g, rng, i));
  selfplay::GameRecord resigned = RandomGame(*g, rng, 99);
  resigned.resigned = true;
  buffer.Add(resigned);
  Batch b(c, 256);
  b.SampleFrom(buffer, rng);
  const int komi_plane = 2 * game::GoState::kKeptBoards + 4;
  int resigned_samples = 0;
  for (int k = 0; k < b.size; ++k) {
    if (b.weight[k] == 0) {
      ++resigned_samples;
      continue;
    }
    float owned = 0;
    for (int p = 0; p < b.area; ++p) {
      const float o = b.ownership[k * b.area + p];
      EXPECT_TRUE(o == -1 || o == 0 || o == 1);
      owned += o;
    }
    // The mover's area minus the opponent's, minus the mover's komi (the
    // input's komi plane holds +komi/15 for White, -komi/15 for Black).
    const float mover_komi = 15 * b.input[(static_cast<size_t>(k) * c.input_planes + komi_plane) * b.area];
    EXPECT_NEAR(b.score[k] * b.area, owned + mover_komi, 1e-4) << "sample " << k;
    // The value target agrees with the score's sign (no draws with half-point komi).
    EXPECT_EQ(b.value[k] > 0, b.score[k] > 0) << "sample " << k;
  }
  EXPECT_GT(resigned_samples, 0);
  EXPECT_LT(resigned_samples, b.size);
}

TEST(AuxTargets, GamesWithAKomiOfTheirOwnAreScoredAndEncodedWithIt) {
  // Self-play with komi_spread: the run's game at komi 2.5, its games at 2.5,
  // -1.5 and 6.5 (records name their komi in their spec).
  const auto g = game::MakeGame("go:5:komi=2.5");
  const auto low = game::MakeGame("go:5:komi=-1.5"), high = game::MakeGame("go:5:komi=6.5");
  const net::NetConfig c = net::DefaultNetConfig(*g, 1, 8);
  ReplayBuffer buffer(*g, 100000);
  std::mt19937_64 rng(5);
  for (int i = 0; i < 30; ++i) buffer.Add(RandomGame(i % 3 == 0 ? *g : i % 3 == 1 ? *low : *high, rng, i));
  // A larger board does not fit the run's network.
  const auto seven = game::MakeGame("go:7:komi=2.5");
  EXPECT_THROW(buffer.Add(RandomGame(*seven, rng, 99)), game::UserError);
  Batch b(c, 512);
  b.SampleFrom(buffer, rng);
  const int komi_plane = 2 * game::GoState::kKeptBoards + 4;
  std::set<float> komis;
  for (int k = 0; k < b.size; ++k) {
    const float mover_komi = 15 * b.input[(static_cast<size_t>(k) * c.input_planes + komi_plane) * b.area];
    komis.insert(std::fabs(mover_komi));
    float owned = 0;
    for (int p = 0; p < b.area; ++p) owned += b.ownership[k * b.area + p];
    EXPECT_NEAR(b.score[k] * b.area, owned + mover_komi, 1e-4) << "sample " << k;
    EXPECT_EQ(b.value[k] > 0, b.score[k] > 0) << "sample " << k;
  }
  EXPECT_EQ(komis, (std::set<float>{1.5f, 2.5f, 6.5f}));
}

TEST(ReplayBuffer, ASmallerBoardsSamplesSitInTheFramesCorner) {
  // Mixed board sizes: a 7x7 run (the network's frame) with 5x5 games.
  const auto g7 = game::MakeGame("go:7:komi=9");
  const auto g5 = game::MakeGame("go:5:komi=2.5");
  net::NetConfig c = net::DefaultNetConfig(*g7, 1, 8);
  ReplayBuffer buffer(*g7, 100000);
  std::mt19937_64 rng(6);
  for (int i = 0; i < 20; ++i) buffer.Add(RandomGame(*g5, rng, i));
  Batch b(c, 256);
  b.SampleFrom(buffer, rng);
  const int komi_plane = 2 * game::GoState::kKeptBoards + 4, board_plane = c.input_planes - 1;
  const auto in_corner = [](int p) { return p % 7 < 5 && p / 7 < 5; };
  int passes = 0;
  for (int k = 0; k < b.size; ++k) {
    const float* planes = &b.input[static_cast<size_t>(k) * c.input_planes * b.area];
    for (int p = 0; p < b.area; ++p) {
      ASSERT_EQ(planes[board_plane * b.area + p], in_corner(p) ? 1.0f : 0.0f) << "sample " << k << " point " << p;
      for (int plane = 0; plane < c.input_planes; ++plane) {
        if (!in_corner(p)) ASSERT_EQ(planes[plane * b.area + p], 0.0f) << "plane " << plane;
      }
    }
    // The move played (one-hot): a corner point of the frame, or its pass.
    float total = 0;
    for (int m = 0; m < c.policy_size; ++m) {
      const float t = b.policy[static_cast<size_t>(k) * c.policy_size + m];
      if (t == 0) continue;
      total += t;
      EXPECT_TRUE(m == 49 || (m < 49 && in_corner(m))) << "target at " << m;
      passes += m == 49;
    }
    EXPECT_FLOAT_EQ(total, 1.0f);
    // Ownership in the corner; the score (scaled by the frame's points) is
    // the mover's 5x5 area difference with the 5x5 game's komi.
    float owned = 0;
    for (int p = 0; p < b.area; ++p) {
      const float o = b.ownership[k * b.area + p];
      if (!in_corner(p)) ASSERT_EQ(o, 0.0f);
      owned += o;
    }
    const float mover_komi = 15 * planes[komi_plane * b.area];
    EXPECT_FLOAT_EQ(std::fabs(mover_komi), 2.5f);
    EXPECT_NEAR(b.score[k] * b.area, owned + mover_komi, 1e-4) << "sample " << k;
  }
  EXPECT_GT(passes, 0);  // random games end with passes
}

TEST(ReplayBuffer, ValueTargetsMixTheResultWithTheSearchsRootValue) {
  // Each target keeps the root value 0.5 for its mover; one game keeps none
  // (a record from before root values were kept): its targets are the result.
  const auto g = game::MakeGame("tictactoe");
  std::mt19937_64 rng(8);
  std::vector<selfplay::GameRecord> games;
  for (int i = 0; i < 12; ++i) {
    games.push_back(RandomGame(*g, rng, i));
    if (i > 0) {
      for (auto& t : games.back().targets) t.root_value = 0.5f;
    }
  }
  for (float w : {0.0f, 0.25f, 1.0f}) {
    ReplayBuffer buffer(*g, 100000, "", w);
    for (const auto& r : games) buffer.Add(r);
    const net::NetConfig c = net::DefaultNetConfig(*g, 1, 8);
    Batch b(c, 256);
    buffer.SampleBatch(b.size, rng, b.input.data(), b.policy.data(), b.value.data());
    std::set<float> seen;
    for (float v : b.value) seen.insert(v);
    // z is -1, 0 or 1 for the mover; the mixed target (1 - w) z + w / 2.
    std::set<float> allowed;
    for (float z : {-1.0f, 0.0f, 1.0f}) allowed.insert(z), allowed.insert((1 - w) * z + w * 0.5f);
    for (float v : seen) EXPECT_TRUE(allowed.count(v)) << "w " << w << " value " << v;
    if (w == 1.0f) EXPECT_TRUE(seen.count(0.5f));
    if (w == 0.25f) EXPECT_TRUE(seen.count(0.875f) || seen.count(-0.625f) || seen.count(0.125f));
  }
}

TEST(ReplayBuffer, TheOpponentReplyTargetIsTheNextMoveSeenThroughTheSamplesSymmetry) {
  // One tic-tac-toe game (any game has replies): each target's visits are
  // the move played there, so a sample's policy target names its move i and
  // symmetry; the reply must be move i + 1 under that same symmetry, and the
  // last move's sample has none (weight 0, an all-zero row).
  const auto g = game::MakeGame("tictactoe");
  std::mt19937_64 rng(11);
  const selfplay::GameRecord game = RandomGame(*g, rng, 0);
  ASSERT_GE(game.moves.size(), 5u);
  ReplayBuffer buffer(*g, 100000);
  buffer.Add(game);
  const net::NetConfig c = net::DefaultNetConfig(*g, 1, 8);
  const int moves = g->NumMoves();
  Batch b(c, 256);
  std::vector<float> reply(static_cast<size_t>(b.size) * moves, -1), reply_weight(b.size, -1);
  AuxTargets aux{nullptr, b.score.data(), b.weight.data(), reply.data(), reply_weight.data()};
  buffer.SampleBatch(b.size, rng, b.input.data(), b.policy.data(), b.value.data(), &aux);
  const auto argmax = [&](const float* row) { return static_cast<int>(std::max_element(row, row + moves) - row); };
  int last_samples = 0;
  for (int k = 0; k < b.size; ++k) {
    const float* p = b.policy.data() + static_cast<size_t>(k) * moves;
    const float* r = reply.data() + static_cast<size_t>(k) * moves;
    float total = 0;
    for (int m = 0; m < moves; ++m) total += r[m];
    bool matched = false;
    for (size_t i = 0; i < game.moves.size() && !matched; ++i) {
      for (int sym = 0; sym < g->NumSymmetries() && !matched; ++sym) {
        if (g->TransformMove(game.moves[i], sym) != argmax(p)) continue;
        if (i + 1 == game.moves.size()) {
          matched = reply_weight[k] == 0 && total == 0;
          last_samples += matched;
        } else {
          matched = reply_weight[k] == 1 && total == 1 && argmax(r) == g->TransformMove(game.moves[i + 1], sym);
        }
      }
    }
    EXPECT_TRUE(matched) << "sample " << k;
  }
  EXPECT_GT(last_samples, 0);
  EXPECT_LT(last_samples, b.size / 2);
}

TEST(Trainer, AnOpponentReplyHeadLearnsTheReplies) {
  // Random Connect Four positions whose "reply" is a column chosen by the
  // sample's index: the head must fit them while policy and value train as
  // before, and a batch without reply targets is refused.
  const auto g = game::MakeGame("connect4");
  net::NetConfig c = net::DefaultNetConfig(*g, 2, 16);
  c.opponent_policy = 1;
  const auto encoder = net::Encoder::ForGame(*g, c.encoding);
  std::mt19937_64 rng(5);
  Batch b(c, 32);
  std::vector<float> reply(static_cast<size_t>(b.size) * c.policy_size), reply_weight(b.size, 1);
  std::vector<game::Move> legal;
  for (int k = 0; k < b.size; ++k) {
    auto s = g->NewInitialState();
    for (int ply = 0; ply < 4 + k % 9 && !s->IsTerminal(); ++ply) {
      s->LegalMoves(&legal);
      s->Play(legal[rng() % legal.size()]);
    }
    encoder->Encode(*s, 0, b.input.data() + static_cast<size_t>(k) * c.input_planes * b.area);
    b.policy[static_cast<size_t>(k) * c.policy_size + k % c.policy_size] = 1;
    reply[static_cast<size_t>(k) * c.policy_size + (k * 3 + 1) % c.policy_size] = 1;
  }
  reply_weight[0] = 0;  // a sample without a reply counts for nothing
  TrainBatch batch{b.size, b.input.data(), b.policy.data(), b.value.data()};
  batch.opponent_policy = reply.data();
  batch.opponent_weight = reply_weight.data();
  Trainer trainer(net::Network::Random(c, 2), {.batch_size = 32, .learning_rate = 0.05f, .warmup_steps = 1}, 0);
  const Losses first = trainer.Step(batch);
  EXPECT_GT(first.opponent, 1.0f);  // about log 7 at random weights
  Losses last;
  for (int i = 0; i < 200; ++i) last = trainer.Step(batch);
  EXPECT_LT(last.opponent, 0.3f * first.opponent);
  EXPECT_LT(last.policy, 0.3f * first.policy);
  EXPECT_EQ(trainer.Snapshot("")->config().opponent_policy, 1);
  TrainBatch bare = batch;
  bare.opponent_policy = nullptr;
  EXPECT_THROW(trainer.Step(bare), game::UserError);
}

TEST(Trainer, ANetworkWithAuxHeadsAndGlobalPoolingLearnsItsTargets) {
  const auto g = game::MakeGame("go:5:komi=2.5");
  const net::NetConfig c = net::DefaultNetConfig(*g, 3, 16);  // the third block pools
  ASSERT_EQ(c.aux_heads, 1);
  ASSERT_EQ(c.global_pooling, 1);
  ReplayBuffer buffer(*g, 100000);
  std::mt19937_64 rng(7);
  for (int i = 0; i < 8; ++i) buffer.Add(RandomGame(*g, rng, i));
  Batch b(c, 32);
  b.SampleFrom(buffer, rng);
  Trainer trainer(net::Network::Random(c, 2), {.batch_size = 32, .learning_rate = 0.05f, .warmup_steps = 1}, 0);
  const Losses first = trainer.Step(b.View());
  Losses last;
  for (int i = 0; i < 150; ++i) last = trainer.Step(b.View());
  EXPECT_LT(last.ownership, 0.5f * first.ownership);
  EXPECT_LT(last.score, 0.5f * first.score);
  EXPECT_LT(last.value, 0.5f * first.value);
  // The snapshot's inference path (batch norm folded, pooling included)
  // gives the values training taught.
  const auto net = trainer.Snapshot("");
  std::vector<float> policy(static_cast<size_t>(b.size) * c.policy_size), value(b.size);
  net->Forward(b.input.data(), b.size, policy.data(), value.data());
  double error = 0;
  for (int k = 0; k < b.size; ++k) error += (value[k] - b.value[k]) * (value[k] - b.value[k]);
  EXPECT_LT(error / b.size, 0.5 * first.value);
  // A batch without the aux targets is refused.
  TrainBatch bare = b.View();
  bare.ownership = nullptr;
  EXPECT_THROW(trainer.Step(bare), game::UserError);
}

TEST(Trainer, AMaskedNetworksOwnershipLossCountsOnlyTheBoardsPoints) {
  // 5x5 games in a masked 7x7 network: off-board ownership targets do not
  // enter the loss (whatever they hold), and on-board ones do.
  const auto g7 = game::MakeGame("go:7:komi=9");
  const auto g5 = game::MakeGame("go:5:komi=2.5");
  net::NetConfig c = net::DefaultNetConfig(*g7, 2, 16);
  c.board_mask = 1;
  ReplayBuffer buffer(*g7, 100000);
  std::mt19937_64 rng(8);
  for (int i = 0; i < 10; ++i) buffer.Add(RandomGame(*g5, rng, i));
  Batch b(c, 32);
  b.SampleFrom(buffer, rng);
  const auto first_loss = [&](const Batch& batch) {
    Trainer trainer(net::Network::Random(c, 4), {.batch_size = 32, .learning_rate = 0.01f, .warmup_steps = 1}, 0);
    return trainer.Step(batch.View()).ownership;  // measured before the step's update
  };
  const float loss = first_loss(b);
  Batch off = b, on = b;
  for (int k = 0; k < b.size; ++k) {
    for (int p = 0; p < b.area; ++p) {
      const bool board = p % 7 < 5 && p / 7 < 5;
      (board ? on : off).ownership[k * b.area + p] = 1.0f;
    }
  }
  EXPECT_FLOAT_EQ(first_loss(off), loss);
  EXPECT_GT(std::fabs(first_loss(on) - loss), 1e-3f);
}

TEST(Trainer, AWinDrawLossValueHeadLearnsDraws) {
  // Connect Four positions labelled win, draw or loss by their index: the
  // head must learn all three, draws included (a tanh head trained on 0
  // targets would too, but only the WDL head says "draw" rather than
  // "even fight": P(draw) is its middle output).
  const auto g = game::MakeGame("connect4");
  net::NetConfig c = net::DefaultNetConfig(*g, 2, 16);
  c.wdl_value = 1;
  const auto encoder = net::Encoder::ForGame(*g, c.encoding);
  std::mt19937_64 rng(3);
  Batch b(c, 48);
  std::vector<game::Move> legal;
  for (int k = 0; k < b.size; ++k) {
    auto s = g->NewInitialState();
    for (int ply = 0; ply < 6 + k % 7 && !s->IsTerminal(); ++ply) {
      s->LegalMoves(&legal);
      s->Play(legal[rng() % legal.size()]);
    }
    encoder->Encode(*s, 0, b.input.data() + static_cast<size_t>(k) * c.input_planes * b.area);
    b.policy[static_cast<size_t>(k) * c.policy_size + k % c.policy_size] = 1;
    b.value[k] = static_cast<float>(k % 3) - 1.0f;  // loss, draw, win
  }
  TrainBatch batch{b.size, b.input.data(), b.policy.data(), b.value.data()};
  Trainer trainer(net::Network::Random(c, 2), {.batch_size = 48, .learning_rate = 0.05f, .warmup_steps = 1}, 0);
  const Losses first = trainer.Step(batch);
  Losses last;
  for (int i = 0; i < 200; ++i) last = trainer.Step(batch);
  EXPECT_LT(last.value, 0.25f * first.value);
  const auto net = trainer.Snapshot("");
  EXPECT_EQ(net->config().wdl_value, 1);
  std::vector<float> policy(static_cast<size_t>(b.size) * c.policy_size), value(b.size);
  net->Forward(b.input.data(), b.size, policy.data(), value.data());
  for (int k = 0; k < b.size; ++k) EXPECT_NEAR(value[k], b.value[k], 0.5f) << k;
}

}  // namespace
}  // namespace descent::trainer
