/* spf_mech.c - the SPF mechanisms that match addresses (RFC 7208 §5): a,
 * mx, ip4/ip6, all, ptr and exists:, and the one way every DNS-querying
 * term looks its answer up: the stored question, not answered yet, a
 * temporary failure (temperror, §4.4), or a void lookup (§4.6.4).
 * include: and redirect= are the walk's own (spf_walk.c). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spf_walk.h"

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
    /* one format for 1 and more: a constant "1 address" would be inlined as
     * an 8-byte immediate "1 addres", which lintian takes for a misspelling */
    if (host >= 64)
        snprintf(buf, cap, "2^%u addresses", host);
    else
        snprintf(buf, cap, "%llu address%s", (unsigned long long)((uint64_t)1 << host),
                 host ? "es" : "");
}

/* The stored question (name, type), made or marked as needed by this walk.
 * NULL when too many questions were asked: every lane of cur ends. */
static spf_q_t *ask(walk_t *w, const char *name, uint16_t type, lanes_t *cur)
{
    spf_q_t *q = spf_need(w->s, name, type);
    if (q == NULL)
        spf_too_much_work(w, cur);
    return q;
}

/* Does answer q hold nothing to match (a void lookup, §4.6.4)? */
static bool void_answer(const spf_q_t *q)
{
    return q->type == RDC_SPF_TYPE_MX ? q->status != RDC_DNS_OK : q->naddrs == 0;
}

/* Ends the lanes of cur of family fam (0: all of them) with code. */
static void fail_fam(walk_t *w, lanes_t *cur, uint8_t fam, rdc_code_t code, char *msg)
{
    if (fam == 0) {
        spf_fail_all(w, cur, code, msg);
        return;
    }
    for (size_t i = 0; i < cur->n; i++)
        if (cur->v[i].fam == fam && !spf_pset_empty(&cur->v[i].set))
            spf_lane_fail(w, &cur->v[i], code, msg);
    free(msg);
    spf_lanes_compact(cur);
}

/* Answer q (asked) for the lanes of cur of family fam (0: all of them): a
 * temporary failure ends them with temperror (§4.4), with a tree line for
 * term label unless it is NULL; with voids, an answer without records is a
 * void lookup in each of them. */
static answer_t take_answer(walk_t *w, const spf_q_t *q, const char *label, unsigned depth,
                            uint8_t fam, bool voids, lanes_t *cur)
{
    if (q->state != Q_DONE)
        return ANS_PENDING;
    if (is_temporary(q->status)) {
        if (label != NULL)
            spf_tree_line(w, depth, "%s -> %s lookup of %s %s", label, type_name(q->type), q->name,
                          status_text(q->status));
        fail_fam(w, cur, fam, RDC_SPF_TEMPERROR,
                 spf_msgf(w, "the %s lookup of %s %s (at %s): the SPF result is temperror",
                          type_name(q->type), q->name, status_text(q->status), spf_where(w)));
        return ANS_ENDED;
    }
    if (!voids || !void_answer(q))
        return ANS_RECORDS;
    char what[300];
    snprintf(what, sizeof what, "the %s lookup of %s", type_name(q->type), q->name);
    for (size_t i = 0; i < cur->n; i++)
        if ((fam == 0 || cur->v[i].fam == fam) && !spf_pset_empty(&cur->v[i].set))
            spf_count_void(w, &cur->v[i], what);
    spf_lanes_compact(cur);
    return ANS_VOID;
}

/* The one lookup (name, type) of term label (a record's TXT, mx's MX,
 * exists:'s A) for every lane of cur: ask, then take_answer. *qp gets the
 * question when the answer is known. */
answer_t spf_lookup(walk_t *w, const char *name, uint16_t type, const char *label, unsigned depth,
                    bool voids, lanes_t *cur, spf_q_t **qp)
{
    spf_q_t *q = ask(w, name, type, cur);
    if (q == NULL)
        return ANS_ENDED;
    *qp = q;
    return take_answer(w, q, label, depth, 0, voids, cur);
}

/* The A or AAAA answer q of name for the lanes of family fam in cur: a
 * temporary failure ends them, an empty answer is a void lookup. Adds the
 * blocks to m and the addresses to the tree line. */
