/* fakedns.h - scripted DNS responder for fault-injection tests.
 * A tiny UDP+TCP DNS server on loopback that answers from a rule script and
 * misbehaves on demand (SERVFAIL, drops, truncation, wrong IDs, hostile bytes). */
#ifndef FAKEDNS_H
#define FAKEDNS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Opaque handle of one running responder. */
typedef struct fakedns fakedns_t;

/* Optional per-query callback, called from the server thread once for every
 * query whose question could be parsed, before it is answered.
 * proto is "udp" or "tcp"; qname is in presentation form without the trailing
 * dot ("." for the root; bytes outside 0x21..0x7e as \DDD, '.' '\' '"' escaped
 * with a backslash); qtype is a mnemonic ("A", "PTR", ...) or "TYPEnnn". */
typedef void (*fakedns_log_fn)(void *ctx, const char *proto, const char *qname, const char *qtype);

/* Parse `script` (format: see the comment at the top of fakedns.c), bind a UDP
 * socket and a TCP listener on 127.0.0.1 with the same kernel-chosen port and
 * start serving from a background thread.
 * Returns NULL on error and writes a one-line message to err (if err != NULL
 * and errlen > 0); script errors read "line N: ...". */
fakedns_t *fakedns_start(const char *script, char *err, size_t errlen);

/* Same as fakedns_start, but bind to `addr` (IPv4 or IPv6 literal; NULL means
 * "127.0.0.1") and `port` (0 = kernel-chosen, same port for UDP and TCP). */
fakedns_t *fakedns_start_at(const char *script, const char *addr, unsigned port, char *err,
                            size_t errlen);

/* Same as fakedns_start_at, plus an optional query callback `logfn` (may be
 * NULL) that receives `logctx` as its first argument. */
fakedns_t *fakedns_start_ex(const char *script, const char *addr, unsigned port,
                            fakedns_log_fn logfn, void *logctx, char *err, size_t errlen);

/* The port the responder listens on (UDP and TCP). */
unsigned fakedns_port(const fakedns_t *dns);

/* Number of queries received so far (UDP and TCP) whose qname equals `qname`
 * (presentation form, case-insensitive, trailing dot optional, escapes allowed;
 * NULL or "*" = any name) and whose qtype is `qtype` ("A", "PTR", a number,
 * "TYPEnnn"; NULL or "*" = any). An unparsable qname or qtype gives 0.
 * Only queries with a parsable question are counted. Thread-safe. */
unsigned long fakedns_queries(const fakedns_t *dns, const char *qname, const char *qtype);

/* Same as fakedns_queries, counting only queries that arrived over TCP. */
unsigned long fakedns_queries_tcp(const fakedns_t *dns, const char *qname, const char *qtype);

/* Stop the server thread, close all sockets and connections, drop replies
 * still waiting for their delay, and free `dns`. NULL is a no-op. */
void fakedns_stop(fakedns_t *dns);

#ifdef __cplusplus
}
#endif

#endif /* FAKEDNS_H */
