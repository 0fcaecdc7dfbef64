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
#     section (summary, raster, rates, drugs, circadian, quality, gallery) and every figure is there, each
#     figure an SVG drawn larger than 100 px with a JSON block that parses; a click on a table
#     header sorts the column; the animals table shows the hostile IDs as text, unchanged;
#   - the hostile study's HTML holds no unescaped markup from the names (no "<script>alert",
#     no "<b>", no raw quote breaking an attribute), and its <script> elements are only the
#     JSON blocks and the sort script;
#   - the gallery: its cards are events.csv's, chosen from both ends of the scores
#     (test_report --check); a deleted recording gives cards saying why and the report is still
#     written; video links seek where review.csv does, relative to the report in out/report,
#     file:// URLs elsewhere (-o), the file name percent-encoded; [report] gallery_per_type = 0
#     leaves it out, 101 is refused (exit 2); in the browser a card per data block entry, each
#     drawn, each with its review link;
#   - report.pdf converts with pdftoppm (page 1 to a PNG) and pdftotext shows every section
#     heading, the figure titles, what changed and the tables' titles (the tables are in the PDF
#     too);
#   - a hyperthermia study's report (report/thermo_figure.h) shows the threshold figure in the
#     browser, drawn, with a JSON block that parses, and no error;
#   - a full-page screenshot of each is kept in BUILD_DIR/results/report.png,
#     report-hostile.png and report-hyperthermia.png.
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

# The gallery when a recording is gone, with a video, with -o elsewhere; its setting.
cp -r "$W/S" "$W/G"
gone=$(python3 - "$W/G/out/report/index.html" <<'EOF'
import json, re, sys
h = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r'<script type="application/json" id="data-gallery-1">(.*?)</script>', h, re.S)
print(json.loads(m.group(1))["cards"][0]["recording"])
EOF
)
[ -f "$W/G/$gone" ]
ok "a recording of the gallery: $gone"
rm "$W/G/$gone"
python3 - "$W/G" "${gone#recordings/}" <<'EOF'
import csv, io, sys
d, gone = sys.argv[1], sys.argv[2]
rows = list(csv.reader(open(f"{d}/recordings.csv", newline="", encoding="utf-8")))
head = rows[0]
for r in rows[1:]:
    if r[head.index("file")] != gone:
        r[head.index("video")] = "cam 1 #&.mp4@12.5"
out = io.StringIO()
csv.writer(out, lineterminator="\n").writerows(rows)
open(f"{d}/recordings.csv", "w", encoding="utf-8").write(out.getvalue())
EOF
"$ICTUS" report "$W/G" >"$W/gdrive.out" 2>&1
ok "a recording deleted: the report is written all the same: $(head -1 "$W/gdrive.out")"
"$ICTUS" report "$W/G" -o "$W/Greport" >/dev/null 2>&1
ok "... also elsewhere (-o)"
python3 - "$W/G" "$gone" "$W/Greport" <<'EOF'
import csv, json, re, sys, os
d, gone, other = sys.argv[1], sys.argv[2], sys.argv[3]
def cards(path):
    h = open(path, encoding="utf-8").read()
    out = []
    for m in re.finditer(r'<script type="application/json" id="data-gallery-\d+">(.*?)</script>', h, re.S):
        out += json.loads(m.group(1))["cards"]
    return h, out
h, cs = cards(f"{d}/out/report/index.html")
bad = [c for c in cs if c["recording"] == gone]
assert bad and all(c["error"] and os.path.basename(gone) in c["error"] for c in bad), bad[:1]
assert "The recording cannot be read: " in h
good = [c for c in cs if c["recording"] != gone]
assert good and all(c["error"] is None for c in good)
seek = {(r["recording"], r["animal"], r["channel"], r["start_s"]): r["video_seek_s"]
        for r in csv.DictReader(open(f"{d}/out/review.csv", encoding="utf-8"))}
for c in good:
    want = seek[(c["recording"], c["animal"], c["channel"], "%.3f" % c["start_s"])]
    assert c["video"] == "../../recordings/cam%201%20%23%26.mp4#t=" + want, (c["video"], want)
    assert abs(c["video_seek_s"] - max(0, c["start_s"] - 12.5 - 5)) < 1e-9
