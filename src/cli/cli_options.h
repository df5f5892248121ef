/* cli_options.h - the option table (cli_options.c): one entry per
 * option, the single source of getopt_long's table, the checks, the
 * defaults and --help. */
#ifndef RDC_CLI_OPTIONS_H
#define RDC_CLI_OPTIONS_H

#include "options.h"

/* The option table, in --help order; *n its length. */
const rdc_optdef_t *rdc_cli_options(size_t *n);

#endif
