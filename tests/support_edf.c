/* support_edf.c: test-only helpers for the EDF reader and writer tests. */
#include "tests/support_edf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pipeline/source/edf_header.h"
#include "pipeline/source/edf_lock.h"
#include "base/readfile.h"
#include "base/status.h"

bool support_edf_write_file(const char *path, const void *bytes, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return false;
    bool ok = fwrite(bytes, 1, n, f) == n;
    return fclose(f) == 0 && ok;
}

unsigned char *support_edf_read_file(const char *path, size_t *n)
{
    char *bytes;
    return ictus_read_file(path, &bytes, n, NULL) == ICTUS_OK ? (unsigned char *)bytes : NULL;
}

void support_edf_put(unsigned char *bytes, int64_t at, int width, const char *text)
{
    size_t n = strlen(text);
    memset(bytes + at, ' ', (size_t)width);
    memcpy(bytes + at, text, n < (size_t)width ? n : (size_t)width);
}

static void put_signal(unsigned char *bytes, int ns, ictus_edf_field f, int s, const char *text)
{
    int width;
    int64_t at = ictus_edf_field_at(ns, f, s, &width);
    support_edf_put(bytes, at, width, text);
}

support_edf_image support_edf_make(int n_data, int samples, int n_records, const char *reserved,
                                   int tal_bytes)
{
    support_edf_image img = {0};
    bool plus = reserved[0] != '\0';
    int ns = n_data + plus;
    int64_t header = 256 * (int64_t)(ns + 1);
    img.n_signals = ns;
    img.tal_bytes = plus ? tal_bytes : 0;
    img.record_bytes = (int64_t)n_data * samples * 2 + img.tal_bytes;
    img.annotation_at = plus ? (int64_t)n_data * samples * 2 : -1;
    img.size = (size_t)(header + n_records * img.record_bytes);
    img.bytes = ictus_xcalloc(1, img.size);
    memset(img.bytes, ' ', (size_t)header);
    char text[32];
    support_edf_put(img.bytes, ICTUS_EDF_AT_VERSION, 8, "0");
    support_edf_put(img.bytes, ICTUS_EDF_AT_PATIENT, 80, "rat-7 X X X");
    support_edf_put(img.bytes, ICTUS_EDF_AT_RECORDING, 80, "Startdate 02-JAN-2020 X X X test");
    support_edf_put(img.bytes, ICTUS_EDF_AT_DATE, 8, "02.01.20");
    support_edf_put(img.bytes, ICTUS_EDF_AT_TIME, 8, "03.04.05");
    snprintf(text, sizeof text, "%lld", (long long)header);
    support_edf_put(img.bytes, ICTUS_EDF_AT_HEADER_BYTES, 8, text);
    support_edf_put(img.bytes, ICTUS_EDF_AT_RESERVED, 44, reserved);
    snprintf(text, sizeof text, "%d", n_records);
    support_edf_put(img.bytes, ICTUS_EDF_AT_N_RECORDS, 8, text);
    support_edf_put(img.bytes, ICTUS_EDF_AT_DURATION, 8, "1");
    snprintf(text, sizeof text, "%d", ns);
    support_edf_put(img.bytes, ICTUS_EDF_AT_N_SIGNALS, 4, text);
    for (int s = 0; s < ns; s++) {
        bool annotation = s == n_data;
        snprintf(text, sizeof text, "S%d", s);
        put_signal(img.bytes, ns, ICTUS_EDF_LABEL, s, annotation ? "EDF Annotations" : text);
        put_signal(img.bytes, ns, ICTUS_EDF_UNIT, s, annotation ? "" : "uV");
        put_signal(img.bytes, ns, ICTUS_EDF_PHYS_MIN, s, annotation ? "-1" : "-3276.8");
        put_signal(img.bytes, ns, ICTUS_EDF_PHYS_MAX, s, annotation ? "1" : "3276.7");
        put_signal(img.bytes, ns, ICTUS_EDF_DIG_MIN, s, "-32768");
        put_signal(img.bytes, ns, ICTUS_EDF_DIG_MAX, s, "32767");
        snprintf(text, sizeof text, "%d", annotation ? tal_bytes / 2 : samples);
        put_signal(img.bytes, ns, ICTUS_EDF_SAMPLES, s, text);
    }
    for (int r = 0; r < n_records; r++) {
        unsigned char *rec = img.bytes + support_edf_record_at(&img, r);
        for (int s = 0; s < n_data; s++)
            for (int i = 0; i < samples; i++) {
                uint16_t v = (uint16_t)((s + 1) * 1000 + r * 100 + i);
                rec[(s * samples + i) * 2] = (unsigned char)(v & 0xff);
                rec[(s * samples + i) * 2 + 1] = (unsigned char)(v >> 8);
            }
        if (plus) {
            char tal[32];
            int n = snprintf(tal, sizeof tal, "+%d\x14\x14", r);
            support_edf_set_tal(&img, r, tal, (size_t)n + 1);
        }
    }
    return img;
}

int64_t support_edf_record_at(const support_edf_image *img, int64_t r)
{
    return 256 * (int64_t)(img->n_signals + 1) + r * img->record_bytes;
}

void support_edf_set_tal(support_edf_image *img, int64_t r, const char *tal, size_t len)
{
    unsigned char *at = img->bytes + support_edf_record_at(img, r) + img->annotation_at;
    memset(at, 0, (size_t)img->tal_bytes);
    memcpy(at, tal, len < (size_t)img->tal_bytes ? len : (size_t)img->tal_bytes);
}

int32_t support_edf_raw_sample(const unsigned char *file, int64_t header_bytes,
                               int64_t record_bytes, int64_t record_offset, int bytes_per_sample,
                               int64_t r, int64_t i)
{
    const unsigned char *p = file + header_bytes + r * record_bytes + record_offset +
                             i * bytes_per_sample;
    int32_t v = 0;
    for (int b = bytes_per_sample - 1; b >= 0; b--)
        v = v * 256 + p[b];
    int32_t half = bytes_per_sample == 2 ? 1 << 15 : 1 << 23;
    return v >= half ? v - 2 * half : v;
}

struct edf_hdr_struct *support_edflib_open(const char *path, int read_annotations, int *code)
{
    struct edf_hdr_struct *hdr = ictus_xcalloc(1, sizeof *hdr);
    ictus_edflib_lock();
    int rc = edfopen_file_readonly(path, hdr, read_annotations);
    ictus_edflib_unlock();
    if (code)
        *code = rc == 0 ? 0 : hdr->filetype;
    if (rc != 0) {
        free(hdr);
        return NULL;
    }
    return hdr;
}

void support_edflib_close(struct edf_hdr_struct *hdr)
{
    if (!hdr)
        return;
    ictus_edflib_lock();
    edfclose_file(hdr->handle);
    ictus_edflib_unlock();
    free(hdr);
}

bool support_edf_msg_has(const char *msg, ...)
{
    if (!msg || strchr(msg, '\n'))
        return false;
    va_list ap;
    va_start(ap, msg);
    bool ok = true;
    for (const char *s = va_arg(ap, const char *); s; s = va_arg(ap, const char *))
        ok = ok && strstr(msg, s) != NULL;
    va_end(ap);
    return ok;
}
