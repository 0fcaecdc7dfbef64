#!/usr/bin/env bash
# test_presets.sh: a preset per animal (protocols/study_preset.h) in a mixed
# cohort of 1-hour synthetic recordings at 250 Hz: a kainate mouse (model
# IHKA: ihka-mouse's [preset] models), a Dravet mouse (model Dravet:
# dravet-mouse's) and a rat (model rat: study.ini [presets]), the study's
# default preset ihka-mouse:
#   - each animal is detected with its own preset: its events and stored
#     rows carry that preset's id, and the events are those `ictus detect
#     --preset P` finds in the file; the run records every preset used;
#   - [dravet-mouse.detector] overrides only the Dravet mouse's preset: only
#     its file is processed again, its id reads dravet-mouse@2+HHHHHH; an
#     override repeating the preset's value leaves dravet-mouse@2;
#   - a model no preset matches stops the run (exit 2) naming the animal and
#     its animals.csv line; a `preset` column wins over the model;
#   - preset typos ([study] preset, [presets], [NAME.SECTION], --preset)
#     get the closest preset name and the list;
#   - vendor labels (EEG1, EEG2) against primary_channels = HPC: `ictus info`
#     warns (with --preset, and for a file in a study), the run warns once
#     per processed recording (a run problem of kind warning), and a channel
#     map in recordings.csv silences it.
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
touch -d '1 hour ago' "$S"/recordings/*.edf
ini='[study]
name = mix
preset = ihka-mouse
mains_hz = 50

[presets]
convulsive-rat = rat
'
printf '%s' "$ini" >"$S/study.ini"
printf 'animal,model\nK1,IHKA\nD1,Dravet\nR1,rat\n' >"$S/animals.csv"
printf 'file,animal\nK1.edf,K1\nD1.edf,D1\nR1.edf,R1\n' >"$S/recordings.csv"

# --- each animal its preset
run "$S" --settle 0 -j 2
eq "the mixed study runs (exit 0)" "$rc" 0
eq "each recording stored with its animal's preset" \
    "$(q "$S" "SELECT animal || '=' || preset FROM recordings ORDER BY animal" | tr '\n' ' ')" \
    "D1=dravet-mouse@2 K1=ihka-mouse@4 R1=convulsive-rat@2 "
events_csv() { # ANIMAL: its events' presets in out/events.csv, one per line, deduplicated
    awk -F, -v a="$1" '$2 == a { print $10 }' "$S/out/events.csv" | sort -u
}
eq "K1's events say ihka-mouse@4" "$(events_csv K1)" "ihka-mouse@4"
eq "D1's events say dravet-mouse@2" "$(events_csv D1)" "dravet-mouse@2"
eq "R1's events say convulsive-rat@2" "$(events_csv R1)" "convulsive-rat@2"
for a in K1:ihka-mouse D1:dravet-mouse R1:convulsive-rat; do
    animal=${a%%:*} preset=${a#*:}
    got=$(q "$S" "SELECT e.channel || '|' || e.start_us || '|' || e.end_us || '|' || e.type
                    FROM events e JOIN recordings r ON r.id = e.recording_id
                   WHERE r.animal = '$animal' ORDER BY e.start_us, e.channel, e.type")
    want=$("$ICTUS" detect --preset "$preset" -j 1 "$S/recordings/$animal.edf" -o - 2>/dev/null |
        tail -n +2 | awk -F, '{ printf "%s|%d|%d|%s\n", $3, $4 * 1e6 + 0.5, $5 * 1e6 + 0.5, $8 }' |
        sort -t'|' -k2,2n -k1,1 -k4,4)
    [ -n "$got" ] && [ "$got" == "$want" ]
    ok "$animal's events ($(wc -l <<<"$got")) are those of detect --preset $preset"
done
eq "the run records the presets used" "$(last_run "$S" preset)" \
    "ihka-mouse@4, dravet-mouse@2, convulsive-rat@2"
q "$S" "SELECT params_text FROM runs ORDER BY id DESC LIMIT 1" | grep -q '^dravet-mouse:detector.on_ratio=3$'
ok "the run's parameter text holds each preset's lines, prefixed with its name"
run "$S" --settle 0
grep -q ": 3 files: 0 to read" "$W/out"
ok "a second run reads nothing: each file's results match its animal's preset"

# --- an override for one preset
printf '%s\n[dravet-mouse.detector]\non_ratio = 3.5\n' "$ini" >"$S/study.ini"
run "$S" --settle 0
eq "the run with [dravet-mouse.detector] exits 0" "$rc" 0
grep -q ": 3 files: 1 to read" "$W/out"
ok "only the Dravet mouse's file is processed again"
d1=$(q "$S" "SELECT preset FROM recordings WHERE animal = 'D1'")
[[ "$d1" =~ ^dravet-mouse@2\+[0-9a-f]{6}$ ]]
ok "the overridden preset's id has the parameter hash: $d1"
eq "D1's events carry it" "$(events_csv D1)" "$d1"
eq "the others keep their ids" \
    "$(q "$S" "SELECT preset FROM recordings WHERE animal != 'D1' ORDER BY animal" | tr '\n' ' ')" \
    "ihka-mouse@4 convulsive-rat@2 "
printf '%s\n[dravet-mouse.detector]\non_ratio = 3\n' "$ini" >"$S/study.ini"
run "$S" --settle 0
eq "an override repeating the preset's value leaves the id" \
    "$(q "$S" "SELECT preset FROM recordings WHERE animal = 'D1'")" "dravet-mouse@2"

# --- models without a preset, the preset column
printf 'animal,model\nK1,IHKA\nD1,Dravet\nR1,rat\nP1,pilocarpine\n' >"$S/animals.csv"
n_runs=$(q "$S" "SELECT count(*) FROM runs")
run "$S" --settle 0
eq "a model no preset matches: exit 2" "$rc" 2
grep -q 'animals.csv line 5: animal "P1": model "pilocarpine" matches no preset' "$W/err"
ok "the error names the animal and its line: $(cat "$W/err")"
grep -q '\[presets\]' "$W/err"
ok "and says how to name its preset"
eq "nothing ran" "$(q "$S" "SELECT count(*) FROM runs")" "$n_runs"
printf 'animal,model,preset\nK1,IHKA,\nD1,Dravet,\nR1,rat,\nP1,pilocarpine,convulsive-rat\n' \
    >"$S/animals.csv"
run "$S" --settle 0
eq "a preset column names the preset of a model no preset knows (exit 0)" "$rc" 0
printf 'animal,model,preset\nK1,IHKA,\nD1,Dravet,dravet-mose\nR1,rat,\n' >"$S/animals.csv"
run "$S" --settle 0
eq "a preset column naming no preset: exit 2" "$rc" 2
grep -q 'animal "D1": preset "dravet-mose": no such preset; did you mean "dravet-mouse"?' "$W/err"
ok "the error names the animal and suggests the preset: $(cat "$W/err")"
printf 'animal,model\nK1,IHKA\nD1,Dravet\nR1,rat\n' >"$S/animals.csv"

# --- typos
typo() { # DESCRIPTION STUDY.INI-TEXT
    printf '%s' "$2" >"$S/study.ini"
    run "$S" --settle 0
    [ "$rc" -eq 2 ] && grep -q 'did you mean "dravet-mouse"?' "$W/err" &&
        grep -q 'convulsive-rat dravet-mouse human-ieeg ihka-mouse' "$W/err"
    ok "$1: exit 2, the closest preset and the list: $(cat "$W/err")"
}
typo "[study] preset typo" "${ini/preset = ihka-mouse/preset = dravet-mose}"
typo "[presets] typo" "$ini"'dravet-mose = Dravet
'
typo "[NAME.SECTION] typo" "$ini"'
[dravet-mose.detector]
on_ratio = 3
'
printf '%s' "$ini" >"$S/study.ini"
"$ICTUS" detect --preset dravet-mose "$S/recordings/D1.edf" -o "$W/x.csv" 2>"$W/err"
[ $? -eq 2 ] && grep -q 'did you mean "dravet-mouse"?' "$W/err"
ok "detect --preset typo: exit 2 and the closest preset"

# --- vendor labels against primary_channels
V=$S/recordings/V1.edf
cp "$S/recordings/K1.edf" "$V"
set_header "$V" 256 16 EEG1
set_header "$V" 272 16 EEG2
touch -d '1 hour ago' "$V"
"$ICTUS" info --preset ihka-mouse "$V" >"$W/info" 2>&1
grep -q '^  warning     no channel label (EEG1, EEG2) matches preset ihka-mouse.s primary_channels (HPC): seizures are looked for on EEG1 (channel 1).*"HPC=1"' "$W/info"
ok "info --preset warns about vendor labels and says which channel is used"
"$ICTUS" info "$V" >"$W/info" 2>&1
! grep -q warning "$W/info"
ok "info of a file in no study, without --preset: no warning (no preset to check)"
printf 'animal,model\nK1,IHKA\nD1,Dravet\nR1,rat\nV1,IHKA\n' >"$S/animals.csv"
printf 'file,animal\nK1.edf,K1\nD1.edf,D1\nR1.edf,R1\nV1.edf,V1\n' >"$S/recordings.csv"
"$ICTUS" info "$V" >"$W/info" 2>&1
grep -q '^  warning     no channel label (EEG1, EEG2) matches preset ihka-mouse' "$W/info"
ok "info of a file in a study checks its animal's preset"
"$ICTUS" info "$S/recordings/K1.edf" "$S/recordings/D1.edf" >"$W/info" 2>&1
! grep -q warning "$W/info"
ok "info: no warning when a label is a primary channel"
run "$S" --settle 0
grep -q 'recordings/V1.edf: animal V1: no channel label (EEG1, EEG2) matches' "$W/out" "$W/err"
ok "the run warns about the recording"
eq "once, as a warning of the run" "$(q "$S" "SELECT kind || ' ' || path FROM run_problems
    WHERE message LIKE '%no channel label%'")" "warning recordings/V1.edf"
printf 'file,animal,channels\nK1.edf,K1,\nD1.edf,D1,\nR1.edf,R1,\nV1.edf,V1,HPC=1;CTX=2\n' \
    >"$S/recordings.csv"
"$ICTUS" info "$V" >"$W/info" 2>&1
! grep -q warning "$W/info"
ok "info: the channel map of recordings.csv silences the warning"
run "$S" --settle 0
grep -q ": 4 files: 1 to read" "$W/out" && ! grep -q 'no channel label' "$W/out" "$W/err"
ok "the run reads V1 again with the map, without the warning"
eq "with the map, V1's events are K1's" "$(events_of "$S" recordings/V1.edf)" \
    "$(events_of "$S" recordings/K1.edf)"

check_done test_presets.sh
