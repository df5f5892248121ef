/* test_spf.c - unit tests of spf.c: the state machine is driven against a
 * small stub DNS table (name + type -> status + records), in three answer
 * orders that must give identical results, through RFC 7208's examples,
 * its limits, errors and hostile record text. */
#define _POSIX_C_SOURCE 200809L /* strcasecmp */
#include "unit.h"

#include <strings.h>

#include "rdnscheck.h"
#include "spf.h"

#define TXT RDC_SPF_TYPE_TXT
#define A RDC_SPF_TYPE_A
#define AAAA RDC_SPF_TYPE_AAAA
#define MX RDC_SPF_TYPE_MX

/* One stub DNS entry. st is RDC_DNS_OK (0) unless given. A name that is in
 * no entry is NXDOMAIN; a name in some entry but not of the asked type is
 * NODATA. rr: TXT text, A/AAAA address, MX "pref host". */
typedef struct stub {
    const char *name;
    uint16_t type;
    rdc_dns_status_t st;
    const char *rr[24];
} stub_t;

#define MAX_ASKED 4096

typedef struct qlog {
    char asked[MAX_ASKED][280];
    size_t n;
} qlog_t;

static qlog_t qlog;

static void answer_from(rdc_spf_t *s, const stub_t *tab, size_t ntab, const rdc_spf_query_t *q)
{
    rdc_spf_rr_t rrs[24];
    size_t nrr = 0;
    bool exists = false, found = false;
    rdc_dns_status_t st = RDC_DNS_OK;
    memset(rrs, 0, sizeof rrs);
    for (size_t i = 0; i < ntab; i++) {
        if (strcasecmp(tab[i].name, q->name) != 0)
            continue;
        exists = true;
        if (tab[i].type != q->type)
            continue;
        found = true;
        st = tab[i].st;
        for (size_t k = 0; k < 24 && tab[i].rr[k] != NULL; k++) {
            rdc_spf_rr_t *r = &rrs[nrr++];
            r->type = q->type;
            if (q->type == TXT) {
                r->text = tab[i].rr[k];
                r->text_len = strlen(tab[i].rr[k]);
            } else if (q->type == MX) {
                unsigned pref = 0;
                char host[256];
                assert_int_equal(sscanf(tab[i].rr[k], "%u %255s", &pref, host), 2);
                r->pref = (uint16_t)pref;
                snprintf(r->host, sizeof r->host, "%s", host);
            } else {
                assert_true(rdc_addr_parse(tab[i].rr[k], strlen(tab[i].rr[k]), &r->addr));
            }
        }
        break;
    }
    if (!found)
        st = exists ? RDC_DNS_NODATA : RDC_DNS_NXDOMAIN;
    rdc_spf_answer(s, q->id, st, rrs, nrr);
}

static void log_query(const rdc_spf_query_t *q)
{
    /* every name handed out is a plain lower-case host name */
    assert_true(unit_printable(q->name));
    for (const char *p = q->name; *p; p++)
        assert_false(*p >= 'A' && *p <= 'Z');
    if (qlog.n < MAX_ASKED)
        snprintf(qlog.asked[qlog.n++], sizeof qlog.asked[0], "%s/%u", q->name, q->type);
}

/* mode 0: one question at a time; 1: every pending question, answered in
 * reverse; 2: every pending question, answered in order */
static rdc_spf_t *expand_mode(const stub_t *tab, size_t ntab, const char *domain, int mode)
{
    static rdc_spf_query_t qs[2048];
    rdc_spf_t *s = rdc_spf_new(domain);
    assert_non_null(s);
    assert_false(rdc_spf_done(s));
    for (unsigned steps = 0;; steps++) {
        size_t nq = 0;
        while (nq < 2048 && rdc_spf_next_query(s, &qs[nq])) {
            log_query(&qs[nq]);
            nq++;
            if (mode == 0)
                break;
        }
        if (nq == 0)
            break;
        assert_false(rdc_spf_done(s));
        for (size_t i = 0; i < nq; i++)
            answer_from(s, tab, ntab, &qs[mode == 1 ? nq - 1 - i : i]);
        assert_true(steps < 5000);
    }
    assert_true(rdc_spf_done(s));
    return s;
}

static void assert_same(const rdc_spf_t *x, const rdc_spf_t *y)
{
    assert_int_equal(rdc_spf_result(x), rdc_spf_result(y));
    assert_int_equal(rdc_spf_lookups(x), rdc_spf_lookups(y));
    assert_int_equal(rdc_spf_void_lookups(x), rdc_spf_void_lookups(y));
    size_t nx, ny;
    const rdc_spf_range_t *rx = rdc_spf_ranges(x, &nx), *ry = rdc_spf_ranges(y, &ny);
    assert_int_equal(nx, ny);
    for (size_t i = 0; i < nx; i++) {
        assert_int_equal(rx[i].cidr.prefix, ry[i].cidr.prefix);
        assert_true(rdc_addr_equal(&rx[i].cidr.base, &ry[i].cidr.base));
        assert_string_equal(rx[i].via, ry[i].via);
    }
    const rdc_spf_problem_t *px = rdc_spf_problems(x, &nx), *py = rdc_spf_problems(y, &ny);
    assert_int_equal(nx, ny);
    for (size_t i = 0; i < nx; i++) {
        assert_int_equal(px[i].code, py[i].code);
        assert_string_equal(px[i].message, py[i].message);
        assert_int_equal(px[i].fatal, py[i].fatal);
    }
    assert_string_equal(rdc_spf_tree(x), rdc_spf_tree(y));
}

/* Every output is printable ASCII (the tree: and newlines); exactly one
 * fatal problem unless the result is OK; every code is an spf-* one, fatal
 * exactly when its severity in the code table is not warn. */
static void assert_clean(const rdc_spf_t *s)
{
    size_t n;
    const rdc_spf_range_t *r = rdc_spf_ranges(s, &n);
    for (size_t i = 0; i < n; i++) {
        assert_true(unit_printable(r[i].via));
        assert_true(strncmp(r[i].via, "spf", 3) == 0);
    }
    const rdc_spf_problem_t *p = rdc_spf_problems(s, &n);
    size_t fatal = 0;
    for (size_t i = 0; i < n; i++) {
        assert_true(unit_printable(p[i].message));
        assert_true(p[i].code < RDC_CODE_COUNT);
        assert_true(strncmp(rdc_code_name(p[i].code), "spf-", 4) == 0);
        assert_int_equal(p[i].fatal, rdc_code_severity(p[i].code) != RDC_SEV_WARN);
        fatal += p[i].fatal;
    }
    assert_int_equal(fatal, rdc_spf_result(s) == RDC_SPF_RES_OK ? 0 : 1);
    for (const unsigned char *t = (const unsigned char *)rdc_spf_tree(s); *t; t++)
        assert_true(*t == '\n' || (*t >= 0x20 && *t <= 0x7e));
}

/* Expands domain in all three modes, checks they agree, returns mode 0's. */
static rdc_spf_t *expand(const stub_t *tab, size_t ntab, const char *domain)
{
    qlog.n = 0;
    rdc_spf_t *s1 = expand_mode(tab, ntab, domain, 1);
    rdc_spf_t *s2 = expand_mode(tab, ntab, domain, 2);
    rdc_spf_t *s0 = expand_mode(tab, ntab, domain, 0);
    assert_same(s0, s1);
    assert_same(s0, s2);
    assert_clean(s0);
    rdc_spf_free(s1);
    rdc_spf_free(s2);
    return s0;
}

#define EXPAND(tab, dom) expand((tab), ARRAY_LEN(tab), (dom))

static bool asked(const char *name, uint16_t type)
{
    char want[280];
    snprintf(want, sizeof want, "%s/%u", name, type);
    for (size_t i = 0; i < qlog.n; i++)
        if (strcmp(qlog.asked[i], want) == 0)
            return true;
    return false;
}

static const rdc_spf_problem_t *problem(const rdc_spf_t *s, rdc_code_t code)
{
    size_t n;
    const rdc_spf_problem_t *p = rdc_spf_problems(s, &n);
    for (size_t i = 0; i < n; i++)
        if (p[i].code == code)
            return &p[i];
    return NULL;
}

static size_t nproblems(const rdc_spf_t *s)
{
    size_t n;
    rdc_spf_problems(s, &n);
    return n;
}

static size_t nranges(const rdc_spf_t *s)
{
    size_t n;
    rdc_spf_ranges(s, &n);
    return n;
}

/* Range i is cidr ("192.0.2.0/24") with via (when not NULL). */
static void assert_range(const rdc_spf_t *s, size_t i, const char *cidr, const char *via)
{
    size_t n;
    const rdc_spf_range_t *r = rdc_spf_ranges(s, &n);
    assert_true(i < n);
    char a[RDC_ADDR_TEXT_MAX], got[80];
    rdc_addr_format(&r[i].cidr.base, a);
    snprintf(got, sizeof got, "%s/%u", a, r[i].cidr.prefix);
    assert_string_equal(got, cidr);
    if (via != NULL)
        assert_string_equal(r[i].via, via);
}

/* The via of the range that holds address text (IPv6 "::ffff:a.b.c.d" stays
 * IPv6), or NULL when none does. The ranges are disjoint. */
static const char *covered(const rdc_spf_t *s, const char *text)
{
    rdc_addr_t a;
    assert_true(rdc_addr_parse(text, strlen(text), &a));
    if (a.family == 4 && strchr(text, ':') != NULL) {
        uint8_t v4[4];
        memcpy(v4, a.b, 4);
        memset(a.b, 0, sizeof a.b);
        a.b[10] = a.b[11] = 0xff;
        memcpy(a.b + 12, v4, 4);
        a.family = 6;
    }
    size_t n;
    const rdc_spf_range_t *r = rdc_spf_ranges(s, &n);
    const char *via = NULL;
    for (size_t i = 0; i < n; i++) {
        rdc_addr_t b = a;
        if (r[i].cidr.base.family != b.family)
            continue;
        unsigned bits = b.family == 4 ? 32u : 128u;
        for (unsigned bit = r[i].cidr.prefix; bit < bits; bit++)
            b.b[bit / 8] &= (uint8_t) ~(0x80u >> (bit % 8));
        if (rdc_addr_equal(&b, &r[i].cidr.base)) {
            assert_null(via); /* disjoint */
            via = r[i].via;
        }
    }
    return via;
}

/* Fatal problem with code, whose message holds needle (when not NULL). */
static void assert_fatal(const rdc_spf_t *s, rdc_spf_result_t res, rdc_code_t code,
                         const char *needle)
{
    assert_int_equal(rdc_spf_result(s), res);
    const rdc_spf_problem_t *p = problem(s, code);
    assert_non_null(p);
    assert_true(p->fatal);
    if (needle != NULL && !unit_contains(p->message, needle)) {
        print_error("message '%s' lacks '%s'\n", p->message, needle);
        fail();
    }
}

/* The zone of RFC 7208 Appendix A.1, with an SPF record of our choice. */
#define A1_ZONE(rec)                                                                               \
    {"example.com", TXT, 0, {rec}},                                                                \
        {"example.com", MX, 0, {"20 mail-b.example.com", "10 mail-a.example.com"}},                \
        {"example.com", A, 0, {"192.0.2.10", "192.0.2.11"}},                                       \
        {"amy.example.com", A, 0, {"192.0.2.65"}}, {"bob.example.com", A, 0, {"192.0.2.66"}},      \
        {"mail-a.example.com", A, 0, {"192.0.2.129"}},                                             \
        {"mail-b.example.com", A, 0, {"192.0.2.130"}},                                             \
        {"mail-c.example.org", A, 0, {"192.0.2.140"}},                                             \
    {                                                                                              \
        "example.org", MX, 0,                                                                      \
        {                                                                                          \
            "10 mail-c.example.org"                                                                \
        }                                                                                          \
    }

