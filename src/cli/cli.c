/* cli.c - the option table (the single source of getopt_long's table, the
 * range and choice checks, the defaults and --help), parsing, validation
 * with one clear line per mistake. */
#define _GNU_SOURCE
#include "cli.h"
#include "wait.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "mailcheck.h"
#include "target.h"
#include "util.h"

static char last_error[512];

void rdc_errorf(const char *fmt, ...)
{
    va_list ap;
    fflush(stdout);
    va_start(ap, fmt);
    vsnprintf(last_error, sizeof last_error, fmt, ap);
    va_end(ap);
    fputs("rdnscheck: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

const char *rdc_cli_last_error(void)
{
    return last_error;
}

static bool parse_port(const char *s, size_t n, unsigned *port)
{
    unsigned v = 0;
    if (n == 0 || n > 5 || (n > 1 && s[0] == '0'))
        return false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    if (v == 0 || v > 65535)
        return false;
    *port = v;
    return true;
}

bool rdc_servers_parse(const char *list, rdc_server_t *out, size_t max, size_t *n, char *err,
                       size_t errlen)
{
    *n = 0;
    const char *p = list;
    for (;;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        rdc_server_t s = {0};
        const char *a = p;
        size_t alen = len;
        bool ok;
        if (len > 0 && p[0] == '[') {
            /* [IPV6]:PORT or [IPV6] */
            const char *close = memchr(p, ']', len);
            ok = close != NULL;
            if (ok) {
                a = p + 1;
                alen = (size_t)(close - p - 1);
                size_t rest = len - (size_t)(close - p) - 1;
                if (rest > 0)
                    ok = close[1] == ':' && parse_port(close + 2, rest - 1, &s.port);
                ok = ok && rdc_addr_parse(a, alen, &s.addr) && s.addr.family == 6;
            }
        } else {
            const char *colon = memchr(p, ':', len);
            const char *last = colon;
            for (const char *c = colon; c && c < p + len;
                 c = memchr(c + 1, ':', (size_t)(p + len - c - 1)))
                last = c;
            if (colon != NULL && colon == last) {
                /* exactly one colon: IPV4:PORT */
                alen = (size_t)(colon - p);
                ok = parse_port(colon + 1, len - alen - 1, &s.port) &&
                     rdc_addr_parse(p, alen, &s.addr) && s.addr.family == 4;
            } else {
                ok = rdc_addr_parse(p, len, &s.addr); /* IPv4 or bare IPv6 */
            }
        }
        if (!ok) {
            char shown[200];
            rdc_escape_text(p, len, shown, sizeof shown);
            snprintf(err, errlen,
                     "bad DNS server '%s': use ADDR, ADDR:PORT or [IPV6]:PORT with an IP "
                     "address (not a name) and a port from 1 to 65535",
                     shown);
            return false;
        }
        if (*n == max) {
            snprintf(err, errlen, "too many DNS servers (at most %zu)", max);
            return false;
        }
        out[(*n)++] = s;
        if (end == NULL)
            break;
        p = end + 1;
    }
    return true;
}

/* A fully qualified domain name from the command line or a file, into wire
 * form; on failure *why says what is wrong. */
static bool fqdn_arg(const char *s, size_t len, uint8_t *wire, const char **why)
{
    if (!rdc_name_from_text(s, len, wire, why))
        return false;
    *why = "not a fully qualified domain name";
    return rdc_name_is_hostname(wire);
}

/* Adds one DNSBL zone (a host name, at most 189 characters without the
 * trailing dot, so that an IPv6 query name - 63 characters of nibbles, a dot
 * and the zone - still fits in 253). */
static bool add_dnsbl(rdc_options_t *o, const char *z, size_t len, const char *file,
                      unsigned long line)
{
    uint8_t wire[RDC_NAME_WIRE_MAX + 1];
    const char *why = "too long (at most 189 characters)";
    char shown[300], where[300] = "";
    if (file)
        snprintf(where, sizeof where, "%s:%lu: ", file, line);
    size_t zl = len > 0 && z[len - 1] == '.' ? len - 1 : len;
    if (zl > 189 || !fqdn_arg(z, len, wire, &why)) {
        rdc_escape_text(z, len, shown, sizeof shown);
        rdc_errorf("%sbad DNSBL zone '%s': %s", where, shown, why);
        return false;
    }
    if (o->ndnsbl == RDC_MAX_DNSBL) {
        rdc_errorf("%stoo many DNSBL zones (at most %d)", where, RDC_MAX_DNSBL);
        return false;
    }
    char text[RDC_NAME_TEXT_MAX];
    rdc_name_to_text(wire, text);
    for (size_t i = 0; i < o->ndnsbl; i++)
        if (strcasecmp(o->dnsbl[i], text) == 0)
            return true; /* the same list once is enough */
    o->dnsbl[o->ndnsbl] = rdc_strdup(text);
    if (o->dnsbl[o->ndnsbl] == NULL) {
        rdc_errorf("out of memory");
        return false;
    }
    o->ndnsbl++;
    return true;
}

static bool read_dnsbl_file(rdc_options_t *o, const char *path)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        rdc_errorf("cannot open %s: %s", path, strerror(errno));
        return false;
    }
    char line[512];
    unsigned long n = 0;
    bool ok = true;
    while (ok && fgets(line, sizeof line, f)) {
        n++;
        size_t len = strlen(line);
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r' || line[len - 1] == ' ' ||
                           line[len - 1] == '\t'))
            len--;
        size_t start = 0;
        while (start < len && (line[start] == ' ' || line[start] == '\t'))
            start++;
        if (start == len || line[start] == '#')
            continue;
        ok = add_dnsbl(o, line + start, len - start, path, n);
    }
    if (ok && ferror(f)) {
        rdc_errorf("cannot read %s: %s", path, strerror(errno));
        ok = false;
    }
    fclose(f);
    return ok;
}

