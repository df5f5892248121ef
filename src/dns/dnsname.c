/* dnsname.c - DNS names in wire form: presentation escaping of untrusted
 * octets (RFC 1035 §5.1), host name rules (RFC 952, RFC 1123 §2.1) and
 * case-insensitive comparison (RFC 4343). Pure: no sockets. */
#include "dnsmsg.h"
#include "rdnscheck.h"
#include "util.h"

#include <string.h>

static uint8_t lower(uint8_t c)
{
    return (uint8_t)rdc_lower((char)c);
}

static char *put_text(char *p, uint8_t c)
{
    if (c < 0x20 || c > 0x7e) {
        *p++ = '\\';
        *p++ = (char)('0' + c / 100);
        *p++ = (char)('0' + c / 10 % 10);
        *p++ = (char)('0' + c % 10);
    } else if (c == '\\') {
        *p++ = '\\';
        *p++ = '\\';
    } else {
        *p++ = (char)c;
    }
    return p;
}

static char *put_escaped(char *p, uint8_t c, bool in_label)
{
    if (c < 0x21 || c > 0x7e) {
        *p++ = '\\';
        *p++ = (char)('0' + c / 100);
        *p++ = (char)('0' + c / 10 % 10);
        *p++ = (char)('0' + c % 10);
    } else if (c == '"' || c == '\\' || c == ';' || (in_label && c == '.')) {
        *p++ = '\\';
        *p++ = (char)c;
    } else {
        *p++ = (char)c;
    }
    return p;
}

size_t rdc_name_to_text(const uint8_t *wire, char *buf)
{
    char *p = buf;
    size_t used = 0;
    if (wire[0] == 0) {
        buf[0] = '.';
        buf[1] = '\0';
        return 1;
    }
    while (wire[used] != 0 && used < RDC_NAME_WIRE_MAX) {
        uint8_t n = wire[used];
        if (p != buf)
            *p++ = '.';
        for (uint8_t k = 1; k <= n; k++)
            p = put_escaped(p, wire[used + k], true);
        used += (size_t)n + 1;
    }
    *p = '\0';
    return (size_t)(p - buf);
}

typedef enum esc_mode { ESC_BYTES, ESC_TEXT, ESC_BANNER } esc_mode_t;

static char *put_mode(char *p, uint8_t c, esc_mode_t mode)
{
    if (mode == ESC_TEXT)
        return put_text(p, c);
    if (mode == ESC_BANNER && c == ' ') {
        *p++ = ' ';
        return p;
    }
    return put_escaped(p, c, false);
}

/* The one escaping loop: when the result does not fit in cap bytes (with
 * its NUL) it is cut, with "..." at the end. */
static size_t escape_with(const void *data, size_t len, char *buf, size_t cap, esc_mode_t mode)
{
    const uint8_t *s = data;
    char tmp[4];
    size_t need = 0;
    for (size_t i = 0; i < len; i++)
        need += (size_t)(put_mode(tmp, s[i], mode) - tmp);
    /* everything fits: no ellipsis; otherwise keep room for "..." */
    size_t room = need + 1 <= cap ? cap - 1 : cap - 4;
    char *p = buf;
    for (size_t i = 0; i < len; i++) {
        size_t n = (size_t)(put_mode(tmp, s[i], mode) - tmp);
        if ((size_t)(p - buf) + n > room)
            break;
        memcpy(p, tmp, n);
        p += n;
    }
    if (need + 1 > cap) {
        memcpy(p, "...", 3);
        p += 3;
    }
    *p = '\0';
    return (size_t)(p - buf);
}

size_t rdc_escape_bytes(const void *data, size_t len, char *buf, size_t cap)
{
    return escape_with(data, len, buf, cap, ESC_BYTES);
}

size_t rdc_escape_text(const void *data, size_t len, char *buf, size_t cap)
{
    return escape_with(data, len, buf, cap, ESC_TEXT);
}

size_t rdc_escape_banner(const void *data, size_t len, char *buf, size_t cap)
{
    return escape_with(data, len, buf, cap, ESC_BANNER);
}

static bool is_ldh(uint8_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
}

