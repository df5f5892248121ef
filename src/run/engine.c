/* engine.c - the check engine's run: a ring of in-flight targets (the
 * window, which is also the reorder buffer), admission under the window
 * (slow start, AIMD on losses), and emission in input order. The work on
 * each target lives in addrcheck.c, fwdcache.c, probe.c and expand.c; the
 * queries in query.c. */
#define _GNU_SOURCE
#include "engine_int.h"
#include "verdict.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- slots */

/* The last unfinished part of a slot's work is done (task.h): the slot is
 * finished, and the window may grow. */
static void slot_done(rdc_task_t *t)
{
    slot_t *s = TASK_OWNER(t, slot_t, pending);
    engine_t *e = s->e;
    s->state = SLOT_DONE;
    e->inflight--;
    e->stats.done++;
    /* additive increase: fast below ssthresh, one per window above it */
    if (e->window < e->o.concurrency) {
        e->window += e->window < e->ssthresh ? 1.0 : 1.0 / e->window;
        if (e->window > e->o.concurrency)
            e->window = e->o.concurrency;
    }
    if (e->doneq) {
        e->doneq[(e->dq_head + e->dq_len) % e->nring] = (size_t)(s - e->ring);
        e->dq_len++;
    }
}

/* ---------------------------------------------------------------- the run */

static void slot_clear(slot_t *s)
{
    for (size_t i = 0; i < s->nchildren; i++)
        rdc_chk_free(s->children[i]);
    free(s->children);
    for (size_t i = 0; i < s->nextra; i++)
        rdc_result_clear(&s->extra[i]);
    free(s->extra);
    rdc_host_free(s->host);
    rdc_dom_free(s->dom);
    rdc_item_clear(&s->item);
    memset(s, 0, sizeof *s);
}

static void slot_start(engine_t *e, slot_t *s)
{
    s->state = SLOT_RUNNING;
    s->e = e;
    e->inflight++;
    e->stats.started++;
    task_start(&s->pending, 0, slot_done);
    switch (s->item.kind) {
    case RDC_ITEM_ERROR: {
        s->extra = calloc(1, sizeof *s->extra);
        if (s->extra == NULL) {
            e->oom = true;
            break;
        }
        rdc_result_t *r = &s->extra[0];
        s->nextra = 1;
        r->input = rdc_strdup(s->item.input);
        r->line = s->item.line;
        r->kind = RDC_RESULT_INVALID;
        r->verdict = RDC_ERROR;
        if (!rdc_result_add_problem(r, RDC_INVALID_TARGET, NULL, "%s", s->item.error))
            e->oom = true;
        break;
    }
    case RDC_ITEM_ADDR: {
        s->children = calloc(1, sizeof *s->children);
        chk_t *c = s->children ? rdc_chk_new(e, s, &s->item.addr, s->item.input) : NULL;
        if (c == NULL) {
            e->oom = true;
            break;
        }
        s->children[0] = c;
        s->nchildren = 1;
        rdc_chk_start(c);
        break;
    }
    case RDC_ITEM_MX:
    case RDC_ITEM_SPF:
        rdc_dom_start(e, s);
        break;
    case RDC_ITEM_HOST:
        rdc_host_start(e, s);
        break;
    }
    task_release(&s->pending);
}

static void on_input(void *ctx, int fd, bool readable, bool writable)
{
    engine_t *e = ctx;
    (void)writable;
    if (readable) {
        e->input_ready = true;
        rdc_loop_watch(e->loop, fd, false, false, NULL, NULL);
        e->input_fd = -1;
    }
}

