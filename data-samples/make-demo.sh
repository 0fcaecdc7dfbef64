#!/usr/bin/env bash
# make-demo.sh: the demo study, end to end: generate it with `ictus synth` (only
# when absent or made by another command), run the nightly job on it (detection,
# then the analysis), say where the outputs are and show the responses found
# beside the generator's truth.
# Usage: data-samples/make-demo.sh ICTUS   (`make demo` passes build/release/ictus)
# The study (about 7.2 GB) lives in data-samples/study/, which git ignores;
# delete that directory to generate it again.  See data-samples/README.md.
set -eu
#
# Two settings, for tests (tests/test_demo_report.sh) and for a quick look:
#   ICTUS_DEMO_DIR    where the study goes (default data-samples/study)
#   ICTUS_DEMO_HOURS  the length of each file and of the study's "day" (default 24): the
#                     same design with every period scaled by HOURS/24 (1: 8 animals x 10
#                     files of 1 h, about 300 MB)
ictus=${1:?usage: data-samples/make-demo.sh ICTUS}
here=$(cd "$(dirname "$0")" && pwd)
study=${ICTUS_DEMO_DIR:-$here/study}
hours=${ICTUS_DEMO_HOURS:-24}

# 8 IHKA mice, a drug study of 10 days in 24 h EDF+ files, 2 channels (HPC,
# CTX) at 250 Hz: baseline 3 days, asm-a 3 days, washout 1 day, asm-b 3 days;
# the seed fixes every byte.  .complete holds the command that made the study:
# a generation cut short (no .complete), or one made by another command (an
# older demo), is started again from scratch.
generate=(synth --model ihka-mouse --animals 8 --protocol asm --baseline 3d --drug 3d
          --washout 1d --hours 24 --fs 250 --channels 2 --seed 2026)
if [ "$hours" != 24 ]; then
    case $hours in
    [1-9] | 1[0-9] | 2[0-3]) ;;
    *) echo "make-demo.sh: ICTUS_DEMO_HOURS=$hours: expected a whole number of hours, 1 to 24" >&2
       exit 2 ;;
    esac
    generate=(synth --model ihka-mouse --animals 8 --protocol asm --baseline "$((3 * hours))h"
              --drug "$((3 * hours))h" --washout "${hours}h" --hours "$hours" --fs 250
              --channels 2 --seed 2026)
fi
if [ "$(cat "$study/.complete" 2>/dev/null)" != "${generate[*]}" ]; then
    rm -rf "$study"
    # Say so before writing gigabytes, not when the disk is full half-way: the
    # study needs about 300 MB per hour of its day (7.2 GB at 24 h), plus 10 %
    # for the database and out/.
    need_mb=$((330 * hours))
    mkdir -p "$(dirname "$study")"
    free_mb=$(df -Pm "$(dirname "$study")" | awk 'NR == 2 { print $4 }')
    if [ -n "$free_mb" ] && [ "$free_mb" -lt "$need_mb" ]; then
        echo "make-demo.sh: the demo study needs about $need_mb MB free in $(dirname "$study")," \
             "which has $free_mb MB; free some space, or put it elsewhere" \
             "(ICTUS_DEMO_DIR=/big/disk/study make demo), or make a 1 h version of" \
             "about 330 MB (ICTUS_DEMO_HOURS=1 make demo)" >&2
        exit 2
    fi
    echo "generating the demo study in $study (8 animals x 10 files of $hours h, about $((300 * hours)) MB)..."
    "$ictus" "${generate[@]}" -o "$study"
    echo "${generate[*]}" >"$study/.complete"
fi

# The technicians' nightly command.  --settle 0 because synth has just closed
# every file: with the default (60 s) the newest files would count as still
# being written and wait for the next run.
status=0
"$ictus" run "$study" --settle 0 || status=$?

cat <<EOF

The demo study: $study
  inputs:  study.ini ([drugs]), animals.csv, recordings.csv, dosing.csv, recordings/
           (truth.csv, artefacts.csv and responses.csv hold the generator's truth)
  results: $study/ictus.db (SQLite: runs, recordings, events, analysable time)
           $study/out/events.csv
           $study/out/periods.csv, responders.csv, comparisons.csv, analysis-settings.txt
  report:  $study/out/report/index.html (open it in a browser) and report.pdf
           $study/out/review.csv, out/annotations/ (EDF+ annotations for EDFbrowser)
Run it again (\`make demo\` or \`$ictus run $study\`): unchanged files are skipped.

Responses to each drug, all seizure types together (out/responders.csv), beside
the truth the generator planned (responses.csv):
EOF
awk -F, '
    FNR == 1 { delete h; for (i = 1; i <= NF; i++) h[$i] = i; file++; next }
    file == 1 { truth[$(h["animal"]) "|" $(h["drug"])] = $(h["class"]); next }
    $(h["type"]) == "all" {
        k = $(h["animal"]) "|" $(h["drug"])
        if (!shown++)
            printf "  %-6s %-6s %-17s %9s  %-10s %-14s %s\n", "animal", "drug", "class",
                   "% change", "course", "resistance", "truth"
        printf "  %-6s %-6s %-17s %9.1f  %-10s %-14s %s\n", $(h["animal"]), $(h["drug"]),
               $(h["class"]), $(h["pct_change"]), $(h["course"]), $(h["drug_resistance"]),
               truth[k] == $(h["class"]) ? "same" : truth[k]
        n++
        same += truth[k] == $(h["class"])
        false_alarms += truth[k] == "seizure_free" && $(h["class"]) == "strict_responder"
    }
    END {
        printf "%d of %d animal x drug classes as the truth says.\n", same, n
        if (false_alarms)
            printf "(%d seizure-free blocks hold false detections: the truth has no seizure\n"\
                   "there; README.md, \"Drug study\".)\n", false_alarms
    }' \
    "$study/responses.csv" "$study/out/responders.csv"
exit "$status"
