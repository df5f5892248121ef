/* test_dnsmsg.c - unit tests of dnsmsg.c: the wire-name decoder and the
 * answer parser, on DNS messages built byte by byte. */
#include "unit.h"

#include "dnsmsg.h"

/* ------------------------------------------------------------ builder */

typedef struct msg {
    uint8_t b[65536];
    size_t n;
} msg_t;

static msg_t *msg_new(void)
{
    msg_t *m = calloc(1, sizeof *m);
    assert_non_null(m);
    return m;
}

static void put8(msg_t *m, unsigned v)
{
    assert_true(m->n < sizeof m->b);
    m->b[m->n++] = (uint8_t)v;
}

static void put16(msg_t *m, unsigned v)
{
    put8(m, v >> 8 & 0xff);
    put8(m, v & 0xff);
}

static void put32(msg_t *m, uint32_t v)
{
    put16(m, v >> 16);
    put16(m, v & 0xffff);
}

static void putbytes(msg_t *m, const void *p, size_t n)
{
    assert_true(m->n + n <= sizeof m->b);
    memcpy(m->b + m->n, p, n);
    m->n += n;
}

/* Plain labels of a dotted name, without the terminating root. */
static void putlabels(msg_t *m, const char *dotted)
{
    const char *p = dotted;
    while (*p) {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        put8(m, (unsigned)n);
        putbytes(m, p, n);
        p += n;
        if (*p == '.')
            p++;
    }
}

/* A whole uncompressed name; returns its offset. */
static size_t putname(msg_t *m, const char *dotted)
{
    size_t at = m->n;
    putlabels(m, dotted);
    put8(m, 0);
    return at;
}

static void putptr(msg_t *m, size_t target)
{
    put16(m, 0xc000u | (unsigned)target);
}

enum {
    RCODE_NOERROR = 0,
    RCODE_FORMERR,
    RCODE_SERVFAIL,
    RCODE_NXDOMAIN,
    RCODE_NOTIMP,
    RCODE_REFUSED
};

/* Header of a response (QR, RD, RA set). */
static void header(msg_t *m, unsigned rcode, unsigned qd, unsigned an)
{
    m->n = 0;
    put16(m, 0x1234);
    put8(m, 0x81); /* QR, RD */
    put8(m, 0x80 | rcode);
    put16(m, qd);
    put16(m, an);
    put16(m, 0);
    put16(m, 0);
}

/* Question; returns the offset of its name (for compression pointers). */
static size_t question(msg_t *m, const char *qname, unsigned qtype)
{
    size_t at = putname(m, qname);
    put16(m, qtype);
    put16(m, 1);
    return at;
}

/* RR header after an owner name already written; returns where RDLENGTH is. */
static size_t rr_head(msg_t *m, unsigned type, unsigned klass, uint32_t ttl)
{
    put16(m, type);
    put16(m, klass);
    put32(m, ttl);
    size_t at = m->n;
    put16(m, 0);
    return at;
}

static void rr_end(msg_t *m, size_t rdlen_at)
{
    size_t len = m->n - rdlen_at - 2;
    m->b[rdlen_at] = (uint8_t)(len >> 8);
    m->b[rdlen_at + 1] = (uint8_t)len;
}

/* RR with a compressed owner (pointer) and a name rdata (uncompressed). */
static void rr_name(msg_t *m, size_t owner, unsigned type, uint32_t ttl, const char *target)
{
    putptr(m, owner);
    size_t at = rr_head(m, type, 1, ttl);
    putname(m, target);
    rr_end(m, at);
}

static void rr_addr4(msg_t *m, size_t owner, uint32_t ttl, uint8_t a, uint8_t b, uint8_t c,
                     uint8_t d)
{
    putptr(m, owner);
    size_t at = rr_head(m, RDC_TYPE_A, 1, ttl);
    const uint8_t ip[4] = {a, b, c, d};
    putbytes(m, ip, 4);
    rr_end(m, at);
}

static void wire(uint8_t *out, const char *dotted)
{
    msg_t *m = msg_new();
    putname(m, dotted);
    assert_true(m->n <= RDC_NAME_WIRE_MAX);
    memcpy(out, m->b, m->n);
    free(m);
}

static rdc_answer_t *answer_new(void)
{
    rdc_answer_t *a = malloc(sizeof *a);
    assert_non_null(a);
    memset(a, 0xa5, sizeof *a); /* the parser must set every field it reports */
    a->records = NULL; /* except the records array, which it owns and reuses */
    a->cap = 0;
    return a;
}

static void answer_del(rdc_answer_t *a)
{
    rdc_answer_free(a);
    free(a);
}

/* Parses m (copied into an exact-size block) as the answer to (qname, qtype). */
static void parse(const msg_t *m, const char *qname, unsigned qtype, rdc_answer_t *a,
                  rdc_buf_t *trace)
{
    uint8_t q[RDC_NAME_WIRE_MAX + 1];
    memset(q, 0, sizeof q);
    wire(q, qname);
    uint8_t *copy = unit_memdup(m->b, m->n);
    rdc_answer_parse(copy, m->n, q, (uint16_t)qtype, a, trace, "  ");
    free(copy);
}

static void name_text(const uint8_t *w, char *buf)
{
    rdc_name_to_text(w, buf);
}

static void assert_name(const uint8_t *w, const char *want)
{
    char buf[RDC_NAME_TEXT_MAX];
    name_text(w, buf);
    if (strcmp(buf, want) != 0)
        print_error("name %s, expected %s\n", buf, want);
    assert_string_equal(buf, want);
}

/* ------------------------------------------------------------ name decoder */

static bool decode(const msg_t *m, size_t *off, uint8_t *out)
{
    uint8_t *copy = unit_memdup(m->b, m->n);
    bool ok = rdc_wire_name_decode(copy, m->n, off, out);
    free(copy);
    return ok;
}

static void test_decode_plain(void **state)
{
    (void)state;
    msg_t *m = msg_new();
    header(m, 0, 0, 0);
    size_t at = putname(m, "mail.example.test");
    put16(m, 0xdead);
    uint8_t out[RDC_NAME_WIRE_MAX + 1];
    size_t off = at;
    assert_true(decode(m, &off, out));
    assert_int_equal(off, at + 19);
    assert_name(out, "mail.example.test");
    /* the root */
    header(m, 0, 0, 0);
    put8(m, 0);
    off = 12;
    assert_true(decode(m, &off, out));
    assert_int_equal(off, 13);
    assert_int_equal(out[0], 0);
    free(m);
}

static void test_decode_backward_pointers(void **state)
{
    (void)state;
    msg_t *m = msg_new();
    header(m, 0, 0, 0);
    size_t base = putname(m, "example.test");
    size_t mid = m->n;
    putlabels(m, "mail");
    putptr(m, base);
    size_t top = m->n;
    putlabels(m, "a.b");
    putptr(m, mid); /* pointer to a name that itself ends in a pointer */
    size_t bare = m->n;
    putptr(m, top); /* a name that is only a pointer */
    size_t end = m->n;

    uint8_t out[RDC_NAME_WIRE_MAX + 1];
    size_t off = mid;
    assert_true(decode(m, &off, out));
    assert_int_equal(off, top); /* past the pointer, not past the target */
    assert_name(out, "mail.example.test");
    off = top;
    assert_true(decode(m, &off, out));
    assert_int_equal(off, bare);
    assert_name(out, "a.b.mail.example.test");
    off = bare;
    assert_true(decode(m, &off, out));
    assert_int_equal(off, end);
    assert_name(out, "a.b.mail.example.test");
    /* pointer into the middle of an earlier name (a suffix) */
    header(m, 0, 0, 0);
    putname(m, "www.example.test");
    putlabels(m, "mx");
    putptr(m, 12 + 4);
    off = 12 + 18;
    assert_true(decode(m, &off, out));
    assert_name(out, "mx.example.test");
    free(m);
}

static void test_decode_bad_pointers(void **state)
{
    (void)state;
    msg_t *m = msg_new();
    uint8_t out[RDC_NAME_WIRE_MAX + 1];
    size_t off;

    /* forward pointer */
    header(m, 0, 0, 0);
    putptr(m, 14);
    putname(m, "example.test");
    off = 12;
    assert_false(decode(m, &off, out));

    /* pointer to itself */
    header(m, 0, 0, 0);
    putptr(m, 12);
    off = 12;
    assert_false(decode(m, &off, out));

    /* pointer to the start of its own name (a loop through labels) */
    header(m, 0, 0, 0);
    putlabels(m, "a");
    putptr(m, 12);
    off = 12;
    assert_false(decode(m, &off, out));

    /* two names pointing at each other */
    header(m, 0, 0, 0);
    putptr(m, 14);
    putptr(m, 12);
    off = 14;
    assert_false(decode(m, &off, out));
    off = 12;
    assert_false(decode(m, &off, out));

    /* out of bounds (also forward) */
    header(m, 0, 0, 0);
    putptr(m, 0x3fff);
    off = 12;
    assert_false(decode(m, &off, out));

    /* pointer cut after its first byte */
    header(m, 0, 0, 0);
    putname(m, "example.test");
    putlabels(m, "mail");
    put8(m, 0xc0);
    off = 26;
    assert_false(decode(m, &off, out));

    /* reserved label types 0x40 and 0x80 (and a "label" of 64..191) */
    static const unsigned kinds[] = {0x40, 0x41, 0x7f, 0x80, 0xbf};
    for (size_t i = 0; i < ARRAY_LEN(kinds); i++) {
        header(m, 0, 0, 0);
        putname(m, "example.test");
        put8(m, kinds[i]);
        put8(m, 12);
        for (int k = 0; k < 70; k++)
            put8(m, 'a');
        put8(m, 0);
        off = 26;
        assert_false(decode(m, &off, out));
    }

    /* offset at or past the end */
    header(m, 0, 0, 0);
    off = 12;
    assert_false(decode(m, &off, out));
    off = 100;
    assert_false(decode(m, &off, out));
    free(m);
}

static void test_decode_truncated(void **state)
{
    (void)state;
    msg_t *m = msg_new();
    uint8_t out[RDC_NAME_WIRE_MAX + 1];
    size_t off;
    /* label runs past the end */
    header(m, 0, 0, 0);
    put8(m, 5);
    putbytes(m, "ab", 2);
    off = 12;
    assert_false(decode(m, &off, out));
    /* labels but no root */
    header(m, 0, 0, 0);
    putlabels(m, "example.test");
    off = 12;
    assert_false(decode(m, &off, out));
    /* label exactly at the end, root missing */
    header(m, 0, 0, 0);
    put8(m, 1);
    put8(m, 'a');
    off = 12;
    assert_false(decode(m, &off, out));
    free(m);
}

static void put_label_n(msg_t *m, size_t n, char c)
{
    put8(m, (unsigned)n);
    for (size_t i = 0; i < n; i++)
        put8(m, (unsigned char)c);
}

