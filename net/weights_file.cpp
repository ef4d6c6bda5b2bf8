#include "net/weights_file.h"

#include <cstdio>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fcntl.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "game/user_error.h"
#include "net/bounded_json.h"

namespace descent::net {
namespace {

using game::UserError;
using Json = nlohmann::json;

// A header bigger than this is not one of ours (safetensors itself caps it
// at 100 MB); refusing early avoids allocating for garbage.
constexpr uint64_t kMaxHeaderBytes = 100 << 20;

uint64_t Fnv(const void* data, size_t n, uint64_t h) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 0x100000001b3ULL;
  return h;
}

uint64_t HashEntry(const std::string& name, const Tensor& t, uint64_t h) {
  h = Fnv(name.data(), name.size(), h);
  h = Fnv(t.shape.data(), t.shape.size() * sizeof(int64_t), h);
  return Fnv(t.values.data(), t.values.size() * sizeof(float), h);
}

std::string Hex(uint64_t h) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace

std::string ContentHash(const std::map<std::string, Tensor>& tensors) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (const auto& [name, t] : tensors) h = HashEntry(name, t, h);
  return Hex(h);
}

std::string ContentHash(const std::map<std::string, Tensor>& tensors, const std::pair<std::string, Tensor>& leading) {
  uint64_t h = HashEntry(leading.first, leading.second, 0xcbf29ce484222325ULL);
  for (const auto& [name, t] : tensors) h = HashEntry(name, t, h);
  return Hex(h);
}

void WriteWeightsFile(const std::string& path, const WeightsFile& file) {
  Json header = Json::object();
  header["__metadata__"] = file.metadata;
  uint64_t offset = 0;
  for (const auto& [name, t] : file.tensors) {
    const uint64_t bytes = t.values.size() * sizeof(float);
    header[name] = {{"dtype", "F32"}, {"shape", t.shape}, {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
  }
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');  // align the data, as the format recommends
  const uint64_t n = text.size();
  unsigned char length[8];
  for (int i = 0; i < 8; ++i) length[i] = static_cast<unsigned char>(n >> (8 * i));

  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(length), 8);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    for (const auto& [name, t] : file.tensors) {
      out.write(reinterpret_cast<const char*>(t.values.data()), static_cast<std::streamsize>(t.values.size() * 4));
    }
    out.flush();
    if (!out) throw UserError("cannot write weights file '" + tmp + "'");
  }
  const int fd = ::open(tmp.c_str(), O_RDONLY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) throw UserError("cannot rename '" + tmp + "' to '" + path + "'");
}

namespace {

// A header array of integers, each within int64 (BoundedInt): anything else
// (a float such as 7e98, which nlohmann would convert with undefined
// behaviour; found by fuzz_weights) is a malformed file.
template <typename Fail>
std::vector<int64_t> Integers(const Json& array, const std::string& tensor, const char* field, const Fail& fail) {
  if (!array.is_array()) throw fail("tensor " + game::Quoted(tensor) + ": " + field + " is not an array");
  std::vector<int64_t> out;
  for (const Json& v : array) {
    try {
      out.push_back(BoundedInt(v, INT64_MIN, INT64_MAX));
    } catch (const Json::exception&) {
      throw fail("tensor " + game::Quoted(tensor) + ": " + field + " holds " + game::Quoted(v.dump()));
    }
  }
  return out;
}

}  // namespace

WeightsFile ReadWeightsFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UserError("cannot open weights file '" + path + "'");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  const std::string bytes = buffer.str();
  const auto fail = [&](const std::string& why) { return UserError("weights file '" + path + "': " + why); };

  if (bytes.size() < 8) throw fail("truncated (" + std::to_string(bytes.size()) + " bytes, no header)");
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | static_cast<unsigned char>(bytes[i]);
  if (n > kMaxHeaderBytes) throw fail("not a safetensors file (header length " + std::to_string(n) + ")");
  if (8 + n > bytes.size()) throw fail("truncated (header needs " + std::to_string(n) + " bytes)");
  Json header;
  try {
    header = ParseBoundedJson(bytes.begin() + 8, bytes.begin() + 8 + static_cast<std::ptrdiff_t>(n));
  } catch (const Json::exception& e) {
    throw fail(std::string("header is not valid JSON: ") + e.what());
  }
  if (!header.is_object()) throw fail("header is not a JSON object");

  WeightsFile file;
  const uint64_t data_size = bytes.size() - 8 - n;
  const char* data = bytes.data() + 8 + n;
  uint64_t used = 0;
  try {
    for (const auto& [name, entry] : header.items()) {
      if (name == "__metadata__") {
        file.metadata = entry.get<std::map<std::string, std::string>>();
        continue;
      }
      if (entry.at("dtype") != "F32") throw fail("tensor " + game::Quoted(name) + " has dtype " + game::Quoted(entry.at("dtype").dump()) + ", not F32");
      Tensor t;
      t.shape = Integers(entry.at("shape"), name, "shape", fail);
      std::vector<uint64_t> offsets;
      for (int64_t o : Integers(entry.at("data_offsets"), name, "data_offsets", fail)) {
        if (o < 0) throw fail("tensor " + game::Quoted(name) + " has a negative data offset");
        offsets.push_back(static_cast<uint64_t>(o));
      }
      uint64_t count = 1;
      for (int64_t d : t.shape) {
        // Each dimension, and the element count, bounded so the product
        // cannot overflow (2^32 floats: far more than any network here).
        if (d < 0 || d > (1 << 28)) throw fail("tensor " + game::Quoted(name) + " has a bad shape");
        count *= static_cast<uint64_t>(d);
        if (count > (uint64_t{1} << 32)) throw fail("tensor " + game::Quoted(name) + " has too many elements");
      }
      if (offsets.size() != 2 || offsets[0] > offsets[1] || offsets[1] - offsets[0] != count * 4) {
        throw fail("tensor " + game::Quoted(name) + ": byte range does not match its shape");
      }
      if (offsets[1] > data_size) {
        throw fail("truncated (tensor " + game::Quoted(name) + " ends at byte " + std::to_string(offsets[1]) + " of " +
                   std::to_string(data_size) + ")");
      }
      t.values.resize(count);
      std::memcpy(t.values.data(), data + offsets[0], count * 4);
      used += count * 4;
      file.tensors.emplace(name, std::move(t));
    }
  } catch (const Json::exception& e) {
    throw fail(std::string("malformed header: ") + e.what());
  }
  if (used != data_size) throw fail("data size " + std::to_string(data_size) + " does not match its tensors");
  return file;
}

}  // namespace descent::net
