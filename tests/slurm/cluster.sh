#!/usr/bin/env bash
# cluster.sh: a single-node Slurm cluster on localhost for the Slurm tests (issue 17):
# `make check-slurm` and .ci/run bring it up; a developer may too.  As root (or through sudo),
# without systemd.
# Usage: tests/slurm/cluster.sh up|down|status
#   up      installs munge and Slurm when missing (apt-get), creates the munge key when there
#           is none, starts munged (as the munge user), writes the configuration, starts
#           slurmctld, waits for `scontrol ping` to say UP, starts slurmd as node `localhost`,
#           waits for the node to be idle and for a first job (`true`) to complete, and prints
#           how long that took (about 3 s: slurmctld's first scheduling pass).  On a cluster that is
#           already up with this configuration it does nothing; after an edit of the
#           configuration below it restarts the Slurm daemons.
#   down    cancels the jobs, stops slurmd, slurmctld and munged, and removes the cluster's
#           state ($STATE) and configuration (the munge key and the packages stay).
#   status  prints the daemons' pids, `scontrol ping` and the node's state; exits 0 when up.
#
# What a caller must export: nothing.  The configuration is written where Debian's Slurm
# commands look by default, /etc/slurm/slurm.conf, so sbatch, squeue, scontrol and scancel
# find it from any process and inside jobs, without SLURM_CONF.  (A SLURM_CONF set in the
# caller's environment would override it: leave it unset.)  The script refuses to overwrite an
# /etc/slurm/slurm.conf it did not write (its first line marks it).
#
# The cluster: node `localhost` (127.0.0.1; the host's own name is not used, as it need not
# resolve), with the CPUs, sockets and cores `slurmd -C` finds and 95 % of its memory (slurmd
# drains a node configured with more than it detects); one partition `local` (the default);
# Slurm's default limits (MaxArraySize 1001, MaxJobCount 10000; `scontrol show config`); jobs
# run as the user who submits them.  No accounting database: a job's final state is in
# `scontrol -o show job ID` for MinJobAge (an hour) after it ends, and in the job completion
# log $STATE/jobcomp.txt.  Logs: $STATE/log/slurmctld.log and slurmd.log.
set -u
CONF=/etc/slurm/slurm.conf
STATE=/var/lib/ictus-slurm
# shellcheck disable=SC2016 # the backquotes are text
MARK='# ictus tests/slurm/cluster.sh: a single-node test cluster (removed by `cluster.sh down`)'
MUNGE_PID=/run/munge/munged.pid
CTLD_PID=$STATE/slurmctld.pid
SLURMD_PID=$STATE/slurmd.pid
export PATH=$PATH:/usr/sbin:/sbin
unset SLURM_CONF

sudo=
[ "$(id -u)" -eq 0 ] || sudo=sudo

die() { echo "cluster.sh: $*" >&2; exit 1; }

now() { date +%s.%N; }

alive() { # PIDFILE EXE: 0 when the pid in PIDFILE is a running EXE (Debian's slurmctld is a
    # link, through the alternatives, to slurmctld-wlm)
    local pid
    pid=$(cat "$1" 2>/dev/null) || return 1
    [ -n "$pid" ] && [ "$($sudo readlink "/proc/$pid/exe" 2>/dev/null)" = "$(readlink -f "$2")" ]
}

wait_for() { # SECONDS DESCRIPTION COMMAND...: poll COMMAND every 0.1 s; die after SECONDS
    local limit=$1 what=$2 i
    shift 2
    for ((i = 0; i < limit * 10; i++)); do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    echo "cluster.sh: $what: not after $limit s" >&2
    for f in "$STATE/log/slurmctld.log" "$STATE/log/slurmd.log"; do
        [ -r "$f" ] && { echo "--- end of $f" >&2; tail -n 15 "$f" >&2; }
    done
    exit 1
}

node_state() { # the node's state word (IDLE, MIXED, DOWN...), with its flags (IDLE+DRAIN)
    scontrol -o show node localhost 2>/dev/null | sed -nE 's/.* State=([^ ]+).*/\1/p'
}

