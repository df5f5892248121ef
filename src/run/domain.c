/* domain.c - --mx and --spf domain targets (domain.h): the MX exchanges
 * and their addresses, or the ranges of the SPF record (the SPF module in
 * rules/ asks, this file looks up); the summary result first, then one
 * check per address found. */
#define _GNU_SOURCE
#include "domain.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spf.h"
#include "verdict.h"

/* A domain target: find the addresses (MX exchanges, or SPF ranges), then
 * check each like an address target. The summary result goes first. */
typedef struct dq {
    rdc_lookup_t lk;
    struct rdc_dom *d;
    unsigned id; /* SPF question id */
    size_t ex; /* MX: exchange index */
    struct dq *next;
} dq_t;

typedef struct found {
    rdc_addr_t addr;
    char *via;
} found_t;

typedef struct rdc_dom {
    const rdc_chk_env_t *env;
    rdc_run_ctx_t *x;
    rdc_target_t *slot;
    bool spf_mode;
    char name[RDC_NAME_TEXT_MAX];
    rdc_hold_t pending; /* lookups outstanding */
    dq_t *queries; /* every lookup made, freed with the domain */
    rdc_spf_t *spf;
    /* MX */
    struct ex {
        uint16_t pref;
        char name[RDC_NAME_TEXT_MAX];
        bool cname;
        size_t nfound;
    } * ex;
    size_t nex;
    bool implicit;
    rdc_result_t *sum; /* slot->extra[0] */
    found_t *found;
    size_t nfound, capfound;
    unsigned lookups;
    rdc_buf_t tree;
} dom_t;

static void dom_release(dom_t *d);

static dq_t *dom_query(dom_t *d, const uint8_t *wire, uint16_t type,
                       void (*done)(rdc_lookup_t *, const rdc_answer_t *))
{
    dq_t *q = calloc(1, sizeof *q);
    if (q == NULL) {
        d->x->oom = true;
        return NULL;
    }
    q->d = d;
    q->next = d->queries;
    d->queries = q;
    hold_add(&d->pending);
    d->lookups++;
    rdc_lookup_init(&q->lk, d->x->ql, type, wire, done, q);
    return q;
}

static void dom_add(dom_t *d, const rdc_addr_t *a, const char *via)
{
    for (size_t i = 0; i < d->nfound; i++)
        if (rdc_addr_equal(&d->found[i].addr, a))
            return; /* checked once, under its first reason */
    if (d->nfound == d->capfound) {
        size_t cap = d->capfound ? d->capfound * 2 : 16;
        found_t *f = realloc(d->found, cap * sizeof *f);
        if (f == NULL) {
            d->x->oom = true;
            return;
        }
        d->found = f;
        d->capfound = cap;
    }
    d->found[d->nfound].addr = *a;
    if ((d->found[d->nfound].via = rdc_strdup(via)) == NULL)
        d->x->oom = true;
    d->nfound++;
}

static void dom_problem(dom_t *d, rdc_code_t code, const char *fix, const char *msg)
{
    if (!rdc_result_add_problem(d->sum, code, fix, "%s", msg))
        d->x->oom = true;
}

static void dom_dns_problem(dom_t *d, const char *what, rdc_dns_status_t st)
{
    char msg[RDC_NAME_TEXT_MAX + 128];
    snprintf(msg, sizeof msg, "the %s lookup %s", what, rdc_dns_status_text(st));
    dom_problem(d, rdc_dns_status_code(st),
                "try again later; if it persists, check the resolver (-s) and the domain's name "
                "servers",
                msg);
}

