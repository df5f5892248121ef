/* test_report_ci.c - unit tests of report_ci.c: the JUnit XML writer (its
 * output parsed back with libxml2 and checked for structure and counts) and
 * the GitHub Actions workflow commands (compared line by line). */
#define _POSIX_C_SOURCE 200809L
#include "unit.h"
#include "unit_result.h"

#include <signal.h>
#include <sys/resource.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "report_ci.h"
#include "verdict.h"

/* A test that cannot run here: a visible skip, but under CI=true (where
 * scripts/test.sh provides everything) a failure, never a silent pass. */
#define SKIP_UNLESS_CI(why)                                                                        \
    do {                                                                                           \
        const char *ci_ = getenv("CI");                                                            \
        if (ci_ != NULL && (strcmp(ci_, "true") == 0 || strcmp(ci_, "1") == 0 ||                   \
                            strcmp(ci_, "TRUE") == 0 || strcmp(ci_, "yes") == 0))                  \
            fail_msg("%s (CI=true: a test that cannot run is a failure)", why);                    \
        print_message("SKIP: %s\n", why);                                                          \
        skip();                                                                                    \
    } while (0)

/* ------------------------------------------------------------ capture */

typedef struct capture {
    FILE *f;
    char *buf;
    size_t len;
} capture_t;

static void cap_open(capture_t *c)
{
    c->buf = NULL;
    c->len = 0;
    c->f = open_memstream(&c->buf, &c->len);
    assert_non_null(c->f);
}

/* Closes the stream; the caller frees the returned text. */
static char *cap_close(capture_t *c)
{
    assert_int_equal(fclose(c->f), 0);
    assert_non_null(c->buf);
    assert_int_equal(strlen(c->buf), c->len);
    return c->buf;
}

/* ------------------------------------------------------------ builders */

/* A result for input with address ip (NULL: none), no names, no problems. */
static void res_init(rdc_result_t *r, const char *input, const char *ip, rdc_verdict_t v,
                     unsigned ms)
{
    memset(r, 0, sizeof *r);
    r->input = unit_strdup(input);
    /* no address: a bad target (verdict error) or a host name without one */
    r->kind = v == RDC_ERROR ? RDC_RESULT_INVALID : RDC_RESULT_UNRESOLVED;
    if (ip) {
        r->kind = RDC_RESULT_ADDRESS;
        assert_true(rdc_addr_parse(ip, strlen(ip), &r->addr));
    }
    r->verdict = v;
    r->ptr_status = RDC_DNS_OK;
    r->elapsed_ms = ms;
}

static void add_ptr(rdc_result_t *r, const char *name)
{
    unit_name_push(r, name, RDC_NAME_CHECKED);
}

static void add_prob(rdc_result_t *r, rdc_code_t code, const char *msg, const char *fix)
{
    assert_true(rdc_result_add_problem(r, code, fix, "%s", msg));
}

/* ------------------------------------------------------------ JUnit runs */

/* Writes results rs[0..n) (group of each from groups, or NULL) as a JUnit
 * document named name and returns the text. */
static char *junit_run(const char *name, const rdc_result_t *rs, const char *const *groups,
                       size_t n)
{
    capture_t c;
    cap_open(&c);
    rdc_junit_t *j = rdc_junit_new(c.f, name);
    assert_non_null(j);
    for (size_t i = 0; i < n; i++)
        assert_true(rdc_junit_add(j, &rs[i], groups ? groups[i] : NULL));
    assert_true(rdc_junit_finish(j));
    rdc_junit_free(j);
    return cap_close(&c);
}

static void clear_all(rdc_result_t *rs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        rdc_result_clear(&rs[i]);
}

/* ------------------------------------------------------------ XML checks */

/* Strict parse: no recovery, no network, no DTD loading; NULL when the text
 * is not well-formed XML 1.0. */
static xmlDocPtr xml_parse(const char *s, size_t len)
{
    return xmlReadMemory(s, (int)len, "junit.xml", NULL,
                         XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
}

/* Every byte is printable ASCII, tab or newline. */
static int xml_bytes_ok(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p < 0x20 && *p != '\n' && *p != '\t') || *p > 0x7e)
            return 0;
    return 1;
}

static int is_elem(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

/* The k-th (0-based) child element named name, or NULL. */
static xmlNode *child(xmlNode *parent, const char *name, unsigned k)
{
    for (xmlNode *n = parent->children; n; n = n->next)
        if (is_elem(n, name) && k-- == 0)
            return n;
    return NULL;
}

static unsigned count_children(xmlNode *parent, const char *name)
{
    unsigned k = 0;
    for (xmlNode *n = parent->children; n; n = n->next)
        k += (unsigned)is_elem(n, name);
    return k;
}

/* The attribute's value, decoded, in a malloc'd copy (fails the test when
 * the attribute is missing). */
static char *attr(xmlNode *n, const char *name)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    if (v == NULL)
        print_error("<%s> has no %s=\n", (const char *)n->name, name);
    assert_non_null(v);
    char *d = unit_strdup((const char *)v);
    xmlFree(v);
    return d;
}

static void assert_attr(xmlNode *n, const char *name, const char *want)
{
    char *v = attr(n, name);
    if (strcmp(v, want) != 0)
        print_error("<%s %s=\"%s\">, want \"%s\"\n", (const char *)n->name, name, v, want);
    int eq = strcmp(v, want) == 0;
    free(v);
    assert_true(eq);
}

static unsigned long attr_ul(xmlNode *n, const char *name)
{
    char *v = attr(n, name);
    char *end;
    assert_true(v[0] >= '0' && v[0] <= '9');
    unsigned long x = strtoul(v, &end, 10);
    int ok = *end == '\0';
    free(v);
    assert_true(ok);
    return x;
}

/* A time attribute: digits, '.', exactly three digits; in milliseconds. */
static unsigned long long attr_ms(xmlNode *n, const char *name)
{
    char *v = attr(n, name);
    char *dot = strchr(v, '.');
    int ok = dot && dot > v && strlen(dot) == 4 && strspn(v, "0123456789") == (size_t)(dot - v) &&
             strspn(dot + 1, "0123456789") == 3;
    unsigned long long ms = 0;
    if (ok)
        ms = strtoull(v, NULL, 10) * 1000 + strtoull(dot + 1, NULL, 10);
    free(v);
    assert_true(ok);
    return ms;
}

/* The decoded text of the element. */
static char *content(xmlNode *n)
{
    xmlChar *v = xmlNodeGetContent(n);
    assert_non_null(v);
    char *d = unit_strdup((const char *)v);
    xmlFree(v);
    return d;
}

/* Only whitespace text between the elements of n. */
static void assert_no_stray_text(xmlNode *n)
{
    for (xmlNode *c = n->children; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE)
            continue;
        assert_int_equal(c->type, XML_TEXT_NODE);
        assert_int_equal(strspn((const char *)c->content, " \n"), strlen((const char *)c->content));
    }
}

typedef struct totals {
    unsigned long suites, tests, failures, errors, outs;
    unsigned long long ms;
} totals_t;

/* Checks one <testsuite>: only <testcase> children, each with classname,
 * name, a time and at most one of <failure>/<error> (with type and message)
 * or a <system-out>; its attributes equal what its children add up to. */
