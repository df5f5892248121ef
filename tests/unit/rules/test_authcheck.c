/* test_authcheck.c - unit tests of the pure rules of --authority and --wait:
 * authcheck.c (agreement of a zone's servers, the source answer, stale
 * caches, the problems they give and how they weigh in a verdict) and
 * wait.c (durations, the TTLs that matter, the sleep between checks), on
 * questions and results built by hand. */
#include "unit.h"
#include "unit_result.h"

#include <time.h>

#include "authcheck.h"
#include "util.h"
#include "verdict.h"
#include "wait.h"

/* ------------------------------------------------------------ builders */

/* Fills a (empty) with status and the space-separated data (NULL: none). */
static void answer_fill(rdc_auth_answer_t *a, rdc_dns_status_t status, const char *data)
{
    memset(a, 0, sizeof *a);
    a->status = status;
    for (const char *p = data; p != NULL && *p;) {
        const char *sp = strchr(p, ' ');
        size_t n = sp ? (size_t)(sp - p) : strlen(p);
        char **d = realloc(a->data, (a->n + 1) * sizeof *d);
        assert_non_null(d);
        a->data = d;
        d[a->n] = unit_memdup(p, n + 1);
        d[a->n][n] = '\0';
        a->n++;
        p += n;
        while (*p == ' ')
            p++;
    }
}

/* An answer on the stack: free with rdc_auth_answer_clear. */
static rdc_auth_answer_t answer_of(rdc_dns_status_t status, const char *data)
{
    rdc_auth_answer_t a;
    answer_fill(&a, status, data);
    return a;
}

/* Whether a holds exactly the space-separated data, in that order. */
static bool answer_is(const rdc_auth_answer_t *a, const char *data)
{
    rdc_auth_answer_t want = answer_of(RDC_DNS_OK, data);
    bool same = a->n == want.n;
    for (size_t i = 0; same && i < a->n; i++)
        same = strcmp(a->data[i], want.data[i]) == 0;
    rdc_auth_answer_clear(&want);
    return same;
}

static void question_init(rdc_auth_question_t *q, const char *name, uint16_t type, const char *zone)
{
    memset(q, 0, sizeof *q);
    q->name = unit_strdup(name);
    q->type = type;
    q->zone = zone ? unit_strdup(zone) : NULL;
    q->resolver_ttl = RDC_TTL_UNKNOWN;
}

/* The zone's SOA primary, contact (NULL: none) and NS names (space-separated). */
static void question_who(rdc_auth_question_t *q, const char *mname, const char *contact,
                         const char *ns)
{
    q->mname = mname ? unit_strdup(mname) : NULL;
    q->contact = contact ? unit_strdup(contact) : NULL;
    rdc_auth_answer_t names = answer_of(RDC_DNS_OK, ns);
    q->nns = names.n;
    q->ns = names.data; /* taken over */
}

#define NOSERIAL (-1L)

/* Appends a server; serial NOSERIAL: none; data as for answer_fill. */
static rdc_auth_server_t *server_add(rdc_auth_question_t *q, const char *ns, const char *ip,
                                     rdc_auth_state_t state, bool asked, long serial,
                                     rdc_dns_status_t status, const char *data)
{
    rdc_auth_server_t *s = realloc(q->servers, (q->nservers + 1) * sizeof *s);
    assert_non_null(s);
    q->servers = s;
    s = &q->servers[q->nservers++];
    memset(s, 0, sizeof *s);
    s->ns = unit_strdup(ns);
    assert_true(rdc_addr_parse(ip, strlen(ip), &s->addr));
    s->state = state;
    s->asked = asked;
    s->has_serial = serial != NOSERIAL;
    s->serial = serial == NOSERIAL ? 0 : (uint32_t)serial;
    answer_fill(&s->answer, status, data);
    return s;
}

static void resolver_set(rdc_auth_question_t *q, rdc_dns_status_t status, const char *data,
                         uint32_t ttl)
{
    rdc_auth_answer_clear(&q->resolver);
    answer_fill(&q->resolver, status, data);
    q->resolver_ttl = ttl;
}

static void result_init(rdc_result_t *r, const char *ip, rdc_dns_status_t ptr_status)
{
    memset(r, 0, sizeof *r);
    r->input = unit_strdup(ip);
    r->kind = RDC_RESULT_ADDRESS;
    assert_true(rdc_addr_parse(ip, strlen(ip), &r->addr));
    r->ptr_status = ptr_status;
    r->ptr_ttl = RDC_TTL_UNKNOWN;
}

/* A PTR name that was looked up and confirms (or not) with the address ip. */
static rdc_name_result_t *name_add(rdc_result_t *r, const char *name, const char *ip,
                                   bool confirmed)
{
    rdc_name_result_t *n = unit_name_push(r, name, RDC_NAME_CHECKED);
    n->status = RDC_DNS_OK;
    n->confirmed = confirmed;
    n->ttl = RDC_TTL_UNKNOWN;
    n->addrs = calloc(1, sizeof *n->addrs);
    assert_non_null(n->addrs);
    assert_true(rdc_addr_parse(ip, strlen(ip), &n->addrs[0]));
    n->naddrs = 1;
    return n;
}

static rdc_authority_t *authority_new(rdc_result_t *r)
{
    r->authority = calloc(1, sizeof *r->authority);
    assert_non_null(r->authority);
    return r->authority;
}

static rdc_auth_question_t *forward_add(rdc_authority_t *a, const char *name, uint16_t type,
                                        const char *zone)
{
    rdc_auth_question_t *f = realloc(a->forward, (a->nforward + 1) * sizeof *f);
    assert_non_null(f);
    a->forward = f;
    f = &a->forward[a->nforward++];
    question_init(f, name, type, zone);
    return f;
}

#define REVZONE "2.0.192.in-addr.arpa"
#define REVNAME "1.2.0.192.in-addr.arpa"

/* The reverse zone of 192.0.2.1 with two servers that answer data (as
 * authoritative servers, same serial) and a resolver that answered rdata. */
static void ptr_question(rdc_auth_question_t *q, rdc_dns_status_t status, const char *data,
                         rdc_dns_status_t rstatus, const char *rdata, uint32_t rttl)
{
    question_init(q, REVNAME, 12, REVZONE);
    question_who(q, "ns1.example.net", "hostmaster@example.net", "ns1.example.net ns2.example.net");
    server_add(q, "ns1.example.net", "198.51.100.1", RDC_AUTH_S_OK, true, 7, status, data);
    server_add(q, "ns2.example.net", "198.51.100.2", RDC_AUTH_S_OK, true, 7, status, data);
    resolver_set(q, rstatus, rdata, rttl);
    assert_true(rdc_auth_evaluate(q));
}

static size_t count_code(const rdc_result_t *r, rdc_code_t code)
{
    size_t n = 0;
    for (size_t i = 0; i < r->nproblems; i++)
        n += r->problems[i].code == code;
    return n;
}

static void assert_contains(const char *s, const char *needle)
{
    if (!unit_contains(s, needle))
        print_error("\"%s\"\n  does not contain \"%s\"\n", s ? s : "(null)", needle);
    assert_true(unit_contains(s, needle));
}

static void assert_lacks(const char *s, const char *needle)
{
    if (unit_contains(s, needle))
        print_error("\"%s\"\n  contains \"%s\"\n", s, needle);
    assert_false(unit_contains(s, needle));
}

static void assert_texts_printable(const rdc_result_t *r)
{
    for (size_t i = 0; i < r->nproblems; i++) {
        assert_non_null(r->problems[i].message);
        assert_true(unit_printable(r->problems[i].message));
        if (r->problems[i].fix)
            assert_true(unit_printable(r->problems[i].fix));
    }
}

/* ------------------------------------------------------------ names, answers */

static void test_state_names(void **state)
{
    (void)state;
    assert_string_equal(rdc_auth_state_name(RDC_AUTH_S_OK), "ok");
    assert_string_equal(rdc_auth_state_name(RDC_AUTH_S_LAME), "lame");
    assert_string_equal(rdc_auth_state_name(RDC_AUTH_S_REFUSED), "refused");
    assert_string_equal(rdc_auth_state_name(RDC_AUTH_S_TIMEOUT), "timeout");
    assert_string_equal(rdc_auth_state_name(RDC_AUTH_S_UNREACHABLE), "unreachable");
    assert_string_equal(rdc_auth_state_name(RDC_AUTH_S_ERROR), "error");
    assert_string_equal(rdc_auth_state_name((rdc_auth_state_t)(RDC_AUTH_S_ERROR + 1)), "error");
}

static void test_answer_add_clear(void **state)
{
    (void)state;
    rdc_auth_answer_t a;
    memset(&a, 0, sizeof a);
    char text[] = "mail.example.test";
    assert_true(rdc_auth_answer_add(&a, text));
    text[0] = 'X'; /* a copy was kept */
    assert_true(rdc_auth_answer_add(&a, "192.0.2.1"));
    assert_int_equal(a.n, 2);
    assert_string_equal(a.data[0], "mail.example.test");
    assert_string_equal(a.data[1], "192.0.2.1");
    a.status = RDC_DNS_OK;
    rdc_auth_answer_clear(&a);
    assert_int_equal(a.n, 0);
    assert_null(a.data);
    assert_int_equal(a.status, RDC_DNS_OK); /* zeroed */
    rdc_auth_answer_clear(&a); /* twice: harmless */
}

