#!/usr/bin/env bash
# Resume after kill -9: acknowledged games are never lost or doubled, the step
# carries on, and a corrupt or foreign newest network is refused with a
# message while training continues from the last good one.
set -euo pipefail
descent=$1
dir=$(mktemp -d)
cleanup() {
  kill -9 $(jobs -p) 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT
newest_net() { local nets=("$run"/nets/step-*.safetensors); echo "${nets[-1]}"; }
run=$dir/run

field() { "$descent" status --run "$run" | awk -v k="$1" '$1 == k { print $2 }'; }
newest_step() { "$descent" status --run "$run" | sed -nE 's/^newest network [0-9a-f]+ \(step ([0-9]+),.*/\1/p'; }
fail() { echo "FAIL: $*"; exit 1; }

# Kill -9 three times at different moments (networks are published every
# ~0.3 s here, so some kills land during a checkpoint write).
games=0
step=0
for seconds in 12 7.3 9.7; do
  "$descent" train --game tictactoe --run "$run" --minutes 10 --eval-every 0 > "$dir/train.log" 2>&1 &
  pid=$!
  sleep "$seconds"
  kill -9 "$pid"
  wait "$pid" 2>/dev/null || true
  now_games=$(field games)
  now_step=$(newest_step)
  echo "after kill: $now_games games, newest network at step $now_step"
  [ "$now_games" -ge "$games" ] || fail "games went from $games to $now_games"
  [ "$now_step" -ge "$step" ] || fail "step went back from $step to $now_step"
  games=$now_games
  step=$now_step
done

# A clean restart reports exactly what the store acknowledged and goes on.
"$descent" train --game tictactoe --run "$run" --minutes 0.1 --eval-every 0 > "$dir/resume.log" 2>&1
grep -q "^resuming tictactoe in $run: $games games" "$dir/resume.log" || fail "resume line: $(head -n 1 "$dir/resume.log")"
grep -q ", step $step," "$dir/resume.log" || fail "resumed at the wrong step: $(head -n 1 "$dir/resume.log")"
[ "$(newest_step)" -gt "$step" ] || fail "no training after resuming"
[ "$(field games)" -gt "$games" ] || fail "no new games after resuming"

# A corrupt newest network: refused by name, the run goes on from the one before.
nets=("$run"/nets/step-*.safetensors)
newest=${nets[-1]}
previous_step=$(echo "${nets[-2]}" | sed -E 's/.*step-0*([0-9]+)\.safetensors/\1/')
head -c 1000 "$newest" > "$dir/cut" && cp "$dir/cut" "$newest"
"$descent" train --game tictactoe --run "$run" --minutes 0.05 --eval-every 0 > "$dir/corrupt.log" 2>&1
grep -q "refused: weights file .* truncated" "$dir/corrupt.log" || fail "corrupt file not refused: $(head -n 3 "$dir/corrupt.log")"
grep -q ", step ${previous_step:-0}," "$dir/corrupt.log" || fail "did not continue from step $previous_step"

# A foreign network (Connect Four) in its place: refused too.
"$descent" train --game connect4 --run "$dir/c4" --minutes 0.01 --eval-every 0 > /dev/null 2>&1
c4_nets=("$dir"/c4/nets/step-*.safetensors)
cp "${c4_nets[0]}" "$(newest_net)"
"$descent" train --game tictactoe --run "$run" --minutes 0.05 --eval-every 0 > "$dir/foreign.log" 2>&1
grep -q "refused: the network is for connect4, not tictactoe" "$dir/foreign.log" || fail "foreign file not refused: $(head -n 3 "$dir/foreign.log")"
echo "resume test passed: $(field games) games, newest step $(newest_step)"
