#!/usr/bin/env bash
# test_run.sh: `ictus run STUDY_DIR`, the nightly job (issue 4), end to end on
# small synthetic studies (`ictus synth`: 1-hour files, 2 channels, 250 Hz).
#
# Proves:
#   - first run: every file new, exit 0, rows ok, the stored content hash is
#     the one `xxhsum -H2` prints, out/events.csv is the database's events;
#   - a second run changes nothing: the canonical dump of the result tables
#     and out/events.csv are byte-identical, no row is added anywhere but the
#     run log, and nothing is read;
#   - appending a new day's files processes exactly those (the others keep
#     their last run);
#   - a file modified in place is reprocessed and its events replaced by
#     exactly what `ictus detect` finds in the new content;
#   - a file only touched (new mtime, same bytes) is hashed, not detected:
#     results identical, identity updated;
#   - a file still being written (modified within --settle seconds, e.g. an
#     EDF header with -1 records and a partial last record) is skipped
#     without failing the run and processed by the next run once complete
#     (cut short and not growing: test_run_truncated.sh);
#   - per-file problems (unknown animal, channel map beyond the file's
#     channels, not a recording, cut inside its header) are failures in the database and
#     the summary, exit 1, and do not stop or change the other files;
#   - a changed preset parameter (study.ini [detector]) reprocesses every
#     file under the new parameter hash;
#   - one file holding two animals (channel maps in recordings.csv): each
#     animal gets its own channels under the map's labels; swapping the maps
#     swaps the animals' events exactly;
#   - (SIGKILL at random moments: test_run_kill.sh, in check-all;)
#   - the study lock: with a holder, a second run exits 2 naming the holder's
#     pid, --wait waits for it and then runs; two runs started together end
#     in the same database as one run.
# Needs: $ICTUS (the binary under test), sqlite3, xxhsum, flock.
set -u
. "$(dirname "$0")/shcheck.sh"
. "$(dirname "$0")/run_common.sh"

# ------------------------------------------------------------------ the studies
"$ICTUS" synth --model ihka-mouse --animals 3 --days 3 --hours 1 --fs 250 --channels 2 \
    --seed 11 -o "$W/gen" >/dev/null 2>&1
ok "synth makes the source study"
"$ICTUS" synth --model ihka-mouse --animals 3 --days 3 --hours 1 --fs 250 --channels 2 \
    --seed 12 -o "$W/other" >/dev/null 2>&1
ok "synth makes other content for files modified in place (seed 12)"
"$ICTUS" synth --model ihka-mouse --animals 3 --days 3 --hours 1 --fs 250 --channels 2 \
    --seed 14 -o "$W/more" >/dev/null 2>&1
ok "synth makes content for files added later (seed 14)"
mapfile -t day3 < <(cd "$W/gen/recordings" && ls | grep '_100000\.edf$')
S=$W/study
mkdir -p "$S/recordings"
cp "$W/gen/study.ini" "$W/gen/animals.csv" "$S/"
grep -v '_100000\.edf' "$W/gen/recordings.csv" >"$S/recordings.csv"
(cd "$W/gen/recordings" && cp $(ls | grep -v '_100000\.edf$') "$S/recordings/")
cp -r "$S" "$W/pristine" # two days, never run: for the kill, lock and concurrency tests

# ------------------------------------------------------------------ first and second run
run "$S" --settle 0 -j 2
eq "first run exits 0" "$rc" 0
eq "first run: 6 new files" "$(last_run "$S" "status, files_new, files_skipped, files_failed")" \
    "ok|6|0|0"
eq "first run: every row ok" "$(q "$S" "SELECT count(*) FROM recordings WHERE status = 'ok'")" 6
f1=recordings/M01_20260105_080000.edf
eq "stored content hash is xxhsum -H2's" \
    "$(q "$S" "SELECT content_hash FROM recordings WHERE path = '$f1'")" "$(hash_of "$S/$f1")"
