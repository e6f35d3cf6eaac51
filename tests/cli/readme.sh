#!/usr/bin/env bash
# readme.sh - the README's commands run as written. In a fresh directory laid out like the
# repository after `scripts/demo` (build/lcmon, examples/, surveys/, lcmon-demo/ from
# `lcmon demo`), every ```sh block of README.md runs in order with bash -e: a command that
# the README shows and that fails, or an input file it names that is not shipped, fails here.
# Blocks fenced ```console (the set-up commands, which install packages) are not run.
#   tests/cli/readme.sh LCMON SOURCE_DIR
set -euo pipefail
lcmon=$1
src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
mkdir build
ln -s "$lcmon" build/lcmon
ln -s "$src/examples" examples
ln -s "$src/surveys" surveys
if ! build/lcmon demo > demo.log 2>&1; then
  tail -20 demo.log
  echo "readme: lcmon demo failed"
  exit 1
fi

# Split README.md into blocks/NNN.sh, one per ```sh fence, numbered in order.
mkdir blocks
awk -v dir=blocks '
  /^```sh[ \t]*$/ { n++; file = sprintf("%s/%03d.sh", dir, n); inblk = 1; print "# README.md line " NR + 1 > file; next }
  /^```/ && inblk { inblk = 0; close(file); next }
  inblk { print > file }
' "$src/README.md"

ran=0 failed=0
for b in blocks/*.sh; do
  ran=$((ran + 1))
  if ! bash -euo pipefail "$b" > "$b.out" 2>&1; then
    failed=$((failed + 1))
    echo "--- README block failed ($(head -1 "$b" | sed 's/^# //')):"
    sed 1d "$b"
    echo "--- its output (last 15 lines):"
    tail -15 "$b.out"
  fi
done
echo "readme: $ran blocks ran, $failed failed"
[ "$ran" -gt 0 ] && [ "$failed" -eq 0 ]
