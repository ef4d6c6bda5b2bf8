#pragma once
// PNG files of 8-bit RGB images (screenshots): written with zlib, and read
// back (the same kind only) for tests.

#include <array>
#include <string>
#include <vector>

namespace descent::gui {

struct RgbImage {
  int width = 0, height = 0;
  std::vector<unsigned char> pixels;  // row by row, 3 bytes per pixel
  // The pixel at (x, y): {r, g, b}.
  std::array<int, 3> At(int x, int y) const {
    const size_t i = (static_cast<size_t>(y) * width + x) * 3;
    return {pixels[i], pixels[i + 1], pixels[i + 2]};
  }
};

// Throws game::UserError when the file cannot be written.
void WritePng(const std::string& path, const RgbImage& image);
// Reads an 8-bit RGB, non-interlaced PNG; throws game::UserError otherwise.
RgbImage ReadPng(const std::string& path);

}  // namespace descent::gui
