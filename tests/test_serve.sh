#!/usr/bin/env bash
# test_serve.sh: `ictus serve STUDY_DIR`, the review server (issue 10's first
# slice), end to end over HTTP with curl on a small synthetic study.
#
# Proves:
#   - a wrong command line, a study without ictus.db, a port in use: exit 2,
#     2, 1; a started server prints one URL line with a 32-hex-digit token;
#   - every request without the token, or with a wrong one, is 403; the token
#     is taken from the query or the X-Ictus-Token header;
#   - GET / is the embedded page: no outside resource, no referrer sent, a
#     content security policy that allows connections to itself only, the
#     token not written into it, its script valid (node --check);
#   - GET /api/events lists exactly the events of out/events.csv, lowest
#     score first (or by time), filters by animal, type, score and review
#     state, and refuses bad filter values (400);
#   - GET /api/signal: every channel of an event's recording +-30 s, the
#     width asked for, the event's channel among the labels; token required,
#     400 for a width over 4000, 404 for a path the store does not hold,
#     405 for POST (test_review_signal.c checks the values);
#   - POST /api/review stores verdict, Racine stage, reviewer and note (the
#     corrected type at the note's head) in ictus.db, strings verbatim;
#   - hostile requests: bad JSON 400 with a JSON error, missing or bad fields
#     400, an event not stored 404, an oversized body 413, a wrong method
#     405, traversal-style and file paths 404, a client that disconnects
#     mid-body; the server answers normally after all of them;
#   - the page's own script, run by node against the server with a stand-in
#     DOM: it lists the queue with its counts, j/k move, u and r store their
#     verdicts with the reviewer's name and move on, no data goes in as HTML;
#     the event view fetches the selected event's signal (+-30 s, as many
#     columns as the canvas has beside the labels) and draws each channel's
#     label, a vertical line per column and the event's edges where they fall;
#   - `ictus run` works on the study while it is served, the reviews kept;
#   - `ictus analyze` with [analysis] events = confirmed counts exactly the
#     confirmed events; with the default, all but the rejected one;
#   - SIGTERM stops the server with exit 0 and nothing on stderr (ASan: no
#     leak from the server's threads).
# Needs: $ICTUS, curl, sqlite3, python3 (JSON), node (the page's script).
set -u
. "$(dirname "$0")/shcheck.sh"

S=$W/study
"$ICTUS" synth --model ihka-mouse --animals 1 --days 1 --hours 2 --fs 250 --seed 3 -o "$S" \
    >/dev/null
"$ICTUS" run "$S" --settle 0 >/dev/null
ok "a study to review"
n_csv=$(($(wc -l <"$S/out/events.csv") - 1))
[ "$n_csv" -ge 4 ]
ok "the study has at least 4 events to review (it has $n_csv)"

# --- The command line ----------------------------------------------------------
"$ICTUS" serve >/dev/null 2>&1
eq "no study named: exit" "$?" 2
"$ICTUS" serve --help >"$W/out"
eq "serve --help: exit" "$?" 0
grep -q "^usage: ictus serve" "$W/out"
ok "serve --help: the usage text"
"$ICTUS" serve --port abc "$S" >/dev/null 2>&1
eq "--port abc: exit" "$?" 2
"$ICTUS" serve --port 70000 "$S" >/dev/null 2>&1
eq "--port 70000: exit" "$?" 2
"$ICTUS" serve --bind localhost:1 "$S" >/dev/null 2>&1
eq "--bind with no address literal: exit" "$?" 2
mkdir "$W/empty"
"$ICTUS" serve --port 0 "$W/empty" >/dev/null 2>"$W/err"
eq "a directory without ictus.db: exit" "$?" 2
grep -q "ictus.db: no such file" "$W/err"
ok "the message names the missing database"

