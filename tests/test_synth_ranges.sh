#!/usr/bin/env bash
# test_synth_ranges.sh: `ictus synth --family-range FAMILY.PARAM=LO:HI`
# (synth/ranges.h), the parameter-range holdout:
#   - a restricted parameter lies in its sub-range in the params column of
#     artefacts.csv (hard negatives) and seizures.csv (seizures), every row
#     of the family there, and is the same draw mapped onto the sub-range
#     (grooming_wide's f0_hz: 3 + (f - 3) * 4 / 9 for 3:7);
#   - everything else is unchanged: the family's other parameters and
#     times, the rows of every other family, truth.csv (rates and amplitudes
#     move no seizure); a restricted duration keeps it within the range
#     (hard negatives: the rows that no longer fit are left out; convulsive
#     seizures in a rat);
#   - a range that is the whole range changes no byte but study.ini's
#     provenance line, which lists the ranges;
#   - bad ranges are usage errors naming the option and what is wrong.
# Needs: $ICTUS (the binary under test).
set -u
. "$(dirname "$0")/shcheck.sh"

# The mouse (HPD families, every negative family) of test_synth_seizwide.sh
mouse() { # DIR EXTRA...
    local dir=$1
    shift
    "$ICTUS" synth --model ihka-mouse -n 1 -d 1 --hours 12 --fs 100 -s 4096 -j 2 \
        --seizures wide --negatives wide -o "$dir" "$@" >/dev/null
}
mouse "$W/all"
mouse "$W/ranged" --family-range grooming_wide.f0_hz=3:7 --family-range theta_wide.dur_s=5:10 \
    --family-range 'hpd_*.f0_hz=3.5:6' --family-range hpd_lvf.amp_rms=8:12
ok "synth --family-range makes the study"
A=$W/all/artefacts.csv
R=$W/ranged/artefacts.csv

# FILE FAMILY_COLUMN FAMILY PARAM: "start end value" of every row of the family
rows() {
    awk -F, -v k="$3" -v c="$2" -v p="$4" '$c == k { n = split($NF, kv, ";"); v = ""
        for (i = 1; i <= n; i++) { split(kv[i], x, "="); if (x[1] == p) v = x[2] }
        print $3, $4, v }' "$1"
}
ng=$(rows "$A" 5 grooming_wide f0_hz | wc -l)
[ "$ng" -gt 3 ] && [ "$(rows "$R" 5 grooming_wide f0_hz | wc -l)" -eq "$ng" ]
ok "grooming_wide keeps its $ng rows"
eq "grooming_wide's f0_hz all within 3-7 Hz" \
    "$(rows "$R" 5 grooming_wide f0_hz | awk '$3 < 3 || $3 > 7')" ""
rows "$A" 5 grooming_wide f0_hz | awk '$3 > 7' | grep -q .
ok "(without the range some grooming is faster than 7 Hz)"
eq "each grooming_wide f0_hz is the same draw mapped onto 3-7 Hz" "$(paste -d' ' \
    <(rows "$A" 5 grooming_wide f0_hz) <(rows "$R" 5 grooming_wide f0_hz) | awk '{
    want = 3 + ($3 - 3) * 4 / 9; d = $6 - want
    if ($1 != $4 || $2 != $5 || d > 0.01 * want || d < -0.01 * want) print }')" ""
diff <(awk -F, '$5 == "grooming_wide"' "$A" | sed 's/f0_hz=[^;]*;//') \
    <(awk -F, '$5 == "grooming_wide"' "$R" | sed 's/f0_hz=[^;]*;//') >/dev/null
ok "grooming_wide's other parameters, times and leads are unchanged"
nt=$(rows "$R" 5 theta_wide f0_hz | wc -l)
[ "$nt" -gt 3 ]
ok "theta_wide has rows ($nt)"
eq "theta_wide's durations all within 5-10 s" \
    "$(rows "$R" 5 theta_wide f0_hz | awk '$2 - $1 < 4.99 || $2 - $1 > 10.01')" ""
diff <(grep -v ',grooming_wide,\|,theta_wide,' "$A") <(grep -v ',grooming_wide,\|,theta_wide,' "$R") \
    >/dev/null
ok "the rows of every other hard negative are unchanged"

