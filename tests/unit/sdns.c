/* sdns.c - the scripted in-process resolver of sdns.h. Responses are built
 * as real DNS messages, so the core's own parser reads them. */
#define _POSIX_C_SOURCE 200809L
#include "sdns.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rdnscheck.h"

typedef struct rule {
    struct rule *next;
    int server;
    char qname[RDC_NAME_TEXT_MAX];
    uint16_t qtype;
    sdns_act_t act;
    unsigned rcode;
    char *rrs;
    uint8_t *raw;
    size_t rawlen;
    sdns_fn_t fn;
    void *fn_ctx;
    unsigned flags; /* SDNS_AA */
} rule_t;

typedef struct pending {
    struct pending *next;
    int server;
    char qname[RDC_NAME_TEXT_MAX];
    uint16_t qtype;
    rdc_query_cb_t cb;
    void *arg;
    bool held;
    bool rd; /* sent with RD (to a server that recurses) */
} pending_t;

typedef struct seen {
    struct seen *next;
    int server;
    char qname[RDC_NAME_TEXT_MAX];
    uint16_t qtype;
    bool rd;
} seen_t;

#define SDNS_MAX_ADDED 64 /* servers add_server takes */
#define SDNS_MAX_KEYS 64 /* addresses sdns_at names */

/* A server added by add_server: its number is n + its index here. */
typedef struct added {
    rdc_server_t srv;
    bool recurse;
} added_t;

struct sdns {
    size_t n;
    rdc_server_t servers[RDC_RESOLVER_MAX_SERVERS];
    rule_t *rules; /* newest first */
    pending_t *head, *tail;
    seen_t *seen;
    added_t added[SDNS_MAX_ADDED];
    size_t nadded;
    unsigned long add_calls;
    rdc_addr_t keys[SDNS_MAX_KEYS]; /* sdns_at: server -2 - k is keys[k] */
    size_t nkeys;
    rdc_addr_t fail_addrs[SDNS_MAX_KEYS]; /* sdns_fail_add */
    size_t nfail;
    bool fail_all;
    bool rotate; /* sdns_set_rotate */
};

static bool server_match(const sdns_t *s, int want, int idx);

sdns_t *sdns_new(size_t nservers)
{
    sdns_t *s = calloc(1, sizeof *s);
    if (s == NULL)
        abort();
    s->n = nservers < 1                          ? 1
           : nservers > RDC_RESOLVER_MAX_SERVERS ? RDC_RESOLVER_MAX_SERVERS
                                                 : nservers;
    for (size_t i = 0; i < s->n; i++) {
        s->servers[i].addr.family = 4;
        s->servers[i].addr.b[0] = 127;
        s->servers[i].addr.b[3] = 1;
        s->servers[i].port = (unsigned)(10001 + i);
    }
    return s;
}

void sdns_free(sdns_t *s)
{
    if (s == NULL)
        return;
    while (s->head) {
        pending_t *p = s->head;
        s->head = p->next;
        p->cb(p->arg, NULL, 0, RDC_DNS_S_ERROR, true);
        free(p);
    }
    while (s->rules) {
        rule_t *r = s->rules;
        s->rules = r->next;
        free(r->rrs);
        free(r->raw);
        free(r);
    }
    while (s->seen) {
        seen_t *x = s->seen;
        s->seen = x->next;
        free(x);
    }
    free(s);
}

static rule_t *rule_add(sdns_t *s, int server, const char *qname, uint16_t qtype)
{
    rule_t *r = calloc(1, sizeof *r);
    if (r == NULL)
        abort();
    r->server = server;
    snprintf(r->qname, sizeof r->qname, "%s", qname);
    r->qtype = qtype;
    r->next = s->rules;
    s->rules = r;
    return r;
}

void sdns_rule(sdns_t *s, int server, const char *qname, uint16_t qtype, sdns_act_t act,
               unsigned rcode, const char *rrs)
{
    sdns_rule_ex(s, server, qname, qtype, act, rcode, 0, rrs);
}

void sdns_rule_ex(sdns_t *s, int server, const char *qname, uint16_t qtype, sdns_act_t act,
                  unsigned rcode, unsigned flags, const char *rrs)
{
    rule_t *r = rule_add(s, server, qname, qtype);
    r->act = act;
    r->rcode = rcode;
    r->flags = flags;
    r->rrs = rrs ? strdup(rrs) : NULL;
    if (rrs && r->rrs == NULL)
        abort();
}

