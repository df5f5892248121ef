/* authproblem.c - the problems --authority finds, from the questions
 * authcheck.c evaluated: auth-lame, auth-inconsistent, stale-cache (a
 * warning or a note, by what its expiry does), auth-ns-address,
 * auth-ns-cname, auth-ns-mismatch, auth-contact, and the no-ptr message
 * of an aliased reverse name (RFC 2317). Pure: no I/O. */
#define _GNU_SOURCE
#include "authcheck.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "dnsmsg.h"
#include "problem.h"
#include "util.h"

static void server_text(rdc_buf_t *b, const rdc_auth_server_t *s)
{
    char ip[RDC_ADDR_TEXT_MAX];
    rdc_buf_printf(b, "%s (%s)", s->ns, rdc_addr_format(&s->addr, ip));
}

/* One auth-lame for the zone of q, unless r has one for that zone. */
static bool lame_problem(rdc_result_t *r, const rdc_auth_question_t *q)
{
    rdc_buf_t m = {0}, fix = {0};
    size_t nlame = 0;
    for (size_t i = 0; i < q->nservers; i++) {
        const rdc_auth_server_t *s = &q->servers[i];
        if (s->state == RDC_AUTH_S_OK)
            continue;
        rdc_buf_puts(&m, nlame++ ? "; " : "");
        server_text(&m, s);
        rdc_buf_printf(&m, " %s",
                       s->state == RDC_AUTH_S_LAME          ? "answers without authority"
                       : s->state == RDC_AUTH_S_REFUSED     ? "refuses"
                       : s->state == RDC_AUTH_S_TIMEOUT     ? "does not answer (timed out)"
                       : s->state == RDC_AUTH_S_UNREACHABLE ? "cannot be reached"
                                                            : "answers with an error");
    }
    bool ok = true;
    if (nlame > 0) {
        char tag[RDC_NAME_TEXT_MAX + 16];
        snprintf(tag, sizeof tag, " %s:", q->zone);
        for (size_t i = 0; i < r->nproblems; i++)
            if (r->problems[i].code == RDC_AUTH_LAME && strstr(r->problems[i].message, tag))
                nlame = 0; /* said already, for another name of the zone */
    }
    if (nlame > 0 && nlame == q->nservers && q->parent_zone) {
        /* a lame delegation: no server serves the zone, resolvers fail */
        rdc_buf_puts(&fix, "no listed server serves the zone, so resolvers cannot resolve "
                           "anything in it: ask ");
        rdc_auth_who(q, true, &fix);
        rdc_buf_printf(&fix,
                       " to serve it on its servers, or whoever keeps the delegation in "
                       "%s to delegate it to servers that do",
                       q->parent_zone);
    } else if (nlame > 0) {
        rdc_buf_puts(&fix, "ask ");
        rdc_auth_who(q, true, &fix);
        rdc_buf_puts(&fix, " to serve the zone on every listed server or to remove the "
                           "others from its NS set: resolvers that pick them time out or fail");
    }
    if (nlame > 0)
        ok = !m.failed && !fix.failed &&
             rdc_result_add_problem(r, RDC_AUTH_LAME, fix.s,
                                    "%zu of %zu name server addresses of zone %s: %s", nlame,
                                    q->nservers, q->zone, m.s);
    rdc_buf_free(&m);
    rdc_buf_free(&fix);
    return ok;
}

/* Whether r has a problem of code whose message names zone ("... zone Z:"). */
static bool said_for_zone(const rdc_result_t *r, rdc_code_t code, const char *zone)
{
    char tag[RDC_NAME_TEXT_MAX + 16];
    snprintf(tag, sizeof tag, " zone %s:", zone);
    for (size_t i = 0; i < r->nproblems; i++)
        if (r->problems[i].code == code && strstr(r->problems[i].message, tag))
            return true;
    return false;
}

/* auth-ns-address and auth-ns-cname: NS names of q's zone without an
 * address, or that are aliases; once per zone. */
