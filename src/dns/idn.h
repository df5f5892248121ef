/* idn.h - internationalized host names (IDNA2008 with UTS 46 processing,
 * non-transitional, through libidn2): a name typed in Unicode to the
 * A-labels that DNS carries, and A-labels back to Unicode for display when
 * that is safe. Pure: no sockets. Only idn.c includes idn2.h. Internal. */
#ifndef RDC_IDN_H
#define RDC_IDN_H

#include <stdbool.h>
#include <stddef.h>

/* True when s (len bytes) holds a byte outside ASCII: a name to convert. */
bool rdc_idn_has_unicode(const char *s, size_t len);

/* Converts the host name s (len bytes of UTF-8, any case, one trailing dot
 * allowed) to A-labels (UTS 46: mapping, NFC, non-transitional: "faß" stays
 * "faß", xn--fa-hia), into out (cap bytes, NUL-terminated, lower case,
 * without a trailing dot). Returns false and sets *why (static text) when s
 * is no valid UTF-8, no valid IDN, or its A-label form does not fit. The
 * result still has to pass rdc_name_from_text(). */
bool rdc_idn_to_ascii(const char *s, size_t len, char *out, size_t cap, const char **why);

/* True when the UTF-8 name s (NUL-terminated) is safe to show as it is: it
 * converts to A-labels and back, and no label mixes scripts beyond what
 * UTS 39's "highly restrictive" level allows (one script, or Latin with
 * Han and Japanese kana, Han and Bopomofo, or Han and Hangul): a label
 * such as "pаypal" with a Cyrillic a is a homograph, not shown; nor is a
 * label of Cyrillic letters that all look Latin ("аррӏе") in a name whose
 * last label is ASCII (a whole-script confusable). */
bool rdc_idn_safe(const char *s);

/* Writes the Unicode form of name (presentation form, as
 * rdc_name_to_text() writes it) into out (cap bytes) and returns true
 * when name has an A-label ("xn--"), no escaped byte, converts and round-
 * trips to exactly its own A-labels, and rdc_idn_safe() holds; otherwise
 * returns false and the name is to be shown as it is. */
bool rdc_idn_to_display(const char *name, char *out, size_t cap);

#endif
