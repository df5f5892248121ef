/* test_target.c - unit tests of target.c: rdc_target_parse and the lazy
 * source over command-line targets and a FILE (regular file or pipe). */
#define _POSIX_C_SOURCE 200809L
#include "unit.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "target.h"

#define MAX_EXPAND 65536u

/* ------------------------------------------------------------ target parse */

enum { REJECT = -1 };

typedef struct target_case {
    const char *in;
    size_t len; /* 0: strlen */
    int kind; /* rdc_target_kind_t, or REJECT */
    const char *text; /* accepted: canonical address or host; rejected: part of err */
} target_case_t;

static char name253[254], name254[255], name253dot[255], label63[80], label64[80];

static void make_long_names(void)
{
    /* aaa...(63).bbb...(63).ccc...(63).ddd...(61) = 253 characters */
    size_t k = 0;
    for (int l = 0; l < 4; l++) {
        size_t n = l < 3 ? 63 : 61;
        for (size_t i = 0; i < n; i++)
            name253[k++] = (char)('a' + l);
        if (l < 3)
            name253[k++] = '.';
    }
    name253[k] = '\0';
    assert_int_equal(strlen(name253), 253);
    snprintf(name253dot, sizeof name253dot, "%s.", name253);
    snprintf(name254, sizeof name254, "%sd", name253);
    memset(label63, 'x', 63);
    memcpy(label63 + 63, ".example", 9);
    memset(label64, 'x', 64);
    memcpy(label64 + 64, ".example", 9);
}

static const target_case_t target_cases[] = {
    /* accepted */
    {"192.0.2.1", 0, RDC_T_ADDR, "192.0.2.1"},
    {"0.0.0.0", 0, RDC_T_ADDR, "0.0.0.0"},
    {"2001:DB8::1", 0, RDC_T_ADDR, "2001:db8::1"},
    {"::ffff:192.0.2.1", 0, RDC_T_ADDR, "192.0.2.1"},
    {"::1", 0, RDC_T_ADDR, "::1"},
    {"192.0.2.0/24", 0, RDC_T_CIDR, "192.0.2.0"},
    {"192.0.2.7/32", 0, RDC_T_CIDR, "192.0.2.7"},
    {"10.0.0.0/16", 0, RDC_T_CIDR, "10.0.0.0"}, /* exactly --max-expand */
    {"2001:db8::/120", 0, RDC_T_CIDR, "2001:db8::"},
    {"::ffff:192.0.2.0/120", 0, RDC_T_CIDR, "192.0.2.0"},
    {"mail.example.test", 0, RDC_T_HOST, "mail.example.test"},
    {"mail.example.test.", 0, RDC_T_HOST, "mail.example.test"},
    {"MAIL.Example.TEST", 0, RDC_T_HOST, "MAIL.Example.TEST"},
    {"_spf.example.test", 0, RDC_T_HOST, "_spf.example.test"},
    {"xn--mnchen-3ya.example", 0, RDC_T_HOST, "xn--mnchen-3ya.example"},
    /* typed in Unicode (IDNA2008, UTS 46): its A-labels, in lower case */
    {"m\xc3\xa9l.example", 0, RDC_T_HOST, "xn--ml-bja.example"},
    {"M\xc3\x9cNCHEN.example", 0, RDC_T_HOST, "xn--mnchen-3ya.example"},
    {"a.b", 0, RDC_T_HOST, "a.b"},
    {"123.example", 0, RDC_T_HOST, "123.example"},
    /* rejected */
    {"", 0, REJECT, "empty target"},
    {"mail example.test", 0, REJECT, "only letters"},
    {" mail.example.test", 0, REJECT, "only letters"},
    {"mail.example.test ", 0, REJECT, "only letters"},
    {"192.0.2.1 ", 0, REJECT, "only letters"},
    {"mail\texample.test", 0, REJECT, "only letters"},
    {"m\xe9l.example", 0, REJECT, "not valid UTF-8"}, /* Latin-1, not UTF-8 */
    {"a\xe2\x80\x8d"
     "b.example",
     0, REJECT, "context-j"}, /* ZERO WIDTH JOINER */
    {"+1.2.3.4", 0, REJECT, "only letters"},
    {"mail..example.test", 0, REJECT, "empty label"},
    {".example.test", 0, REJECT, "empty label"},
    {"mail.example.test..", 0, REJECT, "empty label"},
    {".", 0, REJECT, "the root is not a host name"},
    {"a\0b.example", 11, REJECT, "NUL"},
    {"192.0.2.1\0", 10, REJECT, "NUL"},
    {"\0", 1, REJECT, "NUL"},
    {"localhost", 0, REJECT, "not a fully qualified host name"},
    {"-mail.example.test", 0, REJECT, "not a fully qualified host name"},
    {"mail-.example.test", 0, REJECT, "not a fully qualified host name"},
    {"mail.example.123", 0, REJECT, "not a fully qualified host name"},
    {"0x7f.0.0.1", 0, REJECT, "not a fully qualified host name"},
    {"10.0.0.0/15", 0, REJECT, "block has 131072 addresses, more than --max-expand 65536"},
    {"0.0.0.0/0", 0, REJECT, "block has 4294967296 addresses"},
    {"::/0", 0, REJECT, "block has 2^128 addresses, more than --max-expand 65536"},
    {"2001:db8::/64", 0, REJECT, "block has 2^64 addresses"},
    {"2001:db8::/96", 0, REJECT, "block has 4294967296 addresses"},
    {"192.0.2.0/33", 0, REJECT, "not a valid CIDR block: IPv4 prefix length is over 32"},
    {"2001:db8::/129", 0, REJECT, "not a valid CIDR block: IPv6 prefix length is over 128"},
    {"192.0.2.1/24", 0, REJECT, "host bits"},
    /* only the first host bit set (issue 9) */
    {"192.0.2.128/24", 0, REJECT, "not a valid CIDR block: host bits are set"},
    {"2001:db8::8000/112", 0, REJECT, "not a valid CIDR block: host bits are set"},
    {"::ffff:192.0.2.128/120", 0, REJECT, "host bits"},
    {"192.0.2.0/024", 0, REJECT, "leading zeros"},
    {"192.0.2.0/", 0, REJECT, "not a valid CIDR block"},
    {"mail.example/24", 0, REJECT, "not a valid address before '/'"},
    {"fe80::1%eth0", 0, REJECT, "zone IDs"},
    {"fe80::1%25eth0", 0, REJECT, "zone IDs"},
    {"1::2::3", 0, REJECT, "'::' appears twice"},
    {"::1::", 0, REJECT, "'::' appears twice"},
    {"1:2:3:4:5:6:7:8:9", 0, REJECT, "not a valid IPv6 address"},
    {"12345::1", 0, REJECT, "not a valid IPv6 address"},
    {"1.2.3.4:25", 0, REJECT, "not a valid IPv6 address"},
    {"[::1]", 0, REJECT, "not a valid IPv6 address"},
    {"1.2.3.4.5", 0, REJECT, "exactly 4 octets"},
    {"1.2.3", 0, REJECT, "exactly 4 octets"},
    {"256.1.1.1", 0, REJECT, "octet over 255"},
    {"1.2.3.256", 0, REJECT, "octet over 255"},
    {"1.2.3.1000", 0, REJECT, "octet over 255"},
    {"010.1.1.1", 0, REJECT, "leading zero"},
    {"1.2.3.00", 0, REJECT, "leading zero"},
    {"1..2.3", 0, REJECT, "empty octet"},
    {"1.2.3.4.", 0, REJECT, "empty octet"},
    {".1.2.3", 0, REJECT, "empty octet"},
};

