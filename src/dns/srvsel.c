/* srvsel.c - server selection with per-run server state: the first server
 * in list order (or, with rotate, from the one the question's hash picks)
 * that is up gets each query; a server that times out without answering
 * anything since is marked down and costs no more timeouts, only probes
 * (copies of real queries) at a doubling interval until it answers again. */
#include "srvsel.h"

#include <string.h>

#define RDC_SRV_NAME_MAX 255 /* a wire name's length at most (RFC 1035 3.1) */

void rdc_srvsel_init(rdc_srvsel_t *ss, size_t n, unsigned timeout_ms)
{
    memset(ss, 0, sizeof *ss);
    ss->n = n < 1 ? 1 : n > RDC_SRV_MAX ? RDC_SRV_MAX : n;
    ss->timeout_ms = timeout_ms;
}

uint32_t rdc_srvsel_hash(const uint8_t *wire, uint16_t type)
{
    /* FNV-1a over the folded name and the type, then a final mix (the
     * one of MurmurHash3) so that small moduli see every bit */
    uint32_t h = 2166136261u;
    for (size_t k = 0;;) {
        uint8_t n = wire[k];
        h = (h ^ n) * 16777619u;
        if (n == 0 || k + n >= RDC_SRV_NAME_MAX)
            break;
        for (size_t i = k + 1; i <= k + n; i++) {
            uint8_t c = wire[i];
            if (c >= 'A' && c <= 'Z')
                c = (uint8_t)(c + ('a' - 'A'));
            h = (h ^ c) * 16777619u;
        }
        k += (size_t)n + 1;
    }
    h = (h ^ (uint8_t)(type >> 8)) * 16777619u;
    h = (h ^ (uint8_t)type) * 16777619u;
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h;
}

/* Where the walk over the list starts: 0, or with rotate the live server
 * that qhash picks among the live ones. */
static size_t walk_start(const rdc_srvsel_t *ss, uint32_t qhash)
{
    if (!ss->rotate)
        return 0;
    size_t live = 0;
    for (size_t i = 0; i < ss->n; i++)
        live += !ss->s[i].down;
    if (live == 0)
        return 0;
    size_t k = qhash % live;
    for (size_t i = 0; i < ss->n; i++)
        if (!ss->s[i].down && k-- == 0)
            return i;
    return 0;
}

int rdc_srvsel_pick(const rdc_srvsel_t *ss, uint32_t tried, uint32_t qhash)
{
    size_t start = walk_start(ss, qhash);
    bool any_up = false;
    for (size_t k = 0; k < ss->n; k++) {
        size_t i = (start + k) % ss->n;
        const rdc_srv_t *s = &ss->s[i];
        if (s->down)
            continue;
        any_up = true;
        if (!(tried & (1u << i)))
            return (int)i;
    }
    if (any_up)
        return -1;
    /* every server is down: each is asked in turn, the one due to be
     * probed first first (the network may have failed, not the servers) */
    int best = -1;
    for (size_t i = 0; i < ss->n; i++)
        if (!(tried & (1u << i)) && (best < 0 || ss->s[i].probe_at_ms < ss->s[best].probe_at_ms))
            best = (int)i;
    return best;
}

int rdc_srvsel_probe_due(rdc_srvsel_t *ss, unsigned long long now)
{
    for (size_t i = 0; i < ss->n; i++) {
        rdc_srv_t *s = &ss->s[i];
        if (s->down && !s->probing && now >= s->probe_at_ms) {
            s->probing = true;
            return (int)i;
        }
    }
    return -1;
}

void rdc_srvsel_sent(rdc_srvsel_t *ss, int i)
{
    ss->s[i].sent++;
}

