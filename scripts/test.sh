#!/usr/bin/env bash
# Build rdnscheck and run every test: unit, fault injection (scripted DNS
# responder), integration against a real Knot DNS server (and Unbound in
# front of it), docs parity and fuzz-corpus replay; once in a normal -Werror
# build, once under AddressSanitizer + UBSan, and the CLI cases under
# valgrind. Installs what is missing (Debian packages) and starts and stops
# the servers itself. Usage: scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
jobs=$(nproc 2>/dev/null || echo 2)

pkgs=(build-essential cmake pkg-config libc-ares-dev libcmocka-dev knot knot-dnsutils
      unbound groff-base man-db valgrind clang bsdutils libxml2-dev libxml2-utils)
missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    echo "== installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

rundir=$(mktemp -d /tmp/rdnscheck-test.XXXXXX)
chmod 755 "$rundir" # Postfix runs as its own user and must reach its RUNDIR
# Real Postfix instances for the SMTP probe tests (zones: 0.0.127.in-addr.arpa)
mtas=("127.0.0.2 smtp2.example.test" "127.0.0.3 mail.example.test" "127.0.0.5 smtp5-alias.example.test")
cleanup() {
    for m in "${mtas[@]}"; do
        "$root/scripts/mta.sh" stop "$rundir/mta-${m%% *}" >/dev/null 2>&1 || true
    done
    "$root/scripts/servers.sh" stop "$rundir" >/dev/null 2>&1 || true
    rm -rf "$rundir"
}
trap cleanup EXIT INT TERM

echo "== starting Knot and Unbound on loopback"
"$root/scripts/servers.sh" start "$rundir"
export RDC_KNOT="127.0.0.1:${RDC_KNOT_PORT:-53535}"
echo "== starting Postfix on 127.0.0.2, .3 and .5 port 2525"
for m in "${mtas[@]}"; do
    "$root/scripts/mta.sh" start "$rundir/mta-${m%% *}" --addr "${m%% *}" --port 2525 --hostname "${m#* }"
done
export RDC_UNBOUND="127.0.0.1:${RDC_UNBOUND_PORT:-53536}"

status=0
run_suite() { # build-dir, cmake args...
    local dir=$1
    shift
    echo "== build $dir ($*)"
    cmake -S "$root" -B "$root/$dir" -DRDC_WERROR=ON "$@" >/dev/null
    cmake --build "$root/$dir" -j"$jobs" >/dev/null
    echo "== test $dir"
    (cd "$root/$dir" && ctest --output-on-failure -j"$jobs" --timeout 300 -LE valgrind) || status=1
}

run_suite build
run_suite build-asan -DRDC_SANITIZE=ON
echo "== valgrind: CLI cases"
(cd "$root/build" && ctest --output-on-failure -L valgrind --timeout 900) || status=1
exit $status
