/* spf.h - SPF (RFC 7208) expansion of a domain into the address ranges it
 * authorises to send mail, as a pure event-driven state machine: it never does
 * I/O; it asks its caller for DNS answers and is told them. */
#ifndef RDC_SPF_H
#define RDC_SPF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rdnscheck.h"
#include "spf_defs.h"

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
