#!/usr/bin/env bash
# test_readme.sh: the README's complete small study example is a valid study.
# Its code blocks that start with "# study.ini", "# animals.csv",
# "# recordings.csv" and "# dosing.csv" are written to a study directory
# (without the recordings themselves):
#   - `ictus run` reports exactly the three recordings as not found, nothing
#     else (no manifest problem), and exits 1;
#   - `ictus analyze` then reads every manifest without a problem: it
#     reports the same three recordings as not found, nothing else, and
#     exits 1 as run does, and makes the periods and responses the example
#     describes: M01 and M03 on levetiracetam, M02 on vehicle (saline).
# Needs: $ICTUS (the binary under test).
set -u
. "$(dirname "$0")/shcheck.sh"
readme=$(dirname "$0")/../README.md
S=$W/example
mkdir -p "$S/recordings"
awk -v dir="$S" '
    /^```/ { if (f) close(f); f = ""; inblock = !inblock; next }
    inblock && !f && /^# (study\.ini|animals\.csv|recordings\.csv|dosing\.csv)/ {
        f = dir "/" $2; next
    }
    f { print > f }' "$readme"
for m in study.ini animals.csv recordings.csv dosing.csv; do
    [ -s "$S/$m" ]
    ok "the README has the example's $m"
done

"$ICTUS" run "$S" --settle 0 >"$W/out" 2>"$W/err"
eq "example: ictus run exits 1 (the recordings are not there)" "$?" 1
eq "example: the only problems are the three missing recordings" \
    "$(grep -c '^    failed: ' "$W/out")" 3
eq "example: each names a recording of recordings.csv" \
    "$(grep -c '^    failed: recordings/.*: listed in recordings.csv (line [0-9]*) but not found$' "$W/out")" 3

"$ICTUS" analyze "$S" >"$W/out" 2>"$W/err"
eq "example: ictus analyze exits 1, as run (the recordings are not there)" "$?" 1
eq "example: analyze's only problems are the three missing recordings (no manifest problem)" \
    "$(grep -vc ': listed in recordings.csv (line [0-9]*) but not found$' "$W/err")|$(wc -l <"$W/err")" \
    "0|3"
col() { # FILE NAME -> the column number of NAME in FILE's header
    head -n 1 "$1" | tr ',' '\n' | grep -nx "$2" | cut -d: -f1
}
R=$S/out/responders.csv
a=$(col "$R" animal) c=$(col "$R" condition) d=$(col "$R" drug) t=$(col "$R" type)
eq "example: one response per animal, drug or vehicle" \
    "$(awk -F, -v a="$a" -v c="$c" -v d="$d" -v t="$t" \
        'NR > 1 && $t == "all" { print $a ":" $c ":" $d }' "$R" | sort | tr '\n' ' ')" \
    "M01:treatment:levetiracetam M02:vehicle:saline M03:treatment:levetiracetam "
P=$S/out/periods.csv
eq "example: the periods of dosing.csv, washout included" \
    "$(awk -F, -v a="$(col "$P" animal)" -v k="$(col "$P" kind)" 'NR > 1 { print $a ":" $k }' "$P" |
        sort -u | tr '\n' ' ')" \
    "M01:baseline M01:treatment M01:washout M02:baseline M02:vehicle M03:baseline M03:treatment "

check_done test_readme.sh
