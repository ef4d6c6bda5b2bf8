// The run page's JSON on a real (tiny) tic-tac-toe run: every number checked
// against the store, the network and the exact solver directly; bad ids and
// parameters refused; the data behind the token beyond loopback.

#include "trainer/run_inspector.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "game/go.h"
#include "game/registry.h"
#include "game/tictactoe.h"
#include "game/tictactoe_solver.h"
#include "net/network.h"
#include "net/position_eval.h"
#include "tests/trainer/raw_http.h"
#include "trainer/server.h"
#include "trainer/store.h"
#include "trainer/training_run.h"

namespace descent::trainer {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

class RunInspectorTest : public ::testing::Test {
 protected:
  // One run for the whole suite: a network every 5 steps, every 2nd
  // evaluated (a few games, so the networks view has strength to show),
  // until two evaluations have finished.
  static void SetUpTestSuite() {
    dir_ = new fs::path(fs::temp_directory_path() / ("descent_inspect_" + std::to_string(::getpid())));
    fs::remove_all(*dir_);
    TrainRunParams p;
    p.game = "tictactoe";
    p.run = dir_->string();
    p.blocks = 1, p.channels = 8;
    p.games = 8, p.self_play.full_visits = 16, p.self_play.fast_visits = 8;
    p.min_samples = 32, p.batch = 16, p.publish_every = 5;
    p.eval_every = 2, p.eval_games = 2, p.eval_visits = 2, p.eval_rollout_visits = 2;
    p.threads = 1;
    TrainRunOutput out;
    std::atomic<bool> stop{false};
    std::atomic<int> evaluations{0};  // messages come from the training and evaluation threads
    out.message = [&](const std::string& line) {
      if (line.find("vs random") != std::string::npos && ++evaluations == 2) stop = true;
    };
    TrainingRun(p, "", out).Run(&stop);
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
  }
  void SetUp() override {
    store_ = std::make_unique<Store>((*dir_ / "store.sqlite").string());
    InspectParams params;
    params.window = 300;
    inspector_ = std::make_unique<RunInspector>(*store_, dir_->string(), params);
  }

  // The endpoint's JSON; fails the test unless the status is `status`.
  Json Get(const std::string& target, int status = 200) {
    const size_t q = target.find('?');
    const InspectReply reply = inspector_->Get(target.substr(0, q), ParseQuery(target));
    EXPECT_EQ(reply.status, status) << target << ": " << reply.body;
    return Json::parse(reply.body);
  }

  std::shared_ptr<net::Network> NetworkOf(const std::string& hash) {
    for (const NetworkRow& row : store_->Networks()) {
      if (row.hash == hash) return net::Network::Load((*dir_ / row.path).string());
    }
    ADD_FAILURE() << "no network " << hash;
    return nullptr;
  }

  // The positions before each move of a stored game.
  std::vector<std::unique_ptr<game::State>> Replay(const selfplay::GameRecord& record) {
    std::vector<std::unique_ptr<game::State>> states;
    states.push_back(game_->NewInitialState());
    for (game::Move m : record.moves) {
      states.push_back(states.back()->Clone());
      states.back()->Play(m);
    }
    return states;
  }

