#!/usr/bin/env bash
# check_rdns, the binary called through a link of that name, as a monitoring
# system runs it (Monitoring Plugins development guidelines): -H (repeatable),
# -t SECONDS for the whole check, -w/-c and -W/-C ranges, -s, --mx, --spf,
# -v; -h, -V and every usage error exit 3 with one "RDNS UNKNOWN - " line;
# nothing on standard error, ever (Icinga 2 shows it as output); perfdata in
# the 'label'=value;warn;crit;min;max form. Against Knot on loopback and
# scripted fakedns responders.
# Usage: test_plugin.sh RDNSCHECK FAKEDNS   (RDC_KNOT=127.0.0.1:53535)
set -uo pipefail
# shellcheck source=tests/common/fakedns.sh
. "$(dirname "${BASH_SOURCE[0]}")/../common/fakedns.sh"
bin=$1
fakedns=$2
knot=${RDC_KNOT:-127.0.0.1:${RDC_KNOT_PORT:-53535}}
tmp=$(mktemp -d /tmp/rdc-plugin.XXXXXX)
cleanup() {
    fakedns_stop_all
    rm -rf "$tmp"
}
trap cleanup EXIT
export LC_ALL=C
passes=0
fails=0
ok() { passes=$((passes + 1)); echo "ok   $1"; }
bad() { fails=$((fails + 1)); echo "FAIL $1"; [ -n "${2:-}" ] && sed 's/^/     /' <<<"$2"; }
expect() { if [ "$2" -eq 0 ]; then ok "$1"; else bad "$1" "${3:-}"; fi; }

command -v kdig >/dev/null 2>&1 ||
    { echo "FATAL: kdig (Debian: knot-dnsutils) is missing; it checks that Knot answers"; exit 1; }
kdig @"${knot%:*}" -p "${knot##*:}" +short +timeout=2 10.2.0.192.in-addr.arpa PTR >/dev/null 2>&1 ||
    { echo "FATAL: Knot is not answering on $knot (start scripts/servers.sh)"; exit 1; }

# the plugin as it is installed: a link named check_rdns to the binary
plugin=$tmp/check_rdns
ln -s "$(realpath "$bin")" "$plugin"

# run ARGS...: sets st (exit status), out (stdout) and err (stderr)
run() {
    out=$("$plugin" "$@" 2>"$tmp/err")
    st=$?
    err=$(cat "$tmp/err")
}
# want NAME STATUS REGEX: the exit status, a first line matching the
# extended REGEX, nothing on stderr
want() {
    local first
    first=$(head -n 1 <<<"$out")
    expect "$1: exit $2, status line, no stderr" \
        "$([ "$st" -eq "$2" ] && grep -qE -- "$3" <<<"$first" && [ -z "$err" ]; echo $?)" \
        "status $st; stdout: $out; stderr: $err"
}
# perf_ok NAME: every perfdata item well formed, exactly one '|'
perf_ok() {
    local perf items
    perf=$(head -n 1 <<<"$out" | sed -n 's/^[^|]*| //p')
    items=$(tr ' ' '\n' <<<"$perf" |
        grep -vE "^([A-Za-z0-9_.-]+|'([^'=]|'')+')=-?[0-9]+(\.[0-9]+)?(s|ms|us|%|B|KB|MB|TB|c)?(;[-0-9.:~@]*){0,4}$")
    expect "$1: perfdata well formed, one '|'" \
        "$([ -n "$perf" ] && [ -z "$items" ] && [ "$(tr -cd '|' <<<"$out" | wc -c)" -eq 1 ]; echo $?)" \
        "$out"
}

# 1. -h and -V: UNKNOWN (3), as the Monitoring Plugins' own plugins
run -h
expect "-h: exit 3, usage on stdout, nothing on stderr" \
    "$([ "$st" -eq 3 ] && grep -q '^Usage: check_rdns -H ADDRESS|HOST' <<<"$out" && [ -z "$err" ]; echo $?)" \
    "status $st: $err"
run --help
expect "--help: exit 3" "$([ "$st" -eq 3 ] && grep -q -- '-w, --warning RANGE' <<<"$out"; echo $?)"
run -V
version=$("$bin" --version | awk '{print $2}')
want "-V" 3 "^check_rdns $version \(rdnscheck, c-ares [0-9.]+\)$"

