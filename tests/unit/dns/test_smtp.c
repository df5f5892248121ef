/* test_smtp.c - unit tests of smtp.c: the incremental SMTP reply parser
 * (codes, continuations, line endings, limits, chunking, pipelining, escaping)
 * and the greeting host name. */
#include "unit.h"

#include "smtp.h"

/* ------------------------------------------------------------- helpers */

/* Feeds len bytes of s in one call to a fresh parser (from an exact-size heap
 * copy, so ASan sees reads past the end). Returns the status; *used and *r as
 * rdc_smtp_feed() leaves them; *why the error or NULL. */
static rdc_smtp_status_t parse_chunk(const char *s, size_t len, rdc_smtp_reply_t *r, size_t *used,
                                     const char **why)
{
    rdc_smtp_parser_t p;
    rdc_smtp_parser_init(&p);
    void *copy = unit_memdup(s, len);
    memset(r, 0x55, sizeof *r);
    rdc_smtp_status_t st = rdc_smtp_feed(&p, copy, len, used, r);
    free(copy);
    if (why)
        *why = rdc_smtp_parser_error(&p);
    return st;
}

static rdc_smtp_status_t parse(const char *s, rdc_smtp_reply_t *r)
{
    size_t used;
    return parse_chunk(s, strlen(s), r, &used, NULL);
}

/* Feeds s one byte at a time; every call before the last must return MORE
 * having consumed its byte. */
static rdc_smtp_status_t parse_bytes(const char *s, size_t len, rdc_smtp_reply_t *r, size_t *total,
                                     const char **why)
{
    rdc_smtp_parser_t p;
    rdc_smtp_parser_init(&p);
    memset(r, 0x55, sizeof *r);
    rdc_smtp_status_t st = RDC_SMTP_MORE;
    *total = 0;
    for (size_t i = 0; i < len && st == RDC_SMTP_MORE; i++) {
        size_t used = 99;
        uint8_t *b = unit_memdup(s + i, 1);
        st = rdc_smtp_feed(&p, b, 1, &used, r);
        free(b);
        assert_int_equal(used, 1);
        *total += used;
    }
    if (why)
        *why = rdc_smtp_parser_error(&p);
    return st;
}

static void assert_bad(const char *s, size_t len, const char *reason)
{
    rdc_smtp_reply_t r;
    size_t used;
    const char *why;
    assert_int_equal(parse_chunk(s, len, &r, &used, &why), RDC_SMTP_BAD);
    assert_non_null(why);
    if (reason != NULL && strcmp(why, reason) != 0)
        fail_msg("input \"%.40s\": reason \"%s\", expected \"%s\"", s, why, reason);
}

static void assert_reply_valid(const rdc_smtp_reply_t *r)
{
    assert_true(memchr(r->text, '\0', sizeof r->text) != NULL);
    assert_true(memchr(r->host, '\0', sizeof r->host) != NULL);
    assert_true(unit_printable(r->text));
    assert_true(unit_printable(r->host));
}

/* A string of n copies of c (caller frees). */
static char *repeat(char c, size_t n)
{
    char *s = malloc(n + 1);
    assert_non_null(s);
    memset(s, c, n);
    s[n] = '\0';
    return s;
}

/* ------------------------------------------------------------- basics */

static void single_line(void **state)
{
    (void)state;
    rdc_smtp_reply_t r;
    size_t used;
    const char *in = "220 mail.example.test ESMTP Postfix (Debian/GNU)\r\n";
    assert_int_equal(parse_chunk(in, strlen(in), &r, &used, NULL), RDC_SMTP_DONE);
    assert_int_equal(used, strlen(in));
    assert_int_equal(r.code, 220);
    assert_int_equal(r.nlines, 1);
    assert_string_equal(r.text, "mail.example.test ESMTP Postfix (Debian/GNU)");
    assert_string_equal(r.host, "mail.example.test");
    assert_reply_valid(&r);
}

static void multi_line_greeting(void **state)
{
    (void)state;
    rdc_smtp_reply_t r;
    const char *in = "220-mx.example.test ESMTP first\r\n"
                     "220-no UCE\r\n"
                     "220 last line\r\n";
    assert_int_equal(parse(in, &r), RDC_SMTP_DONE);
    assert_int_equal(r.code, 220);
    assert_int_equal(r.nlines, 3);
    assert_string_equal(r.text, "mx.example.test ESMTP first");
    assert_string_equal(r.host, "mx.example.test");
}

