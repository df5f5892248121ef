/* plugin.c - the binary called as check_rdns: the Monitoring Plugins
 * conventions (development guidelines; as check_dns and check_dig take
 * theirs) on top of --format nagios: -H, -t SECONDS for the whole check,
 * -w/-c and -W/-C ranges, exit status 3 and one status line for -h, -V and
 * every usage error. Its option table shares cli.c's parser. */
#include "cli.h"

#include <getopt.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define PLUGIN_NAME "check_rdns"
#define PLUGIN_OPTIONS 16

bool rdc_plugin_called(const char *argv0)
{
    if (argv0 == NULL)
        return false;
    const char *base = strrchr(argv0, '/');
    return strcmp(base ? base + 1 : argv0, PLUGIN_NAME) == 0;
}

/* Appends one target (a string of argv) to o->targets, which check_rdns
 * owns (it gathers -H's arguments and the operands). */
static bool add_target(rdc_options_t *o, char *t)
{
    char **grown = realloc(o->targets, (o->ntargets + 1) * sizeof *grown);
    if (grown == NULL) {
        rdc_errorf("out of memory");
        return false;
    }
    o->targets = grown;
    o->targets_owned = true;
    o->targets[o->ntargets++] = t;
    return true;
}

static bool set_host(rdc_options_t *o, const rdc_optdef_t *d, const char *arg, uint64_t num)
{
    (void)d, (void)num;
    return add_target(o, (char *)arg); /* a string of argv: trimmed in place later */
}

/* -t SECONDS: the whole check. Each try of a query waits a sixth of it (at
 * most the usual 2 s): a PTR and a forward lookup of three tries each then
 * end, as tempfail, before the check's time is up. */
static bool set_check_timeout(rdc_options_t *o, const rdc_optdef_t *d, const char *arg,
                              uint64_t num)
{
    (void)d, (void)arg;
    uint64_t per_try = num * 1000 / 6;
    o->check_timeout_s = (unsigned)num; /* at most 3600: see the table */
    o->timeout_ms = (unsigned)(per_try < 2000 ? per_try : 2000);
    return true;
}

/* -w, -c (fail_*) and -W, -C (warn_*): a range at d->field. The first of a
 * pair given drops that pair's default. */
static bool set_range(rdc_options_t *o, const rdc_optdef_t *d, const char *arg, uint64_t num)
{
    rdc_range_t *r = (rdc_range_t *)(void *)((char *)o + d->field);
    const char *why = NULL;
    (void)num;
    bool fail = r == &o->limits.fail_warn || r == &o->limits.fail_crit;
    bool *given = fail ? &o->fail_limits_given : &o->warn_limits_given;
    if (!*given) {
        memset(fail ? &o->limits.fail_warn : &o->limits.warn_warn, 0, sizeof *r);
        memset(fail ? &o->limits.fail_crit : &o->limits.warn_crit, 0, sizeof *r);
        *given = true;
    }
    if (!rdc_range_parse(arg, strlen(arg), r, &why)) {
        char shown[128];
        rdc_escape_text(arg, strlen(arg), shown, sizeof shown);
        rdc_errorf("-%c/--%s '%s': %s", d->letter, d->name, shown, why);
        return false;
    }
    return true;
}

#define LIMIT(m) .field = offsetof(rdc_options_t, limits.m)

/* check_rdns's own options; the rest are the main table's, by name, with
 * their help text for a plugin (see build). */
