/* test_verdict.c - unit tests of verdict.c: rdc_verdict_compute on results
 * built by hand, problem codes, severities, exit status precedence. */
#include "unit.h"
#include "unit_result.h"

#include "mailcheck.h"
#include "rdnscheck.h"
#include "verdict.h"

/* ------------------------------------------------------------ builders */

static void result_init(rdc_result_t *r, const char *ip, rdc_dns_status_t ptr_status)
{
    memset(r, 0, sizeof *r);
    r->input = unit_strdup(ip);
    r->kind = RDC_RESULT_ADDRESS;
    assert_true(rdc_addr_parse(ip, strlen(ip), &r->addr));
    r->ptr_status = ptr_status;
}

/* Adds a PTR name; addrs is a comma-separated list of forward addresses. */
static rdc_name_result_t *add_name(rdc_result_t *r, const char *name, rdc_name_kind_t kind,
                                   rdc_dns_status_t status, bool confirmed, bool via_cname,
                                   const char *addrs)
{
    rdc_name_result_t *n = unit_name_push(r, name, kind);
    n->status = status;
    n->confirmed = confirmed;
    n->via_cname = via_cname;
    if (addrs != NULL && *addrs) {
        const char *p = addrs;
        while (*p) {
            const char *c = strchr(p, ',');
            size_t len = c ? (size_t)(c - p) : strlen(p);
            rdc_addr_t *a = realloc(n->addrs, (n->naddrs + 1) * sizeof *a);
            assert_non_null(a);
            n->addrs = a;
            assert_true(rdc_addr_parse(p, len, &n->addrs[n->naddrs]));
            n->naddrs++;
            p += len;
            if (*p == ',')
                p++;
        }
    }
    return n;
}

static rdc_name_result_t *confirmed_name(rdc_result_t *r, const char *name, const char *ip)
{
    return add_name(r, name, RDC_NAME_CHECKED, RDC_DNS_OK, true, false, ip);
}

/* --helo NAME for r: kind, forward addresses (comma list) and whether they
 * include r's address; why for an invalid name. */
static void set_helo(rdc_result_t *r, const char *name, rdc_name_kind_t kind,
                     rdc_dns_status_t status, const char *addrs, const char *why)
{
    rdc_result_t tmp;
    memset(&tmp, 0, sizeof tmp);
    rdc_name_result_t *n = add_name(&tmp, name, kind, status, false, false, addrs);
    r->helo = malloc(sizeof *r->helo);
    assert_non_null(r->helo);
    *r->helo = *n;
    free(tmp.names);
    for (size_t i = 0; i < r->helo->naddrs; i++)
        if (rdc_addr_equal(&r->helo->addrs[i], &r->addr))
            r->helo->confirmed = true;
    r->helo_why = why ? unit_strdup(why) : NULL;
}

/* An --smtp result: outcome, and the greeting host (kind, forward addresses). */
static void set_smtp(rdc_result_t *r, rdc_probe_outcome_t outcome, const char *host,
                     rdc_name_kind_t kind, const char *addrs)
{
    r->smtp = calloc(1, sizeof *r->smtp);
    assert_non_null(r->smtp);
    r->smtp->port = 25;
    r->smtp->outcome = outcome;
    r->smtp->detail = outcome == RDC_PROBE_OK ? NULL : unit_strdup("Connection refused");
    rdc_result_t tmp;
    memset(&tmp, 0, sizeof tmp);
    rdc_name_result_t *n = add_name(&tmp, host, kind, RDC_DNS_OK, false, false, addrs);
    r->smtp->banner = *n;
    free(tmp.names);
    for (size_t i = 0; i < r->smtp->banner.naddrs; i++)
        if (rdc_addr_equal(&r->smtp->banner.addrs[i], &r->addr))
            r->smtp->banner.confirmed = true;
    if (kind == RDC_NAME_INVALID)
        r->smtp->banner_why = unit_strdup("the greeting does not start with a host name");
}

/* One --dnsbl zone result with A answers (comma list) and a TXT reason. */
static void add_dnsbl(rdc_result_t *r, const char *zone, rdc_dns_status_t status, const char *codes,
                      const char *reason)
{
    rdc_dnsbl_result_t *d = realloc(r->dnsbl, (r->ndnsbl + 1) * sizeof *d);
    assert_non_null(d);
    r->dnsbl = d;
    d = &r->dnsbl[r->ndnsbl++];
    memset(d, 0, sizeof *d);
    d->zone = unit_strdup(zone);
    d->status = status;
    d->reason = reason ? unit_strdup(reason) : NULL;
    for (const char *p = codes; p && *p && d->ncodes < 8;) {
        const char *c = strchr(p, ',');
        size_t len = c ? (size_t)(c - p) : strlen(p);
        assert_true(rdc_addr_parse(p, len, &d->codes[d->ncodes++]));
        p += len + (c ? 1 : 0);
    }
    d->state = rdc_dnsbl_classify(status, d->codes, d->ncodes, NULL);
}

static const rdc_problem_t *find(const rdc_result_t *r, rdc_code_t code)
{
    for (size_t i = 0; i < r->nproblems; i++)
        if (r->problems[i].code == code)
            return &r->problems[i];
    return NULL;
}

static void dump(const rdc_result_t *r)
{
    print_message("verdict %s, %zu problems\n", rdc_verdict_name(r->verdict), r->nproblems);
    for (size_t i = 0; i < r->nproblems; i++)
        print_message("  %s: %s\n    fix: %s\n", rdc_code_name(r->problems[i].code),
                      r->problems[i].message, r->problems[i].fix ? r->problems[i].fix : "-");
}

/* Computes, checks verdict and the exact set of codes (in order), and that
 * every text is printable ASCII with the right severity. */
static void compute_expect(rdc_result_t *r, rdc_rules_t rules, rdc_verdict_t verdict, size_t ncodes,
                           ...)
{
    bool strict = (rules & RDC_RULES_STRICT) != 0;
    assert_true(rdc_verdict_compute(r, rules));
    bool bad = r->verdict != verdict || r->nproblems != ncodes;
    va_list ap;
    va_start(ap, ncodes);
    for (size_t i = 0; i < ncodes && !bad; i++) {
        rdc_code_t c = (rdc_code_t)va_arg(ap, int);
        bad = r->problems[i].code != c;
    }
    va_end(ap);
    if (bad)
        dump(r);
    assert_int_equal(r->verdict, verdict);
    assert_int_equal(r->nproblems, ncodes);
    va_start(ap, ncodes);
    for (size_t i = 0; i < ncodes; i++) {
        rdc_code_t c = (rdc_code_t)va_arg(ap, int);
        assert_int_equal(r->problems[i].code, c);
    }
    va_end(ap);
    /* severities agree with the verdict: the decision table only lowers an
     * open question's problems to a warning, and --iprev non-confirming
     * names beside others to a note (README "Decision table") */
    rdc_result_t again = *r;
    rdc_verdict_from_problems(&again, strict);
    assert_int_equal(again.verdict, r->verdict);
    for (size_t i = 0; i < r->nproblems; i++) {
        const rdc_problem_t *p = &r->problems[i];
        if (p->severity != rdc_code_severity(p->code) && p->severity != RDC_SEV_INFO)
            assert_int_equal(p->severity, RDC_SEV_WARN);
        assert_non_null(p->message);
        assert_true(unit_printable(p->message));
        assert_true(strlen(p->message) > 0);
    }
}

#define IP4 "192.0.2.50"
#define REV4 "50.2.0.192.in-addr.arpa"

/* ------------------------------------------------------------ verdicts */

static void test_pass(void **state)
{
    (void)state;
    rdc_result_t r;
    result_init(&r, IP4, RDC_DNS_OK);
    confirmed_name(&r, "mail.example.test", IP4);
    compute_expect(&r, false, RDC_PASS, 0);
    rdc_result_clear(&r);
    /* strict leaves a pass alone */
    result_init(&r, IP4, RDC_DNS_OK);
    confirmed_name(&r, "mail.example.test", "198.51.100.1," IP4);
    compute_expect(&r, true, RDC_PASS, 0);
    rdc_result_clear(&r);
    /* two names, both confirm */
    result_init(&r, "2001:db8::25", RDC_DNS_OK);
    confirmed_name(&r, "a.example.test", "2001:db8::25");
    confirmed_name(&r, "b.example.test", "2001:db8::25");
    compute_expect(&r, false, RDC_PASS, 0);
    rdc_result_clear(&r);
}

static void test_no_ptr(void **state)
{
    (void)state;
    rdc_result_t r;
    result_init(&r, IP4, RDC_DNS_NXDOMAIN);
    compute_expect(&r, false, RDC_FAIL, 1, RDC_NO_PTR);
    assert_int_equal(r.problems[0].severity, RDC_SEV_FAIL);
    assert_true(unit_contains(r.problems[0].message, IP4 " has no PTR record"));
    assert_true(unit_contains(r.problems[0].message, REV4 " does not exist"));
    assert_non_null(r.problems[0].fix);
    assert_true(unit_contains(r.problems[0].fix, "PTR for " IP4));
    assert_true(unit_contains(r.problems[0].fix, "A record is " IP4));
    rdc_result_clear(&r);

    result_init(&r, IP4, RDC_DNS_NODATA);
    compute_expect(&r, false, RDC_FAIL, 1, RDC_NO_PTR);
    assert_true(unit_contains(r.problems[0].message, REV4 " has no PTR"));
    rdc_result_clear(&r);

    result_init(&r, "2001:db8::25", RDC_DNS_NXDOMAIN);
    compute_expect(&r, false, RDC_FAIL, 1, RDC_NO_PTR);
    assert_true(unit_contains(r.problems[0].fix, "AAAA record is 2001:db8::25"));
    assert_true(unit_contains(r.problems[0].message, "ip6.arpa"));
    rdc_result_clear(&r);
}

