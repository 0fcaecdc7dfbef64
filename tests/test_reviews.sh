#!/usr/bin/env bash
# test_reviews.sh: `ictus reviews STUDY_DIR export|import|agreement` on a small synthetic
# drug study, and how the imported decisions count in `ictus analyze`.
#
# Proves:
#   - usage: --help exit 0; no action, an unknown action, a wrong argument count, import
#     without --reviewer: exit 2 with the usage text; a study without ictus.db: exit 2;
#   - export of a study without decisions: the header only (the 14 columns);
#   - import of labels (DESIGN.md's formats: start_s,end_s with a recording named by file
#     name; start,end date-times with the animal; with and without verdict, type, racine,
#     scorer): rows overlapping a stored event become decisions on it (corrected edges and
#     type when they differ), a row overlapping none an added event; ictus.db holds them;
#   - export writes each current decision once with its origin; the round trip export ->
#     import into a copy of the study (no decisions) -> export gives the same file, byte
#     for byte;
#   - bad rows (end before start, no such recording, unknown verdict, Racine 7) each get
#     one error naming FILE:LINE:COLUMN, exit 1, and the good rows are still stored;
#   - `ictus analyze` counts the decisions: events=confirmed counts exactly the confirmed
#     and added seizures; periods.csv's n_detected, n_reviewed, n_added agree with them;
#   - agreement of two reviewers: the kappa of a hand-checked table (5/9), percent
#     agreement, per type, and the disagreements file lists the one event they differ on.
# Needs: $ICTUS, sqlite3.
set -u
. "$(dirname "$0")/shcheck.sh"

S=$W/study
"$ICTUS" synth --model ihka-mouse --animals 2 --protocol asm --hours 1 --fs 250 --min-rate 80 \
    --baseline 2h --drug 1h --washout 0 --seed 3 -o "$S" >/dev/null &&
    "$ICTUS" run "$S" --settle 0 >/dev/null
ok "a small drug study with events"
cp -a "$S" "$W/copy"
cp -a "$S" "$W/two"
n_events=$(($(wc -l <"$S/out/events.csv") - 1))
[ "$n_events" -ge 6 ]
ok "at least 6 events to review (has $n_events)"

# --- The command line -------------------------------------------------------------
"$ICTUS" reviews --help >"$W/out"
eq "--help: exit" "$?" 0
grep -q "^usage: ictus reviews STUDY_DIR export" "$W/out"
ok "--help: the usage text"
for args in "$S" "$S frobnicate" "$S export extra" "$S import" "$S import x.csv" \
    "$S agreement anna"; do
    # shellcheck disable=SC2086
    "$ICTUS" reviews $args >/dev/null 2>"$W/err"
    eq "reviews $args: exit" "$?" 2
    grep -q "^usage: ictus reviews" "$W/err"
    ok "reviews $args: the usage text on stderr"
done
mkdir "$W/empty"
"$ICTUS" reviews "$W/empty" export 2>"$W/err"
eq "a study without ictus.db: exit" "$?" 2
grep -q "ictus.db: missing" "$W/err"
ok "a study without ictus.db: says so"

# --- Nothing decided yet ----------------------------------------------------------
"$ICTUS" reviews "$S" export >/dev/null
eq "export, nothing decided: exit" "$?" 0
eq "export, nothing decided: the header only" "$(cat "$S/out/decisions.csv")" \
    "recording,animal,channel,start_s,end_s,start,end,type,racine,scorer,verdict,note,reviewed_at,origin"

