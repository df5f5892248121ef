/* test_report_mon.c - unit tests of report_nagios.c and report_prom.c: the
 * plugin state's precedence, the status line, perfdata and long output,
 * escaping for both formats, and the Prometheus families checked by a
 * small strict parser of the text exposition format 0.0.4. */
#define _POSIX_C_SOURCE 200809L
#include "unit.h"
#include "unit_result.h"

#include "report_mon.h"
#include "verdict.h"

static char *buf_text(rdc_buf_t *b)
{
    assert_false(b->failed);
    char *s = b->s ? b->s : unit_strdup("");
    b->s = NULL;
    b->len = b->cap = 0;
    return s;
}

/* ------------------------------------------------------------ builders */

static void address(rdc_result_t *r, const char *input, const char *ip, rdc_verdict_t v)
{
    memset(r, 0, sizeof *r);
    r->kind = RDC_RESULT_ADDRESS;
    r->input = unit_strdup(input);
    assert_true(rdc_addr_parse(ip, strlen(ip), &r->addr));
    r->verdict = v;
}

static void add_problem(rdc_result_t *r, rdc_code_t code, const char *msg)
{
    assert_true(rdc_result_add_problem(r, code, NULL, "%s", msg));
}

/* ------------------------------------------------------------ Nagios */

static void test_nagios_state_precedence(void **state)
{
    (void)state;
    static const struct {
        unsigned long n[5]; /* pass, warn, tempfail, fail, error */
        bool incomplete;
        rdc_nagios_state_t want;
    } rows[] = {
        {{1, 0, 0, 0, 0}, false, RDC_NAGIOS_OK},
        {{9, 0, 0, 0, 0}, true, RDC_NAGIOS_UNKNOWN}, /* stopped: not all checked */
        {{0, 0, 0, 0, 0}, false, RDC_NAGIOS_UNKNOWN}, /* nothing checked */
        {{1, 1, 0, 0, 0}, false, RDC_NAGIOS_WARNING},
        {{1, 0, 1, 0, 0}, false, RDC_NAGIOS_UNKNOWN}, /* tempfail: not decided */
        {{0, 0, 1, 0, 0}, true, RDC_NAGIOS_UNKNOWN},
        {{0, 1, 1, 0, 0}, false, RDC_NAGIOS_WARNING}, /* WARNING > UNKNOWN */
        {{1, 0, 0, 0, 1}, false, RDC_NAGIOS_UNKNOWN}, /* a bad target */
        {{0, 1, 0, 0, 1}, false, RDC_NAGIOS_WARNING}, /* WARNING > UNKNOWN */
        {{0, 0, 1, 0, 1}, false, RDC_NAGIOS_UNKNOWN},
        {{0, 0, 0, 1, 0}, false, RDC_NAGIOS_CRITICAL},
        {{5, 5, 5, 1, 5}, true, RDC_NAGIOS_CRITICAL}, /* CRITICAL > all */
    };
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        rdc_counts_t c;
        memset(&c, 0, sizeof c);
        c.n[RDC_PASS] = rows[i].n[0];
        c.n[RDC_WARN] = rows[i].n[1];
        c.n[RDC_TEMPFAIL] = rows[i].n[2];
        c.n[RDC_FAIL] = rows[i].n[3];
        c.n[RDC_ERROR] = rows[i].n[4];
        rdc_nagios_state_t got = rdc_nagios_state(&c, rows[i].incomplete);
        if (got != rows[i].want)
            print_error("row %zu: %s\n", i, rdc_nagios_state_name(got));
        assert_int_equal(got, rows[i].want);
    }
    assert_string_equal(rdc_nagios_state_name(RDC_NAGIOS_OK), "OK");
    assert_string_equal(rdc_nagios_state_name(RDC_NAGIOS_WARNING), "WARNING");
    assert_string_equal(rdc_nagios_state_name(RDC_NAGIOS_CRITICAL), "CRITICAL");
    assert_string_equal(rdc_nagios_state_name(RDC_NAGIOS_UNKNOWN), "UNKNOWN");
}

