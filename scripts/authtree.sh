#!/usr/bin/env bash
# authtree.sh - a delegated reverse DNS tree on loopback for the --authority
# and --wait tests: several Knot DNS instances (a parent and the providers'
# authoritative servers), a lame server, a black hole, and a recursive Unbound
# in front that follows the real delegations. Layout, names and the expected
# answers: tests/authority/README.md.
#
# Usage: scripts/authtree.sh COMMAND RUNDIR [ARGS]
#
#   start   RUNDIR               (re)start every server; waits until each answers
#   stop    RUNDIR               stop them (by the pidfiles in RUNDIR); never fails
#   status  RUNDIR               show what runs; exit 0 if every server answers
#   set     RUNDIR SERVER FILE   serve zone FILE (zone name from its $ORIGIN) on
#                                SERVER (p, k1..k5) instead of the zone it has,
#                                reload it with knotc, wait until it is served
#   restore RUNDIR [SERVER...]   put back the original zones (of every server, or
#                                of those given) where they were changed; reload
#   flush   RUNDIR [ZONE...]     drop ZONE and everything below from Unbound's
#                                cache (no ZONE: the whole cache)
#   queries RUNDIR SERVER        how many queries SERVER (p, k1..k5, lame, dead)
#                                has received since it started
#
# Servers (all on port 53 of 127.0.10.x by default, so the tests need root;
# RDC_AUTHTREE_NET and RDC_AUTHTREE_PORT move them, see Environment):
#   p     127.0.10.1   Knot: in-addr.arpa., ip6.arpa., test. (the delegations)
#   ub    127.0.10.2   Unbound, recursive (stub-zones for those three -> p)
#   root  127.0.10.3   Knot: . (delegates test., in-addr.arpa., ip6.arpa. to p),
#                      the judges' root (RUNDIR/root.hints), not Unbound's
#   k1/k2 127.0.10.11/12  Knot: isp-a.test., 2.0.192.in-addr.arpa.,
#                         1.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa. (consistent)
#   k3/k4 127.0.10.13/14  Knot: isp-b.test., 100.51.198.in-addr.arpa.
#                         (different serials and PTRs)
#   k5    127.0.10.15  Knot: isp-c.test., 113.0.203.in-addr.arpa.
#   lame  127.0.10.16  Knot serving none of those zones: REFUSED
#   dead  127.0.10.17  tests/fakedns dropping every query: a black hole
#
# Everything (configs, zone copies, databases, logs, pidfiles, sockets) lives in
# RUNDIR. Nothing listens on or queries anything but NET.0/24; the system
# resolver and any system knot/unbound service are neither used nor touched.
#
# Environment:
#   RDC_FAKEDNS_BIN     the fakedns responder (default: the first of
#                       build*/tests/fakedns/fakedns of this source tree)
#   RDC_AUTHTREE_ZONES  zone files (default tests/authority/zones)
#   RDC_AUTHTREE_NET    the first three octets of the servers' addresses
#                       (default 127.0.10; any 127.X.Y): the zone files' glue
#                       and NS addresses (written 127.0.10.x) are rewritten to
#                       it as they are installed, so two trees can run side by
#                       side on one machine
#   RDC_AUTHTREE_PORT   the port every server listens on (default 53). Glue
#                       records carry no port: Unbound and rdnscheck follow a
#                       delegation to port 53 only, so another port suits the
#                       kdig checks of a single server, not the tests
set -euo pipefail

PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/lib.sh
source "$SCRIPT_DIR/lib.sh" # ensure_packages, pid_alive, kill_pid
SRC_DIR=$(cd "$SCRIPT_DIR/.." && pwd)
ZONES_SRC=${RDC_AUTHTREE_ZONES:-$SRC_DIR/tests/authority/zones}
NET=${RDC_AUTHTREE_NET:-127.0.10}
PORT=${RDC_AUTHTREE_PORT:-53}
[[ $NET =~ ^127\.(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\.(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])$ ]] ||
    { printf 'authtree.sh: error: RDC_AUTHTREE_NET=%s is not 127.X.Y\n' "$NET" >&2; exit 2; }
