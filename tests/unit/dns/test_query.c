/* test_query.c - unit tests of query.c, the query layer, driven directly
 * (rdc_ql_t + rdc_lookup_t) over the scripted resolver sdns.h: answers end
 * a lookup, every failure moves to the next server and the most telling
 * one is reported, --tries passes, down servers, server order (list order,
 * --rotate, refusals that reorder nothing), names that cannot be sent, CNAME hops across answers,
 * the statistics, the -v trace and per-server summary, the RTO. No sockets, no sleeps: every answer
 * comes from sdns_pump_now. */
#define _POSIX_C_SOURCE 200809L
#include "unit.h"

#include <stdbool.h>
#include <stdio.h>

#include "dnsmsg.h"
#include "query.h"
#include "sdns.h"
#include "util.h"

#define A RDC_TYPE_A

/* ------------------------------------------------------------ helpers */

/* The clock of the query layer: the test links with --wrap=rdc_now_ms
 * (tests/unit/CMakeLists.txt), so time moves only when a test moves it. */
static unsigned long long fake_now = 1000000;

unsigned long long __wrap_rdc_now_ms(void);
unsigned long long __wrap_rdc_now_ms(void)
{
    return fake_now;
}

/* What the done callback saw. */
typedef struct res {
    int calls;
    rdc_dns_status_t status;
    size_t nrecords;
    rdc_addr_t addr[4];
    uint8_t final_name[RDC_NAME_WIRE_MAX + 1];
    bool via_cname;
    unsigned hops;
    /* restart once from inside the callback, asking restart_type */
    uint16_t restart_type;
    int restarts;
} res_t;

static void on_done(rdc_lookup_t *l, const rdc_answer_t *a)
{
    res_t *r = l->owner;
    r->calls++;
    r->status = a->status;
    r->nrecords = a->nrecords;
    for (size_t i = 0; i < a->nrecords && i < ARRAY_LEN(r->addr); i++)
        r->addr[i] = a->records[i].addr;
    memcpy(r->final_name, a->final_name, sizeof r->final_name);
    r->via_cname = l->via_cname;
    r->hops = l->hops;
    if (r->restart_type != 0 && r->restarts == 0) {
        /* the callback may start this lookup again (as the engine does for
         * a DNSBL listing's TXT reason) */
        r->restarts++;
        l->type = r->restart_type;
        l->hops = 0;
        l->tries = 0;
        l->free = 0;
        l->via_cname = false;
        r->calls = 0;
        rdc_lookup_start(l);
    }
}

static void to_wire(const char *text, uint8_t *wire)
{
    memset(wire, 0, RDC_NAME_WIRE_MAX + 1);
    assert_true(rdc_name_from_text(text, strlen(text), wire, NULL));
}

static rdc_ql_t *ql_make(sdns_t *s, unsigned tries, unsigned timeout_ms, bool verbose)
{
    rdc_ql_opts_t o = {0};
    o.tries = tries;
    o.try_timeout_ms = timeout_ms;
    o.verbose = verbose;
    o.user = s;
    rdc_ql_t *ql = rdc_ql_new(sdns_dns(s), &o);
    assert_non_null(ql);
    assert_ptr_equal(rdc_ql_user(ql), s);
    return ql;
}

/* The resolver first (it cancels what it holds into the layer), then the
 * layer, as query.h asks. */
static void teardown(sdns_t *s, rdc_ql_t *ql)
{
    assert_false(rdc_ql_oom(ql));
    sdns_free(s);
    rdc_ql_free(ql);
}

/* Runs the loop by hand until r's lookup ended (at most a few hundred
 * turns), then checks that it ended exactly once and nothing is left. */
static void pump_until_done(sdns_t *s, const res_t *r)
{
    for (int i = 0; i < 500 && r->calls == 0; i++)
        sdns_pump_now(s);
    assert_int_equal(r->calls, 1);
    assert_int_equal(sdns_pending(s), 0);
}

/* Starts a lookup of (wire, type) into r. */
static void start_wire(rdc_ql_t *ql, rdc_lookup_t *l, res_t *r, const uint8_t *wire, uint16_t type)
{
    memset(r, 0, sizeof *r);
    rdc_lookup_init(l, ql, type, wire, on_done, r);
    assert_ptr_equal(l->owner, r);
    rdc_lookup_start(l);
}

static void start(rdc_ql_t *ql, rdc_lookup_t *l, res_t *r, const char *name, uint16_t type)
{
    uint8_t wire[RDC_NAME_WIRE_MAX + 1];
    to_wire(name, wire);
    start_wire(ql, l, r, wire, type);
}

/* One whole lookup; the trace (with verbose) goes to trace when not NULL. */
static void lookup(sdns_t *s, rdc_ql_t *ql, res_t *r, const char *name, uint16_t type,
                   rdc_buf_t *trace)
{
    rdc_lookup_t l;
    start(ql, &l, r, name, type);
    pump_until_done(s, r);
    rdc_buf_t tmp = {0};
    rdc_lookup_trace_text(&l, trace ? trace : &tmp);
    rdc_buf_free(&tmp);
    assert_int_equal(l.trace.n, 0);
}

static void expect_addr4(const rdc_addr_t *a, unsigned b0, unsigned b1, unsigned b2, unsigned b3)
{
    assert_int_equal(a->family, 4);
    assert_int_equal(a->b[0], b0);
    assert_int_equal(a->b[1], b1);
    assert_int_equal(a->b[2], b2);
    assert_int_equal(a->b[3], b3);
}

static void expect_final(const res_t *r, const char *name)
{
    char text[RDC_NAME_TEXT_MAX];
    rdc_name_to_text(r->final_name, text);
    assert_string_equal(text, name);
}

/* How a scripted server fails (or answers). */
typedef enum how {
    H_NONE = 0, /* end of a row */
    H_SERVFAIL,
    H_REFUSED,
    H_FORMERR,
    H_NOTIMP,
    H_GARBAGE, /* an unparseable answer */
    H_WRONGQ, /* a well-formed answer to another question */
    H_UNREACH,
    H_TIMEOUT,
    H_ERROR, /* an error without an answer */
    H_ANSWER /* A 192.0.2.1 */
} how_t;

static const char *how_name(how_t h)
{
    static const char *const n[] = {"none",    "SERVFAIL", "REFUSED", "FORMERR",
                                    "NOTIMP",  "garbage",  "wrongq",  "unreachable",
                                    "timeout", "error",    "answer"};
    return n[h];
}

/* An answer to "other.example.test" A: well-formed, not about our name. */
static const uint8_t wrong_question[] = {0x00, 0x00, 0x81, 0x80, 0x00, 0x01, 0x00, 0x00, 0x00,
                                         0x00, 0x00, 0x00, 0x05, 'o',  't',  'h',  'e',  'r',
                                         0x07, 'e',  'x',  'a',  'm',  'p',  'l',  'e',  0x04,
                                         't',  'e',  's',  't',  0x00, 0x00, 0x01, 0x00, 0x01};

static void script(sdns_t *s, int server, const char *name, how_t h)
{
    static const uint8_t garbage[] = {0xde, 0xad, 0xbe, 0xef, 0x00};
    switch (h) {
    case H_SERVFAIL:
        sdns_rule(s, server, name, 0, SDNS_ANSWER, 2, NULL);
        break;
    case H_REFUSED:
        sdns_rule(s, server, name, 0, SDNS_ANSWER, 5, NULL);
        break;
    case H_FORMERR:
        sdns_rule(s, server, name, 0, SDNS_ANSWER, 1, NULL);
        break;
    case H_NOTIMP:
        sdns_rule(s, server, name, 0, SDNS_ANSWER, 4, NULL);
        break;
    case H_GARBAGE:
        sdns_rule_raw(s, server, name, 0, garbage, sizeof garbage);
        break;
    case H_WRONGQ:
        sdns_rule_raw(s, server, name, 0, wrong_question, sizeof wrong_question);
        break;
    case H_UNREACH:
        sdns_rule(s, server, name, 0, SDNS_UNREACHABLE, 0, NULL);
        break;
    case H_TIMEOUT:
        sdns_rule(s, server, name, 0, SDNS_TIMEOUT, 0, NULL);
        break;
    case H_ERROR:
        sdns_rule(s, server, name, 0, SDNS_ERROR, 0, NULL);
        break;
    case H_ANSWER:
        sdns_rule(s, server, name, A, SDNS_ANSWER, 0, "@ 300 A 192.0.2.1");
        break;
    case H_NONE:
        break;
    }
}

