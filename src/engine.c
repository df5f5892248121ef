/* engine.c - the check engine: a ring of in-flight targets (the window, which
 * is also the reorder buffer), a per-address state machine (PTR, then one
 * forward lookup per distinct PTR name, shared through a run-wide cache),
 * CNAME chasing across answers (RFC 2317), and in-order emission. */
#define _GNU_SOURCE
#include "engine.h"

#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dnsmsg.h"
#include "generic.h"
#include "query.h"
#include "smtp.h"
#include "spf.h"
#include "util.h"

#define FWD_CACHE_MAX 16384 /* finished forward lookups kept for sharing */
#define TRACE_INDENT "      "

typedef struct rdc_engine engine_t;
typedef rdc_lookup_t lookup_t;

/* The engine a lookup works for. */
#define ENG(l) ((engine_t *)rdc_ql_user((l)->ql))

typedef struct slot slot_t;
typedef struct chk chk_t;

/* One DNSBL zone's lookups for one address: A, then TXT when listed. */
typedef struct bl {
    lookup_t lk;
    chk_t *c;
    size_t idx;
} bl_t;

/* One address under check. */
struct chk {
    slot_t *slot;
    rdc_result_t res;
    lookup_t ptr;
    unsigned pending; /* forward lookups outstanding, + 1 while starting */
    unsigned long long t0;
    rdc_buf_t trace;
    bl_t *bl; /* one per --dnsbl zone */
    struct probe *probe;
};

typedef struct waiter {
    chk_t *c;
    rdc_name_result_t *dst; /* a PTR name of c, or its HELO name */
    struct waiter *next;
} waiter_t;

/* A forward lookup of one PTR name in one family, shared by every address
 * whose PTR names it. */
typedef struct fwd {
    lookup_t lk;
    uint8_t key[RDC_NAME_WIRE_MAX + 1]; /* lower-cased */
    uint8_t family;
    uint32_t hash;
    bool done;
    rdc_dns_status_t status;
    bool via_cname;
    size_t naddrs;
    rdc_addr_t *addrs;
    char *trace;
    waiter_t *waiters;
    struct fwd *next; /* hash chain */
    struct fwd *older, *newer; /* finished entries, oldest first */
} fwd_t;

/* A hostname target: its A and AAAA lookups. */
typedef struct host {
    engine_t *e;
    slot_t *slot;
    lookup_t lk[2]; /* A, AAAA */
    bool active[2];
    rdc_dns_status_t status[2];
    size_t naddrs[2];
    rdc_addr_t *addrs[2];
    char *trace[2];
    unsigned pending;
} host_t;

enum slot_state { SLOT_FREE, SLOT_RUNNING, SLOT_DONE, SLOT_EMITTED };

struct slot {
    enum slot_state state;
    engine_t *e;
    rdc_item_t item;
    unsigned pending; /* unfinished children + 1 while starting */
    size_t nchildren;
    chk_t **children;
    rdc_result_t *extra; /* results without an address (host errors) */
    size_t nextra;
    bool extra_first; /* a domain summary leads its addresses */
    host_t *host;
    struct dom *dom;
};

struct rdc_engine {
    rdc_loop_t *loop;
    rdc_dns_t dns;
    rdc_engine_opts_t o;
    slot_t *ring;
    size_t nring;
    unsigned long long head, tail; /* sequence numbers: emit head, start tail */
    fwd_t **table;
    size_t tsize, nfwd, ndone;
    fwd_t *oldest, *newest;
    rdc_ql_t *ql; /* the query layer: servers, retries, duplicates */
    bool oom;
    bool input_ready;
    int input_fd;
    /* window control (AIMD on timeouts) */
    double window, ssthresh;
    unsigned inflight;
    unsigned long long last_cut_ms;
    rdc_engine_stats_t stats;
    unsigned long losses_seen; /* of the query layer's losses */
    struct probe *probes; /* SMTP probes in progress */
    /* --unordered: finished slots waiting to be emitted, in finishing order */
    size_t *doneq;
    size_t dq_head, dq_len;
};

/* ---------------------------------------------------------------- lookups */

static void lookup_init(lookup_t *l, engine_t *e, uint16_t type, const uint8_t *name,
                        rdc_lookup_done_t done, void *owner)
{
    rdc_lookup_init(l, e->ql, type, name, done, owner);
}

/* ---------------------------------------------------------------- slots */

static void slot_release(slot_t *s)
{
    if (--s->pending > 0)
        return;
    engine_t *e = s->e;
    s->state = SLOT_DONE;
    e->inflight--;
    e->stats.done++;
    /* additive increase: fast below ssthresh, one per window above it */
    if (e->window < e->o.concurrency) {
        e->window += e->window < e->ssthresh ? 1.0 : 1.0 / e->window;
        if (e->window > e->o.concurrency)
            e->window = e->o.concurrency;
    }
    if (e->doneq) {
        e->doneq[(e->dq_head + e->dq_len) % e->nring] = (size_t)(s - e->ring);
        e->dq_len++;
    }
}

static void chk_release(chk_t *c)
{
    if (--c->pending > 0)
        return;
    engine_t *e = ENG(&c->ptr);
    if (e->o.verbose && c->res.smtp && c->res.smtp->transcript)
        rdc_buf_puts(&c->trace, c->res.smtp->transcript);
    if (e->o.verbose)
        c->res.trace = rdc_buf_take(&c->trace);
    if (!rdc_verdict_compute(&c->res, e->o.strict))
        e->oom = true;
    c->res.elapsed_ms = (unsigned)(rdc_now_ms() - c->t0);
    slot_release(c->slot);
}

/* ---------------------------------------------------------------- forward cache */

static uint32_t hash_name(const uint8_t *key, uint8_t family)
{
    uint32_t h = 2166136261u ^ family;
    for (size_t i = 0; key[i] != 0; i += (size_t)key[i] + 1)
        for (size_t k = 0; k <= key[i]; k++)
            h = (h ^ key[i + k]) * 16777619u;
    return h;
}

static void lower_name(const uint8_t *in, uint8_t *out)
{
    size_t i = 0;
    for (; in[i] != 0; i += (size_t)in[i] + 1) {
        out[i] = in[i];
        for (size_t k = 1; k <= in[i]; k++) {
            out[i + k] = (uint8_t)rdc_lower((char)in[i + k]);
        }
    }
    out[i] = 0;
}

static void fwd_unlink_table(engine_t *e, fwd_t *f)
{
    fwd_t **pp = &e->table[f->hash & (e->tsize - 1)];
    while (*pp != f)
        pp = &(*pp)->next;
    *pp = f->next;
}

static void fwd_free(fwd_t *f)
{
    free(f->addrs);
    free(f->trace);
    rdc_buf_free(&f->lk.trace);
    free(f);
}

static void fwd_evict(engine_t *e)
{
    while (e->ndone > FWD_CACHE_MAX && e->oldest) {
        fwd_t *f = e->oldest;
        e->oldest = f->newer;
        if (e->oldest)
            e->oldest->older = NULL;
        else
            e->newest = NULL;
        fwd_unlink_table(e, f);
        e->ndone--;
        e->nfwd--;
        fwd_free(f);
    }
}

/* Copies what a finished forward lookup found into one name of one check. */
static void fwd_deliver(engine_t *e, fwd_t *f, chk_t *c, rdc_name_result_t *n, bool shared)
{
    n->status = f->status;
    n->via_cname = f->via_cname;
    if (f->naddrs > 0) {
        n->addrs = malloc(f->naddrs * sizeof *n->addrs);
        if (n->addrs == NULL) {
            e->oom = true;
        } else {
            memcpy(n->addrs, f->addrs, f->naddrs * sizeof *n->addrs);
            n->naddrs = f->naddrs;
        }
    }
    for (size_t i = 0; i < n->naddrs; i++)
        if (rdc_addr_equal(&n->addrs[i], &c->res.addr))
            n->confirmed = true;
    if (e->o.verbose && f->trace) {
        rdc_buf_puts(&c->trace, f->trace);
        if (shared)
            rdc_buf_puts(&c->trace, TRACE_INDENT "(answer shared with an earlier check)\n");
    }
    chk_release(c);
}