static bool ns_problems(rdc_result_t *r, const rdc_auth_question_t *q)
{
    bool ok = true;
    for (int pass = 0; pass < 2 && ok && q->ns_info; pass++) {
        unsigned flag = pass ? RDC_AUTH_NSF_CNAME : RDC_AUTH_NSF_NO_ADDRESS;
        rdc_code_t code = pass ? RDC_AUTH_NS_CNAME : RDC_AUTH_NS_ADDRESS;
        rdc_buf_t m = {0}, fix = {0};
        size_t n = 0;
        for (size_t i = 0; i < q->nns; i++) {
            if (!(q->ns_info[i].flags & flag))
                continue;
            rdc_buf_printf(&m, "%s%s", n++ ? ", " : "", q->ns[i]);
            if (pass && q->ns_info[i].alias_of)
                rdc_buf_printf(&m, " (an alias of %s)", q->ns_info[i].alias_of);
        }
        if (n == 0 || said_for_zone(r, code, q->zone)) {
            rdc_buf_free(&m);
            continue;
        }
        rdc_buf_puts(&fix, "ask ");
        rdc_auth_who(q, true, &fix);
        if (pass)
            rdc_buf_puts(&fix, ", and whoever keeps the delegation in the parent zone, to list "
                               "the servers' own names (with A/AAAA records) in the NS set, not "
                               "aliases: RFC 2181 section 10.3 forbids NS records that point "
                               "at a CNAME, and some resolvers do not follow them");
        else
            rdc_buf_puts(&fix, ", and whoever keeps the delegation in the parent zone, to give "
                               "each listed server name an A or AAAA record, or to drop the name "
                               "from the NS set: resolvers cannot reach a server without an "
                               "address");
        const char *what = pass ? "is an alias (CNAME)" : "has no address (no A or AAAA record)";
        const char *whatn = pass ? "are aliases (CNAME)" : "have no address (no A or AAAA record)";
        ok = !m.failed && !fix.failed &&
             rdc_result_add_problem(r, code, fix.s, "%zu of %zu name servers of zone %s: %s %s", n,
                                    q->nns, q->zone, m.s, n == 1 ? what : whatn);
        rdc_buf_free(&m);
        rdc_buf_free(&fix);
    }
    return ok;
}

/* auth-ns-mismatch: the parent's delegation and the zone's own NS set
 * differ (RFC 1034 §4.2.2: the NS records at a cut are the zone's own);
 * once per zone. */
static bool mismatch_problem(rdc_result_t *r, const rdc_auth_question_t *q)
{
    if (q->ns_info == NULL || q->parent_zone == NULL)
        return true;
    rdc_buf_t po = {0}, co = {0}, m = {0}, fix = {0};
    size_t npo = 0, nco = 0;
    for (size_t i = 0; i < q->nns; i++) {
        if (q->ns_info[i].flags & RDC_AUTH_NSF_PARENT_ONLY)
            rdc_buf_printf(&po, "%s%s", npo++ ? ", " : "", q->ns[i]);
        if (q->ns_info[i].flags & RDC_AUTH_NSF_CHILD_ONLY)
            rdc_buf_printf(&co, "%s%s", nco++ ? ", " : "", q->ns[i]);
    }
    bool ok = true;
    if ((npo > 0 || nco > 0) && !said_for_zone(r, RDC_AUTH_NS_MISMATCH, q->zone)) {
        rdc_buf_printf(&m, "the parent zone %s and the zone's own NS set differ for zone %s:",
                       q->parent_zone, q->zone);
        if (npo > 0)
            rdc_buf_printf(&m,
                           " the parent lists %s, which the zone does not (resolvers start "
                           "from the parent's list)",
                           po.s);
        if (npo > 0 && nco > 0)
            rdc_buf_puts(&m, ";");
        if (nco > 0)
            rdc_buf_printf(&m,
                           " the zone lists %s, which the parent does not (resolvers may "
                           "never ask %s)",
                           co.s, nco == 1 ? "it" : "them");
        rdc_buf_printf(&fix,
                       "ask whoever keeps the delegation in %s (for a reverse zone, the provider "
                       "or registry the block came from) and ",
                       q->parent_zone);
        rdc_auth_who(q, false, &fix);
        rdc_buf_puts(&fix, " to list the same name servers in both (RFC 1034 section 4.2.2)");
        ok = !po.failed && !co.failed && !m.failed && !fix.failed &&
             rdc_result_add_problem(r, RDC_AUTH_NS_MISMATCH, fix.s, "%s", m.s);
    }
    rdc_buf_free(&po);
    rdc_buf_free(&co);
    rdc_buf_free(&m);
    rdc_buf_free(&fix);
    return ok;
}

/* auth-contact: the SOA contact's mail domain takes no mail (Zonemaster's
 * RNAME_MAIL_DOMAIN_INVALID): say so, and whom to write to instead. */