  static fs::path* dir_;
  std::unique_ptr<game::Game> game_ = game::MakeGame("tictactoe");
  std::unique_ptr<Store> store_;
  std::unique_ptr<RunInspector> inspector_;
};

fs::path* RunInspectorTest::dir_ = nullptr;

TEST_F(RunInspectorTest, RunAndGameListMatchTheStore) {
  const Json run = Get("/api/run");
  EXPECT_EQ(run["spec"], "tictactoe");
  EXPECT_EQ(run["games"].get<int64_t>(), store_->GameCount());
  EXPECT_EQ(run["samples"].get<int64_t>(), store_->SampleCount());
  EXPECT_EQ(run["networks"].get<size_t>(), store_->Networks().size());
  EXPECT_EQ(run["newest_network"]["hash"], store_->LatestNetwork()->hash);
  ASSERT_GT(store_->GameCount(), 20);

  const Json first = Get("/api/games?offset=0&limit=5");
  ASSERT_EQ(first["games"].size(), 5u);
  const auto rows = store_->GameSummaries(0, 5);
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(first["games"][i]["id"].get<int64_t>(), rows[i].id);
    EXPECT_EQ(first["games"][i]["uuid"], rows[i].uuid);
    EXPECT_EQ(first["games"][i]["moves"].get<int64_t>(), rows[i].moves);
  }
  // Without an offset: the newest page.
  const Json newest = Get("/api/games?limit=3");
  EXPECT_EQ(newest["games"].back()["id"].get<int64_t>(), store_->GameSummaries(store_->GameCount() - 1, 1)[0].id);
}

TEST_F(RunInspectorTest, AGameIsReplayedWithItsNetworksOwnEvaluation) {
  const StoredGame stored = *store_->GameById(7);
  const Json game = Get("/api/game?id=7");
  EXPECT_TRUE(game["evaluated"].get<bool>());
  const auto states = Replay(stored.record);
  ASSERT_EQ(game["positions"].size(), states.size());
  const auto network = NetworkOf(stored.network);
  std::vector<const game::State*> before;
  for (size_t i = 0; i + 1 < states.size(); ++i) before.push_back(states[i].get());
  const auto evals = net::EvaluatePositions(*network, *game_, before);
  std::map<int, const selfplay::PolicyTarget*> targets;
  for (const auto& t : stored.record.targets) targets[t.move_number] = &t;
  for (size_t i = 0; i < states.size(); ++i) {
    const Json& p = game["positions"][i];
    std::string board;
    for (const auto& line : p["board"]) board += line.get<std::string>() + "\n";
    EXPECT_EQ(board, states[i]->ToText()) << "position " << i;
    const float mover_result = states[i]->ToMove() == 0 ? stored.result : -stored.result;
    EXPECT_EQ(p["outcome"].get<float>(), mover_result);
    if (i == stored.record.moves.size()) {
      EXPECT_TRUE(p["terminal"].get<bool>());
      EXPECT_FALSE(p.contains("prior"));
      continue;
    }
    EXPECT_EQ(p["played"].get<int>(), stored.record.moves[i]);
    EXPECT_NEAR(p["value"].get<double>(), evals[i].value, 1e-4);
    for (int m = 0; m < 9; ++m) EXPECT_NEAR(p["prior"][m].get<double>(), evals[i].priors[m], 1e-4);
    const auto t = targets.find(static_cast<int>(i));
    ASSERT_EQ(p.contains("target"), t != targets.end());
    if (t != targets.end()) {
      EXPECT_EQ(p["target"].size(), t->second->visits.size());
      EXPECT_NEAR(p["surprise"].get<double>(), net::PolicySurprise(evals[i].priors, t->second->visits), 1e-9);
    }
  }
}

TEST_F(RunInspectorTest, SurpriseRanksEveryTargetOfTheWindow) {
  const Json s = Get("/api/surprise?samples=150&limit=1000");
  const auto games = store_->GamesHoldingSamples(150);
  int64_t targets = 0;
  for (const auto& g : games) targets += static_cast<int64_t>(g.record.targets.size());
  EXPECT_EQ(s["positions"].get<int64_t>(), targets);
  EXPECT_EQ(s["window"]["first_game"].get<int64_t>(), games.front().id);
  EXPECT_EQ(s["window"]["last_game"].get<int64_t>(), games.back().id);
  ASSERT_EQ(static_cast<int64_t>(s["top"].size()), targets);
  double sum = 0;
  for (size_t i = 0; i < s["top"].size(); ++i) {
    sum += s["top"][i]["surprise"].get<double>();
    if (i > 0) {
      EXPECT_GE(s["top"][i - 1]["surprise"].get<double>(), s["top"][i]["surprise"].get<double>());
    }
  }
  EXPECT_NEAR(s["mean_surprise"].get<double>(), sum / static_cast<double>(targets), 1e-9);
  // The most surprising position says the same in the game view.
  const Json& top = s["top"][0];
  const Json game = Get("/api/game?id=" + std::to_string(top["game"].get<int64_t>()));
  EXPECT_NEAR(game["positions"][top["move_number"].get<size_t>()]["surprise"].get<double>(),
              top["surprise"].get<double>(), 1e-9);
}

