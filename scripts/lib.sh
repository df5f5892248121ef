# shellcheck shell=bash
# lib.sh - shell helpers the project's scripts share (sourced, not run).

# ensure_packages PKG...: installs the Debian packages that are missing
# (apt-get, through sudo when not root), quietly unless RDC_VERBOSE_APT=1.
# Postfix is preseeded to "No configuration": scripts/mta.sh runs private
# instances only.
ensure_packages() {
    local p missing=() sudo=()
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
            missing+=("$p")
    done
    ((${#missing[@]})) || return 0
    echo "== installing: ${missing[*]}"
    [[ $(id -u) -eq 0 ]] || sudo=(sudo)
    export DEBIAN_FRONTEND=noninteractive
    echo 'postfix postfix/main_mailer_type select No configuration' |
        "${sudo[@]}" debconf-set-selections 2>/dev/null || true
    local aptq=(-qq)
    [[ ${RDC_VERBOSE_APT:-0} == 1 ]] && aptq=()
    "${sudo[@]}" apt-get update "${aptq[@]}"
    if [[ ${RDC_VERBOSE_APT:-0} == 1 ]]; then
        "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
    else
        "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
}

# deb_tool PKG FILE DIR: prints the path of FILE (as in the package, e.g.
# usr/bin/promtool) unpacked from Debian package PKG into DIR, without
# installing PKG: no dependencies, no service started (the prometheus
# package would start a server only to lend the tests its promtool).
deb_tool() {
    local pkg=$1 file=$2 dir=$3 deb
    mkdir -p "$dir"
    if ! (cd "$dir" && apt-get download -qq "$pkg" >/dev/null 2>&1); then
        apt-get update -qq >/dev/null 2>&1 || true
        (cd "$dir" && apt-get download -qq "$pkg" >/dev/null) || return 1
    fi
    local debs=("$dir/${pkg}"_*.deb)
    deb=${debs[0]}
    [[ -f $deb ]] && dpkg-deb -x "$deb" "$dir/root" && [[ -x $dir/root/$file ]] || return 1
    printf '%s\n' "$dir/root/$file"
}

# pid_alive PIDFILE NAME: print the pid if PIDFILE names a live process whose
# command line contains NAME (guards against recycled pids).
pid_alive() {
    local pidfile=$1 name=$2 pid
    [[ -f $pidfile ]] || return 1
    pid=$(tr -dc '0-9' <"$pidfile" 2>/dev/null || true)
    [[ -n $pid ]] || return 1
    running "$pid" || return 1
    if [[ -r /proc/$pid/cmdline ]]; then
        [[ $(tr '\0' ' ' <"/proc/$pid/cmdline") == *"$name"* ]] || return 1
    fi
    printf '%s\n' "$pid"
}

# running PID: true while PID exists and is not a zombie (a server started by
# an earlier run of this script has been reparented, and its new parent may
# reap it late).
running() {
    local state
    kill -0 "$1" 2>/dev/null || return 1
    state=$(awk '{ sub(/.*\) /, ""); print $1 }' "/proc/$1/stat" 2>/dev/null || true)
    [[ $state != Z ]]
}

# kill_pid PID NAME: SIGTERM, wait up to 10 s, then SIGKILL (said with the
# caller's say function).
kill_pid() {
    local pid=$1 name=$2 i
    running "$pid" || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
        running "$pid" || break
        sleep 0.1
    done
    if running "$pid"; then
        say "$name (pid $pid) did not stop on SIGTERM; sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
        for ((i = 0; i < 50; i++)); do
            running "$pid" || break
            sleep 0.1
        done
    fi
}

# The master.cf lines of a private Postfix instance other than its smtpd
# listener, none chrooted (column 5 "n": a chroot would need copies of
# /etc/services, resolv.conf, ... inside the queue directory); scripts/mta.sh
# and tests/receivers/judge.sh write their own listener before them.
postfix_services() {
    cat <<'EOF'
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOF
}
