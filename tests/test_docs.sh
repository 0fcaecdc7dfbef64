#!/usr/bin/env bash
# test_docs.sh: what a user without the source tree reads is complete and true.
#   - The man page (docs/mkman.sh over docs/ictus.1.in) renders with groff
#     without a warning, has every verb of `ictus --help` with its own --help
#     text, and the exit statuses `ictus run --help` names;
#   - no verb's --help (nor the man page, nor README.md) sends the user to
#     DESIGN.md or DOMAIN.md, files only the developers have;
#   - the study template (docs/study-template) is a study `ictus run` and
#     `ictus analyze` take without a problem, and so is it with every
#     commented-out `key = value` of its study.ini switched on: every key it
#     documents exists and its documented default is valid;
#   - the nightly examples (docs/nightly) name only options `ictus run` has.
# Needs: $ICTUS (the binary under test), groff.
set -u
. "$(dirname "$0")/shcheck.sh"
root=$(cd "$(dirname "$0")/.." && pwd)

# --- the man page ---------------------------------------------------------------------------
bash "$root/docs/mkman.sh" "$ICTUS" >"$W/ictus.1" 2>"$W/mkman.err"
eq "docs/mkman.sh makes the man page" "$?" 0
eq "docs/mkman.sh says nothing on stderr" "$(cat "$W/mkman.err")" ""
if command -v groff >/dev/null; then
    groff -man -ww -z "$W/ictus.1" >"$W/groff.out" 2>&1
    eq "groff renders the man page" "$?" 0
    eq "groff's warnings about the man page" "$(cat "$W/groff.out")" ""
    groff -man -Tutf8 -P-cbu "$W/ictus.1" 2>/dev/null >"$W/man.txt"
else
    eq "groff is installed (groff-base, .ci/packages)" missing present
    : >"$W/man.txt"
fi
"$ICTUS" --help >"$W/help"
verbs=$(awk '/^  ictus / { print $2 }' "$W/help")
[ "$(wc -w <<<"$verbs")" -ge 12 ]
ok "ictus --help lists the verbs ($(wc -w <<<"$verbs"))"
"$ICTUS" run --help >"$W/help.run"
for v in $verbs; do # (the man page holds every verb's --help: mkman.sh ran each once)
    grep -qE "^       usage: ictus $v( |$)" "$W/man.txt"
    ok "the man page has \`ictus $v --help\`"
done
for code in 0 1 2 3 130; do
    grep -qE "(^| )$code( |:|,)" "$W/help.run"
    ok "ictus run --help names exit status $code"
    grep -qE "^       $code( |$)" "$W/man.txt"
    ok "the man page's EXIT STATUS names $code"
done

# --- nothing sends a user to the developers' files -----------------------------------------
grep -E 'DESIGN|DOMAIN' "$W/help" >"$W/cites"
eq "ictus --help cites no DESIGN.md/DOMAIN.md" "$(cat "$W/cites")" ""
grep -nE 'DESIGN|DOMAIN' "$W/ictus.1" "$root/README.md" >"$W/cites"
eq "no verb's --help (the man page has them all), nor README.md, cites DESIGN.md/DOMAIN.md" \
    "$(cat "$W/cites")" ""

# --- the nightly examples use real options ---------------------------------------------------
for f in "$root"/docs/nightly/crontab.example "$root"/docs/nightly/*.service; do
    grep -o 'ictus run .*' "$f" | grep -oE -- '--[a-z-]+' | sort -u >"$W/opts"
    [ -s "$W/opts" ] || [ "${f##*.}" = service ]
    ok "$(basename "$f") runs ictus run with options"
    while read -r opt; do
        grep -qE -- "(^| )$opt( |,|$)" "$W/help.run"
        ok "$(basename "$f"): ictus run has $opt"
    done <"$W/opts"
done
for f in "$root"/docs/nightly/*.sh; do
    bash -n "$f"
    ok "$(basename "$f") is valid shell"
done

# --- the study template ----------------------------------------------------------------------
template_run() { # DIR NAME: `ictus run` and `ictus analyze` on DIR take it without a problem
    "$ICTUS" run "$1" --settle 0 >"$W/out" 2>"$W/err"
    eq "$2: ictus run exits 0" "$?" 0
    grep -v '^ictus: run [0-9]* ' "$W/err" | grep -iE 'warning|error|problem|unknown' >"$W/bad"
    eq "$2: ictus run reports no problem" "$(cat "$W/bad")" ""
    "$ICTUS" analyze "$1" >"$W/out" 2>"$W/err"
    eq "$2: ictus analyze exits 0" "$?" 0
    eq "$2: ictus analyze says nothing on stderr" "$(cat "$W/err")" ""
}
cp -r "$root/docs/study-template" "$W/plain"
mkdir -p "$W/plain/recordings"
template_run "$W/plain" "the study template"
cp -r "$root/docs/study-template" "$W/all"
mkdir -p "$W/all/recordings"
n_keys=$(grep -cE '^# ?[a-z_.-]+ = ' "$W/all/study.ini")
[ "$n_keys" -ge 10 ]
ok "the template's study.ini documents its keys commented out ($n_keys)"
sed -i -E 's/^# ?([a-z_.-]+ = )/\1/' "$W/all/study.ini"
template_run "$W/all" "the template with every documented key on"

check_done test_docs.sh
