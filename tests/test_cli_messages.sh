#!/usr/bin/env bash
# test_cli_messages.sh: verbs say what is missing before doing anything
# (issue 14's friction points); no recording is read, so it is fast.
#
# Proves:
#   - `ictus score` with a truth (or events) file lacking start_s,end_s (or
#     start,end) exits 1 with one line naming the file, what it needs and
#     the columns it has, and prints no table; the same for a file with
#     start_s,end_s but no recording column;
#   - `ictus compare` without -o says to give -o DIR (then the usage, exit
#     2); without a study, says which is missing;
#   - `ictus forget`: outside a study, and without a path, one clear line,
#     exit 2; --help on stdout, exit 0; it is listed by `ictus --help`.
# Needs: $ICTUS.
set -u
. "$(dirname "$0")/shcheck.sh"

lines() { wc -l <"$1" | tr -d ' '; }

# ------------------------------------------------------------------ score
printf 'recording,animal,channel,start_s,end_s,duration_s,start_time,type,score,preset\n%s\n' \
    'A1.edf,A1,*,10,40,30,2026-01-05T08:00:10.000,hpd,0.9,ihka-mouse@1' >"$W/events.csv"
printf 'recording,animal,onset,offset\nA1.edf,A1,10,40\n' >"$W/truth.csv"
"$ICTUS" score --truth "$W/truth.csv" --pred "$W/events.csv" >"$W/out" 2>"$W/err"
eq "score, truth without start_s,end_s: exit 1" "$?" 1
eq "score, truth without start_s,end_s: nothing on stdout (no table)" "$(cat "$W/out")" ""
eq "score, truth without start_s,end_s: one line" "$(lines "$W/err")" 1
grep -q "^ictus: $W/truth.csv: needs columns start_s,end_s .* or start,end .*; its columns are: recording,animal,onset,offset$" "$W/err"
ok "score, truth without start_s,end_s: names the file, what it needs and what it has"
"$ICTUS" score --truth "$W/events.csv" --pred "$W/truth.csv" >"$W/out" 2>"$W/err"
eq "score, events without start_s,end_s: exit 1, no table" "$?|$(cat "$W/out")" "1|"
grep -q "^ictus: $W/truth.csv: needs columns start_s,end_s" "$W/err"
ok "score, events without start_s,end_s: names the file"
printf 'animal,start_s,end_s\nA1,10,40\n' >"$W/truth2.csv"
"$ICTUS" score --truth "$W/truth2.csv" --pred "$W/events.csv" >"$W/out" 2>"$W/err"
eq "score, truth without recording: exit 1, no table" "$?|$(cat "$W/out")" "1|"
grep -q "^ictus: $W/truth2.csv: needs a recording column" "$W/err"
ok "score, truth without recording: says so"

# ------------------------------------------------------------------ compare
"$ICTUS" compare "$W/study" >"$W/out" 2>"$W/err"
eq "compare without -o: exit 2" "$?" 2
eq "compare without -o: says to give -o first" "$(head -n 1 "$W/err")" \
    "ictus: compare: give -o DIR, the folder for comparison.csv and the report (created when absent)"
grep -q '^usage: ictus compare' "$W/err"
ok "compare without -o: then the usage"
"$ICTUS" compare -o "$W/cmp" >"$W/out" 2>"$W/err"
eq "compare without a study: exit 2" "$?" 2
eq "compare without a study: says so" "$(head -n 1 "$W/err")" \
    "ictus: compare: which studies? give one or more STUDY_DIR"

# ------------------------------------------------------------------ forget
mkdir -p "$W/notastudy"
"$ICTUS" forget "$W/notastudy" A1.edf --yes >"$W/out" 2>"$W/err"
eq "forget outside a study: exit 2" "$?" 2
eq "forget outside a study: one line" "$(cat "$W/err")" \
    "ictus: $W/notastudy: not a study directory (no study.ini)"
[ ! -e "$W/notastudy/ictus.lock" ]
ok "forget outside a study: leaves no lock file"
"$ICTUS" forget "$W/notastudy" >"$W/out" 2>"$W/err"
eq "forget without a path: exit 2" "$?" 2
eq "forget without a path: says so" "$(head -n 1 "$W/err")" \
    "ictus: forget: which recordings? give their paths after STUDY_DIR"
"$ICTUS" forget --help >"$W/out" 2>"$W/err"
eq "forget --help: exit 0, nothing on stderr" "$?|$(cat "$W/err")" "0|"
grep -q '^usage: ictus forget STUDY_DIR PATH' "$W/out"
ok "forget --help: the usage on stdout"
"$ICTUS" --help | grep -q '^  ictus forget '
ok "ictus --help lists forget"

check_done test_cli_messages
