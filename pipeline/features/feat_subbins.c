/* feat_subbins.c: the sub-window envelope of a window (frame->sub_ll,
 * frame->sub_spikes) and where each bin's activity begins and ends at the
 * analysis rate (frame->sub_on_us, frame->sub_off_us), from which the
 * detector places event edges to the sample.
 *
 * The window's tile (samples o .. o + L − 1 with o = lround((win_s − hop_s)
 * / 2 · fs) and L = lround(hop_s · fs), cut at the window's end) is cut into
 * ICTUS_SUB_BINS bins; bin b holds samples o + ⌊b L / B⌋ .. o + ⌊(b + 1) L
 * / B⌋ − 1.  sub_ll[b] is Σ|x[n] − x[n−1]| over the bin's samples (n >= 1)
 * divided by the bin's duration (µV/s, like line_length); sub_spikes[b]
 * counts the bin's spikes as feat_spikes.c defines them (|x| a local
 * maximum above spike_k · σ, the same σ, the refractory period counted from
 * the last spike in the tile), capped at 255.  Consecutive windows' tiles
 * meet, so their bins tile time.
 *
 * Edges of a bin's activity, as times (µs from the tile's start, grid.h:
 * sample i of window k lies at (first_sample(k) + i) / fs; they may fall
 * outside the bin, never outside the window):
 *   [ICTUS_SUB_SPIKE] A spike is measured from its local level, the median
 *     of x within ICTUS_SPIKE_EDGE_MAX_S of its peak (the background between
 *     a train's spikes, which the high-pass moves away from 0), on its
 *     peak's side of it; level = ICTUS_SPIKE_EDGE_FRACTION x the spike
 *     threshold.  For the bin's first spike that stands at least level
 *     from its local level, sub_on_us is where it starts: walking back from
 *     the peak, the first sample less than level from the local level; for
 *     its last such spike, sub_off_us is where the complex ends: walking
 *     forward likewise.  Either walk stops after ICTUS_SPIKE_EDGE_MAX_S (a
 *     wave that never comes down is no spike's) and at the window's edge;
 *     the forward walk may run into the next bins' samples and past the
 *     tile.  0 and 0 for a bin without such a spike (sub_spikes still counts
 *     every spike as feat_spikes.c does).  On a triangular spike on a flat
 *     background this is the triangle's feet.
 *   [ICTUS_SUB_LL] For every bin, where its line length begins and ends: an
 *     envelope e[i], the mean of |x[j] − x[j−1]| over the 2h + 1 samples j
 *     centred on i (h = max(1, bin length / 8), cut at the window's edges),
 *     first reaches the bin's own mean |x[n] − x[n−1]| (sub_on_us) and last
 *     holds it (sub_off_us: the sample after); always inside the bin.  The
 *     level is the bin's own, not the detector's on_ratio (the feature
 *     stage knows no baseline of line length): in a bin where a low-voltage
 *     fast onset starts midway the envelope crosses it there; in a bin
 *     wholly inside one it crosses near the bin's edges.  The detector reads
 *     these only for bins it finds active by line length.
 * Stateless, like every feature (the start-up state is the grid and
 * scratch buffers).  Cost: the framer's fused pass already holds |x[n] −
 * x[n−1]| (w->abs_d) and the spike candidates (w->peaks, the same threshold
 * as feat_spikes.c), so what is left is one cumulative sum of abs_d over
 * the tile (prefix_sums(), four runs side by side, the runs' offsets
 * added in vector loops) that gives each bin's line length and the
 * envelope's sums (one difference each); per bin, the envelope's
 * comparison with the bin's mean, 8 samples at a time as bit masks from
 * each end inwards until one is set (envelope_edges()): its lowest and
 * highest set bits are the crossings; the
 * candidates counted under the refractory rule; and, per bin with spikes, a
 * median over 2 x ICTUS_SPIKE_EDGE_MAX_S of samples for its first and its
 * last spike (once when they are the same; more only when a spike does not
 * stand out from its level).  Every quantity is the same IEEE operation on
 * the same operands as the sample-by-sample definition, in either clone
 * (base/simd.h): the bits do not depend on the vector width.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "base/grid.h"
#include "base/simd.h"
#include "pipeline/features/feat.h"

typedef struct {
    ictus_grid grid;
    double *scratch; /* [2n]: for the local medians */
    double *cum;     /* [n]: cum[j] = Σ |x[i] − x[i−1]| over i = j0 .. j, cum[j0 − 1] = 0
                        (prefix_sums()) */
    int *peaks;      /* [n]: the spikes of the current bin */
} subbins_state;

