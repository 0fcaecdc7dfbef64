#!/usr/bin/env bash
# test_cluster.sh: the facts of Slurm that `ictus run --slurm` relies on, on the cluster of
# cluster.sh (make check-slurm brings it up): an array's throttle (%K) bounds how many tasks
# run at once; an afterany dependency runs after every task of an array has ended, a failed
# and a cancelled one included, while an afterok one is cancelled, not left pending; a failed
# task reads FAILED 1:0 in scontrol, and a task cancelled while pending has no record at all;
# MaxArraySize and MaxJobCount can be read, and an array index past MaxArraySize - 1 is
# refused (so ictus must split).  Also measures the wall time of 8 trivial tasks (the per-task
# overhead).  About 15 s.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../shcheck.sh"
. "$here/lib.sh"
trap 'slurm_cleanup; rm -rf "$W"' EXIT
chmod 755 "$W"

if ! slurm_up; then
    fail=$((fail + 1))
    check_done test_cluster
    exit 1
fi

# task.sh DIR [SLEEP_S [FAIL_TASK]]: an array task that writes its start and end times (date
# +%s.%N) to DIR/TASK.start and DIR/TASK.end, sleeps SLEEP_S between, and exits 1 when it is
# task FAIL_TASK.
cat >"$W/task.sh" <<'EOF'
#!/bin/bash
t=$SLURM_ARRAY_TASK_ID
date +%s.%N >"$1/$t.start"
sleep "${2:-0}"
date +%s.%N >"$1/$t.end"
[ "$t" != "${3:-}" ]
EOF
chmod 755 "$W/task.sh"