static void test_ptr_no_address(void **state)
{
    (void)state;
    rdc_result_t r;
    result_init(&r, IP4, RDC_DNS_OK);
    add_name(&r, "mail.example.test", RDC_NAME_CHECKED, RDC_DNS_NXDOMAIN, false, false, NULL);
    compute_expect(&r, false, RDC_FAIL, 1, RDC_PTR_NO_ADDRESS);
    assert_true(unit_contains(r.problems[0].message, "mail.example.test has no A record"));
    assert_true(unit_contains(r.problems[0].message, "does not exist"));
    assert_true(unit_contains(r.problems[0].fix, "mail.example.test -> " IP4));
    rdc_result_clear(&r);

    result_init(&r, IP4, RDC_DNS_OK);
    add_name(&r, "mail.example.test", RDC_NAME_CHECKED, RDC_DNS_NODATA, false, false, NULL);
    compute_expect(&r, false, RDC_FAIL, 1, RDC_PTR_NO_ADDRESS);
    assert_true(unit_contains(r.problems[0].message, "exists without one"));
    rdc_result_clear(&r);

    /* answered, but no address of our family */
    result_init(&r, "2001:db8::25", RDC_DNS_OK);
    add_name(&r, "mail.example.test", RDC_NAME_CHECKED, RDC_DNS_OK, false, false, NULL);
    compute_expect(&r, false, RDC_FAIL, 1, RDC_PTR_NO_ADDRESS);
    assert_true(unit_contains(r.problems[0].message, "no AAAA record"));
    rdc_result_clear(&r);
}

static void test_ptr_mismatch(void **state)
{
    (void)state;
    rdc_result_t r;
    result_init(&r, IP4, RDC_DNS_OK);
    add_name(&r, "mail.example.test", RDC_NAME_CHECKED, RDC_DNS_OK, false, false,
             "192.0.2.99,198.51.100.1");
    compute_expect(&r, false, RDC_FAIL, 1, RDC_PTR_MISMATCH);
    assert_true(unit_contains(r.problems[0].message,
                              "mail.example.test resolves to 192.0.2.99, 198.51.100.1, not " IP4));
    assert_true(
        unit_contains(r.problems[0].fix, "add " IP4 " to the A records of mail.example.test"));
    rdc_result_clear(&r);

    /* long address lists are cut after 8 */
    result_init(&r, IP4, RDC_DNS_OK);
    add_name(&r, "mail.example.test", RDC_NAME_CHECKED, RDC_DNS_OK, false, false,
             "10.0.0.1,10.0.0.2,10.0.0.3,10.0.0.4,10.0.0.5,10.0.0.6,10.0.0.7,10.0.0.8,10.0.0.9,"
             "10.0.0.10");
    compute_expect(&r, false, RDC_FAIL, 1, RDC_PTR_MISMATCH);
    assert_true(unit_contains(r.problems[0].message, "10.0.0.8 and 2 more, not " IP4));
    assert_false(unit_contains(r.problems[0].message, "10.0.0.9"));
    rdc_result_clear(&r);

    /* two names, neither confirms: one problem each */
    result_init(&r, IP4, RDC_DNS_OK);
    add_name(&r, "a.example.test", RDC_NAME_CHECKED, RDC_DNS_OK, false, false, "192.0.2.1");
    add_name(&r, "b.example.test", RDC_NAME_CHECKED, RDC_DNS_NXDOMAIN, false, false, NULL);
    compute_expect(&r, false, RDC_FAIL, 2, RDC_PTR_MISMATCH, RDC_PTR_NO_ADDRESS);
    rdc_result_clear(&r);
}

static void test_ptr_invalid_name(void **state)
{
    (void)state;
    rdc_result_t r;
    result_init(&r, IP4, RDC_DNS_OK);
    add_name(&r, "192.0.2.50", RDC_NAME_INVALID, RDC_DNS_OK, false, false, NULL);
    compute_expect(&r, false, RDC_FAIL, 1, RDC_PTR_INVALID_NAME);
    assert_true(unit_contains(r.problems[0].message, "192.0.2.50 is not a valid host name"));
    assert_true(unit_contains(r.problems[0].fix, "A record is " IP4));
    rdc_result_clear(&r);

    /* an escaped hostile name stays as given */
    result_init(&r, IP4, RDC_DNS_OK);
    add_name(&r, "a\\000\\027b.test", RDC_NAME_INVALID, RDC_DNS_OK, false, false, NULL);
    compute_expect(&r, false, RDC_FAIL, 1, RDC_PTR_INVALID_NAME);
    assert_true(unit_contains(r.problems[0].message, "a\\000\\027b.test"));
    rdc_result_clear(&r);
}

static void test_ptr_relative_name(void **state)
{
    (void)state;
    rdc_result_t r;
    result_init(&r, IP4, RDC_DNS_OK);
    add_name(&r, "mail.example.test.2.0.192.in-addr.arpa", RDC_NAME_RELATIVE, RDC_DNS_OK, false,
             false, NULL);
    compute_expect(&r, false, RDC_FAIL, 1, RDC_PTR_RELATIVE_NAME);
    const rdc_problem_t *p = &r.problems[0];
    assert_non_null(p->fix);
    assert_true(unit_contains(p->fix, "(\"mail.example.test.\")"));
    assert_true(unit_contains(p->message, "mail.example.test.2.0.192.in-addr.arpa"));
    assert_true(unit_contains(p->message, "after \"mail.example.test\""));
    rdc_result_clear(&r);

    /* a /16 zone origin, upper case */
    result_init(&r, IP4, RDC_DNS_OK);
    add_name(&r, "mx1.example.test.0.192.IN-ADDR.ARPA", RDC_NAME_RELATIVE, RDC_DNS_OK, false, false,
             NULL);
    compute_expect(&r, false, RDC_FAIL, 1, RDC_PTR_RELATIVE_NAME);
    assert_true(unit_contains(r.problems[0].fix, "(\"mx1.example.test.\")"));
    rdc_result_clear(&r);

    /* IPv6: origin 8.b.d.0.1.0.0.2.ip6.arpa */
    result_init(&r, "2001:db8::25", RDC_DNS_OK);
    add_name(&r, "mail.example.test.8.b.d.0.1.0.0.2.ip6.arpa", RDC_NAME_RELATIVE, RDC_DNS_OK, false,
             false, NULL);
    compute_expect(&r, false, RDC_FAIL, 1, RDC_PTR_RELATIVE_NAME);
    assert_true(unit_contains(r.problems[0].fix, "(\"mail.example.test.\")"));
    rdc_result_clear(&r);
}

static void test_ptr_partial(void **state)
{
    (void)state;
    rdc_result_t r;
    result_init(&r, IP4, RDC_DNS_OK);
    confirmed_name(&r, "a.example.test", IP4);
    add_name(&r, "b.example.test", RDC_NAME_CHECKED, RDC_DNS_OK, false, false, "192.0.2.99");
    compute_expect(&r, false, RDC_FAIL, 1, RDC_PTR_PARTIAL);
    assert_int_equal(r.problems[0].severity, RDC_SEV_FAIL);
    assert_true(unit_contains(r.problems[0].message,
                              "only 1 of 2 PTR names confirm; not confirming: b.example.test"));
    assert_true(unit_contains(r.problems[0].fix, "check only the first name the resolver returns"));
    rdc_result_clear(&r);

    /* --iprev (RFC 8601, Exim): any confirming name passes; a note stays */
    result_init(&r, IP4, RDC_DNS_OK);
    confirmed_name(&r, "a.example.test", IP4);
    add_name(&r, "b.example.test", RDC_NAME_CHECKED, RDC_DNS_OK, false, false, "192.0.2.99");
    compute_expect(&r, RDC_RULES_IPREV, RDC_PASS, 1, RDC_PTR_PARTIAL);
    assert_int_equal(r.problems[0].severity, RDC_SEV_INFO);
    rdc_result_clear(&r);
    result_init(&r, IP4, RDC_DNS_OK);
    confirmed_name(&r, "a.example.test", IP4);
    add_name(&r, "b.example.test", RDC_NAME_CHECKED, RDC_DNS_NXDOMAIN, false, false, NULL);
    compute_expect(&r, RDC_RULES_IPREV | RDC_RULES_STRICT, RDC_PASS, 1, RDC_PTR_PARTIAL);
    rdc_result_clear(&r);

    /* invalid and missing names count as not confirming */
    result_init(&r, IP4, RDC_DNS_OK);
    add_name(&r, "bad name", RDC_NAME_INVALID, RDC_DNS_OK, false, false, NULL);
    confirmed_name(&r, "a.example.test", IP4);
    add_name(&r, "c.example.test", RDC_NAME_CHECKED, RDC_DNS_NXDOMAIN, false, false, NULL);
    compute_expect(&r, false, RDC_FAIL, 1, RDC_PTR_PARTIAL);
    assert_true(unit_contains(r.problems[0].message,
                              "only 1 of 3 PTR names confirm; not confirming: bad name, "
                              "c.example.test"));
    rdc_result_clear(&r);

    /* strict */
    result_init(&r, IP4, RDC_DNS_OK);
    confirmed_name(&r, "a.example.test", IP4);
    add_name(&r, "b.example.test", RDC_NAME_CHECKED, RDC_DNS_OK, false, false, "192.0.2.99");
    compute_expect(&r, true, RDC_FAIL, 1, RDC_PTR_PARTIAL);
    assert_int_equal(r.problems[0].severity, RDC_SEV_FAIL);
    rdc_result_clear(&r);
}