/* ------------------------------------------------------------ answers */

/* An answer (data, NODATA, NXDOMAIN) ends the lookup: the other servers,
 * which would give a different answer, are never asked. */
static void test_answer_is_final(void **state)
{
    (void)state;
    static const struct {
        unsigned rcode;
        const char *rrs;
        rdc_dns_status_t want;
        size_t nrecords;
    } rows[] = {
        {0, "@ 300 A 198.51.100.7; @ 300 A 198.51.100.8", RDC_DNS_OK, 2},
        {0, NULL, RDC_DNS_NODATA, 0},
        {0, "@ 300 TXT not an address", RDC_DNS_NODATA, 0},
        {3, NULL, RDC_DNS_NXDOMAIN, 0},
        /* records riding along an NXDOMAIN are never data */
        {3, "@ 300 A 198.51.100.9", RDC_DNS_NXDOMAIN, 0},
    };
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        sdns_t *s = sdns_new(3);
        rdc_ql_t *ql = ql_make(s, 3, 2000, false);
        script(s, -1, "*", H_ANSWER);
        sdns_rule(s, 0, "host.example.test", A, SDNS_ANSWER, rows[i].rcode, rows[i].rrs);
        res_t r;
        lookup(s, ql, &r, "host.example.test", A, NULL);
        print_message("row %zu\n", i);
        assert_int_equal(r.status, rows[i].want);
        assert_int_equal(r.nrecords, rows[i].nrecords);
        if (rows[i].nrecords == 2) {
            expect_addr4(&r.addr[0], 198, 51, 100, 7);
            expect_addr4(&r.addr[1], 198, 51, 100, 8);
        }
        assert_false(r.via_cname);
        expect_final(&r, "host.example.test");
        assert_int_equal(sdns_count(s, 0, "host.example.test", A), 1);
        assert_int_equal(sdns_count(s, 1, NULL, 0), 0);
        assert_int_equal(sdns_count(s, 2, NULL, 0), 0);
        const rdc_ql_stats_t *st = rdc_ql_stats(ql);
        assert_int_equal(st->failovers, 0);
        assert_int_equal(st->retries, 0);
        assert_int_equal(st->losses, 0);
        teardown(s, ql);
    }
}

/* An unscripted name gets sdns's NXDOMAIN: also an answer. */
static void test_default_nxdomain(void **state)
{
    (void)state;
    sdns_t *s = sdns_new(2);
    rdc_ql_t *ql = ql_make(s, 3, 2000, false);
    res_t r;
    lookup(s, ql, &r, "nowhere.example.test", RDC_TYPE_AAAA, NULL);
    assert_int_equal(r.status, RDC_DNS_NXDOMAIN);
    assert_int_equal(sdns_count(s, -1, NULL, 0), 1);
    assert_int_equal(sdns_count(s, -1, "nowhere.example.test", RDC_TYPE_AAAA), 1);
    teardown(s, ql);
}

/* ------------------------------------------------------------ failover */

/* Every kind of failure of the first server moves the query to the next,
 * whose answer is used; the failed answer's records never are. */
static void test_failover_each_failure(void **state)
{
    (void)state;
    static const how_t fails[] = {H_SERVFAIL, H_REFUSED, H_FORMERR, H_NOTIMP, H_GARBAGE,
                                  H_WRONGQ,   H_UNREACH, H_TIMEOUT, H_ERROR};
    for (size_t i = 0; i < ARRAY_LEN(fails); i++) {
        print_message("server 0: %s\n", how_name(fails[i]));
        sdns_t *s = sdns_new(2);
        rdc_ql_t *ql = ql_make(s, 3, 2000, false);
        script(s, 1, "*", H_ANSWER);
        script(s, 0, "*", fails[i]);
        res_t r;
        lookup(s, ql, &r, "host.example.test", A, NULL);
        assert_int_equal(r.status, RDC_DNS_OK);
        assert_int_equal(r.nrecords, 1);
        expect_addr4(&r.addr[0], 192, 0, 2, 1);
        assert_int_equal(sdns_count(s, 0, "host.example.test", A), 1);
        assert_int_equal(sdns_count(s, 1, "host.example.test", A), 1);
        const rdc_ql_stats_t *st = rdc_ql_stats(ql);
        assert_int_equal(st->failovers, 1);
        assert_int_equal(st->retries, 0);
        /* a timeout that takes a server for down while another is up
         * moves the query on; it is no congestion signal */
        assert_int_equal(st->losses, 0);
        teardown(s, ql);
    }
}

/* A SERVFAIL (or REFUSED) that carries records: they are not used. */
static void test_failed_answer_records_ignored(void **state)
{
    (void)state;
    for (unsigned rcode = 2; rcode <= 5; rcode += 3) {
        sdns_t *s = sdns_new(2);
        rdc_ql_t *ql = ql_make(s, 1, 2000, false);
        sdns_rule(s, 0, "*", 0, SDNS_ANSWER, rcode, "@ 300 A 203.0.113.66");
        script(s, 1, "*", H_ANSWER);
        res_t r;
        lookup(s, ql, &r, "host.example.test", A, NULL);
        assert_int_equal(r.status, RDC_DNS_OK);
        assert_int_equal(r.nrecords, 1);
        expect_addr4(&r.addr[0], 192, 0, 2, 1);
        teardown(s, ql);
    }
}

/* With every server failing, the lookup ends after exactly one query per
 * server with the most telling failure: SERVFAIL > a broken answer or an
 * error > REFUSED > timeout > unreachable, whatever the order. */
static void test_all_fail_most_telling(void **state)
{
    (void)state;
    static const struct {
        how_t h[6];
        rdc_dns_status_t want;
    } rows[] = {
        {{H_SERVFAIL}, RDC_DNS_S_SERVFAIL},
        {{H_REFUSED}, RDC_DNS_S_REFUSED},
        {{H_FORMERR}, RDC_DNS_S_ERROR},
        {{H_NOTIMP}, RDC_DNS_S_ERROR},
        {{H_GARBAGE}, RDC_DNS_S_ERROR},
        {{H_WRONGQ}, RDC_DNS_S_ERROR},
        {{H_ERROR}, RDC_DNS_S_ERROR},
        {{H_TIMEOUT}, RDC_DNS_S_TIMEOUT},
        {{H_UNREACH}, RDC_DNS_S_UNREACHABLE},
        {{H_UNREACH, H_TIMEOUT, H_REFUSED, H_GARBAGE, H_SERVFAIL}, RDC_DNS_S_SERVFAIL},
        {{H_SERVFAIL, H_GARBAGE, H_REFUSED, H_TIMEOUT, H_UNREACH}, RDC_DNS_S_SERVFAIL},
        {{H_REFUSED, H_SERVFAIL, H_REFUSED}, RDC_DNS_S_SERVFAIL},
        {{H_UNREACH, H_TIMEOUT, H_REFUSED, H_FORMERR}, RDC_DNS_S_ERROR},
        {{H_NOTIMP, H_REFUSED, H_TIMEOUT}, RDC_DNS_S_ERROR},
        {{H_REFUSED, H_ERROR}, RDC_DNS_S_ERROR},
        {{H_ERROR, H_REFUSED}, RDC_DNS_S_ERROR},
        {{H_REFUSED, H_UNREACH, H_TIMEOUT}, RDC_DNS_S_REFUSED},
        {{H_TIMEOUT, H_REFUSED}, RDC_DNS_S_REFUSED},
        {{H_UNREACH, H_TIMEOUT}, RDC_DNS_S_TIMEOUT},
        {{H_TIMEOUT, H_UNREACH}, RDC_DNS_S_TIMEOUT},
        {{H_UNREACH, H_UNREACH, H_UNREACH}, RDC_DNS_S_UNREACHABLE},
        {{H_REFUSED, H_REFUSED, H_REFUSED, H_REFUSED, H_REFUSED, H_REFUSED}, RDC_DNS_S_REFUSED},
    };
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        size_t n = 0;
        while (n < ARRAY_LEN(rows[i].h) && rows[i].h[n] != H_NONE)
            n++;
        print_message("row %zu (%zu servers)\n", i, n);
        sdns_t *s = sdns_new(n);
        /* one pass: with a timeout in the row, --tries would ask again */
        rdc_ql_t *ql = ql_make(s, 1, 2000, false);
        for (size_t k = 0; k < n; k++)
            script(s, (int)k, "*", rows[i].h[k]);
        res_t r;
        lookup(s, ql, &r, "host.example.test", A, NULL);
        assert_int_equal(r.status, rows[i].want);
        assert_int_equal(r.nrecords, 0);
        assert_true(rdc_dns_status_is_temporary(r.status));
        expect_final(&r, "host.example.test");
        for (size_t k = 0; k < n; k++)
            assert_int_equal(sdns_count(s, (int)k, "host.example.test", A), 1);
        assert_int_equal(rdc_ql_stats(ql)->failovers, n - 1);
        assert_int_equal(rdc_ql_stats(ql)->retries, 0);
        teardown(s, ql);
    }
}

