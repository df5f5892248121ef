/* authority.c - --authority's questions (authority.h). For each address:
 * the SOA lookup of its reverse name through the resolver gives the zone
 * (the SOA owner, RFC 2308 §3) and its contact; the zone's servers are
 * found once per run (authzone.c); then every server is asked directly
 * (RD=0) for the PTR. Each checked PTR name is followed the same way in
 * its own zone (A or AAAA). When the resolver cannot find the zone, the
 * zone above that answers is asked for the delegation. authcheck.c
 * judges the answers. */
#define _GNU_SOURCE
#include "authority.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "authcheck.h"
#include "authsend.h"
#include "authzone.h"
#include "trace.h"

#define AUTH_MAX_SRC 16 /* names of the zone's PTR answers looked up forward */

struct rdc_auth {
    rdc_run_ctx_t *x;
    rdc_fwdcache_t *fwd;
    rdc_zones_t *zones;
};

typedef rdc_auth_q_t aq_t;
typedef rdc_zone_t azone_t;

/* One question of a check: the PTR, or one PTR name's A/AAAA. */
struct rdc_auth_q {
    rdc_auth_t *a;
    const rdc_chk_ref_t *c;
    aq_t *next; /* the check's questions */
    rdc_zone_wait_t wait; /* for its zone's servers */
    bool forward;
    size_t index; /* forward: of the check's names */
    rdc_lookup_t soa_lk;
    uint8_t name[RDC_NAME_WIRE_MAX + 1]; /* asked of the servers */
    bool named; /* name set from the first SOA answer */
    uint16_t type;
    rdc_auth_question_t out;
    rdc_hold_t pending; /* the SOA step, then one per server asked */
    /* the PTR question: the names the zone's servers give, looked up
     * forward through the resolver (shared with the check's own) */
    rdc_name_result_t *src;
    size_t nsrc;
    rdc_trace_t trace; /* -v: its queries to the zone's servers */
    /* the resolver could not find the zone (SERVFAIL: often every server
     * of it is lame): 1 walking up to a zone that answers, 2 waiting for
     * that zone's servers, 3 asking them for the delegation (RD=0) */
    int rescue;
    char *rescue_why; /* the SOA lookup's failure */
    char *rparent; /* the zone whose servers were asked */
    uint8_t rparent_w[RDC_NAME_WIRE_MAX + 1];
    rdc_hold_t rpending;
    bool have_ref;
    rdc_referral_t *ref; /* their delegation */
};

static void aq_ask(aq_t *q, const azone_t *z);
static void rescue_answer(aq_t *q, const uint8_t *msg, size_t len);
static void rescue_release(aq_t *q);

static void question_answered(aq_t *q, size_t srv, rdc_auth_state_t state, const rdc_answer_t *a)
{
    rdc_auth_server_t *s = &q->out.servers[srv];
    s->asked = true;
    s->state = state;
    if (state != RDC_AUTH_S_OK)
        return;
    s->answer.status = a->status;
    for (size_t i = 0; a->status == RDC_DNS_OK && i < a->nrecords; i++) {
        char text[RDC_NAME_TEXT_MAX];
        if (q->type == RDC_TYPE_PTR)
            rdc_name_to_text(a->records[i].name, text);
        else
            rdc_addr_format(&a->records[i].addr, text);
        if (!rdc_auth_answer_add(&s->answer, text))
            q->a->x->oom = true;
    }
}

static void aq_release(aq_t *q);

/* A server of the question's zone answered (or failed). */
static void question_answer(void *arg, size_t srv, const uint8_t *msg, size_t len,
                            rdc_dns_status_t st, const rdc_answer_t *a)
{
    aq_t *q = arg;
    (void)msg;
    (void)len;
    question_answered(q, srv, rdc_direct_state(st, a), a);
    aq_release(q);
}

/* A server of the zone above answered the NS question (or failed). */
static void rescue_reply(void *arg, size_t srv, const uint8_t *msg, size_t len, rdc_dns_status_t st,
                         const rdc_answer_t *a)
{
    aq_t *q = arg;
    (void)srv;
    (void)st;
    (void)a;
    rescue_answer(q, msg, len);
    rescue_release(q);
}

/* ---------------------------------------------------------------- questions */

/* The PTR question is answered: every host name the zone's servers gave
 * is looked up forward, so the report can say whether the zone's answer
 * will pass once the caches have it. */
/* The check's own PTR name result named text, when that name was looked
 * up forward (its answer is the one the zone's name would get). */
