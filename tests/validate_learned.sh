#!/usr/bin/env bash
# validate_learned.sh: issue 12's validation of the learned second stage
# (ihka-mouse@4: the rules propose, detectors/presets/ihka-mouse.model.json
# decides) on what the model was never trained on:
#   1. seeds: 8 new studies (seeds $seed0 to $seed0 + 7, 8141-8148 unless
#      ICTUS_VALIDATE_SEED0 says otherwise; training used 2001-2012; the
#      seed sets 8101-8104, 8111-8114 and 8121-8128 judged earlier models and
#      are not used again, README "Validation") of
#      4 mice x 24 h at 500 and 1000 Hz with every wide hard-negative family,
#      half with the usual seizures and half with the wide seizure families;
#      `ictus train --evaluate` scores the shipped model beside the rules
#      alone (pooled and the worst animal, the preset's tolerances and
#      SzCORE's) and gives the calibration error; the same figures come out
#      of `ictus detect` + `ictus score` (the product's own path) for one study;
#   2. families: for grooming_wide and theta_wide, a model trained without
#      that family (seeds 2001-2004) on a study that holds it (and nothing
#      else wide), beside the shipped model that saw it;
#   3. a seizure family (hpd_irregular) left out of training, tested on a
#      study of that family (8 mice x 24 h);
#   4. a negative and a seizure family left out together (spike_burst and
#      conv_lvf; trained on 2 mice x 24 h per seed): false positives per
#      animal-day on spike bursts as in 2., convulsive recall on conv_lvf
#      (16 mice x 24 h at 250 Hz: 9-10 such seizures in development runs);
#   5. parameter ranges held out (synth --family-range): a model trained on
#      grooming_wide strokes of 3-7 Hz and HPDs starting at 1.5-3.5 Hz
#      (2 mice x 24 h per seed, every study with the wide seizures), tested
#      on 7-12 Hz grooming and HPDs starting at 3.5-6 Hz (4 mice x 24 h at
#      250 Hz, no other wide negative family): false positives per
#      animal-day (bounds as in 2.) and HPD recall on the held-out range,
#      beside a model trained on the same studies drawn over the whole
#      ranges (the same events: --family-range maps the same draws).
# Targets (pooled over the 32 animal-days of 1.): HPD F1 >= 0.95 and at most
# 0.5 false positives per animal-day, convulsive F1 >= 0.97, calibration
# error <= 0.05, with the preset's tolerances and SzCORE's; a negative family
# (or range) left out of training costs at most 8 false positives per
# animal-day on it, and at most a third of what the rules alone (at the
# proposal settings) cost; a seizure family left out keeps an HPD recall of
# at least 0.7 (3.) or a convulsive recall of at least RECALL_CONV (4.); the
# HPD range left out, a recall of at least RECALL_HPD_RANGE (5.; a bound
# against regression, below what the whole range gives).  Every study judged
# has a seed $seed0 + k, so that development runs (ICTUS_VALIDATE_SEED0=8801)
# never see the final run's.
# Usage: tests/validate_learned.sh ICTUS
#   ICTUS_VALIDATE_SEED0=S  the studies judged get seeds S..S+11 (default 8141:
#                           the final run's; develop with others)
set -u
ictus=${1:?usage: tests/validate_learned.sh ICTUS}
work=${ICTUS_VALIDATE_DIR:-build/validate-learned}
# The seeds of the studies judged (README "Validation": 8141-8160 are kept for
# the run that judges the model; nobody trains on, tunes on or looks at them
# before).  seed0 .. seed0+7: 1.; then one study per holdout.
seed0=${ICTUS_VALIDATE_SEED0:-8141}
seeds_new=$(seq "$seed0" $((seed0 + 7)))
seed_family=$((seed0 + 8))    # 2. the grooming_wide and theta_wide studies
seed_irregular=$((seed0 + 9)) # 3.
seed_burst=$((seed0 + 10))    # 4.
seed_range=$((seed0 + 11))    # 5.
train_seeds="2001 2002 2003 2004" # the holdouts' training studies
# The bounds of 4. and 5., chosen from development runs on seeds 8801-8852
# (README "Validation"): convulsive recall on the held-out convulsive family
# (measured 0.89-1.00 over 3-10 seizures), HPD recall on the held-out HPD
# range (measured 0.36 with this study at 250 Hz, 0.41-0.45 at 500 Hz,
# against 0.74-0.85 for the same training over the whole range: the model
# does not extrapolate in spike rate, and the bound only guards against
# getting worse; it is no target met).
RECALL_CONV=0.75
RECALL_HPD_RANGE=0.3
rm -rf "$work"
mkdir -p "$work"
. "$(dirname "$0")/validate_common.sh"
synth() { # SEED FS SEIZURES EXTRA...: 4 mice x 24 h (EXTRA may say --animals)
    local seed=$1 fs=$2 seizures=$3
    shift 3
    "$ictus" synth --model ihka-mouse --animals 4 --days 1 --fs "$fs" --seed "$seed" \
        --negatives wide --seizures "$seizures" -o "$work/s$seed" "$@" >/dev/null
}
recall() { # FILE COLUMN_TP [TYPE]: TP / (TP + FN) of the TYPE (hpd) row, preset's tolerances
    awk -v c="$2" -v t="${3:-hpd}" 'index($0, "the preset") == 1 { s = 1; next } s && $1 == t {
        printf "%.3f", ($c + $(c + 2) > 0 ? $c / ($c + $(c + 2)) : 0); exit }' "$1"
}
train_held() { # OUT.json: a model trained on the studies s<train seed> (then removed)
    "$ictus" train -p ihka-mouse --set classifier.model= $(for t in $train_seeds; do
        echo "$work/s$t"; done) -o "$1" >/dev/null 2>&1
    for t in $train_seeds; do rm -rf "$work/s$t"; done
}
# WHAT HELD_FILE SEEN_FILE: false positives per animal-day of a model that
# never saw WHAT (--evaluate in HELD_FILE) against the shipped model and the
# rules (SEEN_FILE), checked against the bounds of a negative left out
fp_bounds() {
    local held seen rules
    held=$(field "$2" "the preset's tolerances:" all 6)
    seen=$(field "$3" "the preset's tolerances:" all 6)
    rules=$(field "$3" "the preset's tolerances:" all 11)
    echo "  $1: false positives per animal-day: model without it $held, shipped model $seen," \
        "rules at the proposal settings $rules"
    check "$1 left out of training: false positives per animal-day" "$held" "<=" 8
    check "$1 left out of training: at most a third of the rules' false positives" "$held" \
        "<=" "$(awk -v r="$rules" 'BEGIN { print r / 3 }')"
}
start_s=$(date +%s)