static void check_suite(xmlNode *s, totals_t *t)
{
    unsigned long tests = 0, failures = 0, errors = 0;
    unsigned long long ms = 0;
    assert_no_stray_text(s);
    /* one class name a suite: rdnscheck.fcrdns, or rdnscheck.MODE.DOMAIN
     * without another dot (JUnit readers split at the last one) */
    xmlNode *first = child(s, "testcase", 0);
    assert_non_null(first);
    char *classname = attr(first, "classname");
    const char *tail = strchr(classname, '.');
    assert_true(strncmp(classname, "rdnscheck.", 10) == 0);
    assert_true(strcmp(classname, "rdnscheck.fcrdns") == 0 ||
                ((strncmp(tail, ".mx.", 4) == 0 || strncmp(tail, ".spf.", 5) == 0) &&
                 strchr(strchr(tail + 1, '.') + 1, '.') == NULL));
    for (xmlNode *c = s->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        assert_true(is_elem(c, "testcase"));
        tests++;
        assert_attr(c, "classname", classname);
        char *name = attr(c, "name");
        assert_true(name[0] != '\0');
        free(name);
        ms += attr_ms(c, "time");
        unsigned f = count_children(c, "failure"), e = count_children(c, "error");
        unsigned o = count_children(c, "system-out");
        assert_true(f + e + o <= 1);
        for (xmlNode *k = c->children; k; k = k->next)
            if (k->type == XML_ELEMENT_NODE)
                assert_true(is_elem(k, "failure") || is_elem(k, "error") ||
                            is_elem(k, "system-out"));
        xmlNode *fe = f ? child(c, "failure", 0) : e ? child(c, "error", 0) : NULL;
        if (fe) {
            char *type = attr(fe, "type");
            assert_true(type[0] != '\0');
            free(type);
            free(attr(fe, "message"));
        }
        failures += f;
        errors += e;
        t->outs += o;
    }
    free(classname);
    assert_int_equal(attr_ul(s, "tests"), tests);
    assert_int_equal(attr_ul(s, "failures"), failures);
    assert_int_equal(attr_ul(s, "errors"), errors);
    assert_int_equal(attr_ul(s, "skipped"), 0);
    assert_int_equal(attr_ms(s, "time"), ms);
    assert_true(tests > 0);
    t->suites++;
    t->tests += tests;
    t->failures += failures;
    t->errors += errors;
    t->ms += ms;
}

/* Parses a whole JUnit document and checks it from top to bottom; returns
 * the parsed tree (free with xmlFreeDoc) and the totals. */
static xmlDocPtr check_doc(const char *s, totals_t *t)
{
    memset(t, 0, sizeof *t);
    if (!xml_bytes_ok(s))
        print_error("raw control or non-ASCII byte in:\n%s\n", s);
    assert_true(xml_bytes_ok(s));
    assert_true(strncmp(s, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", 39) == 0);
    xmlDocPtr doc = xml_parse(s, strlen(s));
    if (doc == NULL)
        print_error("not well-formed:\n%s\n", s);
    assert_non_null(doc);
    xmlNode *root = xmlDocGetRootElement(doc);
    assert_non_null(root);
    assert_true(is_elem(root, "testsuites"));
    assert_no_stray_text(root);
    for (xmlNode *c = root->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        assert_true(is_elem(c, "testsuite"));
        check_suite(c, t);
        /* suite names are unique */
        for (xmlNode *d = c->next; d; d = d->next) {
            if (!is_elem(d, "testsuite"))
                continue;
            char *a = attr(c, "name"), *b = attr(d, "name");
            int same = strcmp(a, b) == 0;
            if (same)
                print_error("two suites named \"%s\"\n", a);
            free(a);
            free(b);
            assert_false(same);
        }
    }
    free(attr(root, "name"));
    assert_int_equal(attr_ul(root, "tests"), t->tests);
    assert_int_equal(attr_ul(root, "failures"), t->failures);
    assert_int_equal(attr_ul(root, "errors"), t->errors);
    /* no skipped= on the root: junit-10.xsd of Jenkins' xunit plugin
     * refuses it there */
    assert_null(xmlGetProp(root, (const xmlChar *)"skipped"));
    assert_int_equal(attr_ms(root, "time"), t->ms);
    return doc;
}

/* The oracle itself: the strict parse refuses what XML 1.0 forbids, so the
 * tests below would notice a writer that produced it. */
static void test_xml_oracle_rejects(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "<a>\x01</a>",     "<a b=\"\x1b\"/>", "<a>&#1;</a>", "<a>&bogus;</a>", "<a>a & b</a>",
        "<a>a < b</a>",    "<a b=\"x\"y\"/>", "<a b=x/>",    "<a><b></a></b>", "<a>",
        "<a>\xc3\x28</a>",
    };
    for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
        xmlDocPtr doc = xml_parse(bad[i], strlen(bad[i]));
        if (doc)
            print_error("accepted: %s\n", bad[i]);
        xmlFreeDoc(doc);
        assert_null(doc);
    }
    const char *good = "<a b=\"&lt;&amp;&quot;&apos;&#9;&#10;&#13;\">&gt;\t\n</a>";
    xmlDocPtr doc = xml_parse(good, strlen(good));
    assert_non_null(doc);
    xmlFreeDoc(doc);
}

/* ------------------------------------------------------------ JUnit tests */

static void test_junit_all_pass(void **state)
{
    (void)state;
    rdc_result_t rs[3];
    res_init(&rs[0], "192.0.2.0/30", "192.0.2.1", RDC_PASS, 3);
    add_ptr(&rs[0], "mx1.example.test");
    res_init(&rs[1], "192.0.2.0/30", "192.0.2.2", RDC_PASS, 12);
    add_ptr(&rs[1], "mx2.example.test");
    add_ptr(&rs[1], "alt.example.test");
    res_init(&rs[2], "192.0.2.0/30", "192.0.2.3", RDC_PASS, 1500);
    add_ptr(&rs[2], "mx3.example.test");
    char *s = junit_run("rdnscheck", rs, NULL, 3);
    clear_all(rs, 3);
    assert_string_equal(
        s, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
           "<testsuites name=\"rdnscheck\" tests=\"3\" failures=\"0\" errors=\"0\" "
           "time=\"1.515\">\n"
           "  <testsuite name=\"192.0.2.0/30\" tests=\"3\" failures=\"0\" errors=\"0\" "
           "skipped=\"0\" time=\"1.515\">\n"
           "    <testcase classname=\"rdnscheck.fcrdns\" name=\"192.0.2.1 "
           "(mx1.example.test)\" time=\"0.003\"/>\n"
           "    <testcase classname=\"rdnscheck.fcrdns\" name=\"192.0.2.2 "
           "(mx2.example.test, alt.example.test)\" time=\"0.012\"/>\n"
           "    <testcase classname=\"rdnscheck.fcrdns\" name=\"192.0.2.3 "
           "(mx3.example.test)\" time=\"1.500\"/>\n"
           "  </testsuite>\n"
           "</testsuites>\n");
    totals_t t;
    xmlDocPtr doc = check_doc(s, &t);
    free(s);
    assert_int_equal(t.suites, 1);
    assert_int_equal(t.tests, 3);
    assert_int_equal(t.failures + t.errors + t.outs, 0);
    xmlFreeDoc(doc);
}

/* pass, warn, fail under one input; tempfail and error under a group. */
static void make_mixed(rdc_result_t rs[5])
{
    res_init(&rs[0], "mail.example.test", "192.0.2.10", RDC_PASS, 5);
    add_ptr(&rs[0], "mail.example.test");
    res_init(&rs[1], "mail.example.test", "192.0.2.11", RDC_WARN, 7);
    add_ptr(&rs[1], "alias.example.test");
    add_prob(&rs[1], RDC_PTR_CNAME, "alias.example.test goes through a CNAME",
             "publish an A record");
    res_init(&rs[2], "mail.example.test", "192.0.2.12", RDC_FAIL, 9);
    add_ptr(&rs[2], "a.example.test");
    add_ptr(&rs[2], "b.example.test");
    add_prob(&rs[2], RDC_GENERIC_PTR, "a.example.test looks provider-generated", NULL);
    add_prob(&rs[2], RDC_PTR_MISMATCH, "b.example.test does not point back",
             "add an A record for b.example.test");
    res_init(&rs[3], "198.51.100.7", "198.51.100.7", RDC_TEMPFAIL, 4000);
    rs[3].ptr_status = RDC_DNS_S_TIMEOUT;
    add_prob(&rs[3], RDC_DNS_TIMEOUT, "the PTR lookup timed out", "try again later");
    res_init(&rs[4], "bogus line", NULL, RDC_ERROR, 0);
    rs[4].line = 4;
    add_prob(&rs[4], RDC_INVALID_TARGET, "not an address, block or host name", NULL);
}