/* ------------------------------------------------------------ API basics */

static void test_new_domain(void **state)
{
    (void)state;
    static const char *const bad[] = {"",           "localhost", "192.0.2.1",  "exa mple.com",
                                      "-x.example", "a..b.com",  "ex\001.com", "x.123"};
    for (size_t i = 0; i < ARRAY_LEN(bad); i++)
        assert_null(rdc_spf_new(bad[i]));
    assert_null(rdc_spf_new(NULL));
    char longname[400];
    memset(longname, 'a', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    assert_null(rdc_spf_new(longname));

    rdc_spf_t *s = rdc_spf_new("Example.COM.");
    assert_non_null(s);
    rdc_spf_query_t q;
    assert_true(rdc_spf_next_query(s, &q));
    assert_string_equal(q.name, "example.com");
    assert_int_equal(q.type, TXT);
    assert_false(rdc_spf_next_query(s, &q)); /* handed out once */
    assert_false(rdc_spf_done(s));
    assert_int_equal(rdc_spf_result(s), RDC_SPF_RES_TEMPERROR); /* not done yet */
    size_t n = 99;
    assert_null(rdc_spf_ranges(s, &n));
    assert_int_equal(n, 0);
    assert_string_equal(rdc_spf_tree(s), "");
    rdc_spf_free(s);
    rdc_spf_free(NULL);
    assert_string_equal(rdc_spf_result_name(RDC_SPF_RES_PERMERROR), "permerror");
    assert_string_equal(rdc_spf_result_name(RDC_SPF_RES_NONE), "none");
}

static void test_answer_misuse(void **state)
{
    (void)state;
    rdc_spf_t *s = rdc_spf_new("example.com");
    rdc_spf_query_t q;
    assert_true(rdc_spf_next_query(s, &q));
    rdc_spf_answer(s, q.id + 100, RDC_DNS_OK, NULL, 0); /* unknown id */
    rdc_spf_answer(s, 0, RDC_DNS_OK, NULL, 0);
    assert_false(rdc_spf_done(s));
    rdc_spf_rr_t rr;
    memset(&rr, 0, sizeof rr);
    rr.type = TXT;
    rr.text = "v=spf1 ip4:192.0.2.1 -all";
    rr.text_len = strlen(rr.text);
    rdc_spf_answer(s, q.id, RDC_DNS_OK, &rr, 1);
    assert_true(rdc_spf_done(s));
    /* a second answer to the same id changes nothing */
    rdc_spf_answer(s, q.id, RDC_DNS_S_SERVFAIL, NULL, 0);
    assert_int_equal(rdc_spf_result(s), RDC_SPF_RES_OK);
    assert_int_equal(nranges(s), 1);
    assert_false(rdc_spf_next_query(s, &q));
    rdc_spf_free(s);
}

static void test_parallel_questions(void **state)
{
    (void)state;
    rdc_spf_t *s = rdc_spf_new("example.com");
    rdc_spf_query_t q[16];
    assert_true(rdc_spf_next_query(s, &q[0]));
    rdc_spf_rr_t rr;
    memset(&rr, 0, sizeof rr);
    rr.type = TXT;
    rr.text = "v=spf1 include:a.example.net include:b.example.net a mx -all";
    rr.text_len = strlen(rr.text);
    rdc_spf_answer(s, q[0].id, RDC_DNS_OK, &rr, 1);
    size_t n = 0;
    while (n < 16 && rdc_spf_next_query(s, &q[n]))
        n++;
    /* both includes, the A and AAAA of the a term, and the MX: at once */
    assert_int_equal(n, 5);
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < i; k++)
            assert_int_not_equal(q[i].id, q[k].id);
    assert_false(rdc_spf_done(s));
    for (size_t i = 0; i < n; i++)
        rdc_spf_answer(s, q[n - 1 - i].id, RDC_DNS_S_TIMEOUT, NULL, 0);
    assert_true(rdc_spf_done(s));
    /* the first failure in record order decides */
    assert_fatal(s, RDC_SPF_RES_TEMPERROR, RDC_SPF_TEMPERROR, "a.example.net");
    rdc_spf_free(s);
}

/* ------------------------------------------------------------ records */

static void test_plain_record(void **state)
{
    (void)state;
    static const stub_t tab[] = {
        {"example.com", TXT, 0, {"v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 -all"}}};
    rdc_spf_t *s = EXPAND(tab, "example.com");
    assert_int_equal(rdc_spf_result(s), RDC_SPF_RES_OK);
    assert_int_equal(nranges(s), 2);
    assert_range(s, 0, "192.0.2.0/24", "spf ip4:192.0.2.0/24");
    assert_range(s, 1, "2001:db8::/32", "spf ip6:2001:db8::/32");
    assert_int_equal(rdc_spf_lookups(s), 0);
    assert_int_equal(nproblems(s), 0);
    assert_int_equal(qlog.n, 3); /* one TXT question per mode */
    rdc_spf_free(s);
}

static void test_no_record(void **state)
{
    (void)state;
    static const stub_t tab[] = {{"example.com", TXT, 0, {"hello", "v=DMARC1; p=none"}},
                                 {"nodata.example", A, 0, {"192.0.2.1"}}};
    rdc_spf_t *s = EXPAND(tab, "example.com");
    assert_fatal(s, RDC_SPF_RES_NONE, RDC_SPF_NONE, "example.com has no SPF record");
    assert_int_equal(nranges(s), 0);
    rdc_spf_free(s);
    s = EXPAND(tab, "nx.example"); /* NXDOMAIN */
    assert_fatal(s, RDC_SPF_RES_NONE, RDC_SPF_NONE, "does not exist");
    rdc_spf_free(s);
    s = EXPAND(tab, "nodata.example"); /* NODATA */
    assert_fatal(s, RDC_SPF_RES_NONE, RDC_SPF_NONE, "nodata.example");
    assert_string_equal(rdc_spf_tree(s), "nodata.example: no SPF record\n");
    rdc_spf_free(s);
}

static void test_two_records(void **state)
{
    (void)state;
    static const stub_t tab[] = {
        {"example.com", TXT, 0, {"v=spf1 ip4:192.0.2.1 -all", "site-verify=1", "v=spf1 -all"}}};
    rdc_spf_t *s = EXPAND(tab, "example.com");
    assert_fatal(s, RDC_SPF_RES_PERMERROR, RDC_SPF_MULTIPLE, "2 SPF records");
    assert_int_equal(nranges(s), 0);
    rdc_spf_free(s);
}

static void test_not_spf_versions(void **state)
{
    (void)state;
    static const stub_t tab[] = {
        {"spf10.example", TXT, 0, {"v=spf10 ip4:192.0.2.1 -all"}},
        {"spf1x.example", TXT, 0, {"v=spf1x ip4:192.0.2.1"}},
        {"tab.example", TXT, 0, {"v=spf1\tip4:192.0.2.1"}},
        {"lead.example", TXT, 0, {" v=spf1 ip4:192.0.2.1"}},
        {"spf2.example", TXT, 0, {"spf2.0/pra ip4:192.0.2.1 -all"}},
        {"empty.example", TXT, 0, {"v=spf1"}},
        {"mixed.example", TXT, 0, {"v=spf10 -all", "v=spf1 ip4:192.0.2.9 -all", "x"}},
    };
    static const char *const none[] = {"spf10.example", "spf1x.example", "tab.example",
                                       "lead.example", "spf2.example"};
    for (size_t i = 0; i < ARRAY_LEN(none); i++) {
        rdc_spf_t *s = EXPAND(tab, none[i]);
        assert_int_equal(rdc_spf_result(s), RDC_SPF_RES_NONE);
        rdc_spf_free(s);
    }
    rdc_spf_t *s = EXPAND(tab, "empty.example");
    assert_int_equal(rdc_spf_result(s), RDC_SPF_RES_OK);
    assert_int_equal(nranges(s), 0);
    rdc_spf_free(s);
    s = EXPAND(tab, "mixed.example");
    assert_int_equal(rdc_spf_result(s), RDC_SPF_RES_OK);
    assert_range(s, 0, "192.0.2.9/32", NULL);
    rdc_spf_free(s);
}

static void test_mixed_case(void **state)
{
    (void)state;
    static const stub_t tab[] = {
        {"example.com", TXT, 0, {"V=SpF1 IP4:192.0.2.1 Include:_SPF.Example.NET ?ALL"}},
        {"_spf.example.net", TXT, 0, {"v=SPF1 Ip6:2001:DB8::1 A:Mail.Example.Net -all"}},
        {"mail.example.net", A, 0, {"192.0.2.25"}},
    };
    rdc_spf_t *s = EXPAND(tab, "example.com");
    assert_int_equal(rdc_spf_result(s), RDC_SPF_RES_OK);
    assert_int_equal(nranges(s), 3);
    assert_range(s, 0, "192.0.2.1/32", "spf IP4:192.0.2.1");
    assert_range(s, 1, "2001:db8::1/128", "spf Include:_SPF.Example.NET Ip6:2001:DB8::1");
    assert_range(s, 2, "192.0.2.25/32",
                 "spf Include:_SPF.Example.NET A:Mail.Example.Net 192.0.2.25");
    assert_true(asked("_spf.example.net", TXT));
    assert_true(asked("mail.example.net", AAAA));
    assert_int_equal(rdc_spf_lookups(s), 2);
    rdc_spf_free(s);
}

/* ------------------------------------------------------------ RFC 7208 A.1 */

static void test_rfc_a1_all(void **state)
{
    (void)state;
    static const stub_t tab[] = {A1_ZONE("v=spf1 +all")};
    rdc_spf_t *s = EXPAND(tab, "example.com");
    assert_int_equal(rdc_spf_result(s), RDC_SPF_RES_OK);
    assert_int_equal(nranges(s), 2);
    assert_range(s, 0, "0.0.0.0/0", "spf +all");
    assert_range(s, 1, "::/0", "spf +all");
    assert_non_null(problem(s, RDC_SPF_PASS_ALL));
    assert_false(problem(s, RDC_SPF_PASS_ALL)->fatal);
    rdc_spf_free(s);
}

static void test_rfc_a1_a(void **state)
{
    (void)state;
    static const stub_t tab[] = {A1_ZONE("v=spf1 a -all")};
    rdc_spf_t *s = EXPAND(tab, "example.com");
    assert_int_equal(rdc_spf_result(s), RDC_SPF_RES_OK);
    assert_int_equal(nranges(s), 2);
    assert_range(s, 0, "192.0.2.10/32", "spf a 192.0.2.10");
    assert_range(s, 1, "192.0.2.11/32", "spf a 192.0.2.11");
    assert_int_equal(rdc_spf_lookups(s), 1);
    /* an IPv6 sender asks AAAA only, and finds nothing (§5.3, §4.6.4) */
    assert_int_equal(rdc_spf_void_lookups(s), 1);
    assert_true(asked("example.com", AAAA));
    rdc_spf_free(s);
}

static void test_rfc_a1_a_other(void **state)
{
    (void)state;
    static const stub_t tab[] = {A1_ZONE("v=spf1 a:example.org -all")};
    rdc_spf_t *s = EXPAND(tab, "example.com");
    assert_int_equal(rdc_spf_result(s), RDC_SPF_RES_OK);
    assert_int_equal(nranges(s), 0); /* example.org has no address */
    assert_int_equal(rdc_spf_void_lookups(s), 1);
    assert_true(unit_contains(rdc_spf_tree(s), "a:example.org -> no address (void lookup)"));
    rdc_spf_free(s);
}

