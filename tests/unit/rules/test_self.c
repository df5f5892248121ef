/* test_self.c - --self's pure parts and its socket layer: postconf and
 * exim -bP output (mtaconf.c), the address choice per family
 * (selfplan.c), and the kernel route, bind test and whoami question
 * (selfaddr.c) with every socket call scripted. */
#include "unit.h"

#include <errno.h>
#include <netinet/in.h>

#include "mtaconf.h"
#include "selfaddr.h"
#include "selfplan.h"

#define S(x) x, sizeof(x) - 1

static rdc_addr_t A(const char *s)
{
    rdc_addr_t a;
    assert_true(rdc_addr_parse(s, strlen(s), &a));
    return a;
}

/* ------------------------------------------------------------ postconf */

static void test_postconf_defaults(void **state)
{
    (void)state;
    rdc_mta_conf_t m;
    rdc_postconf_read(S("inet_protocols = all\ninet_interfaces = all\nsmtp_bind_address =\n"
                        "smtp_bind_address6 =\nsmtp_bind_address_enforce = no\n"
                        "smtp_helo_name = mx.example.com\nmyhostname = mx.example.com\n"),
                      &m);
    assert_int_equal(m.kind, RDC_MTA_POSTFIX);
    assert_true(m.v4 && m.v6);
    assert_false(m.bind[0].set || m.bind[1].set);
    assert_string_equal(m.helo, "mx.example.com");
    assert_string_equal(m.helo_param, "myhostname"); /* the default $myhostname */
    assert_false(m.enforce);
}

static void test_postconf_binds(void **state)
{
    (void)state;
    rdc_mta_conf_t m;
    rdc_postconf_read(S("inet_protocols = ipv4, ipv6\ninet_interfaces = all\n"
                        "smtp_bind_address = [192.0.2.10]\nsmtp_bind_address6 = 2001:db8::10\n"
                        "smtp_bind_address_enforce = yes\nsmtp_helo_name = out.example.com\n"
                        "myhostname = mx.example.com\n"),
                      &m);
    assert_true(m.v4 && m.v6 && m.enforce);
    assert_true(m.bind[0].valid && m.bind[1].valid);
    assert_true(rdc_addr_equal(&m.bind[0].addr, &(rdc_addr_t){0}) == false);
    rdc_addr_t a = A("192.0.2.10"), b = A("2001:db8::10");
    assert_true(rdc_addr_equal(&m.bind[0].addr, &a));
    assert_true(rdc_addr_equal(&m.bind[1].addr, &b));
    assert_string_equal(m.bind[0].param, "smtp_bind_address");
    assert_string_equal(m.helo_param, "smtp_helo_name");
    assert_string_equal(m.helo, "out.example.com");
}

/* master.cf's "smtp -o" overrides win; other services' do not count */
static void test_postconf_master_override(void **state)
{
    (void)state;
    rdc_mta_conf_t m;
    rdc_postconf_read(S("inet_protocols = ipv4\ninet_interfaces = all\nsmtp_bind_address =\n"
                        "myhostname = mx.example.com\nsmtp_helo_name = mx.example.com\n"
                        "relay/unix/smtp_bind_address = 198.51.100.9\n"
                        "smtp/unix/smtp_bind_address = 198.51.100.7\n"
                        "smtp/unix/smtp_helo_name = out.example.com\n"),
                      &m);
    assert_true(m.v4 && !m.v6);
    assert_true(m.bind[0].valid);
    rdc_addr_t a = A("198.51.100.7");
    assert_true(rdc_addr_equal(&m.bind[0].addr, &a));
    assert_string_equal(m.bind[0].param, "master.cf smtp -o smtp_bind_address");
    assert_string_equal(m.helo, "out.example.com");
    assert_string_equal(m.helo_param, "master.cf smtp -o smtp_helo_name");
}

/* postconf(5) smtp_bind_address Note 1: one non-loopback address of a
 * family in inet_interfaces is used as its bind address */
static void test_postconf_single_interface(void **state)
{
    (void)state;
    rdc_mta_conf_t m;
    rdc_postconf_read(S("inet_protocols = all\n"
                        "inet_interfaces = 192.0.2.20, [::1]\n"
                        "myhostname = mx.example.com\n"),
                      &m);
    assert_true(m.bind[0].valid);
    assert_string_equal(m.bind[0].text, "192.0.2.20");
    assert_true(unit_contains(m.bind[0].param, "inet_interfaces"));
    assert_false(m.bind[1].set); /* ::1 is loopback */
    rdc_postconf_read(S("inet_protocols = all\ninet_interfaces = 192.0.2.20, 192.0.2.21\n"), &m);
    assert_false(m.bind[0].set); /* two: Postfix binds to neither */
    rdc_postconf_read(S("inet_protocols = all\ninet_interfaces = 192.0.2.20, 127.0.0.1\n"), &m);
    assert_false(m.bind[0].set); /* "no more than one IPv4 address": loopback counts */
    rdc_postconf_read(S("inet_protocols = all\ninet_interfaces = loopback-only\n"), &m);
    assert_false(m.bind[0].set);
}

