#!/bin/sh
# mail-on-failure.sh: an [run] on_failure command for ictus run: mails the run's
# summary to the lab.  In study.ini:
#   [run]
#   on_failure = /usr/local/share/doc/ictus/nightly/mail-on-failure.sh lab-alerts@example.org
# ictus runs it with the study directory as the working directory, the run's
# summary on standard input, and in the environment:
#   ICTUS_STUDY  the study directory
#   ICTUS_EXIT   the run's exit status (1: files failed; 3: warnings, with
#                [run] alert_on = warnings)
#   ICTUS_LOG    the log file, when there is one
# Needs a mail(1) command (Debian: bsd-mailx or mailutils) and a working MTA;
# replace the last line with a curl to your chat's webhook if you prefer.
set -eu
to=${1:?usage: mail-on-failure.sh ADDRESS}
subject="ictus: $(basename "${ICTUS_STUDY:-study}") run exited ${ICTUS_EXIT:-?} on $(hostname)"
{
    cat
    if [ -n "${ICTUS_LOG:-}" ]; then printf '\nThe whole log: %s\n' "$ICTUS_LOG"; fi
} | mail -s "$subject" "$to"
