#!/usr/bin/env bash
# --shard I/N against a real Knot: for N = 1, 2, 4 and 7, the JSON records of
# the N shards, put together and sorted, are exactly those of one whole run
# (time and elapsed_ms aside), and no record appears in two shards. The input mixes
# --mx domains, command-line addresses, CIDR blocks, host names and bad
# targets with a FILE of the same kinds. Also: a bad I/N is one clear line
# on stderr and exit status 2, before anything is looked up.
# Usage: test_shard.sh RDNSCHECK   (RDC_KNOT=127.0.0.1:53535)
set -uo pipefail
bin=$1
knot=${RDC_KNOT:-127.0.0.1:${RDC_KNOT_PORT:-53535}}
tmp=$(mktemp -d /tmp/rdc-shard.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
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

cat >"$tmp/in.txt" <<'EOF'
# addresses, blocks, host names and bad lines, as a list of senders might hold
192.0.2.21
2001:db8:1::/126
mail.example.test
not..a..target
198.51.100.16/29
192.0.2.46
192.0.2.199
v4only.example.test
010.0.0.1
2001:db8::28
EOF
args=(-s "$knot" --timeout 1000 --json --mx mx-normal.mail.test --spf spf-nested.mail.test
    192.0.2.10 198.51.100.0/29 mail2.example.test 192.0.2.49 -f "$tmp/in.txt")

# One record per line without time and elapsed_ms (they differ between runs).
records() { sed -E 's/"time":"[^"]*",//; s/"elapsed_ms":[0-9]+,?//' | sort; }

"$bin" "${args[@]}" >"$tmp/whole.json" 2>"$tmp/whole.err"
whole_st=$?
records <"$tmp/whole.json" >"$tmp/whole.sorted"
n_whole=$(wc -l <"$tmp/whole.sorted")
if [ "$whole_st" -eq 2 ] && [ "$n_whole" -ge 40 ]; then
    ok "whole run: $n_whole records, exit 2 (bad lines)"
else
    bad "whole run: $n_whole records, exit $whole_st" "$(cat "$tmp/whole.err")"
fi

for n in 1 2 4 7; do
    : >"$tmp/union.json"
    stats=
    for ((i = 1; i <= n; i++)); do
        "$bin" "${args[@]}" --shard "$i/$n" >"$tmp/part.json" 2>>"$tmp/part.err"
        stats="$stats $?"
        cat "$tmp/part.json" >>"$tmp/union.json"
    done
    if json_valid "$tmp/union.json"; then
        ok "$n shards: every record valid against the JSON schema"
    else
        bad "$n shards: records the JSON schema rejects"
    fi
    records <"$tmp/union.json" >"$tmp/union.sorted"
    if cmp -s "$tmp/whole.sorted" "$tmp/union.sorted"; then
        ok "$n shards: the union is the whole run, record for record (exit statuses:$stats)"
    else
        bad "$n shards: the union differs from the whole run" \
            "$(diff "$tmp/whole.sorted" "$tmp/union.sorted" | head -20)"
    fi
    dups=$(sort "$tmp/union.sorted" | uniq -d | wc -l)
    wdups=$(uniq -d "$tmp/whole.sorted" | wc -l)
    if [ "$dups" -eq "$wdups" ]; then
        ok "$n shards: no record in two shards"
    else
        bad "$n shards: $dups duplicated records (the whole run has $wdups)"
    fi
done

# Shards are balanced by position: a /24 in 4 shards is 64 addresses each.
for i in 1 2 3 4; do
    got=$("$bin" -s "$knot" --json --shard "$i/4" 198.51.100.0/24 2>/dev/null | wc -l)
    if [ "$got" -eq 64 ]; then
        ok "198.51.100.0/24 shard $i/4: 64 addresses"
    else
        bad "198.51.100.0/24 shard $i/4: $got addresses, expected 64"
    fi
done
first=$("$bin" -s "$knot" --json --shard 3/4 198.51.100.0/24 2>/dev/null | head -n 2 |
    grep -oE '"ip":"[^"]*"' | tr '\n' ' ')
if [ "$first" = '"ip":"198.51.100.2" "ip":"198.51.100.6" ' ]; then
    ok "shard 3/4 starts with the third address, then every fourth"
else
    bad "shard 3/4 starts with: $first"
fi

# Bad values: usage error, one line, nothing looked up (a dead server would
# make a lookup slow: the run must end at once).
for v in 0/4 5/4 4 /4 1/ 1/0 -1/4 +1/4 1/1000001 "1/4 " 1/4/2 x/y 99999999999999999999/1; do
    out=$("$bin" -s 127.0.0.1:9 --timeout 5000 --shard "$v" 192.0.2.10 2>"$tmp/err")
    st=$?
    if [ "$st" -eq 2 ] && [ -z "$out" ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
        grep -q -- "--shard needs I/N" "$tmp/err"; then
        ok "--shard '$v': exit 2, one line on stderr"
    else
        bad "--shard '$v': exit $st" "$(cat "$tmp/err")"
    fi
done
out=$("$bin" -s "$knot" --shard 1000000/1000000 192.0.2.10 2>&1)
st=$?
if [ "$st" -eq 0 ] && [ -z "$out" ]; then
    ok "--shard 1000000/1000000 of one target: nothing to check, exit 0"
else
    bad "--shard 1000000/1000000: exit $st" "$out"
fi

echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
