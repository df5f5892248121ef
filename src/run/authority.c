/* authority.c - --authority: asks the zones' own servers. For each
 * address: the SOA lookup of its reverse name through the resolver gives
 * the zone (the SOA owner, RFC 2308 §3) and its contact; the zone's NS
 * names and their addresses come from the resolver too, once per run
 * (shared by every check of the zone); then every server is asked
 * directly (RD=0) for the zone's SOA (its serial, and whether it answers
 * with authority) and for the PTR. Each checked PTR name is followed the
 * same way in its own zone (A or AAAA). authcheck.c judges the answers. */
#define _GNU_SOURCE
#include "engine_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "authcheck.h"
#include "trace.h"

#define AUTH_MAX_NS 8 /* NS names of a zone asked */
#define AUTH_MAX_ADDRS 2 /* addresses per NS name and family */
#define AUTH_MAX_SERVERS 16 /* server addresses per zone */
#define AUTH_MAX_TRIES 2 /* tries of one direct query (a timeout costs one more) */
#define AUTH_MAX_ZONES 1024 /* finished zones kept for later checks (default) */
#define AUTH_MAX_PARENT 3 /* servers of the parent zone asked for the delegation */

typedef struct azone azone_t;
typedef struct aq aq_t;

/* One server address of a zone, and how its SOA query went. */
typedef struct asrv {
    size_t ns; /* index into the zone's NS names */
    rdc_server_t srv;
    size_t idx; /* the resolver's number for its SOA query (SIZE_MAX: none) */
    rdc_auth_state_t state;
    bool has_serial;
    uint32_t serial;
    uint32_t soa_ttl, soa_minimum; /* its own SOA: the TTL it serves, not a cache's */
} asrv_t;

/* The A or AAAA lookup of one NS name. */
typedef struct nslk {
    azone_t *z;
    size_t ns;
    lookup_t lk;
} nslk_t;

struct azone {
    engine_t *e;
    azone_t *next;
    uint8_t name[RDC_NAME_WIRE_MAX + 1];
    bool ready;
    char *error; /* why its servers cannot be asked, or NULL */
    lookup_t ns_lk;
    size_t nns;
    char **ns; /* presentation form, sorted */
    rdc_auth_ns_info_t *nsi; /* per NS name: what its address lookups found */
    bool *ns_tmp; /* per NS name: an address lookup of it failed (temporarily) */
    nslk_t *alk;
    size_t nalk;
    asrv_t srv[AUTH_MAX_SERVERS];
    size_t nsrv;
    int phase; /* 0 NS and delegation, 1 addresses, 2 SOA queries */
    bool addr_failed; /* an NS name's address lookup failed (temporarily) */
    rdc_hold_t pending; /* of the phase */
    aq_t *waiters;
    uint8_t nsw[AUTH_MAX_NS][RDC_NAME_WIRE_MAX + 1]; /* the NS names' wire forms */
    const char *ns_error; /* why the NS lookup gave no name, or NULL */
    /* the delegation (RFC 1034 §4.2.2: the NS set at the zone cut is the
     * zone's own): the parent zone's servers asked for the zone's NS */
    bool want_parent; /* a question's zone (not one found as a parent) */
    lookup_t psoa_lk; /* the SOA of the name one label up: the parent zone */
    azone_t *pwaiters, *pnext; /* zones waiting for this one, their parent */
    char *parent; /* the parent zone, or NULL when not found */
    bool have_ref;
    rdc_referral_t ref; /* the parent's NS set and glue for the zone */
    char *parent_contact; /* the parent zone's SOA contact, or NULL */
    /* the SOA contact's mail domain (the RNAME past its first label): its
     * MX, A and AAAA (RFC 5321 §5.1: no MX, the address is the host) */
    bool want_contact;
    uint8_t cdomain[RDC_NAME_WIRE_MAX + 1];
    lookup_t clk[3];
    rdc_dns_status_t cst[3];
    bool null_mx; /* RFC 7505: "MX 0 ." */
};

