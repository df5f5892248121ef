#!/bin/sh
# test_install.sh - install the build into a temporary prefix and build a
# user's program against it with pkg-config alone (see CMakeLists.txt).
# Usage: test_install.sh CMAKE PKG_CONFIG BUILD_DIR USE_C CC VERSION LIBDIR
#                        INCLUDEDIR [EXTRA_CFLAGS [DATADIR]]
set -eu
cmake=$1 pkgconfig=$2 build=$3 use_c=$4 cc=$5 version=$6 libdir=$7 incdir=$8
extra=${9-} datadir=${10-share}

fail() {
    echo "test_install: $*" >&2
    exit 1
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/rdc-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix

"$cmake" --install "$build" --prefix "$prefix" >"$tmp/install.log" 2>&1 ||
    { cat "$tmp/install.log" >&2; fail "cmake --install failed"; }

# The library, the public header and its version header, the .pc file; no
# internal header is installed.
for f in "$libdir/librdnscheck.a" "$libdir/pkgconfig/rdnscheck.pc" "$incdir/rdnscheck.h" \
    "$incdir/rdnscheck/version.h"; do
    [ -f "$prefix/$f" ] || fail "$f not installed"
done
# The shell completions (directories given by CMakeLists.txt)
if [ -n "${RDC_BASH_COMPLETION_DIR-}" ]; then
    [ -f "$prefix/$RDC_BASH_COMPLETION_DIR/rdnscheck" ] ||
        fail "bash completion not in $RDC_BASH_COMPLETION_DIR"
fi
if [ -n "${RDC_ZSH_COMPLETION_DIR-}" ]; then
    [ -f "$prefix/$RDC_ZSH_COMPLETION_DIR/_rdnscheck" ] ||
        fail "zsh completion not in $RDC_ZSH_COMPLETION_DIR"
fi
# The JSON Schema of --json, where the README says
[ -f "$prefix/$datadir/rdnscheck/rdnscheck.schema.json" ] ||
    fail "$datadir/rdnscheck/rdnscheck.schema.json not installed"
headers=$(cd "$prefix/$incdir" && find . -type f | sort | tr '\n' ' ')
[ "$headers" = "./rdnscheck.h ./rdnscheck/version.h " ] || fail "installed headers: $headers"
# The monitoring plugin: a relative link to the binary, in the plugin
# directory (CMakeLists.txt), that runs as check_rdns; its Icinga 2 and
# Nagios command definitions
if [ -n "${RDC_PLUGIN_DIR-}" ]; then
    plugin=$prefix/$RDC_PLUGIN_DIR/check_rdns
    [ -L "$plugin" ] || fail "no link $RDC_PLUGIN_DIR/check_rdns"
    case $(readlink "$plugin") in /*) fail "check_rdns links to an absolute path" ;; esac
    got=$("$plugin" -V) && fail "check_rdns -V exited 0 (want 3, UNKNOWN)"
    case $got in "check_rdns $version "*) ;; *) fail "check_rdns -V says '$got'" ;; esac
fi
[ -f "$prefix/share/icinga2/include/plugins-contrib.d/rdnscheck.conf" ] ||
    fail "no Icinga 2 CheckCommand in share/icinga2/include/plugins-contrib.d"
[ -f "$prefix/share/doc/rdnscheck/examples/check_rdns.cfg" ] ||
    fail "no Nagios command definition in share/doc/rdnscheck/examples"

export PKG_CONFIG_PATH="$prefix/$libdir/pkgconfig"
modversion=$("$pkgconfig" --modversion rdnscheck) || fail "pkg-config finds no rdnscheck"
[ "$modversion" = "$version" ] || fail "pkg-config version $modversion, want $version"
flags=$("$pkgconfig" --cflags --libs rdnscheck) || fail "pkg-config --libs failed"
echo "test_install: $cc $extra -std=c11 ... use.c $flags"

# shellcheck disable=SC2086 # the flags are words
"$cc" $extra -std=c11 -pedantic -Wall -Wextra -Wstrict-prototypes -Werror \
    -o "$tmp/use" "$use_c" $flags || fail "use.c does not build against the install"
"$tmp/use" || fail "use.c failed against the install"
