/* report_ci.c - the JUnit XML report, and the main problem every CI
 * report names. JUnit has pass, failure and error (a warn is a pass with
 * its warnings in <system-out>). Suite and test case names are unique in
 * a document, and no class name holds an address's dots, since JUnit
 * readers split a classname at its last dot. All text is escaped again
 * here, whatever escaping it had upstream. (GitHub: report_github.c.) */
#include "report_ci.h"
#include "report.h"
#include "seen.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

const rdc_problem_t *rdc_ci_main_problem(const rdc_result_t *r)
{
    rdc_verdict_t v = r->verdict;
    if (r->kind == RDC_RESULT_DOMAIN) {
        v = r->domain.own;
        if (v == RDC_PASS)
            return NULL;
    }
    rdc_severity_t want;
    switch (v) {
    case RDC_PASS:
    case RDC_WARN:
        want = RDC_SEV_WARN;
        break;
    case RDC_TEMPFAIL:
        want = RDC_SEV_TEMPFAIL;
        break;
    case RDC_FAIL:
        want = RDC_SEV_FAIL;
        break;
    default:
        want = RDC_SEV_ERROR;
        break;
    }
    for (size_t i = 0; i < r->nproblems; i++)
        if (r->problems[i].severity == want)
            return &r->problems[i];
    return r->nproblems ? &r->problems[0] : NULL;
}

/* ================================================================ JUnit */

struct rdc_junit {
    FILE *out;
    FILE *spool; /* finished suites, until the totals are known */
    char *name;
    char *group; /* the current suite's key (group or input); NULL before
                    the first result */
    unsigned long line; /* the current suite's line of FILE (group NULL) */
    char *suite; /* the current suite's name, unique in the document */
    char *classname; /* the current suite's: "rdnscheck.fcrdns", or
                        "rdnscheck.mx.example-test" for a domain */
    bool domain_suite; /* the current suite is a --mx/--spf domain's */
    rdc_seen_t suites; /* every suite name so far (how often a base) */
    rdc_seen_t names; /* the current suite's test case names */
    rdc_buf_t cases; /* the current suite's <testcase> elements */
    unsigned long s_tests, s_failures, s_errors; /* current suite */
    unsigned long long s_ms;
    unsigned long t_tests, t_failures, t_errors; /* whole run */
    unsigned long long t_ms;
    bool failed;
    bool finished;
};

/* Appends s escaped for XML 1.0 character data or (attr) an attribute
 * value. Tab and newline stay in text but become references in attributes,
 * where a parser would turn them into spaces; CR is always a reference (a
 * parser would drop it). Other control bytes cannot appear in XML 1.0 at
 * all, not even as references: they become a visible \DDD, as do DEL and
 * bytes >= 0x80 (never expected: results are ASCII). */
static void xml_escape(rdc_buf_t *b, const char *s, bool attr)
{
    if (s == NULL)
        return;
    const char *run = s;
    for (const char *p = s;; p++) {
        unsigned char c = (unsigned char)*p;
        bool plain =
            c >= 0x20 && c < 0x7f && c != '&' && c != '<' && c != '>' && c != '"' && c != '\'';
        if (!attr && (c == '\t' || c == '\n'))
            plain = true;
        if (plain)
            continue;
        rdc_buf_append(b, run, (size_t)(p - run));
        run = p + 1;
        switch (c) {
        case '\0':
            return;
        case '&':
            rdc_buf_puts(b, "&amp;");
            break;
        case '<':
            rdc_buf_puts(b, "&lt;");
            break;
        case '>':
            rdc_buf_puts(b, "&gt;");
            break;
        case '"':
            rdc_buf_puts(b, "&quot;");
            break;
        case '\'':
            rdc_buf_puts(b, "&apos;");
            break;
        case '\t':
            rdc_buf_puts(b, "&#9;");
            break;
        case '\n':
            rdc_buf_puts(b, "&#10;");
            break;
        case '\r':
            rdc_buf_puts(b, "&#13;");
            break;
        default:
            rdc_buf_printf(b, "\\%03u", (unsigned)c);
            break;
        }
    }
}

static void seconds(rdc_buf_t *b, unsigned long long ms)
{
    rdc_buf_printf(b, "%llu.%03llu", ms / 1000, ms % 1000);
}

