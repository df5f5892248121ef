/* fuzz_mtaconf.c - libFuzzer target for --self's configuration readers
 * (mtaconf.c): any bytes as postconf and as exim -bP output. Every string
 * kept must be NUL-terminated printable ASCII, a valid bind address must be
 * of its family, and reading the same text twice gives the same result. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mtaconf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_string(const char *s, size_t cap)
{
    const char *nul = memchr(s, '\0', cap);
    if (nul == NULL)
        abort();
    for (const char *p = s; p < nul; p++)
        if (*p < 0x20 || *p > 0x7e)
            abort();
}

static void check(const rdc_mta_conf_t *m)
{
    check_string(m->protocols, sizeof m->protocols);
    check_string(m->helo, sizeof m->helo);
    check_string(m->helo_param, sizeof m->helo_param);
    check_string(m->note, sizeof m->note);
    for (int k = 0; k < 2; k++) {
        const rdc_mta_bind_t *b = &m->bind[k];
        check_string(b->text, sizeof b->text);
        check_string(b->param, sizeof b->param);
        if (b->valid && (!b->set || b->addr.family != (k ? 6 : 4)))
            abort();
    }
    if (m->kind == RDC_MTA_NONE && (m->v4 || m->v6 || m->helo[0]))
        abort();
}

static void count(void *ctx, const char *name, const char *value)
{
    (*(size_t *)ctx)++;
    check_string(name, RDC_MTA_VALUE_MAX);
    check_string(value, RDC_MTA_VALUE_MAX);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    rdc_mta_conf_t a, b;
    size_t n = 0;
    if (rdc_conf_pairs(text, size, count, &n) != n)
        abort();
    rdc_postconf_read(text, size, &a);
    rdc_postconf_read(text, size, &b);
    check(&a);
    if (memcmp(&a, &b, sizeof a) != 0)
        abort();
    rdc_exim_read(text, size, &a);
    rdc_exim_read(text, size, &b);
    check(&a);
    if (memcmp(&a, &b, sizeof a) != 0)
        abort();
    return 0;
}
