/* expand.h - a target's work, and the host-name targets that become
 * addresses first (their A and AAAA records); each address is then checked
 * like an address target (addrcheck.h). Domains: domain.h. Internal. */
#ifndef RDC_EXPAND_H
#define RDC_EXPAND_H

#include <stdbool.h>

#include "addrcheck.h"
#include "item.h"

/* What one target yields: a check per address and results without an
 * address (a bad target, a host name's failed lookups, a domain's
 * summary). The engine owns it (its ring slot), emits it, and releases it
 * with rdc_target_clear; whoever works on it adds to it. */
typedef struct rdc_target {
    rdc_item_t item;
    rdc_task_t pending; /* unfinished: its checks, the host or domain step */
    size_t nchildren;
    rdc_chk_t **children;
    rdc_result_t *extra;
    size_t nextra;
    bool extra_first; /* a domain's summary leads its addresses */
} rdc_target_t;

/* Frees its checks, results and item, and zeroes it. */
void rdc_target_clear(rdc_target_t *t);

typedef struct rdc_host rdc_host_t; /* a host-name target's lookups */

/* Starts t (a host-name item): its A and AAAA lookups as the options ask,
 * then a check per address found, or a result saying why there is none.
 * Holds t->pending meanwhile. NULL (and env->x->oom) on no memory. */
rdc_host_t *rdc_host_start(const rdc_chk_env_t *env, rdc_target_t *t);
void rdc_host_free(rdc_host_t *h);

#endif
