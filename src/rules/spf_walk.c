/* spf_walk.c - the SPF evaluation walk: check_host() (RFC 7208 §4) of the
 * top domain for every sender address at once. The addresses still
 * undecided are carried as sets of CIDR blocks ("lanes": one per address
 * family and evaluation state) through the terms in record order (§4.6.2:
 * the first match decides): a mechanism moves the part of a lane it matches
 * into "pass" (qualifier '+') or into the record's other results ('-', '~',
 * '?'); include: evaluates its target on the set it is given and matches
 * where that gives pass (§5.2); redirect= takes what no mechanism matched
 * (§6.1). DNS-querying terms and void lookups are counted per lane, so per
 * address family as a receiver would count them for one sender (§4.6.4, §5.3:
 * an IPv4 sender asks only A, an IPv6 sender only AAAA). IPv4-mapped IPv6
 * addresses are IPv4 senders (§5, §5.6): ip6: ranges and AAAA answers never
 * match them. Macros of d and o only are expanded (§7.3); exists: and
 * domain-specs with any other macro, and ptr, depend on the sender and are
 * not evaluated: whatever they could change is reported as undecided, never
 * as authorised. spf.c says when to walk. This file is the driver: a node's
 * record, its terms in order, include: and redirect=; the sets, lanes,
 * mechanisms and results are spf_set.c, spf_lane.c, spf_mech.c and
 * spf_result.c (spf_walk.h). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spf_walk.h"

static void eval_node(walk_t *w, spf_node_t *n, unsigned level, unsigned depth, char pathq,
                      const spf_term_t *via, lanes_t *in, lanes_t *pass, lanes_t *rest);

/* Is dom being evaluated already, at n or above it (a loop)? */
static bool on_path(const spf_node_t *n, const char *dom)
{
    for (; n != NULL; n = n->parent)
        if (strcmp(n->domain, dom) == 0)
            return true;
    return false;
}

/* include: (§5.2): the target's check_host() on cur, one include depth
 * (level) down. Where it passes, the include matches with t's qualifier;
 * where it gives fail, softfail or neutral, the record goes on with the
 * next term (and where the target may have passed, so may the include). */
static void eval_include(walk_t *w, spf_term_t *t, unsigned level, unsigned depth, char pathq,
                         lanes_t *cur, lanes_t *pass, lanes_t *rest)
{
    char q = pathq == '+' ? t->qual : pathq;
    lanes_t cpass = {0}, crest = {0};
    uint32_t bit = 1u << (level + 1), own = 1u << level;
    eval_node(w, t->child, level + 1, depth, q, t, cur, &cpass, &crest);
    /* pass in the target: the include matches (§5.2) */
    for (size_t i = 0; i < cpass.n; i++) {
        lane_t *ln = &cpass.v[i];
        ln->maybe &= ~bit;
        if (t->qual == '+') {
            ln->maybe &= ~own;
            spf_lanes_add(w, pass, ln);
        } else {
            spf_pset_clear_vias(&ln->set);
            spf_lanes_add(w, rest, ln);
        }
    }
    /* fail, softfail or neutral there: no match, the record goes on; where
     * the target may have passed instead, so may the include */
    for (size_t i = 0; i < crest.n; i++) {
        lane_t *ln = &crest.v[i];
        bool maybe = (ln->maybe & bit) != 0;
        ln->maybe &= ~bit;
        if (maybe && t->qual != '+') {
            spf_lane_undecided(w, ln);
            continue;
        }
        if (maybe)
            ln->maybe |= own;
        spf_lanes_add(w, cur, ln);
    }
    free(cpass.v);
    free(crest.v);
}