static void addr_answer(walk_t *w, const spf_q_t *q, uint8_t fam, const spf_term_t *t,
                        const char *mxhost, lanes_t *cur, pset_t *m, rdc_buf_t *line, size_t *shown,
                        size_t *total)
{
    if (take_answer(w, q, NULL, 0, fam, true, cur) == ANS_ENDED) {
        rdc_buf_printf(line, "%s%s lookup %s", *total ? "; " : "", type_name(q->type),
                       status_text(q->status));
        (*total)++;
        return;
    }
    for (size_t i = 0; i < q->naddrs; i++) {
        rdc_cidr_t c;
        c.base = q->addrs[i];
        c.prefix = fam == 4 ? t->c4 : t->c6;
        spf_clear_host_bits(&c.base, c.prefix);
        char *via = NULL;
        if (w->final) {
            char at[RDC_ADDR_TEXT_MAX], ct[RDC_ADDR_TEXT_MAX + 8];
            rdc_addr_format(&q->addrs[i], at);
            rdc_buf_t b = {0};
            rdc_buf_puts(&b, w->via.s ? w->via.s : "spf");
            if (mxhost)
                rdc_buf_printf(&b, " %s %s %s", t->text, mxhost, at);
            else
                rdc_buf_printf(&b, " %s %s", t->text, at);
            via = rdc_buf_take(&b);
            if (via == NULL)
                w->s->oom = true;
            if (*shown < TREE_ADDRS) {
                spf_cidr_text(&c, ct, sizeof ct);
                rdc_buf_printf(line, "%s%s", *shown ? ", " : "", ct);
                (*shown)++;
            }
        }
        (*total)++;
        spf_pset_push(w, m, &c, via, (uint64_t)m->n);
    }
}

/* The A and AAAA lookups of name (an a term, or one exchange of an mx term
 * when mxhost is set) for the families that have lanes. False when an
 * answer is not known yet (the lanes stay as they are). */
static bool addr_lookups(walk_t *w, const char *name, const spf_term_t *t, const char *mxhost,
                         lanes_t *cur, pset_t *m, rdc_buf_t *line, size_t *shown)
{
    unsigned fams = spf_lanes_fams(cur);
    spf_q_t *q4 = NULL, *q6 = NULL;
    if (fams & 1u)
        q4 = ask(w, name, RDC_SPF_TYPE_A, cur);
    if (fams & 2u)
        q6 = ask(w, name, RDC_SPF_TYPE_AAAA, cur);
    if (((fams & 1u) && q4 == NULL) || ((fams & 2u) && q6 == NULL))
        return false;
    /* both answers before either is used */
    if ((q4 && q4->state != Q_DONE) || (q6 && q6->state != Q_DONE))
        return false;
    size_t total = 0;
    if (q4)
        addr_answer(w, q4, 4, t, mxhost, cur, m, line, shown, &total);
    if (q6)
        addr_answer(w, q6, 6, t, mxhost, cur, m, line, shown, &total);
    if (w->final) {
        if (total > *shown)
            rdc_buf_printf(line, ", ... (%zu in all)", total);
        if (total == 0)
            rdc_buf_puts(line, "no address (void lookup)");
        else if (q4 && q6 && q4->naddrs == 0 && !is_temporary(q4->status))
            rdc_buf_puts(line, "; no A record (void lookup for IPv4 senders)");
        else if (q4 && q6 && q6->naddrs == 0 && !is_temporary(q6->status))
            rdc_buf_puts(line, "; no AAAA record (void lookup for IPv6 senders)");
    }
    spf_lanes_compact(cur);
    return true;
}

/* Applies the blocks m of term t (their order is answer order) to cur. */
static void apply_blocks(walk_t *w, const spf_term_t *t, unsigned level, lanes_t *cur, pset_t *m,
                         lanes_t *pass, lanes_t *rest)
{
    spf_pset_normalise(m);
    spf_pset_drop_mapped(m);
    spf_apply(w, level, t->qual, cur, m, pass, rest, NULL);
    spf_pset_free(m);
}

