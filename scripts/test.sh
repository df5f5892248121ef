#!/usr/bin/env bash
# Build rdnscheck and run every test: unit, fault injection (scripted DNS
# responder), integration against a real Knot DNS server (and Unbound in
# front of it), docs parity and fuzz-corpus replay; once in a normal -Werror
# build, once under AddressSanitizer + UBSan, and the CLI cases under
# valgrind. Installs what is missing (Debian packages), makes sure ::1 works
# on the loopback interface, and starts and stops the servers itself.
# Nothing is skipped: CI=true is exported, so a test that finds a tool,
# server or ::1 missing fails instead of passing as skipped, and every test
# that CMake registers only when a tool is found must be registered.
# Usage: scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
jobs=$(nproc 2>/dev/null || echo 2)
export CI=${CI:-true}
PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"
die() {
    echo "test.sh: error: $*" >&2
    exit 1
}

# Package -> what needs it: build (build-essential cmake pkg-config
# libc-ares-dev), unit tests (libcmocka-dev, libxml2-dev), Knot + kdig +
# Unbound (scripts/servers.sh, check-zones.sh, test_process.sh), docs_parity
# (groff-base man-db), the valgrind runs, progress on a pty (script: bsdutils),
# the JUnit checks (xmllint: libxml2-utils), the SMTP tests against real
# Postfix (postfix; scripts/mta.sh uses ss: iproute2), the Postfix judge of
# integration_receivers (postfix, knot, unbound, jq; ip netns: iproute2),
# ::1 setup (iproute2 ip, procps sysctl), fuzz targets (clang), the
# --authority tests (jq), the shell completion tests (zsh, bash-completion),
# the --spf differential test against pyspf (python3-spf,
# python3-dnspython), the judges of the --authority delegation findings
# (zonemaster-cli, dnsviz), the job summary of --format github rendered
# as GitHub does (cmark-gfm), IDN and the Public Suffix List (libidn2-dev,
# libpsl-dev: the core links them), the JSON Schema checks of every JSON
# line the tests print (python3-jsonschema, with /usr/bin/python3), the
# validation of check_rdns's Icinga 2 CheckCommand (icinga2-bin: `icinga2
# daemon -C` only, no service; its package does not start one). promtool
# (the Prometheus format test) is unpacked from Debian's prometheus
# package, not installed.
pkgs=(build-essential cmake pkg-config libc-ares-dev libidn2-dev libpsl-dev libcmocka-dev
      knot knot-dnsutils unbound groff-base man-db valgrind clang bsdutils libxml2-dev
      libxml2-utils postfix iproute2 procps jq zsh bash-completion python3-spf
      python3-dnspython python3-jsonschema zonemaster-cli dnsviz cmark-gfm icinga2-bin)
# Every command a test needs; checked after the install.
tools=(cc cmake pkg-config knotd kdig unbound unbound-checkconf groff valgrind script xmllint
       postfix postconf ss ip sysctl jq zsh python3 zonemaster-cli dnsviz cmark-gfm icinga2)
. "$root/scripts/lib.sh"
ensure_packages "${pkgs[@]}"
for t in "${tools[@]}"; do
    command -v "$t" >/dev/null 2>&1 || die "'$t' is missing after installing ${pkgs[*]}"
done
/usr/bin/python3 -c 'import jsonschema' 2>/dev/null ||
    die "Debian's python3-jsonschema does not import in /usr/bin/python3"

# ::1 on lo is a hard requirement: Knot listens there, and the IPv6 transport
# cases and the fakesmtp ::1 checks use it.
echo "== checking ::1 on the loopback interface"
[ -d /proc/sys/net/ipv6 ] || die "this kernel has IPv6 switched off (ipv6.disable=1); ::1 is required"
for k in all default lo; do
    if [ "$(cat "/proc/sys/net/ipv6/conf/$k/disable_ipv6")" != 0 ]; then
        echo "== enabling IPv6 ($k)"
        sysctl -q -w "net.ipv6.conf.$k.disable_ipv6=0" || die "cannot enable IPv6 on $k"
    fi
done
lo_has_v6() { [[ $(ip -6 addr show dev lo) == *"inet6 ::1/128"* ]]; }
if ! lo_has_v6; then
    echo "== adding ::1 to lo"
    ip -6 addr add ::1/128 dev lo || die "cannot add ::1 to lo"
fi
lo_has_v6 || die "no ::1 on lo"

rundir=$(mktemp -d /tmp/rdnscheck-test.XXXXXX)
chmod 755 "$rundir" # Postfix runs as its own user and must reach its RUNDIR
# Real Postfix instances for the SMTP probe tests (zones: 0.0.127.in-addr.arpa);
# integration_cli requires them through the fixture integration_cli_postfix,
# whose list (tests/integration/CMakeLists.txt) must match this one
mtas=("127.0.0.2 smtp2.example.test" "127.0.0.3 mail.example.test" "127.0.0.5 smtp5-alias.example.test")
cleanup() {
    for m in "${mtas[@]}"; do
        "$root/scripts/mta.sh" stop "$rundir/mta-${m%% *}" >/dev/null 2>&1 || true
    done
    "$root/scripts/servers.sh" stop "$rundir" >/dev/null 2>&1 || true
    "$root/scripts/authtree.sh" stop "$rundir/authtree" >/dev/null 2>&1 || true
    rm -rf "$rundir"
}
trap cleanup EXIT INT TERM

