/* test_authority.c - --authority end to end in the test process: the
 * engine asks the resolver (the scripted one of sdns.h, server 0) for the
 * SOA of each name, the zone's NS names and their addresses, then asks
 * every server of the zone directly (RD=0, servers added through
 * add_server) for the zone's SOA and the question; the result's authority
 * object and problems say what they answered.
 *
 * Each test writes the resolver's rules (res_*) and the zone servers'
 * rules (srv_*, keyed by address before the engine adds the servers), runs
 * the engine, and compares the authority object, rendered one line per
 * question and one per server (eh_render_question), with what must come out,
 * plus exact query counts per server. No sockets, no sleeps: a timeout is
 * the scripted resolver's logical one. */
#define _POSIX_C_SOURCE 200809L
#include "unit.h"

#include <signal.h>
#include <strings.h>

#include "dnsmsg.h"
#include "engine.h"
#include "loop.h"
#include "eharness.h"
#include "sdns.h"
#include "target.h"
#include "trace.h"
#include "util.h"

#define RES 0 /* the configured resolver's number */
#define IP "192.0.2.10"
#define REV "10.2.0.192.in-addr.arpa"
#define RZONE "2.0.192.in-addr.arpa"
#define FZONE "example.test"
#define NS1 "198.51.100.1"
#define NS2 "198.51.100.2"
#define TWO_NS "ns1.example.test=" NS1 ",ns2.example.test=" NS2

/* ================================================================ harness */

/* The engine harness shared with test_engine.c (eharness.h); a result's
 * problems are the start of its text. */
typedef eh_t h_t;
typedef eh_got_t got_t;

/* One scripted resolver, --authority on, and the zones' SOA contact,
 * hostmaster@example.test, receives mail. */
static void h_init(h_t *h)
{
    eh_init(h, 1);
    h->o.authority = true;
    sdns_rule_ex(h->s, RES, "example.test", RDC_TYPE_MX, SDNS_ANSWER, 0, 0,
                 "@ 300 MX 10 mail.example.test");
}

static unsigned long auth_queries(const h_t *h)
{
    return rdc_engine_stats(h->e)->auth_queries;
}

/* Queries to the added server at addr. */
static unsigned long at_count(h_t *h, const char *addr, const char *qname, uint16_t qtype)
{
    return sdns_count(h->s, sdns_at(h->s, addr), qname, qtype);
}

/* ================================================================ rules */

/* The SOA record of zone: "ZONE TTL SOA ns1.example.test hostmaster.ZONE
 * SERIAL 7200 900 1209600 MINIMUM". */
static const char *soa_rr(char *buf, size_t cap, const char *zone, unsigned long ttl,
                          unsigned long serial, unsigned long minimum)
{
    snprintf(buf, cap,
             "%s %lu SOA ns1.example.test hostmaster.example.test %lu 7200 900 1209600 %lu", zone,
             ttl, serial, minimum);
    return buf;
}

/* The resolver answers qname/qtype with rcode and rrs (no AA). */
static void res(h_t *h, const char *qname, uint16_t qtype, unsigned rcode, const char *rrs)
{
    sdns_rule_ex(h->s, RES, qname, qtype, SDNS_ANSWER, rcode, 0, rrs);
}

static void res_act(h_t *h, const char *qname, uint16_t qtype, sdns_act_t act)
{
    sdns_rule_ex(h->s, RES, qname, qtype, act, 0, 0, NULL);
}

/* The resolver's answer to the SOA question of name in zone: the SOA
 * itself at the apex, else NODATA with the SOA in the authority section. */
static void res_soa(h_t *h, const char *name, const char *zone, unsigned long serial)
{
    char soa[512], rrs[600];
    soa_rr(soa, sizeof soa, zone, 3600, serial, 300);
    bool apex = strcasecmp(name, zone) == 0;
    snprintf(rrs, sizeof rrs, "%s%s", apex ? "" : "|", soa);
    res(h, name, RDC_TYPE_SOA, 0, rrs);
}

/* The zone server at addr answers qname/qtype with rcode, flags, rrs. */
static void srv_ex(h_t *h, const char *addr, const char *qname, uint16_t qtype, unsigned rcode,
                   unsigned flags, const char *rrs)
{
    sdns_rule_ex(h->s, sdns_at(h->s, addr), qname, qtype, SDNS_ANSWER, rcode, flags, rrs);
}

/* ... with authority (AA). */
static void srv(h_t *h, const char *addr, const char *qname, uint16_t qtype, unsigned rcode,
                const char *rrs)
{
    srv_ex(h, addr, qname, qtype, rcode, SDNS_AA, rrs);
}

static void srv_act(h_t *h, const char *addr, const char *qname, uint16_t qtype, sdns_act_t act)
{
    sdns_rule_ex(h->s, sdns_at(h->s, addr), qname, qtype, act, 0, 0, NULL);
}

/* The zone server at addr answers zone's SOA with authority. */
static void srv_soa(h_t *h, const char *addr, const char *zone, unsigned long serial)
{
    char soa[512];
    soa_rr(soa, sizeof soa, "@", 3600, serial, 300);
    srv(h, addr, zone, RDC_TYPE_SOA, 0, soa);
}

/* The resolver knows zone's servers: "NAME=ADDR,NAME=ADDR,..." gives the
 * NS records (each name once, in order) and the names' A/AAAA records;
 * every address answers the zone's SOA with authority and serial. */
static void zone_servers(h_t *h, const char *zone, unsigned long serial, const char *spec)
{
    char ns[4096] = "", copy[2048];
    snprintf(copy, sizeof copy, "%s", spec);
    for (char *save = NULL, *item = strtok_r(copy, ",", &save); item;
         item = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(item, '=');
        assert_non_null(eq);
        *eq = '\0';
        const char *name = item, *addr = eq + 1;
        char rec[300];
        snprintf(rec, sizeof rec, "@ 3600 NS %s", name);
        if (!strstr(ns, rec)) {
            size_t l = strlen(ns);
            snprintf(ns + l, sizeof ns - l, "%s%s", l ? ";" : "", rec);
        }
        /* every address of the name and family so far, in one answer */
        bool v6 = strchr(addr, ':') != NULL;
        char rrs[1024] = "";
        char copy2[2048];
        snprintf(copy2, sizeof copy2, "%s", spec);
        for (char *s2 = NULL, *it = strtok_r(copy2, ",", &s2); it; it = strtok_r(NULL, ",", &s2)) {
            char *e2 = strchr(it, '=');
            *e2 = '\0';
            if (strcmp(it, name) != 0 || (strchr(e2 + 1, ':') != NULL) != v6)
                continue;
            size_t l = strlen(rrs);
            snprintf(rrs + l, sizeof rrs - l, "%s@ 3600 %s %s", l ? ";" : "", v6 ? "AAAA" : "A",
                     e2 + 1);
        }
        res(h, name, v6 ? RDC_TYPE_AAAA : RDC_TYPE_A, 0, rrs);
        srv_soa(h, addr, zone, serial);
    }
    res(h, zone, RDC_TYPE_NS, 0, ns);
}

/* The usual setup: IP has PTR mail.example.test, whose A is IP; the reverse
 * zone RZONE (serial 7) and FZONE (serial 42) are both served by ns1 (NS1)
 * and ns2 (NS2), which answer the PTR and the A with authority. */
static void basic(h_t *h)
{
    res(h, REV, RDC_TYPE_PTR, 0, "@ 300 PTR mail.example.test");
    res(h, "mail.example.test", RDC_TYPE_A, 0, "@ 600 A " IP);
    res_soa(h, REV, RZONE, 7);
    res_soa(h, "mail.example.test", FZONE, 42);
    zone_servers(h, RZONE, 7, TWO_NS);
    zone_servers(h, FZONE, 42, TWO_NS);
    for (int i = 0; i < 2; i++) {
        const char *a = i ? NS2 : NS1;
        srv(h, a, REV, RDC_TYPE_PTR, 0, "@ 300 PTR mail.example.test");
        srv(h, a, "mail.example.test", RDC_TYPE_A, 0, "@ 600 A " IP);
    }
}

/* The PTR question of basic() when both servers answer. */
#define BASIC_PTR_HEAD                                                                             \
    "PTR " REV " zone=" RZONE " mname=ns1.example.test contact=hostmaster@example.test "           \
    "serial=7 min=300 ns=ns1.example.test,ns2.example.test "
#define BASIC_PTR                                                                                  \
    BASIC_PTR_HEAD "consistent=1 source=OK[mail.example.test] stale=0 "                            \
                   "resolver=OK[mail.example.test] ttl=300 error=-\n"                              \
                   "  ns1.example.test " NS1 " ok serial=7 asked=1 answer=OK[mail.example.test]\n" \
                   "  ns2.example.test " NS2 " ok serial=7 asked=1 answer=OK[mail.example.test]\n"
#define BASIC_FWD                                                                                  \
    "A mail.example.test zone=" FZONE " mname=ns1.example.test contact=hostmaster@example.test "   \
    "serial=42 min=300 ns=ns1.example.test,ns2.example.test consistent=1 source=OK[" IP "] "       \
    "stale=0 resolver=OK[" IP "] ttl=600 error=-\n"                                                \
    "  ns1.example.test " NS1 " ok serial=42 asked=1 answer=OK[" IP "]\n"                          \
    "  ns2.example.test " NS2 " ok serial=42 asked=1 answer=OK[" IP "]\n"

/* ================================================================ the scripted resolver */

/* One answer caught by cb_keep: parsed for the question asked. */
typedef struct caught {
    int calls;
    rdc_dns_status_t st;
    uint8_t flags2; /* byte 2 of the header: QR, opcode, AA, TC, RD */
    uint8_t flags3; /* byte 3: RA, Z, rcode */
    rdc_answer_t a;
    uint8_t qname[RDC_NAME_WIRE_MAX + 1];
    uint16_t qtype;
} caught_t;

static void cb_keep(void *arg, const uint8_t *msg, size_t len, rdc_dns_status_t st, bool cancelled)
{
    caught_t *k = arg;
    assert_false(cancelled);
    k->calls++;
    k->st = st;
    if (msg) {
        assert_true(len > 4);
        k->flags2 = msg[2];
        k->flags3 = msg[3];
        rdc_answer_parse(msg, len, k->qname, k->qtype, &k->a, NULL, NULL);
    }
}

static void ask(sdns_t *s, size_t server, const char *name, uint16_t type, caught_t *k)
{
    memset(k, 0, sizeof *k);
    assert_true(rdc_name_from_text(name, strlen(name), k->qname, NULL));
    k->qtype = type;
    rdc_dns_t d = sdns_dns(s);
    d.ops->query(d.ctx, server, name, type, cb_keep, k);
    assert_int_equal(k->calls, 0); /* never inside the call */
    sdns_pump_now(s);
    assert_int_equal(k->calls, 1);
}

/* What the tests below rely on: add_server's numbers, rules by address
 * written before the server is added, AA, the authority section, SOA and
 * NS records, RD copied from the server's recurse flag, failures. */
