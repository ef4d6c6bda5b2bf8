#pragma once
// Internal to gui/: the window's state, split over window.cpp (events,
// actions, the engine's turns, the script) and scene.cpp (drawing).

#include <SDL.h>

#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "gui/board_layout.h"
#include "gui/gui_app.h"
#include "gui/painter.h"
#include "gui/thinker.h"

namespace descent::gui {

// A side's name as the game calls it: Black/White, Red/Yellow, X/O.
std::string PlayerName(const game::Game& game, int player);

struct Button {
  std::string label, key_hint;
  SDL_Keycode key;
  Rect rect;  // output pixels, set when drawn
};

class Window {
 public:
  explicit Window(const GuiParams& params);
  ~Window();
  int Run();

 private:
  // window.cpp
  void HandleEvent(const SDL_Event& event);
  void HandleKey(SDL_Keycode key);
  void HandleClick(float x, float y);
  void HumanMove(game::Move move);
  void Apply(game::Move move);  // the engine and the view, in step
  void EngineTurn();
  void NewGame();
  void Undo();
  void SwapSides();
  void Resign();
  void SaveRecord(const std::string& path = "");
  void CheckGameOver();
  void Say(const std::string& message);
  bool RunScriptStep();  // false when the script is done
  bool Waiting() const;  // the engine is still to move or thinking
  void Screenshot(const std::string& path);
  void PushMouse(Uint32 type, float x, float y);
  Pixel ToOutput(int x, int y) const;  // window -> output pixels (high-DPI)

  // scene.cpp
  void Draw();
  void DrawBoard(const BoardLayout& layout);
  void DrawGo(const BoardLayout& layout);
  void DrawConnectFour(const BoardLayout& layout);
  void DrawTicTacToe(const BoardLayout& layout);
  void DrawPiece(const BoardLayout& layout, Pixel at, int player, float alpha, const std::string& label = "");
  void DrawThinking(const BoardLayout& layout, const Thinker::Analysis& analysis);
  void DrawPanel(const Rect& panel, const Thinker::Analysis& analysis);
  void DrawHelp();
  BoardLayout Layout() const;
  Rect PanelRect() const;

  GuiParams params_;
  SDL_Window* window_ = nullptr;
  SDL_Renderer* renderer_ = nullptr;
  std::unique_ptr<Painter> painter_;
  std::unique_ptr<engine::Engine> engine_;
  std::unique_ptr<Thinker> thinker_;
  std::string network_path_;
  std::string game_spec_;
  std::unique_ptr<game::State> view_;  // the position as drawn (the engine's may be busy)
  int human_ = 0;
  bool game_over_ = false;
  std::string result_;
  float engine_winrate_ = 0.5f;  // the network's own win chance, last known
  bool show_heatmap_ = true;
  bool show_help_ = false;
  bool quit_ = false;
  std::optional<Pixel> mouse_;  // output pixels
  std::string message_;
  std::chrono::steady_clock::time_point message_time_;
  std::vector<Button> buttons_;
  int width_ = 0, height_ = 0;  // output pixels

  // Scripted mode.
  std::deque<std::string> script_;
  std::chrono::steady_clock::time_point script_wait_until_;
  std::chrono::steady_clock::time_point script_deadline_;  // of a `wait`
  bool script_waiting_ = false;
  std::string pending_screenshot_;
  int exit_status_ = 0;
};

}  // namespace descent::gui
