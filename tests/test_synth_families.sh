#!/usr/bin/env bash
# test_synth_families.sh: `ictus synth --negatives wide` (synth/families.h):
#   - the default output is the bytes it was before the option existed
#     (sha256 of two small studies, recorded with the binary of the commit
#     before synth/families.c; an IHKA mouse and a rat with EDF+D gaps), and
#     `--negatives usual` is the default;
#   - a wide study has rows of every family in artefacts.csv, each with its
#     parameters inside the ranges families.h states, and keeps every row of
#     the usual study (truth.csv unchanged);
#   - the same seed gives the same bytes.
# Needs: $ICTUS (the binary under test), sha256sum.
set -u
. "$(dirname "$0")/shcheck.sh"

# --- the default, byte for byte
small() { # DIR EXTRA...
    local dir=$1
    mkdir -p "$dir"
    shift
    "$ICTUS" synth --model ihka-mouse -n 1 -d 1 --hours 0.5 --fs 250 -s 4077 -j 1 \
        -o "$dir/ihka" "$@" >/dev/null &&
        "$ICTUS" synth --model convulsive-rat -n 1 -d 1 --hours 0.5 --fs 250 --gaps -s 4078 \
            -j 1 -o "$dir/rat" "$@" >/dev/null
}
small "$W/default"
ok "synth makes the small default studies"
got=$(cd "$W/default" && find . -type f | LC_ALL=C sort | xargs sha256sum)
want="59b46557059107bf6369e793e61fffda443605d9a2e0ece7a5f61e41b9d8ca86  ./ihka/animals.csv
d7b99bfe8cb96c57b91467e7adceb245b3bc7a1924d4373d924621ee2ca468e0  ./ihka/artefacts.csv
2379027f1d07cc0c445d86aa465dc5657b63d2dbf592f55de53a736e199ce553  ./ihka/recordings.csv
51c69c09c7d452f67bb4e8dfe21c0fe9e16d45d7cc57029a555944082da5cfed  ./ihka/recordings/M01_20260105_080000.edf
11c5d2f2374cd133633534be4338a15aca2ea9e1ca34768b843f59c95db8d3ab  ./ihka/study.ini
f29dfa9166d9344aa872906e03d341eb687eea9adeef3c67b510dba06634af30  ./ihka/truth.csv
f316b4daf4aa33d01ece794ae039ec253e7952da0222560b242e8f19ebde05b0  ./rat/animals.csv
1fb80526be9938e37078f2ce9f53036af23b9dcd5f7ffef51a8ac47a064e796d  ./rat/artefacts.csv
2414cc1cc23308352bd1972ddcf25697be2a495a52fe7440a4e1446365994ff2  ./rat/recordings.csv
0a1e8b7a297774193ad46a8dcbf58ff65290decd3dd5dfea864258bf34409bf1  ./rat/recordings/R01_20260105_080000.edf
c8319ff4642e0650be948bfcf4ad3136c6f736228a63053a167f864874f9cf9f  ./rat/study.ini
681e2f6f8d4f8c6a83cb4938b62b7a6682c01f341930b8a57e8ed8a9fa52937d  ./rat/truth.csv"
eq "the default study is the bytes it was before --negatives existed" "$got" "$want"
small "$W/usual" --negatives usual
diff -r "$W/default" "$W/usual" >/dev/null
ok "--negatives usual writes the default's files"
"$ICTUS" synth --model ihka-mouse -n 1 -d 1 --hours 0.1 -o "$W/bad" --negatives many \
    >/dev/null 2>"$W/bad.err"
eq "--negatives many is a usage error" "$?" 2
grep -q "negatives 'many'" "$W/bad.err"
ok "the message names the bad value"

# --- a wide study: 2 mice x 6 h (every family, even the rare clipping, has rows)
wide() { # DIR
    "$ICTUS" synth --model ihka-mouse -n 2 -d 1 --hours 6 --fs 250 -s 4079 -j 2 \
        --negatives wide -o "$1" >/dev/null
}
wide "$W/wide1"
ok "synth --negatives wide makes the study"
wide "$W/wide2"
diff -r "$W/wide1" "$W/wide2" >/dev/null
ok "the same seed gives the same bytes with --negatives wide"
"$ICTUS" synth --model ihka-mouse -n 2 -d 1 --hours 6 --fs 250 -s 4079 -j 2 -o "$W/plain" \
    >/dev/null
cmp -s "$W/plain/truth.csv" "$W/wide1/truth.csv"
ok "wide negatives leave truth.csv as it is"
A=$W/wide1/artefacts.csv
eq "artefacts.csv has a params column" "$(head -1 "$A")" \
    "recording,animal,start_s,end_s,kind,channel,params"
diff <(tail -n +2 "$W/plain/artefacts.csv") \
    <(tail -n +2 "$A" | grep -v ',[a-z_]*,[^,]*,.' | sed 's/,$//') >/dev/null
ok "the usual rows are all there, unchanged, with an empty params"