TEST_F(RunInspectorTest, CalibrationBinsEveryTargetPositionOfEachWindow) {
  const Json c = Get("/api/calibration?windows=2&samples=100&bins=5");
  ASSERT_EQ(c["windows"].size(), 2u);
  // Recomputed from the store: the newest window, then the one before it.
  int64_t before = 0;
  for (int w = 1; w >= 0; --w) {
    const auto games = store_->GamesHoldingSamples(100, before);
    before = games.front().id;
    std::vector<double> n(5, 0), actual(5, 0);
    double brier = 0, count = 0;
    for (const auto& g : games) {
      const auto states = Replay(g.record);
      const auto network = NetworkOf(g.network);
      for (const auto& t : g.record.targets) {
        const game::State& s = *states[static_cast<size_t>(t.move_number)];
        const double p = (net::EvaluatePositions(*network, *game_, {&s})[0].value + 1) / 2;
        const double a = ((s.ToMove() == 0 ? g.result : -g.result) + 1) / 2;
        const int bin = std::min(4, static_cast<int>(p * 5));
        n[bin] += 1, actual[bin] += a, brier += (p - a) * (p - a), count += 1;
      }
    }
    const Json& window = c["windows"][w];
    EXPECT_EQ(window["window"]["first_game"].get<int64_t>(), games.front().id);
    EXPECT_EQ(window["positions"].get<double>(), count);
    EXPECT_NEAR(window["brier"].get<double>(), brier / count, 1e-3);
    for (int b = 0; b < 5; ++b) {
      EXPECT_EQ(window["bins"][b]["n"].get<double>(), n[b]) << "window " << w << " bin " << b;
      if (n[b] > 0) {
        EXPECT_NEAR(window["bins"][b]["mean_actual"].get<double>(), actual[b] / n[b], 1e-3);
      }
    }
  }
}

TEST_F(RunInspectorTest, SolverViewListsTargetsThatGiveValueAway) {
  const Json s = Get("/api/solver?samples=300");
  game::TicTacToeSolver solver;
  int64_t solved = 0;
  std::vector<std::pair<int64_t, int>> wrong;
  for (const auto& g : store_->GamesHoldingSamples(300)) {
    const auto states = Replay(g.record);
    for (const auto& t : g.record.targets) {
      const auto& state = static_cast<const game::TicTacToeState&>(*states[static_cast<size_t>(t.move_number)]);
      game::Move top = t.visits[0].first;
      float share = t.visits[0].second;
      for (const auto& [m, v] : t.visits) {
        if (v > share) top = m, share = v;
      }
      ++solved;
      if (solver.ScoreMoves(state)[static_cast<size_t>(top)] < solver.Value(state)) wrong.emplace_back(g.id, t.move_number);
    }
  }
  EXPECT_EQ(s["solved"].get<int64_t>(), solved);
  ASSERT_EQ(s["wrong"].size(), wrong.size());
  for (size_t i = 0; i < wrong.size(); ++i) {
    EXPECT_EQ(s["wrong"][i]["game"].get<int64_t>(), wrong[i].first);
    EXPECT_EQ(s["wrong"][i]["move_number"].get<int>(), wrong[i].second);
  }
}

