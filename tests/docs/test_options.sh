#!/usr/bin/env bash
# The option table (src/cli/cli_options.c, printed by print_options) against the docs:
# for every option, the README's Usage table and the man page's OPTIONS
# entry exist, show its short letter and argument, and state the same range
# ("from MIN to MAX"), default ("default N"; none: no "default <number>")
# and choices ("`auto` (default" / "auto (the default") as the table, and
# --help shows the default. The man page's version is --version's.
# Usage: test_options.sh RDNSCHECK SRCDIR PRINT_OPTIONS
set -uo pipefail
bin=$1
src=$2
table=$3
man="$src/man/rdnscheck.1"
readme="$src/README.md"
# shellcheck source=tests/common/check.sh
. "$(dirname "${BASH_SOURCE[0]}")/../common/check.sh"
has() { grep -qE -- "$2" <<<"$1"; } # text, extended regex
lacks() { ! grep -qE -- "$2" <<<"$1"; }
re() { sed 's/[][\.*^$+?(){}|/]/\\&/g' <<<"$1"; } # a literal string as a regex

help=$("$bin" --help) || { echo "FAIL: --help exited non-zero"; exit 1; }
opts=$("$table") || { echo "FAIL: $table exited non-zero"; exit 1; }
[ -n "$opts" ] || { echo "FAIL: the option table is empty"; exit 1; }
# The man page's OPTIONS section as plain text, one .TP entry per line:
# \- as -, fonts, quotes and macro names dropped, spaces collapsed.
man_opts=$(sed -n '/^\.SH OPTIONS/,/^\.SH /p' "$man" | sed -e 's/^\.TP$/@TP@/' -e 's/\\-/-/g' \
    -e 's/\\f[BIRP]//g' -e 's/"//g' -e 's/^\.[A-Z][A-Z]* *//' |
    awk '/^@TP@$/ {if (e != "") print e; e = ""; next} {e = e " " $0} END {print e}' | tr -s ' ')

version=$("$bin" --version | awk '{print $2}')
check "man page .TH names version $version" grep -qE "^\.TH .*\"rdnscheck $(re "$version")\"" "$man"

while IFS=$'\t' read -r name letter kind arg min max def choices; do
    if [ "$name" = - ]; then # a short option only: -4, -6
        check "README documents -$letter" grep -qF -- "\`-$letter\`" "$readme"
        check "man page documents -$letter" has "$man_opts" "^ (-[46] , )?-$letter( |$)"
        continue
    fi
    o="--$name"
    row=$(grep -m1 -E -- "^\| [^|]*$(re "$o")([^a-z-]|$)" "$readme")
    entry=$(grep -m1 -E -- "^ [^ ]*( , [^ ]*)* ?$(re "$o")([^a-z-]|$)" <<<"$man_opts")
    block=$(awk -v o="$o" '/^  +-/ {p = 0} index($0, o " ") || index($0, o "[") ||
            $0 ~ o "$" {p = 1} p && /^  / {print}' <<<"$help")
    check "README Usage table has a row for $o" test -n "$row"
    check "man page OPTIONS has an entry for $o" test -n "$entry"
    check "--help lists $o" test -n "$block"
    if [ "$letter" != - ]; then
        check "README shows -$letter with $o" has "$row" "-$letter, $(re "$o")"
        check "man page shows -$letter with $o" has "$entry" "^ -$letter , $(re "$o")"
    fi
    case $kind in
    required) syn="$o $arg" ;;
    optional) syn="$o[=$arg]" ;;
    *) syn=$o ;;
    esac
    check "README shows $syn" grep -qF -- "$syn" <<<"$row"
    check "man page shows $syn" has "${entry// /}" "$(re "${syn// /}")"
    if [ "$max" != - ]; then
        for doc in README man; do
            text=$row
            [ $doc = man ] && text=$entry
            check "$doc: $o accepts from $min to $max" has "$text" "from $min to $max([^0-9]|$)"
            if [ "$def" != - ]; then
                check "$doc: $o defaults to $def" has "$text" "default $def([^0-9]|$)"
            else
                check "$doc: $o has no numeric default" lacks "$text" "[Dd]efault:? [0-9]"
            fi
        done
        if [ "$def" != - ]; then
            check "--help: $o shows its default $def" has "$block" "[^0-9]$def[^0-9]"
        fi
    fi
    if [ "$choices" != - ]; then
        for c in ${choices//,/ }; do
            check "README: $o offers \`$c\`" grep -qF -- "\`$c\`" <<<"$row"
            check "man page: $o offers $c" has "$entry" " $c[ ,.)]"
            check "--help: $o offers $c" has "$block" "[ :]$c([ ,:]|$)"
        done
        check "README: $o defaults to $def" grep -qF -- "\`$def\` (default" <<<"$row"
        check "man page: $o defaults to $def" grep -qF -- " $def (the default" <<<"$entry"
        check "--help: $o defaults to $def" grep -qF -- " $def (default" <<<"$block"
    fi
done <<<"$opts"
check_done
