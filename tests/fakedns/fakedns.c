/* fakedns.c - scripted DNS responder for fault-injection tests.
 * Parses a rule script and serves UDP and TCP (2-byte length framing) on one
 * loopback port from a poll()-based thread, applying the scripted faults. */

/*
 * Script format (one directive per line, keywords case-insensitive; '#' outside
 * quotes and not escaped starts a comment; blank lines ignored; CRLF accepted):
 *
 *   default [options]                  the rule used when no match applies;
 *                                      without options: rcode=REFUSED noaa.
 *                                      Takes every match option but times=,
 *                                      plus seed=N (droprate PRNG, default 1).
 *   match <qname|*> <qtype|*> [options]
 *     rr <owner> <ttl> <TYPE> <rdata...> [repeat=N | seq=N]
 *     raw <hex...>                     octets appended to the answer section
 *     rawmsg <hex...>                  the reply after the 2-byte ID
 *
 * rr, raw and rawmsg lines belong to the closest preceding match/default line;
 * several rawmsg lines concatenate; rawmsg cannot be mixed with rr/raw.
 * Rules are tried in order; the first whose qname (case-insensitive), qtype and
 * times= budget fit is used and its hit counter is increased.
 * Names: presentation form, trailing dot optional, \DDD and \X escapes,
 * "@" or "." is the root. qtype/TYPE: A NS CNAME SOA PTR MX TXT AAAA SRV OPT ANY,
 * a number or TYPEnnn. rr TYPEs: A, AAAA, PTR, CNAME, NS, MX <pref> <name>,
 * TXT <string>... (quoted or bare, \DDD/\X escapes, at most 255 octets each).
 * repeat=N (last token) emits the record N times; for name rdata (PTR, CNAME,
 * NS, MX) the first rdata label gets the prefix "n<i>-", i = 1..N.
 * seq=N (last token, A and AAAA only) emits N records with consecutive
 * addresses: the i-th (i = 1..N) is the address given plus i-1, carried into
 * the higher octets (seq=3 of 192.0.2.254: .254, .255, 192.0.3.0).
 *
 * Options: rcode=NAME|0..4095 (values > 15 need EDNS for the high bits)
 *          aa | noaa (match default: aa), tc, drop, droprate=0..100,
 *          times=N, delay=MS, wrongid, qname=NAME, empty,
 *          tcp=refuse|half|normal, rawcount=N (the raw lines together count N
 *          answers instead of one each; rr records are always counted).
 * Reply: ID (+1 with wrongid), QR=1, opcode and RD copied, AA per rule, RA=0,
 * question copied verbatim (or qname=), answers, and an OPT (size 1232) in the
 * additional section if the query had one. Over UDP a reply larger than 512
 * (no EDNS) or min(max(advertised, 512), 1232) gets TC=1 and no answers.
 * rawmsg replies are sent as they are (no TC logic, tc/aa/rcode/qname= ignored).
 * Queries without exactly one parsable question get a bare FORMERR header;
 * messages shorter than 12 octets or with QR=1 are ignored.
 */

#define _POSIX_C_SOURCE 200809L

#include "fakedns.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_NAME 255
#define MAX_MSG 65535
#define EDNS_SIZE 1232
#define MAX_CONNS 512
#define TCP_INBUF (2 + MAX_MSG)
/* Largest answer section that still fits a reply: header, longest question, OPT. */
#define MAX_ANSWER (MAX_MSG - 12 - MAX_NAME - 4 - 11)
#define MAX_DELAY_MS 3600000UL

#if defined(__GNUC__)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define PRINTF_LIKE(f, a)
#endif

/* ---------------------------------------------------------------- buffers */

typedef struct {
    unsigned char *p;
    size_t len, cap;
} buf_t;

static bool buf_reserve(buf_t *b, size_t extra)
{
    if (extra > SIZE_MAX / 2 - b->len)
        return false;
    size_t need = b->len + extra;
    if (need <= b->cap)
        return true;
    size_t ncap = b->cap ? b->cap : 64;
    while (ncap < need)
        ncap *= 2;
    unsigned char *np = realloc(b->p, ncap);
    if (!np)
        return false;
    b->p = np;
    b->cap = ncap;
    return true;
}

static bool buf_put(buf_t *b, const void *d, size_t n)
{
    if (n == 0)
        return true;
    if (!buf_reserve(b, n))
        return false;
    memcpy(b->p + b->len, d, n);
    b->len += n;
    return true;
}

static bool buf_u8(buf_t *b, unsigned v)
{
    unsigned char c = (unsigned char)(v & 0xffu);
    return buf_put(b, &c, 1);
}

static bool buf_u16(buf_t *b, unsigned v)
{
    unsigned char c[2] = {(unsigned char)((v >> 8) & 0xffu), (unsigned char)(v & 0xffu)};
    return buf_put(b, c, 2);
}

static bool buf_u32(buf_t *b, unsigned long v)
{
    unsigned char c[4] = {(unsigned char)((v >> 24) & 0xffu), (unsigned char)((v >> 16) & 0xffu),
                          (unsigned char)((v >> 8) & 0xffu), (unsigned char)(v & 0xffu)};
    return buf_put(b, c, 4);
}

