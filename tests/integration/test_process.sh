#!/usr/bin/env bash
# Process-level behaviour the case runner cannot express: a reader that goes
# away (SIGPIPE), a full disk, SIGINT/SIGTERM mid-run, a FIFO written slowly,
# a bulk run under `ulimit -n 64`, and a 4,096-address block with its
# verdict counts. Talks only to Knot on loopback (scripts/servers.sh) and to
# a fakedns it starts itself.
# Usage: test_process.sh RDNSCHECK FAKEDNS FAKESMTP   (RDC_KNOT=127.0.0.1:53535)
# A check whose tool (script, xmllint) or helper (FAKESMTP) is missing is
# reported as SKIP; with CI=true (scripts/test.sh sets it) it is a failure.
set -uo pipefail
# shellcheck source=tests/common/fakedns.sh
. "$(dirname "${BASH_SOURCE[0]}")/../common/fakedns.sh"
# shellcheck source=tests/common/jsonschema.sh
. "$(dirname "${BASH_SOURCE[0]}")/../common/jsonschema.sh"
bin=$1
fakedns=$2
fakesmtp=${3:-}
knot=${RDC_KNOT:-127.0.0.1:${RDC_KNOT_PORT:-53535}}
scale=${RDC_TIME_SCALE:-1}
tmp=$(mktemp -d /tmp/rdc-process.XXXXXX)
smtp_pids=()
cleanup() {
    fakedns_stop_all
    for p in "${smtp_pids[@]}"; do kill "$p" 2>/dev/null; done
    rm -rf "$tmp"
}
trap cleanup EXIT
export LC_ALL=C
unset NO_COLOR
passes=0
fails=0
skips=0
case ${CI:-} in 1 | [Tt]rue | TRUE | yes) ci=1 ;; *) ci=0 ;; esac
ok() { passes=$((passes + 1)); echo "ok   $1"; }
bad() { fails=$((fails + 1)); echo "FAIL $1"; [ -n "${2:-}" ] && sed 's/^/     /' <<<"$2"; }
expect() { # name, condition result (0/1), detail
    if [ "$2" -eq 0 ]; then ok "$1"; else bad "$1" "${3:-}"; fi
}
missing() { # what is missing, the checks that need it: a SKIP, or under CI a failure
    if [ "$ci" -eq 1 ]; then
        bad "$2: $1 is missing (CI=true: every check must run; scripts/test.sh installs it)"
    else
        skips=$((skips + 1))
        echo "SKIP $2: $1 is missing"
    fi
}
need() { # tool, the checks that need it: true if the tool is there
    command -v "$1" >/dev/null 2>&1 && return 0
    missing "'$1'" "$2"
    return 1
}

command -v kdig >/dev/null 2>&1 ||
    { echo "FATAL: kdig (Debian: knot-dnsutils) is missing; it checks that Knot answers"; exit 1; }

kdig @"${knot%:*}" -p "${knot##*:}" +short +timeout=2 10.2.0.192.in-addr.arpa PTR >/dev/null 2>&1 ||
    { echo "FATAL: Knot is not answering on $knot (start scripts/servers.sh)"; exit 1; }

# 1. the reader goes away: quiet, status 141, no wasted work
for _ in $(seq 40); do echo "2001:db8:b::/116"; done > "$tmp/big.txt"
"$bin" -s "$knot" -f "$tmp/big.txt" 2> "$tmp/err" | head -n 1 > "$tmp/out"
st=${PIPESTATUS[0]}
expect "sigpipe: one line read" "$( [ "$(wc -l < "$tmp/out")" -eq 1 ]; echo $?)"
expect "sigpipe: nothing on stderr" "$( [ ! -s "$tmp/err" ]; echo $?)" "$(cat "$tmp/err")"
expect "sigpipe: exit status 141 (or 0 if it had finished)" \
    "$( [ "$st" -eq 141 ] || [ "$st" -eq 0 ]; echo $?)" "status $st"

# 2. a full disk: clear error, status 2
"$bin" -s "$knot" 192.0.2.10 > /dev/full 2> "$tmp/err"
st=$?
expect "dev-full: exit status 2" "$( [ "$st" -eq 2 ]; echo $?)" "status $st"
expect "dev-full: says why" "$(grep -q 'cannot write the report: No space left on device' "$tmp/err"; echo $?)" \
    "$(cat "$tmp/err")"
