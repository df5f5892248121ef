#!/usr/bin/env bash
# judge.sh - receivers as the judge: a real Postfix with
# reject_unknown_client_hostname decides, for every address of the
# integration zones, whether it accepts mail from it; its reply at RCPT TO is
# compared with rdnscheck's verdict (README, "Receivers as the judge").
#
# Usage: judge.sh RDNSCHECK SMTP_PROBE     (CTest: integration_receivers)
#
# Everything runs in a network namespace of its own, rdc-judge-PID, made and
# removed here (also on failure): its lo carries the checked addresses, so
# nothing is added to the host's interfaces (this machine's own network may
# use the documentation ranges the zones use). `ip netns exec` gives the
# namespace's processes a private mount namespace with
# /etc/netns/rdc-judge-PID/resolv.conf over /etc/resolv.conf: Postfix's
# smtpd (glibc getnameinfo/getaddrinfo) asks the test resolver, an Unbound on
# 127.0.0.1 port 53 in front of the project's Knot (scripts/servers.sh).
#
# Postfix (3.7, postconf(5)): reject_unknown_client_hostname with
# unknown_client_reject_code = 550, so a client whose PTR lookup fails, whose
# name does not resolve or does not resolve back to it gets 550 at RCPT, and a
# temporary DNS failure 450. Postfix takes only the FIRST name of a PTR set;
# the front Unbound rotates RRsets (rrset-roundrobin), so for an address with
# k names the test connects again until Postfix's log shows that it took
# each of the k names (at most CAP(k) connections, see below), and judges the
# address by the worst reply over its names: one 5xx -> fail, else one 4xx ->
# tempfail, else accept. rdnscheck pass/warn must be accept, fail 550,
# tempfail 450.
#
# The second judge is Exim 4.96 (`exim -bh ADDR`, the ACLs with real DNS
# lookups) with `verify = reverse_host_lookup`, RFC 8601 iprev: it is compared
# with `rdnscheck --iprev` (pass/warn: accept, fail: 550, tempfail: 451).
#
# Expected divergences are listed in divergences.txt next to this script,
# each with its judge and reason. The test fails on an unlisted divergence,
# on a listed one that no longer diverges and on a listed address that is not
# checked.
#
# Needs root. Installs postfix, knot, knot-dnsutils, unbound, jq, iproute2
# and the libraries exim4 needs when they are missing; unpacks exim4 from
# exim4-daemon-light (apt-get download). RDC_JUDGE_EXIM=0 leaves Exim out;
# RDC_JUDGE_KEEP=1 keeps the work directory.

# The verdict and judgement arrays are read through compare's namerefs,
# which shellcheck does not follow:
# shellcheck disable=SC2034
set -euo pipefail
PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

