/* test_resolver.c - unit tests of resolver.c, the real c-ares resolver, on
 * the loopback interface only (127.0.0.1; ::1 is configured, never asked):
 * a query that fails inside ares_query (no socket: RLIMIT_NOFILE lowered)
 * is reported on the next rdc_resolver_pump, never inside the call; the
 * rdc_dns_t operations are the rdc_resolver_* functions; freeing cancels
 * queries held by the rate limit and those in flight; the token bucket;
 * answers from a responder in this process reach the callback raw
 * (SERVFAIL and REFUSED included); a closed port is a failure. */
#define _GNU_SOURCE
#include "unit.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dnsmsg.h"
#include "loop.h"
#include "resolver.h"
#include "util.h"

/* ------------------------------------------------------------ helpers */

/* What one query's callback saw. */
typedef struct rec {
    int calls;
    rdc_dns_status_t status;
    bool cancelled;
    size_t len;
    uint8_t msg[512];
    bool had_msg;
    /* set while the query call runs: the callback must not run then */
    bool inside;
    bool ran_inside;
    /* a query to send from the callback (the failure path again) */
    rdc_resolver_t *again;
    struct rec *again_rec;
} rec_t;

static void on_reply(void *arg, const uint8_t *msg, size_t len, rdc_dns_status_t status,
                     bool cancelled)
{
    rec_t *r = arg;
    r->calls++;
    r->status = status;
    r->cancelled = cancelled;
    r->had_msg = msg != NULL;
    r->len = len;
    if (msg != NULL && len <= sizeof r->msg)
        memcpy(r->msg, msg, len);
    if (r->inside)
        r->ran_inside = true;
    if (r->again != NULL && !cancelled) {
        rdc_resolver_t *res = r->again;
        r->again = NULL;
        r->again_rec->inside = true;
        rdc_resolver_query(res, 0, "again.example.test", RDC_TYPE_A, on_reply, r->again_rec);
        r->again_rec->inside = false;
    }
}

static rdc_server_t server4(unsigned port)
{
    rdc_server_t s;
    memset(&s, 0, sizeof s);
    s.addr.family = 4;
    s.addr.b[0] = 127;
    s.addr.b[3] = 1;
    s.port = port;
    return s;
}

static rdc_server_t server6(const char *text, unsigned port)
{
    rdc_server_t s;
    memset(&s, 0, sizeof s);
    s.addr.family = 6;
    assert_int_equal(inet_pton(AF_INET6, text, s.addr.b), 1);
    s.port = port;
    return s;
}

static rdc_resolver_t *resolver(rdc_loop_t *loop, const rdc_server_t *servers, size_t n,
                                unsigned rate, unsigned timeout_ms)
{
    rdc_resolver_opts_t o = {0};
    o.servers = servers;
    o.nservers = n;
    o.rate = rate;
    o.timeout_ms = timeout_ms;
    char err[256] = "";
    rdc_resolver_t *r = rdc_resolver_new(loop, &o, err, sizeof err);
    if (r == NULL)
        print_message("rdc_resolver_new: %s\n", err);
    assert_non_null(r);
    return r;
}

/* A UDP port on 127.0.0.1 where nothing listens (it was free a moment
 * ago: bound by the kernel's choice, then closed). */
static unsigned closed_port(void)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    assert_true(fd >= 0);
    struct sockaddr_in sa = {0};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    socklen_t sl = sizeof sa;
    assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
    close(fd);
    return ntohs(sa.sin_port);
}

/* Runs the loop as rdnscheck does until *calls reaches want, at most
 * limit_ms. */
static void drive(rdc_loop_t *loop, rdc_resolver_t *r, const int *calls, int want,
                  unsigned limit_ms)
{
    unsigned long long t0 = rdc_now_ms();
    while (*calls < want && rdc_now_ms() - t0 < limit_ms) {
        int t = rdc_resolver_timeout(r, 100);
        int n = rdc_loop_wait(loop, t);
        if (n == 0)
            rdc_resolver_tick(r);
        rdc_resolver_pump(r);
    }
}

/* ------------------------------------------------- deferred failures */

