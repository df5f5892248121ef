/* authzone.c - --authority's zones (authzone.h): for each zone, its NS set
 * through the resolver and, for a question's zone, the parent's delegation
 * (the SOA one label up names the parent zone, whose servers are asked for
 * the zone's NS, RD=0); the NS names' addresses (glue and the resolver,
 * both families); then every server's own SOA. Phases run on a hold count
 * (task.h); whoever waits for a zone is told through its rdc_zone_wait_t. */
#define _GNU_SOURCE
#include "authzone.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define AUTH_MAX_ADDRS 2 /* addresses per NS name and family */
#define AUTH_MAX_ZONES 1024 /* finished zones kept for later checks (default) */
#define AUTH_MAX_PARENT 3 /* servers of the parent zone asked for the delegation */

typedef rdc_zone_t azone_t;

/* The A or AAAA lookup of one NS name. */
typedef struct nslk {
    azone_t *z;
    size_t ns;
    rdc_lookup_t lk;
} nslk_t;

/* A zone being found (phases 0 to 2), or found (ready). */
struct rdc_zone {
    rdc_zones_t *zs;
    azone_t *next;
    rdc_zone_info_t i; /* what is known of it */
    bool ready;
    int phase; /* 0 NS and delegation, 1 addresses, 2 SOA queries */
    rdc_hold_t pending; /* of the phase */
    rdc_zone_wait_t *waiters; /* questions waiting for its servers */
    rdc_lookup_t ns_lk;
    const char *ns_error; /* why the NS lookup gave no name, or NULL */
    nslk_t *alk; /* the NS names' address lookups */
    size_t nalk;
    bool addr_failed; /* an NS name's address lookup failed (temporarily) */
    /* the parent zone's servers asked for the zone's NS (the delegation) */
    bool want_parent; /* a question's zone (not one found as a parent) */
    rdc_lookup_t psoa_lk; /* the SOA of the name one label up: the parent zone */
    azone_t *pwaiters, *pnext; /* zones waiting for this one, their parent */
    /* the SOA contact's mail domain (the RNAME past its first label): its
     * MX, A and AAAA (RFC 5321 §5.1: no MX, the address is the host) */
    uint8_t cdomain[RDC_NAME_WIRE_MAX + 1];
    rdc_lookup_t clk[3];
};

struct rdc_zones {
    rdc_run_ctx_t *x;
    azone_t *zones; /* most recently used first */
    size_t nzones;
};

static void zone_step(azone_t *z);

/* One part of the zone's phase is done; the last one moves it on. */
static void zone_release(azone_t *z)
{
    if (hold_release(&z->pending))
        zone_step(z);
}

static void trace_drop(rdc_lookup_t *l)
{
    rdc_trace_free(&l->trace);
}

/* ---------------------------------------------------------------- zones */

/* Records why the zone's servers cannot be asked. */
static void zone_fail(azone_t *z, const char *why)
{
    if (!rdc_zinfo_fail(&z->i, why))
        z->zs->x->oom = true;
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
    rdc_zone_wait_t *w = z->waiters;
    z->waiters = NULL;
    while (w) {
        rdc_zone_wait_t *next = w->next;
        w->ready(w->arg, z);
        w = next;
    }
}

static void addr_done(rdc_lookup_t *l, const rdc_answer_t *a)
{
    nslk_t *n = l->owner;
    azone_t *z = n->z;
    trace_drop(l);
    if (rdc_dns_status_is_temporary(a->status))
        z->addr_failed = z->i.ns_tmp[n->ns] = true;
    else if (a->status == RDC_DNS_OK && a->nrecords > 0)
        z->i.nsi[n->ns].flags &= ~RDC_AUTH_NSF_NO_ADDRESS;
    if (!rdc_dns_status_is_temporary(a->status) && !rdc_name_equal(a->final_name, l->name) &&
        z->i.nsi[n->ns].alias_of == NULL) {
        /* RFC 2181 §10.3: an NS name must not be an alias; resolvers
         * may or may not follow it */
        z->i.nsi[n->ns].flags |= RDC_AUTH_NSF_CNAME;
        if ((z->i.nsi[n->ns].alias_of = rdc_auth_name_dup(a->final_name)) == NULL)
            z->zs->x->oom = true;
    }
    for (size_t i = 0; a->status == RDC_DNS_OK && i < a->nrecords && i < AUTH_MAX_ADDRS; i++)
        rdc_zinfo_server_add(&z->i, n->ns, &a->records[i].addr);
    zone_release(z);
}

