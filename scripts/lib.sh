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
    local quiet=(-qq)
    [[ ${RDC_VERBOSE_APT:-0} == 1 ]] && quiet=()
    "${sudo[@]}" apt-get update "${quiet[@]}"
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
