/* engine_int.h - what the engine's modules share (internal): the check
 * engine's state (engine.c), a slot per target in the ring, a check per
 * address (addrcheck.c), the forward cache (fwdcache.c), SMTP probes
 * (probe.c) and the expansion of host names and domains (expand.c). */
#ifndef RDC_ENGINE_INT_H
#define RDC_ENGINE_INT_H

#include "dnsmsg.h"
#include "engine.h"
#include "query.h"
#include "task.h"
#include "util.h"

#define FWD_CACHE_MAX 16384 /* finished forward lookups kept for sharing */

/* Unfinished parts of a piece of work (a slot, a check, a host, a domain):
 * the piece starts holding one part for itself, so that a part that ends
 * while others are still being started cannot finish it early. */
typedef struct rdc_hold {
    unsigned n;
} rdc_hold_t;

/* Starts with the piece's own hold plus `parts` parts. */
static inline void hold_start(rdc_hold_t *h, unsigned parts)
{
    h->n = 1 + parts;
}

/* One more part. */
static inline void hold_add(rdc_hold_t *h)
{
    h->n++;
}

/* One part done; true when it was the last (the piece is finished). */
static inline bool hold_release(rdc_hold_t *h)
{
    return --h->n == 0;
}

typedef struct rdc_engine engine_t;
typedef rdc_lookup_t lookup_t;

/* The engine a lookup works for. */
#define ENG(l) ((engine_t *)rdc_ql_user((l)->ql))

typedef struct slot slot_t;
typedef struct chk chk_t;

/* One DNSBL zone's lookups for one address: A, then TXT when listed. */
typedef struct bl {
    lookup_t lk;
    chk_t *c;
    size_t idx;
} bl_t;

/* One address under check. */
struct chk {
    slot_t *slot;
    rdc_result_t res;
    lookup_t ptr;
    rdc_task_t pending; /* the PTR step, forward lookups, DNSBL, probe */
    unsigned long long t0;
    rdc_trace_t trace; /* -v: its lookups' events, in the order they ended */
    rdc_trace_t smtp_trace; /* -v: the probe's dialogue, after the lookups */
    bl_t *bl; /* one per --dnsbl zone */
    struct probe *probe;
    struct aq *auth; /* --authority: its questions (authority.c) */
};

typedef struct waiter {
    chk_t *c;
    rdc_name_result_t *dst; /* a PTR name of c, or its HELO name */
    struct waiter *next;
} waiter_t;

/* A forward lookup of one PTR name in one family, shared by every address
 * whose PTR names it. */
typedef struct fwd {
    lookup_t lk;
    uint8_t key[RDC_NAME_WIRE_MAX + 1]; /* lower-cased */
    uint8_t family;
    uint32_t hash;
    bool done;
    rdc_dns_status_t status;
    bool via_cname;
    uint32_t ttl; /* the answer's (RDC_TTL_UNKNOWN: none) */
    unsigned long long at_ms; /* when it came */
    size_t naddrs;
    rdc_addr_t *addrs;
    rdc_trace_t trace; /* -v: copied to every check it is delivered to */
    waiter_t *waiters;
    struct fwd *next; /* hash chain */
    struct fwd *older, *newer; /* finished entries, oldest first */
} fwd_t;

/* A hostname target: its A and AAAA lookups. */
typedef struct host {
    engine_t *e;
    slot_t *slot;
    lookup_t lk[2]; /* A, AAAA */
    bool active[2];
    rdc_dns_status_t status[2];
    size_t naddrs[2];
    rdc_addr_t *addrs[2];
    rdc_trace_t trace[2]; /* -v */
    rdc_hold_t pending; /* the A and AAAA lookups */
} host_t;

enum slot_state { SLOT_FREE, SLOT_RUNNING, SLOT_DONE, SLOT_EMITTED };

struct slot {
    enum slot_state state;
    engine_t *e;
    rdc_item_t item;
    rdc_task_t pending; /* unfinished children, the host or domain step */
    size_t nchildren;
    chk_t **children;
    rdc_result_t *extra; /* results without an address (host errors) */
    size_t nextra;
    bool extra_first; /* a domain summary leads its addresses */
    host_t *host;
    struct dom *dom;
};

struct rdc_engine {
    rdc_loop_t *loop;
    rdc_dns_t dns;
    rdc_engine_opts_t o;
    slot_t *ring;
    size_t nring;
    unsigned long long head, tail; /* sequence numbers: emit head, start tail */
    fwd_t **table;
    size_t tsize, nfwd, ndone;
    fwd_t *oldest, *newest;
    rdc_ql_t *ql; /* the query layer: servers, retries, duplicates */
    bool oom;
    bool input_ready;
    int input_fd;
    /* window control (AIMD on timeouts) */
    double window, ssthresh;
    unsigned inflight;
    unsigned long long last_cut_ms;
    rdc_engine_stats_t stats;
    unsigned long losses_seen; /* of the query layer's losses */
    struct probe *probes; /* SMTP probes in progress */
    struct azone *zones; /* --authority: the zones found, with their servers */
    size_t nzones;
    /* --unordered: finished slots waiting to be emitted, in finishing order */
    size_t *doneq;
    size_t dq_head, dq_len;
};

static inline void lookup_init(lookup_t *l, engine_t *e, uint16_t type, const uint8_t *name,
                               rdc_lookup_done_t done, void *owner)
{
    rdc_lookup_init(l, e->ql, type, name, done, owner);
}

/* addrcheck.c: the check of one address (PTR, forward, HELO, DNSBL, SMTP). */
chk_t *rdc_chk_new(engine_t *e, slot_t *s, const rdc_addr_t *addr, const char *input);
void rdc_chk_start(chk_t *c);
void rdc_chk_free(chk_t *c);

/* fwdcache.c: the forward addresses of wire (in c's family) into dst,
 * shared with every other check that asks; holds c until delivered. */
void rdc_fwd_request(engine_t *e, chk_t *c, rdc_name_result_t *dst, const uint8_t *wire);
/* Frees every cache entry (unfinished ones' waiters too). */
void rdc_fwd_clear(engine_t *e);

/* probe.c: SMTP probes. */
bool rdc_probe_start(engine_t *e, chk_t *c);
/* Ends probes past their deadline; returns ms until the next, or -1. */
int rdc_probe_scan(engine_t *e);
/* Frees an unfinished probe (teardown); NULL: no-op. */
void rdc_probe_free(struct probe *p);

/* authority.c: --authority. Starts asking the reverse zone's servers
 * (with the PTR lookup), or each checked PTR name's zone's (when the PTR
 * answer is in); holds c until they answered. */
void rdc_auth_start(engine_t *e, chk_t *c);
void rdc_auth_forward(engine_t *e, chk_t *c);
/* Before the verdict: fills c->res.authority with the resolver's view and
 * what the servers say. */
bool rdc_auth_finish(chk_t *c);
void rdc_auth_chk_free(chk_t *c);
/* Frees every zone (teardown, or the end of a run). */
void rdc_auth_clear(engine_t *e);

/* expand.c: host-name targets and --mx/--spf domains. */
void rdc_host_start(engine_t *e, slot_t *s);
void rdc_host_free(host_t *h);
void rdc_dom_start(engine_t *e, slot_t *s);
void rdc_dom_free(struct dom *d);

#endif
