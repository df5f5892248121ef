/* dnsmsg.c - DNS answer parsing (RFC 1035 §4.1) with one policy for
 * hostile data on every c-ares version: only NOERROR/NXDOMAIN answers to
 * the question asked, every record checked, CNAME chains inside the
 * answer, the SOA or a referral of a negative answer. dnsrr.c reads the
 * records. */
#include "dnsmsg.h"
#include "dnsrr.h"

#include <stdlib.h>
#include <string.h>

/* A record of the answer section, remembered. The owner is kept as its
 * offset in the message (decoded again when compared) so that every RR a
 * 64 KiB message can hold fits in a small table. */
typedef struct rr_ref {
    uint32_t owner_off, rdata;
    uint16_t type, rdlen;
    uint32_t ttl;
} rr_ref_t;

/* Owner of a stored RR equals name (the owner decoded without error once). */
static bool owner_is(const uint8_t *msg, size_t len, const rr_ref_t *r, const uint8_t *name)
{
    uint8_t owner[RDC_NAME_WIRE_MAX + 1];
    size_t off = r->owner_off;
    return rdc_wire_name_decode(msg, len, &off, owner) && rdc_name_equal(owner, name);
}

static void fail(rdc_answer_t *out, const char *why)
{
    out->status = RDC_DNS_S_ERROR;
    out->error = why;
    out->nrecords = 0;
    out->ttl = RDC_TTL_UNKNOWN;
    out->has_soa = false;
}

void rdc_answer_free(rdc_answer_t *a)
{
    if (a == NULL)
        return;
    if (a->records != a->local)
        free(a->records);
    a->records = NULL;
    a->nrecords = a->cap = 0;
}

/* A fresh record slot at the end of out->records, or NULL without memory. */
static rdc_record_t *record_add(rdc_answer_t *out)
{
    if (out->records == NULL) {
        out->records = out->local;
        out->cap = sizeof out->local / sizeof out->local[0];
    }
    if (out->nrecords == out->cap) {
        size_t cap = out->cap * 2;
        bool local = out->records == out->local;
        rdc_record_t *r = realloc(local ? NULL : out->records, cap * sizeof *r);
        if (r == NULL)
            return NULL;
        if (local)
            memcpy(r, out->local, out->nrecords * sizeof *r);
        out->records = r;
        out->cap = cap;
    }
    return &out->records[out->nrecords];
}

/* SOA rdata (RFC 1035 §3.3.13): MNAME, RNAME, then five 32-bit numbers,
 * filling the rdata exactly. */
static bool soa_parse(const uint8_t *msg, size_t len, size_t rdata, size_t rdlen, rdc_soa_t *soa)
{
    size_t p = rdata, end = rdata + rdlen;
    if (!rdc_wire_name_decode(msg, len, &p, soa->mname) || p > end ||
        !rdc_wire_name_decode(msg, len, &p, soa->rname) || p + 20 != end)
        return false;
    soa->serial = rdc_get32(msg + p);
    soa->minimum = rdc_get32(msg + p + 16);
    return true;
}

/* Fills rec from the rdata of one record of qtype; returns why it is
 * malformed, or NULL. */
static const char *record_fill(const uint8_t *msg, size_t len, const rr_ref_t *rr, uint16_t qtype,
                               rdc_record_t *rec)
{
    rec->ttl = rr->ttl;
    rec->rdata = msg + rr->rdata;
    rec->rdlen = rr->rdlen;
    rec->pref = 0;
    rec->name[0] = 0;
    if (qtype == RDC_TYPE_PTR || qtype == RDC_TYPE_NS) {
        if (!rdc_rdata_name(msg, len, rr->rdata, rr->rdlen, rec->name))
            return qtype == RDC_TYPE_PTR ? "malformed name in a PTR record"
                                         : "malformed name in an NS record";
    } else if (qtype == RDC_TYPE_SOA) {
        rdc_soa_t soa;
        if (!soa_parse(msg, len, rr->rdata, rr->rdlen, &soa))
            return "malformed SOA record";
        memcpy(rec->name, soa.mname, sizeof rec->name);
    } else if (qtype == RDC_TYPE_MX) {
        /* RFC 1035 §3.3.9: preference, then the exchange */
        if (rr->rdlen < 3 || !rdc_rdata_name(msg, len, rr->rdata + 2, rr->rdlen - 2u, rec->name))
            return "malformed MX record";
        rec->pref = rdc_get16(msg + rr->rdata);
    } else if (qtype == RDC_TYPE_TXT) {
        /* the character-strings joined, escaped (RFC 1035 §3.3.14) */
        char *text = (char *)rec->name;
        size_t p = rr->rdata, end = rr->rdata + rr->rdlen, tl = 0;
        text[0] = '\0';
        while (p < end && tl + 8 < sizeof rec->name) {
            size_t n = msg[p];
            if (p + 1 + n > end)
                return "malformed TXT record";
            tl += rdc_escape_text(msg + p + 1, n, text + tl, sizeof rec->name - tl);
            p += 1 + n;
        }
    } else if (qtype == RDC_TYPE_A || qtype == RDC_TYPE_AAAA) {
        rec->addr.family = qtype == RDC_TYPE_A ? 4 : 6;
        memset(rec->addr.b, 0, sizeof rec->addr.b);
        memcpy(rec->addr.b, msg + rr->rdata, rr->rdlen);
    }
    return NULL;
}