static void test_rfc_a1_mx(void **state)
{
    (void)state;
    static const stub_t tab[] = {A1_ZONE("v=spf1 mx -all")};
    rdc_spf_t *s = EXPAND(tab, "example.com");
    assert_int_equal(rdc_spf_result(s), RDC_SPF_RES_OK);
    assert_int_equal(nranges(s), 2);
    /* preference order: mail-a (10) before mail-b (20), whatever the answer order */
    assert_range(s, 0, "192.0.2.129/32", "spf mx mail-a.example.com 192.0.2.129");
    assert_range(s, 1, "192.0.2.130/32", "spf mx mail-b.example.com 192.0.2.130");
    assert_int_equal(rdc_spf_lookups(s), 1);
    assert_false(asked("example.com", A)); /* no implicit MX (§5.4) */
    rdc_spf_free(s);
}

static void test_rfc_a1_mx_other(void **state)
{
    (void)state;
    static const stub_t tab[] = {A1_ZONE("v=spf1 mx mx:example.org -all")};
    rdc_spf_t *s = EXPAND(tab, "example.com");
    assert_int_equal(nranges(s), 3);
    assert_range(s, 2, "192.0.2.140/32", "spf mx:example.org mail-c.example.org 192.0.2.140");
    assert_int_equal(rdc_spf_lookups(s), 2);
    rdc_spf_free(s);
}

static void test_rfc_a1_mx_cidr(void **state)
{
    (void)state;
    static const stub_t tab[] = {A1_ZONE("v=spf1 mx/30 mx:example.org/30 -all")};
    rdc_spf_t *s = EXPAND(tab, "example.com");
    /* no exchange has an AAAA record: three void lookups for an IPv6 sender */
    assert_fatal(s, RDC_SPF_RES_PERMERROR, RDC_SPF_VOID_LOOKUPS, "for IPv6 senders only");
    /* .129/30 and .130/30 are one block: deduplicated, first via kept */
    assert_int_equal(nranges(s), 2);
    assert_range(s, 0, "192.0.2.128/30", "spf mx/30 mail-a.example.com 192.0.2.129");
    assert_range(s, 1, "192.0.2.140/30", NULL);
    rdc_spf_free(s);
}

static void test_rfc_a1_ptr(void **state)
{
    (void)state;
    static const stub_t tab[] = {A1_ZONE("v=spf1 ptr -all")};
    rdc_spf_t *s = EXPAND(tab, "example.com");
    assert_int_equal(rdc_spf_result(s), RDC_SPF_RES_OK);
    assert_int_equal(nranges(s), 0);
    const rdc_spf_problem_t *p = problem(s, RDC_SPF_PTR_DEPRECATED);
    assert_non_null(p);
    assert_false(p->fatal);
    assert_true(unit_contains(p->message, "deprecated"));
    assert_int_equal(rdc_spf_lookups(s), 1); /* counted, never looked up */
    assert_int_equal(qlog.n, 3);
    rdc_spf_free(s);
}

static void test_rfc_a1_ip4(void **state)
{
    (void)state;
    static const stub_t tab[] = {A1_ZONE("v=spf1 ip4:192.0.2.128/28 -all")};
    rdc_spf_t *s = EXPAND(tab, "example.com");
    assert_int_equal(nranges(s), 1);
    assert_range(s, 0, "192.0.2.128/28", "spf ip4:192.0.2.128/28");
    assert_true(unit_contains(rdc_spf_tree(s), "ip4:192.0.2.128/28 -> 16 addresses"));
    rdc_spf_free(s);
}

/* RFC 7208 A.2: la.example.org redirects to example.org, which includes. */
static void test_rfc_a2_redirect(void **state)
{
    (void)state;
    static const stub_t tab[] = {
        A1_ZONE("v=spf1 a -all"),
        {"la.example.org", TXT, 0, {"v=spf1 redirect=example.org"}},
        {"example.org", TXT, 0, {"v=spf1 include:example.com include:example.net -all"}},
        {"example.net", TXT, 0, {"v=spf1 ip4:198.51.100.0/24 -all"}},
    };
    rdc_spf_t *s = EXPAND(tab, "la.example.org");
    assert_int_equal(rdc_spf_result(s), RDC_SPF_RES_OK);
    assert_int_equal(nranges(s), 3);
    assert_range(s, 0, "192.0.2.10/32",
                 "spf redirect=example.org include:example.com a 192.0.2.10");
    assert_range(s, 2, "198.51.100.0/24",
                 "spf redirect=example.org include:example.net ip4:198.51.100.0/24");
    assert_int_equal(rdc_spf_lookups(s), 4);
    rdc_spf_free(s);
}

/* ------------------------------------------------------------ include, redirect */

static void test_nested_includes(void **state)
{
    (void)state;
    static const stub_t tab[] = {
        {"example.com", TXT, 0, {"v=spf1 ip4:192.0.2.1 include:one.example -all"}},
        {"one.example", TXT, 0, {"v=spf1 include:two.example ip4:192.0.2.2 ~all"}},
        {"two.example", TXT, 0, {"v=spf1 include:three.example -all"}},
        {"three.example", TXT, 0, {"v=spf1 ip6:2001:db8:3::/48 ip4:192.0.2.1 -all"}},
    };
    rdc_spf_t *s = EXPAND(tab, "example.com");
    assert_int_equal(rdc_spf_result(s), RDC_SPF_RES_OK);
    assert_int_equal(rdc_spf_lookups(s), 3);
    assert_int_equal(nranges(s), 3); /* 192.0.2.1 twice: the first via stays */
    assert_range(s, 0, "192.0.2.1/32", "spf ip4:192.0.2.1");
    assert_range(s, 1, "2001:db8:3::/48",
                 "spf include:one.example include:two.example include:three.example "
                 "ip6:2001:db8:3::/48");
    assert_range(s, 2, "192.0.2.2/32", "spf include:one.example ip4:192.0.2.2");
    assert_true(unit_contains(rdc_spf_tree(s), "\n      include:three.example: v=spf1"));
    assert_true(
        unit_contains(rdc_spf_tree(s), "\n        ip6:2001:db8:3::/48 -> 2^80 addresses\n"));
    rdc_spf_free(s);
}

static void test_include_qualifiers(void **state)
{
    (void)state;
    static const stub_t tab[] = {
        {"example.com", TXT, 0, {"v=spf1 -include:bad.example include:mid.example ~all"}},
        {"bad.example", TXT, 0, {"v=spf1 ip4:203.0.113.0/24 -all"}},
        {"mid.example", TXT, 0, {"v=spf1 ~include:soft.example ip4:192.0.2.7 -all"}},
        {"soft.example", TXT, 0, {"v=spf1 ip4:198.51.100.1 -all"}},
    };
    rdc_spf_t *s = EXPAND(tab, "example.com");
    assert_int_equal(rdc_spf_result(s), RDC_SPF_RES_OK);
    /* only mid's own +ip4: a '-' or '~' include passes on nothing */
    assert_int_equal(nranges(s), 1);
    assert_range(s, 0, "192.0.2.7/32", "spf include:mid.example ip4:192.0.2.7");
    assert_int_equal(rdc_spf_lookups(s), 3); /* still evaluated and counted */
    assert_true(asked("soft.example", TXT));
    assert_true(unit_contains(rdc_spf_tree(s), "not authorised (inside a '~' include)"));
    rdc_spf_free(s);
}

static void test_include_none(void **state)
{
    (void)state;
    static const stub_t tab[] = {
        {"example.com", TXT, 0, {"v=spf1 ip4:192.0.2.1 include:nospf.example -all"}},
        {"nospf.example", TXT, 0, {"just text"}},
        {"nx.example.com", TXT, 0, {"v=spf1 include:gone.example -all"}},
    };
    rdc_spf_t *s = EXPAND(tab, "example.com");
    assert_fatal(s, RDC_SPF_RES_PERMERROR, RDC_SPF_INCLUDE_NONE, "nospf.example has no SPF record");
    /* the ip4 before the include still passes at a receiver */
    assert_int_equal(nranges(s), 1);
    rdc_spf_free(s);
    s = EXPAND(tab, "nx.example.com");
    assert_fatal(s, RDC_SPF_RES_PERMERROR, RDC_SPF_INCLUDE_NONE, "does not exist");
    rdc_spf_free(s);
}

static void test_redirect(void **state)
{
    (void)state;
    static const stub_t tab[] = {
        {"example.com", TXT, 0, {"v=spf1 redirect=_spf.example.net ip4:192.0.2.1"}},
        {"_spf.example.net", TXT, 0, {"v=spf1 a mx -all"}},
        {"_spf.example.net", A, 0, {"198.51.100.5"}},
        {"_spf.example.net", MX, 0, {"5 mx.example.net"}},
        {"mx.example.net", AAAA, 0, {"2001:db8::25"}},
        {"nored.example", TXT, 0, {"v=spf1 redirect=nospf.example"}},
    };
    rdc_spf_t *s = EXPAND(tab, "example.com");
    assert_int_equal(rdc_spf_result(s), RDC_SPF_RES_OK);
    /* redirect= comes after every mechanism, wherever it is written;
     * a and mx now default to the redirect target */
    assert_int_equal(nranges(s), 3);
    assert_range(s, 0, "192.0.2.1/32", "spf ip4:192.0.2.1");
    assert_range(s, 1, "198.51.100.5/32", "spf redirect=_spf.example.net a 198.51.100.5");
    assert_range(s, 2, "2001:db8::25/128",
                 "spf redirect=_spf.example.net mx mx.example.net 2001:db8::25");
    assert_false(asked("example.com", A));
    assert_int_equal(rdc_spf_lookups(s), 3);
    rdc_spf_free(s);
    s = EXPAND(tab, "nored.example");
    assert_fatal(s, RDC_SPF_RES_PERMERROR, RDC_SPF_REDIRECT_NONE, "nospf.example");
    rdc_spf_free(s);
}

static void test_redirect_ignored_with_all(void **state)
{
    (void)state;
    static const stub_t tab[] = {
        {"example.com", TXT, 0, {"v=spf1 redirect=other.example ip4:192.0.2.1 ~all"}},
        {"other.example", TXT, 0, {"v=spf1 ip4:203.0.113.1 -all"}},
    };
    rdc_spf_t *s = EXPAND(tab, "example.com");
    assert_int_equal(rdc_spf_result(s), RDC_SPF_RES_OK);
    assert_int_equal(nranges(s), 1);
    assert_false(asked("other.example", TXT));
    assert_int_equal(rdc_spf_lookups(s), 0);
    const rdc_spf_problem_t *p = problem(s, RDC_SPF_IGNORED);
    assert_non_null(p);
    assert_true(unit_contains(p->message, "redirect=other.example"));
    rdc_spf_free(s);
}

static void test_terms_after_all(void **state)
{
    (void)state;
    static const stub_t tab[] = {
        {"example.com", TXT, 0, {"v=spf1 ip4:192.0.2.1 -all include:late.example ip4:192.0.2.2"}},
        {"bad.example", TXT, 0, {"v=spf1 -all foo:bar"}},
    };
    rdc_spf_t *s = EXPAND(tab, "example.com");
    assert_int_equal(rdc_spf_result(s), RDC_SPF_RES_OK);
    assert_int_equal(nranges(s), 1);
    assert_false(asked("late.example", TXT));
    assert_int_equal(rdc_spf_lookups(s), 0);
    assert_true(unit_contains(problem(s, RDC_SPF_IGNORED)->message, "2 mechanisms after 'all'"));
    rdc_spf_free(s);
    /* still parsed: a syntax error after all is a permerror (§4.6) */
    s = EXPAND(tab, "bad.example");
    assert_fatal(s, RDC_SPF_RES_PERMERROR, RDC_SPF_SYNTAX, "foo:bar");
    rdc_spf_free(s);
}

/* ------------------------------------------------------------ limits */

/* A chain of n includes: c0.example includes c1.example ... cn.example has
 * an ip4. Fills tab (which holds at least n + 1 entries). */