/* ------------------------------------------------------------ --tries */

/* Timeouts on every server start a new pass, up to `tries` passes: tries
 * x servers queries (down servers are still asked once all are down). */
static void test_tries_timeouts(void **state)
{
    (void)state;
    for (unsigned tries = 0; tries <= 4; tries++) {
        unsigned passes = tries ? tries : 1; /* 0 counts as 1 */
        sdns_t *s = sdns_new(2);
        rdc_ql_t *ql = ql_make(s, tries, 2000, false);
        script(s, -1, "*", H_TIMEOUT);
        res_t r;
        lookup(s, ql, &r, "host.example.test", A, NULL);
        print_message("tries %u\n", tries);
        assert_int_equal(r.status, RDC_DNS_S_TIMEOUT);
        assert_int_equal(sdns_count(s, 0, NULL, 0), passes);
        assert_int_equal(sdns_count(s, 1, NULL, 0), passes);
        const rdc_ql_stats_t *st = rdc_ql_stats(ql);
        assert_int_equal(st->retries, passes - 1);
        assert_int_equal(st->failovers, passes); /* one per pass */
        /* the first server's first timeout leaves the other up: no loss;
         * every later one leaves none up: a loss (the window shrinks) */
        assert_int_equal(st->losses, 2 * passes - 1);
        assert_int_equal(st->probes, 0);
        const rdc_srvsel_t *ss = rdc_ql_servers(ql);
        assert_int_equal(ss->n, 2);
        assert_true(ss->s[0].down && ss->s[1].down);
        assert_int_equal(ss->s[0].downs, 1);
        assert_int_equal(ss->s[0].timeouts, passes);
        teardown(s, ql);
    }
}

/* Failures that are answers (or unreachable ports) do not start a new
 * pass: one query per server whatever --tries says. */
static void test_tries_no_repeat_without_timeout(void **state)
{
    (void)state;
    static const how_t rows[][3] = {
        {H_SERVFAIL, H_SERVFAIL, H_SERVFAIL},
        {H_REFUSED, H_FORMERR, H_GARBAGE},
        {H_UNREACH, H_UNREACH, H_ERROR},
    };
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        sdns_t *s = sdns_new(3);
        rdc_ql_t *ql = ql_make(s, 5, 2000, false);
        for (int k = 0; k < 3; k++)
            script(s, k, "*", rows[i][k]);
        res_t r;
        lookup(s, ql, &r, "host.example.test", A, NULL);
        assert_true(rdc_dns_status_is_temporary(r.status));
        assert_int_equal(sdns_count(s, -1, NULL, 0), 3);
        assert_int_equal(rdc_ql_stats(ql)->retries, 0);
        teardown(s, ql);
    }
}

/* A pass with one timeout among rcode failures is started again. The
 * server that timed out is down by then, and a down server is not asked
 * while another is up, even one that only fails: pass 2 asks server 0
 * alone, and its failure ends the lookup. */
static void test_tries_mixed(void **state)
{
    (void)state;
    static const struct {
        how_t h0;
        rdc_dns_status_t want;
    } rows[] = {{H_SERVFAIL, RDC_DNS_S_SERVFAIL}, {H_REFUSED, RDC_DNS_S_REFUSED}};
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        sdns_t *s = sdns_new(2);
        rdc_ql_t *ql = ql_make(s, 3, 2000, false);
        script(s, 0, "*", rows[i].h0);
        script(s, 1, "*", H_TIMEOUT);
        res_t r;
        lookup(s, ql, &r, "host.example.test", A, NULL);
        assert_int_equal(r.status, rows[i].want);
        assert_int_equal(sdns_count(s, 0, NULL, 0), 2);
        assert_int_equal(sdns_count(s, 1, NULL, 0), 1 + rdc_ql_stats(ql)->probes);
        assert_int_equal(rdc_ql_stats(ql)->retries, 1);
        assert_int_equal(rdc_ql_stats(ql)->losses, 0); /* server 0 is up */
        assert_true(rdc_ql_servers(ql)->s[1].down);
        teardown(s, ql);
    }
    /* both down (timeout, unreachable): each is asked in every pass */
    sdns_t *s = sdns_new(2);
    rdc_ql_t *ql = ql_make(s, 3, 2000, false);
    script(s, 0, "*", H_UNREACH);
    script(s, 1, "*", H_TIMEOUT);
    res_t r;
    lookup(s, ql, &r, "host.example.test", A, NULL);
    assert_int_equal(r.status, RDC_DNS_S_TIMEOUT);
    assert_int_equal(sdns_count(s, 0, NULL, 0), 3);
    assert_int_equal(sdns_count(s, 1, NULL, 0), 3);
    assert_int_equal(rdc_ql_stats(ql)->retries, 2);
    teardown(s, ql);
}

/* The second pass may succeed: the lookup ends with its answer. */
static void test_tries_second_pass_answers(void **state)
{
    (void)state;
    sdns_t *s = sdns_new(1);
    rdc_ql_t *ql = ql_make(s, 3, 2000, true);
    script(s, 0, "*", H_TIMEOUT);
    res_t r;
    rdc_lookup_t l;
    start(ql, &l, &r, "host.example.test", A);
    assert_int_equal(sdns_count(s, 0, NULL, 0), 1);
    assert_int_equal(sdns_pump_now(s), 1); /* the timeout; pass 2 is queued */
    assert_int_equal(r.calls, 0);
    assert_int_equal(sdns_pending(s), 1);
    script(s, 0, "*", H_ANSWER); /* the server is back */
    pump_until_done(s, &r);
    assert_int_equal(r.status, RDC_DNS_OK);
    assert_int_equal(sdns_count(s, 0, NULL, 0), 2);
    assert_int_equal(rdc_ql_stats(ql)->retries, 1);
    assert_false(rdc_ql_servers(ql)->s[0].down); /* it answered */
    rdc_buf_t trace = {0};
    rdc_lookup_trace_text(&l, &trace);
    assert_non_null(trace.s);
    assert_true(unit_contains(trace.s, "no server answered, sending again"));
    /* one server: no "@server" in the trace */
    assert_false(unit_contains(trace.s, "@127.0.0.1"));
    rdc_buf_free(&trace);
    teardown(s, ql);
}

/* ------------------------------------------------------------ servers */

/* A server that timed out and has answered nothing since is down: later
 * lookups skip it while another server is up, and ask it again when every
 * server is down. */
