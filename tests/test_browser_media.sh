#!/usr/bin/env bash
# test_browser_media.sh: the review page's views of the data in a real browser: headless
# Chromium driven by puppeteer-core (tests/browser/media.test.js).
#
# Proves, on a small synthetic study (2 animals, 2 one-hour recordings each, 250 Hz) whose
# first event's recording has a video (a 3 s WebM the browser records itself, listed in
# recordings.csv as FILE@OFFSET with the offset putting the event 6 s after its first frame):
#   - the event view draws the spectrogram of the event's channel at half the traces'
#     columns, the features of every window of the view (the first at t0) and their
#     summary (8 rows), and the detector's account of the event (its candidate line, typed
#     and scored, first and in bold);
#   - the video is served and seeked to 5 s before the event (1 s into the file); the EEG
#     cursor is there; space plays it, space pauses it, and the cursor follows it;
#   - b opens browse mode centred on the event, the queue and event view hidden; ] and
#     PageDown go a page on, [ and ArrowLeft a page back; the readout and the signal's
#     window follow; c does nothing there; a click on the overview strip 30 min into the
#     recording centres the page there; shift+drag on CTX adds a missed seizure to the
#     browsed recording (in the queue as added, in the strip's events); b again shows the
#     queue, no verdict stored on a detected event;
#   - blinded: the event's video asked for by the event's handle (no recording), seeked to
#     the same time;
#   - no console or page error; screenshots of both views (BUILD_DIR/results/media-*.png).
# Needs: $ICTUS, chromium, node with tests/browser/node_modules, curl, python3.  Skips as
# test_browser.sh does when chromium or node is absent (never under CI).
set -u
. "$(dirname "$0")/shcheck.sh"

browser_ready test_browser_media.sh || { check_done test_browser_media.sh; exit; }
results=$(dirname "$ICTUS")/results
mkdir -p "$results"
shot_event=$results/media-event.png
shot_browse=$results/media-browse.png
rm -f "$shot_event" "$shot_browse"

S=$W/study
"$ICTUS" synth --model ihka-mouse --animals 2 --days 2 --hours 1 --fs 250 --seed 3 -o "$S" \
    >/dev/null
"$ICTUS" run "$S" --settle 0 >/dev/null
ok "a study to review"
CHROMIUM=$chromium node "$here/browser/media.test.js" video "$S/recordings/ev.webm" 2>"$W/video.err"
[ "$(head -c 4 "$S/recordings/ev.webm" | od -An -tx1 | tr -d ' \n')" = 1a45dfa3 ]
ok "the browser recorded a WebM video $(cat "$W/video.err")"
# The first event by time: its recording gets the video, 6 s before the event.
first=$(sort -t, -k7,7 <(tail -n +2 "$S/out/events.csv") | head -n 1)
rec=$(echo "$first" | cut -d, -f1)
start=$(echo "$first" | cut -d, -f4)
python3 - "$S/recordings.csv" "$(basename "$rec")" "$start" <<'PY'
import sys
p, name, start = sys.argv[1], sys.argv[2], float(sys.argv[3])
rows = open(p).read().splitlines()
out = [rows[0]] + [r.rstrip(",") + ("," + "ev.webm@%.3f" % (start - 6) if r.startswith(name + ",") else ",")
                   for r in rows[1:]]
open(p, "w").write("\n".join(out) + "\n")
PY
grep -q "ev.webm@" "$S/recordings.csv"
ok "recordings.csv lists the video: $(grep "ev.webm" "$S/recordings.csv")"

serve_start "$S" --port 0
url=${line#ictus serve: }
CHROMIUM=$chromium node "$here/browser/media.test.js" "$url" "$shot_event" "$shot_browse" \
    >"$W/seen" 2>&1
ok "the browser session ran: $(tail -n 3 "$W/seen")"
seen() { sed -n "s/^$1: //p" "$W/seen"; }
channel=$(echo "$first" | cut -d, -f3)
[ "$channel" = "*" ] && channel=HPC
eq "the spectrogram: the event's channel" \
    "$(seen "spectrogram label width bins" | cut -d' ' -f1)" "$channel"
eq "the spectrogram: half the traces' columns" "$(seen "spectrogram columns per trace column")" 0.50
end=$(echo "$first" | cut -d, -f5)
eq "the features: one window per second of the view (hop 1 s)" "$(seen "feature windows")" \
    "$(python3 -c "import math; print(math.ceil($end + 30) - math.ceil($start - 30))")"
eq "the features: the first window at t0" "$(seen "first window at t0")" true
eq "the summary: a header and 7 rows" "$(seen "summary rows")" 8
eq "the detector's account: the event's candidate line, its type and score" \
    "$(seen "why: the event's candidate, typed and scored")" true
eq "the video: served by /api/video" "$(seen "video src")" /api/video
eq "the video: seeked to 1 s (5 s before the event)" "$(seen "video at")" 1.00
eq "the cursor: 5 s before the event" "$(seen "cursor at event start minus")" 5.00
eq "space plays, space pauses" "$(seen "space plays, space pauses")" true
eq "the cursor follows the video" "$(seen "cursor follows the video")" true
eq "browse: shown, the queue hidden" "$(seen "browse shown, queue hidden")" true
eq "browse: centred on the event" "$(seen "browse page's middle minus the event's")" 0.00
eq "browse: ] PageDown [ ArrowLeft" "$(seen "pages after ] PageDown \[ ArrowLeft")" \
    "30.0 60.0 30.0 0.0"
seen "the readout" | grep -Eq "^2026-01-05 [0-9:]{8} – [0-9:]{8}  \(recordings/.*\.edf, 0:[0-9]{2}:[0-9]{2} into it\)$"
ok "browse: the readout, date, times and place: $(seen "the readout")"
eq "browse: the signal's window is the page" "$(seen "the signal's window")" "0 30"
eq "browse: a click on the strip at 30 min centres the page there (to a pixel)" \
    "$(seen "after a click on the strip at 30 min, the page's middle within a pixel")" true
eq "browse: shift+drag on CTX added a missed seizure there, in the queue and the strip" \
    "$(seen "added from browse")" "true true CTX seizure true true true"
eq "b again: the queue" "$(seen "b again: the queue")" true
eq "blinded: the event's video by its handle, seeked as before" "$(seen "blind video")" \
    "/api/video true false 1.00"
n=$(($(wc -l <"$S/out/events.csv") - 1))
eq "no verdict stored from browse mode" "$(seen verdicts)" "$(printf -- '- %.0s' $(seq "$n") | sed 's/ $//')"
eq "no console or page error" "$(seen errors)" 0
seen error
for shot in "$shot_event" "$shot_browse"; do
    [ "$(head -c 8 "$shot" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] &&
        [ "$(stat -c %s "$shot")" -gt 10000 ]
    ok "a screenshot: $shot"
done
kill -TERM "$pid"
wait "$pid"
eq "SIGTERM: exit" "$?" 0
eq "nothing on the server's stderr" "$(cat "$W/serve.err")" ""
check_done test_browser_media.sh
