/* addrcheck.c - the check of one address: the PTR lookup, then a forward
 * lookup per distinct PTR name (through the forward cache), the HELO
 * name's, the DNSBL zones' (A, then TXT when listed) and the SMTP probe;
 * the verdict when the last part is done. */
#define _GNU_SOURCE
#include "addrcheck.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "generic.h"
#include "mailcheck.h"
#include "verdict.h"

typedef struct bl bl_t;

struct rdc_chk {
    const rdc_chk_env_t *env;
    rdc_task_t *owner; /* released when the verdict is in */
    rdc_result_t res;
    rdc_lookup_t ptr;
    rdc_task_t pending; /* the PTR step, forward lookups, DNSBL, probe */
    rdc_chk_ref_t ref; /* res, trace and pending, for its parts */
    unsigned long long t0;
    rdc_trace_t trace; /* -v: its lookups' events, in the order they ended */
    rdc_trace_t smtp_trace; /* -v: the probe's dialogue, after the lookups */
    bl_t *bl; /* one per --dnsbl zone */
    rdc_probe_t *probe;
    rdc_auth_q_t *auth; /* --authority: its questions */
};

typedef rdc_chk_t chk_t;

/* One DNSBL zone's lookups for one address: A, then TXT when listed. */
struct bl {
    rdc_lookup_t lk;
    chk_t *c;
    size_t idx;
};

/* The last of the check's parts is done (task.h): the verdict, then the
 * check's part of its slot. */
static void chk_done(rdc_task_t *t)
{
    chk_t *c = TASK_OWNER(t, chk_t, pending);
    rdc_run_ctx_t *x = c->env->x;
    if (x->o->verbose &&
        !(rdc_trace_move(&c->trace, &c->smtp_trace) && rdc_trace_move(&c->res.trace, &c->trace)))
        x->oom = true; /* a lost event: the run stops, as for any allocation */
    if (c->auth && !rdc_auth_finish(c->auth, &c->res))
        x->oom = true;
    if (!rdc_verdict_compute(&c->res, (x->o->strict ? RDC_RULES_STRICT : 0u) |
                                          (x->o->iprev ? RDC_RULES_IPREV : 0u)))
        x->oom = true;
    c->res.elapsed_ms = (unsigned)(rdc_now_ms() - c->t0);
    task_release(c->owner);
}

static void ptr_done(rdc_lookup_t *l, const rdc_answer_t *a)
{
    chk_t *c = l->owner;
    rdc_run_ctx_t *x = c->env->x;
    c->res.ptr_status = a->status;
    c->res.ptr_ttl = rdc_dns_status_is_temporary(a->status) ? RDC_TTL_UNKNOWN : a->ttl;
    if (!rdc_lookup_trace_to(l, &c->trace))
        x->oom = true;
    if (a->status != RDC_DNS_OK) {
        task_release(&c->pending);
        return;
    }
    /* distinct names, in answer order; a (and so wires) stays valid for
     * the whole call, lookups started here never call back inside it */
    size_t n = 0;
    const uint8_t **wires = malloc(a->nrecords * sizeof *wires);
    c->res.names = calloc(a->nrecords, sizeof *c->res.names);
    if (c->res.names == NULL || wires == NULL) {
        free(wires);
        x->oom = true;
        c->res.ptr_status = RDC_DNS_S_ERROR;
        task_release(&c->pending);
        return;
    }
    for (size_t i = 0; i < a->nrecords; i++) {
        bool dup = false;
        for (size_t j = 0; j < n && !dup; j++)
            dup = rdc_name_equal(wires[j], a->records[i].name);
        if (dup)
            continue;
        char text[RDC_NAME_TEXT_MAX];
        rdc_name_to_text(a->records[i].name, text);
        rdc_name_result_t *nr = &c->res.names[n];
        nr->name = rdc_strdup(text);
        if (nr->name == NULL) {
            x->oom = true;
            break;
        }
        wires[n++] = a->records[i].name;
        if (n > x->o->max_names)
            nr->kind = RDC_NAME_SKIPPED;
        else if (rdc_name_is_reverse(a->records[i].name))
            nr->kind = RDC_NAME_RELATIVE;
        else if (!rdc_name_is_hostname(a->records[i].name))
            nr->kind = RDC_NAME_INVALID;
        else {
            nr->kind = RDC_NAME_CHECKED;
            char why[200];
            if (x->o->generic &&
                rdc_generic_name(a->records[i].name, &c->res.addr, why, sizeof why) !=
                    RDC_GENERIC_NO &&
                (nr->generic = rdc_strdup(why)) == NULL)
                x->oom = true;
        }
    }
    c->res.nnames = n;
    task_add(&c->pending); /* hold while requesting */
    for (size_t i = 0; i < n; i++)
        if (c->res.names[i].kind == RDC_NAME_CHECKED)
            rdc_fwd_request(c->env->fwd, &c->ref, &c->res.names[i], wires[i]);
    free(wires);
    if (c->env->auth)
        rdc_auth_forward(c->env->auth, &c->ref, &c->auth);
    task_release(&c->pending); /* the PTR step */
    task_release(&c->pending); /* the hold */
}

