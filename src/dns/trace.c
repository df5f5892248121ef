/* trace.c - -v traces as events (see trace.h): each event's strings in one
 * block, copies for a forward answer shared by several checks, and the text
 * report's rendering of each event. */
#include "trace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dnsmsg.h"

#define NFIELDS 5 /* name, server, result, error, text */

const char *rdc_event_kind_name(rdc_event_kind_t k)
{
    switch (k) {
    case RDC_EV_QUERY:
        return "query";
    case RDC_EV_RECORD:
        return "record";
    case RDC_EV_NOTE:
        return "note";
    case RDC_EV_SMTP:
        return "smtp";
    }
    return "unknown";
}

static const char **field(rdc_event_t *ev, int i)
{
    const char **f[NFIELDS] = {&ev->name, &ev->server, &ev->result, &ev->error, &ev->text};
    return f[i];
}

/* Copies the strings src[i] (len[i] bytes, NULL: none) into one block owned
 * by ev and points ev's fields at them. */
static bool pack(rdc_event_t *ev, const char *const src[NFIELDS], const size_t len[NFIELDS])
{
    size_t total = 0;
    for (int i = 0; i < NFIELDS; i++)
        if (src[i])
            total += len[i] + 1;
    char *p = malloc(total ? total : 1);
    if (p == NULL)
        return false;
    ev->mem = p;
    for (int i = 0; i < NFIELDS; i++) {
        *field(ev, i) = NULL;
        if (src[i] == NULL)
            continue;
        memcpy(p, src[i], len[i]);
        p[len[i]] = '\0';
        *field(ev, i) = p;
        p += len[i] + 1;
    }
    return true;
}

/* Room for one more event at t->events[t->n]. */
static bool reserve(rdc_trace_t *t, size_t more)
{
    if (t->failed)
        return false;
    if (t->n + more <= t->cap)
        return true;
    size_t cap = t->cap ? t->cap : 8;
    while (cap < t->n + more)
        cap *= 2;
    rdc_event_t *ev = realloc(t->events, cap * sizeof *ev);
    if (ev == NULL) {
        t->failed = true;
        return false;
    }
    t->events = ev;
    t->cap = cap;
    return true;
}

/* Appends a copy of ev (of its strings too). */
static bool add(rdc_trace_t *t, const rdc_event_t *ev, const char *const src[NFIELDS],
                const size_t len[NFIELDS])
{
    if (!reserve(t, 1))
        return false;
    rdc_event_t *e = &t->events[t->n];
    *e = *ev;
    if (!pack(e, src, len)) {
        t->failed = true;
        return false;
    }
    t->n++;
    return true;
}

bool rdc_trace_query(rdc_trace_t *t, uint16_t qtype, const char *name, const char *server,
                     const char *result, const char *error, unsigned ms)
{
    rdc_event_t ev = {.kind = RDC_EV_QUERY, .qtype = qtype, .ms = ms};
    const char *src[NFIELDS] = {name, server, result, error, NULL};
    size_t len[NFIELDS] = {0};
    for (int i = 0; i < NFIELDS; i++)
        len[i] = src[i] ? strlen(src[i]) : 0;
    return add(t, &ev, src, len);
}

bool rdc_trace_text(rdc_trace_t *t, rdc_event_kind_t kind, char dir, const char *text, size_t len)
{
    rdc_event_t ev = {.kind = kind, .dir = kind == RDC_EV_SMTP ? dir : 0};
    const char *src[NFIELDS] = {NULL, NULL, NULL, NULL, text};
    size_t lens[NFIELDS] = {0, 0, 0, 0, len};
    return add(t, &ev, src, lens);
}

bool rdc_trace_textf(rdc_trace_t *t, rdc_event_kind_t kind, char dir, const char *fmt, ...)
{
    rdc_buf_t b = {0};
    va_list ap;
    va_start(ap, fmt);
    rdc_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    bool ok = !b.failed && rdc_trace_text(t, kind, dir, b.s ? b.s : "", b.len);
    if (b.failed)
        t->failed = true;
    rdc_buf_free(&b);
    return ok;
}

bool rdc_trace_copy(rdc_trace_t *dst, const rdc_trace_t *src)
{
    if (src->n == 0 && !src->failed)
        return true;
    if (src->failed)
        dst->failed = true;
    if (!reserve(dst, src->n))
        return false;
    for (size_t i = 0; i < src->n; i++) {
        rdc_event_t ev = src->events[i];
        const char *s[NFIELDS];
        size_t len[NFIELDS];
        for (int k = 0; k < NFIELDS; k++) {
            s[k] = *field(&ev, k);
            len[k] = s[k] ? strlen(s[k]) : 0;
        }
        if (!add(dst, &ev, s, len))
            return false;
    }
    return true;
}

bool rdc_trace_move(rdc_trace_t *dst, rdc_trace_t *src)
{
    bool ok = !src->failed;
    if (src->n == 0 && ok) {
        rdc_trace_free(src);
        return true;
    }
    if (dst->n == 0 && dst->cap == 0 && !dst->failed) {
        *dst = *src;
        memset(src, 0, sizeof *src);
        return ok;
    }
    if (src->failed)
        dst->failed = true;
    if (src->n > 0 && reserve(dst, src->n)) {
        memcpy(dst->events + dst->n, src->events, src->n * sizeof *src->events);
        dst->n += src->n;
        src->n = 0;
    } else {
        ok = false;
    }
    rdc_trace_free(src);
    return ok;
}

void rdc_trace_free(rdc_trace_t *t)
{
    if (t == NULL)
        return;
    for (size_t i = 0; i < t->n; i++)
        free(t->events[i].mem);
    free(t->events);
    memset(t, 0, sizeof *t);
}

void rdc_event_render(const rdc_event_t *ev, rdc_buf_t *out)
{
    char tb[16];
    switch (ev->kind) {
    case RDC_EV_QUERY:
        rdc_buf_printf(out, "    %s %s", rdc_type_name(ev->qtype, tb), ev->name);
        if (ev->server)
            rdc_buf_printf(out, " @%s", ev->server);
        rdc_buf_printf(out, ": %s", ev->result);
        if (ev->error)
            rdc_buf_printf(out, ", %s", ev->error);
        rdc_buf_printf(out, " (%u ms)\n", ev->ms);
        return;
    case RDC_EV_RECORD:
    case RDC_EV_NOTE:
        rdc_buf_printf(out, "      %s\n", ev->text);
        return;
    case RDC_EV_SMTP:
        if (ev->dir)
            rdc_buf_printf(out, "    smtp %c %s\n", ev->dir, ev->text);
        else
            rdc_buf_printf(out, "    smtp: %s\n", ev->text);
        return;
    }
}

void rdc_trace_render(const rdc_trace_t *t, rdc_buf_t *out)
{
    for (size_t i = 0; i < t->n; i++)
        rdc_event_render(&t->events[i], out);
}
