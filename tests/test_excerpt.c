/* test_excerpt.c: the review UI's excerpts (pipeline/excerpt.h) and the source layer's seek.
 *
 * Proves, on an EDF+D file with a gap and channels at 200 and 50 Hz, and on
 * a WAV file read by libsndfile:
 *   - seek: the first block after ictus_source_seek(t) starts where the
 *     header says (the record holding t, the segment after a gap, nothing
 *     past the end) and its samples equal a read from the start;
 *   - every (min, max) column of an excerpt equals a brute-force reduction
 *     of a full read (each sample placed by exact integer arithmetic) for
 *     random windows, widths and channel choices, windows straddling the
 *     gap, before the start and past the end, width 1 and more columns
 *     than samples (then exactly one column per sample is not a gap);
 *   - filters on equals the high-pass and notch stages run by hand over the
 *     same samples from the lead-in (reset at the gap), and differs from off;
 *   - the same through a channel view;
 *   - spectrograms: every row equals the PSD (spectrum.h) of the full
 *     read's samples around the row's middle, in dB, rows touching the gap
 *     or the ends are NaN, filters on uses the filtered samples; a 123 Hz
 *     sine peaks at 123 Hz; max_hz cuts the bins;
 *   - bad requests are refused.
 */
#include <math.h>
#include <sndfile.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline/dsp/stage.h"
#include "pipeline/features/spectrum.h"
#include "pipeline/excerpt.h"
#include "pipeline/source/edfwrite.h"
#include "pipeline/source/source_view.h"
#include "tests/check.h"
#include "tests/support_tmp.h"

/* The EDF+D fixture: 1 s records at 0..9 s and 15..44 s (a 5 s gap). */
#define RECORDS 40
#define GAP_AT 10
#define GAP_S 5
#define END_US INT64_C(45000000)
static const double edf_rates[] = {200, 50};

/* One channel read whole: each sample's index, value and flags. */
typedef struct {
    int64_t *index;
    float *value;
    uint8_t *flags;
    int64_t n;
    double fs_hz;
} full_channel;

static unsigned rng_state = 12345;
static unsigned rnd(void)
{
    rng_state = rng_state * 1103515245u + 12345u;
    return (rng_state >> 8) & 0xffffff;
}

static void write_edfd(const char *path)
{
    ictus_edf_channel_spec ch[2];
    for (int c = 0; c < 2; c++)
        ch[c] = (ictus_edf_channel_spec){c ? "CTX" : "HPC", "uV", edf_rates[c], -1000, 1000,
                                         -32767, 32767};
    ictus_edf_layout layout = {.format = ICTUS_FORMAT_EDFPLUS_D,
                               .start_us = INT64_C(1600000000000000), .record_us = 1000000,
                               .n_channels = 2, .channels = ch};
    ictus_edfwriter *w;
    ictus_error err;
    CHECK(ictus_edfwriter_create(path, &layout, &w, &err) == ICTUS_OK);
    float a[200], b[50];
    const float *rec[2] = {a, b};
    for (int r = 0; r < RECORDS; r++) {
        for (int i = 0; i < 200; i++) /* a slow wave plus noise and a rare spike */
            a[i] = (float)(300 * sin((r * 200 + i) * 0.01) + (int)(rnd() % 200) - 100 +
                           (rnd() % 97 == 0 ? 600 : 0));
        for (int i = 0; i < 50; i++)
            b[i] = (float)((int)(rnd() % 1600) - 800);
        int64_t at = (int64_t)(r < GAP_AT ? r : r + GAP_S) * 1000000;
        CHECK(ictus_edfwriter_write(w, at, rec, &err) == ICTUS_OK);
    }
    CHECK(ictus_edfwriter_close(w, &err) == ICTUS_OK);
}

static void write_wav(const char *path, int fs_hz, int frames)
{
    SF_INFO si = {.samplerate = fs_hz, .channels = 2, .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16};
    SNDFILE *sf = sf_open(path, SFM_WRITE, &si);
    CHECK_MSG(sf != NULL, "%s: %s", path, sf_strerror(NULL));
    if (!sf)
        return;
    short *v = malloc((size_t)frames * 2 * sizeof *v);
    for (int i = 0; i < 2 * frames; i++)
        v[i] = (short)((int)(rnd() % 60000) - 30000);
    CHECK_INT(sf_writef_short(sf, v, frames), frames);
    sf_close(sf);
    free(v);
}

