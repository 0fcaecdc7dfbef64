#!/usr/bin/python3
"""bench_scipy_features.py: a SciPy/NumPy reference for `ictus features` on one recording,
and its CPU time, so that make bench can print ictus's speed against it.

Usage: /usr/bin/python3 tests/bench_scipy_features.py FILE.edf [--compare features.csv]
Prints `cpu_s=S wall_s=S windows=N` (process time of everything below, reading included),
and with --compare (ictus's `features FILE -o features.csv`, default settings) the median
and 99th-percentile relative difference per column against it.

What it computes, per EEG channel (default settings, settings.c), all vectorised (no Python
loop over samples or windows; windows go in blocks of 4096):
  - reads the EDF with numpy from its header (16-bit records, digital -> physical, µV),
    one hour of a channel at a time (the filters carry their state), so memory stays
    ~320 MB peak (each channel reads its hours of records from the file: 4 reads of it);
  - the decimator's FIR as decimate.c designs it (scipy.signal.kaiserord(60 dB, transition
    0.8..1.2 of the output Nyquist), firwin with a Kaiser window, odd length), applied
    polyphase (scipy.signal.upfirdn) to the analysis rate 250 Hz with the filter's delay
    removed; in double, where ictus filters in float;
  - a 2nd-order Butterworth high-pass at 0.5 Hz and iirnotch (Q 30) at the mains harmonics
    below Nyquist (50, 100 Hz), one sosfilt cascade: the same orders and corners as ictus's
    stages, not necessarily its exact biquad coefficients;
  - 2 s windows every 1 s; line length, RMS, Teager energy, Hjorth mobility and complexity
    (numpy), the PSD (scipy.signal.periodogram, periodic Hann, mean removed), the band powers
    and relative powers, the EMG-band power, spectral entropy (scipy.stats.entropy), SEF90
    and the peak frequency, as tests/fixtures/gen_features.py defines them.
Left out: spike_rate (its refractory rule is a sequential scan), the artefact flags and the
running-median baselines they use, the sub-window envelope, gap handling (the file is assumed
continuous EDF, no EDF+D), and writing a CSV.
"""
import math
import sys
import time

import numpy as np
import scipy.signal
import scipy.stats

FS_OUT = 250.0
WIN_S, HOP_S = 2.0, 1.0
BANDS = {"total": (1.0, 100.0), "delta": (1.0, 4.0), "theta": (4.0, 8.0),
         "alpha": (8.0, 13.0), "beta": (13.0, 30.0), "gamma": (30.0, 100.0),
         "emg": (60.0, 150.0)}
COLUMNS = ["line_length", "rms", "teager", "hjorth_mobility", "hjorth_complexity",
           "power_total", "power_delta", "power_theta", "power_alpha", "power_beta",
           "power_gamma", "rel_delta", "rel_theta", "rel_alpha", "rel_beta", "rel_gamma",
           "spectral_entropy", "sef90", "peak_freq", "power_emg"]
UNIT_SCALE = {"uv": 1.0, "µv": 1.0, "mv": 1e3, "v": 1e6, "nv": 1e-3}
BLOCK = 4096                # windows per vectorised block
CHUNK = 3600 * 250          # analysis samples per piece of the filter (1 h)


