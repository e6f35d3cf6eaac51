#!/usr/bin/env bash
# tests/cli/browser_register.sh LCMON SRCDIR - the network register in a real browser
# (tests/browser/register.js, issue 15): 广州's application is on the register with its
# evidence; the 广东 province officer returns it with a comment, the 广州 city coordinator
# corrects and resubmits it, the province recommends it; the stored status and fields must
# equal what was typed. Chromium and puppeteer-core as in browser.sh; without them the test
# says so and passes (LCM_BROWSER_REQUIRED=1 makes that a failure).
set -euo pipefail
lcmon=$(realpath "$1")
src=$(realpath "$2")
build=$(dirname "$lcmon")
need=${LCM_BROWSER_REQUIRED:-0}

skip() {
  echo "browser_register: skipped: $*"
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
cp "$src/tests/browser/register.js" "$mods/"

tmp=$(mktemp -d)
pid=
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2> /dev/null || true; wait "$pid" 2> /dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
db=$tmp/register.db
"$lcmon" init "$db" > /dev/null
echo 'pw-gz-123456' | "$lcmon" user add "$db" --login gz --name 广州协调员 --role city \
  --place 4401 --password-stdin > /dev/null
echo 'pw-gd-123456' | "$lcmon" user add "$db" --login gd --name 广东联络员 --role province \
  --place 44 --password-stdin > /dev/null
# 广州's application, its evidence kept as attachments
ev=$src/tests/fixtures/network/evidence
"$lcmon" network attach "$db" --city 4401 "$ev/implementation-plan.pdf" \
  "$ev/reading-festival.png" > "$tmp/names"
pdf=$(sed -n '1s/\t.*//p' "$tmp/names")
png=$(sed -n '2s/\t.*//p' "$tmp/names")
sed -e "s|^evidence.1.file,[^,]*,|evidence.1.file,$pdf,|" -e "s|^photo.1.file,[^,]*,|photo.1.file,$png,|" \
  "$src/tests/fixtures/network/guangzhou.csv" > "$tmp/app.csv"
"$lcmon" network apply "$db" "$tmp/app.csv" --by 广州市教育局 > /dev/null

"$lcmon" serve "$db" --listen 127.0.0.1:0 > "$tmp/serve.out" 2> "$tmp/serve.err" &
pid=$!
for _ in $(seq 1 600); do
  grep -q '^lcmon serve: http' "$tmp/serve.out" 2> /dev/null && break
  kill -0 "$pid" 2> /dev/null || { cat "$tmp/serve.err" >&2; exit 1; }
  sleep 0.1
done
base=$(sed -n 's/^lcmon serve: \(http:\/\/[^/ ]*\).*/\1/p' "$tmp/serve.out")
[ -n "$base" ] || { echo "browser_register: the server printed no address" >&2; exit 1; }

screens=${LCM_SCREENS:-$tmp/screens}
(cd "$mods" && LCM_CHROMIUM="$chromium" node register.js "$lcmon" "$db" "$base" "$screens")
