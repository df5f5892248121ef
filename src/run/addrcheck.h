/* addrcheck.h - the check of one address: the PTR lookup, a forward lookup
 * per distinct PTR name (through the forward cache), the HELO name's, the
 * DNSBL zones' (A, then TXT when listed), the SMTP probe and --authority
 * questions; the verdict when the last part is done. Internal. */
#ifndef RDC_ADDRCHECK_H
#define RDC_ADDRCHECK_H

#include "authority.h"
#include "ctx.h"
#include "fwdcache.h"
#include "probe.h"

/* What checks work with: the run, and the pieces they hand parts to (made
 * by the engine; probes NULL without --smtp, auth NULL without
 * --authority). */
typedef struct rdc_chk_env {
    rdc_run_ctx_t *x;
    rdc_fwdcache_t *fwd;
    rdc_probes_t *probes;
    rdc_auth_t *auth;
} rdc_chk_env_t;

typedef struct rdc_chk rdc_chk_t;

/* A check of addr for the target input (line: its line in a file, or 0),
 * working for the task owner. env must outlive it. NULL on no memory. */
rdc_chk_t *rdc_chk_new(const rdc_chk_env_t *env, rdc_task_t *owner, const rdc_addr_t *addr,
                       const char *input, unsigned long line);

/* Starts its lookups; holds owner until the verdict is in (which is never
 * before this returns). */
void rdc_chk_start(rdc_chk_t *c);

/* Its result (complete once the owner's part is released), and its -v
 * events (a caller may add events of its own before the start). */
rdc_result_t *rdc_chk_result(rdc_chk_t *c);
rdc_trace_t *rdc_chk_trace(rdc_chk_t *c);

/* Frees the check, finished or not (its unfinished parts too). NULL: no-op. */
void rdc_chk_free(rdc_chk_t *c);

#endif
