/* authcheck.c - pure rules for --authority: from what each authoritative
 * server of a zone answered, and what the resolver answered, to whether
 * the servers agree, what the zone says (the source), whether the
 * resolver serves a stale cached answer; who runs a zone, and the no-ptr
 * fix. The problems they give are authproblem.c's. No I/O: authority.c
 * asks, this decides (and unit tests feed it tables). */
#define _GNU_SOURCE
#include "authcheck.h"

#include <stdio.h>

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "dnsmsg.h"
#include "util.h"
#include "problem.h"

const char *rdc_auth_state_name(rdc_auth_state_t s)
{
    static const char *const names[] = {"ok", "lame", "refused", "timeout", "unreachable", "error"};
    return s <= RDC_AUTH_S_ERROR ? names[s] : "error";
}

void rdc_auth_answer_clear(rdc_auth_answer_t *a)
{
    for (size_t i = 0; i < a->n; i++)
        free(a->data[i]);
    free(a->data);
    memset(a, 0, sizeof *a);
}

bool rdc_auth_answer_add(rdc_auth_answer_t *a, const char *text)
{
    char **d = realloc(a->data, (a->n + 1) * sizeof *d);
    if (d == NULL)
        return false;
    a->data = d;
    if ((d[a->n] = rdc_strdup(text)) == NULL)
        return false;
    a->n++;
    return true;
}

static bool answer_copy(rdc_auth_answer_t *dst, const rdc_auth_answer_t *src)
{
    rdc_auth_answer_clear(dst);
    dst->status = src->status;
    for (size_t i = 0; i < src->n; i++)
        if (!rdc_auth_answer_add(dst, src->data[i]))
            return false;
    return true;
}

void rdc_auth_question_clear(rdc_auth_question_t *q)
{
    free(q->name);
    free(q->error);
    free(q->zone);
    free(q->parent_zone);
    free(q->parent_contact);
    free(q->mname);
    free(q->contact);
    for (size_t i = 0; i < q->nns; i++) {
        free(q->ns[i]);
        if (q->ns_info)
            free(q->ns_info[i].alias_of);
    }
    free(q->ns);
    free(q->ns_info);
    for (size_t i = 0; i < q->nservers; i++) {
        free(q->servers[i].ns);
        rdc_auth_answer_clear(&q->servers[i].answer);
    }
    free(q->servers);
    rdc_auth_answer_clear(&q->source);
    rdc_auth_answer_clear(&q->resolver);
    memset(q, 0, sizeof *q);
}

void rdc_authority_free(rdc_authority_t *a)
{
    if (a == NULL)
        return;
    rdc_auth_question_clear(&a->ptr);
    for (size_t i = 0; i < a->nforward; i++)
        rdc_auth_question_clear(&a->forward[i]);
    free(a->forward);
    free(a);
}

bool rdc_auth_answer_has(const rdc_auth_answer_t *x, const char *s)
{
    for (size_t i = 0; i < x->n; i++)
        if (strcasecmp(x->data[i], s) == 0)
            return true;
    return false;
}

bool rdc_auth_answer_same(const rdc_auth_answer_t *x, const rdc_auth_answer_t *y)
{
    /* NXDOMAIN and NODATA both say "no such record": for what receivers
     * see they are one answer */
    bool xe = x->n == 0, ye = y->n == 0;
    if (xe || ye)
        return xe && ye;
    for (size_t i = 0; i < x->n; i++)
        if (!rdc_auth_answer_has(y, x->data[i]))
            return false;
    for (size_t i = 0; i < y->n; i++)
        if (!rdc_auth_answer_has(x, y->data[i]))
            return false;
    return true;
}

/* RFC 6303 §3: the SOA of a zone a resolver serves itself names
 * nobody.invalid as its contact. */
static bool locally_served(const rdc_auth_question_t *q)
{
    return q->contact && strcmp(q->contact, "nobody@invalid") == 0;
}

