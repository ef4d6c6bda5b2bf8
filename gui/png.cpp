#include "gui/png.h"

#include <zlib.h>

#include <cstring>
#include <fstream>
#include <sstream>

#include "game/user_error.h"

namespace descent::gui {

namespace {

constexpr unsigned char kSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

void Put32(std::string* out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out->push_back(static_cast<char>((v >> shift) & 0xff));
}

uint32_t Get32(const unsigned char* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

void Chunk(std::string* out, const char* type, const std::string& data) {
  Put32(out, static_cast<uint32_t>(data.size()));
  const std::string typed = std::string(type, 4) + data;
  out->append(typed);
  Put32(out, static_cast<uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(typed.data()), static_cast<uInt>(typed.size()))));
}

}  // namespace

void WritePng(const std::string& path, const RgbImage& image) {
  // Each row: filter byte 0 (none), then the pixels.
  const size_t row = static_cast<size_t>(image.width) * 3;
  std::string raw;
  raw.reserve((row + 1) * image.height);
  for (int y = 0; y < image.height; ++y) {
    raw.push_back(0);
    raw.append(reinterpret_cast<const char*>(image.pixels.data() + y * row), row);
  }
  uLongf packed_size = compressBound(static_cast<uLong>(raw.size()));
  std::string packed(packed_size, '\0');
  if (compress2(reinterpret_cast<Bytef*>(packed.data()), &packed_size, reinterpret_cast<const Bytef*>(raw.data()),
                static_cast<uLong>(raw.size()), 6) != Z_OK) {
    throw game::UserError("cannot compress the image for " + path);
  }
  packed.resize(packed_size);
  std::string header;
  Put32(&header, static_cast<uint32_t>(image.width));
  Put32(&header, static_cast<uint32_t>(image.height));
  header += std::string("\x08\x02\x00\x00\x00", 5);  // 8 bits, RGB, deflate, no filter variants, no interlace
  std::string file(reinterpret_cast<const char*>(kSignature), 8);
  Chunk(&file, "IHDR", header);
  Chunk(&file, "IDAT", packed);
  Chunk(&file, "IEND", "");
  std::ofstream out(path, std::ios::binary);
  out << file;
  if (!out) throw game::UserError("cannot write " + path);
}

RgbImage ReadPng(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  const std::string file = bytes.str();
  const auto fail = [&](const char* why) { return game::UserError(path + ": " + why); };
  if (file.size() < 8 || std::memcmp(file.data(), kSignature, 8) != 0) throw fail("not a PNG file");
  RgbImage image;
  std::string packed;
  for (size_t at = 8; at + 12 <= file.size();) {
    const auto* p = reinterpret_cast<const unsigned char*>(file.data() + at);
    const uint32_t length = Get32(p);
    if (at + 12 + length > file.size()) throw fail("truncated chunk");
    const std::string type(file.data() + at + 4, 4);
    const std::string data = file.substr(at + 8, length);
    if (type == "IHDR") {
      const auto* h = reinterpret_cast<const unsigned char*>(data.data());
      image.width = static_cast<int>(Get32(h));
      image.height = static_cast<int>(Get32(h + 4));
      if (h[8] != 8 || h[9] != 2 || h[12] != 0) throw fail("only 8-bit RGB non-interlaced PNG is read");
    } else if (type == "IDAT") {
      packed += data;
    }
    at += 12 + length;
  }
  const size_t row = static_cast<size_t>(image.width) * 3;
  std::vector<unsigned char> raw((row + 1) * image.height);
  uLongf raw_size = static_cast<uLongf>(raw.size());
  if (uncompress(raw.data(), &raw_size, reinterpret_cast<const Bytef*>(packed.data()), static_cast<uLong>(packed.size())) !=
          Z_OK ||
      raw_size != raw.size()) {
    throw fail("bad image data");
  }
  image.pixels.resize(row * image.height);
  for (int y = 0; y < image.height; ++y) {
    if (raw[y * (row + 1)] != 0) throw fail("only unfiltered rows are read");
    std::memcpy(image.pixels.data() + y * row, raw.data() + y * (row + 1) + 1, row);
  }
  return image;
}

}  // namespace descent::gui
