/* cli.c - parsing the command line with the option table (cli_options.c):
 * defaults, getopt_long, the generic checks, then the targets, validated
 * with one clear line per mistake; rdc_errorf, the one writer of
 * diagnostics. */
#define _GNU_SOURCE
#include "cli.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "target.h"
#include "util.h"

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
    if (o->targets_owned)
        free(o->targets);
    o->targets = NULL;
    o->ntargets = 0;
    o->targets_owned = false;
}

/* The generic check of an option's argument, then its setter. */
static bool apply(rdc_options_t *o, const rdc_optdef_t *d, const char *arg)
{
    uint64_t v = d->def;
    if (arg && !rdc_arg_check(d, arg, &v))
        return false;
    return d->set(o, d, arg, v);
}

/* The defaults of every option of a table. */
static void table_defaults(rdc_options_t *o, const rdc_optdef_t *options, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const rdc_optdef_t *d = &options[i];
        if (d->arg == RDC_ARG_REQUIRED && ((d->max && d->def) || d->choices[0]))
            d->set(o, d, NULL, d->def); /* a choice's default is the first, index 0 */
    }
}

static void set_defaults(rdc_options_t *o)
{
    memset(o, 0, sizeof *o);
    o->progress = -1; /* neither --progress nor --no-progress: decided by the run's size */
    default_ehlo_name(o->ehlo_name, sizeof o->ehlo_name);
    size_t n;
    const rdc_optdef_t *options = rdc_cli_options(&n);
    table_defaults(o, options, n);
}

/* getopt_long's tables: long options return 256 + their index, short ones
 * their letter. */