static void test_decode_lengths(void **state)
{
    (void)state;
    msg_t *m = msg_new();
    uint8_t out[RDC_NAME_WIRE_MAX + 1];
    size_t off;

    /* 255 octets: accepted */
    header(m, 0, 0, 0);
    put_label_n(m, 63, 'a');
    put_label_n(m, 63, 'b');
    put_label_n(m, 63, 'c');
    put_label_n(m, 61, 'd');
    put8(m, 0);
    off = 12;
    assert_true(decode(m, &off, out));
    assert_int_equal(off, 12 + 255);
    assert_int_equal(out[192], 61);
    assert_int_equal(out[254], 0);

    /* 256 octets: refused */
    header(m, 0, 0, 0);
    put_label_n(m, 63, 'a');
    put_label_n(m, 63, 'b');
    put_label_n(m, 63, 'c');
    put_label_n(m, 62, 'd');
    put8(m, 0);
    off = 12;
    assert_false(decode(m, &off, out));

    /* far too long */
    header(m, 0, 0, 0);
    for (int i = 0; i < 5; i++)
        put_label_n(m, 63, 'x');
    put8(m, 0);
    off = 12;
    assert_false(decode(m, &off, out));

    /* too long only once pointers are followed */
    header(m, 0, 0, 0);
    put_label_n(m, 63, 'a');
    put_label_n(m, 63, 'b');
    put_label_n(m, 63, 'c');
    put8(m, 0); /* 193 octets at 12 */
    size_t ok_at = m->n;
    put_label_n(m, 61, 'd');
    putptr(m, 12); /* 62 + 193 = 255 */
    size_t bad_at = m->n;
    put_label_n(m, 62, 'e');
    putptr(m, 12); /* 63 + 193 = 256 */
    off = ok_at;
    assert_true(decode(m, &off, out));
    off = bad_at;
    assert_false(decode(m, &off, out));

    /* 63-octet label fine; a 64 length byte is a reserved type */
    header(m, 0, 0, 0);
    put_label_n(m, 63, 'a');
    put8(m, 0);
    off = 12;
    assert_true(decode(m, &off, out));
    header(m, 0, 0, 0);
    put_label_n(m, 64, 'a');
    put8(m, 0);
    off = 12;
    assert_false(decode(m, &off, out));
    free(m);
}

/* A chain of backward pointers, each to the previous one. */
static void test_decode_pointer_chain(void **state)
{
    (void)state;
    msg_t *m = msg_new();
    uint8_t out[RDC_NAME_WIRE_MAX + 1];
    header(m, 0, 0, 0);
    putname(m, "a");
    size_t prev = 12;
    size_t at = 0;
    for (int i = 0; i < 64; i++) {
        at = m->n;
        putptr(m, prev);
        prev = at;
    }
    size_t off = at;
    assert_true(decode(m, &off, out));
    assert_int_equal(off, at + 2);
    assert_name(out, "a");
    free(m);
}

/* ------------------------------------------------------------ answers */

#define REV "50.2.0.192.in-addr.arpa"

static void test_answer_ptr_several(void **state)
{
    (void)state;
    msg_t *m = msg_new();
    rdc_answer_t *a = answer_new();
    header(m, 0, 1, 3);
    size_t q = question(m, REV, RDC_TYPE_PTR);
    size_t first = m->n;
    rr_name(m, q, RDC_TYPE_PTR, 3600, "mail.example.test");
    rr_name(m, q, RDC_TYPE_PTR, 300, "mx.example.test");
    /* the third with a compressed rdata pointing into the first one */
    putptr(m, q);
    size_t at = rr_head(m, RDC_TYPE_PTR, 1, 60);
    putlabels(m, "smtp");
    putptr(m, first + 12 + 5); /* "example.test" in the first rdata */
    rr_end(m, at);
    parse(m, REV, RDC_TYPE_PTR, a, NULL);
    assert_int_equal(a->status, RDC_DNS_OK);
    assert_int_equal(a->rcode, 0);
    assert_false(a->tc);
    assert_false(a->dangling);
    assert_null(a->error);
    assert_int_equal(a->cname_hops, 0);
    assert_int_equal(a->nrecords, 3);
    assert_name(a->records[0].name, "mail.example.test");
    assert_name(a->records[1].name, "mx.example.test");
    assert_name(a->records[2].name, "smtp.example.test");
    assert_int_equal(a->records[0].ttl, 3600);
    assert_int_equal(a->records[1].ttl, 300);
    assert_int_equal(a->records[2].ttl, 60);
    assert_name(a->final_name, REV);
    answer_del(a);
    free(m);
}

static void test_answer_question_case_and_tc(void **state)
{
    (void)state;
    msg_t *m = msg_new();
    rdc_answer_t *a = answer_new();
    header(m, 0, 1, 1);
    m->b[2] |= 0x02; /* TC */
    size_t q = question(m, "50.2.0.192.IN-ADDR.Arpa", RDC_TYPE_PTR); /* 0x20 mixing */
    rr_name(m, q, RDC_TYPE_PTR, 1, "mail.example.test");
    parse(m, REV, RDC_TYPE_PTR, a, NULL);
    /* a truncated answer may lack the record that matters: never data */
    assert_int_equal(a->status, RDC_DNS_S_ERROR);
    assert_true(a->tc);
    assert_int_equal(a->nrecords, 0);
    m->b[2] &= (uint8_t)~0x02;
    parse(m, REV, RDC_TYPE_PTR, a, NULL);
    assert_int_equal(a->status, RDC_DNS_OK);
    assert_false(a->tc);
    assert_int_equal(a->nrecords, 1);
    answer_del(a);
    free(m);
}

static void test_answer_a_aaaa(void **state)
{
    (void)state;
    msg_t *m = msg_new();
    rdc_answer_t *a = answer_new();
    header(m, 0, 1, 2);
    size_t q = question(m, "mail.example.test", RDC_TYPE_A);
    rr_addr4(m, q, 300, 192, 0, 2, 50);
    rr_addr4(m, q, 300, 198, 51, 100, 7);
    parse(m, "mail.example.test", RDC_TYPE_A, a, NULL);
    assert_int_equal(a->status, RDC_DNS_OK);
    assert_int_equal(a->nrecords, 2);
    char buf[RDC_ADDR_TEXT_MAX];
    assert_int_equal(a->records[0].addr.family, 4);
    assert_string_equal(rdc_addr_format(&a->records[0].addr, buf), "192.0.2.50");
    assert_string_equal(rdc_addr_format(&a->records[1].addr, buf), "198.51.100.7");

    header(m, 0, 1, 1);
    q = question(m, "mail.example.test", RDC_TYPE_AAAA);
    putptr(m, q);
    size_t at = rr_head(m, RDC_TYPE_AAAA, 1, 300);
    static const uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x25};
    putbytes(m, v6, 16);
    rr_end(m, at);
    parse(m, "mail.example.test", RDC_TYPE_AAAA, a, NULL);
    assert_int_equal(a->status, RDC_DNS_OK);
    assert_int_equal(a->nrecords, 1);
    assert_int_equal(a->records[0].addr.family, 6);
    assert_string_equal(rdc_addr_format(&a->records[0].addr, buf), "2001:db8::25");
    answer_del(a);
    free(m);
}

static void test_answer_nxdomain_nodata(void **state)
{
    (void)state;
    msg_t *m = msg_new();
    rdc_answer_t *a = answer_new();

    header(m, RCODE_NXDOMAIN, 1, 0);
    question(m, REV, RDC_TYPE_PTR);
    parse(m, REV, RDC_TYPE_PTR, a, NULL);
    assert_int_equal(a->status, RDC_DNS_NXDOMAIN);
    assert_int_equal(a->rcode, 3);
    assert_int_equal(a->nrecords, 0);
    assert_false(a->dangling);

    header(m, 0, 1, 0);
    question(m, REV, RDC_TYPE_PTR);
    parse(m, REV, RDC_TYPE_PTR, a, NULL);
    assert_int_equal(a->status, RDC_DNS_NODATA);
    assert_int_equal(a->nrecords, 0);
    assert_false(a->dangling);
    assert_int_equal(a->cname_hops, 0);

    /* records of another type, of another class or another owner: still NODATA */
    header(m, 0, 1, 3);
    size_t q = question(m, REV, RDC_TYPE_PTR);
    putptr(m, q);
    size_t at = rr_head(m, RDC_TYPE_TXT, 1, 5);
    put8(m, 2);
    putbytes(m, "hi", 2);
    rr_end(m, at);
    putptr(m, q);
    at = rr_head(m, RDC_TYPE_PTR, 3 /* CH */, 5);
    putname(m, "chaos.example.test");
    rr_end(m, at);
    putname(m, "51.2.0.192.in-addr.arpa");
    at = rr_head(m, RDC_TYPE_PTR, 1, 5);
    putname(m, "other.example.test");
    rr_end(m, at);
    parse(m, REV, RDC_TYPE_PTR, a, NULL);
    assert_int_equal(a->status, RDC_DNS_NODATA);
    assert_int_equal(a->nrecords, 0);
    answer_del(a);
    free(m);
}

static void test_answer_rcodes(void **state)
{
    (void)state;
    static const struct {
        unsigned rcode;
        rdc_dns_status_t status;
        const char *error; /* substring, or NULL */
    } cases[] = {
        {RCODE_SERVFAIL, RDC_DNS_S_SERVFAIL, NULL},  {RCODE_REFUSED, RDC_DNS_S_REFUSED, NULL},
        {RCODE_FORMERR, RDC_DNS_S_ERROR, "FORMERR"}, {RCODE_NOTIMP, RDC_DNS_S_ERROR, "NOTIMP"},
        {6, RDC_DNS_S_ERROR, "unexpected rcode"},    {9, RDC_DNS_S_ERROR, "unexpected rcode"},
        {15, RDC_DNS_S_ERROR, "unexpected rcode"},
    };
    msg_t *m = msg_new();
    rdc_answer_t *a = answer_new();
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        header(m, cases[i].rcode, 1, 1);
        size_t q = question(m, REV, RDC_TYPE_PTR);
        rr_name(m, q, RDC_TYPE_PTR, 1, "mail.example.test"); /* ignored */
        parse(m, REV, RDC_TYPE_PTR, a, NULL);
        assert_int_equal(a->status, cases[i].status);
        assert_int_equal(a->rcode, cases[i].rcode);
        assert_int_equal(a->nrecords, 0);
        if (cases[i].error)
            assert_true(unit_contains(a->error, cases[i].error));
        else
            assert_null(a->error);
    }
    answer_del(a);
    free(m);
}

