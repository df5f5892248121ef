/* mailcheck.c - pure rules for the mail-specific checks: the HELO name
 * (RFC 5321 §2.3.5, §4.1.4) and DNSBL answers (RFC 5782). No sockets. */
#include "mailcheck.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

rdc_dnsbl_state_t rdc_dnsbl_classify(rdc_dns_status_t status, const rdc_addr_t *codes,
                                     size_t ncodes, const char **why)
{
    const char *dummy;
    if (why == NULL)
        why = &dummy;
    *why = NULL;
    if (status == RDC_DNS_NXDOMAIN || status == RDC_DNS_NODATA)
        return RDC_BL_CLEAN;
    if (status != RDC_DNS_OK)
        return RDC_BL_TEMP;
    bool listed = false;
    for (size_t i = 0; i < ncodes; i++) {
        const uint8_t *b = codes[i].b;
        if (codes[i].family != 4 || b[0] != 127) {
            *why = "an answer outside 127.0.0.0/8: the resolver rewrites NXDOMAIN (use one "
                   "that does not, e.g. your own)";
            return RDC_BL_BAD;
        }
        if (b[1] == 255 && b[2] == 255) {
            *why = b[3] == 254   ? "127.255.255.254: the list refuses queries through public or "
                                   "open resolvers; query it through your own resolver"
                   : b[3] == 255 ? "127.255.255.255: over the list's query limit"
                   : b[3] == 252 ? "127.255.255.252: the list says the query name is malformed"
                                 : "127.255.255.0/24: an error code of the list, not a listing";
            return RDC_BL_BAD;
        }
        if (b[1] == 0 && b[2] == 0 && b[3] == 1) {
            *why = "127.0.0.1: never a listing (RFC 5782 section 2.1); the list or the "
                   "resolver is misconfigured";
            return RDC_BL_BAD;
        }
        listed = true;
    }
    return listed ? RDC_BL_LISTED : RDC_BL_CLEAN;
}

bool rdc_dnsbl_query_name(const rdc_addr_t *a, const char *zone, char *buf)
{
    char rev[RDC_REVNAME_MAX];
    rdc_addr_reverse_name(a, rev);
    /* drop ".in-addr.arpa" / ".ip6.arpa" */
    size_t keep = strlen(rev) - (a->family == 4 ? strlen(".in-addr.arpa") : strlen(".ip6.arpa"));
    size_t zl = strlen(zone);
    while (zl > 0 && zone[zl - 1] == '.')
        zl--;
    if (keep + 1 + zl > 253)
        return false;
    memcpy(buf, rev, keep);
    buf[keep] = '.';
    memcpy(buf + keep + 1, zone, zl);
    buf[keep + 1 + zl] = '\0';
    return true;
}

static bool ends_with_label(const char *name, size_t len, const char *label)
{
    size_t ll = strlen(label);
    return len > ll && name[len - ll - 1] == '.' && strncasecmp(name + len - ll, label, ll) == 0;
}

rdc_name_kind_t rdc_helo_parse(const char *name, uint8_t *wire, rdc_addr_t *lit, const char **why)
{
    size_t len = strlen(name);
    if (len > 2 && name[0] == '[' && name[len - 1] == ']') {
        /* RFC 5321 §4.1.3 address literal */
        const char *in = name + 1;
        size_t n = len - 2;
        if (n > 5 && strncasecmp(in, "IPv6:", 5) == 0) {
            in += 5;
            n -= 5;
            if (rdc_addr_parse(in, n, lit) && lit->family == 6)
                return RDC_NAME_LITERAL;
        } else if (memchr(in, ':', n) == NULL && rdc_addr_parse(in, n, lit)) {
            return RDC_NAME_LITERAL;
        }
        *why = "not a valid address literal ([192.0.2.1] or [IPv6:2001:db8::1])";
        return RDC_NAME_INVALID;
    }
    if (len > 0 && name[len - 1] == '.')
        len--;
    if (rdc_addr_parse(name, len, lit)) {
        *why = "a bare IP address; RFC 5321 wants a host name or an address literal in "
               "brackets";
        return RDC_NAME_INVALID;
    }
    if (memchr(name, '.', len) == NULL) {
        *why = "no dot: not a fully qualified host name";
        return RDC_NAME_INVALID;
    }
    static const char *const local[] = {"local",    "lan",      "localdomain",
                                        "home",     "internal", "localhost",
                                        "intranet", "corp",     "private"};
    for (size_t i = 0; i < sizeof local / sizeof local[0]; i++) {
        if (ends_with_label(name, len, local[i])) {
            *why = "a private name (.local, .lan, ...) that nobody else can resolve";
            return RDC_NAME_INVALID;
        }
    }
    if (!rdc_name_from_text(name, len, wire, why))
        return RDC_NAME_INVALID;
    if (!rdc_name_is_hostname(wire)) {
        *why = "not a host name (labels must not start or end with '-', the last must not be "
               "all digits)";
        return RDC_NAME_INVALID;
    }
    return RDC_NAME_CHECKED;
}
