/* test_dnsname.c - unit tests of dnsname.c: presentation escaping, escaping
 * of arbitrary bytes, host name rules, reverse-zone detection, comparison
 * and parsing names from text. */
#include "unit.h"

#include "rdnscheck.h"

/* Wire form of a dotted name with plain labels (no escapes; "" is the root).
 * out holds RDC_NAME_WIRE_MAX + 1 bytes; longer input fails the test. */
static void wire(uint8_t *out, const char *dotted)
{
    size_t o = 0;
    const char *p = dotted;
    while (*p) {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        assert_true(n > 0 && n < 256 && o + 1 + n < RDC_NAME_WIRE_MAX + 1);
        out[o] = (uint8_t)n;
        memcpy(out + o + 1, p, n);
        o += n + 1;
        p += n;
        if (*p == '.')
            p++;
    }
    out[o] = 0;
}

/* Wire name from explicit labels: n, then n pairs (bytes, length). */
static void wire_labels(uint8_t *out, int n, ...)
{
    va_list ap;
    size_t o = 0;
    va_start(ap, n);
    for (int i = 0; i < n; i++) {
        const char *b = va_arg(ap, const char *);
        size_t len = va_arg(ap, size_t);
        assert_true(len < 256 && o + 1 + len < RDC_NAME_WIRE_MAX + 1);
        out[o] = (uint8_t)len;
        memcpy(out + o + 1, b, len);
        o += len + 1;
    }
    va_end(ap);
    out[o] = 0;
}

#define L(s) (s), (sizeof(s) - 1)

/* ------------------------------------------------------------ name_to_text */

static void check_text(const uint8_t *w, const char *want)
{
    char *buf = malloc(RDC_NAME_TEXT_MAX); /* exact size */
    assert_non_null(buf);
    size_t n = rdc_name_to_text(w, buf);
    assert_string_equal(buf, want);
    assert_int_equal(n, strlen(want));
    assert_true(unit_printable(buf));
    free(buf);
}

static void test_to_text_plain(void **state)
{
    (void)state;
    uint8_t w[RDC_NAME_WIRE_MAX + 1];
    wire(w, "");
    check_text(w, ".");
    wire(w, "mail.example.test");
    check_text(w, "mail.example.test");
    wire(w, "Mail.EXAMPLE.test");
    check_text(w, "Mail.EXAMPLE.test"); /* case is kept */
    wire(w, "a-b_c.x1");
    check_text(w, "a-b_c.x1");
    wire(w, "!~.test");
    check_text(w, "!~.test"); /* 0x21 and 0x7e are plain */
}

static void test_to_text_escapes(void **state)
{
    (void)state;
    uint8_t w[RDC_NAME_WIRE_MAX + 1];
    wire_labels(w, 2, L("a\0b"), L("test"));
    check_text(w, "a\\000b.test");
    wire_labels(w, 2, L("\x1b[31m"), L("test"));
    check_text(w, "\\027[31m.test");
    wire_labels(w, 2, L("\xff"), L("test"));
    check_text(w, "\\255.test");
    wire_labels(w, 2, L("a\"b"), L("test"));
    check_text(w, "a\\\"b.test");
    wire_labels(w, 2, L("a\\b"), L("test"));
    check_text(w, "a\\\\b.test");
    wire_labels(w, 2, L("a.b"), L("test"));
    check_text(w, "a\\.b.test");
    wire_labels(w, 2, L("a b"), L("test"));
    check_text(w, "a\\032b.test");
    wire_labels(w, 2, L("a;b"), L("test"));
    check_text(w, "a\\;b.test");
    wire_labels(w, 1, L("\x7f\x80\x01\n\t"));
    check_text(w, "\\127\\128\\001\\010\\009");
    wire_labels(w, 1, L("."));
    check_text(w, "\\.");
}

/* The longest name, every octet escaped, fits RDC_NAME_TEXT_MAX. */
static void test_to_text_longest(void **state)
{
    (void)state;
    uint8_t w[RDC_NAME_WIRE_MAX + 1];
    char l63[63], l61[61];
    memset(l63, 0xff, sizeof l63);
    memset(l61, 0x00, sizeof l61);
    wire_labels(w, 4, l63, sizeof l63, l63, sizeof l63, l63, sizeof l63, l61, sizeof l61);
    char *buf = malloc(RDC_NAME_TEXT_MAX);
    assert_non_null(buf);
    size_t n = rdc_name_to_text(w, buf);
    assert_int_equal(n, 4 * (63 * 3 + 61) + 3);
    assert_int_equal(strlen(buf), n);
    assert_true(n < RDC_NAME_TEXT_MAX);
    assert_memory_equal(buf, "\\255\\255", 8);
    assert_memory_equal(buf + n - 4, "\\000", 4);
    free(buf);
}

