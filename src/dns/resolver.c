/* resolver.c - the only file that includes ares.h. One channel, sockets
 * reported through ARES_OPT_SOCK_STATE_CB into our epoll loop, answers handed
 * up raw so the core parses them with one policy on every c-ares version
 * (see ../shared notes: NOCHECKRESP to see SERVFAIL, no search list, no
 * /etc/hosts, explicit timeouts and EDNS). One channel per server, so the
 * query layer chooses the server of every query. The --rate queue and
 * deferred failures are pace.c's, the rdc_dns_t view resolver_dns.c's. */
#define _GNU_SOURCE
#define CARES_NO_DEPRECATED
#include "pace.h"
#include "resolver.h"
#include "util.h"

#include <ares.h>
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One channel per server: c-ares 1.18 always starts with its first server
 * and keeps no history, so the choice of server is ours (query.c). */
typedef struct chan {
    rdc_resolver_t *r;
    ares_channel ch;
    rdc_server_t server;
    bool recurse; /* RD=1 (a resolver) or RD=0 (an authoritative server) */
    unsigned long busy; /* added servers: queries not called back yet */
    unsigned long long used_ms; /* added servers: last handed out */
} chan_t;

/* Channels of added servers (each holds a socket): past the soft limit an
 * idle one is given to the new server; past the hard limit none is made. */
#define RDC_ADDED_SOFT 64
#define RDC_ADDED_HARD 512

/* A query to an added server, counted while its channel is busy. */
typedef struct track {
    rdc_resolver_t *r;
    size_t chan;
    rdc_query_cb_t cb;
    void *arg;
} track_t;

struct rdc_resolver {
    chan_t **chans; /* the configured servers, then those added */
    size_t nchans, ncap;
    size_t nconf; /* configured servers (rdc_resolver_nservers) */
    bool rotate; /* rdc_resolver_rotate */
    unsigned timeout_ms;
    rdc_loop_t *loop;
    unsigned long queries, timeouts;
    bool limited;
    bool sending; /* inside ares_query: callbacks are deferred */
    rdc_bucket_t bucket;
    rdc_held_q_t held; /* waiting for the rate limit */
    rdc_held_q_t deferred; /* failed inside ares_query, reported next turn */
};

typedef struct qctx {
    rdc_resolver_t *r;
    rdc_query_cb_t cb;
    void *arg;
} qctx_t;

static void on_fd(void *ctx, int fd, bool readable, bool writable)
{
    chan_t *c = ctx;
    ares_process_fd(c->ch, readable ? fd : ARES_SOCKET_BAD, writable ? fd : ARES_SOCKET_BAD);
}

static void sock_state(void *data, ares_socket_t fd, int readable, int writable)
{
    chan_t *c = data;
    /* (1,0) on open, (1,1) while TCP output is queued, (0,0) before close */
    rdc_loop_watch(c->r->loop, fd, readable != 0, writable != 0, on_fd, c);
}

static int lib_refs;

static void fill_options(struct ares_options *opts, int *mask, unsigned timeout_ms)
{
    memset(opts, 0, sizeof *opts);
    *mask = ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_LOOKUPS |
            ARES_OPT_DOMAINS | ARES_OPT_EDNSPSZ | ARES_OPT_SOCK_RCVBUF;
    /* NOCHECKRESP: report SERVFAIL/REFUSED instead of retrying them into
     * ECONNREFUSED (the failover to the next server is ours). EDNS
     * explicitly: setting flags drops the default on 1.22+. */
    opts->flags = ARES_FLAG_NOCHECKRESP | ARES_FLAG_EDNS | ARES_FLAG_NOSEARCH;
    opts->timeout = (int)timeout_ms;
    /* One try: the query layer retries, so it sees every loss at once (to
     * shrink its window and mark servers down) and picks the next server. */
    opts->tries = 1;
    opts->lookups = (char *)"b"; /* DNS only, never /etc/hosts */
    opts->domains = NULL; /* no search list */
    opts->ndomains = 0;
    opts->ednspsz = 1232; /* DNS flag day 2020 */
    opts->socket_receive_buffer_size = 4 << 20;
#if defined(ARES_OPT_QUERY_CACHE)
    /* 1.23+: we share lookups ourselves and tests need every query sent */
    *mask |= ARES_OPT_QUERY_CACHE;
    opts->qcache_max_ttl = 0;
#endif
}

