#!/usr/bin/env bash
# test_serve_media.sh: the review server's routes for seeing the data (review/api.h, "Seeing
# the data"): recordings, overview, spectrogram, features and video, over HTTP with curl on
# a small synthetic study (2 animals, 2 one-hour recordings each, 250 Hz).
#
# Proves:
#   - GET /api/recordings lists the 4 recordings by animal then start, with their channels,
#     duration, and recordings.csv's video split into file and offset ("M01.webm@2.5");
#   - GET /api/video serves the listed video only: the whole file (200, Accept-Ranges), the
#     first bytes, a middle range, a suffix range and an open range (206, Content-Range,
#     the file's bytes exactly); a range past the end, a reversed or malformed one: 416
#     with "bytes */SIZE"; the token also from the query (as a <video> element sends it);
#     a video named with ".." out of the study, a symlink out of the study, the study's
#     database named as a video (inside the study, not in recordings/), a missing video
#     (named), a
#     recording without one, or a recording path the store does not hold: 404; POST 405;
#     ranges past 4 GiB of a 5 GiB (sparse) video;
#   - GET /api/overview: one value per minute and channel, equal to the mean absolute
#     difference of the file's samples times the rate (decoded here from the EDF bytes
#     independently) to 1e-6; the store's analysable share (0..1) and the recording's
#     events (as in out/events.csv; after a decision with corrected edges, those edges and
#     its verdict; an event a reviewer added, marked added); the line lengths computed once (compute_ms > 0) then
#     kept (0);
#   - GET /api/spectrogram: width x bins whole dB for the channel asked, bins up to max_hz;
#     400 for an unknown channel, widths 0 and 4001, n_fft 8, too many bins, too much work
#     (4000 columns of 16384 samples);
#   - GET /api/features: every value equal to `ictus features` (the study's preset) on the
#     same windows to 1e-4 (the CSV's 6 digits), the same artefact flags;
#   - GET /api/explain: the lines of `ictus detect --explain` for the recording, those of
#     the candidates in the window only, computed once then kept;
#   - hostile input: bad numbers 400, an empty window 400, a window over 600 s 400 (but for
#     the explanation, a filter of the whole recording's); a recording deleted while
#     served: its signal, spectrogram, features and overview are 404 naming it, and the
#     server goes on answering for the others; every route without the token 403;
#   - blinded (event=HANDLE&blind=R): the spectrogram, features, explanation, the event's
#     recording (video offset only) and video by an entry's handle, naming no animal, path,
#     file or date, equal to the answers by path; an error names nothing either;
#   - SIGTERM: exit 0, nothing on stderr.
# Needs: $ICTUS, curl, python3.
set -u
. "$(dirname "$0")/shcheck.sh"

S=$W/study
"$ICTUS" synth --model ihka-mouse --animals 2 --days 2 --hours 1 --fs 250 --seed 3 -o "$S" \
    >/dev/null
"$ICTUS" run "$S" --settle 0 >/dev/null
ok "a study to review"
# Videos: a valid one with an offset, one named with "..", a symlink out of the study, a
# missing one (the bytes are not a real video: the server only sends them).
python3 -c "import sys; sys.stdout.buffer.write(bytes(i * 7 % 251 for i in range(300000)))" \
    >"$S/recordings/M01.webm"
