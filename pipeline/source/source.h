/* source.h: one streaming interface over every recording format.
 *
 * A source is an opaque handle "much like stdio's FILE*" over one recording
 * (EDF, EDF+C/D, BDF/BDF+ by the project's own reader; WAV, FLAC, RF64/W64
 * and whatever else libsndfile reads).  It reports each channel's label,
 * rate and unit, and delivers samples in physical microvolts, block by block,
 * with each block's place on the recording's timeline so that gaps (EDF+D)
 * stay gaps.
 *
 * Lifecycle:
 *   1. ictus_source_open() reads and validates the header (and, for EDF+,
 *      the annotations and each data record's start time);
 *   2. ictus_source_info() describes the recording; valid until destroy;
 *   3. ictus_block_create() makes a caller-owned block buffer;
 *   4. ictus_source_read() fills it with the next block until it reports
 *      an empty block (the end) or an error; ictus_source_seek() jumps to
 *      a time, ictus_source_rewind() back to the start;
 *   5. ictus_block_destroy(), ictus_source_close().
 *
 * Timeline: every channel c has a virtual sample index i = 0, 1, 2, ... at
 * its own rate fs_c, with sample i at wall-clock time
 * start_us + i * 1e6 / fs_c.  A block carries, per channel, the index of its
 * first sample; samples inside a block are contiguous, and a block never
 * spans a gap.  When the next block's first index is larger than the end of
 * the previous block, the indices in between are missing data (a gap).
 *
 * Thread safety: one source must be used by one thread at a time; different
 * sources may be used from different threads concurrently.
 */
#ifndef ICTUS_SOURCE_H
#define ICTUS_SOURCE_H

#include <stdbool.h>
#include <stdint.h>

#include "base/status.h"

/* What kind of file a source reads. */
typedef enum {
    ICTUS_FORMAT_EDF,        /* plain EDF (16-bit) */
    ICTUS_FORMAT_EDFPLUS_C,  /* EDF+ continuous */
    ICTUS_FORMAT_EDFPLUS_D,  /* EDF+ discontinuous: records carry their own start times */
    ICTUS_FORMAT_BDF,        /* plain BDF (24-bit) */
    ICTUS_FORMAT_BDFPLUS_C,
    ICTUS_FORMAT_BDFPLUS_D,
    ICTUS_FORMAT_SNDFILE,    /* anything libsndfile reads (WAV, FLAC, RF64, W64, ...) */
} ictus_format;

/* Per-sample flag bits delivered beside the samples (ictus_block.flags). */
enum {
    ICTUS_SAMPLE_CLIP = 1u << 0,    /* the stored value sits at (or beyond: then it is clamped,
                                       as EDFlib does) the digital minimum or maximum */
    ICTUS_SAMPLE_MISSING = 1u << 1, /* no valid value (NaN/Inf in a float file); sample set to 0 */
};

#define ICTUS_LABEL_MAX 64

/* One channel (signal) of a recording.  Annotation channels of EDF+/BDF+ are
 * not listed: their content is in ictus_recording_info.annotations. */
typedef struct {
    char label[ICTUS_LABEL_MAX];  /* trimmed label, e.g. "HPC" or "EEG Fpz-Cz" */
    char unit[16];                /* physical dimension as stored, e.g. "uV", "mV", "V", "" */
    char transducer[81];          /* EDF transducer type (empty for sound files) */
    char prefilter[81];           /* EDF prefiltering (empty for sound files) */
    double fs_hz;                 /* sampling rate in Hz (may be non-integer, e.g. 173.61) */
    bool is_voltage;              /* unit is V, mV, uV/µV or nV: samples are delivered in µV */
    double uv_per_unit;           /* factor from the stored unit to µV (1 when not a voltage) */
    double phys_min, phys_max;    /* physical range in the stored unit (EDF; sound files: +-full scale in uV) */
    int32_t dig_min, dig_max;     /* digital range (EDF/BDF; sound files: 0, 0) */
    int samples_per_record;       /* EDF/BDF samples per data record (sound files: 0) */
    int64_t n_samples;            /* samples present in the file (gaps not counted) */
} ictus_channel_info;

/* One annotation from an EDF+/BDF+ annotation channel (TAL). */
typedef struct {
    int64_t onset_us;     /* from the recording start (start_us), may be negative */
    int64_t duration_us;  /* -1 when the TAL gives no duration */
    char *text;           /* UTF-8, owned by the source */
} ictus_annotation;

/* A stretch of the timeline with data: [start_us, end_us) relative to start_us. */
typedef struct {
    int64_t start_us;
    int64_t end_us;
} ictus_segment;

