/* generic.c - decides whether a PTR name looks machine-generated for its
 * address (the address's digits, its hex form, access-network words), with
 * mail-role words as counter-signals. The rules are in generic.h. Pure. */
#include "generic.h"
#include "psl.h"
#include "util.h"

#include <stdbool.h>
#include <string.h>

#define MAX_LABELS 128 /* 255 octets hold at most 127 one-octet labels */
#define MAX_TOKENS 256 /* every token is at least one octet of the host part */

/* The host part of a name: its labels left of the registrable domain, joined
 * by '.', as raw bytes (not NUL-terminated; may hold any byte). */
typedef struct host {
    char s[RDC_NAME_WIRE_MAX];
    size_t n;
} host_t;

/* A run of letters or a run of digits in the host part. */
typedef struct token {
    size_t start, len;
    bool alpha;
} token_t;

/* Words of access networks. A strong one marks a name alone; a weak one
 * (common in names people choose: host65, ip1, client) only adds to the
 * address's digits (the last-three-octets rule). */
static const char *const access_words[] = {
    "dyn",  "dynamic", "dhcp",   "pool",   "dsl",       "adsl",     "vdsl",
    "xdsl", "cable",   "catv",   "docsis", "cpe",       "ppp",      "pppoe",
    "dial", "dialup",  "modem",  "isdn",   "broadband", "wireless", "gprs",
    "cdma", "lte",     "mobile", "ftth",   "fiber",     "fibre",    "resnet",
};

static const char *const weak_words[] = {
    "nat", "client", "clients", "cust", "customer", "user", "users", "host", "hosts", "ip", "res",
};

static const char *const mail_words[] = {
    "mail", "mx", "smtp", "out", "outbound", "relay", "mta", "email", "mailout", "mailer",
};

static const char *const static_words[] = {
    "static", "fixed", "fixip", "business", "biz",
};

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_hex(char c)
{
    char l = rdc_lower(c);
    return is_digit(c) || (l >= 'a' && l <= 'f');
}

static int hex_value(char c)
{
    char l = rdc_lower(c);
    return is_digit(c) ? c - '0' : l - 'a' + 10;
}

