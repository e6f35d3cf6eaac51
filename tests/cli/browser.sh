#!/usr/bin/env bash
# tests/cli/browser.sh LCMON SRCDIR - lcmon serve in a real browser (tests/browser/household.js):
# Debian's chromium driven by the npm package puppeteer-core, installed here from
# tests/browser/package-lock.json into BUILD/browser/node_modules (no browser is downloaded).
# A respondent and an interviewer fill the household questionnaire; the stored rows must
# equal what they typed. Without chromium or node (scripts/setup --browser installs them)
# the test says so and passes; LCM_BROWSER_REQUIRED=1 makes that a failure.
set -euo pipefail
lcmon=$(realpath "$1")
src=$(realpath "$2")
build=$(dirname "$lcmon")
need=${LCM_BROWSER_REQUIRED:-0}

skip() {
  echo "browser: skipped: $*"
  [ "$need" = 1 ] && exit 1
  exit 0
}
chromium=${LCM_CHROMIUM:-/usr/bin/chromium}
[ -x "$chromium" ] || skip "no chromium ($chromium; scripts/setup --browser installs it)"
command -v node > /dev/null || skip "no node (scripts/setup --browser installs it)"
command -v npm > /dev/null || skip "no npm (scripts/setup --browser installs it)"

# puppeteer-core, at the version the lock file pins, once per build directory
mods=$build/browser
mkdir -p "$mods"
if ! cmp -s "$src/tests/browser/package-lock.json" "$mods/package-lock.json" ||
   [ ! -d "$mods/node_modules/puppeteer-core" ]; then
  cp "$src/tests/browser/package.json" "$src/tests/browser/package-lock.json" "$mods/"
  (cd "$mods" && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error) ||
    skip "npm ci could not install puppeteer-core (no network?)"
fi
cp "$src/tests/browser/household.js" "$mods/"

tmp=$(mktemp -d)
pid=
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2> /dev/null || true; wait "$pid" 2> /dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
db=$tmp/field.db
"$lcmon" init "$db" > /dev/null
"$lcmon" form load "$db" "$src/surveys/household" > /dev/null

# an interviewer with two households of 东华门街道 (when lcmon serve has the fieldwork
# subcommands: see engine/cli/serve_admin.h)
ivlink=-
link=/c/household
if "$lcmon" serve campaign add "$db" --form household --city 1100 --wave 2026 \
     --qr "$tmp/qr" > "$tmp/campaign.out" 2>&1; then
  printf 'household_id,address,community\nA-0001,东华门街道1号,110101001004\nA-0002,东华门街道2号,110101001005\n' \
    > "$tmp/sample.csv"
  "$lcmon" serve assign "$db" --interviewer 王芳 "$tmp/sample.csv" > "$tmp/assign.out"
  ivlink=$(sed -n 's/^sign-in link.*: //p' "$tmp/assign.out")
  # the respondent's own one-time link, from the token CSV (serial,token,link)
  "$lcmon" serve tokens "$db" --campaign household-1100-2026 --count 1 --out "$tmp/tok" > /dev/null
  link=$(sed -n '2s/^[0-9]*,[a-z2-7]*,"http:\/\/127.0.0.1:8080\(.*\)"$/\1/p' "$tmp/tok.csv")
fi

"$lcmon" serve "$db" --listen 127.0.0.1:0 > "$tmp/serve.out" 2> "$tmp/serve.err" &
pid=$!
for _ in $(seq 1 600); do
  grep -q '^lcmon serve: http' "$tmp/serve.out" 2> /dev/null && break
  kill -0 "$pid" 2> /dev/null || { cat "$tmp/serve.err" >&2; exit 1; }
  sleep 0.1
done
base=$(sed -n 's/^lcmon serve: \(http:\/\/[^/ ]*\).*/\1/p' "$tmp/serve.out")
[ -n "$base" ] || { echo "browser: the server printed no address" >&2; exit 1; }
if [ "$ivlink" != - ]; then
  ivlink="$base${ivlink#http://127.0.0.1:8080}"
fi

screens=${LCM_SCREENS:-$tmp/screens}
(cd "$mods" &&
  LCM_CHROMIUM="$chromium" node household.js "$lcmon" "$db" "$base$link" "$screens" "$ivlink")
