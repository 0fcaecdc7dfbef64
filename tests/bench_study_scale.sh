#!/usr/bin/env bash
# bench_study_scale.sh: how the study side grows with the number of files
# (issue 15).  For each size N, a study of N tiny Dravet files (100 Hz,
# 2 channels, 18 s each; 50 animals) made by `ictus synth` (every file its
# own content, so its own content hash, as in a real study), then:
#   first run      `ictus run` on the study without a database (once)
#   quiet night    `ictus run` again, nothing new (best of REPEAT)
#   analyze        `ictus analyze` into a scratch out dir (best of REPEAT)
# each as wall time, CPU time (user + sys) and peak RSS (tests/bench_exec),
# the RSS less that of `ictus --version` (the shared libraries: what the
# study costs), and the growth of the quiet night and analyze from the size
# before.  Making the files takes about 0.4 ms each (160,000 in about
# 3 min on 2 loaded cores) and 12 KB each on disk (160,000: 1.9 GB).
# Not a test: it asserts nothing; `make bench` and the notes quote it.
# Usage: tests/bench_study_scale.sh BUILD_DIR [N...]
#   default sizes 2000 10000; ICTUS_SCALE_BIG=1: 10000 40000 160000 (the
#   issue's; the first run of 160,000 files takes minutes).
#   ICTUS_BENCH_DIR  where the studies are kept (default build/bench); a
#                    study is made once and reused while its .complete stays
#   ICTUS_BENCH_REPEAT  repeats of the quiet night and analyze (default 3)
#   ICTUS_SCALE_KEEP=0  remove each study after measuring it
#   ICTUS_SCALE_FIRST=0 keep the study's database when it has one and skip
#                    the first run (to measure a new build's quiet night)
set -eu
build=${1:?usage: tests/bench_study_scale.sh BUILD_DIR [N...]}
shift
ictus=$(readlink -f "$build/ictus")
exec_=$(readlink -f "$build/tests/bench_exec")
work=${ICTUS_BENCH_DIR:-build/bench}
repeat=${ICTUS_BENCH_REPEAT:-3}
animals=50
sizes=("$@")
if [ ${#sizes[@]} -eq 0 ]; then
    sizes=(2000 10000)
    [ "${ICTUS_SCALE_BIG:-0}" = 1 ] && sizes=(10000 40000 160000)
fi
mkdir -p "$work"
export ICTUS_PRESET_DIR
ICTUS_PRESET_DIR=${ICTUS_PRESET_DIR:-$(readlink -f detectors/presets)}

field() { sed -E "s/.*$1=([0-9.]+).*/\1/"; }

# The study of N files (N a multiple of $animals), made once.
make_study() { # N DIR
    local n=$1 dir=$2
    [ -f "$dir/.complete" ] && return 0
    rm -rf "$dir"
    "$ictus" synth --model dravet-mouse --animals "$animals" --days $((n / animals)) \
        --hours 0.005 --fs 100 --seed 9290 -o "$dir" >/dev/null
    touch "$dir/.complete"
}

# `what` measured once or best of $repeat: "wall cpu rss".
measure() { # REPEAT COMMAND...
    local out
    out=$("$exec_" "$@")
    echo "$(echo "$out" | field wall_s) $(echo "$out" | field cpu_s) $(echo "$out" | field maxrss_mib)"
}

base_rss=$(measure 3 "$ictus" --version | cut -d' ' -f3)
printf '\n== study scale (issue 15): %d animals, 18 s files at 100 Hz x 2 ch; load %s\n' \
    "$animals" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf 'RSS: peak, then less `ictus --version`'"'"'s %.1f MiB (its shared libraries)\n' "$base_rss"
printf '%8s | %28s | %28s | %28s | %s\n' files "first run wall/cpu/RSS/-lib" \
    "quiet night wall/cpu/RSS/-lib" "analyze wall/cpu/RSS/-lib" "growth of the cpu, quiet/analyze"
prev_n=0; prev_q=0; prev_a=0
for n in "${sizes[@]}"; do
    n=$(((n + animals - 1) / animals * animals))
    dir=$work/scale-$n
    make_study "$n" "$dir"
    fw=0 fc=0 fr=0
    if [ "${ICTUS_SCALE_FIRST:-1}" = 0 ] && [ -f "$dir/ictus.db" ]; then
        rm -rf "$dir/out-bench"
    else
        rm -rf "$dir/ictus.db" "$dir/ictus.db-wal" "$dir/ictus.db-shm" "$dir/out" "$dir/out-bench"
        find "$dir/recordings" -type f -exec cat {} + >/dev/null # a warm page cache
        read -r fw fc fr <<<"$(measure 1 "$ictus" run "$dir" --settle 0)"
    fi
    read -r qw qc qr <<<"$(measure "$repeat" "$ictus" run "$dir" --settle 0)"
    read -r aw ac ar <<<"$(measure "$repeat" "$ictus" analyze "$dir" -o "$dir/out-bench")"
    growth=""
    if [ "$prev_n" -gt 0 ]; then
        growth=$(awk -v n="$n" -v pn="$prev_n" -v q="$qc" -v pq="$prev_q" -v a="$ac" -v pa="$prev_a" \
            'BEGIN { d = log(2) / log(n / pn)
                    printf "x%.2f / x%.2f per doubling", (q / pq)^d, (a / pa)^d }')
    fi
    lib() { awk -v r="$1" -v b="$base_rss" 'BEGIN { printf "%.0f", (r > b ? r - b : 0) }'; }
    first=$(printf '%6.1f s %6.2f s %4.0f/%3s M' "$fw" "$fc" "$fr" "$(lib "$fr")")
    [ "$fr" = 0 ] && first="(kept: ICTUS_SCALE_FIRST=0)"
    printf '%8d | %28s | %6.2f s %6.2f s %4.0f/%3s M | %6.2f s %6.2f s %4.0f/%3s M | %s\n' \
        "$n" "$first" "$qw" "$qc" "$qr" "$(lib "$qr")" "$aw" "$ac" "$ar" "$(lib "$ar")" "$growth"
    prev_n=$n; prev_q=$qc; prev_a=$ac
    [ "${ICTUS_SCALE_KEEP:-1}" = 0 ] && rm -rf "$dir"
done
printf 'targets: quiet night and analyze at most x2.3 per doubling; quiet night <= 5 s at 160,000\n'
printf 'files; peak RSS of run and analyze <= 64 MiB (issue 15)\n'
