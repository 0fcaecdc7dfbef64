#!/usr/bin/env bash
# test_layers.sh: the dependencies between the tree's floors point one way,
# downwards.  Every #include "..." of every source file outside tests/ must
# name a header of its own floor or of a floor it is allowed to build on
# (the table below is README's architecture section; change both together).
# Also: every included header exists, and no header of a floor is named by a
# bare file name (includes are root-relative).
set -u
. "$(dirname "$0")/shcheck.sh"

# The floor a file belongs to.  pipeline/'s own files are two floors: the
# shared types (settings, events) under the DSP and features, and the
# engine (chain, analyzer, QC) above them.
floor_of() { # PATH
    case $1 in
    base/*) echo base ;;
    pipeline/source/*) echo source ;;
    pipeline/dsp/*) echo dsp ;;
    pipeline/features/*) echo features ;;
    pipeline/settings.* | pipeline/event.*) echo types ;;
    pipeline/*) echo engine ;;
    store/*) echo store ;;
    detectors/*) echo detectors ;;
    protocols/*) echo protocols ;;
    synth/*) echo synth ;;
    nightly/*) echo nightly ;;
    cli/*) echo cli ;;
    *) echo unknown ;;
    esac
}

# What each floor may include besides itself.
allowed() { # FLOOR
    case $1 in
    base) echo "" ;;
    source) echo "base" ;;
    types) echo "base source" ;;
    dsp) echo "base types" ;;
    features) echo "base source types dsp" ;;
    engine) echo "base source types dsp features" ;;
    store) echo "base source types dsp features engine" ;;
    detectors) echo "base source types dsp features engine" ;;
    protocols) echo "base source types dsp features engine store detectors" ;;
    synth) echo "base source types dsp features engine protocols" ;;
    nightly) echo "base source types dsp features engine store detectors protocols" ;;
    cli) echo "base source types dsp features engine store detectors protocols synth nightly" ;;
    esac
}

cd "$(dirname "$0")/.."
bad=0
files=0
for f in $(git ls-files '*.c' '*.h'); do
    files=$((files + 1))
    from=$(floor_of "$f")
    if [ "$from" = unknown ] && [[ $f != tests/* ]]; then
        echo "FAIL $f: in no floor"
        bad=$((bad + 1))
        continue
    fi
    while read -r inc; do
        [ -n "$inc" ] || continue
        if [ ! -f "$inc" ]; then
            echo "FAIL $f includes \"$inc\": no such file from the project root"
            bad=$((bad + 1))
            continue
        fi
        to=$(floor_of "$inc")
        if [[ $f != tests/* ]] && [ "$to" != "$from" ] && ! [[ " $(allowed "$from") " == *" $to "* ]]; then
            echo "FAIL $f ($from) includes $inc ($to): $from may build on: $(allowed "$from")"
            bad=$((bad + 1))
        fi
    done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f")
done
[ "$files" -gt 100 ]
ok "read $files source files"
eq "includes that point up or sideways, or to no file" "$bad" 0
check_done test_layers.sh
