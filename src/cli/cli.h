/* cli.h - the command line: parsing argv into options (options.h) with
 * the option table, usage text; what main, the session and the tests use.
 * Diagnostics are diag.h's, argument checks cli_args.h's. */
#ifndef RDC_CLI_H
#define RDC_CLI_H

#include <stdio.h>

#include "cli_args.h"
#include "cli_options.h"
#include "cli_usage.h"
#include "diag.h"
#include "options.h"

/* Frees what rdc_cli_parse allocated. */
void rdc_cli_free(rdc_options_t *o);

/* Parses argv. On a usage error prints one line (and a hint) to stderr and
 * returns false. Validates every command-line target, so that a bad one
 * stops the run before anything is looked up. */
bool rdc_cli_parse(int argc, char **argv, rdc_options_t *o);

/* ------------------------------------------------------------ check_rdns */

/* Whether argv0's base name is check_rdns: the binary was called as the
 * monitoring plugin (a link in the plugin directory). */
bool rdc_plugin_called(const char *argv0);

/* check_rdns's option table, in --help order; *n its length. */
const rdc_optdef_t *rdc_plugin_options(size_t *n);

/* Parses check_rdns's command line into o (o->plugin and o->nagios set):
 * -H ADDRESS|HOST (repeatable; operands are taken as well), -t SECONDS for
 * the whole check, -w/-c and -W/-C ranges, -s, --mx, --spf, -v, -h, -V.
 * On a usage error returns false; the message is rdc_cli_last_error(). */
bool rdc_plugin_parse(int argc, char **argv, rdc_options_t *o);

/* check_rdns --help and --version. */
void rdc_plugin_usage(FILE *f);
void rdc_plugin_version(FILE *f);

/* Sets o to the defaults, then the defaults of options (when it is not the
 * main table), and applies argv's options with options' definitions. Stops
 * after -h or -V. Leaves optind at the first operand. On an error (written
 * with rdc_errorf) returns false. */
bool rdc_cli_parse_table(int argc, char **argv, rdc_options_t *o, const rdc_optdef_t *options,
                         size_t n);

/* Checks each of o's targets (blanks around them trimmed in place), one
 * message per bad one. */
bool rdc_arg_targets(rdc_options_t *o);

#endif