static void fwd_done(lookup_t *l, const rdc_answer_t *a)
{
    fwd_t *f = l->owner;
    engine_t *e = ENG(l);
    f->done = true;
    f->status = a->status;
    f->via_cname = l->via_cname;
    if (a->status == RDC_DNS_OK) {
        f->addrs = malloc(a->nrecords * sizeof *f->addrs);
        if (f->addrs == NULL) {
            e->oom = true;
            f->status = RDC_DNS_S_ERROR;
        } else {
            for (size_t i = 0; i < a->nrecords; i++)
                f->addrs[i] = a->records[i].addr;
            f->naddrs = a->nrecords;
        }
    }
    f->trace = rdc_buf_take(&l->trace);
    /* finished: join the eviction list */
    f->older = e->newest;
    f->newer = NULL;
    if (e->newest)
        e->newest->newer = f;
    else
        e->oldest = f;
    e->newest = f;
    e->ndone++;
    waiter_t *w = f->waiters;
    f->waiters = NULL;
    while (w) {
        waiter_t *next = w->next;
        fwd_deliver(e, f, w->c, w->dst, false);
        free(w);
        w = next;
    }
    fwd_evict(e);
}

static bool table_grow(engine_t *e)
{
    size_t n = e->tsize ? e->tsize * 2 : 1024;
    fwd_t **t = calloc(n, sizeof *t);
    if (t == NULL)
        return false;
    for (size_t i = 0; i < e->tsize; i++) {
        fwd_t *f = e->table[i];
        while (f) {
            fwd_t *next = f->next;
            f->next = t[f->hash & (n - 1)];
            t[f->hash & (n - 1)] = f;
            f = next;
        }
    }
    free(e->table);
    e->table = t;
    e->tsize = n;
    return true;
}

/* Asks for the forward addresses of name idx of c, sharing the lookup. */
static void fwd_request(engine_t *e, chk_t *c, rdc_name_result_t *dst, const uint8_t *wire)
{
    uint8_t key[RDC_NAME_WIRE_MAX + 1];
    uint8_t fam = c->res.addr.family;
    lower_name(wire, key);
    uint32_t h = hash_name(key, fam);
    fwd_t *f = NULL;
    if (e->tsize) {
        for (f = e->table[h & (e->tsize - 1)]; f; f = f->next)
            if (f->hash == h && f->family == fam && rdc_name_equal(f->key, key))
                break;
    }
    c->pending++;
    if (f && f->done) {
        fwd_deliver(e, f, c, dst, true);
        return;
    }
    waiter_t *w = malloc(sizeof *w);
    if (w == NULL) {
        e->oom = true;
        dst->status = RDC_DNS_S_ERROR;
        chk_release(c);
        return;
    }
    w->c = c;
    w->dst = dst;
    if (f) {
        w->next = f->waiters;
        f->waiters = w;
        return;
    }
    if ((e->nfwd + 1 > e->tsize && !table_grow(e)) || (f = calloc(1, sizeof *f)) == NULL) {
        free(w);
        e->oom = true;
        dst->status = RDC_DNS_S_ERROR;
        chk_release(c);
        return;
    }
    memcpy(f->key, key, sizeof key);
    f->family = fam;
    f->hash = h;
    f->next = e->table[h & (e->tsize - 1)];
    e->table[h & (e->tsize - 1)] = f;
    e->nfwd++;
    w->next = NULL;
    f->waiters = w;
    lookup_init(&f->lk, e, fam == 4 ? RDC_TYPE_A : RDC_TYPE_AAAA, wire, fwd_done, f);
    rdc_lookup_start(&f->lk);
}

/* ---------------------------------------------------------------- address checks */

static void ptr_done(lookup_t *l, const rdc_answer_t *a)
{
    chk_t *c = l->owner;
    engine_t *e = ENG(l);
    c->res.ptr_status = a->status;
    rdc_lookup_trace_to(l, &c->trace);
    if (a->status != RDC_DNS_OK) {
        chk_release(c);
        return;
    }
    /* distinct names, in answer order; a (and so wires) stays valid for
     * the whole call, lookups started here never call back inside it */
    size_t n = 0;
    const uint8_t **wires = malloc(a->nrecords * sizeof *wires);
    c->res.names = calloc(a->nrecords, sizeof *c->res.names);
    if (c->res.names == NULL || wires == NULL) {
        free(wires);
        e->oom = true;
        c->res.ptr_status = RDC_DNS_S_ERROR;
        chk_release(c);
        return;
    }
    for (size_t i = 0; i < a->nrecords; i++) {
        bool dup = false;
        for (size_t j = 0; j < n && !dup; j++)
            dup = rdc_name_equal(wires[j], a->records[i].name);
        if (dup)
            continue;
        char text[RDC_NAME_TEXT_MAX];
        rdc_name_to_text(a->records[i].name, text);
        rdc_name_result_t *nr = &c->res.names[n];
        nr->name = rdc_strdup(text);
        if (nr->name == NULL) {
            e->oom = true;
            break;
        }
        wires[n++] = a->records[i].name;
        if (n > e->o.max_names)
            nr->kind = RDC_NAME_SKIPPED;
        else if (rdc_name_is_reverse(a->records[i].name))
            nr->kind = RDC_NAME_RELATIVE;
        else if (!rdc_name_is_hostname(a->records[i].name))
            nr->kind = RDC_NAME_INVALID;
        else {
            nr->kind = RDC_NAME_CHECKED;
            char why[200];
            if (e->o.generic &&
                rdc_generic_name(a->records[i].name, &c->res.addr, why, sizeof why) !=
                    RDC_GENERIC_NO &&
                (nr->generic = rdc_strdup(why)) == NULL)
                e->oom = true;
        }
    }
    c->res.nnames = n;
    c->pending++; /* hold while requesting */
    for (size_t i = 0; i < n; i++)
        if (c->res.names[i].kind == RDC_NAME_CHECKED)
            fwd_request(e, c, &c->res.names[i], wires[i]);
    free(wires);
    chk_release(c); /* the PTR step */
    chk_release(c); /* the hold */
}

/* ---------------------------------------------------------------- SMTP probes */

/* One SMTP dialogue, in the same loop as the DNS work: connect, read the
 * whole 220 greeting, EHLO, read the 250 reply, QUIT. Never sends mail. */
typedef struct probe {
    engine_t *e;
    chk_t *c;
    int fd;
    enum { P_CONNECTING, P_GREETING, P_EHLO, P_DONE } state;
    rdc_smtp_parser_t parser;
    char out[300];
    size_t outlen, outpos;
    unsigned long long t0, deadline;
    struct probe *next, *prev;
    rdc_buf_t transcript;
} probe_t;

static void probe_io(void *ctx, int fd, bool readable, bool writable);

static void probe_unlink(probe_t *p)
{
    if (p->prev)
        p->prev->next = p->next;
    else if (p->e->probes == p)
        p->e->probes = p->next;
    if (p->next)
        p->next->prev = p->prev;
    p->next = p->prev = NULL;
}

static void probe_close(probe_t *p)
{
    if (p->fd >= 0) {
        rdc_loop_watch(p->e->loop, p->fd, false, false, NULL, NULL);
        close(p->fd);
        p->fd = -1;
    }
}

/* Ends the probe: records the outcome, looks up the greeting host, and
 * releases the check's hold. */