static void ehlo_reply(void **state)
{
    (void)state;
    rdc_smtp_reply_t r;
    const char *in = "250-mail.example.test\r\n"
                     "250-PIPELINING\r\n"
                     "250-SIZE 10240000\r\n"
                     "250-STARTTLS\r\n"
                     "250-8BITMIME\r\n"
                     "250 SMTPUTF8\r\n";
    assert_int_equal(parse(in, &r), RDC_SMTP_DONE);
    assert_int_equal(r.code, 250);
    assert_int_equal(r.nlines, 6);
    assert_string_equal(r.text, "mail.example.test");
    assert_string_equal(r.host, "mail.example.test");
}

static void ehlo_reply_with_greeting_words(void **state)
{
    (void)state;
    rdc_smtp_reply_t r;
    assert_int_equal(parse("250-mx1.example.test Hello client [192.0.2.7]\r\n250 HELP\r\n", &r),
                     RDC_SMTP_DONE);
    assert_string_equal(r.host, "mx1.example.test");
    assert_int_equal(r.nlines, 2);
}

static void bare_lf(void **state)
{
    (void)state;
    rdc_smtp_reply_t r;
    size_t used;
    const char *in = "220-mail.example.test hi\n220 ok\n";
    assert_int_equal(parse_chunk(in, strlen(in), &r, &used, NULL), RDC_SMTP_DONE);
    assert_int_equal(used, strlen(in));
    assert_int_equal(r.nlines, 2);
    assert_string_equal(r.text, "mail.example.test hi");
    assert_string_equal(r.host, "mail.example.test");
}

static void mixed_line_endings(void **state)
{
    (void)state;
    rdc_smtp_reply_t r;
    assert_int_equal(parse("250-a.example.test\n250-X\r\n250 Y\n", &r), RDC_SMTP_DONE);
    assert_int_equal(r.nlines, 3);
    assert_string_equal(r.host, "a.example.test");
}

static void odd_spacing(void **state)
{
    (void)state;
    rdc_smtp_reply_t r;
    assert_int_equal(parse("220  host.example.test  ESMTP\r\n", &r), RDC_SMTP_DONE);
    assert_string_equal(r.host, "host.example.test");
    /* text is verbatim after the one separator space */
    assert_string_equal(r.text, " host.example.test  ESMTP");
    assert_int_equal(parse("220 \thost.example.test\tESMTP\r\n", &r), RDC_SMTP_DONE);
    assert_string_equal(r.host, "host.example.test");
    assert_string_equal(r.text, "\\009host.example.test\\009ESMTP");
}

static void code_only_lines(void **state)
{
    (void)state;
    rdc_smtp_reply_t r;
    size_t used;
    assert_int_equal(parse_chunk("250\r\n", 5, &r, &used, NULL), RDC_SMTP_DONE);
    assert_int_equal(used, 5);
    assert_int_equal(r.code, 250);
    assert_int_equal(r.nlines, 1);
    assert_string_equal(r.text, "");
    assert_string_equal(r.host, "");
    assert_int_equal(parse("250\n", &r), RDC_SMTP_DONE);
    assert_string_equal(r.text, "");
    assert_int_equal(parse("250 \r\n", &r), RDC_SMTP_DONE);
    assert_string_equal(r.text, "");
    /* "250-" then a code-only last line */
    assert_int_equal(parse("250-\r\n250-x\r\n250\r\n", &r), RDC_SMTP_DONE);
    assert_int_equal(r.nlines, 3);
    assert_string_equal(r.text, "");
}

static void incomplete_is_more(void **state)
{
    (void)state;
    rdc_smtp_reply_t r;
    size_t used;
    const char *why;
    static const char *const partial[] = {
        "",
        "2",
        "22",
        "220",
        "220 ",
        "220 mail.example.test",
        "220 x\r",
        "220-first\r\n",
        "220-first\r\n220",
        "220-first\r\n220 last",
        "250-a\n250-b\n",
    };
    for (size_t i = 0; i < ARRAY_LEN(partial); i++) {
        size_t len = strlen(partial[i]);
        assert_int_equal(parse_chunk(partial[i], len, &r, &used, &why), RDC_SMTP_MORE);
        assert_int_equal(used, len);
        assert_null(why);
    }
}

