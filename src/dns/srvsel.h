/* srvsel.h - which DNS server gets the next query: the servers in the order
 * given, as glibc's res_send and c-ares without rotate ask them (RFC 1035
 * §7.2), with per-server state kept for the whole run (smoothed RTT for
 * timeouts, down marks with backed-off probes). Pure: times are
 * passed in, so every rule is unit-tested without sockets or clocks.
 * Internal. */
#ifndef RDC_SRVSEL_H
#define RDC_SRVSEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RDC_SRV_MAX 32 /* servers at most (tried sets are 32-bit masks) */
#define RDC_SRV_RTO_MIN 100 /* ms; below it duplicates add load, not speed */
#define RDC_SRV_UNKNOWN_MS 376 /* RTO before any server is measured (Unbound) */
#define RDC_SRV_PROBE_FIRST_MS 1000 /* first re-probe of a down server */
#define RDC_SRV_PROBE_MAX_MS 60000 /* the probe interval doubles up to this */

typedef struct rdc_srv {
    double srtt, rttvar; /* ms, RFC 6298 §2 */
    double min_rtt; /* ms, the smallest sample: the path without a queue */
    bool measured;
    unsigned long long last_answer_ms; /* when it last answered anything; 0 never */
    bool down; /* timed out with no answer since: skipped, only probed */
    unsigned long long probe_at_ms; /* down: when the next probe may go */
    unsigned backoff_ms; /* down: the probe interval now */
    bool probing; /* down: a probe is out */
    unsigned long sent, answers, timeouts, downs; /* counters for -v and tests */
} rdc_srv_t;

typedef struct rdc_srvsel {
    size_t n;
    unsigned timeout_ms; /* --timeout: the RTO never exceeds it */
    bool rotate; /* --rotate: each question starts at a server its hash picks */
    rdc_srv_t s[RDC_SRV_MAX];
} rdc_srvsel_t;

/* n servers (1..RDC_SRV_MAX), all up and unmeasured. */
void rdc_srvsel_init(rdc_srvsel_t *ss, size_t n, unsigned timeout_ms);

/* The server for the next query of a lookup that has already asked the
 * servers in `tried` (bit i = server i) in this pass. The order is the
 * list's (RFC 1035 §7.2; glibc res_send, c-ares without rotate), so the
 * same question meets the same server and a split view gives one verdict:
 * the first untried server that is up. A server that REFUSEs is not
 * avoided for later questions: an authoritative-only server refuses some
 * names and serves others, and glibc asks it first for every question, so
 * the verdict must not depend on when its refusals came in. The smoothed
 * RTT sets only timeouts. With rotate, the walk starts at the live (up)
 * server that qhash (rdc_srvsel_hash) picks among them and wraps around:
 * questions share the load, and each still always meets the same server
 * while the same servers are live. Down servers are not chosen while any
 * server is up (they are only probed); when all are down, each is, the one
 * due to be probed first first. Returns -1 when the pass is over. */
int rdc_srvsel_pick(const rdc_srvsel_t *ss, uint32_t tried, uint32_t qhash);

/* The hash of a question for rotate: its wire name, ASCII letters folded
 * (RFC 4343), and its type. */
uint32_t rdc_srvsel_hash(const uint8_t *wire, uint16_t type);

/* A down server whose probe is due at now with no probe out, marked as
 * probing; or -1. The caller sends a copy of a real query there. */
int rdc_srvsel_probe_due(rdc_srvsel_t *ss, unsigned long long now);

/* A query to server i was sent. */
void rdc_srvsel_sent(rdc_srvsel_t *ss, int i);

/* Server i answered (any rcode: it is alive) a query sent at sent_ms.
 * sample: the round trip is unambiguous (Karn) and may update the RTT. */
void rdc_srvsel_answered(rdc_srvsel_t *ss, int i, unsigned long long sent_ms,
                         unsigned long long now, bool sample);

/* A query sent to server i at sent_ms got no answer within its timeout
 * (late: only within its retransmission timeout, rdc_srvsel_rto). The
 * server goes down when it has answered nothing since sent_ms (a server
 * that answers others only lost a packet). probe: the query was a probe;
 * a probe that times out doubles the probe interval. */
void rdc_srvsel_timeout(rdc_srvsel_t *ss, int i, unsigned long long sent_ms, unsigned long long now,
                        bool probe);

/* Server i is unreachable (ICMP port unreachable): down at once. */
void rdc_srvsel_unreachable(rdc_srvsel_t *ss, int i, unsigned long long now);

/* The retransmission timeout for a query to server i: srtt + 4 rttvar (RFC
 * 6298 §2), the variance term at least srtt / 4 (a steady long path),
 * at least RDC_SRV_RTO_MIN, at most timeout_ms. A server not yet
 * measured gets the largest RTO of those that are (a server far slower
 * than its peers is as good as down), or when none is RDC_SRV_UNKNOWN_MS
 * (Unbound's timeout for an unknown server), or half the timeout if that
 * is less. */
unsigned rdc_srvsel_rto(const rdc_srvsel_t *ss, int i);

/* How many servers are up. */
size_t rdc_srvsel_up(const rdc_srvsel_t *ss);

#endif
