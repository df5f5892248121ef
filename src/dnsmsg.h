/* dnsmsg.h - parsing DNS responses into what a verdict needs (internal).
 * Pure: works on a byte buffer, no sockets, no c-ares types. */
#ifndef RDC_DNSMSG_H
#define RDC_DNSMSG_H

#include "rdnscheck.h"
#include "util.h"

#define RDC_TYPE_A 1
#define RDC_TYPE_CNAME 5
#define RDC_TYPE_PTR 12
#define RDC_TYPE_MX 15
#define RDC_TYPE_TXT 16
#define RDC_TYPE_AAAA 28

#define RDC_MAX_RECORDS 64 /* records of the asked type kept per answer */
#define RDC_MAX_CNAME_HOPS 8 /* CNAME hops followed, in and across answers */

/* Decodes the possibly compressed name at msg[*off] into uncompressed wire
 * form (RDC_NAME_WIRE_MAX + 1 bytes). Pointers must point backwards of the
 * label that holds them; labels <= 63; name <= 255 octets. Advances *off past
 * the name as it stands in the message. Returns false on any violation. */
bool rdc_wire_name_decode(const uint8_t *msg, size_t len, size_t *off, uint8_t *out);

typedef struct rdc_record {
    uint32_t ttl;
    uint16_t pref; /* MX preference */
    const uint8_t *rdata; /* the raw rdata inside the message (valid only while
                             the message is: during the lookup's callback) */
    uint16_t rdlen;
    rdc_addr_t addr; /* A / AAAA */
    uint8_t name[RDC_NAME_WIRE_MAX + 1]; /* PTR target; for TXT the escaped text */
} rdc_record_t;

typedef struct rdc_answer {
    uint8_t rcode;
    bool tc;
    rdc_dns_status_t status;
    /* Name at the end of the CNAME chain followed inside this answer. */
    uint8_t final_name[RDC_NAME_WIRE_MAX + 1];
    unsigned cname_hops;
    bool dangling; /* NOERROR, chain ends in a CNAME with nothing after */
    const char *error; /* static reason when status is RDC_DNS_S_ERROR */
    size_t nrecords; /* kept records (<= RDC_MAX_RECORDS) */
    size_t nmore; /* matching records beyond the limit */
    rdc_record_t records[RDC_MAX_RECORDS];
} rdc_answer_t;

/* Parses the response msg of len bytes to the query (qname, qtype). Fills
 * out; status says what the answer means (rcode mapped, NODATA derived).
 * When trace is not NULL, appends the answer records in presentation form,
 * one per line, each prefixed by `indent`. Never fails: a broken message
 * gives status RDC_DNS_S_ERROR with out->error set. */
void rdc_answer_parse(const uint8_t *msg, size_t len, const uint8_t *qname, uint16_t qtype,
                      rdc_answer_t *out, rdc_buf_t *trace, const char *indent);

/* Name of an RR type for traces ("PTR", "TYPE65"). buf holds 16 bytes. */
const char *rdc_type_name(uint16_t type, char *buf);

/* Name of an rcode ("NXDOMAIN", "RCODE11"). buf holds 16 bytes. */
const char *rdc_rcode_name(unsigned rcode, char *buf);

#endif
