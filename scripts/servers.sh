#!/usr/bin/env bash
# servers.sh - start/stop the DNS servers used by the rdnscheck integration tests.
#
# Usage: scripts/servers.sh start|stop|status RUNDIR
#
#   start   (re)start Knot DNS (authoritative, serves tests/integration/zones/*.zone)
#           on 127.0.0.1 and ::1 port ${RDC_KNOT_PORT:-53535}, and an Unbound
#           recursive front on 127.0.0.1 port ${RDC_UNBOUND_PORT:-53536} that
#           reaches every zone through stub-zones pointing at Knot.
#   stop    stop both (by the pidfiles in RUNDIR); never fails.
#   status  show what runs; exit 0 if both answer, 1 otherwise.
#
# Everything (configs, zone copies, databases, logs, pidfiles) lives in RUNDIR.
# Nothing listens on or queries anything but the loopback addresses; the system
# resolver and any system knot/unbound service are neither used nor touched.
#
# Environment:
#   RDC_KNOT_PORT     Knot port (default 53535)
#   RDC_UNBOUND_PORT  Unbound port (default 53536)
#   RDC_ZONES_DIR     zone files to serve (default tests/integration/zones)
#   RDC_NO_IPV6=1     do not try ::1 (Knot on 127.0.0.1 only)
#
# A zone file's zone name is taken from its $ORIGIN line, so adding a
# NAME.zone file with "$ORIGIN name." is all it takes to serve a new zone.
set -euo pipefail

PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

KNOT_PORT=${RDC_KNOT_PORT:-53535}
UNBOUND_PORT=${RDC_UNBOUND_PORT:-53536}
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/lib.sh
source "$SCRIPT_DIR/lib.sh" # ensure_packages, pid_alive, kill_pid
ZONES_SRC=${RDC_ZONES_DIR:-$SCRIPT_DIR/../tests/integration/zones}
# A zone configured in Knot but whose file does not exist: Knot cannot load it
# and answers SERVFAIL for it (used for the dns-servfail test case).
SERVFAIL_ZONE="200.113.0.203.in-addr.arpa."
# Zones Unbound answers locally by default (RFC 6761/6303/5737/3849); they must
# be switched off so that queries for them reach Knot.
UNBOUND_NODEFAULT=(test. 2.0.192.in-addr.arpa. 100.51.198.in-addr.arpa.
    113.0.203.in-addr.arpa. 8.b.d.0.1.0.0.2.ip6.arpa.)
WAIT_SECONDS=10
KNOT_PID=

say() {
    printf 'servers.sh: %s\n' "$*" >&2
}

die() {
    say "error: $*"
    exit 1
}

usage() {
    printf 'Usage: %s start|stop|status RUNDIR\n' "$0" >&2
    exit 2
}

ensure_tools() {
    local absent=0 tool
    for tool in knotd kdig unbound unbound-checkconf; do
        command -v "$tool" >/dev/null 2>&1 || absent=1
    done
    [[ $absent -eq 0 ]] && return 0
    say "knotd/kdig/unbound missing; installing knot knot-dnsutils unbound"
    ensure_packages knot knot-dnsutils unbound
    for tool in knotd kdig unbound unbound-checkconf; do
        command -v "$tool" >/dev/null 2>&1 || die "$tool still missing after apt-get install"
    done
}

stop_one() {
    local pidfile=$1 name=$2 pid
    if pid=$(pid_alive "$pidfile" "$name"); then
        kill_pid "$pid" "$name"
        say "stopped $name (pid $pid)"
    fi
    rm -f "$pidfile"
}

# port_busy PROTO PORT: true if something listens on PORT (any address).
port_busy() {
    local proto=$1 port=$2
    command -v ss >/dev/null 2>&1 || return 1
    if [[ $proto == udp ]]; then
        [[ -n $(ss -Hlnu "sport = :$port" 2>/dev/null) ]]
    else
        [[ -n $(ss -Hlnt "sport = :$port" 2>/dev/null) ]]
    fi
}

check_port_free() {
    local port=$1 what=$2
    if port_busy udp "$port" || port_busy tcp "$port"; then
        ss -Hlnup "sport = :$port" >&2 2>/dev/null || true
        ss -Hlntp "sport = :$port" >&2 2>/dev/null || true
        die "port $port (for $what) is already in use by another process; set ${3} to another port"
    fi
}