static void test_junit_mixed_two_suites(void **state)
{
    (void)state;
    rdc_result_t rs[5];
    make_mixed(rs);
    static const char *const groups[] = {NULL, NULL, NULL, "second", "second"};
    char *s = junit_run("ci run", rs, groups, 5);
    clear_all(rs, 5);
    assert_string_equal(
        s, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
           "<testsuites name=\"ci run\" tests=\"5\" failures=\"1\" errors=\"2\" "
           "time=\"4.021\">\n"
           "  <testsuite name=\"mail.example.test\" tests=\"3\" failures=\"1\" errors=\"0\" "
           "skipped=\"0\" time=\"0.021\">\n"
           "    <testcase classname=\"rdnscheck.fcrdns\" name=\"192.0.2.10 "
           "(mail.example.test)\" time=\"0.005\"/>\n"
           "    <testcase classname=\"rdnscheck.fcrdns\" name=\"192.0.2.11 "
           "(alias.example.test)\" time=\"0.007\">\n"
           "      <system-out>ptr-cname: alias.example.test goes through a CNAME / publish an A "
           "record\n</system-out>\n"
           "    </testcase>\n"
           "    <testcase classname=\"rdnscheck.fcrdns\" name=\"192.0.2.12 "
           "(a.example.test, b.example.test)\" time=\"0.009\">\n"
           "      <failure type=\"ptr-mismatch\" message=\"b.example.test does not point back\">"
           "generic-ptr: a.example.test looks provider-generated\n"
           "ptr-mismatch: b.example.test does not point back / add an A record for "
           "b.example.test\n</failure>\n"
           "    </testcase>\n"
           "  </testsuite>\n"
           "  <testsuite name=\"second\" tests=\"2\" failures=\"0\" errors=\"2\" skipped=\"0\" "
           "time=\"4.000\">\n"
           "    <testcase classname=\"rdnscheck.fcrdns\" name=\"198.51.100.7 (PTR unknown)\" "
           "time=\"4.000\">\n"
           "      <error type=\"dns-timeout\" message=\"the PTR lookup timed out\">dns-timeout: "
           "the PTR lookup timed out / try again later\n</error>\n"
           "    </testcase>\n"
           "    <testcase classname=\"rdnscheck.fcrdns\" name=\"line 4: bogus line\" "
           "time=\"0.000\">\n"
           "      <error type=\"invalid-target\" message=\"not an address, block or host "
           "name\">invalid-target: not an address, block or host name\n</error>\n"
           "    </testcase>\n"
           "  </testsuite>\n"
           "</testsuites>\n");
    totals_t t;
    xmlDocPtr doc = check_doc(s, &t);
    free(s);
    assert_int_equal(t.suites, 2);
    assert_int_equal(t.tests, 5);
    assert_int_equal(t.failures, 1);
    assert_int_equal(t.errors, 2);
    assert_int_equal(t.outs, 1);
    /* the parsed tree says the same */
    xmlNode *root = xmlDocGetRootElement(doc);
    xmlNode *s1 = child(root, "testsuite", 0), *s2 = child(root, "testsuite", 1);
    assert_attr(s1, "name", "mail.example.test");
    assert_attr(s2, "name", "second");
    assert_null(child(root, "testsuite", 2));
    xmlNode *fail = child(child(s1, "testcase", 2), "failure", 0);
    assert_non_null(fail);
    assert_attr(fail, "type", "ptr-mismatch");
    char *text = content(fail);
    assert_true(unit_contains(text, "generic-ptr: a.example.test looks provider-generated\n"));
    free(text);
    assert_null(child(child(s1, "testcase", 0), "system-out", 0));
    xmlNode *out = child(child(s1, "testcase", 1), "system-out", 0);
    assert_non_null(out);
    text = content(out);
    assert_string_equal(text, "ptr-cname: alias.example.test goes through a CNAME / publish an "
                              "A record\n");
    free(text);
    assert_attr(child(child(s2, "testcase", 1), "error", 0), "type", "invalid-target");
    xmlFreeDoc(doc);
}

/* Suites are runs of consecutive equal groups: A, B, A makes three; a group
 * name joins results of different inputs. */
static void test_junit_grouping(void **state)
{
    (void)state;
    rdc_result_t rs[6];
    res_init(&rs[0], "a.example.test", "192.0.2.1", RDC_PASS, 1);
    res_init(&rs[1], "b.example.test", "192.0.2.2", RDC_PASS, 1);
    res_init(&rs[2], "a.example.test", "192.0.2.3", RDC_PASS, 1);
    res_init(&rs[3], "mx1.example.org", "192.0.2.4", RDC_PASS, 1);
    res_init(&rs[4], "mx2.example.org", "192.0.2.5", RDC_PASS, 1);
    res_init(&rs[5], "mx3.example.org", "192.0.2.6", RDC_PASS, 1);
    static const char *const groups[] = {NULL, NULL, NULL, "example.org", "example.org", NULL};
    char *s = junit_run(NULL, rs, groups, 6);
    clear_all(rs, 6);
    totals_t t;
    xmlDocPtr doc = check_doc(s, &t);
    free(s);
    assert_int_equal(t.suites, 5);
    xmlNode *root = xmlDocGetRootElement(doc);
    assert_attr(root, "name", "rdnscheck");
    static const char *const names[] = {"a.example.test", "b.example.test", "a.example.test #2",
                                        "example.org", "mx3.example.org"};
    static const unsigned long tests[] = {1, 1, 1, 2, 1};
    for (unsigned i = 0; i < 5; i++) {
        xmlNode *su = child(root, "testsuite", i);
        assert_non_null(su);
        assert_attr(su, "name", names[i]);
        assert_int_equal(attr_ul(su, "tests"), tests[i]);
    }
    xmlFreeDoc(doc);
}

/* Suite names are unique in a document: the same input again is "INPUT #2",
 * "#3", and a name taken by a literal group is skipped. */
static void test_junit_unique_suite_names(void **state)
{
    (void)state;
    rdc_result_t rs[7];
    res_init(&rs[0], "192.0.2.10", "192.0.2.10", RDC_PASS, 1);
    res_init(&rs[1], "192.0.2.10", "192.0.2.10", RDC_PASS, 1); /* given twice in a row */
    res_init(&rs[2], "192.0.2.11", "192.0.2.11", RDC_PASS, 1);
    res_init(&rs[3], "192.0.2.10", "192.0.2.10", RDC_PASS, 1);
    res_init(&rs[4], "x", "192.0.2.1", RDC_PASS, 1);
    res_init(&rs[5], "y", "192.0.2.2", RDC_PASS, 1);
    res_init(&rs[6], "z", "192.0.2.2", RDC_PASS, 1); /* the same test case again */
    static const char *const groups[] = {NULL, NULL, NULL, NULL, "x #2", "x", "x"};
    char *s = junit_run(NULL, rs, groups, 7);
    clear_all(rs, 7);
    totals_t t;
    xmlDocPtr doc = check_doc(s, &t);
    free(s);
    static const char *const names[] = {
        "192.0.2.10", "192.0.2.10 #2", "192.0.2.11", "192.0.2.10 #3", "x #2", "x", "x #3"};
    xmlNode *root = xmlDocGetRootElement(doc);
    assert_int_equal(t.suites, 7);
    for (unsigned i = 0; i < 7; i++)
        assert_attr(child(root, "testsuite", i), "name", names[i]);
    xmlFreeDoc(doc);
}

/* Lines of FILE are inputs of their own even when they read the same; a
 * host name's addresses stay together. */
static void test_junit_file_lines(void **state)
{
    (void)state;
    rdc_result_t rs[4];
    res_init(&rs[0], "mail.example.test", "192.0.2.10", RDC_PASS, 1);
    res_init(&rs[1], "mail.example.test", "2001:db8::10", RDC_PASS, 1);
    res_init(&rs[2], "mail.example.test", "192.0.2.10", RDC_PASS, 1);
    res_init(&rs[3], "mail.example.test", "2001:db8::10", RDC_PASS, 1);
    rs[0].line = rs[1].line = 3;
    rs[2].line = rs[3].line = 4;
    char *s = junit_run(NULL, rs, NULL, 4);
    clear_all(rs, 4);
    totals_t t;
    xmlDocPtr doc = check_doc(s, &t);
    free(s);
    xmlNode *root = xmlDocGetRootElement(doc);
    assert_int_equal(t.suites, 2);
    assert_attr(child(root, "testsuite", 0), "name", "mail.example.test");
    assert_attr(child(root, "testsuite", 1), "name", "mail.example.test #2");
    assert_int_equal(attr_ul(child(root, "testsuite", 1), "tests"), 2);
    xmlFreeDoc(doc);
}