static void test_ptr_cname(void **state)
{
    (void)state;
    rdc_result_t r;
    result_init(&r, IP4, RDC_DNS_OK);
    add_name(&r, "alias.example.test", RDC_NAME_CHECKED, RDC_DNS_OK, true, true, IP4);
    compute_expect(&r, false, RDC_WARN, 1, RDC_PTR_CNAME);
    assert_true(unit_contains(r.problems[0].message, "alias"));
    assert_true(unit_contains(r.problems[0].fix, "canonical name"));
    rdc_result_clear(&r);

    result_init(&r, IP4, RDC_DNS_OK);
    add_name(&r, "alias.example.test", RDC_NAME_CHECKED, RDC_DNS_OK, true, true, IP4);
    compute_expect(&r, true, RDC_FAIL, 1, RDC_PTR_CNAME);
    rdc_result_clear(&r);

    /* a CNAME on a name that does not confirm is no ptr-cname */
    result_init(&r, IP4, RDC_DNS_OK);
    confirmed_name(&r, "mail.example.test", IP4);
    add_name(&r, "alias.example.test", RDC_NAME_CHECKED, RDC_DNS_OK, false, true, "192.0.2.1");
    compute_expect(&r, false, RDC_FAIL, 1, RDC_PTR_PARTIAL);
    rdc_result_clear(&r);
}

static void test_ptr_too_many(void **state)
{
    (void)state;
    rdc_result_t r;
    result_init(&r, IP4, RDC_DNS_OK);
    confirmed_name(&r, "a.example.test", IP4);
    add_name(&r, "b.example.test", RDC_NAME_SKIPPED, RDC_DNS_OK, false, false, NULL);
    add_name(&r, "c.example.test", RDC_NAME_SKIPPED, RDC_DNS_OK, false, false, NULL);
    compute_expect(&r, false, RDC_WARN, 1, RDC_PTR_TOO_MANY);
    assert_true(unit_contains(r.problems[0].message, "3 PTR names; only the first 1 were checked"));
    rdc_result_clear(&r);

    result_init(&r, IP4, RDC_DNS_OK);
    confirmed_name(&r, "a.example.test", IP4);
    add_name(&r, "b.example.test", RDC_NAME_SKIPPED, RDC_DNS_OK, false, false, NULL);
    compute_expect(&r, true, RDC_FAIL, 1, RDC_PTR_TOO_MANY);
    rdc_result_clear(&r);

    /* skipped names beside a failure: the failure decides */
    result_init(&r, IP4, RDC_DNS_OK);
    add_name(&r, "a.example.test", RDC_NAME_CHECKED, RDC_DNS_OK, false, false, "192.0.2.1");
    add_name(&r, "b.example.test", RDC_NAME_SKIPPED, RDC_DNS_OK, false, false, NULL);
    compute_expect(&r, false, RDC_FAIL, 2, RDC_PTR_MISMATCH, RDC_PTR_TOO_MANY);
    rdc_result_clear(&r);

    /* partial + cname + too many, in that order */
    result_init(&r, IP4, RDC_DNS_OK);
    add_name(&r, "a.example.test", RDC_NAME_CHECKED, RDC_DNS_OK, true, true, IP4);
    add_name(&r, "b.example.test", RDC_NAME_CHECKED, RDC_DNS_NODATA, false, false, NULL);
    add_name(&r, "c.example.test", RDC_NAME_SKIPPED, RDC_DNS_OK, false, false, NULL);
    compute_expect(&r, false, RDC_FAIL, 3, RDC_PTR_PARTIAL, RDC_PTR_CNAME, RDC_PTR_TOO_MANY);
    rdc_result_clear(&r);
}

static void test_ptr_lookup_temporary(void **state)
{
    (void)state;
    static const struct {
        rdc_dns_status_t status;
        rdc_code_t code;
        const char *text;
    } cases[] = {
        {RDC_DNS_S_TIMEOUT, RDC_DNS_TIMEOUT, "timed out"},
        {RDC_DNS_S_SERVFAIL, RDC_DNS_SERVFAIL, "SERVFAIL"},
        {RDC_DNS_S_REFUSED, RDC_DNS_REFUSED, "REFUSED"},
        {RDC_DNS_S_UNREACHABLE, RDC_DNS_UNREACHABLE, "could not reach"},
        {RDC_DNS_S_ERROR, RDC_DNS_ERROR, "broken"},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        for (int strict = 0; strict < 2; strict++) {
            rdc_result_t r;
            result_init(&r, IP4, cases[i].status);
            compute_expect(&r, strict != 0, RDC_TEMPFAIL, 1, cases[i].code);
            assert_int_equal(r.problems[0].severity, RDC_SEV_TEMPFAIL);
            assert_true(unit_contains(r.problems[0].message, "PTR lookup of " REV4));
            assert_true(unit_contains(r.problems[0].message, cases[i].text));
            assert_non_null(r.problems[0].fix);
            rdc_result_clear(&r);
        }
    }
}

static void test_forward_lookup_temporary(void **state)
{
    (void)state;
    rdc_result_t r;
    result_init(&r, IP4, RDC_DNS_OK);
    add_name(&r, "mail.example.test", RDC_NAME_CHECKED, RDC_DNS_S_TIMEOUT, false, false, NULL);
    compute_expect(&r, false, RDC_TEMPFAIL, 1, RDC_DNS_TIMEOUT);
    assert_true(unit_contains(r.problems[0].message, "A lookup of PTR name mail.example.test"));
    rdc_result_clear(&r);

    result_init(&r, IP4, RDC_DNS_OK);
    add_name(&r, "mail.example.test", RDC_NAME_CHECKED, RDC_DNS_S_SERVFAIL, false, false, NULL);
    compute_expect(&r, true, RDC_TEMPFAIL, 1, RDC_DNS_SERVFAIL);
    rdc_result_clear(&r);
}

/* A definite failure beside a timeout decides the address: fail. */
static void test_fail_beside_timeout(void **state)
{
    (void)state;
    rdc_result_t r;
    /* whatever the name that timed out says, the mismatching name fails the
     * set: Postfix rejects whenever it comes first */
    result_init(&r, IP4, RDC_DNS_OK);
    add_name(&r, "a.example.test", RDC_NAME_CHECKED, RDC_DNS_OK, false, false, "192.0.2.1");
    add_name(&r, "b.example.test", RDC_NAME_CHECKED, RDC_DNS_S_TIMEOUT, false, false, NULL);
    compute_expect(&r, false, RDC_FAIL, 2, RDC_PTR_MISMATCH, RDC_DNS_TIMEOUT);
    assert_int_equal(find(&r, RDC_PTR_MISMATCH)->severity, RDC_SEV_FAIL);
    assert_int_equal(find(&r, RDC_DNS_TIMEOUT)->severity, RDC_SEV_TEMPFAIL);
    rdc_result_clear(&r);

    /* --iprev: the name that timed out might confirm and pass the set:
     * undecided (RFC 8601 section 3 temperror, Exim DEFER); the mismatch is
     * only a note then */
    result_init(&r, IP4, RDC_DNS_OK);
    add_name(&r, "a.example.test", RDC_NAME_CHECKED, RDC_DNS_OK, false, false, "192.0.2.1");
    add_name(&r, "b.example.test", RDC_NAME_CHECKED, RDC_DNS_S_TIMEOUT, false, false, NULL);
    compute_expect(&r, RDC_RULES_IPREV | RDC_RULES_STRICT, RDC_TEMPFAIL, 2, RDC_PTR_MISMATCH,
                   RDC_DNS_TIMEOUT);
    assert_int_equal(find(&r, RDC_PTR_MISMATCH)->severity, RDC_SEV_INFO);
    rdc_result_clear(&r);

    result_init(&r, IP4, RDC_DNS_OK);
    add_name(&r, "b.example.test", RDC_NAME_CHECKED, RDC_DNS_S_REFUSED, false, false, NULL);
    add_name(&r, "x", RDC_NAME_INVALID, RDC_DNS_OK, false, false, NULL);
    compute_expect(&r, false, RDC_FAIL, 2, RDC_PTR_INVALID_NAME, RDC_DNS_REFUSED);
    rdc_result_clear(&r);
}

/* One name confirms, another times out: undecided. */
static void test_confirm_beside_timeout(void **state)
{
    (void)state;
    rdc_result_t r;
    result_init(&r, IP4, RDC_DNS_OK);
    confirmed_name(&r, "a.example.test", IP4);
    add_name(&r, "b.example.test", RDC_NAME_CHECKED, RDC_DNS_S_TIMEOUT, false, false, NULL);
    compute_expect(&r, false, RDC_TEMPFAIL, 1, RDC_DNS_TIMEOUT);
    assert_null(find(&r, RDC_PTR_PARTIAL));
    rdc_result_clear(&r);

    /* --iprev too: Exim defers on the timeout before it looks further */
    result_init(&r, IP4, RDC_DNS_OK);
    confirmed_name(&r, "a.example.test", IP4);
    add_name(&r, "b.example.test", RDC_NAME_CHECKED, RDC_DNS_S_TIMEOUT, false, false, NULL);
    compute_expect(&r, RDC_RULES_IPREV, RDC_TEMPFAIL, 1, RDC_DNS_TIMEOUT);
    rdc_result_clear(&r);

    /* plus a mismatching third: partial whatever b.example.test says, so
     * fail is decided */
    result_init(&r, IP4, RDC_DNS_OK);
    confirmed_name(&r, "a.example.test", IP4);
    add_name(&r, "b.example.test", RDC_NAME_CHECKED, RDC_DNS_S_TIMEOUT, false, false, NULL);
    add_name(&r, "c.example.test", RDC_NAME_CHECKED, RDC_DNS_OK, false, false, "192.0.2.1");
    compute_expect(&r, false, RDC_FAIL, 2, RDC_PTR_PARTIAL, RDC_DNS_TIMEOUT);
    assert_int_equal(find(&r, RDC_DNS_TIMEOUT)->severity, RDC_SEV_TEMPFAIL);
    assert_true(unit_contains(find(&r, RDC_PTR_PARTIAL)->message, "only 1 of 3"));
    rdc_result_clear(&r);
}

