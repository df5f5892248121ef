/* fuzz_spf.c - libFuzzer target for the SPF expander: the input, split at
 * '\n', gives the TXT answers of a.test (the domain expanded), b.test, ...
 * h.test (records within one split at byte 0x1e); every other answer is made
 * up from a hash of the question. The expansion must end within a bound of
 * steps, give the same results in three answer orders, and print only
 * printable ASCII. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NDOM 8
#define MAXREC 8

typedef struct stub {
    const char *txt[NDOM][MAXREC];
    size_t len[NDOM][MAXREC];
    size_t n[NDOM];
} stub_t;

static const char *const domains[NDOM] = {"a.test", "b.test", "c.test", "d.test",
                                          "e.test", "f.test", "g.test", "h.test"};

static uint32_t hash(const char *s, uint16_t type)
{
    uint32_t h = 2166136261u ^ type;
    for (; *s; s++)
        h = (h ^ (uint8_t)*s) * 16777619u;
    return h;
}

static void answer(rdc_spf_t *s, const stub_t *st, const rdc_spf_query_t *q)
{
    static rdc_spf_rr_t rrs[16];
    size_t n = 0;
    rdc_dns_status_t status = RDC_DNS_OK;
    uint32_t h = hash(q->name, q->type);
    memset(rrs, 0, sizeof rrs);
    if (q->type == RDC_SPF_TYPE_TXT) {
        status = RDC_DNS_NXDOMAIN;
        for (int d = 0; d < NDOM; d++) {
            if (strcmp(q->name, domains[d]) != 0)
                continue;
            status = RDC_DNS_OK;
            for (size_t k = 0; k < st->n[d]; k++) {
                rrs[n].type = RDC_SPF_TYPE_TXT;
                rrs[n].text = st->txt[d][k];
                rrs[n].text_len = st->len[d][k];
                n++;
            }
        }
        if (status == RDC_DNS_NXDOMAIN && h % 23 == 0)
            status = RDC_DNS_S_SERVFAIL;
    } else if (q->type == RDC_SPF_TYPE_MX) {
        size_t count = h % 14; /* sometimes over the limit of 10 */
        for (size_t k = 0; k < count; k++) {
            rrs[n].type = RDC_SPF_TYPE_MX;
            rrs[n].pref = (uint16_t)((h >> 8) % 3 + k % 2);
            if ((h >> 4) % 11 == k)
                snprintf(rrs[n].host, sizeof rrs[n].host, "bad\\032name.%zu", k);
            else
                snprintf(rrs[n].host, sizeof rrs[n].host, "mx%zu.%s", k,
                         k % 3 ? "a.test" : "c.test");
            n++;
        }
        if (count == 0)
            status = (h >> 5) % 2 ? RDC_DNS_NODATA : RDC_DNS_NXDOMAIN;
        if (h % 29 == 0)
            status = RDC_DNS_S_TIMEOUT;
    } else {
        /* the two families of one name are empty together now and then */
        uint32_t hn = hash(q->name, 0);
        size_t count = q->type == RDC_SPF_TYPE_A ? hn % 4 : (hn >> 2) % 3;
        for (size_t k = 0; k < count; k++) {
            rrs[n].type = q->type;
            rrs[n].addr.family = q->type == RDC_SPF_TYPE_A ? 4 : 6;
            rrs[n].addr.b[0] = q->type == RDC_SPF_TYPE_A ? 192 : 0x20;
            rrs[n].addr.b[1] = (uint8_t)(h >> 8);
            rrs[n].addr.b[2] = (uint8_t)(h >> 16);
            rrs[n].addr.b[3] = (uint8_t)k;
            n++;
        }
        if (count == 0)
            status = (h >> 3) % 2 ? RDC_DNS_NODATA : RDC_DNS_NXDOMAIN;
        if (h % 31 == 0)
            status = RDC_DNS_S_TIMEOUT;
    }
    rdc_spf_answer(s, q->id, status, rrs, n);
}

static void check_text(const char *t, bool newlines)
{
    for (; *t; t++)
        if ((*t < 0x20 || *t > 0x7e) && !(newlines && *t == '\n'))
            abort();
}

/* mode 0: one question at a time; 1: all pending, answered in reverse;
 * 2: all pending, in order */
static rdc_spf_t *run(const stub_t *st, int mode)
{
    static rdc_spf_query_t qs[RDC_SPF_MAX_QUERIES + 1];
    rdc_spf_t *s = rdc_spf_new(domains[0]);
    if (s == NULL)
        abort();
    size_t answered = 0;
    for (unsigned steps = 0;; steps++) {
        size_t nq = 0;
        while (nq <= RDC_SPF_MAX_QUERIES && rdc_spf_next_query(s, &qs[nq])) {
            check_text(qs[nq].name, false);
            nq++;
            if (mode == 0)
                break;
        }
        if (nq == 0)
            break;
        for (size_t i = 0; i < nq; i++)
            answer(s, st, &qs[mode == 1 ? nq - 1 - i : i]);
        answered += nq;
        if (steps > 5000 || answered > RDC_SPF_MAX_QUERIES)
            abort(); /* the expansion must end */
    }
    if (!rdc_spf_done(s))
        abort();
    return s;
}

