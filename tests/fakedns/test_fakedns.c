/* test_fakedns.c - cmocka self-test of the fakedns responder.
 * Sends hand-built queries over UDP and TCP to a live responder and checks the
 * bytes of every reply, for each scripted action, plus the fakedns binary. */

#define _POSIX_C_SOURCE 200809L

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "fakedns.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define T_EOF (-2)
#define T_TIMEOUT (-1)

/* ----------------------------------------------------------------- helpers */

static long long ms_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static unsigned u16at(const unsigned char *p, size_t off)
{
    return (unsigned)p[off] << 8 | p[off + 1];
}

/* Plain dotted name (no escapes) to wire form; returns the length. */
static size_t wire(const char *name, unsigned char *out)
{
    size_t o = 0;
    const char *p = name;
    while (*p) {
        const char *dot = strchr(p, '.');
        size_t l = dot ? (size_t)(dot - p) : strlen(p);
        out[o++] = (unsigned char)l;
        memcpy(out + o, p, l);
        o += l;
        p += l;
        if (*p == '.')
            p++;
    }
    out[o++] = 0;
    return o;
}

/* Query with RD=1 for a wire name; edns = advertised UDP size or 0 for none. */
static size_t mkq_wire(unsigned char *out, unsigned id, const unsigned char *qn, size_t qnlen,
                       unsigned qtype, unsigned edns)
{
    size_t o = 0;
    out[o++] = (unsigned char)(id >> 8);
    out[o++] = (unsigned char)id;
    out[o++] = 0x01;
    out[o++] = 0x00;
    const unsigned char counts[8] = {0, 1, 0, 0, 0, 0, 0, (unsigned char)(edns ? 1 : 0)};
    memcpy(out + o, counts, 8);
    o += 8;
    memcpy(out + o, qn, qnlen);
    o += qnlen;
    out[o++] = (unsigned char)(qtype >> 8);
    out[o++] = (unsigned char)qtype;
    out[o++] = 0;
    out[o++] = 1;
    if (edns) {
        const unsigned char opt[11] = {
            0, 0, 41, (unsigned char)(edns >> 8), (unsigned char)edns, 0, 0, 0, 0, 0, 0};
        memcpy(out + o, opt, sizeof opt);
        o += sizeof opt;
    }
    return o;
}

static size_t mkq(unsigned char *out, unsigned id, const char *name, unsigned qtype, unsigned edns)
{
    unsigned char qn[256];
    size_t l = wire(name, qn);
    return mkq_wire(out, id, qn, l, qtype, edns);
}

static int udp_open(unsigned port)
{
    struct sockaddr_in sa;
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    assert_true(fd >= 0);
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    return fd;
}

/* One datagram, or T_TIMEOUT. */
static long udp_recv(int fd, unsigned char *buf, size_t cap, int timeout_ms)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    if (poll(&p, 1, timeout_ms) <= 0)
        return T_TIMEOUT;
    ssize_t n = recv(fd, buf, cap, 0);
    assert_true(n >= 0);
    return (long)n;
}

static long udp_xchg(unsigned port, const unsigned char *q, size_t ql, unsigned char *r,
                     size_t rcap, int timeout_ms)
{
    int fd = udp_open(port);
    assert_int_equal(send(fd, q, ql, 0), (ssize_t)ql);
    long n = udp_recv(fd, r, rcap, timeout_ms);
    close(fd);
    return n;
}