static void test_sdns_added_servers(void **state)
{
    (void)state;
    sdns_t *s = sdns_new(2);
    rdc_dns_t d = sdns_dns(s);
    assert_non_null(d.ops->add_server);
    assert_null(sdns_dns_plain(s).ops->add_server);
    int at1 = sdns_at(s, NS1), at6 = sdns_at(s, "2001:db8::53");
    assert_true(at1 < -1 && at6 < -1 && at1 != at6);
    assert_int_equal(sdns_at(s, NS1), at1);
    /* rules for a server not added yet */
    sdns_rule_ex(s, at1, RZONE, RDC_TYPE_SOA, SDNS_ANSWER, 0, SDNS_AA,
                 "@ 3600 SOA ns1.example.test hostmaster.example.test 7 7200 900 1209600 300");
    sdns_rule_ex(s, at1, REV, RDC_TYPE_PTR, SDNS_ANSWER, 3, SDNS_AA,
                 "|" RZONE " 600 SOA ns1.example.test hostmaster.example.test 7 1 2 3 240");
    sdns_rule(s, -1, RZONE, RDC_TYPE_NS, SDNS_ANSWER, 0,
              "@ 3600 NS ns1.example.test;@ 3600 NS ns2.example.test");
    sdns_rule(s, at6, "*", 0, SDNS_ANSWER, 0, "|" REV " 3600 NS ns9.example.net");
    assert_int_equal(sdns_server_index(s, NS1), -1);
    assert_int_equal(sdns_server_recurse(s, at1), -1);
    assert_int_equal(sdns_server_recurse(s, 1), 1);

    rdc_server_t a = {0}, b = {0};
    assert_true(rdc_addr_parse(NS1, strlen(NS1), &a.addr));
    assert_true(rdc_addr_parse("2001:db8::53", 12, &b.addr));
    assert_int_equal(d.ops->add_server(d.ctx, &a, false), 2); /* after the 2 configured */
    assert_int_equal(d.ops->add_server(d.ctx, &b, false), 3);
    assert_int_equal(d.ops->add_server(d.ctx, &a, false), 2); /* the same again */
    assert_int_equal(d.ops->add_server(d.ctx, &a, true), 4); /* recursing: another */
    assert_int_equal(sdns_nadded(s), 3);
    assert_int_equal(sdns_add_calls(s), 4);
    assert_int_equal(sdns_server_index(s, NS1), 2);
    assert_int_equal(sdns_server_recurse(s, 2), 0);
    assert_int_equal(sdns_server_recurse(s, 4), 1);
    assert_true(rdc_addr_equal(&d.ops->server(d.ctx, 3)->addr, &b.addr));
    assert_null(d.ops->server(d.ctx, 5));
    assert_int_equal(d.ops->nservers(d.ctx), 2);

    caught_t k;
    ask(s, 2, RZONE, RDC_TYPE_SOA, &k);
    assert_int_equal(k.st, RDC_DNS_OK);
    assert_int_equal(k.flags2 & 0x05, 0x04); /* AA, no RD */
    assert_int_equal(k.flags3 & 0x80, 0); /* no RA */
    assert_int_equal(k.a.status, RDC_DNS_OK);
    assert_true(k.a.aa && k.a.has_soa);
    assert_int_equal(k.a.soa.serial, 7);
    assert_int_equal(k.a.soa.minimum, 300);
    rdc_answer_free(&k.a);

    ask(s, 2, REV, RDC_TYPE_PTR, &k); /* NXDOMAIN, the SOA in authority */
    assert_int_equal(k.a.status, RDC_DNS_NXDOMAIN);
    assert_true(k.a.aa && k.a.has_soa);
    assert_int_equal(k.a.ttl, 240); /* min(600, 240) */
    char zone[RDC_NAME_TEXT_MAX];
    rdc_name_to_text(k.a.soa.owner, zone);
    assert_string_equal(zone, RZONE);
    rdc_answer_free(&k.a);

    ask(s, 4, REV, RDC_TYPE_PTR, &k); /* the same address recursing: its rules, RD */
    assert_int_equal(k.flags2 & 0x05, 0x05);
    assert_int_equal(k.a.status, RDC_DNS_NXDOMAIN);
    rdc_answer_free(&k.a);

    ask(s, 0, REV, RDC_TYPE_PTR, &k); /* a configured server: no rule */
    assert_int_equal(k.flags2 & 0x05, 0x01); /* RD, no AA */
    assert_int_equal(k.flags3, 0x83); /* RA, NXDOMAIN */
    assert_int_equal(k.a.status, RDC_DNS_NXDOMAIN);
    rdc_answer_free(&k.a);

    ask(s, 1, RZONE, RDC_TYPE_NS, &k);
    assert_int_equal(k.a.status, RDC_DNS_OK);
    assert_int_equal(k.a.nrecords, 2);
    rdc_name_to_text(k.a.records[1].name, zone);
    assert_string_equal(zone, "ns2.example.test");
    rdc_answer_free(&k.a);

    ask(s, 3, REV, RDC_TYPE_PTR, &k); /* a referral */
    assert_true(k.a.referral);
    assert_false(k.a.aa);
    assert_int_equal(k.a.status, RDC_DNS_NODATA);
    rdc_answer_free(&k.a);

    assert_int_equal(sdns_count(s, at1, NULL, 0), 3); /* numbers 2 and 4 */
    assert_int_equal(sdns_count(s, 2, NULL, 0), 2);
    assert_int_equal(sdns_count(s, at6, REV, RDC_TYPE_PTR), 1);
    assert_int_equal(sdns_count_rd(s, false), 3);
    assert_int_equal(sdns_count_rd(s, true), 3);

    /* failures: one address, then every one */
    rdc_server_t c = {0};
    assert_true(rdc_addr_parse(NS2, strlen(NS2), &c.addr));
    sdns_fail_add(s, NS2);
    assert_true(d.ops->add_server(d.ctx, &c, false) == SIZE_MAX);
    assert_int_equal(sdns_server_index(s, NS2), -1);
    assert_int_equal(d.ops->add_server(d.ctx, &a, false), 2);
    sdns_fail_add(s, NULL);
    assert_true(d.ops->add_server(d.ctx, &a, false) == SIZE_MAX);
    assert_int_equal(sdns_nadded(s), 3);
    sdns_free(s);
}

/* ================================================================ tests */

/* Two servers that agree: both asked with RD=0 exactly once per question,
 * the zone's SOA once per server; servers of both zones added once. */
static void test_consistent_zone(void **state)
{
    (void)state;
    h_t h;
    h_init(&h);
    basic(&h);
    got_t *g = eh_run1(&h, IP);
    assert_string_equal(g->line, IP " pass");
    assert_string_equal(g->auth, BASIC_PTR BASIC_FWD);
    assert_int_equal(g->nforward, 1);
    /* the servers: added after the one configured, in NS order, RD=0; the
     * second zone's same servers get the same numbers */
    assert_int_equal(sdns_nadded(h.s), 2);
    /* asked once per zone for the SOA queries and again before each
     * question (a resolver may give an idle number to another server) */
    assert_int_equal(sdns_add_calls(h.s), 4 + 4);
    assert_int_equal(sdns_server_index(h.s, NS1), 1);
    assert_int_equal(sdns_server_index(h.s, NS2), 2);
    assert_int_equal(sdns_server_recurse(h.s, 1), 0);
    assert_int_equal(sdns_server_recurse(h.s, sdns_at(h.s, NS2)), 0);
    for (int i = 0; i < 2; i++) {
        const char *a = i ? NS2 : NS1;
        assert_int_equal(at_count(&h, a, RZONE, RDC_TYPE_SOA), 1);
        assert_int_equal(at_count(&h, a, FZONE, RDC_TYPE_SOA), 1);
        assert_int_equal(at_count(&h, a, REV, RDC_TYPE_PTR), 1);
        assert_int_equal(at_count(&h, a, "mail.example.test", RDC_TYPE_A), 1);
        assert_int_equal(at_count(&h, a, NULL, 0), 4);
    }
    /* every direct query went out with RD=0, every resolver query with RD */
    assert_int_equal(auth_queries(&h), 8);
    assert_int_equal(sdns_count_rd(h.s, false), 8);
    assert_int_equal(sdns_count_rd(h.s, true), sdns_count(h.s, RES, NULL, 0));
    /* the resolver: SOA of each name, NS of each zone, NS addresses once
     * per zone (A and AAAA of both names) */
    assert_int_equal(sdns_count(h.s, RES, REV, RDC_TYPE_SOA), 1);
    assert_int_equal(sdns_count(h.s, RES, "mail.example.test", RDC_TYPE_SOA), 1);
    assert_int_equal(sdns_count(h.s, RES, RZONE, RDC_TYPE_NS), 1);
    assert_int_equal(sdns_count(h.s, RES, FZONE, RDC_TYPE_NS), 1);
    assert_int_equal(sdns_count(h.s, RES, "ns1.example.test", RDC_TYPE_A), 2);
    assert_int_equal(sdns_count(h.s, RES, "ns2.example.test", RDC_TYPE_AAAA), 2);
    eh_end(&h);
}

/* Without --authority: no SOA or NS lookups, no servers, no object. */
static void test_option_off(void **state)
{
    (void)state;
    h_t h;
    h_init(&h);
    h.o.authority = false;
    basic(&h);
    got_t *g = eh_run1(&h, IP);
    assert_string_equal(g->line, IP " pass");
    assert_null(g->auth);
    assert_int_equal(sdns_count(h.s, -1, NULL, RDC_TYPE_SOA), 0);
    assert_int_equal(sdns_count(h.s, -1, NULL, RDC_TYPE_NS), 0);
    assert_int_equal(sdns_add_calls(h.s), 0);
    eh_end(&h);
}

/* A resolver without add_server: --authority does nothing (no authority
 * object, no SOA/NS lookups), and the check is the usual one. */
static void test_without_add_server(void **state)
{
    (void)state;
    h_t h;
    h_init(&h);
    h.plain = true;
    basic(&h);
    got_t *g = eh_run1(&h, IP);
    assert_string_equal(g->line, IP " pass");
    assert_null(g->auth);
    assert_int_equal(sdns_count(h.s, -1, NULL, RDC_TYPE_SOA), 0);
    assert_int_equal(sdns_count(h.s, -1, NULL, RDC_TYPE_NS), 0);
    assert_int_equal(sdns_count(h.s, -1, NULL, 0), 2); /* the PTR and the A */
    assert_int_equal(sdns_add_calls(h.s), 0);
    assert_int_equal(auth_queries(&h), 0);
    eh_end(&h);
}

/* A /28: every address's zone is the same; its NS lookup, the NS
 * addresses and the servers' SOA queries happen once in the run, whether
 * the checks wait for the zone together (concurrency 16) or find it ready
 * (concurrency 1). */
static void test_zone_cached_across_block(void **state)
{
    (void)state;
    for (unsigned conc = 1; conc <= 16; conc += 15) {
        h_t h;
        h_init(&h);
        h.o.concurrency = conc;
        char soa[512], nx[600];
        soa_rr(soa, sizeof soa, RZONE, 3600, 7, 300);
        snprintf(nx, sizeof nx, "|%s", soa);
        res(&h, "*", RDC_TYPE_PTR, 3, nx);
        res(&h, "*", RDC_TYPE_SOA, 3, nx);
        zone_servers(&h, RZONE, 7, TWO_NS);
        srv(&h, NS1, "*", RDC_TYPE_PTR, 3, nx);
        srv(&h, NS2, "*", RDC_TYPE_PTR, 3, nx);
        srv_soa(&h, NS1, RZONE, 7); /* newer than the "*" rules */
        srv_soa(&h, NS2, RZONE, 7);
        const char *const t[] = {"192.0.2.0/28"};
        assert_int_equal(eh_run(&h, t, 1), RDC_RUN_DONE);
        assert_int_equal(h.n, 16);
        for (size_t i = 0; i < 16; i++) {
            char want[2048], ip[32];
            snprintf(ip, sizeof ip, "192.0.2.%zu", i);
            snprintf(want, sizeof want,
                     "PTR %zu.2.0.192.in-addr.arpa zone=" RZONE
                     " mname=ns1.example.test contact=hostmaster@example.test serial=7 min=300 "
                     "ns=ns1.example.test,ns2.example.test consistent=1 source=NXDOMAIN[] "
                     "stale=0 resolver=NXDOMAIN[] ttl=300 error=-\n"
                     "  ns1.example.test " NS1 " ok serial=7 asked=1 answer=NXDOMAIN[]\n"
                     "  ns2.example.test " NS2 " ok serial=7 asked=1 answer=NXDOMAIN[]\n",
                     i);
            assert_string_equal(h.got[i].ptr, want);
            assert_true(unit_contains(h.got[i].line, " fail no-ptr:fail"));
            /* the no-ptr fix names who runs the zone */
            assert_true(unit_contains(h.got[i].text,
                                      "ask the operator of " RZONE
                                      ": contact hostmaster@example.test, servers "
                                      "ns1.example.test, ns2.example.test (your hosting"));
            assert_int_equal(strncmp(h.got[i].line, ip, strlen(ip)), 0);
            assert_int_equal(h.got[i].line[strlen(ip)], ' ');
        }
        assert_int_equal(sdns_count(h.s, RES, RZONE, RDC_TYPE_NS), 1);
        assert_int_equal(sdns_count(h.s, RES, "ns1.example.test", RDC_TYPE_A), 1);
        assert_int_equal(sdns_count(h.s, RES, "ns2.example.test", RDC_TYPE_A), 1);
        /* per address, and the zone's parent step (0.192.in-addr.arpa's
         * SOA: NXDOMAIN in the zone itself, so no parent to ask) */
        assert_int_equal(sdns_count(h.s, RES, NULL, RDC_TYPE_SOA), 16 + 1);
        assert_int_equal(sdns_add_calls(h.s), 2 + 16 * 2); /* the zone, then per question */
        for (int k = 0; k < 2; k++) {
            const char *a = k ? NS2 : NS1;
            assert_int_equal(at_count(&h, a, RZONE, RDC_TYPE_SOA), 1);
            assert_int_equal(at_count(&h, a, NULL, RDC_TYPE_PTR), 16);
        }
        assert_int_equal(auth_queries(&h), 2 + 2 * 16);
        eh_end(&h);
    }
}

