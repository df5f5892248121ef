#!/usr/bin/env bash
# Build the Debian packages (debian/: rdnscheck and librdnscheck-dev) with
# dpkg-buildpackage from a copy of this tree in a temporary directory (it
# writes its results to the parent directory, so the repository stays
# clean), check them with lintian (any error fails), install them with dpkg,
# check what they installed - the binary, the man page, the bash and zsh
# completions where bash-completion and zsh find them, check_rdns, a program
# built with pkg-config against the library - run the autopkgtests
# (debian/tests: a smoke check against a throwaway Knot on loopback, the
# library, the Icinga 2 CheckCommand) with `autopkgtest -- null` (or
# directly when autopkgtest cannot be installed), and remove them again.
# lintian must be clean down to the info level. Installs the
# build dependencies that are missing (Debian packages). Run as root (dpkg
# -i); scripts/test.sh runs it last. RDC_PACKAGE_OUT=DIR keeps the .deb
# files (with the .changes and .buildinfo) in DIR.
# Usage: scripts/package.sh
set -euo pipefail
out=${RDC_PACKAGE_OUT-}
[ -z "$out" ] || out=$(realpath -m -- "$out") # relative to where it was run
cd "$(dirname "$0")/.."
root=$(pwd)
PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"
die() {
    echo "package.sh: error: $*" >&2
    exit 1
}
start=$SECONDS

# debian/control's Build-Depends (dpkg-checkbuilddeps below says if this
# list falls behind), lintian, and what the installed package is checked with.
pkgs=(build-essential dpkg-dev debhelper cmake pkg-config libc-ares-dev libidn2-dev libpsl-dev
      libcmocka-dev libxml2-dev bash-completion zsh lintian man-db)
# shellcheck source=scripts/lib.sh
. "$root/scripts/lib.sh"
ensure_packages "${pkgs[@]}"