static bool contact_problem(rdc_result_t *r, const rdc_auth_question_t *q)
{
    if (!q->contact_undeliverable || q->contact == NULL ||
        said_for_zone(r, RDC_AUTH_CONTACT, q->zone))
        return true;
    const char *at = strchr(q->contact, '@');
    rdc_buf_t fix = {0};
    rdc_buf_puts(&fix, "write to the operator of the zone's servers");
    for (size_t i = 0; i < q->nns; i++)
        rdc_buf_printf(&fix, "%s%s", i ? ", " : " (", q->ns[i]);
    if (q->nns > 0)
        rdc_buf_puts(&fix, ")");
    if (q->parent_contact && q->parent_zone)
        rdc_buf_printf(&fix, " or to the parent zone %s's contact %s", q->parent_zone,
                       q->parent_contact);
    rdc_buf_puts(&fix, " instead, and ask them to put a mailbox that receives mail in the SOA "
                       "RNAME (RFC 1035 section 3.3.13)");
    bool ok = !fix.failed &&
              rdc_result_add_problem(r, RDC_AUTH_CONTACT, fix.s,
                                     "the SOA contact %s of zone %s: cannot receive mail: %s has "
                                     "no MX and no address, or a null MX (RFC 7505)",
                                     q->contact, q->zone, at ? at + 1 : q->contact);
    rdc_buf_free(&fix);
    return ok;
}

static bool inconsistent_problem(rdc_result_t *r, const rdc_auth_question_t *q, const char *what)
{
    rdc_buf_t m = {0}, fix = {0};
    size_t k = 0;
    for (size_t i = 0; i < q->nservers; i++) {
        const rdc_auth_server_t *s = &q->servers[i];
        if (s->state != RDC_AUTH_S_OK)
            continue;
        rdc_buf_puts(&m, k++ ? "; " : "");
        server_text(&m, s);
        if (s->has_serial)
            rdc_buf_printf(&m, " serial %lu", (unsigned long)s->serial);
        if (s->asked) {
            rdc_buf_puts(&m, " answers ");
            rdc_auth_answer_text(&m, &s->answer);
        }
    }
    rdc_buf_puts(&fix, "the zone's servers do not all have its last version: check the zone "
                       "transfers (NOTIFY, IXFR/AXFR) from the primary");
    if (q->mname && q->mname[0])
        rdc_buf_printf(&fix, " %s", q->mname);
    rdc_buf_puts(&fix, ", or ask ");
    rdc_auth_who(q, true, &fix);
    bool ok = !m.failed && !fix.failed &&
              rdc_result_add_problem(r, RDC_AUTH_INCONSISTENT, fix.s,
                                     "the name servers of zone %s disagree about %s: %s", q->zone,
                                     what, m.s);
    rdc_buf_free(&m);
    rdc_buf_free(&fix);
    return ok;
}

/* What the expiry of a stale cached answer will do. */
typedef enum stale_kind {
    STALE_FIXED, /* the zone has the fix: a note */
    STALE_BREAKS, /* the zone's answer fails what the resolver's passes */
    STALE_INCOMPLETE /* the zone's new PTR names do not resolve back either */
} stale_kind_t;

static bool stale_problem(rdc_result_t *r, const rdc_auth_question_t *q, const char *what,
                          stale_kind_t kind, const char *ip, time_t now)
{
    rdc_buf_t m = {0}, fix = {0};
    rdc_buf_printf(&m, "the resolver still serves an old answer for %s (", what);
    rdc_auth_answer_text(&m, &q->resolver);
    rdc_buf_puts(&m, ") while the zone's servers answer ");
    if (q->has_source)
        rdc_auth_answer_text(&m, &q->source);
    else
        rdc_buf_puts(&m, "otherwise");
    if (q->resolver_ttl != RDC_TTL_UNKNOWN) {
        char at[32];
        rdc_utc_clock(at, sizeof at, (long long)now + q->resolver_ttl, "later");
        rdc_buf_printf(&m, "; the cached answer expires in %lu s (at %s)",
                       (unsigned long)q->resolver_ttl, at);
    }
    switch (kind) {
    case STALE_FIXED:
        rdc_buf_puts(&fix, q->resolver_ttl != RDC_TTL_UNKNOWN
                               ? "nothing to fix at the source: wait for the caches to expire "
                                 "(rdnscheck --wait re-checks until then), or flush the "
                                 "resolver's cache"
                               : "wait for the caches to expire, or flush the resolver's cache");
        break;
    case STALE_BREAKS:
        rdc_buf_puts(&fix, "when the cached answer expires, the check will fail: the zone no "
                           "longer gives a confirming answer; change it back, or finish the "
                           "change before then");
        break;
    case STALE_INCOMPLETE:
        rdc_buf_puts(&fix, "the zone's new PTR (");
        rdc_auth_answer_text(&fix, &q->source);
        rdc_buf_printf(&fix,
                       ") does not resolve back to %s: give that name %s record %s too, or "
                       "the check still fails once the cache expires",
                       ip, r->addr.family == 4 ? "an A" : "an AAAA", ip);
        break;
    }
    bool ok =
        !m.failed && !fix.failed && rdc_result_add_problem(r, RDC_STALE_CACHE, fix.s, "%s", m.s);
    if (ok && kind == STALE_FIXED)
        r->problems[r->nproblems - 1].severity = RDC_SEV_INFO;
    rdc_buf_free(&m);
    rdc_buf_free(&fix);
    return ok;
}

