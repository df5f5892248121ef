/* expand.c - targets that become addresses first: a host name (its A and
 * AAAA records), and --mx / --spf domains (MX exchanges and their
 * addresses, or the SPF module's ranges); each address is then checked
 * like an address target, a domain's summary result first. */
#define _GNU_SOURCE
#include "engine_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spf.h"
#include "verdict.h"

static bool slot_add_extra(engine_t *e, slot_t *s, rdc_code_t code, const char *fix,
                           const char *msg)
{
    rdc_result_t *x = realloc(s->extra, (s->nextra + 1) * sizeof *x);
    if (x == NULL) {
        e->oom = true;
        return false;
    }
    s->extra = x;
    rdc_result_t *r = &x[s->nextra++];
    memset(r, 0, sizeof *r);
    r->kind = RDC_RESULT_UNRESOLVED;
    r->input = rdc_strdup(s->item.input);
    r->line = s->item.line;
    r->ptr_status = RDC_DNS_OK;
    if (!rdc_result_add_problem(r, code, fix, "%s", msg))
        e->oom = true;
    r->verdict = rdc_code_severity(code) == RDC_SEV_TEMPFAIL ? RDC_TEMPFAIL : RDC_FAIL;
    return true;
}

static void host_finish(host_t *h);

static void host_release(host_t *h)
{
    if (hold_release(&h->pending))
        host_finish(h);
}

static void host_done(lookup_t *l, const rdc_answer_t *a)
{
    host_t *h = l->owner;
    engine_t *e = ENG(l);
    int fi = l == &h->lk[0] ? 0 : 1;
    h->status[fi] = a->status;
    if (a->status == RDC_DNS_OK && a->nrecords > 0) {
        h->addrs[fi] = malloc(a->nrecords * sizeof(rdc_addr_t));
        if (h->addrs[fi] == NULL) {
            e->oom = true;
        } else {
            for (size_t i = 0; i < a->nrecords; i++) {
                bool dup = false;
                for (size_t j = 0; j < h->naddrs[fi] && !dup; j++)
                    dup = rdc_addr_equal(&h->addrs[fi][j], &a->records[i].addr);
                if (!dup)
                    h->addrs[fi][h->naddrs[fi]++] = a->records[i].addr;
            }
        }
    }
    if (!rdc_lookup_trace_to(l, &h->trace[fi]))
        e->oom = true;
    host_release(h);
}

/* Both families answered: one check per address, or a result saying why
 * there is none. */
static void host_finish(host_t *h)
{
    engine_t *e = h->e;
    slot_t *s = h->slot;
    char name[RDC_NAME_TEXT_MAX], msg[RDC_NAME_TEXT_MAX + 128];
    rdc_name_to_text(s->item.host, name);
    size_t total = h->naddrs[0] + h->naddrs[1];
    /* one record for the target's failed lookups, one problem per lookup */
    bool temp = false;
    for (int k = 0; k < 2; k++) {
        if (!h->active[k] || !rdc_dns_status_is_temporary(h->status[k]))
            continue;
        snprintf(msg, sizeof msg, "the %s lookup of %s %s", k == 0 ? "A" : "AAAA", name,
                 rdc_dns_status_text(h->status[k]));
        rdc_code_t code = rdc_dns_status_code(h->status[k]);
        const char *fix = "try again later; if it persists, check the resolver (-s)";
        if (!temp)
            slot_add_extra(e, s, code, fix, msg);
        else if (s->nextra > 0 &&
                 !rdc_result_add_problem(&s->extra[s->nextra - 1], code, fix, "%s", msg))
            e->oom = true;
        temp = true;
    }
    if (total == 0 && !temp) {
        const char *which = h->active[0] && h->active[1] ? "A or AAAA"
                            : h->active[0]               ? "A"
                                                         : "AAAA";
        snprintf(msg, sizeof msg, "%s has no %s record (%s)", name, which,
                 h->status[0] == RDC_DNS_NXDOMAIN || h->status[1] == RDC_DNS_NXDOMAIN
                     ? "the name does not exist"
                     : "the name exists without one");
        slot_add_extra(e, s, RDC_NO_ADDRESS,
                       "check the host name, or give the address to check instead", msg);
    }
    if (e->o.verbose && s->nextra > 0)
        for (int k = 0; k < 2; k++)
            if (!rdc_trace_copy(&s->extra[s->nextra - 1].trace, &h->trace[k]))
                e->oom = true;
    s->children = calloc(total ? total : 1, sizeof *s->children);
    if (s->children == NULL)
        e->oom = true; /* the run stops; no check is started */
    for (int k = 0; k < 2 && s->children; k++)
        for (size_t i = 0; i < h->naddrs[k]; i++) {
            chk_t *c = rdc_chk_new(e, s, &h->addrs[k][i], s->item.input);
            if (c == NULL) {
                e->oom = true;
                continue;
            }
            if (e->o.verbose && !rdc_trace_copy(&c->trace, &h->trace[k]))
                e->oom = true;
            s->children[s->nchildren++] = c;
        }
    task_add(&s->pending); /* hold while starting the children */
    for (size_t i = 0; i < s->nchildren; i++)
        rdc_chk_start(s->children[i]);
    task_release(&s->pending); /* the host step */
    task_release(&s->pending); /* the hold */
}

