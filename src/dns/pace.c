/* pace.c - the queues a resolver keeps beside c-ares: the --rate token
 * bucket and the queries it holds back, and failures reported on the next
 * loop turn, so no caller sees its callback run inside its own call. */
#include "pace.h"

#include <stdlib.h>
#include <string.h>

void rdc_held_push(rdc_held_q_t *q, rdc_held_t *h)
{
    h->next = NULL;
    if (q->tail)
        q->tail->next = h;
    else
        q->head = h;
    q->tail = h;
}

rdc_held_t *rdc_held_pop(rdc_held_q_t *q)
{
    rdc_held_t *h = q->head;
    if (h) {
        q->head = h->next;
        if (q->head == NULL)
            q->tail = NULL;
    }
    return h;
}

bool rdc_held_hold(rdc_held_q_t *q, size_t server, const char *name, uint16_t type,
                   rdc_query_cb_t cb, void *arg)
{
    size_t n = strlen(name) + 1;
    rdc_held_t *h = malloc(sizeof *h + n);
    if (h == NULL)
        return false;
    h->server = server;
    h->type = type;
    h->cb = cb;
    h->arg = arg;
    memcpy(h->name, name, n);
    rdc_held_push(q, h);
    return true;
}

void rdc_held_defer(rdc_held_q_t *q, rdc_query_cb_t cb, void *arg, rdc_dns_status_t st)
{
    rdc_held_t *h = calloc(1, sizeof *h + 1);
    if (h == NULL) {
        cb(arg, NULL, 0, st, false);
        return;
    }
    h->cb = cb;
    h->arg = arg;
    h->status = st;
    rdc_held_push(q, h);
}

void rdc_held_run_deferred(rdc_held_q_t *q)
{
    /* only what was deferred before this call: callbacks may defer more */
    rdc_held_t *h, *last = q->tail;
    while (last && (h = rdc_held_pop(q)) != NULL) {
        h->cb(h->arg, NULL, 0, h->status, false);
        bool end = h == last;
        free(h);
        if (end)
            break;
    }
}

void rdc_held_cancel(rdc_held_q_t *q)
{
    rdc_held_t *h;
    while ((h = rdc_held_pop(q)) != NULL) {
        h->cb(h->arg, NULL, 0, RDC_DNS_S_ERROR, true);
        free(h);
    }
}

void rdc_bucket_init(rdc_bucket_t *b, unsigned rate, unsigned long long now_ms)
{
    b->rate = rate;
    /* a burst of 1/20 s worth keeps any one-second window within 5% of the
     * rate; at least one token so a low rate still sends */
    b->burst = rate / 20.0 < 1.0 ? 1.0 : rate / 20.0;
    b->tokens = b->burst;
    b->last_ms = now_ms;
}

static void bucket_refill(rdc_bucket_t *b, unsigned long long now_ms)
{
    if (now_ms > b->last_ms) {
        b->tokens += (double)(now_ms - b->last_ms) * b->rate / 1000.0;
        if (b->tokens > b->burst)
            b->tokens = b->burst;
        b->last_ms = now_ms;
    }
}

bool rdc_bucket_take(rdc_bucket_t *b, unsigned long long now_ms)
{
    bucket_refill(b, now_ms);
    if (b->tokens < 1.0)
        return false;
    b->tokens -= 1.0;
    return true;
}

unsigned rdc_bucket_wait_ms(const rdc_bucket_t *b, unsigned long long now_ms)
{
    rdc_bucket_t t = *b;
    bucket_refill(&t, now_ms);
    if (t.tokens >= 1.0)
        return 0;
    double ms = (1.0 - t.tokens) * 1000.0 / t.rate;
    return (unsigned)ms + 1;
}
