/* report_ci.h - results for CI systems: a JUnit XML report (--junit FILE,
 * report_ci.c) and GitHub Actions workflow commands with a job summary
 * (--format github, report_github.c). Strings in results are printable
 * ASCII already; the writers escape again for their own rules and never
 * emit control bytes or bytes >= 0x80. Internal. */
#ifndef RDC_REPORT_CI_H
#define RDC_REPORT_CI_H

#include <stdbool.h>
#include <stdio.h>

#include "rdnscheck.h"
#include "util.h"

/* The problem a CI system shows first: the first one of the verdict's
 * severity, else (--strict turns warnings into a fail) the first one. A
 * domain's own verdict chooses among its own problems; NULL when its line
 * fails only through its addresses, or when r has no problem. */
const rdc_problem_t *rdc_ci_main_problem(const rdc_result_t *r);

/* ------------------------------------------------------------ JUnit XML */

/* A JUnit document being written: <testsuites> with one <testsuite> per
 * group of consecutive results (one per input, or per --group such as a
 * domain), one <testcase> per result. pass and warn are passing test cases
 * (a warn carries its warnings in <system-out>), fail is a <failure>,
 * tempfail and error are an <error>.
 *
 * Names, as JUnit readers (Jenkins, GitLab) need them: a test case's
 * classname is "rdnscheck.fcrdns", or "rdnscheck.MODE.DOMAIN" for a --mx
 * or --spf domain's line and addresses, with the domain's dots as '-'
 * ("rdnscheck.mx.example-test"): readers take the part after the last dot
 * as the class. The address is in the test case's name. Suite names are
 * unique: a target given again becomes "INPUT #2", "INPUT #3"; a suite
 * never holds two test cases of the same name (the same target twice in
 * a row makes two suites).
 *
 * Memory holds only the current suite's test cases. The totals on
 * <testsuites> are known only at the end, so finished suites wait in an
 * anonymous temporary file (tmpfile(), created only once a second suite
 * starts) and are copied to f by rdc_junit_finish. */
typedef struct rdc_junit rdc_junit_t;

/* Starts a document written to f (not owned; the caller closes it after
 * rdc_junit_finish). name is the <testsuites name=...>; NULL means
 * "rdnscheck". Returns NULL on allocation failure or when f is NULL. */
rdc_junit_t *rdc_junit_new(FILE *f, const char *name);

/* Adds one result. Results with the same group (NULL: the same r->input
 * and r->line) as the previous one join its <testsuite>; another group, a
 * domain's line or a test case name the suite already has closes it. Returns
 * false on allocation failure or when the temporary file cannot be created
 * or written; the failure sticks and rdc_junit_finish reports it too. */
bool rdc_junit_add(rdc_junit_t *j, const rdc_result_t *r, const char *group);

/* Closes the last suite and writes the whole document to f, then flushes
 * f. Returns false when anything failed: an earlier add, the temporary
 * file, or a write to f (ferror or fflush). Call it once. */
bool rdc_junit_finish(rdc_junit_t *j);

/* Frees the writer (f stays open); NULL is a no-op. */
void rdc_junit_free(rdc_junit_t *j);

/* ------------------------------------------------------------ GitHub */

/* GitHub keeps this many error and this many warning annotations a step. */
#define RDC_GITHUB_ANNOTATIONS 10

/* One workflow command line for a result that is not a pass, appended to b:
 *   ::error title=rdnscheck <code>::<ip>: <message> Fix: <fix>
 * (::warning for warn; nothing for pass). <code> is the first problem of the
 * verdict's severity; further problems follow in the message after a line
 * break ("%0A<code>: <message> Fix: <fix>"). A host name target adds
 * " (from <input>)" after the address, as the text report does; a result
 * without an address shows its input ("line N: <input>" for a bad line,
 * which with file not NULL, the FILE it was read from, also gets
 * "file=<file>,line=N," before the title, so GitHub attaches it there). */
void rdc_github_line(rdc_buf_t *b, const rdc_result_t *r, const char *file);

/* rdc_github_line without a file, written to f. */
void rdc_report_github(FILE *f, const rdc_result_t *r);

/* A --format github run (report_github.c has the why): the annotations
 * kept are the RDC_GITHUB_ANNOTATIONS worst errors and warnings, in
 * bounded memory; the rest are counted. With a job summary, every result
 * that is not a pass is also a row of a Markdown table appended to it as
 * it comes, until the rows would take more than budget bytes. */
typedef struct rdc_github rdc_github_t;

/* file: the -f FILE that bad lines come from (NULL or "-": none, no
 * file=); summary: $GITHUB_STEP_SUMMARY opened for appending, or NULL (not
 * owned: the caller closes it after rdc_github_finish); budget: the bytes
 * the summary may still take. NULL without memory. */
rdc_github_t *rdc_github_new(const char *file, FILE *summary, unsigned long long budget);

/* Notes one result. false: out of memory, or the summary could not be
 * written (sticks). */
bool rdc_github_add(rdc_github_t *g, const rdc_result_t *r);

/* Writes to f the annotations kept, worst first (errors, then warnings),
 * the summary notice (rdc_report_github_summary), and when any were left
 * out a notice saying how many and where they are; closes the summary
 * with the counts and flushes it. false when the summary failed. */
bool rdc_github_finish(rdc_github_t *g, FILE *f, const rdc_counts_t *c);

/* Frees g (not the summary); NULL is a no-op. */
void rdc_github_free(rdc_github_t *g);

/* "::notice title=rdnscheck::5 checked: 3 pass, 1 warn, 1 fail" */
void rdc_report_github_summary(FILE *f, const rdc_counts_t *c);

/* Writes s escaped as @actions/core does: escapeData turns % CR LF into
 * %25 %0D %0A; escapeProperty also : and , into %3A %2C. In addition (where
 * the toolkit would pass bytes through) control bytes other than tab, DEL
 * and bytes >= 0x80 become \DDD, so that no raw escape sequence reaches the
 * log. */
void rdc_github_escape_data(FILE *f, const char *s);
void rdc_github_escape_property(FILE *f, const char *s);

#endif
