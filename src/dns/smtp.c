/* smtp.c - incremental parser of SMTP server replies (RFC 5321 §4.2, §4.5.3)
 * and the greeting host name. One byte at a time, so the result never depends
 * on how the network cut the stream. Pure: no sockets, no allocation. */
#include "smtp.h"

#include "rdnscheck.h"

#include <stdint.h>
#include <string.h>

void rdc_smtp_parser_init(rdc_smtp_parser_t *p)
{
    memset(p, 0, sizeof *p);
}

const char *rdc_smtp_parser_error(const rdc_smtp_parser_t *p)
{
    return p->error;
}

bool rdc_smtp_greeting_is_refusal(unsigned code)
{
    return code >= 400 && code <= 599;
}

bool rdc_smtp_code_is_temporary(unsigned code)
{
    return code >= 400 && code <= 499;
}

static bool is_digit(uint8_t c)
{
    return c >= '0' && c <= '9';
}

static bool is_blank(uint8_t c)
{
    return c == ' ' || c == '\t';
}

/* "IPv6:" prefix, case-insensitive (RFC 5321 §4.1.3: a Standardized-tag). */
static bool has_ipv6_tag(const uint8_t *s, size_t len)
{
    static const char tag[] = "ipv6:";
    if (len < sizeof tag - 1)
        return false;
    for (size_t i = 0; i < sizeof tag - 1; i++) {
        uint8_t c = s[i];
        if (c >= 'A' && c <= 'Z')
            c = (uint8_t)(c + 32);
        if (c != (uint8_t)tag[i])
            return false;
    }
    return true;
}

/* "[192.0.2.1]" or "[IPv6:2001:db8::1]" (RFC 5321 §4.1.3 address literals;
 * General-address-literals are not accepted). */
static bool is_address_literal(const uint8_t *w, size_t len)
{
    if (len < 3 || w[0] != '[' || w[len - 1] != ']')
        return false;
    const uint8_t *in = w + 1;
    size_t ilen = len - 2;
    rdc_addr_t a;
    if (has_ipv6_tag(in, ilen)) {
        in += 5;
        ilen -= 5;
        /* "[IPv6:192.0.2.1]" is no IPv6 address; "[IPv6:::ffff:192.0.2.1]" is */
        if (memchr(in, ':', ilen) == NULL)
            return false;
        return rdc_addr_parse((const char *)in, ilen, &a);
    }
    if (memchr(in, ':', ilen) != NULL)
        return false; /* an IPv6 address needs its tag */
    return rdc_addr_parse((const char *)in, ilen, &a) && a.family == 4;
}

/* Fills r->host from the first word of the first line's text. */
static void extract_host(rdc_smtp_reply_t *r, const uint8_t *text, size_t len)
{
    size_t i = 0;
    r->host[0] = '\0';
    while (i < len && is_blank(text[i]))
        i++;
    size_t start = i;
    while (i < len && !is_blank(text[i]))
        i++;
    size_t wlen = i - start;
    const uint8_t *w = text + start;
    if (wlen == 0 || wlen >= RDC_SMTP_HOST_MAX)
        return;
    bool ok = is_address_literal(w, wlen);
    if (!ok) {
        uint8_t wire[RDC_NAME_WIRE_MAX];
        ok = rdc_name_from_text((const char *)w, wlen, wire, NULL) && rdc_name_is_hostname(wire);
    }
    if (ok) {
        memcpy(r->host, w, wlen); /* only LDH, dots, brackets, ':' here */
        r->host[wlen] = '\0';
    }
}

static rdc_smtp_status_t fail(rdc_smtp_parser_t *p, const char *why, size_t consumed, size_t *used)
{
    p->error = why;
    if (used != NULL)
        *used = consumed;
    return RDC_SMTP_BAD;
}

/* A complete line of p->len bytes (the LF not stored). Returns MORE for a
 * continuation line, DONE for the last line, BAD with p->error set. */
static rdc_smtp_status_t end_line(rdc_smtp_parser_t *p)
{
    size_t len = p->len;
    p->len = 0;
    if (len > 0 && p->line[len - 1] == '\r')
        len--;
    if (len > RDC_SMTP_LINE_MAX) {
        p->error = "line too long";
        return RDC_SMTP_BAD;
    }
    if (len < 3) {
        p->error = "reply line without a 3-digit code";
        return RDC_SMTP_BAD;
    }
    /* the digits and the code's consistency were checked as they arrived */
    bool last;
    if (len == 3 || p->line[3] == ' ')
        last = true;
    else if (p->line[3] == '-')
        last = false;
    else {
        p->error = "bad separator after the reply code";
        return RDC_SMTP_BAD;
    }
    rdc_smtp_reply_t *r = &p->reply;
    if (r->nlines == 0) {
        const uint8_t *text = p->line + 4;
        size_t tlen = len > 4 ? len - 4 : 0;
        rdc_escape_banner(text, tlen, r->text, sizeof r->text);
        extract_host(r, text, tlen);
    }
    r->nlines++;
    return last ? RDC_SMTP_DONE : RDC_SMTP_MORE;
}

/* Checks byte c arriving at position p->len of a line; NULL when fine. */
static const char *check_byte(rdc_smtp_parser_t *p, uint8_t c)
{
    rdc_smtp_reply_t *r = &p->reply;
    switch (p->len) {
    case 0:
        if (r->nlines >= RDC_SMTP_LINES_MAX)
            return "reply of more than 1000 lines";
        return c >= '2' && c <= '5' ? NULL : "bad reply code";
    case 1:
        return is_digit(c) ? NULL : "bad reply code";
    case 2: {
        if (!is_digit(c))
            return "bad reply code";
        unsigned code = (unsigned)(p->line[0] - '0') * 100 + (unsigned)(p->line[1] - '0') * 10 +
                        (unsigned)(c - '0');
        if (r->nlines == 0)
            r->code = code;
        else if (code != r->code)
            return "inconsistent reply codes";
        return NULL;
    }
    case 3:
        /* '\r' may start the CRLF of a code-only line; end_line() checks */
        return c == ' ' || c == '-' || c == '\r' ? NULL : "bad separator after the reply code";
    default:
        /* room for RDC_SMTP_LINE_MAX bytes and the CR of a CRLF */
        if (p->len > RDC_SMTP_LINE_MAX || (p->len == RDC_SMTP_LINE_MAX && c != '\r'))
            return "line too long";
        return NULL;
    }
}

rdc_smtp_status_t rdc_smtp_feed(rdc_smtp_parser_t *p, const void *data, size_t n, size_t *used,
                                rdc_smtp_reply_t *out)
{
    const uint8_t *d = data;
    if (used != NULL)
        *used = 0;
    if (p->error != NULL)
        return RDC_SMTP_BAD;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = d[i];
        if (p->bytes >= RDC_SMTP_REPLY_MAX)
            return fail(p, "reply longer than 65536 bytes", i + 1, used);
        p->bytes++;
        if (c == '\n') {
            rdc_smtp_status_t st = end_line(p);
            if (st == RDC_SMTP_BAD)
                return fail(p, p->error, i + 1, used);
            if (st == RDC_SMTP_DONE) {
                *out = p->reply;
                rdc_smtp_parser_init(p);
                if (used != NULL)
                    *used = i + 1;
                return RDC_SMTP_DONE;
            }
            continue;
        }
        const char *why = check_byte(p, c);
        if (why != NULL)
            return fail(p, why, i + 1, used);
        p->line[p->len++] = c;
    }
    if (used != NULL)
        *used = n;
    return RDC_SMTP_MORE;
}
