// descent status: what a run directory holds.

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>

#include "app/command.h"
#include "game/user_error.h"
#include "app/run_dir.h"

namespace descent::app {

RunFn DeclareStatus(CLI::App* sub) {
  auto run = std::make_shared<std::string>();
  sub->description("Print what a run holds: game, games, samples, networks, the newest evaluations.");
  sub->add_option("--run", *run, "run directory")->required();
  return [run] {
    const auto opened = OpenRunStore(*run);
    const trainer::Store& store = *opened;
    const auto networks = store.Networks();
    std::printf("game %s\ngames %lld\nsamples %lld\nnetworks %zu\n", store.GetState("game").value_or("?").c_str(),
                static_cast<long long>(store.GameCount()), static_cast<long long>(store.SampleCount()), networks.size());
    // Self-play net evaluations of this run (as of its newest network),
    // local and by remote workers' games.
    const auto count = [&](const char* key) {
      const auto v = store.GetState(key);
      return v ? std::atoll(v->c_str()) : 0LL;
    };
    const long long remote = count("selfplay.remote_evals");
    std::printf("evals %lld (%lld by remote workers)\n", count("selfplay.evals") + remote, remote);
    if (!networks.empty()) {
      std::printf("newest network %s (step %lld, %s)\n", networks.back().hash.c_str(),
                  static_cast<long long>(networks.back().step), networks.back().path.c_str());
    }
    std::map<std::string, trainer::MetricRow> latest;
    for (const auto& m : store.Metrics("eval.")) latest[m.key] = m;
    for (const auto& [key, m] : latest) std::printf("%s %.4f (step %lld)\n", key.c_str(), m.value, static_cast<long long>(m.step));
    return 0;
  };
}

}  // namespace descent::app