/* "192.0.2.1 (mail.example.test, other.example.test)", "192.0.2.1 (no PTR)",
 * "mail.example.test (no address)", "line 3: bogus" */
static void case_name(rdc_buf_t *b, const rdc_result_t *r)
{
    char ip[RDC_ADDR_TEXT_MAX];
    if (r->kind != RDC_RESULT_ADDRESS) {
        if (r->kind == RDC_RESULT_INVALID && r->line)
            rdc_buf_printf(b, "line %lu: ", r->line);
        xml_escape(b, r->input, true);
        if (r->kind == RDC_RESULT_DOMAIN)
            rdc_buf_printf(b, " (%s)", r->domain.mode);
        else if (r->kind != RDC_RESULT_INVALID)
            rdc_buf_puts(b, " (no address)");
        return;
    }
    xml_escape(b, rdc_addr_format(&r->addr, ip), true);
    rdc_buf_puts(b, " (");
    if (r->nnames == 0)
        rdc_buf_puts(b, rdc_dns_status_is_temporary(r->ptr_status) ? "PTR unknown" : "no PTR");
    for (size_t i = 0; i < r->nnames; i++) {
        if (i)
            rdc_buf_puts(b, ", ");
        xml_escape(b, r->names[i].name, true);
    }
    rdc_buf_puts(b, ")");
}

/* One line per problem: "code: message / fix". */
static void problems_text(rdc_buf_t *b, const rdc_result_t *r)
{
    for (size_t i = 0; i < r->nproblems; i++) {
        const rdc_problem_t *p = &r->problems[i];
        xml_escape(b, rdc_problem_name(p), false);
        rdc_buf_puts(b, ": ");
        xml_escape(b, p->message, false);
        if (p->fix) {
            rdc_buf_puts(b, " / ");
            xml_escape(b, p->fix, false);
        }
        rdc_buf_puts(b, "\n");
    }
}

/* <failure> or <error> with the main problem in the attributes. */
static void failure(rdc_buf_t *b, const rdc_result_t *r, const char *element, const char *dflt)
{
    const rdc_problem_t *m = rdc_ci_main_problem(r);
    rdc_buf_t counts = {0};
    if (r->kind == RDC_RESULT_DOMAIN)
        rdc_domain_counts(&counts, r);
    rdc_buf_printf(b, "      <%s type=\"", element);
    xml_escape(b, m ? rdc_problem_name(m) : dflt, true);
    rdc_buf_puts(b, "\" message=\"");
    xml_escape(b, m ? m->message : counts.s ? counts.s : rdc_verdict_name(r->verdict), true);
    rdc_buf_puts(b, "\">");
    if (counts.s) {
        xml_escape(b, counts.s, false);
        rdc_buf_puts(b, "\n");
    }
    rdc_buf_free(&counts);
    problems_text(b, r);
    rdc_buf_printf(b, "</%s>\n", element);
}

/* name: the test case's name, escaped already (case_name). */
static void testcase(rdc_junit_t *j, const rdc_result_t *r, const rdc_buf_t *name)
{
    rdc_buf_t *b = &j->cases;
    rdc_buf_puts(b, "    <testcase classname=\"");
    xml_escape(b, j->classname, true);
    rdc_buf_puts(b, "\" name=\"");
    rdc_buf_append(b, name->s ? name->s : "", name->len);
    rdc_buf_puts(b, "\" time=\"");
    seconds(b, r->elapsed_ms);
    rdc_buf_puts(b, "\"");
    switch (r->verdict) {
    case RDC_PASS:
        rdc_buf_puts(b, "/>\n");
        return;
    case RDC_WARN:
        rdc_buf_puts(b, ">\n");
        if (r->nproblems) {
            rdc_buf_puts(b, "      <system-out>");
            problems_text(b, r);
            rdc_buf_puts(b, "</system-out>\n");
        }
        break;
    case RDC_FAIL:
        rdc_buf_puts(b, ">\n");
        failure(b, r, "failure", "fail");
        j->s_failures++;
        break;
    case RDC_TEMPFAIL:
        rdc_buf_puts(b, ">\n");
        failure(b, r, "error", "tempfail");
        j->s_errors++;
        break;
    default:
        rdc_buf_puts(b, ">\n");
        failure(b, r, "error", "invalid-target");
        j->s_errors++;
        break;
    }
    rdc_buf_puts(b, "    </testcase>\n");
}

