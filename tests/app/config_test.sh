#!/usr/bin/env bash
# descent train --config FILE: values are read (the command line wins),
# RUN/config.ini holds the resolved values and reproduces the run's options,
# and a bad file is refused with a message naming the problem, creating nothing.
set -euo pipefail
descent=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
value() { sed -nE "s/^$1=\"?([^\"]*)\"?$/\1/p" "$2"; }

printf '# a comment\ngame="connect4"\nreuse=3\nbatch=128\n[train]\nfast-visits=24\n' > "$dir/a.ini"
"$descent" train --config "$dir/a.ini" --run "$dir/a" --batch 64 --minutes 0.01 --eval-every 0 > /dev/null
ini=$dir/a/config.ini
[ "$(value game "$ini")" = connect4 ] || fail "game not read from the file"
[ "$(value reuse "$ini")" = 3 ] || fail "reuse not read from the file"
[ "$(value fast-visits "$ini")" = 24 ] || fail "a [train] section not read"
[ "$(value batch "$ini")" = 64 ] || fail "the command line did not win over the file"
# Defaults are written resolved (the game's own values), not left empty.
[ "$(value blocks "$ini")" = 5 ] || fail "blocks not resolved: '$(value blocks "$ini")'"
[ "$(value window "$ini")" = 200000 ] || fail "window not resolved"

# The written file reproduces the run's options.
"$descent" train --config "$ini" --run "$dir/b" --minutes 0.01 > /dev/null
diff <(grep -vE '^(#|run=)' "$ini") <(grep -vE '^(#|run=)' "$dir/b/config.ini") || fail "config.ini does not reproduce the run"

# Resuming with only --run goes on with the run's own options (the game, the
# file's values, the command line's batch); a flag given now still wins.
"$descent" train --run "$dir/a" --minutes 0.01 --eval-every 0 > /dev/null
[ "$(value game "$ini")" = connect4 ] || fail "resume without --game did not keep the run's game"
[ "$(value reuse "$ini")" = 3 ] || fail "resume lost reuse=3"
[ "$(value batch "$ini")" = 64 ] || fail "resume lost the first command line's batch"
"$descent" train --run "$dir/a" --minutes 0.01 --eval-every 0 --reuse 5 > /dev/null
[ "$(value reuse "$ini")" = 5 ] || fail "a flag given on resume did not win"
[ "$(value fast-visits "$ini")" = 24 ] || fail "resume lost fast-visits"
# The device is the machine's, not the run's: a run that went on a GPU
# resumes here on the CPU without --device.
sed -i 's/^device=.*/device="cuda"/' "$ini"
"$descent" train --run "$dir/a" --minutes 0.01 --eval-every 0 > "$dir/out" 2>&1 || { cat "$dir/out"; fail "a run last on cuda did not resume here"; }
[ "$(value device "$ini")" = cpu ] || fail "resume took the device from config.ini: '$(value device "$ini")'"

expect_refused() {  # FILE-CONTENT MESSAGE
  printf "$1" > "$dir/bad.ini"
  if "$descent" train --config "$dir/bad.ini" --run "$dir/bad" --minutes 0.01 > "$dir/out" 2>&1; then fail "accepted: $1"; fi
  grep -q "$2" "$dir/out" || { cat "$dir/out"; fail "no message '$2' for: $1"; }
  [ ! -e "$dir/bad" ] || fail "a refused config created the run directory"
}
expect_refused 'reuze=3\n' "unknown option 'reuze'"
expect_refused 'reuse=abc\n' "reuse"
expect_refused 'lr=-1\n' "lr"
expect_refused 'game="chess"\n' "unknown game 'chess'"
if "$descent" train --config "$dir/missing.ini" --run "$dir/bad" > "$dir/out" 2>&1; then fail "a missing file was accepted"; fi
grep -q "missing.ini" "$dir/out" || fail "no message for a missing file"
echo "config: read, resolved, reproduced; bad files refused"