static void ns_done(rdc_lookup_t *l, const rdc_answer_t *a)
{
    azone_t *z = l->owner;
    trace_drop(l);
    if (a->status != RDC_DNS_OK) {
        z->ns_error = rdc_dns_status_is_temporary(a->status)
                          ? "cannot ask the zone's servers: the NS lookup failed for"
                          : "no NS records for zone";
    } else {
        for (size_t i = 0; i < a->nrecords && z->i.nns < AUTH_MAX_NS; i++) {
            const uint8_t *w = a->records[i].name;
            bool dup = false;
            for (size_t k = 0; k < z->i.nns && !dup; k++)
                dup = rdc_name_equal(z->i.nsw[k], w);
            if (dup || !rdc_name_is_hostname(w))
                continue; /* a name no resolver could look up is not asked */
            memcpy(z->i.nsw[z->i.nns++], w, sizeof z->i.nsw[0]);
        }
        if (z->i.nns == 0)
            z->ns_error = "no NS name that is a host name, for zone";
    }
    zone_release(z);
}

/* The NS names are known: their addresses, from the parent's glue and
 * from the resolver (both families: the servers are asked over both). */
static void zone_addresses(azone_t *z)
{
    rdc_run_ctx_t *e = z->zs->x;
    z->phase = 1;
    if (!rdc_zinfo_names(&z->i) || (z->alk = calloc(2 * AUTH_MAX_NS, sizeof *z->alk)) == NULL) {
        e->oom = true;
        z->i.nns = 0;
    }
    if (z->i.nns == 0)
        zone_fail(z, z->ns_error ? z->ns_error : "no NS records for zone");
    for (size_t g = 0; z->i.have_ref && g < z->i.ref.nglue; g++)
        for (size_t i = 0; i < z->i.nns; i++)
            if (rdc_name_equal(z->i.nsw[i], z->i.ref.ns[z->i.ref.glue[g].ns])) {
                rdc_zinfo_server_add(&z->i, i, &z->i.ref.glue[g].addr);
                z->i.nsi[i].flags &= ~RDC_AUTH_NSF_NO_ADDRESS;
            }
    for (size_t i = 0; z->alk && i < z->i.nns; i++) {
        for (int f = 0; f < 2; f++) {
            nslk_t *n = &z->alk[z->nalk++];
            n->z = z;
            n->ns = i;
            rdc_lookup_init(&n->lk, e->ql, f ? RDC_TYPE_AAAA : RDC_TYPE_A, z->i.nsw[i], addr_done,
                            n);
        }
    }
    hold_start(&z->pending, (unsigned)z->nalk);
    for (size_t i = 0; i < z->nalk; i++)
        rdc_lookup_start(&z->alk[i].lk);
    zone_release(z);
}

/* A server of a zone's parent answered its NS question (or failed): a
 * referral for the zone is its delegation. Ends one part of the parent step. */
static void parent_answer(void *arg, size_t tag, const uint8_t *msg, size_t len,
                          rdc_dns_status_t st, const rdc_answer_t *a)
{
    azone_t *z = arg;
    rdc_referral_t ref;
    (void)tag;
    (void)st;
    (void)a;
    if (!z->i.have_ref && msg && rdc_referral_parse(msg, len, z->i.name, &ref) &&
        rdc_name_equal(ref.zone, z->i.name)) {
        z->i.ref = ref;
        z->i.have_ref = true;
    }
    zone_release(z);
}

void rdc_zone_ask_parent_ns(rdc_zones_t *zs, const azone_t *p, const uint8_t *name,
                            rdc_hold_t *hold, rdc_direct_done_fn *done, void *arg)
{
    rdc_run_ctx_t *x = zs->x;
    size_t asked = 0;
    for (size_t i = 0; i < p->i.nsrv && asked < AUTH_MAX_PARENT; i++) {
        if (p->i.srv[i].state != RDC_AUTH_S_OK)
            continue;
        size_t idx = x->dns.ops->add_server(x->dns.ctx, &p->i.srv[i].srv, false);
        if (idx == SIZE_MAX)
            continue;
        asked++;
        hold_add(hold);
        rdc_direct_req_t r = {
            .server = idx, .name = name, .type = RDC_TYPE_NS, .done = done, .arg = arg, .tag = i};
        if (!rdc_direct_ask(x, &r)) {
            x->oom = true;
            hold_release(hold);
        }
    }
}

/* The parent zone p is ready: its servers are asked for z's NS, whose
 * referral gives the delegation. Ends z's parent step. */
static void parent_ask(azone_t *z, const azone_t *p)
{
    rdc_zone_ask_parent_ns(z->zs, p, z->i.name, &z->pending, parent_answer, z);
    zone_release(z);
}

