# shellcheck shell=bash
# check.sh - the tally of the shell tests (sourced): `check DESCRIPTION
# COMMAND...` runs COMMAND and counts it passed, or failed with a line
# "FAIL: DESCRIPTION"; `check_done` prints the tally and returns 1 when
# anything failed (the test's exit status).
fails=0
passes=0
check() {
    local what=$1
    shift
    if "$@"; then
        passes=$((passes + 1))
    else
        echo "FAIL: $what"
        fails=$((fails + 1))
    fi
}
check_done() {
    echo "$passes passed, $fails failed"
    [ "$fails" -eq 0 ]
}