"$bin" -s "$knot" --json 198.51.100.0/29 > /dev/full 2> "$tmp/err"
st=$?
expect "dev-full json: exit status 2, one line" \
    "$( [ "$st" -eq 2 ] && [ "$(wc -l < "$tmp/err")" -eq 1 ]; echo $?)" "status $st: $(cat "$tmp/err")"

# 3. signals: what was decided is printed, then 130 / 143
fakedns_slow_script "$tmp/slow.script"
fakedns_start "$fakedns" "$tmp/slow.script" "$tmp"
fake=$fakedns_addr
for sig in INT TERM; do
    want=$([ $sig = INT ] && echo 130 || echo 143)
    "$bin" -s "$fake" --timeout 10000 -c 1 192.0.2.10 192.0.2.11 192.0.2.12 > "$tmp/out" 2> "$tmp/err" &
    pid=$!
    for _ in $(seq $((50 * scale))); do grep -q "pass" "$tmp/out" 2>/dev/null && break; sleep 0.1; done
    kill -s $sig $pid
    wait $pid
    st=$?
    expect "sig$sig: exit status $want" "$( [ "$st" -eq "$want" ]; echo $?)" "status $st"
    expect "sig$sig: the decided result and a summary are printed" \
        "$(grep -q '192.0.2.10' "$tmp/out" && grep -q '^1 checked: 1 pass' "$tmp/out"; echo $?)" "$(cat "$tmp/out")"
    expect "sig$sig: says it was stopped" "$(grep -q "stopped by SIG$sig" "$tmp/err"; echo $?)" "$(cat "$tmp/err")"
done

# 4. lazy input: a FIFO written slowly is checked while still open
mkfifo "$tmp/fifo"
"$bin" -s "$knot" --json -f "$tmp/fifo" > "$tmp/fifo.out" 2>&1 &
pid=$!
exec 3> "$tmp/fifo"
echo 192.0.2.10 >&3
seen=1
for _ in $(seq $((50 * scale))); do grep -q '"ip":"192.0.2.10"' "$tmp/fifo.out" && { seen=0; break; }; sleep 0.1; done
expect "fifo: first result printed while the writer is still open" "$seen"
echo 192.0.2.30 >&3
exec 3>&-
wait $pid
st=$?
expect "fifo: both results, status 0 (pass and warn)" \
    "$( [ "$st" -eq 0 ] && [ "$(grep -c '"verdict"' "$tmp/fifo.out")" -eq 2 ]; echo $?)" "status $st: $(cat "$tmp/fifo.out")"

# 5. a moderate bulk run against Knot: 4,096 addresses, verdicts counted,
#    with only 64 file descriptors allowed
counts() {
    awk '/"verdict":"pass"/ {p++} /"code":"no-ptr"/ {n++} /"code":"ptr-mismatch"/ {m++}
         /"code":"ptr-no-address"/ {a++} /"verdict":"tempfail"/ {t++}
         END {printf "%d %d %d %d %d %d", NR, p, n, m, a, t}' "$1"
}
(ulimit -n 64 && exec "$bin" -s "$knot" --json -c 2000 2001:db8:b::/116) > "$tmp/bulk.out" 2> "$tmp/err"
st=$?
got=$(counts "$tmp/bulk.out")
expect "bulk 4096, ulimit -n 64: status 1 and every verdict right" \
    "$( [ "$st" -eq 1 ] && [ "$got" = "4096 2560 512 512 512 0" ]; echo $?)" \
    "status $st; lines pass no-ptr mismatch no-address tempfail: $got; $(head -3 "$tmp/err")"
"$bin" -s "$knot" --json --unordered -c 300 2001:db8:b::/116 > "$tmp/bulk2.out" 2>&1
got=$(counts "$tmp/bulk2.out")
expect "bulk 4096 --unordered: every verdict right" "$( [ "$got" = "4096 2560 512 512 512 0" ]; echo $?)" "$got"
"$bin" -s "$knot" --json 2001:db8:b::/116 > "$tmp/bulk3.out" 2>&1
for i in $(seq 0 4095); do
    if [ "$i" -eq 0 ]; then echo "2001:db8:b::"; else printf '2001:db8:b::%x\n' "$i"; fi
done > "$tmp/order.want"
grep -o '"ip":"[^"]*"' "$tmp/bulk3.out" | cut -d'"' -f4 > "$tmp/order.got"
expect "bulk 4096: output in input order" "$(cmp -s "$tmp/order.want" "$tmp/order.got"; echo $?)" \
    "$(diff "$tmp/order.want" "$tmp/order.got" | head -5)"

