/* test_report.c - unit tests of report_json.c / report_text.c (written to an
 * open_memstream FILE and compared) and of rdc_servers_parse. */
#define _POSIX_C_SOURCE 200809L
#include "unit.h"
#include "unit_result.h"

#include "report.h"
#include "cli.h"
#include "resolver.h"
#include "trace.h"
#include "verdict.h"

/* ------------------------------------------------------------ capture */

typedef struct capture {
    FILE *f;
    char *buf;
    size_t len;
} capture_t;

static void cap_open(capture_t *c)
{
    c->buf = NULL;
    c->len = 0;
    c->f = open_memstream(&c->buf, &c->len);
    assert_non_null(c->f);
}

/* Closes the stream; the caller frees the returned text. */
static char *cap_close(capture_t *c)
{
    assert_int_equal(fclose(c->f), 0);
    assert_non_null(c->buf);
    assert_int_equal(strlen(c->buf), c->len);
    return c->buf;
}

static char *json_string(const char *s)
{
    capture_t c;
    cap_open(&c);
    rdc_json_string(c.f, s);
    return cap_close(&c);
}

/* The record's clock (report_json.c calls rdc_wall_ms; this test links
 * with -Wl,--wrap=rdc_wall_ms): 2026-12-01T02:49:08.865Z. */
long long __wrap_rdc_wall_ms(void);
long long __wrap_rdc_wall_ms(void)
{
    return 1796093348865LL;
}

/* What every JSON record starts with. */
#define HEAD(type) "{\"type\":\"" type "\",\"schema\":1,\"time\":\"2026-12-01T02:49:08.865Z\","

/* ------------------------------------------------------------ builders */

static rdc_name_result_t *add_name(rdc_result_t *r, const char *name, rdc_name_kind_t kind,
                                   bool confirmed, const char *a1, const char *a2)
{
    rdc_name_result_t *n = unit_name_push(r, name, kind);
    n->confirmed = confirmed;
    const char *as[2] = {a1, a2};
    for (int i = 0; i < 2; i++) {
        if (as[i] == NULL)
            continue;
        rdc_addr_t *a = realloc(n->addrs, (n->naddrs + 1) * sizeof *a);
        assert_non_null(a);
        n->addrs = a;
        assert_true(rdc_addr_parse(as[i], strlen(as[i]), &n->addrs[n->naddrs]));
        n->naddrs++;
    }
    return n;
}

/* ------------------------------------------------------------ JSON */

static void test_json_string(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"", "\"\""},
        {"plain text", "\"plain text\""},
        {"a\"b", "\"a\\\"b\""},
        {"a\\b", "\"a\\\\b\""},
        {"\\000", "\"\\\\000\""},
        {"\x01", "\"\\u0001\""},
        {"\x1f", "\"\\u001f\""},
        {"\n\t\r", "\"\\u000a\\u0009\\u000d\""},
        {"\x1b[31m", "\"\\u001b[31m\""},
        {"\x7f", "\"\\u007f\""},
        {"/<>'~", "\"/<>'~\""},
        /* a checked IDN (UTF-8) as \uXXXX, above U+FFFF as a surrogate pair */
        {"m\xc3\xa4il", "\"m\\u00e4il\""},
        {"\xe4\xbe\x8b", "\"\\u4f8b\""},
        {"\xf0\x9f\x98\x80", "\"\\ud83d\\ude00\""},
        /* not UTF-8 (overlong, a surrogate, cut short): byte by byte */
        {"\xc0\xaf", "\"\\u00c0\\u00af\""},
        {"\xed\xa0\x80", "\"\\u00ed\\u00a0\\u0080\""},
        {"\xe4\xbe", "\"\\u00e4\\u00be\""},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        char *s = json_string(cases[i].in);
        assert_string_equal(s, cases[i].out);
        free(s);
    }
    /* bytes >= 0x80 never come out raw */
    char in[129];
    for (int i = 0; i < 128; i++)
        in[i] = (char)(0x80 + i);
    in[128] = '\0';
    char *s = json_string(in);
    assert_true(unit_printable(s));
    assert_int_equal(strlen(s), 2 + 128 * 6);
    free(s);
}