static void empty_feed(void **state)
{
    (void)state;
    rdc_smtp_parser_t p;
    rdc_smtp_reply_t r;
    size_t used = 7;
    rdc_smtp_parser_init(&p);
    assert_int_equal(rdc_smtp_feed(&p, NULL, 0, &used, &r), RDC_SMTP_MORE);
    assert_int_equal(used, 0);
    assert_null(rdc_smtp_parser_error(&p));
    /* used may be NULL */
    assert_int_equal(rdc_smtp_feed(&p, "220 x.example.test\r\n", 20, NULL, &r), RDC_SMTP_DONE);
    assert_string_equal(r.host, "x.example.test");
}

/* ------------------------------------------------------------- chunking */

static const char *const chunk_inputs[] = {
    "220 mail.example.test ESMTP Postfix\r\n",
    "220-mx.example.test ESMTP\r\n220-second\r\n220 third\r\n",
    "250-mail.example.test\n250-PIPELINING\r\n250 8BITMIME\n",
    "250\r\n",
    "421 4.3.2 Service not available\r\n",
    "220 [IPv6:2001:db8::25] hi\r\n",
    "220 a\001\002\377\r\r\n",
    "220 mail.example.test\r\n250 trailing pipelined\r\n", /* stops after the first */
    "220-x\r\n221 bye\r\n", /* BAD: inconsistent */
    "2200 x\r\n", /* BAD: separator */
    "HTTP/1.1 400 Bad Request\r\n", /* BAD: code */
};

static void chunking_independent(void **state)
{
    (void)state;
    for (size_t k = 0; k < ARRAY_LEN(chunk_inputs); k++) {
        const char *in = chunk_inputs[k];
        size_t len = strlen(in);
        rdc_smtp_reply_t a, b;
        size_t used_a, used_b;
        const char *why_a, *why_b;
        rdc_smtp_status_t sa = parse_chunk(in, len, &a, &used_a, &why_a);
        rdc_smtp_status_t sb = parse_bytes(in, len, &b, &used_b, &why_b);
        assert_int_equal(sa, sb);
        assert_int_equal(used_a, used_b);
        if (sa == RDC_SMTP_DONE) {
            assert_int_equal(a.code, b.code);
            assert_int_equal(a.nlines, b.nlines);
            assert_string_equal(a.text, b.text);
            assert_string_equal(a.host, b.host);
            assert_reply_valid(&a);
        } else {
            assert_int_equal(sa, RDC_SMTP_BAD);
            assert_string_equal(why_a, why_b);
        }
    }
}

static void chunking_all_splits(void **state)
{
    (void)state;
    /* every split point into two calls gives the same reply */
    const char *in = "220-mail.example.test ESMTP\r\n220-more\r\n220 end\r\n";
    size_t len = strlen(in);
    for (size_t cut = 0; cut <= len; cut++) {
        rdc_smtp_parser_t p;
        rdc_smtp_reply_t r;
        size_t used;
        rdc_smtp_parser_init(&p);
        rdc_smtp_status_t st = rdc_smtp_feed(&p, in, cut, &used, &r);
        if (cut < len) {
            assert_int_equal(st, RDC_SMTP_MORE);
            assert_int_equal(used, cut);
            st = rdc_smtp_feed(&p, in + cut, len - cut, &used, &r);
            assert_int_equal(used, len - cut);
        }
        assert_int_equal(st, RDC_SMTP_DONE);
        assert_int_equal(r.nlines, 3);
        assert_string_equal(r.host, "mail.example.test");
    }
}