/* An address no receiver sees (issue 16): an info note whatever the
 * verdict, and a no-ptr fix that does not send the admin to a provider. */
static void test_not_public(void **state)
{
    (void)state;
    rdc_result_t r;
    result_init(&r, "10.1.2.3", RDC_DNS_NXDOMAIN);
    compute_expect(&r, false, RDC_FAIL, 2, RDC_NO_PTR, RDC_NOT_PUBLIC);
    assert_true(unit_contains(r.problems[0].fix, "receivers never see 10.1.2.3 (private"));
    assert_false(unit_contains(r.problems[0].fix, "hosting provider"));
    assert_int_equal(r.problems[1].severity, RDC_SEV_INFO);
    assert_true(unit_contains(r.problems[1].message, "10.1.2.3 is private (RFC 1918)"));
    rdc_result_clear(&r);

    result_init(&r, "fd00::25", RDC_DNS_OK);
    confirmed_name(&r, "host.example.test", "fd00::25");
    compute_expect(&r, RDC_RULES_STRICT, RDC_PASS, 1, RDC_NOT_PUBLIC);
    assert_true(unit_contains(r.problems[0].message, "unique local"));
    rdc_result_clear(&r);

    /* a documentation address stands for a public one: no note */
    result_init(&r, IP4, RDC_DNS_NXDOMAIN);
    compute_expect(&r, false, RDC_FAIL, 1, RDC_NO_PTR);
    assert_true(unit_contains(r.problems[0].fix, "hosting provider"));
    rdc_result_clear(&r);
}

/* rdnscheck.h: "All strings are printable ASCII" in a result; the JSON
 * writer turns any other byte into a \u00XX escape (mojibake). Every
 * problem the rules can produce, message and fix. */
static void test_problem_texts_printable_ascii(void **state)
{
    (void)state;
    rdc_result_t r[19];
    static const rdc_probe_outcome_t outs[] = {RDC_PROBE_UNREACHABLE, RDC_PROBE_TIMEOUT,
                                               RDC_PROBE_REFUSED, RDC_PROBE_BAD};
    for (size_t k = 0; k < 4; k++) {
        result_init(&r[13 + k], IP4, RDC_DNS_OK);
        confirmed_name(&r[13 + k], "mail.example.test", IP4);
        set_smtp(&r[13 + k], outs[k], "(none)", RDC_NAME_INVALID, NULL);
    }
    result_init(&r[17], IP4, RDC_DNS_OK);
    confirmed_name(&r[17], "mail.example.test", IP4);
    set_smtp(&r[17], RDC_PROBE_OK, "alias.example.test", RDC_NAME_CHECKED, IP4);
    result_init(&r[18], IP4, RDC_DNS_OK);
    confirmed_name(&r[18], "mail.example.test", IP4);
    set_smtp(&r[18], RDC_PROBE_OK, "other.example.test", RDC_NAME_CHECKED, "192.0.2.1");
    result_init(&r[8], IP4, RDC_DNS_OK);
    confirmed_name(&r[8], "mail.example.test", IP4)->generic = unit_strdup("it embeds the address");
    set_helo(&r[8], "www.example.test", RDC_NAME_CHECKED, RDC_DNS_OK, IP4, NULL);
    result_init(&r[9], IP4, RDC_DNS_OK);
    confirmed_name(&r[9], "mail.example.test", IP4);
    set_helo(&r[9], "other.example.test", RDC_NAME_CHECKED, RDC_DNS_OK, "192.0.2.1", NULL);
    add_dnsbl(&r[9], "bl.test", RDC_DNS_OK, "127.0.0.2", "listed; see https://bl.test/");
    result_init(&r[10], IP4, RDC_DNS_OK);
    confirmed_name(&r[10], "mail.example.test", IP4);
    set_helo(&r[10], "mail", RDC_NAME_INVALID, RDC_DNS_OK, NULL, "no dot");
    add_dnsbl(&r[10], "bl.test", RDC_DNS_OK, "127.255.255.254", NULL);
    result_init(&r[11], IP4, RDC_DNS_OK);
    confirmed_name(&r[11], "mail.example.test", IP4);
    add_dnsbl(&r[11], "bl.test", RDC_DNS_S_TIMEOUT, NULL, NULL);
    result_init(&r[12], IP4, RDC_DNS_OK);
    confirmed_name(&r[12], "mail.example.test", IP4);
    set_helo(&r[12], "[192.0.2.1]", RDC_NAME_LITERAL, RDC_DNS_OK, "192.0.2.1", NULL);
    result_init(&r[0], IP4, RDC_DNS_NXDOMAIN);
    result_init(&r[1], IP4, RDC_DNS_S_TIMEOUT);
    result_init(&r[2], IP4, RDC_DNS_OK);
    add_name(&r[2], "a.example.test", RDC_NAME_CHECKED, RDC_DNS_OK, false, false, "192.0.2.1");
    add_name(&r[2], "b.example.test", RDC_NAME_CHECKED, RDC_DNS_NXDOMAIN, false, false, NULL);
    add_name(&r[2], "c.example.test", RDC_NAME_CHECKED, RDC_DNS_S_SERVFAIL, false, false, NULL);
    add_name(&r[2], "x", RDC_NAME_INVALID, RDC_DNS_OK, false, false, NULL);
    add_name(&r[2], "m.2.0.192.in-addr.arpa", RDC_NAME_RELATIVE, RDC_DNS_OK, false, false, NULL);
    result_init(&r[3], IP4, RDC_DNS_OK);
    add_name(&r[3], "a.example.test", RDC_NAME_CHECKED, RDC_DNS_OK, true, true, IP4);
    add_name(&r[3], "b.example.test", RDC_NAME_CHECKED, RDC_DNS_NODATA, false, false, NULL);
    add_name(&r[3], "c.example.test", RDC_NAME_SKIPPED, RDC_DNS_OK, false, false, NULL);
    result_init(&r[4], "2001:db8::25", RDC_DNS_NODATA);
    result_init(&r[5], "2001:db8::25", RDC_DNS_S_REFUSED);
    result_init(&r[6], "2001:db8::25", RDC_DNS_S_UNREACHABLE);
    result_init(&r[7], "fd00::25", RDC_DNS_S_ERROR); /* also not-public */
    bool seen[RDC_CODE_COUNT] = {false};
    int bad = 0;
    for (size_t k = 0; k < ARRAY_LEN(r); k++) {
        assert_true(rdc_verdict_compute(&r[k], false));
        for (size_t i = 0; i < r[k].nproblems; i++) {
            const rdc_problem_t *p = &r[k].problems[i];
            seen[p->code] = true;
            if (!unit_printable(p->message) || (p->fix && !unit_printable(p->fix))) {
                print_error("%s: not printable ASCII: %s / %s\n", rdc_code_name(p->code),
                            p->message, p->fix ? p->fix : "-");
                bad++;
            }
        }
        rdc_result_clear(&r[k]);
    }
    /* every code the rules produce was exercised */
    for (int c = 0; c < RDC_CODE_COUNT; c++)
        /* no-address, invalid-target and the domain-mode codes come from the
         * engine, not from rdc_verdict_compute; the --authority ones need
         * an authority object (test_authcheck.c checks their texts); the
         * --self ones come from cli/selfcheck.c (integration_self) */
        if (c != RDC_NO_ADDRESS && c != RDC_INVALID_TARGET && c != RDC_SELF_BIND &&
            c != RDC_SELF_UNKNOWN && !(c >= RDC_DOMAIN_NOT_FOUND && c <= RDC_SPF_RANGE_TOO_LARGE) &&
            !(c >= RDC_AUTH_INCONSISTENT && c <= RDC_AUTH_CONTACT) && !seen[c]) {
            print_error("code %s not produced\n", rdc_code_name((rdc_code_t)c));
            bad++;
        }
    assert_int_equal(bad, 0);
}

/* --helo: a confirming PTR name passes; a name that only resolves to the
 * address warns; one that does not, an invalid one or a foreign literal
 * fails; an undecided lookup is tempfail. helo_verdict follows. */