node_usable() { # the node takes jobs (idle, or running some), not drained nor down
    case "$(node_state)" in
    IDLE | MIXED | ALLOCATED | IDLE+* | MIXED+* | ALLOCATED+*)
        case "$(node_state)" in *DRAIN* | *DOWN* | *NOT_RESPONDING* | *FAIL*) return 1 ;; esac
        return 0 ;;
    *) return 1 ;;
    esac
}

job_completed() { scontrol -o show job "$1" 2>/dev/null | grep -q ' JobState=COMPLETED '; }

ctld_up() { scontrol ping 2>/dev/null | grep -q 'is UP'; }

munge_works() { munge -n 2>/dev/null | unmunge >/dev/null 2>&1; }

install_packages() {
    local pkgs="munge slurmctld slurmd slurm-client" missing="" p
    for p in $pkgs; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
            missing="$missing $p"
    done
    [ -z "$missing" ] && return 0
    echo "cluster.sh: installing$missing"
    # shellcheck disable=SC2086 # one package a word
    if ! DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends $missing; then
        # A fresh machine may have no package lists yet.
        $sudo apt-get update || die "apt-get update failed"
        # shellcheck disable=SC2086
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends $missing ||
            die "could not install$missing"
    fi
}

start_munge() {
    if [ ! -s /etc/munge/munge.key ]; then
        $sudo mungekey --create --keyfile=/etc/munge/munge.key || die "mungekey failed"
        $sudo chown munge:munge /etc/munge/munge.key
        $sudo chmod 0400 /etc/munge/munge.key
    fi
    munge_works && return 0
    $sudo install -d -o munge -g munge -m 0755 /run/munge
    # --force: a socket left by a munged that was killed (the pid file says none runs).
    local force=
    alive "$MUNGE_PID" /usr/sbin/munged || force=--force
    $sudo runuser -u munge -- /usr/sbin/munged $force || die "munged did not start"
    wait_for 10 "munge -n | unmunge" munge_works
}

write_conf() { # FILE: the configuration for this machine
    local hw cpus sockets cores threads boards mem
    hw=$(slurmd -C 2>/dev/null | head -n 1)
    field() { sed -nE "s/.*[ ^]$1=([0-9]+).*/\1/p" <<<" $hw"; }
    cpus=$(field CPUs)
    boards=$(field Boards)
    sockets=$(field SocketsPerBoard)
    cores=$(field CoresPerSocket)
    threads=$(field ThreadsPerCore)
    mem=$(field RealMemory)
    if [ -z "$cpus" ] || [ -z "$mem" ]; then die "slurmd -C said '$hw'"; fi
    cat >"$1" <<EOF
$MARK
ClusterName=ictus-test
SlurmctldHost=localhost(127.0.0.1)
SlurmUser=root
AuthType=auth/munge
StateSaveLocation=$STATE/ctld
SlurmdSpoolDir=$STATE/d
SlurmctldPidFile=$CTLD_PID
SlurmdPidFile=$SLURMD_PID
SlurmctldLogFile=$STATE/log/slurmctld.log
SlurmdLogFile=$STATE/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$STATE/jobcomp.txt
MailProg=/bin/true
MpiDefault=none
ReturnToService=2
MinJobAge=3600
SchedulerType=sched/backfill
SchedulerParameters=sched_min_interval=100000,batch_sched_delay=0
DependencyParameters=kill_invalid_depend
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$cpus Boards=${boards:-1} SocketsPerBoard=${sockets:-1} CoresPerSocket=${cores:-$cpus} ThreadsPerCore=${threads:-1} RealMemory=$((mem * 95 / 100)) State=UNKNOWN
PartitionName=local Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
}

ours() { [ ! -e "$CONF" ] || [ "$(head -n 1 "$CONF")" = "$MARK" ]; }

stop_pid() { # PIDFILE EXE: stop that daemon (TERM, then KILL after 10 s)
    local pid i
    alive "$1" "$2" || return 0
    pid=$(cat "$1")
    $sudo kill "$pid" 2>/dev/null
    for ((i = 0; i < 100; i++)); do
        alive "$1" "$2" || return 0
        sleep 0.1
    done
    $sudo kill -9 "$pid" 2>/dev/null
    sleep 0.2
}

