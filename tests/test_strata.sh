#!/usr/bin/env bash
# test_strata.sh: issue 13's strata end to end (protocols/strata.h): a drug
# that works in one sex only, planned by `ictus synth --responder-sex F`
# (sexes alternate F, M; responses.csv role sex_responder / sex_unaffected,
# synth/drug_plan.h), detected by `ictus run` with study.ini [analysis]
# by = sex (the nightly path), then `ictus analyze --by` and `ictus compare
# --by`.
#
# Study: 8 IHKA mice (0.5 h EDF+ files, 250 Hz, 2 channels), seed 9075
# (STRATA_SEED overrides it: the test holds on other seeds),
# baseline 1 h, asm-a 1 h, asm-b 1 h, no washout, rates lifted to 200 per
# 24 h.  Proves:
#   - the plan: every F animal is sex_responder, every M one sex_unaffected;
#   - for each drug (type all): the pooled responder rate is 4/8, within
#     sex=F 4/4, within sex=M 0/4 (the planned classes, from detected events);
#     the pooled rate ratio lies between the strata's and is diluted: above
#     F's, which is below 0.5 with p < 0.05, while M's is above 0.5; the
#     interaction row (mann_whitney versus stratum, sex=F vs sex=M) has the
#     F-minus-M median difference below -30 points and p = 2/70 (complete
#     separation of 4 against 4, exact);
#   - every row of comparisons.csv with stratum "all", the stratum column
#     removed, is byte for byte the unstratified analysis (--set
#     analysis.by=), and so are periods.csv and responders.csv without their
#     last column; analysis-settings.txt differs only by its strata.by line
#     (same settings_hash); `ictus run` wrote what `ictus analyze` writes;
#   - periods.csv and responders.csv's stratum is "sex=" + animals.csv's sex;
#   - --by sex,group crosses the keys ("sex=F;group=synthetic"); --by
#     age_group with age_groups_days labels each animal by its age at the
#     period start (computed here from birth_date); bad keys, a repeated key,
#     age_group without edges and descending edges are refused (exit 2, the
#     setting named);
#   - `ictus compare --by sex` of the study and a copy of it: a stratum
#     column, the pooled rows byte for byte the unstratified compare's, and
#     sex=F / sex=M rows with 8/8 and 0/8 responders per drug, each with its
#     interaction against the other sex (exact p = 2/12870, the F-minus-M
#     median below -30 points); cohorts
#     stratified by different keys are refused (exit 2, naming both);
#   - synth refuses --responder-sex without --protocol and with a value
#     other than F or M (exit 2).
# Needs: $ICTUS (the binary under test), awk, cmp, date.
set -u
. "$(dirname "$0")/shcheck.sh"

S=$W/study
"$ICTUS" synth --model ihka-mouse --animals 8 --protocol asm --hours 0.5 --min-rate 200 \
    --baseline 1h --drug 1h --washout 0 --responder-sex F --fs 250 --channels 2 -j 2 -s "${STRATA_SEED:-9075}" \
    -o "$S" >"$W/synth.out" 2>&1
ok "synth makes the sex-specific drug study"
printf '\n[analysis]\nby = sex\n' >>"$S/study.ini"

# The plan: roles by sex.
roles=$(awk -F, 'NR == FNR { if (FNR > 1) sex[$1] = $3; next }
                 FNR > 1 { print sex[$1] "|" $8 }' "$S/animals.csv" "$S/responses.csv" | sort -u |
        tr '\n' ' ')
eq "roles by sex" "$roles" "F|sex_responder M|sex_unaffected "

"$ICTUS" run "$S" --settle 0 -j 2 >"$W/run.out" 2>&1
ok "ictus run with [analysis] by = sex"
O=$S/out
"$ICTUS" analyze "$S" -o "$W/by" >"$W/a.out" 2>&1
ok "analyze (by = sex from study.ini)"
for f in periods.csv responders.csv comparisons.csv analysis-settings.txt; do
    cmp -s "$O/$f" "$W/by/$f"
    ok "ictus run wrote $f as analyze does"
done
"$ICTUS" analyze "$S" --set analysis.by= -o "$W/plain" >"$W/a.out" 2>&1
ok "analyze without strata (--set analysis.by=)"