/* ------------------------------------------------------------ escape_bytes */

static void test_escape_bytes_basic(void **state)
{
    (void)state;
    char buf[64];
    assert_int_equal(rdc_escape_bytes("", 0, buf, sizeof buf), 0);
    assert_string_equal(buf, "");
    assert_int_equal(rdc_escape_bytes("abc", 3, buf, sizeof buf), 3);
    assert_string_equal(buf, "abc");
    static const char hostile[] = {0, 0x1b, (char)0xff, '"', '\\', ';', '.', ' ', 'z'};
    size_t n = rdc_escape_bytes(hostile, sizeof hostile, buf, sizeof buf);
    /* outside a label a '.' is plain */
    assert_string_equal(buf, "\\000\\027\\255\\\"\\\\\\;.\\032z");
    assert_int_equal(n, strlen(buf));
}

static void test_escape_bytes_truncates(void **state)
{
    (void)state;
    char a100[100];
    memset(a100, 'a', sizeof a100);
    char *buf = malloc(16);
    assert_non_null(buf);
    size_t n = rdc_escape_bytes(a100, sizeof a100, buf, 16);
    assert_int_equal(n, strlen(buf));
    assert_true(n < 16);
    assert_memory_equal(buf + n - 3, "...", 3);
    assert_memory_equal(buf, "aaaa", 4);

    /* escapes are never cut in half */
    char ff[100];
    memset(ff, 0xff, sizeof ff);
    n = rdc_escape_bytes(ff, sizeof ff, buf, 16);
    assert_string_equal(buf, "\\255\\255\\255...");
    assert_int_equal(n, 15);
    free(buf);
}

/* Invariants over many inputs and capacities: printable ASCII only, never
 * more than cap bytes with the NUL, "..." exactly when cut. */
static void test_escape_bytes_invariants(void **state)
{
    (void)state;
    uint32_t seed = 12345;
    for (int round = 0; round < 3000; round++) {
        uint8_t data[80];
        seed = seed * 1103515245u + 12345u;
        size_t len = (seed >> 16) % sizeof data;
        for (size_t i = 0; i < len; i++) {
            seed = seed * 1103515245u + 12345u;
            data[i] = (uint8_t)(seed >> 16);
            if (round % 3 == 0)
                data[i] = (uint8_t)('a' + data[i] % 26);
        }
        seed = seed * 1103515245u + 12345u;
        size_t cap = 8 + (seed >> 16) % 60;
        char *buf = malloc(cap); /* exact: ASan sees one byte too many */
        assert_non_null(buf);
        size_t n = rdc_escape_bytes(data, len, buf, cap);
        assert_true(n < cap);
        assert_int_equal(strlen(buf), n);
        assert_true(unit_printable(buf));
        char full[80 * 4 + 1];
        size_t fn = rdc_escape_bytes(data, len, full, sizeof full);
        assert_int_equal(strlen(full), fn);
        if (strcmp(buf, full) != 0) {
            /* cut: a prefix of the full form, then "..." */
            assert_true(n >= 3);
            assert_memory_equal(buf + n - 3, "...", 3);
            assert_memory_equal(buf, full, n - 3);
            assert_true(n - 3 < fn);
        }
        free(buf);
    }
}

/* rdnscheck.h: "truncating with ... when it does not fit". A text that fits
 * in cap (with its NUL) must come back whole. */
static void test_escape_bytes_exact_fit_not_truncated(void **state)
{
    (void)state;
    char buf[8];
    size_t n = rdc_escape_bytes("abcde", 5, buf, sizeof buf);
    assert_string_equal(buf, "abcde");
    assert_int_equal(n, 5);
    n = rdc_escape_bytes("abcdefg", 7, buf, sizeof buf);
    assert_string_equal(buf, "abcdefg");
    assert_int_equal(n, 7);
    n = rdc_escape_bytes("ab\xff", 3, buf, sizeof buf); /* "ab\255" is 6 */
    assert_string_equal(buf, "ab\\255");
}

/* ------------------------------------------------------------ is_hostname */