/* Case-insensitive comparison of n bytes of s with the lowercase string w. */
static bool equal_ci(const char *s, size_t n, const char *w)
{
    if (strlen(w) != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (rdc_lower(s[i]) != w[i])
            return false;
    return true;
}

static const char *find_word(const char *s, size_t n, const char *const *list, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (equal_ci(s, n, list[i]))
            return list[i];
    return NULL;
}

/* Offsets of the labels of wire; false when the name is malformed. Reads no
 * byte past the root label and none beyond RDC_NAME_WIRE_MAX. */
static bool split_labels(const uint8_t *wire, size_t off[MAX_LABELS], size_t *nlabels)
{
    size_t p = 0, n = 0;
    for (;;) {
        uint8_t len = wire[p];
        if (len == 0)
            break;
        /* the label and a root label after it must fit in the maximum */
        if (len > 63 || p + len + 2 > RDC_NAME_WIRE_MAX || n >= MAX_LABELS)
            return false;
        off[n++] = p;
        p += 1u + len;
    }
    *nlabels = n;
    return true;
}

static bool is_ldh(uint8_t c)
{
    return is_alpha((char)c) || is_digit((char)c) || c == '-' || c == '_';
}

/* How many trailing labels are not the host part (rule 1): the registrable
 * domain under an ICANN public suffix, a private public suffix alone, by
 * the Public Suffix List (psl.h); in the reverse tree, in-addr.arpa or
 * ip6.arpa (each label there is one of the address). */
static size_t registrable_labels(const uint8_t *wire, const size_t *off, size_t nlabels)
{
    if (rdc_name_is_reverse(wire))
        return 2;
    /* the name as the list's lookups take it: lower case, dotted; a label
     * that is no LDH label matches no rule of the list but a wildcard */
    char text[RDC_NAME_WIRE_MAX + 1];
    size_t n = 0;
    for (size_t i = 0; i < nlabels; i++) {
        const uint8_t *l = wire + off[i];
        bool ldh = true;
        for (size_t k = 1; k <= l[0]; k++)
            ldh = ldh && is_ldh(l[k]);
        if (i > 0)
            text[n++] = '.';
        if (!ldh) {
            text[n++] = '#';
            continue;
        }
        for (size_t k = 1; k <= l[0]; k++)
            text[n++] = rdc_lower((char)l[k]);
    }
    text[n] = '\0';
    size_t icann, any;
    rdc_psl_suffixes(text, &icann, &any);
    /* a longer suffix from the private section: the platform hands out the
     * labels in front of it (per customer or per machine), so they all
     * count; unless the name is such a suffix itself (a wildcard such as
     * *.compute-1.amazonaws.com), where only the ICANN section tells */
    if (any > icann && any < nlabels)
        return any;
    return icann + 1;
}

static size_t tokenize(const host_t *h, token_t *tok)
{
    size_t nt = 0, i = 0;
    while (i < h->n) {
        bool alpha = is_alpha(h->s[i]);
        if (!alpha && !is_digit(h->s[i])) {
            i++;
            continue;
        }
        size_t start = i;
        while (i < h->n && (alpha ? is_alpha(h->s[i]) : is_digit(h->s[i])))
            i++;
        tok[nt++] = (token_t){start, i - start, alpha};
    }
    return nt;
}

/* The words of the host part that matter: the first of each class. */
typedef struct words {
    const char *access, *mail, *fixed, *weak;
} words_t;

static words_t scan_words(const host_t *h)
{
    token_t tok[MAX_TOKENS];
    size_t nt = tokenize(h, tok);
    words_t w = {NULL, NULL, NULL, NULL};
    for (size_t i = 0; i < nt; i++) {
        if (!tok[i].alpha)
            continue;
        const char *s = h->s + tok[i].start;
        size_t n = tok[i].len;
        const char *m;
        if (!w.mail && (m = find_word(s, n, mail_words, sizeof mail_words / sizeof *mail_words)))
            w.mail = m;
        if (!w.fixed &&
            (m = find_word(s, n, static_words, sizeof static_words / sizeof *static_words)))
            w.fixed = m;
        if (!w.access &&
            (m = find_word(s, n, access_words, sizeof access_words / sizeof *access_words)))
            w.access = m;
        if (!w.weak && (m = find_word(s, n, weak_words, sizeof weak_words / sizeof *weak_words)))
            w.weak = m;
        /* "in-addr": two tokens with one separator between them */
        if (!w.access && i + 1 < nt && equal_ci(s, n, "in") && tok[i + 1].alpha &&
            tok[i + 1].start == tok[i].start + n + 1 &&
            equal_ci(h->s + tok[i + 1].start, tok[i + 1].len, "addr"))
            w.access = "in-addr";
    }
    return w;
}

/* A found signal: where in the host part, and how to describe it. */
typedef struct match {
    size_t start, len;
    const char *what; /* "the address", "the last three octets of", ... */
    bool partial; /* the last three octets, found next to an access word */
} match_t;

/* Finds pattern pat (lowercase) in h, ignoring case, with no byte for which
 * bad() holds right before or after it. */
static bool find_bounded(const host_t *h, const char *pat, bool (*bad)(char), size_t *at)
{
    size_t n = strlen(pat);
    for (size_t i = 0; n > 0 && i + n <= h->n; i++) {
        if (i > 0 && bad(h->s[i - 1]))
            continue;
        if (i + n < h->n && bad(h->s[i + n]))
            continue;
        if (equal_ci(h->s + i, n, pat)) {
            *at = i;
            return true;
        }
    }
    return false;
}

/* The octets oct[0..count) written with separator sep ('\0' for none),
 * each zero-padded to three digits when padded. */
static void octet_pattern(char *out, const uint8_t *oct, size_t count, char sep, bool padded)
{
    char *p = out;
    for (size_t i = 0; i < count; i++) {
        if (i > 0 && sep)
            *p++ = sep;
        unsigned v = oct[i];
        if (padded || v >= 100)
            *p++ = (char)('0' + v / 100);
        if (padded || v >= 10)
            *p++ = (char)('0' + v / 10 % 10);
        *p++ = (char)('0' + v % 10);
    }
    *p = '\0';
}

static const char separators[] = {'-', '.', '_', 'x', '\0'};

/* Rule 4 for IPv4: `count` octets (4, or the last 3), in the order given
 * or reversed. */
static bool find_octets(const host_t *h, const uint8_t *oct, size_t count, bool reverse, match_t *m)
{
    uint8_t o[4];
    for (size_t i = 0; i < count; i++)
        o[i] = reverse ? oct[count - 1 - i] : oct[i];
    for (size_t s = 0; s < sizeof separators; s++) {
        for (int padded = 0; padded < 2; padded++) {
            /* three plain octets run together ("021") are too weak */
            if (count < 4 && !padded && !separators[s])
                continue;
            char pat[16];
            octet_pattern(pat, o, count, separators[s], padded);
            if (find_bounded(h, pat, is_digit, &m->start)) {
                m->len = strlen(pat);
                return true;
            }
        }
    }
    return false;
}

/* Rule 4 for IPv6: the last four groups joined by '-'. */
static bool find_groups(const host_t *h, const uint8_t *b, match_t *m)
{
    for (size_t i = 0; i < h->n; i++) {
        if (i > 0 && is_hex(h->s[i - 1]))
            continue;
        size_t p = i;
        int g;
        for (g = 0; g < 4; g++) {
            if (g > 0) {
                if (p >= h->n || h->s[p] != '-')
                    break;
                p++;
            }
            size_t start = p;
            unsigned v = 0;
            while (p < h->n && is_hex(h->s[p]) && p - start < 5) {
                v = v * 16 + (unsigned)hex_value(h->s[p]);
                p++;
            }
            unsigned want = (unsigned)b[8 + 2 * g] << 8 | b[9 + 2 * g];
            if (p == start || p - start > 4 || v != want)
                break;
        }
        if (g == 4 && (p >= h->n || !is_hex(h->s[p]))) {
            m->start = i;
            m->len = p - i;
            return true;
        }
    }
    return false;
}

static void hex_string(char *out, const uint8_t *b, size_t nbytes)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < nbytes; i++) {
        *out++ = digits[b[i] >> 4];
        *out++ = digits[b[i] & 15];
    }
    *out = '\0';
}