/* One question of a check: the PTR, or one PTR name's A/AAAA. */
struct aq {
    engine_t *e;
    chk_t *c;
    aq_t *next; /* the check's questions */
    aq_t *wnext; /* waiting for its zone */
    bool forward;
    size_t index; /* forward: of the check's names */
    lookup_t soa_lk;
    uint8_t name[RDC_NAME_WIRE_MAX + 1]; /* asked of the servers */
    bool named; /* name set from the first SOA answer */
    uint16_t type;
    azone_t *z;
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

/* What a direct query is for. */
typedef enum dq_kind {
    DQ_SOA, /* a zone's SOA, of one of its servers (z) */
    DQ_PARENT, /* a zone's NS, of a server of its parent zone (z) */
    DQ_QUESTION, /* a question, of a server of its zone (q) */
    DQ_RESCUE /* a question's name's NS, of a server of a zone above (q) */
} dq_kind_t;

/* A direct query in flight (freed by its callback). */
typedef struct dq {
    engine_t *e;
    dq_kind_t kind;
    azone_t *z; /* the zone's SOA query: z and srv */
    aq_t *q; /* or a question's: q and srv */
    size_t srv;
    size_t idx; /* the resolver's number of the server */
    unsigned tries;
    unsigned long long t0; /* when the first try was sent */
    uint16_t type;
    uint8_t name[RDC_NAME_WIRE_MAX + 1];
} dq_t;

static void zone_step(azone_t *z);
static void aq_ask(aq_t *q);
static void rescue_answer(aq_t *q, const uint8_t *msg, size_t len);
static void rescue_release(aq_t *q);

static char *name_dup(const uint8_t *wire)
{
    char text[RDC_NAME_TEXT_MAX];
    rdc_name_to_text(wire, text);
    return rdc_strdup(text);
}

/* True when zone is name or one of its ancestors. */
static bool name_under(const uint8_t *name, const uint8_t *zone)
{
    size_t nl = 0, zl = 0;
    while (name[nl] != 0)
        nl += (size_t)name[nl] + 1;
    while (zone[zl] != 0)
        zl += (size_t)zone[zl] + 1;
    for (size_t off = 0; off <= nl; off += (size_t)name[off] + 1) {
        if (nl - off == zl && rdc_name_equal(name + off, zone))
            return true;
        if (name[off] == 0)
            break;
    }
    return false;
}

static void trace_drop(lookup_t *l)
{
    rdc_trace_free(&l->trace);
}

/* ---------------------------------------------------------------- sending */

static void on_direct(void *arg, const uint8_t *msg, size_t len, rdc_dns_status_t st,
                      bool cancelled);

static void direct_send(dq_t *d)
{
    char text[RDC_NAME_TEXT_MAX];
    rdc_name_to_text(d->name, text);
    d->tries++;
    d->e->stats.auth_queries++;
    d->e->dns.ops->query(d->e->dns.ctx, d->idx, text, d->type, on_direct, d);
}

static bool direct_new(engine_t *e, dq_kind_t kind, azone_t *z, aq_t *q, size_t srv,
                       const uint8_t *name, uint16_t type, size_t idx)
{
    dq_t *d = calloc(1, sizeof *d);
    if (d == NULL)
        return false;
    d->e = e;
    d->kind = kind;
    d->z = z;
    d->q = q;
    d->srv = srv;
    d->idx = idx;
    d->type = type;
    d->t0 = rdc_now_ms();
    memcpy(d->name, name, sizeof d->name);
    direct_send(d);
    return true;
}

static rdc_auth_state_t state_of(rdc_dns_status_t st, const rdc_answer_t *a)
{
    switch (st) {
    case RDC_DNS_OK:
    case RDC_DNS_NODATA:
    case RDC_DNS_NXDOMAIN:
        return a->aa && !a->referral ? RDC_AUTH_S_OK : RDC_AUTH_S_LAME;
    case RDC_DNS_S_REFUSED:
        return RDC_AUTH_S_REFUSED;
    case RDC_DNS_S_TIMEOUT:
        return RDC_AUTH_S_TIMEOUT;
    case RDC_DNS_S_UNREACHABLE:
        return RDC_AUTH_S_UNREACHABLE;
    default:
        return RDC_AUTH_S_ERROR;
    }
}

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
            q->e->oom = true;
    }
}

static void aq_release(aq_t *q);

/* -v: one query to a zone's server as a QUERY event of its question: the
 * rcode and whether the answer was authoritative, or what happened. */
static void trace_direct(const dq_t *d, const uint8_t *msg, rdc_dns_status_t st,
                         const rdc_answer_t *a)
{
    char name[RDC_NAME_TEXT_MAX], server[RDC_SERVER_TEXT_MAX], result[64], rb[16];
    const rdc_server_t *srv = d->e->dns.ops->server(d->e->dns.ctx, d->idx);
    rdc_name_to_text(d->name, name);
    if (srv)
        rdc_server_format(srv, server);
    else
        snprintf(server, sizeof server, "?");
    if (msg && a->error == NULL)
        snprintf(result, sizeof result, "%s, %s", rdc_rcode_name(a->rcode, rb),
                 a->referral ? "a referral"
                 : a->aa     ? "authoritative"
                             : "not authoritative");
    else
        snprintf(result, sizeof result, "%s",
                 msg ? rdc_rcode_name(a->rcode, rb) : rdc_dns_status_text(st));
    if (!rdc_trace_query(&d->q->trace, d->type, name, server, result, msg ? a->error : NULL,
                         (unsigned)(rdc_now_ms() - d->t0)))
        d->e->oom = true;
}

static void on_direct(void *arg, const uint8_t *msg, size_t len, rdc_dns_status_t st,
                      bool cancelled)
{
    dq_t *d = arg;
    if (cancelled) {
        free(d);
        return;
    }
    if (d->kind == DQ_PARENT || d->kind == DQ_RESCUE) {
        /* a delegation: read from the message whatever it holds */
        if (msg == NULL && st == RDC_DNS_S_TIMEOUT && d->tries < AUTH_MAX_TRIES) {
            direct_send(d);
            return;
        }
        azone_t *z = d->z;
        aq_t *q = d->q;
        free(d);
        if (q) {
            rescue_answer(q, msg, len);
            rescue_release(q);
            return;
        }
        rdc_referral_t ref;
        if (!z->have_ref && msg && rdc_referral_parse(msg, len, z->name, &ref) &&
            rdc_name_equal(ref.zone, z->name)) {
            z->ref = ref;
            z->have_ref = true;
        }
        if (hold_release(&z->pending))
            zone_step(z);
        return;
    }
    rdc_answer_t a = RDC_ANSWER_INIT;
    if (msg) {
        rdc_answer_parse(msg, len, d->name, d->type, &a, NULL, NULL);
        st = a.status;
        if (a.oom)
            d->e->oom = true;
    }
    if (d->q && d->e->o.verbose)
        trace_direct(d, msg, st, &a);
    if (st == RDC_DNS_S_TIMEOUT && d->tries < AUTH_MAX_TRIES) {
        rdc_answer_free(&a);
        direct_send(d);
        return;
    }
    rdc_auth_state_t state = state_of(st, &a);
    if (d->z) {
        azone_t *z = d->z;
        asrv_t *s = &z->srv[d->srv];
        /* the apex SOA, with authority: anything else is no server of the zone */
        if (state == RDC_AUTH_S_OK && !(st == RDC_DNS_OK && a.has_soa))
            state = RDC_AUTH_S_LAME;
        s->state = state;
        if (state == RDC_AUTH_S_OK) {
            s->has_serial = true;
            s->serial = a.soa.serial;
            s->soa_ttl = a.soa.ttl;
            s->soa_minimum = a.soa.minimum;
        }
        rdc_answer_free(&a);
        free(d);
        if (hold_release(&z->pending))
            zone_step(z);
        return;
    }
    aq_t *q = d->q;
    question_answered(q, d->srv, state, &a);
    rdc_answer_free(&a);
    free(d);
    aq_release(q);
}

