/* netproxy.c - a UDP proxy that makes loopback look like a real network:
 * fixed and jittered delay, random loss per direction, a rate limit (token
 * bucket, drops over it) and reordering, for tests and the bench (issue 18;
 * the kernels here have no sch_netem). Single-threaded, one epoll set.
 *
 * Each client address:port gets its own upstream socket, connected to the
 * upstream server, so any UDP protocol passes and replies find their way back
 * whatever ports the client uses. A packet lives in a binary heap ordered by
 * due time (CLOCK_MONOTONIC, nanoseconds) and a timerfd armed at the earliest
 * one wakes the loop, so delays are exact to well under a millisecond.
 *
 * Order of the faults: client -> upstream: loss (--loss-up) when the packet
 * arrives, then the delay, then the rate limit when it would reach the
 * server (it models the server's own limit); upstream -> client: loss
 * (--loss-down) on arrival, then the delay. Each of loss-up, loss-down and
 * delay/reorder draws from its own PRNG stream (splitmix64 from --seed), so
 * the n-th query's fate does not depend on how replies interleave. Times
 * are the kernel's arrival times (SO_TIMESTAMPNS) and due times, never
 * "when the loop got to it", so a proxy descheduled for a while neither
 * adds delay nor looks like a burst to the rate limit.
 *
 * Counters (one line, "netproxy: NAME VALUE ...", on stderr or in --stats
 * FILE, on SIGUSR1 and on exit): received (from clients), forwarded (to the
 * server), dropped-loss-up, dropped-rate, upstream-replies,
 * dropped-loss-down, replies (to clients), reordered, send-errors,
 * sessions (client ports seen), in-flight; received-1s and dropped-rate-1s
 * count only the first second after the first packet (a client's slow
 * start), so that "dropped over the limit after the first second" is
 * dropped-rate - dropped-rate-1s out of received - received-1s.
 *
 * Exit status: 0 after SIGTERM/SIGINT (counters written first); 2 if it
 * cannot start (bad arguments, address, bind); 1 if PORTFILE cannot be written.
 */

#define _GNU_SOURCE

#include "servemain.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define USAGE                                                                                      \
    "usage: netproxy -l ADDR:PORT -u ADDR:PORT [-d MS] [-j MS] [--loss-up P] [--loss-down P] "     \
    "[--loss P] [-r QPS] [--burst N] [--reorder P] [--seed N] [-P PORTFILE] [--stats FILE]"

#define MAX_DGRAM 65535
#define IDLE_NS (60ull * 1000000000ull) /* a client port unused this long is forgotten */
#define SOCKBUF (8 << 20)

enum { K_LISTEN, K_SESSION, K_TIMER, K_SIGNAL };
enum { UP, DOWN };

/* One client address:port and its upstream socket. */
typedef struct session {
    int kind; /* K_SESSION; first, as in every epoll tag */
    int fd;
    struct sockaddr_storage peer;
    socklen_t peerlen;
    uint64_t last_ns;
    unsigned long pending; /* packets in the heap that name this session */
    struct session *next; /* hash chain */
} session_t;

/* A packet waiting for its due time. */
typedef struct pkt {
    uint64_t due_ns;
    uint64_t seq; /* ties in arrival order */
    session_t *s;
    int dir;
    size_t len;
    unsigned char data[];
} pkt_t;

typedef struct counters {
    /* _1s: within the first second after the first packet (slow start) */
    unsigned long received, received_1s, forwarded, dropped_loss_up, dropped_rate, dropped_rate_1s;
    unsigned long upstream_replies, dropped_loss_down, replies, reordered, send_errors;
    unsigned long sessions;
} counters_t;