static void test_answer_same(void **state)
{
    (void)state;
    static const struct {
        rdc_dns_status_t xs;
        const char *x;
        rdc_dns_status_t ys;
        const char *y;
        bool same;
    } cases[] = {
        {RDC_DNS_OK, "mail.example.test", RDC_DNS_OK, "mail.example.test", true},
        {RDC_DNS_OK, "mail.example.test", RDC_DNS_OK, "MAIL.Example.TEST", true},
        {RDC_DNS_OK, "a.test b.test", RDC_DNS_OK, "b.test a.test", true},
        {RDC_DNS_OK, "a.test", RDC_DNS_OK, "b.test", false},
        {RDC_DNS_OK, "a.test", RDC_DNS_OK, "a.test b.test", false},
        {RDC_DNS_OK, "a.test b.test", RDC_DNS_OK, "a.test", false},
        {RDC_DNS_OK, "a.test", RDC_DNS_OK, "a.test.", false},
        {RDC_DNS_OK, "192.0.2.1", RDC_DNS_OK, "192.0.2.10", false},
        {RDC_DNS_OK, "2001:db8::1 192.0.2.1", RDC_DNS_OK, "192.0.2.1 2001:DB8::1", true},
        /* "no record" is one answer: NXDOMAIN and NODATA alike */
        {RDC_DNS_NXDOMAIN, NULL, RDC_DNS_NODATA, NULL, true},
        {RDC_DNS_NODATA, NULL, RDC_DNS_NXDOMAIN, NULL, true},
        {RDC_DNS_NXDOMAIN, NULL, RDC_DNS_NXDOMAIN, NULL, true},
        {RDC_DNS_NXDOMAIN, NULL, RDC_DNS_OK, "a.test", false},
        {RDC_DNS_OK, "a.test", RDC_DNS_NODATA, NULL, false},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        rdc_auth_answer_t x = answer_of(cases[i].xs, cases[i].x);
        rdc_auth_answer_t y = answer_of(cases[i].ys, cases[i].y);
        if (rdc_auth_answer_same(&x, &y) != cases[i].same)
            print_error("case %zu: [%s] vs [%s]\n", i, cases[i].x ? cases[i].x : "",
                        cases[i].y ? cases[i].y : "");
        assert_int_equal(rdc_auth_answer_same(&x, &y), cases[i].same);
        assert_int_equal(rdc_auth_answer_same(&y, &x), cases[i].same);
        rdc_auth_answer_clear(&x);
        rdc_auth_answer_clear(&y);
    }
}

/* ------------------------------------------------------------ rdc_auth_evaluate */

typedef struct srv_row {
    rdc_auth_state_t state;
    bool asked;
    long serial;
    rdc_dns_status_t status;
    const char *data;
} srv_row_t;

#define OK_(serial, data)                                                                          \
    {                                                                                              \
        RDC_AUTH_S_OK, true, serial, RDC_DNS_OK, data                                              \
    }
#define NX_(serial)                                                                                \
    {                                                                                              \
        RDC_AUTH_S_OK, true, serial, RDC_DNS_NXDOMAIN, NULL                                        \
    }
#define ND_(serial)                                                                                \
    {                                                                                              \
        RDC_AUTH_S_OK, true, serial, RDC_DNS_NODATA, NULL                                          \
    }

/* The decision table of rdc_auth_evaluate. has_source -1: not checked. */
static const struct eval_case {
    const char *what;
    size_t n;
    srv_row_t s[3];
    rdc_dns_status_t rstatus;
    const char *rdata;
    bool consistent;
    int has_source;
    const char *source; /* its data, when has_source */
    bool stale;
} eval_cases[] = {
    {"one server, resolver agrees",
     1,
     {OK_(7, "mail.example.test")},
     RDC_DNS_OK,
     "mail.example.test",
     true,
     1,
     "mail.example.test",
     false},
    {"two agree, resolver agrees",
     2,
     {OK_(7, "mail.example.test"), OK_(7, "mail.example.test")},
     RDC_DNS_OK,
     "mail.example.test",
     true,
     1,
     "mail.example.test",
     false},
    {"two agree, resolver has the old name",
     2,
     {OK_(7, "new.example.test"), OK_(7, "new.example.test")},
     RDC_DNS_OK,
     "old.example.test",
     true,
     1,
     "new.example.test",
     true},
    {"two agree, resolver keeps an old NXDOMAIN",
     2,
     {OK_(7, "new.example.test"), OK_(7, "new.example.test")},
     RDC_DNS_NXDOMAIN,
     NULL,
     true,
     1,
     "new.example.test",
     true},
    {"PTR removed, resolver keeps it",
     2,
     {NX_(8), NX_(8)},
     RDC_DNS_OK,
     "mail.example.test",
     true,
     1,
     NULL,
     true},
    {"NXDOMAIN and NODATA agree, resolver NODATA",
     2,
     {NX_(7), ND_(7)},
     RDC_DNS_NODATA,
     NULL,
     true,
     1,
     NULL,
     false},
    {"names compare case-insensitively",
     2,
     {OK_(7, "Mail.Example.TEST"), OK_(7, "mail.example.test")},
     RDC_DNS_OK,
     "MAIL.example.test",
     true,
     1,
     "Mail.Example.TEST",
     false},
    {"sets in any order",
     2,
     {OK_(7, "a.example.test b.example.test"), OK_(7, "b.example.test a.example.test")},
     RDC_DNS_OK,
     "b.example.test a.example.test",
     true,
     1,
     "a.example.test b.example.test",
     false},
    {"one set inside the other",
     2,
     {OK_(7, "a.example.test"), OK_(7, "a.example.test b.example.test")},
     RDC_DNS_OK,
     "a.example.test",
     false,
     0,
     NULL,
     false},
    {"disagree, resolver equals the second",
     2,
     {OK_(7, "old.example.test"), OK_(7, "new.example.test")},
     RDC_DNS_OK,
     "new.example.test",
     false,
     0,
     NULL,
     false},
    {"disagree, resolver equals the first",
     2,
     {OK_(7, "old.example.test"), OK_(7, "new.example.test")},
     RDC_DNS_OK,
     "old.example.test",
     false,
     0,
     NULL,
     false},
    {"disagree, resolver equals neither",
     2,
     {OK_(7, "old.example.test"), OK_(7, "new.example.test")},
     RDC_DNS_OK,
     "older.example.test",
     false,
     0,
     NULL,
     true},
    {"record against NXDOMAIN, resolver NODATA",
     2,
     {NX_(7), OK_(7, "mail.example.test")},
     RDC_DNS_NODATA,
     NULL,
     false,
     0,
     NULL,
     false},
    {"the third of three disagrees",
     3,
     {OK_(7, "a.example.test"), OK_(7, "a.example.test"), OK_(7, "b.example.test")},
     RDC_DNS_OK,
     "a.example.test",
     false,
     0,
     NULL,
     false},
    /* serials: equal answers from different zone versions */
    {"serials differ, answers agree",
     2,
     {OK_(7, "mail.example.test"), OK_(8, "mail.example.test")},
     RDC_DNS_OK,
     "mail.example.test",
     false,
     1,
     "mail.example.test",
     false},
    {"a server without serial does not count",
     2,
     {OK_(7, "mail.example.test"), OK_(NOSERIAL, "mail.example.test")},
     RDC_DNS_OK,
     "mail.example.test",
     true,
     1,
     "mail.example.test",
     false},
    {"a lame server's serial does not count",
     2,
     {OK_(7, "mail.example.test"), {RDC_AUTH_S_LAME, false, 3, RDC_DNS_OK, NULL}},
     RDC_DNS_OK,
     "mail.example.test",
     true,
     1,
     "mail.example.test",
     false},
    {"the serial of a server whose question timed out counts",
     2,
     {OK_(7, "mail.example.test"), {RDC_AUTH_S_TIMEOUT, true, 6, RDC_DNS_S_TIMEOUT, NULL}},
     RDC_DNS_OK,
     "mail.example.test",
     false,
     1,
     "mail.example.test",
     false},
    /* servers that did not answer with authority: their answers count for
     * nothing, neither for agreement nor against staleness */
    {"lame server with another answer",
     2,
     {OK_(7, "new.example.test"),
      {RDC_AUTH_S_LAME, true, NOSERIAL, RDC_DNS_OK, "old.example.test"}},
     RDC_DNS_OK,
     "old.example.test",
     true,
     1,
     "new.example.test",
     true},
    {"refused server with another answer",
     2,
     {OK_(7, "new.example.test"),
      {RDC_AUTH_S_REFUSED, true, NOSERIAL, RDC_DNS_OK, "old.example.test"}},
     RDC_DNS_OK,
     "old.example.test",
     true,
     1,
     "new.example.test",
     true},
    {"timed-out server with another answer",
     2,
     {OK_(7, "new.example.test"),
      {RDC_AUTH_S_TIMEOUT, true, NOSERIAL, RDC_DNS_OK, "old.example.test"}},
     RDC_DNS_OK,
     "old.example.test",
     true,
     1,
     "new.example.test",
     true},
    {"unreachable server with another answer",
     2,
     {OK_(7, "new.example.test"),
      {RDC_AUTH_S_UNREACHABLE, true, NOSERIAL, RDC_DNS_OK, "old.example.test"}},
     RDC_DNS_OK,
     "old.example.test",
     true,
     1,
     "new.example.test",
     true},
    {"failing server with another answer",
     2,
     {OK_(7, "new.example.test"),
      {RDC_AUTH_S_ERROR, true, NOSERIAL, RDC_DNS_OK, "old.example.test"}},
     RDC_DNS_OK,
     "old.example.test",
     true,
     1,
     "new.example.test",
     true},
    {"a server not asked, with another answer",
     2,
     {{RDC_AUTH_S_OK, false, 7, RDC_DNS_OK, "old.example.test"}, OK_(7, "new.example.test")},
     RDC_DNS_OK,
     "old.example.test",
     true,
     1,
     "new.example.test",
     true},
    /* nobody to compare with */
    {"no server answered with authority",
     3,
     {{RDC_AUTH_S_TIMEOUT, false, NOSERIAL, RDC_DNS_S_TIMEOUT, NULL},
      {RDC_AUTH_S_REFUSED, false, NOSERIAL, RDC_DNS_S_REFUSED, NULL},
      {RDC_AUTH_S_LAME, true, NOSERIAL, RDC_DNS_OK, "other.example.test"}},
     RDC_DNS_OK,
     "mail.example.test",
     true,
     0,
     NULL,
     false},
    {"the only good server was not asked",
     1,
     {{RDC_AUTH_S_OK, false, 7, RDC_DNS_OK, "other.example.test"}},
     RDC_DNS_OK,
     "mail.example.test",
     true,
     0,
     NULL,
     false},
    {"no servers", 0, {{0}}, RDC_DNS_OK, "mail.example.test", true, 0, NULL, false},
};