# 6. --rate: 40 addresses x 2 queries at 50/s cannot take less than ~1.5 s
start=$(date +%s%N)
"$bin" -s "$knot" --rate 50 --json 2001:db8:b::10/124 2001:db8:b::40/124 2001:db8:b::80/125 > "$tmp/rate.out" 2>&1
ms=$(( ($(date +%s%N) - start) / 1000000 ))
expect "rate 50/s: 40 checks took at least 1400 ms (took $ms ms)" "$( [ "$ms" -ge 1400 ]; echo $?)"

# 7. hostile FILE bytes: CRLF accepted; NUL, invalid UTF-8 and a 1 MB line
#    are errors with their line numbers, and the lines after them are checked
printf '192.0.2.10\r\n192.0.2.11\r\n' > "$tmp/crlf.txt"
"$bin" -s "$knot" --json -f "$tmp/crlf.txt" > "$tmp/out" 2> "$tmp/err"
st=$?
expect "crlf file: both checked, status 0" \
    "$( [ "$st" -eq 0 ] && [ "$(grep -c '"verdict":"pass"' "$tmp/out")" -eq 2 ]; echo $?)" "status $st"
{ printf '192.0.2.10\n19\0002.0.2.11\nmail\377\376.example.test\n'
  head -c 1048576 /dev/zero | tr '\0' 'a'; printf '\n192.0.2.11\n'; } > "$tmp/hostile.txt"
"$bin" -s "$knot" --json -f "$tmp/hostile.txt" > "$tmp/out" 2> "$tmp/err"
st=$?
expect "hostile file: status 2" "$( [ "$st" -eq 2 ]; echo $?)" "status $st"
expect "hostile file: NUL line 2 reported" "$(grep -q 'hostile.txt:2: .19\\0002.0.2.11.: target contains a NUL byte' "$tmp/err"; echo $?)" "$(cat "$tmp/err")"
expect "hostile file: invalid UTF-8 line 3 escaped" "$(grep -q 'hostile.txt:3: .mail\\255\\254.example.test.' "$tmp/err"; echo $?)" "$(cat "$tmp/err")"
expect "hostile file: 1 MB line 4 reported once" \
    "$( [ "$(grep -c 'hostile.txt:4: .*longer than 4096 bytes' "$tmp/err")" -eq 1 ]; echo $?)" "$(cat "$tmp/err")"
expect "hostile file: exactly three error lines on stderr" "$( [ "$(wc -l < "$tmp/err")" -eq 3 ]; echo $?)" "$(cat "$tmp/err")"
expect "hostile file: lines 1 and 5 checked" \
    "$( [ "$(grep -c '"verdict":"pass"' "$tmp/out")" -eq 2 ] && grep -q '"ip":"192.0.2.11"' "$tmp/out"; echo $?)" "$(cat "$tmp/out")"
expect "hostile file: stdout is printable ASCII" "$(LC_ALL=C grep -q '[^[:print:]]' "$tmp/out"; [ $? -eq 1 ]; echo $?)"
expect "hostile file and bulk 4096: every record valid against the JSON schema" \
    "$(json_valid "$tmp/out" "$tmp/bulk.out" >"$tmp/schema.err"; echo $?)" "$(cat "$tmp/schema.err")"

# 8. progress: on a terminal (script(1) gives a pty) for a long run, cleared at
#    the end; never when stderr is not a terminal, never with --quiet
if need script "progress on a terminal (script(1), Debian: bsdutils)"; then
    script -qec "$bin -s $knot 2001:db8:b::/116 > /dev/null" /dev/null > "$tmp/pty.out" 2>&1
    expect "progress: shown on a terminal (done/total, rate, counts)" \
        "$(grep -aq '/4096 .*pass [0-9]* *warn [0-9]* *fail' "$tmp/pty.out"; echo $?)" "$(tr '\r' '\n' < "$tmp/pty.out" | tail -3)"
    expect "progress: the line is cleared at the end" \
        "$(tail -c 200 "$tmp/pty.out" | grep -aq $'\r\033\[K'; echo $?)"
    script -qec "$bin -s $knot --no-progress 2001:db8:b::/116 > /dev/null" /dev/null > "$tmp/pty.out" 2>&1
    expect "progress: --no-progress suppresses it" "$(grep -aq '/4096' "$tmp/pty.out"; [ $? -eq 1 ]; echo $?)"
    script -qec "$bin -s $knot -q 2001:db8:b::/116" /dev/null > "$tmp/pty.out" 2>&1
    expect "progress: never with --quiet" "$( [ ! -s "$tmp/pty.out" ]; echo $?)" "$(head -c 300 "$tmp/pty.out")"