typedef struct proxy {
    int ep, lfd, tfd, sfd;
    struct sockaddr_storage up;
    socklen_t uplen;
    /* options */
    uint64_t delay_ns, jitter_ns;
    double loss_up, loss_down, reorder; /* probabilities 0..1 */
    double rate, burst;
    uint64_t seed;
    const char *stats_path;
    /* state */
    uint64_t rng[3]; /* UP loss, DOWN loss, delay (jitter and reorder) */
    double tokens;
    uint64_t refill_ns, first_ns;
    pkt_t **heap;
    size_t nheap, capheap;
    uint64_t seq, armed_ns;
    session_t **tab;
    size_t ntab, nsess;
    uint64_t last_reap_ns;
    counters_t c;
    unsigned char buf[MAX_DGRAM];
} proxy_t;

static const int tag_listen = K_LISTEN, tag_timer = K_TIMER, tag_signal = K_SIGNAL;

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* splitmix64 (Steele, Lea, Flood 2014): one 64-bit state, good enough
 * statistics for fault injection, and trivially reproducible. */
static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static double uniform(uint64_t *x)
{
    return (double)(splitmix64(x) >> 11) * 0x1.0p-53;
}

/* ------------------------------------------------------------ the heap */

static bool before(const pkt_t *a, const pkt_t *b)
{
    return a->due_ns < b->due_ns || (a->due_ns == b->due_ns && a->seq < b->seq);
}

static bool heap_push(proxy_t *p, pkt_t *k)
{
    if (p->nheap == p->capheap) {
        size_t ncap = p->capheap ? p->capheap * 2 : 1024;
        pkt_t **nh = realloc(p->heap, ncap * sizeof *nh);
        if (!nh)
            return false;
        p->heap = nh;
        p->capheap = ncap;
    }
    size_t i = p->nheap++;
    while (i > 0) {
        size_t up = (i - 1) / 2;
        if (!before(k, p->heap[up]))
            break;
        p->heap[i] = p->heap[up];
        i = up;
    }
    p->heap[i] = k;
    return true;
}

static pkt_t *heap_pop(proxy_t *p)
{
    pkt_t *top = p->heap[0], *last = p->heap[--p->nheap];
    size_t i = 0, n = p->nheap;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && before(p->heap[c + 1], p->heap[c]))
            c++;
        if (!before(p->heap[c], last))
            break;
        p->heap[i] = p->heap[c];
        i = c;
    }
    if (n > 0)
        p->heap[i] = last;
    return top;
}

/* Arm the timerfd at the earliest due time (absolute), if it changed. */
static void arm_timer(proxy_t *p)
{
    uint64_t due = p->nheap ? p->heap[0]->due_ns : 0;
    if (due == p->armed_ns)
        return;
    struct itimerspec its = {{0, 0}, {0, 0}};
    if (due) {
        its.it_value.tv_sec = (time_t)(due / 1000000000ull);
        its.it_value.tv_nsec = (long)(due % 1000000000ull);
    }
    timerfd_settime(p->tfd, TFD_TIMER_ABSTIME, &its, NULL);
    p->armed_ns = due;
}

/* ------------------------------------------------------------ sessions */

static size_t addr_hash(const struct sockaddr_storage *ss)
{
    uint64_t h = 1469598103934665603ull;
    const unsigned char *b;
    size_t n;
    if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;
        b = s6->sin6_addr.s6_addr;
        n = 16;
        h = (h ^ s6->sin6_port) * 1099511628211ull;
    } else {
        const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;
        b = (const unsigned char *)&s4->sin_addr;
        n = 4;
        h = (h ^ s4->sin_port) * 1099511628211ull;
    }
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 1099511628211ull;
    return (size_t)(h ^ (h >> 29));
}

static bool addr_equal(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
    if (a->ss_family != b->ss_family)
        return false;
    if (a->ss_family == AF_INET6) {
        const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;
        return x->sin6_port == y->sin6_port &&
               memcmp(&x->sin6_addr, &y->sin6_addr, sizeof x->sin6_addr) == 0;
    }
    const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;
    return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
}

