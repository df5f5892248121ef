/* spf.c - SPF (RFC 7208) expansion: record selection (§4.5), term syntax
 * (§4.6, §5, §6, §7.1), and an evaluation walk in record order that counts
 * DNS-querying terms and void lookups (§4.6.4) and asks for what it needs.
 * Pure: never does I/O; the caller answers the questions it hands out.
 *
 * How parallel answers stay deterministic: after every answer the whole
 * evaluation is walked again from the top, in the order a receiver evaluates
 * it. Where an answer is still missing, the walk goes on past it with what it
 * knows (the lookup and void counts it has are lower bounds), so later
 * questions are asked at once; it stops where it can tell the evaluation ends
 * (an error, or a count over its limit). When every question asked has been
 * answered, one last walk, with every answer known, gives the results. */
#define _POSIX_C_SOURCE 200809L /* strnlen */
#include "spf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define MAX_NODES 256 /* include/redirect targets expanded */
#define MAX_ADDRS 1024 /* addresses kept from one A or AAAA answer */
#define TREE_ADDRS 8 /* addresses listed on one tree line */
#define TERM_TEXT_MAX 600 /* escaped term text kept (valid terms are shorter) */
#define RECORD_TEXT_MAX 4096 /* escaped record text shown in the tree */

typedef enum qstate { Q_NEW = 0, Q_SENT, Q_DONE } qstate_t;

/* One DNS question and, once answered, what the walk needs of the answer. */
typedef struct spf_q {
    unsigned id;
    char name[256];
    uint16_t type;
    qstate_t state;
    unsigned mark; /* generation of the last walk that needed it */
    rdc_dns_status_t status; /* OK only with usable records */
    /* TXT: the number of v=spf1 records and the first one (raw bytes) */
    unsigned nspf;
    char *rec;
    size_t reclen;
    /* A/AAAA */
    rdc_addr_t *addrs;
    size_t naddrs;
    /* MX: the exchanges that are host names, by preference (kept only when
     * there are at most RDC_SPF_MAX_MX), their count, and the others */
    char (*mx)[256];
    size_t nmx, nbad;
    char *bad; /* escaped first name that is no host name */
} spf_q_t;

typedef enum kind {
    K_ALL,
    K_INCLUDE,
    K_A,
    K_MX,
    K_PTR,
    K_IP4,
    K_IP6,
    K_EXISTS,
    K_REDIRECT,
    K_EXP,
    K_UNKNOWN /* unknown modifier: ignored (§6) */
} kind_t;

struct spf_node;

typedef struct spf_term {
    kind_t kind;
    char qual; /* '+', '-', '~', '?' */
    char *text; /* as written, escaped */
    char domain[256]; /* target; "" means the current domain */
    bool macro; /* the domain-spec holds a macro: not evaluated */
    unsigned c4, c6; /* a/mx CIDR lengths */
    rdc_cidr_t cidr; /* ip4/ip6 */
    struct spf_node *child; /* include/redirect target, once reached */
} spf_term_t;

/* One check_host() of a domain: the record it finds and its terms. */
typedef struct spf_node {
    char domain[256];
    struct spf_node *parent;
    bool parsed;
    const char *errcode; /* spf-syntax or spf-too-many-terms, or NULL */
    char *err; /* the message for errcode */
    char *rtext; /* the record, escaped */
    spf_term_t *terms;
    size_t nterms;
    size_t all_at; /* index of the first "all", or nterms */
    size_t redirect_at; /* index of redirect=, or nterms */
    unsigned after_all; /* mechanisms after the first "all" */
} spf_node_t;

struct rdc_spf {
    char domain[256];
    spf_node_t *top;
    spf_q_t **qs;
    size_t nq, capq;
    spf_node_t **nodes;
    size_t nnodes, capn;
    unsigned gen;
    bool done, oom;
    rdc_spf_result_t result;
    rdc_spf_range_t *ranges;
    size_t nranges, capr, dropped;
    rdc_spf_problem_t *problems;
    size_t nprob, capp;
    unsigned lookups, voids;
    char *tree;
};

/* The state of one walk. */
typedef struct walk {
    rdc_spf_t *s;
    bool final; /* record ranges, problems and the tree */
    bool stop; /* the evaluation ends here */
    unsigned lookups, voids;
    rdc_buf_t tree;
    rdc_buf_t via; /* "spf include:a.example redirect=b.example" */
    rdc_buf_t where; /* scratch for where() */
} walk_t;

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

static bool is_temporary(rdc_dns_status_t st)
{
    return st != RDC_DNS_OK && st != RDC_DNS_NODATA && st != RDC_DNS_NXDOMAIN;
}

static const char *status_text(rdc_dns_status_t st)
{
    switch (st) {
    case RDC_DNS_OK:
        return "answered";
    case RDC_DNS_NODATA:
        return "found no record (NODATA)";
    case RDC_DNS_NXDOMAIN:
        return "found no such domain (NXDOMAIN)";
    case RDC_DNS_S_TIMEOUT:
        return "timed out";
    case RDC_DNS_S_SERVFAIL:
        return "failed with SERVFAIL";
    case RDC_DNS_S_REFUSED:
        return "was refused";
    case RDC_DNS_S_UNREACHABLE:
        return "reached no DNS server";
    case RDC_DNS_S_ERROR:
        return "got an unusable answer";
    }
    return "failed";
}

