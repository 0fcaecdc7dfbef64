#!/usr/bin/env bash
# test_history.sh: a study's history can be cleaned (issue 14): recordings.csv
# paths relative to recordings/, `ictus forget`, and the stale warning that
# names it; on a synthetic study of four 1-hour files (2 animals x 2 hours).
#
# Proves:
#   - a recordings.csv row written "recordings/M02_....edf" (paths are
#     relative to recordings/) is rejected with the fix ("write
#     \"M02_....edf\""), and its file is a failed file of the run (exit 1):
#     not analysed without its channel map, no events stored under it;
#   - a recording taken out of the study (file moved away, row removed) and
#     a mistyped row removed again leave a warning every night that ends
#     with the `ictus forget STUDY PATH` command that drops them;
#   - forget refuses (exit 2, nothing removed): an unknown path (naming the
#     stale ones), a file still in recordings/, one still in recordings.csv,
#     and any path without --yes when standard input is not a terminal; on
#     a terminal it asks, and "n" forgets nothing;
#   - forget --yes takes the path as the warning prints it, as recordings.csv
#     writes it and after the study directory; it removes the rows, events
#     and analysable time of exactly those recordings; review decisions stay
#     unless --drop-reviews, which deletes them and notes it in the audit log;
#   - the next run has no warning left, exits 0, does not bring the forgotten
#     recordings back, and out/events.csv no longer has their events;
#   - a run holding the study lock makes forget exit 2.
# Needs: $ICTUS, sqlite3, flock; script (util-linux) for the terminal prompt.
set -u
. "$(dirname "$0")/shcheck.sh"
. "$(dirname "$0")/run_common.sh"

"$ICTUS" synth --model ihka-mouse --animals 2 --days 2 --hours 1 --fs 250 --channels 2 \
    --seed 9100 -o "$W/gen" >/dev/null 2>&1
ok "synth makes the study"
S=$W/study
cp -r "$W/gen" "$S"
gone=M02_20260105_080000.edf       # taken out of the study later (it has events)
kept=M01_20260105_090000.edf       # stays (it has events too)

# ------------------------------------------------------------------ recordings/ in recordings.csv
sed -i "s|^$gone|recordings/$gone|" "$S/recordings.csv"
echo "M01_day2.edf,M01,HPC=1;CTX=2,," >>"$S/recordings.csv" # mistyped: no such file
run "$S" --settle 0 -j 2
eq "recordings/ prefix: the run exits 1" "$rc" 1
grep -q "recordings.csv:[0-9]*:1 (file): \"recordings/$gone\": file paths are relative to recordings/.*write \"$gone\"" "$W/out"
ok "recordings/ prefix: the row is rejected with the fix"
eq "recordings/ prefix: its file failed, not analysed" \
    "$(q "$S" "SELECT status, results_hash IS NULL FROM recordings WHERE path = 'recordings/$gone'")" \
    "failed|1"
grep -q "recordings/$gone: recordings.csv line [0-9]* names it, but that row was rejected" "$W/out"
ok "recordings/ prefix: the failure says the row was rejected"
eq "recordings/ prefix: no recordings/recordings/ path stored" \
    "$(q "$S" "SELECT count(*) FROM recordings WHERE path LIKE 'recordings/recordings/%'")" 0
eq "recordings/ prefix: the other files are analysed" \
    "$(q "$S" "SELECT count(*) FROM recordings WHERE status = 'ok'")" 3

sed -i "s|^recordings/$gone|$gone|" "$S/recordings.csv"
run "$S" --settle 0 -j 2
eq "row fixed: its file is analysed" \
    "$(q "$S" "SELECT status FROM recordings WHERE path = 'recordings/$gone'")" ok
