#!/usr/bin/env bash
# test_browser.sh: the review page of `ictus serve` in a real browser: headless Chromium
# (Debian's chromium) driven by puppeteer-core (tests/browser/review.test.js).
#
# Proves, on a small synthetic study of two animals, each with a baseline and a treatment period:
#   - the queue shows every event of out/events.csv, lowest score first, with its counts;
#   - j and k move the selection, J and K to the next / previous unreviewed event, g reloads
#     the queue keeping the selection; a Racine digit and t (the next type) wait, pending, for
#     the verdict key; c, r and u store their verdicts and the rows show them;
#   - an event's end edge dragged 40 px is pending (orange) until c stores it, then red with the
#     detector's edge pale beside it; shift+drag on a channel adds a missed seizure, listed as
#     "added";
#   - after a reload every decision is still shown (corrected type, edges, the added event); a
#     digit on a decided event is stored at once and its history lists both decisions;
#   - ictus.db holds those decisions (history rows, the corrected type and edges, the added
#     event on its channel), by the reviewer typed in;
#   - `ictus analyze` counts change accordingly per animal and period in out/periods.csv:
#     the rejected event no longer counted, the added one counted, the corrected type counted
#     as such; with [analysis] events = confirmed, the confirmed and added ones only;
#   - the filter "unreviewed" hides the reviewed events; the API's day and period filters list
#     the events of that day and dosing period;
#   - blinded: the rows show pseudonyms and no recording, and no answer the page receives
#     names an animal, a recording or its date;
#   - blinded, the event view's spectrogram, features and explanation are asked for by the
#     event's handle, and its recording's video offset (their answers are among those looked
#     at); b and the browse button do not browse (a status says why);
#   - unblinding from the page shows the mapping and is logged in the audit log;
#   - a second reviewer decides two events; the agreement panel shows percent agreement and
#     Cohen's kappa (all, per type) and lists the disagreement, whose click selects its event;
#   - no console error and no page error in the whole session (Chromium's own
#     token-less request for /favicon.ico gets an empty 204);
#   - a screenshot of the event view (corrected edge, added event): a non-empty PNG, kept as
#     BUILD_DIR/results/review.png (build/san/results/review.png under make check).
# Needs: $ICTUS, chromium, node with tests/browser/node_modules (make check and .ci/run run
# npm ci there), curl, sqlite3, python3.  Skips when chromium or node is absent on a
# developer's machine (the other tests still tell them something); under CI (CI set, as
# .ci/run is run), which installs both, their absence is a failure, never a skip.
set -u
. "$(dirname "$0")/shcheck.sh"
# The interpreter itself, found once: a version manager's python3 is a script that costs a
# fraction of a second per call, and this test calls it for every JSON answer.
python3=$(python3 -c 'import sys; print(sys.executable)')

browser_ready test_browser.sh || { check_done test_browser.sh; exit; }
shot=$(dirname "$ICTUS")/results/review.png
mkdir -p "$(dirname "$shot")"
rm -f "$shot"

S=$W/study
"$ICTUS" synth --model ihka-mouse --animals 2 --days 1 --hours 2 --fs 250 --seed 3 -o "$S" \
    >/dev/null
# Each animal: a baseline hour, then an hour of treatment.
printf '%s\n' animal,period,drug,dose_mg_kg,start,end \
    M01,baseline,,,2026-01-05T08:00:00,2026-01-05T09:00:00 \
    M01,treatment,vpa,200,2026-01-05T09:00:00,2026-01-05T10:00:00 \
    M02,baseline,,,2026-01-05T08:00:00,2026-01-05T09:00:00 \
    M02,treatment,vpa,200,2026-01-05T09:00:00,2026-01-05T10:00:00 >"$S/dosing.csv"
"$ICTUS" run "$S" --settle 0 >/dev/null
ok "a study to review"
n_csv=$(($(wc -l <"$S/out/events.csv") - 1))
[ "$n_csv" -ge 6 ]
ok "the study has at least 6 events (it has $n_csv)"

counts() { # TYPE: animal,kind,count of periods.csv's rows of that type, sorted
    "$python3" -c "
import csv
for r in sorted(csv.DictReader(open('$S/out/periods.csv')), key=lambda r: (r['animal'], r['kind'])):
    if r['type'] == '$1': print(r['animal'], r['kind'], r['count'])"
}
counts all >"$W/before"