static void pipelined_replies(void **state)
{
    (void)state;
    rdc_smtp_parser_t p;
    rdc_smtp_reply_t r;
    size_t used;
    const char *in = "220 mail.example.test ESMTP\r\n"
                     "250-mail.example.test\r\n250 SIZE\r\n"
                     "221 2.0.0 Bye\r\n"
                     "220 partial";
    size_t len = strlen(in), off = 0;
    rdc_smtp_parser_init(&p);

    assert_int_equal(rdc_smtp_feed(&p, in, len, &used, &r), RDC_SMTP_DONE);
    assert_int_equal(used, strlen("220 mail.example.test ESMTP\r\n"));
    assert_int_equal(r.code, 220);
    assert_int_equal(r.nlines, 1);
    off += used;

    assert_int_equal(rdc_smtp_feed(&p, in + off, len - off, &used, &r), RDC_SMTP_DONE);
    assert_int_equal(used, strlen("250-mail.example.test\r\n250 SIZE\r\n"));
    assert_int_equal(r.code, 250);
    assert_int_equal(r.nlines, 2);
    assert_string_equal(r.host, "mail.example.test");
    off += used;

    assert_int_equal(rdc_smtp_feed(&p, in + off, len - off, &used, &r), RDC_SMTP_DONE);
    assert_int_equal(r.code, 221);
    assert_string_equal(r.text, "2.0.0 Bye");
    assert_string_equal(r.host, "");
    off += used;

    assert_int_equal(rdc_smtp_feed(&p, in + off, len - off, &used, &r), RDC_SMTP_MORE);
    assert_int_equal(used, len - off);
    assert_int_equal(r.code, 221); /* *out untouched on MORE */
}

static void done_resets_code(void **state)
{
    (void)state;
    /* after a 220 reply, a 250 reply is not "inconsistent" */
    rdc_smtp_parser_t p;
    rdc_smtp_reply_t r;
    size_t used;
    rdc_smtp_parser_init(&p);
    assert_int_equal(rdc_smtp_feed(&p, "220-a\r\n220 b\r\n", 14, &used, &r), RDC_SMTP_DONE);
    assert_int_equal(rdc_smtp_feed(&p, "250 c\r\n", 7, &used, &r), RDC_SMTP_DONE);
    assert_int_equal(r.code, 250);
    assert_int_equal(r.nlines, 1);
    assert_string_equal(r.text, "c");
}

/* ------------------------------------------------------------- limits */

static void line_at_limit(void **state)
{
    (void)state;
    rdc_smtp_reply_t r;
    char *body = repeat('a', RDC_SMTP_LINE_MAX - 4); /* "220 " + body = LINE_MAX */
    char *in = malloc(RDC_SMTP_LINE_MAX + 3);
    assert_non_null(in);
    snprintf(in, RDC_SMTP_LINE_MAX + 3, "220 %s\r\n", body);
    assert_int_equal(parse(in, &r), RDC_SMTP_DONE);
    assert_int_equal(strlen(r.text), RDC_SMTP_TEXT_MAX - 1); /* cut */
    assert_true(unit_contains(r.text, "..."));
    assert_reply_valid(&r);
    /* with a bare LF too */
    snprintf(in, RDC_SMTP_LINE_MAX + 3, "220 %s\n", body);
    assert_int_equal(parse(in, &r), RDC_SMTP_DONE);
    free(in);
    free(body);
}

static void line_too_long(void **state)
{
    (void)state;
    char *body = repeat('a', RDC_SMTP_LINE_MAX - 3); /* one octet over */
    char *in = malloc(RDC_SMTP_LINE_MAX + 4);
    assert_non_null(in);
    snprintf(in, RDC_SMTP_LINE_MAX + 4, "220 %s\r\n", body);
    assert_bad(in, strlen(in), "line too long");
    snprintf(in, RDC_SMTP_LINE_MAX + 4, "220 %s\n", body);
    assert_bad(in, strlen(in), "line too long");
    /* detected without waiting for a line end */
    rdc_smtp_reply_t r;
    size_t used;
    assert_int_equal(parse_chunk(in, RDC_SMTP_LINE_MAX + 1, &r, &used, NULL), RDC_SMTP_BAD);
    assert_int_equal(used, RDC_SMTP_LINE_MAX + 1);
    free(in);
    free(body);
}

static void huge_greeting_one_line(void **state)
{
    (void)state;
    size_t n = 100 * 1024;
    char *in = repeat('x', n);
    memcpy(in, "220 ", 4);
    assert_bad(in, n, "line too long");
    free(in);
}