static void test_postconf_bad_values(void **state)
{
    (void)state;
    rdc_mta_conf_t m;
    rdc_postconf_read(S("inet_protocols = ipv5\nsmtp_bind_address = mail.example.com\n"
                        "smtp_bind_address6 = 192.0.2.1\n"
                        "smtp_helo_name = $undefined_thing\n"),
                      &m);
    assert_int_equal(m.kind, RDC_MTA_POSTFIX);
    assert_false(m.v4 || m.v6);
    assert_true(unit_contains(m.note, "ipv5"));
    assert_true(m.bind[0].set && !m.bind[0].valid);
    assert_true(m.bind[1].set && !m.bind[1].valid); /* an IPv4 address for IPv6 */
    assert_string_equal(m.helo, "");
    /* not postconf output at all */
    rdc_postconf_read(S("postconf: fatal: open /nonexistent/main.cf: No such file\n"), &m);
    assert_int_equal(m.kind, RDC_MTA_NONE);
    rdc_postconf_read(S(""), &m);
    assert_int_equal(m.kind, RDC_MTA_NONE);
}

/* ------------------------------------------------------------ exim */

static void test_exim(void **state)
{
    (void)state;
    rdc_mta_conf_t m;
    rdc_exim_read(S("primary_hostname = mx.example.org\nno_disable_ipv6\n"
                    "remote_smtp:\n  driver = smtp\n  helo_data = $primary_hostname\n"
                    "  interface = <; 192.0.2.30 ; 2001:db8::30\n"),
                  &m);
    assert_int_equal(m.kind, RDC_MTA_EXIM);
    assert_true(m.v4 && m.v6);
    assert_string_equal(m.helo, "mx.example.org");
    assert_string_equal(m.helo_param, "primary_hostname");
    assert_true(m.bind[0].valid && m.bind[1].valid);
    assert_string_equal(m.bind[1].text, "2001:db8::30");
    rdc_exim_read(S("primary_hostname = mx.example.org\ndisable_ipv6\n"
                    "helo_data = out.example.org\ninterface = 192.0.2.31\n"),
                  &m);
    assert_false(m.v6);
    assert_string_equal(m.helo, "out.example.org");
    assert_true(m.bind[0].valid);
    rdc_exim_read(S("primary_hostname = mx.example.org\n"
                    "helo_data = ${lookup{$sending_ip_address}lsearch{/etc/helo}}\n"
                    "interface = ${if eq{1}{1}{192.0.2.1}}\n"),
                  &m);
    assert_string_equal(m.helo, "");
    assert_false(m.bind[0].set);
    assert_true(unit_contains(m.note, "expanded at delivery time"));
}

static void count_pair(void *ctx, const char *name, const char *value)
{
    (*(size_t *)ctx)++;
    assert_true(unit_printable(name) && unit_printable(value));
}

static void test_pairs_hostile(void **state)
{
    (void)state;
    size_t n = 0;
    const char text[] = "a = \x01\xff\nb\n= x\n#c = d\n  e=  f  \r\n\0g = h";
    assert_int_equal(rdc_conf_pairs(text, sizeof text - 1, count_pair, &n), 3);
    assert_int_equal(n, 3); /* a, b and e; a line that starts with NUL is garbage */
}

/* ------------------------------------------------------------ the plan */

static rdc_self_in_t plan_in(rdc_mta_conf_t *m)
{
    rdc_self_in_t in;
    memset(&in, 0, sizeof in);
    in.mta = m;
    in.want[0] = in.want[1] = true;
    for (int k = 0; k < 2; k++) {
        in.route[k].ok = true;
        in.route[k].toward = A(k ? "2001:4860:4860::8888" : "8.8.8.8");
        in.route[k].src = A(k ? "2001:db8::5" : "192.0.2.5");
    }
    return in;
}