static void test_json_full_line(void **state)
{
    (void)state;
    rdc_result_t r;
    memset(&r, 0, sizeof r);
    r.input = unit_strdup("192.0.2.50");
    r.kind = RDC_RESULT_ADDRESS;
    assert_true(rdc_addr_parse("192.0.2.50", 10, &r.addr));
    r.verdict = RDC_FAIL;
    r.ptr_status = RDC_DNS_OK;
    add_name(&r, "mail.example.test", RDC_NAME_CHECKED, true, "192.0.2.50", "198.51.100.1");
    add_name(&r, "other.example.test", RDC_NAME_CHECKED, false, "192.0.2.99", NULL);
    add_name(&r, "bad\\032name", RDC_NAME_INVALID, false, NULL, NULL);
    add_name(&r, "skipped.example.test", RDC_NAME_SKIPPED, false, NULL, NULL);
    assert_true(
        rdc_result_add_problem(&r, RDC_PTR_PARTIAL, "remove \"other\"", "only %d of %d", 1, 3));
    assert_true(rdc_result_add_problem(&r, RDC_PTR_TOO_MANY, NULL, "4 PTR names"));
    r.elapsed_ms = 12;
    capture_t c;
    cap_open(&c);
    rdc_report_json(c.f, &r, NULL);
    char *s = cap_close(&c);
    assert_string_equal(
        s,
        HEAD("address") "\"input\":\"192.0.2.50\",\"ip\":\"192.0.2.50\",\"verdict\":\"fail\","
                        "\"ptr\":[\"mail.example.test\",\"other.example.test\",\"bad\\\\032name\","
                        "\"skipped.example.test\"],"
                        "\"confirmed\":[\"mail.example.test\"],"
                        "\"forward\":{\"mail.example.test\":[\"192.0.2.50\",\"198.51.100.1\"],"
                        "\"other.example.test\":[\"192.0.2.99\"]},"
                        "\"problems\":[{\"code\":\"ptr-partial\",\"severity\":\"fail\",\"message\":"
                        "\"only 1 "
                        "of 3\",\"fix\":\"remove \\\"other\\\"\"},"
                        "{\"code\":\"ptr-too-many\",\"severity\":\"warn\",\"message\":\"4 PTR "
                        "names\"}],"
                        "\"elapsed_ms\":12}\n");
    free(s);
    rdc_result_clear(&r);
}

static void test_json_minimal_lines(void **state)
{
    (void)state;
    rdc_result_t r;
    capture_t c;
    char *s;

    /* a plain pass on IPv6, no problems */
    memset(&r, 0, sizeof r);
    r.input = unit_strdup("2001:DB8::25");
    r.kind = RDC_RESULT_ADDRESS;
    assert_true(rdc_addr_parse("2001:DB8::25", 12, &r.addr));
    r.verdict = RDC_PASS;
    add_name(&r, "mail.example.test", RDC_NAME_CHECKED, true, "2001:db8::25", NULL);
    r.elapsed_ms = 0;
    cap_open(&c);
    rdc_report_json(c.f, &r, NULL);
    s = cap_close(&c);
    assert_string_equal(
        s, HEAD("address") "\"input\":\"2001:DB8::25\",\"ip\":\"2001:db8::25\",\"verdict\":"
                           "\"pass\",\"ptr\":[\"mail.example.test\"],\"confirmed\":[\"mail."
                           "example.test\"],\"forward\":{\"mail.example.test\":[\"2001:db8::25\"]"
                           "},\"problems\":[],\"elapsed_ms\":0}\n");
    free(s);
    rdc_result_clear(&r);

    /* no PTR at all, tempfail */
    memset(&r, 0, sizeof r);
    r.input = unit_strdup("192.0.2.1");
    r.kind = RDC_RESULT_ADDRESS;
    assert_true(rdc_addr_parse("192.0.2.1", 9, &r.addr));
    r.verdict = RDC_TEMPFAIL;
    assert_true(rdc_result_add_problem(&r, RDC_DNS_TIMEOUT, "try again", "timed out"));
    r.elapsed_ms = 4000;
    cap_open(&c);
    rdc_report_json(c.f, &r, NULL);
    s = cap_close(&c);
    assert_string_equal(
        s, HEAD("address") "\"input\":\"192.0.2.1\",\"ip\":\"192.0.2.1\",\"verdict\":\"tempfail\""
                           ",\"ptr\":[],\"confirmed\":[],\"forward\":{},\"problems\":[{\"code\":"
                           "\"dns-timeout\",\"severity\":\"tempfail\",\"message\":\"timed out\","
                           "\"fix\":\"try again\"}],\"elapsed_ms\":4000}\n");
    free(s);
    rdc_result_clear(&r);

    /* a host name without an address: ip null */
    memset(&r, 0, sizeof r);
    r.kind = RDC_RESULT_UNRESOLVED;
    r.input = unit_strdup("mail.example.test");
    r.verdict = RDC_FAIL;
    assert_true(rdc_result_add_problem(&r, RDC_NO_ADDRESS, NULL, "no address"));
    cap_open(&c);
    rdc_report_json(c.f, &r, NULL);
    s = cap_close(&c);
    assert_string_equal(
        s, HEAD("address") "\"input\":\"mail.example.test\",\"ip\":null,\"verdict\":\"fail\","
                           "\"ptr\":[],\"confirmed\":[],\"forward\":{},\"problems\":[{\"code\":"
                           "\"no-address\",\"severity\":\"fail\",\"message\":\"no address\"}],"
                           "\"elapsed_ms\":0}\n");
    free(s);
    rdc_result_clear(&r);
}

/* An --spf domain summary: each SPF problem under its own code name and
 * with its own severity. */
