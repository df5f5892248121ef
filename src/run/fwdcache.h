/* fwdcache.h - the run-wide forward-lookup cache: one A or AAAA lookup per
 * (lower-cased name, family), shared by every check that asks for it
 * (its PTR names, the HELO name, an SMTP greeting's host, a zone's PTR
 * answer under --authority); finished entries are kept up to
 * FWD_CACHE_MAX, oldest evicted first. Internal. */
#ifndef RDC_FWDCACHE_H
#define RDC_FWDCACHE_H

#include <stdint.h>

#include "ctx.h"

#define FWD_CACHE_MAX 16384 /* finished forward lookups kept for sharing */

typedef struct rdc_fwdcache rdc_fwdcache_t;

/* An empty cache whose lookups go through x->ql. NULL on no memory. */
rdc_fwdcache_t *rdc_fwdcache_new(rdc_run_ctx_t *x);

/* Frees every entry; unfinished ones' waiters too (their checks are freed
 * by their owners). NULL: no-op. */
void rdc_fwdcache_free(rdc_fwdcache_t *fc);

/* The addresses of wire (a host name) in the family of c's address, into
 * dst: status, TTL left, addresses, and confirmed when c's address is
 * among them. Holds c->task until delivered. A finished entry is
 * delivered before this returns; else when the lookup ends (never inside
 * this call). c must outlive the delivery. */
void rdc_fwd_request(rdc_fwdcache_t *fc, const rdc_chk_ref_t *c, rdc_name_result_t *dst,
                     const uint8_t *wire);

#endif
