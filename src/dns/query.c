/* query.c - the query layer (see query.h): lookups, their attempts on the
 * servers srvsel picks, failover, retries, early duplicates and CNAME hops.
 * A failure of one server is never final while another may answer: glibc's
 * res_send and Unbound move on after SERVFAIL, REFUSED, NOTIMP and FORMERR
 * too (RFC 1035 §7.3). */
#include "query.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Early duplicates per pass: with about 10% of queries lost (5% each way)
 * one lookup in 10,000 loses four copies, which cost the rest of the pass
 * (--timeout, 2 s) while the reorder ring filled; six take that to one in
 * ten million. Each goes only when every copy before it went unanswered
 * for an RTO, so they cost nothing where nothing is lost. */
#define RDC_MAX_DUPS 6
#define RDC_FREE_RETRIES 6 /* resends after congestion losses, on top of --tries */

/* One query sent for a lookup. A lookup whose query goes unanswered for
 * longer than the retransmission timeout sends a duplicate (to a server
 * not yet asked in this pass when there is one); the first answer wins and
 * the others are orphaned. Referenced by the resolver callback and by the
 * send-order queue; freed when both are done with it. A probe is sent
 * orphaned from the start: its answer only tells srvsel the server is back. */
struct rdc_attempt {
    rdc_ql_t *ql;
    rdc_lookup_t *l; /* NULL once orphaned */
    struct rdc_attempt *lnext; /* the lookup's outstanding attempts */
    struct rdc_attempt *qnext; /* send-order queue */
    unsigned long long sent_ms;
    int server;
    unsigned refs;
    bool answered; /* the resolver callback has run */
    bool ambiguous; /* another copy went to the same server (Karn) */
    bool probe;
    bool late; /* its RTO passed unanswered (srvsel was told) */
};

struct rdc_ql {
    rdc_dns_t dns;
    rdc_ql_opts_t o;
    rdc_srvsel_t ss;
    rdc_ql_stats_t stats;
    bool oom;
    rdc_attempt_t *q_head, *q_tail;
    /* answers and timeouts in this and the previous interval */
    unsigned long ans_cur, ans_prev, to_cur, to_prev;
    unsigned long long interval_start;
};

rdc_ql_t *rdc_ql_new(rdc_dns_t dns, const rdc_ql_opts_t *o)
{
    rdc_ql_t *ql = calloc(1, sizeof *ql);
    if (ql == NULL)
        return NULL;
    ql->dns = dns;
    ql->o = *o;
    if (ql->o.tries == 0)
        ql->o.tries = 1;
    rdc_srvsel_init(&ql->ss, dns.ops->nservers(dns.ctx), o->try_timeout_ms);
    ql->ss.rotate = dns.ops->rotate != NULL && dns.ops->rotate(dns.ctx);
    return ql;
}

static void att_unref(rdc_attempt_t *a)
{
    if (--a->refs == 0)
        free(a);
}

void rdc_ql_free(rdc_ql_t *ql)
{
    if (ql == NULL)
        return;
    while (ql->q_head) {
        rdc_attempt_t *a = ql->q_head;
        ql->q_head = a->qnext;
        att_unref(a);
    }
    free(ql);
}

static bool query_safe(const uint8_t *wire, char *text)
{
    /* Only names whose text form needs no escapes are sent: c-ares 1.18's
     * query builder does not parse \DDD. */
    for (size_t off = 0; wire[off] != 0; off += (size_t)wire[off] + 1)
        for (uint8_t k = 1; k <= wire[off]; k++) {
            uint8_t c = wire[off + k];
            if (c < 0x21 || c > 0x7e || c == '.' || c == '\\' || c == '"' || c == ';')
                return false;
        }
    rdc_name_to_text(wire, text);
    return true;
}

/* Forgets every outstanding attempt of l: their answers will be ignored. */
static void orphan_attempts(rdc_lookup_t *l)
{
    for (rdc_attempt_t *a = l->att; a; a = a->lnext)
        a->l = NULL;
    l->att = NULL;
}

/* Unlinks a from its lookup's list; returns how many remain. */
static unsigned detach_attempt(rdc_lookup_t *l, rdc_attempt_t *a)
{
    unsigned n = 0;
    for (rdc_attempt_t **pp = &l->att; *pp;) {
        if (*pp == a)
            *pp = a->lnext;
        else {
            n++;
            pp = &(*pp)->lnext;
        }
    }
    a->l = NULL;
    return n;
}

