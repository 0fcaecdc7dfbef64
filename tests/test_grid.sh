#!/usr/bin/env bash
# test_grid.sh: the window grid end to end (base/grid.h): `ictus run` on one
# synthetic 1-hour recording (250 Hz, 2 channels) under a matrix of
# [features] hop_s / win_s settings, hops 0.1 .. 2 s with hop == win among them.
#
# Proves, for every setting:
#   - the run succeeds and the recording's row is ok (hop_s = 0.25 used to
#     fail every file: 70.8 s of analysable time credited to a 60 s bucket);
#   - no bucket of any analysable-time series in ictus.db holds more than its
#     60 s, and no series more than the recording;
#   - each series' analysable time equals the clean time computed from
#     `ictus features` with the same settings (clean windows x hop; for the
#     animal, windows clean on both channels), to the store's 1 ms rounding
#     per bucket (well within one hop);
#   - every event in out/events.csv starts and ends on a sample of the
#     analysis rate (250 Hz here: the detector places edges on samples,
#     detectors/candidates.h; the grid's first sample is the recording's
#     first) or, where it falls back (no sample-exact edge in the bin, edges
#     out of order), on an edge of the grid's sub-window bins (k hop / 8 +
#     (win - hop) / 2), in order, inside the recording;
# and that the matrix found events at all.
# Needs: $ICTUS (the binary under test), sqlite3.
set -u
. "$(dirname "$0")/shcheck.sh"

DURATION_S=3600
"$ICTUS" synth --model ihka-mouse --animals 1 --days 1 --hours 1 --fs 250 --seed 8 -o "$W/gen" \
    >/dev/null 2>&1
ok "synth makes the recording"
rec=$(ls "$W/gen/recordings")

# Analysable time per series from ictus.db: "channel total_s max_bucket_s" lines.
stored_analysable() { # STUDY
    sqlite3 -separator ' ' "$1/ictus.db" \
        "SELECT a.channel, a.unit_us, hex(a.analysable_units) FROM analysable a ORDER BY 1" |
        awk 'function byte(at) { # the hex byte at position `at` of $3
                 return (index(HEX, substr($3, at, 1)) - 1) * 16 + index(HEX, substr($3, at + 1, 1)) - 1
             }
             BEGIN { HEX = "0123456789ABCDEF" }
             {
                 total = 0; most = 0
                 for (i = 1; i <= length($3); i += 4) {
                     s = (byte(i) + 256 * byte(i + 2)) * $2 / 1e6 # little-endian uint16 units
                     total += s; if (s > most) most = s
                 }
                 printf "%s %.6f %.6f\n", $1, total, most
             }'
}

# Clean seconds per channel and for the animal ("*") from features.csv: "channel seconds" lines.
expected_analysable() { # FEATURES_CSV HOP
    awk -F, -v hop="$2" 'NR > 1 {
            if ($4 == "") { clean[$2]++; clean_both[$3]++ }
        }
        END {
            for (c in clean) printf "%s %.6f\n", c, clean[c] * hop
            for (t in clean_both) if (clean_both[t] == 2) n++
            printf "* %.6f\n", n * hop
        }' "$1"
}

# Events of events.csv off both the analysis rate's samples (FS Hz, counted from
# the recording's start) and the grid's sub-window bin edges (hop / 8), out of
# order or outside the recording, one per line.
off_grid_events() { # EVENTS_CSV FS HOP WIN
    awk -F, -v fs="$2" -v hop="$3" -v win="$4" -v dur="$DURATION_S" '
        # the distance of t from the nearest point o + k step, k >= 0 (-1 when k < 0)
        function off(t, o, step,    k, d) {
            k = int((t - o) / step + 0.5); d = k * step + o - t
            if (k < 0) return -1
            return d < 0 ? -d : d
        }
        # on a sample or a bin edge: events.csv has milliseconds, so at most 0.5 ms away
        function placed(t,    a, b) {
            a = off(t, 0, 1 / fs); b = off(t, (win - hop) / 2, hop / 8)
            return (a >= 0 && a <= 0.00051) || (b >= 0 && b <= 0.00051)
        }
        NR > 1 && (!placed($4) || !placed($5) || $5 <= $4 || $4 < 0 || $5 > dur + 0.0005)' "$1"
}

n_events=0
for setting in 0.1/0.1 0.1/0.5 0.1/2 0.25/0.25 0.25/2 0.3/0.3 0.3/1.2 0.5/0.5 0.5/2.5 \
               0.7/0.7 0.7/2 1/1 1/2 1/4 1.5/1.5 1.5/3 2/2 2/5; do
    hop=${setting%/*} win=${setting#*/}
    S=$W/hop${hop}_win$win
    cp -al "$W/gen" "$S"
    rm "$S/study.ini" # hard-linked: write a copy
    { cat "$W/gen/study.ini"; printf '[features]\nhop_s = %s\nwin_s = %s\n' "$hop" "$win"; } \
        >"$S/study.ini"
    "$ICTUS" run "$S" --settle 0 -j 1 >"$W/out" 2>&1
    eq "hop $hop win $win: run exits 0" "$?" 0
    eq "hop $hop win $win: recording ok" \
        "$(sqlite3 "$S/ictus.db" "SELECT status FROM recordings")" ok

    "$ICTUS" features -j 1 --preset ihka-mouse --set "features.hop_s=$hop" \
        --set "features.win_s=$win" "$S/recordings/$rec" -o "$W/features.csv" 2>/dev/null
    ok "hop $hop win $win: features"
    got=$(stored_analysable "$S")
    eq "hop $hop win $win: three series" "$(echo "$got" | wc -l)" 3
    eq "hop $hop win $win: no bucket over 60 s, no series over the recording" \
        "$(echo "$got" | awk -v d="$DURATION_S" '$3 > 60 || $2 > d')" ""
    want=$(expected_analysable "$W/features.csv" "$hop")
    # 1 ms units rounded per bucket: at most 0.5 ms per bucket apart
    eq "hop $hop win $win: analysable time = clean windows x hop" \
        "$(join <(echo "$got" | sort) <(echo "$want" | sort) |
           awk '{ d = $2 - $4; if (d < 0) d = -d; if (d <= 60 * 0.0005) n++ } END { print n }')" 3

    n=$(($(wc -l <"$S/out/events.csv") - 1))
    n_events=$((n_events + n))
    eq "hop $hop win $win: every event on an analysis sample or a bin edge, in order, inside the recording" \
        "$(off_grid_events "$S/out/events.csv" 250 "$hop" "$win")" ""
done
[ "$n_events" -ge 30 ]
ok "the matrix found events to check ($n_events)"

check_done test_grid.sh