/* Two addresses of the zone in one run, one after the other: the second
 * finds the zone ready; the SOA is still asked of each server once. */
static void test_zone_cached_across_targets(void **state)
{
    (void)state;
    h_t h;
    h_init(&h);
    h.o.concurrency = 1;
    basic(&h);
    res(&h, "11.2.0.192.in-addr.arpa", RDC_TYPE_PTR, 0, "@ 300 PTR mail.example.test");
    res_soa(&h, "11.2.0.192.in-addr.arpa", RZONE, 7);
    srv(&h, NS1, "11.2.0.192.in-addr.arpa", RDC_TYPE_PTR, 0, "@ 300 PTR mail.example.test");
    srv(&h, NS2, "11.2.0.192.in-addr.arpa", RDC_TYPE_PTR, 0, "@ 300 PTR mail.example.test");
    const char *const t[] = {IP, "192.0.2.11"};
    assert_int_equal(eh_run(&h, t, 2), RDC_RUN_DONE);
    assert_int_equal(h.n, 2);
    assert_string_equal(h.got[0].auth, BASIC_PTR BASIC_FWD);
    /* the second: its PTR question, and the A of the same name asked again
     * (each check asks its own questions), its address not in the A */
    assert_true(unit_contains(h.got[1].auth, "PTR 11.2.0.192.in-addr.arpa zone=" RZONE));
    assert_true(unit_contains(h.got[1].auth, "A mail.example.test zone=" FZONE));
    for (int k = 0; k < 2; k++) {
        const char *a = k ? NS2 : NS1;
        assert_int_equal(at_count(&h, a, RZONE, RDC_TYPE_SOA), 1);
        assert_int_equal(at_count(&h, a, FZONE, RDC_TYPE_SOA), 1);
        assert_int_equal(at_count(&h, a, "mail.example.test", RDC_TYPE_A), 2);
    }
    assert_int_equal(sdns_count(h.s, RES, RZONE, RDC_TYPE_NS), 1);
    assert_int_equal(sdns_count(h.s, RES, FZONE, RDC_TYPE_NS), 1);
    assert_int_equal(auth_queries(&h), 4 + 2 * 4);
    eh_end(&h);
}

/* Every name is its own zone's apex (an SOA answer at any name). */
static unsigned soa_apex(void *ctx, const char *qname, uint16_t qtype, char *buf, size_t cap)
{
    (void)ctx, (void)qtype;
    snprintf(buf, cap, "%s 300 SOA ns1.example.test hostmaster.example.test 1 7200 900 1209600 300",
             qname);
    return 0;
}

static unsigned ns_one(void *ctx, const char *qname, uint16_t qtype, char *buf, size_t cap)
{
    (void)ctx, (void)qtype;
    snprintf(buf, cap, "%s 300 NS ns1.example.test", qname);
    return 0;
}

/* A run over more zones than are kept (1024): the least recently used
 * finished zones are dropped and found again when an address needs one
 * later; every check still gets its zone (ASan: nothing used after it is
 * freed). 2,048 addresses, each its own zone, then the first again. */
static void test_zone_cache_evicts(void **state)
{
    (void)state;
    h_t h;
    h_init(&h);
    sdns_rule_fn(h.s, RES, "*", RDC_TYPE_SOA, soa_apex, NULL);
    sdns_rule_fn(h.s, RES, "*", RDC_TYPE_NS, ns_one, NULL);
    res(&h, "ns1.example.test", RDC_TYPE_A, 0, "@ 300 A " NS1);
    res(&h, "ns1.example.test", RDC_TYPE_AAAA, 0, NULL);
    sdns_rule_fn(h.s, sdns_at(h.s, NS1), "*", RDC_TYPE_SOA, soa_apex, NULL);
    for (int i = 0; i < 8; i++) { /* the zones' parents: none (no SOA) */
        char parent[64];
        snprintf(parent, sizeof parent, "%d.0.10.in-addr.arpa", i);
        res(&h, parent, RDC_TYPE_SOA, 3, NULL);
    }
    const char *const t[] = {"10.0.0.0/21", "10.0.0.0", "10.0.7.255"};
    assert_int_equal(eh_run(&h, t, 3), RDC_RUN_DONE);
    assert_int_equal(h.n, 2048 + 2);
    for (size_t i = 0; i < h.n; i++)
        if (!unit_contains(h.got[i].auth, " zone=")) {
            print_error("result %zu: %s\n", i, h.got[i].auth);
            fail();
        }
    /* 10.0.0.0's zone was dropped long before the end: found again; the
     * last address's zone was just used: kept */
    assert_int_equal(sdns_count(h.s, RES, "0.0.0.10.in-addr.arpa", RDC_TYPE_NS), 2);
    assert_int_equal(sdns_count(h.s, RES, "255.7.0.10.in-addr.arpa", RDC_TYPE_NS), 1);
    assert_int_equal(sdns_count(h.s, RES, NULL, RDC_TYPE_NS), 2048 + 1);
    eh_end(&h);
}

/* The cap far below the zones in flight (2 kept, 16 checks at once, each
 * its own zone): only finished zones are dropped, never one whose NS,
 * address or SOA queries are still out (they point at it: under ASan a
 * use after free, else lost or wrong answers). Every check still gets
 * its zone and its server; zones dropped and needed again
 * are found again. */
static void test_zone_cache_cap_in_flight(void **state)
{
    (void)state;
    h_t h;
    h_init(&h);
    h.o.auth_max_zones = 2;
    sdns_rule_fn(h.s, RES, "*", RDC_TYPE_SOA, soa_apex, NULL);
    sdns_rule_fn(h.s, RES, "*", RDC_TYPE_NS, ns_one, NULL);
    res(&h, "ns1.example.test", RDC_TYPE_A, 0, "@ 300 A " NS1);
    res(&h, "ns1.example.test", RDC_TYPE_AAAA, 0, NULL);
    sdns_rule_fn(h.s, sdns_at(h.s, NS1), "*", RDC_TYPE_SOA, soa_apex, NULL);
    res(&h, "0.0.10.in-addr.arpa", RDC_TYPE_SOA, 3, NULL); /* no parent zone */
    const char *const t[] = {"10.0.0.0/26", "10.0.0.0"};
    assert_int_equal(eh_run(&h, t, 2), RDC_RUN_DONE);
    assert_int_equal(h.n, 64 + 1);
    for (size_t i = 0; i < h.n; i++)
        if (!unit_contains(h.got[i].auth, " zone=") ||
            !unit_contains(h.got[i].auth, "ns=ns1.example.test ") ||
            !unit_contains(h.got[i].auth, "\n  ns1.example.test " NS1 " ")) {
            print_error("result %zu: %s\n", i, h.got[i].auth);
            fail();
        }
    /* each zone's NS asked once while it was found; 10.0.0.0's again */
    assert_int_equal(sdns_count(h.s, RES, "0.0.0.10.in-addr.arpa", RDC_TYPE_NS), 2);
    assert_int_equal(sdns_count(h.s, RES, NULL, RDC_TYPE_NS), 64 + 1);
    eh_end(&h);
}

/* A negative answer without an SOA in the authority section (a resolver
 * that drops it): the SOA lookup goes up one label at a time until an SOA
 * answer; the servers of that zone are asked for the original name. */
static void test_soa_walks_up(void **state)
{
    (void)state;
    h_t h;
    h_init(&h);
    basic(&h);
    res(&h, REV, RDC_TYPE_SOA, 3, NULL); /* NXDOMAIN, no SOA */
    res(&h, RZONE, RDC_TYPE_SOA, 0, NULL); /* NODATA, no SOA */
    res_soa(&h, "0.192.in-addr.arpa", "0.192.in-addr.arpa", 9);
    res(&h, "192.in-addr.arpa", RDC_TYPE_SOA, 2, NULL); /* not by the walk */
    zone_servers(&h, "0.192.in-addr.arpa", 9, TWO_NS);
    h.o.verbose = true;
    got_t *g = eh_run1(&h, IP);
    /* -v: the SOA lookups are in the check's trace, in order */
    const char *t1 = strstr(g->trace, "SOA " REV ": NXDOMAIN");
    const char *t2 = strstr(g->trace, "SOA " RZONE ": NOERROR");
    const char *t3 = strstr(g->trace, "SOA 0.192.in-addr.arpa: NOERROR");
    assert_non_null(t1);
    assert_non_null(t2);
    assert_non_null(t3);
    assert_true(t1 < t2 && t2 < t3);
    assert_string_equal(g->line, IP " pass");
    assert_string_equal(g->ptr,
                        "PTR " REV " zone=0.192.in-addr.arpa mname=ns1.example.test "
                        "contact=hostmaster@example.test serial=9 min=300 "
                        "ns=ns1.example.test,ns2.example.test consistent=1 "
                        "source=OK[mail.example.test] stale=0 resolver=OK[mail.example.test] "
                        "ttl=300 error=-\n"
                        "  ns1.example.test " NS1 " ok serial=9 asked=1 "
                        "answer=OK[mail.example.test]\n"
                        "  ns2.example.test " NS2 " ok serial=9 asked=1 "
                        "answer=OK[mail.example.test]\n");
    assert_int_equal(sdns_count(h.s, RES, REV, RDC_TYPE_SOA), 1);
    assert_int_equal(sdns_count(h.s, RES, RZONE, RDC_TYPE_SOA), 1);
    assert_int_equal(sdns_count(h.s, RES, "0.192.in-addr.arpa", RDC_TYPE_SOA), 1);
    /* asked once: for the zone's parent (SERVFAIL: no delegation to compare) */
    assert_int_equal(sdns_count(h.s, RES, "192.in-addr.arpa", RDC_TYPE_SOA), 1);
    assert_int_equal(sdns_count(h.s, RES, RZONE, RDC_TYPE_NS), 0);
    assert_int_equal(sdns_count(h.s, RES, "0.192.in-addr.arpa", RDC_TYPE_NS), 1);
    assert_int_equal(at_count(&h, NS1, "0.192.in-addr.arpa", RDC_TYPE_SOA), 1);
    assert_int_equal(at_count(&h, NS1, REV, RDC_TYPE_PTR), 1);
    assert_int_equal(at_count(&h, NS2, REV, RDC_TYPE_PTR), 1);
    eh_end(&h);
}

/* No SOA anywhere up to the root: an error for the question, no servers
 * asked, the check unaffected. */
static void test_soa_walk_to_root(void **state)
{
    (void)state;
    h_t h;
    h_init(&h);
    basic(&h);
    res(&h, "*", RDC_TYPE_SOA, 0, NULL); /* NODATA without SOA, every name */
    got_t *g = eh_run1(&h, IP);
    assert_string_equal(g->line, IP " pass");
    assert_true(unit_contains(g->ptr, "error=no zone found: no SOA record up to the root\n"));
    assert_true(unit_contains(g->ptr, " zone=- "));
    /* 10.2.0.192.in-addr.arpa, its five ancestors and the root; then
     * mail.example.test, example.test, test and the root */
    assert_int_equal(sdns_count(h.s, RES, NULL, RDC_TYPE_SOA), 7 + 4);
    assert_int_equal(sdns_count(h.s, RES, "in-addr.arpa", RDC_TYPE_SOA), 1);
    assert_int_equal(sdns_count(h.s, RES, "arpa", RDC_TYPE_SOA), 1);
    assert_int_equal(sdns_count(h.s, RES, NULL, RDC_TYPE_NS), 0);
    assert_int_equal(sdns_add_calls(h.s), 0);
    assert_int_equal(auth_queries(&h), 0);
    eh_end(&h);
}

/* An SOA whose owner does not hold the name (another zone, or a name that
 * only ends in the same text): an error for the question, no NS lookup,
 * no server asked. */
