#!/usr/bin/env bash
# test_serve.sh: `ictus serve STUDY_DIR`, the review server (issue 10's first
# slice), end to end over HTTP with curl on a small synthetic study.
#
# Proves:
#   - a wrong command line, a study without ictus.db, a port in use: exit 2,
#     2, 1; a started server prints one URL line with a 32-hex-digit token;
#   - every request without the token, or with a wrong one, is 403 (the page: 401, a form
#     asking for the token that keeps a link's event=REF, escaped, under a CSP; /api/locate
#     turns the report gallery's REF into the event's handle); the token
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
#   - POST /api/review appends decisions (verdict, Racine stage, reviewer, note verbatim, the
#     corrected type in its column, corrected edges in µs), named in full or by the event's
#     handle; a changed decision keeps the earlier one, and GET /api/history lists both,
#     newest first; the list shows the current decision and filters by the type as it counts;
#   - hostile requests: bad JSON 400 with a JSON error, missing, unknown or mistyped fields,
#     a handle and a recording both, one corrected edge, reversed edges, too deep nesting, a
#     label too long: 400; an event not stored, an unknown handle, a path as a handle: 404; an
#     oversized body 413, a wrong method 405, traversal-style and file paths 404, a client
#     that disconnects mid-body; the server answers normally after all of them;
#   - the page's own script, run by node against the server with a stand-in
#     DOM: it lists the queue with its counts, j/k move, u and r store their
#     verdicts with the reviewer's name and move on, no data goes in as HTML;
#     the event view fetches the selected event's signal (+-30 s, as many
#     columns as the canvas has beside the labels) and draws each channel's
#     label, a vertical line per column and the event's edges where they fall;
#   - `ictus run` works on the study while it is served, the reviews kept;
#   - `ictus analyze` with [analysis] events = confirmed counts exactly the
#     confirmed events; with the default, all but the rejected one;
#   - an added event (a missed seizure) is listed as added, without a score, and counted
#     by `ictus analyze` until it is rejected;
#   - a re-run that no longer finds the reviewed events lists their decisions as "not
#     re-detected" (they can still be decided); a re-run that finds them again brings
#     every decision back with its event;
#   - blinded (blind=REVIEWER): pseudonyms, no animal ID, recording path or date in the
#     list, the signal (by handle) or the history; the same pseudonym and shuffled order
#     each time, another for another reviewer; the reviewer's own decisions only;
#     POST /api/unblind answers the mapping and is logged in the audit log (bad bodies are
#     refused and not logged);
#   - two reviewers: GET /api/agreement gives percent agreement and Cohen's kappa per type
#     and the disagreements by handle; an adjudicating decision is a newer decision;
#   - SIGTERM stops the server with exit 0 and nothing on stderr (ASan: no
#     leak from the server's threads).
# Needs: $ICTUS, curl, sqlite3, python3 (JSON), node (the page's script).
set -u
. "$(dirname "$0")/shcheck.sh"
# The interpreter itself, found once: a version manager's python3 is a script that costs a
# fraction of a second per call, and this test calls it for every JSON answer.
python3=$(python3 -c 'import sys; print(sys.executable)')

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
jq() { "$python3" -c "import json,sys; d=json.load(open('$W/body')); print($1)"; }

"$ICTUS" serve "$S" --port "$port" >/dev/null 2>"$W/err2"
eq "a second server on the same port: exit" "$?" 1

# --- The token ----------------------------------------------------------------
eq "GET / without token: 401, the form asking for it" "$(code /)" 401
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

