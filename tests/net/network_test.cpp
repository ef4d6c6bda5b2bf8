#include "net/network.h"
#include "net/winograd.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>

#include "game/registry.h"
#include "game/user_error.h"
#include "net/weights_file.h"

namespace descent::net {
namespace {

std::string TempPath(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("descent_" + std::to_string(::getpid()) + "_" + name)).string();
}

std::vector<float> RandomInput(const NetConfig& c, int batch, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<float> x(static_cast<size_t>(batch) * c.input_planes * c.height * c.width);
  for (float& v : x) v = (rng() % 3 == 0) ? 1.0f : 0.0f;
  return x;
}

struct Outputs {
  std::vector<float> policy, value;
};
Outputs RunNet(const Network& net, const std::vector<float>& input, int batch) {
  Outputs o{std::vector<float>(static_cast<size_t>(batch) * net.config().policy_size), std::vector<float>(batch)};
  net.Forward(input.data(), batch, o.policy.data(), o.value.data());
  return o;
}

// Expects Load(path) to fail with a message containing `message`.
void ExpectRefused(const std::string& path, const std::string& message) {
  try {
    Network::Load(path);
    ADD_FAILURE() << "loaded " << path;
  } catch (const game::UserError& e) {
    EXPECT_NE(std::string(e.what()).find(message), std::string::npos) << e.what();
  }
}

class NetworkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    game_ = game::MakeGame("go:5:komi=7");
    config_ = DefaultNetConfig(*game_, 2, 16);
    net_ = Network::Random(config_, 1);
    path_ = TempPath("net.safetensors");
    net_->SetLineage(123, "feedfacefeedface");
    hash_ = net_->Save(path_);
  }
  void TearDown() override { std::filesystem::remove(path_); }

  std::unique_ptr<game::Game> game_;
  NetConfig config_;
  std::unique_ptr<Network> net_;
  std::string path_;
  std::string hash_;
};

TEST_F(NetworkTest, SaveLoadRoundTripGivesIdenticalOutputs) {
  auto loaded = Network::Load(path_);
  EXPECT_EQ(loaded->info().content_hash, hash_);
  EXPECT_EQ(loaded->info().training_step, 123);
  EXPECT_EQ(loaded->info().parent, "feedfacefeedface");
  EXPECT_EQ(loaded->config().blocks, 2);
  EXPECT_EQ(loaded->config().game_spec, "go:5:komi=7");
  const auto input = RandomInput(config_, 4, 9);
  const Outputs a = RunNet(*net_, input, 4), b = RunNet(*loaded, input, 4);
  EXPECT_EQ(a.policy, b.policy);
  EXPECT_EQ(a.value, b.value);
  for (float v : a.value) EXPECT_LE(std::fabs(v), 1.0f);
  loaded->CheckFits(*game_);
}

TEST_F(NetworkTest, AWinDrawLossValueHeadRoundTripsAndOlderFilesStillLoad) {
  NetConfig c = config_;
  c.wdl_value = 1;
  auto wdl = Network::Random(c, 3);
  const std::string path = TempPath("wdl.safetensors");
  const std::string hash = wdl->Save(path);
  auto loaded = Network::Load(path);
  EXPECT_EQ(loaded->config().wdl_value, 1);
  EXPECT_EQ(loaded->info().content_hash, hash);
  const auto input = RandomInput(c, 6, 4);
  const Outputs a = RunNet(*wdl, input, 6), b = RunNet(*loaded, input, 6);
  EXPECT_EQ(a.value, b.value);
  for (float v : a.value) EXPECT_LE(std::fabs(v), 1.0f);
  // The same weights read as a one-number head are a different network: the
  // head's shape is refused, not misread.
  WeightsFile file = ReadWeightsFile(path);
  file.metadata["wdl_value"] = "0";
  WriteWeightsFile(path, file);
  ExpectRefused(path, "corrupt");
  // A file from before the key (this fixture's, saved without a WDL head
  // and then stripped of it) loads, with the one-number head, under the
  // hash it was saved with.
  file = ReadWeightsFile(path_);
  file.metadata.erase("wdl_value");
  WriteWeightsFile(path, file);
  auto old = Network::Load(path);
  EXPECT_EQ(old->config().wdl_value, 0);
  EXPECT_EQ(old->info().content_hash, hash_);
  EXPECT_EQ(RunNet(*old, input, 6).value, RunNet(*net_, input, 6).value);
  std::filesystem::remove(path);
}

