#!/usr/bin/env bash
# test_run_truncated.sh: `ictus run` on a study whose recordings were cut
# short (a recorder that died, a copy that stopped): each is analysed up to
# its last complete record, with one warning, and the missing time is not
# analysable time.
#
# Proves, on a synthetic 1-hour EDF+C (3600 records of 1 s; seed 9107: seizures
# in both halves) cut inside record 1800, on a real EDF+C of ../shared/data
# (600 records of 1 s) cut inside record 300, and (check-all) on the same
# synthetic hour as FLAC cut at half its bytes:
#   - the run processes them (not a failure: the warnings-only exit status,
#     WARNED_RC), stores them ok with the duration of their
#     complete records (1800 s, 300 s), and says once per file, on stderr as it
#     happens, in the summary and in run_problems (kind warning), what the
#     header promised, what the file holds and up to where it was analysed;
#   - no event ends after the readable end, and events were found before it;
#   - the analysable-time series covers the readable part only (its buckets
#     end with the readable duration, and the animal's analysable time is at
#     most that);
#   - the next run, with nothing changed, reads nothing and warns of nothing;
#   - when the file grows to its full length (the copy finished), the run
#     reprocesses it (content hash changed): the whole hour, no warning, and
#     events after the old end;
#   - a file whose header was never finished (-1 data records) is left for a
#     later run while it changes (within --settle), and once it has not
#     changed for --settle seconds is analysed to its last complete record,
#     the warning saying its header was never finished;
#   - a file cut inside its first record fails, saying it holds no complete
#     record.
# Needs: $ICTUS, sqlite3.
set -u
. "$(dirname "$0")/shcheck.sh"
. "$(dirname "$0")/run_common.sh"

REAL=../shared/data/edf-conformance/pyedflib/test_generator.edf
# The exit status of a run whose only problems are warnings.
WARNED_RC=3
"$ICTUS" synth --model ihka-mouse --animals 1 --days 1 --hours 1 --fs 250 --channels 2 \
    --seed 9107 -o "$W/gen" >/dev/null 2>&1
ok "synth makes a 1-hour recording"
S=$W/study
mkdir -p "$S/recordings"
cp "$W/gen/study.ini" "$S/"
f=M01_20260105_080000.edf
full=$W/gen/recordings/$f
size=$(stat -c %s "$full")
rec=$(( (size - 1024) / 3600 )) # header: 256 * (1 + 2 channels + annotations)
eq "the synthetic file: 3600 records of $rec bytes after a 1024-byte header" \
    $((1024 + 3600 * rec)) "$size"
head -c $((1024 + 1800 * rec + rec / 3)) "$full" >"$S/recordings/$f"
{ cat "$W/gen/animals.csv"; echo "R01,ihka-mouse,,,,,"; } >"$S/animals.csv"
{ cat "$W/gen/recordings.csv"; echo "real.edf,R01,HPC=4;CTX=5,,"; } >"$S/recordings.csv"
# the same hour as FLAC, cut at half its bytes, for a second animal (check-all only: reading
# and drawing it costs the run ~2 s of CPU under ASan)
have_flac=0
if [ "${TRUNCATED_ALL:-0}" = 1 ]; then
    have_flac=1
    "$ICTUS" synth --model ihka-mouse --animals 1 --days 1 --hours 1 --fs 250 --channels 2 \
        --seed 9107 --format flac -o "$W/flac" >/dev/null 2>&1
    flac=$W/flac/recordings/M01_20260105_080000.flac
    head -c $(($(stat -c %s "$flac") / 2)) "$flac" >"$S/recordings/F01.flac"
    echo "F01,ihka-mouse,,,,," >>"$S/animals.csv"
    echo "F01.flac,F01,HPC=1;CTX=2,2026-01-05T08:00:00," >>"$S/recordings.csv"
fi
have_real=0
if [ -f "$REAL" ]; then
    have_real=1
    real_rec=$(( ($(stat -c %s "$REAL") - 3328) / 600 )) # header: 256 * (1 + 11 + annotations)
    head -c $((3328 + 300 * real_rec + 100)) "$REAL" >"$S/recordings/real.edf"
else
    echo "../shared/data is absent: the real file is not cut"
    grep -v real.edf "$S/recordings.csv" >"$W/r.csv" && cp "$W/r.csv" "$S/recordings.csv"