# --- A link from the report's gallery: /?event=REF (the event's stable reference) ------
ref=$("$python3" - "$S/out/report/index.html" <<'EOF2'
import json, re, sys
h = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r'<script type="application/json" id="data-gallery-1">(.*?)</script>', h, re.S)
print(json.loads(m.group(1))["cards"][0]["ref"] if m else "")
EOF2
)
[[ "$ref" =~ ^[0-9a-f]{16}$ ]]
ok "the report's gallery links to an event by its reference ($ref)"
curl -s -D "$W/headers" -o "$W/form" --path-as-is "$base/?event=$ref"
grep -q "^HTTP/1.1 401" "$W/headers"
ok "the link without the token: 401"
grep -i "^Content-Security-Policy:" "$W/headers" | grep -q "default-src 'none';.*form-action 'self'"
ok "... with a content security policy (no script; its form goes back to the server)"
grep -qi "^WWW-Authenticate:" "$W/headers"
ok "... and a WWW-Authenticate header"
grep -q '<form method="get" action="/">' "$W/form" && grep -q 'name="token"' "$W/form"
ok "the 401 page is a form asking for the token"
grep -q "<input type=\"hidden\" name=\"event\" value=\"$ref\">" "$W/form"
ok "... that sends the event again"
grep -qi "<script\|M01\|recordings/\|ihka" "$W/form"
eq "... and shows nothing of the study, and runs no script" "$?" 1
code '/?event=%22%3E%3Cscript%3Ealert(1)%3C/script%3E' >/dev/null
grep -q '<script>alert' "$W/body"
eq "a hostile event= is escaped in the form" "$?" 1
grep -q '&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;' "$W/body"
ok "... as entities"
eq "GET / with the token and event=: the page" "$(code "/?token=$tok&event=$ref")" 200
eq "GET /api/locate without token" "$(code "/api/locate?ref=$ref")" 403
eq "GET /api/locate?ref=REF" "$(code "/api/locate?ref=$ref" "${H[@]}")" 200
handle=$(jq "d['id']")
code /api/events "${H[@]}" >/dev/null
eq "... answers the handle of a listed event" \
    "$(jq "sum(1 for e in d['events'] if e['id'] == '$handle')")" 1
eq "GET /api/locate with a bad ref" "$(code "/api/locate?ref=xyz" "${H[@]}")" 400
eq "GET /api/locate with no such event" "$(code "/api/locate?ref=0000000000000000" "${H[@]}")" 404

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
eq "animals and types for the filters (the preset's types too)" "$(jq "d['animals'], d['types']")" \
    "['M01'] ['convulsive', 'hpd']"
eq "days and periods for the filters (no dosing.csv: no period)" "$(jq "d['days'], d['periods']")" \
    "['2026-01-05'] []"
eq "every entry a detected event with a handle" \
    "$(jq "set((e['kind'], len(e['id'])) for e in d['events']), len(set(e['id'] for e in d['events']))")" \
    "{('detected', 16)} $n_csv"
jq "'\n'.join('%s %.3f %.3f %s %s' % (e['recording'], e['start_s'], e['end_s'], e['channel'],
    e['id']) for e in d['events'])" >"$W/queue"
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
n_below=$(tr ' ' '\n' <<<"$scores" | awk -v m="$mid" '$1 <= m' | wc -l)
code "/api/events?max_score=$mid" "${H[@]}" >/dev/null
eq "max_score=$mid (calibrated scores may tie)" "$(jq "d['total']")" "$n_below"
eq "reviewed=maybe" "$(code "/api/events?reviewed=maybe" "${H[@]}")" 400
eq "min_score=2" "$(code "/api/events?min_score=2" "${H[@]}")" 400
eq "max_score=abc" "$(code "/api/events?max_score=abc" "${H[@]}")" 400
eq "sort=size" "$(code "/api/events?sort=size" "${H[@]}")" 400
eq "the 400 says why" "$(jq "d['error']")" "sort: expected score or time"

# --- The signal around an event (test_review_signal.c checks the columns) ----------
read -r rec1 start1 end1 ch1 _ <<<"$(sed -n 1p "$W/queue")"
sig="/api/signal?recording=$rec1&animal=M01&t0_s=$("$python3" -c "print($start1 - 30)")&t1_s=$("$python3" -c "print($end1 + 30)")&width=800"
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
    read -r rec start end ch _ <<<"$(sed -n "$1p" "$W/queue")"
    code /api/review "${H[@]}" -H "Content-Type: application/json" -d "{\"recording\": \"$rec\",
        \"animal\": \"M01\", \"channel\": \"$ch\", \"start_s\": $start, \"end_s\": $end,
        \"verdict\": \"$2\", \"reviewer\": \"tech\"${3:-}}"
}
eq "confirm the 1st" "$(review 1 seizure)" 200
eq "the answer: ok and the event's handle" "$(jq "d['ok'], d['id']")" "True $(sed -n 1p "$W/queue" | cut -d' ' -f5)"
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
eq "the corrected type in its column, the note as written" \
    "$(q "SELECT type, note FROM reviews WHERE verdict = 'unsure'")" "convulsive|looked clonic"
