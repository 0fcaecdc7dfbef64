/* feature_fixture.h: reads tests/fixtures/features.txt (written by
 * tests/fixtures/gen_features.py), shared by test_features and
 * test_spectrum. */
#ifndef ICTUS_FEATURE_FIXTURE_H
#define ICTUS_FEATURE_FIXTURE_H

#include <stdbool.h>

#include "pipeline/features/features.h"
#include "pipeline/settings.h"

#define FEATURE_FIXTURE_PATH "tests/fixtures/features.txt"

/* One window and its reference values. */
typedef struct {
    char name[64];
    int n;
    double fs_hz;
    ictus_window_kind window;
    double baseline_rms;              /* NaN: none */
    double *x;                        /* n samples, µV */
    double *psd;                      /* n/2 + 1 bins, µV²/Hz (scipy.signal.periodogram) */
    double v[ICTUS_N_FEATURES];       /* reference columns, features.h order */
} feature_case;

typedef struct {
    ictus_settings settings;          /* the defaults with the fixture's `settings` line applied */
    feature_case *cases;
    int n_cases, cap_cases;
} feature_fixture;

/* Load `path` into fx; on failure print why (file, line) to stderr and
 * return false, with fx empty.  The `columns` line must name
 * ictus_feature_names in order. */
bool feature_fixture_load(const char *path, feature_fixture *fx);
void feature_fixture_free(feature_fixture *fx);

#endif
