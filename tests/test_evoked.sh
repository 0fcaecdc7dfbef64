#!/usr/bin/env bash
# test_evoked.sh: 6 Hz kindling end to end: `ictus run` finds the evoked
# afterdischarges from the recordings' EDF+ stimulation annotations, or from
# STUDY_DIR/stimulations.csv when the annotations are not recognised (and
# the analysis's kindling.csv takes its stimulations from the same place); a new or
# changed list makes the results stale and the next run detects again; a bad
# list stops the run (exit 2) naming the place; `ictus detect --stimulations`
# gives the same events.
. "$(dirname "$0")/shcheck.sh"
S=$W/kindling
"$ICTUS" synth --model 6hz-kindling-mouse --animals 2 --days 1 --hours 9 --fs 250 --seed 61 \
    -o "$S" >/dev/null 2>&1
ok "synth makes a kindling study"
n_truth=$(($(wc -l <"$S/truth.csv") - 1))
[ "$n_truth" -ge 1 ]
ok "the study has evoked seizures ($n_truth)"
mv "$S/stimulations.csv" "$W/stimulations.csv"

events() { echo $(($(wc -l <"$S/out/events.csv") - 1)); }
"$ICTUS" run "$S" --settle 0 >"$W/out" 2>&1
eq "from the annotations: exit 0" "$?" 0
eq "from the annotations: one event per true afterdischarge" "$(events)" "$n_truth"
# kindling.csv from the annotations (protocols/kindling.h): column NAME of a CSV on stdin
col() { awk -F, -v n="$1" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == n) c = i; next } { print $c }'; }
K=$S/out/kindling.csv
eq "from the annotations: kindling.csv has a row per listed stimulation" \
    "$(col start_s <"$K" | sort -n | awk '{ printf "%g ", $1 }')" \
    "$(col start_s <"$W/stimulations.csv" | sort -n | awk '{ printf "%g ", $1 }')"
eq "from the annotations: stim_source says so" "$(col stim_source <"$K" | sort -u)" edf_annotation
eq "from the annotations: an afterdischarge per true one" \
    "$(col afterdischarge <"$K" | grep -c yes)" "$n_truth"

printf '\n[evoked]\nstim_pattern = no-such-text\n' >>"$S/study.ini"
"$ICTUS" run "$S" --settle 0 >"$W/out" 2>&1
eq "annotations not recognised: exit 0" "$?" 0
eq "annotations not recognised: no event" "$(events)" 0
[ ! -e "$K" ] && [ ! -e "$S/out/dose_response.csv" ]
ok "annotations not recognised: no kindling.csv, no dose_response.csv"

cp "$W/stimulations.csv" "$S/stimulations.csv"
"$ICTUS" run "$S" --settle 0 >"$W/out" 2>&1
eq "with stimulations.csv: exit 0" "$?" 0
grep -q "0 unchanged" "$W/out"
ok "with stimulations.csv: the list changed the parameters, every file is detected again"
eq "with stimulations.csv: one event per true afterdischarge" "$(events)" "$n_truth"
eq "with stimulations.csv: kindling.csv from it" "$(col stim_source <"$K" | sort -u)" stimulations_csv
cp "$S/out/events.csv" "$W/events_run.csv"

"$ICTUS" detect --preset 6hz-kindling-mouse --set evoked.stim_pattern=no-such-text \
    --stimulations "$S/stimulations.csv" "$S"/recordings/*.edf -o "$W/events_detect.csv"
eq "ictus detect --stimulations: exit 0" "$?" 0
cut -d, -f3- "$W/events_detect.csv" >"$W/a"
cut -d, -f3- "$W/events_run.csv" >"$W/b"
cmp -s "$W/a" "$W/b"
ok "ictus detect --stimulations finds the run's events"

printf 'recording,start_s\nM01.edf,later\n' >"$S/stimulations.csv"
"$ICTUS" run "$S" --settle 0 >"$W/out" 2>"$W/err"
eq "a bad stimulations.csv: exit 2" "$?" 2
grep -q "stimulations.csv:2:2" "$W/err"
ok "a bad stimulations.csv: the message names the place"
check_done test_evoked.sh