S=$W/ranged/seizures.csv
nh=$(rows "$S" 5 hpd f0_hz | wc -l)
[ "$nh" -gt 3 ] && [ "$nh" -eq "$(rows "$W/all/seizures.csv" 5 hpd f0_hz | wc -l)" ]
ok "the HPDs are all there ($nh)"
eq "every HPD's f0_hz within 3.5-6 Hz" "$(rows "$S" 5 hpd f0_hz | awk '$3 < 3.5 || $3 > 6')" ""
eq "hpd_lvf's amp_rms within 8-12" "$(rows "$S" 6 hpd_lvf amp_rms | awk '$3 < 8 || $3 > 12')" ""
rows "$S" 6 hpd_lvf amp_rms | grep -q .
ok "(hpd_lvf has rows)"
diff <(rows "$W/all/seizures.csv" 6 hpd_sentinel amp_rms) <(rows "$S" 6 hpd_sentinel amp_rms) \
    >/dev/null
ok "another family's amp_rms is unchanged"
cmp -s "$W/all/truth.csv" "$W/ranged/truth.csv"
ok "truth.csv is unchanged (rates and amplitudes move no seizure)"
grep -q "^# family ranges: grooming_wide.f0_hz=3:7 theta_wide.dur_s=5:10 hpd_spike_onset.f0_hz=3.5:6" \
    "$W/ranged/study.ini"
ok "study.ini lists the ranges"

mouse "$W/whole" --family-range grooming_wide.f0_hz=3:12 --family-range 'hpd_*.train_s=5:90'
diff -r -x study.ini "$W/all" "$W/whole" >/dev/null
ok "a range that is the whole range changes nothing but study.ini"

# --- a convulsive duration: the rat of test_synth_seizwide.sh
"$ICTUS" synth --model convulsive-rat -n 1 -d 1 --hours 24 --fs 100 -s 5000 -j 2 \
    --seizures wide --family-range 'conv_*.dur_s=60:150' -o "$W/rat" >/dev/null
ok "synth --family-range conv_*.dur_s makes a rat study"
nc=$(grep -c ',convulsive,' "$W/rat/seizures.csv")
[ "$nc" -gt 3 ]
ok "with convulsive seizures ($nc)"
eq "every convulsive seizure lasts 60-150 s" "$(awk -F, '$5 == "convulsive" {
    d = $4 - $3; if (d < 59.99 || d > 150.01) print }' "$W/rat/seizures.csv")" ""

# --- usage errors: exit 2, the option and what is wrong named
bad() { # WHAT WANT_MSG ARGS...
    local what=$1 msg=$2
    shift 2
    "$ICTUS" synth --model ihka-mouse -n 1 -d 1 --hours 0.1 -o "$W/bad" "$@" >/dev/null \
        2>"$W/bad.err"
    eq "$what: exit status" "$?" 2
    grep -qF -- "$msg" "$W/bad.err"
    ok "$what: the message says '$msg' ($(head -1 "$W/bad.err"))"
}
wide=(--negatives wide --seizures wide)
bad "an unknown family" "--family-range 'groom.f0_hz=3:7': 'groom' is no wide family" \
    "${wide[@]}" --family-range groom.f0_hz=3:7
bad "an unknown parameter" "grooming_wide has no parameter 'rate' (dur_s, f0_hz, amp_uv, muscle_ratio)" \
    "${wide[@]}" --family-range grooming_wide.rate=3:7
bad "a parameter one of the prefix's families lacks" "spike_burst has no parameter 'muscle_ratio'" \
    "${wide[@]}" --family-range '*.muscle_ratio=0.1:0.2'
bad "an empty range" "--family-range 'theta_wide.f0_hz=8:7': an empty range" \
    "${wide[@]}" --family-range theta_wide.f0_hz=8:7
bad "a range of one value" "an empty range" "${wide[@]}" --family-range theta_wide.f0_hz=7:7
bad "a range outside the family's" "theta_wide.f0_hz is drawn in 6:10" \
    "${wide[@]}" --family-range theta_wide.f0_hz=5:7
bad "no numbers" "expected FAMILY.PARAM=LO:HI" "${wide[@]}" --family-range theta_wide.f0_hz=7
bad "no parameter" "expected FAMILY.PARAM=LO:HI" "${wide[@]}" --family-range theta_wide=7:8
bad "a family of a group that is not wide" "--family-range: hpd_lvf needs --seizures wide" \
    --negatives wide --family-range hpd_lvf.f0_hz=2:3

check_done test_synth_ranges.sh
