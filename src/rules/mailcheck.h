/* mailcheck.h - pure rules for the mail-specific checks (mailcheck.c): the
 * HELO name and DNSBL query names and answers. Internal: not installed. */
#ifndef RDC_MAILCHECK_H
#define RDC_MAILCHECK_H

#include "rdnscheck.h"

/* Classifies the A answers of a DNSBL query (RFC 5782 §2.1, and Spamhaus's
 * 127.255.255.0/24 error codes); with status not OK, by the status. When
 * why is not NULL it gets a static explanation of a BAD answer. */
rdc_dnsbl_state_t rdc_dnsbl_classify(rdc_dns_status_t status, const rdc_addr_t *codes,
                                     size_t ncodes, const char **why);

/* Builds the DNSBL query name for address a in zone (presentation form,
 * no trailing dot): reversed octets, or 32 reversed nibbles for IPv6.
 * Returns false when the name would exceed 253 characters. buf holds
 * RDC_NAME_TEXT_MAX bytes. */
bool rdc_dnsbl_query_name(const rdc_addr_t *a, const char *zone, char *buf);

/* How a HELO/EHLO name given with --helo is to be checked. Returns
 * RDC_NAME_CHECKED (a host name: *wire filled), RDC_NAME_LITERAL (an
 * address literal "[192.0.2.1]" or "[IPv6:2001:db8::1]": *lit filled) or
 * RDC_NAME_INVALID with *why set: no dot, .local/.lan/.localdomain/.home/
 * .internal, a bare IP, or not a host name at all (RFC 5321 §2.3.5). */
rdc_name_kind_t rdc_helo_parse(const char *name, uint8_t *wire, rdc_addr_t *lit, const char **why);

#endif
