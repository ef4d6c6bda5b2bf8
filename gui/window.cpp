#include "gui/window.h"

#include <SDL_ttf.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "game/go.h"
#include "game/sgf.h"
#include "game/user_error.h"
#include "gui/png.h"

namespace descent::gui {

using game::UserError;
using Clock = std::chrono::steady_clock;

namespace {

// A scripted `wait` longer than this means the engine is stuck: the script
// fails instead of hanging a test.
constexpr auto kScriptWaitLimit = std::chrono::seconds(300);

}  // namespace

std::string PlayerName(const game::Game& g, int player) {
  return g.Traits().player_names[player == 0 ? 0 : 1];
}

Window::Window(const GuiParams& params) : params_(params), human_(params.human) {
  engine::EngineParams ep;
  ep.inference.threads = params.threads;
  ep.search = params.search;
  ep.allow_resign = true;
  ep.analysis_with_unvisited = true;  // priors of every move: the heat map
  network_path_ = params.network_path;
  engine_ = engine::Engine::FromFile(network_path_, ep);
  game_spec_ = engine_->game().Spec();
  if (const auto* go = dynamic_cast<const game::GoGame*>(&engine_->game()); go && (params.go_size > 0 || params.komi)) {
    char spec[64];
    std::snprintf(spec, sizeof spec, "go:%d:komi=%g", params.go_size > 0 ? params.go_size : go->Size(),
                  params.komi ? *params.komi : go->Komi());
    game_spec_ = spec;
  } else if (params.go_size > 0 || params.komi) {
    throw UserError("--size and --komi are for Go; this network plays " + engine_->game().Spec());
  }
  engine_->NewGame(game_spec_);  // refuses a network for another game or size, with a message
  thinker_ = std::make_unique<Thinker>(*engine_);
  view_ = engine_->state().Clone();

  if (!params.script.empty()) {
    std::ifstream in(params.script);
    if (!in) throw UserError("cannot read the script " + params.script);
    for (std::string line; std::getline(in, line);) {
      if (line.find_first_not_of(" \t") == std::string::npos || line[line.find_first_not_of(" \t")] == '#') continue;
      script_.push_back(line);
    }
  }
  if (SDL_Init(SDL_INIT_VIDEO) != 0) {
    throw UserError(std::string("cannot open a window: ") + SDL_GetError() +
                    " (is there a display? set DISPLAY, or run under xvfb-run)");
  }
  // Without a display SDL falls back to drivers that draw nowhere: a person
  // would wait for a window that never comes. Only a user who asks for one
  // (SDL_VIDEODRIVER) gets it.
  const std::string driver = SDL_GetCurrentVideoDriver() ? SDL_GetCurrentVideoDriver() : "";
  const char* asked = std::getenv("SDL_VIDEODRIVER");
  if ((driver == "offscreen" || driver == "dummy") && !(asked && driver == asked)) {
    SDL_Quit();
    throw UserError("cannot open a window: no display (is there a display? set DISPLAY, or run under xvfb-run)");
  }
  if (TTF_Init() != 0) throw UserError(std::string("cannot start SDL_ttf: ") + TTF_GetError());
  window_ = SDL_CreateWindow("Descent", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, params.width, params.height,
                             SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI);
  if (!window_) throw UserError(std::string("cannot open a window: ") + SDL_GetError());
  SDL_SetWindowMinimumSize(window_, 480, 360);
  renderer_ = SDL_CreateRenderer(window_, -1, SDL_RENDERER_PRESENTVSYNC);
  if (!renderer_) renderer_ = SDL_CreateRenderer(window_, -1, SDL_RENDERER_SOFTWARE);
  if (!renderer_) throw UserError(std::string("cannot draw in the window: ") + SDL_GetError());
  if (!std::filesystem::exists(params.font)) {
    throw UserError("font " + params.font + " is missing (Debian package fonts-dejavu-core)");
  }
  painter_ = std::make_unique<Painter>(renderer_, params.font);
  buttons_ = {{"New game", "N", SDLK_n, {}}, {"Undo", "U", SDLK_u, {}},      {"Pass", "P", SDLK_p, {}},
              {"Resign", "R", SDLK_r, {}},   {"Swap sides", "W", SDLK_w, {}}, {"Heat map", "H", SDLK_h, {}},
              {"Save", "S", SDLK_s, {}},     {"Help", "F1", SDLK_F1, {}}};
  Say(std::string("You play ") + PlayerName(engine_->game(), human_) + ". Press F1 for help.");
}

Window::~Window() {
  thinker_.reset();  // stop the search before the engine goes
  painter_.reset();
  if (renderer_) SDL_DestroyRenderer(renderer_);
  if (window_) SDL_DestroyWindow(window_);
  TTF_Quit();
  SDL_Quit();
}

void Window::Say(const std::string& message) {
  message_ = message;
  message_time_ = Clock::now();
}

Pixel Window::ToOutput(int x, int y) const {
  int ww = 1, wh = 1;
  SDL_GetWindowSize(window_, &ww, &wh);
  return {x * static_cast<float>(width_) / std::max(1, ww), y * static_cast<float>(height_) / std::max(1, wh)};
}

void Window::HandleEvent(const SDL_Event& e) {
  switch (e.type) {
    case SDL_QUIT: quit_ = true; break;
    case SDL_MOUSEMOTION: mouse_ = ToOutput(e.motion.x, e.motion.y); break;
    case SDL_WINDOWEVENT:
      if (e.window.event == SDL_WINDOWEVENT_LEAVE) mouse_.reset();
      break;
    case SDL_MOUSEBUTTONDOWN:
      if (e.button.button == SDL_BUTTON_LEFT) {
        const Pixel p = ToOutput(e.button.x, e.button.y);
        HandleClick(p.x, p.y);
      }
      break;
    case SDL_KEYDOWN: HandleKey(e.key.keysym.sym); break;
    default: break;
  }
}

void Window::HandleKey(SDL_Keycode key) {
  if (show_help_ && key != SDLK_F1) {
    show_help_ = false;
    if (key == SDLK_ESCAPE) return;
  }
  switch (key) {
    case SDLK_n: NewGame(); break;
    case SDLK_u: Undo(); break;
    case SDLK_p:
      if (!engine_->game().Traits().has_pass) {
        Say("There is no passing in this game.");
      } else {
        HumanMove(static_cast<const game::GoGame&>(engine_->game()).PassMove());
      }
      break;
    case SDLK_r: Resign(); break;
    case SDLK_w: SwapSides(); break;
    case SDLK_h:
      show_heatmap_ = !show_heatmap_;
      Say(show_heatmap_ ? "Heat map on: the network's prior for each move." : "Heat map off.");
      break;
    case SDLK_s: SaveRecord(); break;
    case SDLK_F1:
    case SDLK_QUESTION:
    case SDLK_SLASH: show_help_ = !show_help_; break;
    case SDLK_ESCAPE:
    case SDLK_q: quit_ = true; break;
    default: break;
  }
}

void Window::HandleClick(float x, float y) {
  if (show_help_) {
    show_help_ = false;
    return;
  }
  for (const Button& b : buttons_) {
    if (b.rect.Contains(x, y)) return HandleKey(b.key);
  }
  const game::Move move = Layout().MoveAt(x, y);
  if (move != game::kNoMove) HumanMove(move);
}

void Window::HumanMove(game::Move move) {
  const game::Game& g = engine_->game();
  if (game_over_) return Say("The game is over: N starts a new one.");
  if (thinker_->busy() || view_->ToMove() != human_) return Say("Descent is thinking; wait for its move.");
  if (!view_->IsLegal(move)) {
    return Say(g.MoveToText(move) + (g.Traits().board_style == game::GameTraits::BoardStyle::kColumns ? ": that column is full."
                                                                                         : " is not a legal move here."));
  }
  Apply(move);
  Say("You played " + g.MoveToText(move) + ".");
  CheckGameOver();
}

void Window::Apply(game::Move move) {
  engine_->Play(move);
  view_->Play(move);
  thinker_->ClearAnalysis();
}

// The engine's side: start a search when it is to move, and play its move
// when the search is done. Called every frame.
void Window::EngineTurn() {
  if (thinker_->busy()) {
    const auto analysis = thinker_->Latest();
    if (!analysis.candidates.empty() && analysis.candidates.front().visits > 0) {
      engine_winrate_ = analysis.candidates.front().winrate;
    }
    const std::optional<engine::ThinkResult> result = thinker_->TakeResult();
    if (!result) return;
    if (result->move == game::kNoMove) {
      game_over_ = true;
      result_ = "Descent resigns: you win.";
      Say(result_);
      return;
    }
    engine_winrate_ = result->winrate;
    const std::string text = engine_->game().MoveToText(result->move);
    Apply(result->move);  // its candidates were for the position before: cleared
    Say("Descent played " + text + ".");
    CheckGameOver();
    return;
  }
  if (!game_over_ && view_->ToMove() != human_) {
    thinker_->Start(mcts::SearchLimits{params_.seconds > 0 ? 1 << 30 : params_.visits, params_.seconds});
  }
}

void Window::CheckGameOver() {
  if (!view_->IsTerminal()) return;
  game_over_ = true;
  const game::Game& g = engine_->game();
  if (dynamic_cast<const game::GoGame*>(&g)) {
    const auto& go = static_cast<const game::GoState&>(*view_);
    const auto [black, white] = go.Area();
    const std::string score = game::ResultText(go);
    const float komi = static_cast<const game::GoGame&>(g).Komi();
    std::ostringstream text;
    text << score << ": Black " << black << ", White " << white << " + " << komi << " komi";
    result_ = text.str();
  } else {
    const float outcome = view_->Outcome(0);
    result_ = outcome == 0 ? "A draw." : PlayerName(g, outcome > 0 ? 0 : 1) + " wins.";
  }
  const float mine = view_->Outcome(human_);
  Say(mine > 0 ? "You win! S saves the game, N starts another." : mine < 0 ? "Descent wins. N starts another game."
                                                                        : "A draw. N starts another game.");
}

void Window::NewGame() {
  thinker_->Cancel();
  if (params_.newest_network) {
    try {
      const std::string newest = params_.newest_network();
      if (newest != network_path_) {
        engine_->SwapNetwork(newest);
        network_path_ = newest;
        Say("Playing the newest network: " + std::filesystem::path(newest).filename().string());
      }
    } catch (const UserError& e) {
      Say(std::string("Keeping the current network: ") + e.what());
    }
  }
  engine_->NewGame(game_spec_);
  view_ = engine_->state().Clone();
  game_over_ = false;
  result_.clear();
  engine_winrate_ = 0.5f;
  thinker_->ClearAnalysis();
}

void Window::Undo() {
  thinker_->Cancel();
  if (engine_->moves().empty()) return Say("Nothing to undo.");
  engine_->Undo();
  while (!engine_->moves().empty() && engine_->state().ToMove() != human_) engine_->Undo();
  view_ = engine_->state().Clone();
  game_over_ = false;
  result_.clear();
  thinker_->ClearAnalysis();
  Say("Move taken back.");
}

void Window::SwapSides() {
  thinker_->Cancel();
  human_ = 1 - human_;
  thinker_->ClearAnalysis();
  Say(std::string("You now play ") + PlayerName(engine_->game(), human_) + ".");
}

void Window::Resign() {
  if (game_over_) return;
  thinker_->Cancel();
  game_over_ = true;
  result_ = "You resigned: Descent wins.";
  Say(result_);
}

void Window::SaveRecord(const std::string& path_in) {
  const game::Game& g = engine_->game();
  std::string path = path_in;
  if (path.empty()) {
    char stamp[32];
    const std::time_t now = std::time(nullptr);
    std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", std::localtime(&now));
    std::string spec = g.Spec();
    for (char& c : spec) c = (c == ':' || c == '=') ? '-' : c;
    path = (std::filesystem::path(params_.sgf_dir) / ("descent-" + spec + "-" + stamp + (dynamic_cast<const game::GoGame*>(&g) ? ".sgf" : ".txt")))
               .string();
  }
  std::string text;
  const std::string you = "You", net = "Descent (" + std::filesystem::path(network_path_).filename().string() + ")";
  if (dynamic_cast<const game::GoGame*>(&g)) {
    game::SgfRecord record = game::RecordOf(static_cast<const game::GoState&>(*view_));
    record.black_name = human_ == 0 ? you : net;
    record.white_name = human_ == 0 ? net : you;
    if (game_over_ && record.result.empty()) record.result = result_.find("You resigned") == 0 ? (human_ == 0 ? "W+R" : "B+R")
                                                                                              : (human_ == 0 ? "B+R" : "W+R");
    text = game::WriteSgf(record);
  } else {
    text = "game: " + g.Spec() + "\n" + PlayerName(g, 0) + ": " + (human_ == 0 ? you : net) + "\n" + PlayerName(g, 1) +
           ": " + (human_ == 1 ? you : net) + "\nresult: " + (game_over_ ? result_ : std::string("unfinished")) +
           "\nmoves:";
    for (game::Move m : view_->MoveHistory()) {
      text += ' ';
      text += g.MoveToText(m);
    }
    text += '\n';
  }
  std::ofstream out(path);
  out << text;
  Say(out ? "Saved " + path : "Cannot write " + path);
}

void Window::Screenshot(const std::string& path) {
  RgbImage image;
  image.width = width_;
  image.height = height_;
  image.pixels.resize(static_cast<size_t>(width_) * height_ * 3);
  if (SDL_RenderReadPixels(renderer_, nullptr, SDL_PIXELFORMAT_RGB24, image.pixels.data(), width_ * 3) != 0) {
    throw UserError(std::string("cannot read the window's pixels: ") + SDL_GetError());
  }
  WritePng(path, image);
}

bool Window::Waiting() const { return thinker_->busy() || (!game_over_ && view_->ToMove() != human_); }

void Window::PushMouse(Uint32 type, float x, float y) {
  // Scripts give output pixels; events carry window coordinates.
  int ww = 1, wh = 1;
  SDL_GetWindowSize(window_, &ww, &wh);
  SDL_Event e{};
  e.type = type;
  const int wx = static_cast<int>(x * ww / std::max(1, width_)), wy = static_cast<int>(y * wh / std::max(1, height_));
  if (type == SDL_MOUSEMOTION) {
    e.motion.x = wx;
    e.motion.y = wy;
  } else {
    e.button.button = SDL_BUTTON_LEFT;
    e.button.x = wx;
    e.button.y = wy;
  }
  SDL_PushEvent(&e);
}

// One scripted action per frame, so that each is handled and drawn before
// the next. Returns false when the script is over.
bool Window::RunScriptStep() {
  if (script_waiting_) {
    if (Waiting()) {
      if (Clock::now() > script_deadline_) throw UserError("script: the engine did not move in time");
      return true;
    }
    script_waiting_ = false;
  }
  if (Clock::now() < script_wait_until_) return true;
  if (script_.empty()) return false;
  std::istringstream line(script_.front());
  const std::string text = script_.front();
  script_.pop_front();
  std::string command;
  line >> command;
  const game::Game& g = engine_->game();
  if (command == "click" || command == "hover") {
    std::string where;
    line >> where;
    const BoardLayout layout = Layout();
    Pixel p;
    float x = 0, y = 0;
    if (std::istringstream(where) >> x && line >> y) {
      p = {x, y};
    } else {
      const game::Move move = g.ParseMove(where);
      p = g.Traits().board_style == game::GameTraits::BoardStyle::kColumns ? layout.CellCenter(move, 0) : layout.CellCenter(move % layout.columns(), move / layout.columns());
    }
    PushMouse(SDL_MOUSEMOTION, p.x, p.y);
    if (command == "click") {
      PushMouse(SDL_MOUSEBUTTONDOWN, p.x, p.y);
      PushMouse(SDL_MOUSEBUTTONUP, p.x, p.y);
    }
  } else if (command == "hover-candidate") {  // the Nth most visited move of the running search
    size_t n = 1;
    line >> n;
    std::vector<engine::CandidateMove> visited;
    for (const auto& c : thinker_->Latest().candidates) {
      if (c.visits > 0) visited.push_back(c);
    }
    if (n >= 1 && n <= visited.size()) {
      const Pixel p = Layout().MoveCenter(*view_, visited[n - 1].move);
      PushMouse(SDL_MOUSEMOTION, p.x, p.y);
    }
  } else if (command == "button") {
    std::string label;
    std::getline(line >> std::ws, label);
    for (const Button& b : buttons_) {
      if (b.label == label) {
        PushMouse(SDL_MOUSEBUTTONDOWN, b.rect.x + b.rect.w / 2, b.rect.y + b.rect.h / 2);
        PushMouse(SDL_MOUSEBUTTONUP, b.rect.x + b.rect.w / 2, b.rect.y + b.rect.h / 2);
      }
    }
  } else if (command == "key") {
    std::string name;
    line >> name;
    SDL_Event e{};
    e.type = SDL_KEYDOWN;
    e.key.keysym.sym = SDL_GetKeyFromName(name.c_str());
    if (e.key.keysym.sym == SDLK_UNKNOWN) throw UserError("script: unknown key '" + name + "'");
    SDL_PushEvent(&e);
  } else if (command == "wait") {
    script_waiting_ = true;
    script_deadline_ = Clock::now() + kScriptWaitLimit;
  } else if (command == "sleep") {
    int ms = 0;
    line >> ms;
    script_wait_until_ = Clock::now() + std::chrono::milliseconds(ms);
  } else if (command == "screenshot") {
    line >> pending_screenshot_;
  } else if (command == "save") {
    std::string path;
    line >> path;
    SaveRecord(path);
  } else if (command == "resize") {
    int w = 0, h = 0;
    line >> w >> h;
    SDL_SetWindowSize(window_, w, h);
  } else if (command == "expect-over") {
    if (!game_over_) {
      std::fprintf(stderr, "descent gui: script: the game is not over\n");
      exit_status_ = 1;
    }
  } else if (command == "quit") {
    return false;
  } else {
    throw UserError("script: cannot read '" + text + "'");
  }
  return true;
}

int Window::Run() {
  const bool scripted = !params_.script.empty();
  while (!quit_) {
    SDL_GetRendererOutputSize(renderer_, &width_, &height_);
    SDL_Event e;
    // Idle: wait for an event up to a frame; busy: poll.
    if (SDL_WaitEventTimeout(&e, thinker_->busy() || scripted ? 5 : 30)) {
      HandleEvent(e);
      while (SDL_PollEvent(&e)) HandleEvent(e);
    }
    EngineTurn();
    if (scripted && !RunScriptStep()) quit_ = true;
    Draw();
    if (!pending_screenshot_.empty()) {
      Screenshot(pending_screenshot_);
      pending_screenshot_.clear();
    }
    SDL_RenderPresent(renderer_);
  }
  return exit_status_;
}

int RunGui(const GuiParams& params) {
  Window window(params);
  return window.Run();
}

}  // namespace descent::gui