static ictus_status start(ictus_feature *f, const ictus_settings *set, int n, double fs_hz,
                          ictus_error *err)
{
    (void)fs_hz;
    subbins_state *s = f->priv;
    ictus_status st = ictus_grid_init(&s->grid, set->hop_s, set->win_s, err);
    if (st != ICTUS_OK)
        return st;
    s->scratch = ictus_xcalloc(2 * (size_t)n, sizeof(double));
    s->cum = ictus_xcalloc((size_t)n, sizeof(double));
    s->peaks = ictus_xcalloc((size_t)n, sizeof(int));
    return ICTUS_OK;
}

static void stop(ictus_feature *f)
{
    subbins_state *s = f->priv;
    free(s->scratch);
    free(s->cum);
    free(s->peaks);
    s->scratch = s->cum = NULL;
    s->peaks = NULL;
    }

/* Where window k's samples lie: sample i at (first + i) / fs_hz s, times
 * counted from tile_us.  us_per_sample is 1e6 / fs_hz when that is a whole
 * number (250 Hz: 4000), else 0; exact says whether every sample of the
 * window takes the integer product (sample_us()), decided once a window,
 * and base_us is then sample 0's time. */
typedef struct {
    int64_t first, tile_us, us_per_sample, base_us;
    bool exact;
    double fs_hz;
} sample_clock;

static sample_clock window_clock(const subbins_state *s, const ictus_window *w, int64_t k)
{
    double us = 1e6 / w->fs_hz;
    int64_t whole = us == floor(us) && us * w->fs_hz == 1e6 ? (int64_t)us : 0;
    sample_clock c = {ictus_grid_first_sample(&s->grid, w->fs_hz, k),
                      ictus_grid_tile_start_us(&s->grid, k), whole, 0, false, w->fs_hz};
    c.exact = whole > 0 && c.first >= 0 && c.first + w->n <= ((int64_t)1 << 50) / whole;
    if (c.exact)
        c.base_us = c.first * whole - c.tile_us;
    return c;
}

/* Sample i (0 <= i < n), µs from the window's tile start: llround((first
 * + i) / fs_hz · 1e6).  When 1e6 / fs_hz is a whole number u, that is m·u
 * exactly for m = first + i: the two roundings, and fs_hz's own (u·fs_hz
 * is 1e6 to within its last bit), leave m·u·(1 + δ), |δ| <= 2^−51, which
 * rounds to m·u while m·u < 2^50.  The integer product spares 32 divisions
 * and library calls a window. */
static inline int32_t sample_us(const sample_clock *c, int i)
{
    if (c->exact)
        return (int32_t)(c->base_us + i * c->us_per_sample);
    return (int32_t)(llround((double)(c->first + i) / c->fs_hz * 1e6) - c->tile_us);
}

/* The median of x[lo .. hi) (upper median for an even count), with
 * scratch[] (2 (hi − lo) doubles) as room: quickselect.  Each pass splits
 * its values around a pivot (the median of its first, middle and last: the
 * middle of a spike's neighbourhood is the spike's peak, the worst pivot
 * there is) into those below, written up from the front of the other half
 * of scratch, and those above, written down from its back; the values equal
 * to the pivot are dropped and counted, so equal values cannot make it
 * quadratic and every pass shrinks.  A value is written to both ends and
 * only the end it belongs to moves on (the other write lands in the gap and
 * is overwritten), so the loop has no branch on the data: a sample against
 * the pivot is a coin toss to the branch predictor.  The value found is the
 * same as sorting's (only a zero's sign could differ, which no caller's
 * arithmetic or comparison sees).  Measured slower on 51 values (a spike's
 * neighbourhood at 250 Hz; CPU time, noise with a spike at the middle):
 * a median-of-nine pivot that skips the middle sample (290 ns against
 * 240), finishing at 8 values or fewer by counting ranks (275 ns),
 * counting ranks throughout (980 ns); unrolling the pass by two, the same. */