static void test_is_hostname_table(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        bool ok;
    } cases[] = {
        {"mail.example.test", true},
        {"a.b", true},
        {"MAIL.EXAMPLE.TEST", true},
        {"xn--bcher-kva.example", true},
        {"_dmarc.example.test", true},
        {"mail_1.example", true},
        {"a-b.c-d", true},
        {"123.example", true},
        {"example.1a", true},
        {"example.a1", true},
        {"0.example", true},
        {"a.b.c.d.e.f.g", true},
        {"mail-.x.test", false},
        {"-mail.example.test", false},
        {"mail-.example.test", false},
        {"mail.-example.test", false},
        {"mail.example.test-", false},
        {"mail.example.-", false},
        {"localhost", false},
        {"com", false},
        {"", false},
        {"192.0.2.1", false},
        {"example.123", false},
        {"1.2", false},
        {"mail*.example", false},
        {"mail example.test", false},
        {"mail@example.test", false},
        {"mail/example.test", false},
    };
    int bad = 0;
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        uint8_t w[RDC_NAME_WIRE_MAX + 1];
        wire(w, cases[i].name);
        if (rdc_name_is_hostname(w) != cases[i].ok) {
            print_error("is_hostname(\"%s\") != %d\n", cases[i].name, cases[i].ok);
            bad++;
        }
    }
    assert_int_equal(bad, 0);
}

static void test_is_hostname_bytes(void **state)
{
    (void)state;
    uint8_t w[RDC_NAME_WIRE_MAX + 1];
    char l63[63], l64[64];
    memset(l63, 'a', sizeof l63);
    memset(l64, 'a', sizeof l64);
    wire_labels(w, 2, l63, sizeof l63, L("test"));
    assert_true(rdc_name_is_hostname(w));
    wire_labels(w, 2, l64, sizeof l64, L("test"));
    assert_false(rdc_name_is_hostname(w));
    wire_labels(w, 2, L("a.b"), L("test"));
    assert_false(rdc_name_is_hostname(w));
    wire_labels(w, 2, L("a\0b"), L("test"));
    assert_false(rdc_name_is_hostname(w));
    wire_labels(w, 2, L("a\x1b"), L("test"));
    assert_false(rdc_name_is_hostname(w));
    wire_labels(w, 2, L("\xe9t\xe9"), L("test"));
    assert_false(rdc_name_is_hostname(w));
    wire_labels(w, 2, L("mail"), L("te\xffst"));
    assert_false(rdc_name_is_hostname(w));
    wire_labels(w, 2, L("-"), L("test"));
    assert_false(rdc_name_is_hostname(w));
    wire_labels(w, 2, L("_"), L("test"));
    assert_true(rdc_name_is_hostname(w));
}

/* ------------------------------------------------------------ is_reverse */

static void test_is_reverse(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        bool rev;
    } cases[] = {
        {"1.2.0.192.in-addr.arpa", true},
        {"mail.example.test.2.0.192.in-addr.arpa", true},
        {"in-addr.arpa", true},
        {"IN-ADDR.ARPA", true},
        {"x.In-Addr.Arpa", true},
        {"ip6.arpa", true},
        {"mail.example.8.b.d.0.1.0.0.2.IP6.ARPA", true},
        {"arpa", false},
        {"", false},
        {"example.test", false},
        {"in-addr.arpa.example", false},
        {"xin-addr.arpa", false},
        {"in-addr.xarpa", false},
        {"ip6.arpa.test", false},
        {"ip4.arpa", false},
        {"in-addr-arpa", false},
        {"ip6arpa", false},
    };
    int bad = 0;
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        uint8_t w[RDC_NAME_WIRE_MAX + 1];
        wire(w, cases[i].name);
        if (rdc_name_is_reverse(w) != cases[i].rev) {
            print_error("is_reverse(\"%s\") != %d\n", cases[i].name, cases[i].rev);
            bad++;
        }
    }
    assert_int_equal(bad, 0);
    /* a '.' inside a label is not a label boundary */
    uint8_t w[RDC_NAME_WIRE_MAX + 1];
    wire_labels(w, 2, L("x"), L("in-addr.arpa"));
    assert_false(rdc_name_is_reverse(w));
}

/* ------------------------------------------------------------ name_equal */

