/* support_bonn.h: the Bonn University sets C, D and E (Andrzejak et al. 2001;
 * ../shared/data/bonn-eeg) as single-channel EDF recordings and studies.
 *
 * A segment is 4097 samples at 173.61 Hz (23.6 s); C and D are interictal,
 * E ictal.  Segments are numbered 1-100 within their set (N001, F001, S001).
 * The split is fixed by number: 1-50 of each set train the learned stage
 * (tests/bonn_study.c, tests/train_models.sh), 51-100 are held out
 * (test_bonn.c).  A split by range rather than by parity keeps neighbouring
 * segments, which may come from the same patient and seizure, on one side.
 *
 * Lifecycle: support_bonn_list() fills a list the caller frees with
 * support_bonn_free().  Not thread-safe (the shuffle's state is the caller's
 * seed).  Used by test_bonn and the study builder bonn_study.
 */
#ifndef ICTUS_SUPPORT_BONN_H
#define ICTUS_SUPPORT_BONN_H

#include <stdbool.h>
#include <stdint.h>

#define SUPPORT_BONN_SAMPLES 4097
#define SUPPORT_BONN_FS_HZ 173.61
#define SUPPORT_BONN_DIR "../shared/data/bonn-eeg"
/* Segments numbered up to this train; the rest are held out. */
#define SUPPORT_BONN_TRAIN_MAX 50

typedef struct {
    char *path;   /* DIR/NAME.txt, owned */
    char set;     /* 'C', 'D' or 'E' */
    int number;   /* 1-100, from the file name */
} support_bonn_segment;

typedef struct {
    support_bonn_segment *items;
    int n, cap;
} support_bonn_list;

/* Append sets C, D and E from SUPPORT_BONN_DIR, sorted by path.  Returns the
 * number of segments listed (300 when the data are all there). */
int support_bonn_list_all(support_bonn_list *l);

/* Keep only the segments whose number lies in [lo, hi] (order kept). */
void support_bonn_keep(support_bonn_list *l, int lo, int hi);

/* Shuffle seg[0..n) in place (Fisher-Yates, xorshift64 from *state). */
void support_bonn_shuffle(support_bonn_segment *seg, int n, uint64_t *state);

/* Write seg[0..n) concatenated as plain EDF at `path`: one signal "EEG",
 * 100 s records (173.61 Hz needs whole 100 s records), digital = physical =
 * the ADC values, start 01.01.01 00.00.00, the last record padded with
 * zeros.  Returns the number of segments written (n unless a segment could
 * not be read or the file written: then a message on stderr). */
int support_bonn_write_edf(const char *path, const support_bonn_segment *seg, int n);

void support_bonn_free(support_bonn_list *l);

#endif
