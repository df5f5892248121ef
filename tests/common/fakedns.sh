# shellcheck shell=bash
# fakedns.sh - a scripted fakedns for the shell tests (sourced).
#
#   fakedns_start FAKEDNS SCRIPT DIR   starts FAKEDNS serving SCRIPT on a
#                                      loopback port it picks; sets
#                                      fakedns_addr (127.0.0.1:PORT) and
#                                      fakedns_pid; returns 1 if it never
#                                      said its port (5 s)
#   fakedns_slow_script FILE           writes the "slow server" script: it
#                                      answers 192.0.2.10 (PTR and A,
#                                      mail.example.test) and drops every
#                                      other query, so a run with a long
#                                      --timeout decides one address and
#                                      then waits, for a signal to stop it
#   fakedns_stop_all                   kills every fakedns started (for the
#                                      caller's EXIT trap)
# shellcheck disable=SC2034 # fakedns_addr and fakedns_pid are for the caller
fakedns_pids=()
fakedns_start() {
    local bin=$1 script=$2 dir=$3 port
    port=$(mktemp "$dir/fakedns-port.XXXXXX")
    : >"$port"
    "$bin" -s "$script" -P "$port" &
    fakedns_pid=$!
    fakedns_pids+=("$fakedns_pid")
    for _ in $(seq 50); do
        if [ -s "$port" ]; then
            fakedns_addr="127.0.0.1:$(cat "$port")"
            return 0
        fi
        sleep 0.1
    done
    echo "fakedns did not start ($script)" >&2
    return 1
}
fakedns_slow_script() {
    cat >"$1" <<'SCRIPT'
match 10.2.0.192.in-addr.arpa PTR
  rr 10.2.0.192.in-addr.arpa 300 PTR mail.example.test
match mail.example.test A
  rr mail.example.test 300 A 192.0.2.10
match * * drop
SCRIPT
}
fakedns_stop_all() {
    local p
    for p in "${fakedns_pids[@]}"; do
        kill "$p" 2>/dev/null
    done
    fakedns_pids=()
}