static void test_helo_rules(void **state)
{
    (void)state;
    rdc_result_t r;
    result_init(&r, IP4, RDC_DNS_OK);
    confirmed_name(&r, "Mail.Example.Test", IP4);
    set_helo(&r, "mail.example.test", RDC_NAME_CHECKED, RDC_DNS_OK, IP4, NULL);
    compute_expect(&r, false, RDC_PASS, 0);
    assert_int_equal(r.helo_verdict, RDC_PASS);
    rdc_result_clear(&r);

    result_init(&r, IP4, RDC_DNS_OK);
    confirmed_name(&r, "mail.example.test", IP4);
    set_helo(&r, "www.example.test", RDC_NAME_CHECKED, RDC_DNS_OK, "192.0.2.9," IP4, NULL);
    compute_expect(&r, false, RDC_WARN, 1, RDC_HELO_NOT_PTR);
    assert_int_equal(r.helo_verdict, RDC_WARN);
    assert_true(unit_contains(r.problems[0].fix, "mail.example.test"));
    rdc_result_clear(&r);

    result_init(&r, IP4, RDC_DNS_OK);
    confirmed_name(&r, "mail.example.test", IP4);
    set_helo(&r, "other.example.test", RDC_NAME_CHECKED, RDC_DNS_NXDOMAIN, NULL, NULL);
    compute_expect(&r, false, RDC_FAIL, 1, RDC_HELO_MISMATCH);
    assert_int_equal(r.helo_verdict, RDC_FAIL);
    rdc_result_clear(&r);

    result_init(&r, IP4, RDC_DNS_OK);
    confirmed_name(&r, "mail.example.test", IP4);
    set_helo(&r, "other.example.test", RDC_NAME_CHECKED, RDC_DNS_S_TIMEOUT, NULL, NULL);
    compute_expect(&r, false, RDC_TEMPFAIL, 1, RDC_DNS_TIMEOUT);
    assert_int_equal(r.helo_verdict, RDC_TEMPFAIL);
    rdc_result_clear(&r);

    result_init(&r, IP4, RDC_DNS_OK);
    confirmed_name(&r, "mail.example.test", IP4);
    set_helo(&r, "server.local", RDC_NAME_INVALID, RDC_DNS_OK, NULL, "a private name");
    compute_expect(&r, false, RDC_FAIL, 1, RDC_HELO_INVALID);
    rdc_result_clear(&r);

    result_init(&r, IP4, RDC_DNS_OK);
    confirmed_name(&r, "mail.example.test", IP4);
    set_helo(&r, "[" IP4 "]", RDC_NAME_LITERAL, RDC_DNS_OK, IP4, NULL);
    compute_expect(&r, false, RDC_PASS, 0);
    rdc_result_clear(&r);

    result_init(&r, IP4, RDC_DNS_OK);
    confirmed_name(&r, "mail.example.test", IP4);
    set_helo(&r, "[192.0.2.1]", RDC_NAME_LITERAL, RDC_DNS_OK, "192.0.2.1", NULL);
    compute_expect(&r, false, RDC_FAIL, 1, RDC_HELO_MISMATCH);
    rdc_result_clear(&r);

    /* strict: a HELO warning fails */
    result_init(&r, IP4, RDC_DNS_OK);
    confirmed_name(&r, "mail.example.test", IP4);
    set_helo(&r, "www.example.test", RDC_NAME_CHECKED, RDC_DNS_OK, IP4, NULL);
    compute_expect(&r, true, RDC_FAIL, 1, RDC_HELO_NOT_PTR);
    rdc_result_clear(&r);
}

/* Exactly 8 forward addresses are all listed, with no "and 0 more"; 9 list
 * the first 8 and "and 1 more" (issue 9), for A and AAAA alike. */
static void test_ptr_mismatch_list_edges(void **state)
{
    (void)state;
    static const char *const eight4 = "10.0.0.1,10.0.0.2,10.0.0.3,10.0.0.4,10.0.0.5,10.0.0.6,"
                                      "10.0.0.7,10.0.0.8";
    static const char *const eight6 = "2001:db8::a1,2001:db8::a2,2001:db8::a3,2001:db8::a4,"
                                      "2001:db8::a5,2001:db8::a6,2001:db8::a7,2001:db8::a8";
    char addrs[512];
    rdc_result_t r;

    result_init(&r, IP4, RDC_DNS_OK);
    add_name(&r, "mail.example.test", RDC_NAME_CHECKED, RDC_DNS_OK, false, false, eight4);
    compute_expect(&r, false, RDC_FAIL, 1, RDC_PTR_MISMATCH);
    assert_true(unit_contains(r.problems[0].message,
                              "mail.example.test resolves to 10.0.0.1, 10.0.0.2, 10.0.0.3, "
                              "10.0.0.4, 10.0.0.5, 10.0.0.6, 10.0.0.7, 10.0.0.8, not " IP4));
    assert_false(unit_contains(r.problems[0].message, "more"));
    rdc_result_clear(&r);

    snprintf(addrs, sizeof addrs, "%s,10.0.0.9", eight4);
    result_init(&r, IP4, RDC_DNS_OK);
    add_name(&r, "mail.example.test", RDC_NAME_CHECKED, RDC_DNS_OK, false, false, addrs);
    compute_expect(&r, false, RDC_FAIL, 1, RDC_PTR_MISMATCH);
    assert_true(unit_contains(r.problems[0].message,
                              "mail.example.test resolves to 10.0.0.1, 10.0.0.2, 10.0.0.3, "
                              "10.0.0.4, 10.0.0.5, 10.0.0.6, 10.0.0.7, 10.0.0.8 and 1 more, "
                              "not " IP4));
    assert_false(unit_contains(r.problems[0].message, "10.0.0.9"));
    rdc_result_clear(&r);

    result_init(&r, "2001:db8::25", RDC_DNS_OK);
    add_name(&r, "mail.example.test", RDC_NAME_CHECKED, RDC_DNS_OK, false, false, eight6);
    compute_expect(&r, false, RDC_FAIL, 1, RDC_PTR_MISMATCH);
    assert_true(unit_contains(r.problems[0].message,
                              "resolves to 2001:db8::a1, 2001:db8::a2, 2001:db8::a3, 2001:db8::a4, "
                              "2001:db8::a5, 2001:db8::a6, 2001:db8::a7, 2001:db8::a8, not "
                              "2001:db8::25"));
    assert_false(unit_contains(r.problems[0].message, "more"));
    rdc_result_clear(&r);

    snprintf(addrs, sizeof addrs, "%s,2001:db8::a9", eight6);
    result_init(&r, "2001:db8::25", RDC_DNS_OK);
    add_name(&r, "mail.example.test", RDC_NAME_CHECKED, RDC_DNS_OK, false, false, addrs);
    compute_expect(&r, false, RDC_FAIL, 1, RDC_PTR_MISMATCH);
    assert_true(unit_contains(r.problems[0].message, "2001:db8::a8 and 1 more, not 2001:db8::25"));
    assert_false(unit_contains(r.problems[0].message, "2001:db8::a9"));
    rdc_result_clear(&r);

    /* 7: one fewer, nothing cut either */
    result_init(&r, IP4, RDC_DNS_OK);
    add_name(&r, "mail.example.test", RDC_NAME_CHECKED, RDC_DNS_OK, false, false,
             "10.0.0.1,10.0.0.2,10.0.0.3,10.0.0.4,10.0.0.5,10.0.0.6,10.0.0.7");
    compute_expect(&r, false, RDC_FAIL, 1, RDC_PTR_MISMATCH);
    assert_true(unit_contains(r.problems[0].message, "10.0.0.6, 10.0.0.7, not " IP4));
    assert_false(unit_contains(r.problems[0].message, "more"));
    rdc_result_clear(&r);
}

/* The list error range 127.255.255.0/24 (RFC 5782 leaves it to the lists;
 * Spamhaus and others use it for errors) is an error at both ends, never a
 * listing: rdc_dnsbl_classify gives RDC_BL_BAD and the verdict has
 * dnsbl-error (issue 9). Just outside the /24 is a listing. */
static void test_dnsbl_error_range_edges(void **state)
{
    (void)state;
    static const char *const errs[] = {"127.255.255.0", "127.255.255.253", "127.255.255.1",
                                       "127.0.0.2,127.255.255.0", "127.255.255.253,127.0.0.2"};
    for (size_t k = 0; k < 2 * ARRAY_LEN(errs); k++) {
        size_t i = k / 2;
        bool strict = k % 2; /* --strict changes nothing: an error is no warning */
        rdc_result_t r;
        result_init(&r, IP4, RDC_DNS_OK);
        confirmed_name(&r, "mail.example.test", IP4);
        add_dnsbl(&r, "bl.test", RDC_DNS_OK, errs[i], "listed for spam");
        const char *why = NULL;
        rdc_dnsbl_state_t st =
            rdc_dnsbl_classify(RDC_DNS_OK, r.dnsbl[0].codes, r.dnsbl[0].ncodes, &why);
        if (st != RDC_BL_BAD)
            print_error("%s: state %d, not RDC_BL_BAD\n", errs[i], st);
        assert_int_equal(st, RDC_BL_BAD);
        assert_int_equal(r.dnsbl[0].state, RDC_BL_BAD);
        assert_non_null(why);
        assert_true(unit_contains(why, "127.255.255.0/24"));
        compute_expect(&r, strict, RDC_TEMPFAIL, 1, RDC_DNSBL_ERROR);
        assert_null(find(&r, RDC_DNSBL_LISTED));
        assert_true(unit_contains(r.problems[0].message, "bl.test gave no usable answer for " IP4));
        assert_true(unit_contains(r.problems[0].message, "an error code of the list"));
        rdc_result_clear(&r);
    }
    static const char *const listed[] = {"127.255.254.255", "127.254.255.255", "127.0.0.2",
                                         "127.1.0.1"};
    for (size_t i = 0; i < ARRAY_LEN(listed); i++) {
        rdc_result_t r;
        result_init(&r, IP4, RDC_DNS_OK);
        confirmed_name(&r, "mail.example.test", IP4);
        add_dnsbl(&r, "bl.test", RDC_DNS_OK, listed[i], NULL);
        if (r.dnsbl[0].state != RDC_BL_LISTED)
            print_error("%s: state %d, not RDC_BL_LISTED\n", listed[i], r.dnsbl[0].state);
        assert_int_equal(r.dnsbl[0].state, RDC_BL_LISTED);
        compute_expect(&r, false, RDC_FAIL, 1, RDC_DNSBL_LISTED);
        rdc_result_clear(&r);
    }
}

