/* spf_store.c - what one SPF expansion keeps: the questions it asks (each
 * name and type once) and the nodes of its include/redirect tree. The walk
 * (spf_walk.c) makes them as it meets them; spf.c hands the questions out
 * and takes the answers in. */
#define _POSIX_C_SOURCE 200809L
#include "spf_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The question name/type, created when the walk meets it first (and not in
 * the final walk). Marks it needed by this walk. NULL on allocation failure,
 * over RDC_SPF_MAX_QUERIES, or when the final walk needs an answer it does
 * not have (an earlier walk stopped short of it: too much work). */
spf_q_t *spf_need(rdc_spf_t *s, const char *name, uint16_t type)
{
    for (size_t i = 0; i < s->nq; i++) {
        spf_q_t *q = s->qs[i];
        if (q->type == type && strcmp(q->name, name) == 0) {
            q->mark = s->gen;
            return s->final_walk && q->state != Q_DONE ? NULL : q;
        }
    }
    if (s->nq >= RDC_SPF_MAX_QUERIES || s->final_walk)
        return NULL;
    if (s->nq == s->capq) {
        size_t cap = s->capq ? s->capq * 2 : 16;
        spf_q_t **qs = realloc(s->qs, cap * sizeof *qs);
        if (qs == NULL) {
            s->oom = true;
            return NULL;
        }
        s->qs = qs;
        s->capq = cap;
    }
    spf_q_t *q = calloc(1, sizeof *q);
    if (q == NULL) {
        s->oom = true;
        return NULL;
    }
    q->id = (unsigned)s->nq + 1;
    snprintf(q->name, sizeof q->name, "%s", name);
    q->type = type;
    q->state = Q_NEW;
    q->mark = s->gen;
    s->qs[s->nq++] = q;
    return q;
}

/* A new include/redirect target (or the top domain) below parent. NULL on
 * allocation failure or over MAX_NODES. */
spf_node_t *spf_new_node(rdc_spf_t *s, const char *dom, spf_node_t *parent)
{
    if (s->nnodes >= MAX_NODES)
        return NULL;
    if (s->nnodes == s->capn) {
        size_t cap = s->capn ? s->capn * 2 : 8;
        spf_node_t **nodes = realloc(s->nodes, cap * sizeof *nodes);
        if (nodes == NULL) {
            s->oom = true;
            return NULL;
        }
        s->nodes = nodes;
        s->capn = cap;
    }
    spf_node_t *n = calloc(1, sizeof *n);
    if (n == NULL) {
        s->oom = true;
        return NULL;
    }
    snprintf(n->domain, sizeof n->domain, "%s", dom);
    n->parent = parent;
    s->nodes[s->nnodes++] = n;
    return n;
}
