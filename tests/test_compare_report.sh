#!/usr/bin/env bash
# test_compare_report.sh: `ictus compare`'s cross-cohort report as a reader sees it
# (report/compare_report.h).
#
# Two small synthetic drug studies (`ictus synth --protocol asm`, 1-hour files; one animal of
# the first and three of the second get the vehicle, saline, instead of asm-b), detected by
# `ictus run`.  The second is hostile: its directory, study name and one drug name hold markup,
# quotes, & and non-ASCII.  `ictus compare A B -o OUT` proves:
#   - it writes OUT/comparison.csv, then OUT/report/index.html and report.pdf, printing the
#     report's path; exit 0;
#   - the forest plots' JSON blocks (data-median-K, data-ratio-K) hold exactly comparison.csv's
#     numbers: every CSV row is in one block of each kind, matched by type, kind, drug, dose and
#     route, every value equal to the CSV's 7 significant digits (empty = null);
#   - nothing from the names is unescaped in the HTML, the only <script> elements are the JSON
#     blocks and the sort script, and every element closes in order;
#   - report.pdf converts with pdftoppm; pdftotext shows every section heading;
#   - with the first cohort's [analysis] changed, the settings are mixed: exit 1, a warning
#     on stderr, in the HTML (id mixed-settings) and in the PDF;
#   - a report that cannot be written (OUT/report is a file) is an error naming it, and
#     comparison.csv is written all the same;
#   - in headless Chromium: no console or page error, no dialog, nothing fetched; the four
#     sections; a median and a rate-ratio figure per seizure type, each drawn, each with as
#     many JSON rows as its table; a header click sorts; the hostile names shown as text,
#     unchanged; screenshot BUILD_DIR/results/compare.png.
# Needs chromium, node (tests/browser), pdftoppm, pdftotext, python3; skips the browser part
# where chromium or node is absent (a failure under CI: shcheck.sh's browser_ready).
set -u
. "$(dirname "$0")/shcheck.sh"
here=$(cd "$(dirname "$0")" && pwd)
build=$(dirname "$ICTUS")
mkdir -p "$build/results"

hostile_dir='co<i>hort & "B" ü'
hostile_study='<img src=x onerror=alert(1)> & "Kohorte-β"'
hostile_drug='<b>"asm&a"</b> ✓'

# make_study DIR SEED ANIMALS VEHICLE_ANIMALS_REGEX: synthesise, give the vehicle, detect.
make_study() {
    "$ICTUS" synth --model ihka-mouse --animals "$3" --protocol asm --hours 1 --min-rate 80 \
        --baseline 2h --drug 2h --washout 1h --fs 200 --channels 1 --seed "$2" -o "$1" \
        >/dev/null &&
        awk -F, -v OFS=, -v a="^($4)\$" '
            $1 ~ a && $2 == "treatment" && $3 == "asm-b" { $2 = "vehicle"; $3 = "saline"; $4 = "" }
            { print }' "$1/dosing.csv" >"$1/dosing.tmp" && mv "$1/dosing.tmp" "$1/dosing.csv"
}

A=$W/A
B=$W/$hostile_dir
make_study "$A" 2026 4 M04
ok "cohort A synthesised"
make_study "$B" 7 6 'M01|M02|M03'
ok "cohort B synthesised"
DRUG="$hostile_drug" STUDY="$hostile_study" python3 - "$B" <<'EOF'
import os, re, sys
d = sys.argv[1]
text = open(f"{d}/dosing.csv", encoding="utf-8").read()
drug = '"' + os.environ["DRUG"].replace('"', '""') + '"'
open(f"{d}/dosing.csv", "w", encoding="utf-8").write(text.replace(",asm-a,", "," + drug + ","))
ini = open(f"{d}/study.ini", encoding="utf-8").read()
ini = re.sub(r"\[drugs\][^\[]*", "", ini)
ini = re.sub(r"(?m)^name = .*$", "name = " + os.environ["STUDY"], ini)
open(f"{d}/study.ini", "w", encoding="utf-8").write(ini)
EOF
ok "cohort B's study name and asm-a made hostile"
"$ICTUS" run "$A" --settle 0 >/dev/null 2>&1
ok "ictus run A"
"$ICTUS" run "$B" --settle 0 >"$W/runB.out" 2>&1
ok "ictus run B: $(tail -1 "$W/runB.out")"

