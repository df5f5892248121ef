/* verdict.c - pure rules from lookup results to a verdict and a list of
 * problems with plain-English reasons and fixes. The rules follow how mail
 * receivers decide (see README "Verdicts"): Postfix verifies only the first
 * PTR name the resolver returns and adns demands all, so a partial set fails
 * (Exim's and RFC 8601's any-name rule is --iprev); any DNS failure on the
 * path is temporary (Postfix answers 450), unless a definite failure
 * already decides the address. */
#include "verdict.h"
#include "authcheck.h"
#include "mailcheck.h"
#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* Formats a fix text into a static-size buffer owned by the caller. */
static const char *fixf(char *buf, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static const char *fixf(char *buf, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, cap, fmt, ap);
    va_end(ap);
    return buf;
}

/* For a PTR that lost its trailing dot in a zone file ("mail.example.test"
 * + origin "2.0.192.in-addr.arpa"), guess the intended name: strip the
 * longest label suffix that it shares with the address's reverse name. */
static size_t intended_len(const char *name, const char *rev)
{
    size_t nl = strlen(name), rl = strlen(rev);
    size_t best = nl;
    size_t i = nl, j = rl;
    while (i > 0 && j > 0) {
        /* compare one label from the end */
        size_t ie = i, je = j;
        while (i > 0 && name[i - 1] != '.')
            i--;
        while (j > 0 && rev[j - 1] != '.')
            j--;
        if (ie - i != je - j || strncasecmp(name + i, rev + j, ie - i) != 0)
            break;
        if (i == 0)
            break;
        best = i - 1; /* without the dot before the label */
        i--;
        if (j == 0)
            break;
        j--;
    }
    return best;
}

static const char *family_rr(const rdc_addr_t *a)
{
    return a->family == 4 ? "A" : "AAAA";
}

/* Adds the problem explaining why one PTR name does not confirm. */
static bool name_problem(rdc_result_t *r, const rdc_name_result_t *n, const char *ip,
                         const char *rev)
{
    char fix[2048];
    const char *rr = family_rr(&r->addr);
    switch (n->kind) {
    case RDC_NAME_INVALID:
        return rdc_result_add_problem(
            r, RDC_PTR_INVALID_NAME,
            fixf(fix, sizeof fix,
                 "have the PTR record changed to a real host name (letters, digits, hyphens, "
                 "at least one dot) whose %s record is %s",
                 rr, ip),
            "PTR name %s is not a valid host name; receivers do not look it up", n->name);
    case RDC_NAME_RELATIVE: {
        size_t keep = intended_len(n->name, rev);
        return rdc_result_add_problem(
            r, RDC_PTR_RELATIVE_NAME,
            fixf(fix, sizeof fix,
                 "end the name with a dot in the reverse zone file (\"%.*s.\"), so it is not "
                 "taken relative to the zone",
                 (int)keep, n->name),
            "PTR name %s ends in the reverse zone: the zone file most likely lacks the "
            "trailing dot after \"%.*s\"",
            n->name, (int)keep, n->name);
    }
    case RDC_NAME_SKIPPED:
    case RDC_NAME_LITERAL: /* HELO only, never a PTR name */
        return true;
    case RDC_NAME_CHECKED:
        break;
    }
    if (rdc_dns_status_is_temporary(n->status))
        return rdc_result_add_problem(r, rdc_dns_status_code(n->status),
                                      "try again later; if it persists, check the resolver "
                                      "(-s) and the name servers of the PTR name's zone",
                                      "the %s lookup of PTR name %s %s", rr, n->name,
                                      rdc_dns_status_text(n->status));
    if (n->status != RDC_DNS_OK || n->naddrs == 0)
        return rdc_result_add_problem(
            r, RDC_PTR_NO_ADDRESS,
            fixf(fix, sizeof fix,
                 "add an %s record %s -> %s, or have the PTR changed to a "
                 "name that has one",
                 rr, n->name, ip),
            "PTR name %s has no %s record (the name %s)", n->name, rr,
            n->status == RDC_DNS_NXDOMAIN ? "does not exist" : "exists without one");
    rdc_buf_t addrs = {0};
    for (size_t i = 0; i < n->naddrs && i < 8; i++) {
        char t[RDC_ADDR_TEXT_MAX];
        rdc_buf_printf(&addrs, "%s%s", i ? ", " : "", rdc_addr_format(&n->addrs[i], t));
    }
    if (n->naddrs > 8)
        rdc_buf_printf(&addrs, " and %zu more", n->naddrs - 8);
    bool ok = rdc_result_add_problem(
        r, RDC_PTR_MISMATCH,
        fixf(fix, sizeof fix,
             "add %s to the %s records of %s, or have the PTR changed to the name that has it", ip,
             rr, n->name),
        "PTR name %s resolves to %s, not %s", n->name, addrs.s ? addrs.s : "?", ip);
    rdc_buf_free(&addrs);
    return ok;
}

