#!/usr/bin/env bash
# --self against real parts: Postfix configurations read with `postconf -c
# DIR` (test directories, never the system's), Knot's mod-whoami zone
# (whoami.test) on loopback as the NAT "whoami" service, scripted fakedns
# whoami servers that answer a public address, time out or answer garbage,
# postconf absent, a bind address the host does not have, every format.
# With ROOT=1 (integration_self_root) also: addresses added to lo and an
# unreachable route (root only; skipped, exit 77, outside CI when not root).
# Usage: test_self.sh RDNSCHECK FAKEDNS [root]   (RDC_KNOT=127.0.0.1:53535)
set -uo pipefail
bin=$1
fakedns=$2
mode=${3:-}
knot=${RDC_KNOT:-127.0.0.1:${RDC_KNOT_PORT:-53535}}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/common/check.sh
. "$here/../common/check.sh"
# shellcheck source=tests/common/fakedns.sh
. "$here/../common/fakedns.sh"
# shellcheck source=tests/common/jsonschema.sh
. "$here/../common/jsonschema.sh"
tmp=$(mktemp -d /tmp/rdc-self.XXXXXX)
added=()
cleanup() {
    fakedns_stop_all
    local a
    for a in "${added[@]}"; do ip addr del "$a" dev lo 2>/dev/null; done
    [ -n "${route_added:-}" ] && ip -6 route del unreachable 2001:db8:dead::/48 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
export LC_ALL=C
PATH="$PATH:/usr/sbin:/sbin"
command -v postconf >/dev/null || { echo "FATAL: postconf (Debian: postfix) is missing"; exit 1; }
kdig @"${knot%:*}" -p "${knot##*:}" +short +timeout=2 whoami.test A >/dev/null 2>&1 ||
    { echo "FATAL: Knot is not answering on $knot (start scripts/servers.sh)"; exit 1; }
whoami="whoami.test@$knot"

# pfconf DIR LINES...: a Postfix configuration directory (main.cf only)
pfconf() {
    local d=$tmp/$1
    shift
    mkdir -p "$d"
    printf '%s\n' "compatibility_level = 3.6" "$@" >"$d/main.cf"
    printf '%s\n' "$d"
}
# run NAME ARGS...: rdnscheck's output in $tmp/NAME.out/.err, status in rc
run() {
    local name=$1
    shift
    "$bin" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
    rc=$?
    case " $* " in *" --json "*) json_runs+=("$tmp/$name.out") ;; esac
}
has() { grep -qF -- "$2" "$tmp/$1.out"; }
jq_self() { jq -c 'select(.type == "self")' "$tmp/$1.out" | jq -e "$2" >/dev/null; }
# every --json run's lines, the self record among them, as the schema says
json_runs=()

if [ "$mode" = root ]; then
    if [ "$(id -u)" != 0 ]; then
        [ "${CI:-}" = true ] && { echo "FAIL: CI=true but not root: cannot add addresses to lo"; exit 1; }
        echo "SKIP: not root (adding addresses to lo needs root)"
        exit 77
    fi
    # The host's mail addresses, as a provider would route them: added to
    # lo, documentation addresses with PTR and forward records in the zones
    for a in 192.0.2.10/32 2001:db8::10/128; do
        if ! ip addr show dev lo | grep -qF " ${a} "; then
            ip addr add "$a" dev lo && added+=("$a")
        fi
    done
    d=$(pfconf both "inet_protocols = all" "smtp_bind_address = 192.0.2.10" \
        "smtp_bind_address6 = 2001:db8::10" "myhostname = mail.example.test")
    run both --self --postfix-config "$d" --whoami none -s "$knot" --json
    check "both families bound, both pass: exit 0" test "$rc" = 0
    check "the summary names both addresses" jq_self both \
        '.self.summary == "this host sends mail as mail.example.test from 192.0.2.10 IPv4 and 2001:db8::10 IPv6: pass"'
    check "each family's source is Postfix's parameter" jq_self both \
        '.self.families[0].source == "Postfix smtp_bind_address" and .self.families[1].source == "Postfix smtp_bind_address6"'
    check "HELO matches on both" jq_self both '[.self.families[].helo_match] == [true, true]'
    # the kernel's choice: --self-via toward an address on lo
    run via --self --self-via 192.0.2.10 --self-via 2001:db8::10 --helo mail.example.test \
        --whoami none -s "$knot"
    check "kernel source addresses pass" test "$rc" = 0
    check "text says kernel source for IPv6" has via "kernel source address for IPv6 (route toward 2001:db8::10, --self-via)"
    # no route for a family: an unreachable route, added and removed here
    ip -6 route add unreachable 2001:db8:dead::/48 && route_added=1
    run noroute --self --self-via 192.0.2.10 --self-via 2001:db8:dead::1 --helo mail.example.test \
        --whoami none -s "$knot" --json
    check "no IPv6 route: IPv4 alone decides (exit 0)" test "$rc" = 0
    check "IPv6 skipped, saying why" jq_self noroute \
        '.self.families[1].state == "skipped" and (.self.families[1].reason | test("no IPv6 route toward 2001:db8:dead::1"))'
    check_done
    exit