n_gone=$(q "$S" "SELECT count(*) FROM events e JOIN recordings r ON r.id = e.recording_id
                  WHERE r.path = 'recordings/$gone'")
n_kept=$(q "$S" "SELECT count(*) FROM events e JOIN recordings r ON r.id = e.recording_id
                  WHERE r.path = 'recordings/$kept'")
[ "$n_gone" -gt 0 ] && [ "$n_kept" -gt 0 ]
ok "both recordings have events to forget or keep (got $n_gone and $n_kept)"

# ------------------------------------------------------------------ stale: the warning names forget
sed -i "/M01_day2/d; /^$gone/d" "$S/recordings.csv"
mkdir -p "$W/away"
mv "$S/recordings/$gone" "$W/away/"
# A reviewer's decision on an event of the recording taken out.
q "$S" "INSERT INTO reviews (path, animal, channel, start_us, end_us, verdict, reviewer,
                             reviewed_unix_us)
        SELECT r.path, e.animal, e.channel, e.start_us, e.end_us, 'seizure', 'tech', 1
          FROM events e JOIN recordings r ON r.id = e.recording_id
         WHERE r.path = 'recordings/$gone' ORDER BY e.start_us LIMIT 1"
run "$S" --settle 0 -j 2
eq "stale: warnings only, exit 3" "$rc" 3
grep -q "warning: recordings/$gone: no longer in recordings/ or recordings.csv (to drop its results and this warning: ictus forget $S recordings/$gone)" "$W/out"
ok "stale: the warning says how to forget the recording"
grep -q "warning: recordings/M01_day2.edf: no longer .*ictus forget $S recordings/M01_day2.edf)" "$W/out"
ok "stale: the mistyped row's warning too"
eq "stale: the results are kept" \
    "$(q "$S" "SELECT status FROM recordings WHERE path = 'recordings/$gone'")" stale

# ------------------------------------------------------------------ forget refuses
rows_before=$(row_counts "$S")
"$ICTUS" forget "$S" nothing.edf --yes >"$W/f.out" 2>"$W/f.err"
eq "unknown path: exit 2" "$?" 2
grep -q "^ictus: nothing.edf: no such recording in the study's database.*stale or failed ones there: .*recordings/$gone" "$W/f.err"
ok "unknown path: one error naming the stale recordings"
"$ICTUS" forget "$S" "$kept" --yes >"$W/f.out" 2>"$W/f.err"
eq "a file still listed: exit 2" "$?" 2
grep -q "^ictus: recordings/$kept: still listed in recordings.csv (line [0-9]*): remove the row first" "$W/f.err"
ok "a file still listed: the error says what to do"
cp "$S/recordings.csv" "$W/recordings.csv"
sed -i "/^$kept/d" "$S/recordings.csv"
"$ICTUS" forget "$S" "$kept" --yes >"$W/f.out" 2>"$W/f.err"
eq "a file still in recordings/: exit 2" "$?" 2
grep -q "^ictus: recordings/$kept: still in recordings/: move it out of the study first" "$W/f.err"
ok "a file still in recordings/: the error says what to do"
cp "$W/recordings.csv" "$S/recordings.csv"
"$ICTUS" forget "$S" "$gone" M01_day2.edf </dev/null >"$W/f.out" 2>"$W/f.err"
eq "no --yes, no terminal: exit 2" "$?" 2
grep -q "not confirmed.*add --yes" "$W/f.err"
ok "no --yes, no terminal: says to add --yes"
grep -q "^to forget: recordings/$gone (stale): 1 row, $n_gone events; 1 review decision kept" "$W/f.out"
ok "no --yes: it still shows what would be forgotten"
if command -v script >/dev/null; then
    printf 'n\n' | script -qec "'$ICTUS' forget '$S' '$gone'" /dev/null >"$W/f.out" 2>&1
    eq "on a terminal, answered n: exit 0" "$?" 0
    grep -q "forget 1 recording? \[y/N\]" "$W/f.out" && grep -q "nothing forgotten" "$W/f.out"
    ok "on a terminal: it asks, and n forgets nothing"
fi
# A holder keeps the study lock until the test removes $W/hold.
: >"$W/hold"
flock -x "$S/ictus.lock" -c "echo 'pid 4242 on host labpc' >'$S/ictus.lock'
    for _ in \$(seq 1 1200); do [ -e '$W/hold' ] || break; sleep 0.05; done" &
holder=$!
for _ in $(seq 1 100); do grep -q 4242 "$S/ictus.lock" && break; sleep 0.02; done
"$ICTUS" forget "$S" "$gone" --yes >"$W/f.out" 2>"$W/f.err"
eq "a run holds the study: exit 2" "$?" 2
grep -q "pid 4242 on host labpc" "$W/f.err"
ok "a run holds the study: forget names the holder"
rm -f "$W/hold"
wait "$holder"
eq "refusals removed nothing" "$(row_counts "$S")" "$rows_before"

# ------------------------------------------------------------------ forget
"$ICTUS" forget "$S" "recordings/$gone" "$S/recordings/M01_day2.edf" --yes >"$W/f.out" \
    2>"$W/f.err"
eq "forget: exit 0" "$?" 0
eq "forget: nothing on stderr" "$(cat "$W/f.err")" ""
grep -q "^forgot recordings/$gone (stale): 1 row, $n_gone events; 1 review decision kept (--drop-reviews deletes it)" "$W/f.out"
ok "forget says what it removed and that the decision stays"
grep -q "out/ still shows them until the next \`ictus run $S\`" "$W/f.out"
ok "forget says out/ changes with the next run"
eq "forget: the rows are gone" \
    "$(q "$S" "SELECT count(*) FROM recordings WHERE path IN ('recordings/$gone',
                                                              'recordings/M01_day2.edf')")" 0
eq "forget: their events, channels and analysable time are gone, the others stay" \
    "$(q "$S" "SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM channels WHERE
               recording_id NOT IN (SELECT id FROM recordings)), (SELECT count(*) FROM
               analysable WHERE recording_id NOT IN (SELECT id FROM recordings))")" \
    "$(q "$S" "SELECT count(*) FROM events e JOIN recordings r ON r.id = e.recording_id")|0|0"
