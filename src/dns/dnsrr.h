/* dnsrr.h - what the parsers of dnsmsg.c and referral.c share (internal):
 * big-endian fields, one resource record's fixed part, rdata names, and a
 * record's -v trace line. Pure: a byte buffer in, no sockets. */
#ifndef RDC_DNSRR_H
#define RDC_DNSRR_H

#include "dnsmsg.h"

static inline uint16_t rdc_get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t rdc_get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* One parsed RR; only the parts we use. */
typedef struct rdc_rr {
    uint8_t owner[RDC_NAME_WIRE_MAX + 1]; /* filled by rdc_rr_parse only */
    size_t owner_off;
    uint16_t type, klass;
    uint32_t ttl;
    size_t rdata, rdlen;
} rdc_rr_t;

/* Reads the RR at msg[*off] (owner decoded, rdata bounds checked) and
 * advances *off past it; false when it is malformed or cut. */
bool rdc_rr_parse(const uint8_t *msg, size_t len, size_t *off, rdc_rr_t *rr);

/* Decodes a name that must fill the rdata exactly (CNAME, PTR, NS). */
bool rdc_rdata_name(const uint8_t *msg, size_t len, size_t rdata, size_t rdlen, uint8_t *out);

/* rdc_rdata_name on the rdata of rr. */
bool rdc_rr_name(const uint8_t *msg, size_t len, const rdc_rr_t *rr, uint8_t *out);

/* Appends rr as a zone-file-like line ("owner. ttl TYPE data"), after
 * indent, to t. */
void rdc_rr_trace(rdc_buf_t *t, const char *indent, const uint8_t *msg, size_t len,
                  const rdc_rr_t *rr);

#endif