static void probe_finish(probe_t *p, rdc_probe_outcome_t outcome, const char *detail)
{
    engine_t *e = p->e;
    chk_t *c = p->c;
    rdc_smtp_result_t *r = c->res.smtp;
    if (p->state == P_DONE)
        return;
    p->state = P_DONE;
    probe_close(p);
    probe_unlink(p);
    r->outcome = outcome;
    r->elapsed_ms = (unsigned)(rdc_now_ms() - p->t0);
    if (detail && (r->detail = rdc_strdup(detail)) == NULL)
        e->oom = true;
    if (e->o.verbose)
        r->transcript = rdc_buf_take(&p->transcript);
    rdc_buf_free(&p->transcript);
    if (outcome == RDC_PROBE_OK && r->banner.kind == RDC_NAME_CHECKED) {
        /* the greeting host, looked up like the HELO name */
        uint8_t wire[RDC_NAME_WIRE_MAX + 1];
        if (rdc_name_from_text(r->banner.name, strlen(r->banner.name), wire, NULL))
            fwd_request(e, c, &r->banner, wire);
    }
    c->probe = NULL;
    free(p);
    chk_release(c);
}

static void probe_send(probe_t *p, const char *line)
{
    size_t n = strlen(line);
    if (n > sizeof p->out)
        n = sizeof p->out;
    memcpy(p->out, line, n);
    p->outlen = n;
    p->outpos = 0;
    if (p->e->o.verbose)
        rdc_buf_printf(&p->transcript, "    smtp > %.*s\n", (int)(n - 2), line);
    rdc_loop_watch(p->e->loop, p->fd, true, true, probe_io, p);
}

