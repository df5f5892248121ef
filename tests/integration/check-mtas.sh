#!/usr/bin/env bash
# check-mtas.sh ADDR=NAME... - the Postfix instances that integration_cli's
# SMTP cases (cases.txt, "--smtp=2525", 127.0.0.2/.3/.5) talk to must be
# running: each ADDR port 2525 must greet "220 NAME ". CTest runs this as the
# setup of the fixture "postfix_mtas" that integration_cli (and its valgrind
# run) require, so a missing Postfix fails here, with the remedy, instead of
# as a handful of puzzling SMTP case failures. scripts/test.sh starts the
# instances (its mtas list) with scripts/mta.sh.
set -euo pipefail
PORT=2525
missing=()
for spec in "$@"; do
    addr=${spec%%=*} name=${spec#*=} line=
    if exec 3<>"/dev/tcp/$addr/$PORT"; then
        IFS= read -r -t 10 line <&3 || true
        printf 'QUIT\r\n' >&3 || true
        exec 3<&- 3>&-
    fi 2>/dev/null
    if [[ ${line%$'\r'} == "220 $name "* ]]; then
        echo "check-mtas: $addr port $PORT greets as $name"
    else
        echo "check-mtas: $addr port $PORT: ${line:-nothing answers}" >&2
        missing+=("$spec")
    fi
done
((${#missing[@]} == 0)) && exit 0
echo "check-mtas: error: integration_cli's SMTP cases need a Postfix on each of these," \
    "as scripts/test.sh starts them; as root:" >&2
for spec in "${missing[@]}"; do
    echo "    scripts/mta.sh start /tmp/rdc-mta-${spec%%=*} --addr ${spec%%=*} --port $PORT --hostname ${spec#*=}" >&2
done
exit 1
