/* options.h - what the command line sets (rdc_options_t) and the option
 * table's entry (rdc_optdef_t): the types under every file of the command
 * line - the parser (cli.c), the table (cli_options.c), the argument
 * checks (cli_args.c), check_rdns (plugin.c). Declares no function. */
#ifndef RDC_OPTIONS_H
#define RDC_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rdnscheck.h"
#include "report_mon.h"
#include "resolver.h"

#define RDC_MAX_SERVERS 32
#define RDC_MAX_DNSBL 32
#define RDC_MAX_WHOAMI 8
#define RDC_MAX_LABELS 16

typedef enum rdc_color_when { RDC_COLOR_AUTO, RDC_COLOR_ALWAYS, RDC_COLOR_NEVER } rdc_color_when_t;

typedef struct rdc_options {
    rdc_server_t servers[RDC_MAX_SERVERS];
    size_t nservers;
    unsigned timeout_ms, tries, concurrency, rate;
    bool json, quiet, verbose, strict, want4, want6, unordered;
    bool iprev; /* --iprev: any confirming PTR name passes (RFC 8601) */
    bool stdin_implied; /* no target given: file is "-", standard input */
    bool rotate; /* --rotate */
    bool idn; /* --idn: PTR names in Unicode in the text report (UTF-8 only) */
    bool github; /* --format github */
    bool nagios, prometheus; /* --format nagios, --format prometheus */
    const char *junit; /* --junit FILE */
    const char *output; /* --output FILE: the report there, not on stdout */
    const char *labels[RDC_MAX_LABELS]; /* --label NAME=VALUE, into argv */
    size_t nlabels;
    int progress; /* -1 auto, 0 never, 1 always (on a terminal) */
    rdc_color_when_t color;
    uint64_t max_expand;
    const char *file;
    unsigned shard_index, shard_count; /* --shard I/N: I - 1 and N; N 0: none */
    char **targets; /* into argv, or (targets_owned) an array of argv's strings */
    size_t ntargets;
    bool targets_owned; /* check_rdns -H: the array is freed by rdc_cli_free */
    bool help, version;
    /* mail checks */
    const char *helo;
    rdc_name_kind_t helo_kind;
    uint8_t helo_wire[RDC_NAME_WIRE_MAX + 1];
    rdc_addr_t helo_lit;
    const char *helo_why;
    char *dnsbl[RDC_MAX_DNSBL]; /* owned (rdc_cli_free) */
    size_t ndnsbl;
    struct rdc_domain_opt {
        bool spf; /* else mx */
        uint8_t wire[RDC_NAME_WIRE_MAX + 1];
    } domains[RDC_MAX_DNSBL];
    size_t ndomains;
    unsigned spf_sample;
    unsigned smtp_port; /* 0: no --smtp */
    unsigned smtp_timeout_ms;
    char ehlo_name[256];
    bool authority; /* --authority */
    uint64_t wait_ms; /* --wait: re-check for this long at most; 0: no */
    /* --self (selfcheck.c): this host's own sending addresses */
    bool self;
    bool has_self_via[2]; /* --self-via ADDR, per family ([0] IPv4) */
    rdc_addr_t self_via[2];
    struct rdc_whoami_opt { /* --whoami NAME@SERVER */
        uint8_t wire[RDC_NAME_WIRE_MAX + 1];
        rdc_server_t server;
        char text[RDC_NAME_TEXT_MAX + RDC_SERVER_TEXT_MAX + 2];
    } whoami[RDC_MAX_WHOAMI];
    size_t nwhoami;
    bool whoami_given; /* --whoami given (also "none"): no default services */
    const char *postfix_config; /* --postfix-config DIR: postconf -c DIR */
    const char *exim_config; /* --exim-config FILE: exim -C FILE */
    /* called as check_rdns (plugin.c): the Monitoring Plugins conventions */
    bool plugin;
    unsigned check_timeout_s; /* check_rdns -t: the whole check, in seconds */
    rdc_nagios_limits_t limits; /* check_rdns -w, -c, -W, -C (set when plugin) */
    bool fail_limits_given, warn_limits_given; /* -w/-c, -W/-C given: no defaults */
} rdc_options_t;

/* One command-line option: the single source of getopt_long's table, the
 * range and choice checks, the defaults and the --help text (curl and kdig
 * keep theirs the same way). rdc_cli_options() gives the table, in --help
 * order; tests/docs compares it with the README and the man page. */
typedef enum rdc_opt_arg { RDC_ARG_NONE, RDC_ARG_REQUIRED, RDC_ARG_OPTIONAL } rdc_opt_arg_t;

#define RDC_OPT_CHOICES 6

struct rdc_optdef;
/* Applies one option. arg is the argument as given (NULL: none, or the
 * default being applied); num is its checked value: a number within range,
 * the index of a choice, or the default. */
typedef bool (*rdc_opt_set_fn)(rdc_options_t *o, const struct rdc_optdef *d, const char *arg,
                               uint64_t num);

typedef struct rdc_optdef {
    const char *name; /* long name without "--"; NULL: a short option only */
    char letter; /* short option, or 0 */
    rdc_opt_arg_t arg;
    const char *argname; /* the argument in --help: "MS", "N", "FILE" */
    uint64_t min, max; /* a numeric argument's range; max 0: not a number */
    /* a number's default: its value without the option (RDC_ARG_REQUIRED)
     * or without "=ARG" (RDC_ARG_OPTIONAL); 0: none (the feature is off) */
    uint64_t def;
    const char *choices[RDC_OPT_CHOICES]; /* a word argument's words, the default first */
    size_t field; /* offsetof the rdc_options_t member the generic setters write */
    rdc_opt_set_fn set;
    const char *heading; /* --help text printed before this option (a section) */
    const char *label; /* --help's left column when not "-x, --name ARG" */
    const char *help; /* --help text ("%D": the default); NULL: on another line */
} rdc_optdef_t;

#endif
