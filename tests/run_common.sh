# run_common.sh: the helpers of test_run.sh and test_run_kill.sh (sourced after
# shcheck.sh, not run): sqlite queries, `ictus run` with its output kept, the
# canonical dump of the result tables, and EDF header edits.
q() { sqlite3 "$1/ictus.db" "$2"; }

# Run `ictus run`; stdout in $W/out, stderr in $W/err, exit status in $rc.
run() {
    "$ICTUS" run "$@" >"$W/out" 2>"$W/err"
    rc=$?
}

# The result tables in a canonical order, without surrogate ids and run ids
# (argument "nomtime": without the files' mtime either; "noidentity": without
# mtime and inode, to compare copies of a study).
dump() {
    local mtime=mtime_ns inode=inode
    [ "${2:-}" = nomtime ] && mtime=0
    [ "${2:-}" = noidentity ] && mtime=0 && inode=0
    q "$1" "
SELECT 'R', path, animal, status, error, size_bytes, $mtime, $inode, content_hash, results_hash,
       format, n_channels, start_us, duration_us, n_gaps, gap_us, preset, params_hash
  FROM recordings ORDER BY path, animal;
SELECT 'C', r.path, r.animal, c.idx, c.label, c.fs_hz, c.unit, c.role, c.analysed
  FROM channels c JOIN recordings r ON r.id = c.recording_id ORDER BY 2, 3, 4;
SELECT 'E', r.path, e.animal, e.channel, e.start_us, e.end_us, e.wall_start_us, e.type, e.score,
       e.preset
  FROM events e JOIN recordings r ON r.id = e.recording_id ORDER BY 2, 3, 4, 5, 6, 8, 9;
SELECT 'A', r.path, r.animal, a.channel, a.bucket_us, a.unit_us, a.n_buckets,
       hex(a.analysable_units), a.artefact_kinds, hex(a.artefact_windows)
  FROM analysable a JOIN recordings r ON r.id = a.recording_id ORDER BY 2, 3, 4;"
}
# Rows in every table but the run log.
row_counts() {
    q "$1" "SELECT (SELECT count(*) FROM recordings), (SELECT count(*) FROM channels),
                   (SELECT count(*) FROM events), (SELECT count(*) FROM analysable),
                   (SELECT count(*) FROM reviews)"
}
last_run() { # STUDY COLUMNS
    q "$1" "SELECT $2 FROM runs ORDER BY id DESC LIMIT 1"
}
# Events of one recording (animal, channel, times, type, score), one per line.
events_of() { # STUDY PATH [ANIMAL]
    q "$1" "SELECT e.channel, e.start_us, e.end_us, e.type, printf('%.3f', e.score)
              FROM events e JOIN recordings r ON r.id = e.recording_id
             WHERE r.path = '$2' AND ('${3:-}' = '' OR r.animal = '${3:-}')
             ORDER BY e.start_us, e.channel, e.type"
}
# The same fields from `ictus detect` on a file (events.csv columns 3..9).
detect_events() { # FILE [--channels A,B]
    "$ICTUS" detect --preset ihka-mouse -j 1 "$@" -o - 2>/dev/null | tail -n +2 |
        awk -F, '{ printf "%s|%d|%d|%s|%.3f\n", $3, $4 * 1e6 + 0.5, $5 * 1e6 + 0.5, $8, $9 }' |
        sort -t'|' -k2,2n -k1,1 -k4,4
}
hash_of() { xxhsum -H2 "$1" 2>/dev/null | cut -d' ' -f1; }
set_header() { # FILE OFFSET WIDTH TEXT: overwrite an EDF header field, space-padded
    printf "%-$3s" "$4" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}
