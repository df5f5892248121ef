/* pace.h - the queues a resolver keeps beside c-ares (internal, for
 * resolver.c): queries held back by the --rate token bucket (rdc_bucket_t,
 * resolver.h), and failures reported on the next loop turn. */
#ifndef RDC_PACE_H
#define RDC_PACE_H

#include "resolver.h"

/* A query held back by the rate limit, or a callback deferred to the next
 * loop turn (c-ares 1.18 can fail a query inside ares_query). */
typedef struct rdc_held {
    struct rdc_held *next;
    size_t server;
    uint16_t type;
    rdc_query_cb_t cb;
    void *arg;
    rdc_dns_status_t status; /* deferred callbacks only */
    char name[];
} rdc_held_t;

/* A FIFO of held entries; zero-initialised is empty. */
typedef struct rdc_held_q {
    rdc_held_t *head, *tail;
} rdc_held_q_t;

/* Appends h (owned by q from now on). */
void rdc_held_push(rdc_held_q_t *q, rdc_held_t *h);
/* The first entry, taken out of q (the caller frees it), or NULL. */
rdc_held_t *rdc_held_pop(rdc_held_q_t *q);

/* Holds a copy of a query (name copied) in q; false without memory. */
bool rdc_held_hold(rdc_held_q_t *q, size_t server, const char *name, uint16_t type,
                   rdc_query_cb_t cb, void *arg);

/* Queues a failure with status st, reported by rdc_held_run_deferred,
 * never inside the caller's call. With no memory for that either, there
 * is no other way left than to call cb at once. */
void rdc_held_defer(rdc_held_q_t *q, rdc_query_cb_t cb, void *arg, rdc_dns_status_t st);

/* Reports the failures queued before this call (callbacks may queue more,
 * which wait for the next call). */
void rdc_held_run_deferred(rdc_held_q_t *q);

/* Calls back every entry as cancelled (RDC_DNS_S_ERROR) and frees it. */
void rdc_held_cancel(rdc_held_q_t *q);

#endif
