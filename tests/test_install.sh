#!/usr/bin/env bash
# test_install.sh: `make install` gives a lab what it needs without the source
# tree.  Installs the configuration under test ($ICTUS's, e.g. the ASan build)
# with DESTDIR into a scratch root, PREFIX=/opt/ictus, and checks:
#   - bin/ictus runs, and finds its presets in share/ictus/presets from any
#     directory (no ICTUS_PRESET_DIR, no source tree beside it);
#   - the man page is in share/man/man1 and man(1) renders it with every verb;
#   - the study template (share/ictus/study-template, with recordings/) and
#     share/doc/ictus: README.md and the nightly examples, their paths made
#     PREFIX's (/opt/ictus/bin/ictus, not /usr/local/bin/ictus), the mail
#     script executable.
# Needs: $ICTUS (build/CONFIG/ictus of this tree), make.
set -u
. "$(dirname "$0")/shcheck.sh"
root=$(cd "$(dirname "$0")/.." && pwd)
config=$(basename "$(dirname "$ICTUS")")
data=$root/../shared/data/edf-conformance/pyedflib/test_generator.edf

make -s -C "$root" install INSTALL_CONFIG="$config" DESTDIR="$W/root" PREFIX=/opt/ictus \
    >"$W/make.out" 2>&1
eq "make install exits 0 ($(tail -n 3 "$W/make.out"))" "$?" 0
P=$W/root/opt/ictus

[ -x "$P/bin/ictus" ] && "$P/bin/ictus" --version | grep -q '^ictus '
ok "bin/ictus runs"
for p in "$root"/detectors/presets/*.ini; do
    [ -f "$P/share/ictus/presets/$(basename "$p")" ]
    ok "the presets are installed: $(basename "$p")"
done
if [ -f "$data" ]; then
    (cd "$W" && env -u ICTUS_PRESET_DIR "$P/bin/ictus" info --preset dravet-mouse "$data") \
        >"$W/info" 2>&1
    eq "the installed ictus finds its presets from elsewhere ($(tail -n 1 "$W/info"))" "$?" 0
else
    echo "SKIP: $data is not there (../shared/data)"
fi

man=$P/share/man/man1/ictus.1
[ -f "$man" ]
ok "the man page is installed in share/man/man1"
MANWIDTH=100 man -l "$man" 2>"$W/man.err" >"$W/man.txt"
eq "man renders it" "$?" 0
for v in $("$ICTUS" --help | awk '/^  ictus / { print $2 }'); do
    grep -q "^ *usage: ictus $v" "$W/man.txt"
    ok "the man page has ictus $v"
done

for f in study.ini animals.csv recordings.csv dosing.csv README.txt; do
    cmp -s "$root/docs/study-template/$f" "$P/share/ictus/study-template/$f"
    ok "the study template has $f"
done
[ -d "$P/share/ictus/study-template/recordings" ]
ok "the study template has recordings/"

cmp -s "$root/README.md" "$P/share/doc/ictus/README.md"
ok "share/doc/ictus has the README"
for f in crontab.example ictus-run@.service ictus-run@.timer mail-on-failure.sh; do
    [ -f "$P/share/doc/ictus/nightly/$f" ]
    ok "share/doc/ictus/nightly has $f"
done
grep -q '^ExecStart=/opt/ictus/bin/ictus run ' "$P/share/doc/ictus/nightly/ictus-run@.service"
ok "the service runs the installed ictus"
grep -q ' /opt/ictus/bin/ictus run ' "$P/share/doc/ictus/nightly/crontab.example"
ok "the crontab line runs the installed ictus"
! grep -rq '/usr/local/' "$P/share/doc/ictus/nightly/"
ok "no /usr/local/ left in the nightly examples"
[ -x "$P/share/doc/ictus/nightly/mail-on-failure.sh" ]
ok "mail-on-failure.sh is executable"

check_done test_install.sh
