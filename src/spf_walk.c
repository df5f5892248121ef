/* spf_walk.c - the SPF evaluation walk: check_host() of the top domain in
 * record order (RFC 7208 §4.6, §5, §6), through include: and redirect=,
 * counting DNS-querying terms and void lookups (§4.6.4), asking for the
 * answers it needs (spf_need) and, in the final walk, recording the ranges
 * authorised, the problems and the tree. spf.c says when to walk. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spf_int.h"
#include "util.h"

/* The state of one walk. */
typedef struct walk {
    rdc_spf_t *s;
    bool final; /* record ranges, problems and the tree */
    bool stop; /* the evaluation ends here */
    unsigned lookups, voids;
    rdc_buf_t tree;
    rdc_buf_t via; /* "spf include:a.example redirect=b.example" */
    rdc_buf_t where; /* scratch for where() */
} walk_t;

/* ---------------------------------------------------------------- text */

static bool is_temporary(rdc_dns_status_t st)
{
    return st != RDC_DNS_OK && st != RDC_DNS_NODATA && st != RDC_DNS_NXDOMAIN;
}

static const char *status_text(rdc_dns_status_t st)
{
    switch (st) {
    case RDC_DNS_OK:
        return "answered";
    case RDC_DNS_NODATA:
        return "found no record (NODATA)";
    case RDC_DNS_NXDOMAIN:
        return "found no such domain (NXDOMAIN)";
    case RDC_DNS_S_TIMEOUT:
        return "timed out";
    case RDC_DNS_S_SERVFAIL:
        return "failed with SERVFAIL";
    case RDC_DNS_S_REFUSED:
        return "was refused";
    case RDC_DNS_S_UNREACHABLE:
        return "reached no DNS server";
    case RDC_DNS_S_ERROR:
        return "got an unusable answer";
    }
    return "failed";
}

static const char *type_name(uint16_t t)
{
    switch (t) {
    case RDC_SPF_TYPE_A:
        return "A";
    case RDC_SPF_TYPE_AAAA:
        return "AAAA";
    case RDC_SPF_TYPE_MX:
        return "MX";
    default:
        return "TXT";
    }
}

/* "16 addresses", "1 address", "2^64 addresses". */
static void size_text(const rdc_cidr_t *c, char *buf, size_t cap)
{
    unsigned host = (c->base.family == 4 ? 32u : 128u) - c->prefix;
    if (host >= 64)
        snprintf(buf, cap, "2^%u addresses", host);
    else if (host == 0)
        snprintf(buf, cap, "1 address");
    else
        snprintf(buf, cap, "%llu addresses", (unsigned long long)((uint64_t)1 << host));
}

/* "192.0.2.1" for a full-length block, "192.0.2.0/24" otherwise. */
static void cidr_text(const rdc_cidr_t *c, char *buf, size_t cap)
{
    char a[RDC_ADDR_TEXT_MAX];
    rdc_addr_format(&c->base, a);
    if (c->prefix == (c->base.family == 4 ? 32u : 128u))
        snprintf(buf, cap, "%s", a);
    else
        snprintf(buf, cap, "%s/%u", a, c->prefix);
}

/* ---------------------------------------------------------------- the walk */

static void tree_line(walk_t *w, unsigned depth, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void tree_line(walk_t *w, unsigned depth, const char *fmt, ...)
{
    if (!w->final)
        return;
    for (unsigned i = 0; i < depth; i++)
        rdc_buf_append(&w->tree, "  ", 2);
    va_list ap;
    va_start(ap, fmt);
    rdc_buf_vprintf(&w->tree, fmt, ap);
    va_end(ap);
    rdc_buf_append(&w->tree, "\n", 1);
}

static void add_problem(walk_t *w, rdc_code_t code, bool fatal, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));

