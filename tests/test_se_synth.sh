#!/usr/bin/env bash
# test_se_synth.sh: status epilepticus end to end (issue 13,
# DOMAIN.md §8; detectors/status_epilepticus.h, synth/status_epilepticus.h).
# Three small studies from `ictus synth --status-epilepticus 1` (2 animals,
# one 3-hour file each, seeds 9041-9043, none of them used while the stage
# was written): focal SE in IHKA mice (12-25 min of continuous HPD trains),
# recurrent convulsive seizures without return to baseline in kainate rats
# and Dravet mice (6-12 min).  `ictus run` detects and analyses them (a
# dosing.csv of one baseline period per animal, so that periods.csv has
# rows).  Proves, per study:
#   - truth.csv holds one status_epilepticus row per animal, over the whole
#     episode (longer than the ILAE threshold of its kind);
#   - every planned episode is found whole: exactly one detected
#     status_epilepticus event overlaps it and covers >= 90 % of it, and
#     reaches no more than 2 min beyond it on either side; no other detected
#     event overlaps the episode (it is not split into seizures beside it);
#   - no status_epilepticus event is detected anywhere else;
#   - periods.csv has a status_epilepticus row per animal with count 1 and
#     seizure_s the detected event's duration; its "all" row counts it once
#     (count = the animal's detected events);
#   - `ictus analyze --events truth.csv` counts each planned episode once
#     too ("all" = the animal's truth rows, status_epilepticus count 1 and
#     seizure_s its whole length);
#   - `--set status_epilepticus.focal_min_s=0 ... convulsive_min_s=0` turns
#     the stage off: no status_epilepticus event, and (IHKA) the episode then
#     comes out as pieces, as before the stage existed.
# And: synth refuses --status-epilepticus for the kindling model, which has
# no spontaneous seizures.
# Needs: $ICTUS (the binary under test).
set -u
. "$(dirname "$0")/shcheck.sh"

# STUDY MODEL SEED: make, write a baseline period per animal, run
make_study() {
    "$ICTUS" synth --model "$2" -n 2 -d 1 --hours 2 --fs 250 -s "$3" -j 2 --status-epilepticus 1 \
        -o "$1" >/dev/null
    ok "$2: synth --status-epilepticus 1"
    {
        echo "animal,period,drug,dose_mg_kg,route,start,end,tolerated,plasma_level"
        for a in $(tail -n +2 "$1/animals.csv" | cut -d, -f1); do
            echo "$a,baseline,,,,2026-01-05T08:00:00,2026-01-05T10:00:00,,"
        done
    } >"$1/dosing.csv"
    "$ICTUS" run "$1" --settle 0 -j 2 >/dev/null 2>"$W/run.err"
    ok "$2: ictus run ($(head -3 "$W/run.err"))"
}

# PERIODS ANIMAL TYPE COLUMN: the value of COLUMN (by header name) on the row
period_value() {
    awk -F, -v a="$2" -v t="$3" -v c="$4" 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
        $1 == a && $col["type"] == t { print $col[c] }' "$1"
}

