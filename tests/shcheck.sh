# shcheck.sh: the assertion helpers of the shell tests (sourced, not run).
# Sets up $ICTUS (absolute), a scratch directory $W removed on exit, and
# counts checks; check_done NAME prints `NAME: P passed, F failed` (what
# tests/run.sh reads, tests/report.sh sums) and returns non-zero when
# anything failed.
ICTUS=${ICTUS:-build/release/ictus}
ICTUS=$(cd "$(dirname "$ICTUS")" && pwd)/$(basename "$ICTUS")
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
pass=0
fail=0
W=$(mktemp -d "/tmp/$(basename "$0" .sh).XXXXXX")
trap 'rm -rf "$W"' EXIT

ok() { # DESCRIPTION...: count one check; the condition is the exit status of the last command
    if [ "$?" -eq 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $*"; fi
}
eq() { # DESCRIPTION GOT EXPECTED
    if [ "$2" == "$3" ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL: $1: got '$2', expected '$3'"
    fi
}
check_done() { # NAME
    echo "$1: $pass passed, $fail failed"
    [ "$fail" -eq 0 ]
}
serve_start() { # ARGS...: `ictus serve ARGS...` in the background; sets pid and line (its
    # URL line, "" when none came within 10 s); stderr in $W/serve.err
    "$ICTUS" serve "$@" >"$W/url" 2>"$W/serve.err" &
    pid=$!
    for _ in $(seq 100); do
        [ -s "$W/url" ] && break
        sleep 0.1
    done
    line=$(head -1 "$W/url")
}

browser_ready() { # NAME: 0 when chromium, node and tests/browser's puppeteer-core are there
    # (sets chromium and here).  Without chromium or node: a failed check under CI (CI set, as
    # .ci/run does: it installs both), else "SKIP" (a developer's machine, where the other tests
    # still tell something); without puppeteer-core (make check installs it): a failed check.
    # 1 then: the caller ends with check_done.
    chromium=${CHROMIUM:-/usr/bin/chromium}
    here=$(cd "$(dirname "$0")" && pwd)
    if [ ! -x "$chromium" ] || ! command -v node >/dev/null; then
        if [ -n "${CI:-}" ]; then
            eq "chromium ($chromium) and node installed, as CI needs them" missing present
        else
            echo "SKIP: $1 needs chromium ($chromium) and node"
        fi
        return 1
    fi
    [ -d "$here/browser/node_modules/puppeteer-core" ]
    ok "puppeteer-core is installed (tests/browser/install.sh)"
    [ -d "$here/browser/node_modules/puppeteer-core" ]
}