# --- Start --------------------------------------------------------------------
serve_start "$S" --port 0
[[ "$line" =~ ^ictus\ serve:\ http://127\.0\.0\.1:([0-9]+)/\?token=([0-9a-f]{32})$ ]]
ok "the URL line: '$line'"
port=${BASH_REMATCH[1]}
tok=${BASH_REMATCH[2]}
base=http://127.0.0.1:$port

# HTTP status of a request: code URL [CURL OPTIONS...]; the body in $W/body.
code() {
    local url=$1
    shift
    curl -s -o "$W/body" -w '%{http_code}' --path-as-is "$@" "$base$url"
}
# JSON query over $W/body: jq EXPRESSION (Python, `d` is the document).
jq() { python3 -c "import json,sys; d=json.load(open('$W/body')); print($1)"; }

"$ICTUS" serve "$S" --port "$port" >/dev/null 2>"$W/err2"
eq "a second server on the same port: exit" "$?" 1

# --- The token ----------------------------------------------------------------
eq "GET / without token" "$(code /)" 403
eq "GET /api/events without token" "$(code /api/events)" 403
eq "POST /api/review without token" "$(code /api/review -d '{}')" 403
eq "GET /favicon.ico without token: no content (the browser's own request)" \
    "$(code /favicon.ico)" 204
eq "... and nothing in it" "$(curl -s "$base/favicon.ico" | wc -c)" 0
eq "POST /favicon.ico without token" "$(code /favicon.ico -d x)" 403
wrong=$(tr 0-9a-f 1-9a-f0 <<<"$tok")
eq "GET /api/events with a wrong token of the right length" "$(code "/api/events?token=$wrong")" 403
eq "... with the token cut short" "$(code "/api/events?token=${tok:0:31}")" 403
eq "... with the token and more" "$(code "/api/events?token=${tok}0")" 403
eq "... with a wrong header" "$(code /api/events -H "X-Ictus-Token: $wrong")" 403
eq "unknown paths without token are 403 too" "$(code /nothing)" 403
eq "the 403 body is a JSON error" "$(jq "d['error']")" "a valid token is required"
eq "GET /api/events with the header" "$(code /api/events -H "X-Ictus-Token: $tok")" 200
H=(-H "X-Ictus-Token: $tok")

# --- The page -------------------------------------------------------------------
curl -s -D "$W/headers" -o "$W/page" "$base/?token=$tok"
grep -q "^HTTP/1.1 200" "$W/headers"
ok "GET / with the token: 200"
grep -qi "^Content-Type: text/html; charset=utf-8" "$W/headers"
ok "the page is HTML"
grep -qi "^Referrer-Policy: no-referrer" "$W/headers"
ok "no referrer (the URL holds the token) is sent to other origins"
grep -i "^Content-Security-Policy:" "$W/headers" | grep -q "default-src 'none';.*connect-src 'self'"
ok "its content security policy allows connections to itself only"
grep -qi "^Access-Control-Allow-Origin" "$W/headers"
eq "no CORS header (other origins cannot read the answers)" "$?" 1
grep -q "<title>ictus review</title>" "$W/page"
ok "the page is the review page"
grep -Eqi "(src|href)=|https?://|//cdn" "$W/page"
eq "the page loads nothing from elsewhere" "$?" 1
grep -q "$tok" "$W/page"
eq "the token is not written into the page" "$?" 1
grep -q innerHTML "$W/page"
eq "the page never uses innerHTML" "$?" 1
sed -n '/^<script>$/,/^<\/script>$/p' "$W/page" | sed '1d;$d' >"$W/page.js"
node --check "$W/page.js"
ok "the page's script parses (node --check)"

# --- The event list -------------------------------------------------------------
eq "GET /api/events" "$(code /api/events "${H[@]}")" 200
eq "total" "$(jq "d['total']")" "$n_csv"
eq "unreviewed" "$(jq "d['unreviewed']")" "$n_csv"
jq "'\n'.join(sorted('%s,%s,%s,%.3f,%.3f,%s,%s' % (e['recording'], e['animal'], e['channel'],
    e['start_s'], e['end_s'], e['start'], e['type']) for e in d['events']))" >"$W/api.txt"
tail -n +2 "$S/out/events.csv" | cut -d, -f1-5,7,8 | sort >"$W/csv.txt"
diff "$W/csv.txt" "$W/api.txt"
ok "the listed events are those of out/events.csv (recording, animal, channel, edges, start, type)"
eq "lowest score first" "$(jq "[e['score'] for e in d['events']] == sorted(e['score'] for e in d['events'])")" True
eq "every event unreviewed" "$(jq "set((e['verdict'], e['racine']) for e in d['events'])")" "{('', -1)}"
eq "animals and types for the filters" "$(jq "d['animals'], d['types']")" "['M01'] ['hpd']"
jq "'\n'.join('%s %.3f %.3f %s' % (e['recording'], e['start_s'], e['end_s'], e['channel'])
    for e in d['events'])" >"$W/queue"