max_running() { # DIR: the most tasks of DIR (TASK.start, TASK.end) that ran at the same time
    local f t
    for f in "$1"/*.start; do
        t=${f%.start}
        [ -r "$t.end" ] || continue
        echo "$(cat "$f") 1"
        echo "$(cat "$t.end") -1"
    done | sort -k1,1n -k2,2n | awk '{ n += $2; if (n > m) m = n } END { print m + 0 }'
}

count() { # DIR SUFFIX: how many DIR/*.SUFFIX files there are
    find "$1" -name "*.$2" | wc -l
}

sb() { # ARGS...: sbatch with the output in $W
    slurm_submit --chdir="$W" --output="$W/slurm-%A_%a.out" "$@"
}

# --- The throttle: 8 tasks of 1 s, at most 2 at once (and 2 at once: the node has the CPUs).
mkdir "$W/a8"
a8=$(sb --array=0-7%2 "$W/task.sh" "$W/a8" 1)
ok "sbatch --array=0-7%2 accepted"
slurm_wait 60 "$a8"
ok "the array 0-7%2 left the queue"
eq "tasks of 0-7%2 that started" "$(count "$W/a8" start)" 8
eq "tasks of 0-7%2 that ended" "$(count "$W/a8" end)" 8
eq "most tasks of 0-7%2 running at once" "$(max_running "$W/a8")" 2
eq "states of the 8 tasks" "$(slurm_array_states "$a8" | awk '{ print $2, $3 }' | sort | uniq -c |
    awk '{ $1 = $1; print }')" "8 COMPLETED 0:0"

# --- afterany after a failed and a cancelled task; afterok cancelled.  The array runs one task
# at a time (%1: the node could run 2, so this throttle is the one that holds them back); task 1
# fails, task 3 is cancelled while it waits its turn.
mkdir "$W/dep" "$W/after"
dep=$(sb --array=0-3%1 "$W/task.sh" "$W/dep" 0.5 1)
ok "sbatch --array=0-3%1 accepted"
scancel "${dep}_3"
ok "scancel ${dep}_3 (pending)"
after=$(sb --dependency=afterany:"$dep" --wrap "date +%s.%N >'$W/after/any.start'")
ok "sbatch --dependency=afterany accepted"
afterok=$(sb --dependency=afterok:"$dep" --wrap "date +%s.%N >'$W/after/ok.start'")
ok "sbatch --dependency=afterok accepted"
slurm_wait 60 "$dep" "$after" "$afterok"
ok "the array and its dependents left the queue"
eq "state of task 0" "$(slurm_state "${dep}_0")" "COMPLETED 0:0"
eq "state of task 1 (exit 1)" "$(slurm_state "${dep}_1")" "FAILED 1:0"
eq "state of task 2" "$(slurm_state "${dep}_2")" "COMPLETED 0:0"
# A task cancelled while it was still part of the array's pending range leaves no record at
# all (not CANCELLED): the range shrinks to 0-2, and the job completion log has no line for it.
# So the reduce must take a task without a record for one that did not run.
! scontrol -o show job "${dep}_3" >/dev/null 2>&1
ok "a task cancelled while pending has no record: scontrol show job ${dep}_3 fails"
eq "tasks of the array with a record" "$(slurm_array_states "$dep" | cut -d' ' -f1 | tr '\n' ' ')" "0 1 2 "
[ ! -e "$W/dep/3.start" ]
ok "the cancelled task never started"
eq "tasks 0-2 ended" "$(count "$W/dep" end)" 3
eq "most tasks of 0-3%1 running at once" "$(max_running "$W/dep")" 1
eq "state of the afterany job" "$(slurm_state "$after")" "COMPLETED 0:0"
last_end=$(cat "$W"/dep/*.end | sort -n | tail -n 1)
any_start=$(cat "$W/after/any.start" 2>/dev/null)
awk -v s="${any_start:-0}" -v e="${last_end:-9e99}" 'BEGIN { exit !(s >= e) }'
ok "the afterany job started ($any_start) after the array's last task ended ($last_end)"
eq "state of the afterok job" "$(slurm_state "$afterok" | cut -d' ' -f1)" CANCELLED
eq "why the afterok job ended" "$(slurm_field "$afterok" Reason)" DependencyNeverSatisfied
[ ! -e "$W/after/ok.start" ]
ok "the afterok job never ran"

# --- The limits ictus sizes its arrays from, and an index past them refused.
max_array=$(slurm_config MaxArraySize)
max_jobs=$(slurm_config MaxJobCount)
[[ "$max_array" =~ ^[0-9]+$ ]] && [ "$max_array" -gt 1 ]
ok "MaxArraySize is a number ($max_array)"
[[ "$max_jobs" =~ ^[0-9]+$ ]] && [ "$max_jobs" -gt 1 ]
ok "MaxJobCount is a number ($max_jobs)"
! sbatch --parsable --hold --output=/dev/null --array="0-$max_array" --wrap true >"$W/big.out" 2>&1
ok "sbatch refuses --array=0-$max_array (index $max_array > MaxArraySize - 1)"
grep -q . "$W/big.out"
ok "and says why: $(head -n 1 "$W/big.out")"
top=$(sb --hold --array="$((max_array - 1))" --wrap true)
ok "sbatch accepts the index MaxArraySize - 1 = $((max_array - 1))"
[ -z "$top" ] || scancel "$top"

# --- The per-task overhead: 8 trivial tasks, from sbatch until they left the queue.
mkdir "$W/t8"
t0=$(date +%s.%N)
t8=$(sb --array=0-7 "$W/task.sh" "$W/t8")
slurm_wait 60 "$t8"
ok "8 trivial tasks left the queue"
t1=$(date +%s.%N)
eq "trivial tasks that ended" "$(count "$W/t8" end)" 8
awk -v a="$t0" -v b="$t1" -v c="$(slurm_config SchedulerParameters)" 'BEGIN {
    printf "8 trivial tasks (2 CPUs): %.2f s wall from sbatch to an empty queue, %.2f s a task (%s)\n",
        b - a, (b - a) / 8, c }'

check_done test_cluster
