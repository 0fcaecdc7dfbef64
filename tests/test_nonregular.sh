#!/usr/bin/env bash
# test_nonregular.sh: inputs that are not regular files, and settings files
# with a byte-order mark, through the command line (issue 16).
#
# Proves:
#   - `ictus info` on a FIFO named x.edf answers at once (it blocked forever:
#     a timeout's 124 here), exit 1, one line saying it is a FIFO; on
#     /dev/zero one line saying it is a character device;
#   - `preset = /dev/zero` in study.ini is one error line and exit 2 (it read
#     4 GiB and aborted); a preset naming a directory says so (it said "read
#     error");
#   - study.ini and a preset file starting with a UTF-8 byte-order mark are
#     read (they were refused at line 1); a recordings.csv that is a FIFO is
#     one line and exit 1 (the file ignored, as a malformed one), not a hang.
# Each command runs under `timeout`, so that a regression fails instead of
# hanging make check.
# Needs: $ICTUS (the binary under test).
set -u
. "$(dirname "$0")/shcheck.sh"

# ------------------------------------------------------------------ recordings
mkfifo "$W/x.edf"
timeout 20 "$ICTUS" info "$W/x.edf" >"$W/out" 2>"$W/err"
eq "info on a FIFO: exit 1 at once" "$?" 1
eq "info on a FIFO: one line" "$(cat "$W/err")" \
    "ictus: $W/x.edf: is a FIFO (named pipe), not a recording"
timeout 20 "$ICTUS" info /dev/zero >"$W/out" 2>"$W/err"
eq "info on /dev/zero: exit 1" "$?" 1
eq "info on /dev/zero: one line" "$(cat "$W/err")" \
    "ictus: /dev/zero: is a character device, not a recording"

# ------------------------------------------------------------------ a study's settings
S=$W/study
mkdir -p "$S/recordings"
printf 'animal,model\nM01,ihka-mouse\n' >"$S/animals.csv"
printf 'file,animal,channels,start_time,video\n' >"$S/recordings.csv"
study_ini() { # PRESET: study.ini, with a byte-order mark, naming PRESET
    printf '\xef\xbb\xbf[study]\nname = s\npreset = %s\nmains_hz = 50\n' "$1" >"$S/study.ini"
}

study_ini /dev/zero
timeout 60 "$ICTUS" run "$S" -q >"$W/out" 2>"$W/err"
eq "preset = /dev/zero: exit 2" "$?" 2
eq "preset = /dev/zero: one line" "$(cat "$W/err")" \
    "ictus: $S/study.ini: preset \"/dev/zero\": /dev/zero: is a character device, not a preset file"

study_ini "$W"
timeout 60 "$ICTUS" run "$S" -q >"$W/out" 2>"$W/err"
eq "preset = a directory: exit 2" "$?" 2
eq "preset = a directory: one line saying so" "$(cat "$W/err")" \
    "ictus: $S/study.ini: preset \"$W\": $W: is a directory, not a preset file"

# a preset file with a byte-order mark, named by a study.ini with one; the
# run gets past both to the recordings.csv, a FIFO here
{ printf '\xef\xbb\xbf'; cat detectors/presets/ihka-mouse.ini; } >"$W/bom-preset.ini"
study_ini "$W/bom-preset.ini"
rm "$S/recordings.csv"
mkfifo "$S/recordings.csv"
timeout 60 "$ICTUS" run "$S" -q >"$W/out" 2>"$W/err"
eq "recordings.csv a FIFO: exit 1 (a manifest ignored, as a malformed one)" "$?" 1
grep -q "recordings.csv: is a FIFO (named pipe), not a regular file" "$W/err"
ok "recordings.csv a FIFO: said so ($(head -c 300 "$W/err"))"
eq "recordings.csv a FIFO: one line" "$(wc -l <"$W/err")" 1
! grep -q "expected 'key = value'" "$W/err"
ok "study.ini and the preset with a byte-order mark are read"

check_done test_nonregular
