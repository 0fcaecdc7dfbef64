#!/usr/bin/env bash
# test_presets.sh: what is checked of a study's presets before anything is
# detected (protocols/study_preset.h), on a study of three animals (a
# kainate mouse of model IHKA, a Dravet mouse of model Dravet, a rat of model
# rat listed in study.ini [presets]) and one short recording with vendor
# labels (test_presets_run.sh runs the mixed cohort):
#   - a model no preset matches fails that animal (exit 1), naming it and
#     its animals.csv line and saying how to name its preset, while the
#     other animals' recordings are analysed; a `preset` column naming no
#     preset too;
#   - preset typos ([study] preset, [presets], [NAME.SECTION], animals.csv
#     `preset`, --preset) get the closest preset name and the list;
#   - an override gives the id +HHHHHH (detect --set), one repeating the
#     preset's value does not (a 12-minute recording full of HPDs);
#   - vendor labels (EEG1, EEG2) against primary_channels = HPC: `ictus
#     info` warns with --preset and for a file in a study (its animal's
#     preset), not for labels that match, and a channel map in
#     recordings.csv silences it.
# Needs: $ICTUS.
set -u
. "$(dirname "$0")/shcheck.sh"
. "$(dirname "$0")/run_common.sh"

S=$W/mix
"$ICTUS" synth --model ihka-mouse --animals 1 --days 1 --hours 0.2 --fs 250 --channels 2 -s 9110 \
    --rate hpd=1000 -o "$W/k" >/dev/null
ok "synth makes a short recording"
mkdir -p "$S/recordings"
V=$S/recordings/V1.edf
cp "$W"/k/recordings/*.edf "$V"
set_header "$V" 256 16 EEG1
set_header "$V" 272 16 EEG2
ini='[study]
name = mix
preset = ihka-mouse
mains_hz = 50

[presets]
convulsive-rat = rat
'
printf '%s' "$ini" >"$S/study.ini"
printf 'file,animal\nV1.edf,V1\n' >"$S/recordings.csv"

# --- models without a preset, the preset column
printf 'animal,model\nK1,IHKA\nD1,Dravet\nR1,rat\nP1,pilocarpine\nV1,\n' >"$S/animals.csv"
run "$S" --settle 0
eq "a model no preset matches: exit 1 (that animal fails, the others go on)" "$rc" 1
grep -q 'animals.csv line 5: animal "P1": model "pilocarpine" matches no preset' "$W/out"
ok "the error names the animal and its line: $(grep 'animal "P1"' "$W/out")"
grep 'animal "P1"' "$W/out" | grep -q '\[presets\]' && grep 'animal "P1"' "$W/out" | grep -q '`preset` column'
ok "and says how to name its preset"
eq "the other animals' recording (V1) is analysed" \
    "$(sqlite3 "$S/ictus.db" "SELECT count(*) FROM recordings WHERE animal = 'V1' AND status = 'ok'")" 1
grep -q '^    failed: .*animal "P1": model "pilocarpine" matches no preset' "$W/out"
ok "the run's summary lists the animal among the failures"
printf 'animal,model,preset\nK1,IHKA,\nD1,Dravet,dravet-mose\nR1,rat,\n' >"$S/animals.csv"
run "$S" --settle 0
eq "a preset column naming no preset: exit 1" "$rc" 1
grep -q 'animals.csv line 3: animal "D1": preset "dravet-mose": no such preset; did you mean '\
'"dravet-mouse"?' "$W/out"
ok "the error names the animal and suggests the preset: $(grep 'animal "D1"' "$W/out")"
printf 'animal,model\nK1,IHKA\nD1,Dravet\nR1,rat\nV1,\n' >"$S/animals.csv"

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
"$ICTUS" detect --preset dravet-mose "$V" -o "$W/x.csv" 2>"$W/err"
[ $? -eq 2 ] && grep -q 'did you mean "dravet-mouse"?' "$W/err"
ok "detect --preset typo: exit 2 and the closest preset"

# --- the id of an overridden preset (events.csv's preset column)
preset_of() { # DETECT-OPTIONS...: the preset column of the events of the short recording
    "$ICTUS" detect --preset ihka-mouse -j 1 "$@" "$W"/k/recordings/*.edf -o - 2>/dev/null |
        awk -F, 'NR == 2 { print $10 }'
}
id=$(preset_of --set detector.on_ratio=1.8)
[[ "$id" =~ ^ihka-mouse@4\+[0-9a-f]{6}$ ]]
ok "overrides give the id the parameter hash: $id"
eq "overrides repeating the preset's values keep it" "$(preset_of --set detector.on_ratio=2)" \
    "ihka-mouse@4"

# --- vendor labels against primary_channels
"$ICTUS" info --preset ihka-mouse "$V" >"$W/info" 2>&1
grep -q '^  warning     no channel label (EEG1, EEG2) matches preset ihka-mouse.s primary_channels '\
'(HPC): seizures are looked for on EEG1 (channel 1).*"HPC=1"' "$W/info"
ok "info --preset warns about vendor labels and says which channel is used"
"$ICTUS" info --preset dravet-mouse "$V" >"$W/info" 2>&1
grep -q 'primary_channels (CTX, HPC).*"CTX=1"' "$W/info"
ok "with the preset's primary channels"
cp "$V" "$W/v.edf"
"$ICTUS" info "$W/v.edf" >"$W/info" 2>&1
! grep -q warning "$W/info"
ok "info of a file in no study, without --preset: no warning (no preset to check)"
"$ICTUS" info "$V" >"$W/info" 2>&1
grep -q '^  warning     no channel label (EEG1, EEG2) matches preset ihka-mouse' "$W/info"
ok "info of a file in a study checks its animal's preset"
"$ICTUS" info --preset ihka-mouse "$W"/k/recordings/*.edf >"$W/info" 2>&1
! grep -q warning "$W/info"
ok "info: no warning when a label is a primary channel"
printf 'file,animal,channels\nV1.edf,V1,HPC=1;CTX=2\n' >"$S/recordings.csv"
"$ICTUS" info "$V" >"$W/info" 2>&1
! grep -q warning "$W/info"
ok "info: the channel map of recordings.csv silences the warning"

check_done test_presets.sh