/* ---------------------------------------------------------------- zones */

/* Records why the zone's servers cannot be asked: why, then the zone. */
static void zone_fail(azone_t *z, const char *why)
{
    char zone[RDC_NAME_TEXT_MAX], buf[RDC_NAME_TEXT_MAX + 200];
    rdc_name_to_text(z->name, zone);
    snprintf(buf, sizeof buf, "%s %s", why, zone);
    free(z->error);
    if ((z->error = rdc_strdup(buf)) == NULL)
        z->e->oom = true;
}

/* The zone's servers are known and have answered its SOA (or it failed):
 * its waiting questions are asked. */
static void parent_ask(azone_t *z, const azone_t *p);

static void zone_ready(azone_t *z)
{
    z->ready = true;
    azone_t *c = z->pwaiters;
    z->pwaiters = NULL;
    while (c) {
        azone_t *next = c->pnext;
        parent_ask(c, z);
        c = next;
    }
    aq_t *q = z->waiters;
    z->waiters = NULL;
    while (q) {
        aq_t *next = q->wnext;
        aq_ask(q);
        q = next;
    }
}

/* A server address of NS name ns, unless the zone has it already. */
static void server_add(azone_t *z, size_t ns, const rdc_addr_t *addr)
{
    if (z->nsrv == AUTH_MAX_SERVERS)
        return;
    for (size_t k = 0; k < z->nsrv; k++)
        if (rdc_addr_equal(&z->srv[k].srv.addr, addr))
            return;
    asrv_t *s = &z->srv[z->nsrv++];
    memset(s, 0, sizeof *s);
    s->ns = ns;
    s->srv.addr = *addr;
    s->idx = SIZE_MAX;
}

static void addr_done(lookup_t *l, const rdc_answer_t *a)
{
    nslk_t *n = l->owner;
    azone_t *z = n->z;
    trace_drop(l);
    if (rdc_dns_status_is_temporary(a->status))
        z->addr_failed = z->ns_tmp[n->ns] = true;
    else if (a->status == RDC_DNS_OK && a->nrecords > 0)
        z->nsi[n->ns].flags &= ~RDC_AUTH_NSF_NO_ADDRESS;
    if (!rdc_dns_status_is_temporary(a->status) && !rdc_name_equal(a->final_name, l->name) &&
        z->nsi[n->ns].alias_of == NULL) {
        /* RFC 2181 §10.3: an NS name must not be an alias; resolvers
         * may or may not follow it */
        z->nsi[n->ns].flags |= RDC_AUTH_NSF_CNAME;
        if ((z->nsi[n->ns].alias_of = name_dup(a->final_name)) == NULL)
            z->e->oom = true;
    }
    for (size_t i = 0; a->status == RDC_DNS_OK && i < a->nrecords && i < AUTH_MAX_ADDRS; i++)
        server_add(z, n->ns, &a->records[i].addr);
    if (hold_release(&z->pending))
        zone_step(z);
}

static void ns_done(lookup_t *l, const rdc_answer_t *a)
{
    azone_t *z = l->owner;
    trace_drop(l);
    if (a->status != RDC_DNS_OK) {
        z->ns_error = rdc_dns_status_is_temporary(a->status)
                          ? "cannot ask the zone's servers: the NS lookup failed for"
                          : "no NS records for zone";
    } else {
        for (size_t i = 0; i < a->nrecords && z->nns < AUTH_MAX_NS; i++) {
            const uint8_t *w = a->records[i].name;
            bool dup = false;
            for (size_t k = 0; k < z->nns && !dup; k++)
                dup = rdc_name_equal(z->nsw[k], w);
            if (dup || !rdc_name_is_hostname(w))
                continue; /* a name no resolver could look up is not asked */
            memcpy(z->nsw[z->nns++], w, sizeof z->nsw[0]);
        }
        if (z->nns == 0)
            z->ns_error = "no NS name that is a host name, for zone";
    }
    if (hold_release(&z->pending))
        zone_step(z);
}

/* The zone's NS set (from the resolver) and the parent's (the referral):
 * the names either lists, the parent's only ones flagged (resolvers start
 * from them) and the zone's only ones too; sorted, so that the same zone
 * gives the same list on every line, not the resolver's rotating order. */