code /api/events "${H[@]}" >/dev/null
eq "after the decisions: total, unreviewed" "$(jq "d['total'], d['unreviewed']")" "$n_csv $((n_csv - 4))"
eq "the note's event" "$(jq "d['events'][2]['verdict'], d['events'][2]['note']")" \
    'not_seizure chewing <b>"x"</b> \'
eq "the corrected type listed" "$(jq "d['events'][3]['type'], d['events'][3]['ctype']")" "hpd convulsive"
code "/api/events?type=convulsive" "${H[@]}" >/dev/null
eq "type=convulsive: the type as it counts" "$(jq "d['total']")" 1
code "/api/events?reviewed=no" "${H[@]}" >/dev/null
eq "reviewed=no" "$(jq "d['total']")" $((n_csv - 4))
code "/api/events?reviewed=yes" "${H[@]}" >/dev/null
eq "reviewed=yes" "$(jq "d['total'], d['unreviewed']")" "4 0"
id4=$(sed -n 4p "$W/queue" | cut -d' ' -f5)
decide() { # ID VERDICT [EXTRA JSON]: a decision by the event's handle
    code /api/review "${H[@]}" -d "{\"event\": \"$1\", \"verdict\": \"$2\", \"reviewer\": \"tech\"${3:-}}"
}
eq "a changed decision, by handle, with corrected edges (reject the 4th)" \
    "$(decide "$id4" not_seizure ', "corrected_start_s": 1.5, "corrected_end_s": 9.25')" 200
eq "... kept beside the earlier one (5 rows)" "$(q "SELECT count(*) FROM reviews")" 5
eq "... the corrected edges in µs" \
    "$(q "SELECT fixed_start_us, fixed_end_us FROM reviews WHERE fixed_start_us IS NOT NULL")" \
    "1500000|9250000"
code "/api/events?reviewed=yes" "${H[@]}" >/dev/null
eq "... the 4th now rejected, with its edges" \
    "$(jq "[(e['verdict'], e['cstart_s'], e['cend_s'], e['duration_s']) for e in d['events'] if e['id'] == '$id4']")" \
    "[('not_seizure', 1.5, 9.25, 7.75)]"
eq "GET /api/history of the 4th" "$(code "/api/history?event=$id4" "${H[@]}")" 200
eq "... both decisions, newest first" \
    "$(jq "[(h['verdict'], h['type'], h['corrected_start_s'], h['reviewer'], h['note']) for h in d['history']]")" \
    "[('not_seizure', '', 1.5, 'tech', ''), ('unsure', 'convulsive', None, 'tech', 'looked clonic')]"
eq "... each with its time (UTC)" "$(jq "all(h['time'].endswith('Z') for h in d['history'])")" True
eq "history without an event" "$(code /api/history "${H[@]}")" 400
eq "history of an unknown handle" "$(code "/api/history?event=0123456789abcdef" "${H[@]}")" 404
eq "history of a path" "$(code "/api/history?event=../../etc/passwd" "${H[@]}")" 404
eq "POST /api/history" "$(code /api/history "${H[@]}" -d x)" 405

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
eq "a handle and a recording both" "$(code /api/review "${H[@]}" -d "{\"event\": \"$id4\",
    \"recording\": \"$rec1\", \"animal\": \"M01\", \"verdict\": \"seizure\"}")" 400
