/* sdns.h - a scripted resolver in the test process: an rdc_dns_t whose
 * answers come from rules, so unit tests drive the query layer and the
 * engine (ordering, retries, failover, cache sharing, CNAME chasing, every
 * verdict path) without sockets. Queries are answered on the next pump,
 * never inside the query call (the rdc_dns_t contract). */
#ifndef RDC_SDNS_H
#define RDC_SDNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "resolver.h"

typedef struct sdns sdns_t;

typedef enum sdns_act {
    SDNS_ANSWER, /* a response with rcode and records */
    SDNS_TIMEOUT, /* RDC_DNS_S_TIMEOUT at once (a logical timeout) */
    SDNS_UNREACHABLE, /* RDC_DNS_S_UNREACHABLE */
    SDNS_ERROR, /* RDC_DNS_S_ERROR without an answer */
    SDNS_HOLD /* never answered (until sdns_free cancels it) */
} sdns_act_t;

/* A resolver with nservers servers (127.0.0.1, ports 10001, 10002, ...).
 * A query no rule matches gets NXDOMAIN (without AA). */
sdns_t *sdns_new(size_t nservers);

/* Cancels held queries (their callbacks run with cancelled=true), frees. */
void sdns_free(sdns_t *s);

/* The resolver as an rdc_dns_t, with add_server (--authority can run). */
rdc_dns_t sdns_dns(sdns_t *s);

/* The same without add_server (NULL), as a resolver that cannot ask a
 * zone's servers directly. */
rdc_dns_t sdns_dns_plain(sdns_t *s);

/* Whether the resolver asks for rotation (rdc_dns_ops_t.rotate, --rotate);
 * off by default. Set before the query layer is made. */
void sdns_set_rotate(sdns_t *s, bool on);

/* Adds a rule: queries for qname (presentation form, case-insensitive; "*"
 * any) of qtype (0: any) sent to server (-1: any; a number; or sdns_at(),
 * an added server by address) get act. For SDNS_ANSWER the response has
 * rcode and the records in rrs: "OWNER TTL TYPE DATA" separated by ';'
 * (OWNER "@" is the query name; TYPE A, AAAA, PTR, CNAME, NS, MX "PREF
 * NAME", TXT "TEXT" (without '|') or SOA "MNAME RNAME SERIAL REFRESH RETRY
 * EXPIRE MINIMUM"), the answer section's, then optionally '|' and the
 * authority section's: "@ 300 CNAME x.test|test 60 SOA ns.test h.test 1 2
 * 3 4 5", then optionally '|' and the additional section's (glue):
 * "|sub.test 60 NS ns.sub.test|ns.sub.test 60 A 192.0.2.53". The response copies the query's RD (RD=0 to an added server
 * with recurse false), has RA as RD, and AA clear. The most recent
 * matching rule wins, so a test can override earlier ones. */
void sdns_rule(sdns_t *s, int server, const char *qname, uint16_t qtype, sdns_act_t act,
               unsigned rcode, const char *rrs);

/* Header flags of an answer (sdns_rule_ex). */
#define SDNS_AA 0x01u /* AA: the server answers with authority */

/* sdns_rule, the answer's header with flags (SDNS_AA). */
void sdns_rule_ex(sdns_t *s, int server, const char *qname, uint16_t qtype, sdns_act_t act,
                  unsigned rcode, unsigned flags, const char *rrs);

/* Like sdns_rule, answering with the exact bytes msg/len (copied). */
void sdns_rule_raw(sdns_t *s, int server, const char *qname, uint16_t qtype, const uint8_t *msg,
                   size_t len);

/* Queries seen so far for qname (NULL: any) of qtype (0: any) sent to
 * server (-1: any; a number; sdns_at()). */
unsigned long sdns_count(const sdns_t *s, int server, const char *qname, uint16_t qtype);

/* Queries not answered yet (queued or held). */
size_t sdns_pending(const sdns_t *s);

/* Held queries not answered yet. */
size_t sdns_held(const sdns_t *s);

/* Releases every held query: each is answered on the next pump by the rule
 * that matches it then (add a newer rule first, or it gets RDC_DNS_S_ERROR
 * as a query whose rule says hold but is no longer held). Returns how many. */
size_t sdns_release(sdns_t *s);

/* A rule whose records are made per query: fn writes the "OWNER TTL TYPE
 * DATA;..." list for qname into buf (cap bytes) and returns the rcode. */
typedef unsigned (*sdns_fn_t)(void *ctx, const char *qname, uint16_t qtype, char *buf, size_t cap);
void sdns_rule_fn(sdns_t *s, int server, const char *qname, uint16_t qtype, sdns_fn_t fn,
                  void *ctx);

/* ---- servers added through rdc_dns_ops_t.add_server (--authority) ----
 * They get the numbers after the configured ones, in the order added; the
 * same address, port and recurse flag again gives the same number, as
 * rdc_resolver_add_server does. */

/* A `server` argument (for the rules, sdns_count, sdns_server_recurse)
 * that means the added server at addr (IPv4 or IPv6 text), whether it is
 * added yet or not: a test writes the rules of a zone's servers before the
 * engine finds them. Always < -1; the same address gives the same value. */
int sdns_at(sdns_t *s, const char *addr);

/* The number add_server gave addr (text), or -1 when it is not added. */
int sdns_server_index(const sdns_t *s, const char *addr);

/* Distinct servers added, and add_server calls (repeats and failures too). */
size_t sdns_nadded(const sdns_t *s);
unsigned long sdns_add_calls(const sdns_t *s);

/* 1 when queries to server (a number or sdns_at()) go out with RD (every
 * configured server, added ones with recurse), 0 when with RD=0, -1 for a
 * server that does not exist (yet). */
int sdns_server_recurse(const sdns_t *s, int server);

/* Makes add_server fail (SIZE_MAX) for addr (text), or every server with
 * NULL. */
void sdns_fail_add(sdns_t *s, const char *addr);

/* Queries seen so far that went out with RD (rd true) or without. */
unsigned long sdns_count_rd(const sdns_t *s, bool rd);

/* Runs the loop of a test by hand: answers everything queued (what that
 * starts is queued for the next call). Returns how many were answered. */
size_t sdns_pump_now(sdns_t *s);

#endif
