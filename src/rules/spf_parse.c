/* spf_parse.c - SPF (RFC 7208) record syntax: record selection (§4.5), and
 * the terms of a record (§4.6, §5, §6) with their domain-specs and macro
 * strings (§7.1), CIDR lengths and networks, parsed into a node's terms. */
#define _POSIX_C_SOURCE 200809L /* strnlen */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spf_int.h"
#include "util.h"

/* ---------------------------------------------------------------- helpers */

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Case-insensitive: are the len bytes at p the word w? */
static bool word_is(const char *p, size_t len, const char *w)
{
    if (strlen(w) != len)
        return false;
    for (size_t i = 0; i < len; i++)
        if (rdc_lower(p[i]) != w[i])
            return false;
    return true;
}

/* An escaped, NUL-terminated copy of len untrusted bytes, at most cap - 1
 * characters (cut with "..."). NULL on allocation failure. */
char *spf_escape_dup(const char *p, size_t len, size_t cap)
{
    size_t want = len > (SIZE_MAX - 8) / 4 ? SIZE_MAX : len * 4 + 8;
    if (want < cap)
        cap = want;
    char *d = malloc(cap);
    if (d != NULL)
        rdc_escape_text(p, len, d, cap);
    return d;
}

/* Lower-case presentation form of a host name given as len bytes of text,
 * without its trailing dot, into out[256]. False when it is no host name. */
bool spf_host_name(const char *p, size_t len, char *out, const char **why)
{
    uint8_t wire[RDC_NAME_WIRE_MAX + 1];
    const char *dummy;
    if (why == NULL)
        why = &dummy;
    if (!rdc_name_from_text(p, len, wire, why))
        return false;
    if (!rdc_name_is_hostname(wire)) {
        *why = "a host name has two or more labels, none starting or ending with '-', and a "
               "last label that is not all digits";
        return false;
    }
    if (p[len - 1] == '.')
        len--;
    if (len > 255)
        return false; /* cannot happen after rdc_name_from_text */
    for (size_t i = 0; i < len; i++)
        out[i] = rdc_lower(p[i]);
    out[len] = '\0';
    return true;
}

void spf_clear_host_bits(rdc_addr_t *a, unsigned prefix)
{
    unsigned bits = a->family == 4 ? 32u : 128u;
    for (unsigned bit = prefix; bit < bits; bit++)
        a->b[bit / 8] &= (uint8_t) ~(0x80u >> (bit % 8));
}

/* Does the record text (len bytes) start with the version "v=spf1" followed
 * by a space or the end (§4.5; case-insensitive as ABNF strings are)? */
bool spf_is_record(const char *t, size_t len)
{
    return t != NULL && len >= 6 && word_is(t, 6, "v=spf1") && (len == 6 || t[6] == ' ');
}

/* ---------------------------------------------------------------- parsing */

/* A macro-string (§7.1) of len bytes: visible ASCII, with "%%", "%_", "%-"
 * and "%{" letter *DIGIT ["r"] *delimiter "}" (letters s l o d i p h v; c, r
 * and t belong to explanation text only; a DIGIT transformer is nonzero).
 * *expand_end gets the end of the last macro-expand, or SIZE_MAX. */
static bool macro_string_ok(const char *p, size_t len, size_t *expand_end, const char **why)
{
    *expand_end = SIZE_MAX;
    for (size_t i = 0; i < len;) {
        char c = p[i];
        if ((unsigned char)c < 0x21 || (unsigned char)c > 0x7e) {
            *why = "a byte that is no visible ASCII character";
            return false;
        }
        if (c != '%') {
            i++;
            continue;
        }
        if (i + 1 >= len) {
            *why = "a '%' at the end";
            return false;
        }
        char n = p[i + 1];
        if (n == '%' || n == '_' || n == '-') {
            i += 2;
            *expand_end = i;
            continue;
        }
        if (n != '{') {
            *why = "a '%' not followed by '{', '%', '_' or '-'";
            return false;
        }
        i += 2;
        if (i >= len || strchr("slodiphv", rdc_lower(p[i])) == NULL || p[i] == '\0') {
            *why = "a macro letter other than s, l, o, d, i, p, h, v";
            return false;
        }
        i++;
        bool digits = false, nonzero = false;
        while (i < len && is_digit(p[i])) {
            digits = true;
            nonzero = nonzero || p[i] != '0';
            i++;
        }
        if (digits && !nonzero) {
            *why = "a macro transformer of 0";
            return false;
        }
        if (i < len && rdc_lower(p[i]) == 'r')
            i++;
        while (i < len && p[i] != '\0' && strchr(".-+,/_=", p[i]) != NULL)
            i++;
        if (i >= len || p[i] != '}') {
            *why = "a macro without its closing '}'";
            return false;
        }
        i++;
        *expand_end = i;
    }
    return true;
}