bool rdc_auth_evaluate(rdc_auth_question_t *q)
{
    const rdc_auth_answer_t *first = NULL;
    bool have_serial = false, same_answer = true, same_serial = true;
    uint32_t serial = 0, highest = 0;
    size_t nok = 0;
    q->stale = false;
    q->has_source = false;
    rdc_auth_answer_clear(&q->source);
    for (size_t i = 0; i < q->nservers; i++) {
        const rdc_auth_server_t *s = &q->servers[i];
        if (s->has_serial && s->state != RDC_AUTH_S_LAME) {
            if (have_serial && s->serial != serial)
                same_serial = false;
            serial = s->serial;
            /* RFC 1982 serial arithmetic: the newer of two */
            if (!have_serial || (uint32_t)(s->serial - highest) - 1u < 0x7fffffffu)
                highest = s->serial;
            have_serial = true;
        }
        if (!s->asked || s->state != RDC_AUTH_S_OK)
            continue;
        nok++;
        if (first == NULL)
            first = &s->answer;
        else if (!rdc_auth_answer_same(first, &s->answer))
            same_answer = false;
    }
    /* servers that serve different versions disagree even where this
     * answer is the same: the next change may not reach all of them */
    q->consistent = same_answer && same_serial;
    q->serials_differ = !same_serial;
    if (have_serial)
        q->serial = highest; /* the zone's newest version, not the one a cache holds */
    q->local = locally_served(q);
    if (first == NULL)
        return true;
    if (same_answer) {
        q->has_source = true;
        if (!answer_copy(&q->source, first))
            return false;
    }
    /* stale: the resolver's definite answer differs from every answer the
     * zone's servers give now */
    if (rdc_dns_status_is_temporary(q->resolver.status))
        return true;
    bool differs = true;
    for (size_t i = 0; i < q->nservers && differs; i++) {
        const rdc_auth_server_t *s = &q->servers[i];
        if (s->asked && s->state == RDC_AUTH_S_OK && rdc_auth_answer_same(&s->answer, &q->resolver))
            differs = false;
    }
    q->stale = differs && nok > 0;
    return true;
}

size_t rdc_rname_to_mail(const uint8_t *rname, char *buf, size_t cap)
{
    /* RFC 1035 §8: the first label is the local part (a '.' in it was
     * escaped in the zone file), the rest the mail domain */
    if (cap < 8 || rname[0] == 0) {
        if (cap > 0)
            buf[0] = '\0';
        return 0;
    }
    size_t n = rdc_escape_text(rname + 1, rname[0], buf, cap - 2);
    char dom[RDC_NAME_TEXT_MAX];
    if (rname[1 + rname[0]] == 0)
        return n; /* one label: a local part without a domain */
    rdc_name_to_text(rname + 1 + rname[0], dom);
    buf[n++] = '@';
    buf[n] = '\0';
    size_t room = cap - n;
    size_t dl = strlen(dom);
    if (dl >= room)
        dl = room - 1;
    memcpy(buf + n, dom, dl);
    buf[n + dl] = '\0';
    return n + dl;
}

void rdc_auth_who(const rdc_auth_question_t *q, bool paren, rdc_buf_t *b)
{
    bool contact = q->contact && q->contact[0];
    rdc_buf_printf(b, "the operator of %s", q->zone);
    if (contact)
        rdc_buf_printf(b, "%scontact %s%s", paren ? " (" : ": ", q->contact,
                       q->contact_undeliverable ? " (mail to it bounces)" : "");
    if (q->nns > 0) {
        rdc_buf_puts(b, contact ? (paren ? "; servers " : ", servers ")
                                : (paren ? " (servers " : ": servers "));
        for (size_t i = 0; i < q->nns; i++)
            rdc_buf_printf(b, "%s%s", i ? ", " : "", q->ns[i]);
    }
    /* Zonemaster's fallback when the contact bounces: the delegating
     * zone's contact */
    if (contact && q->contact_undeliverable && q->parent_contact && q->parent_zone)
        rdc_buf_printf(b, "; the parent zone %s: contact %s", q->parent_zone, q->parent_contact);
    if (paren && (contact || q->nns > 0))
        rdc_buf_puts(b, ")");
}

