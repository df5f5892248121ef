#!/usr/bin/env bash
# The command definitions that ship with check_rdns: the Icinga 2
# CheckCommand "rdns" (contrib/icinga2/rdnscheck.conf) validated by Icinga 2
# itself - `icinga2 daemon -C` on a throwaway configuration that loads the
# ITL and plugins-contrib as a real one does and has services use the
# command - and, for it and the Nagios definitions
# (contrib/nagios/check_rdns.cfg), every option they pass is one that
# check_rdns --help lists, and the other way round. Icinga 2 is never
# started: -C only loads and checks the configuration.
# Usage: test_icinga.sh RDNSCHECK SRCDIR
# Without icinga2 (Debian: icinga2-bin; scripts/test.sh installs it) the
# validation is a SKIP (exit 77); with CI=true a failure.
set -uo pipefail
bin=$1
src=$2
conf=$src/contrib/icinga2/rdnscheck.conf
cfg=$src/contrib/nagios/check_rdns.cfg
tmp=$(mktemp -d /tmp/rdc-icinga.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
export LC_ALL=C
# shellcheck source=tests/common/check.sh
. "$(dirname "${BASH_SOURCE[0]}")/../common/check.sh"
case ${CI:-} in 1 | [Tt]rue | TRUE | yes) ci=1 ;; *) ci=0 ;; esac

ln -s "$(realpath "$bin")" "$tmp/check_rdns"
help=$("$tmp/check_rdns" --help)
# the options of --help's option list: "-H, --hostname" -> -H --hostname
opts=$(sed -n '/^Options:/,/^Ranges/p' <<<"$help" | grep -oE -- '(^|[ ,])--?[A-Za-z][a-z-]*' |
    tr -d ' ,' | sort -u)
conf_opts=$(sed -n 's/^[[:space:]]*"\(-[^"]*\)" = {.*/\1/p' "$conf" | sort -u)
for o in $conf_opts; do
    check "Icinga 2 CheckCommand: $o is a check_rdns option" grep -qxF -- "$o" <<<"$opts"
done
for o in -H -s -t -w -c -W -C -v --mx --spf; do
    check "Icinga 2 CheckCommand passes $o" grep -qxF -- "$o" <<<"$conf_opts"
done
for o in $(grep '^ *command_line' "$cfg" | grep -oE -- ' --?[A-Za-z][a-z-]*' | tr -d ' ' | sort -u); do
    check "Nagios command definition: $o is a check_rdns option" grep -qxF -- "$o" <<<"$opts"
done
check "Nagios command definition: check_rdns in \$USER1\$" grep -q '\$USER1\$/check_rdns ' "$cfg"

icinga=${RDC_ICINGA2:-icinga2}
if ! command -v "$icinga" >/dev/null 2>&1; then
    if [ "$ci" -eq 1 ]; then
        check "icinga2 is installed (CI=true; Debian package icinga2-bin)" false
        check_done
        exit 1
    fi
    echo "SKIP: icinga2 is missing (Debian package icinga2-bin); $passes passed"
    exit 77
fi

# A throwaway configuration: the constants a real icinga2.conf sets, the
# ITL with the Monitoring Plugins' and the contributed commands (so that a
# name clash with the ITL would show), ours, and services that use it in
# each way the comments of rdnscheck.conf show.
mkdir -p "$tmp/var/cache" "$tmp/var/lib" "$tmp/var/log" "$tmp/var/spool" "$tmp/run"
cat >"$tmp/icinga2.conf" <<EOF
const PluginDir = "/usr/lib/nagios/plugins"
const PluginContribDir = "$tmp"
const ManubulonPluginDir = "/usr/lib/nagios/plugins"
const NodeName = "rdnscheck-test.example"
const ZoneName = "rdnscheck-test.example"
const TicketSalt = ""
include <itl>
include <plugins>
include <plugins-contrib>
include "$tmp/rdnscheck.conf"
object Host "mail" {
  address = "192.0.2.10"
  address6 = "2001:db8::10"
  check_command = "dummy"
}
object Service "fcrdns" {
  host_name = "mail"
  check_command = "rdns"
}
object Service "fcrdns-spf" {
  host_name = "mail"
  check_command = "rdns"
  vars.rdns_address = []
  vars.rdns_spf = [ "example.com", "example.org" ]
  vars.rdns_mx = [ "example.com" ]
  vars.rdns_server = "127.0.0.1:53,[::1]:53"
  vars.rdns_warning = 0
  vars.rdns_critical = "2"
  vars.rdns_warn_warning = "~:3"
  vars.rdns_warn_critical = "@5:10"
  vars.rdns_timeout = 30
  vars.rdns_verbose = true
}
EOF
validate() { # config: icinga2 daemon -C, as root or not, writing only under tmp
    "$icinga" daemon -C -c "$1" -DDataDir="$tmp/var/lib" -DCacheDir="$tmp/var/cache" \
        -DLogDir="$tmp/var/log" -DSpoolDir="$tmp/var/spool" -DInitRunDir="$tmp/run" \
        -DRunAsUser="$(id -un)" -DRunAsGroup="$(id -gn)" >"$tmp/validate.log" 2>&1
}
cp "$conf" "$tmp/rdnscheck.conf"
validate "$tmp/icinga2.conf"
st=$?
check "icinga2 daemon -C accepts rdnscheck.conf (status $st)" test "$st" -eq 0
[ "$st" -eq 0 ] || tail -n 20 "$tmp/validate.log"
check "icinga2 daemon -C instantiated our services" grep -q 'Instantiated 2 Services' "$tmp/validate.log"
# ... and would refuse it broken: the check is real
sed 's/repeat_key = true/repeat_key = true true/' "$conf" >"$tmp/rdnscheck.conf"
validate "$tmp/icinga2.conf"
check "icinga2 daemon -C refuses a broken copy" test $? -ne 0
check_done