/* This machine's name for EHLO when it is a plain host name (gethostname
 * may give anything); otherwise "localhost.localdomain". */
static void default_ehlo_name(char *buf, size_t cap)
{
    char h[256];
    uint8_t wire[RDC_NAME_WIRE_MAX + 1];
    if (gethostname(h, sizeof h) == 0 && (h[sizeof h - 1] = '\0', strlen(h) < cap) &&
        rdc_name_from_text(h, strlen(h), wire, NULL)) {
        memcpy(buf, h, strlen(h) + 1);
        return;
    }
    snprintf(buf, cap, "localhost.localdomain");
}

void rdc_cli_free(rdc_options_t *o)
{
    for (size_t i = 0; i < o->ndnsbl; i++)
        free(o->dnsbl[i]);
    o->ndnsbl = 0;
}

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
    return add_dnsbl(o, arg, strlen(arg), NULL, 0);
}

static bool set_dnsbl_file(rdc_options_t *o, const rdc_optdef_t *d, const char *arg, uint64_t num)
{
    (void)d, (void)num;
    return read_dnsbl_file(o, arg);
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
    if (!fqdn_arg(arg, strlen(arg), dom->wire, &why)) {
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

static bool number(const char *s, uint64_t min, uint64_t max, uint64_t *out);

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
    if (slash == NULL || hl >= sizeof head || !number(head, 1, 1000000, &i) ||
        !number(slash + 1, 1, 1000000, &n) || i > n) {
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
             "window halves when queries time out and grows back"},
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
             "Actions ::error::/::warning:: lines for problems only,\n"
             "nagios: a monitoring plugin's status line, perfdata and\n"
             "exit status (0-3), or prometheus: metrics in the text\n"
             "format for node_exporter's textfile collector"},
    {.name = "junit",
     .arg = RDC_ARG_REQUIRED,
     .argname = "FILE",
     FIELD(junit),
     .set = set_string,
     .help = "also write a JUnit XML report to FILE (for CI)"},
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

const rdc_optdef_t *rdc_cli_options(size_t *n)
{
    *n = NOPTIONS;
    return options;
}

/* --help's left column for d: "-x, --name ARG", "    --name[=ARG]"... */
static void usage_label(const rdc_optdef_t *d, char *buf, size_t cap)
{
    char shortopt[8] = "    ";
    const char *open = "", *close = "", *arg = "";
    if (d->label) {
        snprintf(buf, cap, "%s", d->label);
        return;
    }
    if (d->letter)
        snprintf(shortopt, sizeof shortopt, "-%c, ", d->letter);
    if (d->arg != RDC_ARG_NONE) {
        open = d->arg == RDC_ARG_OPTIONAL ? "[=" : " ";
        close = d->arg == RDC_ARG_OPTIONAL ? "]" : "";
        arg = d->argname;
    }
    snprintf(buf, cap, "%s--%s%s%s%s", shortopt, d->name, open, arg, close);
}

/* One option's entry in --help: the left column, then its text with "%D"
 * replaced by the default, continuation lines indented under it. */
static void usage_option(FILE *f, const rdc_optdef_t *d)
{
    char label[64];
    if (d->heading)
        fputs(d->heading, f);
    if (d->help == NULL)
        return;
    usage_label(d, label, sizeof label);
    if (strlen(label) > 21)
        fprintf(f, "  %s\n%24s", label, "");
    else
        fprintf(f, "  %-21s ", label);
    for (const char *p = d->help; *p; p++) {
        if (p[0] == '%' && p[1] == 'D') {
            fprintf(f, "%" PRIu64, d->def);
            p++;
        } else if (*p == '\n') {
            fprintf(f, "\n%24s", "");
        } else {
            fputc(*p, f);
        }
    }
    fputc('\n', f);
}

void rdc_cli_usage(FILE *f)
{
    fputs("Usage: rdnscheck [OPTION]... TARGET...\n"
          "       rdnscheck [OPTION]... -f FILE\n"
          "Check that each address has reverse DNS (PTR) whose name resolves back to it\n"
          "(forward-confirmed reverse DNS), as mail receivers require.\n"
          "\n"
          "TARGET is an IPv4 or IPv6 address, a host name (each of its A and AAAA\n"
          "addresses is checked) or a CIDR block (every address in it). With no TARGET,\n"
          "FILE or domain, the targets are read from standard input when it is not a\n"
          "terminal.\n"
          "\n"
          "Options:\n",
          f);
    for (size_t i = 0; i < NOPTIONS; i++)
        usage_option(f, &options[i]);
    fputs("\n"
          "Exit status:\n"
          "  0  every address passed (warnings allowed unless --strict)\n"
          "  1  at least one address failed\n"
          "  2  usage or input error (bad option, bad target, unreadable file, output error)\n"
          "  3  at least one check could not be decided (DNS timeout, SERVFAIL, ...)\n"
          "  When several apply: 2, then 1, then 3. 130/143: stopped by SIGINT/SIGTERM.\n"
          "  With --format nagios: 0 OK, 1 WARNING (warn, tempfail), 2 CRITICAL (fail),\n"
          "  3 UNKNOWN (bad input); CRITICAL, then WARNING, then UNKNOWN.\n"
          "\n"
          "Examples:\n"
          "  rdnscheck 192.0.2.10\n"
          "  rdnscheck --json mail.example.com\n"
          "  rdnscheck -q \"$ip\" || exit 1\n"
          "  rdnscheck -s 127.0.0.1:5353 -f addresses.txt\n",
          f);
}

void rdc_cli_version(FILE *f)
{
    fprintf(f, "rdnscheck %s (c-ares %s)\n", RDC_VERSION, rdc_resolver_version());
}

/* Parses a decimal number in [min, max]; no sign, no junk. */
static bool number(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
    if (*s < '0' || *s > '9')
        return false;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end != '\0' || v < min || v > max)
        return false;
    *out = v;
    return true;
}