void spf_eval_a(walk_t *w, const char *dom, const spf_term_t *t, unsigned level, unsigned depth,
                char pathq, lanes_t *cur, lanes_t *pass, lanes_t *rest)
{
    pset_t m = {0};
    rdc_buf_t line = {0};
    size_t shown = 0;
    if (addr_lookups(w, dom, t, NULL, cur, &m, &line, &shown)) {
        char why[64];
        spf_tree_line(w, depth, "%s -> %s%s", t->text, line.s ? line.s : "",
                      spf_unauth_text(t, pathq, why, sizeof why));
        apply_blocks(w, t, level, cur, &m, pass, rest);
    }
    spf_pset_free(&m);
    rdc_buf_free(&line);
}

void spf_eval_mx(walk_t *w, const char *dom, const spf_term_t *t, unsigned level, unsigned depth,
                 char pathq, lanes_t *cur, lanes_t *pass, lanes_t *rest)
{
    spf_q_t *q = NULL;
    answer_t a = spf_lookup(w, dom, RDC_SPF_TYPE_MX, t->text, depth, true, cur, &q);
    if (a == ANS_VOID)
        spf_tree_line(w, depth, "%s -> no MX record (void lookup)", t->text);
    if (a != ANS_RECORDS)
        return;
    if (q->nmx > RDC_SPF_MAX_MX) {
        spf_tree_line(w, depth, "%s -> %zu exchanges: too many", t->text, q->nmx);
        spf_fail_all(
            w, cur, RDC_SPF_TOO_MANY_MX,
            spf_msgf(w,
                     "'%s' at %s: %s has %zu MX host names; RFC 7208 section 4.6.4 allows %d "
                     "for one mx mechanism",
                     t->text, spf_where(w), dom, q->nmx, RDC_SPF_MAX_MX));
        return;
    }
    if (q->nbad > 0)
        spf_note(w, RDC_SPF_MX_INVALID,
                 "'%s' at %s: %zu MX exchange name%s of %s %s no host name%s (first: '%s'): "
                 "skipped",
                 t->text, spf_where(w), q->nbad, q->nbad == 1 ? "" : "s", dom,
                 q->nbad == 1 ? "is" : "are", q->nbad == 1 ? "" : "s", q->bad ? q->bad : "");
    char why[64];
    spf_tree_line(w, depth, "%s -> %zu exchange%s%s", t->text, q->nmx, q->nmx == 1 ? "" : "s",
                  spf_unauth_text(t, pathq, why, sizeof why));
    /* every exchange is looked up (and its void lookups counted) before the
     * addresses are matched (§5.4) */
    pset_t m = {0};
    bool known = true;
    for (size_t i = 0; i < q->nmx && cur->n > 0 && !w->abort; i++) {
        rdc_buf_t line = {0};
        size_t shown = 0;
        if (addr_lookups(w, q->mx[i], t, q->mx[i], cur, &m, &line, &shown))
            spf_tree_line(w, depth + 1, "%s -> %s", q->mx[i], line.s ? line.s : "");
        else
            known = false;
        rdc_buf_free(&line);
    }
    if (known)
        apply_blocks(w, t, level, cur, &m, pass, rest);
    spf_pset_free(&m);
}

/* "spf include:a.example ip4:192.0.2.0/24": how the top record reaches a
 * block that term t matches as a whole (final walk only; NULL otherwise). */
static char *term_via(walk_t *w, const spf_term_t *t)
{
    return spf_msgf(w, "%s %s", w->via.s ? w->via.s : "spf", t->text);
}

/* m gets every address, 0.0.0.0/0 and ::/0, reached through term t. */
static void every_address(walk_t *w, const spf_term_t *t, pset_t *m)
{
    rdc_cidr_t c;
    memset(&c, 0, sizeof c);
    c.base.family = 4;
    spf_pset_push(w, m, &c, term_via(w, t), 0);
    c.base.family = 6;
    spf_pset_push(w, m, &c, term_via(w, t), 0);
}

/* ip4: and ip6: (§5.6): the block as written; an IPv4-mapped one matches
 * no sender (§5). */