/* The rule for a name the server gives itself (HELO/EHLO, or the host in
 * its 220 greeting): pass when it is a confirming PTR name (Exim verify =
 * helo: equal to the reverse name), warn when it only resolves to the
 * address, fail when it does not or is no acceptable name (RFC 5321
 * §2.3.5). what is "HELO name" or "greeting host". */
typedef struct name_rule {
    const char *what, *fix_invalid;
    rdc_code_t not_ptr, mismatch, invalid;
} name_rule_t;

static bool name_check(rdc_result_t *r, const char *ip, const rdc_name_result_t *h, const char *why,
                       const name_rule_t *k, rdc_verdict_t *verdict)
{
    char fix[2048];
    const char *rr = family_rr(&r->addr);
    size_t before = r->nproblems;
    bool ok = true;
    *verdict = RDC_PASS;
    if (h->kind == RDC_NAME_INVALID) {
        ok = rdc_result_add_problem(r, k->invalid, k->fix_invalid, "%s %s is not acceptable: %s",
                                    k->what, h->name, why ? why : "invalid");
        goto done;
    }
    if (h->kind == RDC_NAME_LITERAL) {
        char lit[RDC_ADDR_TEXT_MAX];
        if (h->naddrs > 0 && rdc_addr_equal(&h->addrs[0], &r->addr))
            goto done;
        ok = rdc_result_add_problem(r, k->mismatch,
                                    "announce the server's own address, or better its PTR name",
                                    "%s address literal %s is not the address %s", k->what,
                                    h->naddrs ? rdc_addr_format(&h->addrs[0], lit) : "?", ip);
        goto done;
    }
    for (size_t i = 0; i < r->nnames; i++)
        if (r->names[i].confirmed && strcasecmp(r->names[i].name, h->name) == 0)
            goto done;
    if (rdc_dns_status_is_temporary(h->status)) {
        ok = rdc_result_add_problem(r, rdc_dns_status_code(h->status),
                                    "try again later; if it persists, check the resolver (-s)",
                                    "the %s lookup of %s %s %s", rr, k->what, h->name,
                                    rdc_dns_status_text(h->status));
        goto done;
    }
    const char *ptrname = NULL;
    for (size_t i = 0; i < r->nnames && !ptrname; i++)
        if (r->names[i].confirmed)
            ptrname = r->names[i].name;
    if (h->confirmed)
        ok = rdc_result_add_problem(
            r, k->not_ptr,
            ptrname ? fixf(fix, sizeof fix, "use the PTR name %s as the %s", ptrname, k->what)
                    : "set the PTR of the address to that name",
            "%s %s resolves to %s but is not its PTR name", k->what, h->name, ip);
    else
        ok = rdc_result_add_problem(
            r, k->mismatch,
            ptrname ? fixf(fix, sizeof fix, "use the PTR name %s as the %s", ptrname, k->what)
                    : fixf(fix, sizeof fix, "give %s an %s record %s, and a matching PTR", h->name,
                           rr, ip),
            "%s %s does not resolve to %s (%s)", k->what, h->name, ip,
            h->status == RDC_DNS_OK ? "its addresses are others" : rdc_dns_status_text(h->status));
done:
    if (ok && r->nproblems > before) {
        rdc_severity_t sv = r->problems[before].severity;
        *verdict = sv == RDC_SEV_WARN ? RDC_WARN : sv == RDC_SEV_TEMPFAIL ? RDC_TEMPFAIL : RDC_FAIL;
    }
    return ok;
}