static void run_eval_case(const struct eval_case *c, rdc_dns_status_t rstatus)
{
    rdc_auth_question_t q;
    question_init(&q, REVNAME, 12, REVZONE);
    for (size_t k = 0; k < c->n; k++) {
        char ns[64], ip[64];
        snprintf(ns, sizeof ns, "ns%zu.example.net", k + 1);
        snprintf(ip, sizeof ip, "198.51.100.%zu", k + 1);
        server_add(&q, ns, ip, c->s[k].state, c->s[k].asked, c->s[k].serial, c->s[k].status,
                   c->s[k].data);
    }
    resolver_set(&q, rstatus, rdc_dns_status_is_temporary(rstatus) ? NULL : c->rdata, 60);
    /* what evaluate sets must not depend on what was there */
    q.consistent = !c->consistent;
    q.has_source = c->has_source != 1;
    q.stale = !c->stale;
    assert_true(rdc_auth_evaluate(&q));
    bool stale = rdc_dns_status_is_temporary(rstatus) ? false : c->stale;
    if (q.consistent != c->consistent || (c->has_source >= 0 && q.has_source != c->has_source) ||
        q.stale != stale)
        print_error("%s (resolver %s): consistent %d has_source %d stale %d\n", c->what,
                    rdc_dns_status_text(rstatus), q.consistent, q.has_source, q.stale);
    assert_int_equal(q.consistent, c->consistent);
    if (c->has_source >= 0)
        assert_int_equal(q.has_source, c->has_source);
    if (c->has_source == 1) {
        assert_true(answer_is(&q.source, c->source));
        /* the first authoritative answer's status */
        for (size_t k = 0; k < c->n; k++)
            if (c->s[k].asked && c->s[k].state == RDC_AUTH_S_OK) {
                assert_int_equal(q.source.status, c->s[k].status);
                break;
            }
    } else if (c->has_source == 0) {
        assert_int_equal(q.source.n, 0);
    }
    assert_int_equal(q.stale, stale);
    rdc_auth_question_clear(&q);
}

static void test_evaluate_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(eval_cases); i++)
        run_eval_case(&eval_cases[i], eval_cases[i].rstatus);
}

/* A resolver that failed says nothing about its cache: never stale. */
static void test_evaluate_resolver_temporary(void **state)
{
    (void)state;
    static const rdc_dns_status_t temp[] = {RDC_DNS_S_TIMEOUT, RDC_DNS_S_SERVFAIL,
                                            RDC_DNS_S_REFUSED, RDC_DNS_S_UNREACHABLE,
                                            RDC_DNS_S_ERROR};
    for (size_t t = 0; t < ARRAY_LEN(temp); t++) {
        assert_true(rdc_dns_status_is_temporary(temp[t]));
        for (size_t i = 0; i < ARRAY_LEN(eval_cases); i++)
            run_eval_case(&eval_cases[i], temp[t]);
    }
}

static void test_evaluate_source_is_a_copy(void **state)
{
    (void)state;
    rdc_auth_question_t q;
    question_init(&q, "mail.example.test", 1, "example.test");
    server_add(&q, "ns1.example.test", "192.0.2.53", RDC_AUTH_S_OK, true, 1, RDC_DNS_OK,
               "192.0.2.1 192.0.2.2");
    resolver_set(&q, RDC_DNS_OK, "192.0.2.1 192.0.2.2", 300);
    assert_true(rdc_auth_evaluate(&q));
    assert_true(q.has_source);
    assert_int_equal(q.source.status, RDC_DNS_OK);
    assert_true(answer_is(&q.source, "192.0.2.1 192.0.2.2"));
    assert_ptr_not_equal(q.source.data, q.servers[0].answer.data);
    assert_ptr_not_equal(q.source.data[0], q.servers[0].answer.data[0]);
    rdc_auth_answer_clear(&q.servers[0].answer);
    assert_true(answer_is(&q.source, "192.0.2.1 192.0.2.2"));

    /* evaluated again after the zone changed: a new source, and the
     * resolver's answer is now stale */
    answer_fill(&q.servers[0].answer, RDC_DNS_OK, "192.0.2.9");
    assert_true(rdc_auth_evaluate(&q));
    assert_true(q.has_source);
    assert_true(answer_is(&q.source, "192.0.2.9"));
    assert_true(q.stale);

    /* and after its server stopped answering: no source, not stale */
    q.servers[0].state = RDC_AUTH_S_TIMEOUT;
    assert_true(rdc_auth_evaluate(&q));
    assert_false(q.has_source);
    assert_int_equal(q.source.n, 0);
    assert_null(q.source.data);
    assert_false(q.stale);
    assert_true(q.consistent);
    rdc_auth_question_clear(&q);
}

/* ------------------------------------------------------------ contact, who */

static void test_rname_to_mail(void **state)
{
    (void)state;
    static const struct {
        const char *labels; /* labels separated by '|' (a '.' stays in its label) */
        const char *want;
    } cases[] = {
        {"hostmaster|example|test", "hostmaster@example.test"},
        {"john.doe|example|test", "john.doe@example.test"},
        {"dns-admin|Example|NET", "dns-admin@Example.NET"},
        {"a|b|c|d", "a@b.c.d"},
        {"we ird|example|test", "we ird@example.test"},
        {"hostmaster", "hostmaster"}, /* one label: no domain to give */
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        uint8_t wire[RDC_NAME_WIRE_MAX + 1];
        size_t n = 0;
        for (const char *p = cases[i].labels; *p;) {
            const char *bar = strchr(p, '|');
            size_t l = bar ? (size_t)(bar - p) : strlen(p);
            wire[n++] = (uint8_t)l;
            memcpy(wire + n, p, l);
            n += l;
            p += l;
            if (*p == '|')
                p++;
        }
        wire[n] = 0;
        char buf[RDC_NAME_TEXT_MAX + 2];
        size_t len = rdc_rname_to_mail(wire, buf, sizeof buf);
        assert_string_equal(buf, cases[i].want);
        assert_int_equal(len, strlen(buf));
    }

    /* bytes outside printable ASCII are escaped, in both parts */
    const uint8_t odd[] = {3, 'a', 0x01, 'b', 3, 'x', 0xff, 'y', 4, 't', 'e', 's', 't', 0};
    char buf[64];
    size_t len = rdc_rname_to_mail(odd, buf, sizeof buf);
    assert_int_equal(len, strlen(buf));
    assert_true(unit_printable(buf));
    assert_string_equal(buf, "a\\001b@x\\255y.test");

    /* the root: no address */
    const uint8_t root[] = {0};
    memset(buf, 'Z', sizeof buf);
    assert_int_equal(rdc_rname_to_mail(root, buf, sizeof buf), 0);
    assert_string_equal(buf, "");

    /* a small buffer: cut, terminated, printable, within cap */
    uint8_t longname[RDC_NAME_WIRE_MAX + 1];
    size_t n = 0;
    for (int l = 0; l < 3; l++) {
        longname[n++] = 60;
        memset(longname + n, 'a' + l, 60);
        n += 60;
    }
    longname[n] = 0;
    for (size_t cap = 8; cap <= 80; cap++) {
        char small[80 + 8];
        memset(small, 'Z', sizeof small);
        size_t got = rdc_rname_to_mail(longname, small, cap);
        assert_true(got < cap);
        assert_int_equal(small[got], '\0');
        assert_int_equal(strlen(small), got);
        assert_int_equal(small[cap], 'Z'); /* nothing written past cap */
        assert_true(unit_printable(small));
        assert_non_null(strchr(small, '@'));
    }
}

static void who_text(const rdc_auth_question_t *q, bool paren, char *out, size_t cap)
{
    rdc_buf_t b = {0};
    rdc_auth_who(q, paren, &b);
    assert_false(b.failed);
    assert_non_null(b.s);
    snprintf(out, cap, "%s", b.s);
    rdc_buf_free(&b);
}