/* One of the contact domain's lookups (MX, A, AAAA). */
static void contact_done(rdc_lookup_t *l, const rdc_answer_t *a)
{
    azone_t *z = l->owner;
    size_t i = (size_t)(l - z->clk);
    trace_drop(l);
    z->i.cst[i] = a->status;
    if (i == 0 && a->status == RDC_DNS_OK && a->nrecords == 1 && a->records[0].name[0] == 0)
        z->i.null_mx = true;
    zone_release(z);
}

/* The SOA of the name above the zone: its owner is the parent zone. */
static void psoa_done(rdc_lookup_t *l, const rdc_answer_t *a)
{
    azone_t *z = l->owner;
    rdc_run_ctx_t *e = z->zs->x;
    trace_drop(l);
    if (rdc_dns_status_is_temporary(a->status) || !a->has_soa ||
        !rdc_auth_name_under(z->i.name, a->soa.owner) || rdc_name_equal(a->soa.owner, z->i.name)) {
        zone_release(z); /* no parent to compare with */
        return;
    }
    free(z->i.parent);
    if ((z->i.parent = rdc_auth_name_dup(a->soa.owner)) == NULL)
        e->oom = true;
    char contact[RDC_NAME_TEXT_MAX + 2];
    rdc_rname_to_mail(a->soa.rname, contact, sizeof contact);
    free(z->i.parent_contact);
    if (contact[0] && (z->i.parent_contact = rdc_strdup(contact)) == NULL)
        e->oom = true;
    azone_t *p = rdc_zone_get(z->zs, a->soa.owner, false, NULL);
    if (p == NULL) {
        e->oom = true;
        zone_release(z);
        return;
    }
    if (p->ready) {
        parent_ask(z, p);
        return;
    }
    z->pnext = p->pwaiters;
    p->pwaiters = z;
}

/* A server's answer to the zone's SOA question: with authority and the
 * apex SOA, the server serves the zone, and its serial is noted. */
static void soa_answer(void *arg, size_t i, const uint8_t *msg, size_t len, rdc_dns_status_t st,
                       const rdc_answer_t *a)
{
    azone_t *z = arg;
    rdc_zone_srv_t *s = &z->i.srv[i];
    rdc_auth_state_t state = rdc_direct_state(st, a);
    (void)msg;
    (void)len;
    /* the apex SOA, with authority: anything else is no server of the zone */
    if (state == RDC_AUTH_S_OK && !(st == RDC_DNS_OK && a->has_soa))
        state = RDC_AUTH_S_LAME;
    s->state = state;
    if (state == RDC_AUTH_S_OK) {
        s->has_serial = true;
        s->serial = a->soa.serial;
        s->soa_ttl = a->soa.ttl;
        s->soa_minimum = a->soa.minimum;
    }
    zone_release(z);
}