static bool zone_names(azone_t *z)
{
    unsigned flags[AUTH_MAX_NS] = {0};
    size_t nchild = z->nns;
    /* compared only when both are known: else the parent's set is the set */
    bool compare = z->have_ref && nchild > 0;
    for (size_t i = 0; z->have_ref && i < z->ref.nns; i++) {
        const uint8_t *w = z->ref.ns[i];
        bool found = false;
        for (size_t k = 0; k < nchild && !found; k++)
            found = rdc_name_equal(z->nsw[k], w);
        if (found || !rdc_name_is_hostname(w) || z->nns == AUTH_MAX_NS)
            continue;
        memcpy(z->nsw[z->nns], w, sizeof z->nsw[0]);
        flags[z->nns++] = compare ? RDC_AUTH_NSF_PARENT_ONLY : 0;
    }
    for (size_t k = 0; compare && k < nchild; k++) {
        bool found = false;
        for (size_t i = 0; i < z->ref.nns && !found; i++)
            found = rdc_name_equal(z->nsw[k], z->ref.ns[i]);
        if (!found)
            flags[k] = RDC_AUTH_NSF_CHILD_ONLY;
    }
    if ((z->ns = calloc(AUTH_MAX_NS, sizeof *z->ns)) == NULL ||
        (z->nsi = calloc(AUTH_MAX_NS, sizeof *z->nsi)) == NULL ||
        (z->ns_tmp = calloc(AUTH_MAX_NS, sizeof *z->ns_tmp)) == NULL ||
        (z->alk = calloc(2 * AUTH_MAX_NS, sizeof *z->alk)) == NULL)
        return false;
    for (size_t i = 0; i < z->nns; i++) {
        if ((z->ns[i] = name_dup(z->nsw[i])) == NULL)
            return false;
        z->nsi[i].flags = flags[i] | RDC_AUTH_NSF_NO_ADDRESS; /* until an address comes */
    }
    for (size_t i = 1; i < z->nns; i++)
        for (size_t k = i; k > 0 && strcasecmp(z->ns[k - 1], z->ns[k]) > 0; k--) {
            char *t = z->ns[k];
            unsigned tf = z->nsi[k].flags;
            uint8_t tw[RDC_NAME_WIRE_MAX + 1];
            memcpy(tw, z->nsw[k], sizeof tw);
            z->ns[k] = z->ns[k - 1];
            z->nsi[k].flags = z->nsi[k - 1].flags;
            memcpy(z->nsw[k], z->nsw[k - 1], sizeof tw);
            z->ns[k - 1] = t;
            z->nsi[k - 1].flags = tf;
            memcpy(z->nsw[k - 1], tw, sizeof tw);
        }
    return true;
}

/* The NS names are known: their addresses, from the parent's glue and
 * from the resolver (both families: the servers are asked over both). */
static void zone_addresses(azone_t *z)
{
    engine_t *e = z->e;
    z->phase = 1;
    if (!zone_names(z)) {
        e->oom = true;
        z->nns = 0;
    }
    if (z->nns == 0)
        zone_fail(z, z->ns_error ? z->ns_error : "no NS records for zone");
    for (size_t g = 0; z->have_ref && g < z->ref.nglue; g++)
        for (size_t i = 0; i < z->nns; i++)
            if (rdc_name_equal(z->nsw[i], z->ref.ns[z->ref.glue[g].ns])) {
                server_add(z, i, &z->ref.glue[g].addr);
                z->nsi[i].flags &= ~RDC_AUTH_NSF_NO_ADDRESS;
            }
    for (size_t i = 0; z->alk && i < z->nns; i++) {
        for (int f = 0; f < 2; f++) {
            nslk_t *n = &z->alk[z->nalk++];
            n->z = z;
            n->ns = i;
            lookup_init(&n->lk, e, f ? RDC_TYPE_AAAA : RDC_TYPE_A, z->nsw[i], addr_done, n);
        }
    }
    hold_start(&z->pending, (unsigned)z->nalk);
    for (size_t i = 0; i < z->nalk; i++)
        rdc_lookup_start(&z->alk[i].lk);
    if (hold_release(&z->pending))
        zone_step(z);
}

/* Asks up to AUTH_MAX_PARENT of zone p's servers that answer for it for
 * name's NS (RD=0), as kind for z or q, each query one more part of hold;
 * their referral gives the delegation (RFC 1034 §4.3.2). */
static void ask_parent_ns(engine_t *e, const azone_t *p, dq_kind_t kind, azone_t *z, aq_t *q,
                          const uint8_t *name, rdc_hold_t *hold)
{
    size_t asked = 0;
    for (size_t i = 0; i < p->nsrv && asked < AUTH_MAX_PARENT; i++) {
        if (p->srv[i].state != RDC_AUTH_S_OK)
            continue;
        size_t idx = e->dns.ops->add_server(e->dns.ctx, &p->srv[i].srv, false);
        if (idx == SIZE_MAX)
            continue;
        asked++;
        hold_add(hold);
        if (!direct_new(e, kind, z, q, i, name, RDC_TYPE_NS, idx)) {
            e->oom = true;
            hold_release(hold);
        }
    }
}

/* The parent zone p is ready: its servers are asked for z's NS, whose
 * referral gives the delegation. Ends z's parent step. */
static void parent_ask(azone_t *z, const azone_t *p)
{
    ask_parent_ns(z->e, p, DQ_PARENT, z, NULL, z->name, &z->pending);
    if (hold_release(&z->pending))
        zone_step(z);
}

static azone_t *zone_find(engine_t *e, const uint8_t *name);
static azone_t *zone_new(engine_t *e, const uint8_t *name, bool want_parent, const uint8_t *rname);