static void read_full(ictus_source *src, full_channel *out)
{
    const ictus_recording_info *info = ictus_source_info(src);
    ictus_error err;
    CHECK(ictus_source_rewind(src, &err) == ICTUS_OK);
    ictus_block *blk = ictus_block_create(src);
    int64_t cap = 1024;
    for (int c = 0; c < info->n_channels; c++) {
        out[c] = (full_channel){malloc(cap * sizeof(int64_t)), malloc(cap * sizeof(float)),
                                malloc(cap), 0, info->channels[c].fs_hz};
    }
    for (;;) {
        CHECK(ictus_source_read(src, blk, &err) == ICTUS_OK);
        int64_t got = 0;
        for (int c = 0; c < info->n_channels; c++) {
            full_channel *f = &out[c];
            if (f->n + blk->n[c] > cap) {
                cap = 2 * (f->n + blk->n[c]);
                for (int k = 0; k < info->n_channels; k++) {
                    out[k].index = realloc(out[k].index, cap * sizeof(int64_t));
                    out[k].value = realloc(out[k].value, cap * sizeof(float));
                    out[k].flags = realloc(out[k].flags, cap);
                }
            }
            for (int64_t i = 0; i < blk->n[c]; i++) {
                f->index[f->n] = blk->first_index[c] + i;
                f->value[f->n] = blk->samples[c][i];
                f->flags[f->n++] = blk->flags[c][i];
            }
            got += blk->n[c];
        }
        if (got == 0)
            break;
    }
    ictus_block_destroy(blk);
}

static void free_full(full_channel *f, int n)
{
    for (int c = 0; c < n; c++) {
        free(f[c].index);
        free(f[c].value);
        free(f[c].flags);
    }
}

/* True when sample i of a channel at whole-number fs lies at or after t µs. */
static bool at_or_after(int64_t i, double fs, int64_t t)
{
    __extension__ typedef __int128 i128;
    return (i128)i * 1000000 >= (i128)t * (int64_t)fs;
}

/* The columns the brute-force way: each sample tested against every column. */
static void brute(const full_channel *f, const float *value, int64_t t0, int64_t t1, int width,
                  float *mn, float *mx, int64_t *n_in)
{
    __extension__ typedef __int128 i128;
    for (int j = 0; j < width; j++)
        mn[j] = mx[j] = NAN;
    *n_in = 0;
    for (int64_t k = 0; k < f->n; k++) {
        for (int j = 0; j < width; j++) {
            int64_t lo = t0 + (int64_t)((i128)(t1 - t0) * j / width);
            int64_t hi = t0 + (int64_t)((i128)(t1 - t0) * (j + 1) / width);
            if (!at_or_after(f->index[k], f->fs_hz, lo) || at_or_after(f->index[k], f->fs_hz, hi))
                continue;
            if (f->flags[k] & ICTUS_SAMPLE_MISSING)
                break;
            float v = value[k];
            mn[j] = isnan(mn[j]) || v < mn[j] ? v : mn[j];
            mx[j] = isnan(mx[j]) || v > mx[j] ? v : mx[j];
            ++*n_in;
            break;
        }
    }
}

static bool same(float a, float b)
{
    return (isnan(a) && isnan(b)) || a == b;
}

/* Excerpt `req` from src equals brute() over `values` (per channel; NULL:
 * the raw samples).  Returns the number of columns that are not gaps. */
