/* target.h - what the user asks to check: parsing one target (address,
 * CIDR block, host name) and a lazy source of items over command-line
 * targets and a FILE (or standard input). Internal. */
#ifndef RDC_TARGET_H
#define RDC_TARGET_H

#include "item.h"
#include "rdnscheck.h"

#define RDC_LINE_MAX 4096 /* longest FILE line accepted */

typedef enum rdc_target_kind { RDC_T_ADDR, RDC_T_CIDR, RDC_T_HOST } rdc_target_kind_t;

typedef struct rdc_target {
    rdc_target_kind_t kind;
    rdc_addr_t addr;
    rdc_cidr_t cidr;
    uint64_t count; /* addresses in the CIDR block */
    uint8_t host[RDC_NAME_WIRE_MAX + 1];
    bool idn; /* HOST typed in Unicode (host holds its A-labels) */
} rdc_target_t;

/* Parses one target of len bytes (may hold any bytes, NUL too); a host
 * name may be typed in Unicode (IDNA2008, UTS 46 non-transitional: idn.h),
 * then t->idn is set and t->host holds its A-labels. CIDR blocks
 * larger than max_expand are refused. On failure writes the reason (without
 * the target itself) to err and returns false. */
bool rdc_target_parse(const char *s, size_t len, uint64_t max_expand, rdc_target_t *t, char *err,
                      size_t errlen);

typedef struct rdc_targets rdc_targets_t;

/* A source over argv targets (already validated with rdc_target_parse), then
 * the file at path ("-" = standard input; NULL = none). Returns NULL and
 * writes a reason to err when the file cannot be opened or is a directory. */
rdc_targets_t *rdc_targets_new(char *const *argv, size_t argc, const char *path,
                               uint64_t max_expand, char *err, size_t errlen);
void rdc_targets_free(rdc_targets_t *t);

/* Queues a domain item (RDC_ITEM_MX or RDC_ITEM_SPF) for a validated host
 * name; domains come before the other targets, in the order added. */
bool rdc_targets_add_domain(rdc_targets_t *t, rdc_item_kind_t kind, const uint8_t *wire);

/* --shard: from now on t gives only the items at positions p with
 * p % n == index (0 <= index < n), counting every item from 0 in input
 * order: domains, then command-line targets, then lines of FILE, each
 * address of a CIDR block one position (a host name or domain, bad lines
 * too, is one position). Addresses of a block that belong to other shards
 * are jumped over, not produced. n <= 1: every item. Call before the first
 * rdc_targets_next. */
void rdc_targets_set_shard(rdc_targets_t *t, unsigned index, unsigned n);

/* How many of the count positions starting at pos a shard (as above) owns. */
uint64_t rdc_shard_share(uint64_t pos, uint64_t count, unsigned index, unsigned n);

/* The engine's rdc_source_fn. */
rdc_src_status_t rdc_targets_next(void *ctx, rdc_item_t *item, int *fd);

/* After RDC_SRC_FAIL: why. */
const char *rdc_targets_error(const rdc_targets_t *t);

/* Number of targets read so far and whether the total is known. */
unsigned long rdc_targets_lines(const rdc_targets_t *t);

#endif