static const rdc_name_result_t *own_name(const rdc_result_t *r, const char *text)
{
    for (size_t i = 0; i < r->nnames; i++)
        if (r->names[i].kind == RDC_NAME_CHECKED && strcasecmp(r->names[i].name, text) == 0)
            return &r->names[i];
    return NULL;
}

static void src_request(aq_t *q)
{
    rdc_run_ctx_t *x = q->a->x;
    uint8_t wires[AUTH_MAX_SRC][RDC_NAME_WIRE_MAX + 1];
    size_t n = 0;
    for (size_t i = 0; i < q->out.nservers; i++) {
        const rdc_auth_server_t *s = &q->out.servers[i];
        if (!s->asked || s->state != RDC_AUTH_S_OK)
            continue;
        for (size_t k = 0; k < s->answer.n && n < AUTH_MAX_SRC; k++) {
            const char *t = s->answer.data[k];
            bool dup = false;
            /* a name the check looks up itself needs no lookup of its own
             * (when the PTR answer is in by now; else it is shared) */
            if (own_name(q->c->res, t) || !rdc_name_from_text(t, strlen(t), wires[n], NULL) ||
                !rdc_name_is_hostname(wires[n]))
                continue;
            for (size_t j = 0; j < n && !dup; j++)
                dup = rdc_name_equal(wires[j], wires[n]);
            n += !dup;
        }
    }
    if (n == 0)
        return;
    if ((q->src = calloc(n, sizeof *q->src)) == NULL) {
        x->oom = true;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        rdc_name_result_t *nr = &q->src[q->nsrc++];
        nr->kind = RDC_NAME_CHECKED;
        rdc_fwd_request(q->a->fwd, q->c, nr, wires[i]);
    }
}

static void aq_release(aq_t *q)
{
    if (!hold_release(&q->pending))
        return;
    if (q->a->x->o->verbose && !rdc_trace_move(q->c->trace, &q->trace))
        q->a->x->oom = true;
    if (!q->forward && q->out.nservers > 0)
        src_request(q); /* holds the check until the answers are in */
    task_release(q->c->task);
}

static void aq_error(aq_t *q, const char *msg)
{
    free(q->out.error);
    if ((q->out.error = rdc_strdup(msg)) == NULL)
        q->a->x->oom = true;
}

/* Its zone is ready: ask every server of it that answered the SOA. */
static void rescue_ask(aq_t *q, const azone_t *p);

/* Its zone's servers are known: ask them, or (rescue) ask them for the
 * delegation of q's name. */
static void aq_ready(void *arg, const azone_t *z)
{
    aq_t *q = arg;
    if (q->rescue == 2)
        rescue_ask(q, z);
    else
        aq_ask(q, z);
}

/* q waits for zone z's servers, or asks them now when they are known. */
static void aq_join(aq_t *q, azone_t *z)
{
    q->wait.ready = aq_ready;
    q->wait.arg = q;
    rdc_zone_wait(z, &q->wait);
}

/* aq_join with the zone of that name, found from now when it is not known
 * yet; on allocation failure q ends. */
static void aq_join_zone(aq_t *q, const uint8_t *name, bool want_parent, const uint8_t *rname)
{
    azone_t *z = rdc_zone_get(q->a->zones, name, want_parent, rname);
    if (z == NULL) {
        q->a->x->oom = true;
        aq_release(q);
        return;
    }
    aq_join(q, z);
}

/* The zone's servers are known: what the zone says goes into the
 * question, and every server that answered the zone's SOA with authority
 * is asked. The zone is not kept: it may be evicted later. */
static void aq_ask(aq_t *q, const azone_t *z)
{
    rdc_run_ctx_t *x = q->a->x;
    if (!rdc_zone_fill(z, &q->out)) {
        x->oom = true;
        aq_release(q);
        return;
    }
    for (size_t i = 0; i < q->out.nservers; i++) {
        const rdc_server_t *srv = rdc_zone_server(z, i);
        if (srv == NULL)
            continue;
        /* asked for its number again: an idle server's may have gone to
         * another server since the zone was found */
        size_t idx = x->dns.ops->add_server(x->dns.ctx, srv, false);
        if (idx == SIZE_MAX) {
            q->out.servers[i].state = RDC_AUTH_S_ERROR;
            q->out.servers[i].asked = true;
            continue;
        }
        hold_add(&q->pending);
        rdc_direct_req_t r = {.server = idx,
                              .name = q->name,
                              .type = q->type,
                              .parse = true,
                              .trace = &q->trace,
                              .done = question_answer,
                              .arg = q,
                              .tag = i};
        if (!rdc_direct_ask(x, &r)) {
            x->oom = true;
            hold_release(&q->pending);
        }
    }
    aq_release(q); /* the SOA step */
}