static void huge_greeting_many_lines(void **state)
{
    (void)state;
    /* 100 kB of 500-byte continuation lines: under the line limit, over the
     * reply limit */
    size_t linelen = 500, nlines = 205, n = linelen * nlines;
    char *in = malloc(n);
    assert_non_null(in);
    for (size_t i = 0; i < nlines; i++) {
        char *l = in + i * linelen;
        memset(l, 'y', linelen);
        memcpy(l, "220-", 4);
        l[linelen - 2] = '\r';
        l[linelen - 1] = '\n';
    }
    rdc_smtp_reply_t r;
    size_t used;
    const char *why;
    assert_int_equal(parse_chunk(in, n, &r, &used, &why), RDC_SMTP_BAD);
    assert_string_equal(why, "reply longer than 65536 bytes");
    assert_int_equal(used, RDC_SMTP_REPLY_MAX + 1);
    free(in);
}

static void reply_at_byte_limit(void **state)
{
    (void)state;
    /* exactly RDC_SMTP_REPLY_MAX bytes is still accepted */
    size_t n = RDC_SMTP_REPLY_MAX, linelen = 512;
    char *in = malloc(n);
    assert_non_null(in);
    size_t off = 0;
    while (n - off > linelen) {
        memset(in + off, 'z', linelen);
        memcpy(in + off, "250-", 4);
        in[off + linelen - 1] = '\n';
        off += linelen;
    }
    memset(in + off, 'z', n - off);
    memcpy(in + off, "250 ", 4);
    in[n - 1] = '\n';
    rdc_smtp_reply_t r;
    size_t used;
    assert_int_equal(parse_chunk(in, n, &r, &used, NULL), RDC_SMTP_DONE);
    assert_int_equal(used, n);
    assert_int_equal(r.nlines, off / linelen + 1);
    free(in);
}

static void too_many_lines(void **state)
{
    (void)state;
    /* 1000 lines are fine, 1001 are not */
    size_t n = (RDC_SMTP_LINES_MAX + 1) * 5;
    char *in = malloc(n + 1);
    assert_non_null(in);
    for (size_t i = 0; i < RDC_SMTP_LINES_MAX + 1; i++)
        memcpy(in + i * 5, "250-\n", 5);
    memcpy(in + (RDC_SMTP_LINES_MAX - 1) * 5, "250 \n", 5);
    rdc_smtp_reply_t r;
    size_t used;
    assert_int_equal(parse_chunk(in, RDC_SMTP_LINES_MAX * 5, &r, &used, NULL), RDC_SMTP_DONE);
    assert_int_equal(r.nlines, RDC_SMTP_LINES_MAX);
    memcpy(in + (RDC_SMTP_LINES_MAX - 1) * 5, "250-\n", 5);
    memcpy(in + RDC_SMTP_LINES_MAX * 5, "250 \n", 5);
    assert_bad(in, n, "reply of more than 1000 lines");
    free(in);
}

/* ------------------------------------------------------------- bad input */

static void inconsistent_codes(void **state)
{
    (void)state;
    assert_bad("220-first\r\n250 second\r\n", 23, "inconsistent reply codes");
    assert_bad("250-a\r\n250-b\r\n251 c\r\n", 21, "inconsistent reply codes");
    /* detected at the third digit */
    rdc_smtp_reply_t r;
    size_t used;
    assert_int_equal(parse_chunk("220-a\r\n221", 10, &r, &used, NULL), RDC_SMTP_BAD);
    assert_int_equal(used, 10);
}

static void bad_codes(void **state)
{
    (void)state;
    assert_bad("abc\r\n", 5, "bad reply code");
    assert_bad("99\r\n", 4, "bad reply code");
    assert_bad("600 x\r\n", 7, "bad reply code");
    assert_bad("100 x\r\n", 7, "bad reply code");
    assert_bad("2a0 x\r\n", 7, "bad reply code");
    assert_bad("22a x\r\n", 7, "bad reply code");
    assert_bad(" 220 x\r\n", 8, "bad reply code");
    assert_bad("2200 x\r\n", 8, "bad separator after the reply code");
    assert_bad("220x\r\n", 6, "bad separator after the reply code");
    assert_bad("220\tx\r\n", 7, "bad separator after the reply code");
    assert_bad("220\rx\r\n", 7, "bad separator after the reply code");
    assert_bad("22\n", 3, "reply line without a 3-digit code");
    assert_bad("22\r\n", 4, "bad reply code"); /* CR where a digit belongs */
    assert_bad("\n", 1, "reply line without a 3-digit code");
    assert_bad("\r\n", 2, "bad reply code");
    assert_bad("220-ok\n\n", 8, "reply line without a 3-digit code");
    assert_bad("220-ok\r\n\r\n", 10, "bad reply code");
    assert_bad("SSH-2.0-OpenSSH_9.2\r\n", 21, "bad reply code");
}

