#!/usr/bin/env bash
# test_judges.sh - Zonemaster and DNSViz as the judges of rdnscheck's
# delegation findings: both run over every zone of the delegated test tree
# (scripts/authtree.sh), from the tree's own root (its Knot "root" serving
# ".", RUNDIR/root.hints), and each fault they report must have its
# rdnscheck --authority counterpart: a problem of the mapped code whose
# message names the zone, for an address whose reverse zone (or whose PTR
# name's forward zone) it is. What they report that does not decide how a
# receiver's resolver finds a PTR is listed below with the reason; a tag
# in neither list fails the test, so a new finding is never passed over.
#
# Usage: tests/authority/test_judges.sh RDNSCHECK_BIN [RUNDIR]
#   RUNDIR: the tree's (default $RDC_AUTHTREE_DIR, else
#   ${TMPDIR:-/tmp}/rdnscheck-authtree); its addresses from RDC_AUTHTREE_NET.
# Exit 0 when every finding has its counterpart, 1 otherwise; 77 (skipped)
# when not root, the tree does not run, or zonemaster-cli, dnsviz or jq is
# missing - with CI=1 (true, yes) those are failures.
set -euo pipefail

[[ $# -ge 1 && $# -le 2 ]] || {
    echo "usage: $0 RDNSCHECK_BIN [RUNDIR]" >&2
    exit 2
}
BIN=$1
RUNDIR=${2:-${RDC_AUTHTREE_DIR:-${TMPDIR:-/tmp}/rdnscheck-authtree}}
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
AUTHTREE="$SCRIPT_DIR/../../scripts/authtree.sh"
NET=${RDC_AUTHTREE_NET:-127.0.10}
UB=$NET.2 ROOT=$NET.3

case ${CI:-} in 1 | [Tt]rue | TRUE | yes) ci=1 ;; *) ci=0 ;; esac
skip() {
    if ((ci)); then
        printf 'FAIL (CI=%s, so not skipped): %s\n' "$CI" "$*" >&2
        exit 1
    fi
    printf 'SKIP: %s\n' "$*"
    exit 77
}
[[ $(id -u) -eq 0 ]] || skip "not root: the test tree listens on port 53"
for t in zonemaster-cli dnsviz jq; do
    command -v "$t" >/dev/null 2>&1 || skip "$t is not installed"
done
"$AUTHTREE" status "$RUNDIR" >/dev/null 2>&1 || skip "the test tree is not running ($RUNDIR)"
[[ -s $RUNDIR/root.hints ]] || skip "no $RUNDIR/root.hints (restart the tree with this authtree.sh)"
[[ -x $BIN ]] || {
    echo "FAIL: $BIN is not an executable" >&2
    exit 1
}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/rdc-judges.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# Every zone of the tree below the tops, and an address that rdnscheck
# checks through it: its reverse zone, or its PTR name's forward zone.
declare -A ADDR_OF=(
    [2.0.192.in-addr.arpa]=192.0.2.25
    [100.51.198.in-addr.arpa]=198.51.100.20
    [113.0.203.in-addr.arpa]=203.0.113.25
    [64-26.113.0.203.in-addr.arpa]=203.0.113.65
    [1.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa]=2001:db8:1::25
    [3.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa]=2001:db8:3::25
    [4.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa]=2001:db8:4::25
    [5.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa]=2001:db8:5::25
    [isp-a.test]=192.0.2.25
    [isp-b.test]=198.51.100.20
    [isp-c.test]=203.0.113.25
)