# --- Import labels ---------------------------------------------------------------
# Events 1-4 of the study (events.csv rows 2-5), each: recording, animal, channel, start_s,
# end_s, start_time, type.
ev() { sed -n "$(($1 + 1))p" "$S/out/events.csv" | cut -d, -f"$2"; }
f() { basename "$(ev "$1" 1)"; }  # N: event N's recording, by file name
wall_end() { # N: event N's end as a date-time
    sqlite3 :memory: "SELECT strftime('%Y-%m-%dT%H:%M:%f', '$(ev "$1" 7)', '+$(ev "$1" 6) seconds')"
}
file1=$(f 1)
# 1: confirmed, type corrected, edges moved 1 s; 2: rejected; 3: unsure, Racine 3 (by its
# wall-clock times and animal); 4: a labelled seizure (no verdict); and a missed seizure
# one minute before the first event.
s1=$(ev 1 4) e1=$(ev 1 5)
added_start=$(awk -v s="$s1" 'BEGIN { printf "%.3f", s - 60 }')
added_end=$(awk -v s="$s1" 'BEGIN { printf "%.3f", s - 45 }')
moved_start=$(awk -v s="$s1" 'BEGIN { printf "%.3f", s + 1 }')
cat >"$W/labels.csv" <<EOF
recording,animal,start_s,end_s,type,racine,scorer,verdict,note
$file1,$(ev 1 2),$moved_start,$e1,convulsive,,anna,seizure,"clonus, rearing"
$(f 2),$(ev 2 2),$(ev 2 4),$(ev 2 5),,,anna,not_seizure,chewing
$file1,$(ev 1 2),$added_start,$added_end,,4,anna,seizure,missed
EOF
"$ICTUS" reviews "$S" import "$W/labels.csv" --reviewer lab >"$W/out"
eq "import labels: exit" "$?" 0
grep -q "3 rows: 2 decisions on detected events, 1 added events, 0 decisions not re-detected, 0 rejected" "$W/out"
ok "import labels: the counts ($(cat "$W/out"))"
# Wall-clock rows: the third and fourth events by their start and end date-times.
cat >"$W/wall.csv" <<EOF
animal,start,end,racine,verdict
$(ev 3 2),$(ev 3 7),$(wall_end 3),3,unsure
$(ev 4 2),$(ev 4 7),$(wall_end 4),,
EOF
"$ICTUS" reviews "$S" import "$W/wall.csv" --reviewer bob >"$W/out"
eq "import wall-clock rows: exit" "$?" 0
grep -q "2 rows: 2 decisions on detected events, 0 added" "$W/out"
ok "import wall-clock rows: matched to events ($(cat "$W/out"))"
q() { sqlite3 "$S/ictus.db" "$1"; }
eq "ictus.db: decisions stored" "$(q "SELECT count(*) FROM reviews")" 5
eq "ictus.db: one added event" "$(q "SELECT count(*) FROM reviews WHERE added = 1")" 1
eq "ictus.db: the corrected type and edges" \
    "$(q "SELECT type, fixed_start_us, note FROM reviews WHERE type <> ''")" \
    "convulsive|$(awk -v s="$moved_start" 'BEGIN { printf "%d", s * 1e6 + 0.5 }')|clonus, rearing"
eq "ictus.db: scorer and --reviewer" \
    "$(q "SELECT group_concat(reviewer) FROM (SELECT DISTINCT reviewer FROM reviews ORDER BY 1)")" \
    "anna,bob"
eq "ictus.db: Racine and the labelled seizure" \
    "$(q "SELECT group_concat(verdict || ':' || ifnull(racine, '-'), ' ') FROM (SELECT * FROM reviews WHERE reviewer = 'bob' ORDER BY id)")" \
    "unsure:3 seizure:-"

# --- Export, round trip -----------------------------------------------------------
"$ICTUS" reviews "$S" export >"$W/out"
eq "export: exit" "$?" 0
grep -q "decisions.csv: 5 decisions" "$W/out"
ok "export: 5 decisions ($(cat "$W/out"))"
grep -q ",convulsive,,anna,seizure,\"clonus, rearing\",.*Z,detected$" "$S/out/decisions.csv"
ok "export: the corrected event, its note quoted"
grep -q "^recordings/$file1,.*,$added_start,$added_end,.*,4,anna,seizure,missed,.*,added$" \
    "$S/out/decisions.csv"
ok "export: the added event"
"$ICTUS" reviews "$W/copy" import "$S/out/decisions.csv" --reviewer someone >/dev/null
eq "import the export into a copy: exit" "$?" 0
"$ICTUS" reviews "$W/copy" export -o "$W/copy.csv" >/dev/null
cmp -s "$W/copy.csv" "$S/out/decisions.csv"
ok "round trip: the copy's export is the same file"
eq "round trip: the copy's added event" \
    "$(sqlite3 "$W/copy/ictus.db" "SELECT count(*) FROM reviews WHERE added = 1")" 1