# 2. every usage error: exit 3 and exactly one "RDNS UNKNOWN - " line,
#    wherever it stands on the command line
usage_error() { # name, regex of the message, args...
    local name=$1 re=$2
    shift 2
    run "$@"
    expect "usage error $name: exit 3, one UNKNOWN line saying why, no stderr" \
        "$([ "$st" -eq 3 ] && [ "$(wc -l <<<"$out")" -eq 1 ] &&
            grep -qE -- "^RDNS UNKNOWN - $re" <<<"$out" && [ -z "$err" ]; echo $?)" \
        "status $st; stdout: $out; stderr: $err"
}
usage_error "no target" "nothing to check" -s "$knot"
usage_error "unknown option" "unknown option '-x'" -H 192.0.2.10 -x
usage_error "unknown long option" "unknown option '--format'" --format nagios -H 192.0.2.10
usage_error "no -f in the plugin" "unknown option '-f'" -f list.txt
usage_error "-H without argument, last" "option '-H' needs an argument" -s "$knot" -H
usage_error "bad -w" "-w/--warning 'abc': not a range" -H 192.0.2.10 -w abc
usage_error "bad -c, after the target" "-c/--critical '5:1': the range's start is above its end" \
    -H 192.0.2.10 -c 5:1
usage_error "bad -W" "-W/--warn-warning '1e3': not a range" -W 1e3 -H 192.0.2.10
usage_error "empty -C" "-C/--warn-critical '': empty range" -C '' -H 192.0.2.10
usage_error "-t 0" "--timeout needs a whole number from 1 to 3600, not '0'" -t 0 -H 192.0.2.10
usage_error "-t in ms" "--timeout needs a whole number from 1 to 3600, not '10000'" -H 192.0.2.10 -t 10000
usage_error "bad target" "'bad\.\.name': not an IP address" -H 192.0.2.10 -H bad..name
usage_error "bad operand" "'bad/name': " -s "$knot" 'bad|name'
usage_error "bad server" "bad DNS server 'nowhere'" -s nowhere -H 192.0.2.10
usage_error "bad --spf" "--spf 'x': not a fully qualified" --spf x

# 3. states by the defaults: any fail CRITICAL, any warn WARNING, tempfail UNKNOWN
run -s "$knot" -H 192.0.2.10 -H mail.example.test
want "all pass" 0 "^RDNS OK - 3 of 3 pass \| 'pass'=3;;;0;3 'warn'=0;0;;0;3 'fail'=0;;0;0;3 'tempfail'=0;;;0;3 time=[0-9]+\.[0-9]{3}s 'error'=0;;;0$"
perf_ok "all pass"
expect "all pass: one line without -v" "$([ "$(wc -l <<<"$out")" -eq 1 ]; echo $?)" "$out"
run -s "$knot" -H 192.0.2.10 192.0.2.30 192.0.2.49 192.0.2.46
want "mixed, operands as targets" 2 "^RDNS CRITICAL - 1 of 4 fail: 192.0.2.49 no-ptr; 1 tempfail: 192.0.2.46 dns-refused; 1 warn: 192.0.2.30 ptr-cname \| 'pass'=1;;;0;4 'warn'=1;0;;0;4 'fail'=1;;0;0;4 'tempfail'=1;;;0;4 time="
perf_ok "mixed"
expect "mixed: a long-output line per address that is not a pass" \
    "$([ "$(wc -l <<<"$out")" -eq 4 ] && grep -qx '192.0.2.49 fail no-ptr: .*' <<<"$out"; echo $?)" "$out"
run -s "$knot" -H 192.0.2.30
want "a warn" 1 "^RDNS WARNING - 1 of 1 warn: 192.0.2.30 ptr-cname"
run -s "$knot" -H 192.0.2.46
want "a tempfail" 3 "^RDNS UNKNOWN - 1 of 1 tempfail: 192.0.2.46 dns-refused"