ipv6_loopback_available() {
    [[ ${RDC_NO_IPV6:-0} == 0 ]] || return 1
    [[ -r /proc/net/if_inet6 ]] || return 1
    grep -q '^00000000000000000000000000000001 ' /proc/net/if_inet6 || return 1
    [[ $(cat /proc/sys/net/ipv6/conf/lo/disable_ipv6 2>/dev/null || echo 0) == 0 ]]
}

# probe SERVER PORT [extra kdig args]: true if the server answers SOA example.test.
probe() {
    local server=$1 port=$2
    shift 2
    local out
    out=$(kdig "@$server" -p "$port" +short +time=1 +retry=0 "$@" SOA example.test 2>/dev/null) || return 1
    [[ -n $out ]]
}

# zone_list: "ZONENAME<TAB>FILE" for each zone file, the name from $ORIGIN.
# gen_bulk_zones DIR: a 4,096-address block for bulk tests, generated rather
# than committed: 2001:db8:b::/116 (reverse zone b.0.0.0.8.b.d.0.1.0.0.2
# below the 2001:db8 one) and names under bulk.test. For i = 0..4095 by
# i % 8: 0 no PTR, 1 PTR to a name pointing elsewhere (mismatch), 2 PTR to a
# name without AAAA (no address), 3..7 pass. Truth: 2560 pass, 512 each fail.
gen_bulk_zones() {
    local dir=$1
    awk -v dir="$dir" 'BEGIN {
        rev = dir "/b.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.zone"; fwd = dir "/bulk.test.zone"
        print "$ORIGIN b.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.\n$TTL 300" > rev
        print "@ SOA ns.example.test. hostmaster.example.test. 1 3600 600 86400 300\n@ NS ns.example.test." > rev
        print "$ORIGIN bulk.test.\n$TTL 300\n@ SOA ns.example.test. hostmaster.example.test. 1 3600 600 86400 300\n@ NS ns.example.test." > fwd
        split("0 1 2 3 4 5 6 7 8 9 a b c d e f", hx, " ")
        for (i = 0; i < 4096; i++) {
            c = i % 8
            if (c == 0) continue
            a = hx[int(i / 256) + 1]; b = hx[int(i / 16) % 16 + 1]; d = hx[i % 16 + 1]
            owner = d "." b "." a ".0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0"
            name = "h" i ".bulk.test."
            print owner " PTR " name > rev
            if (c == 1) print "h" i " AAAA 2001:db8:b::ffff:" i > fwd
            else if (c >= 3) printf "h%d AAAA 2001:db8:b::%x\n", i, i > fwd
        }
    }'
}