static int check_target(const char *in, size_t len, int kind, const char *text)
{
    rdc_target_t t;
    char err[256];
    /* a NUL after the bytes: the table checks the reasons; reading past
     * len is test_target_parse_reads_only_len_bytes's business */
    char *s = malloc(len + 1);
    assert_non_null(s);
    memcpy(s, in, len);
    s[len] = '\0';
    memset(err, 0, sizeof err);
    bool ok = rdc_target_parse(s, len, MAX_EXPAND, &t, err, sizeof err);
    free(s);
    char shown[200];
    rdc_escape_bytes(in, len, shown, sizeof shown);
    if (ok != (kind != REJECT)) {
        print_error("target \"%s\": ok=%d err=\"%s\"\n", shown, ok, err);
        return 1;
    }
    if (!ok) {
        if (!unit_contains(err, text) || !unit_printable(err)) {
            print_error("target \"%s\": err \"%s\" lacks \"%s\"\n", shown, err, text);
            return 1;
        }
        return 0;
    }
    if ((int)t.kind != kind) {
        print_error("target \"%s\": kind %d, expected %d\n", shown, t.kind, kind);
        return 1;
    }
    char buf[RDC_NAME_TEXT_MAX];
    if (t.kind == RDC_T_ADDR)
        rdc_addr_format(&t.addr, buf);
    else if (t.kind == RDC_T_CIDR)
        rdc_addr_format(&t.cidr.base, buf);
    else
        rdc_name_to_text(t.host, buf);
    if (strcmp(buf, text) != 0) {
        print_error("target \"%s\": got \"%s\", expected \"%s\"\n", shown, buf, text);
        return 1;
    }
    return 0;
}

static void test_target_table(void **state)
{
    (void)state;
    int bad = 0;
    assert_true(ARRAY_LEN(target_cases) >= 40);
    for (size_t i = 0; i < ARRAY_LEN(target_cases); i++) {
        const target_case_t *c = &target_cases[i];
        bad += check_target(c->in, c->len ? c->len : strlen(c->in), c->kind, c->text);
    }
    make_long_names();
    bad += check_target(name253, 253, RDC_T_HOST, name253);
    bad += check_target(name253dot, 254, RDC_T_HOST, name253);
    bad += check_target(name254, 254, REJECT, "longer than 255 octets");
    bad += check_target(label63, strlen(label63), RDC_T_HOST, label63);
    bad += check_target(label64, strlen(label64), REJECT, "longer than 63 octets");
    assert_int_equal(bad, 0);
}

