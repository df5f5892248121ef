/* trace.h - building -v traces (rdc_trace_t, rdnscheck.h) and rendering
 * them as the text report's lines. Internal. */
#ifndef RDC_TRACE_H
#define RDC_TRACE_H

#include "rdnscheck.h"
#include "util.h"

/* Frees every event and empties the trace (not the struct itself). */
void rdc_trace_free(rdc_trace_t *t);

/* Appends a QUERY event; server and error may be NULL. Returns false (and
 * sets t->failed) on allocation failure, or when t had already failed. */
bool rdc_trace_query(rdc_trace_t *t, uint16_t qtype, const char *name, const char *server,
                     const char *result, const char *error, unsigned ms);

/* Appends a RECORD, NOTE or SMTP event of the len bytes at text (dir: see
 * rdc_event_t). Returns false as rdc_trace_query does. */
bool rdc_trace_text(rdc_trace_t *t, rdc_event_kind_t kind, char dir, const char *text, size_t len);

/* rdc_trace_text with a formatted text. */
bool rdc_trace_textf(rdc_trace_t *t, rdc_event_kind_t kind, char dir, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Appends copies of src's events to dst (src is left as it is). Returns
 * false as rdc_trace_query does; a failed src fails dst. */
bool rdc_trace_copy(rdc_trace_t *dst, const rdc_trace_t *src);

/* Moves src's events to the end of dst and empties src (no copies).
 * Returns false as rdc_trace_query does (src is emptied all the same). */
bool rdc_trace_move(rdc_trace_t *dst, rdc_trace_t *src);

/* Appends one event as the text report shows it: one line, ending in a
 * newline ("    PTR 1.2.0.192.in-addr.arpa: NOERROR (1 ms)"). */
void rdc_event_render(const rdc_event_t *ev, rdc_buf_t *out);

/* Every event of t, rendered. */
void rdc_trace_render(const rdc_trace_t *t, rdc_buf_t *out);

#endif
