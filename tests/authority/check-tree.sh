#!/usr/bin/env bash
# check-tree.sh - assert with kdig that every server of the delegated test tree
# (scripts/authtree.sh) answers as tests/authority/README.md says, independently
# of rdnscheck: AA on authoritative answers, serials and SOA contents, the
# referrals of the parent, REFUSED from the lame server, silence from the black
# hole, and Unbound resolving through the delegations.
#
# Usage: tests/authority/check-tree.sh [RUNDIR]
#   With RUNDIR (the tree's, as given to authtree.sh start; default
#   $RDC_AUTHTREE_DIR) it also proves that Unbound asks the parent and then
#   K1/K2 (their query counters grow after the zone is flushed from Unbound's
#   cache). Exit 0 if every check passes; 77 (skipped) when the tree does not
#   run, except with CI=true (or 1, yes), where that fails.
set -euo pipefail
shopt -s extglob

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
AUTHTREE="$SCRIPT_DIR/../../scripts/authtree.sh"
RUNDIR=${1:-${RDC_AUTHTREE_DIR:-}}
# The tree's addresses (scripts/authtree.sh: RDC_AUTHTREE_NET, default 127.0.10)
NET=${RDC_AUTHTREE_NET:-127.0.10}
case ${CI:-} in 1 | [Tt]rue | TRUE | yes) ci=1 ;; *) ci=0 ;; esac
if [[ -z $(kdig @"$NET.1" +time=2 +retry=1 +short test. SOA 2>/dev/null) ]]; then
    if ((ci)); then
        echo "FAIL (CI=$CI, so not skipped): the test tree does not answer on $NET.1" >&2
        exit 1
    fi
    echo "SKIP: the test tree does not run (scripts/authtree.sh start RUNDIR)"
    exit 77
fi

P=$NET.1 UB=$NET.2
K1=$NET.11 K2=$NET.12 K3=$NET.13 K4=$NET.14 K5=$NET.15
LAME=$NET.16 DEAD=$NET.17

failures=0
checks=0

