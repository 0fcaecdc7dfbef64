/* fuzz_records.c: the EDF/EDF+/BDF data-record reader through the source
 * layer (fuzz_source.h): header, EDF+ annotations and record start times at
 * open, then blocks of records decoded, a seek and a rewind.  Seeds (an EDF
 * header with one or two records): tests/fuzz/corpus/records/. */
#include "tests/fuzz/fuzz_source.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64];
    int fd = fuzz_memfd(data, size, path);
    fuzz_source_path(path);
    close(fd);
    return 0;
}
