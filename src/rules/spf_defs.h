/* spf_defs.h - the SPF expander's limits and the types it trades with its
 * caller (queries, answers, ranges, problems, the result), apart from its
 * functions (spf.h), so that the walk (spf_walk.c and its parts, through
 * spf_int.h) needs no more than these. Internal. */
#ifndef RDC_SPF_DEFS_H
#define RDC_SPF_DEFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rdnscheck.h"

/* Limits. The first three are RFC 7208 §4.6.4; the rest cap the work a
 * hostile record can cause (RFC 7208 sets no limit there). */
#define RDC_SPF_MAX_LOOKUPS 10 /* DNS-querying terms in one evaluation */
#define RDC_SPF_MAX_VOID 2 /* void lookups (NXDOMAIN or no records) */
#define RDC_SPF_MAX_MX 10 /* exchanges looked up for one mx term */
#define RDC_SPF_MAX_TERMS 100 /* terms in one record; more is permerror */
#define RDC_SPF_MAX_RANGES 4096 /* ranges reported; more are dropped */
#define RDC_SPF_MAX_QUERIES 1000 /* questions asked in all */

/* DNS record types the expander asks for. */
#define RDC_SPF_TYPE_A 1
#define RDC_SPF_TYPE_MX 15
#define RDC_SPF_TYPE_TXT 16
#define RDC_SPF_TYPE_AAAA 28

typedef struct rdc_spf rdc_spf_t;

/* One question: look up `name` (presentation form, lower case, no trailing
 * dot, always a host name) for `type`, and report the answer with `id`. */
typedef struct rdc_spf_query {
    unsigned id;
    char name[256];
    uint16_t type;
} rdc_spf_query_t;

/* One answer record, lent for the duration of rdc_spf_answer() only. Records
 * whose type is not the question's (a CNAME, an A in an AAAA answer) are
 * ignored, so the caller may pass the whole answer section. */
typedef struct rdc_spf_rr {
    uint16_t type;
    rdc_addr_t addr; /* A (family 4) / AAAA (family 6) */
    /* TXT: the character-strings of one record joined without separator
     * (RFC 7208 §3.3), raw bytes of any value; not NUL-terminated; borrowed.
     * (Not a fixed array: a record over 511 bytes is legal, and cutting one,
     * say "ip4:10.0.0.0/24" into "ip4:10.0.0.0/2", would authorise the wrong
     * addresses.) */
    const char *text;
    size_t text_len;
    /* MX: the exchange in presentation form (as rdc_name_to_text writes it,
     * trailing dot optional), NUL-terminated, and its preference. A name
     * that is no host name (the null MX ".", escapes) is skipped. */
    char host[256];
    uint16_t pref;
} rdc_spf_rr_t;

/* One authorised range: base address with host bits cleared and prefix. */
typedef struct rdc_spf_range {
    rdc_cidr_t cidr;
    /* owned, printable ASCII: how the top record gets there, e.g.
     * "spf include:_spf.example.net ip4:192.0.2.0/28", "spf a:mail.example.com
     * 192.0.2.1", "spf mx mx1.example.com 192.0.2.25". Terms appear as
     * written (so "ip4:192.0.2.5/24" for the range 192.0.2.0/24). */
    char *via;
} rdc_spf_range_t;

/* One finding. code is one of the rdc_code_t values RDC_SPF_* (their names
 * and severities are in verdict.c's table):
 *   spf-none                  no SPF record at the domain (result NONE)
 *   spf-multiple              more than one v=spf1 record (§4.5)
 *   spf-syntax                a term or record that does not parse (§4.6)
 *   spf-too-many-terms        a record of more than RDC_SPF_MAX_TERMS terms
 *   spf-include-none          include: of a domain without SPF record (§5.2)
 *   spf-redirect-none         redirect= to a domain without SPF record (§6.1)
 *   spf-loop                  include/redirect back to a domain on the path
 *   spf-too-many-lookups      more than 10 DNS-querying terms (§4.6.4)
 *   spf-too-many-mx           an mx term with more than 10 exchanges (§4.6.4)
 *   spf-void-lookups          more than 2 void lookups (§4.6.4)
 *   spf-too-much-work         RDC_SPF_MAX_QUERIES exceeded, or answers that cut
 *                             the address space into too many ranges (hostile)
 *   spf-temperror             a DNS lookup failed temporarily (§4.4)
 *   spf-ptr-deprecated        ptr is not evaluated (§5.5: do not use)
 *   spf-unsupported-mechanism a macro that depends on the sender: not evaluated;
 *                             and the addresses left undecided by them
 *   spf-pass-all              "+all" (or "all"): every address may send
 *   spf-ignored               terms after "all", or redirect= next to "all"
 *   spf-mx-invalid            an MX exchange that is no host name (skipped)
 *   spf-too-many-ranges       more than RDC_SPF_MAX_RANGES ranges (dropped)
 * fatal is true for the one problem that decided a PERMERROR, TEMPERROR or
 * NONE result: the codes up to spf-temperror are always fatal (severity fail,
 * or tempfail for spf-temperror), the others never (severity warn). */
typedef struct rdc_spf_problem {
    rdc_code_t code;
    char *message; /* owned, printable ASCII */
    bool fatal;
} rdc_spf_problem_t;

typedef enum rdc_spf_result {
    RDC_SPF_RES_OK = 0, /* evaluated (problems may still list warnings) */
    RDC_SPF_RES_NONE, /* no SPF record at the domain */
    RDC_SPF_RES_PERMERROR,
    RDC_SPF_RES_TEMPERROR
} rdc_spf_result_t;

#endif