static void buf_free(buf_t *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

/* ------------------------------------------------------------------ rules */

typedef struct {
    unsigned char b[MAX_NAME];
    size_t len; /* wire length including the final zero octet */
} dname_t;

enum tcp_mode { TCP_NORMAL, TCP_REFUSE, TCP_HALF };

typedef struct {
    int line;
    bool any_name;
    dname_t name;
    bool any_type;
    unsigned qtype;
    unsigned rcode;
    bool aa, tc, drop, wrongid, empty;
    unsigned droprate; /* percent, 0 = never */
    unsigned long times; /* 0 = unlimited */
    unsigned long hits;
    unsigned long delay_ms;
    bool has_rqname;
    dname_t rqname;
    enum tcp_mode tcp;
    bool has_rawcount;
    unsigned long rawcount;
    bool is_rawmsg;
    buf_t rawmsg;
    buf_t answer;
    unsigned long nrr, nraw;
} rule_t;

/* ------------------------------------------------------------ server state */

struct conn {
    int fd;
    unsigned long long id;
    unsigned char *in;
    size_t inlen;
    buf_t out;
    size_t outoff;
    bool closing; /* no more reads or replies; close once output is flushed */
    bool rd_eof; /* peer finished sending */
    bool dead; /* close at once */
    unsigned long npending;
};

enum act { ACT_SEND, ACT_HALF, ACT_CLOSE };

struct pending {
    struct pending *next;
    unsigned long long due;
    bool tcp;
    struct sockaddr_storage peer;
    socklen_t peerlen;
    unsigned long long connid;
    enum act act;
    buf_t msg;
};

struct qrec {
    unsigned char name[MAX_NAME];
    unsigned char namelen;
    unsigned short qtype;
    bool tcp;
};

struct fakedns {
    rule_t *rules;
    size_t nrules;
    rule_t deflt;
    bool have_default;
    uint64_t prng;

    int udp, lsn, wake_r, wake_w;
    unsigned port;
    pthread_t thr;
    bool thr_started;

    pthread_mutex_t mu;
    struct qrec *qlog;
    size_t nq, capq;

    struct conn **conns;
    size_t nconns, capconns;
    unsigned long long next_connid;
    struct pending *pend;

    fakedns_log_fn logfn;
    void *logctx;

    unsigned char rxbuf[65536];
};

struct query {
    unsigned id;
    unsigned f1, f2;
    dname_t qname;
    unsigned qtype, qclass;
    bool edns;
    unsigned edns_size;
};

/* ----------------------------------------------------------------- helpers */

static PRINTF_LIKE(3, 4) void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || errlen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

static bool is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static int lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = lower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* Decimal number without sign, at most max. */
static bool parse_ulong(const char *s, unsigned long max, unsigned long *out)
{
    unsigned long v = 0;
    if (!s || !*s)
        return false;
    for (; *s; s++) {
        if (!is_digit(*s))
            return false;
        unsigned long dgt = (unsigned long)(*s - '0');
        if (v > (max - dgt) / 10)
            return false;
        v = v * 10 + dgt;
    }
    *out = v;
    return true;
}

static bool names_equal(const unsigned char *a, size_t alen, const unsigned char *b, size_t blen)
{
    if (alen != blen)
        return false;
    /* Length octets are < 64 and thus never changed by lower(). */
    for (size_t i = 0; i < alen; i++)
        if (lower(a[i]) != lower(b[i]))
            return false;
    return true;
}

static unsigned long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (unsigned long long)ts.tv_sec * 1000ULL + (unsigned long long)ts.tv_nsec / 1000000ULL;
}

