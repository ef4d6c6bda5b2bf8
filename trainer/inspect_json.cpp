#include "trainer/inspect_json.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "game/user_error.h"

namespace descent::trainer {
namespace {

using Json = nlohmann::json;

double Round4(double x) { return std::round(x * 1e4) / 1e4; }

}  // namespace

void RequireParam(const std::map<std::string, std::string>& query, const std::string& name) {
  if (!query.count(name)) throw HttpError(400, "parameter " + name + " is required");
}

int64_t IntParam(const std::map<std::string, std::string>& query, const std::string& name, int64_t fallback,
                 int64_t lo, int64_t hi) {
  const auto it = query.find(name);
  if (it == query.end()) return std::clamp(fallback, lo, hi);
  const std::string& text = it->second;
  int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    throw HttpError(400, "parameter " + name + " must be an integer, not '" + game::Quoted(text) + "'");
  }
  if (value < lo || value > hi) {
    throw HttpError(400, "parameter " + name + " must be in " + std::to_string(lo) + ".." + std::to_string(hi) +
                             ", not " + game::Quoted(text));
  }
  return value;
}

Json BoardLayout(const game::Game& game) {
  const std::string kind = game.Name();
  const int w = game.BoardWidth(), h = game.BoardHeight();
  Json cells = Json::array();
  for (game::Move m = 0; m < game.NumMoves(); ++m) {
    if (kind == "connect4") {
      cells.push_back({-1, m});
    } else if (m < w * h) {
      cells.push_back({m / w, m % w});
    } else {
      cells.push_back(nullptr);  // pass
    }
  }
  Json names = Json::array();
  for (game::Move m = 0; m < game.NumMoves(); ++m) names.push_back(game.MoveToText(m));
  return {{"kind", kind}, {"width", w}, {"height", h}, {"cells", cells}, {"move_names", names}};
}

Json PositionJson(const game::State& state, float outcome) {
  Json rows = Json::array();
  const std::string text = state.ToText();
  size_t start = 0;
  while (start < text.size()) {
    const size_t end = text.find('\n', start);
    rows.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return {{"move_number", state.MoveNumber()}, {"to_move", state.ToMove()}, {"board", rows},
          {"terminal", state.IsTerminal()}, {"outcome", outcome}};
}

float OutcomeFor(float result, game::Player first, game::Player mover) { return mover == first ? result : -result; }

Json TargetJson(const selfplay::PolicyTarget& target) {
  auto visits = target.visits;
  std::stable_sort(visits.begin(), visits.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  Json out = Json::array();
  for (const auto& [move, share] : visits) out.push_back({move, Round4(share)});
  return out;
}

void AddEval(Json* out, const net::PositionEval& eval) {
  Json priors = Json::array();
  for (float p : eval.priors) priors.push_back(Round4(p));
  (*out)["prior"] = std::move(priors);
  (*out)["value"] = Round4(eval.value);
  if (eval.has_aux) {
    Json own = Json::array();
    for (float o : eval.ownership) own.push_back(Round4(o));
    (*out)["ownership"] = std::move(own);
    (*out)["score"] = Round4(eval.score);
  }
}

Json GameSummaryJson(const StoredGame& g) {
  return {{"id", g.id}, {"kind", "selfplay"}, {"uuid", g.uuid}, {"network", g.network}, {"created", g.created}, {"moves", g.moves},
          {"samples", g.samples}, {"result", g.result}, {"resigned", g.resigned}};
}

Json EvalGameSummaryJson(const EvalGame& g) {
  return {{"id", g.id}, {"kind", "eval"}, {"key", g.key}, {"step", g.step}, {"network", g.network},
          {"net_side", g.net_side}, {"net_result", g.net_result}, {"result", g.net_side == 0 ? g.net_result : -g.net_result},
          {"moves", g.moves.size()}, {"created", g.created}};
}

Json MetricJson(const MetricRow& r) {
  Json out = {{"step", r.step}, {"time", r.time}, {"key", r.key}, {"value", r.value}};
  const Json extra = Json::parse(r.extra.empty() ? "{}" : r.extra, nullptr, false);
  if (extra.is_object()) {
    for (const auto& [k, v] : extra.items()) {
      if (!out.contains(k)) out[k] = v;
    }
  }
  return out;
}

Json WindowJson(const std::vector<StoredGame>& games) {
  int64_t samples = 0;
  for (const StoredGame& g : games) samples += g.samples;
  return {{"first_game", games.empty() ? 0 : games.front().id}, {"last_game", games.empty() ? 0 : games.back().id},
          {"games", games.size()}, {"samples", samples}};
}

game::Move TopMove(const std::vector<std::pair<game::Move, float>>& target) {
  if (target.empty()) return -1;
  return std::max_element(target.begin(), target.end(), [](const auto& a, const auto& b) { return a.second < b.second; })
      ->first;
}

float TopShare(const std::vector<std::pair<game::Move, float>>& target) {
  float top = 0;
  for (const auto& [m, s] : target) top = std::max(top, s);
  return top;
}

game::Move ArgMax(const std::vector<float>& priors) {
  if (priors.empty()) return -1;
  return static_cast<game::Move>(std::max_element(priors.begin(), priors.end()) - priors.begin());
}

Json ReliabilityJson(const std::vector<std::pair<double, double>>& pairs, int bins) {
  std::vector<double> n(bins, 0), predicted(bins, 0), actual(bins, 0);
  double brier = 0;
  for (const auto& [p, a] : pairs) {
    const int b = std::clamp(static_cast<int>(p * bins), 0, bins - 1);
    n[b] += 1;
    predicted[b] += p;
    actual[b] += a;
    brier += (p - a) * (p - a);
  }
  Json out = Json::array();
  double ece = 0;
  const double total = static_cast<double>(pairs.size());
  for (int b = 0; b < bins; ++b) {
    Json bin = {{"lo", static_cast<double>(b) / bins}, {"hi", static_cast<double>(b + 1) / bins}, {"n", n[b]}};
    if (n[b] > 0) {
      bin["mean_predicted"] = Round4(predicted[b] / n[b]);
      bin["mean_actual"] = Round4(actual[b] / n[b]);
      ece += std::abs(predicted[b] - actual[b]) / total;
    }
    out.push_back(std::move(bin));
  }
  return {{"positions", pairs.size()}, {"bins", out}, {"brier", total > 0 ? Round4(brier / total) : 0.0},
          {"ece", Round4(ece)}};
}

}  // namespace descent::trainer