/* toplabel (§4.6.1): alphanumerics with a letter, or alphanumerics and '-'
 * with a '-' inside (not at either end). */
static bool toplabel_ok(const char *p, size_t n)
{
    bool alpha = false, dash = false;
    if (n == 0 || p[0] == '-' || p[n - 1] == '-')
        return false;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '-')
            dash = true;
        else if (is_alpha(p[i]))
            alpha = true;
        else if (!is_digit(p[i]))
            return false;
    }
    return alpha || dash;
}

/* A domain-spec (§4.6.1, §7.1): macro-string domain-end, where domain-end is
 * "." toplabel ["."] or a macro-expand. With a macro (then t->macro) only the
 * syntax is checked; without, it must be a host name (t->domain). */
static bool domain_spec(const char *p, size_t len, spf_term_t *t, const char **why)
{
    if (len == 0) {
        *why = "an empty domain";
        return false;
    }
    size_t expand_end = SIZE_MAX;
    bool macro = memchr(p, '%', len) != NULL;
    if (macro && !macro_string_ok(p, len, &expand_end, why))
        return false;
    if (!macro || expand_end != len) {
        size_t e = len;
        if (p[e - 1] == '.')
            e--;
        size_t b = e;
        while (b > 0 && p[b - 1] != '.')
            b--;
        /* the dot before the toplabel must not be inside a macro */
        if (b == 0 || (expand_end != SIZE_MAX && b - 1 < expand_end) ||
            !toplabel_ok(p + b, e - b)) {
            *why = macro ? "a domain that does not end in a macro or in '.' and a top label"
                         : "a domain whose last label is no top label (letters, digits and "
                           "'-', not all digits)";
            return false;
        }
    }
    if (macro) {
        t->macro = true;
        t->mspec = malloc(len + 1); /* NULL: stays unexpanded */
        if (t->mspec != NULL) {
            memcpy(t->mspec, p, len);
            t->mspec[len] = '\0';
        }
        return true;
    }
    return spf_host_name(p, len, t->domain, why);
}

/* A CIDR length of the bytes p[0..n): "0" or a number without leading zero,
 * at most max. */
static bool cidr_len(const char *p, size_t n, unsigned max, unsigned *out)
{
    if (n == 0 || n > 3 || (n > 1 && p[0] == '0'))
        return false;
    unsigned v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!is_digit(p[i]))
            return false;
        v = v * 10 + (unsigned)(p[i] - '0');
    }
    if (v > max)
        return false;
    *out = v;
    return true;
}

/* Strips a trailing dual-cidr-length ("/24", "//64", "/24//64") off p[0..*len)
 * into t->c4 and t->c6. */
static bool dual_cidr(const char *p, size_t *len, spf_term_t *t, const char **why)
{
    size_t l = *len, d;
    t->c4 = 32;
    t->c6 = 128;
    d = l;
    while (d > 0 && is_digit(p[d - 1]))
        d--;
    if (d < l && d >= 2 && p[d - 1] == '/' && p[d - 2] == '/') {
        if (!cidr_len(p + d, l - d, 128, &t->c6)) {
            *why = "a bad IPv6 CIDR length (0 to 128, no leading zero)";
            return false;
        }
        l = d - 2;
    }
    d = l;
    while (d > 0 && is_digit(p[d - 1]))
        d--;
    if (d < l && d >= 1 && p[d - 1] == '/') {
        if (!cidr_len(p + d, l - d, 32, &t->c4)) {
            *why = "a bad IPv4 CIDR length (0 to 32, no leading zero)";
            return false;
        }
        l = d - 1;
    }
    *len = l;
    return true;
}

