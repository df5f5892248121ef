/* threshold.h - threshold ranges as the Monitoring Plugins Development
 * Guidelines define them ("Threshold and Ranges"): check_rdns's -w, -c,
 * -W and -C, and the warn and crit fields of its performance data.
 * Pure: no I/O. Internal. */
#ifndef RDC_THRESHOLD_H
#define RDC_THRESHOLD_H

#include <stdbool.h>
#include <stddef.h>

/* The longest range text kept (for the performance data). */
#define RDC_RANGE_TEXT_MAX 31

/* A range [start, end], either end possibly infinite. A zeroed struct is
 * "no threshold", which never alerts. */
typedef struct rdc_range {
    bool set; /* false: no threshold */
    bool inside; /* "@": alert inside the range; else outside it */
    bool start_inf, end_inf; /* "~:" start; an empty end ("10:") */
    double start, end;
    char text[RDC_RANGE_TEXT_MAX + 1]; /* as given, for the performance data */
} rdc_range_t;

/* Parses s (len bytes, not necessarily NUL-terminated) into *r:
 *   10      alert outside 0..10 (below 0 or above 10)
 *   10:     alert below 10 (outside 10..infinity)
 *   ~:10    alert above 10 (outside -infinity..10)
 *   10:20   alert outside 10..20
 *   @10:20  alert inside 10..20 (10 and 20 included)
 * An empty start (":10") is 0. Numbers are decimal: an optional "-",
 * digits, an optional "." and digits (no exponent, sign "+", "inf" or
 * blanks). The start may not be above the end. On failure returns false,
 * sets *why (a static string) and leaves r zeroed. */
bool rdc_range_parse(const char *s, size_t len, rdc_range_t *r, const char **why);

/* Whether value v is to be alerted on by r; never for a zeroed r. */
bool rdc_range_alerts(const rdc_range_t *r, double v);

#endif
