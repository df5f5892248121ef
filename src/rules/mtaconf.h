/* mtaconf.h - what a mail server's configuration says about the mail it
 * sends (--self): pure parsing of `postconf` and `exim -bP` output into
 * the protocols, bind addresses and HELO name of its SMTP client. No
 * process is run here (cli/selfcheck.c runs them). Internal. */
#ifndef RDC_MTACONF_H
#define RDC_MTACONF_H

#include <stdbool.h>
#include <stddef.h>

#include "rdnscheck.h"

#define RDC_MTA_VALUE_MAX 256 /* a value kept; longer ones are cut (and noted) */

typedef enum rdc_mta_kind { RDC_MTA_NONE = 0, RDC_MTA_POSTFIX, RDC_MTA_EXIM } rdc_mta_kind_t;

/* One family's outbound binding as the MTA would use it. */
typedef struct rdc_mta_bind {
    bool set; /* the MTA binds its SMTP client sockets of this family */
    bool valid; /* set, and text is an address of this family (addr) */
    rdc_addr_t addr;
    char text[RDC_MTA_VALUE_MAX]; /* the value as configured (printable ASCII) */
    /* where it came from: "smtp_bind_address", "master.cf smtp -o
     * smtp_bind_address", "inet_interfaces (its one IPv4 address)",
     * "remote_smtp interface" */
    char param[96];
} rdc_mta_bind_t;

typedef struct rdc_mta_conf {
    rdc_mta_kind_t kind; /* NONE: nothing could be read */
    bool v4, v6; /* the families the SMTP client uses */
    char protocols[RDC_MTA_VALUE_MAX]; /* inet_protocols as configured ("" for Exim) */
    rdc_mta_bind_t bind[2]; /* [0] IPv4, [1] IPv6 */
    /* Postfix 3.7 smtp_bind_address_enforce: a bind that fails defers the
     * mail instead of sending from the kernel's choice of address */
    bool enforce;
    char helo[RDC_MTA_VALUE_MAX]; /* the HELO name it sends, "" unknown */
    char helo_param[64]; /* "smtp_helo_name", "myhostname", "helo_data", ... */
    char note[RDC_MTA_VALUE_MAX]; /* something that could not be read, or "" */
} rdc_mta_conf_t;

/* Calls fn for each "NAME = VALUE" line of text (len bytes, any bytes):
 * the format of `postconf`, `postconf -P` ("SERVICE/TYPE/NAME = VALUE")
 * and `exim -bP`. NAME is trimmed, VALUE trimmed of surrounding blanks;
 * both are NUL-terminated copies, cut at RDC_MTA_VALUE_MAX - 1 bytes, with
 * bytes outside printable ASCII escaped (rdc_escape_text). Exim's "no_NAME"
 * lines give VALUE "false", a bare "NAME" line "true". Other lines (empty,
 * comments, garbage) are skipped. Returns the number of pairs passed. */
size_t rdc_conf_pairs(const char *text, size_t len,
                      void (*fn)(void *ctx, const char *name, const char *value), void *ctx);

/* Reads the output of `postconf -x inet_protocols inet_interfaces
 * smtp_bind_address smtp_bind_address6 smtp_bind_address_enforce
 * smtp_helo_name myhostname` followed by that of `postconf -P -x` (the
 * master.cf overrides; those of the "smtp/unix" service win) into out,
 * as Postfix's SMTP client reads them: inet_protocols "all" or a list of
 * ipv4/ipv6; an empty smtp_bind_address(6) takes the one non-loopback
 * address of its family in inet_interfaces, when there is exactly one
 * (postconf(5), smtp_bind_address Note 1); "[...]" around an address is
 * allowed. Text that does not look like postconf output gives kind NONE. */
void rdc_postconf_read(const char *text, size_t len, rdc_mta_conf_t *out);

/* Reads `exim -bP primary_hostname` followed by `exim -bP transport
 * remote_smtp` (interface, helo_data) into out. Exim's interface is a list
 * ("<; 192.0.2.1 ; 2001:db8::1", or ':'-separated without a "<"); the
 * first address of each family binds that family. A value with an
 * expansion ("$", "${") cannot be known here: out->note says so. HELO:
 * helo_data, whose default is $primary_hostname. Both families are used. */
void rdc_exim_read(const char *text, size_t len, rdc_mta_conf_t *out);

/* "Postfix", "Exim" or "none". */
const char *rdc_mta_name(rdc_mta_kind_t k);

#endif
