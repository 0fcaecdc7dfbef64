#!/usr/bin/env bash
# test_review_concurrency.sh: `ictus run` on a growing study while a reviewer posts
# decisions through `ictus serve` without pause (issue 10: "no decision is lost or blocks
# the run").
#
# A drug study of 2 animals x 4 one-hour files (250 Hz) starts with the first file of each
# animal; `ictus run` runs again after each pair of new files is moved in (4 runs), while
# a client (python3, one connection per request) lists the events (GET /api/events) and
# posts a decision on one of them (POST /api/review), each with a unique note, until the
# runs are done.  A 503 (the database busy) is retried until stored; a 404 (the event gone)
# does not happen here (files are only added).
#
# Proves:
#   - every decision answered 200 is in ictus.db: the count, and each one's recording,
#     channel, start, verdict and reviewer (found by its note);
#   - no POST was answered 500 (nor anything but 200 and retried 503s); every run
#     completed (runs.status ok, as many runs as started) and found the new files' events;
#   - PRAGMA integrity_check is ok after it all;
#   - the longest POST round trip is printed (the figure for the README).
# Needs: $ICTUS, python3, sqlite3.
set -u
. "$(dirname "$0")/shcheck.sh"

S=$W/study
"$ICTUS" synth --model ihka-mouse --animals 2 --protocol asm --hours 1 --fs 250 --min-rate 80 \
    --baseline 2h --drug 1h --washout 0 --seed 11 -o "$S" >/dev/null
ok "a study of 8 files"
mkdir "$W/later"
mv "$S"/recordings/* "$W/later/"
cp "$S/recordings.csv" "$W/recordings.csv"
mapfile -t files < <(ls "$W/later")
[ "${#files[@]}" -eq 8 ]
ok "8 files to add (${#files[@]})"

add_files() { # N...: move files[N] into the study; recordings.csv lists the files present
    for n in "$@"; do
        mv "$W/later/${files[$n]}" "$S/recordings/"
    done
    { head -1 "$W/recordings.csv"
      for f in "$S"/recordings/*; do grep "^$(basename "$f")," "$W/recordings.csv"; done
    } >"$S/recordings.csv"
}
add_files 0 4
"$ICTUS" run "$S" --settle 0 >/dev/null
ok "the first run"

serve_start --port 0 "$S"
url=${line#ictus serve: }
[ -n "$url" ]
ok "serving ($line)"
base=${url%%/\?token=*}
token=${url##*token=}

cat >"$W/client.py" <<'EOF'
import json, sys, time, os, urllib.request, urllib.error
base, token, log, stop = sys.argv[1:5]
H = {"X-Ictus-Token": token}
def call(path, body=None):
    req = urllib.request.Request(base + path, data=body, headers=H)
    if body is not None:
        req.add_header("Content-Type", "application/json")
    t0 = time.monotonic()
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            code, data = r.status, r.read()
    except urllib.error.HTTPError as e:
        code, data = e.code, e.read()
    return code, data, time.monotonic() - t0
stats = {"ok": 0, "busy": 0, "other": {}, "max_post_s": 0.0, "lists": 0, "first_total": -1,
         "last_total": 0}
verdicts = ["seizure", "not_seizure", "unsure"]
n = 0
with open(log, "w") as out:
    while not os.path.exists(stop) or n < 20:
        code, data, _ = call("/api/events")
        if code != 200:
            stats["other"][str(code)] = stats["other"].get(str(code), 0) + 1
            continue
        stats["lists"] += 1
        events = [e for e in json.loads(data)["events"] if e.get("kind", "detected") == "detected"]
        if stats["first_total"] < 0:
            stats["first_total"] = len(events)
        if not events:
            continue
        e = events[n % len(events)]
        d = {k: e[k] for k in ("recording", "animal", "channel", "start_s", "end_s")}
        d.update(verdict=verdicts[n % 3], reviewer="client", note="n%d" % n)
        body = json.dumps(d).encode()
        while True:
            code, data, dt = call("/api/review", body)
            stats["max_post_s"] = max(stats["max_post_s"], dt)
            if code != 503:
                break
            stats["busy"] += 1
        if code == 200:
            stats["ok"] += 1
            out.write("%s|%s|%d|%s|client|n%d\n" % (d["recording"], d["channel"],
                      round(d["start_s"] * 1e6), d["verdict"], n))
            out.flush()
        else:
            stats["other"][str(code)] = stats["other"].get(str(code), 0) + 1
        n += 1
code, data, _ = call("/api/events")
stats["last_total"] = len(json.loads(data)["events"]) if code == 200 else -1
print(json.dumps(stats))
EOF
python3 "$W/client.py" "$base" "$token" "$W/posted" "$W/stop" >"$W/stats" 2>"$W/client.err" &
client=$!
runs=1
for pair in "1 5" "2 6" "3 7"; do
    # shellcheck disable=SC2086
    add_files $pair
    "$ICTUS" run "$S" --settle 0 >"$W/run.out" 2>&1
    eq "run $((runs + 1)) with files $pair added: exit" "$?" 0
    runs=$((runs + 1))
done
touch "$W/stop"
wait "$client"
eq "the client finished" "$?" 0
kill -TERM "$pid"
wait "$pid"
eq "the server stopped cleanly" "$?" 0

stats=$(cat "$W/stats")
field() { python3 -c "import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$W/stats" "$1"; }
n_ok=$(field ok)
[ "$n_ok" -ge 20 ]
ok "decisions posted while the runs ran ($stats)"
eq "no answer but 200 and retried 503" "$(field other)" "{}"
q() { sqlite3 "$S/ictus.db" "$1"; }
eq "every decision answered 200 is stored" "$(q "SELECT count(*) FROM reviews WHERE reviewer = 'client'")" "$n_ok"
q "SELECT path, channel, start_us, verdict, reviewer, note FROM reviews WHERE reviewer = 'client'
   ORDER BY id" >"$W/stored"
diff "$W/posted" "$W/stored" >/dev/null
ok "each stored as posted (recording, channel, start, verdict, reviewer, note)"
eq "every run completed" "$(q "SELECT group_concat(status, ' ') FROM runs")" \
    "$(printf 'ok%.0s ' $(seq $runs) | sed 's/ $//')"
eq "every file's results stored" "$(q "SELECT count(*) FROM recordings WHERE status = 'ok'")" 8
n_events=$(q "SELECT count(*) FROM events")
[ "$(q "SELECT count(DISTINCT recording_id) FROM events")" -ge 6 ]
ok "the new files' events stored ($n_events events)"
[ "$(field first_total)" -lt "$n_events" ]
ok "the queue grew as the runs committed: $(field first_total) events first"
eq "the queue after the runs holds every stored event" "$(field last_total)" "$n_events"
[ "$(q "SELECT count(DISTINCT start_us) FROM reviews WHERE reviewer = 'client'")" -ge 10 ]
ok "decisions on many events"
eq "integrity_check" "$(q "PRAGMA integrity_check")" ok
echo "test_review_concurrency: $runs runs, $n_ok decisions, $(field busy) busy retries, $(field lists) lists, longest POST $(field max_post_s) s"
check_done test_review_concurrency