void rdc_host_free(host_t *h)
{
    if (h == NULL)
        return;
    for (int k = 0; k < 2; k++) {
        free(h->addrs[k]);
        rdc_trace_free(&h->trace[k]);
        rdc_trace_free(&h->lk[k].trace);
    }
    free(h);
}

/* ---------------------------------------------------------------- --mx / --spf */

/* A domain target: find the addresses (MX exchanges, or SPF ranges), then
 * check each like an address target. The summary result goes first. */
typedef struct dq {
    lookup_t lk;
    struct dom *d;
    unsigned id; /* SPF question id */
    size_t ex; /* MX: exchange index */
    struct dq *next;
} dq_t;

typedef struct found {
    rdc_addr_t addr;
    char *via;
} found_t;

typedef struct dom {
    engine_t *e;
    slot_t *slot;
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
                       void (*done)(lookup_t *, const rdc_answer_t *))
{
    dq_t *q = calloc(1, sizeof *q);
    if (q == NULL) {
        d->e->oom = true;
        return NULL;
    }
    q->d = d;
    q->next = d->queries;
    d->queries = q;
    hold_add(&d->pending);
    d->lookups++;
    lookup_init(&q->lk, d->e, type, wire, done, q);
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
            d->e->oom = true;
            return;
        }
        d->found = f;
        d->capfound = cap;
    }
    d->found[d->nfound].addr = *a;
    if ((d->found[d->nfound].via = rdc_strdup(via)) == NULL)
        d->e->oom = true;
    d->nfound++;
}

static void dom_problem(dom_t *d, rdc_code_t code, const char *fix, const char *msg)
{
    if (!rdc_result_add_problem(d->sum, code, fix, "%s", msg))
        d->e->oom = true;
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
static void mx_addr_done(lookup_t *l, const rdc_answer_t *a)
{
    dq_t *q = l->owner;
    dom_t *d = q->d;
    struct ex *x = &d->ex[q->ex];
    char via[RDC_NAME_TEXT_MAX + 64], tb[16];
    if (!rdc_lookup_trace_text(l, &d->tree))
        d->e->oom = true;
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
        if (!(k == 0 ? d->e->o.want4 : d->e->o.want6))
            continue;
        dq_t *q = dom_query(d, wire, k == 0 ? RDC_TYPE_A : RDC_TYPE_AAAA, mx_addr_done);
        if (q == NULL)
            return;
        q->ex = i;
        rdc_lookup_start(&q->lk);
    }
}

