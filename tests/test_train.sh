#!/usr/bin/env bash
# test_train.sh: the learned second stage end to end on a small synthetic
# IHKA study (3 mice x 2 h at 250 Hz, wide hard negatives):
#   - `ictus train` cross-validates by animal (the model beside the rules,
#     both tolerances, the calibration error) and writes a model file that
#     names the program's features and the preset's classes; the same data
#     and seed give the same bytes;
#   - a preset with [classifier] model uses it: --explain shows the model's
#     probabilities, deciding features and feature values; the model's hash
#     joins the parameter hash; the rules alone are unchanged without one;
#   - reviews stored in ictus.db are labels too (--from reviews);
#   - --evaluate scores a model on a study; broken model files, a model
#     whose features or classes do not fit, and a study without labels are
#     refused with a message naming the file; an unreadable recording is a
#     problem (exit 1) while the rest is trained on.
# Needs: $ICTUS.
set -u
. "$(dirname "$0")/shcheck.sh"

S=$W/study
"$ICTUS" synth --model ihka-mouse -n 3 -d 1 --hours 2 --fs 250 -s 5151 -j 2 --negatives wide \
    -o "$S" >/dev/null
ok "synth makes the study"

"$ICTUS" train "$S" --rounds 20 -o "$W/m.json" >"$W/train.out" 2>"$W/train.err"
ok "ictus train exits 0"
grep -q "^cross-validation by animal:" "$W/train.out"
ok "train cross-validates by animal"
grep -Eq "^  hpd +[0-9]+ +[0-9]+ +[0-9]+ +[0-9.]+ +[0-9.]+ +[0-9]+" "$W/train.out"
ok "the hpd row has the model's and the rules' figures"
grep -q "^SzCORE defaults:" "$W/train.out"
ok "the SzCORE table is there too"
grep -Eq "^calibration: expected calibration error 0\.[0-9]{3} over [1-9][0-9]* candidates" \
    "$W/train.out"
ok "the calibration error over the candidates"
eq "one progress line per recording" "$(grep -c '^train: .*candidates' "$W/train.err")" 3
python3 - "$W/m.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
assert m["format"] == "ictus-model", m["format"]
assert m["classes"] == ["none", "convulsive", "hpd"], m["classes"]
assert m["features"][0] == "duration_s" and len(m["features"]) > 40
assert m["meta"]["preset"] == "ihka-mouse@4" and "cross_validation" in m["meta"], m["meta"]
PY
ok "the model file names its features, classes and provenance"
"$ICTUS" train "$S" --rounds 20 -o "$W/m2.json" >/dev/null 2>&1 && cmp -s "$W/m.json" "$W/m2.json"
ok "the same data and seed give the same model bytes"

