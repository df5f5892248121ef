/* engine.c - the check engine's run: a ring of in-flight targets (the
 * window, which is also the reorder buffer), admission under the window
 * (window.c: slow start, backing off on overload), and emission in input order. The work on
 * each target lives in addrcheck.c, fwdcache.c, probe.c and expand.c; the
 * queries in query.c. */
#define _GNU_SOURCE
#include "engine.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addrcheck.h"
#include "authority.h"
#include "ctx.h"
#include "domain.h"
#include "expand.h"
#include "fwdcache.h"
#include "probe.h"
#include "verdict.h"
#include "window.h"

typedef struct rdc_engine engine_t;

enum slot_state { SLOT_FREE, SLOT_RUNNING, SLOT_DONE, SLOT_EMITTED };

/* A place in the ring: one target, from its start to its emission. */
typedef struct slot {
    enum slot_state state;
    engine_t *e;
    rdc_target_t t; /* its item, checks and results */
    rdc_host_t *host;
    rdc_dom_t *dom;
} slot_t;

struct rdc_engine {
    rdc_loop_t *loop;
    rdc_dns_t dns;
    rdc_engine_opts_t o;
    slot_t *ring;
    size_t nring;
    unsigned long long head, tail; /* sequence numbers: emit head, start tail */
    rdc_ql_t *ql; /* the query layer: servers, retries, duplicates */
    rdc_run_ctx_t x; /* what the pieces below are given (x.oom: stop the run) */
    rdc_chk_env_t env; /* the pieces checks work with */
    bool input_ready;
    int input_fd;
    rdc_window_t win; /* how many targets may be in flight (window.h) */
    unsigned inflight;
    rdc_engine_stats_t stats;
    /* --unordered: finished slots waiting to be emitted, in finishing order */
    size_t *doneq;
    size_t dq_head, dq_len;
};

#define RING_WINDOWS 8 /* the ring holds this many windows */
#define RING_MAX 65536 /* slots at most, unless the concurrency is more */

/* ---------------------------------------------------------------- slots */

/* The last unfinished part of a slot's work is done (task.h): the slot is
 * finished, and the window may grow. */
static void slot_done(rdc_task_t *t)
{
    slot_t *s = TASK_OWNER(t, slot_t, t.pending);
    engine_t *e = s->e;
    s->state = SLOT_DONE;
    e->inflight--;
    e->stats.done++;
    rdc_window_done(&e->win);
    if (e->doneq) {
        e->doneq[(e->dq_head + e->dq_len) % e->nring] = (size_t)(s - e->ring);
        e->dq_len++;
    }
}

/* ---------------------------------------------------------------- the run */

static void slot_clear(slot_t *s)
{
    rdc_target_clear(&s->t);
    rdc_host_free(s->host);
    rdc_dom_free(s->dom);
    memset(s, 0, sizeof *s);
}

