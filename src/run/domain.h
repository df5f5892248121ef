/* domain.h - --mx and --spf domain targets: the MX exchanges and their
 * addresses (RFC 5321 §5.1), or the SPF record's ranges (RFC 7208); each
 * address is then checked like an address target. Internal. */
#ifndef RDC_DOMAIN_H
#define RDC_DOMAIN_H

#include "expand.h"

typedef struct rdc_dom rdc_dom_t; /* an --mx or --spf domain's lookups */

/* Starts t (an MX or SPF item): the domain's summary result first, then a
 * check per address found. Holds t->pending meanwhile. NULL (and
 * env->x->oom) on no memory. */
rdc_dom_t *rdc_dom_start(const rdc_chk_env_t *env, rdc_target_t *t);
void rdc_dom_free(rdc_dom_t *d);

#endif
