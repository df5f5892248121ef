/* psl.h - the Public Suffix List (https://publicsuffix.org/list/ through
 * libpsl, with the list the system ships): how many trailing labels of a
 * name are its public suffix. A lookup in read-only data, loaded once on the
 * first call; no sockets. Internal. */
#ifndef RDC_PSL_H
#define RDC_PSL_H

#include <stdbool.h>
#include <stddef.h>

/* The number of trailing labels of the longest public suffix of name
 * (lowercase ASCII text, labels joined by single dots, no trailing dot; a
 * label that is no LDH label is best given as "#", which only a wildcard
 * rule matches). With private_too the list's private section counts too
 * (github.io, compute-1.amazonaws.com), else only its ICANN section. By the
 * list's implicit "*" rule a name's last label alone is a public suffix
 * when no rule matches, so the result is at least 1 for a non-empty name;
 * it may be the number of labels of name (name is a public suffix). When no
 * list can be loaded, 1. */
size_t rdc_psl_suffix_labels(const char *name, bool private_too);

/* Both at once, one pass over name's suffixes: *icann the ICANN section's
 * answer, *any the whole list's. */
void rdc_psl_suffixes(const char *name, size_t *icann, size_t *any);

/* Where the list in use comes from: a file name, or "built in" or "none".
 * Loads the list when not yet loaded. */
const char *rdc_psl_source(void);

#endif
