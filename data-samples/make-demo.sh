#!/usr/bin/env bash
# make-demo.sh: the demo study, end to end: generate it with `ictus synth` (only
# when absent), run the nightly job on it, say where the outputs are.
# Usage: data-samples/make-demo.sh ICTUS   (`make demo` passes build/release/ictus)
# The study (about 2.2 GB) lives in data-samples/study/, which git ignores;
# delete that directory to generate it again.  See data-samples/README.md.
set -eu
ictus=${1:?usage: data-samples/make-demo.sh ICTUS}
here=$(cd "$(dirname "$0")" && pwd)
study=$here/study

# 8 animals x 3 days of 24 h EDF+ files, 2 channels (HPC, CTX) at 250 Hz, the
# IHKA mouse model; the seed fixes every byte.  A generation cut short leaves
# no .complete marker and is started again from scratch.
if [ ! -f "$study/.complete" ]; then
    rm -rf "$study"
    echo "generating the demo study in $study (8 animals x 3 days, about 2.2 GB)..."
    "$ictus" synth --model ihka-mouse --animals 8 --days 3 --hours 24 --fs 250 --channels 2 \
        --seed 2026 -o "$study"
    touch "$study/.complete"
fi

# The technicians' nightly command.  --settle 0 because synth has just closed
# every file: with the default (60 s) the newest files would count as still
# being written and wait for the next run.
status=0
"$ictus" run "$study" --settle 0 || status=$?

cat <<EOF

The demo study: $study
  inputs:  study.ini, animals.csv, recordings.csv, recordings/ (truth.csv and
           artefacts.csv hold the generator's ground truth)
  results: $study/ictus.db (SQLite: runs, recordings, events, analysable time)
           $study/out/events.csv
Run it again (\`make demo\` or \`$ictus run $study\`): unchanged files are skipped.
EOF
exit "$status"