void rdc_srvsel_answered(rdc_srvsel_t *ss, int i, unsigned long long sent_ms,
                         unsigned long long now, bool sample)
{
    rdc_srv_t *s = &ss->s[i];
    s->answers++;
    s->last_answer_ms = now > s->last_answer_ms ? now : s->last_answer_ms;
    s->down = false;
    s->probing = false;
    s->backoff_ms = 0;
    if (!sample || now < sent_ms)
        return;
    double r = (double)(now - sent_ms);
    if (!s->measured || r < s->min_rtt)
        s->min_rtt = r;
    if (!s->measured) {
        s->srtt = r;
        s->rttvar = r / 2;
        s->measured = true;
        return;
    }
    double d = s->srtt - r;
    s->rttvar = 0.75 * s->rttvar + 0.25 * (d < 0 ? -d : d);
    s->srtt = 0.875 * s->srtt + 0.125 * r;
}

static void mark_down(rdc_srv_t *s, unsigned long long now)
{
    if (s->down) {
        /* a probe (or a straggler) failed again: wait twice as long */
        s->backoff_ms =
            s->backoff_ms * 2 > RDC_SRV_PROBE_MAX_MS ? RDC_SRV_PROBE_MAX_MS : s->backoff_ms * 2;
    } else {
        s->down = true;
        s->downs++;
        s->backoff_ms = RDC_SRV_PROBE_FIRST_MS;
    }
    s->probing = false;
    s->probe_at_ms = now + s->backoff_ms;
}

void rdc_srvsel_timeout(rdc_srvsel_t *ss, int i, unsigned long long sent_ms, unsigned long long now,
                        bool probe)
{
    rdc_srv_t *s = &ss->s[i];
    s->timeouts++;
    /* it answered since: a lost packet or a slow answer, not a dead server.
     * Strictly after: an answer in the millisecond the query left came
     * before it (it is what made the engine send the query). */
    if (s->last_answer_ms > sent_ms)
        return;
    if (s->down && !probe)
        return; /* a query sent before it went down: already counted */
    mark_down(s, now);
}

void rdc_srvsel_unreachable(rdc_srvsel_t *ss, int i, unsigned long long now)
{
    rdc_srv_t *s = &ss->s[i];
    if (s->down && !s->probing && now < s->probe_at_ms)
        return;
    mark_down(s, now);
}

/* SRTT + 4 RTTVAR (RFC 6298 §2), the variance term at least a quarter of
 * SRTT: on a long path whose answers come back in a steady time RTTVAR
 * falls towards 0, and an RTO of about one RTT would take every answer a
 * little late for lost (RFC 6298 bounds the term below by the clock
 * granularity for the same reason). */
static double srv_rto(const rdc_srv_t *s)
{
    double var = 4 * s->rttvar;
    return s->srtt + (var > s->srtt / 4 ? var : s->srtt / 4);
}

unsigned rdc_srvsel_rto(const rdc_srvsel_t *ss, int i)
{
    const rdc_srv_t *s = &ss->s[i];
    double rto = -1;
    if (s->measured) {
        rto = srv_rto(s);
    } else {
        for (size_t k = 0; k < ss->n; k++) {
            const rdc_srv_t *o = &ss->s[k];
            if (o->measured && srv_rto(o) > rto)
                rto = srv_rto(o);
        }
        /* none measured: Unbound's timeout for an unknown server, or half
         * the timeout when that is shorter. In list order the first burst
         * all goes to the first server: when it is dead, this (not the
         * whole timeout) is what the run pays once before the next one
         * gets the duplicates (a duplicate must fit in the pass). */
        if (rto < 0)
            rto = ss->timeout_ms / 2.0 < RDC_SRV_UNKNOWN_MS ? ss->timeout_ms / 2.0
                                                            : RDC_SRV_UNKNOWN_MS;
    }
    if (rto < RDC_SRV_RTO_MIN)
        rto = RDC_SRV_RTO_MIN;
    if (rto > ss->timeout_ms)
        rto = ss->timeout_ms;
    return (unsigned)rto;
}

size_t rdc_srvsel_up(const rdc_srvsel_t *ss)
{
    size_t n = 0;
    for (size_t i = 0; i < ss->n; i++)
        n += !ss->s[i].down;
    return n;
}
