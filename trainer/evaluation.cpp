#include "trainer/evaluation.h"

#include <algorithm>
#include <cstdio>
#include <set>

#include "game/connect4.h"
#include "game/connect4_solver.h"
#include "game/pons.h"
#include "game/tictactoe.h"
#include "game/tictactoe_solver.h"
#include "trainer/gtp_player.h"
#include "selfplay/arena.h"

namespace descent::trainer {
namespace {

std::string MatchExtra(const selfplay::MatchResult& r) {
  const auto [lo, hi] = r.Interval95();
  char buf[160];
  std::snprintf(buf, sizeof buf, R"({"lo":%.4f,"hi":%.4f,"w":%d,"d":%d,"l":%d})", lo, hi, r.wins, r.draws, r.losses);
  return buf;
}

std::string MatchText(const std::string& what, const selfplay::MatchResult& r) {
  const auto [lo, hi] = r.Interval95();
  char buf[200];
  std::snprintf(buf, sizeof buf, "%s: score %.3f [%.3f, %.3f] (+%d =%d -%d)", what.c_str(), r.Score(), lo, hi, r.wins,
                r.draws, r.losses);
  return buf;
}

// Pons positions where `player` threw away the game-theoretic value, split
// by that value: in a lost position every move loses, so mistakes happen
// only in won positions (a move that draws or loses) and drawn ones (a move
// that loses). The split says whether a network misses long wins or walks
// into losses from a draw.
struct PonsMistakes {
  int positions = 0, won = 0, won_mistakes = 0, drawn = 0, drawn_mistakes = 0;
  double Rate() const { return positions ? static_cast<double>(won_mistakes + drawn_mistakes) / positions : 0; }
};

PonsMistakes CountPonsMistakes(const game::Game& g, selfplay::Player& player, const std::string& file, int limit,
                               const std::atomic<bool>* cancel) {
  const auto positions = game::ReadPonsFile(file);
  game::Connect4Solver solver;
  std::mt19937_64 rng(1);
  PonsMistakes r;
  for (const auto& p : positions) {
    if (r.positions == limit || (cancel && cancel->load())) break;
    game::Connect4State s(static_cast<const game::Connect4Game&>(g));
    game::PlayPonsMoves(p.moves, &s);
    const game::Move m = player.Choose(s, rng);
    // Only the sign of the chosen move's value matters. Exact scores of every
    // move took up to 25 s on a single middle-game position (a training
    // run's evaluation sat there for over 15 minutes).
    const int chosen = solver.ScoreMoveWeak(s.Bits(), m);
    const int value = (p.score > 0) - (p.score < 0);
    if (value > 0) ++r.won;
    if (value == 0) ++r.drawn;
    if (chosen < value) ++(value > 0 ? r.won_mistakes : r.drawn_mistakes);
    ++r.positions;
  }
  return r;
}

// Connect Four: from each Pons position `player` plays the side to move
// against the perfect solver to the end of the game. A position is kept when
// the game ends with the position's game-theoretic result; the solver never
// allows more, so every other ending is a result thrown away somewhere along
// the game (the mistake rate above looks at one move only). Returns the
// positions finished as wins (kept) and losses (thrown away); stops early on
// `cancel`.
game::MatchScore PlayOutAgainstSolver(const game::Game& g, selfplay::Player& player, const std::string& file,
                                      int limit, const std::atomic<bool>* cancel) {
  const auto positions = game::ReadPonsFile(file);
  auto solver = selfplay::SolverPlayer(g);
  std::mt19937_64 rng(1);
  game::MatchScore kept;
  for (const auto& p : positions) {
    if (kept.games() == limit || (cancel && cancel->load())) break;
    game::Connect4State s(static_cast<const game::Connect4Game&>(g));
    game::PlayPonsMoves(p.moves, &s);
    const game::Player side = s.ToMove();
    while (!s.IsTerminal()) {
      if (cancel && cancel->load()) return kept;
      s.Play((s.ToMove() == side ? player : *solver).Choose(s, rng));
    }
    const float outcome = s.Outcome(side);
    const int result = (outcome > 0) - (outcome < 0);
    ++(result >= (p.score > 0) - (p.score < 0) ? kept.wins : kept.losses);
  }
  return kept;
}

}  // namespace

double TicTacToeOptimalPolicyRate(const game::Game& game, std::shared_ptr<const net::Network> network) {
  game::TicTacToeSolver solver;
  auto player = selfplay::NetPlayer(game, network, 0, "net");
  std::vector<std::unique_ptr<game::State>> frontier;
  frontier.push_back(game.NewInitialState());
  std::set<uint64_t> seen;
  std::vector<game::Move> legal;
  std::mt19937_64 rng(1);
  int total = 0, optimal = 0;
  while (!frontier.empty()) {
    auto s = std::move(frontier.back());
    frontier.pop_back();
    if (s->IsTerminal() || !seen.insert(s->Hash()).second) continue;
    const auto& t = static_cast<const game::TicTacToeState&>(*s);
    const game::Move m = player->Choose(*s, rng);
    const auto best = solver.OptimalMoves(t);
    ++total;
    if (std::find(best.begin(), best.end(), m) != best.end()) ++optimal;
    s->LegalMoves(&legal);
    for (game::Move next : legal) {
      auto child = s->Clone();
      child->Play(next);
      frontier.push_back(std::move(child));
    }
  }
  return static_cast<double>(optimal) / total;
}

std::vector<EvalLine> EvaluateNetwork(const game::Game& game, std::shared_ptr<const net::Network> network,
                                      const LadderRung* rung, const EvalParams& params, uint64_t seed) {
  std::vector<EvalLine> lines;
  const auto add = [&](EvalLine line) {
    if (params.on_line) params.on_line(line);
    lines.push_back(std::move(line));
  };
  const auto logger = [&](const std::string& key) -> selfplay::OnGameFn {
    if (!params.on_game) return {};
    return [&params, key](int i, game::Player side, const std::vector<game::Move>& moves, float r) {
      params.on_game(key, i, side, moves, r);
    };
  };
  // The net plays every game of a match at once through one inference
  // server (its leaves batched); the Connect Four tests take one more
  // player from the same server.
  const selfplay::PlayerFactory nets =
      selfplay::NetPlayerFactory(game, network, params.visits, "net", params.search, params.inference_threads);
  const auto match_params = [&](uint64_t match_seed, int opening_moves, const std::string& key) {
    selfplay::MatchParams m;
    m.games = params.games;
    m.seed = match_seed;
    m.cancel = params.cancel;
    m.opening_moves = opening_moves;
    m.concurrency = params.concurrency;
    m.on_game = logger(key);
    return m;
  };
  const auto match = [&](const std::string& key, const std::string& what, const selfplay::PlayerFactory& opponent,
                         decltype(selfplay::MatchParams::score) score = {}) {
    selfplay::MatchParams m = match_params(seed, 0, key);
    m.score = std::move(score);
    const selfplay::MatchResult r = selfplay::PlayMatch(game, nets, opponent, m);
    add({key, r.Score(), MatchExtra(r), MatchText(what, r)});
    return r;
  };
  match("eval.random", "vs random", selfplay::RandomPlayerFactory());
  // Seeded by the evaluation's seed: the network searches without noise, so
  // the rollouts are what makes one evaluation's games differ from another's.
  match("eval.mcts", "vs MCTS with " + std::to_string(params.rollout_visits) + " rollouts",
        selfplay::RolloutPlayerFactory(game, params.rollout_visits, seed));
  if (!params.gtp.empty()) {
    // Opening plies as in network matches: a classical engine plays the
    // same game again from the same position.
    selfplay::MatchParams m = match_params(seed + 2, selfplay::DefaultOpeningMoves(game), "eval.gtp");
    if (!params.gtp_referee.empty()) m.score = GtpRefereeScore(game, params.gtp_referee);
    const selfplay::MatchResult r =
        selfplay::PlayMatch(game, nets, GtpPlayerFactory(game, {.command = params.gtp}), m);
    add({"eval.gtp", r.Score(), MatchExtra(r), MatchText("vs " + GtpEngineName(params.gtp), r)});
  }
  if (rung && rung->network && rung->network->info().content_hash != network->info().content_hash) {
    const selfplay::PlayerFactory below = selfplay::NetPlayerFactory(game, rung->network, params.visits, rung->name,
                                                                     params.search, params.inference_threads);
    const selfplay::MatchResult r = selfplay::PlayMatch(
        game, nets, below, match_params(seed + 1, selfplay::DefaultOpeningMoves(game), "eval.elo"));
    const double elo = rung->elo + r.Elo();
    char what[96], text[96];
    std::snprintf(what, sizeof what, "vs %s (Elo %+.0f)", rung->name.c_str(), rung->elo);
    std::snprintf(text, sizeof text, " -> Elo %+.0f on the ladder (first network = 0)", elo);
    add({"eval.elo", elo, MatchExtra(r), MatchText(what, r) + text});
  } else if (rung) {  // this network is the rung itself: the first network, rated 0
    add({"eval.elo", rung->elo, "{}", "Elo 0 (the first network anchors the ladder)"});
  }
  if (dynamic_cast<const game::TicTacToeGame*>(&game)) {
    const selfplay::MatchResult r = match("eval.solver", "vs the solver", selfplay::SolverPlayerFactory(game));
    add({"eval.solver_losses", static_cast<double>(r.losses), "{}",
                     "losses to the solver: " + std::to_string(r.losses) + " of " + std::to_string(r.games())});
    const double rate = TicTacToeOptimalPolicyRate(game, network);
    char text[120];
    std::snprintf(text, sizeof text, "net alone plays an optimal move in %.2f%% of the 4,520 positions", 100 * rate);
    add({"eval.optimal_policy", rate, "{}", text});
  }
  if (dynamic_cast<const game::Connect4Game*>(&game)) {
    const std::string dir = params.pons_dir.empty() ? std::string(DESCENT_SOURCE_DIR) + "/tests/data/connect4" : params.pons_dir;
    const auto net = nets(0);
    auto alone = selfplay::NetPlayer(game, network, 0, "net alone");
    // Middle game easy and medium (Test_L2_R2: 14..28 moves left with perfect
    // play, the set #17 holds the network to), and the opening.
    for (const char* file : {"Test_L2_R1", "Test_L2_R2", "Test_L1_R1"}) {
      const PonsMistakes with_search =
          CountPonsMistakes(game, *net, dir + "/" + file, params.pons_positions, params.cancel);
      const PonsMistakes no_search =
          CountPonsMistakes(game, *alone, dir + "/" + file, params.pons_positions, params.cancel);
      const auto text_of = [](const PonsMistakes& m, const char* how) {
        const auto share = [](int part, int whole) { return whole ? 100.0 * part / whole : 0.0; };
        char text[120];
        std::snprintf(text, sizeof text, "%.1f%% %s (won %.1f%% of %d, drawn %.1f%% of %d)", 100 * m.Rate(), how,
                      share(m.won_mistakes, m.won), m.won, share(m.drawn_mistakes, m.drawn), m.drawn);
        return std::string(text);
      };
      const std::string text = std::string(file) + " mistakes: " + text_of(with_search, "with search") + ", " +
                               text_of(no_search, "net alone") + "; " + std::to_string(with_search.positions) +
                               " positions";
      add({std::string("eval.mistakes.") + file, with_search.Rate(), "{}", text});
      add({std::string("eval.mistakes_net.") + file, no_search.Rate(), "{}", ""});
    }
    // Whole games against the solver, from middle-game positions (the solver
    // answers there in milliseconds; from the opening it would take minutes).
    if (params.solver_positions > 0) {
      const game::MatchScore kept =
          PlayOutAgainstSolver(game, *net, dir + "/Test_L2_R1", params.solver_positions, params.cancel);
      if (kept.games() > 0) {
        const auto [lo, hi] = kept.Interval95();
        char text[200];
        std::snprintf(text, sizeof text,
                      "vs the solver from Test_L2_R1 positions: keeps the game-theoretic result in %.1f%% [%.1f, "
                      "%.1f] of %d games (%d thrown away)",
                      100 * kept.Score(), 100 * lo, 100 * hi, kept.games(), kept.losses);
        add({"eval.solver_kept", kept.Score(), MatchExtra(kept), text});
      }
    }
  }
  return lines;
}

}  // namespace descent::trainer