# A judge's tag -> the rdnscheck code that reports the same fault.
declare -A CODE=(
    # a listed server that refuses, errs, is not authoritative or is silent
    [NS_FAILED]=auth-lame [IS_NOT_AUTHORITATIVE]=auth-lame [NS_ERROR]=auth-lame
    [A_UNEXPECTED_RCODE]=auth-lame [UNEXPECTED_RCODE]=auth-lame
    [CN01_UNEXPECTED_RCODE_SOA_QUERY_UDP]=auth-lame [CN01_UNEXPECTED_RCODE_NS_QUERY_UDP]=auth-lame
    [CN02_UNEXPECTED_RCODE_SOA_QUERY_TCP]=auth-lame [CN02_UNEXPECTED_RCODE_NS_QUERY_TCP]=auth-lame
    [CN01_NO_RESPONSE_UDP]=auth-lame [CN02_NO_RESPONSE_TCP]=auth-lame
    [CANNOT_CONTINUE]=auth-lame
    [SERVER_INVALID_RESPONSE_UDP]=auth-lame [SERVER_INVALID_RESPONSE_TCP]=auth-lame
    [SERVER_UNRESPONSIVE_UDP]=auth-lame [SERVER_UNRESPONSIVE_TCP]=auth-lame
    [SERVER_NOT_AUTHORITATIVE]=auth-lame
    # the parent's and the zone's NS sets differ
    [EXTRA_NAME_PARENT]=auth-ns-mismatch [EXTRA_NAME_CHILD]=auth-ns-mismatch
    [NS_NAME_NOT_IN_CHILD]=auth-ns-mismatch [NS_NAME_NOT_IN_PARENT]=auth-ns-mismatch
    # NS names: an alias, without an address
    [NS_IS_CNAME]=auth-ns-cname
    [CAN_NOT_BE_RESOLVED]=auth-ns-address [NO_ADDRESS_FOR_NS_NAME]=auth-ns-address
    # the servers serve different versions
    [MULTIPLE_SOA_SERIALS]=auth-inconsistent [SOA_SERIAL_VARIATION]=auth-inconsistent
    # the SOA contact cannot receive mail
    [RNAME_MAIL_DOMAIN_INVALID]=auth-contact
)

# A judge's tag that does not decide whether a receiver's resolver finds a
# PTR (and so has no rdnscheck counterpart), and why.
declare -A WHY=(
    [NAMESERVER_IP_PRIVATE_NETWORK]="the tree runs on loopback by design"
    [NAMESERVER_IP_WITHOUT_REVERSE]="a name server's own PTR does not change what it serves (and the tree's 127.x servers have none)"
    [EXPIRE_MINIMUM_VALUE_LOWER]="SOA timers govern secondaries, not answers to resolvers"
    [REFRESH_MINIMUM_VALUE_LOWER]="SOA timers govern secondaries, not answers to resolvers"
    [RETRY_MINIMUM_VALUE_LOWER]="SOA timers govern secondaries, not answers to resolvers"
    [SOA_DEFAULT_TTL_MAXIMUM_VALUE_LOWER]="a short negative TTL is caching policy (the --wait zone wants 2 s)"
    [NO_IPV6_NS_DEL]="the tree's servers are IPv4 only; resolvers reach them over IPv4"
    [NO_IPV6_NS_CHILD]="the tree's servers are IPv4 only; resolvers reach them over IPv4"
    [NOT_SIGNED]="DNSSEC is not part of a receiver's PTR check (Postfix, Exim do not validate it)"
    [NEITHER_DNSKEY_NOR_DS]="DNSSEC is not part of a receiver's PTR check (Postfix, Exim do not validate it)"
    [NOT_ENOUGH_NS_DEL]="redundancy policy: one working server answers; rdnscheck reports servers that fail"
    [NOT_ENOUGH_NS_CHILD]="redundancy policy: one working server answers; rdnscheck reports servers that fail"
    [NOT_ENOUGH_IPV4_NS_DEL]="redundancy policy: one working server answers; rdnscheck reports servers that fail"
    [NOT_ENOUGH_IPV4_NS_CHILD]="redundancy policy: one working server answers; rdnscheck reports servers that fail"
    [DEL_NS_SAME_IP]="two NS names on one address is redundancy policy (here ns-alias, reported as auth-ns-cname)"
    [CHILD_NS_SAME_IP]="two NS names on one address is redundancy policy (here ns-alias, reported as auth-ns-cname)"
    [SAME_IP_ADDRESS]="two NS names on one address is redundancy policy (here ns-alias, reported as auth-ns-cname)"
)

zones=("${!ADDR_OF[@]}")
echo "== the judges over ${#zones[@]} zones (root $ROOT)"
# Zonemaster: one run per zone, several at once (they mostly wait on the
# black hole); DNSViz: one probe of every zone, then its analysis.
# shellcheck disable=SC2016 # expanded by the inner sh
printf '%s\n' "${zones[@]}" | xargs -P 6 -I{} sh -c \
    'timeout 120 zonemaster-cli --hints "$1/root.hints" --no-ipv6 --level NOTICE --raw --no-progress "$2" >"$3/zm.$2" 2>&1 || echo "zonemaster-cli failed for $2" >>"$3/errors"' \
    sh "$RUNDIR" {} "$WORK" &
zm_pid=$!
timeout 120 dnsviz probe -A -4 -t 8 -x ".:ns.root.test=$ROOT" -o "$WORK/probe.json" "${zones[@]}" \
    >"$WORK/probe.log" 2>&1 || { cat "$WORK/probe.log" >&2; echo "FAIL: dnsviz probe" >&2; exit 1; }