out=$W/out
"$ICTUS" compare "$A" "$B" -o "$out" >"$W/compare.out" 2>"$W/compare.err"
eq "ictus compare exits 0" "$?" 0
html=$out/report/index.html
pdf=$out/report/report.pdf
[ -s "$out/comparison.csv" ] && [ -s "$html" ] && [ -s "$pdf" ]
ok "comparison.csv, report/index.html and report/report.pdf written"
grep -qF "report: $html (" "$W/compare.out"
ok "the report's path is printed: $(grep '^report:' "$W/compare.out")"

# The figures' numbers are comparison.csv's.
python3 - "$out/comparison.csv" "$html" >"$W/json.out" 2>&1 <<'EOF'
import csv, json, math, re, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")))
page = open(sys.argv[2], encoding="utf-8").read()
blocks = {m.group(1): json.loads(m.group(2)) for m in re.finditer(
    r'<script type="application/json" id="data-([a-z]+-[0-9]+)">(.*?)</script>', page, re.S)}
KEYS = {"median": ["n_pct_change", "median_pct_change", "median_pct_ci_lo", "median_pct_ci_hi"],
        "ratio": ["n_rate_ratio", "rate_ratio", "rate_ratio_ci_lo", "rate_ratio_ci_hi",
                  "rate_ratio_vs_vehicle", "rate_ratio_vs_vehicle_ci_lo",
                  "rate_ratio_vs_vehicle_ci_hi"]}
def key(r):
    dose = r["dose_mg_kg"]
    return (r["type"], r["kind"], r["drug"], float(dose) if dose not in ("", None) else None,
            r["route"])
def same(csv_text, v):
    if csv_text == "":
        return v is None
    return v is not None and math.isclose(float(csv_text), v, rel_tol=1e-6, abs_tol=1e-12)
bad, compared = [], 0
for kind, keys in KEYS.items():
    seen = {}
    for name, b in blocks.items():
        if not name.startswith(kind + "-"):
            continue
        for jr in b["rows"]:
            if jr["type"] != b["type"]:
                bad.append(f"{name}: a row of type {jr['type']}")
            seen[(jr["type"], jr["kind"], jr["drug"], jr["dose_mg_kg"], jr["route"])] = jr
    if len(seen) != len(rows):
        bad.append(f"{kind}: {len(seen)} rows in the figures, {len(rows)} in the CSV")
    for r in rows:
        jr = seen.get(key(r))
        if jr is None:
            bad.append(f"{kind}: no figure row for {key(r)}")
            continue
        for k in keys:
            compared += 1
            if not same(r[k], jr[k]):
                bad.append(f"{kind} {key(r)} {k}: CSV {r[k]!r}, figure {jr[k]!r}")
print(f"compared {compared} values of {len(rows)} rows in {len(blocks)} blocks")
for b in bad:
    print("FAIL:", b)
sys.exit(1 if bad or compared == 0 else 0)
EOF
ok "the figures' numbers are comparison.csv's: $(tail -1 "$W/json.out")"
grep -qF 'all,treatment,"<b>""asm&a""</b> ✓",30,ip,' "$out/comparison.csv"
ok "the hostile drug is a row of comparison.csv (quoted, unchanged)"
grep -q ',rate_ratio_vs_vehicle_p$' "$out/comparison.csv"
ok "comparison.csv ends with the appended columns"

# Escaping.
for bad in '<b>' '<i>' '<img' 'onerror=alert(1)>' '"asm&a"' '"B"'; do
    ! grep -qF -- "$bad" "$html"
    ok "no unescaped '$bad' in the HTML"
done
n_json=$(grep -o '<script type="application/json"' "$html" | wc -l)
n_script=$(grep -o '<script' "$html" | wc -l)
eq "every <script> is a JSON block or the sort script" "$n_script" "$((n_json + 1))"
python3 "$here/html_nesting.py" "$html"
ok "the HTML parses with every element closed in order"