static double median(const double *x, int lo, int hi, double *scratch)
{
    int m = hi - lo, want = m / 2;
    const double *src = x + lo;
    double *dst = scratch;
    for (;;) {
        double a = src[0], b = src[m / 2], c = src[m - 1];
        double pivot = a < b ? (b < c ? b : a < c ? c : a) : (a < c ? a : b < c ? c : b);
        int below = 0, above = 0;
        for (int i = 0; i < m; i++) {
            const double v = src[i];
            dst[below] = v;
            dst[m - 1 - above] = v;
            below += v < pivot;
            above += v > pivot;
        }
        if (want < below) {
            src = dst;
            m = below;
        } else if (want < m - above) {
            return pivot;
        } else {
            src = dst + (m - above);
            want -= m - above;
            m = above;
        }
        dst = dst == scratch ? scratch + (hi - lo) : scratch;
    }
}

/* A spike peaking at p, measured from the local level: ref is the median
 * of x within max_walk samples of p (the background between a train's
 * spikes, which the high-pass moves away from 0).  Whether |x[p] − ref|
 * still exceeds the spike threshold, and where the spike starts (step −1)
 * or ends (step +1): the first sample past p where x − ref, on the peak's
 * side, is below level, at most max_walk samples on, inside the window. */
typedef struct {
    double x_ref, sign;
} spike_ref;

static spike_ref spike_reference(const double *x, int n, int p, int max_walk, double *scratch)
{
    int lo = p - max_walk > 0 ? p - max_walk : 0, hi = p + max_walk + 1 < n ? p + max_walk + 1 : n;
    double ref = median(x, lo, hi, scratch);
    return (spike_ref){ref, x[p] < ref ? -1 : 1};
}

static int spike_edge(const double *x, int n, int p, spike_ref r, int step, double level,
                      int max_walk)
{
    int i = p;
    while (i + step >= 0 && i + step < n && abs(i - p) < max_walk &&
           r.sign * (x[i] - r.x_ref) >= level)
        i += step;
    return i;
}

/* c[t] += offset for t in [0, n): eight at a time, so that the loop
 * vectorises (a plain loop with a remainder does not at -O2). */
ICTUS_SIMD_CLONES
static void add_offset(double *restrict c, int n, double offset)
{
    int t = 0;
    for (; t + 8 <= n; t += 8)
        for (int l = 0; l < 8; l++)
            c[t + l] += offset;
    for (; t < n; t++)
        c[t] += offset;
}

/* cum[j] = Σ abs_d[j0 .. j] for j in [j0, j1), and cum[j0 − 1] = 0 (j0 >=
 * 1), so that every sum over [a, b) is one difference.  One running sum
 * would be a chain of dependent additions (~4 cycles each); instead the
 * range is cut into 4 runs summed side by side, and each run is then offset
 * by the total of the runs before it.  The order depends on j0 and j1
 * alone. */
static void prefix_sums(const double *restrict abs_d, int j0, int j1, double *restrict cum)
{
    const int q = (j1 - j0) / 4;
    const double *a0 = abs_d + j0, *a1 = a0 + q, *a2 = a1 + q, *a3 = a2 + q;
    double *c0 = cum + j0, *c1 = c0 + q, *c2 = c1 + q, *c3 = c2 + q;
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0; /* in registers: the runs' four chains */
    cum[j0 - 1] = 0;
    for (int t = 0; t < q; t++) {
        c0[t] = s0 += a0[t];
        c1[t] = s1 += a1[t];
        c2[t] = s2 += a2[t];
        c3[t] = s3 += a3[t];
    }
    for (int t = q; t < j1 - j0 - 3 * q; t++) /* the last run takes the rest */
        c3[t] = s3 += a3[t];
    const double off1 = s0, off2 = off1 + s1, off3 = off2 + s2;
    add_offset(c1, q, off1);
    add_offset(c2, q, off2);
    add_offset(c3, j1 - j0 - 3 * q, off3);
}