/* The zone's phase is over: the next one. */
static void zone_step(azone_t *z)
{
    rdc_run_ctx_t *e = z->zs->x;
    if (z->phase == 0) {
        zone_addresses(z);
        return;
    }
    if (z->phase == 1) {
        z->phase = 2;
        hold_start(&z->pending, 0);
        for (size_t i = 0; i < z->i.nns; i++)
            if (z->i.ns_tmp[i]) /* not known: no finding */
                z->i.nsi[i].flags &= ~RDC_AUTH_NSF_NO_ADDRESS;
        rdc_zinfo_sort_servers(&z->i);
        if (z->i.nsrv == 0 && z->i.error == NULL)
            zone_fail(z, z->addr_failed ? "cannot ask the zone's servers: the address lookups "
                                          "of its name servers failed for zone"
                                        : "no address found for any name server of zone");
        for (size_t i = 0; i < z->i.nsrv; i++) {
            rdc_zone_srv_t *s = &z->i.srv[i];
            s->idx = e->dns.ops->add_server(e->dns.ctx, &s->srv, false);
            if (s->idx == SIZE_MAX) {
                s->state = RDC_AUTH_S_ERROR;
                continue;
            }
            hold_add(&z->pending);
            rdc_direct_req_t r = {.server = s->idx,
                                  .name = z->i.name,
                                  .type = RDC_TYPE_SOA,
                                  .parse = true,
                                  .done = soa_answer,
                                  .arg = z,
                                  .tag = i};
            if (!rdc_direct_ask(e, &r)) {
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
static azone_t *zone_find(rdc_zones_t *e, const uint8_t *name)
{
    for (azone_t **pp = &e->zones; *pp; pp = &(*pp)->next) {
        azone_t *z = *pp;
        if (rdc_name_equal(z->i.name, name)) {
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
static void zone_evict(rdc_zones_t *e)
{
    size_t cap = e->x->o->auth_max_zones ? e->x->o->auth_max_zones : AUTH_MAX_ZONES;
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
static azone_t *zone_new(rdc_zones_t *e, const uint8_t *name, bool want_parent,
                         const uint8_t *rname)
{
    azone_t *z = calloc(1, sizeof *z);
    if (z == NULL)
        return NULL;
    z->zs = e;
    z->want_parent = want_parent && name[0] != 0;
    /* the contact's mail domain: the RNAME past its local part */
    z->i.want_contact = rname && rname[0] != 0 && rname[1 + rname[0]] != 0;
    if (z->i.want_contact)
        memcpy(z->cdomain, rname + 1 + rname[0], sizeof z->cdomain - 1 - rname[0]);
    memcpy(z->i.name, name, sizeof z->i.name);
    z->next = e->zones;
    e->zones = z;
    e->nzones++;
    zone_evict(e);
    hold_start(&z->pending, z->want_parent ? 1 : 0);
    rdc_lookup_init(&z->ns_lk, e->x->ql, RDC_TYPE_NS, name, ns_done, z);
    if (z->want_parent)
        rdc_lookup_init(&z->psoa_lk, e->x->ql, RDC_TYPE_SOA, name + name[0] + 1, psoa_done, z);
    static const uint16_t ctypes[3] = {RDC_TYPE_MX, RDC_TYPE_A, RDC_TYPE_AAAA};
    for (size_t i = 0; z->i.want_contact && i < 3; i++) {
        hold_add(&z->pending);
        rdc_lookup_init(&z->clk[i], e->x->ql, ctypes[i], z->cdomain, contact_done, z);
    }
    rdc_lookup_start(&z->ns_lk);
    if (z->want_parent)
        rdc_lookup_start(&z->psoa_lk);
    for (size_t i = 0; z->i.want_contact && i < 3; i++)
        rdc_lookup_start(&z->clk[i]);
    return z;
}

static void zone_free(azone_t *z)
{
    trace_drop(&z->ns_lk);
    trace_drop(&z->psoa_lk);
    for (size_t i = 0; i < 3; i++)
        trace_drop(&z->clk[i]);
    for (size_t i = 0; i < z->nalk; i++)
        trace_drop(&z->alk[i].lk);
    free(z->alk);
    rdc_zinfo_clear(&z->i);
    free(z);
}

void rdc_zones_free(rdc_zones_t *zs)
{
    if (zs == NULL)
        return;
    azone_t *z = zs->zones;
    while (z) {
        azone_t *next = z->next;
        zone_free(z);
        z = next;
    }
    free(zs);
}

rdc_zones_t *rdc_zones_new(rdc_run_ctx_t *x)
{
    rdc_zones_t *zs = calloc(1, sizeof *zs);
    if (zs)
        zs->x = x;
    return zs;
}

azone_t *rdc_zone_get(rdc_zones_t *zs, const uint8_t *name, bool want_parent, const uint8_t *rname)
{
    azone_t *z = zone_find(zs, name);
    return z ? z : zone_new(zs, name, want_parent, rname);
}

azone_t *rdc_zone_get_delegated(rdc_zones_t *zs, const rdc_referral_t *ref, const char *parent)
{
    azone_t *z = zone_find(zs, ref->zone);
    if (z)
        return z;
    if ((z = zone_new(zs, ref->zone, false, NULL)) == NULL)
        return NULL;
    /* the delegation is known already: no parent step */
    z->i.ref = *ref;
    z->i.have_ref = true;
    if ((z->i.parent = rdc_strdup(parent)) == NULL)
        zs->x->oom = true;
    return z;
}

void rdc_zone_wait(azone_t *z, rdc_zone_wait_t *w)
{
    if (z->ready) {
        w->ready(w->arg, z);
        return;
    }
    w->next = z->waiters;
    z->waiters = w;
}

const uint8_t *rdc_zone_name(const azone_t *z)
{
    return z->i.name;
}

const rdc_server_t *rdc_zone_server(const azone_t *z, size_t i)
{
    return i < z->i.nsrv && z->i.srv[i].state == RDC_AUTH_S_OK ? &z->i.srv[i].srv : NULL;
}

bool rdc_zone_fill(const azone_t *z, rdc_auth_question_t *out)
{
    return rdc_zinfo_fill(&z->i, out, &z->zs->x->oom);
}
