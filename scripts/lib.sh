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