static void test_nagios_escaping(void **state)
{
    (void)state;
    static const struct {
        const char *in, *label, *text;
    } rows[] = {
        {"pass", "pass", "pass"}, {"time_1.s-x", "time_1.s-x", "time_1.s-x"},
        {"a b", "'a b'", "a b"},  {"it's", "'it''s'", "it's"},
        {"x=1", "'x1'", "x=1"},   {"a|b", "'a|b'", "a/b"},
        {"||", "'||'", "//"},     {"", "''", ""},
    };
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        rdc_buf_t b = {0};
        rdc_nagios_label(&b, rows[i].in);
        char *s = buf_text(&b);
        assert_string_equal(s, rows[i].label);
        free(s);
        rdc_nagios_text(&b, rows[i].in);
        s = buf_text(&b);
        assert_string_equal(s, rows[i].text);
        free(s);
    }
}

/* Counts r into c, hands it to the writers that are there, clears it. */
static void feed(rdc_result_t *r, rdc_nagios_t *n, rdc_prom_t *p, FILE *pf, rdc_counts_t *c)
{
    rdc_counts_add(c, r);
    if (n)
        assert_true(rdc_nagios_add(n, r));
    if (p)
        assert_true(rdc_prom_add(p, pf, r));
    rdc_result_clear(r);
}

/* A mixed run: pass, warn (from a host name, a '|' in a message), fail,
 * tempfail (from a block, one code twice), a bad line with a quote, a
 * backslash and a '|', and a domain whose only problem is a note. */
static void mixed_run(rdc_nagios_t *n, rdc_prom_t *p, FILE *pf, rdc_counts_t *c)
{
    rdc_result_t r;
    memset(c, 0, sizeof *c);

    address(&r, "192.0.2.10", "192.0.2.10", RDC_PASS);
    unit_name_push(&r, "mail.example.test", RDC_NAME_CHECKED)->confirmed = true;
    feed(&r, n, p, pf, c);

    /* (--iprev: ptr-partial is an info note, which is no code to name) */
    address(&r, "mx.example.test", "192.0.2.21", RDC_WARN);
    add_problem(&r, RDC_PTR_PARTIAL, "only 1 of 2 PTR names confirm");
    r.problems[r.nproblems - 1].severity = RDC_SEV_INFO;
    add_problem(&r, RDC_GENERIC_PTR, "name a|b looks generic");
    feed(&r, n, p, pf, c);

    address(&r, "192.0.2.49", "192.0.2.49", RDC_FAIL);
    add_problem(&r, RDC_NO_PTR, "192.0.2.49 has no PTR record");
    feed(&r, n, p, pf, c);

    address(&r, "192.0.2.0/30", "192.0.2.1", RDC_TEMPFAIL);
    add_problem(&r, RDC_DNS_TIMEOUT, "the PTR lookup timed out");
    add_problem(&r, RDC_DNS_TIMEOUT, "again");
    feed(&r, n, p, pf, c);

    memset(&r, 0, sizeof r);
    r.kind = RDC_RESULT_INVALID;
    r.verdict = RDC_ERROR;
    r.line = 7;
    r.input = unit_strdup("a\"b\\c|d");
    add_problem(&r, RDC_INVALID_TARGET, "not a target");
    feed(&r, n, p, pf, c);

    memset(&r, 0, sizeof r);
    r.kind = RDC_RESULT_DOMAIN;
    r.verdict = RDC_PASS;
    r.input = unit_strdup("example.test");
    r.domain.mode = "mx";
    add_problem(&r, RDC_MX_IMPLICIT, "no MX");
    feed(&r, n, p, pf, c);
}

static char *nagios_output(const rdc_nagios_t *n, const rdc_counts_t *c, double secs,
                           const char *why, rdc_nagios_state_t *st)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    *st = rdc_nagios_write(f, n, c, secs, why);
    assert_int_equal(fclose(f), 0);
    return buf;
}