TEST_F(NetworkTest, AnOpponentReplyHeadRoundTripsAndIsNamedInTheHash) {
  NetConfig c = config_;
  c.opponent_policy = 1;
  auto net = Network::Random(c, 4);
  const std::string path = TempPath("opp.safetensors");
  const std::string hash = net->Save(path);
  auto loaded = Network::Load(path);
  EXPECT_EQ(loaded->config().opponent_policy, 1);
  EXPECT_EQ(loaded->info().content_hash, hash);
  const auto input = RandomInput(c, 5, 6);
  const Outputs a = RunNet(*net, input, 5), b = RunNet(*loaded, input, 5);
  EXPECT_EQ(a.policy, b.policy);
  EXPECT_EQ(a.value, b.value);
  // Metadata that denies the head does not match the file's hash.
  WeightsFile file = ReadWeightsFile(path);
  file.metadata["opponent_policy"] = "0";
  WriteWeightsFile(path, file);
  ExpectRefused(path, "corrupt");
  file.metadata["opponent_policy"] = "2";
  WriteWeightsFile(path, file);
  ExpectRefused(path, "0 or 1");
  std::filesystem::remove(path);
}

TEST_F(NetworkTest, BatchedEqualsUnbatched) {
  const int batch = 8;
  const auto input = RandomInput(config_, batch, 5);
  const Outputs together = RunNet(*net_, input, batch);
  const size_t in = input.size() / batch;
  for (int i = 0; i < batch; ++i) {
    const std::vector<float> one(input.begin() + i * in, input.begin() + (i + 1) * in);
    const Outputs alone = RunNet(*net_, one, 1);
    for (int k = 0; k < config_.policy_size; ++k) {
      EXPECT_NEAR(alone.policy[k], together.policy[i * config_.policy_size + k], 1e-4f);
    }
    EXPECT_NEAR(alone.value[0], together.value[i], 1e-5f);
  }
}

// Expects Forward (folded batch norms, the inference layout: channels-last on
// the CPU from 96 channels) to give what the training module gives in eval mode, every head
// included.
void ExpectInferenceEqualsReference(const Network& net, int batch, uint64_t seed) {
  const NetConfig& c = net.config();
  const int area = c.height * c.width;
  const auto input = RandomInput(c, batch, seed);
  struct Out {
    std::vector<float> policy, value, ownership, score;
  };
  const auto run = [&](bool reference) {
    Out o{std::vector<float>(static_cast<size_t>(batch) * c.policy_size), std::vector<float>(batch),
          std::vector<float>(static_cast<size_t>(batch) * area), std::vector<float>(batch)};
    float* own = c.aux_heads ? o.ownership.data() : nullptr;
    float* score = c.aux_heads ? o.score.data() : nullptr;
    if (reference) {
      net.ForwardReference(input.data(), batch, o.policy.data(), o.value.data(), own, score);
    } else {
      net.Forward(input.data(), batch, o.policy.data(), o.value.data(), own, score);
    }
    return o;
  };
  const Out fast = run(false), want = run(true);
  const std::string shape = c.game_spec + " " + std::to_string(c.blocks) + "x" + std::to_string(c.channels) +
                            " batch " + std::to_string(batch);
  for (size_t k = 0; k < fast.policy.size(); ++k) ASSERT_NEAR(fast.policy[k], want.policy[k], 1e-3f) << shape << " " << k;
  for (int k = 0; k < batch; ++k) {
    ASSERT_NEAR(fast.value[k], want.value[k], 1e-4f) << shape << " " << k;
    ASSERT_NEAR(fast.score[k], want.score[k], 1e-2f) << shape << " " << k;
  }
  for (size_t k = 0; k < fast.ownership.size(); ++k) {
    ASSERT_NEAR(fast.ownership[k], want.ownership[k], 1e-4f) << shape << " " << k;
  }
  // Different inputs give different outputs (the comparison is not of
  // constants).
  if (batch > 1) {
    EXPECT_NE(fast.policy[0], fast.policy[c.policy_size]) << shape;
  }
}