static void getopt_tables(const rdc_optdef_t *options, size_t n, struct option *longopts,
                          char *shorts)
{
    static const int has_arg[] = {
        [RDC_ARG_NONE] = no_argument,
        [RDC_ARG_REQUIRED] = required_argument,
        [RDC_ARG_OPTIONAL] = optional_argument,
    };
    size_t nl = 0;
    *shorts++ = ':'; /* report a missing argument as ':' */
    for (size_t i = 0; i < n; i++) {
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

static const rdc_optdef_t *find_option(const rdc_optdef_t *options, size_t n, int c)
{
    if (c >= 256 && (size_t)(c - 256) < n)
        return &options[c - 256];
    for (size_t i = 0; c != ':' && c != '?' && i < n; i++)
        if (options[i].letter == c)
            return &options[i];
    return NULL;
}

/* A missing argument (':'), an unknown option or an argument to one that
 * takes none ('?'). */
static bool bad_option(const rdc_optdef_t *options, size_t n, int c, char **argv)
{
    char shown[128];
    const char *opt = argv[optind - 1];
    if (c == ':') {
        rdc_escape_text(opt, strlen(opt), shown, sizeof shown);
        rdc_errorf("option '%s' needs an argument (see --help)", shown);
        return false;
    }
    if (optopt >= 256 && (size_t)(optopt - 256) < n) { /* "--json=ARG" */
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
    if (!o->want4 && !o->want6) /* -4 and -6 together mean both, like neither */
        o->want4 = o->want6 = true;
    o->targets = argv + optind;
    o->ntargets = (size_t)(argc - optind);
    if (o->ntargets == 0 && o->file == NULL && o->ndomains == 0 && !o->self) {
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
    if (o->nlabels && (!o->prometheus || o->json)) {
        rdc_errorf("--label adds labels to Prometheus series: it needs --format prometheus");
        return false;
    }
    if (o->output && o->quiet) {
        rdc_errorf("--output and --quiet cannot be combined (-q writes no report)");
        return false;
    }
    if (o->wait_ms && (o->junit || ((o->github || o->nagios || o->prometheus) && !o->json))) {
        rdc_errorf("--wait cannot be combined with --junit or --format github/nagios/prometheus "
                   "(CI jobs and monitoring check once, on their own schedule)");
        return false;
    }
    if (!o->self && (o->has_self_via[0] || o->has_self_via[1] || o->whoami_given ||
                     o->postfix_config || o->exim_config)) {
        /* never a whoami question, nor a config read, without --self */
        rdc_errorf("--self-via, --whoami, --postfix-config and --exim-config need --self");
        return false;
    }
    return rdc_arg_targets(o);
}

bool rdc_arg_targets(rdc_options_t *o)
{
    char err[512];
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

/* The output options (--format, --json, -q) as the whole command line
 * leaves them, read before anything else and past any error, so that a
 * usage error anywhere is said the way the chosen format says errors
 * (nagios: a status line and exit status 3), wherever --format stands. */
static void prescan_output(int argc, char **argv, const struct option *longopts, const char *shorts,
                           rdc_options_t *o)
{
    rdc_options_t scratch;
    size_t n;
    const rdc_optdef_t *options = rdc_cli_options(&n);
    memset(&scratch, 0, sizeof scratch);
    /* getopt_long permutes what it is given: a copy, so that an argument
     * missing at the end cannot take an operand for the real parse */
    char **copy = malloc(((size_t)argc + 1) * sizeof *copy);
    if (copy == NULL) {
        memset(o, 0, sizeof *o);
        return;
    }
    memcpy(copy, argv, ((size_t)argc + 1) * sizeof *copy);
    bool was = rdc_cli_errors_on_stderr(false);
    opterr = 0;
    optind = 0; /* glibc: start afresh, also inside a bundle of short options */
    for (int c; (c = getopt_long(argc, copy, shorts, longopts, NULL)) != -1;) {
        const rdc_optdef_t *d = find_option(options, n, c);
        if (d && d->name &&
            (strcmp(d->name, "format") == 0 || strcmp(d->name, "json") == 0 ||
             strcmp(d->name, "quiet") == 0))
            apply(&scratch, d, optarg); /* a bad --format word changes nothing */
    }
    rdc_cli_errors_on_stderr(was);
    free(copy);
    o->json = scratch.json;
    o->nagios = scratch.nagios;
    o->quiet = scratch.quiet;
}

bool rdc_cli_parse_table(int argc, char **argv, rdc_options_t *o, const rdc_optdef_t *options,
                         size_t n)
{
    struct option longopts[RDC_CLI_MAX_OPTIONS + 1];
    char shorts[3 * RDC_CLI_MAX_OPTIONS + 2];
    size_t nmain;
    const rdc_optdef_t *main_options = rdc_cli_options(&nmain);
    set_defaults(o);
    if (options != main_options)
        table_defaults(o, options, n);
    getopt_tables(options, n, longopts, shorts);
    opterr = 0;
    optind = 0;
    for (int c; (c = getopt_long(argc, argv, shorts, longopts, NULL)) != -1;) {
        const rdc_optdef_t *d = find_option(options, n, c);
        if (d == NULL)
            return bad_option(options, n, c, argv);
        if (!apply(o, d, optarg))
            return false;
        if (o->help || o->version)
            return true;
    }
    return true;
}

bool rdc_cli_parse(int argc, char **argv, rdc_options_t *o)
{
    struct option longopts[RDC_CLI_MAX_OPTIONS + 1];
    char shorts[3 * RDC_CLI_MAX_OPTIONS + 2];
    size_t n;
    const rdc_optdef_t *options = rdc_cli_options(&n);
    rdc_options_t pre;
    getopt_tables(options, n, longopts, shorts);
    prescan_output(argc, argv, longopts, shorts, &pre);
    bool ok = rdc_cli_parse_table(argc, argv, o, options, n);
    if (ok && (o->help || o->version))
        return true;
    if (ok && parse_targets(argc, argv, o))
        return true;
    /* an error: said as the last --format/--json/-q of the line asks */
    o->json = pre.json;
    o->nagios = pre.nagios;
    o->quiet = pre.quiet;
    return false;
}