rdc_engine_t *rdc_engine_new(rdc_loop_t *loop, rdc_dns_t dns, const rdc_engine_opts_t *o)
{
    engine_t *e = calloc(1, sizeof *e);
    if (e == NULL)
        return NULL;
    e->loop = loop;
    e->dns = dns;
    e->o = *o;
    rdc_ql_opts_t qo = {
        .tries = o->tries, .try_timeout_ms = o->try_timeout_ms, .verbose = o->verbose, .user = e};
    if ((e->ql = rdc_ql_new(dns, &qo)) == NULL) {
        free(e);
        return NULL;
    }
    if (e->o.concurrency == 0)
        e->o.concurrency = 1;
    /* Ordered output: the ring is the reorder buffer, so a slow target holds
     * back at most a window of results. Unordered: a slow target only
     * pins its own slot, so give the ring room to keep the window busy. */
    e->nring = e->o.concurrency * (e->o.unordered ? 4u : 1u);
    e->ring = calloc(e->nring, sizeof *e->ring);
    if (e->o.unordered)
        e->doneq = calloc(e->nring, sizeof *e->doneq);
    e->input_fd = -1;
    /* slow start: a burst of thousands of queries would overflow the
     * server's socket buffer before any loss could be seen */
    e->window = e->o.concurrency < 64 ? e->o.concurrency : 64;
    e->ssthresh = e->o.concurrency;
    e->stats.min_window = e->o.concurrency;
    if (e->ring == NULL || (e->o.unordered && e->doneq == NULL)) {
        rdc_ql_free(e->ql);
        free(e->ring);
        free(e->doneq);
        free(e);
        return NULL;
    }
    return e;
}

/* Multiplicative decrease: timeouts mean queries were lost (a server or a
 * socket buffer dropping under load), so halve the window, at most once per
 * try timeout, never below the floor. */
static void window_adjust(engine_t *e)
{
    unsigned long losses = rdc_ql_stats(e->ql)->losses;
    if (losses == e->losses_seen)
        return;
    e->losses_seen = losses;
    unsigned long long now = rdc_now_ms();
    /* once per RTO: the losses of one burst are one congestion event */
    if (e->last_cut_ms != 0 && now - e->last_cut_ms < rdc_ql_rto(e->ql))
        return;
    e->last_cut_ms = now;
    double floor = e->o.concurrency < 8 ? e->o.concurrency : 8;
    e->window = e->window / 2 < floor ? floor : e->window / 2;
    e->ssthresh = e->window;
    e->stats.cuts++;
    if ((unsigned)e->window < e->stats.min_window)
        e->stats.min_window = (unsigned)e->window;
}

/* The query layer's counters, into the stats a progress line shows. */
static void sync_stats(engine_t *e)
{
    const rdc_ql_stats_t *q = rdc_ql_stats(e->ql);
    e->stats.retries = q->retries;
    e->stats.early = q->early;
    e->stats.failovers = q->failovers;
    e->stats.probes = q->probes;
}

static bool emit_slot(engine_t *e, slot_t *s, rdc_emit_fn emit, void *ectx)
{
    bool ok = true;
    /* a domain's summary line sums up the addresses found for it */
    for (size_t i = 0; i < s->nextra; i++)
        if (s->extra[i].kind == RDC_RESULT_DOMAIN)
            for (size_t k = 0; k < s->nchildren; k++)
                rdc_domain_add_address(&s->extra[i], &s->children[k]->res);
    for (size_t i = 0; ok && s->extra_first && i < s->nextra; i++)
        ok = emit(ectx, &s->extra[i]);
    for (size_t i = 0; ok && i < s->nchildren; i++)
        ok = emit(ectx, &s->children[i]->res);
    for (size_t i = 0; ok && !s->extra_first && i < s->nextra; i++)
        ok = emit(ectx, &s->extra[i]);
    (void)e;
    slot_clear(s);
    s->state = SLOT_EMITTED;
    return ok;
}

