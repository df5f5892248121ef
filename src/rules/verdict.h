/* verdict.h - the rules that turn lookup results into problems and a
 * verdict (verdict.c), used by the engine's checks and the expanders.
 * Internal: not installed. */
#ifndef RDC_VERDICT_H
#define RDC_VERDICT_H

#include "problem.h"
#include "rdnscheck.h"

/* How the rules judge (a bit set; 0 is the default). RDC_RULES_STRICT
 * (--strict) turns warnings into failures; RDC_RULES_IPREV (--iprev) takes
 * RFC 8601 iprev's rule for a PTR set, any confirming name passes, instead
 * of the default, every name must confirm (Postfix checks the first). A
 * bool strict converts to exactly RDC_RULES_STRICT or 0. */
typedef unsigned rdc_rules_t;
#define RDC_RULES_STRICT 1u
#define RDC_RULES_IPREV 2u

/* Computes r->verdict and r->problems for an address result from its PTR
 * status and name results (pure; see verdict.c for the rules). Returns
 * false on allocation failure. */
bool rdc_verdict_compute(rdc_result_t *r, rdc_rules_t rules);

/* Sets r->verdict from the severities of r->problems alone (info notes
 * count for nothing; strict turns warnings into failures). */
void rdc_verdict_from_problems(rdc_result_t *r, bool strict);

/* Counts one of a domain's checked addresses into its summary: the
 * per-verdict counts, and the domain's verdict becomes the worse of the
 * two (precedence fail > tempfail > warn > pass). */
void rdc_domain_add_address(rdc_result_t *dom, const rdc_result_t *addr);

#endif