static void test_down_server_skipped(void **state)
{
    (void)state;
    sdns_t *s = sdns_new(2);
    rdc_ql_t *ql = ql_make(s, 1, 2000, false);
    script(s, 0, "*", H_TIMEOUT);
    script(s, 1, "*", H_ANSWER);
    const rdc_srvsel_t *ss = rdc_ql_servers(ql);
    const rdc_ql_stats_t *st = rdc_ql_stats(ql);
    res_t r;
    lookup(s, ql, &r, "h0.example.test", A, NULL);
    assert_int_equal(r.status, RDC_DNS_OK);
    assert_int_equal(sdns_count(s, 0, NULL, 0), 1);
    assert_int_equal(sdns_count(s, 1, NULL, 0), 1);
    assert_true(ss->s[0].down);
    assert_false(ss->s[1].down);
    assert_int_equal(rdc_srvsel_up(ss), 1);

    static const char *const names[] = {"h1.example.test", "h2.example.test", "h3.example.test"};
    for (size_t i = 0; i < ARRAY_LEN(names); i++) {
        lookup(s, ql, &r, names[i], A, NULL);
        assert_int_equal(r.status, RDC_DNS_OK);
        assert_int_equal(sdns_count(s, 1, names[i], A), 1);
    }
    /* Only a probe (a copy, at most one a second) would reach server 0;
     * the lookups themselves never do. */
    assert_int_equal(sdns_count(s, 0, NULL, 0), 1 + st->probes);
    assert_int_equal(sdns_count(s, 1, NULL, 0), 4);
    assert_int_equal(st->failovers, 1);

    /* server 1 goes away too (unreachable: down at once); the down server
     * 0 is asked again, as everything is down */
    unsigned long c0 = sdns_count(s, 0, NULL, 0);
    script(s, 1, "*", H_UNREACH);
    lookup(s, ql, &r, "h4.example.test", A, NULL);
    assert_int_equal(r.status, RDC_DNS_S_TIMEOUT);
    assert_int_equal(sdns_count(s, 1, "h4.example.test", A), 1);
    assert_int_equal(sdns_count(s, 0, "h4.example.test", A), 1);
    assert_int_equal(rdc_srvsel_up(ss), 0);
    /* and every later lookup asks each server once */
    lookup(s, ql, &r, "h5.example.test", A, NULL);
    assert_int_equal(r.status, RDC_DNS_S_TIMEOUT);
    assert_int_equal(sdns_count(s, 0, "h5.example.test", A), 1);
    assert_int_equal(sdns_count(s, 1, "h5.example.test", A), 1);
    assert_int_equal(sdns_count(s, 0, NULL, 0), c0 + 2);
    teardown(s, ql);
}

/* Servers are asked in the order given (glibc res_send, c-ares without
 * rotate; RFC 1035 7.2): with a split view (the two servers answer the same
 * name differently), 50 lookups started at once all get the first server's
 * answer, and so do 50 more once both are measured. The second server is
 * never asked. */
static void test_order_split_view(void **state)
{
    (void)state;
    sdns_t *s = sdns_new(2);
    rdc_ql_t *ql = ql_make(s, 1, 2000, false);
    sdns_rule(s, 0, "*", A, SDNS_ANSWER, 0, "@ 300 A 192.0.2.1");
    sdns_rule(s, 1, "*", A, SDNS_ANSWER, 0, "@ 300 A 192.0.2.2");
    enum { N = 50 };
    for (int round = 0; round < 2; round++) {
        rdc_lookup_t l[N];
        res_t r[N];
        for (size_t i = 0; i < N; i++) {
            char name[64];
            snprintf(name, sizeof name, "h%zu.split.example.test", i);
            start(ql, &l[i], &r[i], name, A);
        }
        assert_int_equal(sdns_pump_now(s), N);
        for (size_t i = 0; i < N; i++) {
            assert_int_equal(r[i].calls, 1);
            assert_int_equal(r[i].status, RDC_DNS_OK);
            expect_addr4(&r[i].addr[0], 192, 0, 2, 1);
            rdc_lookup_trace_text(&l[i], &(rdc_buf_t){0});
        }
    }
    assert_int_equal(sdns_count(s, 0, NULL, 0), 2 * N);
    assert_int_equal(sdns_count(s, 1, NULL, 0), 0);
    teardown(s, ql);
}

/* --rotate: over three servers each gets 25-42% of the questions, and the
 * same question asked again meets the same server. */
static void test_rotate_three(void **state)
{
    (void)state;
    sdns_t *s = sdns_new(3);
    sdns_set_rotate(s, true);
    rdc_ql_t *ql = ql_make(s, 1, 2000, false);
    assert_true(rdc_ql_servers(ql)->rotate);
    script(s, -1, "*", H_ANSWER);
    enum { N = 300 };
    for (int round = 1; round <= 2; round++)
        for (size_t i = 0; i < N; i++) {
            char name[64];
            snprintf(name, sizeof name, "h%zu.rotate.example.test", i);
            res_t r;
            lookup(s, ql, &r, name, A, NULL);
            assert_int_equal(r.status, RDC_DNS_OK);
            /* all of this name's queries went to one server */
            int with = 0;
            for (int k = 0; k < 3; k++) {
                unsigned long c = sdns_count(s, k, name, A);
                assert_true(c == 0 || c == (unsigned long)round);
                with += c > 0;
            }
            assert_int_equal(with, 1);
        }
    for (int k = 0; k < 3; k++) {
        unsigned long c = sdns_count(s, k, NULL, 0);
        print_message("server %d: %lu of %d\n", k, c, 2 * N);
        assert_true(c * 100 >= 25ul * 2 * N && c * 100 <= 42ul * 2 * N);
    }
    /* the case of the name does not matter */
    res_t r;
    lookup(s, ql, &r, "H7.ROTATE.example.TEST", A, NULL);
    for (int k = 0; k < 3; k++)
        if (sdns_count(s, k, "h7.rotate.example.test", A) > 0)
            assert_int_equal(sdns_count(s, k, "h7.rotate.example.test", A), 3);
    teardown(s, ql);
}

/* A first server that REFUSEs (or SERVFAILs, NOTIMPs, FORMERRs) every
 * question hands each one on to the next server, and is still asked first
 * for the next question, as glibc's res_send does: a server that refuses
 * some names (an authoritative-only one) may serve others, and avoiding it
 * after a few refusals would make the verdict depend on their timing. */
static void test_refused_reorders_nothing(void **state)
{
    (void)state;
    static const how_t rows[] = {H_REFUSED, H_SERVFAIL, H_NOTIMP, H_FORMERR};
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        print_message("server 0: %s\n", how_name(rows[i]));
        sdns_t *s = sdns_new(2);
        rdc_ql_t *ql = ql_make(s, 1, 2000, false);
        script(s, 1, "*", H_ANSWER);
        script(s, 0, "*", rows[i]);
        for (unsigned k = 1; k <= 8; k++) {
            char name[64];
            snprintf(name, sizeof name, "h%u.example.test", k);
            res_t r;
            lookup(s, ql, &r, name, A, NULL);
            assert_int_equal(r.status, RDC_DNS_OK);
            assert_int_equal(sdns_count(s, 0, name, A), 1);
            assert_int_equal(sdns_count(s, 1, name, A), 1);
        }
        teardown(s, ql);
    }
}

/* ------------------------------------------------------------ timing */

/* Measures every server at a round trip of 0 (RTO: RDC_SRV_RTO_MIN): one
 * lookup that each server but the last SERVFAILs. Then the clock moves on,
 * so the answers lie well before anything the test sends. */
static void warm_up(sdns_t *s, rdc_ql_t *ql, size_t n)
{
    for (size_t k = 0; k + 1 < n; k++)
        sdns_rule(s, (int)k, "warm.example.test", 0, SDNS_ANSWER, 2, NULL);
    sdns_rule(s, (int)n - 1, "warm.example.test", A, SDNS_ANSWER, 0, "@ 300 A 192.0.2.1");
    res_t r;
    lookup(s, ql, &r, "warm.example.test", A, NULL);
    assert_int_equal(r.status, RDC_DNS_OK);
    for (size_t k = 0; k < n; k++)
        assert_int_equal(rdc_srvsel_rto(rdc_ql_servers(ql), (int)k), RDC_SRV_RTO_MIN);
    fake_now += 10000;
}

/* Moves the clock by ms in RTO steps, scanning and pumping at each. */
static void advance(sdns_t *s, rdc_ql_t *ql, unsigned ms)
{
    for (unsigned t = 0; t < ms; t += RDC_SRV_RTO_MIN) {
        fake_now += RDC_SRV_RTO_MIN;
        rdc_ql_scan(ql);
        sdns_pump_now(s);
    }
}

/* A query unanswered past its RTO is duplicated to the next server, up to
 * RDC_MAX_DUPS (6) times in a pass: five silent servers get one copy each,
 * and the last asked, every server having been tried, the rest. */
static void test_early_duplicates(void **state)
{
    (void)state;
    sdns_t *s = sdns_new(5);
    rdc_ql_t *ql = ql_make(s, 1, 2000, false);
    warm_up(s, ql, 5);
    sdns_rule(s, -1, "slow.example.test", 0, SDNS_HOLD, 0, NULL);
    rdc_lookup_t l;
    res_t r;
    start(ql, &l, &r, "slow.example.test", A);
    sdns_pump_now(s);
    advance(s, ql, 1000);
    assert_int_equal(rdc_ql_stats(ql)->early, 6);
    for (int k = 0; k < 4; k++)
        assert_int_equal(sdns_count(s, k, "slow.example.test", A), 1);
    assert_int_equal(sdns_count(s, 4, "slow.example.test", A), 3);
    assert_int_equal(r.calls, 0);
    teardown(s, ql);
}