/* Big buffers (a burst must not be lost before the proxy decides its
 * fate) and kernel arrival times. */
static void set_bufs(int fd)
{
    int sz = SOCKBUF, on = 1;
    setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);
    /* FORCE passes rmem_max/wmem_max when privileged; else the plain call */
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof sz) != 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof sz);
    if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof sz) != 0)
        setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof sz);
}

static bool grow_table(proxy_t *p)
{
    size_t n = p->ntab ? p->ntab * 2 : 1024;
    session_t **t = calloc(n, sizeof *t);
    if (!t)
        return false;
    for (size_t i = 0; i < p->ntab; i++)
        for (session_t *s = p->tab[i], *nx; s; s = nx) {
            nx = s->next;
            size_t h = addr_hash(&s->peer) & (n - 1);
            s->next = t[h];
            t[h] = s;
        }
    free(p->tab);
    p->tab = t;
    p->ntab = n;
    return true;
}

/* The session of a client address, made on first sight; NULL if out of
 * sockets or memory (the packet is then dropped and counted). */
static session_t *session_of(proxy_t *p, const struct sockaddr_storage *peer, socklen_t len)
{
    if (p->nsess >= p->ntab / 2 && !grow_table(p) && p->ntab == 0)
        return NULL;
    size_t h = addr_hash(peer) & (p->ntab - 1);
    for (session_t *s = p->tab[h]; s; s = s->next)
        if (addr_equal(&s->peer, peer))
            return s;
    session_t *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->kind = K_SESSION;
    s->fd = socket(p->up.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (s->fd < 0 || connect(s->fd, (const struct sockaddr *)&p->up, p->uplen) != 0) {
        if (s->fd >= 0)
            close(s->fd);
        free(s);
        return NULL;
    }
    set_bufs(s->fd);
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = s};
    if (epoll_ctl(p->ep, EPOLL_CTL_ADD, s->fd, &ev) != 0) {
        close(s->fd);
        free(s);
        return NULL;
    }
    memcpy(&s->peer, peer, len);
    s->peerlen = len;
    s->next = p->tab[h];
    p->tab[h] = s;
    p->nsess++;
    p->c.sessions++;
    return s;
}

/* Forget client ports idle for a minute with nothing in flight. */
static void reap(proxy_t *p, uint64_t now)
{
    if (now - p->last_reap_ns < 1000000000ull)
        return;
    p->last_reap_ns = now;
    for (size_t i = 0; i < p->ntab; i++)
        for (session_t **pp = &p->tab[i]; *pp;) {
            session_t *s = *pp;
            if (s->pending == 0 && now - s->last_ns > IDLE_NS) {
                *pp = s->next;
                close(s->fd);
                free(s);
                p->nsess--;
            } else {
                pp = &s->next;
            }
        }
}

/* ------------------------------------------------------------ forwarding */

/* The packet reaches its next hop at time t (its due time, not the time
 * the loop got to it: a stalled proxy must not look like a burst to the
 * rate limit): the server (after the rate limit) or the client. */
static void deliver(proxy_t *p, session_t *s, int dir, const unsigned char *data, size_t len,
                    uint64_t t)
{
    if (dir == UP) {
        if (p->rate > 0) {
            if (t > p->refill_ns) {
                p->tokens += (double)(t - p->refill_ns) * p->rate / 1e9;
                p->refill_ns = t;
            }
            if (p->tokens > p->burst)
                p->tokens = p->burst;
            if (p->tokens < 1.0) {
                p->c.dropped_rate++;
                if (t - p->first_ns < 1000000000ull)
                    p->c.dropped_rate_1s++;
                return;
            }
            p->tokens -= 1.0;
        }
        if (send(s->fd, data, len, 0) < 0)
            p->c.send_errors++;
        else
            p->c.forwarded++;
    } else {
        if (sendto(p->lfd, data, len, 0, (const struct sockaddr *)&s->peer, s->peerlen) < 0)
            p->c.send_errors++;
        else
            p->c.replies++;
    }
}