static void test_json_spf_summary(void **state)
{
    (void)state;
    rdc_result_t r;
    memset(&r, 0, sizeof r);
    r.input = unit_strdup("example.test");
    r.kind = RDC_RESULT_DOMAIN;
    r.domain.mode = "spf";
    r.domain.addresses = 0;
    r.domain.lookups = 3;
    assert_true(rdc_result_add_problem(&r, RDC_SPF_PTR_DEPRECATED, NULL, "ptr"));
    assert_true(rdc_result_add_problem(&r, RDC_SPF_LOOP, "fix", "loop"));
    rdc_verdict_from_problems(&r, false);
    r.domain.own = r.verdict;
    capture_t c;
    cap_open(&c);
    rdc_report_json(c.f, &r, NULL);
    char *s = cap_close(&c);
    assert_string_equal(
        s, HEAD("domain") "\"domain\":\"example.test\",\"mode\":\"spf\",\"verdict\":\"fail\","
                          "\"addresses\":0,\"lookups\":3,\"own_verdict\":\"fail\","
                          "\"address_verdicts\":{\"pass\":0,\"warn\":0,\"fail\":0,\"tempfail\":0},"
                          "\"problems\":[{\"code\":\"spf-ptr-"
                          "deprecated\",\"severity\":\"warn\",\"message\":\"ptr\"},{\"code\":"
                          "\"spf-loop\",\"severity\":\"fail\",\"message\":\"loop\",\"fix\":"
                          "\"fix\"}]}\n");
    free(s);
    rdc_result_clear(&r);
}

/* A domain's line sums up its addresses: the worst verdict by precedence,
 * the counts in text and JSON, its own verdict kept apart (issue 16). */
static void test_domain_line_adds_up(void **state)
{
    (void)state;
    static const rdc_verdict_t addrs[] = {RDC_PASS, RDC_FAIL, RDC_WARN, RDC_TEMPFAIL, RDC_PASS};
    static const rdc_verdict_t want[] = {RDC_PASS, RDC_FAIL, RDC_FAIL, RDC_FAIL, RDC_FAIL};
    rdc_result_t d, a;
    memset(&d, 0, sizeof d);
    d.input = unit_strdup("example.test");
    d.kind = RDC_RESULT_DOMAIN;
    d.domain.mode = "mx";
    d.domain.lookups = 5;
    assert_true(rdc_result_add_problem(&d, RDC_MX_CNAME, "fix", "MX 10 a is an alias"));
    rdc_verdict_from_problems(&d, false);
    d.domain.own = d.verdict;
    assert_int_equal(d.verdict, RDC_WARN);
    memset(&a, 0, sizeof a);
    a.kind = RDC_RESULT_ADDRESS;
    for (size_t i = 0; i < ARRAY_LEN(addrs); i++) {
        a.verdict = addrs[i];
        rdc_domain_add_address(&d, &a);
        d.domain.addresses++;
        assert_int_equal(d.verdict, i == 0 ? RDC_WARN : want[i]);
    }
    assert_int_equal(d.domain.own, RDC_WARN);

    rdc_report_opts_t o = {.color = false, .unicode = false, .verbose = false};
    capture_t c;
    cap_open(&c);
    rdc_report_text(c.f, &d, &o);
    char *s = cap_close(&c);
    assert_true(unit_contains(s, "x fail     example.test (mx: 5 addresses, 1 warn, 1 fail, "
                                 "1 tempfail, 5 lookups)\n"));
    free(s);
    cap_open(&c);
    rdc_report_json(c.f, &d, NULL);
    s = cap_close(&c);
    assert_true(unit_contains(s, "\"verdict\":\"fail\",\"addresses\":5,\"lookups\":5,"
                                 "\"own_verdict\":\"warn\",\"address_verdicts\":{\"pass\":2,"
                                 "\"warn\":1,\"fail\":1,\"tempfail\":1}"));
    free(s);

    /* the run's summary counts the domain apart from its addresses */
    rdc_counts_t n;
    memset(&n, 0, sizeof n);
    rdc_counts_add(&n, &d);
    for (size_t i = 0; i < ARRAY_LEN(addrs); i++) {
        a.verdict = addrs[i];
        rdc_counts_add(&n, &a);
    }
    cap_open(&c);
    rdc_report_text_summary(c.f, &n);
    s = cap_close(&c);
    assert_string_equal(s, "5 checked: 2 pass, 1 warn, 1 fail, 1 tempfail; 1 domain: 1 fail\n");
    free(s);
    assert_int_equal(rdc_exit_for_counts(&n), RDC_EXIT_FAIL);
    /* a domain that fails on its own, with no address, still fails the run */
    memset(&n, 0, sizeof n);
    d.verdict = RDC_FAIL;
    rdc_counts_add(&n, &d);
    assert_int_equal(rdc_exit_for_counts(&n), RDC_EXIT_FAIL);
    d.verdict = RDC_TEMPFAIL;
    memset(&n, 0, sizeof n);
    rdc_counts_add(&n, &d);
    assert_int_equal(rdc_exit_for_counts(&n), RDC_EXIT_TEMPFAIL);
    rdc_result_clear(&d);
}