/* include: or redirect= (§5.2, §6.1): the target's check_host() on cur. */
static void eval_sub(walk_t *w, spf_node_t *n, spf_term_t *t, unsigned level, unsigned depth,
                     char pathq, lanes_t *cur, lanes_t *pass, lanes_t *rest)
{
    if (t->macro) {
        spf_unsupported(w, t, depth, "macros are not supported");
        spf_sender_dependent(w, level, '-', 0, cur); /* its result may be anything */
        return;
    }
    if (on_path(n, t->domain)) {
        spf_tree_line(w, depth, "%s -> loop: %s is already being evaluated", t->text, t->domain);
        spf_fail_all(
            w, cur, RDC_SPF_LOOP,
            spf_msgf(w, "'%s' at %s leads back to %s, which is already being evaluated: a loop",
                     t->text, spf_where(w), t->domain));
        return;
    }
    if (level >= 31) {
        spf_too_much_work(w, cur);
        return;
    }
    if (t->child == NULL) {
        t->child = spf_new_node(w->s, t->domain, n);
        if (t->child == NULL) {
            spf_fail_all(w, cur, RDC_SPF_TOO_MUCH_WORK,
                         spf_msgf(w, "too many include/redirect targets (over %d)", MAX_NODES));
            return;
        }
    }
    size_t mark = w->via.len;
    if (w->final) {
        rdc_buf_printf(&w->via, " %s", t->text);
        if (w->via.failed)
            w->s->oom = true;
    }
    if (t->kind == K_REDIRECT) /* the target's result is the record's result (§6.1) */
        eval_node(w, t->child, level, depth, pathq, t, cur, pass, rest);
    else
        eval_include(w, t, level, depth, pathq, cur, pass, rest);
    if (w->final && w->via.s != NULL) {
        w->via.len = mark;
        w->via.s[mark] = '\0';
    }
}

/* Macros of the current domain (d) and the sender's domain (o, the domain
 * checked) are the same for every sender: t's are expanded when it has no
 * other (§7.3). */
static void expand_term(walk_t *w, const spf_node_t *n, spf_term_t *t, unsigned depth)
{
    if (t->macro && t->mspec != NULL && t->kind != K_PTR && t->kind != K_EXP &&
        spf_expand_static(t->mspec, n->domain, w->s->domain, t->domain)) {
        t->macro = false;
        t->expanded = true;
    }
    if (t->expanded)
        spf_tree_line(w, depth, "%s: the macros expand to %s", t->text, t->domain);
}

/* The terms that query DNS, and count against the limit (§4.6.4). */
static bool queries_dns(kind_t k)
{
    return k == K_INCLUDE || k == K_REDIRECT || k == K_A || k == K_MX || k == K_PTR ||
           k == K_EXISTS;
}

/* Term t of node n for the lanes of cur (§4.6.2): the part a mechanism
 * matches leaves cur for pass or rest; the rest goes on to the next term. */
static void eval_term(walk_t *w, spf_node_t *n, spf_term_t *t, unsigned level, unsigned depth,
                      char pathq, lanes_t *cur, lanes_t *pass, lanes_t *rest)
{
    w->term++;
    expand_term(w, n, t, depth);
    const char *dom = t->domain[0] ? t->domain : n->domain;
    if (queries_dns(t->kind) && !spf_count_lookup(w, t, depth, cur))
        return;
    switch (t->kind) {
    case K_IP4:
    case K_IP6:
        spf_eval_ip(w, t, level, depth, pathq, cur, pass, rest);
        break;
    case K_ALL:
        spf_eval_all(w, t, level, depth, pathq, cur, pass, rest);
        break;
    case K_INCLUDE:
    case K_REDIRECT:
        eval_sub(w, n, t, level, depth, pathq, cur, pass, rest);
        break;
    case K_A:
    case K_MX:
        if (t->macro) {
            spf_unsupported(w, t, depth, "macros are not supported");
            /* the one lookup of the expanded name (a: A or AAAA; mx: MX) may be
             * void; an mx's exchanges are counted as found */
            spf_sender_dependent(w, level, t->qual, 1, cur);
        } else if (t->kind == K_A) {
            spf_eval_a(w, dom, t, level, depth, pathq, cur, pass, rest);
        } else {
            spf_eval_mx(w, dom, t, level, depth, pathq, cur, pass, rest);
        }
        break;
    case K_PTR:
        spf_eval_ptr(w, t, level, depth, cur);
        break;
    case K_EXISTS:
        spf_eval_exists(w, dom, t, level, depth, pathq, cur, pass, rest);
        break;
    case K_EXP:
    case K_UNKNOWN:
        break;
    }
}