TEST_F(RunInspectorTest, NetworksCarryLineageGamesAndStrength) {
  const Json n = Get("/api/networks")["networks"];
  const auto rows = store_->Networks();
  ASSERT_EQ(n.size(), rows.size());
  ASSERT_GE(rows.size(), 4u);
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(n[i]["hash"], rows[i].hash);
    EXPECT_EQ(n[i]["step"].get<int64_t>(), rows[i].step);
    if (i == 0) {
      EXPECT_TRUE(n[i]["parent_id"].is_null());
    } else {
      EXPECT_EQ(n[i]["parent_id"].get<int64_t>(), rows[i - 1].id);
    }
    EXPECT_EQ(n[i]["games_before"].get<int64_t>(), store_->GamesStoredBefore(rows[i].created));
  }
  int with_strength = 0;
  for (const MetricRow& m : store_->Metrics("eval.random")) {
    for (const Json& net : n) {
      if (net["step"].get<int64_t>() != m.step) continue;
      EXPECT_EQ(net["strength"]["eval.random"]["value"].get<double>(), m.value);
      EXPECT_TRUE(net["strength"]["eval.random"].contains("lo"));
      ++with_strength;
    }
  }
  EXPECT_GE(with_strength, 2);
}

TEST_F(RunInspectorTest, CompareEvaluatesOnePositionWithTwoNetworks) {
  const auto rows = store_->Networks();
  const Json c = Get("/api/compare?game=3&move=2&a=1&b=" + std::to_string(rows.back().id));
  const StoredGame g = *store_->GameById(3);
  const auto states = Replay(g.record);
  for (const auto& [side, row] : {std::pair{"a", rows.front()}, std::pair{"b", rows.back()}}) {
    const auto network = net::Network::Load((*dir_ / row.path).string());
    const auto e = net::EvaluatePositions(*network, *game_, {states[2].get()});
    EXPECT_NEAR(c[side]["value"].get<double>(), e[0].value, 1e-4) << side;
    EXPECT_EQ(c[side]["hash"], row.hash);
  }
  EXPECT_NE(c["a"]["prior"], c["b"]["prior"]);
}

TEST_F(RunInspectorTest, BadIdsAndParametersGet4xxAndNothingBreaks) {
  EXPECT_EQ(Get("/api/game?id=abc", 400)["error"], "parameter id must be an integer, not 'abc'");
  Get("/api/game?id=0", 400);
  Get("/api/game?id=12x", 400);
  Get("/api/game?id=99999999999999999999999", 400);
  Get("/api/game?id=", 400);
  Get("/api/game", 400);
  EXPECT_EQ(Get("/api/game?id=999999", 404)["error"], "no game 999999");
  Get("/api/games?limit=100000", 400);
  Get("/api/games?offset=-1", 400);
  Get("/api/surprise?samples=-5", 400);
  Get("/api/calibration?bins=1", 400);
  Get("/api/compare?game=3&move=2&a=1&b=99999", 404);
  Get("/api/compare?game=3&move=999&a=1&b=1", 400);
  Get("/api/nothing", 404);
  // Still serving.
  EXPECT_EQ(Get("/api/run")["spec"], "tictactoe");
}

TEST_F(RunInspectorTest, ACorruptWeightsFileIsReportedNotFatal) {
  // A copy of the run whose first network's file is cut short.
  const fs::path copy = dir_->string() + "_corrupt";
  fs::remove_all(copy);
  fs::copy(*dir_, copy, fs::copy_options::recursive);
  Store store((copy / "store.sqlite").string());
  const NetworkRow first = store.Networks().front();
  fs::resize_file(copy / first.path, 100);
  RunInspector inspector(store, copy.string());
  int64_t id = 1;
  while (store.GameById(id)->network != first.hash) ++id;
  const InspectReply reply = inspector.Get("/api/game", {{"id", std::to_string(id)}});
  EXPECT_EQ(reply.status, 500);
  EXPECT_NE(reply.body.find(first.path), std::string::npos) << reply.body;
  EXPECT_EQ(inspector.Get("/api/run", {}).status, 200);
  fs::remove_all(copy);
}

