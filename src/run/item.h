/* item.h - one unit of work for the engine, and the source it comes from:
 * the engine pulls items through an rdc_source_fn that its caller gives
 * it (the CLI's target reader, a test's list), so the run layer knows no
 * command line. Internal. */
#ifndef RDC_ITEM_H
#define RDC_ITEM_H

#include "rdnscheck.h"

/* One unit of input, produced by a target source. */
typedef enum rdc_item_kind {
    RDC_ITEM_ADDR,
    RDC_ITEM_HOST,
    RDC_ITEM_ERROR,
    RDC_ITEM_MX, /* --mx DOMAIN: host is the domain */
    RDC_ITEM_SPF /* --spf DOMAIN */
} rdc_item_kind_t;

typedef struct rdc_item {
    rdc_item_kind_t kind;
    char *input; /* owned; the target as given, escaped */
    unsigned long line; /* line in FILE, or 0 */
    rdc_addr_t addr; /* ADDR */
    uint8_t host[RDC_NAME_WIRE_MAX + 1]; /* HOST, wire form */
    char *error; /* owned; ERROR: why the target is bad */
} rdc_item_t;

typedef enum rdc_src_status {
    RDC_SRC_ITEM, /* *item filled */
    RDC_SRC_EOF, /* no more input */
    RDC_SRC_WAIT, /* nothing available yet: wait until *fd is readable */
    RDC_SRC_FAIL /* input unreadable; the source keeps the reason */
} rdc_src_status_t;

typedef rdc_src_status_t (*rdc_source_fn)(void *ctx, rdc_item_t *item, int *fd);

/* Frees what the item owns and zeroes it; NULL is a no-op. */
void rdc_item_clear(rdc_item_t *it);

#endif
