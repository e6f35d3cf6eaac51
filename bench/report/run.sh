#!/bin/sh
# bench/report/run.sh - how long `lcmon demo --cities 300` takes to write every report
# (issue 12: under 60 s on the 2-core machine). The demo prints the time of each step; the
# "reports:" line is the one measured: the national report and 300 city reports built from
# stored results, their charts drawn by two gnuplot processes, the HTML written.
#
#   bench/report/run.sh [LCMON] [MC]     (defaults: build/lcmon, 100 Monte Carlo draws)
#
# The draws only change the score step, not the reports. Prints the machine, its load
# before and after (the machine is shared), and the demo's own timings.
set -eu
lcmon=${1:-build/lcmon}
mc=${2:-100}
out=$(mktemp -d "${TMPDIR:-/tmp}/lcmon-bench-report.XXXXXX")
trap 'rm -rf "$out"' EXIT
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$lcmon" demo --out "$out" --cities 300 --mc "$mc" | grep -E '^  |^done'
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "reports: $(ls "$out"/reports/*.html | wc -l) HTML files, $(ls "$out"/reports/*.png | wc -l) charts"