/* A --mx/--spf domain: its line opens a suite whose class name is
 * rdnscheck.MODE.DOMAIN with '-' for the dots; its addresses (with a via)
 * join it; a plain target of the same name does not. */
static void test_junit_domain_classname(void **state)
{
    (void)state;
    rdc_result_t rs[5];
    res_init(&rs[0], "mail.example.test", NULL, RDC_PASS, 0);
    rs[0].kind = RDC_RESULT_DOMAIN;
    rs[0].domain.mode = "mx";
    rs[0].domain.own = RDC_PASS;
    res_init(&rs[1], "mail.example.test", "192.0.2.10", RDC_PASS, 1);
    rs[1].via = unit_strdup("mx 10 mx1.mail.example.test");
    res_init(&rs[2], "mail.example.test", "192.0.2.10", RDC_PASS, 1); /* a host target */
    res_init(&rs[3], "spf.example.test.", NULL, RDC_PASS, 0);
    rs[3].kind = RDC_RESULT_DOMAIN;
    rs[3].domain.mode = "spf";
    rs[3].domain.own = RDC_PASS;
    res_init(&rs[4], "spf.example.test.", "192.0.2.10", RDC_PASS, 1);
    rs[4].via = unit_strdup("spf ip4:192.0.2.10");
    char *s = junit_run(NULL, rs, NULL, 5);
    clear_all(rs, 5);
    totals_t t;
    xmlDocPtr doc = check_doc(s, &t);
    free(s);
    xmlNode *root = xmlDocGetRootElement(doc);
    assert_int_equal(t.suites, 3);
    xmlNode *mx = child(root, "testsuite", 0);
    assert_attr(mx, "name", "mail.example.test");
    assert_int_equal(attr_ul(mx, "tests"), 2);
    assert_attr(child(mx, "testcase", 0), "name", "mail.example.test (mx)");
    assert_attr(child(mx, "testcase", 1), "classname", "rdnscheck.mx.mail-example-test");
    assert_attr(child(mx, "testcase", 1), "name", "192.0.2.10 (no PTR)");
    xmlNode *host = child(root, "testsuite", 1);
    assert_attr(host, "name", "mail.example.test #2");
    assert_attr(child(host, "testcase", 0), "classname", "rdnscheck.fcrdns");
    xmlNode *spf = child(root, "testsuite", 2);
    assert_attr(child(spf, "testcase", 1), "classname", "rdnscheck.spf.spf-example-test");
    xmlFreeDoc(doc);
}

static void test_junit_case_names(void **state)
{
    (void)state;
    rdc_result_t rs[5];
    res_init(&rs[0], "192.0.2.1", "192.0.2.1", RDC_FAIL, 0);
    rs[0].ptr_status = RDC_DNS_NXDOMAIN;
    add_prob(&rs[0], RDC_NO_PTR, "no PTR record", NULL);
    res_init(&rs[1], "nomail.example.test", NULL, RDC_FAIL, 0);
    add_prob(&rs[1], RDC_NO_ADDRESS, "no address", NULL);
    res_init(&rs[2], "x", NULL, RDC_ERROR, 0);
    add_prob(&rs[2], RDC_INVALID_TARGET, "bad", NULL);
    res_init(&rs[3], "2001:DB8::25", "2001:DB8::25", RDC_PASS, 0);
    add_ptr(&rs[3], "mail.example.test");
    res_init(&rs[4], "192.0.2.9", "192.0.2.9", RDC_TEMPFAIL, 0);
    rs[4].ptr_status = RDC_DNS_S_SERVFAIL;
    /* no problem at all: the element still has a type and a message */
    char *s = junit_run("n", rs, NULL, 5);
    clear_all(rs, 5);
    totals_t t;
    xmlDocPtr doc = check_doc(s, &t);
    free(s);
    xmlNode *root = xmlDocGetRootElement(doc);
    static const char *const want[] = {"192.0.2.1 (no PTR)", "nomail.example.test (no address)",
                                       "x", "2001:db8::25 (mail.example.test)",
                                       "192.0.2.9 (PTR unknown)"};
    for (unsigned i = 0; i < 5; i++) {
        xmlNode *su = child(root, "testsuite", i);
        assert_non_null(su);
        assert_attr(child(su, "testcase", 0), "name", want[i]);
    }
    xmlNode *e = child(child(child(root, "testsuite", 4), "testcase", 0), "error", 0);
    assert_non_null(e);
    assert_attr(e, "type", "tempfail");
    assert_attr(e, "message", "tempfail");
    assert_int_equal(t.failures, 2);
    assert_int_equal(t.errors, 2);
    xmlFreeDoc(doc);
}

/* --strict: a fail made of warnings only names its first warning. */
static void test_junit_strict_fail(void **state)
{
    (void)state;
    rdc_result_t r;
    res_init(&r, "192.0.2.5", "192.0.2.5", RDC_FAIL, 0);
    add_ptr(&r, "alias.example.test");
    add_prob(&r, RDC_PTR_CNAME, "through a CNAME", NULL);
    add_prob(&r, RDC_GENERIC_PTR, "looks generic", NULL);
    char *s = junit_run("n", &r, NULL, 1);
    rdc_result_clear(&r);
    totals_t t;
    xmlDocPtr doc = check_doc(s, &t);
    free(s);
    xmlNode *f =
        child(child(child(xmlDocGetRootElement(doc), "testsuite", 0), "testcase", 0), "failure", 0);
    assert_non_null(f);
    assert_attr(f, "type", "ptr-cname");
    assert_attr(f, "message", "through a CNAME");
    char *text = content(f);
    assert_string_equal(text, "ptr-cname: through a CNAME\ngeneric-ptr: looks generic\n");
    free(text);
    xmlFreeDoc(doc);
}

/* Untrusted strings everywhere: markup characters are escaped, control
 * bytes and non-ASCII bytes never come out raw, tab/newline/CR in
 * attributes survive a parse. */
static void test_junit_hostile(void **state)
{
    (void)state;
    static const char hostile[] = "<a&b\"c'd>]]>\x01\x1b[31m\t\r\nx\x7f\xc3\x28&amp;";
    /* what a parser must give back (in attributes and in element text) */
    static const char decoded[] = "<a&b\"c'd>]]>\\001\\027[31m\t\r\nx\\127\\195(&amp;";
    rdc_result_t rs[3];
    res_init(&rs[0], hostile, "192.0.2.1", RDC_FAIL, 1);
    add_ptr(&rs[0], hostile);
    add_prob(&rs[0], RDC_PTR_MISMATCH, hostile, hostile);
    res_init(&rs[1], hostile, "192.0.2.2", RDC_WARN, 1);
    add_prob(&rs[1], RDC_PTR_CNAME, hostile, NULL);
    res_init(&rs[2], hostile, NULL, RDC_ERROR, 0);
    add_prob(&rs[2], RDC_INVALID_TARGET, hostile, NULL);
    static const char *const groups[] = {NULL, NULL, "--group <&>"};
    char *s = junit_run(hostile, rs, groups, 3);
    clear_all(rs, 3);
    totals_t t;
    xmlDocPtr doc = check_doc(s, &t);
    /* raw markup characters only as markup: no ' (attributes use "), no
     * "]]>", every & starts a reference */
    assert_null(strchr(s, '\''));
    assert_false(unit_contains(s, "]]>"));
    for (const char *a = strchr(s, '&'); a; a = strchr(a + 1, '&'))
        assert_true(strncmp(a, "&amp;", 5) == 0 || strncmp(a, "&lt;", 4) == 0 ||
                    strncmp(a, "&gt;", 4) == 0 || strncmp(a, "&quot;", 6) == 0 ||
                    strncmp(a, "&apos;", 6) == 0 || strncmp(a, "&#9;", 4) == 0 ||
                    strncmp(a, "&#10;", 5) == 0 || strncmp(a, "&#13;", 5) == 0);
    free(s);
    assert_int_equal(t.suites, 2);
    xmlNode *root = xmlDocGetRootElement(doc);
    assert_attr(root, "name", decoded);
    xmlNode *su = child(root, "testsuite", 0);
    assert_attr(su, "name", decoded);
    xmlNode *tc = child(su, "testcase", 0);
    char want[256];
    assert_attr(tc, "classname", "rdnscheck.fcrdns"); /* never the input */
    snprintf(want, sizeof want, "192.0.2.1 (%s)", decoded);
    assert_attr(tc, "name", want);
    xmlNode *f = child(tc, "failure", 0);
    assert_non_null(f);
    assert_attr(f, "type", "ptr-mismatch");
    assert_attr(f, "message", decoded);
    char *text = content(f);
    snprintf(want, sizeof want, "ptr-mismatch: %s / %s\n", decoded, decoded);
    assert_string_equal(text, want);
    free(text);
    text = content(child(child(su, "testcase", 1), "system-out", 0));
    snprintf(want, sizeof want, "ptr-cname: %s\n", decoded);
    assert_string_equal(text, want);
    free(text);
    xmlNode *s2 = child(root, "testsuite", 1);
    assert_attr(s2, "name", "--group <&>");
    snprintf(want, sizeof want, "invalid-target: %s\n", decoded);
    text = content(child(child(s2, "testcase", 0), "error", 0));
    assert_string_equal(text, want);
    free(text);
    xmlFreeDoc(doc);
}

