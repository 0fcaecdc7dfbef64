/* bench_floor.c: the benchmark's floor: read every sample of a recording
 * into floats through the project's reader, and nothing else.
 * usage: bench_floor RECORDING   prints the sample count and their sum. */
#include <stdio.h>

#include "pipeline/source.h"

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
            float s = 0;
            for (long long i = 0; i < blk->n[c]; i++)
                s += blk->samples[c][i];
            sum += s;
            got += blk->n[c];
        }
        if (got == 0)
            break;
        n += got;
    }
    printf("samples=%lld sum=%g\n", n, sum);
    ictus_block_destroy(blk);
    ictus_source_close(src);
    return 0;
}
