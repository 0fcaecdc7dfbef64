/* progress.c: a progress bar on a terminal, log lines otherwise. */
#include "nightly/progress.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/status.h"
#include "base/strbuf.h"

#define BAR_WIDTH 24
#define REDRAW_INTERVAL_S 0.2
#define US_PER_DAY (INT64_C(86400) * 1000000)

struct run_progress {
    const run_reporter *rep;
    int n_files, files_done;
    int64_t total_bytes, bytes_done, recorded_us;
    double start_s, last_draw_s;
    bool drawn;          /* the bar is on screen */
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

run_progress *run_progress_create(const run_reporter *rep, int n_files, int64_t total_bytes)
{
    run_progress *p = ictus_xcalloc(1, sizeof *p);
    p->rep = rep;
    p->n_files = n_files;
    p->total_bytes = total_bytes;
    p->start_s = p->last_draw_s = now_s();
    return p;
}

/* "1h02m", "3m05s", "12s". */
static void format_duration(double s, char *buf, size_t size)
{
    long t = (long)(s + 0.5);
    if (t >= 3600)
        snprintf(buf, size, "%ldh%02ldm", t / 3600, t / 60 % 60);
    else if (t >= 60)
        snprintf(buf, size, "%ldm%02lds", t / 60, t % 60);
    else
        snprintf(buf, size, "%lds", t);
}

static void clear_bar(run_progress *p)
{
    if (p->drawn) {
        p->rep->bar(p->rep->ctx, "");
        p->drawn = false;
    }
}

static void draw(run_progress *p)
{
    double now = now_s(), elapsed = now - p->start_s;
    double share = p->total_bytes > 0 ? (double)p->bytes_done / (double)p->total_bytes : 1;
    int filled = (int)(share * BAR_WIDTH);
    char bar[BAR_WIDTH + 1];
    for (int i = 0; i < BAR_WIDTH; i++)
        bar[i] = i < filled ? '#' : '.';
    bar[BAR_WIDTH] = '\0';
    char eta[32] = "--";
    if (p->bytes_done > 0 && share < 1)
        format_duration(elapsed * (1 - share) / share, eta, sizeof eta);
    char line[256];
    snprintf(line, sizeof line, "[%s] %d/%d files  %.2f animal-days  %3.0f%%  ETA %s", bar,
             p->files_done, p->n_files, (double)p->recorded_us / US_PER_DAY, 100 * share, eta);
    p->rep->bar(p->rep->ctx, line);
    p->drawn = true;
    p->last_draw_s = now;
}

void run_progress_tick(run_progress *p)
{
    if (p->rep->tty && now_s() - p->last_draw_s >= REDRAW_INTERVAL_S)
        draw(p);
}

void run_progress_file_done(run_progress *p, const char *path, int64_t bytes,
                            int64_t recorded_us, double seconds, const char *what)
{
    p->files_done++;
    p->bytes_done += bytes;
    p->recorded_us += recorded_us;
    if (p->rep->tty) {
        draw(p);
        return;
    }
    time_t t = time(NULL);
    struct tm tm;
    char when[32] = "";
    if (localtime_r(&t, &tm))
        strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
    size_t size = strlen(path) + strlen(what) + 128;
    char *line = ictus_xmalloc(size);
    snprintf(line, size, "%s [%d/%d] %s: %s (%.2f animal-days, %.1f s)\n", when, p->files_done,
             p->n_files, path, what, (double)recorded_us / US_PER_DAY, seconds);
    p->rep->log(p->rep->ctx, line);
    free(line);
}

void run_progress_note(run_progress *p, const char *line)
{
    clear_bar(p);
    p->rep->note(p->rep->ctx, line);
    if (p->rep->tty)
        draw(p);
}

void run_progress_destroy(run_progress *p)
{
    if (!p)
        return;
    clear_bar(p);
    free(p);
}

void run_logf(const run_reporter *rep, const char *fmt, ...)
{
    ictus_strbuf text = {0};
    va_list ap;
    va_start(ap, fmt);
    ictus_strbuf_vaddf(&text, fmt, ap);
    va_end(ap);
    rep->log(rep->ctx, ictus_strbuf_text(&text));
    ictus_strbuf_free(&text);
}
