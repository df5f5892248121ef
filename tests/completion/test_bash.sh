#!/usr/bin/env bash
# The generated bash completion (completions/rdnscheck.bash), sourced into a
# plain bash and called the way bash calls it: COMP_WORDS and COMP_CWORD as
# readline splits the line (default COMP_WORDBREAKS: "--opt=value" is three
# words), then COMPREPLY checked. MODE "plain" runs without the
# bash-completion package's helpers, MODE "bash-completion" with them
# (BASH_COMPLETION, its main script, sourced first): the script must work
# either way. Also: every option of the table (print_options) is offered.
# Usage: test_bash.sh BASH_COMPLETION_FILE PRINT_OPTIONS plain|bash-completion [BASH_COMPLETION]
set -uo pipefail
script=$(realpath "$1")
table=$2
mode=$3
bc=${4-}
fails=0
passes=0

tmp=$(mktemp -d "${TMPDIR:-/tmp}/rdc-bashcomp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# files for FILE arguments
mkdir "$tmp/files" "$tmp/files/zones.d"
touch "$tmp/files/ips.txt" "$tmp/files/ips2.txt" "$tmp/files/report.xml" "$tmp/files/zones.txt"

# complete LINE: the sorted replies, one line, space-separated. LINE ends
# where the cursor is; a trailing space starts an empty word.
cat >"$tmp/driver.bash" <<'DRIVER'
complete_line() {
    local line=$1 w
    local -a parts
    COMP_WORDS=()
    read -ra parts <<<"$line"
    for w in "${parts[@]}"; do
        if [[ $w == *=* ]]; then # readline breaks words at "="
            COMP_WORDS+=("${w%%=*}" "=")
            [[ -n ${w#*=} ]] && COMP_WORDS+=("${w#*=}")
        else
            COMP_WORDS+=("$w")
        fi
    done
    [[ $line == *' ' ]] && COMP_WORDS+=("")
    if [[ ${NO_EQ_BREAK:-} == 1 ]]; then # COMP_WORDBREAKS without "=": whole words
        COMP_WORDS=("${parts[@]}")
        [[ $line == *' ' ]] && COMP_WORDS+=("")
    fi
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMP_LINE=$line
    COMP_POINT=${#line}
    COMPREPLY=()
    _rdnscheck rdnscheck "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
    printf '%s\n' "${COMPREPLY[@]}" | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//'
}
DRIVER

run_bash() { # commands: run in a fresh bash with the completion loaded
    (
        cd "$tmp/files" || exit 1
        {
            if [ "$mode" = bash-completion ]; then
                echo "source '$bc' || exit 1"
                echo "declare -F _init_completion >/dev/null || { echo 'no _init_completion'; exit 1; }"
            fi
            echo "source '$script' || exit 1"
            echo "source '$tmp/driver.bash'"
            echo "$1"
        } >"$tmp/cmd.bash"
        bash --norc --noprofile "$tmp/cmd.bash" 2>&1
    )
}

expect() { # line, expected replies (sorted, space-separated) [env]
    local line=$1 want=$2 got
    got=$(run_bash "${3-} complete_line '$line'")
    if [ "$got" = "$want" ]; then
        passes=$((passes + 1))
    else
        echo "FAIL ($mode): '$line'${3:+ ($3)}: got [$got], want [$want]"
        fails=$((fails + 1))
    fi
}

# registered for the command
got=$(run_bash "complete -p rdnscheck")
[ "$got" = "complete -F _rdnscheck rdnscheck" ] || { echo "FAIL: complete -p rdnscheck: $got"; fails=$((fails + 1)); }

# option names
expect "rdnscheck --for" "--format"
expect "rdnscheck --sm" "--smtp --smtp-timeout"
expect "rdnscheck --dnsbl" "--dnsbl --dnsbl-file"
expect "rdnscheck 192.0.2.1 -q --ver" "--verbose --version"
expect "rdnscheck --nothing" ""
# word choices, as a next word, after "=" and as a prefix
expect "rdnscheck --format " "github json nagios prometheus text"
expect "rdnscheck --format j" "json"
expect "rdnscheck --format=" "github json nagios prometheus text"
expect "rdnscheck --format=g" "github"
expect "rdnscheck --color " "always auto never"
expect "rdnscheck -q --color a" "always auto"
expect "rdnscheck --color=n" "never"
expect "rdnscheck --format=g" "--format=github" "NO_EQ_BREAK=1"
# files for FILE arguments
expect "rdnscheck -f " "ips.txt ips2.txt report.xml zones.d zones.txt"
expect "rdnscheck -f ips" "ips.txt ips2.txt"
expect "rdnscheck --file ip" "ips.txt ips2.txt"
expect "rdnscheck --junit r" "report.xml"
expect "rdnscheck --junit=r" "report.xml"
expect "rdnscheck --dnsbl-file zones" "zones.d zones.txt"
# nothing for numbers, names, lists, targets, and after "--"
expect "rdnscheck -t " ""
expect "rdnscheck --concurrency " ""
expect "rdnscheck --smtp-timeout 1" ""
expect "rdnscheck --smtp=" ""
expect "rdnscheck --helo " ""
expect "rdnscheck -s " ""
expect "rdnscheck 192.0.2." ""
expect "rdnscheck -- --for" ""
# after an option's argument, options again
expect "rdnscheck --format json --ju" "--junit"
# every option of the table, and nothing else
opts=$("$table") || { echo "FAIL: $table exited non-zero"; exit 1; }
all=$(while IFS=$'\t' read -r name letter _; do
    [ "$name" = - ] || echo "--$name"
    [ "$letter" = - ] || echo "-$letter"
done <<<"$opts" | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')
[ -n "$all" ] || { echo "FAIL: no options in the table"; exit 1; }
expect "rdnscheck -t 100 -" "$all"

echo "$passes passed, $fails failed ($mode)"
[ "$fails" -eq 0 ]