static int64_t check_excerpt(ictus_source *src, const full_channel *full,
                             const ictus_excerpt_request *req, float *const *values,
                             const char *what)
{
    ictus_excerpt *ex;
    ictus_error err;
    ictus_status st = ictus_excerpt_read(src, req, &ex, &err);
    CHECK_MSG(st == ICTUS_OK, "%s: %s", what, err.msg);
    if (st != ICTUS_OK)
        return -1;
    const ictus_recording_info *info = ictus_source_info(src);
    int64_t filled = 0;
    float *mn = malloc((size_t)req->width * sizeof *mn);
    float *mx = malloc((size_t)req->width * sizeof *mx);
    CHECK_INT(ex->n_channels, req->channels ? req->n_channels : info->n_channels);
    CHECK_INT(ex->width, req->width);
    for (int c = 0; c < ex->n_channels; c++) {
        int k = req->channels ? req->channels[c] : c;
        const ictus_excerpt_channel *ch = &ex->channels[c];
        CHECK_STR(ch->label, info->channels[k].label);
        CHECK(ch->fs_hz == info->channels[k].fs_hz);
        int64_t n_in;
        brute(&full[k], values ? values[k] : full[k].value, req->t0_us, req->t1_us, req->width,
              mn, mx, &n_in);
        CHECK_MSG(ch->n_samples == n_in, "%s: channel %d: %lld samples, brute force %lld", what,
                  c, (long long)ch->n_samples, (long long)n_in);
        int bad = 0;
        for (int j = 0; j < req->width; j++) {
            bad += !same(ch->min[j], mn[j]) || !same(ch->max[j], mx[j]);
            filled += !isnan(ch->min[j]);
        }
        CHECK_MSG(bad == 0, "%s: channel %d: %d of %d columns differ from brute force", what, c,
                  bad, req->width);
    }
    free(mn);
    free(mx);
    ictus_excerpt_free(ex);
    return filled;
}

/* Seek to t and check the first block against the full read. */
static void check_seek(ictus_source *src, const full_channel *full, int64_t t, const char *what)
{
    const ictus_recording_info *info = ictus_source_info(src);
    ictus_error err;
    ictus_block *blk = ictus_block_create(src);
    CHECK(ictus_source_seek(src, t, &err) == ICTUS_OK);
    CHECK(ictus_source_read(src, blk, &err) == ICTUS_OK);
    /* The first sample the block must start with on channel 0: sound files,
     * the first at or after t; EDF, the first of the first record that ends
     * after t (records of 1 s here).  At the end the block is empty. */
    const full_channel *f = &full[0];
    bool edf = info->format != ICTUS_FORMAT_SNDFILE;
    int spr = info->channels[0].samples_per_record;
    int64_t k = 0;
    while (k < f->n && (edf ? (f->index[k] / spr + 1) * 1000000 <= t
                            : !at_or_after(f->index[k], f->fs_hz, t)))
        k++;
    if (k < f->n && edf)
        k -= f->index[k] % spr;
    if (k == f->n) {
        CHECK_MSG(blk->n[0] == 0, "%s: seek to %lld us: a block past the end", what, (long long)t);
    } else {
        int64_t first = blk->first_index[0];
        CHECK_MSG(blk->n[0] > 0 && first == f->index[k],
                  "%s: seek to %lld us: block starts at sample %lld, not %lld", what,
                  (long long)t, (long long)first, (long long)f->index[k]);
        int bad = 0;
        for (int64_t i = 0; i < blk->n[0] && k + i < f->n; i++)
            bad += f->index[k + i] != first + i || f->value[k + i] != blk->samples[0][i];
        CHECK_MSG(bad == 0, "%s: seek to %lld us: %d samples differ", what, (long long)t, bad);
    }
    ictus_block_destroy(blk);
}

/* Spectrogram `req` from src equals the PSD of the full read's samples
 * (`values`, NULL: raw) by hand.  Returns the rows that are not NaN. */
