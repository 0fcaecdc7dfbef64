/* limits.h: the plausibility limits every input is held to (issue 16).
 *
 * Inputs come from instruments, spreadsheets and other programs; a value far
 * outside anything a real study holds is an error in the file, said as one,
 * never a silent year 5194 or an allocation of gigabytes.  These are the
 * limits, in one place so that README's "Limits" and the code agree.
 * Constants only: thread-safe.
 */
#ifndef ICTUS_LIMITS_H
#define ICTUS_LIMITS_H

/* The farthest a time may be from its reference (an EDF+ TAL onset or
 * duration from the header's start time; a truth/score or stimulation-list
 * time from its recording's start): 10 Julian years, in seconds.  Far past
 * any one recording, and small enough that times in microseconds or 100 ns
 * ticks never come near overflowing 64 bits. */
#define ICTUS_MAX_OFFSET_S 315576000
#define ICTUS_MAX_OFFSET_TEXT "10 years (315576000 s)"

/* The years an EDF/BDF header's start date may fall in: the two-digit
 * year's 1985..2084, and one century more for EDF+'s "Startdate
 * dd-MMM-yyyy" rule past 2084. */
#define ICTUS_MIN_START_YEAR 1985
#define ICTUS_MAX_START_YEAR 2184

/* The largest text file read whole (CSV manifests, events and review
 * tables, truth and stimulation lists, models), in MiB: 1 GiB by default,
 * and a setting (the environment variable ICTUS_MAX_TEXT_MIB, 1..4095;
 * readfile.h's ictus_max_text_bytes()).  A fixed 64 MiB would refuse a
 * large study's own events.csv or review export (a million events is
 * ~100 MB); 4095 MiB stays under csvtable's 32-bit offsets. */
#define ICTUS_MAX_TEXT_MIB_DEFAULT 1024
#define ICTUS_MAX_TEXT_MIB_LIMIT 4095

/* The largest INI file (study.ini, presets, configuration): 1 MiB. */
#define ICTUS_MAX_INI_BYTES ((size_t)1 << 20)

#endif
