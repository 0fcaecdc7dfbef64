#!/usr/bin/env bash
# test_manifest_daily.sh: issue 14's manifest dates, fields that must not block
# detection, and out/daily.csv, end to end on a small drug study (`ictus synth`:
# one animal, three 30-minute files from 23:15, 250 Hz, 2 channels: baseline, asm-a
# from 23:45, asm-b from 00:15, so that days are cut at midnight and at periods).
#
# Proves:
#   - a European birth date (01.06.2025) without study.ini date_format is one
#     problem naming animals.csv:2:5 (birth_date) that says to set date_format
#     and asks for no time; the animal stays known and every one of its
#     recordings is detected (status ok, events stored);
#   - with `date_format = DD.MM.YYYY` the same animals.csv loads without a
#     problem and `analyze` exits 0;
#   - an unknown animal says where its name came from: the file name (EDF
#     patient field "X") or the EDF header's patient field;
#   - out/daily.csv, written by `run` and by `analyze`: one row per day part x
#     type, the parts cut at midnight and at period edges with their period and
#     drug; per type the counts add up to events.csv's events, the "all" rows
#     to periods.csv's counts, the analysable hours of each period's parts to
#     periods.csv's analysable_h; and with an events file holding seizures on
#     the first day only, the second day's rows are there with count 0.
# Needs: $ICTUS (the binary under test), sqlite3.
set -u
. "$(dirname "$0")/shcheck.sh"
. "$(dirname "$0")/run_common.sh"

S=$W/study
"$ICTUS" synth --model ihka-mouse --protocol asm --animals 1 --hours 0.5 --baseline 0.5h \
    --drug 0.5h --washout 0 --start 2026-01-05T23:15:00 --fs 250 --channels 2 --min-rate 96 \
    --seed 9102 -j 2 -o "$S" >/dev/null 2>&1
ok "synth makes the drug study"
awk -F, -v OFS=, 'NR == 2 { $5 = "01.06.2025" } { print }' "$S/animals.csv" >"$W/animals.csv" &&
    mv "$W/animals.csv" "$S/animals.csv"
first=$(cd "$S/recordings" && ls | head -1)
cp "$S/recordings/$first" "$S/recordings/Z9_stray.edf"
set_header "$S/recordings/Z9_stray.edf" 8 80 "X X X X"
cp "$S/recordings/$first" "$S/recordings/Q7_copy.edf"
set_header "$S/recordings/Q7_copy.edf" 8 80 "Q7 X X X"

# ------------------------------------------------------------------ the run
run "$S" --settle 0 -j 2
[ "$rc" -ne 0 ]
ok "run: a non-zero exit (a manifest problem, two unknown animals; got $rc)"
want='animals.csv:2:5 (birth_date): expected a date (YYYY-MM-DD), got "01.06.2025": '
want+='.*\[study\] date_format = DD.MM.YYYY.* (the animal is kept, its birth_date unknown)'
grep -q "$want" "$W/out" "$W/err"
ok "the birth date is one problem that says to set date_format"
! grep -q "birth_date).*HH:MM" "$W/out" "$W/err"
ok "the birth date's problem asks for no time"
eq "every recording of M01 detected" \
    "$(q "$S" "SELECT count(*), sum(status = 'ok') FROM recordings WHERE animal = 'M01'")" "3|3"
n_events=$(q "$S" "SELECT count(*) FROM events")
[ "$n_events" -gt 0 ]
ok "M01 has events (got $n_events)"
eq "unknown animal from the file name" \
    "$(q "$S" "SELECT error FROM recordings WHERE path = 'recordings/Z9_stray.edf'")" \
    "recordings/Z9_stray.edf: unknown animal \"Z9_stray\" (from the file name): add it to \
animals.csv, or name the animal in recordings.csv"
eq "unknown animal from the patient field" \
    "$(q "$S" "SELECT error FROM recordings WHERE path = 'recordings/Q7_copy.edf'")" \
    "recordings/Q7_copy.edf: unknown animal \"Q7\" (from the EDF header's patient field): \
add it to animals.csv, or name the animal in recordings.csv"

