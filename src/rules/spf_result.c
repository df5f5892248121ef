/* spf_result.c - what the SPF walk reports: the words of its problems and
 * the results of the final walk (the authorised ranges in the order they
 * were decided, the undecided ones, the error that decides the result). */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spf_walk.h"

#define UNDECIDED_SHOWN 64 /* undecided blocks listed in the message */

/* " (not authorised: ...)" for a term that authorises nothing. */
const char *spf_unauth_text(const spf_term_t *t, char pathq, char *buf, size_t cap)
{
    if (t->qual != '+')
        snprintf(buf, cap, ", not authorised (qualifier '%c')", t->qual);
    else if (pathq != '+')
        snprintf(buf, cap, ", not authorised (inside a '%c' include)", pathq);
    else
        buf[0] = '\0';
    return buf;
}

void spf_unsupported(walk_t *w, const spf_term_t *t, unsigned depth, const char *why)
{
    spf_tree_line(w, depth, "%s -> not evaluated (%s)", t->text, why);
    spf_note(w, RDC_SPF_UNSUPPORTED_MECHANISM,
             "'%s' at %s is not evaluated (%s): the addresses whose outcome depends on it are "
             "undecided and not listed",
             t->text, spf_where(w), why);
}

static void add_range(walk_t *w, const piece_t *p)
{
    rdc_spf_t *s = w->s;
    rdc_cidr_t m = spf_mapped_block();
    if (spf_cidr_in(&m, &p->c))
        return; /* no sender: an IPv4-mapped sender is an IPv4 sender */
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
    char *via = rdc_strdup(p->via ? p->via : "spf");
    if (via == NULL) {
        s->oom = true;
        return;
    }
    s->ranges[s->nranges].cidr = p->c;
    s->ranges[s->nranges].via = via;
    s->nranges++;
}

/* The final walk's results: the authorised ranges in the order they were
 * decided, the undecided ones, the error. */
void spf_finish_walk(walk_t *w, lanes_t *pass, lanes_t *rest)
{
    rdc_spf_t *s = w->s;
    pset_t all = {0};
    for (size_t i = 0; i < pass->n; i++) {
        spf_note_lookups(w, &pass->v[i]);
        spf_pset_move_all(w, &all, &pass->v[i].set);
    }
    spf_pset_sort_seq(&all);
    for (size_t i = 0; i < all.n; i++)
        add_range(w, &all.v[i]);
    spf_pset_free(&all);
    for (size_t i = 0; i < rest->n; i++) {
        spf_note_lookups(w, &rest->v[i]);
        if (rest->v[i].maybe != 0)
            spf_lane_undecided(w, &rest->v[i]);
    }
    if (s->dropped > 0)
        spf_note(w, RDC_SPF_TOO_MANY_RANGES, "%zu more ranges are not listed (limit %d)",
                 s->dropped, RDC_SPF_MAX_RANGES);
    spf_pset_sort(&w->undecided);
    size_t nu = 0;
    rdc_buf_t b = {0};
    rdc_cidr_t mb = spf_mapped_block();
    for (size_t i = 0; i < w->undecided.n; i++) {
        if (spf_cidr_in(&mb, &w->undecided.v[i].c))
            continue;
        if (nu < UNDECIDED_SHOWN) {
            char ct[RDC_ADDR_TEXT_MAX + 8];
            spf_cidr_text(&w->undecided.v[i].c, ct, sizeof ct);
            rdc_buf_printf(&b, "%s%s", nu ? ", " : "", ct);
        }
        nu++;
    }
    if (nu > UNDECIDED_SHOWN)
        rdc_buf_printf(&b, " and %zu more", nu - UNDECIDED_SHOWN);
    if (nu > 0)
        spf_note(w, RDC_SPF_UNSUPPORTED_MECHANISM,
                 "the outcome for these senders depends on a term evaluated per sender (exists:, "
                 "ptr or a macro) and is not decided here; they are not listed: undecided: %s",
                 b.s ? b.s : "");
    rdc_buf_free(&b);
    if (w->err) {
        s->result = w->err_code == RDC_SPF_NONE        ? RDC_SPF_RES_NONE
                    : w->err_code == RDC_SPF_TEMPERROR ? RDC_SPF_RES_TEMPERROR
                                                       : RDC_SPF_RES_PERMERROR;
        /* the fatal problem says when it is one family's result only */
        if (w->err_fams != 3u && w->fail_fams == w->err_fams) {
            for (size_t i = 0; i < s->nprob; i++) {
                if (!s->problems[i].fatal)
                    continue;
                rdc_buf_t m = {0};
                rdc_buf_printf(&m, "%s; this is the result for IPv%c senders only",
                               s->problems[i].message, w->err_fams == 1u ? '4' : '6');
                char *t = rdc_buf_take(&m);
                if (t == NULL) {
                    s->oom = true;
                    break;
                }
                free(s->problems[i].message);
                s->problems[i].message = t;
            }
        }
    }
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