static void test_nagios_mixed_output(void **state)
{
    (void)state;
    rdc_nagios_t *n = rdc_nagios_new();
    assert_non_null(n);
    rdc_counts_t c;
    mixed_run(n, NULL, NULL, &c);
    rdc_nagios_state_t st;
    char *out = nagios_output(n, &c, 0.0123, NULL, &st);
    assert_int_equal(st, RDC_NAGIOS_CRITICAL);
    assert_string_equal(
        out, "RDNS CRITICAL - 1 of 5 fail: 192.0.2.49 no-ptr; 1 tempfail: 192.0.2.1 dns-timeout; "
             "1 warn: 192.0.2.21 (from mx.example.test) generic-ptr; 1 error: line 7: "
             "a\"b\\c/d invalid-target | 'pass'=1;;;0;4 'warn'=1;0;;0;4 "
             "'fail'=1;;0;0;4 'tempfail'=1;;;0;4 time=0.012s 'error'=1;;;0\n"
             "192.0.2.21 (from mx.example.test) warn generic-ptr: only 1 of 2 PTR "
             "names confirm; name a/b looks generic\n"
             "192.0.2.49 fail no-ptr: 192.0.2.49 has no PTR record\n"
             "192.0.2.1 tempfail dns-timeout: the PTR lookup timed out; again\n"
             "line 7: a\"b\\c/d error invalid-target: not a target\n");
    /* exactly one '|': the perfdata separator */
    assert_int_equal(strchr(out, '|'), strrchr(out, '|'));
    free(out);

    /* a run that did not complete says why, and keeps its worst state */
    out = nagios_output(n, &c, 1.5, "stopped by SIGTERM", &st);
    assert_int_equal(st, RDC_NAGIOS_CRITICAL);
    assert_true(unit_contains(out, "RDNS CRITICAL - stopped by SIGTERM; 1 of 5 fail:"));
    assert_true(unit_contains(out, " time=1.500s 'error'="));
    free(out);
    rdc_nagios_free(n);

    /* nothing checked; stopped before anything was */
    memset(&c, 0, sizeof c);
    out = nagios_output(NULL, &c, 0, NULL, &st);
    assert_int_equal(st, RDC_NAGIOS_UNKNOWN);
    assert_string_equal(out, "RDNS UNKNOWN - nothing checked | 'pass'=0;;;0;0 "
                             "'warn'=0;0;;0;0 'fail'=0;;0;0;0 'tempfail'=0;;;0;0 "
                             "time=0.000s 'error'=0;;;0\n");
    free(out);
    out = nagios_output(NULL, &c, 0, "stopped by SIGINT", &st);
    assert_int_equal(st, RDC_NAGIOS_UNKNOWN);
    assert_true(unit_contains(out, "RDNS UNKNOWN - stopped by SIGINT | 'pass'=0;"));
    free(out);

    /* all pass */
    c.n[RDC_PASS] = 4;
    out = nagios_output(NULL, &c, 0, NULL, &st);
    assert_int_equal(st, RDC_NAGIOS_OK);
    assert_true(unit_contains(out, "RDNS OK - 4 of 4 pass | 'pass'=4;;;0;4 "));
    free(out);
}

/* Four failures: three named, then "and 1 more"; the long output has all. */
static void test_nagios_named_then_counted(void **state)
{
    (void)state;
    rdc_nagios_t *n = rdc_nagios_new();
    rdc_counts_t c;
    memset(&c, 0, sizeof c);
    for (int i = 1; i <= 4; i++) {
        rdc_result_t r;
        char ip[16];
        snprintf(ip, sizeof ip, "192.0.2.%d", i);
        address(&r, ip, ip, RDC_FAIL);
        add_problem(&r, RDC_NO_PTR, "none");
        rdc_counts_add(&c, &r);
        assert_true(rdc_nagios_add(n, &r));
        rdc_result_clear(&r);
    }
    rdc_nagios_state_t st;
    char *out = nagios_output(n, &c, 0, NULL, &st);
    assert_true(unit_contains(out, "RDNS CRITICAL - 4 of 4 fail: 192.0.2.1 no-ptr, 192.0.2.2 "
                                   "no-ptr, 192.0.2.3 no-ptr and 1 more |"));
    assert_true(unit_contains(out, "\n192.0.2.4 fail no-ptr: none\n"));
    free(out);
    rdc_nagios_free(n);

    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    rdc_nagios_unknown(f, "bad '|' option");
    fclose(f);
    assert_string_equal(buf, "RDNS UNKNOWN - bad '/' option\n");
    free(buf);
}