/* A complete reply arrived. */
static void probe_reply(probe_t *p, const rdc_smtp_reply_t *rep)
{
    rdc_smtp_result_t *r = p->c->res.smtp;
    if (p->e->o.verbose)
        rdc_buf_printf(&p->transcript, "    smtp < %u %s%s\n", rep->code, rep->text,
                       rep->nlines > 1 ? " (+ more lines)" : "");
    if (p->state == P_GREETING) {
        char line[RDC_SMTP_TEXT_MAX + 8];
        snprintf(line, sizeof line, "%u %s", rep->code, rep->text);
        r->greeting_code = rep->code;
        if ((r->greeting = rdc_strdup(line)) == NULL)
            p->e->oom = true;
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
            p->e->oom = true;
        char ehlo[280];
        snprintf(ehlo, sizeof ehlo, "EHLO %s\r\n", p->e->o.ehlo_name);
        p->state = P_EHLO;
        probe_send(p, ehlo);
        return;
    }
    /* the answer to EHLO: note it, say goodbye, done */
    r->ehlo_code = rep->code;
    if (rep->host[0] && (r->ehlo_host = rdc_strdup(rep->host)) == NULL)
        p->e->oom = true;
    /* QUIT goes out best-effort: the socket is closed right after */
    static const char quit[] = "QUIT\r\n";
    if (send(p->fd, quit, sizeof quit - 1, MSG_NOSIGNAL | MSG_DONTWAIT) > 0 && p->e->o.verbose)
        rdc_buf_puts(&p->transcript, "    smtp > QUIT\n");
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
        rdc_loop_watch(p->e->loop, p->fd, true, false, probe_io, p);
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
            rdc_loop_watch(p->e->loop, p->fd, true, false, probe_io, p);
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

/* Starts the probe of c's address (the check holds one pending count). */
static bool probe_start(engine_t *e, chk_t *c)
{
    rdc_smtp_result_t *r = calloc(1, sizeof *r);
    probe_t *p = calloc(1, sizeof *p);
    if (r == NULL || p == NULL) {
        free(r);
        free(p);
        return false;
    }
    c->res.smtp = r;
    r->port = e->o.smtp_port;
    r->banner.kind = RDC_NAME_INVALID;
    p->e = e;
    p->c = c;
    p->t0 = rdc_now_ms();
    p->deadline = p->t0 + e->o.smtp_timeout_ms;
    rdc_smtp_parser_init(&p->parser);
    c->probe = p;
    c->pending++;
    p->next = e->probes;
    if (e->probes)
        e->probes->prev = p;
    e->probes = p;

    struct sockaddr_storage ss;
    socklen_t sl;
    memset(&ss, 0, sizeof ss);
    if (c->res.addr.family == 4) {
        struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
        sin->sin_family = AF_INET;
        sin->sin_port = htons((uint16_t)e->o.smtp_port);
        memcpy(&sin->sin_addr, c->res.addr.b, 4);
        sl = sizeof *sin;
    } else {
        struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons((uint16_t)e->o.smtp_port);
        memcpy(&sin6->sin6_addr, c->res.addr.b, 16);
        sl = sizeof *sin6;
    }
    p->fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (p->fd < 0) {
        probe_finish(p, RDC_PROBE_UNREACHABLE, strerror(errno));
        return true;
    }
    if (e->o.verbose)
        rdc_buf_printf(&p->transcript, "    smtp: connecting to port %u\n", e->o.smtp_port);
    if (connect(p->fd, (struct sockaddr *)&ss, sl) != 0 && errno != EINPROGRESS) {
        probe_finish(p, RDC_PROBE_UNREACHABLE, strerror(errno));
        return true;
    }
    if (!rdc_loop_watch(e->loop, p->fd, true, true, probe_io, p))
        probe_finish(p, RDC_PROBE_UNREACHABLE, "cannot watch the socket");
    return true;
}

/* Ends probes past their deadline; returns ms until the next deadline, or -1. */
static int probe_scan(engine_t *e)
{
    unsigned long long now = rdc_now_ms();
    long long next = -1;
    for (probe_t *p = e->probes; p;) {
        probe_t *n = p->next;
        if (now >= p->deadline) {
            char why[96];
            snprintf(why, sizeof why, "no complete %s within %u ms",
                     p->state == P_CONNECTING ? "connection"
                     : p->state == P_GREETING ? "greeting"
                                              : "EHLO answer",
                     e->o.smtp_timeout_ms);
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

static void chk_free(chk_t *c);

static bool helo_init(engine_t *e, chk_t *c)
{
    rdc_name_result_t *h = calloc(1, sizeof *h);
    if (h == NULL)
        return false;
    c->res.helo = h;
    char shown[300];
    rdc_escape_bytes(e->o.helo, strlen(e->o.helo), shown, sizeof shown);
    h->name = rdc_strdup(shown);
    h->kind = e->o.helo_kind;
    if (h->name == NULL)
        return false;
    if (h->kind == RDC_NAME_INVALID) {
        c->res.helo_why = rdc_strdup(e->o.helo_why);
        return c->res.helo_why != NULL;
    }
    if (h->kind == RDC_NAME_LITERAL) {
        h->addrs = malloc(sizeof *h->addrs);
        if (h->addrs == NULL)
            return false;
        h->addrs[0] = e->o.helo_lit;
        h->naddrs = 1;
        h->confirmed = rdc_addr_equal(&e->o.helo_lit, &c->res.addr);
    } else {
        /* a name of the other family than the address is looked up in the
         * address's family, like the PTR names */
        char text[RDC_NAME_TEXT_MAX];
        rdc_name_to_text(e->o.helo_wire, text);
        free(h->name);
        h->name = rdc_strdup(text);
        if (h->name == NULL)
            return false;
    }
    return true;
}

static void bl_done(lookup_t *l, const rdc_answer_t *a)
{
    bl_t *b = l->owner;
    chk_t *c = b->c;
    engine_t *e = ENG(l);
    rdc_dnsbl_result_t *d = &c->res.dnsbl[b->idx];
    rdc_lookup_trace_to(l, &c->trace);
    if (l->type == RDC_TYPE_TXT) {
        /* the reason of a listing: the TXT strings, already escaped */
        if (a->status == RDC_DNS_OK && a->nrecords > 0 &&
            (d->reason = rdc_strdup((const char *)a->records[0].name)) == NULL)
            e->oom = true;
        chk_release(c);
        return;
    }
    d->status = a->status;
    for (size_t i = 0; a->status == RDC_DNS_OK && i < a->nrecords && d->ncodes < 8; i++)
        d->codes[d->ncodes++] = a->records[i].addr;
    d->state = rdc_dnsbl_classify(d->status, d->codes, d->ncodes, NULL);
    if (d->state == RDC_BL_LISTED) {
        l->type = RDC_TYPE_TXT; /* same name, now the reason */
        l->hops = 0;
        l->tries = 0;
        l->free = 0;
        l->via_cname = false;
        rdc_lookup_start(l);
        return;
    }
    chk_release(c);
}

static bool dnsbl_init(engine_t *e, chk_t *c)
{
    c->bl = calloc(e->o.ndnsbl, sizeof *c->bl);
    c->res.dnsbl = calloc(e->o.ndnsbl, sizeof *c->res.dnsbl);
    if (c->bl == NULL || c->res.dnsbl == NULL)
        return false;
    c->res.ndnsbl = e->o.ndnsbl;
    for (size_t i = 0; i < e->o.ndnsbl; i++) {
        char qname[RDC_NAME_TEXT_MAX];
        uint8_t wire[RDC_NAME_WIRE_MAX + 1];
        rdc_dnsbl_result_t *d = &c->res.dnsbl[i];
        d->zone = rdc_strdup(e->o.dnsbl[i]);
        if (d->zone == NULL)
            return false;
        /* zones were validated by the CLI, so the name fits */
        if (!rdc_dnsbl_query_name(&c->res.addr, e->o.dnsbl[i], qname) ||
            !rdc_name_from_text(qname, strlen(qname), wire, NULL))
            return false;
        c->bl[i].c = c;
        c->bl[i].idx = i;
        lookup_init(&c->bl[i].lk, e, RDC_TYPE_A, wire, bl_done, &c->bl[i]);
    }
    return true;
}

static chk_t *chk_new(engine_t *e, slot_t *s, const rdc_addr_t *addr, const char *input)
{
    chk_t *c = calloc(1, sizeof *c);
    if (c == NULL)
        return NULL;
    c->slot = s;
    c->res.input = rdc_strdup(input);
    c->res.line = s->item.line;
    c->res.has_addr = true;
    c->res.addr = *addr;
    if (c->res.input == NULL) {
        free(c);
        return NULL;
    }
    char rev[RDC_REVNAME_MAX];
    uint8_t wire[RDC_NAME_WIRE_MAX + 1];
    rdc_addr_reverse_name(addr, rev);
    rdc_name_from_text(rev, strlen(rev), wire, NULL);
    lookup_init(&c->ptr, e, RDC_TYPE_PTR, wire, ptr_done, c);
    if (e->o.helo && !helo_init(e, c)) {
        chk_free(c);
        return NULL;
    }
    if (e->o.ndnsbl > 0 && !dnsbl_init(e, c)) {
        chk_free(c);
        return NULL;
    }
    return c;
}

static void chk_start(chk_t *c)
{
    engine_t *e = ENG(&c->ptr);
    c->t0 = rdc_now_ms();
    c->pending = 2; /* the PTR step, and a hold while starting */
    c->slot->pending++;
    rdc_lookup_start(&c->ptr);
    /* the HELO name's forward lookup, shared by every address of a family */
    if (c->res.helo && c->res.helo->kind == RDC_NAME_CHECKED)
        fwd_request(e, c, c->res.helo, e->o.helo_wire);
    for (size_t i = 0; i < c->res.ndnsbl; i++) {
        c->pending++;
        rdc_lookup_start(&c->bl[i].lk);
    }
    if (e->o.smtp_port && !probe_start(e, c))
        e->oom = true;
    chk_release(c);
}

static void chk_free(chk_t *c)
{
    if (c == NULL)
        return;
    if (c->probe) {
        probe_close(c->probe);
        probe_unlink(c->probe);
        rdc_buf_free(&c->probe->transcript);
        free(c->probe);
    }
    for (size_t i = 0; c->bl && i < c->res.ndnsbl; i++)
        rdc_buf_free(&c->bl[i].lk.trace);
    free(c->bl);
    rdc_result_clear(&c->res);
    rdc_buf_free(&c->trace);
    rdc_buf_free(&c->ptr.trace);
    free(c);
}

/* ---------------------------------------------------------------- hostname targets */

static bool slot_add_extra(engine_t *e, slot_t *s, rdc_code_t code, const char *fix,
                           const char *msg)
{
    rdc_result_t *x = realloc(s->extra, (s->nextra + 1) * sizeof *x);
    if (x == NULL) {
        e->oom = true;
        return false;
    }
    s->extra = x;
    rdc_result_t *r = &x[s->nextra++];
    memset(r, 0, sizeof *r);
    r->input = rdc_strdup(s->item.input);
    r->line = s->item.line;
    r->ptr_status = RDC_DNS_OK;
    if (!rdc_result_add_problem(r, code, fix, "%s", msg))
        e->oom = true;
    r->verdict = rdc_code_severity(code) == RDC_SEV_TEMPFAIL ? RDC_TEMPFAIL : RDC_FAIL;
    return true;
}

static void host_finish(host_t *h);

static void host_release(host_t *h)
{
    if (--h->pending == 0)
        host_finish(h);
}

static void host_done(lookup_t *l, const rdc_answer_t *a)
{
    host_t *h = l->owner;
    engine_t *e = ENG(l);
    int fi = l == &h->lk[0] ? 0 : 1;
    h->status[fi] = a->status;
    if (a->status == RDC_DNS_OK && a->nrecords > 0) {
        h->addrs[fi] = malloc(a->nrecords * sizeof(rdc_addr_t));
        if (h->addrs[fi] == NULL) {
            e->oom = true;
        } else {
            for (size_t i = 0; i < a->nrecords; i++) {
                bool dup = false;
                for (size_t j = 0; j < h->naddrs[fi] && !dup; j++)
                    dup = rdc_addr_equal(&h->addrs[fi][j], &a->records[i].addr);
                if (!dup)
                    h->addrs[fi][h->naddrs[fi]++] = a->records[i].addr;
            }
        }
    }
    h->trace[fi] = rdc_buf_take(&l->trace);
    host_release(h);
}

/* Both families answered: one check per address, or a result saying why
 * there is none. */
static void host_finish(host_t *h)
{
    engine_t *e = h->e;
    slot_t *s = h->slot;
    char name[RDC_NAME_TEXT_MAX], msg[RDC_NAME_TEXT_MAX + 128];
    rdc_name_to_text(s->item.host, name);
    size_t total = h->naddrs[0] + h->naddrs[1];
    /* one record for the target's failed lookups, one problem per lookup */
    bool temp = false;
    for (int k = 0; k < 2; k++) {
        if (!h->active[k] || !rdc_dns_status_is_temporary(h->status[k]))
            continue;
        snprintf(msg, sizeof msg, "the %s lookup of %s %s", k == 0 ? "A" : "AAAA", name,
                 rdc_dns_status_text(h->status[k]));
        rdc_code_t code = rdc_dns_status_code(h->status[k]);
        const char *fix = "try again later; if it persists, check the resolver (-s)";
        if (!temp)
            slot_add_extra(e, s, code, fix, msg);
        else if (s->nextra > 0 &&
                 !rdc_result_add_problem(&s->extra[s->nextra - 1], code, fix, "%s", msg))
            e->oom = true;
        temp = true;
    }
    if (total == 0 && !temp) {
        const char *which = h->active[0] && h->active[1] ? "A or AAAA"
                            : h->active[0]               ? "A"
                                                         : "AAAA";
        snprintf(msg, sizeof msg, "%s has no %s record (%s)", name, which,
                 h->status[0] == RDC_DNS_NXDOMAIN || h->status[1] == RDC_DNS_NXDOMAIN
                     ? "the name does not exist"
                     : "the name exists without one");
        slot_add_extra(e, s, RDC_NO_ADDRESS,
                       "check the host name, or give the address to check instead", msg);
    }
    if (e->o.verbose && s->nextra > 0) {
        rdc_buf_t t = {0};
        for (int k = 0; k < 2; k++)
            if (h->trace[k])
                rdc_buf_puts(&t, h->trace[k]);
        s->extra[s->nextra - 1].trace = rdc_buf_take(&t);
    }
    s->children = calloc(total ? total : 1, sizeof *s->children);
    if (s->children == NULL) {
        e->oom = true;
        total = 0;
    }
    for (int k = 0; k < 2; k++)
        for (size_t i = 0; i < h->naddrs[k]; i++) {
            chk_t *c = chk_new(e, s, &h->addrs[k][i], s->item.input);
            if (c == NULL) {
                e->oom = true;
                continue;
            }
            if (e->o.verbose && h->trace[k])
                rdc_buf_puts(&c->trace, h->trace[k]);
            s->children[s->nchildren++] = c;
        }
    s->pending++; /* hold while starting the children */
    for (size_t i = 0; i < s->nchildren; i++)
        chk_start(s->children[i]);
    slot_release(s); /* the host step */
    slot_release(s); /* the hold */
}

static void host_free(host_t *h)
{
    if (h == NULL)
        return;
    for (int k = 0; k < 2; k++) {
        free(h->addrs[k]);
        free(h->trace[k]);
        rdc_buf_free(&h->lk[k].trace);
    }
    free(h);
}

/* ---------------------------------------------------------------- --mx / --spf */

/* A domain target: find the addresses (MX exchanges, or SPF ranges), then
 * check each like an address target. The summary result goes first. */
typedef struct dq {
    lookup_t lk;
    struct dom *d;
    unsigned id; /* SPF question id */
    size_t ex; /* MX: exchange index */
    struct dq *next;
} dq_t;

typedef struct found {
    rdc_addr_t addr;
    char *via;
} found_t;

typedef struct dom {
    engine_t *e;
    slot_t *slot;
    bool spf_mode;
    char name[RDC_NAME_TEXT_MAX];
    unsigned pending; /* lookups outstanding + 1 while starting */
    dq_t *queries; /* every lookup made, freed with the domain */
    rdc_spf_t *spf;
    /* MX */
    struct ex {
        uint16_t pref;
        char name[RDC_NAME_TEXT_MAX];
        bool cname;
        size_t nfound;
    } * ex;
    size_t nex;
    bool implicit;
    rdc_result_t *sum; /* slot->extra[0] */
    found_t *found;
    size_t nfound, capfound;
    unsigned lookups;
    rdc_buf_t tree;
} dom_t;

static void dom_release(dom_t *d);

static dq_t *dom_query(dom_t *d, const uint8_t *wire, uint16_t type,
                       void (*done)(lookup_t *, const rdc_answer_t *))
{
    dq_t *q = calloc(1, sizeof *q);
    if (q == NULL) {
        d->e->oom = true;
        return NULL;
    }
    q->d = d;
    q->next = d->queries;
    d->queries = q;
    d->pending++;
    d->lookups++;
    lookup_init(&q->lk, d->e, type, wire, done, q);
    return q;
}

static void dom_add(dom_t *d, const rdc_addr_t *a, const char *via)
{
    for (size_t i = 0; i < d->nfound; i++)
        if (rdc_addr_equal(&d->found[i].addr, a))
            return; /* checked once, under its first reason */
    if (d->nfound == d->capfound) {
        size_t cap = d->capfound ? d->capfound * 2 : 16;
        found_t *f = realloc(d->found, cap * sizeof *f);
        if (f == NULL) {
            d->e->oom = true;
            return;
        }
        d->found = f;
        d->capfound = cap;
    }
    d->found[d->nfound].addr = *a;
    if ((d->found[d->nfound].via = rdc_strdup(via)) == NULL)
        d->e->oom = true;
    d->nfound++;
}

static void dom_problem(dom_t *d, rdc_code_t code, const char *fix, const char *msg)
{
    if (!rdc_result_add_problem(d->sum, code, fix, "%s", msg))
        d->e->oom = true;
}

static void dom_dns_problem(dom_t *d, const char *what, rdc_dns_status_t st)
{
    char msg[RDC_NAME_TEXT_MAX + 128];
    snprintf(msg, sizeof msg, "the %s lookup %s", what, rdc_dns_status_text(st));
    dom_problem(d, rdc_dns_status_code(st),
                "try again later; if it persists, check the resolver (-s) and the domain's name "
                "servers",
                msg);
}

/* An exchange's A or AAAA answer. */
static void mx_addr_done(lookup_t *l, const rdc_answer_t *a)
{
    dq_t *q = l->owner;
    dom_t *d = q->d;
    struct ex *x = &d->ex[q->ex];
    char via[RDC_NAME_TEXT_MAX + 64], tb[16];
    rdc_lookup_trace_to(l, &d->tree);
    if (a->status == RDC_DNS_OK) {
        if (l->via_cname)
            x->cname = true;
        if (d->implicit)
            snprintf(via, sizeof via, "implicit mx %s", d->name);
        else
            snprintf(via, sizeof via, "mx %u %s", x->pref, x->name);
        for (size_t i = 0; i < a->nrecords; i++) {
            dom_add(d, &a->records[i].addr, via);
            x->nfound++;
        }
    } else if (rdc_dns_status_is_temporary(a->status)) {
        char what[RDC_NAME_TEXT_MAX + 16];
        snprintf(what, sizeof what, "%s of %s", rdc_type_name(l->type, tb), x->name);
        dom_dns_problem(d, what, a->status);
        x->nfound++; /* undecided, not "no address" */
    }
    dom_release(d);
}

static void mx_lookup_addrs(dom_t *d, size_t i, const uint8_t *wire)
{
    for (int k = 0; k < 2; k++) {
        if (!(k == 0 ? d->e->o.want4 : d->e->o.want6))
            continue;
        dq_t *q = dom_query(d, wire, k == 0 ? RDC_TYPE_A : RDC_TYPE_AAAA, mx_addr_done);
        if (q == NULL)
            return;
        q->ex = i;
        rdc_lookup_start(&q->lk);
    }
}

static void mx_done(lookup_t *l, const rdc_answer_t *a)
{
    dq_t *q = l->owner;
    dom_t *d = q->d;
    char msg[2 * RDC_NAME_TEXT_MAX];
    rdc_lookup_trace_to(l, &d->tree);
    if (rdc_dns_status_is_temporary(a->status)) {
        dom_dns_problem(d, "MX", a->status);
    } else if (a->status == RDC_DNS_NXDOMAIN) {
        snprintf(msg, sizeof msg, "%s does not exist (NXDOMAIN)", d->name);
        dom_problem(d, RDC_DOMAIN_NOT_FOUND, "check the domain name", msg);
    } else if (a->status == RDC_DNS_NODATA) {
        /* RFC 5321 §5.1: no MX, the domain itself is the implicit MX */
        snprintf(msg, sizeof msg,
                 "%s has no MX record: mail goes to its own A/AAAA (implicit MX, RFC 5321 "
                 "section 5.1)",
                 d->name);
        dom_problem(d, RDC_MX_IMPLICIT, "publish an MX record naming the mail server", msg);
        d->implicit = true;
        d->ex = calloc(1, sizeof *d->ex);
        if (d->ex == NULL) {
            d->e->oom = true;
        } else {
            d->nex = 1;
            snprintf(d->ex[0].name, sizeof d->ex[0].name, "%s", d->name);
            mx_lookup_addrs(d, 0, l->name);
        }
    } else {
        d->ex = calloc(a->nrecords, sizeof *d->ex);
        if (d->ex == NULL) {
            d->e->oom = true;
            dom_release(d);
            return;
        }
        /* preference order (RFC 5321 §5.1), stable for equal ones */
        size_t *order = malloc(a->nrecords * sizeof *order + 1);
        if (order == NULL) {
            d->e->oom = true;
            dom_release(d);
            return;
        }
        for (size_t i = 0; i < a->nrecords; i++) {
            size_t j = i;
            while (j > 0 && a->records[order[j - 1]].pref > a->records[i].pref) {
                order[j] = order[j - 1];
                j--;
            }
            order[j] = i;
        }
        for (size_t k = 0; k < a->nrecords; k++) {
            const rdc_record_t *rec = &a->records[order[k]];
            struct ex *x = &d->ex[d->nex];
            x->pref = rec->pref;
            rdc_name_to_text(rec->name, x->name);
            if (rec->name[0] == 0) {
                /* RFC 7505 null MX: the domain accepts no mail */
                snprintf(msg, sizeof msg,
                         "%s has a null MX (\"0 .\", RFC 7505): it accepts no mail", d->name);
                dom_problem(d, RDC_MX_NULL, NULL, msg);
                continue;
            }
            rdc_addr_t lit;
            size_t nl = strlen(x->name);
            if (rdc_addr_parse(x->name, nl, &lit) ||
                (nl > 2 && x->name[0] == '[' && x->name[nl - 1] == ']')) {
                snprintf(msg, sizeof msg,
                         "MX %u %s is an IP address, not a host name (RFC 5321 section 5.1 wants "
                         "a domain name; most senders will not deliver)",
                         x->pref, x->name);
                dom_problem(d, RDC_MX_IP_LITERAL,
                            "name the exchange by a host name with an A/AAAA record", msg);
                continue;
            }
            if (!rdc_name_is_hostname(rec->name)) {
                snprintf(msg, sizeof msg, "MX %u %s is not a host name", x->pref, x->name);
                dom_problem(d, RDC_MX_NO_ADDRESS, "fix the MX record", msg);
                continue;
            }
            d->nex++;
            mx_lookup_addrs(d, d->nex - 1, rec->name);
        }
        free(order);
    }
    dom_release(d);
}

/* SPF: turn one answer into the module's records and ask the next questions. */
static void spf_pump(dom_t *d);

static void spf_done(lookup_t *l, const rdc_answer_t *a)
{
    dq_t *q = l->owner;
    dom_t *d = q->d;
    rdc_lookup_trace_to(l, &d->tree);
    rdc_spf_rr_t *rrs = calloc(a->nrecords ? a->nrecords : 1, sizeof *rrs);
    char *texts = NULL;
    size_t n = 0;
    if (rrs == NULL) {
        d->e->oom = true;
        dom_release(d);
        return;
    }
    if (l->type == RDC_TYPE_TXT && a->nrecords > 0) {
        /* join each record's character-strings (RFC 7208 §3.3), raw bytes */
        size_t total = 0;
        for (size_t i = 0; i < a->nrecords; i++)
            total += a->records[i].rdlen;
        texts = malloc(total + 1);
        if (texts == NULL)
            d->e->oom = true;
        size_t off = 0;
        for (size_t i = 0; texts && i < a->nrecords; i++) {
            const uint8_t *p = a->records[i].rdata, *end = p + a->records[i].rdlen;
            size_t start = off;
            while (p < end) {
                size_t sl = *p++;
                if (sl > (size_t)(end - p))
                    sl = (size_t)(end - p);
                memcpy(texts + off, p, sl);
                off += sl;
                p += sl;
            }
            rrs[n].type = RDC_TYPE_TXT;
            rrs[n].text = texts + start;
            rrs[n].text_len = off - start;
            n++;
        }
    } else {
        for (size_t i = 0; i < a->nrecords; i++) {
            rrs[n].type = l->type;
            if (l->type == RDC_TYPE_MX) {
                rdc_name_to_text(a->records[i].name, rrs[n].host);
                rrs[n].pref = a->records[i].pref;
            } else {
                rrs[n].addr = a->records[i].addr;
            }
            n++;
        }
    }
    rdc_spf_answer(d->spf, q->id, a->status, rrs, n);
    free(texts);
    free(rrs);
    spf_pump(d);
    dom_release(d);
}

static void spf_pump(dom_t *d)
{
    rdc_spf_query_t sq;
    while (rdc_spf_next_query(d->spf, &sq)) {
        uint8_t wire[RDC_NAME_WIRE_MAX + 1];
        if (!rdc_name_from_text(sq.name, strlen(sq.name), wire, NULL)) {
            rdc_spf_answer(d->spf, sq.id, RDC_DNS_S_ERROR, NULL, 0);
            continue;
        }
        dq_t *q = dom_query(d, wire, sq.type, spf_done);
        if (q == NULL) {
            rdc_spf_answer(d->spf, sq.id, RDC_DNS_S_ERROR, NULL, 0);
            continue;
        }
        q->id = sq.id;
        d->lookups--; /* the SPF module counts its own lookups */
        rdc_lookup_start(&q->lk);
    }
}

/* Addresses of an SPF range: every one up to the budget, or a spread
 * sample of a bigger range. */
static void spf_expand(dom_t *d, const rdc_spf_range_t *r, uint64_t *budget)
{
    uint64_t size = rdc_cidr_size(&r->cidr);
    char msg[512], sz[32];
    if (r->cidr.base.family == 4 ? !d->e->o.want4 : !d->e->o.want6)
        return;
    if (size > *budget) {
        if (size == UINT64_MAX)
            snprintf(sz, sizeof sz, "2^%u",
                     (r->cidr.base.family == 4 ? 32u : 128u) - r->cidr.prefix);
        else
            snprintf(sz, sizeof sz, "%llu", (unsigned long long)size);
        snprintf(msg, sizeof msg, "%s: %s addresses, more than --max-expand allows (%llu left)%s",
                 r->via, sz, (unsigned long long)*budget,
                 d->e->o.spf_sample ? "; a spread sample is checked" : "; not checked");
        dom_problem(d, RDC_SPF_RANGE_TOO_LARGE,
                    "use --spf-sample N to check N addresses spread across it, or narrow the "
                    "range in the record",
                    msg);
        if (d->e->o.spf_sample == 0)
            return;
        uint64_t n = d->e->o.spf_sample < *budget ? d->e->o.spf_sample : *budget;
        uint64_t step = size / (n ? n : 1);
        for (uint64_t i = 0; i < n; i++) {
            rdc_addr_t a;
            rdc_cidr_nth(&r->cidr, i * step + step / 2, &a);
            dom_add(d, &a, r->via);
        }
        *budget -= n;
        return;
    }
    for (uint64_t i = 0; i < size; i++) {
        rdc_addr_t a;
        rdc_cidr_nth(&r->cidr, i, &a);
        dom_add(d, &a, r->via);
    }
    *budget -= size;
}

static void spf_finish(dom_t *d)
{
    size_t np = 0, nr = 0;
    const rdc_spf_problem_t *ps = rdc_spf_problems(d->spf, &np);
    for (size_t i = 0; i < np; i++) {
        rdc_code_t code = strcmp(ps[i].code, "spf-temperror") == 0 ? RDC_C_SPF_TEMPERROR
                          : ps[i].fatal                            ? RDC_C_SPF_PERMERROR
                                                                   : RDC_C_SPF_WARNING;
        size_t before = d->sum->nproblems;
        dom_problem(d, code,
                    code == RDC_C_SPF_TEMPERROR ? "try again later; check the resolver (-s)"
                    : code == RDC_C_SPF_WARNING ? NULL
                                                : "fix the SPF record: receivers treat it as a "
                                                  "permanent error (RFC 7208)",
                    ps[i].message);
        if (d->sum->nproblems > before &&
            (d->sum->problems[before].code_text = rdc_strdup(ps[i].code)) == NULL)
            d->e->oom = true;
    }
    const rdc_spf_range_t *rs = rdc_spf_ranges(d->spf, &nr);
    uint64_t budget = d->e->o.max_expand;
    for (size_t i = 0; i < nr; i++)
        spf_expand(d, &rs[i], &budget);
    d->sum->domain_lookups = rdc_spf_lookups(d->spf);
    if (d->e->o.verbose) {
        const char *tree = rdc_spf_tree(d->spf);
        if (tree)
            rdc_buf_puts(&d->tree, tree);
    }
}

/* All lookups answered: the summary, then one check per address found. */
static void dom_finish(dom_t *d)
{
    engine_t *e = d->e;
    slot_t *s = d->slot;
    char msg[2 * RDC_NAME_TEXT_MAX];
    if (d->spf_mode) {
        spf_finish(d);
    } else {
        d->sum->domain_lookups = d->lookups;
        for (size_t i = 0; i < d->nex; i++) {
            if (d->ex[i].nfound == 0) {
                const char *fam = e->o.want4 && e->o.want6 ? "A or AAAA"
                                  : e->o.want4             ? "A"
                                                           : "AAAA";
                if (d->implicit)
                    snprintf(msg, sizeof msg, "%s (the implicit MX) has no %s address",
                             d->ex[i].name, fam);
                else
                    snprintf(msg, sizeof msg, "MX %u %s has no %s address", d->ex[i].pref,
                             d->ex[i].name, fam);
                dom_problem(d, RDC_MX_NO_ADDRESS,
                            "give the exchange an A/AAAA record, or remove the MX", msg);
            } else if (d->ex[i].cname && !d->implicit) {
                snprintf(msg, sizeof msg,
                         "MX %u %s is an alias (CNAME); RFC 2181 section 10.3 says an MX "
                         "must name a host, not an alias",
                         d->ex[i].pref, d->ex[i].name);
                dom_problem(d, RDC_MX_CNAME, "point the MX at the canonical name", msg);
            }
        }
    }
    d->sum->domain_addresses = d->nfound;
    if (e->o.verbose)
        d->sum->domain_tree = rdc_buf_take(&d->tree);
    rdc_verdict_from_problems(d->sum, e->o.strict);
    s->children = calloc(d->nfound ? d->nfound : 1, sizeof *s->children);
    if (s->children == NULL)
        e->oom = true;
    for (size_t i = 0; s->children && i < d->nfound; i++) {
        chk_t *c = chk_new(e, s, &d->found[i].addr, s->item.input);
        if (c == NULL) {
            e->oom = true;
            break;
        }
        c->res.via = d->found[i].via;
        d->found[i].via = NULL;
        s->children[s->nchildren++] = c;
    }
    s->pending++;
    for (size_t i = 0; i < s->nchildren; i++)
        chk_start(s->children[i]);
    slot_release(s); /* the domain step */
    slot_release(s); /* the hold */
}

static void dom_release(dom_t *d)
{
    if (--d->pending == 0)
        dom_finish(d);
}

static void dom_free(dom_t *d)
{
    if (d == NULL)
        return;
    while (d->queries) {
        dq_t *q = d->queries;
        d->queries = q->next;
        rdc_buf_free(&q->lk.trace);
        free(q);
    }
    for (size_t i = 0; i < d->nfound; i++)
        free(d->found[i].via);
    free(d->found);
    free(d->ex);
    rdc_spf_free(d->spf);
    rdc_buf_free(&d->tree);
    free(d);
}

static void dom_start(engine_t *e, slot_t *s)
{
    dom_t *d = calloc(1, sizeof *d);
    s->extra = calloc(1, sizeof *s->extra);
    if (d == NULL || s->extra == NULL) {
        free(d);
        e->oom = true;
        return;
    }
    s->dom = d;
    s->nextra = 1;
    s->extra_first = true;
    d->e = e;
    d->slot = s;
    d->sum = &s->extra[0];
    d->spf_mode = s->item.kind == RDC_ITEM_SPF;
    rdc_name_to_text(s->item.host, d->name);
    d->sum->input = rdc_strdup(d->name);
    d->sum->domain_mode = d->spf_mode ? "spf" : "mx";
    if (d->sum->input == NULL)
        e->oom = true;
    d->pending = 1; /* hold while starting */
    s->pending++; /* the domain step */
    if (d->spf_mode) {
        d->spf = rdc_spf_new(d->name);
        if (d->spf == NULL)
            e->oom = true;
        else
            spf_pump(d);
    } else {
        dq_t *q = dom_query(d, s->item.host, RDC_TYPE_MX, mx_done);
        if (q)
            rdc_lookup_start(&q->lk);
    }
    dom_release(d);
}

/* ---------------------------------------------------------------- the run */

static void slot_clear(slot_t *s)
{
    for (size_t i = 0; i < s->nchildren; i++)
        chk_free(s->children[i]);
    free(s->children);
    for (size_t i = 0; i < s->nextra; i++)
        rdc_result_clear(&s->extra[i]);
    free(s->extra);
    host_free(s->host);
    dom_free(s->dom);
    rdc_item_clear(&s->item);
    memset(s, 0, sizeof *s);
}

static void slot_start(engine_t *e, slot_t *s)
{
    s->state = SLOT_RUNNING;
    s->e = e;
    e->inflight++;
    e->stats.started++;
    s->pending = 1; /* hold while starting */
    switch (s->item.kind) {
    case RDC_ITEM_ERROR: {
        s->extra = calloc(1, sizeof *s->extra);
        if (s->extra == NULL) {
            e->oom = true;
            break;
        }
        rdc_result_t *r = &s->extra[0];
        s->nextra = 1;
        r->input = rdc_strdup(s->item.input);
        r->line = s->item.line;
        r->verdict = RDC_ERROR;
        if (!rdc_result_add_problem(r, RDC_INVALID_TARGET, NULL, "%s", s->item.error))
            e->oom = true;
        break;
    }
    case RDC_ITEM_ADDR: {
        s->children = calloc(1, sizeof *s->children);
        chk_t *c = s->children ? chk_new(e, s, &s->item.addr, s->item.input) : NULL;
        if (c == NULL) {
            e->oom = true;
            break;
        }
        s->children[0] = c;
        s->nchildren = 1;
        chk_start(c);
        break;
    }
    case RDC_ITEM_MX:
    case RDC_ITEM_SPF:
        dom_start(e, s);
        break;
    case RDC_ITEM_HOST: {
        host_t *h = calloc(1, sizeof *h);
        if (h == NULL) {
            e->oom = true;
            break;
        }
        s->host = h;
        h->e = e;
        h->slot = s;
        h->active[0] = e->o.want4;
        h->active[1] = e->o.want6;
        h->pending = 1 + (unsigned)h->active[0] + (unsigned)h->active[1];
        s->pending++; /* the host step */
        for (int k = 0; k < 2; k++) {
            if (!h->active[k])
                continue;
            lookup_init(&h->lk[k], e, k == 0 ? RDC_TYPE_A : RDC_TYPE_AAAA, s->item.host, host_done,
                        h);
            rdc_lookup_start(&h->lk[k]);
        }
        host_release(h); /* the start hold */
        break;
    }
    }
    slot_release(s);
}

static void on_input(void *ctx, int fd, bool readable, bool writable)
{
    engine_t *e = ctx;
    (void)writable;
    if (readable) {
        e->input_ready = true;
        rdc_loop_watch(e->loop, fd, false, false, NULL, NULL);
        e->input_fd = -1;
    }
}

rdc_engine_t *rdc_engine_new(rdc_loop_t *loop, rdc_dns_t dns, const rdc_engine_opts_t *o)
{
    engine_t *e = calloc(1, sizeof *e);
    if (e == NULL)
        return NULL;
    e->loop = loop;
    e->dns = dns;
    e->o = *o;
    rdc_ql_opts_t qo = {
        .tries = o->tries, .try_timeout_ms = o->try_timeout_ms, .verbose = o->verbose, .user = e};
    if ((e->ql = rdc_ql_new(dns, &qo)) == NULL) {
        free(e);
        return NULL;
    }
    if (e->o.concurrency == 0)
        e->o.concurrency = 1;
    /* Ordered output: the ring is the reorder buffer, so a slow target holds
     * back at most a window of results. Unordered: a slow target only
     * pins its own slot, so give the ring room to keep the window busy. */
    e->nring = e->o.concurrency * (e->o.unordered ? 4u : 1u);
    e->ring = calloc(e->nring, sizeof *e->ring);
    if (e->o.unordered)
        e->doneq = calloc(e->nring, sizeof *e->doneq);
    e->input_fd = -1;
    /* slow start: a burst of thousands of queries would overflow the
     * server's socket buffer before any loss could be seen */
    e->window = e->o.concurrency < 64 ? e->o.concurrency : 64;
    e->ssthresh = e->o.concurrency;
    e->stats.min_window = e->o.concurrency;
    if (e->ring == NULL || (e->o.unordered && e->doneq == NULL)) {
        rdc_ql_free(e->ql);
        free(e->ring);
        free(e->doneq);
        free(e);
        return NULL;
    }
    return e;
}

/* Multiplicative decrease: timeouts mean queries were lost (a server or a
 * socket buffer dropping under load), so halve the window, at most once per
 * try timeout, never below the floor. */
static void window_adjust(engine_t *e)
{
    unsigned long losses = rdc_ql_stats(e->ql)->losses;
    if (losses == e->losses_seen)
        return;
    e->losses_seen = losses;
    unsigned long long now = rdc_now_ms();
    /* once per RTO: the losses of one burst are one congestion event */
    if (e->last_cut_ms != 0 && now - e->last_cut_ms < rdc_ql_rto(e->ql))
        return;
    e->last_cut_ms = now;
    double floor = e->o.concurrency < 8 ? e->o.concurrency : 8;
    e->window = e->window / 2 < floor ? floor : e->window / 2;
    e->ssthresh = e->window;
    e->stats.cuts++;
    if ((unsigned)e->window < e->stats.min_window)
        e->stats.min_window = (unsigned)e->window;
}

/* The query layer's counters, into the stats a progress line shows. */
static void sync_stats(engine_t *e)
{
    const rdc_ql_stats_t *q = rdc_ql_stats(e->ql);
    e->stats.retries = q->retries;
    e->stats.early = q->early;
    e->stats.failovers = q->failovers;
    e->stats.probes = q->probes;
}

static bool emit_slot(engine_t *e, slot_t *s, rdc_emit_fn emit, void *ectx)
{
    bool ok = true;
    for (size_t i = 0; ok && s->extra_first && i < s->nextra; i++)
        ok = emit(ectx, &s->extra[i]);
    for (size_t i = 0; ok && i < s->nchildren; i++)
        ok = emit(ectx, &s->children[i]->res);
    for (size_t i = 0; ok && !s->extra_first && i < s->nextra; i++)
        ok = emit(ectx, &s->extra[i]);
    (void)e;
    slot_clear(s);
    s->state = SLOT_EMITTED;
    return ok;
}

rdc_run_status_t rdc_engine_run(rdc_engine_t *e, rdc_source_fn src, void *sctx, rdc_emit_fn emit,
                                void *ectx, volatile sig_atomic_t *stop)
{
    bool eof = false;
    e->input_ready = true;
    for (;;) {
        if (stop && *stop)
            return RDC_RUN_STOPPED;
        window_adjust(e);
        /* fill the window */
        while (!eof && e->input_ready && e->tail - e->head < e->nring &&
               e->inflight < (unsigned)e->window) {
            slot_t *s = &e->ring[e->tail % e->nring];
            int fd = -1;
            rdc_src_status_t st = src(sctx, &s->item, &fd);
            if (st == RDC_SRC_EOF) {
                eof = true;
                break;
            }
            if (st == RDC_SRC_FAIL)
                return RDC_RUN_INPUT_FAILED;
            if (st == RDC_SRC_WAIT) {
                if (fd >= 0 && rdc_loop_watch(e->loop, fd, true, false, on_input, e)) {
                    e->input_ready = false;
                    e->input_fd = fd;
                }
                /* an fd epoll cannot watch (a regular file) is always ready */
                break;
            }
            e->tail++;
            slot_start(e, s);
            if (e->oom)
                return RDC_RUN_NO_MEMORY;
        }
        /* emit: in input order, or (unordered) in finishing order */
        while (e->dq_len > 0) {
            slot_t *s = &e->ring[e->doneq[e->dq_head]];
            e->dq_head = (e->dq_head + 1) % e->nring;
            e->dq_len--;
            if (!emit_slot(e, s, emit, ectx))
                return RDC_RUN_OUTPUT_FAILED;
        }
        while (e->head < e->tail) {
            slot_t *s = &e->ring[e->head % e->nring];
            if (s->state == SLOT_DONE && e->doneq == NULL) {
                if (!emit_slot(e, s, emit, ectx))
                    return RDC_RUN_OUTPUT_FAILED;
            }
            if (s->state != SLOT_EMITTED)
                break;
            s->state = SLOT_FREE;
            e->head++;
        }
        if (e->oom || rdc_ql_oom(e->ql))
            return RDC_RUN_NO_MEMORY;
        sync_stats(e);
        if (e->o.progress)
            e->o.progress(e->o.progress_ctx, &e->stats, eof);
        if (eof && e->head == e->tail) {
            sync_stats(e);
            return RDC_RUN_DONE;
        }
        if (e->head == e->tail && e->input_ready)
            continue; /* only input to read: no need to wait */
        if (!emit(ectx, NULL)) /* about to wait: let the output flush */
            return RDC_RUN_OUTPUT_FAILED;
        int wait = e->dns.ops->timeout(e->dns.ctx, e->o.progress ? 200 : 1000);
        int due = rdc_ql_scan(e->ql);
        if (due >= 0 && due < wait)
            wait = due;
        due = probe_scan(e);
        if (due >= 0 && due < wait)
            wait = due;
        int n = rdc_loop_wait(e->loop, wait);
        if (n < 0 && errno != EINTR)
            return RDC_RUN_NO_MEMORY;
        if (n == 0)
            e->dns.ops->tick(e->dns.ctx);
        e->dns.ops->pump(e->dns.ctx);
        rdc_ql_scan(e->ql);
    }
}

const rdc_engine_stats_t *rdc_engine_stats(const rdc_engine_t *e)
{
    return &e->stats;
}

void rdc_engine_describe_servers(const rdc_engine_t *e, rdc_buf_t *buf)
{
    rdc_ql_describe(e->ql, buf);
}

void rdc_engine_free(rdc_engine_t *e)
{
    if (e == NULL)
        return;
    if (e->input_fd >= 0)
        rdc_loop_watch(e->loop, e->input_fd, false, false, NULL, NULL);
    for (unsigned long long q = e->head; q < e->tail; q++)
        slot_clear(&e->ring[q % e->nring]);
    /* forward lookups: pending ones have waiters whose checks are freed */
    for (size_t i = 0; i < e->tsize; i++) {
        fwd_t *f = e->table[i];
        while (f) {
            fwd_t *next = f->next;
            waiter_t *w = f->waiters;
            while (w) {
                waiter_t *wn = w->next;
                free(w);
                w = wn;
            }
            fwd_free(f);
            f = next;
        }
    }
    rdc_ql_free(e->ql);
    free(e->table);
    free(e->ring);
    free(e->doneq);
    free(e);
}

void rdc_item_clear(rdc_item_t *it)
{
    if (it == NULL)
        return;
    free(it->input);
    free(it->error);
    memset(it, 0, sizeof *it);
}
