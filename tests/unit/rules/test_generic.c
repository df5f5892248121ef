/* test_generic.c - unit tests of generic.c: a table of provider-style and
 * deliberately assigned PTR names with their addresses, the explanation
 * buffer contract, an exhaustive octet sweep and hostile wire names (run
 * under ASan: every name sits in a heap block of exactly its size). */
#include "unit.h"

#include "generic.h"
#include "psl.h"
#include "rdnscheck.h"

#define NO RDC_GENERIC_NO
#define DIGITS RDC_GENERIC_IP_DIGITS
#define HEX RDC_GENERIC_IP_HEX
#define WORD RDC_GENERIC_WORD

#define V4 "192.0.2.1"
#define V6 "2001:db8:1:2:a:b:c:d"
#define V6NIBBLES "d.0.0.0.c.0.0.0.b.0.0.0.a.0.0.0.2.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2"

typedef struct generic_case {
    const char *name;
    const char *addr;
    rdc_generic_t want;
    const char *why_has; /* a substring the explanation must hold, or NULL */
} generic_case_t;

static const generic_case_t cases[] = {
    /* cloud providers' default names */
    {"ec2-192-0-2-1.compute-1.amazonaws.com", V4, DIGITS, "address 192.0.2.1 (as 192-0-2-1)"},
    {"ec2-203-0-113-45.eu-west-1.compute.amazonaws.com", "203.0.113.45", DIGITS, "203-0-113-45"},
    {"ip-10-0-2-1.ec2.internal", "10.0.2.1", DIGITS, "as 10-0-2-1"},
    {"1.2.0.192.bc.googleusercontent.com", V4, DIGITS, "as 1.2.0.192"},
    {"192-0-2-1.ip.linodeusercontent.com", V4, DIGITS, NULL},
    {"static.1.2.0.192.clients.your-server.de", V4, DIGITS, "'static'"}, /* Hetzner */
    {"192.0.2.1.vultrusercontent.com", V4, DIGITS, NULL},
    {"ip1.ip-192-0-2.eu", V4, NO, NULL}, /* OVH failover: the /24 is the domain; "ip" is weak */
    {"myvm.westeurope.cloudapp.azure.com", V4, NO, NULL}, /* Azure: a chosen label */
    {"droplet-web1.example.com", V4, NO, NULL}, /* DigitalOcean: the droplet name */
    /* access providers */
    {"1-2-0-192.dyn.example.net", V4, DIGITS, "as 1-2-0-192"},
    {"c0000201.example.net", V4, HEX, "in hex (as c0000201)"},
    {"0xc0000201.cable.example.com", V4, HEX, "as c0000201"},
    {"0xC0000201.example.com", V4, HEX, "as C0000201"},
    {"pc0000201.dip0.t-ipconnect.de", V4, HEX, NULL},
    {"cb00712d.example.net", "203.0.113.45", HEX, NULL},
    {"dsl-192-0-2-1.example.net", V4, DIGITS, NULL},
    {"host1.pool.example.net", V4, WORD, "access-network word 'pool'"},
    {"host65.example.net", V4, NO, NULL}, /* "host" alone is a weak word */
    {"ppp-192-0-2-1.example.de", V4, DIGITS, NULL},
    {"192.0.2.1.broadband.example.co.uk", V4, DIGITS, "as 192.0.2.1"},
    {"cpe-192-0-2-1.res.example.com", V4, DIGITS, NULL},
    {"ip192-0-2-1.mobile.example.net", V4, DIGITS, NULL},
    {"192000002001.example.net", V4, DIGITS, "as 192000002001"},
    {"192-000-002-001.example.net", V4, DIGITS, NULL},
    {"syn-192-000-002-001.res.spectrum.com", V4, DIGITS, NULL},
    {"001-002-000-192.example.net", V4, DIGITS, NULL},
    {"001002000192.example.net", V4, DIGITS, NULL},
    {"192021.example.net", V4, DIGITS, "as 192021"},
    {"dhcp-7.example.edu", V4, WORD, "'dhcp'"},
    {"c-192-0-2-1.hsd1.ca.comcast.net", V4, DIGITS, NULL},
    {"pool-192-0-2-1.bstnma.fios.verizon.net", V4, DIGITS, NULL},
    {"host192-0-2-1.range192-0.btcentralplus.com", V4, DIGITS, NULL},
    {"ip192-0-2-1.ph.ph.cox.net", V4, DIGITS, NULL},
    {"45-113-0-203.customer.example.net", "203.0.113.45", DIGITS, NULL},
    {"192_0_2_1.example.net", V4, DIGITS, NULL},
    {"192x0x2x1.example.net", V4, DIGITS, NULL},
    {"1X2X0X192.example.net", V4, DIGITS, NULL},
    {"192.0.2.1.example.net", V4, DIGITS, NULL},
    {"1.2.0.192.in-addr.arpa", V4, DIGITS, NULL},
    /* static words do not cancel the address */
    {"192-0-2-1.static.example-isp.net", V4, DIGITS, "despite the word 'static'"},
    {"static-192-0-2-1.example.net", V4, DIGITS, "provider-generated"},
    {"fixed-ip-192-0-2-1.example.net", V4, DIGITS, "'fixed'"},
    {"business-192-0-2-1.example.net", V4, DIGITS, "'business'"},
    {"biz-c0000201.example.net", V4, HEX, "'biz'"},
    /* last three octets with an access word */
    {"dsl-0-2-1.example.net", V4, DIGITS, "last three octets of 192.0.2.1 (as 0-2-1)"},
    {"static-0-2-1.dsl.example.net", V4, DIGITS, "word 'dsl'"},
    {"0-2-1.pool.example.net", V4, DIGITS, NULL},
    {"host-000-002-001.example.net", V4, DIGITS, NULL},
    {"0-2-1.example.net", V4, NO, NULL}, /* no access word */
    {"021.pool.example.net", V4, WORD, NULL}, /* "021" is too weak: the word decides */
    /* words */
    {"adsl.example.net", V4, WORD, "'adsl'"},
    {"dsl.example.net", V4, WORD, NULL}, /* "dsl" is the host part here */
    {"dynamic.example.co.uk", V4, WORD, NULL},
    {"broadband.example.com.au", V4, WORD, NULL},
    {"user-5.example.net", V4, NO, NULL}, /* weak word alone */
    {"customer.example.net", V4, NO, NULL},
    {"mobile-data.example.net", V4, WORD, NULL},
    {"a.b.in-addr.example.net", V4, WORD, "'in-addr'"},
    {"FTTH.Example.NET", V4, WORD, "'ftth'"},
    {"cust42.example.ne.jp", V4, NO, NULL},
    /* IPv6 */
    {"2001-db8-1-2-a-b-c-d.dyn.example.net", V6, DIGITS,
     "groups of 2001:db8:1:2:a:b:c:d (as a-b-c-d)"},
    {"host-000a-000b-000c-000d.example.net", V6, DIGITS, "as 000a-000b-000c-000d"},
    {"A-B-C-D.pool.example.net", V6, DIGITS, NULL},
    {"2001-db8-0-0-0-0-0-1.example.net", "2001:db8::1", DIGITS, "as 0-0-0-1"},
    {"000a000b000c000d.example.net", V6, HEX, "last 64 bits"},
    {"ip6-20010db800010002000a000b000c000d.example.net", V6, HEX,
     "address 2001:db8:1:2:a:b:c:d in hex"},
    {V6NIBBLES ".example.net", V6, HEX, "reversed nibbles"},
    {V6NIBBLES ".ip6.arpa", V6, HEX, NULL},
    {"dsl.v6.example.net", V6, WORD, NULL},
    {"mail.example.com", V6, NO, NULL},
    {"mx-a-b-c-d.example.net", V6, NO, NULL},
    {"2001-db8-1-2-0-0-0-1.example.net", "2001:db8:1:2::2", NO, NULL},
    {"1a-b-c-d.example.net", V6, NO, NULL},
    {"a-b-c-d0.example.net", V6, NO, NULL},
    {"a-b-c-00000d.example.net", V6, NO, NULL},
    {"0a000b000c000d.example.net", V6, NO, NULL},
    {"ff000a000b000c000d.example.net", V6, NO, NULL},
    {"192-0-2-1.example.net", V6, NO, NULL}, /* IPv4 digits, IPv6 address */
    /* deliberately assigned names */
    {"mail.example.com", V4, NO, NULL},
    {"mx1.example.net", V4, NO, NULL},
    {"smtp-out-3.example.org", V4, NO, NULL},
    {"relay.example.com", V4, NO, NULL},
    {"mta5.mail.example.com", V4, NO, NULL},
    {"outbound1.example.org", V4, NO, NULL},
    {"mailout2.example.org", V4, NO, NULL},
    {"www.example.com", V4, NO, NULL},
    {"ns1.example.com", V4, NO, NULL},
    {"mail2.example.com", V4, NO, NULL},
    {"ipv6.example.com", V4, NO, NULL},
    {"ipad.example.com", V4, NO, NULL},
    {"hostel.example.com", V4, NO, NULL},
    {"web01.example.org", V4, NO, NULL},
    {"static.example.net", V4, NO, NULL},
    /* mail words cancel everything, static words cancel words alone */
    {"mail-192-0-2-1.example.net", V4, NO, NULL},
    {"smtp.dsl.example.net", V4, NO, NULL},
    {"mail-c0000201.example.net", V4, NO, NULL},
    {"static.dsl.example.net", V4, NO, NULL},
    {"business-cable.example.com", V4, NO, NULL},
    /* only the registrable domain */
    {"dsl.net", V4, NO, NULL},
    {"www.dsl.net", V4, NO, NULL},
    {"example.co.uk", V4, NO, NULL},
    {"dsl.co.uk", V4, NO, NULL},
    {"pool.com.au", V4, NO, NULL},
    {"192-0-2-1.net", V4, NO, NULL},
    {"www.192-0-2-1.net", V4, NO, NULL},
    /* the registrable domain by the Public Suffix List (issue 20): xy.de is
     * an owner's domain under de, unlike co.uk, a suffix of its own */
    {"dsl-203-0-113-5.xy.de", "203.0.113.5", DIGITS, "address 203.0.113.5 (as 203-0-113-5)"},
    {"dsl.xy.de", V4, WORD, "'dsl'"},
    {"xy.de", V4, NO, NULL},
    {"dsl.example.co.uk", V4, WORD, NULL},
    {"co.uk", V4, NO, NULL},
    {"dsl-192-0-2-1.example.ne.jp", V4, DIGITS, NULL},
    {"dsl.ne.jp", V4, NO, NULL},
    /* *.ck with the exception !www.ck: www.ck is an owner's domain */
    {"dsl.example.ck", V4, NO, NULL},
    {"dsl.www.ck", V4, WORD, NULL},
    /* a private suffix (github.io, ip.linodeusercontent.com): the labels in
     * front of it count, the suffix's own do not */
    {"dsl-192-0-2-1.foo.github.io", V4, DIGITS, "(as 192-0-2-1)"},
    {"foo.github.io", V4, NO, NULL},
    {"github.io", V4, NO, NULL},
    {"cable.github.io", V4, WORD, "'cable'"},
    {"mail.cable.github.io", V4, NO, NULL},
    {"myhost.dyn.cosidns.de", V4, NO, NULL}, /* "dyn" is the provider's suffix */
    {"dsl-0-2-1.dyn.cosidns.de", V4, DIGITS, "last three octets"},
    /* another address, or digits that only look alike */
    {"192-0-2-99.example.net", V4, NO, NULL},
    {"192-0-2-10.example.net", V4, NO, NULL},
    {"11-2-0-192.example.net", V4, NO, NULL},
    {"1-2-0-1921.example.net", V4, NO, NULL},
    {"192-0.2-1.example.net", V4, NO, NULL}, /* mixed separators */
    {"203-0-113-4.example.net", "203.0.113.45", NO, NULL},
    {"c0000202.example.net", V4, NO, NULL},
    {"ac0000201.example.net", V4, NO, NULL},
    {"c00002010.example.net", V4, NO, NULL},
    {"p1234-ipngn100.tokyo.ocn.ne.jp", V4, NO, NULL}, /* a known miss: no signal */
};

