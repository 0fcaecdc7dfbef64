#!/usr/bin/env bash
# test_slurm_submit.sh: `ictus run --slurm` end to end without a cluster
# (issue 17): stand-ins for sbatch, squeue and scontrol record what ictus
# submits; the test then runs the array scripts' tasks and the reduce script
# itself, as Slurm would, and checks that:
#   - the database and outputs equal those of a local `ictus run` of the same
#     study (events, periods, responders, recording states);
#   - the split follows the cluster's MaxArraySize (scontrol's answer), with
#     --max-parallel K as `%K` and each array after the one before;
#   - a corrupt recording fails alone, named in the summary;
#   - a second submission finds nothing new and submits nothing;
#   - a task that never ran (timed out) fails its recording with the task's
#     state from Slurm, and the next submission sends it again;
#   - --dry-run prints the scripts, writes and submits nothing, and plans
#     5,000 recordings in arrays under MaxArraySize.
# tests/slurm/test_run.sh does the same on a real cluster (make check-slurm).
# Needs: $ICTUS, sqlite3.
set -u
. "$(dirname "$0")/shcheck.sh"
. "$(dirname "$0")/slurm/same_results.sh"

# --- stand-ins for the Slurm commands --------------------------------------
mkdir -p "$W/bin"
cat >"$W/bin/sbatch" <<'EOF'
#!/bin/sh
# records "ID DIR ARGS..." in $FAKE/calls and answers like sbatch --parsable
n=$(cat "$FAKE/next" 2>/dev/null || echo 500)
echo $((n + 1)) >"$FAKE/next"
echo "$n $PWD $*" >>"$FAKE/calls"
echo "$n"
EOF
cat >"$W/bin/squeue" <<'EOF'
#!/bin/sh
# every job has left the queue, unless $FAKE/queued names it
for a in "$@"; do :; done
[ -f "$FAKE/queued" ] && grep -qx "$a" "$FAKE/queued" && echo "$a"
exit 0
EOF
cat >"$W/bin/scontrol" <<'EOF'
#!/bin/sh
case "$*" in
"show config") echo "MaxArraySize            = ${FAKE_MAX_ARRAY:-1001}"
               echo "MaxJobCount             = ${FAKE_MAX_JOBS:-10000}" ;;
"-o show job "*) echo "JobId=1 ArrayTaskId=0 JobName=x JobState=TIMEOUT Reason=TimeLimit Dependency=(null) ExitCode=0:15" ;;
*) exit 1 ;;
esac
EOF
chmod +x "$W/bin/"*
export FAKE=$W/fake
mkdir -p "$FAKE"
PATH=$W/bin:$PATH
export PATH

# run_tasks SUBMISSION [SKIP]: every task of every array, as Slurm would run
# them (in the submission directory, SLURM_ARRAY_TASK_ID set), but task SKIP
# (a task that never started)
run_tasks() {
    local sub=$1 skip=${2:--1} k=0 kind first n i
    while read -r kind _ first n; do
        [ "$kind" = array ] || continue
        for i in $(seq 0 $((n - 1))); do
            [ $((first + i)) -eq "$skip" ] ||
                (cd "$sub" && SLURM_ARRAY_TASK_ID=$i sh "array-$k.sh" >/dev/null 2>&1)
        done
        k=$((k + 1))
    done <"$sub/jobs.txt"
}

# --- the study: 4 animals x 3 one-hour files, a dosing schedule, a corrupt file
S=$W/st
"$ICTUS" synth --model ihka-mouse --animals 4 --days 3 --hours 1 --fs 200 --channels 1 \
    --seed 8181 -o "$S" >/dev/null 2>&1
ok "synth makes the study"
{
    echo "animal,period,drug,dose_mg_kg,route,start,end"
    for a in M01 M02 M03 M04; do
        echo "$a,baseline,,,,2026-01-05T08:00:00,2026-01-05T09:30:00"
        echo "$a,drug,levetiracetam,50,ip,2026-01-05T09:30:00,2026-01-05T11:00:00"
    done
} >"$S/dosing.csv"
head -c 20000 /dev/urandom >"$S/recordings/corrupt.edf"
cp -a "$S" "$W/local"

