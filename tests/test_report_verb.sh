#!/usr/bin/env bash
# test_report_verb.sh: `ictus report` and the last step of `ictus run` write the cohort report
# and the exports (report/report.h, report/exports.h; what they hold: test_report.sh and
# test_exports).
#
# Proves, on a small synthetic study of two animals:
#   - `ictus run` leaves out/report/index.html, out/report/report.pdf, out/review.csv (one row
#     per event of out/events.csv) and an EDF+ annotation file per recording with events;
#   - `ictus report STUDY` writes them again (exit 0, its summary line), and `-o DIR` writes
#     them into DIR instead;
#   - study.ini [report] video_padding_s moves review.csv's video seek time by its value;
#   - the summary's "what changed": the first run's counts, a report written again (counts and
#     classes as before), a run after a detector parameter changed (files processed again, the
#     parameter named old → new, in the HTML and the PDF);
#   - a misspelt [report] key is an error naming it (exit 2 from report, run fails the step);
#   - usage: --help exits 0, no study exits 2.
# Needs: $ICTUS, python3.
set -u
. "$(dirname "$0")/shcheck.sh"

"$ICTUS" report --help >"$W/help"
eq "--help exits 0" "$?" 0
grep -q "usage: ictus report" "$W/help"
ok "--help prints the usage"
"$ICTUS" report >/dev/null 2>&1
eq "no study: exit 2" "$?" 2

S=$W/study
"$ICTUS" synth --model ihka-mouse --animals 2 --days 1 --hours 2 --fs 250 --seed 3 -o "$S" \
    >/dev/null
# The first recording gets a video that starts 7.5 s into it.
python3 - "$S/recordings.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
fields = list(rows[0].keys()) + ([] if "video" in rows[0] else ["video"])
for i, r in enumerate(rows):
    r["video"] = "cage.mp4@7.5" if i == 0 else ""
w = csv.DictWriter(open(sys.argv[1], "w", newline=""), fieldnames=fields)
w.writeheader()
w.writerows(rows)
PY
"$ICTUS" run "$S" --settle 0 >"$W/run" 2>&1
eq "ictus run exits 0" "$?" 0
for f in report/index.html report/report.pdf review.csv; do
    [ -s "$S/out/$f" ]
    ok "ictus run wrote out/$f"
done
n_events=$(($(wc -l <"$S/out/events.csv") - 1))
[ "$n_events" -ge 2 ]
ok "the study has events ($n_events)"
eq "review.csv: a row per event" "$(($(wc -l <"$S/out/review.csv") - 1))" "$n_events"
n_rec=$(python3 -c "import csv, sys; print(len({r['recording'] for r in csv.DictReader(open(sys.argv[1]))}))" "$S/out/events.csv")
eq "an EDF+ annotation file per recording with events" \
    "$(find "$S/out/annotations" -name '*_events.edf' | wc -l)" "$n_rec"
grep -q "report $S/out/report/index.html" "$W/run"
ok "the run's summary names the report"

rm -rf "$S/out/report" "$S/out/review.csv" "$S/out/annotations"
"$ICTUS" report "$S" >"$W/out" 2>"$W/err"
eq "ictus report exits 0" "$?" 0
eq "... nothing on stderr" "$(cat "$W/err")" ""
grep -q "^report: $S/out/report/index.html ([0-9]* bytes), $S/out/report/report.pdf" "$W/out"
ok "... its summary line: '$(head -1 "$W/out")'"
grep -q "^exports: review.csv ($n_events events, [0-9]* with a video), $n_rec EDF+ annotation files$" "$W/out"
ok "... the exports' line: '$(tail -1 "$W/out")'"
for f in report/index.html report/report.pdf review.csv; do
    [ -s "$S/out/$f" ]
    ok "ictus report wrote out/$f again"
done

"$ICTUS" report "$S" -o "$W/elsewhere" >/dev/null
eq "-o DIR: exit 0" "$?" 0
[ -s "$W/elsewhere/index.html" ] && [ -s "$W/elsewhere/report.pdf" ] && [ -s "$W/elsewhere/review.csv" ]
ok "-o DIR: the report and review.csv are in DIR"