typedef struct {
    const char *path;            /* as given to open; owned by the source */
    ictus_format format;
    char patient[81];            /* EDF patient field, trimmed (empty for sound files) */
    char recording[81];          /* EDF recording field, trimmed */
    int64_t start_us;            /* naive local wall-clock time of the first sample */
    int64_t duration_us;         /* from start_us to the end of the last sample or record */
    double record_s;             /* EDF data record duration in s (0 for sound files) */
    int64_t n_records;           /* EDF data records (sound files: 0) */
    int n_channels;              /* data channels (annotation channels excluded) */
    ictus_channel_info *channels;
    int n_annotations;
    ictus_annotation *annotations;
    int n_segments;              /* contiguous stretches; 1 unless the file is EDF+D with gaps */
    ictus_segment *segments;
    char warning[256];           /* non-fatal remark (e.g. EDFlib rejects what we read); may be empty */
    /* Non-empty only under opt->allow_partial, when the file holds less than
     * its header promises (cut short, or a header never finished: EDF/BDF
     * "-1" data records, a WAV data size left as a placeholder): what it
     * promises and what is read, e.g. "truncated: the header promises 86400
     * data records (24 h), the file holds 45000 complete ones (12.5 h)".  The
     * source then delivers the complete records (frames) only, and
     * duration_us, n_records, n_samples and the segments describe those. */
    char partial[256];
} ictus_recording_info;

/* Options for opening; zero-initialise and set what you need. */
typedef struct {
    /* Sound files carry no start time or labels: the caller (the study
     * manifest) supplies them.  start_us = 0 means 1970-01-01T00:00. */
    int64_t start_us;
    const char *const *labels;   /* n_labels labels for channels 0..n-1, or NULL: "ch1", "ch2", ... */
    int n_labels;
    /* Records per block for EDF (0: about 64 s of data, at most 4 MiB, at least 1 record);
     * frames per block for sound files (0: default).  Tests vary it. */
    int block_records;
    int block_frames;
    /* A file whose size does not match its header (still being written, or
     * cut short) is an error (ICTUS_ERR_INCOMPLETE / ICTUS_ERR_TRUNCATED)
     * unless this is set: then it is read up to its last complete record and
     * info.warning and info.partial say so. */
    bool allow_partial;
    /* Samples only (EDF+C/BDF+C): read the first record's time-keeping TAL
     * and no other annotation: info lists no annotations, and later
     * records' time-keeping is not checked.  For a reader that wants the
     * samples around a known time of a file already checked by detection
     * (the report's gallery): opening a day-long EDF+ file otherwise reads
     * the whole file for its annotations.  EDF+D files are scanned as
     * always (their records' starts are in those annotations). */
    bool samples_only;
    /* Sound files: the physical value in µV of digital full scale (sample
     * value 1.0 after libsndfile's normalisation).  0 means 32768, i.e. one
     * 16-bit count is one µV. */
    double full_scale_uv;
} ictus_source_options;

typedef struct ictus_source ictus_source;

/* Open `path`, choosing the reader by content (EDF/BDF magic) and falling
 * back to libsndfile.  On failure *out is NULL and err names the file and
 * the reason.  Only a regular file is opened: a directory, FIFO, device or
 * socket is ICTUS_ERR_IO "PATH: is a FIFO (named pipe), not a recording"
 * (base/readfile.h), at once, without blocking.  `opt` may be NULL. */
ictus_status ictus_source_open(const char *path, const ictus_source_options *opt,
                               ictus_source **out, ictus_error *err);

/* Close and free; NULL is a no-op. */
void ictus_source_close(ictus_source *src);

/* The recording's description; owned by the source, valid until close. */
const ictus_recording_info *ictus_source_info(const ictus_source *src);

/* A block of samples for all channels, owned by the caller. */
typedef struct {
    int n_channels;
    int64_t capacity;     /* per-channel capacity of samples[]/flags[] (max over channels) */
    float **samples;      /* [channel][i]: physical value in µV (stored unit if not a voltage) */
    uint8_t **flags;      /* [channel][i]: ICTUS_SAMPLE_* bits */
    int64_t *n;           /* samples delivered per channel (differs with mixed rates) */
    int64_t *first_index; /* virtual index of samples[c][0] on channel c's timeline */
    int64_t start_us;     /* offset of the block's start from info.start_us */
} ictus_block;

/* Make a block able to hold what ictus_source_read() delivers for `src`. */
ictus_block *ictus_block_create(const ictus_source *src);
void ictus_block_destroy(ictus_block *blk); /* NULL is a no-op */

/* Whether `blk` holds no sample on any channel: what ictus_source_read()
 * delivers at the end of the recording. */
bool ictus_block_empty(const ictus_block *blk);

/* Read the next block into `blk`.  Returns ICTUS_OK with every blk->n[c] == 0
 * at the end of the recording.  A short or corrupt record is an error
 * (ICTUS_ERR_TRUNCATED / ICTUS_ERR_FORMAT) naming the file and record. */
ictus_status ictus_source_read(ictus_source *src, ictus_block *blk, ictus_error *err);

/* Start reading again from the beginning. */
ictus_status ictus_source_rewind(ictus_source *src, ictus_error *err);

/* Go to `offset_us` from info.start_us without reading what comes before:
 * the next read delivers, and the blocks after it continue from, for
 * EDF/BDF the first data record that ends after offset_us (so the block may
 * begin up to one record before it; after an EDF+D gap, the next segment),
 * for sound files the first frame at or after it.  An offset before the
 * start goes to the start; one at or past the end leaves nothing to read.
 * Cost: EDF, a division or a binary search of the EDF+D record starts;
 * sound files, sf_seek() (after a failed one, a fresh libsndfile handle
 * sought again). */
ictus_status ictus_source_seek(ictus_source *src, int64_t offset_us, ictus_error *err);

/* Name of a format ("EDF+D", "BDF", "FLAC", ...). */
const char *ictus_format_name(ictus_format f);

#endif
