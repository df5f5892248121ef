#!/usr/bin/env bash
# test_authority.sh - end-to-end tests of `rdnscheck --authority` and `--wait`
# against the delegated test tree of scripts/authtree.sh (layout and expected
# answers: tests/authority/README.md).
#
# Usage: tests/authority/test_authority.sh RDNSCHECK_BIN [RUNDIR]
#   RUNDIR: the tree's, as given to `scripts/authtree.sh start RUNDIR`
#   (default $RDC_AUTHTREE_DIR, else ${TMPDIR:-/tmp}/rdnscheck-authtree).
#
# Exit 0 when every case passes; 1 at the first failure, with what was
# expected, the command and its output; 77 (skipped) when not root, when the
# tree is not running or jq is missing - but with CI=true (or 1, yes) those
# are failures.
# The zones changed by a case are restored when the script exits, however it
# exits.
set -euo pipefail

[[ $# -ge 1 && $# -le 2 ]] || {
    echo "usage: $0 RDNSCHECK_BIN [RUNDIR]" >&2
    exit 2
}
BIN=$1
RUNDIR=${2:-${RDC_AUTHTREE_DIR:-${TMPDIR:-/tmp}/rdnscheck-authtree}}
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
AUTHTREE="$SCRIPT_DIR/../../scripts/authtree.sh"
ZONES="$SCRIPT_DIR/zones"
# shellcheck source=../common/jsonschema.sh
. "$SCRIPT_DIR/../common/jsonschema.sh"
# The tree's addresses (scripts/authtree.sh: RDC_AUTHTREE_NET, default 127.0.10)
NET=${RDC_AUTHTREE_NET:-127.0.10}
UB=$NET.2
# Through Unbound only; a short timeout keeps the black hole cheap.
COMMON=(-s "$UB" -t 1000 --tries 2)

case ${CI:-} in 1 | [Tt]rue | TRUE | yes) ci=1 ;; *) ci=0 ;; esac
skip() {
    if ((ci)); then
        printf 'FAIL (CI=%s, so not skipped): %s\n' "$CI" "$*" >&2
        exit 1
    fi
    printf 'SKIP: %s\n' "$*"
    exit 77
}

[[ $(id -u) -eq 0 ]] || skip "not root: the test tree listens on port 53 (run as root)"
command -v jq >/dev/null 2>&1 || skip "jq is not installed"
command -v kdig >/dev/null 2>&1 || skip "kdig is not installed (knot-dnsutils)"
"$AUTHTREE" status "$RUNDIR" >/dev/null 2>&1 ||
    skip "the test tree is not running (start it: scripts/authtree.sh start $RUNDIR)"
[[ -x $BIN ]] || {
    echo "FAIL: $BIN is not an executable" >&2
    exit 1
}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/rdc-authority.XXXXXX")
BG_PID=
LAST=