static int check_spectrogram(ictus_source *src, const full_channel *full,
                             const ictus_spectrogram_request *req, const float *values,
                             const char *what)
{
    __extension__ typedef __int128 i128;
    ictus_spectrogram *sg;
    ictus_error err;
    ictus_status st = ictus_spectrogram_read(src, req, &sg, &err);
    CHECK_MSG(st == ICTUS_OK, "%s: %s", what, err.msg);
    if (st != ICTUS_OK)
        return -1;
    const full_channel *f = &full[req->channel];
    const float *v = values ? values : f->value;
    int n = req->n_fft;
    ictus_spectrum *sp = ictus_spectrum_create(n, f->fs_hz, ICTUS_WINDOW_HANN);
    CHECK_INT(sg->n_times, req->n_times);
    CHECK(sg->df_hz == f->fs_hz / n);
    double *x = malloc((size_t)n * sizeof *x), *psd = malloc((size_t)(n / 2 + 1) * sizeof *psd);
    int rows = 0, bad = 0;
    for (int j = 0; j < req->n_times; j++) {
        int64_t middle = req->t0_us + (int64_t)((i128)(req->t1_us - req->t0_us) * (2 * j + 1) /
                                                (2 * req->n_times));
        int64_t m = 0; /* the first index at or after the middle, by search */
        while (!at_or_after(m, f->fs_hz, middle))
            m++;
        while (m > 0 && at_or_after(m - 1, f->fs_hz, middle))
            m--;
        int64_t lo = m - n / 2, k = 0, have = 0;
        while (k < f->n && f->index[k] < lo)
            k++;
        double sum = 0;
        for (; k < f->n && f->index[k] < lo + n && f->index[k] == lo + have; k++, have++) {
            x[have] = v[k];
            sum += v[k];
        }
        const float *row = sg->db + (size_t)j * (size_t)sg->n_freq;
        if (have < n) {
            for (int b = 0; b < sg->n_freq; b++)
                bad += !isnan(row[b]);
            continue;
        }
        rows++;
        ictus_spectrum_psd(sp, x, sum / n, psd);
        for (int b = 0; b < sg->n_freq; b++) {
            double p = psd[b] > 1e-12 ? psd[b] : 1e-12;
            bad += row[b] != (float)(10 * log10(p));
        }
    }
    CHECK_MSG(bad == 0, "%s: %d spectrogram values differ from the PSD by hand", what, bad);
    ictus_spectrum_destroy(sp);
    free(x);
    free(psd);
    ictus_spectrogram_free(sg);
    return rows;
}

static void random_excerpts(ictus_source *src, const full_channel *full, int64_t lo_us,
                            int64_t hi_us, int rounds, const char *what)
{
    const ictus_recording_info *info = ictus_source_info(src);
    for (int r = 0; r < rounds; r++) {
        int64_t t0 = lo_us + (int64_t)(rnd() % (unsigned)((hi_us - lo_us) / 1000)) * 1000 +
                     rnd() % 1000;
        int64_t t1 = t0 + 1 + (int64_t)(rnd() % 9000) * 1000 + rnd() % 1000;
        int chans[3] = {(int)(rnd() % (unsigned)info->n_channels),
                        (int)(rnd() % (unsigned)info->n_channels), 0};
        ictus_excerpt_request req = {.t0_us = t0, .t1_us = t1, .width = 1 + (int)(rnd() % 300)};
        if (r % 2) {
            req.channels = chans;
            req.n_channels = 1 + (int)(rnd() % 3);
        }
        char label[96];
        snprintf(label, sizeof label, "%s: [%lld, %lld) us in %d columns", what, (long long)t0,
                 (long long)t1, req.width);
        check_excerpt(src, full, &req, NULL, label);
    }
}

/* The high-pass and notch run by hand over the full read from the lead-in
 * of t0, reset at every gap: per channel, values aligned with full[c]. */
