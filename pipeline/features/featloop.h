/* featloop.h: the summing loop the feature modules share.
 *
 * ICTUS_SUM4(sum, i, first, last, term) sets `sum` to the sum of `term`, an
 * expression in the int `i`, for i = first .. last-1.  Floating-point
 * addition is not associative, so the compiler must keep a plain summing
 * loop as one chain of dependent additions (~4 cycles each); four
 * interleaved partial sums let them overlap, which makes the per-window
 * features several times faster.  The result differs from a sequential
 * sum by a few ulps at most.  `i` is declared by the macro and must not
 * name a variable of the enclosing scope.
 */
#ifndef ICTUS_FEATLOOP_H
#define ICTUS_FEATLOOP_H

#define ICTUS_SUM4(sum, i, first, last, term)                                                      \
    do {                                                                                           \
        double s0_ = 0, s1_ = 0, s2_ = 0, s3_ = 0;                                                 \
        const int last_ = (last);                                                                  \
        int i = (first);                                                                           \
        for (; i + 4 <= last_; i++) {                                                              \
            s0_ += (term);                                                                         \
            i++;                                                                                   \
            s1_ += (term);                                                                         \
            i++;                                                                                   \
            s2_ += (term);                                                                         \
            i++;                                                                                   \
            s3_ += (term);                                                                         \
        }                                                                                          \
        for (; i < last_; i++)                                                                     \
            s0_ += (term);                                                                         \
        (sum) = (s0_ + s1_) + (s2_ + s3_);                                                         \
    } while (0)

#endif