static void test_soa_owner_not_ancestor(void **state)
{
    (void)state;
    /* another zone; a name that only ends in the same text; a child */
    static const char *const owners[] = {"example.org", "0.2.0.192.in-addr.arpa",
                                         "sub.10.2.0.192.in-addr.arpa"};
    for (size_t i = 0; i < ARRAY_LEN(owners); i++) {
        h_t h;
        h_init(&h);
        basic(&h);
        res_soa(&h, REV, owners[i], 7);
        got_t *g = eh_run1(&h, IP);
        assert_string_equal(g->line, IP " pass");
        char want[600];
        snprintf(want, sizeof want,
                 "PTR " REV " zone=- mname=- contact=- serial=0 min=0 ns=- consistent=1 "
                 "source=- stale=0 resolver=OK[mail.example.test] ttl=300 error=the SOA answer "
                 "names zone %s, which does not hold the name\n",
                 owners[i]);
        assert_string_equal(g->ptr, want);
        assert_int_equal(sdns_count(h.s, RES, owners[i], RDC_TYPE_NS), 0);
        assert_int_equal(sdns_count(h.s, RES, RZONE, RDC_TYPE_NS), 0);
        /* the forward question is not affected */
        assert_true(unit_contains(g->auth, BASIC_FWD));
        assert_int_equal(auth_queries(&h), 4);
        eh_end(&h);
    }
}

/* The resolver's SOA lookup fails: an error naming why, the check itself
 * unaffected. */
static void test_soa_lookup_fails(void **state)
{
    (void)state;
    h_t h;
    h_init(&h);
    basic(&h);
    res(&h, REV, RDC_TYPE_SOA, 2, NULL);
    got_t *g = eh_run1(&h, IP);
    assert_string_equal(g->line, IP " pass");
    assert_true(unit_contains(g->ptr, " error=the SOA lookup of " REV
                                      " failed with SERVFAIL: cannot find its zone\n"));
    /* up to a zone that answers, to ask its servers for the delegation:
     * none does (no SOA up to the root), the failure stands */
    assert_int_equal(sdns_count(h.s, RES, RZONE, RDC_TYPE_SOA), 1);
    assert_int_equal(sdns_count(h.s, RES, "", RDC_TYPE_SOA), 1);
    assert_int_equal(sdns_count(h.s, RES, RZONE, RDC_TYPE_NS), 0);
    eh_end(&h);
}

/* The NS lookup fails or finds nothing: an error naming the zone, the
 * verdict unaffected, nothing asked of any server. */
static void test_ns_lookup_fails(void **state)
{
    (void)state;
    static const struct {
        unsigned rcode;
        const char *error;
    } rows[] = {
        {2, "cannot ask the zone's servers: the NS lookup failed for " RZONE},
        {3, "no NS records for zone " RZONE},
        {0, "no NS records for zone " RZONE}, /* NODATA */
        {5, "cannot ask the zone's servers: the NS lookup failed for " RZONE},
    };
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        h_t h;
        h_init(&h);
        basic(&h);
        res(&h, RZONE, RDC_TYPE_NS, rows[i].rcode, NULL);
        got_t *g = eh_run1(&h, IP);
        assert_string_equal(g->line, IP " pass");
        char want[1024];
        snprintf(want, sizeof want,
                 BASIC_PTR_HEAD "consistent=1 source=- stale=0 resolver=OK[mail.example.test] "
                                "ttl=300 error=%s\n",
                 rows[i].error);
        /* no NS names: the head's "ns=" list is empty */
        char *p = strstr(want, "ns=ns1.example.test,ns2.example.test");
        assert_non_null(p);
        memmove(p + 4, p + strlen("ns=ns1.example.test,ns2.example.test"),
                strlen(p + strlen("ns=ns1.example.test,ns2.example.test")) + 1);
        memcpy(p, "ns=-", 4);
        assert_string_equal(g->ptr, want);
        assert_int_equal(at_count(&h, NS1, REV, 0), 0);
        assert_int_equal(at_count(&h, NS1, RZONE, 0), 0);
        assert_int_equal(auth_queries(&h), 4); /* the forward zone's only */
        eh_end(&h);
    }
}

/* NS names that are no host names are not looked up, duplicates count
 * once; more than 8 names: the first 8. */
static void test_ns_names_filtered_and_capped(void **state)
{
    (void)state;
    h_t h;
    h_init(&h);
    basic(&h);
    res(&h, RZONE, RDC_TYPE_NS, 0,
        "@ 3600 NS -bad.example.test;@ 3600 NS ns1.example.test;@ 3600 NS ns1.example.test;"
        "@ 3600 NS 1.2.3.4;@ 3600 NS sp\\032ace.example.test;@ 3600 NS ns2.example.test");
    got_t *g = eh_run1(&h, IP);
    assert_string_equal(g->ptr, BASIC_PTR);
    assert_int_equal(sdns_count(h.s, RES, "-bad.example.test", 0), 0);
    assert_int_equal(sdns_count(h.s, RES, "1.2.3.4", 0), 0);
    /* only ns1 and ns2 are looked up, once per zone and family (and
     * example.test, the contact's mail domain, once per zone) */
    assert_int_equal(sdns_count(h.s, RES, NULL, RDC_TYPE_AAAA), 4 + 2);
    assert_int_equal(sdns_count(h.s, RES, NULL, RDC_TYPE_A), 5 + 2);
    assert_int_equal(sdns_count(h.s, RES, "ns1.example.test", RDC_TYPE_A), 2);
    eh_end(&h);

    h_init(&h);
    basic(&h);
    char spec[1024] = "";
    for (int i = 1; i <= 10; i++) {
        size_t l = strlen(spec);
        snprintf(spec + l, sizeof spec - l, "%sns%d.example.test=198.51.100.%d", i > 1 ? "," : "",
                 i, i);
    }
    zone_servers(&h, RZONE, 7, spec);
    for (int i = 1; i <= 10; i++) {
        char a[32];
        snprintf(a, sizeof a, "198.51.100.%d", i);
        srv(&h, a, REV, RDC_TYPE_PTR, 0, "@ 300 PTR mail.example.test");
    }
    g = eh_run1(&h, IP);
    assert_string_equal(g->line, IP " pass");
    assert_true(unit_contains(g->ptr, " ns=ns1.example.test,ns2.example.test,ns3.example.test,"
                                      "ns4.example.test,ns5.example.test,ns6.example.test,"
                                      "ns7.example.test,ns8.example.test consistent=1 "));
    assert_true(unit_contains(g->ptr, "  ns8.example.test 198.51.100.8 ok serial=7 asked=1"));
    assert_false(unit_contains(g->ptr, "ns9"));
    assert_int_equal(sdns_count(h.s, RES, "ns9.example.test", 0), 0);
    assert_int_equal(sdns_count(h.s, RES, "ns10.example.test", 0), 0);
    assert_int_equal(at_count(&h, "198.51.100.8", REV, RDC_TYPE_PTR), 1);
    assert_int_equal(at_count(&h, "198.51.100.9", NULL, 0), 0);
    assert_int_equal(sdns_server_index(h.s, "198.51.100.9"), -1);
    eh_end(&h);

    /* no NS name is a host name: an error, nothing looked up */
    h_init(&h);
    basic(&h);
    res(&h, RZONE, RDC_TYPE_NS, 0, "@ 3600 NS -ns.example.test;@ 3600 NS 192.0.2.53");
    g = eh_run1(&h, IP);
    assert_string_equal(g->line, IP " pass");
    assert_true(unit_contains(g->ptr, " ns=- consistent=1 source=- stale=0 "
                                      "resolver=OK[mail.example.test] ttl=300 error=no NS name "
                                      "that is a host name, for zone " RZONE "\n"));
    assert_int_equal(sdns_count(h.s, RES, "-ns.example.test", 0), 0);
    assert_int_equal(sdns_count(h.s, RES, "192.0.2.53", 0), 0);
    assert_int_equal(auth_queries(&h), 4);
    eh_end(&h);
}

/* Addresses: at most 2 per name and family, both families, duplicates
 * once; 16 server addresses per zone at most. */
static void test_ns_addresses(void **state)
{
    (void)state;
    h_t h;
    h_init(&h);
    basic(&h);
    zone_servers(&h, RZONE, 7,
                 "ns1.example.test=198.51.100.1,ns1.example.test=198.51.100.11,"
                 "ns1.example.test=198.51.100.21,ns1.example.test=2001:db8::53,"
                 "ns2.example.test=198.51.100.1");
    srv(&h, "2001:db8::53", REV, RDC_TYPE_PTR, 0, "@ 300 PTR mail.example.test");
    srv(&h, "198.51.100.11", REV, RDC_TYPE_PTR, 0, "@ 300 PTR mail.example.test");
    got_t *g = eh_run1(&h, IP);
    assert_string_equal(g->ptr,
                        BASIC_PTR_HEAD "consistent=1 source=OK[mail.example.test] stale=0 "
                                       "resolver=OK[mail.example.test] ttl=300 error=-\n"
                                       "  ns1.example.test 198.51.100.1 ok serial=7 asked=1 "
                                       "answer=OK[mail.example.test]\n"
                                       "  ns1.example.test 198.51.100.11 ok serial=7 asked=1 "
                                       "answer=OK[mail.example.test]\n"
                                       "  ns1.example.test 2001:db8::53 ok serial=7 asked=1 "
                                       "answer=OK[mail.example.test]\n");
    assert_int_equal(at_count(&h, "198.51.100.21", NULL, 0), 0);
    assert_int_equal(sdns_server_recurse(h.s, sdns_at(h.s, "2001:db8::53")), 0);
    eh_end(&h);

    /* 8 names with 2 IPv4 and 2 IPv6 addresses each: 16 servers */
    h_init(&h);
    basic(&h);
    char spec[4096] = "";
    for (int i = 1; i <= 8; i++) {
        size_t l = strlen(spec);
        snprintf(spec + l, sizeof spec - l,
                 "%sns%d.example.test=198.51.100.%d,ns%d.example.test=198.51.100.%d,"
                 "ns%d.example.test=2001:db8::%d,ns%d.example.test=2001:db8::%d",
                 i > 1 ? "," : "", i, i, i, 100 + i, i, i, i, 100 + i);
    }
    zone_servers(&h, RZONE, 7, spec);
    sdns_rule_ex(h.s, -1, REV, RDC_TYPE_PTR, SDNS_ANSWER, 0, SDNS_AA,
                 "@ 300 PTR mail.example.test");
    g = eh_run1(&h, IP);
    size_t nserv = 0;
    for (const char *p = g->ptr; (p = strstr(p, "\n  ")) != NULL; p++)
        nserv++;
    assert_int_equal(nserv, 16);
    assert_int_equal(sdns_count(h.s, -1, REV, RDC_TYPE_PTR), 1 + 16);
    assert_true(unit_contains(g->ptr, " consistent=1 source=OK[mail.example.test] "));
    assert_false(unit_contains(g->ptr, " lame "));
    assert_true(unit_contains(g->ptr, "  ns4.example.test 2001:db8::104 ok serial=7 asked=1"));
    assert_false(unit_contains(g->ptr, "ns5.example.test 198"));
    assert_int_equal(at_count(&h, "198.51.100.5", RZONE, RDC_TYPE_SOA), 0);
    eh_end(&h);
}

/* NS names without any address: an error, the names still listed; it says
 * whether the address lookups failed (SERVFAIL) or found nothing. */