void sdns_rule_raw(sdns_t *s, int server, const char *qname, uint16_t qtype, const uint8_t *msg,
                   size_t len)
{
    rule_t *r = rule_add(s, server, qname, qtype);
    r->act = SDNS_ANSWER;
    r->raw = malloc(len ? len : 1);
    if (r->raw == NULL)
        abort();
    memcpy(r->raw, msg, len);
    r->rawlen = len;
}

void sdns_rule_fn(sdns_t *s, int server, const char *qname, uint16_t qtype, sdns_fn_t fn, void *ctx)
{
    rule_t *r = rule_add(s, server, qname, qtype);
    r->act = SDNS_ANSWER;
    r->fn = fn;
    r->fn_ctx = ctx;
}

/* ------------------------------------------------------------ added servers */

static rdc_addr_t addr_of(const char *text)
{
    rdc_addr_t a;
    if (!rdc_addr_parse(text, strlen(text), &a)) {
        fprintf(stderr, "sdns: bad address '%s'\n", text);
        abort();
    }
    return a;
}

int sdns_at(sdns_t *s, const char *addr)
{
    rdc_addr_t a = addr_of(addr);
    size_t k;
    for (k = 0; k < s->nkeys; k++)
        if (rdc_addr_equal(&s->keys[k], &a))
            return -2 - (int)k;
    if (s->nkeys == SDNS_MAX_KEYS)
        abort();
    s->keys[s->nkeys++] = a;
    return -2 - (int)k;
}

int sdns_server_index(const sdns_t *s, const char *addr)
{
    rdc_addr_t a = addr_of(addr);
    for (size_t i = 0; i < s->nadded; i++)
        if (rdc_addr_equal(&s->added[i].srv.addr, &a))
            return (int)(s->n + i);
    return -1;
}

size_t sdns_nadded(const sdns_t *s)
{
    return s->nadded;
}

unsigned long sdns_add_calls(const sdns_t *s)
{
    return s->add_calls;
}

int sdns_server_recurse(const sdns_t *s, int server)
{
    if (server >= 0 && (size_t)server < s->n)
        return 1;
    for (size_t i = 0; i < s->nadded; i++)
        if (server_match(s, server, (int)(s->n + i)))
            return s->added[i].recurse;
    return -1;
}

void sdns_fail_add(sdns_t *s, const char *addr)
{
    if (addr == NULL) {
        s->fail_all = true;
        return;
    }
    if (s->nfail == SDNS_MAX_KEYS)
        abort();
    s->fail_addrs[s->nfail++] = addr_of(addr);
}

static bool name_match(const char *pattern, const char *name)
{
    size_t pl = strlen(pattern), nl = strlen(name);
    if (pl > 0 && pattern[pl - 1] == '.')
        pl--;
    if (nl > 0 && name[nl - 1] == '.')
        nl--;
    return strcmp(pattern, "*") == 0 || (pl == nl && strncasecmp(pattern, name, pl) == 0);
}

/* Whether a query sent to server number idx matches want: -1 any, a
 * number, or an address key of sdns_at (an added server at that address). */
static bool server_match(const sdns_t *s, int want, int idx)
{
    if (want == -1)
        return true;
    if (want >= 0)
        return want == idx;
    size_t k = (size_t)(-2 - want);
    if (k >= s->nkeys || idx < 0 || (size_t)idx < s->n || (size_t)idx - s->n >= s->nadded)
        return false;
    return rdc_addr_equal(&s->added[(size_t)idx - s->n].srv.addr, &s->keys[k]);
}

static const rule_t *rule_find(const sdns_t *s, int server, const char *qname, uint16_t qtype)
{
    for (const rule_t *r = s->rules; r; r = r->next)
        if (server_match(s, r->server, server) && (r->qtype == 0 || r->qtype == qtype) &&
            name_match(r->qname, qname))
            return r;
    return NULL;
}

/* ------------------------------------------------------------ messages */

typedef struct msg {
    uint8_t b[65536];
    size_t n;
} msg_t;

static void put8(msg_t *m, unsigned v)
{
    if (m->n < sizeof m->b)
        m->b[m->n++] = (uint8_t)v;
}

static void put16(msg_t *m, unsigned v)
{
    put8(m, v >> 8);
    put8(m, v & 0xff);
}

static void put32(msg_t *m, uint32_t v)
{
    put16(m, v >> 16);
    put16(m, v & 0xffff);
}