/* A packet that arrived at `now` and survived loss: out now, or into the
 * heap. */
static void schedule(proxy_t *p, session_t *s, int dir, size_t len, uint64_t now)
{
    uint64_t d = p->delay_ns;
    if (p->jitter_ns)
        d += (uint64_t)(uniform(&p->rng[2]) * (double)p->jitter_ns);
    if (p->reorder > 0 && uniform(&p->rng[2]) < p->reorder) {
        /* held back one more delay slot: later packets overtake it */
        uint64_t slot = p->delay_ns + p->jitter_ns;
        d += slot ? slot : 1000000ull;
        p->c.reordered++;
    }
    if (d == 0 && p->nheap == 0) {
        deliver(p, s, dir, p->buf, len, now);
        return;
    }
    pkt_t *k = malloc(sizeof *k + len);
    if (!k) {
        p->c.send_errors++;
        return;
    }
    k->due_ns = now + d;
    k->seq = p->seq++;
    k->s = s;
    k->dir = dir;
    k->len = len;
    memcpy(k->data, p->buf, len);
    if (!heap_push(p, k)) {
        free(k);
        p->c.send_errors++;
        return;
    }
    s->pending++;
}

static void run_due(proxy_t *p)
{
    uint64_t now = now_ns();
    while (p->nheap && p->heap[0]->due_ns <= now) {
        pkt_t *k = heap_pop(p);
        k->s->pending--;
        deliver(p, k->s, k->dir, k->data, k->len, k->due_ns);
        free(k);
    }
}

/* recvmsg with the kernel's arrival time (SO_TIMESTAMPNS, CLOCK_REALTIME)
 * moved to CLOCK_MONOTONIC by `off` (realtime - monotonic), so that delays
 * count from when the packet came in, not from when the loop got to it. */
static ssize_t recv_stamped(int fd, unsigned char *buf, size_t cap, struct sockaddr_storage *peer,
                            socklen_t *plen, int64_t off, uint64_t *t)
{
    union {
        char b[CMSG_SPACE(sizeof(struct timespec))];
        struct cmsghdr align;
    } cbuf;
    struct iovec iov = {buf, cap};
    struct msghdr mh = {.msg_name = peer,
                        .msg_namelen = peer ? *plen : 0,
                        .msg_iov = &iov,
                        .msg_iovlen = 1,
                        .msg_control = cbuf.b,
                        .msg_controllen = sizeof cbuf.b};
    ssize_t n = recvmsg(fd, &mh, 0);
    if (n < 0)
        return n;
    if (peer)
        *plen = mh.msg_namelen;
    uint64_t now = now_ns();
    *t = now;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
            struct timespec ts;
            memcpy(&ts, CMSG_DATA(c), sizeof ts);
            int64_t real = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
            int64_t mono = real - off;
            if (mono > 0 && (uint64_t)mono < now)
                *t = (uint64_t)mono;
        }
    return n;
}

/* realtime - monotonic, in nanoseconds. */
static int64_t clock_offset(void)
{
    struct timespec r;
    clock_gettime(CLOCK_REALTIME, &r);
    return (int64_t)r.tv_sec * 1000000000 + r.tv_nsec - (int64_t)now_ns();
}

/* Client datagrams on the listening socket, until it would block. */
static void from_clients(proxy_t *p)
{
    int64_t off = clock_offset();
    for (int i = 0; i < 256; i++) {
        struct sockaddr_storage peer;
        socklen_t plen = sizeof peer;
        uint64_t now;
        ssize_t n = recv_stamped(p->lfd, p->buf, sizeof p->buf, &peer, &plen, off, &now);
        if (n < 0)
            return;
        if (p->c.received++ == 0) {
            p->first_ns = now;
            p->refill_ns = now;
        }
        if (now - p->first_ns < 1000000000ull)
            p->c.received_1s++;
        session_t *s = session_of(p, &peer, plen);
        if (!s) {
            p->c.send_errors++;
            continue;
        }
        s->last_ns = now;
        if (p->loss_up > 0 && uniform(&p->rng[UP]) < p->loss_up) {
            p->c.dropped_loss_up++;
            continue;
        }
        schedule(p, s, UP, (size_t)n, now);
    }
}

