/* selfaddr.c - --self's sockets (selfaddr.h): the kernel's source address
 * toward the internet, bind() tests of addresses, whoami questions. */
#define _GNU_SOURCE
#include "selfaddr.h"

#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dnsmsg.h"

/* ------------------------------------------------------------ the system's */

static int sys_socket(void *ctx, int domain, int type, int proto)
{
    (void)ctx;
    return socket(domain, type | SOCK_CLOEXEC, proto);
}

static int sys_connect(void *ctx, int fd, const struct sockaddr *sa, socklen_t len)
{
    (void)ctx;
    return connect(fd, sa, len);
}

static int sys_bind(void *ctx, int fd, const struct sockaddr *sa, socklen_t len)
{
    (void)ctx;
    return bind(fd, sa, len);
}

static int sys_getsockname(void *ctx, int fd, struct sockaddr *sa, socklen_t *len)
{
    (void)ctx;
    return getsockname(fd, sa, len);
}

static ssize_t sys_send(void *ctx, int fd, const void *buf, size_t len)
{
    (void)ctx;
    return send(fd, buf, len, 0);
}

static int sys_wait(void *ctx, int fd, int timeout_ms)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    (void)ctx;
    int n;
    do
        n = poll(&p, 1, timeout_ms);
    while (n < 0 && errno == EINTR);
    return n;
}

static ssize_t sys_recv(void *ctx, int fd, void *buf, size_t len)
{
    (void)ctx;
    return recv(fd, buf, len, 0);
}

static int sys_close(void *ctx, int fd)
{
    (void)ctx;
    return close(fd);
}

static const rdc_sockops_t system_ops = {sys_socket,      sys_connect, sys_bind,
                                         sys_getsockname, sys_send,    sys_wait,
                                         sys_recv,        sys_close,   NULL};

const rdc_sockops_t *rdc_sockops_system(void)
{
    return &system_ops;
}

/* ------------------------------------------------------------ addresses */

static socklen_t to_sockaddr(const rdc_addr_t *a, unsigned port, struct sockaddr_storage *ss)
{
    memset(ss, 0, sizeof *ss);
    if (a->family == 4) {
        struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
        s4->sin_family = AF_INET;
        s4->sin_port = htons((uint16_t)port);
        memcpy(&s4->sin_addr, a->b, 4);
        return sizeof *s4;
    }
    struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
    s6->sin6_family = AF_INET6;
    s6->sin6_port = htons((uint16_t)port);
    memcpy(&s6->sin6_addr, a->b, 16);
    return sizeof *s6;
}

static bool from_sockaddr(const struct sockaddr_storage *ss, rdc_addr_t *a)
{
    memset(a, 0, sizeof *a);
    if (ss->ss_family == AF_INET) {
        a->family = 4;
        memcpy(a->b, &((const struct sockaddr_in *)ss)->sin_addr, 4);
        return true;
    }
    if (ss->ss_family == AF_INET6) {
        const uint8_t *b = (const uint8_t *)&((const struct sockaddr_in6 *)ss)->sin6_addr;
        static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        if (memcmp(b, mapped, 12) == 0) { /* as rdc_addr_parse: mapped is IPv4 */
            a->family = 4;
            memcpy(a->b, b + 12, 4);
        } else {
            a->family = 6;
            memcpy(a->b, b, 16);
        }
        return true;
    }
    return false;
}

static void say_errno(char *err, size_t errlen, const char *what)
{
    if (err && errlen)
        snprintf(err, errlen, "%s%s%s", what ? what : "", what ? ": " : "", strerror(errno));
}

static int open_udp(const rdc_sockops_t *ops, int family)
{
    return ops->socket(ops->ctx, family == 4 ? AF_INET : AF_INET6, SOCK_DGRAM, 0);
}

bool rdc_route_source(const rdc_sockops_t *ops, const rdc_addr_t *dest, rdc_addr_t *src, char *err,
                      size_t errlen)
{
    struct sockaddr_storage ss;
    socklen_t len = to_sockaddr(dest, 53, &ss);
    int fd = open_udp(ops, dest->family);
    bool ok = false;
    if (fd < 0) {
        say_errno(err, errlen, NULL);
        return false;
    }
    /* connect() on UDP only picks the route and the source address */
    if (ops->connect(ops->ctx, fd, (struct sockaddr *)&ss, len) != 0) {
        say_errno(err, errlen, NULL);
        goto done;
    }
    len = sizeof ss;
    if (ops->getsockname(ops->ctx, fd, (struct sockaddr *)&ss, &len) != 0) {
        say_errno(err, errlen, "getsockname");
        goto done;
    }
    ok = from_sockaddr(&ss, src) && src->family == dest->family;
    if (!ok && err && errlen)
        snprintf(err, errlen, "the kernel gave a source address of another family");
done:
    ops->close(ops->ctx, fd);
    return ok;
}

