/* zoneinfo.c - what is known about a zone (zoneinfo.h): its NS names
 * merged from both sides of the zone cut, its servers, and what a
 * question copies from it. No lookups here. */
#define _GNU_SOURCE
#include "zoneinfo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

char *rdc_auth_name_dup(const uint8_t *wire)
{
    char text[RDC_NAME_TEXT_MAX];
    rdc_name_to_text(wire, text);
    return rdc_strdup(text);
}

bool rdc_auth_name_under(const uint8_t *name, const uint8_t *zone)
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

void rdc_zinfo_server_add(rdc_zone_info_t *z, size_t ns, const rdc_addr_t *addr)
{
    if (z->nsrv == AUTH_MAX_SERVERS)
        return;
    for (size_t k = 0; k < z->nsrv; k++)
        if (rdc_addr_equal(&z->srv[k].srv.addr, addr))
            return;
    rdc_zone_srv_t *s = &z->srv[z->nsrv++];
    memset(s, 0, sizeof *s);
    s->ns = ns;
    s->srv.addr = *addr;
    s->idx = SIZE_MAX;
}

/* The zone's NS set (from the resolver) and the parent's (the referral):
 * the names either lists, the parent's only ones flagged (resolvers start
 * from them) and the zone's only ones too; sorted, so that the same zone
 * gives the same list on every line, not the resolver's rotating order. */
bool rdc_zinfo_names(rdc_zone_info_t *z)
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
        (z->ns_tmp = calloc(AUTH_MAX_NS, sizeof *z->ns_tmp)) == NULL)
        return false;
    for (size_t i = 0; i < z->nns; i++) {
        if ((z->ns[i] = rdc_auth_name_dup(z->nsw[i])) == NULL)
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

static int srv_cmp(const rdc_zone_srv_t *x, const rdc_zone_srv_t *y)
{
    if (x->ns != y->ns)
        return x->ns < y->ns ? -1 : 1;
    if (x->srv.addr.family != y->srv.addr.family)
        return x->srv.addr.family < y->srv.addr.family ? -1 : 1;
    return memcmp(x->srv.addr.b, y->srv.addr.b, sizeof x->srv.addr.b);
}

void rdc_zinfo_sort_servers(rdc_zone_info_t *z)
{
    for (size_t i = 1; i < z->nsrv; i++)
        for (size_t k = i; k > 0 && srv_cmp(&z->srv[k - 1], &z->srv[k]) > 0; k--) {
            rdc_zone_srv_t t = z->srv[k];
            z->srv[k] = z->srv[k - 1];
            z->srv[k - 1] = t;
        }
}

bool rdc_zinfo_fail(rdc_zone_info_t *z, const char *why)
{
    char zone[RDC_NAME_TEXT_MAX], buf[RDC_NAME_TEXT_MAX + 200];
    rdc_name_to_text(z->name, zone);
    snprintf(buf, sizeof buf, "%s %s", why, zone);
    free(z->error);
    return (z->error = rdc_strdup(buf)) != NULL;
}

/* Whether mail to the zone's contact bounces for certain: its domain does
 * not exist, has a null MX (RFC 7505), or has neither MX nor address
 * (RFC 5321 §5.1). Temporary failures: not known, no. */
static bool contact_bounces(const rdc_zone_info_t *z)
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

/* The zone's NS names and servers into out (allocated: false when not). */
static bool fill_servers(const rdc_zone_info_t *z, rdc_auth_question_t *out, bool *oom)
{
    out->ns = calloc(z->nns + 1, sizeof *out->ns);
    out->ns_info = calloc(z->nns + 1, sizeof *out->ns_info);
    out->servers = calloc(z->nsrv + 1, sizeof *out->servers);
    if (out->ns == NULL || out->ns_info == NULL || out->servers == NULL)
        return false;
    for (size_t i = 0; i < z->nns; i++) {
        if ((out->ns[i] = rdc_strdup(z->ns[i])) == NULL)
            *oom = true;
        out->ns_info[i].flags = z->nsi[i].flags;
        if (z->nsi[i].alias_of &&
            (out->ns_info[i].alias_of = rdc_strdup(z->nsi[i].alias_of)) == NULL)
            *oom = true;
        out->nns++;
    }
    for (size_t i = 0; i < z->nsrv; i++) {
        const rdc_zone_srv_t *s = &z->srv[i];
        rdc_auth_server_t *o = &out->servers[i];
        out->nservers++;
        if ((o->ns = rdc_strdup(z->ns[s->ns])) == NULL)
            *oom = true;
        o->addr = s->srv.addr;
        o->state = s->state;
        o->has_serial = s->has_serial;
        o->serial = s->serial;
    }
    /* RFC 2308 section 5 from the zone's own SOA, as its first server that
     * answers gives it: the resolver's copy has a TTL that counts down */
    for (size_t i = 0; i < z->nsrv; i++)
        if (z->srv[i].has_serial) {
            const rdc_zone_srv_t *s = &z->srv[i];
            out->minimum = s->soa_minimum;
            out->negative_ttl = s->soa_ttl < s->soa_minimum ? s->soa_ttl : s->soa_minimum;
            break;
        }
    return true;
}

bool rdc_zinfo_fill(const rdc_zone_info_t *z, rdc_auth_question_t *out, bool *oom)
{
    if (z->error) {
        free(out->error);
        if ((out->error = rdc_strdup(z->error)) == NULL)
            *oom = true;
    }
    if (z->parent && out->parent_zone == NULL && (out->parent_zone = rdc_strdup(z->parent)) == NULL)
        *oom = true;
    if (z->parent_contact && (out->parent_contact = rdc_strdup(z->parent_contact)) == NULL)
        *oom = true;
    out->contact_undeliverable = contact_bounces(z);
    return fill_servers(z, out, oom);
}

void rdc_zinfo_clear(rdc_zone_info_t *z)
{
    free(z->parent);
    free(z->parent_contact);
    for (size_t i = 0; i < z->nns; i++) {
        free(z->ns[i]);
        free(z->nsi[i].alias_of);
    }
    free(z->ns);
    free(z->nsi);
    free(z->ns_tmp);
    free(z->error);
}
