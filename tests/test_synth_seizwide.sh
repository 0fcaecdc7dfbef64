#!/usr/bin/env bash
# test_synth_seizwide.sh: `ictus synth --seizures wide` (synth/ictal.h) and
# the holdout of wide families (--families / --without-families):
#   - the default output is the bytes it was before the options existed
#     (sha256 of a Dravet study with a GTCS and a 6 Hz kindling study with an
#     afterdischarge, recorded with the binary of the commit before
#     synth/ictal.c), and `--seizures usual` is the default;
#   - a wide study keeps truth.csv's format and about the usual number of
#     seizures, and seizures.csv has one row per truth row with its family
#     and parameters: every family appears, every parameter within the
#     ranges ictal.h states;
#   - leaving families out drops exactly their rows and changes no other
#     row (draw-then-drop), for seizure and hard-negative families;
#   - bad selections are usage errors.
# Needs: $ICTUS (the binary under test), sha256sum.
set -u
. "$(dirname "$0")/shcheck.sh"

synth() { "$ICTUS" synth -d 1 --fs 100 -j 2 "$@" >/dev/null; }

# --- the default, byte for byte
small() { # DIR EXTRA...
    local dir=$1
    shift
    mkdir -p "$dir"
    "$ICTUS" synth --model dravet-mouse -n 1 -d 1 --hours 1 --fs 100 -s 4113 -j 1 \
        -o "$dir/dravet" "$@" >/dev/null &&
        "$ICTUS" synth --model 6hz-kindling-mouse -n 2 -d 1 --hours 0.25 \
            --start 2026-01-05T09:55:00 --fs 250 -s 4084 -j 1 -o "$dir/kindling" "$@" >/dev/null
}
small "$W/default"
ok "synth makes the small default studies"
got=$(cd "$W/default" && find . -type f | LC_ALL=C sort | xargs sha256sum)
want="3e5fb8ddf9d9660762adaa466767c4fd9764b8665f7ebc2ab9b0ac0f7fae87d9  ./dravet/animals.csv
d2eb8effab2d17a767d001b056fe1a144738bfc6ea1990a7975671bdf8362b00  ./dravet/artefacts.csv
2379027f1d07cc0c445d86aa465dc5657b63d2dbf592f55de53a736e199ce553  ./dravet/recordings.csv
5f2bc701c930879c279a182fd17f70043040cd43a3fe931af7a410d29367285e  ./dravet/recordings/M01_20260105_080000.edf
96f8950335eef35a2130294509ce6e80aa19a5246600555628e01ea713f22970  ./dravet/study.ini
7508870c0da518b0c51de0b53f6fb3d02452fbcfb426981a664aba97bed78d23  ./dravet/truth.csv
bbff93dfdab74289539a4828d6c5b2e05caf8a27f46e2bb04fbac6dedc927efe  ./kindling/animals.csv
41ed69333e6b83b2cd97db5e5337651f65427120e41f99fa9bfe6d29eef3d69b  ./kindling/artefacts.csv
684d3e5482943b160b7fd1fbff078a2e124f7f96079c8d82bf224bf1bf558ad0  ./kindling/recordings.csv
42d6cf1f93d0e303eebcd0c414537ac526deea36b9b3b0e5aa450d5c689a6e42  ./kindling/recordings/M01_20260105_095500.edf
53a7c889201565f3f2b7b8968e7caa8699d4a06027f7f02050f98b5632755bae  ./kindling/recordings/M02_20260105_095500.edf
fdd3a2d5c4ca3503ad130ecfe9579179435463f322f3d3a84938a83c22d204d4  ./kindling/stimulations.csv
95cbdac48429c184b13c385e45baa5257a7e4b618ec4eca0417179d8b58c4d10  ./kindling/study.ini
1b1dddeb7d06baf17efecc99164c27814c80ef40bee607e9c706839c06ce5f42  ./kindling/truth.csv"
eq "the default studies are the bytes they were before --seizures existed" "$got" "$want"
grep -q ",convulsive,5$" "$W/default/dravet/truth.csv"
ok "the Dravet default study has a GTCS"
small "$W/usual" --seizures usual
diff -r "$W/default" "$W/usual" >/dev/null
ok "--seizures usual writes the default's files"

