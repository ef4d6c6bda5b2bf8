#include "selfplay/game_record.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>

#include <nlohmann/json.hpp>

#include "game/user_error.h"
#include "net/bounded_json.h"

namespace descent::selfplay {

using Json = nlohmann::json;

std::string ToJson(const GameRecord& r) {
  Json targets = Json::array();
  for (const PolicyTarget& t : r.targets) {
    Json visits = Json::array();
    for (const auto& [m, p] : t.visits) visits.push_back({m, p});
    Json target{{"n", t.move_number}, {"v", visits}};
    if (t.root_value) target["q"] = *t.root_value;
    targets.push_back(std::move(target));
  }
  return Json{{"uuid", r.uuid},
              {"game", r.game_spec},
              {"network", r.network},
              {"moves", r.moves},
              {"targets", targets},
              {"result", r.result},
              {"resigned", r.resigned},
              {"resign_allowed", r.resign_allowed},
              {"non_loser_min_value", r.non_loser_min_value},
              {"evals", r.evals}}
      .dump();
}

namespace {

// Numbers from outside, checked before conversion: a JSON number out of the
// target type's range (2.5e126 as a move) is refused instead of converted
// (undefined behaviour; found by tests/fuzz/fuzz_game_json).
int IntegerOf(const Json& v, const char* what) {
  const auto fail = [what](const char* why) { return game::UserError(std::string("malformed game record: ") + what + why); };
  if (!v.is_number_integer()) throw fail(" is not an integer");
  constexpr int64_t kLimit = int64_t{1} << 30;
  if (v.is_number_unsigned() ? v.get<uint64_t>() > static_cast<uint64_t>(kLimit) : std::llabs(v.get<int64_t>()) > kLimit) {
    throw fail(" is out of range");
  }
  return static_cast<int>(v.get<int64_t>());
}

float FloatOf(const Json& v, const char* what) {
  if (!v.is_number()) throw game::UserError(std::string("malformed game record: ") + what + " is not a number");
  const double x = v.get<double>();
  if (!(std::fabs(x) <= 1e30)) throw game::UserError(std::string("malformed game record: ") + what + " is out of range");
  return static_cast<float>(x);
}

}  // namespace

GameRecord ParseGameRecord(const std::string& text) {
  try {
    const Json j = net::ParseBoundedJson(text);
    GameRecord r;
    r.uuid = j.at("uuid").get<std::string>();
    r.game_spec = j.at("game").get<std::string>();
    r.network = j.at("network").get<std::string>();
    for (const Json& m : j.at("moves")) r.moves.push_back(IntegerOf(m, "a move"));
    for (const Json& t : j.at("targets")) {
      PolicyTarget target;
      target.move_number = IntegerOf(t.at("n"), "a target's move number");
      for (const Json& v : t.at("v")) {
        target.visits.emplace_back(IntegerOf(v.at(0), "a target's move"), FloatOf(v.at(1), "a target's share"));
      }
      if (t.contains("q")) target.root_value = FloatOf(t.at("q"), "a target's root value");
      r.targets.push_back(std::move(target));
    }
    r.result = FloatOf(j.at("result"), "the result");
    r.resigned = j.at("resigned").get<bool>();
    r.resign_allowed = j.at("resign_allowed").get<bool>();
    r.non_loser_min_value = FloatOf(j.at("non_loser_min_value"), "non_loser_min_value");
    if (j.contains("evals")) {
      r.evals = IntegerOf(j.at("evals"), "evals");
      if (r.evals < 0) throw game::UserError("malformed game record: evals is negative");
    }
    return r;
  } catch (const Json::exception& e) {
    throw game::UserError(std::string("malformed game record: ") + e.what());
  }
}

void ValidateGameRecord(const game::Game& game, const GameRecord& r) {
  const auto fail = [&](const std::string& why) { return game::UserError("game " + r.uuid + ": " + why); };
  if (r.uuid.empty() || r.uuid.size() > 64) throw fail("bad uuid");
  if (r.game_spec != game.Spec()) throw fail("is a " + r.game_spec + " game, not " + game.Spec());
  if (r.result != -1 && r.result != 0 && r.result != 1) throw fail("result must be -1, 0 or 1");
  if (static_cast<int>(r.moves.size()) > game.MaxGameLength()) throw fail("longer than the game allows");
  auto state = game.NewInitialState();
  size_t next_target = 0;
  for (size_t i = 0; i <= r.moves.size(); ++i) {
    while (next_target < r.targets.size() && r.targets[next_target].move_number == static_cast<int>(i)) {
      const PolicyTarget& t = r.targets[next_target++];
      if (i == r.moves.size()) throw fail("target after the last move");
      float sum = 0;
      for (const auto& [m, p] : t.visits) {
        if (!state->IsLegal(m) || !(p >= 0) || p > 1) throw fail("bad target at move " + std::to_string(i + 1));
        sum += p;
      }
      if (std::fabs(sum - 1) > 1e-3f) throw fail("target at move " + std::to_string(i + 1) + " does not sum to 1");
      if (t.root_value && !(std::fabs(*t.root_value) <= 1)) {
        throw fail("root value at move " + std::to_string(i + 1) + " is outside -1..1");
      }
    }
    if (i == r.moves.size()) break;
    if (!state->IsLegal(r.moves[i])) throw fail("move " + std::to_string(i + 1) + " is illegal");
    state->Play(r.moves[i]);
  }
  if (next_target != r.targets.size()) throw fail("targets out of order or beyond the moves");
  if (!r.resigned) {
    if (!state->IsTerminal()) throw fail("ends before the game is over");
    if (state->Outcome(0) != r.result) throw fail("result does not match the final position");
  }
}

std::string NewUuid() {
  thread_local std::mt19937_64 rng(std::random_device{}() ^ reinterpret_cast<uintptr_t>(&rng));
  const uint64_t a = rng(), b = rng();
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xfff),
                static_cast<unsigned>(0x8000 | ((b >> 48) & 0x3fff)),
                static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return buf;
}

}  // namespace descent::selfplay
