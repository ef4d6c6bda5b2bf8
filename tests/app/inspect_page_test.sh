#!/usr/bin/env bash
# The run page in headless Chromium (tests/app/inspect/check.js): against a
# live tic-tac-toe run (`descent train --listen`: the charts must move while
# it runs), then against a short Go run through `descent inspect` (stones
# and captures where the game says). Skipped (77) where node, Debian's
# chromium or the pinned puppeteer-core (scripts/test runs npm ci in
# tests/app/inspect) is missing. DESCENT_SCREENSHOTS=DIR keeps screenshots.
set -euo pipefail
descent=$1
here=$(cd "$(dirname "$0")" && pwd)
chromium=${CHROMIUM:-/usr/bin/chromium}
if ! command -v node > /dev/null || [ ! -d "$here/inspect/node_modules/puppeteer-core" ] || [ ! -x "$chromium" ]; then
  echo "skipped: node, chromium or puppeteer-core is missing (scripts/test installs them)"
  exit 77
fi
dir=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2> /dev/null || true; done
  wait 2> /dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
shots() { [ -n "${DESCENT_SCREENSHOTS:-}" ] && echo "--screenshots $DESCENT_SCREENSHOTS $1" || true; }

# The page's address, once `log` names it (the server picks a free port).
url_in() {
  local log=$1 url=""
  for _ in $(seq 1 600); do
    url=$(grep -o 'http://127\.0\.0\.1:[0-9]*/run' "$log" | head -1 | sed 's|/run$||') || true
    [ -n "$url" ] && { echo "$url"; return 0; }
    sleep 0.1
  done
  fail "no run page address in $log: $(cat "$log")"
}

# 1. A live tic-tac-toe run.
"$descent" train --game tictactoe --run "$dir/ttt" --listen 127.0.0.1:0 --minutes 5 --threads 1 \
  > "$dir/ttt.log" 2>&1 &
pids+=($!)
url=$(url_in "$dir/ttt.log")
# shellcheck disable=SC2046
node "$here/inspect/check.js" "$url" --live $(shots tictactoe) || fail "tic-tac-toe run page (log: $(tail -5 "$dir/ttt.log"))"

# 2. A short Go run, finished, through descent inspect.
"$descent" train --game go:5:komi=3 --run "$dir/go" --blocks 1 --channels 8 --games 8 --full-visits 16 \
  --fast-visits 8 --min-samples 64 --publish-every 10 --eval-every 0 --max-steps 20 --threads 1 \
  > "$dir/go.log" 2>&1 || fail "the Go run failed: $(tail -5 "$dir/go.log")"
"$descent" inspect --run "$dir/go" --listen 127.0.0.1:0 > "$dir/inspect.log" 2>&1 &
pids+=($!)
url=$(url_in "$dir/inspect.log")
# shellcheck disable=SC2046
node "$here/inspect/check.js" "$url" $(shots go) || fail "Go run page"
echo "PASS: the run page renders, updates live and shows stored games as they were played"
