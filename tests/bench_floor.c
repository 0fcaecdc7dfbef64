/* bench_floor.c: the benchmark's floor: read every sample of a recording
 * into floats through the project's reader, and nothing else (a checksum of
 * each block's first and last samples keeps the work from being optimised
 * away without adding a pass over the data).
 * usage: bench_floor RECORDING   prints the sample count and the checksum. */
#include <stdio.h>

#include "pipeline/source/source.h"

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: bench_floor RECORDING\n");
        return 2;
    }
    ictus_source *src;
    ictus_error err;
    if (ictus_source_open(argv[1], NULL, &src, &err) != ICTUS_OK) {
        fprintf(stderr, "bench_floor: %s\n", err.msg);
        return 1;
    }
    ictus_block *blk = ictus_block_create(src);
    long long n = 0;
    double sum = 0;
    for (;;) {
        if (ictus_source_read(src, blk, &err) != ICTUS_OK) {
            fprintf(stderr, "bench_floor: %s\n", err.msg);
            return 1;
        }
        long long got = 0;
        for (int c = 0; c < blk->n_channels; c++) {
            if (blk->n[c] > 0)
                sum += blk->samples[c][0] + blk->samples[c][blk->n[c] - 1];
            got += blk->n[c];
        }
        if (got == 0)
            break;
        n += got;
    }
    printf("samples=%lld checksum=%g\n", n, sum);
    ictus_block_destroy(blk);
    ictus_source_close(src);
    return 0;
}
