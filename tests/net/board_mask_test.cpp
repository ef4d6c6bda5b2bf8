// Mixed board sizes (net::NetConfig::board_mask): one Go network whose
// board is its frame also plays smaller boards placed in the frame's
// top-left corner, its trunk masked so the off-board points stay zero.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <map>
#include <random>

#include "game/go.h"
#include "game/registry.h"
#include "game/user_error.h"
#include "net/encoder.h"
#include "net/inference_server.h"
#include "net/net_evaluator.h"
#include "net/network.h"
#include "net/position_eval.h"
#include "net/weights_file.h"
#include "net/winograd.h"

namespace descent::net {
namespace {

std::string TempPath(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("descent_" + std::to_string(::getpid()) + "_" + name)).string();
}

// A position of `moves` random legal moves (no passes while others exist).
std::unique_ptr<game::State> RandomPosition(const game::Game& g, int moves, uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto s = g.NewInitialState();
  std::vector<game::Move> legal;
  for (int i = 0; i < moves && !s->IsTerminal(); ++i) {
    s->LegalMoves(&legal);
    if (legal.size() > 1) legal.pop_back();  // the pass is the last move
    s->Play(legal[rng() % legal.size()]);
  }
  return s;
}

struct AllOutputs {
  std::vector<float> policy, value, ownership, score;
};
AllOutputs Outputs(const Network& net, const std::vector<float>& input, int batch, bool reference = false) {
  const NetConfig& c = net.config();
  AllOutputs o{std::vector<float>(static_cast<size_t>(batch) * c.policy_size), std::vector<float>(batch),
               std::vector<float>(static_cast<size_t>(batch) * c.height * c.width), std::vector<float>(batch)};
  if (reference) {
    net.ForwardReference(input.data(), batch, o.policy.data(), o.value.data(), o.ownership.data(), o.score.data());
  } else {
    net.Forward(input.data(), batch, o.policy.data(), o.value.data(), o.ownership.data(), o.score.data());
  }
  return o;
}

// Encodes `states` with `encoder`, one after the other.
std::vector<float> EncodeAll(const Encoder& encoder, const std::vector<std::unique_ptr<game::State>>& states,
                             int sym = 0) {
  std::vector<float> input(states.size() * encoder.InputSize());
  for (size_t i = 0; i < states.size(); ++i) encoder.Encode(*states[i], sym, &input[i * encoder.InputSize()]);
  return input;
}

TEST(BoardMask, OnAFullBoardTheMaskedNetworkComputesExactlyWhatTheOriginalDoes) {
  const auto original = Network::Load(std::string(DESCENT_NETS) + "/go9.safetensors");
  ASSERT_EQ(original->config().board_mask, 0);
  const auto masked = original->WithBoardMask();
  EXPECT_EQ(masked->config().board_mask, 1);
  EXPECT_EQ(masked->info().parent, original->info().content_hash);
  EXPECT_EQ(masked->info().training_step, original->info().training_step);
  EXPECT_NE(masked->info().content_hash, original->info().content_hash);  // the mask is named in the hash
  const auto game = game::MakeGame(original->config().game_spec);
  const auto encoder = Encoder::ForGame(*game, original->config().encoding);
  std::vector<std::unique_ptr<game::State>> states;
  for (int i = 0; i < 6; ++i) states.push_back(RandomPosition(*game, 3 * i + 1, i));
  const auto input = EncodeAll(*encoder, states);
  const AllOutputs a = Outputs(*original, input, 6), b = Outputs(*masked, input, 6);
  EXPECT_EQ(a.policy, b.policy);
  EXPECT_EQ(a.value, b.value);
  EXPECT_EQ(a.ownership, b.ownership);
  EXPECT_EQ(a.score, b.score);
  // The training module masks every layer; on a full board to rounding.
  const AllOutputs r = Outputs(*masked, input, 6, true);
  for (size_t k = 0; k < a.policy.size(); ++k) ASSERT_NEAR(a.policy[k], r.policy[k], 1e-3f) << k;
  for (int k = 0; k < 6; ++k) ASSERT_NEAR(a.value[k], r.value[k], 1e-4f) << k;
  // It saves and loads with its mask; a second mask and non-Go networks are refused.
  const std::string path = TempPath("masked.safetensors");
  const std::string hash = masked->Save(path);
  const auto loaded = Network::Load(path);
  EXPECT_EQ(loaded->config().board_mask, 1);
  EXPECT_EQ(loaded->info().content_hash, hash);
  std::filesystem::remove(path);
  EXPECT_THROW(masked->WithBoardMask(), game::UserError);
  const auto c4 = game::MakeGame("connect4");
  EXPECT_THROW(Network::Random(DefaultNetConfig(*c4, 1, 16), 1)->WithBoardMask(), game::UserError);
}

// The trunk is the same for every board size (3x3 convolutions, pooling
// biases from channel statistics, a 1x1 ownership head): a 7x7 board in a
// masked 9x9 network must see exactly what a 7x7 network with the same
// trunk sees. Without the mask the frame's extra points would leak into
// the edge points' convolutions and into the pooled means.
TEST(BoardMask, ASmallBoardInTheFrameSeesWhatANetworkOfItsOwnSizeWould) {
  const auto frame_game = game::MakeGame("go:9:komi=7");
  const auto small_game = game::MakeGame("go:7:komi=9");
  for (int channels : {16, 32}) {  // 16: Winograd (where the CPU has it) and LibTorch; 32: the shipped width
    NetConfig fc = DefaultNetConfig(*frame_game, 3, channels);
    fc.board_mask = 1;
    ASSERT_EQ(fc.global_pooling, 1);
    ASSERT_EQ(fc.aux_heads, 1);
    // Through weights files: the frame network's batch-norm statistics
    // moved away from 0 / 1 (so folding is exercised), then its trunk and
    // ownership head copied into a 7x7 network (same names and shapes; the
    // fully connected heads differ in size). Files with a tensors-only hash
    // load like files from before hash version 2.
    const auto rehash = [](WeightsFile* file) {
      file->metadata.erase("hash_version");
      file->metadata["content_hash"] = ContentHash(file->tensors);
    };
    const std::string frame_path = TempPath("frame.safetensors"), small_path = TempPath("small.safetensors");
    Network::Random(fc, 7)->Save(frame_path);
    WeightsFile frame_file = ReadWeightsFile(frame_path);
    std::mt19937_64 rng(channels);
    for (auto& [name, tensor] : frame_file.tensors) {
      for (float& v : tensor.values) {
        if (name.find("running_var") != std::string::npos) v = 0.5f + 1.5f * (rng() % 1000) / 1000.0f;
        if (name.find("running_mean") != std::string::npos) v = 0.3f * ((rng() % 1000) / 500.0f - 1.0f);
      }
    }
    rehash(&frame_file);
    WriteWeightsFile(frame_path, frame_file);
    Network::Random(DefaultNetConfig(*small_game, 3, channels), 8)->Save(small_path);
    WeightsFile small_file = ReadWeightsFile(small_path);
    int copied = 0;
    for (auto& [name, tensor] : small_file.tensors) {
      const auto it = frame_file.tensors.find(name);
      if (it == frame_file.tensors.end() || it->second.shape != tensor.shape) continue;
      tensor = it->second;
      ++copied;
    }
    ASSERT_GE(copied, 20);
    rehash(&small_file);
    WriteWeightsFile(small_path, small_file);
    const auto frame = Network::Load(frame_path);
    const auto small = Network::Load(small_path);
    std::filesystem::remove(frame_path);
    std::filesystem::remove(small_path);
    ASSERT_EQ(frame->config().board_mask, 1);
    std::vector<std::unique_ptr<game::State>> states;
    for (int i = 0; i < 5; ++i) states.push_back(RandomPosition(*small_game, 4 * i + 2, 100 + i));
    const auto frame_encoder = Encoder::ForGame(*frame_game), small_encoder = Encoder::ForGame(*small_game);
    for (int sym : {0, 5}) {
      const auto frame_input = EncodeAll(*frame_encoder, states, sym);
      const auto small_input = EncodeAll(*small_encoder, states, sym);
      const auto compare = [&](const AllOutputs& f, const AllOutputs& s, const std::string& path) {
        for (int b = 0; b < 5; ++b) {
          for (int y = 0; y < 7; ++y) {
            for (int x = 0; x < 7; ++x) {
              ASSERT_NEAR(f.ownership[b * 81 + y * 9 + x], s.ownership[b * 49 + y * 7 + x], 2e-4f)
                  << path << " channels " << channels << " sym " << sym << " board " << b << " point " << x << ","
                  << y;
            }
          }
        }
      };
      const AllOutputs small_out = Outputs(*small, small_input, 5, true);
      compare(Outputs(*frame, frame_input, 5, true), small_out, "training module");
      compare(Outputs(*frame, frame_input, 5), small_out, "inference");
      if (Winograd3x3::Supported()) {
        Winograd3x3::SetEnabled(false);
        compare(Outputs(*frame, frame_input, 5), small_out, "inference without Winograd");
        Winograd3x3::SetEnabled(true);
      }
      // A batch mixing full and small boards: each row as if alone.
      std::vector<std::unique_ptr<game::State>> mixed;
      mixed.push_back(RandomPosition(*frame_game, 9, 3));
      mixed.push_back(states[2]->Clone());
      const AllOutputs both = Outputs(*frame, EncodeAll(*frame_encoder, mixed, sym), 2);
      std::vector<std::unique_ptr<game::State>> alone;
      alone.push_back(states[2]->Clone());
      const AllOutputs one = Outputs(*frame, EncodeAll(*frame_encoder, alone, sym), 1);
      for (int k = 0; k < 82; ++k) ASSERT_NEAR(both.policy[82 + k], one.policy[k], 1e-4f) << k;
      ASSERT_NEAR(both.value[1], one.value[0], 1e-5f);
    }
  }
}

TEST(BoardMask, OnlyAMaskedGoNetworkFitsASmallerBoard) {
  const auto g9 = game::MakeGame("go:9:komi=7");
  const auto plain = Network::Random(DefaultNetConfig(*g9, 1, 16), 1);
  const auto masked = plain->WithBoardMask();
  const auto g7 = game::MakeGame("go:7:komi=9");
  try {
    plain->CheckFits(*g7);
    ADD_FAILURE() << "an unmasked 9x9 network fits 7x7";
  } catch (const game::UserError& e) {
    EXPECT_NE(std::string(e.what()).find("not go:7:komi=9 (a smaller board needs a network with a board mask"),
              std::string::npos)
        << e.what();
  }
  EXPECT_NO_THROW(masked->CheckFits(*g7));
  EXPECT_NO_THROW(masked->CheckFits(*game::MakeGame("go:2")));
  EXPECT_NO_THROW(masked->CheckFits(*g9));
  for (const char* spec : {"go:11", "go:19", "connect4", "tictactoe"}) {
    EXPECT_THROW(masked->CheckFits(*game::MakeGame(spec)), game::UserError) << spec;
  }
}

// A masked 9x9 network fits a 7x7 game but not a server sized for a 7x7
// network's inputs: the swap is refused and the old network keeps serving.
TEST(BoardMask, AServerRefusesANetworkOfAnotherInputSize) {
  const auto g7 = game::MakeGame("go:7:komi=9");
  const auto g9 = game::MakeGame("go:9:komi=7");
  std::shared_ptr<const Network> seven = Network::Random(DefaultNetConfig(*g7, 1, 16), 1);
  NetConfig c = DefaultNetConfig(*g9, 1, 16);
  c.board_mask = 1;
  std::shared_ptr<const Network> masked = Network::Random(c, 2);
  ASSERT_NO_THROW(masked->CheckFits(*g7));
  InferenceServer server(seven, {.threads = 1});
  EXPECT_THROW(server.SwapNetwork(masked), game::UserError);
  EXPECT_EQ(server.network(), seven);
  NetEvaluator evaluator(*g7, server, {.random_symmetry = false, .cache_entries = 0});
  const auto state = g7->NewInitialState();
  std::vector<game::Move> legal;
  state->LegalMoves(&legal);
  std::vector<float> priors(legal.size());
  float value = 0;
  mcts::EvalRequest request{.state = state.get(), .legal = legal.data(), .num_legal = static_cast<int>(legal.size()),
                            .priors = priors.data(), .value = &value};
  evaluator.Evaluate(std::span<const mcts::EvalRequest>(&request, 1));
  double sum = 0;
  for (float p : priors) sum += p;
  EXPECT_NEAR(sum, 1.0, 1e-5);
  std::shared_ptr<const Network> another = Network::Random(DefaultNetConfig(*g7, 1, 16), 3);
  EXPECT_NO_THROW(server.SwapNetwork(another));
  EXPECT_EQ(server.network(), another);
}

// The evaluator reads a small board's policy from the frame's points: the
// move at column x, row y of a 7x7 board is the network's y * 9 + x, the
// pass its 81.
TEST(BoardMask, TheEvaluatorReadsASmallBoardsPolicyFromTheFramesCorner) {
  const auto g9 = game::MakeGame("go:9:komi=7");
  const auto g7 = game::MakeGame("go:7:komi=9");
  NetConfig c = DefaultNetConfig(*g9, 2, 16);
  c.board_mask = 1;
  std::shared_ptr<const Network> network = Network::Random(c, 5);
  InferenceServer server(network, {.threads = 1});
  NetEvaluator evaluator(*g7, server, {.random_symmetry = false, .cache_entries = 0, .scores = true});
  const auto state = RandomPosition(*g7, 6, 9);
  std::vector<game::Move> legal;
  state->LegalMoves(&legal);
  std::vector<float> priors(legal.size());
  float value = 0, score = 0;
  mcts::EvalRequest request{.state = state.get(), .legal = legal.data(), .num_legal = static_cast<int>(legal.size()),
                            .priors = priors.data(), .value = &value, .score = &score};
  evaluator.Evaluate(std::span<const mcts::EvalRequest>(&request, 1));
  // By hand: the frame encoding, the network, a softmax over the legal points.
  const auto encoder = Encoder::ForGame(*g9);
  std::vector<float> input(encoder->InputSize()), logits(82), v(1), s(1), own(81);
  encoder->Encode(*state, 0, input.data());
  network->Forward(input.data(), 1, logits.data(), v.data(), own.data(), s.data());
  double sum = 0;
  std::vector<double> want(legal.size());
  for (size_t i = 0; i < legal.size(); ++i) {
    const int m = legal[i];
    const int index = m == 49 ? 81 : (m / 7) * 9 + m % 7;
    sum += want[i] = std::exp(static_cast<double>(logits[index]));
  }
  for (size_t i = 0; i < legal.size(); ++i) EXPECT_NEAR(priors[i], want[i] / sum, 1e-5) << legal[i];
  EXPECT_NEAR(value, v[0], 1e-6f);
  EXPECT_NEAR(score, s[0], 1e-4f);
  // Analysis reads ownership the same way: point (x, y) of the 7x7 board.
  const auto evals = EvaluatePositions(*network, *g7, {state.get()});
  ASSERT_EQ(evals[0].ownership.size(), 49u);
  for (int p = 0; p < 49; ++p) EXPECT_NEAR(evals[0].ownership[p], own[(p / 7) * 9 + p % 7], 1e-6f) << p;
  ASSERT_EQ(evals[0].priors.size(), 50u);
  for (size_t i = 0; i < legal.size(); ++i) EXPECT_NEAR(evals[0].priors[legal[i]], want[i] / sum, 1e-5) << legal[i];
}

}  // namespace
}  // namespace descent::net