/* Wire form of a text name in a heap block of exactly its size. */
static uint8_t *wire_of(const char *text)
{
    uint8_t w[RDC_NAME_WIRE_MAX + 1];
    const char *why = NULL;
    if (!rdc_name_from_text(text, strlen(text), w, &why)) {
        print_error("name \"%s\": %s\n", text, why ? why : "?");
        fail();
    }
    size_t n = 0;
    while (w[n])
        n += 1u + w[n];
    return unit_memdup(w, n + 1);
}

static rdc_addr_t addr_of(const char *text)
{
    rdc_addr_t a;
    assert_true(rdc_addr_parse(text, strlen(text), &a));
    return a;
}

static void test_generic_table(void **state)
{
    (void)state;
    int bad = 0;
    assert_true(ARRAY_LEN(cases) >= 70);
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        const generic_case_t *c = &cases[i];
        uint8_t *w = wire_of(c->name);
        rdc_addr_t a = addr_of(c->addr);
        char why[RDC_GENERIC_WHY_MAX];
        memset(why, 'Z', sizeof why);
        rdc_generic_t g = rdc_generic_name(w, &a, why, sizeof why);
        if (g != c->want) {
            print_error("\"%s\" for %s: got %s, expected %s (%s)\n", c->name, c->addr,
                        rdc_generic_kind_name(g), rdc_generic_kind_name(c->want), why);
            bad++;
        } else if (g == NO ? why[0] != '\0' : (why[0] == '\0' || !unit_printable(why))) {
            print_error("\"%s\": bad explanation \"%s\"\n", c->name, why);
            bad++;
        } else if (c->why_has && !unit_contains(why, c->why_has)) {
            print_error("\"%s\": explanation \"%s\" lacks \"%s\"\n", c->name, why, c->why_has);
            bad++;
        }
        /* the result does not depend on being asked why */
        assert_int_equal(rdc_generic_name(w, &a, NULL, 0), g);
        free(w);
    }
    assert_int_equal(bad, 0);
}