static bool too_much(const rdc_spf_t *s)
{
    size_t n;
    const rdc_spf_problem_t *p = rdc_spf_problems(s, &n);
    for (size_t i = 0; i < n; i++)
        if (p[i].code == RDC_SPF_TOO_MUCH_WORK)
            return true;
    return false;
}

static void check(const rdc_spf_t *s)
{
    rdc_spf_result_t res = rdc_spf_result(s);
    if (rdc_spf_lookups(s) > RDC_SPF_MAX_LOOKUPS + 1 ||
        rdc_spf_void_lookups(s) > RDC_SPF_MAX_VOID + 1)
        abort();
    size_t n;
    const rdc_spf_range_t *r = rdc_spf_ranges(s, &n);
    if (n > RDC_SPF_MAX_RANGES || (res == RDC_SPF_RES_NONE && n > 0))
        abort();
    for (size_t i = 0; i < n; i++) {
        unsigned bits = r[i].cidr.base.family == 4 ? 32 : 128;
        if ((r[i].cidr.base.family != 4 && r[i].cidr.base.family != 6) || r[i].cidr.prefix > bits ||
            strncmp(r[i].via, "spf", 3) != 0)
            abort();
        for (unsigned b = r[i].cidr.prefix; b < bits; b++)
            if (r[i].cidr.base.b[b / 8] & (0x80u >> (b % 8)))
                abort(); /* host bits set */
        check_text(r[i].via, false);
        for (size_t k = 0; k < i && n <= 256; k++)
            if (r[k].cidr.prefix == r[i].cidr.prefix &&
                rdc_addr_equal(&r[k].cidr.base, &r[i].cidr.base))
                abort(); /* not deduplicated */
    }
    const rdc_spf_problem_t *p = rdc_spf_problems(s, &n);
    size_t fatal = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i].code >= RDC_CODE_COUNT || strncmp(rdc_code_name(p[i].code), "spf-", 4) != 0 ||
            p[i].fatal != (rdc_code_severity(p[i].code) != RDC_SEV_WARN))
            abort();
        check_text(p[i].message, false);
        fatal += p[i].fatal;
    }
    if (fatal != (res == RDC_SPF_RES_OK ? 0u : 1u))
        abort();
    check_text(rdc_spf_tree(s), true);
}

static void same(const rdc_spf_t *x, const rdc_spf_t *y)
{
    if (too_much(x) || too_much(y))
        return; /* the question cap may bite in one order only */
    if (rdc_spf_result(x) != rdc_spf_result(y) || rdc_spf_lookups(x) != rdc_spf_lookups(y) ||
        rdc_spf_void_lookups(x) != rdc_spf_void_lookups(y) ||
        strcmp(rdc_spf_tree(x), rdc_spf_tree(y)) != 0)
        abort();
    size_t nx, ny;
    const rdc_spf_range_t *rx = rdc_spf_ranges(x, &nx), *ry = rdc_spf_ranges(y, &ny);
    if (nx != ny)
        abort();
    for (size_t i = 0; i < nx; i++)
        if (rx[i].cidr.prefix != ry[i].cidr.prefix ||
            !rdc_addr_equal(&rx[i].cidr.base, &ry[i].cidr.base) ||
            strcmp(rx[i].via, ry[i].via) != 0)
            abort();
    const rdc_spf_problem_t *px = rdc_spf_problems(x, &nx), *py = rdc_spf_problems(y, &ny);
    if (nx != ny)
        abort();
    for (size_t i = 0; i < nx; i++)
        if (px[i].code != py[i].code || strcmp(px[i].message, py[i].message) != 0)
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static stub_t st;
    memset(&st, 0, sizeof st);
    const char *p = (const char *)data, *end = p + size;
    for (int d = 0; d < NDOM && p <= end; d++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *stop = nl ? nl : end;
        while (st.n[d] < MAXREC) {
            const char *rs = memchr(p, 0x1e, (size_t)(stop - p));
            const char *e = rs ? rs : stop;
            st.txt[d][st.n[d]] = p;
            st.len[d][st.n[d]] = (size_t)(e - p);
            st.n[d]++;
            p = e;
            if (rs == NULL)
                break;
            p++;
        }
        if (nl == NULL)
            break;
        p = nl + 1;
    }
    rdc_spf_t *s0 = run(&st, 0);
    rdc_spf_t *s1 = run(&st, 1);
    rdc_spf_t *s2 = run(&st, 2);
    check(s0);
    check(s1);
    check(s2);
    same(s0, s1);
    same(s0, s2);
    rdc_spf_free(s0);
    rdc_spf_free(s1);
    rdc_spf_free(s2);
    return 0;
}