static bool helo_problems(rdc_result_t *r, const char *ip)
{
    static const name_rule_t k = {
        "HELO name",
        "set the server's HELO name (Postfix: smtp_helo_name / myhostname) to its PTR name",
        RDC_HELO_NOT_PTR, RDC_HELO_MISMATCH, RDC_HELO_INVALID};
    return name_check(r, ip, r->helo, r->helo_why, &k, &r->helo_verdict);
}

/* --smtp: the probe's outcome, then the greeting host by the HELO rule. */
static bool smtp_problems(rdc_result_t *r, const char *ip)
{
    rdc_smtp_result_t *s = r->smtp;
    static const rdc_code_t codes_by_outcome[] = {
        [RDC_PROBE_UNREACHABLE] = RDC_SMTP_UNREACHABLE,
        [RDC_PROBE_TIMEOUT] = RDC_SMTP_TIMEOUT,
        [RDC_PROBE_REFUSED] = RDC_SMTP_REFUSED,
        [RDC_PROBE_BAD] = RDC_SMTP_BAD_GREETING,
    };
    if (s->outcome != RDC_PROBE_OK) {
        s->banner_verdict = RDC_TEMPFAIL;
        return rdc_result_add_problem(
            r, codes_by_outcome[s->outcome],
            s->outcome == RDC_PROBE_REFUSED
                ? "see the greeting: the server refuses sessions from here (a 4xx may pass later)"
                : "check that the server listens on that port and that no firewall drops it",
            "SMTP on %s port %u: %s", ip, s->port, s->detail ? s->detail : "failed");
    }
    static const name_rule_t k = {
        "greeting host",
        "make the server greet with its PTR name first (Postfix: smtpd_banner = $myhostname "
        "ESMTP, with myhostname the PTR name)",
        RDC_BANNER_NOT_PTR, RDC_BANNER_MISMATCH, RDC_BANNER_MISMATCH};
    return name_check(r, ip, &s->banner, s->banner_why, &k, &s->banner_verdict);
}

static bool dnsbl_problem(rdc_result_t *r, const rdc_dnsbl_result_t *d, const char *ip)
{
    const char *why = NULL;
    char codelist[160] = "";
    size_t used = 0;
    for (size_t i = 0; i < d->ncodes && used + RDC_ADDR_TEXT_MAX + 2 < sizeof codelist; i++) {
        char t[RDC_ADDR_TEXT_MAX];
        used += (size_t)snprintf(codelist + used, sizeof codelist - used, "%s%s", i ? ", " : "",
                                 rdc_addr_format(&d->codes[i], t));
    }
    switch (d->state) {
    case RDC_BL_CLEAN:
        return true;
    case RDC_BL_LISTED:
        return rdc_result_add_problem(
            r, RDC_DNSBL_LISTED,
            "find the cause (an open relay, a compromised account, a spam source), fix it, "
            "then request removal at the list's own site",
            "%s is listed in %s (%s)%s%s", ip, d->zone, codelist, d->reason ? ": " : "",
            d->reason ? d->reason : "");
    case RDC_BL_BAD:
        rdc_dnsbl_classify(d->status, d->codes, d->ncodes, &why);
        return rdc_result_add_problem(
            r, RDC_DNSBL_ERROR, "query the list through your own resolver, not a public one",
            "%s gave no usable answer for %s: %s", d->zone, ip, why ? why : "not a listing");
    case RDC_BL_TEMP:
        return rdc_result_add_problem(
            r, RDC_DNSBL_ERROR, "try again later; if it persists, check the resolver (-s)",
            "the %s lookup for %s %s", d->zone, ip, rdc_dns_status_text(d->status));
    }
    return true;
}

/* Ranks of outcomes, worst last: the order in which one decides over another. */
enum { RANK_PASS, RANK_WARN, RANK_TEMPFAIL, RANK_FAIL, RANK_ERROR };

static int sev_rank(rdc_severity_t sv, bool strict)
{
    switch (sv) {
    case RDC_SEV_WARN:
        return strict ? RANK_FAIL : RANK_WARN; /* --strict: warnings are failures */
    case RDC_SEV_TEMPFAIL:
        return RANK_TEMPFAIL;
    case RDC_SEV_FAIL:
        return RANK_FAIL;
    case RDC_SEV_ERROR:
        return RANK_ERROR;
    case RDC_SEV_INFO:
        break;
    }
    return RANK_PASS;
}