"$ICTUS" run "$W/local" -j 2 --settle 0 >"$W/local.out" 2>&1
eq "the local run exits 1 (the corrupt recording)" "$?" 1

# --- submit: MaxArraySize 5 -> 13 recordings in arrays of 5, 5, 3 ------------
FAKE_MAX_ARRAY=5 "$ICTUS" run "$S" --slurm --settle 0 --max-parallel 2 --partition short \
    --time 0:30:00 >"$W/submit.out" 2>&1
eq "the submission exits 0" "$?" 0
grep -q "13 to read" "$W/submit.out"
ok "the submission plans 13 recordings"
sub=$(ls -d "$S"/slurm/*/)
sub=${sub%/}
eq "three arrays and a reduce submitted" "$(wc -l <"$FAKE/calls")" 4
eq "arrays of 5, 5 and 3 tasks" "$(awk '$1 == "array" {printf "%s ", $4}' "$sub/jobs.txt")" "5 5 3 "
grep -q "^#SBATCH --array=0-4%2$" "$sub/array-0.sh"
ok "an array is throttled to --max-parallel (%2)"
grep -q "^#SBATCH --array=0-2%2$" "$sub/array-2.sh"
ok "the last array holds the rest"
grep -q "^#SBATCH --partition=short$" "$sub/reduce.sh" && grep -q "^#SBATCH --time=0:30:00$" "$sub/array-1.sh"
ok "--partition and --time reach the scripts"
eq "each array after the one before, the reduce after all" \
    "$(awk '{print $1, $4}' "$FAKE/calls" | tr '\n' ' ')" \
    "500 array-0.sh 501 --dependency=afterany:500 502 --dependency=afterany:501 503 --dependency=afterany:500:501:502 "
grep -q "squeue -j 500,501,502,503" "$W/submit.out"
ok "the submission says how to watch the jobs"

# a second submission while the reduce is queued is refused
echo 503 >"$FAKE/queued"
"$ICTUS" run "$S" --slurm --settle 0 >"$W/busy.out" 2>&1
eq "a submission while one is in flight exits 2" "$?" 2
grep -q "still queued or running (reduce job 503)" "$W/busy.out"
ok "and names the reduce job"
rm "$FAKE/queued"

run_tasks "$sub"
eq "every task wrote its shard" "$(ls "$sub/shards" | wc -l)" 13
(cd "$sub" && sh reduce.sh >"$W/reduce.out" 2>&1)
eq "the reduce exits 1 (the corrupt recording)" "$?" 1
grep -q "failed: .*recordings/corrupt.edf" "$W/reduce.out"
ok "the reduce's summary names the corrupt recording"
grep -q "^  detected by the Slurm tasks: 0.50 animal-days; [0-9]* events\? found$" "$W/reduce.out"
ok "the reduce's summary says the tasks detected (12 one-hour files), not itself"
eq "the shards are gone once stored" "$(ls "$sub/shards" | wc -l)" 0
[ -s "$sub/reduced.txt" ]
ok "the reduce leaves reduced.txt"

# --- the same results as the local run --------------------------------------
same_results "$W/local" "$S"

# --- a second submission: nothing new --------------------------------------
"$ICTUS" run "$S" --slurm --settle 0 >"$W/again.out" 2>&1
eq "a second submission exits 0" "$?" 0
grep -q "1 to read" "$W/again.out" # the corrupt file, failed last time, is read again
ok "a second submission reads only the failed recording again"
eq "it submitted one array and a reduce" "$(wc -l <"$FAKE/calls")" 6

# --- a task that never ran --------------------------------------------------
sub2=$(ls -td "$S"/slurm/*/ | head -1)
sub2=${sub2%/}
"$ICTUS" synth --model ihka-mouse --animals 1 --days 1 --hours 1 --fs 200 --channels 1 \
    --seed 8176 -o "$W/more" >/dev/null 2>&1
