#!/usr/bin/env bash
# test_kindling_synth.sh: 6 Hz kindling drug sessions end to end: `ictus synth
# --kindling-doses` makes two cohorts (seeds 9011 and 9012, never tuned on)
# with a planned ED50 and TD50 (dose_plan.csv); `ictus run` detects the
# afterdischarges and analyses: out/kindling.csv has an afterdischarge at
# every unprotected drug session and (but for at most 2 stimulus-artefact
# tails taken for one) none at a protected one, every animal
# fully kindled before its drug sessions; out/dose_response.csv's dose rows
# are the plan's and its ED50 and TD50 (probit and logit) hold the planned
# values within their Fieller and profile intervals; `ictus compare` of the
# two cohorts gives kindling_comparison.csv with both cohorts and the pooled
# fit, the planned ED50 within the pooled intervals.
. "$(dirname "$0")/shcheck.sh"
ED50=15
TD50=40
# the field NAME of the CSV on stdin, in the rows where COLUMN=VALUE ...
field() { # NAME [COLUMN VALUE]...
    python3 -c '
import csv, sys
want = sys.argv[1]; conds = list(zip(sys.argv[2::2], sys.argv[3::2]))
for row in csv.DictReader(sys.stdin):
    if all(row[c] == v for c, v in conds):
        print(row[want])' "$@"
}
# whether LO <= X <= HI (an empty HI: unbounded)
within() { python3 -c 'import sys; x, lo, hi = sys.argv[1:]; sys.exit(not (float(lo) <= float(x) and (hi == "" or float(x) <= float(hi))))' "$@"; }

for seed in 9011 9012; do
    S=$W/k$seed
    "$ICTUS" synth --model 6hz-kindling-mouse --animals 8 --days 2 --hours 17 \
        --start 2026-01-05T09:00:00 --fs 100 --channels 1 --seed $seed \
        --kindling-doses 5,15,45 --ed50 $ED50 --td50 $TD50 -o "$S" >/dev/null 2>&1
    ok "seed $seed: synth makes a kindling study with drug sessions"
    [ -f "$S/dose_plan.csv" ] && [ -f "$S/dosing.csv" ]
    ok "seed $seed: dosing.csv and dose_plan.csv"
    "$ICTUS" run "$S" --settle 0 >"$W/out" 2>&1
    eq "seed $seed: ictus run exits 0" "$?" 0
    K=$S/out/kindling.csv
    eq "seed $seed: every drug session of a kindled animal is scored" \
        "$(field excluded_why phase drug <"$K" | grep -c .)" 0
    eq "seed $seed: an afterdischarge at every unprotected drug session" \
        "$(field afterdischarge phase drug protected no <"$K" | sort -u)" yes
    # a protected session has no seizure (Racine 0), but the detector may take
    # the stimulus artefact's tail for a short afterdischarge: at most 2
    n_false=$(field afterdischarge phase drug protected yes <"$K" | grep -c yes)
    [ "$n_false" -le 2 ]
    ok "seed $seed: at most 2 protected sessions with a detected afterdischarge ($n_false)"
    D=$S/out/dose_response.csv
    for dose in 5 15 45; do
        eq "seed $seed: protected at $dose mg/kg as planned" \
            "$(field r outcome protection row dose dose_mg_kg $dose <"$D")" \
            "$(field planned_r outcome protection dose_mg_kg $dose <"$S/dose_plan.csv")"
        eq "seed $seed: toxic at $dose mg/kg as planned" \
            "$(field r outcome toxicity row dose dose_mg_kg $dose <"$D")" \
            "$(field planned_r outcome toxicity dose_mg_kg $dose <"$S/dose_plan.csv")"
    done
    for link in probit logit; do
        for o in protection:$ED50 toxicity:$TD50; do
            out=${o%%:*} planned=${o##*:}
            est=$(field estimate outcome "$out" link $link <"$D")
            within "$planned" "$(field fieller_lo outcome "$out" link $link <"$D")" \
                "$(field fieller_hi outcome "$out" link $link <"$D")"
            ok "seed $seed: $out $link: planned $planned within the Fieller interval (estimate $est)"
            within "$planned" "$(field profile_lo outcome "$out" link $link <"$D")" \
                "$(field profile_hi outcome "$out" link $link <"$D")"
            ok "seed $seed: $out $link: planned $planned within the profile interval"
        done
        [ -n "$(field estimate outcome pi link $link <"$D")" ]
        ok "seed $seed: a PI ($link)"
    done
done

"$ICTUS" compare "$W/k9011" "$W/k9012" -o "$W/cmp" >"$W/out" 2>&1
eq "ictus compare of the two cohorts: exit 0" "$?" 0
C=$W/cmp/kindling_comparison.csv
eq "kindling_comparison.csv: two cohorts and the pooled fit, two links" \
    "$(field cohort drug asm-k <"$C" | sort | uniq -c | awk '{print $1}' | tr '\n' ' ')" "2 2 2 "
p=$(field ed50 cohort pooled link probit <"$C")
within $ED50 "$(field ed50_fieller_lo cohort pooled link probit <"$C")" \
    "$(field ed50_fieller_hi cohort pooled link probit <"$C")"
ok "pooled probit ED50 $p: the planned $ED50 within its Fieller interval"
grep -q "ED50 mg/kg" "$W/out"
ok "ictus compare prints the ED50/TD50/PI table"
grep -q 'id="table-kindling"' "$W/cmp/report/index.html"
ok "the cross-cohort report has the ED50/TD50/PI table"
grep -q 'id="fig-dose-response"' "$W/k9011/out/report/index.html"
ok "each cohort's report has the dose-response figure"
check_done test_kindling_synth.sh