TEST(Network, TheInferencePathEqualsTheTrainingModule) {
  // The shipped 9x9 network: trained batch-norm statistics, pooled blocks,
  // ownership and score heads.
  const auto shipped = Network::Load(std::string(DESCENT_NETS) + "/go9.safetensors");
  ASSERT_EQ(shipped->config().global_pooling, 1);
  ASSERT_EQ(shipped->config().aux_heads, 1);
  for (int batch : {1, 5, 300}) ExpectInferenceEqualsReference(*shipped, batch, 11 + batch);
  // Random networks of several shapes: 5x5 and 9x9 Go, Connect Four, a
  // win/draw/loss head, the older go-v1 inputs without pooling.
  struct Shape {
    std::string game;
    int blocks, channels;
    bool wdl = false;
    std::string encoding = "";
    bool mask = false;  // random inputs: the last plane (the board mask) marks random points
  };
  for (const Shape& s : std::vector<Shape>{{"go:5:komi=7", 2, 16},
                                           {"go:9:komi=7", 3, 24},
                                           {"go:9:komi=7", 3, 96},  // channels-last on the CPU
                                           {"connect4", 2, 16, true},
                                           {"go:7:komi=9", 2, 8, false, "go-v1"},
                                           {"go:9:komi=7", 3, 32, false, "", true},   // masked, Winograd
                                           {"go:9:komi=7", 3, 96, false, "", true}}) {
    const auto g = game::MakeGame(s.game);
    NetConfig c = DefaultNetConfig(*g, s.blocks, s.channels, s.encoding);
    c.wdl_value = s.wdl;
    c.board_mask = s.mask;
    const auto net = Network::Random(c, 3);
    for (int batch : {1, 7, 300}) ExpectInferenceEqualsReference(*net, batch, batch);
  }
}

TEST(Network, TheWinogradTowerRunsWhereItFitsAndEqualsLibTorchsConvolutions) {
  if (!Winograd3x3::Supported()) GTEST_SKIP() << "this CPU has no AVX-512F: LibTorch's convolutions only";
  // The shipped 9x9 network (32 channels) runs its tower by Winograd; with
  // the switch off, LibTorch's convolutions. Equal to float rounding, and
  // not bit for bit (so the Winograd path did run).
  const auto shipped = Network::Load(std::string(DESCENT_NETS) + "/go9.safetensors");
  const int batch = 9;
  const auto input = RandomInput(shipped->config(), batch, 5);
  const Outputs fast = RunNet(*shipped, input, batch);
  Winograd3x3::SetEnabled(false);
  const Outputs direct = RunNet(*shipped, input, batch);
  Winograd3x3::SetEnabled(true);
  bool differs = false;
  for (size_t k = 0; k < fast.policy.size(); ++k) {
    ASSERT_NEAR(fast.policy[k], direct.policy[k], 1e-3f) << k;
    differs = differs || fast.policy[k] != direct.policy[k];
  }
  for (int k = 0; k < batch; ++k) ASSERT_NEAR(fast.value[k], direct.value[k], 1e-4f) << k;
  EXPECT_TRUE(differs);
}

TEST(Network, ADeepenedNetworkComputesWhatTheOriginalDoes) {
  // The shipped 9x9 network (6 blocks, pooling in blocks 2 and 5) deepened
  // to 8: blocks 6 and 7 are new (7 has a pooling bias of its own).
  const auto original = Network::Load(std::string(DESCENT_NETS) + "/go9.safetensors");
  const auto deeper = original->Deepen(8);
  EXPECT_EQ(deeper->config().blocks, 8);
  EXPECT_EQ(deeper->config().channels, original->config().channels);
  EXPECT_EQ(deeper->info().training_step, original->info().training_step);
  EXPECT_EQ(deeper->info().selfplay_games, original->info().selfplay_games);
  EXPECT_EQ(deeper->info().parent, original->info().content_hash);
  EXPECT_NE(deeper->info().content_hash, original->info().content_hash);
  const int batch = 6;
  const auto input = RandomInput(original->config(), batch, 21);
  const Outputs a = RunNet(*original, input, batch), b = RunNet(*deeper, input, batch);
  for (size_t k = 0; k < a.policy.size(); ++k) ASSERT_NEAR(a.policy[k], b.policy[k], 1e-4f) << k;
  for (int k = 0; k < batch; ++k) EXPECT_NEAR(a.value[k], b.value[k], 1e-5f) << k;
  // It saves and loads as an 8-block network.
  const std::string path = TempPath("deeper.safetensors");
  deeper->Save(path);
  EXPECT_EQ(Network::Load(path)->config().blocks, 8);
  std::filesystem::remove(path);
  // Only deeper.
  EXPECT_THROW(original->Deepen(6), game::UserError);
  EXPECT_THROW(original->Deepen(3), game::UserError);
}