static size_t chain(stub_t *tab, char names[][32], char recs[][96], size_t n)
{
    for (size_t i = 0; i <= n; i++) {
        snprintf(names[i], 32, "c%zu.example", i);
        if (i < n)
            snprintf(recs[i], 96, "v=spf1 include:c%zu.example -all", i + 1);
        else
            snprintf(recs[i], 96, "v=spf1 ip4:192.0.2.%zu -all", i);
        memset(&tab[i], 0, sizeof tab[i]);
        tab[i].name = names[i];
        tab[i].type = TXT;
        tab[i].rr[0] = recs[i];
    }
    return n + 1;
}

static void test_ten_lookups_ok(void **state)
{
    (void)state;
    stub_t tab[12];
    char names[12][32], recs[12][96];
    size_t n = chain(tab, names, recs, 10);
    rdc_spf_t *s = expand(tab, n, "c0.example");
    assert_int_equal(rdc_spf_result(s), RDC_SPF_RES_OK);
    assert_int_equal(rdc_spf_lookups(s), 10);
    assert_int_equal(nranges(s), 1);
    assert_range(s, 0, "192.0.2.10/32", NULL);
    rdc_spf_free(s);
}

static void test_eleven_lookups(void **state)
{
    (void)state;
    stub_t tab[13];
    char names[13][32], recs[13][96];
    size_t n = chain(tab, names, recs, 11);
    rdc_spf_t *s = expand(tab, n, "c0.example");
    assert_fatal(s, RDC_SPF_RES_PERMERROR, RDC_SPF_TOO_MANY_LOOKUPS, "number 11");
    assert_int_equal(rdc_spf_lookups(s), 11);
    assert_int_equal(nranges(s), 0);
    assert_false(asked("c11.example", TXT)); /* the 11th is not looked up */
    rdc_spf_free(s);
}

static void test_eleven_lookups_flat(void **state)
{
    (void)state;
    static const stub_t tab[] = {
        {"example.com",
         TXT,
         0,
         {"v=spf1 ip4:192.0.2.1 a mx a:x.example.com a:x.example.com exists:e.example.com a a "
          "a a include:i.example.com include:j.example.com ip4:192.0.2.99 -all"}},
        {"example.com", A, 0, {"192.0.2.10"}},
        {"example.com", AAAA, 0, {"2001:db8::10"}},
        {"x.example.com", A, 0, {"192.0.2.11"}},
        {"x.example.com", AAAA, 0, {"2001:db8::11"}},
        {"e.example.com", AAAA, 0, {"2001:db8::e"}}, /* exists asks A: void */
        {"example.com", MX, 0, {"10 x.example.com"}},
        {"i.example.com", TXT, 0, {"v=spf1 ip4:192.0.2.12 -all"}},
        {"j.example.com", TXT, 0, {"v=spf1 ip4:192.0.2.13 -all"}},
    };
    rdc_spf_t *s = EXPAND(tab, "example.com");
    assert_fatal(s, RDC_SPF_RES_PERMERROR, RDC_SPF_TOO_MANY_LOOKUPS, "'include:j.example.com'");
    assert_int_equal(rdc_spf_lookups(s), 11);
    /* what came before the 11th still passes; nothing after it */
    assert_int_equal(nranges(s), 6);
    assert_range(s, 5, "192.0.2.12/32", NULL);
    assert_int_equal(rdc_spf_void_lookups(s), 1);
    assert_true(unit_contains(rdc_spf_tree(s), "include:j.example.com -> not evaluated"));
    rdc_spf_free(s);
}

static void test_mx_limit(void **state)
{
    (void)state;
    static const stub_t tab[] = {
        {"ten.example", TXT, 0, {"v=spf1 mx -all"}},
        {"ten.example",
         MX,
         0,
         {"1 m1.example", "2 m2.example", "3 m3.example", "4 m4.example", "5 m5.example",
          "6 m6.example", "7 m7.example", "8 m8.example", "9 m9.example", "10 m10.example", "0 ."}},
        {"eleven.example", TXT, 0, {"v=spf1 ip4:192.0.2.1 mx:ten.example mx -all"}},
        {"eleven.example",
         MX,
         0,
         {"1 m1.example", "2 m2.example", "3 m3.example", "4 m4.example", "5 m5.example",
          "6 m6.example", "7 m7.example", "8 m8.example", "9 m9.example", "10 m10.example",
          "11 m11.example"}},
        {"m1.example", A, 0, {"192.0.2.1"}},
        {"m1.example", AAAA, 0, {"2001:db8::1"}},
        {"m2.example", A, 0, {"192.0.2.2"}},
        {"m2.example", AAAA, 0, {"2001:db8::2"}},
        {"m3.example", A, 0, {"192.0.2.3"}},
        {"m3.example", AAAA, 0, {"2001:db8::3"}},
        {"m4.example", A, 0, {"192.0.2.4"}},
        {"m4.example", AAAA, 0, {"2001:db8::4"}},
        {"m5.example", A, 0, {"192.0.2.5"}},
        {"m5.example", AAAA, 0, {"2001:db8::5"}},
        {"m6.example", A, 0, {"192.0.2.6"}},
        {"m6.example", AAAA, 0, {"2001:db8::6"}},
        {"m7.example", A, 0, {"192.0.2.7"}},
        {"m7.example", AAAA, 0, {"2001:db8::7"}},
        {"m8.example", A, 0, {"192.0.2.8"}},
        {"m8.example", AAAA, 0, {"2001:db8::8"}},
        {"m9.example", A, 0, {"192.0.2.9"}},
        {"m9.example", AAAA, 0, {"2001:db8::9"}},
        {"m10.example", AAAA, 0, {"2001:db8::10"}},
        {"m11.example", A, 0, {"192.0.2.11"}},
    };
    rdc_spf_t *s = EXPAND(tab, "ten.example");
    assert_int_equal(rdc_spf_result(s), RDC_SPF_RES_OK);
    assert_int_equal(nranges(s), 19); /* m10 has no A: one void lookup for IPv4 */
    assert_range(s, 0, "192.0.2.1/32", "spf mx m1.example 192.0.2.1");
    assert_range(s, 1, "2001:db8::1/128", "spf mx m1.example 2001:db8::1");
    assert_range(s, 18, "2001:db8::10/128", "spf mx m10.example 2001:db8::10");
    rdc_spf_free(s);
    s = EXPAND(tab, "eleven.example");
    assert_fatal(s, RDC_SPF_RES_PERMERROR, RDC_SPF_TOO_MANY_MX, "11 MX host names");
    assert_false(asked("m11.example", A));
    assert_int_equal(nranges(s), 19); /* the ip4 and mx:ten.example before it */
    rdc_spf_free(s);
}

static void test_void_lookups(void **state)
{
    (void)state;
    static const stub_t tab[] = {
        {"two.example", TXT, 0, {"v=spf1 a:n1.example mx:n2.example ip4:192.0.2.1 -all"}},
        {"three.example",
         TXT,
         0,
         {"v=spf1 a:n1.example mx:n2.example include:i.example a:n3.example ip4:192.0.2.1 "
          "-all"}},
        {"n2.example", A, 0, {"192.0.2.1"}}, /* exists, no MX: NODATA */
        {"i.example", TXT, 0, {"v=spf1 a:ok.example"}},
        {"ok.example", AAAA, 0, {"2001:db8::1"}},
    };
    rdc_spf_t *s = EXPAND(tab, "two.example");
    assert_int_equal(rdc_spf_result(s), RDC_SPF_RES_OK);
    assert_int_equal(rdc_spf_void_lookups(s), 2);
    rdc_spf_free(s);
    s = EXPAND(tab, "three.example");
    /* an IPv4 sender's third void lookup is the A lookup of ok.example (an
     * IPv4 sender asks no AAAA, §5.3); an IPv6 sender's is a:n3.example */
    assert_fatal(s, RDC_SPF_RES_PERMERROR, RDC_SPF_VOID_LOOKUPS, "A lookup of ok.example");
    assert_false(unit_contains(problem(s, RDC_SPF_VOID_LOOKUPS)->message, "senders only"));
    assert_int_equal(rdc_spf_void_lookups(s), 3);
    assert_int_equal(nranges(s), 1); /* ok.example's address, before the third */
    assert_range(s, 0, "2001:db8::1/128", "spf include:i.example a:ok.example 2001:db8::1");
    rdc_spf_free(s);
}

static void test_loops(void **state)
{
    (void)state;
    static const stub_t tab[] = {
        {"self.example", TXT, 0, {"v=spf1 ip4:192.0.2.1 include:SELF.example. -all"}},
        {"a.example", TXT, 0, {"v=spf1 include:b.example -all"}},
        {"b.example", TXT, 0, {"v=spf1 ip4:192.0.2.2 include:a.example -all"}},
        {"r.example", TXT, 0, {"v=spf1 redirect=r2.example"}},
        {"r2.example", TXT, 0, {"v=spf1 redirect=r.example"}},
        {"twice.example", TXT, 0, {"v=spf1 include:leaf.example include:leaf.example -all"}},
        {"leaf.example", TXT, 0, {"v=spf1 ip4:192.0.2.3 -all"}},
    };
    rdc_spf_t *s = EXPAND(tab, "self.example");
    assert_fatal(s, RDC_SPF_RES_PERMERROR, RDC_SPF_LOOP, "self.example");
    assert_int_equal(nranges(s), 1);
    rdc_spf_free(s);
    s = EXPAND(tab, "a.example");
    assert_fatal(s, RDC_SPF_RES_PERMERROR, RDC_SPF_LOOP, "leads back to a.example");
    assert_int_equal(rdc_spf_lookups(s), 2);
    rdc_spf_free(s);
    s = EXPAND(tab, "r.example");
    assert_fatal(s, RDC_SPF_RES_PERMERROR, RDC_SPF_LOOP, "redirect=r.example");
    rdc_spf_free(s);
    /* the same include twice side by side is no loop */
    s = EXPAND(tab, "twice.example");
    assert_int_equal(rdc_spf_result(s), RDC_SPF_RES_OK);
    assert_int_equal(rdc_spf_lookups(s), 2);
    assert_int_equal(nranges(s), 1);
    rdc_spf_free(s);
}

static void test_many_terms(void **state)
{
    (void)state;
    static char rec[4096], rec2[4200];
    size_t len = (size_t)snprintf(rec, sizeof rec, "v=spf1");
    for (int i = 0; i < 99; i++)
        len += (size_t)snprintf(rec + len, sizeof rec - len, " ip4:10.0.%d.%d", i / 256, i % 256);
    snprintf(rec + len, sizeof rec - len, " -all");
    snprintf(rec2, sizeof rec2, "%s ip4:192.0.2.1", rec);
    stub_t tab[2];
    memset(tab, 0, sizeof tab);
    tab[0].name = "ok.example";
    tab[0].type = TXT;
    tab[0].rr[0] = rec;
    tab[1].name = "over.example";
    tab[1].type = TXT;
    tab[1].rr[0] = rec2;
    rdc_spf_t *s = expand(tab, 2, "ok.example"); /* 100 terms */
    assert_int_equal(rdc_spf_result(s), RDC_SPF_RES_OK);
    assert_int_equal(nranges(s), 99);
    assert_range(s, 98, "10.0.0.98/32", NULL);
    rdc_spf_free(s);
    s = expand(tab, 2, "over.example"); /* 101 */
    assert_fatal(s, RDC_SPF_RES_PERMERROR, RDC_SPF_TOO_MANY_TERMS, "more than 100 terms");
    assert_int_equal(nranges(s), 0);
    rdc_spf_free(s);
}

/* ------------------------------------------------------------ mechanisms */