/* A first server that is up (it answers other questions) but slow on one
 * keeps that question: the early duplicate goes to it again, not to the
 * next server, so a split view gives the first server's answer whatever
 * the clock says. Only a server that has answered nothing since the query
 * went out (down, as test_early_duplicates shows) hands it on. */
static void test_slow_first_server_keeps_the_question(void **state)
{
    (void)state;
    sdns_t *s = sdns_new(2);
    rdc_ql_t *ql = ql_make(s, 1, 2000, false);
    warm_up(s, ql, 2);
    sdns_rule(s, 0, "split.example.test", 0, SDNS_HOLD, 0, NULL);
    sdns_rule(s, 1, "split.example.test", A, SDNS_ANSWER, 0, "@ 300 A 192.0.2.2");
    rdc_lookup_t l;
    res_t r;
    start(ql, &l, &r, "split.example.test", A);
    sdns_pump_now(s);
    /* server 0 answers other questions meanwhile, as in a bulk run: it
     * is up */
    for (int k = 0; k < 8; k++) {
        fake_now += RDC_SRV_RTO_MIN / 2;
        char name[64];
        snprintf(name, sizeof name, "other%d.example.test", k);
        sdns_rule(s, -1, name, A, SDNS_ANSWER, 0, "@ 300 A 192.0.2.3");
        rdc_lookup_t lo;
        res_t o;
        start(ql, &lo, &o, name, A);
        for (int i = 0; i < 50 && o.calls == 0; i++)
            sdns_pump_now(s);
        assert_int_equal(o.calls, 1);
        assert_int_equal(o.status, RDC_DNS_OK);
        rdc_ql_scan(ql);
        sdns_pump_now(s);
    }
    assert_true(rdc_ql_stats(ql)->early >= 1);
    assert_int_equal(sdns_count(s, 1, "split.example.test", A), 0);
    assert_true(sdns_count(s, 0, "split.example.test", A) >= 2);
    assert_int_equal(r.calls, 0);
    /* its answer decides */
    sdns_rule(s, 0, "split.example.test", A, SDNS_ANSWER, 0, "@ 300 A 192.0.2.1");
    assert_true(sdns_release(s) > 0);
    pump_until_done(s, &r);
    assert_int_equal(r.status, RDC_DNS_OK);
    expect_addr4(&r.addr[0], 192, 0, 2, 1);
    teardown(s, ql);
}

/* A pass ends at its own timeout: when the first query times out after
 * --timeout, an early duplicate still out is not waited for (a pass never
 * lasts much longer than --timeout; the next pass, or the failure, comes
 * now). Before the timeout, a failure does wait for the duplicate. */
static void test_pass_ends_at_timeout(void **state)
{
    (void)state;
    for (int at_timeout = 1; at_timeout >= 0; at_timeout--) {
        sdns_t *s = sdns_new(2);
        rdc_ql_t *ql = ql_make(s, 1, 2000, false);
        warm_up(s, ql, 2);
        sdns_rule(s, -1, "slow.example.test", 0, SDNS_HOLD, 0, NULL);
        unsigned long long t0 = fake_now;
        rdc_lookup_t l;
        res_t r;
        start(ql, &l, &r, "slow.example.test", A);
        sdns_pump_now(s);
        advance(s, ql, RDC_SRV_RTO_MIN);
        assert_int_equal(rdc_ql_stats(ql)->early, 1);
        assert_int_equal(sdns_count(s, 1, "slow.example.test", A), 1);
        /* the first query fails: timed out at t0 + 2000, or SERVFAIL at
         * t0 + 500; the duplicate's answer comes right after */
        fake_now = t0 + (at_timeout ? 2000 : 500);
        if (at_timeout)
            sdns_rule(s, 0, "slow.example.test", 0, SDNS_TIMEOUT, 0, NULL);
        else
            sdns_rule(s, 0, "slow.example.test", 0, SDNS_ANSWER, 2, NULL);
        script(s, 1, "slow.example.test", H_ANSWER);
        assert_int_equal(sdns_release(s), 2);
        assert_int_equal(sdns_pump_now(s), 2);
        print_message("first query: %s\n", at_timeout ? "timeout" : "SERVFAIL");
        assert_int_equal(r.calls, 1);
        assert_int_equal(r.status, at_timeout ? RDC_DNS_S_TIMEOUT : RDC_DNS_OK);
        rdc_lookup_trace_text(&l, &(rdc_buf_t){0});
        teardown(s, ql);
    }
}

/* Karn's rule: when the duplicate goes to the same server (no other is
 * left), neither answer can be matched to its copy, so neither is an RTT
 * sample; a query sent once is. */
static void test_karn_ambiguous(void **state)
{
    (void)state;
    sdns_t *s = sdns_new(1);
    rdc_ql_t *ql = ql_make(s, 1, 2000, false);
    warm_up(s, ql, 1);
    const rdc_srv_t *srv = &rdc_ql_servers(ql)->s[0];
    assert_true(srv->measured);
    assert_true(srv->srtt == 0);
    sdns_rule(s, 0, "slow.example.test", 0, SDNS_HOLD, 0, NULL);
    rdc_lookup_t l;
    res_t r;
    start(ql, &l, &r, "slow.example.test", A);
    sdns_pump_now(s);
    advance(s, ql, RDC_SRV_RTO_MIN);
    assert_int_equal(rdc_ql_stats(ql)->early, 1);
    assert_int_equal(sdns_count(s, 0, "slow.example.test", A), 2);
    /* both copies answered 150 ms after the first went */
    fake_now += 50;
    script(s, 0, "slow.example.test", H_ANSWER);
    assert_int_equal(sdns_release(s), 2);
    assert_int_equal(sdns_pump_now(s), 2);
    assert_int_equal(r.status, RDC_DNS_OK);
    rdc_lookup_trace_text(&l, &(rdc_buf_t){0});
    assert_int_equal(srv->answers, 3);
    assert_false(srv->down);
    assert_true(srv->srtt == 0);
    /* a query sent once, answered after 80 ms: a sample */
    sdns_rule(s, 0, "once.example.test", 0, SDNS_HOLD, 0, NULL);
    start(ql, &l, &r, "once.example.test", A);
    sdns_pump_now(s);
    fake_now += 80;
    script(s, 0, "once.example.test", H_ANSWER);
    assert_int_equal(sdns_release(s), 1);
    assert_int_equal(sdns_pump_now(s), 1);
    assert_int_equal(r.status, RDC_DNS_OK);
    assert_true(srv->srtt == 10); /* 0.875 * 0 + 0.125 * 80 */
    teardown(s, ql);
}

/* Losses look like congestion (a free resend, not a used try) only among
 * recent answers: those of this interval (one --timeout) and the one
 * before. After an idle gap of two intervals or more, earlier answers no
 * longer count, and a timeout uses the try. */
static void test_congestion_idle_gap(void **state)
{
    (void)state;
    static const struct {
        unsigned gap_ms;
        unsigned long queries; /* of the lost name */
    } rows[] = {
        {0, 7}, /* busy: the loss is congestion, 6 free resends */
        {1500, 7}, /* the previous interval still counts */
        {2000, 1}, /* idle for two intervals: forgotten */
        {5000, 1},
    };
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        print_message("gap %u ms\n", rows[i].gap_ms);
        sdns_t *s = sdns_new(1);
        rdc_ql_t *ql = ql_make(s, 1, 1000, false);
        script(s, 0, "*", H_ANSWER);
        sdns_rule(s, 0, "lost.example.test", 0, SDNS_TIMEOUT, 0, NULL);
        fake_now += 10000;
        for (unsigned k = 0; k < 30; k++) {
            char name[64];
            snprintf(name, sizeof name, "h%u.example.test", k);
            res_t r;
            lookup(s, ql, &r, name, A, NULL);
            assert_int_equal(r.status, RDC_DNS_OK);
        }
        fake_now += rows[i].gap_ms;
        res_t r;
        lookup(s, ql, &r, "lost.example.test", A, NULL);
        assert_int_equal(r.status, RDC_DNS_S_TIMEOUT);
        assert_int_equal(sdns_count(s, 0, "lost.example.test", A), rows[i].queries);
        assert_int_equal(rdc_ql_stats(ql)->retries, rows[i].queries - 1);
        teardown(s, ql);
    }
}

/* ------------------------------------------------------------ names */

