#!/usr/bin/env bash
# test_study_messages.sh: what a study's input can make of the messages and
# of the results (issue 16); one 1-hour synthetic recording, detected once.
#
# Proves:
#   - an animal id of 300 bytes (animals.csv and recordings.csv) is no
#     longer cut: `ictus run` exits 0 and stores the recording and its events
#     under the whole id, and out/events.csv carries it whole;
#   - input echoed in a message is bounded and one line: a 4 MB bad field
#     (a dosing.csv start) gives a line of less than 300 bytes, with "..."
#     and the field's length; a field holding a newline and an ESC byte
#     gives one line with them written \n and \x1b;
#   - a file that recordings.csv lists and that is not there is named with
#     its recordings.csv line, by `run` and by `analyze` alike;
#   - manifest problems name the file, line and column (FILE:LINE:COL).
# Needs: $ICTUS, sqlite3.
set -u
. "$(dirname "$0")/shcheck.sh"

"$ICTUS" synth --model ihka-mouse --animals 1 --days 1 --hours 1 --fs 200 --channels 1 \
    --seed 9405 -o "$W/gen" >/dev/null 2>&1
ok "synth makes a one-recording study"
S=$W/long
cp -r "$W/gen" "$S"
LONG=M$(printf 'x%.0s' $(seq 299))
eq "the long id has 300 bytes" "${#LONG}" 300
sed -i "s/^M01,/$LONG,/" "$S/animals.csv"
sed -i "s/,M01,/,$LONG,/" "$S/recordings.csv"
grep -q "^$LONG," "$S/animals.csv" && grep -q ",$LONG," "$S/recordings.csv"
ok "animals.csv and recordings.csv name the animal by the long id"

# ------------------------------------------------------------------ 1. long ids
"$ICTUS" run "$S" -j 1 --settle 0 >"$W/out" 2>"$W/err"
eq "run, 300-byte animal id: exit 0" "$?" 0
eq "run, 300-byte animal id: nothing on stderr" "$(head -c 300 "$W/err")" ""
q() { sqlite3 "$S/ictus.db" "$1"; }
eq "the recording is stored ok under the whole id" \
    "$(q "SELECT length(animal), status FROM recordings")" "300|ok"
n_events=$(q "SELECT count(*) FROM events WHERE animal = '$LONG'")
[ "$n_events" -gt 0 ]
ok "its events are stored under the whole id ($n_events)"
eq "no event under another animal" "$(q "SELECT count(*) FROM events WHERE animal <> '$LONG'")" 0
eq "out/events.csv carries the whole id on every row" \
    "$(tail -n +2 "$S/out/events.csv" | cut -d, -f2 | sort -u)" "$LONG"

# Copies of the detected study, broken one way each, for `ictus analyze`
# (it reads ictus.db, detects nothing: fast).
broken() { # NAME: a fresh copy of the detected study in $W/NAME
    rm -rf "${W:?}/$1"
    cp -r "$S" "$W/$1"
}
longest_line() { awk '{ if (length($0) > n) n = length($0) } END { print n + 0 }' "$1"; }

# ------------------------------------------------------------------ 2. bounded, one line
broken big
head -c 4194304 /dev/zero | tr '\0' '9' >"$W/field"
{ head -n 1 "$S/dosing.csv" 2>/dev/null || echo 'animal,period,drug,dose_mg_kg,route,start,end'
  printf '%s,baseline,,,,' "$LONG"; cat "$W/field"; printf ',2026-01-05T09:00:00\n'; } \
    >"$W/big/dosing.csv"
[ "$(stat -c %s "$W/big/dosing.csv")" -gt 4194304 ]
ok "dosing.csv holds a 4 MB start field"
"$ICTUS" analyze "$W/big" >"$W/out" 2>"$W/err"
eq "analyze, 4 MB bad field: exit 1 (a rejected row)" "$?" 1
grep -q 'dosing.csv:2:6 (start): expected .*, got "9999.*\.\.\. (4194304 bytes)"' "$W/err"
ok "the problem quotes the field's start, then ... and its length"
len=$(longest_line "$W/err")
[ "$len" -lt 300 ]
ok "the longest stderr line has less than 300 bytes ($len)"
cp -r "$W/big" "$W/big_run"
"$ICTUS" run "$W/big_run" -j 1 --settle 0 >"$W/out" 2>"$W/err"
eq "run, 4 MB bad field: exit 1" "$?" 1
len=$(longest_line "$W/out")
[ "$len" -lt 600 ] && [ "$(longest_line "$W/err")" -lt 600 ]
ok "run: no line of its output is long (stdout $len bytes; the summary adds the animal id)"
rm -rf "${W:?}/big" "$W/big_run"

broken ctl
printf 'animal,model,sex,strain,birth_date,group,notes\n%s,ihka-mouse,"Q\nnext\x1b[31mred\tx",C57BL/6J,2025-10-07,g,\n' \
    "$LONG" >"$W/ctl/animals.csv"
"$ICTUS" analyze "$W/ctl" >"$W/out" 2>"$W/err"
eq "analyze, sex field with a newline and ESC: exit 3 (a warning: the animal is kept)" "$?" 3
eq "one line on stderr" "$(wc -l <"$W/err")" 1
grep -qF 'got "Q\nnext\x1b[31mred\tx"' "$W/err"
ok "the newline, the ESC and the tab are written \\n, \\x1b and \\t"
! grep -q $'\x1b' "$W/err"
ok "no ESC byte reaches the terminal"
grep -q "animals.csv:2:3 (sex): " "$W/err"
ok "the message names file, line and column"
rm -rf "${W:?}/ctl"

# ------------------------------------------------------------------ 3. missing recording
broken missing
echo "nosuch.edf,$LONG,HPC=1,2026-01-05T10:00:00," >>"$W/missing/recordings.csv"
"$ICTUS" analyze "$W/missing" >"$W/out" 2>"$W/err"
eq "analyze, a listed file not there: exit 1" "$?" 1
grep -q "^ictus: $W/missing/recordings/nosuch.edf: listed in recordings.csv (line 3) but not found$" "$W/err"
ok "analyze names the file and its recordings.csv line"
"$ICTUS" run "$W/missing" -j 1 --settle 0 >"$W/out" 2>"$W/err"
eq "run, a listed file not there: exit 1" "$?" 1
grep -q "failed: recordings/nosuch.edf: listed in recordings.csv (line 3) but not found$" "$W/out"
ok "run names the file and its recordings.csv line"
rm -rf "${W:?}/missing"

check_done test_study_messages