/* ------------------------------------------------------------ Prometheus */

static void test_prom_label_value(void **state)
{
    (void)state;
    static const struct {
        const char *in, *want;
    } rows[] = {
        {"192.0.2.1", "192.0.2.1"},
        {"a\"b", "a\\\"b"},
        {"a\\b", "a\\\\b"},
        {"a\nb", "a\\nb"},
        {"\\\"\n", "\\\\\\\"\\n"},
        {"bad\\032line", "bad\\\\032line"}, /* escaped upstream, escaped again */
        {"", ""},
    };
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        rdc_buf_t b = {0};
        rdc_prom_label_value(&b, rows[i].in);
        char *s = buf_text(&b);
        assert_string_equal(s, rows[i].want);
        free(s);
    }
}

/* A strict reader of the text format 0.0.4, for what rdnscheck writes:
 * "# HELP name text" then "# TYPE name gauge" before a family's samples,
 * every sample "name{label="value",...} number" or "name number" of the
 * family just declared, no family twice, label names [a-zA-Z_][a-zA-Z0-9_]*,
 * values with only \\, \" and \n escapes, no duplicate series. Returns the
 * number of samples; fails the test on anything else. */
static size_t parse_exposition(const char *text)
{
    char family[128] = "";
    char seen_families[32][128];
    size_t nfam = 0, nsamples = 0;
    char **series = NULL;
    const char *p = text;
    assert_true(*text == '\0' || text[strlen(text) - 1] == '\n');
    while (*p) {
        const char *eol = strchr(p, '\n');
        assert_non_null(eol);
        size_t len = (size_t)(eol - p);
        char line[4096];
        assert_true(len < sizeof line);
        memcpy(line, p, len);
        line[len] = '\0';
        p = eol + 1;
        if (strncmp(line, "# HELP ", 7) == 0) {
            char name[128];
            assert_int_equal(sscanf(line + 7, "%127s", name), 1);
            for (size_t i = 0; i < nfam; i++)
                assert_string_not_equal(seen_families[i], name); /* one group per family */
            assert_true(nfam < 32);
            strcpy(seen_families[nfam++], name);
            strcpy(family, name);
            /* HELP text: no raw backslash other than \\ and \n */
            for (const char *q = line + 7 + strlen(name); *q; q++)
                if (*q == '\\') {
                    assert_true(q[1] == '\\' || q[1] == 'n');
                    q++;
                }
            continue;
        }
        if (strncmp(line, "# TYPE ", 7) == 0) {
            char name[128], type[32];
            assert_int_equal(sscanf(line + 7, "%127s %31s", name, type), 2);
            assert_string_equal(name, family);
            assert_string_equal(type, "gauge");
            continue;
        }
        assert_true(line[0] != '#');
        /* metric name */
        const char *q = line;
        assert_true((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || *q == '_');
        while ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || *q == '_' ||
               (*q >= '0' && *q <= '9') || *q == ':')
            q++;
        size_t nl = (size_t)(q - line);
        assert_int_equal(nl, strlen(family));
        assert_memory_equal(line, family, nl);
        if (*q == '{') {
            q++;
            while (*q != '}') {
                assert_true((*q >= 'a' && *q <= 'z') || *q == '_');
                while ((*q >= 'a' && *q <= 'z') || *q == '_' || (*q >= '0' && *q <= '9'))
                    q++;
                assert_true(q[0] == '=' && q[1] == '"');
                q += 2;
                while (*q != '"') {
                    assert_true(*q != '\0' && *q != '\n');
                    if (*q == '\\') {
                        assert_true(q[1] == '\\' || q[1] == '"' || q[1] == 'n');
                        q++;
                    }
                    q++;
                }
                q++;
                assert_true(*q == ',' || *q == '}');
                if (*q == ',')
                    q++;
            }
            q++;
        }
        assert_true(*q == ' ');
        char *end;
        (void)strtod(q + 1, &end);
        assert_true(end != q + 1 && *end == '\0'); /* a value, no timestamp */
        size_t keylen = (size_t)(q - line);
        for (size_t i = 0; i < nsamples; i++)
            assert_false(strlen(series[i]) == keylen && memcmp(series[i], line, keylen) == 0);
        series = realloc(series, (nsamples + 1) * sizeof *series);
        assert_non_null(series);
        series[nsamples] = unit_memdup(line, keylen + 1);
        series[nsamples][keylen] = '\0';
        nsamples++;
    }
    for (size_t i = 0; i < nsamples; i++)
        free(series[i]);
    free(series);
    return nsamples;
}