/* Hundreds of results in many suites (the spool is copied in several
 * chunks; a big suite grows its buffer): every count attribute equals its
 * children, and the totals equal an independent tally. */
static void test_junit_counts(void **state)
{
    (void)state;
    enum { N = 600 };
    unsigned long want[RDC_ERROR + 1] = {0};
    unsigned long want_suites = 0;
    unsigned long long want_ms = 0;
    capture_t c;
    cap_open(&c);
    rdc_junit_t *j = rdc_junit_new(c.f, "many");
    assert_non_null(j);
    uint32_t x = 12345;
    unsigned g = 0;
    for (unsigned i = 0; i < N; i++) {
        x = x * 1103515245u + 12345u;
        rdc_verdict_t v = (rdc_verdict_t)((x >> 16) % 5);
        /* a new group now and then; the last 300 results are one big suite */
        if (i == 0 || (i < 300 && (x >> 8) % 7 == 0) || i == 300) {
            g++;
            want_suites++;
        }
        char input[32], ip[32];
        snprintf(input, sizeof input, "group-%u.example.test", g);
        snprintf(ip, sizeof ip, "10.0.%u.%u", i / 250, i % 250);
        rdc_result_t r;
        unsigned ms = (x >> 4) % 5000;
        res_init(&r, input, v == RDC_ERROR ? NULL : ip, v, ms);
        if (v == RDC_WARN)
            add_prob(&r, RDC_PTR_CNAME, "cname", NULL);
        else if (v == RDC_FAIL)
            add_prob(&r, RDC_NO_PTR, "no PTR", "add one");
        else if (v == RDC_TEMPFAIL)
            add_prob(&r, RDC_DNS_SERVFAIL, "servfail", NULL);
        else if (v == RDC_ERROR)
            add_prob(&r, RDC_INVALID_TARGET, "bad", NULL);
        if (v == RDC_ERROR)
            r.line = i + 1; /* bad lines of FILE: each its own test case name */
        want[v]++;
        want_ms += ms;
        bool ok = rdc_junit_add(j, &r, input);
        rdc_result_clear(&r);
        assert_true(ok);
    }
    assert_true(rdc_junit_finish(j));
    rdc_junit_free(j);
    char *s = cap_close(&c);
    assert_true(strlen(s) > 3 * 8192);
    totals_t t;
    xmlDocPtr doc = check_doc(s, &t);
    free(s);
    assert_int_equal(t.suites, want_suites);
    assert_true(want_suites > 10);
    assert_int_equal(t.tests, N);
    assert_int_equal(t.failures, want[RDC_FAIL]);
    assert_int_equal(t.errors, want[RDC_TEMPFAIL] + want[RDC_ERROR]);
    assert_int_equal(t.outs, want[RDC_WARN]);
    assert_int_equal(t.ms, want_ms);
    xmlNode *last = child(xmlDocGetRootElement(doc), "testsuite", (unsigned)want_suites - 1);
    assert_non_null(last);
    assert_int_equal(attr_ul(last, "tests"), 300);
    xmlFreeDoc(doc);
}

static void test_junit_empty(void **state)
{
    (void)state;
    char *s = junit_run("rdnscheck", NULL, NULL, 0);
    assert_string_equal(s, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                           "<testsuites name=\"rdnscheck\" tests=\"0\" failures=\"0\" "
                           "errors=\"0\" time=\"0.000\">\n"
                           "</testsuites>\n");
    totals_t t;
    xmlDocPtr doc = check_doc(s, &t);
    free(s);
    assert_int_equal(t.suites, 0);
    assert_null(child(xmlDocGetRootElement(doc), "testsuite", 0));
    xmlFreeDoc(doc);
}

static void test_junit_times(void **state)
{
    (void)state;
    rdc_result_t rs[4];
    res_init(&rs[0], "t", "192.0.2.1", RDC_PASS, 0);
    res_init(&rs[1], "t", "192.0.2.2", RDC_PASS, 999);
    res_init(&rs[2], "t", "192.0.2.3", RDC_PASS, 1001);
    res_init(&rs[3], "u", "192.0.2.4", RDC_PASS, 4294967295u);
    char *s = junit_run("t", rs, NULL, 4);
    clear_all(rs, 4);
    assert_true(unit_contains(s, "time=\"0.000\"/>"));
    assert_true(unit_contains(s, "time=\"0.999\"/>"));
    assert_true(unit_contains(s, "time=\"1.001\"/>"));
    assert_true(unit_contains(s, "name=\"t\" tests=\"3\" failures=\"0\" errors=\"0\" "
                                 "skipped=\"0\" time=\"2.000\">"));
    assert_true(unit_contains(s, "time=\"4294967.295\"/>"));
    /* the total does not wrap at 32 bits */
    assert_true(unit_contains(s, "<testsuites name=\"t\" tests=\"4\" failures=\"0\" errors=\"0\" "
                                 "time=\"4294969.295\">"));
    totals_t t;
    xmlDocPtr doc = check_doc(s, &t);
    free(s);
    assert_int_equal(t.ms, 4294969295ull);
    xmlFreeDoc(doc);
}

/* A full disk: finish says so, with one suite (written straight to the
 * output) and with several (copied from the spool). */
static void test_junit_write_failure(void **state)
{
    (void)state;
    for (int suites = 1; suites <= 3; suites += 2) {
        FILE *f = fopen("/dev/full", "w");
        if (f == NULL)
            SKIP_UNLESS_CI("no /dev/full to write to");
        rdc_junit_t *j = rdc_junit_new(f, "full");
        assert_non_null(j);
        for (int i = 0; i < suites; i++) {
            rdc_result_t r;
            char input[16];
            snprintf(input, sizeof input, "in%d", i);
            res_init(&r, input, "192.0.2.1", RDC_FAIL, 1);
            add_prob(&r, RDC_NO_PTR, "no PTR", NULL);
            bool ok = rdc_junit_add(j, &r, NULL);
            rdc_result_clear(&r);
            assert_true(ok);
        }
        assert_false(rdc_junit_finish(j));
        rdc_junit_free(j);
        fclose(f);
    }
    /* an empty document is a write too */
    FILE *f = fopen("/dev/full", "w");
    assert_non_null(f);
    rdc_junit_t *j = rdc_junit_new(f, NULL);
    assert_non_null(j);
    assert_false(rdc_junit_finish(j));
    rdc_junit_free(j);
    fclose(f);
}

/* The spool (a temporary file) cannot be written: RLIMIT_FSIZE makes the
 * writes fail with EFBIG. add reports it as soon as the spool's stdio
 * buffer is flushed, and finish reports it again. The output itself is a
 * memory stream, which the limit does not touch. Nothing is printed while
 * the limit is in force (a log file on stdout could be past it). */