stop_slurm() {
    local jobs i
    if ctld_up; then
        jobs=$(squeue -h -o %A 2>/dev/null | sort -u)
        # shellcheck disable=SC2086 # one job id a word
        [ -z "$jobs" ] || $sudo scancel $jobs 2>/dev/null
        for ((i = 0; i < 50; i++)); do
            [ -z "$(squeue -h -t RUNNING,COMPLETING 2>/dev/null)" ] && break
            sleep 0.1
        done
    fi
    stop_pid "$SLURMD_PID" /usr/sbin/slurmd
    stop_pid "$CTLD_PID" /usr/sbin/slurmctld
}

up() {
    local t0 t_inst new
    t0=$(now)
    [ -z "$sudo" ] || command -v sudo >/dev/null || die "needs root (or sudo)"
    install_packages
    t_inst=$(now)
    ours || die "$CONF was not written by this script: not touching it (a real cluster's?)"
    new=$(mktemp)
    write_conf "$new"
    if alive "$CTLD_PID" /usr/sbin/slurmctld && alive "$SLURMD_PID" /usr/sbin/slurmd &&
        cmp -s "$new" "$CONF" && munge_works && ctld_up && node_usable; then
        rm -f "$new"
        echo "cluster.sh: up already (node localhost $(node_state))"
        return 0
    fi
    start_munge
    if ! cmp -s "$new" "$CONF"; then
        # A new configuration (or none yet): the daemons start again on it, from a clean state.
        stop_slurm
        $sudo install -d -m 0755 /etc/slurm
        $sudo install -m 0644 "$new" "$CONF"
        $sudo rm -rf "$STATE"
    fi
    rm -f "$new"
    $sudo install -d -m 0755 "$STATE" "$STATE/ctld" "$STATE/d" "$STATE/log"
    if ! alive "$CTLD_PID" /usr/sbin/slurmctld; then
        # -c: no jobs carried over from a slurmctld that was killed (they are gone with it).
        $sudo slurmctld -c -f "$CONF" || die "slurmctld did not start (log: $STATE/log/slurmctld.log)"
    fi
    wait_for 30 "scontrol ping: slurmctld UP" ctld_up
    if ! alive "$SLURMD_PID" /usr/sbin/slurmd; then
        $sudo slurmd -f "$CONF" -N localhost || die "slurmd did not start (log: $STATE/log/slurmd.log)"
    fi
    wait_for 30 "node localhost idle (now '$(node_state)')" node_usable
    # A first job, run to its end: the cluster takes and runs jobs (munge credentials, slurmd
    # starting the job's step).  slurmctld's first scheduling pass comes ~3 s after it starts:
    # most of `up`'s time.
    local smoke
    smoke=$(sbatch --parsable --job-name=cluster-up --output=/dev/null --wrap true 2>&1) ||
        die "sbatch of a first job failed: $smoke"
    wait_for 30 "the first job ($smoke) ended COMPLETED" job_completed "$smoke"
    awk -v a="$t0" -v b="$t_inst" -v c="$(now)" -v s="$(node_state)" 'BEGIN {
        printf "cluster.sh: up in %.1f s (packages %.1f s, daemons %.1f s); node localhost %s\n",
            c - a, b - a, c - b, s }'
}

down() {
    ours || die "$CONF was not written by this script: not touching it"
    stop_slurm
    stop_pid "$MUNGE_PID" /usr/sbin/munged
    $sudo rm -rf "$STATE"
    $sudo rm -f "$CONF"
    echo "cluster.sh: down"
}

status() {
    local s=0
    if alive "$MUNGE_PID" /usr/sbin/munged; then echo "munged     pid $(cat "$MUNGE_PID")"
    else echo "munged     not running"; s=1; fi
    if alive "$CTLD_PID" /usr/sbin/slurmctld; then echo "slurmctld  pid $(cat "$CTLD_PID")"
    else echo "slurmctld  not running"; s=1; fi
    if alive "$SLURMD_PID" /usr/sbin/slurmd; then echo "slurmd     pid $(cat "$SLURMD_PID")"
    else echo "slurmd     not running"; s=1; fi
    if ctld_up; then scontrol ping; else echo "scontrol ping: not UP"; s=1; fi
    echo "node localhost: $(node_state)"
    node_usable || s=1
    return "$s"
}

case "${1:-}" in
up) up ;;
down) down ;;
status) status ;;
*) echo "usage: tests/slurm/cluster.sh up|down|status" >&2; exit 2 ;;
esac