static void test_qualifiers(void **state)
{
    (void)state;
    static const stub_t tab[] = {
        {"example.com",
         TXT,
         0,
         {"v=spf1 -ip4:192.0.2.1 ~ip4:192.0.2.2 ?ip4:192.0.2.3 +ip4:192.0.2.4 ip4:192.0.2.5 "
          "-a:host.example.com ~mx ?all"}},
        {"example.com", MX, 0, {"10 host.example.com"}},
        {"host.example.com", A, 0, {"192.0.2.6"}},
    };
    rdc_spf_t *s = EXPAND(tab, "example.com");
    assert_int_equal(rdc_spf_result(s), RDC_SPF_RES_OK);
    assert_int_equal(nranges(s), 2);
    assert_range(s, 0, "192.0.2.4/32", "spf +ip4:192.0.2.4");
    assert_range(s, 1, "192.0.2.5/32", "spf ip4:192.0.2.5");
    assert_int_equal(rdc_spf_lookups(s), 2); /* -a and ~mx still count */
    assert_true(asked("host.example.com", A));
    assert_true(unit_contains(rdc_spf_tree(s),
                              "-ip4:192.0.2.1 -> 1 address, not authorised (qualifier '-')"));
    assert_null(problem(s, RDC_SPF_PASS_ALL));
    rdc_spf_free(s);
}

static void test_ip_forms(void **state)
{
    (void)state;
    static const stub_t tab[] = {
        {"example.com",
         TXT,
         0,
         {"v=spf1 ip4:192.0.2.5 ip4:192.0.2.5/24 ip4:198.51.100.0/0 ip6:2001:db8::1 "
          "ip6:2001:DB8:0:0::/32 ip6:::ffff:192.0.2.1 ip6:::/0 ip4:203.0.113.7/31 -all"}},
    };
    rdc_spf_t *s = EXPAND(tab, "example.com");
    assert_int_equal(rdc_spf_result(s), RDC_SPF_RES_OK);
    assert_range(s, 0, "192.0.2.5/32", "spf ip4:192.0.2.5");
    /* each address under the first term that matches it (§4.6.2) */
    assert_string_equal(covered(s, "192.0.2.4"), "spf ip4:192.0.2.5/24"); /* as given */
    assert_string_equal(covered(s, "192.0.2.255"), "spf ip4:192.0.2.5/24");
    assert_string_equal(covered(s, "10.0.0.1"), "spf ip4:198.51.100.0/0");
    assert_string_equal(covered(s, "203.0.113.7"), "spf ip4:198.51.100.0/0");
    assert_string_equal(covered(s, "2001:db8::1"), "spf ip6:2001:db8::1");
    assert_string_equal(covered(s, "2001:db8:ffff::1"), "spf ip6:2001:DB8:0:0::/32");
    assert_string_equal(covered(s, "2001:db9::1"), "spf ip6:::/0");
    /* an IPv4-mapped sender is an IPv4 sender (§5): ip6:::ffff:192.0.2.1
     * matches nothing, and no range lies inside ::ffff:0:0/96 (::/0 holds
     * it, as a block never listed address by address) */
    assert_string_equal(covered(s, "::ffff:192.0.2.1"), "spf ip6:::/0");
    size_t n;
    const rdc_spf_range_t *r = rdc_spf_ranges(s, &n);
    for (size_t i = 0; i < n; i++)
        assert_false(r[i].cidr.base.family == 6 && r[i].cidr.prefix >= 96 &&
                     r[i].cidr.base.b[10] == 0xff && r[i].cidr.base.b[11] == 0xff &&
                     memcmp(r[i].cidr.base.b, "\0\0\0\0\0\0\0\0\0\0", 10) == 0);
    assert_true(unit_contains(rdc_spf_tree(s), "ip6:::ffff:192.0.2.1 -> 1 address, IPv4-mapped"));
    rdc_spf_free(s);
}

static void test_syntax_errors(void **state)
{
    (void)state;
    static const char *const terms[] = {"ip4:192.0.2.0/33",
                                        "ip6:2001:db8::/129",
                                        "ip4:192.0.2.0/",
                                        "ip4:192.0.2.0/024",
                                        "ip4:192.0.2.0/24/",
                                        "ip4:192.0.2",
                                        "ip4:010.0.0.1",
                                        "ip4:2001:db8::1",
                                        "ip6:192.0.2.1",
                                        "ip4:",
                                        "ip4",
                                        "ip6:2001:db8::/32//64",
                                        "a/33",
                                        "a//129",
                                        "mx/24/64",
                                        "a:/24",
                                        "a:example.com/",
                                        "a:",
                                        "include:",
                                        "include",
                                        "include:example.com/24",
                                        "exists",
                                        "ptr/24",
                                        "all:x",
                                        "allx",
                                        "ipv4:192.0.2.1",
                                        "+",
                                        "-",
                                        "=x",
                                        "mx:",
                                        "mx:1.2.3.4",
                                        "a:-bad.example.com",
                                        "include:localhost",
                                        "include:exa_mple..com",
                                        "a:example.com/0024",
                                        "redirect=",
                                        "exp=",
                                        "redirect=example.com/x",
                                        "a:ex%ample.com",
                                        "include:%{i",
                                        "include:%{x}.example.com",
                                        "include:%{i0}.example.com",
                                        "a:%",
                                        "include:%{c}.example.com",
                                        "foo=%{",
                                        "1foo=bar",
                                        "ip4:192.0.2.1:25",
                                        "ip6:::1//64",
                                        "exists:%{ir}.%{l1r+-}.%{d",
                                        "a/-1",
                                        "include:example._com",
                                        "a:%{d}.",
                                        "include:%{d}foo",
                                        "include:%{d}.x_y",
                                        "exists:%{d}.-x",
                                        "a:%{d}.123"};
    for (size_t i = 0; i < ARRAY_LEN(terms); i++) {
        char rec[200];
        snprintf(rec, sizeof rec, "v=spf1 ip4:192.0.2.1 %s -all", terms[i]);
        stub_t tab[1];
        memset(tab, 0, sizeof tab);
        tab[0].name = "example.com";
        tab[0].type = TXT;
        tab[0].rr[0] = rec;
        rdc_spf_t *s = expand(tab, 1, "example.com");
        const rdc_spf_problem_t *p = problem(s, RDC_SPF_SYNTAX);
        if (rdc_spf_result(s) != RDC_SPF_RES_PERMERROR || p == NULL) {
            print_error("term '%s' was accepted\n", terms[i]);
            fail();
        }
        char quoted[200];
        snprintf(quoted, sizeof quoted, "'%s'", terms[i]);
        assert_true(unit_contains(p->message, quoted));
        assert_int_equal(nranges(s), 0); /* a syntax error anywhere: nothing passes */
        assert_int_equal(qlog.n, 3);
        rdc_spf_free(s);
    }
}

static void test_syntax_accepted(void **state)
{
    (void)state;
    static const char *const terms[] = {"a",
                                        "a/24",
                                        "a//64",
                                        "a/0//0",
                                        "a:example.net//128",
                                        "mx",
                                        "mx/32",
                                        "ptr",
                                        "ptr:example.net",
                                        "foo=bar",
                                        "moo.cow-far_out=man:dog/cat",
                                        "x=",
                                        "exp=explain.example.com",
                                        "?all",
                                        "ip6:::1",
                                        "ip4:0.0.0.0/0",
                                        "a:Example.NET.",
                                        "include:%{d}._spf.example.com",
                                        "exists:%{ir}.%{l1r+-}.%{d}.bl.example",
                                        "a:%%%_%-.example.com",
                                        "a:x.%{d}",
                                        "include:x.%{d.}",
                                        "include:%{d2r}.bl.123-4",
                                        "include:%{l}.x.example.com.",
                                        "exists:%%",
                                        "a:_x.example.com"};
    for (size_t i = 0; i < ARRAY_LEN(terms); i++) {
        char rec[200];
        snprintf(rec, sizeof rec, "v=spf1  %s   ip4:192.0.2.1  ", terms[i]);
        stub_t tab[1];
        memset(tab, 0, sizeof tab);
        tab[0].name = "example.com";
        tab[0].type = TXT;
        tab[0].rr[0] = rec;
        rdc_spf_t *s = expand(tab, 1, "example.com");
        if (rdc_spf_result(s) == RDC_SPF_RES_PERMERROR && problem(s, RDC_SPF_SYNTAX) != NULL) {
            print_error("term '%s': %s\n", terms[i], problem(s, RDC_SPF_SYNTAX)->message);
            fail();
        }
        rdc_spf_free(s);
    }
}

static void test_a_dual_cidr(void **state)
{
    (void)state;
    static const stub_t tab[] = {
        {"example.com", TXT, 0, {"v=spf1 a:mail.example.com/24//64 a//48 -all"}},
        {"mail.example.com", A, 0, {"192.0.2.77"}},
        {"mail.example.com", AAAA, 0, {"2001:db8:1:2::5"}},
        {"example.com", AAAA, 0, {"2001:db8:1:2:3::9"}},
    };
    rdc_spf_t *s = EXPAND(tab, "example.com");
    assert_int_equal(rdc_spf_result(s), RDC_SPF_RES_OK);
    /* the /48 less the /64 the first term decided: 16 blocks */
    assert_int_equal(nranges(s), 18);
    assert_range(s, 0, "192.0.2.0/24", "spf a:mail.example.com/24//64 192.0.2.77");
    assert_range(s, 1, "2001:db8:1:2::/64", "spf a:mail.example.com/24//64 2001:db8:1:2::5");
    assert_range(s, 2, "2001:db8:1::/63", "spf a//48 2001:db8:1:2:3::9");
    assert_string_equal(covered(s, "2001:db8:1:2:3::9"),
                        "spf a:mail.example.com/24//64 2001:db8:1:2::5");
    assert_string_equal(covered(s, "2001:db8:1:ffff::1"), "spf a//48 2001:db8:1:2:3::9");
    assert_true(unit_contains(rdc_spf_tree(s),
                              "a:mail.example.com/24//64 -> 192.0.2.0/24, 2001:db8:1:2::/64\n"));
    rdc_spf_free(s);
}

static void test_exists_and_macros(void **state)
{
    (void)state;
    static const stub_t tab[] = {
        {"example.com",
         TXT,
         0,
         {"v=spf1 exists:%{i}.bl.example.com a:%{l}.x.example.com ip4:192.0.2.1 "
          "exp=%{d}.exp.example.com redirect=r.example.com"}},
        {"r.example.com", TXT, 0, {"v=spf1 ip4:192.0.2.2 -all"}},
        {"inc.example", TXT, 0, {"v=spf1 include:%{ir}._spf.example.com ip4:192.0.2.1 -all"}},
        {"minus.example", TXT, 0, {"v=spf1 ip4:192.0.2.1 -mx:%%.example.com ip4:192.0.2.3"}},
    };
    rdc_spf_t *s = EXPAND(tab, "example.com");
    assert_int_equal(rdc_spf_result(s), RDC_SPF_RES_OK);
    size_t n;
    const rdc_spf_problem_t *p = rdc_spf_problems(s, &n);
    assert_int_equal(n, 3);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(p[i].code, RDC_SPF_UNSUPPORTED_MECHANISM);
        assert_false(p[i].fatal);
    }
    assert_true(unit_contains(p[0].message, "'exists:%{i}.bl.example.com'"));
    assert_true(unit_contains(p[1].message, "'a:%{l}.x.example.com'"));
    /* a '+' term that depends on the sender: what passes later passes either
     * way; what the record fails may have passed there: undecided */
    assert_true(unit_contains(p[2].message, "undecided: 0.0.0.0/1, "));
    assert_int_equal(rdc_spf_lookups(s), 3); /* counted, never asked */
    assert_int_equal(nranges(s), 2);
    assert_range(s, 0, "192.0.2.1/32", "spf ip4:192.0.2.1");
    assert_range(s, 1, "192.0.2.2/32", "spf redirect=r.example.com ip4:192.0.2.2");
    /* every question: the two TXT records, in each of the three runs */
    assert_int_equal(qlog.n, 6);
    rdc_spf_free(s);
    /* an include whose target depends on the sender may end in anything:
     * everything that reaches it is undecided */
    s = EXPAND(tab, "inc.example");
    assert_int_equal(rdc_spf_result(s), RDC_SPF_RES_OK);
    assert_int_equal(nranges(s), 0);
    assert_true(unit_contains(problem(s, RDC_SPF_UNSUPPORTED_MECHANISM)->message,
                              "'include:%{ir}._spf.example.com'"));
    rdc_spf_free(s);
    /* a '-' term that depends on the sender: nothing after it is listed */
    s = EXPAND(tab, "minus.example");
    assert_int_equal(nranges(s), 1);
    assert_null(covered(s, "192.0.2.3"));
    p = rdc_spf_problems(s, &n);
    assert_int_equal(n, 2);
    assert_true(unit_contains(p[1].message, "undecided: 0.0.0.0/1, "));
    rdc_spf_free(s);
}