static void test_target_cidr_count(void **state)
{
    (void)state;
    rdc_target_t t;
    char err[128];
    assert_true(rdc_target_parse("192.0.2.0/24", 12, MAX_EXPAND, &t, err, sizeof err));
    assert_true(t.count == 256);
    assert_int_equal(t.cidr.prefix, 24);
    assert_true(rdc_target_parse("192.0.2.0/24", 12, 256, &t, err, sizeof err));
    assert_false(rdc_target_parse("192.0.2.0/24", 12, 255, &t, err, sizeof err));
    assert_true(unit_contains(err, "block has 256 addresses, more than --max-expand 255"));
    assert_true(rdc_target_parse("192.0.2.1/32", 12, 1, &t, err, sizeof err));
    assert_true(t.count == 1);
    assert_true(rdc_target_parse("::/0", 4, UINT64_MAX, &t, err, sizeof err));
}

/* --max-expand at the CLI's largest value (16777216 = 2^24): a /8 and a
 * /104 are exactly that many addresses; one bit shorter is refused, and so is
 * the /8 one below the limit. */
static void test_target_max_expand_edges(void **state)
{
    (void)state;
    rdc_target_t t;
    char err[128];
    const uint64_t max = UINT64_C(16777216);
    assert_true(rdc_target_parse("10.0.0.0/8", 10, max, &t, err, sizeof err));
    assert_true(t.count == max);
    assert_true(rdc_target_parse("2001:db8::/104", 14, max, &t, err, sizeof err));
    assert_true(t.count == max);
    assert_false(rdc_target_parse("10.0.0.0/7", 10, max, &t, err, sizeof err));
    assert_true(
        unit_contains(err, "block has 33554432 addresses, more than --max-expand 16777216"));
    assert_false(rdc_target_parse("2001:db8::/103", 14, max, &t, err, sizeof err));
    assert_true(unit_contains(err, "more than --max-expand 16777216"));
    assert_false(rdc_target_parse("10.0.0.0/8", 10, max - 1, &t, err, sizeof err));
    assert_true(
        unit_contains(err, "block has 16777216 addresses, more than --max-expand 16777215"));
    /* --max-expand 1: only single addresses */
    assert_true(rdc_target_parse("192.0.2.1/32", 12, 1, &t, err, sizeof err));
    assert_false(rdc_target_parse("192.0.2.0/31", 12, 1, &t, err, sizeof err));
    assert_true(rdc_target_parse("2001:db8::1/128", 15, 1, &t, err, sizeof err));
    assert_false(rdc_target_parse("2001:db8::/127", 14, 1, &t, err, sizeof err));
}

/* A short err buffer is cut, never overrun. */
static void test_target_small_err(void **state)
{
    (void)state;
    rdc_target_t t;
    char *err = malloc(8);
    assert_non_null(err);
    assert_false(rdc_target_parse("mail example", 12, MAX_EXPAND, &t, err, 8));
    assert_int_equal(strlen(err), 7);
    free(err);
}

/* The target is len bytes; nothing after it may change the answer.
 * "1.2.3" followed (outside len) by "999" has 3 octets, none over 255. */
static void test_target_parse_reads_only_len_bytes(void **state)
{
    (void)state;
    rdc_target_t t;
    char err[256];
    /* exact-size heap block: valgrind reports any read past it */
    char *h = unit_memdup("1.2.3.256", 9);
    bool ok = rdc_target_parse(h, 9, MAX_EXPAND, &t, err, sizeof err);
    free(h);
    assert_false(ok);
    assert_true(unit_contains(err, "octet over 255"));
    /* bytes after len must not change the reason */
    static const char buf[] = "1.2.3999";
    bool ok1 = rdc_target_parse(buf, 5, MAX_EXPAND, &t, err, sizeof err);
    bool right1 = unit_contains(err, "exactly 4 octets");
    if (!right1)
        print_error("\"1.2.3\": %s\n", err);
    static const char buf2[] = "1.2.3.4.5678";
    bool ok2 = rdc_target_parse(buf2, 9, MAX_EXPAND, &t, err, sizeof err);
    bool right2 = unit_contains(err, "exactly 4 octets");
    if (!right2)
        print_error("\"1.2.3.4.5\": %s\n", err);
    assert_false(ok1);
    assert_false(ok2);
    assert_true(right1);
    assert_true(right2);
}

/* ------------------------------------------------------------ sources */

static char tmpdir[64];

