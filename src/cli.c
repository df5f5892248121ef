/* cli.c - option table (the single source for --help), getopt_long parsing,
 * validation with one clear line per mistake. */
#define _GNU_SOURCE
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "target.h"
#include "util.h"

enum {
    OPT_TRIES = 256,
    OPT_STRICT,
    OPT_COLOR,
    OPT_MAX_EXPAND,
    OPT_RATE,
    OPT_UNORDERED,
    OPT_PROGRESS,
    OPT_NO_PROGRESS,
    OPT_HELO,
    OPT_DNSBL,
    OPT_DNSBL_FILE,
    OPT_SMTP,
    OPT_EHLO_NAME,
    OPT_SMTP_TIMEOUT,
    OPT_FORMAT,
    OPT_JUNIT,
    OPT_MX,
    OPT_SPF,
    OPT_SPF_SAMPLE,
};

static const struct option longopts[] = {
    {"server", required_argument, NULL, 's'},
    {"timeout", required_argument, NULL, 't'},
    {"tries", required_argument, NULL, OPT_TRIES},
    {"concurrency", required_argument, NULL, 'c'},
    {"json", no_argument, NULL, 'j'},
    {"quiet", no_argument, NULL, 'q'},
    {"verbose", no_argument, NULL, 'v'},
    {"strict", no_argument, NULL, OPT_STRICT},
    {"color", required_argument, NULL, OPT_COLOR},
    {"max-expand", required_argument, NULL, OPT_MAX_EXPAND},
    {"rate", required_argument, NULL, OPT_RATE},
    {"unordered", no_argument, NULL, OPT_UNORDERED},
    {"progress", no_argument, NULL, OPT_PROGRESS},
    {"no-progress", no_argument, NULL, OPT_NO_PROGRESS},
    {"helo", required_argument, NULL, OPT_HELO},
    {"dnsbl", required_argument, NULL, OPT_DNSBL},
    {"dnsbl-file", required_argument, NULL, OPT_DNSBL_FILE},
    {"smtp", optional_argument, NULL, OPT_SMTP},
    {"ehlo-name", required_argument, NULL, OPT_EHLO_NAME},
    {"smtp-timeout", required_argument, NULL, OPT_SMTP_TIMEOUT},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"junit", required_argument, NULL, OPT_JUNIT},
    {"mx", required_argument, NULL, OPT_MX},
    {"spf", required_argument, NULL, OPT_SPF},
    {"spf-sample", required_argument, NULL, OPT_SPF_SAMPLE},
    {"file", required_argument, NULL, 'f'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

void rdc_errorf(const char *fmt, ...)
{
    va_list ap;
    fflush(stdout);
    fputs("rdnscheck: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void rdc_cli_usage(FILE *f)
{
    fputs("Usage: rdnscheck [OPTION]... TARGET...\n"
          "       rdnscheck [OPTION]... -f FILE\n"
          "Check that each address has reverse DNS (PTR) whose name resolves back to it\n"
          "(forward-confirmed reverse DNS), as mail receivers require.\n"
          "\n"
          "TARGET is an IPv4 or IPv6 address, a host name (each of its A and AAAA\n"
          "addresses is checked) or a CIDR block (every address in it).\n"
          "\n"
          "Options:\n"
          "  -s, --server LIST     DNS servers to ask, comma-separated ADDR, ADDR:PORT or\n"
          "                        [IPV6]:PORT (default: the system resolver configuration)\n"
          "  -t, --timeout MS      per-try timeout in milliseconds (default 2000)\n"
          "      --tries N         tries per query (default 3)\n"
          "  -c, --concurrency N   targets in flight at once, at most (default 256); the\n"
          "                        window halves when queries time out and grows back\n"
          "      --rate QPS        send at most QPS queries per second (default: no limit)\n"
          "      --unordered       print results as they finish, not in input order\n"
          "      --progress        show a progress line on standard error (a terminal)\n"
          "      --no-progress     never show it (default: shown for long runs when\n"
          "                        standard error is a terminal)\n"
          "  -j, --json            JSON Lines output, one object per address\n"
          "      --format FORMAT   text (default), json (as --json), or github: GitHub\n"
          "                        Actions ::error::/::warning:: lines for problems only\n"
          "      --junit FILE      also write a JUnit XML report to FILE (for CI)\n"
          "  -q, --quiet           print nothing on standard output; exit status only\n"
          "  -v, --verbose         show every query, answer, TTL and CNAME hop\n"
          "      --strict          warnings count as failures\n"
          "      --color WHEN      colour the verdicts: auto (default), always, never\n"
          "  -4, -6                for host name targets, check only IPv4 / IPv6 addresses\n"
          "\n"
          "Mail checks:\n"
          "      --helo NAME       the name the server gives in HELO/EHLO: it should be\n"
          "                        a PTR name that confirms\n"
          "      --dnsbl ZONE      look each address up in DNS blocklist ZONE (repeatable)\n"
          "      --dnsbl-file FILE read DNSBL zones from FILE, one per line\n"
          "      --smtp[=PORT]     connect to each address (port 25), read the greeting,\n"
          "                        EHLO, QUIT; the greeting's host is checked like --helo\n"
          "      --ehlo-name NAME  the name rdnscheck gives in EHLO (default: this host's)\n"
          "      --smtp-timeout MS time for connect, greeting and EHLO (default 10000)\n"
          "  PTR names that look provider-generated (embedded address, dyn/dsl/pool...)\n"
          "  are always reported (generic-ptr, a warning).\n"
          "\n"
          "Domain mode (repeatable; as TARGETs, or instead of them):\n"
          "      --mx DOMAIN       check every address of every MX of DOMAIN (implicit MX\n"
          "                        and null MX reported)\n"
          "      --spf DOMAIN      check every address DOMAIN's SPF record authorises to\n"
          "                        send (include, redirect, a, mx, ip4, ip6; RFC 7208 limits)\n"
          "      --spf-sample N    check N addresses spread across an SPF range larger than\n"
          "                        --max-expand allows, instead of skipping it\n"
          "\n"
          "Other options:\n"
          "      --max-expand N    largest CIDR block accepted (default 65536)\n"
          "  -f, --file FILE       read targets from FILE, one per line ('-': standard input)\n"
          "  -h, --help            show this help and exit\n"
          "  -V, --version         show the version and exit\n"
          "\n"
          "Exit status:\n"
          "  0  every address passed (warnings allowed unless --strict)\n"
          "  1  at least one address failed\n"
          "  2  usage or input error (bad option, bad target, unreadable file, output error)\n"
          "  3  at least one check could not be decided (DNS timeout, SERVFAIL, ...)\n"
          "  When several apply: 2, then 1, then 3. 130/143: stopped by SIGINT/SIGTERM.\n"
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

static bool bad_number(const char *opt, const char *arg, uint64_t min, uint64_t max)
{
    char shown[128];
    rdc_escape_text(arg, strlen(arg), shown, sizeof shown);
    rdc_errorf("%s needs a whole number from %" PRIu64 " to %" PRIu64 ", not '%s'", opt, min, max,
               shown);
    return false;
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

bool rdc_cli_parse(int argc, char **argv, rdc_options_t *o)
{
    memset(o, 0, sizeof *o);
    o->timeout_ms = 2000;
    o->tries = 3;
    o->concurrency = 256;
    o->max_expand = 65536;
    o->color = RDC_COLOR_AUTO;
    o->progress = -1;
    o->smtp_timeout_ms = 10000;
    default_ehlo_name(o->ehlo_name, sizeof o->ehlo_name);
    bool only4 = false, only6 = false;
    uint64_t v;
    char err[512];

    opterr = 0;
    optind = 1;
    for (;;) {
        int c = getopt_long(argc, argv, ":s:t:c:jqvf:hV46", longopts, NULL);
        if (c == -1)
            break;
        switch (c) {
        case 's':
            if (!rdc_servers_parse(optarg, o->servers, RDC_MAX_SERVERS, &o->nservers, err,
                                   sizeof err)) {
                rdc_errorf("%s", err);
                return false;
            }
            break;
        case 't':
            if (!number(optarg, 1, 600000, &v))
                return bad_number("--timeout", optarg, 1, 600000);
            o->timeout_ms = (unsigned)v;
            break;
        case OPT_TRIES:
            if (!number(optarg, 1, 20, &v))
                return bad_number("--tries", optarg, 1, 20);
            o->tries = (unsigned)v;
            break;
        case 'c':
            if (!number(optarg, 1, 20000, &v))
                return bad_number("--concurrency", optarg, 1, 20000);
            o->concurrency = (unsigned)v;
            break;
        case 'j':
            o->json = true;
            break;
        case 'q':
            o->quiet = true;
            break;
        case 'v':
            o->verbose = true;
            break;
        case OPT_STRICT:
            o->strict = true;
            break;
        case OPT_COLOR:
            if (strcmp(optarg, "auto") == 0)
                o->color = RDC_COLOR_AUTO;
            else if (strcmp(optarg, "always") == 0)
                o->color = RDC_COLOR_ALWAYS;
            else if (strcmp(optarg, "never") == 0)
                o->color = RDC_COLOR_NEVER;
            else {
                char shown[64];
                rdc_escape_text(optarg, strlen(optarg), shown, sizeof shown);
                rdc_errorf("--color takes auto, always or never, not '%s'", shown);
                return false;
            }
            break;
        case OPT_RATE:
            if (!number(optarg, 1, 10000000, &v))
                return bad_number("--rate", optarg, 1, 10000000);
            o->rate = (unsigned)v;
            break;
        case OPT_UNORDERED:
            o->unordered = true;
            break;
        case OPT_PROGRESS:
            o->progress = 1;
            break;
        case OPT_NO_PROGRESS:
            o->progress = 0;
            break;
        case OPT_HELO:
            o->helo = optarg;
            o->helo_kind = rdc_helo_parse(optarg, o->helo_wire, &o->helo_lit, &o->helo_why);
            break;
        case OPT_DNSBL:
            if (!add_dnsbl(o, optarg, strlen(optarg), NULL, 0))
                return false;
            break;
        case OPT_SMTP:
            o->smtp_port = 25;
            if (optarg && !number(optarg, 1, 65535, &v))
                return bad_number("--smtp", optarg, 1, 65535);
            if (optarg)
                o->smtp_port = (unsigned)v;
            break;
        case OPT_EHLO_NAME: {
            uint8_t wire[RDC_NAME_WIRE_MAX + 1];
            rdc_addr_t lit;
            const char *why = NULL;
            size_t len = strlen(optarg);
            /* sent on the wire: a host name or an address literal, nothing else */
            if (len >= sizeof o->ehlo_name ||
                rdc_helo_parse(optarg, wire, &lit, &why) == RDC_NAME_INVALID) {
                char shown[300];
                rdc_escape_text(optarg, len, shown, sizeof shown);
                rdc_errorf("bad --ehlo-name '%s': %s", shown, why ? why : "too long");
                return false;
            }
            memcpy(o->ehlo_name, optarg, len + 1);
            break;
        }
        case OPT_FORMAT:
            if (strcmp(optarg, "text") == 0) {
                o->json = o->github = false;
            } else if (strcmp(optarg, "json") == 0) {
                o->json = true;
                o->github = false;
            } else if (strcmp(optarg, "github") == 0) {
                o->github = true;
                o->json = false;
            } else {
                char shown[64];
                rdc_escape_text(optarg, strlen(optarg), shown, sizeof shown);
                rdc_errorf("--format takes text, json or github, not '%s'", shown);
                return false;
            }
            break;
        case OPT_JUNIT:
            o->junit = optarg;
            break;
        case OPT_MX:
        case OPT_SPF: {
            const char *why = "not a host name";
            struct rdc_domain_opt *d = &o->domains[o->ndomains];
            if (o->ndomains == RDC_MAX_DNSBL) {
                rdc_errorf("too many --mx/--spf domains (at most %d)", RDC_MAX_DNSBL);
                return false;
            }
            if (!fqdn_arg(optarg, strlen(optarg), d->wire, &why)) {
                char shown[300];
                rdc_escape_text(optarg, strlen(optarg), shown, sizeof shown);
                rdc_errorf("%s '%s': %s", c == OPT_MX ? "--mx" : "--spf", shown, why);
                return false;
            }
            d->spf = c == OPT_SPF;
            o->ndomains++;
            break;
        }
        case OPT_SPF_SAMPLE:
            if (!number(optarg, 1, 65536, &v))
                return bad_number("--spf-sample", optarg, 1, 65536);
            o->spf_sample = (unsigned)v;
            break;
        case OPT_SMTP_TIMEOUT:
            if (!number(optarg, 1, 600000, &v))
                return bad_number("--smtp-timeout", optarg, 1, 600000);
            o->smtp_timeout_ms = (unsigned)v;
            break;
        case OPT_DNSBL_FILE:
            if (!read_dnsbl_file(o, optarg))
                return false;
            break;
        case OPT_MAX_EXPAND:
            if (!number(optarg, 1, 16777216, &v))
                return bad_number("--max-expand", optarg, 1, 16777216);
            o->max_expand = v;
            break;
        case 'f':
            if (o->file) {
                rdc_errorf("-f/--file given twice; give one FILE");
                return false;
            }
            o->file = optarg;
            break;
        case '4':
            only4 = true;
            break;
        case '6':
            only6 = true;
            break;
        case 'h':
            o->help = true;
            return true;
        case 'V':
            o->version = true;
            return true;
        case ':': {
            char shown[128];
            const char *opt = argv[optind - 1];
            rdc_escape_text(opt, strlen(opt), shown, sizeof shown);
            rdc_errorf("option '%s' needs an argument (see --help)", shown);
            return false;
        }
        default: {
            char shown[128];
            const char *opt = argv[optind - 1];
            if (optopt && optopt < 256)
                snprintf(shown, sizeof shown, "-%c", optopt);
            else
                rdc_escape_text(opt, strlen(opt), shown, sizeof shown);
            rdc_errorf("unknown option '%s' (see --help)", shown);
            return false;
        }
        }
    }
    /* -4 and -6 together mean both, like neither */
    o->want4 = only4 || !only6;
    o->want6 = only6 || !only4;
    o->targets = argv + optind;
    o->ntargets = (size_t)(argc - optind);
    if (o->ntargets == 0 && o->file == NULL && o->ndomains == 0) {
        rdc_errorf("no target given (see --help)");
        return false;
    }
    bool ok = true;
    for (size_t i = 0; i < o->ntargets; i++) {
        rdc_target_t t;
        const char *a = o->targets[i];
        if (!rdc_target_parse(a, strlen(a), o->max_expand, &t, err, sizeof err)) {
            char shown[300];
            rdc_escape_text(a, strlen(a), shown, sizeof shown);
            rdc_errorf("'%s': %s", shown, err);
            ok = false;
        }
    }
    return ok;
}
