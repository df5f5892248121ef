/* dnsrr.c - reading resource records (RFC 1035 §4.1.3-4): the wire-name
 * decoder, with one policy for hostile data (loops and forward pointers
 * refused, odd octets kept and escaped), an RR's fixed part, rdata names,
 * type and rcode names, and a record's -v trace line. */
#include "dnsrr.h"

#include <stdio.h>
#include <string.h>

bool rdc_wire_name_decode(const uint8_t *msg, size_t len, size_t *off, uint8_t *out)
{
    size_t pos = *off, outlen = 0;
    size_t end = 0; /* where the name ends in the message, once known */
    size_t limit = pos; /* a pointer must point before this */
    int hops = 0;
    for (;;) {
        if (pos >= len)
            return false;
        uint8_t c = msg[pos];
        if ((c & 0xc0) == 0xc0) {
            if (pos + 1 >= len)
                return false;
            size_t target = (size_t)(c & 0x3f) << 8 | msg[pos + 1];
            if (end == 0)
                end = pos + 2;
            /* RFC 1035 §4.1.4: pointers point at a prior occurrence. */
            if (target >= limit || ++hops > 64)
                return false;
            pos = target;
            limit = target;
            continue;
        }
        if ((c & 0xc0) != 0)
            return false; /* 0x40/0x80: obsolete or undefined label types */
        if (c == 0) {
            if (outlen + 1 > RDC_NAME_WIRE_MAX)
                return false;
            out[outlen] = 0;
            *off = end ? end : pos + 1;
            return true;
        }
        if (pos + 1 + c > len || outlen + 1 + c + 1 > RDC_NAME_WIRE_MAX)
            return false;
        memcpy(out + outlen, msg + pos, (size_t)c + 1);
        outlen += (size_t)c + 1;
        pos += (size_t)c + 1;
    }
}

const char *rdc_type_name(uint16_t type, char *buf)
{
    switch (type) {
    case RDC_TYPE_A:
        return "A";
    case RDC_TYPE_CNAME:
        return "CNAME";
    case RDC_TYPE_PTR:
        return "PTR";
    case RDC_TYPE_TXT:
        return "TXT";
    case RDC_TYPE_AAAA:
        return "AAAA";
    case 2:
        return "NS";
    case 6:
        return "SOA";
    case 15:
        return "MX";
    case 41:
        return "OPT";
    default:
        snprintf(buf, 16, "TYPE%u", type);
        return buf;
    }
}

const char *rdc_rcode_name(unsigned rcode, char *buf)
{
    static const char *const names[] = {"NOERROR",  "FORMERR", "SERVFAIL",
                                        "NXDOMAIN", "NOTIMP",  "REFUSED"};
    if (rcode < sizeof names / sizeof names[0])
        return names[rcode];
    snprintf(buf, 16, "RCODE%u", rcode);
    return buf;
}

bool rdc_rr_parse(const uint8_t *msg, size_t len, size_t *off, rdc_rr_t *rr)
{
    rr->owner_off = *off;
    if (!rdc_wire_name_decode(msg, len, off, rr->owner))
        return false;
    if (*off + 10 > len)
        return false;
    rr->type = rdc_get16(msg + *off);
    rr->klass = rdc_get16(msg + *off + 2);
    rr->ttl = rdc_get32(msg + *off + 4);
    rr->rdlen = rdc_get16(msg + *off + 8);
    rr->rdata = *off + 10;
    if (rr->rdata + rr->rdlen > len)
        return false;
    *off = rr->rdata + rr->rdlen;
    return true;
}

bool rdc_rdata_name(const uint8_t *msg, size_t len, size_t rdata, size_t rdlen, uint8_t *out)
{
    size_t p = rdata;
    return rdc_wire_name_decode(msg, len, &p, out) && p == rdata + rdlen;
}

bool rdc_rr_name(const uint8_t *msg, size_t len, const rdc_rr_t *rr, uint8_t *out)
{
    return rdc_rdata_name(msg, len, rr->rdata, rr->rdlen, out);
}

void rdc_rr_trace(rdc_buf_t *t, const char *indent, const uint8_t *msg, size_t len,
                  const rdc_rr_t *rr)
{
    char owner[RDC_NAME_TEXT_MAX], data[RDC_NAME_TEXT_MAX], tb[16];
    uint8_t name[RDC_NAME_WIRE_MAX + 1];
    size_t on = rdc_name_to_text(rr->owner, owner);
    if (rr->owner[0] != 0) {
        owner[on] = '.'; /* absolute, like the rdata names */
        owner[on + 1] = '\0';
    }
    if ((rr->type == RDC_TYPE_PTR || rr->type == RDC_TYPE_CNAME) &&
        rdc_rr_name(msg, len, rr, name)) {
        size_t n = rdc_name_to_text(name, data);
        if (name[0] != 0) {
            data[n] = '.';
            data[n + 1] = '\0';
        }
    } else if (rr->type == RDC_TYPE_A && rr->rdlen == 4) {
        rdc_addr_t a = {.family = 4};
        memcpy(a.b, msg + rr->rdata, 4);
        rdc_addr_format(&a, data);
    } else if (rr->type == RDC_TYPE_AAAA && rr->rdlen == 16) {
        rdc_addr_t a = {.family = 6};
        memcpy(a.b, msg + rr->rdata, 16);
        rdc_addr_format(&a, data);
    } else if (rr->type == RDC_TYPE_MX && rr->rdlen >= 3 &&
               rdc_rdata_name(msg, len, rr->rdata + 2, rr->rdlen - 2u, name)) {
        int n = snprintf(data, sizeof data, "%u ", rdc_get16(msg + rr->rdata));
        size_t m = rdc_name_to_text(name, data + n);
        if (name[0] != 0) {
            data[(size_t)n + m] = '.';
            data[(size_t)n + m + 1] = '\0';
        }
    } else if (rr->type == RDC_TYPE_TXT && rr->rdlen > 0) {
        /* the first character-string, quoted as in a zone file: spaces
         * kept, '"' and '\\' escaped, other odd bytes as \DDD */
        size_t n = msg[rr->rdata] < rr->rdlen ? msg[rr->rdata] : rr->rdlen - 1u;
        char *p = data;
        *p++ = '"';
        for (size_t i = 0; i < n && p < data + 200; i++) {
            uint8_t c = msg[rr->rdata + 1 + i];
            if (c == '"' || c == '\\') {
                *p++ = '\\';
                *p++ = (char)c;
            } else if (c < 0x20 || c > 0x7e) {
                p += snprintf(p, 5, "\\%03u", c);
            } else {
                *p++ = (char)c;
            }
        }
        *p++ = '"';
        *p = '\0';
    } else {
        snprintf(data, sizeof data, "(%zu octets)", rr->rdlen);
    }
    rdc_buf_printf(t, "%s%s %lu %s %s\n", indent, owner, (unsigned long)rr->ttl,
                   rdc_type_name(rr->type, tb), data);
}