static void bad_is_sticky(void **state)
{
    (void)state;
    rdc_smtp_parser_t p;
    rdc_smtp_reply_t r;
    size_t used;
    rdc_smtp_parser_init(&p);
    assert_int_equal(rdc_smtp_feed(&p, "x220 ok\r\n", 9, &used, &r), RDC_SMTP_BAD);
    assert_int_equal(used, 1); /* up to the offending byte */
    assert_string_equal(rdc_smtp_parser_error(&p), "bad reply code");
    assert_int_equal(rdc_smtp_feed(&p, "220 ok\r\n", 8, &used, &r), RDC_SMTP_BAD);
    assert_int_equal(used, 0);
    rdc_smtp_parser_init(&p);
    assert_null(rdc_smtp_parser_error(&p));
    assert_int_equal(rdc_smtp_feed(&p, "220 ok\r\n", 8, &used, &r), RDC_SMTP_DONE);
}

/* ------------------------------------------------------------- escaping */

static void binary_and_nul_escaped(void **state)
{
    (void)state;
    static const char in[] = "220 a\0b\001\177\377\"\\;\rc\r\n";
    rdc_smtp_reply_t r;
    size_t used;
    assert_int_equal(parse_chunk(in, sizeof in - 1, &r, &used, NULL), RDC_SMTP_DONE);
    assert_int_equal(used, sizeof in - 1);
    assert_string_equal(r.text, "a\\000b\\001\\127\\255\\\"\\\\\\;\\013c");
    assert_string_equal(r.host, "");
    assert_reply_valid(&r);
}

static void binary_in_continuation(void **state)
{
    (void)state;
    static const char in[] = "250-ok.example.test\r\n250-\0\0\0\377\r\n250 end\r\n";
    rdc_smtp_reply_t r;
    size_t used;
    assert_int_equal(parse_chunk(in, sizeof in - 1, &r, &used, NULL), RDC_SMTP_DONE);
    assert_int_equal(r.nlines, 3);
    assert_string_equal(r.host, "ok.example.test");
    assert_reply_valid(&r);
}

static void text_escape_cut(void **state)
{
    (void)state;
    /* 900 bytes of \377 would be 3600 characters escaped: cut to 200 */
    size_t n = 4 + 900 + 2;
    char *in = repeat('\377', n);
    memcpy(in, "220 ", 4);
    memcpy(in + n - 2, "\r\n", 2);
    rdc_smtp_reply_t r;
    size_t used;
    assert_int_equal(parse_chunk(in, n, &r, &used, NULL), RDC_SMTP_DONE);
    assert_true(strlen(r.text) <= RDC_SMTP_TEXT_MAX - 1);
    assert_true(unit_contains(r.text, "\\255\\255"));
    assert_string_equal(r.text + strlen(r.text) - 3, "...");
    assert_reply_valid(&r);
    free(in);
}

static void text_cut_boundary(void **state)
{
    (void)state;
    rdc_smtp_reply_t r;
    char in[300];
    /* 200 characters fit exactly: no "..." */
    char *t = repeat('t', RDC_SMTP_TEXT_MAX - 1);
    snprintf(in, sizeof in, "250 %s\r\n", t);
    assert_int_equal(parse(in, &r), RDC_SMTP_DONE);
    assert_string_equal(r.text, t);
    free(t);
    /* 201 do not: 197 + "..." */
    t = repeat('t', RDC_SMTP_TEXT_MAX);
    snprintf(in, sizeof in, "250 %s\r\n", t);
    assert_int_equal(parse(in, &r), RDC_SMTP_DONE);
    assert_int_equal(strlen(r.text), RDC_SMTP_TEXT_MAX - 1);
    assert_int_equal(strspn(r.text, "t"), RDC_SMTP_TEXT_MAX - 4);
    assert_string_equal(r.text + RDC_SMTP_TEXT_MAX - 4, "...");
    free(t);
    /* an escape is never split by the cut */
    memset(in, 0, sizeof in);
    memcpy(in, "250 ", 4);
    memset(in + 4, 't', 193);
    memcpy(in + 197, "\001\001\001\r\n", 5);
    assert_int_equal(parse(in, &r), RDC_SMTP_DONE);
    assert_string_equal(r.text + 193, "\\001...");
}