# ------------------------------------------------------------------ daily.csv
D=$S/out/daily.csv
eq "daily.csv header" "$(head -1 "$D")" "date,animal,group,period,kind,drug,dose_mg_kg,start,\
end,type,count,seizure_s,analysable_h,settings_hash"
eq "the day parts, their periods and drugs" \
    "$(awk -F, 'NR > 1 && $10 == "all" { print $1, $4, $6, substr($8, 12, 5), substr($9, 12, 5) }' \
        "$D")" \
    "2026-01-05 1  23:15 23:45
2026-01-05 2 asm-a 23:45 00:00
2026-01-06 2 asm-a 00:00 00:15
2026-01-06 3 asm-b 00:15 00:45"
types=$(awk -F, 'NR > 1 { print $12 }' "$S/out/periods.csv" | sort -u | tr '\n' ' ')
eq "every part has a row for every type of periods.csv" \
    "$(awk -F, 'NR > 1 { n[$8] = n[$8] " " $10 } END { for (p in n) print n[p] }' "$D" |
        sort -u)" \
    " $(echo $types)"
for t in $(awk -F, 'NR > 1 && $10 != "all" { print $10 }' "$D" | sort -u); do
    eq "type $t: daily counts add up to events.csv" \
        "$(awk -F, -v t="$t" 'NR > 1 && $10 == t { n += $11 } END { print n + 0 }' "$D")" \
        "$(awk -F, -v t="$t" 'NR > 1 && $8 == t { n++ } END { print n + 0 }' "$S/out/events.csv")"
done
eq "the all rows add up to periods.csv's counts" \
    "$(awk -F, 'NR > 1 && $10 == "all" { n += $11 } END { print n }' "$D")" \
    "$(awk -F, 'NR > 1 && $12 == "all" { n += $17 } END { print n }' "$S/out/periods.csv")"
for p in 1 2 3; do
    daily_h=$(awk -F, -v p=$p 'NR > 1 && $10 == "all" && $4 == p { h += $13 } END { print h }' \
        "$D")
    period_h=$(awk -F, -v p=$p 'NR > 1 && $12 == "all" && $3 == p { print $14 }' \
        "$S/out/periods.csv")
    awk -v a="$daily_h" -v b="$period_h" 'BEGIN { d = a - b; exit !(b > 0 && d < 1e-4 && d > -1e-4) }'
    ok "period $p: the parts' analysable hours add up to periods.csv's ($daily_h vs $period_h)"
done
hash=$(grep -c ",$(awk -F, 'NR == 2 { print $33 }' "$S/out/periods.csv")\$" "$D")
eq "every row carries the analysis's settings hash" "$hash" "$(($(wc -l <"$D") - 1))"

# ------------------------------------------------------------------ zero-seizure days
# Seizures on the first day only (an events file): the second day's rows stay, count 0.
printf 'animal,start,end,type\nM01,2026-01-05T23:20:00,2026-01-05T23:20:40,hpd\n' >"$W/first_day.csv"
"$ICTUS" analyze --events "$W/first_day.csv" -o "$W/out2" "$S" >"$W/analyze" 2>"$W/analyze.err"
grep -q "^wrote $W/out2: daily.csv (" "$W/analyze"
ok "analyze says it wrote daily.csv"
eq "second day: present, no seizure" \
    "$(awk -F, '$1 == "2026-01-06" { print $10, $11 }' "$W/out2/daily.csv" | sort -u)" "all 0
hpd 0"
eq "first day: the one seizure, in the baseline part" \
    "$(awk -F, '$1 == "2026-01-05" && $11 > 0 { print $4, $10, $11, $12 }' "$W/out2/daily.csv")" \
    "1 all 1 40
1 hpd 1 40"

# ------------------------------------------------------------------ date_format
printf '[study]\ndate_format = DD.MM.YYYY\n' >"$W/ini" &&
    sed '1,/^\[study\]/d' "$S/study.ini" >>"$W/ini" && mv "$W/ini" "$S/study.ini"
"$ICTUS" analyze "$S" >"$W/analyze" 2>"$W/analyze.err"
eq "with date_format = DD.MM.YYYY: analyze exits 0" "$?" 0
eq "with date_format: no problem" "$(cat "$W/analyze.err")" ""

check_done test_manifest_daily
