/* use.c - a program that uses the installed library as a user would: only
 * <rdnscheck.h>, built with pkg-config (see test_install.sh). It exits 0
 * when the public API behaves as documented, else prints what did not. */
#include <rdnscheck.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;

static void expect_str(const char *what, const char *got, const char *want)
{
    if (got == NULL || strcmp(got, want) != 0) {
        printf("use: %s: got \"%s\", want \"%s\"\n", what, got ? got : "(null)", want);
        failures++;
    }
}

static void expect(const char *what, int ok)
{
    if (!ok) {
        printf("use: %s: false\n", what);
        failures++;
    }
}

int main(void)
{
    char ver[32];
    snprintf(ver, sizeof ver, "%d.%d.%d", RDC_VERSION_MAJOR, RDC_VERSION_MINOR, RDC_VERSION_PATCH);
    expect_str("rdc_version()", rdc_version(), RDC_VERSION);
    expect_str("RDC_VERSION_MAJOR.MINOR.PATCH", ver, RDC_VERSION);

    static const char v4[] = "192.0.2.1";
    rdc_addr_t a;
    char text[RDC_ADDR_TEXT_MAX], rev[RDC_REVNAME_MAX];
    expect("rdc_addr_parse(192.0.2.1)", rdc_addr_parse(v4, strlen(v4), &a));
    expect_str("rdc_addr_format", rdc_addr_format(&a, text), "192.0.2.1");
    expect_str("rdc_addr_reverse_name", rdc_addr_reverse_name(&a, rev), "1.2.0.192.in-addr.arpa");

    static const char v6[] = "2001:DB8:0:0::1";
    rdc_addr_t b;
    expect("rdc_addr_parse(2001:DB8:0:0::1)", rdc_addr_parse(v6, strlen(v6), &b));
    expect_str("rdc_addr_format v6", rdc_addr_format(&b, text), "2001:db8::1");
    expect("rdc_addr_equal", !rdc_addr_equal(&a, &b));

    uint8_t wire[RDC_NAME_WIRE_MAX];
    char name[RDC_NAME_TEXT_MAX];
    const char *why = NULL;
    expect("rdc_name_from_text", rdc_name_from_text(rev, strlen(rev), wire, &why));
    rdc_name_to_text(wire, name);
    expect_str("rdc_name_to_text", name, rev);
    expect("rdc_name_is_reverse", rdc_name_is_reverse(wire));

    expect_str("rdc_code_name", rdc_code_name(RDC_NO_PTR), "no-ptr");
    expect_str("rdc_verdict_name", rdc_verdict_name(RDC_FAIL), "fail");
    expect_str("rdc_severity_name", rdc_severity_name(rdc_code_severity(RDC_NO_PTR)), "fail");

    /* A result as the engine would hand it over, counted and cleared. */
    rdc_result_t r = {0};
    rdc_problem_t *p = calloc(1, sizeof *p);
    expect("calloc", p != NULL);
    if (p == NULL)
        return 1;
    p->code = RDC_NO_PTR;
    p->severity = RDC_SEV_FAIL;
    r.addr = a;
    r.verdict = RDC_FAIL;
    r.problems = p;
    r.nproblems = 1;
    expect_str("rdc_problem_name", rdc_problem_name(&r.problems[0]), "no-ptr");
    rdc_counts_t counts = {0};
    rdc_counts_add(&counts, &r);
    expect("rdc_counts_add", counts.n[RDC_FAIL] == 1 && counts.codes[RDC_NO_PTR] == 1);
    expect("rdc_exit_for_counts", rdc_exit_for_counts(&counts) == RDC_EXIT_FAIL);
    rdc_result_clear(&r);
    expect("rdc_result_clear", r.problems == NULL && r.nproblems == 0);

    if (failures == 0)
        printf("use: librdnscheck %s: ok\n", rdc_version());
    return failures ? 1 : 0;
}