/* The system's servers (resolv.conf), read through a throwaway channel, and
 * whether it asks for rotation ("options rotate"). */
static bool system_servers(unsigned timeout_ms, rdc_server_t *out, size_t max, size_t *n,
                           bool *rotate, char *err, size_t errlen)
{
    struct ares_options opts;
    int mask, rc;
    ares_channel ch;
    struct ares_addr_port_node *list = NULL;
    fill_options(&opts, &mask, timeout_ms);
    if ((rc = ares_init_options(&ch, &opts, mask)) != ARES_SUCCESS) {
        snprintf(err, errlen, "cannot set up the resolver: %s", ares_strerror(rc));
        return false;
    }
    struct ares_options saved;
    int saved_mask = 0;
    if (ares_save_options(ch, &saved, &saved_mask) == ARES_SUCCESS) {
        *rotate = *rotate || (saved_mask & ARES_OPT_ROTATE) != 0;
        ares_destroy_options(&saved);
    }
    rc = ares_get_servers_ports(ch, &list);
    *n = 0;
    for (struct ares_addr_port_node *p = list; rc == ARES_SUCCESS && p && *n < max; p = p->next) {
        rdc_server_t *s = &out[*n];
        memset(s, 0, sizeof *s);
        s->port = p->udp_port > 0 ? (unsigned)p->udp_port : 0;
        if (p->family == AF_INET) {
            s->addr.family = 4;
            memcpy(s->addr.b, &p->addr.addr4, 4);
        } else if (p->family == AF_INET6) {
            s->addr.family = 6;
            memcpy(s->addr.b, &p->addr.addr6, 16);
        } else {
            continue;
        }
        (*n)++;
    }
    ares_free_data(list);
    ares_destroy(ch);
    if (rc != ARES_SUCCESS || *n == 0) {
        snprintf(err, errlen, "no DNS server configured (give one with -s)");
        return false;
    }
    return true;
}

static bool chan_init(chan_t *c, rdc_resolver_t *r, const rdc_server_t *s, unsigned timeout_ms,
                      bool recurse, char *err, size_t errlen)
{
    struct ares_options opts;
    int mask, rc;
    fill_options(&opts, &mask, timeout_ms);
    if (!recurse)
        opts.flags |= ARES_FLAG_NORECURSE; /* RD=0: ask an authoritative server */
    mask |= ARES_OPT_SOCK_STATE_CB;
    opts.sock_state_cb = sock_state;
    opts.sock_state_cb_data = c;
    c->r = r;
    c->server = *s;
    c->recurse = recurse;
    if ((rc = ares_init_options(&c->ch, &opts, mask)) != ARES_SUCCESS) {
        snprintf(err, errlen, "cannot set up the resolver: %s", ares_strerror(rc));
        c->ch = NULL;
        return false;
    }
    struct ares_addr_port_node node;
    memset(&node, 0, sizeof node);
    unsigned port = s->port ? s->port : 53;
    node.udp_port = (int)port;
    node.tcp_port = (int)port;
    if (s->addr.family == 4) {
        node.family = AF_INET;
        memcpy(&node.addr.addr4, s->addr.b, 4);
    } else {
        node.family = AF_INET6;
        memcpy(&node.addr.addr6, s->addr.b, 16);
    }
    if ((rc = ares_set_servers_ports(c->ch, &node)) != ARES_SUCCESS) {
        snprintf(err, errlen, "cannot use the DNS servers: %s", ares_strerror(rc));
        return false;
    }
    return true;
}