static float **filter_by_hand(const full_channel *full, int nc, const ictus_settings *set,
                              int64_t t0)
{
    const ictus_stage_desc *descs[] = {&ictus_stage_highpass, &ictus_stage_notch};
    float **out = malloc((size_t)nc * sizeof *out);
    for (int c = 0; c < nc; c++) {
        const full_channel *f = &full[c];
        out[c] = malloc((size_t)f->n * sizeof(float));
        ictus_stage st[2];
        for (int k = 0; k < 2; k++) {
            st[k] = (ictus_stage){.desc = descs[k], .fs_in_hz = f->fs_hz};
            st[k].priv = calloc(1, descs[k]->priv_size);
            ictus_error err;
            CHECK(descs[k]->start(&st[k], set, f->fs_hz, &st[k].fs_out_hz, &err) == ICTUS_OK);
        }
        int64_t lead = 0;
        while (lead < f->n && !at_or_after(f->index[lead], f->fs_hz, t0 - ICTUS_EXCERPT_LEAD_US))
            lead++;
        float *x = malloc((size_t)f->n * sizeof(float)), *y = malloc((size_t)f->n * sizeof(float));
        uint8_t *xf = malloc((size_t)f->n + 1), *yf = malloc((size_t)f->n + 1);
        for (int64_t k = 0; k < lead; k++)
            out[c][k] = f->value[k];
        for (int64_t a = lead, b; a < f->n; a = b) { /* each contiguous run [a, b) */
            for (b = a + 1; b < f->n && f->index[b] == f->index[b - 1] + 1;)
                b++;
            size_t n = (size_t)(b - a);
            memcpy(x, f->value + a, n * sizeof(float));
            memcpy(xf, f->flags + a, n);
            for (int k = 0; k < 2; k++) {
                if (st[k].bypass)
                    continue;
                int64_t out_index;
                st[k].desc->reset(&st[k], f->index[a], &out_index);
                size_t n_in = n, n_out = n;
                st[k].desc->process(&st[k], x, xf, &n_in, y, yf, &n_out);
                CHECK(n_in == n && n_out == n);
                memcpy(x, y, n * sizeof(float));
                memcpy(xf, yf, n);
            }
            memcpy(out[c] + a, x, n * sizeof(float));
        }
        for (int k = 0; k < 2; k++) {
            if (!st[k].bypass && st[k].desc->stop)
                st[k].desc->stop(&st[k]);
            free(st[k].priv);
        }
        free(x);
        free(y);
        free(xf);
        free(yf);
    }
    return out;
}