static uint64_t next_rand(fakedns_t *d)
{
    uint64_t z = (d->prng += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static const struct {
    const char *name;
    unsigned value;
} type_names[] = {{"A", 1},    {"NS", 2},    {"CNAME", 5}, {"SOA", 6},  {"PTR", 12}, {"MX", 15},
                  {"TXT", 16}, {"AAAA", 28}, {"SRV", 33},  {"OPT", 41}, {"ANY", 255}};

static bool parse_type(const char *s, unsigned *out)
{
    unsigned long v;
    for (size_t i = 0; i < sizeof type_names / sizeof type_names[0]; i++) {
        if (strcasecmp(s, type_names[i].name) == 0) {
            *out = type_names[i].value;
            return true;
        }
    }
    if (strncasecmp(s, "TYPE", 4) == 0)
        s += 4;
    if (!parse_ulong(s, 65535, &v))
        return false;
    *out = (unsigned)v;
    return true;
}

static void type_text(unsigned t, char *buf, size_t n)
{
    for (size_t i = 0; i < sizeof type_names / sizeof type_names[0]; i++) {
        if (type_names[i].value == t) {
            snprintf(buf, n, "%s", type_names[i].name);
            return;
        }
    }
    snprintf(buf, n, "TYPE%u", t);
}

static const struct {
    const char *name;
    unsigned value;
} rcode_names[] = {{"NOERROR", 0}, {"FORMERR", 1}, {"SERVFAIL", 2}, {"NXDOMAIN", 3},
                   {"NOTIMP", 4},  {"REFUSED", 5}, {"YXDOMAIN", 6}, {"YXRRSET", 7},
                   {"NXRRSET", 8}, {"NOTAUTH", 9}, {"NOTZONE", 10}, {"BADVERS", 16}};

static bool parse_rcode(const char *s, unsigned *out)
{
    unsigned long v;
    for (size_t i = 0; i < sizeof rcode_names / sizeof rcode_names[0]; i++) {
        if (strcasecmp(s, rcode_names[i].name) == 0) {
            *out = rcode_names[i].value;
            return true;
        }
    }
    if (!parse_ulong(s, 4095, &v))
        return false;
    *out = (unsigned)v;
    return true;
}

/* Decode one possibly escaped character (\DDD or \X) at *pp. */
static const char *decode_char(const char **pp, int *c)
{
    const char *p = *pp;
    if (*p != '\\') {
        *c = (unsigned char)*p;
        *pp = p + 1;
        return NULL;
    }
    p++;
    if (*p == '\0')
        return "trailing backslash";
    if (is_digit(*p)) {
        if (!is_digit(p[1]) || !is_digit(p[2]))
            return "bad \\DDD escape (needs three digits)";
        int v = (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');
        if (v > 255)
            return "\\DDD escape above 255";
        *c = v;
        *pp = p + 3;
        return NULL;
    }
    *c = (unsigned char)*p;
    *pp = p + 1;
    return NULL;
}

/* Presentation-form name to wire form. Returns NULL or an error message. */
static const char *parse_name(const char *s, dname_t *out)
{
    unsigned char label[64];
    size_t ll = 0, o = 0;
    const char *why;

    if (strcmp(s, "@") == 0 || strcmp(s, ".") == 0) {
        out->b[0] = 0;
        out->len = 1;
        return NULL;
    }
    if (*s == '\0')
        return "empty name";
    const char *p = s;
    while (*p) {
        int c;
        if (*p == '.') {
            if (ll == 0)
                return "empty label in name";
            if (o + 1 + ll + 1 > MAX_NAME)
                return "name longer than 255 octets";
            out->b[o++] = (unsigned char)ll;
            memcpy(out->b + o, label, ll);
            o += ll;
            ll = 0;
            p++;
            continue;
        }
        if ((why = decode_char(&p, &c)) != NULL)
            return why;
        if (ll == 63)
            return "label longer than 63 octets";
        label[ll++] = (unsigned char)c;
    }
    if (ll > 0) {
        if (o + 1 + ll + 1 > MAX_NAME)
            return "name longer than 255 octets";
        out->b[o++] = (unsigned char)ll;
        memcpy(out->b + o, label, ll);
        o += ll;
    }
    out->b[o++] = 0;
    out->len = o;
    return NULL;
}

/* Wire name to presentation form (no trailing dot, "." for the root). */
static void name_text(const unsigned char *w, size_t len, char *out, size_t outlen)
{
    size_t o = 0, off = 0;
    char tmp[8];

    if (outlen == 0)
        return;
    out[0] = '\0';
    if (len == 0 || w[0] == 0) {
        snprintf(out, outlen, ".");
        return;
    }
    while (off < len && w[off] != 0) {
        size_t l = w[off++];
        if (off > 1 && o + 1 < outlen)
            out[o++] = '.';
        for (size_t i = 0; i < l && off + i < len; i++) {
            unsigned c = w[off + i];
            if (c == '.' || c == '\\' || c == '"')
                snprintf(tmp, sizeof tmp, "\\%c", (char)c);
            else if (c < 0x21 || c > 0x7e)
                snprintf(tmp, sizeof tmp, "\\%03u", c);
            else
                snprintf(tmp, sizeof tmp, "%c", (char)c);
            size_t tl = strlen(tmp);
            if (o + tl >= outlen)
                break;
            memcpy(out + o, tmp, tl);
            o += tl;
        }
        off += l;
    }
    out[o < outlen ? o : outlen - 1] = '\0';
}

/* ----------------------------------------------------------------- parser */

typedef struct {
    fakedns_t *d;
    char msg[300];
} pctx_t;

static PRINTF_LIKE(2, 3) bool perr(pctx_t *pc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(pc->msg, sizeof pc->msg, fmt, ap);
    va_end(ap);
    return false;
}

typedef struct {
    char **v;
    size_t n, cap;
} toks_t;

/* Split a line in place into whitespace-separated tokens; quotes and
 * backslash escapes are kept in the tokens. Returns NULL or an error. */
static const char *tokenize(char *line, toks_t *t)
{
    char *p = line;
    t->n = 0;
    for (;;) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '\0' || *p == '#')
            return NULL;
        char *start = p;
        bool inq = false;
        while (*p) {
            if (*p == '\\') {
                if (p[1] == '\0')
                    return "trailing backslash";
                p += 2;
                continue;
            }
            if (*p == '"')
                inq = !inq;
            else if (!inq && (*p == ' ' || *p == '\t' || *p == '#'))
                break;
            p++;
        }
        if (inq)
            return "unterminated quoted string";
        if (t->n == t->cap) {
            size_t ncap = t->cap ? t->cap * 2 : 16;
            char **nv = realloc(t->v, ncap * sizeof *nv);
            if (!nv)
                return "out of memory";
            t->v = nv;
            t->cap = ncap;
        }
        t->v[t->n++] = start;
        char c = *p;
        if (c != '\0')
            *p++ = '\0';
        if (c == '#' || c == '\0')
            return NULL;
    }
}

/* One TXT character-string token (quoted or not) appended as length + bytes. */
static const char *parse_charstr(const char *s, buf_t *out)
{
    unsigned char tmp[255];
    size_t l = 0;
    const char *p = s, *why;
    bool quoted = (*p == '"'), closed = false;

    if (quoted)
        p++;
    while (*p) {
        int c;
        if (quoted && *p == '"') {
            if (p[1] != '\0')
                return "text after closing quote";
            closed = true;
            break;
        }
        if ((why = decode_char(&p, &c)) != NULL)
            return why;
        if (l == sizeof tmp)
            return "TXT string longer than 255 octets";
        tmp[l++] = (unsigned char)c;
    }
    if (quoted && !closed)
        return "unterminated quoted string";
    if (!buf_u8(out, (unsigned)l) || !buf_put(out, tmp, l))
        return "out of memory";
    return NULL;
}

static const char *parse_hex(char **v, size_t n, buf_t *out)
{
    int hi = -1;
    for (size_t i = 0; i < n; i++) {
        for (const char *p = v[i]; *p; p++) {
            int h = hexval((unsigned char)*p);
            if (h < 0)
                return "bad hex digit";
            if (hi < 0) {
                hi = h;
            } else {
                if (!buf_u8(out, (unsigned)(hi << 4 | h)))
                    return "out of memory";
                hi = -1;
            }
        }
    }
    return hi >= 0 ? "odd number of hex digits" : NULL;
}

static void rule_init(rule_t *r, int line, bool is_default)
{
    memset(r, 0, sizeof *r);
    r->line = line;
    r->any_name = true;
    r->any_type = true;
    r->aa = !is_default;
    r->rcode = is_default ? 5 : 0;
}

static void rule_free(rule_t *r)
{
    buf_free(&r->answer);
    buf_free(&r->rawmsg);
}

static bool parse_option(pctx_t *pc, rule_t *r, const char *tok, bool is_default)
{
    const char *eq = strchr(tok, '=');
    size_t klen = eq ? (size_t)(eq - tok) : strlen(tok);
    const char *val = eq ? eq + 1 : NULL;
    unsigned long v;
    const char *why;

#define KEY(k) (klen == sizeof(k) - 1 && strncasecmp(tok, k, klen) == 0)
    if (!val) {
        if (KEY("aa"))
            r->aa = true;
        else if (KEY("noaa"))
            r->aa = false;
        else if (KEY("tc"))
            r->tc = true;
        else if (KEY("drop"))
            r->drop = true;
        else if (KEY("wrongid"))
            r->wrongid = true;
        else if (KEY("empty"))
            r->empty = true;
        else
            return perr(pc, "unknown option '%s'", tok);
        return true;
    }
    if (KEY("rcode")) {
        if (!parse_rcode(val, &r->rcode))
            return perr(pc, "bad rcode '%s'", val);
    } else if (KEY("droprate")) {
        if (!parse_ulong(val, 100, &v))
            return perr(pc, "droprate must be 0..100, got '%s'", val);
        r->droprate = (unsigned)v;
    } else if (KEY("times")) {
        if (is_default)
            return perr(pc, "times= is not allowed on default");
        if (!parse_ulong(val, ULONG_MAX, &v) || v == 0)
            return perr(pc, "times must be a positive number, got '%s'", val);
        r->times = v;
    } else if (KEY("delay")) {
        if (!parse_ulong(val, MAX_DELAY_MS, &v))
            return perr(pc, "delay must be 0..%lu ms, got '%s'", MAX_DELAY_MS, val);
        r->delay_ms = v;
    } else if (KEY("qname")) {
        if ((why = parse_name(val, &r->rqname)) != NULL)
            return perr(pc, "qname=: %s", why);
        r->has_rqname = true;
    } else if (KEY("tcp")) {
        if (strcasecmp(val, "refuse") == 0)
            r->tcp = TCP_REFUSE;
        else if (strcasecmp(val, "half") == 0)
            r->tcp = TCP_HALF;
        else if (strcasecmp(val, "normal") == 0)
            r->tcp = TCP_NORMAL;
        else
            return perr(pc, "tcp= must be refuse, half or normal, got '%s'", val);
    } else if (KEY("rawcount")) {
        if (!parse_ulong(val, 65535, &v))
            return perr(pc, "rawcount must be 0..65535, got '%s'", val);
        r->has_rawcount = true;
        r->rawcount = v;
    } else if (KEY("seed")) {
        if (!is_default)
            return perr(pc, "seed= is only allowed on the default line");
        if (!parse_ulong(val, ULONG_MAX, &v))
            return perr(pc, "bad seed '%s'", val);
        pc->d->prng = v;
    } else {
        return perr(pc, "unknown option '%s'", tok);
    }
#undef KEY
    return true;
}

static bool is_name_type(unsigned t)
{
    return t == 2 || t == 5 || t == 12 || t == 15;
}

static bool parse_rr(pctx_t *pc, rule_t *r, char **v, size_t n)
{
    unsigned long repeat = 1, ttl, pref = 0;
    bool has_repeat = false, is_seq = false;
    unsigned type;
    dname_t owner, target;
    buf_t rd = {0};
    const char *why;
    bool ok = false;

    if (r->is_rawmsg)
        return perr(pc, "rr cannot be combined with rawmsg");
    if (n >= 2 && strncasecmp(v[n - 1], "repeat=", 7) == 0) {
        if (!parse_ulong(v[n - 1] + 7, 65535, &repeat) || repeat == 0)
            return perr(pc, "repeat must be 1..65535, got '%s'", v[n - 1] + 7);
        has_repeat = true;
        n--;
    } else if (n >= 2 && strncasecmp(v[n - 1], "seq=", 4) == 0) {
        if (!parse_ulong(v[n - 1] + 4, 65535, &repeat) || repeat == 0)
            return perr(pc, "seq must be 1..65535, got '%s'", v[n - 1] + 4);
        is_seq = true;
        n--;
    }
    if (n < 5)
        return perr(pc, "rr needs <owner> <ttl> <type> <rdata>");
    if ((why = parse_name(v[1], &owner)) != NULL)
        return perr(pc, "owner '%s': %s", v[1], why);
    if (!parse_ulong(v[2], 0xffffffffUL, &ttl))
        return perr(pc, "bad ttl '%s'", v[2]);
    if (!parse_type(v[3], &type))
        return perr(pc, "bad type '%s'", v[3]);
    if (is_seq && type != 1 && type != 28)
        return perr(pc, "seq= is only for A and AAAA records");

    switch (type) {
    case 1:
    case 28: {
        unsigned char a[16];
        if (n != 5) {
            perr(pc, "%s needs exactly one address", v[3]);
            goto out;
        }
        if (inet_pton(type == 1 ? AF_INET : AF_INET6, v[4], a) != 1) {
            perr(pc, "bad address '%s'", v[4]);
            goto out;
        }
        if (!buf_put(&rd, a, type == 1 ? 4 : 16))
            goto oom;
        break;
    }
    case 2:
    case 5:
    case 12:
        if (n != 5) {
            perr(pc, "%s needs exactly one name", v[3]);
            goto out;
        }
        if ((why = parse_name(v[4], &target)) != NULL) {
            perr(pc, "name '%s': %s", v[4], why);
            goto out;
        }
        break;
    case 15:
        if (n != 6) {
            perr(pc, "MX needs <preference> <name>");
            goto out;
        }
        if (!parse_ulong(v[4], 65535, &pref)) {
            perr(pc, "bad MX preference '%s'", v[4]);
            goto out;
        }
        if ((why = parse_name(v[5], &target)) != NULL) {
            perr(pc, "name '%s': %s", v[5], why);
            goto out;
        }
        if (!buf_u16(&rd, (unsigned)pref))
            goto oom;
        break;
    case 16:
        for (size_t i = 4; i < n; i++) {
            if ((why = parse_charstr(v[i], &rd)) != NULL) {
                perr(pc, "TXT: %s", why);
                goto out;
            }
        }
        if (rd.len > 65535) {
            perr(pc, "TXT rdata longer than 65535 octets");
            goto out;
        }
        break;
    default:
        perr(pc, "unsupported rr type '%s' (use raw)", v[3]);
        goto out;
    }

    char prefix[16];
    if (is_name_type(type) && has_repeat) {
        int pl = snprintf(prefix, sizeof prefix, "n%lu-", repeat);
        if (target.len < 2) {
            perr(pc, "repeat= needs a non-root rdata name");
            goto out;
        }
        if (target.b[0] + (size_t)pl > 63 || target.len + (size_t)pl > MAX_NAME) {
            perr(pc, "repeat=: prefixed name too long");
            goto out;
        }
    }
    for (unsigned long i = 1; i <= repeat; i++) {
        dname_t nm;
        size_t rdlen = rd.len;
        if (is_name_type(type)) {
            nm = target;
            if (has_repeat) {
                size_t pl = (size_t)snprintf(prefix, sizeof prefix, "n%lu-", i);
                size_t l0 = target.b[0];
                nm.b[0] = (unsigned char)(l0 + pl);
                memcpy(nm.b + 1, prefix, pl);
                memcpy(nm.b + 1 + pl, target.b + 1, target.len - 1);
                nm.len = target.len + pl;
            }
            rdlen += nm.len;
        }
        if (is_seq && i > 1) {
            /* the next address: add one, carrying from the last octet */
            for (size_t k = rd.len; k-- > 0;)
                if (++rd.p[k] != 0)
                    break;
        }
        if (!buf_put(&r->answer, owner.b, owner.len) || !buf_u16(&r->answer, type) ||
            !buf_u16(&r->answer, 1) || !buf_u32(&r->answer, ttl) ||
            !buf_u16(&r->answer, (unsigned)rdlen) || !buf_put(&r->answer, rd.p, rd.len))
            goto oom;
        if (is_name_type(type) && !buf_put(&r->answer, nm.b, nm.len))
            goto oom;
        if (r->answer.len > MAX_ANSWER) {
            perr(pc, "answer section too large (max %d octets)", MAX_ANSWER);
            goto out;
        }
    }
    r->nrr += repeat;
    ok = true;
    goto out;
oom:
    perr(pc, "out of memory");
out:
    buf_free(&rd);
    return ok;
}

static bool parse_line(pctx_t *pc, rule_t **cur, char **v, size_t n, int lineno)
{
    fakedns_t *d = pc->d;
    const char *kw = v[0], *why;

    if (strcasecmp(kw, "match") == 0) {
        if (n < 3)
            return perr(pc, "match needs <qname> <qtype>");
        rule_t *nr = realloc(d->rules, (d->nrules + 1) * sizeof *nr);
        if (!nr)
            return perr(pc, "out of memory");
        d->rules = nr;
        rule_t *r = &d->rules[d->nrules++];
        rule_init(r, lineno, false);
        *cur = r;
        if (strcmp(v[1], "*") != 0) {
            if ((why = parse_name(v[1], &r->name)) != NULL)
                return perr(pc, "qname '%s': %s", v[1], why);
            r->any_name = false;
        }
        if (strcmp(v[2], "*") != 0) {
            if (!parse_type(v[2], &r->qtype))
                return perr(pc, "bad qtype '%s'", v[2]);
            r->any_type = false;
        }
        for (size_t i = 3; i < n; i++)
            if (!parse_option(pc, r, v[i], false))
                return false;
        return true;
    }
    if (strcasecmp(kw, "default") == 0) {
        if (d->have_default)
            return perr(pc, "duplicate default line");
        d->have_default = true;
        d->deflt.line = lineno;
        *cur = &d->deflt;
        for (size_t i = 1; i < n; i++)
            if (!parse_option(pc, &d->deflt, v[i], true))
                return false;
        return true;
    }
    bool is_rr = strcasecmp(kw, "rr") == 0, is_raw = strcasecmp(kw, "raw") == 0;
    bool is_rawmsg = strcasecmp(kw, "rawmsg") == 0;
    if (!is_rr && !is_raw && !is_rawmsg)
        return perr(pc, "unknown directive '%s'", kw);
    if (!*cur)
        return perr(pc, "%s before any match or default line", kw);
    rule_t *r = *cur;
    if (is_rr)
        return parse_rr(pc, r, v, n);
    if (is_raw) {
        if (r->is_rawmsg)
            return perr(pc, "raw cannot be combined with rawmsg");
        if ((why = parse_hex(v + 1, n - 1, &r->answer)) != NULL)
            return perr(pc, "raw: %s", why);
        if (r->answer.len > MAX_ANSWER)
            return perr(pc, "answer section too large (max %d octets)", MAX_ANSWER);
        r->nraw++;
        return true;
    }
    if (r->nrr || r->nraw)
        return perr(pc, "rawmsg cannot be combined with rr/raw");
    r->is_rawmsg = true;
    if ((why = parse_hex(v + 1, n - 1, &r->rawmsg)) != NULL)
        return perr(pc, "rawmsg: %s", why);
    if (r->rawmsg.len > MAX_MSG - 2)
        return perr(pc, "rawmsg longer than %d octets", MAX_MSG - 2);
    return true;
}

static bool parse_script(fakedns_t *d, const char *script, char *err, size_t errlen)
{
    pctx_t pc = {.d = d, .msg = ""};
    toks_t t = {0};
    rule_t *cur = NULL;
    int lineno = 0;
    bool ok = true;
    char *copy = strdup(script);

    if (!copy) {
        set_err(err, errlen, "out of memory");
        return false;
    }
    char *line = copy;
    while (line) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        lineno++;
        size_t ll = strlen(line);
        if (ll > 0 && line[ll - 1] == '\r')
            line[ll - 1] = '\0';
        const char *why = tokenize(line, &t);
        if (why) {
            set_err(err, errlen, "line %d: %s", lineno, why);
            ok = false;
            break;
        }
        if (t.n > 0) {
            if (!parse_line(&pc, &cur, t.v, t.n, lineno)) {
                set_err(err, errlen, "line %d: %s", lineno, pc.msg);
                ok = false;
                break;
            }
        }
        line = nl ? nl + 1 : NULL;
    }
    free(t.v);
    free(copy);
    return ok;
}