static void test_answer_malformed(void **state)
{
    (void)state;
    msg_t *m = msg_new();
    rdc_answer_t *a = answer_new();

    /* shorter than a header */
    header(m, 0, 0, 0);
    m->n = 11;
    parse(m, REV, RDC_TYPE_PTR, a, NULL);
    assert_int_equal(a->status, RDC_DNS_S_ERROR);
    assert_non_null(a->error);

    /* no QR bit */
    header(m, 0, 1, 0);
    m->b[2] &= 0x7f;
    question(m, REV, RDC_TYPE_PTR);
    parse(m, REV, RDC_TYPE_PTR, a, NULL);
    assert_int_equal(a->status, RDC_DNS_S_ERROR);
    assert_true(unit_contains(a->error, "QR"));

    /* question cut short */
    header(m, 0, 1, 0);
    question(m, REV, RDC_TYPE_PTR);
    m->n -= 2;
    parse(m, REV, RDC_TYPE_PTR, a, NULL);
    assert_int_equal(a->status, RDC_DNS_S_ERROR);
    assert_true(unit_contains(a->error, "question"));

    /* a record cut after its owner */
    header(m, 0, 1, 2);
    size_t q = question(m, REV, RDC_TYPE_PTR);
    rr_name(m, q, RDC_TYPE_PTR, 1, "mail.example.test");
    putptr(m, q);
    put16(m, RDC_TYPE_PTR);
    parse(m, REV, RDC_TYPE_PTR, a, NULL);
    assert_int_equal(a->status, RDC_DNS_S_ERROR);
    assert_true(unit_contains(a->error, "malformed answer record"));
    assert_int_equal(a->nrecords, 0);

    /* ANCOUNT larger than the records present */
    header(m, 0, 1, 2);
    q = question(m, REV, RDC_TYPE_PTR);
    rr_name(m, q, RDC_TYPE_PTR, 1, "mail.example.test");
    parse(m, REV, RDC_TYPE_PTR, a, NULL);
    assert_int_equal(a->status, RDC_DNS_S_ERROR);
    assert_int_equal(a->nrecords, 0);

    /* RDLENGTH past the end of the message */
    header(m, 0, 1, 1);
    q = question(m, REV, RDC_TYPE_PTR);
    putptr(m, q);
    size_t at = rr_head(m, RDC_TYPE_PTR, 1, 1);
    putname(m, "mail.example.test");
    rr_end(m, at);
    m->b[at + 1] = (uint8_t)(m->b[at + 1] + 1);
    parse(m, REV, RDC_TYPE_PTR, a, NULL);
    assert_int_equal(a->status, RDC_DNS_S_ERROR);
    assert_true(unit_contains(a->error, "malformed answer record"));

    /* PTR rdata longer than its name (junk after it) */
    header(m, 0, 1, 1);
    q = question(m, REV, RDC_TYPE_PTR);
    putptr(m, q);
    at = rr_head(m, RDC_TYPE_PTR, 1, 1);
    putname(m, "mail.example.test");
    put8(m, 0x99);
    rr_end(m, at);
    parse(m, REV, RDC_TYPE_PTR, a, NULL);
    assert_int_equal(a->status, RDC_DNS_S_ERROR);
    assert_true(unit_contains(a->error, "PTR"));

    /* PTR rdata shorter than its name (the name runs into the next RR) */
    header(m, 0, 1, 1);
    q = question(m, REV, RDC_TYPE_PTR);
    putptr(m, q);
    at = rr_head(m, RDC_TYPE_PTR, 1, 1);
    putname(m, "mail.example.test");
    rr_end(m, at);
    m->b[at + 1] = (uint8_t)(m->b[at + 1] - 3);
    m->n -= 3;
    parse(m, REV, RDC_TYPE_PTR, a, NULL);
    assert_int_equal(a->status, RDC_DNS_S_ERROR);

    /* PTR rdata with a forward pointer */
    header(m, 0, 1, 1);
    q = question(m, REV, RDC_TYPE_PTR);
    putptr(m, q);
    at = rr_head(m, RDC_TYPE_PTR, 1, 1);
    putptr(m, m->n + 2);
    rr_end(m, at);
    putname(m, "mail.example.test");
    parse(m, REV, RDC_TYPE_PTR, a, NULL);
    assert_int_equal(a->status, RDC_DNS_S_ERROR);
    answer_del(a);
    free(m);
}

static void test_answer_bad_address_length(void **state)
{
    (void)state;
    msg_t *m = msg_new();
    rdc_answer_t *a = answer_new();
    header(m, 0, 1, 1);
    size_t q = question(m, "mail.example.test", RDC_TYPE_A);
    putptr(m, q);
    size_t at = rr_head(m, RDC_TYPE_A, 1, 1);
    putbytes(m, "\xc0\x00\x02\x32\x00", 5);
    rr_end(m, at);
    parse(m, "mail.example.test", RDC_TYPE_A, a, NULL);
    assert_int_equal(a->status, RDC_DNS_S_ERROR);
    assert_true(unit_contains(a->error, "A record"));
    assert_int_equal(a->nrecords, 0);

    header(m, 0, 1, 1);
    q = question(m, "mail.example.test", RDC_TYPE_AAAA);
    putptr(m, q);
    at = rr_head(m, RDC_TYPE_AAAA, 1, 1);
    putbytes(m, "\xc0\x00\x02\x32", 4);
    rr_end(m, at);
    parse(m, "mail.example.test", RDC_TYPE_AAAA, a, NULL);
    assert_int_equal(a->status, RDC_DNS_S_ERROR);
    assert_true(unit_contains(a->error, "AAAA"));
    answer_del(a);
    free(m);
}

static void test_answer_other_question(void **state)
{
    (void)state;
    msg_t *m = msg_new();
    rdc_answer_t *a = answer_new();
    /* other name */
    header(m, 0, 1, 1);
    size_t q = question(m, "51.2.0.192.in-addr.arpa", RDC_TYPE_PTR);
    rr_name(m, q, RDC_TYPE_PTR, 1, "evil.example.test");
    parse(m, REV, RDC_TYPE_PTR, a, NULL);
    assert_int_equal(a->status, RDC_DNS_S_ERROR);
    assert_true(unit_contains(a->error, "different question"));
    assert_int_equal(a->nrecords, 0);
    /* other type */
    header(m, 0, 1, 1);
    q = question(m, REV, RDC_TYPE_TXT);
    rr_name(m, q, RDC_TYPE_PTR, 1, "evil.example.test");
    parse(m, REV, RDC_TYPE_PTR, a, NULL);
    assert_int_equal(a->status, RDC_DNS_S_ERROR);
    assert_true(unit_contains(a->error, "different question"));
    /* a prefix of the name */
    header(m, RCODE_NXDOMAIN, 1, 0);
    question(m, "2.0.192.in-addr.arpa", RDC_TYPE_PTR);
    parse(m, REV, RDC_TYPE_PTR, a, NULL);
    assert_int_equal(a->status, RDC_DNS_S_ERROR);
    answer_del(a);
    free(m);
}

/* RFC 2317: 50.2.0.192.in-addr.arpa CNAME 50.0-25.2.0.192.in-addr.arpa, PTR there. */
static void test_answer_cname_chain(void **state)
{
    (void)state;
    msg_t *m = msg_new();
    rdc_answer_t *a = answer_new();
    header(m, 0, 1, 3);
    size_t q = question(m, REV, RDC_TYPE_PTR);
    /* the PTR comes first: order in the section must not matter */
    size_t own2 = m->n;
    putname(m, "50.sub.0-25.2.0.192.in-addr.arpa");
    size_t at = rr_head(m, RDC_TYPE_PTR, 1, 77);
    putname(m, "mail.example.test");
    rr_end(m, at);
    rr_name(m, q, RDC_TYPE_CNAME, 10, "50.0-25.2.0.192.in-addr.arpa");
    putname(m, "50.0-25.2.0.192.in-addr.arpa");
    at = rr_head(m, RDC_TYPE_CNAME, 1, 10);
    putptr(m, own2);
    rr_end(m, at);
    parse(m, REV, RDC_TYPE_PTR, a, NULL);
    assert_int_equal(a->status, RDC_DNS_OK);
    assert_int_equal(a->cname_hops, 2);
    assert_false(a->dangling);
    assert_int_equal(a->nrecords, 1);
    assert_name(a->records[0].name, "mail.example.test");
    assert_int_equal(a->records[0].ttl, 77);
    assert_name(a->final_name, "50.sub.0-25.2.0.192.in-addr.arpa");
    answer_del(a);
    free(m);
}

static void test_answer_cname_dangling(void **state)
{
    (void)state;
    msg_t *m = msg_new();
    rdc_answer_t *a = answer_new();
    header(m, 0, 1, 1);
    size_t q = question(m, "alias.example.test", RDC_TYPE_A);
    rr_name(m, q, RDC_TYPE_CNAME, 10, "Target.Example.Test");
    parse(m, "alias.example.test", RDC_TYPE_A, a, NULL);
    assert_int_equal(a->status, RDC_DNS_NODATA);
    assert_true(a->dangling);
    assert_int_equal(a->cname_hops, 1);
    assert_int_equal(a->nrecords, 0);
    assert_name(a->final_name, "Target.Example.Test");

    /* NXDOMAIN at the end of a chain: NXDOMAIN, final name is the target */
    header(m, RCODE_NXDOMAIN, 1, 1);
    q = question(m, "alias.example.test", RDC_TYPE_A);
    rr_name(m, q, RDC_TYPE_CNAME, 10, "gone.example.test");
    parse(m, "alias.example.test", RDC_TYPE_A, a, NULL);
    assert_int_equal(a->status, RDC_DNS_NXDOMAIN);
    assert_int_equal(a->cname_hops, 1);
    assert_name(a->final_name, "gone.example.test");
    answer_del(a);
    free(m);
}

static void test_answer_cname_loop(void **state)
{
    (void)state;
    msg_t *m = msg_new();
    rdc_answer_t *a = answer_new();
    header(m, 0, 1, 2);
    size_t q = question(m, "a.example.test", RDC_TYPE_A);
    rr_name(m, q, RDC_TYPE_CNAME, 10, "b.example.test");
    putname(m, "b.example.test");
    size_t at = rr_head(m, RDC_TYPE_CNAME, 1, 10);
    putptr(m, q);
    rr_end(m, at);
    parse(m, "a.example.test", RDC_TYPE_A, a, NULL);
    assert_int_equal(a->status, RDC_DNS_S_ERROR);
    assert_true(unit_contains(a->error, "CNAME"));
    assert_int_equal(a->nrecords, 0);

    /* self loop */
    header(m, 0, 1, 1);
    q = question(m, "a.example.test", RDC_TYPE_A);
    rr_name(m, q, RDC_TYPE_CNAME, 10, "a.example.test");
    parse(m, "a.example.test", RDC_TYPE_A, a, NULL);
    assert_int_equal(a->status, RDC_DNS_S_ERROR);
    answer_del(a);
    free(m);
}

/* A chain of n CNAMEs c0 -> c1 -> ... -> cn, with an A record at cn. */
static void build_chain(msg_t *m, unsigned n)
{
    char from[32], to[32];
    header(m, 0, 1, n + 1);
    question(m, "c0.example.test", RDC_TYPE_A);
    for (unsigned i = 0; i < n; i++) {
        snprintf(from, sizeof from, "c%u.example.test", i);
        snprintf(to, sizeof to, "c%u.example.test", i + 1);
        putname(m, from);
        size_t at = rr_head(m, RDC_TYPE_CNAME, 1, 1);
        putname(m, to);
        rr_end(m, at);
    }
    snprintf(to, sizeof to, "c%u.example.test", n);
    putname(m, to);
    size_t at = rr_head(m, RDC_TYPE_A, 1, 1);
    putbytes(m, "\xc0\x00\x02\x01", 4);
    rr_end(m, at);
}

static void test_answer_cname_hop_limit(void **state)
{
    (void)state;
    msg_t *m = msg_new();
    rdc_answer_t *a = answer_new();
    build_chain(m, RDC_MAX_CNAME_HOPS);
    parse(m, "c0.example.test", RDC_TYPE_A, a, NULL);
    assert_int_equal(a->status, RDC_DNS_OK);
    assert_int_equal(a->cname_hops, RDC_MAX_CNAME_HOPS);
    assert_int_equal(a->nrecords, 1);
    build_chain(m, RDC_MAX_CNAME_HOPS + 1);
    parse(m, "c0.example.test", RDC_TYPE_A, a, NULL);
    assert_int_equal(a->status, RDC_DNS_S_ERROR);
    assert_int_equal(a->nrecords, 0);
    answer_del(a);
    free(m);
}

static void build_many_ptr(msg_t *m, unsigned n)
{
    header(m, 0, 1, n);
    size_t q = question(m, REV, RDC_TYPE_PTR);
    size_t target = m->n + 2 + 10; /* rdata of the first record */
    for (unsigned i = 0; i < n; i++) {
        putptr(m, q);
        size_t at = rr_head(m, RDC_TYPE_PTR, 1, i);
        if (i == 0) {
            putname(m, "example.test");
        } else {
            char l[16];
            snprintf(l, sizeof l, "h%u", i);
            putlabels(m, l);
            putptr(m, target);
        }
        rr_end(m, at);
    }
}

static void test_answer_many_records(void **state)
{
    (void)state;
    msg_t *m = msg_new();
    rdc_answer_t *a = answer_new();
    /* no cap: every record is kept, in answer order (the old limit was 64) */
    build_many_ptr(m, 70);
    parse(m, REV, RDC_TYPE_PTR, a, NULL);
    assert_int_equal(a->status, RDC_DNS_OK);
    assert_int_equal(a->nrecords, 70);
    assert_name(a->records[0].name, "example.test");
    assert_name(a->records[1].name, "h1.example.test");
    assert_name(a->records[63].name, "h63.example.test");
    assert_name(a->records[69].name, "h69.example.test");
    assert_int_equal(a->records[69].ttl, 69);
    /* the same answer struct reused for a smaller answer */
    build_many_ptr(m, 3);
    parse(m, REV, RDC_TYPE_PTR, a, NULL);
    assert_int_equal(a->nrecords, 3);
    answer_del(a);
    free(m);
}