# The PDF.
pdftoppm -r 30 -png -f 1 -l 3 "$pdf" "$W/page" 2>"$W/ppm.err"
ok "pdftoppm converts report.pdf"
ls "$W"/page-*3.png >/dev/null 2>&1
ok "pages 1 to 3 as PNGs"
pdftotext "$pdf" "$W/pdf.txt"
ok "pdftotext reads report.pdf"
for heading in "1. Cohorts" "2. Drugs and doses" "3. Median % change" "4. Rate ratios" \
    "Seizure type: all" "Median % change of the seizure rate: seizure type all" \
    "Seizure rate ratios: seizure type all"; do
    grep -qF "$heading" "$W/pdf.txt"
    ok "the PDF shows '$heading'"
done
! grep -q "Warning" "$W/pdf.txt"
ok "no settings warning when the settings agree"

# Mixed settings: warned about everywhere.
sed -i 's/^\[analysis\]$/[analysis]\ncluster_gap_min = 30/' "$A/study.ini"
"$ICTUS" compare "$A" "$B" -o "$W/mixed" >/dev/null 2>"$W/mixed.err"
eq "mixed settings: exit 1" "$?" 1
grep -q "settings differ" "$W/mixed.err"
ok "mixed settings: stderr says so"
grep -q 'id="mixed-settings"' "$W/mixed/report/index.html"
ok "mixed settings: the HTML warns"
pdftotext "$W/mixed/report/report.pdf" - | grep -q "Warning: the cohorts' analysis settings differ"
ok "mixed settings: the PDF warns"

# A report that cannot be written: an error naming it; comparison.csv is there.
mkdir -p "$W/blocked"
: >"$W/blocked/report"
"$ICTUS" compare "$A" "$B" -o "$W/blocked" >/dev/null 2>"$W/blocked.err"
eq "an unwritable report: exit 1 (the work failed)" "$?" 1
grep -qF "$W/blocked/report" "$W/blocked.err"
ok "the error names the report's place: $(head -1 "$W/blocked.err")"
[ -s "$W/blocked/comparison.csv" ]
ok "comparison.csv is written all the same"

# The browser.
browser_ready test_compare_report.sh || { check_done test_compare_report.sh; exit; }
shot=$build/results/compare.png
CHROMIUM=$chromium node "$here/browser/compare.test.js" "file://$html" "$shot" >"$W/seen" 2>&1
ok "compare.test.js ran: $(tail -3 "$W/seen" | tr '\n' ' ')"
seen() { sed -n "s/^$1: //p" "$W/seen"; }
n_types=$(cut -d, -f1 "$out/comparison.csv" | tail -n +2 | sort -u | wc -l)
figs=$(for k in median ratio; do for t in $(seq "$n_types"); do printf 'fig-%s-%d,' "$k" "$t"; done; done)
eq "sections" "$(seen sections)" "cohorts,table,median,ratio"
eq "a median and a ratio figure per seizure type" "$(seen figures)" "${figs%,}"
eq "every figure drawn" "$(seen 'figures drawn')" "$((2 * n_types))/$((2 * n_types))"
rows_all=$(grep -c '^all,' "$out/comparison.csv")
case "$(seen 'figure rows')" in "$rows_all",*) true ;; *) false ;; esac
ok "the first figure has a JSON row per exposure of type all ($rows_all): $(seen 'figure rows')"
eq "a header click sorts" "$(seen sorts)" "true"
eq "no warning when the settings agree" "$(seen warning)" "0"
eq "no dialog (no script from a name ran)" "$(seen dialogs)" "0"
eq "nothing fetched but the page" "$(seen fetched)" "0"
eq "no console or page error" "$(seen errors)" "0"
seen exposures | grep -qF "$hostile_drug 30 mg/kg ip"
ok "the hostile drug is shown as text, unchanged"
eq "the cohorts are shown as text, unchanged" "$(seen cohorts)" \
    "synthetic-ihka-mouse-s2026|$hostile_study"
[ -s "$shot" ]
ok "screenshot $shot"
check_done test_compare_report.sh
