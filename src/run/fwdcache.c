/* fwdcache.c - the run-wide forward-lookup cache: one A/AAAA lookup per
 * (lower-cased name, family), shared by every check whose PTR names (or
 * HELO or greeting host) name it; finished entries kept up to
 * FWD_CACHE_MAX, oldest evicted first. */
#define _GNU_SOURCE
#include "engine_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t hash_name(const uint8_t *key, uint8_t family)
{
    uint32_t h = 2166136261u ^ family;
    for (size_t i = 0; key[i] != 0; i += (size_t)key[i] + 1)
        for (size_t k = 0; k <= key[i]; k++)
            h = (h ^ key[i + k]) * 16777619u;
    return h;
}

static void lower_name(const uint8_t *in, uint8_t *out)
{
    size_t i = 0;
    for (; in[i] != 0; i += (size_t)in[i] + 1) {
        out[i] = in[i];
        for (size_t k = 1; k <= in[i]; k++) {
            out[i + k] = (uint8_t)rdc_lower((char)in[i + k]);
        }
    }
    out[i] = 0;
}

static void fwd_unlink_table(engine_t *e, fwd_t *f)
{
    fwd_t **pp = &e->table[f->hash & (e->tsize - 1)];
    while (*pp != f)
        pp = &(*pp)->next;
    *pp = f->next;
}

static void fwd_free(fwd_t *f)
{
    free(f->addrs);
    rdc_trace_free(&f->trace);
    rdc_trace_free(&f->lk.trace);
    free(f);
}

static void fwd_evict(engine_t *e)
{
    while (e->ndone > FWD_CACHE_MAX && e->oldest) {
        fwd_t *f = e->oldest;
        e->oldest = f->newer;
        if (e->oldest)
            e->oldest->older = NULL;
        else
            e->newest = NULL;
        fwd_unlink_table(e, f);
        e->ndone--;
        e->nfwd--;
        fwd_free(f);
    }
}

/* Copies what a finished forward lookup found into one name of one check. */
static void fwd_deliver(engine_t *e, fwd_t *f, chk_t *c, rdc_name_result_t *n, bool shared)
{
    n->status = f->status;
    n->via_cname = f->via_cname;
    n->ttl = f->ttl;
    if (f->ttl != RDC_TTL_UNKNOWN) {
        /* counted from this check, like the resolver's own countdown */
        unsigned long long age = (rdc_now_ms() - f->at_ms) / 1000;
        n->ttl = age >= f->ttl ? 0 : f->ttl - (uint32_t)age;
    }
    if (f->naddrs > 0) {
        n->addrs = malloc(f->naddrs * sizeof *n->addrs);
        if (n->addrs == NULL) {
            e->oom = true;
        } else {
            memcpy(n->addrs, f->addrs, f->naddrs * sizeof *n->addrs);
            n->naddrs = f->naddrs;
        }
    }
    for (size_t i = 0; i < n->naddrs; i++)
        if (rdc_addr_equal(&n->addrs[i], &c->res.addr))
            n->confirmed = true;
    static const char shared_note[] = "(answer shared with an earlier check)";
    if (e->o.verbose && f->trace.n > 0 &&
        !(rdc_trace_copy(&c->trace, &f->trace) &&
          (!shared ||
           rdc_trace_text(&c->trace, RDC_EV_NOTE, 0, shared_note, sizeof shared_note - 1))))
        e->oom = true;
    task_release(&c->pending);
}