/* A 64 KiB TCP answer holds thousands of compressed PTR records: all kept. */
static void test_answer_thousands_of_records(void **state)
{
    (void)state;
    msg_t *m = msg_new();
    rdc_answer_t *a = answer_new();
    build_many_ptr(m, 3000);
    assert_true(m->n <= 65535);
    parse(m, REV, RDC_TYPE_PTR, a, NULL);
    rdc_dns_status_t status = a->status;
    size_t nrecords = a->nrecords;
    char last[RDC_NAME_TEXT_MAX];
    last[0] = 0;
    if (nrecords == 3000)
        rdc_name_to_text(a->records[2999].name, last);
    answer_del(a); /* before the asserts: no leak report when they fail */
    free(m);
    assert_int_equal(status, RDC_DNS_OK);
    assert_int_equal(nrecords, 3000);
    assert_string_equal(last, "h2999.example.test");
}

/* 100 A records, the address asked about the 90th: it must be there. */
static void test_answer_hundred_a(void **state)
{
    (void)state;
    msg_t *m = msg_new();
    rdc_answer_t *a = answer_new();
    header(m, 0, 1, 100);
    size_t q = question(m, "big.example.test", RDC_TYPE_A);
    for (unsigned i = 0; i < 100; i++)
        rr_addr4(m, q, 60, 198, 51, 100, (uint8_t)(i + 1));
    parse(m, "big.example.test", RDC_TYPE_A, a, NULL);
    assert_int_equal(a->status, RDC_DNS_OK);
    assert_int_equal(a->nrecords, 100);
    assert_int_equal(a->records[89].addr.family, 4);
    assert_int_equal(a->records[89].addr.b[3], 90);
    assert_int_equal(a->records[99].addr.b[3], 100);
    answer_del(a);
    free(m);
}

/* RFC 1035 §4.1.1 / RFC 6604: a non-NOERROR rcode carries no data, whatever
 * records ride along (a hostile or broken server): nothing confirms. */
static void test_answer_rcode_with_records(void **state)
{
    (void)state;
    static const struct {
        unsigned rcode;
        rdc_dns_status_t status;
    } rows[] = {
        {RCODE_NXDOMAIN, RDC_DNS_NXDOMAIN}, {RCODE_SERVFAIL, RDC_DNS_S_SERVFAIL},
        {RCODE_REFUSED, RDC_DNS_S_REFUSED}, {RCODE_FORMERR, RDC_DNS_S_ERROR},
        {RCODE_NOTIMP, RDC_DNS_S_ERROR},    {9, RDC_DNS_S_ERROR},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        msg_t *m = msg_new();
        rdc_answer_t *a = answer_new();
        header(m, rows[i].rcode, 1, 2);
        size_t q = question(m, "mail.example.test", RDC_TYPE_A);
        rr_addr4(m, q, 300, 192, 0, 2, 50);
        rr_name(m, q, RDC_TYPE_CNAME, 300, "other.example.test");
        rdc_buf_t t = {0};
        parse(m, "mail.example.test", RDC_TYPE_A, a, &t);
        assert_int_equal(a->status, rows[i].status);
        assert_int_equal(a->nrecords, 0);
        assert_int_equal(a->rcode, rows[i].rcode);
        if (rows[i].rcode == RCODE_NXDOMAIN) /* still shown with -v */
            assert_non_null(strstr(t.s, "192.0.2.50"));
        rdc_buf_free(&t);
        answer_del(a);
        free(m);
    }
}

/* The header and question must be an answer to exactly what was asked. */
static void test_answer_header_and_question_checks(void **state)
{
    (void)state;
    msg_t *m = msg_new();
    rdc_answer_t *a = answer_new();
    /* QDCOUNT 0: no question to match */
    header(m, 0, 0, 1);
    putname(m, "mail.example.test");
    size_t at = rr_head(m, RDC_TYPE_A, 1, 60);
    const uint8_t ip[4] = {192, 0, 2, 50};
    putbytes(m, ip, 4);
    rr_end(m, at);
    parse(m, "mail.example.test", RDC_TYPE_A, a, NULL);
    assert_int_equal(a->status, RDC_DNS_S_ERROR);
    assert_int_equal(a->nrecords, 0);
    /* two questions */
    header(m, 0, 2, 1);
    size_t q = question(m, "mail.example.test", RDC_TYPE_A);
    question(m, "mail.example.test", RDC_TYPE_A);
    rr_addr4(m, q, 60, 192, 0, 2, 50);
    parse(m, "mail.example.test", RDC_TYPE_A, a, NULL);
    assert_int_equal(a->status, RDC_DNS_S_ERROR);
    /* question class CH */
    header(m, 0, 1, 1);
    q = putname(m, "mail.example.test");
    put16(m, RDC_TYPE_A);
    put16(m, 3);
    rr_addr4(m, q, 60, 192, 0, 2, 50);
    parse(m, "mail.example.test", RDC_TYPE_A, a, NULL);
    assert_int_equal(a->status, RDC_DNS_S_ERROR);
    /* opcode other than QUERY (here STATUS, 2) */
    header(m, 0, 1, 1);
    m->b[2] = (uint8_t)(m->b[2] | (2u << 3));
    q = question(m, "mail.example.test", RDC_TYPE_A);
    rr_addr4(m, q, 60, 192, 0, 2, 50);
    parse(m, "mail.example.test", RDC_TYPE_A, a, NULL);
    assert_int_equal(a->status, RDC_DNS_S_ERROR);
    /* the right question: fine */
    header(m, 0, 1, 1);
    q = question(m, "mail.example.test", RDC_TYPE_A);
    rr_addr4(m, q, 60, 192, 0, 2, 50);
    parse(m, "mail.example.test", RDC_TYPE_A, a, NULL);
    assert_int_equal(a->status, RDC_DNS_OK);
    assert_int_equal(a->nrecords, 1);
    answer_del(a);
    free(m);
}

/* Records of another class, or owned by a name off the CNAME chain, or of
 * another type, never count. */
static void test_answer_ignores_off_chain(void **state)
{
    (void)state;
    msg_t *m = msg_new();
    rdc_answer_t *a = answer_new();
    header(m, 0, 1, 3);
    size_t q = question(m, "mail.example.test", RDC_TYPE_A);
    putptr(m, q); /* class CH A record for the name */
    size_t at = rr_head(m, RDC_TYPE_A, 3, 60);
    const uint8_t ip[4] = {192, 0, 2, 50};
    putbytes(m, ip, 4);
    rr_end(m, at);
    size_t other = putname(m, "other.example.test"); /* an unrelated owner */
    at = rr_head(m, RDC_TYPE_A, 1, 60);
    putbytes(m, ip, 4);
    rr_end(m, at);
    rr_addr4(m, other, 60, 192, 0, 2, 51);
    parse(m, "mail.example.test", RDC_TYPE_A, a, NULL);
    assert_int_equal(a->status, RDC_DNS_NODATA);
    assert_int_equal(a->nrecords, 0);
    answer_del(a);
    free(m);
}

static void test_answer_hostile_ptr_bytes(void **state)
{
    (void)state;
    msg_t *m = msg_new();
    rdc_answer_t *a = answer_new();
    header(m, 0, 1, 1);
    size_t q = question(m, REV, RDC_TYPE_PTR);
    putptr(m, q);
    size_t at = rr_head(m, RDC_TYPE_PTR, 1, 1);
    static const uint8_t name[] = {6, 'a', 0, 0x1b, 0xff, '.', 'b', 4, 't', 'e', 's', 't', 0};
    putbytes(m, name, sizeof name);
    rr_end(m, at);
    rdc_buf_t trace = {0};
    parse(m, REV, RDC_TYPE_PTR, a, &trace);
    assert_int_equal(a->status, RDC_DNS_OK);
    assert_int_equal(a->nrecords, 1);
    assert_memory_equal(a->records[0].name, name, sizeof name);
    assert_name(a->records[0].name, "a\\000\\027\\255\\.b.test");
    assert_non_null(trace.s);
    assert_string_equal(trace.s, "  50.2.0.192.in-addr.arpa. 1 PTR a\\000\\027\\255\\.b.test.\n");
    for (const char *p = trace.s; *p; p++)
        assert_true(*p == '\n' || (*p >= 0x20 && *p <= 0x7e));
    rdc_buf_free(&trace);
    answer_del(a);
    free(m);
}

