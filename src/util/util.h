/* util.h - small internal helpers shared by the core modules: a growable
 * text buffer and checked allocation. Not part of the public API. */
#ifndef RDC_UTIL_H
#define RDC_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdio.h>

/* A growable NUL-terminated string. A zeroed struct is an empty buffer;
 * after an allocation failure `failed` is set and further appends do nothing. */
typedef struct rdc_buf {
    char *s;
    size_t len, cap;
    bool failed;
} rdc_buf_t;

void rdc_buf_append(rdc_buf_t *b, const char *s, size_t n);
void rdc_buf_puts(rdc_buf_t *b, const char *s);
void rdc_buf_printf(rdc_buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void rdc_buf_vprintf(rdc_buf_t *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* Hands the string to the caller (NULL when empty or failed) and resets b. */
char *rdc_buf_take(rdc_buf_t *b);
void rdc_buf_free(rdc_buf_t *b);

/* strdup that returns NULL for NULL. */
char *rdc_strdup(const char *s);

/* ASCII lower case (DNS names compare case-insensitively in ASCII only,
 * RFC 4343); every other octet is returned as it is. */
static inline char rdc_lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
}

/* Milliseconds of CLOCK_MONOTONIC. */
unsigned long long rdc_now_ms(void);

/* The wall-clock time at as "HH:MM:SS UTC" into buf (cap bytes), or
 * fallback when it cannot be formatted. */
void rdc_utc_clock(char *buf, size_t cap, long long at, const char *fallback);

/* Milliseconds since the epoch (CLOCK_REALTIME): when a record is written. */
long long rdc_wall_ms(void);

/* ms (since the epoch) as RFC 3339 UTC with milliseconds,
 * "2026-12-07T10:11:12.345Z", into buf (cap >= 25). */
void rdc_rfc3339_ms(char *buf, size_t cap, long long ms);

/* Writes s as a JSON string literal (with quotes) to f, in ASCII: '"' and
 * '\\' escaped, a well-formed UTF-8 sequence (a checked IDN) as \uXXXX
 * (a surrogate pair above U+FFFF), any other byte outside printable ASCII
 * as \u00XX. */
void rdc_json_string(FILE *f, const char *s);

#endif
