#!/usr/bin/env bash
# test_run_kill.sh: `ictus run` killed with SIGKILL (check-all: about 40 s of
# CPU under ASan; test_run.sh keeps the rest of the nightly job in make check).
#
# Proves:
#   - SIGKILL at random moments (25 times, in every stage of a run), then a
#     normal run: the database passes integrity_check, and its canonical dump
#     and out/events.csv equal those of an uninterrupted run; the run says the
#     previous one was interrupted;
#   - SIGKILL while the report's PDF is drawn (a forked child): the study lock
#     is free at once, no drawing process outlives the run, and the next run
#     exits 0 and leaves no temporary PDF behind.
# Needs: $ICTUS (the binary under test), sqlite3, flock.
set -u
. "$(dirname "$0")/shcheck.sh"
. "$(dirname "$0")/run_common.sh"

# ------------------------------------------------------------------ the study
"$ICTUS" synth --model ihka-mouse --animals 3 --days 1 --hours 1 --fs 250 --channels 2 \
    --seed 11 -o "$W/gen" >/dev/null 2>&1
ok "synth makes the study (seed 11, the first day of test_run.sh's)"
mkdir -p "$W/oneday"
cp -r "$W/gen/recordings" "$W/gen/study.ini" "$W/gen/animals.csv" "$W/gen/recordings.csv" "$W/oneday/"

# ------------------------------------------------------------------ killed at random moments
# On the first day alone (3 files, 2 jobs): the runs killed are half as long,
# and kills still land in every stage of them.
K=$W/kill
cp -r "$W/oneday" "$K"
start=$(date +%s%N)
run "$K" --settle 0 -j 2
eq "uninterrupted reference run: exit 0" "$rc" 0
# A whole run's time: from its start to the moment it recorded its end (what follows, the
# process's exit, is no part of the run: under ASan the leak check at exit takes a while).
ms=$(($(q "$K" "SELECT ended_unix_us FROM runs ORDER BY id DESC LIMIT 1") / 1000 - start / 1000000))
dump "$K" >"$W/dump_ref"
dump "$K" noidentity >"$W/dump_ref_copy"
cp "$K/out/events.csv" "$W/events_ref.csv"
rm -rf "$K/ictus.db" "$K/ictus.db-wal" "$K/ictus.db-shm" "$K/out"
# Each run is killed after a random delay within a whole run's time.  Runs
# after a kill have less left to do, so whenever a kill comes too late (the
# run had finished) the database is thrown away and the work starts over:
# most kills land inside a run, at every stage (plan, detection, storing).
RANDOM=4242
mid_run=0
for i in $(seq 1 25); do
    "$ICTUS" run "$K" --settle 0 -j 2 >/dev/null 2>&1 &
    pid=$!
    delay=$((RANDOM % (ms + 1)))
    sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    last=$(q "$K" "SELECT status FROM runs ORDER BY id DESC LIMIT 1" 2>/dev/null)
    if [ "$last" = running ]; then
        mid_run=$((mid_run + 1))
    elif [ "$i" -lt 25 ]; then
        rm -rf "$K/ictus.db" "$K/ictus.db-wal" "$K/ictus.db-shm" "$K/out"
    fi
done
[ "$mid_run" -ge 10 ]
ok "kill -9: most kills landed inside a run ($mid_run of 25; a run takes $ms ms)"
eq "after kills: integrity_check" "$(q "$K" "PRAGMA integrity_check")" ok
run "$K" --settle 0 -j 2
eq "after kills: a normal run exits 0" "$rc" 0
dump "$K" >"$W/dump_kill"
cmp -s "$W/dump_ref" "$W/dump_kill"
ok "after kills: result tables identical to an uninterrupted run"
cmp -s "$W/events_ref.csv" "$K/out/events.csv"
ok "after kills: out/events.csv identical to an uninterrupted run's"
[ "$(q "$K" "SELECT status FROM runs ORDER BY id DESC LIMIT 1 OFFSET 1")" != running ] ||
    grep -q 'the previous run .* was interrupted' "$W/out"
ok "after kills: the run says when the previous one was interrupted"

# ------------------------------------------------------------------ killed while the PDF is drawn
# The report's PDF is drawn by a forked child.  A run killed with -9 then must
# not leave the study locked by that child: the next run starts at once.  The
# kill lands when the child's temporary PDF appears (polled every millisecond).
P=$W/killpdf
cp -r "$W/oneday" "$P"
seen=0
held=0
for i in $(seq 1 3); do
    rm -rf "$P/ictus.db" "$P/ictus.db-wal" "$P/ictus.db-shm" "$P/out"
    "$ICTUS" run "$P" --settle 0 -j 2 >/dev/null 2>&1 &
    pid=$!
    for _ in $(seq 1 20000); do
        compgen -G "$P/out/report/report.pdf.tmp-*" >/dev/null && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.001
    done
    if compgen -G "$P/out/report/report.pdf.tmp-*" >/dev/null; then
        seen=$((seen + 1))
        kill -9 "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
        flock -n "$P/ictus.lock" true || held=$((held + 1))
    else
        wait "$pid" 2>/dev/null
    fi
done
[ "$seen" -ge 1 ]
ok "kill -9 while the PDF is drawn: the kill landed then ($seen of 3 runs)"
eq "kill -9 while the PDF is drawn: the study lock is free at once (runs it stayed held)" \
    "$held" 0
sleep 0.5
! pgrep -f -- "run $P " >/dev/null
ok "kill -9 while the PDF is drawn: no drawing process outlives its run"
run "$P" --settle 0 -j 2
eq "kill -9 while the PDF is drawn: the next run exits 0" "$rc" 0
[ -z "$(compgen -G "$P/out/report/report.pdf.tmp-*")" ]
ok "kill -9 while the PDF is drawn: the next run leaves no temporary PDF behind"

check_done test_run_kill.sh
