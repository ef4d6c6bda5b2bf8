// The training run's options, declared once (names, help, ranges), and the
// per-game defaults (game/traits.h) that fill in what a user leaves out.

#include "mcts/search_options.h"
#include "trainer/training_run.h"

namespace descent::trainer {

const game::OptionTable<TrainRunParams>& TrainRunOptions() {
  using P = TrainRunParams;
  static const game::OptionTable<P> table = [] {
    game::OptionTable<P> t;
    t.Add("game", &P::game, "game spec: tictactoe, connect4, go:9:komi=7, ...")
        .Add("run", &P::run, "run directory (created, or resumed)")
        .Add("blocks", &P::blocks, "residual blocks (0: the game's default; with --init, more than the file's deepens it)", 0, 64)
        .Add("channels", &P::channels, "channels (0: the game's default)", 0, 512)
        .Add("init", &P::init, "start a new run from this network (e.g. nets/go9.safetensors) and its optimizer state")
        .Add("encoding", &P::encoding, "input encoding of a new network (go-v2, go-v1; empty: the newest)")
        .Add("aux-heads", &P::aux_heads, "Go: a new network predicts final ownership and score too")
        .Add("global-pooling", &P::global_pooling, "Go: a new network pools the board globally in its trunk and heads")
        .Add("wdl-value", &P::wdl_value, "a new network's value head predicts win, draw and loss (3 logits); "
             "with --init, a scalar head is turned into one")
        .Add("ownership-weight", &P::ownership_weight, "weight of the ownership loss", 0.0, 100.0)
        .Add("score-weight", &P::score_weight, "weight of the score loss", 0.0, 100.0)
        .Add("opponent-policy", &P::opponent_policy,
             "a new network also learns to predict the opponent's reply (KataGo's auxiliary policy head)")
        .Add("opponent-policy-weight", &P::opponent_policy_weight, "weight of the opponent-reply loss", 0.0, 100.0)
        .Add("games", &P::games, "concurrent self-play games", 0, 4096)
        .Include(&P::self_play, selfplay::SelfPlayOptions())
        .Include(&P::search, mcts::SearchOptions())
        .Add("value-q-weight", &P::value_q_weight,
             "value target = (1 - w) x the game's result + w x the search's root value at the move", 0.0, 1.0)
        .Add("window", &P::window, "replay window in samples", 0, 100000000)
        .Add("batch", &P::batch, "training batch size", 0, 65536)
        .Add("lr", &P::lr, "learning rate", 0.0, 10.0)
        .Add("lr-drop-steps", &P::lr_drop_steps, "divide the learning rate by 10 every N steps (0: never)", 0, 1e9)
        .Add("reuse", &P::reuse, "times each sample is trained on, on average, at most", 0.0, 1000.0)
        .Add("min-samples", &P::min_samples, "samples before training starts", 0, 1e9)
        .Add("publish-every", &P::publish_every, "training steps between networks", 0, 1e9)
        .Add("eval-every", &P::eval_every, "evaluate every Nth network (0: never; -1: the game's default)", -1, 1e9)
        .Add("eval-games", &P::eval_games, "games per evaluation opponent", 0, 1e6)
        .Add("eval-visits", &P::eval_visits, "the network's visits per move in evaluation", 0, 1e7)
        .Add("eval-rollout-visits", &P::eval_rollout_visits, "visits of the random-rollout MCTS referee in evaluation",
             0, 1e7)
        .Add("eval-concurrency", &P::eval_concurrency, "evaluation games played at once", 1, 256)
        .Add("eval-gtp", &P::eval_gtp, "a GTP engine each evaluation also plays (\"gnugo --mode gtp --level 1\")")
        .Add("eval-gtp-referee", &P::eval_gtp_referee, "Go: a GTP engine whose final_score decides those games")
        .Add("resign-false-rate", &P::resign_false_rate, "accepted share of wrong resignations", 0.0, 0.5)
        .Add("resign-max-threshold", &P::resign_max_threshold, "never resign above this value", -1.0, 1.0)
        .Add("minutes", &P::minutes, "stop after this long (0: until Ctrl-C)", 0.0, 1e9)
        .Add("max-steps", &P::max_steps, "stop at this training step (0: no limit)", 0, 2e9)
        .Add("threads", &P::threads, "inference workers", 1, 64)
        .Add("device", &P::device, "where the networks run and train: cpu, or cuda (a CUDA LibTorch build)")
        .Add("seed", &P::seed, "random seed")
        .Add("listen", &P::listen, "serve self-play workers on HOST:PORT (e.g. 0.0.0.0:8470)")
        .Add("token", &P::token, "workers' bearer token (default: RUN/token, made up if missing; prefer --token-file: a command line is visible to every local user in /proc)")
        .Add("token-file", &P::token_file, "read the workers' token from this file")
        .Add("local-selfplay", &P::local_selfplay, "play self-play games in this process too (true/false)")
        .Add("max-network-lag", &P::max_network_lag, "refuse workers' games of networks this many generations old", 0,
             1000000);
    return t;
  }();
  return table;
}

void ResolveDefaults(const game::Game& game, TrainRunParams* p) {
  const game::GameTraits t = game.Traits();
  const auto set = [](auto* field, auto value) {
    if (*field <= 0) *field = value;
  };
  // With --init the file says the shape; a --blocks or --channels given
  // beside it is checked against the file (more blocks deepen it).
  if (p->init.empty()) {
    set(&p->blocks, t.net_blocks);
    set(&p->channels, t.net_channels);
  }
  set(&p->games, t.selfplay_games);
  selfplay::ResolveDefaults(game, &p->self_play);
  set(&p->window, t.window);
  set(&p->batch, t.batch);
  set(&p->lr, t.learning_rate);
  set(&p->lr_drop_steps, t.lr_drop_steps);
  set(&p->reuse, t.reuse);
  set(&p->min_samples, t.min_samples);
  set(&p->publish_every, t.publish_every);
  if (p->eval_every < 0) p->eval_every = t.eval_every;
  set(&p->eval_games, t.eval_games);
  set(&p->eval_visits, t.eval_visits);
  set(&p->eval_rollout_visits, t.eval_rollout_visits);
}

}  // namespace descent::trainer
