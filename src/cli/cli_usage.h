/* cli_usage.h - --help, rendered from the option table, and --version
 * (cli_usage.c). */
#ifndef RDC_CLI_USAGE_H
#define RDC_CLI_USAGE_H

#include <stdio.h>

#include "options.h"

void rdc_cli_usage(FILE *f);
void rdc_cli_version(FILE *f);

/* One option's entry in --help. */
void rdc_cli_usage_option(FILE *f, const rdc_optdef_t *d);

#endif
