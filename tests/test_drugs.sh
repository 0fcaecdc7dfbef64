#!/usr/bin/env bash
# test_drugs.sh: issue 5 end to end: `ictus synth --protocol asm` plans drug
# effects whose true response classes it writes down (responses.csv),
# `ictus run` detects the seizures and analyses them as its last step, and
# the analysis recovers every animal's response to each drug.
#
# Two studies of IHKA mice (1-hour EDF+ files, HPC and CTX at 250 Hz; rates
# lifted to at least 80 per 24 h so that periods of hours hold enough
# seizures, and study.ini [analysis] scaled to such periods by synth):
#   demo-like: 8 animals (each role of synth/drug_plan.h once), seed 2026,
#              baseline 2 h, asm-a 4 h, washout 1 h, asm-b 4 h;
#   other:     6 animals, seed 7, baseline 2 h, asm-a 5 h, asm-b 5 h, no
#              washout, 60 Hz mains.
# Proves, on each:
#   - from the truth file (`ictus analyze --events truth.csv`; analysable time
#     from ictus.db): every animal x drug's class, course, drug resistance,
#     seizure count and baseline count are exactly those of responses.csv;
#   - from the events `ictus run` detected: every class, course and drug
#     resistance is that of responses.csv (a false alarm inside a seizure-free
#     block would read strict_responder: that fails too);
#   - `ictus run` wrote out/periods.csv, responders.csv, comparisons.csv and
#     analysis-settings.txt, byte-identical to `ictus analyze` on the same
#     database;
# and on the demo-like study:
#   - the comparison itself fails on any difference (on made-up tables);
#   - a run with nothing new regenerates a deleted out/responders.csv;
#   - a rejected dosing.csv row: the run exits 1 naming FILE:LINE, and still
#     writes events.csv and the analysis of the valid rows; fixed: exit 0;
#   - `ictus analyze --events`: start,end date-time rows (with animal) count
#     like start_s rows; a file without time columns, or naming a recording
#     the study has not stored, is refused (exit 2, the place named);
#   - `ictus synth` refuses --protocol with --days, periods that are not whole
#     files, and the 6 Hz model (no spontaneous seizures) (exit 2).
# Needs: $ICTUS (the binary under test), awk, cmp.
set -u
. "$(dirname "$0")/shcheck.sh"

# Columns NAME... of a CSV file we wrote (no quoted commas), joined by "|",
# sorted; only the rows of seizure type "all" when the file has a type column.
cols() { # FILE NAME...
    local file=$1
    shift
    awk -F, -v names="$*" '
        NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; n = split(names, c, " "); next }
        !("type" in h) || $(h["type"]) == "all" {
            s = ""
            for (j = 1; j <= n; j++) s = s (j > 1 ? "|" : "") $(h[c[j]])
            print s
        }' "$file" | sort
}
# responders.csv's drug_resistance as responses.csv's drug_resistant (last field).
as_yes_no() { sed -e 's/|not_resistant$/|no/' -e 's/|resistant$/|yes/'; }

# The analysis of study $1's detected events against its truth; prints one
# line per difference (FAIL), then "compared N, failed F".
compare_detected() { # STUDY
    cols "$1/responses.csv" animal drug class course drug_resistant >"$W/t"
    cols "$1/out/responders.csv" animal drug class course drug_resistance | as_yes_no >"$W/d"
    awk -F'|' '
        NR == FNR { t[$1 "|" $2] = $0; next }
        {
            k = $1 "|" $2
            n++
            if (!(k in t)) { bad++; print "FAIL: " k ": not in responses.csv"; next }
            split(t[k], x, "|")
            if ($3 != x[3]) { bad++; print "FAIL: " k ": class " $3 ", truth " x[3] }
            if ($4 != x[4]) { bad++; print "FAIL: " k ": course \"" $4 "\", truth \"" x[4] "\"" }
            if ($5 != x[5]) { bad++; print "FAIL: " k ": drug resistant " $5 ", truth " x[5] }
        }
        END { printf "compared %d, failed %d\n", n, bad }' "$W/t" "$W/d"
}