eq "a handle and edges both" "$(decide "$id4" seizure ', "start_s": 1, "end_s": 2')" 400
eq "an unknown handle" "$(decide 0123456789abcdef seizure)" 404
eq "a path for a handle" "$(decide ../../etc/passwd seizure)" 404
eq "a handle of the wrong type" "$(code /api/review "${H[@]}" -d '{"event": 5, "verdict": "seizure"}')" 400
eq "one corrected edge only" "$(decide "$id4" seizure ', "corrected_start_s": 1')" 400
eq "corrected edges reversed" "$(decide "$id4" seizure ', "corrected_start_s": 9, "corrected_end_s": 1')" 400
eq "corrected edges not numbers" "$(decide "$id4" seizure ', "corrected_start_s": "a", "corrected_end_s": 1')" 400
eq "added without a channel" "$(decide "$id4" seizure ', "added": true, "start_s": 1, "end_s": 2')" 400
eq "added with corrected edges" "$(decide "$id4" seizure ', "added": true, "channel": "HPC",
    "start_s": 1, "end_s": 2, "corrected_start_s": 1, "corrected_end_s": 2')" 400
eq "added: not a boolean" "$(decide "$id4" seizure ', "added": "yes", "channel": "HPC", "start_s": 1, "end_s": 2')" 400
eq "added to a recording the store does not hold" "$(code /api/review "${H[@]}" -d '{"added": true,
    "recording": "../../etc/passwd", "animal": "M01", "channel": "HPC", "start_s": 1, "end_s": 2,
    "verdict": "seizure"}')" 404
eq "added with a channel label too long" "$(decide "$id4" seizure ', "added": true,
    "channel": "'"$(printf 'a%.0s' $(seq 64))"'", "start_s": 1, "end_s": 2')" 400
eq "a verdict of another JSON type" "$(decide "$id4" seizure ', "verdict": 1')" 400
eq "nesting" "$(code /api/review "${H[@]}" -d "$(printf '%.0s[' $(seq 5000))")" 400
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
read -r rec5 start5 end5 ch5 _ <<<"$(sed -n 5p "$W/queue")"
id5=$(sed -n 5p "$W/queue" | cut -d' ' -f5)
eq "the event view fetched the selected (5th) event by its handle +-30 s, 1000 columns (the canvas less labels)" \
    "$(sed -n 12p "$W/keys" | "$python3" -c "import sys; w = sys.stdin.read().split(); print(w[1],
        abs(float(w[2]) - ($start5 - 30)) < 1e-6, abs(float(w[3]) - ($end5 + 30)) < 1e-6, w[4])")" \
    "$id5 True True 1000"
read -r _ labels _ traces _ edges _ scales <<<"$(sed -n 13p "$W/keys")"
code "${sig/recording=$rec1/recording=$rec5}" "${H[@]}" >/dev/null
eq "the canvas holds each channel's label" "$labels" "$(jq "'|'.join(c['label'] for c in d['channels'])")"
read -r _ _ t0_5 t1_5 w5 <<<"$(sed -n 12p "$W/keys")"
code "/api/signal?event=$id5&t0_s=$t0_5&t1_s=$t1_5&width=$w5" "${H[@]}" >/dev/null
cp "$W/body" "$W/by-handle"
code "/api/signal?recording=$rec5&animal=M01&t0_s=$t0_5&t1_s=$t1_5&width=$w5" "${H[@]}" >/dev/null
cmp -s "$W/body" "$W/by-handle"
ok "the signal by handle is the signal by recording and animal"
eq "... and its scale: half a row in µV (gain 1), to 3 digits" "$scales" "$(jq "'|'.join(
    '\u00b1%g_\u00b5V' % float('%.3g' % ((max(v for v in c['max'] if v is not None) -
                                          min(v for v in c['min'] if v is not None)) / 2))
    for c in d['channels'])")"
[ "$traces" -ge 1000 ]
ok "the traces are drawn, a vertical line per column ($traces)"
eq "the event's edges at 30 s and 30 s + its duration into the window of 1000 px after the labels" \
    "$edges" "$("$python3" -c "w = $end5 - $start5 + 60; print('%.1f,%.1f' % (70 + 30 / w * 1000, 70 + (w - 30) / w * 1000))")"
eq "u stored the last event as unsure, r the 4th as rejected, by the page's reviewer" \
    "$(q "SELECT verdict, reviewer FROM reviews WHERE reviewer = 'page' ORDER BY verdict")" \
    "not_seizure|page
