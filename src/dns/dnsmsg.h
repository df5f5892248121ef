/* dnsmsg.h - parsing DNS responses into what a verdict needs (internal).
 * Pure: works on a byte buffer, no sockets, no c-ares types. */
#ifndef RDC_DNSMSG_H
#define RDC_DNSMSG_H

#include "rdnscheck.h"
#include "util.h"

#define RDC_TYPE_A 1
#define RDC_TYPE_NS 2
#define RDC_TYPE_CNAME 5
#define RDC_TYPE_SOA 6
#define RDC_TYPE_PTR 12
#define RDC_TYPE_MX 15
#define RDC_TYPE_TXT 16
#define RDC_TYPE_AAAA 28

/* CNAME hops followed, in and across answers. Receivers take a chain of
 * any length that their resolver hands them (glibc, Exim: tests/receivers
 * accepts a 10-hop chain), and resolvers stop on their own (Unbound after
 * 11 restarts, then SERVFAIL: tempfail here too), so the limit is above
 * theirs; it only bounds hostile chains across answers. */
#define RDC_MAX_CNAME_HOPS 16

/* Copies the wire name src (a valid one: labels up to its root) into dst,
 * which holds RDC_NAME_WIRE_MAX + 1 bytes: the name, zeros after it. src
 * may be a buffer just as long as the name. */
void rdc_name_copy(uint8_t *dst, const uint8_t *src);

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

/* A zone's SOA record (RFC 1035 §3.3.13) and where it stood. */
typedef struct rdc_soa {
    uint8_t owner[RDC_NAME_WIRE_MAX + 1]; /* the zone */
    uint8_t mname[RDC_NAME_WIRE_MAX + 1]; /* the primary server */
    uint8_t rname[RDC_NAME_WIRE_MAX + 1]; /* the contact, as a name */
    uint32_t ttl, serial, minimum;
} rdc_soa_t;

typedef struct rdc_answer {
    uint8_t rcode;
    bool tc;
    bool aa; /* the server answered with authority (AA) */
    /* NOERROR without an answer, no SOA, and NS records in the authority
     * section: a delegation elsewhere, not an answer (RFC 1034 §4.3.2) */
    bool referral;
    /* How long a cache may keep this answer: the smallest TTL of the
     * records counted (and the CNAMEs followed), or for NXDOMAIN/NODATA
     * min(SOA TTL, SOA MINIMUM) of the authority section (RFC 2308 §5);
     * RDC_TTL_UNKNOWN when the answer gives none. */
    uint32_t ttl;
    /* The zone's SOA: an SOA record answering an SOA question, else the
     * one of the authority section of an NXDOMAIN/NODATA answer (RFC 2308
     * §3): it names the zone that holds (or would hold) the name. */
    bool has_soa;
    rdc_soa_t soa;
    rdc_dns_status_t status;
    /* Name at the end of the CNAME chain followed inside this answer. */
    uint8_t final_name[RDC_NAME_WIRE_MAX + 1];
    unsigned cname_hops;
    bool dangling; /* NOERROR, chain ends in a CNAME with nothing after */
    const char *error; /* static reason when status is RDC_DNS_S_ERROR */
    bool oom; /* that error is ours: no memory for the records */
    /* Every record of the asked type on the chain: no cap, a 64 KiB message
     * holds a few thousand at most. Owned: rdc_answer_free. The first ones
     * live in `local` (no allocation for the usual one-record answer), so
     * an answer is never copied by value. */
    size_t nrecords, cap;
    rdc_record_t *records;
    rdc_record_t local[2];
} rdc_answer_t;

/* A zeroed answer, ready for rdc_answer_parse. */
#define RDC_ANSWER_INIT                                                                            \
    {                                                                                              \
        0                                                                                          \
    }

/* Parses the response msg of len bytes to the query (qname, qtype, class IN).
 * Fills out (reusing its records array; free it with rdc_answer_free); status
 * says what the answer means (see rdc_answer_t for aa, referral, ttl and
 * soa; NS records give their target in name, SOA records in soa). Only records that stand in the
 * answer section of a well-formed response (QR set, opcode QUERY, exactly the one question asked)
 * with rcode NOERROR count, and of those only class IN records of qtype owned by qname or a name on
 * its CNAME chain. Any other rcode keeps no records whatever the message carries (RFC 1035 §4.1.1,
 * RFC 6604: an NXDOMAIN never confirms anything). A truncated (TC) answer is an error: the part
 * missing might hold the record that matters. Out of memory gives status RDC_DNS_S_ERROR too. When
 * trace is not NULL, appends the answer records in presentation form, one per line, each prefixed
 * by `indent`. Never fails: a broken message gives status RDC_DNS_S_ERROR with out->error set. */
void rdc_answer_parse(const uint8_t *msg, size_t len, const uint8_t *qname, uint16_t qtype,
                      rdc_answer_t *out, rdc_buf_t *trace, const char *indent);

/* A delegation as a parent zone's server gives it (RFC 1034 §4.3.2): the
 * NS records of the zone cut (the answer section's when the server also
 * serves the child, else the authority section's), and the glue, A/AAAA
 * records of those names in the additional section. */
#define RDC_REFERRAL_MAX_NS 8
#define RDC_REFERRAL_MAX_GLUE 16
typedef struct rdc_referral {
    uint8_t zone[RDC_NAME_WIRE_MAX + 1]; /* the NS records' owner */
    size_t nns;
    uint8_t ns[RDC_REFERRAL_MAX_NS][RDC_NAME_WIRE_MAX + 1];
    size_t nglue;
    struct {
        size_t ns; /* index into ns */
        rdc_addr_t addr;
    } glue[RDC_REFERRAL_MAX_GLUE];
} rdc_referral_t;

/* Reads the delegation out of msg (len bytes), a NOERROR response to any
 * question: NS records (class IN) whose owner is qname or one of its
 * ancestors, all of one owner (the first's), then the glue. False when
 * the message is malformed, not NOERROR, or has no such NS record. Names
 * past RDC_REFERRAL_MAX_NS and glue past RDC_REFERRAL_MAX_GLUE are left
 * out. */
bool rdc_referral_parse(const uint8_t *msg, size_t len, const uint8_t *qname,
                        rdc_referral_t *out);

/* Frees the records of a; the struct itself is the caller's. */
void rdc_answer_free(rdc_answer_t *a);

/* Name of an RR type for traces ("PTR", "TYPE65"). buf holds 16 bytes. */
const char *rdc_type_name(uint16_t type, char *buf);

/* Name of an rcode ("NXDOMAIN", "RCODE11"). buf holds 16 bytes. */
const char *rdc_rcode_name(unsigned rcode, char *buf);

#endif
