/* resolver.h - asynchronous DNS queries on c-ares, driven by rdc_loop.
 * The only module that sees c-ares; everything above it gets raw answers. */
#ifndef RDC_RESOLVER_H
#define RDC_RESOLVER_H

#include "loop.h"
#include "rdnscheck.h"

typedef struct rdc_server {
    rdc_addr_t addr;
    unsigned port; /* 0 = 53 */
} rdc_server_t;

#define RDC_RESOLVER_MAX_SERVERS 32
#define RDC_SERVER_TEXT_MAX 56 /* "[IPv6]:port" */

typedef struct rdc_resolver_opts {
    const rdc_server_t *servers; /* NULL: the system configuration */
    size_t nservers;
    /* per try of one server; c-ares makes one pass over the servers per
     * query and the engine retries (rdc_engine_opts_t.tries) */
    unsigned timeout_ms;
    unsigned rate; /* queries per second at most; 0 = no limit */
    /* --rotate: spread questions over the servers (rdc_srvsel_pick); with
     * the system configuration, its "options rotate" sets it too */
    bool rotate;
} rdc_resolver_opts_t;

typedef struct rdc_resolver rdc_resolver_t;

/* Called once per query. msg/len is the server's answer (valid only during
 * the call) when there is one; otherwise msg is NULL and status says why
 * (timeout, unreachable, error). cancelled is set when the resolver is
 * being freed: do not start new queries then. */
typedef void (*rdc_query_cb_t)(void *arg, const uint8_t *msg, size_t len, rdc_dns_status_t status,
                               bool cancelled);

/* What the query layer and the engine need from a resolver, as function
 * pointers, so that unit tests drive them with a scripted resolver in the
 * same process (tests/unit/fakedns_res.c) and rdnscheck with c-ares. The
 * contract is the one of the rdc_resolver_* functions below: query never
 * calls back inside itself; timeout says how long the loop may sleep; tick
 * runs after a sleep that timed out; pump runs on every loop turn. */
typedef struct rdc_dns_ops {
    size_t (*nservers)(void *ctx);
    const rdc_server_t *(*server)(void *ctx, size_t i);
    void (*query)(void *ctx, size_t server, const char *name, uint16_t type, rdc_query_cb_t cb,
                  void *arg);
    int (*timeout)(void *ctx, int max_ms);
    void (*tick)(void *ctx);
    void (*pump)(void *ctx);
    /* Optional (NULL: --authority cannot run): as rdc_resolver_add_server. */
    size_t (*add_server)(void *ctx, const rdc_server_t *s, bool recurse);
    /* Optional (NULL: no): spread questions over the servers, as
     * rdc_resolver_rotate. */
    bool (*rotate)(void *ctx);
} rdc_dns_ops_t;

typedef struct rdc_dns {
    const rdc_dns_ops_t *ops;
    void *ctx;
} rdc_dns_t;

/* Creates a resolver whose sockets live in loop. On failure returns NULL
 * and writes a one-line reason to err. */
rdc_resolver_t *rdc_resolver_new(rdc_loop_t *loop, const rdc_resolver_opts_t *o, char *err,
                                 size_t errlen);

/* Cancels all queries (their callbacks run with cancelled=true), then frees.
 * Never call from inside a query callback. NULL is a no-op. */
void rdc_resolver_free(rdc_resolver_t *r);

/* The servers, in the order given (or of the system configuration):
 * numbers 0 .. nservers-1; those added below follow them. */
size_t rdc_resolver_nservers(const rdc_resolver_t *r);
const rdc_server_t *rdc_resolver_server(const rdc_resolver_t *r, size_t i);

/* Whether questions are spread over the servers: the rotate option, or
 * with the system configuration its "options rotate" (resolv.conf(5), or
 * RES_OPTIONS), as c-ares reads it. */
bool rdc_resolver_rotate(const rdc_resolver_t *r);

/* A server to ask by number, beside the configured ones (which the query
 * layer chooses among): with recurse false, queries go out with RD=0, to
 * ask an authoritative server directly (--authority). The same server
 * twice gives the same number while it has it: each added server holds a
 * channel and a socket, so past 64 of them the least recently used idle
 * one is given to the next server, and its number then means that server.
 * Ask again before each use; a number stays valid while a query sent with
 * it is not called back. SIZE_MAX when it cannot be set up (or past 512
 * busy ones). */
size_t rdc_resolver_add_server(rdc_resolver_t *r, const rdc_server_t *s, bool recurse);
/* "192.0.2.1:53" or "[2001:db8::1]:53" into buf (RDC_SERVER_TEXT_MAX). */
char *rdc_server_format(const rdc_server_t *s, char *buf);

/* Sends a class IN query for name (text form, no escapes needed: callers
 * only pass LDH-safe names) and type to server number `server`, one try.
 * The callback never runs inside this call: a query that fails at once
 * (no socket) is reported on the next rdc_resolver_pump. */
void rdc_resolver_query(rdc_resolver_t *r, size_t server, const char *name, uint16_t type,
                        rdc_query_cb_t cb, void *arg);

/* Milliseconds until c-ares next needs rdc_resolver_tick (capped at
 * max_ms), or max_ms when nothing is outstanding. */
int rdc_resolver_timeout(rdc_resolver_t *r, int max_ms);

/* Lets c-ares handle expired timeouts. Call when the wait timed out. */
void rdc_resolver_tick(rdc_resolver_t *r);

/* Reports deferred failures, and sends queries held back by the rate limit
 * whose time has come. Call on every loop turn. */
void rdc_resolver_pump(rdc_resolver_t *r);

/* A token bucket: `rate` tokens per second, holding at most `burst`. Pure,
 * so the limit is unit-tested without clocks. */
typedef struct rdc_bucket {
    double rate, burst, tokens;
    unsigned long long last_ms;
} rdc_bucket_t;

void rdc_bucket_init(rdc_bucket_t *b, unsigned rate, unsigned long long now_ms);
/* Takes one token if there is one at now_ms. */
bool rdc_bucket_take(rdc_bucket_t *b, unsigned long long now_ms);
/* Milliseconds until a token is there (0 if one is). */
unsigned rdc_bucket_wait_ms(const rdc_bucket_t *b, unsigned long long now_ms);

/* Queries sent, and queries that timed out (on every server), since creation. */
unsigned long rdc_resolver_queries(const rdc_resolver_t *r);
unsigned long rdc_resolver_timeouts(const rdc_resolver_t *r);

/* The resolver as an rdc_dns_t (valid as long as r is). */
rdc_dns_t rdc_resolver_dns(rdc_resolver_t *r);

/* The c-ares version in use, e.g. "1.18.1". */
const char *rdc_resolver_version(void);

#endif
