// descent report: plots of a run, as SVG files and an HTML page.

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

#include <nlohmann/json.hpp>

#include "app/command.h"
#include "app/svg_plot.h"
#include "game/user_error.h"
#include "app/run_dir.h"

namespace descent::app {
namespace {

namespace fs = std::filesystem;

// Self-play outcomes are plotted in about this many blocks of games, each
// of at least kMinOutcomeBlock games.
constexpr int64_t kOutcomeBlocks = 40;
constexpr int64_t kMinOutcomeBlock = 50;

// One series per metric key, over training steps; error bars from the
// "lo"/"hi" fields of the metric's JSON extra when present.
Series MetricSeries(const std::vector<trainer::MetricRow>& rows, const std::string& key, const std::string& name,
                    double scale = 1.0, bool complement = false) {
  Series s;
  s.name = name;
  for (const auto& r : rows) {
    if (r.key != key) continue;
    const auto map = [&](double v) { return complement ? 1.0 - v * scale : v * scale; };
    s.x.push_back(static_cast<double>(r.step));
    s.y.push_back(map(r.value));
    const auto extra = nlohmann::json::parse(r.extra.empty() ? "{}" : r.extra, nullptr, false);
    if (extra.is_object() && extra.contains("lo")) {
      s.lo.push_back(map(extra["lo"].get<double>()));
      s.hi.push_back(map(extra["hi"].get<double>()));
    }
  }
  if (s.lo.size() != s.y.size()) s.lo.clear(), s.hi.clear();
  return s;
}

int Report(const std::string& run, std::string out) {
  const auto opened = OpenRunStore(run);
  const trainer::Store& store = *opened;
  if (out.empty()) out = (fs::path(run) / "report").string();
  fs::create_directories(out);
  const auto metrics = store.Metrics();
  const std::string game = store.GetState("game").value_or("?");

  std::vector<std::pair<std::string, std::string>> charts;  // file, caption
  const auto write = [&](const std::string& file, const std::string& caption, const PlotSpec& spec,
                         const std::vector<Series>& series) {
    std::ofstream(fs::path(out) / file) << LinePlot(spec, series);
    charts.emplace_back(file, caption);
  };
  write("losses.svg", "Training losses: policy cross-entropy and value squared error, averaged per network.",
        {"Losses", "training step", "loss", std::nullopt},
        {MetricSeries(metrics, "loss.policy", "policy"), MetricSeries(metrics, "loss.value", "value")});
  std::vector<Series> baselines = {MetricSeries(metrics, "eval.random", "vs random"),
                                   MetricSeries(metrics, "eval.mcts", "vs rollout MCTS")};
  if (game == "tictactoe") baselines.push_back(MetricSeries(metrics, "eval.solver", "vs solver"));
  if (game == "connect4") {
    baselines.push_back(MetricSeries(metrics, "eval.solver_kept", "vs solver from L2_R1 positions (share kept)"));
  }
  write("winrate.svg",
        "Score (win = 1, draw = 1/2) of the network with search against each baseline, with 95% intervals; "
        "against the Connect Four solver, the share of middle-game positions whose value it keeps to the end.",
        {"Score against baselines", "training step", "score", std::make_pair(0.0, 1.0)}, baselines);
  write("elo.svg", "Elo of each evaluated network over the first network of the run (the anchor, 0).",
        {"Elo ladder", "training step", "Elo over the first network", std::nullopt},
        {MetricSeries(metrics, "eval.elo", "Elo")});
  Series rate{"games/min", {}, {}, {}, {}};
  for (const auto& [t, n] : store.GamesOverTime(60)) {
    rate.x.push_back(t / 60);
    rate.y.push_back(static_cast<double>(n));
  }
  write("games.svg", "Self-play games stored per minute.", {"Self-play speed", "minutes since the first game", "games per minute", std::nullopt}, {rate});
  // Self-play outcomes in blocks of games: a run whose games turn into
  // draws, or whose first player stops winning, shows it here. About 40
  // blocks make a readable line; at least 50 games each keep a share's
  // noise under ~7 points.
  const int64_t block = std::max<int64_t>(kMinOutcomeBlock, (store.GameCount() + kOutcomeBlocks - 1) / kOutcomeBlocks);
  Series first_wins{"first player wins", {}, {}, {}, {}}, draws{"draws", {}, {}, {}, {}},
      second_wins{"second player wins", {}, {}, {}, {}}, resigned{"ended by resignation", {}, {}, {}, {}},
      length{"moves per game", {}, {}, {}, {}};
  for (const trainer::OutcomeBlock& b : store.OutcomesOverGames(block)) {
    const double x = static_cast<double>(b.first_game + b.games) / 1000.0;
    const double n = static_cast<double>(b.games);
    for (Series* s : {&first_wins, &draws, &second_wins, &resigned, &length}) s->x.push_back(x);
    first_wins.y.push_back(static_cast<double>(b.first_player_wins) / n);
    draws.y.push_back(static_cast<double>(b.draws) / n);
    second_wins.y.push_back(static_cast<double>(b.second_player_wins) / n);
    resigned.y.push_back(static_cast<double>(b.resigned) / n);
    length.y.push_back(b.mean_moves);
  }
  write("outcomes.svg",
        "Self-play results in blocks of " + std::to_string(block) +
            " games: shares of first-player wins, draws, second-player wins, and of games ended by resignation.",
        {"Self-play outcomes", "thousands of games played", "share of games", std::make_pair(0.0, 1.0)},
        {first_wins, draws, second_wins, resigned});
  write("length.svg", "Mean self-play game length in moves, in the same blocks of games.",
        {"Self-play game length", "thousands of games played", "moves per game", std::nullopt}, {length});
  std::vector<Series> mistakes;
  if (game == "tictactoe") {
    mistakes.push_back(MetricSeries(metrics, "eval.optimal_policy", "net alone (4,520 positions)", 1.0, true));
  } else {
    mistakes.push_back(MetricSeries(metrics, "eval.mistakes.Test_L2_R1", "L2_R1, with search"));
    mistakes.push_back(MetricSeries(metrics, "eval.mistakes_net.Test_L2_R1", "L2_R1, net alone"));
    mistakes.push_back(MetricSeries(metrics, "eval.mistakes.Test_L2_R2", "L2_R2, with search"));
    mistakes.push_back(MetricSeries(metrics, "eval.mistakes_net.Test_L2_R2", "L2_R2, net alone"));
    mistakes.push_back(MetricSeries(metrics, "eval.mistakes.Test_L1_R1", "L1_R1, with search"));
    mistakes.push_back(MetricSeries(metrics, "eval.mistakes_net.Test_L1_R1", "L1_R1, net alone"));
  }
  write("mistakes.svg", "Share of positions where the chosen move gives away the game-theoretic value (exact solver).",
        {"Solver mistake rate", "training step", "mistake rate", std::nullopt}, mistakes);

  std::string html = "<!doctype html><html><head><meta charset=\"utf-8\"><title>Descent run " + run +
                     "</title><style>body{font-family:sans-serif;max-width:700px;margin:auto}</style></head><body>\n";
  html += "<h1>Descent run: " + game + "</h1>\n<p>" + std::to_string(store.GameCount()) + " games, " +
          std::to_string(store.SampleCount()) + " samples, " + std::to_string(store.Networks().size()) + " networks.</p>\n";
  for (const auto& [file, caption] : charts) html += "<figure><img src=\"" + file + "\"><figcaption>" + caption + "</figcaption></figure>\n";
  html += "</body></html>\n";
  std::ofstream(fs::path(out) / "index.html") << html;
  std::printf("wrote %s/index.html and %zu charts\n", out.c_str(), charts.size());
  return 0;
}

}  // namespace

RunFn DeclareReport(CLI::App* sub) {
  auto run = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  sub->description("Write plots of a training run (SVG) and an HTML page holding them: losses, scores against\n"
                   "baselines with 95% intervals, Elo over the first network, games per minute, self-play outcomes\n"
                   "and game length, solver mistakes.");
  sub->add_option("--run", *run, "run directory")->required();
  sub->add_option("--out", *out, "output directory (default RUN/report)");
  return [run, out] { return Report(*run, *out); };
}

}  // namespace descent::app
