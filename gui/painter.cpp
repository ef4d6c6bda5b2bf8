#include "gui/painter.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "game/user_error.h"

namespace descent::gui {

namespace {

SDL_Color Sdl(Colour c) { return {c.r, c.g, c.b, c.a}; }
uint32_t Packed(Colour c) { return (uint32_t{c.r} << 24) | (uint32_t{c.g} << 16) | (uint32_t{c.b} << 8) | c.a; }

// Rendered-text entries kept at most; a GUI frame draws far fewer.
constexpr size_t kMaxCachedTexts = 512;

}  // namespace

Painter::Painter(SDL_Renderer* renderer, const std::string& font_path) : renderer_(renderer), font_path_(font_path) {
  SDL_SetRenderDrawBlendMode(renderer_, SDL_BLENDMODE_BLEND);
  Font(16);  // fails now, with a message, rather than in the middle of a frame
}

Painter::~Painter() {
  for (auto& [key, entry] : text_cache_) SDL_DestroyTexture(std::get<0>(entry));
  for (auto& [size, font] : fonts_) TTF_CloseFont(font);
}

TTF_Font* Painter::Font(int size) {
  size = std::max(6, size);
  auto it = fonts_.find(size);
  if (it != fonts_.end()) return it->second;
  TTF_Font* font = TTF_OpenFont(font_path_.c_str(), size);
  if (!font) throw game::UserError("cannot open the font " + font_path_ + ": " + TTF_GetError());
  fonts_[size] = font;
  return font;
}

void Painter::Clear(Colour c) {
  SDL_SetRenderDrawColor(renderer_, c.r, c.g, c.b, c.a);
  SDL_RenderClear(renderer_);
}

void Painter::FillRect(float x, float y, float w, float h, Colour c) {
  SDL_SetRenderDrawColor(renderer_, c.r, c.g, c.b, c.a);
  const SDL_FRect r{x, y, w, h};
  SDL_RenderFillRectF(renderer_, &r);
}

void Painter::OutlineRect(float x, float y, float w, float h, float t, Colour c) {
  FillRect(x, y, w, t, c);
  FillRect(x, y + h - t, w, t, c);
  FillRect(x, y, t, h, c);
  FillRect(x + w - t, y, t, h, c);
}

void Painter::Line(float x0, float y0, float x1, float y1, float thickness, Colour c) {
  const float dx = x1 - x0, dy = y1 - y0, length = std::sqrt(dx * dx + dy * dy);
  if (length <= 0) return;
  const float nx = -dy / length * thickness / 2, ny = dx / length * thickness / 2;
  const SDL_Color colour = Sdl(c);
  const SDL_Vertex v[4] = {{{x0 + nx, y0 + ny}, colour, {0, 0}},
                           {{x1 + nx, y1 + ny}, colour, {0, 0}},
                           {{x1 - nx, y1 - ny}, colour, {0, 0}},
                           {{x0 - nx, y0 - ny}, colour, {0, 0}}};
  const int indices[6] = {0, 1, 2, 0, 2, 3};
  SDL_RenderGeometry(renderer_, nullptr, v, 4, indices, 6);
}

void Painter::Disc(float cx, float cy, float radius, Colour c, float shade) {
  // A fan of triangles; then a one-pixel band whose outer edge is
  // transparent, which blends the edge into what is below (antialiasing).
  const int segments = std::clamp(static_cast<int>(radius * 1.5f), 24, 180);
  std::vector<SDL_Vertex> v;
  std::vector<int> idx;
  const auto lit = [&](float ux, float uy) {
    // Lighter towards the top-left: a simple highlight for stones.
    const float f = shade * std::max(0.0f, -(ux + uy) * 0.7071f);
    const auto mix = [&](uint8_t ch) { return static_cast<uint8_t>(std::min(255.0f, ch + (255 - ch) * f)); };
    return SDL_Color{mix(c.r), mix(c.g), mix(c.b), c.a};
  };
  v.push_back({{cx, cy}, lit(-0.35f, -0.35f), {0, 0}});
  for (int i = 0; i <= segments; ++i) {
    const float a = 2 * static_cast<float>(M_PI) * i / segments;
    const float ux = std::cos(a), uy = std::sin(a);
    v.push_back({{cx + ux * (radius - 0.5f), cy + uy * (radius - 0.5f)}, lit(ux * 0.6f, uy * 0.6f), {0, 0}});
    SDL_Color edge = lit(ux * 0.6f, uy * 0.6f);
    edge.a = 0;
    v.push_back({{cx + ux * (radius + 0.5f), cy + uy * (radius + 0.5f)}, edge, {0, 0}});
  }
  for (int i = 0; i < segments; ++i) {
    const int inner = 1 + 2 * i, outer = inner + 1, next_inner = inner + 2, next_outer = inner + 3;
    idx.insert(idx.end(), {0, inner, next_inner, inner, outer, next_outer, inner, next_outer, next_inner});
  }
  SDL_RenderGeometry(renderer_, nullptr, v.data(), static_cast<int>(v.size()), idx.data(), static_cast<int>(idx.size()));
}

void Painter::Ring(float cx, float cy, float radius, float thickness, Colour c) {
  const int segments = std::clamp(static_cast<int>(radius * 1.5f), 24, 180);
  std::vector<SDL_Vertex> v;
  std::vector<int> idx;
  const SDL_Color colour = Sdl(c);
  SDL_Color clear = colour;
  clear.a = 0;
  const float r[4] = {radius - thickness / 2 - 0.5f, radius - thickness / 2 + 0.5f, radius + thickness / 2 - 0.5f,
                      radius + thickness / 2 + 0.5f};
  for (int i = 0; i <= segments; ++i) {
    const float a = 2 * static_cast<float>(M_PI) * i / segments, ux = std::cos(a), uy = std::sin(a);
    for (int k = 0; k < 4; ++k) v.push_back({{cx + ux * r[k], cy + uy * r[k]}, k == 0 || k == 3 ? clear : colour, {0, 0}});
  }
  for (int i = 0; i < segments; ++i) {
    for (int k = 0; k < 3; ++k) {
      const int a = 4 * i + k, b = a + 1, c2 = a + 4, d = a + 5;
      idx.insert(idx.end(), {a, b, d, a, d, c2});
    }
  }
  SDL_RenderGeometry(renderer_, nullptr, v.data(), static_cast<int>(v.size()), idx.data(), static_cast<int>(idx.size()));
}

SDL_Texture* Painter::TextTexture(const std::string& text, int size, Colour c, int* w, int* h) {
  const auto key = std::make_tuple(text, size, Packed(c));
  auto it = text_cache_.find(key);
  if (it == text_cache_.end()) {
    if (text_cache_.size() >= kMaxCachedTexts) {
      for (auto& [k, entry] : text_cache_) SDL_DestroyTexture(std::get<0>(entry));
      text_cache_.clear();
    }
    SDL_Surface* surface = TTF_RenderUTF8_Blended(Font(size), text.c_str(), Sdl(c));
    if (!surface) return nullptr;
    SDL_Texture* texture = SDL_CreateTextureFromSurface(renderer_, surface);
    it = text_cache_.emplace(key, std::make_tuple(texture, surface->w, surface->h)).first;
    SDL_FreeSurface(surface);
  }
  *w = std::get<1>(it->second);
  *h = std::get<2>(it->second);
  return std::get<0>(it->second);
}

float Painter::Text(const std::string& text, float x, float y, int size, Colour c, Align align) {
  if (text.empty()) return 0;
  int w = 0, h = 0;
  SDL_Texture* texture = TextTexture(text, size, c, &w, &h);
  if (!texture) return 0;
  const float left = align == Align::kLeft ? x : align == Align::kCentre ? x - w / 2.0f : x - w;
  const SDL_FRect dst{std::round(left), std::round(y - h / 2.0f), static_cast<float>(w), static_cast<float>(h)};
  SDL_RenderCopyF(renderer_, texture, nullptr, &dst);
  return static_cast<float>(w);
}

float Painter::TextWidth(const std::string& text, int size) {
  int w = 0, h = 0;
  TTF_SizeUTF8(Font(size), text.c_str(), &w, &h);
  return static_cast<float>(w);
}

}  // namespace descent::gui