/* The header and the question: a response to exactly what was asked. Sets
 * out->rcode and out->tc, *off past the question and *an; returns false
 * with out failed otherwise. */
static bool check_header(const uint8_t *msg, size_t len, const uint8_t *qname, uint16_t qtype,
                         rdc_answer_t *out, size_t *off, unsigned *an)
{
    if (len < 12) {
        fail(out, "answer shorter than a DNS header");
        return false;
    }
    out->rcode = msg[3] & 0x0f;
    out->tc = (msg[2] & 0x02) != 0;
    const char *why = NULL;
    uint8_t name[RDC_NAME_WIRE_MAX + 1];
    *off = 12;
    *an = rdc_get16(msg + 6);
    if ((msg[2] & 0x80) == 0)
        why = "answer without the QR bit";
    /* RFC 1035 §4.1.1: the opcode is copied from the query, which is a
     * QUERY (0); IQUERY (1, obsolete since RFC 3425), STATUS, NOTIFY,
     * UPDATE or any other is not an answer to it. */
    else if ((msg[2] & 0x78) != 0)
        why = "answer to an opcode other than QUERY";
    /* RFC 1035 §4.1.2, §7.3: the response repeats the one question asked;
     * an answer to anything else (or to nothing, or to two questions:
     * RFC 9619) is not about our name. */
    else if (rdc_get16(msg + 4) != 1)
        why = "answer without exactly one question";
    else if (!rdc_wire_name_decode(msg, len, off, name) || *off + 4 > len)
        why = "malformed question section";
    else if (!rdc_name_equal(name, qname) || rdc_get16(msg + *off) != qtype ||
             rdc_get16(msg + *off + 2) != 1)
        why = "answer to a different question";
    if (why) {
        fail(out, why);
        return false;
    }
    *off += 4;
    return true;
}

/* Answers whose rcode is not NOERROR or NXDOMAIN: the status alone. */
static bool rcode_status(rdc_answer_t *out)
{
    switch (out->rcode) {
    case 0:
    case 3:
        /* NXDOMAIN: whatever records ride along, the name does not exist
         * (for a CNAME chain, its last name: RFC 6604 §2). The chain is
         * followed for the trace and final_name; records are never data. */
        return false;
    case 2:
        out->status = RDC_DNS_S_SERVFAIL;
        return true;
    case 5:
        out->status = RDC_DNS_S_REFUSED;
        return true;
    default:
        out->status = RDC_DNS_S_ERROR;
        out->error = out->rcode == 1   ? "the server answered FORMERR"
                     : out->rcode == 4 ? "the server answered NOTIMP"
                                       : "the server answered an unexpected rcode";
        return true;
    }
}

/* An RR takes at least 11 octets, so MAXRR covers any 64 KiB message. */
enum { MAXRR = 65536 / 11 + 1 };

/* Parses the answer section once, remembering where the class IN records
 * of qtype and the CNAMEs are (rrs, *nrr). False with out failed when a
 * record is malformed. */
static bool scan_answers(const uint8_t *msg, size_t len, size_t *off, unsigned an, uint16_t qtype,
                         rdc_answer_t *out, rr_ref_t *rrs, unsigned *nrr, rdc_buf_t *trace,
                         const char *indent)
{
    *nrr = 0;
    for (unsigned i = 0; i < an; i++) {
        rdc_rr_t rr;
        const char *why = NULL;
        if (!rdc_rr_parse(msg, len, off, &rr)) {
            fail(out, "malformed answer record");
            return false;
        }
        if (trace)
            rdc_rr_trace(trace, indent, msg, len, &rr);
        if (rr.klass == 1 && rr.type == RDC_TYPE_A && rr.rdlen != 4)
            why = "A record with a length other than 4";
        else if (rr.klass == 1 && rr.type == RDC_TYPE_AAAA && rr.rdlen != 16)
            why = "AAAA record with a length other than 16";
        if (why) {
            fail(out, why);
            return false;
        }
        if (rr.klass == 1 && *nrr < MAXRR && (rr.type == qtype || rr.type == RDC_TYPE_CNAME))
            rrs[(*nrr)++] = (rr_ref_t){(uint32_t)rr.owner_off, (uint32_t)rr.rdata, rr.type,
                                       (uint16_t)rr.rdlen, rr.ttl};
    }
    return true;
}

/* Follows the CNAME chain from qname inside the answer (RFC 1034 §3.6.2,
 * and RFC 2317 classless delegation), collecting the records of qtype
 * (none for an NXDOMAIN). False with out failed on a broken chain. */