static void test_answer_trace(void **state)
{
    (void)state;
    msg_t *m = msg_new();
    rdc_answer_t *a = answer_new();
    header(m, 0, 1, 6);
    size_t q = question(m, "www.example.test", RDC_TYPE_A);
    rr_name(m, q, RDC_TYPE_CNAME, 300, "mail.example.test");
    size_t own = m->n;
    putname(m, "mail.example.test");
    size_t at = rr_head(m, RDC_TYPE_A, 1, 3600);
    putbytes(m, "\xc0\x00\x02\x32", 4);
    rr_end(m, at);
    putptr(m, own);
    at = rr_head(m, RDC_TYPE_AAAA, 1, 60);
    putbytes(m, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", 16);
    rr_end(m, at);
    putptr(m, own);
    at = rr_head(m, RDC_TYPE_TXT, 1, 5);
    put8(m, 6);
    putbytes(m, "hi \"x\"", 6);
    rr_end(m, at);
    putptr(m, own);
    at = rr_head(m, 99, 1, 7);
    putbytes(m, "abcd", 4);
    rr_end(m, at);
    putptr(m, own);
    at = rr_head(m, 15, 1, 8); /* MX: preference and exchange */
    put16(m, 10);
    putptr(m, own);
    rr_end(m, at);
    rdc_buf_t trace = {0};
    parse(m, "www.example.test", RDC_TYPE_A, a, &trace);
    assert_int_equal(a->status, RDC_DNS_OK);
    assert_int_equal(a->nrecords, 1);
    assert_int_equal(a->cname_hops, 1);
    assert_non_null(trace.s);
    assert_string_equal(trace.s, "  www.example.test. 300 CNAME mail.example.test.\n"
                                 "  mail.example.test. 3600 A 192.0.2.50\n"
                                 "  mail.example.test. 60 AAAA 2001:db8::1\n"
                                 "  mail.example.test. 5 TXT \"hi \\\"x\\\"\"\n"
                                 "  mail.example.test. 7 TYPE99 (4 octets)\n"
                                 "  mail.example.test. 8 MX 10 mail.example.test.\n");
    rdc_buf_free(&trace);

    /* no trace buffer: nothing to write, same result */
    parse(m, "www.example.test", RDC_TYPE_A, a, NULL);
    assert_int_equal(a->status, RDC_DNS_OK);
    answer_del(a);
    free(m);
}

static void test_type_rcode_names(void **state)
{
    (void)state;
    char buf[16];
    assert_string_equal(rdc_type_name(RDC_TYPE_PTR, buf), "PTR");
    assert_string_equal(rdc_type_name(RDC_TYPE_A, buf), "A");
    assert_string_equal(rdc_type_name(RDC_TYPE_AAAA, buf), "AAAA");
    assert_string_equal(rdc_type_name(RDC_TYPE_CNAME, buf), "CNAME");
    assert_string_equal(rdc_type_name(65, buf), "TYPE65");
    assert_string_equal(rdc_type_name(65535, buf), "TYPE65535");
    assert_string_equal(rdc_rcode_name(0, buf), "NOERROR");
    assert_string_equal(rdc_rcode_name(3, buf), "NXDOMAIN");
    assert_string_equal(rdc_rcode_name(5, buf), "REFUSED");
    assert_string_equal(rdc_rcode_name(11, buf), "RCODE11");
}

/* ------------------------------------------------------------ authority section, SOA, TTLs */

#define ZONE "2.0.192.in-addr.arpa"

/* Sets the header's NSCOUNT (offset 8) once the records are written. */
static void set_nscount(msg_t *m, unsigned ns)
{
    m->b[8] = (uint8_t)(ns >> 8);
    m->b[9] = (uint8_t)ns;
}

/* Sets or clears the AA bit (RFC 1035 §4.1.1). */
static void set_aa(msg_t *m, bool aa)
{
    if (aa)
        m->b[2] |= 0x04;
    else
        m->b[2] &= (uint8_t)~0x04u;
}

/* The five numbers of SOA rdata (RFC 1035 §3.3.13). */
static void soa_numbers(msg_t *m, uint32_t serial, uint32_t minimum)
{
    put32(m, serial);
    put32(m, 7200); /* refresh */
    put32(m, 3600); /* retry */
    put32(m, 1209600); /* expire */
    put32(m, minimum);
}

/* An SOA record with uncompressed owner, MNAME and RNAME. */
static void rr_soa(msg_t *m, const char *owner, uint32_t ttl, const char *mname, const char *rname,
                   uint32_t serial, uint32_t minimum)
{
    putname(m, owner);
    size_t at = rr_head(m, RDC_TYPE_SOA, 1, ttl);
    putname(m, mname);
    putname(m, rname);
    soa_numbers(m, serial, minimum);
    rr_end(m, at);
}

/* An NS record of class klass with uncompressed owner and target. */
static void rr_ns(msg_t *m, const char *owner, unsigned klass, uint32_t ttl, const char *target)
{
    putname(m, owner);
    size_t at = rr_head(m, RDC_TYPE_NS, klass, ttl);
    putname(m, target);
    rr_end(m, at);
}

/* A negative answer (rcode NXDOMAIN or NOERROR) to the PTR question REV,
 * AA set, with the zone's SOA in the authority section. */
static void negative_soa(msg_t *m, unsigned rcode, uint32_t ttl, uint32_t minimum)
{
    header(m, rcode, 1, 0);
    set_aa(m, true);
    question(m, REV, RDC_TYPE_PTR);
    rr_soa(m, ZONE, ttl, "ns1.example.net", "hostmaster.example.net", 2026120101, minimum);
    set_nscount(m, 1);
}

static void test_answer_negative_soa_ttl(void **state)
{
    (void)state;
    static const struct {
        unsigned rcode;
        rdc_dns_status_t status;
        uint32_t ttl, minimum, want;
    } cases[] = {
        /* RFC 2308 §5: min(SOA TTL, SOA MINIMUM) */
        {RCODE_NXDOMAIN, RDC_DNS_NXDOMAIN, 300, 60, 60},
        {RCODE_NXDOMAIN, RDC_DNS_NXDOMAIN, 30, 600, 30},
        {RCODE_NOERROR, RDC_DNS_NODATA, 3600, 900, 900},
        {RCODE_NOERROR, RDC_DNS_NODATA, 120, 7200, 120},
        {RCODE_NXDOMAIN, RDC_DNS_NXDOMAIN, 86400, 0, 0},
        {RCODE_NOERROR, RDC_DNS_NODATA, 0, 3600, 0},
        {RCODE_NXDOMAIN, RDC_DNS_NXDOMAIN, 45, 45, 45},
    };
    msg_t *m = msg_new();
    rdc_answer_t *a = answer_new();
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        negative_soa(m, cases[i].rcode, cases[i].ttl, cases[i].minimum);
        parse(m, REV, RDC_TYPE_PTR, a, NULL);
        if (a->ttl != cases[i].want)
            print_error("case %zu: ttl %lu, expected %lu\n", i, (unsigned long)a->ttl,
                        (unsigned long)cases[i].want);
        assert_int_equal(a->status, cases[i].status);
        assert_int_equal(a->nrecords, 0);
        assert_true(a->aa);
        assert_false(a->referral);
        assert_true(a->has_soa);
        assert_int_equal(a->ttl, cases[i].want);
        assert_name(a->soa.owner, ZONE);
        assert_name(a->soa.mname, "ns1.example.net");
        assert_name(a->soa.rname, "hostmaster.example.net");
        assert_int_equal(a->soa.serial, 2026120101);
        assert_int_equal(a->soa.minimum, cases[i].minimum);
        assert_int_equal(a->soa.ttl, cases[i].ttl);
    }

    /* no authority section: no SOA, the TTL is not known */
    static const unsigned rcodes[] = {RCODE_NXDOMAIN, RCODE_NOERROR};
    for (size_t i = 0; i < ARRAY_LEN(rcodes); i++) {
        header(m, rcodes[i], 1, 0);
        question(m, REV, RDC_TYPE_PTR);
        parse(m, REV, RDC_TYPE_PTR, a, NULL);
        assert_int_equal(a->status, i == 0 ? RDC_DNS_NXDOMAIN : RDC_DNS_NODATA);
        assert_false(a->has_soa);
        assert_false(a->referral);
        assert_false(a->aa);
        assert_int_equal(a->ttl, RDC_TTL_UNKNOWN);
    }
    answer_del(a);
    free(m);
}

/* Only the first class IN SOA of the authority section counts. */
static void test_answer_negative_soa_choice(void **state)
{
    (void)state;
    msg_t *m = msg_new();
    rdc_answer_t *a = answer_new();
    header(m, RCODE_NXDOMAIN, 1, 0);
    question(m, REV, RDC_TYPE_PTR);
    putname(m, ZONE); /* class CH: ignored */
    size_t at = rr_head(m, RDC_TYPE_SOA, 3, 5);
    putname(m, "chaos.example.net");
    putname(m, "chaos.example.net");
    soa_numbers(m, 1, 5);
    rr_end(m, at);
    rr_soa(m, ZONE, 600, "ns1.example.net", "hostmaster.example.net", 7, 300);
    rr_soa(m, "other.test", 10, "ns.other.test", "root.other.test", 8, 10);
    set_nscount(m, 3);
    parse(m, REV, RDC_TYPE_PTR, a, NULL);
    assert_int_equal(a->status, RDC_DNS_NXDOMAIN);
    assert_true(a->has_soa);
    assert_name(a->soa.owner, ZONE);
    assert_name(a->soa.mname, "ns1.example.net");
    assert_int_equal(a->soa.serial, 7);
    assert_int_equal(a->ttl, 300);
    answer_del(a);
    free(m);
}

/* A negative answer reached through a CNAME: the SOA of the target's zone
 * bounds it, not the CNAME's TTL (dnsmsg.h). */
static void test_answer_negative_via_cname(void **state)
{
    (void)state;
    msg_t *m = msg_new();
    rdc_answer_t *a = answer_new();
    /* NODATA: the chain ends at a name without a PTR */
    header(m, RCODE_NOERROR, 1, 1);
    size_t q = question(m, REV, RDC_TYPE_PTR);
    rr_name(m, q, RDC_TYPE_CNAME, 10, "50.0-25.2.0.192.in-addr.arpa");
    rr_soa(m, "0-25.2.0.192.in-addr.arpa", 3600, "ns.customer.test", "noc.customer.test", 42, 900);
    set_nscount(m, 1);
    parse(m, REV, RDC_TYPE_PTR, a, NULL);
    assert_int_equal(a->status, RDC_DNS_NODATA);
    assert_true(a->dangling);
    assert_int_equal(a->cname_hops, 1);
    assert_true(a->has_soa);
    assert_name(a->soa.owner, "0-25.2.0.192.in-addr.arpa");
    assert_int_equal(a->ttl, 900);

    /* NXDOMAIN for the chain's last name (RFC 6604) */
    header(m, RCODE_NXDOMAIN, 1, 1);
    q = question(m, REV, RDC_TYPE_PTR);
    rr_name(m, q, RDC_TYPE_CNAME, 5, "50.0-25.2.0.192.in-addr.arpa");
    rr_soa(m, "0-25.2.0.192.in-addr.arpa", 300, "ns.customer.test", "noc.customer.test", 42, 60);
    set_nscount(m, 1);
    parse(m, REV, RDC_TYPE_PTR, a, NULL);
    assert_int_equal(a->status, RDC_DNS_NXDOMAIN);
    assert_name(a->final_name, "50.0-25.2.0.192.in-addr.arpa");
    assert_true(a->has_soa);
    assert_int_equal(a->ttl, 60);
    answer_del(a);
    free(m);
}

static void test_answer_referral(void **state)
{
    (void)state;
    msg_t *m = msg_new();
    rdc_answer_t *a = answer_new();
    const char *child = "0-25.2.0.192.in-addr.arpa";

    /* NOERROR, no answer, NS records and no SOA: a delegation (RFC 1034 §4.3.2) */
    header(m, RCODE_NOERROR, 1, 0);
    question(m, REV, RDC_TYPE_PTR);
    rr_ns(m, child, 1, 86400, "ns1.customer.test");
    rr_ns(m, child, 1, 86400, "ns2.customer.test");
    set_nscount(m, 2);
    parse(m, REV, RDC_TYPE_PTR, a, NULL);
    assert_int_equal(a->status, RDC_DNS_NODATA);
    assert_int_equal(a->nrecords, 0);
    assert_true(a->referral);
    assert_false(a->aa);
    assert_false(a->has_soa);
    assert_int_equal(a->ttl, RDC_TTL_UNKNOWN);

    /* the flag does not depend on AA: the caller weighs both */
    set_aa(m, true);
    parse(m, REV, RDC_TYPE_PTR, a, NULL);
    assert_true(a->referral);
    assert_true(a->aa);

    /* NS and an SOA (in either order): a NODATA answer, no referral */
    header(m, RCODE_NOERROR, 1, 0);
    set_aa(m, true);
    question(m, REV, RDC_TYPE_PTR);
    rr_ns(m, ZONE, 1, 86400, "ns1.example.net");
    rr_soa(m, ZONE, 600, "ns1.example.net", "hostmaster.example.net", 3, 300);
    set_nscount(m, 2);
    parse(m, REV, RDC_TYPE_PTR, a, NULL);
    assert_int_equal(a->status, RDC_DNS_NODATA);
    assert_false(a->referral);
    assert_true(a->has_soa);
    assert_int_equal(a->ttl, 300);

    /* NXDOMAIN with NS only: no referral (the rcode is an answer) */
    header(m, RCODE_NXDOMAIN, 1, 0);
    question(m, REV, RDC_TYPE_PTR);
    rr_ns(m, child, 1, 86400, "ns1.customer.test");
    set_nscount(m, 1);
    parse(m, REV, RDC_TYPE_PTR, a, NULL);
    assert_int_equal(a->status, RDC_DNS_NXDOMAIN);
    assert_false(a->referral);
    assert_false(a->has_soa);
    assert_int_equal(a->ttl, RDC_TTL_UNKNOWN);

    /* NS of another class: no referral */
    header(m, RCODE_NOERROR, 1, 0);
    question(m, REV, RDC_TYPE_PTR);
    rr_ns(m, child, 3, 86400, "ns1.customer.test");
    set_nscount(m, 1);
    parse(m, REV, RDC_TYPE_PTR, a, NULL);
    assert_int_equal(a->status, RDC_DNS_NODATA);
    assert_false(a->referral);

    /* a positive answer with the zone's NS in the authority section (as
     * authoritative servers add them): an answer, its TTL not the NS's */
    header(m, RCODE_NOERROR, 1, 1);
    set_aa(m, true);
    size_t q = question(m, REV, RDC_TYPE_PTR);
    rr_name(m, q, RDC_TYPE_PTR, 3600, "mail.example.test");
    rr_ns(m, ZONE, 1, 7, "ns1.example.net");
    set_nscount(m, 1);
    parse(m, REV, RDC_TYPE_PTR, a, NULL);
    assert_int_equal(a->status, RDC_DNS_OK);
    assert_int_equal(a->nrecords, 1);
    assert_false(a->referral);
    assert_true(a->aa);
    assert_int_equal(a->ttl, 3600);
    answer_del(a);
    free(m);
}