rdc_run_status_t rdc_engine_run(rdc_engine_t *e, rdc_source_fn src, void *sctx, rdc_emit_fn emit,
                                void *ectx, volatile sig_atomic_t *stop)
{
    bool eof = false;
    e->input_ready = true;
    for (;;) {
        if (stop && *stop)
            return RDC_RUN_STOPPED;
        window_adjust(e);
        /* fill the window */
        while (!eof && e->input_ready && e->tail - e->head < e->nring &&
               e->inflight < (unsigned)e->window) {
            slot_t *s = &e->ring[e->tail % e->nring];
            int fd = -1;
            rdc_src_status_t st = src(sctx, &s->item, &fd);
            if (st == RDC_SRC_EOF) {
                eof = true;
                break;
            }
            if (st == RDC_SRC_FAIL)
                return RDC_RUN_INPUT_FAILED;
            if (st == RDC_SRC_WAIT) {
                if (fd >= 0 && rdc_loop_watch(e->loop, fd, true, false, on_input, e)) {
                    e->input_ready = false;
                    e->input_fd = fd;
                }
                /* an fd epoll cannot watch (a regular file) is always ready */
                break;
            }
            e->tail++;
            slot_start(e, s);
            if (e->oom)
                return RDC_RUN_NO_MEMORY;
        }
        /* emit: in input order, or (unordered) in finishing order */
        while (e->dq_len > 0) {
            slot_t *s = &e->ring[e->doneq[e->dq_head]];
            e->dq_head = (e->dq_head + 1) % e->nring;
            e->dq_len--;
            if (!emit_slot(e, s, emit, ectx))
                return RDC_RUN_OUTPUT_FAILED;
        }
        while (e->head < e->tail) {
            slot_t *s = &e->ring[e->head % e->nring];
            if (s->state == SLOT_DONE && e->doneq == NULL) {
                if (!emit_slot(e, s, emit, ectx))
                    return RDC_RUN_OUTPUT_FAILED;
            }
            if (s->state != SLOT_EMITTED)
                break;
            s->state = SLOT_FREE;
            e->head++;
        }
        if (e->oom || rdc_ql_oom(e->ql))
            return RDC_RUN_NO_MEMORY;
        sync_stats(e);
        if (e->o.progress)
            e->o.progress(e->o.progress_ctx, &e->stats, eof);
        if (eof && e->head == e->tail) {
            sync_stats(e);
            return RDC_RUN_DONE;
        }
        if (e->head == e->tail && e->input_ready)
            continue; /* only input to read: no need to wait */
        if (!emit(ectx, NULL)) /* about to wait: let the output flush */
            return RDC_RUN_OUTPUT_FAILED;
        int wait = e->dns.ops->timeout(e->dns.ctx, e->o.progress ? 200 : 1000);
        int due = rdc_ql_scan(e->ql);
        if (due >= 0 && due < wait)
            wait = due;
        due = rdc_probe_scan(e);
        if (due >= 0 && due < wait)
            wait = due;
        int n = rdc_loop_wait(e->loop, wait);
        if (n < 0 && errno != EINTR)
            return RDC_RUN_NO_MEMORY;
        if (n == 0)
            e->dns.ops->tick(e->dns.ctx);
        e->dns.ops->pump(e->dns.ctx);
        rdc_ql_scan(e->ql);
    }
}

const rdc_engine_stats_t *rdc_engine_stats(const rdc_engine_t *e)
{
    return &e->stats;
}

void rdc_engine_describe_servers(const rdc_engine_t *e, rdc_buf_t *buf)
{
    rdc_ql_describe(e->ql, buf);
}

void rdc_engine_free(rdc_engine_t *e)
{
    if (e == NULL)
        return;
    if (e->input_fd >= 0)
        rdc_loop_watch(e->loop, e->input_fd, false, false, NULL, NULL);
    for (unsigned long long q = e->head; q < e->tail; q++)
        slot_clear(&e->ring[q % e->nring]);
    rdc_fwd_clear(e);
    rdc_auth_clear(e);
    rdc_ql_free(e->ql);
    free(e->ring);
    free(e->doneq);
    free(e);
}
