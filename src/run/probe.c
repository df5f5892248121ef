/* probe.c - SMTP probes (--smtp), in the same loop as the DNS work:
 * connect, read the whole 220 greeting, EHLO, read the 250 reply, QUIT.
 * Never sends mail. */
#define _GNU_SOURCE
#include "probe.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mailcheck.h"
#include "smtp.h"

/* One SMTP dialogue, in the same loop as the DNS work: connect, read the
 * whole 220 greeting, EHLO, read the 250 reply, QUIT. Never sends mail. */
struct rdc_probe {
    rdc_probes_t *ps;
    const rdc_chk_ref_t *c;
    rdc_trace_t *to; /* where the transcript goes at the end */
    rdc_probe_t **handle; /* the owner's pointer to it, cleared at the end */
    int fd;
    enum { P_CONNECTING, P_GREETING, P_EHLO, P_DONE } state;
    rdc_smtp_parser_t parser;
    char out[300];
    size_t outlen, outpos;
    unsigned long long t0, deadline;
    rdc_probe_t *next, *prev;
    rdc_trace_t transcript; /* -v */
};

struct rdc_probes {
    rdc_run_ctx_t *x;
    rdc_fwdcache_t *fwd;
    rdc_probe_t *head; /* in progress */
};

typedef rdc_probe_t probe_t;

static void probe_io(void *ctx, int fd, bool readable, bool writable);

static void probe_unlink(probe_t *p)
{
    if (p->prev)
        p->prev->next = p->next;
    else if (p->ps->head == p)
        p->ps->head = p->next;
    if (p->next)
        p->next->prev = p->prev;
    p->next = p->prev = NULL;
}

static void probe_close(probe_t *p)
{
    if (p->fd >= 0) {
        rdc_loop_watch(p->ps->x->loop, p->fd, false, false, NULL, NULL);
        close(p->fd);
        p->fd = -1;
    }
}

/* Ends the probe: records the outcome, looks up the greeting host, and
 * releases the check's hold. */
static void probe_finish(probe_t *p, rdc_probe_outcome_t outcome, const char *detail)
{
    rdc_run_ctx_t *x = p->ps->x;
    const rdc_chk_ref_t *c = p->c;
    rdc_smtp_result_t *r = c->res->smtp;
    if (p->state == P_DONE)
        return;
    p->state = P_DONE;
    probe_close(p);
    probe_unlink(p);
    r->outcome = outcome;
    r->elapsed_ms = (unsigned)(rdc_now_ms() - p->t0);
    if (detail && (r->detail = rdc_strdup(detail)) == NULL)
        x->oom = true;
    if (!rdc_trace_move(p->to, &p->transcript))
        x->oom = true;
    if (outcome == RDC_PROBE_OK && r->banner.kind == RDC_NAME_CHECKED) {
        /* the greeting host, looked up like the HELO name */
        uint8_t wire[RDC_NAME_WIRE_MAX + 1];
        if (rdc_name_from_text(r->banner.name, strlen(r->banner.name), wire, NULL))
            rdc_fwd_request(p->ps->fwd, c, &r->banner, wire);
    }
    *p->handle = NULL;
    free(p);
    task_release(c->task);
}

static void probe_send(probe_t *p, const char *line)
{
    size_t n = strlen(line);
    if (n > sizeof p->out)
        n = sizeof p->out;
    memcpy(p->out, line, n);
    p->outlen = n;
    p->outpos = 0;
    if (p->ps->x->o->verbose && !rdc_trace_text(&p->transcript, RDC_EV_SMTP, '>', line, n - 2))
        p->ps->x->oom = true;
    rdc_loop_watch(p->ps->x->loop, p->fd, true, true, probe_io, p);
}

