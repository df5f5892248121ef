/* fwdcache.c - the run-wide forward-lookup cache (fwdcache.h): a hash
 * table of lookups by (lower-cased name, family), each with the checks
 * waiting for it, and a list of the finished ones, oldest first, for
 * eviction. */
#define _GNU_SOURCE
#include "fwdcache.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A check's name result waiting for a lookup. */
typedef struct waiter {
    const rdc_chk_ref_t *c;
    rdc_name_result_t *dst; /* a PTR name of c, or its HELO name */
    struct waiter *next;
} waiter_t;

/* A forward lookup of one name in one family, shared by every check that
 * names it. */
typedef struct fwd {
    rdc_lookup_t lk;
    rdc_fwdcache_t *fc;
    uint8_t key[RDC_NAME_WIRE_MAX + 1]; /* lower-cased */
    uint8_t family;
    uint32_t hash;
    bool done;
    rdc_dns_status_t status;
    bool via_cname;
    uint32_t ttl; /* the answer's (RDC_TTL_UNKNOWN: none) */
    unsigned long long at_ms; /* when it came */
    size_t naddrs;
    rdc_addr_t *addrs;
    rdc_trace_t trace; /* -v: copied to every check it is delivered to */
    waiter_t *waiters;
    struct fwd *next; /* hash chain */
    struct fwd *older, *newer; /* finished entries, oldest first */
} fwd_t;

struct rdc_fwdcache {
    rdc_run_ctx_t *x;
    fwd_t **table;
    size_t tsize, nfwd, ndone;
    fwd_t *oldest, *newest;
};

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

static void fwd_unlink_table(rdc_fwdcache_t *fc, fwd_t *f)
{
    fwd_t **pp = &fc->table[f->hash & (fc->tsize - 1)];
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

static void fwd_evict(rdc_fwdcache_t *fc)
{
    while (fc->ndone > FWD_CACHE_MAX && fc->oldest) {
        fwd_t *f = fc->oldest;
        fc->oldest = f->newer;
        if (fc->oldest)
            fc->oldest->older = NULL;
        else
            fc->newest = NULL;
        fwd_unlink_table(fc, f);
        fc->ndone--;
        fc->nfwd--;
        fwd_free(f);
    }
}

/* Copies what a finished forward lookup found into one name of one check. */
static void fwd_deliver(rdc_fwdcache_t *fc, fwd_t *f, const rdc_chk_ref_t *c, rdc_name_result_t *n,
                        bool shared)
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
            fc->x->oom = true;
        } else {
            memcpy(n->addrs, f->addrs, f->naddrs * sizeof *n->addrs);
            n->naddrs = f->naddrs;
        }
    }
    for (size_t i = 0; i < n->naddrs; i++)
        if (rdc_addr_equal(&n->addrs[i], &c->res->addr))
            n->confirmed = true;
    static const char shared_note[] = "(answer shared with an earlier check)";
    if (fc->x->o->verbose && f->trace.n > 0 &&
        !(rdc_trace_copy(c->trace, &f->trace) &&
          (!shared ||
           rdc_trace_text(c->trace, RDC_EV_NOTE, 0, shared_note, sizeof shared_note - 1))))
        fc->x->oom = true;
    task_release(c->task);
}