/* Node n has no SPF record: none at the top (§4.5), a permanent error
 * through include: (§5.2) or redirect= (§6.1). */
static void no_record(walk_t *w, const spf_node_t *n, const spf_q_t *q, const spf_term_t *via,
                      const char *label, unsigned depth, lanes_t *in)
{
    bool nx = q->status == RDC_DNS_NXDOMAIN;
    spf_tree_line(w, depth, "%s: no SPF record%s", label, nx ? " (NXDOMAIN)" : "");
    if (via == NULL)
        spf_fail_all(
            w, in, RDC_SPF_NONE,
            spf_msgf(w, "%s has no SPF record (%s)", n->domain,
                     nx ? "the domain does not exist" : "no TXT record starts with \"v=spf1\""));
    else if (via->kind == K_INCLUDE)
        spf_fail_all(w, in, RDC_SPF_INCLUDE_NONE,
                     spf_msgf(w,
                              "at %s: %s has no SPF record%s, which makes the include a permanent "
                              "error (RFC 7208 section 5.2)",
                              spf_where(w), n->domain, nx ? " (it does not exist)" : ""));
    else
        spf_fail_all(w, in, RDC_SPF_REDIRECT_NONE,
                     spf_msgf(w,
                              "at %s: %s has no SPF record%s, which makes the redirect a permanent "
                              "error (RFC 7208 section 6.1)",
                              spf_where(w), n->domain, nx ? " (it does not exist)" : ""));
}

/* The SPF record of node n from its TXT answer q: true when there is one
 * and it parses; otherwise the lanes of in end (none, permerror). */
static bool node_record(walk_t *w, spf_node_t *n, const spf_q_t *q, const spf_term_t *via,
                        unsigned depth, lanes_t *in)
{
    const char *label = via ? via->text : n->domain;
    if (q->nspf == 0) {
        no_record(w, n, q, via, label, depth, in);
        return false;
    }
    if (q->nspf > 1) {
        spf_tree_line(w, depth, "%s: %u SPF records", label, q->nspf);
        spf_fail_all(
            w, in, RDC_SPF_MULTIPLE,
            spf_msgf(w,
                     "%s has %u SPF records (TXT records starting with \"v=spf1\"); RFC 7208 "
                     "section 4.5 allows one: the result is permerror",
                     n->domain, q->nspf));
        return false;
    }
    if (!n->parsed && !spf_parse_record(n, q->rec, q->reclen)) {
        w->s->oom = true;
        w->abort = true;
        spf_lanes_free(in);
        return false;
    }
    spf_tree_line(w, depth, "%s: %s", label, n->rtext);
    if (n->err != NULL) {
        if (via == NULL)
            spf_fail_all(w, in, n->errcode, spf_msgf(w, "%s", n->err));
        else
            spf_fail_all(w, in, n->errcode,
                         spf_msgf(w, "%s (reached at %s)", n->err, spf_where(w)));
        return false;
    }
    return true;
}

/* The terms of n's record that are never evaluated (§5.1, §6.1). */
static void ignored_terms(walk_t *w, const spf_node_t *n)
{
    if (n->after_all > 0)
        spf_note(
            w, RDC_SPF_IGNORED,
            "%u mechanism%s after 'all' in the SPF record of %s %s ignored (RFC 7208 section 5.1)",
            n->after_all, n->after_all == 1 ? "" : "s", n->domain,
            n->after_all == 1 ? "is" : "are");
    if (n->redirect_at < n->nterms && n->all_at < n->nterms)
        spf_note(w, RDC_SPF_IGNORED,
                 "'%s' in the SPF record of %s is ignored because the record has 'all' (RFC 7208 "
                 "section 6.1)",
                 n->terms[n->redirect_at].text, n->domain);
}

