/* ctx.h - what the engine gives its pieces (forward cache, checks, probes,
 * expansion, --authority) instead of itself: the run's context, and the
 * check as the parts working for it see it. No piece below engine.c sees
 * the engine's struct; a piece reports up through the task it was given
 * (task.h). Internal. */
#ifndef RDC_CTX_H
#define RDC_CTX_H

#include <stdbool.h>

#include "loop.h"
#include "opts.h"
#include "query.h"
#include "resolver.h"
#include "task.h"
#include "trace.h"

/* The run: set up by the engine, shared by every piece for the run's life. */
typedef struct rdc_run_ctx {
    const rdc_engine_opts_t *o; /* the engine's options */
    rdc_ql_t *ql; /* the query layer every lookup goes through */
    rdc_loop_t *loop; /* for the pieces' own sockets (SMTP probes) */
    rdc_dns_t dns; /* the resolver: direct queries to a zone's servers */
    rdc_engine_stats_t *stats; /* counters a piece adds to */
    bool oom; /* an allocation failed: the engine ends the run */
} rdc_run_ctx_t;

/* A check, as the parts that work for it (forward lookups, the SMTP probe,
 * --authority questions) see it: they write into its result, add -v events
 * to its trace, and hold its task until they are done. Lives as long as the
 * check (addrcheck.c). */
typedef struct rdc_chk_ref {
    rdc_result_t *res; /* the address under check (res->addr) and its findings */
    rdc_trace_t *trace; /* -v: its lookups' events, in the order they ended */
    rdc_task_t *task; /* its unfinished parts */
} rdc_chk_ref_t;

#endif