/* Rolls the answer/timeout counters over once per try timeout. */
static void count_interval(rdc_ql_t *ql)
{
    unsigned long long now = rdc_now_ms();
    if (now - ql->interval_start < ql->o.try_timeout_ms)
        return;
    bool idle = now - ql->interval_start >= 2ull * ql->o.try_timeout_ms;
    ql->ans_prev = idle ? 0 : ql->ans_cur;
    ql->to_prev = idle ? 0 : ql->to_cur;
    ql->ans_cur = ql->to_cur = 0;
    ql->interval_start = now;
}

/* Losses look like congestion when the servers answer most queries but a
 * few percent go missing; a server that is down or a name that is always
 * dropped does not qualify. */
static bool congested(const rdc_ql_t *ql)
{
    unsigned long a = ql->ans_cur + ql->ans_prev, t = ql->to_cur + ql->to_prev;
    return a >= 20 && t * 50 > a + t;
}

static const char *server_text(const rdc_ql_t *ql, int i, char *buf)
{
    return rdc_server_format(ql->dns.ops->server(ql->dns.ctx, (size_t)i), buf);
}

/* How telling a failure is, to report the best one when every server
 * failed: an answer (SERVFAIL, a broken one, REFUSED) says more than
 * silence, and silence (timeout) more than an unreachable port. */
static int failure_rank(rdc_dns_status_t st)
{
    switch (st) {
    case RDC_DNS_S_SERVFAIL:
        return 5;
    case RDC_DNS_S_ERROR:
        return 4;
    case RDC_DNS_S_REFUSED:
        return 3;
    case RDC_DNS_S_TIMEOUT:
        return 2;
    case RDC_DNS_S_UNREACHABLE:
        return 1;
    default:
        return 0;
    }
}

static void on_query(void *arg, const uint8_t *msg, size_t len, rdc_dns_status_t st,
                     bool cancelled);

/* Counts a query lost by server s as a congestion signal for the window:
 * unless s has just been taken for down while another server is up - a
 * dead server is a reason to move on, not to send more slowly. */
static void count_loss(rdc_ql_t *ql, int s)
{
    if (ql->ss.s[s].down && rdc_srvsel_up(&ql->ss) > 0)
        return;
    ql->to_cur++;
    ql->stats.losses++;
}

/* Sends one query for (text, type) to server s. l is the lookup it works
 * for, or NULL for a probe; refs: 2 when it joins the send-order queue. */
static rdc_attempt_t *attempt_new(rdc_ql_t *ql, rdc_lookup_t *l, int s, const char *text,
                                  uint16_t type, unsigned long long now)
{
    rdc_attempt_t *a = calloc(1, sizeof *a);
    if (a == NULL) {
        ql->oom = true;
        return NULL;
    }
    a->ql = ql;
    a->l = l;
    a->sent_ms = now;
    a->server = s;
    a->probe = l == NULL;
    a->refs = l ? 2 : 1; /* the resolver callback, and the send-order queue */
    if (l) {
        a->lnext = l->att;
        l->att = a;
        if (ql->q_tail)
            ql->q_tail->qnext = a;
        else
            ql->q_head = a;
        ql->q_tail = a;
        l->tried |= 1u << s;
    }
    rdc_srvsel_sent(&ql->ss, s);
    ql->dns.ops->query(ql->dns.ctx, (size_t)s, text, type, on_query, a);
    return a;
}

/* Sends one query for l to server s (a first query, a failover or an early
 * duplicate), and a probe copy to a down server whose probe is due. */
static void attempt_send(rdc_lookup_t *l, int s, const char *text, bool ambiguous)
{
    rdc_ql_t *ql = l->ql;
    unsigned long long now = rdc_now_ms();
    rdc_attempt_t *a = attempt_new(ql, l, s, text, l->type, now);
    if (a == NULL)
        return;
    a->ambiguous = ambiguous;
    /* A down server is probed with copies of real queries while another
     * server is up: the lookup never waits for the probe. */
    int p = rdc_srvsel_up(&ql->ss) > 0 ? rdc_srvsel_probe_due(&ql->ss, now) : -1;
    if (p >= 0 && attempt_new(ql, NULL, p, text, l->type, now) != NULL)
        ql->stats.probes++;
}

