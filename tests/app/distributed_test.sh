#!/usr/bin/env bash
# A trainer and two self-play workers as separate processes on loopback:
# a worker started before the trainer waits for it; games from both arrive;
# networks advance and workers switch to them; the trainer is killed with
# kill -9 during uploads and restarted; a worker is killed with kill -9 and
# restarted on its spool. At the end every game a worker saw acknowledged
# is in the store exactly once, and the store holds nothing else.
set -euo pipefail
descent=$1
dir=$(mktemp -d)
cleanup() {
  kill -9 $(jobs -p) 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*"
  for f in "$dir"/*.log; do echo "== $f"; tail -5 "$f"; done
  exit 1
}
port=$((20000 + RANDOM % 20000))
url=http://127.0.0.1:$port
token=distributed-test-token
run=$dir/run
field() { "$descent" status --run "$run" | awk -v k="$1" '$1 == k { print $2 }'; }
# Polls a condition (a command) every half second for up to $1 seconds, so
# a loaded machine slows the test down instead of failing it.
wait_until() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.5
  done
}
acked() { cat "$dir"/s1/acknowledged.log "$dir"/s2/acknowledged.log 2>/dev/null | sort -u | wc -l; }

start_trainer() {
  "$descent" train --game tictactoe --run "$run" --listen 127.0.0.1:$port --token $token --local-selfplay false \
    --eval-every 0 --max-network-lag 1000000 --publish-every 20 >> "$dir/trainer.log" 2>&1 &
  trainer=$!
}
start_worker() {  # name spool
  "$descent" selfplay --server $url --token $token --name "$1" --spool "$dir/$2" --threads 1 --games 16 \
    --max-backoff 1 --poll-seconds 0.5 --upload-seconds 0.5 >> "$dir/$1.log" 2>&1 &
}

# 1. A worker before its trainer: it waits, retrying.
start_worker w1 s1
w1=$!
wait_until 60 grep -q "waiting for the trainer" "$dir/w1.log" || fail "w1 did not wait for the trainer"
start_trainer
start_worker w2 s2
w2=$!
sleep 15  # games flow and networks advance meanwhile (checked at the end)
wait_until 120 test -s "$dir/s1/acknowledged.log" || fail "no games from w1 arrived"
wait_until 120 test -s "$dir/s2/acknowledged.log" || fail "no games from w2 arrived"
echo "both workers delivered: w1 $(wc -l < "$dir/s1/acknowledged.log"), w2 $(wc -l < "$dir/s2/acknowledged.log") games"

# 2. kill -9 the trainer while uploads go on; the workers keep their games.
kill -9 $trainer
wait $trainer 2>/dev/null || true
echo "trainer killed with $(field games) games stored"
sleep 4
grep -q "trainer unreachable" "$dir/w1.log" "$dir/w2.log" || true
start_trainer
sleep 8

# 3. kill -9 a worker; the other goes on; a new worker on its spool sends
#    what it left.
kill -9 $w2
wait $w2 2>/dev/null || true
before=$(field games)
more_games() { [ "$(field games)" -gt "$before" ]; }
sleep 6
wait_until 60 more_games || fail "games stopped arriving after a worker was killed ($before -> $(field games))"
after=$(field games)
echo "after killing w2: $before -> $after games from w1"
start_worker w2b s2
w2b=$!
sleep 6

# 4. Stop the workers cleanly (they hand over what is finished), then the
#    trainer.
kill -INT $w1 $w2b
wait $w1 $w2b || fail "a worker did not stop cleanly"
grep -q "waiting in the spool 0" "$dir/w1.log" || fail "w1 stopped with games unsent"
grep -q "waiting in the spool 0" "$dir/w2b.log" || fail "w2b stopped with games unsent"
kill -INT $trainer
wait $trainer || fail "the trainer did not stop cleanly"

grep -q "switched to network" "$dir/w1.log" || fail "w1 never switched networks"
networks=$(field networks)
[ "$networks" -ge 3 ] || fail "networks did not advance ($networks)"
games=$(field games)
unique=$(acked)
echo "store: $games games, $networks networks; workers saw $unique distinct games acknowledged"
grep -h "^finished" "$dir"/w*.log
# The store refuses a UUID twice, so equal counts mean: no acknowledged game
# lost, and nothing stored that no worker saw acknowledged.
[ "$games" -eq "$unique" ] || fail "store holds $games games, workers saw $unique acknowledged"
# The workers' self-play compute is counted in the run (and the networks'
# lineage) by what each stored game says it cost: all of it is remote here.
# (Not compared with what the workers print: w2 was killed before printing,
# and the trainer counts up to its newest network.)
read -r total remote < <("$descent" status --run "$run" | awk '$1 == "evals" { gsub(/\(/, "", $3); print $2, $3 }')
echo "self-play evaluations counted by the trainer: $total ($remote by remote workers)"
[ "${remote:-0}" -gt 0 ] && [ "$remote" -eq "$total" ] || fail "remote self-play evaluations not counted: $total ($remote remote)"
echo "PASS"
