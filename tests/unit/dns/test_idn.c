/* test_idn.c - unit tests of idn.c: Unicode host names to A-labels (UTS 46,
 * non-transitional), what is refused and why, the mixed-script check, and
 * A-labels back to Unicode only when safe. */
#include "unit.h"

#include "idn.h"
#include "rdnscheck.h"

static void test_idn_to_ascii(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } ok[] = {
        {"mäil.example.test", "xn--mil-qla.example.test"},
        {"MÄIL.Example.TEST", "xn--mil-qla.example.test"}, /* mapped to lower case */
        {"mäil.example.test.", "xn--mil-qla.example.test"}, /* one trailing dot */
        {"faß.de", "xn--fa-hia.de"}, /* non-transitional: ß stays */
        {"例え.テスト", "xn--r8jz45g.xn--zckzah"},
        {"a_b.mäil.test", "a_b.xn--mil-qla.test"},
        {"\xe2\x91\xa0.example.test", "1.example.test"}, /* circled 1: mapped */
    };
    char out[RDC_NAME_TEXT_MAX];
    for (size_t i = 0; i < ARRAY_LEN(ok); i++) {
        const char *why = NULL;
        if (!rdc_idn_to_ascii(ok[i].in, strlen(ok[i].in), out, sizeof out, &why))
            fail_msg("%s: refused: %s", ok[i].in, why);
        assert_string_equal(out, ok[i].out);
    }
    static const struct {
        const char *in, *why;
    } bad[] = {
        {"m\xe4il.example.test", "not valid UTF-8"},
        {"m\xc3", "not valid UTF-8"},
        {"\xc0\xae.test", "not valid UTF-8"}, /* overlong '.' */
        {"a\xe2\x80\x8d"
         "b.test",
         "context-j"}, /* ZERO WIDTH JOINER */
        {"\xe2\x99\xa5.test", "disallowed"}, /* a symbol */
        {"", "empty name"},
    };
    for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
        const char *why = NULL;
        assert_false(rdc_idn_to_ascii(bad[i].in, strlen(bad[i].in), out, sizeof out, &why));
        assert_non_null(why);
        if (strstr(why, bad[i].why) == NULL)
            fail_msg("%s: '%s' lacks '%s'", bad[i].in, why, bad[i].why);
    }
    /* a NUL inside is no name */
    assert_false(rdc_idn_to_ascii("m\xc3\xa4\0il", 6, out, sizeof out, NULL));
    /* too small a buffer is refused, not cut */
    assert_false(rdc_idn_to_ascii("mäil.example.test", 18, out, 10, NULL));
    assert_true(rdc_idn_has_unicode("mäil", 5));
    assert_false(rdc_idn_has_unicode("mail", 4));
}

static void test_idn_safe(void **state)
{
    (void)state;
    assert_true(rdc_idn_safe("mäil.example.test"));
    assert_true(rdc_idn_safe("пример.испытание")); /* Cyrillic alone */
    assert_true(rdc_idn_safe("例え.テスト")); /* Han with kana */
    assert_true(rdc_idn_safe("abc例え.test")); /* Latin, Han, Hiragana: Japanese */
    assert_true(rdc_idn_safe("한국abc.test")); /* Hangul with Latin */
    assert_true(rdc_idn_safe("παράδειγμα.δοκιμή")); /* Greek */
    assert_true(rdc_idn_safe("mail-2.пример.test")); /* scripts differ between labels */
    assert_false(rdc_idn_safe("pаypal.example.test")); /* Cyrillic a in Latin */
    assert_false(rdc_idn_safe("gοogle.test")); /* Greek omicron in Latin */
    assert_false(rdc_idn_safe("한국テスト.test")); /* Hangul with Katakana */
    assert_false(rdc_idn_safe("a\xe2\x80\x8d"
                              "b.test")); /* no valid IDN */
    assert_false(rdc_idn_safe("аррӏе.com")); /* all Cyrillic, all look Latin */
    assert_true(rdc_idn_safe("аррӏе.рф")); /* ... under a Cyrillic TLD */
    assert_false(rdc_idn_safe(NULL));
}

static void test_idn_to_display(void **state)
{
    (void)state;
    char out[RDC_NAME_TEXT_MAX];
    assert_true(rdc_idn_to_display("xn--mil-qla.example.test", out, sizeof out));
    assert_string_equal(out, "mäil.example.test");
    assert_true(rdc_idn_to_display("XN--MIL-QLA.Example.Test", out, sizeof out));
    assert_string_equal(out, "mäil.example.test");
    assert_true(rdc_idn_to_display("xn--r8jz45g.xn--zckzah", out, sizeof out));
    assert_string_equal(out, "例え.テスト");
    static const char *const kept[] = {
        "mail.example.test", /* no A-label */
        "xn--pypal-4ve.example.test", /* a homograph */
        "xn--zz.test", /* broken punycode */
        "xn--a.test", /* decodes to nothing */
        "xn--mil-qla.ex\\032ample.test", /* an escaped byte */
        "xn--55qx5d.xn--80ak6aa92e.com", /* Han, then a Cyrillic "apple" homograph */
        "",
    };
    for (size_t i = 0; i < ARRAY_LEN(kept); i++)
        if (rdc_idn_to_display(kept[i], out, sizeof out))
            fail_msg("%s shown as %s", kept[i], out);
    /* does not fit: kept */
    assert_false(rdc_idn_to_display("xn--mil-qla.example.test", out, 8));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_idn_to_ascii),
        cmocka_unit_test(test_idn_safe),
        cmocka_unit_test(test_idn_to_display),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
