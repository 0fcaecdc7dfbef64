/* outfile.h: writing an output file atomically (temporary file, sync, rename).
 *
 * A report or a script may read the CSV files in STUDY/out while the
 * nightly job rewrites them: it must see the old file or the new one, never
 * a part.  The content is written through base/csvout.h into
 * DIR/.NAME.tmp-PID, flushed and fsync()ed, then renamed over DIR/NAME (and
 * the directory synced).  The field writers below add one field of a row.
 * Thread safety: reentrant; two processes writing the same file each rename
 * a whole file (the last one wins).
 */
#ifndef ICTUS_OUTFILE_H
#define ICTUS_OUTFILE_H

#include <stdint.h>

#include "base/csvout.h"
#include "base/status.h"

/* Writes the content of the file to `o`; ctx is the caller's. */
typedef void (*ictus_outfile_fill)(ictus_out *o, const void *ctx);

/* Create directory `dir` when absent (its parent must exist); when present,
 * remove the temporary files (NAME.tmp-PID) that writers killed before their
 * rename left in it.  ICTUS_ERR_IO naming it on failure. */
ictus_status ictus_outfile_mkdir(const char *dir, ictus_error *err);

/* Write DIR/NAME atomically with fill(o, ctx).  ICTUS_ERR_IO naming the
 * file on failure; the temporary file is then removed and DIR/NAME is left
 * as it was.  ICTUS_ERR_USAGE, before anything is written, when a path does
 * not fit in ICTUS_PATH_MAX (base/path.h). */
ictus_status ictus_outfile_write(const char *dir, const char *name, ictus_outfile_fill fill,
                                 const void *ctx, ictus_error *err);

/* The next field of a CSV row: a comma, then the value. */
/* A number to 7 significant digits (ictus_out_double); NaN: an empty field. */
void ictus_outfile_number(ictus_out *o, double v);
/* Text, quoted per RFC 4180 when it needs it. */
void ictus_outfile_text(ictus_out *o, const char *s);
/* A count; a negative value means "none": an empty field. */
void ictus_outfile_count(ictus_out *o, int64_t v);

#endif
