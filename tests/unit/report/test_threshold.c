/* test_threshold.c - unit tests of threshold.c (the Monitoring Plugins range
 * syntax, parsed strictly, and which values alert) and of the plugin state
 * and performance data that check_rdns's -w, -c, -W and -C give through
 * report_nagios.c's limits. */
#define _POSIX_C_SOURCE 200809L
#include "unit.h"
#include "unit_result.h"

#include "report_mon.h"
#include "threshold.h"

static rdc_range_t range(const char *s)
{
    rdc_range_t r;
    const char *why = NULL;
    if (!rdc_range_parse(s, strlen(s), &r, &why))
        print_error("'%s' refused: %s\n", s, why);
    assert_true(r.set);
    assert_string_equal(r.text, s);
    return r;
}

/* The guidelines' table: each form, and values on both sides of its ends. */
static void test_range_forms(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        double v;
        bool alert;
    } rows[] = {
        {"10", -1, true},          {"10", 0, false},         {"10", 10, false},
        {"10", 10.5, true},        {"10", 11, true},         {"10:", 9.99, true},
        {"10:", 10, false},        {"10:", 1e9, false},      {"~:10", -1e9, false},
        {"~:10", 10, false},       {"~:10", 11, true},       {"10:20", 9, true},
        {"10:20", 10, false},      {"10:20", 20, false},     {"10:20", 21, true},
        {"@10:20", 9, false},      {"@10:20", 10, true},     {"@10:20", 15, true},
        {"@10:20", 20, true},      {"@10:20", 21, false},    {":5", 0, false},
        {":5", -1, true},          {":5", 6, true}, /* an empty start is 0 */
        {"0", 0, false},           {"0", 1, true},           {"@0", 0, true},
        {"@0", 1, false},          {"-5:-1", -3, false},     {"-5:-1", 0, true},
        {"1.5:2.25", 2.25, false}, {"1.5:2.25", 2.26, true}, {"~:", 1e12, false},
        {"@~:", -7, true},         {"5:5", 5, false},        {"5:5", 4, true},
        {"0.0", 0, false},         {"007", 7, false},        {"007", 8, true},
    };
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        rdc_range_t r = range(rows[i].text);
        bool got = rdc_range_alerts(&r, rows[i].v);
        if (got != rows[i].alert)
            print_error("'%s' at %g: alert %d\n", rows[i].text, rows[i].v, got);
        assert_int_equal(got, rows[i].alert);
    }
    rdc_range_t none;
    memset(&none, 0, sizeof none);
    assert_false(rdc_range_alerts(&none, 1e9)); /* no threshold never alerts */
    assert_false(rdc_range_alerts(&none, -1e9));
}

/* Whatever a lax parser (strtod, atoi) would read as 0 or as something else
 * is refused, with a reason. */
static void test_range_refused(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",
        "@",
        "~",
        ":",
        "@:",
        "abc",
        "10:abc",
        "1e3",
        "0x10",
        "inf",
        "nan",
        "+5",
        " 5",
        "5 ",
        "5,6",
        "5;6",
        "1:2:3",
        "10.",
        ".5",
        "-",
        "--5",
        "5:-",
        "~5",
        "5:~",
        "@@5",
        "10:5",
        "@20:10",
        "1.2.3",
        "12345678901234567890123456789012",
        "5\n",
        "5%",
    };
    for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
        rdc_range_t r;
        const char *why = NULL;
        memset(&r, 0xa5, sizeof r);
        bool ok = rdc_range_parse(bad[i], strlen(bad[i]), &r, &why);
        if (ok)
            print_error("'%s' accepted\n", bad[i]);
        assert_false(ok);
        assert_non_null(why);
        assert_false(r.set); /* zeroed: it never alerts */
        assert_false(rdc_range_alerts(&r, 1));
    }
    const char *why = NULL;
    rdc_range_t r;
    assert_false(rdc_range_parse("10:5", 4, &r, &why));
    assert_true(unit_contains(why, "start is above its end"));
    /* the length is what counts, not a NUL */
    assert_true(rdc_range_parse("10:20junk", 5, &r, &why));
    assert_string_equal(r.text, "10:20");
    assert_false(rdc_range_parse("5\0"
                                 "5",
                                 3, &r, &why));
}