static void test_edf(const char *dir)
{
    const char *path = support_path(dir, "gap.edf");
    write_edfd(path);
    for (int blocks = 1; blocks <= 7; blocks += 6) { /* one record per block, and seven */
        ictus_source_options opt = {.block_records = blocks};
        ictus_source *src;
        ictus_error err;
        CHECK(ictus_source_open(path, &opt, &src, &err) == ICTUS_OK);
        const ictus_recording_info *info = ictus_source_info(src);
        CHECK_INT(info->n_segments, 2);
        full_channel full[2];
        read_full(src, full);
        CHECK_INT(full[0].n, RECORDS * 200);
        CHECK_INT(full[1].n, RECORDS * 50);

        int64_t seeks[] = {-5000000, 0, 1, 2500000, 9999999, 10000000, 12000000, 15000000,
                           END_US - 1, END_US, 99000000};
        for (size_t i = 0; i < sizeof seeks / sizeof seeks[0]; i++)
            check_seek(src, full, seeks[i], "EDF+D");

        random_excerpts(src, full, -3000000, END_US + 2000000, 60, "EDF+D");
        struct { int64_t t0, t1; int width; const char *what; } fixed[] = {
            {8000000, 17000000, 900, "straddling the gap"},
            {9500000, 15500000, 7, "straddling the gap, 7 columns"},
            {-5000000, -1000000, 50, "before the start"},
            {END_US - 2000000, END_US + 5000000, 70, "past the end"},
            {0, END_US, 1, "everything in 1 column"},
            {3000000, 3000001, 5, "1 us in 5 columns"},
        };
        for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
            ictus_excerpt_request req = {fixed[i].t0, fixed[i].t1, fixed[i].width, NULL, 0, NULL};
            int64_t filled = check_excerpt(src, full, &req, NULL, fixed[i].what);
            if (i == 0) /* the gap is 5 s of the 9 s: 400 of 900 columns hold data at
                           200 Hz, every other one of those at 50 Hz */
                CHECK_INT(filled, 400 + 200);
            if (i == 2)
                CHECK_INT(filled, 0);
            if (i == 4)
                CHECK_INT(filled, 2);
        }
        /* More columns than samples: 100 ms holds 20 and 5 samples, one column each. */
        int one[] = {1};
        ictus_excerpt_request many = {2000000, 2100000, 1000, one, 1, NULL};
        CHECK_INT(check_excerpt(src, full, &many, NULL, "1000 columns for 5 samples"), 5);

        ictus_settings set;
        ictus_settings_default(&set);
        /* Filters: the lead-in starts inside the data (from 20 s for a window at
         * 30 s), and one reaches back into the gap (from 2 s for 12 s). */
        int64_t t0 = 30000000, t1 = 40000000;
        float **filtered = filter_by_hand(full, 2, &set, t0);
        float **from_gap = filter_by_hand(full, 2, &set, 12000000);
        ictus_excerpt_request gap_on = {12000000, 22000000, 200, NULL, 0, &set};
        check_excerpt(src, full, &gap_on, from_gap, "filters on, lead-in from the gap");
        ictus_excerpt_request on = {t0, t1, 333, NULL, 0, &set};
        check_excerpt(src, full, &on, filtered, "filters on");
        ictus_excerpt *raw, *fil;
        ictus_excerpt_request off = on;
        off.filters = NULL;
        CHECK(ictus_excerpt_read(src, &off, &raw, &err) == ICTUS_OK);
        CHECK(ictus_excerpt_read(src, &on, &fil, &err) == ICTUS_OK);
        CHECK(!raw->filtered && fil->filtered);
        int differ = 0;
        for (int j = 0; j < on.width; j++)
            differ += !same(raw->channels[0].max[j], fil->channels[0].max[j]);
        CHECK_MSG(differ > on.width / 2, "filters on changes only %d of %d columns", differ,
                  on.width);
        ictus_excerpt_free(raw);
        ictus_excerpt_free(fil);

        /* Spectrograms: 1 s rows of 128 samples at 200 Hz across the gap (rows
         * 8 and 9 reach past 10 s, rows 10..14 lie in the gap, 15 reaches
         * back into it), and filtered. */
        ictus_spectrogram_request sr = {7500000, 17500000, 0, 10, 128, 0, NULL};
        CHECK_INT(check_spectrogram(src, full, &sr, NULL, "spectrogram across the gap"), 4);
        sr = (ictus_spectrogram_request){-2000000, END_US + 1000000, 1, 57, 16, 0, NULL};
        check_spectrogram(src, full, &sr, NULL, "spectrogram of the 50 Hz channel");
        /* Its lead-in starts half a PSD (33 samples at 200 Hz) earlier. */
        float **sg_filtered = filter_by_hand(full, 2, &set, t0 - 165000);
        sr = (ictus_spectrogram_request){t0, t1, 0, 40, 64, 0, &set};
        CHECK_INT(check_spectrogram(src, full, &sr, sg_filtered[0], "filtered spectrogram"), 40);
        /* 10 s of lead-in settle the filters: 165 ms more changes no float. */
        CHECK(check_spectrogram(src, full, &sr, filtered[0], "filtered, settled") == 40);
        free(sg_filtered[0]);
        free(sg_filtered[1]);
        free(sg_filtered);
        for (int c = 0; c < 2; c++) {
            free(filtered[c]);
            free(from_gap[c]);
        }
        free(filtered);
        free(from_gap);

        /* Bad requests. */
        ictus_excerpt *ex;
        int bad_channel[] = {2};
        ictus_excerpt_request bad[] = {
            {5, 5, 10, NULL, 0, NULL}, {0, 10, 0, NULL, 0, NULL},
            {0, 10, ICTUS_EXCERPT_MAX_WIDTH + 1, NULL, 0, NULL}, {0, 10, 10, bad_channel, 1, NULL},
        };
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
            CHECK(ictus_excerpt_read(src, &bad[i], &ex, &err) == ICTUS_ERR_CONFIG);
            CHECK(ex == NULL);
        }
        ictus_spectrogram *sg;
        ictus_spectrogram_request bad_sg[] = {
            {5, 5, 0, 10, 64, 0, NULL},     {0, 10, 0, 0, 64, 0, NULL},
            {0, 10, 0, 10, 8, 0, NULL},     {0, 10, 2, 10, 64, 0, NULL},
            {0, 10, 0, 10, 64, -1, NULL},   {0, INT64_C(200000000000), 0, 10, 64, 0, NULL},
        };
        for (size_t i = 0; i < sizeof bad_sg / sizeof bad_sg[0]; i++) {
            CHECK(ictus_spectrogram_read(src, &bad_sg[i], &sg, &err) == ICTUS_ERR_CONFIG);
            CHECK(sg == NULL);
        }
        free_full(full, 2);
        ictus_source_close(src);
    }

    /* Through a channel view (as the study reads recordings): seek and excerpts pass through. */
    ictus_source *inner, *view;
    ictus_error err;
    CHECK(ictus_source_open(path, NULL, &inner, &err) == ICTUS_OK);
    int pick[] = {1};
    const char *name[] = {"EMG"};
    CHECK(ictus_source_view_open(inner, pick, name, 1, 0, &view, &err) == ICTUS_OK);
    full_channel full[1];
    read_full(view, full);
    check_seek(view, full, 12000000, "view");
    check_seek(view, full, 16500000, "view");
    random_excerpts(view, full, -1000000, END_US + 1000000, 10, "view");
    free_full(full, 1);
    ictus_source_close(view);
}