/* Σ |x[j] − x[j−1]| over j in [a, b) (j0 <= a <= b), from cum[] (whose
 * cum[j0 − 1] is 0). */
static double dx_sum(const double *cum, int a, int b)
{
    return cum[b - 1] - cum[a - 1];
}

/* The envelope at sample i: the mean |x[j] − x[j−1]| over j in [i − h, i +
 * h] cut at 1 .. n − 1, kept as its sum (one difference of cum[], as
 * dx_sum()) and the number of such j; it reaches mean when sum >= mean ·
 * count.  reach_mask() gives that for the BLOCK samples from i0 as bits
 * (bit l: sample i0 + l): where every span is whole (i0 − h >= 1, i0 +
 * BLOCK − 1 + h < n: all but the samples next to the window's edges) the
 * count is 2h + 1 and the block is one vector loop with no branch on the
 * data; otherwise sample by sample.  Bits at or past `end` are 0. */
enum { BLOCK = 8 };

ICTUS_SIMD_CLONES
static unsigned reach_whole(const double *restrict cum, int i0, int h, double mean)
{
    const double level = mean * (double)(2 * h + 1);
    const double *up = cum + i0 + h, *down = cum + i0 - h - 1;
    unsigned m = 0;
    for (int l = 0; l < BLOCK; l++)
        m |= (unsigned)(up[l] - down[l] >= level) << l;
    return m;
}

static inline unsigned reach_mask(const double *cum, int n, int h, int i0, int end, double mean)
{
    if (i0 - h >= 1 && i0 + BLOCK - 1 + h < n && i0 + BLOCK <= end)
        return reach_whole(cum, i0, h, mean);
    unsigned m = 0;
    for (int i = i0; i < i0 + BLOCK && i < end; i++) {
        int a = i - h > 1 ? i - h : 1, b = i + h + 1 < n ? i + h + 1 : n;
        m |= (unsigned)(dx_sum(cum, a, b) >= mean * (double)(b - a)) << (i - i0);
    }
    return m;
}

static inline int lowest_bit(unsigned word) /* word != 0 */
{
#if defined(__GNUC__)
    return __builtin_ctz(word);
#else
    int b = 0;
    while (!(word >> b & 1))
        b++;
    return b;
#endif
}

static inline int highest_bit(unsigned word) /* word != 0 */
{
#if defined(__GNUC__)
    return 31 - __builtin_clz(word);
#else
    int b = 31;
    while (!(word >> b & 1))
        b--;
    return b;
#endif
}

/* Where the envelope reaches mean in the bin [lo, hi): its first sample
 * (*on) and the sample after its last (*off), lo and hi when it never
 * does.  Blocks of BLOCK samples are tested from each end inwards and the
 * search stops at the first block that reaches it: the envelope of a bin
 * meets the bin's own mean near its edges unless an onset or end lies
 * inside it, so one block from each end is the usual cost.  (A scan
 * sample by sample mispredicted where it stopped, twice a bin; the
 * envelope and its masks over the whole bin, which this replaced, cost
 * 5 % of `ictus features`' CPU on an animal-day.) */
static void envelope_edges(const double *cum, int n, int h, int lo, int hi, double mean,
                           int *on, int *off)
{
    *on = lo;
    *off = hi;
    for (int i0 = lo; i0 < hi; i0 += BLOCK) {
        unsigned m = reach_mask(cum, n, h, i0, hi, mean);
        if (m) {
            *on = i0 + lowest_bit(m);
            break;
        }
    }
    for (int i0 = lo + (hi - lo - 1) / BLOCK * BLOCK; i0 >= lo; i0 -= BLOCK) {
        unsigned m = reach_mask(cum, n, h, i0, hi, mean);
        if (m) {
            *off = i0 + highest_bit(m) + 1;
            break;
        }
    }
}

/* The spike edges of bin b, whose spikes peak at s->peaks[0 .. count):
 * from the first and the last of them that stand at least level from
 * their local level; none such: 0 and 0. */
