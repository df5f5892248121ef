/* authsend.c - --authority's direct queries (authsend.h): a question sent
 * to one server with RD=0, its retry after a timeout, its -v trace. */
#define _GNU_SOURCE
#include "authsend.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A direct query in flight (freed when it ends). */
typedef struct direct {
    rdc_run_ctx_t *x;
    rdc_direct_req_t r; /* r.name points at name */
    unsigned tries;
    unsigned long long t0; /* when the first try was sent */
    uint8_t name[RDC_NAME_WIRE_MAX + 1];
} direct_t;

static void on_direct(void *arg, const uint8_t *msg, size_t len, rdc_dns_status_t st,
                      bool cancelled);

static void direct_send(direct_t *d)
{
    char text[RDC_NAME_TEXT_MAX];
    rdc_name_to_text(d->name, text);
    d->tries++;
    d->x->stats->auth_queries++;
    d->x->dns.ops->query(d->x->dns.ctx, d->r.server, text, d->r.type, on_direct, d);
}

bool rdc_direct_ask(rdc_run_ctx_t *x, const rdc_direct_req_t *r)
{
    direct_t *d = calloc(1, sizeof *d);
    if (d == NULL)
        return false;
    d->x = x;
    d->r = *r;
    d->t0 = rdc_now_ms();
    memcpy(d->name, r->name, sizeof d->name);
    d->r.name = d->name;
    direct_send(d);
    return true;
}

/* -v: one query to a zone's server as a QUERY event: the rcode and whether
 * the answer was authoritative, or what happened. */
static void trace_direct(const direct_t *d, const uint8_t *msg, rdc_dns_status_t st,
                         const rdc_answer_t *a)
{
    char name[RDC_NAME_TEXT_MAX], server[RDC_SERVER_TEXT_MAX], result[64], rb[16];
    const rdc_server_t *srv = d->x->dns.ops->server(d->x->dns.ctx, d->r.server);
    rdc_name_to_text(d->name, name);
    if (srv)
        rdc_server_format(srv, server);
    else
        snprintf(server, sizeof server, "?");
    if (msg && a->error == NULL)
        snprintf(result, sizeof result, "%s, %s", rdc_rcode_name(a->rcode, rb),
                 a->referral ? "a referral"
                 : a->aa     ? "authoritative"
                             : "not authoritative");
    else
        snprintf(result, sizeof result, "%s",
                 msg ? rdc_rcode_name(a->rcode, rb) : rdc_dns_status_text(st));
    if (!rdc_trace_query(d->r.trace, d->r.type, name, server, result, msg ? a->error : NULL,
                         (unsigned)(rdc_now_ms() - d->t0)))
        d->x->oom = true;
}

static void on_direct(void *arg, const uint8_t *msg, size_t len, rdc_dns_status_t st,
                      bool cancelled)
{
    direct_t *d = arg;
    if (cancelled) {
        free(d);
        return;
    }
    rdc_answer_t a = RDC_ANSWER_INIT;
    if (msg && d->r.parse) {
        rdc_answer_parse(msg, len, d->name, d->r.type, &a, NULL, NULL);
        st = a.status;
        if (a.oom)
            d->x->oom = true;
    }
    if (d->r.trace && d->x->o->verbose)
        trace_direct(d, msg, st, &a);
    if (st == RDC_DNS_S_TIMEOUT && d->tries < AUTH_MAX_TRIES) {
        rdc_answer_free(&a);
        direct_send(d);
        return;
    }
    rdc_direct_req_t r = d->r;
    free(d);
    r.done(r.arg, r.tag, msg, len, st, r.parse ? &a : NULL);
    rdc_answer_free(&a);
}

rdc_auth_state_t rdc_direct_state(rdc_dns_status_t st, const rdc_answer_t *a)
{
    switch (st) {
    case RDC_DNS_OK:
    case RDC_DNS_NODATA:
    case RDC_DNS_NXDOMAIN:
        return a->aa && !a->referral ? RDC_AUTH_S_OK : RDC_AUTH_S_LAME;
    case RDC_DNS_S_REFUSED:
        return RDC_AUTH_S_REFUSED;
    case RDC_DNS_S_TIMEOUT:
        return RDC_AUTH_S_TIMEOUT;
    case RDC_DNS_S_UNREACHABLE:
        return RDC_AUTH_S_UNREACHABLE;
    default:
        return RDC_AUTH_S_ERROR;
    }
}
