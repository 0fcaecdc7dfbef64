#!/usr/bin/env bash
# test_run.sh: `ictus run --slurm` on a real Slurm cluster (issue 17; make
# check-slurm brings one up on localhost: tests/slurm/cluster.sh).
#   - a study of 9 two-hour recordings and a corrupt one, processed with
#     --slurm, gives the database and outputs of a local `ictus run` of the
#     same study (events, periods, responders, daily rates, recording rows);
#   - the corrupt recording fails alone and is named by the reduce;
#   - a second submission sends only that failed recording again; once it is
#     gone, a third submits nothing;
#   - an array task cancelled before it ran: the reduce stores the others,
#     fails its recording with the task's state, and the next submission
#     sends it again.
# Prints the wall time of the first submission's jobs (the makespan figure in
# README, Running on a cluster).
# Needs: $ICTUS, a running cluster (squeue answers), sqlite3.
set -u
. "$(dirname "$0")/../shcheck.sh"
. "$(dirname "$0")/same_results.sh"

# wait_gone JOB...: until squeue lists none of the jobs (at most 180 s)
wait_gone() {
    local ids
    ids=$(echo "$*" | tr ' ' ',')
    for _ in $(seq 1800); do
        [ -z "$(squeue -h -o %i -j "$ids" 2>/dev/null)" ] && return 0
        sleep 0.1
    done
    echo "jobs $ids still queued after 180 s:"
    squeue -j "$ids"
    return 1
}
# jobs_of SUBMISSION: every job id of its jobs.txt
jobs_of() { awk '$1 == "array" || $1 == "reduce" {print $2}' "$1/jobs.txt" | tr '\n' ' '; }
# exit_of JOB: the job's ExitCode (e.g. 1:0)
exit_of() { scontrol -o show job "$1" | tr ' ' '\n' | sed -n 's/^ExitCode=//p'; }
latest() { local d; d=$(ls -td "$1"/slurm/*/ | head -1); echo "${d%/}"; } # the newest

squeue -h >/dev/null 2>&1
ok "the cluster answers squeue" || { check_done test_slurm_run; exit 1; }

# --- the study, and a local run of a copy ------------------------------------
# The study lives under the build directory, not /tmp: the jobs run as this
# user, on this machine, in a directory every "node" sees.
B=$(cd "$(dirname "$ICTUS")" && pwd)/slurm-test
rm -rf "$B"
mkdir -p "$B"
trap 'rm -rf "$W" "$B"' EXIT
S=$B/st
"$ICTUS" synth --model ihka-mouse --animals 3 --days 3 --hours 2 --fs 200 --channels 1 \
    --seed 8177 -o "$S" >/dev/null 2>&1
ok "synth makes the study"
{
    echo "animal,period,drug,dose_mg_kg,route,start,end"
    for a in M01 M02 M03; do
        echo "$a,baseline,,,,2026-01-05T08:00:00,2026-01-05T11:00:00"
        echo "$a,drug,levetiracetam,50,ip,2026-01-05T11:00:00,2026-01-05T14:00:00"
    done
} >"$S/dosing.csv"
head -c 30000 /dev/urandom >"$S/recordings/corrupt.edf"
cp -a "$S" "$B/local"
"$ICTUS" run "$B/local" -j 2 --settle 0 >"$W/local.out" 2>&1
eq "the local run exits 1 (the corrupt recording)" "$?" 1

# --- submit ---------------------------------------------------------------------
t0=$(date +%s.%N)
"$ICTUS" run "$S" --slurm --settle 0 --max-parallel 4 --time 10:00 >"$W/submit.out" 2>&1
eq "the submission exits 0" "$?" 0
grep -q "10 to read" "$W/submit.out"
ok "it plans 10 recordings"
sub=$(latest "$S")
reduce=$(awk '$1 == "reduce" {print $2}' "$sub/jobs.txt")
[ -n "$reduce" ] && [ "$reduce" -gt 0 ]
ok "jobs.txt names the reduce job"
wait_gone $(jobs_of "$sub")
ok "every job of the submission ends"
secs=$(echo "$(date +%s.%N) - $t0" | bc -l)
printf 'slurm: 10 recordings (2 h, 200 Hz, 1 channel), --max-parallel 4: %.1f s from submission to the end of the reduce\n' "$secs"
eq "the reduce job exits 1 (the corrupt recording)" "$(exit_of "$reduce")" "1:0"
grep -q "failed: .*recordings/corrupt.edf" "$sub/logs/reduce.out"
ok "the reduce names the corrupt recording"
eq "the reduce stored every recording (reduced.txt)" "$(cat "$sub/reduced.txt" 2>/dev/null)" \
    "reduced by run 1: 10 files stored"
eq "no shard is left" "$(ls "$sub/shards" | wc -l)" 0

# --- the same as the local run ---------------------------------------------------
same_results "$B/local" "$S"

# --- again: only the failed recording, then nothing --------------------------------
"$ICTUS" run "$S" --slurm --settle 0 >"$W/again.out" 2>&1
eq "a second submission exits 0" "$?" 0
sub2=$(latest "$S")
eq "it sends only the failed recording again" "$(cut -d, -f2 "$sub2/tasks.csv" | tail -n +2)" \
    "recordings/corrupt.edf"
wait_gone $(jobs_of "$sub2")
ok "its jobs end"
rm "$S/recordings/corrupt.edf"
"$ICTUS" forget "$S" recordings/corrupt.edf --yes >/dev/null 2>&1
n=$(ls -d "$S"/slurm/*/ | wc -l)
"$ICTUS" run "$S" --slurm --settle 0 >"$W/third.out" 2>&1
eq "with nothing new a submission exits 0" "$?" 0
grep -q "nothing new, nothing submitted" "$W/third.out"
ok "and says nothing was submitted"
eq "and makes no submission directory" "$(ls -d "$S"/slurm/*/ | wc -l)" "$n"

# --- a task cancelled before it ran -----------------------------------------------
"$ICTUS" synth --model ihka-mouse --animals 1 --days 2 --hours 2 --fs 200 --channels 1 \
    --seed 8178 -o "$W/more" >/dev/null 2>&1
i=0
for f in "$W/more/recordings/"*.edf; do
    i=$((i + 1))
    cp "$f" "$S/recordings/M01_extra$i.edf"
done
SBATCH_HOLD=1 "$ICTUS" run "$S" --slurm --settle 0 >"$W/held.out" 2>&1
eq "a held submission exits 0" "$?" 0
sub3=$(latest "$S")
array=$(awk '$1 == "array" {print $2}' "$sub3/jobs.txt")
reduce3=$(awk '$1 == "reduce" {print $2}' "$sub3/jobs.txt")
victim=$(awk -F, 'NR == 2 {print $2}' "$sub3/tasks.csv") # task 0's recording
scancel "${array}_0"
scontrol release "$array" "$reduce3" >/dev/null 2>&1
wait_gone "$array" "$reduce3"
ok "the jobs end"
grep -q "$victim: no results: its Slurm task ${array}_0 never ran" "$sub3/logs/reduce.out"
ok "the reduce fails the cancelled task's recording with its state"
grep -q "^reduced by run [0-9]*: 2 files stored$" "$sub3/reduced.txt"
ok "the reduce stored both recordings' outcomes (one result, one failure)"
"$ICTUS" run "$S" --slurm --settle 0 >"$W/retry.out" 2>&1
sub4=$(latest "$S")
eq "the next submission sends only that recording" "$(cut -d, -f2 "$sub4/tasks.csv" | tail -n +2)" \
    "$victim"
wait_gone $(jobs_of "$sub4")
ok "and its jobs end"
q="SELECT count(*) FROM recordings WHERE status = 'ok'"
eq "every recording is stored ok at the end" "$(sqlite3 "$S/ictus.db" "$q")" 11

check_done test_slurm_run
