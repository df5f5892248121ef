/* unit_result.h - building rdc_result_t values by hand in unit tests (the
 * reporters' and the rules' tests share these). */
#ifndef RDC_UNIT_RESULT_H
#define RDC_UNIT_RESULT_H

#include "rdnscheck.h"
#include "unit.h"

/* A heap copy of s (fails the test without memory). */
static inline char *unit_strdup(const char *s)
{
    return unit_memdup(s, strlen(s) + 1);
}

/* Appends a PTR name of the given kind to r (everything else zero) and
 * returns it for the caller to fill in. */
static inline rdc_name_result_t *unit_name_push(rdc_result_t *r, const char *name,
                                                rdc_name_kind_t kind)
{
    rdc_name_result_t *n = realloc(r->names, (r->nnames + 1) * sizeof *n);
    assert_non_null(n);
    r->names = n;
    n = &r->names[r->nnames++];
    memset(n, 0, sizeof *n);
    n->name = unit_strdup(name);
    n->kind = kind;
    return n;
}

#endif