/* ip4:<network>[/<len>] or ip6:...; p[0..len) is what follows the colon. */
static bool ip_network(const char *p, size_t len, spf_term_t *t, const char **why)
{
    bool v6 = t->kind == K_IP6;
    const char *slash = memchr(p, '/', len);
    size_t alen = slash ? (size_t)(slash - p) : len;
    rdc_addr_t a;
    bool colon = memchr(p, ':', alen) != NULL;
    if (alen == 0 || colon != v6 || !rdc_addr_parse(p, alen, &a)) {
        *why = v6 ? "not an IPv6 address" : "not an IPv4 address (dotted quad, no leading zeros)";
        return false;
    }
    if (v6 && a.family == 4) {
        /* rdc_addr_parse turns ::ffff:a.b.c.d into IPv4; ip6 keeps it IPv6 */
        uint8_t v4[4];
        memcpy(v4, a.b, 4);
        memset(a.b, 0, sizeof a.b);
        a.b[10] = a.b[11] = 0xff;
        memcpy(a.b + 12, v4, 4);
        a.family = 6;
    }
    unsigned bits = v6 ? 128u : 32u, plen = bits;
    if (slash != NULL && !cidr_len(slash + 1, len - alen - 1, bits, &plen)) {
        *why = v6 ? "a bad IPv6 CIDR length (0 to 128, no leading zero)"
                  : "a bad IPv4 CIDR length (0 to 32, no leading zero)";
        return false;
    }
    spf_clear_host_bits(&a, plen);
    t->cidr.base = a;
    t->cidr.prefix = plen;
    return true;
}

/* Appends the macro-expand value v transformed (§7.3): split at the
 * delimiters, reversed with r, the rightmost keep parts (0: all), joined
 * with '.'. False when it does not fit. */
static bool put_parts(char *buf, size_t cap, size_t *n, const char *v, const char *delims, bool rev,
                      unsigned keep)
{
    const char *part[128];
    size_t plen[128], np = 0;
    for (const char *s = v;;) {
        size_t l = strcspn(s, delims);
        if (np == 128)
            return false;
        part[np] = s;
        plen[np++] = l;
        if (s[l] == '\0')
            break;
        s += l + 1;
    }
    if (rev)
        for (size_t i = 0; i < np / 2; i++) {
            const char *tp = part[i];
            size_t tl = plen[i];
            part[i] = part[np - 1 - i];
            plen[i] = plen[np - 1 - i];
            part[np - 1 - i] = tp;
            plen[np - 1 - i] = tl;
        }
    size_t from = keep > 0 && keep < np ? np - keep : 0;
    for (size_t i = from; i < np; i++) {
        if (*n + plen[i] + 1 >= cap)
            return false;
        if (i > from)
            buf[(*n)++] = '.';
        memcpy(buf + *n, part[i], plen[i]);
        *n += plen[i];
    }
    return true;
}

