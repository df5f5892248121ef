/* unit.h - shared includes and small helpers for the cmocka unit tests. */
#ifndef RDC_UNIT_H
#define RDC_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* True when every byte of s is printable ASCII (0x20..0x7e). */
static inline int unit_printable(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p > 0x7e)
            return 0;
    return 1;
}

/* True when s contains needle. */
static inline int unit_contains(const char *s, const char *needle)
{
    return s != NULL && needle != NULL && strstr(s, needle) != NULL;
}

/* A copy of len bytes in a heap block of exactly len bytes, so that ASan and
 * valgrind see any read past the end. Never NULL (fails the test). */
static inline void *unit_memdup(const void *p, size_t len)
{
    void *d = malloc(len ? len : 1);
    assert_non_null(d);
    if (len)
        memcpy(d, p, len);
    return d;
}

#endif