static bool walk_chain(const uint8_t *msg, size_t len, uint16_t qtype, bool nx, const rr_ref_t *rrs,
                       unsigned nrr, rdc_answer_t *out)
{
    uint8_t *cur = out->final_name;
    for (;;) {
        bool found = false;
        for (unsigned i = 0; i < nrr; i++) {
            if (nx || rrs[i].type != qtype || !owner_is(msg, len, &rrs[i], cur))
                continue;
            found = true;
            rdc_record_t *rec = record_add(out);
            if (rec == NULL) {
                fail(out, "out of memory");
                out->oom = true;
                return false;
            }
            const char *why = record_fill(msg, len, &rrs[i], qtype, rec);
            if (why) {
                fail(out, why);
                return false;
            }
            if (qtype == RDC_TYPE_SOA && !out->has_soa) {
                soa_parse(msg, len, rrs[i].rdata, rrs[i].rdlen, &out->soa);
                memcpy(out->soa.owner, cur, sizeof out->soa.owner);
                out->soa.ttl = rrs[i].ttl;
                out->has_soa = true;
            }
            if (rrs[i].ttl < out->ttl)
                out->ttl = rrs[i].ttl;
            out->nrecords++;
        }
        if (found)
            return true;
        unsigned j;
        for (j = 0; j < nrr; j++)
            if (rrs[j].type == RDC_TYPE_CNAME && owner_is(msg, len, &rrs[j], cur))
                break;
        if (j == nrr)
            return true;
        uint8_t target[RDC_NAME_WIRE_MAX + 1];
        const char *why = NULL;
        if (rrs[j].ttl < out->ttl)
            out->ttl = rrs[j].ttl;
        if (++out->cname_hops > RDC_MAX_CNAME_HOPS)
            why = "CNAME chain too long or looping";
        else if (!rdc_rdata_name(msg, len, rrs[j].rdata, rrs[j].rdlen, target))
            why = "malformed name in a CNAME record";
        if (why) {
            fail(out, why);
            return false;
        }
        memcpy(cur, target, sizeof target);
    }
}

/* The authority section of an answer without records (RFC 2308): its SOA
 * (the zone, and how long the negative answer may be cached), or NS
 * records without one (a referral). Advisory: a malformed record ends the
 * scan without failing the answer, whose meaning is already known. */
static void scan_authority(const uint8_t *msg, size_t len, size_t off, rdc_answer_t *out)
{
    unsigned ns = rdc_get16(msg + 8);
    bool saw_ns = false;
    for (unsigned i = 0; i < ns; i++) {
        rdc_rr_t rr;
        if (!rdc_rr_parse(msg, len, &off, &rr))
            break;
        if (rr.klass != 1)
            continue;
        if (rr.type == RDC_TYPE_NS) {
            saw_ns = true;
        } else if (rr.type == RDC_TYPE_SOA && !out->has_soa &&
                   soa_parse(msg, len, rr.rdata, rr.rdlen, &out->soa)) {
            memcpy(out->soa.owner, rr.owner, sizeof out->soa.owner);
            out->soa.ttl = rr.ttl;
            out->has_soa = true;
        }
    }
    if (out->has_soa)
        out->ttl = out->soa.ttl < out->soa.minimum ? out->soa.ttl : out->soa.minimum;
    else /* NS after a CNAME refer to the target's zone, not ours */
        out->referral = saw_ns && out->rcode == 0 && out->cname_hops == 0;
}

void rdc_answer_parse(const uint8_t *msg, size_t len, const uint8_t *qname, uint16_t qtype,
                      rdc_answer_t *out, rdc_buf_t *trace, const char *indent)
{
    static _Thread_local rr_ref_t rrs[MAXRR];
    size_t off;
    unsigned an, nrr;
    out->rcode = 0;
    out->tc = false;
    out->cname_hops = 0;
    out->dangling = false;
    out->error = NULL;
    out->oom = false;
    out->nrecords = 0;
    out->aa = false;
    out->referral = false;
    out->ttl = RDC_TTL_UNKNOWN;
    out->has_soa = false;
    rdc_name_copy(out->final_name, qname);

    if (!check_header(msg, len, qname, qtype, out, &off, &an))
        return;
    out->aa = (msg[2] & 0x04) != 0;
    if (rcode_status(out))
        return;
    bool nx = out->rcode == 3;
    /* TC (RFC 2181 §9): a required RRset did not fit. An NXDOMAIN needs
     * none - the rcode is in the header, which is never cut, and a missing
     * SOA only means it is not cached (RFC 2308 §5) - so it stands; a
     * NOERROR may lack the very records asked for, so it is no answer. */
    if (out->tc && !nx)
        return fail(out, "truncated answer (TC set): records may be missing");
    if (!scan_answers(msg, len, &off, an, qtype, out, rrs, &nrr, trace, indent) ||
        !walk_chain(msg, len, qtype, nx, rrs, nrr, out))
        return;
    if (nx) {
        out->status = RDC_DNS_NXDOMAIN;
    } else if (out->nrecords > 0) {
        out->status = RDC_DNS_OK;
    } else {
        out->status = RDC_DNS_NODATA;
        out->dangling = out->cname_hops > 0;
    }
    if (out->nrecords == 0) {
        /* the CNAMEs' TTLs do not bound a negative answer: the SOA does */
        out->ttl = RDC_TTL_UNKNOWN;
        scan_authority(msg, len, off, out);
    }
}