/* The zone p above q's name answers: up to AUTH_MAX_PARENT of its
 * servers are asked for the name's NS (RD=0); the referral names the zone
 * delegated for it and its servers. */
static void rescue_ask(aq_t *q, const azone_t *p)
{
    rdc_run_ctx_t *x = q->a->x;
    q->rescue = 3;
    memcpy(q->rparent_w, rdc_zone_name(p), sizeof q->rparent_w);
    if ((q->rparent = rdc_auth_name_dup(rdc_zone_name(p))) == NULL ||
        (q->ref = calloc(1, sizeof *q->ref)) == NULL)
        x->oom = true;
    hold_start(&q->rpending, 0);
    if (q->ref)
        rdc_zone_ask_parent_ns(q->a->zones, p, q->name, &q->rpending, rescue_reply, q);
    rescue_release(q);
}

static void rescue_answer(aq_t *q, const uint8_t *msg, size_t len)
{
    rdc_referral_t ref;
    /* a zone cut below the zone asked, holding the name */
    if (!q->have_ref && q->ref && msg && rdc_referral_parse(msg, len, q->name, &ref) &&
        rdc_auth_name_under(ref.zone, q->rparent_w) && !rdc_name_equal(ref.zone, q->rparent_w)) {
        *q->ref = ref;
        q->have_ref = true;
    }
}

/* Every server above has answered: the delegated zone is found like any
 * other (its NS set from the referral when the resolver gives none, the
 * glue as addresses), and q waits for it; without a referral, the
 * failure stands. */
static void rescue_release(aq_t *q)
{
    rdc_run_ctx_t *x = q->a->x;
    if (!hold_release(&q->rpending))
        return;
    if (!q->have_ref) {
        aq_error(q, q->rescue_why);
        aq_release(q);
        return;
    }
    free(q->out.zone);
    free(q->out.parent_zone);
    if ((q->out.zone = rdc_auth_name_dup(q->ref->zone)) == NULL ||
        (q->out.parent_zone = rdc_strdup(q->rparent)) == NULL) {
        x->oom = true;
        aq_release(q);
        return;
    }
    azone_t *z = rdc_zone_get_delegated(q->a->zones, q->ref, q->rparent);
    if (z == NULL) {
        x->oom = true;
        aq_release(q);
        return;
    }
    q->rescue = 0;
    aq_join(q, z);
}

static void soa_done(rdc_lookup_t *l, const rdc_answer_t *a);

/* Asks the SOA of the name one label above the one just asked. */
static void soa_up(aq_t *q, const uint8_t *name)
{
    uint8_t up[RDC_NAME_WIRE_MAX + 1];
    memcpy(up, name + name[0] + 1, sizeof up - (size_t)name[0] - 1);
    rdc_lookup_init(&q->soa_lk, q->a->x->ql, RDC_TYPE_SOA, up, soa_done, q);
    rdc_lookup_start(&q->soa_lk);
}

/* The SOA lookup failed (temporarily): the resolver cannot find the zone.
 * Every server of it may be lame: up to a zone that answers, whose
 * servers tell what they delegate (RFC 1034 §4.3.2). */
static void soa_failed(aq_t *q, const rdc_lookup_t *l, rdc_dns_status_t st)
{
    if (q->rescue == 0) {
        char name[RDC_NAME_TEXT_MAX], text[RDC_NAME_TEXT_MAX + 200];
        rdc_name_to_text(l->name, name);
        snprintf(text, sizeof text, "the SOA lookup of %s %s: cannot find its zone", name,
                 rdc_dns_status_text(st));
        if ((q->rescue_why = rdc_strdup(text)) == NULL)
            q->a->x->oom = true;
        q->rescue = 1;
    }
    if (l->name[0] == 0 || q->rescue_why == NULL) {
        aq_error(q, q->rescue_why ? q->rescue_why : "cannot find the zone");
        aq_release(q);
        return;
    }
    soa_up(q, l->name);
}

/* The SOA answer names q's zone: what it says goes into the question,
 * then the zone's servers are asked. */