TEST_F(RunInspectorTest, EvaluationGamesAreStoredAndBrowsable) {
  const int64_t count = store_->EvalGameCount();
  ASSERT_GT(count, 0);
  const Json list = Get("/api/games?kind=eval&offset=0&limit=1000");
  EXPECT_EQ(list["total"].get<int64_t>(), count);
  ASSERT_EQ(static_cast<int64_t>(list["games"].size()), count);
  std::set<std::string> keys;
  for (const Json& g : list["games"]) keys.insert(g["key"].get<std::string>());
  EXPECT_TRUE(keys.count("eval.random") && keys.count("eval.mcts") && keys.count("eval.solver")) << list.dump();
  // Every evaluated step's network played them.
  for (const EvalGame& e : store_->EvalGames(0, count)) {
    bool known = false;
    for (const NetworkRow& row : store_->Networks()) known |= row.hash == e.network && row.step == e.step;
    EXPECT_TRUE(known) << "evaluation game " << e.id << " names network " << e.network << " at step " << e.step;
  }
  const EvalGame e = *store_->EvalGameById(1);
  const Json game = Get("/api/game?kind=eval&id=1");
  EXPECT_EQ(game["kind"], "eval");
  EXPECT_TRUE(game["evaluated"].get<bool>());
  selfplay::GameRecord record;
  record.moves = e.moves;
  const auto states = Replay(record);
  ASSERT_EQ(game["positions"].size(), states.size());
  EXPECT_TRUE(states.back()->IsTerminal());
  // The network's result, from its side, is the game's.
  EXPECT_EQ(states.back()->Outcome(e.net_side), e.net_result);
  EXPECT_EQ(game["result"].get<float>(), states.back()->Outcome(0));
  const auto network = NetworkOf(e.network);
  const auto eval = net::EvaluatePositions(*network, *game_, {states[0].get()});
  EXPECT_NEAR(game["positions"][0]["value"].get<double>(), eval[0].value, 1e-4);
  EXPECT_FALSE(game["positions"][0].contains("target"));
  Get("/api/game?kind=eval&id=999999", 404);
  Get("/api/games?kind=bogus", 400);
  Get("/api/ownership", 404);  // tic-tac-toe has no ownership
}

// A tiny 5x5 Go run with ownership heads (10 steps), `mixed_board` games
// beside the 5x5 ones where given; its parameters.
TrainRunParams TinyGoRun(const fs::path& dir, const std::string& mixed_board = "") {
  fs::remove_all(dir);
  TrainRunParams p;
  p.game = "go:5:komi=3";
  p.run = dir.string();
  p.blocks = 1, p.channels = 8;
  p.games = 8, p.self_play.full_visits = 16, p.self_play.fast_visits = 8;
  p.self_play.mixed_board = mixed_board;
  p.min_samples = 64, p.batch = 16, p.publish_every = 5, p.eval_every = 0;
  p.threads = 1;
  p.max_steps = 10;
  TrainRunOutput out;
  std::atomic<bool> stop{false};
  TrainingRun(p, "", out).Run(&stop);
  return p;
}

