#!/usr/bin/env bash
# --help, README and man page must never drift: every long option and every
# exit status that --help shows appears in the man page and the README, and
# every option the man page documents exists in --help. The man page must
# also pass groff's own warnings. Usage: test_docs.sh RDNSCHECK SRCDIR
set -uo pipefail
bin=$1
src=$2
man="$src/man/rdnscheck.1"
readme="$src/README.md"
fails=0
passes=0
check() { # description, command...
    local what=$1
    shift
    if "$@"; then
        passes=$((passes + 1))
    else
        echo "FAIL: $what"
        fails=$((fails + 1))
    fi
}

help=$("$bin" --help) || { echo "FAIL: --help exited non-zero"; exit 1; }
opts=$(grep -oE -- '--[a-z][a-z0-9-]+' <<<"$help" | sort -u)
[ -n "$opts" ] || { echo "FAIL: no options found in --help"; exit 1; }
# man pages write \- for a minus; strip it for the search
man_text=$(sed 's/\\-/-/g' "$man")
for o in $opts; do
    check "man page documents $o" grep -qF -- "$o" <<<"$man_text"
    check "README documents $o" grep -qF -- "$o" "$readme"
done
for o in $(grep -oE -- '--[a-z][a-z0-9-]+' <<<"$man_text" | sort -u); do
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
for code in no-ptr ptr-no-address ptr-mismatch ptr-invalid-name ptr-relative-name ptr-partial \
            ptr-cname ptr-too-many no-address dns-timeout dns-servfail dns-refused \
            dns-unreachable dns-error invalid-target generic-ptr helo-not-ptr helo-mismatch \
            helo-invalid dnsbl-listed dnsbl-error smtp-unreachable smtp-timeout smtp-refused \
            smtp-bad-greeting banner-mismatch banner-not-ptr domain-not-found mx-null mx-implicit \
            mx-cname mx-ip-literal mx-no-address; do
    check "man page documents code $code" grep -qF -- "$code" <<<"$man_text"
    check "README documents code $code" grep -qF -- "\`$code\`" "$readme"
done
# groff is required, never optional: without it this check would not run
# (scripts/test.sh installs groff-base)
if command -v groff >/dev/null 2>&1; then
    warn=$(groff -man -ww -z "$man" 2>&1)
    check "groff -man -ww -z is silent" test -z "$warn"
    [ -z "$warn" ] || echo "$warn"
else
    check "groff (Debian: groff-base) is installed, to check the man page" false
fi
echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