set -- $seeds_new
echo "== 1. seeds never trained on: $1-$8 (4 mice x 24 h each)"
synth "$1" 500 usual && synth "$2" 1000 wide && synth "$3" 500 wide && synth "$4" 1000 usual &&
    synth "$5" 1000 usual && synth "$6" 500 wide && synth "$7" 1000 wide &&
    synth "$8" 500 usual || { echo "synth failed"; exit 1; }
product=$work/s$3 # the study the product's path runs on
studies=$(for s in $seeds_new; do echo "$work/s$s"; done)
"$ictus" train --evaluate detectors/presets/ihka-mouse.model.json -p ihka-mouse $studies \
    >"$work/model.txt" 2>/dev/null
"$ictus" train --evaluate detectors/presets/ihka-mouse.model.json -p ihka-mouse \
    --set detector.on_ratio=2.5 --set detector.off_ratio=1.6 --set type.hpd.max_emg_fraction=0.3 \
    --set type.convulsive.min_duration_s=20 --set type.convulsive.max_duration_s=180 \
    $studies >"$work/rules_v1.txt" \
    2>/dev/null
sed -n '1,/^calibration/p' "$work/model.txt"
echo "(the rules alone as ihka-mouse@1 had them: on_ratio 2.5, off_ratio 1.6, HPD max_emg_fraction 0.3,"
echo " convulsive 20-180 s)"
sed -n '/^the preset/,/^calibration/p' "$work/rules_v1.txt" | cut -c1-15,53-
for tol in "the preset's tolerances:" "SzCORE defaults:"; do
    t=${tol%:}
    check "HPD F1, pooled ($t)" "$(field "$work/model.txt" "$tol" hpd 5)" ">=" 0.95
    check "HPD false positives per animal-day ($t)" "$(field "$work/model.txt" "$tol" hpd 6)" \
        "<=" 0.5
    check "convulsive F1, pooled ($t)" "$(field "$work/model.txt" "$tol" convulsive 5)" ">=" 0.97
    check "rules alone (ihka-mouse@1) HPD F1, for comparison ($t)" \
        "$(field "$work/rules_v1.txt" "$tol" hpd 10)" ">=" 0