/* With no file descriptor left, c-ares 1.18 fails the query inside
 * ares_query. The callback does not run inside rdc_resolver_query (nor
 * the ops' query) but on the next rdc_resolver_pump, not cancelled; a
 * query started from such a callback that fails the same way waits for the
 * pump after. */
static void test_sync_failure_deferred(void **state)
{
    (void)state;
    rdc_loop_t *loop = rdc_loop_new();
    assert_non_null(loop);
    rdc_server_t srv = server4(closed_port());
    rdc_resolver_t *r = resolver(loop, &srv, 1, 0, 1000);
    rdc_dns_t dns = rdc_resolver_dns(r);
    rec_t q1 = {0}, q2 = {0}, q3 = {0};
    q1.again = r;
    q1.again_rec = &q3;

    struct rlimit old, low;
    assert_int_equal(getrlimit(RLIMIT_NOFILE, &old), 0);
    int lowest = open("/dev/null", O_RDONLY | O_CLOEXEC);
    assert_true(lowest >= 0);
    close(lowest);
    low = old; /* the hard limit stays (valgrind insists; it could not be raised back) */
    low.rlim_cur = (rlim_t)lowest; /* every descriptor below is taken */
    assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
    /* the descriptors are used up now: record, restore, then assert */
    int probe = socket(AF_INET, SOCK_DGRAM, 0);
    int probe_errno = errno;
    if (probe >= 0)
        close(probe);
    q1.inside = true;
    rdc_resolver_query(r, 0, "host.example.test", RDC_TYPE_A, on_reply, &q1);
    q1.inside = false;
    q2.inside = true;
    dns.ops->query(dns.ctx, 0, "other.example.test", RDC_TYPE_PTR, on_reply, &q2);
    q2.inside = false;
    int calls_after_query = q1.calls + q2.calls;
    int wait = rdc_resolver_timeout(r, 1000);
    rdc_resolver_pump(r); /* q1 and q2; q1's callback queries q3, which fails too */
    int q1_calls = q1.calls, q2_calls = q2.calls, q3_calls = q3.calls;
    int wait2 = rdc_resolver_timeout(r, 1000);
    assert_int_equal(setrlimit(RLIMIT_NOFILE, &old), 0);

    assert_int_equal(probe, -1);
    assert_int_equal(probe_errno, EMFILE);
    assert_int_equal(calls_after_query, 0);
    assert_int_equal(wait, 0); /* deferred callbacks are due */
    assert_int_equal(q1_calls, 1);
    assert_int_equal(q2_calls, 1);
    assert_int_equal(q3_calls, 0);
    assert_int_equal(wait2, 0);
    assert_false(q1.ran_inside);
    assert_false(q2.ran_inside);
    assert_false(q3.ran_inside);
    for (int i = 0; i < 2; i++) {
        const rec_t *q = i == 0 ? &q1 : &q2;
        assert_int_not_equal(q->status, RDC_DNS_OK);
        assert_true(rdc_dns_status_is_temporary(q->status));
        assert_false(q->cancelled);
        assert_false(q->had_msg);
        assert_int_equal(q->len, 0);
    }
    print_message("no socket: %s\n", rdc_dns_status_text(q1.status));
    rdc_resolver_pump(r);
    assert_int_equal(q3.calls, 1);
    assert_false(q3.cancelled);
    assert_false(q3.ran_inside);
    assert_int_not_equal(q3.status, RDC_DNS_OK);
    assert_int_equal(q1.calls + q2.calls, 2);
    assert_int_equal(rdc_resolver_queries(r), 3);
    /* nothing deferred any more: the timeout is the caller's again */
    assert_int_equal(rdc_resolver_timeout(r, 700), 700);
    rdc_resolver_pump(r);
    assert_int_equal(q1.calls + q2.calls + q3.calls, 3);
    rdc_resolver_free(r);
    assert_int_equal(q1.calls + q2.calls + q3.calls, 3);
    rdc_loop_free(loop);
}

/* ------------------------------------------------------------ servers */