/* An exchange's A or AAAA answer. */
static void mx_addr_done(rdc_lookup_t *l, const rdc_answer_t *a)
{
    dq_t *q = l->owner;
    dom_t *d = q->d;
    struct ex *x = &d->ex[q->ex];
    char via[RDC_NAME_TEXT_MAX + 64], tb[16];
    if (!rdc_lookup_trace_text(l, &d->tree))
        d->x->oom = true;
    if (a->status == RDC_DNS_OK) {
        if (l->via_cname)
            x->cname = true;
        if (d->implicit)
            snprintf(via, sizeof via, "implicit mx %s", d->name);
        else
            snprintf(via, sizeof via, "mx %u %s", x->pref, x->name);
        for (size_t i = 0; i < a->nrecords; i++) {
            dom_add(d, &a->records[i].addr, via);
            x->nfound++;
        }
    } else if (rdc_dns_status_is_temporary(a->status)) {
        char what[RDC_NAME_TEXT_MAX + 16];
        snprintf(what, sizeof what, "%s of %s", rdc_type_name(l->type, tb), x->name);
        dom_dns_problem(d, what, a->status);
        x->nfound++; /* undecided, not "no address" */
    }
    dom_release(d);
}

static void mx_lookup_addrs(dom_t *d, size_t i, const uint8_t *wire)
{
    for (int k = 0; k < 2; k++) {
        if (!(k == 0 ? d->x->o->want4 : d->x->o->want6))
            continue;
        dq_t *q = dom_query(d, wire, k == 0 ? RDC_TYPE_A : RDC_TYPE_AAAA, mx_addr_done);
        if (q == NULL)
            return;
        q->ex = i;
        rdc_lookup_start(&q->lk);
    }
}

/* One MX record, in preference order: a usable exchange's addresses are
 * looked up; a null MX, an address or a name that is no host name is a
 * problem of the domain. */
static void mx_exchange(dom_t *d, const rdc_record_t *rec)
{
    char msg[2 * RDC_NAME_TEXT_MAX];
    struct ex *x = &d->ex[d->nex];
    x->pref = rec->pref;
    rdc_name_to_text(rec->name, x->name);
    if (rec->name[0] == 0) {
        /* RFC 7505 null MX: the domain accepts no mail */
        snprintf(msg, sizeof msg, "%s has a null MX (\"0 .\", RFC 7505): it accepts no mail",
                 d->name);
        dom_problem(d, RDC_MX_NULL, NULL, msg);
        return;
    }
    rdc_addr_t lit;
    size_t nl = strlen(x->name);
    if (rdc_addr_parse(x->name, nl, &lit) ||
        (nl > 2 && x->name[0] == '[' && x->name[nl - 1] == ']')) {
        snprintf(msg, sizeof msg,
                 "MX %u %s is an IP address, not a host name (RFC 5321 section 5.1 wants "
                 "a domain name; most senders will not deliver)",
                 x->pref, x->name);
        dom_problem(d, RDC_MX_IP_LITERAL, "name the exchange by a host name with an A/AAAA record",
                    msg);
        return;
    }
    if (!rdc_name_is_hostname(rec->name)) {
        snprintf(msg, sizeof msg, "MX %u %s is not a host name", x->pref, x->name);
        dom_problem(d, RDC_MX_NO_ADDRESS, "fix the MX record", msg);
        return;
    }
    d->nex++;
    mx_lookup_addrs(d, d->nex - 1, rec->name);
}

/* The MX records, each in preference order (RFC 5321 §5.1, stable for
 * equal ones). */
static void mx_records(dom_t *d, const rdc_answer_t *a)
{
    d->ex = calloc(a->nrecords, sizeof *d->ex);
    if (d->ex == NULL) {
        d->x->oom = true;
        return;
    }
    size_t *order = malloc(a->nrecords * sizeof *order + 1);
    if (order == NULL) {
        d->x->oom = true;
        return;
    }
    for (size_t i = 0; i < a->nrecords; i++) {
        size_t j = i;
        while (j > 0 && a->records[order[j - 1]].pref > a->records[i].pref) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = i;
    }
    for (size_t k = 0; k < a->nrecords; k++)
        mx_exchange(d, &a->records[order[k]]);
    free(order);
}

