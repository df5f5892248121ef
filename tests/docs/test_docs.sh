#!/usr/bin/env bash
# --help, README and man page must never drift: every long option and every
# exit status that --help shows appears in the man page and the README, and
# every option the man page documents exists in --help. The man page must
# also pass groff's own warnings; every problem code in the code table is
# documented with its severity in both, and both document no other code.
# Usage: test_docs.sh RDNSCHECK SRCDIR PRINT_CODES
set -uo pipefail
bin=$1
src=$2
codes_bin=$3
man="$src/man/rdnscheck.1"
readme="$src/README.md"
# shellcheck source=tests/common/check.sh
. "$(dirname "${BASH_SOURCE[0]}")/../common/check.sh"

help=$("$bin" --help) || { echo "FAIL: --help exited non-zero"; exit 1; }
opts=$(grep -oE -- '--[a-z][a-z0-9-]+' <<<"$help" | sort -u)
[ -n "$opts" ] || { echo "FAIL: no options found in --help"; exit 1; }
# man pages write \- for a minus; strip it for the search
man_text=$(sed 's/\\-/-/g' "$man")
for o in $opts; do
    check "man page documents $o" grep -qF -- "$o" <<<"$man_text"
    check "README documents $o" grep -qF -- "$o" "$readme"
done
# (the MONITORING PLUGIN section documents check_rdns's own options:
# tests/docs/test_plugin.sh checks those against check_rdns --help)
man_rdnscheck=$(awk '/^\.SH MONITORING PLUGIN/ {skip = 1; next} /^\.SH / {skip = 0} !skip' "$man" |
    sed 's/\\-/-/g')
for o in $(grep -oE -- '--[a-z][a-z0-9-]+' <<<"$man_rdnscheck" | sort -u); do
    check "option $o from the man page is in --help" grep -qF -- "$o" <<<"$help"
done
for short in -s -t -c -j -q -v -4 -6 -f -h -V; do
    check "man page documents $short" grep -qE -- "(^|[^a-z-])$short([^a-z-]|$)" <<<"$man_text"
done
for code in 0 1 2 3 130 141 143; do
    check "man page EXIT STATUS has $code" grep -qE "^\.B $code\$" <<<"$(sed -n '/^\.SH EXIT STATUS/,/^\.SH EXAMPLES/p' "$man")"
    check "README exit status table has $code" grep -qE "^\| *$code *\|" "$readme"
done
for code in 0 1 2 3; do
    check "--help lists exit status $code" grep -qE "^  $code  " <<<"$help"
done
# Problem codes: the table in src/rules/problem.c (printed by print_codes) against
# the README's code table ("| `name` | severity |" rows under "Verdicts and
# problem codes") and the man page's PROBLEM CODES (a .TP tag of one or more
# names, then a line starting "(severity)"), both ways.
table=$("$codes_bin") || { echo "FAIL: $codes_bin exited non-zero"; exit 1; }
[ "$(wc -l <<<"$table")" -ge 30 ] || { echo "FAIL: print_codes printed too few codes"; exit 1; }
readme_codes=$(sed -n '/^## Verdicts and problem codes/,/^## [^V]/p' "$readme" |
    sed -nE 's/^\| `([a-z][a-z0-9-]*)` \| (warn|tempfail|fail|error|info) \|.*/\1 \2/p')
man_codes=$(sed -n '/^\.SH PROBLEM CODES/,/^\.SH [^P]/p' "$man" | sed 's/\\-/-/g' | awk '
    /^\.TP/ { tag = 1; next }
    tag == 1 { names = $0; sub(/^\.BR? /, "", names); gsub(/"[^"]*"/, " ", names); tag = 2; next }
    tag == 2 && match($0, /^\([a-z]+\)/) {
        sev = substr($0, 2, RLENGTH - 2); n = split(names, a, /[ ,]+/)
        for (i = 1; i <= n; i++) if (a[i] != "") print a[i], sev
    }
    { tag = 0 }')
while read -r code sev; do
    check "man page documents code $code as ($sev)" grep -qxF -- "$code $sev" <<<"$man_codes"
    check "README documents code $code as $sev" grep -qxF -- "$code $sev" <<<"$readme_codes"
done <<<"$table"
while read -r code sev; do
    check "man page code $code is in the code table" grep -qxF -- "$code $sev" <<<"$table"
done <<<"$man_codes"
while read -r code sev; do
    check "README code $code is in the code table" grep -qxF -- "$code $sev" <<<"$table"
done <<<"$readme_codes"
# groff is required, never optional: without it this check would not run
# (scripts/test.sh installs groff-base)
if command -v groff >/dev/null 2>&1; then
    warn=$(groff -man -ww -z "$man" 2>&1)
    check "groff -man -ww -z is silent" test -z "$warn"
    [ -z "$warn" ] || echo "$warn"
else
    check "groff (Debian: groff-base) is installed, to check the man page" false
fi
check_done