if ! [[ $PORT =~ ^[1-9][0-9]{0,4}$ ]] || ((PORT > 65535)); then
    printf 'authtree.sh: error: RDC_AUTHTREE_PORT=%s is not a port\n' "$PORT" >&2
    exit 2
fi
WAIT_SECONDS=15

KNOTS=(p root k1 k2 k3 k4 k5 lame)
declare -A ADDR=(
    [p]=$NET.1 [ub]=$NET.2 [root]=$NET.3
    [k1]=$NET.11 [k2]=$NET.12 [k3]=$NET.13 [k4]=$NET.14
    [k5]=$NET.15 [lame]=$NET.16 [dead]=$NET.17
)
# The zone files each Knot instance serves (in ZONES_SRC; zone name from $ORIGIN).
declare -A FILES=(
    [p]="test.zone in-addr.arpa.zone ip6.arpa.zone"
    [root]="root.zone"
    [k1]="isp-a.test.zone 2.0.192.in-addr.arpa.zone 1.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.zone"
    [k2]="isp-a.test.zone 2.0.192.in-addr.arpa.zone 1.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.zone"
    [k3]="isp-b.test.zone 100.51.198.in-addr.arpa.k3.zone"
    [k4]="isp-b.test.zone 100.51.198.in-addr.arpa.k4.zone"
    [k5]="isp-c.test.zone 113.0.203.in-addr.arpa.zone 64-26.113.0.203.in-addr.arpa.zone
          3.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.zone 4.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.zone"
    [lame]=""
)
# Zones Unbound answers locally by default (RFC 6761/6303/5737/3849); switched
# off so that queries for them follow the delegations.
UNBOUND_NODEFAULT=(test. 2.0.192.in-addr.arpa. 100.51.198.in-addr.arpa.
    113.0.203.in-addr.arpa. 8.b.d.0.1.0.0.2.ip6.arpa.)
# Unbound reaches these through the parent; "." too, so that anything else is
# REFUSED by p and SERVFAILs at once instead of waiting for the real root.
UNBOUND_STUBS=(in-addr.arpa. ip6.arpa. test. .)

say() {
    printf 'authtree.sh: %s\n' "$*" >&2
}

die() {
    say "error: $*"
    exit 1
}

usage() {
    cat >&2 <<EOF
Usage: $0 start|stop|status RUNDIR
       $0 set RUNDIR SERVER ZONEFILE
       $0 restore RUNDIR [SERVER...]
       $0 flush RUNDIR [ZONE...]
       $0 queries RUNDIR SERVER
EOF
    exit 2
}

ensure_tools() {
    local absent=0 tool
    for tool in knotd knotc kdig unbound unbound-checkconf unbound-control; do
        command -v "$tool" >/dev/null 2>&1 || absent=1
    done
    [[ $absent -eq 0 ]] && return 0
    ensure_packages knot knot-dnsutils unbound
    for tool in knotd knotc kdig unbound unbound-checkconf unbound-control; do
        command -v "$tool" >/dev/null 2>&1 || die "$tool still missing after apt-get install"
    done
}

find_fakedns() {
    local f
    if [[ -n ${RDC_FAKEDNS_BIN:-} ]]; then
        [[ -x $RDC_FAKEDNS_BIN ]] || die "RDC_FAKEDNS_BIN=$RDC_FAKEDNS_BIN is not an executable"
        printf '%s\n' "$RDC_FAKEDNS_BIN"
        return 0
    fi
    for f in "$SRC_DIR"/build/tests/fakedns/fakedns "$SRC_DIR"/build*/tests/fakedns/fakedns; do
        if [[ -x $f ]]; then
            printf '%s\n' "$f"
            return 0
        fi
    done
    die "no fakedns binary found (build the fakedns_bin target, or set RDC_FAKEDNS_BIN)"
}

