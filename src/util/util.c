/* util.c - growable text buffer and small helpers used across the core. */
#define _POSIX_C_SOURCE 200809L
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static bool reserve(rdc_buf_t *b, size_t extra)
{
    if (b->failed)
        return false;
    if (b->len + extra + 1 <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1)
        cap *= 2;
    char *s = realloc(b->s, cap);
    if (s == NULL) {
        b->failed = true;
        return false;
    }
    b->s = s;
    b->cap = cap;
    return true;
}

void rdc_buf_append(rdc_buf_t *b, const char *s, size_t n)
{
    if (!reserve(b, n))
        return;
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void rdc_buf_puts(rdc_buf_t *b, const char *s)
{
    rdc_buf_append(b, s, strlen(s));
}

void rdc_buf_vprintf(rdc_buf_t *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0 || !reserve(b, (size_t)n)) {
        b->failed = true;
        return;
    }
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void rdc_buf_printf(rdc_buf_t *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    rdc_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

char *rdc_buf_take(rdc_buf_t *b)
{
    char *s = b->failed ? NULL : b->s;
    if (b->failed)
        free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
    b->failed = false;
    return s;
}

void rdc_buf_free(rdc_buf_t *b)
{
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
    b->failed = false;
}

char *rdc_strdup(const char *s)
{
    if (s == NULL)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

unsigned long long rdc_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (unsigned long long)ts.tv_sec * 1000ull + (unsigned long long)ts.tv_nsec / 1000000ull;
}

void rdc_utc_clock(char *buf, size_t cap, long long at, const char *fallback)
{
    time_t t = (time_t)at;
    struct tm tm;
    if (gmtime_r(&t, &tm) == NULL || strftime(buf, cap, "%H:%M:%S UTC", &tm) == 0)
        snprintf(buf, cap, "%s", fallback);
}

long long rdc_wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void rdc_rfc3339_ms(char *buf, size_t cap, long long ms)
{
    /* a JSON record carries one, so a bulk run asks thousands a second:
     * the date and time of the last whole second are kept (one thread) */
    static long long last_s = -1;
    static char day[24];
    long long s = ms / 1000;
    if (ms < 0) {
        snprintf(buf, cap, "1970-01-01T00:00:00.000Z");
        return;
    }
    if (s != last_s) {
        time_t t = (time_t)s;
        struct tm tm;
        if (gmtime_r(&t, &tm) == NULL || strftime(day, sizeof day, "%Y-%m-%dT%H:%M:%S", &tm) == 0) {
            last_s = -1;
            snprintf(buf, cap, "1970-01-01T00:00:00.000Z");
            return;
        }
        last_s = s;
    }
    int frac = (int)(ms % 1000);
    char out[32];
    size_t n = strlen(day);
    memcpy(out, day, n);
    out[n] = '.';
    out[n + 1] = (char)('0' + frac / 100);
    out[n + 2] = (char)('0' + frac / 10 % 10);
    out[n + 3] = (char)('0' + frac % 10);
    out[n + 4] = 'Z';
    out[n + 5] = '\0';
    snprintf(buf, cap, "%s", out);
}

/* The code point of the well-formed UTF-8 sequence at p (RFC 3629: no
 * overlong forms, no surrogates, at most U+10FFFF) and its length in *n;
 * 0 with *n = 0 when p does not start one. */
static unsigned long utf8_decode(const unsigned char *p, size_t *n)
{
    unsigned long cp;
    size_t len;
    *n = 0;
    if (p[0] >= 0xc2 && p[0] <= 0xdf)
        cp = p[0] & 0x1fu, len = 2;
    else if (p[0] >= 0xe0 && p[0] <= 0xef)
        cp = p[0] & 0x0fu, len = 3;
    else if (p[0] >= 0xf0 && p[0] <= 0xf4)
        cp = p[0] & 0x07u, len = 4;
    else
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xc0) != 0x80) /* a NUL ends the string here too */
            return 0;
        cp = cp << 6 | (p[i] & 0x3fu);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    *n = len;
    return cp;
}

static void json_u(FILE *f, unsigned long u)
{
    static const char hex[] = "0123456789abcdef";
    fputs("\\u", f);
    for (int shift = 12; shift >= 0; shift -= 4)
        putc(hex[(u >> shift) & 15], f);
}

void rdc_json_string(FILE *f, const char *s)
{
    putc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned char c = *p;
        size_t n;
        unsigned long cp;
        if (c == '"' || c == '\\') {
            putc('\\', f);
            putc(c, f);
        } else if (c >= 0x80 && (cp = utf8_decode(p, &n)) != 0) {
            /* a checked Unicode name (IDN): ASCII out, as \uXXXX */
            if (cp >= 0x10000) {
                json_u(f, 0xd800 + ((cp - 0x10000) >> 10));
                json_u(f, 0xdc00 + ((cp - 0x10000) & 0x3ff));
            } else {
                json_u(f, cp);
            }
            p += n - 1;
        } else if (c < 0x20 || c >= 0x7f) {
            /* cannot happen for escaped input; never emit raw bytes anyway */
            json_u(f, c);
        } else {
            putc(c, f);
        }
    }
    putc('"', f);
}
