/* cli_options.c - the option table: every option's definition (its names,
 * argument, range or words, default and --help text) and the setter that
 * applies it to rdc_options_t. The single source of getopt_long's table,
 * the checks, the defaults and --help (cli.c, cli_usage.c). */
#include "cli_options.h"

#include "cli_args.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "mailcheck.h"
#include "report_mon.h"
#include "util.h"
#include "wait.h"

/* Setters: one per way an option changes rdc_options_t (see rdc_opt_set_fn).
 * The generic ones write the member at d->field. */

static void *member(rdc_options_t *o, const rdc_optdef_t *d)
{
    return (char *)o + d->field;
}

static bool set_true(rdc_options_t *o, const rdc_optdef_t *d, const char *arg, uint64_t num)
{
    (void)arg, (void)num;
    *(bool *)member(o, d) = true;
    return true;
}

static bool set_unsigned(rdc_options_t *o, const rdc_optdef_t *d, const char *arg, uint64_t num)
{
    (void)arg;
    *(unsigned *)member(o, d) = (unsigned)num; /* max fits: see the table */
    return true;
}

static bool set_u64(rdc_options_t *o, const rdc_optdef_t *d, const char *arg, uint64_t num)
{
    (void)arg;
    *(uint64_t *)member(o, d) = num;
    return true;
}

static bool set_string(rdc_options_t *o, const rdc_optdef_t *d, const char *arg, uint64_t num)
{
    (void)num;
    *(const char **)member(o, d) = arg;
    return true;
}

static bool set_servers(rdc_options_t *o, const rdc_optdef_t *d, const char *arg, uint64_t num)
{
    char err[512];
    (void)d, (void)num;
    if (rdc_servers_parse(arg, o->servers, RDC_MAX_SERVERS, &o->nservers, err, sizeof err))
        return true;
    rdc_errorf("%s", err);
    return false;
}

static bool set_progress(rdc_options_t *o, const rdc_optdef_t *d, const char *arg, uint64_t num)
{
    (void)arg, (void)num;
    o->progress = strcmp(d->name, "no-progress") != 0;
    return true;
}

static bool set_color(rdc_options_t *o, const rdc_optdef_t *d, const char *arg, uint64_t num)
{
    (void)d, (void)arg;
    o->color = (rdc_color_when_t)num; /* the choices are in the enum's order */
    return true;
}

static bool set_format(rdc_options_t *o, const rdc_optdef_t *d, const char *arg, uint64_t num)
{
    (void)d, (void)arg;
    o->json = num == 1;
    o->github = num == 2;
    o->nagios = num == 3;
    o->prometheus = num == 4;
    return true;
}

/* --label NAME=VALUE: checked against Prometheus's label rules now, so a
 * bad one is a usage error before anything is looked up. */
static bool set_label(rdc_options_t *o, const rdc_optdef_t *d, const char *arg, uint64_t num)
{
    char shown[300];
    const char *why = rdc_prom_label_check(arg);
    size_t n = strcspn(arg, "=");
    (void)d, (void)num;
    for (size_t i = 0; why == NULL && i < o->nlabels; i++)
        if (strncmp(o->labels[i], arg, n) == 0 && o->labels[i][n] == '=')
            why = "the same label name given twice";
    if (why == NULL && o->nlabels == RDC_MAX_LABELS)
        why = "too many labels (at most 16)";
    if (why) {
        rdc_escape_text(arg, strlen(arg), shown, sizeof shown);
        rdc_errorf("bad --label '%s': %s", shown, why);
        return false;
    }
    o->labels[o->nlabels++] = arg;
    return true;
}

static bool set_helo(rdc_options_t *o, const rdc_optdef_t *d, const char *arg, uint64_t num)
{
    (void)d, (void)num;
    o->helo = arg;
    o->helo_kind = rdc_helo_parse(arg, o->helo_wire, &o->helo_lit, &o->helo_why);
    return true;
}

static bool set_dnsbl(rdc_options_t *o, const rdc_optdef_t *d, const char *arg, uint64_t num)
{
    (void)d, (void)num;
    return rdc_arg_dnsbl(o, arg, strlen(arg), NULL, 0);
}

static bool set_dnsbl_file(rdc_options_t *o, const rdc_optdef_t *d, const char *arg, uint64_t num)
{
    (void)d, (void)num;
    return rdc_arg_dnsbl_file(o, arg);
}