static bool not_dot(char c)
{
    return c != '.';
}

/* Rule 5: the address as a run of hex digits. */
static bool find_hex(const host_t *h, const rdc_addr_t *a, match_t *m)
{
    char pat[64];
    if (a->family == 4) {
        hex_string(pat, a->b, 4);
        m->what = "the address";
        if (find_bounded(h, pat, is_hex, &m->start)) {
            m->len = 8;
            return true;
        }
        return false;
    }
    hex_string(pat, a->b, 16);
    m->what = "the address";
    if (find_bounded(h, pat, is_hex, &m->start)) {
        m->len = 32;
        return true;
    }
    m->what = "the last 64 bits of";
    if (find_bounded(h, pat + 16, is_hex, &m->start)) {
        m->len = 16;
        return true;
    }
    /* the ip6.arpa form: 32 nibbles, least significant first, dotted */
    char rev[64];
    for (size_t i = 0; i < 32; i++) {
        rev[2 * i] = pat[31 - i];
        rev[2 * i + 1] = '.';
    }
    rev[63] = '\0';
    m->what = "the address";
    if (find_bounded(h, rev, not_dot, &m->start)) {
        m->len = 63;
        return true;
    }
    return false;
}

/* Rule 4: the address in its own notation. */
static bool find_digits(const host_t *h, const rdc_addr_t *a, const words_t *w, match_t *m)
{
    m->what = "the address";
    if (a->family == 6) {
        m->what = "the last four groups of";
        return find_groups(h, a->b, m);
    }
    if (find_octets(h, a->b, 4, false, m) || find_octets(h, a->b, 4, true, m))
        return true;
    m->what = "the last three octets of";
    if ((w->access || w->weak) && find_octets(h, a->b + 1, 3, false, m)) {
        m->partial = true;
        return true;
    }
    return false;
}