/* Ends l with a failure status (no answer to parse). */
static void lookup_fail(rdc_lookup_t *l, rdc_dns_status_t st)
{
    rdc_answer_t a = RDC_ANSWER_INIT;
    memcpy(a.final_name, l->name, sizeof a.final_name);
    a.status = st;
    l->done(l, &a);
}

/* Sends the next query of l's pass to server s. */
static void lookup_send_to(rdc_lookup_t *l, int s)
{
    char text[RDC_NAME_TEXT_MAX];
    if (!query_safe(l->name, text)) {
        lookup_fail(l, RDC_DNS_S_ERROR);
        return;
    }
    attempt_send(l, s, text, false);
}

/* A fresh pass over the servers. */
static void pass_start(rdc_lookup_t *l)
{
    l->t0 = rdc_now_ms();
    l->dups = 0;
    l->tried = 0;
    l->failed = RDC_DNS_OK;
    l->timed_out = false;
    /* only --rotate reads the hash: the default order costs nothing */
    l->qhash = l->ql->ss.rotate ? rdc_srvsel_hash(l->name, l->type) : 0;
    lookup_send_to(l, rdc_srvsel_pick(&l->ql->ss, 0, l->qhash));
}

void rdc_lookup_start(rdc_lookup_t *l)
{
    pass_start(l);
}

/* Traces a note of what l does next. */
static bool note(rdc_lookup_t *l, const char *text)
{
    return rdc_trace_text(&l->trace, RDC_EV_NOTE, 0, text, strlen(text));
}

/* Traces the answer records the parser listed, one per line. */
static bool trace_records(rdc_lookup_t *l, const rdc_buf_t *lines)
{
    bool ok = !lines->failed;
    for (const char *p = lines->s, *nl; ok && p && (nl = strchr(p, '\n')) != NULL; p = nl + 1)
        ok = rdc_trace_text(&l->trace, RDC_EV_RECORD, 0, p, (size_t)(nl - p));
    return ok;
}

/* Traces the outcome of one query of l to server: an rcode (with the
 * answer's error, if any) or what happened without an answer. */
static bool trace_query(rdc_lookup_t *l, int server, const char *result, const char *error,
                        unsigned long long ms)
{
    const rdc_ql_t *ql = l->ql;
    char qn[RDC_NAME_TEXT_MAX], sb[RDC_SERVER_TEXT_MAX];
    rdc_name_to_text(l->name, qn);
    return rdc_trace_query(&l->trace, l->type, qn,
                           ql->ss.n > 1 ? server_text(ql, server, sb) : NULL, result, error,
                           (unsigned)ms);
}

/* Every query of l's pass so far failed: ask the next server, start the
 * pass again (timeouts, --tries), or end with the most telling failure. */
static void lookup_advance(rdc_lookup_t *l)
{
    rdc_ql_t *ql = l->ql;
    bool tracing = ql->o.verbose;
    char sb[RDC_SERVER_TEXT_MAX];
    int s = rdc_srvsel_pick(&ql->ss, l->tried, l->qhash);
    if (s >= 0) {
        ql->stats.failovers++;
        if (tracing && !rdc_trace_textf(&l->trace, RDC_EV_NOTE, 0, "asking the next server, %s",
                                        server_text(ql, s, sb)))
            ql->oom = true;
        lookup_send_to(l, s);
        return;
    }
    if (l->timed_out) {
        /* A loss among many answers is congestion we caused (the window
         * halves): resend without using up a try. Otherwise a try is used. */
        bool free_retry = congested(ql) && l->free < RDC_FREE_RETRIES;
        if (free_retry || ++l->tries < ql->o.tries) {
            if (free_retry)
                l->free++;
            ql->stats.retries++;
            if (tracing && !note(l, "no server answered, sending again"))
                ql->oom = true;
            pass_start(l);
            return;
        }
    }
    lookup_fail(l, l->failed);
}

/* A final answer for l: follow a CNAME that ends outside the answer, or
 * hand it to the owner. */
