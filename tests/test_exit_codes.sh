#!/usr/bin/env bash
# test_exit_codes.sh: `ictus run` and `ictus analyze` exit alike on the same
# broken study (issue 16), with the codes their --help gives: 0 done; 1 rows
# rejected, files missing, an animal without a preset; 2 the settings
# (study.ini, a preset, a required manifest) are wrong; 3 warnings only.
#
# One 1-hour synthetic recording, detected once; each case breaks a fresh
# copy of the detected study (run then only hashes the copied file) and runs
# both verbs on copies of it.
# Needs: $ICTUS.
set -u
. "$(dirname "$0")/shcheck.sh"

"$ICTUS" synth --model ihka-mouse --animals 1 --days 1 --hours 1 --fs 200 --channels 1 \
    --seed 9406 -o "$W/base" >/dev/null 2>&1
ok "synth makes a one-recording study"
"$ICTUS" run "$W/base" -j 1 --settle 0 >/dev/null 2>&1
eq "the study as made: run exits 0" "$?" 0

# case NAME EXPECTED SHELL-CODE: break a copy (the code runs in it), then
# `run` and `analyze` must both exit EXPECTED.
case_() {
    local name=$1 want=$2 code=$3 got_run got_analyze
    rm -rf "${W:?}/r" "$W/a"
    cp -r "$W/base" "$W/r"
    (cd "$W/r" && eval "$code")
    cp -r "$W/r" "$W/a"
    "$ICTUS" run "$W/r" -j 1 --settle 0 >"$W/r.out" 2>"$W/r.err"
    got_run=$?
    "$ICTUS" analyze "$W/a" >"$W/a.out" 2>"$W/a.err"
    got_analyze=$?
    eq "$name: run and analyze exit $want" "$got_run $got_analyze" "$want $want"
}

case_ "as made" 0 ':'
case_ "study.ini names no such preset" 2 \
    'sed -i "s/^preset = .*/preset = no-such-preset/" study.ini'
case_ "study.ini [detector] value not a number" 2 'printf "[detector]\nthreshold = abc\n" >>study.ini'
case_ "study.ini [analysis] value not a number" 2 \
    'printf "[analysis]\nmin_analysable_h = abc\n" >>study.ini'
case_ "animals.csv missing" 2 'rm animals.csv'
case_ "animals.csv: an unknown sex (the animal is kept: a warning)" 3 \
    'sed -i -E "2s/^([^,]*,[^,]*,)[^,]*/\1Q/" animals.csv'
case_ "animals.csv: a model no preset knows" 1 'sed -i "2s/,ihka-mouse,/,no-such-model,/" animals.csv'
case_ "recordings.csv lists a file that is not there" 1 \
    'echo "nosuch.edf,M01,HPC=1,2026-01-05T10:00:00," >>recordings.csv'
case_ "recordings.csv: an unknown animal" 1 \
    'echo "M01_20260105_080000.edf,M99,HPC=1,2026-01-05T10:00:00," >>recordings.csv'
case_ "dosing.csv: a bad date" 1 \
    'printf "animal,period,drug,dose_mg_kg,route,start,end\nM01,baseline,,,,soon,2026-01-05T09:00:00\n" >dosing.csv'

check_done test_exit_codes