run_tasks "$sub2"
(cd "$sub2" && sh reduce.sh >/dev/null 2>&1) # the corrupt file fails again
cp "$W/more/recordings/"*.edf "$S/recordings/M01_new.edf"
"$ICTUS" run "$S" --slurm --settle 0 >"$W/third.out" 2>&1
sub3=$(ls -td "$S"/slurm/*/ | head -1)
sub3=${sub3%/}
grep -q "^0,recordings/M01_new.edf," "$sub3/tasks.csv"
ok "the new recording goes to a task"
row=$(awk -F, '$2 == "recordings/M01_new.edf" {print $1}' "$sub3/tasks.csv")
run_tasks "$sub3" "$row"
(cd "$sub3" && sh reduce.sh >"$W/reduce3.out" 2>&1)
grep -q "M01_new.edf: no results: its Slurm task [0-9]*_[0-9]* ended TIMEOUT, exit 0:15 (TimeLimit)" "$W/reduce3.out"
ok "a task that never ran fails its recording with the task's state"
"$ICTUS" run "$S" --slurm --settle 0 --quiet >"$W/fourth.out" 2>&1
sub4=$(ls -td "$S"/slurm/*/ | head -1)
grep -q ",recordings/M01_new.edf," "$sub4/tasks.csv"
ok "the next submission sends it again"
reduce4=$(awk '$1 == "reduce" {print $2}' "$sub4/jobs.txt")
eq "with --quiet a submission prints one line: what went out" "$(cat "$W/fourth.out")" \
    "ictus run $S --slurm: 2 recordings in 2 tasks submitted: array job $((reduce4 - 1)), reduce job $reduce4" # and the corrupt file

# --- --dry-run: 5,000 tiny recordings ----------------------------------------
D=$W/big
mkdir -p "$D/recordings"
printf '[study]\nname = big\npreset = ihka-mouse\nmains_hz = 50\n' >"$D/study.ini"
echo "animal,model,sex,strain,birth_date,group,notes" >"$D/animals.csv"
echo "M01,ihka-mouse,M,C57BL/6J,2025-10-07,g," >>"$D/animals.csv"
for i in $(seq -w 1 5000); do : >"$D/recordings/r$i.edf"; done
calls=$(wc -l <"$FAKE/calls")
start=$(date +%s.%N)
FAKE_MAX_ARRAY=1001 "$ICTUS" run "$D" --slurm --dry-run --settle 0 >"$W/dry.out" 2>&1
eq "--dry-run exits 0" "$?" 0
secs=$(echo "$(date +%s.%N) - $start" | bc -l)
echo "dry run of 5,000 recordings: $secs s"
grep -q "5000 tasks of 1 recording each, in 5 arrays of at most 1001" "$W/dry.out"
ok "5,000 recordings in 5 arrays under MaxArraySize 1001"
eq "the dry run prints every script" "$(grep -c '^--- .*\.sh' "$W/dry.out")" 6
grep -q "^#SBATCH --array=0-1000$" "$W/dry.out" && grep -q "^#SBATCH --array=0-995$" "$W/dry.out"
ok "arrays 0-1000 and the rest"
[ ! -e "$D/slurm" ]
ok "--dry-run writes nothing"
eq "--dry-run submits nothing" "$(wc -l <"$FAKE/calls")" "$calls"
FAKE_MAX_JOBS=100 "$ICTUS" run "$D" --slurm --dry-run --settle 0 >"$W/dry2.out" 2>&1
grep -q "50 tasks of 100 recordings each, in 1 array" "$W/dry2.out"
ok "past half of MaxJobCount a task takes a batch of recordings"

# --- usage ---------------------------------------------------------------------
"$ICTUS" run "$S" --dry-run >/dev/null 2>&1
eq "--dry-run without --slurm is a usage error" "$?" 2
"$ICTUS" run "$S" --slurm --partition 'a b' >/dev/null 2>&1
eq "a partition with a space is refused" "$?" 2

check_done test_slurm_submit
