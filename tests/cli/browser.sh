#!/usr/bin/env bash
# tests/cli/browser.sh LCMON SRCDIR - lcmon serve in a real browser (tests/browser/household.js):
# Debian's chromium driven by the npm package puppeteer-core, installed here from
# tests/browser/package-lock.json into BUILD/browser/node_modules (no browser is downloaded).
# A respondent and an interviewer fill the household questionnaire; the stored rows must
# equal what they typed. Without chromium or node (scripts/setup --browser installs them)
# the test says so and passes; LCM_BROWSER_REQUIRED=1 makes that a failure.
set -euo pipefail
. "$(dirname "$0")/lib/browser.sh"
browser_setup browser "$1" "$2" household.js
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

browser_serve "$db"
if [ "$ivlink" != - ]; then
  ivlink="$base${ivlink#http://127.0.0.1:8080}"
fi

screens=${LCM_SCREENS:-$tmp/screens}
(cd "$mods" &&
  LCM_CHROMIUM="$chromium" node household.js "$lcmon" "$db" "$base$link" "$screens" "$ivlink")