/* The index of arg among d's choices, or an error naming them all. */
static bool choice(const rdc_optdef_t *d, const char *arg, uint64_t *out)
{
    char words[128] = "", shown[64];
    size_t n = 0;
    while (n < RDC_OPT_CHOICES && d->choices[n])
        n++;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(arg, d->choices[i]) == 0) {
            *out = i;
            return true;
        }
        size_t len = strlen(words);
        snprintf(words + len, sizeof words - len, "%s%s",
                 i == 0      ? ""
                 : i + 1 < n ? ", "
                             : " or ",
                 d->choices[i]);
    }
    rdc_escape_text(arg, strlen(arg), shown, sizeof shown);
    rdc_errorf("--%s takes %s, not '%s'", d->name, words, shown);
    return false;
}

/* The generic check of an option's argument, then its setter. */
static bool apply(rdc_options_t *o, const rdc_optdef_t *d, const char *arg)
{
    uint64_t v = d->def;
    if (arg && d->max && !number(arg, d->min, d->max, &v)) {
        char shown[128];
        rdc_escape_text(arg, strlen(arg), shown, sizeof shown);
        rdc_errorf("--%s needs a whole number from %" PRIu64 " to %" PRIu64 ", not '%s'", d->name,
                   d->min, d->max, shown);
        return false;
    }
    if (arg && d->choices[0] && !choice(d, arg, &v))
        return false;
    return d->set(o, d, arg, v);
}

static void set_defaults(rdc_options_t *o)
{
    memset(o, 0, sizeof *o);
    o->progress = -1; /* neither --progress nor --no-progress: decided by the run's size */
    default_ehlo_name(o->ehlo_name, sizeof o->ehlo_name);
    for (size_t i = 0; i < NOPTIONS; i++) {
        const rdc_optdef_t *d = &options[i];
        if (d->arg == RDC_ARG_REQUIRED && ((d->max && d->def) || d->choices[0]))
            d->set(o, d, NULL, d->def); /* a choice's default is the first, index 0 */
    }
}

/* getopt_long's tables: long options return 256 + their index, short ones
 * their letter. */
