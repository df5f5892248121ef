#!/usr/bin/env bash
# Every option of the table (src/cli/cli_options.c, printed by print_options) is in
# both generated completions, with what its argument completes to: the bash
# script offers "--name" and "-x", and its case for the argument (choices,
# files, or nothing); zsh has an _arguments spec for each, with the
# choices, _files or no action. The generator's output is the same on every
# run (the build's files regenerate byte for byte).
# Usage: test_options.sh GEN_COMPLETION PRINT_OPTIONS BASH_FILE ZSH_FILE
set -uo pipefail
gen=$1
table=$2
bashfile=$3
zshfile=$4
# shellcheck source=tests/common/check.sh
. "$(dirname "${BASH_SOURCE[0]}")/../common/check.sh"
re() { sed 's/[][\.*^$+?(){}|/]/\\&/g' <<<"$1"; } # a literal string as a regex

tmp=$(mktemp -d "${TMPDIR:-/tmp}/rdc-compopts.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
for shell in bash zsh; do
    if ! "$gen" $shell "$tmp/$shell.1" || ! "$gen" $shell "$tmp/$shell.2"; then
        echo "FAIL: $gen $shell exited non-zero"
        exit 1
    fi
done
check "bash output is the same twice" cmp -s "$tmp/bash.1" "$tmp/bash.2"
check "zsh output is the same twice" cmp -s "$tmp/zsh.1" "$tmp/zsh.2"
check "the build's bash completion is the generator's" cmp -s "$tmp/bash.1" "$bashfile"
check "the build's zsh completion is the generator's" cmp -s "$tmp/zsh.1" "$zshfile"

opts=$("$table") || { echo "FAIL: $table exited non-zero"; exit 1; }
[ -n "$opts" ] || { echo "FAIL: the option table is empty"; exit 1; }
# the words bash offers for "-", from the script itself
# shellcheck disable=SC2016 # bash -c expands them
offered=" $(bash --norc --noprofile -c 'source "$1" && COMP_WORDS=(rdnscheck -) COMP_CWORD=1 &&
    _rdnscheck && echo "${COMPREPLY[*]}"' bash "$bashfile") "
# the bash script with its case patterns on one line each ("\" joins lines)
joined=$(sed -e ':a' -e '/\\$/{N;s/\\\n *//;ta' -e '}' "$bashfile")
bash_case() { # option: the lines after its case pattern, up to ";;"
    awk -v o="$1" '/^    -.*\)$/ {p = 0; n = split(substr($0, 5, length($0) - 5), w, " [|] ");
        for (i = 1; i <= n; i++) if (w[i] == o) p = 1; next} p {print} /;;/ {p = 0}' <<<"$joined"
}
while IFS=$'\t' read -r name letter kind arg _ _ _ choices; do
    forms=()
    [ "$name" = - ] || forms+=("--$name")
    [ "$letter" = - ] || forms+=("-$letter")
    for o in "${forms[@]}"; do
        check "bash offers $o" test "${offered/ $o /}" != "$offered"
        if [ "$o" = "--$name" ]; then
            case $kind in
            required) spec="'\\*--$name=\\[" ;;
            optional) spec="'\\*--$name=-\\[" ;;
            *) spec="'\\*--$name\\[" ;;
            esac
        else
            spec="'\\*-$letter$([ "$kind" = none ] || echo '\+')\\["
        fi
        line=$(grep -E "^    $spec" "$zshfile")
        check "zsh has a spec for $o" test -n "$line"
        [ "$kind" = none ] && continue
        body=$(bash_case "$o")
        if [ "$choices" != - ]; then
            check "bash completes $o to ${choices//,/ }" grep -qF "compgen -W \"${choices//,/ }\"" <<<"$body"
            check "zsh completes $o to ${choices//,/ }" grep -qE "$(re ":$arg:(${choices//,/ })")' \\\\$" <<<"$line"
        elif [ "$arg" = FILE ]; then
            check "bash completes files for $o" grep -q _filedir <<<"$body"
            check "zsh completes files for $o" grep -qE ":$arg:_files' \\\\$" <<<"$line"
        elif [ "$kind" = required ]; then
            check "bash offers nothing for $o $arg" grep -q "^        return # " <<<"$body"
            check "zsh offers nothing for $o $arg" grep -qE ":$arg: ' \\\\$" <<<"$line"
        else
            check "zsh offers nothing for ${o}[=$arg]" grep -qE "::$arg: ' \\\\$" <<<"$line"
        fi
    done
done <<<"$opts"
check_done
