/* selfcheck.h - --self (selfcheck.c): finds this host's sending addresses
 * and HELO name before the run (postconf / exim -bP, the kernel's routes,
 * whoami behind NAT), feeds them to the engine ahead of the other targets,
 * and marks their results with where each address came from. The
 * decisions are rules/selfplan.c's, the sockets dns/selfaddr.c's.
 * Internal to the CLI. */
#ifndef RDC_SELFCHECK_H
#define RDC_SELFCHECK_H

#include "cli.h"
#include "item.h"
#include "selfaddr.h"
#include "selfplan.h"

typedef struct rdc_selfrun {
    rdc_self_t s;
    bool strict;
    /* results for families that have no address to check (self-unknown) */
    size_t nextra;
    rdc_result_t extra[2];
    /* the source wrapper: self items first, then inner */
    unsigned next;
    rdc_source_fn inner;
    void *inner_ctx;
} rdc_selfrun_t;

/* The default whoami services of a family (4 or 6), "NAME@SERVER" each,
 * NULL-terminated; README and the man page list the same. */
const char *const *rdc_self_default_whoami(int family);

/* Gathers everything: the MTA's configuration, each family's address,
 * whoami behind NAT, the HELO name (o->helo first). ops: the socket
 * layer (rdc_sockops_system() outside tests). False only without memory. */
bool rdc_selfcheck_discover(rdc_selfrun_t *sr, const rdc_options_t *o, const rdc_sockops_t *ops);

/* An rdc_source_fn: the addresses to check, then sr->inner's items. */
rdc_src_status_t rdc_selfcheck_next(void *ctx, rdc_item_t *item, int *fd);

/* The engine's annotate hook: a self address's result gets its source as
 * via and the MTA binding's problem, and is noted for the summary. */
void rdc_selfcheck_annotate(void *ctx, rdc_result_t *r);

/* Frees the extra results. */
void rdc_selfcheck_free(rdc_selfrun_t *sr);

#endif