for fam in grooming_wide spike_burst theta_wide movement_wide spindle_wide hvs_wide pop_wide \
    clipping_wide; do
    n=$(awk -F, -v k="$fam" '$5 == k' "$A" | wc -l)
    [ "$n" -gt 0 ]
    ok "artefacts.csv has rows of $fam ($n)"
done

# Every family row: duration and parameters within families.h's ranges (µV
# times the mouse's level, 1; float rounding allowed for).  Prints the
# offending rows.
bad=$(awk -F, 'NR > 1 && $7 != "" {
    d = $4 - $3; n = split($7, kv, ";"); delete p
    for (i = 1; i <= n; i++) { split(kv[i], x, "="); p[x[1]] = x[2] }
    nw = split(p["w"], w, "/")
    e = 0
    if ($5 == "grooming_wide")
        e = d < 1.99 || d > 30.01 || p["f0_hz"] < 3 || p["f0_hz"] > 12 || p["harmonics"] < 2 ||
            p["harmonics"] > 6 || p["decay"] < 0.4 || p["decay"] > 0.9 || p["amp_uv"] < 40 ||
            p["amp_uv"] > 400 || p["muscle_uv"] < 0.0499 * p["amp_uv"] ||
            p["muscle_uv"] > 0.6001 * p["amp_uv"] ||
            p["burst_exp"] < 1 || p["burst_exp"] > 6 || p["burst_floor"] < 0 || p["burst_floor"] > 0.3
    else if ($5 == "spike_burst")
        e = d < 0.99 || d > 6.01 || p["f0_hz"] < 1.5 || p["f0_hz"] > 6 ||
            p["f1_hz"] < 0.69 * p["f0_hz"] || p["f1_hz"] > 1.31 * p["f0_hz"] ||
            p["amp_uv"] < 200 || p["amp_uv"] > 600 || p["spike_sd_s"] < 0.006 ||
            p["spike_sd_s"] > 0.015 || p["wave"] < 0.1 || p["wave"] > 0.5 || p["poly"] > 0.6
    else if ($5 == "theta_wide")
        e = d < 4.99 || d > 60.01 || p["f0_hz"] < 6 || p["f0_hz"] > 10 || p["amp_uv"] < 80 ||
            p["amp_uv"] > 250 || p["harmonic2"] < 0 || p["harmonic2"] > 0.5
    else if ($5 == "movement_wide")
        e = d < 0.99 || d > 10.01 || p["f0_hz"] < 0.2 || p["f0_hz"] > 4 || p["amp_uv"] < 100 ||
            p["amp_uv"] > 800 || p["plateau"] < 0 || p["plateau"] > 1
    else if ($5 == "spindle_wide")
        e = d < 0.49 || d > 3.01 || p["f0_hz"] < 7 || p["f0_hz"] > 16 ||
            p["f1_hz"] < p["f0_hz"] - 2.01 || p["f1_hz"] > p["f0_hz"] + 2.01 ||
            p["amp_uv"] < 50 || p["amp_uv"] > 250 || p["env_exp"] < 1 || p["env_exp"] > 4 ||
            p["harmonic2"] < 0 || p["harmonic2"] > 0.6
    else if ($5 == "hvs_wide")
        e = d < 0.99 || d > 10.01 || p["f0_hz"] < 5 || p["f0_hz"] > 12 ||
            p["f1_hz"] < p["f0_hz"] - 2.01 || p["f1_hz"] > p["f0_hz"] || p["amp_uv"] < 100 ||
            p["amp_uv"] > 400 || p["spike_sd_s"] < 0.004 || p["spike_sd_s"] > 0.012 ||
            p["wave"] < 0.1 || p["wave"] > 0.5 || p["poly"] < 0 || p["poly"] > 0.5
    else if ($5 == "pop_wide") {
        a = p["amp_uv"] < 0 ? -p["amp_uv"] : p["amp_uv"]
        e = a < 200 || a > 3000 || p["tau_s"] < 0.02 || p["tau_s"] > 1.5 ||
            d < 5 * p["tau_s"] - 0.01 || d > 5 * p["tau_s"] + 0.01 || $6 == "*"
    } else if ($5 == "clipping_wide")
        e = d < 0.049 || d > 5.01 || p["amp_uv"] < 1.05 * 8192 - 1 || p["amp_uv"] > 2 * 8192 + 1
    else
        e = 1
    if (nw != 2) e = 1
    for (i = 1; i <= nw; i++) if (w[i] < -1 || w[i] > 1) e = 1
    if (e) print
}' "$A")
eq "every family row has its parameters within the stated ranges" "$bad" ""
nhpc=$(awk -F, '$5 == "grooming_wide" { split($7, kv, ";"); for (i in kv) if (kv[i] ~ /^w=/) {
    split(substr(kv[i], 3), w, "/"); if (w[1] > w[2]) n++ } } END { print n + 0 }' "$A")
[ "$nhpc" -gt 0 ]
ok "some grooming is stronger on HPC than on CTX ($nhpc rows)"
grep -q "^# negatives=wide" "$W/wide1/study.ini"
ok "study.ini records the wide negatives"

check_done test_synth_families.sh