# The seek times with the default padding (5 s), then with 2 s: each 3 s later.
seeks() { python3 -c "
import csv, sys
print(' '.join(r['video_seek_s'] for r in csv.DictReader(open(sys.argv[1])) if r['video']))" "$1"; }
before=$(seeks "$S/out/review.csv")
[ -n "$before" ]
ok "events of the recording with a video have a seek time ($before)"
printf '\n[report]\nvideo_padding_s = 2\n' >>"$S/study.ini"
"$ICTUS" report "$S" >/dev/null
after=$(seeks "$S/out/review.csv")
python3 - "$before" "$after" <<'PY'
import sys
b = [float(x) for x in sys.argv[1].split()]
a = [float(x) for x in sys.argv[2].split()]
sys.exit(not (len(a) == len(b) and all(abs(y - x - 3) < 1e-9 or (x == 0 and y <= 3) for x, y in zip(b, a))))
PY
ok "video_padding_s = 2: every seek 3 s later ($after)"

# What changed since the last run (report/changes.h): the run's counts, the detection
# parameters against the run before, the counts and classes against the last report.
changes() { python3 -c "
import re, sys, html
m = re.search(r'<ul id=\"changes\">(.*?)</ul>', open(sys.argv[1], encoding='utf-8').read())
print('\n'.join(html.unescape(x) for x in re.findall(r'<li>(.*?)</li>', m.group(1))))" "$1"; }
changes "$S/out/report/index.html" >"$W/changes"
grep -q "^run #1 (.*): 2 recordings new, 0 processed again, 0 unchanged, 0 failed, 0 still being written; $n_events events found$" "$W/changes"
ok "what changed: the first run's counts: '$(head -1 "$W/changes")'"
grep -qx "the first run of the study: nothing to compare it with" "$W/changes"
ok "... and that it is the first run"
grep -qx "seizure counts and response classes as in the last report" "$W/changes"
ok "... a report written again: counts and classes as in the last one"
[ -s "$S/out/report/state.csv" ] && head -1 "$S/out/report/state.csv" | grep -qx "kind,animal,exposure,value"
ok "state.csv keeps what the next report compares with"
printf '[detector]\nmin_duration_s = 7\n' >"$W/det.ini"
cat "$W/det.ini" >>"$S/study.ini"
"$ICTUS" run "$S" --settle 0 >/dev/null 2>&1
eq "a run with a changed detector parameter exits 0" "$?" 0
changes "$S/out/report/index.html" >"$W/changes2"
grep -q "^run #2 (.*; this report is its last step): 0 recordings new, 2 processed again" "$W/changes2"
ok "what changed: run #2 processed both recordings again: '$(head -1 "$W/changes2")'"
grep -qx "parameter detector.min_duration_s: [0-9.]* → 7" "$W/changes2"
ok "... and names the changed parameter: '$(grep parameter "$W/changes2")'"
pdftotext "$S/out/report/report.pdf" - 2>/dev/null | grep -q "parameter detector.min_duration_s: .* → 7"
ok "... the PDF's summary page says the same"
grep -A200 '<pre id="detection-parameters">' "$S/out/report/index.html" | grep -qx "detector.min_duration_s=7"
ok "the summary lists the last run's detection parameters"
sed -i '/^\[detector\]$/,$d' "$S/study.ini"

sed -i 's/^video_padding_s = 2$/video_pading_s = 2/' "$S/study.ini"
"$ICTUS" report "$S" >/dev/null 2>"$W/err"
eq "a misspelt [report] key: exit 2" "$?" 2
grep -q "video_pading_s" "$W/err"
ok "... the error names it: '$(cat "$W/err")'"
"$ICTUS" run "$S" --settle 0 >/dev/null 2>"$W/err"
[ "$?" -ne 0 ]
ok "... ictus run fails its report step too: '$(tail -1 "$W/err")'"

check_done test_report_verb.sh