/* ---------------------------------------------------------- DNS messages */

static bool skip_name(const unsigned char *m, size_t len, size_t *off)
{
    size_t o = *off;
    for (;;) {
        if (o >= len)
            return false;
        unsigned l = m[o];
        if ((l & 0xc0) == 0xc0) {
            *off = o + 2;
            return o + 2 <= len;
        }
        if (l & 0xc0)
            return false;
        o += 1 + l;
        if (l == 0) {
            *off = o;
            return true;
        }
    }
}

/* 1: usable query; 0: header readable but question broken (FORMERR); -1: ignore. */
static int parse_query(const unsigned char *m, size_t len, struct query *q)
{
    if (len < 12)
        return -1;
    q->id = (unsigned)m[0] << 8 | m[1];
    q->f1 = m[2];
    q->f2 = m[3];
    if (q->f1 & 0x80)
        return -1;
    unsigned qd = (unsigned)m[4] << 8 | m[5], an = (unsigned)m[6] << 8 | m[7];
    unsigned ns = (unsigned)m[8] << 8 | m[9], ar = (unsigned)m[10] << 8 | m[11];
    if (qd != 1)
        return 0;
    size_t off = 12, o = 0;
    for (;;) {
        if (off >= len)
            return 0;
        unsigned l = m[off];
        if (l & 0xc0)
            return 0;
        if (o + 1 + l > MAX_NAME || off + 1 + l > len)
            return 0;
        memcpy(q->qname.b + o, m + off, 1 + l);
        o += 1 + l;
        off += 1 + l;
        if (l == 0)
            break;
    }
    q->qname.len = o;
    if (off + 4 > len)
        return 0;
    q->qtype = (unsigned)m[off] << 8 | m[off + 1];
    q->qclass = (unsigned)m[off + 2] << 8 | m[off + 3];
    off += 4;
    q->edns = false;
    q->edns_size = 0;
    for (unsigned long i = 0; i < (unsigned long)an + ns + ar; i++) {
        if (!skip_name(m, len, &off) || off + 10 > len)
            break;
        unsigned type = (unsigned)m[off] << 8 | m[off + 1];
        unsigned cls = (unsigned)m[off + 2] << 8 | m[off + 3];
        size_t rdlen = (size_t)m[off + 8] << 8 | m[off + 9];
        if (i >= (unsigned long)an + ns && type == 41) {
            q->edns = true;
            q->edns_size = cls;
        }
        off += 10 + rdlen;
        if (off > len)
            break;
    }
    return 1;
}