static void test_name_equal(void **state)
{
    (void)state;
    uint8_t a[RDC_NAME_WIRE_MAX + 1], b[RDC_NAME_WIRE_MAX + 1];
    wire(a, "Mail.Example.TEST");
    wire(b, "mail.example.test");
    assert_true(rdc_name_equal(a, b));
    assert_true(rdc_name_equal(b, a));
    wire(b, "mail.example.tes");
    assert_false(rdc_name_equal(a, b));
    wire(b, "mail.example.test.x");
    assert_false(rdc_name_equal(a, b));
    wire(a, "a.bc");
    wire(b, "ab.c");
    assert_false(rdc_name_equal(a, b));
    wire(a, "");
    wire(b, "");
    assert_true(rdc_name_equal(a, b));
    wire(b, "a");
    assert_false(rdc_name_equal(a, b));
    assert_false(rdc_name_equal(b, a));
    /* only A-Z fold: not Latin-1, not the neighbours of the letters */
    wire_labels(a, 1, L("\xc1"));
    wire_labels(b, 1, L("\xe1"));
    assert_false(rdc_name_equal(a, b));
    wire_labels(a, 1, L("@["));
    wire_labels(b, 1, L("`{"));
    assert_false(rdc_name_equal(a, b));
    wire_labels(a, 1, L("a\0"));
    wire_labels(b, 1, L("A\0"));
    assert_true(rdc_name_equal(a, b));
    wire_labels(a, 1, L("a.b"));
    wire(b, "a.b");
    assert_false(rdc_name_equal(a, b));
    /* the longest names compare fine */
    char l63[63];
    memset(l63, 'q', sizeof l63);
    wire_labels(a, 4, l63, sizeof l63, l63, sizeof l63, l63, sizeof l63, l63, (size_t)61);
    memcpy(b, a, sizeof b);
    assert_true(rdc_name_equal(a, b));
    b[254 - 1] = 'Q';
    assert_true(rdc_name_equal(a, b));
    b[254 - 1] = 'r';
    assert_false(rdc_name_equal(a, b));
}

/* ------------------------------------------------------------ from_text */

static char *repeat(char c, size_t n)
{
    char *s = malloc(n + 1);
    assert_non_null(s);
    memset(s, c, n);
    s[n] = '\0';
    return s;
}

/* A name of exactly n text characters (no trailing dot) from 63-octet labels. */
static char *name_of_len(size_t n)
{
    char *s = repeat('a', n);
    for (size_t i = 63; i < n; i += 64)
        s[i] = '.';
    return s;
}

static void from_text_ok(const char *s, size_t len, const char *want_dotted)
{
    uint8_t *w = malloc(RDC_NAME_WIRE_MAX + 1);
    uint8_t want[RDC_NAME_WIRE_MAX + 1];
    assert_non_null(w);
    const char *why = NULL;
    char *copy = unit_memdup(s, len);
    bool ok = rdc_name_from_text(copy, len, w, &why);
    if (!ok)
        print_error("from_text(%.*s): %s\n", (int)len, s, why);
    assert_true(ok);
    if (want_dotted[0] == '\0') {
        /* no expected text given: s itself, with plain labels */
        char *t = malloc(len + 1);
        assert_non_null(t);
        memcpy(t, s, len);
        t[len] = '\0';
        wire(want, t);
        free(t);
    } else {
        wire(want, want_dotted);
    }
    assert_true(rdc_name_equal(w, want));
    size_t wl = 0;
    while (want[wl] != 0)
        wl += (size_t)want[wl] + 1;
    assert_memory_equal(w, want, wl + 1);
    free(copy);
    free(w);
}

static void from_text_bad(const char *s, size_t len, const char *why_part)
{
    uint8_t *w = malloc(RDC_NAME_WIRE_MAX + 1);
    assert_non_null(w);
    const char *why = NULL;
    char *copy = unit_memdup(s, len);
    bool ok = rdc_name_from_text(copy, len, w, &why);
    if (ok || !unit_contains(why, why_part))
        print_error("from_text(%.*s): ok=%d why=%s, expected \"%s\"\n", (int)len, s, ok,
                    why ? why : "(null)", why_part);
    assert_false(ok);
    assert_non_null(why);
    assert_true(unit_contains(why, why_part));
    /* a NULL why is allowed */
    assert_false(rdc_name_from_text(copy, len, w, NULL));
    free(copy);
    free(w);
}

#define OK(s, want) from_text_ok((s), sizeof(s) - 1, (want))
#define BAD(s, why) from_text_bad((s), sizeof(s) - 1, (why))

