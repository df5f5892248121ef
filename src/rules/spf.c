/* spf.c - SPF (RFC 7208) expansion as a state machine: the API, the
 * questions handed out and the answers taken in, and the steps between
 * them. The record syntax is in spf_parse.c, the evaluation walk in record
 * order in spf_walk.c. Pure: never does I/O; the caller answers the
 * questions it hands out.
 *
 * How parallel answers stay deterministic: after every answer the whole
 * evaluation is walked again from the top, in the order a receiver evaluates
 * it. Where an answer is still missing, the walk goes on past it with what it
 * knows (the lookup and void counts it has are lower bounds), so later
 * questions are asked at once; it stops where it can tell the evaluation ends
 * (an error, or a count over its limit). When every question asked has been
 * answered, one last walk, with every answer known, gives the results. */
#define _POSIX_C_SOURCE 200809L /* strnlen */
#include "spf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spf_int.h"
#include "util.h"

/* ---------------------------------------------------------------- questions */

static void q_free(spf_q_t *q)
{
    if (q == NULL)
        return;
    free(q->rec);
    free(q->addrs);
    free(q->mx);
    free(q->bad);
    free(q);
}

static void take_txt(rdc_spf_t *s, spf_q_t *q, const rdc_spf_rr_t *rrs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (rrs[i].type != RDC_SPF_TYPE_TXT || !spf_is_record(rrs[i].text, rrs[i].text_len))
            continue;
        if (q->nspf++ == 0) {
            q->rec = malloc(rrs[i].text_len + 1);
            if (q->rec == NULL) {
                s->oom = true;
                return;
            }
            memcpy(q->rec, rrs[i].text, rrs[i].text_len);
            q->rec[rrs[i].text_len] = '\0';
            q->reclen = rrs[i].text_len;
        }
    }
}

static void take_addrs(rdc_spf_t *s, spf_q_t *q, const rdc_spf_rr_t *rrs, size_t n)
{
    uint8_t fam = q->type == RDC_SPF_TYPE_A ? 4 : 6;
    for (size_t i = 0; i < n; i++) {
        if (rrs[i].type != q->type || rrs[i].addr.family != fam)
            continue;
        bool dup = false;
        for (size_t k = 0; k < q->naddrs && !dup; k++)
            dup = rdc_addr_equal(&q->addrs[k], &rrs[i].addr);
        if (dup || q->naddrs >= MAX_ADDRS)
            continue;
        if (q->addrs == NULL) {
            q->addrs = malloc((n < MAX_ADDRS ? n : MAX_ADDRS) * sizeof *q->addrs);
            if (q->addrs == NULL) {
                s->oom = true;
                return;
            }
        }
        q->addrs[q->naddrs] = rrs[i].addr;
        if (fam == 4)
            memset(q->addrs[q->naddrs].b + 4, 0, 12);
        q->naddrs++;
    }
    if (q->naddrs == 0)
        q->status = RDC_DNS_NODATA;
}

static void take_mx(rdc_spf_t *s, spf_q_t *q, const rdc_spf_rr_t *rrs, size_t n)
{
    size_t nrr = 0;
    uint16_t *pref = NULL;
    for (size_t i = 0; i < n; i++) {
        if (rrs[i].type != RDC_SPF_TYPE_MX)
            continue;
        nrr++;
        size_t len = strnlen(rrs[i].host, sizeof rrs[i].host);
        char name[256];
        if (len == 0 || (len == 1 && rrs[i].host[0] == '.'))
            continue; /* null MX (RFC 7505): no exchange to look up */
        if (len == sizeof rrs[i].host || !spf_host_name(rrs[i].host, len, name, NULL)) {
            if (q->nbad++ == 0)
                q->bad = spf_escape_dup(rrs[i].host, len, 300);
            continue;
        }
        if (q->nmx++ >= RDC_SPF_MAX_MX)
            continue; /* too many: an error; the names are not needed */
        if (q->mx == NULL) {
            q->mx = malloc(RDC_SPF_MAX_MX * sizeof *q->mx);
            pref = malloc(RDC_SPF_MAX_MX * sizeof *pref);
            if (q->mx == NULL || pref == NULL) {
                free(pref);
                s->oom = true;
                return;
            }
        }
        /* insertion in preference order, stable among equal preferences */
        size_t at = q->nmx - 1;
        while (at > 0 && pref[at - 1] > rrs[i].pref) {
            memcpy(q->mx[at], q->mx[at - 1], sizeof q->mx[at]);
            pref[at] = pref[at - 1];
            at--;
        }
        memcpy(q->mx[at], name, sizeof name);
        pref[at] = rrs[i].pref;
    }
    free(pref);
    if (nrr == 0)
        q->status = RDC_DNS_NODATA;
}

/* ---------------------------------------------------------------- nodes */