static void test_ns_without_addresses(void **state)
{
    (void)state;
    /* ns3 has no address (NXDOMAIN); ns4's lookup fails (SERVFAIL: not
     * known, no finding) or says it has none */
    static const struct {
        unsigned rcode;
        const char *error;
        const char *ns, *line, *problem;
    } cases[] = {
        {2,
         "cannot ask the zone's servers: the address lookups of its name servers failed for "
         "zone " RZONE,
         "ns3.example.test!noaddr,ns4.example.test", IP " warn auth-ns-address:warn",
         "auth-ns-address: 1 of 2 name servers of zone " RZONE ": ns3.example.test has no "
         "address (no A or AAAA record)\n"},
        {3, "no address found for any name server of zone " RZONE,
         "ns3.example.test!noaddr,ns4.example.test!noaddr", IP " warn auth-ns-address:warn",
         "auth-ns-address: 2 of 2 name servers of zone " RZONE ": ns3.example.test, "
         "ns4.example.test have no address (no A or AAAA record)\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        h_t h;
        char want[1024];
        h_init(&h);
        basic(&h);
        res(&h, RZONE, RDC_TYPE_NS, 0, "@ 3600 NS ns3.example.test;@ 3600 NS ns4.example.test");
        res(&h, "ns4.example.test", RDC_TYPE_A, cases[i].rcode, NULL);
        got_t *g = eh_run1(&h, IP);
        snprintf(want, sizeof want,
                 "PTR " REV " zone=" RZONE " mname=ns1.example.test "
                 "contact=hostmaster@example.test serial=7 min=300 "
                 "ns=%s consistent=1 source=- "
                 "stale=0 resolver=OK[mail.example.test] ttl=300 error=%s\n",
                 cases[i].ns, cases[i].error);
        assert_string_equal(g->ptr, want);
        assert_string_equal(g->line, cases[i].line);
        assert_true(unit_contains(g->text, cases[i].problem));
        assert_int_equal(sdns_count(h.s, RES, "ns3.example.test", RDC_TYPE_A), 1);
        assert_int_equal(sdns_count(h.s, RES, "ns3.example.test", RDC_TYPE_AAAA), 1);
        assert_int_equal(auth_queries(&h), 4);
        eh_end(&h);
    }
}

/* How ns2 answers the PTR (its SOA was fine) and the state it gets. */
/* The zone's NS names, in the resolver's order ns2, nsc, ns1, ns0: the
 * list comes sorted; ns0 has no address (NXDOMAIN for A and AAAA):
 * auth-ns-address; nsc is an alias of ns1 (RFC 2181 section 10.3):
 * auth-ns-cname, its address the same server's. Once per zone, though
 * the forward zone (the same servers, no such names) asks too. */
static void test_ns_sorted_and_findings(void **state)
{
    (void)state;
    h_t h;
    h_init(&h);
    basic(&h);
    res(&h, RZONE, RDC_TYPE_NS, 0,
        "@ 3600 NS ns2.example.test;@ 3600 NS nsc.example.test;@ 3600 NS "
        "ns1.example.test;@ 3600 NS ns0.example.test");
    res(&h, "ns0.example.test", RDC_TYPE_A, 3, NULL);
    res(&h, "ns0.example.test", RDC_TYPE_AAAA, 3, NULL);
    res(&h, "nsc.example.test", RDC_TYPE_A, 0,
        "@ 300 CNAME ns1.example.test;ns1.example.test 300 A " NS1);
    res(&h, "nsc.example.test", RDC_TYPE_AAAA, 0, "@ 300 CNAME ns1.example.test");
    got_t *g = eh_run1(&h, IP);
    assert_string_equal(g->line, IP " warn auth-ns-address:warn auth-ns-cname:warn");
    assert_string_equal(g->ptr, "PTR " REV " zone=" RZONE " mname=ns1.example.test "
                                "contact=hostmaster@example.test serial=7 min=300 "
                                "ns=ns0.example.test!noaddr,ns1.example.test,ns2.example.test,"
                                "nsc.example.test!alias=ns1.example.test consistent=1 "
                                "source=OK[mail.example.test] stale=0 "
                                "resolver=OK[mail.example.test] ttl=300 error=-\n"
                                "  ns1.example.test " NS1 " ok serial=7 asked=1 "
                                "answer=OK[mail.example.test]\n"
                                "  ns2.example.test " NS2 " ok serial=7 asked=1 "
                                "answer=OK[mail.example.test]\n");
    assert_true(unit_contains(g->text, "auth-ns-address: 1 of 4 name servers of zone " RZONE
                                       ": ns0.example.test has no address (no A or AAAA record)\n"
                                       "fix: ask the operator of " RZONE));
    assert_true(unit_contains(g->text,
                              "auth-ns-cname: 1 of 4 name servers of zone " RZONE
                              ": nsc.example.test (an alias of ns1.example.test) is an alias "
                              "(CNAME)\nfix: ask the operator of " RZONE));
    assert_true(unit_contains(g->text, "RFC 2181 section 10.3"));
    eh_end(&h);

    /* the same names in another order: the same list */
    h_init(&h);
    basic(&h);
    res(&h, RZONE, RDC_TYPE_NS, 0, "@ 3600 NS ns2.example.test;@ 3600 NS ns1.example.test");
    g = eh_run1(&h, IP);
    assert_string_equal(g->ptr, BASIC_PTR);
    eh_end(&h);
}

/* JSON negative_ttl: RFC 2308 section 5, min(the SOA's TTL, MINIMUM), from
 * the zone's own servers: the resolver's copy of the SOA has a TTL that
 * counts down in its cache. */
static void test_negative_ttl(void **state)
{
    (void)state;
    static const struct {
        unsigned long ttl, minimum, cached_ttl;
        const char *want;
    } cases[] = {
        {60, 300, 50, " min=300 ns="}, /* the TTL is less */
        {3600, 300, 3596, " min=300 ns="}, /* MINIMUM is less */
        {3600, 7200, 3000, " min=7200 ns="}, /* the zone's TTL, not the cache's */
    };
    static const unsigned long want_neg[] = {60, 300, 3600};
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        h_t h;
        char soa[512], rrs[600], neg[32];
        h_init(&h);
        basic(&h);
        res(&h, REV, RDC_TYPE_PTR, 3, NULL);
        snprintf(rrs, sizeof rrs, "|%s",
                 soa_rr(soa, sizeof soa, RZONE, cases[i].cached_ttl, 7, cases[i].minimum));
        res(&h, REV, RDC_TYPE_SOA, 0, rrs);
        for (int k = 0; k < 2; k++) {
            srv(&h, k ? NS2 : NS1, REV, RDC_TYPE_PTR, 3, NULL);
            srv(&h, k ? NS2 : NS1, RZONE, RDC_TYPE_SOA, 0,
                soa_rr(soa, sizeof soa, RZONE, cases[i].ttl, 7, cases[i].minimum));
        }
        got_t *g = eh_run1(&h, IP);
        assert_true(unit_contains(g->ptr, cases[i].want));
        /* the harness shows neg= only when it is not MINIMUM */
        snprintf(neg, sizeof neg, " neg=%lu\n", want_neg[i]);
        bool shown = want_neg[i] != cases[i].minimum;
        if (unit_contains(g->ptr, shown ? neg : " neg=") != shown)
            print_error("case %zu: %s", i, g->ptr);
        assert_int_equal(unit_contains(g->ptr, shown ? neg : " neg="), shown);
        eh_end(&h);
    }
}

/* Servers with different serials (7 on ns1, 9 on ns2, the resolver's SOA
 * an old 5): the zone's serial is the highest, flagged as differing; the
 * same serial everywhere is not flagged. Serial arithmetic (RFC 1982):
 * 4294967295 then 2, 2 is the newer. */
static void test_zone_serial_highest(void **state)
{
    (void)state;
    static const struct {
        unsigned long s1, s2, resolver;
        const char *want;
    } cases[] = {
        {7, 9, 5, "example.test serial=9 min="},
        {9, 7, 5, "example.test serial=9 min="},
        {4294967295ul, 2, 5, "example.test serial=2 min="},
        {7, 7, 5, "example.test serial=7 min="},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        h_t h;
        h_init(&h);
        basic(&h);
        res_soa(&h, REV, RZONE, cases[i].resolver);
        srv_soa(&h, NS1, RZONE, cases[i].s1);
        srv_soa(&h, NS2, RZONE, cases[i].s2);
        got_t *g = eh_run1(&h, IP);
        assert_true(unit_contains(g->ptr, cases[i].want));
        bool differ = cases[i].s1 != cases[i].s2;
        assert_int_equal(unit_contains(g->ptr, " serials=differ\n"), differ);
        assert_string_equal(g->line, differ ? IP " warn auth-inconsistent:warn" : IP " pass");
        eh_end(&h);
    }
}

/* RFC 6303: a reverse zone the resolver serves itself (10.in-addr.arpa,
 * SOA localhost nobody.invalid, NS localhost): flagged local; its
 * servers (localhost) are not looked up nor asked, and the no-ptr fix says
 * it has no public reverse DNS. */
static void test_locally_served_zone(void **state)
{
    (void)state;
    h_t h;
    h_init(&h);
    res(&h, "4.3.2.10.in-addr.arpa", RDC_TYPE_PTR, 3, NULL);
    res(&h, "4.3.2.10.in-addr.arpa", RDC_TYPE_SOA, 3,
        "|10.in-addr.arpa 10800 SOA localhost nobody.invalid 1 3600 1200 604800 10800");
    res(&h, "10.in-addr.arpa", RDC_TYPE_NS, 0, "@ 10800 NS localhost");
    res(&h, "localhost", RDC_TYPE_A, 0, "@ 10800 A 127.0.0.1");
    res(&h, "localhost", RDC_TYPE_AAAA, 0, "@ 10800 AAAA ::1");
    got_t *g = eh_run1(&h, "10.2.3.4");
    assert_string_equal(g->line, "10.2.3.4 fail no-ptr:fail not-public:info");
    assert_true(unit_contains(g->ptr, " contact=nobody@invalid "));
    assert_true(unit_contains(g->ptr, " local=1\n"));
    assert_true(unit_contains(g->text, "(RFC 6303)"));
    /* localhost is not asked: nothing to ask about the zone */
    assert_int_equal(sdns_count(h.s, RES, "10.in-addr.arpa", RDC_TYPE_NS), 0);
    assert_int_equal(auth_queries(&h), 0);
    eh_end(&h);
}

#define PZONE "192.in-addr.arpa"
#define PNS "198.51.100.9"

/* The resolver finds the reverse zone's parent (the SOA of the name one
 * label up) and its server pns.example.test (PNS). */
static void parent_zone(h_t *h)
{
    char soa[512], rrs[600];
    snprintf(rrs, sizeof rrs, "|%s", soa_rr(soa, sizeof soa, PZONE, 3600, 1, 300));
    res(h, "0.192.in-addr.arpa", RDC_TYPE_SOA, 3, rrs);
    zone_servers(h, PZONE, 1, "pns.example.test=" PNS);
}

/* The parent's delegation and the zone's own NS set (RFC 1034 section
 * 4.2.2): the parent's server is asked for the zone's NS (RD=0) and its
 * referral compared. It lists ns1 and ns3 (glue 198.51.100.3), the zone
 * ns1 and ns2: auth-ns-mismatch names both; ns3, a server only the parent
 * names, is asked too and is lame. The same sets: nothing. */
static void test_delegation_mismatch(void **state)
{
    (void)state;
    h_t h;
    h_init(&h);
    basic(&h);
    parent_zone(&h);
    srv_ex(&h, PNS, RZONE, RDC_TYPE_NS, 0, 0,
           "|" RZONE " 3600 NS ns1.example.test;" RZONE
           " 3600 NS ns3.example.test|ns3.example.test 3600 A 198.51.100.3");
    got_t *g = eh_run1(&h, IP);
    assert_string_equal(g->line, IP " warn auth-ns-mismatch:warn auth-lame:warn");
    assert_true(unit_contains(g->ptr, " ns=ns1.example.test,ns2.example.test!zoneonly,"
                                      "ns3.example.test!parentonly consistent=1 "));
    assert_true(unit_contains(g->ptr, " parent=" PZONE "\n"));
    assert_true(unit_contains(g->ptr, "\n  ns3.example.test 198.51.100.3 lame serial=- asked=0\n"));
    assert_true(unit_contains(g->text,
                              "auth-ns-mismatch: the parent zone " PZONE
                              " and the zone's own NS set differ for zone " RZONE
                              ": the parent lists ns3.example.test, which the zone does not "
                              "(resolvers start from the parent's list); the zone lists "
                              "ns2.example.test, which the parent does not (resolvers may never "
                              "ask it)\nfix: ask whoever keeps the delegation in " PZONE));
    assert_true(unit_contains(g->text, "RFC 1034 section 4.2.2"));
    assert_int_equal(at_count(&h, PNS, RZONE, RDC_TYPE_NS), 1);
    assert_int_equal(at_count(&h, "198.51.100.3", RZONE, RDC_TYPE_SOA), 1);
    /* the parent's server is not asked for the forward zone's delegation
     * twice, nor for anything else */
    assert_int_equal(at_count(&h, PNS, NULL, RDC_TYPE_NS), 1);
    eh_end(&h);

    /* the same NS set, in another order: no finding */
    h_init(&h);
    basic(&h);
    parent_zone(&h);
    srv_ex(&h, PNS, RZONE, RDC_TYPE_NS, 0, 0,
           "|" RZONE " 3600 NS ns2.example.test;" RZONE " 3600 NS ns1.example.test");
    g = eh_run1(&h, IP);
    assert_string_equal(g->line, IP " pass");
    assert_true(unit_contains(g->ptr, " ns=ns1.example.test,ns2.example.test consistent=1 "));
    assert_true(unit_contains(g->ptr, " parent=" PZONE "\n"));
    eh_end(&h);

    /* the parent's server answers without a referral (REFUSED): nothing
     * to compare, no finding */
    h_init(&h);
    basic(&h);
    parent_zone(&h);
    srv_ex(&h, PNS, RZONE, RDC_TYPE_NS, 5, 0, NULL);
    g = eh_run1(&h, IP);
    assert_string_equal(g->line, IP " pass");
    eh_end(&h);
}