static void test_prom_mixed_run(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    rdc_prom_t *p = rdc_prom_new(0, 0);
    assert_non_null(p);
    rdc_counts_t c;
    rdc_prom_begin(f);
    mixed_run(NULL, p, f, &c);
    /* the same series again (a target listed twice) is written once */
    rdc_result_t r;
    address(&r, "192.0.2.49", "192.0.2.49", RDC_FAIL);
    assert_true(rdc_prom_add(p, f, &r));
    rdc_counts_add(&c, &r);
    rdc_result_clear(&r);
    rdc_prom_finish(p, f, &c, 0.25, 1796000000.5);
    assert_int_equal(fclose(f), 0);
    rdc_prom_free(p);

    size_t n = parse_exposition(buf);
    /* 5 results (one a bad target), 1 domain, 5 verdicts, input errors,
     * every code, 2 */
    assert_int_equal(n, 5 + 1 + 5 + 1 + RDC_CODE_COUNT + 2);
    assert_true(unit_contains(buf,
                              "# TYPE rdnscheck_verdict gauge\n"
                              "rdnscheck_verdict{ip=\"192.0.2.10\",verdict=\"pass\"} 1\n"
                              "rdnscheck_verdict{ip=\"192.0.2.21\",verdict=\"warn\"} 1\n"
                              "rdnscheck_verdict{ip=\"192.0.2.49\",verdict=\"fail\"} 1\n"
                              "rdnscheck_verdict{ip=\"192.0.2.1\",verdict=\"tempfail\"} 1\n"
                              "rdnscheck_verdict{input=\"a\\\"b\\\\c|d\",verdict=\"error\"} 1\n"
                              "# HELP rdnscheck_domain_verdict "));
    assert_true(unit_contains(
        buf, "rdnscheck_domain_verdict{domain=\"example.test\",mode=\"mx\",verdict=\"pass\"} 1\n"));
    assert_true(unit_contains(buf, "rdnscheck_results{verdict=\"pass\"} 1\n"
                                   "rdnscheck_results{verdict=\"warn\"} 1\n"
                                   "rdnscheck_results{verdict=\"tempfail\"} 1\n"
                                   "rdnscheck_results{verdict=\"fail\"} 2\n"
                                   "rdnscheck_results{verdict=\"error\"} 1\n"));
    /* a bad line is counted on its own too, as a gauge an alert can use */
    assert_true(unit_contains(buf, "# TYPE rdnscheck_input_errors gauge\n"
                                   "rdnscheck_input_errors 1\n"));
    assert_true(unit_contains(buf, "rdnscheck_problems{code=\"no-ptr\"} 1\n"));
    assert_true(unit_contains(buf, "rdnscheck_problems{code=\"dns-timeout\"} 2\n"));
    assert_true(unit_contains(buf, "rdnscheck_problems{code=\"mx-implicit\"} 1\n"));
    assert_true(unit_contains(buf, "rdnscheck_problems{code=\"spf-none\"} 0\n")); /* zeros too */
    assert_true(unit_contains(buf, "rdnscheck_run_duration_seconds 0.250\n"));
    assert_true(unit_contains(buf, "rdnscheck_last_run_timestamp_seconds 1796000000.500\n"));
    free(buf);
}

