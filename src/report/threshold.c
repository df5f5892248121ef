/* threshold.c - the Monitoring Plugins range syntax ("10", "10:", "~:10",
 * "10:20", "@10:20") parsed strictly: anything that is not exactly that
 * syntax is refused with a reason, where a lax parser would read it as 0. */
#include "threshold.h"

#include <stdlib.h>
#include <string.h>

/* A decimal number: an optional '-', digits, then optionally '.' and
 * digits. Converted with strtod once the syntax is known, so
 * strtod's own extras (exponents, hex, "inf", blanks) never get through. */
static bool parse_number(const char *s, size_t len, double *out)
{
    char buf[RDC_RANGE_TEXT_MAX + 1];
    size_t i = 0, digits = 0;
    if (len == 0 || len > RDC_RANGE_TEXT_MAX)
        return false;
    if (s[i] == '-')
        i++;
    for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
        digits++;
    if (digits == 0)
        return false; /* ".5", "-", "~5" */
    if (i < len && s[i] == '.') {
        size_t frac = 0;
        for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++)
            frac++;
        if (frac == 0)
            return false; /* "10." */
    }
    if (i != len)
        return false;
    memcpy(buf, s, len);
    buf[len] = '\0';
    *out = strtod(buf, NULL);
    return true;
}

static bool refuse(rdc_range_t *r, const char **why, const char *reason)
{
    memset(r, 0, sizeof *r);
    *why = reason;
    return false;
}

bool rdc_range_parse(const char *s, size_t len, rdc_range_t *r, const char **why)
{
    static const char syntax[] = "not a range: use N, N:, ~:N, N:M or @N:M with decimal numbers";
    memset(r, 0, sizeof *r);
    if (len == 0)
        return refuse(r, why, "empty range");
    if (len > RDC_RANGE_TEXT_MAX)
        return refuse(r, why, "range too long (at most 31 characters)");
    memcpy(r->text, s, len);
    r->text[len] = '\0';
    const char *p = s, *end = s + len;
    if (*p == '@') {
        r->inside = true;
        p++;
    }
    const char *colon = memchr(p, ':', (size_t)(end - p));
    const char *hi = p; /* the end's text */
    if (colon) {
        size_t n = (size_t)(colon - p);
        if (memchr(colon + 1, ':', (size_t)(end - colon - 1)))
            return refuse(r, why, syntax);
        if (n == 1 && *p == '~')
            r->start_inf = true;
        else if (n > 0 && !parse_number(p, n, &r->start))
            return refuse(r, why, syntax); /* n == 0: ":10" starts at 0 */
        hi = colon + 1;
        if (n == 0 && hi == end)
            return refuse(r, why, syntax); /* ":" says nothing */
    }
    if (hi == end && colon)
        r->end_inf = true; /* "10:" */
    else if (!parse_number(hi, (size_t)(end - hi), &r->end))
        return refuse(r, why, syntax);
    if (!r->start_inf && !r->end_inf && r->start > r->end)
        return refuse(r, why, "the range's start is above its end");
    r->set = true;
    return true;
}

bool rdc_range_alerts(const rdc_range_t *r, double v)
{
    if (!r->set)
        return false;
    bool in = (r->start_inf || v >= r->start) && (r->end_inf || v <= r->end);
    return r->inside ? in : !in;
}