/* --dnsbl: listed fails with codes and reason; error codes of the list and
 * rewritten NXDOMAIN are tempfail, never a listing; clean adds nothing. */
static void test_dnsbl_rules(void **state)
{
    (void)state;
    rdc_result_t r;
    result_init(&r, IP4, RDC_DNS_OK);
    confirmed_name(&r, "mail.example.test", IP4);
    add_dnsbl(&r, "clean.test", RDC_DNS_NXDOMAIN, NULL, NULL);
    add_dnsbl(&r, "bl.test", RDC_DNS_OK, "127.0.0.2,127.0.0.4", "spam source");
    compute_expect(&r, false, RDC_FAIL, 1, RDC_DNSBL_LISTED);
    assert_true(
        unit_contains(r.problems[0].message, "bl.test (127.0.0.2, 127.0.0.4): spam source"));
    rdc_result_clear(&r);

    static const char *const bad[] = {"127.255.255.254", "127.255.255.255", "127.255.255.252",
                                      "127.0.0.1",       "198.51.100.1",    "127.0.0.2,10.0.0.1"};
    for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
        result_init(&r, IP4, RDC_DNS_OK);
        confirmed_name(&r, "mail.example.test", IP4);
        add_dnsbl(&r, "bl.test", RDC_DNS_OK, bad[i], NULL);
        assert_int_equal(r.dnsbl[0].state, RDC_BL_BAD);
        compute_expect(&r, false, RDC_TEMPFAIL, 1, RDC_DNSBL_ERROR);
        rdc_result_clear(&r);
    }
    result_init(&r, IP4, RDC_DNS_OK);
    confirmed_name(&r, "mail.example.test", IP4);
    add_dnsbl(&r, "bl.test", RDC_DNS_S_SERVFAIL, NULL, NULL);
    assert_int_equal(r.dnsbl[0].state, RDC_BL_TEMP);
    compute_expect(&r, false, RDC_TEMPFAIL, 1, RDC_DNSBL_ERROR);
    rdc_result_clear(&r);
    /* NODATA is clean */
    assert_int_equal(rdc_dnsbl_classify(RDC_DNS_NODATA, NULL, 0, NULL), RDC_BL_CLEAN);
}

/* Query names: reversed octets / 32 nibbles + zone; too long refused. */
static void test_dnsbl_query_name(void **state)
{
    (void)state;
    char buf[RDC_NAME_TEXT_MAX];
    rdc_addr_t a;
    assert_true(rdc_addr_parse("192.0.2.10", 10, &a));
    assert_true(rdc_dnsbl_query_name(&a, "zen.example.", buf));
    assert_string_equal(buf, "10.2.0.192.zen.example");
    assert_true(rdc_addr_parse("2001:db8::25", 12, &a));
    assert_true(rdc_dnsbl_query_name(&a, "bl.test", buf));
    assert_string_equal(buf,
                        "5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.bl.test");
    char zone[200];
    memset(zone, 'a', sizeof zone - 1);
    zone[sizeof zone - 1] = '\0';
    assert_false(rdc_dnsbl_query_name(&a, zone, buf));
}

/* A zone of exactly len characters: labels of 63 'z's and a shorter last
 * one, so every label is legal; a trailing dot if dot. */
static void make_zone(char *buf, size_t len, bool dot)
{
    for (size_t i = 0; i < len; i++)
        buf[i] = i % 64 == 63 ? '.' : 'z';
    assert_true(len == 0 || buf[len - 1] != '.');
    if (dot)
        buf[len++] = '.';
    buf[len] = '\0';
}

/* One address: the zone length that makes the query name exactly 253
 * characters (255 octets on the wire, RFC 1035 §2.3.4) is accepted, with or
 * without a trailing dot, and the name is a legal DNS name; one more is
 * refused. */
static void check_query_name_edge(const char *ip, size_t revlen)
{
    char zone[300], buf[RDC_NAME_TEXT_MAX];
    uint8_t wire[RDC_NAME_WIRE_MAX + 1];
    rdc_addr_t a;
    size_t zl = 253 - revlen - 1;
    assert_true(rdc_addr_parse(ip, strlen(ip), &a));
    for (int dot = 0; dot <= 1; dot++) {
        make_zone(zone, zl, dot);
        memset(buf, 0, sizeof buf);
        if (!rdc_dnsbl_query_name(&a, zone, buf))
            print_error("%s: zone of %zu refused\n", ip, zl);
        assert_true(rdc_dnsbl_query_name(&a, zone, buf));
        assert_int_equal(strlen(buf), 253);
        assert_int_equal(buf[revlen], '.');
        assert_true(strncmp(buf + revlen + 1, zone, zl) == 0);
        const char *why = NULL;
        if (!rdc_name_from_text(buf, strlen(buf), wire, &why))
            print_error("%s: %s\n", buf, why ? why : "-");
        assert_true(rdc_name_from_text(buf, strlen(buf), wire, NULL));

        make_zone(zone, zl + 1, dot);
        if (rdc_dnsbl_query_name(&a, zone, buf))
            print_error("%s: zone of %zu accepted: %s\n", ip, zl + 1, buf);
        assert_false(rdc_dnsbl_query_name(&a, zone, buf));
    }
}

/* Query names of exactly 253 and 254 characters (issue 9). IPv6: 63
 * characters of nibbles, so a 189-character zone is the longest that fits -
 * the longest the CLI accepts (cli_args.c rdc_arg_dnsbl). */
static void test_dnsbl_query_name_length_edges(void **state)
{
    (void)state;
    check_query_name_edge("192.0.2.10", strlen("10.2.0.192"));
    check_query_name_edge("255.255.255.255", strlen("255.255.255.255"));
    check_query_name_edge("0.0.0.0", strlen("0.0.0.0"));
    check_query_name_edge("2001:db8::25", 63);
    check_query_name_edge("::", 63);
}

/* rdc_helo_parse: host names, address literals, and every refusal. */
static void test_helo_parse(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        rdc_name_kind_t kind;
        const char *why;
    } t[] = {
        {"mail.example.test", RDC_NAME_CHECKED, NULL},
        {"MAIL.Example.Test.", RDC_NAME_CHECKED, NULL},
        {"[192.0.2.1]", RDC_NAME_LITERAL, NULL},
        {"[IPv6:2001:db8::1]", RDC_NAME_LITERAL, NULL},
        {"[ipv6:2001:db8::1]", RDC_NAME_LITERAL, NULL},
        {"[2001:db8::1]", RDC_NAME_INVALID, "address literal"},
        {"[192.0.2.256]", RDC_NAME_INVALID, "address literal"},
        {"192.0.2.1", RDC_NAME_INVALID, "bare IP"},
        {"2001:db8::1", RDC_NAME_INVALID, "bare IP"},
        {"localhost", RDC_NAME_INVALID, "no dot"},
        {"mail", RDC_NAME_INVALID, "no dot"},
        {"server.local", RDC_NAME_INVALID, "private"},
        {"box.LAN", RDC_NAME_INVALID, "private"},
        {"host.localdomain", RDC_NAME_INVALID, "private"},
        {"a b.example.test", RDC_NAME_INVALID, "only letters"},
        {"-mail.example.test", RDC_NAME_INVALID, "not a host name"},
        {"", RDC_NAME_INVALID, "no dot"},
    };
    for (size_t i = 0; i < ARRAY_LEN(t); i++) {
        uint8_t wire[RDC_NAME_WIRE_MAX + 1];
        rdc_addr_t lit;
        const char *why = NULL;
        rdc_name_kind_t k = rdc_helo_parse(t[i].name, wire, &lit, &why);
        if (k != t[i].kind || (t[i].why && (!why || !unit_contains(why, t[i].why)))) {
            print_error("'%s': kind %d why %s\n", t[i].name, (int)k, why ? why : "-");
            fail();
        }
    }
}

/* --smtp: each probe outcome has its tempfail code; the greeting host
 * follows the HELO rule; no host in the greeting is a mismatch. */
static void test_smtp_rules(void **state)
{
    (void)state;
    rdc_result_t r;
    result_init(&r, IP4, RDC_DNS_OK);
    confirmed_name(&r, "mail.example.test", IP4);
    set_smtp(&r, RDC_PROBE_OK, "MAIL.example.test", RDC_NAME_CHECKED, IP4);
    compute_expect(&r, false, RDC_PASS, 0);
    assert_int_equal(r.smtp->banner_verdict, RDC_PASS);
    rdc_result_clear(&r);

    result_init(&r, IP4, RDC_DNS_OK);
    confirmed_name(&r, "mail.example.test", IP4);
    set_smtp(&r, RDC_PROBE_OK, "(none)", RDC_NAME_INVALID, NULL);
    compute_expect(&r, false, RDC_FAIL, 1, RDC_BANNER_MISMATCH);
    rdc_result_clear(&r);

    result_init(&r, IP4, RDC_DNS_OK);
    confirmed_name(&r, "mail.example.test", IP4);
    set_smtp(&r, RDC_PROBE_TIMEOUT, "(none)", RDC_NAME_INVALID, NULL);
    compute_expect(&r, false, RDC_TEMPFAIL, 1, RDC_SMTP_TIMEOUT);
    assert_int_equal(r.smtp->banner_verdict, RDC_TEMPFAIL);
    rdc_result_clear(&r);

    /* a definite DNS failure beside an unreachable port: fail */
    result_init(&r, IP4, RDC_DNS_NXDOMAIN);
    set_smtp(&r, RDC_PROBE_UNREACHABLE, "(none)", RDC_NAME_INVALID, NULL);
    compute_expect(&r, false, RDC_FAIL, 2, RDC_NO_PTR, RDC_SMTP_UNREACHABLE);
    rdc_result_clear(&r);

    result_init(&r, IP4, RDC_DNS_OK);
    confirmed_name(&r, "mail.example.test", IP4);
    set_smtp(&r, RDC_PROBE_OK, "[" IP4 "]", RDC_NAME_LITERAL, IP4);
    compute_expect(&r, false, RDC_PASS, 0);
    rdc_result_clear(&r);
}

