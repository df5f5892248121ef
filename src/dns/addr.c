/* addr.c - IP address parsing, canonical printing (RFC 5952), reverse lookup
 * names (RFC 1035 §3.5, RFC 3596 §2.5) and CIDR blocks. Pure: no sockets. */
#include "rdnscheck.h"

#include <string.h>

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Dotted quad, exactly four decimal octets. Leading zeros are refused:
 * inet_aton(3) reads "010" as octal 8, so "010.0.0.1" is ambiguous. */
static bool parse_v4(const char *s, size_t len, uint8_t out[4])
{
    size_t i = 0;
    for (int part = 0; part < 4; part++) {
        if (part > 0) {
            if (i >= len || s[i] != '.')
                return false;
            i++;
        }
        size_t start = i;
        unsigned v = 0;
        while (i < len && s[i] >= '0' && s[i] <= '9' && i - start < 4) {
            v = v * 10 + (unsigned)(s[i] - '0');
            i++;
        }
        size_t nd = i - start;
        if (nd == 0 || nd > 3 || v > 255 || (nd > 1 && s[start] == '0'))
            return false;
        out[part] = (uint8_t)v;
    }
    return i == len;
}

/* RFC 4291 §2.2 text forms, including an embedded dotted quad at the end. */
static bool parse_v6(const char *s, size_t len, uint8_t out[16])
{
    uint16_t words[8];
    int n = 0, gap = -1;
    size_t i = 0;

    if (len < 2)
        return false;
    if (s[0] == ':') {
        if (s[1] != ':')
            return false;
        gap = 0;
        i = 2;
        if (i == len)
            goto assemble;
    }
    for (;;) {
        size_t start = i;
        unsigned v = 0;
        while (i < len && hexval(s[i]) >= 0 && i - start < 5) {
            v = v * 16 + (unsigned)hexval(s[i]);
            i++;
        }
        size_t nd = i - start;
        if (i < len && s[i] == '.') {
            /* embedded IPv4 takes the last 32 bits */
            uint8_t q[4];
            if (n > 6 || !parse_v4(s + start, len - start, q))
                return false;
            words[n++] = (uint16_t)(q[0] << 8 | q[1]);
            words[n++] = (uint16_t)(q[2] << 8 | q[3]);
            i = len;
            break;
        }
        if (nd == 0 || nd > 4 || n >= 8)
            return false;
        words[n++] = (uint16_t)v;
        if (i == len)
            break;
        if (s[i] != ':')
            return false;
        i++;
        if (i < len && s[i] == ':') {
            if (gap >= 0)
                return false; /* a second "::" */
            gap = n;
            i++;
            if (i == len)
                break;
        } else if (i == len) {
            return false; /* trailing single ':' */
        }
    }
assemble:
    if (gap < 0 && n != 8)
        return false;
    if (gap >= 0 && n > 7)
        return false; /* "::" must stand for at least one group */
    memset(out, 0, 16);
    int tail = gap < 0 ? 0 : n - gap;
    int head = gap < 0 ? n : gap;
    for (int k = 0; k < head; k++) {
        out[2 * k] = (uint8_t)(words[k] >> 8);
        out[2 * k + 1] = (uint8_t)words[k];
    }
    for (int k = 0; k < tail; k++) {
        int dst = 8 - tail + k;
        out[2 * dst] = (uint8_t)(words[head + k] >> 8);
        out[2 * dst + 1] = (uint8_t)words[head + k];
    }
    return true;
}

static const uint8_t v4mapped_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

bool rdc_addr_parse(const char *s, size_t len, rdc_addr_t *out)
{
    memset(out, 0, sizeof *out);
    if (memchr(s, ':', len) == NULL) {
        out->family = 4;
        return parse_v4(s, len, out->b);
    }
    if (!parse_v6(s, len, out->b))
        return false;
    if (memcmp(out->b, v4mapped_prefix, 12) == 0) {
        /* checked as the IPv4 address, as Postfix does */
        memmove(out->b, out->b + 12, 4);
        memset(out->b + 4, 0, 12);
        out->family = 4;
    } else {
        out->family = 6;
    }
    return true;
}

static char *put_dec(char *p, unsigned v)
{
    if (v >= 100)
        *p++ = (char)('0' + v / 100);
    if (v >= 10)
        *p++ = (char)('0' + v / 10 % 10);
    *p++ = (char)('0' + v % 10);
    return p;
}

