#pragma once
// Drawing on an SDL renderer: antialiased discs and rings, thick lines,
// rectangles, and text with a real font (SDL2_ttf). Coordinates are output
// pixels. Used from the GUI thread only.

#include <SDL.h>
#include <SDL_ttf.h>

#include <map>
#include <string>
#include <tuple>

namespace descent::gui {

struct Colour {
  uint8_t r = 0, g = 0, b = 0, a = 255;
};

enum class Align { kLeft, kCentre, kRight };

class Painter {
 public:
  // Opens the font (a TrueType file); throws game::UserError when it cannot.
  Painter(SDL_Renderer* renderer, const std::string& font_path);
  ~Painter();
  Painter(const Painter&) = delete;
  Painter& operator=(const Painter&) = delete;

  void Clear(Colour c);
  void FillRect(float x, float y, float w, float h, Colour c);
  void OutlineRect(float x, float y, float w, float h, float thickness, Colour c);
  // A line `thickness` pixels wide (a quad, so any width looks right).
  void Line(float x0, float y0, float x1, float y1, float thickness, Colour c);
  // A disc with a one-pixel antialiased edge; `shade` lightens the top-left
  // for a stone's highlight (0: flat).
  void Disc(float cx, float cy, float radius, Colour c, float shade = 0);
  void Ring(float cx, float cy, float radius, float thickness, Colour c);
  // Text of `size` pixels at (x, y): y is the text's vertical centre.
  // Returns the text's width.
  float Text(const std::string& text, float x, float y, int size, Colour c, Align align = Align::kLeft);
  float TextWidth(const std::string& text, int size);

 private:
  TTF_Font* Font(int size);
  SDL_Texture* TextTexture(const std::string& text, int size, Colour c, int* w, int* h);

  SDL_Renderer* renderer_;
  std::string font_path_;
  std::map<int, TTF_Font*> fonts_;
  // Rendered text, kept while it is drawn every frame; cleared when large.
  std::map<std::tuple<std::string, int, uint32_t>, std::tuple<SDL_Texture*, int, int>> text_cache_;
};

}  // namespace descent::gui
