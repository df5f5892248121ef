# shellcheck shell=bash
# readme.sh - README examples as the shell tests run them (sourced), so
# that a command line the README shows is the one that was tested.
#
#   readme_block README MARKER   prints the lines of the first fenced block
#                                (```) after the first line that contains
#                                MARKER (an HTML comment such as
#                                "<!-- tested: tests/integration/test_ci.sh ... -->");
#                                nothing when there is none
readme_block() {
    awk -v pat="$2" '
        !found && index($0, pat) { found = 1; next }
        found && /^```/ { if (inside) exit; inside = 1; next }
        inside { print }' "$1"
}