eq "events.csv has the events of the database" "$(($(wc -l <"$S/out/events.csv") - 1))" \
    "$(q "$S" "SELECT count(*) FROM events")"
n_events=$(q "$S" "SELECT count(*) FROM events")
[ "$n_events" -gt 0 ]
ok "the study has events to compare (got $n_events)"
dump "$S" >"$W/dump1"
row_counts "$S" >"$W/rows1"
cp "$S/out/events.csv" "$W/events1.csv"

run "$S" --settle 0 -j 2
eq "second run exits 0" "$rc" 0
dump "$S" >"$W/dump2"
cmp -s "$W/dump1" "$W/dump2"
ok "second run: result tables identical"
cmp -s "$W/events1.csv" "$S/out/events.csv"
ok "second run: out/events.csv identical"
eq "second run: no row added outside the run log" "$(row_counts "$S")" "$(cat "$W/rows1")"
eq "second run: everything skipped" "$(last_run "$S" "files_new, files_changed, files_skipped")" \
    "0|0|6"
eq "second run: one run row more" "$(q "$S" "SELECT count(*) FROM runs")" 2
grep -q ': 6 files: 0 to read' "$W/out"
ok "second run says it has nothing to read"

# ------------------------------------------------------------------ scoring the study's events
# Without --recordings, `ictus score` finds the recordings beside the inputs
# (truth.csv in the study folder, events.csv in STUDY/out).  Copies of the
# CSVs elsewhere are still scored, over the span of their events: the same
# TP/FP/FN, hours and FP/24h nan, one warning per recording.  With
# --recordings, a recording not there is an error.
pooled_row() { awk '/^event scoring/{e=1} e && /pooled/ {print $2, $4, $5, $6; exit}' "$1"; }
"$ICTUS" score --truth "$W/gen/truth.csv" --pred "$S/out/events.csv" >"$W/score" 2>"$W/score.err"
eq "score beside the study: exit 0" "$?" 0
eq "score beside the study: nothing on stderr" "$(cat "$W/score.err")" ""
set -- $(pooled_row "$W/score")
awk -v h="$1" 'BEGIN { exit !(h > 0) }'
ok "score beside the study: the recordings' hours are counted (got $1)"
located="$2 $3 $4"
mkdir -p "$W/loose"
cp "$W/gen/truth.csv" "$S/out/events.csv" "$W/loose/"
"$ICTUS" score --truth "$W/loose/truth.csv" --pred "$W/loose/events.csv" >"$W/score" \
    2>"$W/score.err"
eq "score without the recordings: exit 0" "$?" 0
set -- $(pooled_row "$W/score")
eq "score without the recordings: hours nan, the same TP FP FN" "$*" "nan $located"
named=$(cut -d, -f1 "$W/loose/truth.csv" "$W/loose/events.csv" | grep -v '^recording$' |
    sed 's|.*/||' | sort -u | wc -l)
eq "score without the recordings: one warning per recording" \
    "$(grep -c 'warning: .*recording not found in' "$W/score.err")" "$named"
mkdir -p "$W/empty"
"$ICTUS" score --truth "$W/loose/truth.csv" --pred "$W/loose/events.csv" \
    --recordings "$W/empty" >/dev/null 2>"$W/score.err"
eq "score with --recordings where they are not: exit 1" "$?" 1
eq "score with --recordings where they are not: one error per recording" \
    "$(grep -c '^ictus: .*recording not found in' "$W/score.err")" "$named"

# A study without dosing.csv: analyze says where periods come from.
"$ICTUS" analyze "$S" >"$W/analyze" 2>&1
eq "analyze without dosing.csv: exit 0" "$?" 0
grep -q "^note: no animal has periods: .*$S/dosing.csv" "$W/analyze"
ok "analyze without dosing.csv says periods come from dosing.csv"

# ------------------------------------------------------------------ a new day
for f in "${day3[@]}"; do cp "$W/gen/recordings/$f" "$S/recordings/"; done
cp "$W/gen/recordings.csv" "$S/recordings.csv"
run "$S" --settle 0 -j 2
eq "new day: exit 0" "$rc" 0
eq "new day: only its 3 files processed" \
    "$(last_run "$S" "files_new, files_changed, files_skipped")" "3|0|6"