assert 'href="../../recordings/cam%201%20%23%26.mp4#t=' in h
h2, cs2 = cards(f"{other}/index.html")
real = os.path.realpath(d)
assert all(c["video"].startswith("file://" + real + "/recordings/cam%201%20%23%26.mp4#t=")
           for c in cs2 if c["video"])
EOF
ok "the deleted recording's cards say why; the others link to the video where review.csv seeks (relative; file:// with -o)"
printf '[report]\ngallery_per_type = 0\n' >>"$W/G/study.ini"
"$ICTUS" report "$W/G" -o "$W/G0" >/dev/null 2>&1
! grep -q 'id="fig-gallery-' "$W/G0/index.html" && grep -q 'No events to show' "$W/G0/index.html"
ok "[report] gallery_per_type = 0: no gallery"
sed -i 's/^gallery_per_type = 0$/gallery_per_type = 101/' "$W/G/study.ini"
"$ICTUS" report "$W/G" -o "$W/G0" >"$W/g101" 2>&1
eq "gallery_per_type = 101: exit" "$?" 2
grep -q "gallery_per_type" "$W/g101"
ok "... naming the setting: $(head -1 "$W/g101")"

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
python3 "$here/html_nesting.py" "$html"
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
    "Recorded and analysable time, artefacts" "Recordings that failed" "Manifest problems" \
    "7. Event gallery" "Events of M01" "review view" "time from start (s)"; do
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
    eq "$name: sections" "$(seen sections)" "summary,raster,rates,drugs,circadian,quality,gallery"
    ng=$(seen 'gallery figures')
    [ "$dir" = H ] || eq "$name: a gallery figure per animal" "$ng" 4
    gallery_figs=$(seq -f ",fig-gallery-%g" 1 "$ng" | tr -d '\n')
    eq "$name: figures" "$(seen figures)" \
        "fig-raster,fig-rates,fig-paired-1,fig-paired-2,fig-proportions,fig-km,fig-circadian,fig-isi,fig-quality$gallery_figs"
    eq "$name: every figure drawn" "$(seen 'figures drawn')" "$((9 + ng))/$((9 + ng))"
    eq "$name: every figure's numbers parse" "$(seen 'figures with data')" "$((9 + ng))/$((9 + ng))"
    n=$(seen 'gallery data cards')
    [ "$n" -gt 0 ]
    ok "$name: the gallery's data blocks list $n cards"
    eq "$name: a card per entry, each drawn and linked to the review view" \
        "$(seen 'gallery cards')" "$n/$n/$n"
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

# A hyperthermia study (2 animals, vehicle and stiripentol crossed over): its report draws the
# threshold figure in the browser, with its numbers, and nothing else goes wrong.
"$ICTUS" synth --model dravet-mouse --protocol hyperthermia -n 2 --hours 0.5 -s 9050 -j 2 \
    -o "$W/T" >/dev/null 2>&1 && "$ICTUS" run "$W/T" --settle 0 -j 2 >/dev/null 2>&1
ok "the hyperthermia study runs"
shot=$build/results/report-hyperthermia.png
CHROMIUM=$chromium node "$here/browser/report.test.js" "file://$W/T/out/report/index.html" \
    "$shot" >"$W/seen" 2>&1
ok "report-hyperthermia: report.test.js ran: $(tail -3 "$W/seen" | tr '\n' ' ')"
case ",$(sed -n 's/^figures: //p' "$W/seen")," in *,fig-hyperthermia,*) true ;; *) false ;; esac
ok "report-hyperthermia: the threshold figure is on the page"
nf=$(sed -n 's/^figures drawn: //p' "$W/seen")
eq "report-hyperthermia: every figure drawn and its numbers parse" \
    "$nf $(sed -n 's/^figures with data: //p' "$W/seen")" "$nf ${nf#*/}/${nf#*/}"
eq "report-hyperthermia: no console or page error" "$(sed -n 's/^errors: //p' "$W/seen")" "0"
check_done test_report.sh