/* Every server of the reverse zone is lame: the resolver says SERVFAIL
 * for the SOA (and the PTR). The SOA lookup walks up to a zone that
 * answers (PZONE), whose server gives the delegation of the name (RD=0):
 * the zone, its NS names and glue; each is asked for the zone's SOA and
 * refuses or answers without authority: auth-lame names the zone and its
 * servers, and the fix the parent that delegates it (RFC 1034 4.3.2). */
static void test_lame_delegation(void **state)
{
    (void)state;
    h_t h;
    h_init(&h);
    basic(&h);
    parent_zone(&h);
    res(&h, REV, RDC_TYPE_PTR, 2, NULL);
    res(&h, REV, RDC_TYPE_SOA, 2, NULL);
    res(&h, RZONE, RDC_TYPE_SOA, 2, NULL);
    res(&h, RZONE, RDC_TYPE_NS, 2, NULL);
    res(&h, "ns1.example.test", RDC_TYPE_A, 2, NULL);
    srv_ex(&h, PNS, REV, RDC_TYPE_NS, 0, 0,
           "|" RZONE " 3600 NS ns1.example.test;" RZONE " 3600 NS ns2.example.test|"
           "ns1.example.test 3600 A " NS1);
    srv_ex(&h, NS1, RZONE, RDC_TYPE_SOA, 5, 0, NULL); /* REFUSED */
    srv_ex(&h, NS2, RZONE, RDC_TYPE_SOA, 0, 0, NULL); /* no AA */
    got_t *g = eh_run1(&h, IP);
    assert_true(unit_contains(g->line, " auth-lame:warn"));
    assert_string_equal(g->ptr, "PTR " REV " zone=" RZONE " mname=- contact=- serial=0 min=0 "
                                "ns=ns1.example.test,ns2.example.test consistent=1 source=- "
                                "stale=0 resolver=SERVFAIL[] ttl=- error=- parent=" PZONE "\n"
                                "  ns1.example.test " NS1 " refused serial=- asked=0\n"
                                "  ns2.example.test " NS2 " lame serial=- asked=0\n");
    assert_true(unit_contains(
        g->text, "auth-lame: 2 of 2 name server addresses of zone " RZONE ": ns1.example.test (" NS1
                 ") refuses; ns2.example.test (" NS2
                 ") answers without authority\nfix: no listed server serves the "
                 "zone, so resolvers cannot resolve anything in it: ask the "
                 "operator of " RZONE " (servers ns1.example.test, ns2.example.test)"
                 " to serve it on its servers, or whoever keeps the delegation in " PZONE
                 " to delegate it to servers that do\n"));
    assert_int_equal(at_count(&h, PNS, REV, RDC_TYPE_NS), 1);
    /* ns1 from the glue (its A lookup fails) */
    assert_int_equal(at_count(&h, NS1, RZONE, RDC_TYPE_SOA), 1);
    eh_end(&h);

    /* the zone above answers for the name itself (no delegation): the
     * failure stands */
    h_init(&h);
    basic(&h);
    parent_zone(&h);
    res(&h, REV, RDC_TYPE_PTR, 2, NULL);
    res(&h, REV, RDC_TYPE_SOA, 2, NULL);
    res(&h, RZONE, RDC_TYPE_SOA, 2, NULL);
    srv(&h, PNS, REV, RDC_TYPE_NS, 3, NULL);
    g = eh_run1(&h, IP);
    assert_true(unit_contains(g->ptr, " error=the SOA lookup of " REV
                                      " failed with SERVFAIL: cannot find its zone"));
    assert_false(unit_contains(g->line, "auth-lame"));
    eh_end(&h);
}

/* The SOA contact's mail domain takes no mail (Zonemaster's
 * RNAME_MAIL_DOMAIN_INVALID): no MX and no address, NXDOMAIN, or a null
 * MX (RFC 7505): auth-contact, and the no-ptr fix marks the contact and
 * adds the parent zone's. An MX, or only an address (RFC 5321 section
 * 5.1), or a lookup that fails: nothing. */
static void test_contact_undeliverable(void **state)
{
    (void)state;
    static const struct {
        unsigned mx_rcode;
        const char *mx, *a;
        bool bounces;
    } cases[] = {
        {0, NULL, NULL, true}, /* NODATA for all three */
        {3, NULL, NULL, true}, /* NXDOMAIN */
        {0, "@ 300 MX 0 .", "@ 300 A 192.0.2.1", true}, /* null MX */
        {0, "@ 300 MX 10 mail.example.test", NULL, false},
        {0, NULL, "@ 300 A 192.0.2.1", false}, /* the implicit MX */
        {2, NULL, NULL, false}, /* MX SERVFAIL: not known */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        h_t h;
        h_init(&h);
        basic(&h);
        parent_zone(&h);
        res(&h, REV, RDC_TYPE_PTR, 3, NULL);
        res(&h, "example.test", RDC_TYPE_MX, cases[i].mx_rcode, cases[i].mx);
        if (cases[i].a)
            res(&h, "example.test", RDC_TYPE_A, 0, cases[i].a);
        else
            res(&h, "example.test", RDC_TYPE_A, cases[i].mx_rcode == 3 ? 3 : 0, NULL);
        res(&h, "example.test", RDC_TYPE_AAAA, cases[i].mx_rcode == 3 ? 3 : 0, NULL);
        for (int k = 0; k < 2; k++)
            srv(&h, k ? NS2 : NS1, REV, RDC_TYPE_PTR, 3, NULL);
        got_t *g = eh_run1(&h, IP);
        if (cases[i].bounces) {
            assert_string_equal(g->line, IP " fail no-ptr:fail auth-contact:warn");
            assert_true(unit_contains(
                g->text, "auth-contact: the SOA contact hostmaster@example.test of zone " RZONE
                         ": cannot receive mail: example.test has no MX and no address, or a "
                         "null MX (RFC 7505)\nfix: write to the operator of the zone's "
                         "servers (ns1.example.test, ns2.example.test) or to the parent zone " PZONE
                         "'s contact hostmaster@example.test instead"));
            assert_true(unit_contains(g->text,
                                      "ask the operator of " RZONE
                                      ": contact hostmaster@example.test (mail to it bounces), "
                                      "servers ns1.example.test, ns2.example.test; the parent "
                                      "zone " PZONE ": contact hostmaster@example.test (your"));
        } else {
            assert_string_equal(g->line, IP " fail no-ptr:fail");
            assert_false(unit_contains(g->text, "bounces"));
        }
        eh_end(&h);
    }
}

static void test_server_answer_states(void **state)
{
    (void)state;
    static const uint8_t garbage[] = {0xde, 0xad, 0xbe, 0xef, 0x00};
    static const struct {
        const char *what;
        int kind; /* 0 answer, 1 act, 2 garbage */
        unsigned rcode, flags;
        sdns_act_t act;
        const char *rrs;
        const char *state, *text;
    } rows[] = {
        {"no AA", 0, 0, 0, SDNS_ANSWER, "@ 300 PTR mail.example.test", "lame",
         "answers without authority"},
        {"referral", 0, 0, 0, SDNS_ANSWER, "|" REV " 3600 NS ns9.example.net", "lame",
         "answers without authority"},
        {"referral with AA", 0, 0, SDNS_AA, SDNS_ANSWER, "|" REV " 3600 NS ns9.example.net", "lame",
         "answers without authority"},
        {"REFUSED", 0, 5, SDNS_AA, SDNS_ANSWER, NULL, "refused", "refuses"},
        {"SERVFAIL", 0, 2, SDNS_AA, SDNS_ANSWER, NULL, "error", "answers with an error"},
        {"FORMERR", 0, 1, 0, SDNS_ANSWER, NULL, "error", "answers with an error"},
        {"garbage", 2, 0, 0, SDNS_ANSWER, NULL, "error", "answers with an error"},
        {"unreachable", 1, 0, 0, SDNS_UNREACHABLE, NULL, "unreachable", "cannot be reached"},
        {"error", 1, 0, 0, SDNS_ERROR, NULL, "error", "answers with an error"},
        {"timeout", 1, 0, 0, SDNS_TIMEOUT, NULL, "timeout", "does not answer (timed out)"},
    };
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        print_message("ns2: %s\n", rows[i].what);
        h_t h;
        h_init(&h);
        basic(&h);
        if (rows[i].kind == 0)
            srv_ex(&h, NS2, REV, RDC_TYPE_PTR, rows[i].rcode, rows[i].flags, rows[i].rrs);
        else if (rows[i].kind == 1)
            srv_act(&h, NS2, REV, RDC_TYPE_PTR, rows[i].act);
        else
            sdns_rule_raw(h.s, sdns_at(h.s, NS2), REV, RDC_TYPE_PTR, garbage, sizeof garbage);
        got_t *g = eh_run1(&h, IP);
        char want[2048];
        snprintf(want, sizeof want,
                 BASIC_PTR_HEAD "consistent=1 source=OK[mail.example.test] stale=0 "
                                "resolver=OK[mail.example.test] ttl=300 error=-\n"
                                "  ns1.example.test " NS1
                                " ok serial=7 asked=1 answer=OK[mail.example.test]\n"
                                "  ns2.example.test " NS2 " %s serial=7 asked=1\n",
                 rows[i].state);
        assert_string_equal(g->ptr, want);
        assert_string_equal(g->line, IP " warn auth-lame:warn");
        snprintf(want, sizeof want,
                 "auth-lame: 1 of 2 name server addresses of zone " RZONE ": ns2.example.test (" NS2
                 ") %s\n"
                 "fix: ask the operator of " RZONE " (contact hostmaster@example.test; servers "
                 "ns1.example.test, ns2.example.test) to serve the zone on every listed server",
                 rows[i].text);
        assert_true(unit_contains(g->text, want));
        /* a timeout is tried once more, the rest are final */
        assert_int_equal(at_count(&h, NS2, REV, RDC_TYPE_PTR), rows[i].act == SDNS_TIMEOUT ? 2 : 1);
        assert_int_equal(at_count(&h, NS1, REV, RDC_TYPE_PTR), 1);
        eh_end(&h);
    }
}

/* How ns2 answers the zone's SOA: anything but the apex SOA with
 * authority leaves it out of the questions (not asked), in that state. */
static void test_server_soa_states(void **state)
{
    (void)state;
    char soa[512];
    soa_rr(soa, sizeof soa, "@", 3600, 7, 300);
    char nodata[600];
    snprintf(nodata, sizeof nodata, "|%s",
             soa_rr(soa, sizeof soa, "2.0.192.in-addr.arpa", 3600, 7, 300));
    static const struct {
        const char *what;
        int kind; /* 0 answer, 1 act */
        unsigned rcode, flags;
        sdns_act_t act;
        int rrs; /* 0 none, 1 the SOA, 2 NODATA with the SOA in authority */
        const char *state;
    } rows[] = {
        {"SOA without AA", 0, 0, 0, SDNS_ANSWER, 1, "lame"},
        {"NODATA with AA", 0, 0, SDNS_AA, SDNS_ANSWER, 2, "lame"},
        {"NXDOMAIN with AA", 0, 3, SDNS_AA, SDNS_ANSWER, 2, "lame"},
        {"REFUSED", 0, 5, 0, SDNS_ANSWER, 0, "refused"},
        {"timeout", 1, 0, 0, SDNS_TIMEOUT, 0, "timeout"},
        {"unreachable", 1, 0, 0, SDNS_UNREACHABLE, 0, "unreachable"},
    };
    soa_rr(soa, sizeof soa, "@", 3600, 7, 300);
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        print_message("ns2 SOA: %s\n", rows[i].what);
        h_t h;
        h_init(&h);
        basic(&h);
        if (rows[i].kind == 0)
            srv_ex(&h, NS2, RZONE, RDC_TYPE_SOA, rows[i].rcode, rows[i].flags,
                   rows[i].rrs == 1   ? soa
                   : rows[i].rrs == 2 ? nodata
                                      : NULL);
        else
            srv_act(&h, NS2, RZONE, RDC_TYPE_SOA, rows[i].act);
        got_t *g = eh_run1(&h, IP);
        char want[2048];
        snprintf(want, sizeof want,
                 BASIC_PTR_HEAD "consistent=1 source=OK[mail.example.test] stale=0 "
                                "resolver=OK[mail.example.test] ttl=300 error=-\n"
                                "  ns1.example.test " NS1
                                " ok serial=7 asked=1 answer=OK[mail.example.test]\n"
                                "  ns2.example.test " NS2 " %s serial=- asked=0\n",
                 rows[i].state);
        assert_string_equal(g->ptr, want);
        assert_string_equal(g->line, IP " warn auth-lame:warn");
        assert_int_equal(at_count(&h, NS2, REV, RDC_TYPE_PTR), 0);
        assert_int_equal(at_count(&h, NS2, RZONE, RDC_TYPE_SOA),
                         rows[i].act == SDNS_TIMEOUT ? 2 : 1);
        /* the forward zone's SOA was fine: ns2 answers the A */
        assert_int_equal(at_count(&h, NS2, "mail.example.test", RDC_TYPE_A), 1);
        eh_end(&h);
    }
}

