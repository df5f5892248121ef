/* authsend.h - --authority's direct queries: one question (RD=0) to one
 * server the resolver numbered (ops->add_server), asked again once after
 * a timeout, each try traced (-v) when the asker gives a trace. Internal. */
#ifndef RDC_AUTHSEND_H
#define RDC_AUTHSEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "authcheck.h"
#include "ctx.h"
#include "dnsmsg.h"

#define AUTH_MAX_TRIES 2 /* tries of one direct query (a timeout costs one more) */

/* The query ended (never inside rdc_direct_ask): msg (len bytes) is the
 * answer, or NULL with st saying why; a is its parse for the question
 * (with parse; else NULL). Valid during the call only. tag is the asker's. */
typedef void rdc_direct_done_fn(void *arg, size_t tag, const uint8_t *msg, size_t len,
                                rdc_dns_status_t st, const rdc_answer_t *a);

typedef struct rdc_direct_req {
    size_t server; /* the resolver's number of the server */
    const uint8_t *name; /* copied */
    uint16_t type;
    bool parse; /* parse the answer for (name, type) */
    rdc_trace_t *trace; /* -v: each try as a QUERY event (NULL: none) */
    rdc_direct_done_fn *done;
    void *arg;
    size_t tag;
} rdc_direct_req_t;

/* Sends r's question through x->dns (x->stats->auth_queries counts each
 * try). False on no memory (nothing sent, done never called). A query the
 * resolver cancels (teardown) ends without calling done. */
bool rdc_direct_ask(rdc_run_ctx_t *x, const rdc_direct_req_t *r);

/* How a server answered: with authority (OK), lame, or what failed. a is
 * the parse of its answer (RDC_ANSWER_INIT when there was none). */
rdc_auth_state_t rdc_direct_state(rdc_dns_status_t st, const rdc_answer_t *a);

#endif