fi
"$bin" -s "$knot" --progress 2001:db8:b::/120 > /dev/null 2> "$tmp/err"
expect "progress: not when stderr is not a terminal, even with --progress" \
    "$(grep -q '/256' "$tmp/err"; [ $? -eq 1 ]; echo $?)" "$(head -c 300 "$tmp/err")"
expect "summary: per-code counts on stderr" "$(grep -q '^problems: [0-9]* no-ptr' "$tmp/err"; echo $?)" "$(cat "$tmp/err")"

# 9. CI reports: --junit beside the normal output, parsed back; --format github
"$bin" -s "$knot" --json --junit "$tmp/r.xml" 198.51.100.0/29 mail.example.test 203.0.113.5 > "$tmp/out" 2> "$tmp/err"
st=$?
expect "junit: normal output still written, status 1" \
    "$( [ "$st" -eq 1 ] && [ "$(grep -c '"verdict"' "$tmp/out")" -eq 11 ]; echo $?)" "status $st"
if need xmllint "junit: the report parsed back (Debian: libxml2-utils)"; then
    expect "junit: well-formed XML" "$(xmllint --noout "$tmp/r.xml" 2>&1; echo $?)"
    expect "junit: totals" "$(xmllint --xpath 'string(/testsuites/@tests)' "$tmp/r.xml" | grep -qx 11; echo $?)"
    expect "junit: one suite per input" "$(xmllint --xpath 'count(//testsuite)' "$tmp/r.xml" | grep -qx 3; echo $?)"
    expect "junit: failures and errors" \
        "$(xmllint --xpath 'concat(/testsuites/@failures, " ", /testsuites/@errors)' "$tmp/r.xml" | grep -qx '4 1'; echo $?)"
    expect "junit: failure carries its code" \
        "$(xmllint --xpath 'string(//testcase[@name="198.51.100.3 (no PTR)"]/failure/@type)' "$tmp/r.xml" | grep -qx no-ptr; echo $?)"
fi
"$bin" -s "$knot" --junit "$tmp" 192.0.2.10 > "$tmp/out" 2> "$tmp/err"
st=$?
expect "junit: an unwritable path is a usage error before any lookup" \
    "$( [ "$st" -eq 2 ] && [ ! -s "$tmp/out" ] && grep -q "cannot write $tmp" "$tmp/err"; echo $?)" "status $st: $(cat "$tmp/err")"
"$bin" -s "$knot" --junit /dev/full 192.0.2.10 > "$tmp/out" 2> "$tmp/err"
st=$?
expect "junit: a full disk is reported, status 2" \
    "$( [ "$st" -eq 2 ] && grep -q "cannot write the JUnit report /dev/full" "$tmp/err"; echo $?)" "status $st: $(cat "$tmp/err")"
"$bin" -s "$knot" --format github 192.0.2.10 192.0.2.30 192.0.2.49 > "$tmp/out" 2>&1
st=$?
expect "github: one command per problem address plus a notice" \
    "$( [ "$st" -eq 1 ] && [ "$(wc -l < "$tmp/out")" -eq 3 ] && grep -q '^::warning title=rdnscheck ptr-cname::192.0.2.30: ' "$tmp/out" \
        && grep -q '^::error title=rdnscheck no-ptr::192.0.2.49: ' "$tmp/out" && grep -q '^::notice title=rdnscheck::3 checked: 1 pass, 1 warn, 1 fail$' "$tmp/out"; echo $?)" \
    "status $st: $(cat "$tmp/out")"

