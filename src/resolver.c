/* resolver.c - the only file that includes ares.h. One channel, sockets
 * reported through ARES_OPT_SOCK_STATE_CB into our epoll loop, answers handed
 * up raw so the core parses them with one policy on every c-ares version
 * (see ../shared notes: NOCHECKRESP to see SERVFAIL, no search list, no
 * /etc/hosts, explicit timeouts and EDNS). */
#define _GNU_SOURCE
#define CARES_NO_DEPRECATED
#include "resolver.h"
#include "util.h"

#include <ares.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A query held back by the rate limit. */
typedef struct held {
    struct held *next;
    uint16_t type;
    rdc_query_cb_t cb;
    void *arg;
    char name[];
} held_t;

struct rdc_resolver {
    ares_channel ch;
    rdc_loop_t *loop;
    unsigned long queries, timeouts;
    bool limited;
    rdc_bucket_t bucket;
    held_t *held_head, *held_tail;
};

void rdc_bucket_init(rdc_bucket_t *b, unsigned rate, unsigned long long now_ms)
{
    b->rate = rate;
    /* a burst of 1/20 s worth keeps any one-second window within 5% of the
     * rate; at least one token so a low rate still sends */
    b->burst = rate / 20.0 < 1.0 ? 1.0 : rate / 20.0;
    b->tokens = b->burst;
    b->last_ms = now_ms;
}

static void bucket_refill(rdc_bucket_t *b, unsigned long long now_ms)
{
    if (now_ms > b->last_ms) {
        b->tokens += (double)(now_ms - b->last_ms) * b->rate / 1000.0;
        if (b->tokens > b->burst)
            b->tokens = b->burst;
        b->last_ms = now_ms;
    }
}

bool rdc_bucket_take(rdc_bucket_t *b, unsigned long long now_ms)
{
    bucket_refill(b, now_ms);
    if (b->tokens < 1.0)
        return false;
    b->tokens -= 1.0;
    return true;
}

unsigned rdc_bucket_wait_ms(const rdc_bucket_t *b, unsigned long long now_ms)
{
    rdc_bucket_t t = *b;
    bucket_refill(&t, now_ms);
    if (t.tokens >= 1.0)
        return 0;
    double ms = (1.0 - t.tokens) * 1000.0 / t.rate;
    return (unsigned)ms + 1;
}

typedef struct qctx {
    rdc_resolver_t *r;
    rdc_query_cb_t cb;
    void *arg;
} qctx_t;

static void on_fd(void *ctx, int fd, bool readable, bool writable)
{
    rdc_resolver_t *r = ctx;
    ares_process_fd(r->ch, readable ? fd : ARES_SOCKET_BAD, writable ? fd : ARES_SOCKET_BAD);
}

static void sock_state(void *data, ares_socket_t fd, int readable, int writable)
{
    rdc_resolver_t *r = data;
    /* (1,0) on open, (1,1) while TCP output is queued, (0,0) before close */
    rdc_loop_watch(r->loop, fd, readable != 0, writable != 0, on_fd, r);
}

static int lib_refs;