static void test_junit_spool_failure(void **state)
{
    (void)state;
    struct rlimit old;
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
    if (old.rlim_max != RLIM_INFINITY && old.rlim_max < 4096)
        SKIP_UNLESS_CI("the hard RLIMIT_FSIZE is under 4096 bytes");
    capture_t c;
    cap_open(&c);
    rdc_junit_t *j = rdc_junit_new(c.f, "spool");
    assert_non_null(j);
    rdc_result_t r;
    res_init(&r, "in", "192.0.2.1", RDC_FAIL, 1);
    add_prob(&r, RDC_NO_PTR, "a message long enough to fill the spool buffer soon enough",
             "and a fix of some length as well, so that each suite is several hundred bytes");
    void (*old_handler)(int) = signal(SIGXFSZ, SIG_IGN);
    struct rlimit lim = old;
    lim.rlim_cur = 4096;
    int set = setrlimit(RLIMIT_FSIZE, &lim);
    unsigned failed_at = 0;
    for (unsigned i = 1; set == 0 && i <= 2000 && failed_at == 0; i++) {
        char group[32];
        snprintf(group, sizeof group, "suite-%u", i);
        if (!rdc_junit_add(j, &r, group))
            failed_at = i;
    }
    bool again = rdc_junit_add(j, &r, "one more");
    bool finished = rdc_junit_finish(j);
    setrlimit(RLIMIT_FSIZE, &old);
    signal(SIGXFSZ, old_handler);
    rdc_junit_free(j);
    rdc_result_clear(&r);
    free(cap_close(&c));
    assert_int_equal(set, 0);
    assert_true(failed_at > 1); /* not at once: the spool buffer took some */
    assert_false(again); /* the failure sticks */
    assert_false(finished);
}

/* finish once; no add after finish; NULL stream refused; free(NULL) ok. */
static void test_junit_lifecycle(void **state)
{
    (void)state;
    assert_null(rdc_junit_new(NULL, "x"));
    rdc_junit_free(NULL);
    capture_t c;
    cap_open(&c);
    rdc_junit_t *j = rdc_junit_new(c.f, "x");
    assert_non_null(j);
    rdc_result_t r;
    res_init(&r, "192.0.2.1", "192.0.2.1", RDC_PASS, 0);
    assert_true(rdc_junit_add(j, &r, NULL));
    assert_true(rdc_junit_finish(j));
    assert_false(rdc_junit_add(j, &r, NULL));
    assert_false(rdc_junit_finish(j));
    rdc_junit_free(j);
    rdc_result_clear(&r);
    char *s = cap_close(&c);
    totals_t t;
    xmlDocPtr doc = check_doc(s, &t);
    free(s);
    assert_int_equal(t.tests, 1);
    xmlFreeDoc(doc);
}

/* ------------------------------------------------------------ GitHub */

static char *github(const rdc_result_t *r)
{
    capture_t c;
    cap_open(&c);
    rdc_report_github(c.f, r);
    return cap_close(&c);
}

static void test_github_each_verdict(void **state)
{
    (void)state;
    rdc_result_t rs[5];
    make_mixed(rs);
    /* a host name target: say where the address came from */
    static const char *const want[] = {
        "",
        "::warning title=rdnscheck ptr-cname::192.0.2.11 (from mail.example.test): "
        "alias.example.test goes through a CNAME Fix: publish an A record\n",
        "::error title=rdnscheck ptr-mismatch::192.0.2.12 (from mail.example.test): "
        "b.example.test does not point back Fix: add an A record for b.example.test"
        "%0Ageneric-ptr: a.example.test looks provider-generated\n",
        "::error title=rdnscheck dns-timeout::198.51.100.7: the PTR lookup timed out Fix: try "
        "again later\n",
        "::error title=rdnscheck invalid-target::line 4: bogus line: not an address, block or "
        "host name\n",
    };
    for (size_t i = 0; i < 5; i++) {
        char *s = github(&rs[i]);
        assert_string_equal(s, want[i]);
        free(s);
    }
    clear_all(rs, 5);
}

static void test_github_no_address_and_no_problem(void **state)
{
    (void)state;
    rdc_result_t r;
    res_init(&r, "nomail.example.test", NULL, RDC_FAIL, 0);
    add_prob(&r, RDC_NO_ADDRESS, "nomail.example.test has no A or AAAA record", NULL);
    char *s = github(&r);
    assert_string_equal(s, "::error title=rdnscheck no-address::nomail.example.test: "
                           "nomail.example.test has no A or AAAA record\n");
    free(s);
    rdc_result_clear(&r);

    /* a block input: no "(from ...)"; a tempfail without problems */
    res_init(&r, "192.0.2.0/24", "192.0.2.7", RDC_TEMPFAIL, 0);
    s = github(&r);
    assert_string_equal(s, "::error title=rdnscheck tempfail::192.0.2.7: tempfail\n");
    free(s);
    rdc_result_clear(&r);

    /* an error from the command line: no line number */
    res_init(&r, "x y", NULL, RDC_ERROR, 0);
    add_prob(&r, RDC_INVALID_TARGET, "bad", NULL);
    s = github(&r);
    assert_string_equal(s, "::error title=rdnscheck invalid-target::x y: bad\n");
    free(s);
    rdc_result_clear(&r);
}

/* An --spf domain: the annotation's title is the deciding SPF code, and
 * every other SPF problem keeps its own code name. */
static void test_github_spf_codes(void **state)
{
    (void)state;
    rdc_result_t r;
    res_init(&r, "example.test", NULL, RDC_FAIL, 0);
    r.kind = RDC_RESULT_DOMAIN;
    r.domain.mode = "spf";
    add_prob(&r, RDC_SPF_PASS_ALL, "+all lets anyone send", NULL);
    add_prob(&r, RDC_SPF_TOO_MANY_LOOKUPS, "11 lookups", "fix the record");
    r.domain.own = RDC_FAIL;
    char *s = github(&r);
    assert_string_equal(s, "::error title=rdnscheck spf-too-many-lookups::example.test (spf): 0 "
                           "addresses%0Aspf-too-many-lookups: 11 lookups Fix: fix the "
                           "record%0Aspf-pass-all: +all lets anyone send\n");
    free(s);
    /* a domain that fails only through its addresses says so */
    r.domain.own = RDC_WARN;
    r.domain.addresses = 3;
    r.domain.verdicts[RDC_PASS] = 2;
    r.domain.verdicts[RDC_FAIL] = 1;
    s = github(&r);
    assert_string_equal(s, "::error title=rdnscheck spf-pass-all::example.test (spf): 3 "
                           "addresses, 1 fail%0Aspf-pass-all: +all lets anyone send%0A"
                           "spf-too-many-lookups: 11 lookups Fix: fix the record\n");
    free(s);
    r.domain.own = RDC_FAIL;

    const char *groups[] = {"spf"};
    s = junit_run("spf", &r, groups, 1);
    assert_true(unit_contains(s, "<failure type=\"spf-too-many-lookups\" message=\"11 lookups\">"));
    assert_true(unit_contains(s, "spf-pass-all: +all lets anyone send\n"));
    free(s);
    rdc_result_clear(&r);
}

static char *escaped(const char *in, bool property)
{
    capture_t c;
    cap_open(&c);
    fputc('[', c.f); /* so that an empty result is still a string */
    if (property)
        rdc_github_escape_property(c.f, in);
    else
        rdc_github_escape_data(c.f, in);
    fputc(']', c.f);
    return cap_close(&c);
}

static void test_github_escape(void **state)
{
    (void)state;
    static const struct {
        const char *in, *data, *prop;
    } cases[] = {
        {"", "[]", "[]"},
        {"plain text", "[plain text]", "[plain text]"},
        {"100%", "[100%25]", "[100%25]"},
        {"%25", "[%2525]", "[%2525]"},
        {"%0A", "[%250A]", "[%250A]"},
        {"a\rb", "[a%0Db]", "[a%0Db]"},
        {"a\nb", "[a%0Ab]", "[a%0Ab]"},
        {"\r\n", "[%0D%0A]", "[%0D%0A]"},
        {"a:b", "[a:b]", "[a%3Ab]"},
        {"a,b", "[a,b]", "[a%2Cb]"},
        {"::error::x", "[::error::x]", "[%3A%3Aerror%3A%3Ax]"},
        {"%:,\r\n", "[%25:,%0D%0A]", "[%25%3A%2C%0D%0A]"},
        {"tab\there", "[tab\there]", "[tab\there]"},
        {"\x1b[31m", "[\\027[31m]", "[\\027[31m]"},
        {"\x7f\xc3\xa9", "[\\127\\195\\169]", "[\\127\\195\\169]"},
        {"a=b;c]d", "[a=b;c]d]", "[a=b;c]d]"},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        char *d = escaped(cases[i].in, false);
        char *p = escaped(cases[i].in, true);
        assert_string_equal(d, cases[i].data);
        assert_string_equal(p, cases[i].prop);
        free(d);
        free(p);
    }
}

