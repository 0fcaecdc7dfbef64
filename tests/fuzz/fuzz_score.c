/* fuzz_score.c: the truth and detection CSVs of `ictus score`
 * (detectors/score_inputs.h) from any bytes.  The input is cut at a
 * "\n=====\n" line (fuzz.h) into truth.csv and events.csv in the scratch
 * directory (no second part: events.csv is the truth again); both are loaded
 * with the recordings looked for beside them (none there: every one is scored
 * over its events' span), then scored into the event and sample tables.
 * Seeds: tests/fuzz/corpus/score/. */
#include "tests/fuzz/fuzz.h"

#include "detectors/score_inputs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *part[2];
    size_t len[2];
    int n = fuzz_split(data, size, 2, part, len);
    fuzz_put_file("truth.csv", part[0], len[0], 1);
    fuzz_put_file("events.csv", part[n - 1], len[n - 1], 1);
    char truth[FUZZ_PATH], pred[FUZZ_PATH];
    ictus_score_sources src = {
        .truth_path = fuzz_file("truth.csv", truth, sizeof truth),
        .pred_path = fuzz_file("events.csv", pred, sizeof pred),
    };
    ictus_score_inputs *in = NULL;
    ictus_error err;
    if (ictus_score_inputs_load(&src, &in, &err) == ICTUS_OK) {
        ictus_score_params p;
        ictus_score_params_default(&p);
        ictus_score_table *events = ictus_score_table_create();
        ictus_score_table *samples = ictus_score_table_create();
        ictus_score_inputs_tables(in, &p, events, samples);
        for (size_t i = 0; i < ictus_score_table_count(events); i++)
            ictus_score_table_row(events, i);
        ictus_score_table_summary(events);
        ictus_score_table_summary(samples);
        ictus_score_table_destroy(events);
        ictus_score_table_destroy(samples);
        ictus_score_inputs_destroy(in);
    } else if (in || err.msg[0] == '\0') {
        abort();
    }
    return 0;
}