static char *write_out(const rdc_nagios_t *n, const rdc_counts_t *c, rdc_nagios_state_t *st)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    *st = rdc_nagios_write(f, n, c, 0.012, NULL);
    assert_int_equal(fclose(f), 0);
    return buf;
}

static void limits(rdc_nagios_limits_t *l, const char *fw, const char *fc, const char *ww,
                   const char *wc)
{
    memset(l, 0, sizeof *l);
    if (fw)
        l->fail_warn = range(fw);
    if (fc)
        l->fail_crit = range(fc);
    if (ww)
        l->warn_warn = range(ww);
    if (wc)
        l->warn_crit = range(wc);
}

/* The state from the counts of failing and warning addresses against -w,
 * -c, -W, -C; tempfail still UNKNOWN below WARNING. */
static void test_limits_state(void **state)
{
    (void)state;
    static const struct {
        const char *fw, *fc, *ww, *wc;
        unsigned long pass, warn, fail, tempfail;
        rdc_nagios_state_t want;
    } rows[] = {
        {NULL, "0", "0", NULL, 3, 0, 0, 0, RDC_NAGIOS_OK}, /* the defaults */
        {NULL, "0", "0", NULL, 3, 0, 1, 0, RDC_NAGIOS_CRITICAL},
        {NULL, "0", "0", NULL, 3, 1, 0, 0, RDC_NAGIOS_WARNING},
        {NULL, "0", "0", NULL, 3, 0, 0, 1, RDC_NAGIOS_UNKNOWN},
        {"0", "2", NULL, NULL, 3, 0, 1, 0, RDC_NAGIOS_WARNING}, /* -w 0 -c 2 */
        {"0", "2", NULL, NULL, 3, 0, 2, 0, RDC_NAGIOS_WARNING},
        {"0", "2", NULL, NULL, 3, 0, 3, 0, RDC_NAGIOS_CRITICAL},
        {"0", "2", NULL, NULL, 3, 0, 0, 0, RDC_NAGIOS_OK},
        {"0", "2", NULL, NULL, 3, 5, 0, 0, RDC_NAGIOS_OK}, /* no -W/-C: warns ignored */
        {"0", "2", NULL, NULL, 3, 0, 0, 1, RDC_NAGIOS_UNKNOWN},
        {"0", "2", NULL, NULL, 3, 0, 1, 1, RDC_NAGIOS_WARNING}, /* WARNING > UNKNOWN */
        {NULL, "5", NULL, NULL, 3, 0, 4, 0, RDC_NAGIOS_OK}, /* -c alone */
        {NULL, NULL, "1", "3", 3, 2, 0, 0, RDC_NAGIOS_WARNING}, /* -W 1 -C 3 */
        {NULL, NULL, "1", "3", 3, 4, 0, 0, RDC_NAGIOS_CRITICAL},
        {NULL, NULL, "1", "3", 3, 1, 9, 0, RDC_NAGIOS_OK},
        {NULL, "@1:", NULL, NULL, 0, 0, 1, 0, RDC_NAGIOS_CRITICAL}, /* inside */
        {NULL, "2:", NULL, NULL, 3, 0, 1, 0, RDC_NAGIOS_CRITICAL}, /* fewer than 2 */
        {"0", "0", "0", "0", 0, 0, 0, 0, RDC_NAGIOS_UNKNOWN}, /* nothing checked */
    };
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        rdc_nagios_t *n = rdc_nagios_new();
        assert_non_null(n);
        rdc_nagios_limits_t l;
        limits(&l, rows[i].fw, rows[i].fc, rows[i].ww, rows[i].wc);
        rdc_nagios_set_limits(n, &l);
        rdc_counts_t c;
        memset(&c, 0, sizeof c);
        c.n[RDC_PASS] = rows[i].pass;
        c.n[RDC_WARN] = rows[i].warn;
        c.n[RDC_FAIL] = rows[i].fail;
        c.n[RDC_TEMPFAIL] = rows[i].tempfail;
        rdc_nagios_state_t st;
        free(write_out(n, &c, &st));
        if (st != rows[i].want)
            print_error("row %zu: %s\n", i, rdc_nagios_state_name(st));
        assert_int_equal(st, rows[i].want);
        /* the default limits are --format nagios's own state */
        if (i < 4)
            assert_int_equal(st, rdc_nagios_state(&c, false));
        rdc_nagios_free(n);
    }
}

