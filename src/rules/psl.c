/* psl.c - the Public Suffix List through libpsl: the newer of the list
 * built into libpsl and the one the system ships (Debian: the publicsuffix
 * package), loaded once. Only this file includes libpsl.h, so the rules
 * that use the list (generic.c) stay testable with any list. */
#include "psl.h"

#include <libpsl.h>
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

size_t rdc_psl_suffix_labels(const char *name, bool private_too)
{
    const psl_ctx_t *p = list();
    if (p == NULL || name == NULL || *name == '\0')
        return 1;
    int type = private_too ? PSL_TYPE_ANY : PSL_TYPE_ICANN;
    size_t labels = 1, best = 1;
    /* every suffix, from the last label to the whole name: exception and
     * wildcard rules make the public suffixes of a name no simple chain */
    for (size_t i = strlen(name); i-- > 0;) {
        if (name[i] != '.' && i != 0)
            continue;
        const char *suffix = name[i] == '.' ? name + i + 1 : name;
        if (psl_is_public_suffix2(p, suffix, type))
            best = labels;
        labels++;
    }
    return best;
}
