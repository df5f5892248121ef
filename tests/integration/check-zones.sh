#!/usr/bin/env bash
# check-zones.sh - assert with kdig that the test DNS servers answer every
# case of zones/README.md as intended (independently of rdnscheck).
#
# Usage: tests/integration/check-zones.sh
#   (after scripts/servers.sh start RUNDIR; honours RDC_KNOT_PORT and
#   RDC_UNBOUND_PORT like servers.sh). Exit 0 if every check passes.
set -euo pipefail

KNOT_PORT=${RDC_KNOT_PORT:-53535}
UNBOUND_PORT=${RDC_UNBOUND_PORT:-53536}
failures=0
checks=0

# query PORT [kdig args...]: prints "STATUS|sorted answer data" (answer data of
# every answer RR, space-separated; TYPE names included for CNAME).
query() {
    local port=$1
    shift
    local out status answer
    out=$(kdig @127.0.0.1 -p "$port" +time=2 +retry=2 +nocrypto +noidn "$@" 2>&1) || true
    status=$(sed -n 's/.*status: \([A-Z]*\).*/\1/p' <<<"$out" | head -n 1)
    answer=$(awk '/^;; ANSWER SECTION:/ { a = 1; next }
                  /^;; / || /^$/ { a = 0 }
                  a && $4 == "CNAME" { print "CNAME:" $5; next }
                  a { print $5 }' <<<"$out" | LC_ALL=C sort | paste -sd' ')
    printf '%s|%s\n' "${status:-NO-ANSWER}" "$answer"
}

# expect WHO EXPECTED [kdig args...]: WHO is knot, unbound or both.
expect() {
    local who=$1 want=$2
    shift 2
    local port label got
    for label in knot unbound; do
        [[ $who == both || $who == "$label" ]] || continue
        if [[ $label == knot ]]; then port=$KNOT_PORT; else port=$UNBOUND_PORT; fi
        got=$(query "$port" "$@")
        checks=$((checks + 1))
        if [[ $got != "$want" ]]; then
            printf 'FAIL %-7s %-40s want [%s]\n%58s got  [%s]\n' "$label" "$*" "$want" "" "$got"
            failures=$((failures + 1))
        fi
    done
}

# --- 192.0.2.0/24 ------------------------------------------------------------
expect both 'NOERROR|mail.example.test.' -x 192.0.2.10
expect both 'NOERROR|192.0.2.10' mail.example.test A
expect both 'NOERROR|2001:db8::10' mail.example.test AAAA
expect both 'NOERROR|mail2.example.test.' -x 192.0.2.11
expect both 'NOERROR|MaIl2-192-0-2-12.example.test.' -x 192.0.2.12
expect both 'NOERROR|192.0.2.12' mail2-192-0-2-12.example.test A
expect both 'NOERROR|192.0.2.12' MAIL2-192-0-2-12.Example.Test A
expect both 'NOERROR|a20.example.test. b20.example.test. c20.example.test.' -x 192.0.2.20
expect both 'NOERROR|192.0.2.20' c20.example.test A
expect both 'NOERROR|bad21.example.test. good21.example.test.' -x 192.0.2.21
expect both 'NOERROR|192.0.2.250' bad21.example.test A
expect both 'NOERROR|bad22a.example.test. bad22b.example.test.' -x 192.0.2.22
expect both 'NOERROR|alias30.example.test.' -x 192.0.2.30
expect both 'NOERROR|192.0.2.30 CNAME:real30.example.test.' alias30.example.test A
expect both 'NOERROR|' -x 192.0.2.41
expect both 'NOERROR|only-aaaa.example.test.' -x 192.0.2.42
expect both 'NOERROR|' only-aaaa.example.test A
expect both 'NOERROR|' only-txt.example.test A
expect both 'NXDOMAIN|' missing.example.test A
expect both 'NOERROR|192.0.2.250' wrong45.example.test A
expect both 'NOERROR|host.unserved.test.' -x 192.0.2.46
expect knot 'REFUSED|' host.unserved.test A
expect unbound 'SERVFAIL|' host.unserved.test A
expect both 'NOERROR|chain1.example.test.' -x 192.0.2.47
# Knot follows a CNAME chain for 5 hops within one answer, Unbound to the end.
expect knot 'NOERROR|CNAME:chain2.example.test. CNAME:chain3.example.test. CNAME:chain4.example.test. CNAME:chain5.example.test. CNAME:chain6.example.test.' chain1.example.test A
expect unbound 'NOERROR|192.0.2.47 CNAME:chain10.example.test. CNAME:chain2.example.test. CNAME:chain3.example.test. CNAME:chain4.example.test. CNAME:chain5.example.test. CNAME:chain6.example.test. CNAME:chain7.example.test. CNAME:chain8.example.test. CNAME:chain9.example.test.' chain1.example.test A
expect both 'NOERROR|loop1.example.test.' -x 192.0.2.48
expect knot 'NOERROR|CNAME:loop1.example.test. CNAME:loop2.example.test.' loop1.example.test A
expect unbound 'SERVFAIL|' loop1.example.test A
expect both 'NXDOMAIN|' -x 192.0.2.49
expect both 'NOERROR|mail.example.test.50.2.0.192.in-addr.arpa.' -x 192.0.2.50
expect both 'NOERROR|mail.example.test.2.0.192.in-addr.arpa.' -x 192.0.2.54
expect both 'NOERROR|xn--mil-qla.example.test.' -x 192.0.2.80
expect both 'NOERROR|192.0.2.80' xn--mil-qla.example.test A
expect both 'NOERROR|xn--pypal-4ve.example.test.' -x 192.0.2.81
expect both 'NOERROR|192.0.2.81' xn--pypal-4ve.example.test A
expect both 'NOERROR|192.0.2.51.' -x 192.0.2.51
expect both 'NOERROR|bad_name\!.example.test.' -x 192.0.2.52
expect both 'NOERROR|bad\007name.example.test.' -x 192.0.2.53
# RFC 2317, separate child zone: Knot (authoritative for both zones) answers
# only the CNAME, with a referral to the child in the authority section;
# the resolver follows the CNAME.
expect knot 'NOERROR|CNAME:65.64/26.2.0.192.in-addr.arpa.' -x 192.0.2.65
expect knot 'NOERROR|host65.example.test.' 65.64/26.2.0.192.in-addr.arpa PTR
expect unbound 'NOERROR|CNAME:65.64/26.2.0.192.in-addr.arpa. host65.example.test.' -x 192.0.2.65
expect knot 'NOERROR|CNAME:66.64/26.2.0.192.in-addr.arpa.' -x 192.0.2.66
expect knot 'NXDOMAIN|' 66.64/26.2.0.192.in-addr.arpa PTR
expect unbound 'NXDOMAIN|CNAME:66.64/26.2.0.192.in-addr.arpa.' -x 192.0.2.66
expect both 'NOERROR|192.0.2.65' host65.example.test A
# RFC 2317 style, same zone: Knot follows the CNAME in one answer.
expect both 'NOERROR|CNAME:129.128-26.2.0.192.in-addr.arpa. host129.example.test.' -x 192.0.2.129
expect both 'NOERROR|192.0.2.129' host129.example.test A
# 192.0.2.200: 16 long PTRs, 192.0.2.199: 40 PTRs; both truncated over UDP
# (bufsize 1232, and without EDNS), complete over TCP and > 1232 octets.
for who in knot unbound; do
    if [[ $who == knot ]]; then port=$KNOT_PORT; else port=$UNBOUND_PORT; fi
    for ip_count in 192.0.2.200:16 192.0.2.199:40; do
        ip=${ip_count%:*}
        want=${ip_count#*:}
        for mode in +bufsize=1232 +noedns; do
            checks=$((checks + 1))
            if ! kdig @127.0.0.1 -p "$port" +time=2 +retry=0 +ignore "$mode" -x "$ip" |
                grep -q '^;; Flags: .*\btc\b'; then
                printf 'FAIL %-7s -x %s %s over UDP is not truncated\n' "$who" "$ip" "$mode"
                failures=$((failures + 1))
            fi
        done
        checks=$((checks + 1))
        n=$(kdig @127.0.0.1 -p "$port" +time=2 +retry=0 +tcp +short -x "$ip" | wc -l)
        size=$(kdig @127.0.0.1 -p "$port" +time=2 +retry=0 +tcp -x "$ip" |
            sed -n 's/^;; Received \([0-9]*\) B.*/\1/p')
        if [[ $n -ne $want || ${size:-0} -le 1232 ]]; then
            printf 'FAIL %-7s -x %s +tcp: %s PTRs, %s octets (want %s, > 1232)\n' \
                "$who" "$ip" "$n" "$size" "$want"
            failures=$((failures + 1))
        fi
    done
done
expect both 'NOERROR|192.0.2.200' \
    tcp-fallback-16-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.16-second-label-also-unique-for-no-compression.example.test A
expect both 'NOERROR|192.0.2.199' too-many-ptrs-40.example.test A
expect both 'NOERROR|multi.example.test.' -x 192.0.2.201
expect both 'NOERROR|multi.example.test.' -x 192.0.2.202
expect both 'NOERROR|192.0.2.201 192.0.2.202' multi.example.test A
expect both 'NOERROR|2001:db8::201' multi.example.test AAAA
expect both 'NOERROR|192.0.2.10 CNAME:mail.example.test.' www.example.test A
expect both 'NOERROR|' noaddr.example.test A
expect both 'NOERROR|' noaddr.example.test AAAA
expect both 'NXDOMAIN|' nxhost.example.test A
expect both 'NOERROR|v4only.example.test.' -x 192.0.2.211
expect both 'NOERROR|ns.example.test.' -x 192.0.2.254

# --- 2001:db8::/32 -----------------------------------------------------------
expect both 'NOERROR|mail.example.test.' -x 2001:db8::10
expect both 'NOERROR|v6-25.example.test.' -x 2001:db8::25
expect both 'NOERROR|2001:db8::25' v6-25.example.test AAAA
expect both 'NOERROR|v4only.example.test.' -x 2001:db8::26
expect both 'NOERROR|' v4only.example.test AAAA
expect both 'NXDOMAIN|' -x 2001:db8::27
expect both 'NOERROR|wrong6.example.test.' -x 2001:db8::28
expect both 'NOERROR|2001:db8::250' wrong6.example.test AAAA
expect both 'NOERROR|2001:db8::29 CNAME:v6-29.example.test.' alias6.example.test AAAA
expect both 'NOERROR|only-aaaa.example.test.' -x 2001:db8::42
expect both 'NOERROR|multi.example.test.' -x 2001:db8::201
for i in 1 2 3; do
    expect both "NOERROR|h6-$i.example.test." -x "2001:db8:1::$i"
    expect both "NOERROR|2001:db8:1::$i" "h6-$i.example.test" AAAA
done
expect both 'NXDOMAIN|' -x 2001:db8:1::4
expect both 'NXDOMAIN|' -x 2001:db8:1::ff

# --- 198.51.100.0/29 and /28 -----------------------------------------------
expect both 'NOERROR|net0.example.test.' -x 198.51.100.0
expect both 'NOERROR|198.51.100.0' net0.example.test A
expect both 'NOERROR|net1.example.test.' -x 198.51.100.1
expect both 'NOERROR|net2-other.example.test. net2.example.test.' -x 198.51.100.2
expect both 'NXDOMAIN|' -x 198.51.100.3
expect both 'NOERROR|198.51.100.250' net4.example.test A
expect both 'NOERROR|198.51.100.5 CNAME:net5.example.test.' net5-alias.example.test A
expect both 'NXDOMAIN|' net6-missing.example.test A
expect both 'NOERROR|net7.example.test.' -x 198.51.100.7
for i in $(seq 16 31); do
    expect both "NOERROR|h$i.example.test." -x "198.51.100.$i"
    expect both "NOERROR|198.51.100.$i" "h$i.example.test" A
done
expect both 'NXDOMAIN|' -x 198.51.100.32

# --- 203.0.113.0/24: not served ----------------------------------------------
expect knot 'REFUSED|' -x 203.0.113.5
expect unbound 'SERVFAIL|' -x 203.0.113.5
expect both 'NOERROR|203.0.113.5' refused.example.test A
expect both 'SERVFAIL|' -x 203.0.113.200
expect both 'NOERROR|203.0.113.200' servfail.example.test A
expect knot 'REFUSED|' other.test A
expect unbound 'SERVFAIL|' other.test A

# --- spf.test: the hosts the SPF set-semantics policies rely on -------------
expect both 'NOERROR|2001:db8:73::21' h6a.spf.test AAAA
expect both 'NOERROR|' h6a.spf.test A
expect both 'NOERROR|198.18.73.20' h4a.spf.test A
expect both 'NOERROR|' h4a.spf.test AAAA
expect both 'NOERROR|2001:db8:74::9 ::ffff:198.18.74.9' mapped.spf.test AAAA
expect both 'NOERROR|127.0.0.2' 198.18.75.10.x.spf.test A
expect both 'NXDOMAIN|' 198.18.75.11.x.spf.test A
expect both 'NOERROR|127.0.0.2' 13.75.18.198.bl.spf.test A
expect both 'NXDOMAIN|' gone1.spf.test A

# --- over IPv6 loopback, when Knot listens there ----------------------------
if kdig @::1 -p "$KNOT_PORT" +time=1 +retry=0 +short SOA example.test >/dev/null 2>&1 &&
    [[ -n $(kdig @::1 -p "$KNOT_PORT" +time=1 +retry=0 +short SOA example.test) ]]; then
    checks=$((checks + 1))
    if [[ $(kdig @::1 -p "$KNOT_PORT" +time=2 +retry=0 +short -x 192.0.2.10) != mail.example.test. ]]; then
        printf 'FAIL knot over [::1]:%s\n' "$KNOT_PORT"
        failures=$((failures + 1))
    fi
else
    printf 'note: Knot does not answer on [::1]:%s (IPv4-only setup)\n' "$KNOT_PORT"
fi

printf '%d checks, %d failed\n' "$checks" "$failures"
[[ $failures -eq 0 ]]