dnsviz grok -P -l warning -r "$WORK/probe.json" -o "$WORK/grok.json" 2>"$WORK/grok.log" ||
    { cat "$WORK/grok.log" >&2; echo "FAIL: dnsviz grok" >&2; exit 1; }
wait "$zm_pid"
[[ ! -s $WORK/errors ]] || { cat "$WORK/errors" >&2; exit 1; }

# "ZONE TAG" per finding: Zonemaster's raw lines (TIME LEVEL TAG ARGS),
# DNSViz's error and warning codes anywhere under a zone's analysis.
for z in "${zones[@]}"; do
    if ! grep -q . "$WORK/zm.$z"; then
        echo "FAIL: zonemaster-cli gave nothing for $z" >&2
        exit 1
    fi
    awk -v z="$z" '$2 ~ /^(NOTICE|WARNING|ERROR|CRITICAL)$/ { print z, "zonemaster", $3 }' "$WORK/zm.$z"
done >"$WORK/findings"
jq -r 'to_entries[] | .key as $z | [.value | .. | objects | (.errors?, .warnings?) | arrays | .[] | .code] | unique[] | "\($z | rtrimstr(".")) dnsviz \(.)"' \
    "$WORK/grok.json" >>"$WORK/findings"
sort -u -o "$WORK/findings" "$WORK/findings"

# Unbound gets past the lame and the dead server of isp-c before the tool
# asks (as test_authority.sh does): the first lookup costs seconds.
for q in "-x 203.0.113.25" "A mail.isp-c.test"; do
    # shellcheck disable=SC2086 # two words each
    kdig @"$UB" +time=10 +retry=1 $q >/dev/null 2>&1 || true
done

failures=0 checked=0
declare -A RESULT_OF=()
while read -r zone judge tag; do
    [[ -n ${ADDR_OF[$zone]:-} ]] || continue # an ancestor (ip6.arpa, ...): not the tree's faults
    if [[ -n ${WHY[$tag]:-} ]]; then
        printf 'skip %-10s %-36s %s: %s\n' "$judge" "$tag" "$zone" "${WHY[$tag]}"
        continue
    fi
    code=${CODE[$tag]:-}
    if [[ -z $code ]]; then
        printf 'FAIL %-10s %-36s %s: no rdnscheck counterpart and no reason given in %s\n' \
            "$judge" "$tag" "$zone" "$0"
        failures=$((failures + 1))
        continue
    fi
    ip=${ADDR_OF[$zone]}
    out=$WORK/rdc.$ip
    if [[ -z ${RESULT_OF[$ip]:-} ]]; then
        "$BIN" -s "$UB" -t 1000 --tries 2 --authority --json "$ip" >"$out" 2>"$out.err" || true
        RESULT_OF[$ip]=$out
    fi
    checked=$((checked + 1))
    if jq -e --arg c "$code" --arg z "$zone" \
        'any(.problems[]; .code == $c and ((.message | contains("zone " + $z + ":")) or (.message | contains("zone " + $z + " "))))' \
        "$out" >/dev/null; then
        printf 'ok   %-10s %-36s %s: rdnscheck %s reports %s\n' "$judge" "$tag" "$zone" "$ip" "$code"
    else
        printf 'FAIL %-10s %-36s %s: rdnscheck %s does not report %s for the zone:\n' \
            "$judge" "$tag" "$zone" "$ip" "$code"
        jq -c '[.verdict, [.problems[] | .code + ": " + .message]]' "$out" || cat "$out"
        failures=$((failures + 1))
    fi
done <"$WORK/findings"

# The judges must have found the tree's faults at all (a judge that cannot
# reach the tree finds nothing and would pass everything).
for want in "4.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa zonemaster EXTRA_NAME_PARENT" \
    "4.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa dnsviz NS_NAME_NOT_IN_CHILD" \
    "3.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa zonemaster NS_IS_CNAME" \
    "3.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa dnsviz NO_ADDRESS_FOR_NS_NAME" \
    "5.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa dnsviz SERVER_INVALID_RESPONSE_UDP"; do
    grep -qxF "$want" "$WORK/findings" || {
        echo "FAIL: the judges did not report '$want': are they reaching the tree?"
        failures=$((failures + 1))
    }
done
if ((failures)); then
    printf '%d finding(s) without an rdnscheck counterpart (%d checked)\n' "$failures" "$checked"
    exit 1
fi
printf 'every delegation finding of the judges has its rdnscheck counterpart (%d checked)\n' "$checked"