zone_list() {
    local f origin
    for f in "$ZONES_SRC"/*.zone "$RUNDIR"/bulk/*.zone; do
        [[ -e $f ]] || continue
        origin=$(awk '$1 == "$ORIGIN" { print $2; exit }' "$f")
        [[ -n $origin ]] || die "$f has no \$ORIGIN line"
        [[ $origin == *. ]] || origin="$origin."
        printf '%s\t%s\n' "$origin" "$(basename "$f")"
    done
}

# knot_socket_path: RUNDIR/knot.sock, or a short path in /tmp when that is too
# long for a Unix socket (knotd refuses to start then).
knot_socket_path() {
    local p="$RUNDIR/knot.sock"
    if ((${#p} > 100)); then
        p="${TMPDIR:-/tmp}/rdc-knot-$(id -u)-$KNOT_PORT.sock"
    fi
    printf '%s\n' "$p"
}

write_knot_conf() {
    local listen=$1 conf="$RUNDIR/knot.conf" name file
    {
        printf '# Generated by scripts/servers.sh; do not edit.\n'
        printf 'server:\n'
        printf '    rundir: "%s"\n' "$RUNDIR"
        printf '    pidfile: "%s/knotd.pid"\n' "$RUNDIR"
        printf '    listen: [ %s ]\n' "$listen"
        printf '    udp-workers: 2\n'
        printf '    tcp-workers: 2\n'
        printf '    background-workers: 1\n'
        printf '    udp-max-payload: 1232\n'
        printf 'log:\n'
        printf '  - target: "%s/knot.log"\n' "$RUNDIR"
        printf '    any: info\n'
        printf 'control:\n'
        printf '    listen: "%s"\n' "$(knot_socket_path)"
        printf 'database:\n'
        printf '    storage: "%s/db"\n' "$RUNDIR"
        printf 'template:\n'
        printf '  - id: default\n'
        printf '    storage: "%s/zones"\n' "$RUNDIR"
        printf '    zonefile-sync: -1\n'
        printf '    zonefile-load: whole\n'
        printf '    journal-content: none\n'
        # Knot lowercases every domain name it loads from a zone file, PTR
        # targets included, so a mixed-case PTR can only come from a module:
        # mod-synthrecord keeps the case of its prefix. 192.0.2.12 ->
        # "MaIl2-192-0-2-12.example.test." (the A owner is lower case).
        printf 'mod-synthrecord:\n'
        printf '  - id: mixed-case-ptr\n'
        printf '    type: reverse\n'
        printf '    prefix: "MaIl2-"\n'
        printf '    origin: "example.test"\n'
        printf '    network: 192.0.2.12/32\n'
        printf '    ttl: 900\n'
        printf 'zone:\n'
        while IFS=$'\t' read -r name file; do
            printf '  - domain: "%s"\n' "$name"
            printf '    file: "%s"\n' "$file"
            if [[ $name == "2.0.192.in-addr.arpa." ]]; then
                printf '    module: mod-synthrecord/mixed-case-ptr\n'
            fi
            # --self's NAT tests: A/AAAA answered with the querier's address
            if [[ $name == "whoami.test." ]]; then
                printf '    module: mod-whoami\n'
            fi
        done < <(zone_list)
        printf '  - domain: "%s"\n' "$SERVFAIL_ZONE"
        printf '    file: "deliberately-missing.zone"\n'
    } >"$conf"
}

write_unbound_conf() {
    local conf="$RUNDIR/unbound.conf" name file z
    {
        printf '# Generated by scripts/servers.sh; do not edit.\n'
        printf 'server:\n'
        printf '    verbosity: 1\n'
        printf '    interface: 127.0.0.1\n'
        printf '    port: %s\n' "$UNBOUND_PORT"
        printf '    do-ip4: yes\n'
        printf '    do-ip6: no\n'
        printf '    do-udp: yes\n'
        printf '    do-tcp: yes\n'
        printf '    so-reuseport: no\n'
        printf '    num-threads: 1\n'
        printf '    outgoing-port-avoid: %s\n' "$KNOT_PORT"
        printf '    outgoing-port-avoid: %s\n' "$UNBOUND_PORT"
        printf '    access-control: 127.0.0.0/8 allow\n'
        printf '    directory: "%s"\n' "$RUNDIR"
        printf '    chroot: ""\n'
        printf '    username: ""\n'
        printf '    pidfile: "%s/unbound.pid"\n' "$RUNDIR"
        printf '    logfile: "%s/unbound.log"\n' "$RUNDIR"
        printf '    use-syslog: no\n'
        printf '    log-time-ascii: yes\n'
        printf '    do-daemonize: no\n'
        printf '    module-config: "iterator"\n'
        printf '    do-not-query-localhost: no\n'
        printf '    qname-minimisation: no\n'
        printf '    rrset-roundrobin: no\n'
        printf '    infra-host-ttl: 30\n'
        printf '    infra-keep-probing: yes\n'
        printf '    cache-max-negative-ttl: 10\n'
        for z in "${UNBOUND_NODEFAULT[@]}"; do
            printf '    local-zone: "%s" nodefault\n' "$z"
        done
        printf '    domain-insecure: "test."\n'
        while IFS=$'\t' read -r name file; do
            printf '    domain-insecure: "%s"\n' "$name"
        done < <(zone_list)
        printf '    domain-insecure: "113.0.203.in-addr.arpa."\n'
        printf 'remote-control:\n'
        printf '    control-enable: no\n'
        # One stub per served zone (the RFC 2317 child zone included), plus the
        # root: everything else goes to Knot too, which answers REFUSED, so
        # Unbound gives a quick SERVFAIL instead of trying the real root servers.
        while IFS=$'\t' read -r name file; do
            printf 'stub-zone:\n    name: "%s"\n    stub-addr: 127.0.0.1@%s\n' "$name" "$KNOT_PORT"
        done < <(zone_list)
        printf 'stub-zone:\n    name: "%s"\n    stub-addr: 127.0.0.1@%s\n' "$SERVFAIL_ZONE" "$KNOT_PORT"
        printf 'stub-zone:\n    name: "."\n    stub-addr: 127.0.0.1@%s\n' "$KNOT_PORT"
    } >"$conf"
}

# start_knot LISTEN: start knotd and wait until it answers on 127.0.0.1.
# Returns 0 when it answers, 1 when knotd exited (e.g. could not bind), 2 when
# it runs but does not answer in time.
start_knot() {
    local listen=$1 pid i
    write_knot_conf "$listen"
    : >"$RUNDIR/knot.log"
    rm -f "$RUNDIR/knotd.pid"
    # knotd writes RUNDIR/knotd.pid itself (server.pidfile), also in the foreground.
    setsid knotd -c "$RUNDIR/knot.conf" >>"$RUNDIR/knotd.out" 2>&1 </dev/null &
    pid=$!
    KNOT_PID=$pid
    for ((i = 0; i < WAIT_SECONDS * 5; i++)); do
        kill -0 "$pid" 2>/dev/null || return 1
        if probe 127.0.0.1 "$KNOT_PORT"; then
            return 0
        fi
        sleep 0.2
    done
    return 2
}

# knot_load_errors: print the zone-load errors from knot.log, except for the
# deliberately unloadable SERVFAIL zone; true if there were any.
knot_load_errors() {
    local errs
    errs=$(grep -E 'error: \[' "$RUNDIR/knot.log" | grep -vF "[$SERVFAIL_ZONE]" || true)
    [[ -n $errs ]] || return 1
    printf '%s\n' "$errs" >&2
}

# stop_knot_started: stop the knotd this script just started (its pidfile may
# not exist yet).
stop_knot_started() {
    [[ -n ${KNOT_PID:-} ]] && kill_pid "$KNOT_PID" knotd && say "stopped knotd (pid $KNOT_PID)"
    rm -f "$RUNDIR/knotd.pid"
    KNOT_PID=
}

dump_log() {
    local f
    for f in "$@"; do
        [[ -s $f ]] || continue
        say "---- $f ----"
        tail -n 60 "$f" >&2
    done
}

do_start() {
    ensure_tools
    do_stop quiet
    check_port_free "$KNOT_PORT" Knot RDC_KNOT_PORT
    check_port_free "$UNBOUND_PORT" Unbound RDC_UNBOUND_PORT

    [[ -d $ZONES_SRC ]] || die "zone directory $ZONES_SRC not found"
    rm -rf "$RUNDIR/zones" "$RUNDIR/db"
    mkdir -p "$RUNDIR/zones" "$RUNDIR/db"
    cp "$ZONES_SRC"/*.zone "$RUNDIR/zones/"
    rm -rf "$RUNDIR/bulk"
    mkdir -p "$RUNDIR/bulk"
    gen_bulk_zones "$RUNDIR/bulk"
    cp "$RUNDIR"/bulk/*.zone "$RUNDIR/zones/"
    : >"$RUNDIR/knotd.out"

    local listen_v4="\"127.0.0.1@$KNOT_PORT\""
    local listen_both="$listen_v4, \"::1@$KNOT_PORT\""
    local have_v6=no rc=0
    if ipv6_loopback_available; then
        start_knot "$listen_both" || rc=$?
        if [[ $rc -eq 0 ]]; then
            if probe ::1 "$KNOT_PORT"; then
                have_v6=yes
            else
                say "Knot does not answer on [::1]:$KNOT_PORT; restarting it on 127.0.0.1 only"
                stop_knot_started
            fi
        elif [[ $rc -eq 1 ]]; then
            dump_log "$RUNDIR/knot.log" "$RUNDIR/knotd.out"
            say "Knot exited when asked to listen on 127.0.0.1 and ::1; retrying on 127.0.0.1 only"
            stop_knot_started
        fi
    else
        say "no usable ::1 on this machine; Knot listens on 127.0.0.1 only"
        rc=1
    fi
    if [[ $have_v6 == no && $rc -ne 2 ]]; then
        rc=0
        start_knot "$listen_v4" || rc=$?
    fi
    if [[ $rc -ne 0 ]]; then
        dump_log "$RUNDIR/knot.log" "$RUNDIR/knotd.out"
        stop_knot_started
        die "Knot did not answer on 127.0.0.1:$KNOT_PORT within ${WAIT_SECONDS}s"
    fi
    if knot_load_errors; then
        dump_log "$RUNDIR/knot.log"
        stop_knot_started
        die "Knot could not load some zone (see above)"
    fi
    # knotd writes its pidfile right after binding; make sure it is there.
    [[ -s $RUNDIR/knotd.pid ]] || printf '%s\n' "$KNOT_PID" >"$RUNDIR/knotd.pid"
    if [[ $have_v6 == yes ]]; then
        printf '127.0.0.1:%s\n[::1]:%s\n' "$KNOT_PORT" "$KNOT_PORT" >"$RUNDIR/knot.addresses"
    else
        printf '127.0.0.1:%s\n' "$KNOT_PORT" >"$RUNDIR/knot.addresses"
    fi

    write_unbound_conf
    if ! unbound-checkconf "$RUNDIR/unbound.conf" >"$RUNDIR/unbound-checkconf.out" 2>&1; then
        cat "$RUNDIR/unbound-checkconf.out" >&2
        do_stop quiet
        die "generated unbound.conf is invalid"
    fi
    : >"$RUNDIR/unbound.log"
    : >"$RUNDIR/unbound.out"
    setsid unbound -d -c "$RUNDIR/unbound.conf" >>"$RUNDIR/unbound.out" 2>&1 </dev/null &
    local upid=$! i ok=no
    printf '%s\n' "$upid" >"$RUNDIR/unbound.pid"
    for ((i = 0; i < WAIT_SECONDS * 5; i++)); do
        kill -0 "$upid" 2>/dev/null || break
        if probe 127.0.0.1 "$UNBOUND_PORT"; then
            ok=yes
            break
        fi
        sleep 0.2
    done
    if [[ $ok != yes ]]; then
        dump_log "$RUNDIR/unbound.log" "$RUNDIR/unbound.out"
        do_stop quiet
        die "Unbound did not answer on 127.0.0.1:$UNBOUND_PORT within ${WAIT_SECONDS}s"
    fi

    say "Knot    (pid $(cat "$RUNDIR/knotd.pid")) on $(paste -sd' ' "$RUNDIR/knot.addresses")"
    say "Unbound (pid $upid) on 127.0.0.1:$UNBOUND_PORT"
}

do_stop() {
    local quiet=${1:-}
    [[ -d $RUNDIR ]] || return 0
    stop_one "$RUNDIR/unbound.pid" unbound
    stop_one "$RUNDIR/knotd.pid" knotd
    [[ -n $quiet ]] || say "stopped (RUNDIR $RUNDIR)"
}

do_status() {
    local rc=0 pid
    if pid=$(pid_alive "$RUNDIR/knotd.pid" knotd); then
        if probe 127.0.0.1 "$KNOT_PORT"; then
            printf 'knot: running (pid %s), answering on %s\n' "$pid" \
                "$(paste -sd' ' "$RUNDIR/knot.addresses" 2>/dev/null || echo "127.0.0.1:$KNOT_PORT")"
        else
            printf 'knot: running (pid %s) but NOT answering on 127.0.0.1:%s\n' "$pid" "$KNOT_PORT"
            rc=1
        fi
    else
        printf 'knot: not running\n'
        rc=1
    fi
    if pid=$(pid_alive "$RUNDIR/unbound.pid" unbound); then
        if probe 127.0.0.1 "$UNBOUND_PORT"; then
            printf 'unbound: running (pid %s), answering on 127.0.0.1:%s\n' "$pid" "$UNBOUND_PORT"
        else
            printf 'unbound: running (pid %s) but NOT answering on 127.0.0.1:%s\n' "$pid" \
                "$UNBOUND_PORT"
            rc=1
        fi
    else
        printf 'unbound: not running\n'
        rc=1
    fi
    return "$rc"
}

[[ $# -eq 2 ]] || usage
ACTION=$1
RUNDIR=$2
[[ -n $RUNDIR ]] || usage

case $ACTION in
start)
    mkdir -p "$RUNDIR"
    RUNDIR=$(cd "$RUNDIR" && pwd)
    do_start
    ;;
stop)
    [[ -d $RUNDIR ]] && RUNDIR=$(cd "$RUNDIR" && pwd)
    do_stop
    ;;
status)
    [[ -d $RUNDIR ]] && RUNDIR=$(cd "$RUNDIR" && pwd)
    do_status
    ;;
*)
    usage
    ;;
esac