/* rdc_resolver_dns's operations are the rdc_resolver_* functions. */
static void test_dns_ops(void **state)
{
    (void)state;
    rdc_loop_t *loop = rdc_loop_new();
    assert_non_null(loop);
    rdc_server_t srv[2] = {server4(0), server6("::1", 5353)};
    rdc_resolver_t *r = resolver(loop, srv, 2, 0, 2000);
    rdc_dns_t dns = rdc_resolver_dns(r);
    assert_non_null(dns.ops);
    assert_ptr_equal(dns.ctx, r);
    assert_int_equal(rdc_resolver_nservers(r), 2);
    assert_int_equal(dns.ops->nservers(dns.ctx), 2);
    char buf[RDC_SERVER_TEXT_MAX];
    for (size_t i = 0; i < 2; i++) {
        const rdc_server_t *s = rdc_resolver_server(r, i);
        assert_non_null(s);
        assert_ptr_equal(dns.ops->server(dns.ctx, i), s);
        assert_int_equal(s->addr.family, srv[i].addr.family);
        assert_memory_equal(s->addr.b, srv[i].addr.b, 16);
        assert_int_equal(s->port, srv[i].port);
    }
    assert_null(rdc_resolver_server(r, 2));
    assert_null(dns.ops->server(dns.ctx, 2));
    assert_string_equal(rdc_server_format(dns.ops->server(dns.ctx, 0), buf), "127.0.0.1:53");
    assert_string_equal(rdc_server_format(dns.ops->server(dns.ctx, 1), buf), "[::1]:5353");
    /* nothing outstanding: the caller's timeout, -1 staying -1 */
    assert_int_equal(dns.ops->timeout(dns.ctx, 700), 700);
    assert_int_equal(rdc_resolver_timeout(r, 700), 700);
    assert_int_equal(dns.ops->timeout(dns.ctx, -1), -1);
    assert_int_equal(dns.ops->timeout(dns.ctx, 0), 0);
    dns.ops->tick(dns.ctx);
    dns.ops->pump(dns.ctx);
    assert_int_equal(rdc_resolver_queries(r), 0);
    assert_int_equal(rdc_resolver_timeouts(r), 0);
    rdc_resolver_free(r);
    rdc_loop_free(loop);
}

/* Whether the question layer should rotate: --rotate, or with the system
 * configuration c-ares's reading of "options rotate" (resolv.conf, or the
 * RES_OPTIONS variable, which overrides it). */
static void test_rotate(void **state)
{
    (void)state;
    rdc_loop_t *loop = rdc_loop_new();
    assert_non_null(loop);
    rdc_server_t srv[1] = {server4(0)};
    for (int want = 0; want <= 1; want++) {
        rdc_resolver_opts_t o = {.servers = srv, .nservers = 1, .timeout_ms = 1000};
        o.rotate = want;
        char err[256] = "";
        rdc_resolver_t *r = rdc_resolver_new(loop, &o, err, sizeof err);
        assert_non_null(r);
        rdc_dns_t dns = rdc_resolver_dns(r);
        assert_int_equal(rdc_resolver_rotate(r), want);
        assert_non_null(dns.ops->rotate);
        assert_int_equal(dns.ops->rotate(dns.ctx), want);
        rdc_resolver_free(r);
    }
    /* the system configuration (no query is sent) */
    const char *saved = getenv("RES_OPTIONS");
    char *keep = saved ? strdup(saved) : NULL;
    static const struct {
        const char *env; /* RES_OPTIONS */
        bool opt; /* --rotate */
        bool want;
    } rows[] = {
        {"rotate", false, true},
        {"ndots:1 rotate", false, true},
        {"ndots:1", true, true},
        {"ndots:1", false, false},
    };
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        assert_int_equal(setenv("RES_OPTIONS", rows[i].env, 1), 0);
        rdc_resolver_opts_t o = {.timeout_ms = 1000, .rotate = rows[i].opt};
        char err[256] = "";
        rdc_resolver_t *r = rdc_resolver_new(loop, &o, err, sizeof err);
        if (r == NULL) {
            /* no resolv.conf server on this machine: nothing to read */
            print_message("system configuration: %s\n", err);
            break;
        }
        print_message("RES_OPTIONS=%s, rotate %d\n", rows[i].env, rows[i].opt);
        /* "options rotate" in resolv.conf itself would turn the last on */
        FILE *f = fopen("/etc/resolv.conf", "r");
        bool conf_rotate = false;
        char line[512];
        while (f && fgets(line, sizeof line, f))
            if (strncmp(line, "options", 7) == 0 && strstr(line, "rotate"))
                conf_rotate = true;
        if (f)
            fclose(f);
        assert_int_equal(rdc_resolver_rotate(r), rows[i].want || conf_rotate);
        rdc_resolver_free(r);
    }
    if (keep) {
        setenv("RES_OPTIONS", keep, 1);
        free(keep);
    } else {
        unsetenv("RES_OPTIONS");
    }
    rdc_loop_free(loop);
}