static const rdc_verdict_t verdict_of_rank[] = {RDC_PASS, RDC_WARN, RDC_TEMPFAIL, RDC_FAIL,
                                                RDC_ERROR};

/* What the PTR names say, as the decision table counts them: C names
 * confirm, D names definitely do not, T names are undecided (their forward
 * lookup failed on every server). The FCrDNS outcome ranges from `best`
 * (every T would confirm) to `worst` (none would). Problems at index >=
 * first_t and < end_t are the T names' own. */
typedef struct fcr {
    size_t c, d, t;
    int best, worst;
    size_t first_d, end_d, first_t, end_t;
} fcr_t;

/* The FCrDNS rank with c confirming and d definitely failing names. By
 * default every name must confirm: Postfix (smtpd_peer.c) takes the one
 * name getnameinfo() gives, the first PTR of the answer, and resolvers
 * rotate RRsets, so a set with a non-confirming name is rejected on some
 * connections (550 with reject_unknown_client_hostname). iprev: RFC 8601
 * section 3 and Exim's host_name_lookup(), any confirming name passes. */
static int fcr_rank(size_t c, size_t d, bool iprev)
{
    if (c == 0)
        return RANK_FAIL;
    return d == 0 || iprev ? RANK_PASS : RANK_FAIL;
}

/* A name whose forward lookup failed temporarily on every server: a T name,
 * undecided. */
static bool name_open(const rdc_name_result_t *n)
{
    return n->kind == RDC_NAME_CHECKED && rdc_dns_status_is_temporary(n->status);
}

/* Counts the names the check considered into f->c, f->d and f->t, and the
 * two ends of the FCrDNS outcome. */
static void fcr_count(const rdc_result_t *r, bool iprev, fcr_t *f)
{
    for (size_t i = 0; i < r->nnames; i++) {
        const rdc_name_result_t *n = &r->names[i];
        if (n->kind == RDC_NAME_SKIPPED)
            continue;
        if (n->confirmed)
            f->c++;
        else if (name_open(n))
            f->t++;
        else
            f->d++;
    }
    f->best = fcr_rank(f->c + f->t, f->d, iprev);
    f->worst = fcr_rank(f->c, f->d + f->t, iprev);
    /* Exim defers as soon as one name's forward lookup fails temporarily,
     * whatever the other names say (host_name_lookup: HOST_FIND_AGAIN) */
    if (iprev && f->t > 0)
        f->worst = RANK_FAIL;
}

/* ptr-partial: some names confirm, the D names (listed) definitely do not. */
static bool ptr_partial(rdc_result_t *r, const fcr_t *f)
{
    rdc_buf_t bad = {0};
    size_t nbad = 0;
    for (size_t i = 0; i < r->nnames; i++) {
        const rdc_name_result_t *n = &r->names[i];
        if (n->confirmed || n->kind == RDC_NAME_SKIPPED || name_open(n))
            continue;
        rdc_buf_printf(&bad, "%s%s", nbad++ ? ", " : "", n->name);
    }
    bool ok = rdc_result_add_problem(
        r, RDC_PTR_PARTIAL,
        "remove the PTR records that do not confirm (or fix their forward records): "
        "Postfix-style receivers check only the first name the resolver returns, and "
        "resolvers rotate them, so they reject this address whenever a non-confirming "
        "name comes first",
        "only %zu of %zu PTR names confirm; not confirming: %s", f->c, f->c + f->d + f->t,
        bad.s ? bad.s : "?");
    rdc_buf_free(&bad);
    return ok;
}

/* The definite failures (f->first_d to f->end_d): each D name's own problem
 * when no name confirms, else one ptr-partial naming them. --iprev: a name
 * that does not confirm beside one that does (or may, while a T name is
 * open) decides nothing; it stays as a note. By default one such name fails
 * the set, and it keeps its failure. */
static bool definite_problems(rdc_result_t *r, const char *ip, const char *rev, bool iprev,
                              fcr_t *f)
{
    bool ok = true;
    f->first_d = r->nproblems;
    if (f->c == 0) {
        for (size_t i = 0; ok && i < r->nnames; i++) {
            const rdc_name_result_t *n = &r->names[i];
            if (n->kind == RDC_NAME_SKIPPED || name_open(n))
                continue;
            ok = name_problem(r, n, ip, rev);
        }
    } else if (f->d > 0) {
        ok = ptr_partial(r, f);
    }
    f->end_d = r->nproblems;
    if (iprev && (f->c > 0 || f->t > 0))
        for (size_t i = f->first_d; i < f->end_d; i++)
            r->problems[i].severity = RDC_SEV_INFO;
    return ok;
}