def read_edf(path):
    """(label, fs, n, samples(a, b)) of each of the EDF's voltage channels: samples(a, b)
    reads the records holding samples a .. b-1 and gives those in µV (float64)."""
    with open(path, "rb") as f:
        head = f.read(256)
        header_bytes = int(head[184:192])
        n_records = int(head[236:244])
        duration = float(head[244:252])
        ns = int(head[252:256])
        sig = f.read(ns * 256)

    def field(offset, width):
        return [sig[offset + i * width: offset + (i + 1) * width].decode("latin-1").strip()
                for i in range(ns)]
    o = 0
    labels = field(o, 16); o += 16 * ns
    o += 80 * ns  # transducer
    units = field(o, 8); o += 8 * ns
    phys_min = [float(v) for v in field(o, 8)]; o += 8 * ns
    phys_max = [float(v) for v in field(o, 8)]; o += 8 * ns
    dig_min = [float(v) for v in field(o, 8)]; o += 8 * ns
    dig_max = [float(v) for v in field(o, 8)]; o += 8 * ns
    o += 80 * ns  # prefiltering
    spr = [int(v) for v in field(o, 8)]
    record = sum(spr)
    out, at = [], 0
    for i in range(ns):
        scale = UNIT_SCALE.get(units[i].lower())
        if scale is not None and spr[i] > 0:
            gain = (phys_max[i] - phys_min[i]) / (dig_max[i] - dig_min[i]) * scale

            def samples(a, b, at=at, m=spr[i], gain=gain, d0=dig_min[i], p0=phys_min[i] * scale):
                r0, r1 = a // m, min(-(-b // m), n_records)
                rows = np.fromfile(path, dtype="<i2", offset=header_bytes + 2 * r0 * record,
                                   count=(r1 - r0) * record).reshape(r1 - r0, record)
                x = rows[:, at:at + m].astype(np.float64).ravel()[a - r0 * m:b - r0 * m]
                return (x - d0) * gain + p0
            out.append((labels[i], spr[i] / duration, n_records * spr[i], samples))
        at += spr[i]
    return out


def decimator(fs):
    """decimate.c's FIR (scipy's names) and the integer factor."""
    factor = int(round(fs / FS_OUT))
    nyq_out = FS_OUT / 2
    numtaps, beta = scipy.signal.kaiserord(60.0, (1.2 - 0.8) * nyq_out / (fs / 2))
    numtaps |= 1
    h = scipy.signal.firwin(numtaps, nyq_out, window=("kaiser", beta), fs=fs)
    return h, factor