static void test_server_format(void **state)
{
    (void)state;
    static const struct {
        const char *addr;
        unsigned port;
        const char *want;
    } rows[] = {
        {"127.0.0.1", 0, "127.0.0.1:53"},
        {"127.0.0.1", 53, "127.0.0.1:53"},
        {"192.0.2.1", 5300, "192.0.2.1:5300"},
        {"255.255.255.255", 65535, "255.255.255.255:65535"},
        {"::1", 5353, "[::1]:5353"},
        {"2001:db8::1", 0, "[2001:db8::1]:53"},
        {"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 65535,
         "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535"},
    };
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        rdc_server_t s;
        memset(&s, 0, sizeof s);
        if (strchr(rows[i].addr, ':')) {
            s = server6(rows[i].addr, rows[i].port);
        } else {
            s.addr.family = 4;
            assert_int_equal(inet_pton(AF_INET, rows[i].addr, s.addr.b), 1);
            s.port = rows[i].port;
        }
        char buf[RDC_SERVER_TEXT_MAX];
        memset(buf, 'x', sizeof buf);
        assert_ptr_equal(rdc_server_format(&s, buf), buf);
        assert_string_equal(buf, rows[i].want);
        assert_true(strlen(buf) < RDC_SERVER_TEXT_MAX);
    }
}

/* More servers than RDC_RESOLVER_MAX_SERVERS: refused with a reason. */
static void test_too_many_servers(void **state)
{
    (void)state;
    rdc_loop_t *loop = rdc_loop_new();
    assert_non_null(loop);
    rdc_server_t srv[RDC_RESOLVER_MAX_SERVERS + 1];
    for (size_t i = 0; i < ARRAY_LEN(srv); i++)
        srv[i] = server4((unsigned)(20000 + i));
    rdc_resolver_opts_t o = {0};
    o.servers = srv;
    o.nservers = ARRAY_LEN(srv);
    o.timeout_ms = 1000;
    char err[256] = "";
    assert_null(rdc_resolver_new(loop, &o, err, sizeof err));
    assert_true(unit_contains(err, "too many DNS servers"));
    /* the library state survived: a good resolver still works */
    rdc_resolver_t *r = resolver(loop, srv, RDC_RESOLVER_MAX_SERVERS, 0, 1000);
    assert_int_equal(rdc_resolver_nservers(r), RDC_RESOLVER_MAX_SERVERS);
    rdc_resolver_free(r);
    rdc_resolver_free(NULL);
    rdc_loop_free(loop);
}

static void test_version(void **state)
{
    (void)state;
    const char *v = rdc_resolver_version();
    assert_non_null(v);
    assert_true(v[0] >= '1' && v[0] <= '9');
    assert_non_null(strchr(v, '.'));
}

/* ------------------------------------------------------------ rate limit */

/* Freeing cancels every query: those held back by the rate limit and the
 * one in flight, each callback once with cancelled set. */