/* A name whose text form would need escapes (a space, a dot inside a
 * label, a backslash, a quote, a semicolon, a control or non-ASCII octet)
 * cannot be sent through c-ares 1.18: the lookup ends at once with
 * RDC_DNS_S_ERROR and no query. */
static void test_unsendable_name(void **state)
{
    (void)state;
    static const char *const wires[] = {
        "\003a b\007example\004test",    "\003a.b\007example\004test",
        "\003a\\b\007example\004test",   "\003a\"b\007example\004test",
        "\003a;b\007example\004test",    "\003a\001b\007example\004test",
        "\003a\177b\007example\004test", "\003a\303b\007example\004test",
        "\004host\007exa ple\004test",   "\004host\007example\005te.st",
    };
    for (size_t i = 0; i < ARRAY_LEN(wires); i++) {
        sdns_t *s = sdns_new(2);
        rdc_ql_t *ql = ql_make(s, 3, 2000, false);
        script(s, -1, "*", H_ANSWER);
        uint8_t wire[RDC_NAME_WIRE_MAX + 1] = {0};
        memcpy(wire, wires[i], strlen(wires[i]) + 1);
        rdc_lookup_t l;
        res_t r;
        start_wire(ql, &l, &r, wire, A);
        print_message("name %zu\n", i);
        /* ended inside rdc_lookup_start */
        assert_int_equal(r.calls, 1);
        assert_int_equal(r.status, RDC_DNS_S_ERROR);
        assert_int_equal(r.nrecords, 0);
        assert_memory_equal(r.final_name, wire, sizeof wire);
        assert_int_equal(sdns_pending(s), 0);
        assert_int_equal(sdns_count(s, -1, NULL, 0), 0);
        assert_int_equal(rdc_ql_servers(ql)->s[0].sent, 0);
        assert_int_equal(rdc_ql_servers(ql)->s[1].sent, 0);
        assert_int_equal(sdns_pump_now(s), 0);
        assert_int_equal(r.calls, 1);
        rdc_lookup_trace_text(&l, &(rdc_buf_t){0});
        teardown(s, ql);
    }
}

/* Names that need no escapes are sent as they are (underscores, hyphens,
 * digits, other printable ASCII). */
static void test_sendable_names(void **state)
{
    (void)state;
    static const struct {
        const char *wire;
        const char *text;
        bool ldh; /* sdns can build an answer (its NXDOMAIN) for it */
    } rows[] = {
        {"\006_dmarc\007example\004test", "_dmarc.example.test", true},
        {"\0031-2\007example\004test", "1-2.example.test", true},
        {"\003a*b\007example\004test", "a*b.example.test", false},
        {"\003a@b\007example\004test", "a@b.example.test", false},
    };
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        sdns_t *s = sdns_new(1);
        rdc_ql_t *ql = ql_make(s, 1, 2000, false);
        uint8_t wire[RDC_NAME_WIRE_MAX + 1] = {0};
        memcpy(wire, rows[i].wire, strlen(rows[i].wire) + 1);
        rdc_lookup_t l;
        res_t r;
        start_wire(ql, &l, &r, wire, RDC_TYPE_TXT);
        assert_int_equal(r.calls, 0);
        assert_int_equal(sdns_count(s, 0, rows[i].text, RDC_TYPE_TXT), 1);
        pump_until_done(s, &r);
        if (rows[i].ldh)
            assert_int_equal(r.status, RDC_DNS_NXDOMAIN);
        teardown(s, ql);
    }
}

/* ------------------------------------------------------------ CNAMEs */

/* A CNAME inside the answer is followed there: one query. */
static void test_cname_in_answer(void **state)
{
    (void)state;
    sdns_t *s = sdns_new(2);
    rdc_ql_t *ql = ql_make(s, 1, 2000, false);
    sdns_rule(s, -1, "alias.example.test", A, SDNS_ANSWER, 0,
              "@ 300 CNAME real.example.test; real.example.test 300 A 192.0.2.5");
    res_t r;
    lookup(s, ql, &r, "alias.example.test", A, NULL);
    assert_int_equal(r.status, RDC_DNS_OK);
    assert_int_equal(r.nrecords, 1);
    expect_addr4(&r.addr[0], 192, 0, 2, 5);
    assert_true(r.via_cname);
    assert_int_equal(r.hops, 0); /* hops across answers only */
    expect_final(&r, "real.example.test");
    assert_int_equal(sdns_count(s, -1, NULL, 0), 1);
    teardown(s, ql);
}

/* A dangling CNAME (NOERROR, the target not in the answer) makes the
 * lookup ask the target next. */
static void test_cname_dangling(void **state)
{
    (void)state;
    sdns_t *s = sdns_new(2);
    rdc_ql_t *ql = ql_make(s, 1, 2000, true);
    sdns_rule(s, -1, "alias.example.test", A, SDNS_ANSWER, 0, "@ 300 CNAME real.example.test");
    sdns_rule(s, -1, "real.example.test", A, SDNS_ANSWER, 0, "@ 300 A 192.0.2.6");
    rdc_buf_t trace = {0};
    res_t r;
    rdc_lookup_t l;
    start(ql, &l, &r, "alias.example.test", A);
    pump_until_done(s, &r);
    assert_int_equal(r.status, RDC_DNS_OK);
    assert_int_equal(r.nrecords, 1);
    expect_addr4(&r.addr[0], 192, 0, 2, 6);
    assert_true(r.via_cname);
    assert_int_equal(r.hops, 1);
    expect_final(&r, "real.example.test");
    char text[RDC_NAME_TEXT_MAX];
    rdc_name_to_text(l.name, text);
    assert_string_equal(text, "real.example.test"); /* asked now */
    assert_int_equal(sdns_count(s, -1, "alias.example.test", A), 1);
    assert_int_equal(sdns_count(s, -1, "real.example.test", A), 1);
    assert_int_equal(sdns_count(s, -1, NULL, 0), 2);
    rdc_lookup_trace_text(&l, &trace);
    assert_true(unit_contains(trace.s, "alias.example.test"));
    assert_true(unit_contains(trace.s, "real.example.test"));
    rdc_buf_free(&trace);
    teardown(s, ql);
}

/* The target of a dangling CNAME fails over like any other name, and its
 * NXDOMAIN is the lookup's answer. */
static void test_cname_dangling_target_failover(void **state)
{
    (void)state;
    sdns_t *s = sdns_new(2);
    rdc_ql_t *ql = ql_make(s, 1, 2000, false);
    sdns_rule(s, -1, "alias.example.test", A, SDNS_ANSWER, 0, "@ 300 CNAME gone.example.test");
    sdns_rule(s, 0, "gone.example.test", A, SDNS_ANSWER, 2, NULL);
    sdns_rule(s, 1, "gone.example.test", A, SDNS_ANSWER, 3, NULL);
    res_t r;
    lookup(s, ql, &r, "alias.example.test", A, NULL);
    assert_int_equal(r.status, RDC_DNS_NXDOMAIN);
    assert_true(r.via_cname);
    assert_int_equal(sdns_count(s, -1, "gone.example.test", A), 2);
    teardown(s, ql);
}

/* Builds the chain c0 -> c1 -> ... -> c<n> across answers, c<n> owning
 * last_rrs ("@ 300 A ..." or another CNAME). */
static void cname_chain(sdns_t *s, unsigned n, const char *last_rrs)
{
    char name[64], rrs[128];
    for (unsigned i = 0; i < n; i++) {
        snprintf(name, sizeof name, "c%u.example.test", i);
        snprintf(rrs, sizeof rrs, "@ 300 CNAME c%u.example.test", i + 1);
        sdns_rule(s, -1, name, A, SDNS_ANSWER, 0, rrs);
    }
    snprintf(name, sizeof name, "c%u.example.test", n);
    sdns_rule(s, -1, name, A, SDNS_ANSWER, 0, last_rrs);
}