static void test_auth_who(void **state)
{
    (void)state;
    static const struct {
        const char *contact, *ns, *plain, *paren;
    } cases[] = {
        {"hostmaster@example.net", "ns1.example.net ns2.example.net",
         "the operator of " REVZONE
         ": contact hostmaster@example.net, servers ns1.example.net, ns2.example.net",
         "the operator of " REVZONE
         " (contact hostmaster@example.net; servers ns1.example.net, ns2.example.net)"},
        {"hostmaster@example.net", "ns1.example.net",
         "the operator of " REVZONE ": contact hostmaster@example.net, servers ns1.example.net",
         "the operator of " REVZONE " (contact hostmaster@example.net; servers ns1.example.net)"},
        {NULL, "ns1.example.net ns2.example.net",
         "the operator of " REVZONE ": servers ns1.example.net, ns2.example.net",
         "the operator of " REVZONE " (servers ns1.example.net, ns2.example.net)"},
        {"", "ns1.example.net", "the operator of " REVZONE ": servers ns1.example.net",
         "the operator of " REVZONE " (servers ns1.example.net)"},
        {"hostmaster@example.net", NULL,
         "the operator of " REVZONE ": contact hostmaster@example.net",
         "the operator of " REVZONE " (contact hostmaster@example.net)"},
        {NULL, NULL, "the operator of " REVZONE, "the operator of " REVZONE},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        rdc_auth_question_t q;
        question_init(&q, REVNAME, 12, REVZONE);
        question_who(&q, "ns1.example.net", cases[i].contact, cases[i].ns);
        char text[512];
        who_text(&q, false, text, sizeof text);
        assert_string_equal(text, cases[i].plain);
        who_text(&q, true, text, sizeof text);
        assert_string_equal(text, cases[i].paren);
        rdc_auth_question_clear(&q);
    }
    /* appends */
    rdc_auth_question_t q;
    question_init(&q, REVNAME, 12, REVZONE);
    rdc_buf_t b = {0};
    rdc_buf_puts(&b, "ask ");
    rdc_auth_who(&q, true, &b);
    assert_string_equal(b.s, "ask the operator of " REVZONE);
    rdc_buf_free(&b);
    rdc_auth_question_clear(&q);
}

static void test_authority_free(void **state)
{
    (void)state;
    rdc_authority_free(NULL);
    rdc_authority_t *a = calloc(1, sizeof *a);
    assert_non_null(a);
    ptr_question(&a->ptr, RDC_DNS_OK, "mail.example.test", RDC_DNS_OK, "mail.example.test", 60);
    rdc_auth_question_t *f = forward_add(a, "mail.example.test", 1, "example.test");
    question_who(f, "ns1.example.test", "hostmaster@example.test", "ns1.example.test");
    f->error = unit_strdup("the SOA lookup timed out");
    server_add(f, "ns1.example.test", "192.0.2.53", RDC_AUTH_S_OK, true, 1, RDC_DNS_OK,
               "192.0.2.1");
    forward_add(a, "mx.example.test", 28, NULL);
    rdc_authority_free(a); /* everything: ASan's leak check and valgrind see the rest */

    /* rdc_result_clear frees the result's */
    rdc_result_t r;
    result_init(&r, "192.0.2.1", RDC_DNS_OK);
    ptr_question(&authority_new(&r)->ptr, RDC_DNS_OK, "a.example.test", RDC_DNS_OK,
                 "a.example.test", 60);
    rdc_result_clear(&r);
    assert_null(r.authority);

    rdc_auth_question_t q;
    question_init(&q, REVNAME, 12, REVZONE);
    rdc_auth_question_clear(&q);
    assert_null(q.name);
    assert_null(q.zone);
    rdc_auth_question_clear(&q); /* a cleared question clears again */
}

/* ------------------------------------------------------------ rdc_auth_problems */

static void test_problems_none(void **state)
{
    (void)state;
    rdc_result_t r;
    result_init(&r, "192.0.2.1", RDC_DNS_OK);
    name_add(&r, "mail.example.test", "192.0.2.1", true);
    /* no authority: nothing */
    assert_true(rdc_auth_problems(&r, 0));
    assert_int_equal(r.nproblems, 0);
    /* all well */
    rdc_authority_t *a = authority_new(&r);
    ptr_question(&a->ptr, RDC_DNS_OK, "mail.example.test", RDC_DNS_OK, "mail.example.test", 60);
    rdc_auth_question_t *f = forward_add(a, "mail.example.test", 1, "example.test");
    server_add(f, "ns1.example.test", "192.0.2.53", RDC_AUTH_S_OK, true, 3, RDC_DNS_OK,
               "192.0.2.1");
    resolver_set(f, RDC_DNS_OK, "192.0.2.1", 60);
    assert_true(rdc_auth_evaluate(f));
    assert_true(rdc_auth_problems(&r, 0));
    assert_int_equal(r.nproblems, 0);
    rdc_result_clear(&r);
}

static void test_problems_lame_texts(void **state)
{
    (void)state;
    rdc_result_t r;
    result_init(&r, "192.0.2.1", RDC_DNS_OK);
    name_add(&r, "mail.example.test", "192.0.2.1", true);
    rdc_authority_t *a = authority_new(&r);
    rdc_auth_question_t *q = &a->ptr;
    question_init(q, REVNAME, 12, REVZONE);
    question_who(q, "ns1.example.net", "hostmaster@example.net",
                 "ns1.example.net ns2.example.net ns3.example.net");
    server_add(q, "ns1.example.net", "198.51.100.1", RDC_AUTH_S_OK, true, 7, RDC_DNS_OK,
               "mail.example.test");
    server_add(q, "ns2.example.net", "198.51.100.2", RDC_AUTH_S_LAME, false, NOSERIAL, RDC_DNS_OK,
               NULL);
    server_add(q, "ns3.example.net", "2001:db8::53", RDC_AUTH_S_REFUSED, false, NOSERIAL,
               RDC_DNS_S_REFUSED, NULL);
    server_add(q, "ns3.example.net", "198.51.100.3", RDC_AUTH_S_TIMEOUT, false, NOSERIAL,
               RDC_DNS_S_TIMEOUT, NULL);
    server_add(q, "ns4.example.net", "198.51.100.4", RDC_AUTH_S_UNREACHABLE, false, NOSERIAL,
               RDC_DNS_S_UNREACHABLE, NULL);
    server_add(q, "ns5.example.net", "198.51.100.5", RDC_AUTH_S_ERROR, false, NOSERIAL,
               RDC_DNS_S_ERROR, NULL);
    resolver_set(q, RDC_DNS_OK, "mail.example.test", 60);
    assert_true(rdc_auth_evaluate(q));
    assert_true(q->consistent);
    assert_false(q->stale);
    assert_true(rdc_auth_problems(&r, 0));
    assert_int_equal(r.nproblems, 1);
    const rdc_problem_t *p = &r.problems[0];
    assert_int_equal(p->code, RDC_AUTH_LAME);
    assert_int_equal(p->severity, RDC_SEV_WARN);
    assert_string_equal(p->message, "5 of 6 name server addresses of zone " REVZONE
                                    ": ns2.example.net (198.51.100.2) answers without authority; "
                                    "ns3.example.net (2001:db8::53) refuses; "
                                    "ns3.example.net (198.51.100.3) does not answer (timed out); "
                                    "ns4.example.net (198.51.100.4) cannot be reached; "
                                    "ns5.example.net (198.51.100.5) answers with an error");
    assert_contains(p->fix, "ask the operator of " REVZONE " (contact hostmaster@example.net; "
                            "servers ns1.example.net, ns2.example.net, ns3.example.net)");
    assert_texts_printable(&r);
    rdc_result_clear(&r);
}

/* auth-lame once per zone, however many of its names were asked */
static void test_problems_lame_once_per_zone(void **state)
{
    (void)state;
    rdc_result_t r;
    result_init(&r, "192.0.2.1", RDC_DNS_OK);
    name_add(&r, "mail.example.test", "192.0.2.1", true);
    name_add(&r, "mx.example.test", "192.0.2.1", true);
    name_add(&r, "smtp.sub.example.test", "192.0.2.1", true);
    name_add(&r, "relay.example.test", "192.0.2.1", true);
    rdc_authority_t *a = authority_new(&r);
    /* the reverse zone: lame too */
    ptr_question(&a->ptr, RDC_DNS_OK, "mail.example.test mx.example.test", RDC_DNS_OK,
                 "mail.example.test mx.example.test", 60);
    a->ptr.servers[1].state = RDC_AUTH_S_LAME;
    a->ptr.servers[1].asked = false;
    assert_true(rdc_auth_evaluate(&a->ptr));
    static const struct {
        const char *name, *zone;
    } fw[] = {
        /* a zone whose name ends like another's, first */
        {"smtp.sub.example.test", "sub.example.test"},
        {"mail.example.test", "example.test"},
        {"mx.example.test", "example.test"},
        {"relay.example.test", "example.test"},
    };
    for (size_t i = 0; i < ARRAY_LEN(fw); i++) {
        rdc_auth_question_t *f = forward_add(a, fw[i].name, 1, fw[i].zone);
        question_who(f, "ns1.example.test", NULL, "ns1.example.test ns2.example.test");
        server_add(f, "ns1.example.test", "192.0.2.53", RDC_AUTH_S_OK, true, 4, RDC_DNS_OK,
                   "192.0.2.1");
        server_add(f, "ns2.example.test", "192.0.2.54", RDC_AUTH_S_TIMEOUT, false, NOSERIAL,
                   RDC_DNS_S_TIMEOUT, NULL);
        resolver_set(f, RDC_DNS_OK, "192.0.2.1", 60);
        assert_true(rdc_auth_evaluate(f));
    }
    assert_true(rdc_auth_problems(&r, 0));
    assert_int_equal(count_code(&r, RDC_AUTH_LAME), 3);
    assert_int_equal(r.nproblems, 3);
    assert_contains(r.problems[0].message, "zone " REVZONE ":");
    assert_contains(r.problems[1].message, "zone sub.example.test:");
    assert_contains(r.problems[2].message, "1 of 2 name server addresses of zone example.test: "
                                           "ns2.example.test (192.0.2.54) does not answer");
    assert_contains(r.problems[2].fix,
                    "ask the operator of example.test (servers ns1.example.test, "
                    "ns2.example.test)");
    assert_texts_printable(&r);

    /* a second pass over the same result adds nothing for those zones */
    assert_true(rdc_auth_problems(&r, 0));
    assert_int_equal(count_code(&r, RDC_AUTH_LAME), 3);
    rdc_result_clear(&r);
}

