/* test_addr.c - unit tests of addr.c: address parsing and RFC 5952 printing,
 * reverse names, equality, CIDR parsing, size and expansion. */
#include "unit.h"

#include "rdnscheck.h"

/* ------------------------------------------------------------ parse/format */

typedef struct addr_case {
    const char *in;
    int family; /* 0: must be refused */
    const char *canon; /* canonical text when accepted */
} addr_case_t;

static const addr_case_t addr_cases[] = {
    /* IPv4, valid */
    {"192.0.2.1", 4, "192.0.2.1"},
    {"0.0.0.0", 4, "0.0.0.0"},
    {"255.255.255.255", 4, "255.255.255.255"},
    {"10.0.0.10", 4, "10.0.0.10"},
    {"1.2.3.100", 4, "1.2.3.100"},
    {"100.64.0.0", 4, "100.64.0.0"},
    /* IPv4, invalid */
    {"1.2.3.4.5", 0, NULL},
    {"256.1.1.1", 0, NULL},
    {"1.2.3.256", 0, NULL},
    {"1.2.300.4", 0, NULL},
    {"1000.1.1.1", 0, NULL},
    {"010.1.1.1", 0, NULL},
    {"1.2.3.04", 0, NULL},
    {"00.1.1.1", 0, NULL},
    {"1..2.3", 0, NULL},
    {".1.2.3", 0, NULL},
    {"1.2.3.", 0, NULL},
    {"1.2.3.4.", 0, NULL},
    {"1.2.3", 0, NULL},
    {"1", 0, NULL},
    {"", 0, NULL},
    {" 1.2.3.4", 0, NULL},
    {"1.2.3.4 ", 0, NULL},
    {"1.2. 3.4", 0, NULL},
    {"+1.2.3.4", 0, NULL},
    {"-1.2.3.4", 0, NULL},
    {"1.2.3.+4", 0, NULL},
    {"0x1.2.3.4", 0, NULL},
    {"1.2.3.0x4", 0, NULL},
    {"0xc0000201", 0, NULL},
    {"3221225985", 0, NULL},
    {"a.b.c.d", 0, NULL},
    {"1.2.3.4\n", 0, NULL},
    /* IPv6, valid, RFC 5952 output */
    {"2001:DB8:0:0::0025", 6, "2001:db8::25"},
    {"::", 6, "::"},
    {"::1", 6, "::1"},
    {"1::", 6, "1::"},
    {"0:0:0:0:0:0:0:0", 6, "::"},
    {"0000:0000::0001", 6, "::1"},
    {"FE80::ABCD", 6, "fe80::abcd"},
    {"1:2:3:4:5:6:7:8", 6, "1:2:3:4:5:6:7:8"},
    {"2001:db8:0:0:1:0:0:1", 6, "2001:db8::1:0:0:1"}, /* tie: first run */
    {"2001:0:0:1:0:0:0:1", 6, "2001:0:0:1::1"}, /* longest run */
    {"2001:db8:0:1:1:1:1:1", 6, "2001:db8:0:1:1:1:1:1"}, /* one zero group */
    {"2001:db8::1:1:1:1:1", 6, "2001:db8:0:1:1:1:1:1"}, /* "::" for one group */
    {"1:2:3:4:5:6:7::", 6, "1:2:3:4:5:6:7:0"},
    {"::2:3:4:5:6:7:8", 6, "0:2:3:4:5:6:7:8"},
    {"0:0:1:0:0:0:0:0", 6, "0:0:1::"},
    {"1:0:0:2:0:0:0:3", 6, "1:0:0:2::3"},
    {"2001:0db8:85a3:0000:0000:8a2e:0370:7334", 6, "2001:db8:85a3::8a2e:370:7334"},
    {"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 6, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"},
    /* embedded IPv4 */
    {"::ffff:192.0.2.1", 4, "192.0.2.1"},
    {"::FFFF:c000:0201", 4, "192.0.2.1"},
    {"0:0:0:0:0:ffff:192.0.2.1", 4, "192.0.2.1"},
    {"64:ff9b::192.0.2.1", 6, "64:ff9b::c000:201"},
    {"1:2:3:4:5:6:1.2.3.4", 6, "1:2:3:4:5:6:102:304"},
    {"::1.2.3.4", 6, "::102:304"},
    /* IPv6, invalid */
    {"1::2::3", 0, NULL},
    {"::1::", 0, NULL},
    {":::", 0, NULL},
    {"1:::2", 0, NULL},
    {"1:2:3:4:5:6:7:8:9", 0, NULL},
    {"1:2:3:4:5:6:7", 0, NULL},
    {"1:2:3:4:5:6:7:8::", 0, NULL},
    {"::1:2:3:4:5:6:7:8", 0, NULL},
    {"12345::1", 0, NULL},
    {"1:02345::", 0, NULL},
    {"fe80::1%eth0", 0, NULL},
    {"fe80::1%1", 0, NULL},
    {":1::2", 0, NULL},
    {"1::2:", 0, NULL},
    {":", 0, NULL},
    {"1:", 0, NULL},
    {"g::1", 0, NULL},
    {"[::1]", 0, NULL},
    {":: 1", 0, NULL},
    {"::-1", 0, NULL},
    {"1:2:3:4:5:6:7:1.2.3.4", 0, NULL},
    {"1:2:3:4:5:6::1.2.3.4", 0, NULL},
    {"::ffff:1.2.3", 0, NULL},
    {"::ffff:1.2.3.04", 0, NULL},
    {"::ffff:256.1.1.1", 0, NULL},
    {"::1.2.3.4:5", 0, NULL},
    {"::ffff:1a.2.3.4", 0, NULL},
};

