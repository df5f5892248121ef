/* selfaddr.h - --self's socket work (selfaddr.c): the kernel's source
 * address toward an address (a UDP socket connect()ed, no packet sent),
 * whether an address is one of this host's (bind() to it), and a "whoami"
 * question asked directly of the server whose answer is the address the
 * question came from. Every socket call goes through rdc_sockops_t so
 * that unit tests script them. Internal. */
#ifndef RDC_SELFADDR_H
#define RDC_SELFADDR_H

#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "rdnscheck.h"

/* The socket calls used, with the system's meaning and return values
 * (-1 with errno set on failure). wait: like poll() for POLLIN on one fd:
 * 1 readable, 0 timed out, -1 error. */
typedef struct rdc_sockops {
    int (*socket)(void *ctx, int domain, int type, int proto);
    int (*connect)(void *ctx, int fd, const struct sockaddr *sa, socklen_t len);
    int (*bind)(void *ctx, int fd, const struct sockaddr *sa, socklen_t len);
    int (*getsockname)(void *ctx, int fd, struct sockaddr *sa, socklen_t *len);
    ssize_t (*send)(void *ctx, int fd, const void *buf, size_t len);
    int (*wait)(void *ctx, int fd, int timeout_ms);
    ssize_t (*recv)(void *ctx, int fd, void *buf, size_t len);
    int (*close)(void *ctx, int fd);
    void *ctx;
} rdc_sockops_t;

/* The real calls. */
const rdc_sockops_t *rdc_sockops_system(void);

/* The kernel's source address for traffic toward dest (port 53): false
 * with errno's text in err (errlen bytes) when there is no route. */
bool rdc_route_source(const rdc_sockops_t *ops, const rdc_addr_t *dest, rdc_addr_t *src, char *err,
                      size_t errlen);

/* True when a can be bound (it is an address of this host); else false
 * with the reason in err ("Cannot assign requested address"). */
bool rdc_addr_is_local(const rdc_sockops_t *ops, const rdc_addr_t *a, char *err, size_t errlen);

/* One whoami question: qname (wire form), type A for family 4 and AAAA
 * for 6, asked of server:port (port 0: 53) with RD clear, from a socket
 * bound to local (NULL: the kernel's choice), tries times, timeout_ms
 * each, with query id id. On an answer whose first address record is of
 * the family, *out is it and true is returned; otherwise false and err
 * says why ("timed out", "answered NXDOMAIN", "answered with no AAAA
 * record", "an answer that is no DNS response"). */
typedef struct rdc_whoami_q {
    const uint8_t *qname;
    int family;
    const rdc_addr_t *server;
    unsigned port;
    const rdc_addr_t *local;
    unsigned timeout_ms, tries;
    uint16_t id;
} rdc_whoami_q_t;

bool rdc_whoami_ask(const rdc_sockops_t *ops, const rdc_whoami_q_t *q, rdc_addr_t *out, char *err,
                    size_t errlen);

#endif
