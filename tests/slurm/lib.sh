# lib.sh: helpers of the Slurm tests (sourced, not run), on the cluster of cluster.sh.
# Each one that can fail prints a line starting `FAIL:` that says what it waited for or read,
# and returns non-zero; a test counts it with shcheck.sh's ok:
#     id=$(slurm_submit --array=0-7%2 job.sh); ok "sbatch accepted the array"
#     slurm_wait 60 "$id"; ok "the array left the queue"
#     eq "task 1" "$(slurm_state "${id}_1")" "FAILED 1:0"
# slurm_submit records the ids it returns in a file (it runs in $(...), a subshell):
# $W/slurm-submitted when shcheck.sh made $W, else a temporary file; slurm_cleanup (on the
# test's EXIT trap, before $W goes) cancels those still queued, so a failed test leaves no job
# behind.
# shellcheck shell=bash

SLURM_SUBMITTED=${SLURM_SUBMITTED:-}
if [ -z "$SLURM_SUBMITTED" ]; then
    if [ -n "${W:-}" ] && [ -d "$W" ]; then SLURM_SUBMITTED=$W/slurm-submitted
    else SLURM_SUBMITTED=$(mktemp /tmp/slurm-submitted.XXXXXX); fi
fi

slurm_up() { # 0 when slurmctld answers and the node takes jobs; else FAIL and the reason
    if ! scontrol ping 2>/dev/null | grep -q 'is UP'; then
        echo "FAIL: no Slurm controller (tests/slurm/cluster.sh up; make check-slurm does it)"
        return 1
    fi
    local st
    st=$(scontrol -o show node localhost 2>/dev/null | sed -nE 's/.* State=([^ ]+).*/\1/p')
    case "$st" in
    IDLE | MIXED | ALLOCATED) return 0 ;;
    *) echo "FAIL: node localhost is '$st', not IDLE/MIXED/ALLOCATED"; return 1 ;;
    esac
}

slurm_submit() { # SBATCH_ARGS...: sbatch --parsable; prints the job id (an array's id too)
    local out
    if ! out=$(sbatch --parsable "$@" 2>&1); then
        echo "FAIL: sbatch $*: $out" >&2
        return 1
    fi
    out=${out%%;*}
    case "$out" in
    '' | *[!0-9]*) echo "FAIL: sbatch $*: no job id in '$out'" >&2; return 1 ;;
    esac
    echo "$out" >>"$SLURM_SUBMITTED"
    echo "$out"
}

slurm_queued() { # ID...: 0 while any of the jobs (an array: any of its tasks) is in the queue
    # (pending, running, completing); 1 when none is; 2 when squeue cannot answer
    local ids out
    ids=$(tr ' ' ',' <<<"$*")
    if ! out=$(squeue -h -j "$ids" -o %i 2>&1); then
        # A job purged from the controller's memory (MinJobAge) is no longer known.
        case "$out" in *"Invalid job id"*) return 1 ;; esac
        return 2
    fi
    [ -n "$out" ]
}

slurm_wait() { # SECONDS ID...: poll squeue every 0.2 s until the jobs have all left the
    # queue (sbatch --wait polls every 2, 10, 42 s...); FAIL after SECONDS
    local limit=$1 i rc
    shift
    for ((i = 0; i < limit * 5; i++)); do
        slurm_queued "$@"
        rc=$?
        [ "$rc" -eq 1 ] && return 0
        sleep 0.2
    done
    echo "FAIL: slurm_wait: jobs $* still queued (or squeue failing: $rc) after $limit s:"
    squeue -j "$(tr ' ' ',' <<<"$*")" 2>&1 | head -n 20
    return 1
}

slurm_field() { # ID FIELD: the value of FIELD= in `scontrol -o show job ID` (one job, or one
    # array task as ID_N); FAIL when the job is unknown or ID names several records (an array)
    local out n
    if ! out=$(scontrol -o show job "$1" 2>&1); then
        echo "FAIL: scontrol show job $1: $out" >&2
        return 1
    fi
    n=$(grep -c . <<<"$out")
    if [ "$n" -ne 1 ]; then
        echo "FAIL: scontrol show job $1: $n records, not one (an array? use ID_TASK)" >&2
        return 1
    fi
    sed -nE "s/^(.* )?$2=([^ ]*).*/\2/p" <<<"$out"
}

slurm_state() { # ID: `JobState ExitCode` of a job or array task (ID_N) that is known to
    # scontrol, e.g. `COMPLETED 0:0`, `FAILED 1:0`, `CANCELLED 0:0`
    local st ex
    st=$(slurm_field "$1" JobState) && ex=$(slurm_field "$1" ExitCode) || return 1
    echo "$st $ex"
}

slurm_array_states() { # ID: one line `TASK JobState ExitCode` per task of array ID, by task
    # (a still-pending range shows as one line, its TASK like `3-7%2`)
    local out
    if ! out=$(scontrol -o show job "$1" 2>&1); then
        echo "FAIL: scontrol show job $1: $out" >&2
        return 1
    fi
    sed -nE 's/.* ArrayTaskId=([^ ]+) .* JobState=([^ ]+) .* ExitCode=([^ ]+).*/\1 \2 \3/p' <<<"$out" |
        sort -n
}

slurm_config() { # KEY: the value of KEY in `scontrol show config` (e.g. MaxArraySize)
    local v
    v=$(scontrol show config 2>/dev/null | sed -nE "s/^$1 *= *(.*)$/\1/p")
    if [ -z "$v" ]; then
        echo "FAIL: scontrol show config: no $1" >&2
        return 1
    fi
    echo "$v"
}

slurm_cleanup() { # cancel the jobs slurm_submit returned that are still queued
    local id
    while read -r id; do
        slurm_queued "$id" && scancel "$id" 2>/dev/null
    done <"$SLURM_SUBMITTED" 2>/dev/null
    rm -f "$SLURM_SUBMITTED"
    return 0
}
