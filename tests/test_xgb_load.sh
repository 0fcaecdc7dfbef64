#!/usr/bin/env bash
# test_xgb_load.sh: libxgboost is loaded on first use (detectors/learned/xgb.h),
# not linked: the verbs that need no learned model run without it, and a
# learned preset without it fails with one clear line naming the library.
#
# Proves:
#   - the program does not link libxgboost (nor libgomp): no NEEDED entry;
#   - with $ICTUS_XGBOOST_LIBRARY naming a library that is not there,
#     `features` and a rules-only `detect` (6hz-kindling-mouse) still work
#     (exit 0, their CSV header written), while `detect --preset ihka-mouse`
#     (a learned model) exits 2 with one line on stderr that starts with
#     `ictus:`, names the model file and the library, and says why;
#   - with the library found, the same learned detect exits 0.
# Needs: $ICTUS (the binary under test).
set -u
. "$(dirname "$0")/shcheck.sh"

needed=$(readelf -d "$ICTUS" | awk '/NEEDED/ { print $NF }' | tr '\n' ' ')
case "$needed" in *libxgboost*|*libgomp*) false ;; *) true ;; esac
ok "ictus does not link libxgboost or libgomp (NEEDED: $needed)"

"$ICTUS" synth --model ihka-mouse --animals 1 --days 1 --hours 1 --fs 250 --channels 2 \
    --seed 9280 -o "$W/gen" >/dev/null 2>&1
ok "synth makes a 1 h recording"
rec=$(ls "$W"/gen/recordings/*.edf | head -n 1)

missing=$W/no-such-dir/libxgboost.so.0
ICTUS_XGBOOST_LIBRARY=$missing "$ICTUS" features "$rec" -o "$W/f.csv" 2>"$W/f.err"
eq "features without libxgboost: exit" "$?" 0
head -c 19 "$W/f.csv" | grep -q '^recording,channel,'
ok "features without libxgboost writes its header"
ICTUS_XGBOOST_LIBRARY=$missing "$ICTUS" detect --preset 6hz-kindling-mouse "$rec" \
    -o "$W/rules.csv" 2>"$W/rules.err"
eq "a rules-only detect without libxgboost: exit" "$?" 0
grep -q '^recording,animal,channel,' "$W/rules.csv"
ok "a rules-only detect without libxgboost writes its header"

ICTUS_XGBOOST_LIBRARY=$missing "$ICTUS" detect --preset ihka-mouse "$rec" -o "$W/e.csv" \
    2>"$W/e.err"
eq "a learned detect without libxgboost: exit" "$?" 2
eq "a learned detect without libxgboost: lines on stderr" "$(wc -l <"$W/e.err")" 1
grep -q "^ictus: .*ihka-mouse.model.json: cannot load XGBoost ($missing), which the learned stage needs: .*No such file" "$W/e.err"
ok "the error names the model, the library and why: $(cat "$W/e.err")"
test ! -e "$W/e.csv"
ok "a learned detect without libxgboost creates no output (the model loads on a thread while the recording opens: cmd_detect.c joins it first)"
ICTUS_XGBOOST_LIBRARY=$missing "$ICTUS" detect --preset ihka-mouse "$W/absent.edf" "$rec" \
    -o "$W/e3.csv" 2>"$W/e3.err"
eq "a learned detect without libxgboost, first recording absent: exit" "$?" 2
grep -q "cannot load XGBoost" "$W/e3.err" && ! grep -q "absent.edf" "$W/e3.err" && test ! -e "$W/e3.csv"
ok "the model's error alone, no output: $(cat "$W/e3.err")"

"$ICTUS" detect --preset ihka-mouse "$rec" -o "$W/e2.csv" 2>"$W/e2.err"
eq "a learned detect with libxgboost: exit" "$?" 0
"$ICTUS" detect --preset ihka-mouse "$W/absent.edf" "$rec" -o "$W/e4.csv" 2>"$W/e4.err"
eq "a learned detect, first recording absent: exit" "$?" 1
eq "a learned detect, first recording absent: lines on stderr" "$(wc -l <"$W/e4.err")" 1
grep -q "absent.edf" "$W/e4.err" && cmp -s "$W/e2.csv" "$W/e4.csv"
ok "the absent recording reported in its turn, the other's events as alone: $(cat "$W/e4.err")"
check_done test_xgb_load.sh