/* No MX: the domain itself is the implicit MX (RFC 5321 §5.1). */
static void mx_implicit(dom_t *d, const uint8_t *wire)
{
    char msg[2 * RDC_NAME_TEXT_MAX];
    snprintf(msg, sizeof msg,
             "%s has no MX record: mail goes to its own A/AAAA (implicit MX, RFC 5321 "
             "section 5.1)",
             d->name);
    dom_problem(d, RDC_MX_IMPLICIT, "publish an MX record naming the mail server", msg);
    d->implicit = true;
    d->ex = calloc(1, sizeof *d->ex);
    if (d->ex == NULL) {
        d->x->oom = true;
        return;
    }
    d->nex = 1;
    snprintf(d->ex[0].name, sizeof d->ex[0].name, "%s", d->name);
    mx_lookup_addrs(d, 0, wire);
}

static void mx_done(rdc_lookup_t *l, const rdc_answer_t *a)
{
    dq_t *q = l->owner;
    dom_t *d = q->d;
    char msg[2 * RDC_NAME_TEXT_MAX];
    if (!rdc_lookup_trace_text(l, &d->tree))
        d->x->oom = true;
    if (rdc_dns_status_is_temporary(a->status)) {
        dom_dns_problem(d, "MX", a->status);
    } else if (a->status == RDC_DNS_NXDOMAIN) {
        snprintf(msg, sizeof msg, "%s does not exist (NXDOMAIN)", d->name);
        dom_problem(d, RDC_DOMAIN_NOT_FOUND, "check the domain name", msg);
    } else if (a->status == RDC_DNS_NODATA) {
        mx_implicit(d, l->name);
    } else {
        mx_records(d, a);
    }
    dom_release(d);
}

/* SPF: turn one answer into the module's records and ask the next questions. */
static void spf_pump(dom_t *d);

static void spf_done(rdc_lookup_t *l, const rdc_answer_t *a)
{
    dq_t *q = l->owner;
    dom_t *d = q->d;
    if (!rdc_lookup_trace_text(l, &d->tree))
        d->x->oom = true;
    rdc_spf_rr_t *rrs = calloc(a->nrecords ? a->nrecords : 1, sizeof *rrs);
    char *texts = NULL;
    size_t n = 0;
    if (rrs == NULL) {
        d->x->oom = true;
        dom_release(d);
        return;
    }
    if (l->type == RDC_TYPE_TXT && a->nrecords > 0) {
        /* join each record's character-strings (RFC 7208 §3.3), raw bytes */
        size_t total = 0;
        for (size_t i = 0; i < a->nrecords; i++)
            total += a->records[i].rdlen;
        texts = malloc(total + 1);
        if (texts == NULL)
            d->x->oom = true;
        size_t off = 0;
        for (size_t i = 0; texts && i < a->nrecords; i++) {
            const uint8_t *p = a->records[i].rdata, *end = p + a->records[i].rdlen;
            size_t start = off;
            while (p < end) {
                size_t sl = *p++;
                if (sl > (size_t)(end - p))
                    sl = (size_t)(end - p);
                memcpy(texts + off, p, sl);
                off += sl;
                p += sl;
            }
            rrs[n].type = RDC_TYPE_TXT;
            rrs[n].text = texts + start;
            rrs[n].text_len = off - start;
            n++;
        }
    } else {
        for (size_t i = 0; i < a->nrecords; i++) {
            rrs[n].type = l->type;
            if (l->type == RDC_TYPE_MX) {
                rdc_name_to_text(a->records[i].name, rrs[n].host);
                rrs[n].pref = a->records[i].pref;
            } else {
                rrs[n].addr = a->records[i].addr;
            }
            n++;
        }
    }
    rdc_spf_answer(d->spf, q->id, a->status, rrs, n);
    free(texts);
    free(rrs);
    spf_pump(d);
    dom_release(d);
}

static void spf_pump(dom_t *d)
{
    rdc_spf_query_t sq;
    while (rdc_spf_next_query(d->spf, &sq)) {
        uint8_t wire[RDC_NAME_WIRE_MAX + 1];
        if (!rdc_name_from_text(sq.name, strlen(sq.name), wire, NULL)) {
            rdc_spf_answer(d->spf, sq.id, RDC_DNS_S_ERROR, NULL, 0);
            continue;
        }
        dq_t *q = dom_query(d, wire, sq.type, spf_done);
        if (q == NULL) {
            rdc_spf_answer(d->spf, sq.id, RDC_DNS_S_ERROR, NULL, 0);
            continue;
        }
        q->id = sq.id;
        d->lookups--; /* the SPF module counts its own lookups */
        rdc_lookup_start(&q->lk);
    }
}

