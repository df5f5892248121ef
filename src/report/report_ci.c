/* report_ci.c - JUnit XML and GitHub Actions workflow commands. Both map a
 * verdict onto what the CI system knows: JUnit has pass, failure and error
 * (a warn is a pass with its warnings in <system-out>); GitHub has error,
 * warning and notice annotations. All text is escaped again here, whatever
 * escaping it had upstream. */
#include "report_ci.h"
#include "report.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

/* The problem a CI system shows first: the first one of the verdict's
 * severity, else (--strict turns warnings into a fail) the first one. A
 * domain's own verdict chooses among its own problems; NULL when its line
 * fails only through its addresses. */
static const rdc_problem_t *main_problem(const rdc_result_t *r)
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

/* True when the address came from a host name, not from an address or a
 * block (the rule of the text report). ip is the formatted address. */
static bool from_name(const rdc_result_t *r, const char *ip)
{
    return r->input && strcmp(r->input, ip) != 0 && strchr(r->input, '/') == NULL;
}

/* ================================================================ JUnit */

struct rdc_junit {
    FILE *out;
    FILE *spool; /* finished suites, until the totals are known */
    char *name;
    char *group; /* the current suite's name; NULL before the first result */
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
    const rdc_problem_t *m = main_problem(r);
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

static void testcase(rdc_junit_t *j, const rdc_result_t *r)
{
    rdc_buf_t *b = &j->cases;
    rdc_buf_puts(b, "    <testcase classname=\"rdnscheck.");
    xml_escape(b, j->group, true);
    rdc_buf_puts(b, "\" name=\"");
    case_name(b, r);
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
    xml_escape(&h, j->group, true);
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
    free(j->group);
    j->group = NULL;
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

bool rdc_junit_add(rdc_junit_t *j, const rdc_result_t *r, const char *group)
{
    if (j->finished || j->failed)
        return false;
    const char *g = group ? group : r->input ? r->input : "";
    if (j->group && strcmp(j->group, g) != 0) {
        if (j->spool == NULL)
            j->spool = tmpfile();
        if (j->spool == NULL) {
            j->failed = true;
            return false;
        }
        write_suite(j, j->spool);
        if (j->failed)
            return false;
    }
    if (j->group == NULL) {
        j->group = rdc_strdup(g);
        if (j->group == NULL) {
            j->failed = true;
            return false;
        }
    }
    testcase(j, r);
    j->s_tests++;
    j->s_ms += r->elapsed_ms;
    j->t_tests++;
    j->t_ms += r->elapsed_ms;
    j->t_failures += r->verdict == RDC_FAIL;
    j->t_errors += r->verdict == RDC_TEMPFAIL || r->verdict == RDC_ERROR;
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
    rdc_buf_printf(&h, "\" tests=\"%lu\" failures=\"%lu\" errors=\"%lu\" skipped=\"0\" time=\"",
                   j->t_tests, j->t_failures, j->t_errors);
    seconds(&h, j->t_ms);
    rdc_buf_puts(&h, "\">\n");
    if (h.failed)
        j->failed = true;
    else
        fwrite(h.s, 1, h.len, j->out);
    rdc_buf_free(&h);
    if (j->spool)
        copy_spool(j);
    if (j->group)
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
    free(j->group);
    free(j->name);
    free(j);
}

/* ================================================================ GitHub */

static void gh_escape(FILE *f, const char *s, bool property)
{
    if (s == NULL)
        return;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned char c = *p;
        if (c == '%')
            fputs("%25", f);
        else if (c == '\r')
            fputs("%0D", f);
        else if (c == '\n')
            fputs("%0A", f);
        else if (property && c == ':')
            fputs("%3A", f);
        else if (property && c == ',')
            fputs("%2C", f);
        else if ((c < 0x20 && c != '\t') || c >= 0x7f)
            fprintf(f, "\\%03u", (unsigned)c);
        else
            putc(c, f);
    }
}

void rdc_github_escape_data(FILE *f, const char *s)
{
    gh_escape(f, s, false);
}

void rdc_github_escape_property(FILE *f, const char *s)
{
    gh_escape(f, s, true);
}

/* "code: message Fix: fix" without the code for the main problem. */
static void gh_problem(FILE *f, const rdc_problem_t *p, bool with_code)
{
    if (with_code) {
        gh_escape(f, rdc_problem_name(p), false);
        gh_escape(f, ": ", false);
    }
    gh_escape(f, p->message, false);
    if (p->fix) {
        gh_escape(f, " Fix: ", false);
        gh_escape(f, p->fix, false);
    }
}

void rdc_report_github(FILE *f, const rdc_result_t *r)
{
    char ip[RDC_ADDR_TEXT_MAX], line[32];
    if (r->verdict == RDC_PASS)
        return;
    const rdc_problem_t *m = main_problem(r);
    fprintf(f, "::%s title=", r->verdict == RDC_WARN ? "warning" : "error");
    gh_escape(f, "rdnscheck ", true);
    gh_escape(f,
              m                              ? rdc_problem_name(m)
              : r->kind == RDC_RESULT_DOMAIN ? r->domain.mode
                                             : rdc_verdict_name(r->verdict),
              true);
    fputs("::", f);
    if (r->kind == RDC_RESULT_DOMAIN) {
        /* "example.test (mx): 2 addresses, 1 fail", then its own problems */
        rdc_buf_t counts = {0};
        rdc_domain_counts(&counts, r);
        gh_escape(f, r->input, false);
        gh_escape(f, " (", false);
        gh_escape(f, r->domain.mode, false);
        gh_escape(f, "): ", false);
        gh_escape(f, counts.s ? counts.s : "", false);
        rdc_buf_free(&counts);
        if (m) {
            gh_escape(f, "\n", false);
            gh_problem(f, m, true);
        }
        for (size_t i = 0; i < r->nproblems; i++) {
            if (&r->problems[i] == m)
                continue;
            gh_escape(f, "\n", false);
            gh_problem(f, &r->problems[i], true);
        }
        putc('\n', f);
        return;
    }
    if (r->kind != RDC_RESULT_ADDRESS) {
        if (r->kind == RDC_RESULT_INVALID && r->line) {
            snprintf(line, sizeof line, "line %lu: ", r->line);
            gh_escape(f, line, false);
        }
        gh_escape(f, r->input, false);
    } else {
        gh_escape(f, rdc_addr_format(&r->addr, ip), false);
        if (from_name(r, ip)) {
            gh_escape(f, " (from ", false);
            gh_escape(f, r->input, false);
            gh_escape(f, ")", false);
        }
    }
    gh_escape(f, ": ", false);
    if (m)
        gh_problem(f, m, false);
    else
        gh_escape(f, rdc_verdict_name(r->verdict), false);
    for (size_t i = 0; i < r->nproblems; i++) {
        if (&r->problems[i] == m)
            continue;
        gh_escape(f, "\n", false);
        gh_problem(f, &r->problems[i], true);
    }
    putc('\n', f);
}

void rdc_report_github_summary(FILE *f, const rdc_counts_t *c)
{
    /* the text report's closing line, as a notice */
    fputs("::notice title=rdnscheck::", f);
    rdc_report_text_summary(f, c);
}
