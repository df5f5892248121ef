/* smtp.h - incremental parser of SMTP server replies (RFC 5321 §4.2): the
 * 220 greeting, the EHLO answer and any other reply. Pure: no sockets, no
 * allocation; every byte the server sends is untrusted. Not public API. */
#ifndef RDC_SMTP_H
#define RDC_SMTP_H

#include <stdbool.h>
#include <stddef.h>

/* RFC 5321 §4.5.3.1.5 allows 512 octets per reply line; we accept up to 1000
 * octets of line content (the CRLF or LF not counted). */
#define RDC_SMTP_LINE_MAX 1000
/* A whole reply (every line, line endings counted) larger than this is garbage. */
#define RDC_SMTP_REPLY_MAX 65536
/* So is a reply of more lines than this. */
#define RDC_SMTP_LINES_MAX 1000
/* Size of rdc_smtp_reply_t.text: at most 200 printable characters + NUL. */
#define RDC_SMTP_TEXT_MAX 201
/* Size of rdc_smtp_reply_t.host: a text host name (<= 254 octets with its
 * trailing dot) or an address literal, + NUL. */
#define RDC_SMTP_HOST_MAX 256

typedef enum rdc_smtp_status {
    RDC_SMTP_MORE = 0, /* every byte consumed, the reply is not complete yet */
    RDC_SMTP_DONE, /* a complete reply was stored in *out */
    RDC_SMTP_BAD /* not an SMTP reply; see rdc_smtp_parser_error() */
} rdc_smtp_status_t;

/* A complete reply. Plain data, owns nothing; both strings are NUL-terminated
 * and printable ASCII only (0x20..0x7e). */
typedef struct rdc_smtp_reply {
    unsigned code; /* 200..599, the same on every line */
    size_t nlines; /* 1..RDC_SMTP_LINES_MAX */
    /* The first line's text (everything after the code and its separator,
     * verbatim, spaces included), escaped as rdc_escape_bytes() does except
     * that spaces stay spaces: other bytes outside 0x21..0x7e as \DDD (NUL
     * is \000, TAB \009), '"' '\\' ';' after a backslash; cut with "..." at
     * 200 characters. "" for a code-only line. */
    char text[RDC_SMTP_TEXT_MAX];
    /* The first word of the first line's text (leading spaces/tabs skipped,
     * ending at a space, tab or the end of the line), exactly as sent, when it
     * is a host name (rdc_name_from_text() accepts it and
     * rdc_name_is_hostname() holds: two labels or more, last not all digits;
     * one trailing dot allowed and kept) or an address literal of RFC 5321
     * §4.1.3: "[192.0.2.1]" or "[IPv6:2001:db8::1]" (tag case-insensitive).
     * Otherwise "". In a greeting it is the server's name in the banner, in
     * the answer to EHLO the name the server gives itself. It is filled for
     * every reply whatever the code; the caller decides what it means. */
    char host[RDC_SMTP_HOST_MAX];
} rdc_smtp_reply_t;

/* Parser state. Treat as opaque: fields are internal. Self-contained (no
 * pointers to the caller's data, no allocation): it may be copied, and needs
 * no cleanup. */
typedef struct rdc_smtp_parser {
    unsigned char line[RDC_SMTP_LINE_MAX + 1]; /* partial line (+ a CR) */
    size_t len; /* bytes in line */
    size_t bytes; /* bytes of the current reply so far */
    const char *error; /* static reason once BAD, else NULL */
    rdc_smtp_reply_t reply; /* the reply being built */
} rdc_smtp_parser_t;

/* Readies p for the first reply. */
void rdc_smtp_parser_init(rdc_smtp_parser_t *p);

/* Feeds n bytes of server data (data may be NULL when n is 0). The result does
 * not depend on how the stream is cut into calls.
 *
 *  - RDC_SMTP_MORE: all n bytes consumed (*used = n); call again with more.
 *  - RDC_SMTP_DONE: *out holds the reply; *used tells how many bytes were
 *    consumed, up to and including the last line's LF. Bytes after it
 *    (pipelined replies, or a server speaking out of turn) were not looked at:
 *    feed data + *used again for the next reply. The parser is ready for it.
 *  - RDC_SMTP_BAD: the data is no SMTP reply (bad or inconsistent code, line
 *    or reply too long, too many lines). *used counts the bytes up to and
 *    including the offending one. The parser stays BAD: later calls return
 *    BAD and consume nothing, until rdc_smtp_parser_init().
 *
 * Lines end in CRLF or a bare LF (one CR before the LF is dropped; any other
 * CR is a text byte). Each line is CODE, CODE SP text or CODE '-' text, with
 * CODE three digits, the first 2..5; '-' means more lines follow. NUL and
 * other binary bytes are allowed in text and come out escaped. Code, digits
 * and separator are checked as soon as they arrive, so a non-SMTP peer is
 * refused without waiting for a line end. used may be NULL; *out is written
 * only on DONE. */
rdc_smtp_status_t rdc_smtp_feed(rdc_smtp_parser_t *p, const void *data, size_t n, size_t *used,
                                rdc_smtp_reply_t *out);

/* The static reason of the BAD state ("inconsistent reply codes", "line too
 * long", ...), or NULL when the parser is not BAD. */
const char *rdc_smtp_parser_error(const rdc_smtp_parser_t *p);

/* True for a greeting (or any reply) that refuses the session or command:
 * 4xx (temporary: 421 "service not available", 450, ...) and 5xx (permanent:
 * 554 "no SMTP service here", ...). A 2xx/3xx code is no refusal; whether it
 * is the expected one (220 for a greeting, 250 for EHLO) is for the caller. */
bool rdc_smtp_greeting_is_refusal(unsigned code);

/* True for a 4xx code: the refusal is temporary, the server may accept later. */
bool rdc_smtp_code_is_temporary(unsigned code);

#endif