static void soa_found(aq_t *q, const rdc_soa_t *soa)
{
    char text[RDC_NAME_TEXT_MAX + 200];
    if (!rdc_auth_name_under(q->name, soa->owner)) {
        char zone[RDC_NAME_TEXT_MAX];
        rdc_name_to_text(soa->owner, zone);
        snprintf(text, sizeof text, "the SOA answer names zone %s, which does not hold the name",
                 zone);
        aq_error(q, text);
        aq_release(q);
        return;
    }
    char contact[RDC_NAME_TEXT_MAX + 2];
    rdc_rname_to_mail(soa->rname, contact, sizeof contact);
    if ((q->out.zone = rdc_auth_name_dup(soa->owner)) == NULL ||
        (q->out.mname = rdc_auth_name_dup(soa->mname)) == NULL ||
        (q->out.contact = rdc_strdup(contact)) == NULL) {
        q->a->x->oom = true;
        aq_release(q);
        return;
    }
    q->out.serial = soa->serial;
    q->out.minimum = soa->minimum;
    /* RFC 2308 §5: a negative answer is cached for the SOA's TTL or its
     * MINIMUM, whichever is less */
    q->out.negative_ttl = soa->ttl < soa->minimum ? soa->ttl : soa->minimum;
    if (strcmp(contact, "nobody@invalid") == 0) {
        /* RFC 6303 §3: a zone the resolver serves itself (its NS is
         * localhost): there are no servers to ask */
        aq_release(q);
        return;
    }
    aq_join_zone(q, soa->owner, true, soa->rname);
}

static void soa_done(rdc_lookup_t *l, const rdc_answer_t *a)
{
    aq_t *q = l->owner;
    if (!rdc_lookup_trace_to(l, q->c->trace))
        q->a->x->oom = true;
    if (!q->named && q->rescue == 0 && !rdc_dns_status_is_temporary(a->status)) {
        /* the servers are asked for the name the resolver's CNAMEs lead
         * to (RFC 2317): its zone is the one that answers */
        memcpy(q->name, a->final_name, sizeof q->name);
        q->named = true;
    }
    if (rdc_dns_status_is_temporary(a->status)) {
        soa_failed(q, l, a->status);
        return;
    }
    if (!a->has_soa) {
        /* no SOA in the answer (a resolver that drops the authority
         * section): one label up, until the root */
        if (l->name[0] == 0) {
            aq_error(q,
                     q->rescue_why ? q->rescue_why : "no zone found: no SOA record up to the root");
            aq_release(q);
            return;
        }
        soa_up(q, l->name);
        return;
    }
    if (q->rescue == 1) {
        if (!rdc_auth_name_under(q->name, a->soa.owner) || rdc_name_equal(q->name, a->soa.owner)) {
            aq_error(q, q->rescue_why);
            aq_release(q);
            return;
        }
        /* the zone above that answers: its servers are asked below */
        q->rescue = 2;
        aq_join_zone(q, a->soa.owner, false, NULL);
        return;
    }
    soa_found(q, &a->soa);
}

/* A question of c about name (wire) of type, appended to *qs. */
static void aq_start(rdc_auth_t *au, const rdc_chk_ref_t *c, rdc_auth_q_t **qs, const uint8_t *name,
                     uint16_t type, bool forward, size_t index)
{
    aq_t *q = calloc(1, sizeof *q);
    if (q == NULL) {
        au->x->oom = true;
        return;
    }
    q->a = au;
    q->c = c;
    q->forward = forward;
    q->index = index;
    q->type = type;
    memcpy(q->name, name, sizeof q->name);
    aq_t **pp = qs;
    while (*pp)
        pp = &(*pp)->next;
    *pp = q;
    hold_start(&q->pending, 0); /* the SOA step */
    task_add(c->task);
    rdc_lookup_init(&q->soa_lk, au->x->ql, RDC_TYPE_SOA, name, soa_done, q);
    rdc_lookup_start(&q->soa_lk);
}

rdc_auth_t *rdc_auth_new(rdc_run_ctx_t *x, rdc_fwdcache_t *fwd)
{
    rdc_auth_t *au = calloc(1, sizeof *au);
    if (au == NULL)
        return NULL;
    au->x = x;
    au->fwd = fwd;
    if ((au->zones = rdc_zones_new(x)) == NULL) {
        free(au);
        return NULL;
    }
    return au;
}

void rdc_auth_free(rdc_auth_t *au)
{
    if (au == NULL)
        return;
    rdc_zones_free(au->zones);
    free(au);
}