# promtool, for test_monitoring.sh: the system's, or unpacked from the
# prometheus package into RUNDIR (installing it would start a server)
if command -v promtool >/dev/null 2>&1; then
    export RDC_PROMTOOL=promtool
else
    echo "== unpacking promtool from Debian's prometheus package"
    RDC_PROMTOOL=$(deb_tool prometheus usr/bin/promtool "$rundir/promtool") ||
        die "cannot unpack promtool from the prometheus package"
    export RDC_PROMTOOL
fi

echo "== starting Knot and Unbound on loopback"
RDC_NO_IPV6=0 "$root/scripts/servers.sh" start "$rundir"
export RDC_KNOT="127.0.0.1:${RDC_KNOT_PORT:-53535}"
# servers.sh falls back to 127.0.0.1 alone when ::1 fails; here that is fatal
for a in 127.0.0.1 ::1; do
    [ -n "$(kdig @"$a" -p "${RDC_KNOT_PORT:-53535}" +short +timeout=2 +retry=2 example.test SOA 2>/dev/null)" ] ||
        die "Knot does not answer on $a port ${RDC_KNOT_PORT:-53535}"
done
echo "== starting Postfix on 127.0.0.2, .3 and .5 port 2525"
for m in "${mtas[@]}"; do
    "$root/scripts/mta.sh" start "$rundir/mta-${m%% *}" --addr "${m%% *}" --port 2525 --hostname "${m#* }"
done
export RDC_UNBOUND="127.0.0.1:${RDC_UNBOUND_PORT:-53536}"

# The delegated reverse tree of the --authority/--wait tests: Knot servers on
# 127.0.10.x port 53 and an Unbound in front (tests/authority/README.md). Its
# black-holed server is the project's scripted responder, built first.
echo "== starting the delegated test tree on 127.0.10.0/24 port 53"
cmake -S "$root" -B "$root/build" -DRDC_WERROR=ON >/dev/null
cmake --build "$root/build" -j"$jobs" --target fakedns_bin >/dev/null
export RDC_AUTHTREE_DIR="$rundir/authtree"
RDC_FAKEDNS_BIN="$root/build/tests/fakedns/fakedns" "$root/scripts/authtree.sh" start "$RDC_AUTHTREE_DIR"

# Tests that CMake registers only when a tool or library is found: each
# must be there (a missing one would be a silent skip).
required_tests=(unit_addr unit_dnsname unit_dnsmsg unit_verdict unit_target unit_report
    unit_generic unit_smtp unit_report_ci unit_spf unit_fcrdns_table unit_srvsel
    fakedns_selftest fakesmtp_selftest netproxy_selftest integration_network
    integration_zones integration_cli integration_process integration_badinput
    integration_faults integration_cli_valgrind integration_faults_valgrind docs_parity
    fuzz_replay_target fuzz_replay_answer fuzz_replay_escape fuzz_replay_smtp fuzz_replay_spf
    unit_query unit_engine unit_resolver docs_options install_pkgconfig
    integration_authtree integration_authority integration_judges unit_authcheck unit_authority
    completion_options completion_bash completion_bash_bashcomp completion_zsh
    unit_report_mon integration_shard integration_monitoring integration_ci
    integration_cli_postfix integration_receivers integration_spf_judge layers_include_order
    unit_self fuzz_replay_mtaconf integration_self integration_self_root unit_idn fuzz_replay_idn
    unit_threshold fuzz_replay_range integration_plugin integration_icinga docs_plugin)

status=0
run_suite() { # build-dir, cmake args...
    local dir=$1 t registered
    shift
    echo "== build $dir ($*)"
    cmake -S "$root" -B "$root/$dir" -DRDC_WERROR=ON "$@" >/dev/null
    cmake --build "$root/$dir" -j"$jobs" >/dev/null
    registered=$(cd "$root/$dir" && ctest -N | sed -n 's/^ *Test *#[0-9]*: //p')
    for t in "${required_tests[@]}"; do
        grep -qx "$t" <<<"$registered" || { echo "FAIL: test $t is not registered in $dir"; status=1; }
    done
    echo "== test $dir"
    (cd "$root/$dir" && ctest --output-on-failure -j"$jobs" --timeout 300 -LE valgrind --no-tests=error) ||
        status=1
}

run_suite build
run_suite build-asan -DRDC_SANITIZE=ON
echo "== valgrind: CLI cases"
(cd "$root/build" && ctest --output-on-failure -L valgrind --timeout 900 --no-tests=error) || status=1
echo "== Debian package"; "$root/scripts/package.sh" || status=1
exit $status