static void fwd_done(rdc_lookup_t *l, const rdc_answer_t *a)
{
    fwd_t *f = l->owner;
    rdc_fwdcache_t *fc = f->fc;
    f->done = true;
    f->status = a->status;
    f->via_cname = l->via_cname;
    f->ttl = rdc_dns_status_is_temporary(a->status) ? RDC_TTL_UNKNOWN : a->ttl;
    f->at_ms = rdc_now_ms();
    if (a->status == RDC_DNS_OK) {
        f->addrs = malloc(a->nrecords * sizeof *f->addrs);
        if (f->addrs == NULL) {
            fc->x->oom = true;
            f->status = RDC_DNS_S_ERROR;
        } else {
            for (size_t i = 0; i < a->nrecords; i++)
                f->addrs[i] = a->records[i].addr;
            f->naddrs = a->nrecords;
        }
    }
    if (!rdc_lookup_trace_to(l, &f->trace))
        fc->x->oom = true;
    /* finished: join the eviction list */
    f->older = fc->newest;
    f->newer = NULL;
    if (fc->newest)
        fc->newest->newer = f;
    else
        fc->oldest = f;
    fc->newest = f;
    fc->ndone++;
    waiter_t *w = f->waiters;
    f->waiters = NULL;
    while (w) {
        waiter_t *next = w->next;
        fwd_deliver(fc, f, w->c, w->dst, false);
        free(w);
        w = next;
    }
    fwd_evict(fc);
}

static bool table_grow(rdc_fwdcache_t *fc)
{
    size_t n = fc->tsize ? fc->tsize * 2 : 1024;
    fwd_t **t = calloc(n, sizeof *t);
    if (t == NULL)
        return false;
    for (size_t i = 0; i < fc->tsize; i++) {
        fwd_t *f = fc->table[i];
        while (f) {
            fwd_t *next = f->next;
            f->next = t[f->hash & (n - 1)];
            t[f->hash & (n - 1)] = f;
            f = next;
        }
    }
    free(fc->table);
    fc->table = t;
    fc->tsize = n;
    return true;
}

rdc_fwdcache_t *rdc_fwdcache_new(rdc_run_ctx_t *x)
{
    rdc_fwdcache_t *fc = calloc(1, sizeof *fc);
    if (fc)
        fc->x = x;
    return fc;
}

void rdc_fwd_request(rdc_fwdcache_t *fc, const rdc_chk_ref_t *c, rdc_name_result_t *dst,
                     const uint8_t *wire)
{
    uint8_t key[RDC_NAME_WIRE_MAX + 1];
    uint8_t fam = c->res->addr.family;
    lower_name(wire, key);
    uint32_t h = hash_name(key, fam);
    fwd_t *f = NULL;
    if (fc->tsize) {
        for (f = fc->table[h & (fc->tsize - 1)]; f; f = f->next)
            if (f->hash == h && f->family == fam && rdc_name_equal(f->key, key))
                break;
    }
    task_add(c->task);
    if (f && f->done) {
        fwd_deliver(fc, f, c, dst, true);
        return;
    }
    waiter_t *w = malloc(sizeof *w);
    if (w == NULL) {
        fc->x->oom = true;
        dst->status = RDC_DNS_S_ERROR;
        task_release(c->task);
        return;
    }
    w->c = c;
    w->dst = dst;
    if (f) {
        w->next = f->waiters;
        f->waiters = w;
        return;
    }
    if ((fc->nfwd + 1 > fc->tsize && !table_grow(fc)) || (f = calloc(1, sizeof *f)) == NULL) {
        free(w);
        fc->x->oom = true;
        dst->status = RDC_DNS_S_ERROR;
        task_release(c->task);
        return;
    }
    memcpy(f->key, key, sizeof key);
    f->family = fam;
    f->hash = h;
    f->fc = fc;
    f->next = fc->table[h & (fc->tsize - 1)];
    fc->table[h & (fc->tsize - 1)] = f;
    fc->nfwd++;
    w->next = NULL;
    f->waiters = w;
    rdc_lookup_init(&f->lk, fc->x->ql, fam == 4 ? RDC_TYPE_A : RDC_TYPE_AAAA, wire, fwd_done, f);
    rdc_lookup_start(&f->lk);
}

void rdc_fwdcache_free(rdc_fwdcache_t *fc)
{
    if (fc == NULL)
        return;
    /* pending entries have waiters whose checks are freed by their slots */
    for (size_t i = 0; i < fc->tsize; i++) {
        fwd_t *f = fc->table[i];
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
    free(fc->table);
    free(fc);
}
