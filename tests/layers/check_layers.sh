#!/usr/bin/env bash
# check_layers.sh - the layer rule of src/ (README "Architecture"): a file
# includes headers of its own layer and of the layers below it, never of a
# layer above. The layers, bottom up: util, dns, rules, run, report, cli.
# include/ (the public API) and system headers are open to every layer.
# Usage: check_layers.sh SRC_DIR
set -euo pipefail
src=${1:?usage: check_layers.sh SRC_DIR}
layers=(util dns rules run report cli)
rank() { # folder -> its place in the order, or -1
    local i
    for i in "${!layers[@]}"; do [ "${layers[$i]}" = "$1" ] && { echo "$i"; return; }; done
    echo -1
}
# every internal header, by name -> its folder
declare -A home
for d in "${layers[@]}"; do
    [ -d "$src/$d" ] || { echo "FAIL: no folder $src/$d"; exit 1; }
    for h in "$src/$d"/*.h; do
        [ -e "$h" ] || continue
        n=$(basename "$h")
        [ -z "${home[$n]:-}" ] || { echo "FAIL: header $n in both ${home[$n]} and $d"; exit 1; }
        home[$n]=$d
    done
done
bad=0 files=0 edges=0
for d in "${layers[@]}"; do
    r=$(rank "$d")
    for f in "$src/$d"/*.[ch]; do
        files=$((files + 1))
        while IFS= read -r inc; do
            to=${home[$inc]:-}
            [ -n "$to" ] || continue # public or system header
            edges=$((edges + 1))
            if [ "$(rank "$to")" -gt "$r" ]; then
                echo "FAIL: $d/$(basename "$f") includes $to/$inc (layer $to is above $d)"
                bad=$((bad + 1))
            fi
        done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f")
    done
done
# a file outside the layer folders would escape the rule
stray=$(find "$src" -maxdepth 1 -name '*.[ch]' | head -n 5)
if [ -n "$stray" ]; then
    echo "FAIL: files outside a layer folder: $stray"
    bad=$((bad + 1))
fi
echo "layers: $files files, $edges internal includes, $bad upward"
[ "$bad" -eq 0 ]