static void fwd_done(lookup_t *l, const rdc_answer_t *a)
{
    fwd_t *f = l->owner;
    engine_t *e = ENG(l);
    f->done = true;
    f->status = a->status;
    f->via_cname = l->via_cname;
    f->ttl = rdc_dns_status_is_temporary(a->status) ? RDC_TTL_UNKNOWN : a->ttl;
    f->at_ms = rdc_now_ms();
    if (a->status == RDC_DNS_OK) {
        f->addrs = malloc(a->nrecords * sizeof *f->addrs);
        if (f->addrs == NULL) {
            e->oom = true;
            f->status = RDC_DNS_S_ERROR;
        } else {
            for (size_t i = 0; i < a->nrecords; i++)
                f->addrs[i] = a->records[i].addr;
            f->naddrs = a->nrecords;
        }
    }
    if (!rdc_lookup_trace_to(l, &f->trace))
        e->oom = true;
    /* finished: join the eviction list */
    f->older = e->newest;
    f->newer = NULL;
    if (e->newest)
        e->newest->newer = f;
    else
        e->oldest = f;
    e->newest = f;
    e->ndone++;
    waiter_t *w = f->waiters;
    f->waiters = NULL;
    while (w) {
        waiter_t *next = w->next;
        fwd_deliver(e, f, w->c, w->dst, false);
        free(w);
        w = next;
    }
    fwd_evict(e);
}

static bool table_grow(engine_t *e)
{
    size_t n = e->tsize ? e->tsize * 2 : 1024;
    fwd_t **t = calloc(n, sizeof *t);
    if (t == NULL)
        return false;
    for (size_t i = 0; i < e->tsize; i++) {
        fwd_t *f = e->table[i];
        while (f) {
            fwd_t *next = f->next;
            f->next = t[f->hash & (n - 1)];
            t[f->hash & (n - 1)] = f;
            f = next;
        }
    }
    free(e->table);
    e->table = t;
    e->tsize = n;
    return true;
}

/* Asks for the forward addresses of name idx of c, sharing the lookup. */
void rdc_fwd_request(engine_t *e, chk_t *c, rdc_name_result_t *dst, const uint8_t *wire)
{
    uint8_t key[RDC_NAME_WIRE_MAX + 1];
    uint8_t fam = c->res.addr.family;
    lower_name(wire, key);
    uint32_t h = hash_name(key, fam);
    fwd_t *f = NULL;
    if (e->tsize) {
        for (f = e->table[h & (e->tsize - 1)]; f; f = f->next)
            if (f->hash == h && f->family == fam && rdc_name_equal(f->key, key))
                break;
    }
    task_add(&c->pending);
    if (f && f->done) {
        fwd_deliver(e, f, c, dst, true);
        return;
    }
    waiter_t *w = malloc(sizeof *w);
    if (w == NULL) {
        e->oom = true;
        dst->status = RDC_DNS_S_ERROR;
        task_release(&c->pending);
        return;
    }
    w->c = c;
    w->dst = dst;
    if (f) {
        w->next = f->waiters;
        f->waiters = w;
        return;
    }
    if ((e->nfwd + 1 > e->tsize && !table_grow(e)) || (f = calloc(1, sizeof *f)) == NULL) {
        free(w);
        e->oom = true;
        dst->status = RDC_DNS_S_ERROR;
        task_release(&c->pending);
        return;
    }
    memcpy(f->key, key, sizeof key);
    f->family = fam;
    f->hash = h;
    f->next = e->table[h & (e->tsize - 1)];
    e->table[h & (e->tsize - 1)] = f;
    e->nfwd++;
    w->next = NULL;
    f->waiters = w;
    lookup_init(&f->lk, e, fam == 4 ? RDC_TYPE_A : RDC_TYPE_AAAA, wire, fwd_done, f);
    rdc_lookup_start(&f->lk);
}

void rdc_fwd_clear(engine_t *e)
{
    /* pending entries have waiters whose checks are freed by their slots */
    for (size_t i = 0; i < e->tsize; i++) {
        fwd_t *f = e->table[i];
        while (f) {
            fwd_t *next = f->next;
            waiter_t *w = f->waiters;
            while (w) {
                waiter_t *wn = w->next;
                free(w);
                w = wn;
            }
            fwd_free(f);
            f = next;
        }
    }
    free(e->table);
    e->table = NULL;
    e->tsize = 0;
}
