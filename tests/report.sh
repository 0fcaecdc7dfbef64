#!/usr/bin/env bash
# report.sh: the last step of make check: one line per test from the results
# tests/run.sh wrote, the wall time, then the total.
# Usage: tests/report.sh BUILD_DIR LABEL START_S TEST...
#   LABEL names the run in the wall-time line (`make check`), START_S is when
#   it began (date +%s.%N).
# Prints, per TEST in the order given: `ok     TEST  P passed (S s)` (after
# the SKIP lines of its log) or, for a failure, the end of its log then
# `FAILED TEST  P passed  F failed (exit E, S s)`; a test without a result
# (it never ran) is one failure.  Then `LABEL: W s wall, C s CPU in tests` and,
# alone on the last line, `N passed, N failed` (what CI reads).  Exits non-zero
# when anything failed.
set -u
build=${1:?usage: tests/report.sh BUILD_DIR LABEL START_S TEST...}
label=${2:?usage: tests/report.sh BUILD_DIR LABEL START_S TEST...}
start=${3:?usage: tests/report.sh BUILD_DIR LABEL START_S TEST...}
shift 3
total_pass=0
total_fail=0
cpu=0
for name in "$@"; do
    log=$build/results/$name.log
    p=0 f=1 rc=- wall=0 secs=0
    if [ -r "$build/results/$name.result" ]; then
        read -r p f rc wall secs <"$build/results/$name.result"
    fi
    total_pass=$((total_pass + p))
    total_fail=$((total_fail + f))
    cpu=$(awk -v a="$cpu" -v b="$secs" 'BEGIN { print a + b }')
    if [ "$f" -ne 0 ]; then
        [ -r "$log" ] && grep -v '^ok ' "$log" | tail -n 40
        printf 'FAILED %-28s %5d passed %4d failed (exit %s, %.1f s; log %s)\n' \
            "$name" "$p" "$f" "$rc" "$wall" "$log"
    else
        grep '^SKIP' "$log"
        printf 'ok     %-28s %5d passed (%.1f s)\n' "$name" "$p" "$wall"
    fi
done
awk -v s="$start" -v now="$(date +%s.%N)" -v c="$cpu" -v l="$label" \
    'BEGIN { printf "%s: %.0f s wall, %.0f s CPU in tests\n", l, now - s, c }'
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