fi
touch -d '5 minutes ago' "$S"/recordings/*

# ------------------------------------------------------------------ cut short: analysed to its end
run "$S" -j 2
eq "cut short: not a failure (exit $WARNED_RC: warnings only)" "$rc" "$WARNED_RC"
eq "cut short: processed as new" "$(last_run "$S" "files_new, files_failed")" "$((1 + have_flac + have_real))|0"
promise="recordings/$f: truncated: the header promises 3600 data records (1 h), the file holds \
1800 complete ones (30 min), up to 0:30:00 of the recording; analysed up to there"
eq "one warning on stderr, as it happens" "$(grep -cF "ictus: warning: $promise" "$W/err")" 1
eq "nothing else on stderr (the report's excerpts read the files too)" \
    "$(grep -vc "^ictus: warning: recordings/.*: truncated: " "$W/err")" 0
eq "one warning in the summary" "$(grep -cF "warning: $promise" "$W/out")" 1
eq "one warning in run_problems" "$(q "$S" "SELECT kind, count(*) FROM run_problems WHERE
    run_id = (SELECT max(id) FROM runs) AND path = 'recordings/$f' GROUP BY kind")" "warning|1"
eq "stored ok, with the duration of its 1800 complete records" \
    "$(q "$S" "SELECT status, duration_us FROM recordings WHERE path = 'recordings/$f'")" \
    "ok|1800000000"
eq "no event ends after the readable end" "$(q "$S" "SELECT count(*) FROM events e JOIN
    recordings r ON r.id = e.recording_id WHERE r.path = 'recordings/$f' AND e.end_us > 1800000000")" 0
n_short=$(q "$S" "SELECT count(*) FROM events e JOIN recordings r ON r.id = e.recording_id
    WHERE r.path = 'recordings/$f'")
[ "$n_short" -ge 1 ]
ok "events found before the cut ($n_short)"
# analysable units are uint16 per bucket; the animal's series ("*") covers 1800 s exactly
eq "the analysable-time buckets end with the readable part" "$(q "$S" "SELECT
    (n_buckets - 1) * bucket_us < 1800000000 AND n_buckets * bucket_us >= 1800000000
    FROM analysable a JOIN recordings r ON r.id = a.recording_id
    WHERE r.path = 'recordings/$f' AND a.channel = '*'")" 1
analysable_us=$(q "$S" "SELECT hex(a.analysable_units), a.unit_us FROM analysable a JOIN
    recordings r ON r.id = a.recording_id WHERE r.path = 'recordings/$f' AND a.channel = '*'" |
    awk -F'|' '{ h = $1; s = 0
        for (i = 1; i <= length(h); i += 4) {
            v = 0
            for (j = 0; j < 4; j++) v = v * 16 + index("0123456789ABCDEF", substr(h, i + (j < 2 ? 2 + j : j - 2), 1)) - 1
            s += v
        }
        printf "%d", s * $2 }')
[ "$analysable_us" -gt 0 ] && [ "$analysable_us" -le 1800000000 ]
ok "the animal's analysable time is within the readable 1800 s ($analysable_us us)"
if [ "$have_flac" = 1 ]; then
    flac_us=$(q "$S" "SELECT duration_us FROM recordings WHERE path = 'recordings/F01.flac'")
    flac_frames=$((flac_us * 250 / 1000000))
    [ "$flac_us" -gt 600000000 ] && [ "$flac_us" -lt 3000000000 ] &&
        [ "$flac_frames" -eq $(((flac_us * 250 + 500000) / 1000000)) ]
    ok "the FLAC: stored with a part of its hour ($flac_us us, $flac_frames frames)"
    grep -qF "warning: recordings/F01.flac: truncated: the header promises 900000 frames (1 h), \
the file holds $flac_frames complete ones" "$W/out"
    ok "the FLAC: its warning says how many of its frames are read"
    eq "the FLAC: no event after its readable end" "$(q "$S" "SELECT count(*) FROM events e
        JOIN recordings r ON r.id = e.recording_id WHERE r.path = 'recordings/F01.flac'
        AND e.end_us > $flac_us")" 0
fi
grep -q "$f, channel HPC" "$S/out/report/index.html"
ok "the report's gallery shows excerpts of the cut-short file (it reads the file too)"
if [ "$have_real" = 1 ]; then
    eq "the real file: stored ok with its 300 complete records" \
        "$(q "$S" "SELECT status, duration_us FROM recordings WHERE path = 'recordings/real.edf'")" \
        "ok|300000000"
    grep -qF "warning: recordings/real.edf: truncated: the header promises 600 data records \
(10 min), the file holds 300 complete ones (5 min), up to 0:05:00 of the recording" "$W/out"
    ok "the real file: its warning in the summary"
    eq "the real file: no event after its readable end" "$(q "$S" "SELECT count(*) FROM events e
        JOIN recordings r ON r.id = e.recording_id WHERE r.path = 'recordings/real.edf'
        AND e.end_us > 300000000")" 0
fi

"$ICTUS" run --help | grep -q "holds less than its header promises"
ok "run --help says what happens to a file cut short"

# The rest runs `ictus run` four times more (~5 s of CPU each under ASan,
# mostly drawing the report): test_run_truncated_growth.sh, in check-all.
if [ "${TRUNCATED_ALL:-0}" != 1 ]; then
    check_done test_run_truncated.sh
    exit
fi

# ------------------------------------------------------------------ nothing new: no warning again
run "$S" -j 2
eq "next run: exit 0, nothing read" "$(last_run "$S" "files_new, files_changed")|$rc" "0|0|0"
eq "next run: no warning" "$(grep -c "truncated:" "$W/out" "$W/err" | awk -F: '{ s += $2 } END { print s }')" 0

# ------------------------------------------------------------------ the file grows: reprocessed
cp "$full" "$S/recordings/$f"
touch -d '4 minutes ago' "$S/recordings/$f"
run "$S" -j 2
eq "grown to its full hour: reprocessed" "$(last_run "$S" "files_changed")|$rc" "1|0"
eq "grown: the whole hour stored" \
    "$(q "$S" "SELECT status, duration_us FROM recordings WHERE path = 'recordings/$f'")" \
    "ok|3600000000"
eq "grown: no warning about it" "$(grep -c "$f: truncated" "$W/out")" 0
n_full=$(q "$S" "SELECT count(*) FROM events e JOIN recordings r ON r.id = e.recording_id
    WHERE r.path = 'recordings/$f' AND e.end_us > 1800000000")
[ "$n_full" -ge 1 ]
ok "grown: events after the old end ($n_full)"

# ------------------------------------------------------------------ a header never finished
head -c $((1024 + 1800 * rec + rec / 3)) "$full" >"$S/recordings/$f"
set_header "$S/recordings/$f" 236 8 -1
run "$S" -j 2
eq "header -1, changed just now: left for a later run" \
    "$(last_run "$S" "files_incomplete, files_failed")|$rc" "1|0|0"
eq "header -1, changed just now: the whole hour's results kept" \
    "$(q "$S" "SELECT duration_us FROM recordings WHERE path = 'recordings/$f'")" 3600000000
touch -d '5 minutes ago' "$S/recordings/$f"
run "$S" -j 2
eq "header -1, unchanged for --settle: analysed" "$(last_run "$S" "files_changed")|$rc" \
    "1|$WARNED_RC"
grep -qF "warning: recordings/$f: its header was never finished (-1 data records); the file \
holds 1800 complete data records (30 min), up to 0:30:00 of the recording" "$W/out"
ok "header -1: the warning says the header was never finished"
eq "header -1: stored with its 1800 complete records" \
    "$(q "$S" "SELECT status, duration_us FROM recordings WHERE path = 'recordings/$f'")" \
    "ok|1800000000"

# ------------------------------------------------------------------ not one complete record
head -c $((1024 + rec / 2)) "$full" >"$S/recordings/M01_early.edf"
echo "M01_early.edf,M01,HPC=1;CTX=2,2026-01-05T09:00:00," >>"$S/recordings.csv"
touch -d '5 minutes ago' "$S/recordings/M01_early.edf"
run "$S" -j 2
eq "no complete record: a failure (exit 1)" "$(last_run "$S" "files_failed")|$rc" "1|1"
grep -qF "recordings/M01_early.edf: the recording holds no data: truncated: the header promises \
3600 data records (1 h), the file holds 0 complete ones (0 s)" "$W/err"
ok "no complete record: the failure says why"
check_done test_run_truncated_growth.sh
