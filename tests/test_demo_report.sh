#!/usr/bin/env bash
# test_demo_report.sh: `make demo`'s script end to end, and the demo study's report as a reader
# opens it.
#
# Runs data-samples/make-demo.sh (what `make demo` runs) with ICTUS_DEMO_HOURS=1: the demo's
# design (8 IHKA mice, baseline / asm-a / washout / asm-b, 2 leads at 250 Hz, seed 2026) with
# files of 1 h instead of 24 h, so that it fits in a test (about 300 MB instead of 7.2 GB; the
# full demo goes through the same script and the same code). Proves:
#   - the script exits 0, generates the study, runs the nightly job and names the report;
#   - out/report/index.html opens from file:// in headless Chromium with no console or page
#     error, no request but the page itself; every section (summary, raster, rates, drugs,
#     circadian, quality, gallery) is there, every figure is an SVG drawn larger than 100 px
#     with a JSON block that parses, there is a paired figure for each of the two drugs and a
#     gallery; a screenshot is kept in BUILD_DIR/results/demo-report.png;
#   - the figures' numbers are the CSVs' (test_report --check);
#   - report.pdf converts page by page with pdftoppm and pdftotext shows every section.
# Needs chromium, node (tests/browser), pdftoppm, pdftotext (skips the browser part where they
# are absent, a failure under CI: shcheck.sh's browser_ready).
set -u
. "$(dirname "$0")/shcheck.sh"
here=$(cd "$(dirname "$0")" && pwd)
build=$(dirname "$ICTUS")
mkdir -p "$build/results"
demo=$W/demo

ICTUS_DEMO_DIR=$demo ICTUS_DEMO_HOURS=1 "$here/../data-samples/make-demo.sh" "$ICTUS" \
    >"$W/demo.out" 2>&1
eq "make-demo.sh (ICTUS_DEMO_HOURS=1) exits 0" "$?" 0
eq "the demo study's recordings" "$(find "$demo/recordings" -name '*.edf' | wc -l)" 80
grep -q "report:  $demo/out/report/index.html" "$W/demo.out"
ok "the script names the report"
grep -q "^[0-9]* of 16 animal x drug classes as the truth says" "$W/demo.out"
ok "the script compares the classes with the truth: '$(grep 'as the truth says' "$W/demo.out")'"
html=$demo/out/report/index.html
pdf=$demo/out/report/report.pdf
[ -s "$html" ] && [ -s "$pdf" ]
ok "index.html and report.pdf are written"
"$build/tests/test_report" --check "$demo" >"$W/check.out" 2>&1
ok "the figures' numbers are the CSVs' (test_report --check): $(tail -1 "$W/check.out")"

n_pages=$(pdfinfo "$pdf" 2>/dev/null | sed -n 's/^Pages: *//p')
[ "${n_pages:-0}" -ge 10 ]
ok "report.pdf has its pages ($n_pages)"
pdftoppm -r 30 -png "$pdf" "$W/page" 2>"$W/ppm.err"
ok "pdftoppm converts every page"
eq "a PNG per page" "$(find "$W" -maxdepth 1 -name 'page-*.png' | wc -l)" "$n_pages"
pdftotext "$pdf" "$W/pdf.txt"
for heading in "1. Study summary" "2. Seizures over the study" "3. Seizure rate per animal" \
    "4. Drugs and response" "5. Time of day and intervals" "6. Data quality" "7. Event gallery"; do
    grep -qF "$heading" "$W/pdf.txt"
    ok "the PDF shows '$heading'"
done

browser_ready test_demo_report.sh || { check_done test_demo_report.sh; exit; }
shot=$build/results/demo-report.png
CHROMIUM=$chromium node "$here/browser/report.test.js" "file://$html" "$shot" >"$W/seen" 2>&1
ok "report.test.js ran: $(tail -3 "$W/seen" | tr '\n' ' ')"
seen() { sed -n "s/^$1: //p" "$W/seen"; }
eq "sections" "$(seen sections)" "summary,raster,rates,drugs,circadian,quality,gallery"
figures=$(seen figures)
for fig in fig-raster fig-rates fig-paired-1 fig-paired-2 fig-proportions fig-circadian fig-isi \
    fig-quality fig-gallery-1; do
    case ",$figures," in *",$fig,"*) true ;; *) false ;; esac
    ok "figure $fig is there"
done
n_fig=$(echo "$figures" | tr ',' '\n' | grep -c .)
eq "every figure drawn" "$(seen 'figures drawn')" "$n_fig/$n_fig"
eq "every figure's numbers parse" "$(seen 'figures with data')" "$n_fig/$n_fig"
eq "a header click sorts" "$(seen sorts)" "true"
eq "the animals table" "$(seen animals)" "M01|M02|M03|M04|M05|M06|M07|M08"
eq "nothing fetched but the page" "$(seen fetched)" "0"
eq "no console or page error" "$(seen errors)" "0"
[ -s "$shot" ]
ok "screenshot $shot"
check_done test_demo_report.sh
