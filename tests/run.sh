#!/usr/bin/env bash
# run.sh: run every test program and shell test, sum their counts.
# Usage: tests/run.sh BUILD_DIR   (run from the project root)
# Each test prints `NAME: P passed, F failed`; a test that exits non-zero or
# prints no such line counts as one failure.  Ends with `N passed, N failed`
# and exits non-zero when anything failed.
set -u
build=${1:?usage: tests/run.sh BUILD_DIR}
export ICTUS="$build/ictus"
total_pass=0
total_fail=0
for t in "$build"/tests/test_* tests/test_*.sh; do
    [ -e "$t" ] || continue
    case "$t" in *.c|*.o|*.d) continue ;; esac
    name=$(basename "$t")
    start=$(date +%s.%N)
    out=$("$t" 2>&1)
    rc=$?
    secs=$(echo "$(date +%s.%N) - $start" | bc)
    line=$(printf '%s\n' "$out" | grep -E '^[A-Za-z0-9_.-]+: [0-9]+ passed, [0-9]+ failed$' | tail -n 1)
    if [ -n "$line" ]; then
        p=$(echo "$line" | sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed/\1/')
        f=$(echo "$line" | sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed/\2/')
    else
        p=0
        f=0
    fi
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1
    fi
    total_pass=$((total_pass + p))
    total_fail=$((total_fail + f))
    if [ "$f" -ne 0 ]; then
        printf '%s\n' "$out" | grep -v '^ok ' | tail -n 40
        printf 'FAILED %-28s %5d passed %4d failed (exit %d, %.1f s)\n' "$name" "$p" "$f" "$rc" "$secs"
    else
        printf '%s\n' "$out" | grep '^SKIP' || true
        printf 'ok     %-28s %5d passed (%.1f s)\n' "$name" "$p" "$secs"
    fi
done
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