# The value of column NAME in the comparisons.csv rows matching type all,
# drug, test, versus and stratum.
field() { # FILE DRUG TEST VERSUS STRATUM NAME
    awk -F, -v drug="$2" -v test="$3" -v vs="$4" -v st="$5" -v name="$6" '
        NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
        $h["type"] == "all" && $h["drug"] == drug && $h["test"] == test &&
        $h["versus"] == vs && $h["stratum"] == st { print $h[name] }' "$1"
}
C=$O/comparisons.csv
lt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "" && b != "" && a + 0 < b + 0) }'; }
for drug in asm-a asm-b; do
    for s in all sex=F sex=M; do
        got="$(field "$C" $drug responder_rate "" $s k)/$(field "$C" $drug responder_rate "" $s n)"
        case $s in all) want=4/8 ;; sex=F) want=4/4 ;; sex=M) want=0/4 ;; esac
        eq "$drug: responders within $s" "$got" "$want"
    done
    rr_all=$(field "$C" $drug rate_ratio baseline all estimate)
    rr_f=$(field "$C" $drug rate_ratio baseline sex=F estimate)
    rr_m=$(field "$C" $drug rate_ratio baseline sex=M estimate)
    p_f=$(field "$C" $drug rate_ratio baseline sex=F p)
    lt "$rr_f" 0.5
    ok "$drug: rate ratio within sex=F $rr_f < 0.5"
    lt "$p_f" 0.05
    ok "$drug: rate ratio within sex=F significant (p $p_f)"
    lt 0.5 "$rr_m"
    ok "$drug: rate ratio within sex=M $rr_m > 0.5"
    lt "$rr_f" "$rr_all" && lt "$rr_all" "$rr_m"
    ok "$drug: pooled rate ratio $rr_all diluted between F $rr_f and M $rr_m"
    row=$(awk -F, -v drug=$drug '$1 == "all" && $3 == drug && $6 == "mann_whitney" &&
                                 $7 == "stratum" { print $8 "|" $9 "|" $10 "|" $12 "|" $NF }' "$C")
    eq "$drug: interaction row" "$row" "sex=F|sex=M|4|4|sex"
    est=$(field "$C" $drug mann_whitney stratum sex estimate)
    p=$(field "$C" $drug mann_whitney stratum sex p)
    lt "$est" -30
    ok "$drug: interaction estimate $est < -30 points"
    awk -v p="$p" 'BEGIN { exit !(p != "" && (p - 2 / 70) ^ 2 < 1e-14) }'
    ok "$drug: interaction p $p = 2/70 (exact, complete separation)"
done

# Pooled rows and unstratified files byte for byte.
awk -F, 'NR == 1 || $NF == "all"' "$C" | sed 's/,[^,]*$//' >"$W/pooled"
cmp -s "$W/pooled" "$W/plain/comparisons.csv"
ok "comparisons.csv: the stratum-all rows are the unstratified file"
eq "comparisons.csv: last header column" "$(head -1 "$C" | awk -F, '{ print $NF }')" stratum
for f in periods.csv responders.csv; do
    sed 's/,[^,]*$//' "$O/$f" | cmp -s - "$W/plain/$f"
    ok "$f: without its last column, the unstratified file"
    bad=$(awk -F, 'NR == FNR { if (FNR > 1) sex[$1] = $3; next }
                   FNR == 1 { if ($NF != "stratum") print "header " $NF; next }
                   $NF != "sex=" sex[$1] { print $1 " " $NF }' "$S/animals.csv" "$O/$f" | head -3)
    eq "$f: stratum is the animal's sex" "$bad" ""
done
diff "$W/plain/analysis-settings.txt" "$O/analysis-settings.txt" >"$W/settings.diff"
eq "analysis-settings.txt: only strata.by added" "$(grep '^[<>]' "$W/settings.diff")" \
    "> strata.by=sex"

# Crossed keys; age groups.
"$ICTUS" analyze "$S" --by sex,group -o "$W/sg" >"$W/sg.out" 2>&1
ok "analyze --by sex,group"
grep -q '^strata by sex,group: 2 (sex=F;group=synthetic, sex=M;group=synthetic); ' "$W/sg.out"
ok "analyze names the strata"
eq "crossed labels" "$(awk -F, 'NR > 1 { print $NF }' "$W/sg/responders.csv" | sort -u |
    tr '\n' ' ')" "sex=F;group=synthetic sex=M;group=synthetic "
"$ICTUS" analyze "$S" --by age_group --set analysis.age_groups_days=0,60,90.36,200 -o "$W/age" \
    >/dev/null 2>&1
ok "analyze --by age_group"
bad=$(awk -F, 'NR == FNR { if (FNR > 1) birth[$1] = $5; next }
               FNR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
               {
                   cmd = "date -u -d " birth[$1] " +%s"; cmd | getline b; close(cmd)
                   t = $h["start"]; sub(/\..*/, "", t)
                   cmd = "date -u -d " t " +%s"; cmd | getline s; close(cmd)
                   d = (s - b) / 86400
                   want = d < 60 ? "0-60" : d < 90.36 ? "60-90.36" : d < 200 ? "90.36-200" : "200+"
                   if ($NF != "age_group=" want) print $1 " " t " " $NF " want " want
               }' "$S/animals.csv" "$W/age/periods.csv" | head -3)
eq "periods.csv: age group at each period start" "$bad" ""
for bad_set in "--by sex,colour" "--by sex,sex" "--by age_group" \
    "--by age_group --set analysis.age_groups_days=0,30,20"; do
    # shellcheck disable=SC2086
    "$ICTUS" analyze "$S" $bad_set -o "$W/bad" >"$W/out" 2>&1
    eq "refused: $bad_set" "$?" 2
    grep -q "\[analysis\]" "$W/out"
    ok "refusal names the setting: $bad_set"
done

# compare --by sex: the study against a copy of itself.
cp -a "$S" "$W/copy"
"$ICTUS" compare "$S" "$W/copy" --by sex -o "$W/cmp" >"$W/cmp.out" 2>&1
ok "compare --by sex"
"$ICTUS" compare "$S" "$W/copy" --set analysis.by= -o "$W/cmp0" >"$W/cmp0.out" 2>&1
ok "compare without strata"
awk -F, 'NR == 1 || $(NF - 4) == "all"' "$W/cmp/comparison.csv" |
    awk -F, -v OFS=, '{ NF -= 5; print }' | cmp -s - "$W/cmp0/comparison.csv"
ok "comparison.csv: the stratum-all rows are the unstratified file"
got=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
               $1 == "all" { print $h["drug"] " " $h["stratum"] " " $h["responders"] "/" \
                   $h["n_determined"] }' "$W/cmp/comparison.csv" | tr '\n' ',')
eq "compare: responders per drug and stratum" "$got" \
    "asm-a all 8/16,asm-b all 8/16,asm-a sex=F 8/8,asm-b sex=F 8/8,asm-a sex=M 0/8,asm-b sex=M 0/8,"
got=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
               $1 == "all" && $h["stratum"] != "all" {
                   p = $h["interaction_p"]
                   print $h["drug"] " " $h["stratum"] " " $h["interaction_n_rest"] " " \
                       (p != "" && (p - 2 / 12870) ^ 2 < 1e-16 ? "p=2/12870" : "p=" p) " " \
                       ($h["interaction_estimate"] * ($h["stratum"] == "sex=F" ? 1 : -1) < -30)
               }' "$W/cmp/comparison.csv" | tr '\n' ',')
eq "compare: the interaction of each stratum with the other (8 against 8, separated)" "$got" \
    "asm-a sex=F 8 p=2/12870 1,asm-b sex=F 8 p=2/12870 1,asm-a sex=M 8 p=2/12870 1,asm-b sex=M 8 p=2/12870 1,"

cp -a "$W/copy" "$W/by-group"
printf 'by = group\n' >>"$W/by-group/study.ini"
"$ICTUS" compare "$S" "$W/by-group" -o "$W/cmp2" >"$W/out" 2>&1
eq "compare: cohorts stratified differently refused" "$?" 2
grep -q "by = group.*by = sex\|by = sex.*by = group" "$W/out"
ok "the refusal names both keys"

"$ICTUS" synth --model ihka-mouse --responder-sex F -o "$W/x" >"$W/out" 2>&1
eq "synth --responder-sex without --protocol" "$?" 2
"$ICTUS" synth --model ihka-mouse --protocol asm --responder-sex X -o "$W/x" >"$W/out" 2>&1
eq "synth --responder-sex X" "$?" 2

check_done test_strata.sh
