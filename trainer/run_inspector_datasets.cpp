// The run inspector's dataset views: the training window's most surprising
// positions, value calibration per window, Go ownership against the final
// position, targets the exact solver disagrees with.

#include <algorithm>
#include <cmath>
#include <map>

#include "game/connect4.h"
#include "game/connect4_solver.h"
#include "game/go.h"
#include "game/tictactoe.h"
#include "game/tictactoe_solver.h"
#include "trainer/inspect_json.h"
#include "trainer/run_inspector_impl.h"

namespace descent::trainer {
namespace {

using Json = nlohmann::json;
using game::Move;
using Query = std::map<std::string, std::string>;

// Connect Four positions with fewer stones than this are not solved by the
// solver view by default: from the opening the exact solver takes minutes
// (measured in trainer/evaluation.cpp's notes), from 12 stones on it answers
// in milliseconds to seconds.
constexpr int kConnect4SolverMinMoves = 12;

// A move's name on `game`'s board; "" for none.
std::string MoveName(const game::Game& game, game::Move move) {
  return move >= 0 && move < game.NumMoves() ? game.MoveToText(move) : "";
}

}  // namespace

std::optional<std::vector<int>> RunInspector::Impl::FinalOwnership(const StoredGame& g, const game::State& last) const {
  const auto* go = dynamic_cast<const game::GoState*>(&last);
  if (!go || g.resigned || !last.IsTerminal()) return std::nullopt;
  // The game's own board (a mixed run's smaller board has fewer points).
  std::vector<int8_t> own(static_cast<size_t>(last.game().BoardWidth() * last.game().BoardHeight()));
  go->AreaOwnership(own.data());
  return std::vector<int>(own.begin(), own.end());
}

std::vector<RunInspector::Impl::Sample> RunInspector::Impl::Samples(const std::vector<StoredGame>& games, std::vector<std::shared_ptr<const CachedEvals>>* keep) {
  std::vector<Sample> samples;
  for (const StoredGame& g : games) {
    const auto evals = GameEvals(g);
    if (!evals) continue;
    keep->push_back(evals);
    const auto states = Replay(g.record);
    const game::Player first = states.front()->ToMove();
    for (const auto& t : g.record.targets) {
      const auto& e = evals->evals[static_cast<size_t>(t.move_number)];
      const game::Player mover = states[static_cast<size_t>(t.move_number)]->ToMove();
      samples.push_back(
          {&g, t.move_number, &t, &e, mover, OutcomeFor(g.record.result, first, mover), &states.front()->game()});
    }
  }
  return samples;
}

Json RunInspector::Impl::Surprise(const Query& q) {
  const int64_t samples = DatasetSamples(q);
  const int64_t limit = IntParam(q, "limit", 50, 1, 1000);
  const auto games = store_.GamesHoldingSamples(samples);
  std::vector<std::shared_ptr<const CachedEvals>> keep;
  auto list = Samples(games, &keep);
  std::vector<std::pair<double, const Sample*>> ranked;
  double sum = 0;
  for (const Sample& s : list) {
    const double kl = net::PolicySurprise(s.eval->priors, s.target->visits);
    sum += kl;
    ranked.emplace_back(kl, &s);
  }
  std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  Json top = Json::array();
  for (size_t i = 0; i < ranked.size() && static_cast<int64_t>(i) < limit; ++i) {
    const Sample& s = *ranked[i].second;
    const game::Move target_best = TopMove(s.target->visits), prior_best = ArgMax(s.eval->priors);
    // Names on the position's own board (a mixed run plays smaller ones too).
    top.push_back({{"game", s.game->id}, {"move_number", s.move_number}, {"surprise", ranked[i].first},
                   {"value", s.eval->value}, {"outcome", s.outcome},
                   {"target_best", target_best}, {"prior_best", prior_best},
                   {"target_best_name", MoveName(*s.board, target_best)},
                   {"prior_best_name", MoveName(*s.board, prior_best)}});
  }
  return {{"window", WindowJson(games)}, {"positions", list.size()},
          {"mean_surprise", list.empty() ? 0.0 : sum / static_cast<double>(list.size())}, {"top", top}};
}

Json RunInspector::Impl::Calibration(const Query& q) {
  const int64_t windows = IntParam(q, "windows", 4, 1, 20);
  const int64_t samples = DatasetSamples(q, windows);
  const int bins = static_cast<int>(IntParam(q, "bins", 10, 2, 50));
  Json out = Json::array();
  int64_t before = 0;
  for (int64_t w = 0; w < windows; ++w) {
    const auto games = store_.GamesHoldingSamples(samples, before);
    if (games.empty()) break;
    before = games.front().id;
    std::vector<std::shared_ptr<const CachedEvals>> keep;
    const auto list = Samples(games, &keep);
    std::vector<std::pair<double, double>> pairs;  // predicted, actual (win 1, draw 1/2, loss 0)
    for (const Sample& s : list) pairs.emplace_back((s.eval->value + 1) / 2, (s.outcome + 1) / 2);
    Json window = ReliabilityJson(pairs, bins);
    window["window"] = WindowJson(games);
    out.push_back(std::move(window));
  }
  std::reverse(out.begin(), out.end());  // oldest window first
  return {{"samples_per_window", samples}, {"bins", bins}, {"windows", out}};
}

Json RunInspector::Impl::OwnershipView(const Query& q) {
  if (!dynamic_cast<const game::GoGame*>(game_.get())) throw HttpError(404, "ownership is predicted for Go only");
  const int64_t samples = DatasetSamples(q);
  const int64_t limit = IntParam(q, "limit", 50, 1, 1000);
  const auto games = store_.GamesHoldingSamples(samples);
  std::vector<std::shared_ptr<const CachedEvals>> keep;
  const auto list = Samples(games, &keep);
  if (!list.empty() && !list.front().eval->has_aux) {
    throw HttpError(404, "this run's networks predict no ownership (no aux heads)");
  }
  std::map<int64_t, std::vector<int>> finals;
  for (const StoredGame& g : games) {
    const auto states = Replay(g.record);
    if (auto own = FinalOwnership(g, *states.back())) finals[g.id] = std::move(*own);
  }
  struct Row {
    const Sample* sample;
    double error;
    int wrong;
  };
  std::vector<Row> rows;
  double sum = 0;
  for (const Sample& s : list) {
    const auto final = finals.find(s.game->id);
    if (final == finals.end() || !s.eval->has_aux) continue;
    const double sign = s.mover == 0 ? 1.0 : -1.0;  // the final ownership is Black's (player 0's) view
    double error = 0;
    int wrong = 0;
    for (size_t i = 0; i < final->second.size(); ++i) {
      const double actual = sign * final->second[i];
      const double predicted = s.eval->ownership[i];
      error += std::abs(predicted - actual) / 2;
      if (actual != 0 && predicted * actual < 0) ++wrong;
    }
    error /= static_cast<double>(final->second.size());
    sum += error;
    rows.push_back({&s, error, wrong});
  }
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.error > b.error; });
  Json top = Json::array();
  for (size_t i = 0; i < rows.size() && static_cast<int64_t>(i) < limit; ++i) {
    const Sample& s = *rows[i].sample;
    top.push_back({{"game", s.game->id}, {"move_number", s.move_number}, {"error", rows[i].error},
                   {"wrong_points", rows[i].wrong}, {"value", s.eval->value}, {"outcome", s.outcome}});
  }
  return {{"window", WindowJson(games)}, {"positions", rows.size()},
          {"mean_error", rows.empty() ? 0.0 : sum / static_cast<double>(rows.size())}, {"top", top}};
}