# --- usage errors
bad() { # WHAT WANT_MSG ARGS...
    local what=$1 msg=$2
    shift 2
    "$ICTUS" synth --model ihka-mouse -n 1 -d 1 --hours 0.1 -o "$W/bad" "$@" >/dev/null \
        2>"$W/bad.err"
    eq "$what is a usage error" "$?" 2
    grep -q -- "$msg" "$W/bad.err"
    ok "its message says '$msg'"
}
bad "--seizures many" "seizures 'many'" --seizures many
bad "an unknown family" "'hpd_nope' is no wide family" --seizures wide --families hpd_nope
bad "a seizure family without --seizures wide" "hpd_lvf needs --seizures wide" \
    --negatives wide --without-families hpd_lvf
bad "a negative family without --negatives wide" "theta_wide needs --negatives wide" \
    --seizures wide --families 'theta_wide,hpd_*'
bad "--families with --without-families" "give one of them" --seizures wide \
    --families hpd_lvf --without-families hpd_buildup
bad "--rate of a type the model lacks" "ihka-mouse has no spontaneous seizures of type 'gtcs'" \
    --rate gtcs=3
bad "--rate without a number" "expected TYPE=R" --rate convulsive=
bad "--rate 0" "expected TYPE=R" --rate convulsive=0

# --- wide seizures: a mouse (HPD), rats (convulsive), Dravet mice (GTCS)
synth --model ihka-mouse -n 1 --hours 12 -s 4096 --seizures wide --negatives wide -o "$W/ihka"
ok "synth --seizures wide --negatives wide makes an IHKA study"
synth --model ihka-mouse -n 1 --hours 12 -s 4096 -o "$W/ihka_usual"
synth --model ihka-mouse -n 1 --hours 12 -s 4096 --rate convulsive=20 -o "$W/ihka_rate"
n_usual=$(grep -c ",convulsive," "$W/ihka_usual/truth.csv")
n_rate=$(grep -c ",convulsive," "$W/ihka_rate/truth.csv")
[ "$n_rate" -ge $((n_usual + 4)) ]
ok "--rate convulsive=20 makes more convulsive seizures ($n_rate, against $n_usual)"
rate=$(grep -o "convulsive [0-9.]*/day" "$W/ihka_rate/animals.csv" | tr -dc '0-9.')
awk -v r="$rate" 'BEGIN { exit !(r >= 5 && r <= 50) }' # the model's 0.5-5 a day, x 10
ok "animals.csv notes the animal's rate, in the range scaled alike ($rate a day)"
synth --model convulsive-rat -n 1 --hours 24 -s 5000 --seizures wide -o "$W/rat"
synth --model dravet-mouse -n 1 --hours 24 -s 5002 --seizures wide -o "$W/dravet"
ok "and rat and Dravet studies"
for s in ihka rat dravet; do
    T=$W/$s/truth.csv
    eq "$s: truth.csv keeps its header" "$(head -1 "$T")" "recording,animal,start_s,end_s,type,racine"
    n=$(tail -n +2 "$T" | grep -cvE '^[A-Z][0-9]+_[0-9_]+\.edf,[A-Z][0-9]+,[0-9]+\.[0-9]{3},[0-9]+\.[0-9]{3},(hpd,|convulsive,[45])$')
    eq "$s: every truth row has the usual format" "$n" 0
    eq "$s: seizures.csv has its header" "$(head -1 "$W/$s/seizures.csv")" \
        "recording,animal,start_s,end_s,type,family,params"
    diff <(tail -n +2 "$T" | cut -d, -f1-5) <(tail -n +2 "$W/$s/seizures.csv" | cut -d, -f1-5) \
        >/dev/null
    ok "$s: seizures.csv has a row for every truth row, in order"
    grep -q "^# seizures=wide" "$W/$s/study.ini"
    ok "$s: study.ini records the wide seizures"
