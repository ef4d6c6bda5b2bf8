#!/usr/bin/env bash
# The trainer and two self-play workers in separate network namespaces:
# each worker has its own address (10.77.1.2, 10.77.2.2) and reaches the
# trainer over a veth link, as from another machine. Skipped (exit 77) where
# network namespaces cannot be made (no privilege, no iproute2).
set -euo pipefail
descent=$1
tag=d$$
ns1=${tag}w1 ns2=${tag}w2
dir=$(mktemp -d)
cleanup() {
  kill -INT $(jobs -p) 2>/dev/null || true
  sleep 1
  kill -9 $(jobs -p) 2>/dev/null || true
  ip netns del $ns1 2>/dev/null || true
  ip netns del $ns2 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*"
  for f in "$dir"/*.log; do echo "== $f"; tail -5 "$f"; done
  exit 1
}
if ! command -v ip > /dev/null || ! ip netns add $ns1 2> /dev/null; then
  echo "SKIP: cannot create network namespaces here"
  exit 77
fi
ip netns add $ns2
# One veth pair per worker: the host side is the trainer's address.
for i in 1 2; do
  ns=${tag}w$i
  ip link add ${tag}h$i type veth peer name ${tag}n$i
  ip link set ${tag}n$i netns $ns
  ip addr add 10.77.$i.1/24 dev ${tag}h$i
  ip link set ${tag}h$i up
  ip netns exec $ns ip addr add 10.77.$i.2/24 dev ${tag}n$i
  ip netns exec $ns ip link set ${tag}n$i up
  ip netns exec $ns ip link set lo up
done
port=$((20000 + RANDOM % 20000))
token=netns-test-token
"$descent" train --game tictactoe --run "$dir/run" --listen 0.0.0.0:$port --token $token --local-selfplay false \
  --eval-every 0 --max-network-lag 1000000 --publish-every 20 > "$dir/trainer.log" 2>&1 &
trainer=$!
for i in 1 2; do
  ip netns exec ${tag}w$i "$descent" selfplay --server http://10.77.$i.1:$port --token $token --name "w$i" \
    --spool "$dir/s$i" --threads 1 --games 16 --max-backoff 1 --poll-seconds 0.5 --upload-seconds 0.5 \
    --minutes 0.4 > "$dir/w$i.log" 2>&1 &
done
sleep 3
# The workers' own addresses, as the trainer's machine sees them.
ip netns exec $ns1 ip -4 addr show | grep -q 10.77.1.2 || fail "worker 1 has no address of its own"
wait $(jobs -p | grep -v "^$trainer$") || fail "a worker failed"
for i in 1 2; do
  [ -s "$dir/s$i/acknowledged.log" ] || fail "no games arrived from w$i"
  grep -q "switched to network" "$dir/w$i.log" || fail "w$i never switched networks"
  echo "w$i (10.77.$i.2): $(wc -l < "$dir/s$i/acknowledged.log") games acknowledged; $(grep '^finished' "$dir/w$i.log")"
done
kill -INT $trainer
wait $trainer || fail "the trainer did not stop cleanly"
games=$("$descent" status --run "$dir/run" | awk '$1 == "games" { print $2 }')
unique=$(cat "$dir"/s1/acknowledged.log "$dir"/s2/acknowledged.log | sort -u | wc -l)
[ "$games" -eq "$unique" ] || fail "store holds $games games, workers saw $unique acknowledged"
echo "PASS: $games games from two namespaces"
