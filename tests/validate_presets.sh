#!/usr/bin/env bash
# validate_presets.sh: issue 12's validation of the learned second stage of
# dravet-mouse@2 and convulsive-rat@2 (the rules propose, PRESET.model.json
# decides: tests/train_models.sh, seeds 2101-2112 and 2121-2132) on seeds it
# was never trained on, given as arguments.  Per seed and preset, one study
# of 4 animals x 2 days at 500 Hz with every wide hard-negative family and
# the wide seizure families (`ictus synth --negatives wide --seizures wide`);
# `ictus train --evaluate` scores the shipped model beside the rules alone
# (pooled and the worst animal, the preset's tolerances and SzCORE's) and
# gives the calibration error; `ictus detect` + `ictus score` (the product's
# own path) must give the same convulsive TP/FP/FN on the first study.
# Targets (pooled): convulsive (GTCS) F1 >= 0.97 and at most 0.5 false
# positives per animal-day with both tolerances, calibration error <= 0.05.
# `make validate` passes $(PRESET_SEEDS) (Makefile).
# ICTUS_VALIDATE_REUSE=1 keeps studies already made in the work directory.
# Usage: tests/validate_presets.sh ICTUS SEED...
set -u
ictus=${1:?usage: tests/validate_presets.sh ICTUS SEED...}
shift
[ $# -gt 0 ] || { echo "usage: tests/validate_presets.sh ICTUS SEED..." >&2; exit 2; }
work=${ICTUS_VALIDATE_DIR:-build/validate-presets}
[ -n "${ICTUS_VALIDATE_REUSE:-}" ] || rm -rf "$work"
mkdir -p "$work"
. "$(dirname "$0")/validate_common.sh"

for preset in dravet-mouse convulsive-rat; do
    echo "== $preset@$(sed -n 's/^version = //p' "detectors/presets/$preset.ini"), seeds $*" \
        "(4 animals x 2 days each, wide negatives and seizures)"
    studies=()
    for seed; do
        dir=$work/$preset-s$seed
        studies+=("$dir")
        [ -f "$dir/truth.csv" ] && continue
        "$ictus" synth --model "$preset" --animals 4 --days 2 --fs 500 --seed "$seed" \
            --negatives wide --seizures wide -o "$dir" >/dev/null || { echo "synth failed"; exit 1; }
    done
    out=$work/$preset.txt
    "$ictus" train --evaluate "detectors/presets/$preset.model.json" -p "$preset" \
        "${studies[@]}" >"$out" 2>/dev/null
    sed -n '1,/^calibration/p' "$out"
    for tol in "the preset's tolerances:" "SzCORE defaults:"; do
        t=${tol%:}
        check "$preset: convulsive F1, pooled ($t)" "$(field "$out" "$tol" convulsive 5)" ">=" 0.97
        check "$preset: false positives per animal-day ($t)" \
            "$(field "$out" "$tol" convulsive 6)" "<=" 0.5
        check "$preset: rules alone convulsive F1, for comparison ($t)" \
            "$(field "$out" "$tol" convulsive 10)" ">=" 0
    done
    ece=$(sed -n 's/^calibration: expected calibration error \([0-9.]*\).*/\1/p' "$out")
    check "$preset: expected calibration error (10 bins)" "$ece" "<=" 0.05

    # the product's path on the first study gives --evaluate's events
    d=${studies[0]}
    "$ictus" detect -p "$preset" "$d"/recordings/*.edf -o "$d/events.csv" &&
        "$ictus" score --truth "$d/truth.csv" --pred "$d/events.csv" --recordings "$d" \
            -p "$preset" --type convulsive >"$d/score.txt"
    "$ictus" train --evaluate "detectors/presets/$preset.model.json" -p "$preset" "$d" \
        >"$d/eval.txt" 2>/dev/null
    got=$(awk '/^event scoring/{e=1} e && /pooled/ {print $4 "/" $5 "/" $6; exit}' "$d/score.txt")
    want=$(field "$d/eval.txt" "the preset's tolerances:" convulsive 2)/$(field "$d/eval.txt" \
        "the preset's tolerances:" convulsive 3)/$(field "$d/eval.txt" "the preset's tolerances:" \
        convulsive 4)
    echo "  ${d##*/}: detect + score TP/FP/FN $got, --evaluate $want"
    if [ -n "$got" ] && [ "$got" = "$want" ]; then
        check "$preset: detect + score = --evaluate on ${d##*/}" 1 "==" 1
    else
        check "$preset: detect + score = --evaluate on ${d##*/}" 0 "==" 1
    fi
    echo
done
echo "validate_presets: $pass passed, $fail failed"
# The studies take gigabytes: kept only when something failed, or with ICTUS_KEEP.
if [ "$fail" -eq 0 ] && [ -z "${ICTUS_KEEP:-}" ] && [ -z "${ICTUS_VALIDATE_REUSE:-}" ]; then
    rm -rf "$work"
fi
[ "$fail" -eq 0 ]