/* One of the contact domain's lookups (MX, A, AAAA). */
static void contact_done(lookup_t *l, const rdc_answer_t *a)
{
    azone_t *z = l->owner;
    size_t i = (size_t)(l - z->clk);
    trace_drop(l);
    z->cst[i] = a->status;
    if (i == 0 && a->status == RDC_DNS_OK && a->nrecords == 1 && a->records[0].name[0] == 0)
        z->null_mx = true;
    if (hold_release(&z->pending))
        zone_step(z);
}

/* Whether mail to the zone's contact bounces for certain: its domain does
 * not exist, has a null MX (RFC 7505), or has neither MX nor address
 * (RFC 5321 §5.1). Temporary failures: not known, no. */
static bool contact_bounces(const azone_t *z)
{
    if (!z->want_contact)
        return false;
    if (z->null_mx || z->cst[0] == RDC_DNS_NXDOMAIN)
        return true;
    for (size_t i = 0; i < 3; i++)
        if (z->cst[i] != RDC_DNS_NXDOMAIN && z->cst[i] != RDC_DNS_NODATA)
            return false;
    return true;
}

/* The SOA of the name above the zone: its owner is the parent zone. */
static void psoa_done(lookup_t *l, const rdc_answer_t *a)
{
    azone_t *z = l->owner;
    engine_t *e = z->e;
    trace_drop(l);
    if (rdc_dns_status_is_temporary(a->status) || !a->has_soa ||
        !name_under(z->name, a->soa.owner) || rdc_name_equal(a->soa.owner, z->name)) {
        if (hold_release(&z->pending)) /* no parent to compare with */
            zone_step(z);
        return;
    }
    free(z->parent);
    if ((z->parent = name_dup(a->soa.owner)) == NULL)
        e->oom = true;
    char contact[RDC_NAME_TEXT_MAX + 2];
    rdc_rname_to_mail(a->soa.rname, contact, sizeof contact);
    free(z->parent_contact);
    if (contact[0] && (z->parent_contact = rdc_strdup(contact)) == NULL)
        e->oom = true;
    azone_t *p = zone_find(e, a->soa.owner);
    if (p == NULL && (p = zone_new(e, a->soa.owner, false, NULL)) == NULL) {
        e->oom = true;
        if (hold_release(&z->pending))
            zone_step(z);
        return;
    }
    if (p->ready) {
        parent_ask(z, p);
        return;
    }
    z->pnext = p->pwaiters;
    p->pwaiters = z;
}

static int srv_cmp(const asrv_t *x, const asrv_t *y)
{
    if (x->ns != y->ns)
        return x->ns < y->ns ? -1 : 1;
    if (x->srv.addr.family != y->srv.addr.family)
        return x->srv.addr.family < y->srv.addr.family ? -1 : 1;
    return memcmp(x->srv.addr.b, y->srv.addr.b, sizeof x->srv.addr.b);
}

/* The zone's phase is over: the next one. */
static void zone_step(azone_t *z)
{
    engine_t *e = z->e;
    if (z->phase == 0) {
        zone_addresses(z);
        return;
    }
    if (z->phase == 1) {
        z->phase = 2;
        hold_start(&z->pending, 0);
        for (size_t i = 0; i < z->nns; i++)
            if (z->ns_tmp[i]) /* not known: no finding */
                z->nsi[i].flags &= ~RDC_AUTH_NSF_NO_ADDRESS;
        /* by NS name, then address: in the order of the sorted names */
        for (size_t i = 1; i < z->nsrv; i++)
            for (size_t k = i; k > 0 && srv_cmp(&z->srv[k - 1], &z->srv[k]) > 0; k--) {
                asrv_t t = z->srv[k];
                z->srv[k] = z->srv[k - 1];
                z->srv[k - 1] = t;
            }
        if (z->nsrv == 0 && z->error == NULL)
            zone_fail(z, z->addr_failed ? "cannot ask the zone's servers: the address lookups "
                                          "of its name servers failed for zone"
                                        : "no address found for any name server of zone");
        for (size_t i = 0; i < z->nsrv; i++) {
            asrv_t *s = &z->srv[i];
            s->idx = e->dns.ops->add_server(e->dns.ctx, &s->srv, false);
            if (s->idx == SIZE_MAX) {
                s->state = RDC_AUTH_S_ERROR;
                continue;
            }
            hold_add(&z->pending);
            if (!direct_new(e, DQ_SOA, z, NULL, i, z->name, RDC_TYPE_SOA, s->idx)) {
                e->oom = true;
                hold_release(&z->pending);
            }
        }
        if (hold_release(&z->pending))
            zone_step(z);
        return;
    }
    zone_ready(z);
}

static void zone_free(azone_t *z);

/* The zone named name, moved to the front: addresses come in order, so
 * the zone just used is the one the next check wants. */
static azone_t *zone_find(engine_t *e, const uint8_t *name)
{
    for (azone_t **pp = &e->zones; *pp; pp = &(*pp)->next) {
        azone_t *z = *pp;
        if (rdc_name_equal(z->name, name)) {
            *pp = z->next;
            z->next = e->zones;
            e->zones = z;
            return z;
        }
    }
    return NULL;
}

/* Over the cap (AUTH_MAX_ZONES unless the options say), the least
 * recently used finished zone is dropped (asked again if a later address
 * needs it): a run over a long list of scattered addresses keeps bounded
 * memory. Zones still being found are kept: their lookups and queries
 * point at them (and the cap may be exceeded while they run). */
