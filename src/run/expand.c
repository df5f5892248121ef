/* expand.c - a target's work (rdc_target_t), and host-name targets: the
 * A and AAAA records of the name, then one check per address like an
 * address target, or a result saying why there is none. */
#define _GNU_SOURCE
#include "expand.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verdict.h"

void rdc_target_clear(rdc_target_t *t)
{
    for (size_t i = 0; i < t->nchildren; i++)
        rdc_chk_free(t->children[i]);
    free(t->children);
    for (size_t i = 0; i < t->nextra; i++)
        rdc_result_clear(&t->extra[i]);
    free(t->extra);
    rdc_item_clear(&t->item);
}

static bool slot_add_extra(rdc_run_ctx_t *rx, rdc_target_t *s, rdc_code_t code, const char *fix,
                           const char *msg)
{
    rdc_result_t *x = realloc(s->extra, (s->nextra + 1) * sizeof *x);
    if (x == NULL) {
        rx->oom = true;
        return false;
    }
    s->extra = x;
    rdc_result_t *r = &x[s->nextra++];
    memset(r, 0, sizeof *r);
    r->kind = RDC_RESULT_UNRESOLVED;
    r->input = rdc_strdup(s->item.input);
    r->line = s->item.line;
    r->ptr_status = RDC_DNS_OK;
    if (!rdc_result_add_problem(r, code, fix, "%s", msg))
        rx->oom = true;
    r->verdict = rdc_code_severity(code) == RDC_SEV_TEMPFAIL ? RDC_TEMPFAIL : RDC_FAIL;
    return true;
}

/* A host-name target: its A and AAAA lookups. */
typedef struct rdc_host {
    const rdc_chk_env_t *env;
    rdc_run_ctx_t *x;
    rdc_target_t *slot;
    rdc_lookup_t lk[2]; /* A, AAAA */
    bool active[2];
    rdc_dns_status_t status[2];
    size_t naddrs[2];
    rdc_addr_t *addrs[2];
    rdc_trace_t trace[2]; /* -v */
    rdc_hold_t pending; /* the A and AAAA lookups */
} host_t;

static void host_finish(host_t *h);

static void host_release(host_t *h)
{
    if (hold_release(&h->pending))
        host_finish(h);
}

static void host_done(rdc_lookup_t *l, const rdc_answer_t *a)
{
    host_t *h = l->owner;
    rdc_run_ctx_t *x = h->x;
    int fi = l == &h->lk[0] ? 0 : 1;
    h->status[fi] = a->status;
    if (a->status == RDC_DNS_OK && a->nrecords > 0) {
        h->addrs[fi] = malloc(a->nrecords * sizeof(rdc_addr_t));
        if (h->addrs[fi] == NULL) {
            x->oom = true;
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
    if (!rdc_lookup_trace_to(l, &h->trace[fi]))
        x->oom = true;
    host_release(h);
}

/* Both families answered: one check per address, or a result saying why
 * there is none. */
static void host_finish(host_t *h)
{
    rdc_run_ctx_t *x = h->x;
    rdc_target_t *s = h->slot;
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
            slot_add_extra(x, s, code, fix, msg);
        else if (s->nextra > 0 &&
                 !rdc_result_add_problem(&s->extra[s->nextra - 1], code, fix, "%s", msg))
            x->oom = true;
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
        slot_add_extra(x, s, RDC_NO_ADDRESS,
                       "check the host name, or give the address to check instead", msg);
    }
    if (x->o->verbose && s->nextra > 0)
        for (int k = 0; k < 2; k++)
            if (!rdc_trace_copy(&s->extra[s->nextra - 1].trace, &h->trace[k]))
                x->oom = true;
    s->children = calloc(total ? total : 1, sizeof *s->children);
    if (s->children == NULL)
        x->oom = true; /* the run stops; no check is started */
    for (int k = 0; k < 2 && s->children; k++)
        for (size_t i = 0; i < h->naddrs[k]; i++) {
            rdc_chk_t *c =
                rdc_chk_new(h->env, &s->pending, &h->addrs[k][i], s->item.input, s->item.line);
            if (c == NULL) {
                x->oom = true;
                continue;
            }
            if (x->o->verbose && !rdc_trace_copy(rdc_chk_trace(c), &h->trace[k]))
                x->oom = true;
            s->children[s->nchildren++] = c;
        }
    task_add(&s->pending); /* hold while starting the children */
    for (size_t i = 0; i < s->nchildren; i++)
        rdc_chk_start(s->children[i]);
    task_release(&s->pending); /* the host step */
    task_release(&s->pending); /* the hold */
}

void rdc_host_free(rdc_host_t *h)
{
    if (h == NULL)
        return;
    for (int k = 0; k < 2; k++) {
        free(h->addrs[k]);
        rdc_trace_free(&h->trace[k]);
        rdc_trace_free(&h->lk[k].trace);
    }
    free(h);
}

/* Starts a host-name target: its A and AAAA lookups (as asked). */
rdc_host_t *rdc_host_start(const rdc_chk_env_t *env, rdc_target_t *s)
{
    rdc_run_ctx_t *x = env->x;
    host_t *h = calloc(1, sizeof *h);
    if (h == NULL) {
        x->oom = true;
        return NULL;
    }
    h->env = env;
    h->x = x;
    h->slot = s;
    h->active[0] = x->o->want4;
    h->active[1] = x->o->want6;
    hold_start(&h->pending, (unsigned)h->active[0] + (unsigned)h->active[1]);
    task_add(&s->pending); /* the host step */
    for (int k = 0; k < 2; k++) {
        if (!h->active[k])
            continue;
        rdc_lookup_init(&h->lk[k], x->ql, k == 0 ? RDC_TYPE_A : RDC_TYPE_AAAA, s->item.host,
                        host_done, h);
        rdc_lookup_start(&h->lk[k]);
    }
    host_release(h); /* the start hold */
    return h;
}
