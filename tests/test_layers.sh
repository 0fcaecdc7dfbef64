#!/usr/bin/env bash
# test_layers.sh: the dependencies between the tree's floors point one way,
# downwards.  Every #include "..." of every source file outside tests/ must
# name a header of its own floor or of a floor it is allowed to build on
# (the table below is README's "Architecture" table; change both together).
# Also, tests included: every included header exists as named from the
# project root (includes are root-relative, never bare file names).
# Proves the checker itself catches an upward include and a bare one.
set -u
. "$(dirname "$0")/shcheck.sh"
cd "$(dirname "$0")/.."

# Reads "FILE HEADER" lines; prints one FAIL line per violation.
check_includes() {
    find . -name '*.h' -not -path './build/*' -not -path '*/node_modules/*' | sed 's|^\./||' \
        >"$W/headers"
    awk -v known="$W/headers" '
    function floor_of(p) {
        if (p ~ /^base\//) return "base"
        if (p ~ /^pipeline\/source\//) return "source"
        if (p ~ /^pipeline\/dsp\//) return "dsp"
        if (p ~ /^pipeline\/features\//) return "features"
        if (p ~ /^pipeline\/(settings|event)\./) return "types"
        if (p ~ /^pipeline\/[^\/]*$/) return "engine"
        if (p ~ /^(store|detectors|protocols|synth|report|nightly|review|cli|tests)\//) { split(p, s, "/"); return s[1] }
        return "unknown"
    }
    BEGIN {
        # The files that exist (one lookup, not a `test -f` process per include).
        while ((getline line < known) > 0) exists[line] = 1
        # What each floor may include besides itself.
        may["base"] = ""
        may["source"] = "base"
        may["types"] = "base source"
        may["dsp"] = "base types"
        may["features"] = "base source types dsp"
        may["engine"] = "base source types dsp features"
        may["store"] = "base source types dsp features engine"
        may["detectors"] = "base source types dsp features engine"
        may["protocols"] = "base source types dsp features engine store detectors"
        may["synth"] = "base source types dsp features engine protocols"
        may["report"] = "base source types dsp features engine store detectors protocols"
        may["nightly"] = "base source types dsp features engine store detectors protocols report"
        may["review"] = "base source types dsp features engine store detectors protocols"
        may["cli"] = "base source types dsp features engine store detectors protocols synth report nightly review"
    }
    {
        f = $1; inc = $2; from = floor_of(f)
        if (from == "unknown") { print "FAIL " f ": in no floor"; next }
        if (!(inc in exists)) {
            print "FAIL " f " includes \"" inc "\": no such file from the project root"; next
        }
        if (from == "tests") next
        to = floor_of(inc)
        if (to != from && index(" " may[from] " ", " " to " ") == 0)
            print "FAIL " f " (" from ") includes " inc " (" to "): " from " may build on: " may[from]
    }'
}

includes() { # FILE...
    grep -H -o '^[[:space:]]*#[[:space:]]*include[[:space:]]*"[^"]*"' "$@" |
        sed 's/^\([^:]*\):.*"\(.*\)"$/\1 \2/'
}

files=$(git ls-files '*.c' '*.h')
n=$(wc -w <<<"$files")
[ "$n" -gt 100 ]
ok "read $n source files"
# shellcheck disable=SC2086
out=$(includes $files | check_includes)
[ -z "$out" ] || echo "$out"
eq "includes that point up or sideways, or to no file" "$(grep -c . <<<"$out")" 0

# The checker itself: an upward, a sideways and a bare include are caught.
caught=$(printf '%s\n' "base/status.c pipeline/analyzer.h" "detectors/typing.c store/store.h" \
    "nightly/job.c cli/cli.h" "protocols/study.c study.h" "store/store.c base/status.h" |
    check_includes | grep -c FAIL)
eq "violations the checker catches in five made-up includes (four wrong)" "$caught" 4
check_done test_layers.sh
