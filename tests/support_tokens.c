/* support_tokens.c: see support_tokens.h. */
#include "tests/support_tokens.h"

#include <stdlib.h>
#include <string.h>

void tokens_split(char *line, tokens *tk)
{
    tk->n = tk->i = 0;
    for (char *save, *s = strtok_r(line, " \n", &save); s && tk->n < TOKENS_MAX;
         s = strtok_r(NULL, " \n", &save))
        tk->v[tk->n++] = s;
}

const char *tok(tokens *tk)
{
    return tk->i < tk->n ? tk->v[tk->i++] : "";
}

double tok_double(tokens *tk)
{
    return strtod(tok(tk), NULL);
}

long long tok_int(tokens *tk)
{
    return strtoll(tok(tk), NULL, 10);
}