static void test_free_cancels_held(void **state)
{
    (void)state;
    rdc_loop_t *loop = rdc_loop_new();
    assert_non_null(loop);
    rdc_server_t srv = server4(closed_port());
    rdc_resolver_t *r = resolver(loop, &srv, 1, 1, 2000);
    rec_t q[3] = {{0}};
    for (int i = 0; i < 3; i++) {
        q[i].inside = true;
        rdc_resolver_query(r, 0, "host.example.test", RDC_TYPE_A, on_reply, &q[i]);
        q[i].inside = false;
    }
    /* one token (rate 1: a burst of 1): one sent, two held */
    assert_int_equal(rdc_resolver_queries(r), 1);
    int t = rdc_resolver_timeout(r, 5000);
    assert_true(t > 0 && t <= 1001);
    rdc_resolver_pump(r); /* no token yet: nothing more sent */
    assert_int_equal(rdc_resolver_queries(r), 1);
    for (int i = 0; i < 3; i++)
        assert_int_equal(q[i].calls, 0);
    rdc_resolver_free(r);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(q[i].calls, 1);
        assert_true(q[i].cancelled);
        assert_false(q[i].had_msg);
        assert_false(q[i].ran_inside);
    }
    rdc_loop_free(loop);
}

/* Held queries go out on a pump once a token is there. */
static void test_held_sent_on_pump(void **state)
{
    (void)state;
    rdc_loop_t *loop = rdc_loop_new();
    assert_non_null(loop);
    rdc_server_t srv = server4(closed_port());
    rdc_resolver_t *r = resolver(loop, &srv, 1, 20, 2000); /* a token every 50 ms */
    rec_t q[2] = {{0}};
    for (int i = 0; i < 2; i++)
        rdc_resolver_query(r, 0, "host.example.test", RDC_TYPE_A, on_reply, &q[i]);
    assert_int_equal(rdc_resolver_queries(r), 1);
    unsigned long long t0 = rdc_now_ms();
    while (rdc_resolver_queries(r) < 2 && rdc_now_ms() - t0 < 2000) {
        int t = rdc_resolver_timeout(r, 1000);
        assert_true(t >= 0 && t <= 51);
        if (rdc_loop_wait(loop, t) == 0)
            rdc_resolver_tick(r);
        rdc_resolver_pump(r);
    }
    assert_int_equal(rdc_resolver_queries(r), 2);
    assert_true(rdc_now_ms() - t0 >= 40);
    rdc_resolver_free(r);
    for (int i = 0; i < 2; i++)
        assert_int_equal(q[i].calls, 1);
    rdc_loop_free(loop);
}

/* ------------------------------------------------------------ bucket */

static void test_bucket_init(void **state)
{
    (void)state;
    static const struct {
        unsigned rate;
        double burst;
    } rows[] = {{1, 1}, {19, 1}, {20, 1}, {40, 2}, {100, 5}, {1000, 50}, {250, 12.5}};
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        rdc_bucket_t b;
        rdc_bucket_init(&b, rows[i].rate, 1234);
        assert_true(b.rate == rows[i].rate);
        assert_true(b.burst == rows[i].burst);
        assert_true(b.tokens == rows[i].burst); /* starts full */
        assert_int_equal(b.last_ms, 1234);
        assert_int_equal(rdc_bucket_wait_ms(&b, 1234), 0);
    }
}

static void test_bucket_take_and_wait(void **state)
{
    (void)state;
    rdc_bucket_t b;
    rdc_bucket_init(&b, 100, 0); /* burst 5, a token every 10 ms */
    for (int i = 0; i < 5; i++)
        assert_true(rdc_bucket_take(&b, 0));
    assert_false(rdc_bucket_take(&b, 0));
    assert_int_equal(rdc_bucket_wait_ms(&b, 0), 11); /* 10 ms, rounded up past it */
    assert_int_equal(rdc_bucket_wait_ms(&b, 5), 6);
    assert_false(rdc_bucket_take(&b, 9));
    assert_true(rdc_bucket_take(&b, 10));
    assert_false(rdc_bucket_take(&b, 10));
    /* wait_ms does not take */
    assert_int_equal(rdc_bucket_wait_ms(&b, 20), 0);
    assert_int_equal(rdc_bucket_wait_ms(&b, 20), 0);
    assert_true(rdc_bucket_take(&b, 20));
    /* a long idle time refills to the burst only */
    int n = 0;
    while (rdc_bucket_take(&b, 100000))
        n++;
    assert_int_equal(n, 5);
    /* a clock going backwards neither refills nor breaks anything */
    assert_false(rdc_bucket_take(&b, 50));
    assert_true(rdc_bucket_wait_ms(&b, 50) > 0);
    assert_true(rdc_bucket_take(&b, 100010));

    /* rate 1: one token, the next a second later */
    rdc_bucket_init(&b, 1, 5000);
    assert_true(rdc_bucket_take(&b, 5000));
    assert_int_equal(rdc_bucket_wait_ms(&b, 5000), 1001);
    assert_false(rdc_bucket_take(&b, 5999));
    assert_int_equal(rdc_bucket_wait_ms(&b, 5999), 2);
    assert_true(rdc_bucket_take(&b, 6000));
}

