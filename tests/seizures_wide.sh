#!/usr/bin/env bash
# seizures_wide.sh: the rules' recall on the seizures of
# `ictus synth --seizures wide` (synth/ictal.h), per family, against the
# usual seizures: how much recall a second stage that only sees the rules'
# candidates can have on varied morphologies (issue 12).  Not a test (it
# asserts nothing); a measurement, like tests/negatives.sh.
#   tests/seizures_wide.sh ICTUS [SEED] [ANIMALS] [HOURS] [FS_HZ] [MODEL]
# Runs from the project root (presets from detectors/presets).  For each of
# usual and wide: synth (1 file per animal, 2 channels, the usual hard
# negatives), detect with the model's preset, `ictus score` per type
# (pooled event TP/FP/FN and F1), then every truth seizure counts as found
# when a detection of its type overlaps it widened by the scorer's window
# (5 s each side): found / missed per family, and for HPDs per amplitude
# (amp_rms, background RMS), spike-train length, rate evolution (f1/f0
# below 0.8, above 1.2, else steady) and spike width.  The sums match score's
# TP/FN unless merging or splitting changes the count.
# Work in ${ICTUS_SEIZWIDE_DIR:-build/seizwide-SEED}.
set -u
ictus=$(readlink -f "${1:?usage: tests/seizures_wide.sh ICTUS [SEED] [ANIMALS] [HOURS] [FS_HZ] [MODEL]}")
seed=${2:-9137}
animals=${3:-4}
hours=${4:-24}
fs=${5:-250}
model=${6:-ihka-mouse}
work=${ICTUS_SEIZWIDE_DIR:-build/seizwide-$seed}
export ICTUS_PRESET_DIR
ICTUS_PRESET_DIR=$(readlink -f detectors/presets)
rm -rf "$work"
mkdir -p "$work"
case $model in
    ihka-mouse) types="hpd convulsive" ;;
    *) types="convulsive" ;;
esac
for sz in usual wide; do
    dir=$work/$sz
    "$ictus" synth --model "$model" --animals "$animals" --days 1 --hours "$hours" --fs "$fs" \
        --channels 2 --seed "$seed" --seizures "$sz" -o "$dir" >/dev/null || exit 1
    "$ictus" detect --preset "$model" "$dir"/recordings/*.edf -o "$dir/events.csv" || exit 1
    echo "== $model, --seizures $sz (seed $seed, $animals animals x $hours h at $fs Hz, 2 channels)"
    for t in all $types; do
        arg=()
        [ "$t" = all ] || arg=(--type "$t")
        "$ictus" score --truth "$dir/truth.csv" --pred "$dir/events.csv" --recordings "$dir" \
            --preset "$model" "${arg[@]}" |
            awk -v t="$t" '/^event scoring/{e=1} e && /pooled/ {
                printf "  event scoring, %-10s F1 %s  FP/24h %s  (TP %s FP %s FN %s)\n", t, $9, $10, $4, $5, $6; exit }'
    done
    # the family of each truth row (seizures.csv: same rows, same order)
    if [ -e "$dir/seizures.csv" ]; then
        fam=$dir/seizures.csv
    else
        fam=$dir/truth.csv
    fi
    awk -F, '
        FNR == 1 { file++; next }
        file == 1 { r = $1; sub(/.*\//, "", r); det[r] = det[r] " " $4 ":" $5 ":" $8; next }
        {
            f = NF >= 7 ? $6 : "usual_" $5; found = 0
            split(substr(det[$1], 2), dv, " ")
            for (i in dv) { split(dv[i], x, ":"); if (x[3] == $5 && x[1] < $4 + 5 && x[2] > $3 - 5) found = 1 }
            n[f]++; hit[f] += found
            if ($5 != "hpd" || NF < 7) next
            m = split($7, kv, ";"); delete p
            for (i = 1; i <= m; i++) { split(kv[i], x, "="); p[x[1]] = x[2] }
            a = p["amp_rms"] < 5 ? "amp_rms 3-5" : p["amp_rms"] < 8 ? "amp_rms 5-8" : "amp_rms 8-12"
            d = $4 - $3 - p["onset_s"]
            l = d < 10 ? "train 5-10 s" : d < 20 ? "train 10-20 s" : d < 40 ? "train 20-40 s" : "train 40-90 s"
            q = p["f1_hz"] / p["f0_hz"]
            v = q < 0.8 ? "rate slowing" : q > 1.2 ? "rate accelerating" : "rate steady"
            w = p["spike_sd_s"] < 0.008 ? "spike_sd 4-8 ms" : p["spike_sd_s"] < 0.014 ? "spike_sd 8-14 ms" : "spike_sd 14-20 ms"
            n[a]++; hit[a] += found; n[l]++; hit[l] += found; n[v]++; hit[v] += found; n[w]++; hit[w] += found
        }
        END {
            printf "  found / missed per family (a detection of its type within 5 s):\n"
            printf "    %-18s %6s %6s %8s\n", "family", "found", "missed", "recall"
            k = 0
            for (f in n) keys[++k] = f
            for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (keys[j] < keys[i]) { s = keys[i]; keys[i] = keys[j]; keys[j] = s }
            for (i = 1; i <= k; i++)
                printf "    %-18s %6d %6d %7.1f%%\n", keys[i], hit[keys[i]], n[keys[i]] - hit[keys[i]], 100 * hit[keys[i]] / n[keys[i]]
        }' "$dir/events.csv" "$fam"
    echo
done