/* Writes the current suite to dst and empties it. */
static void write_suite(rdc_junit_t *j, FILE *dst)
{
    rdc_buf_t h = {0};
    rdc_buf_puts(&h, "  <testsuite name=\"");
    xml_escape(&h, j->suite, true);
    rdc_buf_printf(&h, "\" tests=\"%lu\" failures=\"%lu\" errors=\"%lu\" skipped=\"0\" time=\"",
                   j->s_tests, j->s_failures, j->s_errors);
    seconds(&h, j->s_ms);
    rdc_buf_puts(&h, "\">\n");
    if (h.failed || j->cases.failed) {
        j->failed = true;
    } else {
        fwrite(h.s, 1, h.len, dst);
        if (j->cases.len)
            fwrite(j->cases.s, 1, j->cases.len, dst);
        fputs("  </testsuite>\n", dst);
        if (ferror(dst))
            j->failed = true;
    }
    rdc_buf_free(&h);
    rdc_buf_free(&j->cases);
    rdc_seen_clear(&j->names);
    free(j->suite);
    j->suite = NULL;
    j->s_tests = j->s_failures = j->s_errors = 0;
    j->s_ms = 0;
}

rdc_junit_t *rdc_junit_new(FILE *f, const char *name)
{
    if (f == NULL)
        return NULL;
    rdc_junit_t *j = calloc(1, sizeof *j);
    if (j == NULL)
        return NULL;
    j->out = f;
    j->name = rdc_strdup(name ? name : "rdnscheck");
    if (j->name == NULL) {
        free(j);
        return NULL;
    }
    return j;
}

/* base, or the first of "base #2", "base #3", ... that no suite has yet:
 * a target given twice gives two suites, and Jenkins and the other JUnit
 * readers tell suites apart by name. NULL without memory. */
static char *unique_suite_name(rdc_junit_t *j, const char *base)
{
    uint64_t hb = rdc_hash64(RDC_HASH64_INIT, base, strlen(base));
    for (;;) {
        unsigned long n = rdc_seen_add(&j->suites, hb);
        if (n == 0)
            return NULL;
        rdc_buf_t b = {0};
        rdc_buf_puts(&b, base);
        if (n > 1)
            rdc_buf_printf(&b, " #%lu", n);
        if (b.failed)
            return NULL;
        if (n == 1)
            return rdc_buf_take(&b);
        uint64_t hc = rdc_hash64(RDC_HASH64_INIT, b.s, b.len);
        if (rdc_seen_count(&j->suites, hc) == 0) {
            if (rdc_seen_add(&j->suites, hc) == 0) {
                rdc_buf_free(&b);
                return NULL;
            }
            return rdc_buf_take(&b);
        }
        rdc_buf_free(&b); /* "base #n" was an input of its own: try n + 1 */
    }
}

/* A suite's class name: "rdnscheck.fcrdns" for addresses and bad lines;
 * for a --mx/--spf domain "rdnscheck.MODE.DOMAIN" with the domain's dots
 * as '-' ("rdnscheck.mx.example-test"): Jenkins and other JUnit readers
 * take the part after the last dot as the class, the rest as the package,
 * so "rdnscheck.192.0.2.10" would be class "10" of package
 * "rdnscheck.192.0.2". */
static char *class_name(const rdc_result_t *r)
{
    rdc_buf_t b = {0};
    if (r->kind != RDC_RESULT_DOMAIN)
        return rdc_strdup("rdnscheck.fcrdns");
    rdc_buf_printf(&b, "rdnscheck.%s.", r->domain.mode ? r->domain.mode : "domain");
    const char *d = r->input ? r->input : "";
    size_t n = strlen(d);
    if (n > 1 && d[n - 1] == '.')
        n--;
    for (size_t i = 0; i < n; i++)
        rdc_buf_append(&b, d[i] == '.' ? "-" : &d[i], 1);
    return rdc_buf_take(&b);
}

/* Closes the current suite into the spool. */
static bool spool_suite(rdc_junit_t *j)
{
    if (j->spool == NULL)
        j->spool = tmpfile();
    if (j->spool == NULL)
        return false;
    write_suite(j, j->spool);
    return !j->failed;
}