def channel(fs, n_in, samples):
    """The filtered analysis-rate signal in pieces of CHUNK samples (a multiple of the hop):
    the FIR polyphase over the input each piece needs (output j = Σ h[m] x[factor j + delay
    − m], zeros before the start), then the IIR cascade carrying its state across pieces."""
    h, factor = decimator(fs)
    delay = (len(h) - 1) // 2
    c = -(-(len(h) - 1) // factor)  # outputs before the first whose taps all lie in the piece
    sos = [scipy.signal.butter(2, 0.5, "highpass", fs=FS_OUT, output="sos")]
    for k in range(1, 9):
        if 50.0 * k < FS_OUT / 2:
            b, a = scipy.signal.iirnotch(50.0 * k, 30.0, fs=FS_OUT)
            sos.append(scipy.signal.tf2sos(b, a))
    sos = np.vstack(sos)
    zi = np.zeros((sos.shape[0], 2))
    n_out = (n_in - 1 - delay) // factor + 1
    for j0 in range(0, n_out, CHUNK):
        j1 = min(j0 + CHUNK, n_out)
        g0, g1 = factor * j0 + delay - factor * c, factor * (j1 - 1) + delay + 1
        seg = samples(max(g0, 0), g1)
        if g0 < 0:
            seg = np.concatenate([np.zeros(-g0), seg])
        y = scipy.signal.upfirdn(h, seg, down=factor)[c:c + j1 - j0]
        y, zi = scipy.signal.sosfilt(sos, y, zi=zi)
        yield y


def window_features(w, fs):
    """The columns for a block of windows w (rows), as gen_features.py defines them."""
    n = w.shape[1]
    v = {}
    d = np.diff(w, axis=1)
    v["line_length"] = np.abs(d).sum(axis=1) / (n / fs)
    v["rms"] = np.sqrt(np.mean(w * w, axis=1))
    v["teager"] = np.mean(w[:, 1:-1] ** 2 - w[:, :-2] * w[:, 2:], axis=1)
    var_x, var_d = np.var(w, axis=1), np.var(d, axis=1)
    var_dd = np.var(np.diff(d, axis=1), axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        mob = np.sqrt(var_d / var_x)
        v["hjorth_mobility"] = mob * fs / (2 * math.pi)
        v["hjorth_complexity"] = np.sqrt(var_dd / var_d) / mob
    _, psd = scipy.signal.periodogram(w, fs, window="hann", detrend="constant",
                                      scaling="density", axis=1)
    df = fs / n
    f = np.arange(n // 2 + 1) * df
    nyquist = fs / 2

    def power(lo, hi):
        return psd[:, (f >= lo) & (f < hi)].sum(axis=1) * df
    total = power(*BANDS["total"])
    v["power_total"] = total
    with np.errstate(divide="ignore", invalid="ignore"):
        for name in ("delta", "theta", "alpha", "beta", "gamma"):
            lo, hi = BANDS[name]
            p = power(lo, hi) if hi <= nyquist else np.full(len(w), np.nan)
            v["power_" + name] = p
            v["rel_" + name] = np.where(total > 0, p / total, np.nan)
        lo, hi = BANDS["emg"]
        v["power_emg"] = power(lo, min(hi, 0.8 * nyquist))
        mask = (f >= BANDS["total"][0]) & (f < BANDS["total"][1])
        band, band_f = psd[:, mask], f[mask]
        btotal = band.sum(axis=1)
        v["spectral_entropy"] = np.where(btotal > 0, scipy.stats.entropy(band, axis=1)
                                         / math.log(band.shape[1]), np.nan)
    cumulative = np.cumsum(band, axis=1)
    ok = cumulative[:, -1] > 0
    v["sef90"] = np.where(ok, band_f[np.argmax(cumulative >= 0.9 * cumulative[:, -1:], axis=1)],
                          np.nan)
    v["peak_freq"] = np.where(ok, band_f[np.argmax(band, axis=1)], np.nan)
    return np.column_stack([v[c] for c in COLUMNS])


def features(path):
    """{label: array (windows x COLUMNS)}."""
    out = {}
    n, hop = int(round(WIN_S * FS_OUT)), int(round(HOP_S * FS_OUT))
    for label, fs, n_in, samples in read_edf(path):
        rows, tail = [], np.zeros(0)
        for y in channel(fs, n_in, samples):
            z = np.concatenate([tail, y])  # tail: the last n − hop samples, window-aligned
            windows = np.lib.stride_tricks.sliding_window_view(z, n)[::hop]
            for i in range(0, len(windows), BLOCK):
                rows.append(window_features(windows[i:i + BLOCK], FS_OUT))
            tail = z[len(windows) * hop:] if len(windows) else z
        out[label] = np.vstack(rows)
    return out


def compare(ours, csv_path):
    """Per column: median and 99th percentile of |ours − ictus| / |ictus| (rows where ictus
    has a value and is not 0), over the windows both have, skipping the first 60 s of each
    channel (the filters' start-up differs)."""
    import csv
    got = {}
    with open(csv_path, newline="") as f:
        r = csv.reader(f)
        head = next(r)
        idx = {c: head.index(c) for c in COLUMNS}
        for row in r:
            got.setdefault(row[1], []).append([float(row[idx[c]]) if row[idx[c]] else np.nan
                                               for c in COLUMNS])
    print("column              median_rel  p99_rel   (SciPy vs ictus)")
    for j, c in enumerate(COLUMNS):
        rel = []
        for label, a in ours.items():
            b = np.array(got.get(label, []))
            m = min(len(a), len(b))
            if m <= 60:
                continue
            x, y = a[60:m, j], b[60:m, j]
            ok = np.isfinite(x) & np.isfinite(y) & (y != 0)
            rel.append(np.abs(x[ok] - y[ok]) / np.abs(y[ok]))
        rel = np.concatenate(rel) if rel else np.array([np.nan])
        print("%-19s %-11.3g %.3g" % (c, np.median(rel), np.percentile(rel, 99)))


def main():
    args = sys.argv[1:]
    if not args or args[0].startswith("-"):
        sys.exit("usage: bench_scipy_features.py FILE.edf [--compare features.csv]")
    cpu0, wall0 = time.process_time(), time.perf_counter()
    ours = features(args[0])
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    n = sum(len(a) for a in ours.values())
    print("cpu_s=%.3f wall_s=%.3f windows=%d" % (cpu, wall, n))
    if len(args) == 3 and args[1] == "--compare":
        compare(ours, args[2])


if __name__ == "__main__":
    main()
