#pragma once
// safetensors files (https://huggingface.co/docs/safetensors): an 8-byte
// little-endian header length, a JSON header naming each tensor's dtype,
// shape and byte range (plus "__metadata__", string to string), then the raw
// little-endian data. Any PyTorch user can open them
// (safetensors.torch.load_file). Only F32 tensors are used here.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace descent::net {

struct Tensor {
  std::vector<int64_t> shape;
  std::vector<float> values;
};

struct WeightsFile {
  std::map<std::string, std::string> metadata;
  std::map<std::string, Tensor> tensors;
};

// Writes `file` to `path` atomically (a temporary file, flushed, then
// renamed): a crash leaves the old file or the new one, never half of one.
// Throws UserError when the file cannot be written.
void WriteWeightsFile(const std::string& path, const WeightsFile& file);

// Reads and checks a file. Throws UserError saying what is wrong: missing,
// truncated, a bad header, a tensor outside the data, an unsupported dtype.
WeightsFile ReadWeightsFile(const std::string& path);

// FNV-1a 64 over tensor names, shapes and values, as 16 hex digits: the
// network's identity, stored in the metadata as "content_hash".
std::string ContentHash(const std::map<std::string, Tensor>& tensors);
// The same hash as if `leading` were one more entry of `tensors` sorting
// before all of them, without copying the tensors.
std::string ContentHash(const std::map<std::string, Tensor>& tensors, const std::pair<std::string, Tensor>& leading);

}  // namespace descent::net
