/* diag.h - the command line's one writer of diagnostics: a line
 * "rdnscheck: MESSAGE" on standard error, the last message kept for
 * --format nagios and check_rdns, which say it on standard output. */
#ifndef RDC_DIAG_H
#define RDC_DIAG_H

#include <stdbool.h>

/* Writes "rdnscheck: <message>\n" to stderr (unless turned off). */
void rdc_errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* on false, rdc_errorf only keeps its message for rdc_cli_last_error:
 * check_rdns says everything on standard output, in the status line (some
 * monitoring systems show standard error as part of the check's output). */
bool rdc_cli_errors_on_stderr(bool on); /* returns what it was */

/* The last message rdc_errorf wrote (without "rdnscheck: "), cut at 511
 * bytes; "" before the first. For --format nagios, whose status line
 * must say what went wrong on standard output. */
const char *rdc_cli_last_error(void);

#endif