/* A bounded, always NUL-terminated string being written (cap >= 1). */
typedef struct out {
    char *s;
    size_t cap, len;
} out_t;

static void put(out_t *o, const char *s, size_t n)
{
    for (size_t i = 0; i < n && o->len + 1 < o->cap; i++)
        o->s[o->len++] = s[i];
    o->s[o->len] = '\0';
}

static void puts_out(out_t *o, const char *s)
{
    put(o, s, strlen(s));
}

static void explain(char *why, size_t whylen, rdc_generic_t g, const host_t *h, const rdc_addr_t *a,
                    const words_t *w, const match_t *m)
{
    if (!why || whylen == 0)
        return;
    out_t o = {why, whylen < RDC_GENERIC_WHY_MAX ? whylen : RDC_GENERIC_WHY_MAX, 0};
    put(&o, "", 0);
    if (g == RDC_GENERIC_NO)
        return;
    if (g == RDC_GENERIC_WORD) {
        puts_out(&o, "it has the access-network word '");
        puts_out(&o, w->access);
        puts_out(&o, "'");
        return;
    }
    char addr[RDC_ADDR_TEXT_MAX];
    rdc_addr_format(a, addr);
    puts_out(&o, "it embeds ");
    puts_out(&o, m->what);
    puts_out(&o, " ");
    puts_out(&o, addr);
    if (g == RDC_GENERIC_IP_HEX)
        puts_out(&o, " in hex");
    if (m->len == 63) {
        puts_out(&o, " (as reversed nibbles)");
    } else { /* the match holds only hex digits and separators: printable */
        puts_out(&o, " (as ");
        put(&o, h->s + m->start, m->len);
        puts_out(&o, ")");
    }
    if (m->partial) {
        puts_out(&o, " next to the access-network word '");
        puts_out(&o, w->access ? w->access : w->weak);
        puts_out(&o, "'");
    } else if (w->fixed) {
        puts_out(&o, "; provider-generated despite the word '");
        puts_out(&o, w->fixed);
        puts_out(&o, "'");
    }
}

rdc_generic_t rdc_generic_name(const uint8_t *wire, const rdc_addr_t *a, char *why, size_t whylen)
{
    rdc_generic_t g = RDC_GENERIC_NO;
    host_t h = {.n = 0};
    words_t w = {NULL, NULL, NULL, NULL};
    match_t m = {0, 0, "", false};
    size_t off[MAX_LABELS], nlabels = 0;

    if (!wire || !split_labels(wire, off, &nlabels))
        goto done;
    size_t reg = registrable_labels(wire, off, nlabels);
    if (nlabels <= reg)
        goto done;
    for (size_t i = 0; i < nlabels - reg; i++) {
        size_t len = wire[off[i]];
        if (i > 0)
            h.s[h.n++] = '.';
        memcpy(h.s + h.n, wire + off[i] + 1, len);
        h.n += len;
    }
    w = scan_words(&h);
    if (w.mail)
        goto done;
    if (a && (a->family == 4 || a->family == 6)) {
        if (find_digits(&h, a, &w, &m)) {
            g = RDC_GENERIC_IP_DIGITS;
            goto done;
        }
        if (find_hex(&h, a, &m)) {
            g = RDC_GENERIC_IP_HEX;
            goto done;
        }
    }
    if (w.access && !w.fixed)
        g = RDC_GENERIC_WORD;
done:
    explain(why, whylen, g, &h, a, &w, &m);
    return g;
}

const char *rdc_generic_kind_name(rdc_generic_t g)
{
    switch (g) {
    case RDC_GENERIC_NO:
        return "no";
    case RDC_GENERIC_IP_DIGITS:
        return "ip-digits";
    case RDC_GENERIC_IP_HEX:
        return "ip-hex";
    case RDC_GENERIC_WORD:
        return "word";
    }
    return "no";
}
