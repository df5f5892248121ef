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

void rdc_json_string(FILE *f, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    putc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned char c = *p;
        if (c == '"' || c == '\\') {
            putc('\\', f);
            putc(c, f);
        } else if (c < 0x20 || c >= 0x7f) {
            /* cannot happen for escaped input; never emit raw bytes anyway */
            fputs("\\u00", f);
            putc(hex[c >> 4], f);
            putc(hex[c & 15], f);
        } else {
            putc(c, f);
        }
    }
    putc('"', f);
}
