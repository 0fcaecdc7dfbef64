#!/usr/bin/env bash
# valgrind.sh: run every test program under valgrind's memcheck (release
# build); any error or leak fails.  Usage: tests/valgrind.sh BUILD_DIR
set -u
build=${1:?usage: tests/valgrind.sh BUILD_DIR}
supp="--suppressions=$(cd "$(dirname "$0")" && pwd)/valgrind.supp" # fontconfig's own leak
export ICTUS_CACHE_DIR= # no FFTW wisdom cache, as tests/run.sh
export ICTUS="valgrind --quiet $supp --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect $build/ictus"
failed=0
for t in "$build"/tests/test_*; do
    [ -x "$t" ] || continue
    name=$(basename "$t")
    # Forked children (the crash tests kill them on purpose) are not checked.
    if valgrind --quiet "$supp" --error-exitcode=99 --leak-check=full --child-silent-after-fork=yes \
        --errors-for-leak-kinds=definite,indirect "$t" >/tmp/valgrind-$name.log 2>&1; then
        echo "ok     $name"
    else
        echo "FAILED $name (see /tmp/valgrind-$name.log)"
        failed=$((failed + 1))
    fi
done
echo "valgrind: $failed test programs failed"
[ "$failed" -eq 0 ]
