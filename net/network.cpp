#include "net/network.h"

#include <algorithm>
#include <atomic>
#include <functional>
#include <map>
#include <chrono>
#include <cmath>
#include <cstring>
#include <thread>
#include <vector>

#include "game/user_error.h"
#include "game/go.h"
#include "game/registry.h"
#include "net/encoder.h"
#include "net/network_impl.h"
#include "net/weights_file.h"

namespace descent::net {
namespace {

using game::UserError;

torch::Device ParseDevice(const std::string& device) {
  if (device == "cpu") return torch::kCPU;
  if (device == "cuda") {
    if (!torch::cuda::is_available()) throw UserError("device 'cuda' asked for, but this LibTorch has no CUDA device");
    return torch::kCUDA;
  }
  throw UserError("unknown device '" + device + "' (cpu or cuda)");
}

FoldedConv Fold(const torch::nn::Conv2d& conv, const torch::nn::BatchNorm2d& bn, at::MemoryFormat format) {
  const auto scale = bn->weight / torch::sqrt(bn->running_var + bn->options.eps());
  FoldedConv f;
  f.weight = (conv->weight * scale.view({-1, 1, 1, 1})).contiguous(format);
  f.bias = (bn->bias - bn->running_mean * scale).contiguous();
  f.padding = conv->options.kernel_size()->at(0) / 2;
  return f;
}

// The layout of inference activations and folded weights. On the CPU, for
// networks of at least kChannelsLastMinChannels channels, channels-last
// (NHWC): oneDNN then convolves without reordering every activation to and
// from its blocked layout. `descent bench` on the quiet machine, the NCHW
// and NHWC binaries alternated (docs/bench.md, 2026-12-03 night): 6x96 on
// 9x9 faster in every figure (best raw 1,140 / 1,121 -> 1,305 / 1,271
// evals/s, self-play driver 1,040 / 1,023 -> 1,249 / 1,124 net evals/s,
// one-game 1,073 / 1,096 -> 1,214 / 1,147 visits/s); 6x32 faster raw (median
// 8,836 -> 9,978) but slower in the self-play driver (median 8,457 -> 7,584
// net evals/s), for a reason not found (the tower alone, at varying batch
// sizes, is faster in NHWC). 64 channels were not measured: off there.
// Results equal the NCHW path's to rounding. Elsewhere (CUDA) the
// framework's default.
constexpr int kChannelsLastMinChannels = 96;
at::MemoryFormat InferenceFormat(torch::Device device, int channels) {
  return device == torch::kCPU && channels >= kChannelsLastMinChannels ? at::MemoryFormat::ChannelsLast
                                                                       : at::MemoryFormat::Contiguous;
}

torch::Tensor Apply(const FoldedConv& c, const torch::Tensor& x) { return torch::conv2d(x, c.weight, c.bias, 1, c.padding); }

std::string Shape(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ',';
    s += std::to_string(shape[i]);
  }
  s += ']';
  return s;
}

int MetaInt(const WeightsFile& f, const std::string& key, const std::string& path) {
  const auto it = f.metadata.find(key);
  if (it == f.metadata.end()) throw UserError("weights file '" + path + "': metadata has no '" + key + "'");
  try {
    size_t used = 0;
    const long v = std::stol(it->second, &used);
    if (used != it->second.size() || v < 0 || v > 1000000) throw std::invalid_argument(key);
    return static_cast<int>(v);
  } catch (const std::exception&) {
    throw UserError("weights file '" + path + "': metadata '" + key + "' is '" + it->second + "', not a count");
  }
}

const std::string& MetaString(const WeightsFile& f, const std::string& key, const std::string& path) {
  const auto it = f.metadata.find(key);
  if (it == f.metadata.end()) throw UserError("weights file '" + path + "': metadata has no '" + key + "'");
  return it->second;
}

// The identity of a network: its tensors and, from hash version 2 on, the
// metadata that says what they are for (game, encoding, shape, heads), so a
// file relabelled for another game no longer matches its hash. Files saved
// before version 2 keep their tensors-only hash.
constexpr char kHashVersion[] = "2";
std::string NetworkHash(const std::map<std::string, Tensor>& tensors, const NetConfig& c) {
  const std::string described = c.game_spec + "|" + c.encoding + "|" + std::to_string(c.input_planes) + "|" +
                                std::to_string(c.height) + "|" + std::to_string(c.width) + "|" +
                                std::to_string(c.policy_size) + "|" + std::to_string(c.blocks) + "|" +
                                std::to_string(c.channels) + "|" + std::to_string(c.value_hidden) + "|" +
                                std::to_string(c.aux_heads) + "|" + std::to_string(c.global_pooling) +
                                // (only where set: older networks keep their hashes)
                                (c.wdl_value ? "|wdl" : "") + (c.opponent_policy ? "|opp" : "") +
                                (c.board_mask ? "|mask" : "");
  // Hashed as a leading "\x01config" tensor of the text's bytes (it sorts
  // before every parameter name).
  std::pair<std::string, Tensor> label{"\x01config", {}};
  label.second.shape = {static_cast<int64_t>(described.size())};
  for (char ch : described) label.second.values.push_back(static_cast<float>(static_cast<unsigned char>(ch)));
  return ContentHash(tensors, label);
}

constexpr char kFormat[] = "descent-resnet";
constexpr char kFormatVersion[] = "1";

}  // namespace