static void add_problem(walk_t *w, rdc_code_t code, bool fatal, const char *fmt, va_list ap)
{
    rdc_spf_t *s = w->s;
    if (s->nprob == s->capp) {
        size_t cap = s->capp ? s->capp * 2 : 8;
        rdc_spf_problem_t *p = realloc(s->problems, cap * sizeof *p);
        if (p == NULL) {
            s->oom = true;
            return;
        }
        s->problems = p;
        s->capp = cap;
    }
    rdc_buf_t b = {0};
    rdc_buf_vprintf(&b, fmt, ap);
    char *msg = rdc_buf_take(&b);
    if (msg == NULL) {
        s->oom = true;
        return;
    }
    rdc_spf_problem_t *p = &s->problems[s->nprob++];
    memset(p, 0, sizeof *p);
    p->code = code;
    p->message = msg;
    p->fatal = fatal;
}

/* A finding that does not stop the evaluation (final walk only). */
static void note(walk_t *w, rdc_code_t code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void note(walk_t *w, rdc_code_t code, const char *fmt, ...)
{
    if (!w->final)
        return;
    va_list ap;
    va_start(ap, fmt);
    add_problem(w, code, false, fmt, ap);
    va_end(ap);
}

/* The evaluation ends here with the result code implies. */
static void stop(walk_t *w, rdc_code_t code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void stop(walk_t *w, rdc_code_t code, const char *fmt, ...)
{
    if (w->stop)
        return;
    w->stop = true;
    if (!w->final)
        return;
    if (code == RDC_SPF_NONE)
        w->s->result = RDC_SPF_RES_NONE;
    else if (code == RDC_SPF_TEMPERROR)
        w->s->result = RDC_SPF_RES_TEMPERROR;
    else
        w->s->result = RDC_SPF_RES_PERMERROR;
    va_list ap;
    va_start(ap, fmt);
    add_problem(w, code, true, fmt, ap);
    va_end(ap);
}

/* Where the walk is, for messages: "example.com include:_spf.example.net"
 * (final walk only; the via chain without its "spf"). */
static const char *where(walk_t *w)
{
    rdc_buf_free(&w->where);
    rdc_buf_puts(&w->where, w->s->domain);
    if (w->via.s != NULL && w->via.len > 3)
        rdc_buf_puts(&w->where, w->via.s + 3);
    return w->where.s ? w->where.s : w->s->domain;
}

static void add_range(walk_t *w, const rdc_cidr_t *c, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void add_range(walk_t *w, const rdc_cidr_t *c, const char *fmt, ...)
{
    rdc_spf_t *s = w->s;
    if (!w->final)
        return;
    for (size_t i = 0; i < s->nranges; i++) {
        const rdc_cidr_t *o = &s->ranges[i].cidr;
        if (o->prefix == c->prefix && rdc_addr_equal(&o->base, &c->base))
            return; /* the first via stays */
    }
    if (s->nranges >= RDC_SPF_MAX_RANGES) {
        s->dropped++;
        return;
    }
    if (s->nranges == s->capr) {
        size_t cap = s->capr ? s->capr * 2 : 16;
        rdc_spf_range_t *r = realloc(s->ranges, cap * sizeof *r);
        if (r == NULL) {
            s->oom = true;
            return;
        }
        s->ranges = r;
        s->capr = cap;
    }
    rdc_buf_t b = {0};
    rdc_buf_puts(&b, w->via.s ? w->via.s : "spf");
    va_list ap;
    va_start(ap, fmt);
    rdc_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    char *via = rdc_buf_take(&b);
    if (via == NULL) {
        s->oom = true;
        return;
    }
    s->ranges[s->nranges].cidr = *c;
    s->ranges[s->nranges].via = via;
    s->nranges++;
}

/* " (not authorised: ...)" for a term that authorises nothing. */
static const char *unauth_text(const spf_term_t *t, char pathq, char *buf, size_t cap)
{
    if (t->qual != '+')
        snprintf(buf, cap, ", not authorised (qualifier '%c')", t->qual);
    else if (pathq != '+')
        snprintf(buf, cap, ", not authorised (inside a '%c' include)", pathq);
    else
        buf[0] = '\0';
    return buf;
}

/* Counts a DNS-querying term (§4.6.4). False when it is one too many. */
static bool count_lookup(walk_t *w, const spf_term_t *t, unsigned depth)
{
    w->lookups++;
    if (w->lookups <= RDC_SPF_MAX_LOOKUPS)
        return true;
    tree_line(w, depth, "%s -> not evaluated: DNS lookup limit exceeded", t->text);
    stop(w, RDC_SPF_TOO_MANY_LOOKUPS,
         "too many DNS lookups: '%s' at %s is DNS-querying term number %u; RFC 7208 section 4.6.4 "
         "allows %d (include, a, mx, ptr, exists, redirect) in one evaluation",
         t->text, where(w), w->lookups, RDC_SPF_MAX_LOOKUPS);
    return false;
}

/* Counts a void lookup (§4.6.4). False when it is one too many. */
static bool count_void(walk_t *w, const char *what)
{
    w->voids++;
    if (w->voids <= RDC_SPF_MAX_VOID)
        return true;
    stop(w, RDC_SPF_VOID_LOOKUPS,
         "too many void lookups: %s at %s found nothing, void lookup number %u; RFC 7208 "
         "section 4.6.4 allows %d",
         what, where(w), w->voids, RDC_SPF_MAX_VOID);
    return false;
}

static void unsupported(walk_t *w, const spf_term_t *t, unsigned depth, const char *why)
{
    tree_line(w, depth, "%s -> not evaluated (%s)", t->text, why);
    note(w, RDC_SPF_UNSUPPORTED_MECHANISM,
         "'%s' at %s is not evaluated (%s): any addresses it authorises are not listed", t->text,
         where(w), why);
}

static void temp_failure(walk_t *w, const spf_q_t *q, const char *label, unsigned depth)
{
    tree_line(w, depth, "%s -> %s lookup of %s %s", label, type_name(q->type), q->name,
              status_text(q->status));
    stop(w, RDC_SPF_TEMPERROR, "the %s lookup of %s %s (at %s): the SPF result is temperror",
         type_name(q->type), q->name, status_text(q->status), where(w));
}

/* The A and AAAA lookups of name for term t (an a term, or one exchange of an
 * mx term when mxhost is set), with t's CIDR lengths. */
static void walk_addrs(walk_t *w, const char *name, const spf_term_t *t, unsigned depth, char pathq,
                       const char *mxhost)
{
    spf_q_t *q4 = spf_need(w->s, name, RDC_SPF_TYPE_A);
    spf_q_t *q6 = q4 ? spf_need(w->s, name, RDC_SPF_TYPE_AAAA) : NULL;
    const char *label = mxhost ? mxhost : t->text;
    if (q4 == NULL || q6 == NULL) {
        stop(w, RDC_SPF_TOO_MUCH_WORK, "too many DNS questions (over %d): not evaluated further",
             RDC_SPF_MAX_QUERIES);
        return;
    }
    /* a temporary failure ends the evaluation even before the other answer */
    if (q4->state == Q_DONE && is_temporary(q4->status)) {
        temp_failure(w, q4, label, depth);
        return;
    }
    if (q6->state == Q_DONE && is_temporary(q6->status)) {
        temp_failure(w, q6, label, depth);
        return;
    }
    if (q4->state != Q_DONE || q6->state != Q_DONE)
        return; /* not known yet: the walk goes on */
    if (q4->naddrs == 0 && q6->naddrs == 0) {
        tree_line(w, depth, "%s -> no address (void lookup)", label);
        char what[300];
        snprintf(what, sizeof what, "the A/AAAA lookup of %s", name);
        count_void(w, what);
        return;
    }
    bool ok = pathq == '+' && t->qual == '+';
    rdc_buf_t line = {0};
    size_t shown = 0, total = q4->naddrs + q6->naddrs;
    for (int fam = 0; fam < 2; fam++) {
        const spf_q_t *q = fam == 0 ? q4 : q6;
        for (size_t i = 0; i < q->naddrs; i++) {
            rdc_cidr_t c;
            c.base = q->addrs[i];
            c.prefix = fam == 0 ? t->c4 : t->c6;
            spf_clear_host_bits(&c.base, c.prefix);
            char at[RDC_ADDR_TEXT_MAX], ct[RDC_ADDR_TEXT_MAX + 8];
            rdc_addr_format(&q->addrs[i], at);
            if (ok) {
                if (mxhost)
                    add_range(w, &c, " %s %s %s", t->text, mxhost, at);
                else
                    add_range(w, &c, " %s %s", t->text, at);
            }
            if (w->final && shown < TREE_ADDRS) {
                cidr_text(&c, ct, sizeof ct);
                rdc_buf_printf(&line, "%s%s", shown ? ", " : "", ct);
                shown++;
            }
        }
    }
    if (w->final) {
        char why[64];
        if (total > shown)
            rdc_buf_printf(&line, ", ... (%zu in all)", total);
        tree_line(w, depth, "%s -> %s%s", label, line.s ? line.s : "",
                  unauth_text(t, pathq, why, sizeof why));
    }
    rdc_buf_free(&line);
}

static void walk_mx(walk_t *w, const char *dom, const spf_term_t *t, unsigned depth, char pathq)
{
    spf_q_t *q = spf_need(w->s, dom, RDC_SPF_TYPE_MX);
    if (q == NULL) {
        stop(w, RDC_SPF_TOO_MUCH_WORK, "too many DNS questions (over %d): not evaluated further",
             RDC_SPF_MAX_QUERIES);
        return;
    }
    if (q->state != Q_DONE)
        return;
    if (is_temporary(q->status)) {
        temp_failure(w, q, t->text, depth);
        return;
    }
    if (q->status != RDC_DNS_OK) {
        tree_line(w, depth, "%s -> no MX record (void lookup)", t->text);
        char what[300];
        snprintf(what, sizeof what, "the MX lookup of %s", dom);
        count_void(w, what);
        return;
    }
    if (q->nmx > RDC_SPF_MAX_MX) {
        tree_line(w, depth, "%s -> %zu exchanges: too many", t->text, q->nmx);
        stop(w, RDC_SPF_TOO_MANY_MX,
             "'%s' at %s: %s has %zu MX host names; RFC 7208 section 4.6.4 allows %d for one mx "
             "mechanism",
             t->text, where(w), dom, q->nmx, RDC_SPF_MAX_MX);
        return;
    }
    if (q->nbad > 0)
        note(w, RDC_SPF_MX_INVALID,
             "'%s' at %s: %zu MX exchange name%s of %s %s no host name%s (first: '%s'): "
             "skipped",
             t->text, where(w), q->nbad, q->nbad == 1 ? "" : "s", dom, q->nbad == 1 ? "is" : "are",
             q->nbad == 1 ? "" : "s", q->bad ? q->bad : "");
    char why[64];
    tree_line(w, depth, "%s -> %zu exchange%s%s", t->text, q->nmx, q->nmx == 1 ? "" : "s",
              unauth_text(t, pathq, why, sizeof why));
    for (size_t i = 0; i < q->nmx && !w->stop; i++)
        walk_addrs(w, q->mx[i], t, depth + 1, pathq, q->mx[i]);
}

static void walk_node(walk_t *w, spf_node_t *n, unsigned depth, char pathq, const spf_term_t *via);

static bool on_path(const spf_node_t *n, const char *dom)
{
    for (; n != NULL; n = n->parent)
        if (strcmp(n->domain, dom) == 0)
            return true;
    return false;
}

/* include: or redirect= (§5.2, §6.1). */
static void walk_sub(walk_t *w, spf_node_t *n, spf_term_t *t, unsigned depth, char pathq)
{
    if (t->macro) {
        unsupported(w, t, depth, "macros are not supported");
        return;
    }
    if (on_path(n, t->domain)) {
        tree_line(w, depth, "%s -> loop: %s is already being evaluated", t->text, t->domain);
        stop(w, RDC_SPF_LOOP,
             "'%s' at %s leads back to %s, which is already being evaluated: a loop", t->text,
             where(w), t->domain);
        return;
    }
    if (t->child == NULL) {
        t->child = spf_new_node(w->s, t->domain, n);
        if (t->child == NULL) {
            stop(w, RDC_SPF_TOO_MUCH_WORK, "too many include/redirect targets (over %d)",
                 MAX_NODES);
            return;
        }
    }
    size_t mark = w->via.len;
    if (w->final) {
        rdc_buf_printf(&w->via, " %s", t->text);
        if (w->via.failed)
            w->s->oom = true;
    }
    char q = pathq;
    if (t->kind == K_INCLUDE && pathq == '+')
        q = t->qual;
    walk_node(w, t->child, depth, q, t);
    if (w->final && w->via.s != NULL) {
        w->via.len = mark;
        w->via.s[mark] = '\0';
    }
}

static void walk_term(walk_t *w, spf_node_t *n, spf_term_t *t, unsigned depth, char pathq)
{
    const char *dom = t->domain[0] ? t->domain : n->domain;
    bool ok = pathq == '+' && t->qual == '+';
    char why[64], size[48];
    switch (t->kind) {
    case K_IP4:
    case K_IP6:
        size_text(&t->cidr, size, sizeof size);
        tree_line(w, depth, "%s -> %s%s", t->text, size, unauth_text(t, pathq, why, sizeof why));
        if (ok)
            add_range(w, &t->cidr, " %s", t->text);
        break;
    case K_ALL:
        if (t->qual != '+')
            break;
        tree_line(w, depth, "%s -> every address%s", t->text,
                  unauth_text(t, pathq, why, sizeof why));
        if (ok) {
            rdc_cidr_t c;
            memset(&c, 0, sizeof c);
            c.base.family = 4;
            add_range(w, &c, " %s", t->text);
            c.base.family = 6;
            add_range(w, &c, " %s", t->text);
            note(w, RDC_SPF_PASS_ALL,
                 "'%s' at %s authorises every address on the Internet to send mail for %s", t->text,
                 where(w), w->s->domain);
        }
        break;
    case K_INCLUDE:
    case K_REDIRECT:
        if (count_lookup(w, t, depth))
            walk_sub(w, n, t, depth, pathq);
        break;
    case K_A:
        if (!count_lookup(w, t, depth))
            break;
        if (t->macro)
            unsupported(w, t, depth, "macros are not supported");
        else
            walk_addrs(w, dom, t, depth, pathq, NULL);
        break;
    case K_MX:
        if (!count_lookup(w, t, depth))
            break;
        if (t->macro)
            unsupported(w, t, depth, "macros are not supported");
        else
            walk_mx(w, dom, t, depth, pathq);
        break;
    case K_PTR:
        if (!count_lookup(w, t, depth))
            break;
        tree_line(w, depth, "%s -> not evaluated (deprecated)", t->text);
        note(
            w, RDC_SPF_PTR_DEPRECATED,
            "'%s' at %s: the ptr mechanism is deprecated (RFC 7208 section 5.5: do not use it); it "
            "is slow and unreliable and is not evaluated here: list the addresses with ip4:/ip6: "
            "instead",
            t->text, where(w));
        break;
    case K_EXISTS:
        if (count_lookup(w, t, depth))
            unsupported(w, t, depth, "exists: depends on the sender and is not supported");
        break;
    case K_EXP:
    case K_UNKNOWN:
        break;
    }
}

/* check_host() of node n: its record, then its terms in order (§4.6). label
 * is the term that led here (NULL for the top domain). */
static void walk_node(walk_t *w, spf_node_t *n, unsigned depth, char pathq, const spf_term_t *via)
{
    rdc_spf_t *s = w->s;
    const char *label = via ? via->text : n->domain;
    spf_q_t *q = spf_need(s, n->domain, RDC_SPF_TYPE_TXT);
    if (q == NULL) {
        stop(w, RDC_SPF_TOO_MUCH_WORK, "too many DNS questions (over %d): not evaluated further",
             RDC_SPF_MAX_QUERIES);
        return;
    }
    if (q->state != Q_DONE)
        return; /* not known yet: the walk goes on with what follows */
    if (is_temporary(q->status)) {
        temp_failure(w, q, label, depth);
        return;
    }
    if (q->nspf == 0) {
        bool nx = q->status == RDC_DNS_NXDOMAIN;
        tree_line(w, depth, "%s: no SPF record%s", label, nx ? " (NXDOMAIN)" : "");
        if (via == NULL)
            stop(w, RDC_SPF_NONE, "%s has no SPF record (%s)", n->domain,
                 nx ? "the domain does not exist" : "no TXT record starts with \"v=spf1\"");
        else if (via->kind == K_INCLUDE)
            stop(w, RDC_SPF_INCLUDE_NONE,
                 "at %s: %s has no SPF record%s, which makes the include a permanent error "
                 "(RFC 7208 section 5.2)",
                 where(w), n->domain, nx ? " (it does not exist)" : "");
        else
            stop(w, RDC_SPF_REDIRECT_NONE,
                 "at %s: %s has no SPF record%s, which makes the redirect a permanent error "
                 "(RFC 7208 section 6.1)",
                 where(w), n->domain, nx ? " (it does not exist)" : "");
        return;
    }
    if (q->nspf > 1) {
        tree_line(w, depth, "%s: %u SPF records", label, q->nspf);
        stop(w, RDC_SPF_MULTIPLE,
             "%s has %u SPF records (TXT records starting with \"v=spf1\"); RFC 7208 section 4.5 "
             "allows one: the result is permerror",
             n->domain, q->nspf);
        return;
    }
    if (!n->parsed && !spf_parse_record(n, q->rec, q->reclen)) {
        s->oom = true;
        w->stop = true;
        return;
    }
    tree_line(w, depth, "%s: %s", label, n->rtext);
    if (n->err != NULL) {
        if (via == NULL)
            stop(w, n->errcode, "%s", n->err);
        else
            stop(w, n->errcode, "%s (reached at %s)", n->err, where(w));
        return;
    }
    if (n->after_all > 0)
        note(w, RDC_SPF_IGNORED,
             "%u mechanism%s after 'all' in the SPF record of %s %s ignored (RFC 7208 section 5.1)",
             n->after_all, n->after_all == 1 ? "" : "s", n->domain,
             n->after_all == 1 ? "is" : "are");
    if (n->redirect_at < n->nterms && n->all_at < n->nterms)
        note(w, RDC_SPF_IGNORED,
             "'%s' in the SPF record of %s is ignored because the record has 'all' (RFC 7208 "
             "section 6.1)",
             n->terms[n->redirect_at].text, n->domain);
    for (size_t i = 0; i < n->nterms && i <= n->all_at && !w->stop && !s->oom; i++)
        if (spf_is_mechanism(n->terms[i].kind))
            walk_term(w, n, &n->terms[i], depth + 1, pathq);
    /* redirect= is evaluated after every mechanism, and only without "all" */
    if (!w->stop && !s->oom && n->all_at == n->nterms && n->redirect_at < n->nterms)
        walk_term(w, n, &n->terms[n->redirect_at], depth + 1, pathq);
}

/* Frees the results of a final walk (ranges, problems, tree). */
void spf_clear_results(rdc_spf_t *s)
{
    for (size_t i = 0; i < s->nranges; i++)
        free(s->ranges[i].via);
    s->nranges = 0;
    s->dropped = 0;
    for (size_t i = 0; i < s->nprob; i++)
        free(s->problems[i].message);
    s->nprob = 0;
    free(s->tree);
    s->tree = NULL;
}

/* Walks the evaluation: marks (and creates) the questions it needs, and in
 * the final walk records the results. */
void spf_run_walk(rdc_spf_t *s, bool final)
{
    walk_t w;
    memset(&w, 0, sizeof w);
    w.s = s;
    w.final = final;
    s->gen++;
    if (final) {
        spf_clear_results(s);
        s->result = RDC_SPF_RES_OK;
        rdc_buf_puts(&w.via, "spf");
    }
    walk_node(&w, s->top, 0, '+', NULL);
    if (final) {
        s->lookups = w.lookups;
        s->voids = w.voids;
        if (s->dropped > 0)
            note(&w, RDC_SPF_TOO_MANY_RANGES, "%zu more ranges are not listed (limit %d)",
                 s->dropped, RDC_SPF_MAX_RANGES);
        if (w.tree.failed || w.via.failed)
            s->oom = true;
        s->tree = rdc_buf_take(&w.tree);
    }
    if (w.where.failed)
        s->oom = true;
    rdc_buf_free(&w.tree);
    rdc_buf_free(&w.via);
    rdc_buf_free(&w.where);
}