/* RDC_MAX_CNAME_HOPS hops are followed; one more is an error. */
static void test_cname_hop_limit(void **state)
{
    (void)state;
    char name[64];
    {
        sdns_t *s = sdns_new(1);
        rdc_ql_t *ql = ql_make(s, 1, 2000, false);
        cname_chain(s, RDC_MAX_CNAME_HOPS, "@ 300 A 192.0.2.8");
        res_t r;
        lookup(s, ql, &r, "c0.example.test", A, NULL);
        assert_int_equal(r.status, RDC_DNS_OK);
        assert_int_equal(r.hops, RDC_MAX_CNAME_HOPS);
        assert_true(r.via_cname);
        expect_addr4(&r.addr[0], 192, 0, 2, 8);
        assert_int_equal(sdns_count(s, -1, NULL, 0), RDC_MAX_CNAME_HOPS + 1);
        teardown(s, ql);
    }
    {
        /* the 9th hop is a dangling CNAME: its target is never asked */
        sdns_t *s = sdns_new(1);
        rdc_ql_t *ql = ql_make(s, 1, 2000, true);
        cname_chain(s, RDC_MAX_CNAME_HOPS + 1, "@ 300 A 192.0.2.9");
        rdc_buf_t trace = {0};
        res_t r;
        lookup(s, ql, &r, "c0.example.test", A, &trace);
        assert_int_equal(r.status, RDC_DNS_S_ERROR);
        assert_true(r.via_cname);
        assert_int_equal(sdns_count(s, -1, NULL, 0), RDC_MAX_CNAME_HOPS + 1);
        snprintf(name, sizeof name, "c%u.example.test", RDC_MAX_CNAME_HOPS + 1);
        assert_int_equal(sdns_count(s, -1, name, 0), 0);
        assert_true(unit_contains(trace.s, "CNAME chain too long or looping"));
        rdc_buf_free(&trace);
        teardown(s, ql);
    }
    {
        /* the 9th hop inside the last answer, ending in data: an error too */
        sdns_t *s = sdns_new(1);
        rdc_ql_t *ql = ql_make(s, 1, 2000, false);
        cname_chain(s, RDC_MAX_CNAME_HOPS,
                    "@ 300 CNAME x.example.test; x.example.test 300 A 192.0.2.10");
        res_t r;
        lookup(s, ql, &r, "c0.example.test", A, NULL);
        assert_int_equal(r.status, RDC_DNS_S_ERROR);
        assert_int_equal(sdns_count(s, -1, NULL, 0), RDC_MAX_CNAME_HOPS + 1);
        teardown(s, ql);
    }
}

/* A CNAME loop across answers ends as an error after the hop limit. */
static void test_cname_loop(void **state)
{
    (void)state;
    sdns_t *s = sdns_new(2);
    rdc_ql_t *ql = ql_make(s, 3, 2000, false);
    sdns_rule(s, -1, "ping.example.test", A, SDNS_ANSWER, 0, "@ 300 CNAME pong.example.test");
    sdns_rule(s, -1, "pong.example.test", A, SDNS_ANSWER, 0, "@ 300 CNAME ping.example.test");
    res_t r;
    lookup(s, ql, &r, "ping.example.test", A, NULL);
    assert_int_equal(r.status, RDC_DNS_S_ERROR);
    assert_true(r.via_cname);
    assert_int_equal(sdns_count(s, -1, NULL, 0), RDC_MAX_CNAME_HOPS + 1);
    teardown(s, ql);
}

/* The done callback may start the same lookup again (another type). */
static void test_restart_from_callback(void **state)
{
    (void)state;
    sdns_t *s = sdns_new(1);
    rdc_ql_t *ql = ql_make(s, 1, 2000, false);
    script(s, 0, "*", H_ANSWER);
    sdns_rule(s, 0, "host.example.test", RDC_TYPE_TXT, SDNS_ANSWER, 0, "@ 300 TXT why");
    rdc_lookup_t l;
    res_t r;
    start(ql, &l, &r, "host.example.test", A);
    r.restart_type = RDC_TYPE_TXT;
    pump_until_done(s, &r);
    assert_int_equal(r.restarts, 1);
    assert_int_equal(r.status, RDC_DNS_OK);
    assert_int_equal(r.nrecords, 1);
    assert_int_equal(sdns_count(s, 0, "host.example.test", A), 1);
    assert_int_equal(sdns_count(s, 0, "host.example.test", RDC_TYPE_TXT), 1);
    teardown(s, ql);
}

/* ------------------------------------------------------------ reporting */

/* The -v trace names the server of every query when there are several,
 * and says when the query moves to the next one. */
static void test_verbose_trace(void **state)
{
    (void)state;
    sdns_t *s = sdns_new(3);
    rdc_ql_t *ql = ql_make(s, 1, 2000, true);
    script(s, 0, "*", H_SERVFAIL);
    script(s, 1, "*", H_TIMEOUT);
    script(s, 2, "*", H_ANSWER);
    rdc_buf_t trace = {0};
    res_t r;
    lookup(s, ql, &r, "host.example.test", A, &trace);
    assert_int_equal(r.status, RDC_DNS_OK);
    assert_non_null(trace.s);
    assert_true(unit_contains(trace.s, "A host.example.test @127.0.0.1:10001: SERVFAIL"));
    assert_true(unit_contains(trace.s, "asking the next server, 127.0.0.1:10002\n"));
    assert_true(unit_contains(trace.s, "A host.example.test @127.0.0.1:10002: "));
    assert_true(unit_contains(trace.s, "asking the next server, 127.0.0.1:10003\n"));
    assert_true(unit_contains(trace.s, "A host.example.test @127.0.0.1:10003: NOERROR"));
    assert_true(unit_contains(trace.s, "192.0.2.1"));
    /* the order of events */
    const char *p1 = strstr(trace.s, "SERVFAIL");
    const char *p2 = strstr(trace.s, "asking the next server, 127.0.0.1:10002");
    const char *p3 = strstr(trace.s, "NOERROR");
    assert_true(p1 && p2 && p3 && p1 < p2 && p2 < p3);
    rdc_buf_free(&trace);

    /* without verbose, nothing is traced */
    sdns_t *s2 = sdns_new(2);
    rdc_ql_t *ql2 = ql_make(s2, 1, 2000, false);
    script(s2, 0, "*", H_SERVFAIL);
    lookup(s2, ql2, &r, "host.example.test", A, &trace);
    assert_null(trace.s);
    assert_int_equal(rdc_ql_stats(ql2)->failovers, 1);
    teardown(s2, ql2);
    teardown(s, ql);
}

/* The same failover as events: each query's outcome with its server and
 * time, the notes between them, the answer's records after its query. */
static void test_verbose_events(void **state)
{
    (void)state;
    sdns_t *s = sdns_new(3);
    rdc_ql_t *ql = ql_make(s, 1, 2000, true);
    script(s, 0, "*", H_SERVFAIL);
    script(s, 1, "*", H_TIMEOUT);
    script(s, 2, "*", H_ANSWER);
    res_t r;
    rdc_lookup_t l;
    start(ql, &l, &r, "host.example.test", A);
    pump_until_done(s, &r);
    assert_int_equal(r.status, RDC_DNS_OK);
    rdc_trace_t t = {0};
    assert_true(rdc_lookup_trace_to(&l, &t));
    assert_int_equal(l.trace.n, 0);
    assert_true(t.n >= 6);
    static const struct {
        rdc_event_kind_t kind;
        const char *server, *result, *text;
    } want[] = {
        {RDC_EV_QUERY, "127.0.0.1:10001", "SERVFAIL", NULL},
        {RDC_EV_NOTE, NULL, NULL, "asking the next server, 127.0.0.1:10002"},
        {RDC_EV_QUERY, "127.0.0.1:10002", "timed out", NULL},
        {RDC_EV_NOTE, NULL, NULL, "asking the next server, 127.0.0.1:10003"},
        {RDC_EV_QUERY, "127.0.0.1:10003", "NOERROR", NULL},
    };
    for (size_t i = 0; i < ARRAY_LEN(want); i++) {
        const rdc_event_t *ev = &t.events[i];
        assert_int_equal(ev->kind, want[i].kind);
        if (ev->kind == RDC_EV_QUERY) {
            assert_int_equal(ev->qtype, A);
            assert_string_equal(ev->name, "host.example.test");
            assert_string_equal(ev->server, want[i].server);
            assert_string_equal(ev->result, want[i].result);
            assert_null(ev->error);
            assert_null(ev->text);
        } else {
            assert_null(ev->name);
            assert_string_equal(ev->text, want[i].text);
        }
    }
    for (size_t i = ARRAY_LEN(want); i < t.n; i++) {
        assert_int_equal(t.events[i].kind, RDC_EV_RECORD);
        assert_true(unit_contains(t.events[i].text, "host.example.test. "));
        assert_true(unit_printable(t.events[i].text));
    }
    rdc_trace_free(&t);
    teardown(s, ql);
}

