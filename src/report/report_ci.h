/* report_ci.h - results for CI systems: a JUnit XML report (--junit FILE) and
 * GitHub Actions workflow commands (--format github). Strings in results are
 * printable ASCII already; both writers escape again for their own rules and
 * never emit control bytes or bytes >= 0x80. Internal. */
#ifndef RDC_REPORT_CI_H
#define RDC_REPORT_CI_H

#include <stdbool.h>
#include <stdio.h>

#include "rdnscheck.h"

/* ------------------------------------------------------------ JUnit XML */

/* A JUnit document being written: <testsuites> with one <testsuite> per
 * group of consecutive results (one per input, or per --group such as a
 * domain), one <testcase> per result. pass and warn are passing test cases
 * (a warn carries its warnings in <system-out>), fail is a <failure>,
 * tempfail and error are an <error>.
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

/* Adds one result. Results with the same group (NULL: the same r->input) as
 * the previous one join its <testsuite>; another group closes it. Returns
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

/* One workflow command line for a result that is not a pass:
 *   ::error title=rdnscheck <code>::<ip>: <message> Fix: <fix>
 * (::warning for warn; nothing for pass). <code> is the first problem of the
 * verdict's severity; further problems follow in the message after a line
 * break ("%0A<code>: <message> Fix: <fix>"). A host name target adds
 * " (from <input>)" after the address, as the text report does; a result
 * without an address shows its input ("line N: <input>" for a bad line). */
void rdc_report_github(FILE *f, const rdc_result_t *r);

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
