#!/usr/bin/env bash
# install.sh: install the browser test's node packages (puppeteer-core, pinned by
# package-lock.json) into tests/browser/node_modules when missing, first npm itself
# (Debian's package) when node has none.  Run by make check, make check-all and .ci/run;
# chromium and nodejs come from .ci/packages.  Does nothing without node (the test then
# skips on a developer's machine, and fails under CI).
set -eu
cd "$(dirname "$0")"
command -v node >/dev/null || exit 0
[ -d node_modules/puppeteer-core ] && [ node_modules/.package-lock.json -nt package-lock.json ] && exit 0
if ! command -v npm >/dev/null; then
    sudo=
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y npm
fi
echo "installing the browser test's node packages (tests/browser: npm ci)"
npm ci --no-audit --no-fund