/* The warnings on the set as a whole: a confirming name reached through a
 * CNAME, and names beyond those checked. */
static bool ptr_set_notes(rdc_result_t *r, const fcr_t *f)
{
    bool ok = true, cname = false;
    for (size_t i = 0; i < r->nnames; i++)
        if (r->names[i].kind != RDC_NAME_SKIPPED && r->names[i].confirmed && r->names[i].via_cname)
            cname = true;
    size_t nconsidered = f->c + f->d + f->t;
    if (cname)
        ok = rdc_result_add_problem(
            r, RDC_PTR_CNAME,
            "point the PTR at the canonical name (the CNAME's target), not at an alias "
            "(RFC 1912 section 2.1)",
            "the confirming PTR name is an alias (CNAME); some receivers do not follow it");
    if (ok && nconsidered < r->nnames)
        ok = rdc_result_add_problem(
            r, RDC_PTR_TOO_MANY,
            "keep one PTR record per address, the name the server uses in HELO",
            "%zu PTR names; only the first %zu were checked", r->nnames, nconsidered);
    return ok;
}

/* The PTR names' problems, by the decision table (README "Decision table"):
 * any confirming name with others that definitely fail is ptr-partial (a
 * failure: receivers that take one name reject whenever the resolver gives
 * a non-confirming one first; an info note with --iprev); no confirming
 * name is a failure, each name saying why; an undecided name leaves the
 * outcome open between the two ends, and only the final verdict (settle)
 * can say whether that matters. */
static bool fcrdns_problems(rdc_result_t *r, const char *ip, const char *rev, bool iprev, fcr_t *f)
{
    fcr_count(r, iprev, f);
    bool ok = definite_problems(r, ip, rev, iprev, f);
    /* the T names' own problems (f->first_t to f->end_t) */
    f->first_t = r->nproblems;
    for (size_t i = 0; ok && i < r->nnames; i++) {
        const rdc_name_result_t *n = &r->names[i];
        if (!n->confirmed && name_open(n))
            ok = name_problem(r, n, ip, rev);
    }
    f->end_t = r->nproblems;
    if (ok)
        ok = ptr_set_notes(r, f);
    return ok;
}

/* The verdict: what it would be if every undecided forward lookup had
 * confirmed, provided it would be the same if none had; otherwise
 * tempfail (RFC 8601 §3 iprev temperror; Exim defers). The T names'
 * problems then carry the verdict's severity when it is a warning, so the
 * verdict is always the worst problem severity (rdc_verdict_from_problems
 * agrees). */
static void settle(rdc_result_t *r, const fcr_t *f, bool strict)
{
    int other = RANK_PASS;
    for (size_t i = 0; i < r->nproblems; i++) {
        if (i >= f->first_t && i < f->end_t)
            continue; /* the T names' problems are the open question */
        if (i >= f->first_d && i < f->end_d)
            continue; /* counted through best/worst */
        int k = sev_rank(r->problems[i].severity, strict);
        other = k > other ? k : other;
    }
    int best = f->best > other ? f->best : other;
    int worst = f->worst > other ? f->worst : other;
    int v = best == worst ? best : RANK_TEMPFAIL;
    if (v == RANK_WARN)
        for (size_t i = f->first_t; i < f->end_t; i++)
            r->problems[i].severity = RDC_SEV_WARN;
    r->verdict = verdict_of_rank[v];
}

