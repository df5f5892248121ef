/* query.h - the query layer: one DNS question (a lookup) asked until it has
 * an answer. It picks the server of every query (srvsel.h: list order, or
 * a hash of the question with rotate), moves to the
 * next server on SERVFAIL, REFUSED, NOTIMP, FORMERR, a broken answer, an
 * unreachable server or a timeout, retries timed-out passes (--tries),
 * sends early duplicates after an adaptive RTO, and follows CNAMEs across
 * answers. Internal. */
#ifndef RDC_QUERY_H
#define RDC_QUERY_H

#include "dnsmsg.h"
#include "resolver.h"
#include "srvsel.h"
#include "trace.h"

typedef struct rdc_ql rdc_ql_t;
typedef struct rdc_lookup rdc_lookup_t;
typedef struct rdc_attempt rdc_attempt_t;

/* Called once when the lookup ends. a (valid during the call only) is the
 * answer, or a failure with a->status temporary when every server failed.
 * The callback may start other lookups, or this one again. */
typedef void (*rdc_lookup_done_t)(rdc_lookup_t *l, const rdc_answer_t *a);

struct rdc_lookup {
    rdc_ql_t *ql;
    uint16_t type;
    uint8_t name[RDC_NAME_WIRE_MAX + 1]; /* asked now (the CNAME target after a hop) */
    unsigned hops; /* CNAME hops followed across answers */
    unsigned tries; /* passes that timed out, counted against --tries */
    unsigned free; /* passes resent after congestion losses, not counted */
    unsigned dups; /* early duplicates sent in this pass */
    uint32_t tried; /* servers asked in this pass */
    uint32_t qhash; /* rdc_srvsel_hash of the question asked now */
    rdc_dns_status_t failed; /* the most telling failure of this pass, or OK */
    bool timed_out; /* a server timed out in this pass */
    rdc_attempt_t *att; /* outstanding attempts */
    bool via_cname;
    rdc_trace_t trace; /* verbose only: its queries, answers and what it did next */
    unsigned long long t0; /* when this pass began */
    rdc_lookup_done_t done;
    void *owner;
};

typedef struct rdc_ql_opts {
    unsigned tries; /* passes for a lookup whose queries all time out, >= 1 */
    unsigned try_timeout_ms; /* --timeout: one query's wait */
    bool verbose; /* trace every query and answer into the lookup (events) */
    void *user; /* the layer's owner, for rdc_ql_user */
} rdc_ql_opts_t;

typedef struct rdc_ql_stats {
    unsigned long retries; /* passes started again after timeouts */
    unsigned long early; /* duplicates sent after the RTO */
    unsigned long failovers; /* queries moved to another server */
    unsigned long probes; /* copies sent to a down server to see if it is back */
    unsigned long losses; /* RTO expiries and timeouts: the window's signal */
    unsigned long answers; /* responses from any server, late copies too */
} rdc_ql_stats_t;

/* A query layer over dns (which must outlive it, and be freed FIRST: its
 * cancelled callbacks still reach the layer's attempts). NULL on no memory. */
rdc_ql_t *rdc_ql_new(rdc_dns_t dns, const rdc_ql_opts_t *o);
void rdc_ql_free(rdc_ql_t *ql);

/* Sets up l to ask (name, type); done runs when it ends, with owner kept
 * in l->owner. Does not send. */
void rdc_lookup_init(rdc_lookup_t *l, rdc_ql_t *ql, uint16_t type, const uint8_t *name,
                     rdc_lookup_done_t done, void *owner);

/* Starts (or, after it ended, starts again) the lookup: a fresh pass. A
 * name that cannot be sent ends it at once with RDC_DNS_S_ERROR. */
void rdc_lookup_start(rdc_lookup_t *l);

/* Moves the events l traced (with verbose) to the end of dst. Returns
 * false when an event was lost for want of memory. */
bool rdc_lookup_trace_to(rdc_lookup_t *l, rdc_trace_t *dst);

/* Appends the events l traced, rendered as text lines (the -v tree of a
 * domain), to dst, and frees them. Returns false as rdc_lookup_trace_to. */
bool rdc_lookup_trace_text(rdc_lookup_t *l, rdc_buf_t *dst);

/* Sends the early duplicates that are due. Returns the ms until the next
 * one may be, or -1 when none is waiting. Call on every loop turn. */
int rdc_ql_scan(rdc_ql_t *ql);

/* The RTO of the server queries go to now. */
unsigned rdc_ql_rto(const rdc_ql_t *ql);

/* The smoothed and the smallest RTT (ms) of the server queries go to now;
 * 0 and 0 before it answered. */
void rdc_ql_rtt(const rdc_ql_t *ql, double *srtt, double *min_rtt);

const rdc_ql_stats_t *rdc_ql_stats(const rdc_ql_t *ql);
const rdc_srvsel_t *rdc_ql_servers(const rdc_ql_t *ql);

/* The user pointer of the options. */
void *rdc_ql_user(const rdc_ql_t *ql);

/* True once an allocation failed (the run should stop). */
bool rdc_ql_oom(const rdc_ql_t *ql);

/* Per-server counters for -v summaries, one line per server, into buf. */
void rdc_ql_describe(const rdc_ql_t *ql, rdc_buf_t *buf);

#endif
