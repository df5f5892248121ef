# shellcheck shell=bash
# jsonschema.sh - (sourced) `json_valid FILE...`: true when every line of
# each FILE is a JSON record that schema/rdnscheck.schema.json accepts,
# checked closed-world by tests/json/check_schema.py with Debian's
# python3-jsonschema; prints what it rejects. The shell tests call it on
# every JSON output they make (the case runner has its own hook).
rdc_schema_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
json_valid() {
    local out
    if out=$(/usr/bin/python3 "$rdc_schema_root/tests/json/check_schema.py" \
        "$rdc_schema_root/schema/rdnscheck.schema.json" "$@" 2>&1); then
        return 0
    fi
    printf '%s\n' "$out" | sed 's/^/    /' | head -n 60
    return 1
}