TEST(Network, AScalarValueHeadTurnsIntoAWinDrawLossHead) {
  const auto original = Network::Load(std::string(DESCENT_NETS) + "/connect4.safetensors");
  ASSERT_EQ(original->config().wdl_value, 0);
  const int batch = 8;
  const auto input = RandomInput(original->config(), batch, 5);
  const Outputs a = RunNet(*original, input, batch);
  // The scalar head's value is tanh(x); the new head's P(win) - P(loss) is
  // (e^x - e^-x) / (e^x + e^-x + e^d): with e^x + e^-x = 2 / sqrt(1 - v^2),
  // the original's value shrunk by 1 / (1 + e^d sqrt(1 - v^2) / 2).
  for (const float d : {-30.0f, -2.0f, 0.0f}) {
    const auto wdl = original->WithWdlValue(d);
    EXPECT_EQ(wdl->config().wdl_value, 1);
    EXPECT_EQ(wdl->info().training_step, original->info().training_step);
    EXPECT_EQ(wdl->info().parent, original->info().content_hash);
    const Outputs b = RunNet(*wdl, input, batch);
    for (size_t k = 0; k < a.policy.size(); ++k) ASSERT_NEAR(a.policy[k], b.policy[k], 1e-5f) << k;
    // The fast path's value (computed outside LibTorch) is the training
    // module's softmax.
    Outputs r{std::vector<float>(a.policy.size()), std::vector<float>(batch)};
    wdl->ForwardReference(input.data(), batch, r.policy.data(), r.value.data());
    for (int k = 0; k < batch; ++k) EXPECT_NEAR(b.value[k], r.value[k], 1e-4f) << k;
    for (int k = 0; k < batch; ++k) {
      const double v = a.value[k];
      const double expected = v / (1 + std::exp(d) * std::sqrt(1 - v * v) / 2);
      EXPECT_NEAR(b.value[k], expected, 1e-4) << "draw logit " << d << ", position " << k << ", scalar " << v;
    }
  }
  // The values differ: the inputs are not all at the far end of the tanh.
  EXPECT_GT(*std::max_element(a.value.begin(), a.value.end()) - *std::min_element(a.value.begin(), a.value.end()),
            0.1f);
  // It saves and loads as a win/draw/loss network, and is not converted twice.
  const auto wdl = original->WithWdlValue(-2.0f);
  const std::string path = TempPath("wdl.safetensors");
  wdl->Save(path);
  const auto loaded = Network::Load(path);
  EXPECT_EQ(loaded->config().wdl_value, 1);
  const Outputs c = RunNet(*loaded, input, batch);
  const Outputs b = RunNet(*wdl, input, batch);
  for (int k = 0; k < batch; ++k) EXPECT_NEAR(c.value[k], b.value[k], 1e-6f) << k;
  std::filesystem::remove(path);
  EXPECT_THROW(wdl->WithWdlValue(-2.0f), game::UserError);
}

TEST_F(NetworkTest, ForeignGameAndSizeAreRefusedByName) {
  auto loaded = Network::Load(path_);
  try {
    loaded->CheckFits(*game::MakeGame("go:9:komi=7"));
    FAIL();
  } catch (const game::UserError& e) {
    EXPECT_STREQ(e.what(), "the network is for go:5:komi=7, not go:9:komi=7");
  }
  EXPECT_THROW(loaded->CheckFits(*game::MakeGame("connect4")), game::UserError);
}

