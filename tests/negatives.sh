#!/usr/bin/env bash
# negatives.sh: the rules' false positives on the hard negatives of
# `ictus synth --negatives wide` (synth/families.h), per family, against the
# usual negatives: the baseline a learned second stage is judged against
# (issue 12).  Not a test (it asserts nothing); a measurement, like
# tests/validate.sh.
#   tests/negatives.sh ICTUS [SEED] [ANIMALS] [HOURS] [FS_HZ] [MODEL]
# Runs from the project root (presets from detectors/presets).  For each of
# usual and wide: synth (1 file per animal, 2 channels), detect with the
# model's preset, `ictus score` (pooled event F1 of every type and FP per
# animal-day), then every detection that no seizure of truth.csv overlaps
# (within the scorer's 5 s window) is put down to the artefacts.csv row it
# overlaps most (within 5 s; ties to 0.5 s go to the shortest row;
# "background" when none): a table of false
# positives per family per animal-day, with the family's events per
# animal-day and the share of them that fired.
# Work in ${ICTUS_NEGATIVES_DIR:-build/negatives-SEED}.
set -u
ictus=$(readlink -f "${1:?usage: tests/negatives.sh ICTUS [SEED] [ANIMALS] [HOURS] [FS_HZ] [MODEL]}")
seed=${2:-9137}
animals=${3:-4}
hours=${4:-24}
fs=${5:-250}
model=${6:-ihka-mouse}
work=${ICTUS_NEGATIVES_DIR:-build/negatives-$seed}
export ICTUS_PRESET_DIR
ICTUS_PRESET_DIR=$(readlink -f detectors/presets)
rm -rf "$work"
mkdir -p "$work"
case $model in
    ihka-mouse) types="hpd convulsive" ;;
    6hz-kindling-mouse) types="evoked" ;;
    *) types="convulsive" ;;
esac
for neg in usual wide; do
    dir=$work/$neg
    "$ictus" synth --model "$model" --animals "$animals" --days 1 --hours "$hours" --fs "$fs" \
        --channels 2 --seed "$seed" --negatives "$neg" -o "$dir" >/dev/null || exit 1
    "$ictus" detect --preset "$model" "$dir"/recordings/*.edf -o "$dir/events.csv" || exit 1
    echo "== $model, --negatives $neg (seed $seed, $animals animals x $hours h at $fs Hz, 2 channels)"
    for t in all $types; do
        arg=()
        [ "$t" = all ] || arg=(--type "$t")
        "$ictus" score --truth "$dir/truth.csv" --pred "$dir/events.csv" --recordings "$dir" \
            --preset "$model" "${arg[@]}" |
            awk -v t="$t" '/^event scoring/{e=1} e && /pooled/ {
                printf "  event scoring, %-10s F1 %s  FP/24h %s  (TP %s FP %s FN %s)\n", t, $9, $10, $4, $5, $6; exit }'
    done
    # recording names in events.csv are paths; truth and artefacts name the file
    awk -F, -v days="$animals" -v hours="$hours" '
        FNR == 1 { file++; next }
        file == 1 { ts[$1] = ts[$1] " " $3 ":" $4; next }
        file == 2 { n++; rec[n] = $1; a0[n] = $3; a1[n] = $4; kind[n] = $5; count[$5]++; next }
        {
            r = $1; sub(/.*\//, "", r); s = $4; e = $5
            split(substr(ts[r], 2), iv, " "); fp = 1
            for (i in iv) { split(iv[i], x, ":"); if (x[1] < e + 5 && x[2] > s - 5) fp = 0 }
            if (!fp) next
            best = "background"; bo = -1e9
            for (k = 1; k <= n; k++) if (rec[k] == r && a0[k] < e + 5 && a1[k] > s - 5) {
                # the most overlap (to 0.5 s), then the shortest row: a
                # mains spell around a whole detection loses to what is in it
                o = int(2 * ((a1[k] < e ? a1[k] : e) - (a0[k] > s ? a0[k] : s)))
                if (o > bo || (o == bo && a1[k] - a0[k] < a1[bk] - a0[bk])) {
                    bo = o; best = kind[k]; bk = k
                }
            }
            fps[best]++; total++
            if (best != "background" && !hit[bk]++) fired[best]++
        }
        END {
            ad = days * hours / 24
            printf "  false positives by the hard negative they overlap (per animal-day; %g animal-days):\n", ad
            printf "    %-16s %8s %12s %8s\n", "family", "FP/day", "events/day", "fired"
            m = split("grooming_wide spike_burst theta_wide movement_wide spindle_wide hvs_wide " \
                      "pop_wide clipping_wide grooming chewing movement hvs pop dropout clipping " \
                      "mains stimulus impedance_step gap background", order, " ")
            for (i = 1; i <= m; i++) {
                f = order[i]
                if (!(f in fps) && !(f in count)) continue
                printf "    %-16s %8.2f %12.1f %8s\n", f, fps[f] / ad, count[f] / ad,
                    f == "background" ? "" : sprintf("%.1f%%", 100 * fired[f] / count[f])
            }
            printf "    %-16s %8.2f\n", "all", total / ad
        }' "$dir/truth.csv" "$dir/artefacts.csv" "$dir/events.csv"
    echo
done