scores=$(jq "' '.join(repr(e['score']) for e in d['events'])")
code "/api/events?sort=time" "${H[@]}" >/dev/null
eq "sort=time: earliest first" "$(jq "[e['start'] for e in d['events']] == sorted(e['start'] for e in d['events'])")" True
eq "sort=time: every event" "$(jq "d['total']")" "$n_csv"
code "/api/events?animal=M01&type=hpd" "${H[@]}" >/dev/null
eq "animal=M01&type=hpd" "$(jq "d['total']")" "$n_csv"
code "/api/events?animal=M02" "${H[@]}" >/dev/null
eq "animal=M02 (none)" "$(jq "d['total'], d['animals']")" "0 ['M01']"
code "/api/events?type=convulsive" "${H[@]}" >/dev/null
eq "type=convulsive (none)" "$(jq "d['total']")" 0
mid=$(tr ' ' '\n' <<<"$scores" | sed -n 3p)
n_above=$(tr ' ' '\n' <<<"$scores" | awk -v m="$mid" '$1 >= m' | wc -l)
code "/api/events?min_score=$mid" "${H[@]}" >/dev/null
eq "min_score=$mid" "$(jq "d['total']")" "$n_above"
code "/api/events?max_score=$mid" "${H[@]}" >/dev/null
eq "max_score=$mid" "$(jq "d['total']")" 3
eq "reviewed=maybe" "$(code "/api/events?reviewed=maybe" "${H[@]}")" 400
eq "min_score=2" "$(code "/api/events?min_score=2" "${H[@]}")" 400
eq "max_score=abc" "$(code "/api/events?max_score=abc" "${H[@]}")" 400
eq "sort=size" "$(code "/api/events?sort=size" "${H[@]}")" 400
eq "the 400 says why" "$(jq "d['error']")" "sort: expected score or time"

# --- The signal around an event (test_review_signal.c checks the columns) ----------
read -r rec1 start1 end1 ch1 <<<"$(sed -n 1p "$W/queue")"
sig="/api/signal?recording=$rec1&animal=M01&t0_s=$(python3 -c "print($start1 - 30)")&t1_s=$(python3 -c "print($end1 + 30)")&width=800"
eq "GET /api/signal without token" "$(code "$sig")" 403
eq "GET /api/signal of the first event, +-30 s" "$(code "$sig" "${H[@]}")" 200
eq "every channel, 800 columns each" \
    "$(jq "len(d['channels']) > 0 and all(len(c['min']) == len(c['max']) == 800 for c in d['channels'])")" True
eq "the event's channel is among the labels" "$(jq "'$ch1' in [c['label'] for c in d['channels']]")" True
eq "filters=on" "$(code "$sig&filters=on" "${H[@]}")" 200
eq "width=4001" "$(code "${sig/width=800/width=4001}" "${H[@]}")" 400
eq "a recording the store does not hold" "$(code "${sig/recording=$rec1/recording=../../etc/passwd}" "${H[@]}")" 404
eq "POST /api/signal" "$(code "$sig" "${H[@]}" -d x)" 405

# --- Decisions ------------------------------------------------------------------
# review N VERDICT [EXTRA JSON]: decide the queue's Nth event (lowest score first).
review() {
    local rec start end ch
    read -r rec start end ch <<<"$(sed -n "$1p" "$W/queue")"
    code /api/review "${H[@]}" -H "Content-Type: application/json" -d "{\"recording\": \"$rec\",
        \"animal\": \"M01\", \"channel\": \"$ch\", \"start_s\": $start, \"end_s\": $end,
        \"verdict\": \"$2\", \"reviewer\": \"tech\"${3:-}}"
}
eq "confirm the 1st" "$(review 1 seizure)" 200
eq "the answer" "$(jq "d")" "{'ok': True}"
eq "confirm the 2nd, Racine 4" "$(review 2 seizure ', "racine": 4')" 200
eq "reject the 3rd" "$(review 3 not_seizure ', "note": "chewing <b>\"x\"</b> \\"')" 200
eq "unsure on the 4th, type corrected" \
    "$(review 4 unsure ', "type": "convulsive", "note": "looked clonic"')" 200
q() { sqlite3 "$S/ictus.db" "$1"; }
eq "reviews stored" "$(q "SELECT count(*) FROM reviews")" 4
eq "verdicts" "$(q "SELECT group_concat(verdict, ' ') FROM (SELECT verdict FROM reviews ORDER BY verdict)")" \
    "not_seizure seizure seizure unsure"
eq "the Racine stage" "$(q "SELECT racine FROM reviews WHERE racine IS NOT NULL")" 4
eq "the reviewer" "$(q "SELECT DISTINCT reviewer FROM reviews")" tech
eq "a note with markup and quotes, verbatim" "$(q "SELECT note FROM reviews WHERE verdict = 'not_seizure'")" \
    'chewing <b>"x"</b> \'