static int tcp_open_at(int family, unsigned port)
{
    struct sockaddr_storage ss;
    socklen_t sl;
    memset(&ss, 0, sizeof ss);
    if (family == AF_INET) {
        struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
        s4->sin_family = AF_INET;
        s4->sin_port = htons((uint16_t)port);
        s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        sl = sizeof *s4;
    } else {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
        s6->sin6_family = AF_INET6;
        s6->sin6_port = htons((uint16_t)port);
        s6->sin6_addr = in6addr_loopback;
        sl = sizeof *s6;
    }
    int fd = socket(family, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    assert_int_equal(connect(fd, (struct sockaddr *)&ss, sl), 0);
    return fd;
}

static int tcp_open(unsigned port)
{
    return tcp_open_at(AF_INET, port);
}

/* A message with its two-octet length prefix, as sent over TCP, into out;
 * the octets written. */
static size_t tcp_frame(unsigned char *out, const unsigned char *q, size_t ql)
{
    out[0] = (unsigned char)(ql >> 8);
    out[1] = (unsigned char)ql;
    memcpy(out + 2, q, ql);
    return ql + 2;
}

static void tcp_send(int fd, const unsigned char *q, size_t ql)
{
    unsigned char buf[2048];
    assert_true(ql + 2 <= sizeof buf);
    assert_int_equal(send(fd, buf, tcp_frame(buf, q, ql), MSG_NOSIGNAL), (ssize_t)(ql + 2));
}

/* Read up to n bytes until EOF; returns bytes read, or T_TIMEOUT if the
 * deadline passes first. */
static long read_n(int fd, unsigned char *buf, size_t n, int timeout_ms)
{
    size_t got = 0;
    long long deadline = ms_now() + timeout_ms;
    while (got < n) {
        long long left = deadline - ms_now();
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (left <= 0 || poll(&p, 1, (int)left) <= 0)
            return T_TIMEOUT;
        ssize_t r = recv(fd, buf + got, n - got, 0);
        if (r < 0 && errno == ECONNRESET)
            r = 0;
        assert_true(r >= 0);
        if (r == 0)
            break;
        got += (size_t)r;
    }
    return (long)got;
}

/* One length-prefixed message: its length, T_EOF, or T_TIMEOUT. */
static long tcp_recv(int fd, unsigned char *r, size_t rcap, int timeout_ms)
{
    unsigned char pfx[2];
    long n = read_n(fd, pfx, 2, timeout_ms);
    if (n == T_TIMEOUT)
        return T_TIMEOUT;
    if (n < 2)
        return T_EOF;
    size_t len = u16at(pfx, 0);
    assert_true(len <= rcap);
    n = read_n(fd, r, len, timeout_ms);
    assert_int_equal(n, (long)len);
    return n;
}

static long tcp_xchg(unsigned port, const unsigned char *q, size_t ql, unsigned char *r,
                     size_t rcap)
{
    int fd = tcp_open(port);
    tcp_send(fd, q, ql);
    long n = tcp_recv(fd, r, rcap, 2000);
    close(fd);
    return n;
}

static fakedns_t *start(const char *script)
{
    char err[256];
    fakedns_t *d = fakedns_start(script, err, sizeof err);
    if (!d)
        fail_msg("fakedns_start: %s", err);
    assert_true(fakedns_port(d) > 0);
    return d;
}

/* Offset just past the question section of a reply (qdcount 1 assumed). */
static size_t after_question(const unsigned char *m, size_t len)
{
    size_t o = 12;
    while (o < len && m[o] != 0)
        o += 1u + m[o];
    return o + 5;
}

/* ----------------------------------------------------------------- fixture */

enum proto { UDP, TCP };

#define ANY (-1) /* expect_reply: not checked */

/* One test's responder and the buffers of its exchanges: the last query
 * built (q, ql octets) and the last reply (r, n octets, or T_TIMEOUT/T_EOF).
 * Made by ex_setup; ex_teardown stops the responder, after a failure too. */
struct ex {
    fakedns_t *d;
    unsigned port;
    unsigned char q[512];
    size_t ql;
    unsigned char r[65536];
    long n;
};

static int ex_setup(void **state)
{
    struct ex *x = calloc(1, sizeof *x);
    *state = x;
    return x ? 0 : -1;
}

static int ex_teardown(void **state)
{
    struct ex *x = *state;
    fakedns_stop(x->d);
    free(x);
    return 0;
}

/* Serve `script` on 127.0.0.1, after stopping the responder before, if any. */
static struct ex *serve(void **state, const char *script)
{
    struct ex *x = *state;
    fakedns_stop(x->d);
    x->d = NULL;
    x->d = start(script);
    x->port = fakedns_port(x->d);
    return x;
}

/* Build a query with RD=1 into x->q (see mkq). */
static void query(struct ex *x, unsigned id, const char *name, unsigned qtype, unsigned edns)
{
    x->ql = mkq(x->q, id, name, qtype, edns);
}

/* Send x->q over UDP (reply awaited for 2 s) or TCP; the reply's length. */
static long xchg(struct ex *x, enum proto p)
{
    if (p == UDP)
        x->n = udp_xchg(x->port, x->q, x->ql, x->r, sizeof x->r, 2000);
    else
        x->n = tcp_xchg(x->port, x->q, x->ql, x->r, sizeof x->r);
    return x->n;
}

/* query, then xchg. */
static long ask(struct ex *x, enum proto p, unsigned id, const char *name, unsigned qtype,
                unsigned edns)
{
    query(x, id, name, qtype, edns);
    return xchg(x, p);
}

/* The reply is exactly `len` octets `want`. */
static void expect_bytes(const struct ex *x, const unsigned char *want, size_t len)
{
    assert_int_equal(x->n, (long)len);
    assert_memory_equal(x->r, want, len);
}

/* The reply's length and its flag octets (QR OPCODE AA TC RD, RA Z RCODE);
 * flags or rcode ANY: not checked. */
static void expect_reply(const struct ex *x, long len, int flags, int rcode)
{
    assert_int_equal(x->n, len);
    if (flags != ANY)
        assert_int_equal(x->r[2], flags);
    if (rcode != ANY)
        assert_int_equal(x->r[3], rcode);
}

/* The reply holds the `len` octets `want` at *off; *off moves past them. */
static void expect_at(const struct ex *x, size_t *off, const void *want, size_t len)
{
    assert_memory_equal(x->r + *off, want, len);
    *off += len;
}

/* Truncated: TC set, the header and the question only. */
static void expect_tc(const struct ex *x)
{
    assert_int_equal(x->n, (long)x->ql);
    assert_int_equal(x->r[2] & 0x02, 0x02);
}

/* Whole (over TCP): TC clear, `ancount` answers. */
static void expect_whole(const struct ex *x, unsigned ancount)
{
    assert_true(x->n > 0);
    assert_int_equal(x->r[2] & 0x02, 0);
    assert_int_equal(u16at(x->r, 6), ancount);
}

/* ------------------------------------------------------------------ tests */

static const char basic_script[] = "# basic\n"
                                   "match host.example.test A\n"
                                   "  rr host.example.test 300 A 192.0.2.1\n";

static const unsigned char basic_reply[] = {0x12, 0x34, 0x85, 0x00, 0, 1, 0, 1, 0, 0, 0, 0,
                                            /* question */
                                            4, 'h', 'o', 's', 't', 7, 'e', 'x', 'a', 'm', 'p', 'l',
                                            'e', 4, 't', 'e', 's', 't', 0, 0, 1, 0, 1,
                                            /* answer */
                                            4, 'h', 'o', 's', 't', 7, 'e', 'x', 'a', 'm', 'p', 'l',
                                            'e', 4, 't', 'e', 's', 't', 0, 0, 1, 0, 1, 0, 0, 0x01,
                                            0x2c, 0, 4, 192, 0, 2, 1};

static void test_answer_udp_exact(void **state)
{
    struct ex *x = serve(state, basic_script);
    ask(x, UDP, 0x1234, "host.example.test", 1, 0);
    expect_bytes(x, basic_reply, sizeof basic_reply);
    assert_int_equal(fakedns_queries(x->d, "host.example.test", "A"), 1);
    assert_int_equal(fakedns_queries_tcp(x->d, NULL, NULL), 0);
}

static void test_answer_tcp_pipelined(void **state)
{
    unsigned char q[512], q2[512], r[4096];
    struct ex *x = serve(state, basic_script);
    size_t ql = mkq(q, 0x1234, "host.example.test", 1, 0);
    size_t ql2 = mkq(q2, 0x4321, "host.example.test", 1, 0);
    int fd = tcp_open(x->port);
    /* Two queries in one segment, then a third after the replies. */
    unsigned char both[1024];
    size_t bl = tcp_frame(both, q, ql);
    bl += tcp_frame(both + bl, q2, ql2);
    assert_int_equal(send(fd, both, bl, 0), (ssize_t)bl);
    long n = tcp_recv(fd, r, sizeof r, 2000);
    assert_int_equal(n, (long)sizeof basic_reply);
    assert_memory_equal(r, basic_reply, sizeof basic_reply);
    n = tcp_recv(fd, r, sizeof r, 2000);
    assert_int_equal(n, (long)sizeof basic_reply);
    assert_int_equal(u16at(r, 0), 0x4321);
    assert_memory_equal(r + 2, basic_reply + 2, sizeof basic_reply - 2);
    tcp_send(fd, q, ql);
    n = tcp_recv(fd, r, sizeof r, 2000);
    assert_memory_equal(r, basic_reply, sizeof basic_reply);
    /* A whole query plus part of the next, then the rest in pieces. */
    size_t cut[] = {0, 1, ql + 7, ql + 10, bl};
    for (size_t i = 0; i + 1 < sizeof cut / sizeof cut[0]; i++) {
        assert_int_equal(send(fd, both + cut[i], cut[i + 1] - cut[i], 0),
                         (ssize_t)(cut[i + 1] - cut[i]));
        sleep_ms(20);
    }
    n = tcp_recv(fd, r, sizeof r, 2000);
    assert_memory_equal(r, basic_reply, sizeof basic_reply);
    n = tcp_recv(fd, r, sizeof r, 2000);
    assert_int_equal(n, (long)sizeof basic_reply);
    assert_int_equal(u16at(r, 0), 0x4321);
    close(fd);
    assert_int_equal(fakedns_queries_tcp(x->d, "HOST.example.test.", "A"), 5);
    assert_int_equal(fakedns_queries(x->d, NULL, "PTR"), 0);
}

static void test_rcodes(void **state)
{
    struct ex *x = serve(state, "match sf.test A rcode=SERVFAIL\n"
                                "match nx.test * rcode=nxdomain noaa\n"
                                "match ext.test A rcode=23\n"
                                "match num.test A rcode=4 aa\n");
    ask(x, UDP, 1, "sf.test", 1, 0);
    expect_reply(x, (long)x->ql, 0x85, 0x02); /* header + question only */
    assert_int_equal(u16at(x->r, 6), 0);
    assert_memory_equal(x->r + 12, x->q + 12, x->ql - 12);

    ask(x, UDP, 2, "nx.test", 16, 0);
    expect_reply(x, (long)x->ql, 0x81, 0x03);

    /* No rule: REFUSED, no AA. */
    ask(x, TCP, 3, "other.test", 1, 0);
    expect_reply(x, (long)x->ql, 0x81, 0x05);

    ask(x, UDP, 4, "num.test", 1, 0);
    assert_int_equal(x->r[3], 0x04);

    /* Extended rcode 23 = 1 << 4 | 7: low bits in header, high in OPT TTL. */
    ask(x, UDP, 5, "ext.test", 1, 1232);
    expect_reply(x, (long)x->ql, ANY, 0x07);
    assert_int_equal(u16at(x->r, 10), 1);
    const unsigned char opt[11] = {0, 0, 41, 0x04, 0xd0, 1, 0, 0, 0, 0, 0};
    assert_memory_equal(x->r + x->n - 11, opt, 11);

    serve(state, "default rcode=NXDOMAIN\n");
    ask(x, UDP, 6, "any.test", 1, 0);
    expect_reply(x, (long)x->ql, ANY, 0x03);
    assert_int_equal(x->r[2] & 0x04, 0);
}

static void test_tc(void **state)
{
    struct ex *x = serve(state, "match tc.test A tc\n rr tc.test 60 A 192.0.2.9\n");
    ask(x, UDP, 7, "tc.test", 1, 0);
    expect_reply(x, (long)x->ql, 0x87, ANY); /* QR AA TC RD */
    assert_int_equal(u16at(x->r, 6), 0);
    xchg(x, TCP);
    expect_reply(x, (long)x->ql + 9 + 14, 0x85, ANY);
    assert_int_equal(u16at(x->r, 6), 1);
    const unsigned char a[4] = {192, 0, 2, 9};
    assert_memory_equal(x->r + x->n - 4, a, 4);
}

static void test_drop_then_answer(void **state)
{
    struct ex *x = serve(state, "match a.test A times=2 drop\n"
                                "match a.test A times=1 rcode=SERVFAIL\n"
                                "match a.test A\n rr a.test 1 A 10.0.0.1\n");
    query(x, 8, "a.test", 1, 0);
    assert_int_equal(udp_xchg(x->port, x->q, x->ql, x->r, sizeof x->r, 200), T_TIMEOUT);
    /* Dropped over TCP too: no reply, connection stays open. */
    int fd = tcp_open(x->port);
    tcp_send(fd, x->q, x->ql);
    assert_int_equal(tcp_recv(fd, x->r, sizeof x->r, 200), T_TIMEOUT);
    tcp_send(fd, x->q, x->ql);
    assert_true(tcp_recv(fd, x->r, sizeof x->r, 2000) > 0);
    assert_int_equal(x->r[3], 2);
    close(fd);
    xchg(x, UDP);
    expect_reply(x, (long)x->ql + 8 + 14, ANY, 0);
    assert_int_equal(fakedns_queries(x->d, "a.test", "A"), 4);
    assert_int_equal(fakedns_queries_tcp(x->d, "a.test", NULL), 2);
}

/* Send 40 queries at once; bit i of the result is set if query i was answered. */
static unsigned long long droprate_pattern(void **state, const char *script, int *answered)
{
    struct ex *x = serve(state, script);
    int fd = udp_open(x->port);
    for (unsigned i = 0; i < 40; i++) {
        query(x, 100 + i, "dr.test", 1, 0);
        assert_int_equal(send(fd, x->q, x->ql, 0), (ssize_t)x->ql);
        sleep_ms(1);
    }
    unsigned long long bits = 0;
    *answered = 0;
    long n;
    while ((n = udp_recv(fd, x->r, sizeof x->r, 300)) > 0) {
        unsigned id = u16at(x->r, 0) - 100;
        assert_true(id < 40);
        bits |= 1ULL << id;
        (*answered)++;
    }
    close(fd);
    assert_int_equal(fakedns_queries(x->d, "dr.test", "A"), 40);
    return bits;
}

static void test_droprate(void **state)
{
    int a1, a2, a3;
    unsigned long long p1 =
        droprate_pattern(state, "default seed=7\nmatch dr.test A droprate=50\n", &a1);
    unsigned long long p2 =
        droprate_pattern(state, "default seed=7\nmatch dr.test A droprate=50\n", &a2);
    assert_true(a1 > 5 && a1 < 35);
    assert_int_equal(a1, a2);
    assert_true(p1 == p2);
    droprate_pattern(state, "match dr.test A droprate=100\n", &a3);
    assert_int_equal(a3, 0);
    droprate_pattern(state, "match dr.test A droprate=0\n", &a3);
    assert_int_equal(a3, 40);
}

static void test_delay_does_not_block(void **state)
{
    struct ex *x = serve(state, "match slow.test A delay=400\n rr slow.test 5 A 10.1.1.1\n"
                                "match fast.test A\n rr fast.test 5 A 10.2.2.2\n");
    long long t0 = ms_now();
    int us = udp_open(x->port);
    query(x, 0x0a0a, "slow.test", 1, 0);
    size_t ql = x->ql;
    assert_int_equal(send(us, x->q, ql, 0), (ssize_t)ql);
    int ts = tcp_open(x->port);
    tcp_send(ts, x->q, ql);

    query(x, 0x0b0b, "fast.test", 1, 0);
    assert_true(xchg(x, TCP) > 0);
    assert_true(xchg(x, UDP) > 0);
    assert_true(ms_now() - t0 < 300);

    long n = udp_recv(us, x->r, sizeof x->r, 3000);
    long long el = ms_now() - t0;
    assert_int_equal(n, (long)ql + 11 + 14);
    assert_int_equal(u16at(x->r, 0), 0x0a0a);
    assert_true(el >= 390);
    n = tcp_recv(ts, x->r, sizeof x->r, 3000);
    assert_int_equal(n, (long)ql + 11 + 14);
    const unsigned char a[4] = {10, 1, 1, 1};
    assert_memory_equal(x->r + n - 4, a, 4);
    close(us);
    close(ts);
}

static void test_wrongid_and_qname(void **state)
{
    unsigned char w[256];
    struct ex *x = serve(state, "match w.test A wrongid\n rr w.test 5 A 10.0.0.5\n"
                                "match qn.test A qname=Other.Example\n");
    ask(x, UDP, 0x7777, "w.test", 1, 0);
    expect_reply(x, (long)x->ql + 8 + 14, ANY, ANY);
    assert_int_equal(u16at(x->r, 0), 0x7778);
    ask(x, TCP, 0xffff, "w.test", 1, 0);
    assert_int_equal(u16at(x->r, 0), 0x0000);

    ask(x, UDP, 0x5555, "qn.test", 1, 0);
    size_t wl = wire("Other.Example", w);
    expect_reply(x, 12 + (long)wl + 4, ANY, ANY);
    assert_int_equal(u16at(x->r, 0), 0x5555);
    assert_memory_equal(x->r + 12, w, wl);
    assert_int_equal(u16at(x->r, 12 + wl), 1);
}

static void test_empty(void **state)
{
    struct ex *x = serve(state, "match e.test A empty\n rr e.test 5 A 10.0.0.6\n");
    assert_int_equal(ask(x, UDP, 9, "e.test", 1, 0), 0);
    xchg(x, TCP);
    expect_reply(x, (long)x->ql + 8 + 14, ANY, ANY);
}

static void test_tcp_refuse_and_half(void **state)
{
    unsigned char full[4096];
    struct ex *x = serve(state, "match rf.test A tcp=refuse\n rr rf.test 5 A 10.0.0.7\n"
                                "match hf.test TXT tcp=half\n"
                                " rr hf.test 5 TXT \"0123456789abcdef\" \"xyz\"\n");
    ask(x, UDP, 10, "rf.test", 1, 0);
    expect_reply(x, (long)x->ql + 9 + 14, ANY, ANY);
    int fd = tcp_open(x->port);
    tcp_send(fd, x->q, x->ql);
    assert_int_equal(read_n(fd, x->r, sizeof x->r, 2000), 0); /* EOF, no bytes */
    close(fd);

    query(x, 11, "hf.test", 16, 0);
    long fn = udp_xchg(x->port, x->q, x->ql, full, sizeof full, 2000);
    assert_true(fn > 0);
    fd = tcp_open(x->port);
    tcp_send(fd, x->q, x->ql);
    long n = read_n(fd, x->r, sizeof x->r, 2000);
    close(fd);
    assert_int_equal(n, 2 + fn / 2);
    assert_int_equal(u16at(x->r, 0), (unsigned)fn);
    assert_memory_equal(x->r + 2, full, (size_t)fn / 2);
    assert_int_equal(fakedns_queries_tcp(x->d, NULL, NULL), 2);
}

static void test_rawmsg(void **state)
{
    struct ex *x = serve(state, "match rm.test A\n rawmsg 8180 0001 00\n rawmsg 05 0000 0000 c00c\n"
                                "match rw.test A wrongid\n rawmsg ff\n"
                                "match r0.test A\n rawmsg\n");
    const unsigned char want[] = {0xab, 0xcd, 0x81, 0x80, 0, 1, 0, 5, 0, 0, 0, 0, 0xc0, 0x0c};
    ask(x, UDP, 0xabcd, "rm.test", 1, 4096);
    expect_bytes(x, want, sizeof want);
    xchg(x, TCP);
    expect_bytes(x, want, sizeof want);

    ask(x, UDP, 0x0102, "rw.test", 1, 0);
    const unsigned char want2[] = {0x01, 0x03, 0xff};
    expect_bytes(x, want2, 3);

    ask(x, UDP, 0x0a0b, "r0.test", 1, 0);
    expect_reply(x, 2, ANY, ANY);
    assert_int_equal(u16at(x->r, 0), 0x0a0b);
}

static void test_raw_rawcount(void **state)
{
    struct ex *x = serve(state, "match raw.test A\n"
                                " rr raw.test 5 A 10.0.0.8\n"
                                " raw c00c 0001 0001 00000005 0004 0a000009\n"
                                "match lie.test A rawcount=7\n"
                                " raw c0 0c\n"
                                " raw 00 01\n");
    ask(x, UDP, 12, "raw.test", 1, 0);
    expect_reply(x, (long)x->ql + 24 + 16, ANY, ANY);
    assert_int_equal(u16at(x->r, 6), 2);
    const unsigned char tail[] = {0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 5, 0, 4, 10, 0, 0, 9};
    assert_memory_equal(x->r + x->n - 16, tail, 16);

    ask(x, UDP, 13, "lie.test", 1, 0);
    expect_reply(x, (long)x->ql + 4, ANY, ANY);
    assert_int_equal(u16at(x->r, 6), 7);
    const unsigned char tail2[] = {0xc0, 0x0c, 0x00, 0x01};
    assert_memory_equal(x->r + x->n - 4, tail2, 4);
}

static void test_repeat_300(void **state)
{
    unsigned char nm[256];
    struct ex *x =
        serve(state, "match 1.2.0.192.in-addr.arpa PTR\n"
                     " rr 1.2.0.192.in-addr.arpa 300 PTR host.example.test repeat=300\n");
    ask(x, UDP, 0x3000, "1.2.0.192.in-addr.arpa", 12, 0);
    expect_tc(x);
    assert_int_equal(u16at(x->r, 6), 0);

    /* With EDNS: still too large for 1232, TC plus OPT. */
    ask(x, UDP, 0x3001, "1.2.0.192.in-addr.arpa", 12, 4096);
    expect_tc(x);
    assert_int_equal(u16at(x->r, 10), 1);

    ask(x, TCP, 0x3002, "1.2.0.192.in-addr.arpa", 12, 0);
    expect_whole(x, 300);
    size_t off = after_question(x->r, (size_t)x->n), ownl = x->ql - 12 - 4;
    for (unsigned i = 1; i <= 300; i++) {
        char name[64];
        expect_at(x, &off, x->q + 12, ownl);
        assert_int_equal(u16at(x->r, off), 12);
        assert_int_equal(u16at(x->r, off + 2), 1);
        assert_int_equal(u16at(x->r, off + 6), 300);
        size_t rdl = u16at(x->r, off + 8);
        off += 10;
        snprintf(name, sizeof name, "n%u-host.example.test", i);
        size_t wl = wire(name, nm);
        assert_int_equal(rdl, wl);
        expect_at(x, &off, nm, wl);
    }
    assert_int_equal(off, (size_t)x->n);
}

/* seq=N: consecutive addresses, carried into the higher octets. */
static void test_seq(void **state)
{
    struct ex *x = serve(state, "match s.test A\n rr s.test 60 A 192.0.2.254 seq=3\n"
                                "match s.test AAAA\n rr s.test 60 AAAA 2001:db8::ffff seq=2\n"
                                "match big.test A\n rr big.test 60 A 198.51.100.1 seq=100\n");
    ask(x, UDP, 0x4000, "s.test", 1, 0);
    expect_reply(x, (long)x->ql + 3 * 22, ANY, ANY);
    assert_int_equal(u16at(x->r, 6), 3);
    size_t off = after_question(x->r, (size_t)x->n);
    const unsigned char a4[3][4] = {{192, 0, 2, 254}, {192, 0, 2, 255}, {192, 0, 3, 0}};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(u16at(x->r, off + 8), 1);
        assert_int_equal(u16at(x->r, off + 16), 4);
        assert_memory_equal(x->r + off + 18, a4[i], 4);
        off += 22;
    }

    ask(x, UDP, 0x4001, "s.test", 28, 0);
    assert_int_equal(u16at(x->r, 6), 2);
    off = after_question(x->r, (size_t)x->n);
    unsigned char a6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    assert_memory_equal(x->r + off + 8 + 10, a6, 16);
    off += 8 + 10 + 16;
    memset(a6 + 12, 0, 4);
    a6[13] = 1;
    assert_memory_equal(x->r + off + 8 + 10, a6, 16);

    /* 100 records do not fit 1232 octets: TC over UDP, all of them over TCP */
    ask(x, UDP, 0x4002, "big.test", 1, 1232);
    assert_int_equal(x->r[2] & 0x02, 0x02);
    assert_int_equal(u16at(x->r, 6), 0);
    ask(x, TCP, 0x4003, "big.test", 1, 1232);
    expect_whole(x, 100);
    off = after_question(x->r, (size_t)x->n);
    for (unsigned i = 0; i < 100; i++) {
        const unsigned char want[4] = {198, 51, 100, (unsigned char)(1 + i)};
        assert_memory_equal(x->r + off + 10 + 10, want, 4);
        off += 10 + 10 + 4;
    }
}

