#!/usr/bin/env bash
# test_presets_run.sh: `ictus run` on a mixed cohort, a preset per animal
# (protocols/study_preset.h), with 1-hour synthetic recordings at 250 Hz: a
# kainate mouse (model IHKA: ihka-mouse's [preset] models), a Dravet mouse
# (model Dravet: dravet-mouse's), a rat (model rat: study.ini [presets]) and
# a kainate mouse recorded with vendor labels EEG1, EEG2; the study's
# default preset is ihka-mouse:
#   - each animal is detected with its own preset: its events and stored
#     rows carry that preset's id, and the events are those `ictus detect
#     --preset P` finds in the file; the run records every preset used;
#   - the vendor-labelled recording gets one warning (a run problem of kind
#     warning) saying which channel was taken as primary;
#   - [dravet-mouse.detector] overrides only the Dravet mouse's preset: only
#     its file (and the one whose channel map changed) is processed again,
#     its id reads dravet-mouse@2+HHHHHH, as `detect --set` gives it; an
#     animal of a model no preset knows runs with its `preset` column; the
#     channel map silences the warning.
# Needs: $ICTUS.
set -u
. "$(dirname "$0")/shcheck.sh"
. "$(dirname "$0")/run_common.sh"

synth() { # MODEL SEED RATE DIR
    "$ICTUS" synth --model "$1" --animals 1 --days 1 --hours 1 --fs 250 --channels 2 -s "$2" \
        --rate "$3" -o "$4" >/dev/null
}
synth ihka-mouse 9101 hpd=72 "$W/k" && synth dravet-mouse 9104 gtcs=150 "$W/d" &&
    synth convulsive-rat 9103 convulsive=72 "$W/r"
ok "synth makes a kainate mouse, a Dravet mouse and a rat"

S=$W/mix
mkdir -p "$S/recordings"
cp "$W"/k/recordings/*.edf "$S/recordings/K1.edf"
cp "$W"/d/recordings/*.edf "$S/recordings/D1.edf"
cp "$W"/r/recordings/*.edf "$S/recordings/R1.edf"
V=$S/recordings/V1.edf
cp "$S/recordings/K1.edf" "$V"
set_header "$V" 256 16 EEG1
set_header "$V" 272 16 EEG2
touch -d '1 hour ago' "$S"/recordings/*.edf
ini='[study]
name = mix
preset = ihka-mouse
mains_hz = 50

[presets]
convulsive-rat = rat
'
printf '%s' "$ini" >"$S/study.ini"
printf 'animal,model\nK1,IHKA\nD1,Dravet\nR1,rat\nV1,IHKA\n' >"$S/animals.csv"
printf 'file,animal\nK1.edf,K1\nD1.edf,D1\nR1.edf,R1\nV1.edf,V1\n' >"$S/recordings.csv"

# --- each animal its preset
run "$S" --settle 0 -j 2
eq "the mixed study runs (exit 3: V1's primary channel is guessed, a warning)" "$rc" 3
eq "each recording stored with its animal's preset" \
    "$(q "$S" "SELECT animal || '=' || preset FROM recordings ORDER BY animal" | tr '\n' ' ')" \
    "D1=dravet-mouse@2 K1=ihka-mouse@4 R1=convulsive-rat@2 V1=ihka-mouse@4 "
events_csv() { # ANIMAL: its events' presets in out/events.csv, one per line, deduplicated
    awk -F, -v a="$1" '$2 == a { print $10 }' "$S/out/events.csv" | sort -u
}
eq "K1's events say ihka-mouse@4" "$(events_csv K1)" "ihka-mouse@4"
eq "D1's events say dravet-mouse@2" "$(events_csv D1)" "dravet-mouse@2"
eq "R1's events say convulsive-rat@2" "$(events_csv R1)" "convulsive-rat@2"
detected() { # FILE DETECT-OPTIONS...: events as the store's query below gives them
    "$ICTUS" detect -j 1 "$@" -o - 2>/dev/null | tail -n +2 |
        awk -F, '{ printf "%s|%d|%d|%s\n", $3, $4 * 1e6 + 0.5, $5 * 1e6 + 0.5, $8 }' |
        sort -t'|' -k2,2n -k1,1 -k4,4
}
stored() { # ANIMAL
    q "$S" "SELECT e.channel || '|' || e.start_us || '|' || e.end_us || '|' || e.type
              FROM events e JOIN recordings r ON r.id = e.recording_id
             WHERE r.animal = '$1' ORDER BY e.start_us, e.channel, e.type"
}
for a in K1:ihka-mouse D1:dravet-mouse R1:convulsive-rat; do
    animal=${a%%:*} preset=${a#*:}
    got=$(stored "$animal")
    [ -n "$got" ] && [ "$got" == "$(detected "$S/recordings/$animal.edf" --preset "$preset")" ]
    ok "$animal's events ($(wc -l <<<"$got")) are those of detect --preset $preset"
done
eq "the run records the presets used" "$(last_run "$S" preset)" \
    "ihka-mouse@4, dravet-mouse@2, convulsive-rat@2"
q "$S" "SELECT params_text FROM runs ORDER BY id DESC LIMIT 1" |
    grep -q '^dravet-mouse:detector.on_ratio=3$'
ok "the run's parameter text holds each preset's lines, prefixed with its name"
grep -q 'recordings/V1.edf: animal V1: no channel label (EEG1, EEG2) matches preset ihka-mouse' \
    "$W/out" "$W/err"
ok "the run warns about the vendor-labelled recording"
eq "once, as a warning of the run" "$(q "$S" "SELECT kind || ' ' || path FROM run_problems
    WHERE message LIKE '%no channel label%'")" "warning recordings/V1.edf"

# --- an override for one preset, a preset column, a channel map
printf '%s\n[dravet-mouse.detector]\non_ratio = 3.5\n' "$ini" >"$S/study.ini"
printf 'animal,model,preset\nK1,IHKA,\nD1,Dravet,\nR1,rat,\nV1,IHKA,\nP1,pilocarpine,convulsive-rat\n' \
    >"$S/animals.csv"
printf 'file,animal,channels\nK1.edf,K1,\nD1.edf,D1,\nR1.edf,R1,\nV1.edf,V1,HPC=1;CTX=2\n' \
    >"$S/recordings.csv"
run "$S" --settle 0 -j 2
eq "the second run exits 0 (P1's model has no preset, its preset column names one)" "$rc" 0
grep -q ": 4 files: 2 to read" "$W/out"
ok "only the Dravet mouse's file and the remapped one are processed again"
d1=$(q "$S" "SELECT preset FROM recordings WHERE animal = 'D1'")
[[ "$d1" =~ ^dravet-mouse@2\+[0-9a-f]{6}$ ]]
ok "the overridden preset's id has the parameter hash: $d1"
eq "D1's events carry it" "$(events_csv D1)" "$d1"
eq "it is the id detect --set gives" \
    "$("$ICTUS" detect --preset dravet-mouse --set detector.on_ratio=3.5 "$S/recordings/D1.edf" \
        -o - 2>/dev/null | awk -F, 'NR == 2 { print $10 }')" "$d1"
eq "the others keep their ids" \
    "$(q "$S" "SELECT preset FROM recordings WHERE animal != 'D1' ORDER BY animal" | tr '\n' ' ')" \
    "ihka-mouse@4 convulsive-rat@2 ihka-mouse@4 "
! grep -q 'no channel label' "$W/out" "$W/err"
ok "with the channel map, no warning"
eq "with the map, V1's events are K1's" "$(stored V1)" "$(stored K1)"

check_done test_presets_run.sh