static void test_json_error_line(void **state)
{
    (void)state;
    rdc_result_t r;
    memset(&r, 0, sizeof r);
    r.input = unit_strdup("bogus\\032\"line\"");
    r.line = 7;
    r.verdict = RDC_ERROR;
    assert_true(rdc_result_add_problem(&r, RDC_INVALID_TARGET, NULL, "not a host name: %s",
                                       "only letters"));
    capture_t c;
    cap_open(&c);
    rdc_report_json(c.f, &r, NULL);
    char *s = cap_close(&c);
    assert_string_equal(
        s, HEAD("input-error") "\"input\":\"bogus\\\\032\\\"line\\\"\",\"line\":7,\"verdict\":"
                               "\"error\",\"problems\":[{\"code\":\"invalid-target\",\"severity\":"
                               "\"error\",\"message\":\"not a host name: only letters\"}]}\n");
    free(s);
    rdc_result_clear(&r);

    /* NULL input prints as "" */
    memset(&r, 0, sizeof r);
    r.verdict = RDC_ERROR;
    cap_open(&c);
    rdc_report_json(c.f, &r, NULL);
    s = cap_close(&c);
    assert_string_equal(
        s,
        HEAD("input-error") "\"input\":\"\",\"line\":0,\"verdict\":\"error\",\"problems\":[]}\n");
    free(s);
}

/* The JSON line of a real verdict is plain ASCII: no \u00XX escapes of
 * non-ASCII bytes (which would turn UTF-8 text into mojibake). */
static void test_json_verdict_texts_ascii(void **state)
{
    (void)state;
    rdc_result_t r;
    memset(&r, 0, sizeof r);
    r.input = unit_strdup("192.0.2.50");
    r.kind = RDC_RESULT_ADDRESS;
    assert_true(rdc_addr_parse("192.0.2.50", 10, &r.addr));
    r.ptr_status = RDC_DNS_OK;
    rdc_name_result_t *n =
        add_name(&r, "alias.example.test", RDC_NAME_CHECKED, true, "192.0.2.50", NULL);
    n->via_cname = true;
    assert_true(rdc_verdict_compute(&r, false));
    assert_int_equal(r.verdict, RDC_WARN);
    capture_t c;
    cap_open(&c);
    rdc_report_json(c.f, &r, NULL);
    char *s = cap_close(&c);
    rdc_result_clear(&r);
    int has_code = unit_contains(s, "\"code\":\"ptr-cname\"");
    int has_u00 = unit_contains(s, "\\u00");
    if (has_u00)
        print_error("%s", s);
    free(s); /* before the asserts: no leak report when they fail */
    assert_true(has_code);
    assert_false(has_u00);
}

/* ------------------------------------------------------------ text */

static char *summary(unsigned long pass, unsigned long warn, unsigned long tempfail,
                     unsigned long fail, unsigned long error)
{
    rdc_counts_t c;
    memset(&c, 0, sizeof c);
    c.n[RDC_PASS] = pass;
    c.n[RDC_WARN] = warn;
    c.n[RDC_TEMPFAIL] = tempfail;
    c.n[RDC_FAIL] = fail;
    c.n[RDC_ERROR] = error;
    capture_t cap;
    cap_open(&cap);
    rdc_report_text_summary(cap.f, &c);
    return cap_close(&cap);
}

static void test_text_summary(void **state)
{
    (void)state;
    static const struct {
        unsigned long n[5]; /* pass, warn, tempfail, fail, error */
        const char *want;
    } cases[] = {
        {{3, 1, 0, 1, 0}, "5 checked: 3 pass, 1 warn, 1 fail\n"},
        {{1, 0, 0, 0, 0}, "1 checked: 1 pass\n"},
        {{0, 0, 0, 2, 0}, "2 checked: 2 fail\n"},
        {{1, 2, 3, 4, 5}, "15 checked: 1 pass, 2 warn, 4 fail, 3 tempfail, 5 error\n"},
        {{0, 0, 1, 0, 1}, "2 checked: 1 tempfail, 1 error\n"},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        const unsigned long *n = cases[i].n;
        char *s = summary(n[0], n[1], n[2], n[3], n[4]);
        assert_string_equal(s, cases[i].want);
        free(s);
    }
}

static void test_text_result(void **state)
{
    (void)state;
    rdc_report_opts_t o = {.color = false, .unicode = false, .verbose = false};
    rdc_result_t r;
    capture_t c;
    char *s;

    memset(&r, 0, sizeof r);
    r.input = unit_strdup("192.0.2.50");
    r.kind = RDC_RESULT_ADDRESS;
    assert_true(rdc_addr_parse("192.0.2.50", 10, &r.addr));
    r.verdict = RDC_PASS;
    add_name(&r, "mail.example.test", RDC_NAME_CHECKED, true, "192.0.2.50", NULL);
    cap_open(&c);
    rdc_report_text(c.f, &r, &o);
    s = cap_close(&c);
    assert_string_equal(s, "+ pass     192.0.2.50  mail.example.test\n");
    free(s);
    rdc_result_clear(&r);

    memset(&r, 0, sizeof r);
    r.input = unit_strdup("bogus\\032line");
    r.line = 3;
    r.verdict = RDC_ERROR;
    assert_true(rdc_result_add_problem(&r, RDC_INVALID_TARGET, NULL, "bad"));
    cap_open(&c);
    rdc_report_text(c.f, &r, &o);
    s = cap_close(&c);
    assert_string_equal(s, "x error    line 3: bogus\\032line\n    invalid-target: bad\n");
    free(s);
    rdc_result_clear(&r);
}