/* A question that could not be asked (error) or has no zone gives nothing. */
static void test_problems_unasked_question(void **state)
{
    (void)state;
    for (int k = 0; k < 2; k++) {
        rdc_result_t r;
        result_init(&r, "192.0.2.1", RDC_DNS_OK);
        name_add(&r, "mail.example.test", "192.0.2.1", true);
        rdc_authority_t *a = authority_new(&r);
        ptr_question(&a->ptr, RDC_DNS_OK, "new.example.test", RDC_DNS_OK, "mail.example.test", 60);
        a->ptr.servers[1].state = RDC_AUTH_S_LAME;
        a->ptr.consistent = false;
        assert_true(a->ptr.stale);
        if (k == 0) {
            a->ptr.error = unit_strdup("the SOA lookup timed out");
        } else {
            free(a->ptr.zone);
            a->ptr.zone = NULL;
        }
        assert_true(rdc_auth_problems(&r, 0));
        assert_int_equal(r.nproblems, 0);
        rdc_result_clear(&r);
    }
}

static void test_problems_inconsistent(void **state)
{
    (void)state;
    rdc_result_t r;
    result_init(&r, "192.0.2.1", RDC_DNS_OK);
    name_add(&r, "mail.example.test", "192.0.2.1", true);
    rdc_authority_t *a = authority_new(&r);
    rdc_auth_question_t *q = &a->ptr;
    question_init(q, REVNAME, 12, REVZONE);
    question_who(q, "ns1.example.net", "hostmaster@example.net", "ns1.example.net ns2.example.net");
    server_add(q, "ns1.example.net", "198.51.100.1", RDC_AUTH_S_OK, true, 2026120102, RDC_DNS_OK,
               "mail.example.test");
    server_add(q, "ns2.example.net", "198.51.100.2", RDC_AUTH_S_OK, true, 2026120101,
               RDC_DNS_NXDOMAIN, NULL);
    resolver_set(q, RDC_DNS_OK, "mail.example.test", 60);
    assert_true(rdc_auth_evaluate(q));
    assert_false(q->consistent);
    assert_false(q->stale);

    rdc_auth_question_t *f = forward_add(a, "mail.example.test", 28, "example.test");
    question_who(f, NULL, NULL, "ns1.example.test");
    server_add(f, "ns1.example.test", "2001:db8::53", RDC_AUTH_S_OK, true, NOSERIAL, RDC_DNS_OK,
               "2001:db8::25");
    server_add(f, "ns2.example.test", "2001:db8::54", RDC_AUTH_S_OK, true, NOSERIAL, RDC_DNS_NODATA,
               NULL);
    resolver_set(f, RDC_DNS_NODATA, NULL, 60);
    assert_true(rdc_auth_evaluate(f));
    assert_false(f->consistent);

    assert_true(rdc_auth_problems(&r, 0));
    assert_int_equal(r.nproblems, 2);
    const rdc_problem_t *p = &r.problems[0];
    assert_int_equal(p->code, RDC_AUTH_INCONSISTENT);
    assert_int_equal(p->severity, RDC_SEV_WARN);
    assert_string_equal(p->message, "the name servers of zone " REVZONE " disagree about " REVNAME
                                    " PTR: ns1.example.net (198.51.100.1) serial 2026120102 "
                                    "answers mail.example.test; ns2.example.net "
                                    "(198.51.100.2) serial 2026120101 answers NXDOMAIN");
    assert_contains(p->fix, "from the primary ns1.example.net, or ask the operator of " REVZONE
                            " (contact hostmaster@example.net; servers ns1.example.net, "
                            "ns2.example.net)");
    p = &r.problems[1];
    assert_int_equal(p->code, RDC_AUTH_INCONSISTENT);
    assert_string_equal(p->message, "the name servers of zone example.test disagree about "
                                    "mail.example.test AAAA: ns1.example.test (2001:db8::53) "
                                    "answers 2001:db8::25; ns2.example.test (2001:db8::54) "
                                    "answers no record");
    assert_lacks(p->fix, "primary ,"); /* no SOA primary: none named */
    assert_contains(p->fix, "from the primary, or ask the operator of example.test (servers "
                            "ns1.example.test)");
    assert_texts_printable(&r);
    rdc_result_clear(&r);
}

static void test_problems_stale_note(void **state)
{
    (void)state;
    /* the zone has a PTR now, the resolver still serves the old NXDOMAIN:
     * the check will pass once it expires, a note */
    rdc_result_t r;
    result_init(&r, "192.0.2.1", RDC_DNS_NXDOMAIN);
    rdc_authority_t *a = authority_new(&r);
    ptr_question(&a->ptr, RDC_DNS_OK, "mail.example.test", RDC_DNS_NXDOMAIN, NULL, 3723);
    assert_true(a->ptr.stale);
    time_t now = (time_t)(20 * 86400 + 13 * 3600); /* 1970-01-21 13:00:00 UTC */
    assert_true(rdc_auth_problems(&r, now));
    assert_int_equal(r.nproblems, 1);
    const rdc_problem_t *p = &r.problems[0];
    assert_int_equal(p->code, RDC_STALE_CACHE);
    assert_int_equal(p->severity, RDC_SEV_INFO);
    assert_string_equal(p->message,
                        "the resolver still serves an old answer for " REVNAME
                        " PTR (NXDOMAIN) while the zone's servers answer mail.example.test; "
                        "the cached answer expires in 3723 s (at 14:02:03 UTC)");
    assert_contains(p->fix, "wait for the caches to expire");
    assert_contains(p->fix, "flush the resolver's cache");
    assert_lacks(p->fix, "will fail");
    assert_texts_printable(&r);
    rdc_result_clear(&r);

    /* no TTL known: no expiry */
    result_init(&r, "192.0.2.1", RDC_DNS_NODATA);
    a = authority_new(&r);
    ptr_question(&a->ptr, RDC_DNS_OK, "mail.example.test", RDC_DNS_NODATA, NULL, RDC_TTL_UNKNOWN);
    assert_true(rdc_auth_problems(&r, now));
    assert_int_equal(r.nproblems, 1);
    p = &r.problems[0];
    assert_int_equal(p->severity, RDC_SEV_INFO);
    assert_string_equal(p->message,
                        "the resolver still serves an old answer for " REVNAME
                        " PTR (no record) while the zone's servers answer mail.example.test");
    assert_lacks(p->message, "expires");
    assert_contains(p->fix, "flush the resolver's cache");
    rdc_result_clear(&r);

    /* the servers disagree and the resolver has neither answer: no
     * source to name */
    result_init(&r, "192.0.2.1", RDC_DNS_OK);
    name_add(&r, "old.example.test", "192.0.2.1", true);
    a = authority_new(&r);
    ptr_question(&a->ptr, RDC_DNS_OK, "a.example.test", RDC_DNS_OK, "old.example.test", 0);
    rdc_auth_answer_clear(&a->ptr.servers[1].answer);
    answer_fill(&a->ptr.servers[1].answer, RDC_DNS_OK, "b.example.test");
    assert_true(rdc_auth_evaluate(&a->ptr));
    assert_true(a->ptr.stale);
    assert_false(a->ptr.has_source);
    assert_true(rdc_auth_problems(&r, 0));
    assert_int_equal(r.nproblems, 2);
    assert_int_equal(r.problems[0].code, RDC_AUTH_INCONSISTENT);
    p = &r.problems[1];
    assert_int_equal(p->code, RDC_STALE_CACHE);
    assert_int_equal(p->severity, RDC_SEV_INFO); /* no zone answer to be worse */
    assert_contains(p->message, "(old.example.test) while the zone's servers answer otherwise; "
                                "the cached answer expires in 0 s (at 00:00:00 UTC)");
    assert_texts_printable(&r);
    rdc_result_clear(&r);
}