static void test_plan_kernel_only(void **state)
{
    (void)state;
    rdc_mta_conf_t m = {0};
    rdc_self_in_t in = plan_in(&m);
    in.route[1].ok = false;
    snprintf(in.route[1].err, sizeof in.route[1].err, "Network is unreachable");
    rdc_self_t s = {0};
    rdc_self_plan(&in, &s);
    assert_int_equal(s.fam[0].state, RDC_SELF_S_CHECK);
    assert_false(s.fam[0].nat);
    assert_true(unit_contains(s.fam[0].source, "kernel source address for IPv4"));
    assert_int_equal(s.fam[1].state, RDC_SELF_S_SKIPPED);
    assert_true(unit_contains(s.fam[1].why, "no IPv6 route"));
    assert_true(unit_contains(s.fam[1].why, "Network is unreachable"));
}

static void test_plan_postfix(void **state)
{
    (void)state;
    rdc_mta_conf_t m;
    rdc_postconf_read(S("inet_protocols = ipv4\nsmtp_bind_address = 192.0.2.10\n"), &m);
    rdc_self_in_t in = plan_in(&m);
    in.bind_local[0] = true;
    rdc_self_t s = {0};
    rdc_self_plan(&in, &s);
    rdc_addr_t a = A("192.0.2.10");
    assert_true(rdc_addr_equal(&s.fam[0].addr, &a));
    assert_string_equal(s.fam[0].source, "Postfix smtp_bind_address");
    assert_false(s.fam[0].has_problem);
    assert_int_equal(s.fam[1].state, RDC_SELF_S_SKIPPED);
    assert_true(unit_contains(s.fam[1].why, "inet_protocols = ipv4"));
}

/* a bind address the host lacks: Postfix warns and uses the kernel's
 * address; with smtp_bind_address_enforce (or Exim) the mail waits */
static void test_plan_bind_missing(void **state)
{
    (void)state;
    rdc_mta_conf_t m;
    rdc_postconf_read(S("inet_protocols = all\nsmtp_bind_address = 192.0.2.99\n"), &m);
    rdc_self_in_t in = plan_in(&m);
    snprintf(in.bind_err[0], sizeof in.bind_err[0], "Cannot assign requested address");
    rdc_self_t s = {0};
    rdc_self_plan(&in, &s);
    rdc_addr_t k = A("192.0.2.5");
    assert_true(rdc_addr_equal(&s.fam[0].addr, &k));
    assert_true(s.fam[0].has_problem);
    assert_int_equal(s.fam[0].problem_sev, RDC_SEV_WARN);
    assert_true(unit_contains(s.fam[0].problem, "Cannot assign requested address"));
    m.enforce = true;
    rdc_self_plan(&in, &s);
    assert_int_equal(s.fam[0].problem_sev, RDC_SEV_FAIL);
    assert_true(unit_contains(s.fam[0].problem, "deferred"));
    /* not an address at all */
    rdc_postconf_read(S("inet_protocols = all\nsmtp_bind_address6 = mail.example.com\n"), &m);
    rdc_self_plan(&in, &s);
    assert_true(s.fam[1].has_problem);
    assert_int_equal(s.fam[1].problem_sev, RDC_SEV_FAIL);
}

static void test_plan_nat(void **state)
{
    (void)state;
    rdc_mta_conf_t m = {0};
    rdc_self_in_t in = plan_in(&m);
    in.route[0].src = A("10.0.0.5");
    in.want[1] = false;
    rdc_self_t s = {0};
    rdc_self_plan(&in, &s);
    assert_true(s.fam[0].nat);
    assert_true(unit_contains(s.fam[1].why, "-4"));
    rdc_addr_t pub = A("198.51.100.20");
    rdc_self_nat(&s.fam[0], &pub, "whoami myip.opendns.com@208.67.222.222", NULL);
    assert_true(rdc_addr_equal(&s.fam[0].addr, &pub));
    assert_true(unit_contains(s.fam[0].public_via, "local address 10.0.0.5 is behind NAT"));
    rdc_self_nat(&s.fam[0], NULL, NULL, "x@192.0.2.1: timed out");
    assert_int_equal(s.fam[0].state, RDC_SELF_S_UNKNOWN);
    assert_true(unit_contains(s.fam[0].why, "timed out"));
    assert_true(unit_contains(s.fam[0].why, "--whoami"));
}