eq "new day: the old rows keep their last run" \
    "$(q "$S" "SELECT count(*) FROM recordings WHERE last_run_id = 1")" 6
eq "new day: 9 rows ok" "$(q "$S" "SELECT count(*) FROM recordings WHERE status = 'ok'")" 9

# ------------------------------------------------------------------ modified in place
busiest=$(q "$S" "SELECT r.path FROM recordings r LEFT JOIN events e ON e.recording_id = r.id
                   GROUP BY r.id ORDER BY count(e.id) DESC, r.path LIMIT 1")
events_of "$S" "$busiest" >"$W/ev_before"
cp "$W/other/$busiest" "$S/$busiest"
run "$S" --settle 0 -j 2
eq "modified file: exit 0" "$rc" 0
eq "modified file: reprocessed alone" "$(last_run "$S" "files_new, files_changed, files_skipped")" \
    "0|1|8"
events_of "$S" "$busiest" >"$W/ev_after"
detect_events "$S/$busiest" >"$W/ev_detect"
cmp -s "$W/ev_after" "$W/ev_detect"
ok "modified file: its stored events are what ictus detect finds in the new content"
! cmp -s "$W/ev_before" "$W/ev_after"
ok "modified file: the old events are gone" \
    "($(wc -l <"$W/ev_before") before, $(wc -l <"$W/ev_after") after)"
eq "modified file: new content hash stored" \
    "$(q "$S" "SELECT content_hash FROM recordings WHERE path = '$busiest'")" \
    "$(hash_of "$S/$busiest")"

# ------------------------------------------------------------------ touched only
dump "$S" nomtime >"$W/dump_t1"
cp "$S/out/events.csv" "$W/events_t1.csv"
touch -d '10 minutes ago' "$S/$f1"
run "$S" -j 2
eq "touched file: exit 0" "$rc" 0
grep -q "$f1: content unchanged" "$W/out"
ok "touched file: hashed, found unchanged, not detected"
eq "touched file: counted as skipped" "$(last_run "$S" "files_changed, files_skipped")" "0|9"
eq "touched file: new mtime stored" \
    "$(q "$S" "SELECT mtime_ns FROM recordings WHERE path = '$f1'")" \
    "$(date -r "$S/$f1" +%s%N)"
dump "$S" nomtime >"$W/dump_t2"
cmp -s "$W/dump_t1" "$W/dump_t2" && cmp -s "$W/events_t1.csv" "$S/out/events.csv"
ok "touched file: results and outputs unchanged"

# ------------------------------------------------------------------ still being written
g=recordings/NEW_growing.edf
src=$W/more/recordings/M02_20260105_090000.edf
head -c $((1024 + 10 * 1024 + 300)) "$src" >"$S/$g" # header, 10 records and a part
set_header "$S/$g" 236 8 -1
run "$S" -j 2
eq "growing EDF (-1 records): not a failure" "$rc" 0
eq "growing EDF: counted incomplete" "$(last_run "$S" "files_incomplete, files_failed")" "1|0"
eq "growing EDF: stored as incomplete, without results" \
    "$(q "$S" "SELECT status, results_hash IS NULL FROM recordings WHERE path = '$g'")" \
    "incomplete|1"
cp "$src" "$S/$g"
touch -d '5 minutes ago' "$S/$g"
run "$S" --settle 0 -j 2
eq "growing EDF, complete the next night: processed" \
    "$(last_run "$S" "files_new, files_incomplete")|$rc" "1|0|0"
eq "growing EDF, complete: ok" "$(q "$S" "SELECT status FROM recordings WHERE path = '$g'")" ok
fresh=recordings/NEW_fresh.edf
cp "$W/more/recordings/M03_20260105_090000.edf" "$S/$fresh"
run "$S" -j 2
eq "file modified just now (default --settle 60): left alone, exit 0" \
    "$(last_run "$S" "files_incomplete, files_new")|$rc" "1|0|0"
grep -q "$fresh" "$W/out"
ok "file modified just now: the summary names it"
touch -d '5 minutes ago' "$S/$fresh"
run "$S" -j 2
eq "file settled: processed the next night" "$(last_run "$S" "files_new")|$rc" "1|0"

# ------------------------------------------------------------------ per-file problems
dump "$S" >"$W/dump_p1"
bad_animal=recordings/BAD_animal.edf
cp "$W/more/recordings/M01_20260105_100000.edf" "$S/$bad_animal"
set_header "$S/$bad_animal" 8 80 "RAT9 X X X"
bad_map=recordings/BAD_map.edf
cp "$W/more/recordings/M02_20260105_100000.edf" "$S/$bad_map"
echo "BAD_map.edf,M02,HPC=1;CTX=5,," >>"$S/recordings.csv"
bad_junk=recordings/BAD_junk.edf
head -c 5000 /dev/urandom >"$S/$bad_junk"
bad_cut=recordings/BAD_cut.edf
head -c 700 "$W/more/recordings/M03_20260105_100000.edf" >"$S/$bad_cut"
touch -d '5 minutes ago' "$S"/recordings/BAD_*
run "$S" --settle 0 -j 2
eq "per-file problems: exit 1" "$rc" 1
eq "per-file problems: 4 failed, nothing else done" \
    "$(last_run "$S" "status, files_failed, files_new, files_changed")" "problems|4|0|0"
for b in "$bad_animal" "$bad_map" "$bad_junk" "$bad_cut"; do
    eq "$b: failed in the database" \
        "$(q "$S" "SELECT DISTINCT status FROM recordings WHERE path = '$b'")" failed
    eq "$b: a problem of the run" "$(q "$S" "SELECT count(*) FROM run_problems
        WHERE run_id = (SELECT max(id) FROM runs) AND path = '$b' AND kind = 'failed'")" 1
    grep -q "$b" "$W/out"
    ok "$b: in the summary"
done
grep -q 'unknown animal "RAT9"' "$W/err"
ok "unknown animal: said plainly"
grep -q 'maps CTX to channel 5, but the file has 2 channels' "$W/err"
ok "channel map beyond the file: said plainly"
dump "$S" | grep -v BAD_ >"$W/dump_p2"
cmp -s "$W/dump_p1" "$W/dump_p2"
ok "per-file problems: the other files' results untouched"
rm "$S"/recordings/BAD_*
grep -v BAD_map "$S/recordings.csv" >"$W/r.csv" && cp "$W/r.csv" "$S/recordings.csv"
run "$S" --settle 0 -j 2
eq "bad files removed: exit 3 (a vanished file is a warning)" "$rc" 3
eq "bad files removed: their failed rows are stale" \
    "$(q "$S" "SELECT count(*) FROM recordings WHERE path LIKE '%BAD_%' AND status = 'stale'")" 4

# ------------------------------------------------------------------ preset change
printf '\n[detector]\non_ratio = 2.7\n' >>"$S/study.ini"
old_hash=$(q "$S" "SELECT DISTINCT params_hash FROM recordings WHERE status = 'ok'")
run "$S" --settle 0 -j 2
eq "changed parameter: exit 3 (the vanished BAD_ files still warn)" "$rc" 3
eq "changed parameter: every file reprocessed" "$(last_run "$S" "files_changed, files_skipped")" \
    "11|0"
new_hash=$(q "$S" "SELECT DISTINCT params_hash FROM recordings WHERE status = 'ok'")
[ "$(echo "$new_hash" | wc -l)" -eq 1 ] && [ "$new_hash" != "$old_hash" ] &&
    [ "$new_hash" = "$(last_run "$S" params_hash)" ]
ok "changed parameter: every result carries the new parameter hash"

# ------------------------------------------------------------------ two animals in one file
"$ICTUS" synth --model ihka-mouse --animals 1 --days 1 --hours 1 --fs 250 --channels 4 \
    --seed 13 -o "$W/four" >/dev/null 2>&1
M=$W/multi
mkdir -p "$M/recordings"
cp "$W/four/study.ini" "$M/"
cp "$W/four/recordings"/*.edf "$M/recordings/both.edf"
printf 'animal,model\nA1,ihka-mouse\nA2,ihka-mouse\n' >"$M/animals.csv"
printf 'file,animal,channels\nboth.edf,A1,HPC=1;CTX=2\nboth.edf,A2,HPC=3;CTX=4\n' \
    >"$M/recordings.csv"
run "$M" --settle 0 -j 2
eq "two animals in one file: exit 0, two rows" \
    "$rc|$(q "$M" "SELECT count(*) FROM recordings WHERE status = 'ok'")" "0|2"
eq "two animals: A2 sees channels 3 and 4 as HPC and CTX" \
    "$(q "$M" "SELECT group_concat(ch, ' ') FROM (
                 SELECT c.idx || ':' || c.label || ':' || c.role || ':' || c.analysed AS ch
                   FROM channels c JOIN recordings r ON r.id = c.recording_id
                  WHERE r.animal = 'A2' ORDER BY c.idx)")" \
    "0:HPC::0 1:CTX::0 2:HPC:HPC:1 3:CTX:CTX:1"
events_of "$M" recordings/both.edf A1 >"$W/a1"
events_of "$M" recordings/both.edf A2 >"$W/a2"
detect_events "$M/recordings/both.edf" --channels HPC,CTX >"$W/a1_detect"
cmp -s "$W/a1" "$W/a1_detect"
ok "two animals: A1's events are ictus detect's on channels 1-2"
printf 'file,animal,channels\nboth.edf,A1,HPC=3;CTX=4\nboth.edf,A2,HPC=1;CTX=2\n' \
    >"$M/recordings.csv"
run "$M" --settle 0 -j 2
eq "swapped channel maps: the file is reprocessed" "$(last_run "$M" "files_changed")|$rc" "1|0"
events_of "$M" recordings/both.edf A2 >"$W/a2_swapped"
events_of "$M" recordings/both.edf A1 >"$W/a1_swapped"
cmp -s "$W/a1" "$W/a2_swapped" && cmp -s "$W/a2" "$W/a1_swapped"
ok "swapped channel maps: the animals' events swap exactly"

# A study of the first day alone (3 files), for the concurrency test below, and
# the database of one uninterrupted run of it.
cp -r "$W/pristine" "$W/oneday"
rm "$W/oneday"/recordings/*_090000.edf
grep -v '_090000\.edf' "$W/pristine/recordings.csv" >"$W/oneday/recordings.csv"
cp -r "$W/oneday" "$W/oneday_ref"
run "$W/oneday_ref" --settle 0 -j 2
eq "the first day alone: an uninterrupted run exits 0" "$rc" 0
dump "$W/oneday_ref" noidentity >"$W/dump_ref_copy"

# ------------------------------------------------------------------ the study lock
L=$W/lock
cp -r "$W/pristine" "$L"
: >"$L/ictus.lock"
holder_line='pid 4242 on host labpc, running since 2026-01-05 02:00:00 (ictus test)'
# The holder keeps the lock until the test removes $W/hold (never on a timer:
# under load the runs below can take seconds to start).
: >"$W/hold"
flock -x "$L/ictus.lock" -c "echo '$holder_line' >'$L/ictus.lock'
    for _ in \$(seq 1 1200); do [ -e '$W/hold' ] || break; sleep 0.05; done" &
holder=$!
for _ in $(seq 1 100); do grep -q 4242 "$L/ictus.lock" && break; sleep 0.02; done
run "$L" --settle 0
eq "locked study: a second run exits 2" "$rc" 2
grep -q 'pid 4242 on host labpc' "$W/err"
ok "locked study: it names the holder (pid, host, start)"
[ ! -e "$L/ictus.db" ]
ok "locked study: it touched nothing"
"$ICTUS" run "$L" --settle 0 --wait >"$W/out" 2>"$W/err" &
waiter=$!
for _ in $(seq 1 1200); do grep -q 'waiting for the run of' "$W/err" && break; sleep 0.05; done
grep -q 'waiting for the run of pid 4242' "$W/err"
ok "locked study, --wait: it said whom it waited for"
[ ! -e "$L/ictus.db" ] && kill -0 "$waiter" 2>/dev/null
ok "locked study, --wait: it waits while the holder holds the lock"
rm -f "$W/hold"
wait "$holder"
wait "$waiter"
rc=$?
eq "locked study, --wait: runs once the holder is gone" "$rc" 0
C=$W/concurrent
cp -r "$W/oneday" "$C"
"$ICTUS" run "$C" --settle 0 -j 1 >"$W/c1" 2>"$W/c1e" &
p1=$!
"$ICTUS" run "$C" --settle 0 -j 1 >"$W/c2" 2>"$W/c2e" &
p2=$!
wait "$p1"
r1=$?
wait "$p2"
r2=$?
case "$r1$r2" in 00 | 02 | 20) true ;; *) false ;; esac
ok "two runs at once: each finishes (0) or finds the other (2) (got $r1 and $r2)"
dump "$C" noidentity >"$W/dump_c"
cmp -s "$W/dump_ref_copy" "$W/dump_c"
ok "two runs at once: the database is that of one run"

# ------------------------------------------------------------------ sound files and their scale
# FLAC carries no unit: study.ini [study] full_scale_uv says what sample value
# 1.0 is.  Setting it makes every result stale (the parameter hash changes);
# a scale so small that every signal is below the flat threshold leaves no
# event; removing it again gives back the first results exactly.
F=$W/flac
"$ICTUS" synth --model ihka-mouse --animals 2 --days 1 --hours 2 --fs 250 --channels 2 \
    --seed 12 --format flac -o "$F" >/dev/null 2>&1
ok "synth makes a FLAC study"
run "$F" --settle 0 -j 2
eq "FLAC study: first run exits 0" "$rc" 0
n_flac=$(q "$F" "SELECT count(*) FROM events")
[ "$n_flac" -gt 0 ]
ok "FLAC study: events found at the default scale (got $n_flac)"
dump "$F" nomtime >"$W/dump_flac"
hash_flac=$(q "$F" "SELECT DISTINCT hex(params_hash) FROM recordings")
sed -i 's/^\[study\]$/[study]\nfull_scale_uv = 0.01/' "$F/study.ini"
grep -q '^full_scale_uv = 0.01$' "$F/study.ini"
ok "study.ini gets full_scale_uv"
run "$F" --settle 0 -j 2
eq "full_scale_uv set: exit 0" "$rc" 0
eq "full_scale_uv set: every file processed again" \
    "$(last_run "$F" "files_new + files_changed")" 2
[ "$(q "$F" "SELECT DISTINCT hex(params_hash) FROM recordings")" != "$hash_flac" ]
ok "full_scale_uv set: another parameter hash"
eq "full_scale_uv 0.01 uV: every signal flat, no event" "$(q "$F" "SELECT count(*) FROM events")" 0
sed -i '/^full_scale_uv = /d' "$F/study.ini"
run "$F" --settle 0 -j 2
eq "full_scale_uv removed: exit 0" "$rc" 0
dump "$F" nomtime >"$W/dump_flac2"
cmp -s "$W/dump_flac" "$W/dump_flac2"
ok "full_scale_uv removed: the first results again"
sed -i 's/^\[study\]$/[study]\nfull_scale_uv = -3/' "$F/study.ini"
run "$F" --settle 0
eq "full_scale_uv -3: exit 2" "$rc" 2
grep -q 'study.ini.*full_scale_uv' "$W/err"
ok "full_scale_uv -3: the error names study.ini and the key"

check_done test_run.sh