# --- the model in the detector
rec=$(ls "$S"/recordings/*.edf | head -1)
"$ICTUS" detect -p ihka-mouse "$rec" -o "$W/rules.csv" && \
    "$ICTUS" detect -p ihka-mouse --set detector.edge_margin_s=2 "$rec" -o "$W/rules2.csv"
ok "detect with the rules alone"
cmp -s "$W/rules.csv" "$W/rules2.csv"
ok "the rules alone are reproducible"
"$ICTUS" detect -p ihka-mouse --set classifier.model="$W/m.json" "$rec" -o "$W/learned.csv" \
    --explain "$W/explain.txt"
ok "detect with the model"
grep -q "^  model: none [0-9.]* convulsive [0-9.]* hpd [0-9.]* -> " "$W/explain.txt"
ok "--explain prints the model's probabilities"
grep -q "deciding for [a-z]*: [a-z_]*=" "$W/explain.txt"
ok "--explain names the deciding features"
grep -q "^  features: duration_s=" "$W/explain.txt"
ok "--explain prints the feature values"
n_model=$(grep -c "^  model:" "$W/explain.txt")
n_admitted=$(grep "^candidate" "$W/explain.txt" | grep -vc "\[detector\] min_duration_s\|max_artefact_fraction")
eq "a model line for every admitted candidate" "$n_model" "$n_admitted"
awk -F, 'NR > 1 && ($9 < 0.5 || $9 > 1) { bad = 1 } END { exit bad }' "$W/learned.csv"
ok "every event the model keeps scores at least min_score"
h0=$("$ICTUS" train "$S" --evaluate "$W/m.json" 2>/dev/null | sed -n 's/^train: [^ ]* (\([0-9a-f]*\)).*/\1/p')
h1=$("$ICTUS" train "$S" --evaluate "$W/m.json" --set classifier.model="$W/m.json" -p ihka-mouse \
     2>/dev/null | sed -n 's/^train: [^ ]* (\([0-9a-f]*\)).*/\1/p')
[ -n "$h0" ] && [ -n "$h1" ] && [ "$h0" != "$h1" ]
ok "the model's hash joins the parameter hash ($h0 vs $h1)"
"$ICTUS" train "$S" --evaluate "$W/m.json" >"$W/eval.out" 2>/dev/null &&
    grep -q "^model .*m.json ([0-9a-f]\{16\}), on these studies:" "$W/eval.out"
ok "--evaluate scores a model on a study"

# --- refusals
echo '{"format": "something else"}' >"$W/bad.json"
"$ICTUS" detect -p ihka-mouse --set classifier.model="$W/bad.json" "$rec" -o "$W/x.csv" \
    2>"$W/err"
eq "a broken model file: exit 2" "$?" 2
grep -q "bad.json" "$W/err"
ok "the message names the model file: $(head -c 200 "$W/err")"
sed 's/"duration_s"/"length_s"/' "$W/m.json" >"$W/renamed.json"
"$ICTUS" detect -p ihka-mouse --set classifier.model="$W/renamed.json" "$rec" -o "$W/x.csv" \
    2>"$W/err"
eq "a model of other features: exit 2" "$?" 2
grep -q "feature 1 is 'length_s'" "$W/err"
ok "the message says which feature differs: $(head -c 200 "$W/err")"
sed -e 's/^types = convulsive, hpd/types = hpd/' -e 's/^\[type.convulsive\]/[unused]/' \
    -e '/^\[unused\]/,/^$/d' "$(dirname "$0")/../detectors/presets/ihka-mouse.ini" >"$W/hpd-only.ini"
"$ICTUS" detect -p "$W/hpd-only.ini" --set classifier.model="$W/m.json" "$rec" -o "$W/x.csv" \
    2>"$W/err"
eq "a model with a class the preset lacks: exit 2" "$?" 2
grep -q "class 'convulsive' is not in \[detector\] types" "$W/err"
ok "the message names the class"
"$ICTUS" detect -p ihka-mouse --set classifier.model=no-such-model.json "$rec" -o "$W/x.csv" \
    2>"$W/err"
eq "a missing model: exit 2" "$?" 2
grep -q "no-such-model.json: no such file" "$W/err"
ok "the message names the missing model"
cp -r "$S" "$W/broken"
printf '\n[classifier]\nmodel = %s\n' "$W/bad.json" >>"$W/broken/study.ini"
"$ICTUS" run "$W/broken" --settle 0 >"$W/out" 2>"$W/err"
eq "a night with a broken model: stopped (exit 1)" "$?" 1
grep -q "STOPPED" "$W/out" && grep -q "bad.json: not a model file" "$W/err"
ok "once, before any file is read, naming the model: $(tail -1 "$W/err")"
rm -rf "$W/broken"
"$ICTUS" train "$S" --from annotations 2>"$W/err" >/dev/null
eq "no annotations.csv: exit 2" "$?" 2
grep -q "no labels to train on: expected annotations.csv" "$W/err"
ok "the message says which labels are missing"
# --- reviews as labels: the rules alone run nightly, a reviewer confirms the events that are
# seizures (with truth's type) and rejects the others; train learns from those decisions only
printf '\n[classifier]\nmodel =\n' >>"$S/study.ini"
"$ICTUS" run "$S" --settle 0 >/dev/null 2>&1
ok "ictus run with the rules alone"
python3 - "$S" >"$W/decisions.csv" <<'PY'
import csv, sys
s = sys.argv[1]
truth = list(csv.DictReader(open(s + "/truth.csv")))
print("recording,animal,start_s,end_s,type,verdict")
for e in csv.DictReader(open(s + "/out/events.csv")):
    rec = e["recording"].split("/")[-1]
    a, b = float(e["start_s"]), float(e["end_s"])
    hit = [t for t in truth if t["recording"] == rec and float(t["start_s"]) < b and float(t["end_s"]) > a]
    print("%s,%s,%.3f,%.3f,%s,%s" % (e["recording"], e["animal"], a, b,
          hit[0]["type"] if hit else e["type"], "seizure" if hit else "not_seizure"))
PY
"$ICTUS" reviews "$S" import "$W/decisions.csv" --reviewer tester >/dev/null 2>&1
ok "the decisions are imported"
n_dec=$(($(wc -l <"$W/decisions.csv") - 1))
mv "$S/truth.csv" "$W/truth.csv"
"$ICTUS" train "$S" --from reviews --rounds 10 >"$W/rev.out" 2>"$W/rev.err"
ok "train --from reviews: $(tail -2 "$W/rev.err")"
eq "every decision is a label" "$(awk '/review decisions/ { n += $(NF - 2) } END { print n }' \
    "$W/rev.err")" "$n_dec"
grep -q "^labelled candidates: learned TP [0-9]* FP [0-9]* FN [0-9]* F1 [0-9.]*; rules alone" \
    "$W/rev.out"
ok "the candidates' figures"
grep -q "partial labels" "$W/rev.out"
ok "the report says the reviews' labels are partial"
mv "$W/truth.csv" "$S/truth.csv"

rm "$(ls "$S"/recordings/*.edf | tail -1)"
"$ICTUS" train "$S" --rounds 10 >"$W/out" 2>"$W/err"
eq "an unreadable recording: exit 1" "$?" 1
grep -q "^train: .*2 animals, 2 recordings" "$W/out"
ok "the rest is trained on"
check_done test_train