/* Escaping inside a whole line: the message keeps ':' and ',' but not %,
 * CR, LF; an injected "::error::" stays inside the message. */
static void test_github_line_escaping(void **state)
{
    (void)state;
    rdc_result_t r;
    res_init(&r, "192.0.2.1", "192.0.2.1", RDC_FAIL, 0);
    add_prob(&r, RDC_PTR_MISMATCH, "50% of a,b: bad\r\n::error::forged", "fix 100%\nnow");
    add_prob(&r, RDC_GENERIC_PTR, "x\x1b[2J", NULL);
    char *s = github(&r);
    rdc_result_clear(&r);
    assert_string_equal(s, "::error title=rdnscheck ptr-mismatch::192.0.2.1: 50%25 of a,b: "
                           "bad%0D%0A::error::forged Fix: fix 100%25%0Anow%0Ageneric-ptr: "
                           "x\\027[2J\n");
    /* exactly one line */
    assert_int_equal(strchr(s, '\n') - s + 1, strlen(s));
    assert_true(unit_printable(strtok(s, "\n")));
    free(s);
}

/* A bad line of FILE is attached to it: file= and line= (file escaped as a
 * property: ',' and ':' would end it). */
static void test_github_file_line(void **state)
{
    (void)state;
    rdc_result_t r;
    res_init(&r, "bogus line", NULL, RDC_ERROR, 0);
    r.line = 4;
    add_prob(&r, RDC_INVALID_TARGET, "not an address", NULL);
    rdc_buf_t b = {0};
    rdc_github_line(&b, &r, "lists/a,b:c%.txt");
    assert_string_equal(b.s, "::error file=lists/a%2Cb%3Ac%25.txt,line=4,title=rdnscheck "
                             "invalid-target::line 4: bogus line: not an address\n");
    rdc_buf_free(&b);
    r.line = 0; /* a command-line target: no file */
    rdc_github_line(&b, &r, "lists/x.txt");
    assert_string_equal(b.s,
                        "::error title=rdnscheck invalid-target::bogus line: not an address\n");
    rdc_buf_free(&b);
    rdc_result_clear(&r);
}

/* One result of a run for the caps test: kind by letter (f fail, t
 * tempfail, w warn, e bad line, D failing domain, W warning domain). */
static void gh_feed(rdc_github_t *g, rdc_counts_t *c, char kind, unsigned n)
{
    rdc_result_t r;
    char ip[32], in[32];
    snprintf(ip, sizeof ip, "%s.%u", kind == 'w' ? "198.51.100" : "192.0.2", n);
    switch (kind) {
    case 'f':
        res_init(&r, ip, ip, RDC_FAIL, 0);
        add_prob(&r, RDC_NO_PTR, "no PTR", NULL);
        break;
    case 't':
        res_init(&r, ip, ip, RDC_TEMPFAIL, 0);
        add_prob(&r, RDC_DNS_TIMEOUT, "timed out", NULL);
        break;
    case 'w':
        res_init(&r, ip, ip, RDC_WARN, 0);
        add_prob(&r, RDC_PTR_CNAME, "alias", NULL);
        break;
    case 'e':
        snprintf(in, sizeof in, "bad%u", n);
        res_init(&r, in, NULL, RDC_ERROR, 0);
        r.line = n;
        add_prob(&r, RDC_INVALID_TARGET, "bad", NULL);
        break;
    default:
        res_init(&r, kind == 'D' ? "fail.example.test" : "warn.example.test", NULL,
                 kind == 'D' ? RDC_FAIL : RDC_WARN, 0);
        r.kind = RDC_RESULT_DOMAIN;
        r.domain.mode = "mx";
        r.domain.own = r.verdict;
        add_prob(&r, kind == 'D' ? RDC_MX_NO_ADDRESS : RDC_MX_CNAME, "domain", NULL);
        break;
    }
    rdc_counts_add(c, &r);
    assert_true(rdc_github_add(g, &r));
    rdc_result_clear(&r);
}

/* 10 errors and 10 warnings at most, the worst first (bad lines, failing
 * domains, fails, tempfails; domains before addresses among warnings),
 * input order among equals; then the counts and a notice of the rest. */
static void test_github_caps_worst_first(void **state)
{
    (void)state;
    rdc_counts_t cnt;
    memset(&cnt, 0, sizeof cnt);
    rdc_github_t *g = rdc_github_new("list.txt", NULL, 0);
    assert_non_null(g);
    unsigned f = 1, w = 1, t = 101;
    for (; f <= 5; f++)
        gh_feed(g, &cnt, 'f', f);
    gh_feed(g, &cnt, 't', t++);
    for (; w <= 6; w++)
        gh_feed(g, &cnt, 'w', w);
    gh_feed(g, &cnt, 'e', 1);
    for (; f <= 25; f++)
        gh_feed(g, &cnt, 'f', f);
    gh_feed(g, &cnt, 'D', 0);
    for (; w <= 12; w++)
        gh_feed(g, &cnt, 'w', w);
    gh_feed(g, &cnt, 't', t++);
    gh_feed(g, &cnt, 't', t++);
    gh_feed(g, &cnt, 'e', 2);
    gh_feed(g, &cnt, 'W', 0);
    capture_t c;
    cap_open(&c);
    assert_true(rdc_github_finish(g, c.f, &cnt));
    rdc_github_free(g);
    char *s = cap_close(&c);
    static const char *const want[] = {
        "::error file=list.txt,line=1,title=rdnscheck invalid-target::line 1: bad1: bad\n",
        "::error file=list.txt,line=2,title=rdnscheck invalid-target::line 2: bad2: bad\n",
        "::error title=rdnscheck mx-no-address::fail.example.test (mx): 0 "
        "addresses%0Amx-no-address: domain\n",
        "::error title=rdnscheck no-ptr::192.0.2.1: no PTR\n",
        "::error title=rdnscheck no-ptr::192.0.2.2: no PTR\n",
        "::error title=rdnscheck no-ptr::192.0.2.3: no PTR\n",
        "::error title=rdnscheck no-ptr::192.0.2.4: no PTR\n",
        "::error title=rdnscheck no-ptr::192.0.2.5: no PTR\n",
        "::error title=rdnscheck no-ptr::192.0.2.6: no PTR\n",
        "::error title=rdnscheck no-ptr::192.0.2.7: no PTR\n",
        "::warning title=rdnscheck mx-cname::warn.example.test (mx): 0 addresses%0Amx-cname: "
        "domain\n",
        "::warning title=rdnscheck ptr-cname::198.51.100.1: alias\n",
        "::warning title=rdnscheck ptr-cname::198.51.100.2: alias\n",
        "::warning title=rdnscheck ptr-cname::198.51.100.3: alias\n",
        "::warning title=rdnscheck ptr-cname::198.51.100.4: alias\n",
        "::warning title=rdnscheck ptr-cname::198.51.100.5: alias\n",
        "::warning title=rdnscheck ptr-cname::198.51.100.6: alias\n",
        "::warning title=rdnscheck ptr-cname::198.51.100.7: alias\n",
        "::warning title=rdnscheck ptr-cname::198.51.100.8: alias\n",
        "::warning title=rdnscheck ptr-cname::198.51.100.9: alias\n",
        "::notice title=rdnscheck::42 checked: 12 warn, 25 fail, 3 tempfail, 2 error; 2 domains: "
        "1 warn, 1 fail\n",
        "::notice title=rdnscheck::21 more errors and 3 more warnings not annotated (GitHub shows "
        "10 of each a step): --json or --junit FILE lists every one, and so does the job summary "
        "where GITHUB_STEP_SUMMARY is set\n",
    };
    const char *p = s;
    for (size_t i = 0; i < ARRAY_LEN(want); i++) {
        if (strncmp(p, want[i], strlen(want[i])) != 0)
            print_error("line %zu:\n got %.*s want %s", i + 1, (int)strcspn(p, "\n") + 1, p,
                        want[i]);
        assert_true(strncmp(p, want[i], strlen(want[i])) == 0);
        p += strlen(want[i]);
    }
    assert_string_equal(p, "");
    free(s);
}

