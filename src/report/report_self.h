/* report_self.h - --self's summary for each format (report_self.c).
 * Strings in rdc_self_t are printable ASCII; each writer escapes again for
 * its own rules. Internal. */
#ifndef RDC_REPORT_SELF_H
#define RDC_REPORT_SELF_H

#include <stdio.h>

#include "selfplan.h"

/* The text block after the results: one line per family (address,
 * verdict, HELO match, source; or why it is skipped), the HELO name and
 * its source, what was read, and "this host sends mail as ...: VERDICT". */
void rdc_report_self_text(FILE *f, const rdc_self_t *s);

/* One JSON Lines object: {"self":{"verdict","summary","helo",
 * "helo_source","mta","sources","families":[{"family","state","local",
 * "source","nat","address","public_via","verdict","names","helo_match",
 * "reason"}]}}, members present as they apply. */
void rdc_report_self_json(FILE *f, const rdc_self_t *s);

/* A GitHub Actions notice (pass), warning (warn) or error with the summary. */
void rdc_report_self_github(FILE *f, const rdc_self_t *s);

/* Prometheus gauges rdnscheck_self_family{family,state,ip,local,verdict}
 * and rdnscheck_self_verdict{verdict,helo}, after rdc_prom_finish. */
void rdc_prom_self(FILE *f, const rdc_self_t *s);

#endif