rdc_resolver_t *rdc_resolver_new(rdc_loop_t *loop, const rdc_resolver_opts_t *o, char *err,
                                 size_t errlen)
{
    rdc_resolver_t *r = calloc(1, sizeof *r);
    struct ares_addr_port_node *nodes = NULL;
    int rc;
    if (r == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    r->loop = loop;
    if (o->rate > 0) {
        r->limited = true;
        rdc_bucket_init(&r->bucket, o->rate, rdc_now_ms());
    }
    if (lib_refs++ == 0 && (rc = ares_library_init(ARES_LIB_INIT_ALL)) != ARES_SUCCESS) {
        snprintf(err, errlen, "c-ares: %s", ares_strerror(rc));
        goto fail;
    }

    struct ares_options opts;
    memset(&opts, 0, sizeof opts);
    int mask = ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_SOCK_STATE_CB |
               ARES_OPT_LOOKUPS | ARES_OPT_DOMAINS | ARES_OPT_EDNSPSZ | ARES_OPT_SOCK_RCVBUF;
    /* NOCHECKRESP: report SERVFAIL/REFUSED instead of retrying them into
     * ECONNREFUSED. EDNS explicitly: setting flags drops the default on 1.22+. */
    opts.flags = ARES_FLAG_NOCHECKRESP | ARES_FLAG_EDNS | ARES_FLAG_NOSEARCH;
    opts.timeout = (int)o->timeout_ms;
    /* One pass over the servers per query: the engine retries timed-out
     * queries itself, so it sees every loss at once (to shrink its window)
     * and can resend under the smaller window. */
    opts.tries = 1;
    opts.sock_state_cb = sock_state;
    opts.sock_state_cb_data = r;
    opts.lookups = (char *)"b"; /* DNS only, never /etc/hosts */
    opts.domains = NULL; /* no search list */
    opts.ndomains = 0;
    opts.ednspsz = 1232; /* DNS flag day 2020 */
    opts.socket_receive_buffer_size = 4 << 20;
#if defined(ARES_OPT_QUERY_CACHE)
    /* 1.23+: we share lookups ourselves and tests need every query sent */
    mask |= ARES_OPT_QUERY_CACHE;
    opts.qcache_max_ttl = 0;
#endif
    rc = ares_init_options(&r->ch, &opts, mask);
    if (rc != ARES_SUCCESS) {
        snprintf(err, errlen, "cannot set up the resolver: %s", ares_strerror(rc));
        r->ch = NULL;
        goto fail;
    }
    if (o->nservers > 0) {
        nodes = calloc(o->nservers, sizeof *nodes);
        if (nodes == NULL) {
            snprintf(err, errlen, "out of memory");
            goto fail;
        }
        for (size_t i = 0; i < o->nservers; i++) {
            struct ares_addr_port_node *n = &nodes[i];
            n->next = i + 1 < o->nservers ? &nodes[i + 1] : NULL;
            unsigned port = o->servers[i].port ? o->servers[i].port : 53;
            n->udp_port = (int)port;
            n->tcp_port = (int)port;
            if (o->servers[i].addr.family == 4) {
                n->family = AF_INET;
                memcpy(&n->addr.addr4, o->servers[i].addr.b, 4);
            } else {
                n->family = AF_INET6;
                memcpy(&n->addr.addr6, o->servers[i].addr.b, 16);
            }
        }
        rc = ares_set_servers_ports(r->ch, nodes);
        if (rc != ARES_SUCCESS) {
            snprintf(err, errlen, "cannot use the DNS servers: %s", ares_strerror(rc));
            goto fail;
        }
    }
    free(nodes);
    return r;
fail:
    free(nodes);
    if (r->ch)
        ares_destroy(r->ch);
    if (--lib_refs == 0)
        ares_library_cleanup();
    free(r);
    return NULL;
}

void rdc_resolver_free(rdc_resolver_t *r)
{
    if (r == NULL)
        return;
    while (r->held_head) {
        held_t *h = r->held_head;
        r->held_head = h->next;
        h->cb(h->arg, NULL, 0, RDC_DNS_S_ERROR, true);
        free(h);
    }
    ares_destroy(r->ch);
    if (--lib_refs == 0)
        ares_library_cleanup();
    free(r);
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
    q->cb(q->arg, msg, len, st, cancelled);
    free(q);
}

static void send_now(rdc_resolver_t *r, const char *name, uint16_t type, rdc_query_cb_t cb,
                     void *arg)
{
    qctx_t *q = malloc(sizeof *q);
    if (q == NULL) {
        cb(arg, NULL, 0, RDC_DNS_S_ERROR, false);
        return;
    }
    q->r = r;
    q->cb = cb;
    q->arg = arg;
    r->queries++;
    ares_query(r->ch, name, 1 /* C_IN */, type, on_answer, q);
}

void rdc_resolver_query(rdc_resolver_t *r, const char *name, uint16_t type, rdc_query_cb_t cb,
                        void *arg)
{
    if (!r->limited || (r->held_head == NULL && rdc_bucket_take(&r->bucket, rdc_now_ms()))) {
        send_now(r, name, type, cb, arg);
        return;
    }
    size_t n = strlen(name) + 1;
    held_t *h = malloc(sizeof *h + n);
    if (h == NULL) {
        cb(arg, NULL, 0, RDC_DNS_S_ERROR, false);
        return;
    }
    h->next = NULL;
    h->type = type;
    h->cb = cb;
    h->arg = arg;
    memcpy(h->name, name, n);
    if (r->held_tail)
        r->held_tail->next = h;
    else
        r->held_head = h;
    r->held_tail = h;
}

void rdc_resolver_pump(rdc_resolver_t *r)
{
    unsigned long long now = rdc_now_ms();
    while (r->held_head && rdc_bucket_take(&r->bucket, now)) {
        held_t *h = r->held_head;
        r->held_head = h->next;
        if (r->held_head == NULL)
            r->held_tail = NULL;
        send_now(r, h->name, h->type, h->cb, h->arg);
        free(h);
    }
}

int rdc_resolver_timeout(rdc_resolver_t *r, int max_ms)
{
    if (r->held_head) {
        unsigned w = rdc_bucket_wait_ms(&r->bucket, rdc_now_ms());
        if (max_ms < 0 || w < (unsigned)max_ms)
            max_ms = (int)w;
    }
    struct timeval maxtv = {max_ms / 1000, (max_ms % 1000) * 1000}, tv;
    struct timeval *t = ares_timeout(r->ch, max_ms < 0 ? NULL : &maxtv, &tv);
    if (t == NULL)
        return max_ms;
    long ms = t->tv_sec * 1000 + (t->tv_usec + 999) / 1000;
    return ms > 0 ? (int)ms : 0;
}

void rdc_resolver_tick(rdc_resolver_t *r)
{
    ares_process_fd(r->ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
}

unsigned long rdc_resolver_queries(const rdc_resolver_t *r)
{
    return r->queries;
}

unsigned long rdc_resolver_timeouts(const rdc_resolver_t *r)
{
    return r->timeouts;
}

static bool parse_port(const char *s, size_t n, unsigned *port)
{
    unsigned v = 0;
    if (n == 0 || n > 5 || (n > 1 && s[0] == '0'))
        return false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    if (v == 0 || v > 65535)
        return false;
    *port = v;
    return true;
}

bool rdc_servers_parse(const char *list, rdc_server_t *out, size_t max, size_t *n, char *err,
                       size_t errlen)
{
    *n = 0;
    const char *p = list;
    for (;;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        rdc_server_t s = {0};
        const char *a = p;
        size_t alen = len;
        bool ok;
        if (len > 0 && p[0] == '[') {
            /* [IPV6]:PORT or [IPV6] */
            const char *close = memchr(p, ']', len);
            ok = close != NULL;
            if (ok) {
                a = p + 1;
                alen = (size_t)(close - p - 1);
                size_t rest = len - (size_t)(close - p) - 1;
                if (rest > 0)
                    ok = close[1] == ':' && parse_port(close + 2, rest - 1, &s.port);
                ok = ok && rdc_addr_parse(a, alen, &s.addr) && s.addr.family == 6;
            }
        } else {
            const char *colon = memchr(p, ':', len);
            const char *last = colon;
            for (const char *c = colon; c && c < p + len;
                 c = memchr(c + 1, ':', (size_t)(p + len - c - 1)))
                last = c;
            if (colon != NULL && colon == last) {
                /* exactly one colon: IPV4:PORT */
                alen = (size_t)(colon - p);
                ok = parse_port(colon + 1, len - alen - 1, &s.port) &&
                     rdc_addr_parse(p, alen, &s.addr) && s.addr.family == 4;
            } else {
                ok = rdc_addr_parse(p, len, &s.addr); /* IPv4 or bare IPv6 */
            }
        }
        if (!ok) {
            char shown[200];
            rdc_escape_text(p, len, shown, sizeof shown);
            snprintf(err, errlen,
                     "bad DNS server '%s': use ADDR, ADDR:PORT or [IPV6]:PORT with an IP "
                     "address (not a name) and a port from 1 to 65535",
                     shown);
            return false;
        }
        if (*n == max) {
            snprintf(err, errlen, "too many DNS servers (at most %zu)", max);
            return false;
        }
        out[(*n)++] = s;
        if (end == NULL)
            break;
        p = end + 1;
    }
    return true;
}

const char *rdc_resolver_version(void)
{
    return ares_version(NULL);
}
