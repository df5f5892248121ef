#!/usr/bin/env bash
# The CI reports against Knot: --format github (at most 10 ::error and 10
# ::warning annotations, the worst first, a notice for the rest, file= and
# line= on bad lines of FILE, the job summary table in $GITHUB_STEP_SUMMARY
# rendered by cmark-gfm) and --junit (every report valid against
# junit.xsd, the schema of Jenkins' xunit plugin, with xmllint --schema;
# class names without an address's dots; unique suite and test case
# names); and the README's GitHub Actions, GitLab and Jenkins command lines,
# taken from the README itself.
# Usage: test_ci.sh RDNSCHECK   (RDC_KNOT=127.0.0.1:53535)
# RDC_JUNIT_XSD=FILE validates every JUnit report against FILE as well
# (such as the plugin's own junit-10.xsd). Without xmllint (Debian:
# libxml2-utils) or cmark-gfm (Debian: cmark-gfm) those checks are a SKIP;
# with CI=true a failure.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/common/readme.sh
. "$here/../common/readme.sh"
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
readme=$here/../../README.md
xsd=$here/junit.xsd
knot=${RDC_KNOT:-127.0.0.1:${RDC_KNOT_PORT:-53535}}
tmp=$(mktemp -d /tmp/rdc-ci.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
export LC_ALL=C
unset GITHUB_STEP_SUMMARY
passes=0
fails=0
skips=0
case ${CI:-} in 1 | [Tt]rue | TRUE | yes) ci=1 ;; *) ci=0 ;; esac
ok() { passes=$((passes + 1)); echo "ok   $1"; }
bad() { fails=$((fails + 1)); echo "FAIL $1"; [ -n "${2:-}" ] && sed 's/^/     /' <<<"$2" | head -n 40; }
expect() { if [ "$2" -eq 0 ]; then ok "$1"; else bad "$1" "${3:-}"; fi; }
need() { # tool, what needs it: true when it is there; else a SKIP (CI: a failure)
    command -v "$1" >/dev/null 2>&1 && return 0
    if [ "$ci" -eq 1 ]; then
        bad "$2: '$1' is missing (CI=true; scripts/test.sh installs it)"
    else
        skips=$((skips + 1))
        echo "SKIP $2: '$1' is missing"
    fi
    return 1
}

command -v kdig >/dev/null 2>&1 ||
    { echo "FATAL: kdig (Debian: knot-dnsutils) is missing; it checks that Knot answers"; exit 1; }
kdig @"${knot%:*}" -p "${knot##*:}" +short +timeout=2 10.2.0.192.in-addr.arpa PTR >/dev/null 2>&1 ||
    { echo "FATAL: Knot is not answering on $knot (start scripts/servers.sh)"; exit 1; }

rdc() { "$bin" -s "$knot" --timeout 1000 "$@"; }

# junit_valid NAME FILE: valid against junit.xsd (and RDC_JUNIT_XSD); class
# names without an address's dots; suite names unique; no test case name
# twice in a suite
junit_valid() {
    local name=$1 f=$2 out
    need xmllint "$name: the JUnit checks" || return
    out=$(xmllint --noout --schema "$xsd" "$f" 2>&1)
    expect "$name: valid against junit.xsd" $? "$out"
    if [ -n "${RDC_JUNIT_XSD:-}" ]; then
        out=$(xmllint --noout --schema "$RDC_JUNIT_XSD" "$f" 2>&1)
        expect "$name: valid against $RDC_JUNIT_XSD" $? "$out"
    fi
    local classes suites dups
    classes=$(xmllint --xpath '//testcase/@classname' "$f" 2>/dev/null | sed 's/^ *classname="\(.*\)"$/\1/' | sort -u)
    expect "$name: every class name is rdnscheck.fcrdns or rdnscheck.MODE.DOMAIN without dots" \
        "$([ -n "$classes" ] && ! grep -vxE 'rdnscheck\.(fcrdns|(mx|spf)\.[^.]+)' <<<"$classes"; echo $?)" "$classes"
    suites=$(xmllint --xpath '//testsuite/@name' "$f" 2>/dev/null | sed 's/^ *name="\(.*\)"$/\1/')
    dups=$(sort <<<"$suites" | uniq -d)
    expect "$name: suite names are unique" "$([ -n "$suites" ] && [ -z "$dups" ]; echo $?)" "$dups"
    local n i cases
    n=$(xmllint --xpath 'count(//testsuite)' "$f")
    dups=
    for ((i = 1; i <= n; i++)); do
        cases=$(xmllint --xpath "//testsuite[$i]/testcase/@name" "$f" 2>/dev/null | sort | uniq -d)
        [ -n "$cases" ] && dups+="suite $i: $cases"$'\n'
    done
    expect "$name: no test case name twice in a suite" "$([ -z "$dups" ]; echo $?)" "$dups"
}

