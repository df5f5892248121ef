/* cli_args.c - the checks of option arguments: numbers in range, words
 * from a list, -s server lists, domain names, DNSBL zones and files. Each
 * refusal is one clear line. */
#include "cli_args.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "idn.h"
#include "util.h"

static bool parse_port(const char *s, size_t n, unsigned *port)
{
    unsigned v = 0;
    if (n == 0 || n > 5 || (n > 1 && s[0] == '0'))
        return false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    if (v == 0 || v > 65535)
        return false;
    *port = v;
    return true;
}

bool rdc_servers_parse(const char *list, rdc_server_t *out, size_t max, size_t *n, char *err,
                       size_t errlen)
{
    *n = 0;
    const char *p = list;
    for (;;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        rdc_server_t s = {0};
        const char *a = p;
        size_t alen = len;
        bool ok;
        if (len > 0 && p[0] == '[') {
            /* [IPV6]:PORT or [IPV6] */
            const char *close = memchr(p, ']', len);
            ok = close != NULL;
            if (ok) {
                a = p + 1;
                alen = (size_t)(close - p - 1);
                size_t rest = len - (size_t)(close - p) - 1;
                if (rest > 0)
                    ok = close[1] == ':' && parse_port(close + 2, rest - 1, &s.port);
                ok = ok && rdc_addr_parse(a, alen, &s.addr) && s.addr.family == 6;
            }
        } else {
            const char *colon = memchr(p, ':', len);
            const char *last = colon;
            for (const char *c = colon; c && c < p + len;
                 c = memchr(c + 1, ':', (size_t)(p + len - c - 1)))
                last = c;
            if (colon != NULL && colon == last) {
                /* exactly one colon: IPV4:PORT */
                alen = (size_t)(colon - p);
                ok = parse_port(colon + 1, len - alen - 1, &s.port) &&
                     rdc_addr_parse(p, alen, &s.addr) && s.addr.family == 4;
            } else {
                ok = rdc_addr_parse(p, len, &s.addr); /* IPv4 or bare IPv6 */
            }
        }
        if (!ok) {
            char shown[200];
            rdc_escape_text(p, len, shown, sizeof shown);
            snprintf(err, errlen,
                     "bad DNS server '%s': use ADDR, ADDR:PORT or [IPV6]:PORT with an IP "
                     "address (not a name) and a port from 1 to 65535",
                     shown);
            return false;
        }
        if (*n == max) {
            snprintf(err, errlen, "too many DNS servers (at most %zu)", max);
            return false;
        }
        out[(*n)++] = s;
        if (end == NULL)
            break;
        p = end + 1;
    }
    return true;
}

/* A fully qualified domain name from the command line or a file, into wire
 * form; on failure *why says what is wrong. */
bool rdc_arg_fqdn(const char *s, size_t len, uint8_t *wire, const char **why)
{
    char ascii[RDC_NAME_TEXT_MAX];
    if (rdc_idn_has_unicode(s, len)) { /* typed in Unicode: its A-labels */
        if (!rdc_idn_to_ascii(s, len, ascii, sizeof ascii, why))
            return false;
        s = ascii;
        len = strlen(ascii);
    }
    if (!rdc_name_from_text(s, len, wire, why))
        return false;
    *why = "not a fully qualified domain name";
    return rdc_name_is_hostname(wire);
}

/* Adds one DNSBL zone (a host name, at most 189 characters without the
 * trailing dot, so that an IPv6 query name - 63 characters of nibbles, a dot
 * and the zone - still fits in 253). */
bool rdc_arg_dnsbl(rdc_options_t *o, const char *z, size_t len, const char *file,
                   unsigned long line)
{
    uint8_t wire[RDC_NAME_WIRE_MAX + 1];
    const char *why = "too long (at most 189 characters)";
    char shown[300], where[300] = "";
    if (file)
        snprintf(where, sizeof where, "%s:%lu: ", file, line);
    size_t zl = len > 0 && z[len - 1] == '.' ? len - 1 : len;
    if (zl > 189 || !rdc_arg_fqdn(z, len, wire, &why)) {
        rdc_escape_text(z, len, shown, sizeof shown);
        rdc_errorf("%sbad DNSBL zone '%s': %s", where, shown, why);
        return false;
    }
    if (o->ndnsbl == RDC_MAX_DNSBL) {
        rdc_errorf("%stoo many DNSBL zones (at most %d)", where, RDC_MAX_DNSBL);
        return false;
    }
    char text[RDC_NAME_TEXT_MAX];
    rdc_name_to_text(wire, text);
    for (size_t i = 0; i < o->ndnsbl; i++)
        if (strcasecmp(o->dnsbl[i], text) == 0)
            return true; /* the same list once is enough */
    o->dnsbl[o->ndnsbl] = rdc_strdup(text);
    if (o->dnsbl[o->ndnsbl] == NULL) {
        rdc_errorf("out of memory");
        return false;
    }
    o->ndnsbl++;
    return true;
}

bool rdc_arg_dnsbl_file(rdc_options_t *o, const char *path)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        rdc_errorf("cannot open %s: %s", path, strerror(errno));
        return false;
    }
    char line[512];
    unsigned long n = 0;
    bool ok = true;
    while (ok && fgets(line, sizeof line, f)) {
        n++;
        size_t len = strlen(line);
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r' || line[len - 1] == ' ' ||
                           line[len - 1] == '\t'))
            len--;
        size_t start = 0;
        while (start < len && (line[start] == ' ' || line[start] == '\t'))
            start++;
        if (start == len || line[start] == '#')
            continue;
        ok = rdc_arg_dnsbl(o, line + start, len - start, path, n);
    }
    if (ok && ferror(f)) {
        rdc_errorf("cannot read %s: %s", path, strerror(errno));
        ok = false;
    }
    fclose(f);
    return ok;
}

/* Parses a decimal number in [min, max]; no sign, no junk. */
bool rdc_arg_number(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
    if (*s < '0' || *s > '9')
        return false;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end != '\0' || v < min || v > max)
        return false;
    *out = v;
    return true;
}

/* The index of arg among d's choices, or an error naming them all. */
static bool choice(const rdc_optdef_t *d, const char *arg, uint64_t *out)
{
    char words[128] = "", shown[64];
    size_t n = 0;
    while (n < RDC_OPT_CHOICES && d->choices[n])
        n++;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(arg, d->choices[i]) == 0) {
            *out = i;
            return true;
        }
        size_t len = strlen(words);
        snprintf(words + len, sizeof words - len, "%s%s",
                 i == 0      ? ""
                 : i + 1 < n ? ", "
                             : " or ",
                 d->choices[i]);
    }
    rdc_escape_text(arg, strlen(arg), shown, sizeof shown);
    rdc_errorf("--%s takes %s, not '%s'", d->name, words, shown);
    return false;
}

bool rdc_arg_check(const rdc_optdef_t *d, const char *arg, uint64_t *num)
{
    if (d->max && !rdc_arg_number(arg, d->min, d->max, num)) {
        char shown[128];
        rdc_escape_text(arg, strlen(arg), shown, sizeof shown);
        rdc_errorf("--%s needs a whole number from %" PRIu64 " to %" PRIu64 ", not '%s'", d->name,
                   d->min, d->max, shown);
        return false;
    }
    return d->choices[0] == NULL || choice(d, arg, num);
}