bool rdc_verdict_compute(rdc_result_t *r, rdc_rules_t rules)
{
    bool strict = (rules & RDC_RULES_STRICT) != 0, iprev = (rules & RDC_RULES_IPREV) != 0;
    char ip[RDC_ADDR_TEXT_MAX], rev[RDC_REVNAME_MAX], fix[4096];
    fcr_t fcr = {0};
    rdc_addr_format(&r->addr, ip);
    rdc_addr_reverse_name(&r->addr, rev);
    const char *rr = family_rr(&r->addr);
    const char *special = rdc_addr_special(&r->addr);
    bool ok = true;

    if (rdc_dns_status_is_temporary(r->ptr_status)) {
        ok = rdc_result_add_problem(r, rdc_dns_status_code(r->ptr_status),
                                    "try again later; if it persists, check the resolver (-s) "
                                    "and the name servers of the reverse zone",
                                    "the PTR lookup of %s %s", rev,
                                    rdc_dns_status_text(r->ptr_status));
    } else if (r->nnames == 0) {
        /* with --authority, who runs the zone (or RFC 6303's local zone);
         * else, for an address no receiver sees, that it needs no fix */
        if (!rdc_auth_no_ptr_fix(r, fix, sizeof fix)) {
            if (special != NULL)
                fixf(fix, sizeof fix,
                     "nothing to fix here: receivers never see %s (%s); check the public "
                     "address your mail leaves from instead",
                     ip, special);
            else
                fixf(fix, sizeof fix,
                     "ask whoever owns the IP - your hosting provider, not your registrar - to "
                     "set PTR for %s to a name whose %s record is %s",
                     ip, rr, ip);
        }
        ok = rdc_result_add_problem(r, RDC_NO_PTR, fix, "%s has no PTR record (%s %s)", ip, rev,
                                    r->ptr_status == RDC_DNS_NXDOMAIN ? "does not exist"
                                                                      : "has no PTR");
    } else {
        ok = fcrdns_problems(r, ip, rev, iprev, &fcr);
    }

    /* generic-looking names: the first one found speaks for all */
    for (size_t i = 0; ok && i < r->nnames; i++) {
        const rdc_name_result_t *n = &r->names[i];
        if (n->kind == RDC_NAME_CHECKED && n->generic) {
            ok = rdc_result_add_problem(
                r, RDC_GENERIC_PTR,
                "ask the provider for a PTR that names your mail server (like mail.example.com) "
                "with a matching A/AAAA record; Yahoo and others reject generic rDNS",
                "PTR name %s looks provider-generated: %s", n->name, n->generic);
            break;
        }
    }
    if (ok && r->helo)
        ok = helo_problems(r, ip);
    if (ok && r->smtp)
        ok = smtp_problems(r, ip);
    for (size_t i = 0; ok && i < r->ndnsbl; i++)
        ok = dnsbl_problem(r, &r->dnsbl[i], ip);
    if (ok)
        ok = rdc_auth_problems(r, time(NULL));
    if (ok && special != NULL)
        ok = rdc_result_add_problem(
            r, RDC_NOT_PUBLIC,
            "check the address your mail leaves from as receivers see it (behind NAT, the "
            "router's public address)",
            "%s is %s: it is not reachable from the internet, so no receiver ever sees it as "
            "a client",
            ip, special);

    settle(r, &fcr, strict);
    return ok;
}

void rdc_verdict_from_problems(rdc_result_t *r, bool strict)
{
    int worst = RANK_PASS;
    for (size_t i = 0; i < r->nproblems; i++) {
        int k = sev_rank(r->problems[i].severity, strict); /* info notes count for nothing */
        worst = k > worst ? k : worst;
    }
    r->verdict = verdict_of_rank[worst];
}

void rdc_domain_add_address(rdc_result_t *dom, const rdc_result_t *addr)
{
    dom->domain.verdicts[addr->verdict]++;
    if (addr->verdict > dom->verdict) /* the enum is in precedence order */
        dom->verdict = addr->verdict;
}

void rdc_counts_add(rdc_counts_t *c, const rdc_result_t *r)
{
    if (r->kind == RDC_RESULT_DOMAIN)
        c->domains[r->verdict]++;
    else
        c->n[r->verdict]++;
    for (size_t i = 0; i < r->nproblems; i++)
        if (r->problems[i].code < RDC_CODE_COUNT)
            c->codes[r->problems[i].code]++;
}

rdc_exit_t rdc_exit_for_counts(const rdc_counts_t *c)
{
    if (c->n[RDC_ERROR] || c->domains[RDC_ERROR])
        return RDC_EXIT_USAGE;
    if (c->n[RDC_FAIL] || c->domains[RDC_FAIL])
        return RDC_EXIT_FAIL;
    if (c->n[RDC_TEMPFAIL] || c->domains[RDC_TEMPFAIL])
        return RDC_EXIT_TEMPFAIL;
    return RDC_EXIT_OK;
}
