#!/usr/bin/env bash
# test_validate.sh: a small run of issue 3's validation for `make check-all`
# (4 animals x one 12 h file at 250 Hz per model, seed 8101, which nobody
# tuned on), with the same targets as `make validate`.
exec tests/validate.sh "${ICTUS:?run me through tests/run.sh}" 8101 4 1 12 250