static void getopt_tables(struct option *longopts, char *shorts)
{
    static const int has_arg[] = {
        [RDC_ARG_NONE] = no_argument,
        [RDC_ARG_REQUIRED] = required_argument,
        [RDC_ARG_OPTIONAL] = optional_argument,
    };
    size_t nl = 0;
    *shorts++ = ':'; /* report a missing argument as ':' */
    for (size_t i = 0; i < NOPTIONS; i++) {
        const rdc_optdef_t *d = &options[i];
        if (d->name)
            longopts[nl++] = (struct option){d->name, has_arg[d->arg], NULL, 256 + (int)i};
        if (d->letter) {
            *shorts++ = d->letter;
            for (int k = 0; k < has_arg[d->arg]; k++)
                *shorts++ = ':';
        }
    }
    longopts[nl] = (struct option){NULL, 0, NULL, 0};
    *shorts = '\0';
}

static const rdc_optdef_t *find_option(int c)
{
    if (c >= 256 && (size_t)(c - 256) < NOPTIONS)
        return &options[c - 256];
    for (size_t i = 0; c != ':' && c != '?' && i < NOPTIONS; i++)
        if (options[i].letter == c)
            return &options[i];
    return NULL;
}

/* A missing argument (':'), an unknown option or an argument to one that
 * takes none ('?'). */
static bool bad_option(int c, char **argv)
{
    char shown[128];
    const char *opt = argv[optind - 1];
    if (c == ':') {
        rdc_escape_text(opt, strlen(opt), shown, sizeof shown);
        rdc_errorf("option '%s' needs an argument (see --help)", shown);
        return false;
    }
    if (optopt >= 256 && (size_t)(optopt - 256) < NOPTIONS) { /* "--json=ARG" */
        rdc_errorf("option '--%s' takes no argument (see --help)", options[optopt - 256].name);
        return false;
    }
    if (optopt && optopt < 256)
        snprintf(shown, sizeof shown, "-%c", optopt);
    else
        rdc_escape_text(opt, strlen(opt), shown, sizeof shown);
    rdc_errorf("unknown option '%s' (see --help)", shown);
    return false;
}

/* After the options: the targets, each validated before anything is looked up. */
static bool parse_targets(int argc, char **argv, rdc_options_t *o)
{
    char err[512];
    if (!o->want4 && !o->want6) /* -4 and -6 together mean both, like neither */
        o->want4 = o->want6 = true;
    o->targets = argv + optind;
    o->ntargets = (size_t)(argc - optind);
    if (o->ntargets == 0 && o->file == NULL && o->ndomains == 0) {
        if (isatty(STDIN_FILENO)) {
            rdc_errorf("no target given (see --help)");
            return false;
        }
        /* as jq, sort and grep do: the targets come from standard input
         * when none is given and it is not a terminal (main.c refuses an
         * empty one) */
        o->file = "-";
        o->stdin_implied = true;
    }
    if (o->wait_ms && o->file && strcmp(o->file, "-") == 0) {
        rdc_errorf("--wait reads the targets again for every check: give them on the command "
                   "line or in a FILE, not on standard input");
        return false;
    }
    if (o->wait_ms && (o->junit || o->nagios || o->prometheus)) {
        rdc_errorf("--wait cannot be combined with --junit or --format nagios/prometheus "
                   "(CI jobs and monitoring check once, on their own schedule)");
        return false;
    }
    bool ok = true;
    for (size_t i = 0; i < o->ntargets; i++) {
        rdc_target_t t;
        /* blanks around a target are trimmed, as around a line of FILE */
        char *a = o->targets[i];
        size_t n = strlen(a);
        while (n > 0 && strchr(" \t\r\n\v\f", a[n - 1]) != NULL)
            a[--n] = '\0';
        a += strspn(a, " \t\r\n\v\f");
        o->targets[i] = a;
        if (!rdc_target_parse(a, strlen(a), o->max_expand, &t, err, sizeof err)) {
            char shown[300];
            rdc_escape_text(a, strlen(a), shown, sizeof shown);
            rdc_errorf("'%s': %s", shown, err);
            ok = false;
        }
    }
    return ok;
}

bool rdc_cli_parse(int argc, char **argv, rdc_options_t *o)
{
    struct option longopts[NOPTIONS + 1];
    char shorts[3 * NOPTIONS + 2];
    set_defaults(o);
    getopt_tables(longopts, shorts);
    opterr = 0;
    optind = 1;
    for (int c; (c = getopt_long(argc, argv, shorts, longopts, NULL)) != -1;) {
        const rdc_optdef_t *d = find_option(c);
        if (d == NULL)
            return bad_option(c, argv);
        if (!apply(o, d, optarg))
            return false;
        if (o->help || o->version)
            return true;
    }
    return parse_targets(argc, argv, o);
}
