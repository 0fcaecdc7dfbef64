#!/usr/bin/env bash
# bench_review_queue.sh: what the review queue's size costs, through `ictus serve` and curl:
# GET /api/events (the whole queue), POST /api/review by an event's handle and GET
# /api/signal by it (+-30 s, 1100 columns), three times each, in ms; and the list's bytes.
# Usage: tests/bench_review_queue.sh ICTUS STUDY   (a study `ictus run` has processed)
# The figures of the README's limits: a 4-animal 2-day study (ictus synth --model ihka-mouse
# --animals 4 --days 2 --fs 250 --seed 5; 355 events), and a copy whose events were copied 28
# times 1 ms apart with sqlite3 (10,295 events):
#   WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM k WHERE i<28)
#   INSERT INTO events (recording_id, animal, channel, start_us, end_us, wall_start_us, type,
#     score, preset) SELECT recording_id, animal, channel, start_us + i*1000, end_us + i*1000,
#     wall_start_us + i*1000, type, score, preset FROM events, k;
# It stores one decision (reviewer "bench") in STUDY.
set -eu
ictus=$1 study=$2
out=$(mktemp -d)
"$ictus" serve "$study" --port 0 >"$out/url" 2>/dev/null &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$out"' EXIT
for _ in $(seq 100); do [ -s "$out/url" ] && break; sleep 0.1; done
url=$(sed 's/^ictus serve: //' "$out/url")
base=${url%%\?*} tok=${url#*token=}
get() { curl -s -H "X-Ictus-Token: $tok" "$@"; }
ms() { awk -v t="$1" 'BEGIN { printf "%.1f", t * 1000 }'; }
get "${base}api/events" >"$out/events.json"
read -r id t0 t1 < <(python3 -c "
import json, sys
e = json.load(open(sys.argv[1]))['events'][0]
print(e['id'], e['start_s'] - 30, e['end_s'] + 30)" "$out/events.json")
for _ in 1 2 3; do
    events=$(get -o /dev/null -w '%{time_total}' "${base}api/events")
    post=$(get -o /dev/null -w '%{time_total}' -H 'Content-Type: application/json' \
        -d "{\"event\":\"$id\",\"verdict\":\"seizure\",\"reviewer\":\"bench\"}" "${base}api/review")
    signal=$(get -o /dev/null -w '%{time_total}' \
        "${base}api/signal?event=$id&t0_s=$t0&t1_s=$t1&width=1100")
    echo "GET /api/events $(ms "$events") ms, POST /api/review $(ms "$post") ms, GET /api/signal $(ms "$signal") ms"
done
echo "the queue: $(python3 -c "import json, sys; print(len(json.load(open(sys.argv[1]))['events']))" "$out/events.json") entries, $(stat -c %s "$out/events.json") bytes"