static void test_edns_sizes(void **state)
{
    /* 30 A records of 24 octets: 720 > 512, < 1232. */
    struct ex *x = serve(state, "match big.test A\n rr big.test 60 A 10.9.9.9 repeat=30\n"
                                "match bigger.test A\n rr big.test 60 A 10.9.9.9 repeat=60\n");
    ask(x, UDP, 20, "big.test", 1, 0);
    expect_reply(x, (long)x->ql, 0x87, ANY);
    assert_int_equal(u16at(x->r, 10), 0);

    ask(x, UDP, 21, "big.test", 1, 4096);
    expect_reply(x, (long)x->ql + 30 * 24, 0x85, ANY);
    assert_int_equal(u16at(x->r, 6), 30);
    assert_int_equal(u16at(x->r, 10), 1);
    const unsigned char opt[11] = {0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0, 0, 0};
    assert_memory_equal(x->r + x->n - 11, opt, 11);
    size_t off = after_question(x->r, (size_t)x->n);
    assert_int_equal(x->r[off], 3); /* uncompressed owner */

    /* 60 records: 1440 octets > 1232 even though 4096 is advertised. */
    ask(x, UDP, 23, "bigger.test", 1, 4096);
    expect_reply(x, (long)x->ql, 0x87, ANY);
    assert_int_equal(u16at(x->r, 6), 0);
    assert_int_equal(u16at(x->r, 10), 1);
    xchg(x, TCP);
    expect_reply(x, (long)x->ql + 60 * 24, ANY, ANY);

    /* Advertised 600 < 757: truncated. */
    ask(x, UDP, 22, "big.test", 1, 600);
    expect_reply(x, (long)x->ql, 0x87, ANY);
}