static void test_addr_table(void **state)
{
    (void)state;
    int bad = 0;
    assert_true(ARRAY_LEN(addr_cases) >= 40);
    for (size_t i = 0; i < ARRAY_LEN(addr_cases); i++) {
        const addr_case_t *c = &addr_cases[i];
        rdc_addr_t a;
        memset(&a, 0x5a, sizeof a);
        bool ok = rdc_addr_parse(c->in, strlen(c->in), &a);
        if (ok != (c->family != 0)) {
            print_error("addr \"%s\": parse returned %d, expected %d\n", c->in, ok, c->family != 0);
            bad++;
            continue;
        }
        if (!ok)
            continue;
        char *buf = malloc(RDC_ADDR_TEXT_MAX); /* exact size: ASan sees overruns */
        assert_non_null(buf);
        rdc_addr_format(&a, buf);
        if (a.family != c->family || strcmp(buf, c->canon) != 0) {
            print_error("addr \"%s\": got family %d \"%s\", expected %d \"%s\"\n", c->in, a.family,
                        buf, c->family, c->canon);
            bad++;
        } else {
            /* the canonical form parses back to the same address */
            rdc_addr_t b;
            if (!rdc_addr_parse(buf, strlen(buf), &b) || !rdc_addr_equal(&a, &b)) {
                print_error("addr \"%s\": canonical \"%s\" does not round-trip\n", c->in, buf);
                bad++;
            }
        }
        free(buf);
    }
    assert_int_equal(bad, 0);
}

/* The parser reads exactly len bytes: no NUL needed, nothing past len. */
/* rdc_addr_special: every block's first and last address, and the
 * addresses just outside it, over the whole table (issue 16); the global
 * exceptions inside 192.0.0.0/24; documentation blocks stay ordinary;
 * IPv4-mapped forms are judged as IPv4. NULL: ordinary. */