unsure|page"
# On a decided event (the 1st), t, 3 and x are each stored at once: the next type, Racine 3,
# no Racine (each a decision of its own, the verdict kept).
node tests/review_page.js "$W/page.js" "$base" "$tok" t3x >"$W/keys2" 2>&1
eq "t, 3, x on the 1st event: the selection stays" "$(sed -n 2,4p "$W/keys2" | tr '\n' ' ')" "0 0 0 "
eq "... three decisions, each stored at once" \
    "$(q "SELECT verdict, type, coalesce(racine, '-') FROM reviews WHERE reviewer = 'page'
          AND start_us = $("$python3" -c "print(round($start1 * 1e6))") ORDER BY id" | tr '\n' ' ')" \
    "seizure|convulsive|- seizure|convulsive|3 seizure|convulsive|- "
eq "reviews in all" "$(q "SELECT count(*) FROM reviews")" 10

# --- Added events -----------------------------------------------------------------
# (study.ini has [analysis] events = confirmed now: 2 confirmed events counted.)
eq "add a missed seizure (by recording and animal)" "$(code /api/review "${H[@]}" -d "{\"added\": true,
    \"recording\": \"$rec1\", \"animal\": \"M01\", \"channel\": \"CTX\", \"start_s\": 100,
    \"end_s\": 130.5, \"verdict\": \"seizure\", \"type\": \"hpd\", \"reviewer\": \"tech\"}")" 200
added_id=$(jq "d['id']")
code /api/events "${H[@]}" >/dev/null
eq "listed as added, without a score" \
    "$(jq "[(e['kind'], e['channel'], e['start_s'], e['end_s'], e['score'], e['verdict']) for e in d['events'] if e['id'] == '$added_id']")" \
    "[('added', 'CTX', 100.0, 130.5, None, 'seizure')]"
eq "... counted" "$(jq "d['total'], d['added'], d['unreviewed']")" "$((n_csv + 1)) 1 0"
eq "stored as added" "$(q "SELECT added, channel, start_us, end_us, type FROM reviews WHERE added = 1")" \
    "1|CTX|100000000|130500000|hpd"
"$ICTUS" analyze "$S" >"$W/an" 2>&1
eq "analyze counts it (events = confirmed)" "$(grep -o '[0-9]* seizures of' "$W/an")" "3 seizures of"
eq "reject the added event, by its handle" "$(decide "$added_id" not_seizure)" 200
eq "... still one added entry, now rejected" \
    "$(code /api/events "${H[@]}" >/dev/null; jq "[(e['kind'], e['verdict'], e['type']) for e in d['events'] if e['kind'] == 'added']")" \
    "[('added', 'not_seizure', 'hpd')]"
"$ICTUS" analyze "$S" >"$W/an" 2>&1
eq "analyze no longer counts it" "$(grep -o '[0-9]* seizures of' "$W/an")" "2 seizures of"

# --- Reviewed, not re-detected --------------------------------------------------------
# A detector that keeps no event (min_duration_s 3600 s): every reviewed event's decision stays,
# listed as "not re-detected"; the old detector back, each finds its event again.
n_reviewed=$(code "/api/events?reviewed=yes" "${H[@]}" >/dev/null; jq "d['total'] - d['added']")
cp "$S/study.ini" "$W/study.ini"
printf '[detector]\nmin_duration_s = 3600\n' >>"$S/study.ini"
"$ICTUS" run "$S" --settle 0 >/dev/null 2>&1
eq "a re-run that finds no event: exit" "$?" 0
code /api/events "${H[@]}" >/dev/null
eq "the reviewed events listed as not re-detected, the added one kept" \
    "$(jq "d['total'], d['orphans'], d['added'], sorted(set(e['kind'] for e in d['events']))")" \
    "$((n_reviewed + 1)) $n_reviewed 1 ['added', 'orphan']"
