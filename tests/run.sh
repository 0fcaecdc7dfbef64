#!/usr/bin/env bash
# run.sh: run one test (a test program or a shell test) and write down its
# result for tests/report.sh; the make rule of one test (make check).
# Usage: tests/run.sh BUILD_DIR TEST   (run from the project root)
#   TEST is test_NAME (the program BUILD_DIR/tests/test_NAME) or test_NAME.sh
#   (the script tests/test_NAME.sh, run with ICTUS=BUILD_DIR/ictus), or DIR/test_NAME.sh
#   (tests/DIR/test_NAME.sh, its results in BUILD_DIR/results/DIR/: make check-slurm).
# Writes BUILD_DIR/results/TEST.log (everything the test printed) and
# BUILD_DIR/results/TEST.result, one line `PASSED FAILED EXIT WALL_S CPU_S`:
# the counts of the test's last `NAME: P passed, F failed` line (a test that
# exits non-zero or prints no such line counts one failure more than it says,
# at least one).  Prints nothing and exits 0 even when the test fails, so that
# `make -j` runs every test; tests/report.sh judges.
set -u
build=${1:?usage: tests/run.sh BUILD_DIR TEST}
name=${2:?usage: tests/run.sh BUILD_DIR TEST}
case "$name" in
*.sh) prog=tests/$name ;;
*) prog=$build/tests/$name ;;
esac
export ICTUS="$build/ictus"
# No FFTW wisdom cache (pipeline/features/spectrum.h): a test's FFT plans never depend on
# what an earlier run measured, and no test reads or writes the user's ~/.cache.
export ICTUS_CACHE_DIR=
log=$build/results/$name.log
mkdir -p "$(dirname "$log")"
result=$build/results/$name.result
rm -f "$result"

# The test's wall time and the CPU time of it and its children, in seconds.
TIMEFORMAT='%R %U %S'
times=$( { time "$prog" >"$log" 2>&1; } 2>&1 )
rc=$?
read -r wall user sys <<<"$times"

line=$(grep -E '^[A-Za-z0-9_.-]+: [0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)
p=0
f=0
if [ -n "$line" ]; then
    p=$(sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed/\1/' <<<"$line")
    f=$(sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed/\2/' <<<"$line")
fi
if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
    f=1
fi
echo "$p $f $rc $wall $(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')" >"$result"