# 4. -w/-c over the addresses that fail (198.51.100.8/29: 8 fail)
block=198.51.100.8/29
run -s "$knot" -H $block -w 5 -c 10
want "-w 5 -c 10, 8 fail" 1 "^RDNS WARNING - 8 of 8 fail: .* 'fail'=8;5;10;0;8 "
run -s "$knot" -H $block -w 10 -c 20
want "-w 10 -c 20, 8 fail" 0 "^RDNS OK - 8 of 8 fail: .* 'fail'=8;10;20;0;8 "
run -s "$knot" -H $block -c 7
want "-c 7 alone, 8 fail" 2 "^RDNS CRITICAL - .* 'fail'=8;;7;0;8 "
run -s "$knot" -H $block -c @1:8
want "-c @1:8 (inside), 8 fail" 2 "^RDNS CRITICAL - .* 'fail'=8;;@1:8;0;8 "
run -s "$knot" -H $block -w '~:2'
want "-w ~:2, 8 fail" 1 "^RDNS WARNING - .* 'fail'=8;~:2;;0;8 "
run -s "$knot" -H $block -H 192.0.2.30 -c 10
want "-c 10: the warn still WARNING (-W default)" 1 "^RDNS WARNING - .* 'warn'=1;0;;0;9 'fail'=8;;10;0;9 "
run -s "$knot" -H 192.0.2.10 -w 5: -c 3:
want "-w 5: -c 3: (too few failing)" 2 "^RDNS CRITICAL - 1 of 1 pass \| .* 'fail'=0;5:;3:;0;1 "

# 5. -W/-C over the addresses that warn
run -s "$knot" -H 192.0.2.30 -W 1
want "-W 1, 1 warn" 0 "^RDNS OK - 1 of 1 warn: .* 'warn'=1;1;;0;1 "
run -s "$knot" -H 192.0.2.30 -C 0
want "-C 0, 1 warn" 2 "^RDNS CRITICAL - 1 of 1 warn: .* 'warn'=1;;0;0;1 "
run -s "$knot" -H 192.0.2.46 -w 5 -c 9 -W 5
want "tempfail within every range: still UNKNOWN" 3 "^RDNS UNKNOWN - "

# 6. --mx, --spf: a domain whose own policy fails is CRITICAL whatever -c says
run -s "$knot" --mx mx-normal.mail.test
want "--mx" 0 "^RDNS OK - 3 of 3 pass"
run -s "$knot" --spf nospf.mail.test -c 5
want "--spf without SPF record, -c 5" 2 "^RDNS CRITICAL - 1 domain fail: nospf.mail.test \(spf\) spf-none"

# 7. -v: passes in the long output too, with the confirming name
run -s "$knot" -v -H 192.0.2.10 -H 192.0.2.30
want "-v" 1 "^RDNS WARNING - "
expect "-v: the pass has its line" "$(grep -qx '192.0.2.10 pass: mail.example.test' <<<"$out"; echo $?)" "$out"

# 8. -t: each try waits a sixth of it, so a server that drops everything
#    gives tempfail well within -t...
cat >"$tmp/drop.script" <<'SCRIPT'
match * * drop
SCRIPT
fakedns_start "$fakedns" "$tmp/drop.script" "$tmp"
t0=$(date +%s%N)
run -s "$fakedns_addr" -t 3 -H 192.0.2.10
ms=$((($(date +%s%N) - t0) / 1000000))
want "-t 3, a silent server: tempfail" 3 "^RDNS UNKNOWN - 1 of 1 tempfail: 192.0.2.10 dns-timeout"
expect "-t 3, a silent server: done within the 3 s ($ms ms)" "$([ "$ms" -lt 3000 ]; echo $?)"
# ... and a check that needs longer than -t ends at -t, UNKNOWN, with what
#    was decided: a PTR name behind a chain of slow CNAME hops
{
    echo 'match 10.2.0.192.in-addr.arpa PTR'
    echo '  rr 10.2.0.192.in-addr.arpa 300 PTR mail.example.test'
    echo 'match mail.example.test A'
    echo '  rr mail.example.test 300 A 192.0.2.10'
    echo 'match 11.2.0.192.in-addr.arpa PTR delay=120'
    echo '  rr 11.2.0.192.in-addr.arpa 300 CNAME c1.chain.test'
    for i in $(seq 1 15); do
        echo "match c$i.chain.test PTR delay=120"
        echo "  rr c$i.chain.test 300 CNAME c$((i + 1)).chain.test"
    done
    echo 'match * * drop'
} >"$tmp/chain.script"
fakedns_start "$fakedns" "$tmp/chain.script" "$tmp"
t0=$(date +%s%N)
run -s "$fakedns_addr" -t 1 -H 192.0.2.10 -H 192.0.2.11
ms=$((($(date +%s%N) - t0) / 1000000))
want "-t 1, a slow chain: timed out" 3 "^RDNS UNKNOWN - check timed out after 1 s \(-t\); 1 of 1 pass \| "
expect "-t 1, a slow chain: ends at about 1 s ($ms ms)" "$([ "$ms" -ge 900 ] && [ "$ms" -lt 2500 ]; echo $?)"

echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