/* QDCOUNT must be 1 (RFC 1035 4.1.2 and 7.3: the response repeats the one
 * question asked; RFC 9619: a message with more than one question is not
 * a valid query, so no answer to ours). A header that says 2 is refused
 * whether the second question is there or not, and whatever follows. */
static void test_answer_qdcount_two(void **state)
{
    (void)state;
    msg_t *m = msg_new();
    rdc_answer_t *a = answer_new();
    for (unsigned qd = 0; qd <= 4; qd++) {
        print_message("QDCOUNT %u, one question\n", qd);
        /* one question on the wire, a good answer after it */
        header(m, 0, qd, 1);
        size_t q = question(m, "mail.example.test", RDC_TYPE_A);
        rr_addr4(m, q, 60, 192, 0, 2, 50);
        parse(m, "mail.example.test", RDC_TYPE_A, a, NULL);
        assert_int_equal(a->status, qd == 1 ? RDC_DNS_OK : RDC_DNS_S_ERROR);
        assert_int_equal(a->nrecords, qd == 1 ? 1 : 0);
        if (qd != 1)
            assert_string_equal(a->error, "answer without exactly one question");
        /* NXDOMAIN and NODATA are refused too: no answer to our question */
        for (unsigned rcode = RCODE_NOERROR; rcode <= RCODE_NXDOMAIN; rcode += RCODE_NXDOMAIN) {
            header(m, rcode, qd, 0);
            question(m, "mail.example.test", RDC_TYPE_A);
            if (qd == 2)
                question(m, "mail.example.test", RDC_TYPE_A);
            parse(m, "mail.example.test", RDC_TYPE_A, a, NULL);
            if (qd == 1)
                assert_int_equal(a->status,
                                 rcode == RCODE_NXDOMAIN ? RDC_DNS_NXDOMAIN : RDC_DNS_NODATA);
            else
                assert_int_equal(a->status, RDC_DNS_S_ERROR);
        }
    }
    answer_del(a);
    free(m);
}

/* The opcode of a response is the query's, copied (RFC 1035 4.1.1): we send
 * QUERY (0), so any other - IQUERY (1, obsolete: RFC 3425), STATUS (2),
 * NOTIFY (4, RFC 1996), UPDATE (5, RFC 2136), DSO (6, RFC 8490) or an
 * unassigned one - is not an answer to our question. */
static void test_answer_opcodes(void **state)
{
    (void)state;
    msg_t *m = msg_new();
    rdc_answer_t *a = answer_new();
    for (unsigned opcode = 0; opcode <= 15; opcode++) {
        print_message("opcode %u\n", opcode);
        header(m, 0, 1, 1);
        m->b[2] = (uint8_t)((m->b[2] & ~0x78u) | (opcode << 3));
        size_t q = question(m, "mail.example.test", RDC_TYPE_A);
        rr_addr4(m, q, 60, 192, 0, 2, 50);
        parse(m, "mail.example.test", RDC_TYPE_A, a, NULL);
        assert_int_equal(a->status, opcode == 0 ? RDC_DNS_OK : RDC_DNS_S_ERROR);
        assert_int_equal(a->nrecords, opcode == 0 ? 1 : 0);
        if (opcode != 0)
            assert_string_equal(a->error, "answer to an opcode other than QUERY");
    }
    answer_del(a);
    free(m);
}

/* TC on an NXDOMAIN: the rcode is in the header, which truncation never
 * cuts, and says the name does not exist; what may be missing is only the
 * authority section's SOA, which is not needed for the answer (RFC 2181 9:
 * TC is for an RRset that is required and did not fit; RFC 2308 5: without
 * the SOA the NXDOMAIN is just not cached). So a truncated NXDOMAIN is an
 * NXDOMAIN (c-ares has already retried over TCP when it could). A truncated
 * NOERROR may lack the very records asked for: never data nor NODATA. */
static void test_answer_tc_nxdomain(void **state)
{
    (void)state;
    msg_t *m = msg_new();
    rdc_answer_t *a = answer_new();
    /* NXDOMAIN, TC, no records */
    header(m, RCODE_NXDOMAIN, 1, 0);
    m->b[2] |= 0x02;
    question(m, REV, RDC_TYPE_PTR);
    parse(m, REV, RDC_TYPE_PTR, a, NULL);
    assert_true(a->tc);
    assert_int_equal(a->status, RDC_DNS_NXDOMAIN);
    assert_null(a->error);
    /* NXDOMAIN, TC, the SOA there: its TTL bounds the negative answer */
    header(m, RCODE_NXDOMAIN, 1, 0);
    m->b[2] |= 0x02;
    question(m, REV, RDC_TYPE_PTR);
    rr_soa(m, ZONE, 600, "ns1.example.net", "hostmaster.example.net", 3, 300);
    set_nscount(m, 1);
    parse(m, REV, RDC_TYPE_PTR, a, NULL);
    assert_int_equal(a->status, RDC_DNS_NXDOMAIN);
    assert_true(a->has_soa);
    assert_int_equal(a->ttl, 300);
    /* NXDOMAIN at the end of a CNAME chain, TC: the last name does not exist */
    header(m, RCODE_NXDOMAIN, 1, 1);
    m->b[2] |= 0x02;
    size_t q = question(m, REV, RDC_TYPE_PTR);
    rr_name(m, q, RDC_TYPE_CNAME, 5, "50.0-25.2.0.192.in-addr.arpa");
    parse(m, REV, RDC_TYPE_PTR, a, NULL);
    assert_int_equal(a->status, RDC_DNS_NXDOMAIN);
    assert_name(a->final_name, "50.0-25.2.0.192.in-addr.arpa");
    /* NOERROR with TC and no records: records may be missing, not NODATA */
    header(m, RCODE_NOERROR, 1, 0);
    m->b[2] |= 0x02;
    question(m, REV, RDC_TYPE_PTR);
    parse(m, REV, RDC_TYPE_PTR, a, NULL);
    assert_int_equal(a->status, RDC_DNS_S_ERROR);
    assert_string_equal(a->error, "truncated answer (TC set): records may be missing");
    answer_del(a);
    free(m);
}

/* NODATA at the end of a CNAME chain with NS records (and no SOA) in the
 * authority section: an authoritative server answering the CNAME and
 * referring to the target's zone (RFC 1034 4.3.2 step 3a then 3b). The
 * question's own name was answered (by the CNAME): no referral for it; the
 * lookup follows the CNAME (dangling). */
static void test_answer_cname_then_referral(void **state)
{
    (void)state;
    msg_t *m = msg_new();
    rdc_answer_t *a = answer_new();
    const char *child = "0-25.2.0.192.in-addr.arpa";
    header(m, RCODE_NOERROR, 1, 1);
    set_aa(m, true);
    size_t q = question(m, REV, RDC_TYPE_PTR);
    rr_name(m, q, RDC_TYPE_CNAME, 10, "50.0-25.2.0.192.in-addr.arpa");
    rr_ns(m, child, 1, 86400, "ns1.customer.test");
    rr_ns(m, child, 1, 86400, "ns2.customer.test");
    set_nscount(m, 2);
    parse(m, REV, RDC_TYPE_PTR, a, NULL);
    assert_int_equal(a->status, RDC_DNS_NODATA);
    assert_true(a->dangling);
    assert_int_equal(a->cname_hops, 1);
    assert_name(a->final_name, "50.0-25.2.0.192.in-addr.arpa");
    assert_false(a->referral);
    assert_false(a->has_soa);
    /* the same without the CNAME is a referral */
    header(m, RCODE_NOERROR, 1, 0);
    question(m, REV, RDC_TYPE_PTR);
    rr_ns(m, child, 1, 86400, "ns1.customer.test");
    set_nscount(m, 1);
    parse(m, REV, RDC_TYPE_PTR, a, NULL);
    assert_true(a->referral);
    assert_false(a->dangling);
    answer_del(a);
    free(m);
}

static void test_answer_aa_bit(void **state)
{
    (void)state;
    msg_t *m = msg_new();
    rdc_answer_t *a = answer_new();
    for (int aa = 0; aa <= 1; aa++) {
        header(m, RCODE_NOERROR, 1, 1);
        set_aa(m, aa);
        size_t q = question(m, REV, RDC_TYPE_PTR);
        rr_name(m, q, RDC_TYPE_PTR, 60, "mail.example.test");
        parse(m, REV, RDC_TYPE_PTR, a, NULL);
        assert_int_equal(a->status, RDC_DNS_OK);
        assert_int_equal(a->aa, aa);

        /* a server's error still says whether it spoke with authority */
        header(m, RCODE_SERVFAIL, 1, 0);
        set_aa(m, aa);
        question(m, REV, RDC_TYPE_PTR);
        rr_soa(m, ZONE, 300, "ns1.example.net", "hostmaster.example.net", 1, 60);
        set_nscount(m, 1);
        parse(m, REV, RDC_TYPE_PTR, a, NULL);
        assert_int_equal(a->status, RDC_DNS_S_SERVFAIL);
        assert_int_equal(a->aa, aa);
        assert_false(a->has_soa); /* no SOA from an error */
        assert_false(a->referral);
        assert_int_equal(a->ttl, RDC_TTL_UNKNOWN);
    }
    /* an answer to another question is no answer at all, AA or not */
    header(m, RCODE_NOERROR, 1, 1);
    set_aa(m, true);
    size_t q = question(m, "51.2.0.192.in-addr.arpa", RDC_TYPE_PTR);
    rr_name(m, q, RDC_TYPE_PTR, 60, "mail.example.test");
    parse(m, REV, RDC_TYPE_PTR, a, NULL);
    assert_int_equal(a->status, RDC_DNS_S_ERROR);
    assert_false(a->aa);
    assert_int_equal(a->ttl, RDC_TTL_UNKNOWN);
    /* REFUSED with AA and an SOA: no SOA, no TTL */
    header(m, RCODE_REFUSED, 1, 0);
    set_aa(m, true);
    question(m, REV, RDC_TYPE_PTR);
    rr_soa(m, ZONE, 300, "ns1.example.net", "hostmaster.example.net", 1, 60);
    set_nscount(m, 1);
    parse(m, REV, RDC_TYPE_PTR, a, NULL);
    assert_int_equal(a->status, RDC_DNS_S_REFUSED);
    assert_false(a->has_soa);
    assert_int_equal(a->ttl, RDC_TTL_UNKNOWN);
    answer_del(a);
    free(m);
}

