# tests/cli/lib/browser.sh - what the browser tests share (sourced, not run): finding
# chromium, node and npm (without them the test says it is skipped and passes;
# LCM_BROWSER_REQUIRED=1 makes that a failure), installing puppeteer-core at the version
# tests/browser/package-lock.json pins into BUILD/browser once (no browser download), a
# scratch folder removed on exit with the server in it stopped, and starting `lcmon serve`.
#
#   browser_setup NAME LCMON SRCDIR SCRIPT.js   sets lcmon src build chromium mods tmp
#   browser_serve DB                             starts the server on a free port, sets base
set -euo pipefail

browser_skip() {
  echo "$browser_name: skipped: $*"
  [ "${LCM_BROWSER_REQUIRED:-0}" = 1 ] && exit 1
  exit 0
}

browser_setup() {
  browser_name=$1
  lcmon=$(realpath "$2")
  src=$(realpath "$3")
  build=$(dirname "$lcmon")
  chromium=${LCM_CHROMIUM:-/usr/bin/chromium}
  [ -x "$chromium" ] || browser_skip "no chromium ($chromium; scripts/setup --browser installs it)"
  command -v node > /dev/null || browser_skip "no node (scripts/setup --browser installs it)"
  command -v npm > /dev/null || browser_skip "no npm (scripts/setup --browser installs it)"
  mods=$build/browser
  mkdir -p "$mods"
  if ! cmp -s "$src/tests/browser/package-lock.json" "$mods/package-lock.json" ||
     [ ! -d "$mods/node_modules/puppeteer-core" ]; then
    cp "$src/tests/browser/package.json" "$src/tests/browser/package-lock.json" "$mods/"
    (cd "$mods" && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error) ||
      browser_skip "npm ci could not install puppeteer-core (no network?)"
  fi
  cp "$src/tests/browser/$4" "$mods/"
  tmp=$(mktemp -d)
  pid=
  trap browser_cleanup EXIT
}

browser_cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2> /dev/null || true; wait "$pid" 2> /dev/null || true; fi
  rm -rf "$tmp"
}

browser_serve() {
  "$lcmon" serve "$1" --listen 127.0.0.1:0 > "$tmp/serve.out" 2> "$tmp/serve.err" &
  pid=$!
  for _ in $(seq 1 600); do
    grep -q '^lcmon serve: http' "$tmp/serve.out" 2> /dev/null && break
    kill -0 "$pid" 2> /dev/null || { cat "$tmp/serve.err" >&2; exit 1; }
    sleep 0.1
  done
  base=$(sed -n 's/^lcmon serve: \(http:\/\/[^/ ]*\).*/\1/p' "$tmp/serve.out")
  [ -n "$base" ] || { echo "$browser_name: the server printed no address" >&2; exit 1; }
}
