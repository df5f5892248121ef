/* rdnscheck.h - public core API of rdnscheck: addresses, DNS names, verdicts
 * and the check engine. Every exported symbol starts with rdc_. The core
 * never prints to a terminal and never exits; it returns statuses. */
#ifndef RDNSCHECK_H
#define RDNSCHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define RDC_VERSION "0.1.0"

/* Exit statuses of the command line tool. Precedence when several apply:
 * USAGE, then FAIL, then TEMPFAIL (see rdc_exit_for_counts). */
typedef enum rdc_exit {
    RDC_EXIT_OK = 0, /* every address passed (warnings allowed unless --strict) */
    RDC_EXIT_FAIL = 1, /* at least one address failed */
    RDC_EXIT_USAGE = 2, /* bad option, bad target, unreadable input, output error */
    RDC_EXIT_TEMPFAIL = 3, /* at least one check could not be decided */
    RDC_EXIT_SIGINT = 130, /* stopped by SIGINT */
    RDC_EXIT_SIGTERM = 143 /* stopped by SIGTERM */
} rdc_exit_t;

/* ---------------------------------------------------------------- addresses */

/* An IPv4 (family 4, bytes 0..3) or IPv6 (family 6, 16 bytes) address. */
typedef struct rdc_addr {
    uint8_t family;
    uint8_t b[16];
} rdc_addr_t;

#define RDC_ADDR_TEXT_MAX 46 /* "ffff:...:255.255.255.255" + NUL */
#define RDC_REVNAME_MAX 74 /* 32 nibbles * 2 + "ip6.arpa" + NUL */

/* Parses a literal IPv4 (dotted quad, no leading zeros) or IPv6 address
 * (RFC 4291 text, no zone ID) of exactly len bytes. An IPv4-mapped IPv6
 * address comes back as IPv4. Returns false for anything else. */
bool rdc_addr_parse(const char *s, size_t len, rdc_addr_t *out);

/* Writes the canonical text: dotted quad, or RFC 5952 for IPv6. buf must hold
 * RDC_ADDR_TEXT_MAX bytes. Returns buf. */
char *rdc_addr_format(const rdc_addr_t *a, char *buf);

/* Writes the reverse lookup name (no trailing dot): d.c.b.a.in-addr.arpa or
 * 32 nibbles + ip6.arpa. buf must hold RDC_REVNAME_MAX bytes. */
char *rdc_addr_reverse_name(const rdc_addr_t *a, char *buf);

/* True when both addresses are of one family and equal. */
bool rdc_addr_equal(const rdc_addr_t *x, const rdc_addr_t *y);

/* A CIDR block: base address with the host bits cleared, and prefix length. */
typedef struct rdc_cidr {
    rdc_addr_t base;
    unsigned prefix;
} rdc_cidr_t;

/* Parses "ADDR/LEN" of len bytes. Host bits set in ADDR are an error (as in
 * a routing table entry, it usually means a typo). On failure returns false
 * and, when why is not NULL, points it at a static explanation. */
bool rdc_cidr_parse(const char *s, size_t len, rdc_cidr_t *out, const char **why);

/* Number of addresses in the block, saturated at UINT64_MAX. */
uint64_t rdc_cidr_size(const rdc_cidr_t *c);

/* Address number i (0-based) of the block; i must be < rdc_cidr_size(). */
void rdc_cidr_nth(const rdc_cidr_t *c, uint64_t i, rdc_addr_t *out);

/* ---------------------------------------------------------------- DNS names */

#define RDC_NAME_WIRE_MAX 255 /* RFC 1035 §2.3.4 */
#define RDC_NAME_TEXT_MAX 1024 /* every octet escaped as \DDD still fits */

/* Writes the presentation form of the uncompressed wire name `wire` (RFC 1035
 * §5.1): octets outside printable ASCII as \DDD, '.' inside a label, '"', '\\'
 * and ';' escaped with a backslash; no trailing dot except for the root, which
 * is ".". buf must hold RDC_NAME_TEXT_MAX bytes. Returns the length. */
size_t rdc_name_to_text(const uint8_t *wire, char *buf);

