/* spf_lane.c - the lanes of the SPF walk: the addresses that share one
 * evaluation state, per family. What happens to a lane: its DNS-querying
 * terms and void lookups are counted against the limits (RFC 7208
 * §4.6.4), it ends with an error, its addresses become undecided (a term
 * that depends on the sender), or a match moves part of it to pass or to
 * the record's other results (§4.6.2). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spf_walk.h"

void spf_lanes_free(lanes_t *ls)
{
    for (size_t i = 0; i < ls->n; i++)
        spf_pset_free(&ls->v[i].set);
    free(ls->v);
    memset(ls, 0, sizeof *ls);
}

/* Adds lane x (its set moved) to ls, merged into a lane of the same state. */
void spf_lanes_add(walk_t *w, lanes_t *ls, lane_t *x)
{
    if (spf_pset_empty(&x->set)) {
        spf_pset_free(&x->set);
        return;
    }
    for (size_t i = 0; i < ls->n; i++) {
        lane_t *y = &ls->v[i];
        if (y->fam == x->fam && y->lookups == x->lookups && y->vmin == x->vmin &&
            y->vmax == x->vmax && y->maybe == x->maybe) {
            spf_pset_merge(w, &y->set, &x->set);
            return;
        }
    }
    if (ls->n == ls->cap) {
        size_t cap = ls->cap ? ls->cap * 2 : 4;
        lane_t *v = realloc(ls->v, cap * sizeof *v);
        if (v == NULL) {
            spf_pset_free(&x->set);
            w->s->oom = true;
            w->abort = true;
            return;
        }
        ls->v = v;
        ls->cap = cap;
    }
    ls->v[ls->n++] = *x;
    memset(&x->set, 0, sizeof x->set);
}

void spf_lanes_move_all(walk_t *w, lanes_t *dst, lanes_t *src)
{
    for (size_t i = 0; i < src->n; i++)
        spf_lanes_add(w, dst, &src->v[i]);
    free(src->v);
    memset(src, 0, sizeof *src);
}

/* The families of ls's lanes that hold a possible sender: bit 1 IPv4, 2 IPv6. */
unsigned spf_lanes_fams(const lanes_t *ls)
{
    unsigned f = 0;
    for (size_t i = 0; i < ls->n; i++)
        if (spf_pset_live(&ls->v[i].set))
            f |= ls->v[i].fam == 4 ? 1u : 2u;
    return f;
}

/* Drops the lanes left empty. */
void spf_lanes_compact(lanes_t *ls)
{
    size_t k = 0;
    for (size_t i = 0; i < ls->n; i++) {
        if (spf_pset_empty(&ls->v[i].set)) {
            spf_pset_free(&ls->v[i].set);
            continue;
        }
        ls->v[k++] = ls->v[i];
    }
    ls->n = k;
}

void spf_note_lookups(walk_t *w, const lane_t *ln)
{
    if (ln->lookups > w->lookups)
        w->lookups = ln->lookups;
    if (ln->vmin > w->voids)
        w->voids = ln->vmin;
}

/* The outcome of ln's addresses depends on the sender: undecided. */
void spf_lane_undecided(walk_t *w, lane_t *ln)
{
    spf_note_lookups(w, ln);
    spf_pset_clear_vias(&ln->set);
    spf_pset_move_all(w, &w->undecided, &ln->set);
}

/* ln's evaluation ends with the error code (permerror, temperror or none):
 * its addresses are not authorised (undecided where an earlier term that
 * depends on the sender may have matched). The first error in evaluation
 * order makes the result and the fatal problem (msg, owned). */
void spf_lane_fail(walk_t *w, lane_t *ln, rdc_code_t code, const char *msg)
{
    if (spf_pset_live(&ln->set)) {
        unsigned f = ln->fam == 4 ? 1u : 2u;
        spf_note_lookups(w, ln);
        w->fail_fams |= f;
        if (!w->err) {
            w->err = true;
            w->err_code = code;
            w->err_term = w->term;
            w->err_fams = f;
            if (w->final)
                spf_push_problem(w, code, true, rdc_strdup(msg ? msg : ""));
        } else if (w->err_term == w->term && w->err_code == code) {
            w->err_fams |= f;
        }
        if (ln->maybe != 0) {
            spf_lane_undecided(w, ln);
            return;
        }
    }
    spf_pset_free(&ln->set);
}

/* Every lane of cur fails with code; cur is left empty. */
void spf_fail_all(walk_t *w, lanes_t *cur, rdc_code_t code, char *msg)
{
    for (size_t i = 0; i < cur->n; i++)
        spf_lane_fail(w, &cur->v[i], code, msg);
    spf_lanes_free(cur);
    free(msg);
}