static const rdc_optdef_t own[] = {
    {.name = "hostname",
     .letter = 'H',
     .arg = RDC_ARG_REQUIRED,
     .argname = "ADDRESS|HOST",
     .set = set_host,
     .help = "an address, a host name (each of its A and AAAA\n"
             "addresses) or a CIDR block to check; repeatable"},
    {.name = "timeout",
     .letter = 't',
     .arg = RDC_ARG_REQUIRED,
     .argname = "SECONDS",
     .min = 1,
     .max = 3600,
     .def = 10,
     .set = set_check_timeout,
     .help = "time for the whole check, in seconds (default %D);\n"
             "then UNKNOWN, with what was decided"},
    {.name = "warning",
     .letter = 'w',
     .arg = RDC_ARG_REQUIRED,
     .argname = "RANGE",
     LIMIT(fail_warn),
     .set = set_range,
     .heading = "\nThresholds (see Ranges below):\n",
     .help = "WARNING when the number of addresses that fail is\n"
             "outside RANGE"},
    {.name = "critical",
     .letter = 'c',
     .arg = RDC_ARG_REQUIRED,
     .argname = "RANGE",
     LIMIT(fail_crit),
     .set = set_range,
     .help = "CRITICAL when it is outside RANGE (default, without\n"
             "-w and -c: 0, any failing address is CRITICAL)"},
    {.name = "warn-warning",
     .letter = 'W',
     .arg = RDC_ARG_REQUIRED,
     .argname = "RANGE",
     LIMIT(warn_warn),
     .set = set_range,
     .help = "WARNING when the number of addresses that warn is\n"
             "outside RANGE (default, without -W and -C: 0)"},
    {.name = "warn-critical",
     .letter = 'C',
     .arg = RDC_ARG_REQUIRED,
     .argname = "RANGE",
     LIMIT(warn_crit),
     .set = set_range,
     .help = "CRITICAL when the number of addresses that warn is\n"
             "outside RANGE"},
};

/* Options taken from the main table, in check_rdns's --help order after
 * -H: the name, where it goes (after which own option), and its help. */
static const struct shared {
    const char *name;
    const char *after; /* the own option it follows */
    const char *help;
} shared[] = {
    {"mx", "hostname", "check every address of every MX of DOMAIN; repeatable"},
    {"spf", "hostname", "check every address DOMAIN's SPF record authorises;\nrepeatable"},
    {"server", "hostname",
     "DNS servers, comma-separated ADDR, ADDR:PORT or\n"
     "[IPV6]:PORT (default: the system resolver)"},
    {"verbose", "warn-critical", "list every address in the long output, passes too"},
    {"help", "warn-critical", "show this help and exit (status 3)"},
    {"version", "warn-critical", "show the version and exit (status 3)"},
};

static const rdc_optdef_t *main_option(const char *name)
{
    size_t n;
    const rdc_optdef_t *t = rdc_cli_options(&n);
    for (size_t i = 0; i < n; i++)
        if (t[i].name && strcmp(t[i].name, name) == 0)
            return &t[i];
    return NULL;
}

/* The table: each own option, each followed by the shared ones that go
 * after it. */
static size_t build(rdc_optdef_t *t)
{
    size_t n = 0;
    for (size_t i = 0; i < sizeof own / sizeof own[0]; i++) {
        t[n++] = own[i];
        for (size_t k = 0; k < sizeof shared / sizeof shared[0]; k++) {
            const rdc_optdef_t *d = main_option(shared[k].name);
            if (d == NULL || strcmp(shared[k].after, own[i].name) != 0)
                continue;
            t[n] = *d;
            t[n].heading = strcmp(shared[k].name, "verbose") == 0 ? "\nOther options:\n" : NULL;
            t[n++].help = shared[k].help;
        }
    }
    return n;
}

const rdc_optdef_t *rdc_plugin_options(size_t *n)
{
    static rdc_optdef_t table[PLUGIN_OPTIONS];
    static size_t len;
    if (len == 0)
        len = build(table);
    *n = len;
    return table;
}

/* After the options: the limits that were not given, the operands as
 * targets (as -H), something to check. */