static bool compute_done(const rdc_spf_t *s)
{
    for (size_t i = 0; i < s->nq; i++) {
        const spf_q_t *q = s->qs[i];
        if (q->state == Q_SENT)
            return false;
        if (q->state == Q_NEW && q->mark == s->gen && !s->oom)
            return false;
    }
    return true;
}

/* After an answer (or at the start): walk; when nothing is left, finish. */
static void step(rdc_spf_t *s)
{
    if (s->done)
        return;
    if (!s->oom)
        spf_run_walk(s, false);
    if (!compute_done(s))
        return;
    if (!s->oom)
        spf_run_walk(s, true);
    s->done = true;
}

/* ---------------------------------------------------------------- API */

rdc_spf_t *rdc_spf_new(const char *domain)
{
    if (domain == NULL)
        return NULL;
    rdc_spf_t *s = calloc(1, sizeof *s);
    if (s == NULL)
        return NULL;
    size_t len = strnlen(domain, 300);
    if (len >= 300 || !spf_host_name(domain, len, s->domain, NULL)) {
        free(s);
        return NULL;
    }
    s->result = RDC_SPF_RES_TEMPERROR;
    s->top = spf_new_node(s, s->domain, NULL);
    if (s->top == NULL) {
        rdc_spf_free(s);
        return NULL;
    }
    step(s);
    if (s->oom) {
        rdc_spf_free(s);
        return NULL;
    }
    return s;
}

void rdc_spf_free(rdc_spf_t *s)
{
    if (s == NULL)
        return;
    spf_clear_results(s);
    free(s->ranges);
    free(s->problems);
    for (size_t i = 0; i < s->nq; i++)
        q_free(s->qs[i]);
    free(s->qs);
    for (size_t i = 0; i < s->nnodes; i++) {
        spf_node_t *n = s->nodes[i];
        for (size_t k = 0; k < n->nterms; k++)
            free(n->terms[k].text);
        for (size_t k = 0; k < n->nterms; k++)
            free(n->terms[k].mspec);
        free(n->terms);
        free(n->err);
        free(n->rtext);
        free(n);
    }
    free(s->nodes);
    free(s);
}

bool rdc_spf_next_query(rdc_spf_t *s, rdc_spf_query_t *q)
{
    if (s == NULL || s->done || s->oom)
        return false;
    for (size_t i = 0; i < s->nq; i++) {
        spf_q_t *x = s->qs[i];
        if (x->state == Q_NEW && x->mark == s->gen) {
            x->state = Q_SENT;
            memset(q, 0, sizeof *q);
            q->id = x->id;
            memcpy(q->name, x->name, sizeof q->name);
            q->type = x->type;
            return true;
        }
    }
    return false;
}

void rdc_spf_answer(rdc_spf_t *s, unsigned id, rdc_dns_status_t status, const rdc_spf_rr_t *rrs,
                    size_t n)
{
    if (s == NULL || id == 0 || id > s->nq)
        return;
    spf_q_t *q = s->qs[id - 1];
    if (q->state != Q_SENT)
        return;
    q->state = Q_DONE;
    q->status = status;
    if (rrs == NULL)
        n = 0;
    if (status == RDC_DNS_OK) {
        if (q->type == RDC_SPF_TYPE_TXT)
            take_txt(s, q, rrs, n);
        else if (q->type == RDC_SPF_TYPE_MX)
            take_mx(s, q, rrs, n);
        else
            take_addrs(s, q, rrs, n);
    }
    step(s);
}

bool rdc_spf_done(const rdc_spf_t *s)
{
    return s == NULL || s->done;
}

rdc_spf_result_t rdc_spf_result(const rdc_spf_t *s)
{
    if (s == NULL || !s->done || s->oom)
        return RDC_SPF_RES_TEMPERROR;
    return s->result;
}

const char *rdc_spf_result_name(rdc_spf_result_t r)
{
    switch (r) {
    case RDC_SPF_RES_OK:
        return "ok";
    case RDC_SPF_RES_NONE:
        return "none";
    case RDC_SPF_RES_PERMERROR:
        return "permerror";
    case RDC_SPF_RES_TEMPERROR:
        return "temperror";
    }
    return "temperror";
}

const rdc_spf_range_t *rdc_spf_ranges(const rdc_spf_t *s, size_t *n)
{
    if (s == NULL || !s->done) {
        *n = 0;
        return NULL;
    }
    *n = s->nranges;
    return s->ranges;
}

const rdc_spf_problem_t *rdc_spf_problems(const rdc_spf_t *s, size_t *n)
{
    if (s == NULL || !s->done) {
        *n = 0;
        return NULL;
    }
    *n = s->nprob;
    return s->problems;
}

unsigned rdc_spf_lookups(const rdc_spf_t *s)
{
    return s ? s->lookups : 0;
}

unsigned rdc_spf_void_lookups(const rdc_spf_t *s)
{
    return s ? s->voids : 0;
}

const char *rdc_spf_tree(const rdc_spf_t *s)
{
    return (s != NULL && s->tree != NULL) ? s->tree : "";
}