void spf_eval_ip(walk_t *w, const spf_term_t *t, unsigned level, unsigned depth, char pathq,
                 lanes_t *cur, lanes_t *pass, lanes_t *rest)
{
    char why[64], size[48], extra[160] = "";
    pset_t m = {0};
    size_text(&t->cidr, size, sizeof size);
    spf_pset_push(w, &m, &t->cidr, term_via(w, t), 0);
    spf_pset_drop_mapped(&m);
    uint64_t decided = 0;
    bool any = spf_apply(w, level, t->qual, cur, &m, pass, rest, &decided);
    rdc_cidr_t mb = spf_mapped_block();
    if (t->kind == K_IP6 && spf_cidr_in(&mb, &t->cidr))
        snprintf(extra, sizeof extra,
                 ", IPv4-mapped: matches no sender (an IPv4-mapped sender is an IPv4 "
                 "sender, RFC 7208 section 5)");
    else if (!any)
        snprintf(extra, sizeof extra, ", none of them still undecided here");
    else if (decided < spf_block_size(&t->cidr))
        snprintf(extra, sizeof extra, ", %llu decided here (the rest by earlier terms)",
                 (unsigned long long)decided);
    spf_tree_line(w, depth, "%s -> %s%s%s", t->text, size,
                  spf_unauth_text(t, pathq, why, sizeof why), extra);
    spf_pset_free(&m);
}

/* all (§5.1): every address; "+all" authorises the whole Internet. */
void spf_eval_all(walk_t *w, const spf_term_t *t, unsigned level, unsigned depth, char pathq,
                  lanes_t *cur, lanes_t *pass, lanes_t *rest)
{
    char why[64];
    pset_t m = {0};
    every_address(w, t, &m);
    bool any = spf_apply(w, level, t->qual, cur, &m, pass, rest, NULL);
    spf_pset_free(&m);
    if (t->qual != '+')
        return;
    spf_tree_line(w, depth, "%s -> every address%s", t->text,
                  spf_unauth_text(t, pathq, why, sizeof why));
    if (any && pathq == '+')
        spf_note(w, RDC_SPF_PASS_ALL,
                 "'%s' at %s authorises every address on the Internet to send mail for %s", t->text,
                 spf_where(w), w->s->domain);
}

/* ptr (§5.5): deprecated, and its match depends on the sender. */
void spf_eval_ptr(walk_t *w, const spf_term_t *t, unsigned level, unsigned depth, lanes_t *cur)
{
    spf_tree_line(w, depth, "%s -> not evaluated (deprecated)", t->text);
    spf_note(
        w, RDC_SPF_PTR_DEPRECATED,
        "'%s' at %s: the ptr mechanism is deprecated (RFC 7208 section 5.5: do not use it); it "
        "is slow and unreliable and is not evaluated here: list the addresses with ip4:/ip6: "
        "instead",
        t->text, spf_where(w));
    /* the PTR lookup may be void (§4.6.4); the address lookups of the
     * names it finds are the sender's own reverse DNS, not counted */
    spf_sender_dependent(w, level, t->qual, 1, cur);
}

/* exists: (§5.7): the same A lookup for every sender, IPv6 ones included;
 * any address matches every sender. With a macro it depends on the sender. */
void spf_eval_exists(walk_t *w, const char *dom, const spf_term_t *t, unsigned level,
                     unsigned depth, char pathq, lanes_t *cur, lanes_t *pass, lanes_t *rest)
{
    if (t->macro) {
        spf_unsupported(w, t, depth, "exists: with a macro depends on the sender");
        spf_sender_dependent(w, level, t->qual, 1, cur);
        return;
    }
    spf_q_t *q = NULL;
    answer_t a = spf_lookup(w, dom, RDC_SPF_TYPE_A, t->text, depth, true, cur, &q);
    if (a == ANS_VOID)
        spf_tree_line(w, depth, "%s -> no A record (void lookup): no match", t->text);
    if (a != ANS_RECORDS)
        return;
    char why[64];
    spf_tree_line(w, depth, "%s -> exists: matches every sender%s", t->text,
                  spf_unauth_text(t, pathq, why, sizeof why));
    pset_t m = {0};
    every_address(w, t, &m);
    spf_apply(w, level, t->qual, cur, &m, pass, rest, NULL);
    spf_pset_free(&m);
}
