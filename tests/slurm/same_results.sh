# same_results.sh: the check that a study processed through Slurm (or its stand-ins) holds
# what a local `ictus run` of the same study holds (sourced after shcheck.sh, not run).
#
# same_results LOCAL SLURM: out/events.csv, periods.csv, responders.csv and daily.csv byte
# for byte; the recordings' rows (state, error without the study's own directory, hashes,
# format, times, preset); as many events, and some.
same_results() {
    local local_dir=$1 slurm_dir=$2 f q
    for f in events.csv periods.csv responders.csv daily.csv; do
        cmp -s "$local_dir/out/$f" "$slurm_dir/out/$f"
        ok "out/$f equals the local run's"
    done
    eq "the recordings' rows equal the local run's" "$(recording_rows "$slurm_dir")" \
        "$(recording_rows "$local_dir")"
    q="SELECT count(*) FROM events"
    eq "as many events as the local run" "$(sqlite3 "$slurm_dir/ictus.db" "$q")" \
        "$(sqlite3 "$local_dir/ictus.db" "$q")"
    [ "$(sqlite3 "$slurm_dir/ictus.db" "$q")" -gt 0 ]
    ok "and some events"
}
recording_rows() { # STUDY
    sqlite3 "$1/ictus.db" "SELECT path, animal, status, replace(error, '$1/', ''), content_hash,
        results_hash, format, start_us, duration_us, n_gaps, preset, params_hash
        FROM recordings ORDER BY path, animal"
}