/* Addresses of an SPF range: every one up to the budget, or a spread
 * sample of a bigger range. */
static void spf_expand(dom_t *d, const rdc_spf_range_t *r, uint64_t *budget)
{
    uint64_t size = rdc_cidr_size(&r->cidr);
    char msg[512], sz[32];
    if (r->cidr.base.family == 4 ? !d->x->o->want4 : !d->x->o->want6)
        return;
    if (size > *budget) {
        if (size == UINT64_MAX)
            snprintf(sz, sizeof sz, "2^%u",
                     (r->cidr.base.family == 4 ? 32u : 128u) - r->cidr.prefix);
        else
            snprintf(sz, sizeof sz, "%llu", (unsigned long long)size);
        char ct[RDC_ADDR_TEXT_MAX + 8];
        rdc_addr_format(&r->cidr.base, ct);
        snprintf(ct + strlen(ct), sizeof ct - strlen(ct), "/%u", r->cidr.prefix);
        snprintf(msg, sizeof msg,
                 "%s: %s, %s addresses, more than --max-expand allows (%llu left)%s", r->via, ct,
                 sz, (unsigned long long)*budget,
                 d->x->o->spf_sample ? "; a spread sample is checked" : "; not checked");
        dom_problem(d, RDC_SPF_RANGE_TOO_LARGE,
                    "use --spf-sample N to check N addresses spread across it, or narrow the "
                    "range in the record",
                    msg);
        if (d->x->o->spf_sample == 0)
            return;
        uint64_t n = d->x->o->spf_sample < *budget ? d->x->o->spf_sample : *budget;
        uint64_t step = size / (n ? n : 1);
        for (uint64_t i = 0; i < n; i++) {
            rdc_addr_t a;
            rdc_cidr_nth(&r->cidr, i * step + step / 2, &a);
            dom_add(d, &a, r->via);
        }
        *budget -= n;
        return;
    }
    for (uint64_t i = 0; i < size; i++) {
        rdc_addr_t a;
        rdc_cidr_nth(&r->cidr, i, &a);
        dom_add(d, &a, r->via);
    }
    *budget -= size;
}

static void spf_finish(dom_t *d)
{
    size_t np = 0, nr = 0;
    const rdc_spf_problem_t *ps = rdc_spf_problems(d->spf, &np);
    for (size_t i = 0; i < np; i++) {
        rdc_severity_t sv = rdc_code_severity(ps[i].code);
        dom_problem(d, ps[i].code,
                    sv == RDC_SEV_TEMPFAIL ? "try again later; check the resolver (-s)"
                    : sv == RDC_SEV_WARN   ? NULL
                                           : "fix the SPF record: receivers treat it as a "
                                             "permanent error (RFC 7208)",
                    ps[i].message);
    }
    const rdc_spf_range_t *rs = rdc_spf_ranges(d->spf, &nr);
    uint64_t budget = d->x->o->max_expand;
    for (size_t i = 0; i < nr; i++)
        spf_expand(d, &rs[i], &budget);
    d->sum->domain.lookups = rdc_spf_lookups(d->spf);
    if (d->x->o->verbose) {
        const char *tree = rdc_spf_tree(d->spf);
        if (tree)
            rdc_buf_puts(&d->tree, tree);
    }
}