/* Every last octet against every address in 192.0.2.0/24, in all forms. */
/* The list lookup itself (psl.c): ICANN and private sections, wildcard and
 * exception rules, the implicit "*" rule. */
static void test_psl_suffix_labels(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        size_t icann, any;
    } psl_cases[] = {
        {"dsl-203-0-113-5.xy.de", 1, 1},
        {"a.example.co.uk", 2, 2},
        {"co.uk", 2, 2},
        {"uk", 1, 1},
        {"x.foo.github.io", 1, 2},
        {"github.io", 1, 2},
        {"ec2-192-0-2-1.compute-1.amazonaws.com", 1, 4}, /* *.compute-1.amazonaws.com */
        {"a.b.ck", 2, 2}, /* *.ck */
        {"a.www.ck", 1, 1}, /* !www.ck */
        {"mail.example.test", 1, 1}, /* no rule: the implicit "*" */
        {"test", 1, 1},
        {"h.#.ck", 2, 2}, /* an odd label matches the wildcard only */
        {"", 1, 1},
    };
    for (size_t i = 0; i < ARRAY_LEN(psl_cases); i++) {
        size_t icann = rdc_psl_suffix_labels(psl_cases[i].name, false);
        size_t any = rdc_psl_suffix_labels(psl_cases[i].name, true);
        if (icann != psl_cases[i].icann || any != psl_cases[i].any)
            fail_msg("%s: ICANN %zu, any %zu; expected %zu, %zu", psl_cases[i].name, icann, any,
                     psl_cases[i].icann, psl_cases[i].any);
    }
    const char *src = rdc_psl_source();
    assert_non_null(src);
    assert_string_not_equal(src, "none");
}

