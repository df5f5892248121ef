#!/usr/bin/env bash
# Line coverage of src/ by the test suite (gcov + lcov): builds with
# --coverage in build-cov, starts Knot and Unbound on loopback (unit, fault,
# bad-input, process and CLI cases all count; the SMTP cases need the
# Postfix instances of scripts/test.sh and are left out), runs ctest, and
# prints the per-file figures and the total for src/ last. Exits 1 when the
# total is below RDC_COVERAGE_MIN percent (default 90).
# Usage: scripts/coverage.sh   (an HTML report lands in build-cov/coverage/)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
min=${RDC_COVERAGE_MIN:-90}
jobs=$(nproc 2>/dev/null || echo 2)

pkgs=(build-essential cmake pkg-config libc-ares-dev libcmocka-dev knot knot-dnsutils unbound
      lcov libxml2-dev libxml2-utils groff-base man-db bsdutils)
. "$root/scripts/lib.sh"
ensure_packages "${pkgs[@]}"

export RDC_KNOT_PORT=${RDC_COV_KNOT_PORT:-53635} RDC_UNBOUND_PORT=${RDC_COV_UNBOUND_PORT:-53636}
rundir=$(mktemp -d /tmp/rdnscheck-cov.XXXXXX)
trap '"$root/scripts/servers.sh" stop "$rundir" >/dev/null 2>&1 || true; rm -rf "$rundir"' EXIT
"$root/scripts/servers.sh" start "$rundir" >/dev/null
export RDC_KNOT="127.0.0.1:$RDC_KNOT_PORT" RDC_UNBOUND="127.0.0.1:$RDC_UNBOUND_PORT"

b=$root/build-cov
cmake -S "$root" -B "$b" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS="--coverage -O0" \
    -DCMAKE_EXE_LINKER_FLAGS=--coverage >/dev/null
cmake --build "$b" -j"$jobs" >/dev/null
lcov --quiet --zerocounters --directory "$b"
# the SMTP cases need real Postfix (scripts/test.sh starts it): not here
(cd "$b" && ctest -j"$jobs" -LE valgrind --timeout 300 >"$b/ctest.log" 2>&1) ||
    echo "coverage.sh: some tests failed (see $b/ctest.log); the figures count what ran"
lcov --quiet --capture --directory "$b" --output-file "$b/all.info" 2>/dev/null
lcov --quiet --extract "$b/all.info" "$root/src/*" --output-file "$b/src.info" 2>/dev/null
genhtml --quiet --output-directory "$b/coverage" "$b/src.info" >/dev/null 2>&1 || true
lcov --list "$b/src.info" 2>/dev/null | sed -n '/^\[/,$p' | grep -v '^=' | sed 's/^/  /'
total=$(lcov --summary "$b/src.info" 2>&1 | sed -n 's/.*lines\.*: *\([0-9.]*\)%.*/\1/p')
echo "line coverage of src/: ${total}% (minimum ${min}%)"
awk -v t="$total" -v m="$min" 'BEGIN { exit (t + 0 >= m + 0) ? 0 : 1 }'
