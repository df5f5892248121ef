/* probe.h - SMTP probes (--smtp): one dialogue per checked address, in the
 * same loop as the DNS work (connect, the 220 greeting, EHLO, QUIT; never
 * mail). The greeting's host name is looked up like the HELO name, through
 * the forward cache. Internal. */
#ifndef RDC_PROBE_H
#define RDC_PROBE_H

#include <stdbool.h>

#include "ctx.h"
#include "fwdcache.h"

typedef struct rdc_probes rdc_probes_t; /* the probes of a run */
typedef struct rdc_probe rdc_probe_t; /* one probe in progress */

/* The run's probes: sockets in x->loop, greeting hosts looked up in fwd.
 * NULL on no memory. */
rdc_probes_t *rdc_probes_new(rdc_run_ctx_t *x, rdc_fwdcache_t *fwd);

/* Frees the set; free each unfinished probe first (rdc_probe_free).
 * NULL: no-op. */
void rdc_probes_free(rdc_probes_t *ps);

/* Starts the probe of c's address on the --smtp port: c->res->smtp is the
 * result, filled as the dialogue goes; the transcript (-v) goes to
 * transcript when it ends. Holds c->task until then; *handle is the probe
 * while it runs and NULL once it ended (which may be before this returns).
 * False on no memory (nothing started). */
bool rdc_probe_start(rdc_probes_t *ps, const rdc_chk_ref_t *c, rdc_trace_t *transcript,
                     rdc_probe_t **handle);

/* Ends probes past their deadline; returns ms until the next, or -1. */
int rdc_probes_scan(rdc_probes_t *ps);

/* Frees an unfinished probe (teardown): its task is not released. NULL:
 * no-op. */
void rdc_probe_free(rdc_probe_t *p);

#endif