/* Escapes arbitrary untrusted bytes (a target from a file, an SMTP banner) in
 * the same way, into buf of size cap (truncating with "..." when it does not
 * fit; cap >= 8). The result is printable ASCII only. Returns the length. */
size_t rdc_escape_bytes(const void *data, size_t len, char *buf, size_t cap);

/* Like rdc_escape_bytes, for free text (a TXT reason, an SMTP banner, a
 * target as typed): spaces and punctuation stay as they are; only bytes
 * outside printable ASCII become \DDD and a backslash becomes \\. */
size_t rdc_escape_text(const void *data, size_t len, char *buf, size_t cap);

/* True when the wire name is a host name a mail receiver would look up:
 * labels of letters, digits, '-' and '_' not starting or ending with '-',
 * at least two labels, and a last label that is not all digits (so "192.0.2.1"
 * is refused, as Postfix does). */
bool rdc_name_is_hostname(const uint8_t *wire);

/* True when the wire name ends in in-addr.arpa or ip6.arpa (case-insensitive),
 * the mark of a zone-file name that lost its trailing dot. */
bool rdc_name_is_reverse(const uint8_t *wire);

/* Case-insensitive comparison of two wire names. */
bool rdc_name_equal(const uint8_t *x, const uint8_t *y);

/* Parses a host name given as text (a target, a server name) of len bytes into
 * wire form. Only letters, digits, '-', '_' and dots; one trailing dot allowed;
 * labels 1..63 octets, name <= 255 octets. On failure returns false and sets
 * *why to a static explanation. */
bool rdc_name_from_text(const char *s, size_t len, uint8_t *wire, const char **why);

/* ---------------------------------------------------------------- verdicts */

typedef enum rdc_verdict {
    RDC_PASS = 0,
    RDC_WARN,
    RDC_TEMPFAIL,
    RDC_FAIL,
    RDC_ERROR /* the input could not be checked at all (bad target) */
} rdc_verdict_t;

typedef enum rdc_severity {
    RDC_SEV_WARN = 0,
    RDC_SEV_TEMPFAIL,
    RDC_SEV_FAIL,
    RDC_SEV_ERROR,
    RDC_SEV_INFO /* a note that changes no verdict (null MX, implicit MX) */
} rdc_severity_t;

/* "warn", "tempfail", "fail", "error", "info". */
const char *rdc_severity_name(rdc_severity_t s);

/* Problem codes: a stable interface, documented in README and man page. */
typedef enum rdc_code {
    RDC_NO_PTR = 0,
    RDC_PTR_NO_ADDRESS,
    RDC_PTR_MISMATCH,
    RDC_PTR_INVALID_NAME,
    RDC_PTR_RELATIVE_NAME,
    RDC_PTR_PARTIAL,
    RDC_PTR_CNAME,
    RDC_PTR_TOO_MANY,
    RDC_NO_ADDRESS,
    RDC_DNS_TIMEOUT,
    RDC_DNS_SERVFAIL,
    RDC_DNS_REFUSED,
    RDC_DNS_UNREACHABLE,
    RDC_DNS_ERROR,
    RDC_INVALID_TARGET,
    RDC_HELO_NOT_PTR,
    RDC_HELO_MISMATCH,
    RDC_HELO_INVALID,
    RDC_GENERIC_PTR,
    RDC_DNSBL_LISTED,
    RDC_DNSBL_ERROR,
    RDC_SMTP_UNREACHABLE,
    RDC_SMTP_TIMEOUT,
    RDC_SMTP_REFUSED,
    RDC_SMTP_BAD_GREETING,
    RDC_BANNER_MISMATCH,
    RDC_BANNER_NOT_PTR,
    RDC_DOMAIN_NOT_FOUND,
    RDC_MX_NULL,
    RDC_MX_IMPLICIT,
    RDC_MX_CNAME,
    RDC_MX_IP_LITERAL,
    RDC_MX_NO_ADDRESS,
    RDC_C_SPF_PERMERROR, /* named by the SPF module: spf-multiple, spf-loop, ... */
    RDC_C_SPF_TEMPERROR,
    RDC_C_SPF_WARNING, /* spf-ptr-deprecated, spf-unsupported-mechanism, ... */
    RDC_SPF_RANGE_TOO_LARGE,
    RDC_CODE_COUNT
} rdc_code_t;