# 10. SMTP probe faults: tests/fakesmtp on 127.0.0.4 (PTR smtp4.example.test)
sport=
smtp_start() { # mode [args...]: a fresh fakesmtp; its port in $sport
    local mode=$1
    shift
    rm -f "$tmp/sport"
    "$fakesmtp" -a 127.0.0.4 -m "$mode" -n smtp4.example.test -P "$tmp/sport" "$@" \
        > /dev/null 2>&1 < /dev/null &
    smtp_pids+=($!)
    for _ in $(seq 50); do [ -s "$tmp/sport" ] && break; sleep 0.1; done
    sport=$(cat "$tmp/sport")
}
smtp_case() { # name, mode, expected exit, pattern in stdout, [max ms], [fakesmtp args]
    local name=$1 mode=$2 want=$3 pat=$4 max=${5:-0}
    shift 5
    smtp_start "$mode" "$@"
    local start ms st
    start=$(date +%s%N)
    "$bin" -s "$knot" --json --smtp="$sport" --smtp-timeout 700 127.0.0.4 > "$tmp/smtp.out" 2>&1
    st=$?
    ms=$(( ($(date +%s%N) - start) / 1000000 ))
    expect "smtp $name: exit $want, $pat" \
        "$( [ "$st" -eq "$want" ] && grep -qF -- "$pat" "$tmp/smtp.out"; echo $?)" "status $st: $(cat "$tmp/smtp.out")"
    if [ "$max" -gt 0 ]; then
        expect "smtp $name: ends within $max ms (took $ms ms)" "$( [ "$ms" -le $((max * scale)) ]; echo $?)"
    fi
}
if [ -z "$fakesmtp" ] || [ ! -x "$fakesmtp" ]; then
    missing "the fakesmtp binary (third argument)" "smtp probe faults"
else
    smtp_case ok ok 0 '"greeting":"220 smtp4.example.test ESMTP fakesmtp","greeting_host":"smtp4.example.test","ehlo_code":250' 0
    smtp_case multiline multiline 0 '"result":"pass","greeting":"220 smtp4.example.test ESMTP first line"' 0
    smtp_case slow-greeting slow 3 '"code":"smtp-timeout"' 2500 -d 5000
    smtp_case silent silent 3 '"code":"smtp-timeout"' 2500
    smtp_case refuse554 refuse554 3 '"code":"smtp-refused"' 0
    smtp_case refuse421 refuse421 3 '"greeting":"421 4.3.2 smtp4.example.test service not available"' 0
    smtp_case close-mid close-mid 3 '"code":"smtp-bad-greeting"' 0
    smtp_case garbage garbage 3 '"code":"smtp-bad-greeting"' 0
    smtp_case huge huge 3 'not an SMTP reply' 0
    smtp_case binary binary 0 '"greeting":"220 smtp4.example.test \\027[31mred\\000nul\\255"' 0
    smtp_case noname noname 1 'does not start with a host name' 0
    smtp_start binary
    LC_ALL=C "$bin" -s "$knot" --smtp="$sport" 127.0.0.4 > "$tmp/smtp.txt" 2>&1
    expect "smtp binary: no raw control byte reaches the terminal" \
        "$(LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f-\xff]' "$tmp/smtp.txt"; [ $? -eq 1 ]; echo $?)"
fi

# 11. --max-expand at its largest: a /8 (and an IPv6 /104), exactly 2^24
#     addresses, is accepted and expanded lazily - the first result comes at
#     once; one address more is refused before any lookup
cat > "$tmp/nx.script" <<'SCRIPT'
match * * rcode=NXDOMAIN
SCRIPT
fakedns_start "$fakedns" "$tmp/nx.script" "$tmp"
nx=$fakedns_addr
nx_pid=$fakedns_pid
for block in 10.0.0.0/8 2001:db8::/104; do
    first=${block%/*}
    timeout $((30 * scale)) "$bin" -s "$nx" --json --max-expand 16777216 "$block" 2> "$tmp/err" | head -n 1 > "$tmp/out"
    st=${PIPESTATUS[0]}
    expect "max-expand 16777216 $block: accepted, first address checked, stopped by SIGPIPE (141)" \
        "$( [ "$st" -eq 141 ] && grep -q "\"ip\":\"$first\",\"verdict\":\"fail\"" "$tmp/out" && [ ! -s "$tmp/err" ]; echo $?)" \
        "status $st: $(head -c 300 "$tmp/out") $(head -c 300 "$tmp/err")"
done
"$bin" -s "$nx" --json --max-expand 16777215 10.0.0.0/8 > "$tmp/out" 2> "$tmp/err"
st=$?
expect "max-expand 16777215: a /8 is refused, status 2, one line" \
    "$( [ "$st" -eq 2 ] && [ ! -s "$tmp/out" ] && [ "$(wc -l < "$tmp/err")" -eq 1 ] &&
        grep -q "block has 16777216 addresses, more than --max-expand 16777215" "$tmp/err"; echo $?)" \
    "status $st: $(cat "$tmp/err")"
kill "$nx_pid" 2>/dev/null
wait "$nx_pid" 2>/dev/null

echo "$passes passed, $fails failed, $skips skipped"
[ "$fails" -eq 0 ]
