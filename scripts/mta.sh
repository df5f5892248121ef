#!/usr/bin/env bash
# mta.sh - start/stop a private Postfix instance on a loopback address, a real
# SMTP server for the rdnscheck SMTP tests (greeting, EHLO, QUIT).
#
# Usage: scripts/mta.sh start|stop|status RUNDIR [--hostname NAME] [--port PORT] [--addr ADDR]
#
#   start   (re)start the instance of RUNDIR listening only on ADDR:PORT
#           (default 127.0.0.1:2525) and calling itself NAME (default
#           mail.example.test) in its 220 greeting and its EHLO answer. Waits
#           until it greets; installs the postfix package if it is missing.
#   stop    stop the instance of RUNDIR and every process of it; never fails,
#           also when nothing runs or RUNDIR does not exist.
#   status  print the greeting and EHLO answer; exit 0 if it answers, 1 if not.
#
# Every file lives in RUNDIR: conf/ (main.cf, master.cf: postfix -c RUNDIR/conf),
# queue/ (queue_directory, pid/master.pid), data/, log/maillog. The system's
# /etc/postfix instance is neither used nor touched (it may not even be
# configured); one instance per RUNDIR, so several can run at once on other
# addresses or ports (127.0.0.1:2525 and 127.0.0.2:2525 side by side).
#
# The instance accepts no mail: every RCPT (but <postmaster>, which RFC 5321
# makes special) and every DATA/BDAT is refused, every transport is "error",
# nothing is queued, relayed or delivered. It makes no DNS queries. ADDR must
# be a loopback address (127.0.0.0/8 or ::1) and PORT may not be 25. Needs
# root (Postfix's master must start as root); uses sudo -n for other users.
# RUNDIR is made 0755 and every directory above it must be searchable by the
# postfix user (so not under /root). A start takes about 3 s (postfix's own
# integrity check), plus about 10 s when the package must be installed.
set -euo pipefail

PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

WAIT_SECONDS=20
POSTFIX_MASTER=/usr/lib/postfix/sbin/master
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

say() {
    printf 'mta.sh: %s\n' "$*" >&2
}

die() {
    say "error: $*"
    exit 1
}

usage() {
    printf 'Usage: %s start|stop|status RUNDIR [--hostname NAME] [--port PORT] [--addr ADDR]\n' \
        "$0" >&2
    exit 2
}

# ------------------------------------------------------------------ arguments