orphan_id=$(jq "[e['id'] for e in d['events'] if e['kind'] == 'orphan'][0]")
eq "a decision on a not re-detected entry" "$(decide "$orphan_id" unsure)" 200
eq "... its history has it" "$(code "/api/history?event=$orphan_id" "${H[@]}" >/dev/null; jq "d['history'][0]['verdict']")" unsure
cp "$W/study.ini" "$S/study.ini"
"$ICTUS" run "$S" --settle 0 >/dev/null 2>&1
code /api/events "${H[@]}" >/dev/null
eq "re-detected: every event back, the decisions with them" "$(jq "d['total'], d['orphans'], d['total'] - d['unreviewed']")" \
    "$((n_csv + 1)) 0 $((n_reviewed + 1))"

# --- Blinded review ----------------------------------------------------------------
eq "GET /api/events?blind=ann" "$(code "/api/events?blind=ann" "${H[@]}")" 200
cp "$W/body" "$W/blind1"
grep -Eq "M01|recordings/|\.edf|2026-01-05" "$W/blind1"
eq "blinded: no animal ID, recording or date in the answer" "$?" 1
eq "... pseudonyms, no recording, start, day or period" \
    "$(jq "sorted(set(e['animal'] for e in d['events']))[0][:2], len(d['animals']),
    [k for k in ('recording', 'start', 'day', 'period') if any(k in e for e in d['events'])]")" "A- 1 []"
eq "... every detected event (the added one is another reviewer's), none decided by ann" \
    "$(jq "d['total'], d['unreviewed'], d['added']")" "$n_csv $n_csv 0"
ann=$(jq "d['animals'][0]")
blind_order=$(jq "' '.join(e['id'] for e in d['events'])")
code "/api/events?blind=ann" "${H[@]}" >/dev/null
eq "... the same pseudonym and order each time" "$(jq "d['animals'][0], ' '.join(e['id'] for e in d['events'])")" \
    "$ann $blind_order"
# Each reviewer's key is random: any one order may match another by chance (1 in 5! here),
# three reviewers' orders all matching ann's or the score order would not.
code "/api/events" "${H[@]}" >/dev/null
score_order=$(jq "' '.join(e['id'] for e in d['events'] if e['kind'] == 'detected')")
orders=""
for r in bob carol dave; do
    code "/api/events?blind=$r" "${H[@]}" >/dev/null
    [ "$(jq "d['animals'][0]")" != "$ann" ]
    ok "$r: another pseudonym than ann's"
    orders="$orders$(jq "' '.join(e['id'] for e in d['events'])")
"
done
[ "$(printf '%s\n%s' "$blind_order" "$orders" | sort -u | grep -c .)" -ge 2 ] &&
    printf '%s\n%s' "$blind_order" "$orders" | grep -vqx "$score_order"
ok "the orders are shuffles: not all alike, not all the score order"
code "/api/events?blind=ann&animal=$ann" "${H[@]}" >/dev/null
eq "... the animal filter takes the pseudonym" "$(jq "d['total']")" "$n_csv"
bid=$(echo "$blind_order" | cut -d' ' -f1)
read -r _ bstart _ <<<"$(code /api/events "${H[@]}" >/dev/null; jq "[(e['id'], e['start_s']) for e in d['events'] if e['id'] == '$bid'][0]" | tr -d "(),'")"
eq "the blinded signal, by handle" "$(code "/api/signal?event=$bid&blind=ann&t0_s=$bstart&t1_s=$("$python3" -c "print($bstart + 20)")&width=100" "${H[@]}")" 200
grep -Eq "M01|recordings/|\.edf|2026-01-05" "$W/body"
eq "... names nothing either (no start)" "$?" 1
eq "... holds the channels" "$(jq "len(d['channels']), 'start' in d")" "2 False"
eq "a decision by handle, by ann" "$(code /api/review "${H[@]}" -d "{\"event\": \"$bid\", \"verdict\": \"seizure\", \"reviewer\": \"ann\"}")" 200
grep -q "M01\|recordings/" "$W/body"
eq "... its answer names nothing" "$?" 1
code "/api/events?blind=ann" "${H[@]}" >/dev/null
eq "ann sees her decision" "$(jq "[e['verdict'] for e in d['events'] if e['id'] == '$bid']")" "['seizure']"
code "/api/events?blind=bob" "${H[@]}" >/dev/null
eq "bob does not" "$(jq "[e['verdict'] for e in d['events'] if e['id'] == '$bid']")" "['']"
code "/api/history?event=$bid&blind=ann" "${H[@]}" >/dev/null
eq "ann's blinded history: her decision only" "$(jq "[h['reviewer'] for h in d['history']]")" "['ann']"
grep -Eq "M01|recordings/|\.edf" "$W/body"
eq "... naming nothing" "$?" 1
eq "no unblinding logged yet" "$(q "SELECT count(*) FROM review_audit")" 0
eq "POST /api/unblind ann" "$(code /api/unblind "${H[@]}" -d '{"reviewer": "ann"}')" 200
eq "... the mapping" "$(jq "d['reviewer'], [(m['pseudonym'], m['animal']) for m in d['animals']]")" \
    "ann [('$ann', 'M01')]"
