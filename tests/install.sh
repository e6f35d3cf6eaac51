#!/usr/bin/env bash
# tests/install.sh BUILD SRC - what `cmake --install` puts in a prefix works on its own:
#  1. the installed lcmon reads PREFIX/share/lcmon, not the source tree it was built from
#     (a city renamed in the installed copy shows in `lcmon cities`), names the missing
#     file when that directory is gone, and follows $LCMON_DATADIR;
#  2. there is a manual page for lcmon and for every command `lcmon --help` lists, and each
#     page names every option its `lcmon help CMD` names;
#  3. the bash completion completes commands, subcommands and options.
set -euo pipefail
build=$1 src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { # check WHAT EXPECTED ACTUAL
    if [ "$2" != "$3" ]; then
        echo "FAIL: $1: expected '$2', got '$3'"
        fail=1
    fi
}

cmake --install "$build" --prefix "$tmp/p" > /dev/null
lcmon=$tmp/p/bin/lcmon
unset LCMON_DATADIR

# 1. data from PREFIX/share/lcmon: 4403 is 深圳市 in the source, renamed in the installed copy.
check "source city" "4403,深圳市,Shenzhen,44" "$(grep -o '^4403,[^,]*,[^,]*,44' "$src/surveys/reference/cities.csv")"
sed -i 's/^4403,深圳市,/4403,深圳市安装,/' "$tmp/p/share/lcmon/reference/cities.csv"
check "installed city" "4403 深圳市安装 广东省" "$("$lcmon" cities | grep -o '^4403 [^ ]* [^ ]*')"
mv "$tmp/p/share/lcmon" "$tmp/elsewhere"
rc=0
err=$("$lcmon" init "$tmp/b.db" 2>&1) || rc=$?
check "init without share/lcmon: exit" 1 "$rc"
case $err in
*"$tmp/p/share/lcmon/reference/provinces.csv"*) ;;
*) echo "FAIL: error does not name the installed path: $err"; fail=1 ;;
esac
check "LCMON_DATADIR" "4403 深圳市安装 广东省" \
    "$(LCMON_DATADIR=$tmp/elsewhere "$lcmon" cities | grep -o '^4403 [^ ]* [^ ]*')"

# 2. manual pages: one per command, each naming the options of its help text.
man=$tmp/p/share/man/man1
[ -f "$man/lcmon.1" ] || { echo "FAIL: no lcmon.1"; fail=1; }
cmds=$("$lcmon" --help | sed -n '/^commands:/,/^$/s/^   \([a-z_]*\) .*/\1/p')
check "number of commands" 20 "$(wc -w <<< "$cmds")"
for c in $cmds; do
    page=$man/lcmon-$c.1
    if [ ! -f "$page" ]; then
        echo "FAIL: no manual page for $c"; fail=1; continue
    fi
    grep -q "^\\\\fB$c\\\\fR" "$man/lcmon.1" || { echo "FAIL: lcmon.1 lacks $c"; fail=1; }
    for o in $("$lcmon" help "$c" | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u); do
        grep -qF -- "${o//-/\\-}" "$page" || { echo "FAIL: lcmon-$c.1 lacks $o"; fail=1; }
    done
done
# The synopsis and one option entry of a page, as roff has them.
check "export synopsis" 'lcmon export DB \-\-form F \-\-format csv|sav|dta|xlsx|json|r \-\-out PATH [\-\-lang zh|en]' \
    "$(sed -n '/^\.SH SYNOPSIS/,/^\.SH/p' "$man/lcmon-export.1" | sed -n 3p)"
check "export option" '\fB\-\-include\-pii\fR|keep the fields marked as personal data' \
    "$(grep -A1 -F '\fB\-\-include\-pii' "$man/lcmon-export.1" | paste -sd'|')"

# 3. bash completion.
comp() { # comp WORD... : what completes the last word
    COMP_WORDS=("$@")
    COMP_CWORD=$(($# - 1))
    COMPREPLY=()
    _lcmon
    echo "${COMPREPLY[*]}"
}
source "$tmp/p/share/bash-completion/completions/lcmon"
check "command" "export" "$(comp lcmon expo)"
check "commands starting with s" "score simulate" "$(comp lcmon s)"
check "subcommands of form" "check load list show" "$(comp lcmon form '')"
check "subcommands of network" "recommend" "$(comp lcmon network rec)"
check "subcommands of import" "stats" "$(comp lcmon import st)"
check "option" "--include-pii" "$(comp lcmon export db --include-p)"
check "options" "--include-pii --include-drafts" "$(comp lcmon export db --inc)"
check "file argument" "" "$(comp lcmon export '')"

[ "$fail" = 0 ] && echo "install: all checks passed"
exit "$fail"