static void slot_start(engine_t *e, slot_t *s)
{
    s->state = SLOT_RUNNING;
    s->e = e;
    e->inflight++;
    e->stats.started++;
    rdc_target_t *t = &s->t;
    task_start(&t->pending, 0, slot_done);
    switch (t->item.kind) {
    case RDC_ITEM_ERROR: {
        t->extra = calloc(1, sizeof *t->extra);
        if (t->extra == NULL) {
            e->x.oom = true;
            break;
        }
        rdc_result_t *r = &t->extra[0];
        t->nextra = 1;
        r->input = rdc_strdup(t->item.input);
        r->line = t->item.line;
        r->kind = RDC_RESULT_INVALID;
        r->verdict = RDC_ERROR;
        if (!rdc_result_add_problem(r, RDC_INVALID_TARGET, NULL, "%s", t->item.error))
            e->x.oom = true;
        break;
    }
    case RDC_ITEM_ADDR: {
        t->children = calloc(1, sizeof *t->children);
        rdc_chk_t *c = t->children ? rdc_chk_new(&e->env, &t->pending, &t->item.addr, t->item.input,
                                                 t->item.line)
                                   : NULL;
        if (c == NULL) {
            e->x.oom = true;
            break;
        }
        t->children[0] = c;
        t->nchildren = 1;
        rdc_chk_start(c);
        break;
    }
    case RDC_ITEM_MX:
    case RDC_ITEM_SPF:
        s->dom = rdc_dom_start(&e->env, t);
        break;
    case RDC_ITEM_HOST:
        s->host = rdc_host_start(&e->env, t);
        break;
    }
    task_release(&t->pending);
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

/* The pieces below the engine, given what they need of it: the run's
 * context (ctx.h) and each other. False on no memory. */
static bool pieces_new(engine_t *e)
{
    e->x.o = &e->o;
    e->x.ql = e->ql;
    e->x.loop = e->loop;
    e->x.dns = e->dns;
    e->x.stats = &e->stats;
    e->env.x = &e->x;
    if ((e->env.fwd = rdc_fwdcache_new(&e->x)) == NULL)
        return false;
    if (e->o.smtp_port && (e->env.probes = rdc_probes_new(&e->x, e->env.fwd)) == NULL)
        return false;
    if (e->o.authority && (e->env.auth = rdc_auth_new(&e->x, e->env.fwd)) == NULL)
        return false;
    return true;
}

rdc_engine_t *rdc_engine_new(rdc_loop_t *loop, rdc_dns_t dns, const rdc_engine_opts_t *o)
{
    engine_t *e = calloc(1, sizeof *e);
    if (e == NULL)
        return NULL;
    e->loop = loop;
    e->dns = dns;
    e->o = *o;
    e->input_fd = -1;
    rdc_ql_opts_t qo = {
        .tries = o->tries, .try_timeout_ms = o->try_timeout_ms, .verbose = o->verbose};
    if ((e->ql = rdc_ql_new(dns, &qo)) == NULL || !pieces_new(e))
        goto fail;
    if (e->o.concurrency == 0)
        e->o.concurrency = 1;
    /* The ring is the reorder buffer: the window's targets plus those done
     * after a slower one, held until it is emitted. A lost query holds its
     * target for an RTO or two (more than one RTT on a long path): a ring
     * of several windows keeps the window full meanwhile, where a ring of
     * one window would stall with it. At most RING_MAX slots (about 100
     * bytes each, plus the results held). */
    size_t ring = (size_t)e->o.concurrency * RING_WINDOWS;
    e->nring = ring > RING_MAX && e->o.concurrency <= RING_MAX ? RING_MAX : ring;
    if (e->nring < e->o.concurrency)
        e->nring = e->o.concurrency;
    e->ring = calloc(e->nring, sizeof *e->ring);
    if (e->o.unordered)
        e->doneq = calloc(e->nring, sizeof *e->doneq);
    rdc_window_init(&e->win, e->o.concurrency);
    e->stats.min_window = e->win.min;
    if (e->ring == NULL || (e->o.unordered && e->doneq == NULL))
        goto fail;
    return e;
fail:
    rdc_engine_free(e);
    return NULL;
}

/* The window, from the query layer's answers, losses and RTT (window.h:
 * it backs off on overload, not on random loss). */
static void window_adjust(engine_t *e)
{
    const rdc_ql_stats_t *q = rdc_ql_stats(e->ql);
    double srtt, min_rtt;
    rdc_ql_rtt(e->ql, &srtt, &min_rtt);
    if (rdc_window_update(&e->win, q->answers, q->losses, srtt, min_rtt, rdc_now_ms())) {
        e->stats.cuts = e->win.cuts;
        e->stats.min_window = e->win.min;
    }
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
    rdc_target_t *t = &s->t;
    /* a domain's summary line sums up the addresses found for it */
    for (size_t i = 0; i < t->nextra; i++)
        if (t->extra[i].kind == RDC_RESULT_DOMAIN)
            for (size_t k = 0; k < t->nchildren; k++)
                rdc_domain_add_address(&t->extra[i], rdc_chk_result(t->children[k]));
    for (size_t i = 0; ok && t->extra_first && i < t->nextra; i++)
        ok = emit(ectx, &t->extra[i]);
    for (size_t i = 0; ok && i < t->nchildren; i++) {
        rdc_result_t *r = rdc_chk_result(t->children[i]);
        if (e->o.annotate)
            e->o.annotate(e->o.annotate_ctx, r);
        ok = emit(ectx, r);
    }
    for (size_t i = 0; ok && !t->extra_first && i < t->nextra; i++)
        ok = emit(ectx, &t->extra[i]);
    slot_clear(s);
    s->state = SLOT_EMITTED;
    return ok;
}

/* Emits what has finished: in input order (the ring from its head), or
 * (unordered) in finishing order. False when the output is gone. */
static bool emit_finished(engine_t *e, rdc_emit_fn emit, void *ectx)
{
    while (e->dq_len > 0) {
        slot_t *s = &e->ring[e->doneq[e->dq_head]];
        e->dq_head = (e->dq_head + 1) % e->nring;
        e->dq_len--;
        if (!emit_slot(e, s, emit, ectx))
            return false;
    }
    while (e->head < e->tail) {
        slot_t *s = &e->ring[e->head % e->nring];
        if (s->state == SLOT_DONE && e->doneq == NULL) {
            if (!emit_slot(e, s, emit, ectx))
                return false;
        }
        if (s->state != SLOT_EMITTED)
            break;
        s->state = SLOT_FREE;
        e->head++;
    }
    return true;
}

/* Waits until the network has something, or the next deadline (the
 * resolver's, a duplicate's, a probe's), then lets the resolver and the
 * query layer act on it. False when the wait failed. */
static bool wait_network(engine_t *e)
{
    int wait = e->dns.ops->timeout(e->dns.ctx, e->o.progress ? 200 : 1000);
    int due = rdc_ql_scan(e->ql);
    if (due >= 0 && due < wait)
        wait = due;
    due = e->env.probes ? rdc_probes_scan(e->env.probes) : -1;
    if (due >= 0 && due < wait)
        wait = due;
    int n = rdc_loop_wait(e->loop, wait);
    if (n < 0 && errno != EINTR)
        return false;
    if (n == 0)
        e->dns.ops->tick(e->dns.ctx);
    e->dns.ops->pump(e->dns.ctx);
    rdc_ql_scan(e->ql);
    return true;
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
               e->inflight < rdc_window_size(&e->win)) {
            slot_t *s = &e->ring[e->tail % e->nring];
            int fd = -1;
            rdc_src_status_t st = src(sctx, &s->t.item, &fd);
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
            if (e->x.oom)
                return RDC_RUN_NO_MEMORY;
        }
        if (!emit_finished(e, emit, ectx))
            return RDC_RUN_OUTPUT_FAILED;
        if (e->x.oom || rdc_ql_oom(e->ql))
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
        if (!wait_network(e))
            return RDC_RUN_NO_MEMORY;
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
    rdc_probes_free(e->env.probes);
    rdc_fwdcache_free(e->env.fwd);
    rdc_auth_free(e->env.auth);
    rdc_ql_free(e->ql);
    free(e->ring);
    free(e->doneq);
    free(e);
}