eq "... logged in the audit log" "$(q "SELECT reviewer, action FROM review_audit")" "ann|unblind"
eq "unblind: no reviewer" "$(code /api/unblind "${H[@]}" -d '{}')" 400
eq "unblind: an empty name" "$(code /api/unblind "${H[@]}" -d '{"reviewer": ""}')" 400
eq "unblind: an unknown field" "$(code /api/unblind "${H[@]}" -d '{"reviewer": "ann", "all": true}')" 400
eq "unblind: bad JSON" "$(code /api/unblind "${H[@]}" -d '{"reviewer": ')" 400
eq "unblind: GET" "$(code "/api/unblind?reviewer=ann" "${H[@]}")" 405
eq "unblind without the token" "$(code /api/unblind -d '{"reviewer": "ann"}')" 403
eq "unblind: a 70 kB body" "$(code /api/unblind "${H[@]}" --data-binary @"$W/big")" 413
eq "... none of them logged" "$(q "SELECT count(*) FROM review_audit")" 1

# --- Two reviewers --------------------------------------------------------------------
# ann: seizure on the blinded event (above) and on another; bob: seizure, then not_seizure.
bid2=$(echo "$blind_order" | cut -d' ' -f2)
for d in "$bid2 seizure ann" "$bid seizure bob" "$bid2 not_seizure bob"; do
    read -r e v r <<<"$d"
    code /api/review "${H[@]}" -d "{\"event\": \"$e\", \"verdict\": \"$v\", \"reviewer\": \"$r\"}" >/dev/null
done
eq "GET /api/agreement?a=ann&b=bob" "$(code "/api/agreement?a=ann&b=bob" "${H[@]}")" 200
eq "... all: 2 events, 50 % agreement, kappa 0 (ann said seizure to both)" \
    "$(jq "[(t['type'], t['n'], t['agreement'], t['kappa']) for t in d['types']][0]")" "('all', 2, 0.5, 0.0)"
eq "... the disagreement to adjudicate, by handle" \
    "$(jq "[(x['id'], x['a'], x['b']) for x in d['disagreements']]")" "[('$bid2', 'seizure', 'not_seizure')]"
eq "agreement without b" "$(code "/api/agreement?a=ann" "${H[@]}")" 400
eq "agreement of one reviewer with herself" "$(code "/api/agreement?a=ann&b=ann" "${H[@]}")" 400
eq "agreement: POST" "$(code "/api/agreement?a=ann&b=bob" "${H[@]}" -d x)" 405
eq "an adjudicating decision is a newer decision" "$(decide "$bid2" not_seizure)" 200
code "/api/events" "${H[@]}" >/dev/null
eq "... the event's current verdict" "$(jq "[(e['verdict'], e['reviewer']) for e in d['events'] if e['id'] == '$bid2']")" \
    "[('not_seizure', 'tech')]"
eq "the server still answers, the database sound" "$(code /api/events "${H[@]}") $(q "PRAGMA integrity_check")" "200 ok"

# --- Stop -------------------------------------------------------------------------
kill -TERM "$pid"
wait "$pid"
eq "SIGTERM: exit" "$?" 0
eq "nothing on stderr (no sanitizer report)" "$(cat "$W/serve.err")" ""
curl -s -o /dev/null "$base/" 2>/dev/null
[ $? -ne 0 ]
ok "the port is closed after the stop"
check_done test_serve.sh
