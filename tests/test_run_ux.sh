#!/usr/bin/env bash
# test_run_ux.sh: `ictus run` left to cron (issue 14): the alert command,
# exit 3, Ctrl-C and analyze's table (check-all: ~30 s of CPU under ASan,
# seven runs; test_run_quiet.sh, in make check, does --quiet and the log),
# on one small synthetic drug study (`ictus synth --protocol asm`: 2
# animals, 1-hour files at 200 Hz: baseline, asm-a and asm-b 1 h each;
# study.ini [analysis] min_analysable_h = 24, so every class is
# undetermined: little_data).
#
# Proves:
#   - `ictus analyze` ends with the table (a row per animal, a column per
#     exposure) and the warning naming little_data and min_analysable_h;
#   - a recording gone with its recordings.csv row: warnings only, exit 3;
#     alert_on = warnings runs [run] on_failure in the study directory with
#     the summary on stdin and ICTUS_EXIT=3, ICTUS_STUDY, ICTUS_LOG
#     (absolute);
#   - a file that fails: exit 1, the alert command runs (default alert_on);
#     an alert command that fails is reported and does not change the exit
#     status;
#   - SIGINT once the log shows the first file done: one line on stderr
#     (`ictus: run interrupted by SIGINT; N files done, M left ...`), exit
#     130, the run row `interrupted`, no summary; the next run finishes and
#     its out/*.csv are byte-identical to an uninterrupted run's.
# Needs: $ICTUS (the binary under test), sqlite3.
set -u
. "$(dirname "$0")/shcheck.sh"

"$ICTUS" synth --model ihka-mouse --animals 2 --protocol asm --hours 1 --baseline 1h \
    --drug 1h --washout 0 --fs 200 --seed 9140 -o "$W/gen" >/dev/null 2>&1
ok "synth makes the drug study"
sed -i 's/^min_analysable_h = .*/min_analysable_h = 24/' "$W/gen/study.ini"
grep -q '^min_analysable_h = 24' "$W/gen/study.ini"
ok "the study asks for 24 analysable hours"
cp -r "$W/gen" "$W/clean"
cp -r "$W/gen" "$W/int"
S=$W/gen
q() { sqlite3 "$1/ictus.db" "$2"; }
cat >>"$S/study.ini" <<'EOF'
[run]
log = logs/night.log
EOF
mkdir "$S/logs"
"$ICTUS" run "$S" --settle 0 -j 2 --quiet >/dev/null 2>&1
eq "the first run: exit 0" "$?" 0

# ------------------------------------------------------------------ analyze's table
"$ICTUS" analyze "$S" >"$W/out" 2>"$W/err"
eq "analyze: exit 0" "$?" 0
grep -q '^seizures per analysable 24 h (all types) and response class:$' "$W/out" &&
    grep -Eq '^  animal +baseline +asm-a 30 mg/kg ip +asm-b 200 mg/kg ip$' "$W/out" &&
    grep -q '^warning: 4 of 4 response classes undetermined; why:$' "$W/out" &&
    grep -q 'min_analysable_h = 24' "$W/out"
ok "analyze ends with the table and the warning"

# ------------------------------------------------------------------ warnings, the alert
cat >>"$S/study.ini" <<'EOF'
on_failure = { echo "exit=$ICTUS_EXIT study=$ICTUS_STUDY log=$ICTUS_LOG pwd=$(pwd)"; cat; } >alert.txt
alert_on = warnings
EOF
gone=$(cd "$S/recordings" && ls | tail -1)
rm "$S/recordings/$gone"
grep -v "$gone" "$S/recordings.csv" >"$W/r.csv" && cp "$W/r.csv" "$S/recordings.csv"
"$ICTUS" run "$S" --settle 0 -j 2 --quiet >"$W/out" 2>"$W/err"
eq "a recording gone: warnings only, exit 3" "$?" 3
grep -q ', 1 warning, ' "$W/out"
ok "quiet line counts the warning"
abs=$(cd "$S" && pwd)
eq "alert_on = warnings: the command ran in the study, with ICTUS_EXIT, ICTUS_STUDY, ICTUS_LOG" \
    "$(head -1 "$S/alert.txt" 2>/dev/null)" "exit=3 study=$abs log=$abs/logs/night.log pwd=$abs"
grep -q "no longer in recordings/ or recordings.csv" "$S/alert.txt"
ok "the alert command got the summary on stdin"

# ------------------------------------------------------------------ failure, the alert
rm "$S/alert.txt"
sed -i '/^alert_on/d' "$S/study.ini"
printf 'not an EDF at all\n' >"$S/recordings/junk.edf"
"$ICTUS" run "$S" --settle 0 -j 2 --quiet >"$W/out" 2>"$W/err"
eq "a file fails: exit 1" "$?" 1
grep -q '^exit=1 ' "$S/alert.txt"
ok "a failed run runs the alert command (default alert_on = failure)"
grep -q 'junk.edf' "$S/alert.txt"
ok "the alert's summary names the failed file"
grep -q '\] recordings/junk.edf: FAILED' "$S/alert.txt" && [ "$(grep -c '^exit=' "$S/alert.txt")" = 1 ]
ok "the alert's input is the run's whole log, once (its per-file lines too)"
sed -i 's/^on_failure = .*/on_failure = exit 7/' "$S/study.ini"
"$ICTUS" run "$S" --settle 0 -j 2 --quiet >"$W/out" 2>"$W/err"
eq "an alert command that fails: the run's exit status is kept" "$?" 1
grep -q '^ictus: \[run\] on_failure: exit status 7: exit 7$' "$W/err"
ok "an alert command that fails is reported"
eq "the database is the same whatever the alert did" \
    "$(q "$S" "SELECT count(*) FROM runs WHERE status = 'problems'")" 2

# ------------------------------------------------------------------ Ctrl-C
K=$W/int
"$ICTUS" run "$K" --settle 0 -j 1 --log "$W/int.log" >"$W/int.out" 2>"$W/int.err" &
pid=$!
for _ in $(seq 400); do
    grep -q ' \[1/6\] ' "$W/int.log" 2>/dev/null && break
    sleep 0.05
done
kill -INT "$pid"
wait "$pid"
eq "SIGINT: exit 130" "$?" 130
grep -Eq '^ictus: run interrupted by SIGINT; [1-5] files? done, [1-5] left for the next run$' \
    "$W/int.err"
ok "SIGINT: one line says so"
eq "SIGINT: one line on stderr" "$(wc -l <"$W/int.err")" 1
eq "SIGINT: the run row is interrupted" "$(q "$K" "SELECT status FROM runs")" interrupted
! grep -q 'done in' "$W/int.out"
ok "SIGINT: no summary"
"$ICTUS" run "$K" --settle 0 -j 2 --quiet >"$W/out" 2>"$W/err"
eq "the next run: exit 0" "$?" 0
"$ICTUS" run "$W/clean" --settle 0 -j 2 --quiet >/dev/null 2>&1
eq "an uninterrupted run: exit 0" "$?" 0
for f in "$W"/clean/out/*.csv; do
    name=$(basename "$f")
    cmp -s "$f" "$K/out/$name"
    ok "after the interrupted run and the next: $name identical to an uninterrupted run's"
done

check_done test_run_ux.sh
