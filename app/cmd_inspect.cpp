// descent inspect: the run page of any run directory, running or finished
// (trainer/run_inspector.h; docs/inspect.md).

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>
#include <tuple>

#include "app/command.h"
#include "app/console.h"
#include "app/run_dir.h"
#include "game/registry.h"
#include "game/user_error.h"
#include "selfplay/game_record.h"
#include "selfplay/trainer_client.h"
#include "trainer/run_inspector.h"
#include "trainer/server.h"

namespace descent::app {
namespace {

namespace fs = std::filesystem;

struct InspectOptions {
  std::string run;
  std::string listen = "127.0.0.1:8471";
  std::string token_file;
  std::string get;  // print one endpoint's JSON and exit
  int64_t max_positions = trainer::InspectParams{}.max_positions;
};

// The run's replay window: its config.ini's `window` when set, else the
// game's default (what the training run itself uses).
int64_t RunWindow(const std::string& run, const game::Game& game) {
  std::ifstream in(fs::path(run) / "config.ini");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("window=", 0) == 0) {
      try {
        const int64_t w = std::stoll(line.substr(7));
        if (w > 0) return w;
      } catch (const std::exception&) {
        break;
      }
    }
  }
  return game.Traits().window;
}

int Inspect(const InspectOptions& o) {
  const auto store = OpenRunStore(o.run);
  const auto spec = store->GetState("game");
  if (!spec) throw game::UserError("run '" + o.run + "' names no game yet");
  const auto game = game::MakeGame(*spec);
  trainer::InspectParams params;
  params.window = RunWindow(o.run, *game);
  params.max_positions = o.max_positions;
  trainer::RunInspector inspector(*store, o.run, params);

  if (!o.get.empty()) {
    const size_t q = o.get.find('?');
    const trainer::InspectReply reply = inspector.Get(o.get.substr(0, q), trainer::ParseQuery(o.get));
    std::printf("%s\n", reply.body.c_str());
    return reply.status == 200 ? 0 : 1;
  }

  trainer::ServerParams server;
  std::tie(server.host, server.port) = trainer::ParseListenAddress(o.listen);
  // The token guards the data when the page listens beyond loopback; on
  // loopback the server still wants one, and a fresh one serves nobody.
  server.token = o.token_file.empty() ? "" : selfplay::ReadTokenFile(o.token_file);
  if (server.token.empty() && fs::exists(fs::path(o.run) / "token")) {
    server.token = selfplay::ReadTokenFile((fs::path(o.run) / "token").string());
  }
  const bool loopback = server.host == "127.0.0.1" || server.host == "::1";
  if (server.token.empty()) {
    if (!loopback) {
      throw game::UserError("listening on " + server.host + " serves the run's data beyond this machine: give a token "
                            "(--token-file, or RUN/token)");
    }
    server.token = selfplay::NewUuid();
  }
  trainer::TrainerServer http(*game, inspector, server);
  const auto& stop = StopOnInterrupt();
  std::printf("run page: http://%s:%d/run%s  (Ctrl-C stops)\n", server.host.c_str(), http.port(),
              loopback ? "" : "?token=... (the run's token)");
  std::fflush(stdout);
  while (!stop.load()) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  return 0;
}

}  // namespace

RunFn DeclareInspect(CLI::App* sub) {
  auto o = std::make_shared<InspectOptions>();
  sub->description(
      "Serve the run page of a run directory, running or finished: live charts (losses, strength with 95%\n"
      "intervals, Elo, speed, self-play outcomes), a game browser with the network's policy and value and\n"
      "the search's targets, the most surprising positions of the training window, value calibration,\n"
      "solver disagreements, and the networks' lineage. Read-only. docs/inspect.md documents the JSON.");
  sub->add_option("--run", o->run, "run directory")->required();
  sub->add_option("--listen", o->listen, "HOST:PORT to serve on (port 0: any free one); beyond loopback the "
                                         "data needs the run's token")
      ->capture_default_str();
  sub->add_option("--token-file", o->token_file, "the token guarding the data (default: RUN/token)");
  sub->add_option("--max-positions", o->max_positions,
                  "positions one dataset view evaluates at most (bounds its time)")
      ->check(CLI::Range(int64_t{1}, int64_t{10000000}))
      ->capture_default_str();
  sub->add_option("--get", o->get, "print the JSON of one endpoint (e.g. '/api/surprise?limit=5') and exit");
  return [o] { return Inspect(*o); };
}

}  // namespace descent::app