/* The names "n01.example.test" ... of n PTRs, 16 columns each. */
static void many_names(rdc_result_t *r, size_t n)
{
    memset(r, 0, sizeof *r);
    r->input = unit_strdup("192.0.2.199");
    r->kind = RDC_RESULT_ADDRESS;
    assert_true(rdc_addr_parse("192.0.2.199", 11, &r->addr));
    r->verdict = RDC_PASS;
    for (size_t i = 0; i < n; i++) {
        char name[48];
        snprintf(name, sizeof name, "n%02zu.example.test", i + 1);
        add_name(r, name, RDC_NAME_CHECKED, true, "192.0.2.199", NULL);
    }
}

/* How many names fit: the whole list when it fits, else as many as leave
 * room for " and M more", never fewer than one. */
static void test_text_names_fit(void **state)
{
    (void)state;
    rdc_result_t r;
    many_names(&r, 40);
    static const struct {
        size_t n, avail, want;
    } rows[] = {
        {40, 0, 40}, /* no limit */
        {1, 1, 1}, /* one name too long for the line: shown anyway */
        {1, 16, 1},
        {2, 34, 2}, /* "a, b": exactly 34 */
        {2, 33, 1}, /* "a and 1 more": 27 */
        {3, 52, 3},
        {3, 51, 2}, /* "a, b and 1 more": 45 */
        {3, 44, 1},
        {3, 27, 1},
        {3, 10, 1},
        {40, 80, 3}, /* k names are 18k - 2 columns: 4 + " and 36 more" = 82 */
        {40, 82, 4},
        {40, 81, 3},
        {40, 1000, 40},
        {12, 12 * 16 + 11 * 2, 12},
        {12, 12 * 16 + 11 * 2 - 1, 11}, /* 11 names 196 + " and 1 more" 11 = 207 */
        {12, 206, 10},
    };
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        size_t got = rdc_text_names_fit(r.names, rows[i].n, rows[i].avail);
        if (got != rows[i].want)
            print_error("row %zu: %zu names in %zu columns: %zu shown\n", i, rows[i].n,
                        rows[i].avail, got);
        assert_int_equal(got, rows[i].want);
    }
    assert_int_equal(rdc_text_names_fit(r.names, 0, 10), 0);
    rdc_result_clear(&r);
}

/* The verdict line keeps to the width (the "(from ...)" counted in), -v
 * shows every name, and width 0 never shortens. */
static void test_text_long_ptr_set(void **state)
{
    (void)state;
    rdc_report_opts_t o = {.width = 80};
    rdc_result_t r;
    capture_t c;
    char *s;
    many_names(&r, 40);
    cap_open(&c);
    rdc_report_text(c.f, &r, &o);
    s = cap_close(&c);
    /* "+ pass     192.0.2.199  " is 24 columns: 56 left, 2 names + 12 = 46 */
    assert_string_equal(s, "+ pass     192.0.2.199  n01.example.test, n02.example.test and 38 "
                           "more\n");
    assert_true(strlen(s) - 1 <= 80);
    free(s);

    free(r.input);
    r.input = unit_strdup("mx.example.test");
    cap_open(&c);
    rdc_report_text(c.f, &r, &o);
    s = cap_close(&c);
    assert_string_equal(s, "+ pass     192.0.2.199  n01.example.test and 39 more  "
                           "(from mx.example.test)\n");
    assert_true(strlen(s) - 1 <= 80);
    free(s);

    o.verbose = true;
    cap_open(&c);
    rdc_report_text(c.f, &r, &o);
    s = cap_close(&c);
    assert_true(unit_contains(s, "n39.example.test, n40.example.test  (from mx.example.test)\n"));
    assert_false(unit_contains(s, "more"));
    free(s);

    o.verbose = false;
    o.width = 0;
    cap_open(&c);
    rdc_report_text(c.f, &r, &o);
    s = cap_close(&c);
    assert_true(unit_contains(s, "n40.example.test  (from mx.example.test)\n"));
    free(s);
    rdc_result_clear(&r);
}

/* ------------------------------------------------------------ -v traces */

/* A pass with a trace of every kind of event: two servers (so queries name
 * theirs), a failover, a broken answer, records, a shared answer and an
 * SMTP dialogue with a quote and a backslash to escape. */
static void traced_result(rdc_result_t *r)
{
    memset(r, 0, sizeof *r);
    r->input = unit_strdup("192.0.2.10");
    r->kind = RDC_RESULT_ADDRESS;
    assert_true(rdc_addr_parse("192.0.2.10", 10, &r->addr));
    r->verdict = RDC_PASS;
    add_name(r, "mail.example.test", RDC_NAME_CHECKED, true, "192.0.2.10", NULL);
    r->elapsed_ms = 7;
    rdc_trace_t *t = &r->trace;
    assert_true(rdc_trace_query(t, 12, "10.2.0.192.in-addr.arpa", "127.0.0.1:10001", "NOERROR",
                                "answer shorter than a DNS header", 3));
    assert_true(
        rdc_trace_textf(t, RDC_EV_NOTE, 0, "asking the next server, %s", "127.0.0.1:10002"));
    assert_true(
        rdc_trace_query(t, 12, "10.2.0.192.in-addr.arpa", "127.0.0.1:10002", "NOERROR", NULL, 5));
    static const char rec[] = "10.2.0.192.in-addr.arpa. 300 PTR mail.example.test.";
    assert_true(rdc_trace_text(t, RDC_EV_RECORD, '>', rec, sizeof rec - 1)); /* dir ignored */
    assert_true(rdc_trace_query(t, 1, "mail.example.test", NULL, "timed out", NULL, 1000));
    static const char txt[] = "x.test. 60 TXT \"a\\\"b\\\\c\"";
    assert_true(rdc_trace_text(t, RDC_EV_RECORD, 0, txt, sizeof txt - 1));
    assert_true(rdc_trace_text(t, RDC_EV_NOTE, 0, "(answer shared with an earlier check)", 37));
    assert_true(rdc_trace_textf(t, RDC_EV_SMTP, 0, "connecting to port %u", 25u));
    assert_true(rdc_trace_text(t, RDC_EV_SMTP, '<', "220 mx.test ESMTP (+ more lines)", 32));
    assert_true(rdc_trace_text(t, RDC_EV_SMTP, '>', "EHLO probe.test\r\n", 15));
    assert_int_equal(t->n, 10);
    assert_false(t->failed);
}