static int setup_dir(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/rdc-unit-XXXXXX");
    return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int teardown_dir(void **state)
{
    (void)state;
    char path[128];
    for (int i = 0; i < 100; i++) {
        snprintf(path, sizeof path, "%s/f%d", tmpdir, i);
        unlink(path);
    }
    snprintf(path, sizeof path, "%s/sub", tmpdir);
    rmdir(path);
    return rmdir(tmpdir);
}

static int file_no;

/* Writes len bytes to a new file in tmpdir; returns its path (static). */
static const char *write_file(const void *data, size_t len)
{
    static char path[128];
    snprintf(path, sizeof path, "%s/f%d", tmpdir, file_no++);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    return path;
}

#define WRITE(s) write_file((s), sizeof(s) - 1)

static rdc_targets_t *open_src(char *const *argv, size_t argc, const char *path)
{
    char err[256] = "";
    rdc_targets_t *t = rdc_targets_new(argv, argc, path, MAX_EXPAND, err, sizeof err);
    if (t == NULL)
        print_error("rdc_targets_new: %s\n", err);
    assert_non_null(t);
    return t;
}

/* Next item, which must be an address: checks text, line and input. */
static void expect_addr(rdc_targets_t *t, const char *ip, unsigned long line, const char *input)
{
    rdc_item_t it;
    memset(&it, 0, sizeof it);
    int fd = -1;
    rdc_src_status_t st = rdc_targets_next(t, &it, &fd);
    if (st != RDC_SRC_ITEM || it.kind != RDC_ITEM_ADDR)
        print_error("expected %s (line %lu): status %d kind %d error %s\n", ip, line, st, it.kind,
                    it.error ? it.error : "-");
    assert_int_equal(st, RDC_SRC_ITEM);
    assert_int_equal(it.kind, RDC_ITEM_ADDR);
    char buf[RDC_ADDR_TEXT_MAX];
    assert_string_equal(rdc_addr_format(&it.addr, buf), ip);
    assert_int_equal(it.line, line);
    assert_non_null(it.input);
    assert_string_equal(it.input, input);
    assert_null(it.error);
    rdc_item_clear(&it);
}

static void expect_host(rdc_targets_t *t, const char *host, unsigned long line)
{
    rdc_item_t it;
    memset(&it, 0, sizeof it);
    int fd = -1;
    assert_int_equal(rdc_targets_next(t, &it, &fd), RDC_SRC_ITEM);
    assert_int_equal(it.kind, RDC_ITEM_HOST);
    char buf[RDC_NAME_TEXT_MAX];
    rdc_name_to_text(it.host, buf);
    assert_string_equal(buf, host);
    assert_string_equal(it.input, host);
    assert_int_equal(it.line, line);
    rdc_item_clear(&it);
}

static void expect_error(rdc_targets_t *t, unsigned long line, const char *err_part,
                         const char *input)
{
    rdc_item_t it;
    memset(&it, 0, sizeof it);
    int fd = -1;
    rdc_src_status_t st = rdc_targets_next(t, &it, &fd);
    if (st != RDC_SRC_ITEM || it.kind != RDC_ITEM_ERROR || !unit_contains(it.error, err_part))
        print_error("expected error \"%s\" (line %lu): status %d kind %d line %lu error %s\n",
                    err_part, line, st, it.kind, it.line, it.error ? it.error : "-");
    assert_int_equal(st, RDC_SRC_ITEM);
    assert_int_equal(it.kind, RDC_ITEM_ERROR);
    assert_int_equal(it.line, line);
    assert_non_null(it.error);
    assert_true(unit_contains(it.error, err_part));
    assert_true(unit_printable(it.error));
    assert_non_null(it.input);
    assert_true(unit_printable(it.input));
    if (input)
        assert_string_equal(it.input, input);
    rdc_item_clear(&it);
}

static void expect_eof(rdc_targets_t *t)
{
    rdc_item_t it;
    memset(&it, 0, sizeof it);
    int fd = -1;
    rdc_src_status_t st = rdc_targets_next(t, &it, &fd);
    if (st != RDC_SRC_EOF)
        print_error("expected EOF: status %d kind %d input %s\n", st, it.kind,
                    it.input ? it.input : "-");
    assert_int_equal(st, RDC_SRC_EOF);
    rdc_item_clear(&it);
    /* and it stays at EOF */
    assert_int_equal(rdc_targets_next(t, &it, &fd), RDC_SRC_EOF);
}

static void test_file_comments_blanks_crlf(void **state)
{
    (void)state;
    const char *p = WRITE("# a comment\n"
                          "\n"
                          "   \n"
                          "192.0.2.1\r\n"
                          "  192.0.2.2  \n"
                          "\t# indented comment\n"
                          "mail.example.test\r\n"
                          "\t2001:db8::1\t\r\n"
                          "\r\n"
                          "#192.0.2.3\n");
    rdc_targets_t *t = open_src(NULL, 0, p);
    expect_addr(t, "192.0.2.1", 4, "192.0.2.1");
    expect_addr(t, "192.0.2.2", 5, "192.0.2.2");
    expect_host(t, "mail.example.test", 7);
    expect_addr(t, "2001:db8::1", 8, "2001:db8::1");
    expect_eof(t);
    assert_int_equal(rdc_targets_lines(t), 10);
    rdc_targets_free(t);
}

static void test_file_bad_line(void **state)
{
    (void)state;
    const char *p = WRITE("192.0.2.1\n"
                          "bogus line\n"
                          "192.0.2.0/33\n"
                          "192.0.2.3\n"
                          "fe80::1%eth0\n"
                          "192.0.2.4\n");
    rdc_targets_t *t = open_src(NULL, 0, p);
    expect_addr(t, "192.0.2.1", 1, "192.0.2.1");
    expect_error(t, 2, "only letters", "bogus line");
    expect_error(t, 3, "over 32", "192.0.2.0/33");
    expect_addr(t, "192.0.2.3", 4, "192.0.2.3");
    expect_error(t, 5, "zone IDs", "fe80::1%eth0");
    expect_addr(t, "192.0.2.4", 6, "192.0.2.4");
    expect_eof(t);
    rdc_targets_free(t);
}

static void test_file_nul_and_hostile_bytes(void **state)
{
    (void)state;
    static const char data[] = "19\0002.0.2.1\n"
                               "\x1b[31mred.example\n"
                               "192.0.2.4\n";
    const char *p = write_file(data, sizeof data - 1);
    rdc_targets_t *t = open_src(NULL, 0, p);
    expect_error(t, 1, "NUL", "19\\0002.0.2.1");
    expect_error(t, 2, "only letters", "\\027[31mred.example");
    expect_addr(t, "192.0.2.4", 3, "192.0.2.4");
    expect_eof(t);
    rdc_targets_free(t);
}

static void test_file_huge_line(void **state)
{
    (void)state;
    size_t big = 1024 * 1024;
    const char head[] = "192.0.2.1\n";
    const char tail[] = "\n192.0.2.5\n";
    size_t len = sizeof head - 1 + big + sizeof tail - 1;
    char *data = malloc(len);
    assert_non_null(data);
    memcpy(data, head, sizeof head - 1);
    memset(data + sizeof head - 1, 'a', big);
    memcpy(data + sizeof head - 1 + big, tail, sizeof tail - 1);
    const char *p = write_file(data, len);
    free(data);
    rdc_targets_t *t = open_src(NULL, 0, p);
    expect_addr(t, "192.0.2.1", 1, "192.0.2.1");
    expect_error(t, 2, "longer than", NULL);
    expect_addr(t, "192.0.2.5", 3, "192.0.2.5");
    expect_eof(t);
    assert_int_equal(rdc_targets_lines(t), 3);
    rdc_targets_free(t);
}

/* Lines around RDC_LINE_MAX, and an overlong last line without a newline. */
static void test_file_line_max_edges(void **state)
{
    (void)state;
    size_t n = RDC_LINE_MAX;
    char *data = malloc(3 * n + 64);
    assert_non_null(data);
    size_t k = 0;
    /* line 1: a comment of RDC_LINE_MAX - 1 bytes plus newline: fits */
    data[k++] = '#';
    memset(data + k, 'c', n - 2);
    k += n - 2;
    data[k++] = '\n';
    memcpy(data + k, "192.0.2.1\n", 10);
    k += 10;
    /* line 3: exactly RDC_LINE_MAX bytes before the newline: too long */
    memset(data + k, 'b', n);
    k += n;
    data[k++] = '\n';
    memcpy(data + k, "192.0.2.2\n", 10);
    k += 10;
    /* line 5: overlong, no newline, end of file */
    memset(data + k, 'z', n + 10);
    k += n + 10;
    const char *p = write_file(data, k);
    free(data);
    rdc_targets_t *t = open_src(NULL, 0, p);
    expect_addr(t, "192.0.2.1", 2, "192.0.2.1");
    expect_error(t, 3, "longer than", NULL);
    expect_addr(t, "192.0.2.2", 4, "192.0.2.2");
    expect_error(t, 5, "longer than", NULL);
    expect_eof(t);
    rdc_targets_free(t);
}

static void test_file_refused(void **state)
{
    (void)state;
    char err[256] = "";
    char path[128];
    snprintf(path, sizeof path, "%s/sub", tmpdir);
    assert_int_equal(mkdir(path, 0700), 0);
    assert_null(rdc_targets_new(NULL, 0, path, MAX_EXPAND, err, sizeof err));
    assert_true(unit_contains(err, "directory"));
    assert_true(unit_contains(err, path));
    err[0] = '\0';
    snprintf(path, sizeof path, "%s/no-such-file", tmpdir);
    assert_null(rdc_targets_new(NULL, 0, path, MAX_EXPAND, err, sizeof err));
    assert_true(unit_contains(err, "cannot open"));
    assert_true(unit_contains(err, "no-such-file"));
}

static void test_file_cidr_lazy(void **state)
{
    (void)state;
    const char *p = WRITE("192.0.2.0/30\n"
                          "192.0.2.9\n"
                          "2001:db8::/127\n"
                          "10.0.0.0/15\n"
                          "198.51.100.7/32\n");
    rdc_targets_t *t = open_src(NULL, 0, p);
    expect_addr(t, "192.0.2.0", 1, "192.0.2.0/30");
    /* lazy: only one line read so far */
    assert_int_equal(rdc_targets_lines(t), 1);
    expect_addr(t, "192.0.2.1", 1, "192.0.2.0/30");
    expect_addr(t, "192.0.2.2", 1, "192.0.2.0/30");
    expect_addr(t, "192.0.2.3", 1, "192.0.2.0/30");
    assert_int_equal(rdc_targets_lines(t), 1);
    expect_addr(t, "192.0.2.9", 2, "192.0.2.9");
    expect_addr(t, "2001:db8::", 3, "2001:db8::/127");
    expect_addr(t, "2001:db8::1", 3, "2001:db8::/127");
    expect_error(t, 4, "more than --max-expand", "10.0.0.0/15");
    expect_addr(t, "198.51.100.7", 5, "198.51.100.7/32");
    expect_eof(t);
    rdc_targets_free(t);
}

static void test_file_last_line_without_newline(void **state)
{
    (void)state;
    const char *p = WRITE("192.0.2.1\n192.0.2.2");
    rdc_targets_t *t = open_src(NULL, 0, p);
    expect_addr(t, "192.0.2.1", 1, "192.0.2.1");
    expect_addr(t, "192.0.2.2", 2, "192.0.2.2");
    expect_eof(t);
    rdc_targets_free(t);

    p = WRITE("");
    t = open_src(NULL, 0, p);
    expect_eof(t);
    assert_int_equal(rdc_targets_lines(t), 0);
    rdc_targets_free(t);

    p = WRITE("mail.example.test");
    t = open_src(NULL, 0, p);
    expect_host(t, "mail.example.test", 1);
    expect_eof(t);
    rdc_targets_free(t);
}

/* The last line, without a newline, lands in the read buffer where an
 * earlier longer line left digits: its error must not depend on them. */
static void test_file_last_line_reason_ignores_stale_buffer(void **state)
{
    (void)state;
    size_t n = RDC_LINE_MAX;
    char *data = malloc(n + 16);
    assert_non_null(data);
    size_t k = 0;
    data[k++] = '#';
    memset(data + k, '9', n - 5 - 1);
    k += n - 5 - 1;
    data[k++] = '\n'; /* k == n - 4 */
    memcpy(data + k, "1.2.3", 5); /* crosses the first read's end */
    k += 5;
    const char *p = write_file(data, k);
    free(data);
    rdc_targets_t *t = open_src(NULL, 0, p);
    rdc_item_t it;
    memset(&it, 0, sizeof it);
    int fd = -1;
    rdc_src_status_t st = rdc_targets_next(t, &it, &fd);
    rdc_item_t next;
    memset(&next, 0, sizeof next);
    rdc_src_status_t st2 = rdc_targets_next(t, &next, &fd);
    rdc_item_clear(&next);
    rdc_targets_free(t);
    bool right = st == RDC_SRC_ITEM && it.kind == RDC_ITEM_ERROR && it.line == 2 &&
                 unit_contains(it.error, "exactly 4 octets") && unit_contains(it.input, "1.2.3");
    if (!right)
        print_error("line 2 \"1.2.3\": status %d kind %d line %lu error %s\n", st, it.kind, it.line,
                    it.error ? it.error : "-");
    rdc_item_clear(&it); /* before the asserts: no leak report when they fail */
    assert_int_equal(st2, RDC_SRC_EOF);
    assert_true(right);
}

static void test_argv_then_file(void **state)
{
    (void)state;
    const char *p = WRITE("192.0.2.1\nmail.example.test\n");
    char a0[] = "192.0.2.10", a1[] = "198.51.100.0/31", a2[] = "bad target", a3[] = "::1";
    char *argv[] = {a0, a1, a2, a3};
    rdc_targets_t *t = open_src(argv, 4, p);
    expect_addr(t, "192.0.2.10", 0, "192.0.2.10");
    expect_addr(t, "198.51.100.0", 0, "198.51.100.0/31");
    expect_addr(t, "198.51.100.1", 0, "198.51.100.0/31");
    expect_error(t, 0, "only letters", "bad target");
    expect_addr(t, "::1", 0, "::1");
    expect_addr(t, "192.0.2.1", 1, "192.0.2.1");
    expect_host(t, "mail.example.test", 2);
    expect_eof(t);
    rdc_targets_free(t);

    /* argv only */
    t = open_src(argv, 1, NULL);
    expect_addr(t, "192.0.2.10", 0, "192.0.2.10");
    expect_eof(t);
    rdc_targets_free(t);

    /* nothing at all */
    t = open_src(NULL, 0, NULL);
    expect_eof(t);
    rdc_targets_free(t);
}

/* One item as text for comparing runs: "kind input addr-or-host line". */
static bool item_text(rdc_targets_t *t, char *buf, size_t cap)
{
    rdc_item_t it;
    memset(&it, 0, sizeof it);
    int fd = -1;
    rdc_src_status_t st = rdc_targets_next(t, &it, &fd);
    if (st == RDC_SRC_EOF)
        return false;
    assert_int_equal(st, RDC_SRC_ITEM);
    char what[RDC_NAME_TEXT_MAX] = "-";
    if (it.kind == RDC_ITEM_ADDR)
        rdc_addr_format(&it.addr, what);
    else if (it.kind != RDC_ITEM_ERROR)
        rdc_name_to_text(it.host, what);
    snprintf(buf, cap, "%d %s %s %lu", (int)it.kind, it.input, what, it.line);
    rdc_item_clear(&it);
    return true;
}

/* --shard: shard i of n gets the items at positions i, i+n, ... of the
 * whole run (a block's addresses one by one; domains, host names and bad
 * lines one each), so the shards interleaved give the whole run back. */
static void test_shard_interleaves_to_whole_run(void **state)
{
    (void)state;
    const char *p = WRITE("192.0.2.1\nmail.example.test\nnot..valid\n2001:db8::/126\n# c\n"
                          "198.51.100.9\n");
    char a0[] = "192.0.2.10", a1[] = "198.51.100.0/29", a2[] = "bad target",
         a3[] = "h.example.test";
    char *argv[] = {a0, a1, a2, a3};
    uint8_t wire[RDC_NAME_WIRE_MAX + 1];
    assert_true(rdc_name_from_text("example.test", 12, wire, NULL));
    char whole[64][128];
    size_t n = 0;
    rdc_targets_t *t = open_src(argv, 4, p);
    assert_true(rdc_targets_add_domain(t, RDC_ITEM_MX, wire));
    while (n < 64 && item_text(t, whole[n], sizeof whole[n]))
        n++;
    rdc_targets_free(t);
    assert_int_equal(n, 1 + 1 + 8 + 1 + 1 + 1 + 1 + 1 + 4 + 1); /* 20 items */
    for (unsigned shards = 1; shards <= 7; shards++) {
        for (unsigned i = 0; i < shards; i++) {
            t = open_src(argv, 4, p);
            assert_true(rdc_targets_add_domain(t, RDC_ITEM_MX, wire));
            rdc_targets_set_shard(t, i, shards);
            size_t k = i;
            char got[128];
            while (item_text(t, got, sizeof got)) {
                assert_true(k < n);
                assert_string_equal(got, whole[k]);
                k += shards;
            }
            assert_true(k >= n); /* nothing of this shard missing */
            expect_eof(t);
            rdc_targets_free(t);
        }
    }
    /* shard 2 of 3 (index 1): positions 1, 4, 7, ... spelled out (0 is the
     * domain, 2-9 the block, 14 the bad line "not..valid") */
    t = open_src(argv, 4, p);
    assert_true(rdc_targets_add_domain(t, RDC_ITEM_MX, wire));
    rdc_targets_set_shard(t, 1, 3);
    expect_addr(t, "192.0.2.10", 0, "192.0.2.10");
    expect_addr(t, "198.51.100.2", 0, "198.51.100.0/29");
    expect_addr(t, "198.51.100.5", 0, "198.51.100.0/29");
    expect_error(t, 0, "only letters", "bad target"); /* a bad target is an item too */
    expect_host(t, "mail.example.test", 2);
    expect_addr(t, "2001:db8::1", 4, "2001:db8::/126");
    expect_addr(t, "198.51.100.9", 6, "198.51.100.9");
    expect_eof(t);
    rdc_targets_free(t);
}

/* A shard of a big block jumps over the other shards' addresses: a /8
 * split a million ways is 16 or 17 addresses, produced at once. */
static void test_shard_jumps_in_block(void **state)
{
    (void)state;
    char a0[] = "10.0.0.0/8", a1[] = "192.0.2.1";
    char *argv[] = {a0, a1};
    char err[256];
    rdc_targets_t *t = rdc_targets_new(argv, 2, NULL, 16777216, err, sizeof err);
    assert_non_null(t);
    rdc_targets_set_shard(t, 999999, 1000000);
    expect_addr(t, "10.15.66.63", 0, "10.0.0.0/8"); /* 999999 = 0x0f423f */
    size_t got = 1;
    char buf[128];
    while (item_text(t, buf, sizeof buf))
        got++;
    assert_int_equal(got, rdc_shard_share(0, 16777216, 999999, 1000000));
    assert_int_equal(got, 16);
    rdc_targets_free(t);
    /* position 16777216 (192.0.2.1) belongs to shard index 777216 */
    t = rdc_targets_new(argv, 2, NULL, 16777216, err, sizeof err);
    assert_non_null(t);
    rdc_targets_set_shard(t, 777216, 1000000);
    got = 0;
    while (item_text(t, buf, sizeof buf))
        got++;
    assert_int_equal(got, 16 + 1);
    assert_string_equal(buf, "0 192.0.2.1 192.0.2.1 0");
    rdc_targets_free(t);
}

static void test_shard_share(void **state)
{
    (void)state;
    static const struct {
        uint64_t pos, count;
        unsigned index, n;
        uint64_t want;
    } rows[] = {
        {0, 10, 0, 0, 10},
        {0, 10, 0, 1, 10},
        {0, 10, 0, 4, 3},
        {0, 10, 1, 4, 3},
        {0, 10, 2, 4, 2},
        {0, 10, 3, 4, 2},
        {3, 1, 3, 4, 1},
        {3, 1, 0, 4, 0},
        {5, 0, 1, 4, 0},
        {7, 5, 0, 4, 1},
        {7, 5, 3, 4, 2},
        {0, 3, 5, 6, 0},
        {0, 16777216, 0, 1000000, 17},
        {UINT64_C(1) << 40, 1, 0, 1000000, 0},
    };
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        uint64_t got = rdc_shard_share(rows[i].pos, rows[i].count, rows[i].index, rows[i].n);
        if (got != rows[i].want)
            print_error("row %zu: got %llu\n", i, (unsigned long long)got);
        assert_int_equal(got, rows[i].want);
    }
    /* against counting one by one */
    for (uint64_t pos = 0; pos < 9; pos++)
        for (uint64_t count = 0; count < 12; count++)
            for (unsigned n = 2; n < 6; n++)
                for (unsigned idx = 0; idx < n; idx++) {
                    uint64_t want = 0;
                    for (uint64_t k = pos; k < pos + count; k++)
                        want += k % n == idx;
                    assert_int_equal(rdc_shard_share(pos, count, idx, n), want);
                }
}