static size_t udp_limit(const struct query *q)
{
    if (!q->edns)
        return 512;
    size_t s = q->edns_size;
    if (s < 512)
        s = 512;
    return s > EDNS_SIZE ? EDNS_SIZE : s;
}

static bool build_reply(const rule_t *r, const struct query *q, bool answers, bool tc, buf_t *out)
{
    unsigned id = r->wrongid ? (q->id + 1) & 0xffffu : q->id;
    out->len = 0;
    if (r->is_rawmsg)
        return buf_u16(out, id) && buf_put(out, r->rawmsg.p, r->rawmsg.len);

    unsigned long an = r->nrr + (r->has_rawcount ? r->rawcount : r->nraw);
    if (an > 65535)
        an = 65535;
    if (!answers)
        an = 0;
    unsigned f1 =
        0x80u | (q->f1 & 0x78u) | (r->aa ? 0x04u : 0) | (tc ? 0x02u : 0) | (q->f1 & 0x01u);
    unsigned f2 = r->rcode & 0x0fu;
    const dname_t *qn = r->has_rqname ? &r->rqname : &q->qname;
    bool ok = buf_u16(out, id) && buf_u8(out, f1) && buf_u8(out, f2) && buf_u16(out, 1) &&
              buf_u16(out, (unsigned)an) && buf_u16(out, 0) && buf_u16(out, q->edns ? 1 : 0) &&
              buf_put(out, qn->b, qn->len) && buf_u16(out, q->qtype) && buf_u16(out, q->qclass);
    if (ok && answers)
        ok = buf_put(out, r->answer.p, r->answer.len);
    if (ok && q->edns)
        ok = buf_u8(out, 0) && buf_u16(out, 41) && buf_u16(out, EDNS_SIZE) &&
             buf_u32(out, (unsigned long)(r->rcode >> 4) << 24) && buf_u16(out, 0);
    return ok;
}