/* ------------------------------------------------------------ set semantics */

/* One policy of the table: its domain, the addresses it must list as
 * authorised (yes), must not list (no), its result and fatal code, and a
 * text its problems must hold. */
typedef struct setcase {
    const char *domain;
    const char *yes[8];
    const char *no[8];
    rdc_spf_result_t res;
    rdc_code_t code; /* fatal code when res is not OK */
    const char *needle; /* in some problem's message, or NULL */
} setcase_t;

static bool has_message(const rdc_spf_t *s, const char *needle)
{
    size_t n;
    const rdc_spf_problem_t *p = rdc_spf_problems(s, &n);
    for (size_t i = 0; i < n; i++)
        if (unit_contains(p[i].message, needle))
            return true;
    return false;
}

static void run_setcases(const stub_t *tab, size_t ntab, const setcase_t *cs, size_t ncs)
{
    for (size_t c = 0; c < ncs; c++) {
        rdc_spf_t *s = expand(tab, ntab, cs[c].domain);
        if (rdc_spf_result(s) != cs[c].res) {
            print_error("%s: result %s\n", cs[c].domain, rdc_spf_result_name(rdc_spf_result(s)));
            fail();
        }
        if (cs[c].res != RDC_SPF_RES_OK)
            assert_fatal(s, cs[c].res, cs[c].code, NULL);
        for (size_t i = 0; i < 8 && cs[c].yes[i]; i++)
            if (covered(s, cs[c].yes[i]) == NULL) {
                print_error("%s: %s is not listed\n", cs[c].domain, cs[c].yes[i]);
                fail();
            }
        for (size_t i = 0; i < 8 && cs[c].no[i]; i++)
            if (covered(s, cs[c].no[i]) != NULL) {
                print_error("%s: %s is listed (%s)\n", cs[c].domain, cs[c].no[i],
                            covered(s, cs[c].no[i]));
                fail();
            }
        if (cs[c].needle != NULL && !has_message(s, cs[c].needle)) {
            print_error("%s: no problem says '%s'\n", cs[c].domain, cs[c].needle);
            fail();
        }
        rdc_spf_free(s);
    }
}

#define OK RDC_SPF_RES_OK, RDC_SPF_NONE
#define PERM(code) RDC_SPF_RES_PERMERROR, code

/* Issue 21, rule 1: the first matching term decides (§4.6.2), whatever its
 * qualifier; an include matches where its target passes (§5.2), also
 * inside redirect= (§6.1). */
static void test_first_match_wins(void **state)
{
    (void)state;
    static const stub_t tab[] = {
        {"minus.example", TXT, 0, {"v=spf1 -ip4:198.18.70.130 ip4:198.18.70.128/29 -all"}},
        {"soft.example",
         TXT,
         0,
         {"v=spf1 ~ip4:198.18.70.128/30 ?ip6:2001:db8:70::/127 ip4:198.18.70.128/29 "
          "ip6:2001:db8:70::/126 -all"}},
        {"inc.example", TXT, 0, {"v=spf1 -include:bad.example ip4:198.18.71.0/28 -all"}},
        {"bad.example", TXT, 0, {"v=spf1 ip4:198.18.71.0/30 -all"}},
        {"nomatch.example", TXT, 0, {"v=spf1 include:fails.example ip4:198.18.71.0/29 -all"}},
        {"fails.example", TXT, 0, {"v=spf1 -ip4:198.18.71.0/30 ip4:198.18.71.4 ~all"}},
        {"red.example", TXT, 0, {"v=spf1 ip4:198.18.72.9 redirect=target.example"}},
        {"target.example",
         TXT,
         0,
         {"v=spf1 -include:bad.example -ip4:198.18.72.5 ip4:198.18.72.0/29 ip4:198.18.71.0/29 "
          "-all"}},
        {"plus.example", TXT, 0, {"v=spf1 include:bad.example -ip4:198.18.71.0/29 -all"}},
        {"deep.example", TXT, 0, {"v=spf1 include:mid.example ip4:198.18.71.0/28 -all"}},
        {"mid.example", TXT, 0, {"v=spf1 -include:bad.example ?all"}},
        /* every sender is decided before the include: no error (§4.6.2) */
        {"halves.example",
         TXT,
         0,
         {"v=spf1 ip4:0.0.0.0/1 -ip4:128.0.0.0/1 ip6:::/1 ~ip6:8000::/1 include:nx.example"}},
    };
    static const setcase_t cs[] = {
        {"minus.example",
         {"198.18.70.128", "198.18.70.129", "198.18.70.131", "198.18.70.135"},
         {"198.18.70.130", "198.18.70.136", "198.18.70.127"},
         OK,
         NULL},
        {"soft.example",
         {"198.18.70.132", "198.18.70.135", "2001:db8:70::2", "2001:db8:70::3"},
         {"198.18.70.128", "198.18.70.131", "2001:db8:70::", "2001:db8:70::1"},
         OK,
         NULL},
        {"inc.example",
         {"198.18.71.4", "198.18.71.15"},
         {"198.18.71.0", "198.18.71.3", "198.18.71.16"},
         OK,
         NULL},
        /* a target that fails an address does not match: the record goes on */
        {"nomatch.example",
         {"198.18.71.0", "198.18.71.3", "198.18.71.4", "198.18.71.7"},
         {"198.18.71.8"},
         OK,
         NULL},
        {"red.example",
         {"198.18.72.9", "198.18.72.0", "198.18.72.4", "198.18.72.6", "198.18.71.4"},
         {"198.18.72.5", "198.18.71.0", "198.18.71.3"},
         OK,
         NULL},
        {"plus.example", {"198.18.71.0", "198.18.71.3"}, {"198.18.71.4", "198.18.71.7"}, OK, NULL},
        /* mid fails bad's range: no match in deep, whose ip4 then passes it */
        {"deep.example", {"198.18.71.0", "198.18.71.15"}, {"198.18.71.16"}, OK, NULL},
        {"halves.example", {"1.2.3.4", "::1"}, {"200.1.1.1", "fe80::1"}, OK, NULL},
    };
    run_setcases(tab, ARRAY_LEN(tab), cs, ARRAY_LEN(cs));
}

/* Rule 2: DNS-querying terms and void lookups counted per address family,
 * as for one sender (§4.6.4, §5.3, §5.4). */
static void test_per_family_limits(void **state)
{
    (void)state;
    static const stub_t tab[] = {
        {"v6only.example",
         TXT,
         0,
         {"v=spf1 a:h1.example a:h2.example a:h3.example ip4:198.18.73.0/30 "
          "ip6:2001:db8:73::/126 -all"}},
        {"h1.example", AAAA, 0, {"2001:db8:73::11"}},
        {"h2.example", AAAA, 0, {"2001:db8:73::12"}},
        {"h3.example", AAAA, 0, {"2001:db8:73::13"}},
        {"v4only.example",
         TXT,
         0,
         {"v=spf1 ip4:198.18.73.8 mx:m.example ip6:2001:db8:73::/126 -all"}},
        {"m.example", MX, 0, {"10 h4.example", "20 h5.example", "30 h6.example"}},
        {"h4.example", A, 0, {"198.18.73.14"}},
        {"h5.example", A, 0, {"198.18.73.15"}},
        {"h6.example", A, 0, {"198.18.73.16"}},
        {"two.example", TXT, 0, {"v=spf1 a:h1.example a:h2.example ip4:198.18.73.0/30 -all"}},
        /* 192.0.2.0/30 leaves e.example after 1 lookup, the rest after 4 */
        {"path.example",
         TXT,
         0,
         {"v=spf1 include:e.example a:p1.example a:p1.example a:p1.example a:p1.example "
          "a:p1.example a:p1.example a:p1.example ip4:192.0.2.0/29 -all"}},
        {"e.example",
         TXT,
         0,
         {"v=spf1 -ip4:192.0.2.0/30 include:n1.example include:n1.example include:n1.example "
          "-all"}},
        {"n1.example", TXT, 0, {"v=spf1 -all"}},
        {"p1.example", A, 0, {"198.18.73.99"}},
        {"p1.example", AAAA, 0, {"2001:db8:73::99"}},
        /* IPv4 decided before the 11th lookup, IPv6 not */
        {"eleven.example",
         TXT,
         0,
         {"v=spf1 ip4:0.0.0.0/0 a:h1.example a:h1.example a:h1.example a:h1.example "
          "a:h1.example a:h1.example a:h1.example a:h1.example a:h1.example a:h1.example "
          "a:h1.example -all"}},
    };
    static const setcase_t cs[] = {
        {"v6only.example",
         {"2001:db8:73::11", "2001:db8:73::13", "2001:db8:73::2"},
         {"198.18.73.0", "198.18.73.3"},
         PERM(RDC_SPF_VOID_LOOKUPS),
         "the result for IPv4 senders only"},
        {"v4only.example",
         {"198.18.73.8", "198.18.73.14", "198.18.73.16"},
         {"2001:db8:73::1"},
         PERM(RDC_SPF_VOID_LOOKUPS),
         "the result for IPv6 senders only"},
        {"two.example", {"198.18.73.0", "198.18.73.3"}, {"198.18.73.4"}, OK, NULL},
        /* each sender's own way counts (§4.6.4): 8 lookups for .0/30 */
        {"path.example",
         {"192.0.2.0", "192.0.2.3", "198.18.73.99"},
         {"192.0.2.4", "192.0.2.7"},
         PERM(RDC_SPF_TOO_MANY_LOOKUPS),
         "'a:p1.example' at path.example is DNS-querying term number 11"},
        {"eleven.example",
         {"192.0.2.1", "255.255.255.255", "2001:db8:73::11"},
         {"2001:db8:73::99"},
         PERM(RDC_SPF_TOO_MANY_LOOKUPS),
         "the result for IPv6 senders only"},
    };
    run_setcases(tab, ARRAY_LEN(tab), cs, ARRAY_LEN(cs));
    rdc_spf_t *s = EXPAND(tab, "two.example");
    assert_int_equal(rdc_spf_void_lookups(s), 2);
    rdc_spf_free(s);
}

/* Rule 3: an IPv4-mapped address is an IPv4 sender (§5, §5.6): ip6: ranges
 * and AAAA answers in ::ffff:0:0/96 list nothing. */
static void test_ipv4_mapped(void **state)
{
    (void)state;
    static const stub_t tab[] = {
        {"mapped.example",
         TXT,
         0,
         {"v=spf1 ip6:::ffff:198.18.74.200/126 a:m4.example ip4:198.18.74.1 -all"}},
        {"m4.example", AAAA, 0, {"::ffff:198.18.74.9", "2001:db8:74::9"}},
    };
    static const setcase_t cs[] = {
        {"mapped.example",
         {"198.18.74.1", "2001:db8:74::9"},
         {"198.18.74.200", "::ffff:198.18.74.200", "::ffff:198.18.74.201", "198.18.74.9",
          "::ffff:198.18.74.9"},
         OK,
         NULL},
    };
    run_setcases(tab, ARRAY_LEN(tab), cs, ARRAY_LEN(cs));
    rdc_spf_t *s = EXPAND(tab, "mapped.example");
    size_t n;
    const rdc_spf_range_t *r = rdc_spf_ranges(s, &n);
    for (size_t i = 0; i < n; i++)
        assert_false(r[i].cidr.base.family == 6 && r[i].cidr.prefix >= 96 &&
                     r[i].cidr.base.b[10] == 0xff && r[i].cidr.base.b[11] == 0xff);
    rdc_spf_free(s);
}