/* A complete reply arrived. */
static void probe_reply(probe_t *p, const rdc_smtp_reply_t *rep)
{
    rdc_smtp_result_t *r = p->c->res->smtp;
    if (p->ps->x->o->verbose &&
        !rdc_trace_textf(&p->transcript, RDC_EV_SMTP, '<', "%u %s%s", rep->code, rep->text,
                         rep->nlines > 1 ? " (+ more lines)" : ""))
        p->ps->x->oom = true;
    if (p->state == P_GREETING) {
        char line[RDC_SMTP_TEXT_MAX + 8];
        snprintf(line, sizeof line, "%u %s", rep->code, rep->text);
        r->greeting_code = rep->code;
        if ((r->greeting = rdc_strdup(line)) == NULL)
            p->ps->x->oom = true;
        if (rep->code != 220) {
            probe_finish(
                p, rdc_smtp_greeting_is_refusal(rep->code) ? RDC_PROBE_REFUSED : RDC_PROBE_BAD,
                rdc_smtp_greeting_is_refusal(rep->code)
                    ? "the server refuses the session in its greeting"
                    : "the greeting is not 220");
            return;
        }
        const char *why = NULL;
        uint8_t wire[RDC_NAME_WIRE_MAX + 1];
        rdc_addr_t lit;
        free(r->banner.name);
        r->banner.name = rdc_strdup(rep->host[0] ? rep->host : "(none)");
        if (rep->host[0] == '\0') {
            r->banner.kind = RDC_NAME_INVALID;
            why = "the greeting does not start with a host name (RFC 5321 section 4.3.1)";
        } else {
            r->banner.kind = rdc_helo_parse(rep->host, wire, &lit, &why);
            if (r->banner.kind == RDC_NAME_LITERAL) {
                r->banner.addrs = malloc(sizeof lit);
                if (r->banner.addrs) {
                    r->banner.addrs[0] = lit;
                    r->banner.naddrs = 1;
                }
            } else if (r->banner.kind == RDC_NAME_CHECKED) {
                char text[RDC_NAME_TEXT_MAX];
                rdc_name_to_text(wire, text);
                free(r->banner.name);
                r->banner.name = rdc_strdup(text);
            }
        }
        if (r->banner.name == NULL || (why && (r->banner_why = rdc_strdup(why)) == NULL))
            p->ps->x->oom = true;
        char ehlo[280];
        snprintf(ehlo, sizeof ehlo, "EHLO %s\r\n", p->ps->x->o->ehlo_name);
        p->state = P_EHLO;
        probe_send(p, ehlo);
        return;
    }
    /* the answer to EHLO: note it, say goodbye, done */
    r->ehlo_code = rep->code;
    if (rep->host[0] && (r->ehlo_host = rdc_strdup(rep->host)) == NULL)
        p->ps->x->oom = true;
    /* QUIT goes out best-effort: the socket is closed right after */
    static const char quit[] = "QUIT\r\n";
    if (send(p->fd, quit, sizeof quit - 1, MSG_NOSIGNAL | MSG_DONTWAIT) > 0 &&
        p->ps->x->o->verbose &&
        !rdc_trace_text(&p->transcript, RDC_EV_SMTP, '>', quit, sizeof quit - 3))
        p->ps->x->oom = true;
    probe_finish(p, RDC_PROBE_OK, NULL);
}

