/* authzone.h - --authority's zones, found once per run and shared by every
 * check that asks about them: a zone's NS set (from the resolver and from
 * the parent's delegation, RFC 1034 §4.2.2), its servers' addresses, each
 * server's own SOA (RD=0), the parent zone and the SOA contact's mail
 * domain. Finished zones are kept up to a cap, least recently used dropped
 * first. Internal. */
#ifndef RDC_AUTHZONE_H
#define RDC_AUTHZONE_H

#include <stdbool.h>
#include <stdint.h>

#include "authcheck.h"
#include "authsend.h"
#include "ctx.h"
#include "dnsmsg.h"
#include "zoneinfo.h"

typedef struct rdc_zones rdc_zones_t; /* the run's zones */
typedef struct rdc_zone rdc_zone_t; /* one zone */

/* Someone waiting for a zone's servers to be known: ready(arg, z) runs
 * once, when they are (z is valid during the call only). */
typedef struct rdc_zone_wait {
    void (*ready)(void *arg, const rdc_zone_t *z);
    void *arg;
    struct rdc_zone_wait *next;
} rdc_zone_wait_t;

/* No zone yet; the cap is x->o->auth_max_zones (0: 1,024). NULL on no
 * memory. */
rdc_zones_t *rdc_zones_new(rdc_run_ctx_t *x);

/* Frees every zone. NULL: no-op. */
void rdc_zones_free(rdc_zones_t *zs);

/* The zone named name, being found from now when it is not known yet:
 * for a question's zone (want_parent) its parent's delegation too, and
 * with rname (its SOA's RNAME, or NULL) the contact's mail domain. NULL on
 * no memory. */
rdc_zone_t *rdc_zone_get(rdc_zones_t *zs, const uint8_t *name, bool want_parent,
                         const uint8_t *rname);

/* The zone ref delegates (as servers of zone parent gave it), found with
 * the referral's NS set and glue, without a parent step of its own. NULL
 * on no memory. */
rdc_zone_t *rdc_zone_get_delegated(rdc_zones_t *zs, const rdc_referral_t *ref, const char *parent);

/* w->ready runs now when z's servers are known, else when they are. w
 * stays z's until then (and keeps z from eviction). */
void rdc_zone_wait(rdc_zone_t *z, rdc_zone_wait_t *w);

const uint8_t *rdc_zone_name(const rdc_zone_t *z);

/* Into a question's out: why the servers cannot be asked, the parent zone
 * and contact, whether mail to the contact bounces, the NS names and the
 * servers with what their SOA said (RFC 2308 §5 from the first that gave
 * one). False when out's arrays could not be allocated; a lost string
 * sets the run's oom. */
bool rdc_zone_fill(const rdc_zone_t *z, rdc_auth_question_t *out);

/* Server i (of out->nservers as rdc_zone_fill gave them) when it answered
 * the zone's SOA with authority, else NULL. */
const rdc_server_t *rdc_zone_server(const rdc_zone_t *z, size_t i);

/* Asks up to AUTH_MAX_PARENT servers of p that answer for it for name's
 * NS (RD=0), each query one more part of hold; done(arg, ...) gets each
 * answer as it is (its referral gives the delegation, RFC 1034 §4.3.2). */
void rdc_zone_ask_parent_ns(rdc_zones_t *zs, const rdc_zone_t *p, const uint8_t *name,
                            rdc_hold_t *hold, rdc_direct_done_fn *done, void *arg);

#endif