/* The job summary: a row for every result that is not a pass, as it
 * comes; untrusted text escaped for a GitHub Markdown table cell. */
static void test_github_job_summary(void **state)
{
    (void)state;
    capture_t sum, out;
    rdc_counts_t cnt;
    memset(&cnt, 0, sizeof cnt);
    cap_open(&sum);
    rdc_github_t *g = rdc_github_new("in.txt", sum.f, 1024 * 1024);
    assert_non_null(g);
    rdc_result_t rs[4];
    res_init(&rs[0], "h.example.test", "192.0.2.1", RDC_FAIL, 0);
    add_ptr(&rs[0], "a|b`<i>`*x*_y_[l](u)");
    add_prob(&rs[0], RDC_PTR_MISMATCH, "a|b`<i>` & *x*\nnext ~~s~~ $m$ @u www.e.test", "fix | it");
    add_prob(&rs[0], RDC_GENERIC_PTR, "generic", NULL);
    res_init(&rs[1], "192.0.2.2", "192.0.2.2", RDC_PASS, 0);
    res_init(&rs[2], "x|y", NULL, RDC_ERROR, 0);
    rs[2].line = 7;
    add_prob(&rs[2], RDC_INVALID_TARGET, "bad", NULL);
    res_init(&rs[3], "mx.example.test", "192.0.2.3", RDC_WARN, 0);
    rs[3].via = unit_strdup("mx 10 mx1.example.test");
    add_prob(&rs[3], RDC_PTR_CNAME, "alias", NULL);
    for (size_t i = 0; i < 4; i++) {
        rdc_counts_add(&cnt, &rs[i]);
        assert_true(rdc_github_add(g, &rs[i]));
    }
    clear_all(rs, 4);
    cap_open(&out);
    assert_true(rdc_github_finish(g, out.f, &cnt));
    rdc_github_free(g);
    free(cap_close(&out));
    char *s = cap_close(&sum);
    assert_string_equal(
        s,
        "### rdnscheck: what did not pass\n\n"
        "| verdict | address | target | problem | fix |\n"
        "|---|---|---|---|---|\n"
        "| fail | 192\\.0\\.2\\.1 | h\\.example\\.test | `ptr-mismatch`: a\\|b\\`&lt;i&gt;\\` "
        "&amp; "
        "\\*x\\*<br>next \\~\\~s\\~\\~ \\$m\\$ \\@u www\\.e\\.test (also `generic-ptr`) | fix \\| "
        "it |\n"
        "| error |  | in\\.txt line 7\\: x\\|y | `invalid-target`: bad |  |\n"
        "| warn | 192\\.0\\.2\\.3 | mx\\.example\\.test\\: mx 10 mx1\\.example\\.test | "
        "`ptr-cname`: alias |  |\n"
        "\nrdnscheck: 4 checked: 1 pass, 1 warn, 1 fail, 1 error\n\n");
    free(s);
}

/* GitHub keeps 1 MiB of job summary a step: rows stop at the budget, and
 * both the summary and the notice say how many were left out. */
static void test_github_job_summary_budget(void **state)
{
    (void)state;
    capture_t sum, out;
    rdc_counts_t cnt;
    memset(&cnt, 0, sizeof cnt);
    cap_open(&sum);
    rdc_github_t *g = rdc_github_new(NULL, sum.f, 1024 + 400);
    assert_non_null(g);
    for (unsigned i = 1; i <= 30; i++)
        gh_feed(g, &cnt, 'f', i);
    cap_open(&out);
    assert_true(rdc_github_finish(g, out.f, &cnt));
    rdc_github_free(g);
    char *o = cap_close(&out);
    char *s = cap_close(&sum);
    unsigned rows = 0;
    for (const char *p = strstr(s, "\n| fail |"); p; p = strstr(p + 1, "\n| fail |"))
        rows++;
    assert_true(rows > 0 && rows < 30);
    assert_true(strlen(s) <= 1024 + 400);
    char want[256];
    snprintf(want, sizeof want, "\n%u more not listed: GitHub keeps 1 MiB of job summary a step",
             30 - rows);
    assert_true(unit_contains(s, want));
    snprintf(want, sizeof want,
             "the job summary lists the first %u of 30 (GitHub keeps 1 MiB a "
             "step); --json lists every one\n",
             rows);
    assert_true(unit_contains(o, want));
    free(s);
    free(o);
}

static void test_github_pass_silent(void **state)
{
    (void)state;
    rdc_result_t r;
    res_init(&r, "192.0.2.1", "192.0.2.1", RDC_PASS, 0);
    add_ptr(&r, "mail.example.test");
    char *s = github(&r);
    rdc_result_clear(&r);
    assert_string_equal(s, "");
    free(s);
}

static void test_github_summary(void **state)
{
    (void)state;
    static const struct {
        unsigned long n[5]; /* pass, warn, tempfail, fail, error */
        const char *want;
    } cases[] = {
        {{0, 0, 0, 0, 0}, "::notice title=rdnscheck::0 checked\n"},
        {{3, 1, 0, 1, 0}, "::notice title=rdnscheck::5 checked: 3 pass, 1 warn, 1 fail\n"},
        {{1, 2, 3, 4, 5},
         "::notice title=rdnscheck::15 checked: 1 pass, 2 warn, 4 fail, 3 tempfail, 5 error\n"},
        {{0, 0, 2, 0, 0}, "::notice title=rdnscheck::2 checked: 2 tempfail\n"},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        rdc_counts_t cnt;
        memset(&cnt, 0, sizeof cnt);
        cnt.n[RDC_PASS] = cases[i].n[0];
        cnt.n[RDC_WARN] = cases[i].n[1];
        cnt.n[RDC_TEMPFAIL] = cases[i].n[2];
        cnt.n[RDC_FAIL] = cases[i].n[3];
        cnt.n[RDC_ERROR] = cases[i].n[4];
        capture_t c;
        cap_open(&c);
        rdc_report_github_summary(c.f, &cnt);
        char *s = cap_close(&c);
        assert_string_equal(s, cases[i].want);
        free(s);
    }
}

static int setup(void **state)
{
    (void)state;
    LIBXML_TEST_VERSION
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    xmlCleanupParser();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_xml_oracle_rejects),
        cmocka_unit_test(test_junit_all_pass),
        cmocka_unit_test(test_junit_mixed_two_suites),
        cmocka_unit_test(test_junit_grouping),
        cmocka_unit_test(test_junit_unique_suite_names),
        cmocka_unit_test(test_junit_file_lines),
        cmocka_unit_test(test_junit_domain_classname),
        cmocka_unit_test(test_junit_case_names),
        cmocka_unit_test(test_junit_strict_fail),
        cmocka_unit_test(test_junit_hostile),
        cmocka_unit_test(test_junit_counts),
        cmocka_unit_test(test_junit_empty),
        cmocka_unit_test(test_junit_times),
        cmocka_unit_test(test_junit_write_failure),
        cmocka_unit_test(test_junit_spool_failure),
        cmocka_unit_test(test_junit_lifecycle),
        cmocka_unit_test(test_github_each_verdict),
        cmocka_unit_test(test_github_no_address_and_no_problem),
        cmocka_unit_test(test_github_spf_codes),
        cmocka_unit_test(test_github_escape),
        cmocka_unit_test(test_github_line_escaping),
        cmocka_unit_test(test_github_pass_silent),
        cmocka_unit_test(test_github_file_line),
        cmocka_unit_test(test_github_caps_worst_first),
        cmocka_unit_test(test_github_job_summary),
        cmocka_unit_test(test_github_job_summary_budget),
        cmocka_unit_test(test_github_summary),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
