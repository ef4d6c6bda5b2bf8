// descent selfplay: a self-play worker for a remote trainer (descent train
// --listen). Needs only this binary: the game, the settings and the network
// come from the trainer; finished games wait in a local spool until the
// trainer has committed them. The worker is selfplay::RemoteWorker; this
// file reads options and prints.

#include <unistd.h>

#include <cstdio>

#include "app/command.h"
#include "app/console.h"
#include "app/options_cli.h"
#include "game/user_error.h"
#include "mcts/search_options.h"
#include "selfplay/remote_worker.h"
#include "selfplay/trainer_client.h"

namespace descent::app {
namespace {

struct Options {
  selfplay::RemoteWorkerParams p;
  std::string token_file;
};

}  // namespace

RunFn DeclareSelfPlay(CLI::App* sub) {
  auto o = std::make_shared<Options>();
  sub->description(
      "A self-play worker for a trainer started with 'descent train --listen HOST:PORT': downloads the newest\n"
      "network, plays games, uploads them, switches networks as they come. Finished games wait in --spool until\n"
      "the trainer has stored them, so the trainer may go away and come back.");
  sub->add_option("--server", o->p.server, "the trainer's URL, http://HOST:PORT")->required();
  sub->add_option("--token", o->p.token, "bearer token (prefer --token-file: a command line is visible to every local user in /proc)");
  sub->add_option("--token-file", o->token_file, "read the token from this file (the trainer's RUN/token)");
  sub->add_option("--spool", o->p.spool, "directory for games not yet acknowledged")->capture_default_str();
  sub->add_option("--name", o->p.name, "this worker's name in the trainer's status (default HOST-PID)");
  sub->add_option("--games", o->p.games, "concurrent games (0: the trainer's setting)")->check(CLI::Range(0, 4096));
  sub->add_option("--threads", o->p.threads, "inference workers")->check(CLI::Range(1, 64))->capture_default_str();
  sub->add_option("--device", o->p.device, "where the network runs: cpu, or cuda (a CUDA LibTorch build)")
      ->capture_default_str();
  sub->add_option("--batch-games", o->p.batch_games, "games per upload")->check(CLI::Range(1, 10000))->capture_default_str();
  sub->add_option("--upload-seconds", o->p.upload_seconds, "upload at least this often while games wait")
      ->check(CLI::Range(0.0, 3600.0))
      ->capture_default_str();
  sub->add_option("--poll-seconds", o->p.poll_seconds, "ask for a newer network this often")
      ->check(CLI::Range(0.1, 3600.0))
      ->capture_default_str();
  sub->add_option("--max-spool-games", o->p.max_spool_games, "games kept on disk at most; self-play pauses at the bound")
      ->check(CLI::Range(1, 100000000))
      ->capture_default_str();
  sub->add_option("--max-backoff", o->p.max_backoff_seconds, "longest wait between retries, seconds")
      ->check(CLI::Range(0.1, 3600.0))
      ->capture_default_str();
  sub->add_option("--minutes", o->p.minutes, "stop after this long (0: until Ctrl-C)")->check(CLI::NonNegativeNumber);
  sub->add_option("--seed", o->p.seed, "random seed (0: a random one)");
  BindOptions(sub, mcts::SearchOptions(), &o->p.search, "Search");
  return [o] {
    selfplay::RemoteWorkerParams p = o->p;
    if (p.token.empty()) {
      if (o->token_file.empty()) throw game::UserError("give --token or --token-file (the trainer's RUN/token)");
      p.token = selfplay::ReadTokenFile(o->token_file);
    }
    const bool tty = isatty(fileno(stdout));
    selfplay::RemoteWorkerOutput out;
    out.status = [tty](const std::string& line, bool final) { PrintStatusLine(line, tty, final); };
    out.status_seconds = tty ? 1.0 : 30.0;
    out.message = [tty](const std::string& line) {
      if (tty) std::printf("\r\033[K");
      std::printf("%s\n", line.c_str());
      std::fflush(stdout);
    };
    out.warning = [](const std::string& line) { std::fprintf(stderr, "descent selfplay: %s\n", line.c_str()); };
    selfplay::RemoteWorker worker(p, out);
    const selfplay::RemoteWorkerSummary s = worker.Run(&StopOnInterrupt());
    std::printf("finished %llu games (%llu net evaluations); stored by the trainer %lld, duplicates %lld, stale %lld, "
                "refused %lld; waiting in the spool %lld\n",
                static_cast<unsigned long long>(s.games), static_cast<unsigned long long>(s.evals),
                static_cast<long long>(s.uploaded),
                static_cast<long long>(s.duplicates), static_cast<long long>(s.stale),
                static_cast<long long>(s.rejected), static_cast<long long>(s.spooled));
    if (s.dropped > 0) std::printf("%lld games dropped: the spool was full\n", static_cast<long long>(s.dropped));
    if (s.spooled > 0) {
      std::printf("%lld games wait in %s; the next worker started there sends them\n",
                  static_cast<long long>(s.spooled), p.spool.c_str());
    }
    return 0;
  };
}

}  // namespace descent::app