std::vector<std::pair<std::string, torch::Tensor>> NamedTensors(ResNet& model) {
  std::vector<std::pair<std::string, torch::Tensor>> out;
  for (const auto& p : model->named_parameters()) out.emplace_back(p.key(), p.value());
  for (const auto& b : model->named_buffers()) {
    if (b.key().find("num_batches_tracked") == std::string::npos) out.emplace_back(b.key(), b.value());
  }
  return out;
}

void Network::Impl::RefreshInference() {
  torch::NoGradGuard no_grad;
  model->eval();
  const auto format = InferenceFormat(device, model->config.channels);
  input = Fold(model->input_conv, model->input_bn, format);
  blocks.clear();
  pool.clear();
  for (const auto& b : *model->blocks) {
    auto* block = b->as<ResidualBlock>();
    blocks.emplace_back(Fold(block->conv1, block->bn1, format), Fold(block->conv2, block->bn2, format));
    pool.emplace_back();
    if (block->pool_fc) pool.back() = {block->pool_fc->weight.detach().clone(), block->pool_fc->bias.detach().clone()};
  }
  policy = Fold(model->policy_conv, model->policy_bn, format);
  value = Fold(model->value_conv, model->value_bn, format);
  winograd.clear();
  const int channels = model->config.channels;
  if (device == torch::kCPU && Winograd3x3::Supported() && Winograd3x3::Fits(channels, channels)) {
    const auto add = [&](const FoldedConv& f) {
      const auto weight = f.weight.contiguous();  // [out][in][3][3] whatever the inference layout
      const auto bias = f.bias.contiguous();
      winograd.emplace_back(weight.data_ptr<float>(), bias.data_ptr<float>(), channels, channels);
    };
    for (const auto& [first, second] : blocks) {
      add(first);
      add(second);
    }
  }
}