static const char *type_name(uint16_t t)
{
    switch (t) {
    case RDC_SPF_TYPE_A:
        return "A";
    case RDC_SPF_TYPE_AAAA:
        return "AAAA";
    case RDC_SPF_TYPE_MX:
        return "MX";
    default:
        return "TXT";
    }
}

/* An escaped, NUL-terminated copy of len untrusted bytes, at most cap - 1
 * characters (cut with "..."). NULL on allocation failure. */
static char *escape_dup(const char *p, size_t len, size_t cap)
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
static bool host_name(const char *p, size_t len, char *out, const char **why)
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

static void clear_host_bits(rdc_addr_t *a, unsigned prefix)
{
    unsigned bits = a->family == 4 ? 32u : 128u;
    for (unsigned bit = prefix; bit < bits; bit++)
        a->b[bit / 8] &= (uint8_t) ~(0x80u >> (bit % 8));
}

/* "16 addresses", "1 address", "2^64 addresses". */
static void size_text(const rdc_cidr_t *c, char *buf, size_t cap)
{
    unsigned host = (c->base.family == 4 ? 32u : 128u) - c->prefix;
    if (host >= 64)
        snprintf(buf, cap, "2^%u addresses", host);
    else if (host == 0)
        snprintf(buf, cap, "1 address");
    else
        snprintf(buf, cap, "%llu addresses", (unsigned long long)((uint64_t)1 << host));
}

/* "192.0.2.1" for a full-length block, "192.0.2.0/24" otherwise. */
static void cidr_text(const rdc_cidr_t *c, char *buf, size_t cap)
{
    char a[RDC_ADDR_TEXT_MAX];
    rdc_addr_format(&c->base, a);
    if (c->prefix == (c->base.family == 4 ? 32u : 128u))
        snprintf(buf, cap, "%s", a);
    else
        snprintf(buf, cap, "%s/%u", a, c->prefix);
}

/* ---------------------------------------------------------------- questions */

static void q_free(spf_q_t *q)
{
    if (q == NULL)
        return;
    free(q->rec);
    free(q->addrs);
    free(q->mx);
    free(q->bad);
    free(q);
}

/* The question name/type, created when the walk meets it first (and not in
 * the final walk). Marks it needed by this walk. NULL on allocation failure
 * or over RDC_SPF_MAX_QUERIES. */
static spf_q_t *need(rdc_spf_t *s, const char *name, uint16_t type)
{
    for (size_t i = 0; i < s->nq; i++) {
        spf_q_t *q = s->qs[i];
        if (q->type == type && strcmp(q->name, name) == 0) {
            q->mark = s->gen;
            return q;
        }
    }
    if (s->nq >= RDC_SPF_MAX_QUERIES)
        return NULL;
    if (s->nq == s->capq) {
        size_t cap = s->capq ? s->capq * 2 : 16;
        spf_q_t **qs = realloc(s->qs, cap * sizeof *qs);
        if (qs == NULL) {
            s->oom = true;
            return NULL;
        }
        s->qs = qs;
        s->capq = cap;
    }
    spf_q_t *q = calloc(1, sizeof *q);
    if (q == NULL) {
        s->oom = true;
        return NULL;
    }
    q->id = (unsigned)s->nq + 1;
    snprintf(q->name, sizeof q->name, "%s", name);
    q->type = type;
    q->state = Q_NEW;
    q->mark = s->gen;
    s->qs[s->nq++] = q;
    return q;
}

/* Does the record text (len bytes) start with the version "v=spf1" followed
 * by a space or the end (§4.5; case-insensitive as ABNF strings are)? */
static bool is_spf_record(const char *t, size_t len)
{
    return t != NULL && len >= 6 && word_is(t, 6, "v=spf1") && (len == 6 || t[6] == ' ');
}

static void take_txt(rdc_spf_t *s, spf_q_t *q, const rdc_spf_rr_t *rrs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (rrs[i].type != RDC_SPF_TYPE_TXT || !is_spf_record(rrs[i].text, rrs[i].text_len))
            continue;
        if (q->nspf++ == 0) {
            q->rec = malloc(rrs[i].text_len + 1);
            if (q->rec == NULL) {
                s->oom = true;
                return;
            }
            memcpy(q->rec, rrs[i].text, rrs[i].text_len);
            q->rec[rrs[i].text_len] = '\0';
            q->reclen = rrs[i].text_len;
        }
    }
}

static void take_addrs(rdc_spf_t *s, spf_q_t *q, const rdc_spf_rr_t *rrs, size_t n)
{
    uint8_t fam = q->type == RDC_SPF_TYPE_A ? 4 : 6;
    for (size_t i = 0; i < n; i++) {
        if (rrs[i].type != q->type || rrs[i].addr.family != fam)
            continue;
        bool dup = false;
        for (size_t k = 0; k < q->naddrs && !dup; k++)
            dup = rdc_addr_equal(&q->addrs[k], &rrs[i].addr);
        if (dup || q->naddrs >= MAX_ADDRS)
            continue;
        if (q->addrs == NULL) {
            q->addrs = malloc((n < MAX_ADDRS ? n : MAX_ADDRS) * sizeof *q->addrs);
            if (q->addrs == NULL) {
                s->oom = true;
                return;
            }
        }
        q->addrs[q->naddrs] = rrs[i].addr;
        if (fam == 4)
            memset(q->addrs[q->naddrs].b + 4, 0, 12);
        q->naddrs++;
    }
    if (q->naddrs == 0)
        q->status = RDC_DNS_NODATA;
}