static void mx_done(lookup_t *l, const rdc_answer_t *a)
{
    dq_t *q = l->owner;
    dom_t *d = q->d;
    char msg[2 * RDC_NAME_TEXT_MAX];
    if (!rdc_lookup_trace_text(l, &d->tree))
        d->e->oom = true;
    if (rdc_dns_status_is_temporary(a->status)) {
        dom_dns_problem(d, "MX", a->status);
    } else if (a->status == RDC_DNS_NXDOMAIN) {
        snprintf(msg, sizeof msg, "%s does not exist (NXDOMAIN)", d->name);
        dom_problem(d, RDC_DOMAIN_NOT_FOUND, "check the domain name", msg);
    } else if (a->status == RDC_DNS_NODATA) {
        /* RFC 5321 §5.1: no MX, the domain itself is the implicit MX */
        snprintf(msg, sizeof msg,
                 "%s has no MX record: mail goes to its own A/AAAA (implicit MX, RFC 5321 "
                 "section 5.1)",
                 d->name);
        dom_problem(d, RDC_MX_IMPLICIT, "publish an MX record naming the mail server", msg);
        d->implicit = true;
        d->ex = calloc(1, sizeof *d->ex);
        if (d->ex == NULL) {
            d->e->oom = true;
        } else {
            d->nex = 1;
            snprintf(d->ex[0].name, sizeof d->ex[0].name, "%s", d->name);
            mx_lookup_addrs(d, 0, l->name);
        }
    } else {
        d->ex = calloc(a->nrecords, sizeof *d->ex);
        if (d->ex == NULL) {
            d->e->oom = true;
            dom_release(d);
            return;
        }
        /* preference order (RFC 5321 §5.1), stable for equal ones */
        size_t *order = malloc(a->nrecords * sizeof *order + 1);
        if (order == NULL) {
            d->e->oom = true;
            dom_release(d);
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
        for (size_t k = 0; k < a->nrecords; k++) {
            const rdc_record_t *rec = &a->records[order[k]];
            struct ex *x = &d->ex[d->nex];
            x->pref = rec->pref;
            rdc_name_to_text(rec->name, x->name);
            if (rec->name[0] == 0) {
                /* RFC 7505 null MX: the domain accepts no mail */
                snprintf(msg, sizeof msg,
                         "%s has a null MX (\"0 .\", RFC 7505): it accepts no mail", d->name);
                dom_problem(d, RDC_MX_NULL, NULL, msg);
                continue;
            }
            rdc_addr_t lit;
            size_t nl = strlen(x->name);
            if (rdc_addr_parse(x->name, nl, &lit) ||
                (nl > 2 && x->name[0] == '[' && x->name[nl - 1] == ']')) {
                snprintf(msg, sizeof msg,
                         "MX %u %s is an IP address, not a host name (RFC 5321 section 5.1 wants "
                         "a domain name; most senders will not deliver)",
                         x->pref, x->name);
                dom_problem(d, RDC_MX_IP_LITERAL,
                            "name the exchange by a host name with an A/AAAA record", msg);
                continue;
            }
            if (!rdc_name_is_hostname(rec->name)) {
                snprintf(msg, sizeof msg, "MX %u %s is not a host name", x->pref, x->name);
                dom_problem(d, RDC_MX_NO_ADDRESS, "fix the MX record", msg);
                continue;
            }
            d->nex++;
            mx_lookup_addrs(d, d->nex - 1, rec->name);
        }
        free(order);
    }
    dom_release(d);
}

/* SPF: turn one answer into the module's records and ask the next questions. */
static void spf_pump(dom_t *d);

static void spf_done(lookup_t *l, const rdc_answer_t *a)
{
    dq_t *q = l->owner;
    dom_t *d = q->d;
    if (!rdc_lookup_trace_text(l, &d->tree))
        d->e->oom = true;
    rdc_spf_rr_t *rrs = calloc(a->nrecords ? a->nrecords : 1, sizeof *rrs);
    char *texts = NULL;
    size_t n = 0;
    if (rrs == NULL) {
        d->e->oom = true;
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
            d->e->oom = true;
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
    if (r->cidr.base.family == 4 ? !d->e->o.want4 : !d->e->o.want6)
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
                 d->e->o.spf_sample ? "; a spread sample is checked" : "; not checked");
        dom_problem(d, RDC_SPF_RANGE_TOO_LARGE,
                    "use --spf-sample N to check N addresses spread across it, or narrow the "
                    "range in the record",
                    msg);
        if (d->e->o.spf_sample == 0)
            return;
        uint64_t n = d->e->o.spf_sample < *budget ? d->e->o.spf_sample : *budget;
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
    uint64_t budget = d->e->o.max_expand;
    for (size_t i = 0; i < nr; i++)
        spf_expand(d, &rs[i], &budget);
    d->sum->domain.lookups = rdc_spf_lookups(d->spf);
    if (d->e->o.verbose) {
        const char *tree = rdc_spf_tree(d->spf);
        if (tree)
            rdc_buf_puts(&d->tree, tree);
    }
}

/* All lookups answered: the summary, then one check per address found. */
static void dom_finish(dom_t *d)
{
    engine_t *e = d->e;
    slot_t *s = d->slot;
    char msg[2 * RDC_NAME_TEXT_MAX];
    if (d->spf_mode) {
        spf_finish(d);
    } else {
        d->sum->domain.lookups = d->lookups;
        for (size_t i = 0; i < d->nex; i++) {
            if (d->ex[i].nfound == 0) {
                const char *fam = e->o.want4 && e->o.want6 ? "A or AAAA"
                                  : e->o.want4             ? "A"
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
    if (e->o.verbose)
        d->sum->domain.tree = rdc_buf_take(&d->tree);
    rdc_verdict_from_problems(d->sum, e->o.strict);
    d->sum->domain.own = d->sum->verdict; /* the addresses join in at emission */
    s->children = calloc(d->nfound ? d->nfound : 1, sizeof *s->children);
    if (s->children == NULL)
        e->oom = true;
    for (size_t i = 0; s->children && i < d->nfound; i++) {
        chk_t *c = rdc_chk_new(e, s, &d->found[i].addr, s->item.input);
        if (c == NULL) {
            e->oom = true;
            break;
        }
        c->res.via = d->found[i].via;
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

void rdc_dom_free(dom_t *d)
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

void rdc_dom_start(engine_t *e, slot_t *s)
{
    dom_t *d = calloc(1, sizeof *d);
    s->extra = calloc(1, sizeof *s->extra);
    if (d == NULL || s->extra == NULL) {
        free(d);
        e->oom = true;
        return;
    }
    s->dom = d;
    s->nextra = 1;
    s->extra_first = true;
    d->e = e;
    d->slot = s;
    d->sum = &s->extra[0];
    d->spf_mode = s->item.kind == RDC_ITEM_SPF;
    rdc_name_to_text(s->item.host, d->name);
    d->sum->input = rdc_strdup(d->name);
    d->sum->kind = RDC_RESULT_DOMAIN;
    d->sum->domain.mode = d->spf_mode ? "spf" : "mx";
    if (d->sum->input == NULL)
        e->oom = true;
    hold_start(&d->pending, 0);
    task_add(&s->pending); /* the domain step */
    if (d->spf_mode) {
        d->spf = rdc_spf_new(d->name);
        if (d->spf == NULL)
            e->oom = true;
        else
            spf_pump(d);
    } else {
        dq_t *q = dom_query(d, s->item.host, RDC_TYPE_MX, mx_done);
        if (q)
            rdc_lookup_start(&q->lk);
    }
    dom_release(d);
}

/* Starts a host-name target: its A and AAAA lookups (as asked). */
void rdc_host_start(engine_t *e, slot_t *s)
{
    host_t *h = calloc(1, sizeof *h);
    if (h == NULL) {
        e->oom = true;
        return;
    }
    s->host = h;
    h->e = e;
    h->slot = s;
    h->active[0] = e->o.want4;
    h->active[1] = e->o.want6;
    hold_start(&h->pending, (unsigned)h->active[0] + (unsigned)h->active[1]);
    task_add(&s->pending); /* the host step */
    for (int k = 0; k < 2; k++) {
        if (!h->active[k])
            continue;
        lookup_init(&h->lk[k], e, k == 0 ? RDC_TYPE_A : RDC_TYPE_AAAA, s->item.host, host_done, h);
        rdc_lookup_start(&h->lk[k]);
    }
    host_release(h); /* the start hold */
}
