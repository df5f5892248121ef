/* referral.c - a referral's delegation (RFC 1034 §4.2.1): the NS set of
 * the nearest zone cut above a name, from the answer or the authority
 * section, and the glue addresses of those servers. */
#include "dnsmsg.h"
#include "dnsrr.h"

#include <stddef.h>
#include <string.h>

/* Whether zone is name or one of its ancestors. */
static bool at_or_above(const uint8_t *name, const uint8_t *zone)
{
    for (size_t off = 0;; off += (size_t)name[off] + 1) {
        if (rdc_name_equal(name + off, zone))
            return true;
        if (name[off] == 0)
            return false;
    }
}

bool rdc_referral_parse(const uint8_t *msg, size_t len, const uint8_t *qname, rdc_referral_t *out)
{
    memset(out, 0, offsetof(rdc_referral_t, ns));
    out->nglue = 0;
    if (len < 12 || (msg[2] & 0x80) == 0 || (msg[3] & 0x0f) != 0)
        return false;
    unsigned qd = rdc_get16(msg + 4), an = rdc_get16(msg + 6), ns = rdc_get16(msg + 8),
             ar = rdc_get16(msg + 10);
    size_t off = 12;
    uint8_t name[RDC_NAME_WIRE_MAX + 1];
    for (unsigned i = 0; i < qd; i++) {
        if (!rdc_wire_name_decode(msg, len, &off, name) || off + 4 > len)
            return false;
        off += 4;
    }
    /* the NS records of one section: the answer's, else the authority's */
    bool have = false;
    for (unsigned i = 0; i < an + ns; i++) {
        rdc_rr_t rr;
        if (!rdc_rr_parse(msg, len, &off, &rr))
            return false;
        if (i == an && have)
            break; /* the answer section had them */
        if (rr.type != RDC_TYPE_NS || rr.klass != 1 || !at_or_above(qname, rr.owner))
            continue;
        if (!have) {
            memcpy(out->zone, rr.owner, sizeof out->zone);
            have = true;
        } else if (!rdc_name_equal(rr.owner, out->zone)) {
            continue;
        }
        uint8_t target[RDC_NAME_WIRE_MAX + 1];
        if (out->nns == RDC_REFERRAL_MAX_NS || !rdc_rr_name(msg, len, &rr, target))
            continue;
        bool dup = false;
        for (size_t k = 0; k < out->nns && !dup; k++)
            dup = rdc_name_equal(out->ns[k], target);
        if (!dup)
            memcpy(out->ns[out->nns++], target, sizeof out->ns[0]);
    }
    if (!have || out->nns == 0)
        return false;
    /* skip to the additional section: the authority section may be left */
    off = 12;
    for (unsigned i = 0; i < qd; i++) {
        rdc_wire_name_decode(msg, len, &off, name);
        off += 4;
    }
    for (unsigned i = 0; i < an + ns; i++) {
        rdc_rr_t rr;
        if (!rdc_rr_parse(msg, len, &off, &rr))
            return true;
    }
    /* glue: advisory, a malformed record ends the scan */
    for (unsigned i = 0; i < ar && out->nglue < RDC_REFERRAL_MAX_GLUE; i++) {
        rdc_rr_t rr;
        if (!rdc_rr_parse(msg, len, &off, &rr))
            break;
        size_t want = rr.type == RDC_TYPE_A ? 4 : rr.type == RDC_TYPE_AAAA ? 16 : 0;
        if (want == 0 || rr.klass != 1 || rr.rdlen != want)
            continue;
        for (size_t k = 0; k < out->nns; k++) {
            if (!rdc_name_equal(out->ns[k], rr.owner))
                continue;
            rdc_addr_t *a = &out->glue[out->nglue].addr;
            memset(a, 0, sizeof *a);
            a->family = want == 4 ? 4 : 6;
            memcpy(a->b, msg + rr.rdata, want);
            out->glue[out->nglue++].ns = k;
            break;
        }
    }
    return true;
}