check_study() { # STUDY MODEL MIN_S
    local S=$1 m=$2 min_s=$3 T=$1/truth.csv E=$1/out/events.csv
    eq "$m: planned episodes" "$(grep -c ',status_epilepticus,' "$T")" 2
    eq "$m: every planned episode longer than $min_s s" \
        "$(awk -F, -v m="$min_s" '$5 == "status_epilepticus" && $4 - $3 > m' "$T" | wc -l)" 2
    # events.csv: recording,animal,channel,start_s,end_s,duration_s,start_time,type,...
    while IFS=, read -r _ animal s e _; do
        found=$(awk -F, -v a="$animal" -v s="$s" -v e="$e" '
            NR > 1 && $2 == a && $4 < e && $5 > s {
                n_all++
                if ($8 == "status_epilepticus") {
                    n++; lo = $4 > s ? $4 : s; hi = $5 < e ? $5 : e
                    cover = (hi - lo) / (e - s); before = s - $4; after = $5 - e
                }
            }
            END { printf "%d %d %d %d", n, n_all, (cover >= 0.9), (before <= 120 && after <= 120) }' "$E")
        eq "$m $animal: one SE event over the planned $s-$e s, nothing else in it, >= 90 %" \
            "$found" "1 1 1 1"
    done < <(grep ',status_epilepticus,' "$T")
    eq "$m: SE events detected" "$(grep -c ',status_epilepticus,' "$E")" 2

    P=$S/out/periods.csv
    for a in $(tail -n +2 "$S/animals.csv" | cut -d, -f1); do
        dur=$(awk -F, -v a="$a" '$2 == a && $8 == "status_epilepticus" { print $6 }' "$E")
        n=$(awk -F, -v a="$a" 'NR > 1 && $2 == a' "$E" | wc -l)
        eq "$m $a: periods.csv status_epilepticus count" \
            "$(period_value "$P" "$a" status_epilepticus count)" 1
        eq "$m $a: periods.csv status_epilepticus seizure_s" \
            "$(period_value "$P" "$a" status_epilepticus seizure_s | awk -v d="$dur" \
                '{ print ($1 - d < 0.01 && d - $1 < 0.01) ? "the event" : $1 }')" "the event"
        eq "$m $a: periods.csv all counts the episode once" \
            "$(period_value "$P" "$a" all count)" "$n"
    done

    "$ICTUS" analyze "$S" --events "$T" >/dev/null 2>&1
    ok "$m: analyze --events truth.csv"
    for a in $(tail -n +2 "$S/animals.csv" | cut -d, -f1); do
        n=$(awk -F, -v a="$a" '$2 == a' "$T" | wc -l)
        len=$(awk -F, -v a="$a" '$2 == a && $5 == "status_epilepticus" { printf "%.3f", $4 - $3 }' "$T")
        eq "$m $a: truth: all counts the episode once" "$(period_value "$P" "$a" all count)" "$n"
        eq "$m $a: truth: status_epilepticus count" \
            "$(period_value "$P" "$a" status_epilepticus count)" 1
        eq "$m $a: truth: status_epilepticus seizure_s" \
            "$(period_value "$P" "$a" status_epilepticus seizure_s | awk '{ printf "%.3f", $1 }')" \
            "$len"
    done
}

make_study "$W/ihka" ihka-mouse 9041
check_study "$W/ihka" ihka-mouse 600
make_study "$W/rat" convulsive-rat 9042
check_study "$W/rat" convulsive-rat 300
make_study "$W/dravet" dravet-mouse 9043
check_study "$W/dravet" dravet-mouse 300

# The stage off: no SE, and the IHKA episode in pieces (or gone), as before.
"$ICTUS" detect --preset ihka-mouse --set status_epilepticus.focal_min_s=0 \
    --set status_epilepticus.convulsive_min_s=0 -j 2 "$W"/ihka/recordings/*.edf -o "$W/off.csv"
ok "detect with the stage off"
eq "stage off: no SE event" "$(grep -c ',status_epilepticus,' "$W/off.csv")" 0
pieces=0
while IFS=, read -r _ animal s e _; do
    k=$(awk -F, -v a="$animal" -v s="$s" -v e="$e" 'NR > 1 && $2 == a && $4 < e && $5 > s &&
        $5 - $4 < 0.9 * (e - s)' "$W/off.csv" | wc -l)
    pieces=$((pieces + k))
done < <(grep ',status_epilepticus,' "$W/ihka/truth.csv")
[ "$pieces" -ge 2 ]
ok "stage off: the IHKA episodes come out as pieces ($pieces)"

"$ICTUS" synth --model 6hz-kindling-mouse -n 1 -d 1 --hours 3 --status-epilepticus 1 \
    -o "$W/k" >/dev/null 2>"$W/k.err"
eq "kindling: usage error" "$?" 2
grep -q "spontaneous seizures" "$W/k.err"
ok "kindling: the message says why ($(cat "$W/k.err" | head -1))"

check_done test_se_synth.sh