Network::Network(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Network::~Network() = default;

void Network::CheckDevice(const std::string& device) { ParseDevice(device); }

std::unique_ptr<Network> Network::Random(const NetConfig& config, uint64_t seed, const std::string& device) {
  torch::manual_seed(seed);
  auto impl = std::make_unique<Impl>(config, ParseDevice(device));
  impl->RefreshInference();
  return std::unique_ptr<Network>(new Network(std::move(impl)));
}

std::unique_ptr<Network> Network::Load(const std::string& path, const std::string& device) {
  const WeightsFile file = ReadWeightsFile(path);
  const auto fail = [&](const std::string& why) { return UserError("weights file '" + path + "': " + why); };
  if (MetaString(file, "format", path) != kFormat) throw fail("not a Descent network (format '" + file.metadata.at("format") + "')");
  if (MetaString(file, "format_version", path) != kFormatVersion) {
    throw fail("format version " + file.metadata.at("format_version") + " is not supported (this build reads " +
               kFormatVersion + ")");
  }
  NetConfig c;
  c.game_spec = MetaString(file, "game", path);
  c.encoding = MetaString(file, "encoding", path);
  c.input_planes = MetaInt(file, "input_planes", path);
  c.height = MetaInt(file, "height", path);
  c.width = MetaInt(file, "width", path);
  c.policy_size = MetaInt(file, "policy_size", path);
  c.blocks = MetaInt(file, "blocks", path);
  c.channels = MetaInt(file, "channels", path);
  c.value_hidden = MetaInt(file, "value_hidden", path);
  // Absent in files from before the aux heads and global pooling.
  c.aux_heads = file.metadata.count("aux_heads") ? MetaInt(file, "aux_heads", path) : 0;
  c.global_pooling = file.metadata.count("global_pooling") ? MetaInt(file, "global_pooling", path) : 0;
  c.wdl_value = file.metadata.count("wdl_value") ? MetaInt(file, "wdl_value", path) : 0;
  c.opponent_policy = file.metadata.count("opponent_policy") ? MetaInt(file, "opponent_policy", path) : 0;
  c.board_mask = file.metadata.count("board_mask") ? MetaInt(file, "board_mask", path) : 0;
  if (c.aux_heads > 1 || c.global_pooling > 1 || c.wdl_value > 1 || c.opponent_policy > 1 || c.board_mask > 1) {
    throw fail("metadata: aux_heads, global_pooling, wdl_value, opponent_policy and board_mask are 0 or 1");
  }
  if (c.input_planes < 1 || c.height < 1 || c.width < 1 || c.policy_size < 1 || c.channels < 1 || c.value_hidden < 1 ||
      c.blocks > 100 || c.channels > 4096) {
    throw fail("metadata describes an impossible network");
  }
  const std::string stored_hash = MetaString(file, "content_hash", path);
  const bool hash_v2 = file.metadata.count("hash_version") && file.metadata.at("hash_version") == kHashVersion;
  if ((hash_v2 ? NetworkHash(file.tensors, c) : ContentHash(file.tensors)) != stored_hash) {
    throw fail(hash_v2 ? "corrupt: its tensors and metadata do not match its content hash " + stored_hash
                       : "corrupt: its tensors do not match its content hash " + stored_hash);
  }
  // The metadata must describe a network for the game it names (a file
  // relabelled for another game would otherwise fill a smaller move buffer).
  std::unique_ptr<game::Game> game;
  try {
    game = game::MakeGame(c.game_spec);
  } catch (const UserError& e) {
    throw fail(std::string("metadata names no playable game: ") + e.what());
  }

  auto impl = std::make_unique<Impl>(c, torch::kCPU);
  const std::string arch = std::to_string(c.blocks) + " blocks x " + std::to_string(c.channels) + " channels";
  size_t matched = 0;
  {
    torch::NoGradGuard no_grad;
    for (auto& [name, tensor] : NamedTensors(impl->model)) {
      const auto it = file.tensors.find(name);
      if (it == file.tensors.end()) throw fail("architecture mismatch: no tensor '" + name + "' for " + arch);
      if (it->second.shape != tensor.sizes().vec()) {
        throw fail("architecture mismatch: tensor '" + name + "' has shape " + Shape(it->second.shape) + ", " + arch +
                   " needs " + Shape(tensor.sizes().vec()));
      }
      for (float v : it->second.values) {
        if (!std::isfinite(v)) throw fail("tensor '" + name + "' holds a non-finite value");
      }
      tensor.copy_(torch::from_blob(const_cast<float*>(it->second.values.data()), tensor.sizes(), torch::kFloat32));
      ++matched;
    }
  }
  if (matched != file.tensors.size()) throw fail("architecture mismatch: tensors beyond those of " + arch);
  // Lineage counts; absent in older files.
  const auto count = [&](const char* key) -> int64_t {
    const auto it = file.metadata.find(key);
    if (it == file.metadata.end()) return 0;
    try {
      size_t used = 0;
      const long long v = std::stoll(it->second, &used);
      if (used == it->second.size() && v >= 0) return v;
    } catch (const std::exception&) {
    }
    throw fail(std::string("metadata '") + key + "' is '" + it->second + "', not a count");
  };
  impl->info.training_step = count("training_step");
  impl->info.selfplay_games = count("selfplay_games");
  impl->info.selfplay_evals = count("selfplay_evals");
  impl->info.parent = file.metadata.count("parent") ? file.metadata.at("parent") : "";
  impl->info.content_hash = stored_hash;
  impl->device = ParseDevice(device);
  impl->model->to(impl->device);
  impl->RefreshInference();
  std::unique_ptr<Network> network(new Network(std::move(impl)));
  try {
    network->CheckFits(*game);
  } catch (const UserError& e) {
    throw fail(std::string("metadata and tensors disagree with its game: ") + e.what());
  }
  // A probe: the empty board must give finite outputs (finite weights can
  // still give NaN: a negative batch-norm variance, products past 3e38).
  const auto encoder = Encoder::ForGame(*game, c.encoding);
  std::vector<float> input(encoder->InputSize()), logits(c.policy_size);
  float value = 0;
  encoder->Encode(*game->NewInitialState(), 0, input.data());
  network->Forward(input.data(), 1, logits.data(), &value);
  for (float l : logits) {
    if (!std::isfinite(l)) throw fail("its policy for the empty board is not finite (broken weights)");
  }
  if (!std::isfinite(value)) throw fail("its value for the empty board is not finite (broken weights)");
  return network;
}

void Network::CheckFits(const game::Game& game) const {
  const NetConfig& c = config();
  // Go on a smaller board than the network's: played in its frame where the
  // network has a board mask.
  const auto* go = dynamic_cast<const game::GoGame*>(&game);
  const bool smaller_go = go && c.game_spec.rfind("go:", 0) == 0 && go->Size() < std::min(c.height, c.width);
  if (smaller_go && c.board_mask) {
    Encoder::ForGame(game, c.encoding);  // an encoding this build knows for Go
    return;
  }
  // Any encoding this build knows for the game (older networks keep theirs).
  const NetConfig expected = DefaultNetConfig(game, 0, 0, c.encoding);
  // Options the inputs do not show (komi, the move cap) may differ.
  const auto family = [](const std::string& spec) { return spec.substr(0, spec.find(":komi")); };
  if (family(c.game_spec) != family(expected.game_spec)) {
    throw UserError("the network is for " + c.game_spec + ", not " + expected.game_spec +
                    (smaller_go ? " (a smaller board needs a network with a board mask: train with --mixed-board)" : ""));
  }
  if (c.encoding != expected.encoding || c.input_planes != expected.input_planes || c.height != expected.height ||
      c.width != expected.width || c.policy_size != expected.policy_size) {
    throw UserError("the network's inputs (" + c.encoding + ", " + std::to_string(c.input_planes) +
                    " planes) do not match this build's encoding for " + expected.game_spec + " (" + expected.encoding +
                    ", " + std::to_string(expected.input_planes) + " planes)");
  }
}

namespace {

// The module's tensors as plain arrays (what a weights file stores).
std::map<std::string, Tensor> PlainTensors(ResNet& model) {
  std::map<std::string, Tensor> tensors;
  for (auto& [name, tensor] : NamedTensors(model)) {
    const auto t = tensor.detach().to(torch::kCPU).contiguous();
    Tensor out;
    out.shape = t.sizes().vec();
    out.values.assign(t.data_ptr<float>(), t.data_ptr<float>() + t.numel());
    tensors.emplace(name, std::move(out));
  }
  return tensors;
}

}  // namespace

std::unique_ptr<Network> Network::Clone() const {
  auto impl = std::make_unique<Impl>(config(), impl_->device);
  {
    torch::NoGradGuard no_grad;
    auto from = NamedTensors(impl_->model);
    auto to = NamedTensors(impl->model);
    for (size_t i = 0; i < from.size(); ++i) to[i].second.copy_(from[i].second);
  }
  impl->info = impl_->info;
  impl->info.content_hash = NetworkHash(PlainTensors(impl->model), impl->model->config);
  impl->RefreshInference();
  return std::unique_ptr<Network>(new Network(std::move(impl)));
}

std::unique_ptr<Network> Network::WithBoardMask() const {
  if (config().board_mask) throw UserError("the network already plays smaller boards (it has a board mask)");
  if (config().encoding.rfind("go-", 0) != 0) throw UserError("board masks are for Go networks, not " + config().game_spec);
  // The mask changes no tensor: a copy with the flag set (named in the hash).
  std::unique_ptr<Network> copy = Clone();
  Impl& m = *copy->impl_;
  m.model->config.board_mask = 1;
  m.info.parent = impl_->info.content_hash;
  m.info.content_hash = NetworkHash(PlainTensors(m.model), m.model->config);
  return copy;
}

namespace {

// Copies every tensor of `from_model` into the same-named tensor of `to` (same
// shape), except those whose names start with a prefix in `skip`; fails if
// `to` lacks one.
void CopyTensors(ResNet& from_model, ResNet& to, const std::vector<std::string>& skip, const char* what) {
  torch::NoGradGuard no_grad;
  std::map<std::string, torch::Tensor> from;
  for (auto& [name, tensor] : NamedTensors(from_model)) {
    const bool skipped =
        std::any_of(skip.begin(), skip.end(), [&](const std::string& prefix) { return name.rfind(prefix, 0) == 0; });
    if (!skipped) from.emplace(name, tensor);
  }
  size_t copied = 0;
  for (auto& [name, tensor] : NamedTensors(to)) {
    const auto it = from.find(name);
    if (it != from.end()) {
      tensor.copy_(it->second);
      ++copied;
    }
  }
  if (copied != from.size()) throw std::logic_error(std::string(what) + ": the new network lacks tensors of the original");
}

}  // namespace

std::unique_ptr<Network> Network::Deepen(int blocks) const {
  NetConfig c = config();
  if (blocks <= c.blocks) {
    throw UserError("a network of " + std::to_string(c.blocks) + " blocks can only be deepened to more blocks, not " +
                    std::to_string(blocks));
  }
  if (blocks > 100) throw UserError("at most 100 residual blocks, not " + std::to_string(blocks));
  const int old_blocks = c.blocks;
  c.blocks = blocks;
  torch::manual_seed(static_cast<uint64_t>(blocks) * 7919u);  // the new blocks' first convolutions
  auto impl = std::make_unique<Impl>(c, impl_->device);
  CopyTensors(impl_->model, impl->model, {}, "Deepen");
  {
    torch::NoGradGuard no_grad;
    for (int i = old_blocks; i < blocks; ++i) {
      auto* block = (*impl->model->blocks)[i]->as<ResidualBlock>();
      block->bn2->weight.zero_();
      block->bn2->bias.zero_();
    }
  }
  impl->info = impl_->info;
  impl->info.parent = impl_->info.content_hash;
  impl->info.content_hash = NetworkHash(PlainTensors(impl->model), impl->model->config);
  impl->RefreshInference();
  return std::unique_ptr<Network>(new Network(std::move(impl)));
}

std::unique_ptr<Network> Network::WithWdlValue(float draw_logit) const {
  NetConfig c = config();
  if (c.wdl_value) throw UserError("the network's value head already predicts win, draw and loss");
  c.wdl_value = 1;
  auto impl = std::make_unique<Impl>(c, impl_->device);
  CopyTensors(impl_->model, impl->model, {"value_fc2."}, "WithWdlValue");
  {
    // The scalar head's logit x (value tanh(x)) becomes the win logit x and
    // the loss logit -x: softmax gives P(win) - P(loss) = tanh(x) but for the
    // draw's share, whose logit is the constant `draw_logit`.
    torch::NoGradGuard no_grad;
    const auto& w = impl_->model->value_fc2->weight;  // [1, hidden]
    const auto& b = impl_->model->value_fc2->bias;    // [1]
    auto& fc = impl->model->value_fc2;
    fc->weight.select(0, 0).copy_(w.select(0, 0));
    fc->weight.select(0, 1).zero_();
    fc->weight.select(0, 2).copy_(-w.select(0, 0));
    fc->bias.select(0, 0).copy_(b.select(0, 0));
    fc->bias.select(0, 1).fill_(draw_logit);
    fc->bias.select(0, 2).copy_(-b.select(0, 0));
  }
  impl->info = impl_->info;
  impl->info.parent = impl_->info.content_hash;
  impl->info.content_hash = NetworkHash(PlainTensors(impl->model), impl->model->config);
  impl->RefreshInference();
  return std::unique_ptr<Network>(new Network(std::move(impl)));
}

std::string Network::Save(const std::string& path) {
  WeightsFile file;
  file.tensors = PlainTensors(impl_->model);
  const NetConfig& c = config();
  impl_->info.content_hash = NetworkHash(file.tensors, c);
  file.metadata = {
      {"format", kFormat},
      {"format_version", kFormatVersion},
      {"game", c.game_spec},
      {"encoding", c.encoding},
      {"input_planes", std::to_string(c.input_planes)},
      {"height", std::to_string(c.height)},
      {"width", std::to_string(c.width)},
      {"policy_size", std::to_string(c.policy_size)},
      {"blocks", std::to_string(c.blocks)},
      {"channels", std::to_string(c.channels)},
      {"value_hidden", std::to_string(c.value_hidden)},
      {"aux_heads", std::to_string(c.aux_heads)},
      {"global_pooling", std::to_string(c.global_pooling)},
      {"wdl_value", std::to_string(c.wdl_value)},
      {"opponent_policy", std::to_string(c.opponent_policy)},
      {"board_mask", std::to_string(c.board_mask)},
      {"training_step", std::to_string(impl_->info.training_step)},
      {"selfplay_games", std::to_string(impl_->info.selfplay_games)},
      {"selfplay_evals", std::to_string(impl_->info.selfplay_evals)},
      {"parent", impl_->info.parent},
      {"content_hash", impl_->info.content_hash},
      {"hash_version", kHashVersion},
  };
  WriteWeightsFile(path, file);
  return impl_->info.content_hash;
}

const NetConfig& Network::config() const { return impl_->model->config; }
const NetworkInfo& Network::info() const { return impl_->info; }

void Network::SetLineage(int64_t training_step, const std::string& parent) {
  impl_->info.training_step = training_step;
  impl_->info.parent = parent;
}

void Network::SetSelfPlayTotals(int64_t games, int64_t evals) {
  impl_->info.selfplay_games = games;
  impl_->info.selfplay_evals = evals;
}

void Network::Forward(const float* input, int batch, float* policy_logits, float* values, float* ownership,
                      float* score) const {
  const Impl& m = *impl_;
  const NetConfig& c = config();
  c10::InferenceMode guard;
  auto x = torch::from_blob(const_cast<float*>(input), {batch, c.input_planes, c.height, c.width}, torch::kFloat32);
  if (m.device != torch::kCPU) x = x.to(m.device);
  x = x.contiguous(InferenceFormat(m.device, c.channels));
  const ResNetImpl& net = *m.model;
  // Mixed board sizes: off-board points are zeroed after every layer, as
  // the training module does. A batch of full boards skips it (the mask is
  // all ones there).
  torch::Tensor mask;
  if (c.board_mask) {
    mask = BoardMask(x).contiguous();
    if (mask.min().item<float>() >= 1.0f) mask = torch::Tensor();
  }
  const auto masked = [&](torch::Tensor t) { return mask.defined() ? t.mul_(mask) : t; };
  auto h = masked(Apply(m.input, x).relu_());
  const bool winograd = !m.winograd.empty() && Winograd3x3::Enabled();
  // The tower; with Winograd in channels-last (NHWC) memory, as its kernel
  // reads and writes it (the pooling bias runs on the same tensors).
  const auto layout = torch::TensorOptions().dtype(torch::kFloat32).memory_format(at::MemoryFormat::ChannelsLast);
  if (winograd) h = h.contiguous(at::MemoryFormat::ChannelsLast);
  for (size_t i = 0; i < m.blocks.size(); ++i) {
    const auto convolve = [&](int which, const torch::Tensor& in, const torch::Tensor* residual) {
      if (!winograd) {
        auto out = Apply(which == 0 ? m.blocks[i].first : m.blocks[i].second, in);
        return residual ? out.add_(*residual).relu_() : out.relu_();
      }
      auto out = torch::empty({batch, c.channels, c.height, c.width}, layout);
      m.winograd[2 * i + which].Run(in.data_ptr<float>(), batch, c.height, c.width,
                                    residual ? residual->data_ptr<float>() : nullptr, out.data_ptr<float>());
      return out;
    };
    auto y = masked(convolve(0, h, nullptr));
    const auto& [pool_weight, pool_bias] = m.pool[i];
    if (pool_weight.defined()) {
      masked(y.add_(torch::linear(GlobalPool(y, mask), pool_weight, pool_bias).unsqueeze(2).unsqueeze(3)));
    }
    h = masked(convolve(1, y, &h));
  }
  // The heads in the layout they were folded for.
  if (winograd) h = h.contiguous(InferenceFormat(m.device, c.channels));
  auto p = torch::linear(masked(Apply(m.policy, h).relu_()).flatten(1), net.policy_fc->weight, net.policy_fc->bias);
  auto value_in = masked(Apply(m.value, h).relu_()).flatten(1);
  if (c.global_pooling) value_in = torch::cat({value_in, GlobalPool(h, mask)}, 1);
  // The value head's hidden layer also feeds the score head.
  const auto hidden = torch::linear(value_in, net.value_fc1->weight, net.value_fc1->bias).relu_();
  auto v = torch::linear(hidden, net.value_fc2->weight, net.value_fc2->bias);
  if (!c.wdl_value) v = v.tanh_().squeeze(1);
  p = p.to(torch::kCPU).contiguous();
  v = v.to(torch::kCPU).contiguous();
  std::memcpy(policy_logits, p.data_ptr<float>(), sizeof(float) * batch * c.policy_size);
  if (c.wdl_value) {
    // P(win) - P(loss) from the three logits, here rather than by four
    // LibTorch calls (a softmax, two selects, a subtraction on a [batch, 3]
    // tensor: 5-12 us a call at batch 8-64 on this machine, against under
    // 1 us here; either is under 1% of a Connect Four net call).
    const float* logits = v.data_ptr<float>();
    for (int k = 0; k < batch; ++k) {
      const float* l = logits + 3 * k;
      const float top = std::max({l[0], l[1], l[2]});
      const float win = std::exp(l[0] - top), draw = std::exp(l[1] - top), loss = std::exp(l[2] - top);
      values[k] = (win - loss) / (win + draw + loss);
    }
  } else {
    std::memcpy(values, v.data_ptr<float>(), sizeof(float) * batch);
  }
  if (!c.aux_heads || (!ownership && !score)) return;
  if (ownership) {
    auto o = torch::conv2d(h, net.ownership_conv->weight, net.ownership_conv->bias).flatten(1).tanh_();
    o = o.to(torch::kCPU).contiguous();
    std::memcpy(ownership, o.data_ptr<float>(), sizeof(float) * o.numel());
  }
  if (score) {
    // The head predicts score / points (targets are scaled so).
    auto s = torch::linear(hidden, net.score_fc->weight, net.score_fc->bias).squeeze(1) * float(c.height * c.width);
    s = s.to(torch::kCPU).contiguous();
    std::memcpy(score, s.data_ptr<float>(), sizeof(float) * batch);
  }
}

void Network::ForwardReference(const float* input, int batch, float* policy_logits, float* values, float* ownership,
                               float* score) const {
  const Impl& m = *impl_;
  const NetConfig& c = config();
  torch::NoGradGuard no_grad;
  const auto model = m.model.ptr();
  const bool was_training = model->is_training();
  model->eval();
  auto x = torch::from_blob(const_cast<float*>(input), {batch, c.input_planes, c.height, c.width}, torch::kFloat32);
  const NetOutputs out = model->forward(x.to(m.device));
  if (was_training) model->train();
  const auto copy = [](const torch::Tensor& t, float* to) {
    const auto cpu = t.to(torch::kCPU).contiguous();
    std::memcpy(to, cpu.data_ptr<float>(), sizeof(float) * cpu.numel());
  };
  copy(out.policy, policy_logits);
  copy(out.value, values);
  if (!c.aux_heads) return;
  if (ownership) copy(out.ownership.tanh(), ownership);
  if (score) copy(out.score * float(c.height * c.width), score);
}

void Network::SetThreadsForThisThread(int threads) { at::set_num_threads(std::max(1, threads)); }

namespace {

// The rate (GFLOP/s) of `threads` single-threaded workers running `kernel`
// at once: each builds its operands and warms up, all start together, each
// runs `calls` calls; total FLOPs over the wall time. Best of `rounds`.
double ConcurrentRate(int threads, const std::function<std::function<void()>()>& kernel, double flops_per_call,
                      int calls, int rounds = 3) {
  double best = 0;
  for (int round = 0; round < rounds; ++round) {
    std::atomic<int> ready{0};
    std::atomic<bool> go{false};
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
      workers.emplace_back([&] {
        Network::SetThreadsForThisThread(1);
        c10::InferenceMode guard;
        const std::function<void()> run = kernel();
        run();  // warm-up
        ready.fetch_add(1);
        while (!go.load()) std::this_thread::yield();
        for (int i = 0; i < calls; ++i) run();
      });
    }
    while (ready.load() < threads) std::this_thread::yield();
    const auto start = std::chrono::steady_clock::now();
    go = true;
    for (auto& w : workers) w.join();
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    best = std::max(best, threads * calls * flops_per_call / s / 1e9);
  }
  return best;
}

}  // namespace