done
[ ! -e "$W/ihka_usual/seizures.csv" ]
ok "no seizures.csv without --seizures wide"
nu=$(grep -c ",hpd," "$W/ihka_usual/truth.csv")
nw=$(grep -c ",hpd," "$W/ihka/truth.csv")
[ "$nw" -ge $((nu * 8 / 10)) ] && [ "$nw" -le $((nu * 12 / 10)) ]
ok "wide HPDs are about as many as usual ones ($nw vs $nu: the same process)"

for f in hpd_spike_onset hpd_lvf hpd_sentinel hpd_buildup hpd_irregular; do
    n=$(grep -c ",$f," "$W/ihka/seizures.csv")
    [ "$n" -gt 0 ]
    ok "the IHKA study has HPDs of $f ($n)"
done
for f in conv_spike_onset conv_lvf conv_tonic_clonic conv_secondary; do
    n=$(grep -c ",$f," "$W/rat/seizures.csv")
    [ "$n" -gt 0 ]
    ok "the rat study has convulsive seizures of $f ($n)"
done
for f in gtcs_tonic_clonic gtcs_clonic gtcs_lvf; do
    n=$(grep -c ",$f," "$W/dravet/seizures.csv")
    [ "$n" -gt 0 ]
    ok "the Dravet study has GTCS of $f ($n)"
done