/* All lookups answered: the summary, then one check per address found. */
static void dom_finish(dom_t *d)
{
    rdc_run_ctx_t *x = d->x;
    rdc_target_t *s = d->slot;
    char msg[2 * RDC_NAME_TEXT_MAX];
    if (d->spf_mode) {
        spf_finish(d);
    } else {
        d->sum->domain.lookups = d->lookups;
        for (size_t i = 0; i < d->nex; i++) {
            if (d->ex[i].nfound == 0) {
                const char *fam = x->o->want4 && x->o->want6 ? "A or AAAA"
                                  : x->o->want4              ? "A"
                                                             : "AAAA";
                if (d->implicit)
                    snprintf(msg, sizeof msg, "%s (the implicit MX) has no %s address",
                             d->ex[i].name, fam);
                else
                    snprintf(msg, sizeof msg, "MX %u %s has no %s address", d->ex[i].pref,
                             d->ex[i].name, fam);
                dom_problem(d, RDC_MX_NO_ADDRESS,
                            "give the exchange an A/AAAA record, or remove the MX", msg);
            } else if (d->ex[i].cname && !d->implicit) {
                snprintf(msg, sizeof msg,
                         "MX %u %s is an alias (CNAME); RFC 2181 section 10.3 says an MX "
                         "must name a host, not an alias",
                         d->ex[i].pref, d->ex[i].name);
                dom_problem(d, RDC_MX_CNAME, "point the MX at the canonical name", msg);
            }
        }
    }
    d->sum->domain.addresses = d->nfound;
    if (x->o->verbose)
        d->sum->domain.tree = rdc_buf_take(&d->tree);
    rdc_verdict_from_problems(d->sum, x->o->strict);
    d->sum->domain.own = d->sum->verdict; /* the addresses join in at emission */
    s->children = calloc(d->nfound ? d->nfound : 1, sizeof *s->children);
    if (s->children == NULL)
        x->oom = true;
    for (size_t i = 0; s->children && i < d->nfound; i++) {
        rdc_chk_t *c =
            rdc_chk_new(d->env, &s->pending, &d->found[i].addr, s->item.input, s->item.line);
        if (c == NULL) {
            x->oom = true;
            break;
        }
        rdc_chk_result(c)->via = d->found[i].via;
        d->found[i].via = NULL;
        s->children[s->nchildren++] = c;
    }
    task_add(&s->pending);
    for (size_t i = 0; i < s->nchildren; i++)
        rdc_chk_start(s->children[i]);
    task_release(&s->pending); /* the domain step */
    task_release(&s->pending); /* the hold */
}

static void dom_release(dom_t *d)
{
    if (hold_release(&d->pending))
        dom_finish(d);
}

void rdc_dom_free(rdc_dom_t *d)
{
    if (d == NULL)
        return;
    while (d->queries) {
        dq_t *q = d->queries;
        d->queries = q->next;
        rdc_trace_free(&q->lk.trace);
        free(q);
    }
    for (size_t i = 0; i < d->nfound; i++)
        free(d->found[i].via);
    free(d->found);
    free(d->ex);
    rdc_spf_free(d->spf);
    rdc_buf_free(&d->tree);
    free(d);
}

rdc_dom_t *rdc_dom_start(const rdc_chk_env_t *env, rdc_target_t *s)
{
    rdc_run_ctx_t *x = env->x;
    dom_t *d = calloc(1, sizeof *d);
    s->extra = calloc(1, sizeof *s->extra);
    if (d == NULL || s->extra == NULL) {
        free(d);
        x->oom = true;
        return NULL;
    }
    s->nextra = 1;
    s->extra_first = true;
    d->env = env;
    d->x = x;
    d->slot = s;
    d->sum = &s->extra[0];
    d->spf_mode = s->item.kind == RDC_ITEM_SPF;
    rdc_name_to_text(s->item.host, d->name);
    d->sum->input = rdc_strdup(d->name);
    d->sum->kind = RDC_RESULT_DOMAIN;
    d->sum->domain.mode = d->spf_mode ? "spf" : "mx";
    if (d->sum->input == NULL)
        x->oom = true;
    hold_start(&d->pending, 0);
    task_add(&s->pending); /* the domain step */
    if (d->spf_mode) {
        d->spf = rdc_spf_new(d->name);
        if (d->spf == NULL)
            x->oom = true;
        else
            spf_pump(d);
    } else {
        dq_t *q = dom_query(d, s->item.host, RDC_TYPE_MX, mx_done);
        if (q)
            rdc_lookup_start(&q->lk);
    }
    dom_release(d);
    return d;
}