static void test_hostile_names(void **state)
{
    struct ex *x = serve(state, "match 9.2.0.192.in-addr.arpa PTR\n"
                                " rr @ 7 PTR ev\\000il\\027\\255\\\"\\\\\\.x.test.\n"
                                " rr 9.2.0.192.in-addr.arpa 7 PTR .\n"
                                " rr 9.2.0.192.in-addr.arpa 7 CNAME a\\ b\n");
    const unsigned char rr1[] = {0,    0,   12,  0,   1,   0,   0,   0,   7,   0,
                                 18,   11,  'e', 'v', 0,   'i', 'l', 27,  255, '"',
                                 '\\', '.', 'x', 4,   't', 'e', 's', 't', 0};
    const unsigned char rr2[] = {1,   '9', 1,   '2', 1,   '0', 3, '1', '9', '2', 7,   'i',
                                 'n', '-', 'a', 'd', 'd', 'r', 4, 'a', 'r', 'p', 'a', 0,
                                 0,   12,  0,   1,   0,   0,   0, 7,   0,   1,   0};
    const unsigned char rr3_rd[] = {0, 5, 3, 'a', ' ', 'b', 0};
    ask(x, UDP, 30, "9.2.0.192.in-addr.arpa", 12, 0);
    assert_int_equal(u16at(x->r, 6), 3);
    size_t off = x->ql;
    expect_at(x, &off, rr1, sizeof rr1);
    expect_at(x, &off, rr2, sizeof rr2);
    expect_at(x, &off, rr2, 24); /* owner */
    assert_int_equal(u16at(x->r, off), 5);
    off += 8;
    expect_at(x, &off, rr3_rd, sizeof rr3_rd);
    assert_int_equal(x->n, (long)off);
}