stop_one() {
    local pidfile=$1 name=$2 label=$3 pid
    if pid=$(pid_alive "$pidfile" "$name"); then
        kill_pid "$pid" "$name"
        [[ -n ${QUIET:-} ]] || say "stopped $label (pid $pid)"
    fi
    rm -f "$pidfile"
}

# port_taken: print the UDP/TCP listeners on PORT that would keep one of
# our addresses from binding (one in NET.0/24, or a wildcard).
port_taken() {
    command -v ss >/dev/null 2>&1 || return 0
    ss -Hlnut "sport = :$PORT" 2>/dev/null | awk -v net="$NET." '
        { a = $5; sub(/:[0-9]+$/, "", a); sub(/%.*/, "", a)
          if (index(a, net) == 1 || a == "0.0.0.0" || a == "*" || a == "[::]") print }'
}

# localize SRC DEST: copy zone file SRC to DEST with the default net's
# addresses (127.0.10.x) rewritten to NET's.
localize() {
    sed "s/127\.0\.10\./$NET./g" "$1" >"$2"
}

# zone_of FILE: the zone name ($ORIGIN, with the trailing dot).
zone_of() {
    local origin
    origin=$(awk '$1 == "$ORIGIN" { print $2; exit }' "$1")
    [[ -n $origin ]] || die "$1 has no \$ORIGIN line"
    [[ $origin == *. ]] || origin="$origin."
    printf '%s\n' "$origin"
}

# serial_of FILE: the SOA serial written in FILE (one-line SOA), or nothing.
serial_of() {
    awk '!/^[ \t]*;/ { for (i = 1; i <= NF; i++) if (toupper($i) == "SOA") { print $(i + 3); exit } }' "$1"
}

# kq ADDR kdig-args...: one quick query; prints kdig's output (empty when the
# server did not answer).
kq() {
    local addr=$1
    shift
    kdig "@$addr" -p "$PORT" +time=1 +retry=0 +norecurse "$@" 2>/dev/null || true
}

# answers ADDR: true if the server at ADDR sends any DNS reply at all.
answers() {
    local out
    out=$(kq "$1" SOA test.)
    [[ $out == *'status: '* ]]
}

# resolves: true if Unbound resolves SOA test. through p (the stub works).
resolves() {
    local out
    out=$(kdig "@${ADDR[ub]}" -p "$PORT" +time="$1" +retry=0 SOA test. 2>/dev/null) || true
    [[ $out == *'status: NOERROR'* ]]
}

soa_serial_at() {
    kq "$1" +short SOA "$2" | awk 'NF >= 7 { print $3; exit }'
}

knot_dir() {
    printf '%s/knot-%s\n' "$RUNDIR" "$1"
}

