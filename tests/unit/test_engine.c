/* test_engine.c - the engine end to end in the test process: targets in,
 * results out, every DNS answer from the scripted resolver (sdns.h). */
#define _POSIX_C_SOURCE 200809L
#include "unit.h"

#include "dnsmsg.h"
#include "engine.h"
#include "loop.h"
#include "sdns.h"
#include "target.h"

typedef struct run {
    rdc_result_t res[64];
    size_t n;
} run_t;

static bool collect(void *ctx, const rdc_result_t *r)
{
    run_t *run = ctx;
    if (r == NULL)
        return true;
    assert_true(run->n < ARRAY_LEN(run->res));
    rdc_result_t *d = &run->res[run->n++];
    memset(d, 0, sizeof *d);
    d->verdict = r->verdict;
    d->has_addr = r->has_addr;
    d->addr = r->addr;
    d->nproblems = r->nproblems;
    d->problems = calloc(r->nproblems ? r->nproblems : 1, sizeof *d->problems);
    for (size_t i = 0; i < r->nproblems; i++) {
        d->problems[i].code = r->problems[i].code;
        d->problems[i].severity = r->problems[i].severity;
        d->problems[i].message = strdup(r->problems[i].message);
    }
    return true;
}

static rdc_engine_opts_t opts(void)
{
    rdc_engine_opts_t o = {0};
    o.concurrency = 16;
    o.max_names = 16;
    o.tries = 2;
    o.try_timeout_ms = 500;
    o.want4 = o.want6 = true;
    return o;
}

/* Checks the targets argv against sdns s; results in run. */
static void check(sdns_t *s, const rdc_engine_opts_t *o, char **argv, size_t argc, run_t *run)
{
    rdc_loop_t *loop = rdc_loop_new();
    assert_non_null(loop);
    char err[256];
    rdc_targets_t *t = rdc_targets_new(argv, argc, NULL, 65536, err, sizeof err);
    assert_non_null(t);
    rdc_engine_t *e = rdc_engine_new(loop, sdns_dns(s), o);
    assert_non_null(e);
    memset(run, 0, sizeof *run);
    assert_int_equal(rdc_engine_run(e, rdc_targets_next, t, collect, run, NULL), RDC_RUN_DONE);
    rdc_engine_free(e);
    rdc_targets_free(t);
    rdc_loop_free(loop);
}

static void run_clear(run_t *run)
{
    for (size_t i = 0; i < run->n; i++)
        rdc_result_clear(&run->res[i]);
}

static void test_pass(void **state)
{
    (void)state;
    sdns_t *s = sdns_new(1);
    sdns_rule(s, -1, "10.2.0.192.in-addr.arpa", RDC_TYPE_PTR, SDNS_ANSWER, 0,
              "@ 300 PTR mail.example.test");
    sdns_rule(s, -1, "mail.example.test", RDC_TYPE_A, SDNS_ANSWER, 0, "@ 300 A 192.0.2.10");
    char *argv[] = {"192.0.2.10"};
    run_t run;
    rdc_engine_opts_t o = opts();
    check(s, &o, argv, 1, &run);
    assert_int_equal(run.n, 1);
    assert_int_equal(run.res[0].verdict, RDC_PASS);
    assert_int_equal(sdns_count(s, -1, NULL, 0), 2);
    run_clear(&run);
    sdns_free(s);
}

/* REFUSED from the first server: the second answers, and the verdict is
 * its answer (issue 9: a refusing server is not final). */
static void test_failover_refused(void **state)
{
    (void)state;
    sdns_t *s = sdns_new(2);
    sdns_rule(s, 0, "*", 0, SDNS_ANSWER, 5, NULL);
    sdns_rule(s, 1, "10.2.0.192.in-addr.arpa", RDC_TYPE_PTR, SDNS_ANSWER, 0,
              "@ 300 PTR mail.example.test");
    sdns_rule(s, 1, "mail.example.test", RDC_TYPE_A, SDNS_ANSWER, 0, "@ 300 A 192.0.2.10");
    char *argv[] = {"192.0.2.10"};
    run_t run;
    rdc_engine_opts_t o = opts();
    check(s, &o, argv, 1, &run);
    assert_int_equal(run.n, 1);
    assert_int_equal(run.res[0].verdict, RDC_PASS);
    assert_true(sdns_count(s, 1, "10.2.0.192.in-addr.arpa", RDC_TYPE_PTR) >= 1);
    run_clear(&run);
    sdns_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pass),
        cmocka_unit_test(test_failover_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
