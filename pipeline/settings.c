/* settings.c: engine settings, their defaults, overrides and description.
 * One table drives parsing and description so the two cannot disagree. */
#include "pipeline/settings.h"

#include "base/grid.h"
#include "base/params.h"

#include <stdio.h>

const char *const ictus_settings_sections[] = {"signal", "features", "artefact", NULL};

static const char *const window_names[] = {
    [ICTUS_WINDOW_HANN] = "hann", [ICTUS_WINDOW_HAMMING] = "hamming", [ICTUS_WINDOW_RECT] = "rect",
    NULL};

#define D(sec, key, member, lo, hi) ICTUS_PARAM_D(sec, key, ictus_settings, member, lo, hi)
#define I(sec, key, member, lo, hi) ICTUS_PARAM_I(sec, key, ictus_settings, member, lo, hi)

static const ictus_param fields[] = {
    D("signal", "analysis_hz", analysis_hz, 20, 100000),
    D("signal", "highpass_hz", highpass_hz, 0, 20),
    I("signal", "highpass_order", highpass_order, 2, 8),
    D("signal", "mains_hz", mains_hz, 0, 1000),
    D("signal", "notch_q", notch_q, 1, 1000),
    I("signal", "notch_harmonics", notch_harmonics, 1, 64),
    D("signal", "min_fs_hz", min_fs_hz, 1, 1e6),
    D("signal", "decimate_atten_db", decimate_atten_db, 20, 140),
    D("features", "win_s", win_s, 0.1, 600),
    D("features", "hop_s", hop_s, 0.01, 600),
    ICTUS_PARAM_E("features", "window", ictus_settings, window, window_names),
    D("features", "total_lo_hz", total.lo_hz, 0, 1e5),
    D("features", "total_hi_hz", total.hi_hz, 0, 1e5),
    D("features", "delta_lo_hz", delta.lo_hz, 0, 1e5),
    D("features", "delta_hi_hz", delta.hi_hz, 0, 1e5),
    D("features", "theta_lo_hz", theta.lo_hz, 0, 1e5),
    D("features", "theta_hi_hz", theta.hi_hz, 0, 1e5),
    D("features", "alpha_lo_hz", alpha.lo_hz, 0, 1e5),
    D("features", "alpha_hi_hz", alpha.hi_hz, 0, 1e5),
    D("features", "beta_lo_hz", beta.lo_hz, 0, 1e5),
    D("features", "beta_hi_hz", beta.hi_hz, 0, 1e5),
    D("features", "gamma_lo_hz", gamma.lo_hz, 0, 1e5),
    D("features", "gamma_hi_hz", gamma.hi_hz, 0, 1e5),
    D("features", "spike_k", spike_k, 0.5, 100),
    D("features", "spike_refractory_s", spike_refractory_s, 0, 1),
    I("features", "baseline_windows", baseline_windows, 10, 100000),
    D("artefact", "clip_fraction", clip_fraction, 0, 1),
    D("artefact", "flat_uv", flat_uv, 0, 1e6),
    D("artefact", "extreme_sd", extreme_sd, 1, 1e6),
    D("artefact", "emg_lo_hz", emg.lo_hz, 0, 1e5),
    D("artefact", "emg_hi_hz", emg.hi_hz, 0, 1e5),
    D("artefact", "emg_rel_factor", emg_rel_factor, 1, 1e6),
    D("artefact", "emg_abs_factor", emg_abs_factor, 1, 1e6),
};

#undef D
#undef I

#define N_FIELDS (sizeof fields / sizeof fields[0])

void ictus_settings_default(ictus_settings *set)
{
    *set = (ictus_settings){
        .analysis_hz = 250,
        .highpass_hz = 0.5,
        .highpass_order = 2,
        .mains_hz = 50,
        .notch_q = 30,
        .notch_harmonics = 8,
        .min_fs_hz = 50,
        .decimate_atten_db = 60,
        .win_s = 2,
        .hop_s = 1,
        .window = ICTUS_WINDOW_HANN,
        .total = {1, 100},
        .delta = {1, 4},
        .theta = {4, 8},
        .alpha = {8, 13},
        .beta = {13, 30},
        .gamma = {30, 100},
        .spike_k = 4,
        .spike_refractory_s = 0.030,
        .baseline_windows = 600,
        .clip_fraction = 0.01,
        .flat_uv = 0.5,
        .extreme_sd = 25,
        .emg = {60, 150},
        .emg_rel_factor = 4,
        .emg_abs_factor = 10,
    };
}

static ictus_status check_band(const char *name, ictus_band b, ictus_error *err)
{
    if (!(b.lo_hz < b.hi_hz))
        return ictus_fail(err, ICTUS_ERR_CONFIG, "settings: band %s: %g Hz is not below %g Hz",
                          name, b.lo_hz, b.hi_hz);
    return ICTUS_OK;
}

ictus_status ictus_settings_apply(ictus_settings *set, ictus_config *cfg, ictus_error *err)
{
    ictus_status st = ictus_params_apply(fields, N_FIELDS, set, cfg, err);
    if (st != ICTUS_OK)
        return st;
    if (set->highpass_order % 2 != 0)
        return ictus_fail(err, ICTUS_ERR_CONFIG, "settings: [signal] highpass_order = %d: "
                          "expected an even order", set->highpass_order);
    ictus_grid grid; /* hop_s and win_s must make a window grid */
    st = ictus_grid_init(&grid, set->hop_s, set->win_s, err);
    if (st != ICTUS_OK)
        return st;
    const struct { const char *name; ictus_band b; } bands[] = {
        {"total", set->total}, {"delta", set->delta}, {"theta", set->theta},
        {"alpha", set->alpha}, {"beta", set->beta},   {"gamma", set->gamma},
        {"emg", set->emg},
    };
    for (size_t i = 0; i < sizeof bands / sizeof bands[0]; i++) {
        st = check_band(bands[i].name, bands[i].b, err);
        if (st != ICTUS_OK)
            return st;
    }
    return ICTUS_OK;
}

size_t ictus_settings_describe(const ictus_settings *set, char *buf, size_t size)
{
    size_t len = 0;
    ictus_params_describe(fields, N_FIELDS, set, buf, size, &len);
    return len;
}