static void lookup_answer(rdc_lookup_t *l, rdc_answer_t *a)
{
    bool tracing = l->ql->o.verbose;
    if (a->cname_hops > 0)
        l->via_cname = true;
    if (a->status == RDC_DNS_NODATA && a->dangling) {
        l->hops += a->cname_hops;
        char text[RDC_NAME_TEXT_MAX];
        if (l->hops <= RDC_MAX_CNAME_HOPS && query_safe(a->final_name, text)) {
            memcpy(l->name, a->final_name, sizeof l->name);
            l->tries = 0;
            l->free = 0;
            pass_start(l);
            return;
        }
        /* a chain too long, or a target we cannot ask: no answer */
        a->status = RDC_DNS_S_ERROR;
        if (tracing && !note(l, l->hops > RDC_MAX_CNAME_HOPS ? "CNAME chain too long or looping"
                                                             : "CNAME target cannot be asked"))
            l->ql->oom = true;
    } else if (a->status == RDC_DNS_OK && l->hops + a->cname_hops > RDC_MAX_CNAME_HOPS) {
        a->status = RDC_DNS_S_ERROR;
    }
    l->done(l, a);
}

/* Tells srvsel what an attempt's outcome says about its server. */
static void server_outcome(rdc_ql_t *ql, const rdc_attempt_t *at, const uint8_t *msg,
                           rdc_dns_status_t st)
{
    unsigned long long now = rdc_now_ms();
    if (msg != NULL) {
        ql->stats.answers++;
        rdc_srvsel_answered(&ql->ss, at->server, at->sent_ms, now, !at->ambiguous);
    } else if (st == RDC_DNS_S_TIMEOUT)
        rdc_srvsel_timeout(&ql->ss, at->server, at->sent_ms, now, at->probe);
    else if (st == RDC_DNS_S_UNREACHABLE)
        rdc_srvsel_unreachable(&ql->ss, at->server, now);
}

static void on_query(void *arg, const uint8_t *msg, size_t len, rdc_dns_status_t st, bool cancelled)
{
    rdc_attempt_t *at = arg;
    rdc_ql_t *ql = at->ql;
    at->answered = true;
    if (cancelled) {
        att_unref(at);
        return;
    }
    server_outcome(ql, at, msg, st);
    rdc_lookup_t *l = at->l;
    if (l == NULL) {
        /* an orphan (another attempt already answered) or a probe */
        att_unref(at);
        return;
    }
    unsigned others = detach_attempt(l, at);
    unsigned long long now = rdc_now_ms();
    int server = at->server;
    att_unref(at);
    bool tracing = ql->o.verbose;
    unsigned long long ms = now - l->t0;
    count_interval(ql);
    rdc_answer_t a = RDC_ANSWER_INIT;
    if (msg != NULL) {
        ql->ans_cur++;
        rdc_buf_t records = {0};
        rdc_answer_parse(msg, len, l->name, l->type, &a, tracing ? &records : NULL, "");
        char rb[16];
        if (tracing && !(trace_query(l, server, rdc_rcode_name(a.rcode, rb),
                                     a.status == RDC_DNS_S_ERROR ? a.error : NULL, ms) &&
                         trace_records(l, &records)))
            ql->oom = true;
        rdc_buf_free(&records);
        st = a.status;
        if (a.oom)
            ql->oom = true; /* our failure, not the server's: the run stops */
    } else {
        if (st == RDC_DNS_S_TIMEOUT)
            count_loss(ql, server);
        if (tracing && !trace_query(l, server, rdc_dns_status_text(st), NULL, ms))
            ql->oom = true;
    }
    if (!rdc_dns_status_is_temporary(st)) {
        /* an answer (data, NODATA or NXDOMAIN) ends the lookup */
        orphan_attempts(l);
        lookup_answer(l, &a);
        rdc_answer_free(&a);
        return;
    }
    rdc_answer_free(&a);
    if (failure_rank(st) > failure_rank(l->failed))
        l->failed = st;
    if (st == RDC_DNS_S_TIMEOUT)
        l->timed_out = true;
    /* Another copy is still out: wait for it, unless this was the pass's
     * own timeout (a pass never lasts much longer than --timeout). */
    if (others > 0 && (st != RDC_DNS_S_TIMEOUT || now - l->t0 < ql->o.try_timeout_ms))
        return;
    orphan_attempts(l);
    lookup_advance(l);
}

