#!/usr/bin/env bash
# tests/cli/review_browser.sh LCMON SRCDIR - review of interviews in a real browser
# (tests/browser/review.js, docs/review.md): an interviewer's account completes two
# households, the city coordinator approves one and returns the other with a comment, the
# interviewer edits and resubmits it; the states stored must be those clicked, and another
# city's coordinator gets 403. Chromium and puppeteer-core as in tests/cli/browser.sh;
# without them the test says so and passes (LCM_BROWSER_REQUIRED=1 makes that a failure).
set -euo pipefail
. "$(dirname "$0")/lib/browser.sh"
browser_setup review_browser "$1" "$2" review.js
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

browser_serve "$db"

screens=${LCM_SCREENS:-$tmp/screens}
(cd "$mods" && LCM_CHROMIUM="$chromium" node review.js "$lcmon" "$db" "$base" "$screens" "$pw")