static void take_mx(rdc_spf_t *s, spf_q_t *q, const rdc_spf_rr_t *rrs, size_t n)
{
    size_t nrr = 0;
    uint16_t *pref = NULL;
    for (size_t i = 0; i < n; i++) {
        if (rrs[i].type != RDC_SPF_TYPE_MX)
            continue;
        nrr++;
        size_t len = strnlen(rrs[i].host, sizeof rrs[i].host);
        char name[256];
        if (len == 0 || (len == 1 && rrs[i].host[0] == '.'))
            continue; /* null MX (RFC 7505): no exchange to look up */
        if (len == sizeof rrs[i].host || !host_name(rrs[i].host, len, name, NULL)) {
            if (q->nbad++ == 0)
                q->bad = escape_dup(rrs[i].host, len, 300);
            continue;
        }
        if (q->nmx++ >= RDC_SPF_MAX_MX)
            continue; /* too many: an error; the names are not needed */
        if (q->mx == NULL) {
            q->mx = malloc(RDC_SPF_MAX_MX * sizeof *q->mx);
            pref = malloc(RDC_SPF_MAX_MX * sizeof *pref);
            if (q->mx == NULL || pref == NULL) {
                free(pref);
                s->oom = true;
                return;
            }
        }
        /* insertion in preference order, stable among equal preferences */
        size_t at = q->nmx - 1;
        while (at > 0 && pref[at - 1] > rrs[i].pref) {
            memcpy(q->mx[at], q->mx[at - 1], sizeof q->mx[at]);
            pref[at] = pref[at - 1];
            at--;
        }
        memcpy(q->mx[at], name, sizeof name);
        pref[at] = rrs[i].pref;
    }
    free(pref);
    if (nrr == 0)
        q->status = RDC_DNS_NODATA;
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
        return true;
    }
    return host_name(p, len, t->domain, why);
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
    clear_host_bits(&a, plen);
    t->cidr.base = a;
    t->cidr.prefix = plen;
    return true;
}

static bool is_name_char(char c)
{
    return is_alpha(c) || is_digit(c) || c == '-' || c == '_' || c == '.';
}

