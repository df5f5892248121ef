/* psl.c - the Public Suffix List through libpsl: the newer of the list
 * built into libpsl and the one the system ships (Debian: the publicsuffix
 * package), loaded once. Only this file includes libpsl.h, so the rules
 * that use the list (generic.c) stay testable with any list. */
#include "psl.h"

#include <libpsl.h>
#include <stdint.h>
#include <string.h>

static const psl_ctx_t *psl;
static psl_ctx_t *loaded; /* owned, when the list came from a file */
static bool tried;

static const psl_ctx_t *list(void)
{
    if (!tried) {
        tried = true;
        loaded = psl_latest(NULL);
        psl = loaded ? loaded : psl_builtin();
    }
    return psl;
}

const char *rdc_psl_source(void)
{
    if (list() == NULL)
        return "none";
    if (loaded == NULL)
        return "built in";
    const char *f = psl_dist_filename();
    return f && *f ? f : "built in";
}

/* A suffix's answers, remembered: in a bulk run the same few suffixes
 * ("test", "example.test", "co.uk") come back for every name, and a lookup
 * in the list costs about a thousand instructions. Direct-mapped; a suffix
 * longer than the key is asked every time. */
#define CACHE_SLOTS 1024
#define CACHE_KEY 48

typedef struct slot {
    char key[CACHE_KEY]; /* "" : empty */
    bool any, icann;
} slot_t;

static slot_t cache[CACHE_SLOTS];

static uint32_t hash(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (uint8_t)s[i]) * 16777619u;
    return h;
}

/* Whether suffix is public in the whole list (any) and in its ICANN
 * section (icann; never without any). */
static void suffix_public(const psl_ctx_t *p, const char *suffix, bool *any, bool *icann)
{
    size_t n = strlen(suffix);
    slot_t *s = n < CACHE_KEY ? &cache[hash(suffix, n) % CACHE_SLOTS] : NULL;
    if (s && strcmp(s->key, suffix) == 0) {
        *any = s->any;
        *icann = s->icann;
        return;
    }
    *any = psl_is_public_suffix2(p, suffix, PSL_TYPE_ANY) != 0;
    *icann = *any && psl_is_public_suffix2(p, suffix, PSL_TYPE_ICANN) != 0;
    if (s) {
        memcpy(s->key, suffix, n + 1);
        s->any = *any;
        s->icann = *icann;
    }
}

void rdc_psl_suffixes(const char *name, size_t *icann, size_t *any)
{
    const psl_ctx_t *p = list();
    *icann = *any = 1;
    if (p == NULL || name == NULL || *name == '\0')
        return;
    size_t labels = 1;
    /* every suffix, from the last label to the whole name: exception and
     * wildcard rules make the public suffixes of a name no simple chain */
    for (size_t i = strlen(name); i-- > 0;) {
        if (name[i] != '.' && i != 0)
            continue;
        bool a, c;
        suffix_public(p, name[i] == '.' ? name + i + 1 : name, &a, &c);
        if (a)
            *any = labels;
        if (c)
            *icann = labels;
        labels++;
    }
}

size_t rdc_psl_suffix_labels(const char *name, bool private_too)
{
    size_t icann, any;
    rdc_psl_suffixes(name, &icann, &any);
    return private_too ? any : icann;
}
