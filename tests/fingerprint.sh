#!/usr/bin/env bash
# fingerprint.sh: every output of ictus on a fixed set of small studies,
# hashed, so that a refactoring can show it changes no output (or exactly
# which).  Not a test (it asserts nothing): compare two runs with diff.
#   tests/fingerprint.sh ICTUS OUTDIR [STUDIES]
# Runs from the project root (presets from detectors/presets).  Writes
# OUTDIR/sums.txt (sha256 of every CSV and text output) and keeps the outputs
# in OUTDIR/w.  The studies (ihka and ihka2 drug studies, dravet at 1 kHz,
# 6 Hz kindling, rats with EDF+D gaps, a FLAC recording; about 2 GB) are
# generated into STUDIES (default build/fingerprint-studies) the first time
# and reused, hard-linked, after that.  The run_*.txt logs hold timings and
# finishing order, so they differ between any two runs: leave them out of a
# comparison:
#   diff <(grep -v run_ A/sums.txt) <(grep -v run_ B/sums.txt)
set -u
ictus=$(readlink -f "${1:?usage: tests/fingerprint.sh ICTUS OUTDIR [STUDIES]}")
out=$(readlink -m "${2:?usage: tests/fingerprint.sh ICTUS OUTDIR [STUDIES]}")
S=$(readlink -m "${3:-build/fingerprint-studies}")
export ICTUS_PRESET_DIR
ICTUS_PRESET_DIR=$(readlink -f detectors/presets)
rm -rf "$out"
mkdir -p "$out/w"
if [ ! -f "$S/.complete" ]; then
    rm -rf "$S"
    mkdir -p "$S"
    "$ictus" synth --model ihka-mouse --animals 8 --protocol asm --hours 2 --min-rate 80 \
        --baseline 4h --drug 6h --washout 2h --seed 2026 -o "$S/ihka" >/dev/null
    "$ictus" synth --model ihka-mouse --animals 6 --protocol asm --hours 2 --min-rate 80 \
        --baseline 4h --drug 6h --washout 0 --mains 60 --seed 7 -o "$S/ihka2" >/dev/null
    "$ictus" synth --model dravet-mouse --animals 2 --days 1 --hours 6 --fs 1000 --seed 5 \
        -o "$S/dravet" >/dev/null
    "$ictus" synth --model 6hz-kindling-mouse --animals 2 --days 1 --hours 3 --seed 6 \
        -o "$S/kindling" >/dev/null
    "$ictus" synth --model convulsive-rat --animals 2 --days 1 --hours 6 --gaps --seed 8 \
        -o "$S/rat" >/dev/null
    "$ictus" synth --model ihka-mouse --animals 1 --days 1 --hours 2 --format flac --seed 9 \
        -o "$S/flac" >/dev/null
    touch "$S/.complete"
fi
cd "$out/w" || exit 1
studies="ihka ihka2 dravet kindling rat flac"
for s in $studies; do
    cp -al "$S/$s" "$s"
    rm -rf "$s/ictus.db" "$s/out"
done
r1=$(ls ihka/recordings | head -n 1)
"$ictus" features --preset ihka-mouse "ihka/recordings/$r1" -o feat_ihka.csv
"$ictus" features --preset dravet-mouse dravet/recordings/* -o feat_dravet.csv
"$ictus" features rat/recordings/* -o feat_rat.csv
"$ictus" detect --preset ihka-mouse --explain why_ihka.txt ihka/recordings/* -o ev_ihka.csv
"$ictus" detect --preset dravet-mouse --explain why_dravet.txt dravet/recordings/* -o ev_dravet.csv
"$ictus" detect --preset 6hz-kindling-mouse --stimulations kindling/stimulations.csv \
    --explain why_kind.txt kindling/recordings/* -o ev_kind.csv 2>/dev/null
"$ictus" detect --preset convulsive-rat --explain why_rat.txt rat/recordings/* -o ev_rat.csv
for s in $studies; do
    "$ictus" run "$s" --settle 0 -j 2 >"run_$s.txt" 2>&1
    echo "rc $?" >>"run_$s.txt"
done
"$ictus" analyze ihka --events ihka/truth.csv >an_truth.txt 2>&1
mkdir -p an_truth
cp ihka/out/*.csv an_truth/
"$ictus" run ihka --settle 0 >/dev/null 2>&1
"$ictus" compare ihka ihka2 -o cmp >/dev/null 2>&1
"$ictus" score --truth ihka/truth.csv --pred ev_ihka.csv --recordings ihka/recordings \
    --preset ihka-mouse >score_ihka.txt 2>&1
"$ictus" score --truth rat/truth.csv --pred ev_rat.csv >score_rat.txt 2>&1
"$ictus" info rat/recordings/* >info_rat.txt 2>&1
find . -type f \( -name '*.csv' -o -name '*.txt' \) ! -path './*/recordings/*' | sort |
    xargs sha256sum >"$out/sums.txt"
echo "$(wc -l <"$out/sums.txt") outputs hashed in $out/sums.txt"
