/* event.c: events.csv rows. */
#include "pipeline/event.h"

#include "base/walltime.h"

const char ictus_events_csv_header[] =
    "recording,animal,channel,start_s,end_s,duration_s,start_time,type,score,preset";

void ictus_events_csv_write_header(ictus_out *o)
{
    ictus_out_str(o, ictus_events_csv_header);
    ictus_out_char(o, '\n');
}

void ictus_events_csv_write_place(ictus_out *o, const char *recording, const char *animal,
                                  const ictus_event *e)
{
    char when[32];
    ictus_out_field(o, recording);
    ictus_out_char(o, ',');
    ictus_out_field(o, animal);
    ictus_out_char(o, ',');
    ictus_out_field(o, e->channel);
    ictus_out_char(o, ',');
    ictus_out_fixed(o, ictus_us_to_s(e->start_us), 3);
    ictus_out_char(o, ',');
    ictus_out_fixed(o, ictus_us_to_s(e->end_us), 3);
    ictus_out_char(o, ',');
    ictus_out_fixed(o, ictus_us_to_s(e->end_us - e->start_us), 3);
    ictus_out_char(o, ',');
    ictus_out_str(o, ictus_walltime_format(e->wall_start_us, when, sizeof when));
    ictus_out_char(o, ',');
    ictus_out_field(o, e->type);
}

void ictus_events_csv_write(ictus_out *o, const char *recording, const char *animal,
                            const char *preset, const ictus_event *e)
{
    ictus_events_csv_write_place(o, recording, animal, e);
    ictus_out_char(o, ',');
    ictus_out_fixed(o, e->score, 3);
    ictus_out_char(o, ',');
    ictus_out_field(o, preset);
    ictus_out_char(o, '\n');
}