/* With --shard every sample carries shard="I/N": two shards' files on one
 * host hold no series in common. */
static void test_prom_shard_label(void **state)
{
    (void)state;
    char *out[2];
    for (unsigned i = 0; i < 2; i++) {
        size_t len = 0;
        out[i] = NULL;
        FILE *f = open_memstream(&out[i], &len);
        rdc_prom_t *p = rdc_prom_new(i, 2);
        rdc_counts_t c;
        rdc_prom_begin(f);
        mixed_run(NULL, p, f, &c);
        rdc_prom_finish(p, f, &c, 0.25, 1.0);
        fclose(f);
        rdc_prom_free(p);
        assert_int_equal(parse_exposition(out[i]), 5 + 1 + 5 + 1 + RDC_CODE_COUNT + 2);
    }
    assert_true(unit_contains(out[0], "rdnscheck_verdict{ip=\"192.0.2.10\","
                                      "verdict=\"pass\",shard=\"1/2\"} 1\n"));
    assert_true(unit_contains(out[1], "rdnscheck_domain_verdict{domain=\"example.test\",mode="
                                      "\"mx\",verdict=\"pass\",shard=\"2/2\"} 1\n"));
    assert_true(unit_contains(out[1], "rdnscheck_results{verdict=\"fail\",shard=\"2/2\"} 1\n"));
    assert_true(unit_contains(out[0], "rdnscheck_problems{code=\"no-ptr\",shard=\"1/2\"} 1\n"));
    assert_true(unit_contains(out[1], "rdnscheck_run_duration_seconds{shard=\"2/2\"} 0.250\n"));
    assert_true(
        unit_contains(out[0], "rdnscheck_last_run_timestamp_seconds{shard=\"1/2\"} 1.000\n"));
    assert_false(unit_contains(out[0], "shard=\"2/2\""));
    free(out[0]);
    free(out[1]);

    /* --shard 1/1 is the whole input: no shard label, as without --shard */
    size_t len = 0;
    char *one = NULL;
    FILE *f = open_memstream(&one, &len);
    rdc_prom_t *p = rdc_prom_new(0, 1);
    rdc_counts_t c;
    rdc_prom_begin(f);
    mixed_run(NULL, p, f, &c);
    rdc_prom_finish(p, f, &c, 0.25, 1.0);
    fclose(f);
    rdc_prom_free(p);
    assert_true(unit_contains(one, "rdnscheck_verdict{ip=\"192.0.2.10\",verdict=\"pass\"} 1\n"));
    assert_false(unit_contains(one, "shard="));
    free(one);
}

/* Domains (issue 16): the status line names a domain by its own problems
 * (its addresses are named on their own), the state and the long output
 * follow its line's verdict, which its addresses make worse. */
