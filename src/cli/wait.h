/* wait.h - --wait: how long to sleep between checks, from the TTLs the
 * answers carried (wait.c). Pure. Internal. */
#ifndef RDC_WAIT_H
#define RDC_WAIT_H

#include "rdnscheck.h"

#define RDC_WAIT_MAX_SLEEP_MS (5u * 60u * 1000u) /* between checks, at most */
#define RDC_WAIT_MIN_SLEEP_MS 2000u /* at least, even for a TTL of 0 */
#define RDC_WAIT_NO_TTL_MS 30000u /* when no answer gave a TTL (failures) */

/* Lowers *ttl to the shortest TTL of r's resolver answers that could
 * change its verdict: the PTR answer's and its checked names' forward
 * answers'. Results that pass (or warn, without strict) count for
 * nothing: they need no change. */
void rdc_wait_note(uint32_t *ttl, const rdc_result_t *r, bool strict);

/* The sleep before the next check, in ms: the shortest TTL learned (when
 * the resolver's cached answers expire) plus a second, within
 * [RDC_WAIT_MIN_SLEEP_MS, RDC_WAIT_MAX_SLEEP_MS], and never past the
 * deadline (left_ms from now). */
unsigned long long rdc_wait_sleep_ms(uint32_t ttl, unsigned long long left_ms);

/* A duration: a whole number of seconds, or numbers with units d, h, m,
 * s, largest first, each once ("90", "90s", "5m", "1h30m", "2d"), from
 * 1 s to 7 days, into *ms. */
bool rdc_duration_parse(const char *s, uint64_t *ms);

#endif
