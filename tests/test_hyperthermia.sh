#!/bin/bash
# test_hyperthermia.sh: hyperthermia-induced seizure thresholds end to end
# (protocols/hyperthermia.h, synth/thermo_plan.h).
#
# A synthetic Dravet study of hyperthermia sessions (seed 9050, 4 animals,
# vehicle and stiripentol crossed over; the generator was tuned on 9045 only)
# goes through `ictus run`; then:
#   - the temperature channel TEMP (degC, 1 Hz) is stored but not analysed:
#     the detector saw only HPC and CTX;
#   - out/hyperthermia.csv has one row per session; every planned threshold
#     of hyperthermia_truth.csv is recovered within 0.25 °C from the
#     detected seizures, and again from the truth events (`analyze --events`);
#     a censored session is censored, at its maximum temperature;
#   - hyperthermia_comparisons.csv compares stiripentol with the vehicle
#     (paired Wilcoxon over the 4 animals);
#   - study.ini [hyperthermia] with an unknown key is refused; with
#     temperature_label naming no channel the files are header-only;
#   - a study without temperature gets neither file, and a stale one is
#     removed;
#   - the report `ictus run` wrote has the hyperthermia figure (report/thermo_figure.h)
#     whose data block holds every session of hyperthermia.csv (threshold, censoring,
#     maximum, seizures) and report.pdf its page; the plain study's report has none
#     (nor the disease-modification table, report/dm_table.h).
. "$(dirname "$0")/shcheck.sh"

S=$W/ht
"$ICTUS" synth --model dravet-mouse --protocol hyperthermia -n 4 --hours 0.5 -s 9050 -j 2 -o "$S" \
    >"$W/synth.out" 2>&1
ok "synth --protocol hyperthermia"
eq "sessions planned" "$(tail -n +2 "$S/hyperthermia_truth.csv" | wc -l)" 8
grep -q ';TEMP=3,' "$S/recordings.csv"
ok "recordings.csv maps the temperature channel"
"$ICTUS" run "$S" --settle 0 -j 2 >"$W/run.out" 2>&1
ok "ictus run"

# The temperature channel: stored with its unit, never analysed.
eq "TEMP analysed" "$(sqlite3 "$S/ictus.db" "SELECT DISTINCT unit || ':' || analysed FROM \
    channels WHERE label = 'TEMP'")" "degC:0"
eq "channels analysed" "$(sqlite3 "$S/ictus.db" "SELECT count(*) FROM channels WHERE analysed")" 16

# Every planned threshold within 0.25 °C (censored: the maximum reached).
recovered() { # WHAT: check out/hyperthermia.csv against hyperthermia_truth.csv
    python3 - "$S/hyperthermia_truth.csv" "$S/out/hyperthermia.csv" >"$W/cmp.out" <<'EOF'
import csv, sys
truth = {r["recording"]: r for r in csv.DictReader(open(sys.argv[1]))}
got = {r["recording"]: r for r in csv.DictReader(open(sys.argv[2]))}
bad = []
assert set(truth) == set(got), (sorted(truth), sorted(got))
for name, t in truth.items():
    g = got[name]
    want = float(t["max_c"] if t["censored"] == "yes" else t["planned_threshold_c"])
    if g["censored"] != t["censored"] or abs(float(g["threshold_c"]) - want) > 0.25:
        bad.append((name, t["censored"], want, g["censored"], g["threshold_c"]))
    drug = "stiripentol" if t["treatment"] == "stiripentol" else ""
    if g["drug"] != drug:
        bad.append((name, "drug", g["drug"]))
print(len(truth), "sessions;", sum(t["censored"] == "yes" for t in truth.values()), "censored;",
      "worst", max(abs(float(got[n]["threshold_c"]) - float(
          t["max_c"] if t["censored"] == "yes" else t["planned_threshold_c"]))
                   for n, t in truth.items()))
for b in bad:
    print("BAD", b)
sys.exit(1 if bad else 0)
EOF
    ok "$1: every threshold within 0.25 C ($(cat "$W/cmp.out"))"
}
recovered "detected"
cat "$W/cmp.out"
python3 - "$S/out/report/index.html" "$S/out/hyperthermia.csv" >"$W/fig.out" 2>&1 <<'EOF'
import csv, json, re, sys
h = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r'<script type="application/json" id="data-hyperthermia">(.*?)</script>', h, re.S)
assert m and 'id="fig-hyperthermia"' in h, "no hyperthermia figure"
drawn = {s["recording"]: s for e in json.loads(m.group(1)) for s in e["sessions"]}
rows = {r["recording"]: r for r in csv.DictReader(open(sys.argv[2]))}
assert set(drawn) == set(rows), (sorted(drawn), sorted(rows))
for name, r in rows.items():
    s = drawn[name]
    assert s["animal"] == r["animal"] and s["censored"] == (r["censored"] == "yes"), name
    assert int(r["n_seizures"]) == s["n_seizures"], name
    for k in ("threshold_c", "max_c"):
        assert abs(s[k] - float(r[k])) <= 1e-6 * abs(float(r[k])), (name, k, s[k], r[k])
