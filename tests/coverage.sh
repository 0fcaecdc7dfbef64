#!/usr/bin/env bash
# coverage.sh: the parsers' line coverage under make check's tests and the fuzz seeds (issue 16;
# the recipe of make coverage).
# Usage: tests/coverage.sh BUILD_DIR [MAKE]   (run from the project root; BUILD_DIR is a gcov
#   build, build/coverage, already built: the Makefile's coverage goal builds it first)
# Zeroes the counters (removes BUILD_DIR's *.gcda and results), runs `MAKE check-coverage`
# (make check's tests in BUILD_DIR; test_fuzz_replay.sh replays every harness over
# tests/fuzz/corpus and tests/fuzz/regress there), then prints, per parser file, its executable
# lines, the lines run, the line coverage and whether it meets the target (TARGET_PCT, 90), then
# the same over all the files.  Counters of processes that run at once are merged by gcov's
# runtime (it locks each .gcda), so make -j is fine.
# COVERAGE_RUN=0 skips the zeroing and the tests: only the counters already there are read.
# Exits 0 whether or not the tests pass and the targets are met (both are printed); 1 when gcov
# cannot read a file's notes (the build is missing or stale) or no counters were written.
set -u
build=${1:?usage: tests/coverage.sh BUILD_DIR [MAKE]}
make=${2:-make}
target=${TARGET_PCT:-90}

# The parsers of issue 16, by what they read; the fuzzed score and stimulation lists after.
files="pipeline/source/edf.c pipeline/source/edf_header.c pipeline/source/edf_tal.c
pipeline/source/sndheader.c protocols/study.c protocols/manifest.c base/csvtable.c
base/config.c detectors/preset.c detectors/preset_find.c detectors/score_inputs.c
detectors/stimlist.c"

if [ "${COVERAGE_RUN:-1}" != 0 ]; then # COVERAGE_RUN=0: only read the counters there are
    find "$build" -name '*.gcda' -delete
    rm -rf "$build/results"
    # a failed test is printed by the check's own report and does not stop the measure
    $make check-coverage || echo "coverage: some tests failed (above); the coverage below is still measured"
fi
if [ -z "$(find "$build" -name '*.gcda' -print -quit)" ]; then
    echo "coverage: no counters were written under $build (was it built with --coverage?)" >&2
    exit 1
fi

# gcov -n prints, per source file of the object, "File 'F'" then "Lines executed:P% of N".
status=0
total_lines=0
total_run=0
met=0
printf '%-32s %6s %6s %8s  %s\n' "parser file" lines run coverage "target $target %"
for f in $files; do
    out=$(gcov -n -o "$build/$(dirname "$f")" "$f" 2>&1)
    line=$(awk -v f="$f" '$0 == "File '\''" f "'\''" { want = 1; next }
                          want && /^Lines executed:/ { print; exit }' <<<"$out")
    if [ -z "$line" ]; then
        if grep -q 'No executable lines' <<<"$out"; then
            line="Lines executed:100.00% of 0"
        else
            echo "coverage: gcov gave no line count for $f:" >&2
            echo "$out" >&2
            status=1
            continue
        fi
    fi
    pct=$(sed -E 's/Lines executed:([0-9.]+)% of ([0-9]+)/\1/' <<<"$line")
    n=$(sed -E 's/Lines executed:([0-9.]+)% of ([0-9]+)/\2/' <<<"$line")
    run=$(awk -v p="$pct" -v n="$n" 'BEGIN { printf "%d", p * n / 100 + 0.5 }')
    ok=$(awk -v p="$pct" -v t="$target" 'BEGIN { print (p >= t ? "met" : "NOT met") }')
    [ "$ok" = met ] && met=$((met + 1))
    printf '%-32s %6d %6d %7.1f %%  %s\n' "$f" "$n" "$run" "$pct" "$ok"
    total_lines=$((total_lines + n))
    total_run=$((total_run + run))
done
n_files=$(wc -w <<<"$files")
awk -v r="$total_run" -v n="$total_lines" -v t="$target" -v m="$met" -v k="$n_files" 'BEGIN {
    p = n ? 100 * r / n : 100
    printf "%-32s %6d %6d %7.1f %%  %s\n", "total", n, r, p, (p >= t ? "met" : "NOT met")
    printf "coverage: the %d %% target is met by %d of %d parser files, and %s in total\n",
           t, m, k, (p >= t ? "met" : "not met")
}'
exit "$status"
