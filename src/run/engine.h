/* engine.h - runs checks: a bounded window of targets in flight, per-address
 * state machines (PTR -> forward lookups, shared per run), results handed out
 * in input order. Internal. */
#ifndef RDC_ENGINE_H
#define RDC_ENGINE_H

#include <signal.h>

#include "loop.h"
#include "opts.h"
#include "rdnscheck.h"
#include "resolver.h"
#include "item.h"
#include "util.h"

/* Called for every result in input order, and with r == NULL before the
 * engine waits for the network (a moment to flush buffered output). Return
 * false to stop the run (the output is gone). */
typedef bool (*rdc_emit_fn)(void *ctx, const rdc_result_t *r);

typedef enum rdc_run_status {
    RDC_RUN_DONE = 0,
    RDC_RUN_OUTPUT_FAILED, /* emit returned false */
    RDC_RUN_STOPPED, /* *stop became non-zero */
    RDC_RUN_INPUT_FAILED, /* the source failed */
    RDC_RUN_NO_MEMORY,
    RDC_RUN_JUNIT_FAILED /* set by the CLI: the run was fine, the JUnit file not */
} rdc_run_status_t;

typedef struct rdc_engine rdc_engine_t;

/* An engine asking dns (rdc_resolver_dns, or a scripted one in tests). */
rdc_engine_t *rdc_engine_new(rdc_loop_t *loop, rdc_dns_t dns, const rdc_engine_opts_t *o);

/* Pulls items from src, checks them, emits results in order. Returns when
 * the input is exhausted and every result emitted, or early as the status
 * says. stop may be NULL. */
rdc_run_status_t rdc_engine_run(rdc_engine_t *e, rdc_source_fn src, void *sctx, rdc_emit_fn emit,
                                void *ectx, volatile sig_atomic_t *stop);

const rdc_engine_stats_t *rdc_engine_stats(const rdc_engine_t *e);

/* One line per DNS server: queries, answers, timeouts, RTT, down marks. */
void rdc_engine_describe_servers(const rdc_engine_t *e, rdc_buf_t *buf);

/* Frees the engine and every unfinished check. Free the resolver FIRST (its
 * cancelled callbacks must still find the engine's objects). NULL: no-op. */
void rdc_engine_free(rdc_engine_t *e);

#endif
