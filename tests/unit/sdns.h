/* sdns.h - a scripted resolver in the test process: an rdc_dns_t whose
 * answers come from rules, so unit tests drive the query layer and the
 * engine (ordering, retries, failover, cache sharing, CNAME chasing, every
 * verdict path) without sockets. Queries are answered on the next pump,
 * never inside the query call (the rdc_dns_t contract). */
#ifndef RDC_SDNS_H
#define RDC_SDNS_H

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
 * A query no rule matches gets NXDOMAIN. */
sdns_t *sdns_new(size_t nservers);

/* Cancels held queries (their callbacks run with cancelled=true), frees. */
void sdns_free(sdns_t *s);

rdc_dns_t sdns_dns(sdns_t *s);

/* Adds a rule: queries for qname (presentation form, case-insensitive; "*"
 * any) of qtype (0: any) sent to server (-1: any) get act. For SDNS_ANSWER
 * the response has rcode and the answer records in rrs: "OWNER TTL TYPE
 * DATA" separated by ';' (OWNER "@" is the query name; TYPE A, AAAA, PTR,
 * CNAME, MX "PREF NAME" or TXT "TEXT"). The most recent matching rule
 * wins, so a test can override earlier ones. */
void sdns_rule(sdns_t *s, int server, const char *qname, uint16_t qtype, sdns_act_t act,
               unsigned rcode, const char *rrs);

/* Like sdns_rule, answering with the exact bytes msg/len (copied). */
void sdns_rule_raw(sdns_t *s, int server, const char *qname, uint16_t qtype, const uint8_t *msg,
                   size_t len);

/* Queries seen so far for qname (NULL: any) of qtype (0: any) sent to
 * server (-1: any). */
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

/* Runs the loop of a test by hand: answers everything queued (what that
 * starts is queued for the next call). Returns how many were answered. */
size_t sdns_pump_now(sdns_t *s);

#endif