static void put_name(msg_t *m, const char *text)
{
    uint8_t wire[RDC_NAME_WIRE_MAX + 1];
    if (strcmp(text, ".") == 0 || !rdc_name_from_text(text, strlen(text), wire, NULL)) {
        put8(m, 0);
        return;
    }
    for (size_t i = 0;; i += (size_t)wire[i] + 1) {
        for (size_t k = 0; k <= wire[i]; k++)
            put8(m, wire[i + k]);
        if (wire[i] == 0)
            break;
    }
}

static uint16_t type_code(const char *t)
{
    static const struct {
        const char *name;
        uint16_t code;
    } types[] = {{"A", 1},    {"NS", 2},  {"CNAME", 5}, {"SOA", 6},
                 {"PTR", 12}, {"MX", 15}, {"TXT", 16},  {"AAAA", 28}};
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (strcasecmp(t, types[i].name) == 0)
            return types[i].code;
    fprintf(stderr, "sdns: unknown type %s\n", t);
    abort();
}

/* One "OWNER TTL TYPE DATA" record. */
static void put_rr(msg_t *m, const char *spec, const char *qname)
{
    char owner[RDC_NAME_TEXT_MAX], type[16], data[1024];
    unsigned long ttl;
    data[0] = '\0';
    if (sscanf(spec, " %1023s %lu %15s %1023[^\n]", owner, &ttl, type, data) < 3) {
        fprintf(stderr, "sdns: bad record '%s'\n", spec);
        abort();
    }
    put_name(m, strcmp(owner, "@") == 0 ? qname : owner);
    uint16_t code = type_code(type);
    put16(m, code);
    put16(m, 1);
    put32(m, (uint32_t)ttl);
    size_t at = m->n;
    put16(m, 0);
    if (code == 1 || code == 28) {
        uint8_t a[16];
        if (inet_pton(code == 1 ? AF_INET : AF_INET6, data, a) != 1) {
            fprintf(stderr, "sdns: bad address '%s'\n", data);
            abort();
        }
        for (int i = 0; i < (code == 1 ? 4 : 16); i++)
            put8(m, a[i]);
    } else if (code == 15) {
        unsigned pref = 0;
        char host[RDC_NAME_TEXT_MAX];
        if (sscanf(data, "%u %1023s", &pref, host) != 2)
            abort();
        put16(m, pref);
        put_name(m, host);
    } else if (code == 16) {
        size_t l = strlen(data);
        for (size_t off = 0; off < l || off == 0; off += 255) {
            size_t k = l - off > 255 ? 255 : l - off;
            put8(m, (unsigned)k);
            for (size_t i = 0; i < k; i++)
                put8(m, (uint8_t)data[off + i]);
            if (k == 0)
                break;
        }
    } else if (code == 6) {
        /* MNAME RNAME SERIAL REFRESH RETRY EXPIRE MINIMUM (RFC 1035 §3.3.13) */
        char mname[RDC_NAME_TEXT_MAX], rname[RDC_NAME_TEXT_MAX];
        unsigned long v[5];
        if (sscanf(data, "%1023s %1023s %lu %lu %lu %lu %lu", mname, rname, &v[0], &v[1], &v[2],
                   &v[3], &v[4]) != 7) {
            fprintf(stderr, "sdns: bad SOA '%s'\n", data);
            abort();
        }
        put_name(m, mname);
        put_name(m, rname);
        for (int i = 0; i < 5; i++)
            put32(m, (uint32_t)v[i]);
    } else {
        put_name(m, data);
    }
    size_t len = m->n - at - 2;
    m->b[at] = (uint8_t)(len >> 8);
    m->b[at + 1] = (uint8_t)len;
}

/* Records in rrs[0, len): how many, separated by ';' (empty: none). */
static unsigned rr_count(const char *rrs, size_t len)
{
    unsigned n = 0;
    for (size_t i = 0; i < len; i++)
        n += rrs[i] == ';';
    return len > 0 ? n + 1 : 0;
}

/* Puts the records of rrs[0, len), separated by ';'. */
static void put_rrs(msg_t *m, const char *rrs, size_t len, const char *qname)
{
    /* record by record, without allocating: a test may make allocations
     * fail while the resolver answers */
    for (size_t off = 0; off < len;) {
        char rec[2048];
        size_t l = strcspn(rrs + off, ";|");
        if (l > len - off)
            l = len - off;
        if (l >= sizeof rec)
            abort();
        memcpy(rec, rrs + off, l);
        rec[l] = '\0';
        put_rr(m, rec, qname);
        off += l;
        if (off < len && rrs[off] == ';')
            off++;
    }
}