/* Taking greedily for 10 s (waking when wait_ms says): the rate plus the
 * burst in total, and no one-second window above rate + burst. */
static void test_bucket_rate(void **state)
{
    (void)state;
    static const unsigned rates[] = {1, 7, 100, 1000};
    for (size_t k = 0; k < ARRAY_LEN(rates); k++) {
        unsigned rate = rates[k];
        rdc_bucket_t b;
        rdc_bucket_init(&b, rate, 0);
        double burst = b.burst;
        size_t cap = (size_t)(10 * rate + burst + 2);
        unsigned long long *at = calloc(cap, sizeof *at);
        assert_non_null(at);
        size_t n = 0;
        for (unsigned long long now = 0; now <= 10000;) {
            if (rdc_bucket_take(&b, now)) {
                assert_true(n < cap);
                at[n++] = now;
                continue;
            }
            unsigned w = rdc_bucket_wait_ms(&b, now);
            assert_true(w > 0);
            now += w;
        }
        print_message("rate %u: %zu in 10 s\n", rate, n);
        assert_true((double)n <= 10.0 * rate + burst);
        assert_true((double)n >= 10.0 * rate * 0.95);
        for (size_t i = 0, j = 0; i < n; i++) {
            while (j < n && at[j] < at[i] + 1000)
                j++;
            assert_true((double)(j - i) <= rate + burst);
        }
        free(at);
    }
}

/* ------------------------------------------------ answers on loopback */

/* A DNS responder in this process on 127.0.0.1, watched by the same loop:
 * it echoes the question with the rcode asked, and one A record for
 * NOERROR when `answer` is set. */
typedef struct responder {
    int fd;
    unsigned port;
    unsigned rcode;
    bool answer;
    unsigned seen;
} responder_t;

static void on_responder(void *ctx, int fd, bool readable, bool writable)
{
    responder_t *rs = ctx;
    (void)writable;
    if (!readable)
        return;
    uint8_t q[1500], a[1600];
    struct sockaddr_storage from;
    socklen_t fl = sizeof from;
    ssize_t n = recvfrom(fd, q, sizeof q, MSG_DONTWAIT, (struct sockaddr *)&from, &fl);
    if (n < 12)
        return;
    rs->seen++;
    size_t off = 12;
    while (off < (size_t)n && q[off] != 0)
        off += (size_t)q[off] + 1;
    off += 5; /* the root label, type, class */
    if (off > (size_t)n)
        return;
    memcpy(a, q, off);
    a[2] = (uint8_t)(0x80 | (q[2] & 0x01)); /* QR, RD as asked */
    a[3] = (uint8_t)(0x80 | rs->rcode); /* RA */
    a[4] = 0, a[5] = 1; /* QDCOUNT */
    a[6] = 0, a[7] = rs->answer ? 1 : 0; /* ANCOUNT */
    memset(a + 8, 0, 4); /* NSCOUNT, ARCOUNT: the OPT is dropped */
    size_t len = off;
    if (rs->answer) {
        static const uint8_t rr[] = {0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0x01, 0x2c, 0, 4, 192, 0, 2, 77};
        memcpy(a + len, rr, sizeof rr);
        len += sizeof rr;
    }
    sendto(fd, a, len, 0, (struct sockaddr *)&from, fl);
}

