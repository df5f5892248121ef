#!/usr/bin/env bash
# --format prometheus and --format nagios where the case runner cannot
# reach: the exposition of a mixed run (pass, warn, fail, tempfail, a --mx
# domain, a target twice, hostile bad lines) and of every --label and
# --shard variant validated by promtool (Debian: prometheus; scripts/test.sh
# unpacks it), the textfile collector recipe taken from the README, --output
# replacing its file atomically (kept as it was when a run is stopped or
# cannot write), and a Nagios check stopped by SIGTERM or unable to write.
# Usage: test_monitoring.sh RDNSCHECK FAKEDNS   (RDC_KNOT=127.0.0.1:53535)
# Without promtool (RDC_PROMTOOL, else promtool on PATH) the promtool checks
# are a SKIP; with CI=true a failure.
set -uo pipefail
# shellcheck source=tests/common/fakedns.sh
. "$(dirname "${BASH_SOURCE[0]}")/../common/fakedns.sh"
# shellcheck source=tests/common/readme.sh
. "$(dirname "${BASH_SOURCE[0]}")/../common/readme.sh"
readme=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/README.md
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
fakedns=$2
knot=${RDC_KNOT:-127.0.0.1:${RDC_KNOT_PORT:-53535}}
tmp=$(mktemp -d /tmp/rdc-monitoring.XXXXXX)
cleanup() {
    fakedns_stop_all
    rm -rf "$tmp"
}
trap cleanup EXIT
export LC_ALL=C
passes=0
fails=0
skips=0
case ${CI:-} in 1 | [Tt]rue | TRUE | yes) ci=1 ;; *) ci=0 ;; esac
ok() { passes=$((passes + 1)); echo "ok   $1"; }
bad() { fails=$((fails + 1)); echo "FAIL $1"; [ -n "${2:-}" ] && sed 's/^/     /' <<<"$2"; }
expect() { if [ "$2" -eq 0 ]; then ok "$1"; else bad "$1" "${3:-}"; fi; }

command -v kdig >/dev/null 2>&1 ||
    { echo "FATAL: kdig (Debian: knot-dnsutils) is missing; it checks that Knot answers"; exit 1; }
kdig @"${knot%:*}" -p "${knot##*:}" +short +timeout=2 10.2.0.192.in-addr.arpa PTR >/dev/null 2>&1 ||
    { echo "FATAL: Knot is not answering on $knot (start scripts/servers.sh)"; exit 1; }

promtool=${RDC_PROMTOOL:-promtool} # scripts/test.sh unpacks one when none is installed
promtool_check() { # name, file: promtool check metrics must be silent and succeed
    if ! command -v "$promtool" >/dev/null 2>&1; then
        if [ "$ci" -eq 1 ]; then
            bad "$1: promtool is missing (CI=true; Debian package prometheus)"
        else
            skips=$((skips + 1))
            echo "SKIP $1: promtool is missing (Debian package prometheus)"
        fi
        return
    fi
    local out st
    out=$("$promtool" check metrics <"$2" 2>&1)
    st=$?
    expect "$1: promtool check metrics passes, no lint" "$([ "$st" -eq 0 ] && [ -z "$out" ]; echo $?)" \
        "status $st: $out"
}

# 1. a mixed run, hostile input included
printf '%s\n' 192.0.2.30 'bad"quote' 'back\slash' "$(printf 'ctl\001byte')" 192.0.2.10 >"$tmp/list.txt"
"$bin" -s "$knot" --timeout 1000 --format prometheus --mx mx-normal.mail.test \
    192.0.2.10 192.0.2.49 192.0.2.46 -f "$tmp/list.txt" >"$tmp/m.prom" 2>"$tmp/err"
st=$?
expect "mixed: exit status 2 as without the format (bad lines)" "$([ "$st" -eq 2 ]; echo $?)" \
    "status $st: $(cat "$tmp/err")"
promtool_check "mixed" "$tmp/m.prom"
for line in \
    'rdnscheck_verdict{ip="192.0.2.10",verdict="pass"} 1' \
    'rdnscheck_verdict{ip="192.0.2.49",verdict="fail"} 1' \
    'rdnscheck_verdict{ip="192.0.2.46",verdict="tempfail"} 1' \
    'rdnscheck_verdict{ip="192.0.2.30",verdict="warn"} 1' \
    'rdnscheck_verdict{input="bad\"quote",verdict="error"} 1' \
    'rdnscheck_verdict{input="back\\\\slash",verdict="error"} 1' \
    'rdnscheck_verdict{input="ctl\\001byte",verdict="error"} 1' \
    'rdnscheck_domain_verdict{domain="mx-normal.mail.test",mode="mx",verdict="pass"} 1' \
    'rdnscheck_results{verdict="pass"} 5' \
    'rdnscheck_results{verdict="error"} 3' \
    'rdnscheck_problems{code="no-ptr"} 1' \
    'rdnscheck_problems{code="dns-refused"} 1' \
    'rdnscheck_problems{code="spf-none"} 0'; do
    expect "mixed: has $line" "$(grep -qxF -- "$line" "$tmp/m.prom"; echo $?)"
