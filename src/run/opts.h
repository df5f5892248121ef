/* opts.h - the engine's options and counters (engine.h's API), in a header
 * of their own so that the engine's pieces read the options without
 * seeing the engine. Internal. */
#ifndef RDC_OPTS_H
#define RDC_OPTS_H

#include <stdbool.h>
#include <stdint.h>

#include "rdnscheck.h"

/* Counters a progress display or a summary can show. */
typedef struct rdc_engine_stats {
    unsigned long started, done; /* targets */
    unsigned long cuts; /* window cuts on overload (window.h) */
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
    /* Called with each address's result just before it is emitted: the
     * caller may add problems it knows of (and settle the verdict again)
     * or set via (owned by the result). --self's MTA findings. NULL: none. */
    void (*annotate)(void *ctx, rdc_result_t *r);
    void *annotate_ctx;
} rdc_engine_opts_t;

#endif
