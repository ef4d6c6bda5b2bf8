#!/usr/bin/env bash
# Descent's SGF as Sabaki reads it: printsgf after a GTP session (set-up
# stones and PL from loadsgf, two moves of one colour, a pass, a generated
# move) and the record `descent match` writes, parsed by @sabaki/sgf, the
# parser Sabaki itself uses (pinned in tests/app/sabaki; scripts/test
# installs it with npm ci). Skipped (77) where it is not installed.
set -euo pipefail
descent=$1
here=$(cd "$(dirname "$0")" && pwd)
if [ ! -d "$here/sabaki/node_modules/@sabaki/sgf" ] || ! command -v node > /dev/null; then
  echo "skipped: @sabaki/sgf or node is not installed (scripts/test runs npm ci in tests/app/sabaki)"
  exit 77
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
sabaki() { node "$here/sabaki/check.js" "$@"; }

# A GTP session on the shipped 7x7 network.
printf '(;GM[1]FF[4]SZ[7]KM[9]AB[cc][dd]AW[ee]PL[W])\n' > "$dir/setup.sgf"
printf 'loadsgf %s\nplay w C3\nplay w D3\nplay b pass\ngenmove w\nprintsgf\nquit\n' "$dir/setup.sgf" |
  DESCENT_NETS="$here/../../nets" "$descent" gtp --visits 8 2> /dev/null > "$dir/gtp.out"
generated=$(sed -n 's/^= \([A-HJ-T][0-9]*\|pass\|PASS\)$/\1/p' "$dir/gtp.out" | tail -1)
[ -n "$generated" ] || fail "no generated move in: $(cat "$dir/gtp.out")"
sed -n '/^= (/,/^$/p' "$dir/gtp.out" | sed '1s/^= //' > "$dir/session.sgf"
line=$(sabaki "$dir/session.sgf") || fail "Sabaki's parser refused printsgf: $(cat "$dir/session.sgf")"
echo "printsgf as Sabaki reads it: $line"
today=$(date +%Y-%m-%d)
expected_moves="W:C3,W:D3,B:pass,W:$(echo "$generated" | tr a-z A-Z | sed 's/^PASS$/pass/')"
[[ "$line" == "SZ=7 KM=9 RU=Chinese DT=$today RE= AB=C5,D4 AW=E3 PL=W moves=$expected_moves" ]] ||
  fail "expected set-up C5 D4 / E3, White first, moves $expected_moves on 7x7, komi 9, rules, date $today"

# A record of `descent match`, two Descent engines.
engine="env DESCENT_NETS=$here/../../nets $descent gtp --visits 4 --random-moves 6"
"$descent" match --black "$engine" --white "$engine --seed 2" --game go:7 --komi 9 --games 1 \
  --sgf-dir "$dir/games" > "$dir/match.out" 2>&1 || fail "match failed: $(cat "$dir/match.out")"
record=$(ls "$dir"/games/*.sgf | head -1)
line=$(sabaki "$record") || fail "Sabaki's parser refused the match record: $(cat "$record")"
echo "match record as Sabaki reads it: $line"
ours=$("$descent" sgf "$record" | sed -n 's/^go:7:komi=9: \([0-9]*\) moves.*/\1/p')
theirs=$(echo "$line" | sed 's/.*moves=//' | tr ',' '\n' | grep -c :)
[ "$ours" = "$theirs" ] || fail "Descent replays $ours moves, Sabaki reads $theirs"
# 7x7 at komi 9 can be drawn: SGF writes a draw RE[0].
[[ "$line" == "SZ=7 KM=9 RU=Chinese DT=$today RE="[BW]+* || "$line" == "SZ=7 KM=9 RU=Chinese DT=$today RE=0 "* ]] ||
  fail "size, komi, rules, date or result missing"
echo "ok"