done
expect "mixed: 192.0.2.10 given twice (and through the MX) is one series" \
    "$([ "$(grep -c 'ip="192.0.2.10"' "$tmp/m.prom")" -eq 1 ]; echo $?)"
expect "mixed: every problem code, once each" \
    "$([ "$(grep -c '^rdnscheck_problems{' "$tmp/m.prom")" -ge 50 ] &&
        [ -z "$(grep '^rdnscheck_problems{' "$tmp/m.prom" | cut -d' ' -f1 | sort | uniq -d)" ]; echo $?)"
expect "mixed: no raw control byte" "$(! LC_ALL=C grep -q '[[:cntrl:]]' <(tr -d '\n' <"$tmp/m.prom"); echo $?)"
now=$(date +%s)
ts=$(sed -n 's/^rdnscheck_last_run_timestamp_seconds \([0-9.]*\)$/\1/p' "$tmp/m.prom")
expect "mixed: the timestamp is now ($ts)" \
    "$(awk -v t="$ts" -v n="$now" 'BEGIN {exit !(t != "" && t > n - 60 && t < n + 60)}'; echo $?)"
expect "mixed: a duration in seconds" \
    "$(grep -qE '^rdnscheck_run_duration_seconds [0-9]+\.[0-9]{3}$' "$tmp/m.prom"; echo $?)"

# 2. the textfile collector recipe, as the README has it (its paths and
#    domain replaced by the test's): two jobs, two files in one directory,
#    told apart by --label; a bad line in the list still gives a file, with
#    every good line and the bad one counted
dir=$tmp/textfile
mkdir "$dir"
printf '%s\n' 192.0.2.10 192.0.2.49 'bad..line' 192.0.2.30 >"$tmp/senders.txt"
recipe=$(readme_block "$readme" 'tested: tests/integration/test_monitoring.sh')
expect "README: the textfile recipe uses --output and --label" \
    "$(grep -q -- '--output' <<<"$recipe" && grep -q -- '--label' <<<"$recipe"; echo $?)" "$recipe"