bool spf_expand_static(const char *spec, const char *d, const char *o, char *out)
{
    char buf[1024];
    size_t n = 0;
    for (const char *p = spec; *p;) {
        if (n + 4 >= sizeof buf)
            return false;
        if (*p != '%') {
            buf[n++] = *p++;
            continue;
        }
        /* the syntax was checked at parse time (macro_string_ok) */
        if (p[1] != '{')
            return false; /* "%%", "%_", "%-": no host name holds the result */
        p += 2;
        char letter = rdc_lower(*p++);
        if (letter != 'd' && letter != 'o')
            return false; /* depends on the sender */
        unsigned keep = 0;
        while (is_digit(*p)) {
            keep = keep * 10 + (unsigned)(*p++ - '0');
            if (keep > 128)
                keep = 128;
        }
        bool rev = rdc_lower(*p) == 'r';
        if (rev)
            p++;
        char delims[8] = "";
        size_t nd = 0;
        for (; *p != '}' && *p != '\0'; p++)
            if (nd < sizeof delims - 1 && strchr(delims, *p) == NULL)
                delims[nd++] = *p;
        if (*p == '}')
            p++;
        if (nd == 0)
            delims[0] = '.';
        /* upper-case letters URL-escape, which leaves a host name as it is */
        if (!put_parts(buf, sizeof buf, &n, letter == 'd' ? d : o, delims, rev, keep))
            return false;
    }
    /* §7.3: over 253 characters, labels are dropped from the left */
    size_t at = 0;
    while (n - at > 253) {
        const char *dot = memchr(buf + at, '.', n - at);
        if (dot == NULL)
            return false;
        at = (size_t)(dot - buf) + 1;
    }
    return n > at && spf_host_name(buf + at, n - at, out, NULL);
}

static bool is_name_char(char c)
{
    return is_alpha(c) || is_digit(c) || c == '-' || c == '_' || c == '.';
}

/* A modifier (§4.6.1): name "=" ..., name = ALPHA *( ALPHA / DIGIT / "-" /
 * "_" / "." ). Sets *is_mod when the term is one, and then says whether it
 * parses. */
static bool parse_modifier(const char *p, size_t len, spf_term_t *t, const char **why, bool *is_mod)
{
    size_t k = 0;
    *is_mod = false;
    if (len > 0 && is_alpha(p[0])) {
        while (k < len && is_name_char(p[k]))
            k++;
        if (k < len && p[k] == '=') {
            const char *v = p + k + 1;
            size_t vlen = len - k - 1;
            *is_mod = true;
            if (word_is(p, k, "redirect")) {
                t->kind = K_REDIRECT;
                return domain_spec(v, vlen, t, why);
            }
            if (word_is(p, k, "exp")) {
                t->kind = K_EXP;
                return domain_spec(v, vlen, t, why);
            }
            t->kind = K_UNKNOWN;
            size_t expand_end;
            return macro_string_ok(v, vlen, &expand_end, why);
        }
    }
    return false;
}

/* One term (§4.6.1) of len bytes (no SP). */
static bool parse_term(const char *p, size_t len, spf_term_t *t, const char **why)
{
    t->qual = '+';
    t->c4 = 32;
    t->c6 = 128;
    bool is_mod;
    bool mod_ok = parse_modifier(p, len, t, why, &is_mod);
    if (is_mod)
        return mod_ok;
    size_t k;
    if (len > 0 && strchr("+-~?", p[0]) != NULL && p[0] != '\0') {
        t->qual = p[0];
        p++;
        len--;
    }
    for (k = 0; k < len && p[k] != ':' && p[k] != '/';)
        k++;
    const char *r = p + k;
    size_t rlen = len - k;
    if (word_is(p, k, "all")) {
        t->kind = K_ALL;
        if (rlen != 0) {
            *why = "'all' takes no argument";
            return false;
        }
        return true;
    }
    if (word_is(p, k, "include") || word_is(p, k, "exists")) {
        t->kind = word_is(p, k, "include") ? K_INCLUDE : K_EXISTS;
        if (rlen == 0 || r[0] != ':') {
            *why = "a domain is required after ':'";
            return false;
        }
        return domain_spec(r + 1, rlen - 1, t, why);
    }
    if (word_is(p, k, "a") || word_is(p, k, "mx")) {
        t->kind = word_is(p, k, "a") ? K_A : K_MX;
        if (rlen == 0)
            return true;
        if (!dual_cidr(r, &rlen, t, why))
            return false;
        if (rlen == 0)
            return true;
        if (r[0] != ':') {
            *why = "a bad CIDR length or argument";
            return false;
        }
        return domain_spec(r + 1, rlen - 1, t, why);
    }
    if (word_is(p, k, "ptr")) {
        t->kind = K_PTR;
        if (rlen == 0)
            return true;
        if (r[0] != ':') {
            *why = "'ptr' takes no CIDR length";
            return false;
        }
        return domain_spec(r + 1, rlen - 1, t, why);
    }
    if (word_is(p, k, "ip4") || word_is(p, k, "ip6")) {
        t->kind = word_is(p, k, "ip4") ? K_IP4 : K_IP6;
        if (rlen == 0 || r[0] != ':') {
            *why = "an address is required after ':'";
            return false;
        }
        return ip_network(r + 1, rlen - 1, t, why);
    }
    *why = "an unknown mechanism or a bad modifier";
    return false;
}