/* ------------------------------------------------------------- host */

typedef struct host_case {
    const char *line;
    const char *host;
} host_case_t;

static const host_case_t host_cases[] = {
    {"220 mail.example.test ESMTP\r\n", "mail.example.test"},
    {"220 MAIL.Example.TEST\r\n", "MAIL.Example.TEST"},
    {"220 mail.example.test. ESMTP\r\n", "mail.example.test."},
    {"220 mx_1.example.test\r\n", "mx_1.example.test"},
    {"220 [192.0.2.1] ESMTP\r\n", "[192.0.2.1]"},
    {"220 [IPv6:2001:db8::1] ESMTP\r\n", "[IPv6:2001:db8::1]"},
    {"220 [ipv6:2001:DB8::1]\r\n", "[ipv6:2001:DB8::1]"},
    {"220 [IPv6:::ffff:192.0.2.1]\r\n", "[IPv6:::ffff:192.0.2.1]"},
    /* refused */
    {"220 <script>alert(1)</script> ESMTP\r\n", ""},
    {"220 ESMTP Postfix\r\n", ""},
    {"220 localhost ESMTP\r\n", ""},
    {"220 192.0.2.1 ESMTP\r\n", ""},
    {"220 [2001:db8::1]\r\n", ""},
    {"220 [IPv6:192.0.2.1]\r\n", ""},
    {"220 [192.0.2.256]\r\n", ""},
    {"220 [192.0.2.1\r\n", ""},
    {"220 []\r\n", ""},
    {"220 [IPv6:]\r\n", ""},
    {"220 -mail.example.test\r\n", ""},
    {"220 mail-.example.test\r\n", ""},
    {"220 mail..example.test\r\n", ""},
    {".example.test\r\n", NULL}, /* BAD, not a host test */
    {"220 mail.example.test,\r\n", ""},
    {"220 mail.example.123\r\n", ""},
    {"220\r\n", ""},
    {"220 \r\n", ""},
    {"220    \r\n", ""},
    {"220-mail.example.test\r\n220 other.example.test\r\n", "mail.example.test"},
    {"220-\r\n220 other.example.test\r\n", ""}, /* only the first line counts */
    {"421 mail.example.test Service not available\r\n", "mail.example.test"},
};

static void greeting_host(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(host_cases); i++) {
        rdc_smtp_reply_t r;
        rdc_smtp_status_t st = parse(host_cases[i].line, &r);
        if (host_cases[i].host == NULL) {
            assert_int_equal(st, RDC_SMTP_BAD);
            continue;
        }
        if (st != RDC_SMTP_DONE)
            fail_msg("case %zu: status %d", i, (int)st);
        if (strcmp(r.host, host_cases[i].host) != 0)
            fail_msg("case %zu \"%s\": host \"%s\", expected \"%s\"", i, host_cases[i].line, r.host,
                     host_cases[i].host);
    }
}

static void host_label_and_name_limits(void **state)
{
    (void)state;
    rdc_smtp_reply_t r;
    char in[600];
    char *l63 = repeat('a', 63), *l64 = repeat('a', 64);
    snprintf(in, sizeof in, "220 %s.example.test\r\n", l63);
    assert_int_equal(parse(in, &r), RDC_SMTP_DONE);
    assert_int_equal(strlen(r.host), 63 + 13);
    snprintf(in, sizeof in, "220 %s.example.test\r\n", l64);
    assert_int_equal(parse(in, &r), RDC_SMTP_DONE);
    assert_string_equal(r.host, "");
    /* 4 labels of 63 + 3 dots = 255 text octets: wire 257 > 255, refused */
    snprintf(in, sizeof in, "220 %s.%s.%s.%s\r\n", l63, l63, l63, l63);
    assert_int_equal(parse(in, &r), RDC_SMTP_DONE);
    assert_string_equal(r.host, "");
    /* 253 text octets: the longest name, accepted */
    snprintf(in, sizeof in, "220 %s.%s.%s.%.61s\r\n", l63, l63, l63, l63);
    assert_int_equal(parse(in, &r), RDC_SMTP_DONE);
    assert_int_equal(strlen(r.host), 253);
    free(l63);
    free(l64);
}

