/* engine.h - runs checks: a bounded window of targets in flight, per-address
 * state machines (PTR -> forward lookups, shared per run), results handed out
 * in input order. Internal. */
#ifndef RDC_ENGINE_H
#define RDC_ENGINE_H

#include <signal.h>

#include "loop.h"
#include "rdnscheck.h"
#include "resolver.h"
#include "item.h"
#include "util.h"

/* Called for every result in input order, and with r == NULL before the
 * engine waits for the network (a moment to flush buffered output). Return
 * false to stop the run (the output is gone). */
typedef bool (*rdc_emit_fn)(void *ctx, const rdc_result_t *r);

/* Counters a progress display or a summary can show. */
typedef struct rdc_engine_stats {
    unsigned long started, done; /* targets */
    unsigned long cuts; /* window halvings after timeouts */
    unsigned long retries; /* queries sent again after a timeout */
    unsigned long early; /* duplicates sent after the RTO */
    unsigned long failovers; /* queries moved to the next server */
    unsigned long probes; /* copies sent to a down server */
    unsigned min_window; /* smallest window reached */
    unsigned long auth_queries; /* --authority: sent to zones' own servers (RD=0) */
} rdc_engine_stats_t;

/* Called once per loop turn (at least every 200 ms while it is set). */
typedef void (*rdc_progress_fn)(void *ctx, const rdc_engine_stats_t *s, bool input_done);

typedef struct rdc_engine_opts {
    unsigned concurrency; /* targets in flight at most, >= 1 */
    unsigned max_names; /* PTR names checked per address */
    unsigned tries; /* tries per query (the engine retries timeouts) */
    unsigned try_timeout_ms; /* --timeout: how long one try of a query may take */
    bool strict, verbose, want4, want6;
    bool iprev; /* any confirming PTR name passes (RDC_RULES_IPREV) */
    bool unordered; /* emit in finishing order, not input order */
    bool generic; /* flag provider-generated PTR names (generic-ptr) */
    /* --authority: ask the zones' own servers (needs dns.ops->add_server) */
    bool authority;
    size_t auth_max_zones; /* finished zones it keeps (0: 1,024); tests lower it */
    /* --helo: NULL, or the name with its parse (rdc_helo_parse) */
    const char *helo;
    rdc_name_kind_t helo_kind;
    uint8_t helo_wire[RDC_NAME_WIRE_MAX + 1];
    rdc_addr_t helo_lit;
    const char *helo_why;
    /* --dnsbl zones (presentation form) */
    char *const *dnsbl;
    size_t ndnsbl;
    /* --smtp: probe each address on this port (0: no probe) */
    unsigned smtp_port;
    unsigned smtp_timeout_ms;
    const char *ehlo_name; /* what we say in EHLO: a plain host name */
    /* --mx/--spf: addresses checked per domain at most (bigger SPF ranges
     * are reported, or sampled with spf_sample > 0) */
    uint64_t max_expand;
    unsigned spf_sample;
    rdc_progress_fn progress;
    void *progress_ctx;
} rdc_engine_opts_t;

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