bool spf_is_mechanism(kind_t k)
{
    return k != K_REDIRECT && k != K_EXP && k != K_UNKNOWN;
}

static void node_error(spf_node_t *n, rdc_code_t code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void node_error(spf_node_t *n, rdc_code_t code, const char *fmt, ...)
{
    rdc_buf_t b = {0};
    va_list ap;
    va_start(ap, fmt);
    rdc_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    n->errcode = code;
    n->err = rdc_buf_take(&b);
}

/* Parses the record (len bytes, starting "v=spf1") into n. A syntax error
 * anywhere makes the whole record a permerror (§4.6). False on allocation
 * failure. */
bool spf_parse_record(spf_node_t *n, const char *rec, size_t len)
{
    n->parsed = true;
    n->rtext = spf_escape_dup(rec, len, RECORD_TEXT_MAX);
    if (n->rtext == NULL)
        return false;
    size_t cap = 0;
    bool has_exp = false, has_redirect = false;
    n->all_at = n->redirect_at = SIZE_MAX;
    for (size_t i = 6; i < len;) {
        if (rec[i] == ' ') {
            i++;
            continue;
        }
        size_t j = i;
        while (j < len && rec[j] != ' ')
            j++;
        if (n->nterms >= RDC_SPF_MAX_TERMS) {
            node_error(n, RDC_SPF_TOO_MANY_TERMS,
                       "the SPF record of %s has more than %d terms; it is not evaluated",
                       n->domain, RDC_SPF_MAX_TERMS);
            return n->err != NULL;
        }
        if (n->nterms == cap) {
            cap = cap ? cap * 2 : 8;
            spf_term_t *terms = realloc(n->terms, cap * sizeof *terms);
            if (terms == NULL)
                return false;
            n->terms = terms;
        }
        spf_term_t *t = &n->terms[n->nterms++];
        memset(t, 0, sizeof *t);
        t->text = spf_escape_dup(rec + i, j - i, TERM_TEXT_MAX);
        if (t->text == NULL)
            return false;
        const char *why = "invalid";
        if (!parse_term(rec + i, j - i, t, &why)) {
            /* why is static text: from this file, or rdc_name_from_text's */
            node_error(n, RDC_SPF_SYNTAX, "syntax error in the SPF record of %s: term '%s': %s",
                       n->domain, t->text, why);
            return n->err != NULL;
        }
        if ((t->kind == K_REDIRECT && has_redirect) || (t->kind == K_EXP && has_exp)) {
            node_error(n, RDC_SPF_SYNTAX,
                       "syntax error in the SPF record of %s: term '%s': a second %s "
                       "modifier (RFC 7208 section 6)",
                       n->domain, t->text, t->kind == K_REDIRECT ? "redirect" : "exp");
            return n->err != NULL;
        }
        has_redirect = has_redirect || t->kind == K_REDIRECT;
        has_exp = has_exp || t->kind == K_EXP;
        if (t->kind == K_REDIRECT)
            n->redirect_at = n->nterms - 1;
        if (t->kind == K_ALL && n->all_at == SIZE_MAX)
            n->all_at = n->nterms - 1;
        else if (n->all_at != SIZE_MAX && spf_is_mechanism(t->kind))
            n->after_all++;
        i = j;
    }
    if (n->all_at == SIZE_MAX)
        n->all_at = n->nterms;
    if (n->redirect_at == SIZE_MAX)
        n->redirect_at = n->nterms;
    return true;
}