static void test_finish(void **state)
{
    (void)state;
    rdc_self_t s = {0};
    snprintf(s.helo, sizeof s.helo, "mx.example.com");
    s.fam[0] = (rdc_self_family_t){.family = 4, .state = RDC_SELF_S_CHECK, .addr = A("192.0.2.1")};
    s.fam[1] =
        (rdc_self_family_t){.family = 6, .state = RDC_SELF_S_CHECK, .addr = A("2001:db8::1")};
    rdc_result_t r = {.verdict = RDC_PASS};
    rdc_self_note(&s.fam[0], &r);
    r.verdict = RDC_FAIL;
    rdc_self_note(&s.fam[1], &r);
    rdc_self_finish(&s);
    assert_int_equal(s.verdict, RDC_FAIL); /* IPv4 fine, IPv6 forgotten */
    assert_string_equal(s.summary, "this host sends mail as mx.example.com from 192.0.2.1 IPv4 "
                                   "and 2001:db8::1 IPv6: fail");
    s.fam[0].state = s.fam[1].state = RDC_SELF_S_SKIPPED;
    rdc_self_finish(&s);
    assert_int_equal(s.verdict, RDC_TEMPFAIL);
}

/* ------------------------------------------------------------ sockets */

/* A scripted socket layer: what connect/bind/getsockname/wait/recv do. */
typedef struct script {
    int connect_errno, bind_errno;
    rdc_addr_t name; /* getsockname's answer */
    int waits; /* wait(): answers to give before timing out */
    uint8_t reply[512];
    size_t reply_len;
    bool echo_id; /* copy the query's id into the reply */
    uint16_t qid;
    unsigned sends, closes, sockets;
} script_t;

static int s_socket(void *ctx, int d, int t, int p)
{
    (void)d, (void)t, (void)p;
    ((script_t *)ctx)->sockets++;
    return 42;
}

static int s_connect(void *ctx, int fd, const struct sockaddr *sa, socklen_t len)
{
    script_t *s = ctx;
    (void)fd, (void)sa, (void)len;
    errno = s->connect_errno;
    return s->connect_errno ? -1 : 0;
}

static int s_bind(void *ctx, int fd, const struct sockaddr *sa, socklen_t len)
{
    script_t *s = ctx;
    (void)fd, (void)sa, (void)len;
    errno = s->bind_errno;
    return s->bind_errno ? -1 : 0;
}

static int s_getsockname(void *ctx, int fd, struct sockaddr *sa, socklen_t *len)
{
    script_t *s = ctx;
    (void)fd;
    if (s->name.family == 4) {
        struct sockaddr_in *s4 = (struct sockaddr_in *)sa;
        memset(s4, 0, sizeof *s4);
        s4->sin_family = AF_INET;
        memcpy(&s4->sin_addr, s->name.b, 4);
        *len = sizeof *s4;
    } else {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)sa;
        memset(s6, 0, sizeof *s6);
        s6->sin6_family = AF_INET6;
        memcpy(&s6->sin6_addr, s->name.b, 16);
        *len = sizeof *s6;
    }
    return 0;
}

static ssize_t s_send(void *ctx, int fd, const void *buf, size_t len)
{
    script_t *s = ctx;
    (void)fd;
    const uint8_t *q = buf;
    s->qid = (uint16_t)(q[0] << 8 | q[1]);
    assert_int_equal(q[2] & 0x01, 0); /* RD clear: the server answers itself */
    s->sends++;
    return (ssize_t)len;
}

static int s_wait(void *ctx, int fd, int ms)
{
    script_t *s = ctx;
    (void)fd, (void)ms;
    return s->waits-- > 0 ? 1 : 0;
}

static ssize_t s_recv(void *ctx, int fd, void *buf, size_t len)
{
    script_t *s = ctx;
    (void)fd;
    assert_true(len >= s->reply_len);
    memcpy(buf, s->reply, s->reply_len);
    if (s->echo_id) {
        ((uint8_t *)buf)[0] = (uint8_t)(s->qid >> 8);
        ((uint8_t *)buf)[1] = (uint8_t)s->qid;
    }
    return (ssize_t)s->reply_len;
}

static int s_close(void *ctx, int fd)
{
    (void)fd;
    ((script_t *)ctx)->closes++;
    return 0;
}

static rdc_sockops_t ops_for(script_t *s)
{
    return (rdc_sockops_t){s_socket, s_connect, s_bind, s_getsockname, s_send, s_wait,
                           s_recv,   s_close,   s};
}