/* check_host() of node n (§4) for the addresses of in (consumed): those it
 * passes go to pass, those it gives fail, softfail or neutral to rest (with
 * their evaluation state), errors end their lanes. via is the term that led
 * here (NULL for the top domain). */
static void eval_node(walk_t *w, spf_node_t *n, unsigned level, unsigned depth, char pathq,
                      const spf_term_t *via, lanes_t *in, lanes_t *pass, lanes_t *rest)
{
    spf_q_t *q = NULL;
    answer_t a = spf_lookup(w, n->domain, RDC_SPF_TYPE_TXT, via ? via->text : n->domain, depth,
                            false, in, &q);
    if (a == ANS_PENDING)
        spf_lanes_move_all(w, rest, in); /* not known yet: the walk goes on */
    if (a != ANS_RECORDS || !node_record(w, n, q, via, depth, in))
        return;
    ignored_terms(w, n);
    /* the terms in order; the first match decides (§4.6.2) */
    for (size_t i = 0; i < n->nterms && i <= n->all_at && in->n > 0 && !w->abort; i++)
        if (spf_is_mechanism(n->terms[i].kind))
            eval_term(w, n, &n->terms[i], level, depth + 1, pathq, in, pass, rest);
    /* redirect= takes what no mechanism matched, only without "all" (§6.1) */
    if (in->n > 0 && !w->abort && n->all_at == n->nterms && n->redirect_at < n->nterms)
        eval_term(w, n, &n->terms[n->redirect_at], level, depth + 1, pathq, in, pass, rest);
    /* no match: neutral (§4.7) */
    spf_lanes_move_all(w, rest, in);
}

/* Walks the evaluation: marks (and creates) the questions it needs, and in
 * the final walk records the results. Every sender starts undecided:
 * 0.0.0.0/0 and ::/0 (whose IPv4-mapped part is never matched). */
void spf_run_walk(rdc_spf_t *s, bool final)
{
    walk_t w;
    memset(&w, 0, sizeof w);
    w.s = s;
    w.final = final;
    s->final_walk = final;
    s->gen++;
    if (final) {
        spf_clear_results(s);
        s->result = RDC_SPF_RES_OK;
        rdc_buf_puts(&w.via, "spf");
    }
    lanes_t in = {0}, pass = {0}, rest = {0};
    for (uint8_t fam = 4; fam <= 6; fam = (uint8_t)(fam + 2)) {
        lane_t ln;
        memset(&ln, 0, sizeof ln);
        ln.fam = fam;
        ln.set.neg = true; /* every address of the family, less none */
        ln.set.fam = fam;
        spf_lanes_add(&w, &in, &ln);
    }
    eval_node(&w, s->top, 0, 0, '+', NULL, &in, &pass, &rest);
    if (w.abort && !s->oom && !w.err) {
        w.err = true;
        w.err_code = RDC_SPF_TOO_MUCH_WORK;
        w.err_fams = w.fail_fams = 3u;
        if (final)
            spf_push_problem(&w, RDC_SPF_TOO_MUCH_WORK, true,
                             rdc_strdup("the SPF record splits the address space into too many "
                                        "ranges: not evaluated further"));
    }
    if (final) {
        spf_finish_walk(&w, &pass, &rest);
        s->lookups = w.lookups;
        s->voids = w.voids;
        if (w.tree.failed || w.via.failed)
            s->oom = true;
        s->tree = rdc_buf_take(&w.tree);
    }
    if (w.where.failed)
        s->oom = true;
    s->final_walk = false;
    spf_lanes_free(&in);
    spf_lanes_free(&pass);
    spf_lanes_free(&rest);
    spf_pset_free(&w.undecided);
    rdc_buf_free(&w.tree);
    rdc_buf_free(&w.via);
    rdc_buf_free(&w.where);
}