/* ---------------------------------------------------------------- server */

static struct conn *find_conn(fakedns_t *d, unsigned long long id)
{
    for (size_t i = 0; i < d->nconns; i++)
        if (d->conns[i]->id == id)
            return d->conns[i];
    return NULL;
}

static void conn_flush(struct conn *c)
{
    while (!c->dead && c->outoff < c->out.len) {
        ssize_t n = send(c->fd, c->out.p + c->outoff, c->out.len - c->outoff, MSG_NOSIGNAL);
        if (n > 0) {
            c->outoff += (size_t)n;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return;
        } else {
            c->dead = true;
        }
    }
    if (c->outoff == c->out.len)
        c->out.len = c->outoff = 0;
}

static void deliver(fakedns_t *d, bool tcp, const struct sockaddr_storage *peer, socklen_t peerlen,
                    struct conn *c, enum act act, const buf_t *msg)
{
    static const unsigned char nothing[1] = {0};
    if (!tcp) {
        (void)sendto(d->udp, msg->len ? msg->p : nothing, msg->len, 0,
                     (const struct sockaddr *)peer, peerlen);
        return;
    }
    if (!c || c->closing || c->dead)
        return;
    switch (act) {
    case ACT_CLOSE:
        break;
    case ACT_SEND:
        if (!buf_u16(&c->out, (unsigned)msg->len) || !buf_put(&c->out, msg->p, msg->len))
            c->dead = true;
        break;
    case ACT_HALF:
        if (!buf_u16(&c->out, (unsigned)msg->len) || !buf_put(&c->out, msg->p, msg->len / 2))
            c->dead = true;
        break;
    }
    if (act != ACT_SEND)
        c->closing = true;
    conn_flush(c);
}

static void record_query(fakedns_t *d, const struct query *q, bool tcp)
{
    pthread_mutex_lock(&d->mu);
    if (d->nq == d->capq) {
        size_t ncap = d->capq ? d->capq * 2 : 64;
        struct qrec *nq = realloc(d->qlog, ncap * sizeof *nq);
        if (nq) {
            d->qlog = nq;
            d->capq = ncap;
        }
    }
    if (d->nq < d->capq) {
        struct qrec *r = &d->qlog[d->nq++];
        memcpy(r->name, q->qname.b, q->qname.len);
        r->namelen = (unsigned char)q->qname.len;
        r->qtype = (unsigned short)q->qtype;
        r->tcp = tcp;
    }
    pthread_mutex_unlock(&d->mu);

    if (d->logfn) {
        char name[MAX_NAME * 4 + 8], type[16];
        name_text(q->qname.b, q->qname.len, name, sizeof name);
        type_text(q->qtype, type, sizeof type);
        d->logfn(d->logctx, tcp ? "tcp" : "udp", name, type);
    }
}

static rule_t *select_rule(fakedns_t *d, const struct query *q)
{
    for (size_t i = 0; i < d->nrules; i++) {
        rule_t *r = &d->rules[i];
        if (!r->any_name && !names_equal(r->name.b, r->name.len, q->qname.b, q->qname.len))
            continue;
        if (!r->any_type && r->qtype != q->qtype)
            continue;
        if (r->times && r->hits >= r->times)
            continue;
        return r;
    }
    return &d->deflt;
}

static void enqueue(fakedns_t *d, unsigned long delay, bool tcp,
                    const struct sockaddr_storage *peer, socklen_t peerlen, struct conn *c,
                    enum act act, buf_t *msg)
{
    struct pending *p = calloc(1, sizeof *p);
    if (!p) {
        buf_free(msg);
        return;
    }
    p->due = now_ms() + delay;
    p->tcp = tcp;
    if (!tcp) {
        memcpy(&p->peer, peer, sizeof p->peer);
        p->peerlen = peerlen;
    } else {
        p->connid = c->id;
        c->npending++;
    }
    p->act = act;
    p->msg = *msg; /* takes ownership */
    memset(msg, 0, sizeof *msg);
    struct pending **pp = &d->pend;
    while (*pp && (*pp)->due <= p->due)
        pp = &(*pp)->next;
    p->next = *pp;
    *pp = p;
}

/* One DNS message from UDP (c == NULL) or from TCP connection c. */
static void handle_msg(fakedns_t *d, const unsigned char *m, size_t len, struct conn *c,
                       const struct sockaddr_storage *peer, socklen_t peerlen)
{
    struct query q;
    buf_t msg = {0};
    bool tcp = c != NULL;
    enum act act = ACT_SEND;
    int pr = parse_query(m, len, &q);

    if (pr < 0)
        return;
    if (pr == 0) {
        unsigned char h[12] = {m[0], m[1], (unsigned char)(0x80u | (q.f1 & 0x79u)), 1};
        buf_put(&msg, h, sizeof h);
        deliver(d, tcp, peer, peerlen, c, ACT_SEND, &msg);
        buf_free(&msg);
        return;
    }
    record_query(d, &q, tcp);
    rule_t *r = select_rule(d, &q);
    r->hits++;
    if (r->droprate && next_rand(d) % 100 < r->droprate)
        return;
    if (r->drop)
        return;
    if (tcp && r->tcp == TCP_REFUSE) {
        act = ACT_CLOSE;
    } else if (!tcp && r->empty) {
        /* zero-length datagram */
    } else {
        bool tc = !tcp && r->tc && !r->is_rawmsg;
        if (!build_reply(r, &q, !tc, tc, &msg))
            goto out;
        if (!tcp && !r->is_rawmsg && msg.len > udp_limit(&q) &&
            !build_reply(r, &q, false, true, &msg))
            goto out;
        if (tcp && r->tcp == TCP_HALF)
            act = ACT_HALF;
    }
    if (r->delay_ms)
        enqueue(d, r->delay_ms, tcp, peer, peerlen, c, act, &msg);
    else
        deliver(d, tcp, peer, peerlen, c, act, &msg);
out:
    buf_free(&msg);
}

static void fire_pending(fakedns_t *d)
{
    unsigned long long now = now_ms();
    while (d->pend && d->pend->due <= now) {
        struct pending *p = d->pend;
        d->pend = p->next;
        struct conn *c = NULL;
        if (p->tcp) {
            c = find_conn(d, p->connid);
            if (c)
                c->npending--;
        }
        if (!p->tcp || c)
            deliver(d, p->tcp, &p->peer, p->peerlen, c, p->act, &p->msg);
        buf_free(&p->msg);
        free(p);
    }
}