print(len(rows), "sessions")
EOF
ok "the report's hyperthermia figure holds hyperthermia.csv's numbers ($(cat "$W/fig.out"))"
pdftotext "$S/out/report/report.pdf" - 2>/dev/null | grep -q "^Hyperthermia seizure thresholds$"
ok "report.pdf has the figure's page, headed by its title"
awk -F, 'NR > 1 && $5 == "wilcoxon" && $6 == "vehicle" {print $2, $9}' \
    "$S/out/hyperthermia_comparisons.csv" >"$W/wil"
eq "stiripentol vs vehicle, paired" "$(cat "$W/wil")" "stiripentol 4"
grep -q '^hyperthermia_sessions=8$' "$S/out/analysis-settings.txt"
ok "analysis-settings.txt counts the sessions"

"$ICTUS" analyze "$S" --events "$S/truth.csv" >"$W/an.out" 2>&1
ok "analyze --events truth.csv"
recovered "truth events"

# A temperature log instead of a channel: M01's first session read by hand
# every minute, 37 °C + 0.2 °C/min (interpolation is exact on a line); M02's
# log stays at 37 °C (no rise: no session).
python3 - "$S/out/hyperthermia.csv" "$S/temperatures.csv" >"$W/expect" <<'EOF'
import csv, sys
rows = {r["recording"]: r for r in csv.DictReader(open(sys.argv[1]))}
first = rows["M01_20260105_080000.edf"]
with open(sys.argv[2], "w") as f:
    f.write("animal,session,time,temperature_c\n")
    for k in range(30):
        f.write("M01,s1,2026-01-05T08:%02d:00,%.1f\n" % (k, 37 + 0.2 * k))
        f.write("M02,s1,2026-01-05T08:%02d:00,37.0\n" % k)
print("%.4f" % (37 + 0.2 * float(first["first_onset_s"]) / 60))
EOF
"$ICTUS" analyze "$S" >"$W/an.out" 2>&1
ok "analyze with temperatures.csv"
# (first_onset_s has 7 digits: 0.1 s is 0.0003 °C here)
awk -F, -v want="$(cat "$W/expect")" '$3 == "temperatures.csv" {
    d = $18 - want; printf "%s %s %s %s\n", $1, $4, (d < 0 ? -d : d) < 0.002, $19}' \
    "$S/out/hyperthermia.csv" >"$W/got"
eq "temperatures.csv: M01's session, threshold $(cat "$W/expect") C" "$(cat "$W/got")" "M01 s1 1 no"
grep -q '^hyperthermia_flat=1$' "$S/out/analysis-settings.txt"
ok "M02's flat log is no session"
printf 'M99,s1,2026-01-05T08:00:00,37.0\n' >>"$S/temperatures.csv"
"$ICTUS" analyze "$S" >"$W/an.out" 2>&1
test $? -ne 0 && grep -q "temperatures.csv:62" "$W/an.out"
ok "an unknown animal in temperatures.csv is refused, naming its line"
rm "$S/temperatures.csv"

# Settings.
cp "$S/study.ini" "$W/study.ini"
printf 'no_such_key = 1\n' >>"$S/study.ini"
"$ICTUS" analyze "$S" >"$W/an.out" 2>&1
eq "unknown [hyperthermia] key refused" "$?" 2
grep -q "no_such_key" "$W/an.out"
ok "the message names the key"
cp "$W/study.ini" "$S/study.ini"
printf 'temperature_label = NOPE\n' >>"$S/study.ini"
"$ICTUS" analyze "$S" >"$W/an.out" 2>&1
ok "analyze with a label naming no channel"
eq "header only" "$(wc -l <"$S/out/hyperthermia.csv") $(wc -l <"$S/out/hyperthermia_comparisons.csv")" "1 1"

# A study without temperature: no file, a stale one removed.
P=$W/plain
"$ICTUS" synth --model dravet-mouse -n 1 -d 1 --hours 0.1 -s 9051 -o "$P" >"$W/synth2.out" 2>&1
ok "plain synth"
"$ICTUS" run "$P" --settle 0 >"$W/run2.out" 2>&1
ok "plain run"
grep -q 'id="fig-raster"' "$P/out/report/index.html" && ! grep -q 'id="fig-hyperthermia"' \
    "$P/out/report/index.html" && ! grep -q 'id="disease-modification"' "$P/out/report/index.html"
ok "the plain study's report has no hyperthermia figure, no disease-modification table"
test ! -e "$P/out/hyperthermia.csv" && test ! -e "$P/out/hyperthermia_comparisons.csv"
ok "no hyperthermia files without temperature"
! grep -q hyperthermia "$P/out/analysis-settings.txt"
ok "analysis-settings.txt as before"
echo stale >"$P/out/hyperthermia.csv"
"$ICTUS" analyze "$P" >"$W/an.out" 2>&1
ok "plain analyze"
test ! -e "$P/out/hyperthermia.csv"
ok "a stale hyperthermia.csv is removed"

check_done test_hyperthermia.sh
