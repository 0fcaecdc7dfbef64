/* support_tokens.h: a line of a reference fixture (a .txt under tests/fixtures/, written
 * by the gen_*.py generators) as whitespace-separated tokens, read in order.
 *
 * tokens_split() cuts the line in place (the tokens point into it; at most
 * TOKENS_MAX are kept); tok() returns the next token, "" past the last one,
 * so a short line reads as empty values that the checks then reject. */
#ifndef ICTUS_TESTS_SUPPORT_TOKENS_H
#define ICTUS_TESTS_SUPPORT_TOKENS_H

#include <stddef.h>

#define TOKENS_MAX 4096

typedef struct {
    char *v[TOKENS_MAX];
    size_t n, i;
} tokens;

void tokens_split(char *line, tokens *tk);
const char *tok(tokens *tk);
double tok_double(tokens *tk);
long long tok_int(tokens *tk);

#endif
