#!/usr/bin/env bash
# test_threads.sh: the thread count changes nothing but speed, end to end (and
# under make check-tsan, ThreadSanitizer watches every thread it starts):
#   - `ictus synth -j 2` writes a study byte-identical to `-j 1`'s;
#   - `ictus detect -j 2` (the analyzer's workers) writes the events of
#     `-j 1`, byte for byte;
#   - `ictus run -j 2` (the nightly job's pool) stores the events and
#     analysable time of `-j 1` and writes the same out/ files.
# A small IHKA study: 3 animals x 2 one-hour EDF files, 2 channels at 250 Hz.
# Needs: $ICTUS (the binary under test), sqlite3.
set -u
. "$(dirname "$0")/shcheck.sh"

synth() { # JOBS DIR
    "$ICTUS" synth --model ihka-mouse --animals 3 --days 2 --hours 1 --fs 250 --channels 2 \
        --seed 21 -j "$1" -o "$2" >"$W/synth.out" 2>&1
}
synth 1 "$W/one"
ok "synth -j 1 makes the study"
synth 2 "$W/two"
ok "synth -j 2 makes the study"
diff -r "$W/one" "$W/two" >/dev/null
ok "synth -j 2 writes the files of synth -j 1, byte for byte"
n_files=$(find "$W/one/recordings" -name '*.edf' | wc -l)
eq "the study has 6 recordings" "$n_files" 6

files=("$W/one/recordings"/*.edf)
for j in 1 2; do
    "$ICTUS" detect --preset ihka-mouse -j "$j" "${files[@]}" -o "$W/detect-$j.csv" >/dev/null 2>&1
    eq "detect -j $j exits 0" "$?" 0
done
cmp -s "$W/detect-1.csv" "$W/detect-2.csv"
ok "detect -j 2 writes the events of detect -j 1"
[ "$(wc -l <"$W/detect-1.csv")" -gt 1 ]
ok "detect finds events to compare"

# The stored results in a canonical order, without ids, file identity or run.
stored() { # STUDY
    sqlite3 "$1/ictus.db" "
SELECT 'E', r.path, e.animal, e.channel, e.start_us, e.end_us, e.type, e.score, e.preset
  FROM events e JOIN recordings r ON r.id = e.recording_id ORDER BY 2, 3, 4, 5, 6, 7;
SELECT 'A', r.path, r.animal, a.channel, a.bucket_us, a.unit_us, a.n_buckets,
       hex(a.analysable_units), a.artefact_kinds, hex(a.artefact_windows)
  FROM analysable a JOIN recordings r ON r.id = a.recording_id ORDER BY 2, 3, 4;"
}
for j in 1 2; do
    S=$W/study-$j
    cp -r "$W/one" "$S"
    "$ICTUS" run "$S" --settle 0 -j "$j" >"$W/run-$j.out" 2>&1
    eq "run -j $j exits 0" "$?" 0
    stored "$S" >"$W/stored-$j"
done
[ -s "$W/stored-1" ] && grep -q '^E|' "$W/stored-1"
ok "run -j 1 stored events and analysable time"
cmp -s "$W/stored-1" "$W/stored-2"
ok "run -j 2 stores the events and analysable time of run -j 1"
# out/report/ is left out: the report names the run's time (and the PDF its creation date).
diff -r -x report "$W/study-1/out" "$W/study-2/out" >/dev/null
ok "run -j 2 writes the out/ files of run -j 1 (the report's aside)"
check_done test_threads