static void expect_wait(rdc_targets_t *t, int want_fd)
{
    rdc_item_t it;
    memset(&it, 0, sizeof it);
    int fd = -1;
    assert_int_equal(rdc_targets_next(t, &it, &fd), RDC_SRC_WAIT);
    assert_int_equal(fd, want_fd);
    assert_null(it.input);
    assert_null(it.error);
}

static void write_all(int fd, const char *s)
{
    size_t n = strlen(s);
    assert_int_equal(write(fd, s, n), (ssize_t)n);
}

/* Standard input on a pipe: nothing written yet means WAIT, not a block. */
static void test_pipe_wait(void **state)
{
    (void)state;
    int p[2];
    assert_int_equal(pipe(p), 0);
    int saved = dup(STDIN_FILENO);
    assert_true(saved >= 0);
    assert_int_equal(dup2(p[0], STDIN_FILENO), STDIN_FILENO);
    close(p[0]);

    char a0[] = "192.0.2.10";
    char *argv[] = {a0};
    rdc_targets_t *t = open_src(argv, 1, "-");
    expect_addr(t, "192.0.2.10", 0, "192.0.2.10"); /* argv first, no waiting */
    expect_wait(t, STDIN_FILENO);
    expect_wait(t, STDIN_FILENO);
    write_all(p[1], "192.0.2.1\n192.0.");
    expect_addr(t, "192.0.2.1", 1, "192.0.2.1");
    expect_wait(t, STDIN_FILENO); /* half a line: wait for the rest */
    write_all(p[1], "2.2\n# c\n");
    expect_addr(t, "192.0.2.2", 2, "192.0.2.2");
    expect_wait(t, STDIN_FILENO);
    write_all(p[1], "192.0.2.3");
    close(p[1]);
    expect_addr(t, "192.0.2.3", 4, "192.0.2.3");
    expect_eof(t);
    rdc_targets_free(t);

    /* the source does not own standard input */
    assert_true(fcntl(STDIN_FILENO, F_GETFD) != -1);
    assert_int_equal(dup2(saved, STDIN_FILENO), STDIN_FILENO);
    close(saved);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_target_table),
        cmocka_unit_test(test_target_cidr_count),
        cmocka_unit_test(test_target_max_expand_edges),
        cmocka_unit_test(test_target_small_err),
        cmocka_unit_test(test_target_parse_reads_only_len_bytes),
        cmocka_unit_test(test_file_comments_blanks_crlf),
        cmocka_unit_test(test_file_bad_line),
        cmocka_unit_test(test_file_nul_and_hostile_bytes),
        cmocka_unit_test(test_file_huge_line),
        cmocka_unit_test(test_file_line_max_edges),
        cmocka_unit_test(test_file_refused),
        cmocka_unit_test(test_file_cidr_lazy),
        cmocka_unit_test(test_file_last_line_without_newline),
        cmocka_unit_test(test_file_last_line_reason_ignores_stale_buffer),
        cmocka_unit_test(test_argv_then_file),
        cmocka_unit_test(test_pipe_wait),
        cmocka_unit_test(test_shard_interleaves_to_whole_run),
        cmocka_unit_test(test_shard_jumps_in_block),
        cmocka_unit_test(test_shard_share),
    };
    return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