static void test_rdata_types(void **state)
{
    struct ex *x = serve(state, "match t.test *\n"
                                " rr t.test 1 AAAA 2001:db8::1\n"
                                " rr t.test 2 MX 10 mail.test\n"
                                " rr t.test 3 TXT \"a b\" plain \"q\\\"\\065\" \"\"\n"
                                " rr t.test 4 CNAME c.test.\n");
    assert_true(ask(x, UDP, 40, "t.test", 255, 0) > 0);
    assert_int_equal(u16at(x->r, 6), 4);
    size_t off = x->ql;
    const unsigned char own[] = {1, 't', 4, 't', 'e', 's', 't', 0};
    const unsigned char aaaa[] = {0,    28, 0, 1, 0, 0, 0, 1, 0, 16, 0x20, 0x01, 0x0d,
                                  0xb8, 0,  0, 0, 0, 0, 0, 0, 0, 0,  0,    0,    1};
    const unsigned char mx[] = {0, 15,  0,   1,   0,   0, 0,   2,   0,   13,  0, 10,
                                4, 'm', 'a', 'i', 'l', 4, 't', 'e', 's', 't', 0};
    const unsigned char txt[] = {0,   16, 0,   1,   0,   0,   0,   3, 0,   15,  3,   'a', ' ',
                                 'b', 5,  'p', 'l', 'a', 'i', 'n', 3, 'q', '"', 'A', 0};
    const unsigned char cname[] = {0, 5, 0, 1, 0, 0, 0, 4, 0, 8, 1, 'c', 4, 't', 'e', 's', 't', 0};
    const unsigned char *rrs[] = {aaaa, mx, txt, cname};
    const size_t lens[] = {sizeof aaaa, sizeof mx, sizeof txt, sizeof cname};
    for (size_t i = 0; i < 4; i++) {
        expect_at(x, &off, own, sizeof own);
        expect_at(x, &off, rrs[i], lens[i]);
    }
    assert_int_equal(off, (size_t)x->n);
}