/* Rule 4: exists: (§5.7) and macros (§7): a plain exists: is evaluated, with
 * its void lookup; one that depends on the sender leaves undecided what it
 * could change, and counts the void lookup it may cause. */
static void test_exists_sets(void **state)
{
    (void)state;
    static const stub_t tab[] = {
        {"yes.example", TXT, 0, {"v=spf1 -ip4:198.18.75.1 exists:there.example -all"}},
        {"there.example", A, 0, {"127.0.0.2"}},
        {"nx.example",
         TXT,
         0,
         {"v=spf1 exists:gone1.example exists:gone2.example a:gone3.example ip4:198.18.75.0/30 "
          "-all"}},
        {"two.example", TXT, 0, {"v=spf1 exists:gone1.example ip4:198.18.75.4 -all"}},
        {"plus.example", TXT, 0, {"v=spf1 exists:%{i}.x.example ip4:198.18.75.0/30 -all"}},
        {"minus.example", TXT, 0, {"v=spf1 -exists:%{ir}.bl.example ip4:198.18.75.0/30 -all"}},
        {"voids.example",
         TXT,
         0,
         {"v=spf1 a:gone1.example a:gone2.example exists:%{i}.x.example ip4:198.18.75.8 -all"}},
        {"one.example",
         TXT,
         0,
         {"v=spf1 a:gone1.example exists:%{i}.x.example ip4:198.18.75.8 -all"}},
        {"macro.example", TXT, 0, {"v=spf1 ?a:%{v}.h.example ip4:198.18.75.12 -all"}},
    };
    static const setcase_t cs[] = {
        {"yes.example", {"192.0.2.1", "2001:db8::1"}, {"198.18.75.1"}, OK, NULL},
        {"nx.example", {NULL}, {"198.18.75.0", "2001:db8::1"}, PERM(RDC_SPF_VOID_LOOKUPS), NULL},
        {"two.example", {"198.18.75.4"}, {"198.18.75.5"}, OK, NULL},
        {"plus.example",
         {"198.18.75.0", "198.18.75.3"},
         {"198.18.75.4"},
         OK,
         "undecided: 0.0.0.0/1, "},
        {"minus.example", {NULL}, {"198.18.75.0", "198.18.75.3"}, OK, "undecided: 0.0.0.0/0, ::/0"},
        /* two void lookups before it: a third for some senders, permerror */
        {"voids.example", {NULL}, {"198.18.75.8"}, OK, "undecided: 0.0.0.0/0, ::/0"},
        {"one.example", {"198.18.75.8"}, {"198.18.75.9"}, OK, NULL},
        {"macro.example", {NULL}, {"198.18.75.12"}, OK, "undecided: 0.0.0.0/0, ::/0"},
    };
    run_setcases(tab, ARRAY_LEN(tab), cs, ARRAY_LEN(cs));
    rdc_spf_t *s = EXPAND(tab, "yes.example");
    assert_true(asked("there.example", A));
    assert_false(asked("there.example", AAAA)); /* exists asks A for every sender */
    rdc_spf_free(s);
}

/* Macros of the current domain (d) and the sender's domain (o, the domain
 * checked) are the same for every sender: expanded and evaluated (§7.3),
 * with their transformers. */
static void test_static_macros(void **state)
{
    (void)state;
    static const stub_t tab[] = {
        {"d.example", TXT, 0, {"v=spf1 include:%{d}._spf.example.com -all"}},
        {"d.example._spf.example.com",
         TXT,
         0,
         {"v=spf1 a:%{o} a:%{d2}.x.example.com -a:%{d1r}.y.example.com ip4:192.0.2.0/29 -all"}},
        {"d.example", A, 0, {"192.0.2.50"}}, /* %{o}: the domain checked */
        {"example.com.x.example.com", A, 0, {"192.0.2.51"}}, /* %{d2} */
        {"d.y.example.com", A, 0, {"192.0.2.3"}}, /* %{d1r}: "d" */
        {"d.example", AAAA, 0, {"2001:db8::50"}},
        {"example.com.x.example.com", AAAA, 0, {"2001:db8::51"}},
        {"d.y.example.com", AAAA, 0, {"2001:db8::3"}},
        {"o.example", TXT, 0, {"v=spf1 exists:%{O}.%{d}.e.example.com -all"}},
        {"o.example.o.example.e.example.com", A, 0, {"127.0.0.2"}},
        {"bad.example", TXT, 0, {"v=spf1 a:%{d3}.%{l}.example.com ip4:192.0.2.9 -all"}},
    };
    static const setcase_t cs[] = {
        {"d.example",
         {"192.0.2.50", "192.0.2.51", "192.0.2.2", "192.0.2.4"},
         {"192.0.2.3", "192.0.2.8"},
         OK,
         NULL},
        {"o.example", {"192.0.2.1", "2001:db8::1"}, {NULL}, OK, NULL},
        /* %{l} is the sender's local part: undecided */
        {"bad.example", {"192.0.2.9"}, {"192.0.2.10"}, OK, "undecided: 0.0.0.0/1, "},
    };
    run_setcases(tab, ARRAY_LEN(tab), cs, ARRAY_LEN(cs));
    rdc_spf_t *s = EXPAND(tab, "d.example");
    assert_null(problem(s, RDC_SPF_UNSUPPORTED_MECHANISM));
    assert_true(unit_contains(rdc_spf_tree(s), "include:%{d}._spf.example.com: the macros expand "
                                               "to d.example._spf.example.com\n"));
    rdc_spf_free(s);
}

static void test_mx_odd_answers(void **state)
{
    (void)state;
    static const stub_t tab[] = {
        {"example.com", TXT, 0, {"v=spf1 mx mx:null.example -all"}},
        {"example.com", MX, 0, {"10 bad_name!.example.com", "20 good.example.com.", "30 ."}},
        {"good.example.com", A, 0, {"192.0.2.40"}},
        {"null.example", MX, 0, {"0 ."}},
    };
    rdc_spf_t *s = EXPAND(tab, "example.com");
    assert_int_equal(rdc_spf_result(s), RDC_SPF_RES_OK);
    assert_int_equal(nranges(s), 1);
    assert_range(s, 0, "192.0.2.40/32", "spf mx good.example.com 192.0.2.40");
    const rdc_spf_problem_t *p = problem(s, RDC_SPF_MX_INVALID);
    assert_non_null(p);
    assert_true(unit_contains(p->message, "bad_name!.example.com"));
    /* a null MX is an answer; good.example.com has no AAAA: void for IPv6 */
    assert_int_equal(rdc_spf_void_lookups(s), 1);
    rdc_spf_free(s);
}

static void test_wrong_rr_types(void **state)
{
    (void)state;
    rdc_spf_t *s = rdc_spf_new("example.com");
    rdc_spf_query_t q;
    assert_true(rdc_spf_next_query(s, &q));
    rdc_spf_rr_t rr[3];
    memset(rr, 0, sizeof rr);
    rr[0].type = TXT;
    rr[0].text = "v=spf1 a:h.example.com -all";
    rr[0].text_len = strlen(rr[0].text);
    rdc_spf_answer(s, q.id, RDC_DNS_OK, rr, 1);
    rdc_spf_query_t qs[4];
    size_t n = 0;
    while (n < 4 && rdc_spf_next_query(s, &qs[n]))
        n++;
    assert_int_equal(n, 2);
    for (size_t i = 0; i < n; i++) {
        /* a CNAME-ish mix: a TXT, an AAAA in the A answer, an A in the AAAA one */
        memset(rr, 0, sizeof rr);
        rr[0].type = TXT;
        rr[0].text = "v=spf1 +all";
        rr[0].text_len = 11;
        rr[1].type = qs[i].type == A ? AAAA : A;
        assert_true(rdc_addr_parse(qs[i].type == A ? "2001:db8::1" : "192.0.2.1",
                                   qs[i].type == A ? 11 : 9, &rr[1].addr));
        rdc_spf_answer(s, qs[i].id, RDC_DNS_OK, rr, 2);
    }
    assert_true(rdc_spf_done(s));
    assert_int_equal(rdc_spf_result(s), RDC_SPF_RES_OK);
    assert_int_equal(nranges(s), 0);
    assert_int_equal(rdc_spf_void_lookups(s), 1); /* nothing usable: void */
    rdc_spf_free(s);
}

/* ------------------------------------------------------------ errors */

static void test_temperror(void **state)
{
    (void)state;
    static const stub_t tab[] = {
        {"example.com", TXT, 0, {"v=spf1 ip4:192.0.2.1 include:_spf.example.net -all"}},
        {"_spf.example.net", TXT, RDC_DNS_S_SERVFAIL, {NULL}},
        {"t.example", TXT, 0, {"v=spf1 include:ok.example -all"}},
        {"ok.example", TXT, 0, {"v=spf1 a:slow.example ip4:192.0.2.9"}},
        {"slow.example", A, 0, {"192.0.2.8"}},
        {"slow.example", AAAA, RDC_DNS_S_TIMEOUT, {NULL}},
        {"top.example", TXT, RDC_DNS_S_REFUSED, {NULL}},
    };
    rdc_spf_t *s = EXPAND(tab, "example.com");
    assert_fatal(s, RDC_SPF_RES_TEMPERROR, RDC_SPF_TEMPERROR,
                 "TXT lookup of _spf.example.net failed with SERVFAIL");
    assert_true(unit_contains(problem(s, RDC_SPF_TEMPERROR)->message,
                              "example.com include:_spf.example.net"));
    assert_int_equal(nranges(s), 1);
    rdc_spf_free(s);
    s = EXPAND(tab, "t.example");
    /* an IPv4 sender never asks AAAA (§5.3): only IPv6 senders get temperror */
    assert_fatal(s, RDC_SPF_RES_TEMPERROR, RDC_SPF_TEMPERROR,
                 "AAAA lookup of slow.example timed out");
    assert_true(
        unit_contains(problem(s, RDC_SPF_TEMPERROR)->message, "the result for IPv6 senders only"));
    assert_int_equal(nranges(s), 2);
    assert_range(s, 0, "192.0.2.8/32", "spf include:ok.example a:slow.example 192.0.2.8");
    assert_range(s, 1, "192.0.2.9/32", "spf include:ok.example ip4:192.0.2.9");
    rdc_spf_free(s);
    s = EXPAND(tab, "top.example");
    assert_fatal(s, RDC_SPF_RES_TEMPERROR, RDC_SPF_TEMPERROR, "top.example was refused");
    rdc_spf_free(s);
}

static void test_first_error_wins(void **state)
{
    (void)state;
    /* a temporary failure after a permanent error in record order does not
     * count, and the reverse, whatever order the answers come in */
    static const stub_t tab[] = {
        {"p.example", TXT, 0, {"v=spf1 include:nospf.example include:fail.example -all"}},
        {"t.example", TXT, 0, {"v=spf1 include:fail.example include:nospf.example -all"}},
        {"nospf.example", TXT, 0, {"x"}},
        {"fail.example", TXT, RDC_DNS_S_TIMEOUT, {NULL}},
    };
    rdc_spf_t *s = EXPAND(tab, "p.example");
    assert_fatal(s, RDC_SPF_RES_PERMERROR, RDC_SPF_INCLUDE_NONE, NULL);
    assert_null(problem(s, RDC_SPF_TEMPERROR));
    rdc_spf_free(s);
    s = EXPAND(tab, "t.example");
    assert_fatal(s, RDC_SPF_RES_TEMPERROR, RDC_SPF_TEMPERROR, NULL);
    assert_null(problem(s, RDC_SPF_INCLUDE_NONE));
    rdc_spf_free(s);
}

