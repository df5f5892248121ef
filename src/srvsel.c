/* srvsel.c - server selection with per-run server state: the best server
 * that is up gets each query; a server that times out without answering
 * anything since is marked down and costs no more timeouts, only probes
 * (copies of real queries) at a doubling interval until it answers again. */
#include "srvsel.h"

#include <string.h>

void rdc_srvsel_init(rdc_srvsel_t *ss, size_t n, unsigned timeout_ms)
{
    memset(ss, 0, sizeof *ss);
    ss->n = n < 1 ? 1 : n > RDC_SRV_MAX ? RDC_SRV_MAX : n;
    ss->timeout_ms = timeout_ms;
}

static double score(const rdc_srv_t *s)
{
    double v = s->measured ? s->srtt : RDC_SRV_UNKNOWN_MS;
    if (s->refusals >= RDC_SRV_REFUSALS)
        v += RDC_SRV_SHUN_MS;
    return v;
}

static bool any_measured(const rdc_srvsel_t *ss)
{
    for (size_t i = 0; i < ss->n; i++)
        if (ss->s[i].measured)
            return true;
    return false;
}

int rdc_srvsel_pick(const rdc_srvsel_t *ss, uint32_t tried)
{
    int best = -1;
    bool any_up = false, spread = !any_measured(ss);
    for (size_t i = 0; i < ss->n; i++) {
        const rdc_srv_t *s = &ss->s[i];
        if (s->down)
            continue;
        any_up = true;
        if (tried & (1u << i))
            continue;
        if (best < 0 || (spread ? s->sent < ss->s[best].sent : score(s) < score(&ss->s[best])))
            best = (int)i;
    }
    if (any_up)
        return best;
    /* every server is down: each is asked in turn, the one due to be
     * probed first first (the network may have failed, not the servers) */
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
                         unsigned long long now, bool sample, bool refused)
{
    rdc_srv_t *s = &ss->s[i];
    s->answers++;
    s->last_answer_ms = now > s->last_answer_ms ? now : s->last_answer_ms;
    s->down = false;
    s->probing = false;
    s->backoff_ms = 0;
    s->refusals = refused ? s->refusals + 1 : 0;
    if (!sample || now < sent_ms)
        return;
    double r = (double)(now - sent_ms);
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
    if (s->last_answer_ms >= sent_ms && s->last_answer_ms != 0)
        return; /* it answered since: a lost packet, not a dead server */
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

unsigned rdc_srvsel_rto(const rdc_srvsel_t *ss, int i)
{
    const rdc_srv_t *s = &ss->s[i];
    double rto = -1;
    if (s->measured) {
        rto = s->srtt + 4 * s->rttvar;
    } else {
        for (size_t k = 0; k < ss->n; k++) {
            const rdc_srv_t *o = &ss->s[k];
            if (o->measured && o->srtt + 4 * o->rttvar > rto)
                rto = o->srtt + 4 * o->rttvar;
        }
        if (rto < 0)
            rto = ss->timeout_ms / 2.0;
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