/* add_server fails for one server: state error, nothing sent to it; for
 * every server: nothing sent at all. */
static void test_add_server_fails(void **state)
{
    (void)state;
    h_t h;
    h_init(&h);
    basic(&h);
    sdns_fail_add(h.s, NS2);
    got_t *g = eh_run1(&h, IP);
    assert_string_equal(g->ptr,
                        BASIC_PTR_HEAD "consistent=1 source=OK[mail.example.test] stale=0 "
                                       "resolver=OK[mail.example.test] ttl=300 error=-\n"
                                       "  ns1.example.test " NS1 " ok serial=7 asked=1 "
                                       "answer=OK[mail.example.test]\n"
                                       "  ns2.example.test " NS2 " error serial=- asked=0\n");
    assert_true(unit_contains(g->text, "auth-lame: 1 of 2 name server addresses of zone " RZONE
                                       ": ns2.example.test (" NS2 ") answers with an error\n"));
    assert_int_equal(sdns_server_index(h.s, NS2), -1);
    assert_int_equal(at_count(&h, NS2, NULL, 0), 0);
    assert_int_equal(sdns_count(h.s, 2, NULL, 0), 0);
    assert_int_equal(auth_queries(&h), 4);
    eh_end(&h);

    h_init(&h);
    basic(&h);
    sdns_fail_add(h.s, NULL);
    g = eh_run1(&h, IP);
    assert_true(unit_contains(g->ptr, "  ns1.example.test " NS1 " error serial=- asked=0\n"
                                      "  ns2.example.test " NS2 " error serial=- asked=0\n"));
    assert_true(unit_contains(g->ptr, " consistent=1 source=- "));
    assert_int_equal(sdns_nadded(h.s), 0);
    assert_int_equal(sdns_add_calls(h.s), 4);
    assert_int_equal(sdns_count_rd(h.s, false), 0);
    assert_int_equal(auth_queries(&h), 0);
    eh_end(&h);
}

/* Servers that disagree about the answer, or about the serial: the
 * question is inconsistent (auth-inconsistent), without a source. */
static void test_servers_disagree(void **state)
{
    (void)state;
    h_t h;
    h_init(&h);
    basic(&h);
    srv(&h, NS2, REV, RDC_TYPE_PTR, 0, "@ 300 PTR other.example.test");
    got_t *g = eh_run1(&h, IP);
    assert_string_equal(g->line, IP " warn auth-inconsistent:warn");
    assert_string_equal(g->ptr, BASIC_PTR_HEAD
                        "consistent=0 source=- stale=0 resolver=OK[mail.example.test] ttl=300 "
                        "error=-\n"
                        "  ns1.example.test " NS1 " ok serial=7 asked=1 "
                        "answer=OK[mail.example.test]\n"
                        "  ns2.example.test " NS2 " ok serial=7 asked=1 "
                        "answer=OK[other.example.test]\n");
    assert_true(unit_contains(g->text,
                              "auth-inconsistent: the name servers of zone " RZONE
                              " disagree about " REV " PTR: ns1.example.test (" NS1
                              ") serial 7 answers mail.example.test; ns2.example.test (" NS2
                              ") serial 7 answers other.example.test\n"));
    eh_end(&h);

    /* the same answer, another serial */
    h_init(&h);
    basic(&h);
    srv_soa(&h, NS2, RZONE, 8);
    g = eh_run1(&h, IP);
    assert_string_equal(g->line, IP " warn auth-inconsistent:warn");
    assert_true(unit_contains(g->ptr, " consistent=0 source=OK[mail.example.test] "));
    assert_true(unit_contains(g->ptr, "  ns2.example.test " NS2 " ok serial=8 asked=1 "));
    assert_true(unit_contains(g->text, "ns2.example.test (" NS2 ") serial 8 answers "
                                       "mail.example.test\n"));
    /* the forward zone's serials agree */
    assert_true(unit_contains(g->auth, BASIC_FWD));
    eh_end(&h);
}

/* The resolver's cached NXDOMAIN while the zone's servers have the PTR:
 * stale-cache (a note: the zone already has the fix), with the resolver's
 * TTL from the negative answer's SOA, min(SOA TTL, MINIMUM). */
static void test_stale_negative_cache(void **state)
{
    (void)state;
    static const struct {
        unsigned long ttl, minimum, want;
    } rows[] = {{600, 240, 240}, {120, 240, 120}};
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        h_t h;
        h_init(&h);
        basic(&h);
        char soa[512], nx[600];
        snprintf(nx, sizeof nx, "|%s",
                 soa_rr(soa, sizeof soa, RZONE, rows[i].ttl, 7, rows[i].minimum));
        res(&h, REV, RDC_TYPE_PTR, 3, nx);
        got_t *g = eh_run1(&h, IP);
        assert_string_equal(g->line, IP " fail no-ptr:fail stale-cache:info");
        assert_int_equal(g->ptr_ttl, rows[i].want);
        char want[2048];
        snprintf(want, sizeof want,
                 BASIC_PTR_HEAD
                 "consistent=1 source=OK[mail.example.test] stale=1 "
                 "resolver=NXDOMAIN[] ttl=%lu error=-\n"
                 "  ns1.example.test " NS1 " ok serial=7 asked=1 answer=OK[mail.example.test]\n"
                 "  ns2.example.test " NS2 " ok serial=7 asked=1 answer=OK[mail.example.test]\n",
                 rows[i].want);
        assert_string_equal(g->ptr, want);
        assert_string_equal(g->auth, g->ptr); /* no PTR name: no forward question */
        snprintf(want, sizeof want,
                 "stale-cache: the resolver still serves an old answer for " REV
                 " PTR (NXDOMAIN) while the zone's servers answer mail.example.test; the cached "
                 "answer expires in %lu s (at ",
                 rows[i].want);
        assert_true(unit_contains(g->text, want));
        assert_true(unit_contains(g->text, "fix: nothing to fix at the source: wait for the "
                                           "caches to expire (rdnscheck --wait re-checks "
                                           "until then), or flush the resolver's cache\n"));
        eh_end(&h);
    }
}

/* The resolver still has the PTR the zone removed: stale-cache is a
 * warning (the check will fail once the cache expires). */
static void test_stale_positive_cache(void **state)
{
    (void)state;
    h_t h;
    h_init(&h);
    basic(&h);
    char soa[512], nx[600];
    snprintf(nx, sizeof nx, "|%s", soa_rr(soa, sizeof soa, RZONE, 3600, 7, 300));
    srv(&h, NS1, REV, RDC_TYPE_PTR, 3, nx);
    srv(&h, NS2, REV, RDC_TYPE_PTR, 3, nx);
    got_t *g = eh_run1(&h, IP);
    assert_string_equal(g->line, IP " warn stale-cache:warn");
    assert_true(unit_contains(g->ptr, " consistent=1 source=NXDOMAIN[] stale=1 "
                                      "resolver=OK[mail.example.test] ttl=300 "));
    assert_true(unit_contains(g->text,
                              "stale-cache: the resolver still serves an old answer for " REV
                              " PTR (mail.example.test) while the zone's servers answer NXDOMAIN; "
                              "the cached answer expires in 300 s (at "));
    assert_true(unit_contains(g->text, "fix: when the cached answer expires, the check will "
                                       "fail: the zone no longer gives a confirming answer"));
    /* no name from the zone: nothing to look up forward */
    assert_int_equal(g->src_checked, 0);
    assert_int_equal(g->src_confirms, 0);
    eh_end(&h);
}

/* The zone's new PTR names are looked up forward through the resolver
 * (sharing the check's own lookups): whether the zone's answer will pass
 * once the caches have it. */
static void test_stale_source_checked(void **state)
{
    (void)state;
    static const struct {
        const char *what, *name; /* the zone's PTR name */
        unsigned rcode; /* of its A lookup through the resolver */
        const char *a;
        int checked, confirms;
        const char *line, *fix;
    } rows[] = {
        {"resolves back", "new.example.test", 0, "@ 60 A " IP, 1, 1,
         IP " fail no-ptr:fail stale-cache:info",
         "fix: nothing to fix at the source: wait for the caches to expire"},
        {"resolves elsewhere", "new.example.test", 0, "@ 60 A 192.0.2.77", 1, 0,
         IP " fail no-ptr:fail stale-cache:warn",
         "fix: the zone's new PTR (new.example.test) does not resolve back to " IP
         ": give that name an A record " IP
         " too, or the check still fails once the cache expires"},
        {"does not exist", "new.example.test", 3, NULL, 1, 0,
         IP " fail no-ptr:fail stale-cache:warn",
         "fix: the zone's new PTR (new.example.test) does not resolve back to " IP},
        {"lookup fails", "new.example.test", 2, NULL, 0, 0, IP " fail no-ptr:fail stale-cache:info",
         "fix: nothing to fix at the source: wait for the caches to expire"},
    };
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        print_message("%s\n", rows[i].what);
        h_t h;
        h_init(&h);
        basic(&h);
        char soa[512], nx[600], ptr[300];
        snprintf(nx, sizeof nx, "|%s", soa_rr(soa, sizeof soa, RZONE, 3600, 7, 300));
        res(&h, REV, RDC_TYPE_PTR, 3, nx);
        snprintf(ptr, sizeof ptr, "@ 300 PTR %s", rows[i].name);
        srv(&h, NS1, REV, RDC_TYPE_PTR, 0, ptr);
        srv(&h, NS2, REV, RDC_TYPE_PTR, 0, ptr);
        res(&h, rows[i].name, RDC_TYPE_A, rows[i].rcode, rows[i].a);
        got_t *g = eh_run1(&h, IP);
        assert_string_equal(g->line, rows[i].line);
        assert_int_equal(g->src_checked, rows[i].checked);
        assert_int_equal(g->src_confirms, rows[i].confirms);
        assert_true(unit_contains(g->text, rows[i].fix));
        /* one forward lookup of the name, however many servers gave it */
        assert_int_equal(sdns_count(h.s, RES, rows[i].name, RDC_TYPE_A), 1);
        eh_end(&h);
    }

    /* the check's own PTR name, given by the zone too: its forward lookup
     * is shared, not repeated */
    h_t h;
    h_init(&h);
    basic(&h);
    got_t *g = eh_run1(&h, IP);
    assert_int_equal(g->src_checked, 1);
    assert_int_equal(g->src_confirms, 1);
    assert_int_equal(sdns_count(h.s, RES, "mail.example.test", RDC_TYPE_A), 1);
    eh_end(&h);
}

/* RFC 2317: the reverse name is a CNAME into another zone; the servers of
 * the target's zone are asked for the target name. */