static bool set_ehlo_name(rdc_options_t *o, const rdc_optdef_t *d, const char *arg, uint64_t num)
{
    uint8_t wire[RDC_NAME_WIRE_MAX + 1];
    rdc_addr_t lit;
    const char *why = NULL;
    size_t len = strlen(arg);
    (void)d, (void)num;
    /* sent on the wire: a host name or an address literal, nothing else */
    if (len >= sizeof o->ehlo_name || rdc_helo_parse(arg, wire, &lit, &why) == RDC_NAME_INVALID) {
        char shown[300];
        rdc_escape_text(arg, len, shown, sizeof shown);
        rdc_errorf("bad --ehlo-name '%s': %s", shown, why ? why : "too long");
        return false;
    }
    memcpy(o->ehlo_name, arg, len + 1);
    return true;
}

/* --mx and --spf */
static bool add_domain(rdc_options_t *o, const rdc_optdef_t *d, const char *arg, uint64_t num)
{
    const char *why = "not a host name";
    struct rdc_domain_opt *dom = &o->domains[o->ndomains];
    (void)num;
    if (o->ndomains == RDC_MAX_DNSBL) {
        rdc_errorf("too many --mx/--spf domains (at most %d)", RDC_MAX_DNSBL);
        return false;
    }
    if (!rdc_arg_fqdn(arg, strlen(arg), dom->wire, &why)) {
        char shown[300];
        rdc_escape_text(arg, strlen(arg), shown, sizeof shown);
        rdc_errorf("--%s '%s': %s", d->name, shown, why);
        return false;
    }
    dom->spf = strcmp(d->name, "spf") == 0;
    o->ndomains++;
    return true;
}

static bool set_file(rdc_options_t *o, const rdc_optdef_t *d, const char *arg, uint64_t num)
{
    (void)d, (void)num;
    if (o->file) {
        rdc_errorf("-f/--file given twice; give one FILE");
        return false;
    }
    o->file = arg;
    return true;
}

static bool set_wait(rdc_options_t *o, const rdc_optdef_t *d, const char *arg, uint64_t num)
{
    (void)d, (void)num;
    if (arg == NULL) {
        o->wait_ms = 3600 * 1000; /* an hour: most negative caches are shorter */
        return true;
    }
    if (!rdc_duration_parse(arg, &o->wait_ms)) {
        char shown[128];
        rdc_escape_text(arg, strlen(arg), shown, sizeof shown);
        rdc_errorf("--wait needs a duration from 1s to 7 days (90, 90s, 5m, 1h30m, 2d), not '%s'",
                   shown);
        return false;
    }
    return true;
}

/* --shard I/N: shard I of N, counting from 1 (as "part 1 of 4" and the
 * --shard=1/4 of test runners read); 1 <= I <= N <= 1000000. */
static bool set_shard(rdc_options_t *o, const rdc_optdef_t *d, const char *arg, uint64_t num)
{
    const char *slash = strchr(arg, '/');
    uint64_t i = 0, n = 0;
    char head[24];
    (void)d, (void)num;
    size_t hl = slash ? (size_t)(slash - arg) : 0;
    if (slash && hl < sizeof head) {
        memcpy(head, arg, hl);
        head[hl] = '\0';
    }
    if (slash == NULL || hl >= sizeof head || !rdc_arg_number(head, 1, 1000000, &i) ||
        !rdc_arg_number(slash + 1, 1, 1000000, &n) || i > n) {
        char shown[128];
        rdc_escape_text(arg, strlen(arg), shown, sizeof shown);
        rdc_errorf("--shard needs I/N, whole numbers with 1 <= I <= N <= 1000000 (shard I of N, "
                   "counting from 1), not '%s'",
                   shown);
        return false;
    }
    o->shard_index = (unsigned)(i - 1);
    o->shard_count = (unsigned)n;
    return true;
}

/* --self-via ADDR: the direction of the kernel's route, one per family */
static bool set_self_via(rdc_options_t *o, const rdc_optdef_t *d, const char *arg, uint64_t num)
{
    rdc_addr_t a;
    (void)d, (void)num;
    if (!rdc_addr_parse(arg, strlen(arg), &a)) {
        char shown[128];
        rdc_escape_text(arg, strlen(arg), shown, sizeof shown);
        rdc_errorf("--self-via needs an IPv4 or IPv6 address, not '%s'", shown);
        return false;
    }
    int k = a.family == 6;
    if (o->has_self_via[k]) {
        rdc_errorf("--self-via given twice for IPv%d; give one address per family", k ? 6 : 4);
        return false;
    }
    o->has_self_via[k] = true;
    o->self_via[k] = a;
    return true;
}

