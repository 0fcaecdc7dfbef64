#!/usr/bin/env bash
# test_csv_injection.sh: CSV formula injection (issue 16) end to end: a small synthetic drug
# study (`ictus synth --protocol asm`: 1 animal, three 1-hour files at 200 Hz) whose animal ID
# is the formula =HYPERLINK("http://evil.example/","M01") in every manifest and truth.csv, and
# whose group is @SUM(1+1), run and analysed; then score, analyze --events and the review
# decisions' export and import read back what ictus wrote.
#
# Proves:
#   - events.csv, responders.csv and review.csv write the ID as '=HYPERLINK(...) (quoted) and
#     responders.csv the group as '@SUM(1+1): no field of any out/*.csv starts with = + - @
#     TAB CR unless it is a plain number, and negative numbers stay numbers (pct_change -77.7);
#   - `ictus score --pred out/events.csv` finds the truth's events under that animal (tp > 0,
#     the per-animal row's ID guarded again in its -o CSV);
#   - `ictus analyze --events out/events.csv` places every event (events_unknown_animal=0,
#     exit 0);
#   - `ictus reviews import` of decisions with a reviewer -ann and notes =1+1, "@x,-y", then
#     export, import of that export, and export again: the same file twice (the guard is read
#     back as written), with '-ann and '=1+1 in it.
# Needs: $ICTUS (the binary under test), python3 (csv module).
set -u
. "$(dirname "$0")/shcheck.sh"

S=$W/gen
ID='=HYPERLINK("http://evil.example/","M01")'
"$ICTUS" synth --model ihka-mouse --animals 1 --protocol asm --hours 1 --baseline 1h \
    --drug 1h --washout 0 --fs 200 --seed 9140 -o "$S" >/dev/null 2>&1
ok "synth makes the drug study"
# the ID in every manifest (and truth.csv), the group in animals.csv
python3 - "$S" "$ID" <<'EOF'
import csv, sys
study, ident = sys.argv[1], sys.argv[2]
for name in ["animals.csv", "recordings.csv", "dosing.csv", "truth.csv"]:
    path = study + "/" + name
    rows = list(csv.reader(open(path, newline="")))
    group = rows[0].index("group") if "group" in rows[0] else -1
    for r in rows[1:]:
        r[:] = [ident if v == "M01" else v for v in r]
        if group >= 0:
            r[group] = "@SUM(1+1)"
    csv.writer(open(path, "w", newline=""), lineterminator="\n").writerows(rows)
EOF
eq "the formula is the animal of every recording" \
    "$(grep -c '^M01_.*,"=HYPERLINK(""http://evil.example/"",""M01"")",' "$S/recordings.csv")" 3

"$ICTUS" run "$S" --settle 0 -j 2 >"$W/run.out" 2>&1
eq "run: exit 0" "$?" 0
q="\"'=HYPERLINK(\"\"http://evil.example/\"\",\"\"M01\"\")\""
eq "events.csv: every event's animal is the guarded formula" \
    "$(awk -F, 'NR > 1' "$S/out/events.csv" | grep -vcF "$q")" 0
[ "$(wc -l <"$S/out/events.csv")" -gt 5 ]
ok "events.csv has events"
grep -qF "recordings/M01_20260105_080000.edf,$q,HPC," "$S/out/events.csv"
ok "events.csv: the field is quoted after its ' (recording,animal,channel)"
grep -qF "$q,'@SUM(1+1),treatment,asm-a," "$S/out/responders.csv"
ok "responders.csv: the animal and the group are guarded"
grep -qF "$q" "$S/out/review.csv"
ok "review.csv: the animal is guarded"
python3 - "$S/out" >"$W/fields.out" <<'EOF'
import csv, glob, sys
def number(v):
    try:
        float(v)
        return True
    except ValueError:
        return False
files = fields = 0
for path in sorted(glob.glob(sys.argv[1] + "/*.csv")):
    files += 1
    for row in csv.reader(open(path, newline="")):
        for v in row:
            fields += 1
            if v and v[0] in "=+-@\t\r" and not number(v):
                print("unguarded", path, v[:60])
print("checked", files, "files")
EOF
eq "no field of out/*.csv starts a formula" "$(grep -c unguarded "$W/fields.out")" 0
grep -Eq '^checked ([5-9]|[1-9][0-9]+) files$' "$W/fields.out"
ok "that is checked over the out/*.csv files ($(tail -n 1 "$W/fields.out"))"
python3 - "$S/out/responders.csv" <<'EOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
assert any(r["pct_change"].startswith("-") and float(r["pct_change"]) < 0 for r in rows)
EOF
ok "responders.csv: a negative pct_change is still a number (no ')"

# ------------------------------------------------------------------ ictus reads it back
"$ICTUS" score --truth "$S/truth.csv" --pred "$S/out/events.csv" -o "$W/score.csv" \
    >"$W/score.out" 2>&1
eq "score: exit 0" "$?" 0
tp=$(python3 -c 'import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1], newline="")) if r["scoring"] == "event"]
print(*[r["animal"] + ":" + r["tp"] for r in rows])' "$W/score.csv")
case "$tp" in
"'=HYPERLINK(\"http://evil.example/\",\"M01\"):"[1-9]*" (pooled):"[1-9]*) ok "score: the truth's events found under the animal ($tp)" ;;
*) eq "score: the truth's events found under the animal" "$tp" "'=HYPERLINK(...):N (pooled):N" ;;
esac

"$ICTUS" analyze "$S" --events "$S/out/events.csv" >"$W/analyze.out" 2>&1
eq "analyze --events out/events.csv: exit 0" "$?" 0
grep -qx 'events_unknown_animal=0' "$S/out/analysis-settings.txt"
ok "analyze --events: every event belongs to the animal"

cat >"$W/rev.csv" <<'EOF'
recording,animal,start_s,end_s,verdict,note
M01_20260105_080000.edf,"=HYPERLINK(""http://evil.example/"",""M01"")",341.6,356.1,not_seizure,=1+1
M01_20260105_080000.edf,"=HYPERLINK(""http://evil.example/"",""M01"")",420.1,438.4,seizure,"@x,-y"
EOF
"$ICTUS" reviews "$S" import "$W/rev.csv" --reviewer=-ann >"$W/imp1.out" 2>&1
eq "reviews import: exit 0" "$?" 0
"$ICTUS" reviews "$S" export -o "$W/d1.csv" >/dev/null 2>&1
eq "reviews export: exit 0" "$?" 0
grep -qF ",'-ann,not_seizure,'=1+1," "$W/d1.csv" && grep -qF ",'-ann,seizure,\"'@x,-y\"," "$W/d1.csv"
ok "the export guards the reviewer and the notes"
"$ICTUS" reviews "$S" import "$W/d1.csv" --reviewer other >"$W/imp2.out" 2>&1
eq "importing the export: exit 0" "$?" 0
grep -q ' 2 decisions on detected events, 0 added events, 0 decisions not re-detected, 0 rejected$' \
    "$W/imp2.out"
ok "importing the export: both rows on their events, none rejected"
"$ICTUS" reviews "$S" export -o "$W/d2.csv" >/dev/null 2>&1
cmp -s "$W/d1.csv" "$W/d2.csv"
ok "export, import, export: the same file (the guard read back as written)"

check_done test_csv_injection
