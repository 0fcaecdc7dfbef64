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

# The events' windows as the page asks for them: by the event's handle (the server finds its
# recording in the queue), +-30 s around each, in 1200 columns (as bench_excerpt reads its
# floor).
get "${base}api/events?sort=time" >"$out/events.json"
# ROUTE EXTRA: the URLs of ROUTE for the first 40 events, with the query's EXTRA.
urls() {
    python3 - "$out/events.json" "$base" "$1" "$2" <<'PY'
import json, sys, urllib.parse
d = json.load(open(sys.argv[1]))
for e in d["events"][:40]:
    q = urllib.parse.urlencode({"event": e["id"],
                                "t0_s": e["start_s"] - 30, "t1_s": e["end_s"] + 30})
    print(sys.argv[2] + "api/" + sys.argv[3] + "?" + q + sys.argv[4])
PY
}
urls signal "&width=1200&filters=off" >"$out/urls"
n=$(wc -l <"$out/urls")
[ "$n" -ge 2 ] || { echo "bench_review: the study has $n events"; exit 1; }
# URLS_FILE -> $out/times: one curl for all, one connection, each request timed
# (time_total: request sent to last byte); every answer must be 200.
timed() {
    args=()
    while read -r u; do args+=(-o /dev/null -w '%{http_code} %{time_total}\n' "$u"); done <"$1"
    get "${args[@]}" >"$out/times"
    bad=$(awk '$1 != 200' "$out/times" | wc -l)
    [ "$bad" -eq 0 ] || { echo "bench_review: $bad answers not 200 ($1)"; exit 1; }
}
# The median and the worst of the times but the first, in ms.
stats() {
    awk 'NR > 1 { print $2 * 1000 }' "$out/times" | sort -n |
        awk '{ v[NR] = $1 } END { printf "%.1f %.1f", v[int((NR + 1) / 2)], v[NR] }'
}
timed "$out/urls"
# The first opens the file (a miss of the server's cache); the rest find it open.
first_ms=$(awk 'NR == 1 { printf "%.1f", $2 * 1000 }' "$out/times")
stats=$(stats)
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

# The event view's other requests, made beside the signal's: the same events.
urls spectrogram "&width=600&channel=HPC&max_hz=100&filters=on" >"$out/urls"
timed "$out/urls"
stats=$(stats)
printf '%-52s %8s ms  (worst %s ms; 600 columns to 100 Hz, filtered)\n' \
    "review GET /api/spectrogram, median" "${stats% *}" "${stats#* }"
urls features "" >"$out/urls"
timed "$out/urls"
stats=$(stats)
printf '%-52s %8s ms  (worst %s ms; every feature of 4 ch, 10 min lead-in)\n' \
    "review GET /api/features, median" "${stats% *}" "${stats#* }"

# What is computed over the whole file once, then kept: the overview strip, the explanation.
rec=$(python3 -c "import json, sys; e = json.load(open('$out/events.json'))['events'][0]; print('recording=' + e['recording'] + '&animal=' + e['animal'])")
once() { # ROUTE QUERY LABEL WHAT: the first answer's time, its compute_ms, the second's time
    local first compute again
    first=$(get -o "$out/once.json" -w '%{time_total}' "${base}api/$1?$rec$2")
    compute=$(python3 -c "import json; print('%.0f' % json.load(open('$out/once.json'))['compute_ms'])")
    again=$(get -o /dev/null -w '%{time_total}' "${base}api/$1?$rec$2")
    printf '%-52s %8.0f ms  (%s: %s ms; kept: %.1f ms after)\n' "$3" \
        "$(awk -v t="$first" 'BEGIN { print t * 1000 }')" "$4" "$compute" \
        "$(awk -v t="$again" 'BEGIN { print t * 1000 }')"
}
once overview "" "review GET /api/overview, 24 h at 1 kHz, first" \
    "line length of 1440 minutes x 4 ch"
once explain "&t0_s=0&t1_s=600" "review GET /api/explain, 24 h at 1 kHz, first" \
    "the detection of 24 h"
