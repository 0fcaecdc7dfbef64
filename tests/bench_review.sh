#!/usr/bin/env bash
# bench_review.sh: the review server's answers, timed through HTTP as the page asks for
# them: `ictus serve` on a study of one 24 h, 4-channel, 1 kHz EDF, and curl.
# Usage: tests/bench_review.sh ICTUS STUDY EXCERPT_MS OPEN_MS   (from tests/bench.sh)
#   EXCERPT_MS, OPEN_MS: bench_excerpt's open + excerpt and open alone on the same file in
#   this run; their difference (the excerpt read from an open file, in process) is the
#   floor each event's round trip is compared with.
# Prints one line per figure, like bench.sh.
set -eu
ictus=$1 study=$2 excerpt_ms=$3 open_ms=$4
out=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$out"' EXIT
"$ictus" serve "$study" --port 0 >"$out/url" 2>"$out/err" &
pid=$!
for _ in $(seq 100); do [ -s "$out/url" ] && break; sleep 0.1; done
url=$(sed 's/^ictus serve: //' "$out/url")
base=${url%%\?*} tok=${url#*token=}
get() { curl -s -H "X-Ictus-Token: $tok" "$@"; }

# The events' windows as the page asks for them: +-30 s around each, in 1200 columns
# (as bench_excerpt reads its floor).
get "${base}api/events?sort=time" >"$out/events.json"
python3 - "$out/events.json" "$base" >"$out/urls" <<'PY'
import json, sys, urllib.parse
d = json.load(open(sys.argv[1]))
for e in d["events"][:40]:
    q = urllib.parse.urlencode({"recording": e["recording"], "animal": e["animal"],
                                "t0_s": e["start_s"] - 30, "t1_s": e["end_s"] + 30,
                                "width": 1200, "filters": "off"})
    print(sys.argv[2] + "api/signal?" + q)
PY
n=$(wc -l <"$out/urls")
[ "$n" -ge 2 ] || { echo "bench_review: the study has $n events"; exit 1; }
# One curl for all: one connection, each request timed (time_total: request sent to last byte).
args=()
while read -r u; do args+=(-o /dev/null -w '%{http_code} %{time_total}\n' "$u"); done <"$out/urls"
get "${args[@]}" >"$out/times"
bad=$(awk '$1 != 200' "$out/times" | wc -l)
[ "$bad" -eq 0 ] || { echo "bench_review: $bad answers not 200"; exit 1; }
# The first opens the file (a miss of the server's cache); the rest find it open.
first_ms=$(awk 'NR == 1 { printf "%.1f", $2 * 1000 }' "$out/times")
stats=$(awk 'NR > 1 { print $2 * 1000 }' "$out/times" | sort -n |
        awk '{ v[NR] = $1 } END { printf "%.1f %.1f", v[int((NR + 1) / 2)], v[NR] }')
median=${stats% *} worst=${stats#* }
floor=$(awk -v a="$excerpt_ms" -v b="$open_ms" 'BEGIN { printf "%.1f", a - b }')
http=$(get -o /dev/null -w '%{time_total}' "${base}favicon.ico" | awk '{ printf "%.1f", $1 * 1000 }')
printf '%-52s %8s ms\n' "floor: the excerpt from an open file, in process" "$floor"
printf '%-52s %8s ms  (an empty answer)\n' "floor: an HTTP round trip to ictus serve" "$http"
printf '%-52s %8s ms  (target <= 200 ms; worst %s ms; ratio to floor %.1fx)\n' \
    "review GET /api/signal, $((n - 1)) events, median" "$median" "$worst" \
    "$(awk -v a="$median" -v b="$floor" 'BEGIN { print a / b }')"
printf '%-52s %8s ms  (the file opened: a miss of the server cache)\n' \
    "review GET /api/signal, the first event" "$first_ms"