/* The counters: failovers, retries and losses over several lookups. */
static void test_stats(void **state)
{
    (void)state;
    sdns_t *s = sdns_new(3);
    rdc_ql_t *ql = ql_make(s, 2, 2000, false);
    const rdc_ql_stats_t *st = rdc_ql_stats(ql);
    assert_int_equal(st->failovers + st->retries + st->losses + st->early + st->probes, 0);
    script(s, -1, "*", H_ANSWER);
    /* a.: answered at once */
    res_t r;
    lookup(s, ql, &r, "a.example.test", A, NULL);
    assert_int_equal(st->failovers, 0);
    /* b.: two refusals then an answer: 2 failovers */
    script(s, -1, "b.example.test", H_REFUSED);
    script(s, 2, "b.example.test", H_ANSWER);
    lookup(s, ql, &r, "b.example.test", A, NULL);
    assert_int_equal(r.status, RDC_DNS_OK);
    assert_int_equal(st->failovers, 2);
    assert_int_equal(st->retries, 0);
    assert_int_equal(st->losses, 0);
    /* c.: every server times out, 2 passes: 2 more failovers per pass, 1
     * retry; the first two servers, silent since before the query, are
     * taken for down while another is up, so only 4 of the 6 timeouts are
     * losses (10 ms later: an answer in the millisecond a query left does
     * not count as one since, srvsel.c) */
    fake_now += 10;
    script(s, -1, "c.example.test", H_TIMEOUT);
    lookup(s, ql, &r, "c.example.test", A, NULL);
    assert_int_equal(r.status, RDC_DNS_S_TIMEOUT);
    for (int k = 0; k < 3; k++)
        assert_int_equal(sdns_count(s, k, "c.example.test", A), 2);
    assert_int_equal(st->failovers, 6);
    assert_int_equal(st->retries, 1);
    assert_int_equal(st->losses, 4);
    assert_int_equal(st->early, 0);
    /* nothing is waiting for an early duplicate */
    assert_int_equal(rdc_ql_scan(ql), -1);
    assert_int_equal(st->early, 0);
    teardown(s, ql);
}

/* rdc_ql_describe: one line per server, in order, with its counters. */
static void test_describe(void **state)
{
    (void)state;
    sdns_t *s = sdns_new(3);
    rdc_ql_t *ql = ql_make(s, 1, 2000, false);
    script(s, 0, "*", H_TIMEOUT);
    script(s, 1, "*", H_ANSWER);
    rdc_buf_t buf = {0};
    rdc_ql_describe(ql, &buf);
    assert_string_equal(buf.s, "server 127.0.0.1:10001: 0 sent, 0 answers, 0 timeouts\n"
                               "server 127.0.0.1:10002: 0 sent, 0 answers, 0 timeouts\n"
                               "server 127.0.0.1:10003: 0 sent, 0 answers, 0 timeouts\n");
    rdc_buf_free(&buf);
    res_t r;
    lookup(s, ql, &r, "host.example.test", A, NULL);
    assert_int_equal(r.status, RDC_DNS_OK);
    rdc_ql_describe(ql, &buf);
    assert_non_null(buf.s);
    /* server 0 timed out (down), server 1 answered (measured), server 2
     * was never asked */
    const char *l0 = strstr(buf.s, "server 127.0.0.1:10001: ");
    const char *l1 = strstr(buf.s, "server 127.0.0.1:10002: ");
    const char *l2 = strstr(buf.s, "server 127.0.0.1:10003: ");
    assert_true(l0 && l1 && l2 && l0 == buf.s && l0 < l1 && l1 < l2);
    assert_true(unit_contains(buf.s, "server 127.0.0.1:10001: 1 sent, 0 answers, 1 timeouts, "
                                     "marked down 1 time (down)\n"));
    assert_true(unit_contains(buf.s, "server 127.0.0.1:10002: 1 sent, 1 answers, 0 timeouts, "
                                     "srtt "));
    assert_true(unit_contains(buf.s, "server 127.0.0.1:10003: 0 sent, 0 answers, 0 timeouts\n"));
    size_t lines = 0;
    for (const char *p = buf.s; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 3);
    assert_int_equal(strstr(l1, "\n") < l2, 1);
    assert_false(unit_contains(l1, "(down)"));
    rdc_buf_free(&buf);
    teardown(s, ql);
}

/* rdc_ql_rto: RDC_SRV_UNKNOWN_MS (or half the timeout if less) before any
 * sample, within [RTO_MIN, timeout] always; after a fast answer the
 * minimum. */
static void test_rto(void **state)
{
    (void)state;
    static const struct {
        unsigned timeout_ms, want;
    } rows[] = {{2000, RDC_SRV_UNKNOWN_MS},
                {5000, RDC_SRV_UNKNOWN_MS},
                {300, 150},
                {150, RDC_SRV_RTO_MIN},
                {80, 80}};
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        sdns_t *s = sdns_new(2);
        rdc_ql_t *ql = ql_make(s, 1, rows[i].timeout_ms, false);
        assert_int_equal(rdc_ql_rto(ql), rows[i].want);
        teardown(s, ql);
    }
    sdns_t *s = sdns_new(2);
    rdc_ql_t *ql = ql_make(s, 1, 2000, false);
    script(s, -1, "*", H_ANSWER);
    res_t r;
    lookup(s, ql, &r, "host.example.test", A, NULL);
    assert_true(rdc_ql_servers(ql)->s[0].measured);
    /* an in-process answer takes a few ms at most (even under valgrind) */
    unsigned rto = rdc_ql_rto(ql);
    assert_true(rto >= RDC_SRV_RTO_MIN && rto < 1000);
    teardown(s, ql);
}

/* rdc_ql_scan: the ms until an unanswered query's RTO expires; -1 when no
 * query waits. Freeing the resolver cancels the held query. */
static void test_scan_waiting(void **state)
{
    (void)state;
    sdns_t *s = sdns_new(2);
    rdc_ql_t *ql = ql_make(s, 1, 2000, false);
    assert_int_equal(rdc_ql_scan(ql), -1);
    sdns_rule(s, -1, "*", 0, SDNS_HOLD, 0, NULL);
    rdc_lookup_t l;
    res_t r;
    start(ql, &l, &r, "host.example.test", A);
    assert_int_equal(sdns_pump_now(s), 0);
    int due = rdc_ql_scan(ql);
    assert_true(due > 0 && due <= 1000);
    assert_int_equal(rdc_ql_stats(ql)->early, 0);
    assert_int_equal(sdns_pending(s), 1);
    assert_int_equal(r.calls, 0);
    teardown(s, ql); /* the held query's callback runs cancelled */
    assert_int_equal(r.calls, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_answer_is_final),
        cmocka_unit_test(test_default_nxdomain),
        cmocka_unit_test(test_failover_each_failure),
        cmocka_unit_test(test_failed_answer_records_ignored),
        cmocka_unit_test(test_all_fail_most_telling),
        cmocka_unit_test(test_tries_timeouts),
        cmocka_unit_test(test_tries_no_repeat_without_timeout),
        cmocka_unit_test(test_tries_mixed),
        cmocka_unit_test(test_tries_second_pass_answers),
        cmocka_unit_test(test_down_server_skipped),
        cmocka_unit_test(test_order_split_view),
        cmocka_unit_test(test_rotate_three),
        cmocka_unit_test(test_refused_reorders_nothing),
        cmocka_unit_test(test_early_duplicates),
        cmocka_unit_test(test_slow_first_server_keeps_the_question),
        cmocka_unit_test(test_pass_ends_at_timeout),
        cmocka_unit_test(test_karn_ambiguous),
        cmocka_unit_test(test_congestion_idle_gap),
        cmocka_unit_test(test_unsendable_name),
        cmocka_unit_test(test_sendable_names),
        cmocka_unit_test(test_cname_in_answer),
        cmocka_unit_test(test_cname_dangling),
        cmocka_unit_test(test_cname_dangling_target_failover),
        cmocka_unit_test(test_cname_hop_limit),
        cmocka_unit_test(test_cname_loop),
        cmocka_unit_test(test_restart_from_callback),
        cmocka_unit_test(test_verbose_trace),
        cmocka_unit_test(test_verbose_events),
        cmocka_unit_test(test_stats),
        cmocka_unit_test(test_describe),
        cmocka_unit_test(test_rto),
        cmocka_unit_test(test_scan_waiting),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