double Network::MeasurePeakGflops(int threads) {
  // Single-threaded workers all running at once, as the inference server
  // runs them: a 1024 x 1024 matrix multiply (BLAS) and a dense 3x3
  // convolution at a size where oneDNN's direct convolution does its best
  // (the kernel of the residual tower); the faster of the two. The matmul
  // alone read 29 to 123 GFLOP/s per thread here while the net's
  // convolutions reached 110: a floor, not a peak.
  threads = std::max(1, threads);
  const int64_t n = 1024;
  const double mm = ConcurrentRate(
      threads,
      [n] {
        auto a = torch::randn({n, n}), b = torch::randn({n, n}), out = torch::empty({n, n});
        return std::function<void()>([a, b, out]() mutable { torch::mm_out(out, a, b); });
      },
      2.0 * n * n * n, 8);
  const int64_t batch = 16, channels = 128, side = 19;
  const double conv = ConcurrentRate(
      threads,
      [=] {
        auto x = torch::randn({batch, channels, side, side}), w = torch::randn({channels, channels, 3, 3});
        return std::function<void()>([x, w] { (void)torch::conv2d(x, w, {}, 1, 1); });
      },
      2.0 * batch * channels * channels * 9 * side * side, 4);
  return std::max(mm, conv);
}

}  // namespace descent::net
