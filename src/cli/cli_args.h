/* cli_args.h - inside the command line: the argument checks (cli_args.c)
 * that the parser (cli.c) and the option table's setters (cli_options.c)
 * share. Each check that fails has written its line with rdc_errorf. */
#ifndef RDC_CLI_ARGS_H
#define RDC_CLI_ARGS_H

#include <stdio.h>

#include "diag.h"
#include "options.h"

/* The option table's length at most (checked where the table is): sizes
 * getopt_long's tables in rdc_cli_parse. */
#define RDC_CLI_MAX_OPTIONS 64

/* Parses a decimal number in [min, max] into *out: digits only, no sign,
 * nothing after them. Writes no message. */
bool rdc_arg_number(const char *s, uint64_t min, uint64_t max, uint64_t *out);

/* The generic check of d's argument arg (not NULL): a number within d's
 * range, or one of d's words. On success *num is the number or the word's
 * index; untouched when d takes neither. */
bool rdc_arg_check(const rdc_optdef_t *d, const char *arg, uint64_t *num);

/* A fully qualified domain name s (len bytes) into wire form; on failure
 * *why says what is wrong. Writes no message. */
bool rdc_arg_fqdn(const char *s, size_t len, uint8_t *wire, const char **why);

/* Adds DNSBL zone z (len bytes) to o->dnsbl (a copy, freed by rdc_cli_free);
 * the same zone twice is kept once. file and line, when file is not NULL,
 * say where z was read, for the message. */
bool rdc_arg_dnsbl(rdc_options_t *o, const char *z, size_t len, const char *file,
                   unsigned long line);

/* Adds the DNSBL zones of the file at path, one a line ('#' comments and
 * blank lines skipped). */
bool rdc_arg_dnsbl_file(rdc_options_t *o, const char *path);

/* Parses a server list "ADDR[,ADDR:PORT][,[IPV6]:PORT]..." (at most max
 * entries). On failure returns false and writes a reason to err. */
bool rdc_servers_parse(const char *list, rdc_server_t *out, size_t max, size_t *n, char *err,
                       size_t errlen);

#endif