char *rdc_addr_format(const rdc_addr_t *a, char *buf)
{
    static const char hex[] = "0123456789abcdef";
    char *p = buf;
    if (a->family == 4) {
        for (int i = 0; i < 4; i++) {
            if (i)
                *p++ = '.';
            p = put_dec(p, a->b[i]);
        }
        *p = '\0';
        return buf;
    }
    unsigned w[8];
    for (int i = 0; i < 8; i++)
        w[i] = (unsigned)a->b[2 * i] << 8 | a->b[2 * i + 1];
    /* RFC 5952 §4.2: compress the longest run of two or more zero groups,
     * the first one on a tie. */
    int best = -1, bestlen = 1;
    for (int i = 0; i < 8;) {
        if (w[i] != 0) {
            i++;
            continue;
        }
        int j = i;
        while (j < 8 && w[j] == 0)
            j++;
        if (j - i > bestlen) {
            best = i;
            bestlen = j - i;
        }
        i = j;
    }
    for (int i = 0; i < 8; i++) {
        if (i == best) {
            *p++ = ':';
            if (i == 0)
                *p++ = ':';
            i += bestlen - 1;
            continue;
        }
        bool lead = true;
        for (int sh = 12; sh >= 0; sh -= 4) {
            unsigned d = (w[i] >> sh) & 0xf;
            if (d == 0 && lead && sh > 0)
                continue;
            lead = false;
            *p++ = hex[d];
        }
        if (i < 7)
            *p++ = ':';
    }
    *p = '\0';
    return buf;
}

char *rdc_addr_reverse_name(const rdc_addr_t *a, char *buf)
{
    static const char hex[] = "0123456789abcdef";
    char *p = buf;
    if (a->family == 4) {
        for (int i = 3; i >= 0; i--) {
            p = put_dec(p, a->b[i]);
            *p++ = '.';
        }
        memcpy(p, "in-addr.arpa", sizeof "in-addr.arpa");
        return buf;
    }
    for (int i = 15; i >= 0; i--) {
        *p++ = hex[a->b[i] & 0xf];
        *p++ = '.';
        *p++ = hex[a->b[i] >> 4];
        *p++ = '.';
    }
    memcpy(p, "ip6.arpa", sizeof "ip6.arpa");
    return buf;
}

bool rdc_addr_equal(const rdc_addr_t *x, const rdc_addr_t *y)
{
    return x->family == y->family && memcmp(x->b, y->b, x->family == 4 ? 4 : 16) == 0;
}

/* A special-purpose block: family, prefix bytes, prefix length, name. */
typedef struct special {
    uint8_t family;
    uint8_t b[16];
    unsigned bits;
    bool global; /* an exception inside a wider block that is not global */
    const char *what;
} special_t;

/* The IANA Special-Purpose Address Registries' entries whose "Globally
 * Reachable" is False (RFC 6890 section 2.2, RFC 8190), most specific
 * first, so the global exceptions inside 192.0.0.0/24 come before it.
 * Left out on purpose: the documentation blocks (192.0.2.0/24,
 * 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32, 3fff::/20) and the
 * benchmarking block (198.18.0.0/15, RFC 2544), which stand for public
 * addresses in examples, tests and benchmark labs, and IPv4-mapped IPv6
 * (::ffff:0:0/96), which rdc_addr_parse turns into IPv4. */
static const special_t specials[] = {
    {4, {192, 0, 0, 9}, 32, true, NULL}, /* PCP anycast (RFC 7723) */
    {4, {192, 0, 0, 10}, 32, true, NULL}, /* TURN anycast (RFC 8155) */
    {4, {0}, 8, false, "\"this network\" (RFC 791)"},
    {4, {10}, 8, false, "private (RFC 1918)"},
    {4, {100, 64}, 10, false, "shared carrier-grade NAT space (RFC 6598)"},
    {4, {127}, 8, false, "loopback (RFC 1122)"},
    {4, {169, 254}, 16, false, "link-local (RFC 3927)"},
    {4, {172, 16}, 12, false, "private (RFC 1918)"},
    {4, {192, 0, 0}, 24, false, "IETF protocol assignments (RFC 6890)"},
    {4, {192, 168}, 16, false, "private (RFC 1918)"},
    {4, {224}, 4, false, "multicast (RFC 5771)"},
    {4, {240}, 4, false, "reserved (RFC 1112) or limited broadcast (RFC 919)"},
    {6, {0}, 128, false, "the unspecified address (RFC 4291)"},
    {6, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 128, false, "loopback (RFC 4291)"},
    {6, {0, 0x64, 0xff, 0x9b, 0, 1}, 48, false, "local-use IPv4/IPv6 translation (RFC 8215)"},
    {6, {0x01, 0x00}, 64, false, "discard-only (RFC 6666)"},
    {6, {0xfc}, 7, false, "unique local (RFC 4193)"},
    {6, {0xfe, 0x80}, 10, false, "link-local (RFC 4291)"},
    {6, {0xff}, 8, false, "multicast (RFC 4291)"},
};