bool rdc_addr_is_local(const rdc_sockops_t *ops, const rdc_addr_t *a, char *err, size_t errlen)
{
    struct sockaddr_storage ss;
    socklen_t len = to_sockaddr(a, 0, &ss);
    int fd = open_udp(ops, a->family);
    if (fd < 0) {
        say_errno(err, errlen, NULL);
        return false;
    }
    bool ok = ops->bind(ops->ctx, fd, (struct sockaddr *)&ss, len) == 0;
    if (!ok)
        say_errno(err, errlen, NULL);
    ops->close(ops->ctx, fd);
    return ok;
}

/* ------------------------------------------------------------ whoami */

/* A query for qname/qtype, RD clear: the server must answer itself
 * (RFC 1035 §4.1.1). Returns its length, 0 when the name does not fit. */
static size_t build_query(uint8_t *buf, size_t cap, uint16_t id, const uint8_t *qname,
                          uint16_t qtype)
{
    size_t nlen = 0;
    while (qname[nlen] != 0)
        nlen += (size_t)qname[nlen] + 1;
    nlen++;
    if (12 + nlen + 4 > cap)
        return 0;
    memset(buf, 0, 12);
    buf[0] = (uint8_t)(id >> 8);
    buf[1] = (uint8_t)id;
    buf[5] = 1; /* QDCOUNT */
    memcpy(buf + 12, qname, nlen);
    uint8_t *q = buf + 12 + nlen;
    q[0] = (uint8_t)(qtype >> 8);
    q[1] = (uint8_t)qtype;
    q[2] = 0;
    q[3] = 1; /* IN */
    return 12 + nlen + 4;
}

/* One datagram from the server: false (and err) when it is no usable
 * answer; *stray when it is not ours at all (another id: keep waiting). */
static bool read_answer(const uint8_t *msg, size_t n, const rdc_whoami_q_t *q, uint16_t qtype,
                        rdc_addr_t *out, bool *stray, char *err, size_t errlen)
{
    *stray = n < 2 || ((unsigned)msg[0] << 8 | msg[1]) != q->id;
    if (*stray)
        return false;
    rdc_answer_t a = RDC_ANSWER_INIT;
    rdc_answer_parse(msg, n, q->qname, qtype, &a, NULL, NULL);
    bool ok = false;
    char rc[16];
    if (a.status == RDC_DNS_OK && a.nrecords > 0 && a.records[0].addr.family == q->family) {
        *out = a.records[0].addr;
        ok = true;
    } else if (a.status == RDC_DNS_S_ERROR) {
        snprintf(err, errlen, "an unusable answer (%s)", a.error ? a.error : "malformed");
    } else if (a.status == RDC_DNS_OK || a.status == RDC_DNS_NODATA) {
        snprintf(err, errlen, "answered with no %s record", q->family == 4 ? "A" : "AAAA");
    } else {
        snprintf(err, errlen, "answered %s", rdc_rcode_name(a.rcode, rc));
    }
    rdc_answer_free(&a);
    return ok;
}

bool rdc_whoami_ask(const rdc_sockops_t *ops, const rdc_whoami_q_t *q, rdc_addr_t *out, char *err,
                    size_t errlen)
{
    uint16_t qtype = q->family == 4 ? RDC_TYPE_A : RDC_TYPE_AAAA;
    uint8_t msg[512], buf[4096];
    size_t qlen = build_query(msg, sizeof msg, q->id, q->qname, qtype);
    struct sockaddr_storage ss;
    bool ok = false;
    snprintf(err, errlen, "timed out");
    if (qlen == 0) {
        snprintf(err, errlen, "the name is too long");
        return false;
    }
    int fd = open_udp(ops, q->server->family);
    if (fd < 0) {
        say_errno(err, errlen, NULL);
        return false;
    }
    /* from the address the mail leaves from: its NAT mapping is the one seen */
    if (q->local) {
        socklen_t len = to_sockaddr(q->local, 0, &ss);
        if (ops->bind(ops->ctx, fd, (struct sockaddr *)&ss, len) != 0) {
            say_errno(err, errlen, "bind");
            goto done;
        }
    }
    socklen_t len = to_sockaddr(q->server, q->port ? q->port : 53, &ss);
    if (ops->connect(ops->ctx, fd, (struct sockaddr *)&ss, len) != 0) {
        say_errno(err, errlen, NULL);
        goto done;
    }
    for (unsigned t = 0; t < (q->tries ? q->tries : 1) && !ok; t++) {
        if (ops->send(ops->ctx, fd, msg, qlen) < 0) {
            say_errno(err, errlen, NULL); /* ICMP unreachable of the last try, too */
            continue;
        }
        for (;;) {
            int w = ops->wait(ops->ctx, fd, (int)q->timeout_ms);
            if (w <= 0) {
                if (w < 0)
                    say_errno(err, errlen, NULL);
                else
                    snprintf(err, errlen, "timed out");
                break;
            }
            ssize_t n = ops->recv(ops->ctx, fd, buf, sizeof buf);
            if (n < 0) { /* a connected UDP socket reports ICMP errors here */
                say_errno(err, errlen, NULL);
                break;
            }
            bool stray;
            ok = read_answer(buf, (size_t)n, q, qtype, out, &stray, err, errlen);
            if (!stray)
                goto done; /* an answer, good or bad, ends the question */
        }
    }
done:
    ops->close(ops->ctx, fd);
    return ok;
}
