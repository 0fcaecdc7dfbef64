#!/usr/bin/env bash
# run.sh: run the libFuzzer harnesses one after another (make fuzz, make fuzz-smoke).
# Usage (from the project root): tests/fuzz/run.sh MODE SECONDS NAME...
#   MODE fuzz:  each harness build/fuzz/tests/fuzz/fuzz_NAME for SECONDS, its corpus in
#               build/fuzz/corpus/NAME/ (the committed seeds copied in, growing over runs);
#   MODE smoke: each for SECONDS from the committed seeds alone, in a scratch corpus.
# One process per harness, one at a time (no -jobs/-workers: the machine is shared).  The
# dictionary: tests/fuzz/NAME.dict when there is one, else the one its group uses (edf.dict
# for the recording parsers, ini.dict for settings, csv.dict for the CSV readers).
# Prints per harness one line `fuzz NAME: E execs in S s (R/s), corpus A -> B files (K KiB
# of inputs),
# ok|FAILED` and ends with `N passed, N failed` (one per harness).  A crash, sanitizer
# report, leak, timeout (-timeout, 10 s an input) or out-of-memory (-rss_limit_mb 2048) fails
# the harness: its input stays in build/fuzz/crashes/NAME/ and the log's last lines are shown.
# A harness with inputs in tests/fuzz/known/NAME/ (a hole found and not yet fixed) runs in
# libFuzzer's fork mode with one job (-fork=1 -ignore_crashes=1: still one process at a time),
# so that the known hole does not end its run in the first second and other faults are still
# found; it fails all the same when anything crashed, and its line counts the crashes.
# Exits non-zero when a harness failed.
set -u
mode=${1:?usage: tests/fuzz/run.sh fuzz|smoke SECONDS NAME...}
seconds=${2:?usage: tests/fuzz/run.sh fuzz|smoke SECONDS NAME...}
shift 2
cd "$(dirname "$0")/../.."

dict_of() {
    case "$1" in
    edf_header | records | tal | sound) echo tests/fuzz/edf.dict ;;
    config | preset) echo tests/fuzz/ini.dict ;;
    shard) echo tests/fuzz/shard.dict ;;
    *) echo tests/fuzz/csv.dict ;;
    esac
}

files_in() { find "$1" -type f | wc -l; }
kib_in() { find "$1" -type f -printf '%s\n' | awk '{ s += $1 } END { printf "%.0f", s / 1024 }'; }

# The harnesses' scratch directories (fuzz.h), and smoke runs' corpora, in a directory of this
# run's own: a harness that crashes (or fork mode's children) cannot remove its own.
scratch=$(mktemp -d /tmp/ictus-fuzz-run-XXXXXX)
trap 'rm -rf "$scratch"' EXIT
export TMPDIR=$scratch
passed=0
failed=0
for name in "$@"; do
    bin=build/fuzz/tests/fuzz/fuzz_$name
    seeds=tests/fuzz/corpus/$name
    crashes=build/fuzz/crashes/$name
    log=build/fuzz/logs/$name.log
    mkdir -p "$crashes" build/fuzz/logs
    if [ "$mode" = smoke ]; then
        corpus=$scratch/corpus-$name
        mkdir -p "$corpus"
        cp "$seeds"/* "$corpus"/
    else
        corpus=build/fuzz/corpus/$name
        mkdir -p "$corpus"
        cp -n "$seeds"/* "$corpus"/
    fi
    before=$(files_in "$corpus")
    fork=()
    known=
    if [ -n "$(ls -A "tests/fuzz/known/$name" 2>/dev/null)" ]; then
        fork=(-fork=1 -ignore_crashes=1)
        known=" (fork mode: known hole in tests/fuzz/known/$name)"
    fi
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
        "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        "${fork[@]}" -dict="$(dict_of "$name")" -artifact_prefix="$crashes/" "$corpus" >"$log" 2>&1
    rc=$?
    if [ ${#fork[@]} -eq 0 ]; then
        execs=$(awk '/stat::number_of_executed_units/ { print $2 }' "$log")
        rate=$(awk '/stat::average_exec_per_sec/ { print $2 }' "$log")
        secs=$(awk '/stat::number_of_executed_units/ { n = $2 } /stat::average_exec_per_sec/ { r = $2 }
                    END { if (r > 0) printf "%.0f", n / r; else print "?" }' "$log")
        crashed=
    else
        # fork mode's status lines: "#EXECS: cov: .. oom/timeout/crash: O/T/C time: Ss ..."; its
        # exec/s there is the last job's, so the rate is worked out over the whole run
        last=$(grep -E '^#[0-9]+: cov:' "$log" | tail -n 1)
        execs=$(sed -E 's/^#([0-9]+):.*/\1/' <<<"$last")
        secs=$(sed -E 's/.*time: ([0-9]+)s.*/\1/' <<<"$last")
        rate=$(awk -v n="$execs" -v s="$secs" 'BEGIN { if (s > 0) printf "%.0f", n / s; else print "?" }')
        otc=$(sed -E 's/.*oom\/timeout\/crash: ([0-9]+\/[0-9]+\/[0-9]+).*/\1/' <<<"$last")
        crashed=", oom/timeout/crash $otc"
        case "$otc" in 0/0/0) ;; *) rc=1 ;; esac
    fi
    after=$(files_in "$corpus")
    verdict=ok
    if [ "$rc" -ne 0 ]; then
        verdict=FAILED
        failed=$((failed + 1))
    else
        passed=$((passed + 1))
    fi
    echo "fuzz $name: ${execs:-?} execs in $secs s (${rate:-?}/s), corpus $before -> $after files" \
        "($(kib_in "$corpus") KiB of inputs)$crashed, $verdict$known"
    if [ "$rc" -ne 0 ]; then
        grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error|artifact_prefix|Test unit written)' "$log" |
            head -n 8
        echo "  log: $log; input: $(ls -t "$crashes" | head -n 1 | sed "s|^|$crashes/|")"
    fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