static void test_wav(const char *dir)
{
    const char *path = support_path(dir, "two.wav");
    write_wav(path, 1000, 7000);
    ictus_source_options opt = {.block_frames = 1000};
    ictus_source *src;
    ictus_error err;
    CHECK(ictus_source_open(path, &opt, &src, &err) == ICTUS_OK);
    full_channel full[2];
    read_full(src, full);
    CHECK_INT(full[0].n, 7000);
    int64_t seeks[] = {-1, 0, 1, 999, 1000, 3333333, 6999000, 6999001, 7000000};
    for (size_t i = 0; i < sizeof seeks / sizeof seeks[0]; i++)
        check_seek(src, full, seeks[i], "WAV");
    random_excerpts(src, full, -1000000, 8000000, 40, "WAV");
    ictus_excerpt_request end = {6500000, 7500000, 100, NULL, 0, NULL};
    CHECK_INT(check_excerpt(src, full, &end, NULL, "WAV past the end"), 2 * 50);
    free_full(full, 2);
    ictus_source_close(src);

    ictus_excerpt *ex;
    ictus_excerpt_request req = {0, 1000000, 10, NULL, 0, NULL};
    CHECK(ictus_excerpt_file(path, NULL, &req, &ex, &err) == ICTUS_OK);
    CHECK_STR(ex->channels[1].label, "ch2");
    CHECK_STR(ex->channels[1].unit, "uV");
    CHECK_INT(ex->channels[1].n_samples, 1000);
    ictus_excerpt_free(ex);
    CHECK(ictus_excerpt_file(support_path(dir, "none.wav"), NULL, &req, &ex, &err) == ICTUS_ERR_IO);
}

/* A 123 Hz sine peaks at 123 Hz; max_hz keeps the bins up to it. */
static void test_sine(const char *dir)
{
    const char *path = support_path(dir, "sine.wav");
    enum { FS = 1000, FRAMES = 10000 };
    SF_INFO si = {.samplerate = FS, .channels = 1, .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16};
    SNDFILE *sf = sf_open(path, SFM_WRITE, &si);
    CHECK(sf != NULL);
    if (!sf)
        return;
    static short v[FRAMES];
    for (int i = 0; i < FRAMES; i++)
        v[i] = (short)lround(10000 * sin(2 * M_PI * 123.0 * i / FS));
    CHECK_INT(sf_writef_short(sf, v, FRAMES), FRAMES);
    sf_close(sf);
    ictus_source *src;
    ictus_error err;
    CHECK(ictus_source_open(path, NULL, &src, &err) == ICTUS_OK);
    ictus_spectrogram *sg;
    ictus_spectrogram_request req = {1000000, 9000000, 0, 8, 500, 200, NULL};
    CHECK(ictus_spectrogram_read(src, &req, &sg, &err) == ICTUS_OK);
    CHECK(sg->df_hz == 2.0);
    CHECK_INT(sg->n_freq, 101); /* 0, 2, ..., 200 Hz */
    for (int j = 0; j < sg->n_times; j++) {
        int peak = 0;
        for (int b = 1; b < sg->n_freq; b++)
            peak = sg->db[j * sg->n_freq + b] > sg->db[j * sg->n_freq + peak] ? b : peak;
        CHECK_MSG(fabs(peak * sg->df_hz - 123) <= sg->df_hz, "row %d peaks at %g Hz", j,
                  peak * sg->df_hz);
    }
    ictus_spectrogram_free(sg);
    ictus_source_close(src);
}

int main(void)
{
    char *dir = support_tmpdir("excerpt");
    test_edf(dir);
    test_wav(dir);
    test_sine(dir);
    support_tmpdir_remove(dir);
    return check_done("test_excerpt");
}
