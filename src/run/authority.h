/* authority.h - --authority: asks the zones' own servers about a check's
 * PTR (its reverse zone) and about each checked PTR name (its forward
 * zone); authcheck.c (rules) judges the answers. Internal. */
#ifndef RDC_AUTHORITY_H
#define RDC_AUTHORITY_H

#include <stdbool.h>

#include "ctx.h"
#include "fwdcache.h"

typedef struct rdc_auth rdc_auth_t; /* the run's zones and their servers */
typedef struct rdc_auth_q rdc_auth_q_t; /* a check's questions, a list */

/* For a run: zones found through x's resolver (whose ops->add_server asks
 * their servers directly), names in the zones' PTR answers looked up in
 * fwd. NULL on no memory. */
rdc_auth_t *rdc_auth_new(rdc_run_ctx_t *x, rdc_fwdcache_t *fwd);

/* Frees every zone. The checks' questions are freed by the checks (and
 * the resolver, FIRST). NULL: no-op. */
void rdc_auth_free(rdc_auth_t *a);

/* Starts asking the reverse zone's servers about c's PTR (with the PTR
 * lookup); appends the question to *qs and holds c->task until it is
 * answered. A resolver without add_server: nothing is asked. */
void rdc_auth_start(rdc_auth_t *a, const rdc_chk_ref_t *c, rdc_auth_q_t **qs);

/* The same for each checked PTR name of c (A or AAAA in its own zone),
 * when the PTR answer is in. */
void rdc_auth_forward(rdc_auth_t *a, const rdc_chk_ref_t *c, rdc_auth_q_t **qs);

/* Before the verdict: fills res->authority with the resolver's view and
 * what the servers say. False on no memory. */
bool rdc_auth_finish(rdc_auth_q_t *qs, rdc_result_t *res);

/* Frees a check's questions. NULL: no-op. */
void rdc_auth_qs_free(rdc_auth_q_t *qs);

#endif