static void test_hostile_bytes(void **state)
{
    (void)state;
    static const stub_t tab[] = {
        {"example.com", TXT, 0, {"v=spf1 ip4:192.0.2.1 \001\377\"\\x\033[31m -all"}},
        {"inc.example", TXT, 0, {"v=spf1 include:evil.example -all"}},
        {"evil.example", TXT, 0, {"v=spf1 ip4:192.0.2.2 a:\n.example ~all"}},
        {"tree.example", TXT, 0, {"v=spf1 x=\177\\ ip4:192.0.2.3"}},
    };
    rdc_spf_t *s = EXPAND(tab, "example.com");
    assert_fatal(s, RDC_SPF_RES_PERMERROR, RDC_SPF_SYNTAX, "'\\001\\255\"\\\\x\\027[31m'");
    rdc_spf_free(s);
    s = EXPAND(tab, "inc.example");
    assert_fatal(s, RDC_SPF_RES_PERMERROR, RDC_SPF_SYNTAX, "'a:\\010.example'");
    assert_true(
        unit_contains(rdc_spf_tree(s), "include:evil.example: v=spf1 ip4:192.0.2.2 a:\\010"));
    rdc_spf_free(s);
    s = EXPAND(tab, "tree.example"); /* \177 is no macro-literal */
    assert_fatal(s, RDC_SPF_RES_PERMERROR, RDC_SPF_SYNTAX, "'x=\\127\\\\'");
    rdc_spf_free(s);

    /* NUL bytes inside the record, and a record over 511 bytes */
    static char big[3000];
    size_t len = (size_t)snprintf(big, sizeof big, "v=spf1");
    for (int i = 0; i < 80; i++)
        len += (size_t)snprintf(big + len, sizeof big - len, " ip4:198.51.100.%d", i);
    rdc_spf_t *x = rdc_spf_new("example.com");
    rdc_spf_query_t q;
    assert_true(rdc_spf_next_query(x, &q));
    rdc_spf_rr_t rr[2];
    memset(rr, 0, sizeof rr);
    rr[0].type = TXT;
    rr[0].text = "v=spf1 ip4:192.0.2.1\0 -all";
    rr[0].text_len = 26;
    rr[1].type = TXT;
    rr[1].text = "hello\0v=spf1";
    rr[1].text_len = 12;
    rdc_spf_answer(x, q.id, RDC_DNS_OK, rr, 2);
    assert_fatal(x, RDC_SPF_RES_PERMERROR, RDC_SPF_SYNTAX, "'ip4:192.0.2.1\\000'");
    rdc_spf_free(x);
    x = rdc_spf_new("example.com");
    assert_true(rdc_spf_next_query(x, &q));
    rr[0].text = big;
    rr[0].text_len = len;
    assert_true(len > 1000);
    rdc_spf_answer(x, q.id, RDC_DNS_OK, rr, 1);
    assert_int_equal(rdc_spf_result(x), RDC_SPF_RES_OK);
    assert_int_equal(nranges(x), 80);
    assert_range(x, 79, "198.51.100.79/32", NULL);
    rdc_spf_free(x);
}

static void test_tree(void **state)
{
    (void)state;
    static const stub_t tab[] = {
        {"example.com", TXT, 0, {"v=spf1 include:_spf.example.net -all"}},
        {"_spf.example.net", TXT, 0, {"v=spf1 ip4:192.0.2.0/28 ~all"}},
        {"big.example", TXT, 0, {"v=spf1 mx a:h.example ptr include:nx.example"}},
        {"big.example", MX, 0, {"10 m.example", "20 h.example"}},
        {"m.example", A, 0, {"192.0.2.1", "192.0.2.2"}},
        {"h.example", AAAA, 0, {"2001:db8::1"}},
    };
    rdc_spf_t *s = EXPAND(tab, "example.com");
    assert_string_equal(rdc_spf_tree(s),
                        "example.com: v=spf1 include:_spf.example.net -all\n"
                        "  include:_spf.example.net: v=spf1 ip4:192.0.2.0/28 ~all\n"
                        "    ip4:192.0.2.0/28 -> 16 addresses\n");
    rdc_spf_free(s);
    s = EXPAND(tab, "big.example");
    assert_string_equal(rdc_spf_tree(s),
                        "big.example: v=spf1 mx a:h.example ptr include:nx.example\n"
                        "  mx -> 2 exchanges\n"
                        "    m.example -> 192.0.2.1, 192.0.2.2; no AAAA record (void lookup "
                        "for IPv6 senders)\n"
                        "    h.example -> 2001:db8::1; no A record (void lookup for IPv4 "
                        "senders)\n"
                        "  a:h.example -> 2001:db8::1; no A record (void lookup for IPv4 "
                        "senders)\n"
                        "  ptr -> not evaluated (deprecated)\n"
                        "  include:nx.example: no SPF record (NXDOMAIN)\n");
    assert_int_equal(rdc_spf_result(s), RDC_SPF_RES_PERMERROR);
    rdc_spf_free(s);
}

static void test_duplicate_modifiers(void **state)
{
    (void)state;
    static const stub_t tab[] = {
        {"r.example", TXT, 0, {"v=spf1 redirect=a.example ip4:192.0.2.1 REDIRECT=b.example"}},
        {"e.example", TXT, 0, {"v=spf1 exp=a.example ip4:192.0.2.1 exp=b.example -all"}},
        {"u.example", TXT, 0, {"v=spf1 foo=1 foo=2 ip4:192.0.2.1 -all"}},
        {"a.example", TXT, 0, {"v=spf1 -all"}},
    };
    rdc_spf_t *s = EXPAND(tab, "r.example");
    assert_fatal(s, RDC_SPF_RES_PERMERROR, RDC_SPF_SYNTAX,
                 "'REDIRECT=b.example': a second redirect");
    assert_false(asked("a.example", TXT));
    rdc_spf_free(s);
    s = EXPAND(tab, "e.example");
    assert_fatal(s, RDC_SPF_RES_PERMERROR, RDC_SPF_SYNTAX, "a second exp");
    rdc_spf_free(s);
    s = EXPAND(tab, "u.example"); /* unknown modifiers may repeat */
    assert_int_equal(rdc_spf_result(s), RDC_SPF_RES_OK);
    assert_int_equal(nranges(s), 1);
    rdc_spf_free(s);
}

/* Five a terms answered with 1100 addresses each: 1024 kept per answer,
 * RDC_SPF_MAX_RANGES in all, the rest counted in a problem. */
static void test_range_cap(void **state)
{
    (void)state;
    rdc_spf_t *s = rdc_spf_new("example.com");
    rdc_spf_query_t q;
    assert_true(rdc_spf_next_query(s, &q));
    rdc_spf_rr_t *rr = calloc(1100, sizeof *rr);
    assert_non_null(rr);
    rr[0].type = TXT;
    rr[0].text = "v=spf1 a:h0.example.com a:h1.example.com a:h2.example.com a:h3.example.com "
                 "a:h4.example.com -all";
    rr[0].text_len = strlen(rr[0].text);
    rdc_spf_answer(s, q.id, RDC_DNS_OK, rr, 1);
    unsigned answered = 0;
    while (rdc_spf_next_query(s, &q)) {
        if (q.type == AAAA) {
            rdc_spf_answer(s, q.id, RDC_DNS_NODATA, NULL, 0);
            continue;
        }
        assert_int_equal(q.type, A);
        for (unsigned i = 0; i < 1100; i++) {
            memset(&rr[i], 0, sizeof rr[i]);
            rr[i].type = A;
            rr[i].addr.family = 4;
            rr[i].addr.b[0] = 10;
            rr[i].addr.b[1] = (uint8_t)(q.name[1] - '0');
            rr[i].addr.b[2] = (uint8_t)(i >> 8);
            rr[i].addr.b[3] = (uint8_t)i;
        }
        rdc_spf_answer(s, q.id, RDC_DNS_OK, rr, 1100);
        answered++;
    }
    free(rr);
    assert_int_equal(answered, 5);
    assert_true(rdc_spf_done(s));
    /* every AAAA answer is empty: permerror for IPv6 senders at the third */
    assert_int_equal(rdc_spf_result(s), RDC_SPF_RES_PERMERROR);
    assert_true(unit_contains(problem(s, RDC_SPF_VOID_LOOKUPS)->message, "for IPv6 senders only"));
    assert_int_equal(nranges(s), RDC_SPF_MAX_RANGES);
    assert_range(s, 0, "10.0.0.0/32", "spf a:h0.example.com 10.0.0.0");
    assert_range(s, 4095, "10.3.3.255/32", NULL);
    const rdc_spf_problem_t *p = problem(s, RDC_SPF_TOO_MANY_RANGES);
    assert_non_null(p);
    assert_true(unit_contains(p->message, "1024 more ranges"));
    assert_true(unit_contains(rdc_spf_tree(s), ", ... (1024 in all)\n"));
    assert_clean(s);
    rdc_spf_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_new_domain),
        cmocka_unit_test(test_answer_misuse),
        cmocka_unit_test(test_parallel_questions),
        cmocka_unit_test(test_plain_record),
        cmocka_unit_test(test_no_record),
        cmocka_unit_test(test_two_records),
        cmocka_unit_test(test_not_spf_versions),
        cmocka_unit_test(test_mixed_case),
        cmocka_unit_test(test_rfc_a1_all),
        cmocka_unit_test(test_rfc_a1_a),
        cmocka_unit_test(test_rfc_a1_a_other),
        cmocka_unit_test(test_rfc_a1_mx),
        cmocka_unit_test(test_rfc_a1_mx_other),
        cmocka_unit_test(test_rfc_a1_mx_cidr),
        cmocka_unit_test(test_rfc_a1_ptr),
        cmocka_unit_test(test_rfc_a1_ip4),
        cmocka_unit_test(test_rfc_a2_redirect),
        cmocka_unit_test(test_nested_includes),
        cmocka_unit_test(test_include_qualifiers),
        cmocka_unit_test(test_include_none),
        cmocka_unit_test(test_redirect),
        cmocka_unit_test(test_redirect_ignored_with_all),
        cmocka_unit_test(test_terms_after_all),
        cmocka_unit_test(test_ten_lookups_ok),
        cmocka_unit_test(test_eleven_lookups),
        cmocka_unit_test(test_eleven_lookups_flat),
        cmocka_unit_test(test_mx_limit),
        cmocka_unit_test(test_void_lookups),
        cmocka_unit_test(test_loops),
        cmocka_unit_test(test_many_terms),
        cmocka_unit_test(test_qualifiers),
        cmocka_unit_test(test_ip_forms),
        cmocka_unit_test(test_syntax_errors),
        cmocka_unit_test(test_syntax_accepted),
        cmocka_unit_test(test_a_dual_cidr),
        cmocka_unit_test(test_exists_and_macros),
        cmocka_unit_test(test_first_match_wins),
        cmocka_unit_test(test_per_family_limits),
        cmocka_unit_test(test_ipv4_mapped),
        cmocka_unit_test(test_exists_sets),
        cmocka_unit_test(test_static_macros),
        cmocka_unit_test(test_mx_odd_answers),
        cmocka_unit_test(test_wrong_rr_types),
        cmocka_unit_test(test_temperror),
        cmocka_unit_test(test_first_error_wins),
        cmocka_unit_test(test_hostile_bytes),
        cmocka_unit_test(test_tree),
        cmocka_unit_test(test_duplicate_modifiers),
        cmocka_unit_test(test_range_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