# summary_rows FILE: the rows of the job summary's table (not its head)
summary_rows() { grep -cE '^\| (warn|fail|tempfail|error) \| ' "$1"; }

# 1. the README's GitHub Actions step, run as it is (the test zones'
#    domains for example.com), with a job summary
mkdir "$tmp/gh"
step=$(readme_block "$readme" 'test_ci.sh runs the run: line' | sed -n 's/^ *run: //p')
expect "README: the GitHub Actions step has a run: line with --format github" \
    "$(grep -q -- '--format github' <<<"$step"; echo $?)" "$step"
step=${step//--spf example.com/--spf spf-24.mail.test}
step=${step//--mx example.com/--mx mx-normal.mail.test}
: >"$tmp/gh/summary.md"
(
    cd "$tmp/gh" || exit 99
    rdnscheck() { rdc "$@"; }
    export GITHUB_STEP_SUMMARY=$tmp/gh/summary.md
    eval "$step" >out 2>err
)
st=$?
gh=$tmp/gh/out
expect "github step: exit status 1 (fails)" "$([ "$st" -eq 1 ]; echo $?)" "status $st: $(cat "$tmp/gh/err")"
expect "github step: 10 ::error lines, no ::warning (--strict)" \
    "$([ "$(grep -c '^::error ' "$gh")" -eq 10 ] && ! grep -q '^::warning ' "$gh"; echo $?)" "$(cut -c1-100 "$gh")"
expect "github step: the domain's line is the first error" \
    "$(head -n 1 "$gh" | grep -q '^::error title=rdnscheck spf::spf-24.mail.test (spf): 256 addresses'; echo $?)" \
    "$(head -n 1 "$gh")"
rdc --strict --json --spf spf-24.mail.test --mx mx-normal.mail.test >"$tmp/gh/all.json" 2>/dev/null
nonpass=$(grep -cE '"verdict":"(warn|fail|tempfail|error)"' "$tmp/gh/all.json")
expect "github step: a notice of the $((nonpass - 10)) errors not annotated, pointing at the job summary" \
    "$(grep -qxF "::notice title=rdnscheck::$((nonpass - 10)) more errors not annotated (GitHub shows 10 of each a step): every one is in the job summary" "$gh"; echo $?)" \
    "$(grep '^::notice' "$gh")"
expect "github step: the counts notice" \
    "$(grep -q '^::notice title=rdnscheck::259 checked: ' "$gh"; echo $?)" "$(grep '^::notice' "$gh")"
expect "github step: one summary row for each of the $nonpass results that did not pass" \
    "$([ "$(summary_rows "$tmp/gh/summary.md")" -eq "$nonpass" ]; echo $?)" "$(summary_rows "$tmp/gh/summary.md") rows"
expect "github step: the summary ends with the counts" \
    "$(grep -v '^$' "$tmp/gh/summary.md" | tail -n 1 | grep -q '^rdnscheck: 259 checked: '; echo $?)" \
    "$(tail -n 2 "$tmp/gh/summary.md")"
junit_valid "github step: rdnscheck.xml" "$tmp/gh/rdnscheck.xml"

# 2. worst first: a bad line (with file= and line=), then fails, then
#    tempfails; warnings after; the exit status is that of any other format
mkdir "$tmp/order"
printf '%s\n' 192.0.2.46 192.0.2.30 192.0.2.49 'not:an address' 192.0.2.10 >"$tmp/order/a,b:c.txt"
(cd "$tmp/order" && rdc --format github -f 'a,b:c.txt' >out 2>err)
st=$?
(cd "$tmp/order" && rdc --json -f 'a,b:c.txt' >/dev/null 2>&1)
st_json=$?
expect "order: exit status $st_json, as with --json" "$([ "$st" -eq "$st_json" ] && [ "$st" -eq 2 ]; echo $?)" "status $st"
want=$(printf '%s\n' '::error file=a%2Cb%3Ac.txt,line=4,title=rdnscheck invalid-target::line 4: not:an address: ' \
    '::error title=rdnscheck no-ptr::192.0.2.49: ' '::error title=rdnscheck dns-refused::192.0.2.46: ' \
    '::warning title=rdnscheck ptr-cname::192.0.2.30: ' '::notice title=rdnscheck::5 checked: 1 pass, 1 warn, 1 fail, 1 tempfail, 1 error')
got=$(cut -c1-"$(awk '{print length}' <<<"$want" | sort -n | tail -n 1)" "$tmp/order/out")
expect "order: bad line (file=, line=), fail, tempfail, then the warning and the notice" \
    "$(awk 'NR==FNR {w[FNR] = $0; n = FNR; next} index($0, w[FNR]) != 1 {bad = 1} END {exit bad || FNR != n}' \
        <(echo "$want") "$tmp/order/out"; echo $?)" "$(cat "$tmp/order/out")"
expect "order: no 'more' notice when nothing was left out" \
    "$(! grep -q 'not annotated' "$tmp/order/out"; echo $?)"
cat "$tmp/order/out" >/dev/null

# 3. the caps: 11 bad lines and a /26: 10 errors (the first 10 bad lines),
#    10 warnings at most, a notice of the rest; without a job summary the
#    notice says where else to look
{
    for i in $(seq 11); do echo "bad$i..line"; done
    echo 192.0.2.0/26
} >"$tmp/caps.txt"
rdc --format github -f "$tmp/caps.txt" >"$tmp/caps.out" 2>/dev/null
st=$?
expect "caps: exit status 2 (bad lines)" "$([ "$st" -eq 2 ]; echo $?)" "status $st"
expect "caps: exactly 10 ::error lines, all bad lines 1-10 in order" \
    "$([ "$(grep '^::error ' "$tmp/caps.out" | sed -n 's/.*,line=\([0-9]*\),.*/\1/p' | tr '\n' ' ')" = '1 2 3 4 5 6 7 8 9 10 ' ]; echo $?)" \
    "$(grep '^::error ' "$tmp/caps.out" | cut -c1-80)"
warns=$(grep -c '^::warning ' "$tmp/caps.out")
expect "caps: at most 10 ::warning lines ($warns)" "$([ "$warns" -le 10 ]; echo $?)"
rdc --json 192.0.2.0/26 >"$tmp/caps.json" 2>/dev/null
e=$(($(grep -cE '"verdict":"(fail|tempfail)"' "$tmp/caps.json") + 11 - 10))
expect "caps: a notice of the $e errors left out, and where to find them" \
    "$(grep -q "^::notice title=rdnscheck::$e more errors not annotated (GitHub shows 10 of each a step): --json or --junit FILE lists every one" "$tmp/caps.out"; echo $?)" \
    "$(grep '^::notice' "$tmp/caps.out")"
expect "caps: every line is a workflow command" \
    "$(! grep -qv '^::\(error\|warning\|notice\) ' "$tmp/caps.out"; echo $?)"

# 4. the job summary with hostile input: names from DNS (192.0.2.52's PTR
#    bad_name!.example.test) and bad lines that try to break the table,
#    bring in HTML, links and mentions; rendered with GitHub's cmark-gfm
mkdir "$tmp/md"
cat >"$tmp/md/list.txt" <<'EOF'
192.0.2.52
a|b|c
<script>alert(1)</script>
`code` *em* _em_ ~~del~~ $x$
[link](https://example.test) www.example.test @someone
&amp; &#60;b&#62;
192.0.2.49
EOF
GITHUB_STEP_SUMMARY=$tmp/md/summary.md rdc --format github -f "$tmp/md/list.txt" >"$tmp/md/out" 2>/dev/null
expect "summary: 7 rows" "$([ "$(summary_rows "$tmp/md/summary.md")" -eq 7 ]; echo $?)" "$(cat "$tmp/md/summary.md")"
if need cmark-gfm "summary rendered as GitHub does"; then
    cmark-gfm -e table -e autolink -e strikethrough -e tagfilter "$tmp/md/summary.md" >"$tmp/md/summary.html"
    html=$tmp/md/summary.html
    expect "summary: rendered, one table with 7 body rows" \
        "$([ "$(grep -c '^<table>' "$html")" -eq 1 ] &&
            [ "$(sed -n '/<tbody>/,/<\/tbody>/p' "$html" | grep -c '^<tr>')" -eq 7 ]; echo $?)" "$(cat "$html")"
    expect "summary: every row has exactly 5 cells (no '|' in a name splits one)" \
        "$(sed -n '/<tbody>/,/<\/tbody>/p' "$html" | awk '/^<tr>/ {n = 0} /^<td/ {n++} /^<\/tr>/ && n != 5 {bad = 1} END {exit bad}'; echo $?)"
    expect "summary: no HTML, link, strike-through or emphasis from the input" \
        "$(! grep -qE '<script|<a |<del>|<em>|<strong>|<b>' "$html"; echo $?)" "$(grep -E '<script|<a |<del>|<em>|<b>' "$html")"
    expect "summary: the hostile names are shown as they were" \
        "$(grep -qF 'bad_name!.example.test' "$html" && grep -qF 'a|b|c' "$html" &&
            grep -qF '&lt;script&gt;alert(1)&lt;/script&gt;' "$html" &&
            grep -qF '`code` *em* _em_ ~~del~~ $x$' "$html" &&
            grep -qF '[link](https://example.test) www.example.test @someone' "$html" &&
            grep -qF '&amp;amp; &amp;#60;b&amp;#62;' "$html"; echo $?)" "$(sed -n '/<tbody>/,/<\/tbody>/p' "$html")"
    expect "summary: only rdnscheck's own code spans (the problem codes)" \
        "$([ "$(grep -o '<code>[^<]*</code>' "$html" | grep -cvE '<code>[a-z0-9-]+</code>')" -eq 0 ]; echo $?)"
fi

# 5. GitHub keeps 1 MiB of job summary a step: a summary nearly full
#    already gets the rows that fit and a line for the rest
head -c $((1024 * 1024 - 4096)) /dev/zero | tr '\0' 'x' >"$tmp/full.md"
GITHUB_STEP_SUMMARY=$tmp/full.md rdc --format github 192.0.2.0/26 >"$tmp/full.out" 2>/dev/null
size=$(stat -c %s "$tmp/full.md")
rows=$(summary_rows "$tmp/full.md")
total=$(grep -cE '"verdict":"(warn|fail|tempfail)"' "$tmp/caps.json")
expect "summary budget: at most 1 MiB ($size bytes), some rows ($rows of $total)" \
    "$([ "$size" -le $((1024 * 1024)) ] && [ "$rows" -gt 0 ] && [ "$rows" -lt "$total" ]; echo $?)"
expect "summary budget: says how many rows are not listed" \
    "$(grep -q "^$((total - rows)) more not listed: GitHub keeps 1 MiB of job summary a step" "$tmp/full.md"; echo $?)"
expect "summary budget: so does the notice" \
    "$(grep -q "the job summary lists the first $rows of $total (GitHub keeps 1 MiB a step); --json lists every one" "$tmp/full.out"; echo $?)" \
    "$(grep '^::notice' "$tmp/full.out")"

# 6. a job summary that cannot be written is an error before any lookup
GITHUB_STEP_SUMMARY=$tmp/nonexistent/summary.md rdc --format github 192.0.2.10 >"$tmp/ns.out" 2>"$tmp/ns.err"
st=$?
expect "summary unwritable: exit status 2, nothing on stdout, says why" \
    "$([ "$st" -eq 2 ] && [ ! -s "$tmp/ns.out" ] && grep -q 'cannot write the job summary' "$tmp/ns.err"; echo $?)" \
    "status $st: $(cat "$tmp/ns.err")"
GITHUB_STEP_SUMMARY=$tmp/q.md rdc --format github -q 192.0.2.49 >/dev/null 2>&1
expect "summary: -q writes none" "$([ ! -e "$tmp/q.md" ]; echo $?)"
rdc --format github --wait=5s 192.0.2.49 >"$tmp/w.out" 2>"$tmp/w.err"
st=$?
expect "github: not with --wait (a CI step checks once), a usage error" \
    "$([ "$st" -eq 2 ] && [ ! -s "$tmp/w.out" ] && grep -q 'cannot be combined with --junit or --format github' "$tmp/w.err"; echo $?)" \
    "status $st: $(cat "$tmp/w.err")"

# 7. the README's GitLab and Jenkins command lines, and their reports
for sys in GitLab Jenkins; do
    if [ "$sys" = GitLab ]; then
        cmd=$(readme_block "$readme" 'test_ci.sh runs the script: line' | sed -n 's/^ *- //p')
    else
        cmd=$(readme_block "$readme" 'test_ci.sh runs the sh line' | sed -n "s/^ *sh '\\(.*\\)'\$/\\1/p")
    fi
    expect "README: the $sys example has an rdnscheck command with --junit" \
        "$(grep -q '^rdnscheck .*--junit rdnscheck.xml' <<<"$cmd"; echo $?)" "$cmd"
    cmd=${cmd//--spf example.com/--spf spf-24.mail.test}
    cmd=${cmd//--mx example.com/--mx mx-normal.mail.test}
    mkdir "$tmp/$sys"
    (
        cd "$tmp/$sys" || exit 99
        rdnscheck() { rdc "$@"; }
        eval "$cmd" >out 2>err
    )
    st=$?
    expect "$sys: exit status 1" "$([ "$st" -eq 1 ]; echo $?)" "status $st: $(cat "$tmp/$sys/err")"
    junit_valid "$sys: rdnscheck.xml" "$tmp/$sys/rdnscheck.xml"
done
if need xmllint "GitLab report: contents"; then
    x=$tmp/GitLab/rdnscheck.xml
    expect "junit: the domains' class names" \
        "$(xmllint --xpath 'string(//testsuite[1]/testcase[1]/@classname)' "$x" | grep -qx 'rdnscheck.spf.spf-24-mail-test' &&
            xmllint --xpath 'string(//testsuite[2]/testcase[1]/@classname)' "$x" | grep -qx 'rdnscheck.mx.mx-normal-mail-test'; echo $?)" \
        "$(xmllint --xpath '//testsuite/testcase[1]/@classname' "$x")"
    expect "junit: the address is in the test case's name" \
        "$(xmllint --xpath 'string(//testsuite[1]/testcase[@name="198.51.100.3 (no PTR)"]/failure/@type)' "$x" | grep -qx no-ptr; echo $?)"
fi

# 8. repeated inputs: unique suite names, no test case twice in a suite,
#    and every kind of result in one valid report
printf '%s\n' 192.0.2.10 192.0.2.10 'bad..line' 'bad..line' mail.example.test 192.0.2.46 192.0.2.30 >"$tmp/rep.txt"
rdc --mx mx-normal.mail.test --mx mx-normal.mail.test --spf spf-24.mail.test \
    192.0.2.10 192.0.2.10 mail.example.test mail.example.test 192.0.2.0/29 192.0.2.10 nomail.example.test \
    -f "$tmp/rep.txt" --junit "$tmp/rep.xml" >/dev/null 2>&1
st=$?
expect "repeats: exit status 2 (bad lines)" "$([ "$st" -eq 2 ]; echo $?)" "status $st"
junit_valid "repeats" "$tmp/rep.xml"
if need xmllint "repeats: suite names"; then
    names=$(xmllint --xpath '//testsuite/@name' "$tmp/rep.xml" | sed 's/^ *name="\(.*\)"$/\1/' | tr '\n' ',')
    expect "repeats: the second and later suites of an input are named INPUT #N" \
        "$(grep -qF 'mx-normal.mail.test,mx-normal.mail.test #2,spf-24.mail.test,192.0.2.10,192.0.2.10 #2,mail.example.test,mail.example.test #2,192.0.2.0/29,192.0.2.10 #3,nomail.example.test,192.0.2.10 #4,192.0.2.10 #5,bad..line,bad..line #2,mail.example.test #3,' <<<"$names"; echo $?)" \
        "$names"
fi

# 9. --output and --junit together with --format github: the report goes
#    to the file, the JUnit report beside it
rdc --format github --output "$tmp/gh.txt" --junit "$tmp/o.xml" 192.0.2.49 >"$tmp/o.out" 2>&1
st=$?
expect "--output: exit 1, nothing on stdout, the annotation in the file" \
    "$([ "$st" -eq 1 ] && [ ! -s "$tmp/o.out" ] && grep -q '^::error title=rdnscheck no-ptr::192.0.2.49' "$tmp/gh.txt"; echo $?)" \
    "status $st: $(cat "$tmp/o.out")"
junit_valid "--output with --junit" "$tmp/o.xml"

echo "$passes passed, $fails failed, $skips skipped"
[ "$fails" -eq 0 ]