static bool finish(int argc, char **argv, rdc_options_t *o)
{
    rdc_nagios_limits_t def;
    rdc_nagios_default_limits(&def);
    if (!o->fail_limits_given)
        o->limits.fail_crit = def.fail_crit;
    if (!o->warn_limits_given)
        o->limits.warn_warn = def.warn_warn;
    o->want4 = o->want6 = true;
    for (int i = optind; i < argc; i++)
        if (!add_target(o, argv[i]))
            return false;
    if (o->ntargets == 0 && o->ndomains == 0) {
        rdc_errorf("nothing to check: give -H with an address or host name (repeatable), "
                   "--mx DOMAIN or --spf DOMAIN (see --help)");
        return false;
    }
    return rdc_arg_targets(o);
}

bool rdc_plugin_parse(int argc, char **argv, rdc_options_t *o)
{
    size_t n;
    const rdc_optdef_t *t = rdc_plugin_options(&n);
    rdc_cli_errors_on_stderr(false);
    bool ok = rdc_cli_parse_table(argc, argv, o, t, n);
    o->plugin = o->nagios = true;
    o->progress = 0;
    o->color = RDC_COLOR_NEVER;
    if (!ok || o->help || o->version)
        return ok;
    return finish(argc, argv, o);
}

void rdc_plugin_version(FILE *f)
{
    fprintf(f, PLUGIN_NAME " %s (rdnscheck, c-ares %s)\n", RDC_VERSION, rdc_resolver_version());
}

void rdc_plugin_usage(FILE *f)
{
    fputs("Usage: check_rdns -H ADDRESS|HOST [-H ...] [-s LIST] [-t SECONDS] [-w RANGE]\n"
          "                  [-c RANGE] [-W RANGE] [-C RANGE] [-v]\n"
          "       check_rdns --mx DOMAIN | --spf DOMAIN [OPTION]...\n"
          "Check that mail-sending addresses have forward-confirmed reverse DNS (a PTR\n"
          "record whose name resolves back to the address), as a monitoring plugin for\n"
          "Nagios, Icinga, Naemon and others: a status line with performance data, a\n"
          "line per address that is not a pass, and the state as exit status.\n"
          "\n"
          "Options:\n",
          f);
    size_t n;
    const rdc_optdef_t *options = rdc_plugin_options(&n);
    for (size_t i = 0; i < n; i++)
        rdc_cli_usage_option(f, &options[i]);
    fputs("\n"
          "Ranges (Monitoring Plugins guidelines): alert when the count is outside\n"
          "the range, or inside it with @:\n"
          "  10        more than 10\n"
          "  10:       fewer than 10\n"
          "  ~:10      more than 10 (no lower end)\n"
          "  10:20     fewer than 10 or more than 20\n"
          "  @10:20    from 10 to 20\n"
          "Once -w or -c is given, only the ranges given apply to failing addresses\n"
          "(the same for -W and -C and warning ones). A --mx/--spf domain whose own\n"
          "lookups or policy fail is CRITICAL, and one that warns WARNING, whatever\n"
          "the ranges.\n"
          "\n"
          "Exit status (the plugin state):\n"
          "  0  OK: every address was decided, and no count is outside a range\n"
          "  1  WARNING: a count outside a warning range (by default: an address warns)\n"
          "  2  CRITICAL: a count outside a critical range (by default: an address fails)\n"
          "  3  UNKNOWN: an address could not be decided (tempfail: DNS timeout,\n"
          "     SERVFAIL, ...), the check ran out of time (-t), nothing to check, a\n"
          "     usage error, --help, --version\n"
          "  When several apply: CRITICAL, then WARNING, then UNKNOWN.\n"
          "\n"
          "Performance data: 'pass', 'warn', 'fail' and 'tempfail' addresses (warn\n"
          "and crit: the ranges, min 0, max the addresses checked), time in seconds,\n"
          "'error' (bad targets).\n"
          "\n"
          "Examples:\n"
          "  check_rdns -H 192.0.2.10\n"
          "  check_rdns -H mail.example.com -s 127.0.0.1 -t 15\n"
          "  check_rdns --spf example.com -w 0 -c 2\n",
          f);
}