/* The code's stable name ("no-ptr") and its severity. */
const char *rdc_code_name(rdc_code_t c);
rdc_severity_t rdc_code_severity(rdc_code_t c);
const char *rdc_verdict_name(rdc_verdict_t v);

/* Outcome of one DNS lookup, as far as a verdict cares. */
typedef enum rdc_dns_status {
    RDC_DNS_OK = 0, /* records of the asked type */
    RDC_DNS_NODATA, /* name exists, no record of the type */
    RDC_DNS_NXDOMAIN, /* name does not exist */
    RDC_DNS_S_TIMEOUT, /* no answer after all tries */
    RDC_DNS_S_SERVFAIL, /* SERVFAIL */
    RDC_DNS_S_REFUSED, /* REFUSED */
    RDC_DNS_S_UNREACHABLE, /* no server could be contacted */
    RDC_DNS_S_ERROR /* FORMERR, NOTIMP, unparseable or hostile answer */
} rdc_dns_status_t;

/* True for statuses that leave the question undecided (a receiver defers). */
bool rdc_dns_status_is_temporary(rdc_dns_status_t s);

/* The problem code a temporary status maps to. */
rdc_code_t rdc_dns_status_code(rdc_dns_status_t s);

/* A short description ("timed out", "NXDOMAIN"). */
const char *rdc_dns_status_text(rdc_dns_status_t s);

typedef struct rdc_problem {
    rdc_code_t code;
    char *code_text; /* owned; a finer name than rdc_code_name (SPF), or NULL */
    rdc_severity_t severity;
    char *message; /* owned; printable ASCII */
    char *fix; /* owned; what to do about it, or NULL */
} rdc_problem_t;

/* How one PTR name fared. */
typedef enum rdc_name_kind {
    RDC_NAME_CHECKED = 0, /* looked up forward */
    RDC_NAME_INVALID, /* not a host name: never looked up */
    RDC_NAME_RELATIVE, /* ends in .in-addr.arpa/.ip6.arpa: never looked up */
    RDC_NAME_SKIPPED, /* beyond the per-address name limit */
    RDC_NAME_LITERAL /* a HELO address literal: addrs[0] is its address */
} rdc_name_kind_t;

typedef struct rdc_name_result {
    char *name; /* owned; presentation form, no trailing dot */
    rdc_name_kind_t kind;
    rdc_dns_status_t status; /* of the forward lookup (CHECKED only) */
    bool confirmed; /* the forward addresses include ours */
    bool via_cname; /* the forward answer went through a CNAME */
    size_t naddrs;
    rdc_addr_t *addrs; /* owned; forward addresses of our family */
    char *generic; /* owned; why the name looks provider-generated, or NULL */
} rdc_name_result_t;

/* The result of checking one address (or of one target that yielded no
 * address: has_addr false). All strings are printable ASCII. */
typedef struct rdc_result {
    char *input; /* owned; the target as the user gave it, escaped */
    unsigned long line; /* line of FILE, 0 for a command-line target */
    bool has_addr;
    rdc_addr_t addr;
    rdc_verdict_t verdict;
    rdc_dns_status_t ptr_status;
    size_t nnames;
    rdc_name_result_t *names; /* owned */
    size_t nproblems;
    rdc_problem_t *problems; /* owned */
    unsigned elapsed_ms;
    char *trace; /* owned; the lookup chain for -v, or NULL */
    /* --helo: the HELO name and its forward lookup (kind INVALID with
     * helo_why set when it is no acceptable HELO name); NULL without --helo */
    rdc_name_result_t *helo;
    char *helo_why;
    rdc_verdict_t helo_verdict; /* set by rdc_verdict_compute */
    /* --dnsbl: one entry per zone, in the order given */
    size_t ndnsbl;
    struct rdc_dnsbl_result *dnsbl;
    /* --smtp: what the mail server said; NULL without --smtp */
    struct rdc_smtp_result *smtp;
    /* --mx / --spf: where an address came from ("mx 10 mx1.example.com"),
     * or NULL */
    char *via;
    /* --mx / --spf: the domain summary, emitted before its addresses
     * (has_addr false): mode "mx" or "spf", addresses found, lookups made,
     * and the expansion tree for -v */
    const char *domain_mode;
    unsigned long domain_addresses;
    unsigned domain_lookups;
    char *domain_tree;
} rdc_result_t;