static void test_generic_octet_sweep(void **state)
{
    (void)state;
    for (int f = 0; f < 4; f++) {
        for (unsigned n = 0; n < 256; n++) {
            char text[64];
            if (f == 0)
                snprintf(text, sizeof text, "h-192-0-2-%u.example.net", n);
            else if (f == 1)
                snprintf(text, sizeof text, "%u.2.0.192.example.net", n);
            else if (f == 2)
                snprintf(text, sizeof text, "x192x0x2x%u.example.net", n);
            else
                snprintf(text, sizeof text, "h192000002%03u.example.net", n);
            uint8_t *w = wire_of(text);
            for (unsigned m = 0; m < 256; m++) {
                rdc_addr_t a = {.family = 4, .b = {192, 0, 2, (uint8_t)m}};
                rdc_generic_t g = rdc_generic_name(w, &a, NULL, 0);
                if (g != (n == m ? DIGITS : NO)) {
                    print_error("\"%s\" for 192.0.2.%u: got %s\n", text, m,
                                rdc_generic_kind_name(g));
                    fail();
                }
            }
            free(w);
        }
    }
}

static void test_generic_why_buffer(void **state)
{
    (void)state;
    uint8_t *w = wire_of("static-192-0-2-1.dsl.example.net");
    rdc_addr_t a = addr_of(V4);
    char full[RDC_GENERIC_WHY_MAX];
    assert_int_equal(rdc_generic_name(w, &a, full, sizeof full), DIGITS);
    assert_true(strlen(full) > 20);

    /* whylen 0: nothing is written */
    char why[300];
    memset(why, 'Z', sizeof why);
    assert_int_equal(rdc_generic_name(w, &a, why, 0), DIGITS);
    assert_int_equal(why[0], 'Z');
    /* whylen 1: the empty string */
    assert_int_equal(rdc_generic_name(w, &a, why, 1), DIGITS);
    assert_int_equal(why[0], '\0');
    assert_int_equal(why[1], 'Z');
    /* a short buffer gets a NUL-terminated prefix and nothing beyond */
    memset(why, 'Z', sizeof why);
    char *small = malloc(12); /* exact size: ASan sees overruns */
    assert_non_null(small);
    assert_int_equal(rdc_generic_name(w, &a, small, 12), DIGITS);
    assert_int_equal(strlen(small), 11);
    assert_memory_equal(small, full, 11);
    free(small);
    /* a large buffer: never more than RDC_GENERIC_WHY_MAX */
    assert_int_equal(rdc_generic_name(w, &a, why, sizeof why), DIGITS);
    assert_string_equal(why, full);
    free(w);

    /* the longest explanation: an IPv6 address, 32 nibbles and a static word */
    w = wire_of("static-ffffffffffffffffffffffffffffffff.example.net");
    a = addr_of("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
    memset(why, 'Z', sizeof why);
    assert_int_equal(rdc_generic_name(w, &a, why, sizeof why), HEX);
    assert_true(strlen(why) < RDC_GENERIC_WHY_MAX);
    assert_true(unit_printable(why));
    assert_true(unit_contains(why, "'static'"));
    free(w);

    /* not generic: the empty string */
    w = wire_of("mail.example.com");
    memset(why, 'Z', sizeof why);
    assert_int_equal(rdc_generic_name(w, &a, why, sizeof why), NO);
    assert_string_equal(why, "");
    free(w);
}

static void test_generic_no_address(void **state)
{
    (void)state;
    char why[RDC_GENERIC_WHY_MAX];
    uint8_t *w = wire_of("dsl-192-0-2-1.example.net");
    assert_int_equal(rdc_generic_name(w, NULL, why, sizeof why), WORD);
    assert_true(unit_contains(why, "'dsl'"));
    rdc_addr_t odd = {.family = 5, .b = {192, 0, 2, 1}};
    assert_int_equal(rdc_generic_name(w, &odd, why, sizeof why), WORD);
    free(w);
    w = wire_of("192-0-2-1.example.net");
    assert_int_equal(rdc_generic_name(w, NULL, why, sizeof why), NO);
    assert_int_equal(rdc_generic_name(NULL, NULL, why, sizeof why), NO);
    assert_string_equal(why, "");
    free(w);
}

static void test_generic_kind_names(void **state)
{
    (void)state;
    assert_string_equal(rdc_generic_kind_name(NO), "no");
    assert_string_equal(rdc_generic_kind_name(DIGITS), "ip-digits");
    assert_string_equal(rdc_generic_kind_name(HEX), "ip-hex");
    assert_string_equal(rdc_generic_kind_name(WORD), "word");
    assert_string_equal(rdc_generic_kind_name((rdc_generic_t)99), "no");
}

/* Runs the check on len raw bytes copied to an exact-size heap block. */
static rdc_generic_t raw(const void *bytes, size_t len, const rdc_addr_t *a)
{
    uint8_t *w = unit_memdup(bytes, len);
    char why[RDC_GENERIC_WHY_MAX];
    rdc_generic_t g = rdc_generic_name(w, a, why, sizeof why);
    assert_true(g <= WORD);
    assert_true(unit_printable(why));
    assert_true(strlen(why) < RDC_GENERIC_WHY_MAX);
    assert_true((g == NO) == (why[0] == '\0'));
    free(w);
    return g;
}

static void test_generic_hostile(void **state)
{
    (void)state;
    rdc_addr_t a4 = addr_of(V4);
    rdc_addr_t a6 = addr_of(V6);
    uint8_t buf[400];

    /* the root, and one-label names */
    assert_int_equal(raw("", 1, &a4), NO);
    assert_int_equal(raw("\3dsl", 5, &a4), NO);
    /* a length octet above 63 (a compression pointer) */
    assert_int_equal(raw("\xff", 1, &a4), NO);
    assert_int_equal(raw("\xc0\x0c", 2, &a4), NO);
    assert_int_equal(raw("\x40", 1, &a4), NO);
    /* NUL and 0xff bytes inside labels are separators */
    assert_int_equal(raw("\5\0dsl\xff\7example\3net", 19, &a4), WORD);
    assert_int_equal(raw("\x0b\xff"
                         "192-0-2-1\0\7example\3net",
                         25, &a4),
                     DIGITS);
    assert_int_equal(raw("\3\0\xff\0\7example\3net", 17, &a6), NO);

    /* 255 octets: three labels of 63 digits and one of 61 */
    size_t o = 0;
    for (int l = 0; l < 4; l++) {
        size_t len = l < 3 ? 63 : 61;
        buf[o++] = (uint8_t)len;
        for (size_t i = 0; i < len; i++)
            buf[o++] = (uint8_t)('0' + (i % 10));
    }
    buf[o++] = 0;
    assert_int_equal(o, RDC_NAME_WIRE_MAX);
    assert_int_equal(raw(buf, o, &a4), NO);
    assert_int_equal(raw(buf, o, &a6), NO);
    /* the same with the address embedded at the end of the first label */
    memcpy(buf + 1 + 63 - 10, "-192-0-2-1", 10);
    assert_int_equal(raw(buf, o, &a4), DIGITS);
    /* 63 hex digits ending in the 32-nibble address is a longer run */
    memset(buf + 1, 'f', 63);
    memcpy(buf + 1 + 31, "20010db800010002000a000b000c000d", 32);
    assert_int_equal(raw(buf, o, &a6), NO);

    /* one octet too long: 256 octets with the root */
    o = 0;
    for (int l = 0; l < 4; l++) {
        buf[o++] = l < 3 ? 63 : 62;
        memset(buf + o, 'a', buf[o - 1]);
        o += buf[o - 1];
    }
    buf[o++] = 0;
    assert_int_equal(o, RDC_NAME_WIRE_MAX + 1);
    assert_int_equal(raw(buf, o, &a4), NO);

    /* 127 one-octet labels fill 254 octets; without the root nothing past
     * octet 255 may be read, and the name is refused */
    for (o = 0; o < 254; o += 2) {
        buf[o] = 1;
        buf[o + 1] = 'p';
    }
    buf[o++] = 1;
    assert_int_equal(raw(buf, o, &a4), NO);
    /* the same 127 labels with the root: the most labels a name can have */
    buf[254] = 0;
    memcpy(buf + 1, "d", 1);
    assert_int_equal(raw(buf, 255, &a4), NO); /* "d.p.p..." has no access word */
    buf[1] = 'x';
    buf[252] = 0; /* "x.p...p" as 126 labels: still words only */
    assert_int_equal(raw(buf, 253, &a4), NO);
}

/* Random well-formed names over an alphabet rich in digits, separators and
 * hostile bytes, in exact-size blocks: no crash, no overrun, sane output. */
static void test_generic_random(void **state)
{
    (void)state;
    static const char alphabet[] = "0123456789-._xXabcdefpoldsnytm\0\xff\x80\x7f";
    uint32_t x = 12345;
    rdc_addr_t addrs[] = {addr_of(V4), addr_of("10.0.0.1"), addr_of(V6), addr_of("::")};
    uint8_t buf[RDC_NAME_WIRE_MAX];
    for (int iter = 0; iter < 20000; iter++) {
        size_t o = 0;
        for (;;) {
            x = x * 1103515245u + 12345u;
            size_t len = 1 + (x >> 16) % 63;
            if (o + len + 2 > RDC_NAME_WIRE_MAX || (x >> 8) % 5 == 0)
                break;
            buf[o++] = (uint8_t)len;
            for (size_t i = 0; i < len; i++) {
                x = x * 1103515245u + 12345u;
                buf[o++] = (uint8_t)alphabet[(x >> 16) % (sizeof alphabet - 1)];
            }
        }
        buf[o++] = 0;
        (void)raw(buf, o, &addrs[(size_t)iter % ARRAY_LEN(addrs)]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_generic_table),      cmocka_unit_test(test_generic_octet_sweep),
        cmocka_unit_test(test_generic_why_buffer), cmocka_unit_test(test_generic_no_address),
        cmocka_unit_test(test_generic_kind_names), cmocka_unit_test(test_generic_hostile),
        cmocka_unit_test(test_generic_random),     cmocka_unit_test(test_psl_suffix_labels),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