# --- Bad rows ---------------------------------------------------------------------
cat >"$W/bad.csv" <<EOF
recording,start_s,end_s,verdict,racine
$file1,20,10,seizure,
nope.edf,1,2,,
$(f 5),$(ev 5 4),$(ev 5 5),maybe,
$(f 5),$(ev 5 4),$(ev 5 5),seizure,7
$(f 5),$(ev 5 4),$(ev 5 5),not_seizure,
EOF
"$ICTUS" reviews "$S" import "$W/bad.csv" --reviewer lab >"$W/out" 2>"$W/err"
eq "bad rows: exit" "$?" 1
eq "bad rows: one error each" "$(wc -l <"$W/err")" 4
for where in "bad.csv:2:3 (end_s)" "bad.csv:3:1 (recording)" "bad.csv:4:4 (verdict)" \
    "bad.csv:5:5 (racine)"; do
    grep -q "$where" "$W/err"
    ok "bad rows: $where named"
done
grep -q "5 rows: 1 decisions on detected events, 0 added events, 0 decisions not re-detected, 4 rejected" "$W/out"
ok "bad rows: the good one stored ($(cat "$W/out"))"

# --- What counts ----------------------------------------------------------------
# Confirmed: event 1 (convulsive) and the added seizure; event 4 (labelled, no verdict).
"$ICTUS" analyze "$S" --set analysis.events=confirmed >/dev/null
sum() { # COLUMN: the sum of a periods.csv column over the rows of type "all"
    awk -F, -v name="$1" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) c = i; next }
        $12 == "all" { s += $c } END { print s + 0 }' "$S/out/periods.csv"
}
eq "confirmed: seizures counted" "$(sum count)" 3
eq "n_added" "$(sum n_added)" 1
eq "n_reviewed: the events decided" "$(sum n_reviewed)" 5
eq "n_detected: every stored event (in a period)" "$(sum n_detected)" "$n_events"
grep -q "^events_counted=detected events reviewed as seizure, and added events confirmed$" \
    "$S/out/analysis-settings.txt"
ok "analysis-settings.txt says what counted"
grep -q "^events_reviewed_not_seizure=2$" "$S/out/analysis-settings.txt"
ok "analysis-settings.txt: counts per verdict"
"$ICTUS" analyze "$S" >/dev/null
eq "detected: all but the 2 rejected, plus the added one" "$(sum count)" "$((n_events - 2 + 1))"

# --- Agreement ----------------------------------------------------------------------
# anna and bob on events 6-9 of a copy without decisions: anna S N U S, bob S N S S:
# p_o 3/4, p_e 7/16, kappa (3/4 - 7/16) / (9/16) = 5/9.
{
    echo "recording,start_s,end_s,verdict,scorer"
    for who in "anna seizure not_seizure unsure seizure" "bob seizure not_seizure seizure seizure"; do
        set -- $who
        name=$1
        shift
        i=6
        for v in "$@"; do
            echo "$(f $i),$(ev $i 4),$(ev $i 5),$v,$name"
            i=$((i + 1))
        done
    done
} >"$W/two.csv"
"$ICTUS" reviews "$W/two" import "$W/two.csv" --reviewer lab >/dev/null
eq "agreement: the decisions imported" "$(sqlite3 "$W/two/ictus.db" "SELECT count(*) FROM reviews")" 8
"$ICTUS" reviews "$W/two" agreement anna bob -o "$W/dis.csv" >"$W/out"
eq "agreement: exit" "$?" 0
grep -q "^all,4,3,75.0,0.556$" "$W/out"
ok "agreement: n 4, 3 agreed, 75 %, kappa 0.556 ($(tr '\n' ' ' <"$W/out"))"
grep -q "4 events both decided, 0 by anna only, 0 by bob only" "$W/out"
ok "agreement: events both decided"
eq "agreement: one disagreement listed" "$(($(wc -l <"$W/dis.csv") - 1))" 1
grep -q ",unsure,seizure$" "$W/dis.csv"
ok "agreement: the disagreement's verdicts"
"$ICTUS" reviews "$W/two" agreement anna nobody -o - >"$W/out"
grep -q "^recording,animal,channel,start_s,end_s,start,type,verdict_a,verdict_b$" "$W/out"
ok "agreement with -o -: the disagreements on stdout (none)"

check_done test_reviews