static bool helo_init(const rdc_engine_opts_t *o, chk_t *c)
{
    rdc_name_result_t *h = calloc(1, sizeof *h);
    if (h == NULL)
        return false;
    c->res.helo = h;
    char shown[300];
    rdc_escape_bytes(o->helo, strlen(o->helo), shown, sizeof shown);
    h->name = rdc_strdup(shown);
    h->kind = o->helo_kind;
    if (h->name == NULL)
        return false;
    if (h->kind == RDC_NAME_INVALID) {
        c->res.helo_why = rdc_strdup(o->helo_why);
        return c->res.helo_why != NULL;
    }
    if (h->kind == RDC_NAME_LITERAL) {
        h->addrs = malloc(sizeof *h->addrs);
        if (h->addrs == NULL)
            return false;
        h->addrs[0] = o->helo_lit;
        h->naddrs = 1;
        h->confirmed = rdc_addr_equal(&o->helo_lit, &c->res.addr);
    } else {
        /* a name of the other family than the address is looked up in the
         * address's family, like the PTR names */
        char text[RDC_NAME_TEXT_MAX];
        rdc_name_to_text(o->helo_wire, text);
        free(h->name);
        h->name = rdc_strdup(text);
        if (h->name == NULL)
            return false;
    }
    return true;
}

static void bl_done(rdc_lookup_t *l, const rdc_answer_t *a)
{
    bl_t *b = l->owner;
    chk_t *c = b->c;
    rdc_run_ctx_t *x = c->env->x;
    rdc_dnsbl_result_t *d = &c->res.dnsbl[b->idx];
    if (!rdc_lookup_trace_to(l, &c->trace))
        x->oom = true;
    if (l->type == RDC_TYPE_TXT) {
        /* the reason of a listing: the TXT strings, already escaped */
        if (a->status == RDC_DNS_OK && a->nrecords > 0 &&
            (d->reason = rdc_strdup((const char *)a->records[0].name)) == NULL)
            x->oom = true;
        task_release(&c->pending);
        return;
    }
    d->status = a->status;
    for (size_t i = 0; a->status == RDC_DNS_OK && i < a->nrecords && d->ncodes < 8; i++)
        d->codes[d->ncodes++] = a->records[i].addr;
    d->state = rdc_dnsbl_classify(d->status, d->codes, d->ncodes, NULL);
    if (d->state == RDC_BL_LISTED) {
        l->type = RDC_TYPE_TXT; /* same name, now the reason */
        l->hops = 0;
        l->tries = 0;
        l->free = 0;
        l->via_cname = false;
        rdc_lookup_start(l);
        return;
    }
    task_release(&c->pending);
}