static const char traced_text[] =
    "+ pass     192.0.2.10  mail.example.test\n"
    "    PTR 10.2.0.192.in-addr.arpa @127.0.0.1:10001: NOERROR, answer shorter than a DNS header "
    "(3 ms)\n"
    "      asking the next server, 127.0.0.1:10002\n"
    "    PTR 10.2.0.192.in-addr.arpa @127.0.0.1:10002: NOERROR (5 ms)\n"
    "      10.2.0.192.in-addr.arpa. 300 PTR mail.example.test.\n"
    "    A mail.example.test: timed out (1000 ms)\n"
    "      x.test. 60 TXT \"a\\\"b\\\\c\"\n"
    "      (answer shared with an earlier check)\n"
    "    smtp: connecting to port 25\n"
    "    smtp < 220 mx.test ESMTP (+ more lines)\n"
    "    smtp > EHLO probe.test\n";

/* The text report renders each event as the line -v printed before traces
 * were events; without -v, none. */
static void test_text_trace(void **state)
{
    (void)state;
    rdc_report_opts_t o = {.verbose = true};
    rdc_result_t r;
    traced_result(&r);
    capture_t c;
    cap_open(&c);
    rdc_report_text(c.f, &r, &o);
    char *s = cap_close(&c);
    assert_string_equal(s, traced_text);
    free(s);
    /* rdc_trace_render gives the same lines */
    rdc_buf_t b = {0};
    rdc_trace_render(&r.trace, &b);
    assert_non_null(b.s);
    assert_string_equal(b.s, traced_text + strlen("+ pass     192.0.2.10  mail.example.test\n"));
    rdc_buf_free(&b);
    o.verbose = false;
    cap_open(&c);
    rdc_report_text(c.f, &r, &o);
    s = cap_close(&c);
    assert_string_equal(s, "+ pass     192.0.2.10  mail.example.test\n");
    free(s);
    rdc_result_clear(&r);
    assert_int_equal(r.trace.n, 0);
    assert_null(r.trace.events);
}

/* --json -v: the events as a "trace" array after elapsed_ms, every string
 * through the JSON escaper; without -v (or with no options) no "trace". */
static void test_json_trace(void **state)
{
    (void)state;
    rdc_report_opts_t o = {.verbose = true};
    rdc_result_t r;
    traced_result(&r);
    capture_t c;
    cap_open(&c);
    rdc_report_json(c.f, &r, &o);
    char *s = cap_close(&c);
    assert_string_equal(
        s,
        HEAD(
            "address") "\"input\":\"192.0.2.10\",\"ip\":\"192.0.2.10\",\"verdict\":\"pass\","
                       "\"ptr\":[\"mail.example.test\"],\"confirmed\":[\"mail.example.test\"],"
                       "\"forward\":{\"mail.example.test\":[\"192.0.2.10\"]},\"problems\":[],"
                       "\"elapsed_ms\":7,\"trace\":["
                       "{\"event\":\"query\",\"type\":\"PTR\",\"name\":\"10.2.0.192.in-addr.arpa\","
                       "\"server\":\"127.0.0.1:10001\",\"result\":\"NOERROR\","
                       "\"error\":\"answer shorter than a DNS header\",\"ms\":3},"
                       "{\"event\":\"note\",\"text\":\"asking the next server, 127.0.0.1:10002\"},"
                       "{\"event\":\"query\",\"type\":\"PTR\",\"name\":\"10.2.0.192.in-addr.arpa\","
                       "\"server\":\"127.0.0.1:10002\",\"result\":\"NOERROR\",\"ms\":5},"
                       "{\"event\":\"record\",\"text\":\"10.2.0.192.in-addr.arpa. 300 PTR "
                       "mail.example.test.\"},"
                       "{\"event\":\"query\",\"type\":\"A\",\"name\":\"mail.example.test\","
                       "\"result\":\"timed out\",\"ms\":1000},"
                       "{\"event\":\"record\",\"text\":\"x.test. 60 TXT "
                       "\\\"a\\\\\\\"b\\\\\\\\c\\\"\"},"
                       "{\"event\":\"note\",\"text\":\"(answer shared with an earlier check)\"},"
                       "{\"event\":\"smtp\",\"text\":\"connecting to port 25\"},"
                       "{\"event\":\"smtp\",\"dir\":\"<\",\"text\":\"220 mx.test ESMTP (+ more "
                       "lines)\"},"
                       "{\"event\":\"smtp\",\"dir\":\">\",\"text\":\"EHLO probe.test\"}]}\n");
    free(s);
    for (int k = 0; k < 2; k++) {
        o.verbose = false;
        cap_open(&c);
        rdc_report_json(c.f, &r, k ? &o : NULL);
        s = cap_close(&c);
        int has = unit_contains(s, "trace");
        free(s);
        assert_false(has);
    }
    rdc_result_clear(&r);

    /* an empty trace is an empty array; a host name without addresses has
     * one too, a domain summary and a bad line none */
    memset(&r, 0, sizeof r);
    r.kind = RDC_RESULT_UNRESOLVED;
    r.input = unit_strdup("gone.example.test");
    r.verdict = RDC_FAIL;
    o.verbose = true;
    cap_open(&c);
    rdc_report_json(c.f, &r, &o);
    s = cap_close(&c);
    assert_string_equal(
        s, HEAD("address") "\"input\":\"gone.example.test\",\"ip\":null,\"verdict\":\"fail\","
                           "\"ptr\":[],\"confirmed\":[],\"forward\":{},\"problems\":[],"
                           "\"elapsed_ms\":0,\"trace\":[]}\n");
    free(s);
    rdc_result_clear(&r);
    memset(&r, 0, sizeof r);
    r.kind = RDC_RESULT_DOMAIN;
    r.input = unit_strdup("example.test");
    r.domain.mode = "mx";
    cap_open(&c);
    rdc_report_json(c.f, &r, &o);
    s = cap_close(&c);
    int has = unit_contains(s, "trace");
    free(s);
    assert_false(has);
    rdc_result_clear(&r);
}

