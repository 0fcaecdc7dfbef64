#!/usr/bin/env bash
# test_run_quiet.sh: `ictus run` left to cron (issue 14), the fast core (make
# check; test_run_ux.sh, in check-all, does the alert command, exit 3,
# Ctrl-C and analyze's table): one small synthetic drug study (`ictus synth
# --protocol asm`: 1 animal, 1-hour files at 200 Hz: baseline, asm-a and
# asm-b 1 h each; study.ini [analysis] min_analysable_h = 24, so every class
# is undetermined: little_data).
#
# Proves:
#   - option errors carry the `ictus:` prefix (exit 2);
#   - --quiet on a run with work prints exactly one line (files, failures,
#     events, warnings, undetermined classes), exit 0; [run] log gets every
#     line with an ISO 8601 time (one time a line), the summary's response
#     table and the undetermined warning naming little_data and
#     min_analysable_h;
#   - a second --quiet run (nothing new) prints nothing at all and exits 0,
#     and the log file still gets the run;
#   - a quiet run with a recording gone (exit 3) or a listed file missing
#     (exit 1) says on stderr what its one line counts, each problem once.
# Needs: $ICTUS (the binary under test).
set -u
. "$(dirname "$0")/shcheck.sh"

"$ICTUS" synth --model ihka-mouse --animals 1 --protocol asm --hours 1 --baseline 1h \
    --drug 1h --washout 0 --fs 200 --seed 9140 -o "$W/gen" >/dev/null 2>&1
ok "synth makes the drug study"
sed -i 's/^min_analysable_h = .*/min_analysable_h = 24/' "$W/gen/study.ini"
grep -q '^min_analysable_h = 24' "$W/gen/study.ini"
ok "the study asks for 24 analysable hours"
S=$W/gen

# ------------------------------------------------------------------ option errors
"$ICTUS" run "$S" --bogus >"$W/out" 2>"$W/err"
eq "unknown option: exit 2" "$?" 2
grep -q "^ictus: run: unrecognized option '--bogus'" "$W/err"
ok "unknown option: said with the ictus: prefix"

# ------------------------------------------------------------------ quiet, log
cat >>"$S/study.ini" <<'EOF'
[run]
log = logs/night.log
EOF
mkdir "$S/logs"
"$ICTUS" run "$S" --settle 0 -j 2 --quiet >"$W/out" 2>"$W/err"
eq "quiet run with work: exit 0" "$?" 0
eq "quiet run with work: one line" "$(wc -l <"$W/out")" 1
grep -Eq "^ictus run .*: 3 files processed, 0 failed, [0-9]+ events?, 0 warnings, 2 of 2 response classes undetermined$" "$W/out"
ok "quiet line: files, failures, events, warnings, undetermined classes"
log=$S/logs/night.log
[ -s "$log" ] && ! grep -Ev '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[+-][0-9]{4} ' "$log"
ok "[run] log: every line starts with an ISO 8601 time"
grep -q ' ictus run .*: 3 files: 3 to read' "$log"
ok "the log has the header line"
grep -Eq ' \[1/3\] recordings/' "$log" && ! grep -Eq ' [0-9-]{10} [0-9:]{8} \[' "$log"
ok "the log has the per-file lines, one time each"
grep -Eq ' +M01 +[0-9.]+ +[0-9.]+ undetermined \(little_data\) +[0-9.]+ undetermined \(little_data\)$' "$log"
ok "the summary's table: M01's baseline rate, each drug's rate and class"
grep -q ' warning: 2 of 2 response classes undetermined; why:$' "$log" &&
    grep -q 'little_data (2): fewer analysable hours under the exposure than study.ini \[analysis\] min_analysable_h = 24 asks for' "$log"
ok "the undetermined warning: why, and the setting that decides"

"$ICTUS" run "$S" --settle 0 -j 2 --quiet >"$W/out" 2>"$W/err"
eq "quiet night (nothing new): exit 0" "$?" 0
eq "quiet night: nothing on stdout" "$(cat "$W/out")" ""
eq "quiet night: nothing on stderr" "$(cat "$W/err")" ""
grep -q ' 0 to read' "$log"
ok "quiet night: the log still gets the run"

# ------------------------------------------------------------------ quiet, with problems
# The last file leaves the study (a warning every night until forgotten), and a row names a
# file that is not there (a failure): the one line counts them, stderr says what they are,
# each once.
mv "$S/recordings/M01_20260105_100000.edf" "$W/"
sed -i '/M01_20260105_100000/d' "$S/recordings.csv"
"$ICTUS" run "$S" --settle 0 -j 2 --quiet >"$W/out" 2>"$W/err"
eq "quiet, a recording gone: exit 3 (warnings only)" "$?" 3
grep -Eq '^ictus run .*: 0 files processed, 0 failed, 0 events, 1 warning' "$W/out"
ok "quiet, a recording gone: the line counts the warning: $(cat "$W/out")"
eq "quiet, a recording gone: stderr says which, once" \
    "$(grep -c '^ictus: warning: recordings/M01_20260105_100000.edf: no longer in recordings/ or recordings.csv (to drop its results and this warning: ictus forget ' "$W/err")" 1
eq "quiet, a recording gone: nothing else on stderr" "$(grep -vc '^ictus: warning: ' "$W/err")" 0
echo 'M01_20260106_080000.edf,M01,HPC=1;CTX=2,2026-01-06T08:00:00,' >>"$S/recordings.csv"
"$ICTUS" run "$S" --settle 0 -j 2 --quiet >"$W/out" 2>"$W/err"
eq "quiet, a listed file missing: exit 1" "$?" 1
eq "quiet, a listed file missing: stderr names it, once" \
    "$(grep -c '^ictus: failed: recordings/M01_20260106_080000.edf: listed in recordings.csv (line [0-9]*) but not found$' "$W/err")" 1

check_done test_run_quiet.sh