/* Info notes (null MX, implicit MX) change no verdict; an SPF problem has
 * its own code, name and severity. */
static void test_info_and_spf_codes(void **state)
{
    (void)state;
    rdc_result_t r;
    memset(&r, 0, sizeof r);
    assert_true(rdc_result_add_problem(&r, RDC_MX_NULL, NULL, "null MX"));
    rdc_verdict_from_problems(&r, true);
    assert_int_equal(r.verdict, RDC_PASS);
    assert_string_equal(rdc_severity_name(r.problems[0].severity), "info");
    assert_true(rdc_result_add_problem(&r, RDC_SPF_PASS_ALL, NULL, "+all"));
    assert_string_equal(rdc_problem_name(&r.problems[1]), "spf-pass-all");
    rdc_verdict_from_problems(&r, false);
    assert_int_equal(r.verdict, RDC_WARN);
    assert_true(rdc_result_add_problem(&r, RDC_SPF_LOOP, NULL, "loop"));
    assert_string_equal(rdc_problem_name(&r.problems[2]), "spf-loop");
    assert_int_equal(r.problems[2].severity, RDC_SEV_FAIL);
    assert_string_equal(rdc_problem_name(&r.problems[0]), "mx-null");
    rdc_verdict_from_problems(&r, false);
    assert_int_equal(r.verdict, RDC_FAIL);
    rdc_result_clear(&r);
}

/* rdc_result_add_problem: formatted message, optional fix, severity. */
static void test_add_problem(void **state)
{
    (void)state;
    rdc_result_t r;
    memset(&r, 0, sizeof r);
    assert_true(rdc_result_add_problem(&r, RDC_INVALID_TARGET, NULL, "bad %s at %d", "x", 3));
    assert_true(rdc_result_add_problem(&r, RDC_NO_ADDRESS, "fix it", "%s", "no address"));
    assert_int_equal(r.nproblems, 2);
    assert_string_equal(r.problems[0].message, "bad x at 3");
    assert_null(r.problems[0].fix);
    assert_int_equal(r.problems[0].severity, RDC_SEV_ERROR);
    assert_string_equal(r.problems[1].fix, "fix it");
    assert_int_equal(r.problems[1].severity, RDC_SEV_FAIL);
    rdc_result_clear(&r);
    assert_int_equal(r.nproblems, 0);
    assert_null(r.problems);
    rdc_result_clear(NULL);
}

/* ------------------------------------------------------------ names, exit */

static void test_code_names(void **state)
{
    (void)state;
    static const struct {
        rdc_code_t code;
        const char *name;
        rdc_severity_t sev;
    } want[] = {
        {RDC_NO_PTR, "no-ptr", RDC_SEV_FAIL},
        {RDC_PTR_NO_ADDRESS, "ptr-no-address", RDC_SEV_FAIL},
        {RDC_PTR_MISMATCH, "ptr-mismatch", RDC_SEV_FAIL},
        {RDC_PTR_INVALID_NAME, "ptr-invalid-name", RDC_SEV_FAIL},
        {RDC_PTR_RELATIVE_NAME, "ptr-relative-name", RDC_SEV_FAIL},
        {RDC_PTR_PARTIAL, "ptr-partial", RDC_SEV_FAIL},
        {RDC_PTR_CNAME, "ptr-cname", RDC_SEV_WARN},
        {RDC_PTR_TOO_MANY, "ptr-too-many", RDC_SEV_WARN},
        {RDC_NO_ADDRESS, "no-address", RDC_SEV_FAIL},
        {RDC_DNS_TIMEOUT, "dns-timeout", RDC_SEV_TEMPFAIL},
        {RDC_DNS_SERVFAIL, "dns-servfail", RDC_SEV_TEMPFAIL},
        {RDC_DNS_REFUSED, "dns-refused", RDC_SEV_TEMPFAIL},
        {RDC_DNS_UNREACHABLE, "dns-unreachable", RDC_SEV_TEMPFAIL},
        {RDC_DNS_ERROR, "dns-error", RDC_SEV_TEMPFAIL},
        {RDC_INVALID_TARGET, "invalid-target", RDC_SEV_ERROR},
        {RDC_HELO_NOT_PTR, "helo-not-ptr", RDC_SEV_WARN},
        {RDC_HELO_MISMATCH, "helo-mismatch", RDC_SEV_FAIL},
        {RDC_HELO_INVALID, "helo-invalid", RDC_SEV_FAIL},
        {RDC_GENERIC_PTR, "generic-ptr", RDC_SEV_WARN},
        {RDC_DNSBL_LISTED, "dnsbl-listed", RDC_SEV_FAIL},
        {RDC_DNSBL_ERROR, "dnsbl-error", RDC_SEV_TEMPFAIL},
        {RDC_SMTP_UNREACHABLE, "smtp-unreachable", RDC_SEV_TEMPFAIL},
        {RDC_SMTP_TIMEOUT, "smtp-timeout", RDC_SEV_TEMPFAIL},
        {RDC_SMTP_REFUSED, "smtp-refused", RDC_SEV_TEMPFAIL},
        {RDC_SMTP_BAD_GREETING, "smtp-bad-greeting", RDC_SEV_TEMPFAIL},
        {RDC_BANNER_MISMATCH, "banner-mismatch", RDC_SEV_FAIL},
        {RDC_BANNER_NOT_PTR, "banner-not-ptr", RDC_SEV_WARN},
        {RDC_DOMAIN_NOT_FOUND, "domain-not-found", RDC_SEV_FAIL},
        {RDC_MX_NULL, "mx-null", RDC_SEV_INFO},
        {RDC_MX_IMPLICIT, "mx-implicit", RDC_SEV_INFO},
        {RDC_MX_CNAME, "mx-cname", RDC_SEV_WARN},
        {RDC_MX_IP_LITERAL, "mx-ip-literal", RDC_SEV_FAIL},
        {RDC_MX_NO_ADDRESS, "mx-no-address", RDC_SEV_FAIL},
        {RDC_SPF_NONE, "spf-none", RDC_SEV_FAIL},
        {RDC_SPF_MULTIPLE, "spf-multiple", RDC_SEV_FAIL},
        {RDC_SPF_SYNTAX, "spf-syntax", RDC_SEV_FAIL},
        {RDC_SPF_TOO_MANY_TERMS, "spf-too-many-terms", RDC_SEV_FAIL},
        {RDC_SPF_INCLUDE_NONE, "spf-include-none", RDC_SEV_FAIL},
        {RDC_SPF_REDIRECT_NONE, "spf-redirect-none", RDC_SEV_FAIL},
        {RDC_SPF_LOOP, "spf-loop", RDC_SEV_FAIL},
        {RDC_SPF_TOO_MANY_LOOKUPS, "spf-too-many-lookups", RDC_SEV_FAIL},
        {RDC_SPF_TOO_MANY_MX, "spf-too-many-mx", RDC_SEV_FAIL},
        {RDC_SPF_VOID_LOOKUPS, "spf-void-lookups", RDC_SEV_FAIL},
        {RDC_SPF_TOO_MUCH_WORK, "spf-too-much-work", RDC_SEV_FAIL},
        {RDC_SPF_TEMPERROR, "spf-temperror", RDC_SEV_TEMPFAIL},
        {RDC_SPF_PTR_DEPRECATED, "spf-ptr-deprecated", RDC_SEV_WARN},
        {RDC_SPF_UNSUPPORTED_MECHANISM, "spf-unsupported-mechanism", RDC_SEV_WARN},
        {RDC_SPF_PASS_ALL, "spf-pass-all", RDC_SEV_WARN},
        {RDC_SPF_IGNORED, "spf-ignored", RDC_SEV_WARN},
        {RDC_SPF_MX_INVALID, "spf-mx-invalid", RDC_SEV_WARN},
        {RDC_SPF_TOO_MANY_RANGES, "spf-too-many-ranges", RDC_SEV_WARN},
        {RDC_SPF_RANGE_TOO_LARGE, "spf-range-too-large", RDC_SEV_WARN},
        {RDC_AUTH_INCONSISTENT, "auth-inconsistent", RDC_SEV_WARN},
        {RDC_AUTH_LAME, "auth-lame", RDC_SEV_WARN},
        {RDC_STALE_CACHE, "stale-cache", RDC_SEV_WARN},
        {RDC_AUTH_NS_ADDRESS, "auth-ns-address", RDC_SEV_WARN},
        {RDC_AUTH_NS_CNAME, "auth-ns-cname", RDC_SEV_WARN},
        {RDC_AUTH_NS_MISMATCH, "auth-ns-mismatch", RDC_SEV_WARN},
        {RDC_AUTH_CONTACT, "auth-contact", RDC_SEV_WARN},
        {RDC_NOT_PUBLIC, "not-public", RDC_SEV_INFO},
        {RDC_SELF_BIND, "self-bind", RDC_SEV_FAIL},
        {RDC_SELF_UNKNOWN, "self-unknown", RDC_SEV_TEMPFAIL},
    };
    assert_int_equal(ARRAY_LEN(want), RDC_CODE_COUNT);
    for (size_t i = 0; i < ARRAY_LEN(want); i++) {
        assert_string_equal(rdc_code_name(want[i].code), want[i].name);
        assert_int_equal(rdc_code_severity(want[i].code), want[i].sev);
    }
    for (int i = 0; i < RDC_CODE_COUNT; i++) {
        const char *n = rdc_code_name((rdc_code_t)i);
        assert_non_null(n);
        assert_string_not_equal(n, "unknown");
        for (int j = 0; j < i; j++)
            assert_string_not_equal(n, rdc_code_name((rdc_code_t)j));
    }
    assert_string_equal(rdc_code_name(RDC_CODE_COUNT), "unknown");
    assert_int_equal(rdc_code_severity(RDC_CODE_COUNT), RDC_SEV_ERROR);

    assert_string_equal(rdc_verdict_name(RDC_PASS), "pass");
    assert_string_equal(rdc_verdict_name(RDC_WARN), "warn");
    assert_string_equal(rdc_verdict_name(RDC_TEMPFAIL), "tempfail");
    assert_string_equal(rdc_verdict_name(RDC_FAIL), "fail");
    assert_string_equal(rdc_verdict_name(RDC_ERROR), "error");
}