static void test_answer_ttl_min_records(void **state)
{
    (void)state;
    msg_t *m = msg_new();
    rdc_answer_t *a = answer_new();
    header(m, RCODE_NOERROR, 1, 5);
    size_t q = question(m, REV, RDC_TYPE_PTR);
    rr_name(m, q, RDC_TYPE_PTR, 300, "a.example.test");
    rr_name(m, q, RDC_TYPE_PTR, 60, "b.example.test");
    /* not counted: another type, another owner, another class */
    rr_name(m, q, RDC_TYPE_TXT + 1000, 1, "x.example.test");
    putname(m, "51.2.0.192.in-addr.arpa");
    size_t at = rr_head(m, RDC_TYPE_PTR, 1, 2);
    putname(m, "other.example.test");
    rr_end(m, at);
    rr_name(m, q, RDC_TYPE_PTR, 3600, "c.example.test");
    /* the authority section of a positive answer bounds nothing */
    rr_soa(m, ZONE, 3, "ns1.example.net", "hostmaster.example.net", 1, 4);
    rr_ns(m, ZONE, 1, 5, "ns1.example.net");
    set_nscount(m, 2);
    parse(m, REV, RDC_TYPE_PTR, a, NULL);
    assert_int_equal(a->status, RDC_DNS_OK);
    assert_int_equal(a->nrecords, 3);
    assert_int_equal(a->records[0].ttl, 300);
    assert_int_equal(a->records[1].ttl, 60);
    assert_int_equal(a->records[2].ttl, 3600);
    assert_int_equal(a->ttl, 60);
    assert_false(a->has_soa);
    assert_false(a->referral);

    /* one record: its TTL, also 0 and the largest */
    static const uint32_t ttls[] = {0, 1, 86400, 0x7fffffff};
    for (size_t i = 0; i < ARRAY_LEN(ttls); i++) {
        header(m, RCODE_NOERROR, 1, 1);
        size_t qa = question(m, "mail.example.test", RDC_TYPE_A);
        rr_addr4(m, qa, ttls[i], 192, 0, 2, 50);
        parse(m, "mail.example.test", RDC_TYPE_A, a, NULL);
        assert_int_equal(a->status, RDC_DNS_OK);
        assert_int_equal(a->ttl, ttls[i]);
    }

    /* the parser starts afresh: a reused answer does not keep a smaller TTL */
    header(m, RCODE_NOERROR, 1, 1);
    size_t qa = question(m, "mail.example.test", RDC_TYPE_A);
    rr_addr4(m, qa, 0, 192, 0, 2, 50);
    parse(m, "mail.example.test", RDC_TYPE_A, a, NULL);
    assert_int_equal(a->ttl, 0);
    header(m, RCODE_NOERROR, 1, 1);
    qa = question(m, "mail.example.test", RDC_TYPE_A);
    rr_addr4(m, qa, 500, 192, 0, 2, 50);
    parse(m, "mail.example.test", RDC_TYPE_A, a, NULL);
    assert_int_equal(a->ttl, 500);
    answer_del(a);
    free(m);
}

static void test_answer_ttl_cname_chain(void **state)
{
    (void)state;
    static const struct {
        uint32_t cname1, cname2, ptr, want;
    } cases[] = {
        {40, 500, 300, 40}, /* the first CNAME */
        {600, 20, 300, 20}, /* the second CNAME */
        {600, 900, 120, 120}, /* the record */
    };
    msg_t *m = msg_new();
    rdc_answer_t *a = answer_new();
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        header(m, RCODE_NOERROR, 1, 4);
        size_t q = question(m, REV, RDC_TYPE_PTR);
        rr_name(m, q, RDC_TYPE_CNAME, cases[i].cname1, "50.0-25.2.0.192.in-addr.arpa");
        putname(m, "50.0-25.2.0.192.in-addr.arpa");
        size_t at = rr_head(m, RDC_TYPE_CNAME, 1, cases[i].cname2);
        putname(m, "50.sub.0-25.2.0.192.in-addr.arpa");
        rr_end(m, at);
        putname(m, "50.sub.0-25.2.0.192.in-addr.arpa");
        at = rr_head(m, RDC_TYPE_PTR, 1, cases[i].ptr);
        putname(m, "mail.example.test");
        rr_end(m, at);
        /* a CNAME off the chain is not followed and bounds nothing */
        putname(m, "elsewhere.example.test");
        at = rr_head(m, RDC_TYPE_CNAME, 1, 1);
        putname(m, "mail.example.test");
        rr_end(m, at);
        parse(m, REV, RDC_TYPE_PTR, a, NULL);
        assert_int_equal(a->status, RDC_DNS_OK);
        assert_int_equal(a->cname_hops, 2);
        assert_int_equal(a->nrecords, 1);
        assert_int_equal(a->records[0].ttl, cases[i].ptr);
        if (a->ttl != cases[i].want)
            print_error("case %zu: ttl %lu, expected %lu\n", i, (unsigned long)a->ttl,
                        (unsigned long)cases[i].want);
        assert_int_equal(a->ttl, cases[i].want);
    }
    answer_del(a);
    free(m);
}

static void test_answer_soa_question(void **state)
{
    (void)state;
    msg_t *m = msg_new();
    rdc_answer_t *a = answer_new();
    /* MNAME and RNAME compressed against the question, RNAME's suffix
     * against MNAME inside the rdata */
    header(m, RCODE_NOERROR, 1, 1);
    set_aa(m, true);
    size_t q = question(m, "Example.Test", RDC_TYPE_SOA);
    putptr(m, q);
    size_t at = rr_head(m, RDC_TYPE_SOA, 1, 3600);
    size_t mname = m->n;
    putlabels(m, "ns1");
    putptr(m, q);
    putlabels(m, "hostmaster");
    putptr(m, mname);
    soa_numbers(m, 0xfffffffeu, 300);
    rr_end(m, at);
    parse(m, "example.test", RDC_TYPE_SOA, a, NULL);
    assert_int_equal(a->status, RDC_DNS_OK);
    assert_null(a->error);
    assert_true(a->aa);
    assert_false(a->referral);
    assert_int_equal(a->nrecords, 1);
    assert_name(a->records[0].name, "ns1.Example.Test"); /* the MNAME */
    assert_true(a->has_soa);
    assert_name(a->soa.owner, "example.test");
    assert_name(a->soa.mname, "ns1.Example.Test");
    assert_name(a->soa.rname, "hostmaster.ns1.Example.Test");
    assert_int_equal(a->soa.serial, 0xfffffffeu);
    assert_int_equal(a->soa.minimum, 300);
    assert_int_equal(a->soa.ttl, 3600);
    assert_int_equal(a->ttl, 3600); /* a positive answer: the record's TTL */

    /* through a CNAME: the SOA's owner is the chain's end, the TTL the
     * CNAME's when smaller */
    header(m, RCODE_NOERROR, 1, 2);
    q = question(m, "www.example.test", RDC_TYPE_SOA);
    rr_name(m, q, RDC_TYPE_CNAME, 50, "example.test");
    rr_soa(m, "example.test", 3600, "ns1.example.test", "hostmaster.example.test", 9, 300);
    parse(m, "www.example.test", RDC_TYPE_SOA, a, NULL);
    assert_int_equal(a->status, RDC_DNS_OK);
    assert_true(a->has_soa);
    assert_name(a->soa.owner, "example.test");
    assert_int_equal(a->soa.serial, 9);
    assert_int_equal(a->ttl, 50);

    /* an SOA question about a name below the apex: NODATA, and the
     * authority section's SOA names the zone */
    header(m, RCODE_NOERROR, 1, 0);
    set_aa(m, true);
    question(m, "host.example.test", RDC_TYPE_SOA);
    rr_soa(m, "example.test", 3600, "ns1.example.test", "hostmaster.example.test", 10, 600);
    set_nscount(m, 1);
    parse(m, "host.example.test", RDC_TYPE_SOA, a, NULL);
    assert_int_equal(a->status, RDC_DNS_NODATA);
    assert_int_equal(a->nrecords, 0);
    assert_true(a->has_soa);
    assert_name(a->soa.owner, "example.test");
    assert_int_equal(a->soa.serial, 10);
    assert_int_equal(a->ttl, 600);
    answer_del(a);
    free(m);
}

static void test_answer_soa_question_malformed(void **state)
{
    (void)state;
    /* rdata 1 octet short, 1 octet long, names only, a forward pointer */
    msg_t *m = msg_new();
    rdc_answer_t *a = answer_new();
    for (int k = 0; k < 4; k++) {
        header(m, RCODE_NOERROR, 1, 1);
        size_t q = question(m, "example.test", RDC_TYPE_SOA);
        putptr(m, q);
        size_t at = rr_head(m, RDC_TYPE_SOA, 1, 3600);
        if (k == 3) {
            putptr(m, m->n + 2);
            putname(m, "ns1.example.test");
        } else {
            putname(m, "ns1.example.test");
        }
        putname(m, "hostmaster.example.test");
        if (k == 0 || k == 1 || k == 3)
            soa_numbers(m, 1, 300);
        if (k == 0)
            m->n--;
        if (k == 1)
            put8(m, 0);
        rr_end(m, at);
        parse(m, "example.test", RDC_TYPE_SOA, a, NULL);
        assert_int_equal(a->status, RDC_DNS_S_ERROR);
        assert_true(unit_contains(a->error, "SOA"));
        assert_int_equal(a->nrecords, 0);
        assert_false(a->has_soa);
    }
    answer_del(a);
    free(m);
}

static void test_answer_soa_authority_compressed(void **state)
{
    (void)state;
    msg_t *m = msg_new();
    rdc_answer_t *a = answer_new();
    header(m, RCODE_NXDOMAIN, 1, 0);
    set_aa(m, true);
    size_t q = question(m, "nx.example.test", RDC_TYPE_A);
    size_t zone = q + 3; /* "example.test" inside the question */
    putptr(m, zone);
    size_t at = rr_head(m, RDC_TYPE_SOA, 1, 300);
    putlabels(m, "ns1");
    putptr(m, zone);
    putlabels(m, "dns-admin");
    putptr(m, zone);
    soa_numbers(m, 2026120102, 60);
    rr_end(m, at);
    set_nscount(m, 1);
    parse(m, "nx.example.test", RDC_TYPE_A, a, NULL);
    assert_int_equal(a->status, RDC_DNS_NXDOMAIN);
    assert_true(a->has_soa);
    assert_name(a->soa.owner, "example.test");
    assert_name(a->soa.mname, "ns1.example.test");
    assert_name(a->soa.rname, "dns-admin.example.test");
    assert_int_equal(a->soa.serial, 2026120102);
    assert_int_equal(a->ttl, 60);
    answer_del(a);
    free(m);
}

/* A broken authority section: the answer keeps its meaning (status, no
 * error), only the SOA and the TTL are lost. */
static void test_answer_authority_malformed(void **state)
{
    (void)state;
    msg_t *m = msg_new();
    rdc_answer_t *a = answer_new();
    for (int k = 0; k < 6; k++) {
        header(m, k % 2 ? RCODE_NOERROR : RCODE_NXDOMAIN, 1, 0);
        question(m, REV, RDC_TYPE_PTR);
        unsigned ns = 1;
        if (k == 0 || k == 1) {
            /* SOA rdata without its MINIMUM (16 octets of numbers) */
            putname(m, ZONE);
            size_t at = rr_head(m, RDC_TYPE_SOA, 1, 300);
            putname(m, "ns1.example.net");
            putname(m, "hostmaster.example.net");
            soa_numbers(m, 1, 60);
            m->n -= 4;
            rr_end(m, at);
        } else if (k == 2) {
            /* SOA rdata with an octet too many */
            putname(m, ZONE);
            size_t at = rr_head(m, RDC_TYPE_SOA, 1, 300);
            putname(m, "ns1.example.net");
            putname(m, "hostmaster.example.net");
            soa_numbers(m, 1, 60);
            put8(m, 0);
            rr_end(m, at);
        } else if (k == 3) {
            /* MNAME with a forward pointer */
            putname(m, ZONE);
            size_t at = rr_head(m, RDC_TYPE_SOA, 1, 300);
            putptr(m, m->n + 2);
            putname(m, "hostmaster.example.net");
            soa_numbers(m, 1, 60);
            rr_end(m, at);
        } else if (k == 4) {
            /* the SOA's RDLENGTH runs past the message */
            putname(m, ZONE);
            size_t at = rr_head(m, RDC_TYPE_SOA, 1, 300);
            putname(m, "ns1.example.net");
            rr_end(m, at);
            m->b[at + 1] = (uint8_t)(m->b[at + 1] + 40);
        } else {
            /* NSCOUNT promises records that are not there; the RR header
             * of the first is cut */
            ns = 3;
            putname(m, ZONE);
            put16(m, RDC_TYPE_SOA);
            put16(m, 1);
        }
        set_nscount(m, ns);
        parse(m, REV, RDC_TYPE_PTR, a, NULL);
        if (a->status != (k % 2 ? RDC_DNS_NODATA : RDC_DNS_NXDOMAIN))
            print_error("case %d: status %d\n", k, (int)a->status);
        assert_int_equal(a->status, k % 2 ? RDC_DNS_NODATA : RDC_DNS_NXDOMAIN);
        assert_null(a->error);
        assert_false(a->has_soa);
        assert_false(a->referral);
        assert_int_equal(a->ttl, RDC_TTL_UNKNOWN);
    }

    /* a good SOA, then a record that runs past the end: the SOA stays */
    header(m, RCODE_NXDOMAIN, 1, 0);
    question(m, REV, RDC_TYPE_PTR);
    rr_soa(m, ZONE, 300, "ns1.example.net", "hostmaster.example.net", 5, 60);
    putname(m, ZONE);
    size_t at = rr_head(m, RDC_TYPE_NS, 1, 300);
    put8(m, 3);
    rr_end(m, at);
    m->b[at + 1] = 200;
    set_nscount(m, 2);
    parse(m, REV, RDC_TYPE_PTR, a, NULL);
    assert_int_equal(a->status, RDC_DNS_NXDOMAIN);
    assert_true(a->has_soa);
    assert_int_equal(a->soa.serial, 5);
    assert_int_equal(a->ttl, 60);
    answer_del(a);
    free(m);
}