static void test_from_text(void **state)
{
    (void)state;
    OK("mail.example.test", "mail.example.test");
    OK("mail.example.test.", "mail.example.test");
    OK("Mail-1.Ex_ample.TEST", "Mail-1.Ex_ample.TEST");
    OK("localhost", "localhost");
    OK("-a.b", "-a.b"); /* characters only; hyphen rules are is_hostname's */
    OK("1.2.3.4", "1.2.3.4");
    OK("a", "a");
    BAD("", "empty");
    BAD(".", "root");
    BAD("..", "empty label");
    BAD(".example.test", "empty label");
    BAD("a..b", "empty label");
    BAD("a.b..", "empty label");
    BAD("mail example.test", "only letters");
    BAD(" mail.example.test", "only letters");
    BAD("mail.example.test ", "only letters");
    BAD("mail*.test", "only letters");
    BAD("mail/24.test", "only letters");
    BAD("a\\.b.test", "only letters");
    BAD("m\xc3\xa9l.test", "only letters");
    BAD("mail\0.test", "only letters");
    BAD("mail.test\n", "only letters");
    BAD("mail.test\r", "only letters");
    BAD("@.test", "only letters");
}

static void test_from_text_uses_len(void **state)
{
    (void)state;
    uint8_t w[RDC_NAME_WIRE_MAX + 1], want[RDC_NAME_WIRE_MAX + 1];
    assert_true(rdc_name_from_text("example.test!!!", 12, w, NULL));
    wire(want, "example.test");
    assert_memory_equal(w, want, 14);
}

static void test_from_text_lengths(void **state)
{
    (void)state;
    uint8_t w[RDC_NAME_WIRE_MAX + 1];
    char *l63 = repeat('a', 63), *l64 = repeat('a', 64);
    char buf[200];

    snprintf(buf, sizeof buf, "%s.test", l63);
    from_text_ok(buf, strlen(buf), buf);
    snprintf(buf, sizeof buf, "%s.test", l64);
    from_text_bad(buf, strlen(buf), "longer than 63");
    snprintf(buf, sizeof buf, "mail.%s", l64);
    from_text_bad(buf, strlen(buf), "longer than 63");
    from_text_bad(l64, 64, "longer than 63");
    from_text_ok(l63, 63, l63);

    /* 253 characters = 255 octets on the wire: the longest name */
    char *n253 = name_of_len(253);
    from_text_ok(n253, 253, n253);
    assert_true(rdc_name_from_text(n253, 253, w, NULL));
    assert_int_equal(w[0], 63);
    assert_int_equal(w[64 * 3], 61);
    assert_int_equal(w[254], 0);
    /* with a trailing dot: 254 characters, same name */
    char *n254dot = malloc(255);
    assert_non_null(n254dot);
    memcpy(n254dot, n253, 253);
    n254dot[253] = '.';
    from_text_ok(n254dot, 254, n253);
    /* 254 characters without the dot: 256 octets */
    char *n254 = name_of_len(254);
    from_text_bad(n254, 254, "longer than 255");
    char *n255 = name_of_len(255);
    from_text_bad(n255, 255, "longer than 255");
    char *n300 = name_of_len(300);
    from_text_bad(n300, 300, "longer than 255");
    /* many one-octet labels: 127 of them are 255 octets, 128 too many */
    char many[300];
    for (size_t i = 0; i < 128; i++) {
        many[2 * i] = 'x';
        many[2 * i + 1] = '.';
    }
    from_text_ok(many, 2 * 127 - 1, "");
    from_text_bad(many, 2 * 128 - 1, "longer than 255");
    free(l63);
    free(l64);
    free(n253);
    free(n254dot);
    free(n254);
    free(n255);
    free(n300);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_to_text_plain),
        cmocka_unit_test(test_to_text_escapes),
        cmocka_unit_test(test_to_text_longest),
        cmocka_unit_test(test_escape_bytes_basic),
        cmocka_unit_test(test_escape_bytes_truncates),
        cmocka_unit_test(test_escape_bytes_invariants),
        cmocka_unit_test(test_escape_bytes_exact_fit_not_truncated),
        cmocka_unit_test(test_is_hostname_table),
        cmocka_unit_test(test_is_hostname_bytes),
        cmocka_unit_test(test_is_reverse),
        cmocka_unit_test(test_name_equal),
        cmocka_unit_test(test_from_text),
        cmocka_unit_test(test_from_text_uses_len),
        cmocka_unit_test(test_from_text_lengths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