/* --whoami NAME@SERVER (SERVER: ADDR, ADDR:PORT or [IPV6]:PORT), or none */
static bool add_whoami(rdc_options_t *o, const rdc_optdef_t *d, const char *arg, uint64_t num)
{
    const char *at = strrchr(arg, '@'), *why = "not a host name";
    char err[256], shown[300];
    size_t n = 0;
    (void)d, (void)num;
    o->whoami_given = true;
    if (strcmp(arg, "none") == 0)
        return true;
    rdc_escape_text(arg, strlen(arg), shown, sizeof shown);
    if (o->nwhoami == RDC_MAX_WHOAMI) {
        rdc_errorf("too many --whoami services (at most %d)", RDC_MAX_WHOAMI);
        return false;
    }
    struct rdc_whoami_opt *w = &o->whoami[o->nwhoami];
    if (at == NULL || at == arg) {
        rdc_errorf("--whoami needs NAME@SERVER (or none), not '%s'", shown);
        return false;
    }
    if (!rdc_arg_fqdn(arg, (size_t)(at - arg), w->wire, &why)) {
        rdc_errorf("--whoami '%s': %s", shown, why);
        return false;
    }
    if (!rdc_servers_parse(at + 1, &w->server, 1, &n, err, sizeof err) || n != 1) {
        rdc_errorf("--whoami '%s': %s", shown, n > 1 ? "one SERVER address" : err);
        return false;
    }
    snprintf(w->text, sizeof w->text, "%s", shown);
    o->nwhoami++;
    return true;
}

#define FIELD(m) .field = offsetof(rdc_options_t, m)