// A tiny 5x5 Go run with ownership heads: the final ownership and the
// disagreement view against the final positions directly.
TEST(RunInspectorGo, OwnershipDisagreementIsMeasuredAgainstTheFinalPosition) {
  const fs::path dir = fs::temp_directory_path() / ("descent_inspect_go_" + std::to_string(::getpid()));
  const TrainRunParams p = TinyGoRun(dir);
  Store store((dir / "store.sqlite").string());
  InspectParams params;
  params.window = 400;
  RunInspector inspector(store, dir.string(), params);
  const auto game = game::MakeGame(p.game);
  const InspectReply reply = inspector.Get("/api/ownership", {{"limit", "1000"}});
  ASSERT_EQ(reply.status, 200) << reply.body;
  const Json view = Json::parse(reply.body);
  ASSERT_GT(view["top"].size(), 0u);
  int checked = 0;
  for (const Json& row : view["top"]) {
    const StoredGame g = *store.GameById(row["game"].get<int64_t>());
    EXPECT_FALSE(g.resigned);
    std::vector<std::unique_ptr<game::State>> states;
    states.push_back(game->NewInitialState());
    for (game::Move m : g.record.moves) {
      states.push_back(states.back()->Clone());
      states.back()->Play(m);
    }
    std::vector<int8_t> final(25);
    static_cast<const game::GoState&>(*states.back()).AreaOwnership(final.data());
    const game::State& s = *states[row["move_number"].get<size_t>()];
    const auto network = net::Network::Load((dir / [&] {
                                               for (const auto& n : store.Networks()) {
                                                 if (n.hash == g.network) return n.path;
                                               }
                                               return std::string();
                                             }())
                                                .string());
    const auto e = net::EvaluatePositions(*network, *game, {&s})[0];
    ASSERT_TRUE(e.has_aux);
    double error = 0;
    const double sign = s.ToMove() == 0 ? 1 : -1;
    for (int i = 0; i < 25; ++i) error += std::abs(e.ownership[i] - sign * final[i]) / 2;
    EXPECT_NEAR(row["error"].get<double>(), error / 25, 1e-4);
    const Json view_game = Json::parse(inspector.Get("/api/game", {{"id", std::to_string(g.id)}}).body);
    for (int i = 0; i < 25; ++i) EXPECT_EQ(view_game["final_ownership"][i].get<int>(), final[i]);
    if (++checked == 3) break;
  }
  for (size_t i = 1; i < view["top"].size(); ++i) {
    EXPECT_GE(view["top"][i - 1]["error"].get<double>(), view["top"][i]["error"].get<double>());
  }
  fs::remove_all(dir);
}

TEST(ParseQuery, DecodesAndKeepsTheLastOfRepeatedNames) {
  const auto q = ParseQuery("/api/x?a=1&b=two%20words&c=x+y&a=3&flag&bad=%zz&=v");
  EXPECT_EQ(q.at("a"), "3");
  EXPECT_EQ(q.at("b"), "two words");
  EXPECT_EQ(q.at("c"), "x y");
  EXPECT_EQ(q.at("flag"), "");
  EXPECT_EQ(q.at("bad"), "%zz");
  EXPECT_TRUE(ParseQuery("/api/x").empty());
}

