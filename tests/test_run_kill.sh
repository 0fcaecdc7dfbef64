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
q() { sqlite3 "$1/ictus.db" "$2"; }

# Run `ictus run`; stdout in $W/out, stderr in $W/err, exit status in $rc.
run() {
    "$ICTUS" run "$@" >"$W/out" 2>"$W/err"
    rc=$?
}

# The result tables in a canonical order, without surrogate ids and run ids
# (argument "nomtime": without the files' mtime either; "noidentity": without
# mtime and inode, to compare copies of a study).
dump() {
    local mtime=mtime_ns inode=inode
    [ "${2:-}" = nomtime ] && mtime=0
    [ "${2:-}" = noidentity ] && mtime=0 && inode=0
    q "$1" "
SELECT 'R', path, animal, status, error, size_bytes, $mtime, $inode, content_hash, results_hash,
       format, n_channels, start_us, duration_us, n_gaps, gap_us, preset, params_hash
  FROM recordings ORDER BY path, animal;
SELECT 'C', r.path, r.animal, c.idx, c.label, c.fs_hz, c.unit, c.role, c.analysed
  FROM channels c JOIN recordings r ON r.id = c.recording_id ORDER BY 2, 3, 4;
SELECT 'E', r.path, e.animal, e.channel, e.start_us, e.end_us, e.wall_start_us, e.type, e.score,
       e.preset
  FROM events e JOIN recordings r ON r.id = e.recording_id ORDER BY 2, 3, 4, 5, 6, 8, 9;
SELECT 'A', r.path, r.animal, a.channel, a.bucket_us, a.unit_us, a.n_buckets,
       hex(a.analysable_units), a.artefact_kinds, hex(a.artefact_windows)
  FROM analysable a JOIN recordings r ON r.id = a.recording_id ORDER BY 2, 3, 4;"
}
# Rows in every table but the run log.
row_counts() {
    q "$1" "SELECT (SELECT count(*) FROM recordings), (SELECT count(*) FROM channels),
                   (SELECT count(*) FROM events), (SELECT count(*) FROM analysable),
                   (SELECT count(*) FROM reviews)"
}
last_run() { # STUDY COLUMNS
    q "$1" "SELECT $2 FROM runs ORDER BY id DESC LIMIT 1"
}
# Events of one recording (animal, channel, times, type, score), one per line.
events_of() { # STUDY PATH [ANIMAL]
    q "$1" "SELECT e.channel, e.start_us, e.end_us, e.type, printf('%.3f', e.score)
              FROM events e JOIN recordings r ON r.id = e.recording_id
             WHERE r.path = '$2' AND ('${3:-}' = '' OR r.animal = '${3:-}')
             ORDER BY e.start_us, e.channel, e.type"
}
# The same fields from `ictus detect` on a file (events.csv columns 3..9).
detect_events() { # FILE [--channels A,B]
    "$ICTUS" detect --preset ihka-mouse -j 1 "$@" -o - 2>/dev/null | tail -n +2 |
        awk -F, '{ printf "%s|%d|%d|%s|%.3f\n", $3, $4 * 1e6 + 0.5, $5 * 1e6 + 0.5, $8, $9 }' |
        sort -t'|' -k2,2n -k1,1 -k4,4
}
hash_of() { xxhsum -H2 "$1" 2>/dev/null | cut -d' ' -f1; }
set_header() { # FILE OFFSET WIDTH TEXT: overwrite an EDF header field, space-padded
    printf "%-$3s" "$4" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

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