static void udp_read(fakedns_t *d)
{
    for (int i = 0; i < 64; i++) {
        struct sockaddr_storage peer;
        socklen_t pl = sizeof peer;
        ssize_t n = recvfrom(d->udp, d->rxbuf, sizeof d->rxbuf, 0, (struct sockaddr *)&peer, &pl);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return;
        }
        handle_msg(d, d->rxbuf, (size_t)n, NULL, &peer, pl);
    }
}

static bool set_nonblock_cloexec(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
        return false;
    fl = fcntl(fd, F_GETFD);
    return fl >= 0 && fcntl(fd, F_SETFD, fl | FD_CLOEXEC) >= 0;
}

static void do_accept(fakedns_t *d)
{
    while (d->nconns < MAX_CONNS) {
        int fd = accept(d->lsn, NULL, NULL);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            return;
        }
        struct conn *c = calloc(1, sizeof *c);
        if (c)
            c->in = malloc(TCP_INBUF);
        if (d->nconns == d->capconns) {
            size_t ncap = d->capconns ? d->capconns * 2 : 16;
            struct conn **nc = realloc(d->conns, ncap * sizeof *nc);
            if (nc) {
                d->conns = nc;
                d->capconns = ncap;
            }
        }
        if (!c || !c->in || d->nconns == d->capconns || !set_nonblock_cloexec(fd)) {
            if (c)
                free(c->in);
            free(c);
            close(fd);
            continue;
        }
        c->fd = fd;
        c->id = ++d->next_connid;
        d->conns[d->nconns++] = c;
    }
}

static void conn_frames(fakedns_t *d, struct conn *c)
{
    size_t off = 0;
    while (!c->closing && !c->dead && c->inlen - off >= 2) {
        size_t fl = (size_t)c->in[off] << 8 | c->in[off + 1];
        if (c->inlen - off - 2 < fl)
            break;
        handle_msg(d, c->in + off + 2, fl, c, NULL, 0);
        off += 2 + fl;
    }
    if (off) {
        memmove(c->in, c->in + off, c->inlen - off);
        c->inlen -= off;
    }
}

static void conn_read(fakedns_t *d, struct conn *c)
{
    for (int i = 0; i < 16 && !c->closing && !c->dead; i++) {
        ssize_t n = recv(c->fd, c->in + c->inlen, TCP_INBUF - c->inlen, 0);
        if (n > 0) {
            c->inlen += (size_t)n;
            conn_frames(d, c);
        } else if (n == 0) {
            c->rd_eof = true;
            return;
        } else if (errno == EINTR) {
            continue;
        } else {
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                c->dead = true;
            return;
        }
    }
}

static void conn_close(struct conn *c)
{
    unsigned char scratch[512];
    /* Drain unread input so that close() sends FIN rather than RST. */
    for (int i = 0; i < 64 && recv(c->fd, scratch, sizeof scratch, 0) > 0; i++)
        ;
    close(c->fd);
    free(c->in);
    buf_free(&c->out);
    free(c);
}

static void sweep(fakedns_t *d)
{
    for (size_t i = 0; i < d->nconns;) {
        struct conn *c = d->conns[i];
        bool flushed = c->out.len == c->outoff;
        if (c->dead || (c->closing && flushed) || (c->rd_eof && flushed && c->npending == 0)) {
            conn_close(c);
            d->conns[i] = d->conns[--d->nconns];
        } else {
            i++;
        }
    }
}

static void *serve(void *arg)
{
    fakedns_t *d = arg;
    struct pollfd *pfd = NULL;
    size_t pcap = 0;

    for (;;) {
        size_t nc = d->nconns, np = 3 + nc;
        if (np > pcap) {
            struct pollfd *n = realloc(pfd, np * sizeof *n);
            if (!n) {
                struct timespec ts = {0, 10000000};
                nanosleep(&ts, NULL);
                continue;
            }
            pfd = n;
            pcap = np;
        }
        pfd[0] = (struct pollfd){.fd = d->wake_r, .events = POLLIN};
        pfd[1] = (struct pollfd){.fd = d->udp, .events = POLLIN};
        pfd[2] = (struct pollfd){.fd = nc < MAX_CONNS ? d->lsn : -1, .events = POLLIN};
        for (size_t i = 0; i < nc; i++) {
            struct conn *c = d->conns[i];
            short ev = 0;
            if (!c->closing && !c->rd_eof)
                ev |= POLLIN;
            if (c->outoff < c->out.len)
                ev |= POLLOUT;
            pfd[3 + i] = (struct pollfd){.fd = c->fd, .events = ev};
        }
        int timeout = -1;
        if (d->pend) {
            unsigned long long now = now_ms();
            unsigned long long wait = d->pend->due > now ? d->pend->due - now : 0;
            timeout = wait > INT_MAX ? INT_MAX : (int)wait;
        }
        int rc = poll(pfd, (nfds_t)np, timeout);
        if (rc < 0 && errno != EINTR)
            break;
        if (rc > 0 && pfd[0].revents)
            break;
        fire_pending(d);
        if (rc > 0) {
            if (pfd[1].revents & POLLIN)
                udp_read(d);
            if (pfd[2].revents & POLLIN)
                do_accept(d);
            for (size_t i = 0; i < nc; i++) {
                struct conn *c = d->conns[i];
                short rev = pfd[3 + i].revents;
                if ((rev & (POLLIN | POLLHUP | POLLERR)) && !c->closing && !c->rd_eof)
                    conn_read(d, c);
                if (rev & POLLOUT)
                    conn_flush(c);
                if (rev & (POLLHUP | POLLERR))
                    c->dead = true;
            }
        }
        sweep(d);
    }
    free(pfd);
    return NULL;
}

/* ------------------------------------------------------------- lifecycle */

static void set_port(struct sockaddr_storage *ss, unsigned port)
{
    if (ss->ss_family == AF_INET)
        ((struct sockaddr_in *)ss)->sin_port = htons((uint16_t)port);
    else
        ((struct sockaddr_in6 *)ss)->sin6_port = htons((uint16_t)port);
}

static unsigned get_port(const struct sockaddr_storage *ss)
{
    if (ss->ss_family == AF_INET)
        return ntohs(((const struct sockaddr_in *)ss)->sin_port);
    return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
}

