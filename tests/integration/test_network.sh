#!/usr/bin/env bash
# rdnscheck through tests/netproxy in front of the test Knot: a network with
# delay, random loss, jitter, reordering and a rate-limiting server (issue
# 18; these kernels have no sch_netem). Every verdict must be the one of a
# direct run, and nothing tempfail:
#  (a) 5 ms each way, 1% random loss each way, --tries 3: 198.51.100.0/24
#      and 2001:db8:b::/118 (1,280 addresses, about 2,250 queries);
#  (b) 25 ms each way and a server limit of 500 queries/s (token bucket,
#      drops over it): 2001:db8:b::/118 (about 1,900 queries); also the
#      window must back off: of the queries sent after the first second
#      (the slow start), at most 10% are dropped over the limit;
#  (c) 5 ms each way with 5 ms jitter and 5% of the packets held back (so
#      answers come out of order): 198.51.100.0/24.
# Not flaky by design: the proxy's fates come from fixed seeds, and a
# query is lost for good only if every copy is (up to 4 per pass: the first
# and 3 early duplicates, times 3 passes with --tries 3; at 1% each way a
# copy dies with p = 0.02, so 0.02^3 = 8e-6 per query even with no early
# duplicate at all). The proxy times packets by their arrival in the kernel
# and its due time, so a descheduled proxy does not make a burst of its
# own; a (b) run measured 0.8-1.3% over the limit after the first second.
# Nothing here is timed: speed is scripts/bench.sh --network.
# Usage: test_network.sh RDNSCHECK NETPROXY   (RDC_KNOT=127.0.0.1:53535)
set -uo pipefail
bin=$1
proxy=$2
knot=${RDC_KNOT:-127.0.0.1:${RDC_KNOT_PORT:-53535}}
tmp=$(mktemp -d /tmp/rdc-network.XXXXXX)
ppid_=
cleanup() {
    [ -n "$ppid_" ] && kill "$ppid_" 2>/dev/null && wait "$ppid_" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
export LC_ALL=C
passes=0
fails=0
ok() { passes=$((passes + 1)); echo "ok   $1"; }
bad() { fails=$((fails + 1)); echo "FAIL $1"; [ -n "${2:-}" ] && sed 's/^/     /' <<<"$2"; }
# shellcheck source=../common/jsonschema.sh
. "$(dirname "$0")/../common/jsonschema.sh"

command -v kdig >/dev/null 2>&1 ||
    { echo "FATAL: kdig (Debian: knot-dnsutils) is missing; it checks that Knot answers"; exit 1; }
kdig @"${knot%:*}" -p "${knot##*:}" +short +timeout=2 10.2.0.192.in-addr.arpa PTR >/dev/null 2>&1 ||
    { echo "FATAL: Knot is not answering on $knot (start scripts/servers.sh)"; exit 1; }

# One line per address, its verdict and findings: the record up to
# elapsed_ms (timing and, with -v, the trace follow it), sorted.
records() { sed -E 's/"time":"[^"]*",//; s/,"elapsed_ms".*//' | sort; }

# start_proxy ARGS...: netproxy on 127.0.0.1, a free port, in front of Knot.
start_proxy() {
    rm -f "$tmp/port" "$tmp/stats"
    "$proxy" -l 127.0.0.1:0 -u "$knot" -P "$tmp/port" --stats "$tmp/stats" "$@" 2>"$tmp/proxy.err" &
    ppid_=$!
    for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.05; done
    [ -s "$tmp/port" ] || { echo "FATAL: netproxy did not start: $(cat "$tmp/proxy.err")"; exit 1; }
    pport=$(cat "$tmp/port")
}
# stop_proxy: SIGTERM; the counters are then in $tmp/stats.
stop_proxy() {
    kill "$ppid_" && wait "$ppid_"
    ppid_=
}
# stat NAME: one of the proxy's counters.
stat() { awk -v k="$1" '{for (i = 1; i < NF; i++) if ($i == k) print $(i + 1)}' "$tmp/stats"; }

# through NAME TARGETS... -- PROXY ARGS...: a run through the proxy, compared
# with the direct run of the same targets.
through() {
    local name=$1 targets=() args=()
    shift
    while [ "$1" != -- ]; do targets+=("$1"); shift; done
    shift
    args=("$@")
    timeout 120 "$bin" -s "$knot" --json "${targets[@]}" 2>/dev/null | tee "$tmp/direct.json" |
        records >"$tmp/direct"
    local n
    n=$(wc -l <"$tmp/direct")
    start_proxy "${args[@]}"
    timeout 120 "$bin" -s "127.0.0.1:$pport" --tries 3 -v --json "${targets[@]}" \
        2>"$tmp/err" | tee "$tmp/proxied.json" | records >"$tmp/proxied"
    stop_proxy
    if json_valid "$tmp/direct.json" "$tmp/proxied.json"; then
        ok "$name: every record (traces too) valid against the JSON schema"
    else
        bad "$name: records the JSON schema rejects"
    fi
    echo "     $(grep -m1 'queries' "$tmp/err")"
    echo "     $(cat "$tmp/stats")"
    if grep -q '"verdict":"tempfail"' "$tmp/direct"; then
        bad "$name: the direct run has a tempfail (the test zones changed?)"
    elif [ "$n" -lt 256 ]; then
        bad "$name: the direct run gave $n records"
    elif cmp -s "$tmp/direct" "$tmp/proxied"; then
        ok "$name: all $n verdicts as in the direct run, no tempfail"
    else
        bad "$name: verdicts differ from the direct run ($(grep -c tempfail "$tmp/proxied") tempfail)" \
            "$(diff "$tmp/direct" "$tmp/proxied" | cut -c1-200 | head -20)"
    fi
}

through "(a) 5 ms, 1% loss each way, --tries 3" 198.51.100.0/24 2001:db8:b::/118 -- \
    -d 5 --loss-up 1 --loss-down 1 --seed 18
up=$(stat dropped-loss-up)
down=$(stat dropped-loss-down)
if [ "${up:-0}" -gt 0 ] && [ "${down:-0}" -gt 0 ]; then
    ok "(a) the proxy lost $up queries and $down answers"
else
    bad "(a) the proxy lost nothing (up ${up:-?}, down ${down:-?}): the test tested nothing"
fi

through "(b) 25 ms, 500 queries/s limit" 2001:db8:b::/118 -- -d 25 -r 500 --seed 18
read -r rcv rcv1 drop drop1 fwd < <(echo "$(stat received) $(stat received-1s)" \
    "$(stat dropped-rate) $(stat dropped-rate-1s) $(stat forwarded)")
after=$((rcv - rcv1))
over=$((drop - drop1))
msg="(b) after the first second: $over of $after queries dropped over the limit"
msg+=" (first second: $drop1 of $rcv1; $fwd forwarded in all)"
if [ "$after" -gt 0 ] && [ $((over * 10)) -le "$after" ]; then
    ok "$msg, at most 10%"
else
    bad "$msg, more than 10%: the window does not back off"
fi

through "(c) 5 ms + 5 ms jitter, 5% held back" 198.51.100.0/24 -- \
    -d 5 -j 5 --reorder 5 --seed 18
held=$(stat reordered)
if [ "${held:-0}" -gt 0 ]; then ok "(c) $held packets held back"; else bad "(c) nothing reordered"; fi

echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