/* A response: rrs is "ANSWER;...|AUTHORITY;...|ADDITIONAL;..." (any part
 * may be empty, the later ones may be left out);
 * flags SDNS_AA; rd says whether the query asked for recursion, which only
 * servers that recurse are asked (RFC 1035 §4.1.1: the response copies RD,
 * and RA says recursion is available). */
static void build(msg_t *m, const char *qname, uint16_t qtype, unsigned rcode, unsigned flags,
                  bool rd, const char *rrs)
{
    const char *bar = rrs ? strchr(rrs, '|') : NULL;
    size_t alen = rrs ? (bar ? (size_t)(bar - rrs) : strlen(rrs)) : 0;
    const char *auth = bar ? bar + 1 : "";
    const char *bar2 = strchr(auth, '|');
    size_t nlen = bar2 ? (size_t)(bar2 - auth) : strlen(auth);
    const char *add = bar2 ? bar2 + 1 : "";
    size_t dlen = strlen(add);
    unsigned an = rr_count(rrs ? rrs : "", alen), ns = rr_count(auth, nlen),
             ar = rr_count(add, dlen);
    m->n = 0;
    put16(m, 0);
    put8(m, 0x80 | ((flags & SDNS_AA) ? 0x04 : 0) | (rd ? 0x01 : 0)); /* QR, AA, RD */
    put8(m, (rd ? 0x80 : 0) | (rcode & 0x0f)); /* RA */
    put16(m, 1);
    put16(m, an);
    put16(m, ns);
    put16(m, ar);
    put_name(m, qname);
    put16(m, qtype);
    put16(m, 1);
    if (an > 0)
        put_rrs(m, rrs, alen, qname);
    if (ns > 0)
        put_rrs(m, auth, nlen, qname);
    if (ar > 0)
        put_rrs(m, add, dlen, qname);
}

/* ------------------------------------------------------------ rdc_dns_t */

static size_t op_nservers(void *ctx)
{
    return ((sdns_t *)ctx)->n;
}

static const rdc_server_t *op_server(void *ctx, size_t i)
{
    sdns_t *s = ctx;
    if (i < s->n)
        return &s->servers[i];
    return i - s->n < s->nadded ? &s->added[i - s->n].srv : NULL;
}

/* As rdc_resolver_add_server: numbers after the configured servers, the
 * same server (address, port, recurse) again gives the same number. */
static size_t op_add_server(void *ctx, const rdc_server_t *srv, bool recurse)
{
    sdns_t *s = ctx;
    s->add_calls++;
    if (s->fail_all)
        return SIZE_MAX;
    for (size_t i = 0; i < s->nfail; i++)
        if (rdc_addr_equal(&s->fail_addrs[i], &srv->addr))
            return SIZE_MAX;
    for (size_t i = 0; i < s->nadded; i++)
        if (rdc_addr_equal(&s->added[i].srv.addr, &srv->addr) &&
            s->added[i].srv.port == srv->port && s->added[i].recurse == recurse)
            return s->n + i;
    if (s->nadded == SDNS_MAX_ADDED)
        return SIZE_MAX;
    s->added[s->nadded].srv = *srv;
    s->added[s->nadded].recurse = recurse;
    return s->n + s->nadded++;
}

/* Whether queries to server number i go out with RD. */
static bool server_rd(const sdns_t *s, size_t i)
{
    if (i < s->n)
        return true;
    return i - s->n < s->nadded ? s->added[i - s->n].recurse : true;
}

static void op_query(void *ctx, size_t server, const char *name, uint16_t type, rdc_query_cb_t cb,
                     void *arg)
{
    sdns_t *s = ctx;
    pending_t *p = calloc(1, sizeof *p);
    seen_t *x = calloc(1, sizeof *x);
    if (p == NULL || x == NULL)
        abort();
    p->server = (int)server;
    snprintf(p->qname, sizeof p->qname, "%s", name);
    p->qtype = type;
    p->cb = cb;
    p->arg = arg;
    p->rd = server_rd(s, server);
    const rule_t *r = rule_find(s, p->server, name, type);
    p->held = r && r->act == SDNS_HOLD;
    if (s->tail)
        s->tail->next = p;
    else
        s->head = p;
    s->tail = p;
    x->server = p->server;
    snprintf(x->qname, sizeof x->qname, "%s", name);
    x->qtype = type;
    x->rd = p->rd;
    x->next = s->seen;
    s->seen = x;
}