/* Replies on one session's upstream socket, until it would block. */
static void from_upstream(proxy_t *p, session_t *s)
{
    int64_t off = clock_offset();
    for (int i = 0; i < 256; i++) {
        uint64_t now;
        ssize_t n = recv_stamped(s->fd, p->buf, sizeof p->buf, NULL, NULL, off, &now);
        if (n < 0)
            return;
        p->c.upstream_replies++;
        s->last_ns = now;
        if (p->loss_down > 0 && uniform(&p->rng[DOWN]) < p->loss_down) {
            p->c.dropped_loss_down++;
            continue;
        }
        schedule(p, s, DOWN, (size_t)n, now);
    }
}

/* ------------------------------------------------------------ counters */

static void write_counters(const proxy_t *p)
{
    const counters_t *c = &p->c;
    char line[512];
    snprintf(
        line, sizeof line,
        "netproxy: received %lu received-1s %lu forwarded %lu dropped-loss-up %lu dropped-rate %lu "
        "dropped-rate-1s %lu upstream-replies %lu dropped-loss-down %lu replies %lu "
        "reordered %lu send-errors %lu sessions %lu in-flight %zu\n",
        c->received, c->received_1s, c->forwarded, c->dropped_loss_up, c->dropped_rate,
        c->dropped_rate_1s, c->upstream_replies, c->dropped_loss_down, c->replies, c->reordered,
        c->send_errors, c->sessions, p->nheap);
    if (!p->stats_path) {
        fputs(line, stderr);
        return;
    }
    /* temp file + rename: a reader never sees it half written */
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", p->stats_path, (long)getpid());
    FILE *f = fopen(tmp, "w");
    if (!f || fputs(line, f) < 0 || fclose(f) != 0 || rename(tmp, p->stats_path) != 0) {
        fprintf(stderr, "netproxy: cannot write %s: %s\n", p->stats_path, strerror(errno));
        unlink(tmp);
    }
}

/* ------------------------------------------------------------ setup */

/* "ADDR:PORT", "[V6]:PORT" or "V6ADDR:PORT" (the last colon). */
static bool parse_hostport(const char *arg, struct sockaddr_storage *ss, socklen_t *len)
{
    char host[128];
    const char *colon = strrchr(arg, ':');
    unsigned long port;
    if (!colon || (size_t)(colon - arg) >= sizeof host || !servemain_ulong(colon + 1, 65535, &port))
        return false;
    memcpy(host, arg, (size_t)(colon - arg));
    host[colon - arg] = '\0';
    char *h = host;
    size_t hl = strlen(h);
    if (hl >= 2 && h[0] == '[' && h[hl - 1] == ']') {
        h[hl - 1] = '\0';
        h++;
    }
    memset(ss, 0, sizeof *ss);
    struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
    if (inet_pton(AF_INET, h, &s4->sin_addr) == 1) {
        s4->sin_family = AF_INET;
        s4->sin_port = htons((uint16_t)port);
        *len = sizeof *s4;
        return true;
    }
    if (inet_pton(AF_INET6, h, &s6->sin6_addr) == 1) {
        s6->sin6_family = AF_INET6;
        s6->sin6_port = htons((uint16_t)port);
        *len = sizeof *s6;
        return true;
    }
    return false;
}

/* A number of at least 0 and at most max (milliseconds, percent, q/s). */
static bool parse_num(const char *s, double max, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end != '\0' || !(v >= 0) || v > max)
        return false;
    *out = v;
    return true;
}