static void test_problems_stale_worse(void **state)
{
    (void)state;
    /* the PTR was removed at the source: the check passes now and fails
     * when the cache expires, a warning */
    rdc_result_t r;
    result_init(&r, "192.0.2.1", RDC_DNS_OK);
    name_add(&r, "mail.example.test", "192.0.2.1", true);
    rdc_authority_t *a = authority_new(&r);
    ptr_question(&a->ptr, RDC_DNS_NXDOMAIN, NULL, RDC_DNS_OK, "mail.example.test", 600);
    assert_true(a->ptr.stale);
    assert_true(rdc_auth_problems(&r, 0));
    assert_int_equal(r.nproblems, 1);
    const rdc_problem_t *p = &r.problems[0];
    assert_int_equal(p->code, RDC_STALE_CACHE);
    assert_int_equal(p->severity, RDC_SEV_WARN);
    assert_contains(p->message, "(mail.example.test) while the zone's servers answer NXDOMAIN; "
                                "the cached answer expires in 600 s (at 00:10:00 UTC)");
    assert_contains(p->fix, "when the cached answer expires, the check will fail: the zone no "
                            "longer gives a confirming answer; change it back");
    assert_lacks(p->fix, "flush"); /* flushing would only make it fail sooner */
    assert_texts_printable(&r);
    rdc_result_clear(&r);
}

/* The zone has a new PTR, but its name does not resolve back: the fix is
 * incomplete (a warning that says what is missing); when it does resolve
 * back, or that is not known, a note. */
static void test_problems_stale_incomplete(void **state)
{
    (void)state;
    static const struct {
        bool checked, confirms;
        rdc_severity_t severity;
    } cases[] = {
        {true, false, RDC_SEV_WARN},
        {true, true, RDC_SEV_INFO},
        {false, false, RDC_SEV_INFO},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        rdc_result_t r;
        result_init(&r, "192.0.2.1", RDC_DNS_NXDOMAIN);
        rdc_authority_t *a = authority_new(&r);
        ptr_question(&a->ptr, RDC_DNS_OK, "new.example.test", RDC_DNS_NXDOMAIN, NULL, 900);
        a->ptr.source_checked = cases[i].checked;
        a->ptr.source_confirms = cases[i].confirms;
        assert_true(a->ptr.stale);
        assert_true(rdc_auth_problems(&r, 0));
        assert_int_equal(r.nproblems, 1);
        const rdc_problem_t *p = &r.problems[0];
        assert_int_equal(p->code, RDC_STALE_CACHE);
        assert_int_equal(p->severity, cases[i].severity);
        if (cases[i].severity == RDC_SEV_WARN) {
            assert_string_equal(p->fix, "the zone's new PTR (new.example.test) does not resolve "
                                        "back to 192.0.2.1: give that name an A record 192.0.2.1 "
                                        "too, or the check still fails once the cache expires");
        } else {
            assert_contains(p->fix, "nothing to fix at the source");
        }
        assert_texts_printable(&r);
        rdc_result_clear(&r);
    }
}

/* A forward answer is worse at the source when it drops the address. */
static void test_problems_stale_forward(void **state)
{
    (void)state;
    static const struct {
        const char *source, *resolver;
        rdc_severity_t severity;
    } cases[] = {
        {"192.0.2.99", "192.0.2.1", RDC_SEV_WARN}, /* moved away */
        {NULL, "192.0.2.1", RDC_SEV_WARN}, /* removed */
        {"192.0.2.1 192.0.2.7", "192.0.2.1", RDC_SEV_INFO}, /* one more, still ours */
        {"192.0.2.1", "192.0.2.99", RDC_SEV_INFO}, /* moved here */
        {"192.0.2.1", NULL, RDC_SEV_INFO}, /* added */
        {"192.0.2.98", "192.0.2.99", RDC_SEV_INFO}, /* not ours either way */
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        rdc_result_t r;
        result_init(&r, "192.0.2.1", RDC_DNS_OK);
        name_add(&r, "mail.example.test", cases[i].resolver ? cases[i].resolver : "192.0.2.99",
                 unit_contains(cases[i].resolver, "192.0.2.1"));
        rdc_authority_t *a = authority_new(&r);
        ptr_question(&a->ptr, RDC_DNS_OK, "mail.example.test", RDC_DNS_OK, "mail.example.test", 60);
        rdc_auth_question_t *f = forward_add(a, "mail.example.test", 1, "example.test");
        question_who(f, "ns1.example.test", "hostmaster@example.test", "ns1.example.test");
        rdc_dns_status_t st = cases[i].source ? RDC_DNS_OK : RDC_DNS_NXDOMAIN;
        server_add(f, "ns1.example.test", "192.0.2.53", RDC_AUTH_S_OK, true, 4, st,
                   cases[i].source);
        resolver_set(f, cases[i].resolver ? RDC_DNS_OK : RDC_DNS_NODATA, cases[i].resolver, 30);
        assert_true(rdc_auth_evaluate(f));
        assert_true(f->stale);
        assert_true(rdc_auth_problems(&r, 0));
        assert_int_equal(r.nproblems, 1);
        const rdc_problem_t *p = &r.problems[0];
        assert_int_equal(p->code, RDC_STALE_CACHE);
        if (p->severity != cases[i].severity)
            print_error("case %zu: severity %s\n", i, rdc_severity_name(p->severity));
        assert_int_equal(p->severity, cases[i].severity);
        assert_contains(p->message, "old answer for mail.example.test A (");
        assert_contains(p->message, "expires in 30 s");
        assert_texts_printable(&r);
        rdc_result_clear(&r);
    }
}

/* ------------------------------------------------------------ verdicts */

static void test_verdict_no_ptr_names_operator(void **state)
{
    (void)state;
    static const rdc_dns_status_t st[] = {RDC_DNS_NXDOMAIN, RDC_DNS_NODATA};
    for (size_t i = 0; i < ARRAY_LEN(st); i++) {
        rdc_result_t r;
        result_init(&r, "192.0.2.1", st[i]);
        rdc_authority_t *a = authority_new(&r);
        ptr_question(&a->ptr, st[i], NULL, st[i], NULL, 300);
        assert_false(a->ptr.stale);
        assert_true(rdc_verdict_compute(&r, false));
        assert_int_equal(r.verdict, RDC_FAIL);
        assert_int_equal(r.nproblems, 1);
        const rdc_problem_t *p = &r.problems[0];
        assert_int_equal(p->code, RDC_NO_PTR);
        assert_int_equal(p->severity, RDC_SEV_FAIL);
        assert_string_equal(p->message,
                            i == 0 ? "192.0.2.1 has no PTR record (" REVNAME " does not exist)"
                                   : "192.0.2.1 has no PTR record (" REVNAME " has no PTR)");
        assert_contains(p->fix, "ask the operator of " REVZONE
                                ": contact hostmaster@example.net, servers ns1.example.net, "
                                "ns2.example.net");
        assert_contains(p->fix, "set PTR for 192.0.2.1 to a name whose A record is 192.0.2.1");
        assert_lacks(p->fix, "whoever owns the IP");
        assert_texts_printable(&r);
        rdc_result_clear(&r);
    }

    /* the zone has the PTR already, the resolver's NXDOMAIN is cached */
    {
        rdc_result_t rs;
        result_init(&rs, "192.0.2.1", RDC_DNS_NXDOMAIN);
        rdc_authority_t *as = authority_new(&rs);
        ptr_question(&as->ptr, RDC_DNS_OK, "new.example.test", RDC_DNS_NXDOMAIN, NULL, 300);
        assert_true(as->ptr.stale);
        assert_true(rdc_verdict_compute(&rs, false));
        assert_int_equal(rs.verdict, RDC_FAIL);
        assert_int_equal(rs.problems[0].code, RDC_NO_PTR);
        assert_string_equal(rs.problems[0].fix,
                            "nothing to ask: the reverse zone " REVZONE
                            " already gives PTR new.example.test; the resolver still serves its "
                            "cached answer (see stale-cache)");
        rdc_result_clear(&rs);
    }

    /* a zone the resolver serves itself (RFC 6303: RNAME nobody.invalid) */
    {
        rdc_result_t r6;
        result_init(&r6, "192.0.2.1", RDC_DNS_NXDOMAIN);
        rdc_authority_t *a6 = authority_new(&r6);
        ptr_question(&a6->ptr, RDC_DNS_NXDOMAIN, NULL, RDC_DNS_NXDOMAIN, NULL, 300);
        free(a6->ptr.contact);
        a6->ptr.contact = rdc_strdup("nobody@invalid");
        assert_true(rdc_verdict_compute(&r6, false));
        assert_int_equal(r6.verdict, RDC_FAIL);
        assert_string_equal(r6.problems[0].fix,
                            "192.0.2.1 is in a range whose reverse zone (" REVZONE
                            ") resolvers answer themselves (RFC 6303): it has no public reverse "
                            "DNS; send mail from a public address");
        rdc_result_clear(&r6);
    }

    /* the reverse zone was not found: the fix names nobody */
    rdc_result_t r;
    result_init(&r, "192.0.2.1", RDC_DNS_NXDOMAIN);
    rdc_authority_t *a = authority_new(&r);
    question_init(&a->ptr, REVNAME, 12, NULL);
    a->ptr.error = unit_strdup("no zone found: no SOA record up to the root");
    assert_true(rdc_verdict_compute(&r, false));
    assert_int_equal(r.verdict, RDC_FAIL);
    assert_int_equal(r.nproblems, 1);
    assert_contains(r.problems[0].fix, "ask whoever owns the IP");
    assert_lacks(r.problems[0].fix, "the operator of");
    rdc_result_clear(&r);
}

/* The no-ptr fix when the SOA that answered is a registry's (in-addr.arpa,
 * a /8 zone; ip6.arpa, a zone shorter than /32): no reverse zone is
 * delegated for the block, and the holder of the block must have one
 * delegated. A /16 zone, a /32 zone are someone's: the usual fix. */
