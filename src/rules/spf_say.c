/* spf_say.c - how the SPF walk says things, under everything else in it:
 * the -v tree's lines, problems and notes, messages, where the walk is,
 * block text. Uses nothing of the walk's other files. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spf_walk.h"

/* "192.0.2.1" for a full-length block, "192.0.2.0/24" otherwise. */
void spf_cidr_text(const rdc_cidr_t *c, char *buf, size_t cap)
{
    char a[RDC_ADDR_TEXT_MAX];
    rdc_addr_format(&c->base, a);
    if (c->prefix == (c->base.family == 4 ? 32u : 128u))
        snprintf(buf, cap, "%s", a);
    else
        snprintf(buf, cap, "%s/%u", a, c->prefix);
}

void spf_tree_line(walk_t *w, unsigned depth, const char *fmt, ...)
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

void spf_push_problem(walk_t *w, rdc_code_t code, bool fatal, char *msg)
{
    rdc_spf_t *s = w->s;
    if (msg == NULL) {
        s->oom = true;
        return;
    }
    if (s->nprob == s->capp) {
        size_t cap = s->capp ? s->capp * 2 : 8;
        rdc_spf_problem_t *p = realloc(s->problems, cap * sizeof *p);
        if (p == NULL) {
            free(msg);
            s->oom = true;
            return;
        }
        s->problems = p;
        s->capp = cap;
    }
    rdc_spf_problem_t *p = &s->problems[s->nprob++];
    memset(p, 0, sizeof *p);
    p->code = code;
    p->message = msg;
    p->fatal = fatal;
}

/* A finding that does not stop the evaluation (final walk only). */

void spf_note(walk_t *w, rdc_code_t code, const char *fmt, ...)
{
    if (!w->final)
        return;
    rdc_buf_t b = {0};
    va_list ap;
    va_start(ap, fmt);
    rdc_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    spf_push_problem(w, code, false, rdc_buf_take(&b));
}

/* A message for spf_lane_fail (final walk only; NULL otherwise). */

char *spf_msgf(walk_t *w, const char *fmt, ...)
{
    if (!w->final)
        return NULL;
    rdc_buf_t b = {0};
    va_list ap;
    va_start(ap, fmt);
    rdc_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    char *m = rdc_buf_take(&b);
    if (m == NULL)
        w->s->oom = true;
    return m;
}

/* Where the walk is, for messages: "example.com include:_spf.example.net"
 * (final walk only; the via chain without its "spf"). */
const char *spf_where(walk_t *w)
{
    rdc_buf_free(&w->where);
    rdc_buf_puts(&w->where, w->s->domain);
    if (w->via.s != NULL && w->via.len > 3)
        rdc_buf_puts(&w->where, w->via.s + 3);
    return w->where.s ? w->where.s : w->s->domain;
}