eq "the corrected type heads the note" "$(q "SELECT note FROM reviews WHERE verdict = 'unsure'")" \
    "type=convulsive; looked clonic"
code /api/events "${H[@]}" >/dev/null
eq "after the decisions: total, unreviewed" "$(jq "d['total'], d['unreviewed']")" "$n_csv $((n_csv - 4))"
eq "the note's event" "$(jq "d['events'][2]['verdict']")" not_seizure
code "/api/events?reviewed=no" "${H[@]}" >/dev/null
eq "reviewed=no" "$(jq "d['total']")" $((n_csv - 4))
code "/api/events?reviewed=yes" "${H[@]}" >/dev/null
eq "reviewed=yes" "$(jq "d['total'], d['unreviewed']")" "4 0"
eq "a changed decision (reject the 4th)" "$(review 4 not_seizure)" 200
eq "... keeps the earlier one (history): 5 decisions" "$(q "SELECT count(*) FROM reviews")" 5
eq "... the 4th now rejected" "$(q "SELECT count(*) FROM reviews WHERE verdict = 'not_seizure'")" 2

# --- Hostile requests -------------------------------------------------------------
eq "bad JSON" "$(code /api/review "${H[@]}" -d '{"recording": ')" 400
jq "d['error']" | grep -q "^bad JSON"
ok "a JSON error body: $(cat "$W/body")"
eq "not an object" "$(code /api/review "${H[@]}" -d '[1, 2]')" 400
eq "an empty body" "$(code /api/review "${H[@]}" -X POST)" 400
eq "a field missing" "$(code /api/review "${H[@]}" -d '{"recording": "r", "animal": "M01"}')" 400
eq "an unknown field" "$(review 1 seizure ', "extra": 1')" 400
eq "a bad verdict" "$(review 1 maybe)" 400
eq "the 400 says why" "$(jq "d['error']")" "verdict: expected seizure, not_seizure or unsure"
eq "Racine 9" "$(review 1 seizure ', "racine": 9')" 400
eq "a type too long" "$(review 1 seizure ', "type": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"')" 400
eq "a string where a number goes" \
    "$(code /api/review "${H[@]}" -d '{"recording": "r", "animal": "M01", "channel": "HPC",
        "start_s": "1", "end_s": 2, "verdict": "seizure"}')" 400
eq "an event not stored" \
    "$(code /api/review "${H[@]}" -d '{"recording": "../study.ini", "animal": "M01",
        "channel": "HPC", "start_s": 1, "end_s": 2, "verdict": "seizure"}')" 404
head -c 70000 /dev/zero | tr '\0' ' ' >"$W/big"
eq "a 70 kB body" "$(code /api/review "${H[@]}" --data-binary @"$W/big")" 413
eq "a 70 kB body, chunked (no length announced)" \
    "$(code /api/review "${H[@]}" -H "Transfer-Encoding: chunked" --data-binary @"$W/big")" 413
eq "GET on the POST route" "$(code /api/review "${H[@]}")" 405
eq "POST on a GET route" "$(code /api/events "${H[@]}" -d '{}')" 405
eq "PUT on the page" "$(code / "${H[@]}" -X PUT)" 405
eq "DELETE" "$(code /api/review "${H[@]}" -X DELETE)" 405
for path in /../study.ini /api/../../study.ini /%2e%2e/study.ini /study.ini /ictus.db \
    /recordings/ /api/events/ /api //etc/passwd /index.html; do
    eq "GET $path" "$(code "$path" "${H[@]}")" 404
done
# A client that announces a body, sends part of it and disconnects.
exec 3<>"/dev/tcp/127.0.0.1/$port"
printf 'POST /api/review?token=%s HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{"rec' "$tok" >&3
exec 3>&-
# One that sends garbage instead of HTTP.
exec 3<>"/dev/tcp/127.0.0.1/$port"
printf 'NOT HTTP AT ALL\r\n\r\n' >&3
exec 3>&-
eq "the server still answers" "$(code /api/events "${H[@]}")" 200
eq "with every event" "$(jq "d['total']")" "$n_csv"
eq "no decision was stored by the bad requests" "$(q "SELECT count(*) FROM reviews")" 5