/* The trace helpers: kinds, copies (deep), moves (no copies), and a failed
 * trace that stays failed and fails what it is moved or copied into. */
static void test_trace_helpers(void **state)
{
    (void)state;
    assert_string_equal(rdc_event_kind_name(RDC_EV_QUERY), "query");
    assert_string_equal(rdc_event_kind_name(RDC_EV_RECORD), "record");
    assert_string_equal(rdc_event_kind_name(RDC_EV_NOTE), "note");
    assert_string_equal(rdc_event_kind_name(RDC_EV_SMTP), "smtp");
    assert_string_equal(rdc_event_kind_name((rdc_event_kind_t)99), "unknown");
    rdc_trace_free(NULL);

    rdc_trace_t a = {0}, b = {0};
    for (unsigned i = 0; i < 20; i++) /* grows past the first array */
        assert_true(rdc_trace_query(&a, 28, "h.example.test", NULL, "NXDOMAIN", NULL, i));
    assert_true(rdc_trace_text(&a, RDC_EV_NOTE, 0, "note and more", 4));
    assert_int_equal(a.n, 21);
    assert_string_equal(a.events[20].text, "note");
    assert_null(a.events[20].name);
    assert_int_equal(a.events[20].dir, 0);
    assert_null(a.events[0].server);
    assert_null(a.events[0].error);
    assert_null(a.events[0].text);
    assert_int_equal(a.events[7].ms, 7);
    assert_int_equal(a.events[7].qtype, 28);

    /* a copy owns its strings */
    assert_true(rdc_trace_copy(&b, &a));
    assert_int_equal(b.n, 21);
    assert_ptr_not_equal(b.events[3].name, a.events[3].name);
    assert_string_equal(b.events[3].name, "h.example.test");
    assert_string_equal(b.events[3].result, "NXDOMAIN");
    /* a move into a non-empty trace appends and empties the source */
    const char *moved = a.events[20].text;
    assert_true(rdc_trace_move(&b, &a));
    assert_int_equal(a.n, 0);
    assert_null(a.events);
    assert_int_equal(b.n, 42);
    assert_ptr_equal(b.events[41].text, moved);
    /* into an empty one: the very same array */
    const rdc_event_t *arr = b.events;
    assert_true(rdc_trace_move(&a, &b));
    assert_ptr_equal(a.events, arr);
    assert_int_equal(a.n, 42);
    assert_int_equal(b.n, 0);
    /* moving an empty trace changes nothing */
    assert_true(rdc_trace_move(&a, &b));
    assert_int_equal(a.n, 42);

    /* failed: no more events; a failed source fails the destination */
    rdc_trace_t f = {.failed = true};
    assert_false(rdc_trace_text(&f, RDC_EV_NOTE, 0, "x", 1));
    assert_false(rdc_trace_textf(&f, RDC_EV_NOTE, 0, "%s", "x"));
    assert_false(rdc_trace_query(&f, 1, "x", NULL, "NOERROR", NULL, 0));
    assert_int_equal(f.n, 0);
    assert_false(rdc_trace_copy(&b, &f));
    assert_true(b.failed);
    rdc_trace_free(&b);
    assert_false(b.failed);
    f.failed = true;
    assert_false(rdc_trace_move(&b, &f)); /* into an empty trace */
    assert_true(b.failed);
    rdc_trace_free(&b);
    f.failed = true;
    assert_false(rdc_trace_move(&a, &f)); /* into a non-empty one */
    assert_true(a.failed);
    assert_int_equal(a.n, 42); /* what it had stays */
    assert_false(f.failed);
    rdc_trace_free(&a);
    rdc_trace_free(&f);
}