serve_start "$S" --port 0
url=${line#ictus serve: }
[[ "$url" =~ ^http://127\.0\.0\.1:[0-9]+/\?token=[0-9a-f]{32}$ ]]
ok "the URL line: '$line'"

CHROMIUM=$chromium node "$here/browser/review.test.js" "$url" "$shot" >"$W/seen" 2>&1
eq "the browser session ran to its end: exit (the last lines: $(tail -n 3 "$W/seen" | tr '\n' ' '))" "$?" 0
seen() { sed -n "s/^$1: //p" "$W/seen"; }
eq "rows in the queue" "$(seen rows)" "$n_csv"
eq "lowest score first" "$(seen "lowest score first")" true
eq "the counts" "$(seen counts)" "$n_csv events, $n_csv left to review"
eq "the selected row at start, after j, after k" "$(seen "selected at start, after j, after k")" "0 1 0"
eq "3 and t on an undecided event: pending" "$(seen pending)" \
    "pending (stored with the verdict): racine, ctype"
eq "c moves to the next row" "$(seen "after c, selected")" 1
eq "the end edge dragged 40 px: 40 columns of the window" "$(seen "edge dragged by (s)")" \
    "$(seen "edge dragged by (s)" | awk '$1 > 2 && $1 < 4.5 {print}')"
eq "a click on the 2nd channel's label, + +, a click, -: its gain alone 1.5², then all / 1.5" \
    "$(seen "channel gains")" "0.667 1.500 picked 0"
eq "... pending: orange, the detector's pale" "$(seen "edge colour while pending")" \
    "#f0a8a8 #f0a8a8 #ff8800 #ff8800"
eq "shift+drag added an event" "$(seen "counts after")" \
    "$((n_csv + 1)) events, $((n_csv - 3)) left to review, 1 added"
eq "... the selection stays" "$(seen "selected after adding")" 4
rest=$(printf '|-%.0s' $(seq 6 "$n_csv"))
eq "after a reload, every decision still shown" "$(seen "verdicts after reload")" \
    "seizure (R3) as convulsive|not_seizure|-|unsure|seizure edges$rest|seizure"
eq "... the added event last, marked" "$(seen "entries after reload")" "$(printf '|%.0s' $(seq "$n_csv"))added"
eq "the reviewer's name kept" "$(seen "reviewer after reload")" browser
eq "J, J, K: the next, next, previous unreviewed rows (3rd, 6th, 3rd)" "$(seen "J J K from the 1st row")" "2 5 2"
eq "g: the queue reloaded, the same event selected" "$(seen "g: reloaded, the same event selected")" "true 2"
eq "the corrected edge after the reload, red, the detector's pale" \
    "$(seen "corrected edge after reload (s)")" "$(seen "edge dragged by (s)") #f0a8a8 #f0a8a8 #d00000 #d00000"
eq "a digit on a decided event: stored at once, both decisions in its history" "$(seen history)" \
    "browser: seizure R5 as convulsive | browser: seizure R3 as convulsive"
[[ "$(seen decision)" =~ ^seizure\ by\ browser\ ·\ type\ convulsive\ \(detected\ hpd\)\ ·\ edges\ [0-9.]+-[0-9.]+\ s\ ·\ Racine\ 5$ ]]
ok "the decision under the trace: verdict, reviewer, type, edges, Racine ($(seen decision))"
eq "reviewed=no: the unreviewed only" "$(seen "rows unreviewed")" $((n_csv - 4))
eq "... none of them with a verdict" "$(seen "verdicts unreviewed")" "-"
eq "blinded: pseudonyms" "$(seen "blind animals")" "true true"
eq "blinded: no recording" "$(seen "blind recordings")" "(blind)"
[ "$(seen "blind answers")" -ge 3 ]
ok "blinded: the answers were looked at ($(seen "blind answers"))"
eq "blinded: no answer names an animal, a recording or its date" \
    "$(seen "blind answers name an animal or recording")" false
eq "blinded: the event view's panels asked for (by handle)" "$(seen "blind routes")" \
    "/api/events /api/explain /api/features /api/history /api/recordings /api/signal /api/spectrogram"
eq "blinded: b does not browse, says why" "$(seen "blind: b")" \
    "false true browsing is off while blinded (it shows animals and dates)"
eq "blinded: nor does the browse button" "$(seen "blind: the browse button")" "false false"
eq "unblinded from the page: the mapping shown" "$(seen unblinded)" "A-x = M01, A-x = M02"
eq "a second reviewer: agreement with the first, all and per type (n, %, kappa)" "$(seen agreement)" \
    "all 2 50.0 % 0.000 | hpd 2 50.0 % 0.000"
eq "... one disagreement listed" "$(seen disagreements)" 1
eq "... a click on it selects its event (the 2nd)" "$(seen "adjudicate: jumped to row")" 1
eq "no console or page error (the browser's own /favicon.ico request included)" "$(seen errors)" 0
seen error

q() { sqlite3 "$S/ictus.db" "$1"; }
eq "decisions stored (history rows)" "$(q "SELECT count(*) FROM reviews")" 8
eq "by the reviewers typed in" "$(q "SELECT reviewer, count(*) FROM reviews GROUP BY reviewer")" \
    "browser|6
second|2"
eq "the unblinding logged" "$(q "SELECT reviewer, action FROM review_audit")" "browser|unblind"
# The queue's 1st, 2nd, 4th and 5th events by score with their decisions, from the server's
# list, against the newest decision of each in ictus.db.
tok=${url#*token=}
curl -s -H "X-Ictus-Token: $tok" "${url%%\?*}api/events" >"$W/events.json"
"$python3" -c "
import json
d = json.load(open('$W/events.json'))
for i, v in ((0, 'seizure|5|convulsive'), (1, 'not_seizure|-1|'), (3, 'unsure|-1|'),
             (4, 'seizure|-1|')):
    e = d['events'][i]
    print('%s|%s|%d|%s' % (e['animal'], e['channel'], round(e['start_s'] * 1e6), v))" | sort >"$W/want"
# The queue's day and period filters, against the periods the list gives each event.
api() { curl -s -H "X-Ictus-Token: $tok" "${url%%\?*}api/$1"; }
count() { "$python3" -c "import json, sys; print(json.load(sys.stdin)['total'])"; }
eq "the periods for the filter" "$("$python3" -c "import json; print(json.load(open('$W/events.json'))['periods'])")" \
    "['baseline', 'treatment vpa 200 mg/kg']"
eq "period=baseline lists the baseline hour's events" "$(api "events?period=baseline" | count)" \
    "$("$python3" -c "import json; print(sum(e['period'] == 'baseline' for e in json.load(open('$W/events.json'))['events']))")"
eq "period=treatment vpa 200 mg/kg" "$(api "events?period=treatment%20vpa%20200%20mg%2Fkg" | count)" \
    "$("$python3" -c "import json; print(sum(e['period'].startswith('treatment') for e in json.load(open('$W/events.json'))['events']))")"
eq "day=2026-01-05: every entry; day=2026-01-06: none" \
    "$(api "events?day=2026-01-05" | count) $(api "events?day=2026-01-06" | count)" "$((n_csv + 1)) 0"
q "SELECT animal, channel, start_us, verdict, coalesce(racine, -1), type FROM reviews r
   WHERE added = 0 AND id = (SELECT max(id) FROM reviews x WHERE x.start_us = r.start_us
   AND x.animal = r.animal AND x.reviewer = 'browser')" | sort >"$W/got"
diff "$W/want" "$W/got"
ok "the decisions are of the events the keys were pressed on"
eq "the 1st event's history: Racine 3 then 5" \
    "$(q "SELECT group_concat(racine, ' ') FROM (SELECT racine FROM reviews WHERE type = 'convulsive' AND reviewer = 'browser' ORDER BY id)")" "3 5"
read -r moved_us start_kept <<<"$(q "SELECT fixed_end_us - end_us, fixed_start_us = start_us
    FROM reviews WHERE fixed_end_us IS NOT NULL" | tr '|' ' ')"
eq "the corrected edges: the start kept" "$start_kept" 1
"$python3" -c "import sys; sys.exit(abs($moved_us / 1e6 - $(seen "edge dragged by (s)")) > 0.001)"
ok "the corrected edges: the end moved by the drag, the start kept"
eq "the added event: a seizure on the second channel, 100 columns long, typed hpd" \
    "$(q "SELECT verdict, channel, type, end_us > start_us FROM reviews WHERE added = 1")" "seizure|CTX|hpd|1"

# `ictus analyze`: the counts per animal and period of out/periods.csv, against the decisions.
# expected FILTER: the count per animal and period kind the decisions give (detected: every
# event but the rejected, with the added; confirmed: the confirmed and the added).
expected() { # FILTER [TYPE]
    "$python3" -c "
import json, collections
d = json.load(open('$W/events.json'))
n = collections.Counter()
for a in d['animals']:
    for k in ('baseline', 'treatment'): n[(a, k)] += 0
for e in d['events']:
    t = e['ctype'] or e['type']
    keep = e['verdict'] != 'not_seizure' if '$1' == 'detected' else e['verdict'] == 'seizure'
    if keep and '${2:-all}' in ('all', t):
        n[(e['animal'], e['period'].split()[0])] += 1
for (a, k), c in sorted(n.items()): print(a, k, c)"
}
eq "before the review, periods.csv counts every detected event" "$(cat "$W/before")" \
    "$("$python3" -c "
import json, collections
d = json.load(open('$W/events.json'))
n = collections.Counter((e['animal'], e['period'].split()[0]) for e in d['events'] if e['kind'] == 'detected')
for a in d['animals']:
    for k in ('baseline', 'treatment'): n[(a, k)] += 0
for (a, k), c in sorted(n.items()): print(a, k, c)")"
"$ICTUS" analyze "$S" >/dev/null
eq "analyze after the review: the rejected not counted, the added counted" "$(counts all)" \
    "$(expected detected)"
[ "$(counts all)" != "$(cat "$W/before")" ]
ok "... the counts changed"
eq "... the corrected type counted as such" "$(counts convulsive)" "$(expected detected convulsive)"
printf '[analysis]\nevents = confirmed\n' >>"$S/study.ini"
"$ICTUS" analyze "$S" >/dev/null
eq "with events = confirmed: the confirmed and the added only" "$(counts all)" \
    "$(expected confirmed)"

[ "$(head -c 8 "$shot" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]
ok "the screenshot is a PNG ($shot)"
[ "$(stat -c %s "$shot")" -gt 10000 ]
ok "the screenshot is not empty ($(stat -c %s "$shot") bytes)"

kill -TERM "$pid"
wait "$pid"
eq "SIGTERM: exit" "$?" 0
eq "nothing on the server's stderr" "$(cat "$W/serve.err")" ""
check_done test_browser.sh