size_t sdns_pump_now(sdns_t *s)
{
    /* take what is queued now; what the callbacks send waits a turn */
    pending_t *list = s->head, *keep = NULL, *keep_tail = NULL;
    s->head = s->tail = NULL;
    size_t done = 0;
    static msg_t m;
    while (list) {
        pending_t *p = list;
        list = p->next;
        p->next = NULL;
        if (p->held) {
            if (keep_tail)
                keep_tail->next = p;
            else
                keep = p;
            keep_tail = p;
            continue;
        }
        const rule_t *r = rule_find(s, p->server, p->qname, p->qtype);
        done++;
        if (r == NULL) {
            build(&m, p->qname, p->qtype, 3, 0, p->rd, NULL);
            p->cb(p->arg, m.b, m.n, RDC_DNS_OK, false);
        } else if (r->raw) {
            p->cb(p->arg, r->raw, r->rawlen, RDC_DNS_OK, false);
        } else if (r->fn) {
            static char rrs[60000];
            rrs[0] = '\0';
            unsigned rcode = r->fn(r->fn_ctx, p->qname, p->qtype, rrs, sizeof rrs);
            build(&m, p->qname, p->qtype, rcode, r->flags, p->rd, rrs);
            p->cb(p->arg, m.b, m.n, RDC_DNS_OK, false);
        } else if (r->act == SDNS_ANSWER) {
            build(&m, p->qname, p->qtype, r->rcode, r->flags, p->rd, r->rrs);
            p->cb(p->arg, m.b, m.n, RDC_DNS_OK, false);
        } else {
            rdc_dns_status_t st = r->act == SDNS_TIMEOUT       ? RDC_DNS_S_TIMEOUT
                                  : r->act == SDNS_UNREACHABLE ? RDC_DNS_S_UNREACHABLE
                                                               : RDC_DNS_S_ERROR;
            p->cb(p->arg, NULL, 0, st, false);
        }
        free(p);
    }
    /* held ones go back in front of what the callbacks queued */
    if (keep) {
        keep_tail->next = s->head;
        s->head = keep;
        if (s->tail == NULL)
            s->tail = keep_tail;
    }
    return done;
}

static int op_timeout(void *ctx, int max_ms)
{
    sdns_t *s = ctx;
    for (pending_t *p = s->head; p; p = p->next)
        if (!p->held)
            return 0;
    return max_ms;
}

static void op_tick(void *ctx)
{
    (void)ctx;
}

static void op_pump(void *ctx)
{
    sdns_pump_now(ctx);
}

static bool op_rotate(void *ctx)
{
    return ((const sdns_t *)ctx)->rotate;
}

void sdns_set_rotate(sdns_t *s, bool on)
{
    s->rotate = on;
}

rdc_dns_t sdns_dns(sdns_t *s)
{
    static const rdc_dns_ops_t ops = {op_nservers, op_server, op_query,      op_timeout,
                                      op_tick,     op_pump,   op_add_server, op_rotate};
    return (rdc_dns_t){&ops, s};
}

rdc_dns_t sdns_dns_plain(sdns_t *s)
{
    static const rdc_dns_ops_t ops = {op_nservers, op_server, op_query, op_timeout,
                                      op_tick,     op_pump,   NULL,     op_rotate};
    return (rdc_dns_t){&ops, s};
}

unsigned long sdns_count(const sdns_t *s, int server, const char *qname, uint16_t qtype)
{
    unsigned long n = 0;
    for (const seen_t *x = s->seen; x; x = x->next)
        if (server_match(s, server, x->server) && (qtype == 0 || x->qtype == qtype) &&
            (qname == NULL || name_match(qname, x->qname)))
            n++;
    return n;
}

size_t sdns_held(const sdns_t *s)
{
    size_t n = 0;
    for (const pending_t *p = s->head; p; p = p->next)
        n += p->held;
    return n;
}

size_t sdns_release(sdns_t *s)
{
    size_t n = 0;
    for (pending_t *p = s->head; p; p = p->next)
        if (p->held) {
            p->held = false;
            n++;
        }
    return n;
}

size_t sdns_pending(const sdns_t *s)
{
    size_t n = 0;
    for (const pending_t *p = s->head; p; p = p->next)
        n++;
    return n;
}

unsigned long sdns_count_rd(const sdns_t *s, bool rd)
{
    unsigned long n = 0;
    for (const seen_t *x = s->seen; x; x = x->next)
        n += x->rd == rd;
    return n;
}
