#!/usr/bin/env bash
# test_browser.sh: the review page of `ictus serve` in a real browser: headless Chromium
# (Debian's chromium) driven by puppeteer-core (tests/browser/review.test.js).
#
# Proves, on a small synthetic study of two animals:
#   - the queue shows every event of out/events.csv, lowest score first, with its counts;
#   - j and k move the selection; c, r and u store their verdicts and the rows show them;
#   - after a reload every decision is still shown, and ictus.db holds exactly those three
#     reviews, for the events the keys were pressed on, by the reviewer typed in;
#   - the filter "unreviewed" hides the reviewed events;
#   - no console error and no page error in the whole session (Chromium's own
#     token-less request for /favicon.ico gets an empty 204);
#   - a screenshot of the page after the reload: a non-empty PNG, kept as
#     BUILD_DIR/results/review.png (build/san/results/review.png under make check).
# Needs: $ICTUS, chromium, node with tests/browser/node_modules (make check and .ci/run run
# npm ci there), curl, sqlite3, python3.  Skips when chromium or node is absent on a
# developer's machine (the other tests still tell them something); under CI (CI set, as
# .ci/run is run), which installs both, their absence is a failure, never a skip.
set -u
. "$(dirname "$0")/shcheck.sh"

chromium=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium" ] || ! command -v node >/dev/null; then
    if [ -n "${CI:-}" ]; then
        eq "chromium ($chromium) and node installed, as CI needs them" missing present
        check_done test_browser.sh
        exit
    fi
    echo "SKIP: test_browser.sh needs chromium ($chromium) and node"
    check_done test_browser.sh
    exit
fi
here=$(cd "$(dirname "$0")" && pwd)
[ -d "$here/browser/node_modules/puppeteer-core" ]
ok "puppeteer-core is installed (tests/browser/install.sh)"
[ -d "$here/browser/node_modules/puppeteer-core" ] || { check_done test_browser.sh; exit 1; }
shot=$(dirname "$ICTUS")/results/review.png
mkdir -p "$(dirname "$shot")"
rm -f "$shot"

S=$W/study
"$ICTUS" synth --model ihka-mouse --animals 2 --days 1 --hours 2 --fs 250 --seed 3 -o "$S" \
    >/dev/null
"$ICTUS" run "$S" --settle 0 >/dev/null
ok "a study to review"
n_csv=$(($(wc -l <"$S/out/events.csv") - 1))
[ "$n_csv" -ge 5 ]
ok "the study has at least 5 events (it has $n_csv)"

serve_start "$S" --port 0
url=${line#ictus serve: }
[[ "$url" =~ ^http://127\.0\.0\.1:[0-9]+/\?token=[0-9a-f]{32}$ ]]
ok "the URL line: '$line'"

CHROMIUM=$chromium node "$here/browser/review.test.js" "$url" "$shot" >"$W/seen" 2>&1
ok "the browser session ran: $(tail -n 3 "$W/seen")"
seen() { sed -n "s/^$1: //p" "$W/seen"; }
eq "rows in the queue" "$(seen rows)" "$n_csv"
eq "lowest score first" "$(seen "lowest score first")" true
eq "the counts" "$(seen counts)" "$n_csv events, $n_csv left to review"
eq "the selected row at start, after j, after k" "$(seen "selected at start, after j, after k")" "0 1 0"
eq "c moves to the next row" "$(seen "after c, selected")" 1
rest=$(printf ' -%.0s' $(seq 5 "$n_csv"))
eq "the verdict cells after c, r, j, u" "$(seen verdicts)" "seizure not_seizure - unsure$rest"
eq "the counts after" "$(seen "counts after")" "$n_csv events, $((n_csv - 3)) left to review"
eq "after a reload, every decision still shown" "$(seen "verdicts after reload")" \
    "seizure not_seizure - unsure$rest"
eq "the reviewer's name kept" "$(seen "reviewer after reload")" browser
eq "reviewed=no: the unreviewed only" "$(seen "rows unreviewed")" $((n_csv - 3))
eq "... none of them with a verdict" "$(seen "verdicts unreviewed")" "-"
eq "no console or page error (the browser's own /favicon.ico request included)" "$(seen errors)" 0
seen error

q() { sqlite3 "$S/ictus.db" "$1"; }
eq "reviews stored" "$(q "SELECT count(*) FROM reviews")" 3
eq "by the reviewer typed in" "$(q "SELECT DISTINCT reviewer FROM reviews")" browser
# The 1st, 2nd and 4th events by score (the queue's order) with their verdicts, from the
# server's list, against the reviews in ictus.db.
tok=${url#*token=}
curl -s -H "X-Ictus-Token: $tok" "${url%%\?*}api/events" >"$W/events.json"
python3 -c "
import json
d = json.load(open('$W/events.json'))
for i, v in ((0, 'seizure'), (1, 'not_seizure'), (3, 'unsure')):
    e = d['events'][i]
    print(e['animal'], e['channel'], round(e['start_s'] * 1e6), v)" | sort >"$W/want"
q "SELECT animal, channel, start_us, verdict FROM reviews" | tr '|' ' ' | sort >"$W/got"
diff "$W/want" "$W/got"
ok "the three reviews are of the events the keys were pressed on"

[ "$(head -c 8 "$shot" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]
ok "the screenshot is a PNG ($shot)"
[ "$(stat -c %s "$shot")" -gt 10000 ]
ok "the screenshot is not empty ($(stat -c %s "$shot") bytes)"

kill -TERM "$pid"
wait "$pid"
eq "SIGTERM: exit" "$?" 0
eq "nothing on the server's stderr" "$(cat "$W/serve.err")" ""
check_done test_browser.sh
