#include "net/net_evaluator.h"

#include <gtest/gtest.h>

#include <random>
#include <thread>

#include "game/go.h"
#include "game/move_list.h"
#include "game/registry.h"
#include "net/encoder.h"

namespace descent::net {
namespace {

struct Evaluation {
  std::vector<game::Move> legal;
  std::vector<float> priors;
  float value = 0;
};

Evaluation Evaluate(mcts::Evaluator& e, const game::State& s) {
  Evaluation out;
  s.LegalMoves(&out.legal);
  out.priors.resize(out.legal.size());
  mcts::EvalRequest r{&s, out.legal.data(), static_cast<int>(out.legal.size()), out.priors.data(), &out.value};
  e.Evaluate({&r, 1});
  return out;
}

std::unique_ptr<game::State> RandomPosition(const game::Game& g, int moves, uint64_t seed) {
  auto s = g.NewInitialState();
  std::mt19937_64 rng(seed);
  std::vector<game::Move> legal;
  for (int i = 0; i < moves && !s->IsTerminal(); ++i) {
    s->LegalMoves(&legal);
    s->Play(legal[rng() % legal.size()]);
  }
  return s;
}

class NetEvaluatorTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    game_ = game::MakeGame(GetParam());
    net_ = Network::Random(DefaultNetConfig(*game_, 2, 16), 3);
    server_ = std::make_unique<InferenceServer>(net_, InferenceParams{});
  }
  std::unique_ptr<game::Game> game_;
  std::shared_ptr<Network> net_;
  std::unique_ptr<InferenceServer> server_;
};

TEST_P(NetEvaluatorTest, SymmetryMapsThePolicy) {
  // Evaluating a position through symmetry s must equal evaluating the
  // transformed position directly, move for move.
  NetEvaluator plain(*game_, *server_, {.random_symmetry = false, .cache_entries = 0});
  const Encoder& enc = plain.encoder();
  for (uint64_t seed = 0; seed < 3; ++seed) {
    auto s = RandomPosition(*game_, 5 + seed, seed);
    if (s->IsTerminal()) continue;
    const Evaluation base = Evaluate(plain, *s);
    for (int sym = 0; sym < game_->NumSymmetries(); ++sym) {
      auto t = s->Transformed(sym);
      const Evaluation direct = Evaluate(plain, *t);
      // The same view through the encoder: planes of s under sym equal planes of t.
      std::vector<float> a(enc.InputSize()), b(enc.InputSize());
      enc.Encode(*s, sym, a.data());
      enc.Encode(*t, 0, b.data());
      ASSERT_EQ(a, b) << "symmetry " << sym;
      // Policy through the symmetry, by hand.
      std::vector<float> logits(game_->NumMoves()), value(1), priors(base.legal.size());
      server_->Evaluate(a.data(), 1, logits.data(), value.data());
      MaskedSoftmax(enc, *s, logits.data(), base.legal.data(), static_cast<int>(base.legal.size()), sym, priors.data());
      for (size_t i = 0; i < base.legal.size(); ++i) {
        const game::Move mapped = game_->TransformMove(base.legal[i], sym);
        const size_t j = std::find(direct.legal.begin(), direct.legal.end(), mapped) - direct.legal.begin();
        ASSERT_LT(j, direct.legal.size());
        EXPECT_NEAR(priors[i], direct.priors[j], 1e-5f);
      }
      EXPECT_NEAR(value[0], direct.value, 1e-5f);
    }
  }
}

TEST_P(NetEvaluatorTest, CacheAnswersAsAFreshEvaluation) {
  NetEvaluator cached(*game_, *server_, {.cache_entries = 1024, .seed = 7});
  NetEvaluator fresh(*game_, *server_, {.cache_entries = 0, .seed = 7});
  auto s = RandomPosition(*game_, 4, 11);
  const Evaluation first = Evaluate(cached, *s);
  const Evaluation again = Evaluate(cached, *s);
  const Evaluation uncached = Evaluate(fresh, *s);
  EXPECT_EQ(cached.cache().hits(), 1u);
  for (size_t i = 0; i < first.priors.size(); ++i) {
    EXPECT_NEAR(first.priors[i], again.priors[i], 1e-6f);
    EXPECT_NEAR(first.priors[i], uncached.priors[i], 1e-6f);
  }
  EXPECT_EQ(first.value, again.value);
  EXPECT_EQ(first.value, uncached.value);
  float sum = 0;
  for (float p : first.priors) sum += p;
  EXPECT_NEAR(sum, 1.0f, 1e-5f);
}

