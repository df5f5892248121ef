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
} rule_t;

typedef struct pending {
    struct pending *next;
    int server;
    char qname[RDC_NAME_TEXT_MAX];
    uint16_t qtype;
    rdc_query_cb_t cb;
    void *arg;
    bool held;
} pending_t;

typedef struct seen {
    struct seen *next;
    int server;
    char qname[RDC_NAME_TEXT_MAX];
    uint16_t qtype;
} seen_t;

struct sdns {
    size_t n;
    rdc_server_t servers[RDC_RESOLVER_MAX_SERVERS];
    rule_t *rules; /* newest first */
    pending_t *head, *tail;
    seen_t *seen;
};

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
    rule_t *r = rule_add(s, server, qname, qtype);
    r->act = act;
    r->rcode = rcode;
    r->rrs = rrs ? strdup(rrs) : NULL;
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

static bool name_match(const char *pattern, const char *name)
{
    size_t pl = strlen(pattern), nl = strlen(name);
    if (pl > 0 && pattern[pl - 1] == '.')
        pl--;
    if (nl > 0 && name[nl - 1] == '.')
        nl--;
    return strcmp(pattern, "*") == 0 || (pl == nl && strncasecmp(pattern, name, pl) == 0);
}

static const rule_t *rule_find(const sdns_t *s, int server, const char *qname, uint16_t qtype)
{
    for (const rule_t *r = s->rules; r; r = r->next)
        if ((r->server < 0 || r->server == server) && (r->qtype == 0 || r->qtype == qtype) &&
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
    } types[] = {{"A", 1}, {"CNAME", 5}, {"PTR", 12}, {"MX", 15}, {"TXT", 16}, {"AAAA", 28}};
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
    } else {
        put_name(m, data);
    }
    size_t len = m->n - at - 2;
    m->b[at] = (uint8_t)(len >> 8);
    m->b[at + 1] = (uint8_t)len;
}

static void build(msg_t *m, const char *qname, uint16_t qtype, unsigned rcode, const char *rrs)
{
    unsigned an = 0;
    for (const char *p = rrs; p && *p; p++)
        an += *p == ';';
    if (rrs && *rrs)
        an++;
    m->n = 0;
    put16(m, 0);
    put8(m, 0x81); /* QR, RD */
    put8(m, 0x80 | (rcode & 0x0f));
    put16(m, 1);
    put16(m, an);
    put16(m, 0);
    put16(m, 0);
    put_name(m, qname);
    put16(m, qtype);
    put16(m, 1);
    if (an == 0)
        return;
    /* record by record, without allocating: a test may make allocations
     * fail while the resolver answers */
    for (const char *p = rrs; *p;) {
        char rec[2048];
        size_t l = strcspn(p, ";");
        if (l >= sizeof rec)
            abort();
        memcpy(rec, p, l);
        rec[l] = '\0';
        put_rr(m, rec, qname);
        p += l;
        if (*p == ';')
            p++;
    }
}

/* ------------------------------------------------------------ rdc_dns_t */

static size_t op_nservers(void *ctx)
{
    return ((sdns_t *)ctx)->n;
}

static const rdc_server_t *op_server(void *ctx, size_t i)
{
    sdns_t *s = ctx;
    return i < s->n ? &s->servers[i] : NULL;
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
            build(&m, p->qname, p->qtype, 3, NULL);
            p->cb(p->arg, m.b, m.n, RDC_DNS_OK, false);
        } else if (r->raw) {
            p->cb(p->arg, r->raw, r->rawlen, RDC_DNS_OK, false);
        } else if (r->fn) {
            static char rrs[60000];
            rrs[0] = '\0';
            unsigned rcode = r->fn(r->fn_ctx, p->qname, p->qtype, rrs, sizeof rrs);
            build(&m, p->qname, p->qtype, rcode, rrs);
            p->cb(p->arg, m.b, m.n, RDC_DNS_OK, false);
        } else if (r->act == SDNS_ANSWER) {
            build(&m, p->qname, p->qtype, r->rcode, r->rrs);
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

rdc_dns_t sdns_dns(sdns_t *s)
{
    static const rdc_dns_ops_t ops = {op_nservers, op_server, op_query, op_timeout,
                                      op_tick,     op_pump,   NULL};
    return (rdc_dns_t){&ops, s};
}

unsigned long sdns_count(const sdns_t *s, int server, const char *qname, uint16_t qtype)
{
    unsigned long n = 0;
    for (const seen_t *x = s->seen; x; x = x->next)
        if ((server < 0 || x->server == server) && (qtype == 0 || x->qtype == qtype) &&
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
