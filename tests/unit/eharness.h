/* eharness.h - the one engine harness of the unit tests: a scripted
 * resolver (sdns.h), a fresh loop, targets and engine per run, and every
 * emitted result collected as text the tests compare. test_engine.c and
 * test_authority.c (and any later engine-level test) drive the engine
 * through it, so a change to the engine's API or to what a result holds is
 * made once, here.
 *
 * A run: eh_init (servers, default options), rules (eh_rule / sdns_*),
 * eh_run or eh_run_domains, assertions on h->got[], eh_end. */
#ifndef RDC_EHARNESS_H
#define RDC_EHARNESS_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine.h"
#include "loop.h"
#include "sdns.h"
#include "target.h"
#include "trace.h"
#include "util.h"

/* What a test keeps of one emitted result. */
typedef struct eh_got {
    /* "IP VERDICT CODE:SEV ...": "-" for a result without an address; a
     * domain shows its own verdict, then "=V" when its addresses make its
     * line's verdict worse */
    char *line;
    /* "code: message\nfix: ...\n" per problem, then input, via, names,
     * helo, dnsbl, domain, tree and trace lines (never NULL) */
    char *text;
    char *trace; /* the result's trace alone, rendered; NULL without */
    rdc_trace_t events; /* the result's trace, a copy */
    bool has_addr;
    /* --authority: every question rendered (eh_render_question), the PTR
     * question alone; NULL without an authority object */
    char *auth;
    char *ptr;
    size_t nforward;
    uint32_t ptr_ttl;
    int src_checked, src_confirms; /* of the PTR question; -1 without */
} eh_got_t;

typedef struct eh eh_t;

struct eh {
    sdns_t *s;
    rdc_loop_t *loop;
    rdc_engine_t *e;
    rdc_targets_t *t;
    rdc_engine_opts_t o;
    bool plain; /* a resolver without add_server (sdns_dns_plain) */
    /* a custom source instead of the targets */
    rdc_source_fn src;
    void *sctx;
    char **argv; /* the targets source keeps it */
    eh_got_t *got;
    size_t n, cap;
    volatile sig_atomic_t stop;
    /* when the engine is about to wait (emit with NULL) */
    void (*idle)(eh_t *h);
    bool stop_when_idle; /* stop at the first wait */
    bool stop_when_held; /* stop once only held queries are left */
    bool fail_idle; /* emit(NULL) returns false */
    long fail_emit_at; /* emit returns false for result number N (-1: never) */
    long released_after; /* for the idle hook: results emitted when it released */
    /* the progress callback's calls (eh_progress, set in o by the test) */
    unsigned long progress_calls;
    bool progress_input_done;
    unsigned long progress_last_done;
};

/* > 0 while the harness (or a test) allocates what it keeps: a test that
 * makes allocations fail on purpose fails none of these. */
extern volatile unsigned eh_alloc_paused;

/* The options every engine test starts from: 16 in flight, 16 names,
 * 2 tries of 100 ms (no early duplicate is ever due, so query counts do
 * not depend on speed), both families, 65536 addresses per expansion. */
rdc_engine_opts_t eh_opts(void);

/* A fresh harness with nservers scripted servers and eh_opts(). */
void eh_init(eh_t *h, size_t nservers);

/* Runs targets through a fresh engine (h->src when set, instead). */
rdc_run_status_t eh_run(eh_t *h, const char *const *targets, size_t ntargets);

/* The same with --mx and --spf domains after the targets. */
rdc_run_status_t eh_run_domains(eh_t *h, const char *const *targets, size_t ntargets,
                                const char *const *mx, size_t nmx, const char *const *spf,
                                size_t nspf);

/* Runs one target, which must give one result. */
eh_got_t *eh_run1(eh_t *h, const char *target);

/* Frees everything: the resolver first (rdc_engine_free's contract). */
void eh_end(eh_t *h);

/* The engine's emit callback (ctx: the harness): keeps each result in
 * h->got (with allocation failures paused); NULL is a wait (the idle hook,
 * the stop conditions). For a test that calls rdc_engine_run itself. */
bool eh_collect(void *ctx, const rdc_result_t *r);

/* q itself, or for "rev:ADDR" ADDR's reverse name (in buf, which holds
 * RDC_REVNAME_MAX bytes). */
const char *eh_qname(const char *q, char *buf);

/* A rule for sdns_rule; q "rev:ADDR" is ADDR's reverse name. */
void eh_rule(eh_t *h, int server, const char *q, uint16_t type, sdns_act_t act, unsigned rcode,
             const char *rrs);
/* Queries server got for q ("rev:ADDR" as above; NULL any) of type. */
unsigned long eh_count(eh_t *h, int server, const char *q, uint16_t type);

/* True when some result's text contains needle. */
bool eh_has(const eh_t *h, const char *needle);
/* Prints every result (for a failing test's message). */
void eh_dump(const eh_t *h);

/* A copy of s ("" for NULL) that fails the test when there is no memory. */
char *eh_xstrdup(const char *s);

/* The progress callback: counts into h (o.progress_ctx = h). */
void eh_progress(void *ctx, const rdc_engine_stats_t *s, bool input_done);

/* One --authority question as a line, then one line per server:
 * "PTR NAME zone=Z mname=M contact=C serial=S min=M ns=A,B consistent=1
 *  source=OK[..] stale=0 resolver=OK[..] ttl=T error=-"
 * "  NS ADDR STATE serial=S asked=1 answer=OK[..]" */
void eh_render_question(rdc_buf_t *b, const rdc_auth_question_t *q);

#endif