/* Performance data: 'label'=value;warn;crit;min;max with the ranges as
 * given, max the addresses checked; time in seconds. */
static void test_limits_perfdata(void **state)
{
    (void)state;
    rdc_nagios_t *n = rdc_nagios_new();
    assert_non_null(n);
    rdc_nagios_limits_t l;
    limits(&l, "~:1", "@3:10", "5:", NULL);
    rdc_nagios_set_limits(n, &l);
    rdc_counts_t c;
    memset(&c, 0, sizeof c);
    c.n[RDC_PASS] = 6;
    c.n[RDC_FAIL] = 2;
    c.n[RDC_TEMPFAIL] = 1;
    c.n[RDC_ERROR] = 1;
    rdc_nagios_state_t st;
    char *out = write_out(n, &c, &st);
    /* fail 2: outside ~:1 (WARNING), not inside 3..10; warn 0 below 5 (WARNING) */
    assert_int_equal(st, RDC_NAGIOS_WARNING);
    const char *perf = strchr(out, '|');
    assert_non_null(perf);
    assert_string_equal(perf, "| 'pass'=6;;;0;9 'warn'=0;5:;;0;9 'fail'=2;~:1;@3:10;0;9 "
                              "'tempfail'=1;;;0;9 time=0.012s 'error'=1;;;0\n");
    free(out);
    rdc_nagios_free(n);
}

/* -v: passes get a long-output line with their confirming names. */
static void test_verbose_passes(void **state)
{
    (void)state;
    rdc_nagios_t *n = rdc_nagios_new();
    assert_non_null(n);
    rdc_nagios_set_verbose(n, true);
    rdc_result_t r;
    memset(&r, 0, sizeof r);
    r.kind = RDC_RESULT_ADDRESS;
    r.input = unit_strdup("192.0.2.10");
    assert_true(rdc_addr_parse("192.0.2.10", 10, &r.addr));
    r.verdict = RDC_PASS;
    rdc_name_result_t names[2];
    memset(names, 0, sizeof names);
    names[0].name = unit_strdup("mail|x.example.test");
    names[0].confirmed = true;
    names[1].name = unit_strdup("other.example.test");
    r.names = names;
    r.nnames = 2;
    assert_true(rdc_nagios_add(n, &r));
    rdc_counts_t c;
    memset(&c, 0, sizeof c);
    c.n[RDC_PASS] = 1;
    rdc_nagios_state_t st;
    char *out = write_out(n, &c, &st);
    assert_int_equal(st, RDC_NAGIOS_OK);
    assert_true(unit_contains(out, "\n192.0.2.10 pass: mail/x.example.test\n"));
    assert_false(unit_contains(out, "other.example.test"));
    free(out);
    free(names[0].name);
    free(names[1].name);
    free(r.input);
    rdc_nagios_free(n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_range_forms),    cmocka_unit_test(test_range_refused),
        cmocka_unit_test(test_limits_state),   cmocka_unit_test(test_limits_perfdata),
        cmocka_unit_test(test_verbose_passes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