int rdc_ql_scan(rdc_ql_t *ql)
{
    unsigned long long now = rdc_now_ms();
    while (ql->q_head) {
        rdc_attempt_t *a = ql->q_head;
        unsigned rto = rdc_srvsel_rto(&ql->ss, a->server);
        if (!a->answered && a->l != NULL && now - a->sent_ms < rto)
            return (int)(rto - (now - a->sent_ms));
        ql->q_head = a->qnext;
        if (ql->q_head == NULL)
            ql->q_tail = NULL;
        rdc_lookup_t *l = a->l;
        if (!a->answered && l != NULL) {
            /* late: a server that has answered nothing since is taken
             * for down now, not only after the whole timeout */
            rdc_srvsel_timeout(&ql->ss, a->server, a->sent_ms, now, false);
            a->late = true;
        }
        /* duplicates only inside the pass's own timeout: a pass never lasts
         * longer than --timeout, whatever the RTO does */
        if (!a->answered && l != NULL && l->dups < RDC_MAX_DUPS &&
            now - l->t0 + rto < ql->o.try_timeout_ms) {
            char text[RDC_NAME_TEXT_MAX];
            l->dups++;
            count_loss(ql, a->server);
            ql->stats.early++;
            /* a server that is up gets the copy itself (a lost packet or a
             * slow answer): its answer, not a later server's, must decide,
             * or a split view would give a verdict by the clock; only a
             * server taken for down just above hands the question on */
            int s = ql->ss.s[a->server].down ? rdc_srvsel_pick(&ql->ss, l->tried, l->qhash) : -1;
            bool same = s < 0;
            if (same) {
                s = a->server;
                a->ambiguous = true;
            }
            if (query_safe(l->name, text))
                attempt_send(l, s, text, same);
        }
        att_unref(a);
    }
    return -1;
}

void rdc_lookup_init(rdc_lookup_t *l, rdc_ql_t *ql, uint16_t type, const uint8_t *name,
                     rdc_lookup_done_t done, void *owner)
{
    memset(l, 0, sizeof *l);
    l->ql = ql;
    l->type = type;
    rdc_name_copy(l->name, name);
    l->done = done;
    l->owner = owner;
}

bool rdc_lookup_trace_to(rdc_lookup_t *l, rdc_trace_t *dst)
{
    return rdc_trace_move(dst, &l->trace);
}

bool rdc_lookup_trace_text(rdc_lookup_t *l, rdc_buf_t *dst)
{
    bool ok = !l->trace.failed;
    rdc_trace_render(&l->trace, dst);
    rdc_trace_free(&l->trace);
    return ok && !dst->failed;
}

unsigned rdc_ql_rto(const rdc_ql_t *ql)
{
    int s = rdc_srvsel_pick(&ql->ss, 0, 0);
    return rdc_srvsel_rto(&ql->ss, s < 0 ? 0 : s);
}

void rdc_ql_rtt(const rdc_ql_t *ql, double *srtt, double *min_rtt)
{
    int i = rdc_srvsel_pick(&ql->ss, 0, 0);
    const rdc_srv_t *s = &ql->ss.s[i < 0 ? 0 : i];
    *srtt = s->measured ? s->srtt : 0;
    *min_rtt = s->measured ? s->min_rtt : 0;
}

const rdc_ql_stats_t *rdc_ql_stats(const rdc_ql_t *ql)
{
    return &ql->stats;
}

const rdc_srvsel_t *rdc_ql_servers(const rdc_ql_t *ql)
{
    return &ql->ss;
}

void *rdc_ql_user(const rdc_ql_t *ql)
{
    return ql->o.user;
}

bool rdc_ql_oom(const rdc_ql_t *ql)
{
    return ql->oom;
}

void rdc_ql_describe(const rdc_ql_t *ql, rdc_buf_t *buf)
{
    char sb[RDC_SERVER_TEXT_MAX];
    for (size_t i = 0; i < ql->ss.n; i++) {
        const rdc_srv_t *s = &ql->ss.s[i];
        rdc_buf_printf(buf, "server %s: %lu sent, %lu answers, %lu timeouts",
                       server_text(ql, (int)i, sb), s->sent, s->answers, s->timeouts);
        if (s->measured)
            rdc_buf_printf(buf, ", srtt %.1f ms", s->srtt);
        if (s->downs)
            rdc_buf_printf(buf, ", marked down %lu time%s", s->downs, s->downs == 1 ? "" : "s");
        rdc_buf_puts(buf, s->down ? " (down)\n" : "\n");
    }
}