done
ece=$(sed -n 's/^calibration: expected calibration error \([0-9.]*\).*/\1/p' "$work/model.txt")
check "expected calibration error (10 bins)" "$ece" "<=" 0.05

echo
echo "== the product's path on ${product##*/}: ictus detect + ictus score"
d=$product
"$ictus" detect -p ihka-mouse "$d"/recordings/*.edf -o "$d/events.csv" &&
    "$ictus" score --truth "$d/truth.csv" --pred "$d/events.csv" --recordings "$d" \
        -p ihka-mouse --type hpd >"$d/score.txt"
sed -n '/^event scoring/,/^$/p' "$d/score.txt"
# the same events as --evaluate's decisions: its figures for this study alone
"$ictus" train --evaluate detectors/presets/ihka-mouse.model.json -p ihka-mouse "$d" \
    >"$d/eval.txt" 2>/dev/null
got=$(awk '/^event scoring/{e=1} e && /pooled/ {print $4 "/" $5 "/" $6; exit}' "$d/score.txt")
want=$(field "$d/eval.txt" "the preset's tolerances:" hpd 2)/$(field "$d/eval.txt" \
    "the preset's tolerances:" hpd 3)/$(field "$d/eval.txt" "the preset's tolerances:" hpd 4)
if [ "$got" = "$want" ]; then pass=$((pass + 1)); echo "  ok   detect + score = --evaluate (TP/FP/FN $got)"
else fail=$((fail + 1)); echo "  FAIL detect + score $got != --evaluate $want"; fi
for s in $studies; do rm -rf "$s"; done

echo
echo "== 2. families left out of training"
for fam in grooming_wide theta_wide; do
    for seed in $train_seeds; do
        fs=$( [ $((seed % 2)) -eq 0 ] && echo 500 || echo 250)
        sz=$( [ $((seed % 2)) -eq 0 ] && echo wide || echo usual)
        synth "$seed" "$fs" "$sz" --without-families "$fam"
    done
    train_held "$work/no_$fam.json"
    synth "$seed_family" 500 usual --families "$fam"
    "$ictus" train --evaluate "$work/no_$fam.json" -p ihka-mouse "$work/s$seed_family" \
        >"$work/held_$fam.txt" 2>/dev/null
    "$ictus" train --evaluate detectors/presets/ihka-mouse.model.json -p ihka-mouse \
        "$work/s$seed_family" >"$work/seen_$fam.txt" 2>/dev/null
    fp_bounds "$fam" "$work/held_$fam.txt" "$work/seen_$fam.txt"
    rm -rf "$work/s$seed_family"
done
echo
echo "== 3. a seizure family left out of training: hpd_irregular"
for seed in $train_seeds; do # the wide seizures in the even seeds, without the family
    if [ $((seed % 2)) -eq 0 ]; then
        synth "$seed" 500 wide --without-families hpd_irregular
    else
        synth "$seed" 250 usual
    fi
done
train_held "$work/no_irregular.json"
d=$work/s$seed_irregular
"$ictus" synth --model ihka-mouse --animals 8 --days 1 --fs 500 --seed "$seed_irregular" \
    --seizures wide --families hpd_irregular -o "$d" >/dev/null
"$ictus" train --evaluate "$work/no_irregular.json" -p ihka-mouse "$d" \
    >"$work/held_irregular.txt" 2>/dev/null
"$ictus" train --evaluate detectors/presets/ihka-mouse.model.json -p ihka-mouse "$d" \
    >"$work/seen_irregular.txt" 2>/dev/null
held=$(recall "$work/held_irregular.txt" 2)
seen=$(recall "$work/seen_irregular.txt" 2)
rules=$(recall "$work/seen_irregular.txt" 7)
echo "  hpd_irregular: HPD recall: model without it $held, shipped model $seen, rules at the" \
    "proposal settings $rules; false HPDs per animal-day $(field "$work/held_irregular.txt" \
    "the preset's tolerances:" hpd 6) (rules $(field "$work/held_irregular.txt" \
    "the preset's tolerances:" hpd 11))"
check "hpd_irregular left out of training: HPD recall" "$held" ">=" 0.7
rm -rf "$d"

echo
echo "== 4. a negative and a convulsive family left out together: spike_burst, conv_lvf"
for seed in $train_seeds; do # 2 mice each; the wide seizures in the even seeds
    sz=$( [ $((seed % 2)) -eq 0 ] && echo wide || echo usual)
    out=spike_burst
    [ "$sz" = wide ] && out=spike_burst,conv_lvf
    synth "$seed" 250 "$sz" --animals 2 --without-families "$out"
done
train_held "$work/no_burst_lvf.json"
d=$work/s$seed_burst # spike bursts, and convulsive seizures of conv_lvf only (no HPD)
"$ictus" synth --model ihka-mouse --animals 16 --days 1 --fs 250 --seed "$seed_burst" \
    --negatives wide --seizures wide --families spike_burst,conv_lvf -o "$d" >/dev/null
"$ictus" train --evaluate "$work/no_burst_lvf.json" -p ihka-mouse "$d" \
    >"$work/held_burst_lvf.txt" 2>/dev/null
"$ictus" train --evaluate detectors/presets/ihka-mouse.model.json -p ihka-mouse "$d" \
    >"$work/seen_burst_lvf.txt" 2>/dev/null
fp_bounds spike_burst "$work/held_burst_lvf.txt" "$work/seen_burst_lvf.txt"
n_lvf=$(awk -F, '$6 == "conv_lvf"' "$d/seizures.csv" | wc -l)
held=$(recall "$work/held_burst_lvf.txt" 2 convulsive)
echo "  conv_lvf ($n_lvf seizures): convulsive recall: model without it $held, shipped model" \
    "$(recall "$work/seen_burst_lvf.txt" 2 convulsive), rules at the proposal settings" \
    "$(recall "$work/seen_burst_lvf.txt" 7 convulsive)"
check "conv_lvf left out of training: convulsive recall" "$held" ">=" "$RECALL_CONV"
rm -rf "$d"

echo
echo "== 5. parameter ranges left out of training (synth --family-range)"
# trained on grooming_wide at 3-7 Hz and HPDs starting at 1.5-3.5 Hz (every
# HPD drawn wide: the usual ones start at 4-6 Hz), tested on the rest; and,
# for comparison, on the same studies over the whole ranges
for range in low whole; do
    for seed in $train_seeds; do
        fs=$( [ $((seed % 2)) -eq 0 ] && echo 500 || echo 250)
        if [ "$range" = low ]; then
            synth "$seed" "$fs" wide --animals 2 --family-range grooming_wide.f0_hz=3:7 \
                --family-range 'hpd_*.f0_hz=1.5:3.5'
        else
            synth "$seed" "$fs" wide --animals 2
        fi
    done
    train_held "$work/${range}_range.json"
done
d=$work/s$seed_range # grooming_wide of 7-12 Hz, HPDs starting at 3.5-6 Hz
synth "$seed_range" 250 wide --families 'grooming_wide,hpd_*,conv_*' \
    --family-range grooming_wide.f0_hz=7:12 --family-range 'hpd_*.f0_hz=3.5:6'
"$ictus" train --evaluate "$work/low_range.json" -p ihka-mouse "$d" \
    >"$work/held_range.txt" 2>/dev/null
"$ictus" train --evaluate "$work/whole_range.json" -p ihka-mouse "$d" \
    >"$work/whole_range.txt" 2>/dev/null
"$ictus" train --evaluate detectors/presets/ihka-mouse.model.json -p ihka-mouse "$d" \
    >"$work/seen_range.txt" 2>/dev/null
fp_bounds "grooming_wide at 7-12 Hz" "$work/held_range.txt" "$work/seen_range.txt"
held=$(recall "$work/held_range.txt" 2)
echo "  grooming_wide at 7-12 Hz: the same training over the whole ranges" \
    "$(field "$work/whole_range.txt" "the preset's tolerances:" all 6)"
echo "  HPDs starting at 3.5-6 Hz ($(awk -F, '$5 == "hpd"' "$d/seizures.csv" | wc -l)):" \
    "HPD recall: model trained on 1.5-3.5 Hz $held, on the same studies over the whole" \
    "ranges $(recall "$work/whole_range.txt" 2), shipped model $(recall "$work/seen_range.txt" 2)," \
    "rules at the proposal settings $(recall "$work/seen_range.txt" 7); false HPDs per" \
    "animal-day $(field "$work/held_range.txt" "the preset's tolerances:" hpd 6) (whole ranges" \
    "$(field "$work/whole_range.txt" "the preset's tolerances:" hpd 6))"
check "HPDs at 3.5-6 Hz left out of training: HPD recall" "$held" ">=" "$RECALL_HPD_RANGE"
rm -rf "$d"

echo
echo "validate_learned: $pass passed, $fail failed ($(( $(date +%s) - start_s )) s)"
[ "$fail" -eq 0 ]
