/* xgb.h: the XGBoost C API functions the learned stage calls, loaded from
 * libxgboost with dlopen() on first use.
 *
 * libxgboost, and libgomp and libstdc++ behind it, cost every ictus process
 * ~5.7 MiB of resident memory and ~10 ms of start-up (their relocations and
 * C++ static constructors) when linked, although only the verbs that load a
 * learned model use them.  Loaded on first use, `ictus features`, `info`,
 * rule-only presets and the study verbs never map them.
 *
 * The library is $ICTUS_XGBOOST_LIBRARY when set (a path or a file name the
 * dynamic loader searches), else ICTUS_XGBOOST_SONAME, the soname ictus was
 * built against.  Each member has the type of the function of the same name
 * in <xgboost/c_api.h> (or <omp.h> for the two OpenMP calls, found through
 * libxgboost's own dependency on libgomp), so a call reads as it did when
 * linked: xgb->BoosterCreate(...) for XGBoosterCreate(...).
 *
 * Thread safety: ictus_xgb() may be called from any thread; the library is
 * loaded once, by the first caller, and stays loaded until the process ends.
 */
#ifndef ICTUS_XGB_H
#define ICTUS_XGB_H

#include <omp.h>
#include <xgboost/c_api.h>

#include "base/status.h"

#ifndef ICTUS_XGBOOST_SONAME
#define ICTUS_XGBOOST_SONAME "libxgboost.so.0"
#endif

typedef struct {
    __typeof__(&XGBGetLastError) GetLastError;
    __typeof__(&XGBoosterCreate) BoosterCreate;
    __typeof__(&XGBoosterFree) BoosterFree;
    __typeof__(&XGBoosterSetParam) BoosterSetParam;
    __typeof__(&XGBoosterGetNumFeature) BoosterGetNumFeature;
    __typeof__(&XGBoosterLoadModelFromBuffer) BoosterLoadModelFromBuffer;
    __typeof__(&XGBoosterSaveModelToBuffer) BoosterSaveModelToBuffer;
    __typeof__(&XGBoosterUpdateOneIter) BoosterUpdateOneIter;
    __typeof__(&XGBoosterPredict) BoosterPredict;
    __typeof__(&XGDMatrixCreateFromMat) DMatrixCreateFromMat;
    __typeof__(&XGDMatrixSetFloatInfo) DMatrixSetFloatInfo;
    __typeof__(&XGDMatrixFree) DMatrixFree;
    __typeof__(&omp_get_max_threads) omp_get_max_threads;
    __typeof__(&omp_set_num_threads) omp_set_num_threads;
} ictus_xgb_api;

/* The API, loading the library on the first call.  NULL when the library or
 * one of its functions cannot be loaded: then err says so, naming the
 * library and the loader's reason (ICTUS_ERR_CONFIG: ictus is installed
 * without the XGBoost its learned presets need), on this and every later call. */
const ictus_xgb_api *ictus_xgb(ictus_error *err);
/* The API after a call of ictus_xgb() that returned it (asserted). */
const ictus_xgb_api *ictus_xgb_loaded(void);

#endif