static void test_case_and_wildcard(void **state)
{
    struct ex *x = serve(state, "match HoSt.Example.TEST. a noaa\n rr x.test 5 A 10.0.0.1\n"
                                "match * TXT rcode=SERVFAIL\n"
                                "match \\042.test 65000 rcode=3\n");
    ask(x, UDP, 50, "hOsT.eXaMpLe.TeSt", 1, 0);
    expect_reply(x, (long)x->ql + 8 + 14, 0x81, ANY);
    assert_memory_equal(x->r + 12, x->q + 12, x->ql - 12); /* question copied verbatim */
    ask(x, UDP, 51, "whatever.example", 16, 0);
    assert_int_equal(x->r[3], 2);
    ask(x, UDP, 52, "*.test", 65000, 0);
    assert_int_equal(x->r[3], 3);
    assert_int_equal(fakedns_queries(x->d, "\\042.TEST", "TYPE65000"), 1);
    assert_int_equal(fakedns_queries(x->d, "*", "65000"), 1);
    assert_int_equal(fakedns_queries(x->d, "host.example.test", NULL), 1);
    assert_int_equal(fakedns_queries(x->d, NULL, NULL), 3);
    assert_int_equal(fakedns_queries(x->d, "bad..name", NULL), 0);
    assert_int_equal(fakedns_queries(x->d, NULL, "NOPE"), 0);
}