cp "$S/recordings/M01.webm" "$W/outside.webm"
ln -s "$W/outside.webm" "$S/recordings/link.webm"
python3 - "$S/recordings.csv" <<'PY'
import sys
p = sys.argv[1]
rows = open(p).read().splitlines()
videos = ["M01.webm@2.5", "../../outside.webm", "link.webm", "gone.webm"]
out = [rows[0]] + [r.rstrip(",") + "," + v for r, v in zip(rows[1:], videos)]
open(p, "w").write("\n".join(out) + "\n")
PY
serve_start "$S" --port 0
url=${line#ictus serve: }
base=${url%%\?*}
tok=${url#*token=}
[ -n "$line" ]
ok "the server started: $line"
get() { curl -s -H "X-Ictus-Token: $tok" "$@"; }
code() { curl -s -o "$W/body" -w '%{http_code}' -H "X-Ictus-Token: $tok" "$@"; }
json() { python3 -c "import json, sys; d = json.load(open('$W/body')); print($1)"; }

# --- GET /api/recordings ----------------------------------------------------------
eq "recordings: 200" "$(code "${base}api/recordings")" 200
eq "recordings: 4, by animal then start" \
    "$(json "' '.join(r['animal'] + '/' + r['start'][11:16] for r in d['recordings'])")" \
    "M01/08:00 M01/09:00 M02/08:00 M02/09:00"
eq "recordings: the animals" "$(json "' '.join(d['animals'])")" "M01 M02"
eq "recordings: channels, duration" \
    "$(json "d['recordings'][0]['channels'], d['recordings'][0]['duration_s']")" \
    "['HPC', 'CTX'] 3600.0"
eq "recordings: the video and its offset" \
    "$(json "d['recordings'][0]['video'], d['recordings'][0]['video_offset_s']")" \
    "M01.webm 2.5"
rec1=$(json "d['recordings'][0]['recording']")
rec2=$(json "d['recordings'][1]['recording']")
rec3=$(json "d['recordings'][2]['recording']")
rec4=$(json "d['recordings'][3]['recording']")
q1="recording=$rec1&animal=M01"

# --- GET /api/video -----------------------------------------------------------------
v="${base}api/video?$q1"
curl -s -D "$W/h" -o "$W/body" -H "X-Ictus-Token: $tok" "$v"
grep -q "^HTTP/1.1 200" "$W/h"
ok "video: the whole file, 200"
cmp -s "$W/body" "$S/recordings/M01.webm"
ok "video: the file's bytes"
grep -qi "^accept-ranges: bytes" "$W/h" && grep -qi "^content-type: video/webm" "$W/h"
ok "video: Accept-Ranges bytes, Content-Type video/webm"
range() { # RANGE FIRST COUNT: a 206 with those bytes of the file
    curl -s -D "$W/h" -o "$W/body" -H "X-Ictus-Token: $tok" -H "Range: bytes=$1" "$v"
    grep -q "^HTTP/1.1 206" "$W/h"
    ok "video: range $1: 206"
    eq "video: range $1: Content-Range" \
        "$(sed -n 's/^[Cc]ontent-[Rr]ange: //p' "$W/h" | tr -d '\r')" \
        "bytes $2-$(($2 + $3 - 1))/300000"
    tail -c +$(($2 + 1)) "$S/recordings/M01.webm" | head -c "$3" | cmp -s - "$W/body"
    ok "video: range $1: the file's bytes $2.."
}
range 0-99 0 100
range 150000-150999 150000 1000
range -500 299500 500
range 299990- 299990 10
range 299990-400000 299990 10
for bad in 300000- 5-2 abc -0 x=1-2; do
    curl -s -D "$W/h" -o /dev/null -H "X-Ictus-Token: $tok" -H "Range: bytes=$bad" "$v"
    [ "${bad%%=*}" = x ] && curl -s -D "$W/h" -o /dev/null -H "X-Ictus-Token: $tok" \
        -H "Range: $bad" "$v"
    grep -q "^HTTP/1.1 416" "$W/h" && grep -qi "^content-range: bytes \*/300000" "$W/h"
    ok "video: range '$bad': 416 with bytes */300000"
done
eq "video: the token from the query" \
    "$(curl -s -o /dev/null -w '%{http_code}' "$v&token=$tok" -H "Range: bytes=0-9")" 206
eq "video: no token: 403" "$(curl -s -o /dev/null -w '%{http_code}' "$v")" 403
eq "video named with '..': 404" "$(code "${base}api/video?recording=$rec2&animal=M01")" 404
grep -q "recordings/../../outside.webm: the video is outside the study's recordings" "$W/body"
ok "... saying why: $(cat "$W/body")"
eq "video a symlink out of the study: 404" \
    "$(code "${base}api/video?recording=$rec3&animal=M02")" 404
grep -q "recordings/link.webm: the video is outside the study's recordings" "$W/body"
ok "... saying why: $(cat "$W/body")"
sed -i 's|,link.webm$|,../ictus.db|' "$S/recordings.csv"
eq "video named as the study's database (inside the study, outside recordings/): 404" \
    "$(code "${base}api/video?recording=$rec3&animal=M02")" 404
grep -q "the video is outside the study's recordings" "$W/body"
ok "... saying why: $(cat "$W/body")"
eq "video missing: 404" "$(code "${base}api/video?recording=$rec4&animal=M02")" 404
grep -q "recordings/gone.webm: the video is missing" "$W/body"
ok "... naming it: $(cat "$W/body")"
# A 5 GiB video (sparse: no disk used): ranges past 4 GiB, sent from the file descriptor.
truncate -s 5G "$S/recordings/gone.webm"
curl -s -D "$W/h" -o "$W/body" -H "X-Ictus-Token: $tok" -H "Range: bytes=5000000000-5000000099" \
    "${base}api/video?recording=$rec4&animal=M02"
grep -q "^HTTP/1.1 206" "$W/h" &&
    grep -qi "^content-range: bytes 5000000000-5000000099/5368709120" "$W/h"
ok "video of 5 GiB: a range past 4 GiB, 206 with its Content-Range"
eq "... its 100 bytes, zeros" "$(od -v -An -tx1 "$W/body" | tr -d ' \n' | tr -d 0 | wc -c)/$(stat -c %s "$W/body")" 0/100
curl -s -D "$W/h" -o /dev/null -H "X-Ictus-Token: $tok" -H "Range: bytes=-10" \
    "${base}api/video?recording=$rec4&animal=M02"
grep -qi "^content-range: bytes 5368709110-5368709119/5368709120" "$W/h"
ok "video of 5 GiB: its last 10 bytes"
rm "$S/recordings/gone.webm"
eq "video of a recording of another animal: 404" \
    "$(code "${base}api/video?recording=$rec1&animal=M02")" 404
eq "video of a path the store does not hold: 404" \
    "$(code "${base}api/video?recording=recordings/../../outside.webm&animal=M01")" 404
eq "video without arguments: 400" "$(code "${base}api/video")" 400
eq "video by POST: 405" "$(code -X POST "$v")" 405

# --- GET /api/overview -------------------------------------------------------------------
eq "overview: 200" "$(code "${base}api/overview?$q1")" 200
cp "$W/body" "$W/overview.json"
eq "overview: 60 minutes of 2 channels, 60 s each" \
    "$(json "len(d['channels'][0]['line_length']), len(d['channels'][1]['line_length']), len(d['analysable']), d['bucket_s']")" \
    "60 60 60 60.0"
[ "$(json "int(d['compute_ms'] > 0)")" = 1 ]
ok "overview: the first answer computed the line lengths ($(json "d['compute_ms']") ms)"
# The line lengths from the EDF's bytes: 16-bit samples, physical = offset + gain * digital.
python3 - "$S/recordings/$(basename "$rec1")" "$W/overview.json" >"$W/ll" <<'PY'
import json, struct, sys
f = open(sys.argv[1], "rb").read()
ns = int(f[252:256]); nrec = int(f[236:244]); dur = float(f[244:252])
def field(off, width, i): return f[off + i * width: off + (i + 1) * width]
base = 256
labels = [field(base, 16, i).strip().decode() for i in range(ns)]
pmin = [float(field(base + ns * 104, 8, i)) for i in range(ns)]
pmax = [float(field(base + ns * 112, 8, i)) for i in range(ns)]
dmin = [int(field(base + ns * 120, 8, i)) for i in range(ns)]
dmax = [int(field(base + ns * 128, 8, i)) for i in range(ns)]
spr = [int(field(base + ns * 216, 8, i)) for i in range(ns)]
hdr = 256 * (ns + 1)
d = json.load(open(sys.argv[2]))
worst = 0
for ch in (0, 1):  # recordings.csv: HPC=1, CTX=2
    gain = (pmax[ch] - pmin[ch]) / (dmax[ch] - dmin[ch]); off = pmin[ch] - gain * dmin[ch]
    fs = spr[ch] / dur
    rec_bytes = 2 * sum(spr)
    xs = []
    for r in range(nrec):
        at = hdr + r * rec_bytes + 2 * sum(spr[:ch])
        xs += [off + gain * v for v in struct.unpack("<%dh" % spr[ch], f[at:at + 2 * spr[ch]])]
    per = int(60 * fs)
    for m, got in enumerate(d["channels"][ch]["line_length"]):
        seg = xs[max(m * per - 1, 0):(m + 1) * per]
        want = sum(abs(b - a) for a, b in zip(seg, seg[1:])) / (len(seg) - 1) * fs
        worst = max(worst, abs(got - want) / want)
print("%.2e" % worst)
PY
[ "$(awk -v w="$(cat "$W/ll")" 'BEGIN { print (w < 1e-6) }')" = 1 ]
ok "overview: line length per minute as decoded here from the EDF (worst relative $(cat "$W/ll"))"
[ "$(json "int(all(a is not None and 0 <= a <= 1 for a in d['analysable']))")" = 1 ]
ok "overview: analysable shares in 0..1"
want=$(awk -F, -v r="$rec1" 'NR > 1 && $1 == r && $2 == "M01"' "$S/out/events.csv" | wc -l)
eq "overview: the recording's events, as out/events.csv" "$(json "len(d['events'])")" "$want"
code "${base}api/overview?$q1" >/dev/null
eq "overview again: kept, not computed" "$(json "d['compute_ms']")" 0.0
eq "overview: the same values" "$(json "d['channels'][0]['line_length'][7]")" \
    "$(python3 -c "import json; print(json.load(open('$W/overview.json'))['channels'][0]['line_length'][7])")"
# The events as they count: a decision with corrected edges, and an event a reviewer added.
read -r ech es ee <<<"$(json "' '.join(str(x) for x in [d['events'][0][k] for k in ('channel', 'start_s', 'end_s')])")"
eq "a decision moving the first event's edges by 1 s" "$(code "${base}api/review" -d \
    "{\"recording\": \"$rec1\", \"animal\": \"M01\", \"channel\": \"$ech\", \"start_s\": $es, \"end_s\": $ee, \"verdict\": \"seizure\", \"corrected_start_s\": $(python3 -c "print($es + 1)"), \"corrected_end_s\": $(python3 -c "print($ee + 1)"), \"reviewer\": \"t\"}")" 200
eq "an event added on CTX at 100-130 s" "$(code "${base}api/review" -d \
    "{\"added\": true, \"recording\": \"$rec1\", \"animal\": \"M01\", \"channel\": \"CTX\", \"start_s\": 100, \"end_s\": 130, \"verdict\": \"seizure\", \"type\": \"hpd\", \"reviewer\": \"t\"}")" 200
code "${base}api/overview?$q1" >/dev/null
eq "overview: the decided event with its verdict and corrected edges" \
    "$(json "d['events'][0]['verdict'], d['events'][0]['start_s'] - $es, d['events'][0]['end_s'] - $ee, d['events'][0]['added']")" \
    "seizure 1.0 1.0 False"
eq "overview: the added event too, last (no score)" \
    "$(json "len(d['events']), [(e['channel'], e['start_s'], e['end_s'], e['verdict'], e['score']) for e in d['events'] if e['added']]")" \
    "$((want + 1)) [('CTX', 100.0, 130.0, 'seizure', None)]"

# --- GET /api/spectrogram -----------------------------------------------------------------
sg="${base}api/spectrogram?$q1&t0_s=100&t1_s=160&filters=on"
eq "spectrogram: 200" "$(code "$sg&width=100&channel=CTX&max_hz=60")" 200
eq "spectrogram: the channel, columns, bins up to 60 Hz" \
    "$(json "d['label'], d['width'], d['n_freq'], d['n_fft'], len(d['db']), (d['n_freq'] - 1) * d['df_hz'] <= 60 < d['n_freq'] * d['df_hz']")" \
    "CTX 100 31 128 3100 True"
[ "$(json "int(all(isinstance(v, int) for v in d['db']) and d['db_lo'] < d['db_hi'])")" = 1 ]
ok "spectrogram: whole dB, a display range"
for bad in "width=100&channel=XX" "width=0&channel=HPC" "width=4001&channel=HPC" \
           "width=10&channel=HPC&n_fft=8" "width=10&channel=HPC&n_fft=4096" \
           "width=4000&channel=HPC&n_fft=16384&max_hz=1"; do
    eq "spectrogram $bad: 400" "$(code "$sg&$bad")" 400
done

# --- GET /api/features ----------------------------------------------------------------
eq "features: 200" "$(code "${base}api/features?$q1&t0_s=600&t1_s=660")" 200
cp "$W/body" "$W/features.json"
"$ICTUS" features -p ihka-mouse "$S/recordings/$(basename "$rec1")" -o "$W/features.csv"
python3 - "$W/features.json" "$W/features.csv" >"$W/fcmp" <<'PY'
import csv, json, sys
d = json.load(open(sys.argv[1]))
rows = {(r["channel"], float(r["start_s"])): r for r in csv.DictReader(open(sys.argv[2]))}
worst, n, flags = 0.0, 0, 0
for ch in d["channels"]:
    for i, t in enumerate(d["windows"]):
        r = rows[(ch["label"], t)]
        flags += r["artefact"] != ch["artefact"][i]
        for name, v in zip(d["features"], ch["values"][i]):
            if r[name] == "" and v is None:
                continue
            w = float(r[name]); n += 1
            worst = max(worst, abs(v - w) / max(abs(w), 1e-3))
print(len(d["windows"]), n, flags, "%.1e" % worst)
PY
read -r n_win n_val n_flags worst <"$W/fcmp"
eq "features: the 60 windows starting in [600, 660)" "$n_win" 60
[ "$n_val" -gt 2000 ] && [ "$(awk -v w="$worst" 'BEGIN { print (w < 1e-4) }')" = 1 ]
ok "features: $n_val values equal to ictus features' (worst relative $worst)"
eq "features: the same artefact flags" "$n_flags" 0

# --- GET /api/explain ------------------------------------------------------------------
eq "explain: 200" "$(code "${base}api/explain?$q1&t0_s=0&t1_s=3600")" 200
[ "$(json "int(d['compute_ms'] > 0)")" = 1 ]
ok "explain: the detection ran ($(json "d['compute_ms']") ms)"
json "'\n'.join(c['text'] for c in d['candidates'])" >"$W/why"
"$ICTUS" detect -p ihka-mouse "$S/recordings/$(basename "$rec1")" --explain "$W/explain.txt" \
    -o /dev/null
grep "^candidate" "$W/explain.txt" >"$W/want"
[ -s "$W/want" ] && diff "$W/want" "$W/why" >/dev/null
ok "explain: every candidate's line as ictus detect --explain writes it ($(wc -l <"$W/want"))"
first=$(head -n 1 "$W/want" | sed -E 's/^candidate ([0-9.]+)-([0-9.]+) s.*/\1 \2/')
code "${base}api/explain?$q1&t0_s=${first% *}&t1_s=${first#* }" >/dev/null
eq "explain: a window holds its candidates only; kept (compute_ms 0)" \
    "$(json "len(d['candidates']), d['compute_ms']")" "1 0.0"
eq "explain: ... that candidate's line" "$(json "d['candidates'][0]['text']")" "$(head -n 1 "$W/want")"

# --- Hostile input ---------------------------------------------------------------------
for route in signal spectrogram features explain; do
    eq "$route: t0_s=abc: 400" "$(code "${base}api/$route?$q1&t0_s=abc&t1_s=10&width=10&channel=HPC")" 400
    eq "$route: t1_s <= t0_s: 400" "$(code "${base}api/$route?$q1&t0_s=10&t1_s=10&width=10&channel=HPC")" 400
    [ "$route" = explain ] ||
        eq "$route: a window over 600 s: 400" \
            "$(code "${base}api/$route?$q1&t0_s=0&t1_s=601&width=10&channel=HPC")" 400
    eq "$route: no token: 403" \
        "$(curl -s -o /dev/null -w '%{http_code}' "${base}api/$route?$q1&t0_s=0&t1_s=10&width=10")" 403
done
for route in overview recordings; do
    eq "$route: no token: 403" "$(curl -s -o /dev/null -w '%{http_code}' "${base}api/$route?$q1")" 403
done
eq "signal: width 10^30: 400" "$(code "${base}api/signal?$q1&t0_s=0&t1_s=10&width=1000000000000000000000000000000")" 400
eq "overview: a path the store does not hold: 404" \
    "$(code "${base}api/overview?recording=recordings/../recordings.csv&animal=M01")" 404
# Deleted while served (its source kept open in the server's cache).
q4="recording=$rec4&animal=M02"
eq "before: the signal of the 4th recording" "$(code "${base}api/signal?$q4&t0_s=0&t1_s=10&width=10")" 200
rm "$S/recordings/$(basename "$rec4")"
for route in "signal?$q4&t0_s=0&t1_s=10&width=10" "spectrogram?$q4&t0_s=0&t1_s=10&width=10&channel=HPC" \
             "features?$q4&t0_s=0&t1_s=10" "overview?$q4" "explain?$q4&t0_s=0&t1_s=10"; do
    eq "deleted: ${route%%\?*}: 404" "$(code "${base}api/$route")" 404
    grep -q "$rec4: the recording is missing" "$W/body"
    ok "... naming it: $(cat "$W/body")"
done
eq "after: another recording's signal" "$(code "${base}api/signal?$q1&t0_s=0&t1_s=10&width=10")" 200
eq "after: the recordings" "$(code "${base}api/recordings")" 200

# --- blinded: the event view's routes by an entry's handle, naming nothing -------------
names='M01|M02|recordings/|\.edf|\.webm|2026-'
code "${base}api/events" >/dev/null
read -r bid bt0 bid4 <<<"$(json "' '.join([[e['id'], str(e['start_s'])] for e in d['events'] if e['recording'] == '$rec1'][0] + [([e['id'] for e in d['events'] if e['recording'] == '$rec4'] + ['none'])[0]])")"
code "${base}api/events?blind=zoe" >/dev/null
eq "blinded: the handle is in zoe's queue" "$(json "'$bid' in [e['id'] for e in d['events']]")" True
bq="event=$bid&blind=zoe&t0_s=$bt0&t1_s=$(python3 -c "print($bt0 + 20)")"
for route in "spectrogram?$bq&width=50&channel=HPC" "features?$bq" "explain?$bq" \
             "recordings?event=$bid&blind=zoe"; do
    eq "blinded ${route%%\?*} by handle: 200" "$(code "${base}api/$route")" 200
    grep -Eq "$names" "$W/body"
    eq "... names no animal, path, file or date" "$?" 1
done
eq "blinded recordings: the event's only, its video blinded, the offset" \
    "$(json "len(d['recordings']), d['recordings'][0]['video'], d['recordings'][0]['video_offset_s'], d['animals']")" \
    "1 (blinded) 2.5 []"
code "${base}api/spectrogram?$q1&t0_s=$bt0&t1_s=$(python3 -c "print($bt0 + 20)")&width=50&channel=HPC" >/dev/null
cp "$W/body" "$W/sg-path"
code "${base}api/spectrogram?$bq&width=50&channel=HPC" >/dev/null
cmp -s "$W/body" "$W/sg-path"
ok "the spectrogram by handle is the recording's"
curl -s -D "$W/h" -o "$W/body" -H "Range: bytes=10-19" "${base}api/video?event=$bid&blind=zoe&token=$tok"
grep -q "^HTTP/1.1 206" "$W/h" && cmp -s "$W/body" <(head -c 20 "$S/recordings/M01.webm" | tail -c 10)
ok "blinded video by handle: 206, the video's bytes"
grep -Eq "$names" "$W/h"
eq "... its headers name nothing" "$?" 1
eq "video: an unknown handle: 404" "$(code "${base}api/video?event=0123456789abcdef&blind=zoe")" 404
eq "blinded, the deleted recording's event: 404" "$(code "${base}api/features?event=$bid4&blind=zoe&t0_s=0&t1_s=10")" 404
grep -Eq "$names" "$W/body"
eq "... the error names nothing" "$?" 1

kill -TERM "$pid"
wait "$pid"
eq "SIGTERM: exit" "$?" 0
eq "nothing on the server's stderr" "$(cat "$W/serve.err")" ""
check_done test_serve_media.sh
