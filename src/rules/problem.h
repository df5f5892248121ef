/* problem.h - adding a problem to a result (problem.c); the code table
 * itself is reached through rdnscheck.h (rdc_code_name, rdc_code_severity).
 * Internal. */
#ifndef RDC_PROBLEM_H
#define RDC_PROBLEM_H

#include "rdnscheck.h"

/* Appends a problem with a formatted message; fix may be NULL. Returns false
 * on allocation failure. */
bool rdc_result_add_problem(rdc_result_t *r, rdc_code_t code, const char *fix, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