void spf_too_much_work(walk_t *w, lanes_t *cur)
{
    spf_fail_all(w, cur, RDC_SPF_TOO_MUCH_WORK,
                 spf_msgf(w, "too many DNS questions (over %d): not evaluated further",
                          RDC_SPF_MAX_QUERIES));
}

/* Counts a DNS-querying term in every lane (§4.6.4); a lane over the limit
 * ends with permerror. False when no lane is left. */
bool spf_count_lookup(walk_t *w, const spf_term_t *t, unsigned depth, lanes_t *cur)
{
    bool over = false;
    for (size_t i = 0; i < cur->n; i++) {
        lane_t *ln = &cur->v[i];
        ln->lookups++;
        spf_note_lookups(w, ln);
        if (ln->lookups <= RDC_SPF_MAX_LOOKUPS)
            continue;
        if (!over)
            spf_tree_line(w, depth, "%s -> not evaluated: DNS lookup limit exceeded", t->text);
        over = true;
        char *m = spf_msgf(w,
                           "too many DNS lookups: '%s' at %s is DNS-querying term number %u; RFC "
                           "7208 section 4.6.4 allows %d (include, a, mx, ptr, exists, redirect) "
                           "in one evaluation",
                           t->text, spf_where(w), ln->lookups, RDC_SPF_MAX_LOOKUPS);
        spf_lane_fail(w, ln, RDC_SPF_TOO_MANY_LOOKUPS, m);
        free(m);
    }
    spf_lanes_compact(cur);
    return cur->n > 0;
}

/* Counts a void lookup in lane ln (§4.6.4). False when ln ends here. */
bool spf_count_void(walk_t *w, lane_t *ln, const char *what)
{
    ln->vmin++;
    ln->vmax++;
    spf_note_lookups(w, ln);
    if (ln->vmin > RDC_SPF_MAX_VOID) {
        char *m = spf_msgf(w,
                           "too many void lookups: %s at %s found nothing, void lookup number %u "
                           "for IPv%u senders; RFC 7208 section 4.6.4 allows %d",
                           what, spf_where(w), ln->vmin, ln->fam, RDC_SPF_MAX_VOID);
        spf_lane_fail(w, ln, RDC_SPF_VOID_LOOKUPS, m);
        free(m);
        return false;
    }
    if (ln->vmax > RDC_SPF_MAX_VOID) {
        /* over the limit only for senders whose earlier lookups found nothing */
        spf_lane_undecided(w, ln);
        return false;
    }
    return true;
}

/* The part of each lane in m (sorted, disjoint) matches term t at include
 * depth level: with '+' it passes, otherwise the record's result for it is
 * fail, softfail or neutral. True when some address was decided; *decided
 * (when not NULL) gets how many, at most UINT64_MAX. */
bool spf_apply(walk_t *w, unsigned level, char qual, lanes_t *cur, const pset_t *m, lanes_t *pass,
               lanes_t *rest, uint64_t *decided)
{
    bool any = false;
    uint64_t count = 0;
    uint64_t tseq = ++w->seq << 24; /* a match's blocks are fewer than 2^24 */
    for (size_t i = 0; i < cur->n && !w->abort; i++) {
        lane_t x = cur->v[i];
        memset(&x.set, 0, sizeof x.set);
        spf_pset_take(w, &cur->v[i].set, m, &x.set, tseq);
        if (x.set.n == 0) {
            spf_pset_free(&x.set);
            continue;
        }
        any = any || spf_pset_live(&x.set);
        for (size_t k = 0; k < x.set.n; k++) {
            uint64_t sz = spf_block_size(&x.set.v[k].c);
            count = sz > UINT64_MAX - count ? UINT64_MAX : count + sz;
        }
        if (qual == '+') {
            x.maybe &= ~(1u << level);
            spf_lanes_add(w, pass, &x);
        } else {
            spf_pset_clear_vias(&x.set);
            spf_lanes_add(w, rest, &x);
        }
    }
    spf_lanes_compact(cur);
    if (decided != NULL)
        *decided = count;
    return any;
}

/* A term whose match depends on the sender (exists: with a macro, ptr, a
 * macro in a domain): with '+', a sender either passes there or goes on, so
 * the lanes go on with their maybe bit set and the void lookups it may cause
 * (extra) counted as possible; with another qualifier, or where the void
 * limit may be exceeded, every address reaching it is undecided. */
void spf_sender_dependent(walk_t *w, unsigned level, char qual, unsigned extra, lanes_t *cur)
{
    for (size_t i = 0; i < cur->n; i++) {
        lane_t *ln = &cur->v[i];
        ln->vmax += extra;
        if (qual != '+' || ln->vmax > RDC_SPF_MAX_VOID)
            spf_lane_undecided(w, ln);
        else
            ln->maybe |= 1u << level;
    }
    spf_lanes_compact(cur);
}
