/* xgb.c: libxgboost loaded with dlopen() on first use (xgb.h). */
#include "detectors/learned/xgb.h"

#include <assert.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static ictus_xgb_api api;
static const ictus_xgb_api *loaded; /* &api once every symbol resolved, else NULL */
static char load_error[512];        /* why not, when loaded is NULL */
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

/* One entry per member of ictus_xgb_api: its symbol and where it goes. */
#define SYM(member, symbol) {symbol, (void **)&api.member}
static const struct {
    const char *symbol;
    void **slot;
} symbols[] = {
    SYM(GetLastError, "XGBGetLastError"),
    SYM(BoosterCreate, "XGBoosterCreate"),
    SYM(BoosterFree, "XGBoosterFree"),
    SYM(BoosterSetParam, "XGBoosterSetParam"),
    SYM(BoosterGetNumFeature, "XGBoosterGetNumFeature"),
    SYM(BoosterLoadModelFromBuffer, "XGBoosterLoadModelFromBuffer"),
    SYM(BoosterSaveModelToBuffer, "XGBoosterSaveModelToBuffer"),
    SYM(BoosterUpdateOneIter, "XGBoosterUpdateOneIter"),
    SYM(BoosterPredict, "XGBoosterPredict"),
    SYM(DMatrixCreateFromMat, "XGDMatrixCreateFromMat"),
    SYM(DMatrixSetFloatInfo, "XGDMatrixSetFloatInfo"),
    SYM(DMatrixFree, "XGDMatrixFree"),
    SYM(omp_get_max_threads, "omp_get_max_threads"),
    SYM(omp_set_num_threads, "omp_set_num_threads"),
};
#undef SYM

static void load(void)
{
    const char *name = getenv("ICTUS_XGBOOST_LIBRARY");
    if (!name || !*name)
        name = ICTUS_XGBOOST_SONAME;
    /* RTLD_LOCAL: its symbols are reached through the handle only */
    void *h = dlopen(name, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        snprintf(load_error, sizeof load_error, "cannot load XGBoost (%s), which the learned "
                 "stage needs: %s", name, dlerror());
        return;
    }
    for (size_t i = 0; i < sizeof symbols / sizeof symbols[0]; i++) {
        /* POSIX: a function's address may be read through a void * */
        if (!(*symbols[i].slot = dlsym(h, symbols[i].symbol))) {
            snprintf(load_error, sizeof load_error, "XGBoost (%s) has no function %s: %s", name,
                     symbols[i].symbol, dlerror());
            return; /* the handle stays open: dlclose() of libgomp is not safe */
        }
    }
    loaded = &api;
}

const ictus_xgb_api *ictus_xgb(ictus_error *err)
{
    pthread_once(&load_once, load);
    if (!loaded)
        ictus_fail(err, ICTUS_ERR_CONFIG, "%s", load_error);
    return loaded;
}

const ictus_xgb_api *ictus_xgb_loaded(void)
{
    pthread_once(&load_once, load);
    assert(loaded);
    return loaded;
}