static int parse_args(proxy_t *p, servemain_t *sm, int argc, char **argv, bool *have_l)
{
    static const struct option longs[] = {{"loss-up", required_argument, NULL, 'U'},
                                          {"loss-down", required_argument, NULL, 'D'},
                                          {"loss", required_argument, NULL, 'L'},
                                          {"reorder", required_argument, NULL, 'O'},
                                          {"seed", required_argument, NULL, 'S'},
                                          {"stats", required_argument, NULL, 'T'},
                                          {"burst", required_argument, NULL, 'B'},
                                          {"help", no_argument, NULL, 'h'},
                                          {NULL, 0, NULL, 0}};
    bool have_u = false;
    double v;
    unsigned long ul;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":l:u:d:j:r:P:h", longs, NULL)) != -1) {
        switch (c) {
        case 'l':
            if (!parse_hostport(optarg, &p->up, &p->uplen)) /* parsed again in main */
                return servemain_usage(sm, "bad -l '%s' (ADDR:PORT)", optarg);
            sm->addr = optarg;
            *have_l = true;
            break;
        case 'u':
            if (!parse_hostport(optarg, &p->up, &p->uplen))
                return servemain_usage(sm, "bad -u '%s' (ADDR:PORT)", optarg);
            have_u = true;
            break;
        case 'd':
        case 'j':
            if (!parse_num(optarg, 3600000, &v))
                return servemain_usage(sm, "bad -%c '%s' (milliseconds)", c, optarg);
            *(c == 'd' ? &p->delay_ns : &p->jitter_ns) = (uint64_t)llround(v * 1e6);
            break;
        case 'U':
        case 'D':
        case 'L':
        case 'O':
            if (!parse_num(optarg, 100, &v))
                return servemain_usage(sm, "bad %s '%s' (percent, 0-100)",
                                       c == 'U'   ? "--loss-up"
                                       : c == 'D' ? "--loss-down"
                                       : c == 'L' ? "--loss"
                                                  : "--reorder",
                                       optarg);
            if (c == 'U' || c == 'L')
                p->loss_up = v / 100;
            if (c == 'D' || c == 'L')
                p->loss_down = v / 100;
            if (c == 'O')
                p->reorder = v / 100;
            break;
        case 'r':
            if (!parse_num(optarg, 1e9, &p->rate))
                return servemain_usage(sm, "bad -r '%s' (queries per second)", optarg);
            break;
        case 'B':
            if (!parse_num(optarg, 1e9, &p->burst) || p->burst < 1)
                return servemain_usage(sm, "bad --burst '%s' (at least 1)", optarg);
            break;
        case 'S':
            if (!servemain_ulong(optarg, ULONG_MAX, &ul))
                return servemain_usage(sm, "bad --seed '%s'", optarg);
            p->seed = ul;
            break;
        case 'T':
            p->stats_path = optarg;
            break;
        case 'P':
            sm->portfile = optarg;
            break;
        case 'h':
            puts(sm->usage);
            return 0;
        case ':':
            return servemain_usage(sm, "option %s needs an argument", argv[optind - 1]);
        default:
            return servemain_usage(sm, "bad option '%s'", argv[optind - 1]);
        }
    }
    if (optind != argc)
        return servemain_usage(sm, "unexpected argument '%s'", argv[optind]);
    if (!*have_l || !have_u)
        return servemain_usage(sm, "-l and -u are both needed");
    if (p->rate > 0 && p->burst == 0)
        p->burst = p->rate / 10 < 1 ? 1 : p->rate / 10; /* a tenth of a second */
    return SERVEMAIN_GO_ON;
}

