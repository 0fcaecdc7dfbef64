/* fuzz_edf_header.c: the EDF/EDF+/BDF header reader (pipeline/source/edf_header.h)
 * on any bytes: read from an in-memory file, every signal's fields looked at
 * when it is accepted, released.  Seeds: tests/fuzz/corpus/edf_header/. */
#include "tests/fuzz/fuzz.h"

#include "pipeline/source/edf_header.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64];
    int fd = fuzz_memfd(data, size, path);
    ictus_edf_header hdr;
    ictus_error err;
    if (ictus_edf_header_read(fd, "fuzz.edf", &hdr, &err) == ICTUS_OK) {
        /* what the reader promises of an accepted header */
        if (hdr.n_signals < 0 || hdr.n_signals > ICTUS_EDF_MAX_SIGNALS ||
            hdr.record_bytes > ICTUS_EDF_MAX_RECORD_BYTES ||
            hdr.header_bytes != 256 * (int64_t)(hdr.n_signals + 1))
            abort();
        for (int s = 0; s < hdr.n_signals; s++)
            if (hdr.signals[s].samples_per_record <= 0 || hdr.signals[s].record_offset < 0 ||
                hdr.signals[s].record_offset >= hdr.record_bytes || !memchr(hdr.signals[s].label, 0, sizeof hdr.signals[s].label))
                abort();
        ictus_edf_header_clear(&hdr);
    } else if (!memchr(err.msg, 0, sizeof err.msg) || err.msg[0] == '\0') {
        abort(); /* a failure always says what is wrong */
    }
    close(fd);
    return 0;
}