eq "forget: the kept recording's events are all there" \
    "$(q "$S" "SELECT count(*) FROM events e JOIN recordings r ON r.id = e.recording_id
               WHERE r.path = 'recordings/$kept'")" "$n_kept"
eq "forget: the review decision stays" "$(q "$S" "SELECT count(*) FROM reviews")" 1

# ------------------------------------------------------------------ the next run
run "$S" --settle 0 -j 2
eq "next run: exit 0" "$rc" 0
! grep -q "warning" "$W/out"
ok "next run: no warning left"
eq "next run: the forgotten recordings do not come back" \
    "$(q "$S" "SELECT count(*) FROM recordings WHERE path IN ('recordings/$gone',
                                                              'recordings/M01_day2.edf')")" 0
! grep -q "$gone" "$S/out/events.csv"
ok "next run: out/events.csv has no events of the forgotten recording"
eq "next run: out/events.csv has every stored event" "$(($(wc -l <"$S/out/events.csv") - 1))" \
    "$(q "$S" "SELECT count(*) FROM events")"

# ------------------------------------------------------------------ --drop-reviews
mv "$S/recordings/$kept" "$W/away/"
sed -i "/^$kept/d" "$S/recordings.csv"
q "$S" "INSERT INTO reviews (path, animal, channel, start_us, end_us, verdict, reviewer,
                             reviewed_unix_us)
        SELECT r.path, e.animal, e.channel, e.start_us, e.end_us, 'not_seizure', 'tech', 2
          FROM events e JOIN recordings r ON r.id = e.recording_id
         WHERE r.path = 'recordings/$kept' ORDER BY e.start_us LIMIT 2"
"$ICTUS" forget "$S" "$kept" --yes --drop-reviews >"$W/f.out" 2>"$W/f.err"
eq "--drop-reviews: exit 0" "$?" 0
grep -q "^forgot recordings/$kept (ok): 1 row, $n_kept events; 2 review decisions deleted" "$W/f.out"
ok "--drop-reviews: says the decisions are deleted"
eq "--drop-reviews: its decisions are deleted, the other recording's stays" \
    "$(q "$S" "SELECT group_concat(path) FROM reviews")" "recordings/$gone"
eq "--drop-reviews: noted in the audit log" \
    "$(q "$S" "SELECT action, detail FROM review_audit")" \
    "forget|recordings/$kept: 2 decisions deleted (ictus forget)"

check_done test_history
