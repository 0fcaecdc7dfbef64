/* plan_event.c: the table of event kinds and the event list. */
#include "synth/plan_event.h"

#include <stdlib.h>
#include <string.h>

#include "synth/artefacts.h"
#include "synth/background.h"
#include "base/status.h"
#include "synth/families.h"
#include "synth/seizures.h"
#include "synth/status_epilepticus.h"
#include "base/vec.h"

const ictus_synth_kind_desc ictus_synth_kinds[ICTUS_SYNTH_N_KINDS] = {
    [ICTUS_SYNTH_HPD] = {"hpd", "hpd", ICTUS_SYNTH_SEIZURE, 1, NULL, ictus_synth_render_hpd},
    [ICTUS_SYNTH_CONVULSIVE] = {"convulsive", "convulsive", ICTUS_SYNTH_SEIZURE, 1,
                                ictus_synth_start_seizure, ictus_synth_render_convulsive},
    [ICTUS_SYNTH_GTCS] = {"gtcs", "convulsive", ICTUS_SYNTH_SEIZURE, 1,
                          ictus_synth_start_seizure, ictus_synth_render_gtcs},
    [ICTUS_SYNTH_AFTERDISCHARGE] = {"evoked", "evoked", ICTUS_SYNTH_SEIZURE, 1,
                                    ictus_synth_start_seizure, ictus_synth_render_afterdischarge},
    [ICTUS_SYNTH_GROOMING] = {"grooming", NULL, ICTUS_SYNTH_ARTEFACT, 1,
                              ictus_synth_start_muscle, ictus_synth_render_muscle},
    [ICTUS_SYNTH_CHEWING] = {"chewing", NULL, ICTUS_SYNTH_ARTEFACT, 1, ictus_synth_start_muscle,
                             ictus_synth_render_muscle},
    [ICTUS_SYNTH_MOVEMENT] = {"movement", NULL, ICTUS_SYNTH_ARTEFACT, 1, NULL,
                              ictus_synth_render_movement},
    [ICTUS_SYNTH_POP] = {"pop", NULL, ICTUS_SYNTH_ARTEFACT, 1, NULL, ictus_synth_render_pop},
    [ICTUS_SYNTH_DROPOUT] = {"dropout", NULL, ICTUS_SYNTH_ARTEFACT, 0, NULL,
                             ictus_synth_render_dropout},
    [ICTUS_SYNTH_CLIPPING] = {"clipping", NULL, ICTUS_SYNTH_ARTEFACT, 1, NULL,
                              ictus_synth_render_clipping},
    [ICTUS_SYNTH_MAINS] = {"mains", NULL, ICTUS_SYNTH_ARTEFACT, 0, NULL, ictus_synth_render_mains},
    [ICTUS_SYNTH_HVS] = {"hvs", NULL, ICTUS_SYNTH_ARTEFACT, 1, NULL, ictus_synth_render_hvs},
    [ICTUS_SYNTH_STIMULUS] = {"stimulus", NULL, ICTUS_SYNTH_ARTEFACT, 1, NULL,
                              ictus_synth_render_stimulus},
    [ICTUS_SYNTH_IMPEDANCE] = {"impedance_step", NULL, ICTUS_SYNTH_ARTEFACT, 1, NULL, NULL},
    [ICTUS_SYNTH_GAP] = {"gap", NULL, ICTUS_SYNTH_ARTEFACT, 0, NULL, ictus_synth_render_dropout},
    [ICTUS_SYNTH_POSTICTAL] = {"postictal", NULL, ICTUS_SYNTH_BACKGROUND, 0, NULL,
                               ictus_synth_render_postictal},
    [ICTUS_SYNTH_SPIKE] = {"spike", NULL, ICTUS_SYNTH_BACKGROUND, 1, NULL,
                           ictus_synth_render_spike},
    [ICTUS_SYNTH_SPINDLE] = {"spindle", NULL, ICTUS_SYNTH_BACKGROUND, 1, NULL,
                             ictus_synth_render_spindle},
    [ICTUS_SYNTH_GROOM_WIDE] = {"grooming_wide", NULL, ICTUS_SYNTH_ARTEFACT, 1,
                                ictus_synth_start_muscle, ictus_synth_render_groom_wide},
    [ICTUS_SYNTH_SPIKE_BURST] = {"spike_burst", NULL, ICTUS_SYNTH_ARTEFACT, 1, NULL,
                                 ictus_synth_render_hvs},
    [ICTUS_SYNTH_THETA_WIDE] = {"theta_wide", NULL, ICTUS_SYNTH_ARTEFACT, 1, NULL,
                                ictus_synth_render_theta_wide},
    [ICTUS_SYNTH_MOVEMENT_WIDE] = {"movement_wide", NULL, ICTUS_SYNTH_ARTEFACT, 1, NULL,
                                   ictus_synth_render_movement_wide},
    [ICTUS_SYNTH_SPINDLE_WIDE] = {"spindle_wide", NULL, ICTUS_SYNTH_ARTEFACT, 1, NULL,
                                  ictus_synth_render_spindle_wide},
    [ICTUS_SYNTH_HVS_WIDE] = {"hvs_wide", NULL, ICTUS_SYNTH_ARTEFACT, 1, NULL,
                              ictus_synth_render_hvs},
    [ICTUS_SYNTH_POP_WIDE] = {"pop_wide", NULL, ICTUS_SYNTH_ARTEFACT, 1, NULL,
                              ictus_synth_render_pop},
    [ICTUS_SYNTH_CLIPPING_WIDE] = {"clipping_wide", NULL, ICTUS_SYNTH_ARTEFACT, 1, NULL,
                                   ictus_synth_render_clipping},
    [ICTUS_SYNTH_SE] = {"status_epilepticus", ICTUS_SYNTH_SE_TYPE, ICTUS_SYNTH_SEIZURE, 1,
                        ictus_synth_start_se, ictus_synth_render_se},
};

ictus_synth_event *ictus_synth_events_add(ictus_synth_events *list, ictus_synth_kind kind,
                                          int64_t start, int64_t end)
{
    ICTUS_GROW(list->items, list->n + 1, list->cap);
    ictus_synth_event *ev = &list->items[list->n++];
    memset(ev, 0, sizeof *ev);
    ev->kind = kind;
    ev->start = start;
    ev->end = end;
    ev->channel = -1;
    return ev;
}

static int by_start(const void *a, const void *b)
{
    const ictus_synth_event *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    if (x->kind != y->kind)
        return x->kind < y->kind ? -1 : 1;
    if (x->end != y->end)
        return x->end < y->end ? -1 : 1;
    return x->seed < y->seed ? -1 : x->seed > y->seed;
}

void ictus_synth_events_sort(ictus_synth_events *list)
{
    if (list->n > 1)
        qsort(list->items, (size_t)list->n, sizeof *list->items, by_start);
}

void ictus_synth_events_free(ictus_synth_events *list)
{
    free(list->items);
    list->items = NULL;
    list->n = list->cap = 0;
}