/* Starts a suite for r under key g. again: the same key as the suite just
 * closed (a target given twice in a row), which keeps its class name. */
static bool open_suite(rdc_junit_t *j, const rdc_result_t *r, const char *g, bool again)
{
    char *classname = again ? j->classname : class_name(r);
    if (!again) {
        free(j->classname);
        j->classname = classname;
        j->domain_suite = r->kind == RDC_RESULT_DOMAIN;
    }
    if (!again && (j->group == NULL || strcmp(j->group, g) != 0)) {
        free(j->group);
        j->group = rdc_strdup(g);
    }
    j->line = r->line;
    j->suite = j->group ? unique_suite_name(j, g) : NULL;
    return classname && j->group && j->suite;
}

bool rdc_junit_add(rdc_junit_t *j, const rdc_result_t *r, const char *group)
{
    if (j->finished || j->failed)
        return false;
    const char *g = group ? group : r->input ? r->input : "";
    rdc_buf_t name = {0};
    case_name(&name, r);
    uint64_t h = rdc_hash64(RDC_HASH64_INIT, name.s ? name.s : "", name.len);
    /* a suite is a run of results of one key (and one line of FILE); a
     * domain's line always starts one (its addresses, those with a via,
     * follow it), and so does a test case name the suite has already: the
     * same target again */
    bool same = j->suite && strcmp(j->group, g) == 0 && (group || j->line == r->line) &&
                r->kind != RDC_RESULT_DOMAIN && j->domain_suite == (r->via != NULL);
    bool again = same && rdc_seen_count(&j->names, h) > 0;
    if (j->suite && (!same || again) && !spool_suite(j))
        j->failed = true;
    else if ((!same || again) && !open_suite(j, r, g, again))
        j->failed = true;
    else if (name.failed || rdc_seen_add(&j->names, h) == 0)
        j->failed = true;
    if (!j->failed) {
        testcase(j, r, &name);
        j->s_tests++;
        j->s_ms += r->elapsed_ms;
        j->t_tests++;
        j->t_ms += r->elapsed_ms;
        j->t_failures += r->verdict == RDC_FAIL;
        j->t_errors += r->verdict == RDC_TEMPFAIL || r->verdict == RDC_ERROR;
    }
    rdc_buf_free(&name);
    if (j->cases.failed)
        j->failed = true;
    return !j->failed;
}

/* Copies the finished suites from the spool to the output. */
static void copy_spool(rdc_junit_t *j)
{
    char chunk[8192];
    size_t n;
    if (fflush(j->spool) != 0 || fseek(j->spool, 0, SEEK_SET) != 0) {
        j->failed = true;
        return;
    }
    while ((n = fread(chunk, 1, sizeof chunk, j->spool)) > 0)
        if (fwrite(chunk, 1, n, j->out) != n)
            break;
    if (ferror(j->spool))
        j->failed = true;
}

bool rdc_junit_finish(rdc_junit_t *j)
{
    if (j->finished)
        return false;
    j->finished = true;
    rdc_buf_t h = {0};
    rdc_buf_puts(&h, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"");
    xml_escape(&h, j->name, true);
    /* no skipped= here: the JUnit schema Jenkins' xunit plugin documents
     * (junit-10.xsd) has it on <testsuite> only, and refuses it here */
    rdc_buf_printf(&h, "\" tests=\"%lu\" failures=\"%lu\" errors=\"%lu\" time=\"", j->t_tests,
                   j->t_failures, j->t_errors);
    seconds(&h, j->t_ms);
    rdc_buf_puts(&h, "\">\n");
    if (h.failed)
        j->failed = true;
    else
        fwrite(h.s, 1, h.len, j->out);
    rdc_buf_free(&h);
    if (j->spool)
        copy_spool(j);
    if (j->suite)
        write_suite(j, j->out);
    fputs("</testsuites>\n", j->out);
    bool ok = fflush(j->out) == 0 && !ferror(j->out);
    return ok && !j->failed;
}

void rdc_junit_free(rdc_junit_t *j)
{
    if (j == NULL)
        return;
    if (j->spool)
        fclose(j->spool);
    rdc_buf_free(&j->cases);
    rdc_seen_clear(&j->names);
    rdc_seen_clear(&j->suites);
    free(j->suite);
    free(j->classname);
    free(j->group);
    free(j->name);
    free(j);
}
