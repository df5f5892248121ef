/* spf.h - SPF (RFC 7208) expansion of a domain into the address ranges it
 * authorises to send mail, as a pure event-driven state machine: it never does
 * I/O; it asks its caller for DNS answers and is told them. */
#ifndef RDC_SPF_H
#define RDC_SPF_H

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

/* Starts the expansion of `domain` (a host name, trailing dot optional).
 * Returns NULL when it is not a host name or on allocation failure. The
 * first query (TXT of the domain) is pending at once. */
rdc_spf_t *rdc_spf_new(const char *domain);

/* Frees s and everything it owns (ranges, problems, tree). NULL is a no-op. */
void rdc_spf_free(rdc_spf_t *s);

/* Fills *q with the next DNS question the expander needs and returns true, or
 * returns false when none is pending right now (waiting for answers, or done).
 * Call it until it returns false after creation and after each answer: several
 * questions may be outstanding at once; answer them in any order. Every
 * question handed out must be answered before rdc_spf_done() is true. Ask
 * each question of the DNS once per id: identical questions are merged. */
bool rdc_spf_next_query(rdc_spf_t *s, rdc_spf_query_t *q);

/* Reports the answer to question id: status RDC_DNS_OK with rrs[0..n)
 * (RDC_DNS_OK with no record of the asked type counts as NODATA), NODATA,
 * NXDOMAIN, or a temporary status (which makes the result TEMPERROR). rrs is
 * only read during the call and may be NULL when n is 0. An unknown id or a
 * second answer to one id is ignored. */
void rdc_spf_answer(rdc_spf_t *s, unsigned id, rdc_dns_status_t status, const rdc_spf_rr_t *rrs,
                    size_t n);

/* True when no question is pending or outstanding: the results below are
 * final. The result does not depend on the order of the answers. */
bool rdc_spf_done(const rdc_spf_t *s);

/* The overall result (after done; TEMPERROR before, or after an allocation
 * failure). */
rdc_spf_result_t rdc_spf_result(const rdc_spf_t *s);

/* "ok", "none", "permerror" or "temperror". */
const char *rdc_spf_result_name(rdc_spf_result_t r);

/* The authorised set: exactly the addresses for which check_host() (RFC
 * 7208 §4) gives pass, as disjoint ranges in the order of the matches that
 * decided them. The terms are evaluated in order for every address at once
 * and the first match decides (§4.6.2): "-ip4:192.0.2.5 ip4:192.0.2.0/29"
 * lists 192.0.2.0/30, 192.0.2.4/32 and 192.0.2.6/31; an include: matches
 * where its target gives pass (§5.2); redirect= evaluates what no mechanism
 * matched (§6.1). Lookup and void-lookup limits are counted per address
 * family (an IPv4 sender asks only A, §5.3), so a limit may end the
 * evaluation for one family only. IPv4-mapped IPv6 addresses are IPv4
 * senders (§5): no range lies inside ::ffff:0:0/96. Macros of d and o only
 * are expanded (§7.3). Addresses whose outcome depends on the sender (ptr,
 * other macros) are never
 * listed; an RDC_SPF_UNSUPPORTED_MECHANISM problem names them ("undecided:
 * ..."). Errors end the evaluation only for the addresses still undecided
 * when they occur; with a NONE result there are none. "+all" gives what is
 * left of 0.0.0.0/0 and ::/0. Owned by s; *n gets the count. Valid after
 * done. */
const rdc_spf_range_t *rdc_spf_ranges(const rdc_spf_t *s, size_t *n);

/* The problems found, in evaluation order. Owned by s. Valid after done. */
const rdc_spf_problem_t *rdc_spf_problems(const rdc_spf_t *s, size_t *n);

/* DNS-querying terms counted (include, a, mx, ptr, exists, redirect; RFC 7208
 * §4.6.4) on the longest way any sender's evaluation takes, up to the one that
 * stopped it: 11 when the limit was exceeded. Valid after done. */
unsigned rdc_spf_lookups(const rdc_spf_t *s);

/* Void lookups counted for the sender that meets the most (per family: an
 * a: term whose name has only AAAA records is void for IPv4 senders); at most
 * RDC_SPF_MAX_VOID + 1. Valid after done. */
unsigned rdc_spf_void_lookups(const rdc_spf_t *s);

/* The expansion tree for -v: one line per record and per evaluated term,
 * indented two spaces per depth, e.g.
 *   "example.com: v=spf1 include:_spf.example.net -all\n"
 *   "  include:_spf.example.net: v=spf1 ip4:192.0.2.0/28 ~all\n"
 *   "    ip4:192.0.2.0/28 -> 16 addresses\n"
 * ("all" terms get a line only when they authorise). Printable ASCII and
 * newlines. Owned by s; "" before done. */
const char *rdc_spf_tree(const rdc_spf_t *s);

#endif
