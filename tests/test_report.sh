#!/usr/bin/env bash
# test_report.sh: the report's files as a reader sees them (report/report.h).
#
# Proves, on a small synthetic drug study (4 animals, baseline / asm-a / washout / asm-b) and on
# the same kind of study whose animal IDs, drug names and study name are hostile (<script>,
# quotes, &, non-ASCII, a 200-character ID):
#   - the numbers in the figures' JSON blocks are the analysis's CSVs' (test_report --check:
#     responders.csv rates and classes, periods.csv counts, hours, rates, hourly counts);
#   - index.html opens from file:// in headless Chromium with no console or page error, no
#     dialog (no smuggled script ran) and no request but the page itself (self-contained); every
#     section (summary, raster, rates, drugs, circadian, quality) and every figure is there, each
#     figure an SVG drawn larger than 100 px with a JSON block that parses; a click on a table
#     header sorts the column; the animals table shows the hostile IDs as text, unchanged;
#   - the hostile study's HTML holds no unescaped markup from the names (no "<script>alert",
#     no "<b>", no raw quote breaking an attribute), and its <script> elements are only the
#     JSON blocks and the sort script;
#   - report.pdf converts with pdftoppm (page 1 to a PNG) and pdftotext shows every section
#     heading, the figure titles, what changed and the tables' titles (the tables are in the PDF
#     too);
#   - a full-page screenshot of each is kept in BUILD_DIR/results/report.png and
#     report-hostile.png.
# The report is written by `ictus report` (`ictus run` writes it too).  Needs chromium, node
# (tests/browser), pdftoppm, pdftotext, python3; skips the browser part where chromium or node
# is absent (a failure under CI: shcheck.sh's browser_ready).
set -u
. "$(dirname "$0")/shcheck.sh"
here=$(cd "$(dirname "$0")" && pwd)
build=$(dirname "$ICTUS")
driver=$build/tests/test_report
mkdir -p "$build/results"

# make_study DIR: the small drug study, detected.
make_study() {
    "$ICTUS" synth --model ihka-mouse --animals 4 --protocol asm --hours 1 --min-rate 80 \
        --baseline 2h --drug 2h --washout 1h --fs 200 --channels 1 --seed 2026 -o "$1" >/dev/null
}

make_study "$W/S"
"$ICTUS" run "$W/S" --settle 0 >/dev/null 2>&1
ok "ictus run on the drug study"
"$ICTUS" report "$W/S" >"$W/drive.out" 2>&1
ok "the report is written: $(cat "$W/drive.out")"
[ -s "$W/S/out/report/index.html" ] && [ -s "$W/S/out/report/report.pdf" ]
ok "index.html and report.pdf in out/report"
"$driver" --check "$W/S" >"$W/check.out" 2>&1
ok "the figures' numbers are the CSVs' (test_report --check): $(grep -v '^$' "$W/check.out" | tail -3 | tr '\n' ' ')"

# The hostile study: every name the report shows, rewritten before the run.
make_study "$W/H"
python3 - "$W/H" <<'EOF'
import csv, io, sys, re
d = sys.argv[1]
long_id = "Ä" + "x" * 190 + "<i>é</i>"
ids = {"M01": '<script>alert("id")</script>', "M02": "M\"02' & <b>bold</b>",
       "M03": "Мышь-03 ✓ &amp; ok", "M04": long_id}
drugs = {"asm-a": '<b>"asm&a"</b>', "asm-b": "</script><script>alert(2)</script>"}
def rewrite(name, cols):
    rows = list(csv.reader(open(f"{d}/{name}", newline="", encoding="utf-8")))
    head = rows[0]
    for r in rows[1:]:
        for c, table in cols.items():
            i = head.index(c)
            r[i] = table.get(r[i], r[i])
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    open(f"{d}/{name}", "w", encoding="utf-8").write(out.getvalue())
rewrite("animals.csv", {"animal": ids})
rewrite("recordings.csv", {"animal": ids})
rewrite("dosing.csv", {"animal": ids, "drug": drugs})
ini = open(f"{d}/study.ini", encoding="utf-8").read()
ini = re.sub(r"\[drugs\][^\[]*", "", ini)
ini = ini.replace("name = synthetic-ihka-mouse-s2026", "name = <img src=x onerror=alert(3)> & \"study\"")
open(f"{d}/study.ini", "w", encoding="utf-8").write(ini)
EOF
ok "hostile names written into animals.csv, recordings.csv, dosing.csv, study.ini"
"$ICTUS" run "$W/H" --settle 0 >"$W/hrun.out" 2>&1
ok "ictus run on the hostile study: $(tail -1 "$W/hrun.out")"
"$ICTUS" report "$W/H" -o "$W/Hreport" >"$W/hdrive.out" 2>&1
ok "the hostile study's report is written: $(cat "$W/hdrive.out")"
html=$W/Hreport/index.html
for bad in '<script>alert' '<b>' '<i>' '<img' 'alert(2)</script>'; do
    ! grep -qF "$bad" "$html"
    ok "no unescaped '$bad' in the hostile HTML"