# One study, generated, run and analysed both ways.
check_study() { # NAME N_ANIMALS SYNTH_OPTIONS...
    local name=$1 n=$2
    shift 2
    local S=$W/$name
    "$ICTUS" synth --model ihka-mouse --animals "$n" --protocol asm --hours 1 --min-rate 80 \
        --fs 250 --channels 2 -j 2 -o "$S" "$@" >"$W/synth.out" 2>&1
    ok "$name: synth makes the drug study"
    [ -f "$S/dosing.csv" ] && [ -f "$S/responses.csv" ] && grep -q '^\[drugs\]' "$S/study.ini"
    ok "$name: dosing.csv, responses.csv and study.ini [drugs] written"
    eq "$name: responses.csv has every animal x drug" "$(($(wc -l <"$S/responses.csv") - 1))" \
        $((2 * n))

    "$ICTUS" run "$S" --settle 0 -j 2 >"$W/run.out" 2>&1
    eq "$name: the run exits 0" "$?" 0
    for f in events.csv periods.csv responders.csv comparisons.csv analysis-settings.txt; do
        [ -s "$S/out/$f" ]
        ok "$name: the run wrote out/$f"
    done
    "$ICTUS" analyze "$S" -o "$W/$name-analyze" >/dev/null 2>&1
    eq "$name: ictus analyze exits 0" "$?" 0
    for f in periods.csv responders.csv comparisons.csv analysis-settings.txt; do
        cmp -s "$S/out/$f" "$W/$name-analyze/$f"
        ok "$name: the run's out/$f is what ictus analyze writes"
    done

    # from the truth file: exactly
    "$ICTUS" analyze "$S" --events "$S/truth.csv" -o "$W/$name-truth" >"$W/an.out" 2>&1
    eq "$name: ictus analyze --events truth.csv exits 0" "$?" 0
    grep -q "events_file=$S/truth.csv" "$W/$name-truth/analysis-settings.txt"
    ok "$name: analysis-settings.txt names the events file"
    cols "$S/responses.csv" animal drug class course count baseline_count drug_resistant \
        >"$W/truth_rows"
    cols "$W/$name-truth/responders.csv" animal drug class course count baseline_count \
        drug_resistance | as_yes_no >"$W/from_truth"
    cmp -s "$W/truth_rows" "$W/from_truth"
    ok "$name: from the truth file, every class, course, resistance and count is exact" \
        "$(diff "$W/truth_rows" "$W/from_truth" | head -5)"
    [ "$(wc -l <"$W/from_truth")" -eq $((2 * n)) ]
    ok "$name: from the truth file, $((2 * n)) rows compared"

    # from the detected events
    compare_detected "$S" >"$W/cmp.out"
    grep -E '^FAIL' "$W/cmp.out"
    summary=$(tail -n 1 "$W/cmp.out")
    echo "$name: from detected events: $summary"
    eq "$name: from detected events, every row recovered" "$summary" \
        "compared $((2 * n)), failed 0"
}

# ------------------------------------------------------------------ the comparison itself
# Any difference fails, a seizure-free block read as strict_responder too.
F=$W/fake
mkdir -p "$F/out"
printf '%s\n' animal,drug,type,class,course,drug_resistant M01,asm-a,all,seizure_free,remission,no \
    M01,asm-b,all,responder,relapse,no M02,asm-a,all,responder,,no >"$F/responses.csv"
printf '%s\n' animal,drug,type,class,course,drug_resistance \
    M01,asm-a,all,strict_responder,,not_resistant M01,asm-b,all,responder,,not_resistant \
    M01,asm-a,hpd,worsening,,resistant M02,asm-a,all,responder,,not_resistant \
    >"$F/out/responders.csv"
# M01 asm-a: class and course differ; M01 asm-b: the course (relapse) differs
eq "comparison: a seizure-free block read as strict_responder fails (class and courses)" \
    "$(compare_detected "$F" | tail -n 1)" "compared 3, failed 3"
sed -i 's/^M02,asm-a,all,responder,,not_resistant/M02,asm-a,all,non_responder,,resistant/' \
    "$F/out/responders.csv"
eq "comparison: another class and resistance fail" \
    "$(compare_detected "$F" | tail -n 1)" "compared 3, failed 5"

# ------------------------------------------------------------------ the studies
check_study demo 8 --seed 2026 --baseline 2h --drug 4h --washout 1h
check_study other 6 --seed 7 --baseline 2h --drug 5h --washout 0 --mains 60
D=$W/demo

# What the demo-like study must show (issue 5): responders, non-responders,
# seizure freedom, one drug-resistant animal and one relapse.
for c in responder non_responder seizure_free worsening; do
    grep -q ",all,$c," "$D/responses.csv"
    ok "the demo-like study has a true $c"
done
eq "one drug-resistant animal" "$(grep -c ',yes,resistant,' "$D/responses.csv")" 2
eq "one relapse" "$(grep -c ',relapse,no,' "$D/responses.csv")" 1

# ------------------------------------------------------------------ outputs regenerated
rm "$D/out/responders.csv"
"$ICTUS" run "$D" --settle 0 >"$W/out" 2>&1
eq "nothing new: exit 0" "$?" 0
cmp -s "$D/out/responders.csv" "$W/demo-analyze/responders.csv"
ok "nothing new: the deleted out/responders.csv is written again, the same"