Json RunInspector::Impl::SolverView(const Query& q) {
  const bool ttt = dynamic_cast<const game::TicTacToeGame*>(game_.get()) != nullptr;
  const bool c4 = dynamic_cast<const game::Connect4Game*>(game_.get()) != nullptr;
  if (!ttt && !c4) throw HttpError(404, "no exact solver for " + game_->Spec() + " (tic-tac-toe and Connect Four have one)");
  const int64_t samples = DatasetSamples(q);
  const int min_moves = static_cast<int>(IntParam(q, "min_moves", c4 ? kConnect4SolverMinMoves : 0, 0, 100));
  // Connect Four positions solved at most per request: a bad move's loss
  // can take the solver seconds to prove.
  const int64_t max_solved = IntParam(q, "max_solved", c4 ? 300 : params_.max_positions, 1, 10000000);
  const auto games = store_.GamesHoldingSamples(samples);
  std::unique_ptr<game::TicTacToeSolver> ttt_solver;
  std::unique_ptr<game::Connect4Solver> c4_solver;
  if (ttt) ttt_solver = std::make_unique<game::TicTacToeSolver>();
  if (c4) c4_solver = std::make_unique<game::Connect4Solver>();
  Json wrong = Json::array();
  int64_t solved = 0;
  for (const StoredGame& g : games) {
    const auto states = Replay(g.record);
    for (const auto& t : g.record.targets) {
      if (t.move_number < min_moves || solved >= max_solved) continue;
      const game::State& s = *states[static_cast<size_t>(t.move_number)];
      const Move top = TopMove(t.visits);
      int best = 0, chosen = 0;
      if (ttt) {
        const auto& ts = static_cast<const game::TicTacToeState&>(s);
        best = ttt_solver->Value(ts);
        chosen = ttt_solver->ScoreMoves(ts)[static_cast<size_t>(top)];
      } else {
        const auto& bits = static_cast<const game::Connect4State&>(s).Bits();
        best = c4_solver->SolveWeak(bits);
        chosen = c4_solver->ScoreMoveWeak(bits, top);
      }
      ++solved;
      if (chosen < best) {
        wrong.push_back({{"game", g.id}, {"move_number", t.move_number}, {"target_best", top},
                         {"share", TopShare(t.visits)}, {"value", best}, {"target_value", chosen}});
      }
    }
  }
  return {{"window", WindowJson(games)}, {"solved", solved}, {"min_moves", min_moves}, {"wrong", wrong}};
}

}  // namespace descent::trainer