# --- `ictus run` while served, then the analysis ------------------------------------
"$ICTUS" run "$S" --settle 0 >/dev/null 2>&1
eq "ictus run while the study is served: exit" "$?" 0
eq "the reviews kept" "$(q "SELECT count(*) FROM reviews")" 5
eq "the database is sound" "$(q "PRAGMA integrity_check")" ok

"$ICTUS" analyze "$S" >"$W/an" 2>&1
eq "analyze, every event but the rejected" \
    "$(grep -o '[0-9]* seizures.*review filter' "$W/an" | sed 's/ of .*events read,/:/')" \
    "$((n_csv - 2)) seizures: 2 left out by the review filter"
printf '[analysis]\nevents = confirmed\n' >>"$S/study.ini"
"$ICTUS" analyze "$S" >"$W/an" 2>&1
eq "analyze with events = confirmed: the confirmed only" \
    "$(grep -o '[0-9]* seizures.*review filter' "$W/an" | sed 's/ of .*events read,/:/')" \
    "2 seizures: $((n_csv - 2)) left out by the review filter"
eq "... as analysis-settings.txt records" \
    "$(grep -E '^(analysis.events|events_excluded|seizures)=' "$S/out/analysis-settings.txt" | sort | tr '\n' ' ')" \
    "analysis.events=confirmed events_excluded=$((n_csv - 2)) seizures=2 "

# --- The page's keys, against this server (tests/review_page.js: a stand-in DOM) ----
# The queue now: 2 confirmed, 2 rejected, 1 unreviewed (the last, highest score).
node tests/review_page.js "$W/page.js" "$base" "$tok" kjjjjukr >"$W/keys" 2>&1
eq "the page: counts, the row selected after each key, counts, no HTML from data" \
    "$(tr '\n' ' ' <"$W/keys")" \
    "$n_csv events, 1 left to review 0 1 2 3 4 4 3 4 $n_csv events, 0 left to review texts-only $(
    sed -n 12,13p "$W/keys" | tr '\n' ' ')"
read -r rec5 start5 end5 ch5 <<<"$(sed -n 5p "$W/queue")"
eq "the event view fetched the selected (5th) event +-30 s, 1000 columns (the canvas less labels)" \
    "$(sed -n 12p "$W/keys" | python3 -c "import sys; w = sys.stdin.read().split(); print(w[1], w[2],
        abs(float(w[3]) - ($start5 - 30)) < 1e-6, abs(float(w[4]) - ($end5 + 30)) < 1e-6, w[5])")" \
    "$rec5 M01 True True 1000"
read -r _ labels _ traces _ edges _ scales <<<"$(sed -n 13p "$W/keys")"
code "${sig/recording=$rec1/recording=$rec5}" "${H[@]}" >/dev/null
eq "the canvas holds each channel's label" "$labels" "$(jq "'|'.join(c['label'] for c in d['channels'])")"
read -r _ _ _ t0_5 t1_5 w5 <<<"$(sed -n 12p "$W/keys")"
code "/api/signal?recording=$rec5&animal=M01&t0_s=$t0_5&t1_s=$t1_5&width=$w5" "${H[@]}" >/dev/null
eq "... and its scale: half a row in µV (gain 1), to 3 digits" "$scales" "$(jq "'|'.join(
    '\u00b1%g_\u00b5V' % float('%.3g' % ((max(v for v in c['max'] if v is not None) -
                                          min(v for v in c['min'] if v is not None)) / 2))
    for c in d['channels'])")"
[ "$traces" -ge 1000 ]
ok "the traces are drawn, a vertical line per column ($traces)"
eq "the event's edges at 30 s and 30 s + its duration into the window of 1000 px after the labels" \
    "$edges" "$(python3 -c "w = $end5 - $start5 + 60; print('%.1f,%.1f' % (70 + 30 / w * 1000, 70 + (w - 30) / w * 1000))")"
eq "u stored the last event as unsure, r the 4th as rejected, by the page's reviewer" \
    "$(q "SELECT verdict, reviewer FROM reviews WHERE reviewer = 'page' ORDER BY verdict")" \
    "not_seizure|page
unsure|page"
eq "decisions in all (history kept)" "$(q "SELECT count(*) FROM reviews")" 7

# --- Stop -------------------------------------------------------------------------
kill -TERM "$pid"
wait "$pid"
eq "SIGTERM: exit" "$?" 0
eq "nothing on stderr (no sanitizer report)" "$(cat "$W/serve.err")" ""
curl -s -o /dev/null "$base/" 2>/dev/null
[ $? -ne 0 ]
ok "the port is closed after the stop"
check_done test_serve.sh