/* ------------------------------------------------------------ servers */

static void test_servers_accept(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        size_t n;
        const char *addr[3];
        unsigned port[3];
    } cases[] = {
        {"127.0.0.1", 1, {"127.0.0.1"}, {0}},
        {"127.0.0.1:5353", 1, {"127.0.0.1"}, {5353}},
        {"127.0.0.1:1", 1, {"127.0.0.1"}, {1}},
        {"127.0.0.1:65535", 1, {"127.0.0.1"}, {65535}},
        {"[::1]:53", 1, {"::1"}, {53}},
        {"[::1]", 1, {"::1"}, {0}},
        {"::1", 1, {"::1"}, {0}},
        {"2001:db8::1", 1, {"2001:db8::1"}, {0}},
        {"[2001:DB8::1]:5300", 1, {"2001:db8::1"}, {5300}},
        {"127.0.0.1,::1", 2, {"127.0.0.1", "::1"}, {0, 0}},
        {"192.0.2.53:53,[2001:db8::53]:5353,198.51.100.1",
         3,
         {"192.0.2.53", "2001:db8::53", "198.51.100.1"},
         {53, 5353, 0}},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        rdc_server_t out[4];
        size_t n = 99;
        char err[256] = "";
        bool ok = rdc_servers_parse(cases[i].in, out, 4, &n, err, sizeof err);
        if (!ok)
            print_error("servers \"%s\": %s\n", cases[i].in, err);
        assert_true(ok);
        assert_int_equal(n, cases[i].n);
        for (size_t k = 0; k < n; k++) {
            char buf[RDC_ADDR_TEXT_MAX];
            assert_string_equal(rdc_addr_format(&out[k].addr, buf), cases[i].addr[k]);
            assert_int_equal(out[k].port, cases[i].port[k]);
        }
    }
}

static void test_servers_reject(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "[::1",
        "[::1]53",
        "[::1]:",
        "[::1]:0",
        "[::1]:65536",
        "127.0.0.1:0",
        "127.0.0.1:65536",
        "127.0.0.1:99999",
        "127.0.0.1:053",
        "127.0.0.1:",
        "127.0.0.1:5a",
        "127.0.0.1:-53",
        "host.example:53",
        "host.example",
        "localhost",
        "",
        ",",
        "127.0.0.1,",
        ",127.0.0.1",
        "127.0.0.1,,::1",
        "[127.0.0.1]:53",
        "[127.0.0.1]",
        "[::ffff:127.0.0.1]:53",
        " 127.0.0.1",
        "127.0.0.1 ",
        "fe80::1%eth0",
        "256.0.0.1",
        "010.0.0.1",
    };
    for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
        rdc_server_t out[4];
        size_t n = 0;
        char err[256] = "";
        bool ok = rdc_servers_parse(bad[i], out, 4, &n, err, sizeof err);
        if (ok)
            print_error("servers \"%s\" accepted (%zu)\n", bad[i], n);
        assert_false(ok);
        assert_true(unit_contains(err, "bad DNS server"));
        assert_true(unit_printable(err));
    }
    /* the entry is named in the message */
    rdc_server_t out[4];
    size_t n = 0;
    char err[256] = "";
    assert_false(rdc_servers_parse("127.0.0.1,host.example:53", out, 4, &n, err, sizeof err));
    assert_true(unit_contains(err, "'host.example:53'"));
    assert_false(rdc_servers_parse("\x1b[31m", out, 4, &n, err, sizeof err));
    assert_true(unit_contains(err, "'\\027[31m'"));
}

static void test_servers_max(void **state)
{
    (void)state;
    rdc_server_t out[2];
    size_t n = 0;
    char err[256] = "";
    assert_true(rdc_servers_parse("192.0.2.1,192.0.2.2", out, 2, &n, err, sizeof err));
    assert_int_equal(n, 2);
    assert_false(rdc_servers_parse("192.0.2.1,192.0.2.2,192.0.2.3", out, 2, &n, err, sizeof err));
    assert_true(unit_contains(err, "too many"));
    assert_true(unit_contains(err, "2"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_string),
        cmocka_unit_test(test_json_full_line),
        cmocka_unit_test(test_json_minimal_lines),
        cmocka_unit_test(test_json_spf_summary), /* each SPF code under its own name */
        cmocka_unit_test(test_json_error_line),
        cmocka_unit_test(test_domain_line_adds_up),
        cmocka_unit_test(test_json_verdict_texts_ascii),
        cmocka_unit_test(test_text_summary),
        cmocka_unit_test(test_text_result),
        cmocka_unit_test(test_text_names_fit),
        cmocka_unit_test(test_text_long_ptr_set),
        cmocka_unit_test(test_text_trace),
        cmocka_unit_test(test_json_trace),
        cmocka_unit_test(test_trace_helpers),
        cmocka_unit_test(test_servers_accept),
        cmocka_unit_test(test_servers_reject),
        cmocka_unit_test(test_servers_max),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
