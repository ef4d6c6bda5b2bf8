// libFuzzer target: a weights file's container as `descent gtp --net FILE`
// reads it (net/weights_file: the 8-byte length, the JSON header with its
// nesting bound, dtypes, shapes, byte ranges, metadata). Bad files must be
// refused with game::UserError. (The network's own checks of the metadata
// and its probe position sit behind LibTorch; see CMakeLists.txt.)
//
// With DESCENT_FUZZ_SEED_DIR set, writes small valid files there first (a
// seed corpus).
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "game/user_error.h"
#include "net/weights_file.h"

namespace {
std::string path;
}

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  using namespace descent::net;
  path = (std::filesystem::temp_directory_path() / ("descent_fuzz_weights_" + std::to_string(::getpid()))).string();
  if (const char* dir = std::getenv("DESCENT_FUZZ_SEED_DIR")) {
    std::filesystem::create_directories(dir);
    WeightsFile file;
    file.metadata = {{"game", "go:5:komi=0.5"}, {"blocks", "1"}, {"channels", "2"}, {"training_step", "7"}};
    file.tensors["input_conv.weight"] = {{2, 1, 3, 3}, std::vector<float>(18, 0.5f)};
    file.tensors["value_fc2.bias"] = {{1}, {0.25f}};
    file.metadata["content_hash"] = ContentHash(file.tensors);
    WriteWeightsFile(std::string(dir) + "/seed.safetensors", file);
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace descent;
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  try {
    const net::WeightsFile file = net::ReadWeightsFile(path);
    for (const auto& [name, tensor] : file.tensors) {
      size_t count = 1;
      for (const int64_t d : tensor.shape) count *= static_cast<size_t>(d);
      if (count != tensor.values.size()) std::abort();  // a shape that does not match its values
    }
    (void)net::ContentHash(file.tensors);
  } catch (const game::UserError&) {
  }
  return 0;
}