static void test_verdict_no_ptr_undelegated_block(void **state)
{
    (void)state;
    static const struct {
        const char *ip, *rev, *zone;
        bool registry;
    } cases[] = {
        {"192.0.2.1", REVNAME, "in-addr.arpa", true},
        {"192.0.2.1", REVNAME, "192.in-addr.arpa", true},
        {"192.0.2.1", REVNAME, "0.192.in-addr.arpa", false},
        {"192.0.2.1", REVNAME, REVZONE, false},
        {"2001:db8:2::1", NULL, "ip6.arpa", true},
        {"2001:db8:2::1", NULL, "2.ip6.arpa", true},
        {"2001:db8:2::1", NULL, "0.0.2.ip6.arpa", true},
        {"2001:db8:2::1", NULL, "1.0.0.2.ip6.arpa", true},
        {"2001:db8:2::1", NULL, "d.0.1.0.0.2.ip6.arpa", true},
        {"2001:db8:2::1", NULL, "b.d.0.1.0.0.2.ip6.arpa", true},
        {"2001:db8:2::1", NULL, "8.b.d.0.1.0.0.2.ip6.arpa", false},
        {"2001:db8:2::1", NULL, "2.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        rdc_result_t r;
        char rev[RDC_REVNAME_MAX], want[512];
        result_init(&r, cases[i].ip, RDC_DNS_NXDOMAIN);
        rdc_addr_reverse_name(&r.addr, rev);
        rdc_authority_t *a = authority_new(&r);
        ptr_question(&a->ptr, RDC_DNS_NXDOMAIN, NULL, RDC_DNS_NXDOMAIN, NULL, 300);
        free(a->ptr.name);
        a->ptr.name = unit_strdup(rev);
        free(a->ptr.zone);
        a->ptr.zone = unit_strdup(cases[i].zone);
        assert_true(rdc_verdict_compute(&r, false));
        assert_int_equal(r.verdict, RDC_FAIL);
        snprintf(want, sizeof want,
                 "no reverse zone is delegated for the block of %s (the nearest zone, %s, is a "
                 "registry's): the holder of the block - the provider it came from, through "
                 "its regional registry",
                 cases[i].ip, cases[i].zone);
        if (cases[i].registry) {
            assert_contains(r.problems[0].fix, want);
        } else {
            snprintf(want, sizeof want, "ask the operator of %s", cases[i].zone);
            assert_contains(r.problems[0].fix, want);
        }
        assert_lacks(r.problems[0].fix, cases[i].registry ? "ask the operator" : "registry's");
        rdc_result_clear(&r);
    }
}

/* RFC 2317: the reverse name is an alias of a name in the holder's zone
 * (the servers were asked for the CNAME's target), and the target does not
 * exist: the no-ptr message names the target, the fix says where the PTR
 * goes. Without the alias, the usual message. */
static void test_verdict_no_ptr_cname_target(void **state)
{
    (void)state;
    for (int alias = 0; alias < 2; alias++) {
        for (int nx = 0; nx < 2; nx++) {
            rdc_result_t r;
            char want[512];
            const char *target = alias ? "1.0-25.2.0.192.in-addr.arpa" : REVNAME;
            result_init(&r, "192.0.2.1", nx ? RDC_DNS_NXDOMAIN : RDC_DNS_NODATA);
            rdc_authority_t *a = authority_new(&r);
            ptr_question(&a->ptr, nx ? RDC_DNS_NXDOMAIN : RDC_DNS_NODATA, NULL,
                         nx ? RDC_DNS_NXDOMAIN : RDC_DNS_NODATA, NULL, 300);
            free(a->ptr.name);
            a->ptr.name = unit_strdup(target);
            free(a->ptr.zone);
            a->ptr.zone = unit_strdup(alias ? "0-25.2.0.192.in-addr.arpa" : REVZONE);
            assert_true(rdc_verdict_compute(&r, false));
            assert_int_equal(r.nproblems, 1);
            if (alias) {
                snprintf(want, sizeof want,
                         "192.0.2.1 has no PTR record: " REVNAME " is an alias (CNAME) of "
                         "1.0-25.2.0.192.in-addr.arpa, which %s",
                         nx ? "does not exist" : "has no PTR record");
                assert_string_equal(r.problems[0].message, want);
                assert_contains(
                    r.problems[0].fix,
                    "ask the operator of 0-25.2.0.192.in-addr.arpa: contact "
                    "hostmaster@example.net, servers ns1.example.net, "
                    "ns2.example.net (your hosting provider, not your registrar) to "
                    "add the PTR record at 1.0-25.2.0.192.in-addr.arpa, the name " REVNAME
                    " is an alias of (RFC 2317), naming a host whose A record is "
                    "192.0.2.1");
            } else {
                assert_lacks(r.problems[0].message, "alias");
                assert_lacks(r.problems[0].fix, "alias");
            }
            assert_texts_printable(&r);
            rdc_result_clear(&r);
        }
    }
}

static void test_verdict_stale_note_changes_nothing(void **state)
{
    (void)state;
    for (int strict = 0; strict <= 1; strict++) {
        /* fail: no PTR yet at the resolver, though the zone has one */
        rdc_result_t r;
        result_init(&r, "192.0.2.1", RDC_DNS_NXDOMAIN);
        rdc_authority_t *a = authority_new(&r);
        ptr_question(&a->ptr, RDC_DNS_OK, "mail.example.test", RDC_DNS_NXDOMAIN, NULL, 120);
        assert_true(rdc_verdict_compute(&r, strict ? RDC_RULES_STRICT : 0u));
        assert_int_equal(r.verdict, RDC_FAIL);
        assert_int_equal(r.nproblems, 2);
        assert_int_equal(r.problems[0].code, RDC_NO_PTR);
        assert_int_equal(r.problems[1].code, RDC_STALE_CACHE);
        assert_int_equal(r.problems[1].severity, RDC_SEV_INFO);
        assert_texts_printable(&r);
        rdc_result_clear(&r);

        /* pass: a note about a change that keeps it passing */
        result_init(&r, "192.0.2.1", RDC_DNS_OK);
        name_add(&r, "mail.example.test", "192.0.2.1", true);
        a = authority_new(&r);
        ptr_question(&a->ptr, RDC_DNS_OK, "mail.example.test new.example.test", RDC_DNS_OK,
                     "mail.example.test", 120);
        assert_true(rdc_verdict_compute(&r, strict ? RDC_RULES_STRICT : 0u));
        assert_int_equal(r.nproblems, 1);
        assert_int_equal(r.problems[0].code, RDC_STALE_CACHE);
        assert_int_equal(r.problems[0].severity, RDC_SEV_INFO);
        assert_int_equal(r.verdict, RDC_PASS);
        rdc_result_clear(&r);
    }
}

static void test_verdict_auth_warnings(void **state)
{
    (void)state;
    static const struct {
        const char *what;
        int kind; /* 0 lame, 1 inconsistent, 2 stale and worse */
        rdc_code_t code;
    } cases[] = {
        {"lame", 0, RDC_AUTH_LAME},
        {"inconsistent", 1, RDC_AUTH_INCONSISTENT},
        {"stale, PTR removed", 2, RDC_STALE_CACHE},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++)
        for (int strict = 0; strict <= 1; strict++) {
            rdc_result_t r;
            result_init(&r, "192.0.2.1", RDC_DNS_OK);
            name_add(&r, "mail.example.test", "192.0.2.1", true);
            rdc_authority_t *a = authority_new(&r);
            if (cases[i].kind == 2)
                ptr_question(&a->ptr, RDC_DNS_NXDOMAIN, NULL, RDC_DNS_OK, "mail.example.test", 120);
            else
                ptr_question(&a->ptr, RDC_DNS_OK, "mail.example.test", RDC_DNS_OK,
                             "mail.example.test", 120);
            if (cases[i].kind == 0) {
                a->ptr.servers[1].state = RDC_AUTH_S_LAME;
                a->ptr.servers[1].has_serial = false;
                a->ptr.servers[1].asked = false;
            } else if (cases[i].kind == 1) {
                a->ptr.servers[1].serial = 6;
            }
            assert_true(rdc_auth_evaluate(&a->ptr));
            assert_true(rdc_verdict_compute(&r, strict ? RDC_RULES_STRICT : 0u));
            if (r.nproblems != 1 || r.problems[0].code != cases[i].code)
                print_error("%s: %zu problems\n", cases[i].what, r.nproblems);
            assert_int_equal(r.nproblems, 1);
            assert_int_equal(r.problems[0].code, cases[i].code);
            assert_int_equal(r.problems[0].severity, RDC_SEV_WARN);
            assert_int_equal(r.verdict, strict ? RDC_FAIL : RDC_WARN);
            assert_texts_printable(&r);
            rdc_result_clear(&r);
        }

    /* without the authority object, the same result passes */
    rdc_result_t r;
    result_init(&r, "192.0.2.1", RDC_DNS_OK);
    name_add(&r, "mail.example.test", "192.0.2.1", true);
    assert_true(rdc_verdict_compute(&r, true));
    assert_int_equal(r.verdict, RDC_PASS);
    assert_int_equal(r.nproblems, 0);
    rdc_result_clear(&r);
}

/* ------------------------------------------------------------ wait.c */

static void test_duration_parse(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        uint64_t ms;
    } good[] = {
        {"90", 90000},         {"90s", 90000},        {"5m", 300000},
        {"1h", 3600000},       {"1", 1000},           {"1s", 1000},
        {"007", 7000},         {"604800", 604800000}, {"604800s", 604800000},
        {"10080m", 604800000}, {"168h", 604800000},   {"1h30m", 5400000},
        {"2m30s", 150000},     {"1d", 86400000},      {"7d", 604800000},
        {"1h0m5s", 3605000},   {"0h5m", 300000},      {"6d23h59m60s", 604800000},
    };
    for (size_t i = 0; i < ARRAY_LEN(good); i++) {
        uint64_t ms = 1;
        if (!rdc_duration_parse(good[i].s, &ms))
            print_error("\"%s\" refused\n", good[i].s);
        assert_true(rdc_duration_parse(good[i].s, &ms));
        assert_int_equal(ms, good[i].ms);
    }
    static const char *const bad[] = {
        "",
        "0",
        "0s",
        "0m",
        "0h",
        "00",
        "5x",
        "5mm",
        "5ms",
        "5sm",
        "5hs",
        "-1",
        "+5",
        "8d",
        "1w",
        "1h30",
        "30m1h",
        "1h1h",
        "1h 30m",
        "0h0m",
        "7d1s",
        "s",
        "m",
        "h",
        " 5",
        "5 ",
        "5\n",
        "5S",
        "5M",
        "1.5h",
        "1e3",
        "0x10",
        "604801",
        "604801s",
        "10081m",
        "169h",
        "999999999999",
        "18446744073709551617",
        "99999999999999999999999999h",
    };
    for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
        uint64_t ms = 12345;
        if (rdc_duration_parse(bad[i], &ms))
            print_error("\"%s\" accepted: %llu ms\n", bad[i], (unsigned long long)ms);
        assert_false(rdc_duration_parse(bad[i], &ms));
        assert_int_equal(ms, 12345); /* untouched */
    }
}

