/* iirdesign.h: IIR design as second-order sections (Butterworth high-pass,
 * notch) and a biquad cascade that filters float samples in double.
 *
 * The designs give the same sections as SciPy 1.10:
 * scipy.signal.butter(order, corner_hz, 'highpass', fs=fs_hz, output='sos')
 * (same pole pairing and section order) and scipy.signal.iirnotch; the
 * cascade's initial state is scipy.signal.sosfilt_zi scaled by the first
 * sample, so a filter starts in the steady state of a constant input equal
 * to that sample (no step transient from an electrode offset).
 *
 * Lifecycle of a cascade: ictus_iir_create() copies the sections;
 * ictus_iir_process() any number of times; ictus_iir_reset() forgets the
 * state (the next sample primes it again); ictus_iir_destroy().
 * Thread safety: the design functions touch no global state; one cascade
 * must be used by one thread at a time.
 *
 * Speed: the cascade of one signal is a serial recurrence (each section's
 * output feeds its own state, a multiply and two adds of latency per
 * sample), so one signal cannot go faster than that chain of latencies
 * without changing the order of the arithmetic, and with it the bits.
 * Independent signals can: ictus_iir_process_lanes() runs up to 4
 * cascades (the channels of a recording, which share coefficients) in the
 * lanes of one vector, for the latency of one.
 */
#ifndef ICTUS_IIRDESIGN_H
#define ICTUS_IIRDESIGN_H

#include <stddef.h>

/* One section H(z) = (b[0] + b[1] z^-1 + b[2] z^-2) / (a[0] + a[1] z^-1 + a[2] z^-2),
 * normalised so that a[0] == 1; a row of SciPy's `sos` array is b then a. */
typedef struct {
    double b[3];
    double a[3];
} ictus_biquad;

/* Butterworth high-pass of even order (2..64) with its -3 dB corner at
 * corner_hz (0 < corner_hz < fs_hz / 2) for a sampling rate fs_hz: writes
 * order / 2 sections to sos (caller-owned) in SciPy's order (poles nearest
 * the unit circle last, the gain in the first section); returns order / 2. */
int ictus_butter_highpass(int order, double corner_hz, double fs_hz, ictus_biquad *sos);

/* A second-order notch at notch_hz (0 < notch_hz < fs_hz / 2) of quality
 * factor q > 0 (-3 dB bandwidth notch_hz / q): scipy.signal.iirnotch. */
ictus_biquad ictus_iirnotch(double notch_hz, double q, double fs_hz);

/* The cascade's steady-state state for a unit constant input
 * (scipy.signal.sosfilt_zi): zi[s] is section s's transposed direct form II
 * state (two values) after filtering 1, 1, 1, ... forever.  Every section
 * must have a finite DC gain (no pole at z = 1). */
void ictus_sos_zi(const ictus_biquad *sos, int n_sections, double (*zi)[2]);

typedef struct ictus_iir ictus_iir;

/* A cascade of n_sections >= 1 sections (copied).  Starts reset. */
ictus_iir *ictus_iir_create(const ictus_biquad *sos, int n_sections);
void ictus_iir_destroy(ictus_iir *iir); /* NULL is a no-op */

/* Forget the state: the next sample primes it with the steady state for a
 * constant input equal to that sample. */
void ictus_iir_reset(ictus_iir *iir);

/* Filter n samples of in into out (n may be 0; in and out may be the same
 * array), all sections per sample in transposed direct form II, state and
 * arithmetic in double.  The output does not depend on how a signal is cut
 * into calls.  A NaN or infinite input poisons the state until the next
 * reset. */
void ictus_iir_process(ictus_iir *iir, const float *in, float *out, size_t n);

/* The most cascades ictus_iir_process_lanes() runs at once. */
enum { ICTUS_IIR_LANES = 4 };

/* Filter n samples of each of k cascades (1 <= k <= ICTUS_IIR_LANES):
 * in[c] into out[c] through iirs[c] (distinct cascades; in[c] and out[c]
 * may be the same array), with exactly the result of ictus_iir_process()
 * on each, bit for bit: the cascades run side by side in the lanes of a
 * vector, each lane doing that cascade's arithmetic in the same order.
 * Cascades of different lengths run one after the other. */
void ictus_iir_process_lanes(ictus_iir *const *iirs, int k, const float *const *in,
                             float *const *out, size_t n);

#endif