# ------------------------------------------------------------------ a manifest problem
cp "$D/dosing.csv" "$W/dosing.good"
echo "M01,treatment,asm-c,10,ip,2026-01-06T08:00:00,2026-01-07T08:00:00,yes," >>"$D/dosing.csv"
bad_line=$(wc -l <"$D/dosing.csv")
rm -f "$D/out/periods.csv"
"$ICTUS" run "$D" --settle 0 >"$W/out" 2>&1
eq "bad dosing.csv row: the run exits 1" "$?" 1
grep -q "dosing.csv:$bad_line:3 (drug)" "$W/out"
ok "bad dosing.csv row: the run names it (dosing.csv:$bad_line:3)"
[ -s "$D/out/periods.csv" ] && [ -s "$D/out/events.csv" ]
ok "bad dosing.csv row: events.csv and the analysis are still written"
cmp -s "$D/out/responders.csv" "$W/demo-analyze/responders.csv"
ok "bad dosing.csv row: the analysis uses the valid rows (responders.csv unchanged)"
cp "$W/dosing.good" "$D/dosing.csv"
"$ICTUS" run "$D" --settle 0 >"$W/out" 2>&1
eq "dosing.csv fixed: the run exits 0" "$?" 0

# ------------------------------------------------------------------ events files
# truth.csv's rows as start,end date-times with the animal (each file's start
# in recordings.csv + start_s, in whole ms): the same analysis
awk -F, '
    function at(t, s,   ms) {
        ms = ((substr(t, 12, 2) * 60 + substr(t, 15, 2)) * 60 + substr(t, 18, 2)) * 1000
        ms += int(s * 1000 + 0.5)
        return sprintf("%sT%02d:%02d:%02d.%03d", substr(t, 1, 10), int(ms / 3600000),
                       int(ms % 3600000 / 60000), int(ms % 60000 / 1000), ms % 1000)
    }
    NR == FNR { if (FNR > 1) start[$1] = $4; next }
    FNR == 1 { print "animal,start,end,type"; next }
    { print $2 "," at(start[$1], $3) "," at(start[$1], $4) "," $5 }' \
    "$D/recordings.csv" "$D/truth.csv" >"$W/wall.csv"
"$ICTUS" analyze "$D" --events "$W/wall.csv" -o "$W/demo-wall" >/dev/null 2>&1
eq "events file with start,end date-times: exit 0" "$?" 0
cols "$W/demo-wall/responders.csv" animal drug class count baseline_count >"$W/wall_rows"
cols "$W/demo-truth/responders.csv" animal drug class count baseline_count >"$W/start_s_rows"
cmp -s "$W/wall_rows" "$W/start_s_rows"
ok "events file with start,end date-times: the same classes and counts as start_s rows"

printf 'recording,begin,finish\nM01_x.edf,1,2\n' >"$W/nocols.csv"
"$ICTUS" analyze "$D" --events "$W/nocols.csv" -o "$W/x" >/dev/null 2>"$W/err"
eq "events file without time columns: exit 2" "$?" 2
grep -q "nocols.csv: missing columns: start_s, end_s" "$W/err"
ok "events file without time columns: the columns are named"
printf '%s\n' recording,animal,start_s,end_s M01_20260105_080000.edf,M01,10,20 \
    not_stored.edf,M01,10,20 >"$W/unknown.csv"
"$ICTUS" analyze "$D" --events "$W/unknown.csv" -o "$W/x" >/dev/null 2>"$W/err"
eq "events file naming a recording not stored: exit 2" "$?" 2
grep -q 'unknown.csv:3:1 (recording): no recording "not_stored.edf"' "$W/err"
ok "events file naming a recording not stored: FILE:LINE:COLUMN named"

# ------------------------------------------------------------------ synth's protocol options
"$ICTUS" synth --model ihka-mouse --protocol asm --days 3 -o "$W/x" >/dev/null 2>&1
eq "synth --protocol with --days: exit 2" "$?" 2
"$ICTUS" synth --model ihka-mouse --protocol asm --hours 24 --baseline 36h -o "$W/x" \
    >/dev/null 2>&1
eq "synth --protocol, a period not a whole number of files: exit 2" "$?" 2
"$ICTUS" synth --model 6hz-kindling-mouse --protocol asm -o "$W/x" >/dev/null 2>&1
eq "synth --protocol with the 6 Hz model: exit 2" "$?" 2
[ ! -e "$W/x" ]
ok "synth refused protocols write nothing"

check_done test_drugs.sh