static void spike_edges(const subbins_state *s, const ictus_window *w, const sample_clock *clock,
                        ictus_frame *frame, int b, int count, double level, int max_walk)
{
    int p_ref = -1; /* the last spike whose local level was taken (a bin's first and last
                       are often the same spike) */
    spike_ref r = {0, 0};
    for (int e = 0; e < 2; e++) {
        for (int j = 0; j < count; j++) {
            int p = s->peaks[e ? count - 1 - j : j];
            if (p != p_ref) {
                r = spike_reference(w->x, w->n, p, max_walk, s->scratch);
                p_ref = p;
            }
            if (!(fabs(w->x[p] - r.x_ref) >= level))
                continue;
            int edge = spike_edge(w->x, w->n, p, r, e ? +1 : -1, level, max_walk);
            int32_t us = sample_us(clock, edge);
            if (e)
                frame->sub_off_us[ICTUS_SUB_SPIKE][b] = us;
            else
                frame->sub_on_us[ICTUS_SUB_SPIKE][b] = us;
            break;
        }
    }
}

static void compute(ictus_feature *f, const ictus_window *w, ictus_frame *frame)
{
    const subbins_state *s = f->priv;
    const int n = w->n;
    const ictus_settings *set = f->set;
    int o = (int)lround((set->win_s - set->hop_s) / 2 * w->fs_hz);
    int len = (int)lround(set->hop_s * w->fs_hz);
    if (o < 1)
        o = 1; /* sample 0 has no predecessor; n >= 2 */
    if (o + len > n - 1)
        len = n - 1 - o; /* the last sample is no local maximum */
    if (len < ICTUS_SUB_BINS)
        return; /* too few samples to cut: the bins stay 0 */
    const double threshold =
        w->spike_sigma > 0 ? f->set->spike_k * w->spike_sigma : INFINITY;
    const double refractory = f->set->spike_refractory_s * w->fs_hz;
    const double level = ICTUS_SPIKE_EDGE_FRACTION * threshold;
    const int max_walk = (int)lround(ICTUS_SPIKE_EDGE_MAX_S * w->fs_hz);
    const int h = len / ICTUS_SUB_BINS / 8 > 1 ? len / ICTUS_SUB_BINS / 8 : 1;
    const sample_clock clock = window_clock(s, w, frame->window);
    /* the framer's spike candidates (w->peaks, ascending), from the tile's start */
    int next_peak = 0;
    while (next_peak < w->n_peaks && w->peaks[next_peak] < o)
        next_peak++;
    /* cumulative |x[j] − x[j−1]| over the tile and h samples either side */
    const int j0 = o - h > 1 ? o - h : 1, j1 = o + len + h + 1 < n ? o + len + h + 1 : n;
    prefix_sums(w->abs_d, j0, j1, s->cum);
    int last = -1;
    for (int b = 0; b < ICTUS_SUB_BINS; b++) {
        int lo = o + (int)((int64_t)b * len / ICTUS_SUB_BINS);
        int hi = o + (int)((int64_t)(b + 1) * len / ICTUS_SUB_BINS);
        double ll = dx_sum(s->cum, lo, hi);
        int spikes = 0;
        for (; next_peak < w->n_peaks && w->peaks[next_peak] < hi; next_peak++) {
            int i = w->peaks[next_peak];
            if (last < 0 || i - last >= refractory) {
                s->peaks[spikes++] = i;
                last = i;
            }
        }
        frame->sub_ll[b] = (float)(ll * w->fs_hz / (hi - lo));
        frame->sub_spikes[b] = (uint8_t)(spikes < 255 ? spikes : 255);
        spike_edges(s, w, &clock, frame, b, spikes, level, max_walk);
        const double mean = ll / (hi - lo);
        int on, off;
        envelope_edges(s->cum, n, h, lo, hi, mean, &on, &off);
        frame->sub_on_us[ICTUS_SUB_LL][b] = sample_us(&clock, on);
        frame->sub_off_us[ICTUS_SUB_LL][b] = sample_us(&clock, off);
    }
}

const ictus_feature_desc ictus_feat_subbins = {
    .name = "subbins", .priv_size = sizeof(subbins_state), .start = start, .compute = compute,
    .stop = stop};
