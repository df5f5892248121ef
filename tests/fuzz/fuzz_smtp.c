/* fuzz_smtp.c - libFuzzer target for the SMTP reply parser: the input's first
 * 4 bytes seed the chunk sizes, the rest is the server's byte stream. The
 * stream cut into random chunks must give exactly the replies (and the error)
 * it gives when fed whole; every reply is bounded and printable ASCII. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "smtp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_string(const char *s, size_t cap)
{
    const char *nul = memchr(s, '\0', cap);
    if (nul == NULL)
        abort();
    for (const char *p = s; p < nul; p++)
        if (*p < 0x20 || *p > 0x7e)
            abort();
}

static void check_reply(const rdc_smtp_reply_t *r)
{
    if (r->code < 200 || r->code > 599)
        abort();
    if (r->nlines < 1 || r->nlines > RDC_SMTP_LINES_MAX)
        abort();
    check_string(r->text, sizeof r->text);
    check_string(r->host, sizeof r->host);
    /* a host is a name or a literal: no spaces, no escapes */
    for (const char *p = r->host; *p; p++)
        if (*p == ' ' || *p == '\\')
            abort();
}

static uint32_t next_rand(uint32_t *s)
{
    /* xorshift32: deterministic chunk sizes from the seed */
    uint32_t x = *s ? *s : 0x9e3779b9u;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *s = x;
    return x;
}

/* One parser walking the stream: chunked by a seed, or whole (seed NULL). */
typedef struct walker {
    rdc_smtp_parser_t p;
    size_t pos;
    uint32_t *seed;
} walker_t;

/* Feeds the stream from w->pos until the parser reports a reply or an error
 * (returned, *out filled for DONE) or the stream ends (MORE). */
static rdc_smtp_status_t next_event(walker_t *w, const uint8_t *s, size_t n, rdc_smtp_reply_t *out)
{
    while (w->pos < n) {
        size_t chunk = n - w->pos;
        if (w->seed != NULL) {
            uint32_t r = next_rand(w->seed);
            /* mostly tiny chunks, sometimes large ones */
            size_t k = (r & 3) == 0 ? (r >> 2) % 2048 : (r >> 2) % 8;
            if (k + 1 < chunk)
                chunk = k + 1;
        }
        size_t used = (size_t)-1;
        rdc_smtp_status_t st = rdc_smtp_feed(&w->p, s + w->pos, chunk, &used, out);
        if (used > chunk)
            abort();
        if (st == RDC_SMTP_MORE) {
            if (used != chunk || rdc_smtp_parser_error(&w->p) != NULL)
                abort();
            w->pos += chunk;
            continue;
        }
        if (used == 0)
            abort(); /* DONE or BAD always consume the byte that decided it */
        w->pos += used;
        if (st == RDC_SMTP_DONE) {
            if (rdc_smtp_parser_error(&w->p) != NULL)
                abort();
            check_reply(out);
        } else if (st != RDC_SMTP_BAD || rdc_smtp_parser_error(&w->p) == NULL) {
            abort();
        }
        return st;
    }
    return RDC_SMTP_MORE;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 4)
        return 0;
    uint32_t seed;
    memcpy(&seed, data, 4);
    const uint8_t *s = data + 4;
    size_t n = size - 4;
    /* the whole stream and the chunked one, in lockstep, reply by reply */
    walker_t whole, cut;
    rdc_smtp_parser_init(&whole.p);
    rdc_smtp_parser_init(&cut.p);
    whole.pos = cut.pos = 0;
    whole.seed = NULL;
    cut.seed = &seed;
    for (;;) {
        rdc_smtp_reply_t a, b;
        rdc_smtp_status_t sa = next_event(&whole, s, n, &a);
        rdc_smtp_status_t sb = next_event(&cut, s, n, &b);
        if (sa != sb || whole.pos != cut.pos)
            abort();
        if (sa == RDC_SMTP_MORE)
            break;
        if (sa == RDC_SMTP_BAD) {
            if (strcmp(rdc_smtp_parser_error(&whole.p), rdc_smtp_parser_error(&cut.p)) != 0)
                abort();
            /* sticky */
            size_t used = 1;
            if (rdc_smtp_feed(&cut.p, s, n, &used, &b) != RDC_SMTP_BAD || used != 0)
                abort();
            break;
        }
        if (a.code != b.code || a.nlines != b.nlines || strcmp(a.text, b.text) != 0 ||
            strcmp(a.host, b.host) != 0)
            abort();
    }
    return 0;
}