static void test_malformed_queries(void **state)
{
    struct ex *x = serve(state, basic_script);
    /* qdcount 0: FORMERR with the ID and RD copied. */
    const unsigned char q0[12] = {0x11, 0x22, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    x->n = udp_xchg(x->port, q0, sizeof q0, x->r, sizeof x->r, 2000);
    const unsigned char want[12] = {0x11, 0x22, 0x81, 0x01, 0, 0, 0, 0, 0, 0, 0, 0};
    expect_bytes(x, want, 12);
    /* Truncated question over TCP. */
    query(x, 0x1122, "host.example.test", 1, 0);
    size_t ql = x->ql;
    x->n = tcp_xchg(x->port, x->q, ql - 3, x->r, sizeof x->r);
    expect_bytes(x, want, 12);
    /* Too short for a header, or a response: ignored. */
    assert_int_equal(udp_xchg(x->port, x->q, 5, x->r, sizeof x->r, 150), T_TIMEOUT);
    x->q[2] |= 0x80;
    assert_int_equal(udp_xchg(x->port, x->q, ql, x->r, sizeof x->r, 150), T_TIMEOUT);
    assert_int_equal(fakedns_queries(x->d, NULL, NULL), 0);
    /* Still serving. */
    ask(x, UDP, 0x1234, "host.example.test", 1, 0);
    assert_memory_equal(x->r, basic_reply, sizeof basic_reply);
}

static void test_many_clients(void **state)
{
    enum { NC = 100 };
    int fds[NC];
    struct ex *x = serve(state, basic_script);
    for (int i = 0; i < NC; i++)
        fds[i] = tcp_open(x->port);
    for (int k = 0; k < 3; k++) {
        for (int i = 0; i < NC; i++) {
            query(x, (unsigned)(i * 3 + k), "host.example.test", 1, 0);
            tcp_send(fds[i], x->q, x->ql);
        }
        assert_int_equal(ask(x, UDP, 0x1234, "host.example.test", 1, 0), (long)sizeof basic_reply);
    }
    for (int i = NC - 1; i >= 0; i--) {
        for (int k = 0; k < 3; k++) {
            long n = tcp_recv(fds[i], x->r, sizeof x->r, 2000);
            assert_int_equal(n, (long)sizeof basic_reply);
            assert_int_equal(u16at(x->r, 0), (unsigned)(i * 3 + k));
            assert_memory_equal(x->r + 2, basic_reply + 2, sizeof basic_reply - 2);
        }
        close(fds[i]);
    }
    assert_int_equal(fakedns_queries_tcp(x->d, NULL, "A"), 3 * NC);
    assert_int_equal(fakedns_queries(x->d, NULL, "A"), 3 * NC + 3);
}

static void test_start_at_and_errors(void **state)
{
    struct ex *x = *state;
    char err[256];
    fakedns_stop(NULL);

    x->d = fakedns_start_at(basic_script, "::1", 0, err, sizeof err);
    if (!x->d) {
        fail_msg("::1: %s", err);
    }
    int fd = tcp_open_at(AF_INET6, fakedns_port(x->d));
    query(x, 0x1234, "host.example.test", 1, 0);
    tcp_send(fd, x->q, x->ql);
    x->n = tcp_recv(fd, x->r, sizeof x->r, 2000);
    expect_bytes(x, basic_reply, sizeof basic_reply);
    close(fd);

    /* Same port twice: the second must fail. */
    unsigned port = serve(state, basic_script)->port;
    fakedns_t *d2 = fakedns_start_at(basic_script, "127.0.0.1", port, err, sizeof err);
    assert_null(d2);
    assert_non_null(strstr(err, "bind"));
    fakedns_stop(x->d);
    /* ...and now it is free again (the TCP socket never carried a connection). */
    x->d = fakedns_start_at(basic_script, NULL, port, err, sizeof err);
    if (!x->d)
        fail_msg("rebind %u: %s", port, err);
    assert_int_equal(fakedns_port(x->d), port);
    assert_int_equal(xchg(x, UDP), (long)sizeof basic_reply);
    fakedns_stop(x->d);
    x->d = NULL;

    assert_null(fakedns_start_at(basic_script, "not-an-address", 0, err, sizeof err));
    assert_non_null(strstr(err, "bad address"));
    assert_null(fakedns_start_at(basic_script, NULL, 70000, err, sizeof err));
    assert_null(fakedns_start(NULL, err, sizeof err));
    assert_null(fakedns_start("bogus\n", NULL, 0));
}

static void test_script_errors(void **state)
{
    (void)state;
    static const struct {
        const char *script;
        const char *want;
    } cases[] = {
        {"bogus x\n", "line 1: unknown directive"},
        {"# c\n\nrr a.test 1 A 1.2.3.4\n", "line 3: rr before any match"},
        {"match a.test\n", "line 1: match needs"},
        {"match a.test BOGUS\n", "line 1: bad qtype"},
        {"match a..test A\n", "line 1: qname 'a..test': empty label"},
        {"match a.test A rcode=WHAT\n", "line 1: bad rcode"},
        {"match a.test A frob\n", "line 1: unknown option 'frob'"},
        {"match a.test A droprate=101\n", "line 1: droprate"},
        {"match a.test A times=0\n", "line 1: times"},
        {"match a.test A tcp=maybe\n", "line 1: tcp="},
        {"match a.test A seed=3\n", "line 1: seed="},
        {"default\ndefault\n", "line 2: duplicate default"},
        {"default times=2\n", "line 1: times="},
        {"match a.test A\n rr a.test 1 A 300.1.1.1\n", "line 2: bad address"},
        {"match a.test A\n rr a.test x A 1.1.1.1\n", "line 2: bad ttl"},
        {"match a.test A\n rr a.test 1 SOA x\n", "line 2: unsupported rr type"},
        {"match a.test A\n rr a.test 1 MX mail.test\n", "line 2: MX needs"},
        {"match a.test A\n rr a.test 1 TXT \"open\n", "line 2: unterminated quoted"},
        {"match a.test A\n rr a.test 1 PTR x\\256.test\n", "line 2: name 'x\\256.test': \\DDD"},
        {"match a.test A\n rr a.test 1 PTR x\\25.test\n", "line 2: name"},
        {"match a.test A\n raw abc\n", "line 2: raw: odd number"},
        {"match a.test A\n raw zz\n", "line 2: raw: bad hex"},
        {"match a.test A\n rawmsg 00\n raw 00\n", "line 3: raw cannot be combined"},
        {"match a.test A\n rr a.test 1 A 1.1.1.1\n rawmsg 00\n", "line 3: rawmsg cannot"},
        {"match a.test A\n rr a.test 1 PTR x.test repeat=0\n", "line 2: repeat"},
        {"match a.test A\n rr a.test 1 A 1.1.1.1 seq=0\n", "line 2: seq must"},
        {"match a.test A\n rr a.test 1 PTR x.test seq=2\n", "line 2: seq= is only"},
        {"match a.test A\n rr a.test 1 A 1.1.1.1 repeat=6000\n",
         "line 2: answer section too large"},
        {"match "
         "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.test A\n",
         "line 1: qname"},
        {"match a.test A\n\n  rr a.test 1 TXT \"" /* 256 octets */
         "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
         "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
         "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"\n",
         "line 3: TXT: TXT string longer than 255"},
    };
    char err[256];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        err[0] = '\0';
        fakedns_t *d = fakedns_start(cases[i].script, err, sizeof err);
        if (d) {
            fakedns_stop(d);
            fail_msg("case %zu accepted: %s", i, cases[i].script);
        }
        if (strncmp(err, cases[i].want, strlen(cases[i].want)) != 0)
            fail_msg("case %zu: got '%s', want prefix '%s'", i, err, cases[i].want);
    }
    /* Valid edge cases are accepted. */
    fakedns_t *d = start("MATCH a.test A # comment\r\n"
                         "\t rr a.test 1 TXT \"has # hash\" # and comment\n"
                         "default rcode=0 aa seed=99 delay=0\n");
    fakedns_stop(d);
}

struct logbuf {
    char text[4096];
    size_t len;
};

static void log_cb(void *ctx, const char *proto, const char *qname, const char *qtype)
{
    struct logbuf *b = ctx;
    int n = snprintf(b->text + b->len, sizeof b->text - b->len, "%s %s %s\n", proto, qname, qtype);
    if (n > 0)
        b->len += (size_t)n;
}