static void zone_evict(engine_t *e)
{
    size_t cap = e->o.auth_max_zones ? e->o.auth_max_zones : AUTH_MAX_ZONES;
    while (e->nzones > cap) {
        azone_t **victim = NULL;
        for (azone_t **pp = &e->zones; *pp; pp = &(*pp)->next)
            if ((*pp)->ready && (*pp)->waiters == NULL)
                victim = pp;
        if (victim == NULL)
            return;
        azone_t *z = *victim;
        *victim = z->next;
        zone_free(z);
        e->nzones--;
    }
}

/* A zone to find: its NS set through the resolver and, for a question's
 * zone (want_parent), the parent's delegation of it. */
static azone_t *zone_new(engine_t *e, const uint8_t *name, bool want_parent, const uint8_t *rname)
{
    azone_t *z = calloc(1, sizeof *z);
    if (z == NULL)
        return NULL;
    z->e = e;
    z->want_parent = want_parent && name[0] != 0;
    /* the contact's mail domain: the RNAME past its local part */
    z->want_contact = rname && rname[0] != 0 && rname[1 + rname[0]] != 0;
    if (z->want_contact)
        memcpy(z->cdomain, rname + 1 + rname[0], sizeof z->cdomain - 1 - rname[0]);
    memcpy(z->name, name, sizeof z->name);
    z->next = e->zones;
    e->zones = z;
    e->nzones++;
    zone_evict(e);
    hold_start(&z->pending, z->want_parent ? 1 : 0);
    lookup_init(&z->ns_lk, e, RDC_TYPE_NS, name, ns_done, z);
    if (z->want_parent)
        lookup_init(&z->psoa_lk, e, RDC_TYPE_SOA, name + name[0] + 1, psoa_done, z);
    static const uint16_t ctypes[3] = {RDC_TYPE_MX, RDC_TYPE_A, RDC_TYPE_AAAA};
    for (size_t i = 0; z->want_contact && i < 3; i++) {
        hold_add(&z->pending);
        lookup_init(&z->clk[i], e, ctypes[i], z->cdomain, contact_done, z);
    }
    rdc_lookup_start(&z->ns_lk);
    if (z->want_parent)
        rdc_lookup_start(&z->psoa_lk);
    for (size_t i = 0; z->want_contact && i < 3; i++)
        rdc_lookup_start(&z->clk[i]);
    return z;
}

static void zone_free(azone_t *z)
{
    trace_drop(&z->ns_lk);
    trace_drop(&z->psoa_lk);
    for (size_t i = 0; i < 3; i++)
        trace_drop(&z->clk[i]);
    free(z->parent);
    free(z->parent_contact);
    for (size_t i = 0; i < z->nalk; i++)
        trace_drop(&z->alk[i].lk);
    for (size_t i = 0; i < z->nns; i++) {
        free(z->ns[i]);
        free(z->nsi[i].alias_of);
    }
    free(z->ns);
    free(z->nsi);
    free(z->ns_tmp);
    free(z->alk);
    free(z->error);
    free(z);
}

void rdc_auth_clear(engine_t *e)
{
    azone_t *z = e->zones;
    while (z) {
        azone_t *next = z->next;
        zone_free(z);
        z = next;
    }
    e->zones = NULL;
    e->nzones = 0;
}

/* ---------------------------------------------------------------- questions */

#define AUTH_MAX_SRC 16 /* names of the zone's PTR answers looked up forward */

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
    engine_t *e = q->e;
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
            if (own_name(&q->c->res, t) || !rdc_name_from_text(t, strlen(t), wires[n], NULL) ||
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
        e->oom = true;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        rdc_name_result_t *nr = &q->src[q->nsrc++];
        nr->kind = RDC_NAME_CHECKED;
        rdc_fwd_request(e, q->c, nr, wires[i]);
    }
}

static void aq_release(aq_t *q)
{
    if (!hold_release(&q->pending))
        return;
    if (q->e->o.verbose && !rdc_trace_move(&q->c->trace, &q->trace))
        q->e->oom = true;
    if (!q->forward && q->out.nservers > 0)
        src_request(q); /* holds the check until the answers are in */
    task_release(&q->c->pending);
}

static void aq_error(aq_t *q, const char *msg)
{
    free(q->out.error);
    if ((q->out.error = rdc_strdup(msg)) == NULL)
        q->e->oom = true;
}

/* Its zone is ready: ask every server of it that answered the SOA. */
static void rescue_ask(aq_t *q, const azone_t *p);

/* q waits for zone z's servers, or asks them now when they are known. */
static void aq_join(aq_t *q, azone_t *z)
{
    q->z = z;
    if (z->ready) {
        aq_ask(q);
        return;
    }
    q->wnext = z->waiters;
    z->waiters = q;
}

/* aq_join with the zone of that name, made (zone_new) when it is not known
 * yet; on allocation failure q ends. */
static void aq_join_zone(aq_t *q, const uint8_t *name, bool want_parent, const uint8_t *rname)
{
    engine_t *e = q->e;
    azone_t *z = zone_find(e, name);
    if (z == NULL && (z = zone_new(e, name, want_parent, rname)) == NULL) {
        e->oom = true;
        aq_release(q);
        return;
    }
    aq_join(q, z);
}