[[ $# -eq 2 ]] || {
    echo "Usage: $0 RDNSCHECK SMTP_PROBE" >&2
    exit 2
}
RDNSCHECK=$(realpath -- "$1")
PROBE=$(realpath -- "$2")
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
ZONES=$ROOT/tests/integration/zones
DIVERGENCES=$HERE/divergences.txt
# shellcheck source=../common/jsonschema.sh
. "$ROOT/tests/common/jsonschema.sh"
NS=rdc-judge-$$
SMTP_PORT=2525
RCPT=judge@judge.test

say() { printf 'judge: %s\n' "$*"; }
die() {
    printf 'judge: error: %s\n' "$*" >&2
    exit 1
}

[[ $(id -u) -eq 0 ]] || die "needs root (ip netns, Postfix's master)"
# shellcheck source=scripts/lib.sh
. "$ROOT/scripts/lib.sh"
ensure_packages postfix knot knot-dnsutils unbound jq iproute2
# the libraries of the unpacked exim4 (Exim judge, below) that a minimal
# system may lack
if [[ ${RDC_JUDGE_EXIM:-1} == 1 ]]; then
    ensure_packages libidn12 libgnutls-dane0 libdb5.3 libnsl2 libpcre2-8-0
fi
for t in postfix postconf knotd kdig unbound jq ip; do
    command -v "$t" >/dev/null 2>&1 || die "'$t' is missing"
done

# An earlier run killed with SIGKILL (a CTest timeout) could not clean up:
# end the processes left in its namespace (its own Postfix, Knot, Unbound)
# and remove the namespace, its /etc/netns files and its work directory.
for old in $(ip netns list 2>/dev/null | awk '$1 ~ /^rdc-judge-[0-9]+$/ { print $1 }'); do
    pid=${old#rdc-judge-}
    if kill -0 "$pid" 2>/dev/null && grep -qF judge.sh "/proc/$pid/cmdline" 2>/dev/null; then
        continue # a run still going on
    fi
    say "removing $old, left by a run that was killed"
    for p in $(ip netns pids "$old" 2>/dev/null); do kill -KILL "$p" 2>/dev/null || true; done
    ip netns del "$old" 2>/dev/null || true
    rm -rf "/etc/netns/$old" /tmp/rdc-judge-"$pid".*
done

WORK=$(mktemp -d "/tmp/rdc-judge-$$.XXXXXX")
chmod 755 "$WORK" # Postfix's daemons run as postfix and must reach it
MTA=$WORK/mta
DNS=$WORK/dns

cleanup() {
    local rc=$?
    "$ROOT/scripts/mta.sh" stop "$MTA" >/dev/null 2>&1 || true
    if [[ -f $DNS/front.pid ]]; then
        kill "$(cat "$DNS/front.pid")" 2>/dev/null || true
    fi
    RDC_KNOT_PORT=5300 RDC_UNBOUND_PORT=5301 "$ROOT/scripts/servers.sh" stop "$DNS" >/dev/null 2>&1 || true
    ip netns del "$NS" 2>/dev/null || true
    rm -rf "/etc/netns/$NS"
    if [[ ${RDC_JUDGE_KEEP:-0} == 1 ]]; then
        echo "judge: kept $WORK" >&2
    else
        rm -rf "$WORK"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ------------------------------------------------------------------ namespace

ip netns add "$NS"
mkdir -p "/etc/netns/$NS"
printf 'nameserver 127.0.0.1\noptions attempts:2 timeout:5\n' >"/etc/netns/$NS/resolv.conf"
printf '127.0.0.1 localhost\n::1 localhost ip6-localhost\n' >"/etc/netns/$NS/hosts"
nsx() { ip netns exec "$NS" "$@"; }
nsx ip link set lo up
nsx sysctl -q -w net.ipv6.conf.lo.disable_ipv6=0 2>/dev/null || true

# ------------------------------------------------------------------ addresses

# reverse_addrs: every address whose reverse name owns a PTR or CNAME (RFC
# 2317) record in the integration zones' reverse zone files, one a line.
reverse_addrs() {
    local f
    for f in "$ZONES"/*.in-addr.arpa.zone "$ZONES"/*.ip6.arpa.zone; do
        awk '
            $1 == "$ORIGIN" { origin = $2; next }
            /^[ \t;$]/ || NF < 2 { next }
            {
                owner = $1; type = ""
                for (i = 2; i <= NF; i++) if ($i == "PTR" || $i == "CNAME") { type = $i; break }
                if (type == "") next
                name = (owner ~ /\.$/) ? owner : owner "." origin
                name = tolower(name)
                if (name ~ /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+\.in-addr\.arpa\.$/) {
                    split(name, o, ".")
                    print o[4] "." o[3] "." o[2] "." o[1]
                } else if (name ~ /^[0-9a-f.]+\.ip6\.arpa\.$/ &&
                           split(name, x, ".") == 35 && name !~ /[0-9a-f][0-9a-f]/) {
                    a = ""  # (mawk has no {32}: 32 one-nibble labels counted)
                    for (i = 32; i >= 1; i--) {
                        a = a x[i]
                        if (i % 4 == 1 && i > 1) a = a ":"
                    }
                    print a
                }
            }' "$f"
    done
}
# A few without a PTR: NXDOMAIN, NODATA (TXT only), an unserved reverse zone
# (REFUSED by Knot, SERVFAIL from Unbound), a zone that fails to load
# (SERVFAIL); and a sample of the generated bulk zone (servers.sh), one
# address of each of its eight kinds.
extra_addrs=(192.0.2.49 192.0.2.41 198.51.100.3 2001:db8::27 203.0.113.5 203.0.113.200)
for i in 0 1 2 3 4 5 6 7; do extra_addrs+=("2001:db8:b::$i"); done
mapfile -t ADDRS < <({ reverse_addrs; printf '%s\n' "${extra_addrs[@]}"; } | awk '!seen[$0]++')
((${#ADDRS[@]} > 50)) || die "only ${#ADDRS[@]} addresses found in $ZONES"

for a in "${ADDRS[@]}"; do
    case $a in
    127.*) ;; # 127.0.0.0/8 is on lo already
    *:*) nsx ip -6 addr add "$a/128" dev lo nodad ;;
    *) nsx ip addr add "$a/32" dev lo ;;
    esac
done

# ------------------------------------------------------------------ DNS

# Knot with the integration zones and servers.sh's Unbound (ports 5300/5301,
# free in the fresh namespace), then a copy of that Unbound on port 53 that
# rotates RRsets, as most resolvers do: the resolver of Postfix and rdnscheck.
# It also serves 0.0.127.in-addr.arpa from Knot instead of Unbound's built-in
# 127.in-addr.arpa (RFC 6303), so the zone's 127.0.0.x PTRs are judged too.
RDC_KNOT_PORT=5300 RDC_UNBOUND_PORT=5301 nsx "$ROOT/scripts/servers.sh" start "$DNS"
sed -e 's/^\( *port:\) 5301$/\1 53/' \
    -e 's/^server:$/server:\n    local-zone: "127.in-addr.arpa." nodefault/' \
    -e 's/^\( *rrset-roundrobin:\) no$/\1 yes/' \
    -e "s|/unbound.pid\"|/front.pid\"|" -e "s|/unbound.log\"|/front.log\"|" \
    "$DNS/unbound.conf" >"$DNS/front.conf"
if ! grep -q '^ *port: 53$' "$DNS/front.conf" || ! grep -q 'rrset-roundrobin: yes' "$DNS/front.conf"; then
    die "could not derive the front Unbound's configuration from $DNS/unbound.conf"
fi
nsx setsid unbound -d -c "$DNS/front.conf" >"$DNS/front.out" 2>&1 </dev/null &
echo $! >"$DNS/front.pid"
for ((i = 0; i < 100; i++)); do
    [[ -n $(nsx kdig @127.0.0.1 +short +time=1 +retry=0 SOA example.test 2>/dev/null) ]] && break
    kill -0 "$(cat "$DNS/front.pid")" 2>/dev/null || { cat "$DNS/front.out" >&2; die "front Unbound exited"; }
    sleep 0.2
done
((i < 100)) || die "front Unbound does not answer on 127.0.0.1 port 53"

# ------------------------------------------------------------------ Postfix

# A private instance (scripts/mta.sh's layout: conf/, queue/, data/, log/, so
# `mta.sh stop` ends it), no chroot, listening on 127.0.0.1 and ::1 of the
# namespace, accepting RCPT TO:<judge@judge.test> from every client that
# passes reject_unknown_client_hostname; nothing is ever delivered (no DATA).
write_postfix() {
    mkdir -p "$MTA/conf" "$MTA/queue" "$MTA/data" "$MTA/log"
    chmod 0755 "$MTA" "$MTA/conf" "$MTA/queue" "$MTA/log"
    chown postfix:postfix "$MTA/data"
    chmod 0700 "$MTA/data"
    cat >"$MTA/conf/main.cf" <<EOF
# Generated by tests/receivers/judge.sh: the judge of integration_receivers.
compatibility_level = 3.6
queue_directory = $MTA/queue
data_directory = $MTA/data
meta_directory = /etc/postfix
mail_owner = postfix
setgid_group = postdrop
myhostname = mx.judge.test
mydomain = judge.test
myorigin = \$myhostname
mydestination = judge.test
local_recipient_maps =
alias_maps =
alias_database =
relay_domains =
inet_interfaces = loopback-only
inet_protocols = all
mynetworks = 127.0.0.1/32 [::1]/128
# The judgement: postconf(5) reject_unknown_client_hostname: "the client IP
# address->name mapping fails, or the name->address mapping fails, or the
# name->address mapping does not match the client IP address"; a permanent
# failure gets unknown_client_reject_code, a temporary one 450.
smtpd_peername_lookup = yes
smtpd_client_restrictions = reject_unknown_client_hostname
unknown_client_reject_code = 550
smtpd_delay_reject = yes
smtpd_relay_restrictions = permit_auth_destination, reject
smtpd_recipient_restrictions = permit_auth_destination, reject
smtpd_data_restrictions = reject
# never wait for "delivery" tokens (nothing is delivered): no 1 s pauses
in_flow_delay = 0
smtpd_client_connection_rate_limit = 0
smtpd_client_connection_count_limit = 0
# discard, not error: smtpd refuses a recipient whose transport is "error"
local_transport = discard:the judge delivers nothing
default_transport = error:5.7.1 the judge delivers nothing
smtp_dns_support_level = disabled
smtpd_tls_security_level = none
biff = no
append_dot_mydomain = no
readme_directory = no
html_directory = no
maillog_file = $MTA/log/maillog
maillog_file_prefixes = $MTA/log
EOF
    cat >"$MTA/conf/master.cf" <<EOF
# Generated by tests/receivers/judge.sh. No chroot (column 5 "n").
127.0.0.1:$SMTP_PORT inet n - n - - smtpd
[::1]:$SMTP_PORT inet n - n - - smtpd
$(postfix_services)
EOF
}
write_postfix
: >"$MTA/log/maillog"
nsx postfix -c "$MTA/conf" start >"$MTA/log/postfix.out" 2>&1 ||
    { cat "$MTA/log/postfix.out" >&2; die "Postfix did not start"; }
for ((i = 0; i < 100; i++)); do
    out=$(nsx "$PROBE" 127.0.0.1 127.0.0.1 "$SMTP_PORT" "$RCPT" 2>/dev/null) && break
    sleep 0.2
done
((i < 100)) || { cat "$MTA/log/maillog" >&2; die "Postfix does not answer on 127.0.0.1 port $SMTP_PORT"; }
say "Postfix $(postconf -c "$MTA/conf" -h mail_version) answers; judging ${#ADDRS[@]} addresses"

# ------------------------------------------------------------------ rdnscheck

# rdnscheck asks the same resolver Postfix does. Exit status 0-3 are verdicts.
rc=0
nsx "$RDNSCHECK" --json -s 127.0.0.1:53 "${ADDRS[@]}" >"$WORK/rdnscheck.jsonl" || rc=$?
((rc <= 3)) || die "rdnscheck exited with $rc"
json_valid "$WORK/rdnscheck.jsonl" || die "records the JSON schema rejects (above)"
# From here on every address is in its canonical form (RFC 5952), as
# rdnscheck prints it and Postfix logs it.
declare -A VERDICT CODES IP PTRS
while IFS=$'\t' read -r input ip verdict ptrs codes; do
    IP[$input]=$ip
    VERDICT[$ip]=$verdict
    PTRS[$ip]=$ptrs
    CODES[$ip]=$codes
done < <(jq -r '[.input, .ip, .verdict, (.ptr | length), ([.problems[].code] | join(","))] | @tsv' \
    "$WORK/rdnscheck.jsonl")
CHECK=()
for a in "${ADDRS[@]}"; do
    [[ -n ${IP[$a]:-} ]] || die "rdnscheck gave no record for $a"
    CHECK+=("${IP[$a]}")
done

# ------------------------------------------------------------------ Postfix

# log_names IP: one line per logged connection from IP, in order: the name
# Postfix took for it ("-" for none), from "connect from NAME[IP]" or, when
# NAME is "unknown", the warning "hostname X does not resolve to address IP"
# of the same smtpd process before it.
log_names() {
    awk -v ip="$1" '
        BEGIN { nr = " does not resolve to address " }
        {
            pid = $5; sub(/^.*\[/, "", pid); sub(/\].*$/, "", pid)
        }
        (at = index($0, nr)) {
            # the address ends the line or is followed by ": reason"
            rest = substr($0, at + length(nr))
            if (rest != ip && substr(rest, 1, length(ip) + 2) != (ip ": ")) next
            s = substr($0, 1, at - 1); sub(/^.* hostname /, "", s)
            tried[pid] = tolower(s)
            next
        }
        index($0, "]: connect from ") && index($0, "[" ip "]") {
            c = $0; sub(/^.*connect from /, "", c)
            if (c != ("unknown[" ip "]") && substr(c, length(c) - length(ip) - 1) != ("[" ip "]")) next
            n = substr(c, 1, length(c) - length(ip) - 2)
            if (n == "unknown") n = (pid in tried) ? tried[pid] : "-"
            delete tried[pid]
            print tolower(n)
        }' "$MTA/log/maillog"
}

# ptr_count IP: how many PTR names the resolver gives for IP.
ptr_count() {
    nsx kdig @127.0.0.1 +noall +answer +time=2 +retry=1 -x "$1" 2>/dev/null |
        awk '$4 == "PTR"' | wc -l
}

# cap K: connections allowed to see each of K rotated names first. The front
# rotates by the query ID (random), so each name comes first with chance 1/K;
# after K*(ln K + 14) connections the chance that some name never came first
# is below K*e^-(ln K + 14) = e^-14 (1e-6), for every K. One name: one
# connection.
cap() {
    awk -v k="$1" 'BEGIN { if (k <= 1) print 1; else { c = k * (log(k) + 14); print (c == int(c)) ? c : int(c) + 1 } }'
}

declare -A JUDGED DETAIL
failures=0
for a in "${CHECK[@]}"; do
    # the names to see: as many as kdig or rdnscheck saw, whichever is more
    k=$(ptr_count "$a")
    ((${PTRS[$a]} > k)) && k=${PTRS[$a]}
    limit=$(cap "$k")
    declare -A seen=() name_code=()
    worst=250
    n=0
    while :; do
        n=$((n + 1))
        out=$(nsx "$PROBE" "$a" "$([[ $a == *:* ]] && echo ::1 || echo 127.0.0.1)" "$SMTP_PORT" "$RCPT") ||
            die "the probe from $a failed"
        code=${out%%$'\n'*}
        text=${out#*$'\n'}
        # a refusal for any other reason than the client's name is the
        # judge's own fault, not a judgement
        [[ $code == 250 || $text == *"Client host rejected: cannot find your hostname"* ]] ||
            die "Postfix refused $a for another reason: $text"
        # postlogd writes the connection's lines shortly after: wait for the
        # n-th "connect from" of this address (a bound against a hang, 20 s)
        for ((w = 0; w < 400; w++)); do
            mapfile -t names < <(log_names "$a")
            ((${#names[@]} >= n)) && break
            sleep 0.05
        done
        ((${#names[@]} >= n)) || die "Postfix logged no connection number $n from $a"
        name=${names[n - 1]}
        seen[$name]=1
        if ((code > ${name_code[$name]:-0})); then
            name_code[$name]=$code
        fi
        ((code > worst)) && worst=$code
        ((${#seen[@]} >= k || n >= limit)) && break
    done
    if ((k > 1 && ${#seen[@]} < k)); then
        say "FAIL $a: Postfix took only ${#seen[@]} of its $k PTR names first in $n connections"
        failures=$((failures + 1))
    fi
    case $worst in
    2??) JUDGED[$a]=accept ;;
    4??) JUDGED[$a]=tempfail ;;
    5??) JUDGED[$a]=fail ;;
    *) die "unexpected reply $worst for $a" ;;
    esac
    d=""
    for name in "${!name_code[@]}"; do d+="$name=${name_code[$name]} "; done
    DETAIL[$a]="$n conn: ${d% }"
    unset seen name_code
done

# ------------------------------------------------------------------ Exim

# The second judge: Exim 4.96 with `verify = reverse_host_lookup` (RFC 8601
# iprev: any name that resolves back to the address passes; a temporary
# failure defers), compared with rdnscheck --iprev. Installing
# exim4-daemon-light would remove Postfix, so its exim4 binary is unpacked
# into WORK (scripts/lib.sh deb_tool), with the user it is built for
# (Debian-exim) in a passwd/group of the namespace's mount namespace only.
# `exim -bh ADDR` runs the SMTP dialogue on standard input as if ADDR had
# connected, with real DNS lookups and the ACLs, and delivers nothing.
declare -A EXIM_JUDGED EXIM_DETAIL IPREV_VERDICT IPREV_CODES
if [[ ${RDC_JUDGE_EXIM:-1} == 1 ]]; then
    EXIM=$(deb_tool exim4-daemon-light usr/sbin/exim4 "$WORK/exim") ||
        die "cannot unpack exim4 from the exim4-daemon-light package"
    uid=64999
    while getent passwd "$uid" >/dev/null || getent group "$uid" >/dev/null; do uid=$((uid - 1)); done
    {
        grep -v '^Debian-exim:' /etc/passwd
        echo "Debian-exim:x:$uid:$uid:rdnscheck judge:/nonexistent:/usr/sbin/nologin"
    } >"/etc/netns/$NS/passwd"
    {
        grep -v '^Debian-exim:' /etc/group
        echo "Debian-exim:x:$uid:"
    } >"/etc/netns/$NS/group"
    mkdir -p "$WORK/exim/spool" "$WORK/exim/log"
    chown -R "$uid:$uid" "$WORK/exim/spool" "$WORK/exim/log"
    cat >"$WORK/exim/exim.conf" <<EOF
# Generated by tests/receivers/judge.sh: the second judge of integration_receivers.
keep_environment =
spool_directory = $WORK/exim/spool
log_file_path = $WORK/exim/log/%slog
primary_hostname = mx.judge.test
host_lookup = *
acl_smtp_rcpt = acl_rcpt
begin acl
acl_rcpt:
  # a PTR name of the client that resolves back to it (any of them); DNS
  # trouble makes the condition, and so the ACL, defer (451)
  deny    !verify = reverse_host_lookup
          message = cannot verify your host name
  accept
EOF
    nsx "$EXIM" -C "$WORK/exim/exim.conf" -bV >"$WORK/exim/version" 2>&1 || {
        cat "$WORK/exim/version" >&2
        die "the unpacked exim4 does not run (a missing library?)"
    }
    say "$(grep -m1 '^Exim version' "$WORK/exim/version"): judging ${#CHECK[@]} addresses (rdnscheck --iprev)"
    for a in "${CHECK[@]}"; do
        out=$(printf 'EHLO probe.judge.test\r\nMAIL FROM:<>\r\nRCPT TO:<%s>\r\nQUIT\r\n' "$RCPT" |
            nsx "$EXIM" -C "$WORK/exim/exim.conf" -bh "$a" 2>"$WORK/exim/bh.err") || {
            cat "$WORK/exim/bh.err" >&2
            die "exim -bh $a failed"
        }
        # the last lines of the replies: greeting, EHLO, MAIL, RCPT, QUIT
        reply=$(tr -d '\r' <<<"$out" | awk '/^[2-5][0-9][0-9] / { if (++n == 4) { print; exit } }')
        case $reply in
        2??\ *) EXIM_JUDGED[$a]=accept ;;
        451\ *) EXIM_JUDGED[$a]=tempfail ;;
        550\ *"cannot verify your host name"*) EXIM_JUDGED[$a]=fail ;;
        *) die "Exim answered the RCPT from $a with '$reply'" ;;
        esac
        EXIM_DETAIL[$a]=$reply
    done
    rc=0
    nsx "$RDNSCHECK" --iprev --json -s 127.0.0.1:53 "${CHECK[@]}" >"$WORK/rdnscheck-iprev.jsonl" || rc=$?
    ((rc <= 3)) || die "rdnscheck --iprev exited with $rc"
    while IFS=$'\t' read -r ip verdict codes; do
        IPREV_VERDICT[$ip]=$verdict
        IPREV_CODES[$ip]=$codes
    done < <(jq -r '[.ip, .verdict, ([.problems[].code] | join(","))] | @tsv' "$WORK/rdnscheck-iprev.jsonl")
fi

# ------------------------------------------------------------------ compare

expected() { # rdnscheck verdict -> what a receiver must do
    case $1 in
    pass | warn) echo accept ;;
    fail) echo fail ;;
    tempfail) echo tempfail ;;
    *) echo "?" ;;
    esac
}

# divergences.txt: JUDGE ADDRESS RDNSCHECK-VERDICT JUDGEMENT REASON...
declare -A LISTED REASON
while IFS= read -r line; do
    [[ $line =~ ^[[:space:]]*(#|$) ]] && continue
    read -r judge addr rv jv reason <<<"$line"
    [[ $judge == postfix || $judge == exim ]] || die "divergences.txt: unknown judge on: $line"
    [[ -n $reason ]] || die "divergences.txt: no reason on: $line"
    LISTED["$judge $addr"]="$rv $jv"
    REASON["$judge $addr"]=$reason
done <"$DIVERGENCES"

# compare JUDGE LABEL VERDICTS CODES JUDGEMENTS DETAILS (the last four: names
# of associative arrays keyed by address): prints the table, counts failures.
compare() {
    local judge=$1 label=$2 a v j key
    local -n cv=$3 cc=$4 cj=$5 cd=$6
    printf '\n%-16s %-9s %-28s %-9s %s\n' address rdnscheck codes "$judge" "$label"
    for a in "${CHECK[@]}"; do
        printf '%-16s %-9s %-28s %-9s %s\n' "$a" "${cv[$a]}" "${cc[$a]:--}" "${cj[$a]}" "${cd[$a]}"
    done
    for a in "${CHECK[@]}"; do
        v=${cv[$a]} j=${cj[$a]} key="$judge $a"
        if [[ $(expected "$v") == "$j" ]]; then
            if [[ -n ${LISTED[$key]:-} ]]; then
                say "FAIL $judge $a is listed as a divergence (${LISTED[$key]}: ${REASON[$key]}) but now agrees: rdnscheck $v, $judge $j"
                failures=$((failures + 1))
            fi
        elif [[ ${LISTED[$key]:-} == "$v $j" ]]; then
            say "expected divergence: $judge $a: rdnscheck $v, $judge $j: ${REASON[$key]}"
        else
            say "FAIL $a: rdnscheck says $v (${cc[$a]:--}), $judge $j (${cd[$a]})${LISTED[$key]:+; listed as ${LISTED[$key]}}"
            failures=$((failures + 1))
        fi
    done
}

compare postfix "connections: name=reply" VERDICT CODES JUDGED DETAIL
judges=postfix
if [[ ${RDC_JUDGE_EXIM:-1} == 1 ]]; then
    compare exim "RCPT reply (rdnscheck --iprev)" IPREV_VERDICT IPREV_CODES EXIM_JUDGED EXIM_DETAIL
    judges="postfix and exim"
fi
for key in "${!LISTED[@]}"; do
    if [[ -z ${VERDICT[${key#* }]:-} ]] || [[ ${RDC_JUDGE_EXIM:-1} != 1 && $key == exim\ * ]]; then
        [[ $key == exim\ * && ${RDC_JUDGE_EXIM:-1} != 1 ]] && continue
        say "FAIL divergences.txt lists $key, which is not checked"
        failures=$((failures + 1))
    fi
done
((failures == 0)) || die "$failures disagreement(s) between rdnscheck and the receivers"
say "rdnscheck agrees with $judges on all ${#CHECK[@]} addresses (listed divergences aside)"