static bool in_block(const rdc_addr_t *a, const special_t *s)
{
    if (a->family != s->family)
        return false;
    unsigned full = s->bits / 8, rest = s->bits % 8;
    for (unsigned k = 0; k < full; k++)
        if (a->b[k] != s->b[k])
            return false;
    if (rest == 0)
        return true;
    uint8_t mask = (uint8_t)(0xffu << (8 - rest));
    return (a->b[full] & mask) == (s->b[full] & mask);
}

const char *rdc_addr_special(const rdc_addr_t *a)
{
    /* the first byte of every block above: most addresses are in none, and
     * this rules them out before the table (every checked address passes
     * here, so it is on the bulk path) */
    uint8_t b0 = a->b[0];
    if (a->family == 4 ? !(b0 == 0 || b0 == 10 || b0 == 100 || b0 == 127 || b0 == 169 ||
                           b0 == 172 || b0 == 192 || b0 >= 224)
                       : !(b0 <= 1 || b0 >= 0xfc))
        return NULL;
    for (size_t i = 0; i < sizeof specials / sizeof specials[0]; i++)
        if (in_block(a, &specials[i]))
            return specials[i].global ? NULL : specials[i].what;
    return NULL;
}

bool rdc_cidr_parse(const char *s, size_t len, rdc_cidr_t *out, const char **why)
{
    const char *dummy;
    if (why == NULL)
        why = &dummy;
    const char *slash = memchr(s, '/', len);
    if (slash == NULL) {
        *why = "no '/' prefix length";
        return false;
    }
    size_t alen = (size_t)(slash - s);
    if (!rdc_addr_parse(s, alen, &out->base)) {
        *why = "not a valid address before '/'";
        return false;
    }
    /* An IPv4-mapped block is taken as IPv4 only when it stays inside the
     * mapped range; its prefix then counts from bit 96. */
    bool mapped = out->base.family == 4 && memchr(s, ':', alen) != NULL;
    const char *d = slash + 1;
    size_t dlen = len - alen - 1;
    unsigned v = 0;
    if (dlen == 0 || dlen > 3 || (dlen > 1 && d[0] == '0')) {
        *why = "prefix length must be a decimal number without leading zeros";
        return false;
    }
    for (size_t i = 0; i < dlen; i++) {
        if (d[i] < '0' || d[i] > '9') {
            *why = "prefix length must be a decimal number without leading zeros";
            return false;
        }
        v = v * 10 + (unsigned)(d[i] - '0');
    }
    if (mapped) {
        if (v < 96 || v > 128) {
            *why = "an IPv4-mapped block needs a prefix length from 96 to 128";
            return false;
        }
        v -= 96;
    }
    unsigned bits = out->base.family == 4 ? 32 : 128;
    if (v > bits) {
        *why = out->base.family == 4 ? "IPv4 prefix length is over 32"
                                     : "IPv6 prefix length is over 128";
        return false;
    }
    out->prefix = v;
    for (unsigned bit = v; bit < bits; bit++) {
        if (out->base.b[bit / 8] & (0x80u >> (bit % 8))) {
            *why = "host bits are set after the prefix length";
            return false;
        }
    }
    return true;
}

uint64_t rdc_cidr_size(const rdc_cidr_t *c)
{
    unsigned host = (c->base.family == 4 ? 32u : 128u) - c->prefix;
    if (host >= 64)
        return UINT64_MAX;
    return (uint64_t)1 << host;
}

void rdc_cidr_nth(const rdc_cidr_t *c, uint64_t i, rdc_addr_t *out)
{
    *out = c->base;
    int k = (c->base.family == 4 ? 4 : 16) - 1;
    unsigned carry = 0;
    for (; k >= 0 && (i != 0 || carry != 0); k--) {
        unsigned sum = out->b[k] + (unsigned)(i & 0xff) + carry;
        out->b[k] = (uint8_t)sum;
        carry = sum >> 8;
        i >>= 8;
    }
}