static void responder_start(responder_t *rs, rdc_loop_t *loop)
{
    memset(rs, 0, sizeof *rs);
    rs->fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    assert_true(rs->fd >= 0);
    struct sockaddr_in sa = {0};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(rs->fd, (struct sockaddr *)&sa, sizeof sa), 0);
    socklen_t sl = sizeof sa;
    assert_int_equal(getsockname(rs->fd, (struct sockaddr *)&sa, &sl), 0);
    rs->port = ntohs(sa.sin_port);
    assert_true(rdc_loop_watch(loop, rs->fd, true, false, on_responder, rs));
}

static void responder_stop(responder_t *rs, rdc_loop_t *loop)
{
    rdc_loop_watch(loop, rs->fd, false, false, NULL, NULL);
    close(rs->fd);
}

/* Every answer reaches the callback raw, whatever its rcode: SERVFAIL and
 * REFUSED too (NOCHECKRESP), so the query layer fails over itself. */
static void test_answers_raw(void **state)
{
    (void)state;
    static const struct {
        unsigned rcode;
        bool answer;
        rdc_dns_status_t parsed;
    } rows[] = {
        {0, true, RDC_DNS_OK},          {0, false, RDC_DNS_NODATA},    {3, false, RDC_DNS_NXDOMAIN},
        {2, false, RDC_DNS_S_SERVFAIL}, {5, false, RDC_DNS_S_REFUSED}, {4, false, RDC_DNS_S_ERROR},
    };
    rdc_loop_t *loop = rdc_loop_new();
    assert_non_null(loop);
    responder_t rs;
    responder_start(&rs, loop);
    rdc_server_t srv = server4(rs.port);
    rdc_resolver_t *r = resolver(loop, &srv, 1, 0, 2000);
    uint8_t qname[RDC_NAME_WIRE_MAX + 1];
    assert_true(rdc_name_from_text("host.example.test", 17, qname, NULL));
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        rs.rcode = rows[i].rcode;
        rs.answer = rows[i].answer;
        rec_t q = {0};
        q.inside = true;
        rdc_resolver_query(r, 0, "host.example.test", RDC_TYPE_A, on_reply, &q);
        q.inside = false;
        assert_int_equal(q.calls, 0);
        drive(loop, r, &q.calls, 1, 3000);
        print_message("rcode %u: status %d, %zu bytes\n", rows[i].rcode, (int)q.status, q.len);
        assert_int_equal(q.calls, 1);
        assert_false(q.cancelled);
        assert_false(q.ran_inside);
        assert_true(q.had_msg);
        assert_true(q.len >= 12 && q.len <= sizeof q.msg);
        assert_int_equal(q.msg[3] & 0x0f, rows[i].rcode);
        rdc_answer_t a = RDC_ANSWER_INIT;
        rdc_answer_parse(q.msg, q.len, qname, RDC_TYPE_A, &a, NULL, "");
        assert_int_equal(a.status, rows[i].parsed);
        if (rows[i].parsed == RDC_DNS_OK) {
            assert_int_equal(a.nrecords, 1);
            assert_int_equal(a.records[0].addr.b[3], 77);
        }
        rdc_answer_free(&a);
    }
    assert_int_equal(rs.seen, ARRAY_LEN(rows));
    assert_int_equal(rdc_resolver_queries(r), ARRAY_LEN(rows));
    assert_int_equal(rdc_resolver_timeouts(r), 0);
    rdc_resolver_free(r);
    responder_stop(&rs, loop);
    rdc_loop_free(loop);
}

/* A closed port: a failure without an answer, not cancelled (unreachable
 * where the ICMP error comes back, as on Linux loopback; a timeout where
 * it is filtered). */
