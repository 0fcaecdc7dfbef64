#!/usr/bin/env bash
# test_sudep.sh: deaths end to end: `ictus synth --deaths` plans SUDEP (minutes
# after a GTCS) and deaths of other causes (synth/deaths.h), `ictus run`
# detects and analyses (protocols/survival_outcomes.h):
#   - the recording of a dead animal stops at its death (recordings.csv
#     lists no later file; the death file's records end at the death);
#   - on seeds the rule was not tuned on (9017, 9018; tuned on 9016), every
#     planned SUDEP is flagged probable_sudep = 1 and every other death 0,
#     each with its planned death time, and no live animal has a death;
#   - survival.csv's died and time_d agree with animals.csv's birth and death.
# Needs: $ICTUS (the binary under test).
set -u
. "$(dirname "$0")/shcheck.sh"

for seed in 9017 9018; do
    S=$W/s$seed
    "$ICTUS" synth -m dravet-mouse -n 6 -d 3 --hours 4 --fs 200 --rate gtcs=6 -s $seed -j 2 \
        --deaths -o "$S" >/dev/null
    ok "seed $seed: synth --deaths makes the study"
    n_sudep=$(awk -F, 'NR > 1 && $3 == "sudep"' "$S/deaths.csv" | wc -l)
    n_other=$(awk -F, 'NR > 1 && $3 == "other"' "$S/deaths.csv" | wc -l)
    [ "$n_sudep" -ge 1 ]
    ok "seed $seed: $n_sudep planned SUDEP, $n_other other deaths"
    # No recording starts after its animal's death.
    eq "seed $seed: no recording after a death" "$(awk -F, 'NR == FNR { if (FNR > 1) d[$1] = $2; next }
        FNR > 1 && ($2 in d) && $4 >= d[$2] { print $1 }' "$S/deaths.csv" "$S/recordings.csv")" ""
    # The death file (the animal's last) ends at the death: its start plus its
    # records of 1 s (EDF header bytes 236-243).
    while IFS=, read -r animal death _; do
        [ "$animal" = animal ] && continue
        last=$(awk -F, -v a="$animal" '$2 == a { f = $1; t = $4 } END { print f, t }' \
            "$S/recordings.csv")
        n=$(dd if="$S/recordings/${last%% *}" bs=1 skip=236 count=8 2>/dev/null | tr -d ' ')
        end=$(date -d "${last#* } UTC + $n seconds" -u +%Y-%m-%dT%H:%M:%S)
        eq "seed $seed: $animal's recording ends at its death" "$end" "$death"
    done <"$S/deaths.csv"
    "$ICTUS" run "$S" -j 2 --settle 0 >/dev/null 2>&1
    ok "seed $seed: ictus run"
    [ -s "$S/out/survival.csv" ]
    ok "seed $seed: survival.csv written"
    # animal planned_cause death  vs  animal probable_sudep end died
    got=$(awk -F, 'NR == FNR { if (FNR > 1) { c[$1] = $3; d[$1] = $2 } ; next }
        FNR > 1 { want = ($1 in c) ? (c[$1] == "sudep" ? 1 : 0) : ""
                  died = ($1 in c) ? 1 : 0
                  end = substr($5, 1, 19)
                  if ($9 != want || $7 != died || (died && end != d[$1]))
                      print $1, "planned", ($1 in c) ? c[$1] : "alive", "got", $9, $14, $7, end }' \
        "$S/deaths.csv" "$S/out/survival.csv")
    eq "seed $seed: every SUDEP flagged, no other death flagged, death times as planned" "$got" ""
done
check_done test_sudep.sh
