#!/usr/bin/env bash
# descent eval on Connect Four measures against the solver: the shipped
# network (nets/connect4.safetensors) with search keeps the game-theoretic
# value of Pons middle-game positions, move by move and over whole games
# against the solver; an untrained network alone throws much of it away.
# Measured (40 positions each): shipped net with 200 visits 0.0% mistakes on
# Test_L2_R1, 100% of games kept; untrained net alone 35% mistakes, 52.5% kept.
set -euo pipefail
descent=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
percent() { sed -nE "s/^$1.* ([0-9.]+)% $2.*/\1/p" "$3"; }

"$descent" train --game connect4 --run "$dir/untrained" --minutes 0.01 --eval-every 0 > /dev/null 2>&1
args=(--games 2 --rollout-visits 20 --pons-positions 40 --solver-positions 40)
"$descent" eval --net "$root/nets/connect4.safetensors" --visits 200 "${args[@]}" --games-log "$dir/games.tsv" |
  tee "$dir/trained.log"
"$descent" eval --net "$dir/untrained/nets/step-00000000.safetensors" --visits 0 "${args[@]}" | tee "$dir/untrained.log"

trained_mistakes=$(percent "Test_L2_R1 mistakes:" "with search" "$dir/trained.log")
trained_kept=$(percent "vs the solver" "\\[" "$dir/trained.log")
untrained_mistakes=$(percent "Test_L2_R1 mistakes:" "with search" "$dir/untrained.log")
untrained_kept=$(percent "vs the solver" "\\[" "$dir/untrained.log")
echo "trained: $trained_mistakes% mistakes, $trained_kept% kept; untrained: $untrained_mistakes% mistakes, $untrained_kept% kept"
[ -n "$trained_kept" ] && [ -n "$untrained_kept" ] || fail "no solver line"
awk "BEGIN { exit !($trained_mistakes <= 10) }" || fail "shipped net with search: $trained_mistakes% mistakes (> 10%)"
awk "BEGIN { exit !($trained_kept >= 90) }" || fail "shipped net with search keeps $trained_kept% (< 90%)"
awk "BEGIN { exit !($untrained_mistakes >= 20) }" || fail "untrained net alone: only $untrained_mistakes% mistakes"
awk "BEGIN { exit !($untrained_kept <= 75) }" || fail "untrained net alone keeps $untrained_kept% (> 75%)"
# The mistakes split by the position's game-theoretic value: the counts of
# won and drawn positions are the data file's, and the two parts add up to
# the whole (lost positions admit no mistake).
read -r won drawn < <(head -40 "$root/tests/data/connect4/Test_L2_R1" |
  awk '{ w += $2 > 0; d += $2 == 0 } END { print w, d }')
line=$(grep "^Test_L2_R1 mistakes:" "$dir/untrained.log")
[[ "$line" =~ ([0-9.]+)%\ with\ search\ \(won\ ([0-9.]+)%\ of\ ([0-9]+),\ drawn\ ([0-9.]+)%\ of\ ([0-9]+)\) ]] ||
  fail "no split in: $line"
[ "${BASH_REMATCH[3]}" = "$won" ] && [ "${BASH_REMATCH[5]}" = "$drawn" ] ||
  fail "split counts ${BASH_REMATCH[3]}/${BASH_REMATCH[5]}, the file has $won won and $drawn drawn: $line"
awk -v all="${BASH_REMATCH[1]}" -v w="${BASH_REMATCH[2]}" -v nw="$won" -v d="${BASH_REMATCH[4]}" -v nd="$drawn" \
  'BEGIN { parts = (w * nw + d * nd) / 40; exit !(parts - all < 0.2 && all - parts < 0.2 && all > 0) }' ||
  fail "the split does not add up to the whole: $line"
# --games-log: one line per match game (2 vs random, 2 vs MCTS), colours
# alternating, each a finished game that the net won against random.
[ "$(grep -c '^eval\.' "$dir/games.tsv")" = 4 ] || fail "games log: $(cat "$dir/games.tsv")"
[ "$(grep -cP '^eval\.random\t\d\t(first|second)\twin\t([a-g] ){6,}' "$dir/games.tsv")" = 2 ] || fail "games log vs random: $(cat "$dir/games.tsv")"
[ "$(cut -f3 "$dir/games.tsv" | grep -c first)" = 2 ] || fail "games log sides: $(cat "$dir/games.tsv")"
# ... and for a match against another network (--vs).
"$descent" eval --net "$root/nets/connect4.safetensors" --vs "$dir/untrained/nets/step-00000000.safetensors" \
  --games 2 --visits 10 --games-log "$dir/vs.tsv" > /dev/null
[ "$(grep -cP '^eval\.vs\t\d\t(first|second)\t(win|draw|loss)\t' "$dir/vs.tsv")" = 2 ] || fail "games log --vs: $(cat "$dir/vs.tsv")"
# The search's constants are options; an impossible one is refused by name.
if "$descent" eval --net "$root/nets/connect4.safetensors" --c-puct 0 > "$dir/bad.log" 2>&1; then fail "--c-puct 0 accepted"; fi
grep -q -- "--c-puct" "$dir/bad.log" || fail "--c-puct 0: $(cat "$dir/bad.log")"
"$descent" eval --net "$root/nets/connect4.safetensors" --vs "$root/nets/connect4.safetensors" --games 2 --visits 10 \
  --c-puct 1 --fpu-reduction 0 > "$dir/cpuct.log"
grep -q "score" "$dir/cpuct.log" || fail "--c-puct 1: $(cat "$dir/cpuct.log")"
echo PASS
