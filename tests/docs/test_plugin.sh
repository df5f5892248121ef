#!/usr/bin/env bash
# check_rdns's documentation never drifts from its option table
# (src/cli/plugin.c, printed by print_options plugin): every option is in
# check_rdns --help, in the man page's MONITORING PLUGIN section and in the
# README's check_rdns section (a table row), with its letter, argument and,
# for -t, its range and default; every option those sections document is in
# check_rdns --help. Also: the plugin states of rdnscheck --help say what
# the man page says (tempfail is UNKNOWN, not WARNING), and -h/-V exit 3 in
# all three.
# Usage: test_plugin.sh RDNSCHECK SRCDIR PRINT_OPTIONS
set -uo pipefail
bin=$1
src=$2
table=$3
man="$src/man/rdnscheck.1"
readme="$src/README.md"
# shellcheck source=tests/common/check.sh
. "$(dirname "${BASH_SOURCE[0]}")/../common/check.sh"
has() { grep -qE -- "$2" <<<"$1"; } # text, extended regex
re() { sed 's/[][\.*^$+?(){}|/]/\\&/g' <<<"$1"; } # a literal string as a regex
tmp=$(mktemp -d /tmp/rdc-docs-plugin.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
ln -s "$(realpath "$bin")" "$tmp/check_rdns"

help=$("$tmp/check_rdns" --help)
check "check_rdns --help exits 3" test $? -eq 3
opts=$("$table" plugin) || { echo "FAIL: $table plugin exited non-zero"; exit 1; }
[ -n "$opts" ] || { echo "FAIL: check_rdns's option table is empty"; exit 1; }
# the man section as plain text, one .TP entry per line (as test_options.sh)
man_sec=$(sed -n '/^\.SH MONITORING PLUGIN/,/^\.SH [^M]/p' "$man")
man_opts=$(sed -e 's/^\.TP$/@TP@/' -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/"//g' \
    -e 's/^\.[A-Z][A-Z]* *//' <<<"$man_sec" |
    awk '/^@TP@$/ {if (e != "") print e; e = ""; next} {e = e " " $0} END {print e}' | tr -s ' ')
readme_sec=$(sed -n '/^### .*`check_rdns`/,/^###* [^N]/p' "$readme")
readme_rows=$(grep '^| `-' <<<"$readme_sec")
check "man page has a MONITORING PLUGIN section" test -n "$man_sec"
check "README has a check_rdns section with an option table" test -n "$readme_rows"

while IFS=$'\t' read -r name letter kind arg min max def _; do
    o="--$name"
    syn=$o
    [ "$kind" = required ] && syn="$o $arg"
    label=$syn
    [ "$letter" != - ] && label="-$letter, $syn"
    check "check_rdns --help lists $label" grep -qF -- "  $label" <<<"$help"
    check "README's check_rdns table has $label" \
        grep -qF -- "$label" <<<"$(sed 's/\\|/|/g' <<<"$readme_rows")"
    entry=$(grep -m1 -E -- "(^| )$(re "$o")( |,|$)" <<<"$man_opts")
    check "man page MONITORING PLUGIN documents $o" test -n "$entry"
    [ "$letter" != - ] && check "man page shows -$letter with $o" has "$entry" "-$letter , $(re "$o")"
    if [ "$max" != - ]; then
        row=$(grep -m1 -F -- "$label" <<<"$readme_rows")
        for doc in README man; do
            text=$row
            [ $doc = man ] && text=$entry
            check "$doc: $o accepts from $min to $max" has "$text" "from $min to $max([^0-9]|$)"
            [ "$def" != - ] && check "$doc: $o defaults to $def" has "$text" "default $def([^0-9]|$)"
        done
        [ "$def" != - ] && check "check_rdns --help: $o defaults to $def" \
            grep -qE -- "$(re "$label") .*default $def[^0-9]" <<<"$help"
    fi
done <<<"$opts"

# the other way: what the man section's entries (.TP tags) and the README
# table document exists
for o in $(awk 'tp {print; tp = 0} /^\.TP/ {tp = 1}' <<<"$man_sec" | sed 's/\\-/-/g' |
    grep -oE -- '(^|[ "])--?[A-Za-z][a-z-]*' | tr -d ' "' | sort -u); do
    check "man MONITORING PLUGIN: $o is in check_rdns --help" grep -qE -- "(^| |,)$o([ ,]|$)" <<<"$help"
done
for o in $(sed 's/^| `\([^|]*\)` |.*/\1/' <<<"$readme_rows" | grep -oE -- '--?[A-Za-z][a-z-]*' | sort -u); do
    check "README check_rdns table: $o is in check_rdns --help" grep -qE -- "(^| |,)$o([ ,]|$)" <<<"$help"
done

# -h and -V exit 3, said in all three
check "check_rdns --help: -h and -V exit with status 3" grep -qE -- '--version .*status 3' <<<"$help"
check "README: -h and -V exit 3" grep -qF -- 'both exit 3 (UNKNOWN)' <<<"$readme_sec"
check "man page: -h and -V exit 3" grep -qF -- 'both exit 3 (UNKNOWN)' <<<"$man_sec"
for code in 0 1 2 3; do
    check "check_rdns --help lists exit status $code" grep -qE "^  $code  (OK|WARNING|CRITICAL|UNKNOWN):" <<<"$help"
done

# rdnscheck --help's --format nagios states: tempfail is UNKNOWN, as the
# man page's EXIT STATUS and the code say (issue 20)
rhelp=$("$bin" --help)
states=$(sed -n '/With --format nagios:/,/^$/p' <<<"$rhelp" | tr -s ' \n' ' ')
check "rdnscheck --help: WARNING is for warn only" has "$states" "1 WARNING \(warn\)"
check "rdnscheck --help: tempfail is UNKNOWN" has "$states" "3 UNKNOWN \(tempfail"
check "man page EXIT STATUS: tempfail is UNKNOWN" \
    grep -qE '^3 UNKNOWN \(a tempfail' <(sed -n '/^\.SH EXIT STATUS/,/^\.SH /p' "$man")
check "rdnscheck --help mentions check_rdns" grep -qF 'check_rdns --help' <<<"$rhelp"
check_done