done
n_json=$(grep -o '<script type="application/json"' "$html" | wc -l)
n_script=$(grep -o '<script' "$html" | wc -l)
eq "every <script> is a JSON block or the sort script" "$n_script" "$((n_json + 1))"
python3 - "$html" <<'EOF'
import sys, html.parser
class P(html.parser.HTMLParser):
    VOID = {"meta", "br", "img", "input", "link", "hr"}
    def __init__(self):
        super().__init__()
        self.stack, self.bad = [], []
    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append(tag)
    def handle_startendtag(self, tag, attrs):
        pass
    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.bad.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'} at {self.getpos()}")
        else:
            self.stack.pop()
p = P()
p.feed(open(sys.argv[1], encoding="utf-8").read())
p.close()
if p.bad or p.stack:
    print(p.bad[:5], p.stack[:5])
    sys.exit(1)
EOF
ok "the hostile HTML parses with every element closed in order"

# The PDF: converts, and names every section.
pdftoppm -r 40 -png -f 1 -l 2 "$W/S/out/report/report.pdf" "$W/page" 2>"$W/ppm.err"
ok "pdftoppm converts report.pdf"
[ -s "$W/page-1.png" ] || [ -s "$W/page-01.png" ]
ok "page 1 as a PNG"
pdftotext "$W/S/out/report/report.pdf" "$W/pdf.txt"
ok "pdftotext reads report.pdf"
for heading in "1. Study summary" "2. Seizures over the study" "3. Seizure rate per animal" \
    "4. Drugs and response" "5. Time of day and intervals" "6. Data quality" \
    "Baseline vs exposure" "Responder and seizure-free rates" "What changed since the last run" \
    "Animals" "Each animal's response (all seizure types)" "Statistical tests (all seizure types)" \
    "Recorded and analysable time, artefacts" "Recordings that failed" "Manifest problems"; do
    grep -qF "$heading" "$W/pdf.txt"
    ok "the PDF shows '$heading'"
done
pdftotext "$W/Hreport/report.pdf" - >/dev/null 2>&1
ok "the hostile study's PDF reads"

# The browser.
browser_ready test_report.sh || { check_done test_report.sh; exit; }
for s in S:report H:report-hostile; do
    dir=${s%%:*}
    name=${s#*:}
    file=$W/$dir/out/report/index.html
    [ "$dir" = H ] && file=$html
    shot=$build/results/$name.png
    CHROMIUM=$chromium node "$here/browser/report.test.js" "file://$file" "$shot" >"$W/seen" 2>&1
    ok "$name: report.test.js ran: $(tail -3 "$W/seen" | tr '\n' ' ')"
    seen() { sed -n "s/^$1: //p" "$W/seen"; }
    eq "$name: sections" "$(seen sections)" "summary,raster,rates,drugs,circadian,quality"
    eq "$name: figures" "$(seen figures)" \
        "fig-raster,fig-rates,fig-paired-1,fig-paired-2,fig-proportions,fig-circadian,fig-isi,fig-quality"
    eq "$name: every figure drawn" "$(seen 'figures drawn')" "8/8"
    eq "$name: every figure's numbers parse" "$(seen 'figures with data')" "8/8"
    eq "$name: a header click sorts" "$(seen sorts)" "true"
    eq "$name: no dialog (no script from a name ran)" "$(seen dialogs)" "0"
    eq "$name: nothing fetched but the page" "$(seen fetched)" "0"
    eq "$name: no console or page error" "$(seen errors)" "0"
    [ -s "$shot" ]
    ok "$name: screenshot $shot"
done
animals=$(sed -n 's/^animals: //p' "$W/seen")
expected=$(python3 -c 'print("|".join(["<script>alert(\"id\")</script>", "M\"02'"'"' & <b>bold</b>", "Мышь-03 ✓ &amp; ok", "Ä" + "x" * 190 + "<i>é</i>"]))')
eq "the hostile IDs are shown as text, unchanged" "$animals" "$expected"
check_done test_report.sh