fi

# 1. Postfix binds to 127.0.0.2 (always on lo); the whoami service (Knot's
# mod-whoami) sees that address itself: no NAT. IPv6 off in inet_protocols.
d=$(pfconf v4 "inet_protocols = ipv4" "smtp_bind_address = 127.0.0.2" \
    "myhostname = smtp2.example.test")
run pf --self --postfix-config "$d" --whoami "$whoami" -s "$knot"
check "postconf -c: pass, exit 0" test "$rc" = 0
check "source is Postfix smtp_bind_address" has pf "from: Postfix smtp_bind_address"
check "IPv6 skipped with Postfix's reason" has pf "IPv6  skipped: Postfix does not send over IPv6 (inet_protocols = ipv4)"
check "HELO from myhostname" has pf "HELO  smtp2.example.test (Postfix myhostname)"
check "whoami answered" has pf "whoami $whoami saw the local address 127.0.0.2 itself"
check "the overall line" has pf "this host sends mail as smtp2.example.test from 127.0.0.2 IPv4: pass"
run pfjson --self --postfix-config "$d" --whoami "$whoami" -s "$knot" --json
check "JSON: the address's object has via" grep -q '"input":"self:ipv4","ip":"127.0.0.2","via":"Postfix smtp_bind_address' "$tmp/pfjson.out"
check "JSON: the self object" jq_self pfjson '.self.verdict == "pass" and .self.mta == "Postfix" and .self.families[0].helo_match == true'
# a HELO that is not the PTR name: --helo overrides the configuration
run pfhelo --self --postfix-config "$d" --whoami "$whoami" -s "$knot" --helo mail.example.test
check "--helo overrides: helo-mismatch fails, as --helo does (exit 1)" test "$rc" = 1
check "HELO mismatch reported" has pfhelo "HELO does not match"
# master.cf's smtp -o overrides main.cf
printf 'smtp unix - - n - - smtp -o smtp_bind_address=127.0.0.2 -o smtp_helo_name=smtp2.example.test\n' >"$tmp/v4/master.cf"
d2=$(pfconf master "inet_protocols = ipv4" "smtp_bind_address = 127.0.0.9" "myhostname = x.example.test")
cp "$tmp/v4/master.cf" "$d2/"
run master --self --postfix-config "$d2" --whoami "$whoami" -s "$knot" --json
check "master.cf smtp -o wins" jq_self master \
    '.self.families[0].source == "Postfix master.cf smtp -o smtp_bind_address" and .self.helo_source == "Postfix master.cf smtp -o smtp_helo_name" and .self.verdict == "pass"'

# 2. A bind address this host does not have: Postfix warns and sends from
# the kernel's address; with smtp_bind_address_enforce it defers the mail
missing=192.0.2.99
if ! ip -4 addr show | grep -qF " $missing/"; then
    d=$(pfconf missing "inet_protocols = ipv4" "smtp_bind_address = $missing" \
        "myhostname = smtp2.example.test")
    run missing --self --postfix-config "$d" --self-via 127.0.0.2 --whoami "$whoami" -s "$knot" --json
    check "missing bind address: self-bind warning" grep -q '"code":"self-bind","severity":"warn","message":"Postfix smtp_bind_address is 192.0.2.99, which is not an address of this host' "$tmp/missing.out"
    check "missing bind address: the kernel's address is checked" jq_self missing '.self.families[0].source | test("kernel source address")'
    d=$(pfconf enforce "inet_protocols = ipv4" "smtp_bind_address = $missing" \
        "smtp_bind_address_enforce = yes" "myhostname = smtp2.example.test")
    run enforce --self --postfix-config "$d" --self-via 127.0.0.2 --whoami "$whoami" -s "$knot" --json
    check "enforce: self-bind is a failure, exit 1" test "$rc" = 1
    check "enforce: deferred" grep -q '"code":"self-bind","severity":"fail".*deferred' "$tmp/enforce.out"
fi

# 3. postconf absent, no Exim: the kernel's address and the system's FQDN;
# behind NAT (127.0.0.1 is loopback) a scripted whoami answers the public
# address 192.0.2.10 (mail.example.test), as through a NAT router
cat >"$tmp/nat.script" <<'EOF'
match whoami.example.test A
  rr whoami.example.test 0 A 192.0.2.10
match * * rcode=REFUSED
EOF
fakedns_start "$fakedns" "$tmp/nat.script" "$tmp" || exit 1
nat=$fakedns_addr
export RDC_POSTCONF=/nonexistent/postconf RDC_EXIM=/nonexistent/exim
run nat --self --self-via 127.0.0.2 --whoami "whoami.example.test@$nat" -s "$knot" -4 --json \
    --helo mail.example.test
check "NAT: the public address passes, exit 0" test "$rc" = 0
check "NAT: public_via says so" jq_self nat \
    '.self.families[0].address == "192.0.2.10" and .self.families[0].local == "127.0.0.1" and (.self.families[0].public_via | test("public address 192.0.2.10 via whoami whoami.example.test@127.0.0.1:[0-9]+; local address 127.0.0.1 is behind NAT"))'