static void test_nagios_domains(void **state)
{
    (void)state;
    rdc_nagios_t *n = rdc_nagios_new();
    assert_non_null(n);
    rdc_counts_t c;
    memset(&c, 0, sizeof c);
    rdc_result_t r;

    /* an MX domain with no problem of its own, one address failing */
    memset(&r, 0, sizeof r);
    r.kind = RDC_RESULT_DOMAIN;
    r.input = unit_strdup("mx.example.test");
    r.domain.mode = "mx";
    r.domain.addresses = 2;
    r.domain.own = RDC_PASS;
    r.domain.verdicts[RDC_PASS] = 1;
    r.domain.verdicts[RDC_FAIL] = 1;
    r.verdict = RDC_FAIL;
    feed(&r, n, NULL, NULL, &c);
    address(&r, "mx.example.test", "192.0.2.10", RDC_PASS);
    feed(&r, n, NULL, NULL, &c);
    address(&r, "mx.example.test", "192.0.2.12", RDC_FAIL);
    add_problem(&r, RDC_PTR_MISMATCH, "mismatch");
    feed(&r, n, NULL, NULL, &c);
    /* an SPF domain that fails on its own, with no address */
    memset(&r, 0, sizeof r);
    r.kind = RDC_RESULT_DOMAIN;
    r.input = unit_strdup("nospf.example.test");
    r.domain.mode = "spf";
    add_problem(&r, RDC_SPF_NONE, "no SPF record");
    r.domain.own = RDC_FAIL;
    r.verdict = RDC_FAIL;
    feed(&r, n, NULL, NULL, &c);

    rdc_nagios_state_t st;
    char *out = nagios_output(n, &c, 0.0, NULL, &st);
    assert_int_equal(st, RDC_NAGIOS_CRITICAL);
    assert_string_equal(out,
                        "RDNS CRITICAL - 1 of 2 fail: 192.0.2.12 (from mx.example.test) "
                        "ptr-mismatch; 1 domain fail: nospf.example.test (spf) spf-none | "
                        "'pass'=1;;;0;2 'warn'=0;0;;0;2 'fail'=1;;0;0;2 'tempfail'=0;;;0;2 "
                        "time=0.000s 'error'=0;;;0\n"
                        "mx.example.test (mx) fail: 2 addresses, 1 fail\n"
                        "192.0.2.12 (from mx.example.test) fail ptr-mismatch: mismatch\n"
                        "nospf.example.test (spf) fail: 0 addresses; spf-none: no SPF record\n");
    free(out);
    rdc_nagios_free(n);

    /* a domain alone decides the state */
    memset(&c, 0, sizeof c);
    c.domains[RDC_FAIL] = 1;
    assert_int_equal(rdc_nagios_state(&c, false), RDC_NAGIOS_CRITICAL);
    memset(&c, 0, sizeof c);
    c.n[RDC_PASS] = 3;
    c.domains[RDC_WARN] = 1;
    assert_int_equal(rdc_nagios_state(&c, false), RDC_NAGIOS_WARNING);
}

/* Many series: the set of written ones grows without losing any. */
static void test_prom_many_series(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    rdc_prom_t *p = rdc_prom_new(0, 0);
    rdc_prom_begin(f);
    for (int round = 0; round < 2; round++)
        for (int i = 0; i < 5000; i++) {
            rdc_result_t r;
            char ip[32];
            snprintf(ip, sizeof ip, "2001:db8::%x", i);
            address(&r, "2001:db8::/112", ip, RDC_PASS);
            assert_true(rdc_prom_add(p, f, &r));
            rdc_result_clear(&r);
        }
    rdc_counts_t c;
    memset(&c, 0, sizeof c);
    rdc_prom_finish(p, f, &c, 0, 0);
    fclose(f);
    rdc_prom_free(p);
    assert_int_equal(parse_exposition(buf), 5000 + 5 + 1 + RDC_CODE_COUNT + 2);
    free(buf);
}

/* --label NAME=VALUE: Prometheus's label name rule, the reserved "__"
 * prefix, rdnscheck's own labels, and values that the format can carry. */