/* A new channel for s at the end of r->chans; false with err set. */
static bool chan_add(rdc_resolver_t *r, const rdc_server_t *s, bool recurse, char *err,
                     size_t errlen)
{
    if (r->nchans == r->ncap) {
        size_t cap = r->ncap ? r->ncap * 2 : 4;
        chan_t **c = realloc(r->chans, cap * sizeof *c);
        if (c == NULL) {
            snprintf(err, errlen, "out of memory");
            return false;
        }
        r->chans = c;
        r->ncap = cap;
    }
    chan_t *c = calloc(1, sizeof *c);
    if (c == NULL) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    bool ok = chan_init(c, r, s, r->timeout_ms, recurse, err, errlen);
    if (c->ch == NULL) {
        free(c);
        return false;
    }
    r->chans[r->nchans++] = c;
    return ok;
}

rdc_resolver_t *rdc_resolver_new(rdc_loop_t *loop, const rdc_resolver_opts_t *o, char *err,
                                 size_t errlen)
{
    rdc_resolver_t *r = calloc(1, sizeof *r);
    rdc_server_t sys[RDC_RESOLVER_MAX_SERVERS];
    const rdc_server_t *servers = o->servers;
    size_t n = o->nservers;
    int rc;
    if (r == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    r->loop = loop;
    r->timeout_ms = o->timeout_ms;
    r->rotate = o->rotate;
    if (o->rate > 0) {
        r->limited = true;
        rdc_bucket_init(&r->bucket, o->rate, rdc_now_ms());
    }
    if (lib_refs++ == 0 && (rc = ares_library_init(ARES_LIB_INIT_ALL)) != ARES_SUCCESS) {
        snprintf(err, errlen, "c-ares: %s", ares_strerror(rc));
        goto fail;
    }
    if (n == 0) {
        if (!system_servers(o->timeout_ms, sys, RDC_RESOLVER_MAX_SERVERS, &n, &r->rotate, err,
                            errlen))
            goto fail;
        servers = sys;
    }
    if (n > RDC_RESOLVER_MAX_SERVERS) {
        snprintf(err, errlen, "too many DNS servers (at most %d)", RDC_RESOLVER_MAX_SERVERS);
        goto fail;
    }
    for (size_t i = 0; i < n; i++)
        if (!chan_add(r, &servers[i], true, err, errlen))
            goto fail;
    r->nconf = n;
    return r;
fail:
    for (size_t i = 0; i < r->nchans; i++) {
        ares_destroy(r->chans[i]->ch);
        free(r->chans[i]);
    }
    free(r->chans);
    if (--lib_refs == 0)
        ares_library_cleanup();
    free(r);
    return NULL;
}

void rdc_resolver_free(rdc_resolver_t *r)
{
    if (r == NULL)
        return;
    rdc_held_cancel(&r->deferred);
    rdc_held_cancel(&r->held);
    for (size_t i = 0; i < r->nchans; i++) {
        if (r->chans[i]->ch)
            ares_destroy(r->chans[i]->ch);
        free(r->chans[i]);
    }
    free(r->chans);
    if (--lib_refs == 0)
        ares_library_cleanup();
    free(r);
}

size_t rdc_resolver_nservers(const rdc_resolver_t *r)
{
    return r->nconf;
}

const rdc_server_t *rdc_resolver_server(const rdc_resolver_t *r, size_t i)
{
    return i < r->nchans ? &r->chans[i]->server : NULL;
}

size_t rdc_resolver_add_server(rdc_resolver_t *r, const rdc_server_t *s, bool recurse)
{
    char err[128];
    unsigned long long now = rdc_now_ms();
    size_t idle = SIZE_MAX;
    for (size_t i = r->nconf; i < r->nchans; i++) {
        chan_t *c = r->chans[i];
        if (rdc_addr_equal(&c->server.addr, &s->addr) && c->server.port == s->port &&
            c->recurse == recurse) {
            c->used_ms = now;
            return i;
        }
        if (c->busy == 0 && (idle == SIZE_MAX || c->used_ms < r->chans[idle]->used_ms))
            idle = i;
    }
    size_t added = r->nchans - r->nconf;
    if (added >= RDC_ADDED_SOFT && idle != SIZE_MAX) {
        /* the least recently used idle channel becomes this server's: its
         * number now means the new server (callers ask again per use) */
        chan_t *c = r->chans[idle];
        ares_destroy(c->ch);
        c->ch = NULL;
        bool ok = chan_init(c, r, s, r->timeout_ms, recurse, err, sizeof err);
        if (c->ch == NULL || !ok) {
            if (c->ch)
                ares_destroy(c->ch);
            /* the slot is dead: last in the array, drop it; else park it
             * on an address no caller asks for */
            c->ch = NULL;
            if (idle == r->nchans - 1) {
                free(c);
                r->nchans--;
            } else {
                memset(&c->server, 0, sizeof c->server);
                c->busy = ULONG_MAX; /* never idle again */
            }
            return SIZE_MAX;
        }
        c->used_ms = now;
        return idle;
    }
    if (added >= RDC_ADDED_HARD || !chan_add(r, s, recurse, err, sizeof err))
        return SIZE_MAX;
    r->chans[r->nchans - 1]->used_ms = now;
    return r->nchans - 1;
}

static void on_answer(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
    qctx_t *q = arg;
    (void)timeouts;
    bool cancelled = false;
    rdc_dns_status_t st = RDC_DNS_S_ERROR;
    const uint8_t *msg = NULL;
    size_t len = 0;
    switch (status) {
    case ARES_SUCCESS:
    case ARES_ENODATA:
    case ARES_ENOTFOUND:
    case ARES_ESERVFAIL:
    case ARES_EREFUSED:
    case ARES_EFORMERR:
    case ARES_ENOTIMP:
        /* the answer's rcode says it all; parse it ourselves */
        if (abuf != NULL && alen > 0) {
            msg = abuf;
            len = (size_t)alen;
        } else {
            st = status == ARES_ESERVFAIL   ? RDC_DNS_S_SERVFAIL
                 : status == ARES_EREFUSED  ? RDC_DNS_S_REFUSED
                 : status == ARES_ENOTFOUND ? RDC_DNS_NXDOMAIN
                 : status == ARES_ENODATA   ? RDC_DNS_NODATA
                                            : RDC_DNS_S_ERROR;
        }
        break;
    case ARES_ETIMEOUT:
        q->r->timeouts++;
        st = RDC_DNS_S_TIMEOUT;
        break;
    case ARES_ECONNREFUSED:
        st = RDC_DNS_S_UNREACHABLE;
        break;
    case ARES_EDESTRUCTION:
    case ARES_ECANCELLED:
        cancelled = true;
        st = RDC_DNS_S_ERROR;
        break;
    default: /* EBADRESP, ENOMEM, EBADNAME, ... */
        st = RDC_DNS_S_ERROR;
        break;
    }
    if (q->r->sending && !cancelled) {
        /* inside ares_query, nothing was sent (no socket: EMFILE shows as
         * ECONNREFUSED in 1.18), so this says nothing about the server:
         * report it on the next loop turn, so no caller sees its callback
         * run inside its own call */
        rdc_held_defer(&q->r->deferred, q->cb, q->arg, RDC_DNS_S_ERROR);
        free(q);
        return;
    }
    q->cb(q->arg, msg, len, st, cancelled);
    free(q);
}

static void send_now(rdc_resolver_t *r, size_t server, const char *name, uint16_t type,
                     rdc_query_cb_t cb, void *arg)
{
    qctx_t *q = malloc(sizeof *q);
    if (q == NULL || server >= r->nchans || r->chans[server]->ch == NULL) {
        free(q);
        rdc_held_defer(&r->deferred, cb, arg, RDC_DNS_S_ERROR);
        return;
    }
    q->r = r;
    q->cb = cb;
    q->arg = arg;
    r->queries++;
    r->sending = true;
    ares_query(r->chans[server]->ch, name, 1 /* C_IN */, type, on_answer, q);
    r->sending = false;
}

/* The callback of a query to an added server: the channel is idle again
 * once the caller has seen it (a retry inside the callback counts anew). */
static void tracked(void *arg, const uint8_t *msg, size_t len, rdc_dns_status_t st, bool cancelled)
{
    track_t *t = arg;
    t->cb(t->arg, msg, len, st, cancelled);
    if (!cancelled && t->chan < t->r->nchans)
        t->r->chans[t->chan]->busy--;
    free(t);
}

void rdc_resolver_query(rdc_resolver_t *r, size_t server, const char *name, uint16_t type,
                        rdc_query_cb_t cb, void *arg)
{
    if (server >= r->nconf && server < r->nchans && r->chans[server]->ch != NULL) {
        track_t *t = malloc(sizeof *t);
        if (t == NULL) {
            rdc_held_defer(&r->deferred, cb, arg, RDC_DNS_S_ERROR);
            return;
        }
        *t = (track_t){r, server, cb, arg};
        r->chans[server]->busy++;
        cb = tracked;
        arg = t;
    }
    if (!r->limited || (r->held.head == NULL && rdc_bucket_take(&r->bucket, rdc_now_ms()))) {
        send_now(r, server, name, type, cb, arg);
        return;
    }
    if (!rdc_held_hold(&r->held, server, name, type, cb, arg))
        rdc_held_defer(&r->deferred, cb, arg, RDC_DNS_S_ERROR);
}

void rdc_resolver_pump(rdc_resolver_t *r)
{
    rdc_held_run_deferred(&r->deferred);
    if (!r->limited)
        return;
    unsigned long long now = rdc_now_ms();
    while (r->held.head && rdc_bucket_take(&r->bucket, now)) {
        rdc_held_t *h = rdc_held_pop(&r->held);
        send_now(r, h->server, h->name, h->type, h->cb, h->arg);
        free(h);
    }
}

int rdc_resolver_timeout(rdc_resolver_t *r, int max_ms)
{
    if (r->deferred.head)
        return 0;
    if (r->held.head) {
        unsigned w = rdc_bucket_wait_ms(&r->bucket, rdc_now_ms());
        if (max_ms < 0 || w < (unsigned)max_ms)
            max_ms = (int)w;
    }
    for (size_t i = 0; i < r->nchans; i++) {
        struct timeval maxtv = {max_ms / 1000, (max_ms % 1000) * 1000}, tv;
        if (r->chans[i]->ch == NULL)
            continue;
        struct timeval *t = ares_timeout(r->chans[i]->ch, max_ms < 0 ? NULL : &maxtv, &tv);
        if (t == NULL)
            continue;
        long ms = t->tv_sec * 1000 + (t->tv_usec + 999) / 1000;
        max_ms = ms > 0 ? (int)ms : 0;
    }
    return max_ms;
}

void rdc_resolver_tick(rdc_resolver_t *r)
{
    for (size_t i = 0; i < r->nchans; i++)
        if (r->chans[i]->ch)
            ares_process_fd(r->chans[i]->ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
}

unsigned long rdc_resolver_queries(const rdc_resolver_t *r)
{
    return r->queries;
}

unsigned long rdc_resolver_timeouts(const rdc_resolver_t *r)
{
    return r->timeouts;
}

bool rdc_resolver_rotate(const rdc_resolver_t *r)
{
    return r->rotate;
}

const char *rdc_resolver_version(void)
{
    return ares_version(NULL);
}
