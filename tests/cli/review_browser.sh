#!/usr/bin/env bash
# tests/cli/review_browser.sh LCMON SRCDIR - review of interviews in a real browser
# (tests/browser/review.js, docs/review.md): an interviewer's account completes two
# households, the city coordinator approves one and returns the other with a comment, the
# interviewer edits and resubmits it; the states stored must be those clicked, and another
# city's coordinator gets 403. Chromium and puppeteer-core as in tests/cli/browser.sh;
# without them the test says so and passes (LCM_BROWSER_REQUIRED=1 makes that a failure).
set -euo pipefail
lcmon=$(realpath "$1")
src=$(realpath "$2")
build=$(dirname "$lcmon")
need=${LCM_BROWSER_REQUIRED:-0}

skip() {
  echo "review_browser: skipped: $*"
  [ "$need" = 1 ] && exit 1
  exit 0
}
chromium=${LCM_CHROMIUM:-/usr/bin/chromium}
[ -x "$chromium" ] || skip "no chromium ($chromium; scripts/setup --browser installs it)"
command -v node > /dev/null || skip "no node (scripts/setup --browser installs it)"
command -v npm > /dev/null || skip "no npm (scripts/setup --browser installs it)"

mods=$build/browser
mkdir -p "$mods"
if ! cmp -s "$src/tests/browser/package-lock.json" "$mods/package-lock.json" ||
   [ ! -d "$mods/node_modules/puppeteer-core" ]; then
  cp "$src/tests/browser/package.json" "$src/tests/browser/package-lock.json" "$mods/"
  (cd "$mods" && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error) ||
    skip "npm ci could not install puppeteer-core (no network?)"
fi
cp "$src/tests/browser/review.js" "$mods/"

tmp=$(mktemp -d)
pid=
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2> /dev/null || true; wait "$pid" 2> /dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
db=$tmp/review.db
pw=review-pass-1
"$lcmon" init "$db" > /dev/null
"$lcmon" form load "$db" "$src/surveys/household" > /dev/null
"$lcmon" serve campaign add "$db" --form household --city 1100 --wave 2026 \
  --qr "$tmp/qr" > /dev/null
printf 'household_id,address,community\nA-0001,东华门街道1号,110101001004\nA-0002,东华门街道2号,110101001005\n' \
  > "$tmp/sample.csv"
"$lcmon" serve assign "$db" --interviewer 王芳 "$tmp/sample.csv" > /dev/null
# the accounts: the interviewer (linked to 王芳 by name), 北京's and 广州's coordinators
echo "$pw" | "$lcmon" user add "$db" --login wangfang --name 王芳 --role interviewer --place 1100 \
  --password-stdin > /dev/null
echo "$pw" | "$lcmon" user add "$db" --login bj-coord --name 北京协调员 --role city --place 1100 \
  --password-stdin > /dev/null
echo "$pw" | "$lcmon" user add "$db" --login gz-coord --name 广州协调员 --role city --place 4401 \
  --password-stdin > /dev/null

"$lcmon" serve "$db" --listen 127.0.0.1:0 > "$tmp/serve.out" 2> "$tmp/serve.err" &
pid=$!
for _ in $(seq 1 600); do
  grep -q '^lcmon serve: http' "$tmp/serve.out" 2> /dev/null && break
  kill -0 "$pid" 2> /dev/null || { cat "$tmp/serve.err" >&2; exit 1; }
  sleep 0.1
done
base=$(sed -n 's/^lcmon serve: \(http:\/\/[^/ ]*\).*/\1/p' "$tmp/serve.out")
[ -n "$base" ] || { echo "review_browser: the server printed no address" >&2; exit 1; }

screens=${LCM_SCREENS:-$tmp/screens}
(cd "$mods" && LCM_CHROMIUM="$chromium" node review.js "$lcmon" "$db" "$base" "$screens" "$pw")