static void test_rfc2317_cname(void **state)
{
    (void)state;
    h_t h;
    h_init(&h);
    basic(&h);
#define CZONE "0-25.2.0.192.in-addr.arpa"
#define TARGET "10." CZONE
    res(&h, REV, RDC_TYPE_PTR, 0, "@ 300 CNAME " TARGET ";" TARGET " 300 PTR mail.example.test");
    char soa[512], rrs[800];
    snprintf(rrs, sizeof rrs, "@ 300 CNAME " TARGET "|%s",
             soa_rr(soa, sizeof soa, RZONE, 3600, 7, 300));
    res(&h, REV, RDC_TYPE_SOA, 0, rrs); /* the CNAME, then NODATA: asked again for the target */
    res_soa(&h, TARGET, CZONE, 3);
    zone_servers(&h, CZONE, 3, "ns.customer.test=203.0.113.53");
    srv(&h, "203.0.113.53", TARGET, RDC_TYPE_PTR, 0, "@ 300 PTR mail.example.test");
    got_t *g = eh_run1(&h, IP);
    assert_string_equal(g->ptr, "PTR " TARGET " zone=" CZONE " mname=ns1.example.test "
                                "contact=hostmaster@example.test serial=3 min=300 "
                                "ns=ns.customer.test consistent=1 source=OK[mail.example.test] "
                                "stale=0 resolver=OK[mail.example.test] ttl=300 error=-\n"
                                "  ns.customer.test 203.0.113.53 ok serial=3 asked=1 "
                                "answer=OK[mail.example.test]\n");
    assert_int_equal(at_count(&h, "203.0.113.53", TARGET, RDC_TYPE_PTR), 1);
    assert_int_equal(at_count(&h, "203.0.113.53", REV, 0), 0);
    assert_int_equal(sdns_count(h.s, RES, RZONE, RDC_TYPE_NS), 0);
    assert_int_equal(sdns_count(h.s, RES, CZONE, RDC_TYPE_NS), 1);
    assert_int_equal(sdns_count(h.s, RES, TARGET, RDC_TYPE_SOA), 1);
    assert_int_equal(at_count(&h, NS1, REV, 0), 0);
    eh_end(&h);
#undef CZONE
#undef TARGET
}

/* Two PTR names in two zones: a forward question each, in name order,
 * each with the resolver's view of its own name. */
static void test_two_names(void **state)
{
    (void)state;
    h_t h;
    h_init(&h);
    basic(&h);
    res(&h, REV, RDC_TYPE_PTR, 0, "@ 300 PTR mail.example.test;@ 300 PTR mx.example.net");
    res(&h, "mx.example.net", RDC_TYPE_A, 0, "@ 900 A " IP ";@ 900 A 192.0.2.99");
    res_soa(&h, "mx.example.net", "example.net", 5);
    zone_servers(&h, "example.net", 5, "a.ns.example.net=203.0.113.1");
    srv(&h, "203.0.113.1", "mx.example.net", RDC_TYPE_A, 0, "@ 900 A 192.0.2.99;@ 900 A " IP);
    for (int i = 0; i < 2; i++)
        srv(&h, i ? NS2 : NS1, REV, RDC_TYPE_PTR, 0,
            "@ 300 PTR mail.example.test;@ 300 PTR mx.example.net");
    got_t *g = eh_run1(&h, IP);
    assert_int_equal(g->nforward, 2);
    assert_true(unit_contains(g->auth, "  ns2.example.test " NS2 " ok serial=7 asked=1 "
                                       "answer=OK[mail.example.test,mx.example.net]\n" BASIC_FWD
                                       "A mx.example.net zone=example.net "));
    assert_true(unit_contains(g->auth, "consistent=1 source=OK[192.0.2.99," IP "] stale=0 "
                                       "resolver=OK[" IP ",192.0.2.99] ttl=900 error=-\n"
                                       "  a.ns.example.net 203.0.113.1 ok serial=5 asked=1 "
                                       "answer=OK[192.0.2.99," IP "]\n"));
    assert_true(unit_contains(g->auth, " source=OK[mail.example.test,mx.example.net] stale=0 "
                                       "resolver=OK[mail.example.test,mx.example.net] "));
    eh_end(&h);
}

/* Two PTR names in one zone: both questions wait for the zone together;
 * the zone's NS lookup and SOA queries happen once. */
static void test_two_names_one_zone(void **state)
{
    (void)state;
    h_t h;
    h_init(&h);
    basic(&h);
    res(&h, REV, RDC_TYPE_PTR, 0, "@ 300 PTR mail.example.test;@ 300 PTR smtp.example.test");
    res(&h, "smtp.example.test", RDC_TYPE_A, 0, "@ 60 A " IP);
    res_soa(&h, "smtp.example.test", FZONE, 42);
    for (int i = 0; i < 2; i++) {
        const char *a = i ? NS2 : NS1;
        srv(&h, a, REV, RDC_TYPE_PTR, 0, "@ 300 PTR smtp.example.test;@ 300 PTR mail.example.test");
        srv(&h, a, "smtp.example.test", RDC_TYPE_A, 0, "@ 60 A " IP);
    }
    got_t *g = eh_run1(&h, IP);
    assert_string_equal(g->line, IP " pass");
    assert_int_equal(g->nforward, 2);
    assert_true(unit_contains(g->auth, "answer=OK[smtp.example.test,mail.example.test]\n" BASIC_FWD
                                       "A smtp.example.test zone=" FZONE " "));
    assert_true(unit_contains(g->auth, "resolver=OK[" IP "] ttl=60 error=-\n"
                                       "  ns1.example.test " NS1
                                       " ok serial=42 asked=1 answer=OK[" IP "]\n"));
    assert_int_equal(sdns_count(h.s, RES, FZONE, RDC_TYPE_NS), 1);
    for (int i = 0; i < 2; i++) {
        const char *a = i ? NS2 : NS1;
        assert_int_equal(at_count(&h, a, FZONE, RDC_TYPE_SOA), 1);
        assert_int_equal(at_count(&h, a, "smtp.example.test", RDC_TYPE_A), 1);
        assert_int_equal(at_count(&h, a, "mail.example.test", RDC_TYPE_A), 1);
    }
    eh_end(&h);
}

/* The resolver's cached A that the zone changed: stale-cache on the
 * forward question, a warning (the address left the name). */
static void test_stale_forward(void **state)
{
    (void)state;
    h_t h;
    h_init(&h);
    basic(&h);
    srv(&h, NS1, "mail.example.test", RDC_TYPE_A, 0, "@ 600 A 192.0.2.77");
    srv(&h, NS2, "mail.example.test", RDC_TYPE_A, 0, "@ 600 A 192.0.2.77");
    got_t *g = eh_run1(&h, IP);
    assert_string_equal(g->line, IP " warn stale-cache:warn");
    assert_string_equal(g->ptr, BASIC_PTR);
    assert_true(unit_contains(g->auth, "consistent=1 source=OK[192.0.2.77] stale=1 resolver=OK[" IP
                                       "] ttl=600 error=-\n"));
    assert_true(unit_contains(g->text, "stale-cache: the resolver still serves an old answer "
                                       "for mail.example.test A (" IP
                                       ") while the zone's servers answer 192.0.2.77; the "
                                       "cached answer expires in 600 s"));
    eh_end(&h);
}

/* An IPv6 address: ip6.arpa zone, AAAA question of its name, a server
 * with an IPv6 address only. */
static void test_ipv6(void **state)
{
    (void)state;
    h_t h;
    h_init(&h);
#define V6 "2001:db8::25"
#define V6REV "5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa"
#define V6ZONE "8.b.d.0.1.0.0.2.ip6.arpa"
    res(&h, V6REV, RDC_TYPE_PTR, 0, "@ 300 PTR mail6.example.test");
    res(&h, "mail6.example.test", RDC_TYPE_AAAA, 0, "@ 600 AAAA " V6);
    res_soa(&h, V6REV, V6ZONE, 11);
    res_soa(&h, "mail6.example.test", FZONE, 42);
    zone_servers(&h, V6ZONE, 11, "ns6.example.test=2001:db8::53");
    zone_servers(&h, FZONE, 42, TWO_NS);
    srv(&h, "2001:db8::53", V6REV, RDC_TYPE_PTR, 0, "@ 300 PTR mail6.example.test");
    srv(&h, NS1, "mail6.example.test", RDC_TYPE_AAAA, 0, "@ 600 AAAA " V6);
    srv(&h, NS2, "mail6.example.test", RDC_TYPE_AAAA, 0, "@ 600 AAAA 2001:db8::26");
    got_t *g = eh_run1(&h, V6);
    assert_string_equal(g->line, V6 " warn auth-inconsistent:warn");
    assert_true(unit_contains(g->auth, "PTR " V6REV " zone=" V6ZONE " "));
    assert_true(unit_contains(g->auth, "  ns6.example.test 2001:db8::53 ok serial=11 asked=1 "
                                       "answer=OK[mail6.example.test]\n"
                                       "AAAA mail6.example.test zone=" FZONE " "));
    assert_true(unit_contains(g->auth, "consistent=0 source=- stale=0 resolver=OK[" V6
                                       "] ttl=600 error=-\n"));
    assert_int_equal(at_count(&h, NS2, "mail6.example.test", RDC_TYPE_AAAA), 1);
    assert_int_equal(at_count(&h, NS2, "mail6.example.test", RDC_TYPE_A), 0);
    eh_end(&h);
#undef V6
#undef V6REV
#undef V6ZONE
}

/* The run stopped while direct queries (or the zone's lookups) are held,
 * then everything freed, the resolver first: the held queries' callbacks
 * run cancelled and free what they hold (ASan's leak check sees the rest). */
static void test_freed_with_held_queries(void **state)
{
    (void)state;
    for (int which = 0; which < 5; which++) {
        h_t h;
        h_init(&h);
        basic(&h);
        h.stop_when_held = true;
        if (which == 0)
            srv_act(&h, NS2, REV, RDC_TYPE_PTR, SDNS_HOLD); /* a question's query */
        else if (which == 1)
            srv_act(&h, NS1, RZONE, RDC_TYPE_SOA, SDNS_HOLD); /* the zone's SOA */
        else if (which == 2)
            res_act(&h, RZONE, RDC_TYPE_NS, SDNS_HOLD); /* the NS lookup */
        else if (which == 3)
            res_act(&h, "ns2.example.test", RDC_TYPE_AAAA, SDNS_HOLD); /* an NS address */
        else {
            /* the forward lookup of a name only the zone's servers give */
            srv(&h, NS1, REV, RDC_TYPE_PTR, 0, "@ 300 PTR new.example.test");
            res_act(&h, "new.example.test", RDC_TYPE_A, SDNS_HOLD);
        }
        const char *const t[] = {IP, "192.0.2.11"};
        res_soa(&h, "11.2.0.192.in-addr.arpa", RZONE, 7);
        assert_int_equal(eh_run(&h, t, 2), RDC_RUN_STOPPED);
        assert_int_equal(h.n, 0);
        assert_true(sdns_held(h.s) >= 1);
        assert_int_equal(sdns_pending(h.s), sdns_held(h.s));
        if (which < 2 || which == 4)
            assert_int_equal(sdns_held(h.s), 1);
        if (which == 4) /* every question answered: only that lookup is out */
            assert_int_equal(at_count(&h, NS2, REV, RDC_TYPE_PTR), 1);
        if (which == 1) /* the questions wait for the zone: none asked */
            assert_int_equal(sdns_count(h.s, -1, REV, RDC_TYPE_PTR), 1);
        eh_end(&h);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sdns_added_servers),
        cmocka_unit_test(test_consistent_zone),
        cmocka_unit_test(test_option_off),
        cmocka_unit_test(test_without_add_server),
        cmocka_unit_test(test_zone_cached_across_block),
        cmocka_unit_test(test_zone_cached_across_targets),
        cmocka_unit_test(test_zone_cache_evicts),
        cmocka_unit_test(test_zone_cache_cap_in_flight),
        cmocka_unit_test(test_soa_walks_up),
        cmocka_unit_test(test_soa_walk_to_root),
        cmocka_unit_test(test_soa_owner_not_ancestor),
        cmocka_unit_test(test_soa_lookup_fails),
        cmocka_unit_test(test_ns_lookup_fails),
        cmocka_unit_test(test_ns_names_filtered_and_capped),
        cmocka_unit_test(test_ns_addresses),
        cmocka_unit_test(test_ns_without_addresses),
        cmocka_unit_test(test_ns_sorted_and_findings),
        cmocka_unit_test(test_negative_ttl),
        cmocka_unit_test(test_zone_serial_highest),
        cmocka_unit_test(test_locally_served_zone),
        cmocka_unit_test(test_delegation_mismatch),
        cmocka_unit_test(test_lame_delegation),
        cmocka_unit_test(test_contact_undeliverable),
        cmocka_unit_test(test_server_answer_states),
        cmocka_unit_test(test_server_soa_states),
        cmocka_unit_test(test_add_server_fails),
        cmocka_unit_test(test_servers_disagree),
        cmocka_unit_test(test_stale_negative_cache),
        cmocka_unit_test(test_stale_positive_cache),
        cmocka_unit_test(test_stale_source_checked),
        cmocka_unit_test(test_rfc2317_cname),
        cmocka_unit_test(test_two_names),
        cmocka_unit_test(test_two_names_one_zone),
        cmocka_unit_test(test_stale_forward),
        cmocka_unit_test(test_ipv6),
        cmocka_unit_test(test_freed_with_held_queries),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