TEST_F(NetworkTest, CorruptFilesAreRefusedWithTheReason) {
  std::ifstream in(path_, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string bad = TempPath("bad.safetensors");
  const auto write = [&](const std::string& content) {
    std::ofstream(bad, std::ios::binary | std::ios::trunc) << content;
  };
  ExpectRefused(TempPath("missing.safetensors"), "cannot open");
  write(bytes.substr(0, 5));
  ExpectRefused(bad, "truncated");
  write(bytes.substr(0, 100));
  ExpectRefused(bad, "truncated");
  write(bytes.substr(0, bytes.size() - 7));
  ExpectRefused(bad, "truncated");
  write("GARBAGE!" + bytes.substr(8));
  ExpectRefused(bad, "not a safetensors file");
  std::string flipped = bytes;
  flipped[flipped.size() - 3] ^= 0x40;  // one bit of one weight
  write(flipped);
  ExpectRefused(bad, "corrupt");
  std::string broken_json = bytes;
  broken_json[8] = '[';
  write(broken_json);
  ExpectRefused(bad, "JSON");
  // Numbers the header holds must be integers: a 100-digit offset parses as
  // a float, whose conversion was undefined behaviour (found by fuzz_weights).
  const auto header_with = [](const std::string& json) {
    std::string out(8, '\0');
    for (int i = 0; i < 8; ++i) out[i] = static_cast<char>((json.size() >> (8 * i)) & 0xff);
    return out + json + std::string(8, '\0');
  };
  write(header_with(R"({"t":{"dtype":"F32","shape":[2],"data_offsets":[0,)" + std::string(100, '4') + "]}}"));
  ExpectRefused(bad, "data_offsets holds");
  write(header_with(R"({"t":{"dtype":"F32","shape":[1.5],"data_offsets":[0,8]}})"));
  ExpectRefused(bad, "shape holds 1.5");
  write(header_with(R"({"t":{"dtype":"F32","shape":[2],"data_offsets":[-8,0]}})"));
  ExpectRefused(bad, "negative data offset");
  write(header_with(R"({"t":{"dtype":"F32","shape":"2","data_offsets":[0,8]}})"));
  ExpectRefused(bad, "shape is not an array");

  // The hash covers the metadata: a file relabelled for another game (or
  // any other change to what it says it is) is corrupt.
  WeightsFile file = ReadWeightsFile(path_);
  EXPECT_EQ(file.metadata.at("hash_version"), "2");
  file.metadata["game"] = "go:7:komi=7";
  WriteWeightsFile(bad, file);
  ExpectRefused(bad, "corrupt: its tensors and metadata do not match its content hash");
  // Files from before hash version 2 hash their tensors only: a lie in
  // their metadata is caught by what it contradicts. Written here as such
  // a file with a consistent hash.
  file.metadata.erase("hash_version");
  file.metadata["content_hash"] = ContentHash(file.tensors);
  WriteWeightsFile(bad, file);
  ExpectRefused(bad, "metadata and tensors disagree with its game: the network's inputs");
  file.metadata["game"] = "go:5:komi=7";
  // Finite weights whose outputs are not: a negative batch-norm variance.
  WeightsFile negative = file;
  for (float& v : negative.tensors.at("input_bn.running_var").values) v = -1;
  negative.metadata["content_hash"] = ContentHash(negative.tensors);
  WriteWeightsFile(bad, negative);
  ExpectRefused(bad, "its policy for the empty board is not finite");
  // A header nested far too deep is refused, not a stack overflow.
  write(std::string("\x40\x0d\x03\x00\x00\x00\x00\x00", 8) + std::string(100000, '[') + std::string(100000, ']'));
  ExpectRefused(bad, "nested deeper than");
  file.metadata["blocks"] = "3";
  WriteWeightsFile(bad, file);
  ExpectRefused(bad, "architecture mismatch: no tensor 'blocks.2.conv1.weight' for 3 blocks x 16 channels");
  file.metadata["blocks"] = "2";
  file.metadata["channels"] = "32";
  WriteWeightsFile(bad, file);
  ExpectRefused(bad, "architecture mismatch: tensor 'input_conv.weight' has shape [16,22,3,3], 2 blocks x 32 channels needs [32,22,3,3]");
  file.metadata["channels"] = "16";
  file.metadata.erase("game");
  WriteWeightsFile(bad, file);
  ExpectRefused(bad, "metadata has no 'game'");
  file.metadata["game"] = "go:5:komi=7";
  file.metadata["format"] = "something-else";
  WriteWeightsFile(bad, file);
  ExpectRefused(bad, "not a Descent network");
  std::filesystem::remove(bad);
}

TEST(Network, CudaRefusedWithoutCuda) {
  auto g = game::MakeGame("tictactoe");
  try {
    Network::Random(DefaultNetConfig(*g), 1, "cuda");
  } catch (const game::UserError& e) {
    EXPECT_NE(std::string(e.what()).find("cuda"), std::string::npos);
  }
  EXPECT_THROW(Network::Random(DefaultNetConfig(*g), 1, "tpu"), game::UserError);
}

TEST(NetConfig, FlopsOfTheGo9x9Default) {
  auto g = game::MakeGame("go:9");
  const NetConfig c = DefaultNetConfig(*g);
  EXPECT_EQ(c.blocks, 6);
  EXPECT_EQ(c.channels, 32);
  EXPECT_EQ(c.input_planes, 22);  // go-v2
  // 12 block convolutions of 81 x 32 x 32 x 9 multiply-adds dominate; the
  // aux heads and global pooling add 0.1%.
  EXPECT_NEAR(FlopsPerEvaluation(c) / 1e6, 19.01, 0.01);
  NetConfig plain = c;
  plain.aux_heads = plain.global_pooling = 0;
  EXPECT_NEAR(FlopsPerEvaluation(plain) / 1e6, 18.99, 0.01);
}

}  // namespace
}  // namespace descent::net