/* Every option, in --help order. */
static const rdc_optdef_t options[] = {
    {.name = "server",
     .letter = 's',
     .arg = RDC_ARG_REQUIRED,
     .argname = "LIST",
     .set = set_servers,
     .help = "DNS servers to ask, comma-separated ADDR, ADDR:PORT or\n"
             "[IPV6]:PORT (default: the system resolver configuration)"},
    {.name = "timeout",
     .letter = 't',
     .arg = RDC_ARG_REQUIRED,
     .argname = "MS",
     .min = 1,
     .max = 600000,
     .def = 2000,
     FIELD(timeout_ms),
     .set = set_unsigned,
     .help = "per-try timeout in milliseconds (default %D)"},
    {.name = "tries",
     .arg = RDC_ARG_REQUIRED,
     .argname = "N",
     .min = 1,
     .max = 20,
     .def = 3,
     FIELD(tries),
     .set = set_unsigned,
     .help = "tries per query (default %D)"},
    {.name = "rotate",
     FIELD(rotate),
     .set = set_true,
     .help = "spread questions over the servers by a hash of each\n"
             "question (default: the first server that is up gets\n"
             "every question; also resolv.conf's options rotate)"},
    {.name = "concurrency",
     .letter = 'c',
     .arg = RDC_ARG_REQUIRED,
     .argname = "N",
     .min = 1,
     .max = 20000,
     .def = 256,
     FIELD(concurrency),
     .set = set_unsigned,
     .help = "targets in flight at once, at most (default %D); the\n"
             "window is cut when the server is overloaded, not for random loss"},
    {.name = "rate",
     .arg = RDC_ARG_REQUIRED,
     .argname = "QPS",
     .min = 1,
     .max = 10000000,
     FIELD(rate),
     .set = set_unsigned,
     .help = "send at most QPS queries per second (default: no limit)"},
    {.name = "unordered",
     FIELD(unordered),
     .set = set_true,
     .help = "print results as they finish, not in input order"},
    {.name = "progress",
     .set = set_progress,
     .help = "show a progress line on standard error (a terminal)"},
    {.name = "no-progress",
     .set = set_progress,
     .help = "never show it (default: shown for long runs when\n"
             "standard error is a terminal)"},
    {.name = "json",
     .letter = 'j',
     FIELD(json),
     .set = set_true,
     .help = "JSON Lines output, one object per address"},
    {.name = "format",
     .arg = RDC_ARG_REQUIRED,
     .argname = "FORMAT",
     .choices = {"text", "json", "github", "nagios", "prometheus"},
     .set = set_format,
     .help = "text (default), json (as --json), github: GitHub\n"
             "Actions annotations, the worst 10 ::error:: and 10\n"
             "::warning:: lines, and a job summary table,\n"
             "nagios: a monitoring plugin's status line, perfdata and\n"
             "exit status (0-3), or prometheus: metrics in the text\n"
             "format for node_exporter's textfile collector"},
    {.name = "junit",
     .arg = RDC_ARG_REQUIRED,
     .argname = "FILE",
     FIELD(junit),
     .set = set_string,
     .help = "also write a JUnit XML report to FILE (for CI)"},
    {.name = "output",
     .letter = 'o',
     .arg = RDC_ARG_REQUIRED,
     .argname = "FILE",
     FIELD(output),
     .set = set_string,
     .help = "write the report to FILE, not standard output: a new\n"
             "file renamed over FILE once the run is complete"},
    {.name = "label",
     .arg = RDC_ARG_REQUIRED,
     .argname = "NAME=VALUE",
     .set = set_label,
     .help = "--format prometheus: add the label NAME=\"VALUE\" to\n"
             "every series (repeatable)"},
    {.name = "quiet",
     .letter = 'q',
     FIELD(quiet),
     .set = set_true,
     .help = "print nothing on standard output; exit status only"},
    {.name = "verbose",
     .letter = 'v',
     FIELD(verbose),
     .set = set_true,
     .help = "show every query, answer, TTL and CNAME hop"},
    {.name = "strict", FIELD(strict), .set = set_true, .help = "warnings count as failures"},
    {.name = "iprev",
     FIELD(iprev),
     .set = set_true,
     .help = "pass an address when any of its PTR names confirms\n"
             "(RFC 8601 iprev, as Exim checks); by default every\n"
             "name must, as Postfix checks only the first"},
    {.name = "authority",
     FIELD(authority),
     .set = set_true,
     .help = "also ask the zones' own name servers (RD=0): who runs\n"
             "the reverse zone, whether its servers agree, and whether\n"
             "the resolver still serves an old answer from its cache"},
    {.name = "wait",
     .arg = RDC_ARG_OPTIONAL,
     .argname = "MAX",
     .set = set_wait,
     .help = "check again until every address passes or MAX is over\n"
             "(default 1h; 90s, 5m, 1h30m, 2d), sleeping as the TTLs\n"
             "say (5 min at most); the last check is reported"},
    {.name = "color",
     .arg = RDC_ARG_REQUIRED,
     .argname = "WHEN",
     .choices = {"auto", "always", "never"},
     .set = set_color,
     .help = "colour the verdicts: auto (default), always, never"},
    {.name = "idn",
     FIELD(idn),
     .set = set_true,
     .help = "show PTR names in Unicode instead of A-labels (xn--)\n"
             "on a UTF-8 terminal, unless a label mixes scripts"},
    /* -4 alone: IPv4 only; -6 alone: IPv6 only; both or neither: both */
    {.letter = '4',
     FIELD(want4),
     .set = set_true,
     .label = "-4, -6",
     .help = "for host name targets, check only IPv4 / IPv6 addresses"},
    {.letter = '6', FIELD(want6), .set = set_true},
    {.name = "helo",
     .arg = RDC_ARG_REQUIRED,
     .argname = "NAME",
     .set = set_helo,
     .heading = "\nMail checks:\n",
     .help = "the name the server gives in HELO/EHLO: it should be\n"
             "a PTR name that confirms"},
    {.name = "dnsbl",
     .arg = RDC_ARG_REQUIRED,
     .argname = "ZONE",
     .set = set_dnsbl,
     .help = "look each address up in DNS blocklist ZONE (repeatable)"},
    {.name = "dnsbl-file",
     .arg = RDC_ARG_REQUIRED,
     .argname = "FILE",
     .set = set_dnsbl_file,
     .help = "read DNSBL zones from FILE, one per line"},
    {.name = "smtp",
     .arg = RDC_ARG_OPTIONAL,
     .argname = "PORT",
     .min = 1,
     .max = 65535,
     .def = 25,
     FIELD(smtp_port),
     .set = set_unsigned,
     .help = "connect to each address (port %D), read the greeting,\n"
             "EHLO, QUIT; the greeting's host is checked like --helo"},
    {.name = "ehlo-name",
     .arg = RDC_ARG_REQUIRED,
     .argname = "NAME",
     .set = set_ehlo_name,
     .help = "the name rdnscheck gives in EHLO (default: this host's)"},
    {.name = "smtp-timeout",
     .arg = RDC_ARG_REQUIRED,
     .argname = "MS",
     .min = 1,
     .max = 600000,
     .def = 10000,
     FIELD(smtp_timeout_ms),
     .set = set_unsigned,
     .help = "time for connect, greeting and EHLO (default %D)"},
    {.name = "mx",
     .arg = RDC_ARG_REQUIRED,
     .argname = "DOMAIN",
     .set = add_domain,
     .heading = "  PTR names that look provider-generated (embedded address, dyn/dsl/pool...)\n"
                "  are always reported (generic-ptr, a warning).\n"
                "\n"
                "Domain mode (repeatable; as TARGETs, or instead of them):\n",
     .help = "check every address of every MX of DOMAIN (implicit MX\n"
             "and null MX reported)"},
    {.name = "spf",
     .arg = RDC_ARG_REQUIRED,
     .argname = "DOMAIN",
     .set = add_domain,
     .help = "check every address DOMAIN's SPF record authorises to\n"
             "send (include, redirect, a, mx, ip4, ip6; RFC 7208 limits)"},
    {.name = "spf-sample",
     .arg = RDC_ARG_REQUIRED,
     .argname = "N",
     .min = 1,
     .max = 65536,
     FIELD(spf_sample),
     .set = set_unsigned,
     .help = "check N addresses spread across an SPF range larger than\n"
             "--max-expand allows, instead of skipping it"},
    {.name = "self",
     FIELD(self),
     .set = set_true,
     .heading = "\nThis server (--self; targets may be given too):\n",
     .help = "check this host as receivers see its mail: the address\n"
             "of each family it sends from (Postfix or Exim binding,\n"
             "else the kernel's route), the public one behind NAT\n"
             "(whoami), and its HELO name (Postfix, Exim, else the\n"
             "system's FQDN; --helo overrides)"},
    {.name = "self-via",
     .arg = RDC_ARG_REQUIRED,
     .argname = "ADDR",
     .set = set_self_via,
     .help = "find the source address by the route toward ADDR\n"
             "(default 8.8.8.8 and 2001:4860:4860::8888; no packet\n"
             "is sent); once per family"},
    {.name = "whoami",
     .arg = RDC_ARG_REQUIRED,
     .argname = "NAME@SERVER",
     .set = add_whoami,
     .help = "behind NAT, ask SERVER (an address) for NAME's A/AAAA:\n"
             "the address the question came from (repeatable; replaces\n"
             "the default OpenDNS and Akamai services; none: ask none)"},
    {.name = "postfix-config",
     .arg = RDC_ARG_REQUIRED,
     .argname = "DIR",
     FIELD(postfix_config),
     .set = set_string,
     .help = "read Postfix's configuration from DIR (postconf -c DIR)"},
    {.name = "exim-config",
     .arg = RDC_ARG_REQUIRED,
     .argname = "FILE",
     FIELD(exim_config),
     .set = set_string,
     .help = "read Exim's configuration from FILE (exim -C FILE)"},
    {.name = "max-expand",
     .arg = RDC_ARG_REQUIRED,
     .argname = "N",
     .min = 1,
     .max = 16777216,
     .def = 65536,
     FIELD(max_expand),
     .set = set_u64,
     .heading = "\nOther options:\n",
     .help = "largest CIDR block accepted (default %D)"},
    {.name = "shard",
     .arg = RDC_ARG_REQUIRED,
     .argname = "I/N",
     .set = set_shard,
     .help = "check only shard I of N (1 <= I <= N): every Nth input\n"
             "item from item I on (each address of a block is one\n"
             "item); the N shards together make one whole run"},
    {.name = "file",
     .letter = 'f',
     .arg = RDC_ARG_REQUIRED,
     .argname = "FILE",
     .set = set_file,
     .help = "read targets from FILE, one per line ('-': standard input)"},
    {.name = "help",
     .letter = 'h',
     FIELD(help),
     .set = set_true,
     .help = "show this help and exit"},
    {.name = "version",
     .letter = 'V',
     FIELD(version),
     .set = set_true,
     .help = "show the version and exit"},
};

#define NOPTIONS (sizeof options / sizeof options[0])

_Static_assert(NOPTIONS <= RDC_CLI_MAX_OPTIONS, "raise RDC_CLI_MAX_OPTIONS (cli_args.h)");

const rdc_optdef_t *rdc_cli_options(size_t *n)
{
    *n = NOPTIONS;
    return options;
}
