#!/usr/bin/env bash
# tests/cli/browser_register.sh LCMON SRCDIR - the network register in a real browser
# (tests/browser/register.js, issue 15): 广州's application is on the register with its
# evidence; the 广东 province officer returns it with a comment, the 广州 city coordinator
# corrects and resubmits it, the province recommends it; the stored status and fields must
# equal what was typed. Chromium and puppeteer-core as in browser.sh; without them the test
# says so and passes (LCM_BROWSER_REQUIRED=1 makes that a failure).
set -euo pipefail
. "$(dirname "$0")/lib/browser.sh"
browser_setup browser_register "$1" "$2" register.js
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

browser_serve "$db"

screens=${LCM_SCREENS:-$tmp/screens}
(cd "$mods" && LCM_CHROMIUM="$chromium" node register.js "$lcmon" "$db" "$base" "$screens")