static void test_addr_special_edges(void **state)
{
    (void)state;
    static const struct {
        const char *ip, *want; /* a word of the block's name, or NULL */
    } rows[] = {
        {"0.0.0.0", "this network"},
        {"0.255.255.255", "this network"},
        {"1.0.0.0", NULL},
        {"9.255.255.255", NULL},
        {"10.0.0.0", "RFC 1918"},
        {"10.255.255.255", "RFC 1918"},
        {"11.0.0.0", NULL},
        {"100.63.255.255", NULL},
        {"100.64.0.0", "carrier-grade NAT"},
        {"100.127.255.255", "carrier-grade NAT"},
        {"100.128.0.0", NULL},
        {"126.255.255.255", NULL},
        {"127.0.0.0", "loopback"},
        {"127.255.255.255", "loopback"},
        {"128.0.0.0", NULL},
        {"169.253.255.255", NULL},
        {"169.254.0.0", "link-local"},
        {"169.254.255.255", "link-local"},
        {"169.255.0.0", NULL},
        {"172.15.255.255", NULL},
        {"172.16.0.0", "RFC 1918"},
        {"172.31.255.255", "RFC 1918"},
        {"172.32.0.0", NULL},
        {"191.255.255.255", NULL},
        {"192.0.0.0", "IETF protocol"},
        {"192.0.0.8", "IETF protocol"},
        {"192.0.0.9", NULL}, /* PCP anycast: globally reachable */
        {"192.0.0.10", NULL}, /* TURN anycast: globally reachable */
        {"192.0.0.11", "IETF protocol"},
        {"192.0.0.255", "IETF protocol"},
        {"192.0.1.0", NULL},
        {"192.0.2.1", NULL}, /* documentation: ordinary here */
        {"192.167.255.255", NULL},
        {"192.168.0.0", "RFC 1918"},
        {"192.168.255.255", "RFC 1918"},
        {"192.169.0.0", NULL},
        {"198.17.255.255", NULL},
        {"198.18.0.0", NULL}, /* benchmarking: ordinary here, as documentation */
        {"198.19.255.255", NULL},
        {"198.20.0.0", NULL},
        {"198.51.100.7", NULL},
        {"203.0.113.5", NULL},
        {"223.255.255.255", NULL},
        {"224.0.0.0", "multicast"},
        {"239.255.255.255", "multicast"},
        {"240.0.0.0", "reserved"},
        {"255.255.255.255", "broadcast"},
        {"::", "unspecified"},
        {"::1", "loopback"},
        {"::2", NULL},
        {"::ffff:10.0.0.1", "RFC 1918"}, /* IPv4-mapped: as IPv4 */
        {"::ffff:192.0.2.1", NULL},
        {"64:ff9b::192.0.2.1", NULL}, /* well-known NAT64 prefix: global */
        {"64:ff9b:0:ffff:ffff:ffff:ffff:ffff", NULL},
        {"64:ff9b:1::", "translation"},
        {"64:ff9b:1:ffff:ffff:ffff:ffff:ffff", "translation"},
        {"64:ff9b:2::", NULL},
        {"ff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", NULL},
        {"100::", "discard"},
        {"100::ffff:ffff:ffff:ffff", "discard"},
        {"100:0:0:1::", NULL},
        {"2001:db8::25", NULL}, /* documentation: ordinary here */
        {"2a00:1450::1", NULL},
        {"fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", NULL},
        {"fc00::", "unique local"},
        {"fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "unique local"},
        {"fe00::", NULL},
        {"fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff", NULL},
        {"fe80::", "link-local"},
        {"febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "link-local"},
        {"fec0::", NULL},
        {"feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", NULL},
        {"ff00::", "multicast"},
        {"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "multicast"},
    };
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        rdc_addr_t a;
        assert_true(rdc_addr_parse(rows[i].ip, strlen(rows[i].ip), &a));
        const char *got = rdc_addr_special(&a);
        bool ok = rows[i].want ? got != NULL && strstr(got, rows[i].want) != NULL : got == NULL;
        if (!ok)
            print_error("%s: got %s, want %s\n", rows[i].ip, got ? got : "ordinary",
                        rows[i].want ? rows[i].want : "ordinary");
        assert_true(ok);
    }
}

static void test_addr_parse_uses_len(void **state)
{
    (void)state;
    rdc_addr_t a;
    char buf[RDC_ADDR_TEXT_MAX];
    char *s = unit_memdup("192.0.2.1", 9); /* no NUL */
    assert_true(rdc_addr_parse(s, 9, &a));
    assert_string_equal(rdc_addr_format(&a, buf), "192.0.2.1");
    assert_false(rdc_addr_parse(s, 8, &a)); /* "192.0.2." */
    assert_false(rdc_addr_parse(s, 7, &a)); /* "192.0.2" */
    assert_false(rdc_addr_parse(s, 0, &a));
    free(s);
}

static void test_addr_parse_len_prefix(void **state)
{
    (void)state;
    rdc_addr_t a;
    char buf[RDC_ADDR_TEXT_MAX];
    /* only the first 9 bytes count */
    assert_true(rdc_addr_parse("192.0.2.1xyz", 9, &a));
    assert_string_equal(rdc_addr_format(&a, buf), "192.0.2.1");
    char *s = unit_memdup("2001:db8::1", 11);
    assert_true(rdc_addr_parse(s, 11, &a));
    assert_int_equal(a.family, 6);
    assert_string_equal(rdc_addr_format(&a, buf), "2001:db8::1");
    free(s);
    /* a NUL inside the length is not an end */
    assert_false(rdc_addr_parse("192.0.2.1\0", 10, &a));
    assert_false(rdc_addr_parse("::1\0", 4, &a));
}

static void test_addr_mapped_bytes(void **state)
{
    (void)state;
    rdc_addr_t a, b;
    assert_true(rdc_addr_parse("::ffff:192.0.2.1", 16, &a));
    assert_int_equal(a.family, 4);
    assert_int_equal(a.b[0], 192);
    assert_int_equal(a.b[1], 0);
    assert_int_equal(a.b[2], 2);
    assert_int_equal(a.b[3], 1);
    for (int i = 4; i < 16; i++)
        assert_int_equal(a.b[i], 0);
    assert_true(rdc_addr_parse("192.0.2.1", 9, &b));
    assert_true(rdc_addr_equal(&a, &b));
    assert_memory_equal(&a, &b, sizeof a);
}

/* ------------------------------------------------------------ reverse names */

static void test_reverse_names(void **state)
{
    (void)state;
    static const struct {
        const char *in, *rev;
    } cases[] = {
        {"192.0.2.1", "1.2.0.192.in-addr.arpa"},
        {"0.0.0.0", "0.0.0.0.in-addr.arpa"},
        {"255.255.255.255", "255.255.255.255.in-addr.arpa"},
        {"10.20.0.100", "100.0.20.10.in-addr.arpa"},
        {"::ffff:198.51.100.7", "7.100.51.198.in-addr.arpa"},
        /* RFC 3596 §2.5 example */
        {"4321:0:1:2:3:4:567:89ab",
         "b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.0.0.0.0.1.2.3.4.ip6.arpa"},
        {"2001:db8::1", "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa"},
        {"::", "0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa"},
        {"ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe",
         "e.f.f.f.f.f.f.f.f.f.f.f.f.f.f.f.f.f.f.f.f.f.f.f.f.f.f.f.f.f.f.f.ip6.arpa"},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        rdc_addr_t a;
        assert_true(rdc_addr_parse(cases[i].in, strlen(cases[i].in), &a));
        char *buf = malloc(RDC_REVNAME_MAX);
        assert_non_null(buf);
        assert_ptr_equal(rdc_addr_reverse_name(&a, buf), buf);
        assert_string_equal(buf, cases[i].rev);
        assert_true(strlen(buf) < RDC_REVNAME_MAX);
        free(buf);
    }
}

static void test_reverse_v6_full_nibbles(void **state)
{
    (void)state;
    rdc_addr_t a;
    char buf[RDC_REVNAME_MAX];
    assert_true(rdc_addr_parse("2001:db8::567:89ab", 18, &a));
    rdc_addr_reverse_name(&a, buf);
    /* 32 single-nibble labels, then ip6.arpa */
    assert_int_equal(strlen(buf), 32 * 2 + strlen("ip6.arpa"));
    for (int i = 0; i < 32; i++) {
        assert_true(strchr("0123456789abcdef", buf[2 * i]) != NULL);
        assert_int_equal(buf[2 * i + 1], '.');
    }
    assert_string_equal(buf + 64, "ip6.arpa");
}

/* ------------------------------------------------------------ equality */

static void test_addr_equal(void **state)
{
    (void)state;
    rdc_addr_t a, b, c, d, e;
    assert_true(rdc_addr_parse("192.0.2.1", 9, &a));
    assert_true(rdc_addr_parse("::ffff:192.0.2.1", 16, &b));
    assert_true(rdc_addr_parse("192.0.2.2", 9, &c));
    assert_true(rdc_addr_parse("::c000:201", 10, &d)); /* IPv4-compatible: stays v6 */
    assert_true(rdc_addr_parse("2001:db8::1", 11, &e));
    assert_true(rdc_addr_equal(&a, &a));
    assert_true(rdc_addr_equal(&a, &b));
    assert_false(rdc_addr_equal(&a, &c));
    assert_int_equal(d.family, 6);
    assert_false(rdc_addr_equal(&a, &d));
    assert_false(rdc_addr_equal(&d, &a));
    assert_false(rdc_addr_equal(&d, &e));

    /* IPv4 compares 4 bytes only; IPv6 all 16 */
    rdc_addr_t x = a;
    x.b[7] = 0x99;
    assert_true(rdc_addr_equal(&a, &x));
    rdc_addr_t y = e;
    y.b[15] ^= 1;
    assert_false(rdc_addr_equal(&e, &y));
    y = e;
    y.b[0] ^= 0x80;
    assert_false(rdc_addr_equal(&e, &y));
}

/* ------------------------------------------------------------ CIDR */

typedef struct cidr_case {
    const char *in;
    bool ok;
    int family;
    unsigned prefix;
    const char *base; /* ok: canonical base; !ok: substring of why */
} cidr_case_t;

static const cidr_case_t cidr_cases[] = {
    {"0.0.0.0/0", true, 4, 0, "0.0.0.0"},
    {"192.0.2.1/32", true, 4, 32, "192.0.2.1"},
    {"192.0.2.0/24", true, 4, 24, "192.0.2.0"},
    {"192.0.2.128/25", true, 4, 25, "192.0.2.128"},
    {"10.0.0.0/8", true, 4, 8, "10.0.0.0"},
    {"::/0", true, 6, 0, "::"},
    {"2001:db8::/32", true, 6, 32, "2001:db8::"},
    {"2001:DB8:0:0::/64", true, 6, 64, "2001:db8::"},
    {"2001:db8::1/128", true, 6, 128, "2001:db8::1"},
    {"::ffff:192.0.2.0/120", true, 4, 24, "192.0.2.0"},
    {"::ffff:0.0.0.0/96", true, 4, 0, "0.0.0.0"},
    {"::ffff:192.0.2.7/128", true, 4, 32, "192.0.2.7"},
    {"192.0.2.0/33", false, 0, 0, "over 32"},
    {"0.0.0.0/99", false, 0, 0, "over 32"},
    {"2001:db8::/129", false, 0, 0, "over 128"},
    {"::/999", false, 0, 0, "over 128"},
    {"192.0.2.1/24", false, 0, 0, "host bits"},
    {"1.0.0.0/0", false, 0, 0, "host bits"},
    {"2001:db8::1/64", false, 0, 0, "host bits"},
    {"2001:db8::/16", false, 0, 0, "host bits"},
    /* only the first host bit set (issue 9): refused, though one prefix bit
     * longer takes the same address */
    {"192.0.2.128/24", false, 0, 0, "host bits"},
    {"192.0.2.128/25", true, 4, 25, "192.0.2.128"},
    {"128.0.0.0/0", false, 0, 0, "host bits"},
    {"10.128.0.0/8", false, 0, 0, "host bits"},
    {"192.0.2.2/30", false, 0, 0, "host bits"},
    {"192.0.2.1/31", false, 0, 0, "host bits"},
    {"2001:db8::8000/112", false, 0, 0, "host bits"},
    {"2001:db8::8000/113", true, 6, 113, "2001:db8::8000"},
    {"2001:db8::80/120", false, 0, 0, "host bits"},
    {"2001:db8:0:0:8000::/64", false, 0, 0, "host bits"},
    {"8000::/0", false, 0, 0, "host bits"},
    {"2001:db8::1/127", false, 0, 0, "host bits"},
    {"::ffff:192.0.2.128/120", false, 0, 0, "host bits"},
    {"192.0.2.0/024", false, 0, 0, "leading zero"},
    {"0.0.0.0/00", false, 0, 0, "leading zero"},
    {"192.0.2.0/", false, 0, 0, "decimal"},
    {"192.0.2.0/2a", false, 0, 0, "decimal"},
    {"192.0.2.0/-1", false, 0, 0, "decimal"},
    {"192.0.2.0/+24", false, 0, 0, "decimal"},
    {"192.0.2.0/ 24", false, 0, 0, "decimal"},
    {"192.0.2.0/1000", false, 0, 0, "decimal"},
    {"192.0.2.0/24/1", false, 0, 0, "decimal"},
    {"192.0.2.0", false, 0, 0, "'/'"},
    {"/24", false, 0, 0, "address"},
    {"010.0.0.0/8", false, 0, 0, "address"},
    {"fe80::%eth0/64", false, 0, 0, "address"},
    {"::ffff:192.0.2.0/95", false, 0, 0, "96 to 128"},
    {"::ffff:192.0.2.0/129", false, 0, 0, "96 to 128"},
    {"::ffff:192.0.2.0/24", false, 0, 0, "96 to 128"},
};

static void test_cidr_table(void **state)
{
    (void)state;
    int bad = 0;
    for (size_t i = 0; i < ARRAY_LEN(cidr_cases); i++) {
        const cidr_case_t *c = &cidr_cases[i];
        rdc_cidr_t cidr;
        const char *why = NULL;
        char *s = unit_memdup(c->in, strlen(c->in));
        bool ok = rdc_cidr_parse(s, strlen(c->in), &cidr, &why);
        free(s);
        char buf[RDC_ADDR_TEXT_MAX];
        if (ok != c->ok) {
            print_error("cidr \"%s\": returned %d (why: %s)\n", c->in, ok, why ? why : "-");
            bad++;
        } else if (ok && (cidr.base.family != c->family || cidr.prefix != c->prefix ||
                          strcmp(rdc_addr_format(&cidr.base, buf), c->base) != 0)) {
            print_error("cidr \"%s\": got %d %s/%u\n", c->in, cidr.base.family, buf, cidr.prefix);
            bad++;
        } else if (!ok && (why == NULL || !unit_contains(why, c->base))) {
            print_error("cidr \"%s\": why \"%s\" lacks \"%s\"\n", c->in, why ? why : "(null)",
                        c->base);
            bad++;
        }
    }
    assert_int_equal(bad, 0);
}

static void test_cidr_why_null(void **state)
{
    (void)state;
    rdc_cidr_t c;
    assert_false(rdc_cidr_parse("192.0.2.1/24", 12, &c, NULL));
    assert_false(rdc_cidr_parse("x", 1, &c, NULL));
    assert_true(rdc_cidr_parse("192.0.2.0/24", 12, &c, NULL));
}

/* For every prefix length p and family: the address whose only set bit is
 * bit p (the first host bit) is refused as ADDR/p and accepted as ADDR/(p+1);
 * the address whose only set bit is the last one is refused for every p
 * below the full length. */
static void test_cidr_first_host_bit(void **state)
{
    (void)state;
    int bad = 0;
    for (unsigned fam = 4; fam <= 6; fam += 2) {
        unsigned bits = fam == 4 ? 32 : 128;
        for (unsigned p = 0; p < bits; p++) {
            rdc_addr_t a;
            memset(&a, 0, sizeof a);
            a.family = (uint8_t)fam;
            a.b[p / 8] = (uint8_t)(0x80u >> (p % 8));
            char addr[RDC_ADDR_TEXT_MAX], in[RDC_ADDR_TEXT_MAX + 16];
            rdc_addr_format(&a, addr);
            rdc_cidr_t c;
            const char *why = NULL;
            snprintf(in, sizeof in, "%s/%u", addr, p);
            if (rdc_cidr_parse(in, strlen(in), &c, &why) || why == NULL ||
                !unit_contains(why, "host bits")) {
                print_error("cidr \"%s\": accepted, or why \"%s\"\n", in, why ? why : "-");
                bad++;
            }
            snprintf(in, sizeof in, "%s/%u", addr, p + 1);
            if (!rdc_cidr_parse(in, strlen(in), &c, &why) || c.prefix != p + 1 ||
                !rdc_addr_equal(&c.base, &a)) {
                print_error("cidr \"%s\": refused or wrong\n", in);
                bad++;
            }
            memset(&a.b, 0, sizeof a.b);
            a.b[bits / 8 - 1] = 1;
            rdc_addr_format(&a, addr);
            snprintf(in, sizeof in, "%s/%u", addr, p);
            if (rdc_cidr_parse(in, strlen(in), &c, &why)) {
                print_error("cidr \"%s\": accepted\n", in);
                bad++;
            }
        }
    }
    assert_int_equal(bad, 0);
}

static rdc_cidr_t cidr_of(const char *s)
{
    rdc_cidr_t c;
    const char *why = NULL;
    bool ok = rdc_cidr_parse(s, strlen(s), &c, &why);
    if (!ok)
        print_error("cidr_of(%s): %s\n", s, why);
    assert_true(ok);
    return c;
}

static void test_cidr_size(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        uint64_t size;
    } cases[] = {
        {"0.0.0.0/0", UINT64_C(4294967296)},
        {"10.0.0.0/8", UINT64_C(16777216)},
        {"192.0.2.0/24", 256},
        {"192.0.2.0/31", 2},
        {"192.0.2.1/32", 1},
        {"::/0", UINT64_MAX},
        {"2001:db8::/32", UINT64_MAX},
        {"2001:db8::/64", UINT64_MAX}, /* 2^64 does not fit */
        {"2001:db8::/65", UINT64_C(9223372036854775808)},
        {"2001:db8::/96", UINT64_C(4294967296)},
        {"2001:db8::/120", 256},
        {"2001:db8::/127", 2},
        {"2001:db8::/128", 1},
        {"::ffff:192.0.2.0/120", 256},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        rdc_cidr_t c = cidr_of(cases[i].in);
        if (rdc_cidr_size(&c) != cases[i].size)
            print_error("size(%s) = %llu\n", cases[i].in, (unsigned long long)rdc_cidr_size(&c));
        assert_true(rdc_cidr_size(&c) == cases[i].size);
    }
}

static void check_nth(const char *block, uint64_t i, const char *want)
{
    rdc_cidr_t c = cidr_of(block);
    rdc_addr_t a;
    char buf[RDC_ADDR_TEXT_MAX];
    memset(&a, 0x77, sizeof a);
    rdc_cidr_nth(&c, i, &a);
    rdc_addr_format(&a, buf);
    if (strcmp(buf, want) != 0)
        print_error("nth(%s, %llu) = %s, expected %s\n", block, (unsigned long long)i, buf, want);
    assert_string_equal(buf, want);
    assert_int_equal(a.family, c.base.family);
}

static void test_cidr_nth(void **state)
{
    (void)state;
    check_nth("192.0.2.0/24", 0, "192.0.2.0");
    check_nth("192.0.2.0/24", 255, "192.0.2.255");
    /* carry across octets */
    check_nth("192.0.2.0/23", 255, "192.0.2.255");
    check_nth("192.0.2.0/23", 256, "192.0.3.0");
    check_nth("192.0.2.0/23", 511, "192.0.3.255");
    check_nth("10.0.0.0/8", 0x010203, "10.1.2.3");
    check_nth("10.0.0.0/8", 0xffffff, "10.255.255.255");
    check_nth("0.0.0.0/0", 0xffffffff, "255.255.255.255");
    check_nth("0.0.0.0/0", 0x01000000, "1.0.0.0");
    check_nth("192.0.2.7/32", 0, "192.0.2.7");
    check_nth("::ffff:198.51.100.0/120", 5, "198.51.100.5");
    /* IPv6 */
    check_nth("2001:db8::/120", 0, "2001:db8::");
    check_nth("2001:db8::/120", 0xff, "2001:db8::ff");
    check_nth("2001:db8::/112", 0x100, "2001:db8::100");
    check_nth("2001:db8::/64", UINT64_C(0x0102030405060708), "2001:db8::102:304:506:708");
    check_nth("2001:db8::/64", UINT64_MAX, "2001:db8::ffff:ffff:ffff:ffff");
    check_nth("2001:db8::/64", UINT64_C(0x10000), "2001:db8::1:0");
    check_nth("::/0", UINT64_C(0x100000000), "::1:0:0");
    check_nth("2001:db8:1:2::/64", 1, "2001:db8:1:2::1");
}

/* Every address of a small block, in order, distinct, and inside it. */
static void test_cidr_nth_walk(void **state)
{
    (void)state;
    rdc_cidr_t c = cidr_of("198.51.100.0/22");
    uint64_t n = rdc_cidr_size(&c);
    assert_true(n == 1024);
    for (uint64_t i = 0; i < n; i++) {
        rdc_addr_t a;
        rdc_cidr_nth(&c, i, &a);
        assert_int_equal(a.family, 4);
        assert_int_equal(a.b[0], 198);
        assert_int_equal(a.b[1], 51);
        assert_int_equal(a.b[2], 100 + (unsigned)(i >> 8));
        assert_int_equal(a.b[3], (unsigned)(i & 0xff));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_addr_table),
        cmocka_unit_test(test_addr_special_edges),
        cmocka_unit_test(test_addr_parse_uses_len),
        cmocka_unit_test(test_addr_parse_len_prefix),
        cmocka_unit_test(test_addr_mapped_bytes),
        cmocka_unit_test(test_reverse_names),
        cmocka_unit_test(test_reverse_v6_full_nibbles),
        cmocka_unit_test(test_addr_equal),
        cmocka_unit_test(test_cidr_table),
        cmocka_unit_test(test_cidr_why_null),
        cmocka_unit_test(test_cidr_first_host_bit),
        cmocka_unit_test(test_cidr_size),
        cmocka_unit_test(test_cidr_nth),
        cmocka_unit_test(test_cidr_nth_walk),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
