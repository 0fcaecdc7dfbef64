/* fuzz_sound.c: sound-file headers: the hand-read chunk list
 * (pipeline/source/sndheader.h) and the libsndfile path of the source layer
 * (fuzz_source.h) on any bytes.  Seeds (short WAV, RF64, W64, AIFF, FLAC):
 * tests/fuzz/corpus/sound/. */
#include "tests/fuzz/fuzz_source.h"

#include "pipeline/source/sndheader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64];
    int fd = fuzz_memfd(data, size, path);
    ictus_sndheader hdr;
    ictus_sndheader_read(path, &hdr);
    if (hdr.data_bytes < -1 || hdr.frames < -1 || hdr.block_align < 0 || hdr.valid_bits < 0 ||
        (hdr.unfinished && hdr.data_bytes != -1))
        abort();
    fuzz_source_path(path);
    close(fd);
    return 0;
}