static void test_wait_note(void **state)
{
    (void)state;
    static const struct {
        rdc_result_kind_t kind;
        rdc_verdict_t verdict;
        bool strict;
        bool lowers;
    } cases[] = {
        {RDC_RESULT_ADDRESS, RDC_FAIL, false, true},
        {RDC_RESULT_ADDRESS, RDC_TEMPFAIL, false, true},
        {RDC_RESULT_ADDRESS, RDC_ERROR, false, true},
        {RDC_RESULT_ADDRESS, RDC_WARN, true, true},
        {RDC_RESULT_ADDRESS, RDC_WARN, false, false},
        {RDC_RESULT_ADDRESS, RDC_PASS, false, false},
        {RDC_RESULT_ADDRESS, RDC_PASS, true, false},
        {RDC_RESULT_UNRESOLVED, RDC_TEMPFAIL, false, false},
        {RDC_RESULT_INVALID, RDC_ERROR, true, false},
        {RDC_RESULT_DOMAIN, RDC_FAIL, false, false},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        rdc_result_t r;
        result_init(&r, "192.0.2.1", RDC_DNS_NXDOMAIN);
        r.kind = cases[i].kind;
        r.verdict = cases[i].verdict;
        r.ptr_ttl = 90;
        uint32_t ttl = 300;
        rdc_wait_note(&ttl, &r, cases[i].strict);
        if (ttl != (cases[i].lowers ? 90u : 300u))
            print_error("case %zu: ttl %lu\n", i, (unsigned long)ttl);
        assert_int_equal(ttl, cases[i].lowers ? 90 : 300);
        rdc_result_clear(&r);
    }

    /* only lowers */
    rdc_result_t r;
    result_init(&r, "192.0.2.1", RDC_DNS_NXDOMAIN);
    r.verdict = RDC_FAIL;
    r.ptr_ttl = 90;
    uint32_t ttl = 30;
    rdc_wait_note(&ttl, &r, false);
    assert_int_equal(ttl, 30);
    r.ptr_ttl = RDC_TTL_UNKNOWN;
    ttl = RDC_TTL_UNKNOWN;
    rdc_wait_note(&ttl, &r, false);
    assert_int_equal(ttl, RDC_TTL_UNKNOWN);
    r.ptr_ttl = 0;
    rdc_wait_note(&ttl, &r, false);
    assert_int_equal(ttl, 0);
    rdc_result_clear(&r);

    /* the names: checked ones with a definite answer count */
    static const struct {
        rdc_name_kind_t kind;
        rdc_dns_status_t status;
        bool counts;
    } names[] = {
        {RDC_NAME_CHECKED, RDC_DNS_OK, true},
        {RDC_NAME_CHECKED, RDC_DNS_NXDOMAIN, true},
        {RDC_NAME_CHECKED, RDC_DNS_NODATA, true},
        {RDC_NAME_CHECKED, RDC_DNS_S_TIMEOUT, false},
        {RDC_NAME_CHECKED, RDC_DNS_S_SERVFAIL, false},
        {RDC_NAME_CHECKED, RDC_DNS_S_REFUSED, false},
        {RDC_NAME_CHECKED, RDC_DNS_S_UNREACHABLE, false},
        {RDC_NAME_CHECKED, RDC_DNS_S_ERROR, false},
        {RDC_NAME_INVALID, RDC_DNS_OK, false},
        {RDC_NAME_RELATIVE, RDC_DNS_OK, false},
        {RDC_NAME_SKIPPED, RDC_DNS_OK, false},
    };
    for (size_t i = 0; i < ARRAY_LEN(names); i++) {
        result_init(&r, "192.0.2.1", RDC_DNS_OK);
        r.verdict = RDC_FAIL;
        r.ptr_ttl = 600;
        rdc_name_result_t *n = name_add(&r, "good.example.test", "192.0.2.1", false);
        n->ttl = 400;
        n = unit_name_push(&r, "other.example.test", names[i].kind);
        n->status = names[i].status;
        n->ttl = 20;
        ttl = 900;
        rdc_wait_note(&ttl, &r, false);
        if (ttl != (names[i].counts ? 20u : 400u))
            print_error("name case %zu: ttl %lu\n", i, (unsigned long)ttl);
        assert_int_equal(ttl, names[i].counts ? 20 : 400);
        /* a passing result: none of it counts */
        r.verdict = RDC_PASS;
        ttl = 900;
        rdc_wait_note(&ttl, &r, true);
        assert_int_equal(ttl, 900);
        rdc_result_clear(&r);
    }
}

static void test_wait_sleep(void **state)
{
    (void)state;
    static const struct {
        uint32_t ttl;
        unsigned long long left, want;
    } cases[] = {
        {0, 1000000, RDC_WAIT_MIN_SLEEP_MS}, /* at least 2 s */
        {1, 1000000, 2000},
        {2, 1000000, 3000}, /* TTL + 1 s */
        {59, 1000000, 60000},
        {298, 1000000, 299000},
        {299, 1000000, 300000},
        {300, 1000000, RDC_WAIT_MAX_SLEEP_MS}, /* at most 5 min */
        {86400, 1000000, 300000},
        {RDC_TTL_UNKNOWN - 1, 1000000, 300000},
        {RDC_TTL_UNKNOWN, 1000000, RDC_WAIT_NO_TTL_MS}, /* 30 s */
        /* never past the deadline, even below the minimum */
        {59, 500, 500},
        {59, 60000, 60000},
        {59, 60001, 60000},
        {0, 1000, 1000},
        {0, 0, 0},
        {RDC_TTL_UNKNOWN, 10000, 10000},
        {86400, 299999, 299999},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        unsigned long long got = rdc_wait_sleep_ms(cases[i].ttl, cases[i].left);
        if (got != cases[i].want)
            print_error("ttl %lu left %llu: %llu ms, expected %llu\n", (unsigned long)cases[i].ttl,
                        cases[i].left, got, cases[i].want);
        assert_true(got == cases[i].want);
    }
    assert_int_equal(RDC_WAIT_MIN_SLEEP_MS, 2000);
    assert_int_equal(RDC_WAIT_MAX_SLEEP_MS, 300000);
    assert_int_equal(RDC_WAIT_NO_TTL_MS, 30000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_state_names),
        cmocka_unit_test(test_answer_add_clear),
        cmocka_unit_test(test_answer_same),
        cmocka_unit_test(test_evaluate_table),
        cmocka_unit_test(test_evaluate_resolver_temporary),
        cmocka_unit_test(test_evaluate_source_is_a_copy),
        cmocka_unit_test(test_rname_to_mail),
        cmocka_unit_test(test_auth_who),
        cmocka_unit_test(test_authority_free),
        cmocka_unit_test(test_problems_none),
        cmocka_unit_test(test_problems_lame_texts),
        cmocka_unit_test(test_problems_lame_once_per_zone),
        cmocka_unit_test(test_problems_unasked_question),
        cmocka_unit_test(test_problems_inconsistent),
        cmocka_unit_test(test_problems_stale_note),
        cmocka_unit_test(test_problems_stale_worse),
        cmocka_unit_test(test_problems_stale_incomplete),
        cmocka_unit_test(test_problems_stale_forward),
        cmocka_unit_test(test_verdict_no_ptr_names_operator),
        cmocka_unit_test(test_verdict_no_ptr_undelegated_block),
        cmocka_unit_test(test_verdict_no_ptr_cname_target),
        cmocka_unit_test(test_verdict_stale_note_changes_nothing),
        cmocka_unit_test(test_verdict_auth_warnings),
        cmocka_unit_test(test_duration_parse),
        cmocka_unit_test(test_wait_note),
        cmocka_unit_test(test_wait_sleep),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