# Every row: duration and parameters within ictal.h's ranges (µV times the
# model's level: mice 1, rats 1.6; float rounding allowed for).  Prints the
# offending rows.
in_range() { # LEVEL FILE
    awk -F, -v lv="$1" 'function out(x, lo, hi) { return x < lo - 3e-3 * (hi > 1 ? hi : 1) || x > hi + 3e-3 * (hi > 1 ? hi : 1) }
    NR > 1 {
        d = $4 - $3; n = split($7, kv, ";"); delete p
        for (i = 1; i <= n; i++) { split(kv[i], x, "="); p[x[1]] = x[2] }
        split(p["w"], w, "/"); split(p["w0"], w0, "/"); f = $6; o = p["onset_s"]; e = 0
        on = "spike"
        if (f ~ /lvf/) on = "lvf"; else if (f ~ /sentinel/) on = "sentinel"
        else if (f ~ /buildup/) on = "buildup"; else if (f ~ /tonic/) on = "tonic"
        else if (f ~ /secondary/) on = "focal"
        e += p["onset"] != on
        e += out(p["spike_sd_s"], 0.004, f ~ /^hpd/ ? 0.02 : 0.015) || out(p["poly"], 0, 0.8)
        e += (p["polarity"] != "+1" && p["polarity"] != "-1") || out(p["curve"], 0.5, 2)
        e += p["amp_uv"] <= 0 || p["amp_uv"] > 70 * lv * p["amp_rms"] * 1.002
        e += (p["fast_hz"] != "") != (on == "lvf" || on == "tonic")
        e += (p["sentinel"] != "") != (on == "sentinel") || (p["w0"] != "") != (on == "focal")
        if (f ~ /^hpd/) {
            e += $5 != "hpd" || out(d - o, 5, 90) || out(p["f0_hz"], 1.5, 6) || out(p["f1_hz"], 1, 6)
            e += out(p["f1_hz"] / p["f0_hz"], 0.3, 2) && p["f1_hz"] != 1 && p["f1_hz"] != 6
            e += out(p["isi_cv"], f == "hpd_irregular" ? 0.25 : 0, f == "hpd_irregular" ? 0.6 : 0.1)
            e += out(p["jitter"], f == "hpd_irregular" ? 0.2 : 0.05, f == "hpd_irregular" ? 0.35 : 0.2)
            e += out(p["amp_rms"], 5, 12) || out(p["wave"], 0, 0.8) || out(p["fade"], 0, 0.6)
            e += out(p["fall_s"], 0.1, 1) || p["muscle_uv"] != "" || w[1] != 1 || out(w[2], 0.05, 0.8)
            if (on == "lvf") e += out(o, 1, 8) || out(p["fast_hz"], 15, 40) || out(p["fast_level"], 0.05, 0.3)
            else if (on == "sentinel") e += out(o, 0.5, 3) || out(p["sentinel"], 1.2, 3)
            else if (on == "buildup") e += out(o, 2, 15)
            else e += o != 0
        } else {
            g = f ~ /^gtcs/
            e += $5 != "convulsive" || out(d, 20, 150) || d < o + 14.9
            e += g ? out(p["f0_hz"], 6, 14) : out(p["f0_hz"], 4, 12)
            e += out(p["f1_hz"], g ? 1.5 : 1, 4) && out(p["f1_hz"] / p["f0_hz"], 0.8, 1.2)
            e += out(p["isi_cv"], 0, 0.1) || out(p["jitter"], 0.05, 0.2) || out(p["amp_rms"], 5, 16)
            e += out(p["wave"], 0.1, 0.8) || out(w[1], 0.6, 1) || out(w[2], 0.6, 1.2)
            e += g ? p["fade"] != 0 || out(p["fall_s"], 0.05, 0.3) : out(p["fade"], 0, 0.4) || out(p["fall_s"], 0.1, 2)
            e += out(p["muscle_uv"], (on == "tonic" ? 60 : 10) * lv, (on == "tonic" ? 200 : 150) * lv)
            e += out(p["muscle_from_s"], 0, 0.8 * d)
            if (on == "tonic") e += p["muscle_from_s"] != 0 || out(p["fast_hz"], 20, 40) || out(p["fast_level"], 0.05, 0.2)
            if (on == "lvf") e += out(p["fast_hz"], 15, 35) || out(p["fast_level"], 0.03, 0.15)
            if (on == "focal") e += out(o, 5, 20) || w0[1] != w[1] || out(w0[2] / w[2], 0.05, 0.3)
            if (on == "spike") e += o != 0
            if (on == "lvf" || on == "tonic") e += g ? out(o, 1, on == "lvf" ? 6 : 8) : out(o, 2, 10)
            e += !g && out(p["start_hz"], 3, 5) && on != "tonic"
        }
        if (e) print
    }' "$2" || echo "awk failed"
}
for s in ihka:1 dravet:1 rat:1.6; do
    eq "${s%:*}: every seizure has its parameters within the stated ranges" \
        "$(in_range "${s#*:}" "$W/${s%:*}/seizures.csv")" ""
done

# --- holding families out: drawn, then dropped; nothing else changes
synth --model ihka-mouse -n 1 --hours 12 -s 4096 --seizures wide --negatives wide \
    --without-families hpd_lvf,grooming_wide -o "$W/without"
ok "--without-families makes the study"
diff <(grep -v ",hpd_lvf," "$W/ihka/seizures.csv") "$W/without/seizures.csv" >/dev/null
ok "without hpd_lvf: every other seizure row unchanged, no hpd_lvf row"
diff <(grep -v ",grooming_wide," "$W/ihka/artefacts.csv") "$W/without/artefacts.csv" >/dev/null
ok "without grooming_wide: every other artefacts.csv row unchanged, no grooming_wide row"
[ "$(grep -c ",hpd," "$W/without/truth.csv")" -eq $((nw - $(grep -c ",hpd_lvf," "$W/ihka/seizures.csv"))) ]
ok "truth.csv lost exactly the hpd_lvf seizures"
grep -q "^# families left out: grooming_wide hpd_lvf$" "$W/without/study.ini"
ok "study.ini records the families left out"
synth --model ihka-mouse -n 1 --hours 12 -s 4096 --seizures wide --negatives wide \
    --families 'theta_wide,hpd_s*' -o "$W/only"
ok "--families makes the study"
diff <(grep -E ",(hpd_spike_onset|hpd_sentinel)," "$W/ihka/seizures.csv") \
    <(tail -n +2 "$W/only/seizures.csv") >/dev/null
ok "--families 'theta_wide,hpd_s*' keeps exactly the hpd_spike_onset and hpd_sentinel seizures"
diff <(awk -F, 'NR == 1 || $7 == "" || $5 == "theta_wide"' "$W/ihka/artefacts.csv") "$W/only/artefacts.csv" \
    >/dev/null
ok "and of the wide negatives exactly the theta_wide rows (the usual ones stay)"

check_done test_synth_seizwide.sh