static void test_route(void **state)
{
    (void)state;
    script_t s = {.name = A("192.0.2.5")};
    rdc_sockops_t ops = ops_for(&s);
    rdc_addr_t dest = A("8.8.8.8"), src;
    char err[128];
    assert_true(rdc_route_source(&ops, &dest, &src, err, sizeof err));
    assert_true(rdc_addr_equal(&src, &s.name));
    s.connect_errno = ENETUNREACH;
    assert_false(rdc_route_source(&ops, &dest, &src, err, sizeof err));
    assert_string_equal(err, strerror(ENETUNREACH));
    assert_int_equal(s.sockets, s.closes); /* every socket closed */
    assert_int_equal(s.sends, 0); /* a route, not a packet */
    s.bind_errno = EADDRNOTAVAIL;
    assert_false(rdc_addr_is_local(&ops, &dest, err, sizeof err));
    assert_string_equal(err, strerror(EADDRNOTAVAIL));
    s.bind_errno = 0;
    assert_true(rdc_addr_is_local(&ops, &dest, err, sizeof err));
}

/* whoami.test A: id, QR|AA, one question, one A 198.51.100.20 */
static const uint8_t reply_a[] = {
    0,   0, 0x84, 0, 0, 1, 0,    1,  0, 0, 0, 0, 6, 'w', 'h', 'o', 'a', 'm', 'i', 4,  't', 'e', 's',
    't', 0, 0,    1, 0, 1, 0xc0, 12, 0, 1, 0, 1, 0, 0,   0,   60,  0,   4,   198, 51, 100, 20};

static void test_whoami(void **state)
{
    (void)state;
    uint8_t qname[] = {6, 'w', 'h', 'o', 'a', 'm', 'i', 4, 't', 'e', 's', 't', 0};
    rdc_addr_t server = A("127.0.0.1"), local = A("10.0.0.5"), out;
    rdc_whoami_q_t q = {.qname = qname,
                        .family = 4,
                        .server = &server,
                        .local = &local,
                        .timeout_ms = 10,
                        .tries = 2,
                        .id = 0x1234};
    script_t s = {.waits = 1, .echo_id = true};
    memcpy(s.reply, reply_a, sizeof reply_a);
    s.reply_len = sizeof reply_a;
    rdc_sockops_t ops = ops_for(&s);
    char err[160];
    assert_true(rdc_whoami_ask(&ops, &q, &out, err, sizeof err));
    rdc_addr_t want = A("198.51.100.20");
    assert_true(rdc_addr_equal(&out, &want));
    assert_int_equal(s.qid, 0x1234);
    /* timeout: both tries sent, then "timed out" */
    s = (script_t){.waits = 0};
    assert_false(rdc_whoami_ask(&ops, &q, &out, err, sizeof err));
    assert_string_equal(err, "timed out");
    assert_int_equal(s.sends, 2);
    /* garbage: a datagram that is no DNS message ends the question */
    s = (script_t){.waits = 1, .echo_id = true, .reply_len = 7};
    memcpy(s.reply, "\0\0garbag", 7);
    assert_false(rdc_whoami_ask(&ops, &q, &out, err, sizeof err));
    assert_true(unit_contains(err, "unusable answer"));
    /* another id is not ours: waited past, then timed out */
    s = (script_t){.waits = 1, .echo_id = false, .reply_len = sizeof reply_a};
    memcpy(s.reply, reply_a, sizeof reply_a);
    assert_false(rdc_whoami_ask(&ops, &q, &out, err, sizeof err));
    assert_string_equal(err, "timed out");
    /* an answer of the wrong family: A asked over IPv6 is no answer */
    q.family = 6;
    s = (script_t){.waits = 1, .echo_id = true, .reply_len = sizeof reply_a};
    memcpy(s.reply, reply_a, sizeof reply_a);
    assert_false(rdc_whoami_ask(&ops, &q, &out, err, sizeof err));
    /* the local address cannot be bound */
    q.family = 4;
    s = (script_t){.bind_errno = EADDRNOTAVAIL};
    assert_false(rdc_whoami_ask(&ops, &q, &out, err, sizeof err));
    assert_true(unit_contains(err, "bind"));
    assert_int_equal(s.sockets, s.closes);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_postconf_defaults),
        cmocka_unit_test(test_postconf_binds),
        cmocka_unit_test(test_postconf_master_override),
        cmocka_unit_test(test_postconf_single_interface),
        cmocka_unit_test(test_postconf_bad_values),
        cmocka_unit_test(test_exim),
        cmocka_unit_test(test_pairs_hostile),
        cmocka_unit_test(test_plan_kernel_only),
        cmocka_unit_test(test_plan_postfix),
        cmocka_unit_test(test_plan_bind_missing),
        cmocka_unit_test(test_plan_nat),
        cmocka_unit_test(test_finish),
        cmocka_unit_test(test_route),
        cmocka_unit_test(test_whoami),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