static void test_dns_status(void **state)
{
    (void)state;
    assert_false(rdc_dns_status_is_temporary(RDC_DNS_OK));
    assert_false(rdc_dns_status_is_temporary(RDC_DNS_NODATA));
    assert_false(rdc_dns_status_is_temporary(RDC_DNS_NXDOMAIN));
    assert_true(rdc_dns_status_is_temporary(RDC_DNS_S_TIMEOUT));
    assert_true(rdc_dns_status_is_temporary(RDC_DNS_S_SERVFAIL));
    assert_true(rdc_dns_status_is_temporary(RDC_DNS_S_REFUSED));
    assert_true(rdc_dns_status_is_temporary(RDC_DNS_S_UNREACHABLE));
    assert_true(rdc_dns_status_is_temporary(RDC_DNS_S_ERROR));
    assert_int_equal(rdc_dns_status_code(RDC_DNS_S_TIMEOUT), RDC_DNS_TIMEOUT);
    assert_int_equal(rdc_dns_status_code(RDC_DNS_S_SERVFAIL), RDC_DNS_SERVFAIL);
    assert_int_equal(rdc_dns_status_code(RDC_DNS_S_REFUSED), RDC_DNS_REFUSED);
    assert_int_equal(rdc_dns_status_code(RDC_DNS_S_UNREACHABLE), RDC_DNS_UNREACHABLE);
    assert_int_equal(rdc_dns_status_code(RDC_DNS_S_ERROR), RDC_DNS_ERROR);
    for (int s = RDC_DNS_OK; s <= RDC_DNS_S_ERROR; s++) {
        const char *t = rdc_dns_status_text((rdc_dns_status_t)s);
        assert_non_null(t);
        assert_true(unit_printable(t));
        for (int k = RDC_DNS_OK; k < s; k++)
            assert_string_not_equal(t, rdc_dns_status_text((rdc_dns_status_t)k));
    }
}

static rdc_exit_t exit_for(unsigned long pass, unsigned long warn, unsigned long tempfail,
                           unsigned long fail, unsigned long error)
{
    rdc_counts_t c;
    memset(&c, 0, sizeof c);
    c.n[RDC_PASS] = pass;
    c.n[RDC_WARN] = warn;
    c.n[RDC_TEMPFAIL] = tempfail;
    c.n[RDC_FAIL] = fail;
    c.n[RDC_ERROR] = error;
    return rdc_exit_for_counts(&c);
}

static void test_exit_precedence(void **state)
{
    (void)state;
    assert_int_equal(exit_for(0, 0, 0, 0, 0), RDC_EXIT_OK);
    assert_int_equal(exit_for(5, 0, 0, 0, 0), RDC_EXIT_OK);
    assert_int_equal(exit_for(5, 3, 0, 0, 0), RDC_EXIT_OK);
    assert_int_equal(exit_for(0, 3, 0, 0, 0), RDC_EXIT_OK);
    assert_int_equal(exit_for(5, 3, 1, 0, 0), RDC_EXIT_TEMPFAIL);
    assert_int_equal(exit_for(5, 3, 1, 1, 0), RDC_EXIT_FAIL);
    assert_int_equal(exit_for(0, 0, 0, 1, 0), RDC_EXIT_FAIL);
    assert_int_equal(exit_for(0, 0, 9, 1, 0), RDC_EXIT_FAIL);
    assert_int_equal(exit_for(5, 3, 1, 1, 1), RDC_EXIT_USAGE);
    assert_int_equal(exit_for(0, 0, 0, 0, 1), RDC_EXIT_USAGE);
    assert_int_equal(exit_for(0, 0, 1, 0, 1), RDC_EXIT_USAGE);
}

static void test_counts_add(void **state)
{
    (void)state;
    rdc_counts_t c;
    memset(&c, 0, sizeof c);
    rdc_result_t r;
    result_init(&r, IP4, RDC_DNS_OK);
    confirmed_name(&r, "a.example.test", IP4);
    add_name(&r, "b.example.test", RDC_NAME_CHECKED, RDC_DNS_S_TIMEOUT, false, false, NULL);
    add_name(&r, "c.example.test", RDC_NAME_CHECKED, RDC_DNS_OK, false, false, "192.0.2.1");
    assert_true(rdc_verdict_compute(&r, false));
    rdc_counts_add(&c, &r);
    rdc_counts_add(&c, &r);
    assert_int_equal(c.n[RDC_FAIL], 2); /* partial whatever the timeout hides */
    assert_int_equal(c.n[RDC_PASS], 0);
    assert_int_equal(c.codes[RDC_DNS_TIMEOUT], 2);
    assert_int_equal(c.codes[RDC_PTR_PARTIAL], 2);
    assert_int_equal(c.codes[RDC_NO_PTR], 0);
    assert_int_equal(rdc_exit_for_counts(&c), RDC_EXIT_FAIL);
    rdc_result_clear(&r);
}

/* The per-code counts keep every SPF code apart: no catch-all. */
static void test_counts_spf_apart(void **state)
{
    (void)state;
    rdc_counts_t c;
    memset(&c, 0, sizeof c);
    rdc_result_t r;
    memset(&r, 0, sizeof r);
    assert_true(rdc_result_add_problem(&r, RDC_SPF_IGNORED, NULL, "after all"));
    assert_true(rdc_result_add_problem(&r, RDC_SPF_PASS_ALL, NULL, "+all"));
    assert_true(rdc_result_add_problem(&r, RDC_SPF_IGNORED, NULL, "redirect"));
    assert_true(rdc_result_add_problem(&r, RDC_SPF_LOOP, NULL, "loop"));
    rdc_verdict_from_problems(&r, false);
    rdc_counts_add(&c, &r);
    assert_int_equal(c.n[RDC_FAIL], 1);
    assert_int_equal(c.codes[RDC_SPF_IGNORED], 2);
    assert_int_equal(c.codes[RDC_SPF_PASS_ALL], 1);
    assert_int_equal(c.codes[RDC_SPF_LOOP], 1);
    assert_int_equal(c.codes[RDC_SPF_SYNTAX], 0);
    assert_int_equal(rdc_exit_for_counts(&c), RDC_EXIT_FAIL);
    rdc_result_clear(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pass),
        cmocka_unit_test(test_no_ptr),
        cmocka_unit_test(test_ptr_no_address),
        cmocka_unit_test(test_ptr_mismatch),
        cmocka_unit_test(test_ptr_invalid_name),
        cmocka_unit_test(test_ptr_relative_name),
        cmocka_unit_test(test_ptr_partial),
        cmocka_unit_test(test_ptr_cname),
        cmocka_unit_test(test_ptr_too_many),
        cmocka_unit_test(test_ptr_lookup_temporary),
        cmocka_unit_test(test_forward_lookup_temporary),
        cmocka_unit_test(test_fail_beside_timeout),
        cmocka_unit_test(test_confirm_beside_timeout),
        cmocka_unit_test(test_problem_texts_printable_ascii),
        cmocka_unit_test(test_add_problem),
        cmocka_unit_test(test_helo_rules),
        cmocka_unit_test(test_dnsbl_rules),
        cmocka_unit_test(test_dnsbl_query_name),
        cmocka_unit_test(test_dnsbl_query_name_length_edges),
        cmocka_unit_test(test_dnsbl_error_range_edges),
        cmocka_unit_test(test_ptr_mismatch_list_edges),
        cmocka_unit_test(test_helo_parse),
        cmocka_unit_test(test_smtp_rules),
        cmocka_unit_test(test_info_and_spf_codes),
        cmocka_unit_test(test_counts_spf_apart),
        cmocka_unit_test(test_code_names),
        cmocka_unit_test(test_not_public),
        cmocka_unit_test(test_dns_status),
        cmocka_unit_test(test_exit_precedence),
        cmocka_unit_test(test_counts_add),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
