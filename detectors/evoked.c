/* evoked.c: blanking and afterdischarge tracking after stimulations. */
#include "detectors/evoked.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/status.h"
#include "base/walltime.h"

enum { IDLE, BLANKING, AFTERDISCHARGE };

struct ictus_evoked {
    const ictus_detector_params *p;
    const ictus_grid *grid;
    int64_t *stim_us;  /* sorted onsets */
    int n_stim, next_stim;
    int state;
    int64_t ad_stim_us; /* onset of the current stimulation */
    int64_t ad_last_k;  /* last window at end_ratio or more, -1 if none */
    int64_t ad_end_us;  /* where the afterdischarge ends so far, -1 before ad_last_k */
    int64_t ad_below;   /* consecutive windows below */
};

static bool contains_ci(const char *text, const char *pattern)
{
    size_t n = strlen(pattern);
    if (n == 0)
        return false;
    for (const char *s = text; *s; s++)
        if (strncasecmp(s, pattern, n) == 0)
            return true;
    return false;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

ictus_evoked *ictus_evoked_create(const ictus_detector_params *p, const ictus_grid *grid,
                                  const ictus_recording_info *info, const int64_t *stim_us,
                                  int n_stim)
{
    ictus_evoked *ev = ictus_xcalloc(1, sizeof *ev);
    ev->p = p;
    ev->grid = grid;
    ev->stim_us = ictus_xcalloc((size_t)(n_stim + info->n_annotations + 1), sizeof(int64_t));
    for (int i = 0; i < n_stim; i++)
        ev->stim_us[ev->n_stim++] = stim_us[i];
    if (p->evoked)
        for (int i = 0; i < info->n_annotations; i++)
            if (contains_ci(info->annotations[i].text, p->stim_pattern))
                ev->stim_us[ev->n_stim++] = info->annotations[i].onset_us;
    qsort(ev->stim_us, (size_t)ev->n_stim, sizeof(int64_t), cmp_i64);
    return ev;
}

void ictus_evoked_destroy(ictus_evoked *ev)
{
    if (!ev)
        return;
    free(ev->stim_us);
    free(ev);
}

bool ictus_evoked_blanked(const ictus_evoked *ev, int64_t k)
{
    int64_t t0 = ictus_grid_start_us(ev->grid, k), t1 = ictus_grid_end_us(ev->grid, k);
    int64_t span = ictus_s_to_us(ev->p->stim_duration_s + ev->p->blank_s);
    for (int i = 0; i < ev->n_stim; i++) {
        if (ev->stim_us[i] >= t1)
            break;
        if (ev->stim_us[i] + span > t0)
            return true;
    }
    return false;
}

/* Close the open stimulation into *done. */
static void end_stimulation(ictus_evoked *ev, ictus_afterdischarge *done)
{
    done->stim_us = ev->ad_stim_us;
    done->start_us = ev->ad_stim_us + ictus_s_to_us(ev->p->stim_duration_s);
    done->end_us = ev->ad_last_k < 0 ? -1 : ev->ad_end_us;
    ev->state = IDLE;
}

bool ictus_evoked_window(ictus_evoked *ev, int64_t k, double primary_ratio,
                         const int64_t spike_us[2], ictus_afterdischarge *done, bool *ended)
{
    const ictus_detector_params *p = ev->p;
    int64_t t0 = ictus_grid_start_us(ev->grid, k), win_us = ev->grid->win_us;
    *ended = false;
    if (ev->state == IDLE) {
        while (ev->next_stim < ev->n_stim && ev->stim_us[ev->next_stim] + win_us <= t0)
            ev->next_stim++; /* stimulations before the data we decide on */
        if (ev->next_stim >= ev->n_stim || ev->stim_us[ev->next_stim] >= t0 + win_us)
            return false;
        ev->ad_stim_us = ev->stim_us[ev->next_stim++];
        ev->state = BLANKING;
        ev->ad_last_k = -1;
        ev->ad_end_us = -1;
        ev->ad_below = 0;
    }
    if (ev->state == BLANKING) {
        if (t0 < ev->ad_stim_us + ictus_s_to_us(p->stim_duration_s + p->blank_s))
            return true;
        ev->state = AFTERDISCHARGE;
    }
    if (primary_ratio >= p->end_ratio) {
        int64_t end = spike_us[1] >= 0 ? spike_us[1] : ictus_grid_tile_end_us(ev->grid, k);
        if (ev->ad_last_k < 0 || end > ev->ad_end_us)
            ev->ad_end_us = end;
        ev->ad_last_k = k;
        ev->ad_below = 0;
    } else if (ev->ad_last_k >= 0 && spike_us[0] >= 0 &&
               spike_us[0] - ev->ad_end_us <= ictus_s_to_us(p->edge_gap_s) &&
               spike_us[1] > ev->ad_end_us) {
        ev->ad_end_us = spike_us[1]; /* its spikes go on below end_ratio */
    }
    if (primary_ratio < p->end_ratio &&
        ++ev->ad_below * ev->grid->hop_us >= ictus_s_to_us(p->end_hold_s)) {
        end_stimulation(ev, done);
        *ended = true;
        return true;
    }
    if (ictus_grid_start_us(ev->grid, k) - ev->ad_stim_us > ictus_s_to_us(p->evoked_max_s)) {
        end_stimulation(ev, done);
        *ended = true;
    }
    return true;
}

bool ictus_evoked_finish(ictus_evoked *ev, ictus_afterdischarge *done)
{
    if (ev->state == IDLE)
        return false;
    end_stimulation(ev, done);
    return true;
}

int64_t ictus_evoked_open_start_us(const ictus_evoked *ev)
{
    return ev->state != IDLE ? ev->ad_stim_us : INT64_MAX;
}