static void test_prom_label_check(void **state)
{
    (void)state;
    static const char *const good[] = {
        "list=senders",
        "_x=1",
        "Job_2=a b",
        "a=\"q\"\\",
        "a=line\nbreak",
        "a=tab\there",
        "a=\xc3\xa4\xe2\x82\xac\xf0\x9f\x98\x80", /* UTF-8: 2, 3 and 4 bytes */
        "a==",
        "a=x=y",
    };
    static const char *const bad[] = {
        "noequals",
        "=v",
        "1a=v",
        "a-b=v",
        "a.b=v",
        "a:b=v",
        "\xc3\xa4=v",
        "__name__=x",
        "__x=y",
        "ip=1",
        "input=1",
        "verdict=1",
        "domain=1",
        "mode=1",
        "code=1",
        "shard=1",
        "a=",
        "a=\x01",
        "a=\x7f",
        "a=\r",
        "a=\xff",
        "a=\xc3",
        "a=\xc0\xaf", /* overlong */
        "a=\xed\xa0\x80", /* a surrogate */
        "a=\xf4\x90\x80\x80", /* above U+10FFFF */
    };
    for (size_t i = 0; i < ARRAY_LEN(good); i++) {
        const char *why = rdc_prom_label_check(good[i]);
        if (why)
            print_error("refused '%s': %s\n", good[i], why);
        assert_null(why);
    }
    for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
        if (rdc_prom_label_check(bad[i]) == NULL)
            print_error("accepted '%s'\n", bad[i]);
        assert_non_null(rdc_prom_label_check(bad[i]));
    }
}

/* --label on every sample, after rdnscheck's own labels and the shard,
 * values escaped; two jobs with different labels share no series. */
static void test_prom_labels(void **state)
{
    (void)state;
    char *out[2];
    static const char *const labels[2][2] = {{"list=senders", "site=a\"b\\c\nd"},
                                             {"list=mx", "site=a\"b\\c\nd"}};
    for (unsigned i = 0; i < 2; i++) {
        size_t len = 0;
        out[i] = NULL;
        FILE *f = open_memstream(&out[i], &len);
        rdc_prom_t *p = rdc_prom_new(0, i + 1); /* the second with shard 1/2 */
        assert_true(rdc_prom_add_label(p, labels[i][0]));
        assert_true(rdc_prom_add_label(p, labels[i][1]));
        assert_false(rdc_prom_add_label(p, "__bad=x"));
        rdc_counts_t c;
        rdc_prom_begin(f);
        mixed_run(NULL, p, f, &c);
        rdc_prom_finish(p, f, &c, 0.25, 1.0);
        fclose(f);
        rdc_prom_free(p);
        assert_int_equal(parse_exposition(out[i]), 5 + 1 + 5 + 1 + RDC_CODE_COUNT + 2);
    }
    assert_true(unit_contains(out[0], "rdnscheck_verdict{ip=\"192.0.2.10\",verdict=\"pass\","
                                      "list=\"senders\",site=\"a\\\"b\\\\c\\nd\"} 1\n"));
    assert_true(unit_contains(out[0], "rdnscheck_input_errors{list=\"senders\",site=\"a\\\"b\\\\c"
                                      "\\nd\"} 1\n"));
    assert_true(unit_contains(out[0], "rdnscheck_run_duration_seconds{list=\"senders\",site="
                                      "\"a\\\"b\\\\c\\nd\"} 0.250\n"));
    assert_true(unit_contains(out[1], "rdnscheck_results{verdict=\"fail\",shard=\"1/2\","
                                      "list=\"mx\",site=\"a\\\"b\\\\c\\nd\"} 1\n"));
    /* every sample of each has its labels */
    for (unsigned i = 0; i < 2; i++)
        for (const char *l = out[i]; *l; l = strchr(l, '\n') + 1) {
            char line[512];
            snprintf(line, sizeof line, "%.*s", (int)strcspn(l, "\n"), l);
            if (line[0] != '#')
                assert_true(unit_contains(line, i ? "list=\"mx\"" : "list=\"senders\""));
        }
    free(out[0]);
    free(out[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nagios_state_precedence),
        cmocka_unit_test(test_nagios_escaping),
        cmocka_unit_test(test_nagios_mixed_output),
        cmocka_unit_test(test_nagios_named_then_counted),
        cmocka_unit_test(test_prom_label_value),
        cmocka_unit_test(test_prom_mixed_run),
        cmocka_unit_test(test_prom_shard_label),
        cmocka_unit_test(test_nagios_domains),
        cmocka_unit_test(test_prom_many_series),
        cmocka_unit_test(test_prom_label_check),
        cmocka_unit_test(test_prom_labels),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
