#!/usr/bin/env bash
# demo.sh - build rdnscheck and show it at work against a local Knot DNS
# serving the test zones (tests/integration/zones): a pass, a warn, a fail and
# a tempfail, in text mode, with -v and with --json.
#
# Usage: scripts/demo.sh
#
# On a fresh Debian 12 machine it installs what is missing (build-essential
# cmake pkg-config libc-ares-dev knot knot-dnsutils unbound). The servers run
# as the current user from a temporary directory on 127.0.0.1/::1 only, on
# ports ${RDC_KNOT_PORT:-53537} (Knot) and ${RDC_UNBOUND_PORT:-53538}
# (Unbound), so they do not collide with a test run on the default ports;
# they are stopped on exit.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$(pwd)

export RDC_KNOT_PORT=${RDC_KNOT_PORT:-53537}
export RDC_UNBOUND_PORT=${RDC_UNBOUND_PORT:-53538}
knot="127.0.0.1:$RDC_KNOT_PORT"
unbound="127.0.0.1:$RDC_UNBOUND_PORT"

# --- packages ------------------------------------------------------------------
pkgs=(build-essential cmake pkg-config libc-ares-dev knot knot-dnsutils unbound)
. "$root/scripts/lib.sh"
RDC_VERBOSE_APT=1 ensure_packages "${pkgs[@]}"

# --- build -----------------------------------------------------------------------
echo "== building (build-demo/)"
# RDC_TESTS=OFF: the demo needs neither cmocka nor the test programs.
cmake -S . -B build-demo -DRDC_TESTS=OFF >/dev/null
cmake --build build-demo -j"$(nproc 2>/dev/null || echo 2)" >/dev/null
bin="$root/build-demo/rdnscheck"

# --- servers ---------------------------------------------------------------------
rundir=$(mktemp -d "${TMPDIR:-/tmp}/rdnscheck-demo.XXXXXX")
cleanup() {
    "$root/scripts/servers.sh" stop "$rundir" >/dev/null 2>&1 || true
    "$root/scripts/authtree.sh" stop "$rundir/authtree" >/dev/null 2>&1 || true
    rm -rf "$rundir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
echo "== starting Knot ($knot) and Unbound ($unbound)"
"$root/scripts/servers.sh" start "$rundir"

# run DESCRIPTION COMMAND...: show the command, run it, show its exit status
# (1 = a fail, 3 = a tempfail: expected here, not an error of the demo).
run() {
    local what=$1 rc=0
    shift
    printf '\n### %s\n$ %s\n' "$what" "$*"
    "$@" || rc=$?
    printf '(exit status %d)\n' "$rc"
}

rel_bin="build-demo/rdnscheck"
cd "$root"
run "pass: PTR mail.example.test, whose A record is 192.0.2.10" \
    "$rel_bin" -s "$knot" 192.0.2.10
run "warn: the PTR name is an alias, a CNAME (ptr-cname)" \
    "$rel_bin" -s "$knot" 192.0.2.30
run "fail: two PTR names, only one resolves back (ptr-partial): Postfix checks the first" \
    "$rel_bin" -s "$knot" 192.0.2.21
run "the same with --iprev, RFC 8601's any-name rule (Exim's): pass, with a note" \
    "$rel_bin" -s "$knot" --iprev 192.0.2.21
run "fail: the PTR name resolves to another address (ptr-mismatch)" \
    "$rel_bin" -s "$knot" 192.0.2.45
run "tempfail: the reverse zone is not served, Knot answers REFUSED (dns-refused)" \
    "$rel_bin" -s "$knot" 203.0.113.5
run "a host name: every A and AAAA address is checked" \
    "$rel_bin" -s "$knot" multi.example.test
run "a CIDR block with a mix of verdicts, and the summary line" \
    "$rel_bin" -s "$knot" 198.51.100.0/29
run "verbose: the lookup chain of an RFC 2317 classless delegation, with TTLs" \
    "$rel_bin" -s "$knot" -v 192.0.2.65
run "JSON Lines: one object per checked address" \
    "$rel_bin" -s "$knot" --json 192.0.2.10 192.0.2.21 192.0.2.45 203.0.113.5
run "the same PTR-alias (ptr-cname) check through a recursive resolver (Unbound)" \
    "$rel_bin" -s "$unbound" 192.0.2.30
run "a provider-generated PTR name (generic-ptr), and a HELO name that is not the PTR" \
    "$rel_bin" -s "$knot" --helo www.example.test 198.51.100.77 192.0.2.10
run "a DNS blocklist: a listing with its TXT reason, and a list that answers an error code" \
    "$rel_bin" -s "$knot" --dnsbl bl.test 192.0.2.10 192.0.2.11
run "every receiving address of a domain, from its MX records" \
    "$rel_bin" -s "$knot" --mx mx-normal.mail.test
run "every sending address of a domain, from its SPF record (-v: the expansion tree)" \
    "$rel_bin" -s "$knot" -v --spf spf-nested.mail.test
run "a CI job's view: GitHub annotations for the problems" \
    "$rel_bin" -s "$knot" --format github 198.51.100.0/29

# --- who to ask: a delegated reverse tree (needs port 53, so root) --------------
if [[ $(id -u) -eq 0 ]]; then
    echo
    echo "== starting a delegated reverse tree on 127.0.10.0/24 port 53 (tests/authority/README.md)"
    # its black-holed server is the project's scripted responder
    cc -O1 -pthread -Itests/fakedns -Itests/common tests/fakedns/fakedns.c \
        tests/fakedns/fakedns_main.c tests/common/servemain.c -o "$rundir/fakedns"
    RDC_FAKEDNS_BIN="$rundir/fakedns" "$root/scripts/authtree.sh" start "$rundir/authtree"
    run "--authority: no PTR; the fix names the reverse zone's operator (SOA contact, NS set)" \
        "$rel_bin" -s 127.0.10.2 --authority 192.0.2.99
    run "--authority: the zone's two servers have different serials and PTRs (auth-inconsistent)" \
        "$rel_bin" -s 127.0.10.2 --authority 198.51.100.20
    run "--authority: one listed server refuses, one never answers (auth-lame)" \
        "$rel_bin" -s 127.0.10.2 -t 1000 --authority 203.0.113.25
    run "--authority as JSON: what each server says, beside the resolver's cached answer and TTL" \
        "$rel_bin" -s 127.0.10.2 --authority --json 192.0.2.25
else
    echo
    echo "== (not root: the --authority demo needs port 53 on 127.0.10.x; skipped)"
fi
echo
echo "== done (the exit status of this script is 0; rdnscheck's own are shown above)"
[[ -x $bin ]]