# query SERVER [kdig args...]: prints "STATUS|FLAGS|ANSWER|AUTHORITY" where
# FLAGS is "aa" or "-" and "ra" or "-", ANSWER and AUTHORITY the sorted
# records as "TYPE:RDATA" (TTLs left out), space-separated.
query() {
    local server=$1
    shift
    local out status flags aa=- ra=- sections
    out=$(kdig "@$server" +time=3 +retry=1 "$@" 2>&1) || true
    status=$(sed -n '/status: /{s/.*status: \([A-Z]*\).*/\1/p;q}' <<<"$out")
    flags=$(sed -n '/^;; Flags: /{s/^;; Flags: \([^;]*\);.*/\1/p;q}' <<<"$out")
    [[ " $flags " == *" aa "* ]] && aa=aa
    [[ " $flags " == *" ra "* ]] && ra=ra
    sections=$(awk -v want="$1" '
        /^;; ANSWER SECTION:/ { s = "an"; next }
        /^;; AUTHORITY SECTION:/ { s = "au"; next }
        /^;; / || /^$/ { s = ""; next }
        s != "" {
            r = $4 ":" $5; for (i = 6; i <= NF; i++) r = r " " $i
            gsub(/ /, "_", r); print s, r
        }' <<<"$out")
    printf '%s|%s %s|%s|%s\n' "${status:-TIMEOUT}" "$aa" "$ra" \
        "$(awk '$1 == "an" { print $2 }' <<<"$sections" | LC_ALL=C sort | paste -sd' ')" \
        "$(awk '$1 == "au" { print $2 }' <<<"$sections" | LC_ALL=C sort | paste -sd' ')"
}

# expect LABEL WANT SERVER [kdig args...]: WANT is a glob matched against
# query's output.
expect() {
    local label=$1 want=$2 server=$3
    shift 3
    local got
    got=$(query "$server" "$@")
    checks=$((checks + 1))
    # shellcheck disable=SC2053
    if [[ $got == $want ]]; then
        printf 'ok   %-6s %s\n' "$label" "$*"
    else
        printf 'FAIL %-6s %s\n       want [%s]\n       got  [%s]\n' "$label" "$*" "$want" "$got"
        failures=$((failures + 1))
    fi
}

# silent LABEL SERVER [kdig args...]: no answer at all, over UDP and TCP.
silent() {
    local label=$1 server=$2 proto out
    shift 2
    for proto in +notcp +tcp; do
        checks=$((checks + 1))
        out=$(kdig "@$server" "$proto" +time=1 +retry=0 "$@" 2>&1) || true
        if grep -q 'status: ' <<<"$out"; then
            printf 'FAIL %-6s %s %s: answered, should be a black hole\n' "$label" "$proto" "$*"
            failures=$((failures + 1))
        else
            printf 'ok   %-6s %s %s: no answer\n' "$label" "$proto" "$*"
        fi
    done
}

SOA_A='ns1.isp-a.test._john\\.doe.isp-a.test.'
SOA_B='ns1.isp-b.test._hostmaster.isp-b.test.'
SOA_C='ns1.isp-c.test._hostmaster.isp-c.test.'
NS_A='NS:ns1.isp-a.test. NS:ns2.isp-a.test.'
NS_B='NS:ns1.isp-b.test. NS:ns2.isp-b.test.'
NS_C='NS:ns-dead.isp-c.test. NS:ns-lame.isp-c.test. NS:ns1.isp-c.test.'
REV6=0.6.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa

echo "== P ($P): the parent zones, authoritative; referrals below them"
expect P "NOERROR|aa -|SOA:ns.parent.test._hostmaster.parent.test._2026120101_*|" "$P" +norec SOA test.
expect P "NOERROR|aa -|SOA:ns.parent.test.*|" "$P" +norec SOA in-addr.arpa.
expect P "NOERROR|aa -|SOA:ns.parent.test.*|" "$P" +norec SOA ip6.arpa.
expect P "NOERROR|- -||$NS_A" "$P" +norec -x 192.0.2.25
expect P "NOERROR|- -||$NS_B" "$P" +norec -x 198.51.100.20
expect P "NOERROR|- -||$NS_C" "$P" +norec -x 203.0.113.25
expect P "NOERROR|- -||$NS_A" "$P" +norec -x 2001:db8:1::25
expect P "NOERROR|- -||$NS_A" "$P" +norec A mail.isp-a.test.
expect P "NOERROR|- -||$NS_C" "$P" +norec A mail.isp-c.test.
# Glue for the delegations (additional section).
for g in "ns1.isp-a.test.:$K1" "ns2.isp-a.test.:$K2" "ns1.isp-b.test.:$K3" \
    "ns2.isp-b.test.:$K4" "ns1.isp-c.test.:$K5" "ns-lame.isp-c.test.:$LAME" \
    "ns-dead.isp-c.test.:$DEAD"; do
    checks=$((checks + 1))
    zone=${g#ns*.}
    zone=${zone%%:*}
    if kdig @"$P" +norec +time=3 +noall +additional A "x.$zone" 2>/dev/null |
        awk -v n="${g%%:*}" -v a="${g##*:}" '$1 == n && $4 == "A" && $5 == a { f = 1 } END { exit !f }'; then
        printf 'ok   %-6s glue %s\n' P "$g"
    else
        printf 'FAIL %-6s glue %s missing in the referral for %s\n' P "$g" "$zone"
        failures=$((failures + 1))
    fi
done
expect P "REFUSED|*" "$P" +norec SOA example.
expect P "NXDOMAIN|aa -||SOA:*" "$P" +norec A nothing.test.

for k in K1:$K1 K2:$K2; do
    l=${k%%:*} a=${k#*:}
    echo "== $l ($a): 2.0.192.in-addr.arpa., isp-a.test., 1.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa. (consistent)"
    expect "$l" "NOERROR|aa -|SOA:${SOA_A}_2026120101_3600_600_86400_3600|" "$a" +norec SOA 2.0.192.in-addr.arpa.
    expect "$l" "NOERROR|aa -|$NS_A|" "$a" +norec NS 2.0.192.in-addr.arpa.
    expect "$l" "NOERROR|aa -|PTR:mail.isp-a.test.|" "$a" +norec -x 192.0.2.25
    expect "$l" "NOERROR|aa -|PTR:stale.isp-a.test.|" "$a" +norec -x 192.0.2.30
    expect "$l" "NXDOMAIN|aa -||SOA:${SOA_A}_2026120101_*" "$a" +norec -x 192.0.2.31
    expect "$l" "NXDOMAIN|aa -||SOA:${SOA_A}_2026120101_*" "$a" +norec -x 192.0.2.99
    expect "$l" "NOERROR|aa -|SOA:${SOA_A}_2026120101_3600_600_86400_3600|" "$a" +norec SOA isp-a.test.
    expect "$l" "NOERROR|aa -|A:192.0.2.25|" "$a" +norec A mail.isp-a.test.
    expect "$l" "NOERROR|aa -|AAAA:2001:db8:1::25|" "$a" +norec AAAA mail.isp-a.test.
    expect "$l" "NOERROR|aa -|A:192.0.2.30|" "$a" +norec A stale.isp-a.test.
    expect "$l" "NOERROR|aa -|A:192.0.2.30|" "$a" +norec A renamed.isp-a.test.
    expect "$l" "NOERROR|aa -|A:192.0.2.31|" "$a" +norec A new31.isp-a.test.
    expect "$l" "NXDOMAIN|aa -||SOA:*" "$a" +norec AAAA wait.isp-a.test.
    expect "$l" "NOERROR|aa -|SOA:${SOA_A}_2026120101_3600_600_86400_2|" "$a" +norec SOA 1.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.
    expect "$l" "NOERROR|aa -|PTR:mail.isp-a.test.|" "$a" +norec -x 2001:db8:1::25
    expect "$l" "NXDOMAIN|aa -||SOA:*" "$a" +norec PTR "$REV6."
    expect "$l" "REFUSED|*" "$a" +norec SOA 100.51.198.in-addr.arpa.
    # TTLs: long in the IPv4 zone (stale cache), 2 s in the IPv6 zone (--wait).
    checks=$((checks + 1))
    ttls=$(kdig "@$a" +norec +time=3 +noall +answer -x 192.0.2.25 -x 2001:db8:1::25 | awk 'NF { print $2 }' | paste -sd' ')
    if [[ $ttls == "3600 2" ]]; then
        printf 'ok   %-6s PTR TTLs 3600 (IPv4) and 2 (IPv6)\n' "$l"
    else
        printf 'FAIL %-6s PTR TTLs: want [3600 2], got [%s]\n' "$l" "$ttls"
        failures=$((failures + 1))
    fi
done

echo "== K3 ($K3) and K4 ($K4): 100.51.198.in-addr.arpa. with different serials; isp-b.test."
expect K3 "NOERROR|aa -|SOA:${SOA_B}_2026120102_*|" "$K3" +norec SOA 100.51.198.in-addr.arpa.
expect K4 "NOERROR|aa -|SOA:${SOA_B}_2026120101_*|" "$K4" +norec SOA 100.51.198.in-addr.arpa.
expect K3 "NOERROR|aa -|PTR:new.isp-b.test.|" "$K3" +norec -x 198.51.100.20
expect K4 "NOERROR|aa -|PTR:old.isp-b.test.|" "$K4" +norec -x 198.51.100.20
for k in K3:$K3 K4:$K4; do
    l=${k%%:*} a=${k#*:}
    expect "$l" "NOERROR|aa -|$NS_B|" "$a" +norec NS 100.51.198.in-addr.arpa.
    expect "$l" "NOERROR|aa -|SOA:${SOA_B}_2026120101_*|" "$a" +norec SOA isp-b.test.
    expect "$l" "NOERROR|aa -|A:198.51.100.20|" "$a" +norec A new.isp-b.test.
    expect "$l" "NOERROR|aa -|A:198.51.100.20|" "$a" +norec A old.isp-b.test.
done

echo "== K5 ($K5): 113.0.203.in-addr.arpa., isp-c.test. (NS set with a lame and a dead server)"
expect K5 "NOERROR|aa -|SOA:${SOA_C}_2026120101_*|" "$K5" +norec SOA 113.0.203.in-addr.arpa.
expect K5 "NOERROR|aa -|$NS_C|" "$K5" +norec NS 113.0.203.in-addr.arpa.
expect K5 "NOERROR|aa -|$NS_C|" "$K5" +norec NS isp-c.test.
expect K5 "NOERROR|aa -|PTR:mail.isp-c.test.|" "$K5" +norec -x 203.0.113.25
expect K5 "NOERROR|aa -|A:203.0.113.25|" "$K5" +norec A mail.isp-c.test.
expect K5 "NOERROR|aa -|A:$LAME|" "$K5" +norec A ns-lame.isp-c.test.
expect K5 "NOERROR|aa -|A:$DEAD|" "$K5" +norec A ns-dead.isp-c.test.

echo "== the delegation faults (issue 16): NS sets, RFC 2317 child, lame and missing delegations"
expect P "NOERROR|- -||NS:ns-alias.isp-c.test. NS:ns-noaddr.isp-c.test. NS:ns1.isp-c.test." "$P" +norec -x 2001:db8:3::25
expect K5 "NOERROR|aa -|PTR:mail6.isp-c.test.|" "$K5" +norec -x 2001:db8:3::25
expect K5 "NXDOMAIN|aa -||SOA:*" "$K5" +norec A ns-noaddr.isp-c.test.
expect K5 "NOERROR|aa -|A:$K5 CNAME:ns1.isp-c.test.|" "$K5" +norec A ns-alias.isp-c.test.
expect P "NOERROR|- -||NS:ns-lame.isp-c.test. NS:ns1.isp-c.test." "$P" +norec -x 2001:db8:4::25
expect K5 "NOERROR|aa -|NS:ns1.isp-b.test. NS:ns1.isp-c.test.|" "$K5" +norec NS 4.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.
expect P "NOERROR|- -||NS:ns-lame.isp-c.test. NS:ns1.isp-b.test." "$P" +norec -x 2001:db8:5::25
expect K3 "REFUSED|*" "$K3" +norec SOA 5.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.
expect P "NXDOMAIN|aa -||SOA:ns.parent.test.*" "$P" +norec -x 2001:db8:2::25
expect K5 "NOERROR|aa -|CNAME:66.64-26.113.0.203.in-addr.arpa.|*" "$K5" +norec -x 203.0.113.66
expect K5 "NXDOMAIN|aa -||SOA:*" "$K5" +norec PTR 66.64-26.113.0.203.in-addr.arpa.
expect K5 "NOERROR|aa -|PTR:mail.isp-c.test.|" "$K5" +norec PTR 65.64-26.113.0.203.in-addr.arpa.
expect ub "SERVFAIL|*" "$UB" -x 2001:db8:5::25
expect K5 "NXDOMAIN|aa -||SOA:*" "$K5" +norec MX nomail.isp-c.test.
expect K1 "NOERROR|aa -|MX:10_mail.isp-a.test.|" "$K1" +norec MX isp-a.test.

echo "== lame ($LAME): a running Knot without the zones it is named for: REFUSED"
expect lame "REFUSED|- -||" "$LAME" +norec SOA 113.0.203.in-addr.arpa.
expect lame "REFUSED|- -||" "$LAME" +norec -x 203.0.113.25
expect lame "REFUSED|- -||" "$LAME" +norec SOA isp-c.test.

echo "== dead ($DEAD): a black hole, no answer over UDP or TCP"
silent dead "$DEAD" +norec SOA 113.0.203.in-addr.arpa.

echo "== Unbound ($UB): recursive, through the delegations (answers not authoritative, RA set)"
expect ub "NOERROR|- ra|PTR:mail.isp-a.test.|" "$UB" -x 192.0.2.25
expect ub "NOERROR|- ra|SOA:${SOA_A}_2026120101_3600_600_86400_3600|" "$UB" SOA 2.0.192.in-addr.arpa.
expect ub "NOERROR|- ra|A:192.0.2.25|" "$UB" A mail.isp-a.test.
expect ub "NOERROR|- ra|A:$K1|" "$UB" A ns1.isp-a.test.
expect ub "NXDOMAIN|- ra||SOA:${SOA_A}_*" "$UB" -x 192.0.2.99
expect ub "NOERROR|- ra|PTR:mail.isp-a.test.|" "$UB" -x 2001:db8:1::25
expect ub "NOERROR|- ra|AAAA:2001:db8:1::25|" "$UB" AAAA mail.isp-a.test.
# Either server's answer, as Unbound picks one of K3/K4.
expect ub "NOERROR|- ra|PTR:@(new|old).isp-b.test.|" "$UB" -x 198.51.100.20
expect ub "NOERROR|- ra|A:198.51.100.20|" "$UB" A new.isp-b.test.
# Reached past the lame and the dead server (may take a few timeouts first).
expect ub "NOERROR|- ra|PTR:mail.isp-c.test.|" "$UB" +time=10 -x 203.0.113.25
expect ub "NOERROR|- ra|A:203.0.113.25|" "$UB" +time=10 A mail.isp-c.test.
expect ub "SERVFAIL|*" "$UB" A www.example.

if [[ -n $RUNDIR ]]; then
    echo "== Unbound follows the delegation: P, then K1/K2 (query counters)"
    "$AUTHTREE" flush "$RUNDIR" 2.0.192.in-addr.arpa.
    p0=$("$AUTHTREE" queries "$RUNDIR" p)
    k0=$(($("$AUTHTREE" queries "$RUNDIR" k1) + $("$AUTHTREE" queries "$RUNDIR" k2)))
    kdig @"$UB" +time=3 +short -x 192.0.2.25 >/dev/null || true
    p1=$("$AUTHTREE" queries "$RUNDIR" p)
    k1=$(($("$AUTHTREE" queries "$RUNDIR" k1) + $("$AUTHTREE" queries "$RUNDIR" k2)))
    checks=$((checks + 1))
    if ((p1 > p0 && k1 > k0)); then
        printf 'ok   %-6s after a flush, P got %d and K1+K2 %d queries for -x 192.0.2.25\n' ub \
            $((p1 - p0)) $((k1 - k0))
    else
        printf 'FAIL %-6s after a flush, P got %d and K1+K2 %d queries (want both > 0)\n' ub \
            $((p1 - p0)) $((k1 - k0))
        failures=$((failures + 1))
    fi
    # A cached answer costs the authoritative servers nothing.
    kdig @"$UB" +time=3 +short -x 192.0.2.25 >/dev/null || true
    k2=$(($("$AUTHTREE" queries "$RUNDIR" k1) + $("$AUTHTREE" queries "$RUNDIR" k2)))
    checks=$((checks + 1))
    if ((k2 == k1)); then
        printf 'ok   %-6s the same query again is answered from the cache\n' ub
    else
        printf 'FAIL %-6s the same query again reached K1/K2 (%d queries)\n' ub $((k2 - k1))
        failures=$((failures + 1))
    fi
fi

if ((failures)); then
    printf '%d of %d checks FAILED\n' "$failures" "$checks"
    exit 1
fi
printf 'all %d checks passed\n' "$checks"