static void test_closed_port(void **state)
{
    (void)state;
    rdc_loop_t *loop = rdc_loop_new();
    assert_non_null(loop);
    rdc_server_t srv = server4(closed_port());
    rdc_resolver_t *r = resolver(loop, &srv, 1, 0, 1000);
    rec_t q = {0};
    rdc_resolver_query(r, 0, "host.example.test", RDC_TYPE_A, on_reply, &q);
    assert_int_equal(q.calls, 0);
    drive(loop, r, &q.calls, 1, 3000);
    print_message("closed port: %s\n", rdc_dns_status_text(q.status));
    assert_int_equal(q.calls, 1);
    assert_false(q.cancelled);
    assert_false(q.had_msg);
    assert_true(q.status == RDC_DNS_S_UNREACHABLE || q.status == RDC_DNS_S_TIMEOUT);
    assert_int_equal(rdc_resolver_timeouts(r), q.status == RDC_DNS_S_TIMEOUT ? 1 : 0);
    rdc_resolver_free(r);
    assert_int_equal(q.calls, 1);
    rdc_loop_free(loop);
}

/* Added (RD=0) servers: the same server keeps its number; past 64 the
 * least recently used idle channel goes to the next server (its number
 * then means that one); a channel with a query in flight is never given
 * away, and its query is called back once, as its own. */
static void test_added_servers_recycled(void **state)
{
    (void)state;
    rdc_loop_t *loop = rdc_loop_new();
    assert_non_null(loop);
    rdc_server_t conf = server4(closed_port());
    rdc_resolver_t *r = resolver(loop, &conf, 1, 0, 1000);
    size_t idx[70];
    for (unsigned i = 0; i < 64; i++) {
        rdc_server_t s = server4(40000 + i);
        idx[i] = rdc_resolver_add_server(r, &s, false);
        assert_int_equal(idx[i], 1 + i);
        assert_int_equal(rdc_resolver_add_server(r, &s, false), idx[i]); /* kept */
    }
    assert_int_equal(rdc_resolver_nservers(r), 1); /* the configured ones only */
    /* a query in flight on the first added server keeps its channel */
    rec_t q = {0};
    rdc_resolver_query(r, idx[0], "host.example.test", RDC_TYPE_A, on_reply, &q);
    /* the 65th: the least recently used idle channel is the second one */
    rdc_server_t s64 = server4(40064);
    size_t n64 = rdc_resolver_add_server(r, &s64, false);
    assert_int_equal(n64, idx[1]);
    assert_int_equal(rdc_resolver_server(r, n64)->port, 40064);
    assert_int_equal(rdc_resolver_server(r, idx[0])->port, 40000);
    /* the second server again: it gets the next idle one (the third's) */
    rdc_server_t s1 = server4(40001);
    assert_int_equal(rdc_resolver_add_server(r, &s1, false), idx[2]);
    /* the same address asking to recurse is another server */
    rdc_server_t s2 = server4(40002);
    size_t rd = rdc_resolver_add_server(r, &s2, true);
    assert_true(rd != SIZE_MAX && rd != idx[2]);
    drive(loop, r, &q.calls, 1, 3000);
    assert_int_equal(q.calls, 1);
    assert_false(q.cancelled);
    assert_true(q.status == RDC_DNS_S_UNREACHABLE || q.status == RDC_DNS_S_TIMEOUT);
    /* idle now: the first channel can go to another server */
    rdc_server_t s70 = server4(40070);
    size_t n70 = rdc_resolver_add_server(r, &s70, false);
    assert_true(n70 >= 1 && n70 <= 64);
    assert_int_equal(rdc_resolver_server(r, n70)->port, 40070);
    rdc_resolver_free(r);
    assert_int_equal(q.calls, 1);
    rdc_loop_free(loop);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sync_failure_deferred),
        cmocka_unit_test(test_dns_ops),
        cmocka_unit_test(test_rotate),
        cmocka_unit_test(test_server_format),
        cmocka_unit_test(test_too_many_servers),
        cmocka_unit_test(test_version),
        cmocka_unit_test(test_free_cancels_held),
        cmocka_unit_test(test_held_sent_on_pump),
        cmocka_unit_test(test_bucket_init),
        cmocka_unit_test(test_bucket_take_and_wait),
        cmocka_unit_test(test_bucket_rate),
        cmocka_unit_test(test_answers_raw),
        cmocka_unit_test(test_closed_port),
        cmocka_unit_test(test_added_servers_recycled),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