# One version: CMake's project(VERSION) is debian/changelog's (native: no
# Debian revision).
version=$(sed -n 's/^project(rdnscheck VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
[ -n "$version" ] || die "no project(rdnscheck VERSION ...) in CMakeLists.txt"
deb_version=$(dpkg-parsechangelog -l debian/changelog -S Version)
[ "$deb_version" = "$version" ] ||
    die "debian/changelog is at $deb_version, CMakeLists.txt at $version: add a changelog entry"

for p in rdnscheck librdnscheck-dev; do
    if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "installed"; then
        die "$p is already installed; remove it first (dpkg -r $p): this script installs and removes it"
    fi
done
sudo=()
[[ $(id -u) -eq 0 ]] || sudo=(sudo)

tmp=$(mktemp -d /tmp/rdnscheck-package.XXXXXX)
installed=()
cleanup() {
    if ((${#installed[@]})); then
        "${sudo[@]}" dpkg --purge "${installed[@]}" >/dev/null || echo "package.sh: could not remove ${installed[*]}" >&2
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

# The tree as git sees it (tracked files and new ones not ignored, as they
# are in the work tree), else everything but build directories.
src=$tmp/rdnscheck-$version
mkdir "$src"
if git -C "$root" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git -C "$root" ls-files -z --cached --others --exclude-standard |
        (cd "$root" && tar --null -T - -cf -) | tar -xf - -C "$src"
else
    tar -C "$root" --exclude='./build*' --exclude=./.git -cf - . | tar -xf - -C "$src"
fi
(cd "$src" && dpkg-checkbuilddeps) || die "build dependencies missing (add them to pkgs above)"

echo "== dpkg-buildpackage (log: build.log on failure)"
jobs=$(nproc 2>/dev/null || echo 2)
if ! (cd "$src" && DEB_BUILD_OPTIONS="parallel=$jobs ${DEB_BUILD_OPTIONS-}" \
    dpkg-buildpackage -us -uc -b >"$tmp/build.log" 2>&1); then
    tail -n 60 "$tmp/build.log"
    die "dpkg-buildpackage failed"
fi
grep -E '^(100% tests passed|[0-9]+% tests passed)' "$tmp/build.log" || true
changes=$tmp/rdnscheck_${version}_$(dpkg-architecture -qDEB_HOST_ARCH).changes
[ -f "$changes" ] || die "no $changes"
deb=$(ls "$tmp"/rdnscheck_"$version"_*.deb)
dev=$(ls "$tmp"/librdnscheck-dev_"$version"_*.deb)
for d in "$deb" "$dev"; do
    echo "== ${d##*/}"
    dpkg-deb -c "$d" | awk '{print $NF}'
done

# The library is in the -dev package only, the command in its own.
contents=$(dpkg-deb -c "$deb" | awk '{print $NF}')
for f in ./usr/bin/rdnscheck ./usr/share/man/man1/rdnscheck.1.gz \
    ./usr/share/bash-completion/completions/rdnscheck ./usr/share/zsh/vendor-completions/_rdnscheck \
    ./usr/share/rdnscheck/rdnscheck.schema.json \
    ./usr/share/icinga2/include/plugins-contrib.d/rdnscheck.conf \
    ./usr/share/doc/rdnscheck/examples/check_rdns.cfg; do
    grep -qxF "$f" <<<"$contents" || die "${deb##*/} lacks $f"
done
# check_rdns: a relative link to the binary, in the plugin directory
dpkg-deb -c "$deb" | grep -qE ' \./usr/lib/nagios/plugins/check_rdns -> \.\./\.\./\.\./bin/rdnscheck$' ||
    die "${deb##*/} lacks the link /usr/lib/nagios/plugins/check_rdns -> ../../../bin/rdnscheck"
grep -qE '\.a$|\.h$|\.pc$' <<<"$contents" && die "${deb##*/} ships library files"
# the -dev package: the header, and the version header in a directory of its own
dev_contents=$(dpkg-deb -c "$dev" | awk '{print $NF}')
for f in ./usr/include/rdnscheck.h ./usr/include/rdnscheck/version.h; do
    grep -qxF "$f" <<<"$dev_contents" || die "${dev##*/} lacks $f"
done
# The description names every output format: each word of --format (the
# option table) and JUnit.
description=$(dpkg-deb -f "$deb" Description)
formats=$(sed -n '/\.name = "format"/,/\.set/p' src/cli/cli_options.c | sed -n 's/.*\.choices = {\(.*\)},/\1/p' |
    tr -d '" ' | tr ',' ' ')
[ -n "$formats" ] || die "no --format words found in src/cli/cli_options.c"
for f in $formats junit; do
    grep -qiw -- "$f" <<<"$description" || die "the description of ${deb##*/} does not name the format $f"
done

echo "== lintian"
lintian_root=()
[[ $(id -u) -eq 0 ]] && lintian_root=(--allow-root)
lintian_status=0
lintian_out=$(lintian "${lintian_root[@]}" -I --fail-on error,warning,info "$changes" 2>&1) ||
    lintian_status=$?
echo "${lintian_out:-lintian: no tags (errors, warnings, info) on ${changes##*/} and its packages}"
[ "$lintian_status" -eq 0 ] || die "lintian reports tags down to the info level (lintian -i explains each)"

echo "== dpkg -i"
installed=(rdnscheck librdnscheck-dev)
"${sudo[@]}" dpkg -i "$deb" "$dev" >/dev/null

got=$(/usr/bin/rdnscheck --version) || die "rdnscheck --version failed"
echo "$got"
[[ $got == "rdnscheck $version "* ]] || die "--version says '$got', want $version"
man=$(man -w rdnscheck) || die "man -w rdnscheck finds no page"
[ "$man" = /usr/share/man/man1/rdnscheck.1.gz ] || die "man -w rdnscheck: $man"
man rdnscheck 2>/dev/null | grep -q "EXIT STATUS" || die "man rdnscheck does not render"
listed=$(dpkg -L rdnscheck)
for f in /usr/share/bash-completion/completions/rdnscheck /usr/share/zsh/vendor-completions/_rdnscheck; do
    if ! grep -qxF "$f" <<<"$listed" || [ ! -f "$f" ]; then
        die "dpkg -L rdnscheck: no $f"
    fi
done
# Where the shells look: bash-completion's loader and zsh's default $fpath.
got=$(bash --norc -c '. /usr/share/bash-completion/bash_completion &&
    __load_completion rdnscheck && complete -p rdnscheck') || true
[ "$got" = "complete -F _rdnscheck rdnscheck" ] || die "bash-completion does not load it: '$got'"
got=$(HOME=$tmp zsh -f -c 'autoload -Uz compinit && compinit -u -D && print -r -- $_comps[rdnscheck]')
[ "$got" = _rdnscheck ] || die "zsh's compinit does not find it: '$got'"
# The library: a program built with pkg-config against the installed package.
# shellcheck disable=SC2046 # the flags are words
cc -std=c11 -Wall -Werror -o "$tmp/use" tests/install/use.c $(pkg-config --cflags --libs rdnscheck) ||
    die "tests/install/use.c does not build against librdnscheck-dev"
"$tmp/use" || die "tests/install/use.c failed against librdnscheck-dev"
plugin_v=$(/usr/lib/nagios/plugins/check_rdns -V) && die "check_rdns -V exited 0, want 3 (UNKNOWN)"
[[ $plugin_v == "check_rdns $version "* ]] || die "check_rdns -V says '$plugin_v'"

# The autopkgtests (debian/tests), on this machine as the testbed: with
# autopkgtest when it can be installed, else each test run directly from
# the source tree as autopkgtest would, after installing its Depends.
echo "== autopkgtest (debian/tests)"
if (ensure_packages autopkgtest) >/dev/null 2>&1 && command -v autopkgtest >/dev/null 2>&1; then
    "${sudo[@]}" autopkgtest --no-built-binaries --output-dir "$tmp/autopkgtest" \
        "$src" "$deb" "$dev" -- null >"$tmp/autopkgtest.log" 2>&1 ||
        { tail -n 60 "$tmp/autopkgtest.log"; die "autopkgtest failed (log above)"; }
    grep -E '^(smoke|library|icinga) +(PASS|FAIL|SKIP)' "$tmp/autopkgtest/summary" ||
        die "autopkgtest wrote no summary"
    grep -qvE ' PASS$' "$tmp/autopkgtest/summary" && die "an autopkgtest did not pass"
else
    echo "(autopkgtest cannot be installed here: running debian/tests directly)"
    ensure_packages knot knot-dnsutils build-essential pkg-config icinga2-bin
    for t in smoke library icinga; do
        (cd "$src" && AUTOPKGTEST_TMP=$tmp "debian/tests/$t") || die "debian/tests/$t failed"
    done
fi

if [ -n "$out" ]; then
    mkdir -p "$out"
    cp "$tmp"/*.deb "$tmp"/*.buildinfo "$changes" "$out"/ # all that the .changes lists
    echo "== kept in $out: $(cd "$tmp" && echo *.deb *.buildinfo "${changes##*/}")"
fi
echo "== removing the packages"
"${sudo[@]}" dpkg --purge "${installed[@]}" >/dev/null
installed=()
echo "package.sh: ok (${deb##*/}, ${dev##*/}) in $((SECONDS - start)) s"