/* The problems of one question; kind: what the expiry of a stale answer
 * would do. */
static bool question_problems(rdc_result_t *r, const rdc_auth_question_t *q, stale_kind_t kind,
                              const char *ip, time_t now)
{
    char what[RDC_NAME_TEXT_MAX + 16];
    /* RFC 6303: a zone the resolver serves itself has no servers to judge */
    if (q->zone == NULL || q->local)
        return true;
    /* NS names without addresses: also when none has one (the error) */
    bool ok = ns_problems(r, q) && mismatch_problem(r, q) && contact_problem(r, q);
    if (!ok || q->error)
        return ok;
    char tb[16];
    snprintf(what, sizeof what, "%s %s", q->name, rdc_type_name(q->type, tb));
    ok = lame_problem(r, q);
    if (ok && !q->consistent)
        ok = inconsistent_problem(r, q, what);
    if (ok && q->stale)
        ok = stale_problem(r, q, what, kind, ip, now);
    return ok;
}

/* The reverse name is an alias (RFC 2317: a CNAME into the zone of
 * whoever holds a part of the block) when the servers were asked for
 * another name: the no-ptr message names the name that is missing, the
 * CNAME's target (RFC 1034 section 3.6.2; RFC 6604 section 2.1: the
 * rcode is the target's). */
static bool alias_message(rdc_result_t *r)
{
    const rdc_auth_question_t *q = &r->authority->ptr;
    char ip[RDC_ADDR_TEXT_MAX], rev[RDC_REVNAME_MAX];
    rdc_addr_reverse_name(&r->addr, rev);
    if (q->name == NULL || strcasecmp(q->name, rev) == 0 || r->nnames > 0)
        return true;
    rdc_addr_format(&r->addr, ip);
    for (size_t i = 0; i < r->nproblems; i++) {
        rdc_problem_t *p = &r->problems[i];
        if (p->code != RDC_NO_PTR)
            continue;
        rdc_buf_t b = {0};
        rdc_buf_printf(&b, "%s has no PTR record: %s is an alias (CNAME) of %s, which %s", ip, rev,
                       q->name,
                       r->ptr_status == RDC_DNS_NXDOMAIN ? "does not exist" : "has no PTR record");
        char *m = b.failed ? NULL : rdc_buf_take(&b);
        rdc_buf_free(&b);
        if (m == NULL)
            return false;
        free(p->message);
        p->message = m;
    }
    return true;
}

bool rdc_auth_problems(rdc_result_t *r, time_t now)
{
    const rdc_authority_t *a = r->authority;
    char ip[RDC_ADDR_TEXT_MAX];
    if (a == NULL)
        return true;
    rdc_addr_format(&r->addr, ip);
    if (!alias_message(r))
        return false;
    /* the PTR going away, or the address leaving a name's records, turns
     * a confirming answer into a failing one; new PTR names that do not
     * resolve back leave the check failing */
    const rdc_auth_question_t *p = &a->ptr;
    stale_kind_t kind = STALE_FIXED;
    if (p->has_source && p->source.n == 0 && r->nnames > 0)
        kind = STALE_BREAKS;
    else if (p->has_source && p->source.n > 0 && p->source_checked && !p->source_confirms)
        kind = STALE_INCOMPLETE;
    bool ok = question_problems(r, p, kind, ip, now);
    for (size_t i = 0; ok && i < a->nforward; i++) {
        const rdc_auth_question_t *q = &a->forward[i];
        kind = q->has_source && rdc_auth_answer_has(&q->resolver, ip) &&
                       !rdc_auth_answer_has(&q->source, ip)
                   ? STALE_BREAKS
                   : STALE_FIXED;
        ok = question_problems(r, q, kind, ip, now);
    }
    return ok;
}