knot_socket_path() {
    local p
    p="$(knot_dir "$1")/knot.sock"
    if ((${#p} > 100)); then
        p="${TMPDIR:-/tmp}/rdc-authtree-$(id -u)-$1.sock"
    fi
    printf '%s\n' "$p"
}

knotc_of() {
    local s=$1
    shift
    knotc -c "$(knot_dir "$s")/knot.conf" "$@"
}

write_knot_conf() {
    local s=$1 dir f zone
    dir=$(knot_dir "$s")
    {
        printf '# Generated by scripts/authtree.sh; do not edit.\n'
        printf 'server:\n'
        printf '    rundir: "%s"\n' "$dir"
        printf '    pidfile: "%s/knotd.pid"\n' "$dir"
        printf '    listen: "%s@%s"\n' "${ADDR[$s]}" "$PORT"
        printf '    udp-workers: 1\n'
        printf '    tcp-workers: 1\n'
        printf '    background-workers: 1\n'
        printf 'log:\n'
        printf '  - target: "%s/knot.log"\n' "$dir"
        printf '    any: info\n'
        printf 'control:\n'
        printf '    listen: "%s"\n' "$(knot_socket_path "$s")"
        printf 'database:\n'
        printf '    storage: "%s/db"\n' "$dir"
        # Per-protocol query counters ("queries" command).
        printf 'mod-stats:\n'
        printf '  - id: counters\n'
        printf '    request-protocol: on\n'
        printf 'template:\n'
        printf '  - id: default\n'
        printf '    storage: "%s/zones"\n' "$dir"
        printf '    zonefile-sync: -1\n'
        printf '    zonefile-load: whole\n'
        printf '    journal-content: none\n'
        printf '    global-module: mod-stats/counters\n'
        if [[ -n ${FILES[$s]} ]]; then
            printf 'zone:\n'
            for f in ${FILES[$s]}; do
                zone=$(zone_of "$ZONES_SRC/$f")
                printf '  - domain: "%s"\n' "$zone"
                printf '    file: "%szone"\n' "$zone"
            done
        fi
    } >"$dir/knot.conf"
}

# install_zones SERVER: copy the original zone files to the server's storage,
# named ZONE.zone ("2.0.192.in-addr.arpa.zone").
install_zones() {
    local s=$1 dir f
    dir=$(knot_dir "$s")
    mkdir -p "$dir/zones"
    for f in ${FILES[$s]}; do
        localize "$ZONES_SRC/$f" "$dir/zones/$(zone_of "$ZONES_SRC/$f")zone"
    done
}

# launch_knot SERVER: write its config and zones, start knotd in the background.
launch_knot() {
    local s=$1 dir
    dir=$(knot_dir "$s")
    rm -rf "$dir"
    mkdir -p "$dir/db"
    install_zones "$s"
    write_knot_conf "$s"
    knotc -c "$dir/knot.conf" conf-check >"$dir/conf-check.out" 2>&1 ||
        { cat "$dir/conf-check.out" >&2; die "knot.conf of $s is invalid"; }
    : >"$dir/knot.log"
    # setsid execs in place (the shell's child is no group leader): $! is knotd,
    # which also writes the pidfile itself.
    setsid knotd -c "$dir/knot.conf" >"$dir/knotd.out" 2>&1 </dev/null &
    printf '%s\n' "$!" >"$dir/knotd.pid"
}

# wait_knot SERVER: wait until it answers; fail on zone-load errors.
wait_knot() {
    local s=$1 dir pid i
    dir=$(knot_dir "$s")
    pid=$(tr -dc '0-9' <"$dir/knotd.pid")
    for ((i = 0; i < WAIT_SECONDS * 5; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        if answers "${ADDR[$s]}"; then
            if grep -E 'error: \[' "$dir/knot.log" >&2; then
                do_stop
                die "Knot $s could not load a zone (see above; log $dir/knot.log)"
            fi
            return 0
        fi
        sleep 0.2
    done
    tail -n 30 "$dir/knot.log" "$dir/knotd.out" >&2 || true
    do_stop
    die "Knot $s did not answer on ${ADDR[$s]}:$PORT within ${WAIT_SECONDS}s"
}

start_dead() {
    local dir="$RUNDIR/dead" bin pid i
    bin=$(find_fakedns)
    rm -rf "$dir"
    mkdir -p "$dir"
    printf '# A black hole: receive every query (UDP and TCP), answer none.\ndefault drop\n' \
        >"$dir/script"
    setsid "$bin" -s "$dir/script" -a "${ADDR[dead]}" -p "$PORT" -P "$dir/port" \
        -l "$dir/queries.log" >"$dir/fakedns.out" 2>&1 </dev/null &
    pid=$!
    printf '%s\n' "$pid" >"$dir/fakedns.pid"
    for ((i = 0; i < WAIT_SECONDS * 5; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        [[ -s $dir/port ]] && return 0
        sleep 0.2
    done
    cat "$dir/fakedns.out" >&2 || true
    do_stop
    die "the black hole (fakedns) did not start on ${ADDR[dead]}:$PORT"
}

write_unbound_conf() {
    local dir="$RUNDIR/unbound" z
    {
        printf '# Generated by scripts/authtree.sh; do not edit.\n'
        printf 'server:\n'
        printf '    verbosity: 1\n'
        printf '    interface: %s\n' "${ADDR[ub]}"
        printf '    port: %s\n' "$PORT"
        printf '    do-ip4: yes\n'
        printf '    do-ip6: no\n'
        printf '    do-udp: yes\n'
        printf '    do-tcp: yes\n'
        printf '    so-reuseport: no\n'
        printf '    num-threads: 1\n'
        printf '    access-control: 127.0.0.0/8 allow\n'
        printf '    directory: "%s"\n' "$dir"
        printf '    chroot: ""\n'
        printf '    username: ""\n'
        printf '    pidfile: "%s/unbound.pid"\n' "$dir"
        printf '    logfile: "%s/unbound.log"\n' "$dir"
        printf '    use-syslog: no\n'
        printf '    log-time-ascii: yes\n'
        printf '    do-daemonize: no\n'
        printf '    module-config: "iterator"\n'
        printf '    do-not-query-localhost: no\n'
        printf '    qname-minimisation: no\n'
        printf '    rrset-roundrobin: no\n'
        # Cached answers must age exactly by their TTLs (the stale-cache case).
        printf '    prefetch: no\n'
        printf '    serve-expired: no\n'
        printf '    cache-min-ttl: 0\n'
        printf '    cache-max-negative-ttl: 3600\n'
        printf '    infra-host-ttl: 60\n'
        for z in "${UNBOUND_NODEFAULT[@]}"; do
            printf '    local-zone: "%s" nodefault\n' "$z"
        done
        printf 'remote-control:\n'
        printf '    control-enable: yes\n'
        printf '    control-interface: "%s"\n' "$(unbound_socket_path)"
        printf '    control-use-cert: no\n'
        for z in "${UNBOUND_STUBS[@]}"; do
            printf 'stub-zone:\n    name: "%s"\n    stub-addr: %s@%s\n' "$z" "${ADDR[p]}" "$PORT"
        done
    } >"$dir/unbound.conf"
}

unbound_socket_path() {
    local p="$RUNDIR/unbound/control.sock"
    if ((${#p} > 100)); then
        p="${TMPDIR:-/tmp}/rdc-authtree-$(id -u)-unbound.sock"
    fi
    printf '%s\n' "$p"
}

uctl() {
    unbound-control -c "$RUNDIR/unbound/unbound.conf" "$@"
}

start_unbound() {
    local dir="$RUNDIR/unbound" pid i
    rm -rf "$dir"
    mkdir -p "$dir"
    write_unbound_conf
    unbound-checkconf "$dir/unbound.conf" >"$dir/checkconf.out" 2>&1 ||
        { cat "$dir/checkconf.out" >&2; do_stop; die "generated unbound.conf is invalid"; }
    : >"$dir/unbound.log"
    setsid unbound -d -c "$dir/unbound.conf" >"$dir/unbound.out" 2>&1 </dev/null &
    pid=$!
    printf '%s\n' "$pid" >"$dir/unbound.pid"
    for ((i = 0; i < WAIT_SECONDS * 5; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        if resolves 1; then
            return 0
        fi
        sleep 0.2
    done
    tail -n 30 "$dir/unbound.log" "$dir/unbound.out" >&2 || true
    do_stop
    die "Unbound did not resolve SOA test. on ${ADDR[ub]}:$PORT within ${WAIT_SECONDS}s"
}

do_start() {
    local s taken
    ensure_tools
    find_fakedns >/dev/null
    QUIET=1 do_stop
    taken=$(port_taken)
    if [[ -n $taken ]]; then
        printf '%s\n' "$taken" >&2
        die "port $PORT is taken on a $NET.x or wildcard address (see above)"
    fi
    for s in "${KNOTS[@]}"; do
        launch_knot "$s"
    done
    for s in "${KNOTS[@]}"; do
        wait_knot "$s"
    done
    start_dead
    # root hints for the judges (zonemaster-cli --hints): the tree's root
    printf '.\t3600000\tNS\tns.root.test.\nns.root.test.\t3600000\tA\t%s\n' "${ADDR[root]}" \
        >"$RUNDIR/root.hints"
    start_unbound
    for s in "${KNOTS[@]}"; do
        say "Knot $s on ${ADDR[$s]}:$PORT (pid $(cat "$(knot_dir "$s")/knotd.pid"))"
    done
    say "black hole dead on ${ADDR[dead]}:$PORT (pid $(cat "$RUNDIR/dead/fakedns.pid"))"
    say "Unbound on ${ADDR[ub]}:$PORT (pid $(cat "$RUNDIR/unbound/unbound.pid"))"
}

do_stop() {
    local s
    [[ -d $RUNDIR ]] || return 0
    stop_one "$RUNDIR/unbound/unbound.pid" unbound "Unbound"
    stop_one "$RUNDIR/dead/fakedns.pid" fakedns "black hole"
    for s in "${KNOTS[@]}"; do
        stop_one "$(knot_dir "$s")/knotd.pid" knotd "Knot $s"
    done
    [[ -n ${QUIET:-} ]] || say "stopped (RUNDIR $RUNDIR)"
}

do_status() {
    local rc=0 s pid
    for s in "${KNOTS[@]}"; do
        if pid=$(pid_alive "$(knot_dir "$s")/knotd.pid" knotd); then
            if answers "${ADDR[$s]}"; then
                printf '%-5s knot     %-12s running (pid %s), answering\n' "$s" "${ADDR[$s]}" "$pid"
            else
                printf '%-5s knot     %-12s running (pid %s), NOT answering\n' "$s" "${ADDR[$s]}" "$pid"
                rc=1
            fi
        else
            printf '%-5s knot     %-12s not running\n' "$s" "${ADDR[$s]}"
            rc=1
        fi
    done
    if pid=$(pid_alive "$RUNDIR/dead/fakedns.pid" fakedns); then
        printf '%-5s fakedns  %-12s running (pid %s), black hole\n' dead "${ADDR[dead]}" "$pid"
    else
        printf '%-5s fakedns  %-12s not running\n' dead "${ADDR[dead]}"
        rc=1
    fi
    if pid=$(pid_alive "$RUNDIR/unbound/unbound.pid" unbound); then
        if resolves 2; then
            printf '%-5s unbound  %-12s running (pid %s), resolving\n' ub "${ADDR[ub]}" "$pid"
        else
            printf '%-5s unbound  %-12s running (pid %s), NOT resolving\n' ub "${ADDR[ub]}" "$pid"
            rc=1
        fi
    else
        printf '%-5s unbound  %-12s not running\n' ub "${ADDR[ub]}"
        rc=1
    fi
    return "$rc"
}

# server_name ARG: p, k1..k5 or lame, also given by address.
server_name() {
    local a=$1 s
    for s in "${KNOTS[@]}" dead; do
        if [[ $a == "$s" || $a == "${ADDR[$s]}" ]]; then
            printf '%s\n' "$s"
            return 0
        fi
    done
    die "unknown server '$a' (p, k1..k5, lame, dead or their addresses)"
}

# reload SERVER ZONE FILE: make Knot SERVER load FILE (already in place) for
# ZONE and wait until it serves FILE's serial.
reload_zone() {
    local s=$1 zone=$2 file=$3 want got i
    knotc_of "$s" -b zone-reload "$zone" >/dev/null ||
        die "knotc zone-reload $zone failed on $s (log $(knot_dir "$s")/knot.log)"
    want=$(serial_of "$file")
    [[ -n $want ]] || return 0
    for ((i = 0; i < WAIT_SECONDS * 10; i++)); do
        got=$(soa_serial_at "${ADDR[$s]}" "$zone")
        [[ $got == "$want" ]] && return 0
        sleep 0.1
    done
    tail -n 20 "$(knot_dir "$s")/knot.log" >&2 || true
    die "$s still serves serial ${got:-none} of $zone, not $want, after the reload"
}

do_set() {
    local s zone file=$2 dir
    s=$(server_name "$1")
    [[ $s != lame && $s != dead ]] || die "$s serves no zone"
    [[ -f $file ]] || die "no such zone file: $file"
    zone=$(zone_of "$file")
    dir=$(knot_dir "$s")
    pid_alive "$dir/knotd.pid" knotd >/dev/null || die "Knot $s is not running (RUNDIR $RUNDIR)"
    grep -qF "domain: \"$zone\"" "$dir/knot.conf" || die "$s does not serve $zone"
    localize "$file" "$dir/zones/${zone}zone.new"
    mv -f "$dir/zones/${zone}zone.new" "$dir/zones/${zone}zone"
    reload_zone "$s" "$zone" "$dir/zones/${zone}zone"
    say "$s serves $zone from $(basename "$file") (serial $(serial_of "$file"))"
}

do_restore() {
    local s f zone dir target list=("$@")
    ((${#list[@]})) || list=("${KNOTS[@]}")
    for s in "${list[@]}"; do
        s=$(server_name "$s")
        dir=$(knot_dir "$s")
        [[ -d $dir ]] || continue
        pid_alive "$dir/knotd.pid" knotd >/dev/null || die "Knot $s is not running (RUNDIR $RUNDIR)"
        for f in ${FILES[$s]:-}; do
            zone=$(zone_of "$ZONES_SRC/$f")
            target="$dir/zones/${zone}zone"
            localize "$ZONES_SRC/$f" "$target.new"
            if cmp -s "$target.new" "$target"; then
                rm -f "$target.new"
                continue
            fi
            mv -f "$target.new" "$target"
            reload_zone "$s" "$zone" "$target"
            say "$s serves the original $zone again (serial $(serial_of "$target"))"
        done
    done
}

do_flush() {
    local z
    pid_alive "$RUNDIR/unbound/unbound.pid" unbound >/dev/null ||
        die "Unbound is not running (RUNDIR $RUNDIR)"
    if (($# == 0)); then
        uctl flush_zone . >/dev/null
        uctl flush_infra all >/dev/null
        return 0
    fi
    for z in "$@"; do
        uctl flush_zone "$z" >/dev/null
    done
}

do_queries() {
    local s
    s=$(server_name "$1")
    if [[ $s == dead ]]; then
        [[ -f $RUNDIR/dead/queries.log ]] || die "the black hole is not running"
        wc -l <"$RUNDIR/dead/queries.log" | tr -d ' '
        return 0
    fi
    pid_alive "$(knot_dir "$s")/knotd.pid" knotd >/dev/null || die "Knot $s is not running"
    # "mod-stats.request-protocol[udp4] = 12" per protocol; absent before the first query.
    knotc_of "$s" stats mod-stats.request-protocol 2>/dev/null |
        awk -F' = ' '{ n += $2 } END { print n + 0 }'
}

[[ $# -ge 2 ]] || usage
ACTION=$1
RUNDIR=$2
shift 2
[[ -n $RUNDIR ]] || usage
if [[ $ACTION == start ]]; then
    mkdir -p "$RUNDIR"
fi
if [[ -d $RUNDIR ]]; then
    RUNDIR=$(cd "$RUNDIR" && pwd)
elif [[ $ACTION != stop && $ACTION != status ]]; then
    die "no such RUNDIR: $RUNDIR"
fi

case $ACTION in
start)
    [[ $# -eq 0 ]] || usage
    do_start
    ;;
stop)
    [[ $# -eq 0 ]] || usage
    do_stop
    ;;
status)
    [[ $# -eq 0 ]] || usage
    do_status
    ;;
set)
    [[ $# -eq 2 ]] || usage
    do_set "$@"
    ;;
restore)
    do_restore "$@"
    ;;
flush)
    do_flush "$@"
    ;;
queries)
    [[ $# -eq 1 ]] || usage
    do_queries "$1"
    ;;
*)
    usage
    ;;
esac