static void aq_ask(aq_t *q)
{
    azone_t *z = q->z;
    engine_t *e = q->e;
    q->z = NULL; /* copied from here on: the zone may be evicted */
    if (q->rescue == 2) {
        rescue_ask(q, z);
        return;
    }
    if (z->error)
        aq_error(q, z->error);
    if (z->parent && q->out.parent_zone == NULL &&
        (q->out.parent_zone = rdc_strdup(z->parent)) == NULL)
        e->oom = true;
    if (z->parent_contact && (q->out.parent_contact = rdc_strdup(z->parent_contact)) == NULL)
        e->oom = true;
    q->out.contact_undeliverable = contact_bounces(z);
    q->out.ns = calloc(z->nns + 1, sizeof *q->out.ns);
    q->out.ns_info = calloc(z->nns + 1, sizeof *q->out.ns_info);
    q->out.servers = calloc(z->nsrv + 1, sizeof *q->out.servers);
    if (q->out.ns == NULL || q->out.ns_info == NULL || q->out.servers == NULL) {
        e->oom = true;
        aq_release(q);
        return;
    }
    for (size_t i = 0; i < z->nns; i++) {
        if ((q->out.ns[i] = rdc_strdup(z->ns[i])) == NULL)
            e->oom = true;
        q->out.ns_info[i].flags = z->nsi[i].flags;
        if (z->nsi[i].alias_of &&
            (q->out.ns_info[i].alias_of = rdc_strdup(z->nsi[i].alias_of)) == NULL)
            e->oom = true;
        q->out.nns++;
    }
    for (size_t i = 0; i < z->nsrv; i++) {
        const asrv_t *s = &z->srv[i];
        rdc_auth_server_t *o = &q->out.servers[i];
        q->out.nservers++;
        if ((o->ns = rdc_strdup(z->ns[s->ns])) == NULL)
            e->oom = true;
        o->addr = s->srv.addr;
        o->state = s->state;
        o->has_serial = s->has_serial;
        o->serial = s->serial;
    }
    /* RFC 2308 section 5 from the zone's own SOA, as its first server that
     * answers gives it: the resolver's copy has a TTL that counts down */
    for (size_t i = 0; i < z->nsrv; i++)
        if (z->srv[i].has_serial) {
            const asrv_t *s = &z->srv[i];
            q->out.minimum = s->soa_minimum;
            q->out.negative_ttl = s->soa_ttl < s->soa_minimum ? s->soa_ttl : s->soa_minimum;
            break;
        }
    for (size_t i = 0; i < z->nsrv; i++) {
        if (z->srv[i].state != RDC_AUTH_S_OK)
            continue;
        /* asked for its number again: an idle server's may have gone to
         * another server since the zone was found */
        size_t idx = e->dns.ops->add_server(e->dns.ctx, &z->srv[i].srv, false);
        if (idx == SIZE_MAX) {
            q->out.servers[i].state = RDC_AUTH_S_ERROR;
            q->out.servers[i].asked = true;
            continue;
        }
        hold_add(&q->pending);
        if (!direct_new(e, DQ_QUESTION, NULL, q, i, q->name, q->type, idx)) {
            e->oom = true;
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
    engine_t *e = q->e;
    q->rescue = 3;
    memcpy(q->rparent_w, p->name, sizeof q->rparent_w);
    if ((q->rparent = name_dup(p->name)) == NULL || (q->ref = calloc(1, sizeof *q->ref)) == NULL)
        e->oom = true;
    hold_start(&q->rpending, 0);
    if (q->ref)
        ask_parent_ns(e, p, DQ_RESCUE, NULL, q, q->name, &q->rpending);
    rescue_release(q);
}

static void rescue_answer(aq_t *q, const uint8_t *msg, size_t len)
{
    rdc_referral_t ref;
    /* a zone cut below the zone asked, holding the name */
    if (!q->have_ref && q->ref && msg && rdc_referral_parse(msg, len, q->name, &ref) &&
        name_under(ref.zone, q->rparent_w) && !rdc_name_equal(ref.zone, q->rparent_w)) {
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
    engine_t *e = q->e;
    if (!hold_release(&q->rpending))
        return;
    if (!q->have_ref) {
        aq_error(q, q->rescue_why);
        aq_release(q);
        return;
    }
    free(q->out.zone);
    free(q->out.parent_zone);
    if ((q->out.zone = name_dup(q->ref->zone)) == NULL ||
        (q->out.parent_zone = rdc_strdup(q->rparent)) == NULL) {
        e->oom = true;
        aq_release(q);
        return;
    }
    azone_t *z = zone_find(e, q->ref->zone);
    if (z == NULL) {
        if ((z = zone_new(e, q->ref->zone, false, NULL)) == NULL) {
            e->oom = true;
            aq_release(q);
            return;
        }
        /* the delegation is known already: no parent step */
        z->ref = *q->ref;
        z->have_ref = true;
        if ((z->parent = rdc_strdup(q->rparent)) == NULL)
            e->oom = true;
    }
    q->rescue = 0;
    aq_join(q, z);
}

static void soa_done(lookup_t *l, const rdc_answer_t *a)
{
    aq_t *q = l->owner;
    engine_t *e = q->e;
    char text[RDC_NAME_TEXT_MAX + 200];
    if (!rdc_lookup_trace_to(l, &q->c->trace))
        e->oom = true;
    if (!q->named && q->rescue == 0 && !rdc_dns_status_is_temporary(a->status)) {
        /* the servers are asked for the name the resolver's CNAMEs lead
         * to (RFC 2317): its zone is the one that answers */
        memcpy(q->name, a->final_name, sizeof q->name);
        q->named = true;
    }
    if (rdc_dns_status_is_temporary(a->status)) {
        if (q->rescue == 0) {
            char name[RDC_NAME_TEXT_MAX];
            rdc_name_to_text(l->name, name);
            snprintf(text, sizeof text, "the SOA lookup of %s %s: cannot find its zone", name,
                     rdc_dns_status_text(a->status));
            if ((q->rescue_why = rdc_strdup(text)) == NULL)
                e->oom = true;
            q->rescue = 1;
        }
        if (l->name[0] == 0 || q->rescue_why == NULL) {
            aq_error(q, q->rescue_why ? q->rescue_why : "cannot find the zone");
            aq_release(q);
            return;
        }
        /* every server of the zone may be lame: up to a zone that answers,
         * whose servers tell what they delegate (RFC 1034 §4.3.2) */
        uint8_t up[RDC_NAME_WIRE_MAX + 1];
        memcpy(up, l->name + l->name[0] + 1, sizeof up - (size_t)l->name[0] - 1);
        lookup_init(&q->soa_lk, e, RDC_TYPE_SOA, up, soa_done, q);
        rdc_lookup_start(&q->soa_lk);
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
        uint8_t parent[RDC_NAME_WIRE_MAX + 1];
        memcpy(parent, l->name + l->name[0] + 1, sizeof parent - (size_t)l->name[0] - 1);
        lookup_init(&q->soa_lk, e, RDC_TYPE_SOA, parent, soa_done, q);
        rdc_lookup_start(&q->soa_lk);
        return;
    }
    const rdc_soa_t *soa = &a->soa;
    if (q->rescue == 1) {
        if (!name_under(q->name, soa->owner) || rdc_name_equal(q->name, soa->owner)) {
            aq_error(q, q->rescue_why);
            aq_release(q);
            return;
        }
        /* the zone above that answers: its servers are asked below */
        q->rescue = 2;
        aq_join_zone(q, soa->owner, false, NULL);
        return;
    }
    if (!name_under(q->name, soa->owner)) {
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
    if ((q->out.zone = name_dup(soa->owner)) == NULL ||
        (q->out.mname = name_dup(soa->mname)) == NULL ||
        (q->out.contact = rdc_strdup(contact)) == NULL) {
        e->oom = true;
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

/* A question of c about name (wire) of type, appended to c's list. */
static void aq_start(engine_t *e, chk_t *c, const uint8_t *name, uint16_t type, bool forward,
                     size_t index)
{
    aq_t *q = calloc(1, sizeof *q);
    if (q == NULL) {
        e->oom = true;
        return;
    }
    q->e = e;
    q->c = c;
    q->forward = forward;
    q->index = index;
    q->type = type;
    memcpy(q->name, name, sizeof q->name);
    aq_t **pp = &c->auth;
    while (*pp)
        pp = &(*pp)->next;
    *pp = q;
    hold_start(&q->pending, 0); /* the SOA step */
    task_add(&c->pending);
    lookup_init(&q->soa_lk, e, RDC_TYPE_SOA, name, soa_done, q);
    rdc_lookup_start(&q->soa_lk);
}

void rdc_auth_start(engine_t *e, chk_t *c)
{
    if (e->dns.ops->add_server == NULL)
        return;
    char rev[RDC_REVNAME_MAX];
    uint8_t wire[RDC_NAME_WIRE_MAX + 1];
    rdc_addr_reverse_name(&c->res.addr, rev);
    if (rdc_name_from_text(rev, strlen(rev), wire, NULL))
        aq_start(e, c, wire, RDC_TYPE_PTR, false, 0);
}

void rdc_auth_forward(engine_t *e, chk_t *c)
{
    if (e->dns.ops->add_server == NULL)
        return;
    uint16_t type = c->res.addr.family == 4 ? RDC_TYPE_A : RDC_TYPE_AAAA;
    for (size_t i = 0; i < c->res.nnames; i++) {
        const rdc_name_result_t *n = &c->res.names[i];
        uint8_t wire[RDC_NAME_WIRE_MAX + 1];
        /* checked names are host names: their text is their wire form */
        if (n->kind == RDC_NAME_CHECKED && rdc_name_from_text(n->name, strlen(n->name), wire, NULL))
            aq_start(e, c, wire, type, true, i);
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

bool rdc_auth_finish(chk_t *c)
{
    rdc_authority_t *a = calloc(1, sizeof *a);
    size_t nfwd = 0;
    if (a == NULL)
        return false;
    rdc_authority_free(c->res.authority);
    c->res.authority = a;
    for (aq_t *q = c->auth; q; q = q->next)
        nfwd += q->forward;
    if (nfwd > 0 && (a->forward = calloc(nfwd, sizeof *a->forward)) == NULL)
        return false;
    for (aq_t *q = c->auth; q; q = q->next) {
        rdc_auth_question_t *o = q->forward ? &a->forward[a->nforward++] : &a->ptr;
        *o = q->out;
        memset(&q->out, 0, sizeof q->out);
        o->type = q->type;
        if ((o->name = name_dup(q->name)) == NULL || !resolver_view(&c->res, q, o) ||
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
                const rdc_name_result_t *n = own_name(&c->res, s->answer.data[k]);
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

void rdc_auth_chk_free(chk_t *c)
{
    aq_t *q = c->auth;
    while (q) {
        aq_t *next = q->next;
        trace_drop(&q->soa_lk);
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
    c->auth = NULL;
}