static void host_with_binary(void **state)
{
    (void)state;
    static const char in[] = "220 mail.example.test\0evil ESMTP\r\n";
    rdc_smtp_reply_t r;
    size_t used;
    assert_int_equal(parse_chunk(in, sizeof in - 1, &r, &used, NULL), RDC_SMTP_DONE);
    assert_string_equal(r.host, "");
    assert_true(unit_contains(r.text, "mail.example.test\\000evil"));
}

/* ------------------------------------------------------------- refusal */

static void refusal_greeting_421(void **state)
{
    (void)state;
    rdc_smtp_reply_t r;
    assert_int_equal(parse("421 4.3.2 mx.example.test too busy, try later\r\n", &r), RDC_SMTP_DONE);
    assert_int_equal(r.code, 421);
    assert_true(rdc_smtp_greeting_is_refusal(r.code));
    assert_true(rdc_smtp_code_is_temporary(r.code));
    assert_string_equal(r.text, "4.3.2 mx.example.test too busy, try later");
    assert_string_equal(r.host, "");
}

static void refusal_codes(void **state)
{
    (void)state;
    assert_false(rdc_smtp_greeting_is_refusal(220));
    assert_false(rdc_smtp_greeting_is_refusal(250));
    assert_false(rdc_smtp_greeting_is_refusal(354));
    assert_true(rdc_smtp_greeting_is_refusal(421));
    assert_true(rdc_smtp_greeting_is_refusal(450));
    assert_true(rdc_smtp_greeting_is_refusal(554));
    assert_true(rdc_smtp_greeting_is_refusal(599));
    assert_false(rdc_smtp_greeting_is_refusal(600));
    assert_false(rdc_smtp_greeting_is_refusal(0));
    assert_true(rdc_smtp_code_is_temporary(421));
    assert_false(rdc_smtp_code_is_temporary(554));
    assert_false(rdc_smtp_code_is_temporary(220));
}

static void refusal_554_multiline(void **state)
{
    (void)state;
    rdc_smtp_reply_t r;
    assert_int_equal(parse("554-mx.example.test\r\n554 No SMTP service here\r\n", &r),
                     RDC_SMTP_DONE);
    assert_int_equal(r.code, 554);
    assert_int_equal(r.nlines, 2);
    assert_true(rdc_smtp_greeting_is_refusal(r.code));
    assert_false(rdc_smtp_code_is_temporary(r.code));
    assert_string_equal(r.host, "mx.example.test");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(single_line),
        cmocka_unit_test(multi_line_greeting),
        cmocka_unit_test(ehlo_reply),
        cmocka_unit_test(ehlo_reply_with_greeting_words),
        cmocka_unit_test(bare_lf),
        cmocka_unit_test(mixed_line_endings),
        cmocka_unit_test(odd_spacing),
        cmocka_unit_test(code_only_lines),
        cmocka_unit_test(incomplete_is_more),
        cmocka_unit_test(empty_feed),
        cmocka_unit_test(chunking_independent),
        cmocka_unit_test(chunking_all_splits),
        cmocka_unit_test(pipelined_replies),
        cmocka_unit_test(done_resets_code),
        cmocka_unit_test(line_at_limit),
        cmocka_unit_test(line_too_long),
        cmocka_unit_test(huge_greeting_one_line),
        cmocka_unit_test(huge_greeting_many_lines),
        cmocka_unit_test(reply_at_byte_limit),
        cmocka_unit_test(too_many_lines),
        cmocka_unit_test(inconsistent_codes),
        cmocka_unit_test(bad_codes),
        cmocka_unit_test(bad_is_sticky),
        cmocka_unit_test(binary_and_nul_escaped),
        cmocka_unit_test(binary_in_continuation),
        cmocka_unit_test(text_escape_cut),
        cmocka_unit_test(text_cut_boundary),
        cmocka_unit_test(greeting_host),
        cmocka_unit_test(host_label_and_name_limits),
        cmocka_unit_test(host_with_binary),
        cmocka_unit_test(refusal_greeting_421),
        cmocka_unit_test(refusal_codes),
        cmocka_unit_test(refusal_554_multiline),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