bool rdc_name_is_hostname(const uint8_t *wire)
{
    size_t off = 0;
    int labels = 0;
    bool last_numeric = false;
    while (wire[off] != 0) {
        uint8_t n = wire[off];
        if (n > 63)
            return false;
        const uint8_t *l = wire + off + 1;
        if (l[0] == '-' || l[n - 1] == '-')
            return false;
        last_numeric = true;
        for (uint8_t k = 0; k < n; k++) {
            if (!is_ldh(l[k]))
                return false;
            if (l[k] < '0' || l[k] > '9')
                last_numeric = false;
        }
        labels++;
        off += (size_t)n + 1;
    }
    /* A top-level label is never all digits (RFC 3696 §2); such a name is an
     * address in disguise. One label is no FQDN. */
    return labels >= 2 && !last_numeric;
}

static bool ends_with_labels(const uint8_t *wire, const char *const *suffix, int nsuffix)
{
    const uint8_t *labels[128];
    int n = 0;
    for (size_t off = 0; wire[off] != 0 && n < 128; off += (size_t)wire[off] + 1)
        labels[n++] = wire + off;
    if (n < nsuffix)
        return false;
    for (int i = 0; i < nsuffix; i++) {
        const uint8_t *l = labels[n - nsuffix + i];
        size_t sl = strlen(suffix[i]);
        if (l[0] != sl)
            return false;
        for (size_t k = 0; k < sl; k++)
            if (lower(l[1 + k]) != (uint8_t)suffix[i][k])
                return false;
    }
    return true;
}

bool rdc_name_is_reverse(const uint8_t *wire)
{
    static const char *const v4[] = {"in-addr", "arpa"};
    static const char *const v6[] = {"ip6", "arpa"};
    return ends_with_labels(wire, v4, 2) || ends_with_labels(wire, v6, 2);
}

bool rdc_name_equal(const uint8_t *x, const uint8_t *y)
{
    size_t i = 0;
    for (;;) {
        if (x[i] != y[i])
            return false;
        uint8_t n = x[i];
        if (n == 0)
            return true;
        for (uint8_t k = 1; k <= n; k++)
            if (lower(x[i + k]) != lower(y[i + k]))
                return false;
        i += (size_t)n + 1;
        if (i >= RDC_NAME_WIRE_MAX)
            return false;
    }
}

bool rdc_name_from_text(const char *s, size_t len, uint8_t *wire, const char **why)
{
    const char *dummy;
    if (why == NULL)
        why = &dummy;
    if (len == 0) {
        *why = "empty name";
        return false;
    }
    if (len > 1 && s[len - 1] == '.')
        len--; /* one trailing dot makes it absolute; it always is for us */
    else if (len == 1 && s[0] == '.') {
        *why = "the root is not a host name";
        return false;
    }
    size_t out = 0, lab = 0, lablen = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i == len || s[i] == '.') {
            if (lablen == 0) {
                *why = "empty label (two dots in a row, or a leading dot)";
                return false;
            }
            wire[lab] = (uint8_t)lablen;
            lab = out + 1 + lablen;
            out = lab;
            lablen = 0;
            continue;
        }
        if (!is_ldh((uint8_t)s[i])) {
            *why = "a host name has only letters, digits, '-', '_' and dots";
            return false;
        }
        if (lablen == 63) {
            *why = "a label is longer than 63 octets";
            return false;
        }
        if (out + 1 + lablen + 1 >= RDC_NAME_WIRE_MAX) {
            *why = "the name is longer than 255 octets";
            return false;
        }
        wire[out + 1 + lablen] = (uint8_t)s[i];
        lablen++;
    }
    wire[out] = 0;
    return true;
}

void rdc_name_copy(uint8_t *dst, const uint8_t *src)
{
    size_t n = 0;
    while (n < RDC_NAME_WIRE_MAX && src[n] != 0)
        n += (size_t)src[n] + 1;
    if (n > RDC_NAME_WIRE_MAX)
        n = RDC_NAME_WIRE_MAX; /* not a valid name: cut, the root after it */
    memcpy(dst, src, n);
    memset(dst + n, 0, RDC_NAME_WIRE_MAX + 1 - n);
}
