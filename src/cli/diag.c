/* diag.c - the command line's diagnostics (diag.h). */
#include "diag.h"

#include <stdarg.h>
#include <stdio.h>

static char last_error[512];
static bool errors_on_stderr = true;

bool rdc_cli_errors_on_stderr(bool on)
{
    bool was = errors_on_stderr;
    errors_on_stderr = on;
    return was;
}

void rdc_errorf(const char *fmt, ...)
{
    va_list ap;
    fflush(stdout);
    va_start(ap, fmt);
    vsnprintf(last_error, sizeof last_error, fmt, ap);
    va_end(ap);
    if (!errors_on_stderr)
        return;
    fputs("rdnscheck: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

const char *rdc_cli_last_error(void)
{
    return last_error;
}