// Over HTTP: the page and its scripts for anyone, the data behind the token
// beyond loopback, read-only.
TEST_F(RunInspectorTest, ThePageIsServedAndItsDataGuardedBeyondLoopback) {
  ServerParams params;
  params.host = "0.0.0.0";
  params.token = "page-token";
  TrainerServer server(*game_, *inspector_, params);
  const int port = server.port();
  const auto get = [&](const std::string& target, const std::string& headers = "") {
    return Raw(port, "GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + headers + "\r\n");
  };
  const std::string page = get("/run");
  EXPECT_EQ(StatusOf(page), 200);
  EXPECT_NE(page.find("/static/inspect.js"), std::string::npos);
  const std::string uplot = get("/static/uPlot.iife.min.js");
  EXPECT_EQ(StatusOf(uplot), 200);
  EXPECT_NE(uplot.find("text/javascript"), std::string::npos);
  EXPECT_EQ(StatusOf(get("/static/../store.sqlite")), 404);
  EXPECT_EQ(StatusOf(get("/api/run")), 401);
  EXPECT_EQ(StatusOf(get("/api/run?token=wrong")), 401);
  EXPECT_EQ(StatusOf(get("/api/run", "Authorization: Bearer wrong\r\n")), 401);
  EXPECT_EQ(StatusOf(get("/api/run?token=page-token")), 200);
  const std::string run = get("/api/run", "Authorization: Bearer page-token\r\n");
  EXPECT_EQ(StatusOf(run), 200);
  EXPECT_NE(run.find("\"spec\":\"tictactoe\""), std::string::npos);
  EXPECT_EQ(StatusOf(get("/api/game?id=abc&token=page-token")), 400);
  EXPECT_EQ(StatusOf(Raw(port, "POST /api/run?token=page-token HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n"
                               "Connection: close\r\n\r\n")),
            405);
  // No worker endpoints on a page-only server.
  EXPECT_EQ(StatusOf(Raw(port, "POST /v1/games HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer page-token\r\n"
                               "Content-Length: 2\r\nConnection: close\r\n\r\n{}")),
            404);
  EXPECT_EQ(StatusOf(get("/")), 302);
}

TEST_F(RunInspectorTest, OnLoopbackTheDataNeedsNoToken) {
  ServerParams params;
  params.host = "127.0.0.1";
  params.token = "unused";
  TrainerServer server(*game_, *inspector_, params);
  EXPECT_EQ(StatusOf(Raw(server.port(), "GET /api/networks HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")), 200);
}

// A mixed run (5x5 with 4x4 games): a small board's game is shown, compared
// and measured on its own board.
TEST(RunInspectorGo, AMixedRunsSmallerBoardIsShownOnItsOwnBoard) {
  const fs::path dir = fs::temp_directory_path() / ("descent_inspect_mixed_" + std::to_string(::getpid()));
  const TrainRunParams p = TinyGoRun(dir, "go:4:komi=1.5");
  Store store((dir / "store.sqlite").string());
  InspectParams params;
  params.window = 400;
  RunInspector inspector(store, dir.string(), params);
  int small = 0;
  for (const StoredGame& g : store.GameSummaries(0, 1000)) {
    const StoredGame full = *store.GameById(g.id);
    if (full.record.game_spec != "go:4:komi=1.5" || full.resigned) continue;
    const InspectReply reply = inspector.Get("/api/game", {{"id", std::to_string(g.id)}});
    ASSERT_EQ(reply.status, 200) << reply.body;
    const Json view = Json::parse(reply.body);
    EXPECT_EQ(view["layout"]["width"], 4);
    EXPECT_EQ(view["layout"]["cells"].size(), 17u);
    if (view.contains("final_ownership")) EXPECT_EQ(view["final_ownership"].size(), 16u);
    ASSERT_TRUE(view["evaluated"].get<bool>());
    EXPECT_EQ(view["positions"][0]["ownership"].size(), 16u);
    EXPECT_EQ(view["positions"][0]["prior"].size(), 17u);
    const InspectReply compare =
        inspector.Get("/api/compare", {{"game", std::to_string(g.id)}, {"move", "1"}, {"a", "1"}, {"b", "2"}});
    ASSERT_EQ(compare.status, 200) << compare.body;
    EXPECT_EQ(Json::parse(compare.body)["layout"]["width"], 4);
    if (++small == 2) break;
  }
  EXPECT_EQ(small, 2);
  const InspectReply ownership = inspector.Get("/api/ownership", {{"limit", "1000"}});
  EXPECT_EQ(ownership.status, 200) << ownership.body;
  // The surprise table names moves on each position's own board.
  const Json surprise = Json::parse(inspector.Get("/api/surprise", {{"limit", "1000"}}).body);
  std::set<std::string> small_names;  // target names on the small board
  const auto g4 = game::MakeGame("go:4:komi=1.5"), g5 = game::MakeGame(p.game);
  for (const Json& row : surprise["top"]) {
    const StoredGame g = *store.GameById(row["game"].get<int64_t>());
    const game::Game& board = g.record.game_spec == "go:4:komi=1.5" ? *g4 : *g5;
    EXPECT_EQ(row["target_best_name"], board.MoveToText(row["target_best"].get<int>()));
    EXPECT_EQ(row["prior_best_name"], board.MoveToText(row["prior_best"].get<int>()));
    if (&board == g4.get()) small_names.insert(row["target_best_name"].get<std::string>());
  }
  EXPECT_FALSE(small_names.empty());
  fs::remove_all(dir);
}

}  // namespace
}  // namespace descent::trainer
