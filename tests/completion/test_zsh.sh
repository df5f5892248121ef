#!/usr/bin/env bash
# The generated zsh completion (completions/_rdnscheck): it parses (zsh -n),
# compinit registers it for rdnscheck from its #compdef line, autoloading
# it defines _rdnscheck, and in an interactive zsh (capture.zsh, a
# pseudo-terminal) TAB offers what the option table says: option names,
# --format and --color words, files for FILE arguments, nothing for numbers.
# Usage: test_zsh.sh ZSH ZSH_COMPLETION_FILE
set -uo pipefail
zsh=$1
file=$(realpath "$2")
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/common/check.sh
. "$(dirname "${BASH_SOURCE[0]}")/../common/check.sh"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/rdc-zshcomp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/fpath" "$tmp/files"
cp "$file" "$tmp/fpath/_rdnscheck"
touch "$tmp/files/ips.txt" "$tmp/files/report.xml"

check "zsh -n parses it" "$zsh" -n "$file"
check "the first line is #compdef rdnscheck" test "$(head -n1 "$file")" = "#compdef rdnscheck"
# shellcheck disable=SC2016 # zsh expands them
got=$(cd "$tmp" && HOME=$tmp "$zsh" -f -c 'fpath=(fpath $fpath); autoload -Uz compinit
    compinit -u -D; print -r -- "$_comps[rdnscheck]"; autoload -Uz +X _rdnscheck &&
    whence -w _rdnscheck')
check "compinit registers it and it defines _rdnscheck (got: $got)" \
    test "$got" = $'_rdnscheck\n_rdnscheck: function'

expect() { # line, expected matches (sorted, space-separated)
    local got
    got=$(cd "$tmp/files" && HOME=$tmp timeout 30 "$zsh" -f "$here/capture.zsh" "$tmp/fpath" "$1" |
        LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')
    check "'$1': got [$got], want [$2]" test "$got" = "$2"
}
expect "rdnscheck --for" "--format"
expect "rdnscheck --sm" "--smtp --smtp-timeout"
expect "rdnscheck 192.0.2.1 --ver" "--verbose --version"
expect "rdnscheck --format " "github json nagios prometheus text"
expect "rdnscheck --format=j" "json"
expect "rdnscheck --color " "always auto never"
expect "rdnscheck --color=a" "always auto"
expect "rdnscheck -f " "ips.txt report.xml"
expect "rdnscheck --junit=r" "report.xml"
expect "rdnscheck --dnsbl-file " "ips.txt report.xml"
expect "rdnscheck -t " ""
expect "rdnscheck --concurrency " ""
expect "rdnscheck -- --for" ""

check_done