static void test_log_callback(void **state)
{
    struct ex *x = *state;
    char err[256];
    static struct logbuf lb;
    memset(&lb, 0, sizeof lb);
    x->d = fakedns_start_ex("default rcode=NXDOMAIN\n", NULL, 0, log_cb, &lb, err, sizeof err);
    assert_non_null(x->d);
    x->port = fakedns_port(x->d);
    assert_true(ask(x, UDP, 1, "Host.Test", 12, 0) > 0);
    const unsigned char evil[] = {5, 'a', '.', 0, ' ', '\\', 2, 0xff, '"', 0};
    x->ql = mkq_wire(x->q, 2, evil, sizeof evil, 65000, 0);
    assert_true(xchg(x, TCP) > 0);
    const unsigned char root[] = {0};
    x->ql = mkq_wire(x->q, 3, root, 1, 2, 0);
    assert_true(xchg(x, UDP) > 0);
    fakedns_stop(x->d);
    x->d = NULL;
    assert_string_equal(lb.text, "udp Host.Test PTR\n"
                                 "tcp a\\.\\000\\032\\\\.\\255\\\" TYPE65000\n"
                                 "udp . NS\n");
}

/* ------------------------------------------------------------ the binary */

/* The child of test_binary still running (killed by the teardown if an
 * assertion fails mid-test), and the scratch directory. */
static pid_t bin_pid = -1;
static char bin_dir[64];

static pid_t run_bin(char *const argv[], const char *errpath)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int nul = open("/dev/null", O_RDWR);
        if (fd >= 0)
            dup2(fd, 2);
        if (nul >= 0) {
            dup2(nul, 0);
            dup2(nul, 1);
        }
        execv(FAKEDNS_BIN, argv);
        _exit(127);
    }
    bin_pid = pid;
    return pid;
}

static int wait_bin(pid_t pid)
{
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    bin_pid = -1;
    assert_true(WIFEXITED(st));
    return WEXITSTATUS(st);
}

static int binary_teardown(void **state)
{
    if (bin_pid > 0) {
        kill(bin_pid, SIGKILL);
        waitpid(bin_pid, NULL, 0);
        bin_pid = -1;
    }
    if (bin_dir[0]) {
        static const char *const names[] = {"script", "port", "log", "stderr", "bad"};
        char path[128];
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
            snprintf(path, sizeof path, "%s/%s", bin_dir, names[i]);
            unlink(path);
        }
        rmdir(bin_dir);
        bin_dir[0] = '\0';
    }
    return ex_teardown(state);
}

static char *read_text(const char *path)
{
    static char buf[8192];
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return buf;
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

/* Wait (up to 10 s) for the port file and return the port in it. */
static unsigned wait_portfile(const char *path)
{
    for (int i = 0; i < 1000; i++) {
        char *t = read_text(path);
        if (t) {
            size_t tl = strlen(t);
            assert_true(tl > 1 && t[tl - 1] == '\n');
            unsigned port = (unsigned)strtoul(t, NULL, 10);
            assert_true(port > 0 && port < 65536);
            return port;
        }
        sleep_ms(10);
    }
    fail_msg("no port file %s", path);
    return 0;
}

static void test_binary(void **state)
{
    struct ex *x = *state;
    char sp[128], pp[128], lp[128], ep[128], bad[128];
    snprintf(bin_dir, sizeof bin_dir, "/tmp/fakedns_test.XXXXXX");
    const char *dir = mkdtemp(bin_dir);
    assert_non_null(dir);
    snprintf(sp, sizeof sp, "%s/script", dir);
    snprintf(pp, sizeof pp, "%s/port", dir);
    snprintf(lp, sizeof lp, "%s/log", dir);
    snprintf(ep, sizeof ep, "%s/stderr", dir);
    snprintf(bad, sizeof bad, "%s/bad", dir);
    write_text(sp, basic_script);
    write_text(bad, "match a.test A\nmatch b.test A rcode=NOPE\n");

    char *argv[] = {"fakedns", "-s", sp, "-P", pp, "-l", lp, NULL};
    pid_t pid = run_bin(argv, ep);
    x->port = wait_portfile(pp);
    ask(x, UDP, 0x1234, "host.example.test", 1, 0);
    expect_bytes(x, basic_reply, sizeof basic_reply);
    ask(x, TCP, 0x1234, "x.test", 28, 0);
    expect_reply(x, (long)x->ql, ANY, 5);
    assert_int_equal(kill(pid, SIGTERM), 0);
    assert_int_equal(wait_bin(pid), 0);
    assert_string_equal(read_text(lp), "udp host.example.test A\ntcp x.test AAAA\n");

    char *argv2[] = {"fakedns", "-s", bad, NULL};
    pid = run_bin(argv2, ep);
    assert_int_equal(wait_bin(pid), 2);
    char *e = read_text(ep);
    assert_non_null(strstr(e, "line 2: bad rcode"));
    char *nl = strchr(e, '\n');
    assert_non_null(nl);
    assert_int_equal(nl[1], '\0');

    char *argv3[] = {"fakedns", "-p", "x", NULL};
    pid = run_bin(argv3, ep);
    assert_int_equal(wait_bin(pid), 2);

    /* SIGINT also stops it cleanly. */
    assert_int_equal(unlink(pp), 0);
    char *argv4[] = {"fakedns", "-s", sp, "-a", "127.0.0.1", "-P", pp, NULL};
    pid = run_bin(argv4, ep);
    assert_true(wait_portfile(pp) > 0);
    assert_int_equal(kill(pid, SIGINT), 0);
    assert_int_equal(wait_bin(pid), 0);
}

#define EX_TEST(f) cmocka_unit_test_setup_teardown(f, ex_setup, ex_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        EX_TEST(test_answer_udp_exact),
        EX_TEST(test_answer_tcp_pipelined),
        EX_TEST(test_rcodes),
        EX_TEST(test_tc),
        EX_TEST(test_drop_then_answer),
        EX_TEST(test_droprate),
        EX_TEST(test_delay_does_not_block),
        EX_TEST(test_wrongid_and_qname),
        EX_TEST(test_empty),
        EX_TEST(test_tcp_refuse_and_half),
        EX_TEST(test_rawmsg),
        EX_TEST(test_raw_rawcount),
        EX_TEST(test_repeat_300),
        EX_TEST(test_seq),
        EX_TEST(test_edns_sizes),
        EX_TEST(test_hostile_names),
        EX_TEST(test_rdata_types),
        EX_TEST(test_case_and_wildcard),
        EX_TEST(test_malformed_queries),
        EX_TEST(test_many_clients),
        EX_TEST(test_start_at_and_errors),
        cmocka_unit_test(test_script_errors),
        EX_TEST(test_log_callback),
        cmocka_unit_test_setup_teardown(test_binary, ex_setup, binary_teardown),
    };
    signal(SIGPIPE, SIG_IGN);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