TEST_P(NetEvaluatorTest, AnsweredAtOnceOnlyFromTheCacheOfTheCurrentNetwork) {
  NetEvaluator cached(*game_, *server_, {.cache_entries = 1024, .seed = 7});
  NetEvaluator off(*game_, *server_, {.cache_entries = 0, .seed = 7});
  auto s = RandomPosition(*game_, 4, 12);
  Evaluation at_once;
  s->LegalMoves(&at_once.legal);
  at_once.priors.assign(at_once.legal.size(), -1.0f);
  at_once.value = -7;
  const mcts::EvalRequest r{s.get(), at_once.legal.data(), static_cast<int>(at_once.legal.size()),
                            at_once.priors.data(), &at_once.value};
  EXPECT_FALSE(cached.EvaluateAtOnce(r));  // never evaluated: the caller batches it
  EXPECT_FALSE(off.EvaluateAtOnce(r));
  EXPECT_EQ(at_once.value, -7);
  EXPECT_EQ(at_once.priors[0], -1.0f);
  const Evaluation batched = Evaluate(cached, *s);
  ASSERT_TRUE(cached.EvaluateAtOnce(r));
  EXPECT_EQ(at_once.value, batched.value);
  for (size_t i = 0; i < batched.priors.size(); ++i) EXPECT_NEAR(at_once.priors[i], batched.priors[i], 1e-6f);
  cached.NetworkChanged();  // the old network's results stop answering
  EXPECT_FALSE(cached.EvaluateAtOnce(r));
  EXPECT_FALSE(off.EvaluateAtOnce(r));

  // A leaf the driver has just asked about goes to the net without a second
  // lookup (one miss counted, not two), and its result fills the cache.
  mcts::EvalRequest asked = r;
  asked.asked_at_once = true;
  const uint64_t misses = cached.cache().misses();
  cached.Evaluate({&asked, 1});
  EXPECT_EQ(cached.cache().misses(), misses);
  EXPECT_TRUE(cached.EvaluateAtOnce(r));
}

TEST_P(NetEvaluatorTest, ConcurrentSearchersGetTheirOwnResults) {
  NetEvaluator e(*game_, *server_, {.cache_entries = 0});
  std::vector<std::unique_ptr<game::State>> positions;
  std::vector<Evaluation> expected;
  for (int i = 0; i < 24; ++i) {
    positions.push_back(RandomPosition(*game_, i % 6, 100 + i));
    if (positions.back()->IsTerminal()) {
      positions.pop_back();
      continue;
    }
    expected.push_back(Evaluate(e, *positions.back()));
  }
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int rep = 0; rep < 20; ++rep) {
        for (size_t i = t; i < positions.size(); i += 4) {
          const Evaluation got = Evaluate(e, *positions[i]);
          for (size_t k = 0; k < got.priors.size(); ++k) {
            if (std::fabs(got.priors[k] - expected[i].priors[k]) > 1e-4f) ++mismatches;
          }
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(mismatches.load(), 0);
  EXPECT_GT(server_->Stats().batches, 0u);
}

INSTANTIATE_TEST_SUITE_P(Games, NetEvaluatorTest, ::testing::Values("tictactoe", "connect4", "go:5:komi=7"),
                         [](const auto& info) {
                           std::string name = info.param;
                           return name.substr(0, name.find(':'));
                         });

TEST(Encoder, GoV1PlanesFromTheMoversView) {
  auto g = game::MakeGame("go:5:komi=7");
  auto enc = Encoder::ForGame(*g, "go-v1");
  ASSERT_EQ(enc->NumPlanes(), 18);
  auto s = g->NewInitialState();
  game::PlayMoveList("A5 E1", s.get());  // Black A5 (cell 0), White E1 (cell 24); Black to move
  std::vector<float> x(enc->InputSize());
  enc->Encode(*s, 0, x.data());
  const int area = 25;
  EXPECT_EQ(x[0 * area + 0], 1.0f);    // mover's stone now
  EXPECT_EQ(x[8 * area + 24], 1.0f);   // opponent's stone now
  EXPECT_EQ(x[9 * area + 24], 0.0f);   // ...which was not there a move ago
  EXPECT_EQ(x[1 * area + 0], 1.0f);    // mover's stone a move ago
  EXPECT_EQ(x[2 * area + 0], 0.0f);    // not two moves ago
  EXPECT_EQ(x[16 * area + 7], 1.0f);   // Black to move
  EXPECT_EQ(x[17 * area + 13], 1.0f);  // ones
  float stones = 0;
  for (int p = 0; p < 16 * area; ++p) stones += x[p];
  EXPECT_EQ(stones, 3.0f);
}

}  // namespace
}  // namespace descent::net