check "postconf absent: said in the sources" jq_self nat '.self.sources | test("Postfix: cannot run /nonexistent/postconf")'
check "IPv6 not asked (-4)" jq_self nat '.self.families[1].reason == "not asked for (-4)"'
run nomta --self --self-via 127.0.0.2 --whoami "whoami.example.test@$nat" -s "$knot" -4
check "no MTA: HELO is the system's FQDN" has nomta "(system FQDN)"
check "no MTA: the sources line" has nomta "sources: Postfix: cannot run /nonexistent/postconf"

# 4. whoami that times out, answers garbage, or nothing listening
cat >"$tmp/bad.script" <<'EOF'
match slow.example.test * drop
match garbage.example.test A qname=other.example.test
  rr other.example.test 0 A 192.0.2.10
match txt.example.test A
  rr txt.example.test 0 TXT "hello"
match * * rcode=SERVFAIL
EOF
fakedns_start "$fakedns" "$tmp/bad.script" "$tmp" || exit 1
bad=$fakedns_addr
run slow --self --self-via 127.0.0.2 --whoami "slow.example.test@$bad" --timeout 300 --tries 1 \
    -s "$knot" -4 --helo mail.example.test --json
check "whoami timeout: undecided, exit 3" test "$rc" = 3
check "whoami timeout: self-unknown says what to do" grep -q '"code":"self-unknown","severity":"tempfail","message":"local address 127.0.0.1 is loopback.*timed out.*give the public address as a target, or --whoami NAME@SERVER' "$tmp/slow.out"
check "whoami timeout: the family is unknown" jq_self slow '.self.families[0].state == "unknown" and .self.verdict == "tempfail"'
run garbage --self --self-via 127.0.0.2 --whoami "garbage.example.test@$bad" \
    --whoami "txt.example.test@$bad" --whoami "x.example.test@$bad" -s "$knot" -4 --helo mail.example.test --json
check "whoami garbage: exit 3" test "$rc" = 3
check "whoami garbage: each service's failure named" grep -q 'garbage.example.test@127.0.0.1:[0-9]*: an unusable answer.*txt.example.test@127.0.0.1:[0-9]*: answered with no A record; x.example.test@127.0.0.1:[0-9]*: answered SERVFAIL' "$tmp/garbage.out"
run closed --self --self-via 127.0.0.2 --whoami "x.example.test@127.0.0.1:9" --tries 1 --timeout 500 \
    -s "$knot" -4 --helo mail.example.test
check "nothing listening: exit 3" test "$rc" = 3
check "nothing listening: Connection refused" has closed "Connection refused"
run none --self --self-via 127.0.0.2 --whoami none -s "$knot" -4 --helo mail.example.test
check "--whoami none: exit 3, no service asked" test "$rc" = 3
check "--whoami none: said" has none "no --whoami service of this family"
unset RDC_POSTCONF RDC_EXIM

# 5. every format carries the self summary
d=$tmp/v4
common=(--self --postfix-config "$d" --whoami "$whoami" -s "$knot")
run nagios "${common[@]}" --format nagios
check "nagios: OK, the summary opens the status line" grep -q '^RDNS OK - this host sends mail as smtp2.example.test from 127.0.0.2 IPv4: pass; 1 of 1 pass' "$tmp/nagios.out"
run prom "${common[@]}" --format prometheus
check "prometheus: rdnscheck_self_verdict" grep -q '^rdnscheck_self_verdict{verdict="pass",helo="smtp2.example.test"} 1$' "$tmp/prom.out"
check "prometheus: rdnscheck_self_family for IPv6" grep -q '^rdnscheck_self_family{family="ipv6",state="skipped",ip="",local="",verdict=""} 1$' "$tmp/prom.out"
if [ -n "${RDC_PROMTOOL:-}" ]; then
    check "prometheus: promtool accepts it" "$RDC_PROMTOOL" check metrics <"$tmp/prom.out"
fi
run github "${common[@]}" --format github
check "github: a notice with the summary" grep -q '^::notice title=rdnscheck --self::this host sends mail as smtp2.example.test' "$tmp/github.out"
run junit "${common[@]}" --junit "$tmp/junit.xml" -q
check "junit: the address is a test case" grep -q 'self:ipv4' "$tmp/junit.xml"
if command -v xmllint >/dev/null; then
    check "junit: well-formed" xmllint --noout "$tmp/junit.xml"
fi

# 6. none of --self's options without --self: never a whoami question
run usage --whoami "$whoami" 192.0.2.10
check "--whoami without --self: exit 2" test "$rc" = 2
check "--whoami without --self: says so" grep -q 'need --self' "$tmp/usage.err"
run usage2 --self --self-via 192.0.2.1 --self-via 192.0.2.2
check "--self-via twice per family: exit 2" test "$rc" = 2
check "every JSON line of these runs as the schema says (${#json_runs[@]} runs)" json_valid "${json_runs[@]}"
check_done