/* How an SMTP probe (connect, 220 greeting, EHLO, QUIT) ended. */
typedef enum rdc_probe_outcome {
    RDC_PROBE_OK = 0, /* greeted with 220 (EHLO answered or not) */
    RDC_PROBE_UNREACHABLE, /* connection refused or unreachable */
    RDC_PROBE_TIMEOUT, /* no complete greeting in --smtp-timeout */
    RDC_PROBE_REFUSED, /* a 4xx/5xx greeting (421, 554) */
    RDC_PROBE_BAD /* not SMTP, closed mid-greeting, garbage */
} rdc_probe_outcome_t;

typedef struct rdc_smtp_result {
    unsigned port;
    rdc_probe_outcome_t outcome;
    char *detail; /* owned; why, for anything but OK, or NULL */
    unsigned greeting_code;
    char *greeting; /* owned; the greeting's first line text, escaped */
    unsigned ehlo_code; /* 0 when EHLO got no answer */
    char *ehlo_host; /* owned; the name the EHLO answer gives, or NULL */
    /* the host the greeting announces, checked like --helo (kind INVALID
     * with banner_why when there is none) */
    rdc_name_result_t banner;
    char *banner_why; /* owned */
    rdc_verdict_t banner_verdict;
    char *transcript; /* owned; the dialogue for -v, or NULL */
    unsigned elapsed_ms;
} rdc_smtp_result_t;

/* What one DNSBL zone said about an address (RFC 5782). */
typedef enum rdc_dnsbl_state {
    RDC_BL_CLEAN = 0, /* NXDOMAIN (or NODATA) */
    RDC_BL_LISTED, /* an A record in 127.0.0.0/8 other than 127.0.0.1 */
    RDC_BL_BAD, /* an answer that is no listing: outside 127/8,
                      127.0.0.1, or 127.255.255.0/24 (Spamhaus errors) */
    RDC_BL_TEMP /* the lookup failed (timeout, SERVFAIL, ...) */
} rdc_dnsbl_state_t;

typedef struct rdc_dnsbl_result {
    char *zone; /* owned; presentation form */
    rdc_dnsbl_state_t state;
    rdc_dns_status_t status; /* of the A lookup */
    size_t ncodes;
    rdc_addr_t codes[8]; /* the A answers */
    char *reason; /* owned; the TXT answer (escaped) or NULL */
} rdc_dnsbl_result_t;

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

/* Frees what the result owns (not the struct itself); NULL is a no-op. */
void rdc_result_clear(rdc_result_t *r);

/* The problem's stable name: code_text when set, else rdc_code_name. */
const char *rdc_problem_name(const rdc_problem_t *p);

/* Appends a problem with a formatted message; fix may be NULL. Returns false
 * on allocation failure. */
bool rdc_result_add_problem(rdc_result_t *r, rdc_code_t code, const char *fix, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Computes r->verdict and r->problems for an address result from its PTR
 * status and name results (pure; see verdict.c for the rules). strict turns
 * warnings into failures. Returns false on allocation failure. */
bool rdc_verdict_compute(rdc_result_t *r, bool strict);

/* Sets r->verdict from the severities of r->problems alone (info notes
 * count for nothing; strict turns warnings into failures). */
void rdc_verdict_from_problems(rdc_result_t *r, bool strict);

/* Per-verdict counters for a run. */
typedef struct rdc_counts {
    unsigned long n[RDC_ERROR + 1];
    unsigned long codes[RDC_CODE_COUNT];
} rdc_counts_t;

void rdc_counts_add(rdc_counts_t *c, const rdc_result_t *r);

/* The exit status for a run's counts: USAGE if any error, else FAIL if any
 * fail, else TEMPFAIL if any tempfail, else OK. */
rdc_exit_t rdc_exit_for_counts(const rdc_counts_t *c);

#endif