[[ $# -ge 2 ]] || usage
CMD=$1
RUNDIR_ARG=$2
shift 2
NAME=mail.example.test
PORT=2525
ADDR=127.0.0.1
while [[ $# -gt 0 ]]; do
    case $1 in
    --hostname) [[ $# -ge 2 ]] || usage; NAME=$2; shift 2 ;;
    --port) [[ $# -ge 2 ]] || usage; PORT=$2; shift 2 ;;
    --addr) [[ $# -ge 2 ]] || usage; ADDR=$2; shift 2 ;;
    --hostname=*) NAME=${1#*=}; shift ;;
    --port=*) PORT=${1#*=}; shift ;;
    --addr=*) ADDR=${1#*=}; shift ;;
    *) usage ;;
    esac
done
case $CMD in start | stop | status) ;; *) usage ;; esac
[[ -n $RUNDIR_ARG ]] || usage

if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 || die "Postfix must be started as root, and there is no sudo"
    exec sudo -n -- "$0" "$CMD" "$RUNDIR_ARG" --hostname "$NAME" --port "$PORT" --addr "$ADDR"
fi

# The canonical absolute RUNDIR (symlinks resolved, no "." or ".."; it need not
# exist): processes are matched on MAIL_CONFIG=RUNDIR/conf, so "start ./x" and
# "stop x" must give one string.
RUNDIR=$(realpath -m -- "$RUNDIR_ARG")
[[ $RUNDIR != / ]] || die "RUNDIR may not be /"
CONF=$RUNDIR/conf
QUEUE=$RUNDIR/queue

validate_args() {
    if ! [[ $PORT =~ ^[0-9]{1,5}$ ]] || ((10#$PORT < 1 || 10#$PORT > 65535)); then
        die "bad port '$PORT'"
    fi
    PORT=$((10#$PORT))
    ((PORT != 25)) || die "port 25 is the system mail server's; use another (default 2525)"
    if [[ $ADDR =~ ^127\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})$ ]]; then
        local o
        for o in "${BASH_REMATCH[@]:1}"; do
            ((10#$o <= 255)) || die "bad address '$ADDR'"
        done
        FAMILY=ipv4
    elif [[ $ADDR == ::1 ]]; then
        FAMILY=ipv6
    else
        die "address '$ADDR' is not a loopback address (127.0.0.0/8 or ::1)"
    fi
    # A host name Postfix accepts as myhostname: LDH labels, at least one dot.
    [[ ${#NAME} -le 253 && $NAME =~ ^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$ ]] ||
        die "bad host name '$NAME' (letters, digits, '-', at least one dot)"
}

# ------------------------------------------------------------------ install

ensure_postfix() {
    if command -v postfix >/dev/null 2>&1 && command -v postconf >/dev/null 2>&1 &&
        [[ -x $POSTFIX_MASTER ]]; then
        return 0
    fi
    say "postfix missing; installing the postfix package (not configuring the system instance)"
    export DEBIAN_FRONTEND=noninteractive
    # "No configuration": the package writes no /etc/postfix/main.cf and starts
    # no system instance.
    echo 'postfix postfix/main_mailer_type select No configuration' | debconf-set-selections
    # --no-remove: never replace an installed MTA (exim4, ...) behind the user's back.
    local apt=(apt-get install -y --no-remove --no-install-recommends postfix)
    if ! "${apt[@]}"; then
        apt-get update
        "${apt[@]}" || die "could not install postfix (another MTA installed? see above)"
    fi
    [[ -x $POSTFIX_MASTER ]] || die "postfix installed but $POSTFIX_MASTER is missing"
}

# ------------------------------------------------------------------ processes

# instance_pids: the pids of every process of this instance: the master and its
# children carry MAIL_CONFIG=RUNDIR/conf in their environment (postfix -c sets
# it, import_environment keeps it).
instance_pids() {
    local f
    while IFS= read -r f; do
        f=${f#/proc/}
        printf '%s\n' "${f%/environ}"
    done < <(grep -lzxF "MAIL_CONFIG=$CONF" /proc/[0-9]*/environ 2>/dev/null || true)
}

# master_pid: the pid in queue/pid/master.pid if it is a live process of this
# instance (not a recycled pid); fails otherwise.
master_pid() {
    local f=$QUEUE/pid/master.pid pid
    [[ -f $f ]] || return 1
    pid=$(tr -dc '0-9' <"$f" 2>/dev/null || true)
    [[ -n $pid ]] || return 1
    grep -qzxF "MAIL_CONFIG=$CONF" "/proc/$pid/environ" 2>/dev/null || return 1
    printf '%s\n' "$pid"
}

# wait_gone TENTHS: wait until no process of the instance is left; false if
# some still run after TENTHS tenths of a second.
wait_gone() {
    local i
    for ((i = 0; i < $1; i++)); do
        [[ -n $(instance_pids) ]] || return 0
        sleep 0.1
    done
    [[ -z $(instance_pids) ]]
}

# do_stop [quiet]: SIGTERM to the master (what "postfix stop" does, without
# its polling in whole seconds), which ends its children; then SIGTERM and
# SIGKILL to any process of the instance that is still there. Never fails.
do_stop() {
    local quiet=${1:-} pid
    if pid=$(master_pid); then
        kill -TERM "$pid" 2>/dev/null || true
    fi
    if ! wait_gone 50; then
        for pid in $(instance_pids); do kill -TERM "$pid" 2>/dev/null || true; done
        if ! wait_gone 30; then
            for pid in $(instance_pids); do kill -KILL "$pid" 2>/dev/null || true; done
            wait_gone 20 || say "warning: processes of $RUNDIR survive SIGKILL: $(instance_pids)"
        fi
    fi
    rm -f "$QUEUE/pid/master.pid" 2>/dev/null || true
    [[ -n $quiet ]] || say "stopped the instance of $RUNDIR (if any)"
    return 0
}

# ------------------------------------------------------------------ probe

# smtp_dialogue ADDR PORT: connect, read the greeting, send EHLO and QUIT,
# print every line the server sends (CR removed). Fails when nothing greets.
# A subshell, so the connection (fd 3) is closed when it returns.
smtp_dialogue() (
    exec 3<>"/dev/tcp/$1/$2" || exit 1
    read_reply() {
        local line
        while IFS= read -r -t 5 line <&3; do
            line=${line%$'\r'}
            printf '%s\n' "$line"
            [[ $line =~ ^[0-9]{3}- ]] || return 0
        done
        return 1
    }
    read_reply || exit 1
    printf 'EHLO probe.mta-sh.test\r\n' >&3
    read_reply || exit 1
    printf 'QUIT\r\n' >&3
    read_reply || true
) 2>/dev/null

# probe ADDR PORT NAME: true when the greeting is "220 NAME ..." and EHLO
# answers "250-NAME" or "250 NAME".
probe() {
    local out
    out=$(smtp_dialogue "$1" "$2") || return 1
    grep -q "^220 $3 " <<<"$out" && grep -Eq "^250[- ]$3( |\$)" <<<"$out"
}

# port_busy: true when something listens on ADDR:PORT or on PORT of a wildcard.
port_busy() {
    command -v ss >/dev/null 2>&1 || return 1
    local a=$ADDR
    [[ $FAMILY == ipv6 ]] && a="[$ADDR]"
    [[ -n $(ss -Hltn "sport = :$PORT" 2>/dev/null | awk -v a="$a" -v p="$PORT" \
        '$4 == a ":" p || $4 == "0.0.0.0:" p || $4 == "*:" p || $4 == "[::]:" p') ]]
}

# ------------------------------------------------------------------ config

write_config() {
    local listen=$ADDR protocols=$FAMILY
    [[ $FAMILY == ipv6 ]] && listen="[$ADDR]"
    mkdir -p "$CONF" "$QUEUE" "$RUNDIR/data" "$RUNDIR/log"
    # Postfix daemons run as the postfix user inside RUNDIR: it must be able to
    # reach it (mktemp -d makes 0700 directories).
    chmod 0755 "$RUNDIR" "$CONF" "$QUEUE" "$RUNDIR/log"
    chown root:root "$CONF" "$QUEUE"
    chown postfix:postfix "$RUNDIR/data"
    chmod 0700 "$RUNDIR/data"
    cat >"$CONF/main.cf" <<EOF
# Generated by scripts/mta.sh; do not edit. A private test instance:
# postfix -c $CONF start|stop
compatibility_level = 3.6
queue_directory = $QUEUE
data_directory = $RUNDIR/data
meta_directory = /etc/postfix
mail_owner = postfix
setgid_group = postdrop
myhostname = $NAME
mydomain = $NAME
myorigin = \$myhostname
smtpd_banner = \$myhostname ESMTP Postfix (rdnscheck test)
# master.cf binds the smtpd to ADDR:PORT only. inet_interfaces = ADDR would
# be refused for 127.0.0.2 ("no local interface found"): lo only carries
# 127.0.0.1 although all of 127.0.0.0/8 answers.
inet_interfaces = loopback-only
inet_protocols = $protocols
mynetworks = 127.0.0.0/8 [::1]/128
mydestination =
relay_domains =
local_recipient_maps =
alias_maps =
alias_database =
# accept nothing, deliver nothing
smtpd_relay_restrictions = reject
smtpd_recipient_restrictions = reject
# RCPT TO:<postmaster> passes every restriction (RFC 5321 §4.5.1): stop at DATA
smtpd_data_restrictions = reject
smtpd_end_of_data_restrictions = reject
local_transport = error:5.7.1 this test server delivers nothing
default_transport = error:5.7.1 this test server delivers nothing
relay_transport = error:5.7.1 this test server delivers nothing
# no DNS: do not look up the client's name (the tests have no Internet)
smtpd_peername_lookup = no
smtp_dns_support_level = disabled
smtpd_tls_security_level = none
smtp_tls_security_level = none
disable_vrfy_command = yes
biff = no
append_dot_mydomain = no
readme_directory = no
html_directory = no
maillog_file = $RUNDIR/log/maillog
maillog_file_prefixes = $RUNDIR/log
EOF
    # No chroot anywhere (column 5 "n"): a chroot would need copies of
    # /etc/services, resolv.conf, ... inside the queue directory.
    cat >"$CONF/master.cf" <<EOF
# Generated by scripts/mta.sh; do not edit.
# service type  private unpriv  chroot  wakeup  maxproc command + args
$listen:$PORT inet n - n - - smtpd
$(postfix_services)
EOF
    printf 'addr=%s\nport=%s\nhostname=%s\n' "$ADDR" "$PORT" "$NAME" >"$RUNDIR/mta.env"
    if command -v runuser >/dev/null 2>&1 && ! runuser -u postfix -- test -x "$QUEUE"; then
        die "the postfix user cannot reach $RUNDIR: a directory above it is not searchable by others (e.g. /root is 0700); use a RUNDIR under /tmp or the build tree"
    fi
}

dump_log() {
    local f
    for f in "$RUNDIR/log/postfix.out" "$RUNDIR/log/maillog"; do
        [[ -s $f ]] || continue
        say "---- $f ----"
        tail -n 40 "$f" >&2
    done
}

# explain_failure: postfix(1) writes its fatal errors to stderr only when that
# is a terminal (else to syslog, absent in containers, or to the postlogd of
# the very instance that did not start): rerun the check under script(1)'s pty.
explain_failure() {
    command -v script >/dev/null 2>&1 || return 0
    say "---- postfix -c $CONF check ----"
    # shellcheck disable=SC2016 # expanded by the inner shell
    MTA_CONF=$CONF script -qec 'postfix -c "$MTA_CONF" check' /dev/null </dev/null >&2 || true
}

# ------------------------------------------------------------------ commands

do_start() {
    validate_args
    ensure_postfix
    mkdir -p "$RUNDIR/log"
    do_stop quiet
    if port_busy; then
        ss -Hltnp "sport = :$PORT" >&2 2>/dev/null || true
        die "$ADDR port $PORT is already in use; choose another with --port/--addr"
    fi
    write_config
    : >"$RUNDIR/log/postfix.out"
    # "start" runs the integrity check, which creates the queue subdirectories
    # with their owners and modes (post-install create-missing), and waits
    # until the master runs (master -w).
    if ! postfix -c "$CONF" start >>"$RUNDIR/log/postfix.out" 2>&1; then
        dump_log
        explain_failure
        do_stop quiet
        die "postfix -c $CONF did not start"
    fi
    local i
    for ((i = 0; i < WAIT_SECONDS * 5; i++)); do
        if probe "$ADDR" "$PORT" "$NAME"; then
            say "Postfix answers on $ADDR port $PORT as $NAME (master pid $(master_pid || echo '?'))"
            return 0
        fi
        sleep 0.2
    done
    dump_log
    smtp_dialogue "$ADDR" "$PORT" >&2 || true
    do_stop quiet
    die "Postfix did not greet as $NAME on $ADDR port $PORT within ${WAIT_SECONDS}s"
}

do_status() {
    [[ -f $RUNDIR/mta.env ]] || { say "no instance in $RUNDIR"; return 1; }
    local addr port hostname
    addr=$(sed -n 's/^addr=//p' "$RUNDIR/mta.env")
    port=$(sed -n 's/^port=//p' "$RUNDIR/mta.env")
    hostname=$(sed -n 's/^hostname=//p' "$RUNDIR/mta.env")
    if smtp_dialogue "$addr" "$port"; then
        return 0
    fi
    say "nothing answers on $addr port $port (instance $RUNDIR, $hostname)"
    return 1
}

case $CMD in
start) do_start ;;
stop) do_stop ;;
status) do_status ;;
esac
