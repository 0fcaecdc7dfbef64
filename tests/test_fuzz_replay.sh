#!/usr/bin/env bash
# test_fuzz_replay.sh: every fuzz harness (tests/fuzz/fuzz_NAME.c), built without libFuzzer
# (BUILD/tests/fuzz/replay_NAME: tests/fuzz/replay.c's main), runs once over its committed
# seeds (tests/fuzz/corpus/NAME/) and its regression inputs (tests/fuzz/regress/NAME/: the
# crashes the fuzzers found, fixed since) under this build's sanitizers, and passes every one.
# The inputs of holes found and not yet fixed (tests/fuzz/known/NAME/) are not run here.
#
# Proves:
#   - each harness passes each of its seeds and regression inputs (exit 0, all counted);
#   - the seeds stay small (each file < 64 KiB, all < 2 MB) and every harness has some;
#   - every regression and known input belongs to a harness that exists;
#   - the replay fails (non-zero, counted) on a file it cannot read.
# Needs: $ICTUS (its directory holds tests/fuzz/replay_*; make builds them first).
set -u
. "$(dirname "$0")/shcheck.sh"
cd "$(dirname "$0")/.."
B=$(dirname "$ICTUS")

names=$(for f in tests/fuzz/fuzz_*.c; do basename "$f" .c | sed 's/^fuzz_//'; done)
eq "there are harnesses" "$([ -n "$names" ] && echo yes)" yes
for n in $names; do
    seeds=$(find "tests/fuzz/corpus/$n" -type f 2>/dev/null | wc -l)
    regress=$(find "tests/fuzz/regress/$n" -type f 2>/dev/null | wc -l)
    [ "$seeds" -gt 0 ]
    ok "$n: has seeds"
    # a hang (an input the fuzzer timed out on) fails rather than stopping make check
    timeout 120 "$B/tests/fuzz/replay_$n" "$n" "tests/fuzz/corpus/$n" "tests/fuzz/regress/$n" \
        >"$W/$n.out" 2>&1
    rc=$?
    eq "$n: the replay over $seeds seeds and $regress regression inputs exits 0" "$rc" 0
    [ "$rc" -eq 0 ] || tail -n 20 "$W/$n.out"
    eq "$n: every input ran" "$(tail -n 1 "$W/$n.out")" \
        "fuzz_$n: $((seeds + regress)) passed, 0 failed"
done

big=$(find tests/fuzz/corpus -type f -size +63k)
eq "no seed of 64 KiB or more" "$big" ""
total=$(find tests/fuzz/corpus -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')
[ "$total" -lt 2000000 ]
ok "the seeds are under 2 MB together ($total bytes)"
for d in tests/fuzz/regress/* tests/fuzz/known/*; do
    [ -d "$d" ] || continue
    [ -f "tests/fuzz/fuzz_$(basename "$d").c" ]
    ok "$d belongs to a harness"
done

first=$(head -n 1 <<<"$names")
"$B/tests/fuzz/replay_$first" "$first" "$W/no-such-file" "$W" >"$W/missing.out" 2>&1
eq "a missing file is skipped (an absent regress folder is fine)" "$?" 0
mkdir -p "$W/unreadable"
ln -s "$W/nowhere" "$W/unreadable/broken"
"$B/tests/fuzz/replay_$first" "$first" "$W/unreadable" >"$W/broken.out" 2>&1
eq "an unreadable file in a folder fails the replay" "$?" 1
eq "and is counted" "$(tail -n 1 "$W/broken.out")" "fuzz_$first: 0 passed, 1 failed"

check_done test_fuzz_replay