static void probe_io(void *ctx, int fd, bool readable, bool writable)
{
    probe_t *p = ctx;
    (void)fd;
    if (p->state == P_CONNECTING) {
        int err = 0;
        socklen_t len = sizeof err;
        if (getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
            err = errno;
        if (err != 0) {
            probe_finish(p, RDC_PROBE_UNREACHABLE, strerror(err));
            return;
        }
        p->state = P_GREETING;
        rdc_loop_watch(p->ps->x->loop, p->fd, true, false, probe_io, p);
        return;
    }
    if (writable && p->outpos < p->outlen) {
        ssize_t n = send(p->fd, p->out + p->outpos, p->outlen - p->outpos, MSG_NOSIGNAL);
        if (n < 0 && errno != EAGAIN && errno != EINTR) {
            probe_finish(p, RDC_PROBE_BAD, "the connection failed while sending EHLO");
            return;
        }
        if (n > 0)
            p->outpos += (size_t)n;
        if (p->outpos == p->outlen)
            rdc_loop_watch(p->ps->x->loop, p->fd, true, false, probe_io, p);
    }
    if (!readable)
        return;
    char buf[4096];
    ssize_t n = recv(p->fd, buf, sizeof buf, 0);
    if (n < 0) {
        if (errno == EAGAIN || errno == EINTR)
            return;
        probe_finish(p, p->state == P_GREETING ? RDC_PROBE_BAD : RDC_PROBE_OK,
                     p->state == P_GREETING ? strerror(errno) : NULL);
        return;
    }
    if (n == 0) {
        /* closed: mid-greeting is broken; after the greeting, EHLO went
         * unanswered but the greeting stands */
        probe_finish(p, p->state == P_GREETING ? RDC_PROBE_BAD : RDC_PROBE_OK,
                     p->state == P_GREETING ? "the server closed the connection during the greeting"
                                            : NULL);
        return;
    }
    size_t off = 0;
    while (off < (size_t)n && p->state != P_DONE) {
        size_t used = 0;
        rdc_smtp_reply_t rep;
        rdc_smtp_status_t st = rdc_smtp_feed(&p->parser, buf + off, (size_t)n - off, &used, &rep);
        off += used;
        if (st == RDC_SMTP_MORE)
            break;
        if (st == RDC_SMTP_BAD) {
            char why[200];
            snprintf(why, sizeof why, "not an SMTP reply: %s", rdc_smtp_parser_error(&p->parser));
            if (p->state == P_GREETING)
                probe_finish(p, RDC_PROBE_BAD, why);
            else
                probe_finish(p, RDC_PROBE_OK, NULL); /* a bad EHLO answer: keep the greeting */
            return;
        }
        probe_reply(p, &rep);
    }
}

rdc_probes_t *rdc_probes_new(rdc_run_ctx_t *x, rdc_fwdcache_t *fwd)
{
    rdc_probes_t *ps = calloc(1, sizeof *ps);
    if (ps) {
        ps->x = x;
        ps->fwd = fwd;
    }
    return ps;
}

void rdc_probes_free(rdc_probes_t *ps)
{
    free(ps);
}

bool rdc_probe_start(rdc_probes_t *ps, const rdc_chk_ref_t *c, rdc_trace_t *transcript,
                     rdc_probe_t **handle)
{
    rdc_run_ctx_t *x = ps->x;
    rdc_smtp_result_t *r = calloc(1, sizeof *r);
    probe_t *p = calloc(1, sizeof *p);
    if (r == NULL || p == NULL) {
        free(r);
        free(p);
        return false;
    }
    c->res->smtp = r;
    r->port = x->o->smtp_port;
    r->banner.kind = RDC_NAME_INVALID;
    p->ps = ps;
    p->c = c;
    p->to = transcript;
    p->handle = handle;
    p->t0 = rdc_now_ms();
    p->deadline = p->t0 + x->o->smtp_timeout_ms;
    rdc_smtp_parser_init(&p->parser);
    *handle = p;
    task_add(c->task);
    p->next = ps->head;
    if (ps->head)
        ps->head->prev = p;
    ps->head = p;

    struct sockaddr_storage ss;
    socklen_t sl;
    memset(&ss, 0, sizeof ss);
    if (c->res->addr.family == 4) {
        struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
        sin->sin_family = AF_INET;
        sin->sin_port = htons((uint16_t)x->o->smtp_port);
        memcpy(&sin->sin_addr, c->res->addr.b, 4);
        sl = sizeof *sin;
    } else {
        struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons((uint16_t)x->o->smtp_port);
        memcpy(&sin6->sin6_addr, c->res->addr.b, 16);
        sl = sizeof *sin6;
    }
    p->fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (p->fd < 0) {
        probe_finish(p, RDC_PROBE_UNREACHABLE, strerror(errno));
        return true;
    }
    if (x->o->verbose &&
        !rdc_trace_textf(&p->transcript, RDC_EV_SMTP, 0, "connecting to port %u", x->o->smtp_port))
        x->oom = true;
    if (connect(p->fd, (struct sockaddr *)&ss, sl) != 0 && errno != EINPROGRESS) {
        probe_finish(p, RDC_PROBE_UNREACHABLE, strerror(errno));
        return true;
    }
    if (!rdc_loop_watch(x->loop, p->fd, true, true, probe_io, p))
        probe_finish(p, RDC_PROBE_UNREACHABLE, "cannot watch the socket");
    return true;
}

int rdc_probes_scan(rdc_probes_t *ps)
{
    unsigned long long now = rdc_now_ms();
    long long next = -1;
    for (probe_t *p = ps->head; p;) {
        probe_t *n = p->next;
        if (now >= p->deadline) {
            char why[96];
            snprintf(why, sizeof why, "no complete %s within %u ms",
                     p->state == P_CONNECTING ? "connection"
                     : p->state == P_GREETING ? "greeting"
                                              : "EHLO answer",
                     ps->x->o->smtp_timeout_ms);
            if (p->state == P_EHLO)
                probe_finish(p, RDC_PROBE_OK, NULL);
            else
                probe_finish(p, RDC_PROBE_TIMEOUT, why);
        } else if (next < 0 || (long long)(p->deadline - now) < next) {
            next = (long long)(p->deadline - now);
        }
        p = n;
    }
    return (int)next;
}

void rdc_probe_free(probe_t *p)
{
    if (p == NULL)
        return;
    probe_close(p);
    probe_unlink(p);
    rdc_trace_free(&p->transcript);
    free(p);
}