static bool open_sockets(fakedns_t *d, const char *addr, unsigned port, char *err, size_t errlen)
{
    struct sockaddr_storage ss;
    socklen_t sl;
    int one = 1;

    memset(&ss, 0, sizeof ss);
    struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
    if (inet_pton(AF_INET, addr, &s4->sin_addr) == 1) {
        s4->sin_family = AF_INET;
        sl = sizeof *s4;
    } else if (inet_pton(AF_INET6, addr, &s6->sin6_addr) == 1) {
        s6->sin6_family = AF_INET6;
        sl = sizeof *s6;
    } else {
        set_err(err, errlen, "bad address '%s'", addr);
        return false;
    }
    if (port > 65535) {
        set_err(err, errlen, "bad port %u", port);
        return false;
    }
    for (int attempt = 0; attempt < 100; attempt++) {
        set_port(&ss, port);
        int u = socket(ss.ss_family, SOCK_DGRAM, 0);
        if (u < 0) {
            set_err(err, errlen, "socket: %s", strerror(errno));
            return false;
        }
        if (ss.ss_family == AF_INET6)
            (void)setsockopt(u, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
        if (bind(u, (struct sockaddr *)&ss, sl) < 0) {
            set_err(err, errlen, "bind udp %s port %u: %s", addr, port, strerror(errno));
            close(u);
            return false;
        }
        struct sockaddr_storage got;
        socklen_t gl = sizeof got;
        if (getsockname(u, (struct sockaddr *)&got, &gl) < 0) {
            set_err(err, errlen, "getsockname: %s", strerror(errno));
            close(u);
            return false;
        }
        unsigned p = get_port(&got);
        set_port(&ss, p);
        int t = socket(ss.ss_family, SOCK_STREAM, 0);
        if (t < 0) {
            set_err(err, errlen, "socket: %s", strerror(errno));
            close(u);
            return false;
        }
        (void)setsockopt(t, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (ss.ss_family == AF_INET6)
            (void)setsockopt(t, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
        if (bind(t, (struct sockaddr *)&ss, sl) < 0 || listen(t, 128) < 0) {
            int e = errno;
            close(t);
            close(u);
            if (port == 0 && e == EADDRINUSE)
                continue;
            set_err(err, errlen, "bind tcp %s port %u: %s", addr, p, strerror(e));
            return false;
        }
        if (!set_nonblock_cloexec(u) || !set_nonblock_cloexec(t)) {
            set_err(err, errlen, "fcntl: %s", strerror(errno));
            close(t);
            close(u);
            return false;
        }
        d->udp = u;
        d->lsn = t;
        d->port = p;
        return true;
    }
    set_err(err, errlen, "no port free for both UDP and TCP on %s", addr);
    return false;
}

static void destroy(fakedns_t *d)
{
    if (d->udp >= 0)
        close(d->udp);
    if (d->lsn >= 0)
        close(d->lsn);
    if (d->wake_r >= 0)
        close(d->wake_r);
    if (d->wake_w >= 0)
        close(d->wake_w);
    for (size_t i = 0; i < d->nconns; i++)
        conn_close(d->conns[i]);
    free(d->conns);
    while (d->pend) {
        struct pending *p = d->pend;
        d->pend = p->next;
        buf_free(&p->msg);
        free(p);
    }
    for (size_t i = 0; i < d->nrules; i++)
        rule_free(&d->rules[i]);
    free(d->rules);
    rule_free(&d->deflt);
    free(d->qlog);
    pthread_mutex_destroy(&d->mu);
    free(d);
}

fakedns_t *fakedns_start_ex(const char *script, const char *addr, unsigned port,
                            fakedns_log_fn logfn, void *logctx, char *err, size_t errlen)
{
    int pfd[2];
    sigset_t all, old;

    if (err && errlen)
        err[0] = '\0';
    if (!script) {
        set_err(err, errlen, "no script");
        return NULL;
    }
    fakedns_t *d = calloc(1, sizeof *d);
    if (!d) {
        set_err(err, errlen, "out of memory");
        return NULL;
    }
    d->udp = d->lsn = d->wake_r = d->wake_w = -1;
    d->prng = 1;
    d->logfn = logfn;
    d->logctx = logctx;
    if (pthread_mutex_init(&d->mu, NULL) != 0) {
        free(d);
        set_err(err, errlen, "pthread_mutex_init failed");
        return NULL;
    }
    rule_init(&d->deflt, 0, true);
    if (!parse_script(d, script, err, errlen))
        goto fail;
    if (!open_sockets(d, addr ? addr : "127.0.0.1", port, err, errlen))
        goto fail;
    if (pipe(pfd) < 0) {
        set_err(err, errlen, "pipe: %s", strerror(errno));
        goto fail;
    }
    d->wake_r = pfd[0];
    d->wake_w = pfd[1];
    if (!set_nonblock_cloexec(d->wake_r) || !set_nonblock_cloexec(d->wake_w)) {
        set_err(err, errlen, "fcntl: %s", strerror(errno));
        goto fail;
    }
    /* The server thread never takes signals: block them all while creating it. */
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int rc = pthread_create(&d->thr, NULL, serve, d);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        set_err(err, errlen, "pthread_create: %s", strerror(rc));
        goto fail;
    }
    d->thr_started = true;
    return d;
fail:
    destroy(d);
    return NULL;
}

fakedns_t *fakedns_start_at(const char *script, const char *addr, unsigned port, char *err,
                            size_t errlen)
{
    return fakedns_start_ex(script, addr, port, NULL, NULL, err, errlen);
}

fakedns_t *fakedns_start(const char *script, char *err, size_t errlen)
{
    return fakedns_start_ex(script, NULL, 0, NULL, NULL, err, errlen);
}

unsigned fakedns_port(const fakedns_t *dns)
{
    return dns ? dns->port : 0;
}

static unsigned long count_queries(const fakedns_t *dns, const char *qname, const char *qtype,
                                   bool tcp_only)
{
    dname_t n;
    unsigned t = 0;
    bool any_name = !qname || strcmp(qname, "*") == 0;
    bool any_type = !qtype || strcmp(qtype, "*") == 0;
    unsigned long cnt = 0;

    if (!dns)
        return 0;
    if (!any_name && parse_name(qname, &n) != NULL)
        return 0;
    if (!any_type && !parse_type(qtype, &t))
        return 0;
    pthread_mutex_t *mu = (pthread_mutex_t *)&dns->mu;
    pthread_mutex_lock(mu);
    for (size_t i = 0; i < dns->nq; i++) {
        const struct qrec *r = &dns->qlog[i];
        if (tcp_only && !r->tcp)
            continue;
        if (!any_type && r->qtype != t)
            continue;
        if (!any_name && !names_equal(r->name, r->namelen, n.b, n.len))
            continue;
        cnt++;
    }
    pthread_mutex_unlock(mu);
    return cnt;
}

unsigned long fakedns_queries(const fakedns_t *dns, const char *qname, const char *qtype)
{
    return count_queries(dns, qname, qtype, false);
}

unsigned long fakedns_queries_tcp(const fakedns_t *dns, const char *qname, const char *qtype)
{
    return count_queries(dns, qname, qtype, true);
}

void fakedns_stop(fakedns_t *dns)
{
    if (!dns)
        return;
    if (dns->thr_started) {
        ssize_t n;
        do
            n = write(dns->wake_w, "x", 1);
        while (n < 0 && errno == EINTR);
        pthread_join(dns->thr, NULL);
    }
    destroy(dns);
}