/* As many descriptors as allowed: one per client port. */
static void raise_nofile(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

static int add_fd(int ep, int fd, const int *tag)
{
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = (void *)(uintptr_t)tag};
    return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

int main(int argc, char **argv)
{
    static proxy_t px; /* 64 KiB buffer: not on the stack */
    proxy_t *p = &px;
    servemain_t sm = {.prog = "netproxy", .usage = USAGE};
    bool have_l = false;
    int rc = 2;
    p->seed = 1;
    p->ep = p->lfd = p->tfd = p->sfd = -1;

    int pr = parse_args(p, &sm, argc, argv, &have_l);
    if (pr != SERVEMAIN_GO_ON)
        return pr;
    for (uint64_t i = 0; i < 3; i++)
        p->rng[i] = p->seed ^ (0x5851f42d4c957f2dull * (i + 1));
    p->tokens = p->burst;
    raise_nofile();

    struct sockaddr_storage la;
    socklen_t llen;
    parse_hostport(sm.addr, &la, &llen);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, NULL);

    p->ep = epoll_create1(EPOLL_CLOEXEC);
    p->lfd = socket(la.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    p->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    p->sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    if (p->ep < 0 || p->lfd < 0 || p->tfd < 0 || p->sfd < 0) {
        fprintf(stderr, "netproxy: cannot set up: %s\n", strerror(errno));
        goto done;
    }
    set_bufs(p->lfd);
    if (bind(p->lfd, (struct sockaddr *)&la, llen) != 0) {
        fprintf(stderr, "netproxy: cannot bind %s: %s\n", sm.addr, strerror(errno));
        goto done;
    }
    llen = sizeof la;
    getsockname(p->lfd, (struct sockaddr *)&la, &llen);
    unsigned port = ntohs(la.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&la)->sin6_port
                                                   : ((struct sockaddr_in *)&la)->sin_port);
    if (add_fd(p->ep, p->lfd, &tag_listen) != 0 || add_fd(p->ep, p->tfd, &tag_timer) != 0 ||
        add_fd(p->ep, p->sfd, &tag_signal) != 0 || !grow_table(p)) {
        fprintf(stderr, "netproxy: cannot set up: %s\n", strerror(errno));
        goto done;
    }
    rc = servemain_ready(&sm, port);
    if (rc != 0)
        goto done;

    for (bool stop = false; !stop;) {
        struct epoll_event evs[64];
        arm_timer(p);
        int n = epoll_wait(p->ep, evs, 64, 1000);
        if (n < 0 && errno != EINTR) {
            fprintf(stderr, "netproxy: epoll_wait: %s\n", strerror(errno));
            rc = 2;
            break;
        }
        for (int i = 0; i < n; i++) {
            const int *kind = evs[i].data.ptr;
            if (*kind == K_LISTEN) {
                from_clients(p);
            } else if (*kind == K_SESSION) {
                from_upstream(p, evs[i].data.ptr);
            } else if (*kind == K_TIMER) {
                uint64_t ticks;
                if (read(p->tfd, &ticks, sizeof ticks) < 0) {
                    /* EAGAIN: the timer was re-armed since; nothing to read */
                }
                p->armed_ns = 0;
            } else {
                struct signalfd_siginfo si;
                while (read(p->sfd, &si, sizeof si) == (ssize_t)sizeof si) {
                    if (si.ssi_signo != SIGUSR1)
                        stop = true;
                }
                write_counters(p);
            }
        }
        run_due(p);
        reap(p, now_ns());
    }

done:
    for (size_t i = 0; i < p->nheap; i++)
        free(p->heap[i]);
    free(p->heap);
    for (size_t i = 0; i < p->ntab; i++)
        for (session_t *s = p->tab[i], *nx; s; s = nx) {
            nx = s->next;
            close(s->fd);
            free(s);
        }
    free(p->tab);
    if (p->sfd >= 0)
        close(p->sfd);
    if (p->tfd >= 0)
        close(p->tfd);
    if (p->lfd >= 0)
        close(p->lfd);
    if (p->ep >= 0)
        close(p->ep);
    return rc;
}
