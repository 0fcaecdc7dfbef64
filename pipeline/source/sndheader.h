/* sndheader.h: what a WAV, RF64, W64 or AIFF header declares (internal to the sound-file reader).
 *
 * libsndfile decodes these containers, but it does not tell its caller two
 * things the sound-file reader needs:
 *   - the declared length of the sample data: when the data chunk runs past
 *     the end of the file, libsndfile quietly shortens it to what is there
 *     (and says so only in its log), so a cut-short recording would look
 *     complete;
 *   - the WAV `nBlockAlign` and valid-bits fields and the AIFF sample size:
 *     libsndfile decodes 12-bit samples as 16-bit, 20-bit as 24-bit, so the
 *     true most positive code (needed for clip flags) is lost.
 * This module walks the container's chunk list by hand to read those fields
 * and nothing else; decoding stays with libsndfile.
 */
#ifndef ICTUS_SNDHEADER_H
#define ICTUS_SNDHEADER_H

#include <stdbool.h>
#include <stdint.h>

typedef struct {
    int64_t data_bytes; /* declared size of the sample data in bytes (WAV family), -1 unknown */
    bool unfinished;    /* the data size is a placeholder (0, or 0xFFFFFFFF without an RF64
                           `ds64`) while sample bytes follow: the writer never finished the
                           header (still recording, or crashed); data_bytes is then -1 */
    int64_t frames;     /* declared frame count (AIFF `COMM` numSampleFrames), -1 unknown */
    int block_align;    /* WAV `fmt ` nBlockAlign in bytes, 0 unknown */
    int valid_bits;     /* bits per sample carrying signal, 0 unknown: WAV wValidBitsPerSample
                           (WAVE_FORMAT_EXTENSIBLE) or wBitsPerSample, AIFF sampleSize */
} ictus_sndheader;

/* Read the declared fields of the RIFF (WAV), RIFX (big-endian WAV), RF64,
 * BW64, Sony Wave64 or AIFF/AIFF-C file at `path` into *hdr.  A field the
 * file does not carry, a container of another kind, a file that cannot be
 * read or is not a regular file (a FIFO is never opened) or a chunk list
 * that ends early leave the affected fields "unknown" (-1 or 0); this
 * never fails, because libsndfile has already judged the
 * file and this only adds what it hides.  Reads the chunk headers only
 * (seeking over chunk bodies).  Thread-safe. */
void ictus_sndheader_read(const char *path, ictus_sndheader *hdr);

#endif