void rdc_auth_answer_text(rdc_buf_t *b, const rdc_auth_answer_t *a)
{
    if (a->n == 0) {
        rdc_buf_puts(b, a->status == RDC_DNS_NXDOMAIN ? "NXDOMAIN" : "no record");
        return;
    }
    for (size_t i = 0; i < a->n; i++)
        rdc_buf_printf(b, "%s%s", i ? " " : "", a->data[i]);
}

/* The zone is a registry's, above any block it gives out: in-addr.arpa or
 * a /8 zone (IANA's and the regional registries'), ip6.arpa or a zone
 * shorter than /32 (registries hand out /32 and longer). Its SOA answering
 * for an address means no reverse zone is delegated for the address's
 * block. */
static bool registry_zone(const char *zone, int family)
{
    const char *top = family == 4 ? "in-addr.arpa" : "ip6.arpa";
    size_t zl = strlen(zone), tl = strlen(top), labels = 0;
    if (zl < tl || strcasecmp(zone + zl - tl, top) != 0 || (zl > tl && zone[zl - tl - 1] != '.'))
        return false;
    for (size_t i = 0; i + tl < zl; i++)
        labels += zone[i] == '.';
    return family == 4 ? labels <= 1 : labels < 8;
}

bool rdc_auth_no_ptr_fix(const rdc_result_t *r, char *buf, size_t cap)
{
    const rdc_auth_question_t *q = r->authority ? &r->authority->ptr : NULL;
    char ip[RDC_ADDR_TEXT_MAX];
    if (q == NULL || q->zone == NULL)
        return false;
    rdc_addr_format(&r->addr, ip);
    if (locally_served(q)) {
        /* RFC 6303: the resolver serves the reverse zone of a private or
         * special-use range itself; nobody on the internet does */
        snprintf(buf, cap,
                 "%s is in a range whose reverse zone (%s) resolvers answer themselves (RFC "
                 "6303): it has no public reverse DNS; send mail from a public address",
                 ip, q->zone);
        return true;
    }
    if (q->stale && q->has_source && q->source.n > 0) {
        /* the zone has the PTR already: only caches are behind */
        rdc_buf_t b = {0};
        rdc_buf_printf(&b, "nothing to ask: the reverse zone %s already gives PTR ", q->zone);
        rdc_auth_answer_text(&b, &q->source);
        rdc_buf_puts(&b, "; the resolver still serves its cached answer (see stale-cache)");
        if (b.failed) {
            rdc_buf_free(&b);
            return false;
        }
        snprintf(buf, cap, "%s", b.s);
        rdc_buf_free(&b);
        return true;
    }
    rdc_buf_t who = {0};
    rdc_auth_who(q, false, &who);
    if (who.failed) {
        rdc_buf_free(&who);
        return false;
    }
    char rev[RDC_REVNAME_MAX];
    rdc_addr_reverse_name(&r->addr, rev);
    const char *rr = r->addr.family == 4 ? "A" : "AAAA";
    if (registry_zone(q->zone, r->addr.family))
        snprintf(buf, cap,
                 "no reverse zone is delegated for the block of %s (the nearest zone, %s, is a "
                 "registry's): the holder of the block - the provider it came from, through "
                 "its regional registry (RIPE NCC, ARIN, APNIC, LACNIC, AFRINIC) - must have "
                 "its reverse zone delegated, then set PTR for %s to a name whose %s record is "
                 "%s",
                 ip, q->zone, ip, rr, ip);
    else if (q->name && strcasecmp(q->name, rev) != 0)
        snprintf(buf, cap,
                 "ask %s (your hosting provider, not your registrar) to add the PTR record at "
                 "%s, the name %s is an alias of (RFC 2317), naming a host whose %s record is %s",
                 who.s, q->name, rev, rr, ip);
    else
        snprintf(buf, cap,
                 "ask %s (your hosting provider, not your registrar) to set PTR for %s to a "
                 "name whose %s record is %s",
                 who.s, ip, rr, ip);
    rdc_buf_free(&who);
    return true;
}