cleanup() {
    local rc=$?
    if [[ -n $BG_PID ]] && kill -0 "$BG_PID" 2>/dev/null; then
        kill "$BG_PID" 2>/dev/null || true
        wait "$BG_PID" 2>/dev/null || true
    fi
    "$AUTHTREE" restore "$RUNDIR" k1 k2 >/dev/null 2>&1 ||
        echo "warning: could not restore the zones of k1/k2 ($AUTHTREE restore $RUNDIR)" >&2
    rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

section() {
    LAST=
    printf '\n== %s\n' "$*"
}

ok() {
    printf '   ok: %s\n' "$*"
}

# fail MESSAGE: print it with the last command and its output, exit 1.
fail() {
    {
        printf '\nFAIL: %s\n' "$*"
        if [[ -n $LAST ]]; then
            printf 'command: %s\n' "$(cat "$WORK/$LAST.cmd")"
            printf 'exit status: %s\n' "$(cat "$WORK/$LAST.rc" 2>/dev/null || echo '?')"
            printf -- '--- stdout:\n'
            if jq -e . "$WORK/$LAST.out" >/dev/null 2>&1; then
                jq . "$WORK/$LAST.out"
            else
                cat "$WORK/$LAST.out"
            fi
            printf -- '--- stderr:\n'
            cat "$WORK/$LAST.err"
        fi
    } >&2
    exit 1
}

# run NAME ARGS...: run rdnscheck (at most 120 s); stdout, stderr and exit
# status in $WORK/NAME.{out,err,rc}; NAME becomes the subject of checks.
run() {
    local name=$1 rc=0
    shift
    LAST=$name
    printf '%q ' "$BIN" "$@" >"$WORK/$name.cmd"
    printf '   $ %s\n' "$(cat "$WORK/$name.cmd")"
    timeout 120 "$BIN" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" || rc=$?
    printf '%s\n' "$rc" >"$WORK/$name.rc"
}

expect_rc() {
    local want=$1 got
    got=$(cat "$WORK/$LAST.rc")
    [[ $got == "$want" ]] || fail "exit status $got, expected $want"
    ok "exit status $want"
}

# expect IP DESCRIPTION JQ-EXPR: there must be exactly one result object for
# IP, and JQ-EXPR applied to it (with $ip bound) must be true.
expect() {
    local ip=$1 desc=$2 expr=$3
    jq -e -s --arg ip "$ip" "[.[] | select(.ip == \$ip)] | length == 1 and (.[0] | $expr)" \
        "$WORK/$LAST.out" >/dev/null 2>"$WORK/jq.err" ||
        fail "$ip: $desc"$'\n'"  jq: $expr $(cat "$WORK/jq.err")"
    ok "$ip: $desc"
}

# kq SERVER ARGS...: "STATUS TTL DATA" of a kdig query (first answer record).
kq() {
    local server=$1 out status
    shift
    out=$(kdig "@$server" +time=5 +retry=1 "$@" 2>&1) || true
    status=$(sed -n '/status: /{s/.*status: \([A-Z]*\).*/\1/p;q}' <<<"$out")
    printf '%s %s\n' "${status:-TIMEOUT}" \
        "$(awk '/^;; ANSWER SECTION:/ { a = 1; next } a && NF { print $2, $5; exit }' <<<"$out")"
}

queries_at() {
    local s n=0
    for s in "$@"; do
        n=$((n + $("$AUTHTREE" queries "$RUNDIR" "$s")))
    done
    printf '%s\n' "$n"
}

help=$("$BIN" --help 2>&1) || true
grep -q -- '--authority' <<<"$help" ||
    fail "$BIN --help does not mention --authority: the option is not implemented"
grep -q -- '--wait' <<<"$help" ||
    fail "$BIN --help does not mention --wait: the option is not implemented"

# A previous run may have died before restoring.
"$AUTHTREE" restore "$RUNDIR" k1 k2
# Unbound gets past the lame and the dead server of isp-c before the tool asks.
kdig @"$UB" +time=10 +retry=1 -x 203.0.113.25 >/dev/null 2>&1 || true
kdig @"$UB" +time=10 +retry=1 A mail.isp-c.test >/dev/null 2>&1 || true

NS_A='["ns1.isp-a.test","ns2.isp-a.test"]'

# --------------------------------------------------------------------------
section "consistent zone: 192.0.2.25 (2.0.192.in-addr.arpa. on K1 and K2, same serial)"
run consistent "${COMMON[@]}" --authority --json 192.0.2.25
expect_rc 0
IP=192.0.2.25
expect $IP "verdict pass" '.verdict == "pass"'
expect $IP "PTR question and zone" \
    '.authority.ptr | .name == "25.2.0.192.in-addr.arpa" and .type == "PTR" and .zone == "2.0.192.in-addr.arpa"'
expect $IP "SOA MNAME ns1.isp-a.test, contact john.doe@isp-a.test (RNAME john\\.doe.isp-a.test.)" \
    '.authority.ptr | .mname == "ns1.isp-a.test" and .contact == "john.doe@isp-a.test"'
expect $IP "serial 2026120101" '.authority.ptr.serial == 2026120101'
expect $IP "NS set ns1/ns2.isp-a.test" "(.authority.ptr.ns | sort) == $NS_A"
expect $IP "both servers listed, by name and address" \
    '[.authority.ptr.servers[] | .ns + "=" + .address] | sort == ["ns1.isp-a.test='"$NET"'.11","ns2.isp-a.test='"$NET"'.12"]'
expect $IP "both servers: state ok, the same serial, the same answer" \
    '.authority.ptr.servers | length == 2 and all(.[]; .state == "ok" and .serial == 2026120101 and .status == "ok" and .answers == ["mail.isp-a.test"])'
expect $IP "consistent, not stale" '.authority.ptr.consistent == true and .authority.ptr.stale == false'
expect $IP "source: the servers' answer" \
    '.authority.ptr.source == {"status": "ok", "answers": ["mail.isp-a.test"]}'
expect $IP "resolver: the same answer, with a TTL <= 3600" \
    '.authority.ptr.resolver | .status == "ok" and .answers == ["mail.isp-a.test"] and (.ttl | type == "number" and . > 0 and . <= 3600)'
expect $IP "no auth-* or stale-cache problem" \
    '[.problems[].code | select(startswith("auth-") or . == "stale-cache")] == []'
expect $IP "one forward question: A mail.isp-a.test in zone isp-a.test" \
    '.authority.forward | length == 1 and .[0].name == "mail.isp-a.test" and .[0].type == "A" and .[0].zone == "isp-a.test"'
expect $IP "forward: consistent, contact john.doe@isp-a.test, answer 192.0.2.25" \
    '.authority.forward[0] | .consistent == true and .contact == "john.doe@isp-a.test" and .source.answers == ["192.0.2.25"] and .stale == false'

run consistent_text "${COMMON[@]}" --authority 192.0.2.25
expect_rc 0
grep -q '2\.0\.192\.in-addr\.arpa' "$WORK/$LAST.out" || fail "text output does not name the zone 2.0.192.in-addr.arpa"
ok "text output names the zone"
grep -q 'john\.doe@isp-a\.test' "$WORK/$LAST.out" || fail "text output does not name the contact john.doe@isp-a.test"
ok "text output names the contact"

# --------------------------------------------------------------------------
section "different serials: 198.51.100.20 (K3 serial 2026120102 new.isp-b.test, K4 2026120101 old.isp-b.test)"
run serials "${COMMON[@]}" --authority --json 198.51.100.20
IP=198.51.100.20
expect $IP "zone 100.51.198.in-addr.arpa, contact hostmaster@isp-b.test" \
    '.authority.ptr | .zone == "100.51.198.in-addr.arpa" and .contact == "hostmaster@isp-b.test"'
expect $IP "auth-inconsistent (warn)" \
    'any(.problems[]; .code == "auth-inconsistent" and .severity == "warn")'
expect $IP "not consistent, no single source" \
    '.authority.ptr.consistent == false and .authority.ptr.source == null'
expect $IP "ns1.isp-b.test ($NET.13): serial 2026120102, new.isp-b.test" \
    'any(.authority.ptr.servers[]; .ns == "ns1.isp-b.test" and .address == "'"$NET"'.13" and .state == "ok" and .serial == 2026120102 and .answers == ["new.isp-b.test"])'
expect $IP "ns2.isp-b.test ($NET.14): serial 2026120101, old.isp-b.test" \
    'any(.authority.ptr.servers[]; .ns == "ns2.isp-b.test" and .address == "'"$NET"'.14" and .state == "ok" and .serial == 2026120101 and .answers == ["old.isp-b.test"])'
expect $IP "the verdict's PTR is the resolver's answer (new or old)" \
    '.ptr == .authority.ptr.resolver.answers and (.ptr == ["new.isp-b.test"] or .ptr == ["old.isp-b.test"])'
expect $IP "the resolver's name confirms" '.confirmed == .ptr'

# --------------------------------------------------------------------------
section "lame and black-holed servers: 203.0.113.25 (ns1 answers, ns-lame REFUSED, ns-dead silent)"
run lame "${COMMON[@]}" --authority --json 203.0.113.25
IP=203.0.113.25
expect $IP "NS set of three" \
    '(.authority.ptr.ns | sort) == ["ns-dead.isp-c.test","ns-lame.isp-c.test","ns1.isp-c.test"]'
expect $IP "ns1.isp-c.test: ok, mail.isp-c.test" \
    'any(.authority.ptr.servers[]; .ns == "ns1.isp-c.test" and .address == "'"$NET"'.15" and .state == "ok" and .serial == 2026120101 and .answers == ["mail.isp-c.test"])'
expect $IP "ns-lame.isp-c.test ($NET.16): state refused" \
    'any(.authority.ptr.servers[]; .ns == "ns-lame.isp-c.test" and .address == "'"$NET"'.16" and .state == "refused")'
expect $IP "ns-dead.isp-c.test ($NET.17): state timeout" \
    'any(.authority.ptr.servers[]; .ns == "ns-dead.isp-c.test" and .address == "'"$NET"'.17" and .state == "timeout")'
expect $IP "auth-lame (warn) naming ns-lame.isp-c.test" \
    'any(.problems[]; .code == "auth-lame" and .severity == "warn" and (.message | contains("ns-lame.isp-c.test")))'
expect $IP "an auth-* problem names ns-dead.isp-c.test" \
    'any(.problems[]; (.code | startswith("auth-")) and (.message | contains("ns-dead.isp-c.test")))'
expect $IP "source: the one authoritative answer" \
    '.authority.ptr.source == {"status": "ok", "answers": ["mail.isp-c.test"]}'
expect $IP "the resolver's view: mail.isp-c.test confirms" \
    '.ptr == ["mail.isp-c.test"] and .confirmed == ["mail.isp-c.test"]'

# --------------------------------------------------------------------------
section "no PTR in the consistent zone: 192.0.2.99 (the fix says whom to ask)"
run noptr "${COMMON[@]}" --authority --json 192.0.2.99
expect_rc 1
IP=192.0.2.99
expect $IP "verdict fail, no-ptr" '.verdict == "fail" and any(.problems[]; .code == "no-ptr")'
expect $IP "the servers agree: NXDOMAIN" \
    '.authority.ptr.consistent == true and .authority.ptr.source.status == "nxdomain" and all(.authority.ptr.servers[]; .status == "nxdomain")'
expect $IP "the resolver says NXDOMAIN too, not stale" \
    '.authority.ptr.resolver.status == "nxdomain" and .authority.ptr.stale == false'
expect $IP "no-ptr fix names the zone 2.0.192.in-addr.arpa" \
    'any(.problems[]; .code == "no-ptr" and (.fix | contains("2.0.192.in-addr.arpa")))'
expect $IP "no-ptr fix names the contact john.doe@isp-a.test" \
    'any(.problems[]; .code == "no-ptr" and (.fix | contains("john.doe@isp-a.test")))'
expect $IP "no-ptr fix names the name servers ns1/ns2.isp-a.test" \
    'any(.problems[]; .code == "no-ptr" and (.fix | contains("ns1.isp-a.test")) and (.fix | contains("ns2.isp-a.test")))'
expect $IP "no forward questions" '.authority.forward == []'

section "serials per zone: 198.51.100.20's zone serial is the newest (K3's), flagged as differing"
run serialtext "${COMMON[@]}" --authority 198.51.100.20
grep -q "zone 100.51.198.in-addr.arpa: primary ns1.isp-b.test, contact hostmaster@isp-b.test, serial 2026120102 (servers disagree), servers ns1.isp-b.test, ns2.isp-b.test, delegated by in-addr.arpa$" \
    "$WORK/serialtext.out" || fail "text: the zone line does not give the newest serial with (servers disagree)"
ok "text: serial 2026120102 (servers disagree), NS names sorted"
run serials2 "${COMMON[@]}" --authority --json 198.51.100.20
IP=198.51.100.20
expect $IP "JSON serial 2026120102 (K3's, the newer), serials_differ" \
    '.authority.ptr.serial == 2026120102 and .authority.ptr.serials_differ == true'

section "NS set with faults: 2001:db8:3::25 (ns-noaddr.isp-c.test has no address, ns-alias.isp-c.test is a CNAME)"
run nsfaults "${COMMON[@]}" --authority --json 2001:db8:3::25
IP=2001:db8:3::25
expect $IP "verdict warn: the PTR confirms" '.verdict == "warn" and .confirmed == ["mail6.isp-c.test"]'
expect $IP "auth-ns-address names ns-noaddr.isp-c.test" \
    '[.problems[] | select(.code == "auth-ns-address")] | length == 1 and (.[0].message | contains("ns-noaddr.isp-c.test has no address"))'
expect $IP "auth-ns-cname names ns-alias.isp-c.test and its target" \
    '[.problems[] | select(.code == "auth-ns-cname")] | length == 1 and (.[0].message | contains("ns-alias.isp-c.test (an alias of ns1.isp-c.test)"))'
expect $IP "JSON ns sorted, ns_without_address, ns_aliases" \
    '.authority.ptr.ns == ["ns-alias.isp-c.test","ns-noaddr.isp-c.test","ns1.isp-c.test"] and .authority.ptr.ns_without_address == ["ns-noaddr.isp-c.test"] and .authority.ptr.ns_aliases == [{"ns":"ns-alias.isp-c.test","alias_of":"ns1.isp-c.test"}]'

section "negative TTL: 2001:db8:3::99 (SOA TTL 300 below MINIMUM 3600: RFC 2308 section 5)"
run negttl "${COMMON[@]}" --authority --json 2001:db8:3::99
IP=2001:db8:3::99
expect $IP "negative_ttl is min(SOA TTL, MINIMUM) as the resolver gives it, not MINIMUM" \
    '.authority.ptr.negative_ttl > 0 and .authority.ptr.negative_ttl <= 300'

section "RFC 2317: 203.0.113.66 is a CNAME to 66.64-26.113.0.203.in-addr.arpa, which does not exist"
run rfc2317 "${COMMON[@]}" --authority --json 203.0.113.66
IP=203.0.113.66
expect_rc 1
expect $IP "no-ptr names the missing CNAME target" \
    'any(.problems[]; .code == "no-ptr" and (.message | contains("66.113.0.203.in-addr.arpa is an alias (CNAME) of 66.64-26.113.0.203.in-addr.arpa, which does not exist")))'
expect $IP "the fix: add the PTR at the target, ask the child zone's operator" \
    'any(.problems[]; .code == "no-ptr" and (.fix | contains("operator of 64-26.113.0.203.in-addr.arpa")) and (.fix | contains("add the PTR record at 66.64-26.113.0.203.in-addr.arpa")))'

section "undelegated block: 2001:db8:2::25 (ip6.arpa delegates nothing for 2001:db8:2::/48)"
run undelegated "${COMMON[@]}" --authority --json 2001:db8:2::25
IP=2001:db8:2::25
expect_rc 1
expect $IP "the fix: no reverse zone is delegated; the block's holder must have one delegated" \
    'any(.problems[]; .code == "no-ptr" and (.fix | startswith("no reverse zone is delegated for the block of 2001:db8:2::25 (the nearest zone, ip6.arpa, is a registry\u0027s)")) and (.fix | contains("ask the operator") | not))'

section "parent and zone NS sets differ: 2001:db8:4::25 (ip6.arpa lists ns-lame.isp-c.test, the zone ns1.isp-b.test)"
run nsdiff "${COMMON[@]}" --authority --json 2001:db8:4::25
IP=2001:db8:4::25
expect $IP "auth-ns-mismatch names both sides" \
    '[.problems[] | select(.code == "auth-ns-mismatch")] | length == 1 and (.[0].message | contains("the parent lists ns-lame.isp-c.test, which the zone does not")) and (.[0].message | contains("the zone lists ns1.isp-b.test, which the parent does not"))'
expect $IP "the server only the parent lists is asked, and refuses: auth-lame" \
    'any(.authority.ptr.servers[]; .ns == "ns-lame.isp-c.test" and .state == "refused") and any(.problems[]; .code == "auth-lame" and (.message | contains("zone 4.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa:")))'
expect $IP "JSON parent_zone, ns_parent_only, ns_zone_only" \
    '.authority.ptr.parent_zone == "ip6.arpa" and .authority.ptr.ns_parent_only == ["ns-lame.isp-c.test"] and .authority.ptr.ns_zone_only == ["ns1.isp-b.test"]'
run nsdiff_ok "${COMMON[@]}" --authority --json 192.0.2.25
expect 192.0.2.25 "the same sets at the parent and in the zone: no auth-ns-mismatch" \
    '.authority.ptr.parent_zone == "in-addr.arpa" and .authority.ptr.ns_parent_only == [] and .authority.ptr.ns_zone_only == [] and all(.problems[]; .code != "auth-ns-mismatch")'

section "undeliverable contact: 2001:db8:4::25's SOA contact hostmaster@nomail.isp-c.test (no such domain)"
run contact "${COMMON[@]}" --authority --json 2001:db8:4::25
IP=2001:db8:4::25
expect $IP "auth-contact: the contact cannot receive mail; write to the servers' operator or the parent's contact" \
    '[.problems[] | select(.code == "auth-contact")] | length == 1 and (.[0].message | contains("hostmaster@nomail.isp-c.test of zone 4.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa: cannot receive mail")) and (.[0].fix | contains("the parent zone ip6.arpa\u0027s contact hostmaster@parent.test"))'
expect $IP "JSON contact_undeliverable, parent_contact" \
    '.authority.ptr.contact_undeliverable == true and .authority.ptr.parent_contact == "hostmaster@parent.test"'
expect 2001:db8:4::25 "the forward zone's contact (hostmaster@isp-c.test, MX) is fine" \
    '.authority.forward[0].contact_undeliverable == false'

section "lame delegation: 2001:db8:5::25 (ip6.arpa delegates it to two servers, neither serves it)"
run lamedeleg "${COMMON[@]}" --authority --json 2001:db8:5::25
IP=2001:db8:5::25
expect_rc 3
expect $IP "the resolver fails (SERVFAIL): tempfail" '.verdict == "tempfail"'
expect $IP "the delegated zone, its parent and servers from the parent's referral" \
    '.authority.ptr.zone == "5.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa" and .authority.ptr.parent_zone == "ip6.arpa" and .authority.ptr.ns == ["ns-lame.isp-c.test","ns1.isp-b.test"] and .authority.ptr.serial == null'
expect $IP "auth-lame: every server refuses; the fix names the parent" \
    'any(.problems[]; .code == "auth-lame" and (.message | startswith("2 of 2 name server addresses of zone 5.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa:")) and (.fix | contains("whoever keeps the delegation in ip6.arpa")))'

section "RFC 6303: 10.1.2.3 (Unbound serves 10.in-addr.arpa itself)"
run local6303 "${COMMON[@]}" --authority 10.1.2.3
grep -q "zone 10.in-addr.arpa: served by the resolver itself (RFC 6303), no public servers" "$WORK/local6303.out" ||
    fail "text: the zone line of a locally served zone"
grep -q "nobody@invalid" "$WORK/local6303.out" && fail "text: nobody@invalid printed as contact data"
ok "text: served by the resolver itself, no contact data"

# --------------------------------------------------------------------------
# --------------------------------------------------------------------------
section "stale cache: Unbound keeps the old answers (TTL 3600) after K1 and K2 change the zone"
"$AUTHTREE" flush "$RUNDIR" 2.0.192.in-addr.arpa.
got=$(kq "$UB" -x 192.0.2.30)
[[ $got == "NOERROR "*" stale.isp-a.test." ]] || fail "priming: Unbound -x 192.0.2.30 gave [$got]"
ok "primed Unbound: 192.0.2.30 PTR stale.isp-a.test (TTL $(awk '{ print $2 }' <<<"$got"))"
got=$(kq "$UB" -x 192.0.2.31)
[[ $got == "NXDOMAIN "* ]] || fail "priming: Unbound -x 192.0.2.31 gave [$got]"
ok "primed Unbound: 192.0.2.31 NXDOMAIN"
got=$(kq "$UB" -x 192.0.2.32)
[[ $got == "NXDOMAIN "* ]] || fail "priming: Unbound -x 192.0.2.32 gave [$got]"
ok "primed Unbound: 192.0.2.32 NXDOMAIN"
"$AUTHTREE" set "$RUNDIR" k1 "$ZONES/changes/2.0.192.in-addr.arpa.stale.zone"
"$AUTHTREE" set "$RUNDIR" k2 "$ZONES/changes/2.0.192.in-addr.arpa.stale.zone"
for s in "$NET.11" "$NET.12"; do
    got=$(kq "$s" +norec -x 192.0.2.30)
    [[ $got == "NOERROR "*" renamed.isp-a.test." ]] || fail "$s should now say renamed.isp-a.test, says [$got]"
done
ok "K1 and K2 now serve 30 -> renamed.isp-a.test, 31 -> new31.isp-a.test (serial 2026120102)"
got=$(kq "$UB" -x 192.0.2.30)
[[ $got == "NOERROR "*" stale.isp-a.test." ]] || fail "Unbound should still have the old answer, says [$got]"
ttl30=$(awk '{ print $2 }' <<<"$got")
ok "Unbound still answers stale.isp-a.test (TTL $ttl30)"

run stale "${COMMON[@]}" --authority --json 192.0.2.30 192.0.2.31 192.0.2.32
IP=192.0.2.30
expect $IP "positive: stale, the resolver has stale.isp-a.test, the servers renamed.isp-a.test" \
    '.authority.ptr | .stale == true and .resolver.answers == ["stale.isp-a.test"] and .source == {"status": "ok", "answers": ["renamed.isp-a.test"]}'
expect $IP "positive: the resolver's remaining TTL (<= $ttl30)" \
    ".authority.ptr.resolver.ttl | type == \"number\" and . > 0 and . <= $ttl30"
# shellcheck disable=SC2016 # $t is jq's
expect $IP "positive: stale-cache (warn or info) with the remaining TTL in seconds" \
    '.authority.ptr.resolver.ttl as $t | any(.problems[]; .code == "stale-cache" and (.severity == "warn" or .severity == "info") and (.message | test("(^|[^0-9])" + ($t | tostring) + " ?s")))'
expect $IP "positive: the verdict is the resolver's view (stale.isp-a.test confirms)" \
    '.ptr == ["stale.isp-a.test"] and .confirmed == ["stale.isp-a.test"] and (.verdict == "pass" or .verdict == "warn")'
IP=192.0.2.31
expect $IP "negative: stale, the resolver has NXDOMAIN, the servers new31.isp-a.test" \
    '.authority.ptr | .stale == true and .resolver.status == "nxdomain" and .source == {"status": "ok", "answers": ["new31.isp-a.test"]}'
# shellcheck disable=SC2016 # $t is jq's
expect $IP "negative: stale-cache with the remaining negative TTL in seconds" \
    '.authority.ptr.resolver.ttl as $t | ($t | type == "number" and . > 0 and . <= 3600) and any(.problems[]; .code == "stale-cache" and (.message | test("(^|[^0-9])" + ($t | tostring) + " ?s")))'
expect $IP "negative: the verdict is the resolver's view (fail, no-ptr)" \
    '.verdict == "fail" and .ptr == [] and any(.problems[]; .code == "no-ptr")'
expect $IP "negative: the no-ptr fix says the zone has the PTR already" \
    'any(.problems[]; .code == "no-ptr" and (.fix | contains("already gives PTR new31.isp-a.test")))'
expect $IP "negative: the new PTR resolves back, so stale-cache is a note (nothing to fix)" \
    'any(.problems[]; .code == "stale-cache" and .severity == "info" and (.fix | contains("nothing to fix")))'
IP=192.0.2.32
expect $IP "incomplete fix: stale, the servers give noaddr32.isp-a.test" \
    '.authority.ptr | .stale == true and .source.answers == ["noaddr32.isp-a.test"]'
expect $IP "incomplete fix: stale-cache is a warning: the new PTR does not resolve back" \
    'any(.problems[]; .code == "stale-cache" and .severity == "warn" and (.fix | contains("noaddr32.isp-a.test")) and (.fix | contains("does not resolve back to 192.0.2.32")))'

"$AUTHTREE" restore "$RUNDIR" k1 k2
run unstale "${COMMON[@]}" --authority --json 192.0.2.30 192.0.2.31
expect 192.0.2.30 "after the restore: not stale, no stale-cache" \
    '.authority.ptr.stale == false and all(.problems[]; .code != "stale-cache")'
expect 192.0.2.31 "after the restore: not stale, no stale-cache" \
    '.authority.ptr.stale == false and all(.problems[]; .code != "stale-cache")'

# --------------------------------------------------------------------------
section "--wait: 2001:db8:1::60 gets its PTR (TTL 2) while rdnscheck waits"
IP=2001:db8:1::60
"$AUTHTREE" flush "$RUNDIR" 1.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa. wait.isp-a.test.
got=$(kq "$UB" -x $IP)
[[ $got == "NXDOMAIN "* ]] || fail "$IP should have no PTR before the change, Unbound says [$got]"
ok "$IP has no PTR yet"
LAST='wait'
printf '%q ' "$BIN" --wait=60 -s "$UB" --json "$IP" >"$WORK/wait.cmd"
printf '   $ %s &\n' "$(cat "$WORK/wait.cmd")"
start=$(date +%s)
timeout 90 "$BIN" --wait=60 -s "$UB" --json "$IP" >"$WORK/wait.out" 2>"$WORK/wait.err" &
BG_PID=$!
sleep 3
kill -0 "$BG_PID" 2>/dev/null || fail "rdnscheck --wait exited before the PTR was added"
ok "still waiting after 3 s"
"$AUTHTREE" set "$RUNDIR" k1 "$ZONES/changes/isp-a.test.wait.zone"
"$AUTHTREE" set "$RUNDIR" k2 "$ZONES/changes/isp-a.test.wait.zone"
"$AUTHTREE" set "$RUNDIR" k1 "$ZONES/changes/1.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.wait.zone"
"$AUTHTREE" set "$RUNDIR" k2 "$ZONES/changes/1.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.wait.zone"
ok "added PTR wait.isp-a.test and AAAA $IP on K1 and K2"
rc=0
wait "$BG_PID" || rc=$?
BG_PID=
elapsed=$(($(date +%s) - start))
printf '%s\n' "$rc" >"$WORK/wait.rc"
expect_rc 0
((elapsed < 30)) || fail "--wait took ${elapsed}s; the TTLs are 2 s, expected well under 60 s"
ok "done after ${elapsed}s"
[[ $(jq -s 'length' "$WORK/wait.out") == 1 ]] || fail "expected the last round's result only (one JSON object)"
ok "one result on stdout (the last round)"
expect $IP "final result: pass, PTR wait.isp-a.test" \
    '.verdict == "pass" and .ptr == ["wait.isp-a.test"] and .confirmed == ["wait.isp-a.test"]'
[[ $(grep -c . "$WORK/wait.err") -ge 1 ]] || fail "no progress line on stderr"
ok "progress on stderr ($(grep -c . "$WORK/wait.err") lines)"
"$AUTHTREE" restore "$RUNDIR" k1 k2

section "--wait gives up after MAX: 2001:db8:1::61 never gets a PTR"
IP=2001:db8:1::61
start=$(date +%s)
run waitmax --wait=4 -s "$UB" --json "$IP"
elapsed=$(($(date +%s) - start))
expect_rc 1
expect $IP "final result: fail, no-ptr" '.verdict == "fail" and any(.problems[]; .code == "no-ptr")'
((elapsed >= 2 && elapsed < 15)) || fail "--wait=4 took ${elapsed}s (want one re-check at least, and an end near 4 s)"
ok "gave up after ${elapsed}s"
[[ $(grep -c . "$WORK/waitmax.err") -ge 1 ]] || fail "no progress line on stderr"
ok "progress on stderr"

section "--wait stopped by SIGINT while it sleeps: the last check is reported, exit 130"
IP=2001:db8:1::61
LAST=waitint
printf '%q ' "$BIN" --wait=60 -s "$UB" --json "$IP" >"$WORK/waitint.cmd"
"$BIN" --wait=60 -s "$UB" --json "$IP" >"$WORK/waitint.out" 2>"$WORK/waitint.err" &
pid=$!
for _ in $(seq 50); do
    grep -q 'check 1:' "$WORK/waitint.err" 2>/dev/null && break
    sleep 0.1
done
kill -INT "$pid"
rc=0
wait "$pid" || rc=$?
printf '%s\n' "$rc" >"$WORK/waitint.rc"
expect_rc 130
expect $IP "the last check's result is printed" '.verdict == "fail" and any(.problems[]; .code == "no-ptr")'
grep -q 'stopped by SIGINT' "$WORK/waitint.err" || fail "no 'stopped by SIGINT' line on stderr"
ok "stopped by SIGINT, the last check reported"

section "--wait=1h: an address that passes needs one round"
start=$(date +%s)
run waitpass --wait=1h -s "$UB" --json 192.0.2.25
elapsed=$(($(date +%s) - start))
expect_rc 0
expect 192.0.2.25 "pass" '.verdict == "pass"'
((elapsed < 5)) || fail "took ${elapsed}s for an address that passes at once"
ok "returned after ${elapsed}s"

# --------------------------------------------------------------------------
section "without --authority, only the resolver is asked"
ADDRS=(192.0.2.25 198.51.100.20 203.0.113.25 192.0.2.99)
run plain_prime "${COMMON[@]}" --json "${ADDRS[@]}"
AUTH_SERVERS=(p k1 k2 k3 k4 k5 lame dead)
before=$(queries_at "${AUTH_SERVERS[@]}")
run plain "${COMMON[@]}" --json -v "${ADDRS[@]}"
after=$(queries_at "${AUTH_SERVERS[@]}")
((after == before)) ||
    fail "the authoritative servers received $((after - before)) queries during a run without --authority"
ok "P, K1..K5, lame and dead received no query (Knot mod-stats and fakedns counters)"
jq -e -s '[.[] | .trace[]? | select(.event == "query")] | length > 0' "$WORK/plain.out" >/dev/null ||
    fail "no query events in the -v trace"
jq -e -s --arg ub "$UB" 'all(.[] | .trace[]? | select(.event == "query"); (.server // ($ub + ":53")) | startswith($ub + ":") or . == $ub)' \
    "$WORK/plain.out" >/dev/null || fail "a query event in the -v trace went to a server other than $UB"
ok "every query in the -v trace went to $UB"
! grep -qE '127\.0\.10\.1[0-9]?([^0-9]|$)' "$WORK/plain.out" ||
    fail "the output of a run without --authority mentions an authoritative server's address"
ok "no authoritative server's address in the output"
# The counters do see direct queries: the same run with --authority reaches K1/K2.
before=$(queries_at k1 k2)
run direct "${COMMON[@]}" --authority --json 192.0.2.25
after=$(queries_at k1 k2)
((after > before)) || fail "K1/K2 counted no query during a run with --authority"
ok "with --authority, K1/K2 received $((after - before)) queries (the counters work)"

section "every JSON record of this test is valid against the JSON schema"
json_outs=()
for cmd in "$WORK"/*.cmd; do
    grep -q -- '--json' "$cmd" && json_outs+=("${cmd%.cmd}.out")
done
json_valid "${json_outs[@]}" || fail "records the JSON schema rejects (above)"
ok "${#json_outs[@]} JSON outputs, every record valid"

printf '\nall --authority and --wait cases passed\n'