/* One term (§4.6.1) of len bytes (no SP). */
static bool parse_term(const char *p, size_t len, spf_term_t *t, const char **why)
{
    t->qual = '+';
    t->c4 = 32;
    t->c6 = 128;
    /* modifier: name "=" ..., name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." ) */
    size_t k = 0;
    if (len > 0 && is_alpha(p[0])) {
        while (k < len && is_name_char(p[k]))
            k++;
        if (k < len && p[k] == '=') {
            const char *v = p + k + 1;
            size_t vlen = len - k - 1;
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

static bool is_mechanism(kind_t k)
{
    return k != K_REDIRECT && k != K_EXP && k != K_UNKNOWN;
}

static void node_error(spf_node_t *n, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void node_error(spf_node_t *n, const char *code, const char *fmt, ...)
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
static bool parse_record(spf_node_t *n, const char *rec, size_t len)
{
    n->parsed = true;
    n->rtext = escape_dup(rec, len, RECORD_TEXT_MAX);
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
            node_error(n, "spf-too-many-terms",
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
        t->text = escape_dup(rec + i, j - i, TERM_TEXT_MAX);
        if (t->text == NULL)
            return false;
        const char *why = "invalid";
        if (!parse_term(rec + i, j - i, t, &why)) {
            /* why is static text: from this file, or rdc_name_from_text's */
            node_error(n, "spf-syntax", "syntax error in the SPF record of %s: term '%s': %s",
                       n->domain, t->text, why);
            return n->err != NULL;
        }
        if ((t->kind == K_REDIRECT && has_redirect) || (t->kind == K_EXP && has_exp)) {
            node_error(n, "spf-syntax",
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
        else if (n->all_at != SIZE_MAX && is_mechanism(t->kind))
            n->after_all++;
        i = j;
    }
    if (n->all_at == SIZE_MAX)
        n->all_at = n->nterms;
    if (n->redirect_at == SIZE_MAX)
        n->redirect_at = n->nterms;
    return true;
}

/* ---------------------------------------------------------------- the walk */

static void tree_line(walk_t *w, unsigned depth, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void tree_line(walk_t *w, unsigned depth, const char *fmt, ...)
{
    if (!w->final)
        return;
    for (unsigned i = 0; i < depth; i++)
        rdc_buf_append(&w->tree, "  ", 2);
    va_list ap;
    va_start(ap, fmt);
    rdc_buf_vprintf(&w->tree, fmt, ap);
    va_end(ap);
    rdc_buf_append(&w->tree, "\n", 1);
}

static void add_problem(walk_t *w, const char *code, bool fatal, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));

static void add_problem(walk_t *w, const char *code, bool fatal, const char *fmt, va_list ap)
{
    rdc_spf_t *s = w->s;
    if (s->nprob == s->capp) {
        size_t cap = s->capp ? s->capp * 2 : 8;
        rdc_spf_problem_t *p = realloc(s->problems, cap * sizeof *p);
        if (p == NULL) {
            s->oom = true;
            return;
        }
        s->problems = p;
        s->capp = cap;
    }
    rdc_buf_t b = {0};
    rdc_buf_vprintf(&b, fmt, ap);
    char *msg = rdc_buf_take(&b);
    if (msg == NULL) {
        s->oom = true;
        return;
    }
    rdc_spf_problem_t *p = &s->problems[s->nprob++];
    memset(p, 0, sizeof *p);
    snprintf(p->code, sizeof p->code, "%s", code);
    p->message = msg;
    p->fatal = fatal;
}

/* A finding that does not stop the evaluation (final walk only). */
static void note(walk_t *w, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void note(walk_t *w, const char *code, const char *fmt, ...)
{
    if (!w->final)
        return;
    va_list ap;
    va_start(ap, fmt);
    add_problem(w, code, false, fmt, ap);
    va_end(ap);
}

/* The evaluation ends here with the result code implies. */
static void stop(walk_t *w, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void stop(walk_t *w, const char *code, const char *fmt, ...)
{
    if (w->stop)
        return;
    w->stop = true;
    if (!w->final)
        return;
    if (strcmp(code, "spf-none") == 0)
        w->s->result = RDC_SPF_NONE;
    else if (strcmp(code, "spf-temperror") == 0)
        w->s->result = RDC_SPF_TEMPERROR;
    else
        w->s->result = RDC_SPF_PERMERROR;
    va_list ap;
    va_start(ap, fmt);
    add_problem(w, code, true, fmt, ap);
    va_end(ap);
}

/* Where the walk is, for messages: "example.com include:_spf.example.net"
 * (final walk only; the via chain without its "spf"). */
static const char *where(walk_t *w)
{
    rdc_buf_free(&w->where);
    rdc_buf_puts(&w->where, w->s->domain);
    if (w->via.s != NULL && w->via.len > 3)
        rdc_buf_puts(&w->where, w->via.s + 3);
    return w->where.s ? w->where.s : w->s->domain;
}

static void add_range(walk_t *w, const rdc_cidr_t *c, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void add_range(walk_t *w, const rdc_cidr_t *c, const char *fmt, ...)
{
    rdc_spf_t *s = w->s;
    if (!w->final)
        return;
    for (size_t i = 0; i < s->nranges; i++) {
        const rdc_cidr_t *o = &s->ranges[i].cidr;
        if (o->prefix == c->prefix && rdc_addr_equal(&o->base, &c->base))
            return; /* the first via stays */
    }
    if (s->nranges >= RDC_SPF_MAX_RANGES) {
        s->dropped++;
        return;
    }
    if (s->nranges == s->capr) {
        size_t cap = s->capr ? s->capr * 2 : 16;
        rdc_spf_range_t *r = realloc(s->ranges, cap * sizeof *r);
        if (r == NULL) {
            s->oom = true;
            return;
        }
        s->ranges = r;
        s->capr = cap;
    }
    rdc_buf_t b = {0};
    rdc_buf_puts(&b, w->via.s ? w->via.s : "spf");
    va_list ap;
    va_start(ap, fmt);
    rdc_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    char *via = rdc_buf_take(&b);
    if (via == NULL) {
        s->oom = true;
        return;
    }
    s->ranges[s->nranges].cidr = *c;
    s->ranges[s->nranges].via = via;
    s->nranges++;
}

/* " (not authorised: ...)" for a term that authorises nothing. */
static const char *unauth_text(const spf_term_t *t, char pathq, char *buf, size_t cap)
{
    if (t->qual != '+')
        snprintf(buf, cap, ", not authorised (qualifier '%c')", t->qual);
    else if (pathq != '+')
        snprintf(buf, cap, ", not authorised (inside a '%c' include)", pathq);
    else
        buf[0] = '\0';
    return buf;
}

/* Counts a DNS-querying term (§4.6.4). False when it is one too many. */
static bool count_lookup(walk_t *w, const spf_term_t *t, unsigned depth)
{
    w->lookups++;
    if (w->lookups <= RDC_SPF_MAX_LOOKUPS)
        return true;
    tree_line(w, depth, "%s -> not evaluated: DNS lookup limit exceeded", t->text);
    stop(w, "spf-too-many-lookups",
         "too many DNS lookups: '%s' at %s is DNS-querying term number %u; RFC 7208 section 4.6.4 "
         "allows %d (include, a, mx, ptr, exists, redirect) in one evaluation",
         t->text, where(w), w->lookups, RDC_SPF_MAX_LOOKUPS);
    return false;
}

/* Counts a void lookup (§4.6.4). False when it is one too many. */
static bool count_void(walk_t *w, const char *what)
{
    w->voids++;
    if (w->voids <= RDC_SPF_MAX_VOID)
        return true;
    stop(w, "spf-void-lookups",
         "too many void lookups: %s at %s found nothing, void lookup number %u; RFC 7208 "
         "section 4.6.4 allows %d",
         what, where(w), w->voids, RDC_SPF_MAX_VOID);
    return false;
}

static void unsupported(walk_t *w, const spf_term_t *t, unsigned depth, const char *why)
{
    tree_line(w, depth, "%s -> not evaluated (%s)", t->text, why);
    note(w, "spf-unsupported-mechanism",
         "'%s' at %s is not evaluated (%s): any addresses it authorises are not listed", t->text,
         where(w), why);
}

static void temp_failure(walk_t *w, const spf_q_t *q, const char *label, unsigned depth)
{
    tree_line(w, depth, "%s -> %s lookup of %s %s", label, type_name(q->type), q->name,
              status_text(q->status));
    stop(w, "spf-temperror", "the %s lookup of %s %s (at %s): the SPF result is temperror",
         type_name(q->type), q->name, status_text(q->status), where(w));
}

/* The A and AAAA lookups of name for term t (an a term, or one exchange of an
 * mx term when mxhost is set), with t's CIDR lengths. */
static void walk_addrs(walk_t *w, const char *name, const spf_term_t *t, unsigned depth, char pathq,
                       const char *mxhost)
{
    spf_q_t *q4 = need(w->s, name, RDC_SPF_TYPE_A);
    spf_q_t *q6 = q4 ? need(w->s, name, RDC_SPF_TYPE_AAAA) : NULL;
    const char *label = mxhost ? mxhost : t->text;
    if (q4 == NULL || q6 == NULL) {
        stop(w, "spf-too-much-work", "too many DNS questions (over %d): not evaluated further",
             RDC_SPF_MAX_QUERIES);
        return;
    }
    /* a temporary failure ends the evaluation even before the other answer */
    if (q4->state == Q_DONE && is_temporary(q4->status)) {
        temp_failure(w, q4, label, depth);
        return;
    }
    if (q6->state == Q_DONE && is_temporary(q6->status)) {
        temp_failure(w, q6, label, depth);
        return;
    }
    if (q4->state != Q_DONE || q6->state != Q_DONE)
        return; /* not known yet: the walk goes on */
    if (q4->naddrs == 0 && q6->naddrs == 0) {
        tree_line(w, depth, "%s -> no address (void lookup)", label);
        char what[300];
        snprintf(what, sizeof what, "the A/AAAA lookup of %s", name);
        count_void(w, what);
        return;
    }
    bool ok = pathq == '+' && t->qual == '+';
    rdc_buf_t line = {0};
    size_t shown = 0, total = q4->naddrs + q6->naddrs;
    for (int fam = 0; fam < 2; fam++) {
        const spf_q_t *q = fam == 0 ? q4 : q6;
        for (size_t i = 0; i < q->naddrs; i++) {
            rdc_cidr_t c;
            c.base = q->addrs[i];
            c.prefix = fam == 0 ? t->c4 : t->c6;
            clear_host_bits(&c.base, c.prefix);
            char at[RDC_ADDR_TEXT_MAX], ct[RDC_ADDR_TEXT_MAX + 8];
            rdc_addr_format(&q->addrs[i], at);
            if (ok) {
                if (mxhost)
                    add_range(w, &c, " %s %s %s", t->text, mxhost, at);
                else
                    add_range(w, &c, " %s %s", t->text, at);
            }
            if (w->final && shown < TREE_ADDRS) {
                cidr_text(&c, ct, sizeof ct);
                rdc_buf_printf(&line, "%s%s", shown ? ", " : "", ct);
                shown++;
            }
        }
    }
    if (w->final) {
        char why[64];
        if (total > shown)
            rdc_buf_printf(&line, ", ... (%zu in all)", total);
        tree_line(w, depth, "%s -> %s%s", label, line.s ? line.s : "",
                  unauth_text(t, pathq, why, sizeof why));
    }
    rdc_buf_free(&line);
}

static void walk_mx(walk_t *w, const char *dom, const spf_term_t *t, unsigned depth, char pathq)
{
    spf_q_t *q = need(w->s, dom, RDC_SPF_TYPE_MX);
    if (q == NULL) {
        stop(w, "spf-too-much-work", "too many DNS questions (over %d): not evaluated further",
             RDC_SPF_MAX_QUERIES);
        return;
    }
    if (q->state != Q_DONE)
        return;
    if (is_temporary(q->status)) {
        temp_failure(w, q, t->text, depth);
        return;
    }
    if (q->status != RDC_DNS_OK) {
        tree_line(w, depth, "%s -> no MX record (void lookup)", t->text);
        char what[300];
        snprintf(what, sizeof what, "the MX lookup of %s", dom);
        count_void(w, what);
        return;
    }
    if (q->nmx > RDC_SPF_MAX_MX) {
        tree_line(w, depth, "%s -> %zu exchanges: too many", t->text, q->nmx);
        stop(w, "spf-too-many-mx",
             "'%s' at %s: %s has %zu MX host names; RFC 7208 section 4.6.4 allows %d for one mx "
             "mechanism",
             t->text, where(w), dom, q->nmx, RDC_SPF_MAX_MX);
        return;
    }
    if (q->nbad > 0)
        note(w, "spf-mx-invalid",
             "'%s' at %s: %zu MX exchange name%s of %s %s no host name%s (first: '%s'): "
             "skipped",
             t->text, where(w), q->nbad, q->nbad == 1 ? "" : "s", dom, q->nbad == 1 ? "is" : "are",
             q->nbad == 1 ? "" : "s", q->bad ? q->bad : "");
    char why[64];
    tree_line(w, depth, "%s -> %zu exchange%s%s", t->text, q->nmx, q->nmx == 1 ? "" : "s",
              unauth_text(t, pathq, why, sizeof why));
    for (size_t i = 0; i < q->nmx && !w->stop; i++)
        walk_addrs(w, q->mx[i], t, depth + 1, pathq, q->mx[i]);
}

static void walk_node(walk_t *w, spf_node_t *n, unsigned depth, char pathq, const spf_term_t *via);

static bool on_path(const spf_node_t *n, const char *dom)
{
    for (; n != NULL; n = n->parent)
        if (strcmp(n->domain, dom) == 0)
            return true;
    return false;
}

static spf_node_t *new_node(rdc_spf_t *s, const char *dom, spf_node_t *parent)
{
    if (s->nnodes >= MAX_NODES)
        return NULL;
    if (s->nnodes == s->capn) {
        size_t cap = s->capn ? s->capn * 2 : 8;
        spf_node_t **nodes = realloc(s->nodes, cap * sizeof *nodes);
        if (nodes == NULL) {
            s->oom = true;
            return NULL;
        }
        s->nodes = nodes;
        s->capn = cap;
    }
    spf_node_t *n = calloc(1, sizeof *n);
    if (n == NULL) {
        s->oom = true;
        return NULL;
    }
    snprintf(n->domain, sizeof n->domain, "%s", dom);
    n->parent = parent;
    s->nodes[s->nnodes++] = n;
    return n;
}

/* include: or redirect= (§5.2, §6.1). */
static void walk_sub(walk_t *w, spf_node_t *n, spf_term_t *t, unsigned depth, char pathq)
{
    if (t->macro) {
        unsupported(w, t, depth, "macros are not supported");
        return;
    }
    if (on_path(n, t->domain)) {
        tree_line(w, depth, "%s -> loop: %s is already being evaluated", t->text, t->domain);
        stop(w, "spf-loop", "'%s' at %s leads back to %s, which is already being evaluated: a loop",
             t->text, where(w), t->domain);
        return;
    }
    if (t->child == NULL) {
        t->child = new_node(w->s, t->domain, n);
        if (t->child == NULL) {
            stop(w, "spf-too-much-work", "too many include/redirect targets (over %d)", MAX_NODES);
            return;
        }
    }
    size_t mark = w->via.len;
    if (w->final) {
        rdc_buf_printf(&w->via, " %s", t->text);
        if (w->via.failed)
            w->s->oom = true;
    }
    char q = pathq;
    if (t->kind == K_INCLUDE && pathq == '+')
        q = t->qual;
    walk_node(w, t->child, depth, q, t);
    if (w->final && w->via.s != NULL) {
        w->via.len = mark;
        w->via.s[mark] = '\0';
    }
}

static void walk_term(walk_t *w, spf_node_t *n, spf_term_t *t, unsigned depth, char pathq)
{
    const char *dom = t->domain[0] ? t->domain : n->domain;
    bool ok = pathq == '+' && t->qual == '+';
    char why[64], size[48];
    switch (t->kind) {
    case K_IP4:
    case K_IP6:
        size_text(&t->cidr, size, sizeof size);
        tree_line(w, depth, "%s -> %s%s", t->text, size, unauth_text(t, pathq, why, sizeof why));
        if (ok)
            add_range(w, &t->cidr, " %s", t->text);
        break;
    case K_ALL:
        if (t->qual != '+')
            break;
        tree_line(w, depth, "%s -> every address%s", t->text,
                  unauth_text(t, pathq, why, sizeof why));
        if (ok) {
            rdc_cidr_t c;
            memset(&c, 0, sizeof c);
            c.base.family = 4;
            add_range(w, &c, " %s", t->text);
            c.base.family = 6;
            add_range(w, &c, " %s", t->text);
            note(w, "spf-pass-all",
                 "'%s' at %s authorises every address on the Internet to send mail for %s", t->text,
                 where(w), w->s->domain);
        }
        break;
    case K_INCLUDE:
    case K_REDIRECT:
        if (count_lookup(w, t, depth))
            walk_sub(w, n, t, depth, pathq);
        break;
    case K_A:
        if (!count_lookup(w, t, depth))
            break;
        if (t->macro)
            unsupported(w, t, depth, "macros are not supported");
        else
            walk_addrs(w, dom, t, depth, pathq, NULL);
        break;
    case K_MX:
        if (!count_lookup(w, t, depth))
            break;
        if (t->macro)
            unsupported(w, t, depth, "macros are not supported");
        else
            walk_mx(w, dom, t, depth, pathq);
        break;
    case K_PTR:
        if (!count_lookup(w, t, depth))
            break;
        tree_line(w, depth, "%s -> not evaluated (deprecated)", t->text);
        note(
            w, "spf-ptr-deprecated",
            "'%s' at %s: the ptr mechanism is deprecated (RFC 7208 section 5.5: do not use it); it "
            "is slow and unreliable and is not evaluated here: list the addresses with ip4:/ip6: "
            "instead",
            t->text, where(w));
        break;
    case K_EXISTS:
        if (count_lookup(w, t, depth))
            unsupported(w, t, depth, "exists: depends on the sender and is not supported");
        break;
    case K_EXP:
    case K_UNKNOWN:
        break;
    }
}

/* check_host() of node n: its record, then its terms in order (§4.6). label
 * is the term that led here (NULL for the top domain). */
static void walk_node(walk_t *w, spf_node_t *n, unsigned depth, char pathq, const spf_term_t *via)
{
    rdc_spf_t *s = w->s;
    const char *label = via ? via->text : n->domain;
    spf_q_t *q = need(s, n->domain, RDC_SPF_TYPE_TXT);
    if (q == NULL) {
        stop(w, "spf-too-much-work", "too many DNS questions (over %d): not evaluated further",
             RDC_SPF_MAX_QUERIES);
        return;
    }
    if (q->state != Q_DONE)
        return; /* not known yet: the walk goes on with what follows */
    if (is_temporary(q->status)) {
        temp_failure(w, q, label, depth);
        return;
    }
    if (q->nspf == 0) {
        bool nx = q->status == RDC_DNS_NXDOMAIN;
        tree_line(w, depth, "%s: no SPF record%s", label, nx ? " (NXDOMAIN)" : "");
        if (via == NULL)
            stop(w, "spf-none", "%s has no SPF record (%s)", n->domain,
                 nx ? "the domain does not exist" : "no TXT record starts with \"v=spf1\"");
        else if (via->kind == K_INCLUDE)
            stop(w, "spf-include-none",
                 "at %s: %s has no SPF record%s, which makes the include a permanent error "
                 "(RFC 7208 section 5.2)",
                 where(w), n->domain, nx ? " (it does not exist)" : "");
        else
            stop(w, "spf-redirect-none",
                 "at %s: %s has no SPF record%s, which makes the redirect a permanent error "
                 "(RFC 7208 section 6.1)",
                 where(w), n->domain, nx ? " (it does not exist)" : "");
        return;
    }
    if (q->nspf > 1) {
        tree_line(w, depth, "%s: %u SPF records", label, q->nspf);
        stop(w, "spf-multiple",
             "%s has %u SPF records (TXT records starting with \"v=spf1\"); RFC 7208 section 4.5 "
             "allows one: the result is permerror",
             n->domain, q->nspf);
        return;
    }
    if (!n->parsed && !parse_record(n, q->rec, q->reclen)) {
        s->oom = true;
        w->stop = true;
        return;
    }
    tree_line(w, depth, "%s: %s", label, n->rtext);
    if (n->errcode != NULL) {
        if (via == NULL)
            stop(w, n->errcode, "%s", n->err);
        else
            stop(w, n->errcode, "%s (reached at %s)", n->err, where(w));
        return;
    }
    if (n->after_all > 0)
        note(w, "spf-ignored",
             "%u mechanism%s after 'all' in the SPF record of %s %s ignored (RFC 7208 section 5.1)",
             n->after_all, n->after_all == 1 ? "" : "s", n->domain,
             n->after_all == 1 ? "is" : "are");
    if (n->redirect_at < n->nterms && n->all_at < n->nterms)
        note(w, "spf-ignored",
             "'%s' in the SPF record of %s is ignored because the record has 'all' (RFC 7208 "
             "section 6.1)",
             n->terms[n->redirect_at].text, n->domain);
    for (size_t i = 0; i < n->nterms && i <= n->all_at && !w->stop && !s->oom; i++)
        if (is_mechanism(n->terms[i].kind))
            walk_term(w, n, &n->terms[i], depth + 1, pathq);
    /* redirect= is evaluated after every mechanism, and only without "all" */
    if (!w->stop && !s->oom && n->all_at == n->nterms && n->redirect_at < n->nterms)
        walk_term(w, n, &n->terms[n->redirect_at], depth + 1, pathq);
}

static void clear_results(rdc_spf_t *s)
{
    for (size_t i = 0; i < s->nranges; i++)
        free(s->ranges[i].via);
    s->nranges = 0;
    s->dropped = 0;
    for (size_t i = 0; i < s->nprob; i++)
        free(s->problems[i].message);
    s->nprob = 0;
    free(s->tree);
    s->tree = NULL;
}

/* Walks the evaluation: marks (and creates) the questions it needs, and in
 * the final walk records the results. */
static void run_walk(rdc_spf_t *s, bool final)
{
    walk_t w;
    memset(&w, 0, sizeof w);
    w.s = s;
    w.final = final;
    s->gen++;
    if (final) {
        clear_results(s);
        s->result = RDC_SPF_OK;
        rdc_buf_puts(&w.via, "spf");
    }
    walk_node(&w, s->top, 0, '+', NULL);
    if (final) {
        s->lookups = w.lookups;
        s->voids = w.voids;
        if (s->dropped > 0)
            note(&w, "spf-too-many-ranges", "%zu more ranges are not listed (limit %d)", s->dropped,
                 RDC_SPF_MAX_RANGES);
        if (w.tree.failed || w.via.failed)
            s->oom = true;
        s->tree = rdc_buf_take(&w.tree);
    }
    if (w.where.failed)
        s->oom = true;
    rdc_buf_free(&w.tree);
    rdc_buf_free(&w.via);
    rdc_buf_free(&w.where);
}

static bool compute_done(const rdc_spf_t *s)
{
    for (size_t i = 0; i < s->nq; i++) {
        const spf_q_t *q = s->qs[i];
        if (q->state == Q_SENT)
            return false;
        if (q->state == Q_NEW && q->mark == s->gen && !s->oom)
            return false;
    }
    return true;
}

/* After an answer (or at the start): walk; when nothing is left, finish. */
static void step(rdc_spf_t *s)
{
    if (s->done)
        return;
    if (!s->oom)
        run_walk(s, false);
    if (!compute_done(s))
        return;
    if (!s->oom)
        run_walk(s, true);
    s->done = true;
}

/* ---------------------------------------------------------------- API */

rdc_spf_t *rdc_spf_new(const char *domain)
{
    if (domain == NULL)
        return NULL;
    rdc_spf_t *s = calloc(1, sizeof *s);
    if (s == NULL)
        return NULL;
    size_t len = strnlen(domain, 300);
    if (len >= 300 || !host_name(domain, len, s->domain, NULL)) {
        free(s);
        return NULL;
    }
    s->result = RDC_SPF_TEMPERROR;
    s->top = new_node(s, s->domain, NULL);
    if (s->top == NULL) {
        rdc_spf_free(s);
        return NULL;
    }
    step(s);
    if (s->oom) {
        rdc_spf_free(s);
        return NULL;
    }
    return s;
}

void rdc_spf_free(rdc_spf_t *s)
{
    if (s == NULL)
        return;
    clear_results(s);
    free(s->ranges);
    free(s->problems);
    for (size_t i = 0; i < s->nq; i++)
        q_free(s->qs[i]);
    free(s->qs);
    for (size_t i = 0; i < s->nnodes; i++) {
        spf_node_t *n = s->nodes[i];
        for (size_t k = 0; k < n->nterms; k++)
            free(n->terms[k].text);
        free(n->terms);
        free(n->err);
        free(n->rtext);
        free(n);
    }
    free(s->nodes);
    free(s);
}

bool rdc_spf_next_query(rdc_spf_t *s, rdc_spf_query_t *q)
{
    if (s == NULL || s->done || s->oom)
        return false;
    for (size_t i = 0; i < s->nq; i++) {
        spf_q_t *x = s->qs[i];
        if (x->state == Q_NEW && x->mark == s->gen) {
            x->state = Q_SENT;
            memset(q, 0, sizeof *q);
            q->id = x->id;
            memcpy(q->name, x->name, sizeof q->name);
            q->type = x->type;
            return true;
        }
    }
    return false;
}

void rdc_spf_answer(rdc_spf_t *s, unsigned id, rdc_dns_status_t status, const rdc_spf_rr_t *rrs,
                    size_t n)
{
    if (s == NULL || id == 0 || id > s->nq)
        return;
    spf_q_t *q = s->qs[id - 1];
    if (q->state != Q_SENT)
        return;
    q->state = Q_DONE;
    q->status = status;
    if (rrs == NULL)
        n = 0;
    if (status == RDC_DNS_OK) {
        if (q->type == RDC_SPF_TYPE_TXT)
            take_txt(s, q, rrs, n);
        else if (q->type == RDC_SPF_TYPE_MX)
            take_mx(s, q, rrs, n);
        else
            take_addrs(s, q, rrs, n);
    }
    step(s);
}

bool rdc_spf_done(const rdc_spf_t *s)
{
    return s == NULL || s->done;
}

rdc_spf_result_t rdc_spf_result(const rdc_spf_t *s)
{
    if (s == NULL || !s->done || s->oom)
        return RDC_SPF_TEMPERROR;
    return s->result;
}

const char *rdc_spf_result_name(rdc_spf_result_t r)
{
    switch (r) {
    case RDC_SPF_OK:
        return "ok";
    case RDC_SPF_NONE:
        return "none";
    case RDC_SPF_PERMERROR:
        return "permerror";
    case RDC_SPF_TEMPERROR:
        return "temperror";
    }
    return "temperror";
}

const rdc_spf_range_t *rdc_spf_ranges(const rdc_spf_t *s, size_t *n)
{
    if (s == NULL || !s->done) {
        *n = 0;
        return NULL;
    }
    *n = s->nranges;
    return s->ranges;
}

const rdc_spf_problem_t *rdc_spf_problems(const rdc_spf_t *s, size_t *n)
{
    if (s == NULL || !s->done) {
        *n = 0;
        return NULL;
    }
    *n = s->nprob;
    return s->problems;
}

unsigned rdc_spf_lookups(const rdc_spf_t *s)
{
    return s ? s->lookups : 0;
}

unsigned rdc_spf_void_lookups(const rdc_spf_t *s)
{
    return s ? s->voids : 0;
}

const char *rdc_spf_tree(const rdc_spf_t *s)
{
    return (s != NULL && s->tree != NULL) ? s->tree : "";
}