/* RFC 1035 §8: a '.' inside the RNAME's first label ("john\.doe") belongs
 * to the mailbox: the label stays one label. */
static void test_answer_soa_rname_escaped_dot(void **state)
{
    (void)state;
    msg_t *m = msg_new();
    rdc_answer_t *a = answer_new();
    header(m, RCODE_NXDOMAIN, 1, 0);
    question(m, REV, RDC_TYPE_PTR);
    putname(m, ZONE);
    size_t at = rr_head(m, RDC_TYPE_SOA, 1, 300);
    putname(m, "ns1.example.net");
    put8(m, 8);
    putbytes(m, "john.doe", 8);
    putname(m, "example.net");
    soa_numbers(m, 1, 60);
    rr_end(m, at);
    set_nscount(m, 1);
    parse(m, REV, RDC_TYPE_PTR, a, NULL);
    assert_int_equal(a->status, RDC_DNS_NXDOMAIN);
    assert_true(a->has_soa);
    assert_int_equal(a->soa.rname[0], 8);
    assert_memory_equal(a->soa.rname + 1, "john.doe", 8);
    assert_int_equal(a->soa.rname[9], 7);
    assert_name(a->soa.rname, "john\\.doe.example.net");
    assert_int_equal(a->ttl, 60);
    answer_del(a);
    free(m);
}

static void test_answer_ns_question(void **state)
{
    (void)state;
    msg_t *m = msg_new();
    rdc_answer_t *a = answer_new();
    header(m, RCODE_NOERROR, 1, 2);
    set_aa(m, true);
    size_t q = question(m, "example.test", RDC_TYPE_NS);
    rr_name(m, q, RDC_TYPE_NS, 86400, "ns1.example.net");
    putptr(m, q);
    size_t at = rr_head(m, RDC_TYPE_NS, 1, 3600);
    putlabels(m, "ns2");
    putptr(m, q); /* compressed target */
    rr_end(m, at);
    parse(m, "example.test", RDC_TYPE_NS, a, NULL);
    assert_int_equal(a->status, RDC_DNS_OK);
    assert_int_equal(a->nrecords, 2);
    assert_name(a->records[0].name, "ns1.example.net");
    assert_name(a->records[1].name, "ns2.example.test");
    assert_int_equal(a->ttl, 3600);
    assert_false(a->referral);
    assert_false(a->has_soa);

    /* a target that does not fill the rdata */
    header(m, RCODE_NOERROR, 1, 1);
    q = question(m, "example.test", RDC_TYPE_NS);
    putptr(m, q);
    at = rr_head(m, RDC_TYPE_NS, 1, 3600);
    putname(m, "ns1.example.net");
    put8(m, 0);
    rr_end(m, at);
    parse(m, "example.test", RDC_TYPE_NS, a, NULL);
    assert_int_equal(a->status, RDC_DNS_S_ERROR);
    assert_true(unit_contains(a->error, "NS record"));
    assert_int_equal(a->nrecords, 0);
    answer_del(a);
    free(m);
}

/* ------------------------------------------------------------ referrals */

/* A parent's referral for qname: NS records of zone in the authority
 * section (ns1 in the zone, ns2 elsewhere), glue for ns1 (A) and for a
 * name not in the NS set, which is not glue. rcode, the header's counts. */
static void referral(msg_t *m, unsigned rcode, const char *qname, const char *zone)
{
    header(m, rcode, 1, 0);
    m->b[8] = 0, m->b[9] = 2; /* NSCOUNT */
    m->b[10] = 0, m->b[11] = 2; /* ARCOUNT */
    question(m, qname, RDC_TYPE_NS);
    size_t z = putname(m, zone);
    size_t at = rr_head(m, RDC_TYPE_NS, 1, 3600);
    size_t ns1 = m->n;
    putlabels(m, "ns1");
    putptr(m, z);
    rr_end(m, at);
    putptr(m, z);
    at = rr_head(m, RDC_TYPE_NS, 1, 3600);
    putname(m, "ns2.example.net");
    rr_end(m, at);
    rr_addr4(m, ns1, 3600, 192, 0, 2, 53);
    putname(m, "other.example.net");
    at = rr_head(m, RDC_TYPE_A, 1, 3600);
    const uint8_t ip[4] = {192, 0, 2, 54};
    putbytes(m, ip, 4);
    rr_end(m, at);
}

static void ref_wire(const char *text, uint8_t *out)
{
    assert_true(rdc_name_from_text(text, strlen(text), out, NULL));
}

/* rdc_referral_parse: the zone cut, its NS names and their glue, from the
 * authority section (or the answer section of a server that serves the
 * child too); nothing from an error, a cut that does not hold the name,
 * or a broken message. */
static void test_referral_parse(void **state)
{
    (void)state;
    msg_t *m = msg_new();
    rdc_referral_t r;
    uint8_t q[RDC_NAME_WIRE_MAX + 1], w[RDC_NAME_WIRE_MAX + 1];
    char text[RDC_NAME_TEXT_MAX];
    ref_wire("10.2.0.192.in-addr.arpa", q);

    referral(m, RCODE_NOERROR, "10.2.0.192.in-addr.arpa", "2.0.192.in-addr.arpa");
    assert_true(rdc_referral_parse(m->b, m->n, q, &r));
    rdc_name_to_text(r.zone, text);
    assert_string_equal(text, "2.0.192.in-addr.arpa");
    assert_int_equal(r.nns, 2);
    ref_wire("ns1.2.0.192.in-addr.arpa", w);
    assert_true(rdc_name_equal(r.ns[0], w));
    ref_wire("ns2.example.net", w);
    assert_true(rdc_name_equal(r.ns[1], w));
    assert_int_equal(r.nglue, 1); /* other.example.net is no NS name */
    assert_int_equal(r.glue[0].ns, 0);
    assert_int_equal(r.glue[0].addr.family, 4);
    assert_int_equal(r.glue[0].addr.b[3], 53);

    /* the question's name itself is the cut */
    ref_wire("2.0.192.in-addr.arpa", w);
    referral(m, RCODE_NOERROR, "2.0.192.in-addr.arpa", "2.0.192.in-addr.arpa");
    assert_true(rdc_referral_parse(m->b, m->n, w, &r));

    /* NS records of a zone that does not hold the name: none */
    referral(m, RCODE_NOERROR, "10.2.0.192.in-addr.arpa", "3.0.192.in-addr.arpa");
    assert_false(rdc_referral_parse(m->b, m->n, q, &r));
    /* an error rcode */
    referral(m, RCODE_REFUSED, "10.2.0.192.in-addr.arpa", "2.0.192.in-addr.arpa");
    assert_false(rdc_referral_parse(m->b, m->n, q, &r));
    /* cut short anywhere before the NS records end: nothing, no overread */
    referral(m, RCODE_NOERROR, "10.2.0.192.in-addr.arpa", "2.0.192.in-addr.arpa");
    size_t full = m->n;
    for (size_t n = 0; n < full; n++) {
        uint8_t *copy = malloc(n ? n : 1);
        assert_non_null(copy);
        memcpy(copy, m->b, n);
        bool ok = rdc_referral_parse(copy, n, q, &r);
        assert_true(!ok || r.nns == 2);
        free(copy);
    }

    /* an authoritative answer: the NS set in the answer section */
    header(m, RCODE_NOERROR, 1, 1);
    m->b[2] |= 0x04;
    size_t qn = question(m, "2.0.192.in-addr.arpa", RDC_TYPE_NS);
    rr_name(m, qn, RDC_TYPE_NS, 3600, "ns9.example.net");
    assert_true(rdc_referral_parse(m->b, m->n, w, &r));
    assert_int_equal(r.nns, 1);
    assert_int_equal(r.nglue, 0);
    free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_referral_parse),
        cmocka_unit_test(test_decode_plain),
        cmocka_unit_test(test_decode_backward_pointers),
        cmocka_unit_test(test_decode_bad_pointers),
        cmocka_unit_test(test_decode_truncated),
        cmocka_unit_test(test_decode_lengths),
        cmocka_unit_test(test_decode_pointer_chain),
        cmocka_unit_test(test_answer_ptr_several),
        cmocka_unit_test(test_answer_question_case_and_tc),
        cmocka_unit_test(test_answer_a_aaaa),
        cmocka_unit_test(test_answer_nxdomain_nodata),
        cmocka_unit_test(test_answer_rcodes),
        cmocka_unit_test(test_answer_malformed),
        cmocka_unit_test(test_answer_bad_address_length),
        cmocka_unit_test(test_answer_other_question),
        cmocka_unit_test(test_answer_cname_chain),
        cmocka_unit_test(test_answer_cname_dangling),
        cmocka_unit_test(test_answer_cname_loop),
        cmocka_unit_test(test_answer_cname_hop_limit),
        cmocka_unit_test(test_answer_many_records),
        cmocka_unit_test(test_answer_thousands_of_records),
        cmocka_unit_test(test_answer_hundred_a),
        cmocka_unit_test(test_answer_rcode_with_records),
        cmocka_unit_test(test_answer_header_and_question_checks),
        cmocka_unit_test(test_answer_ignores_off_chain),
        cmocka_unit_test(test_answer_hostile_ptr_bytes),
        cmocka_unit_test(test_answer_trace),
        cmocka_unit_test(test_type_rcode_names),
        cmocka_unit_test(test_answer_negative_soa_ttl),
        cmocka_unit_test(test_answer_negative_soa_choice),
        cmocka_unit_test(test_answer_negative_via_cname),
        cmocka_unit_test(test_answer_referral),
        cmocka_unit_test(test_answer_qdcount_two),
        cmocka_unit_test(test_answer_opcodes),
        cmocka_unit_test(test_answer_tc_nxdomain),
        cmocka_unit_test(test_answer_cname_then_referral),
        cmocka_unit_test(test_answer_aa_bit),
        cmocka_unit_test(test_answer_ttl_min_records),
        cmocka_unit_test(test_answer_ttl_cname_chain),
        cmocka_unit_test(test_answer_soa_question),
        cmocka_unit_test(test_answer_soa_question_malformed),
        cmocka_unit_test(test_answer_soa_authority_compressed),
        cmocka_unit_test(test_answer_authority_malformed),
        cmocka_unit_test(test_answer_soa_rname_escaped_dot),
        cmocka_unit_test(test_answer_ns_question),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