void rdc_auth_start(rdc_auth_t *au, const rdc_chk_ref_t *c, rdc_auth_q_t **qs)
{
    if (au->x->dns.ops->add_server == NULL)
        return;
    char rev[RDC_REVNAME_MAX];
    uint8_t wire[RDC_NAME_WIRE_MAX + 1];
    rdc_addr_reverse_name(&c->res->addr, rev);
    if (rdc_name_from_text(rev, strlen(rev), wire, NULL))
        aq_start(au, c, qs, wire, RDC_TYPE_PTR, false, 0);
}

void rdc_auth_forward(rdc_auth_t *au, const rdc_chk_ref_t *c, rdc_auth_q_t **qs)
{
    if (au->x->dns.ops->add_server == NULL)
        return;
    const rdc_result_t *r = c->res;
    uint16_t type = r->addr.family == 4 ? RDC_TYPE_A : RDC_TYPE_AAAA;
    for (size_t i = 0; i < r->nnames; i++) {
        const rdc_name_result_t *n = &r->names[i];
        uint8_t wire[RDC_NAME_WIRE_MAX + 1];
        /* checked names are host names: their text is their wire form */
        if (n->kind == RDC_NAME_CHECKED && rdc_name_from_text(n->name, strlen(n->name), wire, NULL))
            aq_start(au, c, qs, wire, type, true, i);
    }
}

/* The resolver's answer to q, from the check's results. */
static bool resolver_view(const rdc_result_t *r, const aq_t *q, rdc_auth_question_t *o)
{
    char text[RDC_ADDR_TEXT_MAX];
    if (!q->forward) {
        o->resolver.status = r->ptr_status;
        o->resolver_ttl = r->ptr_ttl;
        for (size_t i = 0; i < r->nnames; i++)
            if (!rdc_auth_answer_add(&o->resolver, r->names[i].name))
                return false;
        return true;
    }
    const rdc_name_result_t *n = &r->names[q->index];
    o->resolver.status = n->status;
    o->resolver_ttl = n->ttl;
    for (size_t i = 0; i < n->naddrs; i++)
        if (!rdc_auth_answer_add(&o->resolver, rdc_addr_format(&n->addrs[i], text)))
            return false;
    return true;
}

bool rdc_auth_finish(rdc_auth_q_t *qs, rdc_result_t *res)
{
    rdc_authority_t *a = calloc(1, sizeof *a);
    size_t nfwd = 0;
    if (a == NULL)
        return false;
    rdc_authority_free(res->authority);
    res->authority = a;
    for (aq_t *q = qs; q; q = q->next)
        nfwd += q->forward;
    if (nfwd > 0 && (a->forward = calloc(nfwd, sizeof *a->forward)) == NULL)
        return false;
    for (aq_t *q = qs; q; q = q->next) {
        rdc_auth_question_t *o = q->forward ? &a->forward[a->nforward++] : &a->ptr;
        *o = q->out;
        memset(&q->out, 0, sizeof q->out);
        o->type = q->type;
        if ((o->name = rdc_auth_name_dup(q->name)) == NULL || !resolver_view(res, q, o) ||
            !rdc_auth_evaluate(o))
            return false;
        /* the zone's names: those looked up for it, and those that are
         * the check's own PTR names */
        bool unknown = false;
        size_t nlooked = q->nsrc;
        for (size_t i = 0; i < q->nsrc; i++) {
            o->source_confirms |= q->src[i].confirmed;
            unknown |= rdc_dns_status_is_temporary(q->src[i].status);
        }
        for (size_t i = 0; !q->forward && i < o->nservers; i++) {
            const rdc_auth_server_t *s = &o->servers[i];
            for (size_t k = 0; s->asked && s->state == RDC_AUTH_S_OK && k < s->answer.n; k++) {
                const rdc_name_result_t *n = own_name(res, s->answer.data[k]);
                if (n == NULL)
                    continue;
                nlooked++;
                o->source_confirms |= n->confirmed;
                unknown |= rdc_dns_status_is_temporary(n->status);
            }
        }
        o->source_checked = nlooked > 0 && (o->source_confirms || !unknown);
    }
    return true;
}

void rdc_auth_qs_free(rdc_auth_q_t *q)
{
    while (q) {
        aq_t *next = q->next;
        rdc_trace_free(&q->soa_lk.trace);
        rdc_trace_free(&q->trace);
        free(q->rescue_why);
        free(q->rparent);
        free(q->ref);
        rdc_auth_question_clear(&q->out);
        for (size_t i = 0; i < q->nsrc; i++) {
            free(q->src[i].name);
            free(q->src[i].addrs);
            free(q->src[i].generic);
        }
        free(q->src);
        free(q);
        q = next;
    }
}