recipe=${recipe//\/var\/lib\/prometheus\/node-exporter/$dir}
recipe=${recipe//\/etc\/rdnscheck\/senders.txt/$tmp/senders.txt}
recipe=${recipe//example.com/mx-normal.mail.test}
echo 'stale' >"$dir/rdnscheck-senders.prom"
(
    rdnscheck() { "$bin" -s "$knot" "$@"; }
    eval "$recipe"
) 2>"$tmp/recipe.err"
expect "textfile recipe: the two files, nothing else (no temporary file left)" \
    "$(cd "$dir" && [ "$(ls -A | tr '\n' ' ')" = 'rdnscheck-mx.prom rdnscheck-senders.prom ' ]; echo $?)" \
    "$(ls -A "$dir"; cat "$tmp/recipe.err")"
promtool_check "textfile recipe, senders" "$dir/rdnscheck-senders.prom"
promtool_check "textfile recipe, mx" "$dir/rdnscheck-mx.prom"
expect "textfile recipe: the bad line replaced the old file all the same, every good line in it" \
    "$(grep -qxF 'rdnscheck_input_errors{list="senders"} 1' "$dir/rdnscheck-senders.prom" &&
        grep -qxF 'rdnscheck_results{verdict="error",list="senders"} 1' "$dir/rdnscheck-senders.prom" &&
        grep -qxF 'rdnscheck_verdict{ip="192.0.2.49",verdict="fail",list="senders"} 1' "$dir/rdnscheck-senders.prom" &&
        grep -qxF 'rdnscheck_verdict{input="bad..line",verdict="error",list="senders"} 1' "$dir/rdnscheck-senders.prom" &&
        [ "$(grep -c '^rdnscheck_verdict{' "$dir/rdnscheck-senders.prom")" -eq 4 ]; echo $?)" \
    "$(grep -v '^#' "$dir/rdnscheck-senders.prom" | head -n 12)"
dups=$(cat "$dir"/*.prom | grep -v '^#' | sed 's/ [^ ]*$//' | sort | uniq -d)
expect "textfile recipe: the two files hold no series in common (--label)" "$([ -z "$dups" ]; echo $?)" "$dups"
expect "textfile recipe: every sample labelled with its list" \
    "$([ -z "$(grep -v '^#' "$dir/rdnscheck-mx.prom" | grep -v 'list="mx"')" ] &&
        [ -z "$(grep -v '^#' "$dir/rdnscheck-senders.prom" | grep -v 'list="senders"')" ]; echo $?)"
expect "textfile recipe: the file is readable like any new file (0666 less the umask)" \
    "$([ "$(stat -c %a "$dir/rdnscheck-mx.prom")" = "$(printf '%o' $((0666 & ~$(umask))))" ]; echo $?)" \
    "$(stat -c %a "$dir/rdnscheck-mx.prom")"
"$bin" -s "$knot" --format prometheus --label list=senders -f "$tmp/senders.txt" --output "$dir/x.prom" \
    >/dev/null 2>&1
st=$?
expect "--output: the exit status is that of any format (2: a bad line)" "$([ "$st" -eq 2 ]; echo $?)" "status $st"

# 2b. --output keeps the old file when the run cannot write its new one
#     (a file size limit: EFBIG) or is stopped, and says so
cp "$dir/rdnscheck-mx.prom" "$tmp/old.prom"
(
    trap '' XFSZ
    ulimit -f 1
    exec "$bin" -s "$knot" --format prometheus --mx mx-normal.mail.test --output "$dir/rdnscheck-mx.prom"
) >"$tmp/out" 2>"$tmp/err"
st=$?
expect "--output, write error: exit status 2, the old file as it was, no temporary file" \
    "$([ "$st" -eq 2 ] && cmp -s "$tmp/old.prom" "$dir/rdnscheck-mx.prom" &&
        [ "$(ls -A "$dir" | wc -l)" -eq 3 ] &&
        grep -q "cannot write $dir/rdnscheck-mx.prom: File too large; $dir/rdnscheck-mx.prom is left as it was" \
            "$tmp/err"; echo $?)" "status $st: $(cat "$tmp/err"; ls -A "$dir")"
"$bin" -s "$knot" --format prometheus 192.0.2.10 --output "$tmp/nodir/x.prom" >"$tmp/out" 2>"$tmp/err"
st=$?
expect "--output, no such directory: a usage error before any lookup" \
    "$([ "$st" -eq 2 ] && [ ! -s "$tmp/out" ] && grep -q "cannot write $tmp/nodir/x.prom" "$tmp/err"; echo $?)" \
    "status $st: $(cat "$tmp/err")"
for l in 1x=a __x=a ip=a 'a=' 'a.b=c' 'list=a' ; do
    "$bin" -s "$knot" --format prometheus --label list=b --label "$l" 192.0.2.10 \
        --output "$tmp/never.prom" >"$tmp/out" 2>"$tmp/err"
    st=$?
    expect "--label '$l': a usage error, no file" \
        "$([ "$st" -eq 2 ] && [ ! -e "$tmp/never.prom" ] && grep -q "bad --label '$l'" "$tmp/err"; echo $?)" \
        "status $st: $(cat "$tmp/err")"
done
"$bin" -s "$knot" --label list=b 192.0.2.10 >"$tmp/out" 2>"$tmp/err"
st=$?
expect "--label without --format prometheus: a usage error" \
    "$([ "$st" -eq 2 ] && grep -q 'needs --format prometheus' "$tmp/err"; echo $?)" "status $st"

# 2c. every label variant through promtool: escaped values (quote,
#     backslash, line feed, UTF-8), several labels, with --shard
"$bin" -s "$knot" --format prometheus --label 'site=a"b\c' --label "note=two"$'\n'"lines" \
    --label 'city=Zürich' --label _x=1 192.0.2.10 192.0.2.49 -f "$tmp/senders.txt" >"$tmp/l.prom" 2>/dev/null
promtool_check "labels with escapes" "$tmp/l.prom"
expect "labels: escaped as the format says" \
    "$(grep -qF 'rdnscheck_input_errors{site="a\"b\\c",note="two\nlines",city="Zürich",_x="1"} 1' "$tmp/l.prom"; echo $?)" \
    "$(grep input_errors "$tmp/l.prom")"
"$bin" -s "$knot" --format prometheus --shard 1/2 --label list=a 198.51.100.0/29 >"$tmp/ls.prom" 2>/dev/null
promtool_check "labels with --shard" "$tmp/ls.prom"
expect "labels with --shard: both on every sample" \
    "$([ -z "$(grep -v '^#' "$tmp/ls.prom" | grep -v 'shard="1/2",list="a"')" ]; echo $?)"

# 3. nothing to check is still a valid exposition, with zero counts
: >"$tmp/empty.txt"
"$bin" -s "$knot" --format prometheus -f "$tmp/empty.txt" >"$tmp/e.prom" 2>&1
st=$?
expect "empty: exit 0" "$([ "$st" -eq 0 ]; echo $?)" "status $st"
promtool_check "empty" "$tmp/e.prom"
expect "empty: zero results" "$(grep -qxF 'rdnscheck_results{verdict="pass"} 0' "$tmp/e.prom"; echo $?)"

# 4. Nagios: stopped by SIGTERM (a check killed by its scheduler) is UNKNOWN
#    with what was decided; an output error is UNKNOWN too (never 2, 141)
fakedns_slow_script "$tmp/slow.script"
fakedns_start "$fakedns" "$tmp/slow.script" "$tmp"
fake=$fakedns_addr
"$bin" -s "$fake" --timeout 10000 -c 1 --format nagios 192.0.2.10 192.0.2.11 \
    >"$tmp/out" 2>"$tmp/err" &
pid=$!
sleep 1
kill -s TERM $pid
wait $pid
st=$?
expect "nagios SIGTERM: exit status 3 (UNKNOWN)" "$([ "$st" -eq 3 ]; echo $?)" "status $st"
expect "nagios SIGTERM: status line says so, with the pass decided" \
    "$(grep -qE "^RDNS UNKNOWN - stopped by SIGTERM; 1 of 1 pass \| 'pass'=1;" "$tmp/out"; echo $?)" \
    "$(cat "$tmp/out")"
echo 'old' >"$tmp/keep.prom"
"$bin" -s "$fake" --timeout 10000 -c 1 --format prometheus --output "$tmp/keep.prom" 192.0.2.10 \
    192.0.2.11 >"$tmp/out" 2>"$tmp/err" &
pid=$!
sleep 1
kill -s TERM $pid
wait $pid
st=$?
expect "--output, stopped by SIGTERM: exit 143, the old file as it was, no temporary file" \
    "$([ "$st" -eq 143 ] && [ "$(cat "$tmp/keep.prom")" = old ] && [ -z "$(ls -A "$tmp" | grep '^\.keep')" ] &&
        grep -q "keep.prom is left as it was: the run did not complete" "$tmp/err"; echo $?)" \
    "status $st: $(cat "$tmp/err")"
"$bin" -s "$knot" --format nagios 192.0.2.10 >/dev/full 2>"$tmp/err"
st=$?
expect "nagios /dev/full: exit status 3" "$([ "$st" -eq 3 ]; echo $?)" "status $st: $(cat "$tmp/err")"
"$bin" -s "$knot" --format prometheus 192.0.2.10 >/dev/full 2>"$tmp/err"
st=$?
expect "prometheus /dev/full: exit status 2, says why" \
    "$([ "$st" -eq 2 ] && grep -q 'cannot write the report' "$tmp/err"; echo $?)" "status $st"

# 5. Nagios perfdata syntax: 'label'=value[UOM];[warn];[crit];[min];[max]
"$bin" -s "$knot" --format nagios 192.0.2.10 192.0.2.30 192.0.2.49 192.0.2.46 >"$tmp/n.out"
perf=$(head -n 1 "$tmp/n.out" | sed 's/^[^|]*| //')
bad_items=$(tr ' ' '\n' <<<"$perf" |
    grep -vE "^([A-Za-z0-9_.-]+|'([^'=]|'')+')=-?[0-9]+(\.[0-9]+)?(s|ms|us|%|B|KB|MB|TB|c)?(;[0-9.]*){0,4}$")
expect "nagios perfdata: every item well formed" "$([ -z "$bad_items" ] && [ -n "$perf" ]; echo $?)" \
    "$perf"
expect "nagios: one '|' in the whole output" "$([ "$(tr -cd '|' <"$tmp/n.out" | wc -c)" -eq 1 ]; echo $?)"

# 6. --shard: each shard's file is valid, and two shards' files in one
#    textfile directory share no series (every sample has shard="I/N")
for i in 1 2; do
    "$bin" -s "$knot" --format prometheus --shard "$i/2" 198.51.100.0/29 192.0.2.10 192.0.2.10 \
        >"$tmp/s$i.prom" 2>/dev/null
    promtool_check "shard $i/2" "$tmp/s$i.prom"
done
dups=$(cat "$tmp/s1.prom" "$tmp/s2.prom" | grep -v '^#' | sed 's/ [^ ]*$//' | sort | uniq -d)
expect "shards: no series in two shards' files" "$([ -z "$dups" ]; echo $?)" "$dups"
expect "shards: every sample labelled with its shard" \
    "$([ -z "$(grep -v '^#' "$tmp/s1.prom" | grep -v 'shard="1/2"')" ] &&
        grep -qxF 'rdnscheck_verdict{ip="198.51.100.1",verdict="pass",shard="2/2"} 1' \
            "$tmp/s2.prom"; echo $?)"

echo "$passes passed, $fails failed, $skips skipped"
[ "$fails" -eq 0 ]