static bool dnsbl_init(rdc_run_ctx_t *x, chk_t *c)
{
    const rdc_engine_opts_t *o = x->o;
    c->bl = calloc(o->ndnsbl, sizeof *c->bl);
    c->res.dnsbl = calloc(o->ndnsbl, sizeof *c->res.dnsbl);
    if (c->bl == NULL || c->res.dnsbl == NULL)
        return false;
    c->res.ndnsbl = o->ndnsbl;
    for (size_t i = 0; i < o->ndnsbl; i++) {
        char qname[RDC_NAME_TEXT_MAX];
        uint8_t wire[RDC_NAME_WIRE_MAX + 1];
        rdc_dnsbl_result_t *d = &c->res.dnsbl[i];
        d->zone = rdc_strdup(o->dnsbl[i]);
        if (d->zone == NULL)
            return false;
        /* zones were validated by the CLI, so the name fits */
        if (!rdc_dnsbl_query_name(&c->res.addr, o->dnsbl[i], qname) ||
            !rdc_name_from_text(qname, strlen(qname), wire, NULL))
            return false;
        c->bl[i].c = c;
        c->bl[i].idx = i;
        rdc_lookup_init(&c->bl[i].lk, x->ql, RDC_TYPE_A, wire, bl_done, &c->bl[i]);
    }
    return true;
}

chk_t *rdc_chk_new(const rdc_chk_env_t *env, rdc_task_t *owner, const rdc_addr_t *addr,
                   const char *input, unsigned long line)
{
    rdc_run_ctx_t *x = env->x;
    chk_t *c = calloc(1, sizeof *c);
    if (c == NULL)
        return NULL;
    c->env = env;
    c->owner = owner;
    c->ref.res = &c->res;
    c->ref.trace = &c->trace;
    c->ref.task = &c->pending;
    c->res.input = rdc_strdup(input);
    c->res.line = line;
    c->res.kind = RDC_RESULT_ADDRESS;
    c->res.addr = *addr;
    if (c->res.input == NULL) {
        free(c);
        return NULL;
    }
    char rev[RDC_REVNAME_MAX];
    uint8_t wire[RDC_NAME_WIRE_MAX + 1];
    rdc_addr_reverse_name(addr, rev);
    rdc_name_from_text(rev, strlen(rev), wire, NULL);
    rdc_lookup_init(&c->ptr, x->ql, RDC_TYPE_PTR, wire, ptr_done, c);
    if (x->o->helo && !helo_init(x->o, c)) {
        rdc_chk_free(c);
        return NULL;
    }
    if (x->o->ndnsbl > 0 && !dnsbl_init(x, c)) {
        rdc_chk_free(c);
        return NULL;
    }
    return c;
}

void rdc_chk_start(chk_t *c)
{
    const rdc_chk_env_t *env = c->env;
    c->t0 = rdc_now_ms();
    task_start(&c->pending, 1, chk_done); /* the PTR step */
    task_add(c->owner);
    rdc_lookup_start(&c->ptr);
    if (env->auth)
        rdc_auth_start(env->auth, &c->ref, &c->auth);
    /* the HELO name's forward lookup, shared by every address of a family */
    if (c->res.helo && c->res.helo->kind == RDC_NAME_CHECKED)
        rdc_fwd_request(env->fwd, &c->ref, c->res.helo, env->x->o->helo_wire);
    for (size_t i = 0; i < c->res.ndnsbl; i++) {
        task_add(&c->pending);
        rdc_lookup_start(&c->bl[i].lk);
    }
    if (env->probes && !rdc_probe_start(env->probes, &c->ref, &c->smtp_trace, &c->probe))
        env->x->oom = true;
    task_release(&c->pending);
}

rdc_result_t *rdc_chk_result(chk_t *c)
{
    return &c->res;
}

rdc_trace_t *rdc_chk_trace(chk_t *c)
{
    return &c->trace;
}

void rdc_chk_free(chk_t *c)
{
    if (c == NULL)
        return;
    rdc_probe_free(c->probe);
    rdc_auth_qs_free(c->auth);
    for (size_t i = 0; c->bl && i < c->res.ndnsbl; i++)
        rdc_trace_free(&c->bl[i].lk.trace);
    free(c->bl);
    rdc_result_clear(&c->res);
    rdc_trace_free(&c->trace);
    rdc_trace_free(&c->smtp_trace);
    rdc_trace_free(&c->ptr.trace);
    free(c);
}
