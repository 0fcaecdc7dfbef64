#!/usr/bin/env bash
# test_run_truncated_growth.sh: test_run_truncated.sh to its end (check-all):
# after the cut-short files are analysed, a night with nothing new warns of
# nothing; a file that grows to its full length is reprocessed whole; a
# file whose header was never finished (-1 data records) waits while it
# changes and is then analysed to its last complete record.
exec env TRUNCATED_ALL=1 bash "$(dirname "$0")/test_run_truncated.sh"
